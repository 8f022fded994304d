/*
 * agentconv's command-line tool: the --report file, a JSON record of every
 * input of a run (docs/batch.md describes its fields).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "batch.h"
#include "cli.h"

/* The length of the valid UTF-8 sequence at `s` (at most `n` bytes), or 0. */
static size_t utf8_length(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len;
    unsigned min;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

/* A JSON string: quotes, backslashes and control characters escaped, UTF-8
 * kept, and each byte that is not UTF-8 (a file name may hold any byte)
 * written as U+FFFD. */
static void put_string(cli_buf *b, const char *text)
{
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    size_t n = strlen((const char *)s);
    cli_buf_puts(b, "\"");
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            cli_buf_append(b, esc, 2);
            i++;
        } else if (c == '\n') {
            cli_buf_puts(b, "\\n");
            i++;
        } else if (c == '\t') {
            cli_buf_puts(b, "\\t");
            i++;
        } else if (c == '\r') {
            cli_buf_puts(b, "\\r");
            i++;
        } else if (c < 0x20 || c == 0x7F) {
            cli_buf_printf(b, "\\u%04x", c);
            i++;
        } else {
            size_t k = utf8_length(s + i, n - i);
            if (k == 0) {
                cli_buf_puts(b, "\\ufffd");
                i++;
            } else {
                cli_buf_append(b, (const char *)s + i, k);
                i += k;
            }
        }
    }
    cli_buf_puts(b, "\"");
}

static void put_position(cli_buf *b, const char *key, int value)
{
    if (value > 0)
        cli_buf_printf(b, ", \"%s\": %d", key, value);
    else
        cli_buf_printf(b, ", \"%s\": null", key);
}

static void put_diagnostics(cli_buf *b, const cli_diags *d)
{
    cli_buf_puts(b, "[");
    for (size_t i = 0; d && i < d->count; i++) {
        const cli_diag *g = &d->items[i];
        cli_buf_puts(b, i ? ", {\"level\": " : "{\"level\": ");
        put_string(b, g->is_error ? "error" : "warning");
        cli_buf_puts(b, ", \"source\": ");
        put_string(b, g->source);
        put_position(b, "line", g->line);
        put_position(b, "column", g->column);
        cli_buf_puts(b, ", \"message\": ");
        put_string(b, g->text);
        cli_buf_puts(b, "}");
    }
    cli_buf_puts(b, "]");
}

char *cli_report_head(const cli_report *r)
{
    cli_buf b = {0};
    cli_buf_puts(&b, "{\n  \"agentconv\": ");
    put_string(&b, ac_version_string());
    cli_buf_puts(&b, ",\n  \"to\": ");
    put_string(&b, r->to);
    cli_buf_printf(&b, ",\n  \"dry_run\": %s,\n",
                   r->dry_run ? "true" : "false");
    cli_buf_printf(&b,
                   "  \"summary\": {\"inputs\": %zu, \"converted\": %lu, "
                   "\"unchanged\": %lu, \"skipped\": %lu, \"exists\": %lu, "
                   "\"failed\": %lu, \"seconds\": %.3f},\n",
                   r->input_count, r->converted, r->unchanged, r->skipped,
                   r->exists, r->failed, r->seconds);
    cli_buf_puts(&b, "  \"diagnostics\": ");
    put_diagnostics(&b, r->run_diagnostics);
    cli_buf_puts(&b, ",\n  \"inputs\": [");
    return b.data;
}

void cli_report_entry(cli_buf *b, const cli_report_input *in, bool first)
{
    cli_buf_puts(b, first ? "\n    {\"path\": " : ",\n    {\"path\": ");
    put_string(b, in->path);
    cli_buf_puts(b, ", \"status\": ");
    put_string(b, in->status);
    if (in->reason) {
        cli_buf_puts(b, ", \"reason\": ");
        put_string(b, in->reason);
    }
    cli_buf_puts(b, ", \"outputs\": [");
    for (size_t k = 0; k < in->output_count; k++) {
        cli_buf_puts(b, k ? ", {\"path\": " : "{\"path\": ");
        put_string(b, in->outputs[k].path);
        cli_buf_puts(b, ", \"status\": ");
        put_string(b, in->outputs[k].status);
        cli_buf_puts(b, "}");
    }
    cli_buf_puts(b, "], \"diagnostics\": ");
    put_diagnostics(b, in->diagnostics);
    cli_buf_puts(b, "}");
}

const char *cli_report_tail(size_t input_count)
{
    return input_count ? "\n  ]\n}\n" : "]\n}\n";
}
