/* decode_text.c: the texts of a decoded call, in plain printable ASCII: its target, its call and
 * its warnings. */
#include "internal/decode_text.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "eth/abi_format.h"
#include "eth/address.h"
#include "eth/buf.h"
#include "eth/hex.h"
#include "eth/text.h"

/* Longest bytes value shown in full. */
#define BYTES_SHOWN 32

/* The code point of the UTF-8 sequence at p (NUL-terminated) into *cp; returns its length, or 0
 * if p does not start a whole sequence (eth_text_clip leaves none, but a 0 is shown as \xNN). */
static size_t utf8_at(const uint8_t *p, uint32_t *cp)
{
    size_t len = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc0 ? 2 : 0;
    if (len == 0 || *p >= 0xf8)
        return 0;
    uint32_t v = *p & (0x3fu >> (len - 1));
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        v = v << 6 | (p[i] & 0x3fu);
    }
    *cp = v;
    return len;
}

/* Appends outside text s[0..n) to b as plain ASCII: eth_text_clip's escapes and clipping, then
 * every code point outside ASCII as \u{..} and '"' as \" (so a quoted string cannot end early). */
static int put_ascii(eth_buf *b, const char *s, size_t n, eth_error *err)
{
    char clip[ETH_CLIP_BUF];
    const uint8_t *p = (const uint8_t *)eth_text_clip(s, n, clip);
    int rc = 0;
    while (rc == 0 && *p) {
        uint32_t cp;
        size_t l = *p < 0x80 ? 1 : utf8_at(p, &cp);
        if (*p == '"')
            rc = eth_buf_append(b, "\\\"", 2, err);
        else if (*p < 0x80)
            rc = eth_buf_append(b, p, 1, err);
        else if (l > 0)
            rc = eth_buf_printf(b, err, "\\u{%x}", (unsigned)cp);
        else
            rc = eth_buf_printf(b, err, "\\x%02x", *p);
        p += l ? l : 1;
    }
    return rc;
}

int kms_decode_target_text(const char *name, const uint8_t addr[20], char *out, size_t cap,
                           eth_error *err)
{
    char a[43];
    eth_address_checksum(addr, a);
    eth_buf b = {0};
    int rc = name ? put_ascii(&b, name, strlen(name), err)
                  : eth_buf_append_str(&b, "unknown contract", err);
    if (rc == 0) {
        size_t room = cap - sizeof a - 1; /* the space, the address and the NUL stay */
        bool fits = b.len <= room;
        snprintf(out, cap, "%.*s%s %s", (int)(fits ? b.len : room - 3),
                 b.len ? (const char *)b.data : "", fits ? "" : "...", a);
    }
    eth_buf_clear(&b);
    return rc;
}

static int put_value(eth_buf *b, const eth_abi_value *v, size_t cap, eth_error *err);

/* Appends the items of v between open and close, ", "-separated. */
static int put_list(eth_buf *b, const eth_abi_value *v, const char *open, const char *close,
                    size_t cap, eth_error *err)
{
    int rc = eth_buf_append_str(b, open, err);
    for (size_t i = 0; rc == 0 && i < v->nitems; i++) {
        if (i > 0)
            rc = eth_buf_append_str(b, ", ", err);
        if (rc == 0)
            rc = put_value(b, &v->items[i], cap, err);
    }
    return rc == 0 ? eth_buf_append_str(b, close, err) : rc;
}

/* Appends bytes p[0..n) as 0x hex, past BYTES_SHOWN bytes cut with the length:
 * "0x1234...... (100 bytes)". */
static int put_bytes(eth_buf *b, const uint8_t *p, size_t n, eth_error *err)
{
    int rc = eth_hex_append(b, p, n <= BYTES_SHOWN ? n : BYTES_SHOWN, err);
    if (rc == 0 && n > BYTES_SHOWN)
        rc = eth_buf_printf(b, err, "... (%zu bytes)", n);
    return rc;
}

/* Appends a string quoted, escaped to ASCII, past ETH_CLIP_CHARS cut with its length in bytes. */
static int put_string(eth_buf *b, const uint8_t *p, size_t n, eth_error *err)
{
    int rc = eth_buf_append_str(b, "\"", err);
    if (rc == 0)
        rc = put_ascii(b, (const char *)p, n, err);
    if (rc == 0)
        rc = eth_buf_append_str(b, "\"", err);
    if (rc == 0 && n > ETH_CLIP_CHARS)
        rc = eth_buf_printf(b, err, " (%zu bytes)", n);
    return rc;
}

/* Appends v as cast prints it (bytes and strings clipped); nothing more once b holds cap
 * bytes, as the text is cut there anyway. */
static int put_value(eth_buf *b, const eth_abi_value *v, size_t cap, eth_error *err)
{
    if (b->len >= cap)
        return 0;
    switch (v->type->kind) {
    case ETH_ABI_TUPLE: return put_list(b, v, "(", ")", cap, err);
    case ETH_ABI_ARRAY:
    case ETH_ABI_FIXED_ARRAY: return put_list(b, v, "[", "]", cap, err);
    case ETH_ABI_BYTES: return put_bytes(b, v->data, v->len, err);
    case ETH_ABI_STRING: return put_string(b, v->data, v->len, err);
    default: return eth_abi_format(v, b, err);
    }
}

/* Appends one parameter of type t with value v, "type name = value" (no name: "type = value");
 * a nested one shows "<N calls below>" for its value. */
static int put_param(eth_buf *b, const eth_abi_type *t, const eth_abi_value *v, bool nested,
                     size_t ncalls, size_t cap, eth_error *err)
{
    char type[ETH_ABI_MAX_TEXT + 1];
    size_t used = 0;
    int rc = eth_abi_type_canonical(t, type, sizeof type, &used, err);
    if (rc == 0)
        rc = eth_buf_printf(b, err, "%s%s%s = ", type, t->name && *t->name ? " " : "",
                            t->name ? t->name : "");
    if (rc == 0 && nested)
        return eth_buf_printf(b, err, "<%zu call%s below>", ncalls, ncalls == 1 ? "" : "s");
    return rc == 0 ? put_value(b, v, cap, err) : rc;
}

int kms_decode_call_text(const eth_abi_entry *e, const eth_abi_value *args, size_t nested_arg,
                         size_t ncalls, char *out, size_t cap, eth_error *err)
{
    eth_buf b = {0};
    int rc = eth_buf_printf(&b, err, "%s(", e->name);
    for (size_t i = 0; rc == 0 && i < args->nitems && b.len < cap; i++) {
        if (i > 0)
            rc = eth_buf_append_str(&b, ", ", err);
        if (rc == 0)
            rc = put_param(&b, e->inputs->fields[i], &args->items[i], i == nested_arg, ncalls,
                           cap, err);
    }
    if (rc == 0)
        rc = eth_buf_append_str(&b, ")", err);
    if (rc == 0 && b.len < cap) {
        memcpy(out, b.data, b.len);
        out[b.len] = '\0';
    } else if (rc == 0) {
        memcpy(out, b.data, cap - 4);
        memcpy(out + cap - 4, "...", 4);
    }
    eth_buf_clear(&b);
    return rc;
}

/* ---- warnings ---- */

/* Functions that earn a warning by their name alone, with what they do. */
static const struct {
    const char *name;
    uint32_t flag;
    const char *does;
} RISKY[] = {
    {"transferOwnership", KMS_WARN_OWNERSHIP, "hands the contract to a new owner"},
    {"renounceOwnership", KMS_WARN_OWNERSHIP, "leaves the contract without an owner, for good"},
    {"upgradeToAndCall", KMS_WARN_OWNERSHIP, "replaces the contract's code"},
    {"grantRole", KMS_WARN_OWNERSHIP, "gives an account a role on the contract"},
    {"revokeRole", KMS_WARN_OWNERSHIP, "takes a role away from an account"},
    {"renounceRole", KMS_WARN_OWNERSHIP, "gives up a role the caller holds"},
    {"updateDelay", KMS_WARN_OWNERSHIP, "changes how long the timelock makes changes wait"},
    {"addOwnerWithThreshold", KMS_WARN_SAFE_CONFIG, "adds a Safe owner and sets the threshold"},
    {"removeOwner", KMS_WARN_SAFE_CONFIG, "removes a Safe owner and sets the threshold"},
    {"swapOwner", KMS_WARN_SAFE_CONFIG, "replaces a Safe owner"},
    {"changeThreshold", KMS_WARN_SAFE_CONFIG, "changes how many owners a Safe tx needs"},
    {"enableModule", KMS_WARN_SAFE_CONFIG,
     "lets a module send any transaction from the Safe without signatures"},
    {"disableModule", KMS_WARN_SAFE_CONFIG, "removes a module of the Safe"},
    {"setGuard", KMS_WARN_SAFE_CONFIG, "installs a guard that can block every Safe tx"},
    {"setFallbackHandler", KMS_WARN_SAFE_CONFIG,
     "changes the contract that answers calls the Safe does not know"},
    {"setup", KMS_WARN_SAFE_CONFIG, "sets a Safe's owners, threshold and modules"},
};

void kms_decode_warn(kms_decoded *d, uint32_t flag, const char *fmt, ...)
{
    if (d->warnings & flag)
        return;
    d->warnings |= flag;
    size_t used = strlen(d->warning_text), cap = sizeof d->warning_text;
    if (used > 0 && used + 2 < cap) {
        memcpy(d->warning_text + used, "; ", 3);
        used += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->warning_text + used, cap - used, fmt, ap);
    va_end(ap);
}

void kms_decode_warn_refund(kms_decoded *d, const u256 *gas_price, const uint8_t *gas_token,
                            const uint8_t *receiver)
{
    static const uint8_t zero[20];
    if (u256_is_zero(gas_price) && memcmp(gas_token, zero, 20) == 0 &&
        memcmp(receiver, zero, 20) == 0)
        return;
    char price[U256_DEC_MAX], token[43], to[43];
    u256_to_dec(gas_price, price);
    eth_address_checksum(gas_token, token);
    eth_address_checksum(receiver, to);
    kms_decode_warn(d, KMS_WARN_REFUND,
                    "the Safe pays a gas refund: gasPrice %s, gasToken %s, refundReceiver %s",
                    price, token, to);
}

void kms_decode_warn_function(const eth_abi_entry *e, kms_decoded *d)
{
    for (size_t i = 0; i < sizeof RISKY / sizeof RISKY[0]; i++)
        if (strcmp(e->name, RISKY[i].name) == 0)
            kms_decode_warn(d, RISKY[i].flag, "%s %s", e->name, RISKY[i].does);
}

