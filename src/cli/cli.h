/*
 * agentconv's command-line tool: what its source files share. The tool uses
 * only the library's public API; nothing here is installed.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AGENTCONV_CLI_H
#define AGENTCONV_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "agentconv/agentconv.h"

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2 };

#if defined(__GNUC__) || defined(__clang__)
#define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLI_PRINTF(f, a)
#endif

/*
 * Allocation that cannot fail: out of memory, the tool prints
 * "agentconv: error: out of memory" and exits with status 1 (a command-line
 * tool has nothing better to do, and every caller stays simple).
 */
void *cli_malloc(size_t size);
void *cli_calloc(size_t count, size_t size);
void *cli_realloc(void *p, size_t size);
char *cli_strdup(const char *s);
char *cli_strndup(const char *s, size_t len);
/** A new string, printf-like. */
char *cli_format(const char *fmt, ...) CLI_PRINTF(1, 2);

/**
 * `dir` and `name` joined with one '/': trailing slashes of `dir` are
 * dropped, and a `dir` of "." or "" gives `name` alone. New string.
 */
char *cli_path_join(const char *dir, const char *name);

/**
 * `s` (`len` bytes) in double quotes for a message: '"', '\\' and control
 * characters escaped, cut with "..." after 48 bytes (never inside a UTF-8
 * sequence). New string.
 */
char *cli_quote(const char *s, size_t len);

/** A growable string. */
typedef struct cli_buf {
    char *data; /* NUL-terminated when not NULL */
    size_t len, cap;
} cli_buf;

void cli_buf_append(cli_buf *b, const char *data, size_t len);
void cli_buf_puts(cli_buf *b, const char *s);
void cli_buf_printf(cli_buf *b, const char *fmt, ...) CLI_PRINTF(2, 3);
void cli_buf_free(cli_buf *b);

/* ---- diagnostics, kept to be printed later in input order ---- */

typedef struct cli_diag {
    char *source; /* the file it is about */
    int line;     /* 1-based, 0 when unknown */
    int column;   /* 1-based, 0 when unknown */
    char *text;
    bool is_error; /* else a warning */
} cli_diag;

typedef struct cli_diags {
    cli_diag *items;
    size_t count, cap;
} cli_diags;

/**
 * Keep a diagnostic from the library. When `path` is not NULL and the
 * error's source is `path` cut to the size of ac_error's buffer, the whole
 * `path` is kept instead.
 */
void cli_diags_add_error(cli_diags *d, const ac_error *e, bool is_error,
                         const char *path);
/** Keep a diagnostic of the tool's own. */
void cli_diags_add(cli_diags *d, bool is_error, const char *source, int line,
                   int column, const char *fmt, ...) CLI_PRINTF(6, 7);
void cli_diags_free(cli_diags *d);

/** Print one diagnostic on stderr as compilers do: "source:line:column:
 * error: text" (the column, or the line and column, left out when
 * unknown). */
void cli_print_diag(const cli_diag *d);

/** Print a library error or warning the same way. */
void cli_print_error(const ac_error *e, bool is_error);

/**
 * Whether a read error says that a markdown file has no front matter at
 * all (no line '---' at its start): such a file found by a walk is a
 * README or a license, not a broken agent, and is skipped. The library has
 * no status of its own for it (AC_ERR_STRUCTURE is also a broken agent), so
 * the message is compared.
 */
bool cli_is_not_an_agent(const ac_error *e);

/**
 * Load the --plugin files into `ctx`, in order (plugin.c). On the first
 * failure print its error ("FILE.so: error: ...") and return false.
 */
bool cli_load_plugins(ac_context *ctx, char *const *paths, size_t count);

/**
 * The dialect whose collection keyed by name is the file `path`, known by
 * its name (OpenCode's opencode.json), or NULL.
 */
const ac_dialect *cli_keyed_file_dialect(const ac_context *ctx,
                                         const char *path);

/** Whether `form` (NULL accepted) can hold a collection keyed by name:
 * json or yaml (--keyed). */
bool cli_keyed_form(const ac_format *form);

/** Seconds on a monotonic clock. */
double cli_now(void);

#endif /* AGENTCONV_CLI_H */
