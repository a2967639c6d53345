/* curl_fns.c: libcurl loaded on first use (internal/curl_fns.h). */
#include "internal/curl_fns.h"

#include "dl.h"

eth_curl_fns eth_curl;

static CURLcode (*global_init)(long flags);

static int init(eth_error *err)
{
    if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return eth_fail(err, ETH_ERPC, "cannot initialise libcurl");
    return 0;
}

static const eth_dl_fn FNS[] = {
    {"curl_global_init", &global_init},
    {"curl_easy_init", &eth_curl.easy_init},
    {"curl_easy_setopt", &eth_curl.easy_setopt},
    {"curl_easy_perform", &eth_curl.easy_perform},
    {"curl_easy_getinfo", &eth_curl.easy_getinfo},
    {"curl_easy_cleanup", &eth_curl.easy_cleanup},
    {"curl_easy_strerror", &eth_curl.easy_strerror},
    {"curl_slist_append", &eth_curl.slist_append},
    {"curl_slist_free_all", &eth_curl.slist_free_all},
};

static eth_dl_lib libcurl = {"libcurl.so.4", "libcurl4", "to reach a node", FNS,
                             sizeof FNS / sizeof FNS[0], init, false};

int eth_curl_need(eth_error *err)
{
    return eth_dl_need(&libcurl, err);
}
