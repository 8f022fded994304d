/*
 * agentconv: convert AI agent definitions between markdown with YAML front
 * matter, JSON, YAML and XML, through one intermediate model.
 *
 * Conventions used throughout this header:
 * - "new": the caller owns the returned object and releases it with the
 *   matching _free function (or free() where that is said).
 * - "borrowed": the pointer stays valid as long as its owner lives and is
 *   not modified; the caller must not free it.
 * - "stolen": ownership of an argument passes to the callee, also when the
 *   call fails (so constructors can be nested safely).
 * - Functions that can fail return an ac_status (AC_OK is 0) and fill an
 *   ac_error when one is passed (NULL is accepted).
 * - The library keeps no global state of its own and installs no hook in
 *   its dependencies (no libxml2 error handler, no jansson allocator, no
 *   setlocale); the host's stay as they are.
 * - Thread safety: every declaration says which of these applies.
 *   "any thread": the function touches nothing but its arguments (or
 *   state made safe inside, such as libxml2's one-time setup); it may be
 *   called from any thread at any time.
 *   "pure" is "any thread" for a function whose result depends on its
 *   arguments alone and which changes nothing.
 *   "object": the function reads or changes only the values, documents or
 *   buffers passed; calls on distinct objects may run at the same time,
 *   and calls that only read (const arguments) may share an object that no
 *   thread changes meanwhile.
 *   "context": the function uses its context (formats, limits, handlers,
 *   strict state, plugins). A context must be used by one thread at a
 *   time (the caller serializes); distinct contexts may be used from
 *   different threads at the same time, and the values and documents they
 *   made then follow the "object" rule. Handlers are called on the thread
 *   that made the call.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AGENTCONV_H
#define AGENTCONV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "agentconv/export.h"
#include "agentconv/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * Status codes and the error struct
 * ------------------------------------------------------------------------ */

/** What a call returned. AC_OK is 0; every other value is a failure. */
typedef enum ac_status {
    AC_OK = 0,
    AC_ERR_SYNTAX,      /**< the input is not valid in its form */
    AC_ERR_STRUCTURE,   /**< valid syntax, but not an agent definition */
    AC_ERR_ENCODING,    /**< invalid UTF-8 or a NUL character */
    AC_ERR_LIMIT,       /**< a safety limit of the context was reached */
    AC_ERR_IO,          /**< a file could not be read or written */
    AC_ERR_NOMEM,       /**< an allocation failed */
    AC_ERR_UNSUPPORTED, /**< the format cannot read, or cannot write */
    AC_ERR_ARGUMENT,    /**< a caller passed an invalid argument */
    AC_ERR_STRICT,      /**< a warning under strict mode (see
                             ac_context_set_strict) */
    AC_ERR_NOT_AGENT    /**< the input holds no agent definition at all: a
                             markdown file without front matter (a README,
                             a license); a batch walk skips those */
} ac_status;

/** Size of the fixed text buffers of ac_error. */
#define AC_ERROR_TEXT_LENGTH 320
#define AC_ERROR_SOURCE_LENGTH 256

/**
 * Where and why a call failed (or, passed to a warning handler, what it
 * warns about). The caller allocates it; the library fills it. Lines and
 * columns are 1-based; 0 means unknown. Columns count characters (Unicode
 * code points), as libyaml does. `position` is the byte offset in the input
 * (or -1 when unknown).
 */
typedef struct ac_error {
    ac_status status;                    /**< the failure's kind */
    int line;                            /**< 1-based, 0 when unknown */
    int column;                          /**< 1-based, 0 when unknown */
    long position;                       /**< byte offset, -1 when unknown */
    char source[AC_ERROR_SOURCE_LENGTH]; /**< file name, "<stdin>", ... */
    char text[AC_ERROR_TEXT_LENGTH];     /**< the message, no final period */
} ac_error;

/**
 * A short English name for a status ("syntax error", "out of memory", ...).
 * Returns a static string; never NULL. Thread safety: pure.
 */
AC_API const char *ac_status_string(ac_status status);

/**
 * Format an error the way compilers do: "source:line:column: LEVEL: text",
 * leaving out the column (or line and column) when unknown. `level` is
 * "error" or "warning". Writes at most `size` bytes including the final NUL
 * into `buf` and returns the length the full text has (like snprintf).
 * Thread safety: object.
 */
AC_API int ac_error_format(const ac_error *error, const char *level, char *buf,
                           size_t size);

/* ------------------------------------------------------------------------
 * Values: the ordered tree every form is read into
 * ------------------------------------------------------------------------ */

/** The kinds of values the model holds. */
typedef enum ac_type {
    AC_NULL,
    AC_BOOL,
    AC_INTEGER, /**< signed 64-bit */
    AC_NUMBER,  /**< IEEE double, finite */
    AC_STRING,  /**< UTF-8 with a length, no NUL character */
    AC_LIST,
    AC_MAP /**< ordered, string keys, no duplicates */
} ac_type;

/** A node of the value tree (opaque). */
typedef struct ac_value ac_value;

/*
 * Constructors. Each returns a new value (NULL when out of memory) whose
 * source position is unknown (line 0). Strings are copied; a string
 * constructor does not check UTF-8 (readers do). Thread safety: any
 * thread (each call makes a new value).
 */
AC_API ac_value *ac_value_new_null(void);
AC_API ac_value *ac_value_new_bool(bool b);
AC_API ac_value *ac_value_new_integer(int64_t i);
/** Returns NULL also when `d` is not finite: the model holds no inf/nan. */
AC_API ac_value *ac_value_new_number(double d);
AC_API ac_value *ac_value_new_string(const char *s, size_t len);
AC_API ac_value *ac_value_new_list(void);
AC_API ac_value *ac_value_new_map(void);

/** Release a value and everything under it. NULL is accepted.
 * Thread safety: object. */
AC_API void ac_value_free(ac_value *v);

/** A new deep copy of `v` (positions included), or NULL when out of memory.
 * Thread safety: object. */
AC_API ac_value *ac_value_copy(const ac_value *v);

/** The value's type (AC_NULL for a NULL pointer too). Thread safety:
 * object. */
AC_API ac_type ac_value_type(const ac_value *v);

/** The name of a type: "null", "boolean", "integer", ... (static).
 * Thread safety: pure. */
AC_API const char *ac_type_name(ac_type type);

/* Scalar accessors. Each returns a zero value when `v` has another type.
 * Thread safety: object. */
AC_API bool ac_value_bool(const ac_value *v);
AC_API int64_t ac_value_integer(const ac_value *v);
AC_API double ac_value_number(const ac_value *v);
/**
 * The string's bytes (borrowed, NUL-terminated) and, when `len` is not
 * NULL, its length. Returns NULL when `v` is not a string. Thread
 * safety: object.
 */
AC_API const char *ac_value_string(const ac_value *v, size_t *len);

/** Number of items of a list or entries of a map; 0 for scalars.
 * Thread safety: object. */
AC_API size_t ac_value_size(const ac_value *v);

/** The i-th item of a list (borrowed), or NULL when out of range.
 * Thread safety: object. */
AC_API ac_value *ac_list_get(const ac_value *list, size_t i);

/**
 * Append `item` (stolen) to `list`. Returns AC_OK, or AC_ERR_NOMEM /
 * AC_ERR_ARGUMENT (in which case `item` has been freed). Thread safety:
 * object.
 */
AC_API ac_status ac_list_append(ac_value *list, ac_value *item);

/** The i-th key of a map (borrowed), or NULL when out of range.
 * Thread safety: object. */
AC_API const char *ac_map_key(const ac_value *map, size_t i, size_t *len);

/** The i-th value of a map (borrowed), or NULL when out of range.
 * Thread safety: object. */
AC_API ac_value *ac_map_value(const ac_value *map, size_t i);

/**
 * The value stored under `key` (borrowed), or NULL when there is none.
 * `key` is NUL-terminated. Thread safety: object.
 */
AC_API ac_value *ac_map_get(const ac_value *map, const char *key);

/** Like ac_map_get, with a key of `len` bytes. Thread safety: object. */
AC_API ac_value *ac_map_getn(const ac_value *map, const char *key, size_t len);

/**
 * Set `key` (copied) to `value` (stolen). An existing entry keeps its place
 * and gets the new value; a new key goes to the end. Returns AC_OK,
 * AC_ERR_NOMEM or AC_ERR_ARGUMENT; `value` is freed on failure.
 * Thread safety: object.
 */
AC_API ac_status ac_map_set(ac_value *map, const char *key, size_t len,
                            ac_value *value);

/**
 * Where the i-th key of a map was written in its source: 1-based line and
 * column, 0 when unknown or out of range. Thread safety: object.
 */
AC_API int ac_map_key_line(const ac_value *map, size_t i);
AC_API int ac_map_key_column(const ac_value *map, size_t i);

/** Set where the i-th key was written (readers and plugins use this).
 * Thread safety: object. */
AC_API void ac_map_set_key_position(ac_value *map, size_t i, int line,
                                    int column);

/** Remove `key` from the map. Returns true when it was there.
 * Thread safety: object. */
AC_API bool ac_map_remove(ac_value *map, const char *key, size_t len);

/**
 * Where the value came from: 1-based line and column in its source, 0 when
 * unknown (values built through the API, or a form without positions).
 * Thread safety: object.
 */
AC_API int ac_value_line(const ac_value *v);
AC_API int ac_value_column(const ac_value *v);

/** Set the source position of a value (readers and plugins use this).
 * Thread safety: object. */
AC_API void ac_value_set_position(ac_value *v, int line, int column);

/**
 * Deep equality: same types, same scalars (numbers compared bit for bit,
 * so -0.0 and 0.0 differ, as they are written apart), same list items in
 * order, same map entries in the same order. Positions are ignored. Two
 * NULL pointers are equal; NULL and a value are not. Thread safety:
 * object.
 */
AC_API bool ac_value_equal(const ac_value *a, const ac_value *b);

/* ------------------------------------------------------------------------
 * Documents: one agent definition
 * ------------------------------------------------------------------------ */

/** One agent: an ordered map of fields plus the instructions text (opaque). */
typedef struct ac_doc ac_doc;

/** A new document with no fields and no instructions, or NULL (no memory).
 * Thread safety: any thread. */
AC_API ac_doc *ac_doc_new(void);

/** Release a document. NULL is accepted. Thread safety: object. */
AC_API void ac_doc_free(ac_doc *doc);

/**
 * The fields (borrowed): a map the caller may read and edit with the
 * ac_map_* calls. Never NULL for a valid document. The key "instructions"
 * must not be set here: the instructions live apart (ac_doc_instructions).
 * Thread safety: object.
 */
AC_API ac_value *ac_doc_fields(const ac_doc *doc);

/**
 * The instructions (borrowed, NUL-terminated, "" when empty) and their
 * length in `len` when not NULL. Thread safety: object.
 */
AC_API const char *ac_doc_instructions(const ac_doc *doc, size_t *len);

/**
 * Replace the instructions with a copy of `text` (`len` bytes) as it is:
 * no normalization (readers normalize, see ac_normalize_instructions).
 * Returns AC_OK or AC_ERR_NOMEM. Thread safety: object.
 */
AC_API ac_status ac_doc_set_instructions(ac_doc *doc, const char *text,
                                         size_t len);

/** Line (1-based) where the instructions start in the source, 0 if unknown.
 * Thread safety: object. */
AC_API int ac_doc_instructions_line(const ac_doc *doc);

/** Set the line where the instructions start (readers use this).
 * Thread safety: object. */
AC_API void ac_doc_set_instructions_line(ac_doc *doc, int line);

/** True when both documents have equal fields and equal instructions.
 * Thread safety: object. */
AC_API bool ac_doc_equal(const ac_doc *a, const ac_doc *b);

/**
 * A debug dump of the document, one line per node with its type, position
 * and value, in a stable text form that tests compare. Returns a new string
 * to release with free(), or NULL when out of memory. Thread safety: object.
 */
AC_API char *ac_doc_dump(const ac_doc *doc);

/**
 * Normalize instructions text in place the way every reader does: CRLF and
 * lone CR become LF, then leading blank lines (empty, or only spaces and
 * tabs) are dropped. `*len` is updated; the text is not NUL-terminated by
 * this call. Writers never normalize. Thread safety: object.
 */
AC_API void ac_normalize_instructions(char *text, size_t *len);

/* ------------------------------------------------------------------------
 * Output buffers
 * ------------------------------------------------------------------------ */

/** A growable byte buffer that format writers append to (opaque). */
typedef struct ac_buf ac_buf;

/**
 * Append `len` bytes to the buffer. Returns AC_OK, or AC_ERR_NOMEM (the
 * buffer then keeps what it had). Thread safety: object.
 */
AC_API ac_status ac_buf_append(ac_buf *buf, const void *data, size_t len);

/** Append a NUL-terminated string. Thread safety: object. */
AC_API ac_status ac_buf_puts(ac_buf *buf, const char *s);

/** Number of bytes in the buffer so far. Thread safety: object. */
AC_API size_t ac_buf_length(const ac_buf *buf);

/* ------------------------------------------------------------------------
 * Contexts: formats, limits, warnings
 * ------------------------------------------------------------------------ */

/** The caller-owned state of the library: registries, limits, handlers. */
typedef struct ac_context ac_context;

/** Safety limits; see docs/limits.md for the defaults and the reasons. */
typedef enum ac_limit {
    AC_LIMIT_INPUT_SIZE,    /**< bytes of one input */
    AC_LIMIT_DEPTH,         /**< nesting of lists and maps */
    AC_LIMIT_ALIAS_NODES,   /**< nodes a YAML input may create via aliases */
    AC_LIMIT_STRING_LENGTH, /**< bytes of one string value */
    AC_LIMIT_KEYS,          /**< entries of one map */
    AC_LIMIT_KEY_LENGTH,    /**< bytes of one map key */
    AC_LIMIT_COUNT_         /**< number of limits (not a limit) */
} ac_limit;

/** Called for each warning; `warning` is borrowed for the call only. */
typedef void (*ac_warning_fn)(void *user, const ac_error *warning);

/**
 * A new context holding the built-in formats and the default limits, or
 * NULL when out of memory. Thread safety: any thread (the first call sets
 * libxml2 up once, under pthread_once).
 */
AC_API ac_context *ac_context_new(void);

/**
 * Release a context. Documents made with it stay valid. NULL is accepted.
 * The plugins it loaded are unloaded (dlclose) after its formats are gone;
 * the values and documents a plugin made stay valid, as they are the
 * library's. Thread safety: context.
 */
AC_API void ac_context_free(ac_context *ctx);

/**
 * Set a limit. `value` must be at least 1. Returns AC_OK, or
 * AC_ERR_ARGUMENT for an unknown limit or a value of 0. Thread safety:
 * context.
 */
AC_API ac_status ac_context_set_limit(ac_context *ctx, ac_limit limit,
                                      uint64_t value);

/** The current value of a limit (0 for an unknown limit). Thread safety:
 * context. */
AC_API uint64_t ac_context_limit(const ac_context *ctx, ac_limit limit);

/** The default value of a limit (0 for an unknown limit). Thread safety:
 * pure. */
AC_API uint64_t ac_limit_default(ac_limit limit);

/** The limit's name as the docs and messages use it ("depth", ...).
 * Thread safety: pure. */
AC_API const char *ac_limit_name(ac_limit limit);

/**
 * Install a warning handler (NULL removes it: warnings are then dropped).
 * `user` is passed back to every call, on the thread that made the call
 * that warns. Thread safety: context.
 */
AC_API void ac_context_set_warning_handler(ac_context *ctx, ac_warning_fn fn,
                                           void *user);

/**
 * Add a field name for the recovery of invalid front matter (see
 * docs/recovery.md): inside a value that is being read as text, a line
 * `NAME: ...` at column 0 starts a new field when NAME is a field of the
 * dialects or one added here (the keys a file's neighbours use, say), and
 * continues the text otherwise. `name` is copied. Returns AC_OK,
 * AC_ERR_ARGUMENT (NULL or empty) or AC_ERR_NOMEM. Thread safety: context.
 */
AC_API ac_status ac_context_add_field_name(ac_context *ctx, const char *name);

/**
 * Report a warning through the context's handler (readers and writers,
 * plugins included, use this). `source`, `line` and `column` are as in
 * ac_error; `fmt` is printf-like. Thread safety: context.
 */
AC_API void ac_context_warn(ac_context *ctx, const char *source, int line,
                            int column, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/**
 * Strict mode: every warning becomes an error. In strict mode
 * ac_context_warn does not call the warning handler; the first warning
 * raised during an ac_read, ac_read_file or ac_write call is kept, and that
 * call then fails with it: status AC_ERR_STRICT, and the warning's source,
 * line, column and text (the call's document or output is released). A
 * call that fails for its own reason reports its own error instead. A
 * warning raised outside those calls (a program calling ac_context_warn
 * itself) has nothing to fail and goes to the handler as usual.
 * ac_doc_check reports its warnings as errors in strict mode. Off by
 * default. Thread safety: context.
 */
AC_API void ac_context_set_strict(ac_context *ctx, bool strict);

/** Whether the context is in strict mode (false for a NULL context).
 * Thread safety: context. */
AC_API bool ac_context_strict(const ac_context *ctx);

/* ------------------------------------------------------------------------
 * Formats: pluggable readers and writers
 * ------------------------------------------------------------------------ */

/**
 * The version of struct ac_format this header describes. Version 2 added
 * read_many, write_many and user after write (docs/plugins.md): a version
 * 1 descriptor is shorter, so the library refuses every version but its
 * own rather than read past the end of an older one.
 */
#define AC_FORMAT_ABI 2

/**
 * A form (syntax) the library can read and/or write. A descriptor and the
 * strings it points to are borrowed by the context it is added to and must
 * outlive it (a static const descriptor is the usual way).
 */
typedef struct ac_format {
    /** AC_FORMAT_ABI of the header the descriptor was built with. */
    int abi;
    /** Short name used on the command line, e.g. "json". */
    const char *name;
    /** One line for --list-formats. */
    const char *description;
    /** Other names accepted for it (NULL-terminated array, or NULL). */
    const char *const *aliases;
    /**
     * File name endings, with the dot, longest first where they overlap
     * (".agent.md" before ".md"). NULL-terminated array, or NULL.
     */
    const char *const *extensions;
    /**
     * How sure the format is that `data` is its own, from 0 (not mine) to
     * 100 (certainly mine). NULL: never chosen by sniffing.
     */
    int (*sniff)(const char *data, size_t len);
    /**
     * Read one agent from `data` (`len` bytes, not NUL-terminated).
     * `source` names the input in messages. On success stores a new
     * document in `*out` and returns AC_OK; on failure fills `error` (which
     * is never NULL here) and returns its status. NULL: the format is
     * write-only.
     */
    ac_status (*read)(ac_context *ctx, const struct ac_format *format,
                      const char *data, size_t len, const char *source,
                      ac_doc **out, ac_error *error);
    /**
     * Append the document in this form to `out`. Returns AC_OK or fills
     * `error`. NULL: the format is read-only.
     */
    ac_status (*write)(ac_context *ctx, const struct ac_format *format,
                       const ac_doc *doc, ac_buf *out, ac_error *error);
    /**
     * Read a file that may hold several agents (a collection: a JSON
     * array, a YAML sequence or stream of documents, an XML <agents>
     * root) or one. On success stores a new array of `*count` new
     * documents in `*docs` (release with ac_docs_free) and whether the
     * input was a collection in `*is_collection` (true also for a
     * collection of one or none). NULL: every file holds one agent, and
     * `read` is used.
     */
    ac_status (*read_many)(ac_context *ctx, const struct ac_format *format,
                           const char *data, size_t len, const char *source,
                           ac_doc ***docs, size_t *count, bool *is_collection,
                           ac_error *error);
    /**
     * Append the documents as one collection in this form to `out`.
     * NULL: the form holds one agent per file (md).
     */
    ac_status (*write_many)(ac_context *ctx, const struct ac_format *format,
                            ac_doc *const *docs, size_t count, ac_buf *out,
                            ac_error *error);
    /** For the format's own use. */
    void *user;
} ac_format;
/*
 * Thread safety of a format's functions: they are called on the thread that
 * called ac_read, ac_write and the others, with that call's context. One
 * descriptor may be added to several contexts, and those may be used from
 * different threads at the same time, so the functions must keep no
 * mutable state outside the context and the objects passed (what `user`
 * points to is shared by every context the descriptor is in).
 */

/**
 * Add a format to the context. Its name and aliases must not clash with a
 * format already there. Returns AC_OK, AC_ERR_ARGUMENT (a NULL or
 * incomplete descriptor, a wrong ABI, a name already taken; `error` says
 * which) or AC_ERR_NOMEM. Thread safety: context.
 */
AC_API ac_status ac_context_add_format(ac_context *ctx, const ac_format *format,
                                       ac_error *error);

/** Number of formats in the context. Thread safety: context. */
AC_API size_t ac_format_count(const ac_context *ctx);

/** The i-th format, in the order they were added (borrowed), or NULL.
 * Thread safety: context. */
AC_API const ac_format *ac_format_at(const ac_context *ctx, size_t i);

/** The format with this name or alias (ASCII case-insensitive), or NULL.
 * Thread safety: context. */
AC_API const ac_format *ac_format_find(const ac_context *ctx, const char *name);

/**
 * The format whose extension ends the file name `path`, the longest such
 * extension winning, or NULL. Thread safety: context.
 */
AC_API const ac_format *ac_format_for_path(const ac_context *ctx,
                                           const char *path);

/**
 * The readable format that claims `data` with the highest sniff score
 * (the first added wins a tie), or NULL when none claims it. Thread
 * safety: context.
 */
AC_API const ac_format *ac_format_sniff(const ac_context *ctx, const char *data,
                                        size_t len);

/* ------------------------------------------------------------------------
 * Reading and writing
 * ------------------------------------------------------------------------ */

/**
 * Read one agent from memory. `format` NULL means sniff the content.
 * `source` (may be NULL: "<input>") names the input in errors. Checks the
 * input size limit, then calls the format's reader. On success `*out` holds
 * a new document. Thread safety: context.
 */
AC_API ac_status ac_read(ac_context *ctx, const ac_format *format,
                         const char *data, size_t len, const char *source,
                         ac_doc **out, ac_error *error);

/**
 * Read one agent from a file (`path` "-" is standard input). `format` NULL
 * means: from the file name, else sniffed from the content. Thread
 * safety: context (standard input is the process's: one reader at a time).
 */
AC_API ac_status ac_read_file(ac_context *ctx, const ac_format *format,
                              const char *path, ac_doc **out, ac_error *error);

/**
 * Write a document in `format`. On success `*out` is a new NUL-terminated
 * buffer to release with free() and `*out_len` its length (without the NUL).
 * Thread safety: context.
 */
AC_API ac_status ac_write(ac_context *ctx, const ac_format *format,
                          const ac_doc *doc, char **out, size_t *out_len,
                          ac_error *error);

/**
 * An index page for the html form: a standalone HTML page listing `count`
 * agents in the order given (name linked to `hrefs[i]`, description, model,
 * tools). `hrefs[i]` is the page of `docs[i]` relative to the index, with
 * '/' between segments, not empty and not starting with '/'; it is written
 * percent-encoded. Both arrays are borrowed. On success `*out` is a new
 * NUL-terminated buffer to release with free(). See docs/html.md.
 * Thread safety: context.
 */
AC_API ac_status ac_html_index(ac_context *ctx, const char *const *hrefs,
                               const ac_doc *const *docs, size_t count,
                               char **out, size_t *out_len, ac_error *error);

/**
 * Read one agent from an open stream, up to its end. `format` NULL means
 * sniff the content (a stream has no name to go by). `source` (NULL:
 * "<stream>") names the input in errors. Reads at most one byte past the
 * input-size limit before it fails with AC_ERR_LIMIT; a read error is
 * AC_ERR_IO. The stream is neither closed nor rewound. On success `*out`
 * holds a new document. Thread safety: context; no other thread may use
 * the stream meanwhile.
 */
AC_API ac_status ac_read_stream(ac_context *ctx, const ac_format *format,
                                FILE *stream, const char *source, ac_doc **out,
                                ac_error *error);

/**
 * Write a document in `format` to an open stream, and flush it. The whole
 * output is made in memory first, so a document the writer refuses leaves
 * the stream untouched; a write or flush error is AC_ERR_IO (part of the
 * output may then have been written: use ac_write_file for all or
 * nothing). The stream is not closed. Thread safety: context; no other
 * thread may use the stream meanwhile.
 */
AC_API ac_status ac_write_stream(ac_context *ctx, const ac_format *format,
                                 const ac_doc *doc, FILE *stream,
                                 ac_error *error);

/**
 * Write a document in `format` to the file `path`, all or nothing: the
 * output is made in memory, written to a new temporary file in the same
 * folder (created with O_EXCL, named ".NAME.agentconv-*"), flushed to disk
 * with fsync, and renamed over `path`. On any failure the temporary file is
 * removed and `path` is as it was: never a partial file. An existing file
 * is replaced and its permission bits are kept; a new file gets 0666 less
 * the umask; a symbolic link at `path` is replaced, not followed. The
 * folder must exist. `format` NULL means the format whose extension ends
 * `path` (AC_ERR_ARGUMENT when none has it). `path` is taken as it is:
 * "-" is a file of that name (use ac_write_stream for standard output).
 * Errors: the writer's, or AC_ERR_IO with `source` the path. Thread
 * safety: context; two threads (or processes) writing the same path at
 * once each write a whole file, and the last rename wins.
 */
AC_API ac_status ac_write_file(ac_context *ctx, const ac_format *format,
                               const ac_doc *doc, const char *path,
                               ac_error *error);

/**
 * Convert in one call: read `data` (`len` bytes) in `from` (NULL: sniff the
 * content) and write it in `to`. What the input holds, the output holds: a
 * collection (see ac_read_many) is written as a collection
 * (AC_ERR_UNSUPPORTED when `to` holds one agent per file, as md does), one
 * agent as one agent. `source` (NULL: "<input>") names the input in
 * errors. On success `*out` is a new NUL-terminated buffer to release with
 * free() and `*out_len` (when not NULL) its length; on failure `*out` is
 * NULL and `error` is the reader's or the writer's. Warnings go to the
 * context's handler (strict mode applies). Thread safety: context.
 */
AC_API ac_status ac_convert(ac_context *ctx, const ac_format *from,
                            const ac_format *to, const char *data, size_t len,
                            const char *source, char **out, size_t *out_len,
                            ac_error *error);

/* ------------------------------------------------------------------------
 * Collections: files that hold several agents
 * ------------------------------------------------------------------------ */

/** Release an array of documents from ac_read_many. NULL is accepted.
 * Thread safety: object. */
AC_API void ac_docs_free(ac_doc **docs, size_t count);

/**
 * Read one file's agents from memory: a collection (see ac_format's
 * read_many) gives its agents in order, with `*is_collection` true; a file
 * that holds one agent gives that one, with `*is_collection` false.
 * `format` NULL means sniff. On success `*docs` is a new array of `*count`
 * new documents (release with ac_docs_free; NULL when `*count` is 0).
 * Thread safety: context.
 */
AC_API ac_status ac_read_many(ac_context *ctx, const ac_format *format,
                              const char *data, size_t len, const char *source,
                              ac_doc ***docs, size_t *count,
                              bool *is_collection, ac_error *error);

/** Like ac_read_many, from a file ("-" is standard input). Thread safety:
 * context. */
AC_API ac_status ac_read_file_many(ac_context *ctx, const ac_format *format,
                                   const char *path, ac_doc ***docs,
                                   size_t *count, bool *is_collection,
                                   ac_error *error);

/**
 * Write the documents as one collection in `format`. On success `*out` is a
 * new NUL-terminated buffer to release with free(). Returns
 * AC_ERR_UNSUPPORTED for a form that holds one agent per file (md).
 * Thread safety: context.
 */
AC_API ac_status ac_write_many(ac_context *ctx, const ac_format *format,
                               ac_doc *const *docs, size_t count, char **out,
                               size_t *out_len, ac_error *error);

/* ------------------------------------------------------------------------
 * Plugins: formats (and later dialects) from shared objects
 * ------------------------------------------------------------------------ */

/** The version of struct ac_plugin this header describes. */
#define AC_PLUGIN_ABI 1

/** The name of the symbol a plugin exports: its ac_plugin descriptor. */
#define AC_PLUGIN_SYMBOL "agentconv_plugin"

/**
 * Put before a plugin's descriptor to export it even when the plugin is
 * built with -fvisibility=hidden:
 *     AC_PLUGIN_EXPORT const ac_plugin agentconv_plugin = {...};
 */
#if defined(__GNUC__) || defined(__clang__)
#define AC_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define AC_PLUGIN_EXPORT
#endif

/**
 * What a plugin exports under the name AC_PLUGIN_SYMBOL (see
 * docs/plugins.md). `abi` is first in every version of the struct: the
 * host reads it, and nothing else, before it knows the layout.
 */
typedef struct ac_plugin {
    /** AC_PLUGIN_ABI of the header the plugin was built with. */
    int abi;
    /** Short name, e.g. "kv"; unique among a context's plugins. */
    const char *name;
    /** The plugin's own version, e.g. "1.0.0" (may be NULL). */
    const char *version;
    /** One line on what it adds (may be NULL). */
    const char *description;
    /**
     * Register what the plugin adds to `ctx`: formats with
     * ac_context_add_format (and, in later versions, dialects). Called once
     * per context the plugin is added to, on that context's thread; it
     * must keep no state outside the context (several contexts may use the
     * plugin at once). Returns AC_OK, or a failure with `error` (never
     * NULL) filled; the host then removes whatever it registered.
     */
    ac_status (*init)(ac_context *ctx, const struct ac_plugin *plugin,
                      ac_error *error);
} ac_plugin;

/**
 * Add a plugin that is already in the program (linked in, or found with
 * dlsym by the caller): check its ABI version first, then its name (not
 * NULL, not empty, not one of the context's plugins yet) and init, then
 * call init. The descriptor is borrowed and must outlive the context.
 * Returns AC_OK; AC_ERR_ARGUMENT for a wrong ABI, an incomplete descriptor
 * or a name already loaded; or init's failure, with its text after
 * "plugin 'NAME' failed: " (the formats init added are then removed).
 * `error`'s source is "agentconv". Thread safety: context.
 */
AC_API ac_status ac_context_add_plugin(ac_context *ctx, const ac_plugin *plugin,
                                       ac_error *error);

/**
 * Load the plugin in the shared object `path` (dlopen with RTLD_NOW |
 * RTLD_LOCAL; a path without '/' is taken in the current folder, not
 * searched for as dlopen would), find AC_PLUGIN_SYMBOL, and add it as
 * ac_context_add_plugin does. The object stays loaded until the context
 * is freed. The object's own constructors, if it has any, run when it is
 * loaded, before any check (plugins should have none). Errors have
 * `source` set to `path` and one line of text:
 *   "cannot load the plugin: REASON"                     (AC_ERR_IO)
 *   "not an agentconv plugin: no symbol 'agentconv_plugin'"
 *   "plugin ABI version N, this library loads version 1"
 *   "plugin 'NAME' failed: TEXT"                         (init's status)
 * and those of ac_context_add_plugin. The library prints nothing. Thread
 * safety: context (dlopen itself is thread-safe).
 */
AC_API ac_status ac_context_load_plugin(ac_context *ctx, const char *path,
                                        ac_error *error);

/** Number of plugins added to the context. Thread safety: context. */
AC_API size_t ac_plugin_count(const ac_context *ctx);

/** The i-th plugin added to the context (borrowed), or NULL. Thread
 * safety: context. */
AC_API const ac_plugin *ac_plugin_at(const ac_context *ctx, size_t i);

/* ------------------------------------------------------------------------
 * Checking: what --check reports
 * ------------------------------------------------------------------------ */

/**
 * ac_doc_check flag: add Claude Code's own rules for a subagent to the
 * schema checks: `name` and `description` present and non-empty strings,
 * `name` without ':' and not starting with '-', `tools` a string or a list
 * of strings (not a map).
 */
#define AC_CHECK_CLAUDE 0x1u

/**
 * Called by ac_doc_check for each diagnostic; `diagnostic` is borrowed for
 * the call only. `is_error` tells an error from a warning.
 */
typedef void (*ac_diagnostic_fn)(void *user, const ac_error *diagnostic,
                                 bool is_error);

/**
 * Check a document's fields against the rules of schemas/agent.schema.json,
 * the same rules exactly: `name`, `description` and `color` are strings;
 * `model` is a string or a list of strings; `tools` is a string, a list of
 * strings or a map of booleans; every other field may hold anything. With
 * AC_CHECK_CLAUDE in `flags`, Claude Code's rules are added (see above).
 *
 * Each problem is passed to `fn` (NULL: only counted) as an ac_error with
 * `source` (NULL: "<input>"), the line and column of the offending value
 * (or map key; 0 when the document has no positions), and a text naming
 * what was expected and what was found, e.g. `"tools" must be a string, a
 * list of strings or a map of booleans, found an integer`. A missing field
 * is reported at line 1, column 1 of the input (line 1 alone when the
 * form gives lines only, as xml does; 0 when the document has no
 * positions). Errors have status AC_ERR_STRUCTURE; warnings AC_OK, or in
 * strict mode AC_ERR_STRICT, passed as errors (no check warns yet).
 * Diagnostics come in the order of the fields, the missing fields first,
 * a field's own before its items'. Returns the number of errors (0: the
 * document passes; a NULL `doc` is one error). `ctx` is only read (NULL:
 * not strict); the library prints nothing. Thread safety: context (the
 * context is only read, but the rule is the same), `doc` as an object.
 */
AC_API size_t ac_doc_check(const ac_context *ctx, const ac_doc *doc,
                           const char *source, unsigned flags,
                           ac_diagnostic_fn fn, void *user);

#include "agentconv/dialect.h"

#ifdef __cplusplus
}
#endif

#endif /* AGENTCONV_H */
