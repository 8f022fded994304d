/*
 * agentconv's command-line tool: the inputs of a run, with the directories
 * among them walked.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AGENTCONV_CLI_WALK_H
#define AGENTCONV_CLI_WALK_H

#include <stdbool.h>
#include <stddef.h>

#include "agentconv/agentconv.h"

/** One input of a run: a file named on the command line or found by a walk. */
typedef struct cli_input {
    char *path;  /* to open and to name in messages; "-" is standard input */
    char *rel;   /* what is mirrored under a -o directory: the path relative
                    to the walked directory, or a named file's base name */
    bool walked; /* found by walking a directory */
    char *skip;  /* not NULL: not read, and this warning says why (a link
                    that is not followed) */
    char *fail;  /* not NULL: not read, and this error says why (a folder
                    that cannot be opened) */
} cli_input;

typedef struct cli_inputs {
    cli_input *items;
    size_t count, cap;
    size_t directories; /* how many arguments were directories */
} cli_inputs;

typedef struct cli_walk_options {
    const ac_context *ctx;
    /** The form a walk looks for (its extensions); NULL: md. */
    const ac_format *from;
    /** --include and --exclude globs (see docs/batch.md). */
    char **include;
    size_t include_count;
    char **exclude;
    size_t exclude_count;
    /** Paths a walk never enters or takes (the -o directory or file, the
     * report), compared by device and inode; those that do not exist yet
     * are ignored. */
    const char **avoid;
    size_t avoid_count;
} cli_walk_options;

/** Whether `path` names a directory (following links). */
bool cli_is_directory(const char *path);

/**
 * Turn the command line's arguments into the run's inputs, in order: a
 * directory is walked (recursively, entries sorted by name at each level),
 * anything else is taken as it is (a file that does not exist fails when it
 * is read, as it always did). The whole walk is done before the function
 * returns, so nothing written later can become an input.
 */
void cli_expand_inputs(const cli_walk_options *opt, char *const *args,
                       size_t count, cli_inputs *out);

void cli_inputs_free(cli_inputs *inputs);

#endif /* AGENTCONV_CLI_WALK_H */
