/* fuzz_eip712.c: libFuzzer target for EIP-712 typed data JSON (a stranger's signature request):
 * only the documented codes, a message with every failure, nothing written on failure, and on
 * success the digest is keccak256(0x19 0x01 ++ domainSeparator ++ structHash) and the same
 * again. */
#include "fuzz_common.h"

#include "eth/eip712.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *json = (const char *)data;
    eth_error err = {0};
    uint8_t digest[32], ds[32], sh[32], again[32], untouched[32];
    memset(digest, 0x5a, 32);
    memset(untouched, 0x5a, 32);
    int rc = eth_eip712_hash_json(json, size, digest, ds, sh, &err);
    if (rc != 0) {
        FUZZ_CHECK(rc == -ETH_EINVAL || rc == -ETH_ERANGE || rc == -ETH_EUNSUP ||
                       rc == -ETH_ENOMEM, "an undocumented code");
        FUZZ_CHECK(rc == -err.code, "the code returned is not err's");
        FUZZ_CHECK(err.msg[0] != '\0', "failure without a message");
        FUZZ_CHECK(memcmp(digest, untouched, 32) == 0, "digest written on failure");
        return 0;
    }
    eth_eip712_digest(ds, sh, again);
    FUZZ_CHECK(memcmp(digest, again, 32) == 0, "digest is not over the two hashes given");
    FUZZ_CHECK(eth_eip712_hash_json(json, size, again, NULL, NULL, &err) == 0, "second run fails");
    FUZZ_CHECK(memcmp(digest, again, 32) == 0, "a second run gives another digest");
    return 0;
}
