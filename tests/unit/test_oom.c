/* test_oom.c: out of memory at every allocation. Each scenario runs once per allocation it
 * makes, with that allocation failing: it must fail with -ETH_ENOMEM (and err->code ETH_ENOMEM),
 * never crash, and leak nothing (the ASan build's LeakSanitizer checks at exit). The binary is
 * linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc (CMakeLists.txt), so only the
 * allocations of kmsctl's own code fail, not those inside jansson, OpenSSL or cmocka. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "eth/abi_decode.h"
#include "eth/abi_encode.h"
#include "eth/abi_json.h"
#include "eth/abi_sig.h"
#include "eth/abi_value.h"
#include "eth/file.h"
#include "eth/keystore.h"
#include "eth/rlp.h"
#include "eth/tx.h"
#include "kms/artifacts.h"

/* The allocation (counted from 0) that fails, or -1 for none; and how many were made. */
static long fail_at = -1;
static long made;

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);

static int should_fail(void)
{
    return fail_at >= 0 && made++ == fail_at;
}

void *__wrap_malloc(size_t n)
{
    return should_fail() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t k, size_t n)
{
    return should_fail() ? NULL : __real_calloc(k, n);
}

void *__wrap_realloc(void *p, size_t n)
{
    return should_fail() ? NULL : __real_realloc(p, n);
}

typedef int (*scenario)(eth_error *err);

/* Runs s with allocation 0, 1, 2, ... failing until a run makes no more allocations than the
 * one that would fail; that last run must succeed. Returns the number of allocations. */
static long run_all(const char *name, scenario s)
{
    for (long k = 0;; k++) {
        eth_error e = {0};
        fail_at = k;
        made = 0;
        int rc = s(&e);
        long n = made;
        fail_at = -1;
        if (n <= k) { /* nothing failed: the scenario must have worked */
            if (rc != 0)
                fail_msg("%s: fails without an injected failure: %d %s", name, rc, e.msg);
            return n;
        }
        if (rc != -ETH_ENOMEM || e.code != ETH_ENOMEM)
            fail_msg("%s: allocation %ld of %ld failed: rc %d, code %d, \"%s\"", name, k, n, rc,
                     e.code, e.msg);
    }
}

static const char *SIG = "f((uint256,bytes,string[])[],address[2],bytes32,int8)";
static char *ARGS[] = {
    "[(1,0x1234,[a,bcd]),(2ether,0x,[])]",
    "[0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed,0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359]",
    "0x0101010101010101010101010101010101010101010101010101010101010101", "-5"};

/* Parses SIG, encodes ARGS, decodes the result again and re-encodes the decoded value. */
static int abi_round_trip(eth_error *err)
{
    eth_abi_sig sig;
    int rc = eth_abi_sig_parse(SIG, 0, &sig, err);
    if (rc)
        return rc;
    eth_buf enc = {0}, again = {0};
    eth_abi_value v = {0};
    rc = eth_abi_encode_args(sig.inputs, ARGS, 4, &enc, err);
    if (rc == 0)
        rc = eth_abi_decode(sig.inputs, enc.data, enc.len, &v, err);
    if (rc == 0)
        rc = eth_abi_encode_value(&v, &again, err);
    if (rc == 0 && (again.len != enc.len || memcmp(again.data, enc.data, enc.len) != 0))
        fail_msg("re-encoding differs");
    eth_abi_value_clear(&v);
    eth_buf_clear(&enc);
    eth_buf_clear(&again);
    eth_abi_sig_clear(&sig);
    return rc;
}

/* Encrypts a keystore with PBKDF2 (few rounds) and decrypts it again. */
static int keystore_round_trip(eth_error *err)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/keystore/spec-pbkdf2.json", getenv("KMSCTL_TEST_DATA"));
    eth_signer *s = NULL, *back = NULL;
    int rc = eth_keystore_read_file(path, "testpassword", 12, &s, err);
    if (rc)
        return rc;
    eth_keystore_params p;
    eth_keystore_params_default(&p);
    p.kdf = ETH_KDF_PBKDF2;
    p.pbkdf2_c = 2;
    char *json = NULL;
    rc = eth_keystore_encrypt(s, "pw", 2, &p, &json, err);
    if (rc == 0)
        rc = eth_keystore_decrypt(json, strlen(json), "pw", 2, &back, err);
    if (rc == 0 && memcmp(eth_signer_address(s), eth_signer_address(back), 20) != 0)
        fail_msg("decrypted key differs");
    free(json);
    eth_signer_free(back);
    eth_signer_free(s);
    return rc;
}

/* Encodes a signed EIP-1559 transaction with an access list (RLP) and decodes it again. */
static int tx_round_trip(eth_error *err)
{
    eth_tx tx, back;
    eth_tx_init(&tx);
    eth_tx_init(&back);
    tx.type = ETH_TX_DYNAMIC_FEE;
    tx.chain_id = 1;
    tx.nonce = 7;
    tx.max_fee = u256_from_u64(30000000000u);
    tx.gas = 21000;
    tx.has_to = 1;
    memset(tx.to, 0x11, 20);
    tx.is_signed = 1;
    memset(tx.sig.r, 0x22, 32);
    memset(tx.sig.s, 0x33, 32);
    static const uint8_t keys[2][32] = {{0x55}, {0x66}};
    uint8_t addr[20] = {0x44};
    eth_buf raw = {0};
    int rc = eth_buf_append(&tx.data, "\xde\xad\xbe\xef", 4, err);
    if (rc == 0)
        rc = eth_tx_access_add(&tx, addr, keys, 2, err);
    if (rc == 0)
        rc = eth_tx_encode_signed(&tx, &raw, err);
    if (rc == 0)
        rc = eth_tx_decode(raw.data, raw.len, &back, err);
    if (rc == 0 && (back.access_len != 1 || back.access_list[0].nkeys != 2 || back.nonce != 7))
        fail_msg("decoded transaction differs");
    eth_buf_clear(&raw);
    eth_tx_clear(&tx);
    eth_tx_clear(&back);
    return rc;
}

/* Loads DstackKms's embedded ABI. */
static int abi_json_load(eth_error *err)
{
    const kms_artifact *a = kms_artifact_find("DstackKms");
    eth_abi abi;
    int rc = eth_abi_json_load(a->abi_json, strlen(a->abi_json), &abi, err);
    if (rc == 0 && abi.n < 40)
        fail_msg("DstackKms ABI has %zu entries", abi.n);
    eth_abi_clear(&abi);
    return rc;
}

static void test_abi(void **state)
{
    (void)state;
    assert_true(run_all("abi round trip", abi_round_trip) > 10);
}

static void test_keystore(void **state)
{
    (void)state;
    assert_true(run_all("keystore round trip", keystore_round_trip) > 3);
}

static void test_tx(void **state)
{
    (void)state;
    assert_true(run_all("tx round trip", tx_round_trip) > 3);
}

static void test_abi_json(void **state)
{
    (void)state;
    assert_true(run_all("abi json", abi_json_load) > 50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_abi),
        cmocka_unit_test(test_keystore),
        cmocka_unit_test(test_tx),
        cmocka_unit_test(test_abi_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
