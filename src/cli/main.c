/*
 * agentconv: the command-line tool. It uses only the public API.
 *
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE /* getopt_long */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agentconv/agentconv.h"

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2 };

enum {
    OPT_LIST_FORMATS = 256,
    OPT_CHECK,
    OPT_STRICT,
    OPT_FROM_DIALECT,
};

/* Which dialect's rules --check adds. */
typedef enum dialect {
    DIALECT_AUTO,  /* Claude Code's for files under a .claude/agents/ folder */
    DIALECT_NONE,  /* the schema's rules only */
    DIALECT_CLAUDE /* Claude Code's for every file */
} dialect;

typedef struct options {
    const char *to;
    const char *from;
    const char *output;
    bool quiet;
    bool check;
    bool strict;
    dialect from_dialect;
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
    if (!strstr(fmt, "--list-formats"))
        fputs(" (try 'agentconv --help')", stderr);
    fputc('\n', stderr);
    va_end(ap);
}

static void print_help(void)
{
    fputs(
        "Usage: agentconv [OPTION]... FILE...\n"
        "Convert AI agent definitions between forms: markdown with YAML front\n"
        "matter (md), JSON (json), YAML (yaml) and XML (xml); --list-formats\n"
        "shows them. FILE '-' is standard input.\n"
        "\n"
        "  -t, --to FORMAT      form to write (required unless --check)\n"
        "  -f, --from FORMAT    form to read (default: from the file name,\n"
        "                       else sniffed from the content)\n"
        "  -o, --output FILE    write to FILE instead of standard output\n"
        "                       (written to a temporary file, then renamed)\n"
        "  -q, --quiet          do not print warnings, nor the summary of\n"
        "                       --check\n"
        "      --strict         treat every warning as an error: the input\n"
        "                       fails with the warning's text, and nothing\n"
        "                       is written for it\n"
        "      --check          read and check every input, write nothing\n"
        "                       (no -t, no -o): print every diagnostic and a\n"
        "                       summary line; exit 1 if an input has an error\n"
        "      --from-dialect NAME\n"
        "                       the tool the inputs are written for: claude\n"
        "                       (--check adds Claude Code's rules) or none;\n"
        "                       by default claude for files under a\n"
        "                       .claude/agents/ folder. Only --check uses it\n"
        "                       for now\n"
        "      --list-formats   list the forms and exit\n"
        "  -h, --help           show this help and exit\n"
        "  -V, --version        show the version and exit\n"
        "\n"
        "Examples:\n"
        "  agentconv rust-backend-engineer.md -t json\n"
        "  agentconv agent.json -t md -o agent.md\n"
        "  agentconv agent.md -t yaml -o agent.yaml\n"
        "  cat agent.md | agentconv -t json -\n"
        "  agentconv --check .claude/agents/*.md\n"
        "\n"
        "Exit status: 0 on success, 1 when an input could not be converted\n"
        "(with --check: when an input has an error), 2 on a usage error.\n"
        "Diagnostics are printed on standard error as\n"
        "'path:line:column: error: message' (or 'warning:').\n",
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

/* Write `data` to `path` through a temporary file in the same directory,
 * renamed into place, so that no reader ever sees a partial file. */
static int write_file_atomically(const char *path, const char *data, size_t len,
                                 char *why, size_t why_size)
{
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
    size_t tmp_size = dir_len + 32;
    char *tmp = malloc(tmp_size);
    if (!tmp) {
        snprintf(why, why_size, "out of memory");
        return -1;
    }
    snprintf(tmp, tmp_size, "%.*s.agentconv-XXXXXX", (int)dir_len, path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(why, why_size, "cannot create a temporary file: %s",
                 strerror(errno));
        free(tmp);
        return -1;
    }
    /* mkstemp makes the file 0600: give it what a new file would get. */
    mode_t mask = umask(0);
    umask(mask);
    int rc = fchmod(fd, 0666 & ~mask);
    size_t done = 0;
    while (rc == 0 && done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            rc = -1;
        else
            done += (size_t)n;
    }
    if (close(fd) != 0)
        rc = -1;
    if (rc == 0 && rename(tmp, path) != 0)
        rc = -1;
    if (rc != 0) {
        snprintf(why, why_size, "cannot write: %s", strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return rc;
}

/* Convert one input. Returns EXIT_OK or EXIT_INPUT. */
static int convert_one(ac_context *ctx, const options *opt,
                       const ac_format *from, const ac_format *to,
                       const char *path)
{
    ac_error err;
    ac_doc *doc = NULL;
    if (ac_read_file(ctx, from, path, &doc, &err) != AC_OK) {
        print_diagnostic(&err, "error");
        return EXIT_INPUT;
    }
    char *out = NULL;
    size_t out_len = 0;
    ac_status st = ac_write(ctx, to, doc, &out, &out_len, &err);
    ac_doc_free(doc);
    if (st != AC_OK) {
        /* A writer's error is about the document read from `path`. */
        snprintf(err.source, sizeof err.source, "%s",
                 strcmp(path, "-") == 0 ? "<stdin>" : path);
        print_diagnostic(&err, "error");
        return EXIT_INPUT;
    }
    int rc = EXIT_OK;
    if (opt->output) {
        char why[256];
        if (write_file_atomically(opt->output, out, out_len, why, sizeof why) !=
            0) {
            fprintf(stderr, "%s: error: %s\n", opt->output, why);
            rc = EXIT_INPUT;
        }
    } else if (fwrite(out, 1, out_len, stdout) != out_len ||
               fflush(stdout) != 0) {
        fprintf(stderr,
                "agentconv: error: cannot write to standard output: "
                "%s\n",
                strerror(errno));
        rc = EXIT_INPUT;
    }
    free(out);
    return rc;
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

/* Read and check one input. Returns EXIT_OK, or EXIT_INPUT when it has an
 * error. */
static int check_one(ac_context *ctx, options *opt, const ac_format *from,
                     const char *path)
{
    ac_error err;
    ac_doc *doc = NULL;
    if (ac_read_file(ctx, from, path, &doc, &err) != AC_OK) {
        opt->errors++;
        print_diagnostic(&err, "error");
        return EXIT_INPUT;
    }
    bool is_stdin = strcmp(path, "-") == 0;
    unsigned flags = 0;
    if (opt->from_dialect == DIALECT_CLAUDE ||
        (opt->from_dialect == DIALECT_AUTO && !is_stdin &&
         in_claude_agents(path)))
        flags |= AC_CHECK_CLAUDE;
    size_t errors = ac_doc_check(ctx, doc, is_stdin ? "<stdin>" : path, flags,
                                 on_diagnostic, opt);
    ac_doc_free(doc);
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
                                unsigned long failed)
{
    char f[64], e[64], w[64], ff[64];
    fprintf(stderr,
            "agentconv: checked %s: ", counted(files, "file", f, sizeof f));
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

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"to", required_argument, NULL, 't'},
        {"from", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"quiet", no_argument, NULL, 'q'},
        {"check", no_argument, NULL, OPT_CHECK},
        {"strict", no_argument, NULL, OPT_STRICT},
        {"from-dialect", required_argument, NULL, OPT_FROM_DIALECT},
        {"list-formats", no_argument, NULL, OPT_LIST_FORMATS},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    options opt = {0};
    bool want_list = false;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":t:f:o:qhV", longopts, NULL)) != -1) {
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
            if (strcasecmp(optarg, "claude") == 0) {
                opt.from_dialect = DIALECT_CLAUDE;
            } else if (strcasecmp(optarg, "none") == 0) {
                opt.from_dialect = DIALECT_NONE;
            } else {
                usage_error("dialect '%s' is not supported yet (known: claude, "
                            "none)",
                            optarg);
                return EXIT_USAGE;
            }
            break;
        case 'h':
            print_help();
            return EXIT_OK;
        case 'V':
            printf("agentconv %s\n", ac_version_string());
            return EXIT_OK;
        case ':':
            usage_error("option '%s' needs an argument", argv[optind - 1]);
            return EXIT_USAGE;
        default:
            usage_error("unknown option '%s'", argv[optind - 1]);
            return EXIT_USAGE;
        }
    }

    ac_context *ctx = ac_context_new();
    if (!ctx) {
        fputs("agentconv: error: out of memory\n", stderr);
        return EXIT_INPUT;
    }
    int rc = EXIT_OK;
    const ac_format *from = NULL, *to = NULL;
    if (want_list) {
        list_formats(ctx);
        goto done;
    }
    if (opt.check && (opt.to || opt.output)) {
        usage_error("--check writes nothing: leave out %s",
                    opt.to ? "-t/--to" : "-o/--output");
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
    if (opt.output && argc - optind > 1) {
        usage_error("%s", "-o names one output file, but several inputs were "
                          "given");
        rc = EXIT_USAGE;
        goto done;
    }
    ac_context_set_warning_handler(ctx, on_warning, &opt);
    ac_context_set_strict(ctx, opt.strict);
    if (opt.check) {
        unsigned long failed = 0;
        for (int i = optind; i < argc; i++) {
            if (check_one(ctx, &opt, from, argv[i]) != EXIT_OK) {
                failed++;
                rc = EXIT_INPUT;
            }
        }
        if (!opt.quiet)
            print_check_summary(&opt, (unsigned long)(argc - optind), failed);
        goto done;
    }
    for (int i = optind; i < argc; i++)
        if (convert_one(ctx, &opt, from, to, argv[i]) != EXIT_OK)
            rc = EXIT_INPUT;
done:
    ac_context_free(ctx);
    return rc;
}
