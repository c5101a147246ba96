/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * registry.c — owns reading the IEEE OUI registry (ieee-data) and matching
 * vendor names against it. See registry.h. The CSV reader handles RFC 4180
 * quoting ("" inside quotes, commas and newlines inside quotes) and unquotes the
 * organisation field in place, so entries point into the file buffers and
 * the whole registry is four allocations.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cfgfile.h"
#include "registry.h"
#include "syntax.h"

static bool has_oui_csv(const char *dir)
{
	char p[CG_PATH_MAX + 16];

	snprintf(p, sizeof(p), "%s/oui.csv", dir);
	return access(p, R_OK) == 0;
}

static void registry_date(const char *dir, char *buf, size_t size)
{
	char p[CG_PATH_MAX + 16], *content = NULL;
	size_t len;
	time_t t = 0;
	struct stat st;
	struct tm tm;

	/* ieee-data writes the epoch of its last refresh to .lastupdate */
	snprintf(p, sizeof(p), "%s/.lastupdate", dir);
	if (cfgfile_slurp(p, &content, &len) == 0) {
		char *end;
		long long v = strtoll(content, &end, 10);

		if (end != content && v > 0)
			t = (time_t)v;
		free(content);
	}
	if (!t) {
		snprintf(p, sizeof(p), "%s/oui.csv", dir);
		if (stat(p, &st) == 0)
			t = st.st_mtime;
	}
	if (!t || !gmtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%d", &tm))
		snprintf(buf, size, "unknown");
}

int registry_locate(const char *configured, char *ret_dir, size_t dir_size,
		    char *ret_date, size_t date_size)
{
	const char *dir;

	if (configured && *configured)
		dir = configured;
	else if (has_oui_csv(CG_REGISTRY_VAR))
		dir = CG_REGISTRY_VAR;
	else
		dir = CG_REGISTRY_SHARE;
	snprintf(ret_dir, dir_size, "%s", dir);
	if (!has_oui_csv(dir)) {
		snprintf(ret_date, date_size, "missing");
		return -ENOENT;
	}
	registry_date(dir, ret_date, date_size);
	return 0;
}

/* Split the next CSV field starting at *p; unquote in place. Returns the
 * field (NUL-terminated), advances *p past the separator, sets *eol when the
 * field ended the record. */
static char *csv_field(char **p, bool *eol)
{
	char *s = *p, *out = s, *start = s;

	*eol = false;
	if (*s == '"') {
		s++;
		for (;;) {
			if (!*s)
				break;
			if (*s == '"') {
				if (s[1] == '"') {
					*out++ = '"';
					s += 2;
					continue;
				}
				s++;
				break;
			}
			*out++ = *s++;
		}
		/* skip anything up to the separator (malformed input) */
		while (*s && *s != ',' && *s != '\n')
			s++;
	} else {
		while (*s && *s != ',' && *s != '\n')
			s++;
		out = s;
	}
	if (*s == '\n' || !*s)
		*eol = true;
	if (*s)
		s++;
	if (out > start && out[-1] == '\r')
		out--;
	*out = 0;
	*p = s;
	return start;
}

static int parse_csv(struct cg_registry *r, char *buf, uint8_t bits)
{
	char *p = buf;
	bool first = true;

	while (*p) {
		char *f[4] = { NULL };
		int nf = 0;
		bool eol = false;

		while (!eol) {
			char *v = csv_field(&p, &eol);
			if (nf < 4)
				f[nf] = v;
			nf++;
		}
		if (first) {
			first = false;
			if (f[0] && !strcmp(f[0], "Registry"))
				continue;
		}
		if (nf < 3)
			continue;
		{
			struct cg_registry_entry e = { .org = f[2] };
			char hex[16];

			if (strlen(f[1]) != bits / 4)
				continue;
			memcpy(hex, f[1], bits / 4 + 1);   /* length checked above */
			if (addr_parse_oui(hex, e.bytes, &e.bits) < 0 || e.bits != bits)
				continue;
			if (model_array_grow((void **)&r->entries, r->n, sizeof(*r->entries)) < 0)
				return -ENOMEM;
			r->entries[r->n++] = e;
		}
	}
	return 0;
}

int registry_load(const char *dir, struct cg_registry *ret, const char *who, int who_line,
		  struct cg_diag *d)
{
	static const struct { const char *name; uint8_t bits; bool required; } files[3] = {
		{ "oui.csv", CG_OUI_BITS_MAL, true },
		{ "mam.csv", CG_OUI_BITS_MAM, false },
		{ "oui36.csv", CG_OUI_BITS_MAS, false },
	};
	struct cg_registry r = { 0 };
	char date[32];
	int err = 0;

	snprintf(r.dir, sizeof(r.dir), "%s", dir);
	registry_date(dir, date, sizeof(date));
	snprintf(r.date, sizeof(r.date), "%s", date);
	for (int i = 0; i < 3; i++) {
		char p[CG_PATH_MAX + 16];
		size_t len;
		int k;

		snprintf(p, sizeof(p), "%s/%s", dir, files[i].name);
		k = cfgfile_slurp(p, &r.bufs[i], &len);
		if (k < 0) {
			if (files[i].required) {
				diag_error(d, who, who_line,
					   "vendors need the OUI registry, but %s cannot be read: %s (install ieee-data or set oui_registry)",
					   p, strerror(-k));
				err = k;
				break;
			}
			diag_warning(d, who, who_line, "OUI registry file %s cannot be read: %s", p,
				     strerror(-k));
			continue;
		}
		k = parse_csv(&r, r.bufs[i], files[i].bits);
		if (k < 0) {
			err = k;
			break;
		}
	}
	if (err) {
		registry_free(&r);
		return err;
	}
	*ret = r;
	return 0;
}

void registry_free(struct cg_registry *r)
{
	free(r->entries);
	for (int i = 0; i < 3; i++)
		free(r->bufs[i]);
	memset(r, 0, sizeof(*r));
}

long registry_match(const struct cg_registry *r, const char *vendor,
		    int (*cb)(const struct cg_registry_entry *e, void *userdata), void *userdata)
{
	size_t vl = strlen(vendor);
	long n = 0;

	for (size_t i = 0; i < r->n; i++) {
		if (strncasecmp(r->entries[i].org, vendor, vl))
			continue;
		n++;
		if (cb) {
			int k = cb(&r->entries[i], userdata);
			if (k < 0)
				return k;
		}
	}
	return n;
}
