/*
 * Threads: several threads, each with its own context, convert the same
 * inputs through every form at the same time, and every result must equal
 * the one computed on one thread first.
 *
 * usage: threads [--threads N] [--rounds N] [--plugin FILE.so] INPUT...
 *
 * First the cold start: N threads start together and each makes the first
 * contexts of the process at the same moment (libxml2's one-time setup,
 * src/context.c) and converts the first INPUT to every form, keeping the
 * results. Then each INPUT is read once into memory (shared, read-only). On the
 * main thread, for each input and each form F: the input converted to F
 * (ac_convert, the input's form named from its file name), and that
 * output converted again to every form G, with the status, the error text
 * and the warnings of each. Then N threads (8 by default) start together
 * (a barrier), each makes its own context (loading the plugin, whose forms
 * join the list, when one is given) and does the whole set ROUNDS times,
 * comparing each result with the first. Any difference is printed and the
 * exit status is 1. Built with ThreadSanitizer (AGENTCONV_SANITIZE_THREAD)
 * this is the test that finds data races between contexts.
 *
 * SPDX-License-Identifier: MIT
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agentconv/agentconv.h"

enum { MAX_FORMS = 16 };

typedef struct input {
    const char *path;
    char *data;
    size_t len;
} input;

/* One conversion's result. */
typedef struct result {
    ac_status status;
    char *text;   /* the output, or the error's text */
    size_t len;   /* of text */
    int warnings; /* how many the handler heard */
} result;

typedef struct job {
    const input *inputs;
    size_t input_count;
    const char *plugin;
    int rounds;
    /* expected[i][f] and expected2[i][f][g] (flattened) */
    result *first;
    result *second;
    size_t form_count;
    const char *form_names[MAX_FORMS];
    pthread_barrier_t *barrier;
    /* per thread */
    long mismatches;
    long conversions;
    int id;
} job;

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, fp)) > 0) {
        n += got;
        if (n == cap) {
            char *more = realloc(buf, cap * 2);
            if (!more) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = more;
            cap *= 2;
        }
    }
    fclose(fp);
    *len = n;
    return buf;
}

static void count_warning(void *user, const ac_error *w)
{
    (void)w;
    (*(int *)user)++;
}

/* Convert and record the outcome in `r` (new text). */
static void convert(ac_context *ctx, const ac_format *from, const ac_format *to,
                    const char *data, size_t len, const char *source, result *r)
{
    int warnings = 0;
    ac_context_set_warning_handler(ctx, count_warning, &warnings);
    char *out = NULL;
    size_t out_len = 0;
    ac_error e;
    r->status =
        ac_convert(ctx, from, to, data, len, source, &out, &out_len, &e);
    if (r->status == AC_OK) {
        r->text = out;
        r->len = out_len;
    } else {
        r->len = strlen(e.text);
        r->text = malloc(r->len + 1);
        if (r->text)
            memcpy(r->text, e.text, r->len + 1);
    }
    r->warnings = warnings;
    ac_context_set_warning_handler(ctx, NULL, NULL);
}

static bool same_result(const result *a, const result *b)
{
    return a->status == b->status && a->len == b->len &&
           a->warnings == b->warnings && a->text && b->text &&
           memcmp(a->text, b->text, a->len) == 0;
}

static ac_context *make_context(const job *j)
{
    ac_context *ctx = ac_context_new();
    if (!ctx)
        return NULL;
    if (j->plugin) {
        ac_error e;
        if (ac_context_load_plugin(ctx, j->plugin, &e) != AC_OK) {
            fprintf(stderr, "threads: %s: %s\n", e.source, e.text);
            ac_context_free(ctx);
            return NULL;
        }
    }
    return ctx;
}

/* Run the whole set once with `ctx`. With `store`, keep the results as the
 * expected ones; else compare and count mismatches. */
static void run_set(job *j, ac_context *ctx, bool store)
{
    size_t nf = j->form_count;
    for (size_t i = 0; i < j->input_count; i++) {
        const input *in = &j->inputs[i];
        const ac_format *from = ac_format_for_path(ctx, in->path);
        for (size_t f = 0; f < nf; f++) {
            const ac_format *to = ac_format_find(ctx, j->form_names[f]);
            result *want = &j->first[i * nf + f];
            result got;
            convert(ctx, from, to, in->data, in->len, in->path, &got);
            j->conversions++;
            if (store) {
                *want = got;
            } else {
                if (!same_result(&got, want)) {
                    j->mismatches++;
                    fprintf(stderr,
                            "threads: thread %d: %s -> %s differs from the "
                            "single-threaded result\n",
                            j->id, in->path, to->name);
                }
            }
            const result *mid = store ? &got : want;
            for (size_t g = 0; g < nf; g++) {
                result *want2 = &j->second[(i * nf + f) * nf + g];
                result got2 = {0};
                if (mid->status == AC_OK && to->read) {
                    convert(ctx, to, ac_format_find(ctx, j->form_names[g]),
                            mid->text, mid->len, "mid", &got2);
                    j->conversions++;
                } else {
                    got2.status = AC_ERR_UNSUPPORTED;
                    got2.text = calloc(1, 1);
                }
                if (store) {
                    *want2 = got2;
                    continue;
                }
                if (!same_result(&got2, want2)) {
                    j->mismatches++;
                    fprintf(stderr,
                            "threads: thread %d: %s -> %s -> %s differs from "
                            "the single-threaded result\n",
                            j->id, in->path, to->name, j->form_names[g]);
                }
                free(got2.text);
            }
            if (!store)
                free(got.text);
        }
    }
}

/* The cold start: no context exists yet in the process when these threads
 * make theirs. Converts the first input to every form into `cold`. */
typedef struct cold_job {
    const input *in;
    pthread_barrier_t *barrier;
    const char *const *forms;
    size_t form_count;
    result *results; /* form_count of them */
} cold_job;

static void *cold_main(void *arg)
{
    cold_job *c = arg;
    pthread_barrier_wait(c->barrier);
    ac_context *ctx = ac_context_new();
    for (size_t f = 0; f < c->form_count; f++) {
        result *r = &c->results[f];
        if (!ctx) {
            r->status = AC_ERR_NOMEM;
            continue;
        }
        convert(ctx, ac_format_for_path(ctx, c->in->path),
                ac_format_find(ctx, c->forms[f]), c->in->data, c->in->len,
                c->in->path, r);
    }
    ac_context_free(ctx);
    return NULL;
}

static void *thread_main(void *arg)
{
    job *j = arg;
    pthread_barrier_wait(j->barrier);
    /* Contexts are made at the same time too. */
    ac_context *ctx = make_context(j);
    if (!ctx) {
        j->mismatches++;
        return NULL;
    }
    for (int r = 0; r < j->rounds; r++)
        run_set(j, ctx, false);
    ac_context_free(ctx);
    return NULL;
}

/* A whole number from 1 to `max`, or 0. */
static int count_arg(const char *s, int max)
{
    char *end;
    long n = strtol(s, &end, 10);
    return *s && !*end && n >= 1 && n <= max ? (int)n : 0;
}

static int usage(void)
{
    fputs("usage: threads [--threads N] [--rounds N] [--plugin FILE.so] "
          "INPUT...\n",
          stderr);
    return 2;
}

int main(int argc, char **argv)
{
    int threads = 8, rounds = 3;
    const char *plugin = NULL;
    int argi = 1;
    for (; argi < argc && strncmp(argv[argi], "--", 2) == 0; argi += 2) {
        if (argi + 1 >= argc)
            return usage();
        if (strcmp(argv[argi], "--threads") == 0)
            threads = count_arg(argv[argi + 1], 64);
        else if (strcmp(argv[argi], "--rounds") == 0)
            rounds = count_arg(argv[argi + 1], 100000);
        else if (strcmp(argv[argi], "--plugin") == 0)
            plugin = argv[argi + 1];
        else
            return usage();
    }
    if (argi >= argc || threads < 1 || rounds < 1)
        return usage();

    size_t input_count = (size_t)(argc - argi);
    input *inputs = calloc(input_count, sizeof *inputs);
    for (size_t i = 0; i < input_count; i++) {
        inputs[i].path = argv[argi + (int)i];
        inputs[i].data = slurp(inputs[i].path, &inputs[i].len);
        if (!inputs[i].data) {
            fprintf(stderr, "threads: cannot read %s\n", inputs[i].path);
            return 1;
        }
    }

    /* The cold start, before any context of this process. */
    static const char *const builtin[] = {"md", "json", "yaml", "xml", "html"};
    enum { BUILTIN = sizeof builtin / sizeof builtin[0] };
    pthread_barrier_t barrier;
    pthread_barrier_init(&barrier, NULL, (unsigned)threads);
    cold_job *cold = calloc((size_t)threads, sizeof *cold);
    pthread_t *tids = calloc((size_t)threads, sizeof *tids);
    for (int t = 0; t < threads; t++) {
        cold[t] = (cold_job){.in = &inputs[0],
                             .barrier = &barrier,
                             .forms = builtin,
                             .form_count = BUILTIN,
                             .results = calloc(BUILTIN, sizeof(result))};
        if (pthread_create(&tids[t], NULL, cold_main, &cold[t]) != 0) {
            fprintf(stderr, "threads: cannot start thread %d\n", t);
            return 1;
        }
    }
    for (int t = 0; t < threads; t++)
        pthread_join(tids[t], NULL);

    job base = {.inputs = inputs,
                .input_count = input_count,
                .plugin = plugin,
                .rounds = rounds};
    ac_context *ctx = make_context(&base);
    if (!ctx)
        return 1;
    /* Every writable form: the built-in ones and the plugin's. */
    for (size_t i = 0; i < ac_format_count(ctx) && base.form_count < MAX_FORMS;
         i++) {
        const ac_format *f = ac_format_at(ctx, i);
        if (f->write)
            base.form_names[base.form_count++] = f->name;
    }
    size_t nf = base.form_count;
    base.first = calloc(input_count * nf, sizeof *base.first);
    base.second = calloc(input_count * nf * nf, sizeof *base.second);
    run_set(&base, ctx, true);
    long ok = 0;
    for (size_t k = 0; k < input_count * nf; k++)
        ok += base.first[k].status == AC_OK;

    /* The cold start's results are the single-threaded ones too (the
     * built-in forms come first in the list, in this order). */
    long mismatches = 0, conversions = 0;
    for (int t = 0; t < threads; t++) {
        for (size_t f = 0; f < BUILTIN; f++) {
            conversions++;
            if (f >= nf || strcmp(base.form_names[f], builtin[f]) != 0 ||
                !same_result(&cold[t].results[f], &base.first[f])) {
                mismatches++;
                fprintf(stderr,
                        "threads: cold start, thread %d: %s -> %s differs "
                        "from the single-threaded result\n",
                        t, inputs[0].path, builtin[f]);
            }
            free(cold[t].results[f].text);
        }
        free(cold[t].results);
    }
    free(cold);

    job *jobs = calloc((size_t)threads, sizeof *jobs);
    for (int t = 0; t < threads; t++) {
        jobs[t] = base;
        jobs[t].conversions = 0;
        jobs[t].barrier = &barrier;
        jobs[t].id = t;
        if (pthread_create(&tids[t], NULL, thread_main, &jobs[t]) != 0) {
            fprintf(stderr, "threads: cannot start thread %d\n", t);
            return 1;
        }
    }
    for (int t = 0; t < threads; t++) {
        pthread_join(tids[t], NULL);
        mismatches += jobs[t].mismatches;
        conversions += jobs[t].conversions;
    }
    pthread_barrier_destroy(&barrier);

    for (size_t k = 0; k < input_count * nf; k++)
        free(base.first[k].text);
    for (size_t k = 0; k < input_count * nf * nf; k++)
        free(base.second[k].text);
    free(base.first);
    free(base.second);
    free(jobs);
    free(tids);
    for (size_t i = 0; i < input_count; i++)
        free(inputs[i].data);
    free(inputs);
    ac_context_free(ctx);

    /* A run where nothing converts would compare nothing. */
    if (ok == 0) {
        fputs("threads: no input converted at all\n", stderr);
        return 1;
    }
    printf("threads: %d threads x %d rounds, %zu inputs x %zu forms: %ld "
           "conversions, %ld mismatches\n",
           threads, rounds, input_count, nf, conversions, mismatches);
    return mismatches ? 1 : 0;
}
