/* buf.h: a growable byte buffer with an optional size cap, for everything lib/ builds or reads.
 *
 * Zero-initialise one (eth_buf b = {0}), or set .limit to cap what it may hold (a reply from a
 * stranger must not grow memory without bound) and .secret for key material (old storage is
 * wiped when it moves and when the buffer is cleared; other buffers are not wiped, so large
 * ones stay cheap). The struct itself is the caller's; eth_buf_clear frees only its storage. */
#ifndef ETH_BUF_H
#define ETH_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "error.h"

typedef struct eth_buf {
    uint8_t *data; /* len bytes (NULL while nothing was ever stored) */
    size_t len;
    size_t cap;
    size_t limit;  /* 0: no cap; else the most bytes the buffer may hold */
    bool secret;   /* wipe storage before it is freed */
} eth_buf;

/* Makes room for extra more bytes. Returns 0, -ETH_ERANGE past b->limit (the message names the
 * limit), or -ETH_ENOMEM. b not NULL. */
int eth_buf_reserve(eth_buf *b, size_t extra, eth_error *err) ETH_WARN_UNUSED;

/* Appends n bytes from p (p may be NULL if n is 0). Returns 0 or as eth_buf_reserve. */
int eth_buf_append(eth_buf *b, const void *p, size_t n, eth_error *err) ETH_WARN_UNUSED;

/* Appends the NUL-terminated s without its NUL. Returns 0 or as eth_buf_reserve. */
int eth_buf_append_str(eth_buf *b, const char *s, eth_error *err) ETH_WARN_UNUSED;

/* Appends n copies of byte v. Returns 0 or as eth_buf_reserve. */
int eth_buf_fill(eth_buf *b, uint8_t v, size_t n, eth_error *err) ETH_WARN_UNUSED;

/* Appends printf-style text (without a NUL). Returns 0 or as eth_buf_reserve. */
int eth_buf_printf(eth_buf *b, eth_error *err, const char *fmt, ...) ETH_PRINTF(3, 4)
    ETH_WARN_UNUSED;

/* Writes a NUL after the last byte without counting it in len, so data reads as a C string.
 * Returns 0 or as eth_buf_reserve. */
int eth_buf_terminate(eth_buf *b, eth_error *err) ETH_WARN_UNUSED;

/* The contents as a NUL-terminated string ("" for an empty buffer that never held storage):
 * call eth_buf_terminate first. Borrowed: valid until the buffer changes. */
const char *eth_buf_str(const eth_buf *b);

/* Frees b's storage (wiped first if b->secret) and empties it; keeps limit and secret.
 * The struct itself is not freed. NULL is fine. */
void eth_buf_clear(eth_buf *b);

#endif
