/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * advisory.h — which devices run firmware with a known vulnerability.
 *
 * The advisory file (policies/advisories.conf, installed next to
 * camguard.conf; an admin adds advisories.d/NAME.conf beside it) lists one
 * entry per CVE and model series:
 *
 *   advisories = (
 *     { cve = "CVE-2017-7921"; vendor = "Hikvision"; models = [ "DS-2CD2??2F-I*" ];
 *       affected = { from = "V5.2.0 build 140721"; to = "V5.4.0 build 160530"; };
 *       fixed = "V5.4.5 build 170123"; severity = "critical"; kev = true;
 *       source = { id = "ICSA-17-124-01"; url = "https://..."; }; note = "..."; } );
 *
 * affected takes from (inclusive), to (inclusive) or before (exclusive)
 * firmware versions (version.h) and built_from (inclusive) / built_before
 * (exclusive) build dates "YYYY-MM-DD"; every key given must hold.
 *
 * A device matches an entry when its MAC's vendor or its announced
 * manufacturer contains `vendor` (case-insensitive) and, when it announced a
 * model and the entry has models, the model matches one of the globs
 * (fnmatch, case-insensitive). The confidence:
 *   exact    model matches a glob and the firmware is in the range;
 *   likely   firmware in the range, but the model family is not known (no
 *            model announced, or an entry without model globs), or the
 *            range's edge could not be decided exactly (a build date on one
 *            side only);
 *   unknown  no firmware announced, or one the range cannot be applied to
 *            (a build-date range and a firmware string without a date).
 * A device whose firmware is outside the range, or whose announced model
 * matches none of the globs, does not match at all.
 */
#ifndef CAMGUARD_ADVISORY_H
#define CAMGUARD_ADVISORY_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "model.h"
#include "version.h"

#define CG_MAX_ADVISORIES      4096
#define CG_ADV_MAX_MODELS      64

enum cg_adv_confidence {
	CG_ADV_NONE = 0,
	CG_ADV_UNKNOWN,
	CG_ADV_LIKELY,
	CG_ADV_EXACT,
};

enum cg_adv_severity {
	CG_SEV_LOW = 0,
	CG_SEV_MEDIUM,
	CG_SEV_HIGH,
	CG_SEV_CRITICAL,
};


const char *advisory_confidence_to_string(int c);
int advisory_confidence_from_string(const char *s);   /* -EINVAL if unknown */
const char *advisory_severity_to_string(int s);
int advisory_severity_from_string(const char *s);

/* Parse one advisory file and append its entries to m->advisories. 0,
 * -EINVAL (errors recorded with file:line) or -ENOMEM. (struct cg_advisory
 * is in model.h: the model owns and frees it.) */
int advisory_parse_file(const char *path, struct cg_model *m, struct cg_diag *d);

/* The confidence with which a device described by these facts (each "" when
 * unknown) is affected by a; CG_ADV_NONE when it is not. */
int advisory_match(const struct cg_advisory *a, const char *vendor, const char *manufacturer,
		   const char *model, const char *firmware);

/* Index of the first advisory with this CVE id, or -1. */
int advisory_find(const struct cg_model *m, const char *cve);

#endif
