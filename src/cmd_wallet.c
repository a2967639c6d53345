/* cmd_wallet.c: kmsctl wallet address|new|import|list (keys and keystore v3 files, as cast wallet). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "keysource.h"
#include "eth/address.h"
#include "eth/key.h"
#include "eth/keystore.h"

#define PATH_MAX_LEN 4352

static const char WALLET_HELP[] =
    "Usage: kmsctl wallet ACTION [ARGS] [--json]\n\n"
    "Keys and keystore v3 files (geth / cast wallet compatible).\n\n"
    "Actions:\n"
    "  address   address of a key (as cast wallet address)\n"
    "  new       create a random key in an encrypted keystore (as cast wallet new DIR)\n"
    "  import    encrypt an existing private key into the keystore dir (as cast wallet import)\n"
    "  list      list the keystores in the keystore dir (as cast wallet list)\n\n"
    "The keystore dir is $KMSCTL_KEYSTORE_DIR, else ~/.foundry/keystores.\n"
    "Run 'kmsctl wallet ACTION --help' for an action's options and an example.\n";

static const char ADDRESS_HELP[] =
    "Usage: kmsctl wallet address KEY [--json]\n\n"
    "Prints the EIP-55 address of the key, as cast wallet address.\n\n" KEYSOURCE_HELP
    "\nOptions:\n"
    "  --json                   print {\"address\": ...}\n\n"
    "Example:\n"
    "  kmsctl wallet address --keystore ~/.foundry/keystores/deployer --password-file pw.txt\n";

static const char NEW_HELP[] =
    "Usage: kmsctl wallet new [DIR] [NAME] [--name NAME] [--password-file FILE] [--json]\n\n"
    "Creates a random key and writes it to an encrypted keystore DIR/NAME (DIR must exist;\n"
    "default: the keystore dir, created if missing; NAME default: a random UUID). Prints the\n"
    "file and the address, never the private key.\n\n"
    "Options:\n"
    "  --name NAME              file name of the keystore in DIR\n"
    "  --password-file FILE     password (trailing whitespace trimmed); else prompted twice\n"
    "  --scrypt-n N             scrypt cost, a power of two >= 1024 (default 262144 as geth;\n"
    "                           cast uses 8192)\n"
    "  --json                   print {\"address\", \"name\", \"path\"}\n\n"
    "Example:\n"
    "  kmsctl wallet new --name deployer --password-file pw.txt\n";

static const char IMPORT_HELP[] =
    "Usage: kmsctl wallet import NAME (--private-key-file FILE | --private-key HEX)\n"
    "                            [--password-file FILE] [--keystore-dir DIR] [--json]\n\n"
    "Encrypts a private key into the keystore DIR/NAME (DIR default: the keystore dir, created\n"
    "if missing) and prints its address, as cast wallet import. Env PRIVATE_KEY also works.\n\n"
    "Options:\n"
    "  --private-key-file FILE  file holding the hex private key (optional 0x)\n"
    "  --private-key HEX        discouraged: visible to other users\n"
    "  --password-file FILE     password of the new keystore; else prompted twice\n"
    "  --keystore-dir DIR       write into DIR instead of the keystore dir\n"
    "  --scrypt-n N             scrypt cost, a power of two >= 1024 (default 262144)\n"
    "  --json                   print {\"address\", \"name\", \"path\"}\n\n"
    "Example:\n"
    "  kmsctl wallet import deployer --private-key-file key.hex --password-file pw.txt\n";

static const char LIST_HELP[] =
    "Usage: kmsctl wallet list [--dir DIR] [--json]\n\n"
    "Lists the keystore files in the keystore dir (or DIR), one \"NAME (Local)\" a line, as\n"
    "cast wallet list. Files that are not keystores are skipped.\n\n"
    "Options:\n"
    "  --dir DIR                list DIR instead of the keystore dir (also --keystore-dir)\n"
    "  --json                   print [{\"name\", \"path\", \"address\" (or null)}]\n\n"
    "Example:\n"
    "  kmsctl wallet list --json\n";

/* ---- shared helpers ---- */

static int fail_err(eth_error *err)
{
    return cli_fail_err(err);
}

/* A usage error for a stray positional argument; long values (maybe keys) are not echoed. */
static int unexpected_arg(const char *cmd, const char *arg)
{
    if (strlen(arg) > 40)
        return cli_usage_error(cmd, "unexpected argument of %zu characters (not shown; keys go "
                                    "in --private-key-file FILE)", strlen(arg));
    return cli_usage_error(cmd, "unexpected argument '%s'", arg);
}

static int parse_scrypt_n(const char *text, eth_keystore_params *p, eth_error *err)
{
    eth_keystore_params_default(p);
    if (!text)
        return 0;
    char *end = NULL;
    errno = 0;
    unsigned long long n = strtoull(text, &end, 10);
    if (errno || end == text || *end || text[0] == '-' || n < 1024)
        return eth_fail(err, ETH_EINVAL, "--scrypt-n %s: expected a power of two >= 1024", text);
    p->scrypt_n = n;
    int rc = eth_keystore_params_check(p, err);
    if (rc < 0)
        return eth_error_prefix(err, "--scrypt-n %s: ", text);
    return 0;
}

/* Creates dir and its missing parents (mode 0700). */
static int make_dirs(const char *dir, eth_error *err)
{
    char path[PATH_MAX_LEN];
    if ((size_t)snprintf(path, sizeof path, "%s", dir) >= sizeof path)
        return eth_fail(err, ETH_ERANGE, "dir %s: path is too long", dir);
    for (char *p = path + 1;; p++) {
        char c = *p;
        if (c != '/' && c != '\0')
            continue;
        *p = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST)
            return eth_fail(err, ETH_EIO, "dir %s: cannot create %s: %s", dir, path,
                            strerror(errno));
        *p = c;
        if (c == '\0')
            break;
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return eth_fail(err, ETH_EIO, "dir %s: not a directory", dir);
    return 0;
}

static int join_path(char *out, const char *dir, const char *name, eth_error *err)
{
    if ((size_t)snprintf(out, PATH_MAX_LEN, "%s/%s", dir, name) >= PATH_MAX_LEN)
        return eth_fail(err, ETH_ERANGE, "path %s/%s is too long", dir, name);
    return 0;
}

/* Prints the result of new/import: JSON, or the caller's human line then the address. */
static int print_saved(bool json, const char *name, const char *path, const uint8_t addr[20],
                       bool is_import)
{
    char cs[43];
    eth_address_checksum(addr, cs);
    if (json)
        return cli_print_json(json_pack("{s:s,s:s,s:s}", "address", cs, "name", name, "path", path));
    if (is_import)
        printf("`%s` keystore was saved successfully. Address: %s\n", name, cs);
    else
        printf("Created new encrypted keystore file: %s\nAddress:    %s\n", path, cs);
    return CLI_OK;
}

/* Gets the new keystore's password and writes priv to path. */
static int write_keystore(const char *path, const uint8_t priv[32], const char *password_file,
                          const eth_keystore_params *params, eth_error *err)
{
    keysource_password pw;
    int rc = keysource_password_get(password_file, "Password for the new keystore: ", true, &pw,
                                    err);
    if (rc == 0 && pw.len == 0)
        cli_warn("empty password: the keystore is only as safe as the file");
    if (rc == 0)
        rc = eth_keystore_write_file(path, priv, pw.buf, pw.len, params, err);
    keysource_password_wipe(&pw);
    return rc;
}

/* ---- wallet address ---- */

static int wallet_address(int argc, char **argv)
{
    keysource ks = {0};
    bool json = false;
    const cli_flag flags[] = {KEYSOURCE_FLAGS(ks), {"json", false, NULL, &json}};
    cli_args a;
    int rc = cli_parse(argc, argv, flags, sizeof flags / sizeof flags[0], ADDRESS_HELP, &a);
    int npos = a.npos;
    const char *first = npos ? a.pos[0] : NULL;
    cli_args_free(&a);
    if (rc != 0)
        return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
    if (first)
        return unexpected_arg(argv[0], first);
    eth_error err = {0};
    if (keysource_check(&ks, &err) < 0)
        return cli_usage_error(argv[0], "%s", err.msg);
    uint8_t priv[32], addr[20];
    rc = keysource_resolve(&ks, priv, &err);
    if (rc == 0)
        rc = eth_key_address(priv, addr, &err);
    eth_wipe(priv, sizeof priv);
    if (rc < 0)
        return fail_err(&err);
    char cs[43];
    eth_address_checksum(addr, cs);
    if (json)
        return cli_print_json(json_pack("{s:s}", "address", cs));
    puts(cs);
    return CLI_OK;
}

/* ---- wallet new ---- */

typedef struct new_opts {
    const char *dir, *name, *password_file, *scrypt_n;
    bool json;
} new_opts;

/* Fills o from the positionals DIR [NAME]; returns 0 or a usage exit code. */
static int new_positionals(const char *cmd, const cli_args *a, new_opts *o)
{
    if (a->npos > 2)
        return unexpected_arg(cmd, a->pos[2]);
    if (a->npos >= 1)
        o->dir = a->pos[0];
    if (a->npos == 2) {
        if (o->name)
            return cli_usage_error(cmd, "give the name once: NAME '%s' and --name '%s'",
                                   a->pos[1], o->name);
        o->name = a->pos[1];
    }
    return 0;
}

/* The directory for wallet new: DIR must exist; the default keystore dir is created. */
static int new_dir(const new_opts *o, char *dir, eth_error *err)
{
    if (o->dir) {
        struct stat st;
        if (stat(o->dir, &st) != 0 || !S_ISDIR(st.st_mode))
            return eth_fail(err, ETH_EIO, "DIR %s: not a directory (create it first)", o->dir);
        if ((size_t)snprintf(dir, PATH_MAX_LEN, "%s", o->dir) >= PATH_MAX_LEN)
            return eth_fail(err, ETH_ERANGE, "DIR %s: path is too long", o->dir);
        return 0;
    }
    int rc = keysource_keystore_dir(dir, PATH_MAX_LEN, err);
    return rc < 0 ? rc : make_dirs(dir, err);
}

static int run_new(const new_opts *o, eth_error *err)
{
    eth_keystore_params params;
    char dir[PATH_MAX_LEN], path[PATH_MAX_LEN], uuid[37];
    int rc = parse_scrypt_n(o->scrypt_n, &params, err);
    const char *name = o->name;
    if (rc == 0 && name)
        rc = keysource_check_name(name, "--name", err);
    if (rc == 0 && !name && (rc = eth_uuid_v4(uuid, err)) == 0)
        name = uuid;
    if (rc == 0)
        rc = new_dir(o, dir, err);
    if (rc == 0)
        rc = join_path(path, dir, name, err);
    if (rc == 0 && access(path, F_OK) == 0)
        rc = eth_fail(err, ETH_EIO, "keystore %s already exists; choose another --name", path);
    uint8_t priv[32], addr[20];
    if (rc == 0)
        rc = eth_key_generate(priv, err);
    if (rc == 0)
        rc = eth_key_address(priv, addr, err);
    if (rc == 0)
        rc = write_keystore(path, priv, o->password_file, &params, err);
    eth_wipe(priv, sizeof priv);
    if (rc < 0)
        return rc;
    return print_saved(o->json, name, path, addr, false);
}

static int wallet_new(int argc, char **argv)
{
    new_opts o = {0};
    const cli_flag flags[] = {
        {"name", true, &o.name, NULL},
        {"password-file", true, &o.password_file, NULL},
        {"scrypt-n", true, &o.scrypt_n, NULL},
        {"json", false, NULL, &o.json},
    };
    cli_args a;
    int rc = cli_parse(argc, argv, flags, sizeof flags / sizeof flags[0], NEW_HELP, &a);
    if (rc == 0)
        rc = new_positionals(argv[0], &a, &o);
    cli_args_free(&a);
    if (rc != 0)
        return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
    eth_error err = {0};
    rc = run_new(&o, &err);
    return rc < 0 ? fail_err(&err) : rc;
}

/* ---- wallet import ---- */

typedef struct import_opts {
    keysource ks;
    const char *name, *dir, *password_file, *scrypt_n;
    bool json;
} import_opts;

static int run_import(import_opts *o, eth_error *err)
{
    eth_keystore_params params;
    char dir[PATH_MAX_LEN], path[PATH_MAX_LEN];
    int rc = parse_scrypt_n(o->scrypt_n, &params, err);
    if (rc == 0)
        rc = keysource_check_name(o->name, "NAME", err);
    if (rc == 0 && !o->dir)
        rc = keysource_keystore_dir(dir, sizeof dir, err);
    else if (rc == 0 && (size_t)snprintf(dir, sizeof dir, "%s", o->dir) >= sizeof dir)
        rc = eth_fail(err, ETH_ERANGE, "--keystore-dir: path is too long");
    if (rc == 0)
        rc = join_path(path, dir, o->name, err);
    if (rc == 0 && access(path, F_OK) == 0)
        rc = eth_fail(err, ETH_EIO, "NAME %s: keystore %s already exists", o->name, path);
    uint8_t priv[32], addr[20];
    if (rc == 0)
        rc = keysource_resolve(&o->ks, priv, err);
    if (rc == 0)
        rc = eth_key_address(priv, addr, err);
    if (rc == 0)
        rc = make_dirs(dir, err);
    if (rc == 0)
        rc = write_keystore(path, priv, o->password_file, &params, err);
    eth_wipe(priv, sizeof priv);
    if (rc < 0)
        return rc;
    return print_saved(o->json, o->name, path, addr, true);
}

static int wallet_import(int argc, char **argv)
{
    import_opts o = {0};
    const cli_flag flags[] = {
        {"private-key-file", true, &o.ks.private_key_file, NULL},
        {"private-key", true, &o.ks.private_key, NULL},
        {"password-file", true, &o.password_file, NULL},
        {"keystore-dir", true, &o.dir, NULL},
        {"scrypt-n", true, &o.scrypt_n, NULL},
        {"json", false, NULL, &o.json},
    };
    cli_args a;
    int rc = cli_parse(argc, argv, flags, sizeof flags / sizeof flags[0], IMPORT_HELP, &a);
    if (rc == 0 && a.npos == 0)
        rc = cli_usage_error(argv[0], "missing NAME, the keystore's file name");
    else if (rc == 0 && a.npos > 1)
        rc = unexpected_arg(argv[0], a.pos[1]);
    else if (rc == 0)
        o.name = a.pos[0];
    cli_args_free(&a);
    if (rc != 0)
        return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
    eth_error err = {0};
    if (keysource_check(&o.ks, &err) < 0)
        return cli_usage_error(argv[0], "%s", err.msg);
    if (!keysource_given(&o.ks))
        return cli_usage_error(argv[0], "no key to import: give --private-key-file FILE");
    rc = run_import(&o, &err);
    return rc < 0 ? fail_err(&err) : rc;
}

/* ---- wallet list ---- */

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collects the sorted names of the visible regular files in dir. */
static int list_names(const char *dir, char ***names, size_t *n, eth_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return eth_fail(err, ETH_EIO, "keystore dir %s: %s", dir, strerror(errno));
    size_t cap = 0;
    int rc = 0;
    *names = NULL;
    *n = 0;
    for (struct dirent *e; rc == 0 && (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            char **grown = realloc(*names, cap * sizeof **names);
            if (!grown) {
                rc = eth_fail(err, ETH_ENOMEM, "out of memory");
                break;
            }
            *names = grown;
        }
        if (((*names)[*n] = strdup(e->d_name)) == NULL)
            rc = eth_fail(err, ETH_ENOMEM, "out of memory");
        else
            (*n)++;
    }
    closedir(d);
    if (*n > 1)
        qsort(*names, *n, sizeof **names, cmp_names);
    return rc;
}

/* Adds the keystore dir/name to out (skipping files that are not keystores). */
static int list_one(const char *dir, const char *name, bool json, json_t *out)
{
    char path[PATH_MAX_LEN];
    uint8_t addr[20];
    eth_error err = {0};
    if (join_path(path, dir, name, &err) < 0)
        return -1;
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    int rc = eth_keystore_peek_file(path, addr, &err);
    if (rc < 0)
        return 0;
    if (!json) {
        printf("%s (Local)\n", name);
        return 0;
    }
    char cs[43];
    eth_address_checksum(addr, cs);
    json_t *item = json_pack("{s:s,s:s,s:o}", "name", name, "path", path, "address",
                             rc == 1 ? json_string(cs) : json_null());
    return item ? json_array_append_new(out, item) : -1;
}

static int run_list(const char *dir_flag, bool json, eth_error *err)
{
    char dir[PATH_MAX_LEN];
    int rc = 0;
    if (dir_flag && (size_t)snprintf(dir, sizeof dir, "%s", dir_flag) >= sizeof dir)
        return eth_fail(err, ETH_ERANGE, "--dir: path is too long");
    if (!dir_flag && (rc = keysource_keystore_dir(dir, sizeof dir, err)) < 0)
        return rc;
    struct stat st;
    if (!dir_flag && stat(dir, &st) != 0) /* no default dir yet: no keystores */
        return json ? cli_print_json(json_array()) : CLI_OK;
    char **names = NULL;
    size_t n = 0;
    rc = list_names(dir, &names, &n, err);
    json_t *out = json ? json_array() : NULL;
    for (size_t i = 0; i < n; i++) {
        if (rc == 0 && list_one(dir, names[i], json, out) < 0)
            rc = eth_fail(err, ETH_ENOMEM, "out of memory");
        free(names[i]);
    }
    free(names);
    if (rc < 0) {
        json_decref(out);
        return rc;
    }
    return json ? cli_print_json(out) : CLI_OK;
}

static int wallet_list(int argc, char **argv)
{
    const char *dir = NULL, *kdir = NULL;
    bool json = false;
    const cli_flag flags[] = {
        {"dir", true, &dir, NULL},
        {"keystore-dir", true, &kdir, NULL},
        {"json", false, NULL, &json},
    };
    cli_args a;
    int rc = cli_parse(argc, argv, flags, sizeof flags / sizeof flags[0], LIST_HELP, &a);
    if (rc == 0 && a.npos > 0)
        rc = unexpected_arg(argv[0], a.pos[0]);
    cli_args_free(&a);
    if (rc != 0)
        return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
    if (dir && kdir)
        return cli_usage_error(argv[0], "give --dir or --keystore-dir, not both");
    eth_error err = {0};
    rc = run_list(dir ? dir : kdir, json, &err);
    return rc < 0 ? fail_err(&err) : rc;
}

/* ---- dispatch ---- */

typedef struct wallet_action {
    const char *name;
    int (*run)(int argc, char **argv);
} wallet_action;

static const wallet_action ACTIONS[] = {
    {"address", wallet_address},
    {"new", wallet_new},
    {"import", wallet_import},
    {"list", wallet_list},
};

/* Runs an action with argv[0] renamed "wallet ACTION" so usage hints name the full command. */
static int run_action(const wallet_action *act, int argc, char **argv)
{
    char label[32];
    snprintf(label, sizeof label, "wallet %s", act->name);
    char **av = calloc((size_t)argc + 1, sizeof *av);
    if (!av)
        return cli_fail("out of memory");
    av[0] = label;
    for (int i = 1; i < argc; i++)
        av[i] = argv[i];
    int rc = act->run(argc, av);
    free(av);
    return rc;
}

int cmd_wallet(int argc, char **argv)
{
    if (argc < 2) {
        fputs(WALLET_HELP, stderr);
        return CLI_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        fputs(WALLET_HELP, stdout);
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof ACTIONS / sizeof ACTIONS[0]; i++)
        if (strcmp(name, ACTIONS[i].name) == 0)
            return run_action(&ACTIONS[i], argc - 1, argv + 1);
    if (strlen(name) > 40)
        return cli_usage_error("wallet", "unknown wallet action (%zu characters)", strlen(name));
    return cli_usage_error("wallet", "unknown wallet action '%s' (address, new, import, list)",
                           name);
}
