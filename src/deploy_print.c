/* deploy_print.c: the plan, the cost and the result of kmsctl deploy, for people and scripts. */
#include "deploy_print.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "eth/address.h"
#include "eth/hex.h"
#include "format.h"
#include "kms/deploy_journal.h"
#include "kms/manifest.h"

static void list_steps(FILE *f, const kms_plan *p)
{
    for (size_t i = 0; i < p->nsteps; i++) {
        const kms_step *s = &p->steps[i];
        char nonce[24] = "later";
        if (s->phase == 1)
            snprintf(nonce, sizeof nonce, "%" PRIu64, s->nonce);
        fprintf(f, "  %2zu. [nonce %s] %s%s (gas %" PRIu64 ")\n", i + 1, nonce, s->what,
                s->phase == 2 ? ", after the delay" : "", s->gas);
    }
}

void cli_deploy_print_cost(const kms_plan *p, const kms_deploy_cost *cost, bool list)
{
    char max[U256_DEC_MAX + 2], bal[U256_DEC_MAX + 2], fee[U256_DEC_MAX + 2], who[43];
    eth_address_checksum(p->deployer, who);
    if (list) {
        fprintf(stderr, "Plan on chain %" PRIu64 " from %s:\n", p->chain_id, who);
        list_steps(stderr, p);
    }
    fprintf(stderr, "kmsctl: %zu transactions, %" PRIu64 " gas, at most %s ETH at %s gwei%s; the "
                    "deployer holds %s ETH\n",
            cost->ntx, cost->gas, cli_ether(&cost->max_cost, max),
            cli_gwei(cost->fees.legacy ? &cost->fees.gas_price : &cost->fees.max_fee, fee),
            cost->fees.legacy ? " (legacy)" : " max fee", cli_ether(&cost->balance, bal));
}

/* The planned addresses, one row each. */
static void print_addresses(FILE *f, const kms_plan *p)
{
    char a[43];
    const struct {
        const char *name;
        const uint8_t *addr;
        bool shown;
    } rows[] = {
        {"DstackKms (proxy)", p->kms, true},
        {"DstackKms implementation", p->kms_impl, true},
        {"DstackApp implementation", p->app_impl, true},
        {"TimelockController", p->timelock, p->settings.model != KMS_MODEL_DIRECT},
        {"Safe", p->safe, p->settings.model == KMS_MODEL_SAFE_TIMELOCK},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (rows[i].shown) {
            eth_address_checksum(rows[i].addr, a);
            fprintf(f, "  %-26s %s\n", rows[i].name, a);
        }
}

int cli_deploy_print_plan(const kms_plan *p, const kms_deploy_cost *cost, bool json)
{
    if (json) {
        json_t *j = kms_plan_to_json(p);
        char max[U256_DEC_MAX], bal[U256_DEC_MAX];
        u256_to_dec(&cost->max_cost, max);
        u256_to_dec(&cost->balance, bal);
        if (j && json_object_set_new(j, "cost", json_pack("{s:I,s:I,s:s,s:s,s:I}", "transactions",
                                                          (json_int_t)cost->ntx, "gas",
                                                          (json_int_t)cost->gas, "maxCostWei", max,
                                                          "balanceWei", bal, "forkBlock",
                                                          (json_int_t)cost->fork_block)) != 0) {
            json_decref(j);
            j = NULL;
        }
        return cli_print_json(j);
    }
    printf("Dry run on chain %" PRIu64 " (model %s, simulated on a fork of block %" PRIu64
           "); nothing was sent.\n",
           p->chain_id, kms_model_name(p->settings.model), cost->fork_block);
    list_steps(stdout, p);
    printf("Addresses:\n");
    print_addresses(stdout, p);
    fflush(stdout);
    cli_deploy_print_cost(p, cost, false);
    return CLI_OK;
}

/* The blocks the deployment's mined steps are in. */
static void block_range(const kms_plan *p, uint64_t *lo, uint64_t *hi, size_t *n)
{
    *lo = UINT64_MAX;
    *hi = 0;
    *n = 0;
    for (size_t i = 0; i < p->nsteps; i++)
        if (p->steps[i].state == KMS_STEP_MINED) {
            const uint64_t b = p->steps[i].block;
            *lo = b < *lo ? b : *lo;
            *hi = b > *hi ? b : *hi;
            (*n)++;
        }
}

static void print_owner(const kms_plan *p)
{
    char d[32], when[32];
    if (p->settings.model == KMS_MODEL_DIRECT) {
        printf("Owner: the deployer (model direct: changes take effect at once).\n");
    } else if (kms_plan_phase_done(p, 2)) {
        printf("Owner: the timelock (delay %s); the hand-over is done and the deployer holds no "
               "timelock role it does not need.\n", cli_duration(p->settings.min_delay, d));
    } else {
        uint64_t eta = kms_plan_handover_eta(p);
        printf("Hand-over pending: the timelock can accept ownership at %s; until then the "
               "deployer owns the policy.\n", eta ? cli_utc(eta, false, when) : "(not scheduled)");
    }
}

int cli_deploy_print_result(const kms_plan *p, const char *manifest, const char *journal,
                            bool json)
{
    if (json)
        return cli_print_json(kms_manifest_json(p, manifest));
    uint64_t lo, hi;
    size_t n;
    block_range(p, &lo, &hi, &n);
    printf("Deployed DstackKms on chain %" PRIu64 " (model %s), %zu transactions in blocks %" PRIu64
           "-%" PRIu64 ":\n",
           p->chain_id, kms_model_name(p->settings.model), n, n ? lo : 0, n ? hi : 0);
    print_addresses(stdout, p);
    print_owner(p);
    printf("Manifest: %s (journal: %s)\n", manifest, journal);
    if (kms_plan_phase_done(p, 2))
        printf("Next: kmsctl verify --manifest %s\n", manifest);
    else
        printf("Next: after the delay, kmsctl deploy --resume --manifest %s\n", manifest);
    return CLI_OK;
}
