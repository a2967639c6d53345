/* known.h: the contracts a signer expects a governance transaction to call, for the decoder's
 * "unexpected target" warning: those of a deployment manifest (--manifest FILE, or
 * kmsctl-deployment.json when it exists and is of the same chain), and any the command adds. */
#ifndef KMSCTL_KNOWN_H
#define KMSCTL_KNOWN_H

#include <stddef.h>
#include <stdint.h>
#include "kms/decode.h"

/* Most known contracts a command collects. */
#define CLI_KNOWN_MAX 16

typedef struct cli_known {
    kms_known k[CLI_KNOWN_MAX];
    size_t n;
} cli_known;

/* Adds the contracts of the manifest at path (NULL: kmsctl-deployment.json if it exists) when it
 * is for chain_id: DstackKms, its implementation, the DstackApp implementation, the timelock
 * and the Safe. A missing or unreadable default manifest adds nothing; a given one that cannot
 * be read is reported on stderr and adds nothing. */
void cli_known_from_manifest(cli_known *k, const char *path, uint64_t chain_id);

/* Adds addr named name, decoded with the embedded artifact (NULL: any ABI), unless it is
 * known already or the list is full. name and artifact must outlive k (static strings). */
void cli_known_add(cli_known *k, const uint8_t addr[20], const char *name, const char *artifact);

#endif
