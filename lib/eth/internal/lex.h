/* internal/lex.h (internal to lib/eth): the small lexer steps the ABI type, signature and value
 * parsers share. Not part of the public API. */
#ifndef ETH_INTERNAL_LEX_H
#define ETH_INTERNAL_LEX_H

#include <stdbool.h>
#include <stddef.h>

/* True if c may start a Solidity identifier. */
static inline bool eth_lex_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}

/* True if c may continue a Solidity identifier. */
static inline bool eth_lex_ident_char(char c)
{
    return eth_lex_ident_start(c) || (c >= '0' && c <= '9');
}

/* Position of the first character at or after pos in s[0..n) that is not a space or tab. */
static inline size_t eth_lex_skip_blanks(const char *s, size_t n, size_t pos)
{
    while (pos < n && (s[pos] == ' ' || s[pos] == '\t'))
        pos++;
    return pos;
}

/* Length of the identifier starting at s[pos] (0 if none starts there). */
static inline size_t eth_lex_ident_len(const char *s, size_t n, size_t pos)
{
    size_t i = pos;
    if (i >= n || !eth_lex_ident_start(s[i]))
        return 0;
    while (i < n && eth_lex_ident_char(s[i]))
        i++;
    return i - pos;
}

#endif
