/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * match.c — owns a policy's match { } group: vendors (registry names,
 * resolved later by crosscheck.c), explicit OUI prefixes, exact devices
 * ( { mac, note } ), and the advisory selectors (match.advisory,
 * match.vulnerable). Each entry is checked on its own with file:line; a bad
 * entry is dropped and reported, the others are kept so one run reports all.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cfgfile.h"
#include "match.h"
#include "syntax.h"

static const char *const match_keys[] = { "vendors", "oui", "devices", "advisory", "vulnerable",
					  NULL };
static const char *const device_keys[] = { "mac", "note", NULL };

#define CG_VENDOR_MIN 3
#define CG_VENDOR_MAX 255

static void parse_vendors(const config_setting_t *match, struct cg_policy_spec *p,
			  const char *file, struct cg_diag *d)
{
	config_setting_t *list;
	int n;

	if (cfg_get_string_list(match, "match", "vendors", file, d, &list) < 0 ||
	    cfg_list_alloc(list, NULL, CG_MAX_POLICY_VENDORS, sizeof(*p->vendors), "vendors", file, d,
			   (void **)&p->vendors, &n) < 0)
		return;
	p->vendor_origins = calloc((size_t)n + 1, sizeof(*p->vendor_origins));
	if (!p->vendor_origins) {
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

	if (cfg_get_string_list(match, "match", "oui", file, d, &list) < 0 ||
	    cfg_list_alloc(list, NULL, CG_MAX_OUIS, sizeof(*p->ouis), "OUI prefixes", file, d,
			   (void **)&p->ouis, &n) < 0)
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

	if (cfg_get_group_list(match, "match", "devices", file, d, &list) < 0 ||
	    cfg_list_alloc(list, NULL, CG_MAX_DEVICES, sizeof(*p->devices), "devices", file, d,
			   (void **)&p->devices, &n) < 0)
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
 * (load_advisories in load.c). */
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
	if (cfg_get_string_list(match, "match", "advisory", file, d, &list) < 0 ||
	    cfg_list_alloc(list, NULL, CG_MAX_POLICY_VENDORS, sizeof(*p->advisories), "advisories",
			   file, d, (void **)&p->advisories, &n) < 0)
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

int match_parse(const config_setting_t *match, struct cg_policy_spec *p, const char *file,
		struct cg_diag *d)
{
	size_t errs = diag_errors(d);

	cfg_check_keys(match, "match", match_keys, file, d);
	parse_vendors(match, p, file, d);
	parse_ouis(match, p, file, d);
	parse_devices(match, p, file, d);
	parse_advisory_match(match, p, file, d);
	if (d->oom)
		return -ENOMEM;
	return diag_errors(d) > errs ? -EINVAL : 0;
}
