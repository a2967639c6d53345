/* chain.c: chain flags -> a connected client, the signer for that chain, the devnet's state
 * folder, and the progress printer. */
#include "chain.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "keyflags.h"
#include "eth/rpc_eth.h"
#include "eth/text.h"

/* Longest --timeout, in seconds (one day). */
#define TIMEOUT_MAX 86400u

const cli_flag CLI_CHAIN_FLAGS[] = {
    {"rpc-url", "URL", "the node's JSON-RPC URL (default env ETH_RPC_URL,\n"
                       "else RPC_URL)", NULL, false},
    {"devnet", NULL, "use the running devnet (kmsctl devnet start)", NULL, false},
    {"timeout", "DUR", "give up on a node call after DUR (90s, 2m;\n"
                       "default 30s)", NULL, false},
    CLI_FLAGS_END,
};

/* ---- the devnet's state folder ---- */

ETH_PRINTF(4, 5)
static int put_path(char *out, size_t cap, eth_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, cap, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= cap)
        return eth_fail(err, ETH_ERANGE, "the devnet's state folder: path is too long (set "
                                         "KMSCTL_DEVNET_DIR to a shorter one)");
    return 0;
}

int cli_devnet_dir(char *out, size_t cap, eth_error *err)
{
    const char *dir = getenv("KMSCTL_DEVNET_DIR");
    if (dir && *dir)
        return put_path(out, cap, err, "%s", dir);
    dir = getenv("XDG_STATE_HOME");
    if (dir && dir[0] == '/') /* the XDG spec: a relative path is invalid and ignored */
        return put_path(out, cap, err, "%s/kmsctl/devnet", dir);
    dir = getenv("HOME");
    if (dir && *dir)
        return put_path(out, cap, err, "%s/.local/state/kmsctl/devnet", dir);
    return eth_fail(err, ETH_EINVAL, "no folder for the devnet's state: set KMSCTL_DEVNET_DIR "
                                     "(or HOME)");
}

int cli_devnet_running(kms_devnet_state *st, eth_error *err)
{
    char dir[KMS_DEVNET_PATH_MAX], shown[ETH_CLIP_BUF];
    bool found = false;
    int rc = cli_devnet_dir(dir, sizeof dir, err);
    if (rc == 0)
        rc = kms_devnet_load(dir, st, &found, err);
    if (rc == 0 && (!found || !kms_devnet_alive(st)))
        rc = eth_fail(err, ETH_ESTATE, "no devnet runs (state folder %s): start one with "
                                       "`kmsctl devnet start`", eth_text_clipz(dir, shown));
    return rc;
}

int cli_devnet_open(kms_devnet_state *st, eth_rpc **rpc, eth_error *err)
{
    *rpc = NULL;
    int rc = cli_devnet_running(st, err);
    return rc ? rc : eth_rpc_open(st->url, NULL, rpc, err);
}

/* ---- the chain ---- */

/* Fills o from --timeout. Returns CLI_OK or CLI_USAGE (printed). */
static int rpc_opts(const cli_call *c, eth_rpc_opts *o)
{
    eth_rpc_opts_default(o);
    const char *text = cli_opt(c, "timeout");
    uint64_t s = 0;
    if (!text)
        return CLI_OK;
    char shown[ETH_CLIP_BUF];
    if (cli_parse_duration(text, &s) != 0 || s == 0 || s > TIMEOUT_MAX)
        return cli_usage(c, "--timeout '%s': expected a duration from 1s to 1d (90s, 2m, 30)",
                         eth_text_clipz(text, shown));
    o->timeout_ms = (long)s * 1000;
    return CLI_OK;
}

/* given_url found no URL (not printed: the caller may fall back to the devnet). */
#define CLI_NONE (-1)

/* The URL --rpc-url or the environment gives (*url), and where it came from (*what, for
 * messages). Returns CLI_OK, CLI_NONE when there is none, or CLI_USAGE (printed) when it is not
 * http(s): only its scheme://host:port is shown. */
static int given_url(const cli_call *c, const char **url, const char **what)
{
    static const char *const ENVS[] = {"ETH_RPC_URL", "RPC_URL"};
    *url = cli_opt(c, "rpc-url");
    *what = "--rpc-url";
    for (size_t i = 0; !*url && i < 2; i++) {
        const char *v = getenv(ENVS[i]);
        *url = v && *v ? v : NULL;
        *what = i == 0 ? "env ETH_RPC_URL" : "env RPC_URL";
    }
    if (!*url)
        return CLI_NONE;
    if (strncmp(*url, "http://", 7) != 0 && strncmp(*url, "https://", 8) != 0) {
        char shown[128];
        eth_rpc_url_strip(*url, shown, sizeof shown);
        return cli_usage(c, "%s %s: expected an http:// or https:// URL", *what, shown);
    }
    return CLI_OK;
}

/* Reads the chain id; a node that does not answer gets one sentence naming where the URL
 * came from. */
static int read_chain_id(cli_chain *ch, const char *what, eth_error *err)
{
    int rc = eth_rpc_chain_id(ch->rpc, &ch->chain_id, err);
    if (rc == -ETH_ERPC || rc == -ETH_ETIMEOUT) {
        char why[sizeof err->msg];
        memcpy(why, err->msg, sizeof why);
        rc = eth_fail(err, -rc, "%s; check that the node runs and that %s is right", why, what);
    }
    return rc;
}

/* True if the URLs name the same scheme://host:port (paths and queries left out). */
static bool same_node(const char *a, const char *b)
{
    char sa[128], sb[128];
    eth_rpc_url_strip(a, sa, sizeof sa);
    eth_rpc_url_strip(b, sb, sizeof sb);
    return strcmp(sa, sb) == 0;
}

int cli_chain_open(const cli_call *c, cli_chain *out, eth_error *err)
{
    memset(out, 0, sizeof *out);
    bool devnet = cli_given(c, "devnet");
    if (devnet && cli_given(c, "rpc-url"))
        return cli_usage(c, "give one chain: --devnet or --rpc-url URL, not both");
    const char *url = NULL, *what = "--devnet";
    int rc = rpc_opts(c, &out->opts);
    if (rc == CLI_OK && !devnet)
        rc = given_url(c, &url, &what);
    if (rc != CLI_OK && rc != CLI_NONE)
        return rc;
    eth_error ignored;
    out->has_devnet = cli_devnet_running(&out->devnet, devnet ? err : &ignored) == 0;
    if (devnet && !out->has_devnet)
        return eth_error_prefix(err, "--devnet: ");
    if (rc == CLI_NONE && !out->has_devnet)
        return cli_usage(c, "no chain given: use --rpc-url URL, --devnet (the devnet `kmsctl "
                            "devnet start` runs), or set env ETH_RPC_URL");
    if (rc == CLI_NONE) {
        fprintf(stderr, "kmsctl: no --rpc-url or ETH_RPC_URL: using the devnet at %s\n",
                out->devnet.url);
        what = "the devnet";
    }
    if (devnet || rc == CLI_NONE)
        url = out->devnet.url;
    if (strlen(url) >= sizeof out->url) {
        char shown[128];
        eth_rpc_url_strip(url, shown, sizeof shown);
        return cli_usage(c, "%s %s...: the URL is longer than %zu bytes", what, shown,
                         sizeof out->url - 1);
    }
    snprintf(out->url, sizeof out->url, "%s", url);
    rc = eth_rpc_open(url, &out->opts, &out->rpc, err);
    if (rc == 0) {
        snprintf(out->url_shown, sizeof out->url_shown, "%s", eth_rpc_url_shown(out->rpc));
        rc = read_chain_id(out, what, err);
    }
    if (rc) {
        cli_chain_close(out);
        return rc;
    }
    out->is_devnet = out->has_devnet && same_node(url, out->devnet.url);
    return 0;
}

int cli_chain_open_optional(const cli_call *c, cli_chain *out, bool *opened, eth_error *err)
{
    const char *url, *what;
    kms_devnet_state st;
    eth_error ignored;
    *opened = false;
    memset(out, 0, sizeof *out);
    if (!cli_given(c, "devnet") && given_url(c, &url, &what) == CLI_NONE &&
        cli_devnet_running(&st, &ignored) != 0)
        return 0;
    int rc = cli_chain_open(c, out, err);
    *opened = rc == 0;
    return rc;
}

int cli_chain_now(const cli_chain *ch, uint64_t *now, eth_error *err)
{
    eth_block b;
    bool found = false;
    int rc = eth_rpc_get_block(ch->rpc, "latest", &b, &found, err);
    if (rc == 0 && !found)
        rc = eth_fail(err, ETH_ERPC, "the node at %s has no latest block", ch->url_shown);
    if (rc == 0)
        *now = b.timestamp;
    return rc;
}

void cli_chain_close(cli_chain *ch)
{
    if (!ch)
        return;
    eth_rpc_free(ch->rpc);
    ch->rpc = NULL;
}

int cli_chain_signer(const eth_keysource *ks, const cli_chain *ch, eth_signer **out,
                     eth_error *err)
{
    *out = NULL;
    if (ks->dev_account < 0)
        return cli_key_resolve(ks, out, err);
    const kms_devnet_state *dn = &ch->devnet;
    if (!ch->has_devnet)
        return eth_fail(err, ETH_ESTATE, "--dev-account signs with a public test key: only on "
                                         "the devnet, and none runs; start one with `kmsctl "
                                         "devnet start`");
    if (!ch->is_devnet || ch->chain_id != dn->chain_id)
        return eth_fail(err, ETH_ESTATE, "--dev-account signs with a public test key: only on "
                                         "the devnet (chain %llu at %s); this chain is %llu at %s",
                        (unsigned long long)dn->chain_id, dn->url,
                        (unsigned long long)ch->chain_id, ch->url_shown);
    eth_keysource dev = *ks;
    dev.dev_keys_file = dn->keys_file;
    return cli_key_resolve(&dev, out, err);
}

int cli_chain_default_signer(const cli_call *c, const cli_chain *ch, bool required,
                             eth_signer **out)
{
    eth_keysource ks = eth_keysource_none();
    eth_error err = {0};
    bool given = cli_key_given(c) || (getenv("PRIVATE_KEY") && *getenv("PRIVATE_KEY"));
    *out = NULL;
    if (!given && !ch->is_devnet)
        return required ? cli_usage(c, "no key given: use --keystore FILE, --account NAME or "
                                       "--private-key-file FILE (on the devnet the default is "
                                       "--dev-account 0)")
                        : CLI_OK;
    if (given) {
        int rc = cli_key_source(c, &ks);
        if (rc != CLI_OK)
            return rc;
    } else {
        ks.dev_account = 0;
        fprintf(stderr, "kmsctl: signing with devnet account 0 (a public test key)\n");
    }
    return cli_chain_signer(&ks, ch, out, &err) ? cli_fail_err(&err) : CLI_OK;
}

int cli_exit_code(int rc, const eth_error *err)
{
    if (rc < 0)
        return cli_fail_err(err);
    return rc ? rc : CLI_OK;
}

/* ---- progress ---- */

static void print_step(void *ctx, const char *line)
{
    (void)ctx;
    fprintf(stderr, "kmsctl: %s\n", line);
}

kms_progress cli_progress(void)
{
    return (kms_progress){print_step, NULL};
}
