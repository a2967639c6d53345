/* cmd_timelock.c: kmsctl timelock status|list|schedule|execute|cancel|hash: a
 * TimelockController's operations from its events, in words, and run through whoever holds the
 * executor or canceller role (the signer, anyone, or a Safe). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "chain.h"
#include "cli.h"
#include "commands.h"
#include "eth/address.h"
#include "eth/hex.h"
#include "eth/json.h"
#include "eth/text.h"
#include "format.h"
#include "govern_cli.h"
#include "known.h"
#include "keyflags.h"
#include "kms/decode.h"
#include "kms/manifest.h"
#include "kms/revert.h"
#include "kms/roles.h"
#include "kms/timelock_ops.h"
#include "policy_cli.h"

static const cli_flag TL_FLAGS[] = {
    {"timelock", "ADDR", "the TimelockController (default: from --manifest)", NULL, false},
    {"manifest", "FILE", "a deployment manifest (default kmsctl-deployment.json)", NULL, false},
    {"from-block", "N", "read the timelock's events from block N (default: the deployment's\n"
                        "first block, else 0)", NULL, false},
    CLI_FLAGS_END,
};
static const cli_flag LIST_FLAGS[] = {
    {"state", "STATE", "only operations in STATE: pending (waiting or ready), waiting, ready,\n"
                       "done, cancelled, all (default pending)", NULL, false},
    CLI_FLAGS_END,
};
static const cli_flag WAIT_FLAGS[] = {
    {"wait", NULL, "wait until the operation is ready (a progress line), then execute", NULL,
     false},
    CLI_FLAGS_END,
};
static const cli_flag CALL_FLAGS[] = {
    {"target", "ADDR", "a call's target (repeat for a batch)", NULL, true},
    {"data", "HEX", "its calldata (one per --target)", NULL, true},
    {"value", "WEI", "its value (one per --target; default 0)", NULL, true},
    CLI_FLAGS_END,
};

/* ---- the timelock and its operations ---- */

typedef struct tl_env {
    cli_policy_env pe; /* chain, signer, tx flags; contract = the timelock */
    uint64_t from_block;
} tl_env;

/* Opens the timelock of c; sends: the action declares the transaction flags. */
static int open_tl(const cli_call *c, tl_env *t, bool sends)
{
    memset(t, 0, sizeof *t);
    eth_error err = {0};
    const char *addr = cli_opt(c, "timelock"), *from = cli_opt(c, "from-block");
    const char *path = cli_opt(c, "manifest");
    if (from && cli_parse_uint(from, UINT64_MAX, &t->from_block) != 0)
        return cli_usage(c, "--from-block: expected a block number");
    int rc = sends ? cli_tx_opts_parse(c, &t->pe.tx) : CLI_OK;
    if (rc != CLI_OK)
        return rc;
    if (addr && eth_address_parse(addr, t->pe.contract, 1, &err) != 0)
        return cli_usage(c, "--timelock: %s", err.msg);
    if (!addr) {
        kms_manifest m;
        if (kms_manifest_load(path ? path : "kmsctl-deployment.json", &m, &err) != 0)
            return path ? cli_fail_err(&err)
                        : cli_usage(c, "give the timelock: --timelock ADDR, or --manifest FILE");
        memcpy(t->pe.contract, m.timelock, 20);
        if (!from)
            t->from_block = m.first_block;
        t->pe.has_safe_hint = m.settings.model == KMS_MODEL_SAFE_TIMELOCK;
        memcpy(t->pe.safe_hint, m.safe, 20);
        kms_manifest_clear(&m);
    }
    rc = cli_chain_open(c, &t->pe.chain, &err);
    if (rc != 0)
        return cli_exit_code(rc, &err);
    t->pe.chain_open = true;
    return CLI_OK;
}

static int read_ops(tl_env *t, kms_tl_ops *ops)
{
    uint64_t head = 0;
    eth_error err = {0};
    if (eth_rpc_block_number(t->pe.chain.rpc, &head, &err) != 0 ||
        kms_tl_ops_read(t->pe.chain.rpc, t->pe.contract, t->from_block, head, ops, &err) != 0)
        return cli_fail_err(&err);
    return CLI_OK;
}

/* The id argument: 32 bytes of hex. */
static int id_arg(const cli_call *c, uint8_t id[32])
{
    eth_error err = {0};
    if (eth_hex_decode_fixed(c->args[0], id, 32, &err) != 0)
        return cli_usage(c, "ID: %s", err.msg);
    return CLI_OK;
}

/* State in words: the contract's, with "cancelled" for an unset one the events cancelled. */
static const char *state_word(const kms_tl_op *op, int state)
{
    return state == KMS_OP_UNSET && op && op->cancelled ? "cancelled" : kms_op_state_name(state);
}

/* "ready at 2026-12-06 10:00:00 UTC (in 23 h 59 m)" or "ready since ...". */
static void eta_text(uint64_t ready, uint64_t now, char *out, size_t cap)
{
    char when[32], left[32];
    if (ready > now)
        snprintf(out, cap, "ready at %s (in %s)", cli_utc(ready, false, when),
                 cli_duration(ready - now, left));
    else
        snprintf(out, cap, "ready since %s", cli_utc(ready, false, when));
}

static void print_calls(const cli_call *c, const tl_env *t, const kms_tl_op *op)
{
    cli_known k = {.n = 0};
    cli_known_from_manifest(&k, cli_opt(c, "manifest"), t->pe.chain.chain_id);
    cli_known_add(&k, t->pe.contract, "the timelock", "TimelockController");
    for (size_t i = 0; i < op->n; i++) {
        kms_decoded d;
        eth_buf text = {0};
        eth_error err = {0};
        if (kms_decode_call(k.k, k.n, op->targets[i], &op->values[i], op->datas[i].data,
                            op->datas[i].len, 0, &d, &err) == 0 &&
            kms_decoded_render(&d, &text, &err) == 0)
            printf("  call %zu: %.*s", i + 1, (int)text.len, (const char *)text.data);
        kms_decoded_clear(&d);
        eth_buf_clear(&text);
    }
}

static json_t *op_json(const kms_tl_op *op, int state, uint64_t ready)
{
    char id[67];
    eth_hex_encode(op->id, 32, id);
    json_t *calls = json_array();
    for (size_t i = 0; calls && i < op->n; i++) {
        char v[U256_DEC_MAX];
        u256_to_dec(&op->values[i], v);
        json_array_append_new(calls, json_pack("{s:o,s:s,s:o}", "target",
                                               eth_json_address(op->targets[i]), "value", v,
                                               "data", eth_json_hex(op->datas[i].data,
                                                                    op->datas[i].len)));
    }
    return json_pack("{s:s,s:s,s:I,s:b,s:I,s:o}", "id", id, "state", state_word(op, state),
                     "readyAt", (json_int_t)ready, "batch", op->batch, "scheduledBlock",
                     (json_int_t)op->scheduled_block, "calls", calls);
}

/* ---- status and list ---- */

static int run_status(cli_call *c)
{
    tl_env t;
    kms_tl_ops ops = {0};
    uint8_t id[32];
    int state = 0, rc = id_arg(c, id);
    uint64_t ready = 0, now = 0;
    eth_error err = {0};
    if (rc == CLI_OK)
        rc = open_tl(c, &t, false);
    if (rc == CLI_OK)
        rc = read_ops(&t, &ops);
    if (rc == CLI_OK &&
        (kms_timelock_state(t.pe.chain.rpc, t.pe.contract, "latest", id, &state, &ready, &err) ||
         cli_chain_now(&t.pe.chain, &now, &err)))
        rc = cli_fail_err(&err);
    const kms_tl_op *op = rc == CLI_OK ? kms_tl_ops_find(&ops, id) : NULL;
    if (rc == CLI_OK && !op && state == KMS_OP_UNSET)
        rc = cli_fail("operation %s: the timelock has never scheduled it", c->args[0]);
    else if (rc == CLI_OK && !op)
        rc = cli_fail("operation %s is %s, but its CallScheduled events are before --from-block",
                      c->args[0], kms_op_state_name(state));
    else if (rc == CLI_OK && c->json)
        rc = cli_print_json(op_json(op, state, ready));
    else if (rc == CLI_OK) {
        char eta[128] = "";
        if (state == KMS_OP_WAITING || state == KMS_OP_READY)
            eta_text(ready, now, eta, sizeof eta);
        printf("operation %s: %s%s%s (scheduled in block %" PRIu64 ", %s)\n", c->args[0],
               state_word(op, state), eta[0] ? ", " : "", eta, op->scheduled_block,
               op->batch ? "a batch" : "one call");
        print_calls(c, &t, op);
    }
    kms_tl_ops_clear(&ops);
    cli_policy_close(&t.pe);
    return rc;
}

static bool state_matches(const char *want, const char *word)
{
    if (strcmp(want, "all") == 0)
        return true;
    if (strcmp(want, "pending") == 0)
        return strcmp(word, "waiting") == 0 || strcmp(word, "ready") == 0;
    return strcmp(want, word) == 0;
}

static int run_list(cli_call *c)
{
    static const char *const STATES[] = {"pending", "waiting", "ready", "done", "cancelled", "all"};
    const char *want = cli_opt(c, "state") ? cli_opt(c, "state") : "pending";
    bool known = false;
    for (size_t i = 0; i < 6; i++)
        known |= strcmp(want, STATES[i]) == 0;
    if (!known)
        return cli_usage(c, "--state: expected pending, waiting, ready, done, cancelled or all");
    tl_env t;
    kms_tl_ops ops = {0};
    uint64_t now = 0;
    eth_error err = {0};
    int rc = open_tl(c, &t, false);
    if (rc == CLI_OK)
        rc = read_ops(&t, &ops);
    if (rc == CLI_OK && cli_chain_now(&t.pe.chain, &now, &err) != 0)
        rc = cli_fail_err(&err);
    json_t *arr = json_array();
    size_t shown = 0;
    for (size_t i = 0; rc == CLI_OK && i < ops.n; i++) {
        int state = 0;
        uint64_t ready = 0;
        const kms_tl_op *op = &ops.items[i];
        if (kms_timelock_state(t.pe.chain.rpc, t.pe.contract, "latest", op->id, &state, &ready,
                               &err) != 0) {
            rc = cli_fail_err(&err);
            break;
        }
        if (!state_matches(want, state_word(op, state)))
            continue;
        shown++;
        char id[67], eta[128] = "";
        eth_hex_encode(op->id, 32, id);
        if (state == KMS_OP_WAITING || state == KMS_OP_READY)
            eta_text(ready, now, eta, sizeof eta);
        if (c->json)
            json_array_append_new(arr, op_json(op, state, ready));
        else
            printf("%s  %-9s %zu call(s)  %s\n", id, state_word(op, state), op->n, eta);
    }
    if (rc == CLI_OK && c->json)
        rc = cli_print_json(arr);
    else {
        json_decref(arr);
        if (rc == CLI_OK)
            printf("%zu %s operation(s)\n", shown, want);
    }
    kms_tl_ops_clear(&ops);
    cli_policy_close(&t.pe);
    return rc;
}

/* ---- execute and cancel ---- */

/* Who acts for role: the signer (if it holds it, or anyone may for the executor role), else a
 * Safe that holds it. Fills *r (DIRECT as the signer, or SAFE). */
static int actor(tl_env *t, const uint8_t role[32], bool open_ok, kms_route *r)
{
    eth_error err = {0};
    static const uint8_t zero[20];
    const uint8_t *me = t->pe.signer ? eth_signer_address(t->pe.signer) : NULL;
    bool has = false, open = false;
    memset(r, 0, sizeof *r);
    if ((me && kms_timelock_has_role(t->pe.chain.rpc, t->pe.contract, "latest", role, me, &has,
                                     &err) != 0) ||
        (open_ok && kms_timelock_has_role(t->pe.chain.rpc, t->pe.contract, "latest", role, zero,
                                          &open, &err) != 0))
        return cli_fail_err(&err);
    if (me && (has || open)) {
        r->kind = KMS_ROUTE_DIRECT;
        memcpy(r->caller, me, 20);
        return CLI_OK;
    }
    uint64_t head = 0;
    kms_timelock_roles roles;
    if (eth_rpc_block_number(t->pe.chain.rpc, &head, &err) != 0 ||
        kms_timelock_roles_read(t->pe.chain.rpc, t->pe.contract, t->from_block, head, &roles,
                                &err) != 0)
        return cli_fail_err(&err);
    const kms_role_holders *h = memcmp(role, KMS_ROLE_EXECUTOR, 32) == 0 ? &roles.executor
                                                                         : &roles.canceller;
    for (size_t i = 0; i < h->n; i++)
        if (kms_safe_read(t->pe.chain.rpc, h->holders[i], "latest", &r->safe_info, &err) == 0) {
            r->kind = KMS_ROUTE_SAFE;
            memcpy(r->safe, h->holders[i], 20);
            memcpy(r->timelock, t->pe.contract, 20);
            memcpy(r->caller, h->holders[i], 20);
            return CLI_OK;
        }
    char holders[320];
    kms_role_holders_text(h, holders, sizeof holders);
    return cli_fail("%s is held by %s: give one of their keys",
                    kms_timelock_role_name(role), holders);
}

/* Waits, with a progress line, until the chain's time reaches ready. */
static int wait_ready(tl_env *t, uint64_t ready)
{
    eth_error err = {0};
    for (uint64_t now = 0;;) {
        if (cli_chain_now(&t->pe.chain, &now, &err) != 0)
            return cli_fail_err(&err);
        if (now >= ready)
            return CLI_OK;
        char left[32];
        fprintf(stderr, "kmsctl: waiting: the operation is ready in %s\n",
                cli_duration(ready - now, left));
        struct timespec ts = {ready - now > 60 ? 30 : 2, 0};
        nanosleep(&ts, NULL);
    }
}

static int not_ready(const char *id, int state, uint64_t ready, uint64_t now, const kms_tl_op *op)
{
    char eta[128];
    if (state == KMS_OP_WAITING) {
        eta_text(ready, now, eta, sizeof eta);
        return cli_fail("operation %s is not ready: it is %s; run this again then, or add --wait",
                        id, eta);
    }
    return cli_fail("operation %s cannot run: it is %s", id, state_word(op, state));
}

/* Runs the op's execute (or cancel) as the actor for role. */
static int act(cli_call *c, bool execute)
{
    tl_env t;
    kms_tl_ops ops = {0};
    uint8_t id[32];
    int state = 0, rc = id_arg(c, id);
    uint64_t ready = 0, now = 0;
    eth_error err = {0};
    if (rc == CLI_OK)
        rc = open_tl(c, &t, true);
    if (rc == CLI_OK)
        rc = cli_policy_signer(c, &t.pe);
    if (rc == CLI_OK)
        rc = read_ops(&t, &ops);
    const kms_tl_op *op = rc == CLI_OK ? kms_tl_ops_find(&ops, id) : NULL;
    if (rc == CLI_OK && !op)
        rc = cli_fail("operation %s: no CallScheduled event for it (scheduled before "
                      "--from-block, or never)", c->args[0]);
    if (rc == CLI_OK &&
        (kms_timelock_state(t.pe.chain.rpc, t.pe.contract, "latest", id, &state, &ready, &err) ||
         cli_chain_now(&t.pe.chain, &now, &err)))
        rc = cli_fail_err(&err);
    if (rc == CLI_OK && execute && state == KMS_OP_WAITING && cli_given(c, "wait")) {
        rc = wait_ready(&t, ready);
        state = KMS_OP_READY;
    }
    bool ok = execute ? state == KMS_OP_READY : state == KMS_OP_WAITING || state == KMS_OP_READY;
    if (rc == CLI_OK && !ok)
        rc = not_ready(c->args[0], state, ready, now, op);
    kms_route route;
    if (rc == CLI_OK)
        rc = actor(&t, execute ? KMS_ROLE_EXECUTOR : KMS_ROLE_CANCELLER, execute, &route);
    cli_gov_calls l = {.n = 0};
    eth_buf data = {0};
    kms_tl_call calls[KMS_TL_OP_MAX_CALLS];
    if (rc == CLI_OK) {
        kms_tl_op_calls(op, calls);
        rc = (execute ? kms_timelock_execute_data(calls, op->n, op->batch, op->predecessor,
                                                  op->salt, &data, &err)
                      : kms_timelock_cancel_data(id, &data, &err))
                 ? cli_fail_err(&err)
                 : cli_gov_add(&l, t.pe.contract, &data,
                               execute ? "timelock.execute(the operation)"
                                       : "timelock.cancel(the operation)");
    }
    cli_gov_ctx g = {.c = c, .chain = &t.pe.chain, .signer = t.pe.signer, .tx = &t.pe.tx,
                     .route = &route};
    if (rc == CLI_OK)
        rc = cli_govern(&g, &l);
    eth_buf_clear(&data);
    cli_gov_calls_clear(&l);
    kms_tl_ops_clear(&ops);
    cli_policy_close(&t.pe);
    return rc;
}

static int run_execute(cli_call *c)
{
    return act(c, true);
}

static int run_cancel(cli_call *c)
{
    return act(c, false);
}

/* ---- schedule and hash: calls given as flags ---- */

static int calls_from_flags(const cli_call *c, cli_gov_calls *l, uint8_t targets[][20])
{
    char *const *t, *const *d, *const *v;
    size_t nt, nd, nv;
    cli_opt_all(c, "target", &t, &nt);
    cli_opt_all(c, "data", &d, &nd);
    cli_opt_all(c, "value", &v, &nv);
    if (nt == 0 || nt != nd || (nv && nv != nt))
        return cli_usage(c, "give --target and --data once per call (and --value for each, or "
                            "for none)");
    for (size_t i = 0; i < nt; i++) {
        eth_error err = {0};
        eth_buf data = {0};
        char what[256], shown[ETH_CLIP_BUF];
        if (eth_address_parse(t[i], targets[i], 1, &err) != 0 ||
            eth_hex_decode(d[i], strlen(d[i]), &data, &err) != 0) {
            eth_buf_clear(&data);
            return cli_usage(c, "call %zu: %s", i + 1, err.msg);
        }
        snprintf(what, sizeof what, "call to %s with %zu bytes of calldata",
                 eth_text_clipz(t[i], shown), data.len);
        int rc = cli_gov_add(l, targets[i], &data, what);
        if (rc != CLI_OK)
            return rc;
        if (nv && cli_parse_amount(v[i], &l->calls[i].value) != 0)
            return cli_usage(c, "--value '%s': expected an amount", eth_text_clipz(v[i], shown));
    }
    return CLI_OK;
}

static int run_schedule(cli_call *c)
{
    tl_env t;
    cli_gov_calls l = {.n = 0};
    uint8_t targets[CLI_GOV_MAX_CALLS][20];
    int rc = open_tl(c, &t, true);
    if (rc == CLI_OK)
        rc = cli_policy_signer(c, &t.pe);
    if (rc == CLI_OK)
        rc = calls_from_flags(c, &l, targets);
    cli_gov_ctx g = {.c = c, .chain = &t.pe.chain, .signer = t.pe.signer, .tx = &t.pe.tx,
                     .safe_hint = t.pe.has_safe_hint ? t.pe.safe_hint : NULL};
    memcpy(g.caller, t.pe.contract, 20); /* the calls are made as the timelock */
    if (rc == CLI_OK)
        rc = cli_govern(&g, &l);
    cli_gov_calls_clear(&l);
    cli_policy_close(&t.pe);
    return rc;
}

static int run_hash(cli_call *c)
{
    cli_gov_calls l = {.n = 0};
    uint8_t targets[CLI_GOV_MAX_CALLS][20], salt[32], pred[32] = {0}, id[32];
    eth_error err = {0};
    const char *s = cli_opt(c, "salt"), *p = cli_opt(c, "predecessor");
    if (!s)
        return cli_usage(c, "give the operation's --salt (0x + 64 hex digits)");
    if (eth_hex_decode_fixed(s, salt, 32, &err) != 0 ||
        (p && eth_hex_decode_fixed(p, pred, 32, &err) != 0))
        return cli_usage(c, "%s: %s", p && err.msg[0] ? "--salt or --predecessor" : "--salt",
                         err.msg);
    int rc = calls_from_flags(c, &l, targets);
    bool batch = l.n > 1 || cli_given(c, "batch-of-one");
    if (rc == CLI_OK && kms_timelock_op_id(l.calls, l.n, batch, pred, salt, id, &err) != 0)
        rc = cli_fail_err(&err);
    char hex[67];
    if (rc == CLI_OK) {
        eth_hex_encode(id, 32, hex);
        rc = cli_print_value(c, "id", hex);
    }
    cli_gov_calls_clear(&l);
    return rc;
}

/* ---- the table ---- */

static const cli_flag HASH_FLAGS[] = {
    {"salt", "HEX32", "the operation's salt", NULL, false},
    {"predecessor", "ID", "the operation's predecessor (default none)", NULL, false},
    {"batch-of-one", NULL, "one call scheduled with scheduleBatch (its id differs)", NULL, false},
    CLI_FLAGS_END,
};

static const cli_flag *const READ_SETS[] = {TL_FLAGS, CLI_CHAIN_FLAGS, NULL};
static const cli_flag *const LIST_SETS[] = {TL_FLAGS, LIST_FLAGS, CLI_CHAIN_FLAGS, NULL};
static const cli_flag *const EXEC_SETS[] = {TL_FLAGS, WAIT_FLAGS, CLI_GOV_FLAGS, CLI_CHAIN_FLAGS,
                                           CLI_KEY_FLAGS, CLI_TX_FLAGS, NULL};
static const cli_flag *const CANCEL_SETS[] = {TL_FLAGS, CLI_GOV_FLAGS, CLI_CHAIN_FLAGS,
                                             CLI_KEY_FLAGS, CLI_TX_FLAGS, NULL};
static const cli_flag *const SCHED_SETS[] = {TL_FLAGS, CALL_FLAGS, CLI_GOV_FLAGS, CLI_CHAIN_FLAGS,
                                            CLI_KEY_FLAGS, CLI_TX_FLAGS, NULL};
static const cli_flag *const HASH_SETS[] = {CALL_FLAGS, HASH_FLAGS, NULL};

#define ID "0x7c2e5c0b3f4e7a0c8d4b9c0a1e2f3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b"

static const cli_action TIMELOCK_ACTIONS[] = {
    {"status", "an operation's state, ETA and calls", run_status, "ID", 1, 1, READ_SETS,
     "{\"id\", \"state\", \"readyAt\", \"batch\", \"scheduledBlock\", \"calls\"}",
     "Shows the operation ID: its state in words (unset, waiting, ready, done, cancelled), when\n"
     "it is ready (a date, and the time left by the chain's clock), and its calls decoded.",
     "$ kmsctl timelock status " ID "\n"
     "operation " ID ": waiting, ready at 2026-12-06 10:00:00 UTC (in 23 h 59 m) ..."},
    {"list", "operations from the timelock's events", run_list, "", 0, 0, LIST_SETS,
     "[{\"id\", \"state\", \"readyAt\", \"batch\", \"scheduledBlock\", \"calls\"}]",
     "Lists the timelock's operations (OpenZeppelin's timelock keeps no list: kmsctl rebuilds\n"
     "it from CallScheduled, CallSalt, CallExecuted and Cancelled), by --state.",
     "$ kmsctl timelock list --state all\n" ID "  done      2 call(s)\n1 all operation(s)"},
    {"schedule", "schedule calls given as --target/--data", run_schedule, "", 0, 0, SCHED_SETS,
     "as kmsctl kms ACTION --json",
     "Schedules calls made as the timelock, from a proposer's key or as a Safe proposal when a\n"
     "Safe proposes. kmsctl kms and kmsctl app build such calls for you.",
     "$ kmsctl timelock schedule --target 0x9fE4... --data 0x... --dev-account 0\n"
     "scheduled operation 0x... in block 40; it is ready at ..."},
    {"execute", "execute a ready operation (--wait waits for it)", run_execute, "ID", 1, 1,
     EXEC_SETS, "as kmsctl kms ACTION --json",
     "Executes the operation ID with its calls as scheduled (read from the events). Sent by the\n"
     "signer if it is an executor (or anyone may execute); else written as a Safe proposal for\n"
     "the Safe that holds the executor role. An operation that is not ready yet says when it\n"
     "will be; --wait waits for it with a progress line.",
     "$ kmsctl timelock execute " ID "\n"
     "kmsctl: operation " ID " is not ready: it is ready at ... (in 23 h 59 m)"},
    {"cancel", "cancel a pending operation", run_cancel, "ID", 1, 1, CANCEL_SETS,
     "as kmsctl kms ACTION --json",
     "Cancels the operation ID, sent by a canceller's key or as a Safe proposal.",
     "$ kmsctl timelock cancel " ID "\ndone: timelock.cancel(the operation) in block 41"},
    {"hash", "the id of an operation, offline", run_hash, "", 0, 0, HASH_SETS, "{\"id\"}",
     "Computes the operation id the timelock gives these calls (hashOperation for one call,\n"
     "hashOperationBatch for several or with --batch-of-one).",
     "$ kmsctl timelock hash --target 0x9fE4... --data 0x... --salt 0x00...00\n" ID},
};

const cli_group GROUP_TIMELOCK = {
    "timelock",
    "TimelockController operations: status, list, schedule, execute, cancel, hash",
    "Reads and runs a TimelockController's operations. The timelock is --timelock ADDR, or the\n"
    "one in --manifest FILE (default kmsctl-deployment.json).",
    TIMELOCK_ACTIONS,
    sizeof TIMELOCK_ACTIONS / sizeof TIMELOCK_ACTIONS[0],
};
