/* safe_canonical.h: Safe v1.4.1 at its canonical addresses, on any chain.
 *
 * Safe's canonical deployments come from the Safe singleton factory (a CREATE2 deployer at
 * KMS_SAFE_FACTORY, salt zero): each contract's address is CREATE2 of the factory, the zero
 * salt and the creation code in the npm @safe-global/safe-contracts 1.4.1 artifacts, which
 * kmsctl embeds (artifacts.h). So the address and the code a chain must hold there are known
 * offline, and kms_safe_canonical_check tells which of the six a chain really has. */
#ifndef KMS_SAFE_CANONICAL_H
#define KMS_SAFE_CANONICAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "eth/buf.h"
#include "eth/error.h"
#include "eth/rpc.h"

/* The six Safe v1.4.1 contracts kmsctl uses, in deployment order. */
#define KMS_SAFE_NCONTRACTS 6

/* The Safe singleton factory (safe-global/safe-singleton-factory), deployed on most chains. */
extern const uint8_t KMS_SAFE_FACTORY[20];

/* The deterministic deployment proxy (Arachnid's), which anvil holds from genesis; its runtime
 * code is the same as the Safe singleton factory's. */
extern const uint8_t KMS_CREATE2_PROXY[20];

/* One canonical contract (plain data, static). */
typedef struct kms_safe_contract {
    const char *name;    /* the artifact name: "Safe", "SafeL2", "SafeProxyFactory", ... */
    const char *address; /* the canonical address, EIP-55 */
    /* The runtime offset of an immutable set to address(this) by the constructor, or 0 for
     * none (SimulateTxAccessor's accessorSingleton; the artifact's immutableReferences). */
    uint32_t self_immutable_at;
} kms_safe_contract;

/* The i-th canonical contract (i < KMS_SAFE_NCONTRACTS), or NULL past the end. Static. */
const kms_safe_contract *kms_safe_contract_at(size_t i);

/* Parses c->address into out[20] (cannot fail for the static table). */
void kms_safe_contract_address(const kms_safe_contract *c, uint8_t out[20]);

/* CREATE2's address: keccak256(0xff ++ deployer ++ salt ++ keccak256(initcode))[12:].
 * initcode may be NULL if n is 0. */
void kms_create2_address(const uint8_t deployer[20], const uint8_t salt[32],
                         const uint8_t *initcode, size_t n, uint8_t out[20]);

/* Where contract c lands when its embedded creation code is sent through KMS_SAFE_FACTORY with
 * the zero salt (its canonical address, if the artifact is the published one).
 * Returns 0, or -ETH_ESTATE if kmsctl was built without c's artifact. */
int kms_safe_create2_of(const kms_safe_contract *c, uint8_t out[20], eth_error *err)
    ETH_WARN_UNUSED;

/* Appends to out the runtime code contract c has at its canonical address: the embedded
 * runtime with the address immutable (if any) filled in. Returns 0, -ETH_ESTATE (no artifact,
 * or its immutable slot is not zero as an artifact's is), or an eth_buf error. */
int kms_safe_expected_runtime(const kms_safe_contract *c, eth_buf *out, eth_error *err)
    ETH_WARN_UNUSED;

/* What a chain holds at the six canonical addresses (plain data). */
typedef struct kms_safe_check {
    bool has_code[KMS_SAFE_NCONTRACTS]; /* some code is there */
    bool matches[KMS_SAFE_NCONTRACTS];  /* exactly the expected runtime code is there */
    size_t nmatch;                      /* how many match */
} kms_safe_check;

/* Reads the code at each canonical address at block (a tag, not NULL) over rpc and compares
 * it (keccak-256) with kms_safe_expected_runtime. A missing or different contract is not an
 * error: it shows in *out. Returns 0, or a negative code as eth_rpc_get_code or
 * kms_safe_expected_runtime. */
int kms_safe_canonical_check(eth_rpc *rpc, const char *block, kms_safe_check *out,
                             eth_error *err) ETH_WARN_UNUSED;

#endif
