/* keystore.c: Web3 Secret Storage v3: strict parsing, scrypt / pbkdf2 + aes-128-ctr, writing. */
#include "keystore.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "address.h"
#include "hex.h"
#include "keccak.h"
#include "key.h"
#include "scrypt.h"

#define KS_DKLEN 32
#define KS_KEYLEN 32
#define KS_IVLEN 16
#define KS_SALTLEN 32

/* Everything a keystore says about how to decrypt it. */
typedef struct ks_parsed {
    eth_keystore_params kdf;
    uint8_t salt[ETH_KEYSTORE_MAX_SALT];
    size_t salt_len;
    uint8_t iv[KS_IVLEN];
    uint8_t ct[KS_KEYLEN];
    uint8_t mac[32];
    int has_address;
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

/* ---- strict JSON field access ---- */

/* Member name of obj (named where) with JSON type checked by is(); NULL + error otherwise. */
static json_t *member(json_t *obj, const char *where, const char *name, int type, eth_error *err)
{
    static const char *const TYPE_NAMES[] = {"an object", "an array",   "a string", "an integer",
                                             "a number",  "true/false", "true/false", "null"};
    json_t *v = json_object_get(obj, name);
    if (!v) {
        eth_fail(err, ETH_EINVAL, "missing field '%s%s'", where, name);
        return NULL;
    }
    int t = json_typeof(v);
    if (t != type) {
        eth_fail(err, ETH_EINVAL, "field '%s%s' must be %s", where, name, TYPE_NAMES[type]);
        return NULL;
    }
    return v;
}

static int get_uint(json_t *obj, const char *where, const char *name, uint64_t *out,
                    eth_error *err)
{
    json_t *v = member(obj, where, name, JSON_INTEGER, err);
    if (!v)
        return -ETH_EINVAL;
    json_int_t i = json_integer_value(v);
    if (i < 0)
        return eth_fail(err, ETH_ERANGE, "field '%s%s' must not be negative", where, name);
    *out = (uint64_t)i;
    return 0;
}

static int get_hex(json_t *obj, const char *where, const char *name, uint8_t *out, size_t n,
                   eth_error *err)
{
    json_t *v = member(obj, where, name, JSON_STRING, err);
    if (!v)
        return -ETH_EINVAL;
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    if (strlen(s) != len || len > 2 * n + 2)
        return eth_fail(err, ETH_EINVAL, "field '%s%s' must be %zu bytes of hex, got %zu characters",
                        where, name, n, len);
    int rc = eth_hex_decode_fixed(s, out, n, err);
    if (rc < 0)
        return eth_error_prefix(err, "field '%s%s': ", where, name);
    return 0;
}

static int get_salt(json_t *obj, ks_parsed *k, eth_error *err)
{
    const char *where = "crypto.kdfparams.";
    json_t *v = member(obj, where, "salt", JSON_STRING, err);
    if (!v)
        return -ETH_EINVAL;
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    if (strlen(s) != len || len > 2 * ETH_KEYSTORE_MAX_SALT + 2)
        return eth_fail(err, ETH_ERANGE, "field '%ssalt' is longer than %u bytes", where,
                        ETH_KEYSTORE_MAX_SALT);
    eth_buf b = {0};
    int rc = eth_hex_decode(s, len, &b, err);
    if (rc < 0) {
        eth_buf_clear(&b);
        return eth_error_prefix(err, "field '%ssalt': ", where);
    }
    if (b.len == 0 || b.len > ETH_KEYSTORE_MAX_SALT) {
        eth_buf_clear(&b);
        return eth_fail(err, ETH_ERANGE, "field '%ssalt' must be 1..%u bytes", where,
                        ETH_KEYSTORE_MAX_SALT);
    }
    memcpy(k->salt, b.data, b.len);
    k->salt_len = b.len;
    eth_buf_clear(&b);
    return 0;
}

/* ---- parsing ---- */

static int parse_dklen(json_t *kp, eth_error *err)
{
    uint64_t dklen = 0;
    int rc = get_uint(kp, "crypto.kdfparams.", "dklen", &dklen, err);
    if (rc < 0)
        return rc;
    if (dklen != KS_DKLEN)
        return eth_fail(err, ETH_EUNSUP, "unsupported dklen %llu (only 32)",
                        (unsigned long long)dklen);
    return 0;
}

static int parse_scrypt(json_t *kp, ks_parsed *k, eth_error *err)
{
    const char *w = "crypto.kdfparams.";
    uint64_t n = 0, r = 0, p = 0;
    int rc = get_uint(kp, w, "n", &n, err);
    if (rc == 0)
        rc = get_uint(kp, w, "r", &r, err);
    if (rc == 0)
        rc = get_uint(kp, w, "p", &p, err);
    if (rc == 0)
        rc = check_scrypt(n, r, p, err);
    if (rc < 0)
        return rc;
    k->kdf.kdf = ETH_KDF_SCRYPT;
    k->kdf.scrypt_n = n;
    k->kdf.scrypt_r = (uint32_t)r;
    k->kdf.scrypt_p = (uint32_t)p;
    return 0;
}

static int parse_pbkdf2(json_t *kp, ks_parsed *k, eth_error *err)
{
    uint64_t c = 0;
    int rc = get_uint(kp, "crypto.kdfparams.", "c", &c, err);
    if (rc == 0)
        rc = check_pbkdf2(c, err);
    if (rc < 0)
        return rc;
    json_t *prf = member(kp, "crypto.kdfparams.", "prf", JSON_STRING, err);
    if (!prf)
        return -ETH_EINVAL;
    if (strcmp(json_string_value(prf), "hmac-sha256") != 0)
        return eth_fail(err, ETH_EUNSUP, "unsupported pbkdf2 prf '%.64s' (only hmac-sha256)",
                        json_string_value(prf));
    k->kdf.kdf = ETH_KDF_PBKDF2;
    k->kdf.pbkdf2_c = (uint32_t)c;
    return 0;
}

static int parse_kdf(json_t *crypto, ks_parsed *k, eth_error *err)
{
    json_t *kdf = member(crypto, "crypto.", "kdf", JSON_STRING, err);
    json_t *kp = kdf ? member(crypto, "crypto.", "kdfparams", JSON_OBJECT, err) : NULL;
    if (!kp)
        return -ETH_EINVAL;
    const char *name = json_string_value(kdf);
    int rc;
    if (strcmp(name, "scrypt") == 0)
        rc = parse_scrypt(kp, k, err);
    else if (strcmp(name, "pbkdf2") == 0)
        rc = parse_pbkdf2(kp, k, err);
    else
        return eth_fail(err, ETH_EUNSUP, "unsupported kdf '%.64s' (scrypt or pbkdf2)", name);
    if (rc == 0)
        rc = parse_dklen(kp, err);
    if (rc == 0)
        rc = get_salt(kp, k, err);
    return rc;
}

static int parse_cipher(json_t *crypto, ks_parsed *k, eth_error *err)
{
    json_t *c = member(crypto, "crypto.", "cipher", JSON_STRING, err);
    if (!c)
        return -ETH_EINVAL;
    if (strcmp(json_string_value(c), "aes-128-ctr") != 0)
        return eth_fail(err, ETH_EUNSUP, "unsupported cipher '%.64s' (only aes-128-ctr)",
                        json_string_value(c));
    json_t *cp = member(crypto, "crypto.", "cipherparams", JSON_OBJECT, err);
    if (!cp)
        return -ETH_EINVAL;
    int rc = get_hex(cp, "crypto.cipherparams.", "iv", k->iv, KS_IVLEN, err);
    if (rc == 0)
        rc = get_hex(crypto, "crypto.", "ciphertext", k->ct, KS_KEYLEN, err);
    if (rc == 0)
        rc = get_hex(crypto, "crypto.", "mac", k->mac, 32, err);
    return rc;
}

static int parse_version(json_t *root, eth_error *err)
{
    uint64_t version = 0;
    int rc = get_uint(root, "", "version", &version, err);
    if (rc < 0)
        return rc;
    if (version != 3)
        return eth_fail(err, ETH_EUNSUP, "unsupported keystore version %llu (only 3)",
                        (unsigned long long)version);
    return 0;
}

/* The optional "address" field: 40 hex digits, with or without 0x. */
static int parse_address(json_t *root, ks_parsed *k, eth_error *err)
{
    json_t *a = json_object_get(root, "address");
    if (!a)
        return 0;
    if (!json_is_string(a) || strlen(json_string_value(a)) != json_string_length(a))
        return eth_fail(err, ETH_EINVAL, "field 'address' must be a string");
    int rc = eth_address_parse(json_string_value(a), k->address, 0, err);
    if (rc < 0)
        return eth_error_prefix(err, "field 'address': ");
    k->has_address = 1;
    return 0;
}

static json_t *load_root(const char *json, size_t len, eth_error *err)
{
    if (memchr(json, '\0', len)) {
        eth_fail(err, ETH_EINVAL, "not valid JSON: contains a NUL byte");
        return NULL;
    }
    json_error_t jerr;
    json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        eth_fail(err, ETH_EINVAL, "not valid JSON: %s (line %d, column %d)", jerr.text,
                 jerr.line, jerr.column);
        return NULL;
    }
    if (!json_is_object(root)) {
        json_decref(root);
        eth_fail(err, ETH_EINVAL, "not a keystore: the JSON is not an object");
        return NULL;
    }
    return root;
}

/* geth wrote "Crypto" in early versions; both spellings are accepted, not both at once. */
static json_t *crypto_of(json_t *root, eth_error *err)
{
    json_t *a = json_object_get(root, "crypto"), *b = json_object_get(root, "Crypto");
    if (a && b) {
        eth_fail(err, ETH_EINVAL, "both 'crypto' and 'Crypto' fields present");
        return NULL;
    }
    return member(root, "", a || !b ? "crypto" : "Crypto", JSON_OBJECT, err);
}

static int parse_keystore(const char *json, size_t len, ks_parsed *k, eth_error *err)
{
    memset(k, 0, sizeof *k);
    json_t *root = load_root(json, len, err);
    if (!root)
        return -ETH_EINVAL;
    json_t *crypto = crypto_of(root, err);
    int rc = crypto ? parse_version(root, err) : -ETH_EINVAL;
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
    if (!pw)
        pw = "";
    if (p->kdf == ETH_KDF_SCRYPT)
        return eth_scrypt(pw, pwlen, salt, salt_len, p->scrypt_n, p->scrypt_r, p->scrypt_p, dk,
                          KS_DKLEN, err);
    if (pwlen > 0x7fffffff)
        return eth_fail(err, ETH_ERANGE, "password too long");
    if (PKCS5_PBKDF2_HMAC(pw, (int)pwlen, salt, (int)salt_len, (int)p->pbkdf2_c, EVP_sha256(),
                          KS_DKLEN, dk) != 1)
        return eth_fail(err, ETH_ECRYPTO, "pbkdf2 key derivation failed");
    return 0;
}

/* AES-128-CTR of in[0..32) with key dk[0..16); encryption and decryption are the same. */
static int aes_ctr(const uint8_t key[16], const uint8_t iv[KS_IVLEN], const uint8_t *in,
                   uint8_t *out, eth_error *err)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n1 = 0, n2 = 0;
    int ok = ctx && EVP_EncryptInit_ex(ctx, EVP_aes_128_ctr(), NULL, key, iv) == 1 &&
             EVP_EncryptUpdate(ctx, out, &n1, in, KS_KEYLEN) == 1 &&
             EVP_EncryptFinal_ex(ctx, out + n1, &n2) == 1 && n1 + n2 == KS_KEYLEN;
    EVP_CIPHER_CTX_free(ctx);
    return ok ? 0 : eth_fail(err, ETH_ECRYPTO, "aes-128-ctr failed");
}

static void compute_mac(const uint8_t dk[KS_DKLEN], const uint8_t ct[KS_KEYLEN], uint8_t mac[32])
{
    eth_keccak k;
    eth_keccak_init(&k);
    eth_keccak_update(&k, dk + 16, 16);
    eth_keccak_update(&k, ct, KS_KEYLEN);
    eth_keccak_final(&k, mac);
}

/* After the MAC matched: the key must be a valid secp256k1 key and match any "address". */
static int check_key(const ks_parsed *k, const uint8_t priv[32], eth_error *err)
{
    if (!eth_key_valid(priv))
        return eth_fail(err, ETH_ECRYPTO, "decrypted private key is not a valid secp256k1 key");
    if (!k->has_address)
        return 0;
    uint8_t addr[20];
    int rc = eth_key_address(priv, addr, err);
    if (rc < 0)
        return rc;
    if (memcmp(addr, k->address, 20) != 0) {
        char want[43], have[43];
        eth_address_checksum(k->address, want);
        eth_address_checksum(addr, have);
        return eth_fail(err, ETH_ECRYPTO, "field 'address' %s does not match the key's address %s",
                        want, have);
    }
    return 0;
}

static int decrypt_parsed(const ks_parsed *k, const char *pw, size_t pwlen, uint8_t priv[32],
                          eth_error *err)
{
    uint8_t dk[KS_DKLEN], mac[32];
    int rc = derive_key(&k->kdf, k->salt, k->salt_len, pw, pwlen, dk, err);
    if (rc == 0) {
        compute_mac(dk, k->ct, mac);
        if (CRYPTO_memcmp(mac, k->mac, sizeof mac) != 0)
            rc = eth_fail(err, ETH_ECRYPTO, "wrong password (MAC mismatch)");
    }
    if (rc == 0)
        rc = aes_ctr(dk, k->iv, k->ct, priv, err);
    if (rc == 0)
        rc = check_key(k, priv, err);
    eth_wipe(dk, sizeof dk);
    if (rc < 0)
        eth_wipe(priv, 32);
    return rc;
}

int eth_keystore_decrypt(const char *json, size_t len, const char *password, size_t pwlen,
                         uint8_t priv[32], eth_error *err)
{
    ks_parsed *k = malloc(sizeof *k);
    if (!k)
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    int rc = parse_keystore(json, len, k, err);
    if (rc == 0)
        rc = decrypt_parsed(k, password, pwlen, priv, err);
    eth_wipe(k, sizeof *k);
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

/* Reads the whole (regular, small) file at path into a new NUL-terminated buffer. */
static int read_small_file(const char *path, char **out, size_t *len, eth_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return eth_fail(err, ETH_EIO, "cannot open: %s", strerror(errno));
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        rc = eth_fail(err, ETH_EIO, "not a regular file");
    else if (st.st_size > (off_t)ETH_KEYSTORE_MAX_FILE)
        rc = eth_fail(err, ETH_ERANGE, "file is larger than %u bytes; not a keystore",
                      ETH_KEYSTORE_MAX_FILE);
    char *buf = rc == 0 ? malloc(ETH_KEYSTORE_MAX_FILE + 1) : NULL;
    if (rc == 0 && !buf)
        rc = eth_fail(err, ETH_ENOMEM, "out of memory");
    size_t n = 0;
    while (rc == 0 && n <= ETH_KEYSTORE_MAX_FILE) {
        ssize_t r = read(fd, buf + n, ETH_KEYSTORE_MAX_FILE + 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            rc = eth_fail(err, ETH_EIO, "read failed: %s", strerror(errno));
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    if (rc == 0 && n > ETH_KEYSTORE_MAX_FILE)
        rc = eth_fail(err, ETH_ERANGE, "file is larger than %u bytes; not a keystore",
                      ETH_KEYSTORE_MAX_FILE);
    if (rc < 0) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

int eth_keystore_read_file(const char *path, const char *password, size_t pwlen, uint8_t priv[32],
                           eth_error *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc = read_small_file(path, &text, &len, err);
    if (rc == 0)
        rc = eth_keystore_decrypt(text, len, password, pwlen, priv, err);
    free(text);
    if (rc < 0 && err)
        eth_error_prefix(err, "keystore %s: ", path);
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
    char *h = NULL;
    int rc = eth_hex_encode_alloc(p, n, &h, NULL) == 0 ? json_object_set_new(obj, name, json_string(h + 2)) : -1;
    free(h);
    return rc;
}

static json_t *kdfparams_json(const eth_keystore_params *p, const uint8_t *salt)
{
    json_t *kp = json_object();
    int bad = !kp || set_hex(kp, "salt", salt, KS_SALTLEN) != 0 ||
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
    int bad = !kp || !cp || !crypto || !root || set_hex(cp, "iv", m->iv, KS_IVLEN) != 0 ||
              json_object_set_new(crypto, "cipher", json_string("aes-128-ctr")) != 0 ||
              json_object_set(crypto, "cipherparams", cp) != 0 ||
              set_hex(crypto, "ciphertext", m->ct, KS_KEYLEN) != 0 ||
              json_object_set_new(crypto, "kdf",
                                  json_string(p->kdf == ETH_KDF_SCRYPT ? "scrypt" : "pbkdf2")) != 0 ||
              json_object_set(crypto, "kdfparams", kp) != 0 ||
              set_hex(crypto, "mac", m->mac, 32) != 0 || set_hex(root, "address", m->addr, 20) != 0 ||
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

static int fill_new(const uint8_t priv[32], const char *pw, size_t pwlen,
                    const eth_keystore_params *p, ks_new *m, eth_error *err)
{
    if (RAND_bytes(m->salt, KS_SALTLEN) != 1 || RAND_bytes(m->iv, KS_IVLEN) != 1)
        return eth_fail(err, ETH_ECRYPTO, "RAND_bytes failed");
    int rc = eth_uuid_v4(m->id, err);
    if (rc == 0)
        rc = eth_key_address(priv, m->addr, err);
    uint8_t dk[KS_DKLEN];
    if (rc == 0)
        rc = derive_key(p, m->salt, KS_SALTLEN, pw, pwlen, dk, err);
    if (rc == 0)
        rc = aes_ctr(dk, m->iv, priv, m->ct, err);
    if (rc == 0)
        compute_mac(dk, m->ct, m->mac);
    eth_wipe(dk, sizeof dk);
    return rc;
}

int eth_keystore_encrypt(const uint8_t priv[32], const char *password, size_t pwlen,
                         const eth_keystore_params *params, char **out, eth_error *err)
{
    eth_keystore_params def;
    if (!params) {
        eth_keystore_params_default(&def);
        params = &def;
    }
    *out = NULL;
    if (!eth_key_valid(priv))
        return eth_fail(err, ETH_EINVAL, "not a valid secp256k1 private key");
    int rc = eth_keystore_params_check(params, err);
    if (rc < 0)
        return rc;
    ks_new m;
    rc = fill_new(priv, password, pwlen, params, &m, err);
    json_t *root = rc == 0 ? keystore_json(params, &m) : NULL;
    eth_wipe(&m, sizeof m);
    if (rc < 0)
        return rc;
    *out = root ? json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(root);
    return *out ? 0 : eth_fail(err, ETH_ENOMEM, "out of memory building keystore JSON");
}

static int write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Creates path exclusively with mode 0600 and writes text to it. */
static int create_file(const char *path, const char *text, eth_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno == EEXIST)
        return eth_fail(err, ETH_EIO, "already exists; refusing to overwrite");
    if (fd < 0)
        return eth_fail(err, ETH_EIO, "cannot create: %s", strerror(errno));
    int bad = write_all(fd, text, strlen(text)) != 0 || write_all(fd, "\n", 1) != 0 ||
              fsync(fd) != 0;
    int saved = errno;
    if (close(fd) != 0 && !bad) {
        bad = 1;
        saved = errno;
    }
    if (bad) {
        unlink(path);
        return eth_fail(err, ETH_EIO, "write failed: %s", strerror(saved));
    }
    return 0;
}

int eth_keystore_write_file(const char *path, const uint8_t priv[32], const char *password,
                            size_t pwlen, const eth_keystore_params *params, eth_error *err)
{
    char *text = NULL;
    int rc = eth_keystore_encrypt(priv, password, pwlen, params, &text, err);
    if (rc == 0)
        rc = create_file(path, text, err);
    free(text);
    if (rc < 0 && err)
        eth_error_prefix(err, "keystore %s: ", path);
    return rc;
}

int eth_keystore_peek_address(const char *json, size_t len, uint8_t addr[20], eth_error *err)
{
    json_t *root = load_root(json, len, err);
    if (!root)
        return -ETH_EINVAL;
    ks_parsed *k = calloc(1, sizeof *k);
    int rc = k ? 0 : eth_fail(err, ETH_ENOMEM, "out of memory");
    if (rc == 0 && !crypto_of(root, err))
        rc = -ETH_EINVAL;
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

int eth_keystore_peek_file(const char *path, uint8_t addr[20], eth_error *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc = read_small_file(path, &text, &len, err);
    if (rc == 0)
        rc = eth_keystore_peek_address(text, len, addr, err);
    free(text);
    if (rc < 0 && err)
        eth_error_prefix(err, "keystore %s: ", path);
    return rc;
}
