/* test_devnet.c: the local devnet (lib/kms/devnet.h) with real anvils, each in a temporary
 * state folder on a free port: what start records, a second start refused, status, Safe v1.4.1
 * at its canonical addresses with the embedded code, time travel, stop leaving no process, a
 * stale state cleaned, an anvil that dies at once. Every devnet is stopped by a teardown, also
 * when an assertion fails. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>
#include <cmocka.h>

#include "anvil.h"
#include "kms/anvil_fork.h"
#include "eth/address.h"
#include "eth/buf.h"
#include "eth/file.h"
#include "eth/hex.h"
#include "eth/json.h"
#include "eth/rpc_eth.h"
#include "kms/artifacts.h"
#include "kms/devnet.h"
#include "kms/safe_canonical.h"
#include "kms/safe_deploy.h"

static char root[64];          /* the temporary folder holding every state folder */
static char anvil_bin[KMS_DEVNET_PATH_MAX];
static char main_dir[128];     /* the devnet most tests share */
static kms_devnet_state main_st;

/* anvil's dev account 0 and its key, from the well-known mnemonic
 * "test test test test test test test test test test test junk" (published with anvil). */
static const char *DEV0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
static const char *DEV0_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/* Safe v1.4.1's canonical addresses as Safe publishes them (safe-global/safe-deployments,
 * src/assets/v1.4.1, the "canonical" entries), written out here independently of lib/kms. */
static const struct {
    const char *name, *address;
} PUBLISHED[KMS_SAFE_NCONTRACTS] = {
    {"Safe", "0x41675C099F32341bf84BFc5382aF534df5C7461a"},
    {"SafeL2", "0x29fcB43b46531BcA003ddC8FCB67FFE91900C762"},
    {"SafeProxyFactory", "0x4e1DCf7AD4e460CfD30791CCC4F9c8a4f820ec67"},
    {"CompatibilityFallbackHandler", "0xfd0732Dc9E303f09fCEf3a7388Ad10A83459Ec99"},
    {"MultiSendCallOnly", "0x9641d764fc13c8B624c04430C7356C1C7C8102e2"},
    {"SimulateTxAccessor", "0x3d4BA2E0884aa488718476ca2FB8Efc291A46199"},
};

/* ---- helpers ---- */

/* Progress lines, collected. */
typedef struct lines {
    char text[4096];
} lines;

static void collect(void *ctx, const char *line)
{
    lines *l = ctx;
    size_t n = strlen(l->text);
    snprintf(l->text + n, sizeof l->text - n, "%s\n", line);
}

static void dir_of(const char *name, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s", root, name);
}

static void path_in(const char *dir, const char *name, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

static bool exists(const char *dir, const char *name)
{
    char p[512];
    path_in(dir, name, p, sizeof p);
    return access(p, F_OK) == 0;
}

static unsigned mode_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (unsigned)(st.st_mode & 0777) : 0xffff;
}

/* Stops whatever devnet dir records; if that fails, kills the recorded pid outright. */
static void stop_dir(const char *dir)
{
    kms_devnet_state st;
    bool found = false;
    eth_error e = {0};
    if (kms_devnet_load(dir, &st, &found, &e) != 0 || !found)
        return;
    kms_devnet_stopped s;
    if (kms_devnet_stop(dir, NULL, &s, &e) != 0 && st.pid > 0) {
        kill(st.pid, SIGKILL);
        waitpid(st.pid, NULL, 0);
    }
}

static void rm_tree(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        for (struct dirent *e; (e = readdir(d)) != NULL;) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char sub[512];
            path_in(path, e->d_name, sub, sizeof sub);
            rm_tree(sub);
        }
        closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static int start_in(const char *dir, unsigned port, lines *progress, kms_devnet_state *st,
                    eth_error *e)
{
    kms_devnet_opts o = {.anvil = anvil_bin, .port = port};
    if (progress) {
        o.progress.fn = collect;
        o.progress.ctx = progress;
    }
    return kms_devnet_start(dir, &o, st, e);
}

static eth_rpc *open_url(const char *url)
{
    eth_rpc *rpc = NULL;
    eth_error e = {0};
    assert_int_equal(eth_rpc_open(url, NULL, &rpc, &e), 0);
    return rpc;
}

static void parse_addr(const char *s, uint8_t out[20])
{
    eth_error e;
    assert_int_equal(eth_address_parse(s, out, 1, &e), 0);
}

/* ---- group setup: one shared devnet ---- */

static int group_setup(void **state)
{
    (void)state;
    strcpy(root, "/tmp/kmsctl-test-devnet-XXXXXX");
    if (!mkdtemp(root))
        return -1;
    eth_error e = {0};
    if (kms_devnet_find_anvil(NULL, anvil_bin, sizeof anvil_bin, &e) != 0) {
        fprintf(stderr, "test: %s\n", e.msg);
        return -1;
    }
    dir_of("main", main_dir, sizeof main_dir);
    if (start_in(main_dir, 0, NULL, &main_st, &e) != 0) {
        fprintf(stderr, "test: devnet start: %s\n", e.msg);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    stop_dir(main_dir);
    DIR *d = opendir(root);
    for (struct dirent *ent; d && (ent = readdir(d)) != NULL;) {
        char dir[512];
        path_in(root, ent->d_name, dir, sizeof dir);
        if (ent->d_name[0] != '.')
            stop_dir(dir);
    }
    if (d)
        closedir(d);
    rm_tree(root);
    return 0;
}

/* Per-test teardown for tests that start their own devnet in root/own. */
static int own_teardown(void **state)
{
    (void)state;
    char dir[128];
    dir_of("own", dir, sizeof dir);
    stop_dir(dir);
    rm_tree(dir);
    return 0;
}

/* ---- tests on the shared devnet ---- */

/* state.json and the returned state say what runs: pid, port, url, chain id, start time, the
 * ten dev accounts, and where anvil wrote the dev keys (mode 0600, the well-known keys). */
static void test_start_records_state(void **state)
{
    (void)state;
    assert_true(main_st.pid > 0);
    assert_true(main_st.port > 0);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", main_st.port);
    assert_string_equal(main_st.url, url);
    assert_int_equal(main_st.chain_id, 31337);
    assert_true(main_st.started_at > 1700000000);
    assert_int_equal(main_st.naccounts, 10);
    uint8_t dev0[20];
    parse_addr(DEV0, dev0);
    assert_memory_equal(main_st.accounts[0], dev0, 20);
    assert_true(kms_devnet_alive(&main_st));

    char path[512];
    path_in(main_dir, "state.json", path, sizeof path);
    assert_int_equal(mode_of(path), 0600);
    assert_int_equal(mode_of(main_dir), 0700);
    eth_buf b = {0};
    eth_error e = {0};
    json_t *doc = NULL;
    assert_int_equal(eth_file_read(path, 1 << 20, &b, NULL, &e), 0);
    assert_int_equal(eth_json_parse_object((const char *)b.data, b.len, &doc, &e), 0);
    eth_buf_clear(&b);
    assert_int_equal(json_integer_value(json_object_get(doc, "pid")), main_st.pid);
    assert_int_equal(json_integer_value(json_object_get(doc, "port")), main_st.port);
    assert_string_equal(json_string_value(json_object_get(doc, "url")), url);
    assert_int_equal(json_integer_value(json_object_get(doc, "chainId")), 31337);
    assert_int_equal(json_integer_value(json_object_get(doc, "startedAt")), main_st.started_at);
    json_t *accounts = json_object_get(doc, "accounts");
    assert_int_equal(json_array_size(accounts), 10);
    assert_string_equal(json_string_value(json_array_get(accounts, 0)), DEV0);
    char keys[512];
    path_in(main_dir, "dev-keys.json", keys, sizeof keys);
    assert_string_equal(json_string_value(json_object_get(doc, "keysFile")), keys);
    assert_string_equal(main_st.keys_file, keys);
    json_decref(doc);

    /* the dev-keys file: what anvil writes with --config-out, private to the user */
    assert_int_equal(mode_of(keys), 0600);
    assert_int_equal(eth_file_read(keys, 1 << 20, &b, NULL, &e), 0);
    assert_int_equal(eth_json_parse_object((const char *)b.data, b.len, &doc, &e), 0);
    eth_buf_clear(&b);
    assert_string_equal(json_string_value(json_array_get(json_object_get(doc, "private_keys"), 0)),
                        DEV0_KEY);
    assert_int_equal(json_array_size(json_object_get(doc, "available_accounts")), 10);
    json_decref(doc);

    /* and what load reads back is what start returned */
    kms_devnet_state st;
    bool found = false;
    assert_int_equal(kms_devnet_load(main_dir, &st, &found, &e), 0);
    assert_true(found);
    assert_memory_equal(&st, &main_st, sizeof st);
}

/* A second start in the same folder is refused while the first runs, and changes nothing. */
static void test_second_start_refused(void **state)
{
    (void)state;
    kms_devnet_state st;
    eth_error e = {0};
    assert_int_equal(start_in(main_dir, 0, NULL, &st, &e), -ETH_ESTATE);
    assert_int_equal(e.code, ETH_ESTATE);
    char want[160];
    snprintf(want, sizeof want, "a devnet already runs here (pid %d, %s): stop it first "
             "(devnet stop)", main_st.pid, main_st.url);
    assert_string_equal(e.msg, want);
    assert_true(kms_devnet_alive(&main_st));
    kms_devnet_state now;
    bool found = false;
    assert_int_equal(kms_devnet_load(main_dir, &now, &found, &e), 0);
    assert_true(found);
    assert_int_equal(now.pid, main_st.pid);
}

static void test_status(void **state)
{
    (void)state;
    kms_devnet_info info;
    eth_error e = {0};
    assert_int_equal(kms_devnet_status(main_dir, &info, &e), 0);
    assert_true(info.recorded);
    assert_true(info.alive);
    assert_int_equal(info.chain_id, 31337);
    assert_int_equal(info.state.pid, main_st.pid);
    assert_true(info.block_number >= KMS_SAFE_NCONTRACTS); /* one block per Safe creation */
    assert_int_equal(info.safe.nmatch, KMS_SAFE_NCONTRACTS);

    /* a folder without a devnet: not running, no error */
    char none[128];
    dir_of("never-started", none, sizeof none);
    assert_int_equal(kms_devnet_status(none, &info, &e), 0);
    assert_false(info.recorded);
    assert_false(info.alive);
    eth_rpc *rpc = NULL;
    kms_devnet_state st;
    assert_int_equal(kms_devnet_connect(none, &st, &rpc, &e), -ETH_ESTATE);
    assert_null(rpc);
}

/* CREATE2 through the factory with the zero salt gives the published addresses, and the
 * devnet holds at each exactly the embedded runtime code (SimulateTxAccessor's immutable
 * address(this) filled in). */
static void test_safe_at_canonical_addresses(void **state)
{
    (void)state;
    eth_rpc *rpc = open_url(main_st.url);
    eth_error e = {0};
    for (size_t i = 0; i < KMS_SAFE_NCONTRACTS; i++) {
        const kms_safe_contract *c = kms_safe_contract_at(i);
        assert_string_equal(c->name, PUBLISHED[i].name);
        assert_string_equal(c->address, PUBLISHED[i].address);
        uint8_t want[20], got[20];
        parse_addr(PUBLISHED[i].address, want);
        assert_int_equal(kms_safe_create2_of(c, got, &e), 0);
        assert_memory_equal(got, want, 20);

        const kms_artifact *a = kms_artifact_find(c->name);
        assert_non_null(a);
        eth_buf code = {0};
        assert_int_equal(eth_rpc_get_code(rpc, want, "latest", &code, &e), 0);
        assert_int_equal(code.len, a->runtime_len);
        if (c->self_immutable_at == 0) {
            assert_memory_equal(code.data, a->runtime, a->runtime_len);
        } else {
            size_t at = c->self_immutable_at;
            assert_memory_equal(code.data, a->runtime, at);
            assert_memory_equal(code.data + at, "\0\0\0\0\0\0\0\0\0\0\0\0", 12);
            assert_memory_equal(code.data + at + 12, want, 20);
            assert_memory_equal(code.data + at + 32, a->runtime + at + 32,
                                a->runtime_len - at - 32);
        }
        eth_buf_clear(&code);
    }
    assert_null(kms_safe_contract_at(KMS_SAFE_NCONTRACTS));

    /* the factory holds the deterministic deployment proxy's code */
    eth_buf f = {0}, p = {0};
    assert_int_equal(eth_rpc_get_code(rpc, KMS_SAFE_FACTORY, "latest", &f, &e), 0);
    assert_int_equal(eth_rpc_get_code(rpc, KMS_CREATE2_PROXY, "latest", &p, &e), 0);
    assert_true(f.len > 0);
    assert_int_equal(f.len, p.len);
    assert_memory_equal(f.data, p.data, p.len);
    eth_buf_clear(&f);
    eth_buf_clear(&p);

    /* deploying again sends nothing */
    uint64_t before = 0, after = 0;
    kms_safe_check check;
    uint8_t dev0[20];
    parse_addr(DEV0, dev0);
    assert_int_equal(eth_rpc_block_number(rpc, &before, &e), 0);
    assert_int_equal(kms_safe_deploy_devnet(rpc, dev0, 10000, NULL, &check, &e), 0);
    assert_int_equal(eth_rpc_block_number(rpc, &after, &e), 0);
    assert_int_equal(after, before);
    assert_int_equal(check.nmatch, KMS_SAFE_NCONTRACTS);
    eth_rpc_free(rpc);
}

/* The check works on any chain: a plain anvil has none of the six. */
static void test_safe_check_plain_chain(void **state)
{
    (void)state;
    test_anvil plain;
    setenv("KMSCTL_ANVIL", anvil_bin, 0); /* the helper's way to the binary found above */
    assert_int_equal(test_anvil_start(&plain, NULL), 0);
    eth_rpc *rpc = open_url(plain.url);
    kms_safe_check check;
    eth_error e = {0};
    int rc = kms_safe_canonical_check(rpc, "latest", &check, &e);
    eth_rpc_free(rpc);
    test_anvil_stop(&plain);
    assert_int_equal(rc, 0);
    assert_int_equal(check.nmatch, 0);
    for (size_t i = 0; i < KMS_SAFE_NCONTRACTS; i++)
        assert_false(check.has_code[i] || check.matches[i]);
}

/* CREATE2 on EIP-1014's example 4 (deployer 0x00..00, salt 0, init code 0xdeadbeef; cast
 * create2 gives the same). */
/* The simulation fork reads its URL from a foundry.toml it writes: a URL holding '"' and '\'
 * (escaped in the TOML string) still reaches the node, and one with a control character is
 * refused before anything is written. */
static void test_fork_url_escaped(void **state)
{
    (void)state;
    test_anvil plain;
    setenv("KMSCTL_ANVIL", anvil_bin, 0);
    assert_int_equal(test_anvil_start(&plain, NULL), 0);
    char url[160];
    snprintf(url, sizeof url, "%s/?key=a\"b\\c", plain.url);
    kms_fork f;
    eth_error e = {0};
    int rc = kms_fork_start(anvil_bin, url, 30000, &f, &e);
    uint64_t id = 0;
    if (rc == 0) {
        eth_rpc *rpc = open_url(f.url);
        rc = eth_rpc_chain_id(rpc, &id, &e);
        eth_rpc_free(rpc);
        kms_fork_stop(&f);
    }
    snprintf(url, sizeof url, "%s/?key=a\nb", plain.url);
    int bad = kms_fork_start(anvil_bin, url, 30000, &f, &e);
    test_anvil_stop(&plain);
    assert_int_equal(rc, 0);
    assert_int_equal(id, 31337);
    assert_int_equal(bad, -ETH_EINVAL);
    assert_string_equal(e.msg, "the RPC URL holds a control character");
}

static void test_create2_vector(void **state)
{
    (void)state;
    static const uint8_t zero20[20], zero32[32], code[] = {0xde, 0xad, 0xbe, 0xef};
    uint8_t got[20], want[20];
    kms_create2_address(zero20, zero32, code, sizeof code, got);
    parse_addr("0x70f2b2914A2a4b783FaEFb75f459A580616Fcb5e", want);
    assert_memory_equal(got, want, 20);
}

/* Time travel moves the latest block's timestamp by the amount (plus at most the wall-clock
 * second or two that pass during the call) and mines one block. */
static void test_time_travel(void **state)
{
    (void)state;
    eth_rpc *rpc = NULL;
    kms_devnet_state st;
    eth_error e = {0};
    assert_int_equal(kms_devnet_connect(main_dir, &st, &rpc, &e), 0);
    uint64_t n0 = 0;
    assert_int_equal(eth_rpc_block_number(rpc, &n0, &e), 0);
    kms_devnet_travel t;
    assert_int_equal(kms_devnet_time_travel(rpc, 3600, &t, &e), 0);
    assert_int_equal(t.block_number, n0 + 1);
    assert_true(t.timestamp >= t.before + 3600);
    assert_true(t.timestamp <= t.before + 3602);
    uint64_t first = t.timestamp;
    assert_int_equal(kms_devnet_time_travel(rpc, 2 * 86400, &t, &e), 0);
    assert_int_equal(t.before, first);
    assert_true(t.timestamp >= first + 2 * 86400 && t.timestamp <= first + 2 * 86400 + 2);
    eth_block b;
    bool found = false;
    assert_int_equal(eth_rpc_get_block(rpc, "latest", &b, &found, &e), 0);
    assert_int_equal(b.timestamp, t.timestamp);
    assert_int_equal(kms_devnet_time_travel(rpc, KMS_DEVNET_MAX_TRAVEL + 1ull, &t, &e),
                     -ETH_ERANGE);
    assert_int_equal(e.code, ETH_ERANGE);
    eth_rpc_free(rpc);
}

/* ---- tests with their own devnet ---- */

/* Stop sends SIGTERM, waits until the process is gone (kill(pid, 0) then fails with ESRCH),
 * and removes state.json and dev-keys.json; a second stop finds nothing. */
static void test_stop_leaves_nothing(void **state)
{
    (void)state;
    char dir[128];
    dir_of("own", dir, sizeof dir);
    kms_devnet_state st;
    eth_error e = {0};
    lines progress = {{0}};
    assert_int_equal(start_in(dir, 0, &progress, &st, &e), 0);
    char want[128];
    snprintf(want, sizeof want, "starting anvil on 127.0.0.1:%u ...\n", st.port);
    assert_non_null(strstr(progress.text, want));
    assert_non_null(strstr(progress.text, "Safe v1.4.1 deployed at canonical addresses\n"));

    kms_devnet_stopped s;
    assert_int_equal(kms_devnet_stop(dir, NULL, &s, &e), 0);
    assert_true(s.recorded);
    assert_true(s.was_alive);
    assert_false(s.killed);
    assert_int_equal(s.pid, st.pid);
    errno = 0;
    assert_int_equal(kill(st.pid, 0), -1);
    assert_int_equal(errno, ESRCH);
    assert_false(exists(dir, "state.json"));
    assert_false(exists(dir, "dev-keys.json"));
    assert_true(exists(dir, "anvil.log"));
    assert_int_equal(kms_devnet_stop(dir, NULL, &s, &e), 0);
    assert_false(s.recorded);
}

/* A state whose anvil died is stale: status says not alive, start removes it and starts a new
 * one, and stop of a stale state only removes it. */
static void test_stale_state_cleaned(void **state)
{
    (void)state;
    char dir[128];
    dir_of("own", dir, sizeof dir);
    kms_devnet_state st, st2;
    eth_error e = {0};
    assert_int_equal(start_in(dir, 0, NULL, &st, &e), 0);
    assert_int_equal(kill(st.pid, SIGKILL), 0);
    assert_int_equal(waitpid(st.pid, NULL, 0), st.pid);

    kms_devnet_info info;
    assert_int_equal(kms_devnet_status(dir, &info, &e), 0);
    assert_true(info.recorded);
    assert_false(info.alive);

    lines progress = {{0}};
    assert_int_equal(start_in(dir, 0, &progress, &st2, &e), 0);
    char want[96];
    snprintf(want, sizeof want, "removing the stale state of pid %d (not running)\n", st.pid);
    assert_non_null(strstr(progress.text, want));
    assert_true(kms_devnet_alive(&st2));
    assert_int_not_equal(st2.pid, st.pid);

    /* a recorded pid that now belongs to another process is not signalled */
    kms_devnet_state fake = st2;
    fake.pid = getpid();
    assert_false(kms_devnet_alive(&fake));
}

/* An anvil that exits at once: start fails with its exit status and the end of its log, and
 * leaves neither a process nor a state behind. */
static void test_anvil_dies(void **state)
{
    (void)state;
    char dir[128], fake[256];
    dir_of("own", dir, sizeof dir);
    mkdir(dir, 0700);
    path_in(dir, "fake-anvil", fake, sizeof fake);
    const char *script = "#!/bin/sh\necho 'starting'\necho 'Error: boom' >&2\nexit 3\n";
    int fd = open(fake, O_WRONLY | O_CREAT | O_TRUNC, 0700);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, script, strlen(script)), (ssize_t)strlen(script));
    close(fd);
    kms_devnet_opts o = {.anvil = fake};
    kms_devnet_state st;
    eth_error e = {0};
    assert_int_equal(kms_devnet_start(dir, &o, &st, &e), -ETH_ESTATE);
    char want[1024];
    char log[256];
    path_in(dir, "anvil.log", log, sizeof log);
    snprintf(want, sizeof want,
             "anvil exited with status 3 before it answered; its log (%s) ends: "
             "\"starting\" / \"Error: boom\"", log);
    assert_string_equal(e.msg, want);
    assert_false(exists(dir, "state.json"));
    assert_false(exists(dir, "dev-keys.json"));
}

/* A port that is taken fails the start, or with port_fallback gives a free one. */
static void test_port_taken(void **state)
{
    (void)state;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(fd, 1), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    unsigned port = ntohs(sa.sin_port);
    char dir[128];
    dir_of("own", dir, sizeof dir);
    kms_devnet_state st;
    eth_error e = {0};
    int rc = start_in(dir, port, NULL, &st, &e);
    kms_devnet_opts o = {.anvil = anvil_bin, .port = port, .port_fallback = true};
    int rc2 = rc == -ETH_EIO ? kms_devnet_start(dir, &o, &st, &e) : rc;
    close(fd);
    assert_int_equal(rc, -ETH_EIO);
    assert_int_equal(rc2, 0);
    assert_int_not_equal(st.port, port);
    assert_true(kms_devnet_alive(&st));
}

static void test_find_anvil(void **state)
{
    (void)state;
    char out[KMS_DEVNET_PATH_MAX];
    eth_error e = {0};
    assert_int_equal(kms_devnet_find_anvil("/etc/passwd", out, sizeof out, &e), -ETH_EIO);
    assert_string_equal(e.msg, "--anvil /etc/passwd: not an executable file");
    assert_int_equal(kms_devnet_find_anvil(anvil_bin, out, sizeof out, &e), 0);
    assert_string_equal(out, anvil_bin);
    char *was = getenv("KMSCTL_ANVIL") ? strdup(getenv("KMSCTL_ANVIL")) : NULL;
    setenv("KMSCTL_ANVIL", "/nonexistent/anvil", 1);
    int rc = kms_devnet_find_anvil(NULL, out, sizeof out, &e);
    if (was)
        setenv("KMSCTL_ANVIL", was, 1);
    else
        unsetenv("KMSCTL_ANVIL");
    free(was);
    assert_int_equal(rc, -ETH_EIO);
    assert_string_equal(e.msg, "KMSCTL_ANVIL=/nonexistent/anvil: not an executable file");
    assert_int_equal(kms_devnet_find_anvil(anvil_bin, out, 8, &e), -ETH_ERANGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_start_records_state),
        cmocka_unit_test(test_fork_url_escaped),
        cmocka_unit_test(test_second_start_refused),
        cmocka_unit_test(test_status),
        cmocka_unit_test(test_safe_at_canonical_addresses),
        cmocka_unit_test(test_safe_check_plain_chain),
        cmocka_unit_test(test_create2_vector),
        cmocka_unit_test(test_time_travel),
        cmocka_unit_test_teardown(test_stop_leaves_nothing, own_teardown),
        cmocka_unit_test_teardown(test_stale_state_cleaned, own_teardown),
        cmocka_unit_test_teardown(test_anvil_dies, own_teardown),
        cmocka_unit_test_teardown(test_port_taken, own_teardown),
        cmocka_unit_test(test_find_anvil),
    };
    return cmocka_run_group_tests_name("devnet", tests, group_setup, group_teardown);
}
