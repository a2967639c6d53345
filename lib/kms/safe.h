/* safe.h: Safe v1.4.1 wallets: the setup and creation calldata, the CREATE2 address a new Safe
 * gets (offline), batches of calls through MultiSendCallOnly, and reading a Safe's
 * configuration. Safe transactions, their hash and the owners' signatures are in safe_tx.h.
 *
 * A Safe is a SafeProxy created by SafeProxyFactory.createProxyWithNonce(singleton,
 * initializer, saltNonce) with CREATE2; the initializer is the call of Safe.setup that fixes
 * its owners, threshold and fallback handler. The address depends only on the factory, the
 * singleton, the initializer and the salt nonce, so a deployment knows it before anything is
 * sent. */
#ifndef KMS_SAFE_H
#define KMS_SAFE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "eth/buf.h"
#include "eth/error.h"
#include "eth/rpc.h"
#include "eth/u256.h"
#include "timelock.h"

/* Most owners (in a setup, a signature list or a read) and modules (in a read) kmsctl
 * handles; a Safe with more is refused with -ETH_ERANGE rather than shown in part. */
#define KMS_SAFE_MAX_OWNERS 64
#define KMS_SAFE_MAX_MODULES 16

/* Longest VERSION() text read, NUL included ("1.4.1"). */
#define KMS_SAFE_VERSION_MAX 16

/* The head of Safe's owner and module lists, address(0x1): never an owner or a module. */
extern const uint8_t KMS_SAFE_SENTINEL[20];

/* A Safe's initial configuration. Plain data; pointers borrowed. */
typedef struct kms_safe_setup {
    const uint8_t (*owners)[20];     /* nowners addresses */
    size_t nowners;
    uint64_t threshold;              /* signatures a transaction needs: 1..nowners */
    const uint8_t *fallback_handler; /* 20 bytes, or NULL for none (address(0)) */
} kms_safe_setup;

/* Appends to out the calldata of Safe.setup(owners, threshold, to = address(0), data = 0x,
 * fallbackHandler, paymentToken = address(0), payment = 0, paymentReceiver = address(0)): the
 * initializer of a new Safe. Checks what Safe checks offline: at least one owner, none
 * address(0) or the sentinel 0x1, none twice, 1 <= threshold <= nowners.
 * Returns 0; -ETH_EINVAL (the message names the offending owner by position and address, or
 * the threshold); -ETH_ERANGE (more than KMS_SAFE_MAX_OWNERS owners); or an eth_buf error.
 * s not NULL (s->owners may be NULL only if nowners is 0, which is refused). */
int kms_safe_setup_data(const kms_safe_setup *s, eth_buf *out, eth_error *err)
    ETH_WARN_UNUSED;

/* Appends to out the calldata of SafeProxyFactory.createProxyWithNonce(singleton,
 * initializer, saltNonce). Returns 0 or an eth_buf error.
 * In: singleton  the Safe (or SafeL2) implementation, 20 bytes; initializer[0..n) (may be NULL
 *     if n is 0); salt_nonce  not NULL. */
int kms_safe_create_data(const uint8_t singleton[20], const uint8_t *initializer, size_t n,
                         const u256 *salt_nonce, eth_buf *out, eth_error *err) ETH_WARN_UNUSED;

/* Writes to out the address the Safe created by kms_safe_create_data's call on factory gets:
 * CREATE2 of factory with salt keccak256(keccak256(initializer) ++ uint256(saltNonce)) and init
 * code SafeProxy's creation code (the embedded artifact, as the factory's proxyCreationCode())
 * ++ uint256(uint160(singleton)).
 * Returns 0, or -ETH_ESTATE (kmsctl was built without the SafeProxy artifact). Arguments as
 * kms_safe_create_data; factory 20 bytes. */
int kms_safe_proxy_address(const uint8_t factory[20], const uint8_t singleton[20],
                           const uint8_t *initializer, size_t n, const u256 *salt_nonce,
                           uint8_t out[20], eth_error *err) ETH_WARN_UNUSED;

/* Appends to out the calldata of MultiSendCallOnly.multiSend(transactions), transactions being
 * each call packed as operation (uint8, always 0: a call), to (20 bytes), value (uint256),
 * data length (uint256) and data. A Safe runs it with a delegatecall (operation 1) to
 * MultiSendCallOnly, so each call comes from the Safe.
 * Returns 0, -ETH_EINVAL (n is 0) or an eth_buf error. calls[0..n) borrowed. */
int kms_multisend_data(const kms_tl_call *calls, size_t n, eth_buf *out, eth_error *err)
    ETH_WARN_UNUSED;

/* Most calls kms_multisend_unpack reads. */
#define KMS_MULTISEND_MAX_CALLS 256

/* Reads multiSend(bytes) calldata data[0..n) back into its calls: *calls (a new array the caller
 * frees with free(); NULL when *ncalls is 0) whose targets and data point into data (borrowed:
 * data must outlive them). Every length is bounds-checked. Returns 0, -ETH_EINVAL (not
 * multiSend calldata, a packed call cut short or with an operation other than 0, trailing
 * bytes: the message says where), -ETH_ERANGE (more than KMS_MULTISEND_MAX_CALLS calls) or
 * -ETH_ENOMEM. */
int kms_multisend_unpack(const uint8_t *data, size_t n, kms_tl_call **calls, size_t *ncalls,
                         eth_error *err) ETH_WARN_UNUSED;

/* What a Safe is set up as, read from the chain. Plain data. */
typedef struct kms_safe_info {
    uint8_t owners[KMS_SAFE_MAX_OWNERS][20]; /* getOwners(), in the Safe's order */
    size_t nowners;
    uint64_t threshold;                      /* getThreshold() */
    u256 nonce;                              /* nonce(): the next Safe transaction's */
    char version[KMS_SAFE_VERSION_MAX];      /* VERSION(), as the contract returns it (outside
                                                text: escape it before showing it) */
    uint8_t singleton[20];                   /* storage slot 0: the implementation */
    uint8_t fallback_handler[20];            /* slot keccak256("fallback_manager.handler.address");
                                                zero: none */
    uint8_t guard[20];                       /* slot keccak256("guard_manager.guard.address");
                                                zero: none */
    uint8_t modules[KMS_SAFE_MAX_MODULES][20]; /* getModulesPaginated(0x1, ...) */
    size_t nmodules;
} kms_safe_info;

/* Reads the configuration of the Safe at safe at block (a tag or eth_block_tag number, not
 * NULL) into *out (zeroed on failure), with one eth_call or eth_getStorageAt per field.
 * Returns 0; -ETH_ESTATE (no contract there, or not a Safe: a view returned no data);
 * -ETH_ERANGE (more than KMS_SAFE_MAX_OWNERS owners, more than KMS_SAFE_MAX_MODULES modules, a
 * VERSION() of KMS_SAFE_VERSION_MAX bytes or more, a threshold past 64 bits); -ETH_EINVAL (a
 * reply that does not decode); -ETH_EREVERT; or an RPC error. Every message names the Safe.
 * None may be NULL. */
int kms_safe_read(eth_rpc *rpc, const uint8_t safe[20], const char *block, kms_safe_info *out,
                  eth_error *err) ETH_WARN_UNUSED;

#endif
