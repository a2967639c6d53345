/* test_eip712.c: EIP-712 typed data hashing (lib/eth/eip712.h).
 * The EIP's own example (assets/eip-712/Example.js in ethereum/EIPs: encodeType's typeHash,
 * encodeData's words, hashStruct, the domain separator, the digest, and its signature by
 * keccak256("cow")) through the JSON and through the builder; arrays, nested structs and
 * every atomic kind against a real anvil (eth_signTypedData_v4 by its dev account 0: the
 * signer recovered from anvil's signature over our digest must be that account, which holds
 * only when the digest is right); Safe's SafeTx as JSON equal to kms_safe_tx_hash and to the
 * cast vector of test_safe.c; a self-referencing type hashed as the EIP's dependency rule
 * says; and every refusal with its exact code (and words where people read them). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "anvil.h"
#include "eth/address.h"
#include "eth/eip712.h"
#include "eth/hex.h"
#include "eth/json.h"
#include "eth/key.h"
#include "eth/rpc.h"
#include "kms/safe_tx.h"

static test_anvil anvil;
static eth_rpc *rpc;

/* anvil's dev account 0, which signs for eth_signTypedData_v4. */
static const char DEV0[] = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

/* The JSON documents below are written with ' for " to stay readable; this turns one into
 * real JSON (printf-style, a new string the caller frees). */
static char *doc(const char *fmt, ...) ETH_PRINTF(1, 2);
static char *doc(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    for (char *p = s; *p; p++)
        if (*p == '\'')
            *p = '"';
    return s;
}

static void assert_hex(const uint8_t *p, size_t n, const char *want)
{
    char got[2 * 32 + 3];
    assert_true(n <= 32);
    eth_hex_encode(p, n, got);
    assert_string_equal(got, want);
}

static void hash_ok(const char *json, uint8_t digest[32], uint8_t ds[32], uint8_t sh[32])
{
    eth_error e = {0};
    int rc = eth_eip712_hash_json(json, strlen(json), digest, ds, sh, &e);
    if (rc)
        fprintf(stderr, "eip712: %s\n", e.msg);
    assert_int_equal(rc, 0);
}

static int group_setup(void **state)
{
    (void)state;
    eth_error e = {0};
    if (test_anvil_start(&anvil, NULL) || eth_rpc_open(anvil.url, NULL, &rpc, &e)) {
        fprintf(stderr, "test: %s\n", e.msg);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    eth_rpc_free(rpc);
    test_anvil_stop(&anvil);
    return 0;
}

/* ---- the EIP's example ---- */

static const char MAIL[] =
    "{'types': {'EIP712Domain': [{'name': 'name', 'type': 'string'},"
    "                            {'name': 'version', 'type': 'string'},"
    "                            {'name': 'chainId', 'type': 'uint256'},"
    "                            {'name': 'verifyingContract', 'type': 'address'}],"
    "           'Person': [{'name': 'name', 'type': 'string'}, {'name': 'wallet', 'type': 'address'}],"
    "           'Mail': [{'name': 'from', 'type': 'Person'}, {'name': 'to', 'type': 'Person'},"
    "                    {'name': 'contents', 'type': 'string'}]},"
    " 'primaryType': 'Mail',"
    " 'domain': {'name': 'Ether Mail', 'version': '1', 'chainId': 1,"
    "            'verifyingContract': '0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC'},"
    " 'message': {'from': {'name': 'Cow', 'wallet': '0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826'},"
    "             'to': {'name': 'Bob', 'wallet': '0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB'},"
    "             'contents': 'Hello, Bob!'}}";

/* Example.js: hashStruct(message) 0xc52c0e.., domain separator 0xf2cee3.., digest 0xbe609a..,
 * and the signature (v 28, r, s) of that digest by keccak256("cow"), whose address is
 * 0xcd2a3d9f938e13cd947ec05abc7fe734df8dd826: it recovers from our digest. The outputs other
 * than the digest may be NULL. */
static void test_eip_example_json(void **state)
{
    (void)state;
    char *json = doc(MAIL);
    uint8_t digest[32], ds[32], sh[32], again[32], who[20];
    hash_ok(json, digest, ds, sh);
    assert_hex(sh, 32, "0xc52c0ee5d84264471806290a3f2c4cecfc5490626bf912d01f240d7a274b371e");
    assert_hex(ds, 32, "0xf2cee375fa42b42143804025fc449deafd50cc031ca257e0b194a650a912090f");
    assert_hex(digest, 32, "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2");
    hash_ok(json, again, NULL, NULL);
    assert_memory_equal(again, digest, 32);

    eth_sig sig = {.v = 28 - 27};
    eth_error e = {0};
    assert_int_equal(eth_hex_decode_fixed("0x4355c47d63924e8a72e509b65029052eb6c299d53a04e167c5"
                                          "775fd466751c9d", sig.r, 32, &e), 0);
    assert_int_equal(eth_hex_decode_fixed("0x07299936d304c153f6443dfa05f40ff007d72911b6f72307f9"
                                          "96231605b91562", sig.s, 32, &e), 0);
    assert_int_equal(eth_recover_address(digest, &sig, who, &e), 0);
    assert_hex(who, 20, "0xcd2a3d9f938e13cd947ec05abc7fe734df8dd826");
    free(json);
}

/* The same through the builder: the typeHash of encodeType (Example.js 0xa0cede..), the words
 * of encodeData (hashStruct of from 0xfc71e5.., of to 0xcd54f0.., keccak256 of the contents
 * 0xb5aadf..), hashStruct and the digest. */
static void test_eip_example_builder(void **state)
{
    (void)state;
    static const char PERSON[] = "Person(string name,address wallet)";
    uint8_t mail_t[32], person_t[32], from[32], to[32], mail[32], domain[32], digest[32];
    uint8_t cow[20], bob[20];
    eth_error e = {0};
    eth_eip712_type_hash("Mail(Person from,Person to,string contents)"
                         "Person(string name,address wallet)", mail_t);
    assert_hex(mail_t, 32, "0xa0cedeb2dc280ba39b857546d74f5549c3a1d7bdc2dd96bf881f76108e23dac2");
    eth_eip712_type_hash(PERSON, person_t);
    assert_int_equal(eth_address_parse("0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826", cow, 1, &e), 0);
    assert_int_equal(eth_address_parse("0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB", bob, 1, &e), 0);

    eth_eip712_struct s;
    eth_eip712_struct_init(&s, person_t);
    eth_eip712_put_dynamic(&s, "Cow", 3);
    eth_eip712_put_address(&s, cow);
    eth_eip712_struct_final(&s, from);
    assert_hex(from, 32, "0xfc71e5fa27ff56c350aa531bc129ebdf613b772b6604664f5d8dbe21b85eb0c8");
    eth_eip712_struct_init(&s, person_t);
    eth_eip712_put_dynamic(&s, "Bob", 3);
    eth_eip712_put_address(&s, bob);
    eth_eip712_struct_final(&s, to);
    assert_hex(to, 32, "0xcd54f074a4af31b4411ff6a60c9719dbd559c221c8ac3492d9d872b041d703d1");

    eth_eip712_struct_init(&s, mail_t);
    eth_eip712_put_word(&s, from);
    eth_eip712_put_word(&s, to);
    eth_eip712_put_dynamic(&s, "Hello, Bob!", 11);
    eth_eip712_struct_final(&s, mail);
    assert_hex(mail, 32, "0xc52c0ee5d84264471806290a3f2c4cecfc5490626bf912d01f240d7a274b371e");

    assert_int_equal(eth_hex_decode_fixed("0xf2cee375fa42b42143804025fc449deafd50cc031ca257e0b194"
                                          "a650a912090f", domain, 32, &e), 0);
    eth_eip712_digest(domain, mail, digest);
    assert_hex(digest, 32, "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2");
}

/* ---- against anvil ---- */

/* Hashes json, has anvil's dev account 0 sign the same typed data with eth_signTypedData_v4,
 * and checks that the signer recovered over our digest is that account. */
static void assert_anvil_agrees(const char *json)
{
    uint8_t digest[32], who[20], dev0[20];
    eth_error e = {0};
    json_t *td = NULL, *result = NULL;
    hash_ok(json, digest, NULL, NULL);
    assert_int_equal(eth_json_parse(json, strlen(json), &td, &e), 0);
    json_t *params = json_pack("[so]", DEV0, td);
    int rc = eth_rpc_call(rpc, "eth_signTypedData_v4", params, &result, &e);
    if (rc)
        fprintf(stderr, "anvil: %s\n", e.msg);
    assert_int_equal(rc, 0);
    uint8_t rsv[65];
    assert_int_equal(eth_json_hex_fixed(result, "signature", rsv, 65, &e), 0);
    eth_sig sig = {.v = (uint8_t)(rsv[64] - 27)};
    memcpy(sig.r, rsv, 32);
    memcpy(sig.s, rsv + 32, 32);
    assert_int_equal(eth_recover_address(digest, &sig, who, &e), 0);
    assert_int_equal(eth_address_parse(DEV0, dev0, 1, &e), 0);
    assert_memory_equal(who, dev0, 20);
    json_decref(params);
    json_decref(result);
}

/* The EIP's example as anvil signs it (anvil computes the same digest as Example.js). */
static void test_anvil_mail(void **state)
{
    (void)state;
    char *json = doc(MAIL);
    assert_anvil_agrees(json);
    free(json);
}

/* Arrays of addresses and of structs (eth_signTypedData_v4's example: Person.wallets,
 * Mail.to as Person[]), with a type nobody references (Group) left out of every encodeType. */
static void test_anvil_struct_arrays(void **state)
{
    (void)state;
    char *json = doc(
        "{'types': {'EIP712Domain': [{'name': 'name', 'type': 'string'},"
        "                            {'name': 'version', 'type': 'string'},"
        "                            {'name': 'chainId', 'type': 'uint256'},"
        "                            {'name': 'verifyingContract', 'type': 'address'}],"
        "           'Person': [{'name': 'name', 'type': 'string'},"
        "                      {'name': 'wallets', 'type': 'address[]'}],"
        "           'Mail': [{'name': 'from', 'type': 'Person'}, {'name': 'to', 'type': 'Person[]'},"
        "                    {'name': 'contents', 'type': 'string'}],"
        "           'Group': [{'name': 'name', 'type': 'string'},"
        "                     {'name': 'members', 'type': 'Person[]'}]},"
        " 'primaryType': 'Mail',"
        " 'domain': {'name': 'Ether Mail', 'version': '1', 'chainId': 1,"
        "            'verifyingContract': '0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC'},"
        " 'message': {'from': {'name': 'Cow', 'wallets': ["
        "                '0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826',"
        "                '0xDeaDbeefdEAdbeefdEadbEEFdeadbeEFdEaDbeeF']},"
        "             'to': [{'name': 'Bob', 'wallets': ["
        "                '0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB',"
        "                '0xB0BdaBea57B0BDABeA57b0bdABEA57b0BDabEa57',"
        "                '0xB0B0b0b0b0b0B000000000000000000000000000']}],"
        "             'contents': 'Hello, Bob!'}}");
    assert_anvil_agrees(json);
    free(json);
}

/* Every kind at once: a fixed array of structs that hold struct arrays, a two-dimensional
 * int16[][2] with negative values as numbers and strings, bool[], bytes[] (one empty),
 * string[] (one empty, one not ASCII), bytes4, uint256 at its maximum and int256 at its
 * minimum as decimal strings, uint8 at 255, a domain with a salt and a hex chainId, and
 * lower-case addresses. */
static void test_anvil_every_kind(void **state)
{
    (void)state;
    char *json = doc(
        "{'types': {'EIP712Domain': [{'name': 'name', 'type': 'string'},"
        "                            {'name': 'chainId', 'type': 'uint256'},"
        "                            {'name': 'salt', 'type': 'bytes32'}],"
        "  'Person': [{'name': 'name', 'type': 'string'}, {'name': 'wallets', 'type': 'address[]'}],"
        "  'Group': [{'name': 'title', 'type': 'string'}, {'name': 'members', 'type': 'Person[]'},"
        "            {'name': 'lead', 'type': 'Person'}],"
        "  'Mail': [{'name': 'from', 'type': 'Person'}, {'name': 'to', 'type': 'Group[2]'},"
        "           {'name': 'contents', 'type': 'string'}, {'name': 'grid', 'type': 'int16[][2]'},"
        "           {'name': 'flags', 'type': 'bool[]'}, {'name': 'blobs', 'type': 'bytes[]'},"
        "           {'name': 'tag', 'type': 'bytes4'}, {'name': 'big', 'type': 'uint256'},"
        "           {'name': 'neg', 'type': 'int256'}, {'name': 'small', 'type': 'uint8'},"
        "           {'name': 'notes', 'type': 'string[]'}]},"
        " 'primaryType': 'Mail',"
        " 'domain': {'name': 'Arrays', 'chainId': '0x7a69', 'salt':"
        "            '0x00000000000000000000000000000000000000000000000000000000000000ff'},"
        " 'message': {"
        "  'from': {'name': 'Cow', 'wallets': ['0xcd2a3d9f938e13cd947ec05abc7fe734df8dd826',"
        "                                      '0xdeadbeefdeadbeefdeadbeefdeadbeefdeadbeef']},"
        "  'to': [{'title': 'a', 'members': [], 'lead': {'name': 'L', 'wallets': []}},"
        "         {'title': 'b', 'members': [{'name': 'M1', 'wallets':"
        "              ['0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB']},"
        "                                    {'name': 'M2', 'wallets': []}],"
        "          'lead': {'name': 'K', 'wallets': ['0x0000000000000000000000000000000000000001']}}],"
        "  'contents': 'Hello', 'grid': [[1, -2, '-300'], []], 'flags': [true, false],"
        "  'blobs': ['0x', '0x0102'], 'tag': '0x01020304',"
        "  'big': '115792089237316195423570985008687907853269984665640564039457584007913129639935',"
        "  'neg': '-57896044618658097711785492504343953926634992332820282019728792003956564819968',"
        "  'small': 255, 'notes': ['x', '', '\\u00fc']}}");
    assert_anvil_agrees(json);
    free(json);
}

/* ---- Safe ---- */

static const char SAFE_TX[] =
    "{'types': {'EIP712Domain': [{'name': 'chainId', 'type': 'uint256'},"
    "                            {'name': 'verifyingContract', 'type': 'address'}],"
    "  'SafeTx': [{'name': 'to', 'type': 'address'}, {'name': 'value', 'type': 'uint256'},"
    "             {'name': 'data', 'type': 'bytes'}, {'name': 'operation', 'type': 'uint8'},"
    "             {'name': 'safeTxGas', 'type': 'uint256'}, {'name': 'baseGas', 'type': 'uint256'},"
    "             {'name': 'gasPrice', 'type': 'uint256'}, {'name': 'gasToken', 'type': 'address'},"
    "             {'name': 'refundReceiver', 'type': 'address'},"
    "             {'name': 'nonce', 'type': 'uint256'}]},"
    " 'primaryType': 'SafeTx',"
    " 'domain': {'chainId': 31337, 'verifyingContract': '0x5FbDB2315678afecb367f032d93F642f64180aa3'},"
    " 'message': {'to': '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',"
    "             'value': '1000000000000000000', 'data': '0x79ba5097', 'operation': 1,"
    "             'safeTxGas': 5, 'baseGas': '6', 'gasPrice': '0x7',"
    "             'gasToken': '0x5FbDB2315678afecb367f032d93F642f64180aa3',"
    "             'refundReceiver': '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', 'nonce': 9}}";

/* Safe's SafeTx as a wallet receives it, for the transaction of test_safe.c's
 * test_tx_hash_vector (Safe T1 on chain 31337, the cast vector 0x2b8f19..): the digest, the
 * domain separator and the struct hash equal kms_safe_tx_hash, kms_safe_domain_separator and
 * kms_safe_tx_struct_hash of the same transaction built in C; anvil agrees. */
static void test_safe_tx_json(void **state)
{
    (void)state;
    char *json = doc(SAFE_TX);
    uint8_t digest[32], ds[32], sh[32], want[32], safe[20];
    eth_error e = {0};
    hash_ok(json, digest, ds, sh);
    assert_hex(digest, 32, "0x2b8f1982f3fb8e843b96d89fa12841630ecc67caf5a20ef3194e5dc32027e714");

    kms_safe_tx tx = {0};
    assert_int_equal(eth_address_parse("0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", tx.to, 1, &e), 0);
    assert_int_equal(eth_address_parse("0x5FbDB2315678afecb367f032d93F642f64180aa3", safe, 1, &e), 0);
    assert_int_equal(eth_address_parse("0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
                                       tx.refund_receiver, 1, &e), 0);
    memcpy(tx.gas_token, safe, 20);
    assert_int_equal(u256_parse("1000000000000000000", 19, &tx.value, &e), 0);
    assert_int_equal(eth_buf_append(&tx.data, "\x79\xba\x50\x97", 4, &e), 0);
    tx.operation = KMS_SAFE_DELEGATECALL;
    tx.safe_tx_gas = u256_from_u64(5);
    tx.base_gas = u256_from_u64(6);
    tx.gas_price = u256_from_u64(7);
    tx.nonce = u256_from_u64(9);
    assert_int_equal(kms_safe_tx_hash(&tx, 31337, safe, want, &e), 0);
    assert_memory_equal(digest, want, 32);
    kms_safe_domain_separator(31337, safe, want);
    assert_memory_equal(ds, want, 32);
    assert_int_equal(kms_safe_tx_struct_hash(&tx, want, &e), 0);
    assert_memory_equal(sh, want, 32);
    kms_safe_tx_clear(&tx);
    assert_anvil_agrees(json);
    free(json);
}

/* ---- self-reference ---- */

/* Node references itself (through Node[]) and Tag, which references Node back: hashing ends,
 * and each encodeType is the type then its other dependencies sorted, each once, as the EIP's
 * rule gives ("Node(..)Tag(..)" for Node, "Tag(..)Node(..)" for Tag). Checked by building the
 * same hashes with the builder. (anvil refuses circular types, so it cannot be the reference
 * here.) */
static void test_self_reference(void **state)
{
    (void)state;
    char *json = doc(
        "{'types': {'EIP712Domain': [{'name': 'name', 'type': 'string'}],"
        "  'Node': [{'name': 'value', 'type': 'int32'}, {'name': 'children', 'type': 'Node[]'},"
        "           {'name': 'tag', 'type': 'Tag'}],"
        "  'Tag': [{'name': 'name', 'type': 'string'}, {'name': 'seeAlso', 'type': 'Node[]'}]},"
        " 'primaryType': 'Node', 'domain': {'name': 'Tree'},"
        " 'message': {'value': -1, 'children': [], 'tag': {'name': 'root', 'seeAlso': []}}}");
    uint8_t sh[32], node_t[32], tag_t[32], empty[32], tag[32], want[32];
    hash_ok(json, want, NULL, sh);
    eth_eip712_type_hash("Node(int32 value,Node[] children,Tag tag)"
                         "Tag(string name,Node[] seeAlso)", node_t);
    eth_eip712_type_hash("Tag(string name,Node[] seeAlso)"
                         "Node(int32 value,Node[] children,Tag tag)", tag_t);
    eth_keccak256(NULL, 0, empty); /* an empty array: keccak256 of nothing */
    eth_eip712_struct s;
    eth_eip712_struct_init(&s, tag_t);
    eth_eip712_put_dynamic(&s, "root", 4);
    eth_eip712_put_word(&s, empty);
    eth_eip712_struct_final(&s, tag);
    u256 minus_one = u256_neg(&(u256){{1, 0, 0, 0}});
    eth_eip712_struct_init(&s, node_t);
    eth_eip712_put_uint(&s, &minus_one); /* int32 -1: two's complement over the word */
    eth_eip712_put_word(&s, empty);
    eth_eip712_put_word(&s, tag);
    eth_eip712_struct_final(&s, want);
    assert_memory_equal(sh, want, 32);
    free(json);
}

/* ---- refusals ---- */

/* Expects json to be refused with code and, when msg is not NULL, exactly msg; the digest
 * must stay as it was. */
static void assert_refused(const char *json, size_t n, int code, const char *msg)
{
    uint8_t digest[32];
    eth_error e = {0};
    memset(digest, 0xaa, 32);
    int rc = eth_eip712_hash_json(json, n, digest, NULL, NULL, &e);
    if (rc != -code || (msg && strcmp(e.msg, msg) != 0))
        fprintf(stderr, "for %.200s\n got %d: %s\n", json, rc, e.msg);
    assert_int_equal(rc, -code);
    assert_int_equal(e.code, code);
    if (msg)
        assert_string_equal(e.msg, msg);
    for (int i = 0; i < 32; i++)
        assert_int_equal(digest[i], 0xaa);
}

static void refused(int code, const char *msg, const char *fmt, ...) ETH_PRINTF(3, 4);
static void refused(int code, const char *msg, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char buf[8192];
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char *json = doc("%s", buf);
    assert_refused(json, strlen(json), code, msg);
    free(json);
}

/* A document with one type T of the given fields as the message's type. */
#define ONE_TYPE "{'types': {'EIP712Domain': [{'name': 'name', 'type': 'string'}], 'T': [%s]}," \
                 " 'primaryType': 'T', 'domain': {'name': 'x'}, 'message': %s}"

/* Malformed documents and type definitions. */
static void test_refuse_documents(void **state)
{
    (void)state;
    static const char BAD_JSON[] = "{\"types\": ";
    assert_refused(BAD_JSON, sizeof BAD_JSON - 1, ETH_EINVAL, NULL);
    refused(ETH_EINVAL, "typed data: expected a JSON object", "[]");
    refused(ETH_EINVAL, "unknown field 'extra' (known: types, primaryType, domain, message)",
            "{'types': {}, 'primaryType': 'T', 'domain': {}, 'message': {}, 'extra': 1}");
    refused(ETH_EINVAL, "missing field 'types'", "{'primaryType': 'T'}");
    refused(ETH_EINVAL, "types has no EIP712Domain: define the domain's fields",
            "{'types': {'T': []}, 'primaryType': 'T', 'domain': {}, 'message': {}}");
    refused(ETH_EINVAL, "missing field 'message'",
            "{'types': {'EIP712Domain': [], 'T': []}, 'primaryType': 'T', 'domain': {}}");
    refused(ETH_EINVAL, "primaryType 'Nope' is not defined in types",
            "{'types': {'EIP712Domain': [], 'T': []}, 'primaryType': 'Nope', 'domain': {},"
            " 'message': {}}");
    refused(ETH_EUNSUP, "primaryType EIP712Domain: kmsctl hashes a message of another type, "
                        "not the domain alone",
            "{'types': {'EIP712Domain': []}, 'primaryType': 'EIP712Domain', 'domain': {},"
            " 'message': {}}");
    refused(ETH_EINVAL, "domain: missing field 'name' of EIP712Domain",
            "{'types': {'EIP712Domain': [{'name': 'name', 'type': 'string'}], 'T': []},"
            " 'primaryType': 'T', 'domain': {}, 'message': {}}");
    refused(ETH_EINVAL, "types: 'address' cannot name a struct type: use an identifier that is "
                        "not an atomic type",
            "{'types': {'EIP712Domain': [], 'address': []}, 'primaryType': 'address',"
            " 'domain': {}, 'message': {}}");
    refused(ETH_EINVAL, "types: 'T[]' cannot name a struct type: use an identifier that is not "
                        "an atomic type",
            "{'types': {'EIP712Domain': [], 'T[]': []}, 'primaryType': 'T[]', 'domain': {},"
            " 'message': {}}");
    refused(ETH_EINVAL, "types.T must be an array of fields",
            "{'types': {'EIP712Domain': [], 'T': {}}, 'primaryType': 'T', 'domain': {},"
            " 'message': {}}");
}

static void test_refuse_fields(void **state)
{
    (void)state;
    refused(ETH_EINVAL, "field 'types.T[0].type': 'uint' is not a type in EIP-712's canonical "
                        "form (such as uint256, bytes32, string, Person, Person[], uint8[2])",
            ONE_TYPE, "{'name': 'a', 'type': 'uint'}", "{'a': 1}");
    refused(ETH_EINVAL, NULL, ONE_TYPE, "{'name': 'a', 'type': 'uint256 '}", "{'a': 1}");
    refused(ETH_EINVAL, NULL, ONE_TYPE, "{'name': 'a', 'type': 'bytes33'}", "{'a': 1}");
    refused(ETH_EINVAL, "field 'types.T[0].type': unknown type 'Persn': define it in types",
            ONE_TYPE, "{'name': 'a', 'type': 'Persn[2]'}", "{'a': []}");
    refused(ETH_EINVAL, "field 'types.T[0].type': '(uint256,bool)' is not an EIP-712 type",
            ONE_TYPE, "{'name': 'a', 'type': '(uint256,bool)'}", "{'a': 1}");
    refused(ETH_EINVAL, "field 'types.T[0].type': 'function' is not an EIP-712 type",
            ONE_TYPE, "{'name': 'a', 'type': 'function'}", "{'a': 1}");
    refused(ETH_EINVAL, "field 'types.T[1].name': T has two fields named 'a'", ONE_TYPE,
            "{'name': 'a', 'type': 'uint256'}, {'name': 'a', 'type': 'bool'}", "{'a': 1}");
    refused(ETH_EINVAL, "unknown field 'types.T[0].x' (known: name, type)", ONE_TYPE,
            "{'name': 'a', 'type': 'uint256', 'x': 1}", "{'a': 1}");
    refused(ETH_EINVAL, "missing field 'types.T[0].type'", ONE_TYPE, "{'name': 'a'}", "{'a': 1}");
    refused(ETH_EINVAL, "field 'types.T[0].name': 'a b' is not an identifier", ONE_TYPE,
            "{'name': 'a b', 'type': 'uint256'}", "{'a b': 1}");
    refused(ETH_EINVAL, "field 'types.T[0].name': '' is not an identifier", ONE_TYPE,
            "{'name': '', 'type': 'uint256'}", "{'': 1}");
    refused(ETH_EINVAL, "types.T[0] must be an object {\"name\", \"type\"}", ONE_TYPE, "'a'",
            "{}");
}

/* Values of the wrong kind or out of range, one field at a time, in a type that is fine with
 * the good values. */
#define VALUES_TYPES                                                                      \
    "{'types': {'EIP712Domain': [{'name': 'name', 'type': 'string'}],"                    \
    "  'S': [{'name': 'text', 'type': 'string'}],"                                        \
    "  'T': [{'name': 'small', 'type': 'uint8'}, {'name': 'neg', 'type': 'int8'},"        \
    "        {'name': 'who', 'type': 'address'}, {'name': 'tag', 'type': 'bytes4'},"      \
    "        {'name': 'blob', 'type': 'bytes'}, {'name': 'ok', 'type': 'bool'},"          \
    "        {'name': 'pair', 'type': 'uint256[2]'}, {'name': 's', 'type': 'S'}]},"       \
    " 'primaryType': 'T', 'domain': {'name': 'x'},"                                       \
    " 'message': {'small': %s, 'neg': %s, 'who': %s, 'tag': %s, 'blob': %s, 'ok': %s,"    \
    "             'pair': %s, 's': %s%s}}"

/* The good values of VALUES_TYPES, replaced one by one. */
static const char *const GOOD[] = {"255", "-128", "'0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD82a'",
                                   "'0x01020304'", "'0x'", "true", "[1, '0x2']",
                                   "{'text': 'hi'}", ""};

static void value_refused(size_t field, const char *value, int code, const char *msg)
{
    const char *v[9];
    memcpy(v, GOOD, sizeof v);
    v[field] = value;
    refused(code, msg, VALUES_TYPES, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
}

static void test_refuse_values(void **state)
{
    (void)state;
    uint8_t digest[32];
    char *good = doc(VALUES_TYPES, GOOD[0], GOOD[1], GOOD[2], GOOD[3], GOOD[4], GOOD[5],
                     GOOD[6], GOOD[7], GOOD[8]);
    hash_ok(good, digest, NULL, NULL); /* the mixed-case address need not be checksummed */
    free(good);
    value_refused(0, "256", ETH_ERANGE, "message.small: 256 is out of range for uint8");
    value_refused(0, "'-1'", ETH_ERANGE, "message.small: -1 is out of range for uint8");
    value_refused(0, "'0x100'", ETH_ERANGE, "message.small: 0x100 is out of range for uint8");
    value_refused(0, "1.5", ETH_EINVAL, "message.small: expected an integer (a JSON integer, or "
                                        "a string of decimal or 0x hex digits)");
    value_refused(0, "true", ETH_EINVAL, NULL);
    value_refused(0, "'12x'", ETH_EINVAL, NULL);
    value_refused(0, "''", ETH_EINVAL, NULL);
    value_refused(1, "-129", ETH_ERANGE, "message.neg: -129 is out of range for int8");
    value_refused(1, "'128'", ETH_ERANGE, "message.neg: 128 is out of range for int8");
    value_refused(2, "'0x1234'", ETH_EINVAL, NULL);
    value_refused(2, "1", ETH_EINVAL, "message.who: expected an address (a string of 40 hex "
                                      "digits)");
    value_refused(3, "'0x010203'", ETH_EINVAL, "message.tag: 3 bytes: bytes4 takes exactly 4");
    value_refused(3, "'01020304'", ETH_EINVAL, "message.tag: '01020304' is not 0x hex");
    value_refused(4, "'0xzz'", ETH_EINVAL, NULL);
    value_refused(4, "'0x123'", ETH_EINVAL, NULL);
    value_refused(5, "'true'", ETH_EINVAL, "message.ok: expected true or false");
    value_refused(6, "[1]", ETH_EINVAL, "message.pair: the type takes exactly 2 elements, not 1");
    value_refused(6, "[1, 2.5]", ETH_EINVAL, "message.pair[1]: expected an integer (a JSON "
                                             "integer, or a string of decimal or 0x hex digits)");
    value_refused(6, "{}", ETH_EINVAL, "message.pair: expected an array");
    value_refused(7, "{}", ETH_EINVAL, "message.s: missing field 'text' of S");
    value_refused(7, "{'text': 'hi', 'x': 1}", ETH_EINVAL, "message.s: 'x' is not a field of S");
    value_refused(7, "'hi'", ETH_EINVAL, "message.s: expected an object of type S");
    value_refused(7, "{'text': 7}", ETH_EINVAL, "message.s.text: expected a string");
    value_refused(8, ", 'zzz': 0", ETH_EINVAL, "message: 'zzz' is not a field of T");
    refused(ETH_EINVAL, "message: missing field 'a' of T", ONE_TYPE,
            "{'name': 'a', 'type': 'uint256'}", "{}");
    /* int8's ends and uint256's are fine */
    refused(ETH_ERANGE, NULL, ONE_TYPE, "{'name': 'a', 'type': 'uint256'}",
            "{'a': '115792089237316195423570985008687907853269984665640564039457584007913129639936'}");
    char *ok = doc(ONE_TYPE, "{'name': 'a', 'type': 'int8[2]'}", "{'a': [-128, '127']}");
    hash_ok(ok, digest, NULL, NULL);
    free(ok);
}

/* Caps: text size, types, fields, names, type text, array length, nesting; a type that refers
 * to itself is refused when its value nests too deep and ends on a missing field otherwise,
 * never looping. */
static void test_refuse_caps(void **state)
{
    (void)state;
    eth_buf b = {.limit = 0};
    eth_error e = {0};
    /* ETH_EIP712_MAX_JSON + 1 bytes: refused before parsing */
    assert_int_equal(eth_buf_fill(&b, ' ', ETH_EIP712_MAX_JSON + 1, &e), 0);
    assert_refused((const char *)b.data, b.len, ETH_ERANGE,
                   "typed data of 1048577 bytes: kmsctl reads at most 1048576");
    b.len = 0;

    /* 65 types */
    assert_int_equal(eth_buf_append_str(&b, "{'types': {'EIP712Domain': []", &e), 0);
    for (int i = 0; i < ETH_EIP712_MAX_TYPES; i++)
        assert_int_equal(eth_buf_printf(&b, &e, ", 'T%d': []", i), 0);
    assert_int_equal(eth_buf_append_str(&b, "}, 'primaryType': 'T0', 'domain': {}, "
                                            "'message': {}}", &e), 0);
    assert_int_equal(eth_buf_terminate(&b, &e), 0);
    refused(ETH_ERANGE, "types has 65 entries: kmsctl takes at most 64", "%s", eth_buf_str(&b));
    b.len = 0;

    /* 65 fields */
    for (int i = 0; i <= ETH_EIP712_MAX_FIELDS; i++)
        assert_int_equal(eth_buf_printf(&b, &e, "%s{'name': 'f%d', 'type': 'bool'}",
                                        i ? ", " : "", i), 0);
    assert_int_equal(eth_buf_terminate(&b, &e), 0);
    refused(ETH_ERANGE, "types.T has 65 fields: kmsctl takes at most 64", ONE_TYPE,
            eth_buf_str(&b), "{}");
    b.len = 0;

    /* a name of 65 characters, a type text of 129 */
    char name[ETH_EIP712_MAX_NAME + 2], type[ETH_EIP712_MAX_TYPE_TEXT + 2], field[256];
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    memset(type, 'T', sizeof type - 1);
    type[sizeof type - 1] = '\0';
    snprintf(field, sizeof field, "{'name': '%s', 'type': 'bool'}", name);
    refused(ETH_ERANGE, NULL, ONE_TYPE, field, "{}");
    refused(ETH_ERANGE, NULL, "{'types': {'EIP712Domain': [], '%s': []}, 'primaryType': 'x',"
                              " 'domain': {}, 'message': {}}", name);
    snprintf(field, sizeof field, "{'name': 'a', 'type': '%s'}", type);
    refused(ETH_ERANGE, NULL, ONE_TYPE, field, "{}");

    /* an array of 1025 elements */
    assert_int_equal(eth_buf_append_str(&b, "{'a': [0", &e), 0);
    for (int i = 0; i < ETH_EIP712_MAX_ARRAY; i++)
        assert_int_equal(eth_buf_append_str(&b, ",0", &e), 0);
    assert_int_equal(eth_buf_append_str(&b, "]}", &e), 0);
    assert_int_equal(eth_buf_terminate(&b, &e), 0);
    refused(ETH_ERANGE, "message.a: 1025 elements: kmsctl takes at most 1024", ONE_TYPE,
            "{'name': 'a', 'type': 'uint8[]'}", eth_buf_str(&b));
    b.len = 0;

    /* Node(Node next): 20 levels are too deep (the message is level 1, so the 16th is the
     * deepest taken); 3 levels end on the missing field */
    for (int i = 0; i < 20; i++)
        assert_int_equal(eth_buf_append_str(&b, "{'next': ", &e), 0);
    assert_int_equal(eth_buf_append_str(&b, "{}", &e), 0);
    for (int i = 0; i < 20; i++)
        assert_int_equal(eth_buf_append_str(&b, "}", &e), 0);
    assert_int_equal(eth_buf_terminate(&b, &e), 0);
    refused(ETH_ERANGE, "message.next.next.next.next.next.next.next.next.next.next.next.next.next"
                        ".next.next.next: nested deeper than 16 levels of structs and arrays",
            ONE_TYPE, "{'name': 'next', 'type': 'T'}", eth_buf_str(&b));
    refused(ETH_EINVAL, "message.next.next: missing field 'next' of T", ONE_TYPE,
            "{'name': 'next', 'type': 'T'}", "{'next': {'next': {}}}");
    /* arrays count as levels too: uint8[][]... 16 deep */
    refused(ETH_ERANGE, NULL, ONE_TYPE, "{'name': 'a', 'type': 'uint8[][][][][][][][][][][][][][][][]'}",
            "{'a': [[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]}");
    eth_buf_clear(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eip_example_json),
        cmocka_unit_test(test_eip_example_builder),
        cmocka_unit_test(test_anvil_mail),
        cmocka_unit_test(test_anvil_struct_arrays),
        cmocka_unit_test(test_anvil_every_kind),
        cmocka_unit_test(test_safe_tx_json),
        cmocka_unit_test(test_self_reference),
        cmocka_unit_test(test_refuse_documents),
        cmocka_unit_test(test_refuse_fields),
        cmocka_unit_test(test_refuse_values),
        cmocka_unit_test(test_refuse_caps),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
