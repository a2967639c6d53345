/* artifacts.c: lookup over the generated artifact table (see tools/embed_artifacts.c). */
#include "artifacts.h"

#include <string.h>

extern const kms_artifact kms_artifact_table[];
extern const size_t kms_artifact_table_len;

size_t kms_artifact_count(void)
{
    return kms_artifact_table_len;
}

const kms_artifact *kms_artifact_at(size_t i)
{
    return i < kms_artifact_table_len ? &kms_artifact_table[i] : NULL;
}

const kms_artifact *kms_artifact_find(const char *name)
{
    for (size_t i = 0; i < kms_artifact_table_len; i++)
        if (strcmp(kms_artifact_table[i].name, name) == 0)
            return &kms_artifact_table[i];
    return NULL;
}

bool kms_artifact_runtime_match(const kms_artifact *a, const uint8_t *code, size_t n,
                                uint8_t *words)
{
    if (n != a->runtime_len)
        return false;
    size_t at = 0;
    for (size_t i = 0; i < a->nimmutables; i++) { /* compare the stretches between immutables */
        size_t start = a->immutables[i];
        if (start < at || start + 32 > n || memcmp(code + at, a->runtime + at, start - at) != 0)
            return false;
        at = start + 32;
    }
    if (memcmp(code + at, a->runtime + at, n - at) != 0)
        return false;
    for (size_t i = 0; words && i < a->nimmutables; i++)
        memcpy(words + 32 * i, code + a->immutables[i], 32);
    return true;
}

const kms_artifact *kms_artifact_by_runtime(const uint8_t *code, size_t n)
{
    for (size_t i = 0; i < kms_artifact_table_len; i++)
        if (kms_artifact_table[i].runtime_len > 0 &&
            kms_artifact_runtime_match(&kms_artifact_table[i], code, n, NULL))
            return &kms_artifact_table[i];
    return NULL;
}
