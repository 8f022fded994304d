/*
 * Dialects: the registry, detection, translation between tools through the
 * neutral vocabulary, the tools' rules, and collections keyed by name.
 * The tools themselves are data (dialect_tables.c); docs/dialects.md has
 * the rules this file follows.
 *
 * SPDX-License-Identifier: MIT
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "json_internal.h"
#include "yaml_internal.h"

/* ---- the registry ---- */

static bool descriptor_ok(const ac_dialect *d)
{
    return d && d->abi == AC_DIALECT_ABI && d->name && d->name[0] && d->title &&
           d->form && d->fields && d->tools;
}

ac_status ac_context_add_dialect(ac_context *ctx, const ac_dialect *dialect,
                                 ac_error *error)
{
    if (!ctx || !dialect)
        return acp_error_set(error, AC_ERR_ARGUMENT, "agentconv", 0, 0, -1,
                             "no dialect descriptor");
    if (dialect->abi != AC_DIALECT_ABI)
        return acp_error_set(error, AC_ERR_ARGUMENT, "agentconv", 0, 0, -1,
                             "dialect descriptor of ABI %d, expected %d",
                             dialect->abi, AC_DIALECT_ABI);
    if (!descriptor_ok(dialect))
        return acp_error_set(error, AC_ERR_ARGUMENT, "agentconv", 0, 0, -1,
                             "incomplete dialect descriptor (a name, title, "
                             "form, fields and tools are required)");
    if (ac_dialect_find(ctx, dialect->name))
        return acp_error_set(error, AC_ERR_ARGUMENT, "agentconv", 0, 0, -1,
                             "a dialect named '%s' is already registered",
                             dialect->name);
    if (ctx->dialect_count == ctx->dialect_cap) {
        size_t cap = ctx->dialect_cap ? ctx->dialect_cap * 2 : 8;
        const ac_dialect **d = realloc(ctx->dialects, cap * sizeof *d);
        if (!d)
            return acp_error_set(error, AC_ERR_NOMEM, "agentconv", 0, 0, -1,
                                 "out of memory");
        ctx->dialects = d;
        ctx->dialect_cap = cap;
    }
    ctx->dialects[ctx->dialect_count++] = dialect;
    return AC_OK;
}

ac_status acp_dialects_init(ac_context *ctx)
{
    for (size_t i = 0; i < acp_builtin_dialect_count; i++) {
        ac_status st =
            ac_context_add_dialect(ctx, acp_builtin_dialects[i], NULL);
        if (st != AC_OK)
            return st;
    }
    return AC_OK;
}

void acp_dialects_free(ac_context *ctx)
{
    free(ctx->dialects);
    for (size_t i = 0; i < ctx->model_count; i++) {
        free(ctx->models[i].dialect);
        free(ctx->models[i].name);
        free(ctx->models[i].term);
    }
    free(ctx->models);
}

size_t ac_dialect_count(const ac_context *ctx)
{
    return ctx ? ctx->dialect_count : 0;
}

const ac_dialect *ac_dialect_at(const ac_context *ctx, size_t i)
{
    return ctx && i < ctx->dialect_count ? ctx->dialects[i] : NULL;
}

const ac_dialect *ac_dialect_find(const ac_context *ctx, const char *name)
{
    if (!ctx || !name)
        return NULL;
    for (size_t i = 0; i < ctx->dialect_count; i++)
        if (acp_ascii_iequal(ctx->dialects[i]->name, name))
            return ctx->dialects[i];
    return NULL;
}

ac_status ac_context_add_model(ac_context *ctx, const char *dialect,
                               const char *name, const char *term)
{
    if (!ctx || !dialect || !name || !term || !ac_dialect_find(ctx, dialect))
        return AC_ERR_ARGUMENT;
    acp_model_spelling *m =
        realloc(ctx->models, (ctx->model_count + 1) * sizeof *m);
    if (!m)
        return AC_ERR_NOMEM;
    ctx->models = m;
    acp_model_spelling *s = &m[ctx->model_count];
    s->dialect = acp_strndup(dialect, strlen(dialect));
    s->name = acp_strndup(name, strlen(name));
    s->term = acp_strndup(term, strlen(term));
    if (!s->dialect || !s->name || !s->term) {
        free(s->dialect);
        free(s->name);
        free(s->term);
        return AC_ERR_NOMEM;
    }
    ctx->model_count++;
    return AC_OK;
}

/* ---- small helpers ---- */

static bool str_eq(const char *s, size_t len, const char *z)
{
    return z && strlen(z) == len && memcmp(s, z, len) == 0;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

static const ac_dialect_field *field_by_key(const ac_dialect *d,
                                            const char *key, size_t len)
{
    for (const ac_dialect_field *f = d->fields; f->key; f++)
        if (str_eq(key, len, f->key))
            return f;
    return NULL;
}

static const ac_dialect_field *field_by_term(const ac_dialect *d,
                                             const char *term)
{
    for (const ac_dialect_field *f = d->fields; f->key; f++)
        if (strcmp(f->term, term) == 0)
            return f;
    return NULL;
}

static const ac_dialect_field *field_by_kind(const ac_dialect *d,
                                             ac_field_kind kind)
{
    for (const ac_dialect_field *f = d->fields; f->key; f++)
        if (f->kind == kind)
            return f;
    return NULL;
}

/* ---- detection ---- */

/* Whether `path` matches a path marker: "*.x" is a file name ending, one
 * with a slash at both ends a folder anywhere in the path (or at its
 * start), "*\/name" a file name. */
static bool path_matches(const char *path, const char *marker)
{
    if (marker[0] == '*' && marker[1] == '/') {
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        return strcmp(base, marker + 2) == 0;
    }
    if (marker[0] == '*')
        return ends_with(path, marker + 1);
    if (strstr(path, marker))
        return true;
    /* "/.claude/agents/" also matches a relative ".claude/agents/x.md" */
    /* A prefix comparison: strncmp stops at the end of `path` too. */
    return marker[0] == '/' &&
           // NOLINTNEXTLINE(bugprone-not-null-terminated-result)
           strncmp(path, marker + 1, strlen(marker + 1)) == 0;
}

const ac_dialect *ac_dialect_detect(const ac_context *ctx, const char *path,
                                    const ac_doc *doc)
{
    if (!ctx)
        return NULL;
    if (path) {
        for (size_t i = 0; i < ctx->dialect_count; i++) {
            const ac_dialect *d = ctx->dialects[i];
            for (const char *const *m = d->path_markers; m && *m; m++)
                if (path_matches(path, *m))
                    return d;
        }
    }
    if (!doc)
        return NULL;
    const ac_dialect *best = NULL;
    int best_score = 0;
    for (size_t i = 0; i < ctx->dialect_count; i++) {
        const ac_dialect *d = ctx->dialects[i];
        int score = 0;
        for (const char *const *k = d->key_markers; k && *k; k++)
            if (ac_map_get(doc->fields, *k))
                score += 2;
        const ac_value *tools = ac_map_get(doc->fields, "tools");
        if (tools && tools->type == AC_MAP &&
            d->tools_shape == AC_TOOLS_FLAG_MAP)
            score += 2;
        if (score > best_score) {
            best = d;
            best_score = score;
        }
    }
    return best;
}

/* ---- translation ---- */

typedef struct tool_entry {
    char *term;         /* a vocabulary term, "*", or NULL: see below */
    char *pattern;      /* Claude Code's "(git add:*)" inside, or NULL */
    char *mcp_server;   /* an MCP tool: its server ... */
    char *mcp_tool;     /* ... and tool, NULL for every tool of it */
    const char *raw;    /* the source spelling (borrowed) */
    size_t group;       /* entries from one source name share a group */
    const ac_value *at; /* where it was written */
} tool_entry;

typedef struct tool_list {
    tool_entry *items;
    size_t count, cap;
    size_t groups;
} tool_list;

typedef struct translator {
    ac_context *ctx;
    const ac_dialect *from, *to;
    const ac_translate_options *opt;
    const char *source;
    ac_error *error;
    ac_doc *out;
    tool_list allowed, denied;
    bool has_tools;  /* the source had its "tools" field */
    bool has_name;   /* a name was taken */
    long tools_slot; /* where the target's tool field goes, or -1 */
    const ac_value *tools_at;
} translator;

static ac_status nomem(translator *t)
{
    return acp_error_set(t->error, AC_ERR_NOMEM, t->source, 0, 0, -1,
                         "out of memory");
}

/* A loss: one warning, or in strict mode the error the call fails with. */
static ac_status loss(translator *t, const ac_value *at, const char *fmt, ...)
    ACP_PRINTF(3, 4);

static ac_status loss(translator *t, const ac_value *at, const char *fmt, ...)
{
    char text[AC_ERROR_TEXT_LENGTH];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    int line = at ? at->line : 0, column = at ? at->column : 0;
    if (ac_context_strict(t->ctx))
        return acp_error_set(t->error, AC_ERR_STRICT, t->source, line, column,
                             -1, "%s", text);
    ac_context_warn(t->ctx, t->source, line, column, "%s", text);
    return AC_OK;
}

static ac_status put(translator *t, const char *key, ac_value *v)
{
    if (!v)
        return nomem(t);
    if (ac_map_set(t->out->fields, key, strlen(key), v) != AC_OK)
        return nomem(t);
    return AC_OK;
}

static ac_status put_copy(translator *t, const char *key, const ac_value *v)
{
    return put(t, key, ac_value_copy(v));
}

/* A source field that has no equivalent in the target: carried as it is
 * when the target tolerates it, else left out; one warning either way. */
static ac_status no_equivalent(translator *t, const char *key, size_t len,
                               const ac_value *v, const char *why)
{
    char because[128];
    if (!why) {
        snprintf(because, sizeof because, "has no %s equivalent", t->to->title);
        why = because;
    }
    if (t->to->closed)
        return loss(t, v,
                    "\"%.*s\" %s; left out (%s rejects keys it does not "
                    "know)",
                    (int)len, key, why, t->to->title);
    if (field_by_key(t->to, key, len))
        return loss(t, v,
                    "\"%.*s\" %s; left out (%s reads that key as "
                    "something else)",
                    (int)len, key, why, t->to->title);
    char *k = acp_strndup(key, len);
    if (!k)
        return nomem(t);
    ac_status st = loss(t, v, "\"%s\" %s; carried as it is", k, why);
    if (st == AC_OK)
        st = put_copy(t, k, v);
    free(k);
    return st;
}

/* The value a dialect implies for a term ("mode=subagent"), or NULL; its
 * length in `*len`. */
static const char *implied_value(const ac_dialect *d, const char *term,
                                 size_t *len)
{
    size_t n = strlen(term);
    for (const char *const *p = d->implied; p && *p; p++)
        if (strncmp(*p, term, n) == 0 && (*p)[n] == '=') {
            *len = strlen(*p + n + 1);
            return *p + n + 1;
        }
    return NULL;
}

/* Whether the target says `v` for `term` without writing it. */
static bool target_implies(const translator *t, const char *term,
                           const ac_value *v)
{
    size_t n;
    const char *s = implied_value(t->to, term, &n);
    return s && v->type == AC_STRING && str_eq(v->u.str.s, v->u.str.len, s) &&
           n == v->u.str.len;
}

/* -- names -- */

/* Whether `c` is in a character class like "a-z0-9-_". */
static bool in_class(const char *cls, unsigned char c)
{
    for (size_t i = 0; cls[i]; i++) {
        unsigned char lo = (unsigned char)cls[i];
        if (cls[i + 1] == '-' && cls[i + 2]) {
            unsigned char hi = (unsigned char)cls[i + 2];
            if (c >= lo && c <= hi)
                return true;
            i += 2;
        } else if (c == lo) {
            return true;
        }
    }
    return false;
}

/* The first character of a name the dialect does not allow, or -1. */
static long bad_name_char(const ac_dialect *d, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((d->name_chars && !in_class(d->name_chars, c)) ||
            (d->name_forbidden && strchr(d->name_forbidden, c)))
            return (long)i;
    }
    return -1;
}

/* A name made to follow the dialect's rule: letters lowered, every run of
 * other characters one '-' (or '_' when '-' is not allowed), none at the
 * ends. New string; "" when nothing is left. */
static char *slug(const ac_dialect *d, const char *s, size_t len)
{
    char *out = malloc(len + 1);
    if (!out)
        return NULL;
    char sep = d->name_chars && !in_class(d->name_chars, '-') ? '_' : '-';
    size_t o = 0;
    bool gap = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        bool ok = !((d->name_chars && !in_class(d->name_chars, c)) ||
                    (d->name_forbidden && strchr(d->name_forbidden, c)));
        if (ok && c != (unsigned char)sep) {
            if (gap && o)
                out[o++] = sep;
            gap = false;
            out[o++] = (char)c;
        } else {
            gap = true;
        }
    }
    out[o] = '\0';
    return out;
}

static ac_status take_name(translator *t, const char *key, size_t len,
                           const ac_value *v)
{
    const ac_dialect_field *tf = field_by_kind(t->to, AC_FIELD_NAME);
    t->has_name = true;
    if (!tf) {
        if (t->opt && t->opt->keep_name)
            return put_copy(t, "name", v);
        if (t->to->name_is_file_name) {
            /* the name is the output's file name */
            const char *o = t->opt ? t->opt->output_name : NULL;
            if (v->type == AC_STRING && o &&
                str_eq(v->u.str.s, v->u.str.len, o))
                return AC_OK;
            if (o)
                return loss(t, v,
                            "\"%.*s\" is not written: %s names an agent by "
                            "its file name, here \"%s\"",
                            (int)len, key, t->to->title, o);
            return loss(t, v,
                        "\"%.*s\" is not written: %s names an agent by its "
                        "file name (name the file after it)",
                        (int)len, key, t->to->title);
        }
        return no_equivalent(t, key, len, v, NULL);
    }
    if (v->type != AC_STRING ||
        bad_name_char(t->to, v->u.str.s, v->u.str.len) < 0)
        return put_copy(t, tf->key, v);
    char *s = slug(t->to, v->u.str.s, v->u.str.len);
    if (!s)
        return nomem(t);
    ac_status st;
    if (!s[0]) {
        st = acp_error_set(
            t->error, AC_ERR_STRUCTURE, t->source, v->line, v->column, -1,
            "name \"%.*s\" breaks a rule of %s (%s) and no "
            "name can be made from it",
            (int)v->u.str.len, v->u.str.s, t->to->title,
            t->to->name_rule ? t->to->name_rule : "its name rule");
    } else {
        st = loss(t, v, "name \"%.*s\" renamed to \"%s\": %s",
                  (int)v->u.str.len, v->u.str.s, s,
                  t->to->name_rule ? t->to->name_rule
                                   : "the target's name rule");
        if (st == AC_OK)
            st = put(t, tf->key, ac_value_new_string(s, strlen(s)));
    }
    free(s);
    return st;
}

/* The name from the file name, as the first field. */
static ac_status name_first(translator *t, const char *name)
{
    ac_value *v = ac_value_new_string(name, strlen(name));
    if (!v)
        return nomem(t);
    ac_value *old = t->out->fields;
    t->out->fields = ac_value_new_map();
    if (!t->out->fields) {
        t->out->fields = old;
        ac_value_free(v);
        return nomem(t);
    }
    ac_value_set_position(t->out->fields, old->line, old->column);
    ac_status st = take_name(t, "name", 4, v);
    for (size_t i = 0; st == AC_OK && i < old->u.map.len; i++) {
        const acp_entry *e = &old->u.map.entries[i];
        st = put(t, e->key, ac_value_copy(e->value));
    }
    if (t->tools_slot >= 0)
        t->tools_slot = 0; /* only tested for >= 0 */
    ac_value_free(v);
    ac_value_free(old);
    return st;
}

/* References to other agents by name (Copilot's handoffs[].agent): when
 * the target's name rule renames such a name, the agent it names is
 * renamed too (the rule is the same for every file), so say so. */
static ac_status check_references(translator *t, const ac_value *fields)
{
    if (!t->to->name_chars && !t->to->name_forbidden)
        return AC_OK;
    const ac_dialect_field *hf = field_by_term(t->from, "handoffs");
    const ac_value *list = hf ? ac_map_get(fields, hf->key) : NULL;
    if (!list || list->type != AC_LIST)
        return AC_OK;
    ac_status st = AC_OK;
    for (size_t i = 0; st == AC_OK && i < list->u.list.len; i++) {
        const ac_value *agent = ac_map_get(list->u.list.items[i], "agent");
        if (!agent || agent->type != AC_STRING ||
            bad_name_char(t->to, agent->u.str.s, agent->u.str.len) < 0)
            continue;
        char *s = slug(t->to, agent->u.str.s, agent->u.str.len);
        if (!s)
            return nomem(t);
        st = loss(t, agent,
                  "\"%s\" refers to the agent \"%.*s\", which %s's name rule "
                  "renames to \"%s\"",
                  hf->key, (int)agent->u.str.len, agent->u.str.s, t->to->title,
                  s);
        free(s);
    }
    return st;
}

/* -- models -- */

static const char *model_term(const ac_context *ctx, const ac_dialect *d,
                              const char *s, size_t len)
{
    for (size_t i = ctx->model_count; i-- > 0;)
        if (strcmp(ctx->models[i].dialect, d->name) == 0 &&
            str_eq(s, len, ctx->models[i].name))
            return ctx->models[i].term;
    for (const ac_dialect_model *m = d->models; m && m->name; m++)
        if (!(m->flags & AC_SPELLING_WRITE_ONLY) && m->name[0] &&
            str_eq(s, len, m->name))
            return m->term;
    return NULL;
}

static const char *model_name(const ac_context *ctx, const ac_dialect *d,
                              const char *term)
{
    /* ac_context_add_model stores no NULL string (the analyzer cannot
     * know). */
    for (size_t i = ctx->model_count; i-- > 0;)
        if (strcmp(ctx->models[i].dialect, d->name) == 0 &&
            strcmp(ctx->models[i].term, term) == 0) // NOLINT(*NonNull*)
            return ctx->models[i].name;
    for (const ac_dialect_model *m = d->models; m && m->name; m++)
        if (!(m->flags & AC_SPELLING_READ_ONLY) && strcmp(m->term, term) == 0)
            return m->name;
    return NULL;
}

static ac_status take_model(translator *t, const char *key, size_t len,
                            const ac_value *v)
{
    const ac_dialect_field *tf = field_by_kind(t->to, AC_FIELD_MODEL);
    if (!tf)
        return no_equivalent(t, key, len, v, NULL);
    const ac_value *one = v;
    if (v->type == AC_LIST && v->u.list.len > 0) {
        one = v->u.list.items[0];
        if (v->u.list.len > 1) {
            ac_status st = loss(t, v,
                                "model list narrowed to its first entry (%s "
                                "takes one model)",
                                t->to->title);
            if (st != AC_OK)
                return st;
        }
    }
    if (one->type != AC_STRING)
        return loss(t, v, "\"%.*s\" is not a model name; left out", (int)len,
                    key);
    const char *s = one->u.str.s;
    size_t n = one->u.str.len;
    const char *term = model_term(t->ctx, t->from, s, n);
    char *id = NULL;
    if (!term) {
        /* a provider's model id that the source's table does not list
         * (a Claude model in a Gemini file, after a translation) is still
         * that model */
        id = acp_strndup(s, n);
        if (!id)
            return nomem(t);
        if (model_name(t->ctx, t->to, id))
            term = id;
    }
    ac_status st = AC_OK;
    if (term) {
        const char *name = model_name(t->ctx, t->to, term);
        if (!name) {
            st = loss(t, one,
                      "model \"%.*s\" (%s) has no name in %s's model table; "
                      "written as \"%s\"",
                      (int)n, s, term, t->to->title, term);
            if (st == AC_OK)
                st = put(t, tf->key, ac_value_new_string(term, strlen(term)));
        } else if (name[0]) {
            ac_value *nv = ac_value_new_string(name, strlen(name));
            if (nv)
                ac_value_set_position(nv, one->line, one->column);
            st = put(t, tf->key, nv);
        } /* else the target's default: the field is left out */
        free(id);
        return st;
    }
    free(id);
    st = loss(t, one,
              "model \"%.*s\" is not in the model table of %s; carried as it "
              "is",
              (int)n, s, t->from->title);
    return st == AC_OK ? put_copy(t, tf->key, one) : st;
}

/* -- tools -- */

static ac_status list_push(translator *t, tool_list *l, tool_entry e)
{
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        tool_entry *items = realloc(l->items, cap * sizeof *items);
        if (!items) {
            free(e.term);
            free(e.pattern);
            free(e.mcp_server);
            free(e.mcp_tool);
            return nomem(t);
        }
        l->items = items;
        l->cap = cap;
    }
    l->items[l->count++] = e;
    return AC_OK;
}

static void list_free(tool_list *l)
{
    for (size_t i = 0; i < l->count; i++) {
        free(l->items[i].term);
        free(l->items[i].pattern);
        free(l->items[i].mcp_server);
        free(l->items[i].mcp_tool);
    }
    free(l->items);
}

/*
 * Match `s` against a printf pattern with one or two "%s" ("mcp__%s__%s"):
 * the fixed parts must match, the first %s takes the shortest non-empty
 * text before the next fixed part. On success stores new strings (`*b`
 * NULL for a one-%s pattern).
 */
static bool match_pattern(const char *pat, const char *s, size_t len, char **a,
                          char **b)
{
    *a = *b = NULL;
    if (!pat)
        return false;
    const char *p1 = strstr(pat, "%s");
    if (!p1)
        return false;
    size_t pre = (size_t)(p1 - pat);
    if (len < pre || memcmp(s, pat, pre) != 0)
        return false;
    const char *rest = p1 + 2;
    const char *p2 = strstr(rest, "%s");
    if (!p2) {
        size_t suf = strlen(rest);
        if (len < pre + suf + 1 || memcmp(s + len - suf, rest, suf) != 0)
            return false;
        *a = acp_strndup(s + pre, len - pre - suf);
        return *a != NULL;
    }
    size_t mid = (size_t)(p2 - rest);
    const char *tail = p2 + 2;
    size_t suf = strlen(tail);
    if (len < pre + mid + suf + 2 || memcmp(s + len - suf, tail, suf) != 0)
        return false;
    size_t end = len - suf;
    for (size_t i = pre + 1; i + mid < end; i++) {
        if (memcmp(s + i, rest, mid) == 0) {
            *a = acp_strndup(s + pre, i - pre);
            *b = acp_strndup(s + i + mid, end - i - mid);
            if (!*a || !*b) {
                free(*a);
                free(*b);
                *a = *b = NULL;
                return false;
            }
            return true;
        }
    }
    return false;
}

/* The reverse of match_pattern: `pat` with its "%s" replaced by `a`, then
 * `b`, into `buf`. Returns the length, or -1 when it does not fit. */
static int fill_pattern(const char *pat, const char *a, const char *b,
                        char *buf, size_t size)
{
    size_t o = 0;
    const char *args[2] = {a, b};
    int used = 0;
    for (const char *p = pat; *p; p++) {
        const char *piece = NULL;
        size_t n = 1;
        if (p[0] == '%' && p[1] == 's' && used < 2) {
            piece = args[used++];
            piece = piece ? piece : "";
            n = strlen(piece);
            p++;
        } else {
            piece = p;
        }
        if (o + n + 1 > size)
            return -1;
        memcpy(buf + o, piece, n);
        o += n;
    }
    buf[o] = '\0';
    return (int)o;
}

/* Read one tool name of the source into entries. */
static ac_status read_tool(translator *t, tool_list *l, const char *s,
                           size_t len, const ac_value *at)
{
    while (len && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (!len)
        return AC_OK;
    size_t group = l->groups++;
    size_t base = len;
    char *pattern = NULL;
    if (t->from->tool_patterns && s[len - 1] == ')') {
        const char *open = memchr(s, '(', len);
        if (open && open > s) {
            base = (size_t)(open - s);
            pattern = acp_strndup(open + 1, len - base - 2);
            if (!pattern)
                return nomem(t);
        }
    }
    bool found = false;
    for (const ac_dialect_tool *r = t->from->tools; r->name; r++) {
        if ((r->flags & AC_SPELLING_WRITE_ONLY) || !str_eq(s, base, r->name))
            continue;
        tool_entry e = {0};
        e.term = acp_strndup(r->term, strlen(r->term));
        e.pattern = pattern ? acp_strndup(pattern, strlen(pattern)) : NULL;
        e.raw = s;
        e.group = group;
        e.at = at;
        if (!e.term || (pattern && !e.pattern)) {
            free(e.term);
            free(pattern);
            return nomem(t);
        }
        ac_status st = list_push(t, l, e);
        if (st != AC_OK) {
            free(pattern);
            return st;
        }
        found = true;
    }
    free(pattern);
    if (found)
        return AC_OK;
    tool_entry e = {0};
    e.raw = s;
    e.group = group;
    e.at = at;
    char *a, *b;
    if (match_pattern(t->from->mcp_tool, s, len, &a, &b)) {
        e.mcp_server = a;
        /* b is NULL for a pattern with one %s (a plugin's dialect may
         * have one). */
        if (b && strcmp(b, "*") == 0)
            free(b);
        else
            e.mcp_tool = b;
    } else if (match_pattern(t->from->mcp_server, s, len, &a, &b)) {
        e.mcp_server = a;
    }
    /* Unknown: carried by its spelling (e.raw, with its length kept in
     * pattern's place as a copy). */
    if (!e.mcp_server) {
        e.pattern = acp_strndup(s, len);
        if (!e.pattern)
            return nomem(t);
    }
    return list_push(t, l, e);
}

/* Read a tool field's value: a list of names, a comma-separated string, or
 * a map of names to booleans (true into `allow`, false into `deny`). */
static ac_status read_tools(translator *t, const char *key, size_t len,
                            const ac_value *v, tool_list *allow,
                            tool_list *deny)
{
    ac_status st = AC_OK;
    switch (v->type) {
    case AC_STRING: {
        const char *s = v->u.str.s, *end = s + v->u.str.len;
        while (st == AC_OK && s < end) {
            const char *comma = memchr(s, ',', (size_t)(end - s));
            const char *stop = comma ? comma : end;
            st = read_tool(t, allow, s, (size_t)(stop - s), v);
            s = comma ? comma + 1 : end;
        }
        return st;
    }
    case AC_LIST:
        for (size_t i = 0; st == AC_OK && i < v->u.list.len; i++) {
            const ac_value *item = v->u.list.items[i];
            if (item->type == AC_STRING)
                st = read_tool(t, allow, item->u.str.s, item->u.str.len, item);
            else
                st = loss(t, item,
                          "an item of \"%.*s\" is %s, not a tool "
                          "name; left out",
                          (int)len, key, acp_type_phrase(item->type));
        }
        return st;
    case AC_MAP:
        for (size_t i = 0; st == AC_OK && i < v->u.map.len; i++) {
            const acp_entry *e = &v->u.map.entries[i];
            const ac_value *item = e->value;
            if (item->type == AC_BOOL)
                st = read_tool(t, item->u.b ? allow : deny, e->key, e->key_len,
                               item);
            else
                st = loss(t, item,
                          "\"%.*s\" in \"%.*s\" is %s, not true or "
                          "false; left out",
                          (int)e->key_len, e->key, (int)len, key,
                          acp_type_phrase(item->type));
        }
        return st;
    default:
        return loss(t, v, "\"%.*s\" is %s, not a list of tools; left out",
                    (int)len, key, acp_type_phrase(v->type));
    }
}

/* The target's spelling of a term, or NULL. */
static const char *tool_name(const ac_dialect *d, const char *term)
{
    for (const ac_dialect_tool *r = d->tools; r->name; r++)
        if (!(r->flags & AC_SPELLING_READ_ONLY) && strcmp(r->term, term) == 0)
            return r->name;
    return NULL;
}

typedef struct name_list {
    char **items;
    size_t count, cap;
    bool all; /* "*" seen */
} name_list;

static ac_status names_add(translator *t, name_list *n, const char *s,
                           size_t len)
{
    for (size_t i = 0; i < n->count; i++)
        if (str_eq(s, len, n->items[i]))
            return AC_OK;
    if (n->count == n->cap) {
        size_t cap = n->cap ? n->cap * 2 : 8;
        char **items = realloc(n->items, cap * sizeof *items);
        if (!items)
            return nomem(t);
        n->items = items;
        n->cap = cap;
    }
    n->items[n->count] = acp_strndup(s, len);
    if (!n->items[n->count])
        return nomem(t);
    n->count++;
    return AC_OK;
}

static void names_free(name_list *n)
{
    for (size_t i = 0; i < n->count; i++)
        free(n->items[i]);
    free(n->items);
}

/* The length of an entry's source spelling. */
static size_t raw_len(const tool_entry *e)
{
    if (e->at && e->at->type == AC_STRING && e->raw >= e->at->u.str.s &&
        e->raw < e->at->u.str.s + e->at->u.str.len) {
        /* inside a comma string or a list item: up to a comma */
        const char *end = e->at->u.str.s + e->at->u.str.len;
        const char *comma = memchr(e->raw, ',', (size_t)(end - e->raw));
        size_t n = (size_t)((comma ? comma : end) - e->raw);
        while (n && (e->raw[n - 1] == ' ' || e->raw[n - 1] == '\t'))
            n--;
        return n;
    }
    return strlen(e->raw); /* a map key */
}

/* Translate entries into the target's names. A source name is lost (one
 * warning) when none of what it grants has an equivalent. */
static ac_status write_tools(translator *t, const tool_list *l, name_list *out,
                             bool deny)
{
    ac_status st = AC_OK;
    char buf[512];
    for (size_t i = 0; st == AC_OK && i < l->count;) {
        size_t g = l->items[i].group, j = i;
        bool any = false;
        const tool_entry *first = &l->items[i];
        int rl = (int)raw_len(first);
        for (; j < l->count && l->items[j].group == g; j++) {
            const tool_entry *e = &l->items[j];
            if (e->mcp_server) {
                const char *pat =
                    e->mcp_tool ? t->to->mcp_tool : t->to->mcp_server;
                if (!pat)
                    continue;
                int n = fill_pattern(pat, e->mcp_server, e->mcp_tool, buf,
                                     sizeof buf);
                if (n < 0)
                    continue;
                st = names_add(t, out, buf, (size_t)n);
                any = true;
                continue;
            }
            if (!e->term) {
                if (t->to->closed) {
                    st = loss(t, e->at,
                              "tool \"%.*s\" is not in %s's tool table; "
                              "left out (%s rejects names it does not "
                              "know)",
                              rl, e->raw, t->from->title, t->to->title);
                } else {
                    st = loss(t, e->at,
                              "tool \"%.*s\" is not in %s's tool table; "
                              "carried as it is",
                              rl, e->raw, t->from->title);
                    if (st == AC_OK)
                        st = names_add(t, out, e->pattern, strlen(e->pattern));
                }
                any = true;
                continue;
            }
            if (strcmp(e->term, "*") == 0) {
                out->all = true;
                any = true;
                continue;
            }
            const char *name = tool_name(t->to, e->term);
            if (!name)
                continue;
            any = true;
            if (e->pattern && t->to->tool_patterns) {
                int n = snprintf(buf, sizeof buf, "%s(%s)", name, e->pattern);
                if (n > 0 && (size_t)n < sizeof buf)
                    st = names_add(t, out, buf, (size_t)n);
                continue;
            }
            if (e->pattern) {
                st = loss(t, e->at,
                          "\"%.*s\" widened to \"%s\": %s cannot "
                          "limit a tool to a pattern",
                          rl, e->raw, name, t->to->title);
                if (st != AC_OK)
                    break;
            }
            st = names_add(t, out, name, strlen(name));
        }
        /* denying a tool the target does not have loses nothing */
        if (st == AC_OK && !any && !deny) {
            if (first->mcp_server)
                st = loss(t, first->at,
                          "MCP tool \"%.*s\" cannot be named in "
                          "%s; left out",
                          rl, first->raw, t->to->title);
            else
                st = loss(t, first->at,
                          "tool \"%.*s\" has no %s equivalent; "
                          "left out",
                          rl, first->raw, t->to->title);
        }
        i = j;
    }
    return st;
}

static ac_value *string_list(const name_list *n)
{
    ac_value *list = ac_value_new_list();
    for (size_t i = 0; list && i < n->count; i++)
        if (ac_list_append(
                list, ac_value_new_string(n->items[i], strlen(n->items[i]))) !=
            AC_OK) {
            ac_value_free(list);
            return NULL;
        }
    return list;
}

/* Emit the tool lists once every field has been read. */
static ac_status finish_tools(translator *t)
{
    const ac_dialect *to = t->to;
    bool all = t->has_tools ? false : t->from->tools_absent_means_all;
    name_list allow = {0}, deny = {0};
    ac_status st = write_tools(t, &t->allowed, &allow, false);
    if (st == AC_OK)
        st = write_tools(t, &t->denied, &deny, true);
    if (st != AC_OK)
        goto done;
    if (allow.all)
        all = true;
    /* A tool both granted and denied (two source names for one target
     * name) stays granted; with a list of granted tools, a list target
     * needs no denials at all (what is not listed is not granted). */
    for (size_t i = deny.count; i-- > 0;) {
        bool granted = !all && to->tools_shape == AC_TOOLS_LIST;
        for (size_t k = 0; !granted && k < allow.count; k++)
            granted = strcmp(allow.items[k], deny.items[i]) == 0;
        if (granted) {
            free(deny.items[i]);
            memmove(&deny.items[i], &deny.items[i + 1],
                    (deny.count - i - 1) * sizeof *deny.items);
            deny.count--;
        }
    }
    const ac_dialect_field *tf = field_by_term(to, "tools");
    if (!tf)
        goto done; /* no tool list at all in the target: said per field */
    const char *star = tool_name(to, "*");
    ac_value *v = NULL;
    bool omit = false;
    if (to->tools_shape == AC_TOOLS_FLAG_MAP) {
        if (all && deny.count == 0 && to->tools_absent_means_all) {
            omit = true;
        } else {
            v = ac_value_new_map();
            for (size_t i = 0; v && i < allow.count; i++)
                if (ac_map_set(v, allow.items[i], strlen(allow.items[i]),
                               ac_value_new_bool(true)) != AC_OK) {
                    ac_value_free(v);
                    v = NULL;
                }
            if (!all) {
                /* a list says "only these": every other tool is off */
                for (const ac_dialect_tool *r = to->tools; v && r->name; r++) {
                    if (r->flags || strcmp(r->term, "*") == 0 ||
                        ac_map_get(v, r->name))
                        continue;
                    if (ac_map_set(v, r->name, strlen(r->name),
                                   ac_value_new_bool(false)) != AC_OK) {
                        ac_value_free(v);
                        v = NULL;
                    }
                }
            }
            for (size_t i = 0; v && i < deny.count; i++)
                if (ac_map_set(v, deny.items[i], strlen(deny.items[i]),
                               ac_value_new_bool(false)) != AC_OK) {
                    ac_value_free(v);
                    v = NULL;
                }
            if (!v)
                st = nomem(t);
        }
    } else {
        if (all) {
            if (to->tools_absent_means_all)
                omit = true;
            else if (star) {
                name_list s = {0};
                st = names_add(t, &s, star, strlen(star));
                if (st == AC_OK)
                    v = string_list(&s);
                names_free(&s);
            }
        } else if (allow.count == 0 && !t->has_tools &&
                   !to->tools_absent_means_all) {
            omit = true; /* none, and the target's absent means none */
        } else {
            v = string_list(&allow);
        }
        if (st == AC_OK && !omit && !v)
            st = nomem(t);
        if (st == AC_OK && deny.count) {
            const ac_dialect_field *df = field_by_term(to, "disallowed-tools");
            if (df) {
                ac_value *d = string_list(&deny);
                st = d ? put(t, df->key, d) : nomem(t);
            } else {
                st = loss(t, t->tools_at,
                          "%s cannot deny tools; the denied tools are left out",
                          to->title);
            }
        }
    }
    if (st == AC_OK && omit && t->tools_slot >= 0)
        ac_map_remove(t->out->fields, tf->key, strlen(tf->key));
    if (st == AC_OK && !omit && v) {
        if (t->tools_at)
            ac_value_set_position(v, t->tools_at->line, t->tools_at->column);
        st = put(t, tf->key, v);
        v = NULL;
    }
    ac_value_free(v);
done:
    names_free(&allow);
    names_free(&deny);
    return st;
}

static ac_status take_tools(translator *t, const ac_dialect_field *f,
                            const char *key, size_t len, const ac_value *v)
{
    if (strcmp(f->term, "tools") == 0 ||
        strcmp(f->term, "disallowed-tools") == 0) {
        bool allow = strcmp(f->term, "tools") == 0;
        if (allow) {
            t->has_tools = true;
            t->tools_at = v;
        } else if (!t->tools_at) {
            t->tools_at = v;
        }
        /* keep the field's place in the output */
        const ac_dialect_field *tf = field_by_term(t->to, "tools");
        if (tf && t->tools_slot < 0) {
            ac_status st = put(t, tf->key, ac_value_new_null());
            if (st != AC_OK)
                return st;
            t->tools_slot =
                acp_map_find(t->out->fields, tf->key, strlen(tf->key));
        }
        return read_tools(t, key, len, v, allow ? &t->allowed : &t->denied,
                          allow ? &t->denied : &t->allowed);
    }
    /* another list of tools (Kiro's auto-approved allowedTools) */
    const ac_dialect_field *tf = field_by_term(t->to, f->term);
    if (!tf)
        return no_equivalent(t, key, len, v, NULL);
    tool_list l = {0}, unused = {0};
    name_list names = {0};
    ac_status st = read_tools(t, key, len, v, &l, &unused);
    if (st == AC_OK)
        st = write_tools(t, &l, &names, false);
    if (st == AC_OK) {
        if (names.all) {
            const char *star = tool_name(t->to, "*");
            if (star)
                st = names_add(t, &names, star, strlen(star));
        }
        /* (A failed names_add was overwritten here: clang-tidy's
         * deadcode.DeadStores found it.) */
        if (st == AC_OK) {
            ac_value *out = string_list(&names);
            st = out ? put(t, tf->key, out) : nomem(t);
        }
    }
    list_free(&l);
    list_free(&unused);
    names_free(&names);
    return st;
}

/* -- prompts -- */

/* Whether a prompt string is a file reference of the dialect; stores the
 * path inside it. */
static bool prompt_file(const ac_dialect *d, const ac_value *v,
                        const char **path, size_t *len)
{
    if (!d->prompt_file_prefix || v->type != AC_STRING)
        return false;
    size_t pre = strlen(d->prompt_file_prefix);
    size_t suf = d->prompt_file_suffix ? strlen(d->prompt_file_suffix) : 0;
    const char *s = v->u.str.s;
    size_t n = v->u.str.len;
    if (n <= pre + suf || memcmp(s, d->prompt_file_prefix, pre) != 0 ||
        (suf && memcmp(s + n - suf, d->prompt_file_suffix, suf) != 0))
        return false;
    *path = s + pre;
    *len = n - pre - suf;
    return true;
}

static ac_status read_prompt_file(translator *t, const ac_value *v,
                                  const char *path, size_t len)
{
    const char *base = t->opt && t->opt->base_dir ? t->opt->base_dir : ".";
    const char *root = t->opt && t->opt->root_dir ? t->opt->root_dir : base;
    char *rel = acp_strndup(path, len);
    if (!rel)
        return nomem(t);
    size_t need = strlen(base) + len + 2;
    char *joined = malloc(need);
    if (!joined) {
        free(rel);
        return nomem(t);
    }
    if (rel[0] == '/')
        snprintf(joined, need, "%s", rel);
    else
        snprintf(joined, need, "%s/%s", base, rel);
    char *real = realpath(joined, NULL);
    char *real_root = realpath(root, NULL);
    ac_status st = AC_OK;
    if (!real || !real_root) {
        st = acp_error_set(t->error, AC_ERR_IO, t->source, v->line, v->column,
                           -1, "cannot read prompt file \"%s\": %s", rel,
                           strerror(errno));
    } else {
        size_t rn = strlen(real_root);
        bool inside = strncmp(real, real_root, rn) == 0 &&
                      (real[rn] == '/' || (rn == 1 && real_root[0] == '/'));
        if (!inside)
            st = acp_error_set(t->error, AC_ERR_IO, t->source, v->line,
                               v->column, -1,
                               "prompt file \"%s\" lies outside the input's "
                               "folder %s; not read",
                               rel, root);
    }
    if (st == AC_OK) {
        FILE *fp = fopen(real, "rb");
        char *data = NULL;
        size_t n = 0;
        uint64_t limit = ac_context_limit(t->ctx, AC_LIMIT_INPUT_SIZE);
        if (!fp) {
            st = acp_error_set(
                t->error, AC_ERR_IO, t->source, v->line, v->column, -1,
                "cannot read prompt file \"%s\": %s", rel, strerror(errno));
        } else {
            ac_status rs = acp_slurp(fp, limit, &data, &n);
            fclose(fp);
            if (rs == AC_ERR_NOMEM)
                st = nomem(t);
            else if (rs != AC_OK)
                st = acp_error_set(t->error, AC_ERR_IO, t->source, v->line,
                                   v->column, -1,
                                   "cannot read prompt file \"%s\"", rel);
            else if (n > limit)
                st = acp_error_set(t->error, AC_ERR_LIMIT, t->source, v->line,
                                   v->column, -1,
                                   "prompt file \"%s\" is larger than the "
                                   "input size limit",
                                   rel);
        }
        if (st == AC_OK)
            st = acp_check_text(data, n, rel, t->error);
        if (st == AC_OK) {
            ac_normalize_instructions(data, &n);
            st = ac_doc_set_instructions(t->out, data, n) == AC_OK ? AC_OK
                                                                   : nomem(t);
        }
        free(data);
    }
    free(real);
    free(real_root);
    free(joined);
    free(rel);
    return st;
}

static ac_status take_prompt(translator *t, const char *key, size_t len,
                             const ac_value *v)
{
    const char *path;
    size_t plen;
    if (prompt_file(t->from, v, &path, &plen)) {
        if (t->opt && t->opt->resolve_prompt_files)
            return read_prompt_file(t, v, path, plen);
        /* carried: in the target's own spelling of a file reference when
         * it has one */
        const ac_dialect_field *tf = field_by_kind(t->to, AC_FIELD_PROMPT);
        ac_status st = loss(t, v,
                            "\"%.*s\" refers to the file \"%.*s\"; carried as "
                            "it is, not read (--resolve-prompt-files reads it)",
                            (int)len, key, (int)plen, path);
        if (st != AC_OK)
            return st;
        if (tf && t->to->prompt_file_prefix) {
            const char *suf =
                t->to->prompt_file_suffix ? t->to->prompt_file_suffix : "";
            size_t n =
                strlen(t->to->prompt_file_prefix) + plen + strlen(suf) + 1;
            char *s = malloc(n);
            if (!s)
                return nomem(t);
            snprintf(s, n, "%s%.*s%s", t->to->prompt_file_prefix, (int)plen,
                     path, suf);
            st = put(t, tf->key, ac_value_new_string(s, strlen(s)));
            free(s);
            return st;
        }
        char *k = acp_strndup(key, len);
        if (!k)
            return nomem(t);
        st = put_copy(t, k, v);
        free(k);
        return st;
    }
    if (v->type != AC_STRING)
        return no_equivalent(t, key, len, v, "is not a string");
    if (t->out->instructions_len) {
        return no_equivalent(t, key, len, v,
                             "is a second prompt beside the body");
    }
    char *s = acp_strndup(v->u.str.s, v->u.str.len);
    if (!s)
        return nomem(t);
    size_t n = v->u.str.len;
    ac_normalize_instructions(s, &n);
    ac_status st =
        ac_doc_set_instructions(t->out, s, n) == AC_OK ? AC_OK : nomem(t);
    free(s);
    return st;
}

/* Targets that are not markdown keep the instructions in their prompt
 * field (Kiro's "prompt"). */
static ac_status place_instructions(translator *t)
{
    const ac_dialect_field *tf = field_by_kind(t->to, AC_FIELD_PROMPT);
    if (!tf || strcmp(t->to->form, "md") == 0 || !t->out->instructions_len)
        return AC_OK;
    ac_status st = put(
        t, tf->key,
        ac_value_new_string(t->out->instructions, t->out->instructions_len));
    if (st == AC_OK)
        ac_doc_set_instructions(t->out, "", 0);
    return st;
}

/* ---- the tools' rules ---- */

typedef struct first_violation {
    ac_error *error;
    bool set;
} first_violation;

static void keep_first(void *user, const ac_error *d, bool is_error)
{
    first_violation *fv = user;
    if (is_error && !fv->set) {
        *fv->error = *d;
        fv->set = true;
    }
}

typedef struct rule_checker {
    const char *source;
    ac_diagnostic_fn fn;
    void *user;
    size_t count;
} rule_checker;

static void violation(rule_checker *rc, const ac_value *at, const char *fmt,
                      ...) ACP_PRINTF(3, 4);

static void violation(rule_checker *rc, const ac_value *at, const char *fmt,
                      ...)
{
    rc->count++;
    if (!rc->fn)
        return;
    ac_error e;
    va_list ap;
    va_start(ap, fmt);
    acp_error_vset(&e, AC_ERR_STRUCTURE, rc->source, at ? at->line : 0,
                   at ? at->column : 0, -1, fmt, ap);
    va_end(ap);
    rc->fn(rc->user, &e, true);
}

/* Number of code points in UTF-8 text. */
static size_t code_points(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

size_t ac_dialect_check(const ac_context *ctx, const ac_dialect *d,
                        const ac_doc *doc, const char *source,
                        ac_diagnostic_fn fn, void *user)
{
    (void)ctx;
    rule_checker rc = {source ? source : "<input>", fn, user, 0};
    if (!d || !doc) {
        violation(&rc, NULL, "no document or no dialect to check");
        return rc.count;
    }
    const ac_value *fields = doc->fields;
    const ac_dialect_field *nf = field_by_kind(d, AC_FIELD_NAME);
    const ac_value *name = nf ? ac_map_get(fields, nf->key) : NULL;
    if (nf && !name && d->name_required)
        violation(&rc, fields, "%s requires \"%s\"", d->title, nf->key);
    if (name && (name->type != AC_STRING || name->u.str.len == 0))
        violation(&rc, name, "\"%s\" must be a non-empty string in %s", nf->key,
                  d->title);
    else if (name) {
        long bad = bad_name_char(d, name->u.str.s, name->u.str.len);
        if (bad >= 0)
            violation(&rc, name, "name \"%.*s\" breaks a rule of %s: %s",
                      (int)name->u.str.len, name->u.str.s, d->title,
                      d->name_rule ? d->name_rule : "its name rule");
    }
    for (const char *const *k = d->required_keys; k && *k; k++)
        if (!ac_map_get(fields, *k))
            violation(&rc, fields, "%s requires \"%s\"", d->title, *k);
    if (d->closed) {
        for (size_t i = 0; i < fields->u.map.len; i++) {
            const acp_entry *e = &fields->u.map.entries[i];
            if (!field_by_key(d, e->key, e->key_len))
                violation(&rc, e->value,
                          "\"%.*s\" is not a %s key (%s rejects keys it does "
                          "not know)",
                          (int)e->key_len, e->key, d->title, d->title);
        }
    }
    const ac_dialect_field *tf = field_by_term(d, "tools");
    const ac_value *tools = tf ? ac_map_get(fields, tf->key) : NULL;
    if (tools && d->tools_shape == AC_TOOLS_FLAG_MAP && tools->type != AC_MAP)
        violation(&rc, tools,
                  "\"%s\" must be a map of tool names to true or false in %s",
                  tf->key, d->title);
    else if (tools && d->tools_shape == AC_TOOLS_LIST && tools->type == AC_MAP)
        violation(&rc, tools, "\"%s\" must be a list of tool names in %s",
                  tf->key, d->title);
    if (d->max_instructions) {
        size_t n = code_points(doc->instructions ? doc->instructions : "",
                               doc->instructions_len);
        ac_value at = {.line = doc->instructions_line,
                       .column = doc->instructions_line ? 1 : 0};
        if (n > d->max_instructions)
            violation(&rc, &at,
                      "the instructions hold %zu characters; %s takes at most "
                      "%zu",
                      n, d->title, d->max_instructions);
    }
    return rc.count;
}

ac_status ac_dialect_translate(ac_context *ctx, const ac_dialect *from,
                               const ac_dialect *to, const ac_doc *in,
                               const ac_translate_options *options,
                               ac_doc **out, ac_error *error)
{
    ac_error local;
    if (!error)
        error = &local;
    const char *source =
        options && options->source ? options->source : "<input>";
    if (!ctx || !from || !to || !in || !out)
        return acp_error_set(error, AC_ERR_ARGUMENT, source, 0, 0, -1,
                             "invalid argument");
    memset(error, 0, sizeof *error);
    *out = NULL;
    translator t = {0};
    t.ctx = ctx;
    t.from = from;
    t.to = to;
    t.opt = options;
    t.source = source;
    t.error = error;
    t.tools_slot = -1;
    t.out = ac_doc_new();
    if (!t.out)
        return nomem(&t);
    ac_status st = AC_OK;
    /* instructions that are only a file reference (a keyed collection's
     * "prompt": "{file:...}") are a reference */
    ac_value *ref = NULL;
    const char *rp;
    size_t rn;
    if (from != to && in->instructions_len &&
        !memchr(in->instructions, '\n', in->instructions_len)) {
        ref = ac_value_new_string(in->instructions, in->instructions_len);
        if (!ref)
            st = nomem(&t);
        else if (!prompt_file(from, ref, &rp, &rn)) {
            ac_value_free(ref);
            ref = NULL;
        } else {
            ac_value_set_position(ref, in->instructions_line, 0);
        }
    }
    if (st == AC_OK && !ref && in->instructions_len &&
        ac_doc_set_instructions(t.out, in->instructions,
                                in->instructions_len) != AC_OK)
        st = nomem(&t);
    if (st == AC_OK && ref) {
        const ac_dialect_field *pf = field_by_kind(from, AC_FIELD_PROMPT);
        const char *k = pf ? pf->key : "prompt";
        st = take_prompt(&t, k, strlen(k), ref);
    }
    ac_value_free(ref);
    ac_doc_set_instructions_line(t.out, in->instructions_line);
    ac_value_set_position(t.out->fields, in->fields->line, in->fields->column);
    if (from == to) {
        /* a copy, with the name made to follow the tool's rule */
        const ac_value *fields = in->fields;
        for (size_t i = 0; st == AC_OK && i < fields->u.map.len; i++) {
            const acp_entry *e = &fields->u.map.entries[i];
            const ac_dialect_field *f = field_by_key(from, e->key, e->key_len);
            if (f && f->kind == AC_FIELD_NAME) {
                st = take_name(&t, e->key, e->key_len, e->value);
            } else {
                char *k = acp_strndup(e->key, e->key_len);
                st = k ? put_copy(&t, k, e->value) : nomem(&t);
                free(k);
            }
        }
    } else {
        const ac_value *fields = in->fields;
        for (size_t i = 0; st == AC_OK && i < fields->u.map.len; i++) {
            const acp_entry *e = &fields->u.map.entries[i];
            const ac_dialect_field *f = field_by_key(from, e->key, e->key_len);
            if (!f) {
                /* unknown to the source: carried unless the target is
                 * closed */
                if (to->closed && !field_by_key(to, e->key, e->key_len))
                    st = loss(&t, e->value,
                              "\"%.*s\" is not a %s key; left out (%s rejects "
                              "keys it does not know)",
                              (int)e->key_len, e->key, to->title, to->title);
                else {
                    char *k = acp_strndup(e->key, e->key_len);
                    st = k ? put_copy(&t, k, e->value) : nomem(&t);
                    free(k);
                }
                continue;
            }
            switch (f->kind) {
            case AC_FIELD_NAME:
                st = take_name(&t, e->key, e->key_len, e->value);
                break;
            case AC_FIELD_PROMPT:
                st = take_prompt(&t, e->key, e->key_len, e->value);
                break;
            case AC_FIELD_MODEL:
                st = take_model(&t, e->key, e->key_len, e->value);
                break;
            case AC_FIELD_TOOLS:
                st = take_tools(&t, f, e->key, e->key_len, e->value);
                break;
            case AC_FIELD_PLAIN: {
                const ac_dialect_field *tf = field_by_term(to, f->term);
                if (tf)
                    st = put_copy(&t, tf->key, e->value);
                else if (!target_implies(&t, f->term, e->value))
                    st = no_equivalent(&t, e->key, e->key_len, e->value, NULL);
                break;
            }
            }
        }
        /* what the source implies, said in the target when it can */
        for (const char *const *p = from->implied; st == AC_OK && p && *p;
             p++) {
            const char *eq = strchr(*p, '=');
            char *term = eq ? acp_strndup(*p, (size_t)(eq - *p)) : NULL;
            if (!term)
                break;
            const ac_dialect_field *ff = field_by_term(from, term);
            const ac_dialect_field *tf = field_by_term(to, term);
            if ((!ff || !ac_map_get(fields, ff->key)) && tf &&
                !ac_map_get(t.out->fields, tf->key))
                st = put(&t, tf->key,
                         ac_value_new_string(eq + 1, strlen(eq + 1)));
            free(term);
        }
        if (st == AC_OK && !t.has_name && from->name_is_file_name && options &&
            options->file_name && options->file_name[0] &&
            (field_by_kind(to, AC_FIELD_NAME) || options->keep_name))
            st = name_first(&t, options->file_name);
        if (st == AC_OK)
            st = check_references(&t, fields);
        if (st == AC_OK)
            st = finish_tools(&t);
        if (st == AC_OK)
            st = place_instructions(&t);
    }
    list_free(&t.allowed);
    list_free(&t.denied);
    if (st == AC_OK) {
        first_violation fv = {error, false};
        if (ac_dialect_check(ctx, to, t.out, source, keep_first, &fv))
            st = error->status;
    }
    if (st != AC_OK) {
        ac_doc_free(t.out);
        return st;
    }
    *out = t.out;
    return AC_OK;
}

/* ---- collections keyed by name ---- */

static ac_status keyed_fail(ac_error *error, ac_status st, const char *source,
                            const ac_value *at, const char *fmt, ...)
    ACP_PRINTF(5, 6);

static ac_status keyed_fail(ac_error *error, ac_status st, const char *source,
                            const ac_value *at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    acp_error_vset(error, st, source, at ? at->line : 0, at ? at->column : 0,
                   -1, fmt, ap);
    va_end(ap);
    return st;
}

/* One entry of a keyed collection as a document. */
static ac_status keyed_doc(const acp_entry *entry, const char *prompt_key,
                           const char *source, ac_doc **out, ac_error *error)
{
    const ac_value *v = entry->value;
    *out = NULL;
    if (v->type != AC_MAP)
        return keyed_fail(error, AC_ERR_STRUCTURE, source, v,
                          "the entry \"%.*s\" is %s, not an agent (an object)",
                          (int)entry->key_len, entry->key,
                          acp_type_phrase(v->type));
    ac_doc *doc = ac_doc_new();
    if (!doc)
        return keyed_fail(error, AC_ERR_NOMEM, source, NULL, "out of memory");
    ac_value_set_position(doc->fields, v->line, v->column);
    ac_status st = AC_OK;
    if (!ac_map_get(v, "name")) {
        /* where the key was written, else where its object starts */
        int line = entry->key_line ? entry->key_line : v->line;
        int column = entry->key_line ? entry->key_column : v->column;
        ac_value *name = ac_value_new_string(entry->key, entry->key_len);
        if (name)
            ac_value_set_position(name, line, column);
        st = name ? acp_map_append(doc->fields, "name", 4, name) : AC_ERR_NOMEM;
        if (st == AC_OK)
            ac_map_set_key_position(doc->fields, 0, line, column);
    }
    for (size_t i = 0; st == AC_OK && i < v->u.map.len; i++) {
        const acp_entry *e = &v->u.map.entries[i];
        if (str_eq(e->key, e->key_len, prompt_key) &&
            e->value->type == AC_STRING) {
            char *s = acp_strndup(e->value->u.str.s, e->value->u.str.len);
            if (!s) {
                st = AC_ERR_NOMEM;
                break;
            }
            size_t n = e->value->u.str.len;
            ac_normalize_instructions(s, &n);
            st = ac_doc_set_instructions(doc, s, n);
            ac_doc_set_instructions_line(doc, e->value->line);
            free(s);
            continue;
        }
        ac_value *copy = ac_value_copy(e->value);
        st = copy ? acp_map_append(doc->fields, e->key, e->key_len, copy)
                  : AC_ERR_NOMEM;
        if (st == AC_OK)
            ac_map_set_key_position(doc->fields, doc->fields->u.map.len - 1,
                                    e->key_line, e->key_column);
    }
    if (st != AC_OK) {
        ac_doc_free(doc);
        return keyed_fail(error, st, source, NULL, "out of memory");
    }
    *out = doc;
    return AC_OK;
}

ac_status ac_read_keyed(ac_context *ctx, const ac_format *format,
                        const char *data, size_t len, const char *source,
                        const char *member, const char *prompt_key,
                        ac_doc ***docs, size_t *count, ac_error *error)
{
    ac_error local;
    if (!error)
        error = &local;
    if (!source)
        source = "<input>";
    if (!ctx || !format || !docs || !count || (!data && len))
        return keyed_fail(error, AC_ERR_ARGUMENT, source, NULL,
                          "invalid argument");
    memset(error, 0, sizeof *error);
    *docs = NULL;
    *count = 0;
    if (!prompt_key)
        prompt_key = "instructions";
    if (len > ac_context_limit(ctx, AC_LIMIT_INPUT_SIZE))
        return keyed_fail(
            error, AC_ERR_LIMIT, source, NULL,
            "input of %zu bytes is larger than the input size "
            "limit (%llu bytes)",
            len,
            (unsigned long long)ac_context_limit(ctx, AC_LIMIT_INPUT_SIZE));
    ac_value *root = NULL;
    ac_status st;
    if (strcmp(format->name, "json") == 0)
        st = acp_json_read_value(ctx, data ? data : "", len, source, &root,
                                 error);
    else if (strcmp(format->name, "yaml") == 0)
        st =
            acp_yaml_parse(ctx, data ? data : "", len, source, 0, &root, error);
    else
        return keyed_fail(error, AC_ERR_UNSUPPORTED, source, NULL,
                          "a collection keyed by name is read from json or "
                          "yaml, not %s",
                          format->name);
    if (st != AC_OK) {
        ac_value_free(root);
        return st;
    }
    const ac_value *map = root;
    if (!root || root->type != AC_MAP) {
        st = keyed_fail(error, AC_ERR_STRUCTURE, source, root,
                        "expected an object of agents keyed by name, found %s",
                        root ? acp_type_phrase(root->type) : "nothing");
    } else if (member && member[0]) {
        map = ac_map_get(root, member);
        if (!map)
            st = keyed_fail(error, AC_ERR_STRUCTURE, source, root,
                            "no \"%s\" object of agents keyed by name", member);
        else if (map->type != AC_MAP)
            st = keyed_fail(error, AC_ERR_STRUCTURE, source, map,
                            "\"%s\" must be an object of agents keyed by name, "
                            "found %s",
                            member, acp_type_phrase(map->type));
    }
    ac_doc **out = NULL;
    size_t n = 0;
    if (st == AC_OK && map && map->u.map.len) {
        out = calloc(map->u.map.len, sizeof *out);
        if (!out)
            st = keyed_fail(error, AC_ERR_NOMEM, source, NULL, "out of memory");
    }
    for (size_t i = 0; st == AC_OK && map && out && i < map->u.map.len; i++) {
        st = keyed_doc(&map->u.map.entries[i], prompt_key, source, &out[i],
                       error);
        if (st == AC_OK)
            n++;
    }
    ac_value_free(root);
    if (st != AC_OK) {
        ac_docs_free(out, n);
        return st;
    }
    *docs = out;
    *count = n;
    return AC_OK;
}

ac_status ac_read_file_keyed(ac_context *ctx, const ac_format *format,
                             const char *path, const char *member,
                             const char *prompt_key, ac_doc ***docs,
                             size_t *count, ac_error *error)
{
    ac_error local;
    if (!error)
        error = &local;
    if (!ctx || !path || !docs || !count)
        return keyed_fail(error, AC_ERR_ARGUMENT, path ? path : "<input>", NULL,
                          "invalid argument");
    bool is_stdin = strcmp(path, "-") == 0;
    const char *source = is_stdin ? "<stdin>" : path;
    FILE *fp = is_stdin ? stdin : fopen(path, "rb");
    if (!fp)
        return keyed_fail(error, AC_ERR_IO, source, NULL, "cannot open: %s",
                          strerror(errno));
    char *data = NULL;
    size_t len = 0;
    ac_status st =
        acp_slurp(fp, ac_context_limit(ctx, AC_LIMIT_INPUT_SIZE), &data, &len);
    int saved = errno;
    if (!is_stdin)
        fclose(fp);
    /* (an input over the size limit is refused by ac_read_keyed) */
    if (st != AC_OK)
        return keyed_fail(error, st, source, NULL, "cannot read: %s",
                          st == AC_ERR_NOMEM ? "out of memory"
                                             : strerror(saved));
    if (!format)
        format = is_stdin ? NULL : ac_format_for_path(ctx, path);
    if (!format)
        format = ac_format_sniff(ctx, data, len);
    if (!format)
        st = keyed_fail(error, AC_ERR_SYNTAX, source, NULL,
                        "cannot tell the input's format; name it with -f");
    else
        st = ac_read_keyed(ctx, format, data, len, source, member, prompt_key,
                           docs, count, error);
    free(data);
    return st;
}

ac_status ac_write_keyed(ac_context *ctx, const ac_format *format,
                         ac_doc *const *docs, size_t count, const char *member,
                         const char *prompt_key, char **out, size_t *out_len,
                         ac_error *error)
{
    ac_error local;
    if (!error)
        error = &local;
    if (!ctx || !format || !out || !out_len || (!docs && count))
        return keyed_fail(error, AC_ERR_ARGUMENT, "agentconv", NULL,
                          "invalid argument");
    memset(error, 0, sizeof *error);
    *out = NULL;
    *out_len = 0;
    if (strcmp(format->name, "json") != 0 && strcmp(format->name, "yaml") != 0)
        return keyed_fail(error, AC_ERR_UNSUPPORTED, "agentconv", NULL,
                          "a collection keyed by name is written as json or "
                          "yaml, not %s",
                          format->name);
    if (!prompt_key)
        prompt_key = "instructions";
    ac_doc *top = ac_doc_new();
    ac_value *map = ac_value_new_map();
    ac_status st = top && map ? AC_OK : AC_ERR_NOMEM;
    for (size_t i = 0; st == AC_OK && i < count; i++) {
        const ac_value *fields = docs[i]->fields;
        const ac_value *name = ac_map_get(fields, "name");
        if (!name || name->type != AC_STRING || !name->u.str.len) {
            st = keyed_fail(error, AC_ERR_STRUCTURE, "agentconv", NULL,
                            "agent %zu has no name to key it by", i + 1);
            break;
        }
        if (ac_map_getn(map, name->u.str.s, name->u.str.len)) {
            st = keyed_fail(error, AC_ERR_STRUCTURE, "agentconv", name,
                            "two agents are named \"%.*s\"",
                            (int)name->u.str.len, name->u.str.s);
            break;
        }
        ac_value *entry = ac_value_copy(fields);
        if (!entry) {
            st = AC_ERR_NOMEM;
            break;
        }
        ac_map_remove(entry, "name", 4);
        if (docs[i]->instructions_len &&
            ac_map_set(entry, prompt_key, strlen(prompt_key),
                       ac_value_new_string(docs[i]->instructions,
                                           docs[i]->instructions_len)) !=
                AC_OK) {
            ac_value_free(entry);
            st = AC_ERR_NOMEM;
            break;
        }
        if (acp_map_append(map, name->u.str.s, name->u.str.len, entry) != AC_OK)
            st = AC_ERR_NOMEM;
    }
    if (st == AC_OK && member && member[0]) {
        st = acp_map_append(top->fields, member, strlen(member), map);
        map = NULL;
    } else if (st == AC_OK) {
        ac_value_free(top->fields);
        top->fields = map;
        map = NULL;
    }
    if (st == AC_OK)
        st = ac_write(ctx, format, top, out, out_len, error);
    else if (st == AC_ERR_NOMEM)
        keyed_fail(error, st, "agentconv", NULL, "out of memory");
    ac_value_free(map);
    ac_doc_free(top);
    return st;
}
