/* audit_state.h: the whole live policy of a DstackKms at one block, for `kmsctl policy show`
 * and `policy diff`: its owner and who controls that owner (audit_control.h), its pending
 * owner and implementation, kmsInfo, gatewayAppId, appImplementation, the allowed OS images,
 * KMS aggregated MRs and KMS devices, the registered apps, and for each DstackApp among them its
 * owner (followed the same way), compose hashes, devices and flags.
 *
 * The sets are mappings no getter lists: they are rebuilt from the contracts' events
 * (eth_getLogs over ranges read in parallel, audit_fetch.h) and every member is then asked of
 * the mapping's getter at the same block (event_sets.h). A member the events keep but the getter
 * denies stays visible in the set's `denied` list: a mismatch is reported, never hidden. */
#ifndef KMS_AUDIT_STATE_H
#define KMS_AUDIT_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "audit_control.h"
#include "audit_fetch.h"
#include "eth/buf.h"
#include "eth/error.h"
#include "policy_config.h"

/* Most registered apps read, and the longest gatewayAppId kept. */
#define KMS_AUDIT_MAX_APPS 1024
#define KMS_AUDIT_MAX_GATEWAY_ID 4096

/* One set: what the events and the getter agree on, and what only the events keep. Owned lists
 * (release with kms_audit_set_clear). */
typedef struct kms_audit_set {
    kms_b32_list members;
    kms_b32_list denied;
} kms_audit_set;

/* One registered app. */
typedef struct kms_audit_app {
    uint8_t addr[20];
    bool is_app;                /* answers version() as a DstackApp (else nothing more is read) */
    uint64_t version;
    uint8_t owner[20], pending_owner[20], implementation[20];
    kms_control control;        /* who controls the owner (owned) */
    bool allow_any_device, require_tcb, upgrades_disabled;
    kms_audit_set compose_hashes, devices;
} kms_audit_app;

/* The policy at one block. Zero-initialise; release with kms_audit_state_clear. */
typedef struct kms_audit_state {
    uint64_t block, timestamp;  /* where it was read */
    uint64_t from_block;        /* events were read from here */
    uint8_t kms[20], owner[20], pending_owner[20], implementation[20], app_implementation[20];
    kms_control control;        /* who controls the owner (owned) */
    eth_buf k256_pubkey, ca_pubkey, quote, eventlog; /* kmsInfo (owned) */
    eth_buf gateway_app_id;     /* as stored (outside text: escape it before showing it) */
    kms_audit_set os_images, mrs, devices;
    kms_audit_set apps;         /* registered apps, each address left-padded to 32 bytes */
    kms_audit_app *app;         /* one per apps.members, in the same order (owned) */
    size_t napps;
} kms_audit_state;

/* Reads the policy of the DstackKms proxy at kms as of block (a number; events from from_block)
 * into *out. Returns 0 with *out (release with kms_audit_state_clear); -ETH_ESTATE (no DstackKms
 * answers at kms at that block); -ETH_ERANGE (more than KMS_AUDIT_MAX_APPS apps, KMS_SET_MAX
 * members, a gatewayAppId longer than KMS_AUDIT_MAX_GATEWAY_ID); -ETH_ENOMEM; or an RPC error.
 * On failure *out is empty. net, kms, out not NULL. */
int kms_audit_state_read(const kms_audit_net *net, const uint8_t kms[20], uint64_t block,
                         uint64_t from_block, kms_audit_state *out, eth_error *err)
    ETH_WARN_UNUSED;

/* Frees what s owns and zeroes it (not s itself). NULL is fine. */
void kms_audit_state_clear(kms_audit_state *s);

/* The number of mismatches in s: members the events keep and the getters deny, in every set of
 * the KMS and its apps. */
size_t kms_audit_state_mismatches(const kms_audit_state *s);

/* One line per controller of the KMS and each app, for the summary that opens `policy show`:
 * "DstackKms: a 2-of-3 Safe 0x.. through a 1 d timelock 0x..", "app 0x12..: a single EOA 0x..,
 * at once, upgradeable". Writes line i (0 the KMS, then the apps in order) to out[0..cap).
 * i below 1 + s->napps. */
void kms_audit_summary_line(const kms_audit_state *s, size_t i, char *out, size_t cap);

/* Warnings of the summary, in words, each one line: a change that can take effect at once, a
 * single key that suffices, a controller kmsctl cannot read, a frozen policy, an open pending
 * ownership transfer, an app whose code is not the KMS's appImplementation, a mismatch between
 * events and getters. Calls say(ctx, line) for each (line borrowed for the call). */
void kms_audit_warnings(const kms_audit_state *s, void (*say)(void *ctx, const char *line),
                        void *ctx);

/* s as JSON (docs/policy.md): {"kms", "block", "timestamp", "owner", "pendingOwner",
 * "implementation", "control", "kmsInfo": {"k256Pubkey", "caPubkey", "quoteSize", "quoteHash",
 * "eventlogSize", "eventlogHash"}, "gatewayAppId", "appImplementation", "osImages",
 * "kmsAggregatedMrs", "kmsDevices", "registeredApps" (each set {"members", "denied"}),
 * "apps": [...], "summary": [lines], "warnings": [lines], "mismatches": a count}. A new reference, or NULL when out of
 * memory. */
json_t *kms_audit_state_json(const kms_audit_state *s);

#endif
