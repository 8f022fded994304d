/*
 * The YAML code shared by the md front matter and the yaml form:
 * one event-to-model reader, one model-to-emitter writer, and the scalar
 * rules they both follow.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AGENTCONV_YAML_INTERNAL_H
#define AGENTCONV_YAML_INTERNAL_H

#include "internal.h"

/**
 * True when a plain scalar with this text would not read back as the same
 * string in a YAML 1.1 or a YAML 1.2 (core schema) reader: null, booleans
 * (1.1's yes/no/on/off/y/n too), integers and floats of either version,
 * sexagesimal numbers, 1.1 timestamps, the merge key "<<" and "=".
 */
bool acp_yaml_string_is_ambiguous(const char *s, size_t n);

/**
 * True when the string may be written as a plain scalar in block context:
 * not ambiguous (above), and acceptable to libyaml's emitter as plain.
 * Strings that are not plain are written double-quoted.
 */
bool acp_yaml_plain_ok(const char *s, size_t n);

/** Why a scalar could not be resolved. */
typedef enum acp_yaml_problem {
    ACP_YAML_OK,
    ACP_YAML_UNKNOWN_TAG,  /**< a tag other than the core ones */
    ACP_YAML_TAG_MISMATCH, /**< e.g. !!int on "abc" */
    ACP_YAML_INT_RANGE,    /**< an integer beyond 64 bits */
    ACP_YAML_FLOAT_RANGE,  /**< a float beyond the range of a double */
    ACP_YAML_INF_NAN       /**< .inf or .nan */
} acp_yaml_problem;

/**
 * Resolve a scalar the parser read into a new value. `plain` is true for a
 * plain scalar; `tag` is the scalar's tag or NULL. Plain untagged scalars
 * follow the YAML 1.2 core schema; quoted ones and the tag "!" are strings;
 * the core tags (!!str, !!null, !!bool, !!int, !!float) are honoured.
 * Returns AC_OK with `*out` set; AC_ERR_STRUCTURE with `*problem` saying
 * why; or AC_ERR_NOMEM.
 */
ac_status acp_yaml_resolve(const ac_context *ctx, const char *s, size_t n,
                           bool plain, const char *tag, ac_value **out,
                           acp_yaml_problem *problem);

/**
 * Parse a YAML stream holding at most one document into a new value tree
 * (md front matter; a second document is an error at its start).
 * `line_offset` is added to every line (the stream's first line is file line
 * line_offset + 1). `*root` is NULL when the stream has no document (empty,
 * or only comments). On failure fills `error` and returns its status.
 */
ac_status acp_yaml_parse(ac_context *ctx, const char *text, size_t len,
                         const char *source, int line_offset, ac_value **root,
                         ac_error *error);

/** One document of a YAML stream (acp_yaml_parse_stream). */
typedef struct acp_yaml_document {
    ac_value *root; /**< the document's root node (owned) */
    int line;       /**< where the document starts: its "---", else its */
    int column;     /**< first node (1-based) */
} acp_yaml_document;

/**
 * Parse a YAML stream of any number of documents (a collection in the yaml
 * form) into a new array of `*count` documents in `*docs` (NULL when there
 * are none; release with acp_yaml_documents_free). The rules are
 * acp_yaml_parse's, with two more: anchors do not cross documents, and a
 * sequence at the root of a document is not counted against the depth
 * limit (its items, the agents, keep the whole allowance). Comments give
 * one warning for the whole stream. On failure fills `error` and returns
 * its status.
 */
ac_status acp_yaml_parse_stream(ac_context *ctx, const char *text, size_t len,
                                const char *source, acp_yaml_document **docs,
                                size_t *count, ac_error *error);

/** Release the documents of acp_yaml_parse_stream. NULL is accepted. */
void acp_yaml_documents_free(acp_yaml_document *docs, size_t count);

/**
 * Append `map` as a YAML block mapping (one document, no "---" or "..."
 * markers, except the "..." libyaml adds after a final "|+" block) to
 * `out`, in the canonical style of FORMATS.md. `instructions` NULL is the
 * md front matter: multi-line strings are double-quoted. Not NULL is the
 * yaml form: the instructions are written last under the key
 * "instructions" (left out when `instructions_len` is 0), and every
 * multi-line string value, the instructions included, is a literal block
 * scalar ("|", "|-", "|+") where libyaml's emitter allows one. An empty map
 * without instructions writes "{}\n".
 */
ac_status acp_yaml_emit_map(ac_context *ctx, const ac_value *map,
                            const char *instructions, size_t instructions_len,
                            ac_buf *out, ac_error *error);

/**
 * Append the agents as one YAML block sequence of mappings (one document),
 * each mapping written as acp_yaml_emit_map writes the yaml form's (the
 * instructions last, literal block scalars); "[]\n" for none. The caller
 * has checked each document (no "instructions" field, valid instructions).
 * An error names the agent it happened in.
 */
ac_status acp_yaml_emit_agents(ac_context *ctx, ac_doc *const *docs,
                               size_t count, ac_buf *out, ac_error *error);

/**
 * For the md and yaml sniffers (md.c): 0 when the text (after an optional
 * UTF-8 BOM) does not start with a line "---"; 1 when it does but no later
 * line "---" or "..." closes it (a YAML document, or md front matter never
 * closed); 2 when one does (md front matter).
 */
int acp_front_matter_shape(const char *data, size_t len);

/**
 * Read front matter that failed to parse as YAML the way Claude Code reads
 * it (recover.c): values that do not parse on their own are taken as text,
 * with their continuation lines, and each gets a warning. Returns AC_OK
 * with `*root` a new map; AC_ERR_SYNTAX when there is nothing to recover or
 * the repaired text does not parse either (then `error` is left as it was,
 * holding the caller's original error); or AC_ERR_NOMEM.
 */
ac_status acp_yaml_recover(ac_context *ctx, const char *text, size_t len,
                           const char *source, int line_offset, ac_value **root,
                           ac_error *error);

#endif /* AGENTCONV_YAML_INTERNAL_H */
