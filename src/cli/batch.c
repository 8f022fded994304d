/*
 * agentconv's command-line tool: converting the inputs of a run.
 *
 * Each input is a job. Worker threads (-j, one ac_context each: a context
 * must not be used by two threads at once) read and convert jobs in any
 * order and write the outputs whose paths are known in advance; each job
 * keeps its diagnostics. The main thread "commits" the jobs strictly in
 * input order: it names and writes the files of a collection being split
 * (the names depend on the outputs before them), prints the job's
 * diagnostics, its --dry-run lines or its standard output, and redraws the
 * progress line. So the files written and everything printed are the same
 * for every -j; only the time differs.
 *
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "batch.h"
#include "cli.h"
#include "output.h"

typedef enum job_status {
    JOB_CONVERTED,
    JOB_UNCHANGED,
    JOB_SKIPPED,
    JOB_EXISTS,
    JOB_FAILED
} job_status;

static const char *const job_status_names[] = {"converted", "unchanged",
                                               "skipped", "exists", "failed"};

static const char *const write_result_names[] = {
    "written", "replaced", "unchanged", "exists", "failed"};

/* One agent of a collection being split. */
typedef struct piece {
    char *base;       /* the file name made from its `name`, or NULL */
    char *name;       /* its `name` quoted for messages, or NULL */
    int line, column; /* where its `name` is */
    char *data;
    size_t len;
} piece;

typedef struct out_rec {
    char *path;
    cli_write_result result;
} out_rec;

typedef struct job {
    /* The input, copied from the list when the job is handed out: */
    char *path; /* to open and to name in messages; "-" is standard input */
    char *rel;  /* what is mirrored under -o DIR */
    bool walked;
    char *skip, *fail; /* see cli_input */
    char *out_path;    /* -o DIR or FILE: where its output goes */
    job_status status;
    const char *reason; /* why it was skipped (borrowed) */
    cli_diags diags;
    out_rec *outs;
    size_t out_count, out_cap;
    /* Held for the main thread: */
    char *data; /* the output for standard output */
    size_t len;
    bool has_data;
    piece *pieces; /* a collection being split */
    size_t piece_count;
    bool split;
    bool own_name_used; /* a split agent took the collection's own name */
    ac_doc **docs;      /* the agents for the bundle */
    size_t doc_count;
    bool done; /* set under the batch's lock */
} job;

/* A set of strings (the output paths taken so far, for --split). */
typedef struct name_set {
    char **slots;
    size_t cap, count;
} name_set;

typedef struct batch {
    const cli_batch_options *opt;
    ac_context *ctx; /* the main thread's */
    size_t count;    /* inputs */
    /* The jobs in flight: input i is ring[i % ring_size]. Workers run at
     * most ring_size inputs ahead of the commit. With keep_all (--bundle,
     * the html index) every job is kept to the end (ring_size == count). */
    job *ring;
    size_t ring_size;
    bool keep_all;
    size_t chunk; /* how many inputs a worker takes at a time */
    bool fresh;   /* the -o folder did not exist when the run started */
    const char *ext;
    char ext_buf[64];
    name_set used;
    cli_diags run_diags;     /* about the run, not one input (the bundle) */
    unsigned long counts[5]; /* jobs retired, by status */
    FILE *spool;             /* --report: the inputs' entries, in input order */
    cli_buf spool_mem;       /* ... when no temporary file could be made */
    cli_buf entry;           /* one entry, reused */
    size_t spooled;
    /* Handing out and committing, under the lock: */
    pthread_mutex_t lock;
    pthread_cond_t changed;
    cli_input_iter iter; /* the next input to hand out */
    size_t next;         /* its number */
    size_t committed;    /* jobs committed so far, in input order */
    bool committing;     /* a thread is committing (or drawing) */
    unsigned waiting;    /* threads waiting for `changed` */
    double start, last_draw;
    bool drawn;
} batch;

typedef struct worker {
    batch *b;
    ac_context *ctx;
    job *current;
    pthread_t thread;
} worker;

/* ---- the set of output names ---- */

static uint64_t hash_string(const char *s)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211u;
    }
    return h;
}

static bool set_contains(const name_set *set, const char *s)
{
    if (!set->cap)
        return false;
    for (size_t i = hash_string(s) & (set->cap - 1);;
         i = (i + 1) & (set->cap - 1)) {
        if (!set->slots[i])
            return false;
        if (strcmp(set->slots[i], s) == 0)
            return true;
    }
}

/* Add a copy of `s` (unless it is there). */
static void set_add(name_set *set, const char *s)
{
    if ((set->count + 1) * 2 > set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 64;
        char **slots = cli_calloc(cap, sizeof *slots);
        for (size_t i = 0; i < set->cap; i++) {
            if (!set->slots[i])
                continue;
            size_t k = hash_string(set->slots[i]) & (cap - 1);
            while (slots[k])
                k = (k + 1) & (cap - 1);
            slots[k] = set->slots[i];
        }
        free(set->slots);
        set->slots = slots;
        set->cap = cap;
    }
    size_t k = hash_string(s) & (set->cap - 1);
    while (set->slots[k]) {
        if (strcmp(set->slots[k], s) == 0)
            return;
        k = (k + 1) & (set->cap - 1);
    }
    set->slots[k] = cli_strdup(s);
    set->count++;
}

static void set_free(name_set *set)
{
    for (size_t i = 0; i < set->cap; i++)
        free(set->slots[i]);
    free(set->slots);
    memset(set, 0, sizeof *set);
}

/* ---- one job, in a worker ---- */

static const char *display_name(const job *j)
{
    return strcmp(j->path, "-") == 0 ? "<stdin>" : j->path;
}

static void on_worker_warning(void *user, const ac_error *warning)
{
    worker *w = user;
    if (w->current)
        cli_diags_add_error(&w->current->diags, warning, false,
                            w->current->path);
}

/* A writer's error is about the document read from the input: name it. */
static void add_writer_error(job *j, const ac_error *e)
{
    cli_diags_add(&j->diags, true, display_name(j), e->line, e->column, "%s",
                  e->text);
}

static void add_output(job *j, const char *path, cli_write_result r)
{
    if (j->out_count == j->out_cap) {
        j->out_cap = j->out_cap ? j->out_cap * 2 : 2;
        j->outs = cli_realloc(j->outs, j->out_cap * sizeof *j->outs);
    }
    j->outs[j->out_count].path = cli_strdup(path);
    j->outs[j->out_count].result = r;
    j->out_count++;
}

/* Write one output of a job and note what happened. */
static void write_one(const batch *b, job *j, const char *path,
                      const char *data, size_t len)
{
    char *why = NULL;
    cli_write_result r =
        b->fresh ? cli_write_new_output(path, data, len, b->opt->force,
                                        b->opt->dry_run, &why)
                 : cli_write_output(path, data, len, b->opt->force,
                                    b->opt->dry_run, &why);
    add_output(j, path, r);
    if (r == CLI_WRITE_FAILED)
        cli_diags_add(&j->diags, true, path, 0, 0, "%s", why);
    else if (r == CLI_EXISTS && !b->opt->dry_run)
        cli_diags_add(&j->diags, true, path, 0, 0,
                      "exists with other contents: use --force to replace "
                      "it");
    free(why);
}

/* A job's status from its outputs. */
static void settle(job *j)
{
    bool failed = false, exists = false, written = false;
    for (size_t i = 0; i < j->out_count; i++) {
        switch (j->outs[i].result) {
        case CLI_WRITE_FAILED:
            failed = true;
            break;
        case CLI_EXISTS:
            exists = true;
            break;
        case CLI_WRITTEN:
        case CLI_REPLACED:
            written = true;
            break;
        case CLI_UNCHANGED:
            break;
        }
    }
    if (failed)
        j->status = JOB_FAILED;
    else if (exists)
        j->status = JOB_EXISTS;
    else if (written || j->out_count == 0)
        j->status = JOB_CONVERTED;
    else
        j->status = JOB_UNCHANGED;
}

static void free_pieces(job *j)
{
    for (size_t i = 0; i < j->piece_count; i++) {
        free(j->pieces[i].base);
        free(j->pieces[i].name);
        free(j->pieces[i].data);
    }
    free(j->pieces);
    j->pieces = NULL;
    j->piece_count = 0;
}

/* --split: convert each agent of a collection; the main thread names and
 * writes them. A name that is a path fails the whole input. */
static void split_job(worker *w, job *j, ac_doc **docs, size_t count)
{
    const cli_batch_options *opt = w->b->opt;
    bool failed = false;
    j->pieces = cli_calloc(count, sizeof *j->pieces);
    j->piece_count = count;
    for (size_t k = 0; k < count; k++) {
        piece *p = &j->pieces[k];
        ac_value *name = ac_map_get(ac_doc_fields(docs[k]), "name");
        size_t len = 0;
        const char *s = ac_value_string(name, &len);
        if (s) {
            p->name = cli_quote(s, len);
            p->line = ac_value_line(name);
            p->column = ac_value_column(name);
            if (cli_name_is_path(s, len)) {
                cli_diags_add(&j->diags, true, display_name(j), p->line,
                              p->column,
                              "agent %zu has the name %s, which is a path: "
                              "--split names each file from \"name\" and "
                              "writes nothing outside -o",
                              k + 1, p->name);
                failed = true;
                continue;
            }
            p->base = cli_safe_file_name(s, len);
        }
        ac_error err;
        if (ac_write(w->ctx, opt->to, docs[k], &p->data, &p->len, &err) !=
            AC_OK) {
            add_writer_error(j, &err);
            failed = true;
        }
    }
    if (failed) {
        free_pieces(j);
        j->status = JOB_FAILED;
        return;
    }
    j->split = true;
}

/* True when the run writes html pages into a folder: it then also writes
 * an index.html that lists them, and keeps the agents for it. */
static bool wants_index(const batch *b)
{
    return b->opt->mode == CLI_TO_DIR && !b->opt->dry_run &&
           strcmp(b->opt->to->name, "html") == 0;
}

static void keep_or_free(const batch *b, job *j, ac_doc **docs, size_t count)
{
    if (wants_index(b)) {
        j->docs = docs;
        j->doc_count = count;
    } else {
        ac_docs_free(docs, count);
    }
}

/* The folder prompt files of an input may come from: the walked
 * directory it was found in, else its own folder. New string. */
static char *input_root(const job *in, bool walked_root)
{
    const char *path = in->path;
    size_t len = strlen(path);
    if (walked_root && in->walked && in->rel && strlen(in->rel) < len) {
        len -= strlen(in->rel);
        while (len > 1 && path[len - 1] == '/')
            len--;
        return cli_strndup(path, len);
    }
    const char *slash = strrchr(path, '/');
    return slash ? cli_strndup(path, slash == path ? 1 : (size_t)(slash - path))
                 : cli_strdup(".");
}

/* The source dialect of one agent: --from-dialect, else from the path and
 * keys; a markdown agent that tells nothing is taken as Claude Code's (the
 * form most markdown agents are written in; docs/dialects.md). */
static const ac_dialect *source_dialect(worker *w, const job *j,
                                        const ac_doc *doc)
{
    const cli_batch_options *opt = w->b->opt;
    if (opt->from_dialect)
        return opt->from_dialect;
    const ac_dialect *d = ac_dialect_detect(
        w->ctx, strcmp(j->path, "-") == 0 ? NULL : j->path, doc);
    if (d)
        return d;
    const ac_format *f =
        opt->from ? opt->from : ac_format_for_path(w->ctx, j->path);
    if (!f || strcmp(f->name, "md") == 0)
        return ac_dialect_find(w->ctx, "claude");
    return NULL;
}

/* The length of the longest tool's file name ending (".agent.md",
 * Copilot's older ".chatmode.md") that `name` (`len` bytes) ends with and
 * is longer than, or 0. */
static size_t tool_ending(const ac_context *ctx, const char *name, size_t len)
{
    static const char chatmode[] = ".chatmode.md";
    size_t cut = 0;
    for (size_t i = 0; i <= ac_dialect_count(ctx); i++) {
        const char *e = i < ac_dialect_count(ctx)
                            ? ac_dialect_at(ctx, i)->extension
                            : chatmode;
        size_t n = e ? strlen(e) : 0;
        if (n && n < len && n > cut && strcmp(name + len - n, e) == 0)
            cut = n;
    }
    return cut;
}

/* A file's name without its folder and its ending: the longest ending a
 * dialect or a form knows (".agent.md" before ".md"), else none.
 * "powershell-5.1-expert.md" is "powershell-5.1-expert". New string. */
static char *file_stem(const ac_context *ctx, const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t len = strlen(b), cut = tool_ending(ctx, b, len);
    for (size_t i = 0; i < ac_format_count(ctx); i++)
        for (const char *const *e = ac_format_at(ctx, i)->extensions; e && *e;
             e++) {
            size_t n = strlen(*e);
            if (n < len && n > cut && strcmp(b + len - n, *e) == 0)
                cut = n;
        }
    return cli_strndup(b, len - cut);
}

/* --to-dialect: translate every agent read from the input, in place. */
static bool translate_docs(worker *w, job *j, ac_doc **docs, size_t count)
{
    const cli_batch_options *opt = w->b->opt;
    char *base = input_root(j, false);
    char *root = input_root(j, true);
    /* the output's file name without its ending, when it has one */
    char *out_stem = NULL;
    if (j->out_path && opt->mode == CLI_TO_DIR)
        out_stem = file_stem(w->ctx, j->out_path);
    char *stem = NULL;
    if (strcmp(j->path, "-") != 0)
        stem = file_stem(w->ctx, j->path);
    ac_translate_options to = {
        .source = display_name(j),
        .base_dir = base,
        .resolve_prompt_files = opt->resolve_prompt_files,
        .root_dir = root,
        .file_name = stem,
        .keep_name = opt->keyed || opt->split,
        .output_name = out_stem,
    };
    bool ok = true;
    for (size_t k = 0; ok && k < count; k++) {
        const ac_dialect *from = source_dialect(w, j, docs[k]);
        if (!from) {
            cli_diags_add(&j->diags, true, display_name(j), 0, 0,
                          "cannot tell which tool this agent is written for: "
                          "give --from-dialect");
            ok = false;
            break;
        }
        ac_doc *out = NULL;
        ac_error err;
        if (ac_dialect_translate(w->ctx, from, opt->to_dialect, docs[k], &to,
                                 &out, &err) != AC_OK) {
            cli_diags_add_error(&j->diags, &err, true, j->path);
            ok = false;
            break;
        }
        ac_doc_free(docs[k]);
        docs[k] = out;
    }
    free(base);
    free(root);
    free(stem);
    free(out_stem);
    return ok;
}

/* Read an input as a collection keyed by name (--keyed, or a file the
 * tools name so: opencode.json). Returns false after adding its error. */
static bool read_keyed(worker *w, job *j, const ac_dialect *d, ac_doc ***docs,
                       size_t *count)
{
    ac_error err;
    if (ac_read_file_keyed(w->ctx, w->b->opt->from, j->path,
                           d && d->keyed_member ? d->keyed_member : "",
                           d && d->keyed_prompt_key ? d->keyed_prompt_key
                                                    : "prompt",
                           docs, count, &err) == AC_OK)
        return true;
    cli_diags_add_error(&j->diags, &err, true, j->path);
    return false;
}

/* An input's path inside the walked folder, without a tool's own folder
 * at its start: migrating a repository (repo/.github/agents/x.agent.md)
 * into another tool's layout gives DIR/.claude/agents/x.md, not
 * DIR/.claude/agents/.github/agents/x.md. */
static const char *tool_relative(const ac_context *ctx, const char *rel)
{
    for (size_t i = 0; i < ac_dialect_count(ctx); i++) {
        const char *folder = ac_dialect_at(ctx, i)->folder;
        size_t n = folder ? strlen(folder) : 0;
        if (n && strncmp(rel, folder, n) == 0 && rel[n] == '/' && rel[n + 1])
            return rel + n + 1;
    }
    return rel;
}

/* The output name of an input in a tool's layout: its path without a
 * tool's folder, and without a tool's file name ending (the longest that
 * matches: "x.agent.md" is agent x for Copilot), then `ext`. */
static char *tool_output_name(const ac_context *ctx, const char *rel,
                              const char *ext)
{
    rel = tool_relative(ctx, rel);
    size_t len = strlen(rel), cut = tool_ending(ctx, rel, len);
    if (!cut)
        return cli_output_name(ctx, rel, ext);
    return cli_format("%.*s%s", (int)(len - cut), rel, ext);
}

/* Where the output of an input mirrored as `rel` goes under -o DIR, or
 * -o FILE. New string, or NULL for standard output and a bundle. */
static char *output_path(const batch *b, const ac_context *ctx, const char *rel)
{
    if (b->opt->mode == CLI_TO_FILE)
        return cli_strdup(b->opt->output);
    if (b->opt->mode != CLI_TO_DIR)
        return NULL;
    char *name = b->opt->to_dialect ? tool_output_name(ctx, rel, b->ext)
                                    : cli_output_name(ctx, rel, b->ext);
    char *path = cli_path_join(b->opt->output, name);
    free(name);
    return path;
}

static void run_job(worker *w, job *j)
{
    const cli_batch_options *opt = w->b->opt;
    const job *in = j;
    w->current = j;
    j->status = JOB_CONVERTED;
    if (in->fail) {
        cli_diags_add(&j->diags, true, in->path, 0, 0, "%s", in->fail);
        j->status = JOB_FAILED;
        return;
    }
    if (in->skip) {
        cli_diags_add(&j->diags, false, in->path, 0, 0, "%s", in->skip);
        j->status = JOB_SKIPPED;
        j->reason = in->skip;
        return;
    }
    j->out_path = output_path(w->b, w->ctx, j->rel);
    ac_doc **docs = NULL;
    size_t count = 0;
    bool collection = false;
    ac_error err;
    const ac_dialect *keyed_by = cli_keyed_file_dialect(w->ctx, in->path);
    if ((opt->keyed &&
         cli_keyed_form(opt->from ? opt->from
                                  : ac_format_for_path(w->ctx, in->path))) ||
        keyed_by) {
        if (!keyed_by)
            keyed_by = opt->from_dialect;
        if (!read_keyed(w, j, keyed_by, &docs, &count)) {
            j->status = JOB_FAILED;
            return;
        }
        collection = true;
    } else if (ac_read_file_many(w->ctx, opt->from, in->path, &docs, &count,
                                 &collection, &err) != AC_OK) {
        if (in->walked && cli_is_not_an_agent(&err)) {
            j->status = JOB_SKIPPED;
            j->reason = "no front matter";
        } else {
            cli_diags_add_error(&j->diags, &err, true, in->path);
            j->status = JOB_FAILED;
        }
        return;
    }
    if (!collection && count != 1)
        collection = true; /* a plugin's reader said otherwise: trust count */
    if (opt->to_dialect && !translate_docs(w, j, docs, count)) {
        ac_docs_free(docs, count);
        j->status = JOB_FAILED;
        return;
    }
    if (opt->mode == CLI_TO_BUNDLE) {
        j->docs = docs;
        j->doc_count = count;
        return;
    }
    if (collection && opt->split) {
        split_job(w, j, docs, count);
        keep_or_free(w->b, j, docs, count);
        return;
    }
    char *data = NULL;
    size_t len = 0;
    ac_status st = AC_OK;
    if (collection && !opt->to->write_many) {
        cli_diags_add(&j->diags, true, display_name(j), 0, 0,
                      "%s holds one agent per file: use --split",
                      opt->to->name);
        st = AC_ERR_UNSUPPORTED;
    } else if (collection) {
        st = ac_write_many(w->ctx, opt->to, docs, count, &data, &len, &err);
        if (st != AC_OK)
            add_writer_error(j, &err);
    } else {
        st = ac_write(w->ctx, opt->to, docs[0], &data, &len, &err);
        if (st != AC_OK)
            add_writer_error(j, &err);
    }
    if (collection)
        ac_docs_free(docs, count); /* a collection gets no html page */
    else
        keep_or_free(w->b, j, docs, count);
    if (st != AC_OK) {
        j->status = JOB_FAILED;
        return;
    }
    if (opt->mode == CLI_TO_STDOUT) {
        j->data = data;
        j->len = len;
        j->has_data = true;
        return;
    }
    write_one(w->b, j, j->out_path, data, len);
    free(data);
    settle(j);
}

/* ---- progress ---- */

static void format_duration(double seconds, char *buf, size_t size)
{
    long s = seconds < 0 ? 0 : (long)(seconds + 0.5);
    if (s >= 3600)
        snprintf(buf, size, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(buf, size, "%ld:%02ld", s / 60, s % 60);
}

static void progress_clear(batch *b)
{
    if (b->drawn) {
        fputs("\r\033[K", stderr);
        b->drawn = false;
    }
}

/* Redraw the progress line, at most ten times a second; the first time
 * after a tenth of a second, so that a quick run draws nothing. */
static void progress_draw(batch *b, size_t done)
{
    if (!b->opt->progress)
        return;
    double now = cli_now();
    if (now - b->last_draw < 0.1)
        return;
    b->last_draw = now;
    double elapsed = now - b->start;
    double rate = elapsed > 0 ? (double)done / elapsed : 0;
    char el[32], left[32];
    format_duration(elapsed, el, sizeof el);
    if (rate > 0)
        format_duration((double)(b->count - done) / rate, left, sizeof left);
    else
        snprintf(left, sizeof left, "?");
    fprintf(stderr,
            "\ragentconv: %zu/%zu files, %.0f files/s, %s elapsed, %s "
            "left\033[K",
            done, b->count, rate, el, left);
    fflush(stderr);
    b->drawn = true;
}

/* ---- committing a job, in the main thread, in input order ---- */

/* Whether `path` is taken for job `j` (its own collection's name is free
 * for its first agent that wants it). */
static bool name_taken(batch *b, job *j, const char *path)
{
    if (j->out_path && !j->own_name_used && strcmp(path, j->out_path) == 0)
        return false;
    return set_contains(&b->used, path);
}

static void write_split(batch *b, job *j)
{
    const char *dir_end = j->out_path ? strrchr(j->out_path, '/') : NULL;
    char *dir = dir_end
                    ? cli_strndup(j->out_path, (size_t)(dir_end - j->out_path))
                    : cli_strdup("");
    for (size_t k = 0; k < j->piece_count; k++) {
        piece *p = &j->pieces[k];
        char *base =
            p->base ? cli_strdup(p->base) : cli_format("agent-%zu", k + 1);
        char *file = cli_format("%s%s", base, b->ext);
        char *path = cli_path_join(dir, file);
        free(file);
        char *wanted = NULL;
        for (unsigned n = 2; name_taken(b, j, path); n++) {
            if (!wanted)
                wanted = path;
            else
                free(path);
            file = cli_format("%s-%u%s", base, n, b->ext);
            path = cli_path_join(dir, file);
            free(file);
        }
        if (wanted) {
            cli_diags_add(&j->diags, false, display_name(j), p->line, p->column,
                          "agent %zu: %s is taken by another output: "
                          "written as %s",
                          k + 1, wanted, path);
            free(wanted);
        }
        if (j->out_path && strcmp(path, j->out_path) == 0)
            j->own_name_used = true;
        write_one(b, j, path, p->data, p->len);
        set_add(&b->used, path);
        free(path);
        free(base);
    }
    free(dir);
    free_pieces(j);
    settle(j);
}

static void print_dry_run(const job *j)
{
    for (size_t i = 0; i < j->out_count; i++) {
        const char *path = j->outs[i].path;
        switch (j->outs[i].result) {
        case CLI_WRITTEN:
            printf("would write %s\n", path);
            break;
        case CLI_REPLACED:
            printf("would replace %s\n", path);
            break;
        case CLI_UNCHANGED:
            printf("unchanged %s\n", path);
            break;
        case CLI_EXISTS:
            printf("exists %s (use --force)\n", path);
            break;
        case CLI_WRITE_FAILED:
            break;
        }
    }
}

static void print_diags(const batch *b, const cli_diags *d, size_t from)
{
    for (size_t i = from; i < d->count; i++)
        if (d->items[i].is_error || !b->opt->quiet)
            cli_print_diag(&d->items[i]);
}

/* ---- retiring a job: counted, reported, freed ---- */

static void job_free(job *j)
{
    free(j->path);
    free(j->rel);
    free(j->skip);
    free(j->fail);
    free(j->out_path);
    cli_diags_free(&j->diags);
    for (size_t k = 0; k < j->out_count; k++)
        free(j->outs[k].path);
    free(j->outs);
    free(j->data);
    free_pieces(j);
    ac_docs_free(j->docs, j->doc_count);
    memset(j, 0, sizeof *j);
}

static void spool_put(batch *b, const char *data, size_t len)
{
    if (b->spool && fwrite(data, 1, len, b->spool) == len)
        return;
    if (b->spool) {
        /* The temporary file failed: keep what is left in memory. */
        fclose(b->spool);
        b->spool = NULL;
        b->spool_mem.len = 0;
        b->spooled = 0;
    }
    cli_buf_append(&b->spool_mem, data, len);
}

/* The job's entry of the report's "inputs", in input order. */
static void report_job(batch *b, const job *j)
{
    cli_report_output small[4];
    cli_report_output *outs =
        j->out_count <= 4 ? small : cli_calloc(j->out_count, sizeof *outs);
    for (size_t k = 0; k < j->out_count; k++) {
        outs[k].path = j->outs[k].path;
        outs[k].status = write_result_names[j->outs[k].result];
    }
    cli_report_input in = {
        .path = j->path,
        .status = job_status_names[j->status],
        .reason = j->reason,
        .outputs = outs,
        .output_count = j->out_count,
        .diagnostics = &j->diags,
    };
    b->entry.len = 0;
    cli_report_entry(&b->entry, &in, b->spooled == 0);
    spool_put(b, b->entry.data, b->entry.len);
    b->spooled++;
    if (outs != small)
        free(outs);
}

/* A job is done with for good: counted, written to the report. */
static void retire(batch *b, job *j)
{
    b->counts[j->status]++;
    if (b->opt->report)
        report_job(b, j);
}

/* ---- committing a job, in input order ---- */

static void commit(batch *b, job *j)
{
    if (j->split)
        write_split(b, j);
    progress_clear(b);
    print_diags(b, &j->diags, 0);
    if (b->opt->dry_run)
        print_dry_run(j);
    if (j->has_data) {
        if (fwrite(j->data, 1, j->len, stdout) != j->len ||
            fflush(stdout) != 0) {
            cli_diags_add(&j->diags, true, "agentconv", 0, 0,
                          "cannot write to standard output: %s",
                          strerror(errno));
            print_diags(b, &j->diags, j->diags.count - 1);
            j->status = JOB_FAILED;
        } else {
            add_output(j, "-", CLI_WRITTEN);
        }
        free(j->data);
        j->data = NULL;
        j->has_data = false;
    }
    if (b->opt->dry_run)
        fflush(stdout);
    if (!b->keep_all) {
        retire(b, j);
        job_free(j);
    }
}

/* ---- running the jobs ---- */

static ac_context *new_context(const cli_batch_options *opt, ac_warning_fn fn,
                               void *user)
{
    ac_context *ctx = ac_context_new();
    if (!ctx) {
        fputs("agentconv: error: out of memory\n", stderr);
        exit(EXIT_INPUT);
    }
    /* The main context loaded them already: a failure here is unlikely
     * (the file replaced meanwhile), and the tool cannot go on without. */
    if (!cli_load_plugins(ctx, opt->plugins, opt->plugin_count))
        exit(EXIT_INPUT);
    ac_context_set_strict(ctx, opt->strict);
    ac_context_set_warning_handler(ctx, fn, user);
    for (size_t i = 0; i < opt->model_count; i++)
        if (ac_context_add_model(ctx, opt->models[3 * i],
                                 opt->models[3 * i + 1],
                                 opt->models[3 * i + 2]) != AC_OK) {
            fputs("agentconv: error: out of memory\n", stderr);
            exit(EXIT_INPUT);
        }
    return ctx;
}

static job *job_at(const batch *b, size_t i)
{
    return &b->ring[i % b->ring_size];
}

/* Copy the next input of the list into job `i`'s slot (under the lock). */
static void load_next(batch *b, size_t i)
{
    cli_input in;
    job *j = job_at(b, i);
    memset(j, 0, sizeof *j);
    if (!cli_inputs_next(&b->iter, &in))
        return; /* cannot happen: count says how many there are */
    j->path = cli_strdup(in.path);
    j->rel = cli_strdup(in.rel);
    j->walked = in.walked;
    j->skip = in.skip ? cli_strdup(in.skip) : NULL;
    j->fail = in.fail ? cli_strdup(in.fail) : NULL;
}

static void run_in_order(batch *b)
{
    worker w = {.b = b};
    w.ctx = new_context(b->opt, on_worker_warning, &w);
    for (size_t i = 0; i < b->count; i++) {
        load_next(b, i);
        run_job(&w, job_at(b, i));
        commit(b, job_at(b, i));
        progress_draw(b, i + 1);
    }
    ac_context_free(w.ctx);
}

/* Commit every done job at the head, in order; one thread at a time (the
 * others leave theirs to it). Called and returns with the lock held. */
static void commit_ready(batch *b)
{
    if (b->committing)
        return;
    b->committing = true;
    for (;;) {
        size_t from = b->committed, to = from;
        while (to < b->count && to < b->next && job_at(b, to)->done)
            to++;
        if (to == from)
            break;
        pthread_mutex_unlock(&b->lock);
        for (size_t i = from; i < to; i++) {
            commit(b, job_at(b, i));
            progress_draw(b, i + 1);
        }
        pthread_mutex_lock(&b->lock);
        for (size_t i = from; i < to; i++)
            job_at(b, i)->done = false;
        b->committed = to;
        if (b->waiting)
            pthread_cond_broadcast(&b->changed);
    }
    b->committing = false;
}

/* Wait for a change (a commit); with a progress line, redraw it while
 * waiting, so that the clock moves on during a long input. */
static void wait_for_change(batch *b)
{
    b->waiting++;
    if (!b->opt->progress) {
        pthread_cond_wait(&b->changed, &b->lock);
    } else {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 100000000;
        if (until.tv_nsec >= 1000000000) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000;
        }
        if (pthread_cond_timedwait(&b->changed, &b->lock, &until) ==
                ETIMEDOUT &&
            !b->committing) {
            b->committing = true;
            size_t done = b->committed;
            pthread_mutex_unlock(&b->lock);
            progress_draw(b, done);
            pthread_mutex_lock(&b->lock);
            b->committing = false;
            /* A worker that finished the head meanwhile left it to us. */
            commit_ready(b);
        }
    }
    b->waiting--;
}

/* A worker (the main thread is one): take the next inputs, a chunk at a
 * time, convert them, commit what is ready. Workers stay at most ring_size
 * inputs ahead of the commit, so memory does not grow with the run. */
static void work(worker *w)
{
    batch *b = w->b;
    pthread_mutex_lock(&b->lock);
    for (;;) {
        if (b->next >= b->count)
            break;
        size_t room = b->committed + b->ring_size - b->next;
        if (room == 0) {
            wait_for_change(b);
            continue;
        }
        size_t from = b->next, n = b->chunk;
        if (n > room)
            n = room;
        if (n > b->count - from)
            n = b->count - from;
        for (size_t i = from; i < from + n; i++)
            load_next(b, i);
        b->next = from + n;
        pthread_mutex_unlock(&b->lock);
        for (size_t i = from; i < from + n; i++)
            run_job(w, job_at(b, i));
        pthread_mutex_lock(&b->lock);
        for (size_t i = from; i < from + n; i++)
            job_at(b, i)->done = true;
        commit_ready(b);
    }
    pthread_mutex_unlock(&b->lock);
}

static void *worker_main(void *arg)
{
    work(arg);
    return NULL;
}

static void run_threads(batch *b, unsigned threads)
{
    worker *workers = cli_calloc(threads, sizeof *workers);
    pthread_mutex_init(&b->lock, NULL);
    pthread_cond_init(&b->changed, NULL);
    for (unsigned t = 0; t < threads; t++) {
        workers[t].b = b;
        workers[t].ctx = new_context(b->opt, on_worker_warning, &workers[t]);
    }
    /* workers[0] is this thread. */
    unsigned started = 1;
    for (unsigned t = 1; t < threads; t++) {
        if (pthread_create(&workers[t].thread, NULL, worker_main,
                           &workers[t]) != 0)
            break;
        started++;
    }
    work(&workers[0]);
    for (unsigned t = 1; t < started; t++)
        pthread_join(workers[t].thread, NULL);
    /* The last jobs done are committed by whoever finished them; a worker
     * that found the commit busy left its jobs to the committing one, which
     * looked again before it stopped. */
    pthread_mutex_lock(&b->lock);
    commit_ready(b);
    pthread_mutex_unlock(&b->lock);
    for (unsigned t = 0; t < threads; t++)
        ac_context_free(workers[t].ctx);
    pthread_mutex_destroy(&b->lock);
    pthread_cond_destroy(&b->changed);
    free(workers);
}

/* ---- before: two inputs, one output ---- */

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

typedef struct claim {
    size_t index;
    char *in_path;
    char *out_path;
} claim;

static int compare_claims(const void *a, const void *b)
{
    const claim *x = a, *y = b;
    int c = strcmp(x->out_path, y->out_path);
    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

static bool takes_output(const cli_input *in) { return !in->skip && !in->fail; }

/* Two inputs that would write the same output: each pair is reported and
 * nothing is written. Returns the number of such pairs. To keep memory
 * small, a first pass keeps only a 64-bit hash of each output path (8
 * bytes an input, freed before the conversion starts); only when two
 * hashes are equal does a second pass compare the paths of those inputs. */
static size_t find_collisions(const batch *b, const cli_inputs *inputs)
{
    uint64_t *hashes = cli_calloc(b->count, sizeof *hashes);
    size_t n = 0;
    cli_input_iter it;
    cli_input in;
    cli_inputs_begin(inputs, &it);
    while (cli_inputs_next(&it, &in)) {
        if (!takes_output(&in))
            continue;
        char *path = output_path(b, b->ctx, in.rel);
        hashes[n++] = hash_string(path);
        free(path);
    }
    cli_input_iter_end(&it);
    qsort(hashes, n, sizeof *hashes, compare_u64);
    size_t dups = 0;
    for (size_t i = 1; i < n; i++)
        if (hashes[i] == hashes[i - 1] &&
            (dups == 0 || hashes[dups - 1] != hashes[i]))
            hashes[dups++] = hashes[i];
    size_t found = 0;
    if (dups) {
        /* The inputs whose output hash is one of the repeated ones. */
        claim *claims = NULL;
        size_t count = 0, cap = 0, index = 0;
        cli_inputs_begin(inputs, &it);
        while (cli_inputs_next(&it, &in)) {
            index++;
            if (!takes_output(&in))
                continue;
            char *path = output_path(b, b->ctx, in.rel);
            uint64_t h = hash_string(path);
            if (!bsearch(&h, hashes, dups, sizeof *hashes, compare_u64)) {
                free(path);
                continue;
            }
            if (count == cap) {
                cap = cap ? cap * 2 : 16;
                claims = cli_realloc(claims, cap * sizeof *claims);
            }
            claims[count].index = index;
            claims[count].in_path =
                cli_strdup(strcmp(in.path, "-") == 0 ? "<stdin>" : in.path);
            claims[count].out_path = path;
            count++;
        }
        cli_input_iter_end(&it);
        qsort(claims, count, sizeof *claims, compare_claims);
        for (size_t i = 1; i < count; i++) {
            size_t first = i - 1;
            while (first > 0 &&
                   strcmp(claims[first - 1].out_path, claims[i].out_path) == 0)
                first--;
            if (strcmp(claims[first].out_path, claims[i].out_path) != 0)
                continue;
            fprintf(stderr,
                    "%s: error: would be written to %s, as %s would: rename "
                    "one of them, or leave one out with --exclude\n",
                    claims[i].in_path, claims[i].out_path,
                    claims[first].in_path);
            found++;
        }
        for (size_t i = 0; i < count; i++) {
            free(claims[i].in_path);
            free(claims[i].out_path);
        }
        free(claims);
    }
    free(hashes);
    return found;
}

/* --split names agents after every output of the run: the mirrored paths
 * of all inputs are taken before the first agent is named. */
static void take_mirrored_names(batch *b, const cli_inputs *inputs)
{
    cli_input_iter it;
    cli_input in;
    cli_inputs_begin(inputs, &it);
    while (cli_inputs_next(&it, &in)) {
        if (!takes_output(&in))
            continue;
        char *path = output_path(b, b->ctx, in.rel);
        if (path)
            set_add(&b->used, path);
        free(path);
    }
    cli_input_iter_end(&it);
}

/* ---- after ---- */

static void on_main_warning(void *user, const ac_error *warning)
{
    batch *b = user;
    cli_diags_add_error(&b->run_diags, warning, false, NULL);
}

/* --bundle: every agent read, in input order, as one collection. */
static void finish_bundle(batch *b)
{
    const cli_batch_options *opt = b->opt;
    const char *target = opt->output ? opt->output : "<stdout>";
    size_t failed = 0, total = 0;
    for (size_t i = 0; i < b->count; i++) {
        if (b->ring[i].status == JOB_FAILED)
            failed++;
        total += b->ring[i].doc_count;
    }
    size_t before = b->run_diags.count;
    if (failed) {
        cli_diags_add(&b->run_diags, true, target, 0, 0,
                      "not written: %zu input%s failed", failed,
                      failed == 1 ? "" : "s");
    } else {
        ac_doc **docs = cli_calloc(total, sizeof *docs);
        size_t n = 0;
        for (size_t i = 0; i < b->count; i++)
            for (size_t k = 0; k < b->ring[i].doc_count; k++)
                docs[n++] = b->ring[i].docs[k];
        char *data = NULL;
        size_t len = 0;
        ac_error err;
        ac_status wst =
            opt->keyed
                ? ac_write_keyed(
                      b->ctx, opt->to, docs, n,
                      opt->to_dialect ? opt->to_dialect->keyed_member : "",
                      opt->to_dialect && opt->to_dialect->keyed_prompt_key
                          ? opt->to_dialect->keyed_prompt_key
                          : "prompt",
                      &data, &len, &err)
                : ac_write_many(b->ctx, opt->to, docs, n, &data, &len, &err);
        if (wst != AC_OK) {
            cli_diags_add(&b->run_diags, true, target, err.line, err.column,
                          "%s", err.text);
        }
        free(docs);
        cli_write_result r = CLI_WRITE_FAILED;
        if (data && opt->output) {
            job sink = {0};
            write_one(b, &sink, opt->output, data, len);
            r = sink.outs[0].result;
            for (size_t i = 0; i < sink.diags.count; i++) {
                cli_diag *d = &sink.diags.items[i];
                cli_diags_add(&b->run_diags, d->is_error, d->source, d->line,
                              d->column, "%s", d->text);
            }
            if (opt->dry_run)
                print_dry_run(&sink);
            cli_diags_free(&sink.diags);
            free(sink.outs[0].path);
            free(sink.outs);
        } else if (data) {
            r = CLI_WRITTEN;
            if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
                cli_diags_add(&b->run_diags, true, "agentconv", 0, 0,
                              "cannot write to standard output: %s",
                              strerror(errno));
                r = CLI_WRITE_FAILED;
            }
        }
        free(data);
        /* Each input's agents went into the bundle: it shares its fate. */
        for (size_t i = 0; i < b->count; i++) {
            job *j = &b->ring[i];
            if (j->status != JOB_CONVERTED)
                continue;
            add_output(j, opt->output ? opt->output : "-", r);
            settle(j);
        }
    }
    for (size_t i = 0; i < b->count; i++) {
        ac_docs_free(b->ring[i].docs, b->ring[i].doc_count);
        b->ring[i].docs = NULL;
    }
    print_diags(b, &b->run_diags, before);
}

/* The report: its head (with the summary) and tail around the entries
 * spooled while the run went, streamed into place. */
static void write_report(batch *b, double seconds, int *rc)
{
    cli_report report = {
        .to = b->opt->to->name,
        .dry_run = b->opt->dry_run,
        .input_count = b->count,
        .run_diagnostics = &b->run_diags,
        .converted = b->counts[JOB_CONVERTED],
        .unchanged = b->counts[JOB_UNCHANGED],
        .skipped = b->counts[JOB_SKIPPED],
        .exists = b->counts[JOB_EXISTS],
        .failed = b->counts[JOB_FAILED],
        .seconds = seconds,
    };
    char *head = cli_report_head(&report);
    const char *tail = cli_report_tail(b->count);
    char *why = NULL;
    cli_file_writer fw;
    bool ok = cli_file_writer_open(&fw, b->opt->report, &why);
    if (ok) {
        cli_file_writer_put(&fw, head, strlen(head));
        if (b->spool) {
            char chunk[65536];
            size_t n;
            rewind(b->spool);
            while ((n = fread(chunk, 1, sizeof chunk, b->spool)) > 0)
                cli_file_writer_put(&fw, chunk, n);
            if (ferror(b->spool))
                cli_file_writer_fail(&fw, errno ? errno : EIO);
        } else if (b->spool_mem.len) {
            cli_file_writer_put(&fw, b->spool_mem.data, b->spool_mem.len);
        }
        cli_file_writer_put(&fw, tail, strlen(tail));
        ok = cli_file_writer_close(&fw, &why) != CLI_WRITE_FAILED;
    }
    if (!ok) {
        progress_clear(b);
        fprintf(stderr, "%s: error: %s\n", b->opt->report, why);
        *rc = EXIT_INPUT;
    }
    free(why);
    free(head);
}

static void print_summary(const batch *b, const unsigned long counts[5],
                          double seconds)
{
    fprintf(stderr, "agentconv: %s%lu %s, %lu unchanged, %lu skipped, ",
            b->opt->dry_run ? "dry run: " : "", counts[JOB_CONVERTED],
            b->opt->dry_run ? "to convert" : "converted", counts[JOB_UNCHANGED],
            counts[JOB_SKIPPED]);
    if (counts[JOB_EXISTS])
        fprintf(stderr, "%lu not overwritten, ", counts[JOB_EXISTS]);
    fprintf(stderr, "%lu failed in %.2f s\n", counts[JOB_FAILED], seconds);
}

/* index.html in the -o folder: every page written (or unchanged) in this
 * run, in input order, linked by its path relative to the folder. */
static void write_index(batch *b)
{
    size_t n = 0, cap = 0;
    const char **hrefs = NULL;
    const ac_doc **docs = NULL;
    size_t prefix = strlen(b->opt->output);
    for (size_t i = 0; i < b->count; i++) {
        job *j = &b->ring[i];
        if ((j->status != JOB_CONVERTED && j->status != JOB_UNCHANGED) ||
            j->out_count != j->doc_count)
            continue;
        for (size_t k = 0; k < j->out_count; k++) {
            const char *path = j->outs[k].path;
            if (strncmp(path, b->opt->output, prefix) != 0)
                continue;
            path += prefix;
            while (*path == '/')
                path++;
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                hrefs = cli_realloc(hrefs, cap * sizeof *hrefs);
                docs = cli_realloc(docs, cap * sizeof *docs);
            }
            hrefs[n] = path;
            docs[n] = j->docs[k];
            n++;
        }
    }
    char *data = NULL;
    size_t len = 0;
    ac_error err;
    char *path = cli_path_join(b->opt->output, "index.html");
    size_t before = b->run_diags.count;
    if (ac_html_index(b->ctx, hrefs, docs, n, &data, &len, &err) != AC_OK) {
        cli_diags_add_error(&b->run_diags, &err, true, path);
    } else {
        char *why = NULL;
        cli_write_result r =
            cli_write_output(path, data, len, b->opt->force, false, &why);
        if (r == CLI_WRITE_FAILED)
            cli_diags_add(&b->run_diags, true, path, 0, 0, "%s", why);
        else if (r == CLI_EXISTS)
            cli_diags_add(&b->run_diags, true, path, 0, 0,
                          "exists with other contents: use --force to "
                          "replace it");
        free(why);
    }
    print_diags(b, &b->run_diags, before);
    free(data);
    free(path);
    free(hrefs);
    free(docs);
}

int cli_run_batch(const cli_batch_options *opt, const cli_inputs *inputs)
{
    batch b = {.opt = opt, .count = inputs->count};
    b.ctx = new_context(opt, on_main_warning, &b);
    b.ext = opt->extension
                ? opt->extension
                : cli_target_extension(opt->to, b.ext_buf, sizeof b.ext_buf);
    int rc = EXIT_OK;
    if (opt->mode == CLI_TO_DIR && find_collisions(&b, inputs)) {
        fputs("agentconv: error: nothing was written\n", stderr);
        rc = EXIT_INPUT;
        goto done;
    }
    if (opt->split)
        take_mirrored_names(&b, inputs);
    /* Outputs in a -o folder that is not there yet cannot exist: they are
     * written without looking first (cli_write_new_output). */
    if (opt->mode == CLI_TO_DIR && !opt->dry_run) {
        struct stat st;
        b.fresh = lstat(opt->output, &st) != 0 && errno == ENOENT;
    }

    unsigned threads = opt->jobs;
    if (threads > b.count)
        threads = (unsigned)b.count;
    if (threads < 1)
        threads = 1;
    /* Chunks: a few per worker for a small run (so that all are busy), at
     * most 32 inputs, so that a hand-over is rare. */
    b.chunk = b.count / ((size_t)threads * 8);
    if (b.chunk < 1)
        b.chunk = 1;
    if (b.chunk > 32)
        b.chunk = 32;
    b.keep_all = opt->mode == CLI_TO_BUNDLE || wants_index(&b);
    /* The window: 16 chunks per thread, at most 4,096 inputs (a few
     * hundred kB of records) unless the threads need more for 2 chunks
     * each, and never more than the inputs. */
    size_t per_chunk = (size_t)threads * b.chunk;
    b.ring_size = per_chunk * 16 < 4096 ? per_chunk * 16 : 4096;
    if (b.ring_size < per_chunk * 2)
        b.ring_size = per_chunk * 2;
    if (threads <= 1)
        b.ring_size = 1;
    if (b.keep_all || b.ring_size > b.count)
        b.ring_size = b.count;
    if (b.ring_size == 0)
        b.ring_size = 1;
    b.ring = cli_calloc(b.ring_size, sizeof *b.ring);
    if (opt->report)
        b.spool = tmpfile();
    cli_inputs_begin(inputs, &b.iter);

    b.start = b.last_draw = cli_now();
    if (threads <= 1)
        run_in_order(&b);
    else
        run_threads(&b, threads);
    cli_input_iter_end(&b.iter);
    if (opt->mode == CLI_TO_BUNDLE)
        finish_bundle(&b);
    if (wants_index(&b))
        write_index(&b);
    if (b.keep_all)
        for (size_t i = 0; i < b.count; i++)
            retire(&b, &b.ring[i]);
    progress_clear(&b);

    double seconds = cli_now() - b.start;
    if (b.counts[JOB_FAILED] || b.counts[JOB_EXISTS])
        rc = EXIT_INPUT;
    for (size_t i = 0; i < b.run_diags.count; i++)
        if (b.run_diags.items[i].is_error)
            rc = EXIT_INPUT;
    if (opt->report)
        write_report(&b, seconds, &rc);
    if (opt->summary && !opt->quiet)
        print_summary(&b, b.counts, seconds);

done:
    if (b.ring)
        for (size_t i = 0; i < b.ring_size; i++)
            job_free(&b.ring[i]);
    free(b.ring);
    if (b.spool)
        fclose(b.spool);
    cli_buf_free(&b.spool_mem);
    cli_buf_free(&b.entry);
    set_free(&b.used);
    cli_diags_free(&b.run_diags);
    ac_context_free(b.ctx);
    return rc;
}
