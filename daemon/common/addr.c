/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * addr.c — see addr.h for the grammar. The parsers walk the string by hand
 * rather than through sscanf/strtoul, which skip blanks and take signs and
 * "0x": every character must be one the grammar names.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"

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

static bool is_sep(char c)
{
	return c == ':' || c == '-';
}

int addr_parse_mac(const char *s, uint8_t ret_mac[6])
{
	uint8_t mac[6];
	/* the first gap decides: ':', '-' or none, then every gap alike */
	char sep = s[0] && s[1] && is_sep(s[2]) ? s[2] : 0;

	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[0]), lo = hi < 0 ? -1 : hexval(s[1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < 5 && sep && *s++ != sep)
			return -EINVAL;
	}
	if (*s)
		return -EINVAL;
	memcpy(ret_mac, mac, 6);
	return 0;
}

int addr_parse_mac_relaxed(const char *s, uint8_t ret_mac[6])
{
	uint8_t mac[6];

	if (addr_parse_mac(s, ret_mac) == 0)
		return 0;
	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[0]), lo = hi < 0 ? -1 : hexval(s[1]);

		if (hi < 0)
			return -EINVAL;
		mac[i] = (uint8_t)(lo < 0 ? hi : hi << 4 | lo);
		s += lo < 0 ? 1 : 2;
		if (i < 5 && *s++ != ':')
			return -EINVAL;
	}
	if (*s)
		return -EINVAL;
	memcpy(ret_mac, mac, 6);
	return 0;
}

void addr_format_mac(const uint8_t m[6], char buf[ADDR_MAC_STRLEN])
{
	snprintf(buf, ADDR_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

int addr_parse_oui(const char *s, uint8_t ret_bytes[5], uint8_t *ret_bits)
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
		} else if (is_sep(*s) && ndig > 0 && ndig % 2 == 0 && s[1]) {
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

void addr_format_oui(const uint8_t b[5], uint8_t bits, char buf[ADDR_OUI_STRLEN])
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

int addr_parse_prefix(const char *s, struct cg_prefix *ret)
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

		if (!*p || strlen(p) > 3)
			return -EINVAL;
		len = 0;
		for (; *p; p++) {
			if (*p < '0' || *p > '9')
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

void addr_format_ip(uint8_t family, const uint8_t *addr, char *buf, size_t size)
{
	if (!inet_ntop(family == 4 ? AF_INET : AF_INET6, addr, buf, (socklen_t)size))
		snprintf(buf, size, "?");
}

void addr_format_prefix(const struct cg_prefix *p, char *buf, size_t size)
{
	char a[ADDR_IP_STRLEN];

	addr_format_ip(p->family, p->addr, a, sizeof(a));
	snprintf(buf, size, "%s/%u", a, p->len);
}

bool addr_prefix_contains(const struct cg_prefix *a, const struct cg_prefix *b)
{
	int full = a->len / 8, rest = a->len % 8;

	if (a->family != b->family || a->len > b->len)
		return false;
	if (memcmp(a->addr, b->addr, (size_t)full) != 0)
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));

		if ((a->addr[full] & mask) != (b->addr[full] & mask))
			return false;
	}
	return true;
}
