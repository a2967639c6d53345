/* safe.c: Safe v1.4.1 setup, creation, MultiSend batches and reads. */
#include "safe.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "artifacts.h"
#include "call.h"
#include "eth/abi_selector.h"
#include "eth/address.h"
#include "eth/hex.h"
#include "eth/keccak.h"
#include "eth/rpc_eth.h"
#include "safe_canonical.h"

const uint8_t KMS_SAFE_SENTINEL[20] = {[19] = 1};

static const uint8_t ZERO[32];

/* Checks s as Safe.setup would (all but an owner equal to the new Safe's own address). */
static int check_setup(const kms_safe_setup *s, eth_error *err)
{
    if (s->nowners == 0)
        return eth_fail(err, ETH_EINVAL, "a Safe needs at least one owner");
    if (s->nowners > KMS_SAFE_MAX_OWNERS)
        return eth_fail(err, ETH_ERANGE, "%zu owners: kmsctl handles Safes of at most %d",
                        s->nowners, KMS_SAFE_MAX_OWNERS);
    for (size_t i = 0; i < s->nowners; i++) {
        const uint8_t *o = s->owners[i];
        char a[43];
        eth_address_checksum(o, a);
        if (memcmp(o, ZERO, 20) == 0 || memcmp(o, KMS_SAFE_SENTINEL, 20) == 0)
            return eth_fail(err, ETH_EINVAL, "owner %zu is %s (%s), which a Safe refuses as an "
                                             "owner: give the owner's address", i + 1, a,
                            o[19] ? "the sentinel of Safe's owner list" : "address(0)");
        for (size_t j = 0; j < i; j++)
            if (memcmp(o, s->owners[j], 20) == 0)
                return eth_fail(err, ETH_EINVAL, "owners %zu and %zu are both %s: list each "
                                                 "owner once", j + 1, i + 1, a);
    }
    if (s->threshold < 1 || s->threshold > s->nowners)
        return eth_fail(err, ETH_EINVAL, "threshold %" PRIu64 " with %zu owners: it must be "
                                         "from 1 to %zu", s->threshold, s->nowners, s->nowners);
    return 0;
}

int kms_safe_setup_data(const kms_safe_setup *s, eth_buf *out, eth_error *err)
{
    eth_buf owners = {0};
    char t[21], fh[43], zero[43];
    int rc = check_setup(s, err);
    if (rc == 0)
        rc = kms_text_addr_list(s->owners, s->nowners, &owners, err);
    kms_text_addr(ZERO, zero);
    const char *args[8] = {eth_buf_str(&owners), kms_text_u64(s->threshold, t), zero, "0x",
                           kms_text_addr(s->fallback_handler ? s->fallback_handler : ZERO, fh),
                           zero, "0", zero};
    if (rc == 0)
        rc = kms_calldata("setup(address[],uint256,address,bytes,address,address,uint256,address)",
                          args, 8, out, err);
    eth_buf_clear(&owners);
    return rc;
}

int kms_safe_create_data(const uint8_t singleton[20], const uint8_t *initializer, size_t n,
                         const u256 *salt_nonce, eth_buf *out, eth_error *err)
{
    char s[43], nonce[U256_DEC_MAX], *init = NULL;
    u256_to_dec(salt_nonce, nonce);
    int rc = eth_hex_encode_alloc(initializer, n, &init, err);
    const char *args[3] = {kms_text_addr(singleton, s), init, nonce};
    if (rc == 0)
        rc = kms_calldata("createProxyWithNonce(address,bytes,uint256)", args, 3, out, err);
    free(init);
    return rc;
}

int kms_safe_proxy_address(const uint8_t factory[20], const uint8_t singleton[20],
                           const uint8_t *initializer, size_t n, const u256 *salt_nonce,
                           uint8_t out[20], eth_error *err)
{
    const kms_artifact *a = kms_artifact_find("SafeProxy");
    if (!a)
        return eth_fail(err, ETH_ESTATE, "SafeProxy: no embedded artifact of that name "
                                         "(rebuild kmsctl with contracts/artifacts)");
    uint8_t pre[64], salt[32], arg[32] = {0};
    eth_keccak256(initializer, n, pre);
    u256_to_be(salt_nonce, pre + 32);
    eth_keccak256(pre, sizeof pre, salt);
    memcpy(arg + 12, singleton, 20);
    eth_buf code = {0};
    int rc = eth_buf_append(&code, a->bytecode, a->bytecode_len, err);
    if (rc == 0)
        rc = eth_buf_append(&code, arg, 32, err);
    if (rc == 0)
        kms_create2_address(factory, salt, code.data, code.len, out);
    eth_buf_clear(&code);
    return rc;
}

/* Appends one call as MultiSend packs it. */
static int pack_call(const kms_tl_call *c, eth_buf *out, eth_error *err)
{
    uint8_t head[1 + 20 + 32 + 32] = {0}; /* operation 0: call */
    memcpy(head + 1, c->target, 20);
    u256_to_be(&c->value, head + 21);
    u256 len = u256_from_u64(c->len);
    u256_to_be(&len, head + 53);
    int rc = eth_buf_append(out, head, sizeof head, err);
    return rc ? rc : eth_buf_append(out, c->data, c->len, err);
}

int kms_multisend_data(const kms_tl_call *calls, size_t n, eth_buf *out, eth_error *err)
{
    if (n == 0)
        return eth_fail(err, ETH_EINVAL, "a MultiSend batch needs at least one call");
    eth_buf packed = {0};
    char *text = NULL;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = pack_call(&calls[i], &packed, err);
    if (rc == 0)
        rc = eth_hex_encode_alloc(packed.data, packed.len, &text, err);
    const char *arg = text;
    if (rc == 0)
        rc = kms_calldata("multiSend(bytes)", &arg, 1, out, err);
    eth_buf_clear(&packed);
    free(text);
    return rc;
}

/* The packed bytes of multiSend(bytes) calldata: their offset and length, checked. */
static int multisend_bytes(const uint8_t *data, size_t n, size_t *at, size_t *len,
                           eth_error *err)
{
    uint8_t sel[4];
    int rc = eth_abi_selector_of("multiSend(bytes)", sel, err);
    if (rc)
        return rc;
    if (n < 4 + 64 || memcmp(data, sel, 4) != 0)
        return eth_fail(err, ETH_EINVAL, "not multiSend(bytes) calldata");
    u256 off = u256_from_be(data + 4, 32);
    if (off.w[1] || off.w[2] || off.w[3] || off.w[0] != 32)
        return eth_fail(err, ETH_EINVAL, "multiSend: unexpected offset of its bytes");
    u256 l = u256_from_be(data + 4 + 32, 32);
    if (l.w[1] || l.w[2] || l.w[3] || l.w[0] > n - 4 - 64)
        return eth_fail(err, ETH_EINVAL, "multiSend: its bytes run past the calldata");
    *at = 4 + 64;
    *len = (size_t)l.w[0];
    return 0;
}

/* One packed call at p[*at..end): operation (0), to, value, data length, data. */
static int unpack_one(const uint8_t *p, size_t end, size_t *at, kms_tl_call *c, eth_error *err)
{
    size_t i = *at;
    if (end - i < 1 + 20 + 32 + 32)
        return eth_fail(err, ETH_EINVAL, "multiSend: a call cut short at byte %zu", i);
    if (p[i] != 0)
        return eth_fail(err, ETH_EINVAL, "multiSend: call at byte %zu has operation %u, not a "
                                         "call", i, p[i]);
    c->target = p + i + 1;
    c->value = u256_from_be(p + i + 21, 32);
    u256 l = u256_from_be(p + i + 53, 32);
    i += 85;
    if (l.w[1] || l.w[2] || l.w[3] || l.w[0] > end - i)
        return eth_fail(err, ETH_EINVAL, "multiSend: a call's data runs past the end");
    c->data = p + i;
    c->len = (size_t)l.w[0];
    *at = i + c->len;
    return 0;
}

int kms_multisend_unpack(const uint8_t *data, size_t n, kms_tl_call **calls, size_t *ncalls,
                         eth_error *err)
{
    size_t at = 0, len = 0;
    *calls = NULL;
    *ncalls = 0;
    int rc = multisend_bytes(data, n, &at, &len, err);
    size_t end = at + len;
    while (rc == 0 && at < end) {
        if (*ncalls == KMS_MULTISEND_MAX_CALLS) {
            rc = eth_fail(err, ETH_ERANGE, "multiSend: more than %d calls",
                          KMS_MULTISEND_MAX_CALLS);
            break;
        }
        kms_tl_call *grown = realloc(*calls, (*ncalls + 1) * sizeof *grown);
        if (!grown) {
            rc = eth_fail(err, ETH_ENOMEM, "out of memory");
            break;
        }
        *calls = grown;
        rc = unpack_one(data, end, &at, &(*calls)[*ncalls], err);
        *ncalls += rc == 0;
    }
    if (rc) {
        free(*calls);
        *calls = NULL;
        *ncalls = 0;
    }
    return rc;
}

/* ---- reading a Safe ---- */

/* Copies the address[] output i of r into out[0..max), its length into *n; more than max is
 * -ETH_ERANGE naming what. */
static int addr_array(const kms_result *r, size_t i, uint8_t (*out)[20], size_t max, size_t *n,
                      const char *what, eth_error *err)
{
    const eth_abi_value *v = &r->out.items[i]; /* typed by the signature read */
    if (v->nitems > max)
        return eth_fail(err, ETH_ERANGE, "%zu %s: kmsctl reads at most %zu", v->nitems, what,
                        max);
    for (size_t k = 0; k < v->nitems; k++)
        memcpy(out[k], v->items[k].word + 12, 20);
    *n = v->nitems;
    return 0;
}

/* One field or group of fields of kms_safe_info. */
typedef int (*read_fn)(eth_rpc *rpc, const uint8_t safe[20], const char *block,
                       kms_safe_info *out, eth_error *err);

static int read_owners(eth_rpc *rpc, const uint8_t safe[20], const char *block,
                       kms_safe_info *out, eth_error *err)
{
    kms_result r;
    int rc = kms_view(rpc, safe, NULL, block, "getOwners()(address[])", NULL, 0, &r, err);
    if (rc == 0)
        rc = addr_array(&r, 0, out->owners, KMS_SAFE_MAX_OWNERS, &out->nowners, "owners", err);
    kms_result_clear(&r);
    return rc;
}

static int read_numbers(eth_rpc *rpc, const uint8_t safe[20], const char *block,
                        kms_safe_info *out, eth_error *err)
{
    kms_result r;
    int rc = kms_view(rpc, safe, NULL, block, "getThreshold()(uint256)", NULL, 0, &r, err);
    if (rc == 0)
        rc = kms_result_u64(&r, 0, &out->threshold, err);
    kms_result_clear(&r);
    if (rc == 0)
        rc = kms_view(rpc, safe, NULL, block, "nonce()(uint256)", NULL, 0, &r, err);
    if (rc == 0)
        out->nonce = u256_from_be(r.out.items[0].word, 32);
    kms_result_clear(&r);
    return rc;
}

static int read_version(eth_rpc *rpc, const uint8_t safe[20], const char *block,
                        kms_safe_info *out, eth_error *err)
{
    kms_result r;
    const uint8_t *p = NULL;
    size_t n = 0;
    int rc = kms_view(rpc, safe, NULL, block, "VERSION()(string)", NULL, 0, &r, err);
    if (rc == 0)
        rc = kms_result_bytes(&r, 0, &p, &n, err);
    if (rc == 0 && n >= KMS_SAFE_VERSION_MAX)
        rc = eth_fail(err, ETH_ERANGE, "VERSION() is %zu bytes long: not a Safe version", n);
    if (rc == 0) {
        memcpy(out->version, p, n);
        out->version[n] = 0;
    }
    kms_result_clear(&r);
    return rc;
}

static int read_modules(eth_rpc *rpc, const uint8_t safe[20], const char *block,
                        kms_safe_info *out, eth_error *err)
{
    char start[43], page[21];
    const char *args[2] = {kms_text_addr(KMS_SAFE_SENTINEL, start),
                           kms_text_u64(KMS_SAFE_MAX_MODULES, page)};
    uint8_t next[20];
    kms_result r;
    int rc = kms_view(rpc, safe, NULL, block,
                      "getModulesPaginated(address,uint256)(address[],address)", args, 2, &r, err);
    if (rc == 0)
        rc = addr_array(&r, 0, out->modules, KMS_SAFE_MAX_MODULES, &out->nmodules, "modules",
                        err);
    if (rc == 0)
        rc = kms_result_address(&r, 1, next, err);
    /* a next other than the sentinel: the list goes on past the page */
    if (rc == 0 && memcmp(next, KMS_SAFE_SENTINEL, 20) != 0)
        rc = eth_fail(err, ETH_ERANGE, "more than %d modules: kmsctl reads at most %d",
                      KMS_SAFE_MAX_MODULES, KMS_SAFE_MAX_MODULES);
    kms_result_clear(&r);
    return rc;
}

static int read_slots(eth_rpc *rpc, const uint8_t safe[20], const char *block,
                      kms_safe_info *out, eth_error *err)
{
    const struct {
        const char *name; /* the slot is keccak256(name); NULL: slot 0 */
        uint8_t *dest;
    } SLOTS[3] = {{"fallback_manager.handler.address", out->fallback_handler},
                  {"guard_manager.guard.address", out->guard},
                  {NULL, out->singleton}};
    int rc = 0;
    for (int k = 0; rc == 0 && k < 3; k++) {
        uint8_t slot[32] = {0}, word[32];
        if (SLOTS[k].name)
            eth_keccak256(SLOTS[k].name, strlen(SLOTS[k].name), slot);
        rc = eth_rpc_get_storage(rpc, safe, slot, block, word, err);
        if (rc == 0)
            memcpy(SLOTS[k].dest, word + 12, 20);
    }
    return rc;
}

int kms_safe_read(eth_rpc *rpc, const uint8_t safe[20], const char *block, kms_safe_info *out,
                  eth_error *err)
{
    static const read_fn STEPS[] = {read_owners, read_numbers, read_version, read_modules,
                                    read_slots};
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < sizeof STEPS / sizeof STEPS[0]; i++) {
        int rc = STEPS[i](rpc, safe, block, out, err);
        if (rc) {
            memset(out, 0, sizeof *out);
            char a[43];
            eth_address_checksum(safe, a);
            return eth_error_prefix(err, "Safe %s: ", a);
        }
    }
    return 0;
}
