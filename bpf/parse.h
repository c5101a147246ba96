/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * parse.h — frame parser shared by the TC and XDP entry points.
 *
 * Works on direct packet pointers (data, data_end) so that the common case
 * costs no copy. A header that runs past data_end yields CG_PARSE_SHORT; the
 * TC entry point then pulls the headers into the linear area and parses
 * again, so a non-linear skb (trafgen, GSO/GRO fragments) is read in full
 * rather than dropped. XDP frames are linear: SHORT there means truncated.
 *
 * The parser decides nothing: it only describes the frame in struct cg_pkt.
 */
#ifndef CAMGUARD_PARSE_H
#define CAMGUARD_PARSE_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/icmpv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "camguard.h"

#ifndef ETH_P_8021AD
#define ETH_P_8021AD 0x88A8
#endif

enum cg_parse_result {
	CG_PARSE_OK = 0,
	CG_PARSE_SHORT,      /* a header runs past data_end */
	CG_PARSE_MALFORMED,  /* a header is present but invalid */
	CG_PARSE_VLAN,       /* more VLAN tags than we read */
};

enum cg_pkt_kind {
	CG_KIND_IP = 0,      /* IPv4 or IPv6, see family */
	CG_KIND_ARP,
	CG_KIND_L2_LOCAL,    /* to 01:80:c2:00:00:0x (LLDP, EAPOL, STP): never bridged */
	CG_KIND_NON_IP,
};

#define CG_PKT_FRAG       0x01  /* part of a fragmented datagram */
#define CG_PKT_FRAG_LATER 0x02  /* not the first fragment: no L4 header */
#define CG_PKT_PORTS      0x04  /* sport/dport are valid */
#define CG_PKT_RPF_FAIL   0x08  /* IN: the route back to saddr leaves elsewhere (cg_rpf_check) */

struct cg_pkt {
	__u8 smac[6];
	__u8 dmac[6];
	__u16 vlan;          /* outermost VLAN id (offloaded or in-frame), 0 if none */
	__u16 ethertype;     /* after the VLAN tags, host order */
	__u8 kind;           /* enum cg_pkt_kind */
	__u8 family;         /* 4 or 6 for CG_KIND_IP */
	__u8 l4proto;
	__u8 flags;          /* CG_PKT_* */
	__u8 icmp_type;
	__u8 hop_limit;
	__u16 sport;         /* host order */
	__u16 dport;
	__u8 opt_off;        /* IPv4 options: offset in the frame, 0 if none ... */
	__u8 opt_len;        /* ... and length (also keeps the addresses 4-byte aligned) */
	__u8 saddr[16];      /* IPv4: first 4 bytes; ARP: sender protocol address */
	__u8 daddr[16];
	__u32 frag_id;       /* CG_PKT_FRAG: IPv4 identification / IPv6 fragment id */
	__u32 frag_off;      /* CG_PKT_FRAG: offset of this fragment's data, bytes */
};

struct cg_vlan_hdr {
	__be16 tci;
	__be16 proto;
};

struct cg_arp_hdr {
	__be16 htype;
	__be16 ptype;
	__u8 hlen;
	__u8 plen;
	__be16 op;
	__u8 sha[6];
	__u8 spa[4];
	__u8 tha[6];
	__u8 tpa[4];
} __attribute__((packed));

/*
 * Reads the L4 ports (TCP/UDP/UDP-Lite/SCTP all start with them) or the ICMP
 * type. `avail` is what the IP header says the datagram holds from l4 on:
 * bytes past it are Ethernet padding or garbage, never ports, so a header
 * that does not fit in it is malformed however long the frame is.
 */
static __always_inline int cg_parse_l4(struct cg_pkt *p, void *l4, void *data_end, __u32 avail)
{
	switch (p->l4proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP: {
		__be16 *ports = l4;
		if (avail < 4)
			return CG_PARSE_MALFORMED;
		if ((void *)(ports + 2) > data_end)
			return CG_PARSE_SHORT;
		p->sport = bpf_ntohs(ports[0]);
		p->dport = bpf_ntohs(ports[1]);
		p->flags |= CG_PKT_PORTS;
		return CG_PARSE_OK;
	}
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6: {
		__u8 *type = l4;
		if (avail < 4)
			return CG_PARSE_MALFORMED;
		if ((void *)(type + 4) > data_end)   /* type, code, checksum */
			return CG_PARSE_SHORT;
		p->icmp_type = *type;
		return CG_PARSE_OK;
	}
	default:
		return CG_PARSE_OK;
	}
}

/*
 * IPv4 options. Loose and strict source routes (LSRR 131, SSRR 137) name a
 * next destination other than daddr, which the kernel writes into the header
 * only after the forward hook: a decision by daddr would be about the wrong
 * host, so the frame is malformed (as an IPv6 routing header with segments
 * left). So is an option list the kernel would reject (length < 2, or past
 * the header). The parser only notes where the options are (opt_off,
 * opt_len): the entry points copy them to the stack in a function of their
 * own (cg_ipopts_skb/_xdp) and scan the copy here. buf holds 64 zeroed
 * bytes of which the first optlen (at most 40) are the options.
 */
/* 1 if a == b, 0 if not, without a branch (a, b < 2^63). */
static __always_inline __u64 cg_eq(__u64 a, __u64 b)
{
	__u64 x = a ^ b, y;

	/* or clang sees x == 0 in it and makes a select, which is a branch;
	 * the verifier then follows both sides to the end of the parse */
	asm volatile("" : "+r"(x));
	y = -x;
	asm volatile("" : "+r"(y));
	return ((x | y) >> 63) ^ 1;
}

/* x, as a value clang cannot reason about: a condition built without
 * branches stays one test (clang splits `a | b` into a branch per term
 * otherwise, and the verifier then follows each). */
static __always_inline __u64 cg_opaque(__u64 x)
{
	asm volatile("" : "+r"(x));
	return x;
}

/* 1 if a < b, without a branch (a, b < 2^63). */
static __always_inline __u64 cg_lt(__u64 a, __u64 b)
{
	__u64 d = a - b;

	asm volatile("" : "+r"(d));
	return d >> 63;
}

/*
 * One step per option, each with a single way on: whether the option is
 * bad and how far it reaches are computed without a branch (a branch per
 * kind of option makes the verifier explore every way an option list can
 * be cut, past its limit of a million instructions). An option starts where
 * the previous one ended; EOL or the end of the list stops the walk. 40
 * steps cover 40 one-byte NOPs. (Was a pass over every byte position, 40
 * times as many instructions for the verifier as this walk; issue 19.)
 */
static __always_inline int cg_scan_ipv4_opts(const __u8 *buf, __u32 optlen)
{
	__u64 pos = 0, n = optlen;

	if (n > 40)
		return CG_PARSE_MALFORMED;
#pragma clang loop unroll(disable)
	for (int k = 0; k < 40; k++) {
		if (pos >= n)
			break;
		__u64 b = buf[pos], l = buf[pos + 1];
		if (b == IPOPT_END)
			break;
		__u64 is_long = cg_opaque(cg_eq(b, IPOPT_NOOP) ^ 1);
		__u64 bad = cg_eq(b, IPOPT_LSRR) | cg_eq(b, IPOPT_SSRR) |
			    (is_long & (cg_lt(l, 2) | cg_lt(n, pos + 2) | cg_lt(n, pos + l)));
		if (cg_opaque(bad))
			return CG_PARSE_MALFORMED;
		pos += cg_opaque(1 + is_long * (l - 1));
	}
	return CG_PARSE_OK;
}

static __always_inline int cg_parse_ipv4(struct cg_pkt *p, void *l3, void *data_end, __u32 l3off)
{
	struct iphdr *ip = l3;

	if ((void *)(ip + 1) > data_end)
		return CG_PARSE_SHORT;
	if (ip->version != 4 || ip->ihl < 5)
		return CG_PARSE_MALFORMED;
	__u32 hlen = ip->ihl * 4, tot = bpf_ntohs(ip->tot_len);
	if (tot < hlen)
		return CG_PARSE_MALFORMED;
	if (hlen > sizeof(*ip)) {
		p->opt_off = l3off + sizeof(*ip);
		p->opt_len = hlen - sizeof(*ip);
	}

	p->family = 4;
	p->l4proto = ip->protocol;
	p->hop_limit = ip->ttl;
	__builtin_memcpy(p->saddr, &ip->saddr, 4);
	__builtin_memcpy(p->daddr, &ip->daddr, 4);

	__u16 frag = bpf_ntohs(ip->frag_off);
	if (frag & 0x3fff) {                     /* MF or an offset */
		p->flags |= CG_PKT_FRAG;
		p->frag_id = bpf_ntohs(ip->id);
		p->frag_off = (__u32)(frag & 0x1fff) * 8;
		if (frag & 0x1fff) {
			p->flags |= CG_PKT_FRAG_LATER;
			return CG_PARSE_OK;
		}
	}
	return cg_parse_l4(p, l3 + hlen, data_end, tot - hlen);
}

static __always_inline int cg_parse_ipv6(struct cg_pkt *p, void *l3, void *data_end)
{
	struct ipv6hdr *ip6 = l3;

	if ((void *)(ip6 + 1) > data_end)
		return CG_PARSE_SHORT;
	if (ip6->version != 6)
		return CG_PARSE_MALFORMED;

	p->family = 6;
	p->hop_limit = ip6->hop_limit;
	__builtin_memcpy(p->saddr, &ip6->saddr, 16);
	__builtin_memcpy(p->daddr, &ip6->daddr, 16);

	__u64 next = ip6->nexthdr;
	void *pos = ip6 + 1;
	__u32 plen = bpf_ntohs(ip6->payload_len), used = 0;  /* bytes of payload walked */

	/* Walk a bounded extension-header chain: up to CG_MAX_IPV6_EXT
	 * extension headers, then the upper-layer header (hence the + 1). A
	 * longer chain is malformed: its upper layer would be invisible to us.
	 *
	 * One step has a single way on: the kind of header only selects its
	 * length, computed without a branch (cg_eq), and every other branch
	 * leaves the walk (a verdict) or rejoins at once (a fragment header).
	 * With a branch per kind (a switch) the verifier followed every
	 * sequence of kinds separately, each step multiplying the paths of
	 * the one before: 75,000 instructions per program to verify, two
	 * thirds of the daemon's start (issue 19). Straight-line, it is one
	 * path per step. */
#pragma unroll
	for (int i = 0; i < CG_MAX_IPV6_EXT + 1; i++) {
		__u64 is_opt = cg_opaque(cg_eq(next, IPPROTO_HOPOPTS) | cg_eq(next, IPPROTO_DSTOPTS) |
					 cg_eq(next, IPPROTO_ROUTING));
		__u64 is_ah = cg_opaque(cg_eq(next, IPPROTO_AH));
		__u64 is_frag = cg_opaque(cg_eq(next, IPPROTO_FRAGMENT));

		if (!cg_opaque(is_opt | is_ah | is_frag))
			goto upper;
		if (used + 8 > plen)
			return CG_PARSE_MALFORMED;
		__u8 *h = pos;
		if ((void *)(h + 8) > data_end)
			return CG_PARSE_SHORT;
		__u64 b1 = h[1], b3 = h[3];
		/* A routing header with segments left names a final
		 * destination other than daddr: we cannot decide by daddr, so
		 * the frame is not fully readable. */
		if (cg_opaque(cg_eq(next, IPPROTO_ROUTING) & (cg_eq(b3, 0) ^ 1)))
			return CG_PARSE_MALFORMED;
		__u64 off = (__u64)h[2] << 8 | b3;          /* fragment header only */
		/* offset 0 and !M: an atomic fragment, walked over like an option */
		if (cg_opaque(is_frag & (cg_eq(off & 0xfff9, 0) ^ 1))) {
			p->flags |= CG_PKT_FRAG;
			p->frag_id = (__u32)h[4] << 24 | (__u32)h[5] << 16 | (__u32)h[6] << 8 | h[7];
			p->frag_off = off & 0xfff8;
			if (off & 0xfff8) {
				p->flags |= CG_PKT_FRAG_LATER;
				p->l4proto = h[0];
				return CG_PARSE_OK;
			}
		}
		/* Options and routing: (len + 1) * 8; AH: (len + 2) * 4; a
		 * fragment header: 8, whatever its reserved byte says. */
		__u64 n = b1 * (is_frag ^ 1);
		__u64 len = cg_opaque((n + 1 + is_ah) * (8 - 4 * is_ah));
		next = h[0];
		used += len;
		pos = h + len;
	}
	return CG_PARSE_MALFORMED;
upper:
	p->l4proto = next;
	if (used > plen)
		return CG_PARSE_MALFORMED;
	return cg_parse_l4(p, pos, data_end, plen - used);
}

/*
 * Parses one frame starting at data. vlan_tci/vlan_present describe a tag the
 * NIC (or the receive path: __netif_receive_skb_core untags before TC ingress)
 * already removed from the frame; XDP passes 0.
 */
static __always_inline int cg_parse(struct cg_pkt *p, void *data, void *data_end,
				    __u32 vlan_present, __u32 vlan_tci)
{
	struct ethhdr *eth = data;
	int tags = 0;

	if ((void *)(eth + 1) > data_end)
		return CG_PARSE_SHORT;
	__builtin_memcpy(p->smac, eth->h_source, 6);
	__builtin_memcpy(p->dmac, eth->h_dest, 6);

	if (vlan_present) {
		p->vlan = vlan_tci & 0x0fff;
		tags = 1;
	}

	__u16 proto = bpf_ntohs(eth->h_proto);
	void *pos = eth + 1;
	__u32 l3off = sizeof(*eth);

#pragma unroll
	for (int i = 0; i < CG_MAX_VLAN_TAGS + 1; i++) {
		if (proto != ETH_P_8021Q && proto != ETH_P_8021AD)
			break;
		struct cg_vlan_hdr *vh = pos;
		if ((void *)(vh + 1) > data_end)
			return CG_PARSE_SHORT;
		if (tags == 0)
			p->vlan = bpf_ntohs(vh->tci) & 0x0fff;
		if (++tags > CG_MAX_VLAN_TAGS)
			return CG_PARSE_VLAN;
		proto = bpf_ntohs(vh->proto);
		pos = vh + 1;
		l3off += sizeof(*vh);
	}
	if (proto == ETH_P_8021Q || proto == ETH_P_8021AD)
		return CG_PARSE_VLAN;

	p->ethertype = proto;

	/* 01:80:c2:00:00:00-0f: IEEE 802.1 link-local group, never forwarded. */
	if (p->dmac[0] == 0x01 && p->dmac[1] == 0x80 && p->dmac[2] == 0xc2 &&
	    p->dmac[3] == 0 && p->dmac[4] == 0 && (p->dmac[5] & 0xf0) == 0) {
		p->kind = CG_KIND_L2_LOCAL;
		return CG_PARSE_OK;
	}

	switch (proto) {
	case ETH_P_IP:
		p->kind = CG_KIND_IP;
		return cg_parse_ipv4(p, pos, data_end, l3off);
	case ETH_P_IPV6:
		p->kind = CG_KIND_IP;
		return cg_parse_ipv6(p, pos, data_end);
	case ETH_P_ARP: {
		struct cg_arp_hdr *arp = pos;
		p->kind = CG_KIND_ARP;
		if ((void *)(arp + 1) > data_end)
			return CG_PARSE_SHORT;
		if (arp->ptype != bpf_htons(ETH_P_IP) || arp->hlen != 6 || arp->plen != 4)
			return CG_PARSE_MALFORMED;
		__builtin_memcpy(p->saddr, arp->spa, 4);
		__builtin_memcpy(p->daddr, arp->tpa, 4);
		p->family = 4;
		return CG_PARSE_OK;
	}
	default:
		p->kind = CG_KIND_NON_IP;
		return CG_PARSE_OK;
	}
}

#endif /* CAMGUARD_PARSE_H */
