/* progress.h: how a long lib/kms operation tells its caller what it is doing, without printing
 * (lib/ never prints: the front end decides whether and where a line goes). */
#ifndef KMS_PROGRESS_H
#define KMS_PROGRESS_H

#include "eth/error.h"

/* Called once per step with one line of text ("deploying Safe ...", no newline), borrowed for
 * the call only; ctx is the caller's, passed back unchanged. */
typedef void (*kms_progress_fn)(void *ctx, const char *line);

/* A callback and its context; fn NULL means nobody listens. Plain data. */
typedef struct kms_progress {
    kms_progress_fn fn;
    void *ctx;
} kms_progress;

/* Formats one line (printf-style, cut at 512 bytes) and hands it to p->fn. p may be NULL, and
 * p->fn may be NULL: then nothing happens. */
void kms_progress_say(const kms_progress *p, const char *fmt, ...) ETH_PRINTF(2, 3);

#endif
