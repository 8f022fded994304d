/*
 * The xml form's writer: builds a libxml2 tree and has libxml2 serialize
 * it. docs/xml.md describes the form; schemas/agent.xsd is its schema. A
 * collection is a root <agents> holding one <agent> per agent, each built
 * as the root of a file of one agent is, one level further in.
 *
 * The indentation is built here as whitespace text nodes between the
 * children of the root, of lists and of maps, never inside a string, and
 * the tree is saved without libxml2's format mode, so that no whitespace is
 * ever added to a string. Empty elements are always written as a start and
 * an end tag (XML_SAVE_NO_EMPTY): libxml2 turns that option on by itself
 * when a host sets its per-thread xmlSaveNoEmptyTags, and the same model
 * must give the same bytes whatever the host did.
 *
 * A text run that holds '<', '>' or '&' is written as a CDATA section, so
 * that prompts full of "<example>", "Result<T, E>" or "a && b" stay
 * readable; other runs are plain text. A carriage return is written as the
 * reference "&#13;" (libxml2's serializer does that for a text node; inside
 * a CDATA section it would be read back as a line feed), and a character
 * XML 1.0 cannot hold as the empty element <c code="N"></c>.
 *
 * Nothing global of libxml2 is touched: the output goes through a save
 * context of our own into the caller's buffer.
 *
 * SPDX-License-Identifier: MIT
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include "internal.h"
#include "xml_internal.h"

typedef struct xml_writer {
    ac_context *ctx;
    ac_error *error;
    xmlDocPtr doc;
    xmlNsPtr ns;
    uint64_t max_depth;
    ac_buf pending; /* plain text of a string not yet made a node */
    ac_buf scratch; /* indentation, key-hex, numbers */
    /* Levels of indentation before the agent's element (1 in <agents>). */
    uint64_t indent_base;
} xml_writer;

static ac_status fail_nomem(xml_writer *w)
{
    return acp_error_set(w->error, AC_ERR_NOMEM, "agentconv", 0, 0, -1,
                         "out of memory");
}

/*
 * Model strings are UTF-8 without NUL; the API does not check strings built
 * through it, so the writer does rather than write a file that cannot be
 * read back. `step` is the string's path; for a key, the path of the map
 * holding it. libxml2 counts text in an int: longer strings are refused.
 */
static ac_status check_text(xml_writer *w, const char *s, size_t len,
                            const acp_path_step *step, acp_text_kind kind)
{
    ac_status st = acp_check_text_at(s, len, step, kind, w->error);
    if (st != AC_OK || len < INT_MAX - 1)
        return st;
    char what[200];
    acp_text_place(step, kind, what, sizeof what);
    return acp_error_set(w->error, AC_ERR_LIMIT, "agentconv", 0, 0, -1,
                         "%s is %zu bytes long, more than libxml2 can write",
                         what, len);
}

/* ---- keys ---- */

/* The code point of a character XML 1.0 cannot hold that starts at s[i]
 * (0 when the character there is one XML can hold), and its length. */
static uint32_t forbidden_at(const char *s, size_t len, size_t i, size_t *n)
{
    unsigned char c = (unsigned char)s[i];
    *n = 1;
    if (c < 0x20)
        return acp_xml_char_forbidden(c) ? c : 0;
    if (c == 0xef && len - i >= 3 && (unsigned char)s[i + 1] == 0xbf &&
        ((unsigned char)s[i + 2] == 0xbe || (unsigned char)s[i + 2] == 0xbf)) {
        *n = 3;
        return (unsigned char)s[i + 2] == 0xbe ? 0xfffe : 0xffff;
    }
    return 0;
}

static bool has_forbidden(const char *s, size_t len)
{
    size_t n;
    for (size_t i = 0; i < len; i++)
        if (forbidden_at(s, len, i, &n))
            return true;
    return false;
}

static bool ascii_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A key that is usable as an element name as it is: ASCII letters, digits,
 * '_', '-' and '.', starting with a letter or '_', not starting with "xml"
 * in any case (XML reserves those names). */
static bool plain_name(const char *key, size_t len)
{
    if (len == 0 || !(ascii_letter(key[0]) || key[0] == '_'))
        return false;
    for (size_t i = 1; i < len; i++) {
        char c = key[i];
        if (!ascii_letter(c) && !(c >= '0' && c <= '9') && c != '_' &&
            c != '-' && c != '.')
            return false;
    }
    if (len >= 3 && (key[0] == 'x' || key[0] == 'X') &&
        (key[1] == 'm' || key[1] == 'M') && (key[2] == 'l' || key[2] == 'L'))
        return false;
    return true;
}

static bool key_is(const char *key, size_t len, const char *name)
{
    return strlen(name) == len && memcmp(key, name, len) == 0;
}

static bool list_of_strings(const ac_value *v)
{
    if (v->type != AC_LIST)
        return false;
    for (size_t i = 0; i < v->u.list.len; i++)
        if (v->u.list.items[i]->type != AC_STRING)
            return false;
    return true;
}

/*
 * Can the entry be written as an element named by its key? The names that
 * schemas/agent.xsd declares as global elements are checked against their
 * declarations wherever they appear, so such a key is written as its
 * element only when the value has a shape the schema allows there; else as
 * <field key="...">. Keep this table in step with the schema.
 */
static bool element_fits(const char *key, size_t len, const ac_value *v)
{
    if (key_is(key, len, ACP_XML_ROOT) ||
        key_is(key, len, ACP_XML_COLLECTION) ||
        key_is(key, len, ACP_XML_ITEM) || key_is(key, len, ACP_XML_FIELD) ||
        key_is(key, len, ACP_XML_CHAR))
        return false;
    if (key_is(key, len, "name") || key_is(key, len, "description") ||
        key_is(key, len, "color") || key_is(key, len, ACP_XML_INSTRUCTIONS))
        return v->type == AC_STRING;
    if (key_is(key, len, "model"))
        return v->type == AC_STRING || list_of_strings(v);
    if (key_is(key, len, "tools"))
        return v->type == AC_STRING || v->type == AC_LIST || v->type == AC_MAP;
    return true;
}

/* ---- building the tree ---- */

/* A new element in the form's namespace, appended to `parent`. */
static xmlNodePtr add_element(xml_writer *w, xmlNodePtr parent,
                              const char *name)
{
    xmlNodePtr node = xmlNewDocNode(w->doc, w->ns, (const xmlChar *)name, NULL);
    if (!node)
        return NULL;
    if (!node->name) { /* libxml2 does not check its copy of the name */
        xmlFreeNode(node);
        return NULL;
    }
    if (!xmlAddChild(parent, node)) {
        xmlFreeNode(node);
        return NULL;
    }
    return node;
}

/* Append a text node (or a CDATA section) of `len` bytes to `parent`. The
 * callers never put two text nodes next to each other, so libxml2 never
 * merges them (a merge cannot report a failed allocation). */
static ac_status add_text_node(xml_writer *w, xmlNodePtr parent, const char *s,
                               size_t len, bool cdata)
{
    xmlNodePtr node =
        cdata ? xmlNewCDataBlock(w->doc, (const xmlChar *)s, (int)len)
              : xmlNewDocTextLen(w->doc, (const xmlChar *)s, (int)len);
    if (!node)
        return fail_nomem(w);
    if (!node->content) { /* nor its copy of the text */
        xmlFreeNode(node);
        return fail_nomem(w);
    }
    if (!xmlAddChild(parent, node)) {
        xmlFreeNode(node);
        return fail_nomem(w);
    }
    return AC_OK;
}

/* A line end and two spaces per level (counted from the agent's element,
 * which is itself `indent_base` levels in), between the children of a
 * container. */
static ac_status add_indent(xml_writer *w, xmlNodePtr parent, uint64_t level)
{
    static const char spaces[] = "                                ";
    ac_buf *b = &w->scratch;
    b->len = 0;
    ac_status st = ac_buf_append(b, "\n", 1);
    for (uint64_t n = (level + w->indent_base) * 2; n > 0 && st == AC_OK;) {
        size_t k = n < sizeof spaces - 1 ? (size_t)n : sizeof spaces - 1;
        st = ac_buf_append(b, spaces, k);
        n -= k;
    }
    if (st != AC_OK)
        return fail_nomem(w);
    return add_text_node(w, parent, b->data, b->len, false);
}

static ac_status set_attribute(xml_writer *w, xmlNodePtr node, const char *name,
                               const char *value)
{
    xmlAttrPtr a =
        xmlNewProp(node, (const xmlChar *)name, (const xmlChar *)value);
    /* libxml2 does not check its copies of the name and the value. */
    if (!a || !a->name ||
        (value[0] != '\0' && !(a->children && a->children->content)))
        return fail_nomem(w);
    return AC_OK;
}

/* Turn the pending plain text into a text node. */
static ac_status flush_pending(xml_writer *w, xmlNodePtr parent)
{
    if (w->pending.len == 0)
        return AC_OK;
    ac_status st =
        add_text_node(w, parent, w->pending.data, w->pending.len, false);
    w->pending.len = 0;
    return st;
}

/* libxml2 refuses to read a CDATA section of more than 10,000,000 bytes
 * (XML_MAX_TEXT_LENGTH, without XML_PARSE_HUGE): longer runs are written
 * as several sections, cut at character boundaries. */
#define CDATA_MAX ((size_t)4 << 20)

/* A run of text holding no carriage return and no character XML cannot
 * hold: CDATA when it holds markup characters, else plain text joined to
 * the pending text. */
static ac_status add_run(xml_writer *w, xmlNodePtr parent, const char *s,
                         size_t len)
{
    if (len == 0)
        return AC_OK;
    bool markup =
        memchr(s, '<', len) || memchr(s, '>', len) || memchr(s, '&', len);
    if (!markup)
        return ac_buf_append(&w->pending, s, len) == AC_OK ? AC_OK
                                                           : fail_nomem(w);
    ac_status st = flush_pending(w, parent);
    while (st == AC_OK && len > 0) {
        size_t n = len;
        if (n > CDATA_MAX) {
            n = CDATA_MAX;
            while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
                n--;
        }
        st = add_text_node(w, parent, s, n, true);
        s += n;
        len -= n;
    }
    return st;
}

/* <c code="N"></c> for a character XML cannot hold. */
static ac_status add_char(xml_writer *w, xmlNodePtr parent, uint32_t cp)
{
    char code[16];
    ac_status st = flush_pending(w, parent);
    if (st != AC_OK)
        return st;
    xmlNodePtr c = add_element(w, parent, ACP_XML_CHAR);
    if (!c)
        return fail_nomem(w);
    snprintf(code, sizeof code, "%" PRIu32, cp);
    return set_attribute(w, c, ACP_XML_CODE, code);
}

/* The content of a string element: the text exactly, byte for byte. */
static ac_status add_string(xml_writer *w, xmlNodePtr parent, const char *s,
                            size_t len)
{
    ac_status st = AC_OK;
    size_t run = 0, i = 0;
    w->pending.len = 0;
    while (i < len && st == AC_OK) {
        size_t n;
        uint32_t cp = forbidden_at(s, len, i, &n);
        if (cp == 0 && s[i] != '\r') {
            i++;
            continue;
        }
        st = add_run(w, parent, s + run, i - run);
        if (st != AC_OK)
            break;
        if (cp)
            st = add_char(w, parent, cp);
        else if (ac_buf_append(&w->pending, "\r", 1) != AC_OK)
            st = fail_nomem(w);
        i += n;
        run = i;
    }
    if (st == AC_OK)
        st = add_run(w, parent, s + run, len - run);
    if (st == AC_OK)
        st = flush_pending(w, parent);
    return st;
}

/* The text of a scalar (integer, number, boolean) as one text node. */
static ac_status add_scalar(xml_writer *w, xmlNodePtr elem, const char *type,
                            const char *text, size_t len)
{
    ac_status st = set_attribute(w, elem, ACP_XML_TYPE, type);
    if (st == AC_OK)
        st = add_text_node(w, elem, text, len, false);
    return st;
}

static ac_status write_value(xml_writer *w, xmlNodePtr elem, const ac_value *v,
                             uint64_t holder_depth, const acp_path_step *step);

/* An entry of a map as a child element of `parent`. */
static ac_status write_entry(xml_writer *w, xmlNodePtr parent,
                             const acp_entry *e, uint64_t holder_depth,
                             const acp_path_step *step)
{
    static const char hex[] = "0123456789abcdef";
    ac_status st =
        check_text(w, e->key, e->key_len, step->parent, ACP_TEXT_KEY);
    if (st != AC_OK)
        return st;
    bool hexed = has_forbidden(e->key, e->key_len);
    bool named = !hexed && plain_name(e->key, e->key_len) &&
                 element_fits(e->key, e->key_len, e->value);
    xmlNodePtr elem = add_element(w, parent, named ? e->key : ACP_XML_FIELD);
    if (!elem)
        return fail_nomem(w);
    if (hexed) {
        ac_buf *b = &w->scratch;
        b->len = 0;
        for (size_t i = 0; i < e->key_len && st == AC_OK; i++) {
            unsigned char c = (unsigned char)e->key[i];
            char pair[2] = {hex[c >> 4], hex[c & 0x0f]};
            st = ac_buf_append(b, pair, 2);
        }
        if (st == AC_OK)
            st = ac_buf_append(b, "", 1); /* the NUL, counted */
        if (st != AC_OK)
            return fail_nomem(w);
        st = set_attribute(w, elem, ACP_XML_KEY_HEX, b->data);
    } else if (!named) {
        st = set_attribute(w, elem, ACP_XML_KEY, e->key);
    }
    if (st != AC_OK)
        return st;
    return write_value(w, elem, e->value, holder_depth, step);
}

/* The children of a list or a map at `depth`: one per line, indented by
 * `depth` levels, the end tag by one level less. */
static ac_status write_container(xml_writer *w, xmlNodePtr elem,
                                 const ac_value *v, uint64_t depth,
                                 const acp_path_step *step)
{
    bool is_map = v->type == AC_MAP;
    size_t n = is_map ? v->u.map.len : v->u.list.len;
    ac_status st =
        set_attribute(w, elem, ACP_XML_TYPE, is_map ? "map" : "list");
    if (st != AC_OK)
        return st;
    if (depth > w->max_depth) {
        char path[160];
        acp_path_text(step, path, sizeof path);
        return acp_error_set(w->error, AC_ERR_LIMIT, "agentconv", 0, 0, -1,
                             "nesting deeper than the %s limit (%llu) at %s",
                             ac_limit_name(AC_LIMIT_DEPTH),
                             (unsigned long long)w->max_depth, path);
    }
    for (size_t i = 0; i < n && st == AC_OK; i++) {
        acp_path_step child = {step, NULL, 0, i};
        st = add_indent(w, elem, depth);
        if (st != AC_OK)
            break;
        if (is_map) {
            const acp_entry *e = &v->u.map.entries[i];
            child.key = e->key;
            child.key_len = e->key_len;
            st = write_entry(w, elem, e, depth, &child);
        } else {
            xmlNodePtr item = add_element(w, elem, ACP_XML_ITEM);
            st = item ? write_value(w, item, v->u.list.items[i], depth, &child)
                      : fail_nomem(w);
        }
    }
    if (st == AC_OK && n > 0)
        st = add_indent(w, elem, depth - 1);
    return st;
}

/* The type attribute and the content of `elem` for `v`, held by a
 * container at `holder_depth` (the fields are at depth 1). */
static ac_status write_value(xml_writer *w, xmlNodePtr elem, const ac_value *v,
                             uint64_t holder_depth, const acp_path_step *step)
{
    char num[32];
    int n;
    ac_status st;
    switch (v->type) {
    case AC_NULL:
        return set_attribute(w, elem, ACP_XML_TYPE, "null");
    case AC_BOOL:
        return v->u.b ? add_scalar(w, elem, "boolean", "true", 4)
                      : add_scalar(w, elem, "boolean", "false", 5);
    case AC_INTEGER:
        n = snprintf(num, sizeof num, "%" PRId64, v->u.i);
        return add_scalar(w, elem, "integer", num, (size_t)n);
    case AC_NUMBER:
        if (!(v->u.d - v->u.d == 0.0)) {
            char path[160];
            acp_path_text(step, path, sizeof path);
            return acp_error_set(w->error, AC_ERR_ARGUMENT, "agentconv", 0, 0,
                                 -1, "not a finite number at %s", path);
        }
        n = acp_format_number(w->ctx, v->u.d, num);
        return add_scalar(w, elem, "number", num, (size_t)n);
    case AC_STRING:
        st = check_text(w, v->u.str.s, v->u.str.len, step, ACP_TEXT_STRING);
        if (st != AC_OK)
            return st;
        return add_string(w, elem, v->u.str.s, v->u.str.len);
    case AC_LIST:
    case AC_MAP:
        return write_container(w, elem, v, holder_depth + 1, step);
    }
    return AC_OK;
}

/* <instructions>, last: a line end first, so that the prompt starts on a
 * line of its own (readers drop leading blank lines). */
static ac_status write_instructions(xml_writer *w, xmlNodePtr root,
                                    const ac_doc *doc)
{
    ac_status st = check_text(w, doc->instructions, doc->instructions_len, NULL,
                              ACP_TEXT_INSTRUCTIONS);
    if (st != AC_OK)
        return st;
    size_t len = doc->instructions_len + 1;
    char *text = malloc(len);
    if (!text)
        return fail_nomem(w);
    text[0] = '\n';
    memcpy(text + 1, doc->instructions, doc->instructions_len);
    xmlNodePtr elem = add_element(w, root, ACP_XML_INSTRUCTIONS);
    st = elem ? add_string(w, elem, text, len) : fail_nomem(w);
    free(text);
    return st;
}

/* ---- serializing ---- */

typedef struct sink {
    ac_buf *out;
    bool failed;
} sink;

static int sink_write(void *context, const char *buffer, int len)
{
    sink *s = context;
    if (len < 0 || ac_buf_append(s->out, buffer, (size_t)len) != AC_OK) {
        s->failed = true;
        return -1;
    }
    return len;
}

/*
 * Save the document into `out`. libxml2's own buffers fail for good once
 * an allocation fails (their error is sticky), so a failure anywhere leaves
 * the output without its end: the end tag of the root, which no text can
 * imitate (text writes '<' as "&lt;" and CDATA has no end tags), proves
 * the output whole. A save context that lost its copy of the encoding's
 * name would write no encoding and escape every non-ASCII character: the
 * exact start proves it did not.
 */
static ac_status save(xml_writer *w, ac_buf *out, bool collection)
{
    static const char decl[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    static const char agent_begin[] =
        "<" ACP_XML_ROOT " xmlns=\"" ACP_XML_NS "\">";
    static const char agent_end[] = "</" ACP_XML_ROOT ">\n";
    static const char agents_begin[] =
        "<" ACP_XML_COLLECTION " xmlns=\"" ACP_XML_NS "\">";
    static const char agents_end[] = "</" ACP_XML_COLLECTION ">\n";
    const char *begin = collection ? agents_begin : agent_begin;
    const char *end = collection ? agents_end : agent_end;
    size_t begin_len = strlen(begin), end_len = strlen(end);
    size_t decl_len = sizeof decl - 1;
    size_t start = out->len;
    sink s = {out, false};
    xmlSaveCtxtPtr save_ctxt = xmlSaveToIO(sink_write, NULL, &s, "UTF-8",
                                           XML_SAVE_AS_XML | XML_SAVE_NO_EMPTY);
    if (!save_ctxt)
        return fail_nomem(w);
    long saved = xmlSaveDoc(save_ctxt, w->doc);
    int closed = xmlSaveClose(save_ctxt);
    size_t n = out->len - start;
    bool whole = n >= decl_len + begin_len + end_len &&
                 memcmp(out->data + start, decl, decl_len) == 0 &&
                 memcmp(out->data + start + decl_len, begin, begin_len) == 0 &&
                 memcmp(out->data + out->len - end_len, end, end_len) == 0;
    if (saved < 0 || closed < 0 || s.failed || !whole) {
        out->len = start;
        if (out->data)
            out->data[start] = '\0';
        return fail_nomem(w);
    }
    return AC_OK;
}

/* The children of an <agent> element: one per field, then the
 * instructions, each on a line of its own. */
static ac_status write_agent(xml_writer *w, xmlNodePtr agent, const ac_doc *doc)
{
    const ac_value *fields = doc->fields;
    size_t n = fields->u.map.len;
    bool has_instructions = doc->instructions_len > 0;
    ac_status st = AC_OK;

    if (acp_map_find(fields, ACP_XML_INSTRUCTIONS, 12) >= 0)
        return acp_error_set(w->error, AC_ERR_STRUCTURE, "agentconv", 0, 0, -1,
                             "the fields hold the key \"instructions\", which "
                             "is reserved for the instructions text");
    for (size_t i = 0; i < n && st == AC_OK; i++) {
        const acp_entry *e = &fields->u.map.entries[i];
        acp_path_step step = {NULL, e->key, e->key_len, 0};
        st = add_indent(w, agent, 1);
        if (st == AC_OK)
            st = write_entry(w, agent, e, 1, &step);
    }
    if (st == AC_OK && has_instructions) {
        st = add_indent(w, agent, 1);
        if (st == AC_OK)
            st = write_instructions(w, agent, doc);
    }
    if (st == AC_OK && (n > 0 || has_instructions))
        st = add_indent(w, agent, 0);
    return st;
}

/* A new document whose root element, in the form's namespace, is `name`. */
static ac_status new_document(xml_writer *w, const char *name, xmlNodePtr *root)
{
    w->doc = xmlNewDoc((const xmlChar *)"1.0");
    if (!w->doc)
        return fail_nomem(w);
    *root = xmlNewDocNode(w->doc, NULL, (const xmlChar *)name, NULL);
    if (!*root)
        return fail_nomem(w);
    xmlDocSetRootElement(w->doc, *root);
    w->ns = xmlNewNs(*root, (const xmlChar *)ACP_XML_NS, NULL);
    if (!w->ns || !w->ns->href)
        return fail_nomem(w);
    xmlSetNs(*root, w->ns);
    return AC_OK;
}

static void writer_release(xml_writer *w)
{
    xmlFreeDoc(w->doc);
    acp_buf_release(&w->scratch);
    acp_buf_release(&w->pending);
}

ac_status acp_xml_write(ac_context *ctx, const ac_format *format,
                        const ac_doc *doc, ac_buf *out, ac_error *error)
{
    xml_writer w = {
        .ctx = ctx, .error = error, .max_depth = ctx->limits[AC_LIMIT_DEPTH]};
    xmlNodePtr root;
    (void)format;
    acp_buf_init(&w.pending);
    acp_buf_init(&w.scratch);
    ac_status st = new_document(&w, ACP_XML_ROOT, &root);
    if (st == AC_OK)
        st = write_agent(&w, root, doc);
    if (st == AC_OK)
        st = save(&w, out, false);
    writer_release(&w);
    return st;
}

ac_status acp_xml_write_many(ac_context *ctx, const ac_format *format,
                             ac_doc *const *docs, size_t count, ac_buf *out,
                             ac_error *error)
{
    xml_writer w = {
        .ctx = ctx, .error = error, .max_depth = ctx->limits[AC_LIMIT_DEPTH]};
    xmlNodePtr root;
    (void)format;
    acp_buf_init(&w.pending);
    acp_buf_init(&w.scratch);
    ac_status st = new_document(&w, ACP_XML_COLLECTION, &root);
    for (size_t i = 0; i < count && st == AC_OK; i++) {
        if (!docs[i]) {
            st = acp_error_set(error, AC_ERR_ARGUMENT, "agentconv", 0, 0, -1,
                               "agent %zu of the collection is NULL", i + 1);
            break;
        }
        w.indent_base = 0;
        st = add_indent(&w, root, 1);
        xmlNodePtr agent = NULL;
        if (st == AC_OK) {
            agent = add_element(&w, root, ACP_XML_ROOT);
            if (!agent)
                st = fail_nomem(&w);
        }
        w.indent_base = 1;
        if (st == AC_OK) {
            st = write_agent(&w, agent, docs[i]);
            if (st != AC_OK)
                acp_error_in_agent(error, i, docs[i]);
        }
    }
    w.indent_base = 0;
    if (st == AC_OK && count > 0)
        st = add_indent(&w, root, 0);
    if (st == AC_OK)
        st = save(&w, out, true);
    writer_release(&w);
    return st;
}
