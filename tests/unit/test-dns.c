// SPDX-License-Identifier: GPL-2.0-only
/*
 * test-dns — the DNS message parser on messages in the shapes resolvers
 * really send (a query, an answer with compression, a CNAME chain, AAAA,
 * NXDOMAIN), each built byte by byte, and on every hostile shape: pointer
 * loops and forward pointers, too many jumps, 255-label and over-long
 * names, extended label types, lying counts and lengths, every truncation
 * of a valid answer, 64 KiB messages, random bytes and mutations. Then the
 * names store (lookups, TTL, bounds and eviction order), the cloud-domain
 * table (the shipped file, suffix matching, file:line errors) and
 * discovery's hook for UDP port 53; what `blocked` shows of a flow
 * (dnsnote.c: the name asked before it, a blocked query's names, labels).
 * Issue 15.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cloud.h"
#include "discovery.h"
#include "dns.h"
#include "dnsnames.h"
#include "dnsnote.h"

#include "test-check.h"

/* ---- building messages byte by byte ------------------------------------- */

struct msg {
	uint8_t b[70000];
	size_t len;
};

static void put8(struct msg *m, uint8_t v)
{
	if (m->len < sizeof(m->b))
		m->b[m->len++] = v;
}

static void put16(struct msg *m, uint16_t v)
{
	put8(m, (uint8_t)(v >> 8));
	put8(m, (uint8_t)v);
}

static void put32(struct msg *m, uint32_t v)
{
	put16(m, (uint16_t)(v >> 16));
	put16(m, (uint16_t)v);
}

static void putbytes(struct msg *m, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put8(m, ((const uint8_t *)p)[i]);
}

/* Labels of a dotted name, uncompressed; ends with the root unless a
 * pointer follows (end = false). */
static void putname(struct msg *m, const char *name, bool end)
{
	while (*name) {
		const char *dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);
		put8(m, (uint8_t)l);
		putbytes(m, name, l);
		name += l + (dot ? 1 : 0);
	}
	if (end)
		put8(m, 0);
}

static void putptr(struct msg *m, uint16_t off)
{
	put16(m, 0xc000 | off);
}

static void header(struct msg *m, uint16_t id, uint16_t flags, uint16_t qd, uint16_t an)
{
	m->len = 0;
	put16(m, id);
	put16(m, flags);
	put16(m, qd);
	put16(m, an);
	put16(m, 0);
	put16(m, 0);
}

static void question(struct msg *m, const char *name, uint16_t type)
{
	putname(m, name, true);
	put16(m, type);
	put16(m, 1);
}

/* Record header after the owner: type, class IN, ttl, rdlength. */
static void rrhead(struct msg *m, uint16_t type, uint32_t ttl, uint16_t rdlen)
{
	put16(m, type);
	put16(m, 1);
	put32(m, ttl);
	put16(m, rdlen);
}

static int parse(const struct msg *m, struct cg_dns_msg *out, int *kind)
{
	/* An exact-size copy, so that ASan sees any read past the end. */
	uint8_t *copy = malloc(m->len ? m->len : 1);
	memcpy(copy, m->b, m->len);
	int rc = dns_parse(copy, m->len, out, kind);
	free(copy);
	return rc;
}

static struct cg_dns_msg out;   /* large: not on the stack of every test */

static void expect_bad(const struct msg *m, int want, const char *what)
{
	int kind = -1;
	int rc = parse(m, &out, &kind);
	CHECK(rc == -EBADMSG, "%s: rc %d", what, rc);
	CHECK(kind == want, "%s: kind %s, want %s", what, dns_error_to_string(kind),
	      dns_error_to_string(want));
	CHECK(out.nanswers == 0, "%s: %zu answers kept from a rejected message", what, out.nanswers);
}

/* ---- the shapes resolvers send ------------------------------------------- */

/* A camera's query: id 0x1a2b, RD, one question. */
static void build_query(struct msg *m)
{
	header(m, 0x1a2b, 0x0100, 1, 0);
	question(m, "litedev.hik-connect.com", CG_DNS_TYPE_A);
}

/* Its answer, the owner compressed to the question (offset 12). */
static void build_answer(struct msg *m)
{
	header(m, 0x1a2b, 0x8180, 1, 1);
	question(m, "litedev.hik-connect.com", CG_DNS_TYPE_A);
	putptr(m, 12);
	rrhead(m, CG_DNS_TYPE_A, 300, 4);
	putbytes(m, "\xcb\x00\x71\x0a", 4);        /* 203.0.113.10 */
}

static void test_real_shapes(void)
{
	struct msg *m = calloc(1, sizeof(*m));
	int kind;

	build_query(m);
	CHECK(m->len == 12 + 25 + 4, "query is %zu bytes", m->len);
	CHECK(parse(m, &out, &kind) == 0 && kind == CG_DNS_OK, "query: %s", dns_error_to_string(kind));
	CHECK(!out.response && out.id == 0x1a2b && out.qtype == 1 && out.qclass == 1, "query header");
	CHECK(!strcmp(out.qname, "litedev.hik-connect.com"), "qname %s", out.qname);
	CHECK(out.nanswers == 0, "query answers");

	build_answer(m);
	CHECK(parse(m, &out, &kind) == 0, "answer: %s", dns_error_to_string(kind));
	CHECK(out.response && out.rcode == 0 && out.nanswers == 1, "answer: %zu", out.nanswers);
	CHECK(!strcmp(out.answers[0].name, "litedev.hik-connect.com"), "owner %s", out.answers[0].name);
	CHECK(out.answers[0].family == 4 && out.answers[0].ttl == 300 &&
	      !memcmp(out.answers[0].addr, "\xcb\x00\x71\x0a", 4), "A record");

	/* CNAME chain: time.ys7.com -> ntp.ys7.com -> ntp.edge.example,
	 * two addresses, suffixes compressed as a resolver does. */
	header(m, 0x0001, 0x8180, 1, 4);
	question(m, "time.ys7.com", CG_DNS_TYPE_A);     /* "ys7.com" at 12 + 5 = 17 */
	putptr(m, 12);
	rrhead(m, CG_DNS_TYPE_CNAME, 600, 6);
	size_t ntp = m->len;
	put8(m, 3), putbytes(m, "ntp", 3), putptr(m, 17);
	putptr(m, (uint16_t)ntp);
	rrhead(m, CG_DNS_TYPE_CNAME, 120, 18);
	size_t edge = m->len;
	putname(m, "ntp.edge.example", true);
	putptr(m, (uint16_t)edge);
	rrhead(m, CG_DNS_TYPE_A, 30, 4);
	putbytes(m, "\xcb\x00\x71\x14", 4);
	putptr(m, (uint16_t)edge);
	rrhead(m, CG_DNS_TYPE_A, 3000, 4);
	putbytes(m, "\xcb\x00\x71\x15", 4);
	CHECK(parse(m, &out, &kind) == 0, "cname: %s", dns_error_to_string(kind));
	CHECK(out.nanswers == 4, "cname answers %zu", out.nanswers);
	CHECK(!strcmp(out.answers[0].target, "ntp.ys7.com"), "cname target %s", out.answers[0].target);
	CHECK(!strcmp(out.answers[1].name, "ntp.ys7.com") &&
	      !strcmp(out.answers[1].target, "ntp.edge.example"), "second cname");
	CHECK(!strcmp(out.answers[2].name, "ntp.edge.example"), "A owner %s", out.answers[2].name);
	struct cg_names *n = names_new(0, 0);
	const uint8_t mac[6] = { 0x44, 0x19, 0xb6, 0, 0, 1 }, res[4] = { 192, 0, 2, 53 };
	CHECK(names_add_msg(n, mac, &out, 4, res, 1000) == 3, "cname: query + two addresses");
	const char *nm = names_lookup_addr(n, mac, 4, (const uint8_t *)"\xcb\x00\x71\x15", 1000);
	CHECK(nm && !strcmp(nm, "time.ys7.com"), "the name asked, not the CNAME target: %s", nm ? nm : "-");
	names_free(n);

	/* AAAA */
	header(m, 0x0002, 0x8580, 1, 1);
	question(m, "litedev.ezvizlife.com", CG_DNS_TYPE_AAAA);
	putptr(m, 12);
	rrhead(m, CG_DNS_TYPE_AAAA, 120, 16);
	putbytes(m, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x10", 16);
	CHECK(parse(m, &out, &kind) == 0 && out.nanswers == 1 && out.answers[0].family == 6 &&
	      out.answers[0].addr[15] == 0x10, "AAAA");

	/* NXDOMAIN: no answers, rcode 3, the name still read */
	header(m, 0x0003, 0x8183, 1, 0);
	question(m, "dev.ezviz7.com", CG_DNS_TYPE_A);
	CHECK(parse(m, &out, &kind) == 0 && out.rcode == 3 && !strcmp(out.qname, "dev.ezviz7.com"),
	      "NXDOMAIN");
	CHECK(dns_answer_addrs(&out, NULL, NULL) == 0, "NXDOMAIN gives no address");

	/* A name in odd but legal bytes: case folded, bytes outside LDH as
	 * '?', a '.' inside a label never passes for two labels. */
	header(m, 0x0004, 0x0100, 1, 0);
	put8(m, 3), putbytes(m, "a.b", 3), put8(m, 3), putbytes(m, "COM", 3), put8(m, 0);
	put16(m, 1), put16(m, 1);
	CHECK(parse(m, &out, &kind) == 0 && !strcmp(out.qname, "a?b.com"), "odd bytes: %s", out.qname);

	/* Other opcodes and classes: well formed, not ours. */
	header(m, 0x0005, 0x2800, 1, 0);     /* UPDATE */
	question(m, "x.example", 6);
	CHECK(parse(m, &out, &kind) == -ENOMSG && kind == CG_DNS_OK, "opcode UPDATE");

	/* Records of other types are skipped by rdlength, class CH ignored. */
	header(m, 0x0006, 0x8180, 1, 2);
	question(m, "x.example", CG_DNS_TYPE_A);
	putptr(m, 12), rrhead(m, 16, 60, 6), putbytes(m, "\x05hello", 6);    /* TXT */
	putptr(m, 12), rrhead(m, CG_DNS_TYPE_A, 60, 4), putbytes(m, "\xc6\x33\x64\x01", 4);
	CHECK(parse(m, &out, &kind) == 0 && out.nanswers == 1 && out.skipped == 1, "TXT skipped");
	free(m);
}

/* A UDP header before the message. */
static void udp_wrap(struct msg *u, const struct msg *m, uint16_t sport, uint16_t dport, size_t ulen)
{
	u->len = 0;
	put16(u, sport);
	put16(u, dport);
	put16(u, (uint16_t)ulen);
	put16(u, 0);
	putbytes(u, m->b, m->len);
}

static void test_transport(void)
{
	struct msg *m = calloc(1, sizeof(*m)), *u = calloc(1, sizeof(*u));
	int kind;

	build_answer(m);
	udp_wrap(u, m, 53, 40000, m->len + 8);
	CHECK(dns_is_udp53(u->b, u->len), "udp53");
	CHECK(dns_parse_udp(u->b, u->len, &out, &kind) == 0 && out.nanswers == 1, "udp answer");
	/* Ethernet padding after the datagram is not the message's. */
	put8(u, 0), put8(u, 0);
	CHECK(dns_parse_udp(u->b, u->len, &out, &kind) == 0, "padded copy");
	udp_wrap(u, m, 53, 40000, m->len + 8 + 100);        /* the copy was cut */
	CHECK(dns_parse_udp(u->b, u->len, &out, &kind) == -EBADMSG && kind == CG_DNS_ERR_TRUNCATED,
	      "cut copy");
	udp_wrap(u, m, 53, 40000, 7);
	CHECK(dns_parse_udp(u->b, u->len, &out, &kind) == -EBADMSG && kind == CG_DNS_ERR_LENGTH,
	      "UDP length < 8");
	udp_wrap(u, m, 5353, 5353, m->len + 8);
	CHECK(dns_parse_udp(u->b, u->len, &out, &kind) == -ENOMSG, "not port 53");
	CHECK(dns_parse_udp(u->b, 5, &out, &kind) == -EBADMSG, "short UDP header");

	/* TCP framing: the length prefix must match what follows */
	u->len = 0;
	put16(u, (uint16_t)m->len);
	putbytes(u, m->b, m->len);
	CHECK(dns_parse_tcp(u->b, u->len, &out, &kind) == 0, "tcp");
	CHECK(dns_parse_tcp(u->b, u->len - 1, &out, &kind) == -EBADMSG && kind == CG_DNS_ERR_TRUNCATED,
	      "tcp short");
	put8(u, 0);
	CHECK(dns_parse_tcp(u->b, u->len, &out, &kind) == -EBADMSG && kind == CG_DNS_ERR_LENGTH,
	      "tcp extra byte");
	free(m);
	free(u);
}

/* ---- hostile ------------------------------------------------------------- */

static void test_hostile(void)
{
	struct msg *m = calloc(1, sizeof(*m));
	int kind;

	/* The qname is a pointer to itself. */
	header(m, 1, 0x0100, 1, 0);
	putptr(m, 12);
	put16(m, 1), put16(m, 1);
	expect_bad(m, CG_DNS_ERR_POINTER, "self pointer");

	/* A forward pointer (to bytes after it). */
	header(m, 1, 0x0100, 1, 0);
	putptr(m, 18);
	put16(m, 1), put16(m, 1);
	putname(m, "x.example", true);
	expect_bad(m, CG_DNS_ERR_POINTER, "forward pointer");

	/* A loop through two names: the answer's owner jumps back to a label
	 * that continues with a pointer to the owner. */
	header(m, 1, 0x8180, 1, 1);
	question(m, "a.example", 1);
	size_t l1 = m->len;
	put8(m, 1), put8(m, 'b'), putptr(m, (uint16_t)(l1 + 4));   /* -> the pointer below */
	putptr(m, (uint16_t)l1);
	rrhead(m, 1, 1, 4), put32(m, 0);
	expect_bad(m, CG_DNS_ERR_POINTER, "two-name loop");

	/* A pointer past the end of the message. */
	header(m, 1, 0x0100, 1, 0);
	put8(m, 0xc0);
	expect_bad(m, CG_DNS_ERR_TRUNCATED, "half a pointer");

	/* More jumps than CG_DNS_MAX_JUMPS, each backwards: a chain of
	 * pointers, every one to the one before, hidden in a TXT record's
	 * data, and an owner that starts at its end. */
	header(m, 1, 0x8180, 1, 2);
	question(m, "a.example", 1);
	putptr(m, 12), rrhead(m, 16, 1, 2 * (CG_DNS_MAX_JUMPS + 2));
	size_t prev = 12;
	for (int i = 0; i < CG_DNS_MAX_JUMPS + 2; i++) {
		size_t here = m->len;
		putptr(m, (uint16_t)prev);
		prev = here;
	}
	putptr(m, (uint16_t)prev);
	rrhead(m, 1, 1, 4), put32(m, 0);
	expect_bad(m, CG_DNS_ERR_POINTER, "too many jumps");
	/* The same chain within the bound is fine. */
	m->b[prev + 3] = (uint8_t)(prev - 2 * (CG_DNS_MAX_JUMPS - 2));
	CHECK(parse(m, &out, &kind) == 0 && !strcmp(out.answers[0].name, "a.example"),
	      "jumps within the bound: %s", dns_error_to_string(kind));

	/* 255 labels: 510 octets. */
	header(m, 1, 0x0100, 1, 0);
	for (int i = 0; i < 255; i++)
		put8(m, 1), put8(m, 'a');
	put8(m, 0), put16(m, 1), put16(m, 1);
	expect_bad(m, CG_DNS_ERR_NAME_LONG, "255 labels");

	/* The longest legal name: 255 octets on the wire, 253 characters. */
	header(m, 1, 0x0100, 1, 0);
	for (int i = 0; i < 3; i++) {
		put8(m, 63);
		for (int k = 0; k < 63; k++)
			put8(m, 'x');
	}
	put8(m, 61);
	for (int k = 0; k < 61; k++)
		put8(m, 'y');
	put8(m, 0), put16(m, 1), put16(m, 1);
	CHECK(parse(m, &out, &kind) == 0 && strlen(out.qname) == 253, "255-octet name: %s %zu",
	      dns_error_to_string(kind), strlen(out.qname));
	/* One octet more. */
	m->b[12 + 3 * 64] = 62;
	m->len = 12 + 3 * 64 + 1;
	for (int k = 0; k < 62; k++)
		put8(m, 'y');
	put8(m, 0), put16(m, 1), put16(m, 1);
	expect_bad(m, CG_DNS_ERR_NAME_LONG, "256-octet name");
	/* A long name made by compression: a 200-octet suffix reused. */
	header(m, 1, 0x8180, 1, 1);
	size_t q = m->len;
	for (int i = 0; i < 4; i++) {
		put8(m, 49);
		for (int k = 0; k < 49; k++)
			put8(m, 'z');
	}
	put8(m, 0), put16(m, 1), put16(m, 1);
	put8(m, 60);
	for (int k = 0; k < 60; k++)
		put8(m, 'w');
	putptr(m, (uint16_t)q);
	rrhead(m, 1, 1, 4), put32(m, 0);
	expect_bad(m, CG_DNS_ERR_NAME_LONG, "long through a pointer");

	/* Extended (0x40) and reserved (0x80) label types. */
	header(m, 1, 0x0100, 1, 0);
	put8(m, 0x41), put8(m, 0), put16(m, 1), put16(m, 1);
	expect_bad(m, CG_DNS_ERR_LABEL, "label type 01");
	m->b[12] = 0x81;
	expect_bad(m, CG_DNS_ERR_LABEL, "label type 10");

	/* Counts that lie. */
	build_query(m);
	m->b[5] = 2;
	expect_bad(m, CG_DNS_ERR_COUNT, "two questions");
	m->b[5] = 0;
	expect_bad(m, CG_DNS_ERR_COUNT, "no question");
	build_query(m);
	m->b[7] = 1;
	expect_bad(m, CG_DNS_ERR_COUNT, "query with an answer count");
	build_answer(m);
	m->b[7] = 5;
	expect_bad(m, CG_DNS_ERR_COUNT, "answer count 5, one record");
	build_answer(m);
	m->b[6] = 0xff, m->b[7] = 0xff;
	expect_bad(m, CG_DNS_ERR_OVERSIZE, "65535 answers");

	/* Lengths that lie. */
	build_answer(m);
	m->b[m->len - 5] = 5;                 /* rdlength 5 for an A record */
	put8(m, 0);
	expect_bad(m, CG_DNS_ERR_LENGTH, "A with rdlength 5");
	build_answer(m);
	m->b[m->len - 6] = 0x10;              /* rdlength 4100 */
	expect_bad(m, CG_DNS_ERR_LENGTH, "rdlength past the end");
	header(m, 1, 0x8180, 1, 1);
	question(m, "a.example", 1);
	putptr(m, 12), rrhead(m, CG_DNS_TYPE_CNAME, 1, 4);
	putname(m, "longer.example", true);          /* the name runs past rdlength */
	expect_bad(m, CG_DNS_ERR_LENGTH, "CNAME past rdlength");
	header(m, 1, 0x8180, 1, 1);
	question(m, "a.example", 1);
	putptr(m, 12), rrhead(m, CG_DNS_TYPE_CNAME, 1, 8);
	putptr(m, 12), put32(m, 0), put16(m, 0);      /* target ends before rdlength */
	expect_bad(m, CG_DNS_ERR_LENGTH, "CNAME short of rdlength");

	/* Every truncation of a valid answer is rejected, and read in bounds
	 * (parse() copies to an exact-size buffer for ASan). */
	build_answer(m);
	size_t full = m->len;
	for (size_t cut = 0; cut < full; cut++) {
		m->len = cut;
		int rc = parse(m, &out, &kind);
		CHECK(rc == -EBADMSG && (kind == CG_DNS_ERR_TRUNCATED || kind == CG_DNS_ERR_COUNT ||
					 kind == CG_DNS_ERR_LENGTH),
		      "cut at %zu: rc %d kind %s", cut, rc, dns_error_to_string(kind));
	}

	/* A 64 KiB answer over TCP: 512 records fill it and parse in bounds;
	 * one record more than CG_DNS_MAX_RECORDS is refused before any is
	 * read; a message over 65535 bytes is refused. */
	header(m, 1, 0x8180, 1, CG_DNS_MAX_RECORDS);
	question(m, "big.example", 16);
	for (int i = 0; i < CG_DNS_MAX_RECORDS; i++) {
		putptr(m, 12), rrhead(m, 16, 60, 114);
		for (int k = 0; k < 114; k++)
			put8(m, 'x');
	}
	CHECK(m->len > 64000 && m->len <= 65535, "64 KiB message: %zu bytes", m->len);
	CHECK(parse(m, &out, &kind) == 0 && out.skipped == CG_DNS_MAX_RECORDS, "64 KiB: %s",
	      dns_error_to_string(kind));
	m->b[6] = (CG_DNS_MAX_RECORDS + 1) >> 8, m->b[7] = (CG_DNS_MAX_RECORDS + 1) & 0xff;
	expect_bad(m, CG_DNS_ERR_OVERSIZE, "records past the bound");
	m->len = 65536;
	expect_bad(m, CG_DNS_ERR_OVERSIZE, "over 65535 bytes");

	/* More A records than are kept: the rest counted as skipped. */
	header(m, 1, 0x8180, 1, CG_DNS_MAX_ANSWERS + 8);
	question(m, "many.example", 1);
	for (int i = 0; i < CG_DNS_MAX_ANSWERS + 8; i++)
		putptr(m, 12), rrhead(m, 1, 60, 4), put32(m, 0xcb007100u + (uint32_t)i);
	CHECK(parse(m, &out, &kind) == 0 && out.nanswers == CG_DNS_MAX_ANSWERS && out.skipped == 8,
	      "kept %zu skipped %zu", out.nanswers, out.skipped);

	CHECK(dns_parse(NULL, 10, &out, &kind) == -EBADMSG, "NULL buffer");
	free(m);
}

/* Random bytes, and random mutations of valid messages: any result is a
 * valid code and every kept name is short, printable and lower case. */
static void check_names(const struct cg_dns_msg *o)
{
	CHECK(o->nanswers <= CG_DNS_MAX_ANSWERS, "nanswers %zu", o->nanswers);
	CHECK(strlen(o->qname) < CG_DNS_NAME_MAX, "qname length");
	for (const char *p = o->qname; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("-_?.", *p))) {
			CHECK(false, "qname byte 0x%02x", (unsigned char)*p);
			break;
		}
}

static void test_random(void)
{
	struct msg *m = calloc(1, sizeof(*m));
	unsigned seed = 15;
	int kind, ok = 0, bad = 0;
	long iters = getenv("CG_TEST_SLOW") ? 400000 : 60000;

	for (long it = 0; it < iters; it++) {
		if (it & 1) {
			build_answer(m);
			int flips = 1 + rand_r(&seed) % 4;
			for (int f = 0; f < flips; f++)
				m->b[(size_t)rand_r(&seed) % m->len] = (uint8_t)rand_r(&seed);
			m->len = (size_t)rand_r(&seed) % (m->len + 1);
		} else {
			m->len = (size_t)rand_r(&seed) % 600;
			for (size_t i = 0; i < m->len; i++)
				m->b[i] = (uint8_t)rand_r(&seed);
			if (m->len > 12)
				m->b[4] = 0, m->b[5] = 1, m->b[6] = 0, m->b[7] = (uint8_t)(rand_r(&seed) % 4);
		}
		int rc = parse(m, &out, &kind);
		if (rc != 0 && rc != -EBADMSG && rc != -ENOMSG)
			CHECK(false, "rc %d", rc);
		if (rc == -EBADMSG && (kind <= CG_DNS_OK || kind >= CG_DNS_ERR_MAX))
			CHECK(false, "kind %d", kind);
		rc == 0 ? ok++ : bad++;
		check_names(&out);
	}
	CHECK(ok > 0 && bad > 0, "random: %d parsed, %d rejected", ok, bad);
	for (int k = 0; k < CG_DNS_ERR_MAX; k++)
		CHECK(dns_error_from_string(dns_error_to_string(k)) == k, "kind %d round trip", k);
	CHECK(dns_error_from_string("nonsense") == -EINVAL, "unknown kind");
	free(m);
}

/* ---- names store ----------------------------------------------------------- */

static const uint8_t cam1[6] = { 0x44, 0x19, 0xb6, 0, 0, 1 };
static const uint8_t cam2[6] = { 0x3c, 0xef, 0x8c, 0, 0, 2 };

static const uint8_t *v4(uint8_t last)
{
	static uint8_t a[4][4];
	static int k;
	uint8_t *p = a[k++ & 3];
	p[0] = 203, p[1] = 0, p[2] = 113, p[3] = last;
	return p;
}

static void test_names(void)
{
	struct cg_names *n = names_new(4, 6);
	struct cg_names_stats st;
	const char *s;

	CHECK(n, "names_new");
	CHECK(!names_new(8, 4), "per-device bound above the total");
	CHECK(names_add(n, cam1, CG_NAMES_ANSWER, "", 4, v4(1), 60, 100) == -EINVAL, "empty name");
	CHECK(names_add(n, cam1, CG_NAMES_ANSWER, "a.example", 5, v4(1), 60, 100) == -EINVAL, "family");

	/* Which name before which address, by time. */
	names_add(n, cam1, CG_NAMES_ANSWER, "first.example", 4, v4(1), 3600, 100);
	names_add(n, cam1, CG_NAMES_ANSWER, "second.example", 4, v4(1), 3600, 200);
	s = names_lookup_addr(n, cam1, 4, v4(1), 150);
	CHECK(s && !strcmp(s, "first.example"), "at 150: %s", s ? s : "-");
	s = names_lookup_addr(n, cam1, 4, v4(1), 250);
	CHECK(s && !strcmp(s, "second.example"), "at 250: %s", s ? s : "-");
	CHECK(!names_lookup_addr(n, cam1, 4, v4(1), 50), "before any answer");
	CHECK(!names_lookup_addr(n, cam2, 4, v4(1), 250), "another device's answer");
	CHECK(!names_lookup_addr(n, cam1, 4, v4(2), 250), "another address");
	/* Refreshing the first name makes it the latest confirmed. */
	names_add(n, cam1, CG_NAMES_ANSWER, "first.example", 4, v4(1), 3600, 300);
	s = names_lookup_addr(n, cam1, 4, v4(1), 0);
	CHECK(s && !strcmp(s, "first.example"), "refreshed: %s", s ? s : "-");

	/* A query that was itself blocked: asked for NAME. */
	const uint8_t outside[4] = { 198, 51, 100, 53 };
	names_add(n, cam1, CG_NAMES_QUERY, "litedev.hik-connect.com", 4, outside, 0, 300);
	s = names_lookup_query(n, cam1, 4, outside, 301);
	CHECK(s && !strcmp(s, "litedev.hik-connect.com"), "asked for: %s", s ? s : "-");
	CHECK(!names_lookup_addr(n, cam1, 4, outside, 301), "a query is no answer");

	/* The per-device bound (4): an expired entry goes first... */
	names_add(n, cam1, CG_NAMES_ANSWER, "short.example", 4, v4(3), 5, 300);  /* expires 305 */
	names_stats(n, &st);
	CHECK(st.entries == 4 && st.devices == 1, "entries %lu", (unsigned long)st.entries);
	names_add(n, cam1, CG_NAMES_ANSWER, "new.example", 4, v4(4), 60, 400);
	names_stats(n, &st);
	CHECK(st.evicted_expired >= 1 && !names_lookup_addr(n, cam1, 4, v4(3), 0), "expired evicted");
	/* ...then the oldest: second.example (last confirmed 200). */
	names_add(n, cam1, CG_NAMES_ANSWER, "newer.example", 4, v4(5), 600, 401);
	names_stats(n, &st);
	s = names_lookup_addr(n, cam1, 4, v4(1), 0);
	CHECK(st.evicted_oldest == 1 && s && !strcmp(s, "first.example"), "oldest evicted: %s",
	      s ? s : "-");
	CHECK(st.entries == 4, "per-device bound held: %lu", (unsigned long)st.entries);

	/* The total bound (6) across devices. */
	for (int i = 0; i < 4; i++)
		names_add(n, cam2, CG_NAMES_ANSWER, "cam2.example", 4, v4((uint8_t)(10 + i)), 3600, 500 + i);
	names_stats(n, &st);
	CHECK(st.entries == 6 && st.devices == 2, "total bound: %lu entries %lu devices",
	      (unsigned long)st.entries, (unsigned long)st.devices);
	CHECK(names_lookup_addr(n, cam2, 4, v4(13), 0), "newest kept");

	/* IPv6 keys are whole addresses. */
	uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8 }, b6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	a6[15] = 1, b6[15] = 2;
	names_add(n, cam2, CG_NAMES_ANSWER, "six.example", 6, a6, 60, 600);
	CHECK(names_lookup_addr(n, cam2, 6, a6, 0) && !names_lookup_addr(n, cam2, 6, b6, 0), "v6 keys");

	/* A huge TTL is clamped; names_expire drops what is past the grace. */
	names_add(n, cam2, CG_NAMES_ANSWER, "forever.example", 6, b6, 0x7fffffff, 700);
	names_expire(n, 700 + CG_NAMES_TTL_MAX + CG_NAMES_GRACE + 1);
	names_stats(n, &st);
	CHECK(st.entries == 0 && st.devices == 0, "all expired: %lu", (unsigned long)st.entries);
	names_free(n);

	/* Only the chain from the name asked gets addresses: an extra record
	 * for another owner (a poisoning attempt) is not believed. */
	struct msg *m = calloc(1, sizeof(*m));
	int kind;
	header(m, 9, 0x8180, 1, 2);
	question(m, "litedev.hik-connect.com", 1);
	putptr(m, 12), rrhead(m, 1, 60, 4), putbytes(m, "\xcb\x00\x71\x0a", 4);
	putname(m, "www.bank.example", true), rrhead(m, 1, 60, 4), putbytes(m, "\xcb\x00\x71\x63", 4);
	CHECK(parse(m, &out, &kind) == 0, "two owners");
	n = names_new(0, 0);
	const uint8_t res[4] = { 192, 0, 2, 53 };
	CHECK(names_add_msg(n, cam1, &out, 4, res, 10) == 2, "query + one address");
	CHECK(!names_lookup_addr(n, cam1, 4, (const uint8_t *)"\xcb\x00\x71\x63", 0), "unrelated owner");
	s = names_lookup_query(n, cam1, 4, res, 0);
	CHECK(s && !strcmp(s, "litedev.hik-connect.com"), "answer records the query");
	/* A CNAME loop ends. */
	header(m, 9, 0x8180, 1, 2);
	question(m, "a.example", 1);
	size_t own = m->len;
	putptr(m, 12), rrhead(m, 5, 60, 4), put8(m, 1), put8(m, 'b'), putptr(m, 14);  /* a -> b.example */
	putptr(m, (uint16_t)(own + 12)), rrhead(m, 5, 60, 2), putptr(m, 12);         /* b -> a */
	CHECK(parse(m, &out, &kind) == 0 && out.nanswers == 2, "cname loop parses: %s",
	      dns_error_to_string(kind));
	CHECK(dns_answer_addrs(&out, NULL, NULL) == 0, "cname loop gives nothing");
	names_free(n);
	free(m);
}

/* ---- cloud domains ------------------------------------------------------- */

static char tmpdir[256];

static const char *write_file(const char *name, const char *text)
{
	static char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", tmpdir, name);
	f = fopen(p, "w");
	if (!f) {
		perror(p);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
	return p;
}

static bool has_message(const struct cg_diag *d, const char *file_line, const char *text)
{
	char buf[CG_DIAG_MSG_MAX + 600];
	for (size_t i = 0; i < d->nentries; i++) {
		diag_format(&d->entries[i], buf, sizeof(buf));
		if (strstr(buf, file_line) && strstr(buf, text))
			return true;
	}
	return false;
}

static void expect_file_error(const char *text, const char *where, const char *msg)
{
	struct cg_cloud *c = cloud_new();
	struct cg_diag d;
	char fl[600];

	diag_init(&d);
	const char *p = write_file("bad.conf", text);
	snprintf(fl, sizeof(fl), "%s:%s", p, where);
	CHECK(cloud_add_file(c, p, &d) == -EINVAL, "%s: accepted", msg);
	CHECK(has_message(&d, fl, msg), "no \"%s\" at %s", msg, fl);
	CHECK(cloud_count(c) == 0, "a broken file added %zu domains", cloud_count(c));
	if (!has_message(&d, fl, msg))
		diag_print(&d, stderr);
	diag_free(&d);
	cloud_free(c);
}

static void test_cloud(const char *srcdir)
{
	struct cg_cloud *c = cloud_new();
	struct cg_diag d;
	char path[512];
	const char *vendor;

	diag_init(&d);
	snprintf(path, sizeof(path), "%s/policies/cloud-domains.conf", srcdir);
	CHECK(cloud_add_file(c, path, &d) == 0, "shipped table");
	diag_print(&d, stderr);
	CHECK(diag_warnings(&d) == 0, "warnings in the shipped table");
	diag_free(&d);
	CHECK(cloud_count(c) >= 10, "%zu domains", cloud_count(c));

	const char *l = cloud_label(c, "litedev.hik-connect.com", &vendor);
	CHECK(l && !strcmp(l, "Hikvision cloud") && !strcmp(vendor, "Hikvision"), "hik-connect: %s",
	      l ? l : "-");
	l = cloud_label(c, "LITEDEV.Hik-Connect.COM.", NULL);
	CHECK(l && !strcmp(l, "Hikvision cloud"), "case and final dot");
	CHECK(cloud_label(c, "hik-connect.com", NULL), "the domain itself");
	CHECK(!cloud_label(c, "myhik-connect.com", NULL), "not on a label boundary");
	CHECK(!cloud_label(c, "hik-connect.com.evil.example", NULL), "as a prefix");
	CHECK(!cloud_label(c, "com", NULL) && !cloud_label(c, "", NULL), "top level");
	l = cloud_label(c, "time.ys7.com", NULL);
	CHECK(l && strstr(l, "EZVIZ"), "ys7: %s", l ? l : "-");
	l = cloud_label(c, "www.easy4ipcloud.com", &vendor);
	CHECK(l && !strcmp(vendor, "Dahua"), "easy4ip: %s", l ? l : "-");
	CHECK(cloud_label(c, "en.ezcloud.uniview.com", NULL) && !cloud_label(c, "www.uniview.com", NULL),
	      "uniview: only its cloud");
	CHECK(cloud_label(c, "eu.wisenetcloud.com", NULL), "hanwha");

	/* An admin's file beside it: a more specific domain wins. */
	diag_init(&d);
	CHECK(cloud_add_file(c, write_file("site.conf",
		"cloud_domains = ( { vendor = \"Hikvision\"; label = \"Hikvision relay\";\n"
		"  domains = [ \"relay.hik-connect.com\" ]; sources = [ \"capture 2026-11-30\" ]; } );\n"),
		&d) == 0, "admin file");
	l = cloud_label(c, "eu.relay.hik-connect.com", NULL);
	CHECK(l && !strcmp(l, "Hikvision relay"), "most specific: %s", l ? l : "-");
	l = cloud_label(c, "litedev.hik-connect.com", NULL);
	CHECK(l && !strcmp(l, "Hikvision cloud"), "others unchanged");
	/* Listed again in another file: an error naming both places. */
	CHECK(cloud_add_file(c, write_file("dup.conf",
		"cloud_domains = ( { vendor = \"X\"; label = \"X\";\n"
		"  domains = [ \"hik-connect.com\" ]; sources = [ \"s\" ]; } );\n"), &d) == -EINVAL,
	      "duplicate across files");
	snprintf(path, sizeof(path), "%s/policies/cloud-domains.conf:", srcdir);
	CHECK(has_message(&d, "dup.conf:2", path), "duplicate names the first place");
	diag_free(&d);
	cloud_free(c);

	expect_file_error("cloud_domains = ( { vendor = \"X\"; label = \"X\"; sources = [ \"s\" ];\n"
			  "  domains = [ \"ok.example\",\n \"*.bad.example\" ]; } );\n",
			  "3", "must not contain '*'");
	expect_file_error("cloud_domains = ( { vendor = \"X\"; label = \"X\"; sources = [ \"s\" ];\n"
			  "  domains = [ \"com\" ]; } );\n", "2", "at least two labels");
	expect_file_error("cloud_domains = ( { vendor = \"X\"; label = \"X\"; sources = [ \"s\" ];\n"
			  "  domains = [ \"Upper.example\" ]; } );\n", "2", "lower-case");
	expect_file_error("cloud_domains = ( { vendor = \"X\"; label = \"X\"; sources = [ \"s\" ];\n"
			  "  domains = [ \"a..example\" ]; } );\n", "2", "empty label");
	expect_file_error("cloud_domains = ( { vendor = \"X\"; label = \"X\"; sources = [ \"s\" ];\n"
			  "  domains = [ \"a.example\", \"b.example\",\n\"a.example\" ]; } );\n", "3",
			  "listed twice");
	expect_file_error("cloud_domains = (\n { vendor = \"X\"; sources = [ \"s\" ];\n"
			  "  domains = [ \"a.example\" ]; } );\n", "2", "needs a 'label'");
	expect_file_error("cloud_domains = (\n { vendor = \"X\"; label = \"X\";\n"
			  "  domains = [ \"a.example\" ]; } );\n", "2", "needs 'sources'");
	expect_file_error("cloud_domains = (\n { vendor = \"X\"; label = \"X\"; sources = [ \"s\" ];\n"
			  "  domains = [ ]; } );\n", "2", "non-empty 'domains'");
	expect_file_error("cloud_domains = ( { vendor = \"X\"; label = \"X\"; sources = [ \"s\" ];\n"
			  "  domains = [ \"a.example\" ];\n  colour = \"red\"; } );\n", "3", "colour");
	expect_file_error("cloud_domains = ( { vendor = \"X\"\n", "", "syntax");
}

/* ---- what blocked shows of a flow (dnsnote.c) ---------------------------- */

static struct cg_flow_key flow(const uint8_t mac[6], uint8_t family, const void *addr, uint8_t proto,
			       uint16_t port, uint8_t dir)
{
	struct cg_flow_key k = { .family = family, .proto = proto, .port = port, .dir = dir };
	memcpy(k.mac, mac, 6);
	memcpy(k.addr, addr, family == 4 ? 4 : 16);
	return k;
}

static void test_note(const char *srcdir)
{
	const uint8_t cam[6] = { 0x44, 0x19, 0xb6, 0, 0, 1 }, other[6] = { 0x44, 0x19, 0xb6, 0, 0, 2 };
	const uint8_t inres[4] = { 192, 0, 2, 53 }, outres[4] = { 198, 51, 100, 53 };
	const uint8_t cloud4[4] = { 203, 0, 113, 10 }, plain4[4] = { 203, 0, 113, 20 };
	const uint8_t cloud6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 };
	struct cg_names *n = names_new(0, 0);
	struct cg_cloud *c = cloud_new();
	struct cg_dns_note note;
	struct cg_diag d;
	char path[512];

	diag_init(&d);
	snprintf(path, sizeof(path), "%s/policies/cloud-domains.conf", srcdir);
	CHECK(cloud_add_file(c, path, &d) == 0, "shipped table");
	diag_free(&d);

	/* The camera resolves through the enclave's resolver at t=1000, then
	 * tries 203.0.113.10:443 from t=1001 to 1100. */
	names_add(n, cam, CG_NAMES_QUERY, "litedev.hik-connect.com", 4, inres, 0, 1000);
	names_add(n, cam, CG_NAMES_ANSWER, "litedev.hik-connect.com", 4, cloud4, 300, 1000);
	names_add(n, cam, CG_NAMES_ANSWER, "litedev.hik-connect.com", 6, cloud6, 300, 1000);
	names_add(n, cam, CG_NAMES_ANSWER, "cdn.example", 4, plain4, 300, 1000);
	struct cg_flow_key k = flow(cam, 4, cloud4, IPPROTO_TCP, 443, CG_DIR_OUT);
	dnsnote_flow(n, c, &k, 1001, 1100, &note);
	CHECK(note.name && !strcmp(note.name, "litedev.hik-connect.com"), "name: %s", note.name ? note.name : "-");
	CHECK(note.cloud && !strcmp(note.cloud, "Hikvision cloud") && !strcmp(note.vendor, "Hikvision"),
	      "cloud label: %s", note.cloud ? note.cloud : "-");
	CHECK(!dnsnote_is_query(&k) && note.nasked == 0 && note.asked_total == 0, "not a query: no asked");
	k = flow(cam, 6, cloud6, IPPROTO_TCP, 443, CG_DIR_OUT);
	dnsnote_flow(n, c, &k, 1001, 1100, &note);
	CHECK(note.name && note.cloud, "IPv6: the same name and label");
	k = flow(cam, 4, plain4, IPPROTO_UDP, 123, CG_DIR_OUT);
	dnsnote_flow(n, c, &k, 1001, 1100, &note);
	CHECK(note.name && !strcmp(note.name, "cdn.example") && !note.cloud, "a name without a label");
	/* Only the camera's own names: another device never asked. */
	k = flow(other, 4, cloud4, IPPROTO_TCP, 443, CG_DIR_OUT);
	dnsnote_flow(n, c, &k, 1001, 1100, &note);
	CHECK(!note.name && !note.cloud, "another device's flow has no name");
	/* A flow that ended before the name was learned is not explained by
	 * it (beyond the clock slack); one that went on after it is. */
	k = flow(cam, 4, cloud4, IPPROTO_TCP, 443, CG_DIR_OUT);
	dnsnote_flow(n, c, &k, 900, 1000 - CG_NOTE_SLACK - 1, &note);
	CHECK(!note.name, "a flow before the answer: no name");
	dnsnote_flow(n, c, &k, 900, 999, &note);
	CHECK(note.name, "within the slack of the coarse clocks");
	/* Re-resolved to another name later: the newest name as of the last
	 * packet explains it. */
	names_add(n, cam, CG_NAMES_ANSWER, "p2p.easy4ipcloud.com", 4, cloud4, 300, 2000);
	dnsnote_flow(n, c, &k, 1001, 1100, &note);
	CHECK(note.name && !strcmp(note.name, "litedev.hik-connect.com"), "as of 1100: %s", note.name);
	dnsnote_flow(n, c, &k, 1001, 2100, &note);
	CHECK(note.name && !strcmp(note.name, "p2p.easy4ipcloud.com") && !strcmp(note.cloud, "Dahua cloud"),
	      "as of 2100: %s (%s)", note.name, note.cloud ? note.cloud : "-");
	/* Non-IP rows (SADP's EtherType) have nothing to look up. */
	struct cg_flow_key raw = { .family = 0, .port = 0x8033, .dir = CG_DIR_OUT };
	memcpy(raw.mac, cam, 6);
	dnsnote_flow(n, c, &raw, 1, 3000, &note);
	CHECK(!note.name && !note.nasked, "non-IP");

	/* A blocked query to an outside resolver: the names asked while the
	 * flow lasted, newest first; the label of the first that has one. */
	names_add(n, cam, CG_NAMES_QUERY, "time.example", 4, outres, 0, 3000);
	names_add(n, cam, CG_NAMES_QUERY, "dev.ezviz7.com", 4, outres, 0, 3010);
	names_add(n, cam, CG_NAMES_QUERY, "time.example", 4, outres, 0, 3020);     /* again */
	names_add(n, cam, CG_NAMES_QUERY, "old.example", 4, outres, 0, 100);       /* long before */
	k = flow(cam, 4, outres, IPPROTO_UDP, 53, CG_DIR_OUT);
	CHECK(dnsnote_is_query(&k), "udp/53 out is a query");
	dnsnote_flow(n, c, &k, 3000, 3020, &note);
	CHECK(note.nasked == 2 && note.asked_total == 2 && !strcmp(note.asked[0], "time.example") &&
	      !strcmp(note.asked[1], "dev.ezviz7.com"), "asked: %zu %s", note.nasked,
	      note.nasked ? note.asked[0] : "-");
	CHECK(note.cloud && strstr(note.cloud, "EZVIZ"), "asked label: %s", note.cloud ? note.cloud : "-");
	k.proto = IPPROTO_TCP;
	dnsnote_flow(n, c, &k, 3000, 3020, &note);
	CHECK(note.nasked == 2, "tcp/53: the same resolver's names");
	k.dir = CG_DIR_IN;
	CHECK(!dnsnote_is_query(&k), "inbound from port 53 is not a query");
	k = flow(cam, 4, outres, IPPROTO_UDP, 5353, CG_DIR_OUT);
	CHECK(!dnsnote_is_query(&k), "another port");
	/* Many names to one resolver: CG_NOTE_ASKED listed, all counted. */
	for (int i = 0; i < 20; i++) {
		char nm[32];
		snprintf(nm, sizeof(nm), "n%02d.example", i);
		names_add(n, cam, CG_NAMES_QUERY, nm, 4, outres, 0, 4000 + i);
	}
	k = flow(cam, 4, outres, IPPROTO_UDP, 53, CG_DIR_OUT);
	dnsnote_flow(n, c, &k, 4000, 4019, &note);
	CHECK(note.nasked == CG_NOTE_ASKED && note.asked_total == 20 && !strcmp(note.asked[0], "n19.example"),
	      "many: %zu of %zu, %s", note.nasked, note.asked_total, note.nasked ? note.asked[0] : "-");
	/* No store, no table: nothing, no crash. */
	dnsnote_flow(NULL, NULL, &k, 4000, 4019, &note);
	CHECK(!note.name && !note.nasked && !note.cloud, "no store");
	dnsnote_flow(n, NULL, &k, 4000, 4019, &note);
	CHECK(note.nasked && !note.cloud, "no table: names without labels");

	/* Through names_add_msg as the daemon feeds it: a query message
	 * records the resolver, its answer the addresses. */
	struct msg *m = calloc(1, sizeof(*m));
	struct cg_dns_msg *o = calloc(1, sizeof(*o));
	int kind;
	build_answer(m);
	CHECK(dns_parse(m->b, m->len, o, &kind) == 0, "answer");
	CHECK(names_add_msg(n, other, o, 4, inres, 5000) == 2, "answer: query + address");
	k = flow(other, 4, cloud4, IPPROTO_TCP, 8000, CG_DIR_OUT);
	dnsnote_flow(n, c, &k, 5001, 5001, &note);
	CHECK(note.name && !strcmp(note.cloud, "Hikvision cloud"), "fed from a message");
	free(m);
	free(o);
	names_free(n);
	cloud_free(c);
}

/* ---- discovery's dispatcher hands port 53 over ------------------------------ */

struct seen {
	int calls, rc, kind;
	char qname[CG_DNS_NAME_MAX];
	struct cg_dns_stats st;
};

static void sink(void *ctx, int rc, int kind, const struct cg_dns_msg *m)
{
	struct seen *s = ctx;
	s->calls++;
	s->rc = rc;
	s->kind = kind;
	dns_count(&s->st, rc, kind);
	snprintf(s->qname, sizeof(s->qname), "%s", m ? m->qname : "");
}

static void test_discovery_hook(void)
{
	struct msg *m = calloc(1, sizeof(*m)), *u = calloc(1, sizeof(*u));
	struct cg_disc_info info;
	struct seen s = { 0 };

	dns_set_sink(sink, &s);
	build_query(m);
	udp_wrap(u, m, 40000, 53, m->len + 8);
	CHECK(discovery_parse_udp(u->b, u->len, &info) == -ENOMSG, "no inventory facts from DNS");
	CHECK(s.calls == 1 && s.rc == 0 && !strcmp(s.qname, "litedev.hik-connect.com"),
	      "sink: %d calls, %s", s.calls, s.qname);
	/* A hostile answer reaches the sink as rejected, with its kind. */
	header(m, 1, 0x8180, 1, 0);
	putptr(m, 12);
	put16(m, 1), put16(m, 1);
	udp_wrap(u, m, 53, 40000, m->len + 8);
	CHECK(discovery_parse_udp(u->b, u->len, &info) == -ENOMSG, "hostile: -ENOMSG");
	CHECK(s.calls == 2 && s.rc == -EBADMSG && s.kind == CG_DNS_ERR_POINTER, "sink got the kind");
	CHECK(s.st.parsed == 1 && s.st.rejected[CG_DNS_ERR_POINTER] == 1 && s.st.ignored == 0,
	      "counted by kind");
	dns_set_sink(NULL, NULL);
	CHECK(discovery_parse_udp(u->b, u->len, &info) == -ENOMSG && s.calls == 2, "no sink");
	free(m);
	free(u);
}

int main(int argc, char **argv)
{
	const char *srcdir = argc > 1 ? argv[1] : ".";

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test-dns.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_real_shapes();
	test_transport();
	test_hostile();
	test_random();
	test_names();
	test_cloud(srcdir);
	test_note(srcdir);
	test_discovery_hook();

	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	printf("%d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
