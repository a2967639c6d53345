/* signer.c: the private-key holder. The whole eth_signer lives in one anonymous page of its own,
 * mapped for it alone so that locking it (mlock) and leaving it out of core dumps
 * (MADV_DONTDUMP) affect nothing else and nothing else shares it; free wipes the page before it
 * unlocks and unmaps it. From the first signer on, the process writes no core dump at all (see
 * eth_no_core_dumps). Signing goes through key.c's internal functions. */
#include "signer.h"
#include "internal/key_priv.h"
#include "internal/signer_key.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hex.h"
#include "text.h"

/* mlock and munlock go to the kernel directly: AddressSanitizer replaces the libc calls with
 * ones that do nothing and report success, so a sanitizer build would claim a lock it lacks. */
static bool lock_pages(void *p, size_t len)
{
    return syscall(SYS_mlock, p, len) == 0;
}

static void unlock_pages(void *p, size_t len)
{
    (void)syscall(SYS_munlock, p, len);
}

struct eth_signer {
    uint8_t key[32];     /* the secret */
    uint8_t address[20]; /* of key, derived once */
    bool locked;         /* mlock succeeded */
    size_t map_len;      /* length of the mapping that holds this struct */
};

void eth_no_core_dumps(void)
{
    struct rlimit core;
    if (getrlimit(RLIMIT_CORE, &core) == 0 && core.rlim_cur != 0) {
        core.rlim_cur = 0;
        (void)setrlimit(RLIMIT_CORE, &core);
    }
    (void)prctl(PR_SET_DUMPABLE, 0L, 0L, 0L, 0L);
}

/* Maps a zeroed page for a signer, excluded from core dumps and locked if the limit allows. */
static int signer_map(eth_signer **out, eth_error *err)
{
    char why[128];
    *out = NULL;
    long page = sysconf(_SC_PAGESIZE);
    size_t len = page > 0 && (size_t)page >= sizeof(eth_signer) ? (size_t)page : 4096;
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return eth_fail(err, ETH_ENOMEM, "cannot map a page for a private key: %s",
                        eth_strerror(errno, why, sizeof why));
    if (madvise(p, len, MADV_DONTDUMP) != 0) {
        int e = errno;
        munmap(p, len);
        return eth_fail(err, ETH_EUNSUP,
                        "cannot keep a private key out of core dumps (madvise MADV_DONTDUMP: %s)",
                        eth_strerror(e, why, sizeof why));
    }
    eth_no_core_dumps();
    eth_signer *s = p;
    s->map_len = len;
    s->locked = lock_pages(p, len); /* RLIMIT_MEMLOCK may forbid it: go on unlocked */
    *out = s;
    return 0;
}

void eth_signer_free(eth_signer *s)
{
    if (!s)
        return;
    size_t len = s->map_len;
    bool locked = s->locked;
    eth_wipe(s, len);
    if (locked)
        unlock_pages(s, len);
    munmap(s, len);
}

/* Checks s->key and derives its address; frees s (and sets *out NULL) on failure. */
static int signer_finish(eth_signer *s, eth_signer **out, eth_error *err)
{
    int rc = eth_key_valid(s->key)
                 ? eth_key_address(s->key, s->address, err)
                 : eth_fail(err, ETH_EINVAL, "not a valid secp256k1 private key (zero or >= n)");
    if (rc) {
        eth_signer_free(s);
        s = NULL;
    }
    *out = s;
    return rc;
}

int eth_signer_generate(eth_signer **out, eth_error *err)
{
    eth_signer *s;
    int rc = signer_map(&s, err);
    if (rc)
        return rc;
    rc = eth_key_generate(s->key, err);
    if (rc) {
        eth_signer_free(s);
        return rc;
    }
    return signer_finish(s, out, err);
}

int eth_signer_from_key(const uint8_t key[32], eth_signer **out, eth_error *err)
{
    eth_signer *s;
    int rc = signer_map(&s, err);
    if (rc)
        return rc;
    memcpy(s->key, key, 32);
    return signer_finish(s, out, err);
}

int eth_signer_from_hex(const char *text, size_t len, const char *what, eth_signer **out,
                        eth_error *err)
{
    *out = NULL;
    eth_text_trim(&text, &len);
    if (eth_hex_has_prefix(text, len)) {
        text += 2;
        len -= 2;
    }
    bool hex = len == 64;
    for (size_t i = 0; hex && i < len; i++)
        hex = eth_hex_digit(text[i]) >= 0;
    char shown[ETH_CLIP_BUF];
    eth_text_clipz(what, shown);
    if (!hex)
        return eth_fail(err, ETH_EINVAL,
                        "%s: expected a private key of 64 hex digits (optional 0x), got %zu "
                        "characters%s",
                        shown, len, len == 64 ? " with a non-hex one" : "");
    eth_signer *s;
    int rc = signer_map(&s, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < 32; i++) /* straight into the locked page: no copy elsewhere */
        s->key[i] = (uint8_t)(eth_hex_digit(text[2 * i]) << 4 | eth_hex_digit(text[2 * i + 1]));
    rc = signer_finish(s, out, err);
    return rc ? eth_error_prefix(err, "%s: ", shown) : 0;
}

const uint8_t *eth_signer_address(const eth_signer *s)
{
    return s->address;
}

const uint8_t *eth_signer_secret(const eth_signer *s)
{
    return s->key;
}

bool eth_signer_is_locked(const eth_signer *s)
{
    return s->locked;
}

int eth_signer_sign_digest(const eth_signer *s, const uint8_t digest[32], eth_sig *sig,
                           eth_error *err)
{
    return eth_sign_hash(s->key, digest, sig, err);
}

int eth_signer_sign_tx(const eth_signer *s, eth_tx *tx, eth_error *err)
{
    uint8_t hash[32];
    eth_sig sig;
    tx->is_signed = 0;
    memset(&tx->sig, 0, sizeof tx->sig);
    int rc = eth_tx_signing_hash(tx, hash, err);
    if (rc == 0)
        rc = eth_signer_sign_digest(s, hash, &sig, err);
    if (rc)
        return rc;
    tx->sig = sig;
    tx->is_signed = 1;
    return 0;
}
