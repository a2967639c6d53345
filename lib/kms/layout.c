/* layout.c: storage layouts from solc's JSON, and the append-only check of an upgrade. */
#include "layout.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "eth/json.h"
#include "eth/text.h"

/* Most numberOfBytes of a type: all the slots below KMS_LAYOUT_MAX_SLOT. */
#define MAX_BYTES (KMS_LAYOUT_MAX_SLOT * 32)

/* ---- parsing ---- */

/* Reads s, decimal digits without sign or leading zero, into *out. Returns 0, ETH_EINVAL (not
 * such digits) or ETH_ERANGE (above max). */
static int parse_dec(const char *s, uint64_t max, uint64_t *out)
{
    size_t n = strlen(s);
    uint64_t v = 0;
    if (n == 0 || (s[0] == '0' && n > 1) || strspn(s, "0123456789") != n)
        return ETH_EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (v > (max - (uint64_t)(s[i] - '0')) / 10)
            return ETH_ERANGE;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return 0;
}

/* True if s[0..n) is printable ASCII. */
static bool printable(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < 0x20 || s[i] > 0x7e)
            return false;
    return true;
}

/* Writes out the types of one layout, following "types". */
typedef struct resolver {
    const json_t *types;                    /* "types", or NULL when absent or null */
    const json_t *open[KMS_LAYOUT_MAX_DEPTH + 1]; /* the structs being written out */
    int nopen;
    int depth;
    eth_buf text; /* the type written out so far, capped at KMS_LAYOUT_MAX_TYPE_TEXT */
    eth_error *err;
} resolver;

static int canon(resolver *r, const char *id);

static int put(resolver *r, const char *s)
{
    int rc = eth_buf_append_str(&r->text, s, r->err);
    if (rc == -ETH_ERANGE)
        rc = eth_fail(r->err, ETH_ERANGE, "its type written out is longer than %d characters",
                      KMS_LAYOUT_MAX_TYPE_TEXT);
    return rc;
}

/* Writes out the type id one level down. */
static int canon_child(resolver *r, const char *id)
{
    if (r->depth == KMS_LAYOUT_MAX_DEPTH)
        return eth_fail(r->err, ETH_ERANGE, "its type nests deeper than %d levels",
                        KMS_LAYOUT_MAX_DEPTH);
    r->depth++;
    int rc = canon(r, id);
    r->depth--;
    return rc;
}

/* Reads member name of the type t (a string naming another type) and writes that type out. */
static int canon_member(resolver *r, const json_t *t, const char *where, const char *name)
{
    const char *id;
    int rc = eth_json_get_string(t, where, name, &id, NULL, r->err);
    return rc ? rc : canon_child(r, id);
}

static int canon_mapping(resolver *r, const json_t *t, const char *where)
{
    int rc = put(r, "mapping(");
    if (rc == 0)
        rc = canon_member(r, t, where, "key");
    if (rc == 0)
        rc = put(r, " => ");
    if (rc == 0)
        rc = canon_member(r, t, where, "value");
    return rc ? rc : put(r, ")");
}

/* "struct Name{T1,T2}" from the label "struct Contract.Name" and the members' types; a struct
 * already being written out (it contains itself through a mapping or an array) as "struct
 * Name". */
static int canon_struct(resolver *r, const json_t *t, const char *where, const char *label)
{
    const json_t *members = json_object_get(t, "members");
    const char *name = strrchr(label, '.') ? strrchr(label, '.') + 1
                       : strncmp(label, "struct ", 7) == 0 ? label + 7 : label;
    if (!json_is_array(members))
        return eth_fail(r->err, ETH_EINVAL, "field '%smembers' must be an array", where);
    if (json_array_size(members) > KMS_LAYOUT_MAX_MEMBERS)
        return eth_fail(r->err, ETH_ERANGE, "field '%smembers' has more than %d entries",
                        where, KMS_LAYOUT_MAX_MEMBERS);
    int rc = put(r, "struct ");
    if (rc == 0)
        rc = put(r, name);
    for (int i = 0; i < r->nopen; i++)
        if (r->open[i] == t)
            return rc;
    r->open[r->nopen++] = t;
    rc = rc ? rc : put(r, "{");
    for (size_t i = 0; rc == 0 && i < json_array_size(members); i++) {
        const json_t *m = json_array_get(members, i);
        char mwhere[ETH_CLIP_BUF + 48];
        snprintf(mwhere, sizeof mwhere, "%smembers[%zu].", where, i);
        if (i > 0)
            rc = put(r, ",");
        if (rc == 0 && !json_is_object(m))
            rc = eth_fail(r->err, ETH_EINVAL, "%.*s must be an object", (int)strlen(mwhere) - 1,
                          mwhere);
        if (rc == 0)
            rc = canon_member(r, m, mwhere, "type");
    }
    r->nopen--;
    return rc ? rc : put(r, "}");
}

/* "T[N]" or "T[]": the base type written out and the last brackets of the label. */
static int canon_array(resolver *r, const json_t *t, const char *where, const char *label)
{
    const char *suffix = strrchr(label, '[');
    char shown[ETH_CLIP_BUF];
    if (!suffix || label[strlen(label) - 1] != ']')
        return eth_fail(r->err, ETH_EINVAL, "field '%slabel': an array's label ends in [N] or "
                                            "[], not '%s'", where, eth_text_clipz(label, shown));
    int rc = canon_member(r, t, where, "base");
    return rc ? rc : put(r, suffix);
}

/* The definition of type id in "types" (an object), with where set to "types.ID." for
 * messages; NULL with err filled when there is none. */
static const json_t *type_def(resolver *r, const char *id, char where[ETH_CLIP_BUF + 16])
{
    char shown[ETH_CLIP_BUF];
    const json_t *t = r->types ? json_object_get(r->types, id) : NULL;
    snprintf(where, ETH_CLIP_BUF + 16, "types.%s.", eth_text_clipz(id, shown));
    if (!t)
        eth_fail(r->err, ETH_EINVAL, "type '%s' is not described in types", shown);
    else if (!json_is_object(t))
        eth_fail(r->err, ETH_EINVAL, "%.*s must be an object", (int)strlen(where) - 1, where);
    return json_is_object(t) ? t : NULL;
}

/* Reads a type's label (printable, at most KMS_LAYOUT_MAX_LABEL characters) and encoding. */
static int type_words(resolver *r, const json_t *t, const char *where, const char **label,
                      const char **enc)
{
    static const char *const ENCODINGS[] = {"inplace", "mapping", "bytes", "dynamic_array"};
    size_t len;
    int rc = eth_json_get_string(t, where, "label", label, &len, r->err);
    if (rc == 0 && (len == 0 || len > KMS_LAYOUT_MAX_LABEL || !printable(*label, len)))
        rc = eth_fail(r->err, ETH_EINVAL, "field '%slabel' must be 1 to %d printable "
                                          "characters", where, KMS_LAYOUT_MAX_LABEL);
    if (rc == 0)
        rc = eth_json_get_string(t, where, "encoding", enc, NULL, r->err);
    for (size_t i = 0; rc == 0 && i < sizeof ENCODINGS / sizeof *ENCODINGS; i++)
        if (strcmp(*enc, ENCODINGS[i]) == 0)
            return 0;
    if (rc == 0) {
        char shown[ETH_CLIP_BUF];
        rc = eth_fail(r->err, ETH_EINVAL, "field '%sencoding': unknown encoding '%s' (known: "
                                          "inplace, mapping, bytes, dynamic_array)", where,
                      eth_text_clipz(*enc, shown));
    }
    return rc;
}

/* Appends type id written out to r->text. */
static int canon(resolver *r, const char *id)
{
    char where[ETH_CLIP_BUF + 16];
    const char *label, *enc;
    const json_t *t = type_def(r, id, where);
    int rc = t ? type_words(r, t, where, &label, &enc) : -r->err->code;
    if (rc)
        return rc;
    if (strcmp(enc, "mapping") == 0)
        return canon_mapping(r, t, where);
    if (json_object_get(t, "members"))
        return canon_struct(r, t, where, label);
    if (json_object_get(t, "base"))
        return canon_array(r, t, where, label);
    return put(r, label);
}

/* Reads numberOfBytes of type id (1 to MAX_BYTES). */
static int type_bytes(resolver *r, const char *id, uint64_t *bytes)
{
    char where[ETH_CLIP_BUF + 16];
    const char *s;
    const json_t *t = type_def(r, id, where);
    int rc = t ? eth_json_get_string(t, where, "numberOfBytes", &s, NULL, r->err) : -r->err->code;
    int bad = rc ? 0 : parse_dec(s, MAX_BYTES, bytes);
    if (bad || (rc == 0 && *bytes == 0))
        rc = eth_fail(r->err, bad ? bad : ETH_EINVAL, "field '%snumberOfBytes' must be a "
                                                      "decimal string from 1 to %llu", where,
                      (unsigned long long)MAX_BYTES);
    return rc;
}

/* Reads a variable's label, a Solidity identifier, and copies it into v->label. */
static int read_label(const json_t *e, const char *where, kms_layout_var *v, eth_error *err)
{
    const char *s;
    size_t len, i = 0;
    int rc = eth_json_get_string(e, where, "label", &s, &len, err);
    while (rc == 0 && i < len && (s[i] == '_' || s[i] == '$' || (s[i] >= 'a' && s[i] <= 'z') ||
                                  (s[i] >= 'A' && s[i] <= 'Z') || (i && s[i] >= '0' && s[i] <= '9')))
        i++;
    if (rc == 0 && (len == 0 || i != len || len > KMS_LAYOUT_MAX_LABEL)) {
        char shown[ETH_CLIP_BUF];
        return eth_fail(err, ETH_EINVAL, "field '%slabel': '%s' is not an identifier of at most "
                                         "%d characters", where, eth_text_clip(s, len, shown),
                        KMS_LAYOUT_MAX_LABEL);
    }
    if (rc == 0 && !(v->label = strdup(s)))
        rc = eth_fail(err, ETH_ENOMEM, "out of memory (storage layout)");
    return rc;
}

/* Reads the place of a variable: slot (a decimal string) and offset (0 to 31). */
static int read_place(const json_t *e, const char *where, kms_layout_var *v, eth_error *err)
{
    const char *s;
    uint64_t off = 0;
    int rc = eth_json_get_uint(e, where, "offset", &off, err);
    if (rc == 0 && off > 31)
        rc = eth_fail(err, ETH_ERANGE, "field '%soffset' is %llu: a slot has bytes 0 to 31",
                      where, (unsigned long long)off);
    v->offset = (unsigned)off;
    if (rc == 0)
        rc = eth_json_get_string(e, where, "slot", &s, NULL, err);
    int bad = rc ? 0 : parse_dec(s, KMS_LAYOUT_MAX_SLOT - 1, &v->slot);
    if (bad)
        rc = eth_fail(err, bad, "field '%sslot' must be a decimal string below 2^48", where);
    return rc;
}

/* Reads the type of a variable: its size, whether it fits at its offset, and the type
 * written out, copied into v->type. */
static int read_type(resolver *r, const json_t *e, const char *where, kms_layout_var *v)
{
    const char *id;
    int rc = eth_json_get_string(e, where, "type", &id, NULL, r->err);
    if (rc == 0)
        rc = type_bytes(r, id, &v->bytes);
    if (rc == 0 && v->offset > 0 && v->offset + v->bytes > 32)
        rc = eth_fail(r->err, ETH_EINVAL, "%llu bytes at offset %u do not fit in the slot",
                      (unsigned long long)v->bytes, v->offset);
    r->text.len = 0;
    if (rc == 0)
        rc = canon(r, id);
    if (rc == 0 && !(v->type = strndup((const char *)r->text.data, r->text.len)))
        rc = eth_fail(r->err, ETH_ENOMEM, "out of memory (storage layout)");
    return rc;
}

static int read_var(resolver *r, const json_t *e, size_t i, kms_layout_var *v)
{
    char where[48];
    snprintf(where, sizeof where, "storage[%zu].", i);
    if (!json_is_object(e))
        return eth_fail(r->err, ETH_EINVAL, "storage[%zu] must be an object", i);
    int rc = read_label(e, where, v, r->err);
    if (rc == 0)
        rc = read_place(e, where, v, r->err);
    if (rc == 0 && (rc = read_type(r, e, where, v)) != 0)
        rc = eth_error_prefix(r->err, "storage[%zu] (%s): ", i, v->label);
    return rc;
}

static uint64_t start_of(const kms_layout_var *v)
{
    return v->slot * 32 + v->offset;
}

static uint64_t end_of(const kms_layout_var *v)
{
    return start_of(v) + v->bytes;
}

/* Orders by place, then (for the message about two at one place) by label. */
static int by_place(const void *a, const void *b)
{
    uint64_t x = start_of(a), y = start_of(b);
    return x != y ? (x < y ? -1 : 1)
                  : strcmp(((const kms_layout_var *)a)->label, ((const kms_layout_var *)b)->label);
}

/* Writes "slot 4" or "slot 1 offset 1" for v to buf. */
static const char *place(const kms_layout_var *v, char buf[48])
{
    if (v->offset)
        snprintf(buf, 48, "slot %llu offset %u", (unsigned long long)v->slot, v->offset);
    else
        snprintf(buf, 48, "slot %llu", (unsigned long long)v->slot);
    return buf;
}

/* Sorts the variables by place and refuses overlapping ones. */
static int sort_vars(kms_layout *l, eth_error *err)
{
    qsort(l->vars, l->n, sizeof *l->vars, by_place);
    for (size_t i = 1; i < l->n; i++)
        if (start_of(&l->vars[i]) < end_of(&l->vars[i - 1])) {
            char a[48], b[48];
            return eth_fail(err, ETH_EINVAL, "storage: %s at %s overlaps %s at %s",
                            l->vars[i].label, place(&l->vars[i], a), l->vars[i - 1].label,
                            place(&l->vars[i - 1], b));
        }
    return 0;
}

static int read_layout(const json_t *root, kms_layout *out, eth_error *err)
{
    const json_t *doc = json_object_get(root, "storageLayout");
    doc = doc ? doc : root;
    if (!json_is_object(doc))
        return eth_fail(err, ETH_EINVAL, "field 'storageLayout' must be an object");
    const json_t *storage = eth_json_member(doc, "", "storage", JSON_ARRAY, err);
    const json_t *types = json_object_get(doc, "types");
    if (!storage)
        return -err->code;
    if (types && !json_is_object(types) && !json_is_null(types))
        return eth_fail(err, ETH_EINVAL, "field 'types' must be an object");
    size_t count = json_array_size(storage);
    if (count > KMS_LAYOUT_MAX_VARS)
        return eth_fail(err, ETH_ERANGE, "storage has %zu variables: kmsctl reads at most %d",
                        count, KMS_LAYOUT_MAX_VARS);
    if (!(out->vars = calloc(count ? count : 1, sizeof *out->vars)))
        return eth_fail(err, ETH_ENOMEM, "out of memory (storage layout)");
    resolver r = {.types = json_is_object(types) ? types : NULL,
                  .text = {.limit = KMS_LAYOUT_MAX_TYPE_TEXT},
                  .err = err};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < count; i++) {
        rc = read_var(&r, json_array_get(storage, i), i, &out->vars[i]);
        out->n = i + 1; /* so kms_layout_clear frees what this one holds, even on failure */
    }
    eth_buf_clear(&r.text);
    return rc ? rc : sort_vars(out, err);
}

int kms_layout_parse(const char *json, size_t n, kms_layout *out, eth_error *err)
{
    memset(out, 0, sizeof *out);
    if (n > KMS_LAYOUT_MAX_JSON)
        return eth_fail(err, ETH_ERANGE, "storage layout of %zu bytes: kmsctl reads at most %u",
                        n, KMS_LAYOUT_MAX_JSON);
    json_t *root;
    int rc = eth_json_parse_object(json, n, &root, err);
    if (rc)
        return eth_error_prefix(err, "storage layout: ");
    rc = read_layout(root, out, err);
    json_decref(root);
    if (rc)
        kms_layout_clear(out);
    return rc;
}

int kms_layout_from_artifact(const kms_artifact *a, kms_layout *out, eth_error *err)
{
    memset(out, 0, sizeof *out);
    if (!a->storage_layout_json)
        return eth_fail(err, ETH_EUNSUP, "the artifact %s carries no storage layout", a->name);
    int rc = kms_layout_parse(a->storage_layout_json, strlen(a->storage_layout_json), out, err);
    return rc ? eth_error_prefix(err, "artifact %s: ", a->name) : 0;
}

void kms_layout_clear(kms_layout *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->vars[i].label);
        free(l->vars[i].type);
    }
    free(l->vars);
    memset(l, 0, sizeof *l);
}

/* ---- comparing ---- */

typedef struct cmp {
    const kms_layout *old, *new_;
    const kms_layout_var *og;      /* the old layout's trailing gap, or NULL */
    const kms_layout_var *ng;      /* its counterpart in the new layout, or NULL */
    bool *matched;                 /* per new variable: found at an old one's place */
    kms_layout_diff *out;
    eth_error *err;
} cmp;

/* True for a gap: a uint256[N] whose label starts with "__gap". */
static bool is_gap(const kms_layout_var *v)
{
    if (strncmp(v->label, "__gap", 5) != 0 || strncmp(v->type, "uint256[", 8) != 0)
        return false;
    size_t digits = strspn(v->type + 8, "0123456789");
    return digits > 0 && strcmp(v->type + 8 + digits, "]") == 0;
}

static const kms_layout_var *trailing_gap(const kms_layout *l)
{
    return l->n && is_gap(&l->vars[l->n - 1]) ? &l->vars[l->n - 1] : NULL;
}

/* The new layout's counterpart of the old gap og: its last gap of the same name, else its
 * trailing gap; NULL without og. */
static const kms_layout_var *new_gap(const kms_layout *l, const kms_layout_var *og)
{
    for (size_t i = l->n; og && i > 0; i--)
        if (is_gap(&l->vars[i - 1]) && strcmp(l->vars[i - 1].label, og->label) == 0)
            return &l->vars[i - 1];
    return og ? trailing_gap(l) : NULL;
}

/* The variable of l that starts at byte, covers it (cover), or is named label; or NULL. */
static const kms_layout_var *find_at(const kms_layout *l, uint64_t byte, bool cover)
{
    for (size_t i = 0; i < l->n; i++)
        if (start_of(&l->vars[i]) == byte || (cover && start_of(&l->vars[i]) < byte &&
                                              byte < end_of(&l->vars[i])))
            return &l->vars[i];
    return NULL;
}

static const kms_layout_var *find_named(const kms_layout *l, const char *label)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->vars[i].label, label) == 0)
            return &l->vars[i];
    return NULL;
}

/* True if some variable of l other than skip shares a byte with [start, end). */
static bool overlaps(const kms_layout *l, const kms_layout_var *skip, uint64_t start,
                     uint64_t end)
{
    for (size_t i = 0; i < l->n; i++)
        if (&l->vars[i] != skip && start_of(&l->vars[i]) < end && start < end_of(&l->vars[i]))
            return true;
    return false;
}

static int add_line(cmp *c, bool problem, const char *fmt, ...) ETH_PRINTF(3, 4);
static int add_line(cmp *c, bool problem, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *text = len >= 0 ? malloc((size_t)len + 1) : NULL;
    kms_layout_diff *d = c->out;
    kms_layout_line *lines = text ? realloc(d->lines, (d->n + 1) * sizeof *lines) : NULL;
    if (!lines) {
        free(text);
        return eth_fail(c->err, ETH_ENOMEM, "out of memory (storage layout comparison)");
    }
    va_start(ap, fmt);
    vsnprintf(text, (size_t)len + 1, fmt, ap);
    va_end(ap);
    d->lines = lines;
    d->lines[d->n++] = (kms_layout_line){.problem = problem, .text = text};
    d->problems += problem;
    return 0;
}

/* Room for whereabouts' text: two labels, two places and the words around them. */
#define WHY_MAX (2 * KMS_LAYOUT_MAX_LABEL + 128)

/* Writes where the names involved at an old variable's place went, for a problem line:
 * " (b was at slot 1; a is now at slot 5)" when the new variable n there has another name,
 * which an old variable elsewhere had (the gap's move has its own line), or the old
 * variable o's name is now elsewhere; "" otherwise. n may be NULL. A label may appear twice
 * (OpenZeppelin 4's contracts each have a __gap): the first one found is named. */
static const char *whereabouts(const cmp *c, const kms_layout_var *o, const kms_layout_var *n,
                               char buf[WHY_MAX])
{
    char at[48];
    bool renamed = !n || strcmp(n->label, o->label) != 0;
    const kms_layout_var *was = n && n != c->ng && renamed ? find_named(c->old, n->label) : NULL;
    const kms_layout_var *now = renamed ? find_named(c->new_, o->label) : NULL;
    size_t len = 0;
    buf[0] = '\0';
    if (was)
        len = (size_t)snprintf(buf, WHY_MAX, " (%s was at %s", n->label, place(was, at));
    if (now)
        snprintf(buf + len, WHY_MAX - len, "%s%s is now at %s", len ? "; " : " (", o->label,
                 place(now, at));
    if (buf[0])
        strcat(buf, ")");
    return buf;
}

/* Checks old variable o against what the new layout has at its place. */
static int compare_old(cmp *c, const kms_layout_var *o)
{
    char at[48], at2[48], why[WHY_MAX];
    const kms_layout_var *n = find_at(c->new_, start_of(o), false);
    if (!n) {
        n = find_at(c->new_, start_of(o), true);
        if (!n)
            return add_line(c, true, "%s: was %s %s, now unused%s", place(o, at), o->type,
                            o->label, whereabouts(c, o, NULL, why));
        return add_line(c, true, "%s: was %s %s, now part of %s %s at %s%s", place(o, at),
                        o->type, o->label, n->type, n->label, place(n, at2),
                        whereabouts(c, o, n, why));
    }
    c->matched[n - c->new_->vars] = true;
    whereabouts(c, o, n, why);
    if (strcmp(o->type, n->type) != 0 || why[0])
        return add_line(c, true, "%s: was %s %s, now %s %s%s", place(o, at), o->type, o->label,
                        n->type, n->label, why);
    return strcmp(o->label, n->label) != 0
               ? add_line(c, false, "%s: %s is now named %s", place(o, at), o->label, n->label)
               : 0;
}

/* Checks a new variable that is at no old variable's place: after the old layout or out of
 * its gap it is fine; over an old variable, or an old one moved here, compare_old named it;
 * elsewhere it is a problem. */
static int compare_new(cmp *c, const kms_layout_var *v)
{
    char at[48];
    const kms_layout *old = c->old;
    uint64_t old_end = old->n ? end_of(&old->vars[old->n - 1]) : 0;
    if (find_named(old, v->label))
        return 0;
    if (start_of(v) >= old_end)
        return add_line(c, false, "%s: added %s %s", place(v, at), v->type, v->label);
    if (c->og && start_of(v) >= start_of(c->og))
        return add_line(c, false, "%s: added %s %s (out of %s)", place(v, at), v->type, v->label,
                        c->og->label);
    if (overlaps(old, c->og, start_of(v), end_of(v)))
        return 0;
    return add_line(c, true, "%s: %s %s added before the end of the old layout", place(v, at),
                    v->type, v->label);
}

/* Slots the new layout uses from the start of the old gap up to its own gap (or, without
 * one, up to the end of its variables that start inside the old gap). */
static uint64_t slots_added(const cmp *c)
{
    uint64_t end = c->og->slot;
    if (c->ng)
        return c->ng->slot - c->og->slot;
    for (size_t i = 0; i < c->new_->n; i++) {
        const kms_layout_var *v = &c->new_->vars[i];
        if (start_of(v) >= start_of(c->og) && start_of(v) < end_of(c->og))
            end = (end_of(v) + 31) / 32 > end ? (end_of(v) + 31) / 32 : end;
    }
    return end - c->og->slot;
}

/* Checks that the old trailing gap ends where it ended: it shrank by the slots added. */
static int compare_gap(cmp *c)
{
    const kms_layout_var *og = c->og, *ng = c->ng;
    if (!og)
        return 0;
    if (ng && ng->slot < og->slot)
        return add_line(c, true, "gap: %s moved from slot %llu to slot %llu", og->label,
                        (unsigned long long)og->slot, (unsigned long long)ng->slot);
    unsigned long long was = og->bytes / 32, now = ng ? ng->bytes / 32 : 0, added = slots_added(c);
    const char *s = added == 1 ? "" : "s";
    if (added + now == was)
        return added ? add_line(c, false, "gap: %s shrinks from %llu to %llu slots for the %llu "
                                          "slot%s added", og->label, was, now, added, s)
                     : 0;
    char size[96], count[48];
    if (now == was)
        snprintf(size, sizeof size, "stays at %llu slots", was);
    else
        snprintf(size, sizeof size, "%s from %llu to %llu slots",
                 now < was ? "shrinks" : "grows", was, now);
    if (added)
        snprintf(count, sizeof count, "%llu slot%s %s added", added, s, added == 1 ? "was" : "were");
    else
        snprintf(count, sizeof count, "no slot was added");
    return add_line(c, true, "gap: %s %s but %s", og->label, size, count);
}

static int compare_all(cmp *c)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < c->old->n; i++)
        if (&c->old->vars[i] != c->og)
            rc = compare_old(c, &c->old->vars[i]);
    for (size_t i = 0; rc == 0 && i < c->new_->n; i++)
        if (!c->matched[i] && &c->new_->vars[i] != c->ng)
            rc = compare_new(c, &c->new_->vars[i]);
    return rc ? rc : compare_gap(c);
}

int kms_layout_compare(const kms_layout *old, const kms_layout *new_, kms_layout_diff *out,
                       eth_error *err)
{
    memset(out, 0, sizeof *out);
    const kms_layout_var *og = trailing_gap(old);
    cmp c = {.old = old, .new_ = new_, .og = og, .ng = new_gap(new_, og),
             .matched = calloc(new_->n ? new_->n : 1, sizeof *c.matched), .out = out,
             .err = err};
    int rc = c.matched ? compare_all(&c)
                       : eth_fail(err, ETH_ENOMEM, "out of memory (storage layout comparison)");
    free(c.matched);
    if (rc)
        kms_layout_diff_clear(out);
    out->compatible = rc == 0 && out->problems == 0;
    return rc;
}

int kms_layout_render(const kms_layout_diff *d, eth_buf *out, eth_error *err)
{
    size_t notes = d->n - d->problems;
    int rc = d->compatible ? eth_buf_printf(out, err, "compatible")
                           : eth_buf_printf(out, err, "incompatible: %zu problem%s", d->problems,
                                            d->problems == 1 ? "" : "s");
    if (rc == 0 && notes)
        rc = eth_buf_printf(out, err, ", %zu note%s", notes, notes == 1 ? "" : "s");
    if (rc == 0)
        rc = eth_buf_append_str(out, "\n", err);
    for (size_t i = 0; rc == 0 && i < d->n; i++)
        rc = eth_buf_printf(out, err, "  %s%s\n", d->lines[i].problem ? "" : "note: ",
                            d->lines[i].text);
    return rc;
}

void kms_layout_diff_clear(kms_layout_diff *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++)
        free(d->lines[i].text);
    free(d->lines);
    memset(d, 0, sizeof *d);
}
