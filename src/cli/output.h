/*
 * agentconv's command-line tool: naming outputs and writing them safely.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AGENTCONV_CLI_OUTPUT_H
#define AGENTCONV_CLI_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "agentconv/agentconv.h"

/**
 * The extension a form's files are written with: its first extension of
 * one dot (".md" for md, whose list starts with ".agent.md"), else its
 * first, else "." and its name. Borrowed or static.
 */
const char *cli_target_extension(const ac_format *to, char *buf, size_t size);

/**
 * The output path for an input mirrored as `rel`: when the name ends with
 * an extension of a known form (`x.md`, `x.agent.md`, `x.yml`), its last
 * dot-part is replaced by `ext` (`x.json`, `x.agent.json`); otherwise `ext`
 * is appended (`Agentfile` → `Agentfile.json`). New string.
 */
char *cli_output_name(const ac_context *ctx, const char *rel, const char *ext);

/**
 * Whether an agent's `name` is a path that could lead out of a directory:
 * it starts with '/' or '\', or one of its parts between '/' and '\' is
 * "." or ".." ("../x", "a/../b", ".."). --split refuses such a name; any
 * other '/' is only a character that cli_safe_file_name replaces.
 */
bool cli_name_is_path(const char *name, size_t len);

/**
 * A file name (without extension) made from an agent's `name` for --split:
 * ASCII letters, digits, '.', '_' and '-' and every non-ASCII character are
 * kept, every run of other characters becomes one '-', leading and
 * trailing '-' and '.' are dropped, and the result is cut to 100 bytes
 * (never inside a UTF-8 sequence). NULL when nothing is left. New string.
 */
char *cli_safe_file_name(const char *name, size_t len);

/** Read the umask; call once, before any thread starts. */
void cli_output_init(void);

typedef enum cli_write_result {
    CLI_WRITTEN,   /* a new file (dry run: would be) */
    CLI_REPLACED,  /* an existing file replaced, with --force */
    CLI_UNCHANGED, /* the file already holds these bytes: left alone */
    CLI_EXISTS,    /* the file exists and differs; no --force */
    CLI_WRITE_FAILED
} cli_write_result;

/**
 * Write `data` to `path` safely: nothing happens when the file already holds
 * exactly these bytes (not even its time changes); an existing file that
 * differs is only replaced with `force`; otherwise the bytes go to a
 * temporary file in the target directory (created as needed, 0777 less
 * the umask), which gets the permissions of a new file (0666 less the
 * umask; a replaced file keeps its own) and is then renamed into place
 * without replacing a file that appeared in the meantime (renameat2 with
 * RENAME_NOREPLACE, else link and unlink). With `dry_run` nothing is
 * written and the result says what would happen. On CLI_WRITE_FAILED,
 * `*why` is a new message.
 */
cli_write_result cli_write_output(const char *path, const char *data,
                                  size_t len, bool force, bool dry_run,
                                  char **why);

/**
 * cli_write_output for a path in a folder that did not exist when the run
 * started (so no file of the run's outputs was there before): the check
 * of what is at `path` is left out, and the file is written straight away
 * with the rename that refuses an existing name. Only when that finds a
 * file (one that appeared in the meantime) is it looked at as
 * cli_write_output does (unchanged, exists, or replaced with `force`).
 * With `dry_run` the answer is CLI_WRITTEN, without a system call.
 */
cli_write_result cli_write_new_output(const char *path, const char *data,
                                      size_t len, bool force, bool dry_run,
                                      char **why);

/**
 * A file written in parts and then renamed into place, replacing what is
 * there (for --report, a log rather than an output: it is always replaced,
 * keeping the replaced file's permissions, and never compared).
 */
typedef struct cli_file_writer {
    int fd;
    char *path, *tmp;
    mode_t mode;
    bool replace;
    int error; /* the first errno of a failed write, or 0 */
} cli_file_writer;

/** Start: a temporary file in the folder of `path` (made when missing).
 * False with `*why` (a new message) when it cannot be made. */
bool cli_file_writer_open(cli_file_writer *w, const char *path, char **why);

/** Append bytes; a failure is kept for cli_file_writer_close. */
void cli_file_writer_put(cli_file_writer *w, const void *data, size_t len);

/** Mark the file as failed with `error` (an errno), e.g. a spool that
 * could not be read back. */
void cli_file_writer_fail(cli_file_writer *w, int error);

/** Finish: rename the temporary file to the path. CLI_WRITTEN or
 * CLI_REPLACED, or CLI_WRITE_FAILED with `*why` (then nothing is left
 * behind). */
cli_write_result cli_file_writer_close(cli_file_writer *w, char **why);

#endif /* AGENTCONV_CLI_OUTPUT_H */
