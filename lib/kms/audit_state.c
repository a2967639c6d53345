/* audit_state.c: the live policy of a DstackKms and its apps at one block. */
#include "audit_state.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "call.h"
#include "erc1967.h"
#include "event_sets.h"
#include "eth/abi_selector.h"
#include "eth/address.h"
#include "eth/hex.h"
#include "eth/json.h"
#include "eth/text.h"

/* Most addresses in one eth_getLogs filter for the apps' events. */
#define APPS_PER_FILTER 256

enum { S_OS, S_MR, S_DEV, S_APPS, NKMS_SETS };
static const kms_event_set KMS_SETS[NKMS_SETS] = {
    {"OsImageHashAdded(bytes32)", "OsImageHashRemoved(bytes32)", "allowedOsImages(bytes32)(bool)"},
    {"KmsAggregatedMrAdded(bytes32)", "KmsAggregatedMrRemoved(bytes32)",
     "kmsAllowedAggregatedMrs(bytes32)(bool)"},
    {"KmsDeviceAdded(bytes32)", "KmsDeviceRemoved(bytes32)", "kmsAllowedDeviceIds(bytes32)(bool)"},
    {"AppRegistered(address)", NULL, "registeredApps(address)(bool)"},
};
enum { S_HASH, S_APPDEV, NAPP_SETS };
static const kms_event_set APP_SETS[NAPP_SETS] = {
    {"ComposeHashAdded(bytes32)", "ComposeHashRemoved(bytes32)",
     "allowedComposeHashes(bytes32)(bool)"},
    {"DeviceAdded(bytes32)", "DeviceRemoved(bytes32)", "allowedDeviceIds(bytes32)(bool)"},
};

static void set_clear(kms_audit_set *s)
{
    free(s->members.items);
    free(s->denied.items);
    memset(s, 0, sizeof *s);
}

static void app_clear(kms_audit_app *a)
{
    kms_control_clear(&a->control);
    set_clear(&a->compose_hashes);
    set_clear(&a->devices);
}

void kms_audit_state_clear(kms_audit_state *s)
{
    if (!s)
        return;
    kms_control_clear(&s->control);
    eth_buf *bufs[] = {&s->k256_pubkey, &s->ca_pubkey, &s->quote, &s->eventlog, &s->gateway_app_id};
    for (size_t i = 0; i < 5; i++)
        eth_buf_clear(bufs[i]);
    kms_audit_set *sets[] = {&s->os_images, &s->mrs, &s->devices, &s->apps};
    for (size_t i = 0; i < NKMS_SETS; i++)
        set_clear(sets[i]);
    for (size_t i = 0; i < s->napps; i++)
        app_clear(&s->app[i]);
    free(s->app);
    memset(s, 0, sizeof *s);
}

/* ---- the sets ---- */

/* The topics of sets[0..n) (added, removed) into topics (room for 2n); *nt of them. */
static int set_topics(const kms_event_set *sets, size_t n, uint8_t (*topics)[32], size_t *nt,
                      eth_error *err)
{
    *nt = 0;
    for (size_t i = 0; i < n; i++) {
        const char *sigs[] = {sets[i].added, sets[i].removed};
        for (size_t k = 0; k < 2 && sigs[k]; k++) {
            int rc = eth_abi_event_topic(sigs[k], topics[(*nt)++], err);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* Fetches the events of sets[0..n) from addrs[0..naddr) over [from, block]. */
static int fetch_sets(const kms_audit_net *net, const uint8_t (*addrs)[20], size_t naddr,
                      const kms_event_set *sets, size_t n, uint64_t from, uint64_t block,
                      eth_log_list *logs, eth_error *err)
{
    uint8_t topics[2 * NKMS_SETS][32];
    eth_log_filter f = {.addresses = addrs, .naddr = naddr, .from_block = from, .to_block = block};
    f.topics[0] = (const uint8_t(*)[32])topics;
    int rc = set_topics(sets, n, topics, &f.ntopic[0], err);
    return rc ? rc : kms_audit_logs(net, &f, 0, logs, err);
}

/* Replays one set of the contract at from logs and checks it with its getter at tag. */
static int read_set(const kms_audit_net *net, const uint8_t at[20], const kms_event_set *set,
                    const eth_log_list *logs, const char *tag, kms_audit_set *out, eth_error *err)
{
    int rc = kms_event_set_apply(at, set, logs->items, logs->n, &out->members, err);
    return rc ? rc : kms_event_set_check(net->rpc, at, set, tag, &out->members, &out->denied, err);
}

/* ---- single values ---- */

enum { V_ADDR, V_BOOL, V_U64 };
typedef struct view_spec {
    const char *sig;
    int type;
    void *out;
} view_spec;

/* Reads each view of specs[0..n) from to at tag. */
static int read_views(eth_rpc *rpc, const uint8_t to[20], const char *tag, const view_spec *specs,
                      size_t n, eth_error *err)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        kms_result r;
        rc = kms_view(rpc, to, NULL, tag, specs[i].sig, NULL, 0, &r, err);
        if (rc == 0 && specs[i].type == V_ADDR)
            rc = kms_result_address(&r, 0, specs[i].out, err);
        else if (rc == 0 && specs[i].type == V_BOOL)
            rc = kms_result_bool(&r, 0, specs[i].out, err);
        else if (rc == 0)
            rc = kms_result_u64(&r, 0, specs[i].out, err);
        kms_result_clear(&r);
    }
    return rc;
}

static int read_kms_info(eth_rpc *rpc, kms_audit_state *s, const char *tag, eth_error *err)
{
    kms_result r;
    eth_buf *bufs[] = {&s->k256_pubkey, &s->ca_pubkey, &s->quote, &s->eventlog};
    int rc = kms_view(rpc, s->kms, NULL, tag, "kmsInfo()(bytes,bytes,bytes,bytes)", NULL, 0, &r,
                      err);
    for (size_t i = 0; rc == 0 && i < 4; i++) {
        const uint8_t *p = NULL;
        size_t n = 0;
        rc = kms_result_bytes(&r, i, &p, &n, err);
        if (rc == 0)
            rc = eth_buf_append(bufs[i], p, n, err);
    }
    kms_result_clear(&r);
    const uint8_t *id = NULL;
    size_t n = 0;
    if (rc == 0)
        rc = kms_view(rpc, s->kms, NULL, tag, "gatewayAppId()(string)", NULL, 0, &r, err);
    if (rc == 0)
        rc = kms_result_bytes(&r, 0, &id, &n, err);
    if (rc == 0 && n > KMS_AUDIT_MAX_GATEWAY_ID)
        rc = eth_fail(err, ETH_ERANGE, "gatewayAppId is %zu bytes long (at most %d read)", n,
                      KMS_AUDIT_MAX_GATEWAY_ID);
    if (rc == 0)
        rc = eth_buf_append(&s->gateway_app_id, id, n, err);
    kms_result_clear(&r);
    return rc;
}

static int read_kms_values(eth_rpc *rpc, kms_audit_state *s, const char *tag, eth_error *err)
{
    const view_spec specs[] = {{"owner()(address)", V_ADDR, s->owner},
                               {"pendingOwner()(address)", V_ADDR, s->pending_owner},
                               {"appImplementation()(address)", V_ADDR, s->app_implementation}};
    int rc = read_views(rpc, s->kms, tag, specs, 3, err);
    if (rc == -ETH_ESTATE || rc == -ETH_EREVERT) {
        char a[43];
        eth_address_checksum(s->kms, a);
        eth_error_prefix(err, "no DstackKms answers at %s in block %" PRIu64 ": ", a, s->block);
        err->code = ETH_ESTATE;
        return -ETH_ESTATE;
    }
    if (rc == 0)
        rc = kms_erc1967_implementation(rpc, s->kms, tag, s->implementation, err);
    if (rc == 0)
        rc = read_kms_info(rpc, s, tag, err);
    return rc ? rc : kms_control_read(rpc, s->owner, s->block, s->from_block, &s->control, err);
}

/* ---- apps ---- */

static int read_app_values(eth_rpc *rpc, const kms_audit_state *s, const char *tag,
                           kms_audit_app *a, eth_error *err)
{
    const view_spec specs[] = {{"owner()(address)", V_ADDR, a->owner},
                               {"pendingOwner()(address)", V_ADDR, a->pending_owner},
                               {"allowAnyDevice()(bool)", V_BOOL, &a->allow_any_device},
                               {"requireTcbUpToDate()(bool)", V_BOOL, &a->require_tcb}};
    uint8_t slot1[32] = {0}, word[32];
    slot1[31] = 1; /* _upgradesDisabled: the lowest byte of slot 1 */
    int rc = read_views(rpc, a->addr, tag, specs, 4, err);
    if (rc == 0)
        rc = kms_erc1967_implementation(rpc, a->addr, tag, a->implementation, err);
    if (rc == 0)
        rc = eth_rpc_get_storage(rpc, a->addr, slot1, tag, word, err);
    a->upgrades_disabled = rc == 0 && word[31] != 0;
    return rc ? rc : kms_control_read(rpc, a->owner, s->block, s->from_block, &a->control, err);
}

/* Whether the app answers version() as a DstackApp; *a->version when it does. */
static int probe_app(eth_rpc *rpc, const char *tag, kms_audit_app *a, eth_error *err)
{
    const view_spec v = {"version()(uint256)", V_U64, &a->version};
    eth_error e;
    int rc = read_views(rpc, a->addr, tag, &v, 1, &e);
    a->is_app = rc == 0;
    if (rc == -ETH_ERPC || rc == -ETH_ETIMEOUT)
        *err = e;
    return rc == -ETH_ERPC || rc == -ETH_ETIMEOUT ? rc : 0;
}

/* Fetches the sets' events of the DstackApps among s->app, APPS_PER_FILTER at a time, and
 * reads their sets. */
static int read_app_sets(const kms_audit_net *net, kms_audit_state *s, const char *tag,
                         eth_error *err)
{
    int rc = 0;
    for (size_t at = 0; rc == 0 && at < s->napps; at += APPS_PER_FILTER) {
        size_t n = s->napps - at < APPS_PER_FILTER ? s->napps - at : APPS_PER_FILTER;
        uint8_t(*addrs)[20] = malloc(n * 20);
        eth_log_list logs = {0};
        rc = addrs ? 0 : eth_fail(err, ETH_ENOMEM, "out of memory");
        for (size_t i = 0; rc == 0 && i < n; i++)
            memcpy(addrs[i], s->app[at + i].addr, 20);
        if (rc == 0)
            rc = fetch_sets(net, (const uint8_t(*)[20])addrs, n, APP_SETS, NAPP_SETS, s->from_block,
                            s->block, &logs, err);
        for (size_t i = at; rc == 0 && i < at + n; i++) {
            kms_audit_app *a = &s->app[i];
            if (!a->is_app)
                continue;
            rc = read_set(net, a->addr, &APP_SETS[S_HASH], &logs, tag, &a->compose_hashes, err);
            if (rc == 0)
                rc = read_set(net, a->addr, &APP_SETS[S_APPDEV], &logs, tag, &a->devices, err);
        }
        eth_log_list_clear(&logs);
        free(addrs);
    }
    return rc;
}

static int read_apps(const kms_audit_net *net, kms_audit_state *s, const char *tag, eth_error *err)
{
    size_t n = s->apps.members.n;
    if (n > KMS_AUDIT_MAX_APPS)
        return eth_fail(err, ETH_ERANGE, "%zu registered apps (at most %d read)", n,
                        KMS_AUDIT_MAX_APPS);
    s->app = calloc(n ? n : 1, sizeof *s->app);
    if (!s->app)
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    int rc = 0;
    for (; rc == 0 && s->napps < n; s->napps++) {
        kms_audit_app *a = &s->app[s->napps];
        memcpy(a->addr, s->apps.members.items[s->napps] + 12, 20);
        rc = probe_app(net->rpc, tag, a, err);
        if (rc == 0 && a->is_app)
            rc = read_app_values(net->rpc, s, tag, a, err);
    }
    return rc ? rc : read_app_sets(net, s, tag, err);
}

static int read_all(const kms_audit_net *net, kms_audit_state *s, eth_error *err)
{
    char tag[ETH_BLOCK_TAG_MAX];
    eth_block_tag(s->block, tag);
    eth_block b;
    bool found = false;
    int rc = eth_rpc_get_block(net->rpc, tag, &b, &found, err);
    if (rc == 0 && !found)
        rc = eth_fail(err, ETH_EINVAL, "block %" PRIu64 " is not on the chain yet", s->block);
    s->timestamp = b.timestamp;
    if (rc == 0)
        rc = read_kms_values(net->rpc, s, tag, err);
    eth_log_list logs = {0};
    if (rc == 0)
        rc = fetch_sets(net, (const uint8_t(*)[20])s->kms, 1, KMS_SETS, NKMS_SETS, s->from_block,
                        s->block, &logs, err);
    kms_audit_set *sets[] = {&s->os_images, &s->mrs, &s->devices, &s->apps};
    for (size_t i = 0; rc == 0 && i < NKMS_SETS; i++)
        rc = read_set(net, s->kms, &KMS_SETS[i], &logs, tag, sets[i], err);
    eth_log_list_clear(&logs);
    return rc ? rc : read_apps(net, s, tag, err);
}

int kms_audit_state_read(const kms_audit_net *net, const uint8_t kms[20], uint64_t block,
                         uint64_t from_block, kms_audit_state *out, eth_error *err)
{
    memset(out, 0, sizeof *out);
    memcpy(out->kms, kms, 20);
    out->block = block;
    out->from_block = from_block > block ? block : from_block;
    int rc = read_all(net, out, err);
    if (rc)
        kms_audit_state_clear(out);
    return rc;
}

size_t kms_audit_state_mismatches(const kms_audit_state *s)
{
    size_t n = s->os_images.denied.n + s->mrs.denied.n + s->devices.denied.n + s->apps.denied.n;
    for (size_t i = 0; i < s->napps; i++)
        n += s->app[i].compose_hashes.denied.n + s->app[i].devices.denied.n;
    return n;
}
