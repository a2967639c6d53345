/* fees.c: EIP-1559 or legacy fees from the node, with the operator's overrides. */
#include "fees.h"

#include "eth/rpc_eth.h"

/* The median of v[0..n) (n >= 1; v is sorted in place): the middle value, and for an even n
 * the upper of the two middle values (a tip on the side of being included). */
static u256 median(u256 *v, size_t n)
{
    for (size_t i = 1; i < n; i++) /* insertion sort: n <= ETH_FEE_HISTORY_MAX */
        for (size_t j = i; j > 0 && u256_cmp(&v[j - 1], &v[j]) > 0; j--) {
            u256 t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return v[n / 2];
}

/* The priority fee the last blocks paid: see kms_fees_suggest. */
static int suggest_priority(eth_rpc *rpc, u256 *out, eth_error *err)
{
    static const double PCT[1] = {KMS_FEE_REWARD_PERCENTILE};
    eth_fee_history h;
    int rc = eth_rpc_fee_history(rpc, KMS_FEE_HISTORY_BLOCKS, "latest", PCT, 1, &h, err);
    if (rc)
        return rc;
    if (!h.has_reward || h.nblocks == 0)
        return eth_rpc_max_priority_fee(rpc, out, err);
    u256 paid[ETH_FEE_HISTORY_MAX];
    for (size_t i = 0; i < h.nblocks; i++)
        paid[i] = h.reward[i][0];
    *out = median(paid, h.nblocks);
    if (u256_is_zero(out))
        *out = u256_from_u64(1);
    return 0;
}

/* Legacy fees; why names the reason ("--legacy", "the chain has no base fee") in messages. */
static int legacy_fees(eth_rpc *rpc, const kms_fee_overrides *ov, const char *why, kms_fees *out,
                       eth_error *err)
{
    if (ov->priority_fee) {
        char p[U256_DEC_MAX];
        u256_to_dec(ov->priority_fee, p);
        return eth_fail(err, ETH_EINVAL, "a priority fee (%s wei) was given, but the transaction "
                                         "is legacy (%s) and has only a gas price: drop "
                                         "--priority-gas-price", p, why);
    }
    out->legacy = true;
    if (ov->gas_price) {
        out->gas_price = *ov->gas_price;
        return 0;
    }
    return eth_rpc_gas_price(rpc, &out->gas_price, err);
}

/* EIP-1559 fees over base_fee (the latest block's). */
static int dynamic_fees(eth_rpc *rpc, const kms_fee_overrides *ov, const u256 *base_fee,
                        kms_fees *out, eth_error *err)
{
    int rc = 0;
    if (ov->priority_fee)
        out->max_priority = *ov->priority_fee;
    else
        rc = suggest_priority(rpc, &out->max_priority, err);
    if (rc)
        return rc;
    if (ov->gas_price && u256_cmp(&out->max_priority, ov->gas_price) > 0) {
        if (!ov->priority_fee) { /* only the cap was given: the tip stays within it */
            out->max_priority = *ov->gas_price;
        } else {
            char p[U256_DEC_MAX], m[U256_DEC_MAX];
            u256_to_dec(ov->priority_fee, p);
            u256_to_dec(ov->gas_price, m);
            return eth_fail(err, ETH_EINVAL, "the priority fee (%s wei) is above the max fee "
                                             "(%s wei), which caps it: lower "
                                             "--priority-gas-price or raise --gas-price", p, m);
        }
    }
    if (ov->gas_price) {
        out->max_fee = *ov->gas_price;
        return 0;
    }
    if (u256_add(&out->max_fee, base_fee, base_fee) != 0 ||
        u256_add(&out->max_fee, &out->max_fee, &out->max_priority) != 0) {
        char b[U256_DEC_MAX];
        u256_to_dec(base_fee, b);
        return eth_fail(err, ETH_ERANGE, "the base fee %s wei is too large for a max fee of twice "
                                         "it: give --gas-price", b);
    }
    return 0;
}

int kms_fees_suggest(eth_rpc *rpc, const kms_fee_overrides *ov, kms_fees *out, eth_error *err)
{
    static const kms_fee_overrides NONE = {0};
    if (!ov)
        ov = &NONE;
    *out = (kms_fees){0};
    eth_block latest;
    bool found = false;
    int rc = eth_rpc_get_block(rpc, "latest", &latest, &found, err);
    if (rc == 0 && !found)
        rc = eth_fail(err, ETH_ERPC, "%s: the node has no latest block: is it synced?",
                      eth_rpc_url_shown(rpc));
    if (rc)
        return rc;
    if (!latest.has_base_fee)
        return legacy_fees(rpc, ov, "the chain has no base fee", out, err);
    if (ov->force_legacy)
        return legacy_fees(rpc, ov, "--legacy", out, err);
    return dynamic_fees(rpc, ov, &latest.base_fee, out, err);
}

int kms_fees_max_cost(const kms_fees *f, uint64_t gas, u256 *out)
{
    u256 g = u256_from_u64(gas);
    return u256_mul(out, f->legacy ? &f->gas_price : &f->max_fee, &g);
}
