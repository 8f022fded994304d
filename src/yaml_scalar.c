/*
 * YAML scalars: resolving plain scalars by the YAML 1.2 core schema when
 * reading, and deciding when a string may be written plain (it must read
 * back as the same string in YAML 1.1 and 1.2 readers, and libyaml's
 * emitter must accept it plain) when writing.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "yaml_internal.h"

/* ---- tiny matchers over [s, s + n) ---- */

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static bool is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_word(const char *s, size_t n, const char *const *words)
{
    for (; *words; words++)
        if (strlen(*words) == n && memcmp(*words, s, n) == 0)
            return true;
    return false;
}

static const char *const core_null[] = {"null", "Null", "NULL", "~", NULL};
static const char *const core_true[] = {"true", "True", "TRUE", NULL};
static const char *const core_false[] = {"false", "False", "FALSE", NULL};
static const char *const core_inf[] = {".inf", ".Inf", ".INF", NULL};
static const char *const core_nan[] = {".nan", ".NaN", ".NAN", NULL};

/* Skip one optional sign. */
static size_t skip_sign(const char *s, size_t n)
{
    return n > 0 && (s[0] == '-' || s[0] == '+') ? 1 : 0;
}

/* Count characters from `i` on that satisfy `pred` or are in `extra`. */
static size_t span(const char *s, size_t n, size_t i, bool (*pred)(char),
                   const char *extra)
{
    size_t j = i;
    while (j < n && (pred(s[j]) || (extra && s[j] && strchr(extra, s[j]))))
        j++;
    return j - i;
}

static bool is_octal(char c) { return c >= '0' && c <= '7'; }

static bool is_binary(char c) { return c == '0' || c == '1'; }

/* YAML 1.2 core: [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+ */
static bool core_int(const char *s, size_t n)
{
    if (n > 2 && s[0] == '0' && s[1] == 'o')
        return span(s, n, 2, is_octal, NULL) == n - 2;
    if (n > 2 && s[0] == '0' && s[1] == 'x')
        return span(s, n, 2, is_hex, NULL) == n - 2;
    size_t i = skip_sign(s, n);
    return n > i && span(s, n, i, is_digit, NULL) == n - i;
}

/* YAML 1.2 core: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static bool core_float(const char *s, size_t n)
{
    size_t i = skip_sign(s, n);
    size_t d = span(s, n, i, is_digit, NULL);
    i += d;
    if (i < n && s[i] == '.') {
        i++;
        size_t f = span(s, n, i, is_digit, NULL);
        if (d == 0 && f == 0)
            return false;
        i += f;
    } else if (d == 0) {
        return false;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        i += skip_sign(s + i, n - i);
        size_t e = span(s, n, i, is_digit, NULL);
        if (e == 0)
            return false;
        i += e;
    }
    return i == n;
}

static bool core_special_float(const char *s, size_t n)
{
    size_t i = skip_sign(s, n);
    return is_word(s + i, n - i, core_inf) || is_word(s, n, core_nan);
}

/* ---- YAML 1.1 (types.yaml.org) forms a 1.1 reader would not take as
 * strings; a little wider than the spec where readers differ. ---- */

static const char *const yaml11_words[] = {
    "y",    "Y",    "yes",  "Yes",   "YES",   "n",     "N",  "no", "No", "NO",
    "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off",
    "Off",  "OFF",  "null", "Null",  "NULL",  "~",     "<<", "=",  NULL};

static bool digit_or_underscore(char c) { return is_digit(c) || c == '_'; }

/* [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+ with an optional .[0-9_]* tail */
static bool yaml11_sexagesimal(const char *s, size_t n)
{
    size_t i = skip_sign(s, n);
    if (i >= n || !is_digit(s[i]))
        return false;
    i += span(s, n, i, digit_or_underscore, NULL);
    int groups = 0;
    while (i < n && s[i] == ':') {
        i++;
        size_t d = span(s, n, i, is_digit, NULL);
        if (d < 1 || d > 2 || (d == 2 && s[i] > '5'))
            return false;
        i += d;
        groups++;
    }
    if (groups == 0)
        return false;
    if (i < n && s[i] == '.') {
        i++;
        i += span(s, n, i, digit_or_underscore, NULL);
    }
    return i == n;
}

static bool yaml11_int(const char *s, size_t n)
{
    size_t i = skip_sign(s, n);
    if (n - i > 2 && s[i] == '0' && (s[i + 1] == 'b' || s[i + 1] == 'B'))
        return span(s, n, i + 2, is_binary, "_") == n - i - 2;
    if (n - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X'))
        return span(s, n, i + 2, is_hex, "_") == n - i - 2;
    if (n - i > 1 && s[i] == '0' && (s[i + 1] == 'o' || s[i + 1] == 'O'))
        return span(s, n, i + 2, is_octal, "_") == n - i - 2;
    return n > i && is_digit(s[i]) &&
           span(s, n, i, digit_or_underscore, NULL) == n - i;
}

/* [-+]?([0-9][0-9_]*)?\.[0-9._]*([eE][-+]?[0-9]+)?, .inf, .nan, and the
 * same without a dot but with an exponent (some 1.1 readers take it). */
static bool yaml11_float(const char *s, size_t n)
{
    if (core_special_float(s, n))
        return true;
    size_t i = skip_sign(s, n);
    size_t d = (i < n && is_digit(s[i]))
                   ? span(s, n, i, digit_or_underscore, NULL)
                   : 0;
    i += d;
    bool dot = false;
    if (i < n && s[i] == '.') {
        dot = true;
        i++;
        i += span(s, n, i, digit_or_underscore, ".");
    }
    if (!dot && d == 0)
        return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        i += skip_sign(s + i, n - i);
        size_t e = span(s, n, i, is_digit, NULL);
        if (e == 0)
            return false;
        i += e;
    } else if (!dot) {
        return false;
    }
    return i == n;
}

/* YYYY-M-D at the start: a 1.1 timestamp (a date or a date and time). */
static bool yaml11_timestamp(const char *s, size_t n)
{
    return n >= 8 && span(s, n, 0, is_digit, NULL) == 4 && s[4] == '-' &&
           is_digit(s[5]);
}

bool acp_yaml_string_is_ambiguous(const char *s, size_t n)
{
    if (n == 0)
        return true;
    return is_word(s, n, core_null) || is_word(s, n, core_true) ||
           is_word(s, n, core_false) || core_int(s, n) || core_float(s, n) ||
           core_special_float(s, n) || is_word(s, n, yaml11_words) ||
           yaml11_int(s, n) || yaml11_float(s, n) || yaml11_sexagesimal(s, n) ||
           yaml11_timestamp(s, n);
}

/* ---- may a string be written as a plain scalar? ---- */

/* Decode one UTF-8 character (the input is valid UTF-8). */
static uint32_t next_char(const char *s, size_t n, size_t *i)
{
    const unsigned char *u = (const unsigned char *)s;
    uint32_t c = u[*i];
    size_t len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    if (*i + len > n)
        len = n - *i;
    if (len > 1) {
        c &= 0xff >> (len + 1);
        for (size_t k = 1; k < len; k++)
            c = (c << 6) | (u[*i + k] & 0x3f);
    }
    *i += len;
    return c;
}

/* Characters that may stand in a plain scalar: printable, not a line
 * break, not a BOM (libyaml's rules, a little stricter). */
static bool plain_char(uint32_t c)
{
    if (c < 0x20 || c == 0x7f)
        return false;
    if (c >= 0x80 && c <= 0x9f)
        return false;
    if (c == 0xfeff || c == 0x2028 || c == 0x2029 || c == 0xfffe || c == 0xffff)
        return false;
    /* libyaml 0.2.5 takes every character beyond U+FFFF for unprintable:
     * it writes such text double-quoted with \U escapes. */
    return c <= 0xffff;
}

bool acp_yaml_plain_ok(const char *s, size_t n)
{
    if (n == 0 || acp_yaml_string_is_ambiguous(s, n))
        return false;
    /* Document markers at the start. */
    if (n >= 3 && (memcmp(s, "---", 3) == 0 || memcmp(s, "...", 3) == 0))
        return false;
    /* Leading or trailing space. */
    if (s[0] == ' ' || s[n - 1] == ' ')
        return false;
    /* Indicators that cannot start a plain scalar. */
    if (strchr("#,[]{}&*!|>'\"%@`", s[0]))
        return false;
    if ((s[0] == '-' || s[0] == '?' || s[0] == ':') && (n == 1 || s[1] == ' '))
        return false;
    size_t i = 0;
    uint32_t prev = ' ';
    while (i < n) {
        uint32_t c = next_char(s, n, &i);
        if (!plain_char(c))
            return false;
        if (c == ':' && (i == n || s[i] == ' '))
            return false; /* ": " or a final ':' */
        if (c == '#' && prev == ' ')
            return false; /* " #" starts a comment */
        prev = c;
    }
    return true;
}

/* ---- resolving what the parser read ---- */

#define TAG_PREFIX "tag:yaml.org,2002:"

static ac_status parse_int(const char *s, size_t n, int64_t *out)
{
    int base = 10;
    size_t i = 0;
    bool neg = false;
    if (n > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x')) {
        base = s[1] == 'o' ? 8 : 16;
        i = 2;
    } else {
        i = skip_sign(s, n);
        neg = i == 1 && s[0] == '-';
    }
    /* Accumulate as a negative number so that INT64_MIN fits. */
    int64_t v = 0;
    for (; i < n; i++) {
        int d = is_digit(s[i])                 ? s[i] - '0'
                : (s[i] >= 'a' && s[i] <= 'f') ? s[i] - 'a' + 10
                                               : s[i] - 'A' + 10;
        if (v < (INT64_MIN + d) / base)
            return AC_ERR_LIMIT;
        v = v * base - d;
    }
    if (!neg) {
        if (v == INT64_MIN)
            return AC_ERR_LIMIT;
        v = -v;
    }
    *out = v;
    return AC_OK;
}

ac_status acp_yaml_resolve(const ac_context *ctx, const char *s, size_t n,
                           bool plain, const char *tag, ac_value **out,
                           acp_yaml_problem *problem)
{
    enum { R_STR, R_NULL, R_BOOL, R_INT, R_FLOAT, R_ANY } want = R_ANY;
    *out = NULL;
    *problem = ACP_YAML_OK;
    if (tag && strcmp(tag, "!") != 0) {
        if (strcmp(tag, TAG_PREFIX "str") == 0)
            want = R_STR;
        else if (strcmp(tag, TAG_PREFIX "null") == 0)
            want = R_NULL;
        else if (strcmp(tag, TAG_PREFIX "bool") == 0)
            want = R_BOOL;
        else if (strcmp(tag, TAG_PREFIX "int") == 0)
            want = R_INT;
        else if (strcmp(tag, TAG_PREFIX "float") == 0)
            want = R_FLOAT;
        else {
            *problem = ACP_YAML_UNKNOWN_TAG;
            return AC_ERR_STRUCTURE;
        }
    } else if (tag || !plain) {
        want = R_STR; /* quoted, or the non-specific tag "!" */
    }

    if (want == R_STR) {
        *out = ac_value_new_string(s, n);
        return *out ? AC_OK : AC_ERR_NOMEM;
    }
    if ((want == R_ANY || want == R_NULL) &&
        (n == 0 || is_word(s, n, core_null))) {
        *out = ac_value_new_null();
        return *out ? AC_OK : AC_ERR_NOMEM;
    }
    if (want == R_ANY || want == R_BOOL) {
        if (is_word(s, n, core_true) || is_word(s, n, core_false)) {
            *out = ac_value_new_bool(is_word(s, n, core_true));
            return *out ? AC_OK : AC_ERR_NOMEM;
        }
    }
    if ((want == R_ANY || want == R_INT) && core_int(s, n)) {
        int64_t v;
        if (parse_int(s, n, &v) != AC_OK) {
            *problem = ACP_YAML_INT_RANGE;
            return AC_ERR_STRUCTURE;
        }
        *out = ac_value_new_integer(v);
        return *out ? AC_OK : AC_ERR_NOMEM;
    }
    if (want == R_ANY || want == R_FLOAT) {
        if (core_special_float(s, n)) {
            *problem = ACP_YAML_INF_NAN;
            return AC_ERR_STRUCTURE;
        }
        if (core_float(s, n)) {
            double d;
            if (!acp_parse_number(ctx, s, n, &d)) {
                *problem = ACP_YAML_FLOAT_RANGE;
                return AC_ERR_STRUCTURE;
            }
            *out = ac_value_new_number(d);
            return *out ? AC_OK : AC_ERR_NOMEM;
        }
    }
    if (want != R_ANY) {
        *problem = ACP_YAML_TAG_MISMATCH;
        return AC_ERR_STRUCTURE;
    }
    *out = ac_value_new_string(s, n);
    return *out ? AC_OK : AC_ERR_NOMEM;
}
