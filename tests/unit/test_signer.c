/* test_signer.c: the private-key holder: addresses of published keys, hex key parsing, signing
 * and recovery on EIP-155's example, transaction signing, and the memory the key lives in
 * (locked, out of core dumps, and unlocked but still working when RLIMIT_MEMLOCK forbids it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "eth/address.h"
#include "eth/hex.h"
#include "eth/internal/signer_key.h"
#include "eth/signer.h"

/* The Web3 Secret Storage spec vectors' key and its address (published test values). */
static const char SPEC_KEY[] = "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";
static const char SPEC_ADDR[] = "0x008AeEda4D805471dF9b2A5B0f38A0C3bCBA786b";
/* anvil's first dev account (public test key). */
static const char ANVIL_KEY[] = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
static const char ANVIL_ADDR[] = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
/* EIP-155's example: key 0x4646..46 signs this hash into (r, s) with y parity 0 (v = 37). */
static const char EIP155_KEY[] = "4646464646464646464646464646464646464646464646464646464646464646";
static const char EIP155_HASH[] = "0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53";
static const char EIP155_R[] = "0x28ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276";
static const char EIP155_S[] = "0x67cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83";
static const char EIP155_ADDR[] = "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F";

static eth_signer *signer_of(const char *hex)
{
    eth_signer *s = NULL;
    eth_error e = {0};
    int rc = eth_signer_from_hex(hex, strlen(hex), "test key", &s, &e);
    if (rc)
        fail_msg("eth_signer_from_hex: %d %s", rc, e.msg);
    assert_non_null(s);
    return s;
}

static void assert_address(const eth_signer *s, const char *want)
{
    char cs[43];
    eth_address_checksum(eth_signer_address(s), cs);
    assert_string_equal(cs, want);
}

static void unhex(const char *s, uint8_t *out, size_t n)
{
    eth_error e = {0};
    assert_int_equal(eth_hex_decode_fixed(s, out, n, &e), 0);
}

static void test_published_addresses(void **state)
{
    (void)state;
    eth_signer *s = signer_of(SPEC_KEY);
    assert_address(s, SPEC_ADDR);
    eth_signer_free(s);
    s = signer_of(ANVIL_KEY);
    assert_address(s, ANVIL_ADDR);
    eth_signer_free(s);
    /* 0x0..01: the generator's address */
    s = signer_of("0000000000000000000000000000000000000000000000000000000000000001");
    assert_address(s, "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf");
    eth_signer_free(s);
}

static void test_hex_forms(void **state)
{
    (void)state;
    eth_signer *s = signer_of(" \n0X7A28B5BA57C53603B0B07B56BBA752F7784BF506FA95EDC395F5CF6C7514FE9D\r\n");
    assert_address(s, SPEC_ADDR);
    eth_signer_free(s);
}

/* Refuses text that is not a key with -ETH_EINVAL and msg; *out stays NULL; no key digits in
 * the message. */
static void expect_refused(const char *text, const char *msg)
{
    eth_signer *s = (eth_signer *)&s;
    eth_error e = {0};
    assert_int_equal(eth_signer_from_hex(text, strlen(text), "--private-key", &s, &e),
                     -ETH_EINVAL);
    assert_null(s);
    assert_string_equal(e.msg, msg);
}

static void test_hex_refused(void **state)
{
    (void)state;
    expect_refused("", "--private-key: expected a private key of 64 hex digits (optional 0x), got "
                       "0 characters");
    expect_refused("0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9",
                   "--private-key: expected a private key of 64 hex digits (optional 0x), got "
                   "63 characters");
    expect_refused("7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9g",
                   "--private-key: expected a private key of 64 hex digits (optional 0x), got "
                   "64 characters with a non-hex one");
    expect_refused("7a28b5ba 57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d",
                   "--private-key: expected a private key of 64 hex digits (optional 0x), got "
                   "65 characters");
    expect_refused("0000000000000000000000000000000000000000000000000000000000000000",
                   "--private-key: not a valid secp256k1 private key (zero or >= n)");
    /* the group order n itself */
    expect_refused("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
                   "--private-key: not a valid secp256k1 private key (zero or >= n)");
}

static void test_sign_digest_eip155(void **state)
{
    (void)state;
    eth_signer *s = signer_of(EIP155_KEY);
    assert_address(s, EIP155_ADDR);
    uint8_t h[32], r[32], sv[32], addr[20];
    unhex(EIP155_HASH, h, 32);
    unhex(EIP155_R, r, 32);
    unhex(EIP155_S, sv, 32);
    eth_sig sig;
    eth_error e = {0};
    assert_int_equal(eth_signer_sign_digest(s, h, &sig, &e), 0);
    assert_memory_equal(sig.r, r, 32);
    assert_memory_equal(sig.s, sv, 32);
    assert_int_equal(sig.v, 0);
    assert_true(eth_sig_is_low_s(&sig));
    assert_int_equal(eth_recover_address(h, &sig, addr, &e), 0);
    assert_memory_equal(addr, eth_signer_address(s), 20);
    eth_signer_free(s);
}

/* EIP-155's example transaction: nonce 9, 20 gwei, 21000 gas, to 0x3535..35, 1 ether, chain 1. */
static void test_sign_tx_eip155(void **state)
{
    (void)state;
    eth_signer *s = signer_of(EIP155_KEY);
    eth_tx tx;
    eth_error e = {0};
    uint8_t r[32], sv[32];
    eth_tx_init(&tx);
    tx.has_chain_id = 1;
    tx.chain_id = 1;
    tx.nonce = 9;
    tx.gas_price = u256_from_u64(20000000000ull);
    tx.gas = 21000;
    tx.has_to = 1;
    memset(tx.to, 0x35, 20);
    tx.value = u256_from_u64(1000000000000000000ull);
    assert_int_equal(eth_signer_sign_tx(s, &tx, &e), 0);
    assert_int_equal(tx.is_signed, 1);
    unhex(EIP155_R, r, 32);
    unhex(EIP155_S, sv, 32);
    assert_memory_equal(tx.sig.r, r, 32);
    assert_memory_equal(tx.sig.s, sv, 32);
    assert_int_equal(eth_tx_v(&tx), 37);
    uint8_t sender[20];
    assert_int_equal(eth_tx_sender(&tx, sender, &e), 0);
    assert_memory_equal(sender, eth_signer_address(s), 20);
    /* a failure leaves the tx unsigned, not with its old signature */
    tx.type = 3;
    assert_int_equal(eth_signer_sign_tx(s, &tx, &e), -ETH_EUNSUP);
    assert_int_equal(tx.is_signed, 0);
    uint8_t zero[32] = {0};
    assert_memory_equal(tx.sig.r, zero, 32);
    eth_tx_clear(&tx);
    eth_signer_free(s);
}

static void test_generate_round_trip(void **state)
{
    (void)state;
    eth_signer *a = NULL, *b = NULL;
    eth_error e = {0};
    assert_int_equal(eth_signer_generate(&a, &e), 0);
    assert_int_equal(eth_signer_generate(&b, &e), 0);
    assert_memory_not_equal(eth_signer_address(a), eth_signer_address(b), 20);
    assert_memory_not_equal(eth_signer_secret(a), eth_signer_secret(b), 32);
    for (int i = 0; i < 8; i++) {
        uint8_t h[32], addr[20];
        eth_sig sig;
        memset(h, i, 32);
        assert_int_equal(eth_signer_sign_digest(a, h, &sig, &e), 0);
        assert_true(eth_sig_is_low_s(&sig));
        assert_int_equal(eth_recover_address(h, &sig, addr, &e), 0);
        assert_memory_equal(addr, eth_signer_address(a), 20);
    }
    eth_signer_free(a);
    eth_signer_free(b);
}

static void test_from_key(void **state)
{
    (void)state;
    uint8_t k[32];
    eth_signer *s = (eth_signer *)&s;
    eth_error e = {0};
    memset(k, 0, 32);
    assert_int_equal(eth_signer_from_key(k, &s, &e), -ETH_EINVAL);
    assert_null(s);
    unhex(SPEC_KEY, k, 32);
    assert_int_equal(eth_signer_from_key(k, &s, &e), 0);
    assert_memory_equal(eth_signer_secret(s), k, 32);
    assert_address(s, SPEC_ADDR);
    eth_signer_free(s);
}

/* Copies the VmFlags line of the mapping of /proc/self/smaps that holds p into flags (" rd wr
 * ... dd"); false if no mapping holds p. */
static bool vmflags_of(const void *p, char *flags, size_t n)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    if (!f)
        return false;
    char line[512];
    bool inside = false, found = false;
    uintptr_t at = (uintptr_t)p;
    while (!found && fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' '))
            inside = at >= lo && at < hi;
        else if (inside && strncmp(line, "VmFlags:", 8) == 0) {
            snprintf(flags, n, "%s", line + 8);
            found = true;
        }
    }
    fclose(f);
    return found;
}

static void test_key_memory(void **state)
{
    (void)state;
    eth_signer *s = signer_of(SPEC_KEY);
    char flags[512];
    assert_true(vmflags_of(eth_signer_secret(s), flags, sizeof flags));
    assert_non_null(strstr(flags, " dd")); /* MADV_DONTDUMP */
    /* this needs RLIMIT_MEMLOCK of a page or more (Linux's default is 64 KiB or 8 MiB) */
    assert_true(eth_signer_is_locked(s));
    assert_non_null(strstr(flags, " lo")); /* mlock */
    eth_signer_free(s);
    eth_signer_free(NULL);
}

/* In a child without CAP_IPC_LOCK and with RLIMIT_MEMLOCK 0, a signer is unlocked, still kept
 * out of core dumps, and still signs. Returns the child's exit code (0: all held). */
static int unlocked_child(void)
{
    struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct caps[2];
    if (syscall(SYS_capget, &hdr, caps) == 0) {
        caps[0].effective &= ~(1u << CAP_IPC_LOCK);
        if (syscall(SYS_capset, &hdr, caps) != 0)
            return 10;
    }
    struct rlimit none = {0, 0};
    if (setrlimit(RLIMIT_MEMLOCK, &none) != 0)
        return 11;
    eth_signer *s = NULL;
    eth_error e = {0};
    if (eth_signer_from_hex(EIP155_KEY, 64, "key", &s, &e) != 0)
        return 12;
    char flags[512];
    int rc = eth_signer_is_locked(s) ? 13 : 0;
    if (rc == 0 && (!vmflags_of(eth_signer_secret(s), flags, sizeof flags) ||
                    !strstr(flags, " dd") || strstr(flags, " lo")))
        rc = 14;
    uint8_t h[32], r[32];
    eth_sig sig;
    if (rc == 0 && eth_hex_decode_fixed(EIP155_HASH, h, 32, &e) == 0 &&
        eth_hex_decode_fixed(EIP155_R, r, 32, &e) == 0 &&
        (eth_signer_sign_digest(s, h, &sig, &e) != 0 || memcmp(sig.r, r, 32) != 0))
        rc = 15;
    eth_signer_free(s);
    return rc;
}

static void test_unlocked_when_mlock_fails(void **state)
{
    (void)state;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(unlocked_child());
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_published_addresses),
        cmocka_unit_test(test_hex_forms),
        cmocka_unit_test(test_hex_refused),
        cmocka_unit_test(test_sign_digest_eip155),
        cmocka_unit_test(test_sign_tx_eip155),
        cmocka_unit_test(test_generate_round_trip),
        cmocka_unit_test(test_from_key),
        cmocka_unit_test(test_key_memory),
        cmocka_unit_test(test_unlocked_when_mlock_fails),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
