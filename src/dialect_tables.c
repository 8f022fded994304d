/*
 * The built-in dialects, as data: Claude Code, GitHub Copilot, OpenCode,
 * Gemini CLI and Kiro. docs/dialects.md explains every table and names
 * the documentation each row was checked against; adding a tool is adding
 * a descriptor like these (ac_context_add_dialect), not code.
 *
 * SPDX-License-Identifier: MIT
 */
#include "internal.h"

#define RO AC_SPELLING_READ_ONLY
#define WO AC_SPELLING_WRITE_ONLY

/* ---- the model table ----
 * Terms are the providers' model ids. Aliases (Claude Code's `opus`) stand
 * for the newest model of their family when this table was written; a
 * user overrides a row with --model-map (ac_context_add_model). */

/* ---- Claude Code ---- */

static const ac_dialect_field claude_fields[] = {
    {"name", "name", AC_FIELD_NAME},
    {"description", "description", AC_FIELD_PLAIN},
    {"tools", "tools", AC_FIELD_TOOLS},
    {"disallowedTools", "disallowed-tools", AC_FIELD_TOOLS},
    {"model", "model", AC_FIELD_MODEL},
    {"permissionMode", "permission-mode", AC_FIELD_PLAIN},
    {"mcpServers", "mcp-servers", AC_FIELD_PLAIN},
    {"maxTurns", "max-turns", AC_FIELD_PLAIN},
    {"skills", "skills", AC_FIELD_PLAIN},
    {"color", "color", AC_FIELD_PLAIN},
    {"hooks", "claude-hooks", AC_FIELD_PLAIN},
    {"memory", "memory", AC_FIELD_PLAIN},
    {NULL, NULL, AC_FIELD_PLAIN},
};

static const ac_dialect_tool claude_tools[] = {
    {"Read", "read", 0},
    {"Write", "write", 0},
    {"Edit", "edit", 0},
    {"MultiEdit", "edit", RO},
    {"NotebookEdit", "notebook-edit", 0},
    {"Bash", "shell", 0},
    {"Grep", "grep", 0},
    {"Glob", "glob", 0},
    {"Glob", "list", WO},
    {"LS", "list", RO},
    {"WebFetch", "web-fetch", 0},
    {"WebSearch", "web-search", 0},
    {"TodoWrite", "todo-write", 0},
    {"TodoWrite", "todo-read", WO},
    {"Agent", "agent", 0},
    {"Task", "agent", RO},
    {"Skill", "skill", 0},
    {NULL, NULL, 0},
};

static const ac_dialect_model claude_models[] = {
    {"opus", "claude-opus-4-5", 0},
    {"sonnet", "claude-sonnet-4-5", 0},
    {"haiku", "claude-haiku-4-5", 0},
    {"inherit", "inherit", 0},
    {"claude-opus-4-5", "claude-opus-4-5", RO},
    {"claude-sonnet-4-5", "claude-sonnet-4-5", RO},
    {"claude-haiku-4-5", "claude-haiku-4-5", RO},
    {"claude-opus-4-1", "claude-opus-4-1", 0},
    {"claude-sonnet-4-20250514", "claude-sonnet-4", 0},
    {"claude-opus-4-20250514", "claude-opus-4", 0},
    {NULL, NULL, 0},
};

static const char *const claude_paths[] = {"/.claude/agents/", NULL};
static const char *const claude_keys[] = {"disallowedTools", "permissionMode",
                                          "color", NULL};

static const char *const subagent[] = {"mode=subagent", NULL};
static const char *const need_description[] = {"description", NULL};

static const ac_dialect claude = {
    .abi = AC_DIALECT_ABI,
    .name = "claude",
    .title = "Claude Code",
    .form = "md",
    .folder = ".claude/agents",
    .extension = ".md",
    .path_markers = claude_paths,
    .key_markers = claude_keys,
    .fields = claude_fields,
    .tools = claude_tools,
    .tools_shape = AC_TOOLS_LIST,
    .tools_absent_means_all = true,
    .tool_patterns = true,
    .mcp_tool = "mcp__%s__%s",
    .mcp_server = "mcp__%s",
    .models = claude_models,
    .implied = subagent,
    .name_required = true,
    .name_chars = "a-z0-9-._",
    .name_rule = "a Claude Code name is lowercase letters, digits, hyphens "
                 "(and the dots and underscores real agents use)",
    .keyed_member = "",
    .keyed_prompt_key = "prompt",
    .required_keys = need_description,
};

/* ---- GitHub Copilot custom agents ---- */

static const ac_dialect_field copilot_fields[] = {
    {"name", "name", AC_FIELD_NAME},
    {"description", "description", AC_FIELD_PLAIN},
    {"tools", "tools", AC_FIELD_TOOLS},
    {"model", "model", AC_FIELD_MODEL},
    {"mcp-servers", "mcp-servers", AC_FIELD_PLAIN},
    {"handoffs", "handoffs", AC_FIELD_PLAIN},
    {"target", "target", AC_FIELD_PLAIN},
    {"argument-hint", "argument-hint", AC_FIELD_PLAIN},
    {NULL, NULL, AC_FIELD_PLAIN},
};

static const ac_dialect_tool copilot_tools[] = {
    {"read", "read", 0},
    {"edit", "edit", 0},
    {"edit", "write", 0},
    {"edit", "notebook-edit", 0},
    {"edit", "patch", 0},
    {"execute", "shell", 0},
    {"search", "grep", 0},
    {"search", "glob", 0},
    {"search", "list", 0},
    {"web", "web-fetch", 0},
    {"web", "web-search", 0},
    {"todo", "todo-write", 0},
    {"todo", "todo-read", 0},
    {"agent", "agent", 0},
    {"*", "*", 0},
    /* the VS Code names of 2025, still common in real files */
    {"editFiles", "edit", RO},
    {"editFiles", "write", RO},
    {"runCommands", "shell", RO},
    {"runInTerminal", "shell", RO},
    {"fetch", "web-fetch", RO},
    {"codebase", "grep", RO},
    {"todos", "todo-write", RO},
    {"runSubagent", "agent", RO},
    {NULL, NULL, 0},
};

static const ac_dialect_model copilot_models[] = {
    {"Claude Opus 4.5 (copilot)", "claude-opus-4-5", 0},
    {"Claude Sonnet 4.5 (copilot)", "claude-sonnet-4-5", 0},
    {"Claude Haiku 4.5 (copilot)", "claude-haiku-4-5", 0},
    {"Claude Sonnet 4 (copilot)", "claude-sonnet-4", 0},
    {"Claude Opus 4.1 (copilot)", "claude-opus-4-1", 0},
    {"Claude Opus 4.5", "claude-opus-4-5", RO},
    {"Claude Sonnet 4.5", "claude-sonnet-4-5", RO},
    {"Claude Haiku 4.5", "claude-haiku-4-5", RO},
    {"Claude Sonnet 4", "claude-sonnet-4", RO},
    {"GPT-5 (copilot)", "gpt-5", 0},
    {"GPT-5", "gpt-5", RO},
    {"GPT-4.1 (copilot)", "gpt-4.1", 0},
    {"GPT-4.1", "gpt-4.1", RO},
    {"Gemini 2.5 Pro (copilot)", "gemini-2.5-pro", 0},
    {"Gemini 2.5 Pro", "gemini-2.5-pro", RO},
    {"", "inherit", 0},
    {NULL, NULL, 0},
};

static const char *const copilot_paths[] = {"/.github/agents/", "*.agent.md",
                                            "*.chatmode.md", NULL};
static const char *const copilot_keys[] = {"handoffs", "target",
                                           "argument-hint", NULL};

static const ac_dialect copilot = {
    .abi = AC_DIALECT_ABI,
    .name = "copilot",
    .title = "GitHub Copilot",
    .form = "md",
    .folder = ".github/agents",
    .extension = ".agent.md",
    .path_markers = copilot_paths,
    .key_markers = copilot_keys,
    .fields = copilot_fields,
    .tools = copilot_tools,
    .tools_shape = AC_TOOLS_LIST,
    .tools_absent_means_all = true,
    .mcp_tool = "%s/%s",
    .mcp_server = "%s/*",
    .models = copilot_models,
    .max_instructions = 30000,
    .required_keys = need_description,
};

/* ---- OpenCode ---- */

static const ac_dialect_field opencode_fields[] = {
    {"description", "description", AC_FIELD_PLAIN},
    {"mode", "mode", AC_FIELD_PLAIN},
    {"model", "model", AC_FIELD_MODEL},
    {"temperature", "temperature", AC_FIELD_PLAIN},
    {"top_p", "top-p", AC_FIELD_PLAIN},
    {"tools", "tools", AC_FIELD_TOOLS},
    {"permission", "opencode-permission", AC_FIELD_PLAIN},
    {"maxSteps", "max-turns", AC_FIELD_PLAIN},
    {"color", "color", AC_FIELD_PLAIN},
    {"hidden", "hidden", AC_FIELD_PLAIN},
    {"disable", "disabled", AC_FIELD_PLAIN},
    {"prompt", "instructions", AC_FIELD_PROMPT},
    {NULL, NULL, AC_FIELD_PLAIN},
};

static const ac_dialect_tool opencode_tools[] = {
    {"read", "read", 0},
    {"write", "write", 0},
    {"edit", "edit", 0},
    {"edit", "notebook-edit", WO},
    {"patch", "patch", 0},
    {"bash", "shell", 0},
    {"grep", "grep", 0},
    {"glob", "glob", 0},
    {"list", "list", 0},
    {"webfetch", "web-fetch", 0},
    {"websearch", "web-search", 0},
    {"todowrite", "todo-write", 0},
    {"todoread", "todo-read", 0},
    {"task", "agent", 0},
    {"skill", "skill", 0},
    {"*", "*", 0},
    {NULL, NULL, 0},
};

static const ac_dialect_model opencode_models[] = {
    {"anthropic/claude-opus-4-5", "claude-opus-4-5", 0},
    {"anthropic/claude-sonnet-4-5", "claude-sonnet-4-5", 0},
    {"anthropic/claude-haiku-4-5", "claude-haiku-4-5", 0},
    {"anthropic/claude-opus-4-1", "claude-opus-4-1", 0},
    {"anthropic/claude-sonnet-4-20250514", "claude-sonnet-4", 0},
    {"anthropic/claude-opus-4-20250514", "claude-opus-4", 0},
    {"openai/gpt-5", "gpt-5", 0},
    {"openai/gpt-4.1", "gpt-4.1", 0},
    {"google/gemini-2.5-pro", "gemini-2.5-pro", 0},
    {"google/gemini-2.5-flash", "gemini-2.5-flash", 0},
    {"", "inherit", 0},
    {NULL, NULL, 0},
};

static const char *const opencode_paths[] = {
    "/.opencode/agent/", "/.opencode/agents/", "*/opencode.json", NULL};
static const char *const opencode_keys[] = {"mode", "top_p", "maxSteps",
                                            "permission", NULL};

static const ac_dialect opencode = {
    .abi = AC_DIALECT_ABI,
    .name = "opencode",
    .title = "OpenCode",
    .form = "md",
    .folder = ".opencode/agent",
    .extension = ".md",
    .path_markers = opencode_paths,
    .key_markers = opencode_keys,
    .fields = opencode_fields,
    .tools = opencode_tools,
    .tools_shape = AC_TOOLS_FLAG_MAP,
    .tools_absent_means_all = true,
    .mcp_tool = "%s_%s",
    .mcp_server = "%s_*",
    .models = opencode_models,
    .name_is_file_name = true,
    .prompt_file_prefix = "{file:",
    .prompt_file_suffix = "}",
    .keyed_member = "agent",
    .keyed_prompt_key = "prompt",
    .keyed_file_name = "opencode.json",
    .required_keys = need_description,
};

/* ---- Gemini CLI subagents ---- */

static const ac_dialect_field gemini_fields[] = {
    {"name", "name", AC_FIELD_NAME},
    {"description", "description", AC_FIELD_PLAIN},
    {"kind", "gemini-kind", AC_FIELD_PLAIN},
    {"tools", "tools", AC_FIELD_TOOLS},
    {"model", "model", AC_FIELD_MODEL},
    {"temperature", "temperature", AC_FIELD_PLAIN},
    {"max_turns", "max-turns", AC_FIELD_PLAIN},
    {"timeout_mins", "timeout-minutes", AC_FIELD_PLAIN},
    {NULL, NULL, AC_FIELD_PLAIN},
};

static const ac_dialect_tool gemini_tools[] = {
    {"read_file", "read", 0},
    {"read_many_files", "read", 0},
    {"write_file", "write", 0},
    {"replace", "edit", 0},
    {"replace", "notebook-edit", WO},
    {"replace", "patch", WO},
    {"run_shell_command", "shell", 0},
    {"grep_search", "grep", 0},
    {"search_file_content", "grep", RO},
    {"glob", "glob", 0},
    {"list_directory", "list", 0},
    {"web_fetch", "web-fetch", 0},
    {"google_web_search", "web-search", 0},
    {"write_todos", "todo-write", 0},
    {"*", "*", 0},
    {NULL, NULL, 0},
};

static const ac_dialect_model gemini_models[] = {
    {"gemini-2.5-pro", "gemini-2.5-pro", 0},
    {"gemini-2.5-flash", "gemini-2.5-flash", 0},
    {"inherit", "inherit", 0},
    {NULL, NULL, 0},
};

static const char *const gemini_paths[] = {"/.gemini/agents/", NULL};
static const char *const gemini_keys[] = {"max_turns", "timeout_mins", "kind",
                                          NULL};

static const ac_dialect gemini = {
    .abi = AC_DIALECT_ABI,
    .name = "gemini",
    .title = "Gemini CLI",
    .form = "md",
    .folder = ".gemini/agents",
    .extension = ".md",
    .path_markers = gemini_paths,
    .key_markers = gemini_keys,
    .fields = gemini_fields,
    .tools = gemini_tools,
    .tools_shape = AC_TOOLS_LIST,
    .tools_absent_means_all = true,
    .mcp_tool = "mcp_%s_%s",
    .mcp_server = "mcp_%s_*",
    .models = gemini_models,
    .implied = subagent,
    .closed = true,
    .name_required = true,
    .name_chars = "a-z0-9-_",
    .name_rule = "a Gemini CLI name matches ^[a-z0-9-_]+$",
    .required_keys = need_description,
};

/* ---- Kiro (and Amazon Q Developer CLI) ---- */

static const ac_dialect_field kiro_fields[] = {
    {"name", "name", AC_FIELD_NAME},
    {"description", "description", AC_FIELD_PLAIN},
    {"prompt", "instructions", AC_FIELD_PROMPT},
    {"mcpServers", "mcp-servers", AC_FIELD_PLAIN},
    {"tools", "tools", AC_FIELD_TOOLS},
    {"toolAliases", "kiro-tool-aliases", AC_FIELD_PLAIN},
    {"allowedTools", "auto-approved-tools", AC_FIELD_TOOLS},
    {"toolsSettings", "kiro-tools-settings", AC_FIELD_PLAIN},
    {"resources", "kiro-resources", AC_FIELD_PLAIN},
    {"hooks", "kiro-hooks", AC_FIELD_PLAIN},
    {"useLegacyMcpJson", "kiro-use-legacy-mcp-json", AC_FIELD_PLAIN},
    {"model", "model", AC_FIELD_MODEL},
    {NULL, NULL, AC_FIELD_PLAIN},
};

static const ac_dialect_tool kiro_tools[] = {
    {"read", "read", 0},
    {"read", "list", 0},
    {"write", "write", 0},
    {"write", "edit", 0},
    {"write", "notebook-edit", WO},
    {"write", "patch", WO},
    {"shell", "shell", 0},
    {"grep", "grep", 0},
    {"glob", "glob", 0},
    {"web_fetch", "web-fetch", 0},
    {"web_search", "web-search", 0},
    {"todo_list", "todo-write", 0},
    {"todo_list", "todo-read", WO},
    {"subagent", "agent", 0},
    {"*", "*", 0},
    /* Amazon Q Developer CLI's names, which Kiro still reads */
    {"fs_read", "read", RO},
    {"fs_read", "list", RO},
    {"fs_write", "write", RO},
    {"fs_write", "edit", RO},
    {"execute_bash", "shell", RO},
    {"@builtin", "*", RO},
    {NULL, NULL, 0},
};

static const ac_dialect_model kiro_models[] = {
    {"claude-opus-4.5", "claude-opus-4-5", 0},
    {"claude-sonnet-4.5", "claude-sonnet-4-5", 0},
    {"claude-haiku-4.5", "claude-haiku-4-5", 0},
    {"claude-sonnet-4", "claude-sonnet-4", 0},
    {"", "inherit", 0},
    {NULL, NULL, 0},
};

static const char *const kiro_paths[] = {"/.kiro/agents/",
                                         "/.amazonq/cli-agents/", NULL};
static const char *const kiro_keys[] = {"allowedTools", "toolsSettings",
                                        "resources",    "useLegacyMcpJson",
                                        "toolAliases",  NULL};

static const ac_dialect kiro = {
    .abi = AC_DIALECT_ABI,
    .name = "kiro",
    .title = "Kiro",
    .form = "json",
    .folder = ".kiro/agents",
    .extension = ".json",
    .path_markers = kiro_paths,
    .key_markers = kiro_keys,
    .fields = kiro_fields,
    .tools = kiro_tools,
    .tools_shape = AC_TOOLS_LIST,
    .tools_absent_means_all = false,
    .mcp_tool = "@%s/%s",
    .mcp_server = "@%s",
    .models = kiro_models,
    .prompt_file_prefix = "file://",
};

const ac_dialect *const acp_builtin_dialects[] = {&claude, &copilot, &opencode,
                                                  &gemini, &kiro};
const size_t acp_builtin_dialect_count =
    sizeof acp_builtin_dialects / sizeof acp_builtin_dialects[0];
