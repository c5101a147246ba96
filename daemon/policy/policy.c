/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * policy.c — owns one policies.d/NAME.conf file: its top-level keys (name,
 * action, labels) and the order in which the parts are read. The parts have
 * their own modules: match.c (match { }), rules.c (allow), listfile.c
 * (deny_lists, devices_file); what needs every policy at once is
 * crosscheck.c. See policy.h.
 */
#include <errno.h>
#include <string.h>

#include "cfgfile.h"
#include "cleanup.h"
#include "listfile.h"
#include "match.h"
#include "names.h"
#include "policy.h"
#include "rules.h"
#include "syntax.h"

static const char *const top_keys[] = { "name", "action", "match", "allow", "deny_lists", "labels",
					 "devices_file", NULL };

/* ---- labels ---------------------------------------------------------------- */

/* Label names camguard's own series carry, and those Prometheus adds at
 * scrape time: a policy label of that name would collide with them. */
static const char *const reserved_labels[] = {
	"mac", "vendor", "policy", "model", "firmware", "mismatch", "direction", "verdict",
	"reason", "interface", "hook", "kind", "result", "sha256", "mode", "version",
	"instance", "job", "site", "host", NULL
};

/* labels = { risk = "high"; owner = "facilities"; }: exported on the
 * device series (camguard_device_info) so that alerts can select by them. */
static void parse_labels(const config_setting_t *root, struct cg_policy_spec *p, const char *file,
			 struct cg_diag *d)
{
	config_setting_t *g;
	int n;

	if (cfg_get_group(root, "", "labels", file, d, &g) < 0)
		return;
	n = config_setting_length(g);
	if (n > CG_MAX_POLICY_LABELS) {
		diag_error(d, file, cfg_line(g), "too many labels (%d, max %d)", n, CG_MAX_POLICY_LABELS);
		return;
	}
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(g, (unsigned)i);
		const char *key = config_setting_name(e), *val;
		char kn[64];
		bool ok = true;

		snprintf(kn, sizeof(kn), "labels.%s", key);
		if (strlen(key) >= CG_LABEL_KEY_MAX || !syntax_valid_label_name(key)) {
			diag_error(d, file, cfg_line(e), "'%s': invalid label name (1-%d characters of a-z, A-Z, 0-9, '_'; not starting with a digit or \"__\")",
				   kn, CG_LABEL_KEY_MAX - 1);
			continue;
		}
		for (const char *const *r = reserved_labels; *r; r++)
			if (!strcmp(key, *r)) {
				diag_error(d, file, cfg_line(e), "'%s': label name '%s' is used by camguard's own series or by Prometheus",
					   kn, key);
				ok = false;
			}
		if (!ok)
			continue;
		if (config_setting_type(e) != CONFIG_TYPE_STRING) {
			diag_error(d, file, cfg_line(e), "'%s' must be a string", kn);
			continue;
		}
		val = config_setting_get_string(e);
		if (cfg_check_string(val, kn, cfg_line(e), CG_LABEL_VALUE_MAX - 1, file, d) < 0)
			continue;
		snprintf(p->labels[p->nlabels].key, CG_LABEL_KEY_MAX, "%s", key);
		snprintf(p->labels[p->nlabels].value, CG_LABEL_VALUE_MAX, "%s", val);
		p->nlabels++;
	}
}

/* ---- name and action ---------------------------------------------------------- */

/* name = "hikvision": required, and expected to match the file name. true
 * when p has a valid name. */
static bool parse_name(const config_setting_t *root, struct cg_policy_spec *p, const char *file,
		       struct cg_diag *d)
{
	const char *base;
	char buf[256];
	int line = 0, r;
	size_t bl;

	r = cfg_get_string(root, "", "name", file, d, buf, sizeof(buf), &line);
	if (r == -ENOENT)
		diag_error(d, file, 0, "missing required key 'name'");
	else if (r == 0 && !syntax_valid_name(buf))
		diag_error(d, file, line, "'name': invalid policy name \"%s\" (1-%d characters of a-z, 0-9, '_', '-')",
			   buf, CG_NAME_MAX - 1);
	if (r < 0 || !syntax_valid_name(buf))
		return false;
	memcpy(p->name, buf, strlen(buf) + 1);   /* valid names fit */
	p->origin.line = line;
	base = strrchr(file, '/');
	base = base ? base + 1 : file;
	bl = strlen(base);
	if (bl < 5 || strncmp(base, p->name, bl - 5) || strlen(p->name) != bl - 5)
		diag_warning(d, file, line, "policy '%s' is in a file named '%s' (expected %s.conf)",
			     p->name, base, p->name);
	return true;
}

static void parse_action(const config_setting_t *root, struct cg_policy_spec *p, const char *file,
			 struct cg_diag *d)
{
	char buf[256];
	int line = 0, a;

	p->action = CG_ACTION_ISOLATE;
	if (cfg_get_string(root, "", "action", file, d, buf, sizeof(buf), &line) < 0)
		return;
	a = cg_action_from_string(buf);
	if (a < 0)
		diag_error(d, file, line, "'action': invalid value \"%s\" (expected \"isolate\", \"monitor\" or \"allow\")",
			   buf);
	else
		p->action = (uint8_t)a;
}

/* ---- one file --------------------------------------------------------------- */

int policy_parse_file(const char *path, struct cg_model *m, struct cg_diag *d)
{
	_cleanup_(cfgfile_close) struct cfgfile f;
	struct cg_policy_spec p = { 0 };
	config_setting_t *root, *match;
	size_t errs = diag_errors(d);
	const char *file;
	bool named;
	int r;

	r = cfgfile_open_model(&f, m, path, d, &file);
	if (r < 0)
		return r == -ENOMEM ? r : -EINVAL;
	root = config_root_setting(&f.cf);
	p.origin = (struct cg_origin){ .file = file, .line = 0 };
	cfg_check_keys(root, "", top_keys, file, d);

	named = parse_name(root, &p, file, d);
	parse_action(root, &p, file, d);
	/* Every part is read even after an error in another: one run reports
	 * every problem. Allocation failure is d->oom, checked once below. */
	if (cfg_get_group(root, "", "match", file, d, &match) == 0)
		match_parse(match, &p, file, d);
	listfile_parse_devices_file(m, root, &p, file, d);
	rules_parse(root, &p, file, d);
	listfile_parse_deny_lists(m, root, &p, file, d);
	parse_labels(root, &p, file, d);
	/* The libconfig tree (100,000 settings for as many devices) is freed
	 * before the model grows, not at the end of the scope: the heap then
	 * looks as it always did, and the next big file parses as fast. */
	cfgfile_close(&f);

	if (d->oom || !named) {
		model_policy_free(&p);
		return d->oom ? -ENOMEM : -EINVAL;
	}
	if (model_array_grow((void **)&m->policies, m->npolicies, sizeof(*m->policies)) < 0) {
		model_policy_free(&p);
		d->oom = true;
		return -ENOMEM;
	}
	m->policies[m->npolicies++] = p;
	return diag_errors(d) > errs ? -EINVAL : 0;
}
