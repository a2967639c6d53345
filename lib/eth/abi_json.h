/* abi_json.h: a contract's ABI loaded from its JSON form (the "abi" array solc and forge
 * write): functions, events, errors, the constructor, fallback and receive, with named inputs
 * and outputs (tuple components included), state mutability, and each entry's canonical
 * signature, selector or topic; lookups by name, signature, selector and topic.
 *
 * The text is outside input: it is parsed strictly (eth_json_parse: one document, no NUL bytes,
 * no duplicate keys), every member is type-checked, and sizes are capped (ETH_ABI_JSON_MAX_*,
 * ETH_ABI_MAX_DEPTH, ETH_ABI_MAX_FIELDS); members the loader does not use ("internalType", ...)
 * are ignored. */
#ifndef ETH_ABI_JSON_H
#define ETH_ABI_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "abi_type.h"
#include "error.h"

/* Longest ABI JSON text accepted, and most entries in one ABI. */
#define ETH_ABI_JSON_MAX_TEXT (4u << 20)
#define ETH_ABI_JSON_MAX_ENTRIES 4096u

typedef enum eth_abi_entry_kind {
    ETH_ABI_ENTRY_FUNCTION,
    ETH_ABI_ENTRY_EVENT,
    ETH_ABI_ENTRY_ERROR,
    ETH_ABI_ENTRY_CONSTRUCTOR,
    ETH_ABI_ENTRY_FALLBACK,
    ETH_ABI_ENTRY_RECEIVE
} eth_abi_entry_kind;

typedef enum eth_abi_mutability {
    ETH_ABI_MUT_NONE,       /* events and errors */
    ETH_ABI_MUT_NONPAYABLE,
    ETH_ABI_MUT_PAYABLE,
    ETH_ABI_MUT_VIEW,
    ETH_ABI_MUT_PURE
} eth_abi_mutability;

/* One entry; everything is owned by the eth_abi that holds it. */
typedef struct eth_abi_entry {
    eth_abi_entry_kind kind;
    char *name;                    /* "addOsImageHash"; "" for constructor, fallback, receive */
    eth_abi_type *inputs;          /* a tuple; components carry names and (events) indexed */
    eth_abi_type *outputs;         /* a tuple; without components except for functions */
    eth_abi_mutability mutability; /* ETH_ABI_MUT_NONE for events and errors */
    bool anonymous;                /* events only */
    char *signature;               /* canonical "name(T1,T2)" for functions, events and
                                    * errors; NULL for the others */
    uint8_t selector[4];           /* functions and errors (zero otherwise) */
    uint8_t topic[32];             /* events: keccak256 of the signature (zero otherwise) */
} eth_abi_entry;

/* A loaded ABI (plain data on the caller's stack; release with eth_abi_clear). */
typedef struct eth_abi {
    eth_abi_entry *entries; /* owned, in the order of the JSON array */
    size_t n;
} eth_abi;

/* Loads the ABI from text[0..n): a JSON array of entries, or an object (an artifact) whose
 * "abi" member is that array. Returns 0 with *out filled (clear it with eth_abi_clear), or with
 * *out empty: -ETH_EINVAL (not JSON, a missing or mistyped member, a bad type or name, an
 * unknown entry type, two entries of one kind with the same signature; the message names the
 * member, e.g. "abi[3].inputs[0].type"), -ETH_ERANGE (over a cap) or -ETH_ENOMEM.
 * In: text borrowed (may be NULL if n is 0). */
int eth_abi_json_load(const char *text, size_t n, eth_abi *out, eth_error *err) ETH_WARN_UNUSED;

/* Frees what abi owns and empties it; the struct itself is the caller's. A zeroed or emptied
 * abi is fine; abi not NULL. */
void eth_abi_clear(eth_abi *abi);

/* "function", "event", "error", "constructor", "fallback" or "receive" (static text). */
const char *eth_abi_entry_kind_name(eth_abi_entry_kind kind);

/* "nonpayable", "payable", "view", "pure", or "" for ETH_ABI_MUT_NONE (static text). */
const char *eth_abi_mutability_name(eth_abi_mutability m);

/* Finds the one entry of the given kind named name and sets *out to it (borrowed from abi).
 * Returns 0, or -ETH_EINVAL when there is none or more than one (overloads: the message lists
 * their signatures, so the caller can ask for one). name not NULL. */
int eth_abi_find_name(const eth_abi *abi, eth_abi_entry_kind kind, const char *name,
                      const eth_abi_entry **out, eth_error *err) ETH_WARN_UNUSED;

/* Finds the entry of the given kind whose canonical signature is that of sig, which may be
 * written in any form eth_abi_sig_parse reads ("transfer(address to, uint amount)").
 * Sets *out (borrowed from abi) and returns 0, or -ETH_EINVAL (sig does not parse, or no
 * entry has it). */
int eth_abi_find_signature(const eth_abi *abi, eth_abi_entry_kind kind, const char *sig,
                           const eth_abi_entry **out, eth_error *err) ETH_WARN_UNUSED;

/* The function (kind ETH_ABI_ENTRY_FUNCTION) or error (ETH_ABI_ENTRY_ERROR) with this 4-byte
 * selector, or NULL. Borrowed from abi. */
const eth_abi_entry *eth_abi_find_selector(const eth_abi *abi, eth_abi_entry_kind kind,
                                           const uint8_t sel[4]);

/* The non-anonymous event with this topic (topic 0 of its logs), or NULL. Borrowed from abi. */
const eth_abi_entry *eth_abi_find_topic(const eth_abi *abi, const uint8_t topic[32]);

#endif
