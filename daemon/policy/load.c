/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * load.c — the whole-load driver (load.h): camguard.conf, then every
 * policies.d/NAME.conf in name order, then the registry (once, and only if
 * some policy names vendors), the advisories, then the checks that need
 * everything. Errors never stop the load early (except allocation failure),
 * so one run reports every problem. It sits above the parsers and the model:
 * nothing below includes load.h.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "advisory.h"
#include "cleanup.h"
#include "config.h"
#include "crosscheck.h"
#include "load.h"
#include "model.h"
#include "policy.h"
#include "registry.h"

#define CG_MAX_POLICY_FILES 1024

CG_DEFINE_CLEANUP(DIR, closedir)

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Every "*.conf" in dir (not hidden), sorted bytewise so that the load
 * order, and with it ids and messages, never depends on the locale or
 * the file system. */
static int list_policy_files(const char *dir, char ***ret, size_t *ret_n)
{
	_cleanup_(closedirp) DIR *dh = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;

	if (!dh)
		return -errno;
	while ((de = readdir(dh))) {
		size_t l = strlen(de->d_name);
		char *full;

		if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".conf"))
			continue;
		if (n >= CG_MAX_POLICY_FILES) {
			free_names(names, n);
			return -E2BIG;
		}
		if (model_array_grow((void **)&names, n, sizeof(*names)) < 0 ||
		    asprintf(&full, "%s/%s", dir, de->d_name) < 0) {
			free_names(names, n);
			return -ENOMEM;
		}
		names[n++] = full;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	*ret = names;
	*ret_n = n;
	return 0;
}

static int load_registry(struct cg_model *m, struct cg_diag *d)
{
	const struct cg_origin *who = NULL;
	struct cg_registry reg;
	int r;

	for (size_t i = 0; i < m->npolicies && !who; i++)
		if (m->policies[i].nvendors)
			who = &m->policies[i].vendor_origins[0];

	r = registry_locate(m->config.oui_registry, m->registry_used, sizeof(m->registry_used),
			    m->registry_date, sizeof(m->registry_date));
	if (!who)
		return 0;   /* nothing to resolve: the directory is only reported */
	if (r < 0) {
		diag_error(d, who->file, who->line,
			   "vendors need the OUI registry, but %s/oui.csv does not exist (install ieee-data or set oui_registry)",
			   m->registry_used);
		return 0;
	}
	r = registry_load(m->registry_used, &reg, who->file, who->line, d);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return 0;
	m->registry_read = true;
	m->registry_entries = reg.n;
	r = crosscheck_resolve_vendors(m, &reg, d);
	registry_free(&reg);
	return r == -ENOMEM ? r : 0;
}

/*
 * The advisory file named by camguard.conf (default: advisories.conf beside
 * it; read only if it exists unless the key was given), then every
 * advisories.d/ *.conf beside that file in name order. Then each policy's
 * match.advisory ids must name a loaded advisory.
 */
static int load_advisories(struct cg_model *m, struct cg_diag *d)
{
	const struct cg_config *c = &m->config;
	char dir[CG_PATH_MAX + 16], **names = NULL;
	size_t nnames = 0;
	int r;

	if (c->advisories[0]) {
		bool exists = access(c->advisories, F_OK) == 0;

		if (exists || c->advisories_set) {
			r = advisory_parse_file(c->advisories, m, d);
			if (r == -ENOMEM)
				return r;
		}
		const char *slash = strrchr(c->advisories, '/');
		snprintf(dir, sizeof(dir), "%.*s/advisories.d", slash ? (int)(slash - c->advisories) : 1,
			 slash ? c->advisories : ".");
		r = list_policy_files(dir, &names, &nnames);
		if (r == -ENOMEM)
			return r;
		if (r == -E2BIG)
			diag_error(d, dir, 0, "more than %d advisory files", CG_MAX_POLICY_FILES);
		for (size_t i = 0; i < nnames; i++) {
			r = advisory_parse_file(names[i], m, d);
			if (r == -ENOMEM) {
				free_names(names, nnames);
				return r;
			}
		}
		free_names(names, nnames);
	}
	for (size_t i = 0; i < m->npolicies; i++) {
		const struct cg_policy_spec *p = &m->policies[i];

		for (size_t j = 0; j < p->nadvisories; j++)
			if (advisory_find(m, p->advisories[j]) < 0)
				diag_error(d, p->advisory_origins[j].file, p->advisory_origins[j].line,
					   "'match.advisory': no advisory \"%s\" is loaded (%s%s)", p->advisories[j],
					   c->advisories[0] ? c->advisories : "advisories = \"\"",
					   c->advisories[0] ? " and advisories.d/" : "");
	}
	return 0;
}

/* Every policies.d/NAME.conf, in name order. 0 or -ENOMEM; everything else
 * is recorded in d. An unreadable camguard.conf leaves the directory unknown:
 * guessing the default could read another instance's policies. */
static int load_policies(struct cg_model *m, const char *conf_path, bool conf_broken,
			 struct cg_diag *d)
{
	char **names = NULL;
	size_t nnames = 0;
	int r = 0;

	if (!conf_broken)
		r = list_policy_files(m->config.policy_dir, &names, &nnames);
	if (r == -ENOMEM)
		return r;
	if (r == -E2BIG)
		diag_error(d, m->config.policy_dir, 0, "more than %d policy files", CG_MAX_POLICY_FILES);
	else if (r < 0)
		diag_error(d, m->files ? m->files[0] : conf_path, 0, "policy_dir \"%s\": %s",
			   m->config.policy_dir, strerror(-r));
	for (size_t i = 0; i < nnames && r != -ENOMEM; i++)
		r = policy_parse_file(names[i], m, d);
	free_names(names, nnames);
	return r == -ENOMEM ? r : 0;
}

/* default_policy must name a loaded policy; every other policy should
 * match something. */
static void check_default(struct cg_model *m, const char *conf_path, bool conf_broken,
			  struct cg_diag *d)
{
	int idx = model_find_policy(m, m->config.default_policy);

	if (idx < 0 && conf_broken)
		;   /* the default_policy key was never read: nothing to say */
	else if (idx < 0)
		diag_error(d, m->files ? m->files[0] : conf_path, m->config.default_policy_line,
			   "default_policy '%s' does not exist in %s", m->config.default_policy,
			   m->config.policy_dir);
	else
		m->default_index = (size_t)idx;
	for (size_t i = 0; i < m->npolicies; i++) {
		const struct cg_policy_spec *p = &m->policies[i];

		if ((int)i != idx && !p->nvendors && !p->nouis && !p->ndevices && !p->nadvisories &&
		    !p->vulnerable)
			diag_warning(d, p->origin.file, p->origin.line,
				     "policy '%s' matches no device (no vendors, oui or devices) and is not the default policy",
				     p->name);
	}
}

int model_load_opts(const char *conf_path, const struct cg_load_opts *opts,
		    struct cg_model *ret, struct cg_diag *d)
{
	struct cg_model m = { 0 };
	bool conf_broken;
	int r;

	memset(ret, 0, sizeof(*ret));
	r = config_parse(conf_path, &m, d);
	if (r == -ENOMEM)
		goto oom;
	conf_broken = r == -EBADMSG;
	if (opts && opts->policy_dir)
		snprintf(m.config.policy_dir, sizeof(m.config.policy_dir), "%s", opts->policy_dir);
	if (opts && opts->oui_registry)
		snprintf(m.config.oui_registry, sizeof(m.config.oui_registry), "%s", opts->oui_registry);

	if (load_policies(&m, conf_path, conf_broken && !(opts && opts->policy_dir), d) < 0 ||
	    load_registry(&m, d) < 0 || load_advisories(&m, d) < 0 ||
	    crosscheck_validate(&m, d) == -ENOMEM)
		goto oom;
	check_default(&m, conf_path, conf_broken, d);
	if (diag_errors(d) == 0 && model_assign_ids(&m, NULL) < 0)
		diag_error(d, conf_path, 0, "too many policies");
	if (d->oom)
		goto oom;
	if (diag_errors(d)) {
		model_free(&m);
		return -EINVAL;
	}
	*ret = m;
	return 0;
oom:
	model_free(&m);
	if (!d->oom)
		diag_error(d, conf_path, 0, "out of memory");
	return -ENOMEM;
}

int model_load(const char *conf_path, struct cg_model *ret, struct cg_diag *diag)
{
	return model_load_opts(conf_path, NULL, ret, diag);
}
