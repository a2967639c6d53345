/* timelock.c: OpenZeppelin 5.x TimelockController operations, creation code and reads. */
#include "timelock.h"

#include <inttypes.h>
#include <string.h>

#include "artifacts.h"
#include "call.h"
#include "eth/address.h"
#include "eth/hex.h"
#include "eth/keccak.h"
#include "revert.h"

const uint8_t KMS_ROLE_DEFAULT_ADMIN[32] = {0};

/* keccak256("PROPOSER_ROLE") = 0xb09aa5ae..819cc1 */
const uint8_t KMS_ROLE_PROPOSER[32] = {
    0xb0, 0x9a, 0xa5, 0xae, 0xb3, 0x70, 0x2c, 0xfd, 0x50, 0xb6, 0xb6, 0x2b, 0xc4, 0x53, 0x26, 0x04,
    0x93, 0x8f, 0x21, 0x24, 0x8a, 0x27, 0xa1, 0xd5, 0xca, 0x73, 0x60, 0x82, 0xb6, 0x81, 0x9c, 0xc1};

/* keccak256("EXECUTOR_ROLE") = 0xd8aa0f31..469e63 */
const uint8_t KMS_ROLE_EXECUTOR[32] = {
    0xd8, 0xaa, 0x0f, 0x31, 0x94, 0x97, 0x1a, 0x2a, 0x11, 0x66, 0x79, 0xf7, 0xc2, 0x09, 0x0f, 0x69,
    0x39, 0xc8, 0xd4, 0xe0, 0x1a, 0x2a, 0x8d, 0x7e, 0x41, 0xd5, 0x5e, 0x53, 0x51, 0x46, 0x9e, 0x63};

/* keccak256("CANCELLER_ROLE") = 0xfd643c72..26f783 */
const uint8_t KMS_ROLE_CANCELLER[32] = {
    0xfd, 0x64, 0x3c, 0x72, 0x71, 0x0c, 0x63, 0xc0, 0x18, 0x02, 0x59, 0xab, 0xa6, 0xb2, 0xd0, 0x54,
    0x51, 0xe3, 0x59, 0x1a, 0x24, 0xe5, 0x8b, 0x62, 0x23, 0x93, 0x78, 0x08, 0x57, 0x26, 0xf7, 0x83};

const char *kms_timelock_role_name(const uint8_t role[32])
{
    static const struct {
        const uint8_t *id;
        const char *name;
    } ROLES[] = {
        {KMS_ROLE_DEFAULT_ADMIN, "DEFAULT_ADMIN_ROLE"},
        {KMS_ROLE_PROPOSER, "PROPOSER_ROLE"},
        {KMS_ROLE_EXECUTOR, "EXECUTOR_ROLE"},
        {KMS_ROLE_CANCELLER, "CANCELLER_ROLE"},
    };
    for (size_t i = 0; i < sizeof ROLES / sizeof ROLES[0]; i++)
        if (memcmp(role, ROLES[i].id, 32) == 0)
            return ROLES[i].name;
    return NULL;
}

/* What an operation is passed to: hashOperation (its id), execute and schedule. */
enum op_fn { OP_HASH, OP_EXECUTE, OP_SCHEDULE };

/* The signatures of each function, for one call and for a batch. */
static const char *const OP_SIG[3][2] = {
    [OP_HASH] = {"hashOperation(address,uint256,bytes,bytes32,bytes32)",
                 "hashOperationBatch(address[],uint256[],bytes[],bytes32,bytes32)"},
    [OP_EXECUTE] = {"execute(address,uint256,bytes,bytes32,bytes32)",
                    "executeBatch(address[],uint256[],bytes[],bytes32,bytes32)"},
    [OP_SCHEDULE] = {"schedule(address,uint256,bytes,bytes32,bytes32,uint256)",
                     "scheduleBatch(address[],uint256[],bytes[],bytes32,bytes32,uint256)"},
};

static int check_calls(size_t n, bool batch, eth_error *err)
{
    if (n == 0)
        return eth_fail(err, ETH_EINVAL, "a timelock operation needs at least one call");
    if (!batch && n != 1)
        return eth_fail(err, ETH_EINVAL, "a single timelock operation is exactly one call, got "
                                         "%zu: make it a batch", n);
    return 0;
}

/* The argument texts of the calls: target, value and data, each a list "[..]" in a batch.
 * Fills arg[0..3) (NUL-terminated; the caller clears them). */
static int calls_text(const kms_tl_call *calls, size_t n, bool batch, eth_buf arg[3],
                      eth_error *err)
{
    int rc = check_calls(n, batch, err);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const char *sep = !batch ? "" : i ? "," : "[";
        char a[43], v[U256_DEC_MAX];
        u256_to_dec(&calls[i].value, v);
        rc = eth_buf_printf(&arg[0], err, "%s%s", sep, kms_text_addr(calls[i].target, a));
        if (rc == 0)
            rc = eth_buf_printf(&arg[1], err, "%s%s", sep, v);
        if (rc == 0)
            rc = eth_buf_append_str(&arg[2], sep, err);
        if (rc == 0)
            rc = eth_hex_append(&arg[2], calls[i].data, calls[i].len, err);
    }
    for (int k = 0; rc == 0 && k < 3; k++) {
        if (batch)
            rc = eth_buf_append_str(&arg[k], "]", err);
        if (rc == 0)
            rc = eth_buf_terminate(&arg[k], err);
    }
    return rc;
}

/* Appends the calldata of fn on the operation (delay is read for OP_SCHEDULE only). */
static int op_calldata(enum op_fn fn, const kms_tl_call *calls, size_t n, bool batch,
                       const uint8_t pred[32], const uint8_t salt[32], uint64_t delay,
                       eth_buf *out, eth_error *err)
{
    static const uint8_t zero[32];
    eth_buf arg[3] = {{0}};
    char p[67], s[67], d[21];
    int rc = calls_text(calls, n, batch, arg, err);
    const char *args[6] = {eth_buf_str(&arg[0]), eth_buf_str(&arg[1]), eth_buf_str(&arg[2]),
                           kms_text_b32(pred ? pred : zero, p),
                           kms_text_b32(salt ? salt : zero, s), kms_text_u64(delay, d)};
    if (rc == 0)
        rc = kms_calldata(OP_SIG[fn][batch], args, fn == OP_SCHEDULE ? 6 : 5, out, err);
    for (int k = 0; k < 3; k++)
        eth_buf_clear(&arg[k]);
    return rc;
}

int kms_timelock_op_id(const kms_tl_call *calls, size_t n, bool batch,
                       const uint8_t predecessor[32], const uint8_t salt[32], uint8_t out[32],
                       eth_error *err)
{
    /* the id is keccak256 of hashOperation's arguments: its calldata after the selector */
    eth_buf data = {0};
    int rc = op_calldata(OP_HASH, calls, n, batch, predecessor, salt, 0, &data, err);
    if (rc == 0)
        eth_keccak256(data.data + 4, data.len - 4, out);
    eth_buf_clear(&data);
    return rc;
}

int kms_timelock_schedule_data(const kms_tl_call *calls, size_t n, bool batch,
                               const uint8_t predecessor[32], const uint8_t salt[32],
                               uint64_t delay, eth_buf *out, eth_error *err)
{
    return op_calldata(OP_SCHEDULE, calls, n, batch, predecessor, salt, delay, out, err);
}

int kms_timelock_execute_data(const kms_tl_call *calls, size_t n, bool batch,
                              const uint8_t predecessor[32], const uint8_t salt[32],
                              eth_buf *out, eth_error *err)
{
    return op_calldata(OP_EXECUTE, calls, n, batch, predecessor, salt, 0, out, err);
}

int kms_timelock_cancel_data(const uint8_t id[32], eth_buf *out, eth_error *err)
{
    char h[67];
    const char *args[1] = {kms_text_b32(id, h)};
    return kms_calldata("cancel(bytes32)", args, 1, out, err);
}

int kms_timelock_init_code(uint64_t min_delay, const uint8_t (*proposers)[20], size_t np,
                           const uint8_t (*executors)[20], size_t ne, const uint8_t *admin,
                           eth_buf *out, eth_error *err)
{
    static const uint8_t zero[20];
    for (size_t i = 0; i < np; i++)
        if (memcmp(proposers[i], zero, 20) == 0)
            return eth_fail(err, ETH_EINVAL, "proposer %zu is address(0), which nobody can "
                                             "propose as: give the proposer's address", i + 1);
    const kms_artifact *a = kms_artifact_find("TimelockController");
    if (!a)
        return eth_fail(err, ETH_ESTATE, "TimelockController: no embedded artifact of that "
                                         "name (rebuild kmsctl with contracts/artifacts)");
    eth_buf lists[2] = {{0}};
    char d[21], ad[43];
    int rc = kms_text_addr_list(proposers, np, &lists[0], err);
    if (rc == 0)
        rc = kms_text_addr_list(executors, ne, &lists[1], err);
    const char *args[4] = {kms_text_u64(min_delay, d), eth_buf_str(&lists[0]),
                           eth_buf_str(&lists[1]), kms_text_addr(admin ? admin : zero, ad)};
    if (rc == 0)
        rc = eth_buf_append(out, a->bytecode, a->bytecode_len, err);
    if (rc == 0)
        rc = kms_abi_encode("(uint256,address[],address[],address)", args, 4, out, err);
    eth_buf_clear(&lists[0]);
    eth_buf_clear(&lists[1]);
    return rc;
}

/* Prefixes err with the timelock's address; returns -err->code. */
static int timelock_fail(const uint8_t timelock[20], eth_error *err)
{
    char a[43];
    eth_address_checksum(timelock, a);
    return eth_error_prefix(err, "timelock %s: ", a);
}

/* Reads a view of timelock that returns one number fitting in 64 bits. */
static int view_u64(eth_rpc *rpc, const uint8_t timelock[20], const char *block,
                    const char *sig, const char *arg, uint64_t *out, eth_error *err)
{
    kms_result r;
    int rc = kms_view(rpc, timelock, NULL, block, sig, &arg, arg ? 1 : 0, &r, err);
    if (rc == 0)
        rc = kms_result_u64(&r, 0, out, err);
    kms_result_clear(&r);
    return rc ? timelock_fail(timelock, err) : 0;
}

/* True if state s and timestamp t agree as TimelockController keeps them. */
static bool state_agrees(uint64_t s, uint64_t t)
{
    switch (s) {
    case KMS_OP_UNSET: return t == 0;
    case KMS_OP_DONE: return t == 1;
    default: return t > 1;
    }
}

int kms_timelock_state(eth_rpc *rpc, const uint8_t timelock[20], const char *block,
                       const uint8_t id[32], int *state, uint64_t *timestamp, eth_error *err)
{
    char h[67];
    uint64_t s = 0, t = 0;
    kms_text_b32(id, h);
    int rc = view_u64(rpc, timelock, block, "getOperationState(bytes32)(uint8)", h, &s, err);
    if (rc == 0)
        rc = view_u64(rpc, timelock, block, "getTimestamp(bytes32)(uint256)", h, &t, err);
    if (rc == 0 && (s > KMS_OP_DONE || !state_agrees(s, t)))
        rc = eth_fail(err, ETH_ERPC,
                      "operation %s: the timelock answered state %" PRIu64 " with timestamp %"
                      PRIu64 ", which disagree (a block came between the reads, or it is no "
                      "TimelockController): read again at a block number", h, s, t);
    if (rc == 0) {
        *state = (int)s;
        *timestamp = t;
    }
    return rc;
}

int kms_timelock_min_delay(eth_rpc *rpc, const uint8_t timelock[20], const char *block,
                           uint64_t *out, eth_error *err)
{
    return view_u64(rpc, timelock, block, "getMinDelay()(uint256)", NULL, out, err);
}

int kms_timelock_has_role(eth_rpc *rpc, const uint8_t timelock[20], const char *block,
                          const uint8_t role[32], const uint8_t account[20], bool *out,
                          eth_error *err)
{
    char r[67], a[43];
    const char *args[2] = {kms_text_b32(role, r), kms_text_addr(account, a)};
    kms_result res;
    int rc = kms_view(rpc, timelock, NULL, block, "hasRole(bytes32,address)(bool)", args, 2,
                      &res, err);
    if (rc == 0)
        rc = kms_result_bool(&res, 0, out, err);
    kms_result_clear(&res);
    return rc ? timelock_fail(timelock, err) : 0;
}
