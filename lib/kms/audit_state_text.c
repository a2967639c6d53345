/* audit_state_text.c: the policy state in words (summary, warnings) and as JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_state.h"
#include "progress.h"
#include "eth/address.h"
#include "eth/hex.h"
#include "eth/json.h"
#include "eth/keccak.h"
#include "eth/text.h"

static const uint8_t ZERO[20];

/* "DstackKms" or "app 0x12..34", as lines start. */
static const char *label(const kms_audit_state *s, size_t i, char out[32])
{
    char a[13];
    if (i == 0)
        snprintf(out, 32, "DstackKms");
    else
        snprintf(out, 32, "app %s", kms_control_short(s->app[i - 1].addr, a));
    return out;
}

void kms_audit_summary_line(const kms_audit_state *s, size_t i, char *out, size_t cap)
{
    char who[32], words[768];
    const kms_audit_app *a = i ? &s->app[i - 1] : NULL;
    label(s, i, who);
    if (a && !a->is_app) {
        snprintf(out, cap, "%s: not a DstackApp (its policy cannot be read)", who);
        return;
    }
    const kms_control *c = a ? &a->control : &s->control;
    kms_control_words(c, words, sizeof words);
    snprintf(out, cap, "%s: %s%s%s", who, words,
             kms_control_flags(c) & KMS_CTRL_INSTANT ? ", at once" : "",
             !a ? "" : a->upgrades_disabled ? ", upgrades disabled" : ", upgradeable");
}

static void control_warnings(const kms_progress *k, const char *who, const kms_control *c,
                             const uint8_t pending[20])
{
    uint32_t f = kms_control_flags(c);
    if (f & KMS_CTRL_FROZEN)
        kms_progress_say(k, "%s: nobody can change it any more", who);
    if (f & KMS_CTRL_INSTANT)
        kms_progress_say(k, "%s: a change takes effect at once, with no notice (no timelock "
                            "delay)", who);
    if (f & KMS_CTRL_SINGLE_KEY)
        kms_progress_say(k, "%s: a single key is enough to change it", who);
    if (f & KMS_CTRL_UNKNOWN)
        kms_progress_say(k, "%s: controlled through a contract kmsctl cannot read", who);
    if (memcmp(pending, ZERO, 20) != 0) {
        char p[43];
        eth_address_checksum(pending, p);
        kms_progress_say(k, "%s: an ownership transfer to %s is pending (not accepted yet)", who,
                         p);
    }
}

/* The mismatches of one set: members the events keep and the getter denies. */
static void set_warnings(const kms_progress *k, const char *who, const char *name,
                         const char *getter, const kms_audit_set *set)
{
    for (size_t i = 0; i < set->denied.n; i++) {
        char v[67];
        eth_hex_encode(set->denied.items[i], 32, v);
        kms_progress_say(k, "%s: mismatch: the events allow %s %s, but %s says false", who, name,
                         v, getter);
    }
}

static void app_warnings(const kms_progress *k, const kms_audit_state *s, size_t i)
{
    const kms_audit_app *a = &s->app[i];
    char who[32], impl[43], want[43];
    label(s, i + 1, who);
    if (!a->is_app) {
        kms_progress_say(k, "%s: not a DstackApp (it does not answer version())", who);
        return;
    }
    control_warnings(k, who, &a->control, a->pending_owner);
    if (memcmp(a->implementation, s->app_implementation, 20) != 0) {
        eth_address_checksum(a->implementation, impl);
        eth_address_checksum(s->app_implementation, want);
        kms_progress_say(k, "%s: its code %s is not the KMS's app implementation %s", who, impl,
                         want);
    }
    set_warnings(k, who, "compose-hash", "allowedComposeHashes", &a->compose_hashes);
    set_warnings(k, who, "device", "allowedDeviceIds", &a->devices);
}

void kms_audit_warnings(const kms_audit_state *s, void (*say)(void *ctx, const char *line),
                        void *ctx)
{
    kms_progress k = {say, ctx}; /* one line per warning, as progress lines go */
    control_warnings(&k, "DstackKms", &s->control, s->pending_owner);
    set_warnings(&k, "DstackKms", "os-image", "allowedOsImages", &s->os_images);
    set_warnings(&k, "DstackKms", "kms-aggregated-mr", "kmsAllowedAggregatedMrs", &s->mrs);
    set_warnings(&k, "DstackKms", "kms-device", "kmsAllowedDeviceIds", &s->devices);
    set_warnings(&k, "DstackKms", "registered-app", "registeredApps", &s->apps);
    for (size_t i = 0; i < s->napps; i++)
        app_warnings(&k, s, i);
}

/* ---- JSON ---- */

static json_t *set_json(const kms_audit_set *set)
{
    return json_pack("{s:o,s:o}", "members",
                     eth_json_b32_list((const uint8_t(*)[32])set->members.items, set->members.n),
                     "denied",
                     eth_json_b32_list((const uint8_t(*)[32])set->denied.items, set->denied.n));
}

/* The registered apps: the members' last 20 bytes as addresses. */
static json_t *address_list(const kms_b32_list *l)
{
    uint8_t(*a)[20] = malloc(l->n ? l->n * 20 : 1);
    for (size_t i = 0; a && i < l->n; i++)
        memcpy(a[i], l->items[i] + 12, 20);
    json_t *j = a ? eth_json_address_list((const uint8_t(*)[20])a, l->n) : NULL;
    free(a);
    return j;
}

static json_t *kms_info_json(const kms_audit_state *s)
{
    uint8_t qh[32], eh[32];
    eth_keccak256(s->quote.data, s->quote.len, qh);
    eth_keccak256(s->eventlog.data, s->eventlog.len, eh);
    return json_pack("{s:o,s:o,s:I,s:o,s:I,s:o}", "k256Pubkey",
                     eth_json_hex(s->k256_pubkey.data, s->k256_pubkey.len), "caPubkey",
                     eth_json_hex(s->ca_pubkey.data, s->ca_pubkey.len), "quoteSize",
                     (json_int_t)s->quote.len, "quoteKeccak256", eth_json_hex(qh, 32),
                     "eventlogSize", (json_int_t)s->eventlog.len, "eventlogKeccak256",
                     eth_json_hex(eh, 32));
}

/* The gateway app id as a JSON string when it is UTF-8, else as 0x hex. */
static json_t *text_json(const eth_buf *b)
{
    if (eth_utf8_valid(b->data, b->len))
        return json_stringn(b->len ? (const char *)b->data : "", b->len);
    return eth_json_hex(b->data, b->len);
}

static json_t *app_json(const kms_audit_app *a)
{
    if (!a->is_app)
        return json_pack("{s:o,s:b}", "address", eth_json_address(a->addr), "isDstackApp", 0);
    return json_pack("{s:o,s:b,s:I,s:o,s:o,s:o,s:o,s:b,s:b,s:b,s:o,s:o}", "address",
                     eth_json_address(a->addr), "isDstackApp", 1, "version",
                     (json_int_t)a->version, "owner", eth_json_address(a->owner), "pendingOwner",
                     eth_json_address(a->pending_owner), "implementation",
                     eth_json_address(a->implementation), "control",
                     kms_control_json(&a->control), "allowAnyDevice", a->allow_any_device,
                     "requireTcbUpToDate", a->require_tcb, "upgradesDisabled",
                     a->upgrades_disabled, "composeHashes", set_json(&a->compose_hashes),
                     "devices", set_json(&a->devices));
}

static void add_line(void *ctx, const char *line)
{
    json_array_append_new(ctx, json_string(line));
}

static json_t *lines_json(const kms_audit_state *s)
{
    json_t *summary = json_array(), *warnings = json_array(), *apps = json_array();
    for (size_t i = 0; summary && i <= s->napps; i++) {
        char line[1024];
        kms_audit_summary_line(s, i, line, sizeof line);
        add_line(summary, line);
    }
    if (warnings)
        kms_audit_warnings(s, add_line, warnings);
    for (size_t i = 0; apps && i < s->napps; i++)
        json_array_append_new(apps, app_json(&s->app[i]));
    return json_pack("{s:o,s:o,s:o,s:I}", "summary", summary, "warnings", warnings, "apps", apps,
                     "mismatches", (json_int_t)kms_audit_state_mismatches(s));
}

json_t *kms_audit_state_json(const kms_audit_state *s)
{
    json_t *o = json_pack(
        "{s:o,s:I,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "kms",
        eth_json_address(s->kms), "block", (json_int_t)s->block, "timestamp",
        (json_int_t)s->timestamp, "owner", eth_json_address(s->owner), "pendingOwner",
        eth_json_address(s->pending_owner), "implementation", eth_json_address(s->implementation),
        "control", kms_control_json(&s->control), "kmsInfo", kms_info_json(s), "gatewayAppId",
        text_json(&s->gateway_app_id), "appImplementation",
        eth_json_address(s->app_implementation), "osImages", set_json(&s->os_images),
        "kmsAggregatedMrs", set_json(&s->mrs), "kmsDevices", set_json(&s->devices),
        "registeredApps",
        json_pack("{s:o,s:o}", "members", address_list(&s->apps.members), "denied",
                  address_list(&s->apps.denied)));
    json_t *lines = o ? lines_json(s) : NULL;
    if (!lines || json_object_update(o, lines) != 0) {
        json_decref(o);
        o = NULL;
    }
    json_decref(lines);
    return o;
}
