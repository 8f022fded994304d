/*
 * Contexts: limits, warning handler, the format registry, and the generic
 * read and write entry points.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <pthread.h>

#include "internal.h"

/* The one table of default limits; docs/limits.md explains each value. */
static const struct {
    const char *name;
    uint64_t value;
} limit_table[AC_LIMIT_COUNT_] = {
    [AC_LIMIT_INPUT_SIZE] = {"input-size", UINT64_C(16) * 1024 * 1024},
    [AC_LIMIT_DEPTH] = {"depth", 100},
    [AC_LIMIT_ALIAS_NODES] = {"alias-nodes", 10000},
    [AC_LIMIT_STRING_LENGTH] = {"string-length", UINT64_C(8) * 1024 * 1024},
    [AC_LIMIT_KEYS] = {"keys", 10000},
    [AC_LIMIT_KEY_LENGTH] = {"key-length", 1024},
};

uint64_t ac_limit_default(ac_limit limit)
{
    return (unsigned)limit < AC_LIMIT_COUNT_ ? limit_table[limit].value : 0;
}

const char *ac_limit_name(ac_limit limit)
{
    return (unsigned)limit < AC_LIMIT_COUNT_ ? limit_table[limit].name
                                             : "unknown";
}

/* libxml2 2.9 sets up its own tables on first use, and two threads that
 * use it first at the same time race (ThreadSanitizer shows it). Its
 * initialization is idempotent but not reentrant: run it once, whichever
 * thread makes the first context. This installs no hook and changes no
 * setting of the host's. */
static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void init_xml(void) { xmlInitParser(); }

ac_context *ac_context_new(void)
{
    pthread_once(&xml_once, init_xml);
    ac_context *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return NULL;
    for (int i = 0; i < AC_LIMIT_COUNT_; i++)
        ctx->limits[i] = limit_table[i].value;
    ctx->c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (!ctx->c_locale) {
        free(ctx);
        return NULL;
    }
    for (size_t i = 0; i < acp_builtin_format_count; i++) {
        if (ac_context_add_format(ctx, acp_builtin_formats[i], NULL) != AC_OK) {
            ac_context_free(ctx);
            return NULL;
        }
    }
    if (acp_dialects_init(ctx) != AC_OK) {
        ac_context_free(ctx);
        return NULL;
    }
    return ctx;
}

void ac_context_free(ac_context *ctx)
{
    if (!ctx)
        return;
    free(ctx->formats);
    for (size_t i = 0; i < ctx->field_name_count; i++)
        free(ctx->field_names[i]);
    free(ctx->field_names);
    acp_dialects_free(ctx);
    if (ctx->c_locale)
        freelocale(ctx->c_locale);
    /* Last: the formats above may point into a plugin's memory. */
    acp_plugins_release(ctx);
    free(ctx);
}

ac_status ac_context_set_limit(ac_context *ctx, ac_limit limit, uint64_t value)
{
    if (!ctx || (unsigned)limit >= AC_LIMIT_COUNT_ || value == 0)
        return AC_ERR_ARGUMENT;
    ctx->limits[limit] = value;
    return AC_OK;
}

uint64_t ac_context_limit(const ac_context *ctx, ac_limit limit)
{
    if (!ctx || (unsigned)limit >= AC_LIMIT_COUNT_)
        return 0;
    return ctx->limits[limit];
}

void ac_context_set_warning_handler(ac_context *ctx, ac_warning_fn fn,
                                    void *user)
{
    if (!ctx)
        return;
    ctx->warn = fn;
    ctx->warn_user = user;
}

void ac_context_warn(ac_context *ctx, const char *source, int line, int column,
                     const char *fmt, ...)
{
    if (!ctx)
        return;
    /* Strict mode, inside a read or a write: keep the first warning for the
     * call to fail with, and tell the handler nothing. */
    bool keep = ctx->strict && ctx->strict_depth > 0;
    if (keep ? ctx->strict_pending : !ctx->warn)
        return;
    ac_error w;
    va_list ap;
    va_start(ap, fmt);
    acp_error_vset(&w, keep ? AC_ERR_STRICT : AC_OK, source, line, column, -1,
                   fmt, ap);
    va_end(ap);
    if (keep) {
        ctx->strict_warning = w;
        ctx->strict_pending = true;
        return;
    }
    ctx->warn(ctx->warn_user, &w);
}

void ac_context_set_strict(ac_context *ctx, bool strict)
{
    if (ctx)
        ctx->strict = strict;
}

bool ac_context_strict(const ac_context *ctx) { return ctx && ctx->strict; }

/* The warning kept by an enclosing read or write, saved while a nested one
 * (a format that reads through another) runs. */
typedef struct strict_scope {
    bool pending;
    ac_error warning;
} strict_scope;

static void strict_enter(ac_context *ctx, strict_scope *saved)
{
    saved->pending = ctx->strict_pending;
    if (saved->pending)
        saved->warning = ctx->strict_warning;
    ctx->strict_pending = false;
    ctx->strict_depth++;
}

/* Leave the scope. Returns true, with the warning in `*kept`, when strict
 * mode kept a warning during it. */
static bool strict_leave(ac_context *ctx, const strict_scope *saved,
                         ac_error *kept)
{
    ctx->strict_depth--;
    bool hit = ctx->strict_pending;
    if (hit)
        *kept = ctx->strict_warning;
    ctx->strict_pending = saved->pending;
    if (saved->pending)
        ctx->strict_warning = saved->warning;
    return hit;
}

/* The end of a read or write: leave the strict scope; under strict mode a
 * warning kept in it becomes the call's error; a failure without a message
 * gets its status's. Returns the call's final status. */
static ac_status strict_finish(ac_context *ctx, const strict_scope *scope,
                               ac_status st, const char *source,
                               ac_error *error)
{
    ac_error kept;
    if (strict_leave(ctx, scope, &kept) && st == AC_OK) {
        *error = kept;
        return AC_ERR_STRICT;
    }
    if (st != AC_OK) {
        if (error->text[0] == '\0')
            acp_error_set(error, st, source, 0, 0, -1, "%s",
                          ac_status_string(st));
        error->status = st;
    }
    return st;
}

/* The input-size limit, checked before any reader runs. */
static ac_status check_input_size(const ac_context *ctx, size_t len,
                                  const char *source, ac_error *error)
{
    if (len <= ctx->limits[AC_LIMIT_INPUT_SIZE])
        return AC_OK;
    return acp_error_set(
        error, AC_ERR_LIMIT, source, 0, 0, -1,
        "input of %zu bytes exceeds the input-size limit (%llu bytes)", len,
        (unsigned long long)ctx->limits[AC_LIMIT_INPUT_SIZE]);
}

ac_status ac_context_add_field_name(ac_context *ctx, const char *name)
{
    if (!ctx || !name || !name[0])
        return AC_ERR_ARGUMENT;
    char **names =
        realloc(ctx->field_names, (ctx->field_name_count + 1) * sizeof *names);
    if (!names)
        return AC_ERR_NOMEM;
    ctx->field_names = names;
    names[ctx->field_name_count] = acp_strndup(name, strlen(name));
    if (!names[ctx->field_name_count])
        return AC_ERR_NOMEM;
    ctx->field_name_count++;
    return AC_OK;
}

/* ---- the registry ---- */

static bool name_taken(const ac_context *ctx, const char *name)
{
    return ac_format_find(ctx, name) != NULL;
}

ac_status ac_context_add_format(ac_context *ctx, const ac_format *format,
                                ac_error *error)
{
    if (!ctx || !format)
        return acp_error_set(error, AC_ERR_ARGUMENT, "agentconv", 0, 0, -1,
                             "no context or no format descriptor");
    if (format->abi != AC_FORMAT_ABI)
        return acp_error_set(error, AC_ERR_ARGUMENT, "agentconv", 0, 0, -1,
                             "format descriptor has ABI version %d, this "
                             "library needs %d",
                             format->abi, AC_FORMAT_ABI);
    if (!format->name || !format->name[0] || (!format->read && !format->write))
        return acp_error_set(error, AC_ERR_ARGUMENT, "agentconv", 0, 0, -1,
                             "format descriptor needs a name and a reader or "
                             "a writer");
    if (name_taken(ctx, format->name))
        return acp_error_set(error, AC_ERR_ARGUMENT, "agentconv", 0, 0, -1,
                             "format name '%s' is already taken", format->name);
    for (const char *const *a = format->aliases; a && *a; a++) {
        if (name_taken(ctx, *a) || acp_ascii_iequal(*a, format->name))
            return acp_error_set(error, AC_ERR_ARGUMENT, "agentconv", 0, 0, -1,
                                 "format alias '%s' is already taken", *a);
    }
    if (ctx->format_count == ctx->format_cap) {
        size_t cap = ctx->format_cap ? ctx->format_cap * 2 : 8;
        const ac_format **f = realloc(ctx->formats, cap * sizeof *f);
        if (!f)
            return acp_error_set(error, AC_ERR_NOMEM, "agentconv", 0, 0, -1,
                                 "out of memory");
        ctx->formats = f;
        ctx->format_cap = cap;
    }
    ctx->formats[ctx->format_count++] = format;
    return AC_OK;
}

size_t ac_format_count(const ac_context *ctx)
{
    return ctx ? ctx->format_count : 0;
}

const ac_format *ac_format_at(const ac_context *ctx, size_t i)
{
    return ctx && i < ctx->format_count ? ctx->formats[i] : NULL;
}

const ac_format *ac_format_find(const ac_context *ctx, const char *name)
{
    if (!ctx || !name)
        return NULL;
    for (size_t i = 0; i < ctx->format_count; i++) {
        const ac_format *f = ctx->formats[i];
        if (acp_ascii_iequal(f->name, name))
            return f;
        for (const char *const *a = f->aliases; a && *a; a++)
            if (acp_ascii_iequal(*a, name))
                return f;
    }
    return NULL;
}

static bool ends_with_ci(const char *s, size_t slen, const char *suffix)
{
    size_t n = strlen(suffix);
    return n <= slen && acp_ascii_iequal(s + slen - n, suffix);
}

const ac_format *ac_format_for_path(const ac_context *ctx, const char *path)
{
    if (!ctx || !path)
        return NULL;
    /* Only the last path component counts. */
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t blen = strlen(base);
    const ac_format *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < ctx->format_count; i++) {
        const ac_format *f = ctx->formats[i];
        for (const char *const *e = f->extensions; e && *e; e++) {
            size_t n = strlen(*e);
            /* The extension must not be the whole name (".md" alone). */
            if (n > best_len && n < blen && ends_with_ci(base, blen, *e)) {
                best = f;
                best_len = n;
            }
        }
    }
    return best;
}

const ac_format *ac_format_sniff(const ac_context *ctx, const char *data,
                                 size_t len)
{
    if (!ctx || (!data && len))
        return NULL;
    if (!data)
        data = ""; /* sniffers may take data + len */
    const ac_format *best = NULL;
    int best_score = 0;
    for (size_t i = 0; i < ctx->format_count; i++) {
        const ac_format *f = ctx->formats[i];
        if (!f->sniff || !f->read)
            continue;
        int score = f->sniff(data, len);
        if (score > best_score) {
            best = f;
            best_score = score;
        }
    }
    return best;
}

/* ---- reading and writing ---- */

ac_status ac_read(ac_context *ctx, const ac_format *format, const char *data,
                  size_t len, const char *source, ac_doc **out, ac_error *error)
{
    ac_error local;
    if (!error)
        error = &local;
    if (!source)
        source = "<input>";
    if (!ctx || !out || (!data && len))
        return acp_error_set(error, AC_ERR_ARGUMENT, source, 0, 0, -1,
                             "invalid argument");
    *out = NULL;
    ac_status limit = check_input_size(ctx, len, source, error);
    if (limit != AC_OK)
        return limit;
    if (!format) {
        format = ac_format_sniff(ctx, data ? data : "", len);
        if (!format)
            return acp_error_set(error, AC_ERR_SYNTAX, source, 1, 1, 0,
                                 "cannot tell the input's format; name it "
                                 "with -f");
    }
    if (!format->read)
        return acp_error_set(error, AC_ERR_UNSUPPORTED, source, 0, 0, -1,
                             "format '%s' cannot be read", format->name);
    memset(error, 0, sizeof *error);
    strict_scope scope;
    strict_enter(ctx, &scope);
    ac_status st =
        format->read(ctx, format, data ? data : "", len, source, out, error);
    st = strict_finish(ctx, &scope, st, source, error);
    if (st != AC_OK) {
        ac_doc_free(*out);
        *out = NULL;
    }
    return st;
}

ac_status acp_slurp(FILE *fp, uint64_t limit, char **data, size_t *len)
{
    ac_buf buf;
    acp_buf_init(&buf);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        if (ac_buf_append(&buf, chunk, n) != AC_OK) {
            acp_buf_release(&buf);
            return AC_ERR_NOMEM;
        }
        if (buf.len > limit)
            break;
    }
    if (ferror(fp)) {
        acp_buf_release(&buf);
        return AC_ERR_IO;
    }
    *data = acp_buf_detach(&buf, len);
    return *data ? AC_OK : AC_ERR_NOMEM;
}

/* Read a regular file of `size` bytes (from fstat) with one read() in the
 * usual case: a read asks for one byte more than the size, so that a file
 * that grew in the meantime is read on to its end. A short read of a regular
 * file is its end. Returns AC_OK, AC_ERR_IO (errno set) or AC_ERR_NOMEM. */
static ac_status read_regular(int fd, size_t size, uint64_t limit, char **data,
                              size_t *len)
{
    size_t cap = size + 2, n = 0;
    char *p = malloc(cap);
    if (!p)
        return AC_ERR_NOMEM;
    for (;;) {
        ssize_t got = read(fd, p + n, cap - 1 - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            free(p);
            return AC_ERR_IO;
        }
        n += (size_t)got;
        if (got == 0 || n < cap - 1 || n > limit)
            break;
        /* The file grew: read on, a block at a time. */
        if (cap > SIZE_MAX / 2) {
            free(p);
            return AC_ERR_NOMEM;
        }
        char *q = realloc(p, cap * 2);
        if (!q) {
            free(p);
            return AC_ERR_NOMEM;
        }
        p = q;
        cap *= 2;
    }
    p[n] = '\0';
    *data = p;
    *len = n;
    return AC_OK;
}

/* Read a whole file ("-" is standard input) under the input-size limit.
 * On success `*data` is a new buffer and `*source` the input's name. A
 * regular file is read with open, fstat and (usually) one read; a file
 * larger than the limit is not read at all; standard input and other
 * files (pipes, devices) through stdio, stopping one chunk past the
 * limit. */
static ac_status load_file(ac_context *ctx, const char *path, char **data,
                           size_t *len, const char **source, ac_error *error)
{
    bool is_stdin = strcmp(path, "-") == 0;
    *source = is_stdin ? "<stdin>" : path;
    uint64_t limit = ctx->limits[AC_LIMIT_INPUT_SIZE];
    ac_status st;
    int saved = 0;
    if (is_stdin) {
        st = acp_slurp(stdin, limit, data, len);
        saved = errno;
    } else {
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
            return acp_error_set(error, AC_ERR_IO, *source, 0, 0, -1,
                                 "cannot open: %s", strerror(errno));
        struct stat info;
        if (fstat(fd, &info) != 0) {
            saved = errno;
            close(fd);
            return acp_error_set(error, AC_ERR_IO, *source, 0, 0, -1,
                                 "cannot read: %s", strerror(saved));
        }
        if (S_ISREG(info.st_mode) && (uint64_t)info.st_size > limit) {
            close(fd);
            return acp_error_set(error, AC_ERR_LIMIT, *source, 0, 0, -1,
                                 "input of %llu bytes exceeds the input-size "
                                 "limit (%llu bytes)",
                                 (unsigned long long)info.st_size,
                                 (unsigned long long)limit);
        }
        if (S_ISREG(info.st_mode)) {
            st = read_regular(fd, (size_t)info.st_size, limit, data, len);
            saved = errno;
            close(fd);
        } else {
            FILE *fp = fdopen(fd, "rb");
            if (!fp) {
                saved = errno;
                close(fd);
                return acp_error_set(error, AC_ERR_IO, *source, 0, 0, -1,
                                     "cannot read: %s", strerror(saved));
            }
            st = acp_slurp(fp, limit, data, len);
            saved = errno;
            fclose(fp);
        }
    }
    if (st == AC_ERR_IO)
        return acp_error_set(error, st, *source, 0, 0, -1, "cannot read: %s",
                             strerror(saved));
    if (st != AC_OK)
        return acp_error_set(error, st, *source, 0, 0, -1, "out of memory");
    return AC_OK;
}

ac_status ac_read_file(ac_context *ctx, const ac_format *format,
                       const char *path, ac_doc **out, ac_error *error)
{
    if (!ctx || !path || !out)
        return acp_error_set(error, AC_ERR_ARGUMENT, path ? path : "<input>", 0,
                             0, -1, "invalid argument");
    *out = NULL;
    char *data = NULL;
    size_t len = 0;
    const char *source;
    ac_status st = load_file(ctx, path, &data, &len, &source, error);
    if (st != AC_OK)
        return st;
    if (!format && strcmp(path, "-") != 0)
        format = ac_format_for_path(ctx, path);
    st = ac_read(ctx, format, data, len, source, out, error);
    free(data);
    return st;
}

/* ---- collections ---- */

void ac_docs_free(ac_doc **docs, size_t count)
{
    if (!docs)
        return;
    for (size_t i = 0; i < count; i++)
        ac_doc_free(docs[i]);
    free(docs);
}

ac_status ac_read_many(ac_context *ctx, const ac_format *format,
                       const char *data, size_t len, const char *source,
                       ac_doc ***docs, size_t *count, bool *is_collection,
                       ac_error *error)
{
    ac_error local;
    if (!error)
        error = &local;
    if (!source)
        source = "<input>";
    if (!ctx || !docs || !count || !is_collection || (!data && len))
        return acp_error_set(error, AC_ERR_ARGUMENT, source, 0, 0, -1,
                             "invalid argument");
    *docs = NULL;
    *count = 0;
    *is_collection = false;
    if (!format)
        format = ac_format_sniff(ctx, data ? data : "", len);
    if (!format || !format->read_many) {
        /* One agent per file: ac_read does the checks and the sniffing. */
        ac_doc *doc = NULL;
        ac_status st = ac_read(ctx, format, data, len, source, &doc, error);
        if (st != AC_OK)
            return st;
        *docs = malloc(sizeof **docs);
        if (!*docs) {
            ac_doc_free(doc);
            return acp_error_set(error, AC_ERR_NOMEM, source, 0, 0, -1,
                                 "out of memory");
        }
        (*docs)[0] = doc;
        *count = 1;
        return AC_OK;
    }
    ac_status limit = check_input_size(ctx, len, source, error);
    if (limit != AC_OK)
        return limit;
    memset(error, 0, sizeof *error);
    strict_scope scope;
    strict_enter(ctx, &scope);
    ac_status st = format->read_many(ctx, format, data ? data : "", len, source,
                                     docs, count, is_collection, error);
    st = strict_finish(ctx, &scope, st, source, error);
    if (st != AC_OK) {
        ac_docs_free(*docs, *count);
        *docs = NULL;
        *count = 0;
    }
    return st;
}

ac_status ac_read_file_many(ac_context *ctx, const ac_format *format,
                            const char *path, ac_doc ***docs, size_t *count,
                            bool *is_collection, ac_error *error)
{
    if (!ctx || !path || !docs || !count || !is_collection)
        return acp_error_set(error, AC_ERR_ARGUMENT, path ? path : "<input>", 0,
                             0, -1, "invalid argument");
    *docs = NULL;
    *count = 0;
    *is_collection = false;
    char *data = NULL;
    size_t len = 0;
    const char *source;
    ac_status st = load_file(ctx, path, &data, &len, &source, error);
    if (st != AC_OK)
        return st;
    if (!format && strcmp(path, "-") != 0)
        format = ac_format_for_path(ctx, path);
    st = ac_read_many(ctx, format, data, len, source, docs, count,
                      is_collection, error);
    free(data);
    return st;
}

/* The writing of ac_write (one document, `docs` NULL) and ac_write_many
 * (`count` documents): checks, strict mode, the buffer handed over. */
static ac_status run_writer(ac_context *ctx, const ac_format *format,
                            const ac_doc *doc, ac_doc *const *docs,
                            size_t count, char **out, size_t *out_len,
                            ac_error *error)
{
    *out = NULL;
    bool many = docs != NULL;
    if (many ? !format->write_many : !format->write)
        return acp_error_set(error, AC_ERR_UNSUPPORTED, "agentconv", 0, 0, -1,
                             many ? "format '%s' holds one agent per file: it "
                                    "cannot hold a collection"
                                  : "format '%s' cannot be written",
                             format->name);
    ac_buf buf;
    acp_buf_init(&buf);
    memset(error, 0, sizeof *error);
    strict_scope scope;
    strict_enter(ctx, &scope);
    ac_status st =
        many ? format->write_many(ctx, format, docs, count, &buf, error)
             : format->write(ctx, format, doc, &buf, error);
    st = strict_finish(ctx, &scope, st, "agentconv", error);
    if (st != AC_OK) {
        acp_buf_release(&buf);
        return st;
    }
    *out = acp_buf_detach(&buf, out_len);
    if (!*out)
        return acp_error_set(error, AC_ERR_NOMEM, "agentconv", 0, 0, -1,
                             "out of memory");
    return AC_OK;
}

ac_status ac_write(ac_context *ctx, const ac_format *format, const ac_doc *doc,
                   char **out, size_t *out_len, ac_error *error)
{
    ac_error local;
    if (!error)
        error = &local;
    if (!ctx || !format || !doc || !out)
        return acp_error_set(error, AC_ERR_ARGUMENT, "agentconv", 0, 0, -1,
                             "invalid argument");
    return run_writer(ctx, format, doc, NULL, 0, out, out_len, error);
}

ac_status ac_write_many(ac_context *ctx, const ac_format *format,
                        ac_doc *const *docs, size_t count, char **out,
                        size_t *out_len, ac_error *error)
{
    ac_error local;
    if (!error)
        error = &local;
    if (!ctx || !format || (!docs && count) || !out)
        return acp_error_set(error, AC_ERR_ARGUMENT, "agentconv", 0, 0, -1,
                             "invalid argument");
    static ac_doc *const none[1] = {NULL};
    return run_writer(ctx, format, NULL, docs ? docs : none, count, out,
                      out_len, error);
}
