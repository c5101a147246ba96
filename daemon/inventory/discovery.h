/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * discovery.h — what cameras announce about themselves, read passively from
 * the discovery frames the data plane copies to userland (CG_EV_DISCOVERY).
 *
 * One parser per announcement protocol, one file per protocol family
 * (discovery.c dispatches): Hikvision SADP (XML over UDP 37020,
 * and the binary EtherType 0x8033 form), Dahua DHIP (UDP 37810: a 32-byte
 * header then JSON; the legacy UDP 5050 binary form, best effort), ONVIF
 * WS-Discovery Hello/ProbeMatch (UDP 3702, SOAP), DHCP requests (options 12
 * and 60) and SSDP NOTIFY (UDP 1900, SERVER and LOCATION headers).
 *
 * Every input is hostile: the frames come from cameras, which is exactly
 * what camguard does not trust. The parsers read only inside [buf, buf+len),
 * allocate nothing (the one exception is json-c for DHIP, bounded by the
 * 8 KiB datagram and a nesting limit), recurse nowhere, and copy at most
 * CG_DISC_FIELD_MAX-1 printable ASCII bytes per field: anything else is
 * replaced by '?', so a value is safe in JSON, a table and a Prometheus label.
 */
#ifndef CAMGUARD_DISCOVERY_H
#define CAMGUARD_DISCOVERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CG_DISC_FIELD_MAX 64     /* bytes per announced value, with the NUL */
#define CG_DISC_URL_MAX   128

enum cg_disc_source {
	CG_DISC_SRC_SADP = 0,
	CG_DISC_SRC_DHIP,
	CG_DISC_SRC_ONVIF,
	CG_DISC_SRC_DHCP,
	CG_DISC_SRC_SSDP,
	CG_DISC_SRC_MAX
};

const char *discovery_source_to_string(int src);
int discovery_source_from_string(const char *s);     /* -EINVAL if unknown */
/* How much a source is believed when two disagree: the vendor protocols
 * name the exact model, ONVIF usually does, DHCP and SSDP only hint. */
int discovery_source_rank(int src);

/* The facts one frame announced; empty strings for what it did not. */
struct cg_disc_info {
	uint8_t source;                        /* enum cg_disc_source */
	char model[CG_DISC_FIELD_MAX];
	char firmware[CG_DISC_FIELD_MAX];
	char serial[CG_DISC_FIELD_MAX];
	char name[CG_DISC_FIELD_MAX];          /* device name or DHCP hostname */
	char manufacturer[CG_DISC_FIELD_MAX];  /* as announced (or implied by the protocol) */
	char url[CG_DISC_URL_MAX];             /* ONVIF XAddrs, SSDP LOCATION */
	bool has_mac;                          /* the MAC the payload names (SADP, DHCP chaddr) */
	uint8_t mac[6];
};

/* Where a copied frame's datagram is: the EtherType; for IPv4/IPv6 the
 * addresses, the upper-layer protocol and the fragment fields, and data/len
 * the L4 part (a fragment's data for a fragment), bounded by the IP length
 * and by the copy (cut when the copy ended first). For SADP's EtherType,
 * data/len is the payload. */
struct cg_disc_l3 {
	uint16_t ethertype;
	uint8_t family;          /* 4 or 6; 0 for non-IP */
	uint8_t proto;
	bool frag;               /* part of a fragmented datagram */
	bool more;
	bool cut;
	uint32_t id;
	uint32_t offset;
	uint8_t src[16];
	uint8_t dst[16];
	const uint8_t *data;
	size_t len;
};
/* 0, -EBADMSG for a broken header, -ENOMSG for neither IP nor SADP. */
int discovery_frame_l3(const uint8_t *frame, size_t len, struct cg_disc_l3 *ret);

/* A whole UDP datagram (header and payload): the parser is chosen by the
 * destination port, else by the source port (a reply from a discovery
 * port to a prober's ephemeral port). Same returns as below. */
int discovery_parse_udp(const uint8_t *udp, size_t len, struct cg_disc_info *ret);

/* A frame from its Ethernet header (802.1Q/802.1ad tags allowed), as in
 * struct cg_disc_event. 0 with *ret filled when at least one fact was found;
 * -ENOMSG for a frame that is not an announcement we read (a probe, another
 * port, nothing useful); -EBADMSG for a truncated or malformed one. */
int discovery_parse_frame(const uint8_t *frame, size_t len, struct cg_disc_info *ret);

/* A ring buffer record of type CG_EV_DISCOVERY (struct cg_disc_event, len
 * bytes): checks the type, the record length and caplen, then parses the
 * frame. -EINVAL for a record that is not a discovery event. */
int discovery_parse_event(const void *rec, size_t len, struct cg_disc_info *ret);
/* The frame in such a record, bounded by caplen and the record: 0, -EINVAL. */
int discovery_event_frame(const void *rec, size_t len, const uint8_t **ret, size_t *ret_len);
/* reasm_read_event() (reasm.h) is discovery_parse_event() with fragments put
 * back together. */

/* The payload parsers, by UDP destination port / EtherType; same returns. */
int discovery_parse_sadp_xml(const uint8_t *buf, size_t len, struct cg_disc_info *ret);
int discovery_parse_sadp_raw(const uint8_t *buf, size_t len, struct cg_disc_info *ret);
int discovery_parse_dhip(const uint8_t *buf, size_t len, struct cg_disc_info *ret);
int discovery_parse_dahua_legacy(const uint8_t *buf, size_t len, struct cg_disc_info *ret);
int discovery_parse_wsd(const uint8_t *buf, size_t len, struct cg_disc_info *ret);
int discovery_parse_dhcp(const uint8_t *buf, size_t len, struct cg_disc_info *ret);
int discovery_parse_ssdp(const uint8_t *buf, size_t len, struct cg_disc_info *ret);

/* For the protocol parsers (sadp.c, dahua.c, onvif.c, dhcp.c, ssdp.c): an
 * empty info from source src. */
void discovery_info_init(struct cg_disc_info *ret, int src);

/* "hikvision" for "Hangzhou Hikvision Digital Technology Co.,Ltd." or
 * "HIKVISION": a known camera brand found in s (OEM families folded: EZVIZ is
 * hikvision, Imou is dahua, Samsung Techwin is hanwha), else the first word
 * that is not a place or company-form word, lower-cased. "" when nothing. */
void discovery_brand(const char *s, char *buf, size_t len);
/* True when the MAC's registry vendor and the announced manufacturer name
 * different brands; false when either is empty or not a brand. */
bool discovery_vendor_mismatch(const char *mac_vendor, const char *manufacturer);
/* The display name of a brand named in s ("Hikvision"), or NULL (brand.c). */
const char *discovery_brand_display(const char *s);

#endif
