/* json.h: strict access to JSON from outside (keystores, RPC replies, proposal files): the
 * text must be one JSON document without NUL bytes or duplicate keys, and every field must be
 * present with the expected type, or the message names the field and what it should be. */
#ifndef ETH_JSON_H
#define ETH_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "buf.h"
#include "error.h"

/* Parses text[0..n) as one JSON value (NUL bytes and duplicate keys refused) into *out, a new
 * reference the caller releases with json_decref. Returns 0 or -ETH_EINVAL naming line and
 * column. */
int eth_json_parse(const char *text, size_t n, json_t **out, eth_error *err) ETH_WARN_UNUSED;

/* Like eth_json_parse, and the value must be an object. */
int eth_json_parse_object(const char *text, size_t n, json_t **out, eth_error *err)
    ETH_WARN_UNUSED;

/* Member name of obj with JSON type type (JSON_OBJECT, JSON_STRING, ...), or NULL with err
 * filled (-ETH_EINVAL: missing, or of another type). where prefixes the field's name in
 * messages ("crypto.kdfparams."; "" for none). The result is borrowed from obj. */
json_t *eth_json_member(const json_t *obj, const char *where, const char *name, json_type type,
                        eth_error *err);

/* Reads member name as a non-negative integer into *out. Returns 0 or -ETH_EINVAL (missing,
 * not an integer) or -ETH_ERANGE (negative). */
int eth_json_get_uint(const json_t *obj, const char *where, const char *name, uint64_t *out,
                      eth_error *err) ETH_WARN_UNUSED;

/* Reads member name, a string without NUL bytes, into *out (borrowed from obj) and its length
 * into *len (may be NULL). Returns 0 or -ETH_EINVAL. */
int eth_json_get_string(const json_t *obj, const char *where, const char *name, const char **out,
                        size_t *len, eth_error *err) ETH_WARN_UNUSED;

/* Reads member name, a hex string of exactly n bytes (optional 0x), into out[0..n).
 * Returns 0 or -ETH_EINVAL. */
int eth_json_get_hex_fixed(const json_t *obj, const char *where, const char *name, uint8_t *out,
                           size_t n, eth_error *err) ETH_WARN_UNUSED;

/* Reads the JSON value v, a hex string of exactly n bytes (optional 0x), into out[0..n). what
 * names it in messages ("osImages[2]"). Returns 0 or -ETH_EINVAL. */
int eth_json_hex_fixed(const json_t *v, const char *what, uint8_t *out, size_t n, eth_error *err)
    ETH_WARN_UNUSED;

/* Checks that every key of obj is in allowed (a NULL-terminated list). Returns 0, or
 * -ETH_EINVAL naming the first unknown key (clipped) and the known ones. */
int eth_json_only_keys(const json_t *obj, const char *where, const char *const *allowed,
                       eth_error *err) ETH_WARN_UNUSED;

/* Reads member name, a hex string of at most max bytes (optional 0x), and appends the bytes to
 * out. Returns 0, -ETH_EINVAL, or -ETH_ERANGE if it holds more than max bytes. */
int eth_json_get_hex(const json_t *obj, const char *where, const char *name, size_t max,
                     eth_buf *out, eth_error *err) ETH_WARN_UNUSED;

/* Checks a document's "kind" (must be kind) and "version" (must be version) members; what names
 * the document in messages ("journal"). Returns 0, -ETH_EINVAL (another kind, or the members
 * missing) or -ETH_EUNSUP (another version). */
int eth_json_check_kind(const json_t *doc, const char *kind, uint64_t version, const char *what,
                        eth_error *err) ETH_WARN_UNUSED;

/* A new JSON string "0x.." (lower-case hex) of p[0..n), or NULL when out of memory. p may be
 * NULL if n is 0. */
json_t *eth_json_hex(const uint8_t *p, size_t n);

/* A new JSON string of addr in EIP-55 form, or NULL when out of memory. */
json_t *eth_json_address(const uint8_t addr[20]);

/* A new JSON array of the n addresses at a (EIP-55), or NULL when out of memory. a may be NULL
 * if n is 0. */
json_t *eth_json_address_list(const uint8_t (*a)[20], size_t n);

/* A new JSON array of the n 32-byte values at a as "0x.." strings, or NULL when out of
 * memory. a may be NULL if n is 0. */
json_t *eth_json_b32_list(const uint8_t (*a)[32], size_t n);

/* Writes doc as indented JSON (keys in insertion order) and a newline to path, atomically
 * (eth_file_replace) with permission bits mode. Returns 0, -ETH_ENOMEM or -ETH_EIO.
 * doc borrowed, not NULL. */
int eth_json_save(const char *path, const json_t *doc, unsigned mode, eth_error *err)
    ETH_WARN_UNUSED;

/* Reads the regular file at path (at most max bytes) and parses it as one JSON object into
 * *out (a new reference). Returns 0 or the errors of eth_file_read and eth_json_parse_object;
 * messages start with the clipped path. */
int eth_json_load(const char *path, size_t max, json_t **out, eth_error *err) ETH_WARN_UNUSED;

#endif
