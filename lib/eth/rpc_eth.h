/* rpc_eth.h: the Ethereum JSON-RPC methods kmsctl uses, with typed arguments and results.
 *
 * Every reply is checked strictly: quantities must be 0x hex without leading zeros (as the
 * JSON-RPC spec says), data must be 0x hex of the expected length, objects must have the
 * fields read with the right types; anything else is -ETH_ERPC naming the field. Block
 * arguments are tags ("latest", "pending", "safe", "finalized", "earliest") or numbers written
 * with eth_block_tag. All functions return 0 or a negative code as eth_rpc_call does. */
#ifndef ETH_RPC_ETH_H
#define ETH_RPC_ETH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "buf.h"
#include "error.h"
#include "rpc.h"
#include "u256.h"

/* Room for a block tag: "0x" and 16 hex digits, or a name. */
#define ETH_BLOCK_TAG_MAX 24

/* Writes block number n as a JSON-RPC block argument ("0x1b4") to out; returns out. */
const char *eth_block_tag(uint64_t n, char out[ETH_BLOCK_TAG_MAX]);

/* Parses a JSON-RPC quantity ("0x0", "0x1b4") of at most 256 bits. Returns 0 or -ETH_ERPC
 * (what names the field in the message). */
int eth_quantity_u256(const json_t *v, const char *what, u256 *out, eth_error *err)
    ETH_WARN_UNUSED;

/* Parses a JSON-RPC quantity that fits in 64 bits. Returns 0 or -ETH_ERPC. */
int eth_quantity_u64(const json_t *v, const char *what, uint64_t *out, eth_error *err)
    ETH_WARN_UNUSED;

/* Reads v, 0x hex of exactly n bytes (a hash, an address, a storage word), into out[0..n).
 * Returns 0 or -ETH_ERPC (what names the field). v may be NULL (then an error). */
int eth_data_fixed(const json_t *v, const char *what, uint8_t *out, size_t n, eth_error *err)
    ETH_WARN_UNUSED;

/* Appends v, 0x hex data of any length (code, return data), to out. Returns 0, -ETH_ERPC (what
 * names the field), -ETH_ERANGE (past out->limit) or -ETH_ENOMEM; out's length is unchanged
 * on failure. v may be NULL (then an error). */
int eth_data_append(const json_t *v, const char *what, eth_buf *out, eth_error *err)
    ETH_WARN_UNUSED;

/* eth_chainId. */
int eth_rpc_chain_id(eth_rpc *rpc, uint64_t *out, eth_error *err) ETH_WARN_UNUSED;

/* eth_blockNumber. */
int eth_rpc_block_number(eth_rpc *rpc, uint64_t *out, eth_error *err) ETH_WARN_UNUSED;

/* eth_getBalance of addr at block (a tag, not NULL). */
int eth_rpc_get_balance(eth_rpc *rpc, const uint8_t addr[20], const char *block, u256 *out,
                        eth_error *err) ETH_WARN_UNUSED;

/* eth_getTransactionCount of addr at block ("pending" for the next nonce to use). */
int eth_rpc_get_nonce(eth_rpc *rpc, const uint8_t addr[20], const char *block, uint64_t *out,
                      eth_error *err) ETH_WARN_UNUSED;

/* eth_gasPrice. */
int eth_rpc_gas_price(eth_rpc *rpc, u256 *out, eth_error *err) ETH_WARN_UNUSED;

/* eth_maxPriorityFeePerGas (not every node has it: then -ETH_ERPC). */
int eth_rpc_max_priority_fee(eth_rpc *rpc, u256 *out, eth_error *err) ETH_WARN_UNUSED;

/* Most blocks and reward percentiles of one eth_feeHistory request read here. */
#define ETH_FEE_HISTORY_MAX 64
#define ETH_FEE_PERCENTILES_MAX 8

/* What eth_feeHistory answers: base fees of nblocks blocks and the next one, and for each
 * block the priority fee at each asked percentile. */
typedef struct eth_fee_history {
    uint64_t oldest;
    size_t nblocks;
    u256 base_fee[ETH_FEE_HISTORY_MAX + 1];
    size_t npercentiles;
    u256 reward[ETH_FEE_HISTORY_MAX][ETH_FEE_PERCENTILES_MAX];
    bool has_reward; /* false when the node left out "reward" */
} eth_fee_history;

/* Reads r, the result of an eth_feeHistory that asked for npct percentiles, into *out.
 * Returns 0, -ETH_ERPC naming the field (1 to ETH_FEE_HISTORY_MAX + 1 base fees; when r has
 * "reward" and npct > 0, one entry of npct quantities per block), or -ETH_ERANGE (npct over
 * ETH_FEE_PERCENTILES_MAX); *out is meaningless on failure. r borrowed, may be NULL. */
int eth_fee_history_from_json(const json_t *r, size_t npct, eth_fee_history *out,
                              eth_error *err) ETH_WARN_UNUSED;

/* eth_feeHistory over the nblocks (1..ETH_FEE_HISTORY_MAX) blocks up to newest (a tag), with
 * reward percentiles pct[0..npct) (npct <= ETH_FEE_PERCENTILES_MAX, ascending). A node without
 * EIP-1559 gives -ETH_ERPC. */
int eth_rpc_fee_history(eth_rpc *rpc, unsigned nblocks, const char *newest, const double *pct,
                        size_t npct, eth_fee_history *out, eth_error *err) ETH_WARN_UNUSED;

/* A call or transaction to simulate or estimate; pointers borrowed, NULL when absent. */
typedef struct eth_call_req {
    const uint8_t *from;      /* 20 bytes */
    const uint8_t *to;        /* 20 bytes; NULL for a contract creation */
    const uint8_t *data;
    size_t data_len;
    const u256 *value;
    uint64_t gas;             /* 0: let the node choose */
    json_t *state_overrides;  /* the node's state override object, borrowed */
} eth_call_req;

/* eth_estimateGas of req at block (NULL: the node's default, "latest"). A revert is
 * -ETH_EREVERT with its data. */
int eth_rpc_estimate_gas(eth_rpc *rpc, const eth_call_req *req, const char *block, uint64_t *out,
                         eth_error *err) ETH_WARN_UNUSED;

/* eth_call of req at block (a tag, not NULL); appends the return data to out. A revert is
 * -ETH_EREVERT with its data in err->data. */
int eth_rpc_call_contract(eth_rpc *rpc, const eth_call_req *req, const char *block, eth_buf *out,
                          eth_error *err) ETH_WARN_UNUSED;

/* eth_sendRawTransaction of raw[0..n); *hash gets the hash the node returns. */
int eth_rpc_send_raw(eth_rpc *rpc, const uint8_t *raw, size_t n, uint8_t hash[32],
                     eth_error *err) ETH_WARN_UNUSED;

/* One log entry. */
typedef struct eth_log {
    uint8_t address[20];
    uint8_t topics[4][32];
    size_t ntopics;
    uint8_t *data; /* owned; data_len bytes */
    size_t data_len;
    uint64_t block_number;
    uint8_t block_hash[32];
    uint8_t tx_hash[32];
    uint64_t tx_index;
    uint64_t log_index;
    bool removed;
} eth_log;

/* A list of logs; zero-initialise, release with eth_log_list_clear. */
typedef struct eth_log_list {
    eth_log *items;
    size_t n;
    size_t cap;
} eth_log_list;

/* Frees the logs' data and the array (not the struct itself). NULL is fine. */
void eth_log_list_clear(eth_log_list *l);

/* A transaction receipt (the fields kmsctl reads). Plain data. */
typedef struct eth_receipt {
    uint8_t tx_hash[32];
    uint64_t block_number;
    uint8_t block_hash[32];
    uint64_t tx_index;
    bool status;                 /* true: success */
    uint64_t gas_used;
    u256 effective_gas_price;
    bool has_contract_address;
    uint8_t contract_address[20];
    uint8_t from[20];
} eth_receipt;

/* Appends the logs of arr (eth_getLogs' result, or a receipt's "logs") to out, so that out holds
 * at most max (0: no limit). Pending logs (null block fields) are kept with those fields zero.
 * Returns 0, -ETH_ERPC naming the field, -ETH_ERANGE (more than max) or -ETH_ENOMEM; on
 * failure out holds what it held before. arr borrowed, may be NULL (then an error). */
int eth_logs_from_json(const json_t *arr, size_t max, eth_log_list *out, eth_error *err)
    ETH_WARN_UNUSED;

/* Reads r, the result of eth_getTransactionReceipt: JSON null (pending or unknown) gives *found
 * false and leaves *out untouched; a receipt fills *out, sets *found and, when logs is not NULL,
 * appends the receipt's logs to it. Returns 0 or as eth_logs_from_json; on failure *found is
 * false and *out and logs are as they were. r borrowed, not NULL. */
int eth_receipt_from_json(const json_t *r, eth_receipt *out, bool *found, eth_log_list *logs,
                          eth_error *err) ETH_WARN_UNUSED;

/* eth_getTransactionReceipt: *found is false (and *out untouched) while the transaction is
 * pending or unknown. When logs is not NULL the receipt's logs are appended to it. */
int eth_rpc_get_receipt(eth_rpc *rpc, const uint8_t hash[32], eth_receipt *out, bool *found,
                        eth_log_list *logs, eth_error *err) ETH_WARN_UNUSED;

/* What eth_getTransactionByHash says of a transaction kmsctl sent. */
typedef struct eth_tx_status {
    bool found;            /* the node knows it (pending or mined) */
    bool mined;            /* it is in a block */
    uint64_t block_number; /* when mined */
    uint8_t from[20];
    uint64_t nonce;
} eth_tx_status;

/* Reads r, the result of eth_getTransactionByHash (JSON null: out->found false), into *out.
 * Returns 0 or -ETH_ERPC naming the field (then out->found is false). r borrowed, not NULL. */
int eth_tx_status_from_json(const json_t *r, eth_tx_status *out, eth_error *err)
    ETH_WARN_UNUSED;

/* eth_getTransactionByHash. */
int eth_rpc_get_tx(eth_rpc *rpc, const uint8_t hash[32], eth_tx_status *out, eth_error *err)
    ETH_WARN_UNUSED;

/* eth_getCode of addr at block; appends the code (empty for an account without code). */
int eth_rpc_get_code(eth_rpc *rpc, const uint8_t addr[20], const char *block, eth_buf *out,
                     eth_error *err) ETH_WARN_UNUSED;

/* eth_getStorageAt of addr, slot at block into out. */
int eth_rpc_get_storage(eth_rpc *rpc, const uint8_t addr[20], const uint8_t slot[32],
                        const char *block, uint8_t out[32], eth_error *err) ETH_WARN_UNUSED;

/* A block header (the fields kmsctl reads). */
typedef struct eth_block {
    uint64_t number;
    uint8_t hash[32];
    uint64_t timestamp;
    uint64_t gas_limit;
    bool has_base_fee;
    u256 base_fee;
} eth_block;

/* Reads r, the result of eth_getBlockByNumber (JSON null: *found false), into *out. Returns 0
 * or -ETH_ERPC naming the field (then *found is false). r borrowed, not NULL. */
int eth_block_from_json(const json_t *r, eth_block *out, bool *found, eth_error *err)
    ETH_WARN_UNUSED;

/* eth_getBlockByNumber(block, false): *found is false for a block the node does not have. */
int eth_rpc_get_block(eth_rpc *rpc, const char *block, eth_block *out, bool *found,
                      eth_error *err) ETH_WARN_UNUSED;

/* Which logs to fetch: addresses (any of naddr, 0: all), topics per position (NULL or
 * ntopic[i] == 0: any), and an inclusive block range. */
typedef struct eth_log_filter {
    const uint8_t (*addresses)[20];
    size_t naddr;
    const uint8_t (*topics[4])[32];
    size_t ntopic[4];
    uint64_t from_block;
    uint64_t to_block;
} eth_log_filter;

/* eth_getLogs over f's range, appended to out in block order. A range the node refuses (any
 * JSON-RPC error while it spans more than one block) is halved and both halves fetched, so the
 * result is complete whatever the node's limit; max_logs (0: no limit) caps what is kept
 * (-ETH_ERANGE past it). */
int eth_rpc_get_logs(eth_rpc *rpc, const eth_log_filter *f, size_t max_logs, eth_log_list *out,
                     eth_error *err) ETH_WARN_UNUSED;

#endif
