/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check.c — owns `camguardd --check`: the report of a load and the host
 * checks. See check.h. Output is for humans; one line per fact so that
 * it also greps well. Errors and warnings come first, then the summary
 * (only when the load succeeded), then the verdict line.
 */
#include <errno.h>
#include <grp.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/statfs.h>
#include <linux/magic.h>

#include "advisory.h"
#include "check.h"
#include "names.h"
#include "load.h"
#include "policy.h"
#include "registry.h"
#include "syntax.h"

void check_print_summary(const struct cg_model *m, FILE *out)
{
	const struct cg_config *c = &m->config;
	char buf[64];

	fprintf(out, "config: %s\n", c->path);
	fprintf(out, "interfaces:");
	for (size_t i = 0; i < c->nifaces; i++)
		fprintf(out, " %s (%s)", c->ifaces[i].name, c->ifaces[i].mode == CG_IFMODE_XDP ? "xdp" : "tc");
	fprintf(out, "\nenclave:");
	for (size_t i = 0; i < c->nenclave; i++) {
		addr_format_prefix(&c->enclave[i], buf, sizeof(buf));
		fprintf(out, "%s %s", i ? "," : "", buf);
	}
	fprintf(out, "\n");
	fprintf(out, "nftables: %s, on_exit: %s, max_devices: %u\n", c->nftables ? "yes" : "no",
		c->on_exit == CG_ON_EXIT_UNLOAD ? "unload" : "keep", c->max_devices);
	if (c->enforce == CG_ENFORCE_MONITOR)
		fprintf(out, "enforce: monitor (roll-out): isolate policies below act as monitor, "
			"count what they would drop and drop none of it (deny lists still drop)\n");
	if (m->registry_read)
		fprintf(out, "registry: %s (%s), %zu assignments read\n", m->registry_used,
			m->registry_date, m->registry_entries);
	else
		fprintf(out, "registry: %s (%s), not read: no policy names vendors\n",
			m->registry_used[0] ? m->registry_used : "-", m->registry_date[0] ? m->registry_date : "-");
	size_t kev = 0;
	for (size_t i = 0; i < m->nadvisories; i++)
		kev += m->advisories[i].kev;
	fprintf(out, "advisories: %zu entries (%zu on CISA KEV) from %s%s\n", m->nadvisories, kev,
		c->advisories[0] ? c->advisories : "(none: advisories = \"\")",
		c->advisories[0] ? " and advisories.d/" : "");
	fprintf(out, "policy_dir: %s\n", c->policy_dir);
	fprintf(out, "default policy: %s\n", c->default_policy);
	fprintf(out, "policies: %zu\n", m->npolicies);
	for (size_t i = 0; i < m->npolicies; i++) {
		const struct cg_policy_spec *p = &m->policies[i];
		size_t nvend = 0;

		for (size_t j = 0; j < p->nouis; j++)
			nvend += p->ouis[j].vendor >= 0;
		fprintf(out, "  %-16s id %-2u %-8s prefixes %zu (%zu listed, %zu from %zu vendor names), devices %zu, rules %zu, deny %zu prefixes from %zu lists%s  [%s]\n",
			p->name, p->id, cg_action_to_string(model_policy_action(c, p->action)), p->nouis, p->nouis - nvend, nvend,
			p->nvendors, p->ndevices, p->nrules, p->ndeny, p->ndeny_lists,
			i == m->default_index ? " (default)" : "", p->origin.file);
		if (p->vulnerable || p->nadvisories) {
			fprintf(out, "  %-16s takes devices affected by", "");
			if (p->vulnerable)
				fprintf(out, " any advisory");
			for (size_t j = 0; j < p->nadvisories; j++)
				fprintf(out, "%s %s", j || p->vulnerable ? "," : "", p->advisories[j]);
			fprintf(out, " (exact or likely)\n");
		}
	}
}

/* Is path, or else the nearest existing directory above it, on a bpffs? */
static bool on_bpffs(const char *path)
{
	char buf[CG_PATH_MAX];
	struct statfs st;

	snprintf(buf, sizeof(buf), "%s", path);
	for (;;) {
		if (statfs(buf, &st) == 0)
			return st.f_type == BPF_FS_MAGIC;
		char *slash = strrchr(buf, '/');
		if (!slash || slash == buf)
			return false;
		*slash = '\0';
	}
}

void check_host(const struct cg_model *m, struct cg_diag *d)
{
	const struct cg_config *c = &m->config;
	char dir[CG_PATH_MAX], date[32], csv[CG_PATH_MAX + 16];

	for (size_t i = 0; i < c->nifaces; i++)
		if (!if_nametoindex(c->ifaces[i].name))
			diag_warning(d, c->ifaces[i].origin.file, c->ifaces[i].origin.line,
				     "interface %s does not exist on this host (yet): camguardd attaches to it when it appears",
				     c->ifaces[i].name);
	if (c->control_group[0] && !getgrnam(c->control_group))
		diag_warning(d, c->path, 0,
			     "control group %s does not exist: the control socket will be root only "
			     "(meson install creates it with systemd-sysusers; or groupadd --system %s)",
			     c->control_group, c->control_group);
	if (!on_bpffs(c->pin_dir))
		diag_warning(d, c->path, 0,
			     "pin_dir %s is not on a bpffs: the unit mounts one before start "
			     "(ExecStartPre=+camguardd --mount-bpffs), a daemon started by hand mounts its own",
			     c->pin_dir);
	if (!m->registry_read) {
		/* Fills dir even when oui.csv is missing there. */
		registry_locate(c->oui_registry, dir, sizeof(dir), date, sizeof(date));
		snprintf(csv, sizeof(csv), "%s/oui.csv", dir);
		if (access(csv, R_OK) != 0)
			diag_warning(d, c->path, 0,
				     "OUI registry %s is not readable: devices are shown without vendor names "
				     "(install ieee-data or set oui_registry)", csv);
	}
}

int check_main(const char *conf_path, FILE *out)
{
	return check_main_with(conf_path, out, NULL);
}

int check_main_with(const char *conf_path, FILE *out, cg_check_extra_fn extra)
{
	struct cg_model m;
	struct cg_diag d;
	char extra_line[256] = "";
	int r;

	if (!conf_path)
		conf_path = CG_DEFAULT_CONF;
	diag_init(&d);
	r = model_load(conf_path, &m, &d);
	if (r == 0)
		check_host(&m, &d);
	/* Even when the model failed: every error of the run in one report. */
	if (extra && extra(conf_path, &d, extra_line, sizeof(extra_line)) && r == 0)
		r = -EINVAL;
	diag_print(&d, out);
	if (r == 0) {
		check_print_summary(&m, out);
		if (extra_line[0])
			fprintf(out, "%s\n", extra_line);
	}
	if (r == 0)
		fprintf(out, "OK: %s is valid (%zu warning%s)\n", conf_path, diag_warnings(&d),
			diag_warnings(&d) == 1 ? "" : "s");
	else
		fprintf(out, "FAILED: %s: %zu error%s, %zu warning%s\n", conf_path, diag_errors(&d),
			diag_errors(&d) == 1 ? "" : "s", diag_warnings(&d), diag_warnings(&d) == 1 ? "" : "s");
	model_free(&m);
	diag_free(&d);
	return r == 0 ? 0 : 1;
}
