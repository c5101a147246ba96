/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * frames.h — crafted Ethernet frames for the classifier tests.
 *
 * A frame is described by one struct frame (addresses as strings so that a
 * test table reads like a capture) and serialised by frame_build(). The
 * description covers what the data plane parses: up to three VLAN tags, ARP,
 * IPv4 with options and fragments, IPv6 with an extension-header chain and
 * fragments, TCP/UDP/ICMP/ICMPv6, raw EtherTypes, and truncation at any
 * byte (.cut) so that every header boundary can be tested.
 *
 * Checksums are filled in (IPv4 header, UDP/TCP/ICMP over the pseudo
 * header) so that the same frames are valid on a real link.
 */
#ifndef CG_TEST_FRAMES_H
#define CG_TEST_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_MAX 2048

/* Header sizes, for readable .cut values. */
#define ETH  14
#define VLAN 4
#define IP4  20
#define IP6  40
#define UDPH 8
#define TCPH 20

enum frame_l3 {
	FR_V4 = 1,
	FR_V6,
	FR_ARP,
	FR_RAW,     /* .ethertype followed by .payload zero bytes */
};

/* IPv4 frag_off values (host order) and IPv6 fragment header offset fields. */
#define F4_FIRST  0x2000                 /* MF, offset 0 */
#define F4_LATER  (0x2000 | 185)         /* MF, offset 185*8 */
#define F4_LAST   185                    /* offset 185*8, no MF */
#define F4_DF     0x4000                 /* DF only: not a fragment */
#define F6_FIRST  0x0001                 /* offset 0, M */
#define F6_LATER  ((185 << 3) | 1)       /* offset 185*8, M */
#define F6_ATOMIC 0x0000                 /* offset 0, no M (RFC 6946) */

struct frame {
	const char *smac, *dmac;  /* "44:19:b6:00:00:01" */
	int ntags;                /* in-frame VLAN tags, outermost first */
	uint16_t tpid[3];         /* 0: 0x8100 */
	uint16_t vid[3];
	uint16_t ethertype;       /* 0: from l3 */
	uint8_t l3;               /* enum frame_l3 */

	const char *src, *dst;    /* IP addresses (ARP: sender/target protocol address) */
	uint8_t proto;            /* L4 protocol or the IPv6 upper-layer header */
	uint16_t sport, dport;
	uint8_t icmp_type;
	uint8_t ttl;              /* 0: 64; also the IPv6 hop limit */
	uint8_t ihl;              /* 0: 5; >5 adds NOP options; <5 writes a bogus ihl; 0x10: ihl 0 */
	uint8_t version;          /* 0: 4 or 6; anything else writes a bogus version */
	int totlen;               /* >0: IPv4 total length override */
	int plen;                 /* >0: IPv6 payload length override */
	uint8_t opt[40];          /* IPv4 options (ihl grows to hold them, END-padded) */
	uint8_t nopt;
	uint16_t frag;            /* F4_* / F6_* (IPv6: needs IPPROTO_FRAGMENT in ext) */

	uint8_t ext[12];          /* IPv6 extension headers, in order */
	uint8_t next;             /* how many of ext[] */
	uint8_t seg_left;         /* routing header segments left */

	uint16_t arpop;          /* 0: request */
	uint16_t payload;         /* L4 payload bytes (raw: after the EtherType) */
	int cut;                  /* >0: keep only the first cut bytes */
	uint8_t iif;              /* not built: the harness's ingress interface for IN runs */
};

/* Convenience: the extension chain from a list of protocol numbers. */
#define EXT(...) .ext = { __VA_ARGS__ }, .next = sizeof((uint8_t[]){ __VA_ARGS__ })
/* IPv4 option bytes. */
#define OPT(...) .opt = { __VA_ARGS__ }, .nopt = sizeof((uint8_t[]){ __VA_ARGS__ })
/* VLAN tags: TAGS(tpid, vid, tpid, vid, ...) is spelled per tag. */
#define TAG1(t0, v0) .ntags = 1, .tpid = { t0 }, .vid = { v0 }
#define TAG2(t0, v0, t1, v1) .ntags = 2, .tpid = { t0, t1 }, .vid = { v0, v1 }
#define TAG3(t0, v0, t1, v1, t2, v2) .ntags = 3, .tpid = { t0, t1, t2 }, .vid = { v0, v1, v2 }

/*
 * Writes the frame into buf (FRAME_MAX bytes). Returns its length, or a
 * negative errno for an unparsable address in the description.
 */
int frame_build(const struct frame *f, uint8_t *buf);

#endif
