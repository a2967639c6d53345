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
