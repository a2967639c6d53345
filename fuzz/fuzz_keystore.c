/* fuzz_keystore.c: libFuzzer target for keystore v3 JSON: validate, peek, and decrypt when the KDF is cheap. */
#include "fuzz_common.h"

#include <jansson.h>

#include "eth/error.h"
#include "eth/keystore.h"

/* Largest KDF work (scrypt n*r*p, or pbkdf2 c) the target will actually run. */
#define CHEAP_WORK 4096

static const char PASSWORD[] = "fuzz";

/* Reads an integer field of obj, or 0 if absent or not an integer. */
static json_int_t int_field(json_t *obj, const char *name)
{
    json_t *v = json_object_get(obj, name);
    return json_is_integer(v) ? json_integer_value(v) : 0;
}

/* True if the (already validated) keystore's KDF is cheap enough to run on every input. */
static int kdf_is_cheap(const char *json, size_t len)
{
    json_t *root = json_loadb(json, len, 0, NULL);
    json_t *crypto = json_object_get(root, "crypto");
    if (!crypto)
        crypto = json_object_get(root, "Crypto");
    json_t *kp = json_object_get(crypto, "kdfparams");
    const char *kdf = json_string_value(json_object_get(crypto, "kdf"));
    json_int_t work = kdf && strcmp(kdf, "pbkdf2") == 0
                          ? int_field(kp, "c")
                          : int_field(kp, "n") * int_field(kp, "r") * int_field(kp, "p");
    json_decref(root);
    return work > 0 && work <= CHEAP_WORK;
}

/* Decrypting a validated keystore may only fail on the password or the key, not on parsing. */
static void check_decrypt(const char *json, size_t len)
{
    eth_error err = {0};
    eth_signer *s = NULL;
    int rc = eth_keystore_decrypt(json, len, PASSWORD, sizeof PASSWORD - 1, &s, &err);
    if (rc != 0 && rc != -ETH_ECRYPTO)
        fprintf(stderr, "decrypt: %s\n", err.msg);
    FUZZ_CHECK(rc == 0 || rc == -ETH_ECRYPTO, "validated keystore fails to parse in decrypt");
    eth_signer_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > ETH_KEYSTORE_MAX_FILE)
        return 0;
    const char *json = (const char *)data;
    eth_error err = {0};
    uint8_t addr[20];
    int peek = eth_keystore_peek_address(json, size, addr, &err);
    FUZZ_CHECK(peek >= -ETH_ESTATE && peek <= 1, "peek returned an unknown code");
    if (eth_keystore_validate(json, size, &err) != 0) {
        FUZZ_CHECK(err.msg[0] != '\0', "failure without a message");
        return 0;
    }
    FUZZ_CHECK(peek >= 0, "validated keystore but peek_address fails");
    if (kdf_is_cheap(json, size))
        check_decrypt(json, size);
    return 0;
}
