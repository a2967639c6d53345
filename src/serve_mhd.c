/* serve_mhd.c: libmicrohttpd loaded when serve starts (serve_mhd.h). */
#include "serve_mhd.h"

#include "eth/dl.h"

cmd_serve_mhd_fns cmd_mhd;

static const eth_dl_fn FNS[] = {
    {"MHD_start_daemon", &cmd_mhd.start_daemon},
    {"MHD_quiesce_daemon", &cmd_mhd.quiesce_daemon},
    {"MHD_stop_daemon", &cmd_mhd.stop_daemon},
    {"MHD_create_response_from_buffer", &cmd_mhd.create_response_from_buffer},
    {"MHD_add_response_header", &cmd_mhd.add_response_header},
    {"MHD_queue_response", &cmd_mhd.queue_response},
    {"MHD_destroy_response", &cmd_mhd.destroy_response},
    {"MHD_lookup_connection_value", &cmd_mhd.lookup_connection_value},
};

static eth_dl_lib libmhd = {"libmicrohttpd.so.12", "libmicrohttpd12", "to serve the webhook", FNS,
                            sizeof FNS / sizeof FNS[0], NULL, false};

int cmd_serve_mhd_need(eth_error *err)
{
    return eth_dl_need(&libmhd, err);
}
