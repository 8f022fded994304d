/*
 * Hostile inputs (docs/hardening.md): each case writes an input that is
 * built to hurt a converter (alias and entity bombs, external entities,
 * 100,000-deep nesting, huge files and lines, broken encodings, every
 * prefix of the reference agent, 100,000 keys, a 1 MB key) and runs the
 * agentconv command line on it in a child process under bounds set here:
 *
 *   plain build     setrlimit(RLIMIT_AS) and setrlimit(RLIMIT_CPU)
 *   AddressSanitizer (detected at compile time) no RLIMIT_AS (the shadow
 *                   memory needs terabytes of address space): ctest sets
 *                   ASAN_OPTIONS=hard_rss_limit_mb=..., which this program
 *                   requires; RLIMIT_CPU as above
 *   --wrapper CMD   the command line runs under CMD (valgrind): no
 *                   RLIMIT_CPU (valgrind is 20 to 50 times slower; hangs
 *                   are caught by ctest's TIMEOUT), RLIMIT_AS as in the
 *                   plain build (valgrind works within it); a few runs
 *                   are left out (see case_large and case_encoding)
 *
 * Each run must end in one of two ways: exit 0 with the converted output,
 * or exit 1 with nothing on standard output and exactly one line on
 * standard error, "FILE[:LINE[:COL]]: error: MESSAGE", whose message holds
 * the words the case names (the limit or the fault). Anything else (a
 * signal, another status, more lines, a sanitizer or valgrind report,
 * which exits 99 or aborts) fails the case.
 *
 * The prefix case also runs in process (--prefixes REF): every prefix of
 * the reference agent is read and written in each form through the
 * library, and each outcome checked; then the command line checks a
 * sample of prefixes.
 *
 * usage: hostile [--wrapper CMD [ARG...] --] AGENTCONV REFERENCE_MD [CASE...]
 *        hostile --prefixes REFERENCE_MD
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agentconv/agentconv.h"

#if defined(__SANITIZE_ADDRESS__)
#define HOSTILE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HOSTILE_ASAN 1
#endif
#endif
#ifndef HOSTILE_ASAN
#define HOSTILE_ASAN 0
#endif

/* Bounds of every run: generous, they catch runaways, not slowness. */
#define AS_LIMIT (2048ul * 1024 * 1024) /* 2 GiB of address space */
#define CPU_LIMIT 60                    /* seconds */

static const char *cli; /* the agentconv binary */
static char **wrapper;  /* NULL, or the wrapper command */
static size_t wrapper_len;
static char workdir[] = "/tmp/agentconv-hostile.XXXXXX";
static int failures;

/* ---- growing byte strings ---- */

typedef struct {
    char *p;
    size_t len, cap;
} str;

static void die(const char *what)
{
    fprintf(stderr, "hostile: %s: %s\n", what, strerror(errno));
    exit(2);
}

static void add(str *s, const void *data, size_t n)
{
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 256;
        while (cap < s->len + n + 1)
            cap *= 2;
        char *p = realloc(s->p, cap);
        if (!p)
            die("realloc");
        s->p = p;
        s->cap = cap;
    }
    memcpy(s->p + s->len, data, n);
    s->len += n;
    s->p[s->len] = '\0';
}

static void adds(str *s, const char *text) { add(s, text, strlen(text)); }

static void addf(str *s, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof buf) {
        fprintf(stderr, "hostile: addf: text too long\n");
        exit(2);
    }
    add(s, buf, (size_t)n);
}

static void repeat(str *s, const char *text, size_t times)
{
    size_t n = strlen(text);
    for (size_t i = 0; i < times; i++)
        add(s, text, n);
}

static void release(str *s)
{
    free(s->p);
    s->p = NULL;
    s->len = s->cap = 0;
}

/* ---- running the command line ---- */

static void fail(const char *name, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "FAIL [%s]: ", name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    failures++;
}

static char *path_in_work(const char *file)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", workdir, file);
    return path;
}

static void write_input(const char *file, const str *data)
{
    const char *path = path_in_work(file);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data->p, 1, data->len, f) != data->len || fclose(f))
        die(path);
}

static void slurp(const char *path, str *out)
{
    out->len = 0;
    add(out, "", 0);
    FILE *f = fopen(path, "rb");
    if (!f)
        die(path);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        add(out, buf, n);
    fclose(f);
}

static void set_bounds(void)
{
    struct rlimit rl;
    if (!wrapper) {
        rl.rlim_cur = rl.rlim_max = CPU_LIMIT;
        if (setrlimit(RLIMIT_CPU, &rl) != 0)
            die("setrlimit(RLIMIT_CPU)");
    }
    if (!HOSTILE_ASAN) {
        rl.rlim_cur = rl.rlim_max = AS_LIMIT;
        if (setrlimit(RLIMIT_AS, &rl) != 0)
            die("setrlimit(RLIMIT_AS)");
    }
}

typedef struct {
    int status; /* exit status, or 128 + signal */
    str out, err;
} result;

/* Run agentconv FILE -t TO in the work folder. */
static void run(const char *file, const char *to, result *r)
{
    char out_path[600], err_path[600];
    snprintf(out_path, sizeof out_path, "%s/.stdout", workdir);
    snprintf(err_path, sizeof err_path, "%s/.stderr", workdir);
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 ||
            dup2(out, 1) < 0 || dup2(err, 2) < 0 || chdir(workdir) != 0)
            _exit(126);
        set_bounds();
        /* execvp takes char *const[]: writable copies of the strings. */
        static char a_cli[4096], a_file[256], a_t[] = "-t", a_to[16];
        snprintf(a_cli, sizeof a_cli, "%s", cli);
        snprintf(a_file, sizeof a_file, "%s", file);
        snprintf(a_to, sizeof a_to, "%s", to);
        char *argv[64];
        size_t n = 0;
        for (size_t i = 0; i < wrapper_len && n < 50; i++)
            argv[n++] = wrapper[i];
        argv[n++] = a_cli;
        argv[n++] = a_file;
        argv[n++] = a_t;
        argv[n++] = a_to;
        argv[n] = NULL;
        execvp(argv[0], argv);
        _exit(127);
    }
    int ws;
    while (waitpid(pid, &ws, 0) < 0)
        if (errno != EINTR)
            die("waitpid");
    r->status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    slurp(out_path, &r->out);
    slurp(err_path, &r->err);
}

static size_t count_lines(const str *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->len; i++)
        n += s->p[i] == '\n';
    return n;
}

/* An error line names the file: "FILE:", then optional ":LINE[:COL]",
 * then ": error: ". */
static bool is_error_line(const char *file, const str *err)
{
    size_t n = strlen(file);
    if (err->len < n + 10 || memcmp(err->p, file, n) != 0)
        return false;
    const char *p = err->p + n;
    while (*p == ':' && p[1] >= '0' && p[1] <= '9') {
        p++;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return strncmp(p, ": error: ", 9) == 0;
}

/* The input must be refused with one error line holding `needle`. */
static void expect_refused(const char *name, const char *file,
                           const char *needle)
{
    result r = {0};
    run(file, "json", &r);
    if (r.status != 1)
        fail(name, "exit status %d, expected 1; stderr: %.2000s", r.status,
             r.err.p);
    else if (r.out.len != 0)
        fail(name, "refused, but wrote %zu bytes to stdout", r.out.len);
    else if (count_lines(&r.err) != 1 || !is_error_line(file, &r.err))
        fail(name, "stderr is not one error line: %.2000s", r.err.p);
    else if (!strstr(r.err.p, needle))
        fail(name, "the error does not name '%s': %s", needle, r.err.p);
    release(&r.out);
    release(&r.err);
}

/* The input must convert to every form, writing at least `min_out` bytes
 * that hold `needle` (when not NULL), and warn about nothing. */
static void expect_converted(const char *name, const char *file, size_t min_out,
                             const char *needle)
{
    static const char *const forms[] = {"md", "json", "yaml", "xml"};
    for (size_t i = 0; i < 4; i++) {
        result r = {0};
        run(file, forms[i], &r);
        if (r.status != 0)
            fail(name, "-t %s: exit status %d, expected 0; stderr: %.2000s",
                 forms[i], r.status, r.err.p);
        else if (r.err.len != 0)
            fail(name, "-t %s: unexpected stderr: %.2000s", forms[i], r.err.p);
        else if (r.out.len < min_out)
            fail(name, "-t %s: %zu bytes of output, expected %zu or more",
                 forms[i], r.out.len, min_out);
        else if (needle && !strstr(r.out.p, needle))
            fail(name, "-t %s: the output lacks '%s'", forms[i], needle);
        release(&r.out);
        release(&r.err);
    }
}

/* ---- the cases ---- */

static void case_yaml_alias_bomb(void)
{
    /* Nine levels of nine aliases each: 9^9 (387 million) strings. */
    str s = {0};
    adds(&s, "name: bomb\ndescription: billion laughs\n");
    adds(&s, "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i <= 9; i++) {
        addf(&s, "a%d: &a%d [", i, i);
        for (int j = 0; j < 9; j++)
            addf(&s, "%s*a%d", j ? ", " : "", i - 1);
        adds(&s, "]\n");
    }
    write_input("bomb.yaml", &s);
    expect_refused("yaml-alias-bomb", "bomb.yaml", "alias-nodes limit");
    /* The same in the front matter of an md file. */
    str md = {0};
    adds(&md, "---\n");
    add(&md, s.p, s.len);
    adds(&md, "---\nbody\n");
    write_input("bomb.md", &md);
    expect_refused("md-alias-bomb", "bomb.md", "alias-nodes limit");
    release(&md);
    release(&s);
}

static void case_xml_billion_laughs(void)
{
    str s = {0};
    adds(&s, "<?xml version=\"1.0\"?>\n<!DOCTYPE agent [\n"
             "<!ENTITY lol \"lol\">\n");
    for (int i = 1; i <= 9; i++) {
        addf(&s, "<!ENTITY lol%d \"", i);
        for (int j = 0; j < 10; j++) {
            if (i == 1)
                adds(&s, "&lol;");
            else
                addf(&s, "&lol%d;", i - 1);
        }
        adds(&s, "\">\n");
    }
    adds(&s, "]>\n<agent xmlns=\"urn:agentconv:agent:1\"><name>&lol9;</name>"
             "</agent>\n");
    write_input("laughs.xml", &s);
    expect_refused("xml-billion-laughs", "laughs.xml",
                   "DOCTYPE is not allowed");
    release(&s);
}

static void case_xml_external_entities(void)
{
    /* A local file, and a URL (nothing listens on port 9 of localhost; a
     * fetch would fail or hang, and must not be tried at all). */
    static const char *const systems[][2] = {
        {"xxe-file.xml", "file:///etc/passwd"},
        {"xxe-url.xml", "http://127.0.0.1:9/agent.dtd"},
    };
    for (size_t i = 0; i < 2; i++) {
        str s = {0};
        addf(&s,
             "<?xml version=\"1.0\"?>\n<!DOCTYPE agent [\n"
             "<!ENTITY x SYSTEM \"%s\">\n]>\n"
             "<agent xmlns=\"urn:agentconv:agent:1\"><name>n</name>"
             "<description>&x;</description></agent>\n",
             systems[i][1]);
        write_input(systems[i][0], &s);
        expect_refused(i == 0 ? "xml-external-entity-file"
                              : "xml-external-entity-url",
                       systems[i][0], "DOCTYPE is not allowed");
        release(&s);
        /* An external DTD named by the DOCTYPE itself. */
        addf(&s,
             "<?xml version=\"1.0\"?>\n"
             "<!DOCTYPE agent SYSTEM \"%s\">\n"
             "<agent xmlns=\"urn:agentconv:agent:1\"><name>n</name></agent>\n",
             systems[i][1]);
        write_input(systems[i][0], &s);
        expect_refused(i == 0 ? "xml-external-dtd-file"
                              : "xml-external-dtd-url",
                       systems[i][0], "DOCTYPE is not allowed");
        release(&s);
    }
}

#define DEEP 100000

static void case_deep(void)
{
    str s = {0};
    adds(&s, "name: deep\nvalue: ");
    repeat(&s, "[", DEEP);
    repeat(&s, "]", DEEP);
    adds(&s, "\n");
    write_input("deep.yaml", &s);
    expect_refused("deep-yaml-flow", "deep.yaml", "depth limit");
    release(&s);

    /* Block style: a map in a map in a map ..., one space a level. The
     * indentation makes the file grow with the square of the depth, so
     * 3,000 levels (4.5 MB), still 30 times the depth limit. */
    adds(&s, "name: deep\n");
    for (size_t i = 0; i < 3000; i++) {
        repeat(&s, " ", i);
        adds(&s, "k:\n");
    }
    write_input("deep-block.yaml", &s);
    expect_refused("deep-yaml-block", "deep-block.yaml", "depth limit");
    release(&s);

    adds(&s, "{\"name\": \"deep\", \"value\": ");
    repeat(&s, "[", DEEP);
    repeat(&s, "]", DEEP);
    adds(&s, "}\n");
    write_input("deep.json", &s);
    expect_refused("deep-json", "deep.json", "depth limit");
    release(&s);

    adds(&s, "{\"name\": \"deep\", \"value\": ");
    repeat(&s, "{\"k\": ", DEEP);
    adds(&s, "1");
    repeat(&s, "}", DEEP);
    adds(&s, "}\n");
    write_input("deep-map.json", &s);
    expect_refused("deep-json-map", "deep-map.json", "depth limit");
    release(&s);

    adds(&s, "<agent xmlns=\"urn:agentconv:agent:1\"><name>deep</name>"
             "<value type=\"list\">");
    repeat(&s, "<item type=\"list\">", DEEP);
    repeat(&s, "</item>", DEEP);
    adds(&s, "</value></agent>\n");
    write_input("deep.xml", &s);
    expect_refused("deep-xml", "deep.xml", "depth limit");
    release(&s);

    /* Elements the form does not know, nested: libxml2's own limit. */
    adds(&s, "<agent xmlns=\"urn:agentconv:agent:1\"><name>deep</name>");
    repeat(&s, "<x>", DEEP);
    repeat(&s, "</x>", DEEP);
    adds(&s, "</agent>\n");
    write_input("deep-plain.xml", &s);
    expect_refused("deep-xml-elements", "deep-plain.xml", "nesting deeper");
    release(&s);

    /* The same in the front matter of an md file. */
    adds(&s, "---\nname: deep\nvalue: ");
    repeat(&s, "{k: ", DEEP);
    adds(&s, "1");
    repeat(&s, "}", DEEP);
    adds(&s, "\n---\nbody\n");
    write_input("deep.md", &s);
    expect_refused("deep-md", "deep.md", "depth limit");
    release(&s);
}

static void case_large(void)
{
    /* 64 MB of instructions: over the input-size limit (16 MiB). */
    str s = {0};
    adds(&s, "---\nname: large\n---\n");
    char line[1024];
    memset(line, 'x', sizeof line - 1);
    line[sizeof line - 1] = '\n';
    for (size_t i = 0; i < 64 * 1024; i++)
        add(&s, line, sizeof line);
    write_input("large.md", &s);
    expect_refused("input-64mb", "large.md", "input-size limit");
    release(&s);

    /* 10 MB on one line of instructions: under the limits, converts. */
    adds(&s, "---\nname: long-line\n---\n");
    size_t at = s.len;
    repeat(&s, "abcdefghij", 1000000);
    adds(&s, "\n");
    s.p[at + 5000000] = 'Z';
    write_input("line.md", &s);
    expect_converted("line-10mb", "line.md", 10000000, "fghijZbcd");
    release(&s);

    /* 10 MB on one line of a field value: over the string-length limit
     * (8 MiB). */
    adds(&s, "---\nname: long-value\ndescription: ");
    repeat(&s, "abcdefghij", 1000000);
    adds(&s, "\n---\nbody\n");
    write_input("value.md", &s);
    expect_refused("value-10mb", "value.md", "string-length limit");
    release(&s);

    /* One 10 MB line of JSON (the whole document): a list of a million
     * strings. (A 10 MB "instructions" string is over the string-length
     * limit in json, yaml and xml; docs/hardening.md.) Not under valgrind,
     * where the million values take 75 s and 2 GB a form. */
    if (wrapper)
        return;
    adds(&s, "{\"name\": \"long-line\", \"tags\": [\"first\"");
    repeat(&s, ",\"abcdefg\"", 1000000);
    adds(&s, ", \"last\"]}");
    write_input("line.json", &s);
    expect_converted("line-10mb-json", "line.json", 10000000, "last");
    release(&s);
}

/* An agent in each form with a slot for the bytes under test in every
 * field (name, description, model, color, a tools item, instructions):
 * `field` is which field gets `bytes` (`n` of them) at `where`. */
typedef enum { AT_START, AT_MIDDLE, AT_END } place;

static void field_value(str *s, int field, int this_field, const char *value,
                        const char *bytes, size_t n, place where)
{
    size_t len = strlen(value);
    if (field != this_field) {
        add(s, value, len);
        return;
    }
    size_t cut = where == AT_START ? 0 : where == AT_MIDDLE ? len / 2 : len;
    add(s, value, cut);
    add(s, bytes, n);
    add(s, value + cut, len - cut);
}

#define FIELD_COUNT 6
static const char *const field_names[FIELD_COUNT] = {
    "name", "description", "model", "color", "tools", "instructions"};
static const char *const field_values[FIELD_COUNT] = {
    "reviewer", "Reviews code", "opus", "cyan", "Read", "Review the diff."};

static void agent_text(str *s, const char *form, int field, const char *bytes,
                       size_t n, place where)
{
#define V(i) field_value(s, field, i, field_values[i], bytes, n, where)
    if (strcmp(form, "md") == 0) {
        adds(s, "---\nname: ");
        V(0);
        adds(s, "\ndescription: ");
        V(1);
        adds(s, "\nmodel: ");
        V(2);
        adds(s, "\ncolor: ");
        V(3);
        adds(s, "\ntools:\n  - ");
        V(4);
        adds(s, "\n  - Grep\n---\n\n");
        V(5);
        adds(s, "\n");
    } else if (strcmp(form, "yaml") == 0) {
        adds(s, "name: ");
        V(0);
        adds(s, "\ndescription: ");
        V(1);
        adds(s, "\nmodel: ");
        V(2);
        adds(s, "\ncolor: ");
        V(3);
        adds(s, "\ntools:\n  - ");
        V(4);
        adds(s, "\n  - Grep\ninstructions: ");
        V(5);
        adds(s, "\n");
    } else if (strcmp(form, "json") == 0) {
        adds(s, "{\n  \"name\": \"");
        V(0);
        adds(s, "\",\n  \"description\": \"");
        V(1);
        adds(s, "\",\n  \"model\": \"");
        V(2);
        adds(s, "\",\n  \"color\": \"");
        V(3);
        adds(s, "\",\n  \"tools\": [\"");
        V(4);
        adds(s, "\", \"Grep\"],\n  \"instructions\": \"");
        V(5);
        adds(s, "\"\n}\n");
    } else {
        adds(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<agent xmlns=\"urn:agentconv:agent:1\">\n  <name>");
        V(0);
        adds(s, "</name>\n  <description>");
        V(1);
        adds(s, "</description>\n  <model>");
        V(2);
        adds(s, "</model>\n  <color>");
        V(3);
        adds(s, "</color>\n  <tools type=\"list\">\n    <item>");
        V(4);
        adds(s, "</item>\n    <item>Grep</item>\n  </tools>\n"
                "  <instructions>");
        V(5);
        adds(s, "</instructions>\n</agent>\n");
    }
#undef V
}

static const char *const all_forms[] = {"md", "json", "yaml", "xml"};

static void case_encoding(void)
{
    /* A lone byte that never starts UTF-8, a lead byte without its
     * continuation, a sequence cut at its end, and an overlong form. */
    static const struct {
        const char *bytes;
        size_t n;
        const char *needle;
    } faults[] = {
        {"\xff", 1, "invalid UTF-8"},     {"\xc3(", 2, "invalid UTF-8"},
        {"\xe2\x82", 2, "invalid UTF-8"}, {"\xc0\xaf", 2, "invalid UTF-8"},
        {"\0", 1, "NUL character"},       {"a\0b", 3, "NUL character"},
    };
    static const char *const places[] = {"start", "middle", "end"};
    for (size_t f = 0; f < 4; f++) {
        for (int field = 0; field < FIELD_COUNT; field++) {
            for (int where = AT_START; where <= AT_END; where++) {
                for (size_t k = 0; k < sizeof faults / sizeof *faults; k++) {
                    /* One kind of fault a place keeps the run count down;
                     * every kind is used in every form and field. Under
                     * valgrind (2 s a run), one place a field, in turn. */
                    if (k % 3 != (size_t)where)
                        continue;
                    if (wrapper && (field + (int)f) % 3 != where)
                        continue;
                    str s = {0};
                    agent_text(&s, all_forms[f], field, faults[k].bytes,
                               faults[k].n, (place)where);
                    char file[64], name[128];
                    snprintf(file, sizeof file, "enc.%s", all_forms[f]);
                    snprintf(name, sizeof name, "%s-%s-%s-%s-%zu",
                             faults[k].needle[0] == 'N' ? "nul" : "utf8",
                             all_forms[f], field_names[field], places[where],
                             k);
                    write_input(file, &s);
                    expect_refused(name, file, faults[k].needle);
                    release(&s);
                }
            }
        }
        /* The clean agent converts: the faults above are what fails. */
        str s = {0};
        agent_text(&s, all_forms[f], -1, "", 0, AT_START);
        char file[64];
        snprintf(file, sizeof file, "clean.%s", all_forms[f]);
        write_input(file, &s);
        expect_converted("clean-agent", file, 10, "Review the diff.");
        release(&s);
    }
}

static void case_utf16(void)
{
    /* The reference-like agent in UTF-16, little and big endian, with and
     * without a byte order mark. */
    static const char text[] = "---\nname: wide\n---\nbody\n";
    for (int big = 0; big <= 1; big++) {
        for (int bom = 0; bom <= 1; bom++) {
            str s = {0};
            if (bom)
                add(&s, big ? "\xfe\xff" : "\xff\xfe", 2);
            for (const char *p = text; *p; p++) {
                char unit[2] = {big ? '\0' : *p, big ? *p : '\0'};
                add(&s, unit, 2);
            }
            char name[64];
            snprintf(name, sizeof name, "utf16-%s-%s", big ? "be" : "le",
                     bom ? "bom" : "no-bom");
            write_input("wide.md", &s);
            expect_refused(name, "wide.md",
                           bom ? "UTF-16 input" : "NUL character");
            release(&s);
        }
    }
}

static void case_keys(void)
{
    /* 100,000 keys: over the keys limit (10,000). */
    static const char *const ends[] = {"md", "yaml", "json", "xml"};
    for (size_t f = 0; f < 4; f++) {
        str s = {0};
        const char *form = ends[f];
        if (strcmp(form, "md") == 0 || strcmp(form, "yaml") == 0) {
            if (form[0] == 'm')
                adds(&s, "---\n");
            adds(&s, "name: many\n");
            for (int i = 0; i < 100000; i++)
                addf(&s, "key%d: v\n", i);
            if (form[0] == 'm')
                adds(&s, "---\nbody\n");
        } else if (strcmp(form, "json") == 0) {
            adds(&s, "{\"name\": \"many\"");
            for (int i = 0; i < 100000; i++)
                addf(&s, ",\n\"key%d\": \"v\"", i);
            adds(&s, "}\n");
        } else {
            adds(&s,
                 "<agent xmlns=\"urn:agentconv:agent:1\"><name>many</name>");
            for (int i = 0; i < 100000; i++)
                addf(&s, "<key%d>v</key%d>\n", i, i);
            adds(&s, "</agent>\n");
        }
        char file[32], name[32];
        snprintf(file, sizeof file, "keys.%s", form);
        snprintf(name, sizeof name, "keys-100000-%s", form);
        write_input(file, &s);
        expect_refused(name, file, "keys limit");
        release(&s);
    }

    /* A key of 1 MB. As a plain YAML key, libyaml stops at 1,024
     * characters (its simple-key limit, which YAML 1.1 sets) and the
     * parser's error is the one line; written as an explicit key ("? "),
     * as JSON or as an XML element name, the key-length limit (1,024
     * bytes) refuses it. */
    str key = {0};
    repeat(&key, "k", 1024 * 1024);
    str s = {0};
    adds(&s, "---\nname: big-key\n");
    add(&s, key.p, key.len);
    adds(&s, ": v\n---\nbody\n");
    write_input("key.md", &s);
    expect_refused("key-1mb-md-plain", "key.md", "invalid YAML");
    release(&s);
    adds(&s, "---\nname: big-key\n? ");
    add(&s, key.p, key.len);
    adds(&s, "\n: v\n---\nbody\n");
    write_input("key.md", &s);
    expect_refused("key-1mb-md-explicit", "key.md", "key-length limit");
    release(&s);
    adds(&s, "name: big-key\n? ");
    add(&s, key.p, key.len);
    adds(&s, "\n: v\n");
    write_input("key.yaml", &s);
    expect_refused("key-1mb-yaml", "key.yaml", "key-length limit");
    release(&s);
    adds(&s, "{\"name\": \"big-key\", \"");
    add(&s, key.p, key.len);
    adds(&s, "\": \"v\"}\n");
    write_input("key.json", &s);
    expect_refused("key-1mb-json", "key.json", "key-length limit");
    release(&s);
    /* libxml2 refuses names over 50,000 bytes itself (XML_MAX_NAME_LENGTH)
     * before the reader sees the key: one line either way. */
    adds(&s, "<agent xmlns=\"urn:agentconv:agent:1\"><name>big-key</name><");
    add(&s, key.p, key.len);
    adds(&s, ">v</");
    add(&s, key.p, key.len);
    adds(&s, "></agent>\n");
    write_input("key.xml", &s);
    expect_refused("key-1mb-xml", "key.xml", "error");
    release(&s);
    release(&key);
}

/* ---- every prefix of the reference agent ---- */

static bool read_file(const char *path, str *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        add(out, buf, n);
    fclose(f);
    return true;
}

/* Where the front matter of `s` ends: just past the line end of the
 * closing "---" line, or 0. */
static size_t front_matter_end(const str *s)
{
    const char *p = strstr(s->p + 4, "\n---\n");
    return p ? (size_t)(p - s->p) + 5 : 0;
}

/* In process, under this process's bounds: each prefix is read as md and
 * written in every form; it must convert, or fail with one error line.
 * Prefixes that hold the whole front matter must convert, with the
 * reference's fields. */
static int prefixes_in_process(const char *ref_path)
{
    str ref = {0};
    if (!read_file(ref_path, &ref))
        die(ref_path);
    size_t fm_end = front_matter_end(&ref);
    if (fm_end == 0) {
        fprintf(stderr, "hostile: %s: no front matter\n", ref_path);
        return 2;
    }
    set_bounds();
    ac_context *ctx = ac_context_new();
    if (!ctx)
        die("ac_context_new");
    const ac_format *md = ac_format_find(ctx, "md");
    ac_doc *full = NULL;
    ac_error e;
    if (ac_read(ctx, md, ref.p, ref.len, "ref.md", &full, &e) != AC_OK) {
        fprintf(stderr, "hostile: the reference does not read: %s\n", e.text);
        return 1;
    }
    size_t converted = 0, refused = 0;
    for (size_t n = 0; n <= ref.len; n++) {
        char name[64];
        snprintf(name, sizeof name, "prefix-%zu", n);
        char *copy =
            malloc(n ? n : 1); /* exactly n bytes: ASan sees overreads */
        if (!copy)
            die("malloc");
        memcpy(copy, ref.p, n);
        ac_doc *doc = NULL;
        ac_status st = ac_read(ctx, md, copy, n, "ref.md", &doc, &e);
        free(copy);
        if (st != AC_OK) {
            char line[1024];
            int len = ac_error_format(&e, "error", line, sizeof line);
            if (len <= 0 || (size_t)len >= sizeof line || strchr(line, '\n') ||
                !strstr(line, ": error: ") || strncmp(line, "ref.md", 6) != 0)
                fail(name, "not one error line: '%s'", line);
            if (n >= fm_end)
                fail(name, "holds the whole front matter but failed: %s", line);
            refused++;
            continue;
        }
        if (n >= fm_end &&
            !ac_value_equal(ac_doc_fields(doc), ac_doc_fields(full)))
            fail(name, "the fields differ from the reference's");
        for (size_t f = 0; f < 4; f++) {
            char *out = NULL;
            size_t out_len = 0;
            const ac_format *to = ac_format_find(ctx, all_forms[f]);
            st = ac_write(ctx, to, doc, &out, &out_len, &e);
            if (st != AC_OK) {
                fail(name, "-t %s failed: %s", all_forms[f], e.text);
                continue;
            }
            /* What was written reads back to the same document. */
            ac_doc *back = NULL;
            if (ac_read(ctx, to, out, out_len, "out", &back, &e) != AC_OK)
                fail(name, "-t %s does not read back: %s", all_forms[f],
                     e.text);
            else if (!ac_doc_equal(doc, back))
                fail(name, "-t %s reads back different", all_forms[f]);
            ac_doc_free(back);
            free(out);
        }
        converted++;
        ac_doc_free(doc);
    }
    ac_doc_free(full);
    ac_context_free(ctx);
    printf("prefixes: %zu converted, %zu refused, front matter ends at byte "
           "%zu of %zu\n",
           converted, refused, fm_end, ref.len);
    if (converted < ref.len - fm_end + 1)
        fail("prefixes", "only %zu prefixes converted", converted);
    release(&ref);
    return failures ? 1 : 0;
}

/* Through the command line: a sample of the prefixes (every 61st, and
 * those around the end of the front matter), each converted to json. */
static void case_prefixes_cli(const char *ref_path)
{
    str ref = {0};
    if (!read_file(ref_path, &ref))
        die(ref_path);
    size_t fm_end = front_matter_end(&ref);
    for (size_t n = 0; n <= ref.len; n++) {
        bool near_end = n + 8 >= fm_end && n <= fm_end + 8;
        if (n % 61 != 0 && !near_end && n != ref.len)
            continue;
        str s = {0};
        add(&s, ref.p, n);
        char name[64];
        snprintf(name, sizeof name, "prefix-cli-%zu", n);
        write_input("prefix.md", &s);
        release(&s);
        result r = {0};
        run("prefix.md", "json", &r);
        if (r.status == 0) {
            if (r.out.len == 0 || r.err.len != 0)
                fail(name, "converted, but stdout %zu bytes, stderr '%s'",
                     r.out.len, r.err.p);
        } else if (r.status != 1 || r.out.len != 0 ||
                   count_lines(&r.err) != 1 ||
                   !is_error_line("prefix.md", &r.err)) {
            fail(name, "exit %d, stdout %zu bytes, stderr '%.2000s'", r.status,
                 r.out.len, r.err.p);
        }
        if (n >= fm_end && r.status != 0)
            fail(name, "holds the whole front matter but failed");
        release(&r.out);
        release(&r.err);
    }
    release(&ref);
}

/* ---- main ---- */

static const struct {
    const char *name;
    void (*run)(void);
} cases[] = {
    {"yaml-alias-bomb", case_yaml_alias_bomb},
    {"xml-billion-laughs", case_xml_billion_laughs},
    {"xml-external-entities", case_xml_external_entities},
    {"deep", case_deep},
    {"large", case_large},
    {"encoding", case_encoding},
    {"utf16", case_utf16},
    {"keys", case_keys},
};

static void remove_work(void)
{
    static const char *const names[] = {
        "bomb.yaml",     "bomb.md",    "laughs.xml",      "xxe-file.xml",
        "xxe-url.xml",   "deep.yaml",  "deep-block.yaml", "deep.json",
        "deep-map.json", "deep.xml",   "deep-plain.xml",  "deep.md",
        "large.md",      "line.md",    "value.md",        "line.json",
        "enc.md",        "enc.json",   "enc.yaml",        "enc.xml",
        "clean.md",      "clean.json", "clean.yaml",      "clean.xml",
        "wide.md",       "keys.md",    "keys.yaml",       "keys.json",
        "keys.xml",      "key.md",     "key.yaml",        "key.json",
        "key.xml",       "prefix.md",  ".stdout",         ".stderr"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        unlink(path_in_work(names[i]));
    rmdir(workdir);
}

int main(int argc, char **argv)
{
    int i = 1;
    if (argc == 3 && strcmp(argv[1], "--prefixes") == 0)
        return prefixes_in_process(argv[2]);
    if (i < argc && strcmp(argv[i], "--wrapper") == 0) {
        wrapper = argv + i + 1;
        while (i < argc && strcmp(argv[i], "--") != 0)
            i++;
        if (i == argc || argv + i == wrapper) {
            fprintf(stderr, "hostile: --wrapper CMD [ARG...] --\n");
            return 2;
        }
        wrapper_len = (size_t)(argv + i - wrapper);
        i++;
    }
    if (argc - i < 2) {
        fprintf(stderr, "usage: hostile [--wrapper CMD [ARG...] --] "
                        "AGENTCONV REFERENCE_MD [CASE...]\n"
                        "       hostile --prefixes REFERENCE_MD\n");
        return 2;
    }
    /* The runs happen in the work folder: an absolute path. */
    static char cli_path[PATH_MAX];
    if (argv[i][0] == '/') {
        snprintf(cli_path, sizeof cli_path, "%s", argv[i]);
    } else {
        char cwd[PATH_MAX - 256];
        if (!getcwd(cwd, sizeof cwd))
            die("getcwd");
        snprintf(cli_path, sizeof cli_path, "%s/%.200s", cwd, argv[i]);
    }
    cli = cli_path;
    const char *ref = argv[i + 1];
    if (HOSTILE_ASAN && !wrapper) {
        const char *opts = getenv("ASAN_OPTIONS");
        if (!opts || !strstr(opts, "hard_rss_limit_mb=")) {
            fprintf(stderr, "hostile: an AddressSanitizer build needs "
                            "ASAN_OPTIONS=hard_rss_limit_mb=N (ctest sets "
                            "it)\n");
            return 2;
        }
    }
    if (!mkdtemp(workdir))
        die("mkdtemp");
    int ran = 0;
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        bool wanted = argc - i == 2;
        for (int k = i + 2; k < argc; k++)
            wanted |= strcmp(argv[k], cases[c].name) == 0;
        if (!wanted)
            continue;
        int before = failures;
        cases[c].run();
        printf("%-24s %s\n", cases[c].name, failures == before ? "ok" : "FAIL");
        fflush(stdout);
        ran++;
    }
    bool want_prefixes = argc - i == 2;
    for (int k = i + 2; k < argc; k++)
        want_prefixes |= strcmp(argv[k], "prefixes") == 0;
    if (want_prefixes) {
        int before = failures;
        case_prefixes_cli(ref);
        printf("%-24s %s\n", "prefixes", failures == before ? "ok" : "FAIL");
        ran++;
    }
    remove_work();
    if (ran == 0) {
        fprintf(stderr, "hostile: no such case\n");
        return 2;
    }
    printf("%d failure(s)\n", failures);
    return failures ? 1 : 0;
}
