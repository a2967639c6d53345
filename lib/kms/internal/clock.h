/* clock.h (lib/kms only): a monotonic millisecond clock and a sleep, for polling with a
 * deadline. */
#ifndef KMS_INTERNAL_CLOCK_H
#define KMS_INTERNAL_CLOCK_H

#include <errno.h>
#include <stdint.h>
#include <time.h>

/* Milliseconds of CLOCK_MONOTONIC (only differences mean anything). */
static inline int64_t kms_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleeps ms milliseconds (resumed after a signal). */
static inline void kms_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

#endif
