/*
 * agentconv: dialects. A form (md, json, yaml, xml) is a syntax; a dialect
 * is one tool's schema: which keys it reads, how it spells tools and
 * models, where it keeps its files. Dialect conversion translates a
 * document from one tool's schema to another's through the neutral
 * vocabulary of docs/dialects.md (schemas/vocabulary.json), and reports
 * everything that has no equivalent.
 *
 * Included by agentconv.h; do not include it alone.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AGENTCONV_DIALECT_H
#define AGENTCONV_DIALECT_H

#ifdef __cplusplus
extern "C" {
#endif

/** The version of struct ac_dialect (and the structs it points to) that
 * this header describes. */
#define AC_DIALECT_ABI 1

/** What a field of a dialect holds, which says how it is translated. */
typedef enum ac_field_kind {
    /** Any value, copied as it is. */
    AC_FIELD_PLAIN,
    /** The agent's name: the target's name rules apply. */
    AC_FIELD_NAME,
    /** The instructions (Kiro's `prompt`, `prompt` of a keyed collection):
     * a string, or a reference to a file (see prompt_file_prefix). */
    AC_FIELD_PROMPT,
    /** A model name, translated through the dialects' model tables. */
    AC_FIELD_MODEL,
    /** A list of tools, translated through the dialects' tool tables. */
    AC_FIELD_TOOLS
} ac_field_kind;

/** One key of a tool's schema and the vocabulary term it stands for. */
typedef struct ac_dialect_field {
    const char *key;  /**< the key in the tool's files, e.g. "maxTurns" */
    const char *term; /**< the vocabulary term, e.g. "max-turns" */
    ac_field_kind kind;
} ac_dialect_field;

/** ac_dialect_tool and ac_dialect_model flag: accepted when reading (an
 * older spelling), never written. */
#define AC_SPELLING_READ_ONLY 0x1u
/** ac_dialect_tool and ac_dialect_model flag: written for its term when
 * the tool has no closer name, never read as that term (Copilot's `edit`
 * also stands for writing notebooks when written, but reading `edit` does
 * not grant it twice). */
#define AC_SPELLING_WRITE_ONLY 0x2u

/**
 * One row of a dialect's tool table: a tool name and a vocabulary tool
 * term. A name may have several rows (Copilot's `search` is grep, glob
 * and list): reading it grants every term of its rows; writing a term
 * uses the first row that has it.
 */
typedef struct ac_dialect_tool {
    const char *name;
    const char *term; /**< "read", "shell", ...; "*" for every tool */
    unsigned flags;   /**< AC_SPELLING_* */
} ac_dialect_tool;

/** One row of a dialect's model table: a model spelling and the
 * vocabulary's model id. An empty `name` means "leave the field out" (the
 * tool's default is that model: `inherit` in tools without the word). */
typedef struct ac_dialect_model {
    const char *name;
    const char *term;
    unsigned flags; /**< AC_SPELLING_* */
} ac_dialect_model;

/** How a dialect writes a list of tools. */
typedef enum ac_tools_shape {
    AC_TOOLS_LIST,    /**< a list of names */
    AC_TOOLS_FLAG_MAP /**< a map of names to booleans (OpenCode) */
} ac_tools_shape;

/**
 * A tool's schema, as data. A descriptor and everything it points to are
 * borrowed by the context it is added to and must outlive it (a static
 * const descriptor is the usual way). Arrays end with a row whose first
 * member is NULL. docs/dialects.md explains each member with the built-in
 * dialects as examples.
 */
typedef struct ac_dialect {
    /** AC_DIALECT_ABI of the header the descriptor was built with. */
    int abi;
    /** Short name for --from-dialect and --to-dialect, e.g. "claude". */
    const char *name;
    /** The tool's name in messages, e.g. "Claude Code". */
    const char *title;
    /** The form its files use: a format name, e.g. "md". */
    const char *form;
    /** The folder, relative to a repository, where the tool looks for its
     * agents, e.g. ".claude/agents"; NULL: none. */
    const char *folder;
    /** The file name ending of an agent file, e.g. ".agent.md"; NULL: the
     * form's first extension. */
    const char *extension;
    /** Path fragments that tell a file is written for this tool
     * ("/.claude/agents/", "*.agent.md" for an ending); NULL-terminated or
     * NULL. */
    const char *const *path_markers;
    /** Keys only this tool uses, for detection; NULL-terminated or NULL. */
    const char *const *key_markers;
    /** The keys the tool knows (NULL-terminated on `key`). */
    const ac_dialect_field *fields;
    /** The tool names (NULL-terminated on `name`). */
    const ac_dialect_tool *tools;
    /** How the tool writes a tool list. */
    ac_tools_shape tools_shape;
    /** What an absent tool list means: true every tool (Claude Code,
     * Copilot, OpenCode, Gemini CLI), false none (Kiro). */
    bool tools_absent_means_all;
    /** Whether tool entries may carry a pattern, `Bash(git add:*)`. */
    bool tool_patterns;
    /** printf patterns of an MCP tool (server, tool) and of every tool of
     * an MCP server (server), e.g. "mcp__%s__%s" and "mcp__%s"; NULL: the
     * tool cannot name MCP tools. */
    const char *mcp_tool;
    const char *mcp_server;
    /** The models (NULL-terminated on `name`). */
    const ac_dialect_model *models;
    /** What the tool's agents are without saying so, as "term=value"
     * strings (a Claude Code subagent is "mode=subagent"): read as if
     * written, and not reported when a target leaves them out.
     * NULL-terminated or NULL. */
    const char *const *implied;
    /** The tool rejects keys it does not know (Gemini CLI): such fields
     * are left out, with a warning. */
    bool closed;
    /** The agent's name is its file name (OpenCode): no `name` key is
     * written. */
    bool name_is_file_name;
    /** Whether a name is required (checked on output). */
    bool name_required;
    /** Other keys the tool requires (e.g. "description"), checked on
     * output; NULL-terminated or NULL. */
    const char *const *required_keys;
    /** The characters a name may hold, e.g. "a-z0-9-_" (ranges allowed);
     * NULL: any. */
    const char *name_chars;
    /** Characters a name must not hold, e.g. ":"; NULL: none. */
    const char *name_forbidden;
    /** A sentence naming the name rule, for messages. */
    const char *name_rule;
    /** The most characters (code points) the instructions may hold; 0: no
     * limit. */
    size_t max_instructions;
    /** How a prompt field refers to a file: "file://" (Kiro), "{file:"
     * (OpenCode, with prompt_file_suffix "}"); NULL: never. */
    const char *prompt_file_prefix;
    const char *prompt_file_suffix;
    /** Where the tool keeps several agents in one file keyed by name:
     * NULL for no such file, "" for a top-level object (Claude Code's
     * --agents JSON), or a member name ("agent" in opencode.json). */
    const char *keyed_member;
    /** The key of a keyed collection's entries that holds the
     * instructions (e.g. "prompt"); NULL: "instructions". */
    const char *keyed_prompt_key;
    /** The file name of the tool's keyed collection (e.g.
     * "opencode.json"), recognized by --keyed detection; NULL: none. */
    const char *keyed_file_name;
    /** For the dialect's own use. */
    void *user;
} ac_dialect;

/**
 * Add a dialect to the context (after the built-in ones: claude, copilot,
 * opencode, gemini, kiro). Its name must not be taken. Returns AC_OK,
 * AC_ERR_ARGUMENT (a NULL or incomplete descriptor, a wrong ABI, a name
 * already taken; `error` says which) or AC_ERR_NOMEM. Not thread-safe for
 * the context.
 */
AC_API ac_status ac_context_add_dialect(ac_context *ctx,
                                        const ac_dialect *dialect,
                                        ac_error *error);

/** Number of dialects in the context. */
AC_API size_t ac_dialect_count(const ac_context *ctx);

/** The i-th dialect (0-based), or NULL past the end. Borrowed. */
AC_API const ac_dialect *ac_dialect_at(const ac_context *ctx, size_t i);

/** The dialect called `name` (ASCII case-insensitive), or NULL. */
AC_API const ac_dialect *ac_dialect_find(const ac_context *ctx,
                                         const char *name);

/**
 * Which tool a document is written for, from its path (folders and file
 * name endings of the dialects' path_markers) and, when the path says
 * nothing, from its keys (key_markers, and the shape of `tools`). `path`
 * and `doc` may each be NULL. Returns the dialect, or NULL when nothing
 * tells.
 */
AC_API const ac_dialect *ac_dialect_detect(const ac_context *ctx,
                                           const char *path, const ac_doc *doc);

/**
 * Add a model spelling to a dialect's model table, ahead of the built-in
 * rows: reading `name` in `dialect` gives `term`, and writing `term` gives
 * `name`. The strings are copied. Returns AC_OK, AC_ERR_ARGUMENT (an
 * unknown dialect or a NULL string) or AC_ERR_NOMEM.
 */
AC_API ac_status ac_context_add_model(ac_context *ctx, const char *dialect,
                                      const char *name, const char *term);

/** Options of ac_dialect_translate. Zero-initialize, then set. */
typedef struct ac_translate_options {
    /** The input's name in warnings (NULL: "<input>"). */
    const char *source;
    /** The folder relative prompt file references resolve against (the
     * input's folder); NULL: ".". */
    const char *base_dir;
    /** Read prompt file references (Kiro's `file://`, OpenCode's
     * `{file:...}`) into the instructions. A reference must resolve inside
     * `root_dir`; one outside it is an error. */
    bool resolve_prompt_files;
    /** The folder prompt files must lie in (NULL: `base_dir`). */
    const char *root_dir;
    /** The agent's name when the source tool names agents by file name
     * (OpenCode) and the document has no `name`: the file name without
     * its ending. NULL: none. */
    const char *file_name;
    /** Keep `name` even when the target names agents by file name (for a
     * keyed collection or --split, which name agents by it). */
    bool keep_name;
    /** The output's file name without its ending, when known: a target
     * that names agents by file name (OpenCode) then loses nothing when it
     * equals `name`; otherwise (NULL, or another name) leaving `name` out
     * is reported. */
    const char *output_name;
} ac_translate_options;

/**
 * Translate `in`, written for `from`, into a new document for `to`, in
 * `*out` (release with ac_doc_free). Fields and values with an equivalent
 * in `to` are renamed and translated (tool names, models, the meaning of
 * an absent tool list); every field, value or tool without one gives one
 * warning through the context's warning handler (in strict mode, an error:
 * the call fails with AC_ERR_STRICT). Fields the target tolerates are
 * carried as they are; fields a closed target rejects are left out. The
 * rules of `to` are checked on the result (ac_dialect_check); a violation
 * is an error. `from` == `to` copies the document. Returns AC_OK or fills
 * `error` (AC_ERR_ARGUMENT, AC_ERR_STRUCTURE for a rule, AC_ERR_IO for a
 * prompt file, AC_ERR_STRICT, AC_ERR_NOMEM). The context is used by one
 * thread at a time.
 */
AC_API ac_status ac_dialect_translate(ac_context *ctx, const ac_dialect *from,
                                      const ac_dialect *to, const ac_doc *in,
                                      const ac_translate_options *options,
                                      ac_doc **out, ac_error *error);

/**
 * Check a document against a dialect's rules: the name (required, its
 * characters), the keys of a closed dialect, the length of the
 * instructions, the shape of the tool list. Each violation is passed to
 * `fn` (NULL: only counted) as an error that names the rule; returns the
 * number of violations. `source` names the input (NULL: "<input>").
 */
AC_API size_t ac_dialect_check(const ac_context *ctx, const ac_dialect *dialect,
                               const ac_doc *doc, const char *source,
                               ac_diagnostic_fn fn, void *user);

/**
 * Read a collection keyed by name: a JSON or YAML object whose entries are
 * agents, each key the agent's name (Claude Code's --agents JSON, the
 * `agent` map of OpenCode's opencode.json, CrewAI's agents.yaml). `member`
 * NULL or "" reads the top-level object, else the object under that key
 * of the top-level object. Each agent becomes a document whose first field
 * is `name` (the key), followed by the entry's fields in order; its
 * `prompt_key` entry (NULL: "instructions"), when a string, becomes the
 * instructions. `format` must be json or yaml (else AC_ERR_UNSUPPORTED).
 * On success stores a new array of `*count` documents in `*docs` (release
 * with ac_docs_free).
 */
AC_API ac_status ac_read_keyed(ac_context *ctx, const ac_format *format,
                               const char *data, size_t len, const char *source,
                               const char *member, const char *prompt_key,
                               ac_doc ***docs, size_t *count, ac_error *error);

/**
 * ac_read_keyed on the contents of the file `path` ("-": standard input),
 * read under the input-size limit. `format` NULL: the format of the
 * file's extension, else sniffed from its contents. Errors name the path
 * (AC_ERR_IO when it cannot be read).
 */
AC_API ac_status ac_read_file_keyed(ac_context *ctx, const ac_format *format,
                                    const char *path, const char *member,
                                    const char *prompt_key, ac_doc ***docs,
                                    size_t *count, ac_error *error);

/**
 * Write documents as a collection keyed by name in `format` (json or yaml):
 * each document's `name` field is its key (a document without a string
 * name is an error, so is a name used twice), its other fields its entry,
 * and its instructions the entry's `prompt_key` (NULL: "instructions").
 * `member` not NULL and not "" wraps the object in a top-level object
 * under that key. On success stores a new NUL-terminated string in `*out`
 * (release with free) and its length in `*out_len`.
 */
AC_API ac_status ac_write_keyed(ac_context *ctx, const ac_format *format,
                                ac_doc *const *docs, size_t count,
                                const char *member, const char *prompt_key,
                                char **out, size_t *out_len, ac_error *error);

#ifdef __cplusplus
}
#endif

#endif /* AGENTCONV_DIALECT_H */
