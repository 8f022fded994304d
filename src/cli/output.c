/*
 * agentconv's command-line tool: naming outputs and writing them safely.
 *
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE /* renameat2, RENAME_NOREPLACE */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "output.h"

/* The permissions of a new file: 0666 less the umask, and the process id
 * for the names of temporary files (both read at start). */
static mode_t new_file_mode = 0644;
static long process_id;
/* AGENTCONV_TEST_SAFE_WRITE picks the way new files are written, so that
 * the tests reach each of them (docs/batch.md): "proc" (O_TMPFILE linked
 * through /proc/self/fd), "rename" (a named temporary file and renameat2
 * without replacement), "link" (a named temporary file, link() and
 * unlink()). Unset, the first way that works here is taken. */
static bool no_renameat2;
/* Cleared when O_TMPFILE or linking its file into place turns out not to
 * work here; then new files go through a named temporary file. */
static _Atomic bool anonymous_works = true;
/* Cleared when linkat(AT_EMPTY_PATH) is refused (it needs a privilege
 * before Linux 6.10): the link is then made through /proc/self/fd. */
static _Atomic bool empty_path_works = true;

void cli_output_init(void)
{
    mode_t mask = umask(0);
    umask(mask);
    new_file_mode = 0666 & ~mask;
    process_id = (long)getpid();
    const char *way = getenv("AGENTCONV_TEST_SAFE_WRITE");
    if (way && strcmp(way, "proc") == 0) {
        empty_path_works = false;
    } else if (way && strcmp(way, "rename") == 0) {
        anonymous_works = false;
    } else if (way && strcmp(way, "link") == 0) {
        anonymous_works = false;
        no_renameat2 = true;
    }
}

const char *cli_target_extension(const ac_format *to, char *buf, size_t size)
{
    const char *const *e = to->extensions;
    for (size_t i = 0; e && e[i]; i++) {
        const char *dot = strchr(e[i], '.');
        if (dot && !strchr(dot + 1, '.'))
            return e[i];
    }
    if (e && e[0])
        return e[0];
    snprintf(buf, size, ".%s", to->name);
    return buf;
}

char *cli_output_name(const ac_context *ctx, const char *rel, const char *ext)
{
    const char *slash = strrchr(rel, '/');
    const char *base = slash ? slash + 1 : rel;
    const char *dot = strrchr(base, '.');
    size_t keep = dot && ac_format_for_path(ctx, base) ? (size_t)(dot - rel)
                                                       : strlen(rel);
    size_t k = strlen(ext);
    char *p = cli_malloc(keep + k + 1);
    /* the ending with its NUL follows */
    // NOLINTNEXTLINE(bugprone-not-null-terminated-result)
    memcpy(p, rel, keep);
    memcpy(p + keep, ext, k + 1);
    return p;
}

bool cli_name_is_path(const char *name, size_t len)
{
    if (len > 0 && (name[0] == '/' || name[0] == '\\'))
        return true;
    /* A component "." or "..", between separators '/' or '\\'. */
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && name[i] != '/' && name[i] != '\\')
            continue;
        size_t n = i - start;
        if ((n == 1 && name[start] == '.') ||
            (n == 2 && name[start] == '.' && name[start + 1] == '.'))
            return true;
        start = i + 1;
    }
    return false;
}

enum { SAFE_NAME_MAX = 100 };

static bool kept_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ||
           c >= 0x80;
}

char *cli_safe_file_name(const char *name, size_t len)
{
    char *out = cli_malloc(len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (kept_byte(c))
            out[n++] = (char)c;
        else if (n == 0 || out[n - 1] != '-')
            out[n++] = '-';
    }
    /* Trim: no leading '-' or '.', which would make an option or a hidden
     * file, and no trailing ones. */
    size_t start = 0;
    while (start < n && (out[start] == '-' || out[start] == '.'))
        start++;
    while (n > start && (out[n - 1] == '-' || out[n - 1] == '.'))
        n--;
    if (n - start > SAFE_NAME_MAX) {
        n = start + SAFE_NAME_MAX;
        /* Back off to the start of a UTF-8 sequence. */
        while (n > start && ((unsigned char)out[n] & 0xC0) == 0x80)
            n--;
        while (n > start && (out[n - 1] == '-' || out[n - 1] == '.'))
            n--;
    }
    if (n == start) {
        free(out);
        return NULL;
    }
    memmove(out, out + start, n - start);
    out[n - start] = '\0';
    return out;
}

/* The directory part of `path` ("" when it has none). New string. */
static char *dir_part(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return cli_strdup("");
    if (slash == path)
        return cli_strdup("/");
    return cli_strndup(path, (size_t)(slash - path));
}

/* mkdir -p, each new directory 0777 less the umask. */
static int make_dirs(const char *dir, char **why)
{
    struct stat st;
    if (dir[0] == '\0' || (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)))
        return 0;
    char *p = cli_strdup(dir);
    size_t n = strlen(p);
    for (size_t i = 1; i <= n; i++) {
        if (i < n && p[i] != '/')
            continue;
        char saved = p[i];
        p[i] = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            *why = cli_format("cannot create the directory %s: %s", p,
                              strerror(errno));
            free(p);
            return -1;
        }
        if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
            *why = cli_format("cannot create the directory %s: %s", p,
                              strerror(ENOTDIR));
            free(p);
            return -1;
        }
        p[i] = saved;
    }
    free(p);
    return 0;
}

/* Whether the open file `fd` holds exactly `len` bytes equal to `data`. */
static bool same_bytes(int fd, const char *data, size_t len)
{
    char chunk[65536];
    size_t done = 0;
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return false;
        if (n == 0)
            return done == len;
        if ((size_t)n > len - done ||
            memcmp(chunk, data + done, (size_t)n) != 0)
            return false;
        done += (size_t)n;
    }
}

/* What is at `path` now: -1 on an error (in `*why`), else 0 with `*exists`,
 * `*unchanged` and the mode a replacement keeps. */
static int look_at(const char *path, const char *data, size_t len, bool force,
                   bool *exists, bool *unchanged, mode_t *mode, char **why)
{
    *exists = false;
    *unchanged = false;
    int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0) {
        struct stat st;
        *exists = true;
        if (fstat(fd, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                close(fd);
                *why = cli_strdup("cannot write: it is a directory");
                return -1;
            }
            if (S_ISREG(st.st_mode)) {
                *mode = st.st_mode & 07777;
                *unchanged =
                    (size_t)st.st_size == len && same_bytes(fd, data, len);
            }
        }
        close(fd);
        return 0;
    }
    int saved = errno;
    struct stat st;
    /* Without --force, a name that open() could not follow (a broken
     * link) is refused by the rename without replacement anyway: the
     * lstat() is only needed to replace it. */
    if (saved == ENOENT && !force)
        return 0;
    if (lstat(path, &st) == 0) {
        /* A broken link, or a file we may not read: it is there. */
        *exists = true;
        return 0;
    }
    if (saved == ENOENT)
        return 0;
    *why = cli_format("cannot write: %s", strerror(saved));
    return -1;
}

/* Rename `tmp` to `path` unless `path` exists: 0, or -1 with errno (EEXIST
 * when it does). */
static int rename_no_replace(const char *tmp, const char *path)
{
#ifdef RENAME_NOREPLACE
    if (!no_renameat2) {
        if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
            return 0;
        if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
            return -1;
    }
#endif
    /* The filesystem (or the C library) has no RENAME_NOREPLACE: link()
     * refuses an existing name just as well. */
    if (link(tmp, path) != 0)
        return -1;
    unlink(tmp);
    return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        done += (size_t)n;
    }
    return 0;
}

/* Create a temporary file in `dir` ("" for the current folder) that no
 * other process or thread has: O_EXCL on a name made of the process id and
 * a counter, tried again on a clash. Returns the descriptor with the name
 * in `*tmp` (to free), or -1 with errno. */
static int create_temp(const char *dir, mode_t mode, char **tmp)
{
    static _Atomic unsigned long counter;
    for (int attempt = 0; attempt < 100; attempt++) {
        unsigned long n = ++counter;
        free(*tmp);
        *tmp = cli_format("%s%s.agentconv-%ld-%lu", dir,
                          dir[0] == '\0' || strcmp(dir, "/") == 0 ? "" : "/",
                          process_id, n);
        int fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    errno = EEXIST;
    return -1;
}

/* The result of put_anonymous when that way is not available here. */
enum { ANONYMOUS_UNAVAILABLE = -1 };

/* A new file written as a file without a name (O_TMPFILE, in the folder of
 * `path`, made when missing), linked to `path` once it holds every byte:
 * linkat refuses an existing name, as the rename without replacement does,
 * and nothing is left behind on a failure, even a crash. It costs the
 * kernel less than a named temporary file and a rename (no name to make,
 * then move). The link is made with AT_EMPTY_PATH, else through
 * /proc/self/fd (AT_EMPTY_PATH needs a privilege before Linux 6.10).
 * Returns CLI_WRITTEN, CLI_EXISTS, CLI_WRITE_FAILED (with `*why`), or
 * ANONYMOUS_UNAVAILABLE when the file system, the kernel or /proc cannot
 * do it (then nothing was made). */
static int put_anonymous(const char *dir, const char *path, const char *data,
                         size_t len, mode_t mode, char **why)
{
#ifdef O_TMPFILE
    const char *where = dir[0] ? dir : ".";
    int fd = open(where, O_WRONLY | O_TMPFILE | O_CLOEXEC, mode);
    if (fd < 0 && errno == ENOENT) {
        if (make_dirs(dir, why) != 0)
            return CLI_WRITE_FAILED;
        fd = open(where, O_WRONLY | O_TMPFILE | O_CLOEXEC, mode);
    }
    if (fd < 0) {
        if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL ||
            errno == ENOSYS)
            return ANONYMOUS_UNAVAILABLE;
        *why =
            cli_format("cannot create a temporary file: %s", strerror(errno));
        return CLI_WRITE_FAILED;
    }
    if (write_all(fd, data, len) != 0) {
        int saved = errno;
        close(fd);
        *why = cli_format("cannot write: %s", strerror(saved));
        return CLI_WRITE_FAILED;
    }
    int rc = -1;
    errno = 0;
    if (empty_path_works) {
        rc = linkat(fd, "", AT_FDCWD, path, AT_EMPTY_PATH);
        if (rc != 0 && (errno == ENOENT || errno == EPERM))
            empty_path_works = false;
    }
    if (rc != 0 && errno != EEXIST) {
        char proc[64];
        snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
        rc = linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW);
        if (rc != 0 && errno != EEXIST) {
            /* No way to link it here (or the folder went away: the named
             * temporary file will say so). */
            close(fd);
            return ANONYMOUS_UNAVAILABLE;
        }
    }
    if (close(fd) != 0 && rc == 0) {
        /* Linked already, every byte written; only a file system without
         * O_TMPFILE (NFS) reports write errors at close. */
        *why = cli_format("cannot write: %s", strerror(errno));
        return CLI_WRITE_FAILED;
    }
    return rc == 0 ? CLI_WRITTEN : CLI_EXISTS;
#else
    (void)dir;
    (void)path;
    (void)data;
    (void)len;
    (void)mode;
    (void)why;
    return ANONYMOUS_UNAVAILABLE;
#endif
}

/* Write `data` to a temporary file in the folder of `path` (made when
 * missing) and rename it to `path`: replacing what is there when `replace`,
 * else only when nothing is (CLI_EXISTS when something is). A new file is
 * written without a name first when the system can (put_anonymous). */
static cli_write_result put_file(const char *path, const char *data, size_t len,
                                 bool replace, mode_t mode, char **why)
{
    char *dir = dir_part(path);
    if (!replace && anonymous_works) {
        int r = put_anonymous(dir, path, data, len, mode, why);
        if (r != ANONYMOUS_UNAVAILABLE) {
            free(dir);
            return (cli_write_result)r;
        }
        anonymous_works = false;
    }
    char *tmp = NULL;
    int fd = create_temp(dir, replace ? 0600 : mode, &tmp);
    if (fd < 0 && errno == ENOENT) {
        /* The folder is not there yet: make it, then try again. */
        if (make_dirs(dir, why) != 0) {
            free(dir);
            free(tmp);
            return CLI_WRITE_FAILED;
        }
        fd = create_temp(dir, replace ? 0600 : mode, &tmp);
    }
    free(dir);
    if (fd < 0) {
        *why =
            cli_format("cannot create a temporary file: %s", strerror(errno));
        free(tmp);
        return CLI_WRITE_FAILED;
    }
    /* A new file was created with the mode a new file gets (open applies
     * the umask); a replacement keeps the replaced file's mode, which the
     * umask must not narrow. */
    int rc = replace ? fchmod(fd, mode) : 0;
    if (rc == 0)
        rc = write_all(fd, data, len);
    int saved = errno;
    if (close(fd) != 0 && rc == 0) {
        rc = -1;
        saved = errno;
    }
    cli_write_result result = replace ? CLI_REPLACED : CLI_WRITTEN;
    if (rc == 0) {
        rc = replace ? rename(tmp, path) : rename_no_replace(tmp, path);
        saved = errno;
        if (rc != 0 && !replace && saved == EEXIST)
            result = CLI_EXISTS; /* it appeared in the meantime */
    }
    if (rc != 0) {
        unlink(tmp);
        if (result != CLI_EXISTS) {
            *why = cli_format("cannot write: %s", strerror(saved));
            result = CLI_WRITE_FAILED;
        }
    }
    free(tmp);
    return result;
}

cli_write_result cli_write_output(const char *path, const char *data,
                                  size_t len, bool force, bool dry_run,
                                  char **why)
{
    *why = NULL;
    bool exists, unchanged;
    mode_t mode = new_file_mode;
    if (look_at(path, data, len, force, &exists, &unchanged, &mode, why) != 0)
        return CLI_WRITE_FAILED;
    if (unchanged)
        return CLI_UNCHANGED;
    if (exists && !force)
        return CLI_EXISTS;
    if (dry_run)
        return exists ? CLI_REPLACED : CLI_WRITTEN;
    return put_file(path, data, len, exists, mode, why);
}

cli_write_result cli_write_new_output(const char *path, const char *data,
                                      size_t len, bool force, bool dry_run,
                                      char **why)
{
    *why = NULL;
    if (dry_run)
        return CLI_WRITTEN;
    cli_write_result r = put_file(path, data, len, false, new_file_mode, why);
    if (r != CLI_EXISTS)
        return r;
    /* Something made the file in the meantime: look at it as usual. */
    return cli_write_output(path, data, len, force, dry_run, why);
}

bool cli_file_writer_open(cli_file_writer *w, const char *path, char **why)
{
    memset(w, 0, sizeof *w);
    *why = NULL;
    w->fd = -1;
    w->mode = new_file_mode;
    struct stat st;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            *why = cli_strdup("cannot write: it is a directory");
            return false;
        }
        w->replace = true;
        if (S_ISREG(st.st_mode))
            w->mode = st.st_mode & 07777;
    } else if (lstat(path, &st) == 0) {
        w->replace = true; /* a broken link: replaced by the file */
    }
    char *dir = dir_part(path);
    int fd = create_temp(dir, w->replace ? 0600 : w->mode, &w->tmp);
    if (fd < 0 && errno == ENOENT) {
        if (make_dirs(dir, why) != 0) {
            free(dir);
            free(w->tmp);
            w->tmp = NULL;
            return false;
        }
        fd = create_temp(dir, w->replace ? 0600 : w->mode, &w->tmp);
    }
    free(dir);
    if (fd < 0) {
        *why =
            cli_format("cannot create a temporary file: %s", strerror(errno));
        free(w->tmp);
        w->tmp = NULL;
        return false;
    }
    w->fd = fd;
    w->path = cli_strdup(path);
    if (w->replace && fchmod(fd, w->mode) != 0)
        w->error = errno;
    return true;
}

void cli_file_writer_put(cli_file_writer *w, const void *data, size_t len)
{
    if (!w->error && write_all(w->fd, data, len) != 0)
        w->error = errno;
}

void cli_file_writer_fail(cli_file_writer *w, int error)
{
    if (!w->error)
        w->error = error;
}

cli_write_result cli_file_writer_close(cli_file_writer *w, char **why)
{
    *why = NULL;
    if (close(w->fd) != 0 && !w->error)
        w->error = errno;
    if (!w->error && rename(w->tmp, w->path) != 0)
        w->error = errno;
    cli_write_result r = w->replace ? CLI_REPLACED : CLI_WRITTEN;
    if (w->error) {
        unlink(w->tmp);
        *why = cli_format("cannot write: %s", strerror(w->error));
        r = CLI_WRITE_FAILED;
    }
    free(w->tmp);
    free(w->path);
    memset(w, 0, sizeof *w);
    w->fd = -1;
    return r;
}
