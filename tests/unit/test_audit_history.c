/* test_audit_history.c: a block by its time (kms_audit_block_at, lib/kms/audit_history.h),
 * on a real anvil whose blocks 1 to 4 are mined 100 s apart: the first block at or after a
 * time, the last one at or before it, exact hits, times between blocks, and times outside the
 * chain refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "anvil.h"
#include "eth/rpc_eth.h"
#include "kms/audit_history.h"

static test_anvil anvil;
static eth_rpc *rpc;
static uint64_t T0; /* block 0's time; block i is at T0 + 100 i */

static int setup(void **state)
{
    (void)state;
    eth_error e;
    eth_block b;
    bool found = false;
    if (test_anvil_start(&anvil, NULL) != 0 || eth_rpc_open(anvil.url, NULL, &rpc, &e) != 0 ||
        eth_rpc_get_block(rpc, "0x0", &b, &found, &e) != 0 || !found)
        return -1;
    T0 = b.timestamp;
    for (uint64_t i = 1; i <= 4; i++) {
        json_t *r = NULL;
        json_t *p = json_pack("[I]", (json_int_t)(T0 + 100 * i));
        int rc = eth_rpc_call(rpc, "evm_mine", p, &r, &e);
        json_decref(p);
        json_decref(r);
        if (rc)
            return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    eth_rpc_free(rpc);
    test_anvil_stop(&anvil);
    return 0;
}

static void assert_at(uint64_t t, bool after, uint64_t want)
{
    uint64_t block = 99;
    eth_error e;
    assert_int_equal(kms_audit_block_at(rpc, t, after, &block, &e), 0);
    assert_int_equal(block, want);
}

static void test_block_at(void **state)
{
    (void)state;
    assert_at(T0 + 200, true, 2);  /* exact */
    assert_at(T0 + 200, false, 2);
    assert_at(T0 + 150, true, 2);  /* between blocks 1 and 2 */
    assert_at(T0 + 150, false, 1);
    assert_at(T0, true, 0);
    assert_at(T0 + 400, true, 4);
    assert_at(T0 + 10000, false, 4);
    assert_at(0, true, 0);
}

static void test_outside(void **state)
{
    (void)state;
    uint64_t block = 0;
    eth_error e;
    assert_int_equal(kms_audit_block_at(rpc, T0 + 401, true, &block, &e), -ETH_ERANGE);
    assert_non_null(strstr(e.msg, "no block is at or after that time: the chain runs from"));
    assert_int_equal(kms_audit_block_at(rpc, T0 - 1, false, &block, &e), -ETH_ERANGE);
    assert_non_null(strstr(e.msg, "no block is at or before that time"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_block_at),
        cmocka_unit_test(test_outside),
    };
    return cmocka_run_group_tests_name("audit_history", tests, setup, teardown);
}
