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
 * The inputs are kept compactly (docs/batch.md, "Memory"): blocks of
 * records, one after the other, each starting with its kind:
 *   REC_DIR   the folder of the walked files that follow: the path to open
 *             it, a NUL, a byte (1 when a relative path follows), and its
 *             path relative to the walked directory with a NUL;
 *   REC_FILE  a walked file of that folder: a byte of flags, its name and a
 *             NUL, then the message of a skip or failure with a NUL;
 *   REC_FULL  any other input: flags, path, NUL, relative path, NUL, then
 *             the message as above.
 * So a walked file costs its name, two bytes and a NUL.
 *
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE /* realpath, DT_REG */
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
    bool avoid_files;        /* an avoided path is not a directory: every
                                entry needs its device and inode */
    bool slash_globs;        /* an --include or --exclude glob has a '/' */
    const ac_format *form;   /* whose extensions a walk takes */
    unsigned long serial;    /* counts the folders walked */
    unsigned long described; /* the folder the last REC_DIR describes */
} walker;

bool cli_is_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* ---- the compact list ---- */

enum { REC_DIR = 1, REC_FILE = 2, REC_FULL = 3 };
enum { IN_WALKED = 1, IN_SKIP = 2, IN_FAIL = 4 };
enum { BLOCK_SIZE = 65536 };

struct cli_input_block {
    cli_input_block *next;
    size_t used, size;
    char data[];
};

/* Room for `n` more bytes at the end of the list. */
static char *reserve(cli_inputs *out, size_t n)
{
    cli_input_block *b = out->last;
    if (!b || b->size - b->used < n) {
        size_t size = n > BLOCK_SIZE ? n : BLOCK_SIZE;
        b = cli_malloc(sizeof *b + size);
        b->next = NULL;
        b->used = 0;
        b->size = size;
        if (out->last)
            out->last->next = b;
        else
            out->first = b;
        out->last = b;
    }
    char *p = b->data + b->used;
    b->used += n;
    return p;
}

static char *put_text(char *p, const char *s, size_t n)
{
    memcpy(p, s, n);
    p[n] = '\0';
    return p + n + 1;
}

static void add_dir_record(cli_inputs *out, const char *dir,
                           const char *rel_dir)
{
    size_t d = strlen(dir), r = rel_dir ? strlen(rel_dir) + 1 : 0;
    char *p = reserve(out, 1 + d + 1 + 1 + r);
    *p++ = REC_DIR;
    p = put_text(p, dir, d);
    *p++ = rel_dir ? 1 : 0;
    if (rel_dir)
        put_text(p, rel_dir, r - 1);
}

static void add_record(cli_inputs *out, int kind, int flags, const char *path,
                       const char *rel, const char *msg)
{
    size_t a = strlen(path), r = rel ? strlen(rel) + 1 : 0;
    size_t m = msg ? strlen(msg) + 1 : 0;
    char *p = reserve(out, 2 + a + 1 + r + m);
    *p++ = (char)kind;
    *p++ = (char)flags;
    p = put_text(p, path, a);
    if (rel)
        p = put_text(p, rel, r - 1);
    if (msg)
        put_text(p, msg, m - 1);
    out->count++;
}

/* A file named on the command line, or a walked path that is not a file of
 * the folder being listed. */
static void add_full(cli_inputs *out, const char *path, const char *rel,
                     bool walked, int flags, const char *msg)
{
    add_record(out, REC_FULL, flags | (walked ? IN_WALKED : 0), path, rel, msg);
}

void cli_inputs_free(cli_inputs *inputs)
{
    cli_input_block *b = inputs->first;
    while (b) {
        cli_input_block *next = b->next;
        free(b);
        b = next;
    }
    memset(inputs, 0, sizeof *inputs);
}

void cli_inputs_begin(const cli_inputs *inputs, cli_input_iter *it)
{
    memset(it, 0, sizeof *it);
    it->block = inputs->first;
}

static const char *take_text(const char **p)
{
    const char *s = *p;
    *p += strlen(s) + 1;
    return s;
}

bool cli_inputs_next(cli_input_iter *it, cli_input *in)
{
    free(it->path);
    free(it->rel);
    it->path = it->rel = NULL;
    for (;;) {
        while (it->block && it->offset >= it->block->used) {
            it->block = it->block->next;
            it->offset = 0;
        }
        if (!it->block)
            return false;
        const char *p = it->block->data + it->offset;
        int kind = (unsigned char)*p++;
        if (kind == REC_DIR) {
            it->dir = take_text(&p);
            bool has_rel = *p++ != 0;
            it->rel_dir = has_rel ? take_text(&p) : NULL;
            it->offset = (size_t)(p - it->block->data);
            continue;
        }
        int flags = (unsigned char)*p++;
        if (kind == REC_FILE) {
            const char *name = take_text(&p);
            it->path = cli_path_join(it->dir, name);
            if (it->rel_dir)
                it->rel = cli_path_join(it->rel_dir, name);
            in->path = it->path;
            in->rel = it->rel ? it->rel : name;
        } else {
            in->path = take_text(&p);
            in->rel = take_text(&p);
        }
        in->walked = (flags & IN_WALKED) != 0;
        in->skip = (flags & IN_SKIP) ? take_text(&p) : NULL;
        in->fail = (flags & IN_FAIL) ? take_text(&p) : NULL;
        it->offset = (size_t)(p - it->block->data);
        return true;
    }
}

void cli_input_iter_end(cli_input_iter *it)
{
    free(it->path);
    free(it->rel);
    it->path = it->rel = NULL;
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
    const ac_format *f = w->form;
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

/* The folder being listed, for the inputs found in it. */
typedef struct listing {
    const char *dir, *rel_dir;
    unsigned long serial;
} listing;

static void walk_dir(walker *w, const char *dir, const char *rel_dir);

/* A walked file of the folder `l`, with the message of a skip or failure
 * (`flags` says which, or none). */
static void add_walked(walker *w, const listing *l, const char *name, int flags,
                       const char *msg)
{
    if (w->described != l->serial) {
        add_dir_record(w->out, l->dir, l->rel_dir);
        w->described = l->serial;
    }
    add_record(w->out, REC_FILE, flags | IN_WALKED, name, NULL, msg);
}

/* One entry of a directory: `path` to open it, `rel` relative to the root. */
static void walk_entry(walker *w, const listing *l, const char *path,
                       const char *rel, const char *name)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (wanted(w, rel, name) && !excluded(w, rel, name)) {
            char *msg = cli_format("cannot read: %s", strerror(errno));
            add_walked(w, l, name, IN_FAIL, msg);
            free(msg);
        }
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
                add_walked(w, l, name, IN_SKIP,
                           "not followed: a broken symbolic link");
            return;
        }
        if (S_ISDIR(target.st_mode)) {
            add_walked(w, l, name, IN_SKIP,
                       "not followed: a symbolic link to a directory");
            return;
        }
        if (!wanted(w, rel, name) || is_avoided(w, &target))
            return;
        char *real = realpath(path, NULL);
        if (!real || !inside_root(w, real)) {
            char *msg =
                cli_format("not followed: a symbolic link that leads out of %s",
                           w->root_arg);
            add_walked(w, l, name, IN_SKIP, msg);
            free(msg);
        } else if (!S_ISREG(target.st_mode)) {
            add_walked(w, l, name, IN_SKIP, "not read: not a regular file");
        } else {
            add_walked(w, l, name, 0, NULL);
        }
        free(real);
        return;
    }
    if (!wanted(w, rel, name) || is_avoided(w, &st))
        return;
    add_walked(w, l, name, S_ISREG(st.st_mode) ? 0 : IN_SKIP,
               S_ISREG(st.st_mode) ? NULL : "not read: not a regular file");
}

typedef struct dir_entry {
    char *name;
    unsigned char type;
} dir_entry;

static int compare_entries(const void *a, const void *b)
{
    return strcmp(((const dir_entry *)a)->name, ((const dir_entry *)b)->name);
}

static void walk_dir(walker *w, const char *dir, const char *rel_dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        char *msg =
            cli_format("cannot open the directory: %s", strerror(errno));
        add_full(w->out, dir, rel_dir ? rel_dir : ".", true, IN_FAIL, msg);
        free(msg);
        return;
    }
    dir_entry *entries = NULL;
    size_t count = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 32;
            entries = cli_realloc(entries, cap * sizeof *entries);
        }
        entries[count].name = cli_strdup(e->d_name);
        entries[count].type = e->d_type;
        count++;
    }
    closedir(d);
    if (count)
        qsort(entries, count, sizeof *entries, compare_entries);
    listing l = {dir, rel_dir, ++w->serial};
    for (size_t i = 0; i < count; i++) {
        const char *name = entries[i].name;
        /* A regular file that readdir vouches for (d_type) needs no lstat,
         * unless its device and inode must be compared with an avoided
         * file; nor its paths, unless a glob with '/' looks at them. */
        if (entries[i].type == DT_REG && !w->avoid_files && !w->slash_globs) {
            if (!excluded(w, NULL, name) && wanted(w, NULL, name))
                add_walked(w, &l, name, 0, NULL);
            free(entries[i].name);
            continue;
        }
        char *path = cli_path_join(dir, name);
        char *rel = rel_dir ? cli_path_join(rel_dir, name) : cli_strdup(name);
        if (entries[i].type == DT_REG && !w->avoid_files) {
            if (!excluded(w, rel, name) && wanted(w, rel, name))
                add_walked(w, &l, name, 0, NULL);
        } else {
            walk_entry(w, &l, path, rel, name);
        }
        free(path);
        free(rel);
        free(entries[i].name);
    }
    free(entries);
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
    w.form = opt->from ? opt->from : ac_format_find(opt->ctx, "md");
    for (size_t i = 0; i < opt->include_count; i++)
        if (strchr(opt->include[i], '/'))
            w.slash_globs = true;
    for (size_t i = 0; i < opt->exclude_count; i++)
        if (strchr(opt->exclude[i], '/'))
            w.slash_globs = true;
    w.avoid = cli_calloc(opt->avoid_count, sizeof *w.avoid);
    for (size_t i = 0; i < opt->avoid_count; i++) {
        struct stat st;
        if (opt->avoid[i] && stat(opt->avoid[i], &st) == 0) {
            w.avoid[w.avoid_count].dev = st.st_dev;
            w.avoid[w.avoid_count].ino = st.st_ino;
            w.avoid_count++;
            if (!S_ISDIR(st.st_mode))
                w.avoid_files = true;
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
                char *msg = cli_format("cannot open the directory: %s",
                                       strerror(errno));
                add_full(out, arg, ".", true, IN_FAIL, msg);
                free(msg);
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
        add_full(out, arg, rel, false, 0, NULL);
        free(rel);
    }
    free(w.avoid);
}
