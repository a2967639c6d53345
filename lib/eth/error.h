/* error.h: the one error contract of lib/.
 *
 * A function that can fail returns 0 (or a documented non-negative value) on success and
 * -err->code on failure, never any other negative number, and fills the caller's eth_error with
 * the code and a one-line message that says what failed, with what value (clipped and escaped,
 * see text.h), and what to do. Callers decide by the code, and for ETH_EREVERT by decoding
 * err->data, never by reading err->msg. Nothing in lib/ prints, exits or prompts. */
#ifndef ETH_ERROR_H
#define ETH_ERROR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Marks a function whose status must be checked (gcc ignores a (void) cast: handle it). */
#if defined(__GNUC__)
#define ETH_WARN_UNUSED __attribute__((warn_unused_result))
#define ETH_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define ETH_WARN_UNUSED
#define ETH_PRINTF(f, a)
#endif

/* Error codes, returned negated. */
enum eth_err_code {
    ETH_OK = 0,
    ETH_EINVAL = 1,   /* malformed input value */
    ETH_ERANGE = 2,   /* value out of range for its type, or over a size cap */
    ETH_ENOMEM = 3,   /* allocation failed */
    ETH_EIO = 4,      /* file or local i/o */
    ETH_ECRYPTO = 5,  /* crypto library failure, or a wrong key or password */
    ETH_EUNSUP = 6,   /* well-formed but not supported */
    ETH_ESTATE = 7,   /* operation not valid in the current state */
    ETH_ERPC = 8,     /* the node could not be reached, or answered with an error or garbage */
    ETH_ETIMEOUT = 9, /* no answer within the time allowed */
    ETH_EREVERT = 10  /* the EVM reverted; err->data holds the revert data */
};

/* Most revert data an error carries; longer data is cut and err->data_truncated is set. */
#define ETH_ERROR_DATA_MAX 4096

/* A caller-owned error (plain data, nothing to free; zero-initialise or eth_error_clear). */
typedef struct eth_error {
    int code;                         /* enum eth_err_code; ETH_OK when no error */
    char msg[512];                    /* one line, NUL-terminated */
    uint8_t data[ETH_ERROR_DATA_MAX]; /* revert data of an ETH_EREVERT (empty otherwise) */
    size_t data_len;
    bool data_truncated;
} eth_error;

/* Sets err's code and printf-style message and empties its revert data.
 * Returns -code. err may be NULL (then only the code is returned). */
int eth_fail(eth_error *err, int code, const char *fmt, ...) ETH_PRINTF(3, 4);

/* Sets err to ETH_EREVERT with a copy of the revert data (cut at ETH_ERROR_DATA_MAX) and a
 * message. Returns -ETH_EREVERT. err may be NULL; data may be NULL when n is 0. */
int eth_fail_revert(eth_error *err, const uint8_t *data, size_t n, const char *fmt, ...)
    ETH_PRINTF(4, 5);

/* Prefixes err's message with printf-style context ("argument 2: "), keeping code and data.
 * Returns -err->code. err must not be NULL and must hold an error. */
int eth_error_prefix(eth_error *err, const char *fmt, ...) ETH_PRINTF(2, 3);

/* Resets err to "no error" (code ETH_OK, empty message and data). NULL is fine. */
void eth_error_clear(eth_error *err);

/* A short stable name of a code ("invalid", "rpc", "revert", ...), for --json output. */
const char *eth_err_name(int code);

/* Writes the text of errno value errnum to buf (thread-safe strerror_r); returns buf. */
const char *eth_strerror(int errnum, char *buf, size_t cap);

/* Overwrites n bytes at p with zeros in a way the compiler cannot elide. NULL is fine if n is 0. */
void eth_wipe(void *p, size_t n);

#endif
