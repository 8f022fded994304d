/*
 * The value tree: constructors, accessors, ordered maps with a hash index,
 * deep copy and deep equality.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Maps up to this size are searched linearly; larger ones get an index. */
#define MAP_INDEX_THRESHOLD 8

static ac_value *value_new(ac_type type)
{
    ac_value *v = calloc(1, sizeof *v);
    if (v)
        v->type = type;
    return v;
}

ac_value *ac_value_new_null(void) { return value_new(AC_NULL); }

ac_value *ac_value_new_bool(bool b)
{
    ac_value *v = value_new(AC_BOOL);
    if (v)
        v->u.b = b;
    return v;
}

ac_value *ac_value_new_integer(int64_t i)
{
    ac_value *v = value_new(AC_INTEGER);
    if (v)
        v->u.i = i;
    return v;
}

ac_value *ac_value_new_number(double d)
{
    /* d - d is 0 for finite d and NaN for inf and nan. */
    if (!(d - d == 0.0))
        return NULL;
    ac_value *v = value_new(AC_NUMBER);
    if (v)
        v->u.d = d;
    return v;
}

ac_value *ac_value_new_string(const char *s, size_t len)
{
    ac_value *v = value_new(AC_STRING);
    if (!v)
        return NULL;
    v->u.str.s = acp_strndup(s ? s : "", s ? len : 0);
    if (!v->u.str.s) {
        free(v);
        return NULL;
    }
    v->u.str.len = s ? len : 0;
    return v;
}

ac_value *ac_value_new_list(void) { return value_new(AC_LIST); }

ac_value *ac_value_new_map(void) { return value_new(AC_MAP); }

void ac_value_free(ac_value *v)
{
    if (!v)
        return;
    switch (v->type) {
    case AC_STRING:
        free(v->u.str.s);
        break;
    case AC_LIST:
        for (size_t i = 0; i < v->u.list.len; i++)
            ac_value_free(v->u.list.items[i]);
        free(v->u.list.items);
        break;
    case AC_MAP:
        for (size_t i = 0; i < v->u.map.len; i++) {
            free(v->u.map.entries[i].key);
            ac_value_free(v->u.map.entries[i].value);
        }
        free(v->u.map.entries);
        free(v->u.map.index);
        break;
    default:
        break;
    }
    free(v);
}

ac_type ac_value_type(const ac_value *v) { return v ? v->type : AC_NULL; }

const char *ac_type_name(ac_type type)
{
    switch (type) {
    case AC_NULL:
        return "null";
    case AC_BOOL:
        return "boolean";
    case AC_INTEGER:
        return "integer";
    case AC_NUMBER:
        return "number";
    case AC_STRING:
        return "string";
    case AC_LIST:
        return "list";
    case AC_MAP:
        return "map";
    }
    return "unknown";
}

bool ac_value_bool(const ac_value *v)
{
    return v && v->type == AC_BOOL ? v->u.b : false;
}

int64_t ac_value_integer(const ac_value *v)
{
    return v && v->type == AC_INTEGER ? v->u.i : 0;
}

double ac_value_number(const ac_value *v)
{
    return v && v->type == AC_NUMBER ? v->u.d : 0.0;
}

const char *ac_value_string(const ac_value *v, size_t *len)
{
    if (!v || v->type != AC_STRING) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = v->u.str.len;
    return v->u.str.s;
}

size_t ac_value_size(const ac_value *v)
{
    if (!v)
        return 0;
    if (v->type == AC_LIST)
        return v->u.list.len;
    if (v->type == AC_MAP)
        return v->u.map.len;
    return 0;
}

ac_value *ac_list_get(const ac_value *list, size_t i)
{
    if (!list || list->type != AC_LIST || i >= list->u.list.len)
        return NULL;
    return list->u.list.items[i];
}

ac_status ac_list_append(ac_value *list, ac_value *item)
{
    if (!list || list->type != AC_LIST || !item || item == list) {
        if (item != list)
            ac_value_free(item);
        return AC_ERR_ARGUMENT;
    }
    if (list->u.list.len == list->u.list.cap) {
        size_t cap = list->u.list.cap ? list->u.list.cap * 2 : 4;
        ac_value **items = realloc(list->u.list.items, cap * sizeof *items);
        if (!items) {
            ac_value_free(item);
            return AC_ERR_NOMEM;
        }
        list->u.list.items = items;
        list->u.list.cap = cap;
    }
    list->u.list.items[list->u.list.len++] = item;
    return AC_OK;
}

/* FNV-1a: simple, and good enough for field names. */
static uint32_t hash_key(const char *key, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)key[i];
        h *= 16777619u;
    }
    return h;
}

static void index_insert(ac_value *map, size_t entry)
{
    const acp_entry *e = &map->u.map.entries[entry];
    size_t mask = map->u.map.index_cap - 1;
    size_t slot = hash_key(e->key, e->key_len) & mask;
    while (map->u.map.index[slot] != 0)
        slot = (slot + 1) & mask;
    map->u.map.index[slot] = (uint32_t)(entry + 1);
}

/* (Re)build the index so that it has room for `want` entries at half load. */
static bool index_rebuild(ac_value *map, size_t want)
{
    size_t cap = 16;
    while (cap < want * 2)
        cap *= 2;
    uint32_t *index = calloc(cap, sizeof *index);
    if (!index)
        return false;
    free(map->u.map.index);
    map->u.map.index = index;
    map->u.map.index_cap = cap;
    for (size_t i = 0; i < map->u.map.len; i++)
        index_insert(map, i);
    return true;
}

long acp_map_find(const ac_value *map, const char *key, size_t len)
{
    if (!map || map->type != AC_MAP)
        return -1;
    if (!map->u.map.index) {
        for (size_t i = 0; i < map->u.map.len; i++) {
            const acp_entry *e = &map->u.map.entries[i];
            if (e->key_len == len && memcmp(e->key, key, len) == 0)
                return (long)i;
        }
        return -1;
    }
    size_t mask = map->u.map.index_cap - 1;
    size_t slot = hash_key(key, len) & mask;
    while (map->u.map.index[slot] != 0) {
        const acp_entry *e = &map->u.map.entries[map->u.map.index[slot] - 1];
        if (e->key_len == len && memcmp(e->key, key, len) == 0)
            return (long)map->u.map.index[slot] - 1;
        slot = (slot + 1) & mask;
    }
    return -1;
}

ac_status acp_map_append(ac_value *map, const char *key, size_t len,
                         ac_value *value)
{
    if (map->u.map.len == map->u.map.cap) {
        size_t cap = map->u.map.cap ? map->u.map.cap * 2 : 4;
        acp_entry *entries = realloc(map->u.map.entries, cap * sizeof *entries);
        if (!entries) {
            ac_value_free(value);
            return AC_ERR_NOMEM;
        }
        map->u.map.entries = entries;
        map->u.map.cap = cap;
    }
    char *copy = acp_strndup(key, len);
    if (!copy) {
        ac_value_free(value);
        return AC_ERR_NOMEM;
    }
    size_t n = map->u.map.len;
    map->u.map.entries[n].key = copy;
    map->u.map.entries[n].key_len = len;
    map->u.map.entries[n].value = value;
    map->u.map.entries[n].key_line = 0;
    map->u.map.entries[n].key_column = 0;
    map->u.map.len = n + 1;
    if (map->u.map.index && (n + 1) * 2 <= map->u.map.index_cap) {
        index_insert(map, n);
    } else if (n + 1 > MAP_INDEX_THRESHOLD && !index_rebuild(map, n + 1)) {
        /* Without an index the map still works, linearly. */
        free(map->u.map.index);
        map->u.map.index = NULL;
        map->u.map.index_cap = 0;
    }
    return AC_OK;
}

const char *ac_map_key(const ac_value *map, size_t i, size_t *len)
{
    if (!map || map->type != AC_MAP || i >= map->u.map.len) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = map->u.map.entries[i].key_len;
    return map->u.map.entries[i].key;
}

ac_value *ac_map_value(const ac_value *map, size_t i)
{
    if (!map || map->type != AC_MAP || i >= map->u.map.len)
        return NULL;
    return map->u.map.entries[i].value;
}

ac_value *ac_map_getn(const ac_value *map, const char *key, size_t len)
{
    if (!key)
        return NULL;
    long i = acp_map_find(map, key, len);
    return i < 0 ? NULL : map->u.map.entries[i].value;
}

ac_value *ac_map_get(const ac_value *map, const char *key)
{
    return key ? ac_map_getn(map, key, strlen(key)) : NULL;
}

ac_status ac_map_set(ac_value *map, const char *key, size_t len,
                     ac_value *value)
{
    if (!map || map->type != AC_MAP || !key || !value || value == map) {
        if (value != map)
            ac_value_free(value);
        return AC_ERR_ARGUMENT;
    }
    long i = acp_map_find(map, key, len);
    if (i >= 0) {
        ac_value_free(map->u.map.entries[i].value);
        map->u.map.entries[i].value = value;
        return AC_OK;
    }
    return acp_map_append(map, key, len, value);
}

bool ac_map_remove(ac_value *map, const char *key, size_t len)
{
    long i = key ? acp_map_find(map, key, len) : -1;
    if (i < 0)
        return false;
    acp_entry *e = map->u.map.entries;
    free(e[i].key);
    ac_value_free(e[i].value);
    memmove(&e[i], &e[i + 1], (map->u.map.len - (size_t)i - 1) * sizeof *e);
    map->u.map.len--;
    if (map->u.map.index && !index_rebuild(map, map->u.map.len)) {
        free(map->u.map.index);
        map->u.map.index = NULL;
        map->u.map.index_cap = 0;
    }
    return true;
}

int ac_map_key_line(const ac_value *map, size_t i)
{
    if (!map || map->type != AC_MAP || i >= map->u.map.len)
        return 0;
    return map->u.map.entries[i].key_line;
}

int ac_map_key_column(const ac_value *map, size_t i)
{
    if (!map || map->type != AC_MAP || i >= map->u.map.len)
        return 0;
    return map->u.map.entries[i].key_column;
}

void ac_map_set_key_position(ac_value *map, size_t i, int line, int column)
{
    if (!map || map->type != AC_MAP || i >= map->u.map.len)
        return;
    map->u.map.entries[i].key_line = line;
    map->u.map.entries[i].key_column = column;
}

int ac_value_line(const ac_value *v) { return v ? v->line : 0; }

int ac_value_column(const ac_value *v) { return v ? v->column : 0; }

void ac_value_set_position(ac_value *v, int line, int column)
{
    if (v) {
        v->line = line;
        v->column = column;
    }
}

ac_value *ac_value_copy(const ac_value *v)
{
    if (!v)
        return NULL;
    ac_value *c = NULL;
    switch (v->type) {
    case AC_NULL:
        c = ac_value_new_null();
        break;
    case AC_BOOL:
        c = ac_value_new_bool(v->u.b);
        break;
    case AC_INTEGER:
        c = ac_value_new_integer(v->u.i);
        break;
    case AC_NUMBER:
        c = ac_value_new_number(v->u.d);
        break;
    case AC_STRING:
        c = ac_value_new_string(v->u.str.s, v->u.str.len);
        break;
    case AC_LIST:
        c = ac_value_new_list();
        for (size_t i = 0; c && i < v->u.list.len; i++) {
            ac_value *item = ac_value_copy(v->u.list.items[i]);
            if (!item || ac_list_append(c, item) != AC_OK) {
                ac_value_free(c);
                c = NULL;
            }
        }
        break;
    case AC_MAP:
        c = ac_value_new_map();
        for (size_t i = 0; c && i < v->u.map.len; i++) {
            const acp_entry *e = &v->u.map.entries[i];
            ac_value *item = ac_value_copy(e->value);
            if (!item || acp_map_append(c, e->key, e->key_len, item) != AC_OK) {
                ac_value_free(c);
                c = NULL;
            } else {
                c->u.map.entries[i].key_line = e->key_line;
                c->u.map.entries[i].key_column = e->key_column;
            }
        }
        break;
    }
    if (c) {
        c->line = v->line;
        c->column = v->column;
    }
    return c;
}

size_t acp_value_count(const ac_value *v)
{
    size_t n = 1;
    if (v->type == AC_LIST)
        for (size_t i = 0; i < v->u.list.len; i++)
            n += acp_value_count(v->u.list.items[i]);
    else if (v->type == AC_MAP)
        for (size_t i = 0; i < v->u.map.len; i++)
            n += acp_value_count(v->u.map.entries[i].value);
    return n;
}

bool ac_value_equal(const ac_value *a, const ac_value *b)
{
    if (a == b)
        return true;
    if (!a || !b || a->type != b->type)
        return false;
    switch (a->type) {
    case AC_NULL:
        return true;
    case AC_BOOL:
        return a->u.b == b->u.b;
    case AC_INTEGER:
        return a->u.i == b->u.i;
    case AC_NUMBER:
        /* Bitwise, so that -0.0 and 0.0 differ: both are written apart.
         * The model holds no NaN, whose many forms are what the check
         * warns about. */
        // NOLINTNEXTLINE(bugprone-suspicious-memory-comparison,cert-exp42-c,cert-flp37-c)
        return memcmp(&a->u.d, &b->u.d, sizeof a->u.d) == 0;
    case AC_STRING:
        return a->u.str.len == b->u.str.len &&
               memcmp(a->u.str.s, b->u.str.s, a->u.str.len) == 0;
    case AC_LIST:
        if (a->u.list.len != b->u.list.len)
            return false;
        for (size_t i = 0; i < a->u.list.len; i++)
            if (!ac_value_equal(a->u.list.items[i], b->u.list.items[i]))
                return false;
        return true;
    case AC_MAP:
        if (a->u.map.len != b->u.map.len)
            return false;
        for (size_t i = 0; i < a->u.map.len; i++) {
            const acp_entry *x = &a->u.map.entries[i];
            const acp_entry *y = &b->u.map.entries[i];
            if (x->key_len != y->key_len ||
                memcmp(x->key, y->key, x->key_len) != 0 ||
                !ac_value_equal(x->value, y->value))
                return false;
        }
        return true;
    }
    return false;
}
