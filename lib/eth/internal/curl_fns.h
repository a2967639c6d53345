/* curl_fns.h (lib/eth only): the libcurl functions rpc.c calls, through pointers filled when the
 * first client opens (dl.h), so that commands that never reach a node do not load libcurl. */
#ifndef ETH_INTERNAL_CURL_FNS_H
#define ETH_INTERNAL_CURL_FNS_H

#include <curl/curl.h>

#include "eth/error.h"

/* The functions, named as in libcurl without the curl_ prefix. Valid once eth_curl_need
 * returned 0. */
typedef struct eth_curl_fns {
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *c, CURLoption option, ...);
    CURLcode (*easy_perform)(CURL *c);
    CURLcode (*easy_getinfo)(CURL *c, CURLINFO info, ...);
    void (*easy_cleanup)(CURL *c);
    const char *(*easy_strerror)(CURLcode code);
    struct curl_slist *(*slist_append)(struct curl_slist *list, const char *s);
    void (*slist_free_all)(struct curl_slist *list);
} eth_curl_fns;

extern eth_curl_fns eth_curl;

/* Loads libcurl (libcurl.so.4) and runs curl_global_init, the first time; thread-safe. Returns
 * 0, -ETH_EUNSUP (libcurl missing: the message says which package to install) or -ETH_ERPC
 * (curl_global_init failed). */
int eth_curl_need(eth_error *err) ETH_WARN_UNUSED;

#endif
