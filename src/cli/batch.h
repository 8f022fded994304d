/*
 * agentconv's command-line tool: converting the inputs of a run, in
 * parallel, with outputs and diagnostics that do not depend on -j.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AGENTCONV_CLI_BATCH_H
#define AGENTCONV_CLI_BATCH_H

#include <stdbool.h>

#include "agentconv/agentconv.h"
#include "cli.h"
#include "walk.h"

/** Where the outputs of a run go. */
typedef enum cli_output_mode {
    CLI_TO_STDOUT, /* no -o: each output in turn on standard output */
    CLI_TO_FILE,   /* -o FILE: one input, one file */
    CLI_TO_DIR,    /* -o DIR: inputs mirrored under it */
    CLI_TO_BUNDLE  /* --bundle: one collection, to -o FILE or stdout */
} cli_output_mode;

typedef struct cli_batch_options {
    const ac_format *from; /* NULL: from the file name, else sniffed */
    const ac_format *to;
    cli_output_mode mode;
    const char *output; /* the file or directory of -o; NULL for stdout */
    bool split;         /* --split: a collection gives one file per agent */
    bool force;         /* --force: replace existing outputs that differ */
    bool dry_run;       /* --dry-run: say what would be written */
    bool strict;        /* --strict */
    bool quiet;         /* -q: no warnings, progress or summary */
    bool summary;       /* print the summary line (batch runs) */
    bool progress;      /* draw a progress line (stderr is a terminal) */
    unsigned jobs;      /* -j: worker threads, at least 1 */
    const char *report; /* --report FILE, or NULL */
    /* Dialects (docs/dialects.md): */
    const ac_dialect *to_dialect;   /* --to-dialect, or NULL: no translation */
    const ac_dialect *from_dialect; /* --from-dialect, or NULL: detected */
    const char *extension;          /* the output file name ending, or NULL: the
                                       target form's */
    bool keyed;                /* --keyed: inputs are collections keyed by name
                                  (and --bundle writes one) */
    bool resolve_prompt_files; /* --resolve-prompt-files */
    /* --model-map: model spellings added to every context, as triples
     * dialect, spelling, term */
    const char *const *models;
    size_t model_count;
    char *const *plugins; /* --plugin FILEs, loaded into every context */
    size_t plugin_count;
} cli_batch_options;

/**
 * Convert every input; return the exit status: EXIT_OK, or EXIT_INPUT when
 * an input failed, an output exists and differs (without --force), or two
 * inputs would write the same output (then nothing at all is written).
 */
int cli_run_batch(const cli_batch_options *opt, const cli_inputs *inputs);

/* ---- the --report file (report.c) ---- */

typedef struct cli_report_output {
    const char *path;
    const char *status; /* "written", "replaced", "unchanged", "exists",
                           "failed" */
} cli_report_output;

typedef struct cli_report_input {
    const char *path;
    const char *status; /* "converted", "unchanged", "skipped", "exists",
                           "failed" */
    const char *reason; /* why it was skipped, or NULL */
    const cli_report_output *outputs;
    size_t output_count;
    const cli_diags *diagnostics;
} cli_report_input;

typedef struct cli_report {
    const char *to;
    bool dry_run;
    size_t input_count;
    const cli_diags *run_diagnostics; /* about no one input (a bundle) */
    unsigned long converted, unchanged, skipped, exists, failed;
    double seconds;
} cli_report;

/*
 * The report is written in three parts, so that the inputs' entries can be
 * spooled while the run goes and no record of an input is kept (report.c):
 * the head (up to the "inputs" array), the entries, the tail.
 */

/** The report's head: everything before the first entry. New string. */
char *cli_report_head(const cli_report *report);

/** Append one input's entry to `b`, with the separator before it unless it
 * is the `first`. */
void cli_report_entry(cli_buf *b, const cli_report_input *in, bool first);

/** The report's tail, after `input_count` entries. Static string. */
const char *cli_report_tail(size_t input_count);

#endif /* AGENTCONV_CLI_BATCH_H */
