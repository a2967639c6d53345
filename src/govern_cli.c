/* govern_cli.c: a governance action routed to whichever model owns the contract. */
#include "govern_cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "eth/address.h"
#include "eth/hex.h"
#include "eth/json.h"
#include "eth/rpc_eth.h"
#include "eth/text.h"
#include "format.h"
#include "safe_files.h"
#include "kms/revert.h"

const cli_flag CLI_GOV_FLAGS[] = {
    {"salt", "HEX32", "timelock: the operation's salt (default: derived from the calls, so\n"
                      "the same operation proposed twice is found, not duplicated)", NULL, false},
    {"predecessor", "ID", "timelock: an operation that must run first", NULL, false},
    {"delay", "DUR", "timelock: a delay above the minimum (default: the minimum)", NULL, false},
    {"safe", "ADDR", "the Safe that proposes, when kmsctl should not look it up", NULL, false},
    {"nonce", "N", "Safe: the Safe nonce to use (default: the Safe's current one; give the\n"
                   "next ones to queue proposals)", NULL, false},
    {"out", "FILE", "Safe: where the proposal goes (default safe-tx-NONCE-HASH.json)", NULL,
     false},
    {"force", NULL, "send even when the action would change nothing", NULL, false},
    {"no-sign", NULL, "Safe: write the proposal without signing it, even as an owner", NULL,
     false},
    CLI_FLAGS_END,
};

int cli_gov_add(cli_gov_calls *l, const uint8_t target[20], eth_buf *data, const char *what)
{
    if (l->n == CLI_GOV_MAX_CALLS) {
        eth_buf_clear(data);
        return cli_fail("more than %d calls in one operation: split it", CLI_GOV_MAX_CALLS);
    }
    size_t i = l->n++;
    l->data[i] = *data;
    memset(data, 0, sizeof *data);
    l->calls[i] = (kms_tl_call){.target = target, .value = u256_from_u64(0),
                                .data = l->data[i].data, .len = l->data[i].len};
    snprintf(l->what[i], sizeof l->what[i], "%s", what);
    return CLI_OK;
}

void cli_gov_calls_clear(cli_gov_calls *l)
{
    for (size_t i = 0; i < l->n; i++)
        eth_buf_clear(&l->data[i]);
    l->n = 0;
}

static int hex32_flag(const cli_call *c, const char *flag, uint8_t out[32], const uint8_t **set)
{
    const char *text = cli_opt(c, flag);
    eth_error err = {0};
    if (!text)
        return CLI_OK;
    if (eth_hex_decode_fixed(text, out, 32, &err) != 0)
        return cli_usage(c, "--%s: %s", flag, err.msg);
    *set = out;
    return CLI_OK;
}

int cli_gov_opts(const cli_call *c, kms_gov_opts *o, uint8_t salt[32], uint8_t pred[32])
{
    memset(o, 0, sizeof *o);
    char shown[ETH_CLIP_BUF];
    int rc = hex32_flag(c, "salt", salt, &o->salt);
    if (rc == CLI_OK)
        rc = hex32_flag(c, "predecessor", pred, &o->predecessor);
    const char *delay = cli_opt(c, "delay"), *nonce = cli_opt(c, "nonce");
    if (rc == CLI_OK && delay && cli_parse_duration(delay, &o->delay) != 0)
        return cli_usage(c, "--delay '%s': expected a duration such as 1d or 3600",
                         eth_text_clipz(delay, shown));
    o->has_delay = delay != NULL;
    uint64_t n = 0;
    if (rc == CLI_OK && nonce && cli_parse_uint(nonce, UINT64_MAX, &n) != 0)
        return cli_usage(c, "--nonce '%s': expected a number", eth_text_clipz(nonce, shown));
    o->has_nonce = nonce != NULL;
    o->safe_nonce = u256_from_u64(n);
    return rc;
}

/* ---- showing ---- */

static void show_plan(const cli_gov_ctx *g, const kms_gov *gov, const cli_gov_calls *l)
{
    char route[400];
    kms_route_describe(&gov->route, route, sizeof route);
    fprintf(stderr, "route: %s\n", route);
    for (size_t i = 0; i < l->n; i++)
        fprintf(stderr, "  call %zu: %s\n", i + 1, l->what[i]);
    if (gov->route.kind == KMS_ROUTE_TIMELOCK || gov->route.kind == KMS_ROUTE_TIMELOCK_SAFE) {
        char id[67], d[32];
        eth_hex_encode(gov->op_id, 32, id);
        fprintf(stderr, "  timelock operation %s (%s, delay %s)\n", id,
                gov->batch ? "scheduleBatch" : "schedule", cli_duration(gov->delay, d));
    }
    (void)g;
}

/* The operation exists already: say so with its state instead of scheduling it again. */
static int already(const kms_gov *gov, uint64_t now)
{
    char id[67], when[32], left[32], eta[96] = "";
    eth_hex_encode(gov->op_id, 32, id);
    if (gov->state == KMS_OP_DONE)
        return cli_fail("this exact operation (%s) ran already; to run the same calls again, "
                        "give a new --salt", id);
    if (gov->state == KMS_OP_WAITING)
        snprintf(eta, sizeof eta, ", ready at %s%s%s%s", cli_utc(gov->ready_at, false, when),
                 gov->ready_at > now ? " (in " : "",
                 gov->ready_at > now ? cli_duration(gov->ready_at - now, left) : "",
                 gov->ready_at > now ? ")" : "");
    return cli_fail("this exact operation (%s) is scheduled already: it is %s%s; run it with "
                    "kmsctl timelock execute %s", id, kms_op_state_name(gov->state), eta, id);
}

/* ---- the routes ---- */

static int open_sender(const cli_gov_ctx *g, kms_sender **s, eth_error *err)
{
    kms_sender_opts o = g->tx->sender;
    if (g->chain->is_devnet)
        o.poll_ms = 100;
    return kms_sender_open(g->chain->rpc, g->signer, &o, s, err);
}

static int ask(const cli_gov_ctx *g, const char *question)
{
    return g->chain->is_devnet ? CLI_OK : cli_confirm(g->tx, question);
}

/* The signer owns the contract: each call is a transaction. */
static int run_direct(const cli_gov_ctx *g, const cli_gov_calls *l, json_t *out)
{
    kms_sender *s = NULL;
    eth_error err = {0};
    int rc = ask(g, "Send these calls?");
    if (rc != CLI_OK)
        return rc;
    if (open_sender(g, &s, &err) != 0)
        return cli_fail_err(&err);
    json_t *txs = json_array();
    for (size_t i = 0; i < l->n; i++) {
        kms_txreq req = {.to = l->calls[i].target, .data = l->calls[i].data,
                         .data_len = l->calls[i].len, .what = l->what[i]};
        uint8_t hash[32];
        eth_receipt r;
        if (kms_sender_send(s, &req, hash, &r, &err) != 0) {
            rc = cli_fail_err(&err);
            break;
        }
        char h[67];
        eth_hex_encode(hash, 32, h);
        if (!g->c->json)
            printf("done: %s in block %" PRIu64 " (tx %s)\n", l->what[i], r.block_number, h);
        json_array_append_new(txs, json_pack("{s:s,s:s,s:I}", "what", l->what[i], "hash", h,
                                             "block", (json_int_t)r.block_number));
    }
    json_object_set_new(out, "transactions", txs);
    kms_sender_free(s);
    return rc;
}

/* The signer proposes to the timelock: one schedule transaction. */
static int run_schedule(const cli_gov_ctx *g, const kms_gov *gov, json_t *out)
{
    kms_sender *s = NULL;
    eth_error err = {0};
    int rc = ask(g, "Schedule this operation?");
    if (rc != CLI_OK)
        return rc;
    if (open_sender(g, &s, &err) != 0)
        return cli_fail_err(&err);
    kms_txreq req = {.to = gov->route.timelock, .data = gov->schedule.data,
                     .data_len = gov->schedule.len, .what = "timelock.schedule"};
    uint8_t hash[32];
    eth_receipt r;
    int state = 0;
    uint64_t ready = 0;
    if (kms_sender_send(s, &req, hash, &r, &err) != 0 ||
        kms_timelock_state(g->chain->rpc, gov->route.timelock, "latest", gov->op_id, &state,
                           &ready, &err) != 0)
        rc = cli_fail_err(&err);
    kms_sender_free(s);
    if (rc != CLI_OK)
        return rc;
    char id[67], h[67], when[32], tl[43];
    eth_hex_encode(gov->op_id, 32, id);
    eth_hex_encode(hash, 32, h);
    eth_address_checksum(gov->route.timelock, tl);
    json_object_set_new(out, "scheduleTx", json_string(h));
    json_object_set_new(out, "readyAt", json_integer((json_int_t)ready));
    if (!g->c->json)
        printf("scheduled operation %s in block %" PRIu64 "; it is ready at %s.\nThen: kmsctl "
               "timelock execute %s --timelock %s\n",
               id, r.block_number, cli_utc(ready, false, when), id, tl);
    return CLI_OK;
}

/* The contracts a proposal of gov is expected to call: the deployment's (when a manifest is at
 * hand), the calls' targets and the timelock. */
static void known_of(const cli_gov_ctx *g, const kms_gov *gov, const cli_gov_calls *l,
                     cli_known *k)
{
    k->n = 0;
    const char *path = cli_declares(g->c, "manifest") ? cli_opt(g->c, "manifest") : NULL;
    cli_known_from_manifest(k, path, g->chain->chain_id);
    cli_known_add(k, gov->route.timelock, "the timelock", "TimelockController");
    for (size_t i = 0; i < l->n; i++)
        cli_known_add(k, l->calls[i].target, "the governed contract", NULL);
}

/* The Safe proposes or owns: a proposal file, signed at once by an owner's key. */
static int write_proposal(const cli_gov_ctx *g, const kms_gov *gov, const cli_gov_calls *l,
                          json_t *out)
{
    cli_known k;
    char desc[600];
    known_of(g, gov, l, &k);
    snprintf(desc, sizeof desc, "%s%s", l->what[0], l->n > 1 ? " and more" : "");
    return cli_proposal_write(g->c, g->chain->chain_id, gov->route.safe, &gov->route.safe_info,
                              &gov->safe_tx, desc, g->signer, &k, out);
}

static json_t *route_json(const kms_gov *gov)
{
    static const char *const KIND[] = {"direct", "timelock", "timelock-safe", "safe"};
    char id[67];
    eth_hex_encode(gov->op_id, 32, id);
    bool tl = gov->route.kind == KMS_ROUTE_TIMELOCK || gov->route.kind == KMS_ROUTE_TIMELOCK_SAFE;
    return json_pack("{s:s,s:o,s:o,s:o}", "route", KIND[gov->route.kind], "caller",
                     eth_json_address(gov->route.caller), "operationId",
                     tl ? json_string(id) : json_null(), "delay",
                     tl ? json_integer((json_int_t)gov->delay) : json_null());
}

int cli_govern(const cli_gov_ctx *g, const cli_gov_calls *l)
{
    kms_gov_opts o;
    uint8_t salt[32], pred[32];
    int rc = cli_gov_opts(g->c, &o, salt, pred);
    if (rc != CLI_OK)
        return rc;
    eth_error err = {0};
    kms_route route;
    kms_route_hints hints = {.safe = g->safe_hint};
    const uint8_t *me = g->signer ? eth_signer_address(g->signer) : NULL;
    if (g->route)
        route = *g->route;
    else if (kms_route_find(g->chain->rpc, g->caller, me, &hints, &route, &err) != 0)
        return cli_fail_err(&err);
    if (route.kind != KMS_ROUTE_TIMELOCK_SAFE && route.kind != KMS_ROUTE_SAFE && !g->signer)
        return cli_usage(g->c, "give the key that sends (--keystore, --account, "
                               "--private-key-file or --dev-account)");
    kms_gov gov;
    if (kms_gov_build(g->chain->rpc, &route, l->calls, l->n, &o, &gov, &err) != 0)
        return cli_fail_err(&err);
    show_plan(g, &gov, l);
    const char *what[CLI_GOV_MAX_CALLS];
    for (size_t i = 0; i < l->n; i++)
        what[i] = l->what[i];
    bool tl = route.kind == KMS_ROUTE_TIMELOCK || route.kind == KMS_ROUTE_TIMELOCK_SAFE;
    json_t *out = route_json(&gov);
    uint64_t now = 0;
    if (tl && gov.state != KMS_OP_UNSET)
        rc = cli_chain_now(g->chain, &now, &err) == 0 ? already(&gov, now) : cli_fail_err(&err);
    else if (kms_gov_simulate(g->chain->rpc, &gov, l->calls, what, l->n, &err) != 0)
        rc = cli_fail_err(&err);
    else if (route.kind == KMS_ROUTE_DIRECT)
        rc = run_direct(g, l, out);
    else if (route.kind == KMS_ROUTE_TIMELOCK)
        rc = run_schedule(g, &gov, out);
    else
        rc = write_proposal(g, &gov, l, out);
    if (rc == CLI_OK && g->c->json)
        rc = cli_print_json(out);
    else
        json_decref(out);
    kms_gov_clear(&gov);
    return rc;
}
