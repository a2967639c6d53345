/* timelock.h: OpenZeppelin 5.x TimelockController: operation ids, the calldata of schedule,
 * execute and cancel, the creation code, and reads of an operation's state and of roles.
 *
 * An operation is one call (schedule / execute / hashOperation) or a batch of calls
 * (scheduleBatch / executeBatch / hashOperationBatch); its id is keccak256 of the ABI encoding
 * of its calls, predecessor and salt, and a batch of one call has another id than the same
 * call alone. Everything but the reads works offline. OZ 5 semantics worth knowing: the
 * constructor gives each proposer PROPOSER_ROLE and CANCELLER_ROLE and each executor
 * EXECUTOR_ROLE; EXECUTOR_ROLE held by address(0) lets anyone execute; the timelock is its own
 * admin (DEFAULT_ADMIN_ROLE), plus the optional admin passed to the constructor. */
#ifndef KMS_TIMELOCK_H
#define KMS_TIMELOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "eth/buf.h"
#include "eth/error.h"
#include "eth/rpc.h"
#include "eth/u256.h"

/* The role ids of TimelockController: DEFAULT_ADMIN_ROLE is zero, the others are keccak256 of
 * their names ("PROPOSER_ROLE", "EXECUTOR_ROLE", "CANCELLER_ROLE"). */
extern const uint8_t KMS_ROLE_DEFAULT_ADMIN[32];
extern const uint8_t KMS_ROLE_PROPOSER[32];
extern const uint8_t KMS_ROLE_EXECUTOR[32];
extern const uint8_t KMS_ROLE_CANCELLER[32];

/* The Solidity name of role id role ("PROPOSER_ROLE", "DEFAULT_ADMIN_ROLE", ...), static, or
 * NULL for an id that is none of the four. role not NULL. */
const char *kms_timelock_role_name(const uint8_t role[32]);

/* One call of an operation. Plain data; every pointer borrowed. */
typedef struct kms_tl_call {
    const uint8_t *target; /* 20 bytes, not NULL */
    u256 value;            /* wei sent with the call */
    const uint8_t *data;   /* calldata, len bytes; may be NULL if len is 0 */
    size_t len;
} kms_tl_call;

/* The operation id of calls[0..n) with predecessor and salt: with batch false (n must be 1)
 * hashOperation's keccak256(abi.encode(target, value, data, predecessor, salt)); with batch
 * true hashOperationBatch's keccak256(abi.encode(targets, values, payloads, predecessor,
 * salt)), for any n >= 1.
 * Returns 0 with out filled, -ETH_EINVAL (n is 0, or batch false with n other than 1) or
 * -ETH_ENOMEM.
 * In: predecessor  the operation that must be done first, or NULL for none (zero);
 *     salt  NULL for zero. */
int kms_timelock_op_id(const kms_tl_call *calls, size_t n, bool batch,
                       const uint8_t predecessor[32], const uint8_t salt[32], uint8_t out[32],
                       eth_error *err) ETH_WARN_UNUSED;

/* Appends to out the calldata of schedule(target, value, data, predecessor, salt, delay), or
 * with batch true of scheduleBatch(targets, values, payloads, predecessor, salt, delay).
 * Returns 0 or as kms_timelock_op_id (or an eth_buf error). predecessor, salt as there. */
int kms_timelock_schedule_data(const kms_tl_call *calls, size_t n, bool batch,
                               const uint8_t predecessor[32], const uint8_t salt[32],
                               uint64_t delay, eth_buf *out, eth_error *err) ETH_WARN_UNUSED;

/* Appends to out the calldata of execute(target, value, data, predecessor, salt), or with
 * batch true of executeBatch(targets, values, payloads, predecessor, salt). The transaction
 * must send the calls' total value. Returns 0 or as kms_timelock_schedule_data. */
int kms_timelock_execute_data(const kms_tl_call *calls, size_t n, bool batch,
                              const uint8_t predecessor[32], const uint8_t salt[32],
                              eth_buf *out, eth_error *err) ETH_WARN_UNUSED;

/* Appends to out the calldata of cancel(id) (a pending operation; sent by a canceller).
 * Returns 0 or an eth_buf error. */
int kms_timelock_cancel_data(const uint8_t id[32], eth_buf *out, eth_error *err)
    ETH_WARN_UNUSED;

/* Appends to out the init code of a TimelockController: the embedded artifact's creation code
 * and the encoded constructor(uint256 minDelay, address[] proposers, address[] executors,
 * address admin). Proposers get PROPOSER_ROLE and CANCELLER_ROLE; an executor address(0)
 * opens execution to anyone; admin gets DEFAULT_ADMIN_ROLE besides the timelock itself.
 * Returns 0; -ETH_EINVAL (a proposer is address(0): nobody could propose as it); -ETH_ESTATE
 * (kmsctl was built without the TimelockController artifact); or an eth_buf error.
 * In: proposers[0..np), executors[0..ne) (either may be NULL when its count is 0);
 *     admin  20 bytes, or NULL for address(0) (no extra admin). */
int kms_timelock_init_code(uint64_t min_delay, const uint8_t (*proposers)[20], size_t np,
                           const uint8_t (*executors)[20], size_t ne, const uint8_t *admin,
                           eth_buf *out, eth_error *err) ETH_WARN_UNUSED;

/* Reads operation id's state (getOperationState: enum kms_op_state) and timestamp
 * (getTimestamp: when it becomes ready; 0 unset, 1 done) from timelock at block (a tag or a
 * number from eth_block_tag, not NULL). The two reads are two eth_calls: at a tag such as
 * "latest" a block mined between them can make them disagree, which is -ETH_ERPC (read again,
 * or read at a block number).
 * Returns 0 with *state and *timestamp set; -ETH_ESTATE (no contract there, or not a
 * TimelockController: no data returned); -ETH_ERPC (a state above 3, or a state and timestamp
 * that disagree); -ETH_ERANGE (a timestamp past 64 bits); -ETH_EREVERT; or an RPC error.
 * None may be NULL. */
int kms_timelock_state(eth_rpc *rpc, const uint8_t timelock[20], const char *block,
                       const uint8_t id[32], int *state, uint64_t *timestamp, eth_error *err)
    ETH_WARN_UNUSED;

/* Reads getMinDelay() (seconds) of timelock at block into *out. Returns 0 or as
 * kms_timelock_state (-ETH_ERANGE: the delay does not fit in 64 bits). None may be NULL. */
int kms_timelock_min_delay(eth_rpc *rpc, const uint8_t timelock[20], const char *block,
                           uint64_t *out, eth_error *err) ETH_WARN_UNUSED;

/* Reads hasRole(role, account) of timelock at block into *out. Returns 0 or as
 * kms_timelock_state. None may be NULL. */
int kms_timelock_has_role(eth_rpc *rpc, const uint8_t timelock[20], const char *block,
                          const uint8_t role[32], const uint8_t account[20], bool *out,
                          eth_error *err) ETH_WARN_UNUSED;

#endif
