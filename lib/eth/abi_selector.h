/* abi_selector.h: function selectors and event topics from signatures. */
#ifndef ETH_ABI_SELECTOR_H
#define ETH_ABI_SELECTOR_H

#include <stdint.h>
#include "abi_sig.h"

/* Writes the 4-byte selector of sig to out: the first bytes of keccak256 of its canonical
 * "name(T1,T2)". Returns 0 or -ETH_ERANGE (canonical text too long). sig borrowed, not NULL. */
int eth_abi_selector(const eth_abi_sig *sig, uint8_t out[4], eth_error *err) ETH_WARN_UNUSED;

/* Parses the NUL-terminated text (lenient, as cast sig) and writes its 4-byte selector.
 * Returns 0 or an eth_abi_sig_parse / eth_abi_selector error. */
int eth_abi_selector_of(const char *text, uint8_t out[4], eth_error *err) ETH_WARN_UNUSED;

/* Writes the 32-byte event topic of the NUL-terminated text ("[event ]Name(T1 indexed a,T2)",
 * lenient) to out: keccak256 of the canonical "Name(T1,T2)". Returns 0 or as
 * eth_abi_selector_of. */
int eth_abi_event_topic(const char *text, uint8_t out[32], eth_error *err) ETH_WARN_UNUSED;

/* Writes the 32-byte topic of a parsed event signature (keccak256 of "Name(T1,T2)") to out.
 * Returns 0 or -ETH_ERANGE. sig borrowed, not NULL. */
int eth_abi_sig_topic(const eth_abi_sig *sig, uint8_t out[32], eth_error *err) ETH_WARN_UNUSED;

#endif
