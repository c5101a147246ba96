// SPDX-License-Identifier: GPL-2.0-only
/*
 * discovery.c — owns the way from a copied frame to a protocol parser: the
 * ring buffer record, the Ethernet/VLAN, IPv4 and IPv6 headers (fragments
 * are marked for reasm.c), and the dispatcher that picks the parser by UDP
 * port (udp_parser) or EtherType. The parsers live one protocol family per
 * file: sadp.c, dahua.c, onvif.c, dhcp.c, ssdp.c; brand.c names brands and
 * scan.c holds the bounded text and XML helpers they share. See discovery.h.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "camguard.h"
#include "discovery.h"
#include "dns.h"

static const char *const source_names[CG_DISC_SRC_MAX] = {
	[CG_DISC_SRC_SADP] = "sadp",
	[CG_DISC_SRC_DHIP] = "dhip",
	[CG_DISC_SRC_ONVIF] = "onvif",
	[CG_DISC_SRC_DHCP] = "dhcp",
	[CG_DISC_SRC_SSDP] = "ssdp",
};

const char *discovery_source_to_string(int src)
{
	return src >= 0 && src < CG_DISC_SRC_MAX ? source_names[src] : "unknown";
}

int discovery_source_from_string(const char *s)
{
	for (int i = 0; i < CG_DISC_SRC_MAX; i++)
		if (s && strcmp(s, source_names[i]) == 0)
			return i;
	return -EINVAL;
}

int discovery_source_rank(int src)
{
	switch (src) {
	case CG_DISC_SRC_SADP:
	case CG_DISC_SRC_DHIP: return 3;
	case CG_DISC_SRC_ONVIF: return 2;
	case CG_DISC_SRC_SSDP:
	case CG_DISC_SRC_DHCP: return 1;
	default: return 0;
	}
}

void discovery_info_init(struct cg_disc_info *ret, int src)
{
	memset(ret, 0, sizeof(*ret));
	ret->source = (uint8_t)src;
}

/* ---- frames ---------------------------------------------------------------- */

#define ETH_P_SADP 0x8033

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The IPv4 header at f+off. */
static int frame_ipv4(const uint8_t *f, size_t len, size_t off, struct cg_disc_l3 *ret)
{
	if (off + 20 > len || f[off] >> 4 != 4)
		return -EBADMSG;
	size_t ihl = (size_t)(f[off] & 0x0f) * 4, tot = be16(f + off + 2);
	uint16_t frag = be16(f + off + 6);
	if (ihl < 20 || tot < ihl || off + ihl > len)
		return -EBADMSG;
	ret->family = 4;
	ret->proto = f[off + 9];
	memcpy(ret->src, f + off + 12, 4);
	memcpy(ret->dst, f + off + 16, 4);
	if (frag & 0x3fff) {
		ret->frag = true;
		ret->more = frag & 0x2000;
		ret->offset = (uint32_t)(frag & 0x1fff) * 8;
		ret->id = be16(f + off + 4);
	}
	/* The IP length bounds the payload (Ethernet pads short frames);
	 * a copy shorter than it is cut. */
	ret->data = f + off + ihl;
	ret->len = tot - ihl;
	if (off + tot > len) {
		ret->len = len - off - ihl;
		ret->cut = true;
	}
	return 0;
}

/* The IPv6 header at f+off and its extension headers. */
static int frame_ipv6(const uint8_t *f, size_t len, size_t off, struct cg_disc_l3 *ret)
{
	if (off + 40 > len || f[off] >> 4 != 6)
		return -EBADMSG;
	uint8_t nh = f[off + 6];
	size_t p = off + 40, end = off + 40 + be16(f + off + 4);
	ret->family = 6;
	memcpy(ret->src, f + off + 8, 16);
	memcpy(ret->dst, f + off + 24, 16);
	if (end > len) {
		end = len;
		ret->cut = true;
	}
	/* Hop-by-hop, routing, destination options, a fragment header:
	 * a few, bounded. */
	for (int k = 0; k < 6 && (nh == 0 || nh == 43 || nh == 60 || nh == 44); k++) {
		if (p + 8 > end)
			return -EBADMSG;
		if (nh == 44) {
			uint16_t fo = be16(f + p + 2);
			nh = f[p];
			/* Offset 0 without M is an atomic fragment: whole. */
			if (fo & 0xfff9) {
				ret->frag = true;
				ret->more = fo & 1;
				ret->offset = fo & 0xfff8;
				ret->id = (uint32_t)be16(f + p + 4) << 16 | be16(f + p + 6);
			}
			p += 8;
			continue;
		}
		nh = f[p];
		p += ((size_t)f[p + 1] + 1) * 8;
	}
	if (p > end)
		return -EBADMSG;
	ret->proto = nh;
	ret->data = f + p;
	ret->len = end - p;
	return 0;
}

int discovery_frame_l3(const uint8_t *f, size_t len, struct cg_disc_l3 *ret)
{
	size_t off = 12;
	uint16_t et;

	memset(ret, 0, sizeof(*ret));
	if (!f || len < 14)
		return -EBADMSG;
	et = be16(f + off);
	for (int tags = 0; (et == 0x8100 || et == 0x88a8 || et == 0x9100) && tags < 2; tags++) {
		off += 4;
		if (off + 2 > len)
			return -EBADMSG;
		et = be16(f + off);
	}
	off += 2;
	ret->ethertype = et;
	if (et == ETH_P_SADP) {
		ret->data = f + off;
		ret->len = len - off;
		return 0;
	}
	if (et == 0x0800)
		return frame_ipv4(f, len, off, ret);
	if (et == 0x86dd)
		return frame_ipv6(f, len, off, ret);
	return -ENOMSG;
}

/* The parser for a discovery port, or NULL. */
static int (*udp_parser(uint16_t port))(const uint8_t *, size_t, struct cg_disc_info *)
{
	switch (port) {
	case 37020: return discovery_parse_sadp_xml;
	case 37810: return discovery_parse_dhip;
	case 5050: return discovery_parse_dahua_legacy;
	case 3702: return discovery_parse_wsd;
	case 67: case 68: return discovery_parse_dhcp;
	case 1900: return discovery_parse_ssdp;
	case 53: return dns_parse_disc;           /* not an announcement: to the names store */
	default: return NULL;
	}
}

int discovery_parse_udp(const uint8_t *udp, size_t len, struct cg_disc_info *ret)
{
	discovery_info_init(ret, CG_DISC_SRC_MAX);
	if (!udp || len < 8)
		return -EBADMSG;
	size_t ulen = be16(udp + 4);
	if (ulen < 8)
		return -EBADMSG;
	/* The copy may be shorter than the datagram (CG_DISC_MAX): read what
	 * was copied, never past it. */
	size_t plen = (ulen < len ? ulen : len) - 8;
	/* To the port: an announcement (or a probe, which the parsers tell
	 * apart). From the port to another: a reply to someone's probe. */
	int (*fn)(const uint8_t *, size_t, struct cg_disc_info *) = udp_parser(be16(udp + 2));
	if (!fn)
		fn = udp_parser(be16(udp));
	return fn ? fn(udp + 8, plen, ret) : -ENOMSG;
}

int discovery_parse_frame(const uint8_t *f, size_t len, struct cg_disc_info *ret)
{
	struct cg_disc_l3 l3;
	int rc = discovery_frame_l3(f, len, &l3);

	discovery_info_init(ret, CG_DISC_SRC_MAX);
	if (rc < 0)
		return rc;
	if (l3.ethertype == ETH_P_SADP)
		return discovery_parse_sadp_raw(l3.data, l3.len, ret);
	if (l3.proto != 17 || l3.frag)         /* a fragment: reassembled by the caller */
		return -ENOMSG;
	return discovery_parse_udp(l3.data, l3.len, ret);
}

/* The frame of a ring buffer record, bounded by caplen and the record. */
int discovery_event_frame(const void *rec, size_t len, const uint8_t **ret, size_t *ret_len)
{
	const struct cg_disc_event *e = rec;

	if (!rec || len < offsetof(struct cg_disc_event, data) || e->hdr.type != CG_EV_DISCOVERY)
		return -EINVAL;
	size_t cap = e->caplen;
	if (cap > CG_DISC_MAX)
		cap = CG_DISC_MAX;
	if (cap > len - offsetof(struct cg_disc_event, data))
		cap = len - offsetof(struct cg_disc_event, data);
	*ret = e->data;
	*ret_len = cap;
	return 0;
}

int discovery_parse_event(const void *rec, size_t len, struct cg_disc_info *ret)
{
	const uint8_t *f;
	size_t n;

	discovery_info_init(ret, CG_DISC_SRC_MAX);
	int rc = discovery_event_frame(rec, len, &f, &n);
	return rc < 0 ? rc : discovery_parse_frame(f, n, ret);
}
