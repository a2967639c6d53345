/* authz.h: the boot-authorization decision the webhook (kmsctl serve) gives, asked of one or
 * several JSON-RPC providers: which block to read, which providers to believe, and failing
 * closed whenever the chain's own answer cannot be had.
 *
 * Two objects. A kms_authz_shared holds what all workers share, behind a mutex: the providers'
 * health, their heads, and per provider the block the decisions are read at (the "pinned"
 * block) with gatewayAppId() and appImplementation() read at it. It is kept current by
 * kms_authz_refresh, which a tracker thread calls every poll interval: it asks each provider
 * for its newest block (and the safe or finalized one), and only when that moves reads the two
 * values at the new pinned block, so they are cached for exactly the block they were read at.
 * A kms_authz is one worker's: its own persistent connection to each provider (one thread
 * only), and in quorum mode one helper thread per further provider so that all providers are
 * asked at once.
 *
 * kms_authz_decide makes one round trip per provider asked: isAppAllowed / isKmsAllowed at the
 * pinned block number (batched with the ERC1967 checks under verify_app_code, and with
 * gatewayAppId() only when the cache lacks that block). The decision itself is never cached.
 *   failover: providers in order; the first usable one that answers decides; a transport
 *             failure marks it down (until the tracker sees it answer) and the next is asked.
 *   quorum:   the block is the K-th highest pinned block of the usable providers; every usable
 *             provider that has it is asked; the answer is the one that at least K providers
 *             returned byte for byte (return data, gatewayAppId, code checks), else it fails
 *             closed. Disagreements are reported with the providers named.
 * A provider is usable when the tracker's last poll succeeded, it is on the expected chain, and
 * (max_head_age set) its newest block is no older than max_head_age. */
#ifndef KMS_AUTHZ_H
#define KMS_AUTHZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot_info.h"
#include "eth/error.h"
#include "progress.h"

/* Most providers (--rpc-url) one service asks. */
#define KMS_AUTHZ_MAX_PROVIDERS 8
/* Longest gatewayAppId served; a longer one fails closed. */
#define KMS_AUTHZ_GATEWAY_MAX 512
/* The reason given under verify_app_code for an app whose code is not an ERC1967 proxy of the
 * KMS's appImplementation() (a registerApp of someone else's contract). */
#define KMS_AUTHZ_REASON_APP_CODE "App code is not an ERC1967 proxy of the KMS's app implementation"

typedef enum kms_authz_mode { KMS_AUTHZ_FAILOVER, KMS_AUTHZ_QUORUM } kms_authz_mode;

/* The block decisions are read at: the newest ("latest"), "safe" or "finalized" one. */
typedef enum kms_authz_tag { KMS_AUTHZ_LATEST, KMS_AUTHZ_SAFE, KMS_AUTHZ_FINALIZED } kms_authz_tag;

/* What a service asks and of whom. Plain data; the strings are copied by kms_authz_shared_new. */
typedef struct kms_authz_config {
    const char *urls[KMS_AUTHZ_MAX_PROVIDERS]; /* http(s) URLs, in failover order */
    size_t nurls;                              /* 1..KMS_AUTHZ_MAX_PROVIDERS */
    kms_authz_mode mode;
    unsigned quorum;          /* quorum mode: K, 1..nurls */
    kms_authz_tag tag;
    uint64_t confirmations;   /* the pinned block is this many below the tagged one */
    uint64_t max_head_age;    /* seconds; 0: a provider's head is never too old */
    long timeout_ms;          /* one round trip, connection included */
    uint64_t chain_id;        /* expected chain; 0: the first provider's, all others must match */
    uint8_t kms[20];          /* the DstackKms proxy */
    bool verify_app_code;     /* refuse an app that is not an ERC1967 proxy of appImplementation */
} kms_authz_config;

typedef struct kms_authz_shared kms_authz_shared;
typedef struct kms_authz kms_authz;

/* Creates the shared state for cfg (copied; checked: URLs http(s), counts in range) into *out
 * (free with kms_authz_shared_free once every kms_authz on it is freed). No provider is usable
 * until kms_authz_refresh saw it answer. Returns 0, -ETH_EINVAL (the message names the setting)
 * or -ETH_ENOMEM. */
int kms_authz_shared_new(const kms_authz_config *cfg, kms_authz_shared **out, eth_error *err)
    ETH_WARN_UNUSED;

/* Frees s. NULL is fine. */
void kms_authz_shared_free(kms_authz_shared *s);

/* Opens one worker's connections to every provider of s (nothing is sent yet) and, in quorum
 * mode, its helper threads, into *out (free with kms_authz_free, from the thread that uses it).
 * s is borrowed and must outlive *out. Returns 0, -ETH_ENOMEM or -ETH_ERPC (libcurl or a
 * thread could not be set up). */
int kms_authz_open(kms_authz_shared *s, kms_authz **out, eth_error *err) ETH_WARN_UNUSED;

/* Stops a's helper threads, closes its connections and frees it. NULL is fine. */
void kms_authz_free(kms_authz *a);

/* The tracker's step: polls every provider once with a's connections (its chain id; newest
 * block; the safe or finalized one; gatewayAppId() and appImplementation() at a new pinned
 * block) and updates the shared state: a provider that answers another chain id is not usable
 * until it answers the expected one again. Each change worth a log line (a provider down or
 * back, on the wrong chain or back on the right one, a new pinned block) goes to notes (NULL:
 * none). Returns the number of usable providers. */
size_t kms_authz_refresh(kms_authz *a, const kms_progress *notes);

/* kms_authz_refresh of provider i (< the number of URLs) alone: true if it is usable after the
 * poll. Threads may poll different providers with the same a at once (each uses only its
 * provider's connection), so that a provider that does not answer delays no other. */
bool kms_authz_refresh_one(kms_authz *a, size_t i, const kms_progress *notes);

/* -ETH_ESTATE with a message naming the first provider whose chain id is not the expected one
 * (as far as kms_authz_refresh has seen), else 0. */
int kms_authz_check_chains(kms_authz_shared *s, eth_error *err) ETH_WARN_UNUSED;

/* One decision, as the webhook answers it. */
typedef struct kms_authz_answer {
    bool available;        /* false: fail closed (allowed is false, why says what failed) */
    bool allowed;          /* true only when the contract's reply decoded to (true, ...) */
    char reason[256];      /* the contract's reason (control bytes and non-UTF-8 shown as '?') */
    char gateway[KMS_AUTHZ_GATEWAY_MAX + 1]; /* gatewayAppId() at block, same sanitising */
    uint64_t block;        /* the block number the answer was read at (0: none) */
    double upstream_ms;    /* time spent waiting for providers */
    char why[512];         /* when not available: the cause, for the log */
    unsigned disagreements; /* quorum: usable providers whose answer was not the chosen one */
    char disagreement[512]; /* quorum: who answered what, for the log ("" when all agreed) */
} kms_authz_answer;

/* Decides whether the boot b may proceed (kms: isKmsAllowed, else isAppAllowed, and under
 * verify_app_code the app's code checks). Never fails: *out is either the contract's decision
 * (available) or a fail-closed answer (not available: no usable provider, an RPC error, a
 * timeout, a revert, a malformed reply, a stale head, no quorum, a reply that is not
 * (bool, string)). a and b are borrowed. */
void kms_authz_decide(kms_authz *a, const kms_boot_info *b, bool kms, kms_authz_answer *out);

/* What GET / shows: read live (one batch) from the first usable provider. */
typedef struct kms_authz_info {
    uint64_t chain_id;
    char gateway[KMS_AUTHZ_GATEWAY_MAX + 1];
    uint8_t app_impl[20];
} kms_authz_info;

/* Reads *out at the first usable provider's pinned block. Returns 0, -ETH_ESTATE (no usable
 * provider), or an RPC or decoding error. */
int kms_authz_info_read(kms_authz *a, kms_authz_info *out, eth_error *err) ETH_WARN_UNUSED;

/* A provider as the metrics show it. Plain data. */
typedef struct kms_authz_provider {
    char url[128];         /* scheme://host[:port] only */
    bool usable;
    uint64_t head;         /* newest block number seen (0: none yet) */
    uint64_t head_time;    /* its timestamp (unix seconds) */
    uint64_t pinned;       /* the block decisions are read at */
    uint64_t errors;       /* failed round trips so far (tracker and requests) */
} kms_authz_provider;

/* Number of providers of s. */
size_t kms_authz_provider_count(const kms_authz_shared *s);

/* Copies provider i (< kms_authz_provider_count) of s into *out. */
void kms_authz_provider_get(kms_authz_shared *s, size_t i, kms_authz_provider *out);

#endif
