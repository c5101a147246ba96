// SPDX-License-Identifier: GPL-2.0-only
/*
 * frames.c — serialise struct frame (see frames.h).
 *
 * The builder writes the whole frame first and applies .cut last, so a
 * truncated frame is byte for byte the prefix of the complete one: a test
 * that cuts at a header boundary cuts exactly there.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/ether.h>
#include <netinet/in.h>

#include "frames.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static int parse_mac(const char *s, const char *dflt, uint8_t out[6])
{
	struct ether_addr *a = ether_aton(s ? s : dflt);
	if (!a)
		return -EINVAL;
	memcpy(out, a, 6);
	return 0;
}

static int parse_ip(int family, const char *s, uint8_t *out)
{
	if (!s)
		s = family == AF_INET ? "0.0.0.0" : "::";
	return inet_pton(family, s, out) == 1 ? 0 : -EINVAL;
}

/* Writes the L4 header and payload at p; returns its length. The checksum
 * needs the pseudo-header sum of the L3 layer. */
static size_t build_l4(const struct frame *f, uint8_t *p, uint32_t pseudo, int v6)
{
	size_t n;

	switch (f->proto) {
	case IPPROTO_UDP:
		n = UDPH + f->payload;
		memset(p, 0, n);
		put16(p, f->sport);
		put16(p + 2, f->dport);
		put16(p + 4, (uint16_t)n);
		break;
	case IPPROTO_TCP:
		n = TCPH + f->payload;
		memset(p, 0, n);
		put16(p, f->sport);
		put16(p + 2, f->dport);
		p[12] = 5 << 4;     /* data offset */
		p[13] = 0x02;       /* SYN */
		put16(p + 14, 64240);
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		n = 8 + f->payload;
		memset(p, 0, n);
		p[0] = f->icmp_type;
		break;
	default:
		n = f->payload;
		memset(p, 0, n);
		return n;
	}

	uint32_t sum = f->proto == IPPROTO_ICMP ? 0 : pseudo + (uint32_t)n;
	uint16_t c = csum_fold(csum_add(sum, p, n));
	if (f->proto == IPPROTO_UDP && c == 0 && !v6)
		c = 0xffff;
	size_t at = f->proto == IPPROTO_UDP ? 6 : f->proto == IPPROTO_TCP ? 16 : 2;
	put16(p + at, c);
	return n;
}

/* One IPv6 extension header of type t at p; returns its length. */
static size_t build_ext(const struct frame *f, uint8_t t, uint8_t next, uint8_t *p)
{
	switch (t) {
	case IPPROTO_ROUTING:
		/* type 0 layout with one address: 8 + 16 bytes, hdr ext len 2 */
		memset(p, 0, 24);
		p[0] = next;
		p[1] = 2;
		p[2] = 0;
		p[3] = f->seg_left;
		return 24;
	case IPPROTO_FRAGMENT:
		memset(p, 0, 8);
		p[0] = next;
		put16(p + 2, f->frag);
		p[4] = 0x12;        /* identification */
		p[7] = 0x34;
		return 8;
	case IPPROTO_AH:
		/* 12 fixed bytes + 12 bytes ICV: payload len (24/4) - 2 = 4 */
		memset(p, 0, 24);
		p[0] = next;
		p[1] = 4;
		p[7] = 1;           /* SPI */
		p[11] = 1;          /* sequence */
		return 24;
	default:                    /* hop-by-hop, destination options: PadN */
		memset(p, 0, 8);
		p[0] = next;
		p[1] = 0;
		p[2] = 1;           /* PadN */
		p[3] = 4;
		return 8;
	}
}

int frame_build(const struct frame *f, uint8_t *buf)
{
	uint8_t smac[6], dmac[6];
	uint8_t *p = buf;
	uint16_t et;
	int rc;

	memset(buf, 0, FRAME_MAX);
	if ((rc = parse_mac(f->dmac, "02:00:00:00:00:fe", dmac)) ||
	    (rc = parse_mac(f->smac, "02:00:00:00:00:fe", smac)))
		return rc;
	memcpy(p, dmac, 6);
	memcpy(p + 6, smac, 6);
	p += 12;

	switch (f->l3) {
	case FR_V4:  et = ETH_P_IP; break;
	case FR_V6:  et = ETH_P_IPV6; break;
	case FR_ARP: et = ETH_P_ARP; break;
	default:     et = 0; break;
	}
	if (f->ethertype)
		et = f->ethertype;

	for (int i = 0; i < f->ntags && i < 3; i++) {
		put16(p, f->tpid[i] ? f->tpid[i] : ETH_P_8021Q);
		put16(p + 2, f->vid[i] & 0x0fff);
		p += 4;
	}
	put16(p, et);
	p += 2;

	if (f->l3 == FR_RAW) {
		memset(p, 0, f->payload);
		p += f->payload;
	} else if (f->l3 == FR_ARP) {
		put16(p, 1);                 /* Ethernet */
		put16(p + 2, ETH_P_IP);
		p[4] = 6;
		p[5] = 4;
		put16(p + 6, f->arpop ? f->arpop : 1);
		memcpy(p + 8, smac, 6);
		if ((rc = parse_ip(AF_INET, f->src, p + 14)) ||
		    (rc = parse_ip(AF_INET, f->dst, p + 24)))
			return rc;
		p += 28;
	} else if (f->l3 == FR_V4) {
		uint8_t *ip = p;
		int ihl = f->ihl ? (f->ihl & 0x0f) : 5 + (f->nopt + 3) / 4;   /* 0x10: a literal 0 */
		int hlen = ihl < 5 ? 20 : ihl * 4;
		uint32_t pseudo;

		memset(ip, 0, hlen);
		ip[0] = (uint8_t)((f->version ? f->version : 4) << 4 | (ihl & 0x0f));
		put16(ip + 4, 0x1234);
		put16(ip + 6, f->frag);
		ip[8] = f->ttl ? f->ttl : 64;
		ip[9] = f->proto;
		if ((rc = parse_ip(AF_INET, f->src, ip + 12)) ||
		    (rc = parse_ip(AF_INET, f->dst, ip + 16)))
			return rc;
		for (int i = 20; i < hlen; i++)
			ip[i] = i == hlen - 1 ? 0 : 1;    /* NOPs, then end of list */
		if (f->nopt) {
			memset(ip + 20, 0, hlen - 20);
			memcpy(ip + 20, f->opt, f->nopt < hlen - 20 ? f->nopt : hlen - 20);
		}
		pseudo = csum_add(0, ip + 12, 8) + f->proto;
		p = ip + hlen;
		/* A later fragment carries payload, not an L4 header. */
		if ((f->frag & 0x1fff) && f->proto != 0) {
			memset(p, 0xab, 8 + f->payload);
			p += 8 + f->payload;
		} else {
			p += build_l4(f, p, pseudo, 0);
		}
		put16(ip + 2, f->totlen > 0 ? (uint16_t)f->totlen : (uint16_t)(p - ip));
		put16(ip + 10, csum_fold(csum_add(0, ip, hlen)));
	} else if (f->l3 == FR_V6) {
		uint8_t *ip = p;
		uint32_t pseudo;

		memset(ip, 0, IP6);
		ip[0] = (uint8_t)((f->version ? f->version : 6) << 4);
		ip[6] = f->next ? f->ext[0] : f->proto;
		ip[7] = f->ttl ? f->ttl : 64;
		if ((rc = parse_ip(AF_INET6, f->src, ip + 8)) ||
		    (rc = parse_ip(AF_INET6, f->dst, ip + 24)))
			return rc;
		p = ip + IP6;
		int later = 0;
		for (int i = 0; i < f->next && i < (int)sizeof(f->ext); i++) {
			uint8_t next = i + 1 < f->next ? f->ext[i + 1] : f->proto;
			p += build_ext(f, f->ext[i], next, p);
			if (f->ext[i] == IPPROTO_FRAGMENT && (f->frag & 0xfff8))
				later = 1;
		}
		pseudo = csum_add(0, ip + 8, 32) + f->proto;
		if (later) {
			memset(p, 0xab, 8 + f->payload);
			p += 8 + f->payload;
		} else {
			p += build_l4(f, p, pseudo, 1);
		}
		put16(ip + 4, f->plen > 0 ? (uint16_t)f->plen : (uint16_t)(p - ip - IP6));
	}

	int len = (int)(p - buf);
	if (f->cut > 0 && f->cut < len) {
		memset(buf + f->cut, 0, len - f->cut);
		len = f->cut;
	}
	return len;
}
