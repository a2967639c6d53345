/* verify.c: the deployment's contracts, proxy, ownership and initial policy, checked on chain. */
#include "verify.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "artifacts.h"
#include "call.h"
#include "erc1967.h"
#include "eth/address.h"
#include "eth/hex.h"
#include "eth/keccak.h"
#include "eth/rpc_eth.h"

/* OpenZeppelin 5's Initializable storage (ERC-7201 "openzeppelin.storage.Initializable"). */
static const uint8_t INIT_SLOT[32] = {
    0xf0, 0xc5, 0x7e, 0x16, 0x84, 0x0d, 0xf0, 0x40, 0xf1, 0x50, 0x88, 0xdc, 0x2f, 0x81, 0xfe, 0x39,
    0x1c, 0x39, 0x23, 0xbe, 0xc7, 0x3e, 0x23, 0xa9, 0x66, 0x2e, 0xfc, 0x9c, 0x22, 0x9c, 0x6a, 0x00};

/* What one verify run reads with. */
typedef struct vctx {
    eth_rpc *rpc;
    const kms_manifest *m;
    char block[ETH_BLOCK_TAG_MAX]; /* the pinned block */
    kms_checks *out;
} vctx;

static int add(vctx *v, const char *name, bool ok, const char *expected, const char *found,
               eth_error *err)
{
    return kms_checks_add(v->out, name, ok, expected, found, err);
}

/* A read that the contract refused (a revert, no data, data that does not decode) is a failed
 * check named name, not the end of verify; anything else (the node) stops it. */
int kms_verify_soft(kms_checks *out, int rc, const char *name, const char *expected,
                    eth_error *err)
{
    if (rc != -ETH_EREVERT && rc != -ETH_ESTATE && rc != -ETH_EINVAL)
        return rc;
    char found[320];
    snprintf(found, sizeof found, "the read fails: %.290s", err->msg);
    return kms_checks_add(out, name, false, expected, found, err);
}

static const char *cs(const uint8_t a[20], char out[43])
{
    eth_address_checksum(a, out);
    return out;
}

/* ---- code ---- */

int kms_verify_code(eth_rpc *rpc, const char *block, const char *name, const uint8_t addr[20],
                    const char *artifact, bool self, kms_checks *out, eth_error *err)
{
    const kms_artifact *a = kms_artifact_find(artifact);
    eth_buf code = {0};
    uint8_t words[32 * 8];
    int rc = a ? eth_rpc_get_code(rpc, addr, block, &code, err)
               : eth_fail(err, ETH_ESTATE, "kmsctl was built without %s", artifact);
    if (rc) {
        eth_buf_clear(&code);
        return rc;
    }
    bool match = a->nimmutables <= 8 && kms_artifact_runtime_match(a, code.data, code.len, words);
    for (size_t i = 0; match && self && i < a->nimmutables; i++)
        match = memcmp(words + 32 * i, "\0\0\0\0\0\0\0\0\0\0\0\0", 12) == 0 &&
                memcmp(words + 32 * i + 12, addr, 20) == 0;
    char want[128], found[128];
    snprintf(want, sizeof want, "%s runtime code (%s)", artifact, a->runtime_keccak);
    if (code.len == 0)
        snprintf(found, sizeof found, "no code");
    else if (match)
        snprintf(found, sizeof found, "matches");
    else {
        const kms_artifact *other = kms_artifact_by_runtime(code.data, code.len);
        snprintf(found, sizeof found, "%zu bytes of %s", code.len,
                 other ? other->name : "other code");
    }
    eth_buf_clear(&code);
    return kms_checks_add(out, name, match, want, found, err);
}

static int check_code(vctx *v, const char *name, const uint8_t addr[20], const char *artifact,
                      bool self, eth_error *err)
{
    return kms_verify_code(v->rpc, v->block, name, addr, artifact, self, v->out, err);
}

static int read_slot(vctx *v, const uint8_t addr[20], const uint8_t slot[32], uint8_t out[32],
                     eth_error *err)
{
    return eth_rpc_get_storage(v->rpc, addr, slot, v->block, out, err);
}

/* The Initializable version of addr: initialized (low 8 bytes of the slot). */
static int init_version(vctx *v, const uint8_t addr[20], uint64_t *out, eth_error *err)
{
    uint8_t w[32];
    int rc = read_slot(v, addr, INIT_SLOT, w, err);
    *out = 0;
    for (int i = 24; rc == 0 && i < 32; i++)
        *out = *out << 8 | w[i];
    return rc;
}

static int check_initializers(vctx *v, eth_error *err)
{
    const struct {
        const char *name;
        const uint8_t *addr;
        uint64_t want;
        const char *words;
    } rows[] = {{"DstackKms implementation: initializers disabled", v->m->kms_impl, UINT64_MAX,
                 "initialized = 2^64-1 (disabled)"},
                {"DstackApp implementation: initializers disabled", v->m->app_impl, UINT64_MAX,
                 "initialized = 2^64-1 (disabled)"},
                {"DstackKms proxy: initialized once", v->m->kms, 1, "initialized = 1"}};
    for (size_t i = 0; i < 3; i++) {
        uint64_t got;
        char found[48];
        int rc = init_version(v, rows[i].addr, &got, err);
        if (rc == 0) {
            snprintf(found, sizeof found, "initialized = %" PRIu64, got);
            rc = add(v, rows[i].name, got == rows[i].want, rows[i].words, found, err);
        }
        if (rc)
            return rc;
    }
    return 0;
}

static int check_contracts(vctx *v, eth_error *err)
{
    const kms_manifest *m = v->m;
    char want[43], got[43];
    int rc = check_code(v, "DstackKms proxy code", m->kms, "ERC1967Proxy", false, err);
    if (rc == 0)
        rc = check_code(v, "DstackKms implementation code", m->kms_impl, "DstackKms", true, err);
    if (rc == 0 && m->app_impl_deployed)
        rc = check_code(v, "DstackApp implementation code", m->app_impl, "DstackApp", true, err);
    uint8_t impl[20];
    if (rc == 0)
        rc = kms_erc1967_implementation(v->rpc, m->kms, v->block, impl, err);
    if (rc == 0)
        rc = add(v, "DstackKms proxy: EIP-1967 implementation slot",
                 memcmp(impl, m->kms_impl, 20) == 0, cs(m->kms_impl, want), cs(impl, got), err);
    return rc ? rc : check_initializers(v, err);
}

/* ---- ownership ---- */

static int view_address(vctx *v, const char *sig, uint8_t out[20], eth_error *err)
{
    kms_result r;
    int rc = kms_view(v->rpc, v->m->kms, NULL, v->block, sig, NULL, 0, &r, err);
    if (rc == 0)
        rc = kms_result_address(&r, 0, out, err);
    kms_result_clear(&r);
    return rc;
}

/* Checks that the address getter sig of DstackKms returns want (what_want in words). */
static int check_getter(vctx *v, const char *name, const char *sig, const uint8_t want[20],
                        const char *what_want, eth_error *err)
{
    uint8_t got[20];
    char a[43], b[43], expected[128];
    snprintf(expected, sizeof expected, "%s%s", cs(want, a), what_want);
    int rc = view_address(v, sig, got, err);
    if (rc)
        return kms_verify_soft(v->out, rc, name, expected, err);
    return add(v, name, memcmp(got, want, 20) == 0, expected, cs(got, b), err);
}

static int check_ownership(vctx *v, eth_error *err)
{
    const kms_manifest *m = v->m;
    static const uint8_t zero[20];
    bool direct = m->settings.model == KMS_MODEL_DIRECT;
    const uint8_t *owner = direct || !m->handover_done ? m->deployer : m->timelock;
    const uint8_t *pending = !direct && !m->handover_done ? m->timelock : zero;
    int rc = check_getter(v, "DstackKms owner", "owner()(address)", owner,
                          direct              ? " (the deployer)"
                          : m->handover_done ? " (the timelock)"
                                             : " (the deployer, until the hand-over)",
                          err);
    if (rc == 0)
        rc = check_getter(v, "DstackKms pending owner", "pendingOwner()(address)", pending, "",
                          err);
    if (rc == 0)
        rc = check_getter(v, "DstackKms appImplementation", "appImplementation()(address)",
                          m->app_impl, "", err);
    return rc;
}

/* ---- the initial policy ---- */

static int view_bool(vctx *v, const char *sig, const uint8_t arg[32], bool *out, eth_error *err)
{
    char hex[67];
    const char *args[] = {kms_text_b32(arg, hex)};
    kms_result r;
    int rc = kms_view(v->rpc, v->m->kms, NULL, v->block, sig, args, 1, &r, err);
    if (rc == 0)
        rc = kms_result_bool(&r, 0, out, err);
    kms_result_clear(&r);
    return rc;
}

static int check_list(vctx *v, const kms_b32_list *l, const char *sig, const char *what,
                      eth_error *err)
{
    for (size_t i = 0; i < l->n; i++) {
        bool ok = false;
        char name[96], hex[67];
        int rc = view_bool(v, sig, l->items[i], &ok, err);
        snprintf(name, sizeof name, "config: %s %.18s..", what, kms_text_b32(l->items[i], hex));
        rc = rc ? kms_verify_soft(v->out, rc, name, "allowed", err)
                : add(v, name, ok, "allowed", ok ? "allowed" : "not allowed", err);
        if (rc)
            return rc;
    }
    return 0;
}

static int check_gateway(vctx *v, eth_error *err)
{
    const char *want = v->m->config.gateway_app_id;
    kms_result r;
    const uint8_t *p;
    size_t n;
    int rc = kms_view(v->rpc, v->m->kms, NULL, v->block, "gatewayAppId()(string)", NULL, 0, &r,
                      err);
    if (rc == 0)
        rc = kms_result_bytes(&r, 0, &p, &n, err);
    if (rc)
        rc = kms_verify_soft(v->out, rc, "config: gatewayAppId", want, err);
    else {
        char found[300];
        snprintf(found, sizeof found, "\"%.*s\"", (int)(n < 256 ? n : 256), (const char *)p);
        char expected[300];
        snprintf(expected, sizeof expected, "\"%s\"", want);
        rc = add(v, "config: gatewayAppId", n == strlen(want) && memcmp(p, want, n) == 0,
                 expected, found, err);
    }
    kms_result_clear(&r);
    return rc;
}

static int check_kms_info(vctx *v, eth_error *err)
{
    const kms_policy_config *c = &v->m->config;
    const eth_buf *want[] = {&c->k256_pubkey, &c->ca_pubkey, &c->quote, &c->eventlog};
    static const char *const NAMES[] = {"k256Pubkey", "caPubkey", "quote", "eventlog"};
    kms_result r;
    int rc = kms_view(v->rpc, v->m->kms, NULL, v->block,
                      "kmsInfo()(bytes,bytes,bytes,bytes)", NULL, 0, &r, err);
    if (rc)
        return kms_verify_soft(v->out, rc, "config: kmsInfo", "as in the config", err);
    for (size_t i = 0; rc == 0 && i < 4; i++) {
        const uint8_t *p;
        size_t n;
        char name[64], expected[64], found[64];
        rc = kms_result_bytes(&r, i, &p, &n, err);
        if (rc)
            break;
        snprintf(name, sizeof name, "config: kmsInfo.%s", NAMES[i]);
        snprintf(expected, sizeof expected, "%zu bytes as in the config", want[i]->len);
        bool ok = n == want[i]->len && (n == 0 || memcmp(p, want[i]->data, n) == 0);
        snprintf(found, sizeof found, "%zu bytes%s", n, ok ? ", the same" : ", different");
        rc = add(v, name, ok, expected, found, err);
    }
    kms_result_clear(&r);
    return rc;
}

static int check_config(vctx *v, eth_error *err)
{
    const kms_policy_config *c = &v->m->config;
    int rc = c->gateway_app_id ? check_gateway(v, err) : 0;
    if (rc == 0 && c->has_kms_info)
        rc = check_kms_info(v, err);
    if (rc == 0)
        rc = check_list(v, &c->os_images, "allowedOsImages(bytes32)(bool)", "OS image", err);
    if (rc == 0)
        rc = check_list(v, &c->kms_mrs, "kmsAllowedAggregatedMrs(bytes32)(bool)",
                        "KMS aggregated MR", err);
    if (rc == 0)
        rc = check_list(v, &c->kms_devices, "kmsAllowedDeviceIds(bytes32)(bool)", "KMS device",
                        err);
    return rc;
}

int kms_verify_deployment(eth_rpc *rpc, const kms_manifest *m, kms_checks *out, eth_error *err)
{
    vctx v = {.rpc = rpc, .m = m, .out = out};
    uint64_t chain_id = 0, head = 0;
    char want[24], got[24];
    int rc = eth_rpc_chain_id(rpc, &chain_id, err);
    if (rc == 0)
        rc = eth_rpc_block_number(rpc, &head, err);
    if (rc)
        return rc;
    snprintf(want, sizeof want, "%" PRIu64, m->chain_id);
    snprintf(got, sizeof got, "%" PRIu64, chain_id);
    rc = add(&v, "chain id", chain_id == m->chain_id, want, got, err);
    if (rc || chain_id != m->chain_id) /* nothing else means anything on another chain */
        return rc;
    eth_block_tag(head, v.block);
    rc = check_contracts(&v, err);
    if (rc == 0)
        rc = check_ownership(&v, err);
    if (rc == 0)
        rc = check_config(&v, err);
    if (rc == 0 && m->settings.model != KMS_MODEL_DIRECT)
        rc = kms_verify_governance(rpc, m, head, out, err);
    return rc;
}
