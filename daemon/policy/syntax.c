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

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int syntax_parse_mac(const char *s, uint8_t ret_mac[6])
{
	char sep = 0;

	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[0]), lo = hi < 0 ? -1 : hexval(s[1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		ret_mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i == 5)
			break;
		if (*s != ':' && *s != '-')
			return -EINVAL;
		if (sep && *s != sep)
			return -EINVAL;
		sep = *s++;
	}
	return *s ? -EINVAL : 0;
}

int syntax_parse_oui(const char *s, uint8_t ret_bytes[5], uint8_t *ret_bits)
{
	uint8_t b[5] = { 0 };
	size_t ndig = 0;

	for (; *s; s++) {
		int v = hexval(*s);

		if (v >= 0) {
			if (ndig >= 9)
				return -EINVAL;
			b[ndig / 2] |= (uint8_t)(ndig % 2 ? v : v << 4);
			ndig++;
		} else if ((*s == ':' || *s == '-') && ndig > 0 && ndig % 2 == 0 && s[1]) {
			continue;
		} else {
			return -EINVAL;
		}
	}
	if (ndig != 6 && ndig != 7 && ndig != 9)
		return -EINVAL;
	memcpy(ret_bytes, b, 5);
	*ret_bits = (uint8_t)(ndig * 4);
	return 0;
}

int syntax_parse_prefix(const char *s, struct cg_prefix *ret)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long len;
	int maxlen;

	memset(ret, 0, sizeof(*ret));
	if (alen == 0 || alen >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, s, alen);
	addr[alen] = 0;
	if (inet_pton(AF_INET, addr, ret->addr) == 1) {
		ret->family = 4;
		maxlen = 32;
	} else if (inet_pton(AF_INET6, addr, ret->addr) == 1) {
		ret->family = 6;
		maxlen = 128;
	} else {
		return -EINVAL;
	}
	if (slash) {
		const char *p = slash + 1;

		/* digits only: strtoul would take "+1", " 1" and "0x10" */
		if (!*p || strlen(p) > 3)
			return -EINVAL;
		len = 0;
		for (; *p; p++) {
			if (!isdigit((unsigned char)*p))
				return -EINVAL;
			len = len * 10 + (unsigned long)(*p - '0');
		}
		if (len > (unsigned long)maxlen || (slash[1] == '0' && slash[2]))
			return -EINVAL;
	} else {
		len = (unsigned long)maxlen;
	}
	ret->len = (uint8_t)len;
	for (int bit = (int)len; bit < maxlen; bit++)
		if (ret->addr[bit / 8] & (0x80 >> (bit % 8)))
			return -EDOM;
	return 0;
}

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

void syntax_format_mac(const uint8_t m[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

void syntax_format_oui(const uint8_t b[5], uint8_t bits, char buf[16])
{
	size_t ndig = bits / 4, o = 0;
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < ndig && i < 9; i++) {
		if (i && i % 2 == 0)
			buf[o++] = ':';
		buf[o++] = hex[i % 2 ? b[i / 2] & 0xf : b[i / 2] >> 4];
	}
	buf[o] = 0;
}

void syntax_format_prefix(const struct cg_prefix *p, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(p->family == 4 ? AF_INET : AF_INET6, p->addr, a, sizeof(a));
	snprintf(buf, size, "%s/%u", a, p->len);
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
