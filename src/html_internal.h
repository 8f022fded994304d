/*
 * The html form's index page, for the batch mode: one standalone HTML page
 * that lists many agents and links to the page of each (html.c writes both
 * kinds of page; docs/html.md describes them).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AGENTCONV_HTML_INTERNAL_H
#define AGENTCONV_HTML_INTERNAL_H

#include <stddef.h>

#include "internal.h"

/** One agent of the index: where its page is, and what it is. */
typedef struct acp_html_entry {
    /**
     * The agent's page relative to the index (borrowed, NUL-terminated,
     * UTF-8): a path with '/' between its segments, e.g. "sub/x.html". It
     * must not be empty or start with '/'. The index writes it
     * percent-encoded (every byte but ASCII letters, digits, '-', '.', '_',
     * '~' and '/'), so that a name such as "a b#1.html" or "c:x.html" stays
     * a relative link to that file.
     */
    const char *href;
    /** The agent (borrowed). */
    const ac_doc *doc;
} acp_html_entry;

/**
 * Append to `out` a standalone HTML5 page (the same head and style as the
 * agent pages) holding a table with one row per entry, in the order given
 * (the caller sorts): the name linked to the page, the description, the
 * model and the tools.
 *
 * What a cell shows: the name is the `name` field when it is a non-empty
 * string, else the href; the description is the first line of a string
 * `description`, cut to 200 characters, with "…" when anything was left
 * out (the whole text is on the agent's page); model, tools (and a
 * description that is not a string) are shown as compact text: a string as
 * it is, other scalars as in JSON, a list as its items joined by ", ", a
 * map as "key: value" pairs joined by ", ", a nested list or map in [ ] or
 * { }. Absent fields give an empty cell. Every text is HTML-escaped.
 *
 * `entries` may be NULL when `n` is 0 (the page then says there are no
 * agents). The documents are only read. Returns AC_OK; or AC_ERR_ARGUMENT
 * (a NULL argument, an entry without href or document, an href that is
 * empty or starts with '/'), AC_ERR_ENCODING (an href or a shown string
 * that is not UTF-8 or holds a NUL), AC_ERR_LIMIT (a shown value nested
 * deeper than the context's depth limit) or AC_ERR_NOMEM, with `error`
 * (NULL accepted) naming the entry. On failure `out` may hold part of the
 * page; the caller discards it.
 */
ac_status acp_html_index(ac_context *ctx, const acp_html_entry *entries,
                         size_t n, ac_buf *out, ac_error *error);

#endif /* AGENTCONV_HTML_INTERNAL_H */
