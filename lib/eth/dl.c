/* dl.c: shared libraries loaded on first use (dl.h). */
#include "dl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

/* One lock for every library: loading happens once per library and process. */
static pthread_mutex_t dl_lock = PTHREAD_MUTEX_INITIALIZER;

static int missing(const eth_dl_lib *lib, const char *why, eth_error *err)
{
    char shown[ETH_CLIP_BUF];
    return eth_fail(err, ETH_EUNSUP, "kmsctl needs %s %s, and it cannot be loaded (%s): install "
                                     "the package %s (apt-get install %s)",
                    lib->soname, lib->need, eth_text_clipz(why, shown), lib->package,
                    lib->package);
}

/* Opens lib and fills its slots; with lib's init run. Called under dl_lock. */
static int load(eth_dl_lib *lib, eth_error *err)
{
    void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
    if (!h)
        return missing(lib, dlerror(), err);
    for (size_t i = 0; i < lib->nfns; i++) {
        void *p = dlsym(h, lib->fns[i].name);
        if (!p) {
            char why[160];
            snprintf(why, sizeof why, "it has no %s", lib->fns[i].name);
            int rc = missing(lib, why, err);
            dlclose(h); /* nothing of it was used */
            return rc;
        }
        /* POSIX guarantees a function's address fits an object pointer and back */
        memcpy(lib->fns[i].slot, &p, sizeof p);
    }
    return lib->init ? lib->init(err) : 0;
}

int eth_dl_need(eth_dl_lib *lib, eth_error *err)
{
    if (atomic_load_explicit(&lib->loaded, memory_order_acquire))
        return 0;
    pthread_mutex_lock(&dl_lock);
    int rc = 0;
    if (!atomic_load_explicit(&lib->loaded, memory_order_relaxed)) {
        rc = load(lib, err);
        if (rc == 0)
            atomic_store_explicit(&lib->loaded, true, memory_order_release);
    }
    pthread_mutex_unlock(&dl_lock);
    return rc;
}
