/* cmd_policy.c: kmsctl policy show|history|diff|pending|watch: the live policy of a DstackKms and
 * its apps, who can change it and how fast, every change with the path it took, what changed
 * between two blocks, what is about to change, and changes as they land (lib/kms/audit_*.h). */
#include <stdio.h>
#include <string.h>

#include "chain.h"
#include "cli.h"
#include "commands.h"
#include "eth/json.h"
#include "known.h"
#include "kms/audit_diff.h"
#include "kms/audit_history.h"
#include "kms/audit_pending.h"
#include "kms/audit_state.h"
#include "policy_env.h"
#include "policy_print.h"
#include "policy_watch.h"

static const cli_flag SHOW_FLAGS[] = {
    {"at-block", "N", "the policy as of block N, or of the last block at or before a UTC\n"
                      "date (default: the latest)", NULL, false},
    CLI_FLAGS_END,
};
static const cli_flag HISTORY_FLAGS[] = {
    {"since", "BLOCK|DATE", "changes from this block, or from the first block at or after this\n"
                            "UTC date (default: the deployment's first block)", NULL, false},
    {"until", "BLOCK|DATE", "changes up to this block or date (default: the latest)", NULL, false},
    CLI_FLAGS_END,
};
static const cli_flag DIFF_FLAGS[] = {
    {"from", "BLOCK|DATE", "the policy as of this block, or the last block at or before this\n"
                           "UTC date (required)", NULL, false},
    {"to", "BLOCK|DATE", "compared with the policy as of this one (default: the latest)", NULL,
     false},
    CLI_FLAGS_END,
};
static const cli_flag PENDING_FLAGS[] = {
    {"proposals", "DIR", "where Safe proposal files are (default: the current folder)", NULL,
     false},
    CLI_FLAGS_END,
};

static const cli_flag *const SHOW_SETS[] = {SHOW_FLAGS, CLI_KMS_FLAGS, CLI_AUDIT_FLAGS,
                                            CLI_CHAIN_FLAGS, NULL};
static const cli_flag *const HISTORY_SETS[] = {HISTORY_FLAGS, CLI_KMS_FLAGS, CLI_AUDIT_FLAGS,
                                               CLI_CHAIN_FLAGS, NULL};
static const cli_flag *const DIFF_SETS[] = {DIFF_FLAGS, CLI_KMS_FLAGS, CLI_AUDIT_FLAGS,
                                            CLI_CHAIN_FLAGS, NULL};
static const cli_flag *const PENDING_SETS[] = {PENDING_FLAGS, CLI_KMS_FLAGS, CLI_AUDIT_FLAGS,
                                               CLI_CHAIN_FLAGS, NULL};

/* The block flag names, or dflt when it was not given. */
static int point_or(const cli_call *c, const cli_audit_env *e, const char *flag, bool after,
                    uint64_t dflt, uint64_t *block)
{
    *block = dflt;
    return cli_given(c, flag) ? cli_audit_point(c, e, flag, after, block) : CLI_OK;
}

/* Reads the state at block, or prints why not. */
static int read_state(cli_audit_env *e, uint64_t block, kms_audit_state *s)
{
    eth_error err = {0};
    int rc = kms_audit_state_read(&e->net, e->pe.contract, block, e->origin, s, &err);
    cli_policy_progress_end(&e->line);
    return rc ? cli_fail_err(&err) : CLI_OK;
}

/* ---- show ---- */

static int run_show(cli_call *c)
{
    cli_audit_env e;
    kms_audit_state s = {0};
    uint64_t block = 0;
    int rc = cli_audit_open(c, &e);
    if (rc == CLI_OK)
        rc = point_or(c, &e, "at-block", false, e.head, &block);
    if (rc == CLI_OK)
        rc = read_state(&e, block, &s);
    if (rc == CLI_OK && c->json)
        rc = cli_print_json(kms_audit_state_json(&s));
    else if (rc == CLI_OK)
        cli_policy_print_state(&s);
    kms_audit_state_clear(&s);
    cli_audit_close(&e);
    return rc;
}

/* ---- history ---- */

static int run_history(cli_call *c)
{
    cli_audit_env e;
    kms_audit_history h = {0};
    kms_audit_range r = {.paths = true};
    eth_error err = {0};
    int rc = cli_audit_open(c, &e);
    r.origin = e.origin;
    if (rc == CLI_OK)
        rc = point_or(c, &e, "since", true, e.origin, &r.from);
    if (rc == CLI_OK)
        rc = point_or(c, &e, "until", false, e.head, &r.to);
    if (rc == CLI_OK && r.from > r.to)
        rc = cli_usage(c, "--since comes after --until (blocks %llu and %llu)",
                       (unsigned long long)r.from, (unsigned long long)r.to);
    if (rc == CLI_OK && kms_audit_history_read(&e.net, e.pe.contract, &r, &h, &err) != 0)
        rc = cli_fail_err(&err);
    cli_policy_progress_end(&e.line);
    if (rc == CLI_OK && c->json)
        rc = cli_print_json(kms_audit_history_json(&h));
    for (size_t i = 0; rc == CLI_OK && !c->json && i < h.n; i++)
        cli_policy_print_change(&h, i);
    if (rc == CLI_OK && !c->json)
        printf("%zu change%s in blocks %llu..%llu\n", h.n, h.n == 1 ? "" : "s",
               (unsigned long long)r.from, (unsigned long long)r.to);
    kms_audit_history_clear(&h);
    cli_audit_close(&e);
    return rc;
}

/* ---- diff ---- */

static int run_diff(cli_call *c)
{
    if (!cli_given(c, "from"))
        return cli_usage(c, "give the earlier point: --from BLOCK|DATE");
    cli_audit_env e;
    kms_audit_state a = {0}, b = {0};
    kms_audit_diff d = {0};
    uint64_t from = 0, to = 0;
    eth_error err = {0};
    int rc = cli_audit_open(c, &e);
    if (rc == CLI_OK)
        rc = cli_audit_point(c, &e, "from", false, &from);
    if (rc == CLI_OK)
        rc = point_or(c, &e, "to", false, e.head, &to);
    if (rc == CLI_OK && to < from)
        rc = cli_usage(c, "--to comes before --from (blocks %llu and %llu)",
                       (unsigned long long)to, (unsigned long long)from);
    if (rc == CLI_OK)
        rc = read_state(&e, from, &a);
    if (rc == CLI_OK)
        rc = read_state(&e, to, &b);
    if (rc == CLI_OK && kms_audit_diff_states(&a, &b, &d, &err) != 0)
        rc = cli_fail_err(&err);
    if (rc == CLI_OK && c->json)
        rc = cli_print_json(json_pack("{s:I,s:I,s:o}", "from", (json_int_t)a.block, "to",
                                      (json_int_t)b.block, "differences", kms_audit_diff_json(&d)));
    else if (rc == CLI_OK)
        cli_policy_print_diff(&d, &a, &b);
    kms_audit_diff_clear(&d);
    kms_audit_state_clear(&a);
    kms_audit_state_clear(&b);
    cli_audit_close(&e);
    return rc;
}

/* ---- pending ---- */

static json_t *pending_json(const kms_audit_ops *ops, const kms_audit_proposals *props)
{
    json_t *o = json_array(), *p = json_array();
    for (size_t i = 0; o && i < ops->n; i++) {
        json_array_append_new(o, kms_audit_op_json(&ops->items[i]));
    }
    for (size_t i = 0; p && i < props->n; i++) {
        const kms_audit_proposal *a = &props->items[i];
        json_array_append_new(p, json_pack("{s:s,s:o,s:o,s:I,s:I,s:I,s:s?}", "file", a->path,
                                           "safe", eth_json_address(a->p.safe), "safeTxHash",
                                           eth_json_hex(a->p.safe_tx_hash, 32), "signatures",
                                           (json_int_t)kms_proposal_count_sigs(&a->p),
                                           "nestedSignatures", (json_int_t)a->p.nnested,
                                           "threshold", (json_int_t)a->threshold, "description",
                                           a->p.description));
    }
    return json_pack("{s:o,s:o}", "operations", o, "proposals", p);
}

static int run_pending(cli_call *c)
{
    cli_audit_env e;
    kms_audit_targets t = {0};
    kms_audit_ops ops = {0};
    kms_audit_proposals props = {0};
    cli_known k;
    uint64_t now = 0;
    eth_error err = {0};
    const char *dir = cli_opt(c, "proposals") ? cli_opt(c, "proposals") : ".";
    int rc = cli_audit_open(c, &e);
    if (rc == CLI_OK &&
        (kms_audit_targets_read(&e.net, e.pe.contract, e.origin, e.head, &t, &err) != 0 ||
         kms_audit_pending_ops(&e.net, &t, e.origin, e.head, &ops, &err) != 0 ||
         kms_audit_proposals_read(e.pe.chain.rpc, dir, e.pe.chain.chain_id, &props, &err) != 0 ||
         cli_chain_now(&e.pe.chain, &now, &err) != 0))
        rc = cli_fail_err(&err);
    cli_policy_progress_end(&e.line);
    if (rc == CLI_OK)
        cli_audit_known(&t, &k);
    if (rc == CLI_OK && c->json)
        rc = cli_print_json(pending_json(&ops, &props));
    else if (rc == CLI_OK)
        cli_policy_print_pending(&ops, &props, now, &k);
    kms_audit_proposals_clear(&props);
    kms_audit_ops_clear(&ops);
    kms_audit_targets_clear(&t);
    cli_audit_close(&e);
    return rc;
}

static const cli_action POLICY_ACTIONS[] = {
    {"show", "the live policy: who can change what, how fast, and every allowed value",
     run_show, "", 0, 0, SHOW_SETS,
     "the policy as JSON: owner, control (the governance tree), kmsInfo, the sets with\n"
     "\"members\" and \"denied\", \"apps\", \"summary\" and \"warnings\" (docs/policy.md)",
     "Reads the DstackKms proxy and every app it registered as of one block. It opens with\n"
     "who can change what and how fast (the owner followed through timelocks and nested\n"
     "Safes), and warns about anything that can change at once, anything a single key\n"
     "controls, an ownership transfer waiting to be accepted, and an app whose code is not\n"
     "the KMS's app implementation. The sets (OS images, KMS measurements and devices,\n"
     "registered apps, each app's compose hashes and devices) are rebuilt from the\n"
     "contracts' events and every member is checked with the contract's getter: a member\n"
     "the events keep but the getter denies is shown as a mismatch.",
     "$ kmsctl policy show --manifest kmsctl-deployment.json\n"
     "policy as of block 42 (2026-01-31 12:00:00 UTC)\n\nwho can change what, and how fast\n"
     "  DstackKms: a 2-of-3 Safe 0xa513..C853 through a 1 d timelock 0x8A79..C318\n"
     "  app 0x9bd0..7CC9: a single EOA 0x90F7..b906, at once, upgradeable\n"
     "  ! app 0x9bd0..7CC9: a change takes effect at once, with no notice (no timelock delay)\n"
     "  ! app 0x9bd0..7CC9: a single key is enough to change it\n..."},
    {"history", "every change with its time, transaction, actor and governance path",
     run_history, "", 0, 0, HISTORY_SETS,
     "an array of changes: block, timestamp, tx, contract, policy, value, enabled, actor,\n"
     "words, path (the Safe and its signers, the timelock operation and its schedule)",
     "Lists every PolicyChanged of the DstackKms and of its apps, and every ownership\n"
     "transfer, in chain order: when (block time), what in words, the transaction, the\n"
     "actor, and the path the change took: sent directly, through a Safe (with the owners\n"
     "whose signatures it carried), through a timelock operation (with when and by whom it\n"
     "was scheduled). Events are read over block ranges in parallel (--threads); a range the\n"
     "node refuses is split until it answers.",
     "$ kmsctl policy history --since 2026-01-30\n"
     "2026-01-31 12:00:00 UTC  block 40  DstackKms: os-image 0x1111...1111 allowed\n"
     "    tx 0x9f..., actor 0x8A79...C318: sent by 0xf39F..2266 through the Safe 0xa513..C853\n"
     "    (signed by 0x7099..79C8, 0x3C44..93BC) through the timelock 0x8A79..C318 (operation\n"
     "    0x5e..., scheduled 2026-01-30 11:59:00 UTC in block 38, ...)\n1 change in blocks 20..42"},
    {"diff", "what was added and removed between two blocks or dates", run_diff, "", 0, 0,
     DIFF_SETS,
     "{\"from\", \"to\", \"differences\": [{\"kind\", \"where\", \"what\", \"before\",\n"
     "\"after\"}]}",
     "Reads the policy as of --from and as of --to (default: the latest block) and lists\n"
     "what each set gained (+) and lost (-), and each value that changed (~).",
     "$ kmsctl policy diff --from 30 --to 42\nfrom block 30 (...) to block 42 (...): 1 difference\n"
     "  + DstackKms: os-image 0x1111...1111"},
    {"pending", "timelock operations and Safe proposals not yet executed", run_pending, "", 0,
     0, PENDING_SETS, "{\"operations\": [...], \"proposals\": [...]}",
     "Lists what is about to change: the operations of the timelocks that own the DstackKms\n"
     "or its apps which are scheduled and neither executed nor cancelled and call the policy\n"
     "(with their state, ETA and calls decoded), and the Safe proposal files in --proposals\n"
     "DIR that their Safe has not executed yet (with their signatures).",
     "$ kmsctl policy pending\n"
     "timelock 0x8A79...C318 operation 0x5e...: waiting, ready at 2026-02-01 12:00:00 UTC (in 23\n"
     "h 59 m)\n"
     "    DstackKms 0x...: addOsImageHash(bytes32 osImageHash = 0x2222...2222)"},
    {"watch", "print each policy change and timelock schedule as it lands", cli_policy_watch, "",
     0, 0, CLI_POLICY_WATCH_SETS,
     "one JSON object per line: {\"change\": ...} or {\"scheduled\": ...}",
     "Follows new blocks and prints each change as history does, and each timelock operation\n"
     "on the policy as it is scheduled, with its ETA: the notice governance gives auditors.\n"
     "With --alert-unexpected it stops with exit code 1 at a change that did not come\n"
     "through the expected governance: the manifest's timelock for a timelock deployment,\n"
     "else the owner (or pending owner) the contract had when watching began.",
     "$ kmsctl policy watch --alert-unexpected\nkmsctl: watching DstackKms 0x... from block 43\n"
     "2026-01-31 12:05:00 UTC  block 43  DstackKms: os-image 0x3333...3333 allowed\n"
     "    tx 0x..., actor 0xf39F...2266: sent directly by 0xf39F..2266\n"
     "kmsctl: unexpected: DstackKms changed by 0xf39F...2266, not through 0x8A79...C318"},
};

const cli_group GROUP_POLICY = {
    "policy",
    "audit the policy: who can change it and how fast, its history, diffs, pending changes",
    "Reads a DstackKms and its apps off the chain (--kms ADDR, or --manifest FILE of its\n"
    "deployment) and says what is allowed now, who can change it and how fast, who changed\n"
    "what and when, and what is about to change. Nothing is sent.",
    POLICY_ACTIONS,
    sizeof POLICY_ACTIONS / sizeof POLICY_ACTIONS[0],
};
