/* abi_value.h: a decoded or parsed ABI value, a tree that mirrors its kms_abi_type. */
#ifndef KMS_ETH_ABI_VALUE_H
#define KMS_ETH_ABI_VALUE_H

#include <stddef.h>
#include <stdint.h>
#include "abi_type.h"

/* Static elementary values keep their 32-byte ABI word; bytes/string keep data; arrays and
 * tuples keep items. The type is borrowed and must outlive the value. */
typedef struct kms_abi_value {
    const kms_abi_type *type;
    uint8_t word[32];
    uint8_t *data;
    size_t len;
    struct kms_abi_value *items;
    size_t nitems;
} kms_abi_value;

/* Frees a value's heap parts (not the struct itself) and zeroes it. */
void kms_abi_value_clear(kms_abi_value *v);

/* Allocates n zeroed items for v; returns 0 or -KMS_ENOMEM. */
int kms_abi_value_alloc_items(kms_abi_value *v, size_t n, kms_error *err);

#endif
