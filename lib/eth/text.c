/* text.c: clipping and escaping values for messages, UTF-8 validation, trimming. */
#include "text.h"

#include <stdio.h>
#include <string.h>

#include "internal/utf8.h"

/* Appends the escaped form of one code point (or of one invalid byte) at out[o]; returns o. */
static size_t put_escaped(char *out, size_t o, uint32_t cp, bool valid, uint8_t byte)
{
    const char *simple = NULL;
    switch (valid ? cp : 0x110000) {
    case '\n': simple = "\\n"; break;
    case '\r': simple = "\\r"; break;
    case '\t': simple = "\\t"; break;
    case '\\': simple = "\\\\"; break;
    default: break;
    }
    if (simple) {
        memcpy(out + o, simple, 2);
        return o + 2;
    }
    if (!valid || cp < 0x20 || cp == 0x7f)
        return o + (size_t)sprintf(out + o, "\\x%02x", valid ? (unsigned)cp : byte);
    if (eth_unicode_escaped(cp))
        return o + (size_t)sprintf(out + o, "\\u{%x}", (unsigned)cp);
    uint8_t u[4];
    size_t l = eth_utf8_put(cp, u);
    memcpy(out + o, u, l);
    return o + l;
}

const char *eth_text_clip(const char *s, size_t n, char out[ETH_CLIP_BUF])
{
    const uint8_t *u = (const uint8_t *)s;
    size_t o = 0, i = 0;
    for (size_t chars = 0; i < n && chars < ETH_CLIP_CHARS; chars++) {
        size_t start = i;
        uint32_t cp;
        bool valid = eth_utf8_decode(u, n, &i, &cp);
        if (!valid)
            i = start + 1; /* one \xNN per invalid byte */
        o = put_escaped(out, o, cp, valid, u[start]);
    }
    if (i < n) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
    return out;
}

const char *eth_text_clipz(const char *s, char out[ETH_CLIP_BUF])
{
    return eth_text_clip(s, s ? strlen(s) : 0, out);
}

bool eth_utf8_valid(const uint8_t *s, size_t n)
{
    uint32_t cp;
    for (size_t i = 0; i < n;)
        if (!eth_utf8_decode(s, n, &i, &cp))
            return false;
    return true;
}

bool eth_text_has_control(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return true;
    return false;
}

/* Length of one White_Space character (UTF-8) ending at s[n-1], or 0. */
static size_t space_at_end(const uint8_t *s, size_t n)
{
    static const char *const MULTI[] = {"\xc2\x85",     "\xc2\xa0",     "\xe1\x9a\x80",
                                        "\xe2\x80\xa8", "\xe2\x80\xa9", "\xe2\x80\xaf",
                                        "\xe2\x81\x9f", "\xe3\x80\x80"};
    if (n && (s[n - 1] == ' ' || (s[n - 1] >= '\t' && s[n - 1] <= '\r')))
        return 1;
    for (size_t i = 0; i < sizeof MULTI / sizeof MULTI[0]; i++) {
        size_t l = strlen(MULTI[i]);
        if (n >= l && memcmp(s + n - l, MULTI[i], l) == 0)
            return l;
    }
    if (n >= 3 && s[n - 3] == 0xe2 && s[n - 2] == 0x80 && s[n - 1] >= 0x80 && s[n - 1] <= 0x8a)
        return 3; /* U+2000..U+200A */
    return 0;
}

size_t eth_text_trailing_space(const uint8_t *s, size_t n)
{
    size_t k = n, l;
    while ((l = space_at_end(s, k)) > 0)
        k -= l;
    return n - k;
}

static bool is_ascii_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

void eth_text_trim(const char **s, size_t *n)
{
    while (*n > 0 && is_ascii_space((*s)[0])) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && is_ascii_space((*s)[*n - 1]))
        (*n)--;
}
