/*
 * The xml form: its descriptor and its readers. docs/xml.md describes the
 * form; schemas/agent.xsd is its schema. A root <agent> is one agent; a
 * root <agents> is a collection of its <agent> children (xml_read_many),
 * each read as a root <agent> is.
 *
 * libxml2 parses the text into a tree through a parser context of our own
 * whose SAX handler (also our own, per context) wraps libxml2's tree
 * builder:
 * - a structured-error handler on the context captures libxml2's errors,
 *   so nothing reaches the host's handlers, and any error or warning is a
 *   failure;
 * - a DOCTYPE stops the parser the moment it is seen, before its internal
 *   subset is read, so that no entity is ever declared, loaded or expanded
 *   (libxml2 2.9 has no XML_PARSE_NO_XXE);
 * - every node gets its line, stored in the node's psvi field (which only
 *   schema validation uses): an element the line where its start tag
 *   ends, text the line where it starts (libxml2 keeps lines in an
 *   unsigned short, and for text only where a piece of it ends);
 * - text is kept in as many text nodes as libxml2 delivers pieces, never
 *   merged (see on_characters);
 * - a list or a map nested deeper than the depth limit stops the parser at
 *   once, before libxml2's own depth limit (256) is reached.
 * Then a walk over the tree builds the model, checking the form's rules
 * and the context's limits.
 *
 * A lone CR ends a line (acp_line_column counts so), but libxml2 counts
 * only LF and CRLF: a text holding a lone CR is parsed from a copy in which
 * each lone CR is an LF, which XML 1.0 (2.11, end-of-line handling)
 * defines to mean the same.
 *
 * SPDX-License-Identifier: MIT
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "internal.h"
#include "xml_internal.h"

#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"

static const char utf8_bom[] = "\xEF\xBB\xBF";

typedef struct xml_reader {
    ac_context *ctx;
    const char *source;
    ac_error *error;
    uint64_t max_depth;
    /* Filled by the SAX callbacks. */
    int last_line;      /* where the last markup or text ended */
    int doctype_line;   /* the parser stopped at a DOCTYPE here */
    int deep_line;      /* ... at a container deeper than the depth limit */
    bool out_of_memory; /* ... for want of memory */
    bool failed;        /* libxml2 reported an error or a warning */
    int fail_code;
    int fail_line;
    int fail_column;
    char fail_text[200];
    /* 1 when the root is <agents> (a collection): it is not counted
     * against the depth limit. */
    uint64_t depth_bonus;
    /* Filled by the walk. */
    size_t comments;     /* comments dropped */
    size_t pis;          /* processing instructions dropped */
    int dropped_line;    /* the first line holding one */
    int instructions_at; /* line of the <instructions> read, 0: none yet */
    /* The next read_value reads the instructions: no string-length limit
     * (the input size bounds them, docs/limits.md). */
    bool instructions_next;
    ac_buf text; /* the text of the value being read */
} xml_reader;

/* ---- lines ---- */

static void set_line(xmlNodePtr node, int line)
{
    /* The line is kept in the pointer's bits, never dereferenced. */
    node->psvi = (void *)(intptr_t)line; // NOLINT(performance-no-int-to-ptr)
}

static int line_of(const xmlNode *node)
{
    intptr_t line = (intptr_t)node->psvi;
    if (line > 0 && line <= INT_MAX)
        return (int)line;
    return node->line;
}

static int count_newlines(const char *s, size_t len)
{
    int n = 0;
    for (size_t i = 0; i < len; i++)
        n += s[i] == '\n';
    return n;
}

/* ---- the SAX callbacks ---- */

static xml_reader *reader_of(xmlParserCtxtPtr p)
{
    return (xml_reader *)p->_private;
}

static int input_line(xmlParserCtxtPtr p)
{
    return p->input ? p->input->line : 0;
}

/* The first thing libxml2 reports is the failure; later reports are
 * consequences. */
static void on_error(void *data, xmlErrorPtr e)
{
    xml_reader *r = reader_of((xmlParserCtxtPtr)data);
    if (!r || r->failed || !e)
        return;
    r->failed = true;
    r->fail_code = e->code;
    r->fail_line = e->line;
    r->fail_column = e->int2;
    /* One line: some messages go on with a copy of the input. */
    const char *m = e->message ? e->message : "unknown error";
    size_t n = strcspn(m, "\r\n");
    while (n > 0 && m[n - 1] == ' ')
        n--;
    snprintf(r->fail_text, sizeof r->fail_text, "%.*s", (int)n, m);
}

/* A DOCTYPE: stop before its internal subset is read. */
static void on_internal_subset(void *ctx, const xmlChar *name,
                               const xmlChar *external_id,
                               const xmlChar *system_id)
{
    xmlParserCtxtPtr p = ctx;
    (void)name;
    (void)external_id;
    (void)system_id;
    reader_of(p)->doctype_line = input_line(p);
    xmlStopParser(p);
}

/* True when the attributes (as SAX2 passes them: local name, prefix, URI,
 * value, value end) hold type="list" or type="map". */
static bool container_type(int count, const xmlChar **attributes)
{
    for (int i = 0; i < count; i++) {
        const xmlChar **a = attributes + 5 * (size_t)i;
        size_t n = (size_t)(a[4] - a[3]);
        if (a[2] || strcmp((const char *)a[0], ACP_XML_TYPE) != 0)
            continue;
        return (n == 4 && memcmp(a[3], "list", 4) == 0) ||
               (n == 3 && memcmp(a[3], "map", 3) == 0);
    }
    return false;
}

static void on_start_element(void *ctx, const xmlChar *localname,
                             const xmlChar *prefix, const xmlChar *uri,
                             int nb_namespaces, const xmlChar **namespaces,
                             int nb_attributes, int nb_defaulted,
                             const xmlChar **attributes)
{
    xmlParserCtxtPtr p = ctx;
    xml_reader *r = reader_of(p);
    int depth = p->nodeNr;
    xmlSAX2StartElementNs(ctx, localname, prefix, uri, nb_namespaces,
                          namespaces, nb_attributes, nb_defaulted, attributes);
    r->last_line = input_line(p);
    if (p->nodeNr <= depth || !p->node)
        return;
    set_line(p->node, r->last_line);
    if (p->nodeNr == 1 &&
        strcmp((const char *)localname, ACP_XML_COLLECTION) == 0)
        r->depth_bonus = 1;
    if ((uint64_t)p->nodeNr > r->max_depth + r->depth_bonus &&
        container_type(nb_attributes, attributes)) {
        r->deep_line = r->last_line;
        xmlStopParser(p);
    }
}

static void on_end_element(void *ctx, const xmlChar *localname,
                           const xmlChar *prefix, const xmlChar *uri)
{
    xmlParserCtxtPtr p = ctx;
    xmlSAX2EndElementNs(ctx, localname, prefix, uri);
    reader_of(p)->last_line = input_line(p);
}

/* Append `node` to the children of `parent` as it is: xmlAddChild would
 * merge it into a text node before it. */
static void link_last(xmlNodePtr parent, xmlNodePtr node)
{
    node->parent = parent;
    node->prev = parent->last;
    if (parent->last)
        parent->last->next = node;
    else
        parent->children = node;
    parent->last = node;
}

/*
 * Text, CDATA included: a text node of its own for each piece libxml2
 * delivers, never merged with the one before (the walk joins them), so
 * that libxml2's limit on one text node (10,000,000 bytes, which CDATA
 * sections written one after the other would reach) does not apply: our
 * limits do. Text starts where the markup before it ended.
 */
static void on_characters(void *ctx, const xmlChar *ch, int len)
{
    xmlParserCtxtPtr p = ctx;
    xml_reader *r = reader_of(p);
    if (p->node && len > 0) {
        xmlNodePtr text = xmlNewDocTextLen(p->myDoc, ch, len);
        /* libxml2 2.9 returns a text node without content when copying
         * the text fails: that is out of memory too, not an empty text. */
        if (!text || !text->content) {
            xmlFreeNode(text);
            r->out_of_memory = true;
            xmlStopParser(p);
            return;
        }
        set_line(text, r->last_line);
        link_last(p->node, text);
    }
    r->last_line = input_line(p);
}

/* The node a comment or a processing instruction goes to. */
static xmlNodePtr parent_of_next(xmlParserCtxtPtr p)
{
    return p->node ? p->node : (xmlNodePtr)p->myDoc;
}

/* A comment or a processing instruction ends on the current line, after
 * the line ends of its text. */
static void mark_new(xmlParserCtxtPtr p, xmlNodePtr parent, xmlNodePtr before,
                     xmlElementType type, const xmlChar *text)
{
    xml_reader *r = reader_of(p);
    int line = input_line(p);
    r->last_line = line;
    if (!parent || !parent->last || parent->last == before ||
        parent->last->type != type)
        return;
    if (text)
        line -= count_newlines((const char *)text, strlen((const char *)text));
    set_line(parent->last, line > 0 ? line : 1);
}

static void on_comment(void *ctx, const xmlChar *value)
{
    xmlParserCtxtPtr p = ctx;
    xmlNodePtr parent = parent_of_next(p);
    xmlNodePtr before = parent ? parent->last : NULL;
    xmlSAX2Comment(ctx, value);
    mark_new(p, parent, before, XML_COMMENT_NODE, value);
}

static void on_processing_instruction(void *ctx, const xmlChar *target,
                                      const xmlChar *data)
{
    xmlParserCtxtPtr p = ctx;
    xmlNodePtr parent = parent_of_next(p);
    xmlNodePtr before = parent ? parent->last : NULL;
    xmlSAX2ProcessingInstruction(ctx, target, data);
    mark_new(p, parent, before, XML_PI_NODE, data);
}

/* ---- errors ---- */

static ac_status fail(xml_reader *r, ac_status status, int line,
                      const char *fmt, ...) ACP_PRINTF(4, 5);

/* Fill the error at a line (libxml2 nodes have no columns). */
static ac_status fail(xml_reader *r, ac_status status, int line,
                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    acp_error_vset(r->error, status, r->source, line, 0, -1, fmt, ap);
    va_end(ap);
    return status;
}

static ac_status fail_nomem(xml_reader *r)
{
    return acp_error_set(r->error, AC_ERR_NOMEM, r->source, 0, 0, -1,
                         "out of memory");
}

static ac_status fail_depth(xml_reader *r, int line)
{
    return fail(
        r, AC_ERR_LIMIT, line, "nesting deeper than the %s limit (%llu)",
        ac_limit_name(AC_LIMIT_DEPTH), (unsigned long long)r->max_depth);
}

/* What libxml2 reported first, in our words where libxml2's own depth
 * limit was reached. */
static ac_status fail_libxml(xml_reader *r)
{
    if (r->fail_code == XML_ERR_NO_MEMORY)
        return fail_nomem(r);
    if (strstr(r->fail_text, "Excessive depth in document"))
        return fail(r, AC_ERR_LIMIT, r->fail_line,
                    "nesting deeper than the XML parser's own limit (%u "
                    "levels)",
                    xmlParserMaxDepth);
    return acp_error_set(r->error, AC_ERR_SYNTAX, r->source, r->fail_line,
                         r->fail_column, -1, "invalid XML: %s", r->fail_text);
}

/* `s` shown in a message: in double quotes, cut to about 40 bytes at a
 * character boundary, with line ends, tabs and other control characters,
 * '"' and '\\' escaped as in C. */
static const char *quoted(const char *s, size_t len, char *out, size_t size)
{
    size_t o = 0, i = 0;
    out[o++] = '"';
    for (; i < len && i < 40 && o + 8 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c == '\n' || c == '\t' || c == '\r') {
            out[o++] = '\\';
            out[o++] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
        } else if (c < 0x20 || c == 0x7f) {
            o += (size_t)snprintf(out + o, size - o, "\\x%02x", c);
        } else {
            out[o++] = (char)c;
        }
    }
    while (i < len && i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80) {
        i--; /* do not end in the middle of a character */
        o--;
    }
    if (i < len) {
        out[o++] = '.';
        out[o++] = '.';
        out[o++] = '.';
    }
    out[o++] = '"';
    out[o] = '\0';
    return out;
}

/* "<name>" or "<x:name>", as written. */
static const char *shown_name(const xmlNode *n, char *out, size_t size)
{
    if (n->ns && n->ns->prefix)
        snprintf(out, size, "<%.60s:%.60s>", (const char *)n->ns->prefix,
                 (const char *)n->name);
    else
        snprintf(out, size, "<%.60s>", (const char *)n->name);
    return out;
}

/* ---- small predicates ---- */

static bool xml_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!xml_space(s[i]))
            return false;
    return true;
}

static void trim(const char **s, size_t *len)
{
    while (*len > 0 && xml_space(**s)) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && xml_space((*s)[*len - 1]))
        (*len)--;
}

static bool named(const xmlNode *n, const char *name)
{
    return strcmp((const char *)n->name, name) == 0;
}

static bool in_form_ns(const xmlNode *n)
{
    return n->ns && n->ns->href &&
           strcmp((const char *)n->ns->href, ACP_XML_NS) == 0;
}

static const char *content_of(const xmlNode *n, size_t *len)
{
    const char *s = n->content ? (const char *)n->content : "";
    *len = strlen(s);
    return s;
}

/* ---- checks shared by the walk ---- */

/* A comment or a processing instruction: not carried, counted for the
 * warning. */
static void drop(xml_reader *r, const xmlNode *n)
{
    int line = line_of(n);
    if (n->type == XML_COMMENT_NODE)
        r->comments++;
    else
        r->pis++;
    if (r->dropped_line == 0 || line < r->dropped_line)
        r->dropped_line = line;
}

static ac_status check_namespace(xml_reader *r, const xmlNode *n)
{
    char name[140];
    if (in_form_ns(n))
        return AC_OK;
    shown_name(n, name, sizeof name);
    if (n->ns && n->ns->href)
        return fail(r, AC_ERR_STRUCTURE, line_of(n),
                    "expected an element in namespace " ACP_XML_NS
                    ", found %s in namespace %.100s",
                    name, (const char *)n->ns->href);
    return fail(r, AC_ERR_STRUCTURE, line_of(n),
                "expected an element in namespace " ACP_XML_NS
                ", found %s in no namespace",
                name);
}

static ac_status fail_node(xml_reader *r, const xmlNode *n, const xmlNode *in)
{
    char where[140];
    shown_name(in, where, sizeof where);
    if (n->type == XML_ENTITY_REF_NODE)
        return fail(r, AC_ERR_STRUCTURE, line_of(in),
                    "entity reference &%.60s; in %s: agentconv expands no "
                    "entities",
                    (const char *)n->name, where);
    return fail(r, AC_ERR_STRUCTURE, line_of(in),
                "unexpected XML node (type %d) in %s", (int)n->type, where);
}

/* Text between the children of the root, a list or a map: whitespace is
 * indentation; anything else is an error. */
static ac_status check_blank(xml_reader *r, const xmlNode *text,
                             const xmlNode *in)
{
    size_t len;
    const char *s = content_of(text, &len);
    if (blank(s, len))
        return AC_OK;
    size_t lead = 0;
    while (xml_space(s[lead]))
        lead++;
    const char *t = s;
    size_t tlen = len;
    trim(&t, &tlen);
    char where[140], shown[128];
    return fail(r, AC_ERR_STRUCTURE, line_of(text) + count_newlines(s, lead),
                "expected only elements in %s, found the text %s",
                shown_name(in, where, sizeof where),
                quoted(t, tlen, shown, sizeof shown));
}

/* The value of an attribute: one text node (libxml2 decodes references). */
static ac_status attribute_value(xml_reader *r, const xmlAttr *a,
                                 const xmlNode *owner, const char **s,
                                 size_t *len)
{
    const xmlNode *c = a->children;
    *s = "";
    *len = 0;
    if (!c)
        return AC_OK;
    if (c->type == XML_TEXT_NODE && !c->next) {
        *s = content_of(c, len);
        return AC_OK;
    }
    char where[140];
    return fail(r, AC_ERR_STRUCTURE, line_of(owner),
                "unexpected content in the attribute \"%.60s\" on %s",
                (const char *)a->name, shown_name(owner, where, sizeof where));
}

static ac_status fail_attribute(xml_reader *r, const xmlAttr *a,
                                const xmlNode *owner)
{
    char where[140];
    shown_name(owner, where, sizeof where);
    if (a->ns && a->ns->prefix)
        return fail(r, AC_ERR_STRUCTURE, line_of(owner),
                    "unknown attribute \"%.60s:%.60s\" on %s",
                    (const char *)a->ns->prefix, (const char *)a->name, where);
    return fail(r, AC_ERR_STRUCTURE, line_of(owner),
                "unknown attribute \"%.60s\" on %s", (const char *)a->name,
                where);
}

/* The attributes a value element may have. */
typedef struct value_attrs {
    const xmlAttr *type;
    const xmlAttr *key;
    const xmlAttr *key_hex;
} value_attrs;

/* `type` on every value element; `key` or `key-hex` on <field> too. */
static ac_status read_attributes(xml_reader *r, const xmlNode *n, bool field,
                                 value_attrs *out)
{
    memset(out, 0, sizeof *out);
    for (const xmlAttr *a = n->properties; a; a = a->next) {
        const char *name = (const char *)a->name;
        if (!a->ns && strcmp(name, ACP_XML_TYPE) == 0)
            out->type = a;
        else if (field && !a->ns && strcmp(name, ACP_XML_KEY) == 0)
            out->key = a;
        else if (field && !a->ns && strcmp(name, ACP_XML_KEY_HEX) == 0)
            out->key_hex = a;
        else
            return fail_attribute(r, a, n);
    }
    return AC_OK;
}

/* ---- values ---- */

typedef enum value_type {
    VT_STRING,
    VT_INTEGER,
    VT_NUMBER,
    VT_BOOLEAN,
    VT_NULL,
    VT_LIST,
    VT_MAP,
    VT_COUNT_
} value_type;

static const char *const type_names[VT_COUNT_] = {
    "string", "integer", "number", "boolean", "null", "list", "map"};

static ac_status read_type(xml_reader *r, const xmlNode *n, const xmlAttr *a,
                           value_type *out)
{
    const char *s;
    size_t len;
    *out = VT_STRING;
    if (!a)
        return AC_OK;
    ac_status st = attribute_value(r, a, n, &s, &len);
    if (st != AC_OK)
        return st;
    for (int t = 0; t < VT_COUNT_; t++) {
        if (strlen(type_names[t]) == len &&
            memcmp(type_names[t], s, len) == 0) {
            *out = (value_type)t;
            return AC_OK;
        }
    }
    char where[140], shown[128];
    return fail(r, AC_ERR_STRUCTURE, line_of(n),
                "unknown type %s on %s: expected string, integer, number, "
                "boolean, null, list or map",
                quoted(s, len, shown, sizeof shown),
                shown_name(n, where, sizeof where));
}

/* <c code="N"></c>: append the character it stands for to r->text. */
static ac_status read_char(xml_reader *r, const xmlNode *c)
{
    const xmlAttr *code = NULL;
    for (const xmlAttr *a = c->properties; a; a = a->next) {
        if (!a->ns && strcmp((const char *)a->name, ACP_XML_CODE) == 0)
            code = a;
        else
            return fail_attribute(r, a, c);
    }
    if (!code)
        return fail(r, AC_ERR_STRUCTURE, line_of(c),
                    "<c> needs a code attribute");
    for (const xmlNode *k = c->children; k; k = k->next) {
        if (k->type == XML_COMMENT_NODE || k->type == XML_PI_NODE)
            drop(r, k);
        else
            return fail(r, AC_ERR_STRUCTURE, line_of(c),
                        "<c> must be empty: it stands for one character");
    }
    const char *s;
    size_t len;
    ac_status st = attribute_value(r, code, c, &s, &len);
    if (st != AC_OK)
        return st;
    uint32_t cp = 0;
    bool ok = len > 0 && len <= 5 && s[0] != '0';
    for (size_t i = 0; ok && i < len; i++) {
        ok = s[i] >= '0' && s[i] <= '9';
        cp = cp * 10 + (uint32_t)(s[i] - '0');
    }
    if (!ok || !acp_xml_char_forbidden(cp)) {
        char shown[128];
        return fail(r, AC_ERR_STRUCTURE, line_of(c),
                    "bad code %s on <c>: expected the decimal code of a "
                    "character XML cannot hold (1-8, 11, 12, 14-31, 65534 "
                    "or 65535)",
                    quoted(s, len, shown, sizeof shown));
    }
    char bytes[3];
    size_t n = 1;
    if (cp < 0x80) {
        bytes[0] = (char)cp;
    } else {
        bytes[0] = '\xef';
        bytes[1] = '\xbf';
        bytes[2] = cp == 0xfffe ? '\xbe' : '\xbf';
        n = 3;
    }
    return ac_buf_append(&r->text, bytes, n) == AC_OK ? AC_OK : fail_nomem(r);
}

/*
 * Gather the text of `n` into r->text: text and CDATA as they are,
 * comments and processing instructions dropped, <c> decoded when
 * `chars_ok` (strings); any other element is an error.
 */
static ac_status collect_text(xml_reader *r, const xmlNode *n, bool chars_ok)
{
    ac_status st = AC_OK;
    char where[140], found[140];
    r->text.len = 0;
    for (const xmlNode *k = n->children; k && st == AC_OK; k = k->next) {
        size_t len;
        const char *s;
        switch (k->type) {
        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE:
            s = content_of(k, &len);
            if (ac_buf_append(&r->text, s, len) != AC_OK)
                st = fail_nomem(r);
            break;
        case XML_COMMENT_NODE:
        case XML_PI_NODE:
            drop(r, k);
            break;
        case XML_ELEMENT_NODE:
            if (chars_ok && in_form_ns(k) && named(k, ACP_XML_CHAR)) {
                st = read_char(r, k);
                break;
            }
            shown_name(n, where, sizeof where);
            shown_name(k, found, sizeof found);
            if (chars_ok)
                st = fail(r, AC_ERR_STRUCTURE, line_of(k),
                          "expected text in %s, found the element %s (a list "
                          "or a map needs type=\"list\" or type=\"map\")",
                          where, found);
            else
                st = fail(r, AC_ERR_STRUCTURE, line_of(k),
                          "expected text in %s, found the element %s", where,
                          found);
            break;
        default:
            st = fail_node(r, k, n);
            break;
        }
    }
    return st;
}

/* Parse [+-]?[0-9]+. Returns 0, 1 (not an integer) or 2 (out of range). */
static int parse_integer(const char *s, size_t len, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (len > 0 && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        i = 1;
    }
    if (i == len)
        return 1;
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t v = 0;
    bool over = false;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 1;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (limit - d) / 10)
            over = true;
        else
            v = v * 10 + d;
    }
    if (over)
        return 2;
    *out = neg ? (v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v)
               : (int64_t)v;
    return 0;
}

static size_t skip_digits(const char *s, size_t len, size_t i)
{
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    return i;
}

/* The lexical space of xs:double without INF and NaN:
 * [+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)? */
static bool number_syntax(const char *s, size_t len)
{
    size_t i = 0;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        i++;
    size_t start = i;
    i = skip_digits(s, len, i);
    bool whole = i > start;
    bool fraction = false;
    if (i < len && s[i] == '.') {
        size_t f = ++i;
        i = skip_digits(s, len, i);
        fraction = i > f;
    }
    if (!whole && !fraction)
        return false;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t e = i;
        i = skip_digits(s, len, i);
        if (i == e)
            return false;
    }
    return i == len;
}

static bool infinite_or_nan(const char *s, size_t len)
{
    if (len > 0 && (s[0] == '+' || s[0] == '-') && len == 4)
        return memcmp(s + 1, "INF", 3) == 0;
    return (len == 3 && memcmp(s, "INF", 3) == 0) ||
           (len == 3 && memcmp(s, "NaN", 3) == 0);
}

/* An integer, number, boolean or null element: its text, trimmed of XML
 * whitespace, typed. */
static ac_status read_scalar(xml_reader *r, const xmlNode *n, value_type t,
                             ac_value **out)
{
    char where[140], shown[128];
    int line = line_of(n);
    ac_status st = collect_text(r, n, false);
    if (st != AC_OK)
        return st;
    const char *s = r->text.data ? r->text.data : "";
    size_t len = r->text.len;
    trim(&s, &len);
    int cut = len > 40 ? 40 : (int)len;
    const char *more = len > 40 ? "..." : "";
    shown_name(n, where, sizeof where);
    switch (t) {
    case VT_NULL:
        if (len > 0)
            return fail(r, AC_ERR_STRUCTURE, line,
                        "expected no text in %s (type=\"null\"), found %s",
                        where, quoted(s, len, shown, sizeof shown));
        *out = ac_value_new_null();
        break;
    case VT_BOOLEAN:
        if (len == 4 && memcmp(s, "true", 4) == 0)
            *out = ac_value_new_bool(true);
        else if (len == 5 && memcmp(s, "false", 5) == 0)
            *out = ac_value_new_bool(false);
        else
            return fail(r, AC_ERR_STRUCTURE, line,
                        "expected true or false in %s, found %s", where,
                        quoted(s, len, shown, sizeof shown));
        break;
    case VT_INTEGER: {
        int64_t i = 0;
        int res = parse_integer(s, len, &i);
        if (res == 1)
            return fail(r, AC_ERR_STRUCTURE, line,
                        "expected an integer (decimal digits) in %s, found %s",
                        where, quoted(s, len, shown, sizeof shown));
        if (res == 2)
            return fail(r, AC_ERR_STRUCTURE, line,
                        "integer out of range: %.*s%s does not fit in 64 bits",
                        cut, s, more);
        *out = ac_value_new_integer(i);
        break;
    }
    case VT_NUMBER: {
        double d = 0;
        if (infinite_or_nan(s, len))
            return fail(r, AC_ERR_STRUCTURE, line,
                        "%.*s: infinity and NaN cannot be carried (JSON has "
                        "no such numbers)",
                        cut, s);
        if (!number_syntax(s, len))
            return fail(r, AC_ERR_STRUCTURE, line,
                        "expected a number in %s, found %s", where,
                        quoted(s, len, shown, sizeof shown));
        if (!acp_parse_number(r->ctx, s, len, &d))
            return fail(r, AC_ERR_STRUCTURE, line,
                        "number out of range: %.*s%s is too large for a "
                        "double",
                        cut, s, more);
        *out = ac_value_new_number(d);
        break;
    }
    default:
        *out = NULL;
        break;
    }
    return *out ? AC_OK : fail_nomem(r);
}

static ac_status read_string(xml_reader *r, const xmlNode *n, bool instructions,
                             ac_value **out)
{
    ac_status st = collect_text(r, n, true);
    if (st != AC_OK)
        return st;
    uint64_t max = r->ctx->limits[AC_LIMIT_STRING_LENGTH];
    if (r->text.len > max && !instructions)
        return fail(r, AC_ERR_LIMIT, line_of(n),
                    "string of %zu bytes exceeds the %s limit (%llu bytes)",
                    r->text.len, ac_limit_name(AC_LIMIT_STRING_LENGTH),
                    (unsigned long long)max);
    *out = ac_value_new_string(r->text.data ? r->text.data : "", r->text.len);
    return *out ? AC_OK : fail_nomem(r);
}

static ac_status read_value(xml_reader *r, xmlNode *n, const xmlAttr *type,
                            uint64_t holder_depth, ac_value **out);
static ac_status read_entries(xml_reader *r, xmlNode *n, ac_value *map,
                              uint64_t depth, ac_doc *doc);

/* The <item> children of a list at `depth`. */
static ac_status read_items(xml_reader *r, xmlNode *n, ac_value *list,
                            uint64_t depth)
{
    char where[140], found[140];
    for (xmlNode *k = n->children; k; k = k->next) {
        ac_status st = AC_OK;
        value_attrs a;
        ac_value *item = NULL;
        switch (k->type) {
        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE:
            st = check_blank(r, k, n);
            break;
        case XML_COMMENT_NODE:
        case XML_PI_NODE:
            drop(r, k);
            break;
        case XML_ELEMENT_NODE:
            st = check_namespace(r, k);
            if (st != AC_OK)
                break;
            if (!named(k, ACP_XML_ITEM)) {
                st = fail(r, AC_ERR_STRUCTURE, line_of(k),
                          "expected <item> in the list %s, found %s",
                          shown_name(n, where, sizeof where),
                          shown_name(k, found, sizeof found));
                break;
            }
            st = read_attributes(r, k, false, &a);
            if (st == AC_OK)
                st = read_value(r, k, a.type, depth, &item);
            if (st == AC_OK && ac_list_append(list, item) != AC_OK)
                st = fail_nomem(r);
            break;
        default:
            st = fail_node(r, k, n);
            break;
        }
        if (st != AC_OK)
            return st;
    }
    return AC_OK;
}

/* Convert the value element `n`, held by a container at `holder_depth`
 * (the fields are at depth 1), into a new model value in `*out`. */
static ac_status read_value(xml_reader *r, xmlNode *n, const xmlAttr *type,
                            uint64_t holder_depth, ac_value **out)
{
    value_type t;
    ac_value *v = NULL;
    *out = NULL;
    bool instructions = r->instructions_next;
    r->instructions_next = false;
    ac_status st = read_type(r, n, type, &t);
    if (st != AC_OK)
        return st;
    switch (t) {
    case VT_STRING:
        st = read_string(r, n, instructions, &v);
        break;
    case VT_LIST:
    case VT_MAP:
        if (holder_depth + 1 > r->max_depth)
            return fail_depth(r, line_of(n));
        v = t == VT_LIST ? ac_value_new_list() : ac_value_new_map();
        if (!v)
            return fail_nomem(r);
        ac_value_set_position(v, line_of(n), 0);
        st = t == VT_LIST ? read_items(r, n, v, holder_depth + 1)
                          : read_entries(r, n, v, holder_depth + 1, NULL);
        break;
    default:
        st = read_scalar(r, n, t, &v);
        break;
    }
    if (st != AC_OK) {
        ac_value_free(v);
        return st;
    }
    ac_value_set_position(v, line_of(n), 0);
    *out = v;
    return AC_OK;
}

/* ---- keys and maps ---- */

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The key of <field key-hex="...">: UTF-8 bytes in hexadecimal. On
 * success `*owned` is a new string (the key) to free(). */
static ac_status decode_key_hex(xml_reader *r, const xmlNode *n,
                                const xmlAttr *a, char **owned, size_t *len)
{
    const char *s;
    size_t slen;
    char shown[128];
    *owned = NULL;
    ac_status st = attribute_value(r, a, n, &s, &slen);
    if (st != AC_OK)
        return st;
    bool ok = slen % 2 == 0;
    for (size_t i = 0; ok && i < slen; i++)
        ok = hex_digit(s[i]) >= 0;
    if (!ok)
        return fail(r, AC_ERR_STRUCTURE, line_of(n),
                    "bad key-hex %s on <field>: expected the key's UTF-8 "
                    "bytes as pairs of hexadecimal digits",
                    quoted(s, slen, shown, sizeof shown));
    char *key = malloc(slen / 2 + 1);
    if (!key)
        return fail_nomem(r);
    for (size_t i = 0; i < slen / 2; i++)
        key[i] = (char)(hex_digit(s[2 * i]) * 16 + hex_digit(s[2 * i + 1]));
    key[slen / 2] = '\0';
    size_t bad;
    bool is_nul;
    if (!acp_utf8_check(key, slen / 2, &bad, &is_nul)) {
        free(key);
        return fail(r, AC_ERR_ENCODING, line_of(n),
                    "key-hex %s on <field> is not a key: %s at byte %zu",
                    quoted(s, slen, shown, sizeof shown),
                    is_nul ? "NUL character (U+0000)" : "invalid UTF-8", bad);
    }
    *owned = key;
    *len = slen / 2;
    return AC_OK;
}

/* The key an entry element stands for: its name, or the key or key-hex
 * attribute of <field>. `*owned` is set when the key had to be decoded. */
static ac_status entry_key(xml_reader *r, const xmlNode *n,
                           const value_attrs *a, const char **key, size_t *len,
                           char **owned)
{
    *owned = NULL;
    *key = NULL;
    *len = 0;
    if (!named(n, ACP_XML_FIELD)) {
        *key = (const char *)n->name;
        *len = strlen(*key);
        return AC_OK;
    }
    if (a->key && a->key_hex)
        return fail(r, AC_ERR_STRUCTURE, line_of(n),
                    "<field> has both key and key-hex: give one of them");
    if (a->key)
        return attribute_value(r, a->key, n, key, len);
    if (a->key_hex) {
        ac_status st = decode_key_hex(r, n, a->key_hex, owned, len);
        *key = *owned;
        return st;
    }
    return fail(r, AC_ERR_STRUCTURE, line_of(n),
                "<field> needs a key or key-hex attribute");
}

/* The top-level entry with the key "instructions": a string, normalized,
 * stored in the document. */
static ac_status take_instructions(xml_reader *r, xmlNode *n,
                                   const value_attrs *a, ac_doc *doc)
{
    int line = line_of(n);
    if (r->instructions_at)
        return fail(r, AC_ERR_SYNTAX, line,
                    "duplicate key \"instructions\" (first on line %d)",
                    r->instructions_at);
    r->instructions_at = line;
    ac_value *v;
    r->instructions_next = true;
    ac_status st = read_value(r, n, a->type, 1, &v);
    if (st != AC_OK)
        return st;
    if (v->type != AC_STRING) {
        st = fail(r, AC_ERR_STRUCTURE, line,
                  "\"instructions\" must be a string, found %s",
                  acp_type_phrase(v->type));
        goto free_value;
    }
    /* The line ends of the leading blank lines normalization drops. */
    const char *s = v->u.str.s;
    size_t len = v->u.str.len, i = 0;
    int dropped = 0;
    while (i < len &&
           (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) {
        if (s[i] == '\n' ||
            (s[i] == '\r' && (i + 1 == len || s[i + 1] != '\n')))
            dropped++;
        i++;
    }
    ac_normalize_instructions(v->u.str.s, &v->u.str.len);
    if (ac_doc_set_instructions(doc, v->u.str.s, v->u.str.len) != AC_OK) {
        st = fail_nomem(r);
        goto free_value;
    }
    if (v->u.str.len > 0)
        ac_doc_set_instructions_line(doc, line + dropped);
free_value:
    ac_value_free(v);
    return st;
}

/* One entry element of a map at `depth`; `count` entries came before. */
static ac_status read_entry(xml_reader *r, xmlNode *k, ac_value *map,
                            uint64_t depth, ac_doc *doc, uint64_t count)
{
    char where[140], shown[128];
    value_attrs a;
    const char *key;
    size_t klen;
    char *owned = NULL;
    int line = line_of(k);
    uint64_t max_keys = r->ctx->limits[AC_LIMIT_KEYS];
    uint64_t max_key_len = r->ctx->limits[AC_LIMIT_KEY_LENGTH];
    ac_status st = check_namespace(r, k);
    if (st != AC_OK)
        return st;
    if (named(k, ACP_XML_ITEM))
        return fail(r, AC_ERR_STRUCTURE, line,
                    "unexpected <item> in %s: items belong in a list "
                    "(type=\"list\"); the key \"item\" is written <field "
                    "key=\"item\">",
                    shown_name(k->parent, where, sizeof where));
    st = read_attributes(r, k, named(k, ACP_XML_FIELD), &a);
    if (st == AC_OK)
        st = entry_key(r, k, &a, &key, &klen, &owned);
    if (st != AC_OK)
        goto free_key;
    if (count >= max_keys) {
        st = fail(r, AC_ERR_LIMIT, line,
                  "map with more than %llu keys exceeds the %s limit (%llu)",
                  (unsigned long long)max_keys, ac_limit_name(AC_LIMIT_KEYS),
                  (unsigned long long)max_keys);
        goto free_key;
    }
    if (klen > max_key_len) {
        st = fail(r, AC_ERR_LIMIT, line,
                  "key of %zu bytes exceeds the %s limit (%llu bytes)", klen,
                  ac_limit_name(AC_LIMIT_KEY_LENGTH),
                  (unsigned long long)max_key_len);
        goto free_key;
    }
    if (doc && klen == 12 && memcmp(key, ACP_XML_INSTRUCTIONS, 12) == 0) {
        st = take_instructions(r, k, &a, doc);
        goto free_key;
    }
    long first = acp_map_find(map, key, klen);
    if (first >= 0) {
        st = fail(r, AC_ERR_SYNTAX, line, "duplicate key %s (first on line %d)",
                  quoted(key, klen, shown, sizeof shown),
                  ac_map_key_line(map, (size_t)first));
        goto free_key;
    }
    ac_value *v;
    st = read_value(r, k, a.type, depth, &v);
    if (st != AC_OK)
        goto free_key;
    if (acp_map_append(map, key, klen, v) != AC_OK) {
        st = fail_nomem(r);
        goto free_key;
    }
    ac_map_set_key_position(map, map->u.map.len - 1, line, 0);
free_key:
    free(owned);
    return st;
}

/* The entries of a map at `depth` (the root's children are the fields, at
 * depth 1, and `doc` is given: there "instructions" is the instructions). */
static ac_status read_entries(xml_reader *r, xmlNode *n, ac_value *map,
                              uint64_t depth, ac_doc *doc)
{
    uint64_t count = 0;
    for (xmlNode *k = n->children; k; k = k->next) {
        ac_status st = AC_OK;
        switch (k->type) {
        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE:
            st = check_blank(r, k, n);
            break;
        case XML_COMMENT_NODE:
        case XML_PI_NODE:
            drop(r, k);
            break;
        case XML_ELEMENT_NODE:
            st = read_entry(r, k, map, depth, doc, count++);
            break;
        default:
            st = fail_node(r, k, n);
            break;
        }
        if (st != AC_OK)
            return st;
    }
    return AC_OK;
}

/* ---- the document ---- */

/* The root element, the comments and processing instructions around it
 * counted as dropped. */
static ac_status find_root(xml_reader *r, xmlDocPtr xdoc, xmlNode **out)
{
    xmlNode *root = NULL;
    /* begin() succeeds only with a document. */
    // NOLINTNEXTLINE(clang-analyzer-core.NullDereference)
    for (xmlNode *k = xdoc->children; k; k = k->next) {
        if (k->type == XML_ELEMENT_NODE && !root)
            root = k;
        else if (k->type == XML_COMMENT_NODE || k->type == XML_PI_NODE)
            drop(r, k);
    }
    *out = root;
    if (!root)
        return fail(r, AC_ERR_SYNTAX, 1, "no root element");
    return AC_OK;
}

/* Is `n` the form's element `name`? */
static bool form_element(const xmlNode *n, const char *name)
{
    /* find_root() succeeds only with a root. */
    // NOLINTNEXTLINE(clang-analyzer-core.NullDereference)
    return n->type == XML_ELEMENT_NODE && named(n, name) && in_form_ns(n);
}

/* The root is not what the reader expects (<agent>, or <agents> too when
 * `many`): say what it is. */
static ac_status fail_root(xml_reader *r, const xmlNode *root, bool many)
{
    char name[140];
    const char *expected = many ? "<agent> or <agents>" : "<agent>";
    shown_name(root, name, sizeof name);
    if (!named(root, ACP_XML_ROOT) &&
        !(many && named(root, ACP_XML_COLLECTION)))
        return fail(r, AC_ERR_STRUCTURE, line_of(root),
                    "expected %s in namespace " ACP_XML_NS ", found %s",
                    expected, name);
    if (root->ns && root->ns->href)
        return fail(r, AC_ERR_STRUCTURE, line_of(root),
                    "expected %s in namespace " ACP_XML_NS
                    ", found %s in namespace %.100s",
                    expected, name, (const char *)root->ns->href);
    return fail(r, AC_ERR_STRUCTURE, line_of(root),
                "expected %s in namespace " ACP_XML_NS
                ", found %s in no namespace",
                expected, name);
}

/* Schema locations on the root are hints for validators, not content;
 * any other attribute is an error. */
static ac_status check_root_attributes(xml_reader *r, const xmlNode *root)
{
    for (const xmlAttr *a = root->properties; a; a = a->next) {
        bool xsi =
            a->ns && a->ns->href &&
            strcmp((const char *)a->ns->href, XSI_NS) == 0 &&
            (strcmp((const char *)a->name, "schemaLocation") == 0 ||
             strcmp((const char *)a->name, "noNamespaceSchemaLocation") == 0);
        if (!xsi)
            return fail_attribute(r, a, root);
    }
    return AC_OK;
}

/* One <agent> element (the root, or an item of <agents>) into a new
 * document: its children are the fields, at depth 1. */
static ac_status read_agent(xml_reader *r, xmlNode *agent, ac_doc **out)
{
    *out = NULL;
    r->instructions_at = 0;
    ac_doc *doc = ac_doc_new();
    if (!doc)
        return fail_nomem(r);
    ac_value_set_position(doc->fields, line_of(agent), 0);
    ac_status st = read_entries(r, agent, doc->fields, 1, doc);
    if (st != AC_OK) {
        ac_doc_free(doc);
        return st;
    }
    *out = doc;
    return AC_OK;
}

/* The number of <agent> children of <agents> when every element child is
 * one, else -1. */
static long count_agents(const xmlNode *agents)
{
    long n = 0;
    for (const xmlNode *k = agents->children; k; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        if (!form_element(k, ACP_XML_ROOT))
            return -1;
        n++;
    }
    return n;
}

/* The root of a file of one agent: <agent>. */
static ac_status read_root(xml_reader *r, xmlDocPtr xdoc, ac_doc **out)
{
    xmlNode *root;
    ac_status st = find_root(r, xdoc, &root);
    if (st != AC_OK)
        return st;
    if (form_element(root, ACP_XML_COLLECTION)) {
        long n = count_agents(root);
        char name[140];
        shown_name(root, name, sizeof name);
        if (n == 0)
            return fail(r, AC_ERR_STRUCTURE, line_of(root),
                        "expected <agent> in namespace " ACP_XML_NS
                        ", found %s (a collection of no agents)",
                        name);
        if (n > 0)
            return fail(
                r, AC_ERR_STRUCTURE, line_of(root),
                "expected <agent> in namespace " ACP_XML_NS
                ", found %s (a collection of %ld agent%s: " ACP_COLLECTION_HINT
                ")",
                name, n, n == 1 ? "" : "s");
    }
    if (!form_element(root, ACP_XML_ROOT))
        return fail_root(r, root, false);
    st = check_root_attributes(r, root);
    if (st != AC_OK)
        return st;
    return read_agent(r, root, out);
}

/* The <agent> children of the root <agents>, in order, into `*docs`. */
static ac_status read_agents(xml_reader *r, xmlNode *agents, ac_doc ***docs,
                             size_t *count)
{
    char found[140];
    size_t n = 0;
    for (const xmlNode *k = agents->children; k; k = k->next)
        n += k->type == XML_ELEMENT_NODE;
    if (n > 0) {
        *docs = calloc(n, sizeof **docs);
        if (!*docs)
            return fail_nomem(r);
        *count = n;
    }
    size_t i = 0;
    for (xmlNode *k = agents->children; k; k = k->next) {
        ac_status st = AC_OK;
        switch (k->type) {
        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE:
            st = check_blank(r, k, agents);
            break;
        case XML_COMMENT_NODE:
        case XML_PI_NODE:
            drop(r, k);
            break;
        case XML_ELEMENT_NODE:
            if (!form_element(k, ACP_XML_ROOT)) {
                st = check_namespace(r, k);
                if (st == AC_OK)
                    st = fail(r, AC_ERR_STRUCTURE, line_of(k),
                              "item %zu of the collection must be an "
                              "<agent> element, found %s",
                              i + 1, shown_name(k, found, sizeof found));
                break;
            }
            if (k->properties) {
                st = fail_attribute(r, k->properties, k);
                break;
            }
            st = read_agent(r, k, &(*docs)[i++]);
            break;
        default:
            st = fail_node(r, k, agents);
            break;
        }
        if (st != AC_OK)
            return st;
    }
    return AC_OK;
}

/* ---- the XML declaration's encoding ---- */

/*
 * The text is UTF-8 (acp_check_text said so); a declaration naming
 * another encoding would have libxml2 convert it, silently, into other
 * characters. Refuse it before libxml2 sees it.
 */
static ac_status check_declared_encoding(xml_reader *r, const char *s,
                                         size_t len)
{
    size_t i = len >= 3 && memcmp(s, utf8_bom, 3) == 0 ? 3 : 0;
    if (len - i < 6 || memcmp(s + i, "<?xml", 5) != 0 || !xml_space(s[i + 5]))
        return AC_OK;
    size_t end = i + 5;
    while (end + 1 < len && !(s[end] == '?' && s[end + 1] == '>'))
        end++;
    for (size_t k = i + 5; k + 8 <= end; k++) {
        if (memcmp(s + k, "encoding", 8) != 0 || !xml_space(s[k - 1]))
            continue;
        size_t v = k + 8;
        while (v < end && xml_space(s[v]))
            v++;
        if (v >= end || s[v] != '=')
            return AC_OK;
        v++;
        while (v < end && xml_space(s[v]))
            v++;
        if (v >= end || (s[v] != '"' && s[v] != '\''))
            return AC_OK;
        char quote = s[v++];
        size_t e = v;
        while (e < end && s[e] != quote)
            e++;
        size_t n = e - v;
        char value[8];
        bool utf8 = false;
        if (n == 5 || n == 4) {
            for (size_t c = 0; c < n; c++)
                value[c] = (s[v + c] >= 'a' && s[v + c] <= 'z')
                               ? (char)(s[v + c] - 'a' + 'A')
                               : s[v + c];
            utf8 = (n == 5 && memcmp(value, "UTF-8", 5) == 0) ||
                   (n == 4 && memcmp(value, "UTF8", 4) == 0);
        }
        if (utf8)
            return AC_OK;
        int line, column;
        char shown[128];
        acp_line_column(s, len, v, &line, &column);
        return acp_error_set(r->error, AC_ERR_ENCODING, r->source, line, column,
                             (long)v,
                             "the XML declaration names the encoding %s: "
                             "agentconv reads UTF-8 only",
                             quoted(s + v, n, shown, sizeof shown));
    }
    return AC_OK;
}

/* ---- parsing ---- */

static bool has_lone_cr(const char *s, size_t len)
{
    for (const char *p = memchr(s, '\r', len); p;
         p = memchr(p + 1, '\r', len - (size_t)(p + 1 - s)))
        if ((size_t)(p + 1 - s) == len || p[1] != '\n')
            return true;
    return false;
}

/* Parse the text into a libxml2 document (see the top of the file). */
static ac_status parse(xml_reader *r, const char *data, size_t len,
                       xmlDocPtr *out)
{
    const int options = XML_PARSE_NONET | XML_PARSE_NOCDATA |
                        XML_PARSE_BIG_LINES | XML_PARSE_NOERROR |
                        XML_PARSE_NOWARNING;
    char *copy = NULL;
    xmlDocPtr doc = NULL;
    ac_status st = AC_OK;
    *out = NULL;
    if (len > INT_MAX)
        return fail(r, AC_ERR_LIMIT, 0,
                    "input of %zu bytes exceeds the XML parser's own limit "
                    "(%d bytes)",
                    len, INT_MAX);
    if (has_lone_cr(data, len)) {
        copy = malloc(len);
        if (!copy)
            return fail_nomem(r);
        for (size_t i = 0; i < len; i++)
            copy[i] = data[i] == '\r' && (i + 1 == len || data[i + 1] != '\n')
                          ? '\n'
                          : data[i];
        data = copy;
    }
    xmlParserCtxtPtr p = xmlNewParserCtxt();
    if (!p) {
        st = fail_nomem(r);
        goto free_copy;
    }
    p->_private = r;
    p->sax->serror = on_error;
    p->sax->internalSubset = on_internal_subset;
    p->sax->startElementNs = on_start_element;
    p->sax->endElementNs = on_end_element;
    p->sax->characters = on_characters;
    /* Not xmlSAX2IgnorableWhitespace, which the host's
     * xmlKeepBlanksDefault(0) would have installed: no text is dropped. */
    p->sax->ignorableWhitespace = on_characters;
    p->sax->comment = on_comment;
    p->sax->processingInstruction = on_processing_instruction;
    r->last_line = 1;
    doc = xmlCtxtReadMemory(p, data, (int)len, NULL, NULL, options);
    if (r->doctype_line)
        st = fail(r, AC_ERR_SYNTAX, r->doctype_line,
                  "a DOCTYPE is not allowed: agentconv reads no DTD and "
                  "expands no entities");
    else if (r->deep_line)
        st = fail_depth(r, r->deep_line);
    else if (r->out_of_memory || p->errNo == XML_ERR_NO_MEMORY ||
             (!r->failed && !doc))
        st = fail_nomem(r);
    else if (r->failed)
        st = fail_libxml(r);
    else if (!p->wellFormed)
        st = fail(r, AC_ERR_SYNTAX, 0, "invalid XML");
    if (st != AC_OK) {
        xmlFreeDoc(doc);
        doc = NULL;
    }
    xmlFreeParserCtxt(p);
free_copy:
    free(copy);
    *out = doc;
    return st;
}

/* ---- the readers ---- */

/* The start of both readers: check the text and its declared encoding and
 * parse it. */
static ac_status begin(xml_reader *r, ac_context *ctx, const char *data,
                       size_t len, const char *source, ac_error *error,
                       xmlDocPtr *xdoc)
{
    *xdoc = NULL;
    memset(r, 0, sizeof *r);
    r->ctx = ctx;
    r->source = source;
    r->error = error;
    r->max_depth = ctx->limits[AC_LIMIT_DEPTH];
    acp_buf_init(&r->text);
    ac_status st = acp_check_text(data, len, source, error);
    if (st == AC_OK)
        st = check_declared_encoding(r, data, len);
    if (st == AC_OK)
        st = parse(r, data, len, xdoc);
    return st;
}

/* The end of both readers: after a success, one warning for the comments
 * and processing instructions dropped anywhere in the file. */
static void finish(xml_reader *r, xmlDocPtr xdoc, ac_status st)
{
    if (st == AC_OK && r->comments + r->pis > 0) {
        size_t n = r->comments + r->pis;
        const char *what = r->pis == 0 ? "XML comment"
                           : r->comments == 0
                               ? "XML processing instruction"
                               : "XML comments and processing instruction";
        ac_context_warn(r->ctx, r->source, r->dropped_line, 0,
                        "%zu %s%s dropped: the model does not carry them "
                        "(the first is here)",
                        n, what, n == 1 ? " is" : "s are");
    }
    xmlFreeDoc(xdoc);
    acp_buf_release(&r->text);
}

/* The reader of one agent: a root <agent>. */
static ac_status xml_read(ac_context *ctx, const ac_format *format,
                          const char *data, size_t len, const char *source,
                          ac_doc **out, ac_error *error)
{
    xml_reader r;
    xmlDocPtr xdoc;
    (void)format;
    *out = NULL;
    ac_status st = begin(&r, ctx, data, len, source, error, &xdoc);
    if (st == AC_OK)
        st = read_root(&r, xdoc, out);
    finish(&r, xdoc, st);
    return st;
}

/*
 * The reader of a file that may hold several agents: a root <agents> is a
 * collection of its <agent> children; a root <agent> is one agent. On
 * failure the documents read so far stay in `*docs` for the caller to
 * release.
 */
static ac_status xml_read_many(ac_context *ctx, const ac_format *format,
                               const char *data, size_t len, const char *source,
                               ac_doc ***docs, size_t *count,
                               bool *is_collection, ac_error *error)
{
    xml_reader r;
    xmlDocPtr xdoc;
    xmlNode *root = NULL;
    (void)format;
    *docs = NULL;
    *count = 0;
    *is_collection = false;
    ac_status st = begin(&r, ctx, data, len, source, error, &xdoc);
    if (st == AC_OK)
        st = find_root(&r, xdoc, &root);
    if (st == AC_OK && form_element(root, ACP_XML_COLLECTION)) {
        *is_collection = true;
        st = check_root_attributes(&r, root);
        if (st == AC_OK)
            st = read_agents(&r, root, docs, count);
    } else if (st == AC_OK && form_element(root, ACP_XML_ROOT)) {
        st = check_root_attributes(&r, root);
        if (st == AC_OK) {
            *docs = calloc(1, sizeof **docs);
            st = *docs ? read_agent(&r, root, &(*docs)[0]) : fail_nomem(&r);
            *count = *docs ? 1 : 0;
        }
    } else if (st == AC_OK) {
        st = fail_root(&r, root, true);
    }
    finish(&r, xdoc, st);
    return st;
}

/* An element or an XML declaration, after an optional BOM and whitespace. */
static int xml_sniff(const char *data, size_t len)
{
    size_t i = len >= 3 && memcmp(data, utf8_bom, 3) == 0 ? 3 : 0;
    while (i < len && xml_space(data[i]))
        i++;
    return i < len && data[i] == '<' ? 80 : 0;
}

static const char *const xml_extensions[] = {".xml", NULL};

const ac_format acp_format_xml = {
    .abi = AC_FORMAT_ABI,
    .name = "xml",
    .description = "XML document, <agent> root, instructions in "
                   "<instructions>",
    .aliases = NULL,
    .extensions = xml_extensions,
    .sniff = xml_sniff,
    .read = xml_read,
    .write = acp_xml_write,
    .read_many = xml_read_many,
    .write_many = acp_xml_write_many,
    .user = NULL,
};
