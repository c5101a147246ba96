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
	__u16 pad;           /* keeps the addresses 4-byte aligned (word compares) */
	__u8 saddr[16];      /* IPv4: first 4 bytes; ARP: sender protocol address */
	__u8 daddr[16];
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

/* Reads the L4 ports (TCP/UDP/UDP-Lite/SCTP all start with them) or the ICMP type. */
static __always_inline int cg_parse_l4(struct cg_pkt *p, void *l4, void *data_end)
{
	switch (p->l4proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP: {
		__be16 *ports = l4;
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
		if ((void *)(type + 4) > data_end)   /* type, code, checksum */
			return CG_PARSE_SHORT;
		p->icmp_type = *type;
		return CG_PARSE_OK;
	}
	default:
		return CG_PARSE_OK;
	}
}

static __always_inline int cg_parse_ipv4(struct cg_pkt *p, void *l3, void *data_end)
{
	struct iphdr *ip = l3;

	if ((void *)(ip + 1) > data_end)
		return CG_PARSE_SHORT;
	if (ip->version != 4 || ip->ihl < 5)
		return CG_PARSE_MALFORMED;
	if (bpf_ntohs(ip->tot_len) < ip->ihl * 4)
		return CG_PARSE_MALFORMED;

	p->family = 4;
	p->l4proto = ip->protocol;
	p->hop_limit = ip->ttl;
	__builtin_memcpy(p->saddr, &ip->saddr, 4);
	__builtin_memcpy(p->daddr, &ip->daddr, 4);

	__u16 frag = bpf_ntohs(ip->frag_off);
	if (frag & 0x3fff) {                     /* MF or an offset */
		p->flags |= CG_PKT_FRAG;
		if (frag & 0x1fff) {
			p->flags |= CG_PKT_FRAG_LATER;
			return CG_PARSE_OK;
		}
	}
	return cg_parse_l4(p, l3 + ip->ihl * 4, data_end);
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

	__u8 next = ip6->nexthdr;
	void *pos = ip6 + 1;

	/* Walk a bounded extension-header chain: up to CG_MAX_IPV6_EXT
	 * extension headers, then the upper-layer header (hence the + 1). A
	 * longer chain is malformed: its upper layer would be invisible to us. */
#pragma unroll
	for (int i = 0; i < CG_MAX_IPV6_EXT + 1; i++) {
		__u8 *h = pos;
		switch (next) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_DSTOPTS:
		case IPPROTO_ROUTING:
			if ((void *)(h + 8) > data_end)
				return CG_PARSE_SHORT;
			/* A routing header with segments left names a final
			 * destination other than daddr: we cannot decide by
			 * daddr, so the frame is not fully readable. */
			if (next == IPPROTO_ROUTING && h[3] != 0)
				return CG_PARSE_MALFORMED;
			next = h[0];
			pos = h + ((__u32)h[1] + 1) * 8;
			continue;
		case IPPROTO_AH:
			if ((void *)(h + 8) > data_end)
				return CG_PARSE_SHORT;
			next = h[0];
			pos = h + ((__u32)h[1] + 2) * 4;
			continue;
		case IPPROTO_FRAGMENT: {
			if ((void *)(h + 8) > data_end)
				return CG_PARSE_SHORT;
			__u16 off = ((__u16)h[2] << 8 | h[3]);
			next = h[0];
			pos = h + 8;
			if ((off & 0xfff9) == 0)     /* offset 0 and !M: atomic fragment */
				continue;
			p->flags |= CG_PKT_FRAG;
			if (off & 0xfff8) {
				p->flags |= CG_PKT_FRAG_LATER;
				p->l4proto = next;
				return CG_PARSE_OK;
			}
			continue;
		}
		default:
			p->l4proto = next;
			return cg_parse_l4(p, pos, data_end);
		}
	}
	return CG_PARSE_MALFORMED;
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
		return cg_parse_ipv4(p, pos, data_end);
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
