/* cmd_devnet.c: kmsctl devnet start|status|stop|time-travel|accounts: a local anvil with Safe
 * v1.4.1 at its canonical addresses that outlives the command (lib/kms/devnet.h), recorded in
 * the state folder cli_devnet_dir names. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "chain.h"
#include "cli.h"
#include "commands.h"
#include "format.h"
#include "eth/address.h"
#include "eth/json.h"
#include "eth/rpc_eth.h"
#include "eth/text.h"
#include "eth/u256.h"
#include "kms/devnet.h"
#include "kms/safe_canonical.h"

/* The port a devnet takes unless --port says otherwise (another one if it is taken). */
#define DEFAULT_PORT 8545u

/* ---- shared output ---- */

/* How the devnet mines, for people. */
static const char *mining(unsigned block_time, char out[48])
{
    if (block_time == 0)
        snprintf(out, 48, "a block per transaction");
    else
        snprintf(out, 48, "a block every %u s", block_time);
    return out;
}

/* "devnet running at URL (chain id N, anvil pid P)" and how it mines. */
static void print_running(const kms_devnet_state *st, uint64_t chain_id)
{
    char how[48];
    printf("devnet running at %s (chain id %llu, anvil pid %d)\nmining: %s\n", st->url,
           (unsigned long long)chain_id, st->pid, mining(st->block_time, how));
}

/* The canonical Safe contracts; with check, whether each one is there with the right code. */
static json_t *safe_json(const kms_safe_check *check)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < KMS_SAFE_NCONTRACTS; i++) {
        const kms_safe_contract *k = kms_safe_contract_at(i);
        json_t *item = json_pack("{s:s,s:s,s:b}", "name", k->name, "address", k->address,
                                 "ok", check ? check->matches[i] : true);
        if (json_array_append_new(arr, item) != 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

/* ---- devnet start ---- */

/* Fills o's port and block time from --port and --block-time. Returns CLI_OK or CLI_USAGE. */
static int start_opts(const cli_call *c, kms_devnet_opts *o)
{
    const char *port = cli_opt(c, "port"), *block_time = cli_opt(c, "block-time");
    char shown[ETH_CLIP_BUF];
    uint64_t v = DEFAULT_PORT;
    if (port && cli_parse_uint(port, 65535, &v) != 0)
        return cli_usage(c, "--port '%s': expected a port from 0 (any free one) to 65535",
                         eth_text_clipz(port, shown));
    o->port = (unsigned)v;
    o->port_fallback = port == NULL; /* the default port may be taken: then any free one */
    v = 0;
    if (block_time && (cli_parse_duration(block_time, &v) != 0 || v > KMS_DEVNET_MAX_BLOCK_TIME))
        return cli_usage(c, "--block-time '%s': expected seconds from 0 (a block per "
                            "transaction) to %u (90s, 2m)",
                         eth_text_clipz(block_time, shown), KMS_DEVNET_MAX_BLOCK_TIME);
    o->block_time = (unsigned)v;
    return CLI_OK;
}

static int print_started(const cli_call *c, const char *dir, const kms_devnet_state *st)
{
    if (c->json)
        return cli_print_json(json_pack(
            "{s:s,s:I,s:i,s:i,s:i,s:s,s:s,s:o,s:o}", "url", st->url, "chain_id",
            (json_int_t)st->chain_id, "pid", st->pid, "port", (int)st->port, "block_time",
            (int)st->block_time, "dir", dir, "log_file", st->log_file, "accounts",
            eth_json_address_list((const uint8_t(*)[20])st->accounts, st->naccounts), "safe", safe_json(NULL)));
    print_running(st, st->chain_id);
    printf("state folder: %s\n\nSafe v1.4.1 at its canonical addresses:\n", dir);
    for (size_t i = 0; i < KMS_SAFE_NCONTRACTS; i++)
        printf("  %-28s %s\n", kms_safe_contract_at(i)->name, kms_safe_contract_at(i)->address);
    printf("\ndev accounts (anvil's public test keys: never use them on a real chain):\n");
    for (size_t i = 0; i < st->naccounts; i++) {
        char cs[43];
        eth_address_checksum(st->accounts[i], cs);
        printf("  %2zu  %s\n", i, cs);
    }
    printf("\nuse it:  kmsctl COMMAND --devnet --dev-account N ...\n"
           "stop it: kmsctl devnet stop\n");
    return CLI_OK;
}

static int run_start(cli_call *c)
{
    kms_devnet_opts o;
    memset(&o, 0, sizeof o);
    int urc = start_opts(c, &o);
    if (urc != CLI_OK)
        return urc;
    char dir[KMS_DEVNET_PATH_MAX], anvil[KMS_DEVNET_PATH_MAX], shown[ETH_CLIP_BUF];
    eth_error err = {0}, ignored;
    kms_devnet_state st;
    int rc = cli_devnet_dir(dir, sizeof dir, &err);
    if (rc == 0 && cli_devnet_running(&st, &ignored) == 0)
        return cli_fail("a devnet already runs at %s (anvil pid %d, state folder %s): use it "
                        "with --devnet, or stop it first with `kmsctl devnet stop`",
                        st.url, st.pid, eth_text_clipz(dir, shown));
    if (rc == 0)
        rc = kms_devnet_find_anvil(cli_opt(c, "anvil"), anvil, sizeof anvil, &err);
    o.anvil = anvil;
    o.progress = cli_progress();
    if (rc == 0)
        rc = kms_devnet_start(dir, &o, &st, &err);
    return rc ? cli_fail_err(&err) : print_started(c, dir, &st);
}

/* ---- devnet status ---- */

/* Prints that no devnet runs (a stale state is named); returns CLI_FAIL. */
static int print_stopped(const cli_call *c, const char *dir, const kms_devnet_info *info)
{
    if (c->json) {
        int rc = cli_print_json(json_pack("{s:b,s:s,s:o}", "running", false, "dir", dir,
                                          "stale_pid", info->recorded
                                                           ? json_integer(info->state.pid)
                                                           : json_null()));
        return rc == CLI_OK ? CLI_FAIL : rc;
    }
    printf("no devnet runs (state folder %s): start one with `kmsctl devnet start`\n", dir);
    if (info->recorded)
        printf("(its recorded anvil, pid %d, is gone: `kmsctl devnet stop` clears the state)\n",
               info->state.pid);
    return CLI_FAIL;
}

static int print_status(const cli_call *c, const char *dir, const kms_devnet_info *info)
{
    char when[32];
    if (c->json)
        return cli_print_json(json_pack(
            "{s:b,s:s,s:s,s:i,s:I,s:I,s:I,s:s,s:i,s:b,s:o}", "running", true, "dir", dir, "url",
            info->state.url, "pid", info->state.pid, "chain_id", (json_int_t)info->chain_id,
            "block", (json_int_t)info->block_number, "timestamp", (json_int_t)info->timestamp,
            "time", cli_utc(info->timestamp, true, when), "block_time", (int)info->state.block_time,
            "safe_ok", info->safe.nmatch == KMS_SAFE_NCONTRACTS, "safe", safe_json(&info->safe)));
    print_running(&info->state, info->chain_id);
    printf("latest block %llu at %s (%llu)\n", (unsigned long long)info->block_number,
           cli_utc(info->timestamp, false, when), (unsigned long long)info->timestamp);
    if (info->safe.nmatch == KMS_SAFE_NCONTRACTS)
        printf("Safe v1.4.1: all %d contracts at their canonical addresses\n",
               KMS_SAFE_NCONTRACTS);
    else
        printf("Safe v1.4.1: only %zu of %d contracts at their canonical addresses (restart "
               "the devnet to redeploy them)\n", info->safe.nmatch, KMS_SAFE_NCONTRACTS);
    printf("state folder: %s\n", dir);
    return CLI_OK;
}

static int run_status(cli_call *c)
{
    char dir[KMS_DEVNET_PATH_MAX];
    eth_error err = {0};
    kms_devnet_info info;
    int rc = cli_devnet_dir(dir, sizeof dir, &err);
    if (rc == 0)
        rc = kms_devnet_status(dir, &info, &err);
    if (rc)
        return cli_fail_err(&err);
    return info.alive ? print_status(c, dir, &info) : print_stopped(c, dir, &info);
}

/* ---- devnet stop ---- */

static int run_stop(cli_call *c)
{
    char dir[KMS_DEVNET_PATH_MAX];
    eth_error err = {0};
    kms_devnet_stopped s;
    kms_progress progress = cli_progress();
    int rc = cli_devnet_dir(dir, sizeof dir, &err);
    if (rc == 0)
        rc = kms_devnet_stop(dir, &progress, &s, &err);
    if (rc)
        return cli_fail_err(&err);
    if (c->json)
        return cli_print_json(json_pack("{s:b,s:b,s:o,s:s}", "stopped", s.was_alive, "killed",
                                        s.killed, "pid",
                                        s.recorded ? json_integer(s.pid) : json_null(), "dir",
                                        dir));
    if (!s.recorded)
        printf("no devnet was running (state folder %s)\n", dir);
    else if (s.was_alive)
        printf("devnet stopped (anvil pid %d%s)\n", s.pid,
               s.killed ? ": it ignored SIGTERM and was killed" : "");
    else
        printf("the devnet's anvil (pid %d) was not running: its stale state is removed\n",
               s.pid);
    return CLI_OK;
}

/* ---- devnet time-travel ---- */

static int run_time_travel(cli_call *c)
{
    uint64_t seconds = 0;
    char shown[ETH_CLIP_BUF], when[32];
    if (cli_parse_duration(c->args[0], &seconds) != 0 || seconds > KMS_DEVNET_MAX_TRAVEL)
        return cli_usage(c, "DURATION '%s': expected seconds or a number with s, m, h, d or w "
                            "(90s, 1h, 2d), at most 100 years",
                         eth_text_clipz(c->args[0], shown));
    eth_error err = {0};
    kms_devnet_state st;
    kms_devnet_travel t;
    eth_rpc *rpc = NULL;
    int rc = cli_devnet_open(&st, &rpc, &err);
    if (rc == 0)
        rc = kms_devnet_time_travel(rpc, seconds, &t, &err);
    eth_rpc_free(rpc);
    if (rc)
        return cli_fail_err(&err);
    if (c->json)
        return cli_print_json(json_pack("{s:I,s:I,s:s,s:I}", "block", (json_int_t)t.block_number,
                                        "timestamp", (json_int_t)t.timestamp, "time",
                                        cli_utc(t.timestamp, true, when), "before",
                                        (json_int_t)t.before));
    printf("clock moved %llu s: block %llu at %s (%llu)\n",
           (unsigned long long)(t.timestamp - t.before), (unsigned long long)t.block_number,
           cli_utc(t.timestamp, false, when), (unsigned long long)t.timestamp);
    return CLI_OK;
}

/* ---- devnet accounts ---- */

/* Reads dev account i's balance and prints it (as a line, or appended to out). */
static int account_line(const cli_call *c, eth_rpc *rpc, const kms_devnet_state *st, size_t i,
                        json_t *out, eth_error *err)
{
    u256 wei;
    char cs[43], dec[U256_DEC_MAX], ether[U256_DEC_MAX + 2];
    int rc = eth_rpc_get_balance(rpc, st->accounts[i], "latest", &wei, err);
    if (rc == 0)
        rc = u256_format_units(&wei, 18, ether, err);
    if (rc)
        return rc;
    eth_address_checksum(st->accounts[i], cs);
    u256_to_dec(&wei, dec);
    if (!c->json) {
        printf("%2zu  %s  %s ether\n", i, cs, ether);
        return 0;
    }
    json_t *item = json_pack("{s:i,s:s,s:s,s:s}", "index", (int)i, "address", cs,
                             "balance_ether", ether, "balance_wei", dec);
    return json_array_append_new(out, item) == 0 ? 0 : eth_fail(err, ETH_ENOMEM, "out of memory");
}

static int run_accounts(cli_call *c)
{
    eth_error err = {0};
    kms_devnet_state st;
    eth_rpc *rpc = NULL;
    json_t *out = c->json ? json_array() : NULL;
    int rc = c->json && !out ? eth_fail(&err, ETH_ENOMEM, "out of memory") : 0;
    if (rc == 0)
        rc = cli_devnet_open(&st, &rpc, &err);
    for (size_t i = 0; rc == 0 && i < st.naccounts; i++)
        rc = account_line(c, rpc, &st, i, out, &err);
    eth_rpc_free(rpc);
    if (rc) {
        json_decref(out);
        return cli_fail_err(&err);
    }
    return c->json ? cli_print_json(out) : CLI_OK;
}

/* ---- the table ---- */

static const cli_flag START_FLAGS[] = {
    {"port", "N", "port on 127.0.0.1 (default 8545, or a free one if\n"
                  "8545 is taken; 0: any free port)", NULL, false},
    {"block-time", "S", "mine a block every S seconds (90s, 2m) instead of\n"
                        "one per transaction", NULL, false},
    {"anvil", "PATH", "the anvil binary (default env KMSCTL_ANVIL, else\n"
                      "PATH, else the project's npm install)", NULL, false},
    CLI_FLAGS_END,
};
static const cli_flag *const START_FLAG_SETS[] = {START_FLAGS, NULL};

#define STATE_DIR_HELP                                                                      \
    "\nThe state folder is $KMSCTL_DEVNET_DIR, else $XDG_STATE_HOME/kmsctl/devnet,\n"      \
    "else ~/.local/state/kmsctl/devnet."

static const cli_action ACTIONS[] = {
    {
        .name = "start",
        .summary = "start a local anvil with Safe v1.4.1",
        .run = run_start,
        .args = "",
        .min_args = 0,
        .max_args = 0,
        .flags = START_FLAG_SETS,
        .json = "print {\"url\", \"chain_id\", \"pid\", \"port\",\n"
                "\"block_time\", \"dir\", \"log_file\", \"accounts\":\n"
                "[\"0x...\"], \"safe\": [{\"name\", \"address\", \"ok\"}]}",
        .about = "Starts anvil on 127.0.0.1 in the background, deploys Safe v1.4.1 at its\n"
                 "canonical addresses, records it in the state folder and returns; it runs until\n"
                 "`kmsctl devnet stop`. Prints its URL, chain id, pid, how it mines, the state\n"
                 "folder, the Safe contracts and the dev accounts (addresses only; their keys are\n"
                 "anvil's public test keys, used with --dev-account N). Progress goes to stderr.\n"
                 "Refused when a devnet already runs." STATE_DIR_HELP,
        .example = "$ kmsctl devnet start\n"
                   "kmsctl: starting anvil on 127.0.0.1:8545 ...\n"
                   "kmsctl: anvil (pid 4242) answers at http://127.0.0.1:8545, chain id 31337\n"
                   "kmsctl: Safe v1.4.1 deployed at canonical addresses\n"
                   "devnet running at http://127.0.0.1:8545 (chain id 31337, anvil pid 4242)\n"
                   "mining: a block per transaction\n"
                   "state folder: /home/me/.local/state/kmsctl/devnet\n\n"
                   "Safe v1.4.1 at its canonical addresses:\n"
                   "  Safe                         0x41675C099F32341bf84BFc5382aF534df5C7461a\n"
                   "  ...\n\n"
                   "dev accounts (anvil's public test keys: never use them on a real chain):\n"
                   "   0  0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266\n"
                   "  ...\n\n"
                   "use it:  kmsctl COMMAND --devnet --dev-account N ...\n"
                   "stop it: kmsctl devnet stop",
    },
    {
        .name = "status",
        .summary = "is it running? URL, chain id, block, Safe",
        .run = run_status,
        .args = "",
        .min_args = 0,
        .max_args = 0,
        .flags = NULL,
        .json = "print {\"running\": true, \"dir\", \"url\", \"pid\",\n"
                "\"chain_id\", \"block\", \"timestamp\", \"time\",\n"
                "\"block_time\", \"safe_ok\", \"safe\": [...]}; or\n"
                "{\"running\": false, \"dir\", \"stale_pid\"}",
        .about = "Tells whether the devnet recorded in the state folder runs and, if it does, its\n"
                 "URL, chain id, latest block and its time, and whether the six Safe v1.4.1\n"
                 "contracts hold their canonical code. Exits 0 when it runs, 1 when not."
                 STATE_DIR_HELP,
        .example = "$ kmsctl devnet status\n"
                   "devnet running at http://127.0.0.1:8545 (chain id 31337, anvil pid 4242)\n"
                   "mining: a block per transaction\n"
                   "latest block 6 at 2025-06-01 12:00:06 UTC (1748779206)\n"
                   "Safe v1.4.1: all 6 contracts at their canonical addresses\n"
                   "state folder: /home/me/.local/state/kmsctl/devnet",
    },
    {
        .name = "stop",
        .summary = "stop the devnet (not running is no error)",
        .run = run_stop,
        .args = "",
        .min_args = 0,
        .max_args = 0,
        .flags = NULL,
        .json = "print {\"stopped\", \"killed\", \"pid\" (or null), \"dir\"}",
        .about = "Stops the devnet's anvil (SIGTERM, SIGKILL after 5 s), waits until it is gone\n"
                 "and removes its state and dev-keys file (anvil.log stays). A devnet that is not\n"
                 "running is no error: its stale state, if any, is removed." STATE_DIR_HELP,
        .example = "$ kmsctl devnet stop\n"
                   "kmsctl: stopping anvil (pid 4242) ...\n"
                   "devnet stopped (anvil pid 4242)",
    },
    {
        .name = "time-travel",
        .summary = "move the devnet's clock ahead and mine a block",
        .run = run_time_travel,
        .args = "DURATION",
        .min_args = 1,
        .max_args = 1,
        .flags = NULL,
        .json = "print {\"block\", \"timestamp\", \"time\", \"before\"}",
        .about = "Moves the devnet's clock DURATION ahead (seconds, or 90s, 15m, 1h, 2d, 1w) and\n"
                 "mines a block, so that a timelock delay can pass at once. Prints the new block\n"
                 "and its time.",
        .example = "$ kmsctl devnet time-travel 2d\n"
                   "clock moved 172801 s: block 7 at 2025-06-03 12:00:07 UTC (1748952007)",
    },
    {
        .name = "accounts",
        .summary = "the devnet's dev accounts and their balances",
        .run = run_accounts,
        .args = "",
        .min_args = 0,
        .max_args = 0,
        .flags = NULL,
        .json = "print [{\"index\", \"address\", \"balance_ether\",\n"
                "\"balance_wei\"}]",
        .about = "Lists the devnet's dev accounts with their index (for --dev-account N) and\n"
                 "their balance in ether as the chain has it now. Account 0 paid for the Safe\n"
                 "deployment. Never prints a private key.",
        .example = "$ kmsctl devnet accounts\n"
                   " 0  0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266  9999.98461093625 ether\n"
                   " 1  0x70997970C51812dc3A010C7d01b50e0d17dc79C8  10000 ether\n"
                   "...",
    },
};

const cli_group GROUP_DEVNET = {
    .name = "devnet",
    .summary = "a local anvil devnet with Safe v1.4.1: start, status, stop, time-travel",
    .about = "A local development chain: one anvil on 127.0.0.1 that outlives the command,\n"
             "with Safe v1.4.1 at its canonical addresses and ten funded dev accounts. Other\n"
             "commands use it with --devnet and sign with --dev-account N." STATE_DIR_HELP,
    .actions = ACTIONS,
    .nactions = sizeof ACTIONS / sizeof ACTIONS[0],
};
