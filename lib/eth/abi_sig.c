/* abi_sig.c: parser of function signatures with optional names, modifiers and outputs. */
#include "abi_sig.h"

#include <stdlib.h>
#include <string.h>

#include "internal/abi_parse.h"
#include "internal/lex.h"
#include "text.h"

typedef struct cursor {
    const char *s;
    size_t n;
    size_t pos;
    unsigned flags;
} cursor;

static void skip_space(cursor *c)
{
    c->pos = eth_lex_skip_blanks(c->s, c->n, c->pos);
}

/* Length of the identifier at the cursor (0 if none). */
static size_t peek_ident(const cursor *c)
{
    return eth_lex_ident_len(c->s, c->n, c->pos);
}

static bool ident_is(const cursor *c, size_t len, const char *word)
{
    return strlen(word) == len && memcmp(c->s + c->pos, word, len) == 0;
}

static int sig_error(const cursor *c, eth_error *err, const char *what)
{
    char shown[ETH_CLIP_BUF];
    return eth_fail(err, ETH_EINVAL, "bad signature '%s': %s at position %zu",
                    eth_text_clip(c->s, c->n, shown), what, c->pos);
}

/* "(T a, T b,)" at the cursor into a new tuple. */
static int parse_params(cursor *c, eth_abi_type **out, eth_error *err)
{
    if (c->pos >= c->n || c->s[c->pos] != '(')
        return sig_error(c, err, "expected '('");
    return eth_abi_params_parse_at(c->s, c->n, &c->pos, c->flags, 0, out, err);
}

/* Visibility and state-mutability words cast accepts between inputs and outputs. */
static void skip_modifiers(cursor *c)
{
    static const char *const words[] = {"external", "public", "internal", "private",
                                        "pure",     "view",   "payable"};
    for (;;) {
        size_t save = c->pos;
        skip_space(c);
        size_t l = peek_ident(c);
        bool hit = false;
        for (size_t i = 0; l && i < sizeof words / sizeof words[0]; i++)
            if (ident_is(c, l, words[i]))
                hit = true;
        if (!hit) {
            c->pos = save;
            return;
        }
        c->pos += l;
    }
}

static int parse_outputs(cursor *c, eth_abi_sig *out, eth_error *err)
{
    skip_modifiers(c);
    skip_space(c);
    if (c->pos < c->n && c->s[c->pos] == ':')
        c->pos++;
    size_t l = peek_ident(c);
    if (l && ident_is(c, l, "returns"))
        c->pos += l;
    skip_space(c);
    if (c->pos < c->n && c->s[c->pos] == '(')
        return parse_params(c, &out->outputs, err);
    return eth_abi_type_new(ETH_ABI_TUPLE, &out->outputs, err);
}

static int parse_name(cursor *c, eth_abi_sig *out, eth_error *err)
{
    size_t l = peek_ident(c);
    if (l == 0)
        return sig_error(c, err, "expected a function name");
    out->name = malloc(l + 1);
    if (!out->name)
        return eth_fail(err, ETH_ENOMEM, "out of memory (signature)");
    memcpy(out->name, c->s + c->pos, l);
    out->name[l] = '\0';
    c->pos += l;
    skip_space(c);
    return 0;
}

int eth_abi_sig_parse(const char *text, unsigned flags, eth_abi_sig *out, eth_error *err)
{
    memset(out, 0, sizeof *out);
    cursor c = {text, strlen(text), 0, flags};
    if (c.n > ETH_ABI_MAX_TEXT)
        return eth_fail(err, ETH_ERANGE, "signature longer than %d characters", ETH_ABI_MAX_TEXT);
    size_t l = peek_ident(&c);
    if (l == 8 && memcmp(text, "function", 8) == 0 && l < c.n && (text[l] == ' ' || text[l] == '\t')) {
        c.pos = l;
        skip_space(&c);
    }
    int rc = parse_name(&c, out, err);
    if (rc == 0)
        rc = parse_params(&c, &out->inputs, err);
    if (rc == 0)
        rc = parse_outputs(&c, out, err);
    if (rc == 0) {
        skip_space(&c);
        if (c.pos != c.n)
            rc = sig_error(&c, err, "unexpected text");
    }
    if (rc != 0)
        eth_abi_sig_clear(out);
    return rc;
}

void eth_abi_sig_clear(eth_abi_sig *sig)
{
    free(sig->name);
    eth_abi_type_free(sig->inputs);
    eth_abi_type_free(sig->outputs);
    memset(sig, 0, sizeof *sig);
}

int eth_abi_sig_canonical(const eth_abi_sig *sig, char *out, size_t cap, eth_error *err)
{
    size_t nl = strlen(sig->name);
    if (nl + 1 > cap)
        return eth_fail(err, ETH_ERANGE, "signature is longer than %zu bytes", cap ? cap - 1 : 0);
    memcpy(out, sig->name, nl + 1);
    size_t used = nl;
    int rc = eth_abi_type_canonical(sig->inputs, out, cap, &used, err);
    return rc != 0 ? eth_error_prefix(err, "signature: ") : 0;
}
