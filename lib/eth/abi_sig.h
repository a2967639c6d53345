/* abi_sig.h: function signatures "name(T1 a,T2 b)(R1)" as cast sig / calldata / abi-decode accept them. */
#ifndef KMS_ETH_ABI_SIG_H
#define KMS_ETH_ABI_SIG_H

#include <stdbool.h>
#include "abi_type.h"

/* A parsed signature: name, input types and output types (tuples of parameters). */
typedef struct kms_abi_sig {
    char *name;
    kms_abi_type *inputs;  /* a KMS_ABI_TUPLE */
    kms_abi_type *outputs; /* a KMS_ABI_TUPLE, possibly empty */
} kms_abi_sig;

/* Parses "name(params)[ modifiers][ returns|:][(outputs)]"; params may carry storage, indexed
 * and names. If lenient, unknown type names are kept (as cast sig does). */
int kms_abi_sig_parse(const char *text, bool lenient, kms_abi_sig *out, kms_error *err);

/* Frees what kms_abi_sig_parse allocated. */
void kms_abi_sig_free(kms_abi_sig *sig);

/* Writes "name(T1,T2)" (canonical input types) to out; returns 0 or -KMS_ERANGE. */
int kms_abi_sig_canonical(const kms_abi_sig *sig, char *out, size_t cap, kms_error *err);

#endif
