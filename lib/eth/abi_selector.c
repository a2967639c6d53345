/* abi_selector.c: keccak256 of canonical signatures. */
#include "abi_selector.h"

#include <string.h>
#include "keccak.h"

static int hash_sig(const eth_abi_sig *sig, uint8_t out[32], eth_error *err)
{
    char canon[ETH_ABI_MAX_TEXT * 2];
    int rc = eth_abi_sig_canonical(sig, canon, sizeof canon, err);
    if (rc == 0)
        eth_keccak256(canon, strlen(canon), out);
    return rc;
}

int eth_abi_selector(const eth_abi_sig *sig, uint8_t out[4], eth_error *err)
{
    uint8_t h[32];
    int rc = hash_sig(sig, h, err);
    if (rc == 0)
        memcpy(out, h, 4);
    return rc;
}

int eth_abi_sig_topic(const eth_abi_sig *sig, uint8_t out[32], eth_error *err)
{
    return hash_sig(sig, out, err);
}

int eth_abi_selector_of(const char *text, uint8_t out[4], eth_error *err)
{
    eth_abi_sig sig;
    int rc = eth_abi_sig_parse(text, ETH_ABI_LENIENT, &sig, err);
    if (rc != 0)
        return rc;
    rc = eth_abi_selector(&sig, out, err);
    eth_abi_sig_clear(&sig);
    return rc;
}

int eth_abi_event_topic(const char *text, uint8_t out[32], eth_error *err)
{
    eth_abi_sig sig;
    const char *t = text;
    if (strncmp(t, "event ", 6) == 0)
        t += 6;
    int rc = eth_abi_sig_parse(t, ETH_ABI_LENIENT, &sig, err);
    if (rc != 0)
        return rc;
    rc = hash_sig(&sig, out, err);
    eth_abi_sig_clear(&sig);
    return rc;
}
