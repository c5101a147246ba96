// SPDX-License-Identifier: GPL-2.0-only
/*
 * render-cameras.c — the plain printers of the inventory: `camguardctl
 * cameras` (the 80-column and --wide tables, --summary, --vulnerable),
 * `cameras --csv` (RFC 4180 for spreadsheets, with each device's drops)
 * and `camguardctl advisories`.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "render.h"
#include "render-util.h"
#include "table.h"

/* cameras --summary: {"summary":[{"vendor","model","count"}],"devices","mismatched"} */
static int render_summary(json_object *res, const struct cg_render_opts *o, FILE *out)
{
	json_object *sum = get_array(res, "summary");
	struct table t;
	int rc;

	table_init(&t, "llr", "VENDOR", "MODEL", "COUNT");
	table_layout(&t, o, "999");
	for (size_t i = 0; i < array_len(sum); i++) {
		json_object *e = json_object_array_get_idx(sum, i);
		char n[24];
		snprintf(n, sizeof(n), "%llu", (unsigned long long)get_u64(e, "count"));
		char v[64];
		table_add(&t, !*get_str(e, "vendor") ? "(unknown)"
			      : o->wide ? get_str(e, "vendor")
					: render_short_vendor(get_str(e, "vendor"), v, sizeof(v)),
			  *get_str(e, "model") ? get_str(e, "model") : "(not announced)", n);
	}
	if ((rc = table_done(&t, out)))
		return rc;
	fprintf(out, "\n%llu devices, %zu vendor/model combinations",
		(unsigned long long)get_u64(res, "devices"), array_len(sum));
	if (get_u64(res, "mismatched"))
		fprintf(out, ", %llu announcing another manufacturer than their MAC's vendor",
			(unsigned long long)get_u64(res, "mismatched"));
	fputc('\n', out);
	if (get_u64(res, "not_announced") && *get_str(res, "last_probe"))
		fprintf(out, "%llu not announced: no model after the probe of %s\n",
			(unsigned long long)get_u64(res, "not_announced"), get_str(res, "last_probe"));
	return 0;
}

/* cameras --vulnerable: one row per device and advisory (exact or likely). */
static int render_vulnerable(json_object *res, const struct cg_render_opts *o, FILE *out)
{
	json_object *cams = get_array(res, "cameras");
	struct table t;
	size_t rows = 0;
	int rc;

	table_init(&t, "llllllll", "DEVICE", "MODEL", "FIRMWARE", "CVE", "CONFIDENCE", "KEV",
		   "FIXED", "POLICY");
	/* at 80 columns: MAC, CVE, confidence, policy and the firmware (cut
	 * first); the fixed version, the model and KEV from wider */
	table_layout(&t, o, "96e9957" "8");
	for (size_t i = 0; i < array_len(cams); i++) {
		json_object *c = json_object_array_get_idx(cams, i), *advs = get_array(c, "advisories");

		for (size_t j = 0; j < array_len(advs); j++) {
			json_object *a = json_object_array_get_idx(advs, j);
			const char *conf = get_str(a, "confidence");

			if (strcmp(conf, "exact") && strcmp(conf, "likely"))
				continue;
			table_add(&t, get_str(c, "mac"), *get_str(c, "model") ? get_str(c, "model") : "-",
				  *get_str(c, "firmware") ? get_str(c, "firmware") : "-", get_str(a, "cve"),
				  conf, get_bool(a, "kev") ? "yes" : "no",
				  *get_str(a, "fixed") ? get_str(a, "fixed") : "-", get_str(c, "policy"));
			rows++;
		}
	}
	if ((rc = table_done(&t, out)))
		return rc;
	fprintf(out, "\n%zu device%s affected by a known vulnerability (%zu match%s)\n",
		array_len(cams), array_len(cams) == 1 ? "" : "s", rows, rows == 1 ? "" : "es");
	return 0;
}

/* The first address and how many more (--wide lists all); link-local IPv6
 * addresses, which every device has, are not counted. */
static void narrow_addresses(json_object *c, char *buf, size_t len)
{
	const char *first = NULL;
	size_t n = 0;

	for (int fam = 0; fam < 2; fam++) {
		json_object *a = get_array(c, fam ? "ipv6" : "ipv4");
		for (size_t i = 0; i < array_len(a); i++) {
			const char *s = json_object_get_string(json_object_array_get_idx(a, i));
			if (!s || !strncasecmp(s, "fe80:", 5))
				continue;
			if (!n++)
				first = s;
		}
	}
	if (!first)
		return;     /* only link-local ones: leave them as they are */
	if (n > 1)
		snprintf(buf, len, "%s +%zu", first, n - 1);
	else
		snprintf(buf, len, "%s", first);
}

/* The VENDOR cell: the MAC's vendor, and for a device that announces another
 * manufacturer (a rebrand, or a spoofed MAC) "!" and what it announced. */
static void vendor_cell(json_object *c, const struct cg_render_opts *o, char *buf, size_t len)
{
	char v[64], m[64];
	const char *vendor = get_str(c, "vendor"), *manu = get_str(c, "manufacturer");

	if (!o->wide) {
		vendor = render_short_vendor(vendor, v, sizeof(v));
		manu = render_short_vendor(manu, m, sizeof(m));
	}
	if (!get_bool(c, "mismatch"))
		snprintf(buf, len, "%s", *vendor ? vendor : "-");
	else
		snprintf(buf, len, "%s%s!%s", vendor, *vendor ? " " : "", *manu ? manu : "?");
}

/* The SOURCE cell: which protocol said the model and the firmware: "sadp",
 * or "onvif/dhcp" when they came from two; "-" when none did. */
static void source_cell(json_object *c, char *buf, size_t len)
{
	json_object *facts = NULL, *fm = NULL, *ff = NULL;

	snprintf(buf, len, "-");
	if (json_object_object_get_ex(c, "facts", &facts)) {
		json_object_object_get_ex(facts, "model", &fm);
		json_object_object_get_ex(facts, "firmware", &ff);
	}
	const char *sm = fm ? get_str(fm, "source") : "", *sf = ff ? get_str(ff, "source") : "";
	if (*sm || *sf)
		snprintf(buf, len, "%s%s%s", *sm ? sm : sf,
			 *sm && *sf && strcmp(sm, sf) ? "/" : "",
			 *sm && *sf && strcmp(sm, sf) ? sf : "");
}

/* The DROPS cell: packets dropped and, beside them, what monitor passed
 * that isolate would have dropped: "17", "5 (would)", "17, 5 (would)";
 * "-" for none, or a reply without counters (a daemon before issue 15). */
static void drops_cell(json_object *c, char *buf, size_t len)
{
	uint64_t d = get_u64(get(c, "drop"), "packets"), w = get_u64(get(c, "would_drop"), "packets");
	char dn[24], wn[24];

	num(d, dn, sizeof(dn));
	num(w, wn, sizeof(wn));
	if (!d && !w)
		snprintf(buf, len, "-");
	else if (!w)
		snprintf(buf, len, "%s", dn);
	else if (!d)
		snprintf(buf, len, "%s (would)", wn);
	else
		snprintf(buf, len, "%s, %s (would)", dn, wn);
}

int render_cameras(json_object *res, const struct cg_render_opts *o, FILE *out)
{
	json_object *cams = get_array(res, "cameras");
	struct table t;
	size_t mismatched = 0, vulnerable = 0;
	int rc;

	if (get_array(res, "summary"))
		return render_summary(res, o, out);
	if (!cams)
		return -EINVAL;
	if (get_bool(res, "only_vulnerable"))
		return render_vulnerable(res, o, out);
	/* narrow: times are ages, "SEEN 5m ago" */
	table_init(&t, "llllllrllrll", "DEVICE", "VENDOR", "POLICY", "MODEL", "FIRMWARE", "SOURCE",
		   "VLAN", "INTERFACE", "ADDRESSES", "DROPS", "FIRST SEEN", o->wide ? "LAST SEEN" : "SEEN");
	/* at 80 columns: MAC, vendor, policy, address, last seen; the model
	 * from about 100. SOURCE (which protocol said the model and the
	 * firmware) only with --wide: it never fits beside the others, and a
	 * column that comes and goes with the terminal's width would
	 * push out the ones people look for. */
	/* DROPS before MODEL at 80 columns (evidence first), and only when a
	 * listed device has any: a host without drops keeps its table */
	char layout[16];
	snprintf(layout, sizeof(layout), "%s", o->wide ? "999999999999" : "99964-238718");
	bool any_denied = false;
	for (size_t i = 0; i < array_len(cams) && !any_denied; i++) {
		json_object *c = json_object_array_get_idx(cams, i);
		any_denied = get_u64(get(c, "drop"), "packets") || get_u64(get(c, "would_drop"), "packets");
	}
	if (!any_denied)
		layout[9] = '-';
	table_layout(&t, o, layout);
	for (size_t i = 0; i < array_len(cams); i++) {
		json_object *c = json_object_array_get_idx(cams, i);
		char vlan[8] = "-", addrs[512], vendor[256], first[32], last[32], mac[32];
		size_t off = 0;

		if (get_u64(c, "vlan"))
			snprintf(vlan, sizeof(vlan), "%llu", (unsigned long long)get_u64(c, "vlan"));
		addrs[0] = 0;
		render_join(get_array(c, "ipv4"), addrs, sizeof(addrs), &off);
		render_join(get_array(c, "ipv6"), addrs, sizeof(addrs), &off);
		if (!o->wide)
			narrow_addresses(c, addrs, sizeof(addrs));
		mismatched += get_bool(c, "mismatch");
		vendor_cell(c, o, vendor, sizeof(vendor));
		/* '*' after the MAC, a column every width shows: an advisory
		 * affects the device (issue 18) */
		vulnerable += get_bool(c, "vulnerable");
		snprintf(mac, sizeof(mac), "%s%s", get_str(c, "mac"), get_bool(c, "vulnerable") ? " *" : "");
		char src[32], drops[64];
		source_cell(c, src, sizeof(src));
		drops_cell(c, drops, sizeof(drops));
		table_add(&t, mac, vendor, get_str(c, "policy"),
			  *get_str(c, "model") ? get_str(c, "model") : "-",
			  *get_str(c, "firmware") ? get_str(c, "firmware") : "-", src, vlan,
			  *get_str(c, "interface") ? get_str(c, "interface") : "-",
			  addrs[0] ? addrs : "-", drops, render_age(get_str(c, "first_seen"), o, first, sizeof(first)),
			  render_age(get_str(c, "last_seen"), o, last, sizeof(last)));
	}
	if ((rc = table_done(&t, out)))
		return rc;
	fprintf(out, "\n%zu devices", array_len(cams));
	if (get_u64(res, "count") > array_len(cams))
		fprintf(out, " of %llu (filtered)", (unsigned long long)get_u64(res, "count"));
	if (get_u64(res, "evicted"))
		fprintf(out, ", %llu evicted (inventory full)",
			(unsigned long long)get_u64(res, "evicted"));
	fputc('\n', out);
	if (mismatched)
		fprintf(out, "!X: %zu device%s announce%s manufacturer X, not the vendor of %s MAC\n",
			mismatched, mismatched == 1 ? "" : "s", mismatched == 1 ? "s" : "",
			mismatched == 1 ? "its" : "their");
	if (vulnerable)
		fprintf(out, "*: %zu device%s run%s firmware with a known vulnerability (see --vulnerable)\n",
			vulnerable, vulnerable == 1 ? "" : "s", vulnerable == 1 ? "s" : "");
	return 0;
}

/* advisories: the loaded entries and how many devices each matches. */
int render_advisories(json_object *res, const struct cg_render_opts *o, FILE *out)
{
	json_object *advs = get_array(res, "advisories");
	struct table t;
	int rc;

	if (!advs)
		return -EINVAL;
	table_init(&t, "llllllrrr", "CVE", "VENDOR", "MODELS", "AFFECTED", "FIXED", "KEV", "EXACT",
		   "LIKELY", "UNKNOWN");
	/* at 80 columns the models and the range are cut first */
	table_layout(&t, o, "99ee7999" "9");
	for (size_t i = 0; i < array_len(advs); i++) {
		json_object *a = json_object_array_get_idx(advs, i), *dev = get(a, "devices");
		char models[256] = "", n[3][24];
		size_t off = 0;

		/* The first pattern and how many more: the full list is in --json. */
		json_object *ml = get_array(a, "models");
		if (array_len(ml))
			off = (size_t)snprintf(models, sizeof(models), "%s",
					       json_object_get_string(json_object_array_get_idx(ml, 0)));
		if (array_len(ml) > 1)
			snprintf(models + off, sizeof(models) - off, " (+%zu)", array_len(ml) - 1);
		snprintf(n[0], sizeof(n[0]), "%llu", (unsigned long long)get_u64(dev, "exact"));
		snprintf(n[1], sizeof(n[1]), "%llu", (unsigned long long)get_u64(dev, "likely"));
		snprintf(n[2], sizeof(n[2]), "%llu", (unsigned long long)get_u64(dev, "unknown"));
		table_add(&t, get_str(a, "cve"), get_str(a, "vendor"), models[0] ? models : "(any)",
			  get_str(a, "affected"), *get_str(a, "fixed") ? get_str(a, "fixed") : "-",
			  get_bool(a, "kev") ? "yes" : "no", n[0], n[1], n[2]);
	}
	if ((rc = table_done(&t, out)))
		return rc;
	fprintf(out, "\n%zu advisor%s loaded; %llu device%s affected (exact or likely)\n",
		array_len(advs), array_len(advs) == 1 ? "y" : "ies",
		(unsigned long long)get_u64(res, "affected_devices"),
		get_u64(res, "affected_devices") == 1 ? "" : "s");
	return 0;
}

/* ---- blocked ---------------------------------------------------------------- */


/* One RFC 4180 field: quoted when it holds a comma, a quote, CR or LF (and
 * when it starts with a space, which spreadsheets would trim). */
void render_csv_field(FILE *out, const char *s, bool last)
{
	if (strpbrk(s, ",\"\r\n") || *s == ' ') {
		fputc('"', out);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', out);
			fputc(*s, out);
		}
		fputc('"', out);
	} else {
		fputs(s, out);
	}
	fputs(last ? "\r\n" : ",", out);
}

int render_cameras_csv(json_object *cameras, json_object *stats, const char *host, FILE *out)
{
	static const char *const header[] = { "host", "mac", "vendor", "model", "firmware", "policy",
					      "addresses", "first_seen", "last_seen", "drops", "would_drops" };
	json_object *cams = get_array(cameras, "cameras"), *devs = get_array(stats, "devices");
	const size_t ncols = sizeof(header) / sizeof(header[0]);

	if (!cams)
		return -EINVAL;
	for (size_t i = 0; i < ncols; i++)
		render_csv_field(out, header[i], i + 1 == ncols);
	for (size_t i = 0; i < array_len(cams); i++) {
		json_object *c = json_object_array_get_idx(cams, i);
		const char *mac = get_str(c, "mac");
		char addrs[1024] = "", drops[24], would[24];
		size_t off = 0;
		uint64_t n = 0, w = 0;

		render_join(get_array(c, "ipv4"), addrs, sizeof(addrs), &off);
		render_join(get_array(c, "ipv6"), addrs, sizeof(addrs), &off);
		for (size_t k = 0; k < array_len(devs); k++) {
			json_object *dv = json_object_array_get_idx(devs, k);
			if (!strcasecmp(get_str(dv, "mac"), mac)) {
				n = get_u64(get(dv, "drop"), "packets");
				w = get_u64(get(dv, "would_drop"), "packets");
				break;
			}
		}
		snprintf(drops, sizeof(drops), "%llu", (unsigned long long)n);
		snprintf(would, sizeof(would), "%llu", (unsigned long long)w);
		const char *row[] = { host, mac, get_str(c, "vendor"), get_str(c, "model"),
				      get_str(c, "firmware"), get_str(c, "policy"), addrs,
				      get_str(c, "first_seen"), get_str(c, "last_seen"), drops, would };
		for (size_t k = 0; k < ncols; k++)
			render_csv_field(out, row[k], k + 1 == ncols);
	}
	return 0;
}
