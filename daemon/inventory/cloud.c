// SPDX-License-Identifier: GPL-2.0-only
/*
 * cloud.c — see cloud.h.
 *
 * The domains are kept sorted, so a lookup is one binary search per label
 * boundary of the name (at most 127), leftmost first: the first hit is the
 * longest, most specific domain. A file is parsed into a scratch list and
 * merged only when it has no error, so a broken file changes nothing.
 */
#include <errno.h>
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "array.h"
#include "cfgfile.h"
#include "cloud.h"
#include "dns.h"

struct entry {
	char vendor[CG_CLOUD_LABEL_MAX];
	char label[CG_CLOUD_LABEL_MAX];
};

struct domain {
	char name[CG_DNS_NAME_MAX];
	size_t entry;
	char *file;         /* where it was listed, for the duplicate message */
	int line;
};

struct cg_cloud {
	struct entry *e;
	size_t ne, cap_e;
	struct domain *dom;
	size_t nd, cap_d;
};

static const char *const top_keys[] = { "cloud_domains", NULL };
static const char *const entry_keys[] = { "vendor", "label", "domains", "sources", "note", NULL };

struct cg_cloud *cloud_new(void)
{
	return calloc(1, sizeof(struct cg_cloud));
}

void cloud_free(struct cg_cloud *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nd; i++)
		free(c->dom[i].file);
	free(c->dom);
	free(c->e);
	free(c);
}

size_t cloud_count(const struct cg_cloud *c)
{
	return c ? c->nd : 0;
}

static int cmp_domain(const void *a, const void *b)
{
	return strcmp(((const struct domain *)a)->name, ((const struct domain *)b)->name);
}

/* A host name in lower case: labels of letters, digits and '-' (not at a
 * label's ends; '_' is allowed for service names), 1..63 each, at least
 * two, 253 characters at most. */
static const char *domain_problem(const char *s)
{
	size_t len = strlen(s), labels = 1, l = 0;

	if (!len || len > 253)
		return "must have 1 to 253 characters";
	if (s[0] == '.' || s[len - 1] == '.')
		return "must not begin or end with '.'";
	for (size_t i = 0; i <= len; i++) {
		char ch = s[i];
		if (ch == '.' || !ch) {
			if (!l)
				return "has an empty label";
			if (l > 63)
				return "has a label over 63 characters";
			if (s[i - 1] == '-' || s[i - l] == '-')
				return "has a label beginning or ending with '-'";
			if (ch)
				labels++;
			l = 0;
			continue;
		}
		if (ch == '*')
			return "must not contain '*' (a domain covers every name below it)";
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
			return "must be lower-case letters, digits, '-', '_' and '.'";
		l++;
	}
	if (labels < 2)
		return "must have at least two labels (a single label would cover a whole top-level domain)";
	return NULL;
}

static const struct domain *find(const struct domain *v, size_t n, const char *name)
{
	struct domain key;

	if (!n)
		return NULL;      /* bsearch/qsort take no NULL array, even empty */
	snprintf(key.name, sizeof(key.name), "%s", name);
	return bsearch(&key, v, n, sizeof(*v), cmp_domain);
}

static void parse_entry(struct cg_cloud *c, config_setting_t *g, int i, const char *file,
			struct cg_diag *d, struct domain **dom, size_t *nd, size_t *cap)
{
	struct entry en = { 0 };
	config_setting_t *list;
	char ctx[48], kn[96];
	int line = cfg_line(g), r;

	snprintf(ctx, sizeof(ctx), "cloud_domains[%d]", i);
	cfg_check_keys(g, ctx, entry_keys, file, d);
	r = cfg_get_string(g, ctx, "vendor", file, d, en.vendor, sizeof(en.vendor), NULL);
	if (r == -ENOENT || (!r && !en.vendor[0]))
		diag_error(d, file, line, "'%s' needs a 'vendor'", ctx);
	r = cfg_get_string(g, ctx, "label", file, d, en.label, sizeof(en.label), NULL);
	if (r == -ENOENT || (!r && !en.label[0]))
		diag_error(d, file, line, "'%s' needs a 'label' (e.g. \"Hikvision cloud\")", ctx);
	if (cfg_get_string_list(g, ctx, "sources", file, d, &list) == -ENOENT)
		diag_error(d, file, line, "'%s' needs 'sources': where the domains are documented", ctx);
	r = cfg_get_string_list(g, ctx, "domains", file, d, &list);
	if (r == -ENOENT || (!r && !config_setting_length(list))) {
		diag_error(d, file, line, "'%s' needs a non-empty 'domains' list", ctx);
		return;
	}
	if (r < 0)
		return;
	if (c->ne >= CG_CLOUD_MAX_ENTRIES) {
		diag_error(d, file, line, "too many entries (max %d)", CG_CLOUD_MAX_ENTRIES);
		return;
	}
	for (int k = 0; k < config_setting_length(list); k++) {
		config_setting_t *e = config_setting_get_elem(list, (unsigned)k);
		const char *s = config_setting_get_string(e);
		const char *why = domain_problem(s);

		snprintf(kn, sizeof(kn), "%s.domains[%d]", ctx, k);
		if (why) {
			diag_error(d, file, cfg_line(e), "'%s': \"%.64s\" %s", kn, s, why);
			continue;
		}
		if (c->nd + *nd >= CG_CLOUD_MAX_DOMAINS) {
			diag_error(d, file, cfg_line(e), "too many domains (max %d)", CG_CLOUD_MAX_DOMAINS);
			return;
		}
		if (!CG_GROW(*dom, *cap, *nd + 1)) {
			d->oom = true;
			return;
		}
		struct domain *nw = &(*dom)[(*nd)++];
		memset(nw, 0, sizeof(*nw));
		snprintf(nw->name, sizeof(nw->name), "%s", s);
		nw->entry = c->ne;
		nw->line = cfg_line(e);
		nw->file = strdup(file);
		if (!nw->file)
			d->oom = true;
	}
	c->e[c->ne++] = en;
}

int cloud_add_file(struct cg_cloud *c, const char *path, struct cg_diag *d)
{
	struct cfgfile f;
	config_setting_t *list;
	struct domain *dom = NULL;
	size_t nd = 0, cap = 0, ne0 = c->ne, errs = diag_errors(d);
	int r;

	r = cfgfile_open(&f, path, d);
	if (r < 0) {
		cfgfile_close(&f);
		return r == -ENOMEM ? r : -EINVAL;
	}
	config_setting_t *root = config_root_setting(&f.cf);
	cfg_check_keys(root, "", top_keys, path, d);
	r = cfg_get_group_list(root, "", "cloud_domains", path, d, &list);
	if (r == -ENOENT)
		diag_warning(d, path, 0, "no 'cloud_domains' list: the file adds nothing");
	if (r == 0 && !CG_GROW(c->e, c->cap_e, c->ne + (size_t)config_setting_length(list)))
		d->oom = true;
	for (int i = 0; r == 0 && !d->oom && i < config_setting_length(list); i++)
		parse_entry(c, config_setting_get_elem(list, (unsigned)i), i, path, d, &dom, &nd, &cap);
	cfgfile_close(&f);

	/* Duplicates: within the file (sorted neighbours), then against what
	 * earlier files gave. */
	if (nd)
		qsort(dom, nd, sizeof(*dom), cmp_domain);
	for (size_t i = 0; i < nd && !d->oom; i++) {
		const struct domain *old = i && !strcmp(dom[i - 1].name, dom[i].name) ? &dom[i - 1] :
					   find(c->dom, c->nd, dom[i].name);
		if (old)
			diag_error(d, path, dom[i].line, "domain \"%s\" is listed twice (also at %s:%d)",
				   dom[i].name, old->file, old->line);
	}
	if (!d->oom && diag_errors(d) == errs && nd && !CG_GROW(c->dom, c->cap_d, c->nd + nd))
		d->oom = true;
	if (d->oom || diag_errors(d) > errs) {
		for (size_t i = 0; i < nd; i++)
			free(dom[i].file);
		free(dom);
		c->ne = ne0;
		return d->oom ? -ENOMEM : -EINVAL;
	}
	if (nd) {
		memcpy(c->dom + c->nd, dom, nd * sizeof(*dom));
		c->nd += nd;
		qsort(c->dom, c->nd, sizeof(*c->dom), cmp_domain);
	}
	free(dom);
	return 0;
}

const char *cloud_label(const struct cg_cloud *c, const char *name, const char **ret_vendor)
{
	char buf[CG_DNS_NAME_MAX];
	size_t len = 0;

	if (ret_vendor)
		*ret_vendor = NULL;
	if (!c || !name || !c->nd)
		return NULL;
	for (; name[len] && len + 1 < sizeof(buf); len++)
		buf[len] = (char)(name[len] >= 'A' && name[len] <= 'Z' ? name[len] - 'A' + 'a' : name[len]);
	if (name[len])
		return NULL;          /* longer than any name */
	buf[len] = 0;
	if (len && buf[len - 1] == '.')
		buf[--len] = 0;
	for (const char *p = buf; p && *p; p = strchr(p, '.'), p = p ? p + 1 : NULL) {
		const struct domain *hit = find(c->dom, c->nd, p);
		if (hit) {
			if (ret_vendor)
				*ret_vendor = c->e[hit->entry].vendor;
			return c->e[hit->entry].label;
		}
	}
	return NULL;
}

/* See cloud.h. */
int cloud_load_beside(const char *conf_path, struct cg_cloud **ret, size_t *ret_files,
		      struct cg_diag *d)
{
	char dir[CG_PATH_MAX], path[CG_PATH_MAX + 32];
	const char *slash = strrchr(conf_path, '/');
	glob_t g = { 0 };
	size_t files = 0, errors = diag_errors(d);   /* d may hold others' already */
	int rc = 0;

	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - conf_path) : 1, slash ? conf_path : ".");
	struct cg_cloud *c = cloud_new();
	if (!c)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/cloud-domains.conf", dir);
	if (access(path, F_OK) == 0) {
		files++;
		rc = cloud_add_file(c, path, d);
	}
	snprintf(path, sizeof(path), "%s/cloud-domains.d/*.conf", dir);
	if (rc != -ENOMEM && glob(path, 0, NULL, &g) == 0)
		for (size_t i = 0; i < g.gl_pathc && rc != -ENOMEM; i++, files++)
			rc = cloud_add_file(c, g.gl_pathv[i], d);
	globfree(&g);
	if (rc == -ENOMEM || d->oom) {
		cloud_free(c);
		return -ENOMEM;
	}
	*ret = c;
	*ret_files = files;
	return diag_errors(d) > errors ? -EINVAL : 0;
}

/* See cloud.h. */
int cloud_check(const char *conf_path, struct cg_diag *d, char *summary, size_t len)
{
	struct cg_cloud *c = NULL;
	size_t files = 0;
	int rc = cloud_load_beside(conf_path, &c, &files, d);

	if (rc == 0)
		snprintf(summary, len, "cloud domains: %zu from %zu file%s", cloud_count(c), files,
			 files == 1 ? "" : "s");
	cloud_free(c);
	return rc;
}
