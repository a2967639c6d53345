/* abi_value.h: a decoded or parsed ABI value, a tree that mirrors its eth_abi_type. */
#ifndef ETH_ABI_VALUE_H
#define ETH_ABI_VALUE_H

#include <stddef.h>
#include <stdint.h>
#include "abi_type.h"

/* Static elementary values keep their 32-byte ABI word; bytes/string keep data; arrays and
 * tuples keep items. The type is borrowed and must outlive the value. */
typedef struct eth_abi_value {
    const eth_abi_type *type;
    uint8_t word[32];
    uint8_t *data;
    size_t len;
    struct eth_abi_value *items;
    size_t nitems;
} eth_abi_value;

/* Frees a value's heap parts (not the struct itself) and zeroes it. */
void eth_abi_value_clear(eth_abi_value *v);

/* Allocates n zeroed items for v; returns 0 or -ETH_ENOMEM. */
int eth_abi_value_alloc_items(eth_abi_value *v, size_t n, eth_error *err);

#endif
