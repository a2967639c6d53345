/* artifacts.h: the contract artifacts (ABI, bytecode, hashes) compiled into kmsctl at build time. */
#ifndef KMS_KMS_ARTIFACTS_H
#define KMS_KMS_ARTIFACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One compiled contract, as built by contracts/scripts/build.mjs. */
typedef struct kms_artifact {
    const char *name;           /* e.g. "DstackKms" */
    const char *source;         /* e.g. "src/DstackKms.sol" or an npm package path */
    const char *compiler;       /* solc version string */
    const char *settings_json;  /* compiler settings, compact JSON */
    const char *abi_json;       /* ABI, compact JSON with sorted keys */
    const uint8_t *bytecode;    /* creation code */
    size_t bytecode_len;
    const uint8_t *runtime;     /* deployed (runtime) code */
    size_t runtime_len;
    const char *bytecode_keccak; /* 0x keccak256 of the creation code */
    const char *runtime_keccak;  /* 0x keccak256 of the runtime code */
    /* Offsets in the runtime code of 32-byte words the constructor fills in (immutables, such
     * as UUPSUpgradeable's own address), ascending; the artifact holds zeros there. NULL if
     * nimmutables is 0. */
    const uint32_t *immutables;
    size_t nimmutables;
    /* The storage layout solc reports ({"storage": [..], "types": {..}}), compact JSON with
     * sorted keys, for kms_layout_parse (layout.h); NULL when the artifact has none. */
    const char *storage_layout_json;
} kms_artifact;

/* Number of embedded artifacts. */
size_t kms_artifact_count(void);

/* The i-th artifact (i < kms_artifact_count()), in build order. */
const kms_artifact *kms_artifact_at(size_t i);

/* The artifact named name (case-sensitive), or NULL. */
const kms_artifact *kms_artifact_find(const char *name);

/* True if code[0..n) is a's runtime code, whatever its immutable words hold. When words is not
 * NULL and it matches, the immutable words found are copied there (a->nimmutables * 32 bytes,
 * in the order of a->immutables). code may be NULL if n is 0. */
bool kms_artifact_runtime_match(const kms_artifact *a, const uint8_t *code, size_t n,
                                uint8_t *words);

/* The embedded artifact whose runtime code code[0..n) is (kms_artifact_runtime_match), or NULL. */
const kms_artifact *kms_artifact_by_runtime(const uint8_t *code, size_t n);

#endif
