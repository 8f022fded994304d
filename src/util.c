/*
 * Small shared pieces: buffers, errors, UTF-8 checks and positions,
 * locale-independent numbers, ASCII helpers, version.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* The definitions below, not the analyzer's macros of internal.h. */
#ifdef __clang_analyzer__
#undef acp_error_set
#undef acp_error_vset
#endif

/* ---- version ---- */

int ac_version(void) { return AGENTCONV_VERSION; }

const char *ac_version_string(void) { return AGENTCONV_VERSION_STRING; }

/* ---- buffers ---- */

void acp_buf_init(ac_buf *buf)
{
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
}

void acp_buf_release(ac_buf *buf)
{
    free(buf->data);
    acp_buf_init(buf);
}

ac_status acp_buf_reserve(ac_buf *buf, size_t extra)
{
    if (extra > SIZE_MAX - buf->len - 1)
        return AC_ERR_NOMEM;
    if (buf->len + extra + 1 > buf->cap) {
        size_t cap = buf->cap ? buf->cap : 256;
        while (cap < buf->len + extra + 1)
            cap = cap > SIZE_MAX / 2 ? buf->len + extra + 1 : cap * 2;
        char *p = realloc(buf->data, cap);
        if (!p)
            return AC_ERR_NOMEM;
        buf->data = p;
        buf->cap = cap;
    }
    return AC_OK;
}

ac_status ac_buf_append(ac_buf *buf, const void *data, size_t len)
{
    if (!buf || (!data && len))
        return AC_ERR_ARGUMENT;
    if (buf->len + len + 1 > buf->cap && acp_buf_reserve(buf, len) != AC_OK)
        return AC_ERR_NOMEM;
    if (len)
        memcpy(buf->data + buf->len, data, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
    return AC_OK;
}

ac_status ac_buf_puts(ac_buf *buf, const char *s)
{
    return ac_buf_append(buf, s, s ? strlen(s) : 0);
}

size_t ac_buf_length(const ac_buf *buf) { return buf ? buf->len : 0; }

char *acp_buf_detach(ac_buf *buf, size_t *len)
{
    char *p = buf->data;
    if (!p)
        p = calloc(1, 1);
    if (len)
        *len = buf->len;
    acp_buf_init(buf);
    return p;
}

/* ---- errors ---- */

const char *ac_status_string(ac_status status)
{
    switch (status) {
    case AC_OK:
        return "success";
    case AC_ERR_SYNTAX:
        return "syntax error";
    case AC_ERR_STRUCTURE:
        return "not an agent definition";
    case AC_ERR_ENCODING:
        return "encoding error";
    case AC_ERR_LIMIT:
        return "limit reached";
    case AC_ERR_IO:
        return "input/output error";
    case AC_ERR_NOMEM:
        return "out of memory";
    case AC_ERR_UNSUPPORTED:
        return "not supported";
    case AC_ERR_ARGUMENT:
        return "invalid argument";
    case AC_ERR_STRICT:
        return "a warning under strict mode";
    case AC_ERR_NOT_AGENT:
        return "not an agent definition";
    }
    return "unknown status";
}

ac_status acp_error_vset(ac_error *error, ac_status status, const char *source,
                         int line, int column, long position, const char *fmt,
                         va_list ap)
{
    if (!error)
        return status;
    error->status = status;
    error->line = line;
    error->column = line > 0 ? column : 0;
    error->position = position;
    snprintf(error->source, sizeof error->source, "%s",
             source ? source : "<input>");
    vsnprintf(error->text, sizeof error->text, fmt, ap);
    return status;
}

ac_status acp_error_set(ac_error *error, ac_status status, const char *source,
                        int line, int column, long position, const char *fmt,
                        ...)
{
    va_list ap;
    va_start(ap, fmt);
    acp_error_vset(error, status, source, line, column, position, fmt, ap);
    va_end(ap);
    return status;
}

int ac_error_format(const ac_error *error, const char *level, char *buf,
                    size_t size)
{
    if (!error)
        return snprintf(buf, size, "%s", "");
    if (error->line > 0 && error->column > 0)
        return snprintf(buf, size, "%s:%d:%d: %s: %s", error->source,
                        error->line, error->column, level, error->text);
    if (error->line > 0)
        return snprintf(buf, size, "%s:%d: %s: %s", error->source, error->line,
                        level, error->text);
    return snprintf(buf, size, "%s: %s: %s", error->source, level, error->text);
}

const char *acp_type_phrase(ac_type type)
{
    switch (type) {
    case AC_NULL:
        return "null";
    case AC_BOOL:
        return "a boolean";
    case AC_INTEGER:
        return "an integer";
    case AC_NUMBER:
        return "a number";
    case AC_STRING:
        return "a string";
    case AC_LIST:
        return "a list";
    case AC_MAP:
        return "a map";
    }
    return "an unknown value";
}

/* ---- UTF-8 and positions ---- */

bool acp_utf8_check(const char *str, size_t len, size_t *bad, bool *is_nul)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
#if defined(__SSE2__)
        /* Fast path: sixteen ASCII bytes without a NUL at a time (most of
         * an agent's text) with SSE2 (every x86-64 has it): no high bit
         * set, no byte equal to zero. */
        while (len - i >= 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            __m128i zero = _mm_cmpeq_epi8(v, _mm_setzero_si128());
            if (_mm_movemask_epi8(_mm_or_si128(v, zero)) != 0)
                break;
            i += 16;
        }
#endif
        /* Fast path: eight ASCII bytes without a NUL at a time, found with
         * the usual bit tricks on a word. */
        while (len - i >= 8) {
            uint64_t w;
            memcpy(&w, s + i, sizeof w);
            uint64_t high = w & 0x8080808080808080u;
            uint64_t zero =
                (w - 0x0101010101010101u) & ~w & 0x8080808080808080u;
            if (high | zero)
                break;
            i += 8;
        }
        if (i >= len)
            break;
        unsigned char c = s[i];
        if (c < 0x80) {
            if (c == 0) {
                *bad = i;
                *is_nul = true;
                return false;
            }
            i++;
            continue;
        }
        size_t n;
        uint32_t cp, min;
        if (c >= 0xc2 && c <= 0xdf) {
            n = 2;
            cp = c & 0x1f;
            min = 0x80;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 3;
            cp = c & 0x0f;
            min = 0x800;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 4;
            cp = c & 0x07;
            min = 0x10000;
        } else {
            goto invalid;
        }
        if (len - i < n)
            goto invalid;
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                goto invalid;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            goto invalid;
        i += n;
    }
    return true;
invalid:
    *bad = i;
    *is_nul = false;
    return false;
}

void acp_line_column(const char *s, size_t len, size_t offset, int *line,
                     int *column)
{
    int l = 1, c = 1;
    if (offset > len)
        offset = len;
    size_t i = 0;
    /* A BOM at the start takes no column: editors do not show it. */
    if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0 && offset >= 3)
        i = 3;
    for (; i < offset; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '\n' || (ch == '\r' && (i + 1 >= len || s[i + 1] != '\n'))) {
            l++;
            c = 1;
        } else if (ch == '\r' || (ch & 0xc0) == 0x80) {
            /* CR of a CRLF, or a UTF-8 continuation byte: no new column */
        } else {
            c++;
        }
    }
    *line = l;
    *column = c;
}

void acp_describe_byte(unsigned char c, char out[16])
{
    snprintf(out, 16, "0x%02x", c);
}

/* What is wrong at `bad`, in words: "NUL character (U+0000)" or
 * "invalid UTF-8 (byte 0xff)". */
static void describe_fault(const char *s, size_t bad, bool is_nul, char out[40])
{
    if (is_nul) {
        snprintf(out, 40, "NUL character (U+0000)");
    } else {
        char desc[16];
        acp_describe_byte((unsigned char)s[bad], desc);
        snprintf(out, 40, "invalid UTF-8 (byte %s)", desc);
    }
}

ac_status acp_check_text(const char *s, size_t len, const char *source,
                         ac_error *error)
{
    size_t bad;
    bool is_nul;
    if (acp_utf8_check(s, len, &bad, &is_nul))
        return AC_OK;
    int line, column;
    acp_line_column(s, len, bad, &line, &column);
    /* A UTF-16 byte order mark (FF FE or FE FF) fails at byte 0: say what
     * the input is rather than which byte is wrong. */
    if (bad == 0 && len >= 2 &&
        (((unsigned char)s[0] == 0xFF && (unsigned char)s[1] == 0xFE) ||
         ((unsigned char)s[0] == 0xFE && (unsigned char)s[1] == 0xFF)))
        return acp_error_set(error, AC_ERR_ENCODING, source, line, column, 0,
                             "UTF-16 input (byte order mark 0x%02x 0x%02x): "
                             "agentconv reads UTF-8 only",
                             (unsigned char)s[0], (unsigned char)s[1]);
    char fault[40];
    describe_fault(s, bad, is_nul, fault);
    return acp_error_set(error, AC_ERR_ENCODING, source, line, column,
                         (long)bad, "%s%s", fault,
                         is_nul ? " in the input" : "");
}

ac_status acp_check_string(const char *s, size_t len, const char *what,
                           ac_error *error)
{
    size_t bad;
    bool is_nul;
    if (acp_utf8_check(s, len, &bad, &is_nul))
        return AC_OK;
    char fault[40];
    describe_fault(s, bad, is_nul, fault);
    return acp_error_set(error, AC_ERR_ENCODING, "agentconv", 0, 0, -1,
                         "%s in %s", fault, what);
}

/* ---- numbers ---- */

/* Run snprintf/strtod in the C locale, whatever the thread's locale is. */
static locale_t enter_c_locale(const ac_context *ctx, locale_t *own)
{
    locale_t c = ctx ? ctx->c_locale : (locale_t)0;
    *own = (locale_t)0;
    if (!c) {
        c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
        *own = c;
    }
    return c ? uselocale(c) : (locale_t)0;
}

static void leave_c_locale(locale_t old, locale_t own)
{
    if (old)
        uselocale(old);
    if (own)
        freelocale(own);
}

static bool parse_c(const char *s, double *out)
{
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (*end != '\0' || end == s)
        return false;
    if (errno == ERANGE && (d == HUGE_VAL || d == -HUGE_VAL))
        return false;
    *out = d;
    return true;
}

int acp_format_number(const ac_context *ctx, double d, char out[32])
{
    /* Find the fewest significant digits that read back exactly, in
     * exponent form: "d.ddde+XX". */
    locale_t own;
    locale_t old = enter_c_locale(ctx, &own);
    char tmp[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec - 1, d);
        double back;
        if (parse_c(tmp, &back) && back == d)
            break;
    }
    leave_c_locale(old, own);

    /* Take it apart: sign, digits without the point, decimal exponent. The
     * point is whatever the C library wrote between the first digit and
     * the rest, so no locale can slip in. */
    const char *p = tmp;
    bool neg = *p == '-';
    if (neg)
        p++;
    char digits[24];
    size_t nd = 0;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9' && nd < sizeof digits - 1)
            digits[nd++] = *p;
    digits[nd] = '\0';
    int exp = 0;
    if (*p == 'e') {
        p++;
        bool eneg = *p == '-';
        if (*p == '-' || *p == '+')
            p++;
        for (; *p >= '0' && *p <= '9'; p++)
            exp = exp * 10 + (*p - '0');
        if (eneg)
            exp = -exp;
    }
    while (nd > 1 && digits[nd - 1] == '0')
        digits[--nd] = '\0';

    /* Fixed notation for exponents in [-4, 16), as Python's repr does;
     * exponent notation with a ".0" at least otherwise. */
    int n;
    const char *sign = neg ? "-" : "";
    if (exp >= 16 || exp < -4) {
        n = snprintf(out, 32, "%s%c.%se%c%d", sign, digits[0],
                     nd > 1 ? digits + 1 : "0", exp < 0 ? '-' : '+',
                     exp < 0 ? -exp : exp);
    } else if (exp >= 0) {
        size_t whole = (size_t)exp + 1;
        if (nd <= whole)
            n = snprintf(out, 32, "%s%s%.*s.0", sign, digits, (int)(whole - nd),
                         "0000000000000000");
        else
            n = snprintf(out, 32, "%s%.*s.%s", sign, (int)whole, digits,
                         digits + whole);
    } else {
        n = snprintf(out, 32, "%s0.%.*s%s", sign, -exp - 1, "0000", digits);
    }
    return n;
}

bool acp_parse_number(const ac_context *ctx, const char *s, size_t len,
                      double *out)
{
    char small[128];
    char *tmp = small;
    if (len == 0)
        return false;
    if (len >= sizeof small) {
        tmp = malloc(len + 1);
        if (!tmp)
            return false;
    }
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    locale_t own;
    locale_t old = enter_c_locale(ctx, &own);
    bool ok = parse_c(tmp, out);
    leave_c_locale(old, own);
    if (tmp != small)
        free(tmp);
    return ok;
}

/* ---- ASCII helpers ---- */

static char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

bool acp_ascii_iequal(const char *a, const char *b)
{
    while (*a && *b) {
        if (ascii_lower(*a) != ascii_lower(*b))
            return false;
        a++;
        b++;
    }
    return *a == *b;
}

char *acp_strndup(const char *s, size_t len)
{
    if (len == SIZE_MAX)
        return NULL;
    char *p = malloc(len + 1);
    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}
