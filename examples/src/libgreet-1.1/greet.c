/* libgreet 1.1. Nothing here depends on the build's time or place: builds are compared byte for
 * byte by `pthbs build --check`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "greet.h"

/* What follows the greeting: the one visible difference between 1.0 and 1.1. */
#define GREET_END "!"

/* Reads one line of f into buf (without its newline); 0 at end of file or on an empty line. */
static int read_line(FILE *f, char *buf, size_t size)
{
  if (!fgets(buf, (int)size, f)) return 0;
  buf[strcspn(buf, "\n")] = '\0';
  return buf[0] != '\0';
}

char *greet_message(const char *language_file, const char *who)
{
  char word[128], nobody[128];
  FILE *f = fopen(language_file, "r");
  if (!f) return NULL;
  int ok = read_line(f, word, sizeof word) && read_line(f, nobody, sizeof nobody);
  fclose(f);
  if (!ok) {
    errno = EINVAL;
    return NULL;
  }
  if (!who) who = nobody;
  size_t size = strlen(word) + strlen(who) + sizeof ", " GREET_END;
  char *message = malloc(size);
  if (message) snprintf(message, size, "%s, %s" GREET_END, word, who);
  return message;
}
