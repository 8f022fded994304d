/*
 * Streams and files: ac_read_stream, ac_write_stream, ac_write_file (all or
 * nothing, through a temporary file and a rename), and ac_convert.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

ac_status ac_read_stream(ac_context *ctx, const ac_format *format, FILE *stream,
                         const char *source, ac_doc **out, ac_error *error)
{
    ac_error local;
    if (!error)
        error = &local;
    if (!source)
        source = "<stream>";
    if (out)
        *out = NULL;
    if (!ctx || !stream || !out)
        return acp_error_set(error, AC_ERR_ARGUMENT, source, 0, 0, -1,
                             "invalid argument");
    char *data = NULL;
    size_t len = 0;
    errno = 0;
    ac_status st =
        acp_slurp(stream, ctx->limits[AC_LIMIT_INPUT_SIZE], &data, &len);
    if (st == AC_ERR_IO)
        return acp_error_set(error, st, source, 0, 0, -1, "cannot read: %s",
                             strerror(errno ? errno : EIO));
    if (st != AC_OK)
        return acp_error_set(error, st, source, 0, 0, -1, "out of memory");
    st = ac_read(ctx, format, data, len, source, out, error);
    free(data);
    return st;
}

ac_status ac_write_stream(ac_context *ctx, const ac_format *format,
                          const ac_doc *doc, FILE *stream, ac_error *error)
{
    ac_error local;
    if (!error)
        error = &local;
    if (!stream)
        return acp_error_set(error, AC_ERR_ARGUMENT, "agentconv", 0, 0, -1,
                             "invalid argument");
    char *text = NULL;
    size_t len = 0;
    ac_status st = ac_write(ctx, format, doc, &text, &len, error);
    if (st != AC_OK)
        return st;
    errno = 0;
    bool ok = fwrite(text, 1, len, stream) == len;
    ok = fflush(stream) == 0 && ok;
    int saved = errno;
    free(text);
    if (!ok)
        return acp_error_set(error, AC_ERR_IO, "agentconv", 0, 0, -1,
                             "cannot write: %s", strerror(saved ? saved : EIO));
    return AC_OK;
}

/* write(2) until done, again after a signal. */
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

/* Create a new temporary file next to `path`: ".BASE.agentconv-P-A-N" in
 * its folder, where P is the process id, A the context's address and N a
 * counter of the context's, so that no other context or process makes the
 * same name (O_EXCL refuses a clash anyway, and the next name is tried).
 * Returns the descriptor and the name in `*tmp` (to free), or -1 with
 * errno. */
static int create_temp(ac_context *ctx, const char *path, char **tmp)
{
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
    const char *base = path + dir_len;
    /* At most 100 bytes of the name: with the suffix, a temporary name
     * stays under NAME_MAX (255) when the name itself is. */
    int base_len = (int)(strlen(base) > 100 ? 100 : strlen(base));
    size_t size = dir_len + (size_t)base_len + 80;
    *tmp = malloc(size);
    if (!*tmp) {
        errno = ENOMEM;
        return -1;
    }
    for (int attempt = 0; attempt < 100; attempt++) {
        snprintf(*tmp, size, "%.*s.%.*s.agentconv-%ld-%lx-%lu", (int)dir_len,
                 path, base_len, base, (long)getpid(),
                 (unsigned long)(uintptr_t)ctx, ++ctx->temp_counter);
        int fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    errno = EEXIST;
    return -1;
}

/* Write `data` to `path` through a temporary file. Returns 0, or -1 with
 * errno and `path` as it was. */
static int replace_file(ac_context *ctx, const char *path, const char *data,
                        size_t len)
{
    struct stat st;
    /* lstat: a link is replaced, so its target's mode does not matter. */
    bool exists = lstat(path, &st) == 0 && S_ISREG(st.st_mode);
    char *tmp = NULL;
    int fd = create_temp(ctx, path, &tmp);
    if (fd < 0) {
        int saved = errno;
        free(tmp);
        errno = saved;
        return -1;
    }
    /* open() gave the new file 0666 less the umask; a replacement keeps the
     * replaced file's permission bits. */
    int rc = exists ? fchmod(fd, st.st_mode & 07777) : 0;
    if (rc == 0)
        rc = write_all(fd, data, len);
    if (rc == 0)
        rc = fsync(fd);
    int saved = errno;
    if (close(fd) != 0 && rc == 0) {
        rc = -1;
        saved = errno;
    }
    if (rc == 0) {
        rc = rename(tmp, path);
        saved = errno;
    }
    if (rc != 0)
        unlink(tmp);
    free(tmp);
    errno = saved;
    return rc;
}

ac_status ac_write_file(ac_context *ctx, const ac_format *format,
                        const ac_doc *doc, const char *path, ac_error *error)
{
    ac_error local;
    if (!error)
        error = &local;
    if (!ctx || !doc || !path || !path[0])
        return acp_error_set(error, AC_ERR_ARGUMENT,
                             path && path[0] ? path : "agentconv", 0, 0, -1,
                             "invalid argument");
    if (!format) {
        format = ac_format_for_path(ctx, path);
        if (!format)
            return acp_error_set(error, AC_ERR_ARGUMENT, path, 0, 0, -1,
                                 "no format has this file name's extension; "
                                 "name the format");
    }
    char *text = NULL;
    size_t len = 0;
    ac_status st = ac_write(ctx, format, doc, &text, &len, error);
    if (st != AC_OK)
        return st;
    int rc = replace_file(ctx, path, text, len);
    int saved = errno;
    free(text);
    if (rc != 0)
        return acp_error_set(error, saved == ENOMEM ? AC_ERR_NOMEM : AC_ERR_IO,
                             path, 0, 0, -1, "cannot write: %s",
                             strerror(saved));
    return AC_OK;
}

ac_status ac_convert(ac_context *ctx, const ac_format *from,
                     const ac_format *to, const char *data, size_t len,
                     const char *source, char **out, size_t *out_len,
                     ac_error *error)
{
    ac_error local;
    if (!error)
        error = &local;
    if (out)
        *out = NULL;
    if (out_len)
        *out_len = 0;
    if (!ctx || !to || !out || (!data && len))
        return acp_error_set(error, AC_ERR_ARGUMENT,
                             source ? source : "<input>", 0, 0, -1,
                             "invalid argument");
    ac_doc **docs = NULL;
    size_t count = 0;
    bool is_collection = false;
    ac_status st = ac_read_many(ctx, from, data, len, source, &docs, &count,
                                &is_collection, error);
    if (st != AC_OK)
        return st;
    size_t n = 0;
    if (is_collection)
        st = ac_write_many(ctx, to, docs, count, out, &n, error);
    else
        st = ac_write(ctx, to, docs[0], out, &n, error);
    ac_docs_free(docs, count);
    if (st == AC_OK && out_len)
        *out_len = n;
    return st;
}
