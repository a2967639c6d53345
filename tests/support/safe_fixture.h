/* safe_fixture.h (tests only): Safe v1.4.1 on a test anvil. Starts anvil on a free loopback
 * port, puts the canonical Safe contracts at their addresses (kms_safe_deploy_devnet), loads
 * the keys of anvil's dev accounts 1 to 3 (the published "test test ... junk" mnemonic), and
 * creates 2-of-3 Safes of those accounts through the factory on demand. Functions return 0, or
 * -1 with a message on stderr; tests assert on that. */
#ifndef KMSCTL_TEST_SAFE_FIXTURE_H
#define KMSCTL_TEST_SAFE_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "anvil.h"
#include "eth/rpc.h"
#include "eth/rpc_eth.h"
#include "eth/signer.h"
#include "kms/safe.h"

#define TEST_SAFE_NOWNERS 3

/* Zero-initialise; test_safe_fixture_start fills it, test_safe_fixture_stop releases it. */
typedef struct test_safe_fixture {
    test_anvil anvil;
    eth_rpc *rpc;
    uint8_t dev0[20];                            /* anvil's dev account 0: sends everything */
    eth_signer *owner_key[TEST_SAFE_NOWNERS];    /* dev accounts 1 to 3 */
    uint8_t owners[TEST_SAFE_NOWNERS][20];       /* their addresses */
    uint8_t singleton[20], factory[20], handler[20], multisend[20]; /* canonical Safe 1.4.1:
                                                    Safe, SafeProxyFactory,
                                                    CompatibilityFallbackHandler,
                                                    MultiSendCallOnly */
} test_safe_fixture;

/* Starts anvil, deploys the Safe contracts and loads the owners' keys. On failure call
 * test_safe_fixture_stop all the same. */
int test_safe_fixture_start(test_safe_fixture *f);

/* Stops anvil and frees the keys and the client. Safe to call twice or after a failed start. */
void test_safe_fixture_stop(test_safe_fixture *f);

/* The 2-of-3 setup of f's owners with the canonical fallback handler (pointers into f). */
kms_safe_setup test_safe_two_of_three(const test_safe_fixture *f);

/* Sends data[0..n) (data may be NULL if n is 0) with value (a hex quantity such as "0x10", or
 * NULL for none) from the unlocked account from to to with eth_sendTransaction, and waits up to
 * 2 s for its receipt into *r, which must show success. */
int test_safe_send(test_safe_fixture *f, const uint8_t from[20], const uint8_t to[20],
                   const uint8_t *data, size_t n, const char *value, eth_receipt *r);

/* Creates the 2-of-3 Safe of test_safe_two_of_three with salt nonce salt through the factory,
 * checks that it lands at kms_safe_proxy_address, sends it 1 ether, and writes its address to
 * out. */
int test_safe_create(test_safe_fixture *f, uint64_t salt, uint8_t out[20]);

/* The same with the setup s. */
int test_safe_create_with(test_safe_fixture *f, const kms_safe_setup *s, uint64_t salt,
                          uint8_t out[20]);

#endif
