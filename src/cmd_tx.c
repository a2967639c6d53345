/* cmd_tx.c: `kmsctl decode-tx RAW`, byte-for-byte as `cast decode-tx RAW`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "eth/hex.h"
#include "eth/tx.h"
#include "eth/u256.h"

static const char DECODE_TX_HELP[] =
    "Usage: kmsctl decode-tx [RAW] [--json]\n\n"
    "Decodes a raw signed transaction (0x hex; legacy with or without EIP-155, EIP-2930 type 1,\n"
    "EIP-1559 type 2), recovers its signer and prints the fields, exactly as `cast decode-tx`\n"
    "does: one JSON string holding the indented JSON object. Without RAW, reads it from stdin.\n\n"
    "Options:\n"
    "  --json   same output (it is JSON already)\n\n"
    "Example:\n"
    "  kmsctl decode-tx 0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0"
    "b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8"
    "997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83\n";

/* Adds key = "0x..." minimal hex of a u256. */
static int put_quantity(json_t *o, const char *key, const u256 *v)
{
    char hex[67];
    u256_to_hex(v, hex);
    return json_object_set_new(o, key, json_string(hex));
}

/* Adds key = "0x..." minimal hex of a u64. */
static int put_u64(json_t *o, const char *key, uint64_t v)
{
    u256 x = u256_from_u64(v);
    return put_quantity(o, key, &x);
}

/* Adds key = "0x..." hex of the bytes p[0..n). */
static int put_bytes(json_t *o, const char *key, const uint8_t *p, size_t n)
{
    char *hex = NULL;
    eth_error e;
    if (eth_hex_encode_alloc(p, n, &hex, &e) != 0)
        hex = NULL;
    if (!hex)
        return -1;
    int rc = json_object_set_new(o, key, json_string(hex));
    free(hex);
    return rc;
}

/* The access list as [{"address": ..., "storageKeys": [...]}, ...]. */
static json_t *access_list_json(const eth_tx *tx)
{
    json_t *list = json_array();
    for (size_t i = 0; list && i < tx->access_len; i++) {
        const eth_access_entry *e = &tx->access_list[i];
        json_t *entry = json_object(), *keys = json_array();
        put_bytes(entry, "address", e->address, 20);
        for (size_t k = 0; k < e->nkeys; k++) {
            char hex[67];
            eth_hex_encode(e->keys[k], 32, hex);
            json_array_append_new(keys, json_string(hex));
        }
        json_object_set_new(entry, "storageKeys", keys);
        json_array_append_new(list, entry);
    }
    return list;
}

/* Adds the fee fields in cast's order for tx's type. */
static void put_fees_and_gas(json_t *o, const eth_tx *tx)
{
    if (tx->type == ETH_TX_DYNAMIC_FEE) {
        put_u64(o, "gas", tx->gas);
        put_quantity(o, "maxFeePerGas", &tx->max_fee);
        put_quantity(o, "maxPriorityFeePerGas", &tx->max_priority_fee);
    } else {
        put_quantity(o, "gasPrice", &tx->gas_price);
        put_u64(o, "gas", tx->gas);
    }
}

/* Adds r, s, yParity (typed only), v and hash. */
static void put_signature(json_t *o, const eth_tx *tx, const uint8_t hash[32])
{
    u256 r = u256_from_be(tx->sig.r, 32), s = u256_from_be(tx->sig.s, 32);
    put_quantity(o, "r", &r);
    put_quantity(o, "s", &s);
    if (tx->type != ETH_TX_LEGACY)
        put_u64(o, "yParity", tx->sig.v);
    put_u64(o, "v", eth_tx_v(tx));
    put_bytes(o, "hash", hash, 32);
}

/* Builds the decoded object in cast's key order. */
static json_t *tx_json(const eth_tx *tx, const uint8_t signer[20], const uint8_t hash[32])
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    put_bytes(o, "signer", signer, 20);
    put_u64(o, "type", (uint64_t)tx->type);
    if (tx->type != ETH_TX_LEGACY || tx->has_chain_id)
        put_u64(o, "chainId", tx->chain_id);
    put_u64(o, "nonce", tx->nonce);
    put_fees_and_gas(o, tx);
    if (tx->has_to)
        put_bytes(o, "to", tx->to, 20);
    else
        json_object_set_new(o, "to", json_null());
    put_quantity(o, "value", &tx->value);
    if (tx->type != ETH_TX_LEGACY)
        json_object_set_new(o, "accessList", access_list_json(tx));
    put_bytes(o, "input", tx->data.data, tx->data.len);
    put_signature(o, tx, hash);
    return o;
}

/* Prints o as cast does: the indented JSON text, itself written as one JSON string. */
static int print_cast_style(json_t *o)
{
    char *inner = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    json_decref(o);
    json_t *str = inner ? json_string(inner) : NULL;
    free(inner);
    char *outer = str ? json_dumps(str, JSON_ENCODE_ANY) : NULL;
    json_decref(str);
    if (!outer)
        return cli_fail("decode-tx: out of memory");
    puts(outer);
    free(outer);
    return CLI_OK;
}

/* Copies s for an error message, cut to 40 characters with "..." if longer. */
static const char *shown(const char *s, char out[48])
{
    size_t n = strlen(s), keep = n > 40 ? 40 : n;
    memcpy(out, s, keep);
    strcpy(out + keep, n > 40 ? "..." : "");
    for (size_t i = 0; i < keep; i++)
        if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
            out[i] = '?';
    return out;
}

/* Decodes hex text, the transaction, its signer and hash, and prints them. */
static int decode_and_print(const char *text, eth_error *err)
{
    eth_buf raw = {0};
    eth_tx tx;
    eth_tx_init(&tx);
    uint8_t signer[20], hash[32];
    int rc = text[0] == '0' && text[1] == 'X'
                 ? eth_fail(err, ETH_EINVAL, "hex must start with a lower-case 0x")
                 : eth_hex_decode(text, strlen(text), &raw, err);
    if (rc == 0 && raw.len == 0)
        rc = eth_fail(err, ETH_EINVAL, "empty transaction");
    if (rc == 0)
        rc = eth_tx_decode(raw.data, raw.len, &tx, err);
    if (rc == 0)
        rc = eth_tx_sender(&tx, signer, err);
    if (rc == 0)
        rc = eth_tx_hash(&tx, hash, err);
    eth_buf_clear(&raw);
    if (rc == 0)
        rc = print_cast_style(tx_json(&tx, signer, hash));
    eth_tx_clear(&tx);
    return rc;
}

/* Reads stdin's text into a heap string without trailing whitespace. */
static char *read_stdin_text(eth_error *err)
{
    eth_buf b = {0};
    if (cli_read_stdin(&b, err)) {
        eth_buf_clear(&b);
        return NULL;
    }
    while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r' ||
                     b.data[b.len - 1] == ' ' || b.data[b.len - 1] == '\t'))
        b.len--;
    char *s = malloc(b.len + 1);
    if (s) {
        if (b.len)
            memcpy(s, b.data, b.len);
        s[b.len] = '\0';
    } else {
        eth_fail(err, ETH_ENOMEM, "out of memory");
    }
    eth_buf_clear(&b);
    return s;
}

int cmd_decode_tx(int argc, char **argv)
{
    bool json = false;
    cli_args a;
    int rc = cli_parse_json_only(argc, argv, DECODE_TX_HELP, 1, "one RAW transaction", &json, &a);
    if (rc != CLI_CONTINUE)
        return rc;
    eth_error err = {0};
    char *owned = a.npos ? NULL : read_stdin_text(&err);
    const char *text = a.npos ? a.pos[0] : owned;
    cli_args_free(&a);
    if (!text)
        return cli_fail_err(&err);
    rc = decode_and_print(text, &err);
    char value[48];
    if (rc != 0)
        rc = cli_fail("decode-tx: RAW '%s': %s", shown(text, value), err.msg);
    free(owned);
    return rc;
}
