/* test_dl.c: libraries loaded on first use (lib/eth/dl.h): a library that loads fills its slots
 * once and runs its init once; a missing library or function is -ETH_EUNSUP with a message that
 * says what to install, stores nothing usable, and a later call tries again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "eth/dl.h"

static size_t (*my_strlen)(const char *s);
static int inits;

static int count_init(eth_error *err)
{
    (void)err;
    inits++;
    return 0;
}

static void test_loads_once(void **state)
{
    (void)state;
    static const eth_dl_fn fns[] = {{"strlen", &my_strlen}};
    static eth_dl_lib libc = {"libc.so.6", "libc6", "to test", fns, 1, count_init, false};
    eth_error e = {0};
    inits = 0;
    assert_int_equal(eth_dl_need(&libc, &e), 0);
    assert_non_null(my_strlen);
    assert_int_equal(my_strlen("four"), 4);
    assert_int_equal(eth_dl_need(&libc, &e), 0);
    assert_int_equal(inits, 1);
}

static void test_missing_library(void **state)
{
    (void)state;
    size_t (*fn)(const char *) = NULL;
    const eth_dl_fn fns[] = {{"strlen", &fn}};
    eth_dl_lib none = {"libkmsctl-no-such-library.so.9", "kmsctl-nothing", "to reach nothing",
                       fns, 1, NULL, false};
    eth_error e = {0};
    assert_int_equal(eth_dl_need(&none, &e), -ETH_EUNSUP);
    assert_non_null(strstr(e.msg, "libkmsctl-no-such-library.so.9 to reach nothing"));
    assert_non_null(strstr(e.msg, "apt-get install kmsctl-nothing"));
    assert_null(fn);
    assert_int_equal(eth_dl_need(&none, &e), -ETH_EUNSUP); /* tried again, fails again */
}

static void test_missing_function(void **state)
{
    (void)state;
    void (*a)(void) = NULL, (*b)(void) = NULL;
    const eth_dl_fn fns[] = {{"strlen", &a}, {"kmsctl_no_such_function", &b}};
    eth_dl_lib lib = {"libc.so.6", "libc6", "to test", fns, 2, count_init, false};
    eth_error e = {0};
    inits = 0;
    assert_int_equal(eth_dl_need(&lib, &e), -ETH_EUNSUP);
    assert_non_null(strstr(e.msg, "kmsctl_no_such_function"));
    assert_int_equal(inits, 0);
    assert_false(atomic_load(&lib.loaded));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loads_once),
        cmocka_unit_test(test_missing_library),
        cmocka_unit_test(test_missing_function),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
