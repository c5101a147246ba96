// SPDX-License-Identifier: GPL-2.0-only
/*
 * version.c — owns parsing and comparing camera firmware versions. See
 * version.h. A small hand-written scanner: no vendor
 * library parses these strings, and a regular expression per vendor would
 * hide the one rule that matters (numbers compare as numbers, "0000000"
 * is 0 and "82" > "800" is false).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "version.h"

static bool valid_ymd(unsigned y, unsigned m, unsigned d)
{
	return y >= 1990 && y <= 2099 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

/* Exactly n digits at s (not followed by another digit): their value. */
static int digits(const char *s, int n, unsigned *ret)
{
	unsigned v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -EINVAL;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (isdigit((unsigned char)s[n]))
		return -EINVAL;
	*ret = v;
	return 0;
}

/* "YYMMDD" at s (Hikvision builds, Dahua package names). */
static int yymmdd(const char *s, uint32_t *ret)
{
	unsigned v;

	if (digits(s, 6, &v) < 0 || !valid_ymd(2000 + v / 10000, v / 100 % 100, v % 100))
		return -EINVAL;
	*ret = 20000000u + v;
	return 0;
}

/* "YYYY-MM-DD" or "YYYY/MM/DD" at s; *ret_len gets the length read. */
static int iso_date(const char *s, uint32_t *ret, size_t *ret_len)
{
	unsigned y, m, d;

	if (digits(s, 4, &y) < 0 || (s[4] != '-' && s[4] != '/') || s[7] != s[4] ||
	    digits(s + 5, 2, &m) < 0 || digits(s + 8, 2, &d) < 0 || !valid_ymd(y, m, d))
		return -EINVAL;
	*ret = y * 10000 + m * 100 + d;
	if (ret_len)
		*ret_len = 10;
	return 0;
}

int version_parse_date(const char *s, uint32_t *ret)
{
	size_t n;

	if (iso_date(s, ret, &n) == 0 && s[n] == 0)
		return 0;
	if (strlen(s) == 6 && yymmdd(s, ret) == 0)
		return 0;
	return -EINVAL;
}

void version_format_date(uint32_t date, char *buf, size_t size)
{
	snprintf(buf, size, "%04u-%02u-%02u", date / 10000, date / 100 % 100, date % 100);
}

/* The build date in the rest of the string: "Build Date: 2021-06-15"
 * (Dahua's web page, also "build date 2021/06/15") or "build 190725"
 * (Hikvision, with or without the space). */
static int find_build(const char *s, uint32_t *ret)
{
	for (const char *p = s; (p = strcasestr(p, "build")); p += 5) {
		const char *q = p + 5;
		size_t n;

		while (*q == ' ' || *q == '\t')
			q++;
		if (!strncasecmp(q, "date", 4)) {
			q += 4;
			while (*q == ' ' || *q == '\t' || *q == ':' || *q == '=')
				q++;
			if (iso_date(q, ret, &n) == 0)
				return 0;
			return -EINVAL;
		}
		if (*q == ':')
			q++;
		while (*q == ' ' || *q == '\t')
			q++;
		if (iso_date(q, ret, &n) == 0 || yymmdd(q, ret) == 0)
			return 0;
		return -EINVAL;
	}
	return -ENOENT;
}

int version_parse(const char *s, struct cg_version *ret)
{
	struct cg_version v = { 0 };
	const char *p = s;
	int r;

	while (*p == ' ' || *p == '\t')
		p++;
	if ((*p == 'V' || *p == 'v') && isdigit((unsigned char)p[1]))
		p++;
	while (isdigit((unsigned char)*p)) {
		uint64_t n = 0;
		int len = 0;

		/* Dahua pads a part to seven digits ("0000000"); more than nine
		 * significant ones is not a version. */
		while (*p == '0' && isdigit((unsigned char)p[1]))
			p++;
		for (; isdigit((unsigned char)*p); p++, len++)
			n = n * 10 + (uint64_t)(*p - '0');
		if (len > 9 || v.nparts == CG_VERSION_PARTS)
			return -EINVAL;
		v.part[v.nparts++] = (uint32_t)n;
		if (*p != '.' || !isdigit((unsigned char)p[1]))
			break;
		p++;
	}
	/* Dahua: ".R" (release) or ".T", then maybe the package's ".YYMMDD". */
	if (v.nparts && *p == '.' && isalpha((unsigned char)p[1])) {
		p++;
		while (isalpha((unsigned char)*p))
			p++;
		if (*p == '.' && yymmdd(p + 1, &v.date) == 0)
			p += 7;
	}
	if (!v.date) {
		r = find_build(p, &v.date);
		if (r == -EINVAL)
			return r;
	}
	if (!v.nparts && !v.date)
		return -EINVAL;
	*ret = v;
	return 0;
}

int version_compare(const struct cg_version *a, const struct cg_version *b, bool *ret_exact)
{
	uint8_t n = a->nparts > b->nparts ? a->nparts : b->nparts;

	if (ret_exact)
		*ret_exact = true;
	for (uint8_t i = 0; i < n; i++) {
		uint32_t x = i < a->nparts ? a->part[i] : 0, y = i < b->nparts ? b->part[i] : 0;

		if (x != y)
			return x < y ? -1 : 1;
	}
	if (a->date && b->date)
		return a->date < b->date ? -1 : a->date > b->date;
	if ((a->date || b->date) && ret_exact)
		*ret_exact = false;
	return 0;
}
