/* abi_json.c: loading a contract ABI from its JSON form, and lookups in it. */
#include "abi_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi_selector.h"
#include "abi_sig.h"
#include "internal/abi_parse.h"
#include "internal/lex.h"
#include "json.h"
#include "keccak.h"
#include "text.h"

/* Room for a member path in messages ("abi[12].inputs[3].components[0]."). */
#define WHERE_ROOM 256
/* Room for a canonical signature. */
#define SIG_ROOM (2 * ETH_ABI_MAX_TEXT)

static const struct { const char *name; eth_abi_entry_kind kind; } KINDS[] = {
    {"function", ETH_ABI_ENTRY_FUNCTION},       {"event", ETH_ABI_ENTRY_EVENT},
    {"error", ETH_ABI_ENTRY_ERROR},             {"constructor", ETH_ABI_ENTRY_CONSTRUCTOR},
    {"fallback", ETH_ABI_ENTRY_FALLBACK},       {"receive", ETH_ABI_ENTRY_RECEIVE},
};

static const char *const MUTABILITY[] = {"", "nonpayable", "payable", "view", "pure"};

const char *eth_abi_entry_kind_name(eth_abi_entry_kind kind)
{
    for (size_t i = 0; i < sizeof KINDS / sizeof KINDS[0]; i++)
        if (KINDS[i].kind == kind)
            return KINDS[i].name;
    return "?";
}

const char *eth_abi_mutability_name(eth_abi_mutability m)
{
    return (size_t)m < sizeof MUTABILITY / sizeof MUTABILITY[0] ? MUTABILITY[m] : "?";
}

/* where followed by tail into out, cut at WHERE_ROOM - 1 characters. */
static void path_join(char out[WHERE_ROOM], const char *where, const char *tail)
{
    size_t lw = strnlen(where, WHERE_ROOM - 1), lt = strlen(tail);
    if (lt > WHERE_ROOM - 1 - lw)
        lt = WHERE_ROOM - 1 - lw;
    memcpy(out, where, lw);
    memcpy(out + lw, tail, lt);
    out[lw + lt] = '\0';
}

/* where followed by "[i]" into out. */
static void path_index(char out[WHERE_ROOM], const char *where, size_t i)
{
    char tail[32];
    snprintf(tail, sizeof tail, "[%zu]", i);
    path_join(out, where, tail);
}

/* The optional member name of obj: NULL if absent, else it must have JSON type type. */
static int optional(const json_t *obj, const char *where, const char *name, json_type type,
                    json_t **out, eth_error *err)
{
    *out = NULL;
    if (!json_object_get(obj, name))
        return 0;
    *out = eth_json_member(obj, where, name, type, err);
    return *out ? 0 : -err->code;
}

/* Reads the optional identifier member "name" of obj into *name / *len (len 0: none). */
static int read_ident(const json_t *obj, const char *where, bool required, const char **name,
                      size_t *len, eth_error *err)
{
    *name = "";
    *len = 0;
    if (!required && !json_object_get(obj, "name"))
        return 0;
    int rc = eth_json_get_string(obj, where, "name", name, len, err);
    if (rc != 0)
        return rc;
    if ((*len || required) && (*len == 0 || eth_lex_ident_len(*name, *len, 0) != *len)) {
        char shown[ETH_CLIP_BUF];
        return eth_fail(err, ETH_EINVAL, "field '%sname' is not an identifier: '%s'", where,
                        eth_text_clip(*name, *len, shown));
    }
    return 0;
}

static int load_params(const json_t *arr, const char *where, int depth, bool event,
                       eth_abi_type **out, eth_error *err);

/* Prefixes an error in the type text type[0..tlen) of the parameter at path. */
static int type_error(eth_error *err, const char *path, const char *type, size_t tlen)
{
    char shown[ETH_CLIP_BUF];
    return eth_error_prefix(err, "field '%stype' ('%s'): ", path, eth_text_clip(type, tlen, shown));
}

/* A "tuple..." parameter: its components, then the array suffixes of its type text. */
static int load_tuple(const json_t *p, const char *where, const char *type, size_t tlen,
                      int depth, eth_abi_type **out, eth_error *err)
{
    char sub[WHERE_ROOM];
    path_join(sub, where, "components");
    json_t *comps = eth_json_member(p, where, "components", JSON_ARRAY, err);
    if (!comps)
        return -err->code;
    int rc = load_params(comps, sub, depth + 1, false, out, err);
    size_t pos = 5; /* after "tuple" */
    if (rc != 0)
        return rc; /* the component's message names its own path */
    rc = eth_abi_type_parse_suffixes(type, tlen, &pos, depth, out, err);
    if (rc == 0 && pos != tlen)
        rc = eth_fail(err, ETH_EINVAL, "unexpected text after the array suffixes");
    return rc != 0 ? type_error(err, where, type, tlen) : 0;
}

/* One parameter object {"type", "name", "components", "indexed"} at nesting depth. */
static int load_param(const json_t *p, const char *where, int depth, bool event,
                      eth_abi_type **out, eth_error *err)
{
    *out = NULL;
    if (!json_is_object(p))
        return eth_fail(err, ETH_EINVAL, "'%s' must be an object", where);
    char path[WHERE_ROOM];
    path_join(path, where, ".");
    const char *type;
    size_t tlen;
    int rc = eth_json_get_string(p, path, "type", &type, &tlen, err);
    if (rc != 0)
        return rc;
    if (depth > ETH_ABI_MAX_DEPTH)
        return eth_fail(err, ETH_ERANGE, "'%s' nests deeper than %d levels", where,
                        ETH_ABI_MAX_DEPTH);
    if (tlen > ETH_ABI_MAX_TEXT)
        return eth_fail(err, ETH_ERANGE, "field '%stype' is longer than %d characters", path,
                        ETH_ABI_MAX_TEXT);
    if (tlen >= 5 && memcmp(type, "tuple", 5) == 0 && (tlen == 5 || type[5] == '[')) {
        rc = load_tuple(p, path, type, tlen, depth, out, err);
    } else {
        size_t pos = 0;
        rc = eth_abi_type_parse_at(type, tlen, &pos, ETH_ABI_STRICT, depth, out, err);
        if (rc == 0 && pos != tlen)
            rc = eth_fail(err, ETH_EINVAL, "unexpected text at position %zu", pos);
        if (rc != 0)
            rc = type_error(err, path, type, tlen);
    }
    const char *name;
    size_t nlen;
    json_t *indexed = NULL;
    if (rc == 0)
        rc = read_ident(p, path, false, &name, &nlen, err);
    if (rc == 0 && nlen)
        rc = eth_abi_type_set_name(*out, name, nlen, err);
    if (rc == 0 && event)
        rc = optional(p, path, "indexed", JSON_TRUE, &indexed, err);
    if (rc == 0 && indexed)
        (*out)->indexed = json_is_true(indexed);
    if (rc != 0) {
        eth_abi_type_free(*out);
        *out = NULL;
    }
    return rc;
}

/* A JSON array of parameters into a new tuple (components at depth). */
static int load_params(const json_t *arr, const char *where, int depth, bool event,
                       eth_abi_type **out, eth_error *err)
{
    eth_abi_type *t;
    int rc = eth_abi_type_new(ETH_ABI_TUPLE, &t, err);
    size_t i;
    json_t *item;
    if (rc == 0 && json_array_size(arr) > ETH_ABI_MAX_FIELDS)
        rc = eth_fail(err, ETH_ERANGE, "'%s' has more than %d entries", where, ETH_ABI_MAX_FIELDS);
    json_array_foreach(arr, i, item) {
        if (rc != 0)
            break;
        char sub[WHERE_ROOM];
        eth_abi_type *f;
        path_index(sub, where, i);
        rc = load_param(item, sub, depth, event, &f, err);
        if (rc == 0)
            rc = eth_abi_type_add_field(t, f, err);
    }
    if (rc != 0) {
        eth_abi_type_free(t);
        t = NULL;
    }
    *out = t;
    return rc;
}

/* The parameter list member (inputs or outputs) of obj, an empty tuple if absent. */
static int load_list(const json_t *obj, const char *where, const char *member, bool event,
                     eth_abi_type **out, eth_error *err)
{
    json_t *arr;
    int rc = optional(obj, where, member, JSON_ARRAY, &arr, err);
    if (rc != 0)
        return rc;
    if (!arr)
        return eth_abi_type_new(ETH_ABI_TUPLE, out, err);
    char sub[WHERE_ROOM];
    path_join(sub, where, member);
    return load_params(arr, sub, 1, event, out, err);
}

static int read_kind(const json_t *obj, const char *where, eth_abi_entry_kind *kind,
                     eth_error *err)
{
    const char *type = "function";
    size_t len = 8;
    if (json_object_get(obj, "type")) {
        int rc = eth_json_get_string(obj, where, "type", &type, &len, err);
        if (rc != 0)
            return rc;
    }
    for (size_t i = 0; i < sizeof KINDS / sizeof KINDS[0]; i++)
        if (strlen(KINDS[i].name) == len && memcmp(KINDS[i].name, type, len) == 0) {
            *kind = KINDS[i].kind;
            return 0;
        }
    char shown[ETH_CLIP_BUF];
    return eth_fail(err, ETH_EINVAL, "field '%stype' is '%s', not function, event, error, "
                    "constructor, fallback or receive", where, eth_text_clip(type, len, shown));
}

/* stateMutability, or the legacy "constant" and "payable" flags older compilers wrote. */
static int read_mutability(const json_t *obj, const char *where, eth_abi_mutability *m,
                           eth_error *err)
{
    json_t *sm, *constant, *payable;
    int rc = optional(obj, where, "stateMutability", JSON_STRING, &sm, err);
    if (rc == 0 && !sm)
        rc = optional(obj, where, "constant", JSON_TRUE, &constant, err);
    if (rc == 0 && !sm)
        rc = optional(obj, where, "payable", JSON_TRUE, &payable, err);
    if (rc != 0)
        return rc;
    if (!sm) {
        *m = json_is_true(constant) ? ETH_ABI_MUT_VIEW
             : json_is_true(payable) ? ETH_ABI_MUT_PAYABLE
                                     : ETH_ABI_MUT_NONPAYABLE;
        return 0;
    }
    const char *s = json_string_value(sm);
    for (size_t i = 1; i < sizeof MUTABILITY / sizeof MUTABILITY[0]; i++)
        if (strcmp(s, MUTABILITY[i]) == 0 && strlen(s) == json_string_length(sm)) {
            *m = (eth_abi_mutability)i;
            return 0;
        }
    char shown[ETH_CLIP_BUF];
    return eth_fail(err, ETH_EINVAL, "field '%sstateMutability' is '%s', not pure, view, "
                    "nonpayable or payable", where,
                    eth_text_clip(s, json_string_length(sm), shown));
}

static void entry_clear(eth_abi_entry *e)
{
    free(e->name);
    free(e->signature);
    eth_abi_type_free(e->inputs);
    eth_abi_type_free(e->outputs);
    memset(e, 0, sizeof *e);
}

/* The canonical signature of e, and its selector or topic. */
static int entry_signature(eth_abi_entry *e, const char *where, eth_error *err)
{
    if (e->kind != ETH_ABI_ENTRY_FUNCTION && e->kind != ETH_ABI_ENTRY_EVENT &&
        e->kind != ETH_ABI_ENTRY_ERROR)
        return 0;
    eth_abi_sig sig = {e->name, e->inputs, NULL};
    char *text = malloc(SIG_ROOM);
    if (!text)
        return eth_fail(err, ETH_ENOMEM, "out of memory (signature)");
    int rc = eth_abi_sig_canonical(&sig, text, SIG_ROOM, err);
    if (rc != 0) {
        free(text);
        return eth_error_prefix(err, "%s: ", where);
    }
    uint8_t hash[32];
    eth_keccak256(text, strlen(text), hash);
    if (e->kind == ETH_ABI_ENTRY_EVENT)
        memcpy(e->topic, hash, 32);
    else
        memcpy(e->selector, hash, 4);
    e->signature = text;
    return 0;
}

static int load_entry(const json_t *obj, const char *where, eth_abi_entry *e, eth_error *err)
{
    memset(e, 0, sizeof *e);
    if (!json_is_object(obj))
        return eth_fail(err, ETH_EINVAL, "'%s' must be an object", where);
    char path[WHERE_ROOM];
    path_join(path, where, ".");
    int rc = read_kind(obj, path, &e->kind, err);
    bool named = e->kind == ETH_ABI_ENTRY_FUNCTION || e->kind == ETH_ABI_ENTRY_EVENT ||
                 e->kind == ETH_ABI_ENTRY_ERROR;
    const char *name = "";
    size_t nlen = 0;
    if (rc == 0 && named)
        rc = read_ident(obj, path, true, &name, &nlen, err);
    if (rc == 0) {
        e->name = malloc(nlen + 1);
        if (!e->name)
            rc = eth_fail(err, ETH_ENOMEM, "out of memory (ABI entry)");
        else {
            memcpy(e->name, name, nlen);
            e->name[nlen] = '\0';
        }
    }
    if (rc == 0)
        rc = load_list(obj, path, "inputs", e->kind == ETH_ABI_ENTRY_EVENT, &e->inputs, err);
    if (rc == 0 && e->kind == ETH_ABI_ENTRY_FUNCTION)
        rc = load_list(obj, path, "outputs", false, &e->outputs, err);
    else if (rc == 0)
        rc = eth_abi_type_new(ETH_ABI_TUPLE, &e->outputs, err);
    if (rc == 0 && named && e->kind != ETH_ABI_ENTRY_FUNCTION)
        e->mutability = ETH_ABI_MUT_NONE;
    else if (rc == 0)
        rc = read_mutability(obj, path, &e->mutability, err);
    json_t *anon = NULL;
    if (rc == 0 && e->kind == ETH_ABI_ENTRY_EVENT)
        rc = optional(obj, path, "anonymous", JSON_TRUE, &anon, err);
    e->anonymous = anon && json_is_true(anon);
    if (rc == 0)
        rc = entry_signature(e, where, err);
    if (rc != 0)
        entry_clear(e);
    return rc;
}

/* Two entries of one kind with the same signature make lookups ambiguous: refused. */
static int check_unique(const eth_abi *abi, const eth_abi_entry *e, eth_error *err)
{
    for (size_t i = 0; i < abi->n; i++) {
        const eth_abi_entry *o = &abi->entries[i];
        if (o->kind == e->kind && (!e->signature || strcmp(o->signature, e->signature) == 0)) {
            char shown[ETH_CLIP_BUF];
            return eth_fail(err, ETH_EINVAL, "abi[%zu]: %s %s is listed twice", abi->n,
                            eth_abi_entry_kind_name(e->kind),
                            eth_text_clipz(e->signature ? e->signature : "", shown));
        }
    }
    return 0;
}

static int load_array(const json_t *arr, eth_abi *out, eth_error *err)
{
    size_t count = json_array_size(arr);
    if (count > ETH_ABI_JSON_MAX_ENTRIES)
        return eth_fail(err, ETH_ERANGE, "the ABI has %zu entries, more than %u", count,
                        ETH_ABI_JSON_MAX_ENTRIES);
    out->entries = calloc(count ? count : 1, sizeof *out->entries);
    if (!out->entries)
        return eth_fail(err, ETH_ENOMEM, "out of memory (%zu ABI entries)", count);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < count; i++) {
        char where[WHERE_ROOM];
        path_index(where, "abi", i);
        rc = load_entry(json_array_get(arr, i), where, &out->entries[out->n], err);
        if (rc == 0) {
            rc = check_unique(out, &out->entries[out->n], err);
            out->n++;
        }
    }
    return rc;
}

int eth_abi_json_load(const char *text, size_t n, eth_abi *out, eth_error *err)
{
    memset(out, 0, sizeof *out);
    if (n > ETH_ABI_JSON_MAX_TEXT)
        return eth_fail(err, ETH_ERANGE, "ABI JSON of %zu bytes is larger than %u", n,
                        ETH_ABI_JSON_MAX_TEXT);
    json_t *root;
    int rc = eth_json_parse(text ? text : "", n, &root, err);
    if (rc != 0)
        return eth_error_prefix(err, "ABI: ");
    const json_t *arr = root;
    if (json_is_object(root)) {
        arr = eth_json_member(root, "", "abi", JSON_ARRAY, err);
        rc = arr ? 0 : -err->code;
    } else if (!json_is_array(root)) {
        rc = eth_fail(err, ETH_EINVAL, "an ABI is a JSON array (or an object with an \"abi\" array)");
    }
    if (rc == 0)
        rc = load_array(arr, out, err);
    json_decref(root);
    if (rc != 0)
        eth_abi_clear(out);
    return rc;
}

void eth_abi_clear(eth_abi *abi)
{
    for (size_t i = 0; i < abi->n; i++)
        entry_clear(&abi->entries[i]);
    free(abi->entries);
    memset(abi, 0, sizeof *abi);
}

int eth_abi_find_name(const eth_abi *abi, eth_abi_entry_kind kind, const char *name,
                      const eth_abi_entry **out, eth_error *err)
{
    *out = NULL;
    size_t hits = 0;
    char list[256] = "";
    for (size_t i = 0; i < abi->n; i++) {
        const eth_abi_entry *e = &abi->entries[i];
        if (e->kind != kind || strcmp(e->name, name) != 0)
            continue;
        if (hits++ == 0)
            *out = e;
        size_t used = strlen(list);
        if (e->signature && used < sizeof list - 1)
            snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", e->signature);
    }
    char shown[ETH_CLIP_BUF];
    if (hits == 1)
        return 0;
    *out = NULL;
    if (hits == 0)
        return eth_fail(err, ETH_EINVAL, "the ABI has no %s named '%s'",
                        eth_abi_entry_kind_name(kind), eth_text_clipz(name, shown));
    return eth_fail(err, ETH_EINVAL, "%s '%s' is overloaded (%s): give its signature",
                    eth_abi_entry_kind_name(kind), eth_text_clipz(name, shown), list);
}

int eth_abi_find_signature(const eth_abi *abi, eth_abi_entry_kind kind, const char *sig,
                           const eth_abi_entry **out, eth_error *err)
{
    *out = NULL;
    eth_abi_sig parsed;
    int rc = eth_abi_sig_parse(sig, ETH_ABI_NAMED, &parsed, err);
    char *canon = rc == 0 ? malloc(SIG_ROOM) : NULL;
    if (rc == 0 && !canon)
        rc = eth_fail(err, ETH_ENOMEM, "out of memory (signature)");
    if (rc == 0)
        rc = eth_abi_sig_canonical(&parsed, canon, SIG_ROOM, err);
    eth_abi_sig_clear(&parsed);
    for (size_t i = 0; rc == 0 && !*out && i < abi->n; i++)
        if (abi->entries[i].kind == kind && abi->entries[i].signature &&
            strcmp(abi->entries[i].signature, canon) == 0)
            *out = &abi->entries[i];
    if (rc == 0 && !*out) {
        char shown[ETH_CLIP_BUF];
        rc = eth_fail(err, ETH_EINVAL, "the ABI has no %s %s", eth_abi_entry_kind_name(kind),
                      eth_text_clipz(canon, shown));
    }
    free(canon);
    return rc;
}

const eth_abi_entry *eth_abi_find_selector(const eth_abi *abi, eth_abi_entry_kind kind,
                                           const uint8_t sel[4])
{
    if (kind != ETH_ABI_ENTRY_FUNCTION && kind != ETH_ABI_ENTRY_ERROR)
        return NULL;
    for (size_t i = 0; i < abi->n; i++)
        if (abi->entries[i].kind == kind && memcmp(abi->entries[i].selector, sel, 4) == 0)
            return &abi->entries[i];
    return NULL;
}

const eth_abi_entry *eth_abi_find_topic(const eth_abi *abi, const uint8_t topic[32])
{
    for (size_t i = 0; i < abi->n; i++) {
        const eth_abi_entry *e = &abi->entries[i];
        if (e->kind == ETH_ABI_ENTRY_EVENT && !e->anonymous && memcmp(e->topic, topic, 32) == 0)
            return e;
    }
    return NULL;
}
