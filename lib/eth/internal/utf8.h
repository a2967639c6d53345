/* internal/utf8.h (internal to lib/eth): stepping through UTF-8 as Rust's str and
 * from_utf8_lossy do, and the escape table of Rust's Debug for str. Not part of the public API. */
#ifndef ETH_INTERNAL_UTF8_H
#define ETH_INTERNAL_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes the code point at s[*i..n) (*i < n) into *cp and advances *i. Returns true for a valid
 * sequence; false for an invalid or truncated one, after advancing past its maximal valid prefix
 * (at least one byte), with *cp = U+FFFD. */
bool eth_utf8_decode(const uint8_t *s, size_t n, size_t *i, uint32_t *cp);

/* Like eth_utf8_decode, returning the code point (U+FFFD for an invalid sequence). */
uint32_t eth_utf8_next(const uint8_t *s, size_t n, size_t *i);

/* Writes the UTF-8 form of cp to out (up to 4 bytes); returns its length. */
size_t eth_utf8_put(uint32_t cp, uint8_t out[4]);

/* True if Rust's str Debug escapes cp as \u{...} (control, non-printable or grapheme-extending). */
bool eth_unicode_escaped(uint32_t cp);

#endif
