/*
 * The main() of a fuzz target built without libFuzzer: replays inputs
 * through LLVMFuzzerTestOneInput, once each, in the order given (a
 * directory's regular files in name order, not recursively). ctest runs
 * every target this way over its seeds and tests/fuzz/regressions/TARGET/.
 *
 * usage: TARGET [--min N] FILE|DIR...
 *
 * Each input's path is printed on standard error before it runs, so the
 * last one printed is the one that crashed. Exits 0 when every input was
 * replayed (a broken invariant or a memory error aborts first), 1 on a usage or
 * file error, or when fewer than N inputs (default 1) were found: an empty seed
 * list must not pass.
 *
 * SPDX-License-Identifier: MIT
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static unsigned long replayed;

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t cap = 4096, len = 0;
    uint8_t *data = malloc(cap);
    while (data) {
        len += fread(data + len, 1, cap - len, f);
        if (len < cap)
            break;
        uint8_t *bigger = realloc(data, cap * 2);
        if (!bigger) {
            free(data);
            data = NULL;
            break;
        }
        data = bigger;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (!data || bad) {
        fprintf(stderr, "%s: cannot read\n", path);
        free(data);
        return -1;
    }
    /* an exact-size copy, so that AddressSanitizer sees a read past the
     * end as libFuzzer's own buffer would show it */
    uint8_t *exact = malloc(len ? len : 1);
    if (!exact) {
        free(data);
        return -1;
    }
    memcpy(exact, data, len);
    free(data);
    /* named first, so that a crash's report follows its input's name */
    fprintf(stderr, "input: %s\n", path);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    replayed++;
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "%s: %s\n", dir, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct dirent *ent;
    while (rc == 0 && (ent = readdir(d)) != NULL) {
        if (ent->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **bigger = realloc(names, cap * sizeof *names);
            if (!bigger) {
                rc = -1;
                break;
            }
            names = bigger;
        }
        size_t size = strlen(dir) + strlen(ent->d_name) + 2;
        names[n] = malloc(size);
        if (!names[n]) {
            rc = -1;
            break;
        }
        snprintf(names[n], size, "%s/%s", dir, ent->d_name);
        n++;
    }
    closedir(d);
    if (names)
        qsort(names, n, sizeof *names, compare_names);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (rc == 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
            rc = replay_file(names[i]);
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    unsigned long min = 1;
    int i = 1;
    if (i + 1 < argc && strcmp(argv[i], "--min") == 0) {
        char *end;
        min = strtoul(argv[i + 1], &end, 10);
        if (*end != '\0') {
            fprintf(stderr, "%s: bad --min\n", argv[0]);
            return 1;
        }
        i += 2;
    }
    for (; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
            return 1;
        }
        int rc =
            S_ISDIR(st.st_mode) ? replay_dir(argv[i]) : replay_file(argv[i]);
        if (rc != 0)
            return 1;
    }
    printf("%s: replayed %lu inputs\n", argv[0], replayed);
    if (replayed < min) {
        fprintf(stderr, "%s: expected at least %lu inputs\n", argv[0], min);
        return 1;
    }
    return 0;
}
