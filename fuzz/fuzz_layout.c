/* fuzz_layout.c: libFuzzer target for storage layout JSON (kmsctl's --layout FILE): only the
 * documented codes and a message with every failure; a parsed layout is sorted without
 * overlaps, within its caps, compatible with itself with nothing to say, and compares and
 * renders against an empty layout both ways. */
#include "fuzz_common.h"

#include <string.h>

#include "kms/layout.h"

/* A variable's first and one-past-last byte in storage (slot * 32 + offset). */
static uint64_t start_of(const kms_layout_var *v)
{
    return v->slot * 32 + v->offset;
}

static uint64_t end_of(const kms_layout_var *v)
{
    return start_of(v) + v->bytes;
}

static void check_layout(const kms_layout *l)
{
    for (size_t i = 0; i < l->n; i++) {
        const kms_layout_var *v = &l->vars[i];
        FUZZ_CHECK(v->slot < KMS_LAYOUT_MAX_SLOT && v->offset < 32 && v->bytes > 0, "bad place");
        FUZZ_CHECK(v->type[0] && strlen(v->type) <= KMS_LAYOUT_MAX_TYPE_TEXT, "bad type text");
        FUZZ_CHECK(i == 0 || start_of(v) >= end_of(&l->vars[i - 1]), "unsorted or overlapping");
    }
}

static void check_compare(const kms_layout *old, const kms_layout *new_, bool same)
{
    kms_layout_diff d = {0};
    eth_buf text = {0};
    eth_error err = {0};
    FUZZ_CHECK(kms_layout_compare(old, new_, &d, &err) == 0, "compare failed");
    FUZZ_CHECK(!same || (d.compatible && d.n == 0), "a layout differs from itself");
    FUZZ_CHECK(d.compatible == (d.problems == 0), "verdict and problems disagree");
    FUZZ_CHECK(kms_layout_render(&d, &text, &err) == 0, "render failed");
    eth_buf_clear(&text);
    kms_layout_diff_clear(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    eth_error err = {0};
    kms_layout l, empty = {0};
    int rc = kms_layout_parse((const char *)data, size, &l, &err);
    if (rc != 0) {
        FUZZ_CHECK(rc == -ETH_EINVAL || rc == -ETH_ERANGE || rc == -ETH_ENOMEM,
                   "an undocumented code");
        FUZZ_CHECK(rc == -err.code && err.msg[0] != '\0', "failure without its code or message");
        FUZZ_CHECK(l.vars == NULL && l.n == 0, "failed parse left variables");
        return 0;
    }
    check_layout(&l);
    check_compare(&l, &l, true);
    check_compare(&empty, &l, false);
    check_compare(&l, &empty, false);
    kms_layout_clear(&l);
    return 0;
}
