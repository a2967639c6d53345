/* safe_files.c: proposal files written from the command line, and Transaction Builder files. */
#include "safe_files.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "args.h"
#include "chain.h"
#include "eth/address.h"
#include "eth/hex.h"
#include "eth/json.h"
#include "eth/text.h"
#include "keyflags.h"
#include "kms/decode.h"
#include "kms/proposal.h"
#include "kms/safe_canonical.h"
#include "kms/txbuilder.h"
#include "policy_cli.h"

static const cli_flag PROPOSAL_OUT_FLAGS[] = {
    {"out", "FILE", "where the proposal goes (default safe-tx-NONCE-HASH.json)", NULL, false},
    {"no-sign", NULL, "do not sign it, even when the key given is an owner's", NULL, false},
    {"nonce", "N", "the Safe nonce to use (default: the Safe's current one)", NULL, false},
    {"description", "TEXT", "one line for the signers (default: the decoded call)", NULL, false},
    {"safe", "ADDR", "the Safe", NULL, false},
    CLI_FLAGS_END,
};
static const cli_flag PROPOSE_FLAGS[] = {
    {"to", "ADDR", "the call's target", NULL, false},
    {"data", "HEX", "its calldata (default none)", NULL, false},
    {"value", "AMOUNT", "ether sent along (default 0)", NULL, false},
    {"delegatecall", NULL, "a DELEGATECALL (operation 1): the target's code runs as the Safe",
     NULL, false},
    CLI_FLAGS_END,
};
static const cli_flag EXPORT_FLAGS[] = {
    {"tx-builder", "OUT", "the batch file to write", NULL, false},
    CLI_FLAGS_END,
};

const cli_flag *const CLI_SAFE_PROPOSE_SETS[] = {PROPOSE_FLAGS, PROPOSAL_OUT_FLAGS,
                                                 CLI_CHAIN_FLAGS, CLI_KEY_FLAGS, NULL};
const cli_flag *const CLI_SAFE_EXPORT_SETS[] = {EXPORT_FLAGS, NULL};
const cli_flag *const CLI_SAFE_IMPORT_SETS[] = {PROPOSAL_OUT_FLAGS, CLI_CHAIN_FLAGS,
                                                CLI_KEY_FLAGS, NULL};

/* ---- writing a proposal ---- */

/* Shows what tx does, the contracts in known (may be NULL) and the Safe expected. */
static void show_decoded(const uint8_t safe[20], const kms_safe_tx *tx, const cli_known *known)
{
    cli_known k = {.n = 0};
    if (known)
        k = *known;
    cli_known_add(&k, safe, "the Safe", "SafeL2");
    kms_decoded d;
    eth_buf text = {0};
    eth_error err = {0};
    if (kms_decode_safe_tx(k.k, k.n, safe, tx, &d, &err) == 0 &&
        kms_decoded_render(&d, &text, &err) == 0)
        fprintf(stderr, "the Safe transaction does:\n%.*s", (int)text.len, (const char *)text.data);
    kms_decoded_clear(&d);
    eth_buf_clear(&text);
}

/* Merges the proposal already at path into p, when there is one: the same transaction keeps
 * its signatures; another one is refused. */
static int merge_existing(const char *path, kms_proposal *p, eth_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    fclose(f);
    kms_proposal old;
    int rc = kms_proposal_load(path, &old, err);
    if (rc == 0 && memcmp(old.safe_tx_hash, p->safe_tx_hash, 32) != 0)
        rc = eth_fail(err, ETH_ESTATE, "%s holds another Safe transaction: give another --out",
                      path);
    if (rc == 0)
        rc = kms_proposal_merge(p, &old, NULL, err);
    kms_proposal_clear(&old);
    return rc;
}

static bool is_owner(const kms_safe_info *info, const eth_signer *s)
{
    for (size_t i = 0; s && i < info->nowners; i++)
        if (memcmp(info->owners[i], eth_signer_address(s), 20) == 0)
            return true;
    return false;
}

/* Fills p's owners and description and the signer's signature. */
static int prepare(const cli_call *c, kms_proposal *p, const kms_safe_info *info,
                   const char *description, const eth_signer *signer, eth_error *err)
{
    kms_safe_sig sig;
    int rc = kms_proposal_set_owners(p, (const uint8_t(*)[20])info->owners, info->nowners,
                                     info->threshold, err);
    if (rc == 0)
        rc = kms_proposal_set_description(p, description, err);
    if (rc == 0 && is_owner(info, signer) && !cli_given(c, "no-sign")) {
        rc = kms_safe_sign(signer, p->safe_tx_hash, &sig, err);
        if (rc == 0)
            rc = kms_proposal_add_sig(p, &sig, err);
    }
    return rc;
}

int cli_proposal_write(const cli_call *c, uint64_t chain_id, const uint8_t safe[20],
                       const kms_safe_info *info, const kms_safe_tx *tx, const char *description,
                       const eth_signer *signer, const cli_known *known, json_t *out)
{
    kms_proposal p;
    eth_error err = {0};
    if (kms_proposal_init(&p, chain_id, safe, tx, &err) != 0)
        return cli_fail_err(&err);
    char path[512], h[67], nonce[U256_DEC_MAX];
    eth_hex_encode(p.safe_tx_hash, 32, h);
    u256_to_dec(&tx->nonce, nonce);
    snprintf(path, sizeof path, "%s", cli_opt(c, "out") ? cli_opt(c, "out") : "");
    if (!path[0])
        snprintf(path, sizeof path, "safe-tx-%s-%.10s.json", nonce, h + 2);
    int rc = CLI_OK;
    if (prepare(c, &p, info, description, signer, &err) != 0 ||
        merge_existing(path, &p, &err) != 0 || kms_proposal_save(path, &p, &err) != 0)
        rc = cli_fail_err(&err);
    if (rc == CLI_OK && !c->json)
        show_decoded(safe, tx, known);
    size_t n = kms_proposal_count_sigs(&p);
    json_object_set_new(out, "proposal", json_string(path));
    json_object_set_new(out, "safeTxHash", json_string(h));
    json_object_set_new(out, "signatures", json_integer((json_int_t)n));
    if (rc == CLI_OK && !c->json)
        printf("Safe proposal %s (safeTxHash %s, nonce %s): %zu of %" PRIu64 " signatures.\n"
               "Next: each owner runs kmsctl safe sign %s; then kmsctl safe exec %s\n",
               path, h, nonce, n, info->threshold, path, path);
    kms_proposal_clear(&p);
    return rc;
}

/* ---- safe propose and import ---- */

/* The chain, the Safe (--safe) and its setup, the signer (optional), the nonce. */
typedef struct propose_env {
    cli_policy_env pe;
    uint8_t safe[20];
    kms_safe_info info;
    u256 nonce;
} propose_env;

static int open_propose(const cli_call *c, propose_env *e)
{
    eth_error err = {0};
    memset(e, 0, sizeof *e);
    const char *safe = cli_opt(c, "safe"), *nonce = cli_opt(c, "nonce");
    if (!safe)
        return cli_usage(c, "give the Safe: --safe ADDR");
    if (eth_address_parse(safe, e->safe, 1, &err) != 0)
        return cli_usage(c, "--safe: %s", err.msg);
    uint64_t n = 0;
    if (nonce && cli_parse_uint(nonce, UINT64_MAX, &n) != 0)
        return cli_usage(c, "--nonce: expected a number");
    int rc = cli_chain_open(c, &e->pe.chain, &err);
    if (rc != 0)
        return cli_exit_code(rc, &err);
    e->pe.chain_open = true;
    if (kms_safe_read(e->pe.chain.rpc, e->safe, "latest", &e->info, &err) != 0)
        return cli_fail("--safe %s: %s", safe, err.msg);
    e->nonce = nonce ? u256_from_u64(n) : e->info.nonce;
    return cli_policy_signer(c, &e->pe);
}

static int propose_tx(const cli_call *c, propose_env *e, kms_safe_tx *tx, const char *words)
{
    json_t *out = json_object();
    tx->nonce = e->nonce;
    const char *desc = cli_opt(c, "description") ? cli_opt(c, "description") : words;
    int rc = cli_proposal_write(c, e->pe.chain.chain_id, e->safe, &e->info, tx, desc,
                                e->pe.signer, NULL, out);
    if (rc == CLI_OK && c->json)
        return cli_print_json(out);
    json_decref(out);
    return rc;
}

int cli_safe_propose(cli_call *c)
{
    propose_env e;
    kms_safe_tx tx;
    memset(&tx, 0, sizeof tx);
    eth_error err = {0};
    char shown[ETH_CLIP_BUF], words[160];
    const char *to = cli_opt(c, "to"), *data = cli_opt(c, "data"), *value = cli_opt(c, "value");
    if (!to)
        return cli_usage(c, "give the call's target: --to ADDR");
    if (eth_address_parse(to, tx.to, 1, &err) != 0)
        return cli_usage(c, "--to: %s", err.msg);
    if (data && eth_hex_decode(data, strlen(data), &tx.data, &err) != 0) {
        kms_safe_tx_clear(&tx);
        return cli_usage(c, "--data: %s", err.msg);
    }
    if (value && cli_parse_amount(value, &tx.value) != 0) {
        kms_safe_tx_clear(&tx);
        return cli_usage(c, "--value '%s': expected an amount", eth_text_clipz(value, shown));
    }
    tx.operation = cli_given(c, "delegatecall") ? KMS_SAFE_DELEGATECALL : KMS_SAFE_CALL;
    snprintf(words, sizeof words, "a %s to %s with %zu bytes of data",
             tx.operation ? "DELEGATECALL" : "call", eth_text_clipz(to, shown), tx.data.len);
    int rc = open_propose(c, &e);
    if (rc == CLI_OK)
        rc = propose_tx(c, &e, &tx, words);
    kms_safe_tx_clear(&tx);
    cli_policy_close(&e.pe);
    return rc;
}

static void multisend_address(uint8_t out[20])
{
    for (size_t i = 0; kms_safe_contract_at(i); i++)
        if (strcmp(kms_safe_contract_at(i)->name, "MultiSendCallOnly") == 0)
            kms_safe_contract_address(kms_safe_contract_at(i), out);
}

int cli_safe_import(cli_call *c)
{
    kms_tb_batch b;
    bool checksum_ok = false;
    eth_error err = {0};
    if (kms_tb_load(c->args[0], &b, &checksum_ok, &err) != 0)
        return cli_fail_err(&err);
    if (!checksum_ok)
        cli_warn("%s: its checksum is missing or wrong: it was edited after the Transaction "
                 "Builder wrote it; check every call below", c->args[0]);
    propose_env e;
    kms_safe_tx tx;
    uint8_t multisend[20];
    char words[160];
    multisend_address(multisend);
    int rc = open_propose(c, &e);
    if (rc == CLI_OK && b.chain_id != e.pe.chain.chain_id)
        rc = cli_fail("%s is for chain %" PRIu64 ", the node is on chain %" PRIu64, c->args[0],
                      b.chain_id, e.pe.chain.chain_id);
    if (rc == CLI_OK && kms_tb_safe_tx(&b, multisend, &tx, &err) != 0)
        rc = cli_fail_err(&err);
    snprintf(words, sizeof words, "%zu call(s) from the Transaction Builder batch \"%.80s\"",
             b.ntxs, b.name ? b.name : "");
    if (rc == CLI_OK) {
        rc = propose_tx(c, &e, &tx, words);
        kms_safe_tx_clear(&tx);
    }
    kms_tb_batch_clear(&b);
    cli_policy_close(&e.pe);
    return rc;
}

/* ---- safe export ---- */

/* The proposal's calls as batch transactions: a MultiSend unpacked, or its one call. */
static int batch_of(const kms_proposal *p, kms_tb_batch *b, eth_error *err)
{
    uint8_t ms[20];
    multisend_address(ms);
    kms_tl_call one = {.target = p->tx.to, .value = p->tx.value, .data = p->tx.data.data,
                       .len = p->tx.data.len},
                *calls = &one;
    size_t n = 1;
    bool unpack = p->tx.operation == KMS_SAFE_DELEGATECALL && memcmp(p->tx.to, ms, 20) == 0;
    if (p->tx.operation == KMS_SAFE_DELEGATECALL && !unpack)
        return eth_fail(err, ETH_EUNSUP, "the Transaction Builder makes only calls; this "
                                         "proposal is a DELEGATECALL to another contract");
    int rc = unpack ? kms_multisend_unpack(p->tx.data.data, p->tx.data.len, &calls, &n, err) : 0;
    b->txs = rc == 0 ? calloc(n, sizeof *b->txs) : NULL;
    if (rc == 0 && !b->txs)
        rc = eth_fail(err, ETH_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        memcpy(b->txs[i].to, calls[i].target, 20);
        b->txs[i].value = calls[i].value;
        b->ntxs = i + 1;
        rc = eth_buf_append(&b->txs[i].data, calls[i].data, calls[i].len, err);
    }
    if (unpack)
        free(calls);
    return rc;
}

int cli_safe_export(cli_call *c)
{
    const char *out = cli_opt(c, "tx-builder");
    if (!out)
        return cli_usage(c, "give the batch file to write: --tx-builder OUT");
    kms_proposal p;
    kms_tb_batch b;
    memset(&b, 0, sizeof b);
    json_t *doc = NULL;
    eth_error err = {0};
    struct timeval tv;
    gettimeofday(&tv, NULL);
    int rc = kms_proposal_load(c->args[0], &p, &err);
    if (rc == 0) {
        b.chain_id = p.chain_id;
        memcpy(b.safe, p.safe, 20);
        b.has_safe = true;
        rc = batch_of(&p, &b, &err);
    }
    if (rc == 0)
        rc = kms_tb_export(&b, (uint64_t)tv.tv_sec * 1000 + (uint64_t)tv.tv_usec / 1000, &doc,
                           &err);
    if (rc == 0)
        rc = eth_json_save(out, doc, 0644, &err);
    int code = rc ? cli_fail_err(&err) : CLI_OK;
    if (code == CLI_OK && c->json)
        code = cli_print_json(json_incref(doc));
    else if (code == CLI_OK)
        printf("wrote %s (%zu transaction(s)) for the Transaction Builder\n", out, b.ntxs);
    json_decref(doc);
    kms_tb_batch_clear(&b);
    kms_proposal_clear(&p);
    return code;
}
