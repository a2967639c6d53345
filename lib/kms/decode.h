/* decode.h: what a call really does, decoded layer by layer for the people who sign it:
 * Safe -> TimelockController.schedule(...) -> DstackKms.addOsImageHash(0x...), with warnings for
 * what signers get tricked by (a delegatecall, a change of the Safe's owners, a gas refund, an
 * unexpected target, calldata nobody can read, ether sent along, a change of ownership).
 *
 * The calldata is outside input (a proposal file another signer sent): every length and offset
 * is checked, nesting stops at KMS_DECODE_MAX_DEPTH levels and KMS_DECODE_MAX_NODES calls, and
 * anything that does not decode becomes a node with KMS_WARN_UNKNOWN_FUNCTION, never an error.
 * Functions are found by selector in the ABIs compiled into kmsctl (artifacts.h), loaded once per
 * decode call and freed after it (no state outlives a call): about 0.4 ms for each of the large
 * ABIs (DstackKms, TimelockController, Safe), so a Safe -> timelock -> DstackKms decode takes
 * about 0.8 ms, and an unknown selector, which loads all 13, about 2.4 ms.
 *
 * Children: schedule / execute of a TimelockController have one (the scheduled call, from the
 * timelock), scheduleBatch / executeBatch one per call (arrays of different lengths: none, and
 * a warning), execTransaction of a Safe one (its call, from that Safe, with its refund warning),
 * multiSend(bytes) one per packed call (from the Safe that delegatecalls it), read with
 * kms_multisend_unpack (safe.h): transactions that do not unpack, or hold a call of operation 1
 * (MultiSendCallOnly reverts on it), show no calls and a warning. The calldata arguments of
 * these show as "<N calls below>" instead of hex. Besides the addresses the caller passes, two
 * are always known: the canonical MultiSendCallOnly (safe_canonical.h) and, for a Safe
 * transaction, the Safe itself ("this Safe", Safe ABI); they never count as unexpected targets.
 * A known address with an artifact is decoded with that ABI only (a selector it lacks is an
 * unknown function); any other address with the first embedded ABI that has the selector.
 *
 * Every text in a kms_decoded (target, call, warning_text) is plain printable ASCII: outside
 * values (strings in calldata, the caller's names) pass through eth_text_clip, and what is left
 * outside ASCII is written as \u{..}; double quotes inside strings are escaped, so a string
 * cannot pose as further arguments. */
#ifndef KMS_DECODE_H
#define KMS_DECODE_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "eth/buf.h"
#include "eth/error.h"
#include "eth/u256.h"
#include "safe_tx.h"

/* Deepest nesting decoded (the root is level 1), most nodes in one tree, and the longest
 * calldata one node decodes (longer is shown by its size, with KMS_WARN_UNKNOWN_FUNCTION). */
#define KMS_DECODE_MAX_DEPTH 8
#define KMS_DECODE_MAX_NODES 256
#define KMS_DECODE_MAX_DATA (1u << 20)

/* Warnings (bit flags) a decoded call can carry. */
enum {
    KMS_WARN_DELEGATECALL = 1u << 0,      /* operation 1 to anything but the canonical
                                           * MultiSendCallOnly, or an operation neither 0 nor 1 */
    KMS_WARN_SAFE_CONFIG = 1u << 1,       /* addOwnerWithThreshold, removeOwner, swapOwner,
                                           * changeThreshold, enableModule, disableModule,
                                           * setGuard, setFallbackHandler or setup, anywhere */
    KMS_WARN_REFUND = 1u << 2,            /* a Safe tx with gasPrice != 0, or a non-zero gasToken
                                           * or refundReceiver (on the Safe tx's call) */
    KMS_WARN_UNEXPECTED_TARGET = 1u << 3, /* a target none of the known addresses (only when
                                           * the caller passed some) */
    KMS_WARN_UNKNOWN_FUNCTION = 1u << 4,  /* a selector no embedded ABI knows, calldata that
                                           * does not decode, or nesting left undecoded (caps) */
    KMS_WARN_VALUE = 1u << 5,             /* ether sent along (value != 0) */
    KMS_WARN_OWNERSHIP = 1u << 6          /* transferOwnership, renounceOwnership,
                                           * upgradeToAndCall, grantRole, revokeRole,
                                           * renounceRole or updateDelay */
};

/* An address the caller knows, with the artifact whose ABI decodes calls to it. Plain data;
 * the strings are borrowed. */
typedef struct kms_known {
    uint8_t addr[20];
    const char *name;     /* "DstackKms", "timelock", "Safe", "app 0x12.." (outside text is
                           * fine: it is escaped; not NULL) */
    const char *artifact; /* embedded artifact whose ABI decodes calls to addr: "DstackKms",
                           * "DstackApp", "TimelockController", "Safe", ...; NULL: find the
                           * function by selector in every embedded ABI */
} kms_known;

/* One decoded call, with the calls it makes when its calldata tells them. Zero-initialise;
 * release with kms_decoded_clear. */
typedef struct kms_decoded {
    uint8_t to[20];
    u256 value;
    int operation;            /* 0 call, 1 delegatecall (other values as given) */
    char target[96];          /* "DstackKms 0x5FbDB2315678afecb367f032d93F642f64180aa3",
                               * "unknown contract 0x..." (the address always in full) */
    char call[2048];          /* "addOsImageHash(bytes32 osImageHash = 0x11..)": parameter
                               * names from the ABI, values as cast prints them, bytes over 32
                               * and strings over 64 characters clipped with their length;
                               * "unknown function 0x12345678 (100 bytes of calldata)"; "" for
                               * no calldata. Clipped with "..." at 2047 characters */
    uint32_t warnings;        /* KMS_WARN_* of this node only */
    char warning_text[512];   /* one sentence per set warning, "; "-joined, in the order found */
    struct kms_decoded *children; /* owned; the calls this one makes (see above) */
    size_t nchildren;
} kms_decoded;

/* Decodes the call of data[0..n) with value to `to` (by delegatecall if operation is 1) into
 * *out, with every call nested in it, against the known addresses known[0..nknown).
 * Returns 0 with *out filled (release with kms_decoded_clear), or with *out empty:
 * -ETH_EINVAL (a known entry names an artifact kmsctl does not embed, or has no name),
 * -ETH_ENOMEM, or the error of an embedded ABI that does not load (a broken build).
 * Calldata that does not decode is never an error (see above).
 * In: known may be NULL if nknown is 0; to 20 bytes; value NULL for zero; data may be NULL if
 *     n is 0; all borrowed. */
int kms_decode_call(const kms_known *known, size_t nknown, const uint8_t to[20],
                    const u256 *value, const uint8_t *data, size_t n, int operation,
                    kms_decoded *out, eth_error *err) ETH_WARN_UNUSED;

/* Decodes the call a Safe transaction makes (tx->to, value, data, operation) from the Safe at
 * safe, as kms_decode_call with the Safe also known ("this Safe", its calls decoded with the
 * Safe ABI), and marks the root with KMS_WARN_REFUND when tx pays a gas refund.
 * Returns as kms_decode_call. None may be NULL but known (if nknown is 0). */
int kms_decode_safe_tx(const kms_known *known, size_t nknown, const uint8_t safe[20],
                       const kms_safe_tx *tx, kms_decoded *out, eth_error *err) ETH_WARN_UNUSED;

/* Frees what d owns (its children, recursively) and zeroes it; d itself is the caller's.
 * NULL is fine. */
void kms_decoded_clear(kms_decoded *d);

/* The KMS_WARN_* flags of d and all its descendants, ORed. d not NULL. */
uint32_t kms_decoded_all_warnings(const kms_decoded *d);

/* A short stable name of one KMS_WARN_* flag ("delegatecall", "safe_config", "refund",
 * "unexpected_target", "unknown_function", "value", "ownership"), static; NULL for anything
 * else. */
const char *kms_decode_warning_name(uint32_t flag);

/* Appends the human text of d to out and a NUL (not counted in out->len): one line per node,
 * "TARGET: CALL", with "delegatecall " before TARGET for operation 1 and ", value N wei" after
 * CALL when ether is sent; each level of children indented by 2 more spaces and prefixed
 * "-> "; a node's warnings on their own line after it, "   ! " and its warning_text, at the
 * node's indent. Plain ASCII: a byte outside printable ASCII in d's texts (none, if
 * kms_decode_* made d) is written as '?'.
 * Returns 0 or an eth_buf error (-ETH_ERANGE past out->limit, -ETH_ENOMEM). d, out not NULL. */
int kms_decoded_render(const kms_decoded *d, eth_buf *out, eth_error *err) ETH_WARN_UNUSED;

/* d as JSON: {"to": EIP-55, "target", "operation": number, "value": decimal wei text, "call",
 * "warnings": [kms_decode_warning_name of each flag set, in bit order], "warning_text",
 * "calls": [the children, the same way]}. Returns a new reference, or NULL when out of memory.
 * d not NULL. Returns NULL too for a tree made by hand with a text that is not UTF-8 (those
 * kms_decode_* make are ASCII). */
json_t *kms_decoded_json(const kms_decoded *d);

#endif
