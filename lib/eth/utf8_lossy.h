/* utf8_lossy.h: stepping through UTF-8 the way Rust's from_utf8_lossy does. */
#ifndef ETH_UTF8_LOSSY_H
#define ETH_UTF8_LOSSY_H

#include <stddef.h>
#include <stdint.h>

/* Decodes one code point at s[*i..n) and advances *i; an invalid or truncated sequence (its
 * maximal valid prefix) yields U+FFFD. */
uint32_t eth_utf8_next(const uint8_t *s, size_t n, size_t *i);

/* Writes the UTF-8 form of cp to out (up to 4 bytes); returns its length. */
size_t eth_utf8_put(uint32_t cp, uint8_t out[4]);

/* True if Rust's str Debug escapes cp as \u{...} (non-printable or grapheme-extending). */
int eth_unicode_escaped(uint32_t cp);

#endif
