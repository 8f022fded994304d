/*
 * A host program that runs in a decimal-comma locale (setlocale(LC_ALL,
 * "de_DE.UTF-8"), as a German desktop program would) and uses libagentconv
 * (the shared library). Numbers written by every writer (md, json, yaml,
 * xml, and the html page) must be byte for byte what they are in the C
 * locale, with a '.' as the decimal point, and every readable form must
 * read them back to the same values; ac_convert between every pair of
 * forms gives what it gives in the C locale. The host's locale is left as
 * the host set it.
 *
 * Under ctest a de_DE locale is compiled into the build tree (the
 * setup.locale fixture) and AGENTCONV_REQUIRE_COMMA_LOCALE=1 is set: not
 * finding one is then a failure. Run by hand on a machine without such a
 * locale, the program says so and exits 0 having checked the C locale
 * only.
 *
 * SPDX-License-Identifier: MIT
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agentconv/agentconv.h"

static int failures;

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,   \
                    #cond);                                                    \
            failures++;                                                        \
        }                                                                      \
    } while (0)

static const char *const forms[] = {"md", "json", "yaml", "xml", "html"};
enum { FORMS = sizeof forms / sizeof forms[0] };

/* Numbers whose C-locale text has a decimal point or an exponent. */
static const double numbers[] = {0.25,   -0.5,    1234.5, 1e100,
                                 2.5e-8, 3.75e17, -0.0,   0.1};
enum { NUMBERS = sizeof numbers / sizeof numbers[0] };

static void set(ac_value *map, const char *key, ac_value *v)
{
    CHECK(v != NULL);
    CHECK(ac_map_set(map, key, strlen(key), v) == AC_OK);
}

/* A document with numbers at the top, in a list and in a map. */
static ac_doc *number_doc(void)
{
    ac_doc *doc = ac_doc_new();
    ac_value *fields = ac_doc_fields(doc);
    set(fields, "name", ac_value_new_string("locale", 6));
    char key[16];
    for (int i = 0; i < NUMBERS; i++) {
        snprintf(key, sizeof key, "n%d", i);
        set(fields, key, ac_value_new_number(numbers[i]));
    }
    set(fields, "count", ac_value_new_integer(-1234567));
    ac_value *list = ac_value_new_list();
    CHECK(ac_list_append(list, ac_value_new_number(0.5)) == AC_OK);
    CHECK(ac_list_append(list, ac_value_new_number(1.5e-3)) == AC_OK);
    set(fields, "list", list);
    ac_value *map = ac_value_new_map();
    set(map, "x", ac_value_new_number(3.75));
    set(fields, "map", map);
    CHECK(ac_doc_set_instructions(doc, "Count 1.5 apples.\n", 18) == AC_OK);
    return doc;
}

typedef struct outputs {
    char *text[FORMS];
    char *converted[FORMS][FORMS]; /* from form i's text to form j */
} outputs;

static void make_outputs(ac_context *ctx, const ac_doc *doc, outputs *o)
{
    for (int i = 0; i < FORMS; i++) {
        size_t len = 0;
        ac_error e;
        const ac_format *f = ac_format_find(ctx, forms[i]);
        CHECK(f != NULL);
        o->text[i] = NULL;
        CHECK(ac_write(ctx, f, doc, &o->text[i], &len, &e) == AC_OK);
    }
    for (int i = 0; i < FORMS; i++) {
        const ac_format *from = ac_format_find(ctx, forms[i]);
        for (int j = 0; j < FORMS; j++) {
            o->converted[i][j] = NULL;
            if (!from->read || !o->text[i])
                continue;
            ac_error e;
            CHECK(ac_convert(ctx, from, ac_format_find(ctx, forms[j]),
                             o->text[i], strlen(o->text[i]), forms[i],
                             &o->converted[i][j], NULL, &e) == AC_OK);
        }
    }
}

static void free_outputs(outputs *o)
{
    for (int i = 0; i < FORMS; i++) {
        free(o->text[i]);
        for (int j = 0; j < FORMS; j++)
            free(o->converted[i][j]);
    }
}

static bool same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Every readable form's text reads back to the document, with each number
 * bit for bit. */
static void check_read_back(ac_context *ctx, const ac_doc *doc,
                            const outputs *o)
{
    for (int i = 0; i < FORMS; i++) {
        const ac_format *f = ac_format_find(ctx, forms[i]);
        if (!f->read || !o->text[i])
            continue;
        ac_doc *back = NULL;
        ac_error e;
        CHECK(ac_read(ctx, f, o->text[i], strlen(o->text[i]), forms[i], &back,
                      &e) == AC_OK);
        CHECK(ac_doc_equal(back, doc));
        char key[16];
        for (int n = 0; back && n < NUMBERS; n++) {
            snprintf(key, sizeof key, "n%d", n);
            double d = ac_value_number(ac_map_get(ac_doc_fields(back), key));
            CHECK(memcmp(&d, &numbers[n], sizeof d) == 0);
        }
        ac_doc_free(back);
    }
}

static const char *enter_comma_locale(void)
{
    static const char *const names[] = {"de_DE.UTF-8", "de_DE.utf8",
                                        "fr_FR.UTF-8", "fr_FR.utf8", NULL};
    for (const char *const *n = names; *n; n++) {
        if (setlocale(LC_ALL, *n)) {
            char probe[16];
            snprintf(probe, sizeof probe, "%.2f", 0.25);
            if (strcmp(probe, "0,25") == 0)
                return *n;
        }
    }
    setlocale(LC_ALL, "C");
    return NULL;
}

int main(void)
{
    setlocale(LC_ALL, "C");
    ac_context *ctx = ac_context_new();
    CHECK(ctx != NULL);
    if (!ctx)
        return 1;
    ac_doc *doc = number_doc();
    outputs in_c;
    make_outputs(ctx, doc, &in_c);
    check_read_back(ctx, doc, &in_c);
    /* The outputs hold the numbers with a point. */
    for (int i = 0; i < FORMS; i++)
        CHECK(in_c.text[i] && strstr(in_c.text[i], "0.25") &&
              strstr(in_c.text[i], "1.0e+100") &&
              strstr(in_c.text[i], "1234.5"));

    const char *loc = enter_comma_locale();
    if (!loc) {
        if (getenv("AGENTCONV_REQUIRE_COMMA_LOCALE")) {
            fprintf(stderr, "host_locale: no decimal-comma locale (de_DE, "
                            "fr_FR), but AGENTCONV_REQUIRE_COMMA_LOCALE is "
                            "set: is LOCPATH right?\n");
            failures++;
        } else {
            printf("host_locale: no decimal-comma locale installed: only the "
                   "C locale was checked\n");
        }
    } else {
        /* A context made in the comma locale too. */
        ac_context *ctx2 = ac_context_new();
        outputs in_comma, in_comma2;
        make_outputs(ctx, doc, &in_comma);
        make_outputs(ctx2, doc, &in_comma2);
        for (int i = 0; i < FORMS; i++) {
            CHECK(same(in_comma.text[i], in_c.text[i]));
            CHECK(same(in_comma2.text[i], in_c.text[i]));
            CHECK(in_comma.text[i] && !strstr(in_comma.text[i], "0,25"));
            for (int j = 0; j < FORMS; j++) {
                CHECK(same(in_comma.converted[i][j], in_c.converted[i][j]));
                CHECK(same(in_comma2.converted[i][j], in_c.converted[i][j]));
            }
        }
        check_read_back(ctx, doc, &in_comma);
        check_read_back(ctx2, doc, &in_comma);
        free_outputs(&in_comma);
        free_outputs(&in_comma2);
        ac_context_free(ctx2);
        /* The host's locale is still its own. */
        char probe[16];
        snprintf(probe, sizeof probe, "%.2f", 0.25);
        CHECK(strcmp(probe, "0,25") == 0);
        CHECK(strcmp(setlocale(LC_ALL, NULL), loc) == 0);
        setlocale(LC_ALL, "C");
    }
    free_outputs(&in_c);
    ac_doc_free(doc);
    ac_context_free(ctx);
    if (failures) {
        fprintf(stderr, "host_locale: %d check(s) failed\n", failures);
        return 1;
    }
    if (loc)
        printf("host_locale: in %s every writer's numbers are the C "
               "locale's and read back exactly\n",
               loc);
    return 0;
}
