/* abi_value.c: lifetime of ABI value trees. */
#include "abi_value.h"

#include <stdlib.h>
#include <string.h>

void eth_abi_value_clear(eth_abi_value *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->nitems; i++)
        eth_abi_value_clear(&v->items[i]);
    free(v->items);
    free(v->data);
    memset(v, 0, sizeof *v);
}

int eth_abi_value_alloc_items(eth_abi_value *v, size_t n, eth_error *err)
{
    v->items = calloc(n ? n : 1, sizeof *v->items);
    if (!v->items)
        return eth_fail(err, ETH_ENOMEM, "out of memory");
    v->nitems = n;
    return 0;
}
