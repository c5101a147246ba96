// SPDX-License-Identifier: GPL-2.0-only
/*
 * render.c — what every camguardctl table shares: the command → printer
 * dispatch, human numbers, short vendor names, ages of the daemon's
 * timestamps and joined address lists. The tables themselves are in
 * render-stats.c (stats, blocked, --prometheus), render-cameras.c
 * (cameras, its --summary, --vulnerable and --csv, advisories) and
 * render-status.c (status, reload, probe); the layout engine in table.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "render.h"
#include "render-util.h"

/* The plain printer of each command: what render_command() calls. */
static const render_fn printers[CG_CMD_MAX] = {
	[CG_CMD_STATS] = render_stats,
	[CG_CMD_CAMERAS] = render_cameras,
	[CG_CMD_BLOCKED] = render_blocked,
	[CG_CMD_STATUS] = render_status,
	[CG_CMD_RELOAD] = render_reload,
	[CG_CMD_ADVISORIES] = render_advisories,
	[CG_CMD_PROBE] = render_probe,
};

int render_command(enum cg_command cmd, json_object *result, const struct cg_render_opts *opts,
		   FILE *out)
{
	static const struct cg_render_opts defaults = { .width = CG_RENDER_WIDTH_DEFAULT };

	if (!result || !json_object_is_type(result, json_type_object))
		return -EINVAL;
	if ((unsigned)cmd >= CG_CMD_MAX || !printers[cmd])
		return -EINVAL;
	return printers[cmd](result, opts ? opts : &defaults, out);
}

/* ---- human numbers ------------------------------------------------------- */

static void scaled(uint64_t v, unsigned base, const char *const *units, const char *sep,
		   char *buf, size_t len)
{
	double x = (double)v;
	int u = 0;

	if (v < base) {
		snprintf(buf, len, "%llu%s%s", (unsigned long long)v, units[0][0] ? sep : "",
			 units[0]);
		return;
	}
	while (x >= base && units[u + 1]) {
		x /= base;
		u++;
	}
	/* 999.96 would print as "1000.0": step up instead. */
	if (x >= base - 0.05 && units[u + 1]) {
		x /= base;
		u++;
	}
	snprintf(buf, len, x < 10 ? "%.1f%s%s" : "%.0f%s%s", x, sep, units[u]);
}

void render_human_count(uint64_t v, char *buf, size_t len)
{
	static const char *const units[] = { "", "k", "M", "G", "T", "P", "E", NULL };
	scaled(v, 1000, units, "", buf, len);
}

void render_human_bytes(uint64_t v, char *buf, size_t len)
{
	static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB", NULL };
	scaled(v, 1000, units, " ", buf, len);
}

/* ---- short vendor names --------------------------------------------------- */

/*
 * IEEE organisation names are long ("Hangzhou Hikvision Digital Technology
 * Co.,Ltd." is 44 characters) and a table of cameras is read by brand. The
 * camera makers camguard ships policies for, and their OEM and registry
 * spellings, get their brand name; anything else its first word that is not
 * a place, a company form or a generic word.
 */
static const struct {
	const char *word;       /* matched case-insensitively as a word prefix */
	const char *name;
} short_vendors[] = {
	{ "hikvision", "Hikvision" },   { "hikrobot", "Hikrobot" },    { "ezviz", "EZVIZ" },
	{ "dahua", "Dahua" },           { "huacheng", "Dahua" },       { "amcrest", "Amcrest" },
	{ "lorex", "Lorex" },           { "axis", "Axis" },            { "hanwha", "Hanwha" },
	{ "samsung techwin", "Hanwha" }, { "bosch", "Bosch" },         { "vcs video", "Bosch" },
	{ "uniview", "Uniview" },       { "tiandy", "Tiandy" },        { "lt security", "LTS" },
	{ "vivotek", "Vivotek" },       { "mobotix", "Mobotix" },      { "avigilon", "Avigilon" },
	{ "pelco", "Pelco" },           { "panasonic", "Panasonic" },  { "sony", "Sony" },
	{ "honeywell", "Honeywell" },   { "reolink", "Reolink" },      { "milesight", "Milesight" },
	{ "tp-link", "TP-Link" },       { "foscam", "Foscam" },        { "grandstream", "Grandstream" },
	{ "ubiquiti", "Ubiquiti" },     { "hanwha", "Hanwha" },
};

static const char *const vendor_filler[] = {
	"hangzhou", "zhejiang", "shenzhen", "beijing", "shanghai", "guangzhou", "prama", "the",
	"co", "ltd", "inc", "corp", "corporation", "company", "technology", "technologies",
	"digital", "gmbh", "ab", "llc", "limited", "electronics", "systems", "security",
};

static bool word_start(const char *s, size_t i)
{
	return i == 0 || !((s[i - 1] >= 'a' && s[i - 1] <= 'z') || (s[i - 1] >= 'A' && s[i - 1] <= 'Z'));
}

const char *render_short_vendor(const char *org, char *buf, size_t len)
{
	if (!len)
		return buf;
	buf[0] = 0;
	if (!org || !*org)
		return buf;
	for (size_t k = 0; k < sizeof(short_vendors) / sizeof(short_vendors[0]); k++) {
		size_t wl = strlen(short_vendors[k].word);
		for (size_t i = 0; org[i]; i++)
			if (word_start(org, i) && strncasecmp(org + i, short_vendors[k].word, wl) == 0) {
				snprintf(buf, len, "%s", short_vendors[k].name);
				return buf;
			}
	}
	/* The first word that says which company: letters, digits, '-', '&'. */
	for (const char *p = org; *p;) {
		while (*p && !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			       (*p >= '0' && *p <= '9') || (unsigned char)*p >= 0x80))
			p++;
		const char *w = p;
		while (*p && *p != ' ' && *p != ',' && *p != '.' && *p != '(' && *p != ')' && *p != '"')
			p++;
		size_t n = (size_t)(p - w);
		bool filler = n == 0;
		for (size_t k = 0; !filler && k < sizeof(vendor_filler) / sizeof(vendor_filler[0]); k++)
			filler = strlen(vendor_filler[k]) == n && strncasecmp(w, vendor_filler[k], n) == 0;
		if (!filler) {
			snprintf(buf, len, "%.*s", (int)(n > 16 ? 16 : n), w);
			return buf;
		}
	}
	snprintf(buf, len, "%.16s", org);
	return buf;
}

/* ---- times and lists --------------------------------------------------------- */

/* "2026-01-02T03:04:05Z" (as the daemon writes times) -> seconds, or -1. */
static int64_t parse_time(const char *s)
{
	struct tm tm = {};
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end || (*end && *end != 'Z'))
		return -1;
	return (int64_t)timegm(&tm);
}

/* "45s ago", "12m ago", "3h ago", "5d ago"; the time itself when it is not
 * one the daemon wrote. */
const char *render_age(const char *when, const struct cg_render_opts *o, char *buf, size_t len)
{
	int64_t t = parse_time(when), now = o->now ? o->now : (int64_t)time(NULL);
	if (t < 0 || o->wide) {
		snprintf(buf, len, "%s", when);
		return buf;
	}
	uint64_t d = now > t ? (uint64_t)(now - t) : 0;
	if (d < 60)
		snprintf(buf, len, "%llus ago", (unsigned long long)d);
	else if (d < 3600)
		snprintf(buf, len, "%llum ago", (unsigned long long)(d / 60));
	else if (d < 86400)
		snprintf(buf, len, "%lluh ago", (unsigned long long)(d / 3600));
	else
		snprintf(buf, len, "%llud ago", (unsigned long long)(d / 86400));
	return buf;
}

void render_join(json_object *a, char *buf, size_t len, size_t *off)
{
	for (size_t i = 0; i < array_len(a); i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(a, i));
		*off += (size_t)snprintf(buf + *off, *off < len ? len - *off : 0, "%s%s",
					 *off ? "," : "", s ? s : "");
	}
}
