/* test_keysource.c: every key source resolved into a signer (keystore by path and by account,
 * password file and hook, key file, anvil dev account, argv, env PRIVATE_KEY), the usage
 * errors, FIFOs refused without hanging, and what is wiped: the argv text, and PRIVATE_KEY in
 * environ and in /proc/self/environ (checked in a child that gets it at exec). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "eth/address.h"
#include "eth/keysource.h"
#include "eth/keystore.h"

/* The Web3 Secret Storage spec key (public test key) and anvil's dev accounts 0 and 1. */
static const char SPEC_KEY[] = "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";
static const char SPEC_ADDR[] = "0x008AeEda4D805471dF9b2A5B0f38A0C3bCBA786b";
static const char ANVIL_KEY0[] = "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
static const char ANVIL_ADDR0[] = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
static const char ANVIL_ADDR1[] = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
static const char PW[] = "testpassword";

static const char ARGV_WARNING[] =
    "--private-key puts the key in the command line, where other users can read it (ps, "
    "/proc/PID/cmdline); use --keystore or --private-key-file";
static const char ENV_WARNING[] =
    "env PRIVATE_KEY is visible to this user's processes and inherited by child processes; use "
    "--keystore or --private-key-file";

/* Paths of the files the group setup makes in a fresh directory under the working dir. */
static struct {
    char dir[64];
    char keystore[128];   /* the spec key under PW, scrypt n = 1024 */
    char accounts[128];   /* a keystore dir holding "alice", the same keystore */
    char password[128];   /* PW and trailing whitespace */
    char key_file[128];   /* anvil key 0, mode 0600 */
    char open_key[128];   /* anvil key 0, mode 0644 */
    char bad_key[128];    /* not a key */
    char fifo[128];
    char dev_keys[512];   /* tests/data/anvil/config-out.json */
    char dev_swapped[128]; /* the same with available_accounts 0 and 1 swapped */
} F;

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, mode), 0);
}

/* Writes the spec key's keystore (cheap scrypt) to path. */
static void write_keystore(const char *path)
{
    eth_signer *s = NULL;
    eth_error e = {0};
    eth_keystore_params p;
    eth_keystore_params_default(&p);
    p.scrypt_n = 1024;
    assert_int_equal(eth_signer_from_hex(SPEC_KEY, 64, "key", &s, &e), 0);
    assert_int_equal(eth_keystore_write_file(path, s, PW, strlen(PW), &p, &e), 0);
    eth_signer_free(s);
}

/* Copies the dev-keys fixture with available_accounts 0 and 1 swapped to path. */
static void write_swapped_dev_keys(const char *path)
{
    json_t *root = json_load_file(F.dev_keys, 0, NULL);
    assert_non_null(root);
    json_t *accounts = json_object_get(root, "available_accounts");
    json_t *a0 = json_incref(json_array_get(accounts, 0));
    assert_int_equal(json_array_set(accounts, 0, json_array_get(accounts, 1)), 0);
    assert_int_equal(json_array_set_new(accounts, 1, a0), 0);
    assert_int_equal(json_dump_file(root, path, 0), 0);
    json_decref(root);
}

static int setup(void **state)
{
    (void)state;
    snprintf(F.dir, sizeof F.dir, "kmsctl-test-keysource-XXXXXX");
    if (!mkdtemp(F.dir))
        return -1;
    snprintf(F.keystore, sizeof F.keystore, "%s/ks.json", F.dir);
    snprintf(F.accounts, sizeof F.accounts, "%s/keystores", F.dir);
    snprintf(F.password, sizeof F.password, "%s/password", F.dir);
    snprintf(F.key_file, sizeof F.key_file, "%s/key", F.dir);
    snprintf(F.open_key, sizeof F.open_key, "%s/open-key", F.dir);
    snprintf(F.bad_key, sizeof F.bad_key, "%s/bad-key", F.dir);
    snprintf(F.fifo, sizeof F.fifo, "%s/fifo", F.dir);
    snprintf(F.dev_swapped, sizeof F.dev_swapped, "%s/dev-swapped.json", F.dir);
    const char *data = getenv("KMSCTL_TEST_DATA");
    if (!data)
        return -1;
    snprintf(F.dev_keys, sizeof F.dev_keys, "%s/anvil/config-out.json", data);
    char alice[160];
    snprintf(alice, sizeof alice, "%s/alice", F.accounts);
    write_keystore(F.keystore);
    if (mkdir(F.accounts, 0700) != 0)
        return -1;
    write_keystore(alice);
    write_file(F.password, "testpassword \t\r\n", 0600);
    write_file(F.key_file, "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80\n",
               0600);
    write_file(F.open_key, ANVIL_KEY0, 0644);
    write_file(F.bad_key, "0x1234\n", 0600);
    write_swapped_dev_keys(F.dev_swapped);
    return mkfifo(F.fifo, 0600);
}

static int teardown(void **state)
{
    (void)state;
    const char *files[] = {F.keystore, F.password, F.key_file, F.open_key,
                           F.bad_key,  F.fifo,     F.dev_swapped};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        unlink(files[i]);
    char alice[160];
    snprintf(alice, sizeof alice, "%s/alice", F.accounts);
    unlink(alice);
    rmdir(F.accounts);
    return rmdir(F.dir);
}

/* What the hooks saw, and how the password hook answers. */
typedef struct hook_log {
    int warnings;
    char warning[512];
    int asked;
    char asked_path[256];
    const char *answer; /* NULL: fail with ETH_EIO "prompt interrupted" */
} hook_log;

static int ask(void *ctx, const char *path, eth_password *pw, eth_error *err)
{
    hook_log *log = ctx;
    log->asked++;
    snprintf(log->asked_path, sizeof log->asked_path, "%s", path);
    if (!log->answer)
        return eth_fail(err, ETH_EIO, "prompt interrupted");
    pw->len = strlen(log->answer);
    memcpy(pw->buf, log->answer, pw->len + 1);
    return 0;
}

static void warn(void *ctx, const char *msg)
{
    hook_log *log = ctx;
    log->warnings++;
    snprintf(log->warning, sizeof log->warning, "%s", msg);
}

/* Resolves ks with hooks logging into log; returns the code, *out the signer or NULL. */
static int resolve(const eth_keysource *ks, hook_log *log, eth_signer **out,
                   eth_key_origin *origin, eth_error *e)
{
    const eth_keysource_hooks hooks = {ask, warn, log};
    return eth_keysource_resolve(ks, &hooks, out, origin, e);
}

/* Resolves ks, which must succeed from origin with the key of address want. */
static void expect_key(const eth_keysource *ks, hook_log *log, eth_key_origin origin,
                       const char *want)
{
    eth_signer *s = NULL;
    eth_key_origin got = ETH_KEY_NONE;
    eth_error e = {0};
    int rc = resolve(ks, log, &s, &got, &e);
    if (rc)
        fail_msg("resolve: %d %s", rc, e.msg);
    char cs[43];
    eth_address_checksum(eth_signer_address(s), cs);
    assert_string_equal(cs, want);
    assert_int_equal(got, origin);
    eth_signer_free(s);
}

/* Resolves ks, which must fail with code and exactly msg, giving no signer. */
static void expect_fail(const eth_keysource *ks, hook_log *log, int code, const char *msg)
{
    eth_signer *s = (eth_signer *)&s;
    eth_key_origin origin = ETH_KEY_FILE;
    eth_error e = {0};
    assert_int_equal(resolve(ks, log, &s, &origin, &e), -code);
    assert_null(s);
    assert_int_equal(origin, ETH_KEY_NONE);
    assert_string_equal(e.msg, msg);
}

static eth_keysource no_env(void)
{
    eth_keysource ks = eth_keysource_none();
    ks.use_env = false;
    return ks;
}

static void test_keystore_password_file(void **state)
{
    (void)state;
    hook_log log = {.answer = "wrong"};
    eth_keysource ks = no_env();
    ks.keystore = F.keystore;
    ks.password_file = F.password; /* "testpassword \t\r\n": trailing whitespace trimmed */
    expect_key(&ks, &log, ETH_KEY_KEYSTORE, SPEC_ADDR);
    assert_int_equal(log.asked, 0);
    assert_int_equal(log.warnings, 0);
}

static void test_keystore_password_hook(void **state)
{
    (void)state;
    hook_log log = {.answer = PW};
    eth_keysource ks = no_env();
    ks.keystore = F.keystore;
    expect_key(&ks, &log, ETH_KEY_KEYSTORE, SPEC_ADDR);
    assert_int_equal(log.asked, 1);
    assert_string_equal(log.asked_path, F.keystore);
}

static void test_keystore_wrong_password(void **state)
{
    (void)state;
    hook_log log = {.answer = "testpassworD"};
    eth_keysource ks = no_env();
    ks.keystore = F.keystore;
    char msg[256];
    snprintf(msg, sizeof msg, "keystore %s: wrong password (MAC mismatch)", F.keystore);
    expect_fail(&ks, &log, ETH_ECRYPTO, msg);
    log.answer = NULL; /* the hook fails: its code and message come through */
    expect_fail(&ks, &log, ETH_EIO, "prompt interrupted");
    assert_int_equal(log.asked, 2);
}

static void test_keystore_without_hooks(void **state)
{
    (void)state;
    eth_keysource ks = no_env();
    ks.keystore = F.keystore;
    eth_signer *s = NULL;
    eth_error e = {0};
    char msg[256];
    snprintf(msg, sizeof msg, "keystore %s needs a password: give --password-file FILE",
             F.keystore);
    assert_int_equal(eth_keysource_resolve(&ks, NULL, &s, NULL, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, msg);
    ks.password_file = F.password;
    assert_int_equal(eth_keysource_resolve(&ks, NULL, &s, NULL, &e), 0);
    assert_non_null(s);
    eth_signer_free(s);
}

static void test_account(void **state)
{
    (void)state;
    hook_log log = {.answer = PW};
    eth_keysource ks = no_env();
    ks.account = "alice";
    ks.keystore_dir = F.accounts;
    expect_key(&ks, &log, ETH_KEY_KEYSTORE, SPEC_ADDR);
    ks.account = "bob";
    char msg[256];
    snprintf(msg, sizeof msg,
             "--account bob: keystore %s/bob: cannot open: No such file or directory", F.accounts);
    expect_fail(&ks, &log, ETH_EIO, msg);
    ks.account = "../ks.json";
    expect_fail(&ks, &log, ETH_EINVAL,
                "--account '../ks.json': contains '/', but must be a file name in the keystore "
                "dir (give a path with --keystore FILE)");
    assert_int_equal(log.asked, 1);

    /* the default dir: ~/.foundry/keystores */
    char *home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    char fake_home[128], dir[256];
    snprintf(fake_home, sizeof fake_home, "%s/home", F.dir);
    snprintf(dir, sizeof dir, "%s/.foundry", fake_home);
    assert_int_equal(mkdir(fake_home, 0700), 0);
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(setenv("HOME", fake_home, 1), 0);
    ks.keystore_dir = NULL;
    snprintf(dir, sizeof dir, "%s/.foundry/keystores", fake_home);
    assert_int_equal(symlink("../../keystores", dir), 0); /* -> F.accounts */
    ks.account = "alice";
    expect_key(&ks, &log, ETH_KEY_KEYSTORE, SPEC_ADDR);
    unlink(dir);
    snprintf(dir, sizeof dir, "%s/.foundry", fake_home);
    rmdir(dir);
    rmdir(fake_home);
    if (home)
        setenv("HOME", home, 1);
    else
        unsetenv("HOME");
    free(home);
}

static void test_keystore_dir(void **state)
{
    (void)state;
    char out[64], *home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    eth_error e = {0};
    assert_int_equal(eth_keystore_dir("/k", out, sizeof out, &e), 0);
    assert_string_equal(out, "/k");
    assert_int_equal(setenv("HOME", "/h", 1), 0);
    assert_int_equal(eth_keystore_dir(NULL, out, sizeof out, &e), 0);
    assert_string_equal(out, "/h/.foundry/keystores");
    assert_int_equal(eth_keystore_dir(NULL, out, 10, &e), -ETH_ERANGE);
    assert_string_equal(e.msg, "the keystore dir is longer than 9 bytes");
    assert_int_equal(unsetenv("HOME"), 0);
    assert_int_equal(eth_keystore_dir(NULL, out, sizeof out, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "no keystore dir: HOME is not set; give the keystore dir, or the "
                               "keystore's path with --keystore FILE");
    assert_int_equal(eth_keystore_dir("", out, sizeof out, &e), -ETH_EINVAL);
    if (home)
        setenv("HOME", home, 1);
    free(home);
}

static void expect_bad_name(const char *name, const char *msg)
{
    eth_error e = {0};
    assert_int_equal(eth_keystore_check_name(name, "--account", &e), -ETH_EINVAL);
    assert_string_equal(e.msg, msg);
}

static void test_check_name(void **state)
{
    (void)state;
    eth_error e = {0};
    assert_int_equal(eth_keystore_check_name("alice.json", "--account", &e), 0);
    assert_int_equal(eth_keystore_check_name("..alice", "--account", &e), 0);
    expect_bad_name("", "--account is empty: give a keystore file name");
    expect_bad_name(NULL, "--account is empty: give a keystore file name");
    expect_bad_name("a/b", "--account 'a/b': contains '/', but must be a file name in the "
                           "keystore dir (give a path with --keystore FILE)");
    expect_bad_name(".", "--account '.': names a directory, not a keystore file");
    expect_bad_name("..", "--account '..': names a directory, not a keystore file");
    expect_bad_name("a\nb", "--account 'a\\nb': contains a control character, which no keystore "
                            "name may hold");
    expect_bad_name("a\x7f", "--account 'a\\x7f': contains a control character, which no "
                             "keystore name may hold");
    char longname[300];
    memset(longname, 'x', 256);
    longname[256] = '\0';
    assert_int_equal(eth_keystore_check_name(longname, "--account", &e), -ETH_EINVAL);
    assert_non_null(strstr(e.msg, "longer than 255 bytes"));
    longname[255] = '\0';
    assert_int_equal(eth_keystore_check_name(longname, "--account", &e), 0);
}

static void test_key_file(void **state)
{
    (void)state;
    hook_log log = {0};
    eth_keysource ks = no_env();
    ks.private_key_file = F.key_file;
    expect_key(&ks, &log, ETH_KEY_FILE, ANVIL_ADDR0);
    assert_int_equal(log.warnings, 0);
    ks.private_key_file = F.open_key;
    expect_key(&ks, &log, ETH_KEY_FILE, ANVIL_ADDR0);
    assert_int_equal(log.warnings, 1);
    char msg[256];
    snprintf(msg, sizeof msg,
             "--private-key-file %s can be read or written by group or others (mode 0644); "
             "chmod 600 it",
             F.open_key);
    assert_string_equal(log.warning, msg);
    ks.private_key_file = F.bad_key;
    snprintf(msg, sizeof msg,
             "--private-key-file %s: expected a private key of 64 hex digits (optional 0x), got "
             "4 characters",
             F.bad_key);
    expect_fail(&ks, &log, ETH_EINVAL, msg);
    /* without hooks the warning is dropped, the key still read */
    eth_signer *s = NULL;
    eth_error e = {0};
    ks.private_key_file = F.open_key;
    assert_int_equal(eth_keysource_resolve(&ks, NULL, &s, NULL, &e), 0);
    eth_signer_free(s);
}

static void test_dev_account(void **state)
{
    (void)state;
    hook_log log = {0};
    eth_keysource ks = no_env();
    ks.dev_keys_file = F.dev_keys;
    ks.dev_account = 0;
    expect_key(&ks, &log, ETH_KEY_DEV_ACCOUNT, ANVIL_ADDR0);
    ks.dev_account = 1;
    expect_key(&ks, &log, ETH_KEY_DEV_ACCOUNT, ANVIL_ADDR1);
    ks.dev_account = 9;
    expect_key(&ks, &log, ETH_KEY_DEV_ACCOUNT, "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720");
    char msg[700];
    ks.dev_account = 10;
    snprintf(msg, sizeof msg,
             "--dev-account 10: dev-keys file %s: it has 10 dev keys (accounts 0..9)", F.dev_keys);
    expect_fail(&ks, &log, ETH_ERANGE, msg);
    ks.dev_keys_file = F.dev_swapped;
    ks.dev_account = 0;
    snprintf(msg, sizeof msg,
             "--dev-account 0: dev-keys file %s: private_keys[0] is the key of %s, but "
             "available_accounts[0] is %s",
             F.dev_swapped, ANVIL_ADDR0, ANVIL_ADDR1);
    expect_fail(&ks, &log, ETH_EINVAL, msg);
    ks.dev_keys_file = F.keystore; /* JSON, but not a dev-keys file */
    snprintf(msg, sizeof msg, "--dev-account 0: dev-keys file %s: missing field 'private_keys'",
             F.keystore);
    expect_fail(&ks, &log, ETH_EINVAL, msg);
    assert_int_equal(log.warnings, 0);
}

static void test_argv_key(void **state)
{
    (void)state;
    hook_log log = {0};
    char text[] = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    const char zero[sizeof text] = {0};
    eth_keysource ks = no_env();
    ks.private_key = text;
    expect_key(&ks, &log, ETH_KEY_ARGV, ANVIL_ADDR0);
    assert_memory_equal(text, zero, sizeof text); /* gone from /proc/PID/cmdline */
    assert_int_equal(log.warnings, 1);
    assert_string_equal(log.warning, ARGV_WARNING);
    char bad[] = "0xac0974";
    ks.private_key = bad;
    expect_fail(&ks, &log, ETH_EINVAL,
                "--private-key: expected a private key of 64 hex digits (optional 0x), got 6 "
                "characters");
    assert_memory_equal(bad, zero, sizeof bad); /* wiped even when refused */
}

static void test_env_key_in_process(void **state)
{
    (void)state;
    hook_log log = {0};
    assert_int_equal(setenv("PRIVATE_KEY", ANVIL_KEY0, 1), 0);
    eth_keysource ks = eth_keysource_none();
    assert_true(eth_keysource_given(&ks));
    ks.use_env = false;
    assert_false(eth_keysource_given(&ks));
    ks.use_env = true;
    expect_key(&ks, &log, ETH_KEY_ENV, ANVIL_ADDR0);
    assert_int_equal(log.warnings, 1);
    assert_string_equal(log.warning, ENV_WARNING);
    assert_null(getenv("PRIVATE_KEY"));
    assert_false(eth_keysource_given(&ks));
    expect_fail(&ks, &log, ETH_EINVAL,
                "no key given: use --keystore FILE, --account NAME, --private-key-file FILE or "
                "--dev-account N");
    /* a flag wins over env, which stays for a later fallback */
    assert_int_equal(setenv("PRIVATE_KEY", "not a key", 1), 0);
    ks.private_key_file = F.key_file;
    expect_key(&ks, &log, ETH_KEY_FILE, ANVIL_ADDR0);
    assert_string_equal(getenv("PRIVATE_KEY"), "not a key");
    ks.private_key_file = NULL;
    expect_fail(&ks, &log, ETH_EINVAL,
                "env PRIVATE_KEY: expected a private key of 64 hex digits (optional 0x), got 9 "
                "characters");
    assert_null(getenv("PRIVATE_KEY"));
}

/* True if needle occurs in buf[0..n). */
static bool contains(const char *buf, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(buf + i, needle, k) == 0)
            return true;
    return false;
}

/* Run by the exec'd child: PRIVATE_KEY came with the environment at exec, so its text sits in
 * the memory /proc/self/environ shows. Returns 0 if the key resolves and then neither environ
 * nor /proc/self/environ hold it. */
static int env_child(void)
{
    extern char **environ;
    eth_keysource ks = eth_keysource_none();
    eth_signer *s = NULL;
    eth_error e = {0};
    if (eth_keysource_resolve(&ks, NULL, &s, NULL, &e) != 0) {
        fprintf(stderr, "env child: %s\n", e.msg);
        return 2;
    }
    char cs[43];
    eth_address_checksum(eth_signer_address(s), cs);
    eth_signer_free(s);
    if (strcmp(cs, ANVIL_ADDR0) != 0)
        return 3;
    if (getenv("PRIVATE_KEY") || !getenv("KEEP") || strcmp(getenv("KEEP"), "me") != 0)
        return 4;
    for (char **p = environ; *p; p++)
        if (strstr(*p, "PRIVATE_KEY") || strstr(*p, "ac0974bec39a"))
            return 5;
    FILE *f = fopen("/proc/self/environ", "rb");
    if (!f)
        return 6;
    char buf[65536];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    if (!contains(buf, n, "KEEP=me"))
        return 7;
    if (contains(buf, n, "PRIVATE_KEY") || contains(buf, n, "ac0974bec39a") ||
        contains(buf, n, "second"))
        return 8;
    return 0;
}

static void test_env_key_leaves_proc_environ(void **state)
{
    (void)state;
    char key[80];
    snprintf(key, sizeof key, "PRIVATE_KEY=0x%s", ANVIL_KEY0);
    char *const argv[] = {"test_keysource", "--env-child", NULL};
    char *const envp[] = {"KEEP=me", key, "PRIVATE_KEY=second", NULL};
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        execve("/proc/self/exe", argv, envp);
        _exit(127);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_two_sources(void **state)
{
    (void)state;
    hook_log log = {0};
    char text[] = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    eth_keysource ks = no_env();
    eth_error e = {0};
    ks.keystore = F.keystore;
    ks.private_key = text;
    assert_int_equal(eth_keysource_check(&ks, &e), -ETH_EINVAL);
    assert_string_equal(e.msg, "give only one key source, not --keystore, --private-key");
    expect_fail(&ks, &log, ETH_EINVAL, "give only one key source, not --keystore, --private-key");
    ks = no_env();
    ks.account = "alice";
    ks.private_key_file = F.key_file;
    ks.dev_account = 0;
    ks.dev_keys_file = F.dev_keys;
    expect_fail(&ks, &log, ETH_EINVAL,
                "give only one key source, not --account, --private-key-file, --dev-account");
    assert_int_equal(log.warnings, 0);
}

static void test_usage_pairs(void **state)
{
    (void)state;
    hook_log log = {0};
    eth_keysource ks = no_env();
    eth_error e = {0};
    assert_int_equal(eth_keysource_check(&ks, &e), 0);
    assert_false(eth_keysource_given(&ks));
    ks.password_file = F.password;
    expect_fail(&ks, &log, ETH_EINVAL,
                "--password-file goes with --keystore or --account, not with another key source");
    ks.private_key_file = F.key_file;
    expect_fail(&ks, &log, ETH_EINVAL,
                "--password-file goes with --keystore or --account, not with another key source");
    ks = no_env();
    ks.dev_account = 2;
    expect_fail(&ks, &log, ETH_EINVAL,
                "--dev-account 2 needs --dev-keys-file FILE (the file `anvil --config-out FILE` "
                "writes)");
    ks = no_env();
    ks.dev_keys_file = F.dev_keys;
    expect_fail(&ks, &log, ETH_EINVAL, "--dev-keys-file goes with --dev-account N");
}

/* Nobody writes to the FIFO: reading it would block forever, so a hang kills the test (alarm). */
static void test_fifo_refused(void **state)
{
    (void)state;
    hook_log log = {.answer = PW};
    char msg[256];
    alarm(20);
    eth_keysource ks = no_env();
    ks.keystore = F.fifo;
    snprintf(msg, sizeof msg, "keystore %s: not a regular file (a FIFO or pipe)", F.fifo);
    expect_fail(&ks, &log, ETH_EIO, msg);
    assert_int_equal(log.asked, 0); /* refused before the prompt */
    ks.keystore = F.keystore;
    ks.password_file = F.fifo;
    snprintf(msg, sizeof msg, "--password-file %s: not a regular file (a FIFO or pipe)", F.fifo);
    expect_fail(&ks, &log, ETH_EIO, msg);
    ks = no_env();
    ks.private_key_file = F.fifo;
    snprintf(msg, sizeof msg, "--private-key-file %s: not a regular file (a FIFO or pipe)",
             F.fifo);
    expect_fail(&ks, &log, ETH_EIO, msg);
    ks = no_env();
    ks.dev_account = 0;
    ks.dev_keys_file = F.fifo;
    snprintf(msg, sizeof msg, "--dev-keys-file %s: not a regular file (a FIFO or pipe)", F.fifo);
    expect_fail(&ks, &log, ETH_EIO, msg);
    alarm(0);
}

static void test_password_file(void **state)
{
    (void)state;
    char path[160];
    eth_password pw;
    eth_error e = {0};
    snprintf(path, sizeof path, "%s/pw-space", F.dir);
    /* Unicode White_Space at the end is trimmed (U+3000, U+00A0), leading space is kept */
    write_file(path, " two words\xe3\x80\x80\xc2\xa0\n", 0600);
    assert_int_equal(eth_password_read_file(path, &pw, &e), 0);
    assert_int_equal(pw.len, 10);
    assert_string_equal(pw.buf, " two words");
    eth_password_wipe(&pw);
    assert_int_equal(pw.len, 0);
    assert_int_equal(pw.buf[0], 0);
    unlink(path);
    char big[ETH_PASSWORD_MAX + 2];
    memset(big, 'p', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    write_file(path, big, 0600);
    char msg[256];
    snprintf(msg, sizeof msg, "--password-file %s: the password is longer than 1024 bytes", path);
    assert_int_equal(eth_password_read_file(path, &pw, &e), -ETH_ERANGE);
    assert_string_equal(e.msg, msg);
    assert_int_equal(pw.len, 0);
    assert_int_equal(pw.buf[0], 0);
    big[ETH_PASSWORD_MAX] = '\0'; /* exactly the longest */
    unlink(path);
    write_file(path, big, 0600);
    assert_int_equal(eth_password_read_file(path, &pw, &e), 0);
    assert_int_equal(pw.len, ETH_PASSWORD_MAX);
    eth_password_wipe(&pw);
    unlink(path);
    assert_int_equal(eth_password_read_file(path, &pw, &e), -ETH_EIO);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--env-child") == 0)
        return env_child();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keystore_password_file),
        cmocka_unit_test(test_keystore_password_hook),
        cmocka_unit_test(test_keystore_wrong_password),
        cmocka_unit_test(test_keystore_without_hooks),
        cmocka_unit_test(test_account),
        cmocka_unit_test(test_keystore_dir),
        cmocka_unit_test(test_check_name),
        cmocka_unit_test(test_key_file),
        cmocka_unit_test(test_dev_account),
        cmocka_unit_test(test_argv_key),
        cmocka_unit_test(test_env_key_in_process),
        cmocka_unit_test(test_env_key_leaves_proc_environ),
        cmocka_unit_test(test_two_sources),
        cmocka_unit_test(test_usage_pairs),
        cmocka_unit_test(test_fifo_refused),
        cmocka_unit_test(test_password_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
