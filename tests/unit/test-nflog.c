// SPDX-License-Identifier: GPL-2.0-only
/*
 * test-nflog.c — the NFLOG reader (daemon/inventory/nflog.c) without a
 * socket: messages built the way nfnetlink_log writes them (nfgenmsg, packet
 * header, prefix, hardware address, sequence number, payload from the
 * network header, snapped to 128 bytes) are fed in batches, then hostile and
 * truncated ones; every message must end up in exactly one place — a row,
 * malformed or no_device — and the rows, the table bound (folded nft part)
 * and the file (version 2, and version 1 read) must keep the counts.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>

#include "evidence.h"
#include "nflog.h"
#include "test-check.h"

static const uint8_t CAM_MAC[6] = { 0x44, 0x19, 0xb6, 0, 0, 1 };
static const uint8_t CAM4[4] = { 192, 0, 2, 11 };
static const uint8_t CAM6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x0c, [15] = 0x11 };
static const uint8_t PEER4[4] = { 198, 51, 100, 2 };
static const uint8_t PEER6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x0f, [15] = 0x02 };

static int lookups;

static int fake_device_of(void *ctx, uint8_t family, const uint8_t *addr, uint8_t mac[6], int *policy)
{
	(void)ctx;
	lookups++;
	if ((family == 4 && !memcmp(addr, CAM4, 4)) || (family == 6 && !memcmp(addr, CAM6, 16))) {
		memcpy(mac, CAM_MAC, 6);
		*policy = 3;
		return 0;
	}
	return -ENOENT;
}

static int fake_policy_id(void *ctx, const char *name)
{
	(void)ctx;
	return !strcmp(name, "hikvision") ? 3 : !strcmp(name, "unknown") ? 0 : -ENOENT;
}

/* ---- building packets ------------------------------------------------------ */

static size_t ipv4(uint8_t *p, const uint8_t src[4], const uint8_t dst[4], uint8_t proto, uint16_t sport,
		   uint16_t dport, uint16_t total, uint16_t frag)
{
	memset(p, 0, 28);
	p[0] = 0x45;
	p[2] = (uint8_t)(total >> 8);
	p[3] = (uint8_t)total;
	p[6] = (uint8_t)(frag >> 8);
	p[7] = (uint8_t)frag;
	p[8] = 64;
	p[9] = proto;
	memcpy(p + 12, src, 4);
	memcpy(p + 16, dst, 4);
	p[20] = (uint8_t)(sport >> 8);
	p[21] = (uint8_t)sport;
	p[22] = (uint8_t)(dport >> 8);
	p[23] = (uint8_t)dport;
	return 28;
}

/* IPv6 with nexthdr chain: hop-by-hop (8 bytes) and destination options
 * (16 bytes) before TCP. */
static size_t ipv6_ext(uint8_t *p, const uint8_t src[16], const uint8_t dst[16], uint16_t sport,
		       uint16_t dport, uint16_t plen)
{
	memset(p, 0, 88);
	p[0] = 0x60;
	p[4] = (uint8_t)(plen >> 8);
	p[5] = (uint8_t)plen;
	p[6] = 0;      /* hop-by-hop */
	p[7] = 64;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
	p[40] = 60;    /* -> destination options */
	p[41] = 0;     /* 8 bytes */
	p[48] = 6;     /* -> TCP */
	p[49] = 1;     /* 16 bytes */
	p[64] = (uint8_t)(sport >> 8);
	p[65] = (uint8_t)sport;
	p[66] = (uint8_t)(dport >> 8);
	p[67] = (uint8_t)dport;
	return 84;
}

struct msg {
	uint8_t nfproto;
	const char *prefix;      /* NULL: none */
	int prefix_len;          /* -1: strlen + 1 */
	const uint8_t *payload;
	size_t len;
	const uint8_t *hw;       /* NULL: none */
	int seq;                 /* -1: none */
};

/* Appends one NFULNL_MSG_PACKET to buf at *off. */
static void put_msg(char *buf, size_t *off, const struct msg *m)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf + *off);
	struct nfgenmsg *g;
	struct nfulnl_msg_packet_hdr ph = { .hw_protocol = htons(m->nfproto == 10 ? 0x86dd : 0x0800), .hook = 2 };

	nlh->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = m->nfproto;
	g->version = NFNETLINK_V0;
	g->res_id = htons(25447);
	mnl_attr_put(nlh, NFULA_PACKET_HDR, sizeof(ph), &ph);
	if (m->hw) {
		struct nfulnl_msg_packet_hw hw = { .hw_addrlen = htons(6) };
		memcpy(hw.hw_addr, m->hw, 6);
		mnl_attr_put(nlh, NFULA_HWADDR, sizeof(hw), &hw);
	}
	if (m->prefix)
		mnl_attr_put(nlh, NFULA_PREFIX, m->prefix_len >= 0 ? (size_t)m->prefix_len : strlen(m->prefix) + 1,
			     m->prefix);
	if (m->seq >= 0)
		mnl_attr_put_u32(nlh, NFULA_SEQ, htonl((uint32_t)m->seq));
	if (m->payload)
		mnl_attr_put(nlh, NFULA_PAYLOAD, m->len, m->payload);
	*off += nlh->nlmsg_len;
}

static struct cg_evidence_row *rows_of(struct cg_evidence *ev, size_t *n)
{
	struct cg_evidence_row *r = NULL;
	CHECK(evidence_query(ev, NULL, &r, n) == 0, "query");
	return r;
}

static uint64_t sum_nft(struct cg_evidence *ev)
{
	size_t n;
	uint64_t s = 0;
	struct cg_evidence_row *r = rows_of(ev, &n);

	for (size_t i = 0; i < n; i++) {
		CHECK(r[i].packets == r[i].nft_packets, "row %zu: every packet from nft", i);
		s += r[i].nft_packets;
	}
	free(r);
	return s;
}

static const struct cg_nflog_ops ops = { .device_of = fake_device_of, .policy_id = fake_policy_id };

/* ---- real-shaped messages ---------------------------------------------------- */

static void test_real(void)
{
	struct cg_evidence *ev;
	struct cg_nflog *nl;
	static char buf[1 << 20];
	uint8_t p[128];
	size_t off = 0, n;
	int seq = 0;

	CHECK(evidence_new(0, &ev) == 0, "new");
	CHECK(nflog_new_detached(ev, &ops, &nl) == 0, "reader");
	/* 100 inbound UDP packets from one sender port, in batches of 8 as
	 * the kernel queues them (queue-threshold 8). */
	for (int i = 0; i < 100; i++) {
		size_t len = ipv4(p, PEER4, CAM4, 17, 40001, 8080, 44, 0);
		put_msg(buf, &off, &(struct msg){ .nfproto = 2, .prefix = "hikvision in ingress", .prefix_len = -1,
						  .payload = p, .len = len, .seq = seq++ });
		if (i % 8 == 7 || i == 99) {
			nflog_feed(nl, buf, off, 1000);
			off = 0;
		}
	}
	/* 30 inbound TCP SYNs over IPv6 with two extension headers, one
	 * unlearned (the device's policy then), a snapped 1,400-byte packet. */
	for (int i = 0; i < 30; i++) {
		size_t len = ipv6_ext(p, PEER6, CAM6, (uint16_t)(41000 + i % 3), 554, 1400);
		put_msg(buf, &off, &(struct msg){ .nfproto = 10, .prefix = i ? "hikvision in ingress" : "(unlearned) in ingress",
						  .prefix_len = -1, .payload = p, .len = len, .seq = seq++ });
	}
	/* 7 outbound deny-list drops: the MAC from the link-layer header. */
	for (int i = 0; i < 7; i++) {
		size_t len = ipv4(p, CAM4, PEER4, 6, 50000, 443, 60, 0);
		put_msg(buf, &off, &(struct msg){ .nfproto = 2, .prefix = "hikvision out deny_list", .prefix_len = -1,
						  .payload = p, .len = len, .hw = CAM_MAC, .seq = seq++ });
	}
	/* 5 ICMP echo requests inbound; 2 later fragments (no ports). */
	for (int i = 0; i < 5; i++) {
		size_t len = ipv4(p, PEER4, CAM4, 1, 0x0800, 0x1234, 84, 0);
		put_msg(buf, &off, &(struct msg){ .nfproto = 2, .prefix = "hikvision in ingress", .prefix_len = -1,
						  .payload = p, .len = len, .seq = seq++ });
	}
	for (int i = 0; i < 2; i++) {
		size_t len = ipv4(p, PEER4, CAM4, 17, 9, 9, 1000, 185);
		put_msg(buf, &off, &(struct msg){ .nfproto = 2, .prefix = "hikvision in fragment", .prefix_len = -1,
						  .payload = p, .len = len, .seq = seq++ });
	}
	nflog_feed(nl, buf, off, 1001);
	off = 0;

	struct cg_evidence_nft t;
	evidence_nft_totals(ev, &t);
	CHECK(t.logged == 144 && t.rows == 144 && !t.malformed && !t.no_device && !t.seq_lost,
	      "logged %llu rows %llu malformed %llu nodev %llu lost %llu", (unsigned long long)t.logged,
	      (unsigned long long)t.rows, (unsigned long long)t.malformed, (unsigned long long)t.no_device,
	      (unsigned long long)t.seq_lost);
	CHECK(sum_nft(ev) == 144, "rows hold every packet");
	CHECK(lookups < 20, "the address cache spares the inventory walk (%d lookups)", lookups);

	struct cg_evidence_row *r = rows_of(ev, &n);
	/* udp 100, v6 tcp 3 rows (10 each), out tcp 7, icmp 5, fragment 2 */
	CHECK(n == 7, "%zu rows", n);
	for (size_t i = 0; i < n; i++) {
		const struct cg_flow_key *k = &r[i].key;
		CHECK(!memcmp(k->mac, CAM_MAC, 6) && !k->would && r[i].policy == 3, "row %zu: device, policy", i);
		if (k->proto == 17 && k->reason == CG_REASON_INGRESS) {
			CHECK(r[i].packets == 100 && k->port == 40001 && k->dir == CG_DIR_IN && k->family == 4 &&
			      !memcmp(k->addr, PEER4, 4) && r[i].bytes == 4400 && r[i].first == 1000 && r[i].last == 1000,
			      "udp row: %llu packets port %u", (unsigned long long)r[i].packets, k->port);
		} else if (k->family == 6) {
			CHECK(k->proto == 6 && r[i].packets == 10 && k->port >= 41000 && k->port <= 41002 &&
			      !memcmp(k->addr, PEER6, 16) && r[i].bytes == 10 * 1440,
			      "v6 row: proto %u packets %llu", k->proto, (unsigned long long)r[i].packets);
		} else if (k->dir == CG_DIR_OUT) {
			CHECK(k->reason == CG_REASON_DENY_LIST && k->port == 443 && r[i].packets == 7 &&
			      !memcmp(k->addr, PEER4, 4), "out row");
		} else if (k->proto == 1) {
			CHECK(k->port == 0 && r[i].packets == 5, "icmp row: port %u", k->port);
		} else {
			CHECK(k->reason == CG_REASON_FRAGMENT && k->port == 0 && r[i].packets == 2, "fragment row");
		}
	}
	free(r);

	/* Counters against logged: 150 counted, 144 arrived. */
	evidence_set_nft_drops(ev, 150);
	evidence_nft_totals(ev, &t);
	CHECK(t.unlogged == 6, "unlogged %llu", (unsigned long long)t.unlogged);
	/* A sequence gap: 3 messages lost on the way. */
	size_t len = ipv4(p, PEER4, CAM4, 17, 40001, 8080, 44, 0);
	put_msg(buf, &off, &(struct msg){ .nfproto = 2, .prefix = "hikvision in ingress", .prefix_len = -1,
					  .payload = p, .len = len, .seq = seq + 3 });
	nflog_feed(nl, buf, off, 1002);
	evidence_nft_totals(ev, &t);
	CHECK(t.seq_lost == 3 && t.rows == 145, "seq_lost %llu", (unsigned long long)t.seq_lost);

	/* Saved and loaded: rows, their nft part and the totals. */
	char path[] = "/tmp/test-nflog.XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	CHECK(evidence_save(ev, path) == 0, "save");
	struct cg_evidence *ev2;
	CHECK(evidence_new(0, &ev2) == 0, "new");
	CHECK(evidence_load(ev2, path) == 0, "load");
	CHECK(sum_nft(ev2) == 145, "rows kept");
	evidence_nft_totals(ev2, &t);
	CHECK(t.logged == 145 && t.drops == 150 && t.unlogged == 5 && t.seq_lost == 3,
	      "totals kept: logged %llu drops %llu unlogged %llu", (unsigned long long)t.logged,
	      (unsigned long long)t.drops, (unsigned long long)t.unlogged);
	/* A second run adds to them. */
	evidence_nft_run(ev2)->logged += 10;
	evidence_set_nft_drops(ev2, 12);
	evidence_nft_totals(ev2, &t);
	CHECK(t.logged == 155 && t.drops == 162 && t.unlogged == 7, "second run: unlogged %llu",
	      (unsigned long long)t.unlogged);
	unlink(path);
	evidence_free(ev2);
	nflog_close(nl);
	evidence_free(ev);
}

/* ---- hostile and truncated ---------------------------------------------------- */

static void test_hostile(void)
{
	struct cg_evidence *ev;
	struct cg_nflog *nl;
	static char buf[1 << 16];
	uint8_t p[256], q[256];
	size_t off = 0, len;
	int bad = 0, nodev = 0;

	CHECK(evidence_new(0, &ev) == 0, "new");
	CHECK(nflog_new_detached(ev, &ops, &nl) == 0, "reader");
	len = ipv4(p, PEER4, CAM4, 17, 1, 2, 44, 0);
#define BAD(...) do { put_msg(buf, &off, &(struct msg){ __VA_ARGS__ }); bad++; } while (0)
	/* prefixes */
	BAD(.nfproto = 2, .prefix = "hikvision in", .prefix_len = -1, .payload = p, .len = len, .seq = -1);
	BAD(.nfproto = 2, .prefix = "hikvision in monitor", .prefix_len = -1, .payload = p, .len = len, .seq = -1);
	BAD(.nfproto = 2, .prefix = "hikvision in enclave", .prefix_len = -1, .payload = p, .len = len, .seq = -1);
	BAD(.nfproto = 2, .prefix = "hikvision sideways ingress", .prefix_len = -1, .payload = p, .len = len, .seq = -1);
	BAD(.nfproto = 2, .prefix = "hikvision in ingress extra", .prefix_len = -1, .payload = p, .len = len, .seq = -1);
	BAD(.nfproto = 2, .prefix = "hikvision in ingress", .prefix_len = 20, .payload = p, .len = len, .seq = -1); /* no NUL */
	BAD(.nfproto = 2, .prefix = "", .prefix_len = 0, .payload = p, .len = len, .seq = -1);
	BAD(.nfproto = 2, .prefix = NULL, .payload = p, .len = len, .seq = -1);
	/* payloads */
	BAD(.nfproto = 2, .prefix = "x in ingress", .prefix_len = -1, .payload = NULL, .seq = -1);
	BAD(.nfproto = 2, .prefix = "x in ingress", .prefix_len = -1, .payload = p, .len = 10, .seq = -1);
	memcpy(q, p, len);
	q[0] = 0x55;   /* version 5 */
	BAD(.nfproto = 2, .prefix = "x in ingress", .prefix_len = -1, .payload = q, .len = len, .seq = -1);
	memcpy(q, p, len);
	q[0] = 0x4f;   /* IHL 60 > 28 bytes */
	BAD(.nfproto = 2, .prefix = "x in ingress", .prefix_len = -1, .payload = q, .len = len, .seq = -1);
	memcpy(q, p, len);
	q[0] = 0x44;   /* IHL 16 < 20 */
	BAD(.nfproto = 2, .prefix = "x in ingress", .prefix_len = -1, .payload = q, .len = len, .seq = -1);
	memcpy(q, p, len);
	q[2] = 0;
	q[3] = 12;     /* total length below the header */
	BAD(.nfproto = 2, .prefix = "x in ingress", .prefix_len = -1, .payload = q, .len = len, .seq = -1);
	len = ipv6_ext(q, PEER6, CAM6, 1, 2, 60);
	BAD(.nfproto = 10, .prefix = "x in ingress", .prefix_len = -1, .payload = q, .len = 39, .seq = -1);
#undef BAD
	/* Odd but readable: an IPv6 chain of 9 hop-by-hop headers (protocol
	 * unknown, counted in a row with proto 255), an IPv4 header with
	 * options whose ports are cut off by the snap, a camera no device has. */
	memset(q, 0, sizeof(q));
	q[0] = 0x60;
	q[6] = 0;
	memcpy(q + 8, PEER6, 16);
	memcpy(q + 24, CAM6, 16);
	for (int i = 0; i < 10; i++)
		q[40 + i * 8] = 0;
	put_msg(buf, &off, &(struct msg){ .nfproto = 10, .prefix = "hikvision in ingress", .prefix_len = -1,
					  .payload = q, .len = 128, .seq = -1 });
	len = ipv4(p, PEER4, CAM4, 17, 7, 7, 44, 0);
	{
		/* 60-byte header, the ports would be at 60..63: snapped at 62 */
		uint8_t big[62] = { 0 };
		memcpy(big, p, 28);
		big[0] = 0x4f;
		big[2] = 0;
		big[3] = 80;
		put_msg(buf, &off, &(struct msg){ .nfproto = 2, .prefix = "hikvision in ingress", .prefix_len = -1,
						  .payload = big, .len = sizeof(big), .seq = -1 });
	}
	len = ipv4(p, PEER4, (const uint8_t[4]){ 192, 0, 2, 99 }, 17, 7, 7, 44, 0);
	put_msg(buf, &off, &(struct msg){ .nfproto = 2, .prefix = "hikvision in ingress", .prefix_len = -1,
					  .payload = p, .len = len, .seq = -1 });
	nodev++;
	nflog_feed(nl, buf, off, 2000);

	struct cg_evidence_nft t;
	evidence_nft_totals(ev, &t);
	CHECK((int)t.malformed == bad, "malformed %llu, want %d", (unsigned long long)t.malformed, bad);
	CHECK((int)t.no_device == nodev, "no_device %llu", (unsigned long long)t.no_device);
	CHECK(t.logged == t.rows + t.malformed + t.no_device, "every message in one place");
	CHECK(sum_nft(ev) == t.rows, "rows");

	/* A buffer cut inside a message, one whose nlmsg_len lies, trailing
	 * garbage, an attribute longer than its message: counted, no read
	 * beyond the buffer (ASan/valgrind would say). */
	uint64_t m0 = t.malformed, l0 = t.logged;
	off = 0;
	len = ipv4(p, PEER4, CAM4, 17, 1, 2, 44, 0);
	put_msg(buf, &off, &(struct msg){ .nfproto = 2, .prefix = "hikvision in ingress", .prefix_len = -1,
					  .payload = p, .len = len, .seq = -1 });
	size_t one = off;
	nflog_feed(nl, buf, one - 5, 2001);                  /* cut: no message, trailing bytes */
	char *copy = malloc(one);
	memcpy(copy, buf, one);
	((struct nlmsghdr *)copy)->nlmsg_len = (uint32_t)one + 64;   /* lies */
	nflog_feed(nl, copy, one, 2001);
	memcpy(copy, buf, one);
	/* the payload attribute's length runs past the message */
	struct nlattr *a = (struct nlattr *)(copy + one - MNL_ALIGN(len + sizeof(struct nlattr)));
	a->nla_len = (uint16_t)(len + 200);
	nflog_feed(nl, copy, one, 2001);
	free(copy);
	nflog_feed(nl, "\x01\x02\x03", 3, 2001);
	/* not a packet message (a config echo): ignored, not counted */
	{
		char cb[64];
		struct nlmsghdr *h = mnl_nlmsg_put_header(cb);
		h->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_CONFIG;
		mnl_nlmsg_put_extra_header(h, sizeof(struct nfgenmsg));
		nflog_feed(nl, cb, h->nlmsg_len, 2001);
	}
	evidence_nft_totals(ev, &t);
	CHECK(t.malformed == m0 + 4 && t.logged == l0 + 1, "malformed %llu (from %llu), logged %llu",
	      (unsigned long long)t.malformed, (unsigned long long)m0, (unsigned long long)t.logged);
	nflog_close(nl);
	evidence_free(ev);
}

/* ---- parser edge cases --------------------------------------------------------- */

static void test_parse(void)
{
	struct cg_nflog_ip ip;
	struct cg_nflog_prefix pre;
	uint8_t p[128];
	size_t len = ipv4(p, PEER4, CAM4, 132, 5060, 5061, 100, 0);

	CHECK(nflog_parse_ip(p, len, &ip) == 0 && ip.proto == 132 && ip.sport == 5060 && ip.dport == 5061 &&
	      ip.length == 100, "sctp ports");
	CHECK(nflog_parse_ip(p, 20, &ip) == 0 && ip.sport == 0, "ports snapped away");
	CHECK(nflog_parse_ip(NULL, 0, &ip) == -EBADMSG, "no payload");
	CHECK(nflog_parse_prefix("(unlearned) in ingress", &pre) == 0 && pre.dir == CG_DIR_IN &&
	      pre.reason == CG_REASON_INGRESS && !strcmp(pre.policy, "(unlearned)"), "unlearned prefix");
	CHECK(nflog_parse_prefix("p out spoof", &pre) == 0 && pre.reason == CG_REASON_SPOOF, "spoof");
	CHECK(nflog_parse_prefix("address_conflict:p", &pre) == -EBADMSG, "one word");
	char longp[300];
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = 0;
	CHECK(nflog_parse_prefix(longp, &pre) == -EBADMSG, "overlong");
}

/* ---- the bound: nft rows folded into the overflow keep their part ---------- */

static void test_bound(void)
{
	struct cg_evidence *ev;
	struct cg_flow_key k = { 0 };
	uint64_t tot[2];

	CHECK(evidence_new(16, &ev) == 0, "new");
	memcpy(k.mac, CAM_MAC, 6);
	k.dir = CG_DIR_IN;
	k.family = 4;
	k.proto = 17;
	k.reason = CG_REASON_INGRESS;
	for (int i = 0; i < 500; i++) {
		k.port = (uint16_t)i;
		for (int j = 0; j <= i % 3; j++)
			CHECK(evidence_add_nft(ev, &k, 50, 3, 3000 + i) == 0, "add");
	}
	size_t nover;
	const struct cg_evidence_over *o = evidence_overflows(ev, &nover);
	CHECK(evidence_rows(ev) <= 16 + 64, "bounded: %zu rows", evidence_rows(ev));
	CHECK(nover == 1 && o[0].nft[0] == o[0].packets[0] && o[0].packets[0] > 0, "overflow holds the nft part");
	/* sorted now (a save sorts) */
	char path[] = "/tmp/test-nflog-b.XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	CHECK(evidence_save(ev, path) == 0, "save");
	unlink(path);
	evidence_device_totals(ev, CAM_MAC, tot);
	uint64_t want = 0;
	for (int i = 0; i < 500; i++)
		want += (uint64_t)(i % 3 + 1);
	CHECK(tot[0] == want, "rows + overflow = %llu, want %llu", (unsigned long long)tot[0],
	      (unsigned long long)want);
	evidence_free(ev);
}

/* ---- a version 1 file is read, its rows without an nft part ---------------- */

static void test_v1(void)
{
	struct {
		char magic[8];
		uint32_t version, row_size, over_size, pad;
		uint64_t nrows, nover;
		char instance[80];
	} h = { .magic = "CGEVID1\n", .version = 1, .row_size = 88, .over_size = 40, .nrows = 1, .nover = 1,
		.instance = "boot/7" };
	uint8_t row[88] = { 0 }, over[40] = { 0 };
	uint64_t packets = 42;
	char path[] = "/tmp/test-nflog-v1.XXXXXX";
	int fd = mkstemp(path);
	struct cg_evidence *ev;

	_Static_assert(sizeof(h) == 120, "v1 header");
	memcpy(row, CAM_MAC, 6);
	memcpy(row + 32, &packets, 8);           /* packets after the 32-byte key */
	memcpy(over, CAM_MAC, 6);
	memcpy(over + 8, &packets, 8);
	CHECK(write(fd, &h, sizeof(h)) == sizeof(h) && write(fd, row, sizeof(row)) == sizeof(row) &&
	      write(fd, over, sizeof(over)) == sizeof(over), "write");
	close(fd);
	CHECK(evidence_new(0, &ev) == 0, "new");
	CHECK(evidence_load(ev, path) == 0, "v1 loads");
	size_t n;
	struct cg_evidence_row *r = rows_of(ev, &n);
	CHECK(n == 1 && r[0].packets == 42 && r[0].nft_packets == 0, "v1 row");
	free(r);
	CHECK(evidence_overflow(ev, CAM_MAC, 0) == 42, "v1 overflow");
	CHECK(!strcmp(evidence_instance(ev), "boot/7"), "instance");
	unlink(path);
	evidence_free(ev);
}

int main(void)
{
	test_parse();
	test_real();
	test_hostile();
	test_bound();
	test_v1();
	printf("%d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
