/* layout.h: contract storage layouts and the upgrade check between an old and a new one.
 *
 * A layout is the list of a contract's state variables with their places in storage, as solc
 * reports it (the "storageLayout" output: {"storage": [{"label", "offset", "slot", "type",
 * ...}], "types": {"t_...": {"encoding", "label", "numberOfBytes", "members"?, "base"?,
 * "key"?, "value"?}}}; `forge inspect CONTRACT storageLayout --json` prints the same). Each
 * variable's type is written out through "types" in a form that does not depend on the
 * compilation (solc's type ids carry AST numbers): "mapping(bytes32 => bool)", "uint256[50]",
 * "struct KmsInfo{bytes,bytes,bytes,bytes}" (a struct by its name and its members' types; a
 * struct inside itself, through a mapping or an array, as "struct Name").
 *
 * An upgrade keeps the proxy's storage, so the new implementation's layout must extend the old
 * one: every old variable at the same slot and offset with the same type (a new name is only
 * noted), new variables after the old ones, or carved out of a trailing gap (a uint256[N]
 * whose label starts with "__gap", as OpenZeppelin's upgradeable contracts end their storage)
 * that shrinks by exactly the slots they take, so that it ends where it ended before. That is
 * the rule OpenZeppelin's upgrade validation applies to a contract's own variables; gaps other
 * than the last variable are compared as ordinary variables. */
#ifndef KMS_LAYOUT_H
#define KMS_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "artifacts.h"
#include "eth/buf.h"
#include "eth/error.h"

/* Caps on a layout from outside (--layout FILE): bytes of JSON; variables; entries of a
 * struct; nesting of types; characters of a type written out and of a label; the first slot
 * that is refused. Past any of them the layout is refused with ETH_ERANGE. */
#define KMS_LAYOUT_MAX_JSON (4u << 20)
#define KMS_LAYOUT_MAX_VARS 1024
#define KMS_LAYOUT_MAX_MEMBERS 256
#define KMS_LAYOUT_MAX_DEPTH 32
#define KMS_LAYOUT_MAX_TYPE_TEXT 1024
#define KMS_LAYOUT_MAX_LABEL 256
#define KMS_LAYOUT_MAX_SLOT (UINT64_C(1) << 48)

/* One state variable. */
typedef struct kms_layout_var {
    uint64_t slot;   /* below KMS_LAYOUT_MAX_SLOT */
    unsigned offset; /* byte offset inside the slot, 0 to 31 */
    uint64_t bytes;  /* numberOfBytes of its type (at least 1) */
    char *label;     /* the variable's name, owned */
    char *type;      /* its type written out (see above), owned */
} kms_layout_var;

/* A contract's storage layout: vars[0..n) sorted by slot and offset, none overlapping.
 * Zero-initialise or fill with kms_layout_parse; release with kms_layout_clear. */
typedef struct kms_layout {
    kms_layout_var *vars;
    size_t n;
} kms_layout;

/* Parses a storage layout from json[0..n): solc's / forge inspect's {"storage", "types"}, or
 * an artifact holding it as its "storageLayout" member (solc's and forge's output files,
 * the files in contracts/artifacts). Other members are ignored.
 * Returns 0 and fills *out (owned by the caller: kms_layout_clear), or:
 *   -ETH_EINVAL  not JSON; "storage" missing; a variable without label, offset, slot or type,
 *                a label that is not an identifier, a type id not in "types", a type without
 *                label, encoding or numberOfBytes, an unknown encoding, a mapping without key
 *                or value, a variable that does not fit its slot or overlaps another;
 *   -ETH_ERANGE  past a cap above;
 *   -ETH_ENOMEM.
 * Messages name the variable ("storage[3] (gatewayAppId): ..."). *out is empty on failure.
 * In: json (not NULL), borrowed. */
int kms_layout_parse(const char *json, size_t n, kms_layout *out, eth_error *err)
    ETH_WARN_UNUSED;

/* Parses the storage layout embedded in artifact a (a->storage_layout_json) into *out.
 * Returns 0, -ETH_EUNSUP (the artifact carries none) or as kms_layout_parse. a not NULL. */
int kms_layout_from_artifact(const kms_artifact *a, kms_layout *out, eth_error *err)
    ETH_WARN_UNUSED;

/* Frees what l holds and empties it (not l itself). NULL is fine. */
void kms_layout_clear(kms_layout *l);

/* One finding of a comparison: a problem (the upgrade would corrupt storage) or a note (a
 * rename, a variable added in a safe place). */
typedef struct kms_layout_line {
    bool problem;
    char *text; /* owned: "slot 4: was string gatewayAppId, now uint256 x" */
} kms_layout_line;

/* The findings of kms_layout_compare, in this order: the old variables by place, the new
 * variables by place, the gap. Zero-initialise; release with kms_layout_diff_clear. */
typedef struct kms_layout_diff {
    kms_layout_line *lines;
    size_t n;
    size_t problems;
    bool compatible; /* no problem: the new layout extends the old one */
} kms_layout_diff;

/* Compares old, the layout behind a proxy, with new_, the layout of the implementation it
 * would be upgraded to, and fills *out with one line per difference. Problems:
 *   "slot 4: was string gatewayAppId, now uint256 x"          another type at that place
 *   "slot 0: was uint256 a, now uint256 b (b was at slot 1; a is now at slot 1)"
 *                                                             a variable moved (a swap)
 *   "slot 5: was uint256 c, now unused"                        removed
 *   "slot 1 offset 1: was bool g, now part of uint16 h at slot 1"  under a wider variable
 *   "slot 0 offset 1: bool x added before the end of the old layout"  in room left free
 *   "gap: __gap shrinks from 50 to 48 slots but 3 slots were added"   the gap would not end
 *                                                             where it did ("stays at 50
 *                                                             slots", "grows", "moved")
 * and notes: "slot 9: appImplementation is now named impl", "slot 10: added uint256 x (out of
 * __gap)", "slot 60: added uint256 y", "gap: __gap shrinks from 50 to 49 slots for the 1 slot
 * added". out->compatible is true when no line is a problem.
 * Returns 0 or -ETH_ENOMEM (*out then empty). old, new_, out not NULL. */
int kms_layout_compare(const kms_layout *old, const kms_layout *new_, kms_layout_diff *out,
                       eth_error *err) ETH_WARN_UNUSED;

/* Appends d as text for people to out: "compatible" or "incompatible: N problems" (with ", M
 * notes" when there are notes), then one indented line per finding, notes marked "note: ".
 * Returns 0 or an eth_buf error. d, out not NULL. */
int kms_layout_render(const kms_layout_diff *d, eth_buf *out, eth_error *err) ETH_WARN_UNUSED;

/* Frees what d holds and empties it (not d itself). NULL is fine. */
void kms_layout_diff_clear(kms_layout_diff *d);

#endif
