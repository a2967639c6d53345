/* decode_text.h (lib/kms only): the texts of decode.c's nodes, in plain printable ASCII: the
 * target ("DstackKms 0x5FbD..."), the call ("addOsImageHash(bytes32 osImageHash = 0x..)") and
 * the warnings with their sentences. */
#ifndef KMS_INTERNAL_DECODE_TEXT_H
#define KMS_INTERNAL_DECODE_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include "eth/abi_json.h"
#include "eth/abi_value.h"
#include "eth/error.h"
#include "eth/u256.h"
#include "kms/decode.h"

/* Writes "NAME 0xADDRESS" (name escaped as outside text and cut to leave the EIP-55 address
 * whole), or "unknown contract 0xADDRESS" when name is NULL, and a NUL to out[0..cap).
 * Returns 0 or -ETH_ENOMEM. cap at least 64; addr 20 bytes. */
int kms_decode_target_text(const char *name, const uint8_t addr[20], char *out, size_t cap,
                           eth_error *err) ETH_WARN_UNUSED;

/* Writes the call of e with the decoded arguments args (a tuple of e->inputs) and a NUL to
 * out[0..cap): "name(type param = value, ...)", values as cast prints them except bytes over 32
 * and strings over 64 characters, which are clipped with their length, and argument nested_arg
 * (SIZE_MAX for none), which shows as "<ncalls calls below>". A text that does not fit ends
 * in "...". Returns 0 or -ETH_ENOMEM. cap at least 4. */
int kms_decode_call_text(const eth_abi_entry *e, const eth_abi_value *args, size_t nested_arg,
                         size_t ncalls, char *out, size_t cap, eth_error *err) ETH_WARN_UNUSED;

/* Sets warning flag on d and appends its sentence (printf-style) to d->warning_text, "; "
 * after an earlier one; nothing when d already has flag. A sentence that does not fit is cut.
 * d, fmt not NULL. */
void kms_decode_warn(kms_decoded *d, uint32_t flag, const char *fmt, ...) ETH_PRINTF(3, 4);

/* Warns on d (the call of a Safe tx) when that tx pays a gas refund: gas_price not zero, or
 * gas_token or receiver (20 bytes each) not address(0). */
void kms_decode_warn_refund(kms_decoded *d, const u256 *gas_price, const uint8_t *gas_token,
                            const uint8_t *receiver);

/* Warns on d when function e is one that changes who controls a contract or a Safe
 * (KMS_WARN_OWNERSHIP, KMS_WARN_SAFE_CONFIG), by its name. */
void kms_decode_warn_function(const eth_abi_entry *e, kms_decoded *d);

#endif
