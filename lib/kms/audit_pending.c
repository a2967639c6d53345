/* audit_pending.c: timelock operations and Safe proposal files not yet executed. */
#include "audit_pending.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_history.h"
#include "call.h"
#include "eth/json.h"
#include "eth/rpc_eth.h"
#include "eth/text.h"
#include "revert.h"
#include "safe.h"
#include "timelock.h"

static const uint8_t ZERO[20];

void kms_audit_targets_clear(kms_audit_targets *t)
{
    if (!t)
        return;
    free(t->contracts);
    free(t->timelocks);
    memset(t, 0, sizeof *t);
}

/* True if addr is one of t's contracts or timelocks. */
static bool has(const kms_audit_targets *t, const uint8_t addr[20])
{
    for (size_t i = 0; i < t->ncontracts; i++)
        if (memcmp(t->contracts[i], addr, 20) == 0)
            return true;
    for (size_t i = 0; i < t->ntimelocks; i++)
        if (memcmp(t->timelocks[i], addr, 20) == 0)
            return true;
    return false;
}

/* Adds addr to t's timelocks when it is one and is not there yet. A node that cannot be asked
 * (no answer in time, a transport failure, a reply that is no JSON-RPC answer) is an error; its
 * JSON-RPC error (a revert) means addr is no timelock. */
static int add_if_timelock(eth_rpc *rpc, const char *tag, const uint8_t addr[20],
                           kms_audit_targets *t, eth_error *err)
{
    uint64_t delay;
    eth_error probe;
    if (memcmp(addr, ZERO, 20) == 0 || has(t, addr))
        return 0;
    int rc = kms_timelock_min_delay(rpc, addr, tag, &delay, &probe);
    if (rc == -ETH_ETIMEOUT || (rc == -ETH_ERPC && eth_rpc_last_code(rpc) == 0)) {
        *err = probe;
        return rc;
    }
    if (rc == 0)
        memcpy(t->timelocks[t->ntimelocks++], addr, 20);
    return 0;
}

/* The owner and pending owner of each contract: the timelocks among them. */
static int find_timelocks(eth_rpc *rpc, const char *tag, kms_audit_targets *t, eth_error *err)
{
    static const char *const SIGS[] = {"owner()(address)", "pendingOwner()(address)"};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < t->ncontracts; i++)
        for (size_t k = 0; rc == 0 && k < 2; k++) {
            kms_result r;
            uint8_t who[20];
            eth_error e;
            int vr = kms_view(rpc, t->contracts[i], NULL, tag, SIGS[k], NULL, 0, &r, &e);
            if (vr == 0 && kms_result_address(&r, 0, who, &e) == 0)
                rc = add_if_timelock(rpc, tag, who, t, err);
            else if (vr == -ETH_ERPC || vr == -ETH_ETIMEOUT)
                rc = eth_fail(err, e.code, "%s", e.msg);
            kms_result_clear(&r);
        }
    return rc;
}

int kms_audit_targets_read(const kms_audit_net *net, const uint8_t kms[20], uint64_t origin,
                           uint64_t block, kms_audit_targets *out, eth_error *err)
{
    memset(out, 0, sizeof *out);
    uint8_t(*apps)[20] = NULL;
    size_t napps = 0;
    int rc = kms_audit_apps(net, kms, origin < block ? origin : block, block, &apps, &napps, err);
    if (rc == 0 && napps + 1 > KMS_AUDIT_MAX_TARGETS / 3)
        rc = eth_fail(err, ETH_ERANGE, "%zu registered apps (at most %d read)", napps,
                      KMS_AUDIT_MAX_TARGETS / 3 - 1);
    out->contracts = rc == 0 ? malloc((napps + 1) * 20) : NULL;
    out->timelocks = rc == 0 ? malloc(2 * (napps + 1) * 20) : NULL;
    if (rc == 0 && (!out->contracts || !out->timelocks))
        rc = eth_fail(err, ETH_ENOMEM, "out of memory");
    if (rc == 0) {
        memcpy(out->contracts[0], kms, 20);
        if (napps)
            memcpy(out->contracts[1], apps, napps * 20);
        out->ncontracts = napps + 1;
    }
    free(apps);
    char tag[ETH_BLOCK_TAG_MAX];
    if (rc == 0)
        rc = find_timelocks(net->rpc, eth_block_tag(block, tag), out, err);
    if (rc)
        kms_audit_targets_clear(out);
    return rc;
}

/* ---- operations ---- */

void kms_audit_ops_clear(kms_audit_ops *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->nlists; i++)
        kms_tl_ops_clear(&l->lists[i]);
    free(l->lists);
    free(l->items);
    memset(l, 0, sizeof *l);
}

bool kms_audit_op_touches(const kms_audit_targets *t, const kms_tl_op *op)
{
    for (size_t i = 0; i < op->n; i++)
        if (has(t, op->targets[i]))
            return true;
    return false;
}

/* Adds the pending operations of list (of timelock tl) to out. */
static int add_pending(eth_rpc *rpc, const kms_audit_targets *t, const uint8_t tl[20],
                       const kms_tl_ops *list, const char *tag, kms_audit_ops *out,
                       eth_error *err)
{
    for (size_t i = 0; i < list->n; i++) {
        const kms_tl_op *op = &list->items[i];
        kms_audit_op a = {.op = op};
        memcpy(a.timelock, tl, 20);
        if (op->executed || op->cancelled || !kms_audit_op_touches(t, op))
            continue;
        int rc = kms_timelock_state(rpc, tl, tag, op->id, &a.state, &a.ready_at, err);
        if (rc)
            return rc;
        if (a.state != KMS_OP_WAITING && a.state != KMS_OP_READY)
            continue;
        kms_audit_op *grown = realloc(out->items, (out->n + 1) * sizeof *grown);
        if (!grown)
            return eth_fail(err, ETH_ENOMEM, "out of memory");
        out->items = grown;
        out->items[out->n++] = a;
    }
    return 0;
}

int kms_audit_pending_ops(const kms_audit_net *net, const kms_audit_targets *t, uint64_t origin,
                          uint64_t block, kms_audit_ops *out, eth_error *err)
{
    memset(out, 0, sizeof *out);
    out->lists = calloc(t->ntimelocks + 1, sizeof *out->lists);
    int rc = out->lists ? 0 : eth_fail(err, ETH_ENOMEM, "out of memory");
    char tag[ETH_BLOCK_TAG_MAX];
    eth_block_tag(block, tag);
    for (size_t i = 0; rc == 0 && i < t->ntimelocks; i++) {
        rc = kms_tl_ops_read(net->rpc, t->timelocks[i], origin < block ? origin : block, block,
                             &out->lists[i], err);
        out->nlists += rc == 0;
        if (rc == 0)
            rc = add_pending(net->rpc, t, t->timelocks[i], &out->lists[i], tag, out, err);
    }
    if (rc)
        kms_audit_ops_clear(out);
    return rc;
}

json_t *kms_audit_op_json(const kms_audit_op *o)
{
    const kms_tl_op *op = o->op;
    json_t *calls = json_array();
    for (size_t i = 0; calls && i < op->n; i++) {
        char v[U256_DEC_MAX];
        u256_to_dec(&op->values[i], v);
        if (json_array_append_new(calls, json_pack("{s:o,s:s,s:o}", "target",
                                                   eth_json_address(op->targets[i]), "value", v,
                                                   "data", eth_json_hex(op->datas[i].data,
                                                                        op->datas[i].len))) != 0) {
            json_decref(calls);
            calls = NULL;
        }
    }
    return json_pack("{s:o,s:o,s:s,s:I,s:b,s:I,s:o}", "timelock", eth_json_address(o->timelock),
                     "id", eth_json_hex(op->id, 32), "state", kms_op_state_name(o->state),
                     "readyAt", (json_int_t)o->ready_at, "batch", op->batch, "scheduledBlock",
                     (json_int_t)op->scheduled_block, "calls", calls);
}

/* ---- proposal files ---- */

void kms_audit_proposals_clear(kms_audit_proposals *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].path);
        kms_proposal_clear(&l->items[i].p);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

/* True if the file at path is a Safe proposal file (its "kind"), whatever else it holds. */
static bool is_proposal(const char *path)
{
    json_t *j = NULL;
    eth_error e;
    bool yes = eth_json_load(path, KMS_PROPOSAL_MAX_FILE, &j, &e) == 0 &&
               json_is_string(json_object_get(j, "kind")) &&
               strcmp(json_string_value(json_object_get(j, "kind")), KMS_PROPOSAL_KIND) == 0;
    json_decref(j);
    return yes;
}

/* Loads the proposal at path into out->items when it is of chain_id and not executed yet. */
static int consider(eth_rpc *rpc, const char *path, uint64_t chain_id, kms_audit_proposals *out,
                    eth_error *err)
{
    kms_audit_proposal a = {0};
    eth_error e;
    if (!is_proposal(path))
        return 0;
    if (kms_proposal_load(path, &a.p, &e) != 0 || a.p.chain_id != chain_id) {
        kms_proposal_clear(&a.p);
        out->skipped++;
        return 0;
    }
    kms_safe_info *info = malloc(sizeof *info);
    int rc = info ? kms_safe_read(rpc, a.p.safe, "latest", info, err)
                  : eth_fail(err, ETH_ENOMEM, "out of memory");
    bool gone = rc && rc != -ETH_ERPC && rc != -ETH_ETIMEOUT && rc != -ETH_ENOMEM; /* no Safe */
    if (gone) {
        out->skipped++;
        rc = 0;
    }
    bool pending = rc == 0 && !gone && u256_cmp(&a.p.tx.nonce, &info->nonce) >= 0;
    if (pending) {
        a.threshold = info->threshold;
        a.safe_nonce = info->nonce;
        a.path = strdup(path);
        kms_audit_proposal *grown =
            a.path ? realloc(out->items, (out->n + 1) * sizeof *grown) : NULL;
        rc = grown ? 0 : eth_fail(err, ETH_ENOMEM, "out of memory");
        if (grown) {
            out->items = grown;
            out->items[out->n++] = a;
        }
    }
    if (!pending || rc) {
        free(a.path);
        kms_proposal_clear(&a.p);
    }
    free(info);
    return rc;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends a copy of name to names[0..*n). */
static int add_name(char ***names, size_t *n, const char *name, eth_error *err)
{
    if (*n == KMS_AUDIT_MAX_PROPOSALS)
        return eth_fail(err, ETH_ERANGE, "more than %d .json files in the folder: use a folder "
                                         "that holds the proposal files", KMS_AUDIT_MAX_PROPOSALS);
    char **grown = realloc(*names, (*n + 1) * sizeof *grown);
    if (!grown)
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    *names = grown;
    if (!(grown[*n] = strdup(name)))
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    (*n)++;
    return 0;
}

/* The *.json names in dir, sorted, into names[0..*n) (each owned). */
static int list_json(const char *dir, char ***names, size_t *n, eth_error *err)
{
    DIR *d = opendir(dir);
    *names = NULL;
    *n = 0;
    char why[128], shown[ETH_CLIP_BUF];
    if (!d)
        return eth_fail(err, ETH_EIO, "cannot read the folder %s: %s", eth_text_clipz(dir, shown),
                        eth_strerror(errno, why, sizeof why));
    int rc = 0;
    for (struct dirent *e = readdir(d); rc == 0 && e; e = readdir(d)) {
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0)
            rc = add_name(names, n, e->d_name, err);
    }
    closedir(d);
    if (rc == 0 && *n)
        qsort(*names, *n, sizeof **names, by_name);
    return rc;
}

int kms_audit_proposals_read(eth_rpc *rpc, const char *dir, uint64_t chain_id,
                             kms_audit_proposals *out, eth_error *err)
{
    memset(out, 0, sizeof *out);
    char **names = NULL;
    size_t n = 0;
    int rc = list_json(dir, &names, &n, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        rc = consider(rpc, path, chain_id, out, err);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (rc)
        kms_audit_proposals_clear(out);
    return rc;
}
