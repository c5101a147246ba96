/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * render-util.h — what the render-*.c files share: tolerant reads of the
 * daemon's JSON (a missing or mistyped member reads as 0, "" or NULL, so
 * that a renderer never fails on an older or newer daemon's extra or
 * missing fields), exact numbers, ages and joined lists. Private to
 * daemon/ctl: not an API.
 */
#ifndef CAMGUARD_CTL_RENDER_UTIL_H
#define CAMGUARD_CTL_RENDER_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <json-c/json.h>

#include "protocol.h"

struct cg_render_opts;

static inline json_object *get(json_object *o, const char *key)
{
	json_object *v;
	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static inline uint64_t get_u64(json_object *o, const char *key)
{
	json_object *v = get(o, key);
	return v && (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double))
		       ? json_object_get_uint64(v) : 0;
}

static inline const char *get_str(json_object *o, const char *key)
{
	json_object *v = get(o, key);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

static inline json_object *get_array(json_object *o, const char *key)
{
	json_object *v = get(o, key);
	return v && json_object_is_type(v, json_type_array) ? v : NULL;
}

static inline size_t array_len(json_object *a)
{
	return a ? json_object_array_length(a) : 0;
}

static inline bool get_bool(json_object *o, const char *key)
{
	json_object *v = get(o, key);
	return v && json_object_get_boolean(v);
}

/* Exact decimal: a table watched with `watch -d` must show every change. */
static inline const char *num(uint64_t v, char *buf, size_t len)
{
	snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}

/* "45s ago", "12m ago", "3h ago", "5d ago" against o->now; the time itself
 * with --wide or when it is not one the daemon wrote. */
const char *render_age(const char *when, const struct cg_render_opts *o, char *buf, size_t len);
/* Appends the strings of array a to buf at *off, comma-separated. */
void render_join(json_object *a, char *buf, size_t len, size_t *off);

#endif
