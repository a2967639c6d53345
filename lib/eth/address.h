/* address.h: 20-byte addresses and their EIP-55 mixed-case checksum form. */
#ifndef ETH_ADDRESS_H
#define ETH_ADDRESS_H

#include <stdint.h>
#include "error.h"

/* Writes the EIP-55 checksummed "0x..." form of addr and a NUL to out (43 bytes). */
void eth_address_checksum(const uint8_t addr[20], char out[43]);

/* Writes the EIP-1191 checksummed form (hash over "<chain_id>0x<lower hex>") and a NUL to out. */
void eth_address_checksum_chain(const uint8_t addr[20], uint64_t chain_id, char out[43]);

/* Parses the NUL-terminated s: 40 hex digits with an optional 0x, into addr. If strict and the
 * digits mix upper and lower case, the EIP-55 checksum must match. Returns 0 or -ETH_EINVAL
 * (another length, a bad digit shown escaped with its position, a bad checksum naming the
 * expected form). s not NULL. */
int eth_address_parse(const char *s, uint8_t addr[20], int strict, eth_error *err)
    ETH_WARN_UNUSED;

#endif
