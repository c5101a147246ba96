/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * version.h — firmware version strings as cameras announce them, compared.
 *
 * Vendors write versions their own way, and an advisory's range is only as
 * good as the comparison behind it. Understood forms (tested one by one in
 * tests/unit/test-advisory.c):
 *
 *   Hikvision  "V5.5.800 build 190725", "V5.4.0 Build 160530",
 *              "V5.5.82build 190909" (no space, as some SADP replies send it)
 *              -> numbers 5.5.800, build date 2019-07-25 (YYMMDD)
 *   Dahua      "2.800.0000000.13.R", "V2.800.0000016.0.R.201102" (package
 *              name suffix YYMMDD), "2.800.0000000.13.R, Build Date: 2021-06-15"
 *              -> numbers 2.800.0.13 (the letter is the release type), date
 *   Axis       "10.12.182", "9.80.3.8"
 *
 * Numbers compare numerically part by part (a missing part is 0, so
 * "10.12" == "10.12.0"); on equal numbers the build dates decide when both
 * carry one. When only one side carries a date the order is undecided:
 * version_compare() says so, and the caller treats it as "cannot tell
 * exactly" rather than guessing.
 */
#ifndef CAMGUARD_VERSION_H
#define CAMGUARD_VERSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CG_VERSION_PARTS 8

struct cg_version {
	uint32_t part[CG_VERSION_PARTS];
	uint8_t nparts;       /* 0: the string carries a build date only */
	uint32_t date;        /* build date as YYYYMMDD; 0 = none */
};

/* 0, or -EINVAL when s carries neither a version number nor a build date
 * (or a malformed one: a month 13, 10 parts, a 12-digit number). */
int version_parse(const char *s, struct cg_version *ret);

/* "2021-06-01" (also '/' separated) or Hikvision's "210601" into YYYYMMDD.
 * 0 or -EINVAL. */
int version_parse_date(const char *s, uint32_t *ret);

/* <0, 0, >0 like strcmp. Both must have version numbers. *ret_exact
 * (may be NULL) is false when the numbers are equal and only one side has
 * a build date: 0 then means "same release, order unknown". */
int version_compare(const struct cg_version *a, const struct cg_version *b, bool *ret_exact);

/* "YYYY-MM-DD" of a YYYYMMDD date (buf of 11 bytes or more). */
void version_format_date(uint32_t date, char *buf, size_t size);

#endif
