/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * syntax.c — owns the value grammars of the policy files (MAC, OUI,
 * prefix, ports, durations, names, labels). See syntax.h. Strict parsers:
 * anything they do not fully consume is an error, so a typo never silently
 * widens a rule.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "syntax.h"

const char *syntax_prefix_hint(const char *s, char *buf, size_t size)
{
	const char *slash = strchr(s, '/');
	struct in_addr mask;
	char addr[INET6_ADDRSTRLEN + 1];

	buf[0] = 0;
	if (!slash || !strchr(slash + 1, '.') || inet_pton(AF_INET, slash + 1, &mask) != 1)
		return buf;
	uint32_t m = ntohl(mask.s_addr);
	int len = __builtin_popcount(m);
	/* contiguous: the ones first, then only zeros */
	if (len && (m << len) != 0 && len < 32) {
		snprintf(buf, size, " (%s is not a contiguous netmask)", slash + 1);
		return buf;
	}
	snprintf(addr, sizeof(addr), "%.*s", (int)(slash - s < (long)sizeof(addr) - 1 ? slash - s : 0), s);
	snprintf(buf, size, " (a netmask: write \"%s/%d\")", addr, len);
	return buf;
}

static int parse_port(const char *s, size_t n, uint16_t *ret, const char **why)
{
	unsigned long v = 0;

	if (n == 0 || n > 5) {
		*why = n ? "port out of range (1-65535)" : "empty port";
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i])) {
			*why = "not a number";
			return -EINVAL;
		}
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v < 1 || v > 65535) {
		*why = "port out of range (1-65535)";
		return -EINVAL;
	}
	*ret = (uint16_t)v;
	return 0;
}

int syntax_parse_ports(const char *s, struct cg_port_range *ret, size_t max, size_t *ret_n,
		       const char **ret_why, char *tokbuf, size_t tokbuf_size)
{
	size_t n = 0;
	const char *p = s;

	*ret_why = NULL;
	if (tokbuf_size)
		tokbuf[0] = 0;
	for (;;) {
		const char *start, *end, *dash;
		struct cg_port_range r;

		while (*p == ' ' || *p == '\t')
			p++;
		start = p;
		while (*p && *p != ',')
			p++;
		end = p;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (tokbuf_size)
			snprintf(tokbuf, tokbuf_size, "%.*s", (int)(end - start), start);
		dash = memchr(start, '-', (size_t)(end - start));
		if (dash) {
			if (parse_port(start, (size_t)(dash - start), &r.lo, ret_why) < 0 ||
			    parse_port(dash + 1, (size_t)(end - dash - 1), &r.hi, ret_why) < 0)
				return -EINVAL;
			if (r.lo > r.hi) {
				*ret_why = "range is reversed (low-high)";
				return -EINVAL;
			}
		} else {
			if (parse_port(start, (size_t)(end - start), &r.lo, ret_why) < 0)
				return -EINVAL;
			r.hi = r.lo;
		}
		if (n >= max) {
			*ret_why = "too many ports and ranges";
			return -E2BIG;
		}
		ret[n++] = r;
		if (!*p)
			break;
		p++; /* ',' */
	}
	*ret_n = n;
	return 0;
}

bool syntax_valid_name(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++) {
		char c = s[n];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return false;
	}
	return n >= 1 && n < CG_NAME_MAX;
}

bool syntax_valid_utf8(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		unsigned c = *s;
		size_t n;
		unsigned cp;

		if (c < 0x80) {
			s++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		for (size_t i = 1; i <= n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i] & 0x3f);
		}
		/* overlong forms, surrogates, beyond U+10FFFF */
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return false;
		s += n + 1;
	}
	return true;
}

int syntax_parse_duration(const char *s, int64_t *ret_seconds)
{
	static const struct { char unit; int64_t mult; } units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 },
	};
	int64_t v = 0;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		v = v * 10 + (*p - '0');
		if (v > INT32_MAX)
			return -EINVAL;
	}
	if (!*p) {
		*ret_seconds = v;
		return 0;
	}
	if (p[1])
		return -EINVAL;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (*p == units[i].unit) {
			*ret_seconds = v * units[i].mult;
			return 0;
		}
	return -EINVAL;
}

bool syntax_valid_label_name(const char *s)
{
	if (!s[0] || isdigit((unsigned char)s[0]) || (s[0] == '_' && s[1] == '_'))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}
