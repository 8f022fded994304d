/*
 * agentconv's command-line tool: allocation, strings, diagnostics.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static void out_of_memory(void)
{
    fputs("agentconv: error: out of memory\n", stderr);
    exit(EXIT_INPUT);
}

void *cli_malloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *cli_calloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *cli_realloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q)
        out_of_memory();
    return q;
}

char *cli_strndup(const char *s, size_t len)
{
    char *p = cli_malloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *cli_strdup(const char *s) { return cli_strndup(s, strlen(s)); }

static char *vformat(const char *fmt, va_list ap) CLI_PRINTF(1, 0);

static char *vformat(const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        out_of_memory();
    char *p = cli_malloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *cli_format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = vformat(fmt, ap);
    va_end(ap);
    return p;
}

char *cli_path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    if (n == 0 || (n == 1 && dir[0] == '.'))
        return cli_strdup(name);
    if (n == 1 && dir[0] == '/')
        n = 0; /* "/" and the name */
    size_t k = strlen(name);
    char *p = cli_malloc(n + 1 + k + 1);
    /* the '/' and the name with its NUL follow */
    // NOLINTNEXTLINE(bugprone-not-null-terminated-result)
    memcpy(p, dir, n);
    p[n] = '/';
    memcpy(p + n + 1, name, k + 1);
    return p;
}

void cli_buf_append(cli_buf *b, const char *data, size_t len)
{
    if (b->len + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + len + 1)
            cap *= 2;
        b->data = cli_realloc(b->data, cap);
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void cli_buf_puts(cli_buf *b, const char *s)
{
    cli_buf_append(b, s, strlen(s));
}

void cli_buf_printf(cli_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = vformat(fmt, ap);
    va_end(ap);
    cli_buf_puts(b, p);
    free(p);
}

void cli_buf_free(cli_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

static cli_diag *diags_push(cli_diags *d)
{
    if (d->count == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 4;
        d->items = cli_realloc(d->items, d->cap * sizeof *d->items);
    }
    return &d->items[d->count++];
}

void cli_diags_add_error(cli_diags *d, const ac_error *e, bool is_error,
                         const char *path)
{
    cli_diag *g = diags_push(d);
    size_t cut = sizeof e->source - 1;
    if (path && strlen(e->source) == cut && strncmp(e->source, path, cut) == 0)
        g->source = cli_strdup(path);
    else
        g->source = cli_strdup(e->source);
    g->line = e->line;
    g->column = e->column;
    g->text = cli_strdup(e->text);
    g->is_error = is_error;
}

void cli_diags_add(cli_diags *d, bool is_error, const char *source, int line,
                   int column, const char *fmt, ...)
{
    cli_diag *g = diags_push(d);
    g->source = cli_strdup(source);
    g->line = line;
    g->column = column;
    va_list ap;
    va_start(ap, fmt);
    g->text = vformat(fmt, ap);
    va_end(ap);
    g->is_error = is_error;
}

void cli_diags_free(cli_diags *d)
{
    for (size_t i = 0; i < d->count; i++) {
        free(d->items[i].source);
        free(d->items[i].text);
    }
    free(d->items);
    d->items = NULL;
    d->count = d->cap = 0;
}

void cli_print_diag(const cli_diag *d)
{
    const char *level = d->is_error ? "error" : "warning";
    if (d->line > 0 && d->column > 0)
        fprintf(stderr, "%s:%d:%d: %s: %s\n", d->source, d->line, d->column,
                level, d->text);
    else if (d->line > 0)
        fprintf(stderr, "%s:%d: %s: %s\n", d->source, d->line, level, d->text);
    else
        fprintf(stderr, "%s: %s: %s\n", d->source, level, d->text);
}

void cli_print_error(const ac_error *e, bool is_error)
{
    char line[AC_ERROR_SOURCE_LENGTH + AC_ERROR_TEXT_LENGTH + 64];
    ac_error_format(e, is_error ? "error" : "warning", line, sizeof line);
    fprintf(stderr, "%s\n", line);
}

bool cli_is_not_an_agent(const ac_error *e)
{
    return e->status == AC_ERR_NOT_AGENT;
}

double cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

char *cli_quote(const char *s, size_t len)
{
    enum { MAX = 48 };
    cli_buf b = {0};
    cli_buf_puts(&b, "\"");
    size_t n = len;
    bool cut = false;
    if (n > MAX) {
        n = MAX;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
        cut = true;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            cli_buf_printf(&b, "\\%c", c);
        else if (c == '\n')
            cli_buf_puts(&b, "\\n");
        else if (c == '\t')
            cli_buf_puts(&b, "\\t");
        else if (c < 0x20 || c == 0x7f)
            cli_buf_printf(&b, "\\x%02x", c);
        else
            cli_buf_append(&b, (const char *)&s[i], 1);
    }
    cli_buf_puts(&b, cut ? "\"..." : "\"");
    return b.data;
}

const ac_dialect *cli_keyed_file_dialect(const ac_context *ctx,
                                         const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (size_t i = 0; i < ac_dialect_count(ctx); i++) {
        const ac_dialect *d = ac_dialect_at(ctx, i);
        if (d->keyed_file_name && strcmp(base, d->keyed_file_name) == 0)
            return d;
    }
    return NULL;
}

bool cli_keyed_form(const ac_format *form)
{
    return form &&
           (strcmp(form->name, "json") == 0 || strcmp(form->name, "yaml") == 0);
}
