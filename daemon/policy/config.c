/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * config.c — owns camguard.conf: its keys, their checks and defaults, into
 * struct cg_config. See config.h.
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "cfgfile.h"
#include "cleanup.h"
#include "config.h"
#include "names.h"
#include "syntax.h"

static const char *const top_keys[] = {
	"interfaces", "enclave", "default_policy", "policy_dir", "nftables", "on_exit",
	"control", "pin_dir", "state_dir", "oui_registry", "max_devices", "metrics", "advisories",
	"discovery", "evidence", "enforce", NULL
};
static const char *const iface_keys[] = { "name", "mode", NULL };
static const char *const control_keys[] = { "socket", "group", NULL };
static const char *const metrics_keys[] = { "textfile", "interval", "max_devices", NULL };
static const char *const discovery_keys[] = { "probe_interval", NULL };
static const char *const evidence_keys[] = { "max_flows", NULL };

/* "off", or a duration (syntax_parse_duration: "90s", "30m", "2h", "1d")
 * from one minute (a probe round asks every camera to answer) to 7 days.
 * Seconds, 0 for off; -EINVAL otherwise. */
static long parse_interval(const char *s)
{
	int64_t v;

	if (!strcmp(s, "off"))
		return 0;
	if (syntax_parse_duration(s, &v) < 0 || v < 60 || v > 7 * 86400)
		return -EINVAL;
	return (long)v;
}

void config_defaults(struct cg_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->default_policy, sizeof(c->default_policy), "%s", CG_DEFAULT_POLICY);
	snprintf(c->policy_dir, sizeof(c->policy_dir), "%s", CG_DEFAULT_POLICY_DIR);
	c->nftables = true;
	c->on_exit = CG_ON_EXIT_KEEP;
	snprintf(c->control_socket, sizeof(c->control_socket), "%s", CG_DEFAULT_SOCKET);
	snprintf(c->control_group, sizeof(c->control_group), "%s", CG_DEFAULT_GROUP);
	snprintf(c->pin_dir, sizeof(c->pin_dir), "%s", CG_DEFAULT_PIN_DIR);
	snprintf(c->state_dir, sizeof(c->state_dir), "%s", CG_DEFAULT_STATE_DIR);
	c->oui_registry[0] = 0;  /* empty: registry_locate() picks */
	c->max_devices = CG_DEV_STATS_DEFAULT;
	c->metrics_interval = CG_METRICS_INTERVAL_DEFAULT;
	c->metrics_max_devices = CG_METRICS_MAX_DEVICES_DEFAULT;
	c->evidence_max_flows = CG_FLOWS_DEFAULT;
	c->enforce = CG_ENFORCE_POLICY;
}

int config_resolve_path(const char *base, const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(base, '/');
	int n;

	if (path[0] == '/' || !slash)
		n = snprintf(buf, size, "%s", path);
	else
		n = snprintf(buf, size, "%.*s/%s", (int)(slash - base), base, path);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static bool valid_ifname(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= IFNAMSIZ || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || *s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

static void parse_interfaces(const config_setting_t *root, struct cg_config *c, const char *file,
			     struct cg_diag *d)
{
	config_setting_t *list;
	int n, r;

	r = cfg_get_group_list(root, "", "interfaces", file, d, &list);
	if (r == -ENOENT) {
		diag_error(d, file, 0, "missing required key 'interfaces'");
		return;
	}
	if (r < 0)
		return;
	n = config_setting_length(list);
	if (n == 0) {
		diag_error(d, file, cfg_line(list), "'interfaces' is empty: at least one camera-facing interface is required");
		return;
	}
	if (n > CG_MAX_IFACES) {
		diag_error(d, file, cfg_line(list), "too many interfaces (%d, max %d)", n, CG_MAX_IFACES);
		return;
	}
	c->ifaces = calloc((size_t)n, sizeof(*c->ifaces));
	if (!c->ifaces) {
		d->oom = true;
		return;
	}
	for (int i = 0; i < n; i++) {
		config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
		struct cg_iface_spec *it = &c->ifaces[c->nifaces];
		char ctx[64], name[256] = "", mode[16] = "tc";
		int line = cfg_line(g), mline = line;
		bool ok = true;

		snprintf(ctx, sizeof(ctx), "interfaces[%d]", i);
		cfg_check_keys(g, ctx, iface_keys, file, d);
		r = cfg_get_string(g, ctx, "name", file, d, name, sizeof(name), &line);
		if (r == -ENOENT) {
			diag_error(d, file, cfg_line(g), "'%s' has no 'name'", ctx);
			ok = false;
		} else if (r < 0) {
			ok = false;
		} else if (!valid_ifname(name)) {
			diag_error(d, file, line, "'%s.name': invalid interface name \"%s\" (1-%d characters, no '/', ':' or spaces)",
				   ctx, name, IFNAMSIZ - 1);
			ok = false;
		}
		r = cfg_get_string(g, ctx, "mode", file, d, mode, sizeof(mode), &mline);
		if (r == -EINVAL) {
			ok = false;
		} else if (strcmp(mode, "tc") && strcmp(mode, "xdp")) {
			diag_error(d, file, mline, "'%s.mode': invalid value \"%s\" (expected \"tc\" or \"xdp\")",
				   ctx, mode);
			ok = false;
		}
		if (!ok)
			continue;
		for (size_t j = 0; j < c->nifaces; j++)
			if (!strcmp(c->ifaces[j].name, name)) {
				diag_error(d, file, line, "interface '%s' listed twice (first at line %d)", name,
					   c->ifaces[j].origin.line);
				ok = false;
				break;
			}
		if (!ok)
			continue;
		/* valid_ifname: shorter than IFNAMSIZ */
		snprintf(it->name, sizeof(it->name), "%.*s", (int)sizeof(it->name) - 1, name);
		it->mode = strcmp(mode, "xdp") ? CG_IFMODE_TC : CG_IFMODE_XDP;
		it->origin.file = file;
		it->origin.line = line;
		c->nifaces++;
	}
}

static void parse_enclave(const config_setting_t *root, struct cg_config *c, const char *file,
			  struct cg_diag *d)
{
	config_setting_t *list;
	int n, r;

	r = cfg_get_string_list(root, "", "enclave", file, d, &list);
	if (r == -ENOENT) {
		diag_error(d, file, 0, "missing required key 'enclave'");
		return;
	}
	if (r < 0)
		return;
	n = config_setting_length(list);
	if (n == 0) {
		diag_error(d, file, cfg_line(list), "'enclave' is empty: at least one prefix is required");
		return;
	}
	if (n > CG_MAX_ENCLAVE) {
		diag_error(d, file, cfg_line(list), "too many enclave prefixes (%d, max %d)", n, CG_MAX_ENCLAVE);
		return;
	}
	c->enclave = calloc((size_t)n, sizeof(*c->enclave));
	if (!c->enclave) {
		d->oom = true;
		return;
	}
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
		const char *s = config_setting_get_string(e);
		struct cg_prefix p;
		char kn[32];
		bool dup = false;

		snprintf(kn, sizeof(kn), "enclave[%d]", i);
		if (cfg_check_string(s, kn, cfg_line(e), 64, file, d) < 0)
			continue;
		r = addr_parse_prefix(s, &p);
		if (r < 0) {
			cfg_prefix_error(d, file, cfg_line(e), kn, s, r, &p);
			continue;
		}
		for (size_t j = 0; j < c->nenclave; j++)
			dup |= !memcmp(&c->enclave[j], &p, sizeof(p));
		if (dup) {
			diag_warning(d, file, cfg_line(e), "'%s': prefix %s listed twice", kn, s);
			continue;
		}
		c->enclave[c->nenclave++] = p;
	}
}

static void parse_path(const config_setting_t *g, const char *ctx, const char *key, bool absolute,
		       const char *file, struct cg_diag *d, char *out, size_t size)
{
	char v[CG_PATH_MAX];
	char kn[64];
	int line = 0;

	if (cfg_get_string(g, ctx, key, file, d, v, sizeof(v), &line) < 0)
		return;
	cfg_keyname(kn, sizeof(kn), ctx, key);
	if (!v[0]) {
		diag_error(d, file, line, "'%s' is empty", kn);
		return;
	}
	if (absolute && v[0] != '/') {
		diag_error(d, file, line, "'%s' must be an absolute path, not \"%s\"", kn, v);
		return;
	}
	if (config_resolve_path(file, v, out, size) < 0)
		diag_error(d, file, line, "'%s' is too long", kn);
}

/* metrics = { textfile = "/var/lib/prometheus/node-exporter/camguard.prom";
 *             interval = "30s"; max_devices = 4096; } */
static void parse_metrics(const config_setting_t *root, struct cg_config *c, const char *file,
			  struct cg_diag *d)
{
	config_setting_t *g;
	char buf[32];
	long long v;
	int line = 0;

	if (cfg_get_group(root, "", "metrics", file, d, &g) < 0)
		return;
	cfg_check_keys(g, "metrics", metrics_keys, file, d);
	parse_path(g, "metrics", "textfile", true, file, d, c->metrics_textfile,
		   sizeof(c->metrics_textfile));
	if (cfg_get_string(g, "metrics", "interval", file, d, buf, sizeof(buf), &line) == 0) {
		int64_t s;
		if (syntax_parse_duration(buf, &s) < 0 || s < 1 || s > 86400)
			diag_error(d, file, line, "'metrics.interval': invalid duration \"%s\" (1s to 24h, e.g. \"30s\", \"5m\")",
				   buf);
		else
			c->metrics_interval = (uint32_t)s;
	}
	if (cfg_get_int(g, "metrics", "max_devices", file, d, 0, CG_MAX_DEV_STATS, &v, NULL) == 0)
		c->metrics_max_devices = (uint32_t)v;
}

/* control = { socket = "/run/camguard/camguard.sock"; group = "camguard"; } */
static void parse_control(const config_setting_t *root, struct cg_config *c, const char *file,
			  struct cg_diag *d)
{
	config_setting_t *ctl;
	char buf[64];
	int line = 0;

	if (cfg_get_group(root, "", "control", file, d, &ctl) < 0)
		return;
	cfg_check_keys(ctl, "control", control_keys, file, d);
	parse_path(ctl, "control", "socket", true, file, d, c->control_socket,
		   sizeof(c->control_socket));
	if (cfg_get_string(ctl, "control", "group", file, d, buf, sizeof(buf), &line) < 0)
		return;
	if (!buf[0] || strchr(buf, ':') || strchr(buf, ' ') || strchr(buf, '\n'))
		diag_error(d, file, line, "'control.group': invalid group name \"%s\"", buf);
	else
		snprintf(c->control_group, sizeof(c->control_group), "%s", buf);
}

/* advisories: a file (relative to this one), "" for none; by default
 * advisories.conf beside camguard.conf, read only if it exists. */
static void parse_advisories(const config_setting_t *root, struct cg_config *c, const char *file,
			     struct cg_diag *d)
{
	char adv[CG_PATH_MAX];
	int line = 0, r = cfg_get_string(root, "", "advisories", file, d, adv, sizeof(adv), &line);

	c->advisories_set = r == 0;
	if (r == -ENOENT)
		snprintf(adv, sizeof(adv), "%s", CG_DEFAULT_ADVISORIES);
	if (r == 0 && !adv[0])
		c->advisories[0] = 0;
	else if (r != -EINVAL && config_resolve_path(file, adv, c->advisories, sizeof(c->advisories)) < 0)
		diag_error(d, file, line, "'advisories' is too long");
}

/* discovery = { probe_interval = "30m"; } */
static void parse_discovery(const config_setting_t *root, struct cg_config *c, const char *file,
			    struct cg_diag *d)
{
	config_setting_t *disc;
	char buf[64];
	int line = 0;
	long iv;

	if (cfg_get_group(root, "", "discovery", file, d, &disc) < 0)
		return;
	cfg_check_keys(disc, "discovery", discovery_keys, file, d);
	if (cfg_get_string(disc, "discovery", "probe_interval", file, d, buf, sizeof(buf), &line) < 0)
		return;
	iv = parse_interval(buf);
	if (iv < 0)
		diag_error(d, file, line, "'discovery.probe_interval': invalid value \"%s\" (expected \"off\" or 1m to 7d, e.g. \"30m\", \"2h\")", buf);
	else
		c->probe_interval_s = (uint32_t)iv;
}

/* evidence = { max_flows = N; }: the size of the denied-flow table. */
static void parse_evidence(config_setting_t *root, struct cg_config *c, const char *file,
			   struct cg_diag *d)
{
	config_setting_t *ev;
	long long v;

	if (cfg_get_group(root, "", "evidence", file, d, &ev) == 0) {
		cfg_check_keys(ev, "evidence", evidence_keys, file, d);
		if (cfg_get_int(ev, "evidence", "max_flows", file, d, 16, CG_MAX_FLOWS, &v, NULL) == 0)
			c->evidence_max_flows = (uint32_t)v;
	}
}

int config_parse(const char *path, struct cg_model *m, struct cg_diag *d)
{
	struct cg_config *c = &m->config;
	_cleanup_(cfgfile_close) struct cfgfile f;
	config_setting_t *root;
	const char *file;
	char buf[64];
	bool b;
	long long v;
	int line = 0, r;
	size_t errs = diag_errors(d);

	config_defaults(c);
	snprintf(c->path, sizeof(c->path), "%s", path);
	r = cfgfile_open_model(&f, m, path, d, &file);
	if (r < 0)
		return r == -ENOMEM ? r : -EBADMSG;
	root = config_root_setting(&f.cf);
	cfg_check_keys(root, "", top_keys, file, d);

	parse_interfaces(root, c, file, d);
	parse_enclave(root, c, file, d);

	r = cfg_get_string(root, "", "default_policy", file, d, buf, sizeof(buf), &line);
	if (r == 0) {
		if (!syntax_valid_name(buf))
			diag_error(d, file, line, "'default_policy': invalid policy name \"%s\" (1-%d characters of a-z, 0-9, '_', '-')",
				   buf, CG_NAME_MAX - 1);
		else
			snprintf(c->default_policy, sizeof(c->default_policy), "%s", buf);
		c->default_policy_line = line;
	}
	parse_path(root, "", "policy_dir", false, file, d, c->policy_dir, sizeof(c->policy_dir));
	parse_path(root, "", "oui_registry", false, file, d, c->oui_registry, sizeof(c->oui_registry));
	parse_path(root, "", "pin_dir", true, file, d, c->pin_dir, sizeof(c->pin_dir));
	parse_path(root, "", "state_dir", true, file, d, c->state_dir, sizeof(c->state_dir));

	if (cfg_get_bool(root, "", "nftables", file, d, &b, NULL) == 0)
		c->nftables = b;

	r = cfg_get_string(root, "", "on_exit", file, d, buf, sizeof(buf), &line);
	if (r == 0) {
		if (!strcmp(buf, "keep"))
			c->on_exit = CG_ON_EXIT_KEEP;
		else if (!strcmp(buf, "unload"))
			c->on_exit = CG_ON_EXIT_UNLOAD;
		else
			diag_error(d, file, line, "'on_exit': invalid value \"%s\" (expected \"keep\" or \"unload\")", buf);
	}

	/* enforce = "monitor": the roll-out switch (names.h, model_policy_action) */
	r = cfg_get_string(root, "", "enforce", file, d, buf, sizeof(buf), &line);
	if (r == 0) {
		int e = cg_enforce_from_string(buf);

		if (e < 0)
			diag_error(d, file, line, "'enforce': invalid value \"%s\" (expected \"policy\" or \"monitor\")",
				   buf);
		else
			c->enforce = (uint8_t)e;
	}

	parse_control(root, c, file, d);

	if (cfg_get_int(root, "", "max_devices", file, d, 1024, CG_MAX_DEV_STATS, &v, NULL) == 0)
		c->max_devices = (uint32_t)v;
	parse_metrics(root, c, file, d);

	parse_advisories(root, c, file, d);
	parse_discovery(root, c, file, d);
	parse_evidence(root, c, file, d);

	if (d->oom)
		return -ENOMEM;
	return diag_errors(d) > errs ? -EINVAL : 0;
}
