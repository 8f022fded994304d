/*
 * Unit tests of the html form (a write-only view) and of the index page:
 * the page's exact structure, a table row for every value type and nested
 * values, escaping of every special character in keys, values and the
 * title, raw HTML in the instructions and in fields shown as text (never
 * run, never dropped), the markdown rendering, characters HTML does not
 * allow, determinism and independence from the locale, the write errors,
 * and acp_html_index.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agentconv/agentconv.h"
#include "html_internal.h"
#include "internal.h"

/* ---- helpers ---- */

static ac_context *new_context(void)
{
    ac_context *ctx = ac_context_new();
    assert_non_null(ctx);
    return ctx;
}

static const ac_format *html_format(const ac_context *ctx)
{
    const ac_format *f = ac_format_find(ctx, "html");
    assert_non_null(f);
    assert_ptr_equal(f, &acp_format_html);
    return f;
}

/* Render a document that must be accepted; returns the page (free()). */
static char *render(ac_context *ctx, const ac_doc *doc)
{
    char *out = NULL;
    size_t n = 0;
    ac_error e;
    ac_status st = ac_write(ctx, html_format(ctx), doc, &out, &n, &e);
    if (st != AC_OK)
        print_error("unexpected write error %d: %s\n", (int)st, e.text);
    assert_int_equal(st, AC_OK);
    assert_non_null(out);
    assert_int_equal(strlen(out), n);
    return out;
}

/* Render a document that must be refused with this status and message. */
static void expect_write_error(ac_context *ctx, const ac_doc *doc,
                               ac_status status, const char *message)
{
    char *out = (char *)&out; /* not NULL: ac_write must clear it */
    size_t n = 0;
    ac_error e;
    ac_status st = ac_write(ctx, html_format(ctx), doc, &out, &n, &e);
    if (st != status || strcmp(e.text, message) != 0)
        print_error("got %d: %s\n", (int)st, e.text);
    assert_int_equal(st, status);
    assert_null(out);
    assert_string_equal(e.text, message);
}

static void set(ac_value *map, const char *key, ac_value *v)
{
    assert_non_null(v);
    assert_int_equal(ac_map_set(map, key, strlen(key), v), AC_OK);
}

static void setn(ac_value *map, const char *key, size_t len, ac_value *v)
{
    assert_non_null(v);
    assert_int_equal(ac_map_set(map, key, len, v), AC_OK);
}

static void append(ac_value *list, ac_value *v)
{
    assert_non_null(v);
    assert_int_equal(ac_list_append(list, v), AC_OK);
}

static ac_value *str(const char *s)
{
    return ac_value_new_string(s, strlen(s));
}

static ac_doc *new_doc(void)
{
    ac_doc *doc = ac_doc_new();
    assert_non_null(doc);
    return doc;
}

static void set_instructions(ac_doc *doc, const char *text)
{
    assert_int_equal(ac_doc_set_instructions(doc, text, strlen(text)), AC_OK);
}

static ac_doc *read_md(ac_context *ctx, const char *text)
{
    ac_doc *doc = NULL;
    ac_error e;
    ac_status st = ac_read(ctx, ac_format_find(ctx, "md"), text, strlen(text),
                           "t.md", &doc, &e);
    if (st != AC_OK)
        print_error("unexpected read error %d: %s\n", (int)st, e.text);
    assert_int_equal(st, AC_OK);
    return doc;
}

static void expect_has(const char *page, const char *needle)
{
    if (!strstr(page, needle))
        print_error("expected to find\n%s\nin\n%s\n", needle, page);
    assert_non_null(strstr(page, needle));
}

static void expect_lacks(const char *page, const char *needle)
{
    if (strstr(page, needle))
        print_error("did not expect\n%s\nin\n%s\n", needle, page);
    assert_null(strstr(page, needle));
}

/* True when `needle` (lower case) occurs in `hay` ignoring ASCII case. */
static bool has_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = hay; *p; p++) {
        size_t i = 0;
        while (i < n && p[i] && tolower((unsigned char)p[i]) == needle[i])
            i++;
        if (i == n)
            return true;
    }
    return false;
}

/* What follows "<body>\n". */
static const char *body(const char *page)
{
    const char *b = strstr(page, "<body>\n");
    assert_non_null(b);
    return b + 7;
}

/* The HTML cmark rendered from the instructions: what is between
 * <div class="instructions"> and the </div> before </body>. */
static char *instructions_html(const char *page)
{
    const char *start = strstr(page, "<div class=\"instructions\">\n");
    assert_non_null(start);
    start += strlen("<div class=\"instructions\">\n");
    const char *end = strstr(start, "</div>\n</body>\n</html>\n");
    assert_non_null(end);
    char *s = malloc((size_t)(end - start) + 1);
    assert_non_null(s);
    memcpy(s, start, (size_t)(end - start));
    s[end - start] = '\0';
    return s;
}

/* Render instructions alone and return cmark's part of the page. */
static char *render_instructions(ac_context *ctx, const char *text)
{
    ac_doc *doc = new_doc();
    set_instructions(doc, text);
    char *page = render(ctx, doc);
    char *html = instructions_html(page);
    free(page);
    ac_doc_free(doc);
    return html;
}

/* The page head up to the title, the same on every page. */
#define HEAD_START                                                             \
    "<!DOCTYPE html>\n"                                                        \
    "<html lang=\"en\">\n"                                                     \
    "<head>\n"                                                                 \
    "<meta charset=\"utf-8\">\n"                                               \
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "      \
    "'none'; style-src 'unsafe-inline'\">\n"                                   \
    "<meta name=\"viewport\" content=\"width=device-width, "                   \
    "initial-scale=1\">\n"                                                     \
    "<title>"

#define FIELDS_HEAD                                                            \
    "<h2>Fields</h2>\n"                                                        \
    "<table class=\"fields\">\n"                                               \
    "<thead>\n"                                                                \
    "<tr><th scope=\"col\">Field</th><th scope=\"col\">Type</th>"              \
    "<th scope=\"col\">Value</th></tr>\n"                                      \
    "</thead>\n"                                                               \
    "<tbody>\n"

#define FIELDS_FOOT "</tbody>\n</table>\n"

/* Check the head of a page with this (escaped) title. */
static void expect_head(const char *page, const char *title)
{
    size_t n = strlen(HEAD_START);
    assert_memory_equal(page, HEAD_START, n);
    size_t t = strlen(title);
    assert_memory_equal(page + n, title, t);
    const char *rest = page + n + t;
    assert_memory_equal(rest, "</title>\n<style>\n", 17);
    const char *style_end = strstr(rest, "</style>\n</head>\n<body>\n");
    assert_non_null(style_end);
    /* The style sheet is CSS only: nothing that loads anything. */
    char *style = malloc((size_t)(style_end - rest) + 1);
    assert_non_null(style);
    memcpy(style, rest, (size_t)(style_end - rest));
    style[style_end - rest] = '\0';
    assert_false(has_nocase(style, "url("));
    assert_false(has_nocase(style, "@import"));
    free(style);
}

/* ---- descriptor ---- */

static void test_descriptor(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    const ac_format *f = html_format(ctx);
    assert_int_equal(f->abi, AC_FORMAT_ABI);
    assert_string_equal(f->name, "html");
    assert_string_equal(f->description,
                        "standalone HTML page: fields in a table, "
                        "instructions rendered with cmark (write-only)");
    assert_null(f->aliases);
    assert_non_null(f->extensions);
    assert_string_equal(f->extensions[0], ".html");
    assert_null(f->extensions[1]);
    assert_null(f->read);
    assert_null(f->sniff);
    assert_non_null(f->write);
    assert_ptr_equal(ac_format_for_path(ctx, "dir/agent.html"), f);
    assert_ptr_equal(ac_format_find(ctx, "HTML"), f);
    /* The last built-in format. */
    assert_ptr_equal(ac_format_at(ctx, acp_builtin_format_count - 1), f);

    /* Never read, never chosen by sniffing. */
    const char page[] = "<!DOCTYPE html>\n<html></html>\n";
    assert_true(ac_format_sniff(ctx, page, sizeof page - 1) != f);
    ac_doc *doc = (ac_doc *)&doc;
    ac_error e;
    assert_int_equal(ac_read(ctx, f, page, sizeof page - 1, "t.html", &doc, &e),
                     AC_ERR_UNSUPPORTED);
    assert_null(doc);
    ac_context_free(ctx);
}

/* ---- the page ---- */

static void test_page_exact(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    ac_doc *doc = new_doc();
    ac_value *fields = ac_doc_fields(doc);
    set(fields, "name", str("reviewer"));
    set(fields, "description", str("Reviews code.\nTwo lines."));
    ac_value *tools = ac_value_new_list();
    append(tools, str("Read"));
    append(tools, str("Grep"));
    set(fields, "tools", tools);
    set(fields, "count", ac_value_new_integer(-42));
    set(fields, "temperature", ac_value_new_number(0.5));
    set(fields, "big", ac_value_new_number(1e100));
    set(fields, "enabled", ac_value_new_bool(true));
    set(fields, "off", ac_value_new_bool(false));
    set(fields, "nothing", ac_value_new_null());
    set(fields, "quoted", str("42"));
    set(fields, "empty", str(""));
    ac_value *map = ac_value_new_map();
    ac_value *inner = ac_value_new_list();
    append(inner, ac_value_new_integer(1));
    ac_value *deep = ac_value_new_map();
    set(deep, "b", str("c"));
    append(inner, deep);
    append(inner, ac_value_new_list());
    set(map, "a", inner);
    set(map, "e", ac_value_new_map());
    set(fields, "map", map);
    set_instructions(doc, "You review code.\n");

    char *page = render(ctx, doc);
    expect_head(page, "reviewer");
    assert_string_equal(
        body(page),
        "<h1>reviewer</h1>\n"
        "<p class=\"description\">Reviews code.\nTwo lines.</p>\n" FIELDS_HEAD
        "<tr><th scope=\"row\">name</th><td class=\"type\">string</td>"
        "<td><span class=\"str\">reviewer</span></td></tr>\n"
        "<tr><th scope=\"row\">description</th><td class=\"type\">string</td>"
        "<td><span class=\"str\">Reviews code.\nTwo lines.</span></td></tr>\n"
        "<tr><th scope=\"row\">tools</th><td class=\"type\">list of 2</td>"
        "<td><ul class=\"list\">\n"
        "<li><span class=\"str\">Read</span></li>\n"
        "<li><span class=\"str\">Grep</span></li>\n"
        "</ul></td></tr>\n"
        "<tr><th scope=\"row\">count</th><td class=\"type\">integer</td>"
        "<td><code class=\"int\">-42</code></td></tr>\n"
        "<tr><th scope=\"row\">temperature</th><td class=\"type\">number</td>"
        "<td><code class=\"num\">0.5</code></td></tr>\n"
        "<tr><th scope=\"row\">big</th><td class=\"type\">number</td>"
        "<td><code class=\"num\">1.0e+100</code></td></tr>\n"
        "<tr><th scope=\"row\">enabled</th><td class=\"type\">boolean</td>"
        "<td><code class=\"bool\">true</code></td></tr>\n"
        "<tr><th scope=\"row\">off</th><td class=\"type\">boolean</td>"
        "<td><code class=\"bool\">false</code></td></tr>\n"
        "<tr><th scope=\"row\">nothing</th><td class=\"type\">null</td>"
        "<td><code class=\"null\">null</code></td></tr>\n"
        "<tr><th scope=\"row\">quoted</th><td class=\"type\">string</td>"
        "<td><span class=\"str\">42</span></td></tr>\n"
        "<tr><th scope=\"row\">empty</th><td class=\"type\">string</td>"
        "<td><span class=\"empty\">(empty string)</span></td></tr>\n"
        "<tr><th scope=\"row\">map</th><td class=\"type\">map of 2</td>"
        "<td><table class=\"map\">\n<tbody>\n"
        "<tr><th scope=\"row\">a</th><td><ul class=\"list\">\n"
        "<li><code class=\"int\">1</code></li>\n"
        "<li><table class=\"map\">\n<tbody>\n"
        "<tr><th scope=\"row\">b</th><td><span class=\"str\">c</span></td>"
        "</tr>\n"
        "</tbody>\n</table></li>\n"
        "<li><code class=\"empty\">[]</code></li>\n"
        "</ul></td></tr>\n"
        "<tr><th scope=\"row\">e</th><td><code class=\"empty\">{}</code></td>"
        "</tr>\n"
        "</tbody>\n</table></td></tr>\n" FIELDS_FOOT "<h2>Instructions</h2>\n"
        "<div class=\"instructions\">\n"
        "<p>You review code.</p>\n"
        "</div>\n"
        "</body>\n"
        "</html>\n");
    free(page);
    ac_doc_free(doc);
    ac_context_free(ctx);
}

static void test_page_minimal(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    ac_doc *doc = new_doc();
    char *page = render(ctx, doc);
    expect_head(page, "agent");
    assert_string_equal(body(page), "<h1>agent</h1>\n"
                                    "<h2>Fields</h2>\n"
                                    "<p class=\"none\">No fields.</p>\n"
                                    "<h2>Instructions</h2>\n"
                                    "<p class=\"none\">No instructions.</p>\n"
                                    "</body>\n</html>\n");
    free(page);

    /* A name that is not a string, or only white space, gives "agent";
     * a description that is not a string gets no paragraph. */
    ac_value *fields = ac_doc_fields(doc);
    set(fields, "name", ac_value_new_integer(7));
    set(fields, "description", ac_value_new_list());
    page = render(ctx, doc);
    expect_head(page, "agent");
    expect_has(page, "<h1>agent</h1>\n<h2>Fields</h2>\n");
    expect_lacks(page, "class=\"description\"");
    free(page);
    set(fields, "name", str(" \t\n"));
    set(fields, "description", str("  "));
    page = render(ctx, doc);
    expect_head(page, "agent");
    expect_has(page, "<h1>agent</h1>\n<h2>Fields</h2>\n");
    expect_lacks(page, "class=\"description\"");
    /* A blank string is shown with visible stand-ins: U+2423 for a space,
     * U+2409 and U+240A for tab and line feed. */
    expect_has(page, "<td><span class=\"blank\">\xe2\x90\xa3\xe2\x90\x89"
                     "\xe2\x90\x8a</span></td>");
    expect_has(page, "<td><span class=\"blank\">\xe2\x90\xa3\xe2\x90\xa3"
                     "</span></td>");
    free(page);
    ac_doc_free(doc);
    ac_context_free(ctx);
}

/* ---- escaping ---- */

static void test_escaping(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    ac_doc *doc = new_doc();
    ac_value *fields = ac_doc_fields(doc);
    const char *special = "a&b<c>d\"e'f";
    const char *escaped = "a&amp;b&lt;c&gt;d&quot;e&#39;f";
    set(fields, "name", str(special));
    set(fields, "description", str(special));
    set(fields, special, str(special));
    ac_value *map = ac_value_new_map();
    set(map, special, str(special));
    set(fields, "nested", map);
    ac_value *list = ac_value_new_list();
    append(list, str("&amp; stays &amp;amp;"));
    set(fields, "list", list);

    char *page = render(ctx, doc);
    char title[128];
    snprintf(title, sizeof title, "%s", escaped);
    expect_head(page, title);
    char want[512];
    snprintf(want, sizeof want, "<h1>%s</h1>\n", escaped);
    expect_has(page, want);
    snprintf(want, sizeof want, "<p class=\"description\">%s</p>\n", escaped);
    expect_has(page, want);
    snprintf(want, sizeof want,
             "<tr><th scope=\"row\">%s</th><td class=\"type\">string</td>"
             "<td><span class=\"str\">%s</span></td></tr>\n",
             escaped, escaped);
    expect_has(page, want);
    snprintf(want, sizeof want,
             "<tr><th scope=\"row\">%s</th><td><span class=\"str\">%s</span>"
             "</td></tr>\n",
             escaped, escaped);
    expect_has(page, want);
    expect_has(page, "<li><span class=\"str\">&amp;amp; stays "
                     "&amp;amp;amp;</span></li>");
    expect_lacks(page, special);
    free(page);
    ac_doc_free(doc);
    ac_context_free(ctx);
}

/* ---- raw HTML is shown as text ---- */

static void test_raw_html_as_text(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    ac_doc *doc = new_doc();
    ac_value *fields = ac_doc_fields(doc);
    set(fields, "name", str("<script>alert(1)</script>"));
    set(fields, "description",
        str("Use it.\n\n<example>\nContext: x\n</example>"));
    set(fields, "<script>", str("<SCRIPT>alert(2)</SCRIPT>"));
    set_instructions(doc,
                     "Intro.\n"
                     "\n"
                     "<example>\n"
                     "user: hi\n"
                     "assistant: <commentary>ok</commentary>\n"
                     "</example>\n"
                     "\n"
                     "<script>alert(1)</script>\n"
                     "\n"
                     "Inline <script>alert(3)</script> and <b>bold</b> and "
                     "<img src=x onerror=alert(4)>.\n"
                     "\n"
                     "<!-- a comment -->\n"
                     "\n"
                     "<Script>\n"
                     "alert(5)\n"
                     "</Script>\n");

    char *page = render(ctx, doc);
    /* Nothing runs, nothing is dropped. */
    assert_false(has_nocase(page, "<script"));
    assert_false(has_nocase(page, "<img"));
    assert_false(has_nocase(page, "<example"));
    assert_false(has_nocase(page, "<!--"));
    assert_false(has_nocase(page, "raw html omitted"));
    expect_head(page, "&lt;script&gt;alert(1)&lt;/script&gt;");
    expect_has(page, "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>\n");
    expect_has(page, "<p class=\"description\">Use it.\n\n&lt;example&gt;\n"
                     "Context: x\n&lt;/example&gt;</p>\n");
    expect_has(page, "<tr><th scope=\"row\">&lt;script&gt;</th>"
                     "<td class=\"type\">string</td><td><span class=\"str\">"
                     "&lt;SCRIPT&gt;alert(2)&lt;/SCRIPT&gt;</span></td></tr>");
    char *html = instructions_html(page);
    assert_string_equal(
        html, "<p>Intro.</p>\n"
              "<pre class=\"markup\">\n"
              "&lt;example&gt;\n"
              "user: hi\n"
              "assistant: &lt;commentary&gt;ok&lt;/commentary&gt;\n"
              "&lt;/example&gt;\n"
              "</pre>\n"
              "<pre class=\"markup\">\n"
              "&lt;script&gt;alert(1)&lt;/script&gt;\n"
              "</pre>\n"
              "<p>Inline <code class=\"markup\">&lt;script&gt;</code>alert(3)"
              "<code class=\"markup\">&lt;/script&gt;</code> and "
              "<code class=\"markup\">&lt;b&gt;</code>bold"
              "<code class=\"markup\">&lt;/b&gt;</code> and "
              "<code class=\"markup\">&lt;img src=x onerror=alert(4)&gt;</code>"
              ".</p>\n"
              "<pre class=\"markup\">\n"
              "&lt;!-- a comment --&gt;\n"
              "</pre>\n"
              "<pre class=\"markup\">\n"
              "&lt;Script&gt;\n"
              "alert(5)\n"
              "&lt;/Script&gt;\n"
              "</pre>\n");
    free(html);
    free(page);

    /* The prompt is not changed by being shown. */
    size_t len;
    const char *text = ac_doc_instructions(doc, &len);
    assert_non_null(strstr(text, "<script>alert(1)</script>\n"));
    ac_doc_free(doc);
    ac_context_free(ctx);
}

/* Raw HTML inside other blocks and inlines: lists, quotes, headings,
 * emphasis and links. */
static void test_raw_html_nested(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    char *html = render_instructions(ctx, "> <div>\n"
                                          "> quoted\n"
                                          "\n"
                                          "- item <i>x</i>\n"
                                          "\n"
                                          "  <example>\n"
                                          "  in item\n"
                                          "  </example>\n"
                                          "\n"
                                          "## Head <br>\n"
                                          "\n"
                                          "*em <u>u</u>* [link <s>s</s>](t)\n");
    assert_string_equal(html, "<blockquote>\n"
                              "<pre class=\"markup\">\n"
                              "&lt;div&gt;\n"
                              "quoted\n"
                              "</pre>\n"
                              "</blockquote>\n"
                              "<ul>\n"
                              "<li>\n"
                              "<p>item <code class=\"markup\">&lt;i&gt;</code>"
                              "x<code class=\"markup\">&lt;/i&gt;</code></p>\n"
                              "<pre class=\"markup\">\n"
                              "&lt;example&gt;\n"
                              "in item\n"
                              "&lt;/example&gt;\n"
                              "</pre>\n"
                              "</li>\n"
                              "</ul>\n"
                              "<h2>Head <code class=\"markup\">&lt;br&gt;"
                              "</code></h2>\n"
                              "<p><em>em <code class=\"markup\">&lt;u&gt;"
                              "</code>u<code class=\"markup\">&lt;/u&gt;"
                              "</code></em> <a href=\"t\">link "
                              "<code class=\"markup\">&lt;s&gt;</code>s"
                              "<code class=\"markup\">&lt;/s&gt;</code></a>"
                              "</p>\n");
    free(html);
    ac_context_free(ctx);
}

/* ---- markdown ---- */

static void test_markdown(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    char *html = render_instructions(ctx, "# Title\n"
                                          "\n"
                                          "Some *emphasis*, **strong** and "
                                          "`code <x>`.\n"
                                          "\n"
                                          "## Steps\n"
                                          "\n"
                                          "1. one\n"
                                          "2. two\n"
                                          "\n"
                                          "- a\n"
                                          "- b\n"
                                          "\n"
                                          "```c\n"
                                          "if (a < b && c) {}\n"
                                          "```\n"
                                          "\n"
                                          "    indented\n"
                                          "\n"
                                          "> quote\n"
                                          "\n"
                                          "---\n"
                                          "\n"
                                          "[site](https://example.com \"T\") "
                                          "A & B\n");
    assert_string_equal(
        html, "<h1>Title</h1>\n"
              "<p>Some <em>emphasis</em>, <strong>strong</strong> "
              "and <code>code &lt;x&gt;</code>.</p>\n"
              "<h2>Steps</h2>\n"
              "<ol>\n"
              "<li>one</li>\n"
              "<li>two</li>\n"
              "</ol>\n"
              "<ul>\n"
              "<li>a</li>\n"
              "<li>b</li>\n"
              "</ul>\n"
              "<pre><code class=\"language-c\">if (a &lt; b &amp;&amp; "
              "c) {}\n"
              "</code></pre>\n"
              "<pre><code>indented\n"
              "</code></pre>\n"
              "<blockquote>\n"
              "<p>quote</p>\n"
              "</blockquote>\n"
              "<hr />\n"
              "<p><a href=\"https://example.com\" title=\"T\">site</a> "
              "A &amp; B</p>\n");
    free(html);

    /* cmark's safe default: a javascript: link loses its destination. */
    html = render_instructions(ctx, "[x](javascript:alert(1))\n");
    assert_string_equal(html, "<p><a href=\"\">x</a></p>\n");
    free(html);
    ac_context_free(ctx);
}

/* Images become links (or text inside a link): a page loads nothing. */
static void test_images(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    char *html = render_instructions(
        ctx, "![a *b* `c`](http://x/y.png \"T\") ![](z.png)\n"
             "[![badge](http://b/i.svg)](http://b/)\n"
             "![outer ![inner](i.png)](o.png)\n");
    assert_string_equal(html,
                        "<p><a href=\"http://x/y.png\" title=\"T\">"
                        "[image: a b c]</a> <a href=\"z.png\">[image]</a>\n"
                        "<a href=\"http://b/\">[image: badge]</a>\n"
                        "<a href=\"o.png\">[image: outer inner]</a>"
                        "</p>\n");
    assert_false(has_nocase(html, "<img"));
    free(html);
    ac_context_free(ctx);
}

/* Pathological nesting finishes in linear time: 50,000 images nested in
 * one another (each image's alt text holds the next), and an image under
 * 50,000 levels of emphasis inside a link. Done in well under a second; a
 * walk that flattened each image's alt text again would take minutes. */
static void test_images_linear(void **state)
{
    (void)state;
    enum { K = 50000 };
    size_t size = (size_t)K * 12 + 64;
    char *text = malloc(size);
    assert_non_null(text);
    size_t n = 0;
    for (int i = 0; i < K; i++) {
        memcpy(text + n, "![", 2);
        n += 2;
    }
    text[n++] = 'a';
    for (int i = 0; i < K; i++) {
        memcpy(text + n, "](b)", 4);
        n += 4;
    }
    memcpy(text + n, "\n\n[", 3);
    n += 3;
    for (int i = 0; i < K; i++) {
        memcpy(text + n, "*a ", 3);
        n += 3;
    }
    memcpy(text + n, "![x](y)", 7);
    n += 7;
    for (int i = 0; i < K; i++) {
        memcpy(text + n, " b*", 3);
        n += 3;
    }
    memcpy(text + n, "](c)\n", 6);
    n += 6;
    assert_true(n < size);
    text[n] = '\0';

    ac_context *ctx = new_context();
    clock_t start = clock();
    char *html = render_instructions(ctx, text);
    double seconds = (double)(clock() - start) / CLOCKS_PER_SEC;
    assert_true(seconds < 10.0);
    const char *first = "<p><a href=\"b\">[image: a]</a></p>\n";
    assert_memory_equal(html, first, strlen(first));
    expect_has(html, "<em>a [image: x] b</em>");
    assert_false(has_nocase(html, "<img"));
    free(html);
    free(text);
    ac_context_free(ctx);
}

/* ---- characters HTML does not allow ---- */

static void test_disallowed_characters(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    ac_doc *doc = new_doc();
    ac_value *fields = ac_doc_fields(doc);
    /* C0 controls, DEL, CR, a C1 control (U+0085), noncharacters. */
    set(fields, "c",
        str("a\x01"
            "b\x1f"
            "c\x7f"
            "d\r\n"
            "e\t\xc2\x85"
            "f\xef\xbf\xbe"
            "g\xef\xb7\x90"
            "h\xf4\x8f\xbf\xbf"
            "i\xc3\xa9"));
    setn(fields, "k\x02", 2, ac_value_new_integer(1));
    set_instructions(doc, "x\x01y &#x85; &#xFFFF; &#xFFFE; &#xFDD0; "
                          "&#x1FFFE; &#0; \x7f\n"
                          "\n"
                          "```\n"
                          "\x0b\n"
                          "```\n");
    char *page = render(ctx, doc);
    expect_has(page, "<td><span class=\"str\">a\xe2\x90\x81"
                     "b\xe2\x90\x9f"
                     "c\xe2\x90\xa1"
                     "d\xe2\x90\x8d\n"
                     "e\t\xef\xbf\xbd"
                     "f\xef\xbf\xbd"
                     "g\xef\xbf\xbd"
                     "h\xef\xbf\xbd"
                     "i\xc3\xa9</span></td>");
    expect_has(page, "<th scope=\"row\">k\xe2\x90\x82</th>");
    char *html = instructions_html(page);
    assert_string_equal(html, "<p>x\xe2\x90\x81y \xef\xbf\xbd \xef\xbf\xbd "
                              "\xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd "
                              "\xef\xbf\xbd \xe2\x90\xa1</p>\n"
                              "<pre><code>\xe2\x90\x8b\n"
                              "</code></pre>\n");
    free(html);
    /* The whole page: UTF-8, and no control character but tab and LF. */
    size_t len = strlen(page);
    size_t bad;
    bool is_nul;
    assert_true(acp_utf8_check(page, len, &bad, &is_nul));
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)page[i];
        assert_true((c >= 0x20 && c != 0x7f) || c == '\t' || c == '\n');
    }
    free(page);
    ac_doc_free(doc);
    ac_context_free(ctx);
}

/* ---- determinism and locale ---- */

static const char sample_md[] =
    "---\n"
    "name: sample\n"
    "description: \"A sample.\\n\\n<example>\\nuser: x\\n</example>\"\n"
    "tools: [Read, Grep]\n"
    "temperature: 0.25\n"
    "top_p: 1.0e+100\n"
    "small: 2.5e-7\n"
    "count: 1234567\n"
    "opts: {a: 1.5, b: [true, null]}\n"
    "---\n"
    "\n"
    "# Sample\n"
    "\n"
    "Use <example> tags. 0.5 stays 0.5.\n";

static void test_deterministic(void **state)
{
    (void)state;
    ac_context *ctx1 = new_context();
    ac_context *ctx2 = new_context();
    ac_doc *doc = read_md(ctx1, sample_md);
    char *a = render(ctx1, doc);
    char *b = render(ctx1, doc);
    char *c = render(ctx2, doc);
    assert_string_equal(a, b);
    assert_string_equal(a, c);
    /* A copy of the model gives the same bytes. */
    ac_doc *copy = read_md(ctx2, sample_md);
    char *d = render(ctx2, copy);
    assert_string_equal(a, d);
    free(d);
    ac_doc_free(copy);
    free(c);
    free(b);
    free(a);
    ac_doc_free(doc);
    ac_context_free(ctx2);
    ac_context_free(ctx1);
}

static const char *enter_comma_locale(void)
{
    static const char *const names[] = {
        "de_DE.UTF-8", "de_DE.utf8",  "fr_FR.UTF-8", "fr_FR.utf8",
        "nl_NL.UTF-8", "ru_RU.UTF-8", NULL};
    for (const char *const *n = names; *n; n++) {
        if (setlocale(LC_ALL, *n)) {
            char probe[16];
            snprintf(probe, sizeof probe, "%.1f", 0.5);
            if (strcmp(probe, "0,5") == 0)
                return *n;
            setlocale(LC_ALL, "C");
        }
    }
    return NULL;
}

static void test_locale(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    ac_doc *doc = read_md(ctx, sample_md);
    char *in_c = render(ctx, doc);
    acp_html_entry entry = {"sample.html", doc};
    ac_buf index_c;
    acp_buf_init(&index_c);
    assert_int_equal(acp_html_index(ctx, &entry, 1, &index_c, NULL), AC_OK);
    if (!enter_comma_locale()) {
        /* Under ctest a de_DE locale is built into the build tree. */
        assert_null(getenv("AGENTCONV_REQUIRE_COMMA_LOCALE"));
        printf("note: no decimal-comma locale installed; test_locale "
               "checks nothing\n");
        acp_buf_release(&index_c);
        free(in_c);
        ac_doc_free(doc);
        ac_context_free(ctx);
        return;
    }
    ac_context *ctx2 = new_context(); /* made in the comma locale */
    char *in_comma = render(ctx2, doc);
    ac_buf index_comma;
    acp_buf_init(&index_comma);
    assert_int_equal(acp_html_index(ctx2, &entry, 1, &index_comma, NULL),
                     AC_OK);
    setlocale(LC_ALL, "C");
    assert_string_equal(in_c, in_comma);
    assert_int_equal(index_c.len, index_comma.len);
    assert_memory_equal(index_c.data, index_comma.data, index_c.len);
    expect_has(in_c, "<code class=\"num\">0.25</code>");
    expect_has(in_c, "<code class=\"num\">1.0e+100</code>");
    expect_has(in_c, "<code class=\"num\">2.5e-7</code>");
    expect_has(in_c, "<code class=\"num\">1.5</code>");
    expect_has(in_c, "<code class=\"int\">1234567</code>");
    acp_buf_release(&index_comma);
    acp_buf_release(&index_c);
    free(in_comma);
    free(in_c);
    ac_doc_free(doc);
    ac_context_free(ctx2);
    ac_context_free(ctx);
}

/* ---- errors ---- */

static void test_write_errors(void **state)
{
    (void)state;
    ac_context *ctx = new_context();

    ac_doc *doc = new_doc();
    ac_value *fields = ac_doc_fields(doc);
    ac_value *tools = ac_value_new_list();
    append(tools, str("Read"));
    append(tools, ac_value_new_string("b\xffx", 3));
    set(fields, "tools", tools);
    expect_write_error(ctx, doc, AC_ERR_ENCODING,
                       "invalid UTF-8 (byte 0xff) in the string at /tools/1");
    ac_doc_free(doc);

    doc = new_doc();
    fields = ac_doc_fields(doc);
    set(fields, "name", ac_value_new_string("a\0b", 3));
    expect_write_error(ctx, doc, AC_ERR_ENCODING,
                       "NUL character (U+0000) in the string at /name");
    ac_doc_free(doc);

    doc = new_doc();
    fields = ac_doc_fields(doc);
    setn(fields, "k\xc0", 2, ac_value_new_null());
    expect_write_error(ctx, doc, AC_ERR_ENCODING,
                       "invalid UTF-8 (byte 0xc0) in a key of the fields");
    ac_doc_free(doc);

    doc = new_doc();
    fields = ac_doc_fields(doc);
    ac_value *map = ac_value_new_map();
    setn(map, "a/~\xed\xa0\x80", 6, str("x"));
    ac_value *holder = ac_value_new_map();
    set(holder, "in/side", map);
    set(fields, "m", holder);
    expect_write_error(
        ctx, doc, AC_ERR_ENCODING,
        "invalid UTF-8 (byte 0xed) in a key of the map at /m/in~1side");
    ac_doc_free(doc);

    doc = new_doc();
    assert_int_equal(ac_doc_set_instructions(doc, "ok\0no", 5), AC_OK);
    expect_write_error(ctx, doc, AC_ERR_ENCODING,
                       "NUL character (U+0000) in the instructions");
    ac_doc_free(doc);

    doc = new_doc();
    fields = ac_doc_fields(doc);
    set(fields, "instructions", str("x"));
    expect_write_error(ctx, doc, AC_ERR_STRUCTURE,
                       "the fields hold the key \"instructions\", which is "
                       "reserved for the instructions text");
    ac_doc_free(doc);

    /* A number that is not finite (the API cannot make one; a plugin
     * writing the struct could). */
    doc = new_doc();
    fields = ac_doc_fields(doc);
    ac_value *num = ac_value_new_number(1.0);
    assert_non_null(num);
    num->u.d = HUGE_VAL;
    set(fields, "n", num);
    expect_write_error(ctx, doc, AC_ERR_ARGUMENT, "not a finite number at /n");
    ac_doc_free(doc);

    ac_context_free(ctx);
}

static void test_depth_limit(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_DEPTH, 3), AC_OK);
    ac_doc *doc = new_doc();
    ac_value *fields = ac_doc_fields(doc);
    ac_value *l1 = ac_value_new_list();
    ac_value *l2 = ac_value_new_list();
    ac_value *l3 = ac_value_new_list();
    append(l3, ac_value_new_integer(1));
    append(l2, l3);
    append(l1, l2);
    set(fields, "deep", l1);
    /* The fields are level 1, as in the other writers. */
    expect_write_error(ctx, doc, AC_ERR_LIMIT,
                       "nesting deeper than the depth limit (3) at /deep/0/0");
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_DEPTH, 4), AC_OK);
    char *page = render(ctx, doc);
    free(page);

    /* The markdown of the instructions has no such limit: cmark walks its
     * tree without recursion. */
    char text[3 * 5000 + 8];
    size_t n = 0;
    for (int i = 0; i < 5000; i++) {
        memcpy(text + n, "> ", 2);
        n += 2;
    }
    memcpy(text + n, "x\n", 3);
    set_instructions(doc, text);
    page = render(ctx, doc);
    expect_has(page, "<p>x</p>");
    free(page);
    ac_doc_free(doc);
    ac_context_free(ctx);
}

/* ---- the index page ---- */

static ac_doc *index_doc(const char *name, const char *description,
                         ac_value *model, ac_value *tools)
{
    ac_doc *doc = new_doc();
    ac_value *fields = ac_doc_fields(doc);
    if (name)
        set(fields, "name", str(name));
    if (description)
        set(fields, "description", str(description));
    if (model)
        set(fields, "model", model);
    if (tools)
        set(fields, "tools", tools);
    return doc;
}

static char *index_page(ac_context *ctx, const acp_html_entry *entries,
                        size_t n)
{
    ac_buf buf;
    acp_buf_init(&buf);
    ac_error e;
    ac_status st = acp_html_index(ctx, entries, n, &buf, &e);
    if (st != AC_OK)
        print_error("index: %d: %s\n", (int)st, e.text);
    assert_int_equal(st, AC_OK);
    return acp_buf_detach(&buf, NULL);
}

static void expect_index_error(ac_context *ctx, const acp_html_entry *entries,
                               size_t n, ac_status status, const char *message)
{
    ac_buf buf;
    acp_buf_init(&buf);
    ac_error e;
    memset(&e, 0, sizeof e);
    ac_status st = acp_html_index(ctx, entries, n, &buf, &e);
    if (st != status || strcmp(e.text, message) != 0)
        print_error("index: %d: %s\n", (int)st, e.text);
    assert_int_equal(st, status);
    assert_int_equal(e.status, status);
    assert_string_equal(e.text, message);
    acp_buf_release(&buf);
}

#define INDEX_HEAD                                                             \
    "<h1>Agents</h1>\n"                                                        \
    "<p>%s</p>\n"                                                              \
    "<table class=\"index\">\n"                                                \
    "<thead>\n"                                                                \
    "<tr><th scope=\"col\">Name</th><th scope=\"col\">Description</th>"        \
    "<th scope=\"col\">Model</th><th scope=\"col\">Tools</th></tr>\n"          \
    "</thead>\n"                                                               \
    "<tbody>\n"

static void test_index(void **state)
{
    (void)state;
    ac_context *ctx = new_context();

    ac_value *model_list = ac_value_new_list();
    append(model_list, str("gpt-4o"));
    append(model_list, str("claude-sonnet"));
    ac_value *tools_map = ac_value_new_map();
    set(tools_map, "write", ac_value_new_bool(false));
    set(tools_map, "bash", ac_value_new_bool(true));
    ac_value *tools_nested = ac_value_new_list();
    append(tools_nested, str("Read"));
    ac_value *sub = ac_value_new_map();
    set(sub, "x", ac_value_new_number(0.5));
    ac_value *sub_list = ac_value_new_list();
    append(sub_list, ac_value_new_null());
    append(sub_list, ac_value_new_integer(2));
    set(sub, "y", sub_list);
    append(tools_nested, sub);

    /* A description of 250 characters (é is 2 bytes) on its first line. */
    char long_desc[600];
    size_t n = 0;
    for (int i = 0; i < 250; i++) {
        memcpy(long_desc + n, "\xc3\xa9", 2);
        n += 2;
    }
    long_desc[n] = '\0';

    ac_doc *docs[4];
    docs[0] = index_doc("<b>one</b> & co", "First line.\nSecond line.",
                        str("opus"), str("Read, Grep"));
    docs[1] = index_doc(NULL, long_desc, model_list, tools_map);
    docs[2] = index_doc("three", NULL, NULL, tools_nested);
    docs[3] = index_doc("four", "Short \"one\"", NULL, NULL);
    acp_html_entry entries[4] = {
        {"a b#1.html", docs[0]},
        {"sub/c:x\xc3\xa9.html", docs[1]},
        {"three.html", docs[2]},
        {"x'\"<>&%.html", docs[3]},
    };
    char *page = index_page(ctx, entries, 4);
    expect_head(page, "Agents");

    char cut[600];
    memcpy(cut, long_desc, 400); /* 200 characters */
    memcpy(cut + 400, "\xe2\x80\xa6", 4);
    char want[4096];
    snprintf(
        want, sizeof want,
        INDEX_HEAD
        "<tr><td><a href=\"a%%20b%%231.html\">&lt;b&gt;one&lt;/b&gt; &amp; "
        "co</a></td><td>First line.\xe2\x80\xa6</td><td>opus</td>"
        "<td>Read, Grep</td></tr>\n"
        "<tr><td><a href=\"sub/c%%3Ax%%C3%%A9.html\">sub/c:x\xc3\xa9.html</a>"
        "</td><td>%s</td><td>gpt-4o, claude-sonnet</td>"
        "<td>write: false, bash: true</td></tr>\n"
        "<tr><td><a href=\"three.html\">three</a></td><td></td><td></td>"
        "<td>Read, {x: 0.5, y: [null, 2]}</td></tr>\n"
        "<tr><td><a href=\"x%%27%%22%%3C%%3E%%26%%25.html\">four</a></td>"
        "<td>Short &quot;one&quot;</td><td></td><td></td></tr>\n"
        "</tbody>\n"
        "</table>\n"
        "</body>\n"
        "</html>\n",
        "4 agents.", cut);
    assert_string_equal(body(page), want);
    free(page);

    /* One agent; no agents. */
    page = index_page(ctx, entries + 2, 1);
    expect_has(page, "<p>1 agent.</p>\n");
    free(page);
    page = index_page(ctx, NULL, 0);
    expect_head(page, "Agents");
    assert_string_equal(body(page), "<h1>Agents</h1>\n"
                                    "<p class=\"none\">No agents.</p>\n"
                                    "</body>\n</html>\n");
    free(page);

    /* A description of exactly 200 characters is not cut; a description
     * that is not a string is shown as compact text. */
    long_desc[400] = '\0';
    ac_doc *exact = index_doc("e", long_desc, NULL, NULL);
    acp_html_entry one = {"e.html", exact};
    page = index_page(ctx, &one, 1);
    snprintf(want, sizeof want, "<td>%s</td>", long_desc);
    expect_has(page, want);
    expect_lacks(page, "\xe2\x80\xa6");
    free(page);
    set(ac_doc_fields(exact), "description", ac_value_new_bool(true));
    page = index_page(ctx, &one, 1);
    expect_has(page, "</a></td><td>true</td><td></td><td></td></tr>\n");
    free(page);

    for (size_t i = 0; i < 4; i++)
        ac_doc_free(docs[i]);
    ac_doc_free(exact);
    ac_context_free(ctx);
}

static void test_index_errors(void **state)
{
    (void)state;
    ac_context *ctx = new_context();
    ac_doc *good = index_doc("good", NULL, NULL, NULL);
    ac_doc *bad = index_doc("bad", NULL, NULL, NULL);
    ac_value *tools = ac_value_new_list();
    append(tools, ac_value_new_string("\xfe", 1));
    set(ac_doc_fields(bad), "tools", tools);

    acp_html_entry entries[2] = {{"good.html", good}, {"bad.html", bad}};
    expect_index_error(ctx, entries, 2, AC_ERR_ENCODING,
                       "invalid UTF-8 (byte 0xfe) in the string at /tools/0 "
                       "in index entry 2");
    entries[1].href = "/etc/passwd";
    expect_index_error(ctx, entries, 2, AC_ERR_ARGUMENT,
                       "the href of index entry 2 is absolute");
    entries[1].href = "";
    expect_index_error(ctx, entries, 2, AC_ERR_ARGUMENT,
                       "the href of index entry 2 is empty");
    entries[1].href = NULL;
    expect_index_error(ctx, entries, 2, AC_ERR_ARGUMENT,
                       "index entry 2 has no href");
    entries[1].href = "b\x80.html";
    expect_index_error(ctx, entries, 2, AC_ERR_ENCODING,
                       "invalid UTF-8 (byte 0x80) in the href in index entry "
                       "2");
    entries[1].href = "bad.html";
    entries[1].doc = NULL;
    expect_index_error(ctx, entries, 2, AC_ERR_ARGUMENT,
                       "index entry 2 has no document");
    expect_index_error(ctx, NULL, 1, AC_ERR_ARGUMENT, "invalid argument");

    /* The depth limit applies to what the index shows. */
    ac_value *deep = ac_value_new_list();
    ac_value *deeper = ac_value_new_list();
    append(deeper, ac_value_new_list());
    append(deep, deeper);
    set(ac_doc_fields(good), "model", deep);
    assert_int_equal(ac_context_set_limit(ctx, AC_LIMIT_DEPTH, 3), AC_OK);
    expect_index_error(ctx, entries, 1, AC_ERR_LIMIT,
                       "nesting deeper than the depth limit (3) at /model/0/0 "
                       "in index entry 1");

    ac_doc_free(bad);
    ac_doc_free(good);
    ac_context_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_descriptor),
        cmocka_unit_test(test_page_exact),
        cmocka_unit_test(test_page_minimal),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_raw_html_as_text),
        cmocka_unit_test(test_raw_html_nested),
        cmocka_unit_test(test_markdown),
        cmocka_unit_test(test_images),
        cmocka_unit_test(test_images_linear),
        cmocka_unit_test(test_disallowed_characters),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_locale),
        cmocka_unit_test(test_write_errors),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_index),
        cmocka_unit_test(test_index_errors),
    };
    return cmocka_run_group_tests_name("html", tests, NULL, NULL);
}
