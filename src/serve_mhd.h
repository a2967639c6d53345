/* serve_mhd.h: the libmicrohttpd functions serve_http.c calls, through pointers filled when
 * `kmsctl serve` starts (lib/eth/dl.h), so that no other command loads libmicrohttpd and the
 * TLS libraries it pulls in. */
#ifndef KMSCTL_SERVE_MHD_H
#define KMSCTL_SERVE_MHD_H

#include <microhttpd.h>

#include "eth/error.h"

/* The functions, named as in libmicrohttpd without the MHD_ prefix. Valid once
 * cmd_serve_mhd_need returned 0. */
typedef struct cmd_serve_mhd_fns {
    struct MHD_Daemon *(*start_daemon)(unsigned int flags, uint16_t port,
                                       MHD_AcceptPolicyCallback apc, void *apc_cls,
                                       MHD_AccessHandlerCallback dh, void *dh_cls, ...);
    MHD_socket (*quiesce_daemon)(struct MHD_Daemon *daemon);
    void (*stop_daemon)(struct MHD_Daemon *daemon);
    struct MHD_Response *(*create_response_from_buffer)(size_t size, void *buffer,
                                                        enum MHD_ResponseMemoryMode mode);
    enum MHD_Result (*add_response_header)(struct MHD_Response *response, const char *header,
                                           const char *content);
    enum MHD_Result (*queue_response)(struct MHD_Connection *connection, unsigned int status,
                                      struct MHD_Response *response);
    void (*destroy_response)(struct MHD_Response *response);
    const char *(*lookup_connection_value)(struct MHD_Connection *connection,
                                           enum MHD_ValueKind kind, const char *key);
} cmd_serve_mhd_fns;

extern cmd_serve_mhd_fns cmd_mhd;

/* Loads libmicrohttpd (libmicrohttpd.so.12) the first time; thread-safe. Returns 0 or
 * -ETH_EUNSUP (missing: the message says which package to install). */
int cmd_serve_mhd_need(eth_error *err) ETH_WARN_UNUSED;

#endif
