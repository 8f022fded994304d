/*
 * Private declarations shared by the library's source files. Nothing here is
 * installed or exported: internal names start with "acp_" so that the
 * exported-symbol check is a pattern match ("ac_" only).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AGENTCONV_INTERNAL_H
#define AGENTCONV_INTERNAL_H

#include <locale.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "agentconv/agentconv.h"

#if defined(__GNUC__) || defined(__clang__)
#define ACP_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define ACP_PRINTF(f, a)
#endif

/* ---- values ---- */

typedef struct acp_entry {
    char *key;
    size_t key_len;
    ac_value *value;
    int key_line; /* where the key was written, 0 when unknown */
    int key_column;
} acp_entry;

struct ac_value {
    ac_type type;
    int line;
    int column;
    union {
        bool b;
        int64_t i;
        double d;
        struct {
            char *s;
            size_t len;
        } str;
        struct {
            ac_value **items;
            size_t len;
            size_t cap;
        } list;
        struct {
            acp_entry *entries;
            size_t len;
            size_t cap;
            uint32_t *index; /* open addressing: entry number + 1, 0 empty */
            size_t index_cap;
        } map;
    } u;
};

/** Position of the map entry with this key, or -1. */
long acp_map_find(const ac_value *map, const char *key, size_t len);

/**
 * Append an entry whose key the caller knows is new (readers check
 * duplicates first with acp_map_find). `value` is stolen.
 */
ac_status acp_map_append(ac_value *map, const char *key, size_t len,
                         ac_value *value);

/** Number of nodes in the tree under `v`, `v` included. */
size_t acp_value_count(const ac_value *v);

/* ---- documents ---- */

struct ac_doc {
    ac_value *fields;
    char *instructions;
    size_t instructions_len;
    int instructions_line;
};

/* ---- collections (several agents in one file) ---- */

/**
 * The end of the messages that refuse a collection where one agent is read
 * (ac_read on a JSON array, a YAML sequence or stream, an XML <agents>).
 */
#define ACP_COLLECTION_HINT "convert it whole, or split it with --split"

/**
 * For the writers of collections: add to the error of the agent at
 * `index` (0-based) which agent it is, e.g. " (in agent 2 of the
 * collection, \"reviewer\")" (the name when the agent has a string name).
 * `error` NULL is accepted.
 */
void acp_error_in_agent(ac_error *error, size_t index, const ac_doc *doc);

/* ---- buffers ---- */

struct ac_buf {
    char *data;
    size_t len;
    size_t cap;
};

/** Initialize an empty buffer (no allocation). */
void acp_buf_init(ac_buf *buf);

/** Release the buffer's memory and make it empty. */
void acp_buf_release(ac_buf *buf);

/** Make room for `extra` more bytes (and the NUL after them) without
 * changing the contents: AC_OK or AC_ERR_NOMEM. */
ac_status acp_buf_reserve(ac_buf *buf, size_t extra);

/**
 * Hand the buffer's bytes to the caller as a NUL-terminated string to free()
 * (an empty buffer gives ""). Returns NULL when out of memory.
 */
char *acp_buf_detach(ac_buf *buf, size_t *len);

/* ---- contexts ---- */

struct ac_context {
    const ac_format **formats;
    size_t format_count;
    size_t format_cap;
    uint64_t limits[AC_LIMIT_COUNT_];
    ac_warning_fn warn;
    void *warn_user;
    locale_t c_locale; /* for numbers, independent of the host's locale */
    /* Strict mode: inside ac_read/ac_write (strict_depth > 0) the first
     * warning is kept in strict_warning (strict_pending set) instead of
     * going to the handler, and the call fails with it. */
    bool strict;
    bool strict_pending;
    int strict_depth;
    ac_error strict_warning;
    char **field_names; /* more field names for the recovery (owned) */
    size_t field_name_count;
    /* dialects (dialect.c) */
    const ac_dialect **dialects;
    size_t dialect_count;
    size_t dialect_cap;
    struct acp_model_spelling *models; /* ac_context_add_model (owned) */
    size_t model_count;
    /* Plugins added (plugin.c), in order; handles[i] is the dlopen handle of
     * plugins[i], NULL for one added with ac_context_add_plugin. */
    const ac_plugin **plugins;
    void **plugin_handles;
    size_t plugin_count;
    size_t plugin_cap;
    /* For unique temporary file names (io.c). */
    unsigned long temp_counter;
};

/* ---- dialects (dialect.c) ---- */

/** A model spelling added by ac_context_add_model. */
typedef struct acp_model_spelling {
    char *dialect;
    char *name;
    char *term;
} acp_model_spelling;

/** Add the built-in dialects to a new context. */
ac_status acp_dialects_init(ac_context *ctx);
/** Release what the context holds for dialects. */
void acp_dialects_free(ac_context *ctx);

extern const ac_dialect *const acp_builtin_dialects[];
extern const size_t acp_builtin_dialect_count;

/** Unload the context's plugins (ac_context_free, after its formats). */
void acp_plugins_release(ac_context *ctx);

/**
 * Read a whole stream into a new buffer (`*data`, NUL-terminated, `*len`
 * bytes), stopping once more than `limit` bytes are read. Returns AC_OK,
 * AC_ERR_NOMEM or AC_ERR_IO (errno tells why).
 */
ac_status acp_slurp(FILE *fp, uint64_t limit, char **data, size_t *len);

/* ---- errors ---- */

/**
 * Fill `error` (NULL accepted) with a status, source, position and a
 * printf-like message. Returns `status` so callers can `return
 * acp_error_set(...)`.
 */
ac_status acp_error_set(ac_error *error, ac_status status, const char *source,
                        int line, int column, long position, const char *fmt,
                        ...) ACP_PRINTF(7, 8);

/** Same, with a va_list. */
ac_status acp_error_vset(ac_error *error, ac_status status, const char *source,
                         int line, int column, long position, const char *fmt,
                         va_list ap) ACP_PRINTF(7, 0);

/* clang's static analyzer (clang-tidy, scripts/static-analysis.sh) looks
 * at one file at a time and cannot see that these return their `status`:
 * it would follow every `return fail(...)` as a possible success and
 * report the outputs such a success leaves unset. Under the analyzer
 * only, say so (the status is evaluated twice: it is always a plain
 * value). docs/hardening.md. */
#ifdef __clang_analyzer__
#define acp_error_set(error, status, ...)                                      \
    (acp_error_set((error), (status), __VA_ARGS__), (status))
#define acp_error_vset(error, status, ...)                                     \
    (acp_error_vset((error), (status), __VA_ARGS__), (status))
#endif

/**
 * A type with its article, for messages: "null", "a boolean", "an
 * integer", "a number", "a string", "a list", "a map".
 */
const char *acp_type_phrase(ac_type type);

/* ---- UTF-8 and positions ---- */

/**
 * Check that `s` is UTF-8 with no NUL character and no overlong form,
 * surrogate or code point above U+10FFFF. Returns true when it is; else
 * stores the offset of the first bad byte in `*bad` and whether the fault
 * is a NUL in `*is_nul`.
 */
bool acp_utf8_check(const char *s, size_t len, size_t *bad, bool *is_nul);

/**
 * The 1-based line and column (in code points) of byte `offset` of `s`.
 * A CRLF pair counts as one line end, as does a lone CR.
 */
void acp_line_column(const char *s, size_t len, size_t offset, int *line,
                     int *column);

/**
 * Check the text for UTF-8 and NUL faults; on a fault fill `error` with the
 * line and column of the first bad byte and return AC_ERR_ENCODING.
 */
ac_status acp_check_text(const char *s, size_t len, const char *source,
                         ac_error *error);

/**
 * For writers: check that a string of the model is UTF-8 without NUL, and
 * fill `error` naming `what` ("a key", "the instructions") when it is not.
 * Returns AC_OK or AC_ERR_ENCODING.
 */
ac_status acp_check_string(const char *s, size_t len, const char *what,
                           ac_error *error);

/** Short printable description of the byte(s) at `s` for messages. */
void acp_describe_byte(unsigned char c, char out[16]);

/* ---- where a writer is (write_path.c) ---- */

/** One step of the path from the fields to the value being written, kept
 * on the writer's C stack so that an error can name where it is. */
typedef struct acp_path_step {
    const struct acp_path_step *parent;
    const char *key; /* NULL: a list item */
    size_t key_len;
    size_t index;
} acp_path_step;

/**
 * Render the path as a JSON pointer ("/tools/2", "" for the fields), built
 * from the end backwards so that no recursion is needed; a path too long
 * for `buf` keeps its last steps and starts with "...".
 */
void acp_path_text(const acp_path_step *step, char *buf, size_t size);

/** What a piece of model text is, for messages. */
typedef enum acp_text_kind {
    ACP_TEXT_STRING,
    ACP_TEXT_KEY, /* `step` is then the path of the map holding the key */
    ACP_TEXT_INSTRUCTIONS
} acp_text_kind;

/** Name the place of a text: "the string at /tools/1", "the instructions",
 * "a key of the fields", "a key of the map at /m". */
void acp_text_place(const acp_path_step *step, acp_text_kind kind, char *what,
                    size_t size);

/**
 * For writers: model strings are UTF-8 without NUL, but the API does not
 * check strings built through it, so writers check before they write a file
 * that could not be read back. Returns AC_OK or AC_ERR_ENCODING with the
 * place named (acp_text_place).
 */
ac_status acp_check_text_at(const char *s, size_t len,
                            const acp_path_step *step, acp_text_kind kind,
                            ac_error *error);

/* ---- numbers (locale-independent) ---- */

/**
 * Write `d` (finite) in its shortest form that reads back exactly, always
 * with a '.' or an exponent so it reads back as a float: "0.1", "100.0",
 * "1.0e+100", "-0.0". `out` must hold 32 bytes. Returns the length.
 */
int acp_format_number(const ac_context *ctx, double d, char out[32]);

/**
 * Parse a decimal float (C syntax, '.' as the decimal point whatever the
 * host's locale). `s` is `len` bytes, not NUL-terminated. Returns false when
 * the text is not entirely a number or is out of range.
 */
bool acp_parse_number(const ac_context *ctx, const char *s, size_t len,
                      double *out);

/* ---- small string helpers (ASCII, locale-independent) ---- */

bool acp_ascii_iequal(const char *a, const char *b);
char *acp_strndup(const char *s, size_t len);

/* ---- built-in formats ---- */

extern const ac_format acp_format_md;
extern const ac_format acp_format_json;
extern const ac_format acp_format_yaml;
extern const ac_format acp_format_xml;
extern const ac_format acp_format_html;

/** The built-in formats, in the order --list-formats shows them. */
extern const ac_format *const acp_builtin_formats[];
extern const size_t acp_builtin_format_count;

#endif /* AGENTCONV_INTERNAL_H */
