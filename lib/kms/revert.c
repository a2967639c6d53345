/* revert.c: known revert reasons of OpenZeppelin 5, Safe v1.4.1 and the policy, in words. */
#include "revert.h"

#include <stdio.h>
#include <string.h>

#include "eth/abi_decode.h"
#include "eth/abi_error.h"
#include "eth/abi_selector.h"
#include "eth/abi_sig.h"
#include "eth/address.h"
#include "eth/hex.h"
#include "eth/keccak.h"
#include "eth/text.h"
#include "eth/u256.h"

typedef void (*explainer)(const eth_abi_value *args, kms_revert *out);

typedef struct known_error {
    const char *sig;
    explainer explain;
} known_error;

static void addr_arg(const eth_abi_value *args, size_t i, char out[43])
{
    eth_address_checksum(args->items[i].word + 12, out);
}

static void word_arg(const eth_abi_value *args, size_t i, char out[67])
{
    eth_hex_encode(args->items[i].word, 32, out);
}

static void say(kms_revert *out, const char *meaning, const char *fix)
{
    snprintf(out->meaning, sizeof out->meaning, "%s", meaning);
    snprintf(out->fix, sizeof out->fix, "%s", fix);
}

static void ownable_unauthorized(const eth_abi_value *a, kms_revert *out)
{
    char who[43];
    addr_arg(a, 0, who);
    snprintf(out->meaning, sizeof out->meaning, "the caller %s is not the owner of the contract", who);
    snprintf(out->fix, sizeof out->fix,
             "send it through the contract's owner (kmsctl routes through its timelock or Safe); "
             "after transferOwnership the new owner must still call acceptOwnership");
}

static void ownable_invalid_owner(const eth_abi_value *a, kms_revert *out)
{
    char who[43];
    addr_arg(a, 0, who);
    snprintf(out->meaning, sizeof out->meaning, "%s cannot be the owner", who);
    snprintf(out->fix, sizeof out->fix, "give a non-zero owner address");
}

static void invalid_initialization(const eth_abi_value *a, kms_revert *out)
{
    (void)a;
    say(out, "the contract is already initialized, or it is an implementation whose "
             "initializers are disabled",
        "initialize a new proxy, not the implementation or a proxy that was set up already");
}

static void not_initializing(const eth_abi_value *a, kms_revert *out)
{
    (void)a;
    say(out, "an initializer step ran outside initialization", "");
}

/* The well-known AccessControl roles of a TimelockController, by their hash. */
static const char *role_name(const uint8_t role[32])
{
    static const char *const NAMES[] = {"PROPOSER_ROLE", "EXECUTOR_ROLE", "CANCELLER_ROLE"};
    static const uint8_t zero[32] = {0};
    if (memcmp(role, zero, 32) == 0)
        return "DEFAULT_ADMIN_ROLE";
    for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++) {
        uint8_t h[32];
        eth_keccak256(NAMES[i], strlen(NAMES[i]), h);
        if (memcmp(h, role, 32) == 0)
            return NAMES[i];
    }
    return NULL;
}

static void access_unauthorized(const eth_abi_value *a, kms_revert *out)
{
    char who[43], role[67];
    addr_arg(a, 0, who);
    word_arg(a, 1, role);
    const char *name = role_name(a->items[1].word);
    snprintf(out->meaning, sizeof out->meaning, "%s does not hold %s", who, name ? name : role);
    snprintf(out->fix, sizeof out->fix,
             "send it from an account with that role (kmsctl timelock shows who holds which)");
}

static void access_bad_confirmation(const eth_abi_value *a, kms_revert *out)
{
    (void)a;
    say(out, "renounceRole must name the caller itself", "pass your own address as the account");
}

static const char *state_list(uint32_t bits, char *buf, size_t cap)
{
    buf[0] = '\0';
    for (int s = KMS_OP_UNSET; s <= KMS_OP_DONE; s++)
        if (bits & (1u << s)) {
            size_t l = strlen(buf);
            snprintf(buf + l, cap - l, "%s%s", l ? " or " : "", kms_op_state_name(s));
        }
    return buf[0] ? buf : "none";
}

static void timelock_state(const eth_abi_value *a, kms_revert *out)
{
    char id[67], states[64];
    word_arg(a, 0, id);
    const uint8_t *w = a->items[1].word;
    uint32_t bits = (uint32_t)w[31] | (uint32_t)w[30] << 8;
    out->is_op_state = true;
    memcpy(out->op_id, a->items[0].word, 32);
    out->expected_states = bits;
    state_list(bits, states, sizeof states);
    if (bits == 1u << KMS_OP_UNSET)
        snprintf(out->meaning, sizeof out->meaning,
                 "timelock operation %s was scheduled already (it had to be unset)", id);
    else if (bits & (1u << KMS_OP_READY))
        snprintf(out->meaning, sizeof out->meaning,
                 "timelock operation %s is not ready: it is not scheduled, still waiting for its "
                 "delay, or done", id);
    else
        snprintf(out->meaning, sizeof out->meaning,
                 "timelock operation %s is not %s", id, states);
    snprintf(out->fix, sizeof out->fix,
             "kmsctl timelock status %s shows its state and when it can run", id);
}

static void timelock_delay(const eth_abi_value *a, kms_revert *out)
{
    u256 d = u256_from_be(a->items[0].word, 32), m = u256_from_be(a->items[1].word, 32);
    char ds[U256_DEC_MAX], ms[U256_DEC_MAX];
    u256_to_dec(&d, ds);
    u256_to_dec(&m, ms);
    snprintf(out->meaning, sizeof out->meaning,
             "a delay of %s s is shorter than the timelock's minimum delay of %s s", ds, ms);
    snprintf(out->fix, sizeof out->fix, "schedule with --delay %ss or more", ms);
}

static void timelock_caller(const eth_abi_value *a, kms_revert *out)
{
    char who[43];
    addr_arg(a, 0, who);
    snprintf(out->meaning, sizeof out->meaning,
             "the timelock refuses calls to itself from %s (only the timelock may call it)", who);
    snprintf(out->fix, sizeof out->fix, "schedule the change through the timelock");
}

static void timelock_predecessor(const eth_abi_value *a, kms_revert *out)
{
    char id[67];
    word_arg(a, 0, id);
    snprintf(out->meaning, sizeof out->meaning,
             "the predecessor operation %s has not been executed", id);
    snprintf(out->fix, sizeof out->fix, "execute %s first", id);
}

static void timelock_length(const eth_abi_value *a, kms_revert *out)
{
    (void)a;
    say(out, "a batch's targets, values and payloads have different lengths", "");
}

static void erc1967_impl(const eth_abi_value *a, kms_revert *out)
{
    char who[43];
    addr_arg(a, 0, who);
    snprintf(out->meaning, sizeof out->meaning, "%s has no code, so it cannot be an implementation",
             who);
    snprintf(out->fix, sizeof out->fix, "deploy the implementation first, or check the address");
}

static void erc1967_nonpayable(const eth_abi_value *a, kms_revert *out)
{
    (void)a;
    say(out, "value was sent with an upgrade that makes no call", "send no value");
}

static void uups_context(const eth_abi_value *a, kms_revert *out)
{
    (void)a;
    say(out, "upgradeToAndCall was called on the implementation instead of through the proxy",
        "call it on the proxy address");
}

static void uups_uuid(const eth_abi_value *a, kms_revert *out)
{
    (void)a;
    say(out, "the new implementation's proxiableUUID is not the ERC-1967 slot: it is not a UUPS "
             "implementation",
        "upgrade to a UUPS implementation (kmsctl ... upgrade checks this first)");
}

static void empty_code(const eth_abi_value *a, kms_revert *out)
{
    char who[43];
    addr_arg(a, 0, who);
    snprintf(out->meaning, sizeof out->meaning, "a call went to %s, which has no code", who);
    snprintf(out->fix, sizeof out->fix, "check the address");
}

static void failed_call(const eth_abi_value *a, kms_revert *out)
{
    (void)a;
    say(out, "an inner call failed without saying why", "");
}

static const known_error KNOWN[] = {
    {"OwnableUnauthorizedAccount(address)", ownable_unauthorized},
    {"OwnableInvalidOwner(address)", ownable_invalid_owner},
    {"InvalidInitialization()", invalid_initialization},
    {"NotInitializing()", not_initializing},
    {"AccessControlUnauthorizedAccount(address,bytes32)", access_unauthorized},
    {"AccessControlBadConfirmation()", access_bad_confirmation},
    {"TimelockUnexpectedOperationState(bytes32,bytes32)", timelock_state},
    {"TimelockInsufficientDelay(uint256,uint256)", timelock_delay},
    {"TimelockUnauthorizedCaller(address)", timelock_caller},
    {"TimelockUnexecutedPredecessor(bytes32)", timelock_predecessor},
    {"TimelockInvalidOperationLength(uint256,uint256,uint256)", timelock_length},
    {"ERC1967InvalidImplementation(address)", erc1967_impl},
    {"ERC1967NonPayable()", erc1967_nonpayable},
    {"UUPSUnauthorizedCallContext()", uups_context},
    {"UUPSUnsupportedProxiableUUID(bytes32)", uups_uuid},
    {"AddressEmptyCode(address)", empty_code},
    {"FailedCall()", failed_call},
};

/* Safe v1.4.1's require codes and what they mean. */
static const struct {
    const char *code, *meaning, *fix;
} SAFE_CODES[] = {
    {"GS000", "the Safe's setup call failed", ""},
    {"GS001", "the threshold must be set", ""},
    {"GS002", "the setup target has no code", ""},
    {"GS010", "not enough gas to run the Safe transaction", "send with more gas"},
    {"GS011", "the Safe could not pay the refund in ether", ""},
    {"GS012", "the Safe could not pay the refund in tokens", ""},
    {"GS013", "the Safe transaction's inner call failed (safeTxGas and gasPrice are 0, so the "
              "whole transaction reverts)",
     "simulate the inner call: kmsctl shows why it fails"},
    {"GS020", "fewer signatures than the threshold", "collect more owner signatures"},
    {"GS021", "a contract signature points inside the static part", ""},
    {"GS022", "a contract signature's length is missing", ""},
    {"GS023", "a contract signature's data is incomplete", ""},
    {"GS024", "a contract signature is invalid (EIP-1271)", ""},
    {"GS025", "an owner has neither signed nor approved this hash",
     "sign the Safe transaction hash, or approveHash it on chain"},
    {"GS026", "a signer is not an owner, or the signatures are not sorted by signer address",
     "use owner signatures, sorted by signer (kmsctl sorts them)"},
    {"GS027", "the data does not match the signed hash", ""},
    {"GS030", "only owners can approve a hash", "approve from an owner"},
    {"GS031", "only the Safe itself may call this", "make it a Safe transaction"},
    {"GS100", "modules were initialized already", ""},
    {"GS101", "invalid module address", ""},
    {"GS102", "the module is enabled already", ""},
    {"GS103", "invalid previous module for this module", ""},
    {"GS104", "the caller is not an enabled module", ""},
    {"GS105", "invalid start for paging modules", ""},
    {"GS106", "invalid page size for paging modules", ""},
    {"GS200", "the owners were set up already", ""},
    {"GS201", "the threshold is above the number of owners", "lower the threshold"},
    {"GS202", "the threshold must be at least 1", ""},
    {"GS203", "invalid owner address", ""},
    {"GS204", "the address is an owner already", ""},
    {"GS205", "invalid previous owner for this owner", ""},
    {"GS300", "the guard does not implement the Guard interface", ""},
    {"GS400", "the Safe cannot be its own fallback handler", ""},
};

const char *kms_op_state_name(int s)
{
    static const char *const NAMES[] = {"unset", "waiting", "ready", "done"};
    return s >= 0 && s <= KMS_OP_DONE ? NAMES[s] : "unknown";
}

/* Decodes data against sig if its selector matches; runs the explainer. Returns 1 if it
 * matched, 0 if not, or a negative code. */
static int try_known(const known_error *k, const uint8_t *data, size_t n, kms_revert *out,
                     eth_error *err)
{
    eth_abi_sig sig;
    uint8_t sel[4];
    int rc = eth_abi_sig_parse(k->sig, false, &sig, err);
    if (rc)
        return rc;
    rc = eth_abi_selector(&sig, sel, err);
    if (rc == 0 && memcmp(sel, data, 4) == 0) {
        eth_abi_value args;
        eth_error derr;
        if (eth_abi_decode(sig.inputs, data + 4, n - 4, &args, &derr) == 0) {
            snprintf(out->name, sizeof out->name, "%s", sig.name);
            out->known = true;
            k->explain(&args, out);
            eth_abi_value_clear(&args);
            rc = 1;
        }
    }
    eth_abi_sig_clear(&sig);
    return rc;
}

/* Error("GS0xx") from a Safe. */
static bool try_safe(const char *decoded, kms_revert *out)
{
    for (size_t i = 0; i < sizeof SAFE_CODES / sizeof SAFE_CODES[0]; i++) {
        char want[16];
        snprintf(want, sizeof want, "Error(\"%s\")", SAFE_CODES[i].code);
        if (strcmp(decoded, want) == 0) {
            snprintf(out->name, sizeof out->name, "%s", SAFE_CODES[i].code);
            out->known = true;
            say(out, SAFE_CODES[i].meaning, SAFE_CODES[i].fix);
            return true;
        }
    }
    return false;
}

/* Error(string) and Panic: the text cast prints says it all. well_formed: the data decoded. */
static void generic(const uint8_t *data, size_t n, bool well_formed, kms_revert *out)
{
    static const uint8_t ERROR_SEL[4] = {0x08, 0xc3, 0x79, 0xa0}, PANIC_SEL[4] = {0x4e, 0x48, 0x7b, 0x71};
    if (!well_formed) {
        snprintf(out->meaning, sizeof out->meaning, "it reverted with data kmsctl cannot decode: %.400s",
                 out->decoded);
    } else if (n >= 4 && memcmp(data, ERROR_SEL, 4) == 0) {
        snprintf(out->name, sizeof out->name, "Error");
        out->known = true;
        snprintf(out->meaning, sizeof out->meaning, "the contract refused: %.400s", out->decoded);
    } else if (n >= 4 && memcmp(data, PANIC_SEL, 4) == 0) {
        snprintf(out->name, sizeof out->name, "Panic");
        out->known = true;
        snprintf(out->meaning, sizeof out->meaning, "the contract panicked: %.400s", out->decoded);
    } else if (n == 0) {
        say(out, "it reverted without saying why (no revert data)",
            "check that the target is the contract you mean and that the call's arguments are "
            "right");
    } else {
        snprintf(out->meaning, sizeof out->meaning, "it reverted with an error kmsctl does not know: %.400s",
                 out->decoded);
    }
}

int kms_revert_explain(const uint8_t *data, size_t n, kms_revert *out, eth_error *err)
{
    memset(out, 0, sizeof *out);
    eth_buf text = {0};
    eth_error derr;
    bool well_formed = eth_abi_decode_revert(data, n, NULL, 0, &text, &derr) == 0;
    if (well_formed)
        snprintf(out->decoded, sizeof out->decoded, "%s", eth_buf_str(&text));
    else
        snprintf(out->decoded, sizeof out->decoded, "malformed revert data (%zu bytes)", n);
    eth_buf_clear(&text);
    for (size_t i = 0; n >= 4 && i < sizeof KNOWN / sizeof KNOWN[0]; i++) {
        int rc = try_known(&KNOWN[i], data, n, out, err);
        if (rc < 0)
            return rc;
        if (rc == 1) { /* decoded again, now with its name and arguments */
            if (eth_abi_decode_revert(data, n, &KNOWN[i].sig, 1, &text, &derr) == 0)
                snprintf(out->decoded, sizeof out->decoded, "%s", eth_buf_str(&text));
            eth_buf_clear(&text);
            return 0;
        }
    }
    if (!try_safe(out->decoded, out))
        generic(data, n, well_formed, out);
    return 0;
}

int kms_revert_describe(eth_error *err, const char *prefix)
{
    kms_revert r;
    eth_error e;
    char line[2048];
    if (kms_revert_explain(err->data, err->data_len, &r, &e) != 0)
        snprintf(line, sizeof line, "%s", prefix);
    else if (r.fix[0])
        snprintf(line, sizeof line, "%s: %s: %s. Fix: %s", prefix, r.decoded, r.meaning, r.fix);
    else
        snprintf(line, sizeof line, "%s: %s: %s", prefix, r.decoded, r.meaning);
    snprintf(err->msg, sizeof err->msg, "%.*s", (int)sizeof err->msg - 1, line);
    return -err->code;
}
