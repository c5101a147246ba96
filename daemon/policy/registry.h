/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * registry.h — the IEEE OUI registry as packaged by Debian's ieee-data.
 *
 * Three CSV files, header "Registry,Assignment,Organization Name,
 * Organization Address": oui.csv (MA-L, 24-bit, 6 hex digits), mam.csv
 * (MA-M, 28-bit, 7 digits), oui36.csv (MA-S, 36-bit, 9 digits). The
 * directory is camguard.conf's oui_registry when set, else
 * /var/lib/ieee-data when it holds oui.csv (update-ieee-data refreshes it),
 * else /usr/share/ieee-data. The files are read once per load, only when
 * some policy names vendors.
 *
 * Vendor matching: a policy's vendor string matches every assignment whose
 * organisation name *starts with* it, compared case-insensitively (ASCII);
 * "Hangzhou Hikvision" matches "Hangzhou Hikvision Digital Technology
 * Co.,Ltd." and "HANGZHOU HIKVISION ...". Organisation names change over
 * time, so shipped policies list prefixes explicitly as well.
 */
#ifndef CAMGUARD_REGISTRY_H
#define CAMGUARD_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "model.h"

#define CG_REGISTRY_VAR   "/var/lib/ieee-data"
#define CG_REGISTRY_SHARE "/usr/share/ieee-data"

struct cg_registry_entry {
	uint8_t bytes[5];
	uint8_t bits;          /* 24, 28, 36 */
	const char *org;       /* points into the registry's buffers */
};

struct cg_registry {
	char dir[CG_PATH_MAX];
	char date[32];         /* "YYYY-MM-DD", from .lastupdate or oui.csv's mtime */
	struct cg_registry_entry *entries;
	size_t n;
	char *bufs[3];         /* file contents, unquoted in place */
};

/* Choose the directory (configured may be NULL or ""). Fills dir and date;
 * -ENOENT when no candidate has oui.csv (dir then names what was tried). */
int registry_locate(const char *configured, char *ret_dir, size_t dir_size,
		    char *ret_date, size_t date_size);

/* Read oui.csv (required), mam.csv and oui36.csv from dir. Problems are
 * reported against `who`/`who_line` (the first vendors entry that needed the
 * registry) so the admin knows why it was read. 0 or -errno. */
int registry_load(const char *dir, struct cg_registry *ret, const char *who, int who_line,
		  struct cg_diag *d);

void registry_free(struct cg_registry *r);

/* Call cb for every entry whose organisation starts with vendor
 * (case-insensitive). Returns the number of matches, or cb's negative
 * return value, which stops the walk. */
long registry_match(const struct cg_registry *r, const char *vendor,
		    int (*cb)(const struct cg_registry_entry *e, void *userdata), void *userdata);

#endif /* CAMGUARD_REGISTRY_H */
