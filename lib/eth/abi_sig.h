/* abi_sig.h: function signatures "name(T1 a,T2 b)(R1)" as cast sig / calldata / abi-decode accept them. */
#ifndef ETH_ABI_SIG_H
#define ETH_ABI_SIG_H

#include <stdbool.h>
#include "abi_type.h"

/* A parsed signature: name, input types and output types (tuples of parameters). */
typedef struct eth_abi_sig {
    char *name;
    eth_abi_type *inputs;  /* a ETH_ABI_TUPLE */
    eth_abi_type *outputs; /* a ETH_ABI_TUPLE, possibly empty */
} eth_abi_sig;

/* Parses "name(params)[ modifiers][ returns|:][(outputs)]"; params may carry storage, indexed
 * and names. If lenient, unknown type names are kept (as cast sig does). */
int eth_abi_sig_parse(const char *text, bool lenient, eth_abi_sig *out, eth_error *err);

/* Frees what eth_abi_sig_parse allocated. */
void eth_abi_sig_clear(eth_abi_sig *sig);

/* Writes "name(T1,T2)" (canonical input types) to out; returns 0 or -ETH_ERANGE. */
int eth_abi_sig_canonical(const eth_abi_sig *sig, char *out, size_t cap, eth_error *err);

#endif
