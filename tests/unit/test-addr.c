// SPDX-License-Identifier: GPL-2.0-only
/*
 * test-addr — common/addr.c, the one grammar for MACs, OUI prefixes and IP
 * prefixes (addr.h): every spelling the three earlier parsers took (policy
 * files, the control protocol, discovery replies, state files), every one
 * they refused, round trips parse -> format -> parse, and canonical output
 * (lower-case MACs, upper-case OUIs, RFC 5952 IPv6). Also built with
 * ASan+UBSan, which catches a parser reading past the NUL.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "test-check.h"

static const uint8_t mac1[6] = { 0x44, 0x19, 0xb6, 0x00, 0x00, 0x01 };

static void test_mac_accepted(void)
{
	static const char *const ok[] = {
		"44:19:b6:00:00:01", "44:19:B6:00:00:01", "44-19-b6-00-00-01",
		"44-19-B6-00-00-01", "4419b6000001", "4419B6000001",
	};
	uint8_t m[6];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		memset(m, 0xaa, sizeof(m));
		CHECK(addr_parse_mac(ok[i], m) == 0 && memcmp(m, mac1, 6) == 0, "accepts \"%s\"", ok[i]);
		memset(m, 0xaa, sizeof(m));
		CHECK(addr_parse_mac_relaxed(ok[i], m) == 0 && memcmp(m, mac1, 6) == 0,
		      "relaxed accepts \"%s\"", ok[i]);
	}
	CHECK(addr_parse_mac("ff:FF:fF:Ff:00:0a", m) == 0 && m[0] == 0xff && m[3] == 0xff && m[5] == 0x0a,
	      "mixed case digits");
	CHECK(addr_parse_mac("00:00:00:00:00:00", m) == 0 && m[0] == 0 && m[5] == 0, "all zero parses");
}

static void test_mac_refused(void)
{
	static const char *const bad[] = {
		"", ":", "44", "44:19:b6:00:00", "44:19:b6:00:00:0", "44:19:b6:00:00:1",
		"44:19:b6:00:00:01:02", "44:19:b6:00:00:01:", ":44:19:b6:00:00:01",
		"44:19:b6:00:00:01 ", " 44:19:b6:00:00:01", "44:19:b6:00:00:01\n",
		"44::19:b6:00:00:01", "44:19:b6:00:00:0g", "g4:19:b6:00:00:01",
		"44.19.b6.00.00.01", "4419.b600.0001", "aabb.ccdd.eeff", "44_19_b6_00_00_01",
		"44 19 b6 00 00 01", "4:19:b6:0:0:1", "+4:19:b6:00:00:01", "0x44:19:b6:00:00:01",
		"444:19:b6:00:00:01", "4419b60000011", "4419b600000", "44:19:b6:00:00:01#",
		"44:19:b6:00:00:01/24", "44:19:b6:00:00:\xc3\xa9",
		/* one separator throughout (the policy corpus's bad-mac-mixed-sep) */
		"44:19-b6:00-00:01", "44:19:b6:00:00-01", "4419:b6-000001", "44:19b6:00:0001",
		"4419b6:000001", "44-19-b6-00-00:01",
	};
	uint8_t m[6];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(m, mac1, 6);
		CHECK(addr_parse_mac(bad[i], m) == -EINVAL, "refuses \"%s\"", bad[i]);
		CHECK(memcmp(m, mac1, 6) == 0, "\"%s\": output untouched on error", bad[i]);
	}
}

static void test_mac_relaxed(void)
{
	static const char *const bad[] = {
		"4-19-b6-0-0-1", "4:19:b6:0:0", "4:19:b6:0:0:1:", " 4:19:b6:0:0:1", "+4:19:b6:0:0:1",
		"4::19:b6:0:0:1", "444:19:b6:0:0:1", "4:19:b6:0:0:1 ", "4:19b6:0:0:1",
	};
	uint8_t m[6];

	/* ether_ntoa(3)'s form, which the state files' earlier sscanf reader took */
	CHECK(addr_parse_mac_relaxed("44:19:b6:0:0:1", m) == 0 && memcmp(m, mac1, 6) == 0, "one-digit octets");
	CHECK(addr_parse_mac_relaxed("0:1B:2:a:F:0", m) == 0 && m[1] == 0x1b && m[3] == 0x0a && m[4] == 0x0f,
	      "one-digit octets, any case");
	CHECK(addr_parse_mac("44:19:b6:0:0:1", m) == -EINVAL, "strict parser refuses one-digit octets");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(addr_parse_mac_relaxed(bad[i], m) == -EINVAL, "relaxed refuses \"%s\"", bad[i]);
}

static void test_mac_format(void)
{
	char buf[ADDR_MAC_STRLEN], again[ADDR_MAC_STRLEN];
	uint8_t m[6], back[6];

	addr_format_mac((const uint8_t[6]){ 0xAC, 0x12, 0x0f, 0x00, 0xfe, 0x9 }, buf);
	CHECK(strcmp(buf, "ac:12:0f:00:fe:09") == 0, "canonical form, got %s", buf);
	/* round trips over a spread of values */
	srand(13);
	for (int i = 0; i < 2000; i++) {
		for (int k = 0; k < 6; k++)
			m[k] = (uint8_t)rand();
		addr_format_mac(m, buf);
		CHECK(strlen(buf) == 17 && addr_parse_mac(buf, back) == 0 && memcmp(m, back, 6) == 0,
		      "round trip %s", buf);
		addr_format_mac(back, again);
		CHECK(strcmp(buf, again) == 0, "format is stable: %s %s", buf, again);
	}
}

static void test_oui(void)
{
	static const struct {
		const char *in;
		uint8_t bits;
		const char *canon;
	} ok[] = {
		{ "44:19:B6", 24, "44:19:B6" },       { "44:19:b6", 24, "44:19:B6" },
		{ "44-19-b6", 24, "44:19:B6" },       { "4419B6", 24, "44:19:B6" },
		{ "4419:b6", 24, "44:19:B6" },        { "B0:B3:53:6", 28, "B0:B3:53:6" },
		{ "b0b3536", 28, "B0:B3:53:6" },      { "70:B3:D5:F2:F", 36, "70:B3:D5:F2:F" },
		{ "70B3D5F2F", 36, "70:B3:D5:F2:F" }, { "70-b3-d5-f2-f", 36, "70:B3:D5:F2:F" },
		/* the policy parser took repeated separators after a pair */
		{ "44::19:B6", 24, "44:19:B6" },
	};
	static const char *const bad[] = {
		"", "44", "44:19", "44:19:B", "44:19:B6:", ":44:19:B6", "4:41:9B6", "44:19:B6:00",
		"44:19:B6:00:00", "70:B3:D5:F2:F0", "44:19:G6", "44.19.B6", " 44:19:B6",
		"44:19:B6 ", "44:19:B6/24", "0x4419B6",
	};
	uint8_t b[5], b2[5], bits, bits2;
	char fmt[ADDR_OUI_STRLEN];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		CHECK(addr_parse_oui(ok[i].in, b, &bits) == 0 && bits == ok[i].bits, "oui \"%s\"", ok[i].in);
		addr_format_oui(b, bits, fmt);
		CHECK(strcmp(fmt, ok[i].canon) == 0, "oui \"%s\" formats as %s, got %s", ok[i].in, ok[i].canon,
		      fmt);
		CHECK(addr_parse_oui(fmt, b2, &bits2) == 0 && bits2 == bits && memcmp(b, b2, 5) == 0,
		      "oui round trip %s", fmt);
	}
	CHECK(addr_parse_oui("B0:B3:53:6", b, &bits) == 0 && b[3] == 0x60 && b[4] == 0, "28-bit low nibble");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(addr_parse_oui(bad[i], b, &bits) == -EINVAL, "oui refuses \"%s\"", bad[i]);
}

static void test_prefix_accepted(void)
{
	static const struct {
		const char *in;
		uint8_t family, len;
		const char *canon;
	} ok[] = {
		{ "192.0.2.0/24", 4, 24, "192.0.2.0/24" },
		{ "192.0.2.7", 4, 32, "192.0.2.7/32" },
		{ "192.0.2.7/32", 4, 32, "192.0.2.7/32" },
		{ "0.0.0.0/0", 4, 0, "0.0.0.0/0" },
		{ "198.51.100.128/25", 4, 25, "198.51.100.128/25" },
		{ "2001:db8::/32", 6, 32, "2001:db8::/32" },
		{ "2001:DB8::/32", 6, 32, "2001:db8::/32" },
		{ "2001:0db8:0000:0000:0000:0000:0000:0000/32", 6, 32, "2001:db8::/32" },
		{ "2001:db8:0:0:0:0:0:1", 6, 128, "2001:db8::1/128" },
		{ "2001:db8:0:1:0:0:0:1/128", 6, 128, "2001:db8:0:1::1/128" },
		{ "2001:db8:0:0:1:0:0:1", 6, 128, "2001:db8::1:0:0:1/128" },
		{ "::/0", 6, 0, "::/0" },
		{ "::1", 6, 128, "::1/128" },
		{ "fe80::/10", 6, 10, "fe80::/10" },
		{ "::ffff:192.0.2.1", 6, 128, "::ffff:192.0.2.1/128" },
		{ "::ffff:192.0.2.0/120", 6, 120, "::ffff:192.0.2.0/120" },
		{ "::ffff:c000:201", 6, 128, "::ffff:192.0.2.1/128" },
		{ "2001:db8::192.0.2.1", 6, 128, "2001:db8::c000:201/128" },
	};
	struct cg_prefix p, p2;
	char fmt[ADDR_PREFIX_STRLEN];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		CHECK(addr_parse_prefix(ok[i].in, &p) == 0 && p.family == ok[i].family && p.len == ok[i].len,
		      "prefix \"%s\"", ok[i].in);
		addr_format_prefix(&p, fmt, sizeof(fmt));
		CHECK(strcmp(fmt, ok[i].canon) == 0, "\"%s\" formats as %s, got %s", ok[i].in, ok[i].canon, fmt);
		CHECK(addr_parse_prefix(fmt, &p2) == 0 && memcmp(&p, &p2, sizeof(p)) == 0, "round trip %s", fmt);
	}
	/* the longest IPv6 text fits the buffer */
	CHECK(addr_parse_prefix("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128", &p) == 0, "longest v6");
	addr_format_prefix(&p, fmt, sizeof(fmt));
	CHECK(strcmp(fmt, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128") == 0, "longest v6 formats, got %s", fmt);
}

static void test_prefix_refused(void)
{
	static const char *const bad[] = {
		"", "/", "/24", "192.0.2.0/", "192.0.2.0/33", "192.0.2.0/024", "192.0.2.0/00",
		"192.0.2.0/+4", "192.0.2.0/-1", "192.0.2.0/ 24", "192.0.2.0/24 ", " 192.0.2.0/24",
		"192.0.2.0 /24", "192.0.2.0/2a", "192.0.2.0/0x18", "192.0.2.0/24/24", "192.0.2.0/1000",
		"192.0.2/24", "192.0.2.256", "192.0.02.0/24", "0xc0.0.2.0/24", "3221225984", "192.0.2.0.0",
		"192.0.2.0/255.255.255.0", "2001:db8::/129", "2001:db8:::/32", "2001:db8::g/128",
		"2001:db8::%eth0", "[2001:db8::]/32", "2001:db8::/032",
		"2001:0db8:0000:0000:0000:0000:0000:0000:0/32", "garbage", "localhost",
		"44:19:b6:00:00:01",
		"1234567890123456789012345678901234567890123456789/8",
	};
	struct cg_prefix p;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(addr_parse_prefix(bad[i], &p) == -EINVAL, "refuses \"%s\"", bad[i]);
	/* host bits set: -EDOM with the value kept for the "did you mean" message */
	CHECK(addr_parse_prefix("192.0.2.1/24", &p) == -EDOM && p.family == 4 && p.len == 24 && p.addr[3] == 1,
	      "v4 host bits");
	CHECK(addr_parse_prefix("2001:db8::1/64", &p) == -EDOM && p.family == 6 && p.addr[15] == 1, "v6 host bits");
	CHECK(addr_parse_prefix("0.0.0.1/0", &p) == -EDOM, "host bits under /0");
	CHECK(addr_parse_prefix("::ffff:192.0.2.1/96", &p) == -EDOM, "mapped with host bits");
}

static void test_ip_format(void)
{
	char buf[ADDR_IP_STRLEN];
	uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8 };

	addr_format_ip(4, (const uint8_t[4]){ 192, 0, 2, 10 }, buf, sizeof(buf));
	CHECK(strcmp(buf, "192.0.2.10") == 0, "v4 address, got %s", buf);
	a6[15] = 1;
	addr_format_ip(6, a6, buf, sizeof(buf));
	CHECK(strcmp(buf, "2001:db8::1") == 0, "v6 address, got %s", buf);
	addr_format_ip(6, a6, buf, 4);
	CHECK(strcmp(buf, "?") == 0, "too small a buffer gives ?, got %s", buf);
}

static struct cg_prefix pfx(const char *s)
{
	struct cg_prefix p;
	int r = addr_parse_prefix(s, &p);

	CHECK(r == 0, "test prefix %s", s);
	return p;
}

static void test_contains(void)
{
	struct cg_prefix a = pfx("192.0.2.0/24"), b = pfx("192.0.2.128/25"), c = pfx("192.0.2.7"),
			 d = pfx("198.51.100.0/24"), all4 = pfx("0.0.0.0/0"), all6 = pfx("::/0"),
			 v6 = pfx("2001:db8::/32"), v6h = pfx("2001:db8:1::1"), odd = pfx("192.0.2.0/23"),
			 in_odd = pfx("192.0.3.255"), past_odd = pfx("192.0.4.0");

	CHECK(addr_prefix_contains(&a, &b) && addr_prefix_contains(&a, &c) && addr_prefix_contains(&a, &a),
	      "covering");
	CHECK(!addr_prefix_contains(&b, &a) && !addr_prefix_contains(&a, &d) && !addr_prefix_contains(&b, &c),
	      "not covering");
	CHECK(addr_prefix_contains(&all4, &d) && !addr_prefix_contains(&all4, &v6) &&
	      !addr_prefix_contains(&all6, &a), "family");
	CHECK(addr_prefix_contains(&all6, &v6) && addr_prefix_contains(&v6, &v6h) &&
	      !addr_prefix_contains(&v6h, &v6), "v6");
	CHECK(addr_prefix_contains(&odd, &a) && addr_prefix_contains(&odd, &in_odd) &&
	      !addr_prefix_contains(&odd, &past_odd), "length not a multiple of 8");
}

int main(void)
{
	test_mac_accepted();
	test_mac_refused();
	test_mac_relaxed();
	test_mac_format();
	test_oui();
	test_prefix_accepted();
	test_prefix_refused();
	test_ip_format();
	test_contains();
	printf("%d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
