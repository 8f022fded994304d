/*
 * agentconv's command-line tool: walking the directories of a run.
 *
 * The rules (docs/batch.md): a walk takes the files with an extension of
 * the source form (md by default) or matching an --include glob, unless an
 * --exclude glob matches them or a folder above them; it never enters the
 * -o directory; it takes a symbolic link to a file only when the file lies
 * inside the walked directory, and never follows a link to a directory
 * (so it cannot loop). Each link it does not follow is an input that is
 * skipped with a warning.
 *
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE /* realpath */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli.h"
#include "walk.h"

typedef struct avoided {
    dev_t dev;
    ino_t ino;
} avoided;

typedef struct walker {
    const cli_walk_options *opt;
    cli_inputs *out;
    char *root_arg;  /* the directory as given, without a final '/' */
    char *root_real; /* its real path, for links */
    avoided *avoid;
    size_t avoid_count;
} walker;

bool cli_is_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static cli_input *add_input(cli_inputs *out, const char *path, const char *rel,
                            bool walked)
{
    if (out->count == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 16;
        out->items = cli_realloc(out->items, out->cap * sizeof *out->items);
    }
    cli_input *in = &out->items[out->count++];
    in->path = cli_strdup(path);
    in->rel = cli_strdup(rel);
    in->walked = walked;
    in->skip = NULL;
    in->fail = NULL;
    return in;
}

void cli_inputs_free(cli_inputs *inputs)
{
    for (size_t i = 0; i < inputs->count; i++) {
        free(inputs->items[i].path);
        free(inputs->items[i].rel);
        free(inputs->items[i].skip);
        free(inputs->items[i].fail);
    }
    free(inputs->items);
    memset(inputs, 0, sizeof *inputs);
}

/* A glob without '/' is matched against the entry's name; one with '/'
 * against its path relative to the walked directory, where '*' does not
 * cross a '/'. */
static bool glob_matches(const char *glob, const char *rel, const char *name)
{
    if (strchr(glob, '/'))
        return fnmatch(glob, rel, FNM_PATHNAME) == 0;
    return fnmatch(glob, name, 0) == 0;
}

static bool excluded(const walker *w, const char *rel, const char *name)
{
    for (size_t i = 0; i < w->opt->exclude_count; i++)
        if (glob_matches(w->opt->exclude[i], rel, name))
            return true;
    return false;
}

static bool ends_with_ci(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    /* The extension must not be the whole name (".md" alone). */
    return k < n && strcasecmp(s + n - k, suffix) == 0;
}

/* Whether a walk takes a file of this name (exclusions aside). */
static bool wanted(const walker *w, const char *rel, const char *name)
{
    for (size_t i = 0; i < w->opt->include_count; i++)
        if (glob_matches(w->opt->include[i], rel, name))
            return true;
    const ac_format *f =
        w->opt->from ? w->opt->from : ac_format_find(w->opt->ctx, "md");
    for (const char *const *e = f ? f->extensions : NULL; e && *e; e++)
        if (ends_with_ci(name, *e))
            return true;
    return false;
}

static bool is_avoided(const walker *w, const struct stat *st)
{
    for (size_t i = 0; i < w->avoid_count; i++)
        if (w->avoid[i].dev == st->st_dev && w->avoid[i].ino == st->st_ino)
            return true;
    return false;
}

/* Whether the real path `real` lies inside the walked directory. */
static bool inside_root(const walker *w, const char *real)
{
    size_t n = strlen(w->root_real);
    if (n == 1 && w->root_real[0] == '/')
        return true;
    return strncmp(real, w->root_real, n) == 0 && real[n] == '/';
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk_dir(walker *w, const char *dir, const char *rel_dir);

/* One entry of a directory: `path` to open it, `rel` relative to the root. */
static void walk_entry(walker *w, const char *path, const char *rel,
                       const char *name)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (wanted(w, rel, name) && !excluded(w, rel, name))
            add_input(w->out, path, rel, true)->fail =
                cli_format("cannot read: %s", strerror(errno));
        return;
    }
    if (excluded(w, rel, name))
        return;
    if (S_ISDIR(st.st_mode)) {
        if (!is_avoided(w, &st))
            walk_dir(w, path, rel);
        return;
    }
    if (S_ISLNK(st.st_mode)) {
        struct stat target;
        if (stat(path, &target) != 0) {
            if (wanted(w, rel, name))
                add_input(w->out, path, rel, true)->skip =
                    cli_strdup("not followed: a broken symbolic link");
            return;
        }
        if (S_ISDIR(target.st_mode)) {
            add_input(w->out, path, rel, true)->skip =
                cli_strdup("not followed: a symbolic link to a directory");
            return;
        }
        if (!wanted(w, rel, name) || is_avoided(w, &target))
            return;
        char *real = realpath(path, NULL);
        if (!real || !inside_root(w, real)) {
            add_input(w->out, path, rel, true)->skip =
                cli_format("not followed: a symbolic link that leads out of %s",
                           w->root_arg);
        } else if (!S_ISREG(target.st_mode)) {
            add_input(w->out, path, rel, true)->skip =
                cli_strdup("not read: not a regular file");
        } else {
            add_input(w->out, path, rel, true);
        }
        free(real);
        return;
    }
    if (!wanted(w, rel, name) || is_avoided(w, &st))
        return;
    cli_input *in = add_input(w->out, path, rel, true);
    if (!S_ISREG(st.st_mode))
        in->skip = cli_strdup("not read: not a regular file");
}

static void walk_dir(walker *w, const char *dir, const char *rel_dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        add_input(w->out, dir, rel_dir ? rel_dir : ".", true)->fail =
            cli_format("cannot open the directory: %s", strerror(errno));
        return;
    }
    char **names = NULL;
    size_t count = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 32;
            names = cli_realloc(names, cap * sizeof *names);
        }
        names[count++] = cli_strdup(e->d_name);
    }
    closedir(d);
    if (count)
        qsort(names, count, sizeof *names, compare_names);
    for (size_t i = 0; i < count; i++) {
        char *path = cli_path_join(dir, names[i]);
        char *rel =
            rel_dir ? cli_path_join(rel_dir, names[i]) : cli_strdup(names[i]);
        walk_entry(w, path, rel, names[i]);
        free(path);
        free(rel);
        free(names[i]);
    }
    free(names);
}

static const char *base_name(const char *path)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    const char *slash = NULL;
    for (size_t i = 0; i < n; i++)
        if (path[i] == '/')
            slash = path + i;
    return slash && slash + 1 < path + n ? slash + 1 : path;
}

void cli_expand_inputs(const cli_walk_options *opt, char *const *args,
                       size_t count, cli_inputs *out)
{
    walker w = {.opt = opt, .out = out};
    w.avoid = cli_calloc(opt->avoid_count, sizeof *w.avoid);
    for (size_t i = 0; i < opt->avoid_count; i++) {
        struct stat st;
        if (opt->avoid[i] && stat(opt->avoid[i], &st) == 0) {
            w.avoid[w.avoid_count].dev = st.st_dev;
            w.avoid[w.avoid_count].ino = st.st_ino;
            w.avoid_count++;
        }
    }
    for (size_t i = 0; i < count; i++) {
        const char *arg = args[i];
        if (strcmp(arg, "-") != 0 && cli_is_directory(arg)) {
            out->directories++;
            size_t n = strlen(arg);
            while (n > 1 && arg[n - 1] == '/')
                n--;
            w.root_arg = cli_strndup(arg, n);
            w.root_real = realpath(arg, NULL);
            if (!w.root_real) {
                add_input(out, arg, ".", true)->fail = cli_format(
                    "cannot open the directory: %s", strerror(errno));
                free(w.root_arg);
                continue;
            }
            walk_dir(&w, arg, NULL);
            free(w.root_real);
            free(w.root_arg);
            w.root_real = NULL;
            continue;
        }
        /* A file named on the command line: its base name is mirrored
         * (without a trailing slash, which a file name cannot have). */
        const char *base = base_name(arg);
        size_t n = strlen(base);
        while (n > 1 && base[n - 1] == '/')
            n--;
        char *rel = cli_strndup(base, n);
        add_input(out, arg, rel, false);
        free(rel);
    }
    free(w.avoid);
}
