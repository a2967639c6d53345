/* audit_diff.c: the differences between two states of a KMS policy. */
#include "audit_diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eth/address.h"
#include "eth/hex.h"
#include "eth/json.h"
#include "eth/keccak.h"
#include "eth/text.h"

void kms_audit_diff_clear(kms_audit_diff *d)
{
    if (!d)
        return;
    free(d->items);
    memset(d, 0, sizeof *d);
}

/* Where the differences go, and the first failure. */
typedef struct differ {
    kms_audit_diff *out;
    const char *where;
    int rc;
    eth_error *err;
} differ;

static void add(differ *d, kms_diff_kind kind, const char *what, const char *before,
                const char *after)
{
    if (d->rc)
        return;
    kms_diff_entry *grown = realloc(d->out->items, (d->out->n + 1) * sizeof *grown);
    if (!grown) {
        d->rc = eth_fail(d->err, ETH_ENOMEM, "out of memory");
        return;
    }
    d->out->items = grown;
    kms_diff_entry *e = &grown[d->out->n++];
    e->kind = kind;
    snprintf(e->where, sizeof e->where, "%s", d->where);
    snprintf(e->what, sizeof e->what, "%s", what);
    snprintf(e->before, sizeof e->before, "%s", before);
    snprintf(e->after, sizeof e->after, "%s", after);
}

static void value(differ *d, const char *what, const char *before, const char *after)
{
    if (strcmp(before, after) != 0)
        add(d, KMS_DIFF_CHANGED, what, before, after);
}

static bool holds(const kms_b32_list *l, const uint8_t v[32])
{
    for (size_t i = 0; i < l->n; i++)
        if (memcmp(l->items[i], v, 32) == 0)
            return true;
    return false;
}

/* The text of a set member: an address (the last 20 bytes) or 32 bytes of hex. */
static const char *member_text(const uint8_t v[32], bool address, char out[67])
{
    if (address)
        eth_address_checksum(v + 12, out);
    else
        eth_hex_encode(v, 32, out);
    return out;
}

static void set(differ *d, const char *what, const kms_b32_list *a, const kms_b32_list *b,
                bool address)
{
    char t[67];
    for (size_t i = 0; i < a->n; i++)
        if (!holds(b, a->items[i]))
            add(d, KMS_DIFF_REMOVED, what, member_text(a->items[i], address, t), "");
    for (size_t i = 0; i < b->n; i++)
        if (!holds(a, b->items[i]))
            add(d, KMS_DIFF_ADDED, what, "", member_text(b->items[i], address, t));
}

static void address(differ *d, const char *what, const uint8_t a[20], const uint8_t b[20])
{
    char x[43], y[43];
    eth_address_checksum(a, x);
    eth_address_checksum(b, y);
    value(d, what, x, y);
}

static void flag(differ *d, const char *what, bool a, bool b)
{
    value(d, what, a ? "on" : "off", b ? "on" : "off");
}

static void control(differ *d, const kms_control *a, const kms_control *b)
{
    char x[1024], y[1024];
    kms_control_words(a, x, sizeof x);
    kms_control_words(b, y, sizeof y);
    value(d, "control", x, y);
}

/* A buffer's text for a diff: its keccak256 and size (kmsInfo fields), or its clipped text. */
static const char *buf_text(const eth_buf *b, bool text, char out[ETH_CLIP_BUF + 96])
{
    char clip[ETH_CLIP_BUF], h[67];
    uint8_t k[32];
    if (text) {
        eth_text_clip((const char *)b->data, b->len, clip);
        snprintf(out, ETH_CLIP_BUF + 96, "\"%s\"", clip);
        return out;
    }
    eth_keccak256(b->data, b->len, k);
    eth_hex_encode(k, 32, h);
    snprintf(out, ETH_CLIP_BUF + 96, "%zu bytes, keccak256 %s", b->len, h);
    return out;
}

static void bytes(differ *d, const char *what, const eth_buf *a, const eth_buf *b, bool text)
{
    char x[ETH_CLIP_BUF + 96], y[ETH_CLIP_BUF + 96];
    value(d, what, buf_text(a, text, x), buf_text(b, text, y));
}

static void kms_values(differ *d, const kms_audit_state *a, const kms_audit_state *b)
{
    address(d, "owner", a->owner, b->owner);
    control(d, &a->control, &b->control);
    address(d, "pending-owner", a->pending_owner, b->pending_owner);
    address(d, "implementation", a->implementation, b->implementation);
    address(d, "app-implementation", a->app_implementation, b->app_implementation);
    bytes(d, "gateway-app-id", &a->gateway_app_id, &b->gateway_app_id, true);
    bytes(d, "k256-pubkey", &a->k256_pubkey, &b->k256_pubkey, false);
    bytes(d, "ca-pubkey", &a->ca_pubkey, &b->ca_pubkey, false);
    bytes(d, "quote", &a->quote, &b->quote, false);
    bytes(d, "eventlog", &a->eventlog, &b->eventlog, false);
    set(d, "os-image", &a->os_images.members, &b->os_images.members, false);
    set(d, "kms-aggregated-mr", &a->mrs.members, &b->mrs.members, false);
    set(d, "kms-device", &a->devices.members, &b->devices.members, false);
    set(d, "registered-app", &a->apps.members, &b->apps.members, true);
}

static void app_values(differ *d, const kms_audit_app *a, const kms_audit_app *b)
{
    address(d, "owner", a->owner, b->owner);
    control(d, &a->control, &b->control);
    address(d, "pending-owner", a->pending_owner, b->pending_owner);
    address(d, "implementation", a->implementation, b->implementation);
    flag(d, "allow-any-device", a->allow_any_device, b->allow_any_device);
    flag(d, "require-tcb-up-to-date", a->require_tcb, b->require_tcb);
    flag(d, "upgrades-disabled", a->upgrades_disabled, b->upgrades_disabled);
    set(d, "compose-hash", &a->compose_hashes.members, &b->compose_hashes.members, false);
    set(d, "device", &a->devices.members, &b->devices.members, false);
}

static const kms_audit_app *app_in(const kms_audit_state *s, const uint8_t addr[20])
{
    for (size_t i = 0; i < s->napps; i++)
        if (memcmp(s->app[i].addr, addr, 20) == 0)
            return &s->app[i];
    return NULL;
}

/* An app only one side has: its controller (or, for a registered contract that is no
 * DstackApp, that its policy cannot be read) and its sets, all added (or all removed). */
static void whole_app(differ *d, const kms_audit_app *x, bool gone)
{
    static const kms_b32_list NONE;
    char words[900], w[1024];
    if (x->is_app) {
        kms_control_words(&x->control, words, sizeof words);
        snprintf(w, sizeof w, "controlled by %s", words);
    } else /* nothing of it was read: its zeroed control would say "nobody" */
        snprintf(w, sizeof w, "not a DstackApp (its policy cannot be read)");
    add(d, gone ? KMS_DIFF_REMOVED : KMS_DIFF_ADDED, "app", gone ? w : "", gone ? "" : w);
    const kms_b32_list *h = &x->compose_hashes.members, *v = &x->devices.members;
    set(d, "compose-hash", gone ? h : &NONE, gone ? &NONE : h, false);
    set(d, "device", gone ? v : &NONE, gone ? &NONE : v, false);
}

/* The apps of b against a's, then apps only a has. */
static void apps(differ *d, const kms_audit_state *a, const kms_audit_state *b)
{
    const kms_audit_state *sides[2] = {b, a};
    for (size_t s = 0; s < 2; s++)
        for (size_t i = 0; i < sides[s]->napps; i++) {
            const kms_audit_app *x = &sides[s]->app[i], *y = app_in(sides[1 - s], x->addr);
            char where[32], sh[13];
            if (s == 1 && y)
                continue; /* compared already */
            snprintf(where, sizeof where, "app %s", kms_control_short(x->addr, sh));
            d->where = where;
            if (y)
                app_values(d, y, x);
            else
                whole_app(d, x, s == 1);
        }
}

int kms_audit_diff_states(const kms_audit_state *a, const kms_audit_state *b,
                          kms_audit_diff *out, eth_error *err)
{
    memset(out, 0, sizeof *out);
    differ d = {.out = out, .where = "DstackKms", .err = err};
    kms_values(&d, a, b);
    apps(&d, a, b);
    if (d.rc)
        kms_audit_diff_clear(out);
    return d.rc;
}

json_t *kms_audit_diff_json(const kms_audit_diff *d)
{
    static const char *const KINDS[] = {"added", "removed", "changed"};
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < d->n; i++) {
        const kms_diff_entry *e = &d->items[i];
        json_t *o = json_pack("{s:s,s:s,s:s,s:o,s:o}", "kind", KINDS[e->kind], "where", e->where,
                              "what", e->what, "before",
                              e->kind == KMS_DIFF_ADDED ? json_null() : json_string(e->before),
                              "after",
                              e->kind == KMS_DIFF_REMOVED ? json_null() : json_string(e->after));
        if (json_array_append_new(arr, o) != 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}
