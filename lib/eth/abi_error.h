/* abi_error.h: revert data as words: Error(string), Panic(uint256) and custom errors. */
#ifndef ETH_ABI_ERROR_H
#define ETH_ABI_ERROR_H

#include <stddef.h>
#include <stdint.h>
#include "hex.h"

/* Meaning of a Solidity panic code ("arithmetic underflow or overflow"), or NULL if unknown.
 * The text is static. */
const char *eth_abi_panic_meaning(uint64_t code);

/* Appends a one-line text for revert data[0..n) to out and a NUL: 'Error("msg")',
 * 'Panic(0x11): arithmetic ...', 'Name(arg, ...)' for the first of sigs[0..nsigs) whose selector
 * matches, else 'unknown error 0x12345678 (N bytes)'; "(empty revert data)" for none.
 * Returns 0, -ETH_EINVAL (data shorter than a selector, or arguments that do not decode
 * against the matching signature; the message names it), an error of a signature in sigs
 * that does not parse (message prefixed "error signature N: "), or an eth_buf error.
 * In: data (may be NULL if n is 0), sigs[0..nsigs) (may be NULL if nsigs is 0) borrowed. */
int eth_abi_decode_revert(const uint8_t *data, size_t n, const char *const *sigs, size_t nsigs,
                          eth_buf *out, eth_error *err) ETH_WARN_UNUSED;

#endif
