// SPDX-License-Identifier: GPL-2.0-only
/*
 * test-advisory — the firmware version comparator on every format it
 * claims (Hikvision, Dahua, Axis), advisory ranges and model globs, the
 * confidence of a match, advisory file errors with file:line, a policy's
 * match.advisory naming an unknown CVE, the shipped advisories.conf, and
 * which devices advisory policies take (exposure_moves). Issue 18.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "advisory.h"
#include "exposure.h"
#include "inventory.h"
#include "load.h"
#include "version.h"

#include "test-check.h"

static char tmpdir[256];

static void write_file(const char *name, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", tmpdir, name);
	f = fopen(p, "w");
	if (!f) {
		perror(p);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

/* ---- the comparator --------------------------------------------------------- */

static void expect_version(const char *s, uint8_t nparts, const uint32_t *parts, uint32_t date)
{
	struct cg_version v;
	int r = version_parse(s, &v);

	CHECK(r == 0, "\"%s\": %d", s, r);
	if (r)
		return;
	CHECK(v.nparts == nparts, "\"%s\": %u parts, want %u", s, v.nparts, nparts);
	for (uint8_t i = 0; i < nparts && i < v.nparts; i++)
		CHECK(v.part[i] == parts[i], "\"%s\": part %u is %u, want %u", s, i, v.part[i], parts[i]);
	CHECK(v.date == date, "\"%s\": date %u, want %u", s, v.date, date);
}

static int cmp(const char *a, const char *b, bool *exact)
{
	struct cg_version x, y;

	if (version_parse(a, &x) || version_parse(b, &y)) {
		CHECK(0, "cannot parse \"%s\" or \"%s\"", a, b);
		return 99;
	}
	return version_compare(&x, &y, exact);
}

static void test_versions(void)
{
	/* Hikvision: V, dotted numbers, "build YYMMDD" in any case, with or
	 * without the space (SADP sends "V5.5.82build 190909"). */
	expect_version("V5.5.800 build 190725", 3, (uint32_t[]){ 5, 5, 800 }, 20190725);
	expect_version("V5.4.0 Build 160530", 3, (uint32_t[]){ 5, 4, 0 }, 20160530);
	expect_version("V5.5.82build 190909", 3, (uint32_t[]){ 5, 5, 82 }, 20190909);
	expect_version("  v5.7.3", 3, (uint32_t[]){ 5, 7, 3 }, 0);
	/* Dahua: padded parts, release letter, package date, web page date */
	expect_version("2.800.0000000.13.R", 4, (uint32_t[]){ 2, 800, 0, 13 }, 0);
	expect_version("V2.800.0000016.0.R.201102", 4, (uint32_t[]){ 2, 800, 16, 0 }, 20201102);
	expect_version("2.800.0000000.13.R, Build Date: 2021-06-15", 4, (uint32_t[]){ 2, 800, 0, 13 },
		       20210615);
	expect_version("2.622.0000000.7.R, build date 2019/11/02", 4, (uint32_t[]){ 2, 622, 0, 7 },
		       20191102);
	expect_version("Build Date: 2021-06-15", 0, NULL, 20210615);
	/* Axis */
	expect_version("10.12.182", 3, (uint32_t[]){ 10, 12, 182 }, 0);
	expect_version("9.80.3.8", 4, (uint32_t[]){ 9, 80, 3, 8 }, 0);

	static const char *const bad[] = {
		"", "abc", "V", "V5.4.0 build 161332", "V5.4.0 build 16053", "1.2.3.4.5.6.7.8.9",
		"1234567890.1", "2.800.0000000.13.R, Build Date: 2021-13-01", "build", "V.5",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cg_version v;
		CHECK(version_parse(bad[i], &v) == -EINVAL, "\"%s\" accepted", bad[i]);
	}

	bool exact;
	CHECK(cmp("V5.5.82build 190909", "V5.5.800 build 190725", NULL) < 0, "82 < 800 as numbers");
	CHECK(cmp("2.800.0000000.13.R", "2.800.0000000.25.R", NULL) < 0, "dahua .13 < .25");
	CHECK(cmp("2.800.0000016.0.R", "2.800.0000000.25.R", NULL) > 0, "dahua 16.0 > 0.25");
	CHECK(cmp("10.12.182", "10.12.9", NULL) > 0, "axis 182 > 9");
	CHECK(cmp("10.12", "10.12.0", &exact) == 0 && exact, "missing part is 0");
	CHECK(cmp("V5.4.0 build 160530", "V5.4.0 build 160401", NULL) > 0, "same version, later build");
	CHECK(cmp("V5.4.0 build 160530", "V5.4.0 Build 160530", &exact) == 0 && exact, "equal");
	CHECK(cmp("V5.4.0", "V5.4.0 build 160530", &exact) == 0 && !exact,
	      "one side without a build: undecided");
	CHECK(cmp("V5.4.5 build 170123", "V5.4.0 build 180101", NULL) > 0, "numbers before dates");

	uint32_t d;
	CHECK(version_parse_date("2021-06-01", &d) == 0 && d == 20210601, "iso date");
	CHECK(version_parse_date("210625", &d) == 0 && d == 20210625, "hikvision date");
	CHECK(version_parse_date("2021-6-1", &d) == -EINVAL, "short iso date");
	CHECK(version_parse_date("2021-06-01x", &d) == -EINVAL, "trailing text");
}

/* ---- ranges, globs, confidences --------------------------------------------- */

static const char adv_file[] =
	"advisories = (\n"
	"  { cve = \"CVE-2017-7921\"; vendor = \"Hikvision\"; models = [ \"DS-2CD2??2F-I*\" ];\n"
	"    affected = { from = \"V5.2.0 build 140721\"; to = \"V5.4.0 build 160530\"; };\n"
	"    fixed = \"V5.4.5 build 170123\"; severity = \"critical\"; kev = true;\n"
	"    source = { id = \"ICSA-17-124-01\"; url = \"https://www.cisa.gov/\"; }; },\n"
	"  { cve = \"CVE-2021-36260\"; vendor = \"Hikvision\";\n"
	"    affected = { built_before = \"2021-09-18\"; };\n"
	"    source = { id = \"HSRC-202109-01\"; }; },\n"
	"  { cve = \"CVE-2021-33044\"; vendor = \"Dahua\"; models = [ \"*IPC-H?W3*\" ];\n"
	"    affected = { built_before = \"2021-06-01\"; };\n"
	"    source = { url = \"https://www.dahuasecurity.com/\"; }; },\n"
	"  { cve = \"CVE-2099-0001\"; vendor = \"Axis\"; models = [ \"P32*\" ];\n"
	"    affected = { from = \"10.0\"; before = \"10.12.182\"; };\n"
	"    source = { id = \"TEST\"; }; }\n"
	");\n";

static void test_matching(void)
{
	struct cg_model m = { 0 };
	struct cg_diag d;
	char p[512];

	write_file("adv.conf", adv_file);
	snprintf(p, sizeof(p), "%s/adv.conf", tmpdir);
	diag_init(&d);
	CHECK(advisory_parse_file(p, &m, &d) == 0 && m.nadvisories == 4, "parse: %zu errors", diag_errors(&d));
	diag_print(&d, stderr);
	diag_free(&d);
	if (m.nadvisories != 4) {
		model_free(&m);
		return;
	}
	const struct cg_advisory *a7921 = &m.advisories[0], *a36260 = &m.advisories[1];
	const struct cg_advisory *a33044 = &m.advisories[2], *axis = &m.advisories[3];
	const char *hik = "Hangzhou Hikvision Digital Technology Co.,Ltd.";
	struct {
		const struct cg_advisory *a;
		const char *vendor, *mfr, *model, *fw;
		int want;
	} cases[] = {
		/* exact: model glob and version range; from/to inclusive */
		{ a7921, hik, "Hikvision", "DS-2CD2142F-IWS", "V5.4.0 build 160530", CG_ADV_EXACT },
		{ a7921, hik, "", "DS-2CD2142F-I", "V5.2.0 build 140721", CG_ADV_EXACT },
		{ a7921, "", "HIKVISION", "ds-2cd2142f-i", "V5.3.0 build 150101", CG_ADV_EXACT },
		/* outside: fixed, before the range, after the end build */
		{ a7921, hik, "", "DS-2CD2142F-I", "V5.4.5 build 170123", CG_ADV_NONE },
		{ a7921, hik, "", "DS-2CD2142F-I", "V5.2.0 build 140720", CG_ADV_NONE },
		{ a7921, hik, "", "DS-2CD2142F-I", "V5.4.0 build 160531", CG_ADV_NONE },
		/* another series (FWD), another vendor */
		{ a7921, hik, "", "DS-2CD2142FWD-I", "V5.4.0 build 160530", CG_ADV_NONE },
		{ a7921, "Axis Communications AB", "AXIS", "DS-2CD2142F-I", "V5.4.0 build 160530", CG_ADV_NONE },
		/* model unknown: likely; an undecided edge (no build): likely */
		{ a7921, hik, "", "", "V5.4.0 build 160101", CG_ADV_LIKELY },
		{ a7921, hik, "", "DS-2CD2142F-I", "V5.4.0", CG_ADV_LIKELY },
		/* no firmware, unparseable firmware: unknown */
		{ a7921, hik, "", "DS-2CD2142F-I", "", CG_ADV_UNKNOWN },
		{ a7921, hik, "", "", "", CG_ADV_UNKNOWN },
		{ a7921, hik, "", "DS-2CD2142F-I", "firmware", CG_ADV_UNKNOWN },
		/* no model globs: at most likely; built_before is exclusive */
		{ a36260, hik, "", "DS-2CD2143G0-I", "V5.5.800 build 210628", CG_ADV_LIKELY },
		{ a36260, hik, "", "DS-2CD2143G0-I", "V5.5.820 build 210918", CG_ADV_NONE },
		{ a36260, hik, "", "DS-2CD2143G0-I", "V5.5.820 build 210917", CG_ADV_LIKELY },
		{ a36260, hik, "", "", "V5.7.3", CG_ADV_UNKNOWN },
		/* Dahua: a build-date range needs a date in the firmware string */
		{ a33044, "Zhejiang Dahua Technology Co., Ltd.", "Dahua", "IPC-HFW3241E-SA",
		  "2.800.0000000.13.R, Build Date: 2021-03-15", CG_ADV_EXACT },
		{ a33044, "Zhejiang Dahua Technology Co., Ltd.", "Dahua", "DH-IPC-HDW3841T-ZAS",
		  "V2.800.0000016.0.R.201102", CG_ADV_EXACT },
		{ a33044, "Zhejiang Dahua Technology Co., Ltd.", "Dahua", "IPC-HFW3241E-SA",
		  "2.800.0000000.13.R", CG_ADV_UNKNOWN },
		{ a33044, "Zhejiang Dahua Technology Co., Ltd.", "Dahua", "IPC-HFW3241E-SA",
		  "2.800.0000000.25.R, Build Date: 2021-06-01", CG_ADV_NONE },
		{ a33044, "Zhejiang Dahua Technology Co., Ltd.", "Dahua", "IPC-HFW2431S-S-S2",
		  "2.800.0000000.13.R, Build Date: 2021-03-15", CG_ADV_NONE },
		/* Axis: before is exclusive */
		{ axis, "Axis Communications AB", "AXIS", "P3245-LVE", "10.12.114", CG_ADV_EXACT },
		{ axis, "Axis Communications AB", "AXIS", "P3245-LVE", "10.12.182", CG_ADV_NONE },
		{ axis, "Axis Communications AB", "AXIS", "P3245-LVE", "9.80.3.8", CG_ADV_NONE },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = advisory_match(cases[i].a, cases[i].vendor, cases[i].mfr, cases[i].model, cases[i].fw);
		CHECK(got == cases[i].want, "case %zu: %s %s \"%s\": %s, want %s", i, cases[i].a->cve,
		      cases[i].model, cases[i].fw, advisory_confidence_to_string(got),
		      advisory_confidence_to_string(cases[i].want));
	}
	CHECK(!strcmp(a7921->range, "from V5.2.0 build 140721, to V5.4.0 build 160530"), "range \"%s\"",
	      a7921->range);
	CHECK(!strcmp(a36260->range, "built before 2021-09-18"), "range \"%s\"", a36260->range);
	CHECK(a7921->kev && a7921->severity == CG_SEV_CRITICAL && !a36260->kev &&
	      a36260->severity == CG_SEV_HIGH, "kev and severity defaults");
	model_free(&m);
}

/* ---- errors with file:line --------------------------------------------------- */

static void expect_error(const char *text, int line, const char *needle)
{
	struct cg_model m = { 0 };
	struct cg_diag d;
	char p[512];
	bool found = false;

	write_file("bad.conf", text);
	snprintf(p, sizeof(p), "%s/bad.conf", tmpdir);
	diag_init(&d);
	int r = advisory_parse_file(p, &m, &d);
	for (size_t i = 0; i < d.nentries; i++)
		found |= d.entries[i].severity == CG_DIAG_ERROR && d.entries[i].line == line &&
			 d.entries[i].file && !strcmp(d.entries[i].file, p) &&
			 strstr(d.entries[i].message, needle);
	CHECK(r == -EINVAL && found, "want \"%s\" at line %d, got r=%d:", needle,
	      line, r);
	if (!found || r != -EINVAL)
		diag_print(&d, stderr);
	diag_free(&d);
	model_free(&m);
}

#define SRC "source = { id = \"X\"; };"

static void test_errors(void)
{
	expect_error("advisories = ( { vendor = \"Hikvision\";\n affected = { before = \"1.0\"; }; " SRC " } );\n",
		     1, "has no 'cve'");
	expect_error("advisories = (\n { cve = \"CVE-21-1\"; vendor = \"Hikvision\"; affected = { before = \"1.0\"; }; " SRC " } );\n",
		     2, "invalid CVE id");
	expect_error("advisories = (\n { cve = \"CVE-2021-36260\"; vendor = \"Hikvision\";\n"
		     "   affected = {\n from = \"V5.4.0 build 161332\"; }; " SRC " } );\n",
		     4, "invalid firmware version");
	expect_error("advisories = (\n { cve = \"CVE-2021-36260\"; vendor = \"Hikvision\";\n"
		     "   affected = { }; " SRC " } );\n", 3, "is empty");
	expect_error("advisories = (\n { cve = \"CVE-2021-36260\"; vendor = \"Hikvision\";\n"
		     "   affected = { to = \"2.0\"; before = \"3.0\"; }; " SRC " } );\n", 3, "not both");
	expect_error("advisories = (\n { cve = \"CVE-2021-36260\"; vendor = \"Hikvision\";\n"
		     "   affected = { from = \"3.0\"; to = \"2.0\"; }; " SRC " } );\n", 3, "range is empty");
	expect_error("advisories = (\n { cve = \"CVE-2021-36260\"; vendor = \"Hikvision\";\n"
		     "   affected = { built_before = \"2021-02-30x\"; }; " SRC " } );\n", 3, "invalid build date");
	expect_error("advisories = (\n { cve = \"CVE-2021-36260\"; vendor = \"Hikvision\"; affected = { before = \"1.0\"; }; } );\n",
		     2, "has no 'source'");
	expect_error("advisories = (\n { cve = \"CVE-2021-36260\"; vendor = \"Hikvision\"; affected = { before = \"1.0\"; };\n"
		     "   " SRC "\n   severity = \"severe\"; } );\n", 4, "invalid value \"severe\"");
	expect_error("advisories = (\n { cve = \"CVE-2021-36260\"; vendor = \"Hikvision\"; affected = { before = \"1.0\"; };\n"
		     "   " SRC "\n   colour = \"red\"; } );\n", 4, "unknown key");
	expect_error("advisories = (\n { cve = \"CVE-2021-36260\"; vendor = \"Hikvision\"; affected = { before = \"1.0\"; };\n"
		     "   source = { url = \"ftp://x\"; }; } );\n", 3, "not an http(s) address");
	expect_error("advisories = (\n { cve = \"CVE-2021-36260\"; vendor = \"Hi\"; affected = { before = \"1.0\"; }; " SRC " } );\n",
		     2, "too short");
	expect_error("advisories = (\n { cve = \"CVE-2021-36260\"; vendor = \"Hikvision\"; affected = { before = \"1.0\"; }; " SRC
		     "\n   kev = \"yes\"; } );\n", 3, "kev");
	expect_error("advisories = ( { cve = \"CVE-2021-36260\"\n", 2, "syntax error");
}

/* ---- policies, the load, exposure_moves --------------------------------------- */

static void setup_load(const char *policy_extra)
{
	char p[512], text[2048];

	snprintf(p, sizeof(p), "%s/policies.d", tmpdir);
	mkdir(p, 0755);
	snprintf(text, sizeof(text),
		 "interfaces = ( { name = \"cam0\"; } );\nenclave = [ \"192.0.2.0/24\" ];\n"
		 "policy_dir = \"policies.d\";\nadvisories = \"adv.conf\";\n");
	write_file("camguard.conf", text);
	write_file("policies.d/unknown.conf", "name = \"unknown\";\nallow = ( { to = \"enclave\"; } );\n");
	write_file("policies.d/hikvision.conf", "name = \"hikvision\";\nmatch = { oui = [ \"44:19:B6\" ]; };\n"
		   "allow = ( { to = \"enclave\"; } );\n");
	snprintf(text, sizeof(text), "name = \"exposed\";\nmatch = {\n%s\n};\n", policy_extra);
	write_file("policies.d/exposed.conf", text);
	write_file("adv.conf", adv_file);
}

static void test_policies(void)
{
	struct cg_model m;
	struct cg_diag d;
	char conf[512];
	int r;

	snprintf(conf, sizeof(conf), "%s/camguard.conf", tmpdir);

	setup_load("  advisory = [ \"CVE-2017-7921\", \"CVE-2020-0000\" ];");
	diag_init(&d);
	r = model_load(conf, &m, &d);
	bool found = false;
	for (size_t i = 0; i < d.nentries; i++)
		found |= d.entries[i].line == 3 && strstr(d.entries[i].message, "no advisory \"CVE-2020-0000\"");
	CHECK(r == -EINVAL && found && diag_errors(&d) == 1, "unknown CVE in a policy: r=%d", r);
	if (!found || diag_errors(&d) != 1)
		diag_print(&d, stderr);
	diag_free(&d);

	setup_load("  advisory = [ \"CVE-2017-7921\" ];\n  vulnerable = 1;");
	diag_init(&d);
	r = model_load(conf, &m, &d);
	bool typed = false;
	for (size_t i = 0; i < d.nentries; i++)
		typed |= d.entries[i].line == 4 && strstr(d.entries[i].message, "match.vulnerable");
	CHECK(r == -EINVAL && typed, "vulnerable must be a boolean: r=%d", r);
	if (!typed)
		diag_print(&d, stderr);
	diag_free(&d);

	setup_load("  advisory = [ \"CVE-2017-7921\" ];");
	diag_init(&d);
	r = model_load(conf, &m, &d);
	CHECK(r == 0 && diag_warnings(&d) == 0 && m.nadvisories == 4, "load: r=%d, %zu warnings", r,
	      diag_warnings(&d));
	diag_print(&d, stderr);
	diag_free(&d);
	if (r)
		return;

	/* Devices: affected exact, affected by another CVE only, fixed, not announced. */
	struct cg_inventory *inv;
	CHECK(inventory_new(64, &inv) == 0, "inventory");
	static const struct {
		uint8_t mac[6];
		const char *model, *fw;
	} devs[] = {
		{ { 0x44, 0x19, 0xb6, 0, 0, 1 }, "DS-2CD2142F-I", "V5.4.0 build 160530" },   /* 7921 exact */
		{ { 0x44, 0x19, 0xb6, 0, 0, 2 }, "DS-2CD2143G0-I", "V5.5.82build 190909" },  /* 36260 only */
		{ { 0x44, 0x19, 0xb6, 0, 0, 3 }, "DS-2CD2142F-I", "V5.5.0 build 211001" },    /* fixed */
		{ { 0x44, 0x19, 0xb6, 0, 0, 4 }, "", "" },                                   /* silent */
	};
	for (size_t i = 0; i < 4; i++) {
		struct cg_inv_device *dev = inventory_touch(inv, devs[i].mac, 1000, NULL);
		snprintf(dev->vendor, sizeof(dev->vendor), "Hangzhou Hikvision Digital Technology Co.,Ltd.");
		snprintf(dev->facts[CG_INV_MODEL].value, sizeof(dev->facts[0].value), "%s", devs[i].model);
		snprintf(dev->facts[CG_INV_FIRMWARE].value, sizeof(dev->facts[0].value), "%s", devs[i].fw);
		CHECK(exposure_match_device(&m, dev) == (i != 2), "device %zu: matches changed", i);
		CHECK(!exposure_match_device(&m, dev), "device %zu: recomputing changes nothing", i);
	}
	struct cg_inv_device *d1 = inventory_find(inv, devs[0].mac), *d4 = inventory_find(inv, devs[3].mac);
	CHECK(d1->nadv == 2 && d1->adv[0].confidence == CG_ADV_EXACT && d1->adv[0].advisory == 0 &&
	      d1->adv[1].confidence == CG_ADV_LIKELY && d1->adv[1].advisory == 1,
	      "device 1: exact 7921 then likely 36260 (%u)", d1->nadv);
	CHECK(exposure_worst(inventory_find(inv, devs[2].mac)) == CG_ADV_NONE, "fixed firmware: no match");
	CHECK(d4->nadv == 2 && exposure_worst(d4) == CG_ADV_UNKNOWN, "silent device: unknown (%u)", d4->nadv);

	struct cg_moved_device *mv;
	size_t n;
	int pol = model_find_policy(&m, "exposed");
	CHECK(exposure_moves(&m, inv, &mv, &n) == 0 && n == 1 && !memcmp(mv[0].mac, devs[0].mac, 6) &&
	      mv[0].policy == pol && mv[0].advisory == 0 && mv[0].confidence == CG_ADV_EXACT,
	      "advisory = [CVE-2017-7921] takes device 1 only (%zu)", n);
	CHECK(exposure_find_move(mv, n, devs[0].mac) && !exposure_find_move(mv, n, devs[1].mac), "find");
	free(mv);

	/* vulnerable = true takes every exact or likely device. */
	m.policies[pol].vulnerable = true;
	CHECK(exposure_moves(&m, inv, &mv, &n) == 0 && n == 2, "vulnerable: %zu devices", n);
	free(mv);

	/* The firmware update: device 1 announces the fixed version. */
	struct cg_inv_device *dev = inventory_find(inv, devs[0].mac);
	snprintf(dev->facts[CG_INV_FIRMWARE].value, sizeof(dev->facts[0].value), "V5.5.0 build 211001");
	CHECK(exposure_match_device(&m, dev) && exposure_worst(dev) == CG_ADV_NONE, "updated: no match");
	CHECK(exposure_moves(&m, inv, &mv, &n) == 0 && n == 1 && !memcmp(mv[0].mac, devs[1].mac, 6),
	      "updated device leaves the policy (%zu)", n);
	free(mv);

	/* An explicitly listed MAC keeps its policy. */
	struct cg_device_spec spec = { .mac = { 0x44, 0x19, 0xb6, 0, 0, 2 } };
	struct cg_policy_spec *hp = &m.policies[model_find_policy(&m, "hikvision")];
	struct cg_device_spec *saved = hp->devices;
	hp->devices = &spec;
	hp->ndevices = 1;
	CHECK(exposure_moves(&m, inv, &mv, &n) == 0 && n == 0, "listed device not moved (%zu)", n);
	free(mv);
	hp->devices = saved;
	hp->ndevices = 0;

	inventory_free(inv);
	model_free(&m);
}

int main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test-advisory.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_versions();
	test_matching();
	test_errors();
	test_policies();
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	printf("%d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
