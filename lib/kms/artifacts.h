/* artifacts.h: the contract artifacts (ABI, bytecode, hashes) compiled into kmsctl at build time. */
#ifndef KMS_KMS_ARTIFACTS_H
#define KMS_KMS_ARTIFACTS_H

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
} kms_artifact;

/* Number of embedded artifacts. */
size_t kms_artifact_count(void);

/* The i-th artifact (i < kms_artifact_count()), in build order. */
const kms_artifact *kms_artifact_at(size_t i);

/* The artifact named name (case-sensitive), or NULL. */
const kms_artifact *kms_artifact_find(const char *name);

#endif
