/* safe_canonical.c: the canonical Safe v1.4.1 addresses, CREATE2, and checking a chain. */
#include "safe_canonical.h"

#include <string.h>

#include "artifacts.h"
#include "eth/address.h"
#include "eth/keccak.h"
#include "eth/rpc_eth.h"

/* 0x914d7Fec6aaC8cd542e72Bca78B30650d45643d7 */
const uint8_t KMS_SAFE_FACTORY[20] = {0x91, 0x4d, 0x7f, 0xec, 0x6a, 0xac, 0x8c,
                                      0xd5, 0x42, 0xe7, 0x2b, 0xca, 0x78, 0xb3,
                                      0x06, 0x50, 0xd4, 0x56, 0x43, 0xd7};

/* 0x4e59b44847b379578588920cA78FbF26c0B4956C */
const uint8_t KMS_CREATE2_PROXY[20] = {0x4e, 0x59, 0xb4, 0x48, 0x47, 0xb3, 0x79,
                                       0x57, 0x85, 0x88, 0x92, 0x0c, 0xa7, 0x8f,
                                       0xbf, 0x26, 0xc0, 0xb4, 0x95, 0x6c};

/* The addresses Safe publishes for v1.4.1 (safe-global/safe-deployments, src/assets/v1.4.1),
 * which CREATE2 of the embedded creation code reproduces (tests/unit/test_devnet.c). */
static const kms_safe_contract SAFE[KMS_SAFE_NCONTRACTS] = {
    {"Safe", "0x41675C099F32341bf84BFc5382aF534df5C7461a", 0},
    {"SafeL2", "0x29fcB43b46531BcA003ddC8FCB67FFE91900C762", 0},
    {"SafeProxyFactory", "0x4e1DCf7AD4e460CfD30791CCC4F9c8a4f820ec67", 0},
    {"CompatibilityFallbackHandler", "0xfd0732Dc9E303f09fCEf3a7388Ad10A83459Ec99", 0},
    {"MultiSendCallOnly", "0x9641d764fc13c8B624c04430C7356C1C7C8102e2", 0},
    /* accessorSingleton = address(this), at runtime offset 368 (immutableReferences "2024") */
    {"SimulateTxAccessor", "0x3d4BA2E0884aa488718476ca2FB8Efc291A46199", 368},
};

const kms_safe_contract *kms_safe_contract_at(size_t i)
{
    return i < KMS_SAFE_NCONTRACTS ? &SAFE[i] : NULL;
}

void kms_safe_contract_address(const kms_safe_contract *c, uint8_t out[20])
{
    eth_error ignored;
    if (eth_address_parse(c->address, out, 1, &ignored) != 0)
        memset(out, 0, 20); /* unreachable: the table is checked by the tests */
}

void kms_create2_address(const uint8_t deployer[20], const uint8_t salt[32],
                         const uint8_t *initcode, size_t n, uint8_t out[20])
{
    uint8_t pre[1 + 20 + 32 + 32], hash[32];
    pre[0] = 0xff;
    memcpy(pre + 1, deployer, 20);
    memcpy(pre + 21, salt, 32);
    eth_keccak256(initcode, n, pre + 53);
    eth_keccak256(pre, sizeof pre, hash);
    memcpy(out, hash + 12, 20);
}

static const kms_artifact *artifact_of(const kms_safe_contract *c, eth_error *err)
{
    const kms_artifact *a = kms_artifact_find(c->name);
    if (!a)
        eth_fail(err, ETH_ESTATE, "%s: no embedded artifact of that name (rebuild kmsctl with "
                                  "contracts/artifacts)", c->name);
    return a;
}

int kms_safe_create2_of(const kms_safe_contract *c, uint8_t out[20], eth_error *err)
{
    const kms_artifact *a = artifact_of(c, err);
    if (!a)
        return -err->code;
    static const uint8_t zero_salt[32];
    kms_create2_address(KMS_SAFE_FACTORY, zero_salt, a->bytecode, a->bytecode_len, out);
    return 0;
}

int kms_safe_expected_runtime(const kms_safe_contract *c, eth_buf *out, eth_error *err)
{
    const kms_artifact *a = artifact_of(c, err);
    if (!a)
        return -err->code;
    size_t at = c->self_immutable_at, start = out->len;
    if (at) {
        static const uint8_t zero[32];
        if (at + 32 > a->runtime_len || memcmp(a->runtime + at, zero, 32) != 0)
            return eth_fail(err, ETH_ESTATE,
                            "%s: the embedded runtime has no zeroed immutable at offset %zu "
                            "(the artifact changed: update safe_canonical.c)", c->name, at);
    }
    int rc = eth_buf_append(out, a->runtime, a->runtime_len, err);
    if (rc == 0 && at) {
        uint8_t self[20];
        kms_safe_contract_address(c, self);
        memcpy(out->data + start + at + 12, self, 20);
    }
    return rc;
}

int kms_safe_canonical_check(eth_rpc *rpc, const char *block, kms_safe_check *out,
                             eth_error *err)
{
    memset(out, 0, sizeof *out);
    eth_buf want = {0}, got = {0};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < KMS_SAFE_NCONTRACTS; i++) {
        uint8_t addr[20], hw[32], hg[32];
        want.len = got.len = 0;
        kms_safe_contract_address(&SAFE[i], addr);
        rc = kms_safe_expected_runtime(&SAFE[i], &want, err);
        if (rc == 0)
            rc = eth_rpc_get_code(rpc, addr, block, &got, err);
        if (rc)
            break;
        eth_keccak256(want.data, want.len, hw);
        eth_keccak256(got.data, got.len, hg);
        out->has_code[i] = got.len > 0;
        out->matches[i] = memcmp(hw, hg, 32) == 0;
        out->nmatch += out->matches[i];
    }
    eth_buf_clear(&want);
    eth_buf_clear(&got);
    return rc;
}
