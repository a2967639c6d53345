/* upgrade.c: UUPS, the same contract, and an append-only storage layout. */
#include "upgrade.h"

#include <string.h>

#include "call.h"
#include "erc1967.h"
#include "eth/address.h"
#include "eth/rpc_eth.h"

/* The artifact impl's runtime code matches (NULL: none, or no code: *empty). */
static int match(eth_rpc *rpc, const uint8_t impl[20], const kms_artifact **a, bool *empty,
                 eth_error *err)
{
    eth_buf code = {0};
    int rc = eth_rpc_get_code(rpc, impl, "latest", &code, err);
    *a = rc == 0 ? kms_artifact_by_runtime(code.data, code.len) : NULL;
    *empty = code.len == 0;
    eth_buf_clear(&code);
    return rc;
}

static int check_uups(eth_rpc *rpc, const uint8_t impl[20], const char *at, eth_error *err)
{
    bool uups = false;
    int rc = kms_is_uups(rpc, impl, &uups, err);
    if (rc || uups)
        return rc;
    return eth_fail(err, ETH_ESTATE, "%s is not a UUPS implementation (proxiableUUID() is not "
                                     "the ERC-1967 slot): after this upgrade the proxy could "
                                     "never be upgraded again; refusing", at);
}

/* The new code is of the proxy's kind, not the other contract or another embedded one. */
static int check_kind(const kms_artifact *next, const char *kind, const char *at, eth_error *err)
{
    if (!next || strcmp(next->name, kind) == 0)
        return 0;
    return eth_fail(err, ETH_ESTATE, "%s is a %s implementation, not a %s: it cannot run behind "
                                     "this proxy (its storage means other things); refusing",
                    at, next->name, kind);
}

static int compare_layouts(const kms_artifact *old_a, const kms_artifact *next_a,
                           const kms_layout *next_layout, kms_upgrade_report *out,
                           eth_error *err)
{
    kms_layout old = {0}, next = {0};
    int rc = kms_layout_from_artifact(old_a, &old, err);
    if (rc == 0 && next_a)
        rc = kms_layout_from_artifact(next_a, &next, err);
    if (rc == 0)
        rc = kms_layout_compare(&old, next_a ? &next : next_layout, &out->diff, err);
    kms_layout_clear(&old);
    kms_layout_clear(&next);
    out->layout_checked = rc == 0;
    if (rc == 0 && !out->diff.compatible)
        rc = eth_fail(err, ETH_ESTATE, "the new implementation's storage layout is not an "
                                       "append-only extension of the current one (%zu "
                                       "problem(s)): refusing", out->diff.problems);
    return rc;
}

int kms_upgrade_check(eth_rpc *rpc, const uint8_t proxy[20], const char *kind,
                      const uint8_t impl[20], const kms_layout *next_layout, bool skip_layout,
                      kms_upgrade_report *out, eth_error *err)
{
    memset(out, 0, sizeof *out);
    char at[43];
    eth_address_checksum(impl, at);
    bool empty = false, cur_empty = false;
    const kms_artifact *own = kms_artifact_find(kind);
    int rc = own ? kms_erc1967_implementation(rpc, proxy, "latest", out->current, err)
                 : eth_fail(err, ETH_ESTATE, "kmsctl was built without %s", kind);
    if (rc == 0)
        rc = match(rpc, out->current, &out->current_a, &cur_empty, err);
    if (rc == 0)
        rc = match(rpc, impl, &out->next_a, &empty, err);
    if (rc == 0 && empty)
        rc = eth_fail(err, ETH_ESTATE, "%s has no code: deploy the implementation first", at);
    if (rc == 0)
        rc = check_kind(out->next_a, kind, at, err);
    if (rc == 0)
        rc = check_uups(rpc, impl, at, err);
    if (rc || skip_layout)
        return rc;
    if (!out->next_a && !next_layout)
        return eth_fail(err, ETH_ESTATE, "%s's code matches no contract built into kmsctl: give "
                                         "its storage layout (--layout FILE, from forge inspect "
                                         "or solc) or --unsafe-skip-layout-check", at);
    return compare_layouts(out->current_a ? out->current_a : own, out->next_a, next_layout, out,
                           err);
}

void kms_upgrade_report_clear(kms_upgrade_report *r)
{
    if (!r)
        return;
    kms_layout_diff_clear(&r->diff);
    memset(r, 0, sizeof *r);
}
