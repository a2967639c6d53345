/* eip712.h: EIP-712 typed structured data, the hash a wallet signs for eth_signTypedData_v4.
 *
 *   digest     = keccak256(0x19 0x01 ++ domainSeparator ++ hashStruct(message))
 *   hashStruct = keccak256(typeHash ++ encodeData(value)), typeHash = keccak256(encodeType)
 *   encodeType = "Name(type1 name1,type2 name2)" followed by the definitions of every struct
 *                type it references, directly or not, sorted by name ("Mail(Person from,Person
 *                to,string contents)Person(string name,address wallet)")
 *
 * encodeData is one 32-byte word per field: atomic values (address, bool, uintN, intN, bytesN)
 * as their ABI word; bytes and string as keccak256 of their content; an array as keccak256 of
 * its elements' words concatenated; a struct as its hashStruct. domainSeparator is the
 * hashStruct of the domain as an EIP712Domain.
 *
 * Two ways in: eth_eip712_hash_json takes the JSON a wallet receives, which comes from a
 * stranger and is checked strictly (caps below); for a structure fixed in C (Safe's SafeTx) the
 * eth_eip712_struct builder encodes field by field. */
#ifndef ETH_EIP712_H
#define ETH_EIP712_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "keccak.h"
#include "u256.h"

/* Caps on typed-data JSON: bytes of text; entries of "types" (EIP712Domain included); fields
 * of one type; nesting of structs and arrays in a value (message and domain are level 1);
 * elements of one array value; characters of a type or field name; characters of a field's
 * type text ("Person[][2]"). Past any of them the JSON is refused with ETH_ERANGE. */
#define ETH_EIP712_MAX_JSON (1u << 20)
#define ETH_EIP712_MAX_TYPES 64
#define ETH_EIP712_MAX_FIELDS 64
#define ETH_EIP712_MAX_DEPTH 16
#define ETH_EIP712_MAX_ARRAY 1024
#define ETH_EIP712_MAX_NAME 64
#define ETH_EIP712_MAX_TYPE_TEXT 128

/* Hashes typed data given as the JSON eth_signTypedData_v4 takes:
 *   {"types": {"EIP712Domain": [{"name": .., "type": ..}, ..], "Name": [..], ..},
 *    "primaryType": "Name", "domain": {..}, "message": {..}}
 * Types are written canonically ("uint256", not "uint"); a field type is an atomic type,
 * bytes, string, a name defined in "types", or one of these with array suffixes ("[]", "[k]").
 * Values are read as wallets give them: addresses as 40 hex digits (0x optional, any case: the
 * checksum is not checked); bool as true or false; uintN and intN as JSON integers or as
 * strings of decimal or 0x hex digits (a leading '-' for intN); bytes and bytesN as 0x hex
 * (bytesN exactly N bytes); string as a JSON string; arrays as JSON arrays (exactly k elements
 * for T[k]); structs as objects with every field of the type and no other member.
 *
 * Returns 0 and writes the digest a wallet signs, or:
 *   -ETH_EINVAL  not JSON, a top-level member missing or unknown, a name that is not an
 *                identifier, a field defined twice, a type not defined or not canonical, no
 *                EIP712Domain, a value of the wrong kind or malformed, a struct value with a
 *                field missing or an extra member, a fixed array of another length;
 *   -ETH_ERANGE  a number outside its type, or past one of the caps above (a name or type
 *                text too long, too many types or fields, too deep, an array too long);
 *   -ETH_EUNSUP  primaryType EIP712Domain (a wallet signs the domain alone; kmsctl does not);
 *   -ETH_ENOMEM.
 * Messages name the place ("message.to[1].wallet: ...", "types.Mail[0].type: ...").
 * In:  text[0..n) (not NULL), borrowed.
 * Out: digest (not NULL); domain_separator and struct_hash (hashStruct(message)), each may be
 *      NULL when not wanted. Nothing is written on failure. */
int eth_eip712_hash_json(const char *text, size_t n, uint8_t digest[32],
                         uint8_t domain_separator[32], uint8_t struct_hash[32], eth_error *err)
    ETH_WARN_UNUSED;

/* Writes keccak256(encoded_type) to out: the typeHash of a struct whose encodeType (with its
 * referenced types, sorted) is the NUL-terminated encoded_type, hashed as is. Cannot fail. */
void eth_eip712_type_hash(const char *encoded_type, uint8_t out[32]);

/* The encodeData of one struct in progress: start it with the type's typeHash, add one word
 * per field in the type's order, and finish it into the hashStruct. Plain data on the
 * caller's stack; nothing to free. */
typedef struct eth_eip712_struct {
    eth_keccak k;
} eth_eip712_struct;

/* Starts the hashStruct of a struct whose typeHash is type_hash. s, type_hash not NULL. */
void eth_eip712_struct_init(eth_eip712_struct *s, const uint8_t type_hash[32]);

/* Adds a field that is already one word: a bytes32, a nested struct's hashStruct, an array's
 * hash. s, word not NULL. */
void eth_eip712_put_word(eth_eip712_struct *s, const uint8_t word[32]);

/* Adds an address field (left-padded to a word). s, addr not NULL. */
void eth_eip712_put_address(eth_eip712_struct *s, const uint8_t addr[20]);

/* Adds a uintN field (a uint8 such as Safe's operation included). s, v not NULL. */
void eth_eip712_put_uint(eth_eip712_struct *s, const u256 *v);

/* Adds a bytes or string field: keccak256 of p[0..n). s not NULL; p may be NULL if n is 0. */
void eth_eip712_put_dynamic(eth_eip712_struct *s, const void *p, size_t n);

/* Writes the hashStruct to out; s is wiped and may be started again. s, out not NULL. */
void eth_eip712_struct_final(eth_eip712_struct *s, uint8_t out[32]);

/* Writes keccak256(0x19 0x01 ++ domain_separator ++ struct_hash) to out: the digest a wallet
 * signs. None may be NULL; out may alias either input. Cannot fail. */
void eth_eip712_digest(const uint8_t domain_separator[32], const uint8_t struct_hash[32],
                       uint8_t out[32]);

#endif
