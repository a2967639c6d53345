/* erc1967.c: the implementation slot, and UUPS's proxiableUUID. */
#include "erc1967.h"

#include <string.h>

#include "call.h"
#include "eth/rpc_eth.h"

const uint8_t KMS_ERC1967_IMPL_SLOT[32] = {
    0x36, 0x08, 0x94, 0xa1, 0x3b, 0xa1, 0xa3, 0x21, 0x06, 0x67, 0xc8, 0x28, 0x49, 0x2d, 0xb9, 0x8d,
    0xca, 0x3e, 0x20, 0x76, 0xcc, 0x37, 0x35, 0xa9, 0x20, 0xa3, 0xca, 0x50, 0x5d, 0x38, 0x2b, 0xbc};

int kms_erc1967_implementation(eth_rpc *rpc, const uint8_t proxy[20], const char *block,
                               uint8_t out[20], eth_error *err)
{
    uint8_t slot[32];
    int rc = eth_rpc_get_storage(rpc, proxy, KMS_ERC1967_IMPL_SLOT, block, slot, err);
    if (rc == 0)
        memcpy(out, slot + 12, 20);
    return rc;
}

int kms_is_uups(eth_rpc *rpc, const uint8_t impl[20], bool *uups, eth_error *err)
{
    kms_result r;
    uint8_t uuid[32];
    *uups = false;
    int rc = kms_view(rpc, impl, NULL, "latest", "proxiableUUID()(bytes32)", NULL, 0, &r, err);
    if (rc == 0)
        rc = kms_result_b32(&r, 0, uuid, err);
    kms_result_clear(&r);
    if (rc == -ETH_EREVERT || rc == -ETH_ESTATE || rc == -ETH_EINVAL)
        return 0;
    *uups = rc == 0 && memcmp(uuid, KMS_ERC1967_IMPL_SLOT, 32) == 0;
    return rc;
}
