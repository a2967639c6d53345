/* abi_selector.h: function selectors and event topics from signatures. */
#ifndef ETH_ABI_SELECTOR_H
#define ETH_ABI_SELECTOR_H

#include <stdint.h>
#include "abi_sig.h"

/* The 4-byte selector: first bytes of keccak256 of the canonical "name(T1,T2)". */
int eth_abi_selector(const eth_abi_sig *sig, uint8_t out[4], eth_error *err);

/* Parses text (lenient, as cast sig) and writes its 4-byte selector. */
int eth_abi_selector_of(const char *text, uint8_t out[4], eth_error *err);

/* The 32-byte event topic: keccak256 of the canonical "Name(T1,T2)". */
int eth_abi_event_topic(const char *text, uint8_t out[32], eth_error *err);

#endif
