/* fakenode.h (tests only): a small HTTP server on a free 127.0.0.1 port whose answers a test
 * chooses, to drive the JSON-RPC client through what a real node does only when it misbehaves
 * (garbage, HTTP errors, silence, wrong ids, refused ranges). One connection at a time. */
#ifndef KMSCTL_TEST_FAKENODE_H
#define KMSCTL_TEST_FAKENODE_H

#include <stdbool.h>
#include <stddef.h>
#include <pthread.h>
#include <jansson.h>

/* Decides the answer to one request body: sets *status (200, 500, ...) and writes the body to
 * out[0..cap), or returns false to answer nothing and hold the connection open. */
typedef bool (*fakenode_handler)(void *ctx, const char *body, int *status, char *out, size_t cap);

typedef struct fakenode {
    int fd;
    int port;
    char url[64];
    pthread_t thread;
    fakenode_handler handler;
    void *ctx;
    volatile int requests; /* how many requests arrived */
    volatile bool stop;
} fakenode;

/* Starts the server thread. Returns 0 or -1. */
int fakenode_start(fakenode *f, fakenode_handler h, void *ctx);

/* Stops the thread and closes the socket. */
void fakenode_stop(fakenode *f);

/* For a handler: writes answer (taken: released here) to out[0..cap) as compact JSON and sets
 * *status to 200. Returns true (answer the request). */
bool fakenode_json(json_t *answer, int *status, char *out, size_t cap);

#endif
