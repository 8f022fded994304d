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

/** One input of a run: a file named on the command line or found by a walk.
 * The strings belong to the cli_input_iter that gave it and stay valid until
 * its next call. */
typedef struct cli_input {
    const char *path; /* to open and to name in messages; "-" is standard
                         input */
    const char *rel;  /* what is mirrored under a -o directory: the path
                         relative to the walked directory, or a named file's
                         base name */
    bool walked;      /* found by walking a directory */
    const char *skip; /* not NULL: not read, and this warning says why (a
                         link that is not followed) */
    const char *fail; /* not NULL: not read, and this error says why (a
                         folder that cannot be opened) */
} cli_input;

/* A block of the compact list of inputs (walk.c describes its records). */
typedef struct cli_input_block cli_input_block;

/**
 * The inputs of a run, kept compactly so that a walk of a huge tree costs
 * little memory: a walked file costs its name, a NUL and a byte of flags
 * (each folder's path is kept once), in blocks of 64 KiB. Read them in order
 * with cli_input_iter.
 */
typedef struct cli_inputs {
    cli_input_block *first, *last;
    size_t count;
    size_t directories; /* how many arguments were directories */
} cli_inputs;

/** Reads the inputs in order; `cli_inputs_begin` starts it. */
typedef struct cli_input_iter {
    const cli_input_block *block;
    size_t offset;
    const char *dir, *rel_dir; /* the folder of the walked files that follow */
    char *path, *rel;          /* the current input's, when made by joining */
} cli_input_iter;

void cli_inputs_begin(const cli_inputs *inputs, cli_input_iter *it);
/** The next input in `*in`; false after the last one. */
bool cli_inputs_next(cli_input_iter *it, cli_input *in);
/** Free what the iterator holds (not the inputs). */
void cli_input_iter_end(cli_input_iter *it);

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
