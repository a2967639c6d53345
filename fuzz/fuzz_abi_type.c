/* fuzz_abi_type.c: libFuzzer target for the ABI type and signature grammar; canonical text must be a fixed point. */
#include "fuzz_common.h"

#include "eth/abi_selector.h"
#include "eth/abi_sig.h"
#include "eth/abi_type.h"

#define CANON_CAP (4 * ETH_ABI_MAX_TEXT)

/* A parsed type's canonical text must parse again to the same text, dynamism and head size. */
static void check_type(const char *s)
{
    eth_error err = {0};
    eth_abi_type *t = NULL, *again = NULL;
    static char canon[CANON_CAP], canon2[CANON_CAP];
    size_t used = 0, used2 = 0;
    if (eth_abi_type_parse(s, &t, &err) != 0) {
        FUZZ_CHECK(err.msg[0] != '\0', "failure without a message");
        FUZZ_CHECK(t == NULL, "failed parse returned a type");
        return;
    }
    FUZZ_CHECK(!eth_abi_type_has_opaque(t), "strict parse kept an opaque type");
    if (eth_abi_type_canonical(t, canon, sizeof canon, &used, &err) == 0) {
        FUZZ_CHECK(strlen(canon) == used, "canonical length is wrong");
        FUZZ_CHECK(eth_abi_type_parse(canon, &again, &err) == 0, "canonical type does not parse");
        FUZZ_CHECK(eth_abi_type_canonical(again, canon2, sizeof canon2, &used2, &err) == 0, "no canon");
        FUZZ_CHECK(strcmp(canon, canon2) == 0, "canonical type is not a fixed point");
        FUZZ_CHECK(eth_abi_type_is_dynamic(t) == eth_abi_type_is_dynamic(again), "dynamism differs");
        FUZZ_CHECK(eth_abi_type_head_size(t) == eth_abi_type_head_size(again), "head size differs");
    }
    eth_abi_type_free(again);
    eth_abi_type_free(t);
}

/* A parsed signature's canonical "name(T,..)" must parse to itself with the same selector. */
static void check_sig(const char *s, bool lenient)
{
    eth_error err = {0};
    eth_abi_sig sig, again;
    static char canon[CANON_CAP], canon2[CANON_CAP];
    uint8_t sel[4], sel2[4];
    if (eth_abi_sig_parse(s, lenient, &sig, &err) != 0) {
        FUZZ_CHECK(err.msg[0] != '\0', "failure without a message");
        return;
    }
    if (eth_abi_sig_canonical(&sig, canon, sizeof canon, &err) == 0) {
        FUZZ_CHECK(eth_abi_sig_parse(canon, lenient, &again, &err) == 0, "canonical sig rejected");
        FUZZ_CHECK(eth_abi_sig_canonical(&again, canon2, sizeof canon2, &err) == 0, "no canon");
        FUZZ_CHECK(strcmp(canon, canon2) == 0, "canonical sig is not a fixed point");
        FUZZ_CHECK(eth_abi_selector(&sig, sel, &err) == 0, "no selector");
        FUZZ_CHECK(eth_abi_selector(&again, sel2, &err) == 0, "no selector for canonical sig");
        FUZZ_CHECK(memcmp(sel, sel2, 4) == 0, "selector differs after canonicalising");
        eth_abi_sig_clear(&again);
    }
    eth_abi_sig_clear(&sig);
}

/* Input: the text of a type or signature; both grammars (strict and lenient) read it. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 2 * ETH_ABI_MAX_TEXT)
        return 0;
    char *s = fuzz_strndup(data, size);
    uint8_t sel[4], topic[32];
    eth_error err = {0};
    check_type(s);
    check_sig(s, false);
    check_sig(s, true);
    (void)eth_abi_selector_of(s, sel, &err);
    (void)eth_abi_event_topic(s, topic, &err);
    free(s);
    return 0;
}
