/* keccak.c: Keccak-f[1600] sponge with rate 136 bytes and Keccak's 0x01 padding (Ethereum's hash). */
#include "keccak.h"
#include "error.h"

#include <string.h>

#define RATE 136

static const uint64_t ROUND_CONSTANTS[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/* Rotation offsets r[x + 5y] of the rho step. */
static const unsigned RHO[25] = {0,  1,  62, 28, 27, 36, 44, 6,  55, 20, 3,  10, 43,
                                 25, 39, 41, 45, 15, 21, 8,  18, 2,  61, 56, 14};

static uint64_t rotl(uint64_t v, unsigned n)
{
    return n ? (v << n) | (v >> (64 - n)) : v;
}

static void theta(uint64_t a[25])
{
    uint64_t c[5], d;
    for (int x = 0; x < 5; x++)
        c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
    for (int x = 0; x < 5; x++) {
        d = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
        for (int y = 0; y < 25; y += 5)
            a[y + x] ^= d;
    }
}

/* rho and pi: b[y, 2x+3y] = rot(a[x, y], r[x, y]). */
static void rho_pi(const uint64_t a[25], uint64_t b[25])
{
    for (int x = 0; x < 5; x++)
        for (int y = 0; y < 5; y++)
            b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl(a[x + 5 * y], RHO[x + 5 * y]);
}

static void chi(uint64_t a[25], const uint64_t b[25])
{
    for (int y = 0; y < 25; y += 5)
        for (int x = 0; x < 5; x++)
            a[y + x] = b[y + x] ^ (~b[y + (x + 1) % 5] & b[y + (x + 2) % 5]);
}

static void keccak_f(uint64_t a[25])
{
    uint64_t b[25];
    for (int round = 0; round < 24; round++) {
        theta(a);
        rho_pi(a, b);
        chi(a, b);
        a[0] ^= ROUND_CONSTANTS[round];
    }
}

/* XORs byte v into lane position i of the state (little-endian lanes). */
static void xor_byte(uint64_t s[25], size_t i, uint8_t v)
{
    s[i / 8] ^= (uint64_t)v << (8 * (i % 8));
}

void eth_keccak_init(eth_keccak *k)
{
    memset(k, 0, sizeof *k);
}

void eth_keccak_update(eth_keccak *k, const void *p, size_t n)
{
    const uint8_t *in = p;
    while (n > 0) {
        if (k->pos == 0 && n >= RATE) {
            for (size_t i = 0; i < RATE / 8; i++) {
                uint64_t lane = 0;
                for (int j = 7; j >= 0; j--)
                    lane = lane << 8 | in[8 * i + (size_t)j];
                k->s[i] ^= lane;
            }
            keccak_f(k->s);
            in += RATE;
            n -= RATE;
            continue;
        }
        xor_byte(k->s, k->pos++, *in++);
        n--;
        if (k->pos == RATE) {
            keccak_f(k->s);
            k->pos = 0;
        }
    }
}

void eth_keccak_final(eth_keccak *k, uint8_t out[32])
{
    xor_byte(k->s, k->pos, 0x01);
    xor_byte(k->s, RATE - 1, 0x80);
    keccak_f(k->s);
    for (size_t i = 0; i < 32; i++)
        out[i] = (uint8_t)(k->s[i / 8] >> (8 * (i % 8)));
    eth_wipe(k, sizeof *k);
}

void eth_keccak256(const void *p, size_t n, uint8_t out[32])
{
    eth_keccak k;
    eth_keccak_init(&k);
    eth_keccak_update(&k, p, n);
    eth_keccak_final(&k, out);
}
