/* test_keystore.c: keystore v3 on the Web3 Secret Storage vectors, round trips, corrupt files,
 * KDF caps, and scrypt against RFC 7914 and OpenSSL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "eth/address.h"
#include "eth/hex.h"
#include "eth/internal/kdf.h"
#include "eth/internal/signer_key.h"
#include "eth/keystore.h"
#include "eth/signer.h"

/* The spec vectors' key: a published test key, not a secret. */
static const char *SPEC_KEY = "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";
static const char *SPEC_ADDR = "0x008AeEda4D805471dF9b2A5B0f38A0C3bCBA786b";
static const char *PW = "testpassword";

static char *data_path(const char *name)
{
    const char *dir = getenv("KMSCTL_TEST_DATA");
    assert_non_null(dir);
    size_t n = strlen(dir) + strlen(name) + 16;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/keystore/%s", dir, name);
    return p;
}

static char *load_data(const char *name)
{
    char *path = data_path(name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = calloc(1, 65536);
    assert_non_null(buf);
    size_t n = fread(buf, 1, 65535, f);
    assert_true(n > 0);
    fclose(f);
    free(path);
    return buf;
}

static void spec_key(uint8_t out[32])
{
    eth_error e;
    assert_int_equal(eth_hex_decode_fixed(SPEC_KEY, out, 32, &e), 0);
}

static void expect_decrypts(const char *text, const char *pw, const uint8_t want[32])
{
    eth_signer *s = NULL;
    eth_error e = {0};
    int rc = eth_keystore_decrypt(text, strlen(text), pw, strlen(pw), &s, &e);
    if (rc != 0)
        fail_msg("decrypt failed: %s", e.msg);
    assert_memory_equal(eth_signer_secret(s), want, 32);
    eth_signer_free(s);
}

static void test_spec_pbkdf2(void **state)
{
    (void)state;
    uint8_t want[32];
    spec_key(want);
    char *text = load_data("spec-pbkdf2.json");
    expect_decrypts(text, PW, want);
    free(text);
}

static void test_spec_scrypt(void **state)
{
    (void)state;
    uint8_t want[32];
    spec_key(want);
    char *text = load_data("spec-scrypt.json");
    expect_decrypts(text, PW, want);
    free(text);
}

static void test_cast_keystore_file(void **state)
{
    (void)state;
    uint8_t want[32];
    char cs[43];
    eth_error e = {0};
    eth_signer *s = NULL;
    spec_key(want);
    char *path = data_path("cast-scrypt.json");
    assert_int_equal(eth_keystore_read_file(path, PW, strlen(PW), &s, &e), 0);
    assert_memory_equal(eth_signer_secret(s), want, 32);
    eth_address_checksum(eth_signer_address(s), cs);
    assert_string_equal(cs, SPEC_ADDR);
    eth_signer_free(s);
    free(path);
}

static void test_validate(void **state)
{
    (void)state;
    eth_error e = {0};
    char *text = load_data("spec-scrypt.json");
    assert_int_equal(eth_keystore_validate(text, strlen(text), &e), 0);
    free(text);
    text = load_data("cast-scrypt.json");
    assert_int_equal(eth_keystore_validate(text, strlen(text), &e), 0);
    free(text);
}

static void test_wrong_password(void **state)
{
    (void)state;
    eth_signer *s = (eth_signer *)&s;
    eth_error e = {0};
    char *text = load_data("spec-pbkdf2.json");
    assert_int_equal(eth_keystore_decrypt(text, strlen(text), "testpassworD", 12, &s, &e),
                     -ETH_ECRYPTO);
    assert_string_equal(e.msg, "wrong password (MAC mismatch)");
    assert_null(s); /* no signer on failure */
    free(text);
}

static void test_read_file_errors(void **state)
{
    (void)state;
    eth_signer *priv = NULL;
    eth_error e = {0};
    assert_int_equal(eth_keystore_read_file("/nonexistent/ks.json", PW, 12, &priv, &e), -ETH_EIO);
    assert_non_null(strstr(e.msg, "keystore /nonexistent/ks.json: cannot open"));
    char *path = data_path("spec-pbkdf2.json");
    assert_int_equal(eth_keystore_read_file(path, "x", 1, &priv, &e), -ETH_ECRYPTO);
    assert_non_null(strstr(e.msg, "spec-pbkdf2.json: wrong password (MAC mismatch)"));
    free(path);
    path = data_path("");
    assert_int_equal(eth_keystore_read_file(path, "x", 1, &priv, &e), -ETH_EIO);
    assert_non_null(strstr(e.msg, "not a regular file"));
    free(path);
}

/* ---- round trips ---- */

static void round_trip(const eth_keystore_params *p, const char *pw)
{
    uint8_t peek[20];
    eth_error e = {0};
    char *text = NULL;
    eth_signer *key = NULL, *back = NULL;
    assert_int_equal(eth_signer_generate(&key, &e), 0);
    assert_int_equal(eth_keystore_encrypt(key, pw, strlen(pw), p, &text, &e), 0);
    assert_int_equal(eth_keystore_decrypt(text, strlen(text), pw, strlen(pw), &back, &e), 0);
    assert_memory_equal(eth_signer_secret(key), eth_signer_secret(back), 32);
    assert_int_equal(eth_keystore_peek_address(text, strlen(text), peek, &e), 1);
    assert_memory_equal(eth_signer_address(key), peek, 20);
    eth_signer_free(key);
    eth_signer_free(back);
    json_t *root = json_loads(text, 0, NULL);
    assert_non_null(root);
    assert_int_equal(json_integer_value(json_object_get(root, "version")), 3);
    const char *id = json_string_value(json_object_get(root, "id"));
    assert_non_null(id);
    assert_int_equal(strlen(id), 36);
    assert_int_equal(id[14], '4');
    json_t *crypto = json_object_get(root, "crypto");
    assert_string_equal(json_string_value(json_object_get(crypto, "cipher")), "aes-128-ctr");
    assert_string_equal(json_string_value(json_object_get(crypto, "kdf")),
                        p->kdf == ETH_KDF_SCRYPT ? "scrypt" : "pbkdf2");
    json_decref(root);
    free(text);
}

static void test_round_trip_scrypt(void **state)
{
    (void)state;
    eth_keystore_params p;
    eth_keystore_params_default(&p);
    p.scrypt_n = 1024;
    round_trip(&p, PW);
    round_trip(&p, "");
    round_trip(&p, "p\xc3\xa4sswort with spaces");
}

static void test_round_trip_pbkdf2(void **state)
{
    (void)state;
    eth_keystore_params p;
    eth_keystore_params_default(&p);
    p.kdf = ETH_KDF_PBKDF2;
    p.pbkdf2_c = 1000;
    round_trip(&p, PW);
}

static void test_default_params(void **state)
{
    (void)state;
    eth_keystore_params p;
    eth_keystore_params_default(&p);
    assert_int_equal(p.kdf, ETH_KDF_SCRYPT);
    assert_int_equal(p.scrypt_n, 262144);
    assert_int_equal(p.scrypt_r, 8);
    assert_int_equal(p.scrypt_p, 1);
    eth_error e = {0};
    assert_int_equal(eth_keystore_params_check(&p, &e), 0);
}

static void test_write_file(void **state)
{
    (void)state;
    char dir[] = "kmsctl-test-ks-XXXXXX"; /* in the working (build) directory */
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/k1", dir);
    uint8_t want[32];
    eth_signer *key = NULL, *back = NULL;
    spec_key(want);
    eth_keystore_params p;
    eth_keystore_params_default(&p);
    p.scrypt_n = 1024;
    eth_error e = {0};
    assert_int_equal(eth_signer_from_key(want, &key, &e), 0);
    assert_int_equal(eth_keystore_write_file(path, key, PW, strlen(PW), &p, &e), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(eth_keystore_write_file(path, key, PW, strlen(PW), &p, &e), -ETH_EIO);
    assert_non_null(strstr(e.msg, "already exists"));
    assert_int_equal(eth_keystore_read_file(path, PW, strlen(PW), &back, &e), 0);
    assert_memory_equal(eth_signer_secret(back), want, 32);
    eth_signer_free(key);
    eth_signer_free(back);
    unlink(path);
    rmdir(dir);
}

static void test_uuid(void **state)
{
    (void)state;
    char a[37], b[37];
    eth_error e = {0};
    assert_int_equal(eth_uuid_v4(a, &e), 0);
    assert_int_equal(eth_uuid_v4(b, &e), 0);
    assert_int_equal(strlen(a), 36);
    assert_string_not_equal(a, b);
    assert_true(a[8] == '-' && a[13] == '-' && a[18] == '-' && a[23] == '-');
    assert_int_equal(a[14], '4');
    assert_non_null(strchr("89ab", a[19]));
}

static void test_address_mismatch(void **state)
{
    (void)state;
    char *text = load_data("spec-pbkdf2.json");
    json_t *root = json_loads(text, 0, NULL);
    json_object_set_new(root, "address", json_string("0000000000000000000000000000000000000001"));
    char *bad = json_dumps(root, 0);
    eth_signer *priv = NULL;
    eth_error e = {0};
    assert_int_equal(eth_keystore_decrypt(bad, strlen(bad), PW, strlen(PW), &priv, &e),
                     -ETH_ECRYPTO);
    assert_non_null(strstr(e.msg, "does not match the key's address"));
    /* the right address is accepted */
    json_object_set_new(root, "address", json_string("008aeeda4d805471df9b2a5b0f38a0c3bcba786b"));
    free(bad);
    bad = json_dumps(root, 0);
    assert_int_equal(eth_keystore_decrypt(bad, strlen(bad), PW, strlen(PW), &priv, &e), 0);
    eth_signer_free(priv);
    free(bad);
    json_decref(root);
    free(text);
}

/* ---- corrupt and hostile files ---- */

/* One corruption of the pbkdf2 vector: set (or delete, if value is NULL) a field. */
typedef struct corruption {
    const char *path[4]; /* object path from the root, NULL-terminated */
    const char *value;   /* JSON text of the new value, or NULL to delete */
    int code;
    const char *msg; /* substring of the expected message */
} corruption;

static const corruption CORRUPTIONS[] = {
    {{"crypto", "ciphertext"}, "\"zz18b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46\"",
     ETH_EINVAL, "crypto.ciphertext"},
    {{"crypto", "ciphertext"}, "\"5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa\"",
     ETH_EINVAL, "expected 32 bytes"},
    {{"crypto", "ciphertext"}, "\"abc\"", ETH_EINVAL, "crypto.ciphertext"},
    {{"crypto", "ciphertext"}, "42", ETH_EINVAL, "'crypto.ciphertext' must be a string"},
    {{"crypto", "cipherparams", "iv"}, "\"6087dab2f9fdbbfaddc31a909735c1\"", ETH_EINVAL,
     "crypto.cipherparams.iv"},
    {{"crypto", "cipherparams", "iv"}, NULL, ETH_EINVAL, "missing field 'crypto.cipherparams.iv'"},
    {{"crypto", "mac"}, NULL, ETH_EINVAL, "missing field 'crypto.mac'"},
    {{"crypto", "mac"}, "\"517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b200\"",
     ETH_EINVAL, "crypto.mac"},
    {{"crypto", "cipher"}, "\"aes-128-cbc\"", ETH_EUNSUP, "unsupported cipher 'aes-128-cbc'"},
    {{"crypto", "cipher"}, NULL, ETH_EINVAL, "missing field 'crypto.cipher'"},
    {{"crypto", "kdf"}, "\"argon2id\"", ETH_EUNSUP, "unsupported kdf 'argon2id'"},
    {{"crypto", "kdfparams"}, NULL, ETH_EINVAL, "missing field 'crypto.kdfparams'"},
    {{"crypto", "kdfparams"}, "[]", ETH_EINVAL, "'crypto.kdfparams' must be an object"},
    {{"crypto", "kdfparams", "c"}, "4294967296", ETH_ERANGE, "hostile keystore"},
    {{"crypto", "kdfparams", "c"}, "0", ETH_ERANGE, "pbkdf2 c=0"},
    {{"crypto", "kdfparams", "c"}, "-5", ETH_ERANGE, "must not be negative"},
    {{"crypto", "kdfparams", "c"}, "262144.0", ETH_EINVAL, "must be an integer"},
    {{"crypto", "kdfparams", "c"}, "\"262144\"", ETH_EINVAL, "must be an integer"},
    {{"crypto", "kdfparams", "prf"}, "\"hmac-sha512\"", ETH_EUNSUP, "unsupported pbkdf2 prf"},
    {{"crypto", "kdfparams", "prf"}, NULL, ETH_EINVAL, "missing field 'crypto.kdfparams.prf'"},
    {{"crypto", "kdfparams", "dklen"}, "64", ETH_EUNSUP, "unsupported dklen 64"},
    {{"crypto", "kdfparams", "dklen"}, NULL, ETH_EINVAL, "dklen"},
    {{"crypto", "kdfparams", "salt"}, "\"\"", ETH_ERANGE, "salt"},
    {{"crypto", "kdfparams", "salt"}, "\"abc\"", ETH_EINVAL, "salt"},
    {{"crypto", "kdfparams", "salt"}, "\"00zz\"", ETH_EINVAL, "salt"}, /* fuzz: leaked */
    {{"crypto", "kdfparams", "salt"}, "null", ETH_EINVAL, "must be a string"},
    {{"crypto"}, NULL, ETH_EINVAL, "missing field 'crypto'"},
    {{"crypto"}, "\"x\"", ETH_EINVAL, "'crypto' must be an object"},
    {{"version"}, "4", ETH_EUNSUP, "unsupported keystore version 4"},
    {{"version"}, NULL, ETH_EINVAL, "missing field 'version'"},
    {{"address"}, "\"0x12\"", ETH_EINVAL, "field 'address'"},
    {{"address"}, "7", ETH_EINVAL, "field 'address' must be a string"},
};

static char *corrupt(const char *base, const corruption *c)
{
    json_t *root = json_loads(base, 0, NULL);
    assert_non_null(root);
    json_t *obj = root;
    size_t last = 0;
    while (c->path[last + 1])
        obj = json_object_get(obj, c->path[last++]);
    assert_non_null(obj);
    if (c->value)
        json_object_set_new(obj, c->path[last], json_loads(c->value, JSON_DECODE_ANY, NULL));
    else
        json_object_del(obj, c->path[last]);
    char *s = json_dumps(root, 0);
    json_decref(root);
    return s;
}

static void expect_error(const char *text, size_t len, int code, const char *msg)
{
    eth_signer *priv = NULL;
    eth_error e = {0};
    int rc = eth_keystore_decrypt(text, len, PW, strlen(PW), &priv, &e);
    eth_signer_free(priv);
    if (rc != -code || !strstr(e.msg, msg))
        fail_msg("want code %d with '%s', got %d '%s' for %.200s", code, msg, -rc, e.msg, text);
    rc = eth_keystore_validate(text, len, &e);
    if (rc >= 0 && code != ETH_ECRYPTO)
        fail_msg("validate accepted %.200s", text);
}

static void test_corrupt_fields(void **state)
{
    (void)state;
    char *base = load_data("spec-pbkdf2.json");
    for (size_t i = 0; i < sizeof CORRUPTIONS / sizeof CORRUPTIONS[0]; i++) {
        char *s = corrupt(base, &CORRUPTIONS[i]);
        expect_error(s, strlen(s), CORRUPTIONS[i].code, CORRUPTIONS[i].msg);
        free(s);
    }
    free(base);
}

static const corruption SCRYPT_CORRUPTIONS[] = {
    {{"crypto", "kdfparams", "n"}, "1073741824", ETH_ERANGE, "exhaust memory"},
    {{"crypto", "kdfparams", "n"}, "9223372036854775807", ETH_EINVAL, "not a power of two"},
    {{"crypto", "kdfparams", "n"}, "1000", ETH_EINVAL, "not a power of two"},
    {{"crypto", "kdfparams", "n"}, "1", ETH_EINVAL, "not a power of two"},
    {{"crypto", "kdfparams", "n"}, "\"big\"", ETH_EINVAL, "must be an integer"},
    {{"crypto", "kdfparams", "n"}, NULL, ETH_EINVAL, "missing field 'crypto.kdfparams.n'"},
    {{"crypto", "kdfparams", "r"}, "0", ETH_ERANGE, "scrypt r=0"},
    {{"crypto", "kdfparams", "r"}, "4096", ETH_ERANGE, "hostile keystore"},
    {{"crypto", "kdfparams", "p"}, "64", ETH_ERANGE, "exhaust CPU"},
    {{"crypto", "kdfparams", "p"}, "1000000", ETH_ERANGE, "hostile keystore"},
    {{"crypto", "kdfparams", "r"}, "32", ETH_ERANGE, "exhaust memory"},
};

static void test_corrupt_scrypt_params(void **state)
{
    (void)state;
    char *base = load_data("spec-scrypt.json");
    for (size_t i = 0; i < sizeof SCRYPT_CORRUPTIONS / sizeof SCRYPT_CORRUPTIONS[0]; i++) {
        char *s = corrupt(base, &SCRYPT_CORRUPTIONS[i]);
        expect_error(s, strlen(s), SCRYPT_CORRUPTIONS[i].code, SCRYPT_CORRUPTIONS[i].msg);
        free(s);
    }
    free(base);
}

static void test_corrupt_text(void **state)
{
    (void)state;
    expect_error("", 0, ETH_EINVAL, "not valid JSON");
    expect_error("not json", 8, ETH_EINVAL, "not valid JSON");
    expect_error("[1,2]", 5, ETH_EINVAL, "not an object");
    expect_error("{\"version\":3,\"version\":3}", 25, ETH_EINVAL, "not valid JSON");
    expect_error("{\"crypto\":{},\"Crypto\":{}}", 25, ETH_EINVAL, "both");
    char *base = load_data("spec-pbkdf2.json");
    expect_error(base, strlen(base) / 2, ETH_EINVAL, "not valid JSON");
    /* an embedded NUL is not JSON */
    char buf[] = "{\"version\":3\0}";
    expect_error(buf, sizeof buf - 1, ETH_EINVAL, "not valid JSON");
    free(base);
}

static void test_geth_capital_crypto(void **state)
{
    (void)state;
    char *text = load_data("spec-pbkdf2.json");
    json_t *root = json_loads(text, 0, NULL);
    json_object_set(root, "Crypto", json_object_get(root, "crypto"));
    json_object_del(root, "crypto");
    char *s = json_dumps(root, 0);
    uint8_t want[32];
    spec_key(want);
    expect_decrypts(s, PW, want);
    free(s);
    json_decref(root);
    free(text);
}

static void test_params_check(void **state)
{
    (void)state;
    eth_keystore_params p;
    eth_error e = {0};
    eth_keystore_params_default(&p);
    p.scrypt_n = 1u << 23;
    assert_int_equal(eth_keystore_params_check(&p, &e), -ETH_ERANGE);
    p.scrypt_n = 3;
    assert_int_equal(eth_keystore_params_check(&p, &e), -ETH_EINVAL);
    p.kdf = ETH_KDF_PBKDF2;
    p.pbkdf2_c = 0;
    assert_int_equal(eth_keystore_params_check(&p, &e), -ETH_ERANGE);
    uint8_t raw[32];
    eth_signer *key = NULL;
    char *out = (char *)1;
    spec_key(raw);
    assert_int_equal(eth_signer_from_key(raw, &key, &e), 0);
    assert_int_equal(eth_keystore_encrypt(key, "x", 1, &p, &out, &e), -ETH_ERANGE);
    assert_null(out);
    eth_signer_free(key);
}

static void test_peek_address(void **state)
{
    (void)state;
    uint8_t addr[20];
    eth_error e = {0};
    char *text = load_data("spec-pbkdf2.json");
    assert_int_equal(eth_keystore_peek_address(text, strlen(text), addr, &e), 0);
    assert_true(eth_keystore_peek_address("{}", 2, addr, &e) < 0);
    assert_true(eth_keystore_peek_address("nope", 4, addr, &e) < 0);
    free(text);
}

/* ---- scrypt ---- */

/* Checks scrypt with impl against a vector. */
static void expect_scrypt(eth_scrypt_impl impl, const char *pw, const char *salt, uint64_t n,
                          uint32_t r, uint32_t p, const char *want_hex)
{
    eth_buf want = {0};
    eth_error e = {0};
    assert_int_equal(eth_hex_decode(want_hex, strlen(want_hex), &want, &e), 0);
    uint8_t out[64];
    assert_int_equal(eth_kdf_scrypt(impl, pw, strlen(pw), (const uint8_t *)salt, strlen(salt), n,
                                    r, p, out, want.len, &e),
                     0);
    assert_memory_equal(out, want.data, want.len);
    eth_buf_clear(&want);
}

/* RFC 7914 section 12, through each library (the fourth vector, n = 2^20, is left out: 1 GiB). */
static void test_scrypt_rfc7914(void **state)
{
    (void)state;
    static const eth_scrypt_impl IMPLS[] = {ETH_SCRYPT_AUTO, ETH_SCRYPT_OPENSSL, ETH_SCRYPT_SODIUM};
    for (size_t i = 0; i < sizeof IMPLS / sizeof IMPLS[0]; i++) {
        expect_scrypt(IMPLS[i], "", "", 16, 1, 1,
                      "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
                      "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906");
        expect_scrypt(IMPLS[i], "password", "NaCl", 1024, 8, 16,
                      "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
                      "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
        expect_scrypt(IMPLS[i], "pleaseletmein", "SodiumChloride", 16384, 8, 1,
                      "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
                      "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887");
    }
}

/* libsodium (the fallback) against OpenSSL's EVP_PBE_scrypt where OpenSSL runs; above OpenSSL's
 * bound n < 2^(16 r), AUTO falls back to libsodium. */
static void test_scrypt_vs_openssl(void **state)
{
    (void)state;
    static const struct { uint64_t n; uint32_t r, p; } P[] = {
        {2, 1, 1}, {16, 2, 3}, {256, 4, 2}, {1024, 8, 1}, {4096, 3, 1}, {64, 16, 4}};
    eth_error e = {0};
    const char *pw = "hunter2", *salt = "some salt";
    for (size_t i = 0; i < sizeof P / sizeof P[0]; i++) {
        uint8_t a[48], b[48];
        assert_int_equal(eth_kdf_scrypt(ETH_SCRYPT_SODIUM, pw, 7, (const uint8_t *)salt, 9, P[i].n,
                                        P[i].r, P[i].p, a, sizeof a, &e),
                         0);
        assert_int_equal(EVP_PBE_scrypt(pw, 7, (const unsigned char *)salt, 9, P[i].n, P[i].r,
                                        P[i].p, 1ull << 30, b, sizeof b),
                         1);
        assert_memory_equal(a, b, sizeof a);
    }
    uint8_t a[32], b[32];
    assert_false(eth_scrypt_openssl_accepts(65536, 1));
    assert_true(eth_scrypt_openssl_accepts(32768, 1));
    assert_int_equal(EVP_PBE_scrypt(pw, 7, (const unsigned char *)salt, 9, 65536, 1, 1, 1ull << 30,
                                    b, sizeof b),
                     0);
    assert_int_equal(eth_kdf_scrypt(ETH_SCRYPT_OPENSSL, pw, 7, (const uint8_t *)salt, 9, 65536, 1,
                                    1, a, sizeof a, &e),
                     -ETH_EUNSUP);
    assert_int_equal(eth_kdf_scrypt(ETH_SCRYPT_AUTO, pw, 7, (const uint8_t *)salt, 9, 65536, 1, 1,
                                    a, sizeof a, &e),
                     0);
    assert_int_equal(eth_kdf_scrypt(ETH_SCRYPT_SODIUM, pw, 7, (const uint8_t *)salt, 9, 65536, 1,
                                    1, b, sizeof b, &e),
                     0);
    assert_memory_equal(a, b, sizeof a);
    uint8_t out[32];
    assert_int_equal(eth_kdf_scrypt(ETH_SCRYPT_AUTO, "x", 1, NULL, 0, 3, 1, 1, out, 32, &e),
                     -ETH_EINVAL);
    assert_int_equal(eth_kdf_scrypt(ETH_SCRYPT_AUTO, "x", 1, NULL, 0, 4, 0, 1, out, 32, &e),
                     -ETH_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_pbkdf2),
        cmocka_unit_test(test_spec_scrypt),
        cmocka_unit_test(test_cast_keystore_file),
        cmocka_unit_test(test_validate),
        cmocka_unit_test(test_wrong_password),
        cmocka_unit_test(test_read_file_errors),
        cmocka_unit_test(test_round_trip_scrypt),
        cmocka_unit_test(test_round_trip_pbkdf2),
        cmocka_unit_test(test_default_params),
        cmocka_unit_test(test_write_file),
        cmocka_unit_test(test_uuid),
        cmocka_unit_test(test_address_mismatch),
        cmocka_unit_test(test_corrupt_fields),
        cmocka_unit_test(test_corrupt_scrypt_params),
        cmocka_unit_test(test_corrupt_text),
        cmocka_unit_test(test_geth_capital_crypto),
        cmocka_unit_test(test_params_check),
        cmocka_unit_test(test_peek_address),
        cmocka_unit_test(test_scrypt_rfc7914),
        cmocka_unit_test(test_scrypt_vs_openssl),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
