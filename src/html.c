/*
 * The html form: a one-way (write-only) view of an agent as a standalone
 * HTML5 page, and the index page that lists many (html_internal.h). See
 * docs/html.md for what a page shows and why.
 *
 * A page: doctype, <html lang="en">, a head with the charset, a Content
 * Security Policy that allows nothing but the inline style, the title (the
 * agent's name, or "agent") and a small inline style sheet; then the name
 * as <h1>, the description as a paragraph, a table of every field in model
 * order (key, type, value; lists and maps as nested lists and tables;
 * null, booleans and numbers in <code>, strings as text) and the
 * instructions rendered from markdown by cmark. No script, nothing loaded
 * from elsewhere.
 *
 * The prompt is opaque (FORMATS.md, rule 3): cmark only looks at it here.
 * Raw HTML in it is shown as text: the tree cmark parses is walked and
 * every HTML block becomes <pre class="markup">, every inline HTML node
 * <code class="markup">, each holding the node's text, which cmark's
 * renderer escapes (its default would replace the markup with a comment,
 * its unsafe mode would pass <script> through). Images become links (or
 * text inside a link), so that viewing a page loads nothing. The walk is
 * linear in the size of the tree.
 *
 * Text: &, <, >, " and ' are escaped everywhere. Characters HTML does not
 * allow in a document are shown, not written: C0 controls other than tab
 * and line feed (carriage return included) and DEL as their Unicode
 * control pictures (U+2400 + c, U+2421), C1 controls and noncharacters as
 * U+FFFD; in cmark's output too. Numbers go through acp_format_number, so
 * no locale changes a byte.
 *
 * cmark allocates with its default allocator (no global hooks; that
 * allocator aborts the process when memory runs out, which the library
 * cannot prevent); every result is still checked for NULL.
 *
 * SPDX-License-Identifier: MIT
 */
#include <cmark.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html_internal.h"
#include "internal.h"

typedef struct html_writer {
    ac_context *ctx;
    ac_buf *out;
    ac_error *error;
    uint64_t max_depth;
    size_t entry; /* index page: 1 + the entry being written; 0 otherwise */
} html_writer;

/* ---- errors ---- */

static ac_status fail_nomem(html_writer *w)
{
    return acp_error_set(w->error, AC_ERR_NOMEM, "agentconv", 0, 0, -1,
                         "out of memory");
}

/* " in index entry N", or "" on an agent's page. */
static void entry_text(const html_writer *w, char *buf, size_t size)
{
    if (w->entry)
        snprintf(buf, size, " in index entry %zu", w->entry);
    else
        buf[0] = '\0';
}

/*
 * Model strings are UTF-8 without NUL; the API does not check strings built
 * through it, so the writer does (write_path.c). `step` is the string's
 * path; for a key, the path of the map holding it. On an index page the
 * message also names the entry; `href` says the text is an entry's href.
 */
static ac_status check_text(html_writer *w, const char *s, size_t len,
                            const acp_path_step *step, acp_text_kind kind,
                            bool href)
{
    size_t bad;
    bool is_nul;
    if (acp_utf8_check(s, len, &bad, &is_nul))
        return AC_OK;
    char place[200];
    char entry[48];
    char what[260];
    if (href)
        snprintf(place, sizeof place, "the href");
    else
        acp_text_place(step, kind, place, sizeof place);
    entry_text(w, entry, sizeof entry);
    snprintf(what, sizeof what, "%s%s", place, entry);
    return acp_check_string(s, len, what, w->error);
}

static ac_status fail_depth(html_writer *w, const acp_path_step *step)
{
    char path[160];
    char entry[48];
    acp_path_text(step, path, sizeof path);
    entry_text(w, entry, sizeof entry);
    return acp_error_set(w->error, AC_ERR_LIMIT, "agentconv", 0, 0, -1,
                         "nesting deeper than the %s limit (%llu) at %s%s",
                         ac_limit_name(AC_LIMIT_DEPTH),
                         (unsigned long long)w->max_depth, path, entry);
}

static ac_status fail_not_finite(html_writer *w, const acp_path_step *step)
{
    char path[160];
    char entry[48];
    acp_path_text(step, path, sizeof path);
    entry_text(w, entry, sizeof entry);
    return acp_error_set(w->error, AC_ERR_ARGUMENT, "agentconv", 0, 0, -1,
                         "not a finite number at %s%s", path, entry);
}

/* ---- output ---- */

static ac_status put(html_writer *w, const char *s, size_t len)
{
    return ac_buf_append(w->out, s, len) == AC_OK ? AC_OK : fail_nomem(w);
}

static ac_status put_str(html_writer *w, const char *s)
{
    return put(w, s, strlen(s));
}

/* The length of the UTF-8 sequence at s[i] and its code point, or 0 when
 * no well-formed sequence starts there (an overlong form, a surrogate, a
 * code point above U+10FFFF, a stray byte). The model's text is checked
 * before it is written, but cmark's output is not always UTF-8: it writes
 * U+FFFE and U+FFFF, from "&#xFFFF;", as the single bytes FE and FF. */
static size_t utf8_next(const unsigned char *s, size_t len, size_t i,
                        uint32_t *cp)
{
    unsigned char c = s[i];
    size_t n;
    uint32_t min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n > len - i)
        return 0;
    uint32_t v = c & (0x7fu >> n);
    for (size_t k = 1; k < n; k++) {
        if ((s[i + k] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[i + k] & 0x3fu);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return n;
}

/*
 * Append text. With `escape`, the five characters HTML gives a meaning to
 * become references (for text from the model); without, they are left as
 * they are (for cmark's output, which is HTML already). Either way,
 * characters HTML does not allow in a document are replaced by a visible
 * stand-in (see the head of this file). Runs of bytes that need nothing go
 * in one append each.
 */
static ac_status put_text(html_writer *w, const char *text, size_t len,
                          bool escape)
{
    static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */
    const unsigned char *s = (const unsigned char *)text;
    size_t run = 0;
    size_t i = 0;
    ac_status st = AC_OK;
    while (i < len && st == AC_OK) {
        unsigned char c = s[i];
        const char *rep = NULL;
        size_t rep_len = 0;
        size_t n = 1;
        char picture[3];
        if (c < 0x80) {
            if (escape && c == '&')
                rep = "&amp;";
            else if (escape && c == '<')
                rep = "&lt;";
            else if (escape && c == '>')
                rep = "&gt;";
            else if (escape && c == '"')
                rep = "&quot;";
            else if (escape && c == '\'')
                rep = "&#39;";
            if (rep) {
                rep_len = strlen(rep);
            } else if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
                picture[0] = '\xe2';
                picture[1] = '\x90';
                picture[2] = (char)(c == 0x7f ? 0xa1 : 0x80 + c);
                rep = picture;
                rep_len = 3;
            }
        } else {
            uint32_t cp = 0;
            n = utf8_next(s, len, i, &cp);
            if (n == 0 || (cp >= 0x80 && cp <= 0x9f) ||
                (cp >= 0xfdd0 && cp <= 0xfdef) ||
                (cp >= 0xfffe && (cp & 0xfffeu) == 0xfffeu)) {
                rep = replacement;
                rep_len = 3;
                n = n ? n : 1;
            }
        }
        if (rep) {
            st = put(w, text + run, i - run);
            if (st == AC_OK)
                st = put(w, rep, rep_len);
            run = i + n;
        }
        i += n;
    }
    if (st == AC_OK)
        st = put(w, text + run, len - run);
    return st;
}

/* The integer or number `v` in its text form; returns the length. */
static int number_text(const html_writer *w, const ac_value *v, char out[32])
{
    if (v->type == AC_INTEGER)
        return snprintf(out, 32, "%" PRId64, v->u.i);
    return acp_format_number(w->ctx, v->u.d, out);
}

static bool is_finite(double d) { return d - d == 0.0; }

/* True when the text is only spaces, tabs and line ends (or empty). */
static bool is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return false;
    }
    return true;
}

/* A string of spaces, tabs and line feeds only, made visible: U+2423 for a
 * space, the control pictures U+2409 and U+240A for tab and line feed
 * (a carriage return is shown as U+240D by put_text anyway). */
static ac_status put_blank(html_writer *w, const char *s, size_t len)
{
    ac_status st = put_str(w, "<span class=\"blank\">");
    for (size_t i = 0; i < len && st == AC_OK; i++) {
        if (s[i] == ' ')
            st = put_str(w, "\xe2\x90\xa3");
        else if (s[i] == '\t')
            st = put_str(w, "\xe2\x90\x89");
        else if (s[i] == '\n')
            st = put_str(w, "\xe2\x90\x8a");
        else
            st = put_text(w, s + i, 1, true);
    }
    if (st == AC_OK)
        st = put_str(w, "</span>");
    return st;
}

/* ---- the head and foot of every page ---- */

static const char page_style[] =
    "body { font-family: system-ui, sans-serif; line-height: 1.5; "
    "color: #1a1a1a; background: #fff; max-width: 60rem; margin: 2rem auto; "
    "padding: 0 1rem; }\n"
    "table { border-collapse: collapse; margin: 0.5rem 0; }\n"
    "th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; "
    "text-align: left; vertical-align: top; }\n"
    "thead th { background: #eee; }\n"
    "td > table.map { margin: 0; }\n"
    "ul.list { margin: 0; padding-left: 1.25rem; }\n"
    ".str, .description { white-space: pre-wrap; overflow-wrap: anywhere; }\n"
    "code, pre { font-family: ui-monospace, monospace; }\n"
    "code.null, code.bool, code.int, code.num { color: #0550ae; }\n"
    ".empty, .blank, .none, .type { color: #666; }\n"
    ".empty { font-style: italic; }\n"
    "pre { background: #f5f5f5; padding: 0.5rem; overflow-x: auto; }\n"
    "pre.markup { background: #fbf5ee; }\n"
    "pre.markup, code.markup { color: #953800; }\n";

static ac_status put_head(html_writer *w, const char *title, size_t title_len)
{
    ac_status st = put_str(w, "<!DOCTYPE html>\n"
                              "<html lang=\"en\">\n"
                              "<head>\n"
                              "<meta charset=\"utf-8\">\n"
                              "<meta http-equiv=\"Content-Security-Policy\" "
                              "content=\"default-src 'none'; "
                              "style-src 'unsafe-inline'\">\n"
                              "<meta name=\"viewport\" "
                              "content=\"width=device-width, "
                              "initial-scale=1\">\n"
                              "<title>");
    if (st == AC_OK)
        st = put_text(w, title, title_len, true);
    if (st == AC_OK)
        st = put_str(w, "</title>\n<style>\n");
    if (st == AC_OK)
        st = put_str(w, page_style);
    if (st == AC_OK)
        st = put_str(w, "</style>\n</head>\n<body>\n");
    return st;
}

static ac_status put_foot(html_writer *w)
{
    return put_str(w, "</body>\n</html>\n");
}

/* ---- field values on an agent's page ---- */

static ac_status put_code(html_writer *w, const char *cls, const char *text,
                          size_t len)
{
    ac_status st = put_str(w, "<code class=\"");
    if (st == AC_OK)
        st = put_str(w, cls);
    if (st == AC_OK)
        st = put_str(w, "\">");
    if (st == AC_OK)
        st = put(w, text, len);
    if (st == AC_OK)
        st = put_str(w, "</code>");
    return st;
}

/* What the type column says: "string", "list of 3", ... */
static ac_status put_type(html_writer *w, const ac_value *v)
{
    if (v->type != AC_LIST && v->type != AC_MAP)
        return put_str(w, ac_type_name(v->type));
    char text[48];
    int n = snprintf(text, sizeof text, "%s of %zu", ac_type_name(v->type),
                     v->type == AC_LIST ? v->u.list.len : v->u.map.len);
    return put(w, text, (size_t)n);
}

static ac_status put_value(html_writer *w, const ac_value *v, uint64_t depth,
                           const acp_path_step *step);

/* A non-empty list as <ul>, a non-empty map as a table of key and value;
 * `depth` is the nesting of the container holding `v` (the fields are 1). */
static ac_status put_container(html_writer *w, const ac_value *v,
                               uint64_t depth, const acp_path_step *step)
{
    bool is_map = v->type == AC_MAP;
    size_t n = is_map ? v->u.map.len : v->u.list.len;
    if (depth + 1 > w->max_depth)
        return fail_depth(w, step);
    if (n == 0)
        return put_code(w, "empty", is_map ? "{}" : "[]", 2);
    ac_status st = put_str(w, is_map ? "<table class=\"map\">\n<tbody>\n"
                                     : "<ul class=\"list\">\n");
    for (size_t i = 0; i < n && st == AC_OK; i++) {
        acp_path_step child = {step, NULL, 0, i};
        if (is_map) {
            const acp_entry *e = &v->u.map.entries[i];
            child.key = e->key;
            child.key_len = e->key_len;
            st = check_text(w, e->key, e->key_len, step, ACP_TEXT_KEY, false);
            if (st == AC_OK)
                st = put_str(w, "<tr><th scope=\"row\">");
            if (st == AC_OK)
                st = put_text(w, e->key, e->key_len, true);
            if (st == AC_OK)
                st = put_str(w, "</th><td>");
            if (st == AC_OK)
                st = put_value(w, e->value, depth + 1, &child);
            if (st == AC_OK)
                st = put_str(w, "</td></tr>\n");
        } else {
            st = put_str(w, "<li>");
            if (st == AC_OK)
                st = put_value(w, v->u.list.items[i], depth + 1, &child);
            if (st == AC_OK)
                st = put_str(w, "</li>\n");
        }
    }
    if (st == AC_OK)
        st = put_str(w, is_map ? "</tbody>\n</table>" : "</ul>");
    return st;
}

static ac_status put_value(html_writer *w, const ac_value *v, uint64_t depth,
                           const acp_path_step *step)
{
    char num[32];
    ac_status st;
    switch (v->type) {
    case AC_NULL:
        return put_code(w, "null", "null", 4);
    case AC_BOOL:
        return v->u.b ? put_code(w, "bool", "true", 4)
                      : put_code(w, "bool", "false", 5);
    case AC_INTEGER:
        return put_code(w, "int", num, (size_t)number_text(w, v, num));
    case AC_NUMBER:
        if (!is_finite(v->u.d))
            return fail_not_finite(w, step);
        return put_code(w, "num", num, (size_t)number_text(w, v, num));
    case AC_STRING:
        st = check_text(w, v->u.str.s, v->u.str.len, step, ACP_TEXT_STRING,
                        false);
        if (st != AC_OK)
            return st;
        if (v->u.str.len == 0)
            return put_str(w, "<span class=\"empty\">(empty string)</span>");
        if (is_blank(v->u.str.s, v->u.str.len))
            return put_blank(w, v->u.str.s, v->u.str.len);
        st = put_str(w, "<span class=\"str\">");
        if (st == AC_OK)
            st = put_text(w, v->u.str.s, v->u.str.len, true);
        if (st == AC_OK)
            st = put_str(w, "</span>");
        return st;
    case AC_LIST:
    case AC_MAP:
        return put_container(w, v, depth, step);
    }
    return AC_OK;
}

static ac_status put_fields(html_writer *w, const ac_value *fields)
{
    size_t n = fields->u.map.len;
    if (n == 0)
        return put_str(w, "<p class=\"none\">No fields.</p>\n");
    ac_status st = put_str(w, "<table class=\"fields\">\n<thead>\n"
                              "<tr><th scope=\"col\">Field</th>"
                              "<th scope=\"col\">Type</th>"
                              "<th scope=\"col\">Value</th></tr>\n"
                              "</thead>\n<tbody>\n");
    for (size_t i = 0; i < n && st == AC_OK; i++) {
        const acp_entry *e = &fields->u.map.entries[i];
        acp_path_step step = {NULL, e->key, e->key_len, 0};
        st = check_text(w, e->key, e->key_len, NULL, ACP_TEXT_KEY, false);
        if (st == AC_OK)
            st = put_str(w, "<tr><th scope=\"row\">");
        if (st == AC_OK)
            st = put_text(w, e->key, e->key_len, true);
        if (st == AC_OK)
            st = put_str(w, "</th><td class=\"type\">");
        if (st == AC_OK)
            st = put_type(w, e->value);
        if (st == AC_OK)
            st = put_str(w, "</td><td>");
        if (st == AC_OK)
            st = put_value(w, e->value, 1, &step);
        if (st == AC_OK)
            st = put_str(w, "</td></tr>\n");
    }
    if (st == AC_OK)
        st = put_str(w, "</tbody>\n</table>\n");
    return st;
}

/* ---- the instructions through cmark ---- */

/*
 * A node that shows the text of an HTML block (`block`) or inline HTML node:
 * a custom node whose enter and exit strings are the project's own markup
 * and whose only child is a text node with the literal, which cmark
 * escapes when it renders. NULL when out of memory.
 */
static cmark_node *markup_node(cmark_node *html, bool block)
{
    cmark_node *wrap = cmark_node_new(block ? CMARK_NODE_CUSTOM_BLOCK
                                            : CMARK_NODE_CUSTOM_INLINE);
    if (!wrap)
        return NULL;
    cmark_node *text = cmark_node_new(CMARK_NODE_TEXT);
    if (!text) {
        cmark_node_free(wrap);
        return NULL;
    }
    if (!cmark_node_append_child(wrap, text)) {
        cmark_node_free(text);
        cmark_node_free(wrap);
        return NULL;
    }
    const char *literal = cmark_node_get_literal(html);
    if (!literal || !cmark_node_set_literal(text, literal) ||
        !cmark_node_set_on_enter(wrap, block ? "<pre class=\"markup\">"
                                             : "<code class=\"markup\">") ||
        !cmark_node_set_on_exit(wrap, block ? "</pre>" : "</code>")) {
        cmark_node_free(wrap);
        return NULL;
    }
    return wrap;
}

/* Append the plain text of the inlines under `node` (what cmark would put
 * in an image's alt attribute: the text of an image inside is its alt
 * text) to `buf`. */
static ac_status plain_text(cmark_node *node, ac_buf *buf)
{
    cmark_iter *it = cmark_iter_new(node);
    if (!it)
        return AC_ERR_NOMEM;
    ac_status st = AC_OK;
    while (st == AC_OK) {
        cmark_event_type ev = cmark_iter_next(it);
        if (ev == CMARK_EVENT_DONE)
            break;
        if (ev != CMARK_EVENT_ENTER)
            continue;
        cmark_node *cur = cmark_iter_get_node(it);
        switch (cmark_node_get_type(cur)) {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
        case CMARK_NODE_HTML_INLINE: {
            const char *literal = cmark_node_get_literal(cur);
            st = ac_buf_puts(buf, literal ? literal : "");
            break;
        }
        case CMARK_NODE_SOFTBREAK:
        case CMARK_NODE_LINEBREAK:
            st = ac_buf_append(buf, " ", 1);
            break;
        default:
            break;
        }
    }
    cmark_iter_free(it);
    return st;
}

/*
 * What replaces an image: a link to its URL, with its title, whose text is
 * "[image: ALT]" ("[image]" without alt text); inside a link (`in_link`),
 * where a link cannot be, that text alone. The image's inlines, images
 * included, become the one text node, so that nested images cost one walk.
 * A page thus loads no image from anywhere. NULL when out of memory.
 */
static cmark_node *image_node(cmark_node *image, bool in_link)
{
    ac_buf label;
    acp_buf_init(&label);
    ac_status st = ac_buf_puts(&label, "[image");
    size_t before = label.len;
    if (st == AC_OK)
        st = ac_buf_puts(&label, ": ");
    if (st == AC_OK)
        st = plain_text(image, &label);
    if (st == AC_OK && label.len == before + 2)
        label.len = before; /* no alt text */
    if (st == AC_OK)
        st = ac_buf_append(&label, "]", 1);
    if (st != AC_OK) {
        acp_buf_release(&label);
        return NULL;
    }
    cmark_node *text = cmark_node_new(CMARK_NODE_TEXT);
    bool ok = text && cmark_node_set_literal(text, label.data);
    acp_buf_release(&label);
    if (!ok || in_link) {
        if (!ok && text)
            cmark_node_free(text);
        return ok ? text : NULL;
    }
    const char *url = cmark_node_get_url(image);
    const char *title = cmark_node_get_title(image);
    cmark_node *link = cmark_node_new(CMARK_NODE_LINK);
    if (!link) {
        cmark_node_free(text);
        return NULL;
    }
    if (!cmark_node_append_child(link, text)) {
        cmark_node_free(text);
        cmark_node_free(link);
        return NULL;
    }
    if (!url || !title || !cmark_node_set_url(link, url) ||
        !cmark_node_set_title(link, title)) {
        cmark_node_free(link);
        return NULL;
    }
    return link;
}

/*
 * Replace every raw HTML node of the tree by a node showing its text, and
 * every image by a link or text (see above). After a replacement the
 * iterator is reset to leave the new node, so that it goes on after it
 * (an image is replaced as it is entered, its inlines with it: nothing
 * under it is visited). Links are counted as they are entered and left:
 * an image inside one must not become a link.
 */
static ac_status markup_to_text(cmark_node *root)
{
    cmark_iter *it = cmark_iter_new(root);
    if (!it)
        return AC_ERR_NOMEM;
    ac_status st = AC_OK;
    size_t links = 0;
    for (;;) {
        cmark_event_type ev = cmark_iter_next(it);
        if (ev == CMARK_EVENT_DONE)
            break;
        cmark_node *node = cmark_iter_get_node(it);
        cmark_node *repl = NULL;
        cmark_node_type type = cmark_node_get_type(node);
        if (type == CMARK_NODE_LINK) {
            if (ev == CMARK_EVENT_ENTER)
                links++;
            else if (links > 0)
                links--;
            continue;
        }
        if (type == CMARK_NODE_HTML_BLOCK)
            repl = markup_node(node, true);
        else if (type == CMARK_NODE_HTML_INLINE)
            repl = markup_node(node, false);
        else if (type == CMARK_NODE_IMAGE && ev == CMARK_EVENT_ENTER)
            repl = image_node(node, links > 0);
        else
            continue;
        if (!repl) {
            st = AC_ERR_NOMEM;
            break;
        }
        if (!cmark_node_replace(node, repl)) {
            cmark_node_free(repl);
            st = AC_ERR_NOMEM;
            break;
        }
        cmark_node_free(node);
        cmark_iter_reset(it, repl, CMARK_EVENT_EXIT);
    }
    cmark_iter_free(it);
    return st;
}

static ac_status put_instructions(html_writer *w, const char *text, size_t len)
{
    cmark_node *root = cmark_parse_document(text, len, CMARK_OPT_DEFAULT);
    if (!root)
        return fail_nomem(w);
    char *html = NULL;
    ac_status st = markup_to_text(root);
    if (st == AC_OK)
        html = cmark_render_html(root, CMARK_OPT_DEFAULT);
    cmark_node_free(root);
    if (!html)
        return fail_nomem(w);
    st = put_str(w, "<div class=\"instructions\">\n");
    if (st == AC_OK)
        st = put_text(w, html, strlen(html), false);
    if (st == AC_OK)
        st = put_str(w, "</div>\n");
    cmark_get_default_mem_allocator()->free(html);
    return st;
}

/* ---- an agent's page ---- */

/* The field `key` when it is a string with more than white space in it,
 * else NULL. */
static const ac_value *string_field(const ac_value *fields, const char *key)
{
    const ac_value *v = ac_map_get(fields, key);
    if (!v || v->type != AC_STRING || is_blank(v->u.str.s, v->u.str.len))
        return NULL;
    return v;
}

static ac_status html_write(ac_context *ctx, const ac_format *format,
                            const ac_doc *doc, ac_buf *out, ac_error *error)
{
    html_writer w = {ctx, out, error, ctx->limits[AC_LIMIT_DEPTH], 0};
    const ac_value *fields = doc->fields;
    (void)format;

    if (acp_map_find(fields, "instructions", 12) >= 0)
        return acp_error_set(error, AC_ERR_STRUCTURE, "agentconv", 0, 0, -1,
                             "the fields hold the key \"instructions\", which "
                             "is reserved for the instructions text");
    const ac_value *name = string_field(fields, "name");
    const ac_value *description = string_field(fields, "description");
    acp_path_step name_step = {NULL, "name", 4, 0};
    acp_path_step description_step = {NULL, "description", 11, 0};
    ac_status st = AC_OK;
    if (name)
        st = check_text(&w, name->u.str.s, name->u.str.len, &name_step,
                        ACP_TEXT_STRING, false);
    if (st == AC_OK && description)
        st = check_text(&w, description->u.str.s, description->u.str.len,
                        &description_step, ACP_TEXT_STRING, false);
    if (st == AC_OK && doc->instructions_len > 0)
        st = check_text(&w, doc->instructions, doc->instructions_len, NULL,
                        ACP_TEXT_INSTRUCTIONS, false);
    if (st != AC_OK)
        return st;

    const char *title = name ? name->u.str.s : "agent";
    size_t title_len = name ? name->u.str.len : 5;
    st = put_head(&w, title, title_len);
    if (st == AC_OK)
        st = put_str(&w, "<h1>");
    if (st == AC_OK)
        st = put_text(&w, title, title_len, true);
    if (st == AC_OK)
        st = put_str(&w, "</h1>\n");
    if (st == AC_OK && description) {
        st = put_str(&w, "<p class=\"description\">");
        if (st == AC_OK)
            st = put_text(&w, description->u.str.s, description->u.str.len,
                          true);
        if (st == AC_OK)
            st = put_str(&w, "</p>\n");
    }
    if (st == AC_OK)
        st = put_str(&w, "<h2>Fields</h2>\n");
    if (st == AC_OK)
        st = put_fields(&w, fields);
    if (st == AC_OK)
        st = put_str(&w, "<h2>Instructions</h2>\n");
    if (st == AC_OK) {
        if (doc->instructions_len == 0)
            st = put_str(&w, "<p class=\"none\">No instructions.</p>\n");
        else
            st = put_instructions(&w, doc->instructions, doc->instructions_len);
    }
    if (st == AC_OK)
        st = put_foot(&w);
    return st;
}

static const char *const html_extensions[] = {".html", NULL};

const ac_format acp_format_html = {
    .abi = AC_FORMAT_ABI,
    .name = "html",
    .description = "standalone HTML page: fields in a table, instructions "
                   "rendered with cmark (write-only)",
    .aliases = NULL,
    .extensions = html_extensions,
    .sniff = NULL,
    .read = NULL,
    .write = html_write,
    .read_many = NULL,
    .write_many = NULL, /* one agent per page; batches get an index */
    .user = NULL,
};

/* ---- the index page ---- */

/* At most this many characters of a description's first line. */
#define INDEX_DESCRIPTION_CHARS 200

/*
 * A value as one line of text: a string as it is, other scalars as in
 * JSON, a list's items joined by ", ", a map's "key: value" pairs joined by
 * ", "; a list or map inside another in [ ] or { }. `depth` is the nesting
 * of the container holding `v` (the fields are 1).
 */
static ac_status put_compact(html_writer *w, const ac_value *v, uint64_t depth,
                             const acp_path_step *step)
{
    char num[32];
    ac_status st = AC_OK;
    switch (v->type) {
    case AC_NULL:
        return put_str(w, "null");
    case AC_BOOL:
        return put_str(w, v->u.b ? "true" : "false");
    case AC_INTEGER:
        return put(w, num, (size_t)number_text(w, v, num));
    case AC_NUMBER:
        if (!is_finite(v->u.d))
            return fail_not_finite(w, step);
        return put(w, num, (size_t)number_text(w, v, num));
    case AC_STRING:
        st = check_text(w, v->u.str.s, v->u.str.len, step, ACP_TEXT_STRING,
                        false);
        if (st == AC_OK)
            st = put_text(w, v->u.str.s, v->u.str.len, true);
        return st;
    case AC_LIST:
    case AC_MAP:
        break;
    }
    bool is_map = v->type == AC_MAP;
    bool nested = depth > 1;
    size_t n = is_map ? v->u.map.len : v->u.list.len;
    if (depth + 1 > w->max_depth)
        return fail_depth(w, step);
    if (nested)
        st = put_str(w, is_map ? "{" : "[");
    for (size_t i = 0; i < n && st == AC_OK; i++) {
        acp_path_step child = {step, NULL, 0, i};
        const ac_value *item;
        if (i > 0)
            st = put_str(w, ", ");
        if (is_map) {
            const acp_entry *e = &v->u.map.entries[i];
            child.key = e->key;
            child.key_len = e->key_len;
            item = e->value;
            if (st == AC_OK)
                st = check_text(w, e->key, e->key_len, step, ACP_TEXT_KEY,
                                false);
            if (st == AC_OK)
                st = put_text(w, e->key, e->key_len, true);
            if (st == AC_OK)
                st = put_str(w, ": ");
        } else {
            item = v->u.list.items[i];
        }
        if (st == AC_OK)
            st = put_compact(w, item, depth + 1, &child);
    }
    if (st == AC_OK && nested)
        st = put_str(w, is_map ? "}" : "]");
    return st;
}

/* The first line of a description, cut to INDEX_DESCRIPTION_CHARS
 * characters, "…" at the end when anything was left out. */
static ac_status put_summary(html_writer *w, const ac_value *v,
                             const acp_path_step *step)
{
    const char *s = v->u.str.s;
    size_t len = v->u.str.len;
    ac_status st = check_text(w, s, len, step, ACP_TEXT_STRING, false);
    if (st != AC_OK)
        return st;
    size_t end = 0;
    size_t chars = 0;
    while (end < len && s[end] != '\n' && s[end] != '\r' &&
           chars < INDEX_DESCRIPTION_CHARS) {
        uint32_t cp;
        size_t n = utf8_next((const unsigned char *)s, len, end, &cp);
        end += n ? n : 1; /* cannot be 0: the text is checked */
        chars++;
    }
    st = put_text(w, s, end, true);
    if (st == AC_OK && end < len)
        st = put_str(w, "\xe2\x80\xa6"); /* U+2026 */
    return st;
}

/* The href, percent-encoded: every byte but unreserved ones and '/'. */
static ac_status put_href(html_writer *w, const char *href)
{
    static const char hex[] = "0123456789ABCDEF";
    ac_status st = AC_OK;
    for (const char *p = href; *p && st == AC_OK; p++) {
        unsigned char c = (unsigned char)*p;
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                     (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                     c == '_' || c == '~' || c == '/';
        if (plain) {
            st = put(w, p, 1);
        } else {
            char esc[3] = {'%', hex[c >> 4], hex[c & 0x0f]};
            st = put(w, esc, 3);
        }
    }
    return st;
}

/* A cell holding the field `key` as compact text (empty when absent). */
static ac_status put_compact_cell(html_writer *w, const ac_value *fields,
                                  const char *key)
{
    const ac_value *v = ac_map_get(fields, key);
    acp_path_step step = {NULL, key, strlen(key), 0};
    ac_status st = put_str(w, "<td>");
    if (st == AC_OK && v)
        st = put_compact(w, v, 1, &step);
    if (st == AC_OK)
        st = put_str(w, "</td>");
    return st;
}

static ac_status put_index_row(html_writer *w, const acp_html_entry *e)
{
    if (!e->href || !e->doc)
        return acp_error_set(w->error, AC_ERR_ARGUMENT, "agentconv", 0, 0, -1,
                             "index entry %zu has no %s", w->entry,
                             e->href ? "document" : "href");
    if (e->href[0] == '\0' || e->href[0] == '/')
        return acp_error_set(w->error, AC_ERR_ARGUMENT, "agentconv", 0, 0, -1,
                             "the href of index entry %zu is %s", w->entry,
                             e->href[0] ? "absolute" : "empty");
    size_t href_len = strlen(e->href);
    ac_status st =
        check_text(w, e->href, href_len, NULL, ACP_TEXT_STRING, true);
    if (st != AC_OK)
        return st;
    const ac_value *fields = e->doc->fields;
    const ac_value *name = string_field(fields, "name");
    const ac_value *description = ac_map_get(fields, "description");
    acp_path_step name_step = {NULL, "name", 4, 0};
    acp_path_step description_step = {NULL, "description", 11, 0};
    if (name)
        st = check_text(w, name->u.str.s, name->u.str.len, &name_step,
                        ACP_TEXT_STRING, false);
    if (st == AC_OK)
        st = put_str(w, "<tr><td><a href=\"");
    if (st == AC_OK)
        st = put_href(w, e->href);
    if (st == AC_OK)
        st = put_str(w, "\">");
    if (st == AC_OK)
        st = name ? put_text(w, name->u.str.s, name->u.str.len, true)
                  : put_text(w, e->href, href_len, true);
    if (st == AC_OK)
        st = put_str(w, "</a></td><td>");
    if (st == AC_OK && description) {
        if (description->type == AC_STRING)
            st = put_summary(w, description, &description_step);
        else
            st = put_compact(w, description, 1, &description_step);
    }
    if (st == AC_OK)
        st = put_str(w, "</td>");
    if (st == AC_OK)
        st = put_compact_cell(w, fields, "model");
    if (st == AC_OK)
        st = put_compact_cell(w, fields, "tools");
    if (st == AC_OK)
        st = put_str(w, "</tr>\n");
    return st;
}

ac_status acp_html_index(ac_context *ctx, const acp_html_entry *entries,
                         size_t n, ac_buf *out, ac_error *error)
{
    if (!ctx || !out || (!entries && n > 0))
        return acp_error_set(error, AC_ERR_ARGUMENT, "agentconv", 0, 0, -1,
                             "invalid argument");
    html_writer w = {ctx, out, error, ctx->limits[AC_LIMIT_DEPTH], 0};
    ac_status st = put_head(&w, "Agents", 6);
    if (st == AC_OK)
        st = put_str(&w, "<h1>Agents</h1>\n");
    if (st == AC_OK && n == 0)
        st = put_str(&w, "<p class=\"none\">No agents.</p>\n");
    if (st == AC_OK && n > 0) {
        char count[48];
        int len = snprintf(count, sizeof count, "<p>%zu agent%s.</p>\n", n,
                           n == 1 ? "" : "s");
        st = put(&w, count, (size_t)len);
        if (st == AC_OK)
            st = put_str(&w, "<table class=\"index\">\n<thead>\n"
                             "<tr><th scope=\"col\">Name</th>"
                             "<th scope=\"col\">Description</th>"
                             "<th scope=\"col\">Model</th>"
                             "<th scope=\"col\">Tools</th></tr>\n"
                             "</thead>\n<tbody>\n");
        for (size_t i = 0; i < n && st == AC_OK; i++) {
            w.entry = i + 1;
            st = put_index_row(&w, &entries[i]);
        }
        w.entry = 0;
        if (st == AC_OK)
            st = put_str(&w, "</tbody>\n</table>\n");
    }
    if (st == AC_OK)
        st = put_foot(&w);
    return st;
}

ac_status ac_html_index(ac_context *ctx, const char *const *hrefs,
                        const ac_doc *const *docs, size_t count, char **out,
                        size_t *out_len, ac_error *error)
{
    ac_error local;
    if (!error)
        error = &local;
    if (!ctx || !out || (count && (!hrefs || !docs)))
        return acp_error_set(error, AC_ERR_ARGUMENT, "agentconv", 0, 0, -1,
                             "invalid argument");
    *out = NULL;
    acp_html_entry *entries = NULL;
    if (count) {
        entries = calloc(count, sizeof *entries);
        if (!entries)
            return acp_error_set(error, AC_ERR_NOMEM, "agentconv", 0, 0, -1,
                                 "out of memory");
        for (size_t i = 0; i < count; i++) {
            entries[i].href = hrefs[i];
            entries[i].doc = docs[i];
        }
    }
    ac_buf buf;
    acp_buf_init(&buf);
    memset(error, 0, sizeof *error);
    ac_status st = acp_html_index(ctx, entries, count, &buf, error);
    free(entries);
    if (st != AC_OK) {
        acp_buf_release(&buf);
        return st;
    }
    *out = acp_buf_detach(&buf, out_len);
    return *out ? AC_OK
                : acp_error_set(error, AC_ERR_NOMEM, "agentconv", 0, 0, -1,
                                "out of memory");
}
