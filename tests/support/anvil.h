/* anvil.h (tests only): a real anvil on a free 127.0.0.1 port for one test program, stopped
 * when the test ends or dies (the child gets SIGKILL with its parent). */
#ifndef KMSCTL_TEST_ANVIL_H
#define KMSCTL_TEST_ANVIL_H

#include <sys/types.h>

typedef struct test_anvil {
    pid_t pid;
    int port;
    char url[64];
} test_anvil;

/* Starts anvil (env KMSCTL_ANVIL, else the project's npm install under env KMSCTL_SOURCE_DIR)
 * with extra arguments args (NULL-terminated, may be NULL) and waits until it answers.
 * Returns 0, or -1 with a message on stderr. */
int test_anvil_start(test_anvil *a, const char *const *args);

/* Stops it (SIGTERM, then SIGKILL) and reaps it. Safe to call twice. */
void test_anvil_stop(test_anvil *a);

#endif
