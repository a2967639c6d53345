/* cmd_wallet.c: kmsctl wallet address|new|import|list (keys and keystore v3 files, as cast
 * wallet). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "keyflags.h"
#include "prompt.h"
#include "eth/address.h"
#include "eth/keystore.h"
#include "eth/signer.h"
#include "eth/text.h"

#define PATH_CAP 4352

/* Largest --scrypt-n: what the keystore reader's memory cap allows with r = 8. */
#define SCRYPT_N_MAX (ETH_KEYSTORE_MAX_SCRYPT_MEM / (128u * ETH_KEYSTORE_SCRYPT_R))
#define SCRYPT_N_HELP "scrypt cost, a power of two from 1024 to 524288 (default 262144\n" \
                      "as geth; cast uses 8192)"

/* ---- shared helpers ---- */

/* Fills p from --scrypt-n; a bad value is a usage error. Returns CLI_OK or CLI_USAGE. */
static int scrypt_params(const cli_call *c, eth_keystore_params *p)
{
    eth_keystore_params_default(p);
    const char *text = cli_opt(c, "scrypt-n");
    if (!text)
        return CLI_OK;
    char *end = NULL, shown[ETH_CLIP_BUF];
    errno = 0;
    unsigned long long n = strtoull(text, &end, 10);
    if (errno || end == text || *end || text[0] == '-' || text[0] == '+' || n < 1024 ||
        n > SCRYPT_N_MAX || (n & (n - 1)) != 0)
        return cli_usage(c, "--scrypt-n '%s': expected a power of two from 1024 to %llu",
                         eth_text_clipz(text, shown), (unsigned long long)SCRYPT_N_MAX);
    p->scrypt_n = n;
    return CLI_OK;
}

/* Creates dir and its missing parents (mode 0700). */
static int make_dirs(const char *dir, eth_error *err)
{
    char path[PATH_CAP], shown[ETH_CLIP_BUF], why[128];
    if (!dir[0])
        return eth_fail(err, ETH_EINVAL, "keystore dir '': an empty path names no directory");
    if ((size_t)snprintf(path, sizeof path, "%s", dir) >= sizeof path)
        return eth_fail(err, ETH_ERANGE, "dir %s: path is too long", eth_text_clipz(dir, shown));
    for (char *p = path + 1;; p++) {
        char ch = *p;
        if (ch != '/' && ch != '\0')
            continue;
        *p = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST)
            return eth_fail(err, ETH_EIO, "dir %s: cannot create %s: %s",
                            eth_text_clipz(dir, shown), path, eth_strerror(errno, why, sizeof why));
        *p = ch;
        if (ch == '\0')
            break;
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return eth_fail(err, ETH_EIO, "dir %s: not a directory", eth_text_clipz(dir, shown));
    return 0;
}

static int join_path(char *out, const char *dir, const char *name, eth_error *err)
{
    if ((size_t)snprintf(out, PATH_CAP, "%s/%s", dir, name) >= PATH_CAP)
        return eth_fail(err, ETH_ERANGE, "path %s/%s is too long", dir, name);
    return 0;
}

/* Prints the result of new/import: JSON, or the human lines cast prints. */
static int print_saved(const cli_call *c, const char *name, const char *path,
                       const uint8_t addr[20], bool is_import)
{
    char cs[43];
    eth_address_checksum(addr, cs);
    if (c->json)
        return cli_print_json(json_pack("{s:s,s:s,s:s}", "address", cs, "name", name, "path", path));
    if (is_import)
        printf("`%s` keystore was saved successfully. Address: %s\n", name, cs);
    else
        printf("Created new encrypted keystore file: %s\nAddress:    %s\n", path, cs);
    return CLI_OK;
}

/* Gets the new keystore's password and writes the signer's key to path. */
static int write_keystore(const char *path, const eth_signer *s, const char *password_file,
                          const eth_keystore_params *params, eth_error *err)
{
    eth_password pw;
    int rc = cli_password_get(password_file, "Password for the new keystore: ", true, &pw, err);
    if (rc == 0 && pw.len == 0)
        cli_warn("empty password: the keystore is only as safe as the file");
    if (rc == 0)
        rc = eth_keystore_write_file(path, s, pw.buf, pw.len, params, err);
    eth_password_wipe(&pw);
    return rc;
}

/* The directory to write into: DIR (must exist) if given, else the keystore dir (created). */
static int target_dir(const char *given, const char *keystore_dir, char *out, eth_error *err)
{
    char shown[ETH_CLIP_BUF];
    if (given) {
        struct stat st;
        if (!given[0])
            return eth_fail(err, ETH_EINVAL, "DIR '': an empty path names no directory (give a "
                            "folder, or leave it out to use the keystore dir)");
        if (stat(given, &st) != 0 || !S_ISDIR(st.st_mode))
            return eth_fail(err, ETH_EIO, "DIR '%s': not a directory (create it first)",
                            eth_text_clipz(given, shown));
        if ((size_t)snprintf(out, PATH_CAP, "%s", given) >= PATH_CAP)
            return eth_fail(err, ETH_ERANGE, "DIR %s: path is too long", eth_text_clipz(given, shown));
        return 0;
    }
    int rc = eth_keystore_dir(keystore_dir, out, PATH_CAP, err);
    return rc ? rc : make_dirs(out, err);
}

/* Writes s into dir/name (refusing to overwrite) and prints the result. */
static int save(cli_call *c, const char *dir_given, const char *name, const eth_signer *s,
                bool is_import)
{
    eth_keystore_params params;
    int urc = scrypt_params(c, &params);
    if (urc != CLI_OK)
        return urc;
    eth_error err = {0};
    char dir[PATH_CAP], path[PATH_CAP];
    int rc = eth_keystore_check_name(name, is_import ? "NAME" : "--name", &err);
    if (rc == 0)
        rc = target_dir(dir_given, cli_keystore_dir(c), dir, &err);
    if (rc == 0)
        rc = join_path(path, dir, name, &err);
    if (rc == 0 && access(path, F_OK) == 0)
        rc = eth_fail(&err, ETH_EIO, "keystore %s already exists; choose another name", path);
    if (rc == 0)
        rc = write_keystore(path, s, cli_opt(c, "password-file"), &params, &err);
    if (rc)
        return cli_fail_err(&err);
    return print_saved(c, name, path, eth_signer_address(s), is_import);
}

/* ---- wallet address ---- */

static int run_address(cli_call *c)
{
    eth_keysource ks;
    int rc = cli_key_source(c, &ks);
    if (rc != CLI_OK)
        return rc;
    eth_error err = {0};
    eth_signer *s = NULL;
    if (cli_key_resolve(&ks, &s, &err) != 0)
        return cli_fail_err(&err);
    char cs[43];
    eth_address_checksum(eth_signer_address(s), cs);
    eth_signer_free(s);
    return cli_print_value(c, "address", cs);
}

/* ---- wallet new ---- */

static int run_new(cli_call *c)
{
    const char *dir = c->nargs >= 1 ? c->args[0] : NULL, *name = cli_opt(c, "name");
    if (dir && cli_given(c, "keystore-dir"))
        return cli_usage(c, "give the directory once: DIR or --keystore-dir");
    if (!dir)
        dir = cli_opt(c, "keystore-dir");
    if (c->nargs == 2 && name)
        return cli_usage(c, "give the name once: NAME or --name");
    if (c->nargs == 2)
        name = c->args[1];
    char uuid[37];
    eth_error err = {0};
    if (!name && eth_uuid_v4(uuid, &err) != 0)
        return cli_fail_err(&err);
    eth_signer *s = NULL;
    if (eth_signer_generate(&s, &err) != 0)
        return cli_fail_err(&err);
    int rc = save(c, dir, name ? name : uuid, s, false);
    eth_signer_free(s);
    return rc;
}

/* ---- wallet import ---- */

static int run_import(cli_call *c)
{
    eth_keysource ks = eth_keysource_none();
    ks.private_key_file = cli_opt(c, "private-key-file");
    ks.private_key = cli_opt(c, "private-key");
    eth_error err = {0};
    if (eth_keysource_check(&ks, &err) != 0)
        return cli_usage(c, "%s", err.msg);
    if (!eth_keysource_given(&ks))
        return cli_usage(c, "no key to import: give --private-key-file FILE");
    eth_signer *s = NULL;
    if (cli_key_resolve(&ks, &s, &err) != 0)
        return cli_fail_err(&err);
    int rc = save(c, cli_opt(c, "keystore-dir"), c->args[0], s, true);
    eth_signer_free(s);
    return rc;
}

/* ---- wallet list ---- */

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collects the sorted names of the entries of dir (hidden ones left out). */
static int list_names(const char *dir, char ***names, size_t *n, eth_error *err)
{
    char shown[ETH_CLIP_BUF], why[128];
    DIR *d = opendir(dir);
    if (!d)
        return eth_fail(err, ETH_EIO, "keystore dir %s: %s", eth_text_clipz(dir, shown),
                        eth_strerror(errno, why, sizeof why));
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

/* Lists the keystore dir/name if it is one (other files are skipped). A name with control
 * characters or invalid UTF-8 is shown escaped. Returns 0 or -1 (out of memory). */
static int list_one(const cli_call *c, const char *dir, const char *name, json_t *out)
{
    char path[PATH_CAP], shown[ETH_CLIP_BUF];
    uint8_t addr[20];
    eth_error err = {0};
    if (join_path(path, dir, name, &err) != 0)
        return 0;
    int rc = eth_keystore_peek_file(path, addr, &err);
    if (rc < 0)
        return 0;
    size_t len = strlen(name);
    if (eth_text_has_control(name, len) || !eth_utf8_valid((const uint8_t *)name, len))
        name = eth_text_clip(name, len, shown);
    if (!c->json) {
        printf("%s (Local)\n", name);
        return 0;
    }
    char cs[43], path_shown[ETH_CLIP_BUF];
    if (rc == 1)
        eth_address_checksum(addr, cs);
    const char *p = eth_utf8_valid((const uint8_t *)path, strlen(path))
                        ? path
                        : eth_text_clipz(path, path_shown);
    json_t *item = json_pack("{s:s,s:s,s:o}", "name", name, "path", p, "address",
                             rc == 1 ? json_string(cs) : json_null());
    return item ? json_array_append_new(out, item) : -1;
}

static int run_list(cli_call *c)
{
    char dir[PATH_CAP];
    eth_error err = {0};
    const char *flag = cli_keystore_dir(c);
    if (eth_keystore_dir(flag, dir, sizeof dir, &err) != 0)
        return cli_fail_err(&err);
    struct stat st;
    if (!cli_given(c, "keystore-dir") && stat(dir, &st) != 0) /* no default dir yet */
        return c->json ? cli_print_json(json_array()) : CLI_OK;
    char **names = NULL;
    size_t n = 0;
    int rc = list_names(dir, &names, &n, &err);
    json_t *out = c->json ? json_array() : NULL;
    for (size_t i = 0; i < n; i++) {
        if (rc == 0 && list_one(c, dir, names[i], out) < 0)
            rc = eth_fail(&err, ETH_ENOMEM, "out of memory");
        free(names[i]);
    }
    free(names);
    if (rc) {
        json_decref(out);
        return cli_fail_err(&err);
    }
    return c->json ? cli_print_json(out) : CLI_OK;
}

/* ---- the table ---- */

static const cli_flag *const ADDRESS_FLAGS[] = {CLI_KEY_FLAGS, NULL};

static const cli_flag NEW_FLAGS[] = {
    {"name", "NAME", "file name of the keystore (default: a random UUID)", NULL, false},
    {"keystore-dir", "DIR", "write into DIR (same as the DIR argument)", NULL, false},
    {"password-file", "FILE", "password of the new keystore; else prompted twice", NULL, false},
    {"scrypt-n", "N", SCRYPT_N_HELP, NULL, false},
    CLI_FLAGS_END,
};
static const cli_flag *const NEW_FLAG_SETS[] = {NEW_FLAGS, NULL};

static const cli_flag IMPORT_FLAGS[] = {
    {"private-key-file", "FILE", "file holding the hex private key (optional 0x)", NULL, false},
    {"private-key", "HEX", "discouraged: visible to other users (so is env PRIVATE_KEY)", NULL,
     false},
    {"password-file", "FILE", "password of the new keystore; else prompted twice", NULL, false},
    {"keystore-dir", "DIR", "write into DIR instead of the keystore dir", NULL, false},
    {"scrypt-n", "N", SCRYPT_N_HELP, NULL, false},
    CLI_FLAGS_END,
};
static const cli_flag *const IMPORT_FLAG_SETS[] = {IMPORT_FLAGS, NULL};

static const cli_flag LIST_FLAGS[] = {
    {"keystore-dir", "DIR", "list DIR instead of the keystore dir", "dir", false},
    CLI_FLAGS_END,
};
static const cli_flag *const LIST_FLAG_SETS[] = {LIST_FLAGS, NULL};

#define SAVED_JSON "print {\"address\", \"name\", \"path\"}"

static const cli_action ACTIONS[] = {
    {
        .name = "address",
        .summary = "address of a key (as cast wallet address)",
        .run = run_address,
        .args = "",
        .min_args = 0,
        .max_args = 0,
        .flags = ADDRESS_FLAGS,
        .json = "print {\"address\": \"0x...\"}",
        .about = "Prints the EIP-55 address of the key given by one of the key options, as\n"
                 "cast wallet address.",
        .example = "$ kmsctl wallet address --keystore ~/.foundry/keystores/deployer "
                   "--password-file pw.txt\n0x008AeEda4D805471dF9b2A5B0f38A0C3bCBA786b",
    },
    {
        .name = "new",
        .summary = "create a random key in an encrypted keystore (as cast wallet new)",
        .run = run_new,
        .args = "[DIR] [NAME]",
        .min_args = 0,
        .max_args = 2,
        .flags = NEW_FLAG_SETS,
        .json = SAVED_JSON,
        .about = "Creates a random key and writes it to an encrypted keystore DIR/NAME (DIR must\n"
                 "exist; default: the keystore dir, $KMSCTL_KEYSTORE_DIR or ~/.foundry/keystores,\n"
                 "created if missing). Prints the file and the address, never the private key.",
        .example = "$ kmsctl wallet new --name deployer --password-file pw.txt\n"
                   "Created new encrypted keystore file: /home/me/.foundry/keystores/deployer\n"
                   "Address:    0x6d2C1Ab5d0F1b1d2cB4B1e8A2f63A8C2dE4F1a0b",
    },
    {
        .name = "import",
        .summary = "encrypt an existing private key into the keystore dir (as cast wallet import)",
        .run = run_import,
        .args = "NAME",
        .min_args = 1,
        .max_args = 1,
        .flags = IMPORT_FLAG_SETS,
        .json = SAVED_JSON,
        .about = "Encrypts a private key into the keystore DIR/NAME (DIR default: the keystore\n"
                 "dir, created if missing) and prints its address, as cast wallet import. Env\n"
                 "PRIVATE_KEY also works (with a warning).",
        .example = "$ kmsctl wallet import deployer --private-key-file key.hex --password-file pw.txt\n"
                   "`deployer` keystore was saved successfully. Address: "
                   "0x008AeEda4D805471dF9b2A5B0f38A0C3bCBA786b",
    },
    {
        .name = "list",
        .summary = "list the keystores in the keystore dir (as cast wallet list)",
        .run = run_list,
        .args = "",
        .min_args = 0,
        .max_args = 0,
        .flags = LIST_FLAG_SETS,
        .json = "print [{\"name\", \"path\", \"address\" (or null)}]",
        .about = "Lists the keystore files in the keystore dir, one \"NAME (Local)\" a line, as\n"
                 "cast wallet list. Files that are not keystores are skipped; a name with\n"
                 "control characters is shown escaped.",
        .example = "$ kmsctl wallet list\ndeployer (Local)",
    },
};

const cli_group GROUP_WALLET = {
    .name = "wallet",
    .summary = "keys and keystores: address, new, import, list",
    .about = "Keys and keystore v3 files (geth / cast wallet compatible). The keystore dir is\n"
             "--keystore-dir, else $KMSCTL_KEYSTORE_DIR, else ~/.foundry/keystores.",
    .actions = ACTIONS,
    .nactions = sizeof ACTIONS / sizeof ACTIONS[0],
};
