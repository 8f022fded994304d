/*
 * Unit tests of dialects: the registry (built-in and custom dialects),
 * detection, translation (fields, tools, models, the meaning of an absent
 * tool list, losses as warnings or, in strict mode, errors), the tools'
 * rules, model overrides and collections keyed by name.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct warnings {
    int count;
    char last[AC_ERROR_TEXT_LENGTH];
} warnings;

static void on_warning(void *user, const ac_error *w)
{
    warnings *ws = user;
    ws->count++;
    snprintf(ws->last, sizeof ws->last, "%s", w->text);
}

static ac_doc *read_md(ac_context *ctx, const char *text)
{
    ac_doc *doc = NULL;
    ac_error err;
    assert_int_equal(ac_read(ctx, ac_format_find(ctx, "md"), text, strlen(text),
                             "t.md", &doc, &err),
                     AC_OK);
    return doc;
}

/* The document as JSON text, for whole comparisons. New string. */
static char *as_json(ac_context *ctx, const ac_doc *doc)
{
    char *out = NULL;
    size_t len = 0;
    ac_error err;
    assert_int_equal(
        ac_write(ctx, ac_format_find(ctx, "json"), doc, &out, &len, &err),
        AC_OK);
    return out;
}

static ac_doc *translate(ac_context *ctx, const char *from, const char *to,
                         const ac_doc *in, ac_status want)
{
    ac_doc *out = NULL;
    ac_error err;
    ac_translate_options opt = {.source = "t.md"};
    ac_status st =
        ac_dialect_translate(ctx, ac_dialect_find(ctx, from),
                             ac_dialect_find(ctx, to), in, &opt, &out, &err);
    if (st != want)
        fail_msg("status %d (%s), wanted %d", st, err.text, want);
    return out;
}

static void test_registry(void **state)
{
    (void)state;
    ac_context *ctx = ac_context_new();
    assert_int_equal(ac_dialect_count(ctx), 5);
    assert_string_equal(ac_dialect_at(ctx, 0)->name, "claude");
    assert_null(ac_dialect_at(ctx, 5));
    assert_non_null(ac_dialect_find(ctx, "KIRO"));
    assert_null(ac_dialect_find(ctx, "cursor"));
    assert_null(ac_dialect_find(ctx, NULL));

    ac_dialect bad = *ac_dialect_find(ctx, "gemini");
    ac_error err;
    bad.abi = AC_DIALECT_ABI + 1;
    assert_int_equal(ac_context_add_dialect(ctx, &bad, &err), AC_ERR_ARGUMENT);
    assert_non_null(strstr(err.text, "ABI"));
    bad.abi = AC_DIALECT_ABI;
    assert_int_equal(ac_context_add_dialect(ctx, &bad, &err), AC_ERR_ARGUMENT);
    assert_non_null(strstr(err.text, "already registered"));
    bad.name = "";
    assert_int_equal(ac_context_add_dialect(ctx, &bad, &err), AC_ERR_ARGUMENT);
    assert_int_equal(ac_context_add_dialect(ctx, NULL, &err), AC_ERR_ARGUMENT);
    assert_int_equal(ac_dialect_count(ctx), 5);
    ac_context_free(ctx);
}

/* A tool added as data only: three keys, two tools, one model. */
static const ac_dialect_field toy_fields[] = {
    {"title", "name", AC_FIELD_NAME},
    {"about", "description", AC_FIELD_PLAIN},
    {"abilities", "tools", AC_FIELD_TOOLS},
    {"brain", "model", AC_FIELD_MODEL},
    {"system", "instructions", AC_FIELD_PROMPT},
    {NULL, NULL, AC_FIELD_PLAIN},
};
static const ac_dialect_tool toy_tools[] = {
    {"look", "read", 0},
    {"run", "shell", 0},
    {NULL, NULL, 0},
};
static const ac_dialect_model toy_models[] = {
    {"big", "claude-opus-4-5", 0},
    {NULL, NULL, 0},
};
static const char *const toy_paths[] = {"/.toy/", NULL};
static const ac_dialect toy = {
    .abi = AC_DIALECT_ABI,
    .name = "toy",
    .title = "Toy",
    .form = "json",
    .folder = ".toy",
    .path_markers = toy_paths,
    .fields = toy_fields,
    .tools = toy_tools,
    .tools_shape = AC_TOOLS_LIST,
    .tools_absent_means_all = false,
    .mcp_tool = "%s.%s",
    .models = toy_models,
    .closed = true,
};

static void test_custom_dialect(void **state)
{
    (void)state;
    ac_context *ctx = ac_context_new();
    warnings ws = {0};
    ac_context_set_warning_handler(ctx, on_warning, &ws);
    ac_error err;
    assert_int_equal(ac_context_add_dialect(ctx, &toy, &err), AC_OK);
    assert_ptr_equal(ac_dialect_detect(ctx, "repo/.toy/a.json", NULL), &toy);
    ac_doc *in = read_md(ctx, "---\nname: scout\ndescription: Looks around\n"
                              "tools: Read, Bash, WebFetch, mcp__fs__list\n"
                              "model: opus\ncolor: red\n---\n\nLook.\n");
    ac_doc *out = translate(ctx, "claude", "toy", in, AC_OK);
    char *json = as_json(ctx, out);
    assert_string_equal(json, "{\n  \"title\": \"scout\",\n"
                              "  \"about\": \"Looks around\",\n"
                              "  \"abilities\": [\n    \"look\",\n"
                              "    \"run\",\n    \"fs.list\"\n  ],\n"
                              "  \"brain\": \"big\",\n"
                              "  \"system\": \"Look.\\n\"\n}\n");
    /* WebFetch has no Toy tool; color is not a Toy key (closed) */
    assert_int_equal(ws.count, 2);
    free(json);
    /* and back: the body comes from "system", the tools are Claude's */
    ac_doc *back = translate(ctx, "toy", "claude", out, AC_OK);
    json = as_json(ctx, back);
    assert_string_equal(json, "{\n  \"name\": \"scout\",\n"
                              "  \"description\": \"Looks around\",\n"
                              "  \"tools\": [\n    \"Read\",\n    \"Bash\",\n"
                              "    \"mcp__fs__list\"\n  ],\n"
                              "  \"model\": \"opus\",\n"
                              "  \"instructions\": \"Look.\\n\"\n}\n");
    free(json);
    ac_doc_free(back);
    ac_doc_free(out);
    ac_doc_free(in);
    ac_context_free(ctx);
}

static void test_detect(void **state)
{
    (void)state;
    ac_context *ctx = ac_context_new();
    static const struct {
        const char *path, *want;
    } cases[] = {
        {".claude/agents/a.md", "claude"},
        {"/home/x/repo/.claude/agents/sub/a.md", "claude"},
        {"agents/a.agent.md", "copilot"},
        {"x/.github/agents/a.md", "copilot"},
        {"old/a.chatmode.md", "copilot"},
        {".opencode/agent/a.md", "opencode"},
        {"repo/opencode.json", "opencode"},
        {".gemini/agents/a.md", "gemini"},
        {".kiro/agents/a.json", "kiro"},
        {"h/.amazonq/cli-agents/a.json", "kiro"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const ac_dialect *d = ac_dialect_detect(ctx, cases[i].path, NULL);
        if (!d || strcmp(d->name, cases[i].want) != 0)
            fail_msg("%s: got %s, wanted %s", cases[i].path,
                     d ? d->name : "none", cases[i].want);
    }
    assert_null(ac_dialect_detect(ctx, "agents/a.md", NULL));
    ac_doc *doc = read_md(ctx, "---\ndescription: d\nmode: subagent\ntools:\n"
                               "  bash: false\n---\n");
    assert_string_equal(ac_dialect_detect(ctx, "a.md", doc)->name, "opencode");
    ac_doc_free(doc);
    doc = read_md(ctx, "---\nname: n\nallowedTools: [fs_read]\n---\n");
    assert_string_equal(ac_dialect_detect(ctx, NULL, doc)->name, "kiro");
    ac_doc_free(doc);
    doc = read_md(ctx, "---\nname: n\n---\n");
    assert_null(ac_dialect_detect(ctx, NULL, doc));
    ac_doc_free(doc);
    ac_context_free(ctx);
}

static void test_tools_and_absent_lists(void **state)
{
    (void)state;
    ac_context *ctx = ac_context_new();
    warnings ws = {0};
    ac_context_set_warning_handler(ctx, on_warning, &ws);
    /* no tools in Claude Code: every tool; in Kiro that is "*" */
    ac_doc *in = read_md(ctx, "---\nname: a\ndescription: d\n---\n");
    ac_doc *out = translate(ctx, "claude", "kiro", in, AC_OK);
    ac_value *tools = ac_map_get(ac_doc_fields(out), "tools");
    assert_non_null(tools);
    assert_int_equal(ac_value_size(tools), 1);
    assert_string_equal(ac_value_string(ac_list_get(tools, 0), NULL), "*");
    /* and back: "*" is every tool, which Claude Code says by leaving
     * tools out */
    ac_doc *back = translate(ctx, "kiro", "claude", out, AC_OK);
    assert_null(ac_map_get(ac_doc_fields(back), "tools"));
    ac_doc_free(back);
    ac_doc_free(out);
    /* no tools in Kiro: none; in Claude Code an empty list */
    ac_value_free(ac_doc_fields(in)->u.map.entries[0].value);
    in->fields->u.map.entries[0].value = ac_value_new_string("a", 1);
    out = translate(ctx, "kiro", "claude", in, AC_OK);
    tools = ac_map_get(ac_doc_fields(out), "tools");
    assert_non_null(tools);
    assert_int_equal(ac_value_type(tools), AC_LIST);
    assert_int_equal(ac_value_size(tools), 0);
    ac_doc_free(out);
    ac_doc_free(in);

    /* a pattern is widened, with a warning naming both spellings */
    ws.count = 0;
    in = read_md(ctx, "---\nname: a\ndescription: d\n"
                      "tools: Bash(npm test:*), Grep, Glob\n---\n");
    out = translate(ctx, "claude", "copilot", in, AC_OK);
    assert_int_equal(ws.count, 1);
    assert_non_null(strstr(ws.last, "\"Bash(npm test:*)\" widened to "
                                    "\"execute\""));
    tools = ac_map_get(ac_doc_fields(out), "tools");
    assert_int_equal(ac_value_size(tools), 2); /* execute, search */
    ac_doc_free(out);
    /* Claude Code keeps the pattern */
    out = translate(ctx, "claude", "claude", in, AC_OK);
    assert_true(ac_doc_equal(in, out));
    ac_doc_free(out);
    ac_doc_free(in);
    ac_context_free(ctx);
}

static void test_strict_and_models(void **state)
{
    (void)state;
    ac_context *ctx = ac_context_new();
    warnings ws = {0};
    ac_context_set_warning_handler(ctx, on_warning, &ws);
    ac_doc *in = read_md(ctx, "---\nname: a\ndescription: d\nmodel: sonnet\n"
                              "color: red\n---\n");
    ac_doc *out = translate(ctx, "claude", "opencode", in, AC_OK);
    /* OpenCode has color; it names agents by file name, which the
     * translation was not told here */
    assert_int_equal(ws.count, 1);
    assert_non_null(strstr(ws.last, "names an agent by its file name"));
    assert_string_equal(
        ac_value_string(ac_map_get(ac_doc_fields(out), "model"), NULL),
        "anthropic/claude-sonnet-4-5");
    ac_doc_free(out);
    /* a model spelling of the user's own goes first */
    assert_int_equal(ac_context_add_model(ctx, "opencode",
                                          "anthropic/claude-sonnet-4-6",
                                          "claude-sonnet-4-5"),
                     AC_OK);
    assert_int_equal(ac_context_add_model(ctx, "cursor", "a", "b"),
                     AC_ERR_ARGUMENT);
    out = translate(ctx, "claude", "opencode", in, AC_OK);
    assert_string_equal(
        ac_value_string(ac_map_get(ac_doc_fields(out), "model"), NULL),
        "anthropic/claude-sonnet-4-6");
    ac_doc_free(out);
    /* strict: the first loss is the error, and there is no output */
    ac_context_set_strict(ctx, true);
    ac_doc *none = translate(ctx, "claude", "gemini", in, AC_ERR_STRICT);
    assert_null(none);
    ac_context_set_strict(ctx, false);
    ws.count = 0;
    out = translate(ctx, "claude", "gemini", in, AC_OK);
    assert_int_equal(ws.count, 2); /* the model, color */
    assert_null(ac_map_get(ac_doc_fields(out), "color"));
    ac_doc_free(out);
    ac_doc_free(in);
    ac_context_free(ctx);
}

static void count_errors(void *user, const ac_error *d, bool is_error)
{
    (void)d;
    if (is_error)
        (*(int *)user)++;
}

static void test_rules(void **state)
{
    (void)state;
    ac_context *ctx = ac_context_new();
    const ac_dialect *gemini = ac_dialect_find(ctx, "gemini");
    ac_doc *doc = read_md(ctx, "---\nname: Bad Name\ndescription: d\n"
                               "extra: 1\n---\n");
    int n = 0;
    assert_int_equal(
        ac_dialect_check(ctx, gemini, doc, "t.md", count_errors, &n), 2);
    assert_int_equal(n, 2);
    ac_doc_free(doc);
    doc = read_md(ctx, "---\ndescription: d\n---\n");
    assert_int_equal(ac_dialect_check(ctx, gemini, doc, NULL, NULL, NULL), 1);
    /* a name that cannot be made valid fails the translation */
    ac_doc_free(doc);
    doc = read_md(ctx, "---\nname: \"!!!\"\ndescription: d\n---\n");
    ac_doc *out = translate(ctx, "copilot", "gemini", doc, AC_ERR_STRUCTURE);
    assert_null(out);
    ac_doc_free(doc);
    /* Copilot's limit counts characters, not bytes */
    size_t len = 30000;
    char *body = malloc(len * 2 + 1);
    for (size_t i = 0; i < len; i++)
        memcpy(body + 2 * i, "\xC3\xA9", 2); /* é */
    doc = ac_doc_new();
    const ac_dialect *copilot = ac_dialect_find(ctx, "copilot");
    /* Copilot requires a description */
    assert_int_equal(ac_dialect_check(ctx, copilot, doc, NULL, NULL, NULL), 1);
    assert_int_equal(ac_map_set(ac_doc_fields(doc), "description", 11,
                                ac_value_new_string("d", 1)),
                     AC_OK);
    assert_int_equal(ac_doc_set_instructions(doc, body, len * 2), AC_OK);
    assert_int_equal(ac_dialect_check(ctx, copilot, doc, NULL, NULL, NULL), 0);
    assert_int_equal(ac_doc_set_instructions(doc, body, len * 2 - 2), AC_OK);
    ac_doc_free(doc);
    doc = ac_doc_new();
    assert_int_equal(ac_map_set(ac_doc_fields(doc), "description", 11,
                                ac_value_new_string("d", 1)),
                     AC_OK);
    memcpy(body + len * 2, "x", 1);
    assert_int_equal(ac_doc_set_instructions(doc, body, len * 2 + 1), AC_OK);
    assert_int_equal(ac_dialect_check(ctx, copilot, doc, NULL, NULL, NULL), 1);
    ac_doc_free(doc);
    free(body);
    ac_context_free(ctx);
}

static void test_keyed(void **state)
{
    (void)state;
    ac_context *ctx = ac_context_new();
    const ac_format *json = ac_format_find(ctx, "json");
    const char *text =
        "{\"$schema\": \"x\", \"agent\": {\n"
        "  \"b\": {\"description\": \"B\", \"prompt\": \"Do b.\"},\n"
        "  \"a\": {\"mode\": \"subagent\"}\n}}\n";
    ac_doc **docs = NULL;
    size_t count = 0;
    ac_error err;
    assert_int_equal(ac_read_keyed(ctx, json, text, strlen(text), "o.json",
                                   "agent", "prompt", &docs, &count, &err),
                     AC_OK);
    assert_int_equal(count, 2);
    assert_string_equal(
        ac_value_string(ac_map_get(ac_doc_fields(docs[0]), "name"), NULL), "b");
    assert_int_equal(ac_map_key_line(ac_doc_fields(docs[0]), 0), 2);
    assert_string_equal(ac_doc_instructions(docs[0], NULL), "Do b.");
    assert_null(ac_map_get(ac_doc_fields(docs[0]), "prompt"));
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(ac_write_keyed(ctx, json, docs, count, "agent", "prompt",
                                    &out, &len, &err),
                     AC_OK);
    assert_string_equal(out, "{\n  \"agent\": {\n    \"b\": {\n"
                             "      \"description\": \"B\",\n"
                             "      \"prompt\": \"Do b.\"\n    },\n"
                             "    \"a\": {\n      \"mode\": \"subagent\"\n"
                             "    }\n  }\n}\n");
    free(out);
    /* two agents of one name cannot be keyed */
    ac_doc *twice[2] = {docs[0], docs[0]};
    assert_int_equal(
        ac_write_keyed(ctx, json, twice, 2, NULL, NULL, &out, &len, &err),
        AC_ERR_STRUCTURE);
    assert_non_null(strstr(err.text, "two agents are named \"b\""));
    ac_docs_free(docs, count);
    /* errors point at the entry */
    const char *bad = "{\"a\": {},\n \"b\": 3}";
    assert_int_equal(ac_read_keyed(ctx, json, bad, strlen(bad), "o.json", NULL,
                                   NULL, &docs, &count, &err),
                     AC_ERR_STRUCTURE);
    assert_int_equal(err.line, 2);
    assert_string_equal(err.text,
                        "the entry \"b\" is an integer, not an agent (an "
                        "object)");
    assert_int_equal(ac_read_keyed(ctx, json, "[]", 2, "o.json", NULL, NULL,
                                   &docs, &count, &err),
                     AC_ERR_STRUCTURE);
    assert_int_equal(ac_read_keyed(ctx, json, "{}", 2, "o.json", "agent", NULL,
                                   &docs, &count, &err),
                     AC_ERR_STRUCTURE);
    assert_int_equal(ac_read_keyed(ctx, ac_format_find(ctx, "xml"), "<a/>", 4,
                                   "o.xml", NULL, NULL, &docs, &count, &err),
                     AC_ERR_UNSUPPORTED);
    /* CrewAI's agents.yaml */
    const char *yaml = "researcher:\n  role: Researcher\n  goal: Find facts\n"
                       "writer:\n  role: Writer\n";
    assert_int_equal(ac_read_keyed(ctx, ac_format_find(ctx, "yaml"), yaml,
                                   strlen(yaml), "agents.yaml", NULL, NULL,
                                   &docs, &count, &err),
                     AC_OK);
    assert_int_equal(count, 2);
    assert_string_equal(
        ac_value_string(ac_map_get(ac_doc_fields(docs[1]), "name"), NULL),
        "writer");
    ac_docs_free(docs, count);
    ac_context_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_custom_dialect),
        cmocka_unit_test(test_detect),
        cmocka_unit_test(test_tools_and_absent_lists),
        cmocka_unit_test(test_strict_and_models),
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_keyed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
