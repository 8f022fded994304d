/*
 * Plugins: shared objects that export an ac_plugin descriptor whose init
 * function registers formats in a context (docs/plugins.md).
 *
 * SPDX-License-Identifier: MIT
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Check the descriptor and run its init. `source` names the plugin in
 * errors ("agentconv", or the file it came from). On failure whatever init
 * registered is removed. */
static ac_status add_plugin(ac_context *ctx, const ac_plugin *plugin,
                            void *handle, const char *source, ac_error *error)
{
    /* The ABI version first: until it matches, nothing else of the struct
     * may be read (its layout is not known). */
    if (plugin->abi != AC_PLUGIN_ABI)
        return acp_error_set(error, AC_ERR_ARGUMENT, source, 0, 0, -1,
                             "plugin ABI version %d, this library loads "
                             "version %d",
                             plugin->abi, AC_PLUGIN_ABI);
    if (!plugin->name || !plugin->name[0] || !plugin->init)
        return acp_error_set(error, AC_ERR_ARGUMENT, source, 0, 0, -1,
                             "plugin descriptor needs a name and an init "
                             "function");
    for (size_t i = 0; i < ctx->plugin_count; i++)
        if (strcmp(ctx->plugins[i]->name, plugin->name) == 0)
            return acp_error_set(error, AC_ERR_ARGUMENT, source, 0, 0, -1,
                                 "plugin '%s' is already loaded", plugin->name);
    if (ctx->plugin_count == ctx->plugin_cap) {
        size_t cap = ctx->plugin_cap ? ctx->plugin_cap * 2 : 4;
        const ac_plugin **p = realloc(ctx->plugins, cap * sizeof *p);
        if (!p)
            return acp_error_set(error, AC_ERR_NOMEM, source, 0, 0, -1,
                                 "out of memory");
        ctx->plugins = p;
        void **h = realloc(ctx->plugin_handles, cap * sizeof *h);
        if (!h)
            return acp_error_set(error, AC_ERR_NOMEM, source, 0, 0, -1,
                                 "out of memory");
        ctx->plugin_handles = h;
        ctx->plugin_cap = cap;
    }
    /* What init may change, to undo on failure. */
    size_t formats = ctx->format_count;
    size_t dialects = ctx->dialect_count;
    size_t models = ctx->model_count;
    ac_error mine;
    memset(&mine, 0, sizeof mine);
    ac_status st = plugin->init(ctx, plugin, &mine);
    if (st != AC_OK) {
        ctx->format_count = formats;
        ctx->dialect_count = dialects;
        while (ctx->model_count > models) {
            acp_model_spelling *m = &ctx->models[--ctx->model_count];
            free(m->dialect);
            free(m->name);
            free(m->term);
        }
        return acp_error_set(error, st, source, 0, 0, -1,
                             "plugin '%s' failed: %s", plugin->name,
                             mine.text[0] ? mine.text : ac_status_string(st));
    }
    ctx->plugins[ctx->plugin_count] = plugin;
    ctx->plugin_handles[ctx->plugin_count] = handle;
    ctx->plugin_count++;
    return AC_OK;
}

ac_status ac_context_add_plugin(ac_context *ctx, const ac_plugin *plugin,
                                ac_error *error)
{
    if (!ctx || !plugin)
        return acp_error_set(error, AC_ERR_ARGUMENT, "agentconv", 0, 0, -1,
                             "no context or no plugin descriptor");
    return add_plugin(ctx, plugin, NULL, "agentconv", error);
}

/* dlerror()'s text without the file name it starts with when it has one
 * ("./x.so: cannot open shared object file: ..."): the caller's message
 * names the file already. */
static const char *dl_reason(const char *path, const char *opened)
{
    const char *why = dlerror();
    if (!why)
        return "unknown reason";
    const char *names[2] = {opened, path};
    for (int i = 0; i < 2; i++) {
        size_t n = strlen(names[i]);
        if (strncmp(why, names[i], n) == 0 && why[n] == ':' &&
            why[n + 1] == ' ')
            return why + n + 2;
    }
    return why;
}

ac_status ac_context_load_plugin(ac_context *ctx, const char *path,
                                 ac_error *error)
{
    if (!ctx || !path || !path[0])
        return acp_error_set(error, AC_ERR_ARGUMENT,
                             path && path[0] ? path : "agentconv", 0, 0, -1,
                             "invalid argument");
    /* A name without '/' would be searched for in the library path. */
    char *opened = NULL;
    if (!strchr(path, '/')) {
        size_t n = strlen(path);
        opened = malloc(n + 3);
        if (!opened)
            return acp_error_set(error, AC_ERR_NOMEM, path, 0, 0, -1,
                                 "out of memory");
        memcpy(opened, "./", 2);
        memcpy(opened + 2, path, n + 1);
    }
    const char *name = opened ? opened : path;
    void *handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        ac_status st =
            acp_error_set(error, AC_ERR_IO, path, 0, 0, -1,
                          "cannot load the plugin: %s", dl_reason(path, name));
        free(opened);
        return st;
    }
    free(opened);
    /* dlsym gives a data symbol's address as a void *. */
    const ac_plugin *plugin = dlsym(handle, AC_PLUGIN_SYMBOL);
    if (!plugin) {
        dlclose(handle);
        return acp_error_set(error, AC_ERR_ARGUMENT, path, 0, 0, -1,
                             "not an agentconv plugin: no symbol '%s'",
                             AC_PLUGIN_SYMBOL);
    }
    ac_status st = add_plugin(ctx, plugin, handle, path, error);
    if (st != AC_OK)
        dlclose(handle);
    return st;
}

size_t ac_plugin_count(const ac_context *ctx)
{
    return ctx ? ctx->plugin_count : 0;
}

const ac_plugin *ac_plugin_at(const ac_context *ctx, size_t i)
{
    return ctx && i < ctx->plugin_count ? ctx->plugins[i] : NULL;
}

void acp_plugins_release(ac_context *ctx)
{
    /* The last loaded first, as their formats were added after the
     * others'. */
    for (size_t i = ctx->plugin_count; i > 0; i--)
        if (ctx->plugin_handles[i - 1])
            dlclose(ctx->plugin_handles[i - 1]);
    free(ctx->plugins);
    free(ctx->plugin_handles);
    ctx->plugins = NULL;
    ctx->plugin_handles = NULL;
    ctx->plugin_count = ctx->plugin_cap = 0;
}
