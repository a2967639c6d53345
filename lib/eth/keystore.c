/* keystore.c: Web3 Secret Storage v3: strict parsing, scrypt / pbkdf2 + aes-128-ctr, writing.
 * Keys enter and leave as eth_signer objects; the KDFs are in kdf.c. */
#include "keystore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "address.h"
#include "file.h"
#include "hex.h"
#include "internal/kdf.h"
#include "internal/signer_key.h"
#include "json.h"
#include "keccak.h"
#include "text.h"

#define KS_DKLEN 32
#define KS_KEYLEN 32
#define KS_IVLEN 16
#define KS_SALTLEN 32

/* Everything a keystore says about how to decrypt it (no secret: the key is encrypted). */
typedef struct ks_parsed {
    eth_keystore_params kdf;
    uint8_t salt[ETH_KEYSTORE_MAX_SALT];
    size_t salt_len;
    uint8_t iv[KS_IVLEN];
    uint8_t ct[KS_KEYLEN];
    uint8_t mac[32];
    bool has_address;
    uint8_t address[20];
} ks_parsed;

void eth_keystore_params_default(eth_keystore_params *p)
{
    memset(p, 0, sizeof *p);
    p->kdf = ETH_KDF_SCRYPT;
    p->scrypt_n = ETH_KEYSTORE_SCRYPT_N;
    p->scrypt_r = ETH_KEYSTORE_SCRYPT_R;
    p->scrypt_p = ETH_KEYSTORE_SCRYPT_P;
    p->pbkdf2_c = ETH_KEYSTORE_PBKDF2_C;
}

static int check_scrypt(uint64_t n, uint64_t r, uint64_t p, eth_error *err)
{
    if (n < 2 || (n & (n - 1)) != 0)
        return eth_fail(err, ETH_EINVAL, "scrypt n=%llu is not a power of two >= 2",
                        (unsigned long long)n);
    if (r < 1 || r > ETH_KEYSTORE_MAX_SCRYPT_R || p < 1 || p > ETH_KEYSTORE_MAX_SCRYPT_P)
        return eth_fail(err, ETH_ERANGE,
                        "scrypt r=%llu p=%llu out of range (r 1..%u, p 1..%u; capped so a "
                        "hostile keystore cannot exhaust memory or CPU)",
                        (unsigned long long)r, (unsigned long long)p, ETH_KEYSTORE_MAX_SCRYPT_R,
                        ETH_KEYSTORE_MAX_SCRYPT_P);
    if (n > ETH_KEYSTORE_MAX_SCRYPT_MEM / (128 * r))
        return eth_fail(err, ETH_ERANGE,
                        "scrypt n=%llu r=%llu needs more than the cap of %llu MiB (128*r*n); "
                        "refused so a hostile keystore cannot exhaust memory",
                        (unsigned long long)n, (unsigned long long)r,
                        ETH_KEYSTORE_MAX_SCRYPT_MEM >> 20);
    if (n * r * p > ETH_KEYSTORE_MAX_SCRYPT_WORK)
        return eth_fail(err, ETH_ERANGE,
                        "scrypt n=%llu r=%llu p=%llu exceeds the work cap n*r*p <= %llu; refused "
                        "so a hostile keystore cannot exhaust CPU",
                        (unsigned long long)n, (unsigned long long)r, (unsigned long long)p,
                        ETH_KEYSTORE_MAX_SCRYPT_WORK);
    return 0;
}

static int check_pbkdf2(uint64_t c, eth_error *err)
{
    if (c < 1 || c > ETH_KEYSTORE_MAX_PBKDF2_C)
        return eth_fail(err, ETH_ERANGE,
                        "pbkdf2 c=%llu out of range 1..%u (capped so a hostile keystore cannot "
                        "exhaust CPU)",
                        (unsigned long long)c, ETH_KEYSTORE_MAX_PBKDF2_C);
    return 0;
}

int eth_keystore_params_check(const eth_keystore_params *p, eth_error *err)
{
    if (p->kdf == ETH_KDF_SCRYPT)
        return check_scrypt(p->scrypt_n, p->scrypt_r, p->scrypt_p, err);
    if (p->kdf == ETH_KDF_PBKDF2)
        return check_pbkdf2(p->pbkdf2_c, err);
    return eth_fail(err, ETH_EUNSUP, "unsupported kdf %d", (int)p->kdf);
}

/* ---- parsing ---- */

#define KDFPARAMS "crypto.kdfparams."

/* Reads member name of obj, a string, and checks that it is want; else -ETH_EUNSUP with
 * "unsupported WHAT 'VALUE' (only WANT)". */
static int expect_name(const json_t *obj, const char *where, const char *name, const char *what,
                       const char *want, eth_error *err)
{
    const char *s;
    size_t len;
    int rc = eth_json_get_string(obj, where, name, &s, &len, err);
    if (rc)
        return rc;
    if (strcmp(s, want) != 0) {
        char shown[ETH_CLIP_BUF];
        return eth_fail(err, ETH_EUNSUP, "unsupported %s '%s' (only %s)", what,
                        eth_text_clip(s, len, shown), want);
    }
    return 0;
}

static int parse_salt(const json_t *kp, ks_parsed *k, eth_error *err)
{
    eth_buf b = {.limit = ETH_KEYSTORE_MAX_SALT};
    int rc = eth_json_get_hex(kp, KDFPARAMS, "salt", ETH_KEYSTORE_MAX_SALT, &b, err);
    if (rc == 0 && b.len == 0)
        rc = eth_fail(err, ETH_ERANGE, "field '" KDFPARAMS "salt' must be 1..%u bytes",
                      ETH_KEYSTORE_MAX_SALT);
    if (rc == 0) {
        memcpy(k->salt, b.data, b.len);
        k->salt_len = b.len;
    }
    eth_buf_clear(&b);
    return rc;
}

static int parse_dklen(const json_t *kp, eth_error *err)
{
    uint64_t dklen = 0;
    int rc = eth_json_get_uint(kp, KDFPARAMS, "dklen", &dklen, err);
    if (rc)
        return rc;
    if (dklen != KS_DKLEN)
        return eth_fail(err, ETH_EUNSUP, "unsupported dklen %llu (only 32)",
                        (unsigned long long)dklen);
    return 0;
}

static int parse_scrypt(const json_t *kp, ks_parsed *k, eth_error *err)
{
    uint64_t n = 0, r = 0, p = 0;
    int rc = eth_json_get_uint(kp, KDFPARAMS, "n", &n, err);
    if (rc == 0)
        rc = eth_json_get_uint(kp, KDFPARAMS, "r", &r, err);
    if (rc == 0)
        rc = eth_json_get_uint(kp, KDFPARAMS, "p", &p, err);
    if (rc == 0)
        rc = check_scrypt(n, r, p, err);
    if (rc)
        return rc;
    k->kdf.kdf = ETH_KDF_SCRYPT;
    k->kdf.scrypt_n = n;
    k->kdf.scrypt_r = (uint32_t)r;
    k->kdf.scrypt_p = (uint32_t)p;
    return 0;
}

static int parse_pbkdf2(const json_t *kp, ks_parsed *k, eth_error *err)
{
    uint64_t c = 0;
    int rc = eth_json_get_uint(kp, KDFPARAMS, "c", &c, err);
    if (rc == 0)
        rc = check_pbkdf2(c, err);
    if (rc == 0)
        rc = expect_name(kp, KDFPARAMS, "prf", "pbkdf2 prf", "hmac-sha256", err);
    if (rc)
        return rc;
    k->kdf.kdf = ETH_KDF_PBKDF2;
    k->kdf.pbkdf2_c = (uint32_t)c;
    return 0;
}

static int parse_kdf(const json_t *crypto, ks_parsed *k, eth_error *err)
{
    const char *name;
    size_t len;
    int rc = eth_json_get_string(crypto, "crypto.", "kdf", &name, &len, err);
    json_t *kp = rc ? NULL : eth_json_member(crypto, "crypto.", "kdfparams", JSON_OBJECT, err);
    if (!kp)
        return -err->code;
    if (strcmp(name, "scrypt") == 0) {
        rc = parse_scrypt(kp, k, err);
    } else if (strcmp(name, "pbkdf2") == 0) {
        rc = parse_pbkdf2(kp, k, err);
    } else {
        char shown[ETH_CLIP_BUF];
        return eth_fail(err, ETH_EUNSUP, "unsupported kdf '%s' (scrypt or pbkdf2)",
                        eth_text_clip(name, len, shown));
    }
    if (rc == 0)
        rc = parse_dklen(kp, err);
    if (rc == 0)
        rc = parse_salt(kp, k, err);
    return rc;
}

static int parse_cipher(const json_t *crypto, ks_parsed *k, eth_error *err)
{
    int rc = expect_name(crypto, "crypto.", "cipher", "cipher", "aes-128-ctr", err);
    json_t *cp = rc ? NULL : eth_json_member(crypto, "crypto.", "cipherparams", JSON_OBJECT, err);
    if (!cp)
        return -err->code;
    rc = eth_json_get_hex_fixed(cp, "crypto.cipherparams.", "iv", k->iv, KS_IVLEN, err);
    if (rc == 0)
        rc = eth_json_get_hex_fixed(crypto, "crypto.", "ciphertext", k->ct, KS_KEYLEN, err);
    if (rc == 0)
        rc = eth_json_get_hex_fixed(crypto, "crypto.", "mac", k->mac, 32, err);
    return rc;
}

static int parse_version(const json_t *root, eth_error *err)
{
    uint64_t version = 0;
    int rc = eth_json_get_uint(root, "", "version", &version, err);
    if (rc)
        return rc;
    if (version != 3)
        return eth_fail(err, ETH_EUNSUP, "unsupported keystore version %llu (only 3)",
                        (unsigned long long)version);
    return 0;
}

/* The optional "address" field: 40 hex digits, with or without 0x. */
static int parse_address(const json_t *root, ks_parsed *k, eth_error *err)
{
    if (!json_object_get(root, "address"))
        return 0;
    const char *s;
    int rc = eth_json_get_string(root, "", "address", &s, NULL, err);
    if (rc)
        return rc;
    rc = eth_address_parse(s, k->address, 0, err);
    if (rc)
        return eth_error_prefix(err, "field 'address': ");
    k->has_address = true;
    return 0;
}

/* Parses json[0..len) into *root, which must be an object. */
static int load_root(const char *json, size_t len, json_t **root, eth_error *err)
{
    int rc = eth_json_parse(json, len, root, err);
    if (rc == 0 && !json_is_object(*root)) {
        json_decref(*root);
        *root = NULL;
        rc = eth_fail(err, ETH_EINVAL, "not a keystore: the JSON is not an object");
    }
    return rc;
}

/* geth wrote "Crypto" in early versions; both spellings are accepted, not both at once. */
static json_t *crypto_of(const json_t *root, eth_error *err)
{
    json_t *a = json_object_get(root, "crypto"), *b = json_object_get(root, "Crypto");
    if (a && b) {
        eth_fail(err, ETH_EINVAL, "both 'crypto' and 'Crypto' fields present");
        return NULL;
    }
    return eth_json_member(root, "", a || !b ? "crypto" : "Crypto", JSON_OBJECT, err);
}

static int parse_keystore(const char *json, size_t len, ks_parsed *k, eth_error *err)
{
    memset(k, 0, sizeof *k);
    json_t *root = NULL;
    int rc = load_root(json, len, &root, err);
    if (rc)
        return rc;
    json_t *crypto = crypto_of(root, err);
    rc = crypto ? parse_version(root, err) : -err->code;
    if (rc == 0)
        rc = parse_cipher(crypto, k, err);
    if (rc == 0)
        rc = parse_kdf(crypto, k, err);
    if (rc == 0)
        rc = parse_address(root, k, err);
    json_decref(root);
    return rc;
}

/* ---- crypto ---- */

static int derive_key(const eth_keystore_params *p, const uint8_t *salt, size_t salt_len,
                      const char *pw, size_t pwlen, uint8_t dk[KS_DKLEN], eth_error *err)
{
    if (p->kdf == ETH_KDF_SCRYPT)
        return eth_kdf_scrypt(ETH_SCRYPT_AUTO, pw, pwlen, salt, salt_len, p->scrypt_n,
                              p->scrypt_r, p->scrypt_p, dk, KS_DKLEN, err);
    return eth_kdf_pbkdf2_sha256(pw, pwlen, salt, salt_len, p->pbkdf2_c, dk, KS_DKLEN, err);
}

/* AES-128-CTR of in[0..32) with key dk[0..16); encryption and decryption are the same. */
static int aes_ctr(const uint8_t key[16], const uint8_t iv[KS_IVLEN], const uint8_t *in,
                   uint8_t *out, eth_error *err)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n1 = 0, n2 = 0;
    bool ok = ctx && EVP_EncryptInit_ex(ctx, EVP_aes_128_ctr(), NULL, key, iv) == 1 &&
              EVP_EncryptUpdate(ctx, out, &n1, in, KS_KEYLEN) == 1 &&
              EVP_EncryptFinal_ex(ctx, out + n1, &n2) == 1 && n1 + n2 == KS_KEYLEN;
    EVP_CIPHER_CTX_free(ctx); /* wipes the expanded key */
    if (!ok) {
        eth_wipe(out, KS_KEYLEN);
        return eth_fail(err, ETH_ECRYPTO, "aes-128-ctr failed");
    }
    return 0;
}

static void compute_mac(const uint8_t dk[KS_DKLEN], const uint8_t ct[KS_KEYLEN], uint8_t mac[32])
{
    eth_keccak k;
    eth_keccak_init(&k);
    eth_keccak_update(&k, dk + 16, 16);
    eth_keccak_update(&k, ct, KS_KEYLEN);
    eth_keccak_final(&k, mac);
    eth_wipe(&k, sizeof k);
}

/* After the MAC matched: the key must be a valid secp256k1 key and match any "address". */
static int make_signer(const ks_parsed *k, const uint8_t priv[32], eth_signer **out,
                       eth_error *err)
{
    int rc = eth_signer_from_key(priv, out, err);
    if (rc == -ETH_EINVAL)
        return eth_fail(err, ETH_ECRYPTO, "decrypted private key is not a valid secp256k1 key");
    if (rc || !k->has_address)
        return rc;
    const uint8_t *addr = eth_signer_address(*out);
    if (memcmp(addr, k->address, 20) != 0) {
        char want[43], have[43];
        eth_address_checksum(k->address, want);
        eth_address_checksum(addr, have);
        eth_signer_free(*out);
        *out = NULL;
        return eth_fail(err, ETH_ECRYPTO, "field 'address' %s does not match the key's address %s",
                        want, have);
    }
    return 0;
}

static int decrypt_parsed(const ks_parsed *k, const char *pw, size_t pwlen, eth_signer **out,
                          eth_error *err)
{
    uint8_t dk[KS_DKLEN], mac[32], priv[KS_KEYLEN];
    int rc = derive_key(&k->kdf, k->salt, k->salt_len, pw, pwlen, dk, err);
    if (rc == 0) {
        compute_mac(dk, k->ct, mac);
        if (CRYPTO_memcmp(mac, k->mac, sizeof mac) != 0)
            rc = eth_fail(err, ETH_ECRYPTO, "wrong password (MAC mismatch)");
    }
    if (rc == 0)
        rc = aes_ctr(dk, k->iv, k->ct, priv, err);
    eth_wipe(dk, sizeof dk);
    if (rc == 0)
        rc = make_signer(k, priv, out, err);
    eth_wipe(priv, sizeof priv);
    return rc;
}

int eth_keystore_decrypt(const char *json, size_t len, const char *password, size_t pwlen,
                         eth_signer **out, eth_error *err)
{
    *out = NULL;
    ks_parsed *k = malloc(sizeof *k);
    if (!k)
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    int rc = parse_keystore(json, len, k, err);
    if (rc == 0)
        rc = decrypt_parsed(k, password, pwlen, out, err);
    free(k);
    return rc;
}

int eth_keystore_validate(const char *json, size_t len, eth_error *err)
{
    ks_parsed *k = malloc(sizeof *k);
    if (!k)
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    int rc = parse_keystore(json, len, k, err);
    free(k);
    return rc;
}

/* ---- files ---- */

/* Reads the file at path into text; eth_file_read's messages start with the path. */
static int read_keystore_text(const char *path, eth_buf *text, eth_error *err)
{
    int rc = eth_file_read(path, ETH_KEYSTORE_MAX_FILE, text, NULL, err);
    return rc ? eth_error_prefix(err, "keystore ") : 0;
}

/* Prefixes err with "keystore PATH: " and returns -err->code. */
static int keystore_error(const char *path, eth_error *err)
{
    char shown[ETH_CLIP_BUF];
    return eth_error_prefix(err, "keystore %s: ", eth_text_clipz(path, shown));
}

int eth_keystore_load_file(const char *path, eth_buf *text, eth_error *err)
{
    size_t start = text->len;
    int rc = read_keystore_text(path, text, err);
    if (rc)
        return rc;
    rc = eth_keystore_validate(eth_buf_str(text) + start, text->len - start, err);
    if (rc) {
        text->len = start;
        return keystore_error(path, err);
    }
    return 0;
}

int eth_keystore_read_file(const char *path, const char *password, size_t pwlen,
                           eth_signer **out, eth_error *err)
{
    *out = NULL;
    eth_buf text = {0};
    int rc = read_keystore_text(path, &text, err);
    if (rc == 0 && eth_keystore_decrypt(eth_buf_str(&text), text.len, password, pwlen, out, err))
        rc = keystore_error(path, err);
    eth_buf_clear(&text);
    return rc;
}

int eth_keystore_peek_file(const char *path, uint8_t addr[20], eth_error *err)
{
    eth_buf text = {0};
    int rc = read_keystore_text(path, &text, err);
    if (rc == 0) {
        rc = eth_keystore_peek_address(eth_buf_str(&text), text.len, addr, err);
        if (rc < 0)
            rc = keystore_error(path, err);
    }
    eth_buf_clear(&text);
    return rc;
}

int eth_uuid_v4(char out[37], eth_error *err)
{
    uint8_t b[16];
    if (RAND_bytes(b, sizeof b) != 1)
        return eth_fail(err, ETH_ECRYPTO, "RAND_bytes failed");
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
             b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
             b[15]);
    return 0;
}

/* Sets obj[name] to the hex of p[0..n) without 0x (as geth writes it); returns 0 or -1. */
static int set_hex(json_t *obj, const char *name, const uint8_t *p, size_t n)
{
    char h[2 * 1024 + 3];
    if (n > 1024)
        return -1;
    eth_hex_encode(p, n, h);
    return json_object_set_new(obj, name, json_string(h + 2));
}

static json_t *kdfparams_json(const eth_keystore_params *p, const uint8_t *salt)
{
    json_t *kp = json_object();
    bool bad = !kp || set_hex(kp, "salt", salt, KS_SALTLEN) != 0 ||
               json_object_set_new(kp, "dklen", json_integer(KS_DKLEN)) != 0;
    if (!bad && p->kdf == ETH_KDF_SCRYPT)
        bad = json_object_set_new(kp, "n", json_integer((json_int_t)p->scrypt_n)) != 0 ||
              json_object_set_new(kp, "r", json_integer(p->scrypt_r)) != 0 ||
              json_object_set_new(kp, "p", json_integer(p->scrypt_p)) != 0;
    else if (!bad)
        bad = json_object_set_new(kp, "c", json_integer(p->pbkdf2_c)) != 0 ||
              json_object_set_new(kp, "prf", json_string("hmac-sha256")) != 0;
    if (bad) {
        json_decref(kp);
        return NULL;
    }
    return kp;
}

/* The material of a new keystore: random salt, iv, id; ciphertext and MAC; the address. */
typedef struct ks_new {
    uint8_t salt[KS_SALTLEN];
    uint8_t iv[KS_IVLEN];
    uint8_t ct[KS_KEYLEN];
    uint8_t mac[32];
    uint8_t addr[20];
    char id[37];
} ks_new;

static json_t *keystore_json(const eth_keystore_params *p, const ks_new *m)
{
    json_t *kp = kdfparams_json(p, m->salt);
    json_t *cp = json_object(), *crypto = json_object(), *root = json_object();
    bool bad = !kp || !cp || !crypto || !root || set_hex(cp, "iv", m->iv, KS_IVLEN) != 0 ||
               json_object_set_new(crypto, "cipher", json_string("aes-128-ctr")) != 0 ||
               json_object_set(crypto, "cipherparams", cp) != 0 ||
               set_hex(crypto, "ciphertext", m->ct, KS_KEYLEN) != 0 ||
               json_object_set_new(crypto, "kdf",
                                   json_string(p->kdf == ETH_KDF_SCRYPT ? "scrypt" : "pbkdf2")) !=
                   0 ||
               json_object_set(crypto, "kdfparams", kp) != 0 ||
               set_hex(crypto, "mac", m->mac, 32) != 0 ||
               set_hex(root, "address", m->addr, 20) != 0 ||
               json_object_set(root, "crypto", crypto) != 0 ||
               json_object_set_new(root, "id", json_string(m->id)) != 0 ||
               json_object_set_new(root, "version", json_integer(3)) != 0;
    json_decref(kp);
    json_decref(cp);
    json_decref(crypto);
    if (bad) {
        json_decref(root);
        return NULL;
    }
    return root;
}

static int fill_new(const eth_signer *s, const char *pw, size_t pwlen,
                    const eth_keystore_params *p, ks_new *m, eth_error *err)
{
    if (RAND_bytes(m->salt, KS_SALTLEN) != 1 || RAND_bytes(m->iv, KS_IVLEN) != 1)
        return eth_fail(err, ETH_ECRYPTO, "RAND_bytes failed");
    int rc = eth_uuid_v4(m->id, err);
    memcpy(m->addr, eth_signer_address(s), 20);
    uint8_t dk[KS_DKLEN];
    if (rc == 0)
        rc = derive_key(p, m->salt, KS_SALTLEN, pw, pwlen, dk, err);
    if (rc == 0)
        rc = aes_ctr(dk, m->iv, eth_signer_secret(s), m->ct, err);
    if (rc == 0)
        compute_mac(dk, m->ct, m->mac);
    eth_wipe(dk, sizeof dk);
    return rc;
}

int eth_keystore_encrypt(const eth_signer *signer, const char *password, size_t pwlen,
                         const eth_keystore_params *params, char **out, eth_error *err)
{
    eth_keystore_params def;
    if (!params) {
        eth_keystore_params_default(&def);
        params = &def;
    }
    *out = NULL;
    int rc = eth_keystore_params_check(params, err);
    if (rc)
        return rc;
    ks_new m;
    rc = fill_new(signer, password, pwlen, params, &m, err);
    json_t *root = rc == 0 ? keystore_json(params, &m) : NULL;
    eth_wipe(&m, sizeof m);
    if (rc)
        return rc;
    *out = root ? json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(root);
    return *out ? 0 : eth_fail(err, ETH_ENOMEM, "out of memory building keystore JSON");
}

int eth_keystore_write_file(const char *path, const eth_signer *signer, const char *password,
                            size_t pwlen, const eth_keystore_params *params, eth_error *err)
{
    char *text = NULL;
    int rc = eth_keystore_encrypt(signer, password, pwlen, params, &text, err);
    if (rc)
        return keystore_error(path, err);
    size_t n = strlen(text);
    char *line = realloc(text, n + 2);
    if (!line) {
        free(text);
        eth_fail(err, ETH_ENOMEM, "out of memory");
        return keystore_error(path, err);
    }
    line[n] = '\n';
    line[n + 1] = '\0';
    rc = eth_file_create(path, line, n + 1, 0600, err);
    free(line);
    return rc ? eth_error_prefix(err, "keystore ") : 0; /* eth_file_create's message names path */
}

int eth_keystore_peek_address(const char *json, size_t len, uint8_t addr[20], eth_error *err)
{
    json_t *root = NULL;
    int rc = load_root(json, len, &root, err);
    if (rc)
        return rc;
    ks_parsed *k = calloc(1, sizeof *k);
    rc = k ? 0 : eth_fail(err, ETH_ENOMEM, "out of memory");
    if (rc == 0 && !crypto_of(root, err))
        rc = -err->code;
    if (rc == 0)
        rc = parse_address(root, k, err);
    if (rc == 0 && k->has_address) {
        memcpy(addr, k->address, 20);
        rc = 1;
    }
    free(k);
    json_decref(root);
    return rc;
}
