/* cmd_demo.c: kmsctl demo: the main job on a local chain, command by command, as a user would
 * type them: a devnet, a Model C deployment (a 2-of-3 Safe behind a 1-day timelock), an app
 * registered through the factory, one governance round that allows the app's OS image, and
 * the app's boot going from denied to allowed. Each step runs this same kmsctl binary in a
 * scratch folder; the devnet it starts is stopped on every way out (^C included). */
#define _XOPEN_SOURCE 700 /* nftw */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "eth/address.h"
#include "eth/json.h"
#include "kms/manifest.h"

#define OWNERS "0x70997970C51812dc3A010C7d01b50e0d17dc79C8,0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC," \
               "0x90F79bf6EB2c4f870365E785982E1f101E93b906"
#define DEVELOPER "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65"
#define COMPOSE "0xc0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0"
#define OS_IMAGE "0x0505050505050505050505050505050505050505050505050505050505050505"

typedef struct demo {
    char self[4096];
    char dir[4096];
    char devnet[4160];
    bool keep;
    bool devnet_up;
    char app[64];
    char op[80];
} demo;

/* Runs kmsctl argv in the demo's folder; with capture, its stdout goes there instead (and is
 * echoed). Returns its exit code, or -1 if it could not run. */
static int run(demo *d, char *const argv[], eth_buf *capture)
{
    int p[2] = {-1, -1};
    if (capture && pipe(p) != 0)
        return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (chdir(d->dir) != 0 || setenv("KMSCTL_DEVNET_DIR", d->devnet, 1) != 0)
            _exit(127);
        int null = open("/dev/null", O_RDONLY);
        if (null >= 0)
            dup2(null, STDIN_FILENO);
        if (capture)
            dup2(p[1], STDOUT_FILENO);
        execv(d->self, argv);
        _exit(127);
    }
    if (capture) {
        close(p[1]);
        char buf[4096];
        ssize_t n;
        eth_error err;
        while (pid > 0 && (n = read(p[0], buf, sizeof buf)) > 0)
            if (eth_buf_append(capture, buf, (size_t)n, &err) == 0)
                fwrite(buf, 1, (size_t)n, stdout);
        close(p[0]);
    }
    int status = 0;
    while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return pid < 0 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* One step: a heading, the command as typed, its output; the exit code must be want. */
static int step(demo *d, const char *title, int want, eth_buf *capture, const char *args)
{
    char line[2048], *argv[48];
    size_t n = 0;
    snprintf(line, sizeof line, "%s", args);
    argv[n++] = "kmsctl";
    for (char *save = NULL, *w = strtok_r(line, " ", &save); w && n < 47;
         w = strtok_r(NULL, " ", &save))
        argv[n++] = w;
    argv[n] = NULL;
    printf("\n== %s ==\n$ kmsctl %s\n", title, args);
    int rc = run(d, argv, capture);
    if (rc == want)
        return CLI_OK;
    return cli_fail("the demo stopped: `kmsctl %s` exited %d, %d was expected", args, rc, want);
}

/* A string member of the JSON document in b, into out. */
static int json_text(const eth_buf *b, const char *key, char *out, size_t cap)
{
    json_t *j = NULL;
    eth_error err;
    if (eth_json_parse((const char *)b->data, b->len, &j, &err) != 0)
        return cli_fail("the demo could not read %s from: %.*s", key, (int)b->len, b->data);
    json_t *v = json_is_array(j) ? json_object_get(json_array_get(j, json_array_size(j) - 1), key)
                                 : json_object_get(j, key);
    int rc = json_is_string(v) ? CLI_OK : cli_fail("the demo found no %s", key);
    if (rc == CLI_OK)
        snprintf(out, cap, "%s", json_string_value(v));
    json_decref(j);
    return rc;
}

static int boot(demo *d, int want)
{
    char args[512];
    snprintf(args, sizeof args, "check-boot app --app-id %s --compose-hash " COMPOSE
             " --os-image-hash " OS_IMAGE " --instance-id 0x01 --device-id 0x02 "
             "--mr-aggregated 0x03", d->app);
    return step(d, want ? "the app's boot: denied" : "the app's boot: allowed", want, NULL, args);
}

static int deploy(demo *d)
{
    eth_buf out = {0};
    int rc = step(d, "a local chain with Safe v1.4.1 at its canonical addresses", 0, NULL,
                  "devnet start --port 0");
    d->devnet_up = rc == CLI_OK;
    if (rc == CLI_OK)
        rc = step(d, "deploy model C: a 2-of-3 Safe proposes to a 1-day timelock", 0, NULL,
                  "deploy --devnet --model safe-timelock --safe-owners " OWNERS
                  " --safe-threshold 2 --min-delay 1d");
    if (rc == CLI_OK)
        rc = step(d, "an app developer registers an app through the factory", 0, &out,
                  "kms deploy-app --owner " DEVELOPER " --compose-hash " COMPOSE
                  " --allow-any-device --dev-account 4 --json");
    if (rc == CLI_OK)
        rc = json_text(&out, "app", d->app, sizeof d->app);
    eth_buf_clear(&out);
    return rc;
}

static int govern(demo *d)
{
    eth_buf out = {0};
    char args[256];
    int rc = step(d, "owner 1 proposes to allow the app's OS image (and signs)", 0, NULL,
                  "kms add-os-image-hash " OS_IMAGE " --dev-account 1 --out round.json");
    if (rc == CLI_OK)
        rc = step(d, "owner 2 checks what it signs, and signs", 0, NULL,
                  "safe sign round.json --dev-account 2 --yes");
    if (rc == CLI_OK)
        rc = step(d, "anyone executes the Safe transaction: the timelock schedules it", 0, NULL,
                  "safe exec round.json --dev-account 0");
    if (rc == CLI_OK)
        rc = step(d, "the operation waits for its delay", 0, &out, "timelock list --json");
    if (rc == CLI_OK)
        rc = json_text(&out, "id", d->op, sizeof d->op);
    snprintf(args, sizeof args, "timelock execute %s --dev-account 0", d->op);
    if (rc == CLI_OK)
        rc = step(d, "too early: kmsctl says when it is ready", 1, NULL, args);
    if (rc == CLI_OK)
        rc = step(d, "a day passes on the devnet", 0, NULL, "devnet time-travel 1d");
    snprintf(args, sizeof args, "timelock execute %s --dev-account 1 --out execute.json", d->op);
    if (rc == CLI_OK)
        rc = step(d, "the Safe executes the ready operation: owner 1 proposes", 0, NULL, args);
    if (rc == CLI_OK)
        rc = step(d, "owner 2 signs", 0, NULL, "safe sign execute.json --dev-account 2 --yes");
    if (rc == CLI_OK)
        rc = step(d, "executed", 0, NULL, "safe exec execute.json --dev-account 0");
    eth_buf_clear(&out);
    return rc;
}

static void account(const demo *d)
{
    char path[4200], kms[43] = "?", tl[43] = "?", safe[43] = "?";
    kms_manifest m;
    eth_error err;
    snprintf(path, sizeof path, "%s/kmsctl-deployment.json", d->dir);
    if (kms_manifest_load(path, &m, &err) == 0) {
        eth_address_checksum(m.kms, kms);
        eth_address_checksum(m.timelock, tl);
        eth_address_checksum(m.safe, safe);
        kms_manifest_clear(&m);
    }
    printf("\n== what happened ==\n"
           "  DstackKms  %s  model C; the hand-over finished\n"
           "  timelock   %s  owns DstackKms; 1-day delay\n"
           "  Safe       %s  2 of 3 owners; proposes to the timelock\n"
           "  app        %s  deployed and registered through the factory\n"
           "  The app's boot was denied: its OS image was not allowed. Owners 1 and 2 signed a\n"
           "  Safe transaction that scheduled addOsImageHash; after the delay they signed its\n"
           "  execution. The boot is allowed now, verify proved the deployment on chain, and the\n"
           "  policy's history shows the change with the signers and the timelock operation.\n",
           kms, tl, safe, d->app);
    if (d->keep)
        printf("  Files: %s\n", d->dir);
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *f)
{
    (void)st;
    (void)type;
    (void)f;
    return remove(path);
}

static void cleanup(demo *d)
{
    if (d->devnet_up) {
        char *stop[] = {"kmsctl", "devnet", "stop", NULL};
        printf("\n== stopping the devnet ==\n");
        run(d, stop, NULL);
    }
    if (!d->keep && nftw(d->dir, remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
        cli_warn("could not remove %s", d->dir);
}

static int setup(const cli_call *c, demo *d)
{
    memset(d, 0, sizeof *d);
    ssize_t n = readlink("/proc/self/exe", d->self, sizeof d->self - 1);
    if (n <= 0)
        return cli_fail("cannot find this program's path (/proc/self/exe)");
    const char *keep = cli_opt(c, "dir");
    d->keep = keep != NULL;
    if (keep && (mkdir(keep, 0700) != 0 && errno != EEXIST))
        return cli_fail("--dir %s: cannot create it", keep);
    if (keep && !realpath(keep, d->dir))
        return cli_fail("--dir %s: cannot resolve it", keep);
    if (!keep) {
        snprintf(d->dir, sizeof d->dir, "%s/kmsctl-demo-XXXXXX",
                 getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
        if (!mkdtemp(d->dir))
            return cli_fail("cannot make a scratch folder");
    }
    snprintf(d->devnet, sizeof d->devnet, "%s/devnet", d->dir);
    signal(SIGINT, SIG_IGN); /* the step running gets ^C; then the devnet is stopped */
    return CLI_OK;
}

static int run_demo(cli_call *c)
{
    demo d;
    int rc = setup(c, &d);
    if (rc != CLI_OK)
        return rc;
    printf("kmsctl demo: the main job on a local chain, in %s\n", d.dir);
    rc = deploy(&d);
    if (rc == CLI_OK)
        rc = boot(&d, 1);
    if (rc == CLI_OK)
        rc = govern(&d);
    if (rc == CLI_OK)
        rc = boot(&d, 0);
    if (rc == CLI_OK)
        rc = step(&d, "verify the deployment on chain", 0, NULL, "verify --devnet");
    if (rc == CLI_OK)
        rc = step(&d, "what an auditor sees: the live policy and who can change it", 0, NULL,
                  "policy show --devnet");
    if (rc == CLI_OK)
        rc = step(&d, "and every change, with the path it took", 0, NULL,
                  "policy history --devnet");
    if (rc == CLI_OK)
        account(&d);
    cleanup(&d);
    return rc;
}

static const cli_flag DEMO_FLAGS[] = {
    {"dir", "DIR", "keep the demo's files (manifest, proposals) in DIR", NULL, false},
    CLI_FLAGS_END,
};
static const cli_flag *const DEMO_SETS[] = {DEMO_FLAGS, NULL};

const cli_action CMD_DEMO = {
    "demo",
    "the main job on a local chain, step by step (nothing is left running)",
    run_demo,
    "",
    0,
    0,
    DEMO_SETS,
    NULL,
    "Starts a devnet, deploys model C (a 2-of-3 Safe behind a 1-day timelock), registers an\n"
    "app through the factory, shows its boot denied, walks one governance round (a proposal,\n"
    "two signatures, schedule, a day of time travel, execute) that allows its OS image, shows\n"
    "the boot allowed, verifies the deployment, shows the policy and its history as an auditor\n"
    "reads them, and stops the devnet. Every step is a kmsctl command, printed as you would\n"
    "type it.",
    "$ kmsctl demo\nkmsctl demo: the main job on a local chain, in /tmp/kmsctl-demo-Ab12Cd\n\n"
    "== a local chain with Safe v1.4.1 at its canonical addresses ==\n$ kmsctl devnet start "
    "--port 0\n...",
};
