/* known.c: the contracts a governance transaction is expected to call. */
#include "known.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "kms/manifest.h"

#define DEFAULT_MANIFEST "kmsctl-deployment.json"

void cli_known_add(cli_known *k, const uint8_t addr[20], const char *name, const char *artifact)
{
    static const uint8_t zero[20];
    if (k->n == CLI_KNOWN_MAX || memcmp(addr, zero, 20) == 0)
        return;
    for (size_t i = 0; i < k->n; i++)
        if (memcmp(k->k[i].addr, addr, 20) == 0)
            return;
    k->k[k->n] = (kms_known){.name = name, .artifact = artifact};
    memcpy(k->k[k->n++].addr, addr, 20);
}

void cli_known_from_manifest(cli_known *k, const char *path, uint64_t chain_id)
{
    kms_manifest m;
    eth_error err = {0};
    FILE *f = path ? NULL : fopen(DEFAULT_MANIFEST, "r");
    if (f)
        fclose(f);
    if (!path && !f)
        return;
    if (kms_manifest_load(path ? path : DEFAULT_MANIFEST, &m, &err) != 0) {
        if (path)
            cli_warn("%s", err.msg);
        return;
    }
    if (m.chain_id == chain_id) {
        cli_known_add(k, m.kms, "DstackKms", "DstackKms");
        cli_known_add(k, m.timelock, "the timelock", "TimelockController");
        cli_known_add(k, m.safe, "the Safe", "SafeL2");
        cli_known_add(k, m.kms_impl, "the DstackKms implementation", "DstackKms");
        cli_known_add(k, m.app_impl, "the DstackApp implementation", "DstackApp");
    }
    kms_manifest_clear(&m);
}
