/* embed_artifacts.c: build-time generator that turns the JSON files in contracts/artifacts into C data
 * (lib/kms/artifacts.h's table), so kmsctl needs no file lookup at run time.
 * Usage: embed_artifacts ARTIFACT_DIR OUTPUT.c */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eth/hex.h"

static int fail(const char *what, const char *detail)
{
    fprintf(stderr, "embed_artifacts: %s: %s\n", what, detail);
    return 1;
}

/* Separator before the i-th element of an array initializer, 24 elements a line. */
static const char *sep(size_t i)
{
    return i == 0 ? "\n " : i % 24 ? "," : ",\n ";
}

/* Writes s (with its NUL) as a char array; avoids string literals over ISO C's length limit. */
static void emit_chars(FILE *out, const char *var, const char *s)
{
    fprintf(out, "static const char %s[] = {", var);
    for (size_t i = 0;; i++) {
        fprintf(out, "%s%d", sep(i), (unsigned char)s[i]);
        if (!s[i])
            break;
    }
    fputs("};\n", out);
}

/* Writes 0x-hex text as a byte array; returns its length or -1 on bad hex. */
static long emit_bytes(FILE *out, const char *var, const char *hex)
{
    if (hex[0] == '0' && hex[1] == 'x')
        hex += 2;
    size_t n = strlen(hex);
    if (n % 2)
        return -1;
    fprintf(out, "static const unsigned char %s[] = {", var);
    if (n == 0)
        fputs("0", out); /* C has no empty initializer; the length says 0 */
    for (size_t i = 0; i < n; i += 2) {
        int hi = eth_hex_digit(hex[i]), lo = eth_hex_digit(hex[i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        fprintf(out, "%s%d", sep(i / 2), hi << 4 | lo);
    }
    fputs("};\n", out);
    return (long)(n / 2);
}

static const char *str_field(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

static const char *hash_field(json_t *art, const char *which)
{
    return str_field(json_object_get(json_object_get(art, "hashes"), which), "keccak256");
}

/* Emits the sorted runtime offsets of the artifact's 32-byte immutable words as imm_IDX; writes
 * the count to *n (0: no array is emitted). Returns 0 or -1 (a reference is not 32 bytes). */
static int emit_immutables(FILE *out, size_t idx, json_t *art, size_t *n)
{
    unsigned long offs[256];
    const char *key;
    json_t *refs;
    *n = 0;
    json_object_foreach(json_object_get(art, "immutableReferences"), key, refs) {
        size_t i;
        json_t *r;
        json_array_foreach(refs, i, r) {
            if (json_integer_value(json_object_get(r, "length")) != 32 || *n == 256)
                return -1;
            offs[(*n)++] = (unsigned long)json_integer_value(json_object_get(r, "start"));
        }
    }
    for (size_t i = 1; i < *n; i++) /* insertion sort: a handful of entries */
        for (size_t j = i; j > 0 && offs[j - 1] > offs[j]; j--) {
            unsigned long t = offs[j];
            offs[j] = offs[j - 1];
            offs[j - 1] = t;
        }
    if (*n == 0)
        return 0;
    fprintf(out, "static const uint32_t imm_%zu[] = {", idx);
    for (size_t i = 0; i < *n; i++)
        fprintf(out, "%s%lu", i ? ", " : "", offs[i]);
    fputs("};\n", out);
    return 0;
}

/* Emits the artifact's storage layout (an object) as layout_IDX and writes that name, or NULL
 * when the artifact has none, to var. Returns 0 or -1 (out of memory). */
static int emit_layout(FILE *out, size_t idx, json_t *art, char var[32])
{
    json_t *layout = json_object_get(art, "storageLayout");
    strcpy(var, "NULL");
    if (!json_is_object(layout))
        return 0;
    char *text = json_dumps(layout, JSON_COMPACT | JSON_SORT_KEYS);
    if (!text)
        return -1;
    snprintf(var, 32, "layout_%zu", idx);
    emit_chars(out, var, text);
    free(text);
    return 0;
}

/* Emits one artifact's data arrays and its table row (into rows). */
static int emit_artifact(FILE *out, FILE *rows, size_t idx, json_t *art)
{
    char var[64];
    char *abi = json_dumps(json_object_get(art, "abi"), JSON_COMPACT | JSON_SORT_KEYS);
    char *settings = json_dumps(json_object_get(art, "settings"), JSON_COMPACT | JSON_SORT_KEYS);
    if (!abi || !settings)
        return fail(str_field(art, "name"), "missing abi or settings");
    snprintf(var, sizeof var, "abi_%zu", idx);
    emit_chars(out, var, abi);
    snprintf(var, sizeof var, "settings_%zu", idx);
    emit_chars(out, var, settings);
    free(abi);
    free(settings);
    snprintf(var, sizeof var, "code_%zu", idx);
    long code = emit_bytes(out, var, str_field(art, "bytecode"));
    snprintf(var, sizeof var, "runtime_%zu", idx);
    long runtime = emit_bytes(out, var, str_field(art, "deployedBytecode"));
    if (code < 0 || runtime < 0)
        return fail(str_field(art, "name"), "bytecode is not hex");
    size_t nimm;
    if (emit_immutables(out, idx, art, &nimm) != 0)
        return fail(str_field(art, "name"), "an immutable reference is not one 32-byte word");
    char imm[32] = "NULL", layout[32];
    if (nimm)
        snprintf(imm, sizeof imm, "imm_%zu", idx);
    if (emit_layout(out, idx, art, layout) != 0)
        return fail(str_field(art, "name"), "out of memory writing the storage layout");
    fprintf(rows,
            "    {\"%s\", \"%s\", \"%s\", settings_%zu, abi_%zu, code_%zu, %ld, runtime_%zu, %ld,\n"
            "     \"%s\", \"%s\", %s, %zu, %s},\n",
            str_field(art, "name"), str_field(art, "source"), str_field(art, "compiler"), idx, idx,
            idx, code, idx, runtime, hash_field(art, "bytecode"), hash_field(art, "deployedBytecode"),
            imm, nimm, layout);
    return 0;
}

static json_t *load(const char *dir, const char *file)
{
    char path[4096];
    json_error_t je;
    snprintf(path, sizeof path, "%s/%s", dir, file);
    json_t *j = json_load_file(path, 0, &je);
    if (!j)
        fprintf(stderr, "embed_artifacts: %s: %s (line %d)\n", path, je.text, je.line);
    return j;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return fail("usage", "embed_artifacts ARTIFACT_DIR OUTPUT.c");
    json_t *index = load(argv[1], "index.json");
    if (!index)
        return 1;
    FILE *out = fopen(argv[2], "w"), *rows = tmpfile();
    if (!out || !rows)
        return fail(argv[2], "cannot write");
    fputs("/* Generated by tools/embed_artifacts.c from contracts/artifacts: do not edit. */\n"
          "#include \"kms/artifacts.h\"\n\n", out);
    json_t *list = json_object_get(index, "artifacts"), *entry;
    size_t i;
    json_array_foreach(list, i, entry) {
        json_t *art = load(argv[1], str_field(entry, "file"));
        if (!art || emit_artifact(out, rows, i, art))
            return 1;
        json_decref(art);
    }
    fputs("\nconst kms_artifact kms_artifact_table[] = {\n", out);
    rewind(rows);
    for (int c; (c = fgetc(rows)) != EOF;)
        fputc(c, out);
    fprintf(out, "};\nconst size_t kms_artifact_table_len = %zu;\n", json_array_size(list));
    json_decref(index);
    fclose(rows);
    return fclose(out) ? fail(argv[2], "write failed") : 0;
}
