/* abi_selector.h: function selectors and event topics from signatures. */
#ifndef KMS_ETH_ABI_SELECTOR_H
#define KMS_ETH_ABI_SELECTOR_H

#include <stdint.h>
#include "abi_sig.h"

/* The 4-byte selector: first bytes of keccak256 of the canonical "name(T1,T2)". */
int kms_abi_selector(const kms_abi_sig *sig, uint8_t out[4], kms_error *err);

/* Parses text (lenient, as cast sig) and writes its 4-byte selector. */
int kms_abi_selector_of(const char *text, uint8_t out[4], kms_error *err);

/* The 32-byte event topic: keccak256 of the canonical "Name(T1,T2)". */
int kms_abi_event_topic(const char *text, uint8_t out[32], kms_error *err);

#endif
