/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cfgfile.h — reading one libconfig file safely, and typed access with
 * diagnostics.
 *
 * cfgfile_open() reads the file once (regular files only, at most
 * CG_FILE_MAX bytes), scans it before libconfig sees it — NUL bytes, nesting
 * deeper than CG_NEST_MAX, @include (which would let a policy file read any
 * file) — and then parses the buffer with config_read_string(). Every limit
 * is checked before work proportional to it is done, so a 1 MB line, binary
 * garbage or 10,000 nested brackets fail fast with a line number.
 *
 * The cfg_get_* helpers look up one key of a group, check its type and
 * report "FILE:LINE: 'path.key' must be ..." through the diag. They return
 * 0 when the key was present and valid, -ENOENT when absent (no message),
 * -EINVAL when present but wrong (message recorded).
 */
#ifndef CAMGUARD_CFGFILE_H
#define CAMGUARD_CFGFILE_H

#include <libconfig.h>
#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "model.h"

#define CG_FILE_MAX  (64u << 20)  /* bytes in one config, policy or deny-list file */
#define CG_NEST_MAX  16           /* bracket nesting in a libconfig file */

struct cfgfile {
	config_t cf;
	bool inited;
	const char *path;    /* the caller's string, used in messages */
};

/* 0, or -errno with the reason recorded in d (unreadable, too large,
 * binary, syntax error...). On error cfgfile_close() is still safe. */
int cfgfile_open(struct cfgfile *f, const char *path, struct cg_diag *d);
void cfgfile_close(struct cfgfile *f);

/* cfgfile_open() of a file the model records (model_add_file): *ret_file is
 * the model's copy of path, which origins point to. -ENOMEM (nothing
 * recorded) or what cfgfile_open() returns; f is always safe to close, so
 * `_cleanup_(cfgfile_close) struct cfgfile f;` needs no error path. */
int cfgfile_open_model(struct cfgfile *f, struct cg_model *m, const char *path, struct cg_diag *d,
		       const char **ret_file);

/* Read a whole file into a NUL-terminated buffer (deny lists). Rejects
 * non-regular files and files over CG_FILE_MAX. -errno, nothing recorded. */
int cfgfile_slurp(const char *path, char **ret_buf, size_t *ret_len);

/* The length of a UTF-8 byte order mark at the start of buf (3 or 0): files
 * from Windows editors begin with one; it is skipped, not an error. */
size_t cfgfile_bom(const char *buf, size_t len);
/* A UTF-16 file (byte order mark FF FE or FE FF) is named as that instead of
 * "binary data". 0 or -EINVAL (recorded). */
int cfgfile_check_encoding(const char *buf, size_t len, const char *path, struct cg_diag *d);

/* Unknown keys: report every member of group not in allowed (NULL-ended). */
void cfg_check_keys(const config_setting_t *group, const char *ctx, const char *const *allowed,
		    const char *file, struct cg_diag *d);

int cfg_line(const config_setting_t *s);

/* The key's display name: "ctx.key" (or "key" when ctx is empty). */
void cfg_keyname(char *buf, size_t size, const char *ctx, const char *key);

int cfg_get_string(const config_setting_t *group, const char *ctx, const char *key,
		   const char *file, struct cg_diag *d, char *buf, size_t size, int *ret_line);
int cfg_get_bool(const config_setting_t *group, const char *ctx, const char *key,
		 const char *file, struct cg_diag *d, bool *ret, int *ret_line);
int cfg_get_int(const config_setting_t *group, const char *ctx, const char *key,
		const char *file, struct cg_diag *d, long long min, long long max,
		long long *ret, int *ret_line);
int cfg_get_group(const config_setting_t *group, const char *ctx, const char *key,
		  const char *file, struct cg_diag *d, config_setting_t **ret);
/* A list or array whose elements are all strings (empty is fine). */
int cfg_get_string_list(const config_setting_t *group, const char *ctx, const char *key,
			const char *file, struct cg_diag *d, config_setting_t **ret);
/* A list whose elements are all groups: ( { ... }, { ... } ). */
int cfg_get_group_list(const config_setting_t *group, const char *ctx, const char *key,
		       const char *file, struct cg_diag *d, config_setting_t **ret);

/* A zeroed array for the n (+1) elements of list, n checked against max:
 * 0, -EINVAL ("[ctx: ]too many WHAT (n, max MAX)" recorded) or -ENOMEM
 * (d->oom set). */
int cfg_list_alloc(const config_setting_t *list, const char *ctx, int max, size_t elem,
		   const char *what, const char *file, struct cg_diag *d, void **ret, int *ret_n);

/* Record why syntax_parse_prefix() refused s (r): host bits set (with the
 * network it meant) or not a prefix (with a hint). kn, the key, may be NULL
 * (a line of a deny-list file). */
void cfg_prefix_error(struct cg_diag *d, const char *file, int line, const char *kn, const char *s,
		      int r, const struct cg_prefix *p);

/* Check one string element of a list: UTF-8 and length. 0 or -EINVAL. */
int cfg_check_string(const char *s, const char *name, int line, size_t maxlen,
		     const char *file, struct cg_diag *d);

#endif /* CAMGUARD_CFGFILE_H */
