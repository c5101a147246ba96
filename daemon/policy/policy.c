/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * policy.c — policy files and cross-policy validation. See policy.h.
 *
 * Duplicate detection sorts flat arrays of (key, policy, index) instead of
 * hashing: O(n log n) for 100,000 devices, no extra data structure, and the
 * order of messages is deterministic.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "cfgfile.h"
#include "config.h"
#include "names.h"
#include "policy.h"
#include "syntax.h"

static const char *const top_keys[] = { "name", "action", "match", "allow", "deny_lists", "labels",
					 "devices_file", NULL };
static const char *const match_keys[] = { "vendors", "oui", "devices", "advisory", "vulnerable",
					  NULL };
static const char *const device_keys[] = { "mac", "note", NULL };
static const char *const rule_keys[] = { "to", "from", "proto", "ports", "note", NULL };

#define CG_VENDOR_MIN 3
#define CG_VENDOR_MAX 255

static void prefix_error(struct cg_diag *d, const char *file, int line, const char *kn,
			 const char *s, int r, const struct cg_prefix *p)
{
	if (r == -EDOM) {
		struct cg_prefix net = *p;
		char fmt[64];

		for (int bit = p->len; bit < (p->family == 4 ? 32 : 128); bit++)
			net.addr[bit / 8] &= (uint8_t)~(0x80 >> (bit % 8));
		addr_format_prefix(&net, fmt, sizeof(fmt));
		diag_error(d, file, line, "%s%sprefix \"%s\" has host bits set (network is %s)",
			   kn ? "'" : "", kn ? kn : "", s, fmt);
	} else {
		char hint[96];
		diag_error(d, file, line, "%s%s%sinvalid prefix \"%s\"%s", kn ? "'" : "", kn ? kn : "",
			   kn ? "': " : "", s, syntax_prefix_hint(s, hint, sizeof(hint)));
	}
}

/* ---- match ---------------------------------------------------------------- */

/* The length of a list setting, checked against its limit, and an array of
 * that many (+1) zeroed elements. NULL when over the limit (reported) or out
 * of memory (d->oom). */
static void *list_alloc(const config_setting_t *list, int max, size_t elem, const char *what,
			const char *file, struct cg_diag *d, int *ret_n)
{
	int n = config_setting_length(list);
	void *v;

	if (n > max) {
		diag_error(d, file, cfg_line(list), "too many %s (%d, max %d)", what, n, max);
		return NULL;
	}
	v = calloc((size_t)n + 1, elem);
	if (!v)
		d->oom = true;
	*ret_n = n;
	return v;
}

static void parse_vendors(const config_setting_t *match, struct cg_policy_spec *p,
			  const char *file, struct cg_diag *d)
{
	config_setting_t *list;
	int n;

	if (cfg_get_string_list(match, "match", "vendors", file, d, &list) < 0)
		return;
	n = config_setting_length(list);
	if (n > CG_MAX_POLICY_VENDORS) {
		diag_error(d, file, cfg_line(list), "too many vendors (%d, max %d)", n, CG_MAX_POLICY_VENDORS);
		return;
	}
	p->vendors = calloc((size_t)n + 1, sizeof(*p->vendors));
	p->vendor_origins = calloc((size_t)n + 1, sizeof(*p->vendor_origins));
	if (!p->vendors || !p->vendor_origins) {
		d->oom = true;
		return;
	}
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
		const char *s = config_setting_get_string(e);
		char kn[32];
		bool dup = false;

		snprintf(kn, sizeof(kn), "match.vendors[%d]", i);
		if (cfg_check_string(s, kn, cfg_line(e), CG_VENDOR_MAX, file, d) < 0)
			continue;
		if (strlen(s) < CG_VENDOR_MIN) {
			diag_error(d, file, cfg_line(e), "'%s': vendor name \"%s\" is too short to match safely (min %d characters)",
				   kn, s, CG_VENDOR_MIN);
			continue;
		}
		for (size_t j = 0; j < p->nvendors; j++)
			dup |= !strcasecmp(p->vendors[j], s);
		if (dup) {
			diag_warning(d, file, cfg_line(e), "'%s': vendor \"%s\" listed twice", kn, s);
			continue;
		}
		p->vendors[p->nvendors] = strdup(s);
		if (!p->vendors[p->nvendors]) {
			d->oom = true;
			return;
		}
		p->vendor_origins[p->nvendors] = (struct cg_origin){ .file = file, .line = cfg_line(e) };
		p->nvendors++;
	}
}

static void parse_ouis(const config_setting_t *match, struct cg_policy_spec *p, const char *file,
		       struct cg_diag *d)
{
	config_setting_t *list;
	int n;

	if (cfg_get_string_list(match, "match", "oui", file, d, &list) < 0)
		return;
	p->ouis = list_alloc(list, CG_MAX_OUIS, sizeof(*p->ouis), "OUI prefixes", file, d, &n);
	if (!p->ouis)
		return;
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
		const char *s = config_setting_get_string(e);
		struct cg_oui_spec *o = &p->ouis[p->nouis];
		char kn[32], fmt[16];

		snprintf(kn, sizeof(kn), "match.oui[%d]", i);
		if (cfg_check_string(s, kn, cfg_line(e), 32, file, d) < 0)
			continue;
		if (addr_parse_oui(s, o->bytes, &o->bits) < 0) {
			diag_error(d, file, cfg_line(e), "'%s': invalid OUI \"%s\" (expected 24, 28 or 36 bits: \"44:19:B6\", \"B0:B3:53:6\", \"70:B3:D5:F2:F\")",
				   kn, s);
			continue;
		}
		addr_format_oui(o->bytes, o->bits, fmt);
		if (o->bytes[0] & 0x02) {
			diag_error(d, file, cfg_line(e), "'%s': OUI %s is locally administered and never matches (list such MACs under devices)",
				   kn, fmt);
			continue;
		}
		if (o->bytes[0] & 0x01) {
			diag_error(d, file, cfg_line(e), "'%s': OUI %s is a group (multicast) address", kn, fmt);
			continue;
		}
		snprintf(o->source, sizeof(o->source), "policy");
		o->vendor = -1;
		o->origin = (struct cg_origin){ .file = file, .line = cfg_line(e) };
		p->nouis++;
	}
}

static void parse_devices(const config_setting_t *match, struct cg_policy_spec *p,
			  const char *file, struct cg_diag *d)
{
	config_setting_t *list;
	int n;

	if (cfg_get_group_list(match, "match", "devices", file, d, &list) < 0)
		return;
	p->devices = list_alloc(list, CG_MAX_DEVICES, sizeof(*p->devices), "devices", file, d, &n);
	if (!p->devices)
		return;
	for (int i = 0; i < n; i++) {
		config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
		struct cg_device_spec *dev = &p->devices[p->ndevices];
		char ctx[40], mac[32];
		int line = cfg_line(g), r;
		bool ok = true;

		snprintf(ctx, sizeof(ctx), "match.devices[%d]", i);
		cfg_check_keys(g, ctx, device_keys, file, d);
		r = cfg_get_string(g, ctx, "mac", file, d, mac, sizeof(mac), &line);
		if (r == -ENOENT) {
			diag_error(d, file, cfg_line(g), "'%s' has no 'mac'", ctx);
			ok = false;
		} else if (r < 0) {
			ok = false;
		} else if (addr_parse_mac(mac, dev->mac) < 0) {
			diag_error(d, file, line, "'%s.mac': invalid MAC address \"%s\" (expected \"44:19:b6:00:00:01\")",
				   ctx, mac);
			ok = false;
		} else if (dev->mac[0] & 0x01) {
			diag_error(d, file, line, "'%s.mac': %s is a group (multicast) address, not a device", ctx, mac);
			ok = false;
		} else if (!(dev->mac[0] | dev->mac[1] | dev->mac[2] | dev->mac[3] | dev->mac[4] | dev->mac[5])) {
			diag_error(d, file, line, "'%s.mac': the all-zero MAC is not a device", ctx);
			ok = false;
		}
		char note[CG_NOTE_MAX] = "";
		if (cfg_get_string(g, ctx, "note", file, d, note, sizeof(note), NULL) == -EINVAL)
			ok = false;
		if (!ok) {
			memset(dev, 0, sizeof(*dev));
			continue;
		}
		if (note[0] && !(dev->note = strdup(note))) {
			diag_error(d, file, line, "out of memory");
			memset(dev, 0, sizeof(*dev));
			continue;
		}
		dev->origin = (struct cg_origin){ .file = file, .line = line };
		p->ndevices++;
	}
}

/* match.advisory = [ "CVE-..." ] and match.vulnerable = true (issue 18).
 * Whether the ids exist is checked once the advisories are loaded
 * (advisory_check_policies in model.c). */
static void parse_advisory_match(const config_setting_t *match, struct cg_policy_spec *p,
				 const char *file, struct cg_diag *d)
{
	config_setting_t *list;
	int n, line = 0;
	bool b;

	if (cfg_get_bool(match, "match", "vulnerable", file, d, &b, &line) == 0) {
		p->vulnerable = b;
		p->vulnerable_origin = (struct cg_origin){ .file = file, .line = line };
	}
	if (cfg_get_string_list(match, "match", "advisory", file, d, &list) < 0)
		return;
	p->advisories = list_alloc(list, CG_MAX_POLICY_VENDORS, sizeof(*p->advisories), "advisories",
				   file, d, &n);
	if (!p->advisories)
		return;
	p->advisory_origins = calloc((size_t)n + 1, sizeof(*p->advisory_origins));
	if (!p->advisory_origins) {
		d->oom = true;
		return;
	}
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
		const char *s = config_setting_get_string(e);
		char kn[32];

		snprintf(kn, sizeof(kn), "match.advisory[%d]", i);
		if (cfg_check_string(s, kn, cfg_line(e), 32, file, d) < 0)
			continue;
		if (!(p->advisories[p->nadvisories] = strdup(s))) {
			d->oom = true;
			return;
		}
		p->advisory_origins[p->nadvisories++] = (struct cg_origin){ .file = file, .line = cfg_line(e) };
	}
}

/* ---- allow ---------------------------------------------------------------- */

static void parse_rules(const config_setting_t *root, struct cg_policy_spec *p, const char *file,
			struct cg_diag *d)
{
	config_setting_t *list;
	int n;

	if (cfg_get_group_list(root, "", "allow", file, d, &list) < 0)
		return;
	p->rules = list_alloc(list, CG_MAX_POLICY_RULES, sizeof(*p->rules), "allow rules", file, d, &n);
	if (!p->rules)
		return;
	for (int i = 0; i < n; i++) {
		config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
		struct cg_rule_spec *rule = &p->rules[p->nrules];
		char ctx[32], kn[48], to[80] = "", from[80] = "", proto[16] = "", ports[1024] = "";
		int line = cfg_line(g), tl = line, fl = line, pl = line, ptl = line;
		int rt, rf, rp, rpt, r;
		bool ok = true;
		const char *peer;

		memset(rule, 0, sizeof(*rule));
		snprintf(ctx, sizeof(ctx), "allow[%d]", i);
		cfg_check_keys(g, ctx, rule_keys, file, d);
		rt = cfg_get_string(g, ctx, "to", file, d, to, sizeof(to), &tl);
		rf = cfg_get_string(g, ctx, "from", file, d, from, sizeof(from), &fl);
		rp = cfg_get_string(g, ctx, "proto", file, d, proto, sizeof(proto), &pl);
		rpt = cfg_get_string(g, ctx, "ports", file, d, ports, sizeof(ports), &ptl);
		if (cfg_get_string(g, ctx, "note", file, d, rule->note, sizeof(rule->note), NULL) == -EINVAL)
			ok = false;
		if (rt == -EINVAL || rf == -EINVAL || rp == -EINVAL || rpt == -EINVAL)
			ok = false;
		if (rt == 0 && rf == 0) {
			diag_error(d, file, line, "'%s': give either 'to' or 'from', not both", ctx);
			ok = false;
		} else if (rt == -ENOENT && rf == -ENOENT) {
			diag_error(d, file, line, "'%s': needs 'to' (a flow the camera starts) or 'from' (a flow the peer starts)",
				   ctx);
			ok = false;
		}
		if (!ok)
			continue;

		rule->kind = rt == 0 ? CG_RULE_TO : CG_RULE_FROM;
		peer = rt == 0 ? to : from;
		snprintf(kn, sizeof(kn), "%s.%s", ctx, rt == 0 ? "to" : "from");
		if (!strcmp(peer, "enclave")) {
			if (rule->kind == CG_RULE_FROM) {
				diag_error(d, file, fl, "'%s': from = \"enclave\" is not supported; to = \"enclave\" already covers both directions",
					   kn);
				ok = false;
			} else if (rp == 0 || rpt == 0) {
				diag_error(d, file, rp == 0 ? pl : ptl,
					   "'%s': to = \"enclave\" allows all traffic within the enclave and takes no proto or ports",
					   ctx);
				ok = false;
			}
			rule->enclave = true;
		} else {
			r = addr_parse_prefix(peer, &rule->prefix);
			if (r < 0) {
				prefix_error(d, file, rt == 0 ? tl : fl, kn, peer, r, &rule->prefix);
				ok = false;
			}
		}
		if (rp == 0) {
			if (!strcmp(proto, "tcp"))
				rule->proto = IPPROTO_TCP;
			else if (!strcmp(proto, "udp"))
				rule->proto = IPPROTO_UDP;
			else if (!strcmp(proto, "icmp"))
				rule->proto = IPPROTO_ICMP;
			else {
				diag_error(d, file, pl, "'%s.proto': invalid value \"%s\" (expected \"tcp\", \"udp\" or \"icmp\")",
					   ctx, proto);
				ok = false;
			}
		}
		if (rpt == 0 && ok && !rule->enclave) {
			const char *why;
			char tok[64];

			if (rule->proto != IPPROTO_TCP && rule->proto != IPPROTO_UDP) {
				diag_error(d, file, ptl, "'%s.ports' needs proto \"tcp\" or \"udp\"", ctx);
				ok = false;
			} else if (syntax_parse_ports(ports, rule->ranges, CG_RULE_MAX_RANGES, &rule->nranges,
						      &why, tok, sizeof(tok)) < 0) {
				diag_error(d, file, ptl, "'%s.ports': invalid port list \"%.64s\": \"%s\": %s",
					   ctx, ports, tok, why);
				ok = false;
			}
		}
		if (!ok)
			continue;
		rule->origin = (struct cg_origin){ .file = file, .line = line };
		p->nrules++;
	}
}

/* ---- line files (deny lists, devices files) -------------------------------- */

/*
 * Reads a list file named by key kn at file:line: the whole text (NUL-ended,
 * malloc'ed), its path as recorded in the model (for messages and the file
 * hashes), and where the text starts (after a UTF-8 byte order mark). NULL
 * when it cannot be used, with the reason recorded: unreadable, UTF-16,
 * binary.
 */
static char *read_list_file(struct cg_model *m, const char *path, const char *file, int line,
			    const char *kn, const char *what, struct cg_diag *d, size_t *ret_len,
			    const char **ret_df, char **ret_text)
{
	char *buf = NULL;
	size_t len;
	int r = cfgfile_slurp(path, &buf, &len);

	if (r < 0) {
		diag_error(d, file, line, "'%s': cannot read %s \"%s\": %s", kn, what, path,
			   r == -EFBIG ? "file too large" : r == -EBADFD ? "not a regular file" : strerror(-r));
		return NULL;
	}
	*ret_df = model_add_file(m, path);
	if (!*ret_df) {
		d->oom = true;
		free(buf);
		return NULL;
	}
	if (cfgfile_check_encoding(buf, len, *ret_df, d) < 0) {
		free(buf);
		return NULL;
	}
	if (memchr(buf, 0, len)) {
		const char *nul = memchr(buf, 0, len);
		int nl = 1;

		for (const char *c = buf; c < nul; c++)
			nl += *c == '\n';
		diag_error(d, *ret_df, nl, "binary data (NUL byte) in %s", what);
		free(buf);
		return NULL;
	}
	*ret_len = len;
	*ret_text = buf + cfgfile_bom(buf, len);
	return buf;
}

/* ---- deny lists ----------------------------------------------------------- */

static void parse_deny_file(struct cg_model *m, struct cg_policy_spec *p, const char *path,
			    const char *file, int line, const char *kn, struct cg_diag *d)
{
	char *buf, *s, *next;
	const char *df;
	size_t len;
	int r, ln = 0;

	buf = read_list_file(m, path, file, line, kn, "deny list", d, &len, &df, &s);
	if (!buf)
		return;
	for (; s && *s; s = next) {
		struct cg_prefix pf;
		char *hash, *end;

		ln++;
		next = strchr(s, '\n');
		if (next)
			*next++ = 0;
		hash = strchr(s, '#');
		if (hash)
			*hash = 0;
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		end = s + strlen(s);
		while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
			*--end = 0;
		if (!*s)
			continue;
		r = strlen(s) > 64 ? -EINVAL : addr_parse_prefix(s, &pf);
		if (r < 0) {
			if (r == -EINVAL && strlen(s) > 64)
				diag_error(d, df, ln, "invalid prefix \"%.64s...\"", s);
			else
				prefix_error(d, df, ln, NULL, s, r, &pf);
			continue;
		}
		if (model_array_grow((void **)&p->deny, p->ndeny, sizeof(*p->deny)) < 0 ||
		    model_array_grow((void **)&p->deny_origins, p->ndeny, sizeof(*p->deny_origins)) < 0) {
			d->oom = true;
			break;
		}
		p->deny[p->ndeny] = pf;
		p->deny_origins[p->ndeny] = (struct cg_origin){ .file = df, .line = ln };
		p->ndeny++;
		if (p->ndeny > CG_MAX_DENY_PREFIXES) {
			diag_error(d, df, ln, "too many deny-list prefixes (max %d)", CG_MAX_DENY_PREFIXES);
			break;
		}
	}
	free(buf);
}

static void parse_deny_lists(struct cg_model *m, const config_setting_t *root,
			     struct cg_policy_spec *p, const char *file, struct cg_diag *d)
{
	config_setting_t *list;
	int n;

	if (cfg_get_string_list(root, "", "deny_lists", file, d, &list) < 0)
		return;
	p->deny_lists = list_alloc(list, CG_MAX_DENY_LISTS, sizeof(*p->deny_lists), "deny lists", file, d, &n);
	if (!p->deny_lists)
		return;
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
		const char *s = config_setting_get_string(e);
		char kn[32], path[CG_PATH_MAX];

		snprintf(kn, sizeof(kn), "deny_lists[%d]", i);
		if (cfg_check_string(s, kn, cfg_line(e), CG_PATH_MAX - 1, file, d) < 0)
			continue;
		if (!*s || config_resolve_path(file, s, path, sizeof(path)) < 0) {
			diag_error(d, file, cfg_line(e), "'%s': invalid file name \"%s\"", kn, s);
			continue;
		}
		p->deny_lists[p->ndeny_lists] = strdup(s);
		if (!p->deny_lists[p->ndeny_lists]) {
			d->oom = true;
			return;
		}
		p->ndeny_lists++;
		parse_deny_file(m, p, path, file, cfg_line(e), kn, d);
	}
}

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

/* ---- devices_file ------------------------------------------------------------ */

/* A device's MAC as a policy may pin it: 0, or -EINVAL with why set. */
static int device_mac(const char *s, uint8_t mac[6], const char **why)
{
	if (addr_parse_mac(s, mac) < 0)
		*why = "invalid MAC address (expected \"44:19:b6:00:00:01\")";
	else if (mac[0] & 0x01)
		*why = "a group (multicast) address, not a device";
	else if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		*why = "the all-zero MAC is not a device";
	else
		return 0;
	return -EINVAL;
}

/*
 * devices_file = "hikvision.macs": the cameras of a policy as a plain list,
 * one per line, "MAC [note]", '#' starts a comment, blank lines are fine,
 * CRLF and a UTF-8 byte order mark too (files exported from spreadsheets).
 * Written by hand, not through libconfig: 100,000 lines are a few
 * milliseconds, and every bad line is reported with its own line number.
 */
static void parse_devices_file(struct cg_model *m, const config_setting_t *root,
			       struct cg_policy_spec *p, const char *file, struct cg_diag *d)
{
	char name[CG_PATH_MAX], path[CG_PATH_MAX], *buf, *text, *s, *next;
	const char *df;
	size_t len, lines = 1, limit;
	int line = 0, r, ln = 0;

	r = cfg_get_string(root, "", "devices_file", file, d, name, sizeof(name), &line);
	if (r < 0)
		return;
	if (!name[0] || config_resolve_path(file, name, path, sizeof(path)) < 0) {
		diag_error(d, file, line, "'devices_file': invalid file name \"%s\"", name);
		return;
	}
	buf = read_list_file(m, path, file, line, "devices_file", "devices file", d, &len, &df, &text);
	if (!buf)
		return;
	for (const char *c = buf; (c = memchr(c, '\n', len - (size_t)(c - buf))); c++)
		lines++;
	/* one allocation for the list and the file together */
	limit = CG_MAX_DEVICES + 1 - (p->ndevices < CG_MAX_DEVICES ? p->ndevices : CG_MAX_DEVICES);
	struct cg_device_spec *v = realloc(p->devices, (p->ndevices + (lines < limit ? lines : limit) + 1) *
							  sizeof(*v));
	if (!v) {
		d->oom = true;
		free(buf);
		return;
	}
	p->devices = v;
	for (s = text; s && *s; s = next) {
		struct cg_device_spec *dev = &p->devices[p->ndevices];
		const char *why;
		char *mac, *note, *end;

		ln++;
		next = strchr(s, '\n');
		if (next)
			*next++ = 0;
		end = strchr(s, '#');
		if (!end)
			end = s + strlen(s);
		while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
			end--;
		*end = 0;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			continue;
		mac = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		note = s;
		if (*s)
			*note++ = 0;
		while (*note == ' ' || *note == '\t')
			note++;
		if (device_mac(mac, dev->mac, &why) < 0) {
			diag_error(d, df, ln, "\"%.40s\": %s", mac, why);
			continue;
		}
		if (strlen(note) >= CG_NOTE_MAX || !syntax_valid_utf8(note)) {
			diag_error(d, df, ln, "%s: the note is %s", mac,
				   strlen(note) >= CG_NOTE_MAX ? "longer than 127 bytes" : "not UTF-8 text");
			continue;
		}
		if (p->ndevices + 1 > CG_MAX_DEVICES) {
			diag_error(d, df, ln, "too many devices (max %d)", CG_MAX_DEVICES);
			break;
		}
		dev->note = NULL;
		if (note[0] && !(dev->note = strdup(note))) {
			d->oom = true;
			break;
		}
		dev->origin = (struct cg_origin){ .file = df, .line = ln };
		p->ndevices++;
	}
	free(buf);
}

/* ---- one file --------------------------------------------------------------- */

static void policy_spec_free(struct cg_policy_spec *p)
{
	for (size_t i = 0; i < p->nvendors; i++)
		free(p->vendors[i]);
	free(p->vendors);
	free(p->vendor_origins);
	free(p->ouis);
	for (size_t i = 0; i < p->ndevices; i++)
		free(p->devices[i].note);
	free(p->devices);
	free(p->rules);
	for (size_t i = 0; i < p->ndeny_lists; i++)
		free(p->deny_lists[i]);
	free(p->deny_lists);
	free(p->deny);
	free(p->deny_origins);
	for (size_t i = 0; i < p->nadvisories; i++)
		free(p->advisories[i]);
	free(p->advisories);
	free(p->advisory_origins);
	memset(p, 0, sizeof(*p));
}

int policy_parse_file(const char *path, struct cg_model *m, struct cg_diag *d)
{
	struct cg_policy_spec p = { 0 };
	struct cfgfile f;
	config_setting_t *root, *match;
	const char *file, *base;
	char buf[256];
	size_t errs = diag_errors(d);
	int r, line = 0;
	bool named = false;

	file = model_add_file(m, path);
	if (!file)
		return -ENOMEM;
	r = cfgfile_open(&f, file, d);
	if (r < 0) {
		cfgfile_close(&f);
		return r == -ENOMEM ? r : -EINVAL;
	}
	root = config_root_setting(&f.cf);
	p.origin = (struct cg_origin){ .file = file, .line = 0 };
	cfg_check_keys(root, "", top_keys, file, d);

	r = cfg_get_string(root, "", "name", file, d, buf, sizeof(buf), &line);
	if (r == -ENOENT) {
		diag_error(d, file, 0, "missing required key 'name'");
	} else if (r == 0 && !syntax_valid_name(buf)) {
		diag_error(d, file, line, "'name': invalid policy name \"%s\" (1-%d characters of a-z, 0-9, '_', '-')",
			   buf, CG_NAME_MAX - 1);
	} else if (r == 0) {
		size_t bl;

		memcpy(p.name, buf, strlen(buf) + 1);   /* valid names fit */
		p.origin.line = line;
		named = true;
		base = strrchr(file, '/');
		base = base ? base + 1 : file;
		bl = strlen(base);
		if (bl < 5 || strncmp(base, p.name, bl - 5) || strlen(p.name) != bl - 5)
			diag_warning(d, file, line, "policy '%s' is in a file named '%s' (expected %s.conf)",
				     p.name, base, p.name);
	}

	p.action = CG_ACTION_ISOLATE;
	r = cfg_get_string(root, "", "action", file, d, buf, sizeof(buf), &line);
	if (r == 0) {
		int a = cg_action_from_string(buf);

		if (a < 0)
			diag_error(d, file, line, "'action': invalid value \"%s\" (expected \"isolate\", \"monitor\" or \"allow\")",
				   buf);
		else
			p.action = (uint8_t)a;
	}

	if (cfg_get_group(root, "", "match", file, d, &match) == 0) {
		cfg_check_keys(match, "match", match_keys, file, d);
		parse_vendors(match, &p, file, d);
		parse_ouis(match, &p, file, d);
		parse_devices(match, &p, file, d);
		parse_advisory_match(match, &p, file, d);
	}
	parse_devices_file(m, root, &p, file, d);
	parse_rules(root, &p, file, d);
	parse_deny_lists(m, root, &p, file, d);
	parse_labels(root, &p, file, d);
	cfgfile_close(&f);

	if (d->oom) {
		policy_spec_free(&p);
		return -ENOMEM;
	}
	if (!named) {
		policy_spec_free(&p);
		return -EINVAL;
	}
	if (model_array_grow((void **)&m->policies, m->npolicies, sizeof(*m->policies)) < 0) {
		policy_spec_free(&p);
		d->oom = true;
		return -ENOMEM;
	}
	m->policies[m->npolicies++] = p;
	return diag_errors(d) > errs ? -EINVAL : 0;
}

/* Exposed for model_free(). */
void policy_free(struct cg_policy_spec *p);
void policy_free(struct cg_policy_spec *p)
{
	policy_spec_free(p);
}

/* ---- vendors ---------------------------------------------------------------- */

struct resolve_ctx {
	struct cg_policy_spec *p;
	size_t vendor;
	size_t cap;          /* 0: p->ouis has exactly nouis (+1) entries */
	size_t *total;
	bool oom;
};

static int resolve_cb(const struct cg_registry_entry *e, void *userdata)
{
	struct resolve_ctx *c = userdata;
	struct cg_oui_spec *o;

	/* never in the registry, but a corrupt file must not produce an LPM
	 * entry the data plane would never match */
	if (e->bytes[0] & 0x03)
		return 0;
	if (++*c->total > CG_MAX_OUIS)
		return -E2BIG;
	if (c->p->nouis + 1 > c->cap) {
		size_t cap = 2 * (c->p->nouis + 1) < 16 ? 16 : 2 * (c->p->nouis + 1);

		o = realloc(c->p->ouis, cap * sizeof(*o));
		if (!o) {
			c->oom = true;
			return -ENOMEM;
		}
		c->p->ouis = o;
		c->cap = cap;
	}
	o = &c->p->ouis[c->p->nouis++];
	memset(o, 0, sizeof(*o));
	memcpy(o->bytes, e->bytes, 5);
	o->bits = e->bits;
	snprintf(o->source, sizeof(o->source), "%s", e->org);
	o->vendor = (int)c->vendor;
	o->origin = c->p->vendor_origins[c->vendor];
	return 0;
}

int policy_resolve_vendors(struct cg_model *m, const struct cg_registry *reg, struct cg_diag *d)
{
	size_t total = 0;

	for (size_t i = 0; i < m->npolicies; i++)
		total += m->policies[i].nouis;
	for (size_t i = 0; i < m->npolicies; i++) {
		struct cg_policy_spec *p = &m->policies[i];
		struct resolve_ctx c = { .p = p, .total = &total };

		for (size_t v = 0; v < p->nvendors; v++) {
			long n;

			c.vendor = v;
			n = registry_match(reg, p->vendors[v], resolve_cb, &c);

			if (c.oom) {
				d->oom = true;
				return -ENOMEM;
			}
			if (n == -E2BIG) {
				diag_error(d, p->vendor_origins[v].file, p->vendor_origins[v].line,
					   "vendor \"%s\": prefixes exceed the limit of %d OUI prefixes",
					   p->vendors[v], CG_MAX_OUIS);
				return -EINVAL;
			}
			if (n == 0)
				diag_warning(d, p->vendor_origins[v].file, p->vendor_origins[v].line,
					     "vendor \"%s\" matches no organisation in the OUI registry %s (%s)",
					     p->vendors[v], reg->dir, reg->date);
		}
	}
	return 0;
}

/* ---- cross-policy checks -------------------------------------------------- */

struct dev_item {
	uint8_t mac[6];
	uint32_t pol, idx;
};

static int dev_cmp(const void *a, const void *b)
{
	const struct dev_item *x = a, *y = b;
	int c = memcmp(x->mac, y->mac, 6);

	if (c)
		return c;
	if (x->pol != y->pol)
		return x->pol < y->pol ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

struct oui_item {
	uint8_t bits;
	uint8_t bytes[5];
	uint8_t from_vendor;   /* explicit entries sort first */
	uint32_t pol, idx;
};

static int oui_cmp(const void *a, const void *b)
{
	const struct oui_item *x = a, *y = b;
	int c;

	if (x->bits != y->bits)
		return x->bits < y->bits ? -1 : 1;
	c = memcmp(x->bytes, y->bytes, 5);
	if (c)
		return c;
	if (x->from_vendor != y->from_vendor)
		return x->from_vendor < y->from_vendor ? -1 : 1;
	if (x->pol != y->pol)
		return x->pol < y->pol ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int check_devices(struct cg_model *m, struct cg_diag *d, size_t total)
{
	struct dev_item *items;
	size_t n = 0;
	bool removed = false;

	if (total == 0)
		return 0;
	items = malloc(total * sizeof(*items));
	if (!items)
		return -ENOMEM;
	for (size_t i = 0; i < m->npolicies; i++)
		for (size_t j = 0; j < m->policies[i].ndevices; j++) {
			memcpy(items[n].mac, m->policies[i].devices[j].mac, 6);
			items[n].pol = (uint32_t)i;
			items[n].idx = (uint32_t)j;
			n++;
		}
	qsort(items, n, sizeof(*items), dev_cmp);
	for (size_t a = 0, b; a < n; a = b) {
		const struct cg_device_spec *first = &m->policies[items[a].pol].devices[items[a].idx];

		for (b = a + 1; b < n && !memcmp(items[b].mac, items[a].mac, 6); b++) {
			struct cg_policy_spec *p = &m->policies[items[b].pol];
			struct cg_device_spec *dev = &p->devices[items[b].idx];
			char mac[18];

			addr_format_mac(dev->mac, mac);
			if (items[b].pol == items[a].pol)
				diag_warning(d, dev->origin.file, dev->origin.line,
					     "MAC %s listed twice in policy '%s' (first at line %d)", mac, p->name,
					     first->origin.line);
			else
				diag_error(d, dev->origin.file, dev->origin.line,
					   "MAC %s is already claimed by policy '%s' at %s:%d", mac,
					   m->policies[items[a].pol].name, first->origin.file, first->origin.line);
			dev->mac[0] = 0x01;  /* marks the entry for removal (never valid) */
			removed = true;
		}
	}
	free(items);
	if (removed)
		for (size_t i = 0; i < m->npolicies; i++) {
			struct cg_policy_spec *p = &m->policies[i];
			size_t w = 0;

			for (size_t j = 0; j < p->ndevices; j++)
				if (!(p->devices[j].mac[0] & 0x01))
					p->devices[w++] = p->devices[j];
				else
					free(p->devices[j].note);
			p->ndevices = w;
		}
	return 0;
}

static int check_ouis(struct cg_model *m, struct cg_diag *d, size_t total)
{
	struct oui_item *items;
	size_t n = 0;
	bool removed = false;

	if (total == 0)
		return 0;
	items = malloc(total * sizeof(*items));
	if (!items)
		return -ENOMEM;
	for (size_t i = 0; i < m->npolicies; i++)
		for (size_t j = 0; j < m->policies[i].nouis; j++) {
			const struct cg_oui_spec *o = &m->policies[i].ouis[j];

			items[n].bits = o->bits;
			memcpy(items[n].bytes, o->bytes, 5);
			items[n].from_vendor = o->vendor >= 0;
			items[n].pol = (uint32_t)i;
			items[n].idx = (uint32_t)j;
			n++;
		}
	qsort(items, n, sizeof(*items), oui_cmp);
	for (size_t a = 0, b; a < n; a = b) {
		struct cg_policy_spec *fp = &m->policies[items[a].pol];
		const struct cg_oui_spec *first = &fp->ouis[items[a].idx];
		bool have_explicit = !items[a].from_vendor;
		char fmt[16];

		addr_format_oui(first->bytes, first->bits, fmt);
		for (b = a + 1; b < n && items[b].bits == items[a].bits &&
				!memcmp(items[b].bytes, items[a].bytes, 5); b++) {
			struct cg_policy_spec *p = &m->policies[items[b].pol];
			struct cg_oui_spec *o = &p->ouis[items[b].idx];
			bool same = items[b].pol == items[a].pol;

			if (!items[b].from_vendor) {
				/* explicit vs explicit */
				if (same)
					diag_warning(d, o->origin.file, o->origin.line,
						     "OUI %s listed twice in policy '%s' (first at line %d)", fmt,
						     p->name, first->origin.line);
				else
					diag_error(d, o->origin.file, o->origin.line,
						   "OUI %s is already claimed by policy '%s' at %s:%d", fmt,
						   fp->name, first->origin.file, first->origin.line);
			} else if (have_explicit) {
				/* vendor-resolved vs explicit: explicit wins */
				bool own = same;

				for (size_t k = a; k < b && !own; k++)
					own = !items[k].from_vendor && items[k].pol == items[b].pol;
				if (!own)
					diag_warning(d, o->origin.file, o->origin.line,
						     "vendor \"%s\" resolves to %s (%s), which policy '%s' lists explicitly at %s:%d; the explicit entry wins",
						     p->vendors[o->vendor], fmt, o->source, fp->name,
						     first->origin.file, first->origin.line);
			} else if (!same) {
				/* two policies' vendors resolve to the same prefix */
				bool reported = false;

				for (size_t k = a + 1; k < b && !reported; k++)
					reported = items[k].pol == items[b].pol;
				if (!reported)
					diag_error(d, o->origin.file, o->origin.line,
						   "vendor \"%s\" resolves to %s (%s), which vendor \"%s\" of policy '%s' at %s:%d also claims; list it explicitly in one policy",
						   p->vendors[o->vendor], fmt, o->source,
						   fp->vendors[first->vendor], fp->name, first->origin.file,
						   first->origin.line);
			}
			o->bits = 0;  /* removed below */
			removed = true;
		}
	}
	free(items);
	if (removed)
		for (size_t i = 0; i < m->npolicies; i++) {
			struct cg_policy_spec *p = &m->policies[i];
			size_t w = 0;

			for (size_t j = 0; j < p->nouis; j++)
				if (p->ouis[j].bits)
					p->ouis[w++] = p->ouis[j];
			p->nouis = w;
		}
	return 0;
}

/* The same match (vendors, prefixes, devices), entry for entry: what a
 * copied file has. Two policies that match nothing are not copies. */
static bool same_match(const struct cg_policy_spec *a, const struct cg_policy_spec *b)
{
	if (a->nvendors != b->nvendors || a->nouis != b->nouis || a->ndevices != b->ndevices ||
	    a->nvendors + a->nouis + a->ndevices == 0)
		return false;
	for (size_t i = 0; i < a->nvendors; i++)
		if (strcasecmp(a->vendors[i], b->vendors[i]))
			return false;
	for (size_t i = 0; i < a->nouis; i++)
		if (a->ouis[i].bits != b->ouis[i].bits || memcmp(a->ouis[i].bytes, b->ouis[i].bytes, 5))
			return false;
	for (size_t i = 0; i < a->ndevices; i++)
		if (memcmp(a->devices[i].mac, b->devices[i].mac, 6))
			return false;
	return true;
}

/* Is p in the file its name says (NAME.conf)? */
static bool in_own_file(const struct cg_policy_spec *p)
{
	const char *base = strrchr(p->origin.file, '/');
	base = base ? base + 1 : p->origin.file;
	size_t n = strlen(p->name);
	return !strncmp(base, p->name, n) && !strcmp(base + n, ".conf");
}

/*
 * A policy file copied next to its original (dahua.conf -> dahua-old.conf)
 * claims every camera of the original a second time: one error that says
 * so, instead of one per prefix and device (and a "duplicate name" pointing
 * at what looks like the same file). The copy is the one not in NAME.conf,
 * else the later one; its match is emptied so that nothing else reports it,
 * and copy[] marks it for the name check.
 */
static void check_copies(struct cg_model *m, struct cg_diag *d, bool *copy)
{
	for (size_t j = 0; j < m->npolicies; j++)
		for (size_t i = 0; i < j; i++) {
			struct cg_policy_spec *a = &m->policies[i], *b = &m->policies[j];
			if (copy[i] || copy[j] || !same_match(a, b))
				continue;
			size_t c = in_own_file(b) && !in_own_file(a) ? i : j, o = c == i ? j : i;
			struct cg_policy_spec *cp = &m->policies[c], *orig = &m->policies[o];
			diag_error(d, cp->origin.file, cp->origin.line,
				   "policy '%s' has the same devices as %s (policy '%s'): a copy? A camera belongs to one policy: remove or rename this file (policy_dir reads every *.conf)",
				   cp->name, orig->origin.file, orig->name);
			copy[c] = true;
			for (size_t k = 0; k < cp->ndevices; k++)
				free(cp->devices[k].note);
			cp->nouis = cp->ndevices = 0;
		}
}

int policy_validate_all(struct cg_model *m, struct cg_diag *d)
{
	size_t errs = diag_errors(d), ndev = 0, noui = 0, ndeny = 0;
	bool *copy = calloc(m->npolicies + 1, sizeof(*copy));
	int r;

	if (!copy)
		return -ENOMEM;
	check_copies(m, d, copy);
	for (size_t i = 0; i < m->npolicies; i++) {
		struct cg_policy_spec *p = &m->policies[i];

		for (size_t j = 0; j < i; j++)
			if (!copy[i] && !copy[j] && !strcmp(m->policies[j].name, p->name)) {
				diag_error(d, p->origin.file, p->origin.line,
					   "duplicate policy name '%s' (also defined at %s:%d)", p->name,
					   m->policies[j].origin.file, m->policies[j].origin.line);
				break;
			}
		ndev += p->ndevices;
		noui += p->nouis;
		ndeny += p->ndeny;
	}
	if (m->npolicies > CG_MAX_POLICIES)
		diag_error(d, m->policies[CG_MAX_POLICIES].origin.file, 0,
			   "too many policies (%zu, max %d)", m->npolicies, CG_MAX_POLICIES);

	free(copy);
	r = check_devices(m, d, ndev);
	if (r < 0)
		return r;
	r = check_ouis(m, d, noui);
	if (r < 0)
		return r;

	ndev = noui = 0;
	for (size_t i = 0; i < m->npolicies; i++) {
		ndev += m->policies[i].ndevices;
		noui += m->policies[i].nouis;
	}
	if (ndev > CG_MAX_DEVICES)
		diag_error(d, m->config.path, 0, "too many devices over all policies (%zu, max %d)", ndev,
			   CG_MAX_DEVICES);
	if (noui > CG_MAX_OUIS)
		diag_error(d, m->config.path, 0, "too many OUI prefixes over all policies (%zu, max %d)",
			   noui, CG_MAX_OUIS);
	if (ndeny > CG_MAX_DENY_PREFIXES)
		diag_error(d, m->config.path, 0, "too many deny-list prefixes over all policies (%zu, max %d)",
			   ndeny, CG_MAX_DENY_PREFIXES);
	return diag_errors(d) > errs ? -EINVAL : 0;
}
