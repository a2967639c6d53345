/* cmd_safe.c: kmsctl safe create|info|propose|sign|status|exec|approve|export|import: Safe
 * v1.4.1 multisig work from the terminal, with proposal files instead of a web app and a
 * transaction service (lib/kms/proposal.h). */
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
#include "keyflags.h"
#include "kms/call.h"
#include "kms/decode.h"
#include "kms/proposal.h"
#include "kms/safe.h"
#include "kms/safe_canonical.h"
#include "kms/txbuilder.h"
#include "policy_cli.h"
#include "safe_files.h"
#include "known.h"
#include "safe_print.h"
#include "txflags.h"

/* ---- reading what the chain says of a proposal ---- */

/* For the owner Safe inner: its threshold, and how many of p's nested signatures for it are by
 * its current owners. */
static int read_inner(const cli_chain *ch, const kms_proposal *p, const uint8_t inner[20],
                      uint64_t *threshold, size_t *nsigned, eth_error *err)
{
    kms_safe_info info;
    eth_buf scratch = {0};
    int rc = kms_safe_read(ch->rpc, inner, "latest", &info, err);
    if (rc == 0)
        rc = kms_proposal_nested_pack(p, inner, (const uint8_t(*)[20])info.owners, info.nowners,
                                      &scratch, nsigned, err);
    eth_buf_clear(&scratch);
    *threshold = rc == 0 ? info.threshold : 0;
    if (rc) {
        char a[43];
        eth_address_checksum(inner, a);
        return eth_error_prefix(err, "reading owner %s as a Safe (the file has signatures for "
                                     "it): ", a);
    }
    return 0;
}

static int read_onchain(const cli_chain *ch, const kms_proposal *p, cli_safe_onchain *oc,
                        eth_error *err)
{
    memset(oc, 0, sizeof *oc);
    if (ch->chain_id != p->chain_id)
        return eth_fail(err, ETH_ESTATE, "the proposal is for chain %" PRIu64 ", the node is on "
                                         "chain %" PRIu64, p->chain_id, ch->chain_id);
    int rc = kms_safe_read(ch->rpc, p->safe, "latest", &oc->info, err);
    char to[43], v[U256_DEC_MAX], g1[U256_DEC_MAX], g2[U256_DEC_MAX], g3[U256_DEC_MAX],
        tok[43], rr[43], n[U256_DEC_MAX], op[4], *data = NULL;
    if (rc == 0)
        rc = eth_hex_encode_alloc(p->tx.data.data, p->tx.data.len, &data, err);
    u256_to_dec(&p->tx.value, v);
    u256_to_dec(&p->tx.safe_tx_gas, g1);
    u256_to_dec(&p->tx.base_gas, g2);
    u256_to_dec(&p->tx.gas_price, g3);
    u256_to_dec(&p->tx.nonce, n);
    snprintf(op, sizeof op, "%u", p->tx.operation);
    const char *args[] = {kms_text_addr(p->tx.to, to), v, data, op, g1, g2, g3,
                          kms_text_addr(p->tx.gas_token, tok), kms_text_addr(p->tx.refund_receiver, rr), n};
    kms_result r;
    uint8_t h[32];
    if (rc == 0)
        rc = kms_view(ch->rpc, p->safe, NULL, "latest",
                      "getTransactionHash(address,uint256,bytes,uint8,uint256,uint256,uint256,"
                      "address,address,uint256)(bytes32)", args, 10, &r, err);
    free(data);
    if (rc == 0) {
        rc = kms_result_b32(&r, 0, h, err);
        kms_result_clear(&r);
        oc->hash_matches = rc == 0 && memcmp(h, p->safe_tx_hash, 32) == 0;
    }
    char hash[67], owner[43];
    const char *aargs[2] = {owner, kms_text_b32(p->safe_tx_hash, hash)};
    for (size_t i = 0; rc == 0 && i < oc->info.nowners; i++) {
        uint64_t approved = 0;
        kms_text_addr(oc->info.owners[i], owner);
        rc = kms_view(ch->rpc, p->safe, NULL, "latest",
                      "approvedHashes(address,bytes32)(uint256)", aargs, 2, &r, err);
        if (rc == 0) {
            rc = kms_result_u64(&r, 0, &approved, err);
            kms_result_clear(&r);
        }
        oc->approved[i] = approved != 0;
    }
    for (size_t i = 0; rc == 0 && i < oc->info.nowners; i++)
        if (kms_proposal_count_nested(p, oc->info.owners[i]))
            rc = read_inner(ch, p, oc->info.owners[i], &oc->inner_threshold[i],
                            &oc->inner_signed[i], err);
    oc->known = rc == 0;
    return rc;
}

/* Loads and merges the proposal files c->args[0..n). */
static int load_all(const cli_call *c, kms_proposal *p)
{
    eth_error err = {0};
    if (kms_proposal_load(c->args[0], p, &err) != 0)
        return cli_fail_err(&err);
    for (int i = 1; i < c->nargs; i++) {
        kms_proposal other;
        size_t added = 0;
        if (kms_proposal_load(c->args[i], &other, &err) != 0 ||
            kms_proposal_merge(p, &other, &added, &err) != 0) {
            kms_proposal_clear(&other);
            kms_proposal_clear(p);
            return cli_fail_err(&err);
        }
        kms_proposal_clear(&other);
    }
    return CLI_OK;
}

/* Opens the chain if one is given (or a devnet runs) and reads the proposal's state there. */
static int maybe_chain(const cli_call *c, const kms_proposal *p, cli_chain *ch, bool *opened,
                       cli_safe_onchain *oc)
{
    eth_error err = {0};
    memset(oc, 0, sizeof *oc);
    if (cli_chain_open_optional(c, ch, opened, &err) != 0)
        return cli_fail_err(&err);
    if (*opened && read_onchain(ch, p, oc, &err) != 0)
        return cli_fail_err(&err);
    return CLI_OK;
}

/* The contracts p is expected to call: those of --manifest, or of the default manifest. */
static void known_for(const cli_call *c, const kms_proposal *p, cli_known *k)
{
    k->n = 0;
    cli_known_from_manifest(k, cli_opt(c, "manifest"), p->chain_id);
}

/* ---- sign, status ---- */

static int ask_sign(const cli_call *c, uint32_t warnings, const char *who)
{
    char q[256];
    snprintf(q, sizeof q, "%sSign this Safe transaction as %s?",
             warnings ? "There are warnings above. " : "", who);
    if (cli_given(c, "yes"))
        return CLI_OK;
    cli_tx_opts o = {.yes = false};
    return cli_confirm(&o, q);
}

/* With --for-safe: its address into inner (*for_safe true); else *for_safe false. */
static int for_safe_flag(const cli_call *c, bool *for_safe, uint8_t inner[20])
{
    eth_error err = {0};
    const char *text = cli_opt(c, "for-safe");
    *for_safe = text != NULL;
    if (text && eth_address_parse(text, inner, 1, &err) != 0)
        return cli_usage(c, "--for-safe: %s", err.msg);
    return CLI_OK;
}

/* On chain: inner is an owner of p's Safe, and signer one of inner's owners. */
static int check_for_safe(const cli_chain *ch, const kms_proposal *p, const cli_safe_onchain *oc,
                          const uint8_t inner[20], const uint8_t signer[20])
{
    char a[43], b[43], safe[43];
    eth_address_checksum(inner, a);
    eth_address_checksum(signer, b);
    eth_address_checksum(p->safe, safe);
    bool owner = false;
    for (size_t i = 0; i < oc->info.nowners && !owner; i++)
        owner = memcmp(oc->info.owners[i], inner, 20) == 0;
    if (!owner)
        return cli_fail("%s is not an owner of Safe %s: --for-safe names an owner that is a Safe",
                        a, safe);
    kms_safe_info info;
    eth_error err = {0};
    if (kms_safe_read(ch->rpc, inner, "latest", &info, &err) != 0)
        return cli_fail("--for-safe %s: %s", a, err.msg);
    for (size_t i = 0; i < info.nowners; i++)
        if (memcmp(info.owners[i], signer, 20) == 0)
            return CLI_OK;
    return cli_fail("%s is not an owner of Safe %s: only its owners sign for it", b, a);
}

/* Signs p with s: as an owner, or (for_safe) for the owner Safe inner. */
static int sign_into(kms_proposal *p, const eth_signer *s, bool for_safe,
                     const uint8_t inner[20], eth_error *err)
{
    if (!for_safe) {
        kms_safe_sig sig;
        int rc = kms_safe_sign(s, p->safe_tx_hash, &sig, err);
        return rc ? rc : kms_proposal_add_sig(p, &sig, err);
    }
    kms_safe_nested_sig ns;
    uint8_t h[32];
    memcpy(ns.safe, inner, 20);
    kms_proposal_nested_hash(p, inner, h);
    int rc = kms_safe_sign(s, h, &ns.sig, err);
    return rc ? rc : kms_proposal_add_nested_sig(p, &ns, err);
}

static int run_sign(cli_call *c)
{
    kms_proposal p;
    cli_chain ch;
    bool opened = false, for_safe = false;
    uint8_t inner[20];
    cli_safe_onchain oc;
    eth_keysource ks = eth_keysource_none();
    eth_signer *s = NULL;
    eth_error err = {0};
    int rc = for_safe_flag(c, &for_safe, inner);
    if (rc == CLI_OK)
        rc = cli_key_source(c, &ks);
    if (rc != CLI_OK)
        return rc;
    rc = load_all(c, &p);
    if (rc != CLI_OK)
        return rc;
    rc = maybe_chain(c, &p, &ch, &opened, &oc);
    if (rc == CLI_OK && (opened ? cli_chain_signer(&ks, &ch, &s, &err)
                                : cli_key_resolve(&ks, &s, &err)) != 0)
        rc = cli_fail_err(&err);
    char who[43], as[128], a[43] = "";
    cli_known k;
    known_for(c, &p, &k);
    uint32_t warnings = rc == CLI_OK ? cli_safe_print_tx(stderr, &p, &oc, &k) : 0;
    if (rc == CLI_OK && oc.known && !oc.hash_matches)
        rc = cli_fail("refusing to sign: the Safe computes another hash for these fields");
    if (rc == CLI_OK && for_safe && oc.known)
        rc = check_for_safe(&ch, &p, &oc, inner, eth_signer_address(s));
    if (rc == CLI_OK) {
        eth_address_checksum(eth_signer_address(s), who);
        if (for_safe)
            eth_address_checksum(inner, a);
        snprintf(as, sizeof as, "%s%s%s", who, for_safe ? " for its owner Safe " : "", a);
        rc = ask_sign(c, warnings, as);
    }
    if (rc == CLI_OK && sign_into(&p, s, for_safe, inner, &err) != 0)
        rc = cli_fail_err(&err);
    for (size_t i = 0; rc == CLI_OK && for_safe && oc.known && i < oc.info.nowners; i++)
        if (memcmp(oc.info.owners[i], inner, 20) == 0 && /* count the new one too */
            read_inner(&ch, &p, inner, &oc.inner_threshold[i], &oc.inner_signed[i], &err) != 0)
            rc = cli_fail_err(&err);
    const char *out = cli_opt(c, "out") ? cli_opt(c, "out") : c->args[0];
    if (rc == CLI_OK && kms_proposal_save(out, &p, &err) != 0)
        rc = cli_fail_err(&err);
    if (rc == CLI_OK && c->json)
        rc = cli_print_json(cli_safe_status_json(&p, &oc));
    else if (rc == CLI_OK) {
        printf("signed %s%s%sas %s; saved to %s\n", for_safe ? "for Safe " : "", a,
               for_safe ? " " : "", who, out);
        cli_safe_print_sigs(stdout, &p, &oc);
    }
    eth_signer_free(s);
    if (opened)
        cli_chain_close(&ch);
    kms_proposal_clear(&p);
    return rc;
}

static int run_status(cli_call *c)
{
    kms_proposal p;
    cli_chain ch;
    bool opened = false;
    cli_safe_onchain oc;
    int rc = load_all(c, &p);
    if (rc != CLI_OK)
        return rc;
    rc = maybe_chain(c, &p, &ch, &opened, &oc);
    if (rc == CLI_OK && c->json)
        rc = cli_print_json(cli_safe_status_json(&p, &oc));
    else if (rc == CLI_OK) {
        cli_known k;
        known_for(c, &p, &k);
        cli_safe_print_tx(stdout, &p, &oc, &k);
        cli_safe_print_sigs(stdout, &p, &oc);
    }
    if (opened)
        cli_chain_close(&ch);
    kms_proposal_clear(&p);
    return rc;
}

/* ---- exec, approve ---- */

/* What exec packs: the owners' signatures and the owner Safes' contract signatures. */
typedef struct exec_sigs {
    kms_safe_sig sigs[KMS_SAFE_MAX_OWNERS];
    size_t n;
    kms_safe_contract_sig contracts[KMS_SAFE_MAX_OWNERS];
    eth_buf data[KMS_SAFE_MAX_OWNERS]; /* each contract's, owned */
    size_t nc;
} exec_sigs;

static void exec_sigs_clear(exec_sigs *x)
{
    for (size_t i = 0; i < x->nc; i++)
        eth_buf_clear(&x->data[i]);
    x->nc = x->n = 0;
}

/* Adds the contract signature of the owner Safe inner: its current owners' nested signatures
 * (as many as it needs were counted by read_onchain). */
static int add_contract(const cli_chain *ch, const kms_proposal *p, const uint8_t inner[20],
                        exec_sigs *x, eth_error *err)
{
    kms_safe_info info;
    size_t count = 0;
    eth_buf *data = &x->data[x->nc];
    *data = (eth_buf){0};
    int rc = kms_safe_read(ch->rpc, inner, "latest", &info, err);
    if (rc == 0)
        rc = kms_proposal_nested_pack(p, inner, (const uint8_t(*)[20])info.owners, info.nowners,
                                      data, &count, err);
    if (rc) {
        eth_buf_clear(data);
        return rc;
    }
    x->contracts[x->nc] = (kms_safe_contract_sig){.data = data->data, .len = data->len};
    memcpy(x->contracts[x->nc++].owner, inner, 20);
    return 0;
}

/* The signatures exec packs: the files' (by current owners), owner Safes with their threshold
 * of nested signatures, approveHash on chain, and the sender's own approval when it is an
 * owner and one more is needed. */
static int collect(const cli_chain *ch, const kms_proposal *p, const cli_safe_onchain *oc,
                   const uint8_t me[20], exec_sigs *x)
{
    eth_error err = {0};
    x->n = x->nc = 0;
    for (size_t i = 0; i < oc->info.nowners; i++) {
        const uint8_t *owner = oc->info.owners[i];
        const kms_safe_sig *s = NULL;
        for (size_t k = 0; k < p->nsigs && !s; k++)
            if (memcmp(p->sigs[k].owner, owner, 20) == 0)
                s = &p->sigs[k];
        if (s) {
            x->sigs[x->n++] = *s;
        } else if (cli_safe_inner_ready(oc, i)) {
            if (add_contract(ch, p, owner, x, &err) != 0)
                return cli_fail_err(&err);
        } else if (oc->approved[i] || memcmp(owner, me, 20) == 0) {
            kms_safe_sig_approved(owner, &x->sigs[x->n++]);
        }
    }
    if (x->n + x->nc < oc->info.threshold)
        return cli_fail("%zu of %" PRIu64 " signatures: not enough to execute (see kmsctl safe "
                        "status)", x->n + x->nc, oc->info.threshold);
    return CLI_OK;
}

/* Opens the chain, the signer and the proposal's state; needed by exec and approve. */
static int open_for_send(cli_call *c, kms_proposal *p, cli_policy_env *e, cli_safe_onchain *oc)
{
    eth_error err = {0};
    memset(e, 0, sizeof *e);
    int rc = cli_tx_opts_parse(c, &e->tx);
    if (rc == CLI_OK)
        rc = load_all(c, p);
    if (rc != CLI_OK)
        return rc;
    rc = cli_chain_open(c, &e->chain, &err);
    if (rc != 0)
        return cli_exit_code(rc, &err);
    e->chain_open = true;
    rc = cli_policy_signer(c, e);
    if (rc == CLI_OK && !e->signer)
        rc = cli_usage(c, "give the key that sends (--keystore, --account, --private-key-file)");
    if (rc == CLI_OK && read_onchain(&e->chain, p, oc, &err) != 0)
        rc = cli_fail_err(&err);
    if (rc == CLI_OK && !oc->hash_matches)
        rc = cli_fail("the Safe computes another hash for this proposal's fields: not sending");
    if (rc == CLI_OK && u256_cmp(&p->tx.nonce, &oc->info.nonce) != 0)
        rc = cli_fail("the Safe's nonce is not this transaction's: %s",
                      u256_cmp(&p->tx.nonce, &oc->info.nonce) < 0
                          ? "it ran already or was replaced"
                          : "execute the transactions before it first");
    return rc;
}

/* Sends data to the Safe from the signer (simulated first), printing what happened. */
static int send_to_safe(const cli_call *c, cli_policy_env *e, const kms_proposal *p,
                        const eth_buf *data, const char *what)
{
    kms_sender *s = NULL;
    eth_error err = {0};
    kms_sender_opts o = e->tx.sender;
    if (e->chain.is_devnet)
        o.poll_ms = 100;
    kms_txreq req = {.to = p->safe, .data = data->data, .data_len = data->len, .what = what};
    uint8_t hash[32];
    eth_receipt r;
    int rc = e->chain.is_devnet ? CLI_OK : cli_confirm(&e->tx, "Send it?");
    if (rc == CLI_OK && (kms_sender_open(e->chain.rpc, e->signer, &o, &s, &err) != 0 ||
                         kms_sender_send(s, &req, hash, &r, &err) != 0))
        rc = cli_fail_err(&err);
    kms_sender_free(s);
    if (rc != CLI_OK)
        return rc;
    char h[67];
    eth_hex_encode(hash, 32, h);
    if (c->json)
        return cli_print_json(json_pack("{s:s,s:s,s:I}", "what", what, "hash", h, "block",
                                        (json_int_t)r.block_number));
    printf("%s: done in block %" PRIu64 " (tx %s)\n", what, r.block_number, h);
    return CLI_OK;
}

static int run_exec(cli_call *c)
{
    kms_proposal p = {0};
    cli_policy_env e;
    cli_safe_onchain oc;
    static exec_sigs x; /* 64 owners' worth: not on the stack */
    eth_buf packed = {0}, data = {0};
    eth_error err = {0};
    int rc = open_for_send(c, &p, &e, &oc);
    if (rc == CLI_OK)
        rc = collect(&e.chain, &p, &oc, eth_signer_address(e.signer), &x);
    if (rc == CLI_OK &&
        (kms_safe_sigs_pack_with(x.sigs, x.n, x.contracts, x.nc, &packed, &err) != 0 ||
         kms_safe_exec_data(&p.tx, packed.data, packed.len, &data, &err) != 0))
        rc = cli_fail_err(&err);
    exec_sigs_clear(&x);
    cli_known k;
    known_for(c, &p, &k);
    if (rc == CLI_OK && !c->json)
        cli_safe_print_tx(stderr, &p, &oc, &k);
    if (rc == CLI_OK)
        rc = send_to_safe(c, &e, &p, &data, "Safe.execTransaction");
    eth_buf_clear(&packed);
    eth_buf_clear(&data);
    kms_proposal_clear(&p);
    cli_policy_close(&e);
    return rc;
}

static int run_approve(cli_call *c)
{
    kms_proposal p = {0};
    cli_policy_env e;
    cli_safe_onchain oc;
    eth_buf data = {0};
    eth_error err = {0};
    int rc = open_for_send(c, &p, &e, &oc);
    bool owner = false;
    for (size_t i = 0; rc == CLI_OK && i < oc.info.nowners; i++)
        owner |= memcmp(oc.info.owners[i], eth_signer_address(e.signer), 20) == 0;
    if (rc == CLI_OK && !owner)
        rc = cli_fail("the key given is not an owner of the Safe: its approval would not count");
    cli_known k;
    known_for(c, &p, &k);
    if (rc == CLI_OK && !c->json)
        cli_safe_print_tx(stderr, &p, &oc, &k);
    if (rc == CLI_OK && kms_safe_approve_hash_data(p.safe_tx_hash, &data, &err) != 0)
        rc = cli_fail_err(&err);
    if (rc == CLI_OK)
        rc = send_to_safe(c, &e, &p, &data, "Safe.approveHash");
    eth_buf_clear(&data);
    kms_proposal_clear(&p);
    cli_policy_close(&e);
    return rc;
}

/* ---- create, info ---- */

static int read_owners(const cli_call *c, uint8_t (*owners)[20], size_t *n)
{
    const char *text = cli_opt(c, "owners");
    *n = 0;
    if (!text)
        return cli_usage(c, "give --owners A,B,C");
    for (const char *p = text;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char one[64];
        eth_error err = {0};
        if (*n == KMS_SAFE_MAX_OWNERS || len > 63)
            return cli_usage(c, "--owners: too many, or one too long");
        snprintf(one, sizeof one, "%.*s", (int)len, p);
        if (eth_address_parse(one, owners[*n], 1, &err) != 0)
            return cli_usage(c, "--owners: owner %zu: %s", *n + 1, err.msg);
        (*n)++;
        if (!end)
            return CLI_OK;
        p = end + 1;
    }
}

static void canonical(const char *name, uint8_t out[20])
{
    for (size_t i = 0; kms_safe_contract_at(i); i++)
        if (strcmp(kms_safe_contract_at(i)->name, name) == 0)
            kms_safe_contract_address(kms_safe_contract_at(i), out);
}

static int run_create(cli_call *c)
{
    uint8_t owners[KMS_SAFE_MAX_OWNERS][20], singleton[20], factory[20], fallback[20], addr[20];
    size_t n = 0;
    uint64_t threshold = 0, salt = (uint64_t)time(NULL);
    int rc = read_owners(c, owners, &n);
    const char *k = cli_opt(c, "threshold"), *sn = cli_opt(c, "salt-nonce");
    if (rc == CLI_OK && (!k || cli_parse_uint(k, KMS_SAFE_MAX_OWNERS, &threshold) != 0))
        rc = cli_usage(c, "give --threshold K (1 to the number of owners)");
    if (rc == CLI_OK && sn && cli_parse_uint(sn, UINT64_MAX, &salt) != 0)
        rc = cli_usage(c, "--salt-nonce: expected a number");
    if (rc != CLI_OK)
        return rc;
    canonical("SafeL2", singleton);
    canonical("SafeProxyFactory", factory);
    canonical("CompatibilityFallbackHandler", fallback);
    kms_safe_setup s = {.owners = (const uint8_t(*)[20])owners, .nowners = n,
                        .threshold = threshold, .fallback_handler = fallback};
    u256 salt_nonce = u256_from_u64(salt);
    eth_buf init = {0}, data = {0};
    eth_error err = {0};
    cli_policy_env e;
    memset(&e, 0, sizeof e);
    if (kms_safe_setup_data(&s, &init, &err) != 0 ||
        kms_safe_create_data(singleton, init.data, init.len, &salt_nonce, &data, &err) != 0 ||
        kms_safe_proxy_address(factory, singleton, init.data, init.len, &salt_nonce, addr,
                               &err) != 0)
        rc = cli_fail_err(&err);
    if (rc == CLI_OK)
        rc = cli_tx_opts_parse(c, &e.tx);
    if (rc == CLI_OK && (rc = cli_chain_open(c, &e.chain, &err)) != 0)
        rc = cli_exit_code(rc, &err);
    e.chain_open = rc == CLI_OK;
    if (rc == CLI_OK)
        rc = cli_policy_signer(c, &e);
    if (rc == CLI_OK && !e.signer)
        rc = cli_usage(c, "give the key that sends (--keystore, --account, --private-key-file)");
    kms_sender *snd = NULL;
    kms_txreq req = {.to = factory, .data = data.data, .data_len = data.len,
                     .what = "SafeProxyFactory.createProxyWithNonce"};
    kms_sender_opts o = e.tx.sender;
    if (rc == CLI_OK && (kms_sender_open(e.chain.rpc, e.signer, &o, &snd, &err) != 0 ||
                         kms_sender_send(snd, &req, NULL, NULL, &err) != 0))
        rc = cli_fail_err(&err);
    kms_sender_free(snd);
    char a[43];
    eth_address_checksum(addr, a);
    if (rc == CLI_OK && c->json)
        rc = cli_print_json(json_pack("{s:s,s:I,s:I}", "safe", a, "threshold",
                                      (json_int_t)threshold, "owners", (json_int_t)n));
    else if (rc == CLI_OK)
        printf("created the %" PRIu64 "-of-%zu Safe %s (SafeL2 v1.4.1)\n", threshold, n, a);
    eth_buf_clear(&init);
    eth_buf_clear(&data);
    cli_policy_close(&e);
    return rc;
}

static int safe_flag(const cli_call *c, uint8_t out[20])
{
    eth_error err = {0};
    const char *s = cli_opt(c, "safe");
    if (!s)
        return cli_usage(c, "give the Safe: --safe ADDR");
    return eth_address_parse(s, out, 1, &err) ? cli_usage(c, "--safe: %s", err.msg) : CLI_OK;
}

/* What owner is, for safe info: "" (an account without code), " (a Safe: 2 of 3 owners; they
 * sign for it with safe sign --for-safe)", or " (a contract)". Returns 0 or an RPC error. */
static int owner_kind(eth_rpc *rpc, const uint8_t owner[20], char out[128], eth_error *err)
{
    eth_buf code = {0};
    kms_safe_info inner;
    out[0] = '\0';
    int rc = eth_rpc_get_code(rpc, owner, "latest", &code, err);
    size_t n = code.len;
    eth_buf_clear(&code);
    if (rc || n == 0)
        return rc;
    rc = kms_safe_read(rpc, owner, "latest", &inner, err);
    if (rc == -ETH_ESTATE || rc == -ETH_EREVERT || rc == -ETH_EINVAL) {
        snprintf(out, 128, " (a contract)");
        return 0;
    }
    if (rc == 0)
        snprintf(out, 128, " (a Safe: %" PRIu64 " of %zu owners; they sign for it with safe sign "
                           "--for-safe)", inner.threshold, inner.nowners);
    return rc;
}

static int run_info(cli_call *c)
{
    uint8_t safe[20];
    cli_chain ch;
    kms_safe_info i;
    eth_error err = {0};
    int rc = safe_flag(c, safe);
    if (rc != CLI_OK)
        return rc;
    rc = cli_chain_open(c, &ch, &err);
    if (rc != 0)
        return cli_exit_code(rc, &err);
    if (kms_safe_read(ch.rpc, safe, "latest", &i, &err) != 0)
        rc = cli_fail_err(&err);
    char a[43], nonce[U256_DEC_MAX];
    if (rc == CLI_OK && c->json) {
        u256_to_dec(&i.nonce, nonce);
        rc = cli_print_json(json_pack(
            "{s:o,s:I,s:s,s:s,s:o,s:o,s:o,s:o}", "owners",
            eth_json_address_list((const uint8_t(*)[20])i.owners, i.nowners), "threshold",
            (json_int_t)i.threshold, "nonce", nonce, "version", i.version, "singleton",
            eth_json_address(i.singleton), "fallbackHandler", eth_json_address(i.fallback_handler),
            "guard", eth_json_address(i.guard), "modules",
            eth_json_address_list((const uint8_t(*)[20])i.modules, i.nmodules)));
    } else if (rc == CLI_OK) {
        u256_to_dec(&i.nonce, nonce);
        printf("Safe %s (version %s): %" PRIu64 " of %zu owners, nonce %s\n",
               cli_opt(c, "safe"), i.version, i.threshold, i.nowners, nonce);
        for (size_t k = 0; rc == CLI_OK && k < i.nowners; k++) {
            char kind[128];
            eth_address_checksum(i.owners[k], a);
            if (owner_kind(ch.rpc, i.owners[k], kind, &err) != 0)
                rc = cli_fail_err(&err);
            else
                printf("  owner     %s%s\n", a, kind);
        }
    }
    if (rc == CLI_OK && !c->json) {
        eth_address_checksum(i.singleton, a);
        printf("  singleton %s\n", a);
        eth_address_checksum(i.fallback_handler, a);
        printf("  fallback  %s\n", a);
        eth_address_checksum(i.guard, a);
        printf("  guard     %s\n  modules   %zu\n", a, i.nmodules);
    }
    cli_chain_close(&ch);
    return rc;
}

/* ---- the table ---- */

static const cli_flag SAFE_FLAGS[] = {
    {"safe", "ADDR", "the Safe", NULL, false},
    CLI_FLAGS_END,
};
static const cli_flag CREATE_FLAGS[] = {
    {"owners", "A,B,C", "the owners", NULL, false},
    {"threshold", "K", "signatures a transaction needs", NULL, false},
    {"salt-nonce", "N", "SafeProxyFactory's salt nonce (default: the time)", NULL, false},
    CLI_FLAGS_END,
};
static const cli_flag MANIFEST_FLAGS[] = {
    {"manifest", "FILE", "the deployment whose contracts the transaction is expected to call\n"
                         "(default kmsctl-deployment.json when it exists)", NULL, false},
    CLI_FLAGS_END,
};
static const cli_flag OUT_FLAGS[] = {
    {"out", "FILE", "write the signed proposal there (default: in place)", NULL, false},
    {"yes", NULL, "do not ask before signing", NULL, false},
    CLI_FLAGS_END,
};
static const cli_flag FOR_SAFE_FLAGS[] = {
    {"for-safe", "ADDR", "sign for an owner that is itself a Safe, as one of ITS owners\n"
                         "(EIP-1271: it counts once that Safe's threshold signed)", NULL, false},
    CLI_FLAGS_END,
};

static const cli_flag *const CREATE_SETS[] = {CREATE_FLAGS, CLI_CHAIN_FLAGS, CLI_KEY_FLAGS,
                                             CLI_TX_FLAGS, NULL};
static const cli_flag *const INFO_SETS[] = {SAFE_FLAGS, CLI_CHAIN_FLAGS, NULL};
static const cli_flag *const SIGN_SETS[] = {OUT_FLAGS, FOR_SAFE_FLAGS, MANIFEST_FLAGS, CLI_CHAIN_FLAGS,
                                           CLI_KEY_FLAGS, NULL};
static const cli_flag *const STATUS_SETS[] = {MANIFEST_FLAGS, CLI_CHAIN_FLAGS, NULL};
static const cli_flag *const SEND_SETS[] = {MANIFEST_FLAGS, CLI_CHAIN_FLAGS, CLI_KEY_FLAGS,
                                           CLI_TX_FLAGS, NULL};

#define FILE_EX "safe-tx-3-4f1c2a9b0e.json"

static const cli_action SAFE_ACTIONS[] = {
    {"create", "create a Safe (SafeL2 v1.4.1) through the canonical factory", run_create, "", 0,
     0, CREATE_SETS, "{\"safe\", \"threshold\", \"owners\"}",
     "Creates a Safe with --owners and --threshold through SafeProxyFactory v1.4.1 (CREATE2:\n"
     "its address is known before it exists), with the compatibility fallback handler.",
     "$ kmsctl safe create --owners 0x7099...,0x3C44...,0x90F7... --threshold 2 --devnet\n"
     "created the 2-of-3 Safe 0x..."},
    {"info", "a Safe's owners, threshold, nonce, modules and guard", run_info, "", 0, 0,
     INFO_SETS, "{\"owners\", \"threshold\", \"nonce\", \"version\", \"singleton\", "
                "\"fallbackHandler\", \"guard\", \"modules\"}",
     "Reads a Safe's setup from the chain.",
     "$ kmsctl safe info --safe 0xE62F... --devnet\nSafe 0xE62F... (version 1.4.1): 2 of 3 "
     "owners, nonce 0"},
    {"propose", "write a proposal file for any Safe transaction", cli_safe_propose, "", 0, 0,
     CLI_SAFE_PROPOSE_SETS, "{\"proposal\", \"safeTxHash\"}",
     "Writes a proposal of a call (--to, --data, --value; --delegatecall) from the Safe at its\n"
     "current nonce (or --nonce). kmsctl kms, app and timelock write proposals for you when a\n"
     "Safe governs the contract.",
     "$ kmsctl safe propose --safe 0xE62F... --to 0x8A79... --data 0x... --out p.json\n"
     "Safe proposal p.json (safeTxHash 0x...): 0 of 2 signatures."},
    {"sign", "check a proposal and add your signature (works offline)", run_sign, "FILE...", 1,
     -1, SIGN_SETS, "the status, as kmsctl safe status --json",
     "Shows every field that goes into the hash, the domain hash, message hash and safeTxHash\n"
     "(what a hardware wallet shows), and the decoded calls, layer by layer, with warnings\n"
     "(a DELEGATECALL, a change of the Safe's owners, threshold, modules, guard or fallback\n"
     "handler, a gas refund, an unknown target or function). Then asks, signs with your key\n"
     "(EIP-712), and saves the file. With an RPC (or a running devnet) it also checks the hash\n"
     "against the Safe's getTransactionHash; with none it needs nothing but the file.\n"
     "An owner that is a Safe signs through its own owners: each signs with --for-safe ITS\n"
     "address (the Safe's SafeMessage hash of this transaction); once that Safe's threshold\n"
     "signed, exec hands their signatures to it as its contract signature (EIP-1271).",
     "$ kmsctl safe sign " FILE_EX " --account alice\n...\nsigned as 0x7099...; saved to "
     FILE_EX "\n$ kmsctl safe sign " FILE_EX " --account bob --for-safe 0x5FbD...\n...\n"
     "signed for Safe 0x5FbD... as 0x3C44...; saved to " FILE_EX},
    {"status", "who signed a proposal and who is missing", run_status, "FILE...", 1, -1,
     STATUS_SETS, "{\"safe\", \"nonce\", \"safeTxHash\", \"threshold\", \"signatures\", "
                  "\"signed\", \"missing\", \"ready\", \"hashCheckedOnChain\"}",
     "Merges the proposal files (copies signed by different owners) and shows the transaction\n"
     "and its signatures against the threshold.",
     "$ kmsctl safe status alice.json bob.json\n...\nSignatures: 2 of 2 needed (enough: ...)"},
    {"exec", "execute a proposal once enough owners signed", run_exec, "FILE...", 1, -1,
     SEND_SETS, "{\"what\", \"hash\", \"block\"}",
     "Merges the files, adds approvals made on chain (approveHash) and the sender's own when it\n"
     "is an owner, sorts and packs the signatures, simulates and sends execTransaction.",
     "$ kmsctl safe exec alice.json bob.json --dev-account 0\nSafe.execTransaction: done in "
     "block 42 (tx 0x...)"},
    {"approve", "approve a proposal on chain (approveHash) instead of signing", run_approve,
     "FILE", 1, 1, SEND_SETS, "{\"what\", \"hash\", \"block\"}",
     "Sends approveHash(safeTxHash) from your key, an owner's: it counts as your signature.",
     "$ kmsctl safe approve " FILE_EX " --account bob\nSafe.approveHash: done in block 41"},
    {"export", "a proposal as a Transaction Builder batch file", cli_safe_export, "FILE", 1, 1,
     CLI_SAFE_EXPORT_SETS, "the batch file's JSON",
     "Writes the proposal's calls (a MultiSend unpacked) as the Safe web app's Transaction\n"
     "Builder batch JSON, so owners who use the web app can load it.",
     "$ kmsctl safe export " FILE_EX " --tx-builder batch.json\nwrote batch.json (3 "
     "transactions)"},
    {"import", "a proposal from a Transaction Builder batch file", cli_safe_import, "BATCH", 1, 1,
     CLI_SAFE_IMPORT_SETS, "{\"proposal\", \"safeTxHash\"}",
     "Reads a Transaction Builder batch file and writes a proposal of its calls (one call, or\n"
     "a MultiSend of several) for --safe at its current nonce (or --nonce).",
     "$ kmsctl safe import batch.json --safe 0xE62F... --out p.json\nSafe proposal p.json ..."},
};

const cli_group GROUP_SAFE = {
    "safe",
    "Safe multisig: create, info, propose, sign, status, exec, approve, export, import",
    "Safe v1.4.1 workflows with no web app and no transaction service: a proposal is a file\n"
    "(docs/safe-proposals.md) that owners sign one after another or in copies that merge.",
    SAFE_ACTIONS,
    sizeof SAFE_ACTIONS / sizeof SAFE_ACTIONS[0],
};
