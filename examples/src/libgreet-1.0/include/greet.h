/* libgreet 1.0: a greeting read from a language file.
 *
 * A language file (share/greet/greeting.txt of a greeting-language package) holds two lines:
 * the greeting word ("Hello") and who is greeted when the caller names nobody ("world"). */
#ifndef GREET_H
#define GREET_H

#define GREET_VERSION "1.0"

/* "<greeting>, <who>." as a string the caller frees, or NULL with errno set when the language
 * file cannot be read or is malformed. who == NULL: the file's second line. */
char *greet_message(const char *language_file, const char *who);

#endif
