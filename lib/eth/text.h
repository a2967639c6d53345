/* text.h: text helpers every parser and message shares: showing an outside value safely in a
 * one-line message, UTF-8 validation, and whitespace trimming. */
#ifndef ETH_TEXT_H
#define ETH_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Most characters of an outside value a message shows before "...". */
#define ETH_CLIP_CHARS 64
/* Size of the output buffer of eth_text_clip (every character escaped at worst, "...", NUL). */
#define ETH_CLIP_BUF (ETH_CLIP_CHARS * 10 + 4)

/* Writes s[0..n) as it may appear inside quotes in a one-line message: printable text is kept;
 * \n, \r, \t and \\ are escaped as in C, other control bytes and invalid UTF-8 as \xNN, and
 * invisible or direction-changing code points as \u{...}; after ETH_CLIP_CHARS characters the
 * rest is replaced by "...". Returns out. s may be NULL if n is 0. */
const char *eth_text_clip(const char *s, size_t n, char out[ETH_CLIP_BUF]);

/* eth_text_clip of the NUL-terminated s (NULL shows as ""). Returns out. */
const char *eth_text_clipz(const char *s, char out[ETH_CLIP_BUF]);

/* True if s[0..n) is valid UTF-8 as Rust's str is (no overlong forms, surrogates or code points
 * above U+10FFFF). */
bool eth_utf8_valid(const uint8_t *s, size_t n);

/* True if s[0..n) holds a byte below 0x20 or 0x7f (an ASCII control character, NUL included). */
bool eth_text_has_control(const char *s, size_t n);

/* Number of bytes of Unicode White_Space at the end of s[0..n), as Rust's trim_end removes. */
size_t eth_text_trailing_space(const uint8_t *s, size_t n);

/* Moves *s and shrinks *n past ASCII whitespace (space, \t, \n, \v, \f, \r) at both ends. */
void eth_text_trim(const char **s, size_t *n);

#endif
