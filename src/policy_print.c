/* policy_print.c: the policy, its history, a diff and what is pending, for people. */
#include "policy_print.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "eth/address.h"
#include "eth/hex.h"
#include "eth/keccak.h"
#include "eth/text.h"
#include "format.h"
#include "kms/decode.h"
#include "kms/revert.h"

static const uint8_t ZERO[20];

static const char *addr_text(const uint8_t a[20], char out[43])
{
    if (memcmp(a, ZERO, 20) == 0)
        snprintf(out, 43, "none");
    else
        eth_address_checksum(a, out);
    return out;
}

/* ---- the state ---- */

static void print_control(const kms_control *c, int indent);

static void print_members(const char *what, const kms_control *list, size_t n, int indent)
{
    printf("%*s%s:%s\n", indent, "", what, n ? "" : " none");
    for (size_t i = 0; i < n; i++)
        print_control(&list[i], indent + 2);
}

static void print_timelock(const kms_control *c, int indent)
{
    char d[32], ex[4096], ca[4096];
    kms_role_holders_text(&c->roles->executor, ex, sizeof ex);
    kms_role_holders_text(&c->roles->canceller, ca, sizeof ca);
    printf("a timelock with a delay of %s\n", kms_control_delay_text(c->min_delay, d));
    print_members("proposers", c->members, c->nmembers, indent + 2);
    printf("%*sexecutors: %s\n%*scancellers: %s\n", indent + 2, "", ex, indent + 2, "", ca);
    print_members("admins besides itself", c->admins, c->nadmins, indent + 2);
}

static void print_control(const kms_control *c, int indent)
{
    char a[43];
    printf("%*s%s ", indent, "", addr_text(c->addr, a));
    if (c->kind == KMS_CTRL_TIMELOCK)
        print_timelock(c, indent);
    else if (c->kind == KMS_CTRL_SAFE) {
        printf("a %" PRIu64 "-of-%zu Safe\n", c->threshold, c->nmembers);
        print_members("owners", c->members, c->nmembers, indent + 2);
    } else
        printf("%s\n", c->kind == KMS_CTRL_EOA      ? "an account (one key)"
                       : c->kind == KMS_CTRL_NOBODY ? "nobody: ownership renounced"
                       : c->unread                  ? "a contract nested too deep to read"
                                                    : "a contract kmsctl cannot read");
}

static void print_set(const char *what, const kms_audit_set *s, bool address)
{
    printf("  %-20s %zu\n", what, s->members.n);
    for (size_t i = 0; i < s->members.n; i++) {
        char v[67];
        if (address)
            eth_address_checksum(s->members.items[i] + 12, v);
        else
            eth_hex_encode(s->members.items[i], 32, v);
        printf("    %s\n", v);
    }
    for (size_t i = 0; i < s->denied.n; i++) {
        char v[67];
        eth_hex_encode(s->denied.items[i], 32, v);
        printf("    ! %s: in the events, but the getter says false\n", v);
    }
}

static void print_blob(const char *what, const eth_buf *b)
{
    uint8_t h[32];
    char hex[67];
    eth_keccak256(b->data, b->len, h);
    eth_hex_encode(h, 32, hex);
    printf("  %-20s %zu bytes, keccak256 %s\n", what, b->len, hex);
}

static void print_key(const char *what, const eth_buf *b)
{
    char hex[2 * 128 + 3];
    if (b->len > 128) {
        print_blob(what, b);
        return;
    }
    eth_hex_encode(b->data, b->len, hex);
    printf("  %-20s %s\n", what, b->len ? hex : "(empty)");
}

static void print_kms(const kms_audit_state *s)
{
    char k[43], a[43], p[43], i[43], ai[43], gw[ETH_CLIP_BUF];
    printf("\nDstackKms %s\n  %-20s %s\n  %-20s %s\n  %-20s %s\n  controlled by\n",
           addr_text(s->kms, k), "owner", addr_text(s->owner, a), "pending owner",
           addr_text(s->pending_owner, p), "implementation", addr_text(s->implementation, i));
    print_control(&s->control, 4);
    print_key("k256 public key", &s->k256_pubkey);
    print_key("CA public key", &s->ca_pubkey);
    print_blob("quote", &s->quote);
    print_blob("event log", &s->eventlog);
    printf("  %-20s \"%s\"\n  %-20s %s\n", "gateway app id",
           eth_text_clip((const char *)s->gateway_app_id.data, s->gateway_app_id.len, gw),
           "app implementation", addr_text(s->app_implementation, ai));
    print_set("OS images", &s->os_images, false);
    print_set("KMS aggregated MRs", &s->mrs, false);
    print_set("KMS devices", &s->devices, false);
    print_set("registered apps", &s->apps, true);
}

static void print_app(const kms_audit_app *app)
{
    char a[43], o[43], p[43], i[43];
    printf("\napp %s\n", addr_text(app->addr, a));
    if (!app->is_app) {
        printf("  not a DstackApp: it does not answer version()\n");
        return;
    }
    printf("  %-20s %s\n  %-20s %s\n  %-20s %s (version %" PRIu64 ")\n  controlled by\n", "owner",
           addr_text(app->owner, o), "pending owner", addr_text(app->pending_owner, p),
           "implementation", addr_text(app->implementation, i), app->version);
    print_control(&app->control, 4);
    printf("  %-20s %s\n  %-20s %s\n  %-20s %s\n", "upgrades",
           app->upgrades_disabled ? "disabled for good" : "allowed", "allow any device",
           app->allow_any_device ? "yes" : "no", "require TCB UpToDate",
           app->require_tcb ? "yes" : "no");
    print_set("compose hashes", &app->compose_hashes, false);
    print_set("devices", &app->devices, false);
}

static void print_warning(void *ctx, const char *line)
{
    (*(size_t *)ctx)++;
    printf("  ! %s\n", line);
}

void cli_policy_print_state(const kms_audit_state *s)
{
    char when[32];
    size_t warnings = 0;
    printf("policy as of block %" PRIu64 " (%s)\n\nwho can change what, and how fast\n", s->block,
           cli_utc(s->timestamp, false, when));
    for (size_t i = 0; i <= s->napps; i++) {
        char line[1024];
        kms_audit_summary_line(s, i, line, sizeof line);
        printf("  %s\n", line);
    }
    kms_audit_warnings(s, print_warning, &warnings);
    if (!warnings)
        printf("  no warnings\n");
    print_kms(s);
    for (size_t i = 0; i < s->napps; i++)
        print_app(&s->app[i]);
}

/* ---- history ---- */

void cli_policy_print_change(const kms_audit_history *h, size_t i)
{
    const kms_audit_change *c = &h->items[i];
    char when[32], who[32], sh[13], words[512], tx[67], actor[43];
    kms_audit_change_words(c, words, sizeof words);
    snprintf(who, sizeof who, "%s%s", c->on_kms ? "DstackKms" : "app ",
             c->on_kms ? "" : kms_control_short(c->contract, sh));
    printf("%s  block %" PRIu64 "  %s: %s\n", cli_utc(c->timestamp, false, when), c->block, who,
           words);
    char path[4096] = "";
    if (h->npaths && h->paths[c->path].fetched)
        kms_audit_path_words(&h->paths[c->path], path, sizeof path);
    eth_hex_encode(c->tx, 32, tx);
    eth_address_checksum(c->actor, actor);
    printf("    tx %s, actor %s%s%s\n", tx, actor, path[0] ? ": " : "", path);
}

/* ---- diff ---- */

void cli_policy_print_diff(const kms_audit_diff *d, const kms_audit_state *a,
                           const kms_audit_state *b)
{
    char ta[32], tb[32];
    printf("from block %" PRIu64 " (%s) to block %" PRIu64 " (%s): %zu difference%s\n", a->block,
           cli_utc(a->timestamp, false, ta), b->block, cli_utc(b->timestamp, false, tb), d->n,
           d->n == 1 ? "" : "s");
    for (size_t i = 0; i < d->n; i++) {
        const kms_diff_entry *e = &d->items[i];
        if (e->kind == KMS_DIFF_CHANGED)
            printf("  ~ %s: %s %s -> %s\n", e->where, e->what, e->before, e->after);
        else
            printf("  %c %s: %s %s\n", e->kind == KMS_DIFF_ADDED ? '+' : '-', e->where, e->what,
                   e->kind == KMS_DIFF_ADDED ? e->after : e->before);
    }
}

/* ---- pending ---- */

/* Prints the decoded tree of d under an indent, or the error when decoding failed. */
static void print_decoded(int rc, const kms_decoded *d, const eth_error *err)
{
    eth_buf text = {0};
    eth_error e = {0};
    if (rc == 0 && kms_decoded_render(d, &text, &e) == 0) {
        for (const char *l = (const char *)text.data; l && *l;) {
            const char *nl = strchr(l, '\n');
            int n = nl ? (int)(nl - l) : (int)strlen(l);
            printf("    %.*s\n", n, l);
            l = nl ? nl + 1 : NULL;
        }
    } else
        printf("    (cannot decode: %s)\n", rc ? err->msg : e.msg);
    eth_buf_clear(&text);
}

void cli_policy_print_op(const kms_audit_op *o, uint64_t now, const cli_known *known)
{
    char tl[43], id[67], when[32], left[32];
    eth_hex_encode(o->op->id, 32, id);
    printf("timelock %s operation %s: %s, ", addr_text(o->timelock, tl), id,
           kms_op_state_name(o->state));
    if (o->ready_at > now)
        printf("ready at %s (in %s)\n", cli_utc(o->ready_at, false, when),
               cli_duration(o->ready_at - now, left));
    else
        printf("ready since %s\n", cli_utc(o->ready_at, false, when));
    for (size_t i = 0; i < o->op->n; i++) {
        kms_decoded d;
        eth_error err = {0};
        int rc = kms_decode_call(known->k, known->n, o->op->targets[i], &o->op->values[i],
                                 o->op->datas[i].data, o->op->datas[i].len, 0, &d, &err);
        print_decoded(rc, &d, &err);
        kms_decoded_clear(&d);
    }
}

static void print_proposal(const kms_audit_proposal *a, const cli_known *known)
{
    char safe[43], nonce[U256_DEC_MAX], hash[67], shown[ETH_CLIP_BUF];
    u256_to_dec(&a->p.tx.nonce, nonce);
    eth_hex_encode(a->p.safe_tx_hash, 32, hash);
    char nested[64] = "";
    if (a->p.nnested)
        snprintf(nested, sizeof nested, " (and %zu by owners of owner Safes)", a->p.nnested);
    printf("Safe proposal %s: Safe %s, nonce %s, safeTxHash %s, %zu of %" PRIu64
           " signatures%s%s\n",
           eth_text_clipz(a->path, shown), addr_text(a->p.safe, safe), nonce, hash,
           kms_proposal_count_sigs(&a->p), a->threshold, nested,
           u256_cmp(&a->p.tx.nonce, &a->safe_nonce) > 0 ? " (waits for an earlier nonce)" : "");
    if (a->p.description)
        printf("    %s\n", a->p.description);
    kms_decoded d;
    eth_error err = {0};
    int rc = kms_decode_safe_tx(known->k, known->n, a->p.safe, &a->p.tx, &d, &err);
    print_decoded(rc, &d, &err);
    kms_decoded_clear(&d);
}

void cli_policy_print_pending(const kms_audit_ops *ops, const kms_audit_proposals *props,
                              uint64_t now, const cli_known *known)
{
    for (size_t i = 0; i < ops->n; i++)
        cli_policy_print_op(&ops->items[i], now, known);
    for (size_t i = 0; i < props->n; i++)
        print_proposal(&props->items[i], known);
    if (ops->n + props->n == 0)
        printf("nothing pending: no timelock operation waits and no Safe proposal file here is "
               "unexecuted\n");
}

/* ---- progress ---- */

static void progress_line(void *ctx, const char *line)
{
    cli_progress_line *l = ctx;
    fprintf(stderr, "\rkmsctl: %s\033[K", line);
    fflush(stderr);
    l->shown = true;
}

kms_progress cli_policy_progress(cli_progress_line *l)
{
    return (kms_progress){isatty(STDERR_FILENO) ? progress_line : NULL, l};
}

void cli_policy_progress_end(cli_progress_line *l)
{
    if (l->shown)
        fprintf(stderr, "\n");
    l->shown = false;
}
