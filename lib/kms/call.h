/* call.h: contract calls from a signature and argument texts, and view calls with decoded
 * results. The one way lib/kms builds calldata: "transferOwnership(address)" with
 * {"0x12..."} gives the selector and the ABI encoding; arguments are written as cast writes
 * them (0x hex, decimal numbers, true/false, (a,b) tuples, [a,b] arrays), and kms_text_* turn
 * bytes into such texts. */
#ifndef KMS_CALL_H
#define KMS_CALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "eth/abi_sig.h"
#include "eth/abi_value.h"
#include "eth/buf.h"
#include "eth/error.h"
#include "eth/rpc.h"

/* Appends the calldata of sig (a function signature, "f(address,uint256)"; outputs ignored)
 * with args[0..nargs) to out: the 4-byte selector, then the encoded arguments.
 * Returns 0, -ETH_EINVAL (a bad signature, a wrong argument count, a bad value: the message
 * names the argument), -ETH_ERANGE or -ETH_ENOMEM. args may be NULL if nargs is 0. */
int kms_calldata(const char *sig, const char *const *args, size_t nargs, eth_buf *out,
                 eth_error *err) ETH_WARN_UNUSED;

/* Appends only the encoded arguments (no selector) of the parameter list types, such as
 * "(address,bytes)", to out: constructor arguments and initializer data.
 * Returns 0 or as kms_calldata. */
int kms_abi_encode(const char *types, const char *const *args, size_t nargs, eth_buf *out,
                   eth_error *err) ETH_WARN_UNUSED;

/* The result of a view call: the parsed signature (its output types) and the decoded output
 * tuple, whose types point into sig. Zero-initialise; release with kms_result_clear. */
typedef struct kms_result {
    eth_abi_sig sig;
    eth_abi_value out; /* a tuple of sig.outputs */
} kms_result;

/* Frees what r holds (not r itself). NULL is fine. */
void kms_result_clear(kms_result *r);

/* Calls sig on contract to (eth_call at block, a tag such as "latest"; from may be NULL) and
 * decodes the return data as sig's outputs, written after the inputs as cast writes them:
 * "owner()(address)", "hasRole(bytes32,address)(bool)". Returns 0 with *r filled (clear it
 * with kms_result_clear), -ETH_EREVERT (with the revert data), -ETH_ESTATE (the call returned
 * no data: no contract there, or not this function), -ETH_EINVAL (data that does not decode
 * as the outputs), or an RPC error. */
int kms_view(eth_rpc *rpc, const uint8_t to[20], const uint8_t *from, const char *block,
             const char *sig, const char *const *args, size_t nargs, kms_result *r,
             eth_error *err) ETH_WARN_UNUSED;

/* Output i of r as an address, a bool, a bytes32 or a number that fits in 64 bits.
 * Return 0, or -ETH_EINVAL if output i does not exist or has another type (-ETH_ERANGE: the
 * number does not fit). */
int kms_result_address(const kms_result *r, size_t i, uint8_t out[20], eth_error *err)
    ETH_WARN_UNUSED;
int kms_result_bool(const kms_result *r, size_t i, bool *out, eth_error *err) ETH_WARN_UNUSED;
int kms_result_b32(const kms_result *r, size_t i, uint8_t out[32], eth_error *err)
    ETH_WARN_UNUSED;
int kms_result_u64(const kms_result *r, size_t i, uint64_t *out, eth_error *err)
    ETH_WARN_UNUSED;

/* Output i of r when it is bytes or string: *p borrowed from r (valid until kms_result_clear),
 * *n bytes. Returns 0 or -ETH_EINVAL. */
int kms_result_bytes(const kms_result *r, size_t i, const uint8_t **p, size_t *n,
                     eth_error *err) ETH_WARN_UNUSED;

/* Texts of values for argument lists: an address as 0x + 40 lower-case hex digits, 32 bytes as
 * 0x + 64 digits, a number in decimal. Return out. */
const char *kms_text_addr(const uint8_t addr[20], char out[43]);
const char *kms_text_b32(const uint8_t b[32], char out[67]);
const char *kms_text_u64(uint64_t v, char out[21]);

/* Appends "[0x..,0x..]" (lower-case addresses; "[]" for none) to out and a NUL after it (not
 * counted in out->len, so eth_buf_str(out) reads it): the argument text of an address[] for
 * kms_calldata and kms_abi_encode. Returns 0 or an
 * eth_buf error. addrs may be NULL if n is 0. */
int kms_text_addr_list(const uint8_t (*addrs)[20], size_t n, eth_buf *out, eth_error *err)
    ETH_WARN_UNUSED;

#endif
