/* hello: prints a greeting made by libgreet from the language file of a greeting-language
 * package, then (built with +fortune) a saying from the fortune package.
 *
 * Nothing is looked up at run time: the build passes the store paths it depends on as macros,
 *   GREETING_FILE    the provider's share/greet/greeting.txt (required)
 *   FORTUNE_PROGRAM  fortune's bin/fortune (only with +fortune)
 * so each store path of hello names exactly the data and programs it uses.
 *
 *   hello [WHO]    "Hello, world!" or "Hello, WHO!" (the punctuation is libgreet's) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <greet.h>
#ifdef FORTUNE_PROGRAM
#include <sys/wait.h>
#include <unistd.h>
#endif

#ifndef GREETING_FILE
#error "build with -DGREETING_FILE=\"<language package>/share/greet/greeting.txt\""
#endif

#ifdef FORTUNE_PROGRAM
/* Runs fortune and waits for it; its output follows ours. */
static int run_fortune(void)
{
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    execl(FORTUNE_PROGRAM, "fortune", (char *)NULL);
    perror("hello: " FORTUNE_PROGRAM);
    _exit(127);
  }
  int status;
  if (waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}
#endif

int main(int argc, char **argv)
{
  char *message = greet_message(GREETING_FILE, argc > 1 ? argv[1] : NULL);
  if (!message) {
    fprintf(stderr, "hello: %s: %s\n", GREETING_FILE, strerror(errno));
    return 1;
  }
  puts(message);
  free(message);
#ifdef FORTUNE_PROGRAM
  if (run_fortune() != 0) {
    fprintf(stderr, "hello: %s failed\n", FORTUNE_PROGRAM);
    return 1;
  }
#endif
  return ferror(stdout) ? 1 : 0;
}
