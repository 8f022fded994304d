/*
 * agentconv: the command-line tool. It uses only the public API.
 *
 * main.c reads the options and runs --check; walk.c expands directories
 * into inputs, batch.c converts them (in parallel), output.c names and
 * writes the outputs, report.c writes --report. docs/batch.md has the rules.
 *
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE /* getopt_long */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agentconv/agentconv.h"
#include "batch.h"
#include "cli.h"
#include "output.h"
#include "walk.h"

enum {
    OPT_LIST_FORMATS = 256,
    OPT_CHECK,
    OPT_STRICT,
    OPT_FROM_DIALECT,
    OPT_FORCE,
    OPT_DRY_RUN,
    OPT_INCLUDE,
    OPT_EXCLUDE,
    OPT_SPLIT,
    OPT_BUNDLE,
    OPT_REPORT,
    OPT_TO_DIALECT,
    OPT_KEYED,
    OPT_RESOLVE_PROMPT_FILES,
    OPT_LIST_DIALECTS,
    OPT_MODEL_MAP,
    OPT_PLUGIN,
};

/* Which dialect's rules --check adds. */
typedef enum dialect {
    DIALECT_AUTO, /* from the path: Claude Code's under .claude/agents/, ... */
    DIALECT_NONE, /* the schema's rules only */
    DIALECT_CLAUDE, /* Claude Code's for every file */
    DIALECT_OTHER   /* another tool's, named by from_dialect_name */
} dialect;

/* A list of strings given by a repeatable option. */
typedef struct string_list {
    char **items;
    size_t count;
} string_list;

typedef struct options {
    const char *to;
    const char *from;
    const char *output;
    bool quiet;
    bool check;
    bool strict;
    bool force;
    bool dry_run;
    bool split;
    bool bundle;
    const char *report;
    unsigned jobs; /* 0: the number of cores */
    string_list include;
    string_list exclude;
    string_list plugins; /* --plugin FILE.so, in order */
    dialect from_dialect;
    const char *from_dialect_name; /* --from-dialect, as given */
    const char *to_dialect_name;   /* --to-dialect, as given */
    bool keyed;
    bool resolve_prompt_files;
    const char *model_map; /* --model-map FILE */
    string_list models;    /* its rows: dialect, spelling, term */
    /* Counted over the whole run, for the --check summary. */
    unsigned long warnings;
    unsigned long errors;
} options;

static void usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static void usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("agentconv: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    /* Point at the help unless the message already names where to look. */
    if (!strstr(fmt, "--list-"))
        fputs(" (try 'agentconv --help')", stderr);
    fputc('\n', stderr);
    va_end(ap);
}

static void print_help(void)
{
    fputs(
        "Usage: agentconv [OPTION]... FILE|DIR...\n"
        "Convert AI agent definitions between forms: markdown with YAML front\n"
        "matter (md), JSON (json), YAML (yaml) and XML (xml), and write\n"
        "them as HTML pages (html); --list-formats shows them. FILE '-' is\n"
        "standard input. A DIR is walked for agent files (markdown by\n"
        "default) and mirrored under -o DIR.\n"
        "\n"
        "  -t, --to FORMAT      form to write (required unless --check)\n"
        "  -f, --from FORMAT    form to read (default: from the file name,\n"
        "                       else sniffed from the content); a walk takes\n"
        "                       the files with this form's extensions\n"
        "  -o, --output PATH    write to PATH instead of standard output: a\n"
        "                       directory when PATH ends in '/', is one, or\n"
        "                       there are several inputs or a DIR; else a\n"
        "                       file. Outputs are written to a temporary file\n"
        "                       and renamed into place\n"
        "      --force          replace existing outputs (one that would not\n"
        "                       change is left alone anyway)\n"
        "      --dry-run        print what would be written, write nothing\n"
        "  -j, --jobs N         convert N files at a time (default: the\n"
        "                       number of cores); the outputs and messages\n"
        "                       are the same for every N\n"
        "      --include GLOB   a walk also takes files matching GLOB\n"
        "      --exclude GLOB   a walk leaves out files and folders matching\n"
        "                       GLOB (a GLOB without '/' matches the name,\n"
        "                       one with '/' the path inside the DIR)\n"
        "      --split          write each agent of a collection (a JSON\n"
        "                       array, a YAML sequence or stream, an XML\n"
        "                       <agents>) to its own file, named from its\n"
        "                       name, in the -o directory\n"
        "      --bundle         write every agent of every input as one\n"
        "                       collection (to -o FILE or standard output)\n"
        "      --report FILE    write a JSON record of every input to FILE\n"
        "  -q, --quiet          do not print warnings, progress, nor the\n"
        "                       summary line\n"
        "      --strict         treat every warning as an error: the input\n"
        "                       fails with the warning's text, and nothing\n"
        "                       is written for it\n"
        "      --check          read and check every input, write nothing\n"
        "                       (no -t, no -o): print every diagnostic and a\n"
        "                       summary line; exit 1 if an input has an error\n"
        "      --list-formats   list the forms and exit\n",
        stdout);
    fputs(
        "      --from-dialect NAME\n"
        "                       the tool the inputs are written for: claude,\n"
        "                       copilot, opencode, gemini, kiro, or none;\n"
        "                       by default detected from the path (e.g.\n"
        "                       .claude/agents/) and the keys. --check adds\n"
        "                       that tool's rules\n"
        "      --to-dialect NAME\n"
        "                       translate fields, tool names and models for\n"
        "                       that tool (names as above; none, the\n"
        "                       default, converts the syntax only); implies\n"
        "                       the tool's form when -t is not given, and\n"
        "                       with -o DIR writes into the tool's layout\n"
        "                       (e.g. DIR/.github/agents/NAME.agent.md).\n"
        "                       Whatever has no equivalent is reported\n"
        "      --keyed          read json and yaml inputs as collections\n"
        "                       keyed by agent name (Claude Code's --agents\n"
        "                       JSON; the \"agent\" map of opencode.json is\n"
        "                       read so anyway); with --bundle, write one\n"
        "      --resolve-prompt-files\n"
        "                       read prompts kept in other files (Kiro's\n"
        "                       file://, OpenCode's {file:...}) into the\n"
        "                       instructions; only files inside the input's\n"
        "                       folder are read\n"
        "      --model-map FILE\n"
        "                       more model names: a json or yaml object\n"
        "                       {DIALECT: {NAME: MODEL_ID}}, ahead of the\n"
        "                       built-in table (docs/dialects.md)\n"
        "      --list-dialects  list the tools (dialects) and exit\n"
        "      --plugin FILE.so\n"
        "                       load a plugin that adds forms, which -t, -f\n"
        "                       and --list-formats then know (repeatable; a\n"
        "                       FILE without '/' is in the current folder);\n"
        "                       docs/plugins.md says how to write one\n"
        "  -h, --help           show this help and exit\n"
        "  -V, --version        show the version and exit\n"
        "\n"
        "Examples:\n"
        "  agentconv rust-backend-engineer.md -t json\n"
        "  agentconv agent.json -t md -o agent.md\n"
        "  agentconv -t json -o out/ .claude/agents/\n"
        "  agentconv -t yaml --bundle -o team.yaml agents/\n"
        "  agentconv -t md --split -o agents/ team.json\n"
        "  cat agent.md | agentconv -t json -\n"
        "  agentconv --check .claude/agents/\n"
        "  agentconv --to-dialect copilot -o repo/ .claude/agents/\n"
        "  agentconv --keyed -t md --split -o agents/ opencode.json\n"
        "\n"
        "A run over a directory never overwrites an output that differs\n"
        "without --force, skips markdown files without front matter (READMEs)\n"
        "and ends with a summary line; docs/batch.md has every rule.\n"
        "\n"
        "Exit status: 0 on success, 1 when an input could not be converted or\n"
        "an output exists and differs (with --check: when an input has an\n"
        "error), 2 on a usage error. Diagnostics are printed on standard\n"
        "error as 'path:line:column: error: message' (or 'warning:').\n",
        stdout);
}

/* The extensions of a format, space-separated, into `buf`. */
static const char *extension_list(const ac_format *f, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (const char *const *e = f->extensions; e && *e; e++) {
        int n = snprintf(buf + used, size - used, "%s%s", used ? " " : "", *e);
        if (n < 0 || (size_t)n >= size - used)
            break;
        used += (size_t)n;
    }
    return used ? buf : "-";
}

static void list_formats(const ac_context *ctx)
{
    char ext[256];
    int name_w = 4, ext_w = 10;
    for (size_t i = 0; i < ac_format_count(ctx); i++) {
        const ac_format *f = ac_format_at(ctx, i);
        int n = (int)strlen(f->name);
        int e = (int)strlen(extension_list(f, ext, sizeof ext));
        name_w = n > name_w ? n : name_w;
        ext_w = e > ext_w ? e : ext_w;
    }
    printf("%-*s  %-5s  %-5s  %-*s  %s\n", name_w, "NAME", "READ", "WRITE",
           ext_w, "EXTENSIONS", "DESCRIPTION");
    for (size_t i = 0; i < ac_format_count(ctx); i++) {
        const ac_format *f = ac_format_at(ctx, i);
        printf("%-*s  %-5s  %-5s  %-*s  %s\n", name_w, f->name,
               f->read ? "yes" : "no", f->write ? "yes" : "no", ext_w,
               extension_list(f, ext, sizeof ext),
               f->description ? f->description : "");
    }
}

static void list_dialects(const ac_context *ctx)
{
    printf("%-9s  %-15s  %-5s  %s\n", "NAME", "TOOL", "FORM", "FILES");
    for (size_t i = 0; i < ac_dialect_count(ctx); i++) {
        const ac_dialect *d = ac_dialect_at(ctx, i);
        printf("%-9s  %-15s  %-5s  %s/NAME%s\n", d->name, d->title, d->form,
               d->folder ? d->folder : ".", d->extension ? d->extension : "");
    }
}

static void print_diagnostic(const ac_error *e, const char *level)
{
    char line[AC_ERROR_SOURCE_LENGTH + AC_ERROR_TEXT_LENGTH + 64];
    ac_error_format(e, level, line, sizeof line);
    fprintf(stderr, "%s\n", line);
}

static void on_warning(void *user, const ac_error *w)
{
    options *opt = user;
    opt->warnings++;
    if (!opt->quiet)
        print_diagnostic(w, "warning");
}

/* ---- --check ---- */

/* Whether `path` lies under a ".claude/agents/" folder (at any depth), where
 * Claude Code looks for its subagents. */
static bool in_claude_agents(const char *path)
{
    static const char dir[] = ".claude/agents/";
    return strncmp(path, dir, sizeof dir - 1) == 0 ||
           strstr(path, "/.claude/agents/") != NULL;
}

static void on_diagnostic(void *user, const ac_error *d, bool is_error)
{
    options *opt = user;
    if (is_error) {
        opt->errors++;
        print_diagnostic(d, "error");
        return;
    }
    on_warning(user, d);
}

/* Read and check one input (every agent of a collection). Returns EXIT_OK,
 * EXIT_INPUT when it has an error, or -1 when a walk found a markdown file
 * without front matter, which is skipped. */
static int check_one(ac_context *ctx, options *opt, const ac_format *from,
                     const cli_input *in)
{
    const char *path = in->path;
    if (in->fail) {
        opt->errors++;
        fprintf(stderr, "%s: error: %s\n", path, in->fail);
        return EXIT_INPUT;
    }
    if (in->skip) {
        opt->warnings++;
        if (!opt->quiet)
            fprintf(stderr, "%s: warning: %s\n", path, in->skip);
        return -1;
    }
    ac_error err;
    ac_doc **docs = NULL;
    size_t count = 0;
    bool collection = false;
    /* a collection keyed by name: opencode.json, or --keyed json/yaml */
    const ac_dialect *keyed_by = cli_keyed_file_dialect(ctx, path);
    bool keyed = keyed_by ||
                 (opt->keyed &&
                  cli_keyed_form(from ? from : ac_format_for_path(ctx, path)));
    if (keyed && !keyed_by && opt->from_dialect_name)
        keyed_by = ac_dialect_find(ctx, opt->from_dialect_name);
    ac_status st =
        keyed ? ac_read_file_keyed(ctx, from, path,
                                   keyed_by && keyed_by->keyed_member
                                       ? keyed_by->keyed_member
                                       : "",
                                   keyed_by && keyed_by->keyed_prompt_key
                                       ? keyed_by->keyed_prompt_key
                                       : "prompt",
                                   &docs, &count, &err)
              : ac_read_file_many(ctx, from, path, &docs, &count, &collection,
                                  &err);
    if (st != AC_OK) {
        if (in->walked && cli_is_not_an_agent(&err))
            return -1;
        opt->errors++;
        cli_print_error(&err, true);
        return EXIT_INPUT;
    }
    bool is_stdin = strcmp(path, "-") == 0;
    unsigned flags = 0;
    if (opt->from_dialect == DIALECT_CLAUDE ||
        (opt->from_dialect == DIALECT_AUTO && !is_stdin &&
         in_claude_agents(path)))
        flags |= AC_CHECK_CLAUDE;
    const ac_dialect *rules = NULL;
    if (opt->from_dialect == DIALECT_OTHER)
        rules = ac_dialect_find(ctx, opt->from_dialect_name);
    else if (opt->from_dialect == DIALECT_AUTO && !is_stdin &&
             !(flags & AC_CHECK_CLAUDE)) {
        rules = ac_dialect_detect(ctx, path, NULL);
        if (rules && strcmp(rules->name, "claude") == 0)
            rules = NULL;
    }
    size_t errors = 0;
    for (size_t i = 0; i < count; i++) {
        errors += ac_doc_check(ctx, docs[i], is_stdin ? "<stdin>" : path, flags,
                               on_diagnostic, opt);
        if (rules)
            errors += ac_dialect_check(ctx, rules, docs[i],
                                       is_stdin ? "<stdin>" : path,
                                       on_diagnostic, opt);
    }
    ac_docs_free(docs, count);
    return errors ? EXIT_INPUT : EXIT_OK;
}

/* "1 file", "3 errors": a count and a noun, plural unless one. */
static const char *counted(unsigned long n, const char *noun, char *buf,
                           size_t size)
{
    snprintf(buf, size, "%lu %s%s", n, noun, n == 1 ? "" : "s");
    return buf;
}

/* The one summary line of --check, on stderr. */
static void print_check_summary(const options *opt, unsigned long files,
                                unsigned long failed, unsigned long skipped)
{
    char f[64], e[64], w[64], ff[64];
    fprintf(stderr, "agentconv: checked %s",
            counted(files, "file", f, sizeof f));
    if (skipped)
        fprintf(stderr, ", skipped %lu", skipped);
    fputs(": ", stderr);
    if (opt->errors)
        fprintf(stderr, "%s in %s, ",
                counted(opt->errors, "error", e, sizeof e),
                counted(failed, "file", ff, sizeof ff));
    else
        fputs("no errors, ", stderr);
    if (opt->warnings)
        fprintf(stderr, "%s\n", counted(opt->warnings, "warning", w, sizeof w));
    else
        fputs("no warnings\n", stderr);
}

static void list_add(string_list *list, const char *s)
{
    list->items =
        cli_realloc(list->items, (list->count + 1) * sizeof *list->items);
    /* "./x" and "x" mean the same path inside the walked directory. */
    while (s[0] == '.' && s[1] == '/')
        s += 2;
    list->items[list->count++] = cli_strdup(s);
}

static void list_free(string_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i]);
    free(list->items);
}

/* -j N: a number from 1 to 1024. */
static bool parse_jobs(const char *s, unsigned *out)
{
    char *end;
    errno = 0;
    long n = strtol(s, &end, 10);
    if (errno || end == s || *end || n < 1 || n > 1024)
        return false;
    *out = (unsigned)n;
    return true;
}

static unsigned default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        return 1;
    return n > 1024 ? 1024 : (unsigned)n;
}

/* The forms that hold collections, for a message: "json, yaml, xml". */
static void collection_forms(const ac_context *ctx, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < ac_format_count(ctx); i++) {
        const ac_format *f = ac_format_at(ctx, i);
        if (!f->write_many)
            continue;
        int n = snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
                         f->name);
        if (n < 0 || (size_t)n >= size - used)
            break;
        used += (size_t)n;
    }
    if (!used)
        snprintf(buf, size, "none yet");
}

static bool ends_with_slash(const char *s)
{
    size_t n = strlen(s);
    return n > 0 && s[n - 1] == '/';
}

static bool exists_not_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

/* The inputs named on the command line, directories walked with the
 * --include and --exclude globs; `avoid` are paths the walk never takes. */
static void expand_inputs(ac_context *ctx, const options *opt,
                          const ac_format *from, const char **avoid,
                          size_t avoid_count, char *const *args, size_t nargs,
                          cli_inputs *inputs)
{
    cli_walk_options wo = {
        .ctx = ctx,
        .from = from,
        .include = opt->include.items,
        .include_count = opt->include.count,
        .exclude = opt->exclude.items,
        .exclude_count = opt->exclude.count,
        .avoid = avoid,
        .avoid_count = avoid_count,
    };
    cli_expand_inputs(&wo, args, nargs, inputs);
}

/* --check over the inputs (directories walked). */
static int run_check(ac_context *ctx, options *opt, const ac_format *from,
                     char *const *args, size_t nargs)
{
    cli_inputs inputs = {0};
    expand_inputs(ctx, opt, from, NULL, 0, args, nargs, &inputs);
    unsigned long failed = 0, skipped = 0, checked = 0;
    int rc = EXIT_OK;
    cli_input_iter it;
    cli_input in;
    cli_inputs_begin(&inputs, &it);
    while (cli_inputs_next(&it, &in)) {
        int r = check_one(ctx, opt, from, &in);
        if (r < 0) {
            skipped++;
            continue;
        }
        checked++;
        if (r != EXIT_OK) {
            failed++;
            rc = EXIT_INPUT;
        }
    }
    cli_input_iter_end(&it);
    if (!opt->quiet)
        print_check_summary(opt, checked, failed, skipped);
    cli_inputs_free(&inputs);
    return rc;
}

/* --model-map FILE: read {dialect: {spelling: model id}} into opt->models
 * (and the main context). Returns false after printing why. */
static bool load_model_map(ac_context *ctx, options *opt)
{
    ac_doc *doc = NULL;
    ac_error err;
    if (ac_read_file(ctx, NULL, opt->model_map, &doc, &err) != AC_OK) {
        cli_print_error(&err, true);
        return false;
    }
    const ac_value *fields = ac_doc_fields(doc);
    bool ok = true;
    for (size_t i = 0; ok && i < ac_value_size(fields); i++) {
        size_t dlen = 0;
        const char *tool = ac_map_key(fields, i, &dlen);
        const ac_value *rows = ac_map_value(fields, i);
        if (!ac_dialect_find(ctx, tool)) {
            fprintf(stderr,
                    "%s:%d:%d: error: unknown dialect \"%s\" (see "
                    "'agentconv --list-dialects')\n",
                    opt->model_map, ac_map_key_line(fields, i),
                    ac_map_key_column(fields, i), tool);
            ok = false;
            break;
        }
        if (ac_value_type(rows) != AC_MAP) {
            fprintf(stderr,
                    "%s:%d:%d: error: \"%s\" must map model names to model "
                    "ids\n",
                    opt->model_map, ac_value_line(rows), ac_value_column(rows),
                    tool);
            ok = false;
            break;
        }
        for (size_t k = 0; k < ac_value_size(rows); k++) {
            size_t nlen = 0;
            const char *name = ac_map_key(rows, k, &nlen);
            const ac_value *term = ac_map_value(rows, k);
            if (ac_value_type(term) != AC_STRING) {
                fprintf(stderr,
                        "%s:%d:%d: error: the model id of \"%s\" must be a "
                        "string\n",
                        opt->model_map, ac_value_line(term),
                        ac_value_column(term), name);
                ok = false;
                break;
            }
            list_add(&opt->models, tool);
            list_add(&opt->models, name);
            list_add(&opt->models, ac_value_string(term, NULL));
        }
    }
    ac_doc_free(doc);
    return ok;
}

/* A conversion: decide where the outputs go, walk, run the batch. */
static int run_convert(ac_context *ctx, options *opt, const ac_format *from,
                       const ac_format *to, char *const *args, size_t nargs)
{
    size_t dirs = 0;
    bool has_stdin = false;
    char *layout = NULL;
    for (size_t i = 0; i < nargs; i++) {
        if (strcmp(args[i], "-") == 0)
            has_stdin = true;
        else if (cli_is_directory(args[i]))
            dirs++;
    }
    const ac_dialect *to_dialect =
        opt->to_dialect_name ? ac_dialect_find(ctx, opt->to_dialect_name)
                             : NULL;
    cli_batch_options bo = {
        .from = from,
        .to = to,
        .output = opt->output,
        .to_dialect = to_dialect,
        .from_dialect = opt->from_dialect_name
                            ? ac_dialect_find(ctx, opt->from_dialect_name)
                            : NULL,
        .keyed = opt->keyed,
        .models = (const char *const *)opt->models.items,
        .model_count = opt->models.count / 3,
        .resolve_prompt_files = opt->resolve_prompt_files,
        .split = opt->split,
        .force = opt->force,
        .dry_run = opt->dry_run,
        .strict = opt->strict,
        .quiet = opt->quiet,
        .jobs = opt->jobs ? opt->jobs : default_jobs(),
        .report = opt->report,
        .plugins = opt->plugins.items,
        .plugin_count = opt->plugins.count,
    };
    if (opt->split && opt->bundle) {
        usage_error("%s", "--split and --bundle do opposite things: give one");
        return EXIT_USAGE;
    }
    if (opt->bundle && opt->keyed) {
        if (strcmp(to->name, "json") != 0 && strcmp(to->name, "yaml") != 0) {
            usage_error("--bundle --keyed writes a json or yaml object, not %s",
                        to->name);
            return EXIT_USAGE;
        }
        if (to_dialect && !to_dialect->keyed_member) {
            usage_error("%s keeps no agents keyed by name in one file",
                        to_dialect->title);
            return EXIT_USAGE;
        }
    }
    if (opt->bundle) {
        if (!to->write_many) {
            char forms[128];
            collection_forms(ctx, forms, sizeof forms);
            usage_error("%s holds one agent per file: --bundle needs a form "
                        "that holds a collection (%s)",
                        to->name, forms);
            return EXIT_USAGE;
        }
        if (opt->output && cli_is_directory(opt->output)) {
            usage_error("--bundle writes one file, but -o %s is a directory",
                        opt->output);
            return EXIT_USAGE;
        }
        bo.mode = CLI_TO_BUNDLE;
    } else if (opt->output) {
        bool dir = opt->split || ends_with_slash(opt->output) ||
                   cli_is_directory(opt->output) || nargs > 1 || dirs > 0;
        if (dir && exists_not_directory(opt->output)) {
            usage_error("-o %s is a file, but %s needs a directory",
                        opt->output,
                        opt->split ? "--split" : "more than one output");
            return EXIT_USAGE;
        }
        if (dir && has_stdin) {
            usage_error("%s", "standard input ('-') has no name to mirror "
                              "under -o DIR: give -o FILE for it alone");
            return EXIT_USAGE;
        }
        bo.mode = dir ? CLI_TO_DIR : CLI_TO_FILE;
        if (dir && to_dialect) {
            /* the target tool's layout under the -o folder */
            if (to_dialect->folder)
                layout = cli_path_join(opt->output, to_dialect->folder);
            bo.extension = to_dialect->extension;
        }
    } else {
        if (opt->split) {
            usage_error("%s", "--split writes one file per agent: it needs "
                              "-o DIR");
            return EXIT_USAGE;
        }
        if (dirs) {
            usage_error("%s", "a directory input needs -o DIR (or --bundle, "
                              "or --check)");
            return EXIT_USAGE;
        }
        bo.mode = CLI_TO_STDOUT;
    }
    if (opt->dry_run && !opt->output) {
        usage_error("%s", "--dry-run says what -o would write: it needs -o");
        return EXIT_USAGE;
    }
    bo.summary = bo.mode == CLI_TO_DIR || bo.mode == CLI_TO_BUNDLE;
    bo.progress = bo.summary && !opt->quiet && isatty(STDERR_FILENO);

    if (layout)
        bo.output = layout;
    /* The walk never takes what this run writes. */
    const char *avoid[3] = {opt->output, opt->report, layout};
    cli_inputs inputs = {0};
    const ac_format *walk_form = from;
    if (!walk_form && bo.from_dialect)
        walk_form = ac_format_find(ctx, bo.from_dialect->form);
    expand_inputs(ctx, opt, walk_form, avoid, 3, args, nargs, &inputs);
    if (inputs.count == 0 && !opt->quiet)
        fputs("agentconv: warning: no agent files found in the directories "
              "given\n",
              stderr);
    int rc = cli_run_batch(&bo, &inputs);
    cli_inputs_free(&inputs);
    free(layout);
    return rc;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"to", required_argument, NULL, 't'},
        {"from", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {"jobs", required_argument, NULL, 'j'},
        {"force", no_argument, NULL, OPT_FORCE},
        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
        {"include", required_argument, NULL, OPT_INCLUDE},
        {"exclude", required_argument, NULL, OPT_EXCLUDE},
        {"split", no_argument, NULL, OPT_SPLIT},
        {"bundle", no_argument, NULL, OPT_BUNDLE},
        {"report", required_argument, NULL, OPT_REPORT},
        {"plugin", required_argument, NULL, OPT_PLUGIN},
        {"check", no_argument, NULL, OPT_CHECK},
        {"strict", no_argument, NULL, OPT_STRICT},
        {"from-dialect", required_argument, NULL, OPT_FROM_DIALECT},
        {"to-dialect", required_argument, NULL, OPT_TO_DIALECT},
        {"keyed", no_argument, NULL, OPT_KEYED},
        {"resolve-prompt-files", no_argument, NULL, OPT_RESOLVE_PROMPT_FILES},
        {"list-dialects", no_argument, NULL, OPT_LIST_DIALECTS},
        {"model-map", required_argument, NULL, OPT_MODEL_MAP},
        {"list-formats", no_argument, NULL, OPT_LIST_FORMATS},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    options opt = {0};
    bool want_list = false, want_dialects = false;
    int rc = EXIT_OK;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":t:f:o:j:qhV", longopts, NULL)) !=
           -1) {
        switch (c) {
        case 't':
            opt.to = optarg;
            break;
        case 'f':
            opt.from = optarg;
            break;
        case 'o':
            opt.output = optarg;
            break;
        case 'q':
            opt.quiet = true;
            break;
        case 'j':
            if (!parse_jobs(optarg, &opt.jobs)) {
                usage_error("-j needs a number from 1 to 1024, not '%s'",
                            optarg);
                rc = EXIT_USAGE;
                goto out;
            }
            break;
        case OPT_FORCE:
            opt.force = true;
            break;
        case OPT_DRY_RUN:
            opt.dry_run = true;
            break;
        case OPT_INCLUDE:
            list_add(&opt.include, optarg);
            break;
        case OPT_EXCLUDE:
            list_add(&opt.exclude, optarg);
            break;
        case OPT_SPLIT:
            opt.split = true;
            break;
        case OPT_BUNDLE:
            opt.bundle = true;
            break;
        case OPT_REPORT:
            opt.report = optarg;
            break;
        case OPT_PLUGIN:
            /* Kept as given: list_add's "./" trimming is for globs. */
            opt.plugins.items =
                cli_realloc(opt.plugins.items, (opt.plugins.count + 1) *
                                                   sizeof *opt.plugins.items);
            opt.plugins.items[opt.plugins.count++] = cli_strdup(optarg);
            break;
        case OPT_LIST_FORMATS:
            want_list = true;
            break;
        case OPT_CHECK:
            opt.check = true;
            break;
        case OPT_STRICT:
            opt.strict = true;
            break;
        case OPT_FROM_DIALECT:
            opt.from_dialect_name = optarg;
            break;
        case OPT_TO_DIALECT:
            opt.to_dialect_name = optarg;
            break;
        case OPT_KEYED:
            opt.keyed = true;
            break;
        case OPT_RESOLVE_PROMPT_FILES:
            opt.resolve_prompt_files = true;
            break;
        case OPT_LIST_DIALECTS:
            want_dialects = true;
            break;
        case OPT_MODEL_MAP:
            opt.model_map = optarg;
            break;
        case 'h':
            print_help();
            goto out;
        case 'V':
            printf("agentconv %s\n", ac_version_string());
            goto out;
        case ':':
            usage_error("option '%s' needs an argument", argv[optind - 1]);
            rc = EXIT_USAGE;
            goto out;
        default:
            usage_error("unknown option '%s'", argv[optind - 1]);
            rc = EXIT_USAGE;
            goto out;
        }
    }

    cli_output_init();
    ac_context *ctx = ac_context_new();
    if (!ctx) {
        fputs("agentconv: error: out of memory\n", stderr);
        rc = EXIT_INPUT;
        goto out;
    }
    const ac_format *from = NULL, *to = NULL;
    /* A plugin that cannot be loaded is an error in the command line. */
    if (!cli_load_plugins(ctx, opt.plugins.items, opt.plugins.count)) {
        rc = EXIT_USAGE;
        goto done;
    }
    if (want_list) {
        list_formats(ctx);
        goto done;
    }
    if (want_dialects) {
        list_dialects(ctx);
        goto done;
    }
    /* Dialect names: "none" is plain syntax conversion. */
    if (opt.from_dialect_name) {
        if (strcasecmp(opt.from_dialect_name, "none") == 0) {
            opt.from_dialect = DIALECT_NONE;
            opt.from_dialect_name = NULL;
        } else if (!ac_dialect_find(ctx, opt.from_dialect_name)) {
            usage_error("unknown dialect '%s' (see 'agentconv "
                        "--list-dialects')",
                        opt.from_dialect_name);
            rc = EXIT_USAGE;
            goto done;
        } else if (strcasecmp(opt.from_dialect_name, "claude") == 0) {
            opt.from_dialect = DIALECT_CLAUDE;
        } else {
            opt.from_dialect = DIALECT_OTHER;
        }
    }
    if (opt.to_dialect_name) {
        if (strcasecmp(opt.to_dialect_name, "none") == 0) {
            opt.to_dialect_name = NULL;
        } else if (!ac_dialect_find(ctx, opt.to_dialect_name)) {
            usage_error("unknown dialect '%s' (see 'agentconv "
                        "--list-dialects')",
                        opt.to_dialect_name);
            rc = EXIT_USAGE;
            goto done;
        } else if (opt.check) {
            usage_error("%s", "--check writes nothing: leave out --to-dialect");
            rc = EXIT_USAGE;
            goto done;
        } else if (!opt.to) {
            opt.to = ac_dialect_find(ctx, opt.to_dialect_name)->form;
        }
    }
    if (opt.check && (opt.to || opt.output)) {
        usage_error("--check writes nothing: leave out %s",
                    opt.to ? "-t/--to" : "-o/--output");
        rc = EXIT_USAGE;
        goto done;
    }
    if (opt.check && (opt.split || opt.bundle || opt.dry_run || opt.report)) {
        usage_error("--check writes nothing: leave out %s",
                    opt.split    ? "--split"
                    : opt.bundle ? "--bundle"
                    : opt.report ? "--report"
                                 : "--dry-run");
        rc = EXIT_USAGE;
        goto done;
    }
    if (!opt.check && !opt.to) {
        usage_error("%s", "missing -t/--to FORMAT");
        rc = EXIT_USAGE;
        goto done;
    }
    to = opt.to ? ac_format_find(ctx, opt.to) : NULL;
    if (opt.to && (!to || !to->write)) {
        if (to)
            usage_error("format '%s' cannot be written", opt.to);
        else
            usage_error("unknown format '%s' (see 'agentconv --list-formats')",
                        opt.to);
        rc = EXIT_USAGE;
        goto done;
    }
    if (opt.from) {
        from = ac_format_find(ctx, opt.from);
        if (!from || !from->read) {
            if (from)
                usage_error("format '%s' cannot be read", opt.from);
            else
                usage_error(
                    "unknown format '%s' (see 'agentconv --list-formats')",
                    opt.from);
            rc = EXIT_USAGE;
            goto done;
        }
    }
    if (optind >= argc) {
        usage_error("%s", "no input file (use '-' for standard input)");
        rc = EXIT_USAGE;
        goto done;
    }
    /* (a comment in the model map is no news: no handler yet) */
    if (opt.model_map && !load_model_map(ctx, &opt)) {
        rc = EXIT_USAGE;
        goto done;
    }
    ac_context_set_warning_handler(ctx, on_warning, &opt);
    ac_context_set_strict(ctx, opt.strict);
    if (opt.check)
        rc = run_check(ctx, &opt, from, argv + optind, (size_t)(argc - optind));
    else
        rc = run_convert(ctx, &opt, from, to, argv + optind,
                         (size_t)(argc - optind));
done:
    ac_context_free(ctx);
out:
    list_free(&opt.include);
    list_free(&opt.exclude);
    list_free(&opt.models);
    list_free(&opt.plugins);
    return rc;
}
