/* dl.h: a shared library loaded the first time it is needed instead of when kmsctl starts.
 *
 * Linking libcurl and libmicrohttpd the usual way has the dynamic loader map and relocate them
 * and the thirty-odd libraries they pull in (TLS, Kerberos, LDAP, SSH, IDN, ...) on every run:
 * about 5 of the 6 ms a command like `kmsctl keccak` took here, a command that never opens a
 * connection. Loaded through this module, only the commands that talk to a node or serve pay
 * for them, once.
 *
 * A library is described by a static eth_dl_lib; eth_dl_need loads it and fills the function
 * pointers its slots name, once per process, whichever thread asks first. */
#ifndef ETH_DL_H
#define ETH_DL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include "error.h"

/* One function of a library: its symbol and where its address goes (the address of a function
 * pointer of the right type). */
typedef struct eth_dl_fn {
    const char *name;
    void *slot;
} eth_dl_fn;

/* A library and what to take from it. Static storage; the fields but loaded are the caller's
 * constants. */
typedef struct eth_dl_lib {
    const char *soname;  /* "libcurl.so.4" */
    const char *package; /* the Debian package that installs it, for the message: "libcurl4" */
    const char *need;    /* what for, for the message: "to reach a node" */
    const eth_dl_fn *fns;
    size_t nfns;
    int (*init)(eth_error *err); /* run once after the functions are resolved; may be NULL */
    _Atomic bool loaded;         /* set once everything succeeded; starts false */
} eth_dl_lib;

/* Loads lib (dlopen with RTLD_NOW | RTLD_LOCAL), stores the address of each of its functions in
 * its slot and runs its init, unless an earlier call did all that. Thread-safe. Returns 0;
 * -ETH_EUNSUP when the library or one of its functions is missing (the message names the
 * library, what it is needed for and the package to install); or init's error. After a failure
 * the next call tries again. The library stays loaded for the process's life. */
int eth_dl_need(eth_dl_lib *lib, eth_error *err) ETH_WARN_UNUSED;

#endif
