// SPDX-License-Identifier: GPL-2.0-only
/*
 * advisory.c — owns the advisory files (advisories.conf, advisories.d/) and
 * matching a device against an entry. See advisory.h. Parsing follows
 * policy.c: every problem is reported with file:line through the diag, a
 * broken entry is dropped, the load fails.
 */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "advisory.h"
#include "cfgfile.h"
#include "cleanup.h"

static const char *const top_keys[] = { "advisories", NULL };
static const char *const entry_keys[] = { "cve", "vendor", "models", "affected", "fixed",
					  "severity", "kev", "source", "note", NULL };
static const char *const affected_keys[] = { "from", "to", "before", "built_from",
					     "built_before", NULL };
static const char *const source_keys[] = { "id", "url", NULL };

static const char *const confidence_names[] = {
	[CG_ADV_NONE] = "none", [CG_ADV_UNKNOWN] = "unknown",
	[CG_ADV_LIKELY] = "likely", [CG_ADV_EXACT] = "exact",
};
static const char *const severity_names[] = {
	[CG_SEV_LOW] = "low", [CG_SEV_MEDIUM] = "medium",
	[CG_SEV_HIGH] = "high", [CG_SEV_CRITICAL] = "critical",
};

const char *advisory_confidence_to_string(int c)
{
	return c >= 0 && c <= CG_ADV_EXACT ? confidence_names[c] : "none";
}

int advisory_confidence_from_string(const char *s)
{
	for (int i = 0; i <= CG_ADV_EXACT; i++)
		if (!strcmp(confidence_names[i], s))
			return i;
	return -EINVAL;
}

const char *advisory_severity_to_string(int s)
{
	return s >= 0 && s <= CG_SEV_CRITICAL ? severity_names[s] : "unknown";
}

int advisory_severity_from_string(const char *s)
{
	for (int i = 0; i <= CG_SEV_CRITICAL; i++)
		if (!strcmp(severity_names[i], s))
			return i;
	return -EINVAL;
}

int advisory_find(const struct cg_model *m, const char *cve)
{
	for (size_t i = 0; i < m->nadvisories; i++)
		if (!strcasecmp(m->advisories[i].cve, cve))
			return (int)i;
	return -1;
}

/* "CVE-YYYY-NNNN" with 4 to 7 digits after the year. */
static bool valid_cve(const char *s)
{
	size_t n = strlen(s), digits = 0;

	if (n < 13 || n >= CG_CVE_MAX || strncmp(s, "CVE-", 4))
		return false;
	for (int i = 4; i < 8; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	if (s[8] != '-')
		return false;
	for (const char *p = s + 9; *p; p++, digits++)
		if (!isdigit((unsigned char)*p))
			return false;
	return digits >= 4 && digits <= 7;
}

/* ---- parsing ---------------------------------------------------------------- */

static void parse_models(config_setting_t *g, const char *ctx, struct cg_advisory *a,
			 const char *file, struct cg_diag *d, bool *ok)
{
	config_setting_t *list;
	char kn[64];
	int n;

	n = cfg_get_string_list(g, ctx, "models", file, d, &list);
	if (n == -ENOENT)
		return;
	if (n < 0) {
		*ok = false;
		return;
	}
	cfg_keyname(kn, sizeof(kn), ctx, "models");
	if (cfg_list_alloc(list, kn, CG_ADV_MAX_MODELS, sizeof(*a->models), "patterns", file, d,
			   (void **)&a->models, &n) < 0) {
		*ok = false;   /* too many (recorded), or d->oom */
		return;
	}
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
		const char *s = config_setting_get_string(e);

		snprintf(kn, sizeof(kn), "%s.models[%d]", ctx, i);
		if (cfg_check_string(s, kn, cfg_line(e), 64, file, d) < 0) {
			*ok = false;
			continue;
		}
		if (!*s) {
			diag_error(d, file, cfg_line(e), "'%s' is empty", kn);
			*ok = false;
			continue;
		}
		if (!(a->models[a->nmodels] = strdup(s))) {
			d->oom = true;
			return;
		}
		a->nmodels++;
	}
}

static void version_key(config_setting_t *g, const char *ctx, const char *key, struct cg_version *v,
			bool *has, const char *file, struct cg_diag *d, bool *ok)
{
	char buf[64];
	int line = 0, r = cfg_get_string(g, ctx, key, file, d, buf, sizeof(buf), &line);

	if (r == -ENOENT)
		return;
	if (r < 0) {
		*ok = false;
		return;
	}
	if (version_parse(buf, v) < 0 || !v->nparts) {
		diag_error(d, file, line, "'%s.%s': invalid firmware version \"%s\" (expected e.g. \"V5.5.800 build 190725\", \"2.800.0000000.13.R\", \"10.12.182\")",
			   ctx, key, buf);
		*ok = false;
		return;
	}
	*has = true;
}

static void date_key(config_setting_t *g, const char *ctx, const char *key, uint32_t *ret,
		     const char *file, struct cg_diag *d, bool *ok)
{
	char buf[32];
	int line = 0, r = cfg_get_string(g, ctx, key, file, d, buf, sizeof(buf), &line);

	if (r == -ENOENT)
		return;
	if (r < 0) {
		*ok = false;
		return;
	}
	if (version_parse_date(buf, ret) < 0) {
		diag_error(d, file, line, "'%s.%s': invalid build date \"%s\" (expected \"YYYY-MM-DD\")",
			   ctx, key, buf);
		*ok = false;
	}
}

static void parse_affected(config_setting_t *e, const char *ectx, struct cg_advisory *a,
			   const char *file, struct cg_diag *d, bool *ok)
{
	config_setting_t *g;
	char ctx[48], from[64] = "", to[64] = "", before[64] = "", bf[16] = "", bb[16] = "";
	int r = cfg_get_group(e, ectx, "affected", file, d, &g);

	if (r == -ENOENT) {
		diag_error(d, file, cfg_line(e), "'%s' has no 'affected' range", ectx);
		*ok = false;
		return;
	}
	if (r < 0) {
		*ok = false;
		return;
	}
	snprintf(ctx, sizeof(ctx), "%s.affected", ectx);
	cfg_check_keys(g, ctx, affected_keys, file, d);
	version_key(g, ctx, "from", &a->from, &a->has_from, file, d, ok);
	version_key(g, ctx, "to", &a->to, &a->has_to, file, d, ok);
	version_key(g, ctx, "before", &a->before, &a->has_before, file, d, ok);
	date_key(g, ctx, "built_from", &a->built_from, file, d, ok);
	date_key(g, ctx, "built_before", &a->built_before, file, d, ok);
	if (!*ok)
		return;
	if (a->has_to && a->has_before) {
		diag_error(d, file, cfg_line(g), "'%s': give 'to' (inclusive) or 'before' (exclusive), not both", ctx);
		*ok = false;
	} else if (!a->has_from && !a->has_to && !a->has_before && !a->built_from && !a->built_before) {
		diag_error(d, file, cfg_line(g), "'%s' is empty: give from/to/before versions or built_from/built_before dates", ctx);
		*ok = false;
	} else if (a->has_from && ((a->has_to && version_compare(&a->from, &a->to, NULL) > 0) ||
				   (a->has_before && version_compare(&a->from, &a->before, NULL) >= 0))) {
		diag_error(d, file, cfg_line(g), "'%s': the range is empty ('from' is not below its end)", ctx);
		*ok = false;
	} else if (a->built_from && a->built_before && a->built_from >= a->built_before) {
		diag_error(d, file, cfg_line(g), "'%s': the build date range is empty", ctx);
		*ok = false;
	}
	if (!*ok)
		return;
	/* The range as written, for `camguardctl advisories`. */
	const char *s;
	if (config_setting_lookup_string(g, "from", &s))
		snprintf(from, sizeof(from), "%s", s);
	if (config_setting_lookup_string(g, "to", &s))
		snprintf(to, sizeof(to), "%s", s);
	if (config_setting_lookup_string(g, "before", &s))
		snprintf(before, sizeof(before), "%s", s);
	if (a->built_from)
		version_format_date(a->built_from, bf, sizeof(bf));
	if (a->built_before)
		version_format_date(a->built_before, bb, sizeof(bb));
	size_t off = 0;
	const char *part[] = { from[0] ? "from " : NULL, from, to[0] ? "to " : NULL, to,
			       before[0] ? "before " : NULL, before, bf[0] ? "built from " : NULL, bf,
			       bb[0] ? "built before " : NULL, bb };
	for (size_t k = 0; k < sizeof(part) / sizeof(part[0]); k += 2)
		if (part[k] && off < sizeof(a->range))
			off += (size_t)snprintf(a->range + off, sizeof(a->range) - off, "%s%s%s",
						off ? ", " : "", part[k], part[k + 1]);
}

/* severity = "critical" (default high). */
static void parse_severity(config_setting_t *e, const char *ctx, struct cg_advisory *a,
			   const char *file, struct cg_diag *d, bool *ok)
{
	char buf[64];
	int line = 0, r = cfg_get_string(e, ctx, "severity", file, d, buf, sizeof(buf), &line), s;

	a->severity = CG_SEV_HIGH;
	if (r == -EINVAL)
		*ok = false;
	if (r < 0)
		return;
	s = advisory_severity_from_string(buf);
	if (s < 0) {
		diag_error(d, file, line, "'%s.severity': invalid value \"%s\" (expected \"low\", \"medium\", \"high\" or \"critical\")",
			   ctx, buf);
		*ok = false;
	} else {
		a->severity = (uint8_t)s;
	}
}

/* source = { id = "ICSA-17-124-01"; url = "https://..."; }: required. */
static void parse_source(config_setting_t *e, const char *ctx, struct cg_advisory *a,
			 const char *file, struct cg_diag *d, bool *ok)
{
	config_setting_t *src;
	char sctx[48];
	int line = 0, r = cfg_get_group(e, ctx, "source", file, d, &src);

	if (r == -ENOENT)
		diag_error(d, file, cfg_line(e), "'%s' has no 'source' (the vendor advisory's id and address)", ctx);
	if (r < 0) {
		*ok = false;
		return;
	}
	snprintf(sctx, sizeof(sctx), "%s.source", ctx);
	cfg_check_keys(src, sctx, source_keys, file, d);
	if (cfg_get_string(src, sctx, "id", file, d, a->source_id, sizeof(a->source_id), NULL) == -EINVAL ||
	    cfg_get_string(src, sctx, "url", file, d, a->source_url, sizeof(a->source_url), &line) == -EINVAL)
		*ok = false;
	else if (a->source_url[0] && strncmp(a->source_url, "https://", 8) && strncmp(a->source_url, "http://", 7)) {
		diag_error(d, file, line, "'%s.url': not an http(s) address: \"%s\"", sctx, a->source_url);
		*ok = false;
	} else if (!a->source_id[0] && !a->source_url[0]) {
		diag_error(d, file, cfg_line(src), "'%s' needs 'id' or 'url'", sctx);
		*ok = false;
	}
}

static void parse_entry(config_setting_t *e, int i, struct cg_model *m, const char *file,
			struct cg_diag *d)
{
	struct cg_advisory a = { 0 };
	char ctx[32];
	int line = cfg_line(e), r;
	bool ok = true, b;

	snprintf(ctx, sizeof(ctx), "advisories[%d]", i);
	a.origin = (struct cg_origin){ .file = file, .line = line };
	cfg_check_keys(e, ctx, entry_keys, file, d);

	r = cfg_get_string(e, ctx, "cve", file, d, a.cve, sizeof(a.cve), &line);
	if (r == -ENOENT) {
		diag_error(d, file, cfg_line(e), "'%s' has no 'cve'", ctx);
		ok = false;
	} else if (r < 0) {
		ok = false;
	} else if (!valid_cve(a.cve)) {
		diag_error(d, file, line, "'%s.cve': invalid CVE id \"%s\" (expected \"CVE-2021-36260\")", ctx,
			   a.cve);
		ok = false;
	}
	r = cfg_get_string(e, ctx, "vendor", file, d, a.vendor, sizeof(a.vendor), &line);
	if (r == -ENOENT) {
		diag_error(d, file, cfg_line(e), "'%s' has no 'vendor'", ctx);
		ok = false;
	} else if (r < 0) {
		ok = false;
	} else if (strlen(a.vendor) < 3) {
		diag_error(d, file, line, "'%s.vendor': \"%s\" is too short to match safely (min 3 characters)",
			   ctx, a.vendor);
		ok = false;
	}
	parse_models(e, ctx, &a, file, d, &ok);
	parse_affected(e, ctx, &a, file, d, &ok);
	if (cfg_get_string(e, ctx, "fixed", file, d, a.fixed, sizeof(a.fixed), NULL) == -EINVAL)
		ok = false;
	parse_severity(e, ctx, &a, file, d, &ok);
	r = cfg_get_bool(e, ctx, "kev", file, d, &b, NULL);
	if (r == 0)
		a.kev = b;
	else if (r == -EINVAL)
		ok = false;
	parse_source(e, ctx, &a, file, d, &ok);
	if (cfg_get_string(e, ctx, "note", file, d, a.note, sizeof(a.note), NULL) == -EINVAL)
		ok = false;

	if (ok && m->nadvisories >= CG_MAX_ADVISORIES) {
		diag_error(d, file, cfg_line(e), "too many advisories (max %d)", CG_MAX_ADVISORIES);
		ok = false;
	}
	if (!ok || d->oom) {
		model_advisory_free(&a);
		return;
	}
	if (model_array_grow((void **)&m->advisories, m->nadvisories, sizeof(*m->advisories)) < 0) {
		model_advisory_free(&a);
		d->oom = true;
		return;
	}
	m->advisories[m->nadvisories++] = a;
}

int advisory_parse_file(const char *path, struct cg_model *m, struct cg_diag *d)
{
	_cleanup_(cfgfile_close) struct cfgfile f;
	config_setting_t *root, *list;
	const char *file;
	size_t errs = diag_errors(d);
	int r;

	r = cfgfile_open_model(&f, m, path, d, &file);
	if (r < 0)
		return r == -ENOMEM ? r : -EINVAL;
	root = config_root_setting(&f.cf);
	cfg_check_keys(root, "", top_keys, file, d);
	r = cfg_get_group_list(root, "", "advisories", file, d, &list);
	if (r == -ENOENT)
		diag_warning(d, file, 0, "no 'advisories' list: the file adds nothing");
	if (r == 0)
		for (int i = 0; i < config_setting_length(list) && !d->oom; i++)
			parse_entry(config_setting_get_elem(list, (unsigned)i), i, m, file, d);
	if (d->oom)
		return -ENOMEM;
	return diag_errors(d) > errs ? -EINVAL : 0;
}

/* ---- matching --------------------------------------------------------------- */

enum { IN = 1, OUT = 0, UNDECIDED = -1 };

/* Is v within a's version range? Sets *inexact on an undecided edge. */
static int version_in_range(const struct cg_advisory *a, const struct cg_version *v, bool *inexact)
{
	bool exact;

	if (!a->has_from && !a->has_to && !a->has_before)
		return IN;
	if (!v->nparts)
		return UNDECIDED;
	if (a->has_from) {
		int c = version_compare(v, &a->from, &exact);
		if (c < 0)
			return OUT;
		*inexact |= !exact;
	}
	if (a->has_to) {
		int c = version_compare(v, &a->to, &exact);
		if (c > 0)
			return OUT;
		*inexact |= !exact;
	}
	if (a->has_before) {
		int c = version_compare(v, &a->before, &exact);
		if (c > 0 || (c == 0 && exact))
			return OUT;
		*inexact |= !exact;
	}
	return IN;
}

static int date_in_range(const struct cg_advisory *a, const struct cg_version *v)
{
	if (!a->built_from && !a->built_before)
		return IN;
	if (!v->date)
		return UNDECIDED;
	if ((a->built_from && v->date < a->built_from) || (a->built_before && v->date >= a->built_before))
		return OUT;
	return IN;
}

int advisory_match(const struct cg_advisory *a, const char *vendor, const char *manufacturer,
		   const char *model, const char *firmware)
{
	struct cg_version v;
	bool model_known = false, inexact = false;
	int rv, rd;

	if (!strcasestr(vendor, a->vendor) && !strcasestr(manufacturer, a->vendor))
		return CG_ADV_NONE;
	if (model[0] && a->nmodels) {
		for (size_t i = 0; i < a->nmodels && !model_known; i++)
			model_known = fnmatch(a->models[i], model, FNM_CASEFOLD) == 0;
		if (!model_known)
			return CG_ADV_NONE;
	}
	if (!firmware[0] || version_parse(firmware, &v) < 0)
		return CG_ADV_UNKNOWN;
	rv = version_in_range(a, &v, &inexact);
	rd = date_in_range(a, &v);
	if (rv == OUT || rd == OUT)
		return CG_ADV_NONE;
	if (rv == UNDECIDED || rd == UNDECIDED)
		return CG_ADV_UNKNOWN;
	return model_known && !inexact ? CG_ADV_EXACT : CG_ADV_LIKELY;
}
