/* abi_sig.h: function, event and error signatures "name(T1 a,T2 b)(R1)" as cast sig, calldata
 * and abi-decode accept them. */
#ifndef ETH_ABI_SIG_H
#define ETH_ABI_SIG_H

#include <stdbool.h>
#include <stddef.h>
#include "abi_type.h"

/* A parsed signature (plain data on the caller's stack; release with eth_abi_sig_clear).
 * Parameter names and `indexed` are on the components of inputs and outputs. */
typedef struct eth_abi_sig {
    char *name;            /* owned */
    eth_abi_type *inputs;  /* owned; an ETH_ABI_TUPLE */
    eth_abi_type *outputs; /* owned; an ETH_ABI_TUPLE, possibly without components */
} eth_abi_sig;

/* Parses "[function ]name(params)[ modifiers][ returns|:][(outputs)]"; each parameter may carry
 * a storage location, `indexed` and a name ("transfer(address to, uint256 amount)"), kept in the
 * type tree. flags: ETH_ABI_LENIENT keeps unknown type names as opaque types (as cast sig does;
 * `true` means the same), ETH_ABI_NAMED accepts names inside tuples too (cast refuses them).
 * Returns 0 with *out filled (clear it with eth_abi_sig_clear), or -ETH_EINVAL (bad grammar),
 * -ETH_ERANGE (too long, too deep, too many parameters) or -ETH_ENOMEM, with *out empty.
 * In: text NUL-terminated, not NULL. */
int eth_abi_sig_parse(const char *text, unsigned flags, eth_abi_sig *out, eth_error *err)
    ETH_WARN_UNUSED;

/* Frees what sig owns and empties it (the struct itself is the caller's). An emptied or
 * zeroed sig is fine; sig not NULL. */
void eth_abi_sig_clear(eth_abi_sig *sig);

/* Writes "name(T1,T2)" (canonical input types, no names) and a NUL to out[0..cap).
 * Returns 0 or -ETH_ERANGE if it does not fit. */
int eth_abi_sig_canonical(const eth_abi_sig *sig, char *out, size_t cap, eth_error *err)
    ETH_WARN_UNUSED;

#endif
