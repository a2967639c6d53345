/* address.c: EIP-55 mixed-case checksums (and the EIP-1191 chain-aware variant) and parsing. */
#include "address.h"

#include <stdio.h>
#include <string.h>

#include "hex.h"
#include "keccak.h"
#include "text.h"

/* Writes "0x" + hex of addr, upper-casing letters whose nibble in hash is >= 8. */
static void apply_case(const uint8_t addr[20], const uint8_t hash[32], char out[43])
{
    static const char digits[] = "0123456789abcdef";
    out[0] = '0';
    out[1] = 'x';
    for (int i = 0; i < 40; i++) {
        int nib = i % 2 ? addr[i / 2] & 0x0f : addr[i / 2] >> 4;
        int h = i % 2 ? hash[i / 2] & 0x0f : hash[i / 2] >> 4;
        char c = digits[nib];
        out[2 + i] = (c >= 'a' && h >= 8) ? (char)(c - 'a' + 'A') : c;
    }
    out[42] = '\0';
}

void eth_address_checksum(const uint8_t addr[20], char out[43])
{
    char lower[43];
    uint8_t hash[32];
    eth_hex_encode(addr, 20, lower);
    eth_keccak256(lower + 2, 40, hash);
    apply_case(addr, hash, out);
}

void eth_address_checksum_chain(const uint8_t addr[20], uint64_t chain_id, char out[43])
{
    char text[64];
    char lower[43];
    uint8_t hash[32];
    eth_hex_encode(addr, 20, lower);
    int n = snprintf(text, sizeof text, "%llu%s", (unsigned long long)chain_id, lower);
    eth_keccak256(text, (size_t)n, hash);
    apply_case(addr, hash, out);
}

/* True if the 40 digits mix upper- and lower-case letters. */
static int is_mixed_case(const char *d)
{
    int upper = 0, lower = 0;
    for (int i = 0; i < 40; i++) {
        upper |= d[i] >= 'A' && d[i] <= 'F';
        lower |= d[i] >= 'a' && d[i] <= 'f';
    }
    return upper && lower;
}

int eth_address_parse(const char *s, uint8_t addr[20], int strict, eth_error *err)
{
    size_t n = strlen(s);
    const char *d = (n >= 2 && s[0] == '0' && s[1] == 'x') ? s + 2 : s;
    size_t nd = n - (size_t)(d - s);
    if (nd != 40)
        return eth_fail(err, ETH_EINVAL, "an address has 40 hex digits, this has %zu", nd);
    for (size_t i = 0; i < 40; i++) {
        int v = eth_hex_digit(d[i]);
        if (v < 0) {
            char shown[ETH_CLIP_BUF];
            return eth_fail(err, ETH_EINVAL, "invalid hex character '%s' at position %zu",
                            eth_text_clip(d + i, 1, shown), i + (size_t)(d - s));
        }
        addr[i / 2] = (uint8_t)(i % 2 ? (addr[i / 2] & 0xf0) | v : v << 4);
    }
    if (strict && is_mixed_case(d)) {
        char want[43];
        eth_address_checksum(addr, want);
        if (memcmp(want + 2, d, 40) != 0)
            return eth_fail(err, ETH_EINVAL, "bad EIP-55 checksum (expected %s)", want);
    }
    return 0;
}
