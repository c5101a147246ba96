// SPDX-License-Identifier: GPL-2.0-only
/*
 * test-discovery — the announcement parsers, the inventory's announced
 * facts, and their rendering, without a daemon.
 *
 * Samples are built from the public descriptions of each protocol (Hikvision
 * SADP XML, Dahua DHIP header + JSON, ONVIF WS-Discovery Hello/ProbeMatch
 * scopes, DHCP options 12/60, SSDP NOTIFY SERVER), checked field by field,
 * then cut at every length, padded past every field limit, corrupted byte by
 * byte and replaced by random bytes: every result must be 0, -ENOMSG or
 * -EBADMSG with printable, NUL-terminated fields. Built with ASan+UBSan too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "camguard.h"
#include "discovery.h"
#include "inventory.h"
#include "reasm.h"
#include "protocol.h"
#include "render.h"

#include "test-check.h"

#define CHECK_STR(got, want) CHECK(strcmp((got), (want)) == 0, "got \"%s\", want \"%s\"", (got), (want))

/* ---- samples ------------------------------------------------------------- */

static const char sadp_xml[] =
	"<?xml version=\"1.0\" encoding=\"utf-8\"?>"
	"<ProbeMatch>"
	"<Uuid>8C3F1A2B-0000-4000-8000-4419B6000001</Uuid>"
	"<Types>inquiry</Types>"
	"<DeviceType>139913</DeviceType>"
	"<DeviceDescription>DS-2CD2143G0-I</DeviceDescription>"
	"<DeviceSN>DS-2CD2143G0-I20190101AAWRC12345678</DeviceSN>"
	"<CommandPort>8000</CommandPort>"
	"<HttpPort>80</HttpPort>"
	"<MAC>44-19-b6-00-00-01</MAC>"
	"<IPv4Address>192.0.2.11</IPv4Address>"
	"<IPv4SubnetMask>255.255.255.0</IPv4SubnetMask>"
	"<IPv4Gateway>192.0.2.1</IPv4Gateway>"
	"<DHCP>false</DHCP>"
	"<AnalogChannelNum>0</AnalogChannelNum>"
	"<DigitalChannelNum>1</DigitalChannelNum>"
	"<SoftwareVersion>V5.5.82build 190909</SoftwareVersion>"
	"<DSPVersion>V7.3 build 190909</DSPVersion>"
	"<BootTime>2026-01-01 00:00:00</BootTime>"
	"<Activated>true</Activated>"
	"</ProbeMatch>";

static const char sadp_probe[] =
	"<?xml version=\"1.0\" encoding=\"utf-8\"?><Probe><Uuid>13A888A9-F1B1-4020-AE9F-05607682D23B</Uuid>"
	"<Types>inquiry</Types></Probe>";

static const char dhip_json[] =
	"{\"mac\":\"3c:ef:8c:00:00:02\",\"method\":\"client.notifyDevInfo\",\"params\":{\"deviceInfo\":{"
	"\"AlarmInputChannels\":0,\"DeviceClass\":\"IPC\",\"DeviceType\":\"IPC-HFW2431S-S-S2\","
	"\"HttpPort\":80,\"IPv4Address\":{\"DefaultGateway\":\"192.0.2.1\",\"DhcpEnable\":false,"
	"\"IPAddress\":\"192.0.2.12\",\"SubnetMask\":\"255.255.255.0\"},\"Mac\":\"3c:ef:8c:00:00:02\","
	"\"MachineName\":\"gate-cam\",\"Port\":37777,\"SerialNo\":\"5J0A1B2PAZ12345\",\"Vendor\":\"Dahua\","
	"\"Version\":\"2.800.0000000.25.R\"}}}";

static const char dhip_search[] = "{\"method\":\"DHDiscover.search\",\"params\":{\"mac\":\"\",\"uni\":1}}";

static const char wsd_hello[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://www.w3.org/2003/05/soap-envelope\" "
	"xmlns:wsa=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" "
	"xmlns:d=\"http://schemas.xmlsoap.org/ws/2005/04/discovery\" "
	"xmlns:dn=\"http://www.onvif.org/ver10/network/wsdl\">"
	"<SOAP-ENV:Header><wsa:MessageID>urn:uuid:0f7a1c2e-0000-4000-8000-accc8e000003</wsa:MessageID>"
	"<wsa:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</wsa:To>"
	"<wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Hello</wsa:Action></SOAP-ENV:Header>"
	"<SOAP-ENV:Body><d:Hello>"
	"<wsa:EndpointReference><wsa:Address>urn:uuid:0f7a1c2e-0000-4000-8000-accc8e000003</wsa:Address></wsa:EndpointReference>"
	"<d:Types>dn:NetworkVideoTransmitter</d:Types>"
	"<d:Scopes>onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/Profile/Streaming "
	"onvif://www.onvif.org/hardware/DS-2CD2143G0-I onvif://www.onvif.org/name/HIKVISION%20Lobby "
	"onvif://www.onvif.org/location/city/hangzhou</d:Scopes>"
	"<d:XAddrs>http://192.0.2.13/onvif/device_service http://[2001:db8:c::13]/onvif/device_service</d:XAddrs>"
	"<d:MetadataVersion>10</d:MetadataVersion>"
	"</d:Hello></SOAP-ENV:Body></SOAP-ENV:Envelope>";

static const char wsd_probematch[] =
	"<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\">"
	"<s:Body><ProbeMatches xmlns=\"http://schemas.xmlsoap.org/ws/2005/04/discovery\"><ProbeMatch>"
	"<Scopes attr=\"a>b\">onvif://www.onvif.org/mfr/AXIS onvif://www.onvif.org/hardware/P3245-LVE "
	"onvif://www.onvif.org/name/AXIS%20P3245-LVE onvif://www.onvif.org/firmware/10.12.114 "
	"onvif://www.onvif.org/serial/ACCC8E000004</Scopes>"
	"<XAddrs>http://192.0.2.14/onvif/device_service</XAddrs>"
	"</ProbeMatch></ProbeMatches></s:Body></s:Envelope>";

static const char wsd_probe[] =
	"<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "
	"xmlns:d=\"http://schemas.xmlsoap.org/ws/2005/04/discovery\"><s:Body><d:Probe>"
	"<d:Types>dn:NetworkVideoTransmitter</d:Types><d:Scopes>onvif://www.onvif.org/hardware/X</d:Scopes>"
	"</d:Probe></s:Body></s:Envelope>";

static const char ssdp_notify[] =
	"NOTIFY * HTTP/1.1\r\n"
	"HOST: 239.255.255.250:1900\r\n"
	"CACHE-CONTROL: max-age=1800\r\n"
	"LOCATION: http://192.0.2.15:49152/rootDesc.xml\r\n"
	"NT: upnp:rootdevice\r\n"
	"NTS: ssdp:alive\r\n"
	"SERVER: Linux/3.0, UPnP/1.0, DH-IPC-HFW4431R-Z/2.622\r\n"
	"USN: uuid:ab12cd34-0000-1000-8000-3cef8c000005::upnp:rootdevice\r\n"
	"\r\n";

static const char ssdp_msearch[] =
	"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\n"
	"ST: ssdp:all\r\nSERVER: Linux/3.0 UPnP/1.0 X/1\r\n\r\n";

static size_t build_dhip(uint8_t *buf, size_t cap, const char *json)
{
	size_t n = strlen(json);
	memset(buf, 0, 32);
	memcpy(buf, "\x20\0\0\0DHIP", 8);
	buf[16] = (uint8_t)n, buf[17] = (uint8_t)(n >> 8);
	buf[24] = (uint8_t)n, buf[25] = (uint8_t)(n >> 8);
	memcpy(buf + 32, json, n);
	return 32 + n < cap ? 32 + n : cap;
}

static size_t build_dhcp(uint8_t *buf, uint8_t op, uint8_t type, const char *host, const char *vc)
{
	static const uint8_t mac[6] = { 0x44, 0x19, 0xb6, 0x00, 0x00, 0x06 };
	size_t o = 240;

	memset(buf, 0, 600);
	buf[0] = op, buf[1] = 1, buf[2] = 6;
	buf[4] = 0x12, buf[5] = 0x34;
	memcpy(buf + 28, mac, 6);
	buf[236] = 0x63, buf[237] = 0x82, buf[238] = 0x53, buf[239] = 0x63;
	buf[o++] = 53, buf[o++] = 1, buf[o++] = type;
	buf[o++] = 0;                                  /* a pad */
	if (host) {
		buf[o++] = 12, buf[o++] = (uint8_t)strlen(host);
		memcpy(buf + o, host, strlen(host)), o += strlen(host);
	}
	if (vc) {
		buf[o++] = 60, buf[o++] = (uint8_t)strlen(vc);
		memcpy(buf + o, vc, strlen(vc)), o += strlen(vc);
	}
	buf[o++] = 55, buf[o++] = 3, buf[o++] = 1, buf[o++] = 3, buf[o++] = 6;
	buf[o++] = 255;
	return o;
}

/* The binary SADP form: a header, the sender's addresses, then text fields
 * padded with NULs (layout not published; the parser must not rely on it). */
static size_t build_sadp_raw(uint8_t *buf)
{
	size_t o = 0;
	memset(buf, 0, 256);
	static const uint8_t hdr[] = { 0x21, 0x02, 0x01, 0x42, 0x00, 0x00, 0x00, 0x01, 0x06, 0x04,
				       0x44, 0x19, 0xb6, 0x00, 0x00, 0x07, 0xc0, 0x00, 0x02, 0x11 };
	memcpy(buf, hdr, sizeof(hdr));
	o = sizeof(hdr) + 12;
	memcpy(buf + o, "DS-2CD2T47G2-L20210101AAWRJ00000007", 35);
	o += 48;
	memcpy(buf + o, "V5.7.3", 6);
	o += 16;
	return o + 8;
}

/* Ethernet [+ 802.1Q] + IPv4 or IPv6 + UDP around a payload. */
static size_t build_frame(uint8_t *f, bool vlan, bool v6, uint16_t dport, const void *pl, size_t n)
{
	static const uint8_t dst[6] = { 0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa };
	static const uint8_t src[6] = { 0x44, 0x19, 0xb6, 0x00, 0x00, 0x01 };
	size_t o = 12;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	if (vlan) {
		f[o++] = 0x81, f[o++] = 0x00, f[o++] = 0x00, f[o++] = 20;
	}
	if (v6) {
		f[o++] = 0x86, f[o++] = 0xdd;
		memset(f + o, 0, 40);
		f[o] = 0x60;
		f[o + 4] = (uint8_t)((n + 8) >> 8), f[o + 5] = (uint8_t)(n + 8);
		f[o + 6] = 17, f[o + 7] = 1;
		f[o + 8] = 0x20, f[o + 9] = 0x01, f[o + 10] = 0x0d, f[o + 11] = 0xb8;
		f[o + 24] = 0xff, f[o + 25] = 0x02, f[o + 39] = 0x0c;
		o += 40;
	} else {
		f[o++] = 0x08, f[o++] = 0x00;
		memset(f + o, 0, 20);
		f[o] = 0x45;
		f[o + 2] = (uint8_t)((n + 28) >> 8), f[o + 3] = (uint8_t)(n + 28);
		f[o + 6] = 0x40;                  /* DF */
		f[o + 8] = 1, f[o + 9] = 17;
		f[o + 12] = 192, f[o + 13] = 0, f[o + 14] = 2, f[o + 15] = 11;
		f[o + 16] = 239, f[o + 17] = 255, f[o + 18] = 255, f[o + 19] = 250;
		o += 20;
	}
	f[o] = 0x9c, f[o + 1] = 0x40;            /* sport 40000 */
	f[o + 2] = (uint8_t)(dport >> 8), f[o + 3] = (uint8_t)dport;
	f[o + 4] = (uint8_t)((n + 8) >> 8), f[o + 5] = (uint8_t)(n + 8);
	f[o + 6] = f[o + 7] = 0;
	o += 8;
	memcpy(f + o, pl, n);
	return o + n;
}

/* ---- invariants ---------------------------------------------------------- */

static bool field_ok(const char *s, size_t size)
{
	const char *nul = memchr(s, 0, size);
	if (!nul)
		return false;
	for (const char *p = s; p < nul; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			return false;
	return true;
}

static bool info_ok(int rc, const struct cg_disc_info *i)
{
	return (rc == 0 || rc == -ENOMSG || rc == -EBADMSG) && field_ok(i->model, sizeof(i->model)) &&
	       field_ok(i->firmware, sizeof(i->firmware)) && field_ok(i->serial, sizeof(i->serial)) &&
	       field_ok(i->name, sizeof(i->name)) &&
	       field_ok(i->manufacturer, sizeof(i->manufacturer)) && field_ok(i->url, sizeof(i->url));
}

typedef int (*parser_fn)(const uint8_t *, size_t, struct cg_disc_info *);

/* Every prefix, every single-byte corruption: the parser reads a copy of
 * exactly that many bytes on the heap so that ASan sees any overread. */
static void abuse(const char *what, parser_fn fn, const uint8_t *buf, size_t len)
{
	struct cg_disc_info info;
	int bad = 0;

	for (size_t n = 0; n <= len; n++) {
		uint8_t *c = malloc(n ? n : 1);
		memcpy(c, buf, n);
		memset(&info, 0x5a, sizeof(info));
		int rc = fn(c, n, &info);
		bad += !info_ok(rc, &info);
		free(c);
	}
	uint8_t *c = malloc(len);
	for (size_t i = 0; i < len; i++) {
		static const uint8_t vals[] = { 0, '<', '>', '&', '/', '"', 0xff, ' ', '\n', ':' };
		for (size_t k = 0; k < sizeof(vals); k++) {
			memcpy(c, buf, len);
			c[i] = vals[k];
			int rc = fn(c, len, &info);
			bad += !info_ok(rc, &info);
		}
	}
	free(c);
	CHECK(bad == 0, "%s: %d truncated/corrupted inputs broke an invariant", what, bad);
}

/* ---- the parsers ----------------------------------------------------------- */

static void test_sadp(void)
{
	struct cg_disc_info i;
	uint8_t raw[256];
	int rc;

	rc = discovery_parse_sadp_xml((const uint8_t *)sadp_xml, strlen(sadp_xml), &i);
	CHECK(rc == 0, "sadp rc %d", rc);
	CHECK(i.source == CG_DISC_SRC_SADP, "source %u", i.source);
	CHECK_STR(i.model, "DS-2CD2143G0-I");
	CHECK_STR(i.firmware, "V5.5.82build 190909");
	CHECK_STR(i.serial, "DS-2CD2143G0-I20190101AAWRC12345678");
	CHECK_STR(i.manufacturer, "Hikvision");
	CHECK_STR(i.name, "");
	CHECK(i.has_mac && memcmp(i.mac, "\x44\x19\xb6\x00\x00\x01", 6) == 0, "sadp mac");
	abuse("sadp xml", discovery_parse_sadp_xml, (const uint8_t *)sadp_xml, strlen(sadp_xml));

	rc = discovery_parse_sadp_xml((const uint8_t *)sadp_probe, strlen(sadp_probe), &i);
	CHECK(rc == -ENOMSG, "sadp probe rc %d", rc);

	/* DeviceType as the only name, with entities. */
	static const char t[] = "<ProbeMatch><DeviceType>DS-7608NI&amp;K2</DeviceType>"
				"<DeviceSN/><SoftwareVersion>V4&#46;0</SoftwareVersion></ProbeMatch>";
	rc = discovery_parse_sadp_xml((const uint8_t *)t, strlen(t), &i);
	CHECK(rc == 0, "sadp devicetype rc %d", rc);
	CHECK_STR(i.model, "DS-7608NI&K2");
	CHECK_STR(i.firmware, "V4.0");
	CHECK_STR(i.serial, "");

	/* A prefix element name must not match: <DeviceTypeX>, <DeviceSNs>. */
	static const char u[] = "<r><DeviceSNs>no</DeviceSNs><DeviceSN>yes</DeviceSN></r>";
	rc = discovery_parse_sadp_xml((const uint8_t *)u, strlen(u), &i);
	CHECK(rc == 0 && strcmp(i.serial, "yes") == 0, "element name prefix: rc %d serial %s", rc, i.serial);

	size_t n = build_sadp_raw(raw);
	rc = discovery_parse_sadp_raw(raw, n, &i);
	CHECK(rc == 0, "sadp raw rc %d", rc);
	CHECK_STR(i.serial, "DS-2CD2T47G2-L20210101AAWRJ00000007");
	CHECK_STR(i.firmware, "V5.7.3");
	CHECK_STR(i.manufacturer, "Hikvision");
	abuse("sadp raw", discovery_parse_sadp_raw, raw, n);
	memset(raw + 32, 0, 64);
	rc = discovery_parse_sadp_raw(raw, n, &i);
	CHECK(rc == -ENOMSG, "sadp raw without serial rc %d", rc);
}

static void test_dhip(void)
{
	struct cg_disc_info i;
	uint8_t buf[2048];
	int rc;

	size_t n = build_dhip(buf, sizeof(buf), dhip_json);
	rc = discovery_parse_dhip(buf, n, &i);
	CHECK(rc == 0, "dhip rc %d", rc);
	CHECK(i.source == CG_DISC_SRC_DHIP, "source %u", i.source);
	CHECK_STR(i.model, "IPC-HFW2431S-S-S2");
	CHECK_STR(i.serial, "5J0A1B2PAZ12345");
	CHECK_STR(i.firmware, "2.800.0000000.25.R");
	CHECK_STR(i.name, "gate-cam");
	CHECK_STR(i.manufacturer, "Dahua");
	CHECK(i.has_mac && memcmp(i.mac, "\x3c\xef\x8c\x00\x00\x02", 6) == 0, "dhip mac");
	abuse("dhip", discovery_parse_dhip, buf, n);

	/* Trailing bytes after the declared length are not JSON. */
	buf[n] = 'x';
	rc = discovery_parse_dhip(buf, n + 1, &i);
	CHECK(rc == 0 && strcmp(i.model, "IPC-HFW2431S-S-S2") == 0, "dhip trailing rc %d", rc);

	n = build_dhip(buf, sizeof(buf), dhip_search);
	CHECK(discovery_parse_dhip(buf, n, &i) == -ENOMSG, "dhip search");
	n = build_dhip(buf, sizeof(buf), dhip_json);
	buf[4] = 'X';
	CHECK(discovery_parse_dhip(buf, n, &i) == -ENOMSG, "dhip bad magic");
	n = build_dhip(buf, sizeof(buf), dhip_json);
	CHECK(discovery_parse_dhip(buf, n - 10, &i) == -EBADMSG, "dhip truncated JSON");
	CHECK(discovery_parse_dhip(buf, 20, &i) == -EBADMSG, "dhip truncated header");

	/* An OEM vendor is kept; "General" means Dahua's own firmware. */
	n = build_dhip(buf, sizeof(buf),
		       "{\"params\":{\"deviceInfo\":{\"DeviceType\":\"N42BJ52\",\"Vendor\":\"Lorex\"}}}");
	rc = discovery_parse_dhip(buf, n, &i);
	CHECK(rc == 0 && !strcmp(i.manufacturer, "Lorex") && !strcmp(i.model, "N42BJ52"),
	      "dhip oem: %d %s", rc, i.manufacturer);
	n = build_dhip(buf, sizeof(buf),
		       "{\"params\":{\"deviceInfo\":{\"DeviceType\":\"IPC-X\",\"Vendor\":\"General\"}}}");
	rc = discovery_parse_dhip(buf, n, &i);
	CHECK(rc == 0 && !strcmp(i.manufacturer, "Dahua"), "dhip general: %s", i.manufacturer);

	/* Deep nesting is refused by the tokenizer, not recursed into. */
	char deep[600];
	size_t k = 0;
	for (int d = 0; d < 250; d++)
		deep[k++] = '[';
	deep[k] = 0;
	n = build_dhip(buf, sizeof(buf), deep);
	CHECK(discovery_parse_dhip(buf, n, &i) == -EBADMSG, "dhip deep nesting");

	/* Legacy 5050: a model name among binary fields. */
	uint8_t leg[128] = { 0xa3, 0x01 };
	memcpy(leg + 48, "DH-IPC-HDW1230SP", 16);
	memcpy(leg + 80, "2.420.0000.8.R", 14);
	rc = discovery_parse_dahua_legacy(leg, sizeof(leg), &i);
	CHECK(rc == 0, "dahua legacy rc %d", rc);
	CHECK_STR(i.model, "DH-IPC-HDW1230SP");
	CHECK_STR(i.firmware, "2.420.0000.8.R");
	CHECK_STR(i.manufacturer, "Dahua");
	abuse("dahua legacy", discovery_parse_dahua_legacy, leg, sizeof(leg));
}

static void test_wsd(void)
{
	struct cg_disc_info i;
	int rc;

	rc = discovery_parse_wsd((const uint8_t *)wsd_hello, strlen(wsd_hello), &i);
	CHECK(rc == 0, "hello rc %d", rc);
	CHECK(i.source == CG_DISC_SRC_ONVIF, "source %u", i.source);
	CHECK_STR(i.model, "DS-2CD2143G0-I");
	CHECK_STR(i.name, "HIKVISION Lobby");
	CHECK_STR(i.manufacturer, "Hikvision");
	CHECK_STR(i.firmware, "");
	CHECK_STR(i.url, "http://192.0.2.13/onvif/device_service");
	abuse("wsd hello", discovery_parse_wsd, (const uint8_t *)wsd_hello, strlen(wsd_hello));

	rc = discovery_parse_wsd((const uint8_t *)wsd_probematch, strlen(wsd_probematch), &i);
	CHECK(rc == 0, "probematch rc %d", rc);
	CHECK_STR(i.model, "P3245-LVE");
	CHECK_STR(i.name, "AXIS P3245-LVE");
	CHECK_STR(i.manufacturer, "AXIS");
	CHECK_STR(i.firmware, "10.12.114");
	CHECK_STR(i.serial, "ACCC8E000004");
	CHECK_STR(i.url, "http://192.0.2.14/onvif/device_service");
	abuse("wsd probematch", discovery_parse_wsd, (const uint8_t *)wsd_probematch,
	      strlen(wsd_probematch));

	rc = discovery_parse_wsd((const uint8_t *)wsd_probe, strlen(wsd_probe), &i);
	CHECK(rc == -ENOMSG, "probe rc %d", rc);

	/* A name that is no brand is a name, not a manufacturer. */
	static const char h[] = "<Hello><Scopes>onvif://www.onvif.org/name/IPCAM "
				"onvif://www.onvif.org/hardware/HI3518</Scopes></Hello>";
	rc = discovery_parse_wsd((const uint8_t *)h, strlen(h), &i);
	CHECK(rc == 0 && !strcmp(i.model, "HI3518") && !strcmp(i.name, "IPCAM") && !i.manufacturer[0],
	      "generic name: rc %d model %s mfr %s", rc, i.model, i.manufacturer);
}

static void test_dhcp(void)
{
	struct cg_disc_info i;
	uint8_t buf[600];
	int rc;

	size_t n = build_dhcp(buf, 1, 3, "DS-2CD2143G0-I", "HIKVISION");
	rc = discovery_parse_dhcp(buf, n, &i);
	CHECK(rc == 0, "dhcp rc %d", rc);
	CHECK(i.source == CG_DISC_SRC_DHCP, "source %u", i.source);
	CHECK_STR(i.name, "DS-2CD2143G0-I");
	CHECK_STR(i.manufacturer, "HIKVISION");
	CHECK_STR(i.model, "");
	CHECK(i.has_mac && memcmp(i.mac, "\x44\x19\xb6\x00\x00\x06", 6) == 0, "chaddr");
	abuse("dhcp", discovery_parse_dhcp, buf, n);

	n = build_dhcp(buf, 1, 1, "cam-7", "udhcp 1.19.4");
	rc = discovery_parse_dhcp(buf, n, &i);
	CHECK(rc == 0 && !strcmp(i.name, "cam-7") && !i.manufacturer[0],
	      "generic vendor class: rc %d mfr %s", rc, i.manufacturer);
	n = build_dhcp(buf, 2, 2, "x", NULL);
	CHECK(discovery_parse_dhcp(buf, n, &i) == -ENOMSG, "a reply is not a request");
	n = build_dhcp(buf, 1, 3, NULL, "udhcp 1.19.4");
	CHECK(discovery_parse_dhcp(buf, n, &i) == -ENOMSG, "nothing useful");
	n = build_dhcp(buf, 1, 3, "cam", NULL);
	buf[245] = 200;                        /* option 12's length past the end */
	CHECK(discovery_parse_dhcp(buf, n, &i) == -EBADMSG, "option past the end");
	CHECK(discovery_parse_dhcp(buf, 239, &i) == -EBADMSG, "short");

	/* 255-byte hostname: cut to the field size. */
	char longname[256];
	memset(longname, 'h', 255);
	longname[255] = 0;
	n = build_dhcp(buf, 1, 3, longname, NULL);
	rc = discovery_parse_dhcp(buf, n, &i);
	CHECK(rc == 0 && strlen(i.name) == CG_DISC_FIELD_MAX - 1, "long hostname: %zu", strlen(i.name));
}

static void test_ssdp(void)
{
	struct cg_disc_info i;
	int rc;

	rc = discovery_parse_ssdp((const uint8_t *)ssdp_notify, strlen(ssdp_notify), &i);
	CHECK(rc == 0, "ssdp rc %d", rc);
	CHECK(i.source == CG_DISC_SRC_SSDP, "source %u", i.source);
	CHECK_STR(i.model, "DH-IPC-HFW4431R-Z");
	CHECK_STR(i.firmware, "2.622");
	CHECK_STR(i.manufacturer, "Dahua");
	CHECK_STR(i.url, "http://192.0.2.15:49152/rootDesc.xml");
	abuse("ssdp", discovery_parse_ssdp, (const uint8_t *)ssdp_notify, strlen(ssdp_notify));
	CHECK(discovery_parse_ssdp((const uint8_t *)ssdp_msearch, strlen(ssdp_msearch), &i) == -ENOMSG,
	      "m-search");
	static const char s2[] = "NOTIFY * HTTP/1.1\nServer: Linux UPnP/1.0 Hikvision-Webs\n\n";
	rc = discovery_parse_ssdp((const uint8_t *)s2, strlen(s2), &i);
	CHECK(rc == 0 && !strcmp(i.model, "Hikvision-Webs") && !strcmp(i.manufacturer, "Hikvision") &&
	      !i.firmware[0], "bare LF, no version: rc %d model %s", rc, i.model);
}

/* ---- frames and events ------------------------------------------------------- */

static void test_frames(void)
{
	struct cg_disc_info i;
	uint8_t f[CG_DISC_MAX + 512], pl[2048];
	size_t n;
	int rc;

	n = build_frame(f, false, false, 37020, sadp_xml, strlen(sadp_xml));
	rc = discovery_parse_frame(f, n, &i);
	CHECK(rc == 0 && !strcmp(i.model, "DS-2CD2143G0-I"), "frame sadp: %d", rc);
	abuse("frame sadp", discovery_parse_frame, f, n);

	n = build_frame(f, true, false, 3702, wsd_probematch, strlen(wsd_probematch));
	rc = discovery_parse_frame(f, n, &i);
	CHECK(rc == 0 && !strcmp(i.model, "P3245-LVE"), "frame vlan wsd: %d", rc);

	size_t pn = build_dhip(pl, sizeof(pl), dhip_json);
	n = build_frame(f, false, true, 37810, pl, pn);
	rc = discovery_parse_frame(f, n, &i);
	CHECK(rc == 0 && !strcmp(i.serial, "5J0A1B2PAZ12345"), "frame v6 dhip: %d", rc);
	abuse("frame v6 dhip", discovery_parse_frame, f, n);

	pn = build_dhcp(pl, 1, 1, "DH-IPC", NULL);
	n = build_frame(f, true, false, 67, pl, pn);
	rc = discovery_parse_frame(f, n, &i);
	CHECK(rc == 0 && !strcmp(i.name, "DH-IPC") && i.source == CG_DISC_SRC_DHCP,
	      "frame dhcp: %d", rc);

	n = build_frame(f, false, false, 1900, ssdp_notify, strlen(ssdp_notify));
	rc = discovery_parse_frame(f, n, &i);
	CHECK(rc == 0 && i.source == CG_DISC_SRC_SSDP, "frame ssdp: %d", rc);

	n = build_frame(f, false, false, 53, ssdp_notify, strlen(ssdp_notify));
	CHECK(discovery_parse_frame(f, n, &i) == -ENOMSG, "another port");

	/* A fragment is not read. */
	n = build_frame(f, false, false, 1900, ssdp_notify, strlen(ssdp_notify));
	f[14 + 6] = 0x20;
	CHECK(discovery_parse_frame(f, n, &i) == -ENOMSG, "fragment");

	/* Raw SADP, EtherType 0x8033. */
	uint8_t raw[256];
	size_t rn = build_sadp_raw(raw);
	memset(f, 0, 14);
	f[12] = 0x80, f[13] = 0x33;
	memcpy(f + 14, raw, rn);
	rc = discovery_parse_frame(f, 14 + rn, &i);
	CHECK(rc == 0 && !strcmp(i.serial, "DS-2CD2T47G2-L20210101AAWRJ00000007"), "frame raw sadp %d",
	      rc);

	/* Cut at CG_DISC_MAX: the UDP length says more than was copied. */
	char big[1400];
	memcpy(big, sadp_xml, strlen(sadp_xml));
	memset(big + strlen(sadp_xml), ' ', sizeof(big) - strlen(sadp_xml));
	n = build_frame(f, false, false, 37020, big, sizeof(big));
	rc = discovery_parse_frame(f, CG_DISC_MAX, &i);
	CHECK(rc == 0 && !strcmp(i.firmware, "V5.5.82build 190909"), "capped copy %d", rc);

	/* Oversized values: every field cut, none overflows. */
	char huge[4096];
	int k = snprintf(huge, sizeof(huge), "<ProbeMatch><DeviceDescription>");
	memset(huge + k, 'M', 1000);
	k += 1000;
	k += snprintf(huge + k, sizeof(huge) - (size_t)k, "</DeviceDescription><DeviceSN>");
	memset(huge + k, 'S', 1000);
	k += 1000;
	k += snprintf(huge + k, sizeof(huge) - (size_t)k, "</DeviceSN></ProbeMatch>");
	rc = discovery_parse_sadp_xml((const uint8_t *)huge, (size_t)k, &i);
	CHECK(rc == 0 && strlen(i.model) == CG_DISC_FIELD_MAX - 1 &&
	      strlen(i.serial) == CG_DISC_FIELD_MAX - 1 && i.model[0] == 'M', "oversized: %d", rc);

	/* A value cut by the end of the copy is not taken. */
	static const char cut[] = "<ProbeMatch><DeviceSN>DS-1</DeviceSN><DeviceDescription>DS-2CD21";
	rc = discovery_parse_sadp_xml((const uint8_t *)cut, strlen(cut), &i);
	CHECK(rc == 0 && !strcmp(i.serial, "DS-1") && !i.model[0], "cut value: %d %s", rc, i.model);

	/* Control characters and non-ASCII never reach a field. */
	static const char ctl[] = "<ProbeMatch><DeviceDescription>A\x1b[2J\xc3\xa9Z</DeviceDescription></ProbeMatch>";
	rc = discovery_parse_sadp_xml((const uint8_t *)ctl, strlen(ctl), &i);
	CHECK(rc == 0 && !strcmp(i.model, "A?[2J??Z"), "control chars: %s", i.model);
}

static void test_event(void)
{
	struct cg_disc_event *e = calloc(1, sizeof(*e));
	struct cg_disc_info i;
	size_t hdr = offsetof(struct cg_disc_event, data);

	e->hdr.type = CG_EV_DISCOVERY;
	size_t n = build_frame(e->data, false, false, 37020, sadp_xml, strlen(sadp_xml));
	e->caplen = (uint16_t)n;
	e->len = (uint16_t)n;
	CHECK(discovery_parse_event(e, sizeof(*e), &i) == 0 && !strcmp(i.model, "DS-2CD2143G0-I"),
	      "event");
	CHECK(discovery_parse_event(e, hdr - 1, &i) == -EINVAL, "short record");
	e->hdr.type = CG_EV_DROP;
	CHECK(discovery_parse_event(e, sizeof(*e), &i) == -EINVAL, "another type");
	e->hdr.type = CG_EV_DISCOVERY;
	/* caplen beyond the record: only the record is read. */
	e->caplen = 0xffff;
	uint8_t *copy = malloc(hdr + n);
	memcpy(copy, e, hdr + n);
	int rc = discovery_parse_event(copy, hdr + n, &i);
	CHECK(rc == 0, "caplen clamped to the record: %d", rc);
	rc = discovery_parse_event(copy, hdr + 20, &i);
	CHECK(rc == -EBADMSG, "record cut in the IP header: %d", rc);
	free(copy);
	free(e);
}

/* xorshift: the same "random" inputs on every run. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void test_random(void)
{
	static const parser_fn fns[] = {
		discovery_parse_frame, discovery_parse_sadp_xml, discovery_parse_sadp_raw,
		discovery_parse_dhip, discovery_parse_dahua_legacy, discovery_parse_wsd,
		discovery_parse_dhcp, discovery_parse_ssdp,
	};
	static const char alphabet[] = "<>/:=\"' &;#%\r\nabcDHIPNOTIFYScopesDeviceSN0123456789{}[],";
	struct cg_disc_info i;
	int bad = 0;
	long iters = getenv("CG_TEST_SLOW") ? 400000 : 60000;

	for (long it = 0; it < iters; it++) {
		size_t n = next_rand() % 1500;
		uint8_t *b = malloc(n ? n : 1);
		bool text = it & 1;
		for (size_t k = 0; k < n; k++) {
			uint64_t r = next_rand();
			b[k] = text ? (uint8_t)alphabet[r % (sizeof(alphabet) - 1)] : (uint8_t)r;
		}
		/* Half the time a valid prefix for the parser to get past. */
		if (it % 4 == 1 && n > 40)
			memcpy(b, "\x20\0\0\0DHIP", 8);
		if (it % 4 == 3 && n > 240) {
			b[0] = 1;
			memcpy(b + 236, "\x63\x82\x53\x63", 4);
		}
		for (size_t f = 0; f < sizeof(fns) / sizeof(fns[0]); f++) {
			memset(&i, 0x5a, sizeof(i));
			int rc = fns[f](b, n, &i);
			bad += !info_ok(rc, &i);
		}
		free(b);
	}
	CHECK(bad == 0, "%d random inputs broke an invariant", bad);
	/* NULL and empty. */
	for (size_t f = 0; f < sizeof(fns) / sizeof(fns[0]); f++) {
		CHECK(fns[f](NULL, 0, &i) == -EBADMSG, "NULL input, parser %zu", f);
		CHECK(fns[f]((const uint8_t *)"", 0, &i) == -EBADMSG, "empty input, parser %zu", f);
	}
}

/* ---- brands ------------------------------------------------------------------ */

static void test_brands(void)
{
	char b[32];

	discovery_brand("Hangzhou Hikvision Digital Technology Co.,Ltd.", b, sizeof(b));
	CHECK_STR(b, "hikvision");
	discovery_brand("HIKVISION", b, sizeof(b));
	CHECK_STR(b, "hikvision");
	discovery_brand("Zhejiang Dahua Technology Co., Ltd.", b, sizeof(b));
	CHECK_STR(b, "dahua");
	discovery_brand("Axis Communications AB", b, sizeof(b));
	CHECK_STR(b, "axis");
	discovery_brand("Samsung Techwin", b, sizeof(b));
	CHECK_STR(b, "hanwha");
	discovery_brand("Shenzhen Acme Vision Co., Ltd", b, sizeof(b));
	CHECK_STR(b, "acme");
	discovery_brand("", b, sizeof(b));
	CHECK_STR(b, "");

	CHECK(discovery_vendor_mismatch("Axis Communications AB", "Hikvision"), "axis vs hikvision");
	CHECK(discovery_vendor_mismatch("Hangzhou Hikvision Digital Technology Co.,Ltd.", "Dahua"),
	      "hikvision vs dahua");
	CHECK(!discovery_vendor_mismatch("Hangzhou Hikvision Digital Technology Co.,Ltd.", "HIKVISION"),
	      "same brand");
	CHECK(!discovery_vendor_mismatch("Hangzhou Hikvision Digital Technology Co.,Ltd.", "EZVIZ"),
	      "OEM family");
	CHECK(!discovery_vendor_mismatch("Zhejiang Dahua Technology Co., Ltd.", "Imou"), "OEM family");
	CHECK(!discovery_vendor_mismatch("", "Hikvision"), "unknown MAC vendor");
	CHECK(!discovery_vendor_mismatch("Axis Communications AB", ""), "nothing announced");
	CHECK(!discovery_vendor_mismatch("Shenzhen Acme Vision", "Hikvision"),
	      "a vendor that is no known brand is no evidence");
	CHECK(!discovery_vendor_mismatch("Axis Communications AB", "IPCAM"), "no brand announced");

	CHECK(discovery_source_from_string("onvif") == CG_DISC_SRC_ONVIF, "source from string");
	CHECK(discovery_source_from_string("x") == -EINVAL, "unknown source");
	for (int s = 0; s < CG_DISC_SRC_MAX; s++)
		CHECK(discovery_source_from_string(discovery_source_to_string(s)) == s, "round trip %d", s);
}

/* ---- the inventory --------------------------------------------------------- */

static const char *jstr(json_object *o, const char *k)
{
	json_object *v;
	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "(missing)";
}

static void test_inventory(void)
{
	struct cg_inventory *inv, *again;
	static const uint8_t m1[6] = { 0x00, 0x40, 0x8c, 0x00, 0x00, 0x03 };   /* Axis OUI */
	struct cg_disc_info i;
	char dir[] = "/tmp/cg-test-discovery-XXXXXX", path[128];

	CHECK(inventory_new(16, &inv) == 0, "inventory_new");
	struct cg_inv_device *d = inventory_touch(inv, m1, 1000, NULL);
	snprintf(d->vendor, sizeof(d->vendor), "Axis Communications AB");

	/* DHCP first: a hint. */
	size_t n;
	uint8_t buf[600];
	n = build_dhcp(buf, 1, 3, "lobby", "HIKVISION");
	CHECK(discovery_parse_dhcp(buf, n, &i) == 0, "dhcp");
	CHECK(inventory_add_discovery(inv, d, &i, 1001), "dhcp changes");
	CHECK_STR(d->facts[CG_INV_NAME].value, "lobby");
	CHECK(inventory_mismatch(d), "Axis MAC, Hikvision announced");

	/* SADP outranks DHCP for the name it does not have, keeps DHCP's. */
	CHECK(discovery_parse_sadp_xml((const uint8_t *)sadp_xml, strlen(sadp_xml), &i) == 0, "sadp");
	CHECK(inventory_add_discovery(inv, d, &i, 1002), "sadp changes");
	CHECK_STR(d->facts[CG_INV_MODEL].value, "DS-2CD2143G0-I");
	CHECK_STR(d->facts[CG_INV_NAME].value, "lobby");
	CHECK(d->facts[CG_INV_MANUFACTURER].source == CG_DISC_SRC_SADP, "manufacturer from sadp");
	CHECK(!inventory_add_discovery(inv, d, &i, 1003), "the same again changes nothing");
	CHECK(d->facts[CG_INV_MODEL].time == 1003, "time refreshed");

	/* SSDP says another model: lower rank, ignored. */
	CHECK(discovery_parse_ssdp((const uint8_t *)ssdp_notify, strlen(ssdp_notify), &i) == 0, "ssdp");
	inventory_add_discovery(inv, d, &i, 1004);
	CHECK_STR(d->facts[CG_INV_MODEL].value, "DS-2CD2143G0-I");
	CHECK_STR(d->facts[CG_INV_URL].value, "http://192.0.2.15:49152/rootDesc.xml");
	CHECK(d->announced[CG_DISC_SRC_SSDP] == 1004 && d->announced[CG_DISC_SRC_SADP] == 1003 &&
	      d->announced[CG_DISC_SRC_DHCP] == 1001 && !d->announced[CG_DISC_SRC_ONVIF], "announced");

	inventory_count_discovery(inv, 0);
	inventory_count_discovery(inv, -ENOMSG);
	inventory_count_discovery(inv, -EBADMSG);
	struct cg_inv_disc_stats st;
	inventory_discovery_stats(inv, &st);
	CHECK(st.parsed == 1 && st.ignored == 1 && st.malformed == 1, "disc stats");

	json_object *o = inventory_device_to_json(d), *v;
	CHECK_STR(jstr(o, "model"), "DS-2CD2143G0-I");
	CHECK_STR(jstr(o, "firmware"), "V5.5.82build 190909");
	CHECK_STR(jstr(o, "serial"), "DS-2CD2143G0-I20190101AAWRC12345678");
	CHECK_STR(jstr(o, "name"), "lobby");
	CHECK_STR(jstr(o, "manufacturer"), "Hikvision");
	CHECK(json_object_object_get_ex(o, "mismatch", &v) && json_object_get_boolean(v), "mismatch");
	CHECK(json_object_object_get_ex(o, "sources", &v) && json_object_object_length(v) == 3,
	      "sources: %s", json_object_to_json_string(v));
	json_object_put(o);

	/* Save and load: every fact with its source and time. */
	CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	snprintf(path, sizeof(path), "%s/inventory.json", dir);
	CHECK(inventory_save(inv, path) == 0, "save");
	CHECK(inventory_new(16, &again) == 0, "inventory_new");
	CHECK(inventory_load(again, path) == 0, "load");
	struct cg_inv_device *e = inventory_find(again, m1);
	CHECK(e != NULL, "device reloaded");
	if (e) {
		for (int f = 0; f < CG_INV_FIELDS; f++) {
			CHECK_STR(e->facts[f].value, d->facts[f].value);
			CHECK(e->facts[f].source == d->facts[f].source, "source of %s",
			      inventory_field_to_string(f));
			CHECK(e->facts[f].time == d->facts[f].time, "time of %s",
			      inventory_field_to_string(f));
		}
		CHECK(memcmp(e->announced, d->announced, sizeof(e->announced)) == 0, "announced reloaded");
		CHECK(inventory_mismatch(e), "mismatch after reload");
	}
	inventory_free(again);

	/* A hand-edited file: unknown fields and sources skipped, values bounded. */
	FILE *fp = fopen(path, "w");
	fprintf(fp, "{\"devices\":[{\"mac\":\"00:40:8c:00:00:03\",\"last_seen\":\"2026-01-01T00:00:00Z\","
		    "\"facts\":{\"model\":{\"value\":\"%0300d\",\"source\":\"onvif\",\"time\":\"x\"},"
		    "\"bogus\":{\"value\":\"x\",\"source\":\"sadp\"},"
		    "\"firmware\":{\"value\":\"1\",\"source\":\"nope\"},\"serial\":[1]},"
		    "\"sources\":{\"sadp\":\"2026-01-01T00:00:00Z\",\"nope\":\"x\"}}]}", 7);
	fclose(fp);
	CHECK(inventory_new(16, &again) == 0, "inventory_new");
	CHECK(inventory_load(again, path) == 0, "load hand-edited");
	e = inventory_find(again, m1);
	CHECK(e && strlen(e->facts[CG_INV_MODEL].value) == CG_DISC_URL_MAX - 1 &&
	      !e->facts[CG_INV_FIRMWARE].value[0] && !e->facts[CG_INV_SERIAL].value[0] &&
	      e->announced[CG_DISC_SRC_SADP] == 1767225600, "hand-edited file");
	inventory_free(again);
	unlink(path);
	rmdir(dir);
	inventory_free(inv);
}

/* The address index the nftables drop log resolves inbound drops with:
 * every device's addresses found, a pushed-out or evicted one gone, the
 * latest user of a reassigned address, a saved inventory's addresses, and
 * 65,536 devices under churn against the device lists themselves. */
static bool lists_addr(const struct cg_inv_device *d, uint8_t family, const uint8_t *a)
{
	for (int k = 0; k < (family == 4 ? d->n4 : d->n6); k++)
		if (!memcmp(family == 4 ? d->ip4[k] : d->ip6[k], a, family == 4 ? 4 : 16))
			return true;
	return false;
}

static void v4(uint8_t a[4], uint32_t host)
{
	a[0] = 198;   /* 198.51.100.0/24 and up: test addresses as bytes only */
	a[1] = 51;
	a[2] = (uint8_t)(100 + (host >> 8));
	a[3] = (uint8_t)host;
}

static void test_inventory_addrs(void)
{
	struct cg_inventory *inv, *again;
	uint8_t m[6][6], a[8][4], six[16] = { 0x20, 0x01, 0x0d, 0xb8 }, other[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	char dir[] = "/tmp/cg-test-addrs-XXXXXX", path[128];

	for (int i = 0; i < 6; i++)
		memcpy(m[i], (uint8_t[6]){ 0x00, 0x40, 0x8c, 0x00, 0x01, (uint8_t)i }, 6);
	for (int i = 0; i < 8; i++)
		v4(a[i], (uint32_t)(10 + i));
	six[15] = 1;
	other[15] = 2;

	CHECK(inventory_new(4, &inv) == 0, "inventory_new");
	CHECK(inventory_find_addr(inv, 4, a[0]) == NULL, "empty inventory: no device");
	struct cg_inv_device *d0 = inventory_touch(inv, m[0], 1000, NULL);
	CHECK(inventory_add_addr(inv, d0, 4, a[0]), "first address is new");
	CHECK(!inventory_add_addr(inv, d0, 4, a[0]), "the same again is not");
	inventory_add_addr(inv, d0, 6, six);
	CHECK(inventory_find_addr(inv, 4, a[0]) == d0, "IPv4 address found");
	CHECK(inventory_find_addr(inv, 6, six) == d0, "IPv6 address found");
	CHECK(inventory_find_addr(inv, 6, other) == NULL, "another IPv6 address: none");
	CHECK(inventory_find_addr(inv, 4, six) == NULL, "the IPv6 address's first 4 bytes as IPv4: none");
	CHECK(inventory_find_addr(inv, 0, a[0]) == NULL && inventory_find_addr(inv, 5, a[0]) == NULL,
	      "no family: none");

	/* CG_INV_ADDRS per family: the fifth pushes the oldest out. */
	for (int i = 1; i <= CG_INV_ADDRS; i++)
		inventory_add_addr(inv, d0, 4, a[i]);
	CHECK(d0->n4 == CG_INV_ADDRS, "bounded list");
	CHECK(inventory_find_addr(inv, 4, a[0]) == NULL, "pushed-out address: none");
	for (int i = 1; i <= CG_INV_ADDRS; i++)
		CHECK(inventory_find_addr(inv, 4, a[i]) == d0, "kept address %d found", i);

	/* Reassigned: the latest device to use it. */
	struct cg_inv_device *d1 = inventory_touch(inv, m[1], 1001, NULL);
	inventory_add_addr(inv, d1, 4, a[4]);
	CHECK(inventory_find_addr(inv, 4, a[4]) == d1, "a reassigned address names its latest user");
	inventory_add_addr(inv, d0, 4, a[1]);
	CHECK(inventory_find_addr(inv, 4, a[4]) == d1, "another address of d0 moves nothing");
	inventory_add_addr(inv, d0, 4, a[4]);
	CHECK(inventory_find_addr(inv, 4, a[4]) == d0, "d0 using it again takes it back");
	inventory_add_addr(inv, d1, 4, a[4]);
	CHECK(inventory_find_addr(inv, 4, a[4]) == d1, "and d1 again (its newest address)");

	/* Save and load: the addresses are indexed again. */
	CHECK(mkdtemp(dir) != NULL, "mkdtemp");
	snprintf(path, sizeof(path), "%s/inventory.json", dir);
	CHECK(inventory_save(inv, path) == 0, "save");
	CHECK(inventory_new(4, &again) == 0, "inventory_new");
	CHECK(inventory_load(again, path) == 0, "load");
	struct cg_inv_device *e0 = inventory_find(again, m[0]), *e1 = inventory_find(again, m[1]);
	CHECK(e0 && inventory_find_addr(again, 6, six) == e0 && inventory_find_addr(again, 4, a[2]) == e0,
	      "loaded addresses found");
	CHECK(e1 && inventory_find_addr(again, 4, a[4]) == e1, "loaded: the latest user (most recently seen)");
	inventory_free(again);
	unlink(path);
	rmdir(dir);

	/* Eviction at the limit (4): the least recently seen device's
	 * addresses go with it; its slot's next device has only its own. */
	for (int i = 2; i < 6; i++) {
		struct cg_inv_device *d = inventory_touch(inv, m[i], 1002 + i, NULL);
		inventory_add_addr(inv, d, 4, a[5 + (i % 3)]);
	}
	CHECK(inventory_find(inv, m[0]) == NULL && inventory_find(inv, m[1]) == NULL, "two evicted");
	CHECK(inventory_find_addr(inv, 6, six) == NULL && inventory_find_addr(inv, 4, a[2]) == NULL &&
	      inventory_find_addr(inv, 4, a[4]) == NULL, "evicted devices' addresses: none");
	struct cg_inv_device *d5 = inventory_find(inv, m[5]);
	CHECK(d5 && inventory_find_addr(inv, 4, a[7]) == d5, "a[7]: its latest user, m5 over m2");
	inventory_free(inv);

	/* 65,536 devices, two addresses each, then churn: every device takes a
	 * new address now and then (pushing its oldest out) and the limit
	 * evicts. Every lookup must agree with the device lists: each listed
	 * address of a device found (addresses are never shared here), each
	 * dropped one gone. */
	enum { N = 65536, ROUNDS = 6 };
	CHECK(inventory_new(N - 1024, &inv) == 0, "inventory_new");
	uint32_t next = 0, bad_found = 0, bad_gone = 0;
	uint64_t checked = 0;
	uint8_t mac[6] = { 0x00, 0x40, 0x8c }, addr[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	for (int r = 0; r < ROUNDS; r++) {
		for (uint32_t i = 0; i < N; i += (uint32_t)(r ? 7 : 1)) {
			mac[3] = (uint8_t)(i >> 16);
			mac[4] = (uint8_t)(i >> 8);
			mac[5] = (uint8_t)i;
			struct cg_inv_device *d = inventory_touch(inv, mac, 2000 + r, NULL);
			if (!d)
				continue;
			uint32_t k = next++;
			memcpy(addr + 8, &k, 4);
			inventory_add_addr(inv, d, 6, addr);
			uint8_t q[4] = { 10, (uint8_t)(k >> 16), (uint8_t)(k >> 8), (uint8_t)k };
			inventory_add_addr(inv, d, 4, q);
		}
		for (struct cg_inv_device *d = inventory_first(inv); d; d = inventory_next(inv, d)) {
			for (int k = 0; k < d->n4; k++, checked++)
				bad_found += inventory_find_addr(inv, 4, d->ip4[k]) != d;
			for (int k = 0; k < d->n6; k++, checked++)
				bad_found += inventory_find_addr(inv, 6, d->ip6[k]) != d;
		}
		/* every address ever handed out: found only where listed */
		for (uint32_t k = 0; k < next; k += 3) {
			memcpy(addr + 8, &k, 4);
			struct cg_inv_device *d = inventory_find_addr(inv, 6, addr);
			bad_gone += d && !lists_addr(d, 6, addr);
		}
	}
	CHECK(checked > 2 * (N - 1024) && bad_found == 0, "%llu listed addresses: %u not found as their device's",
	      (unsigned long long)checked, bad_found);
	CHECK(bad_gone == 0, "%u dropped addresses still found", bad_gone);
	CHECK(inventory_evicted(inv) > 0, "the churn evicted (%llu)", (unsigned long long)inventory_evicted(inv));
	inventory_free(inv);
}

/* ---- rendering ----------------------------------------------------------------- */

/* wide: camguardctl --wide; otherwise the 80-column default */
static char *render_table_wide(enum cg_command cmd, const char *json, bool wide, int *rc)
{
	const struct cg_render_opts opts = { .width = CG_RENDER_WIDTH_DEFAULT, .wide = wide };
	json_object *o = json_tokener_parse(json);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	*rc = render_command(cmd, o, &opts, f);
	fclose(f);
	json_object_put(o);
	return buf;
}

static char *render_table(enum cg_command cmd, const char *json, int *rc)
{
	return render_table_wide(cmd, json, false, rc);
}

static void test_render(void)
{
	char *s;
	int rc;

	static const char cams[] =
		"{\"cameras\":[{\"mac\":\"00:40:8c:00:00:03\",\"vendor\":\"Axis Communications AB\","
		"\"policy\":\"axis\",\"model\":\"DS-2CD2143G0-I\",\"firmware\":\"V5.5.82build 190909\","
		"\"manufacturer\":\"Hikvision\","
		"\"mismatch\":true,\"ipv4\":[\"192.0.2.13\"],\"ipv6\":[],\"vlan\":0,\"interface\":\"cam0\","
		"\"facts\":{\"model\":{\"value\":\"DS-2CD2143G0-I\",\"source\":\"sadp\"},"
		"\"firmware\":{\"value\":\"V5.5.82build 190909\",\"source\":\"onvif\"}},"
		"\"first_seen\":\"a\",\"last_seen\":\"b\"},"
		"{\"mac\":\"44:19:b6:00:00:01\",\"vendor\":\"Hikvision\",\"policy\":\"hikvision\","
		"\"model\":\"\",\"firmware\":\"\",\"mismatch\":false,\"ipv4\":[],\"ipv6\":[],\"vlan\":0,"
		"\"interface\":\"cam0\",\"first_seen\":\"a\",\"last_seen\":\"b\"}],\"count\":2,\"evicted\":0}";

	s = render_table(CG_CMD_CAMERAS, cams, &rc);
	/* 80 columns: the short vendor name, and which manufacturer was announced */
	CHECK(rc == 0 &&
	      strstr(s, "DEVICE             VENDOR           POLICY     MODEL           ADDRESSES   SEEN\n"
			"00:40:8c:00:00:03  Axis !Hikvision  axis       DS-2CD2143G0-I  192.0.2.13  b\n"
			"44:19:b6:00:00:01  Hikvision        hikvision  -               -           b\n") &&
	      strstr(s, "!X: 1 device announces manufacturer X, not the vendor of its MAC\n") &&
	      !strstr(s, "SOURCE"),
	      "cameras table:\n%s", s);
	free(s);
	/* --wide: SOURCE, which protocol said the model (SADP) and the
	 * firmware (ONVIF); "-" when nothing was announced */
	s = render_table_wide(CG_CMD_CAMERAS, cams, true, &rc);
	CHECK(rc == 0 &&
	      strstr(s, "DEVICE             VENDOR                             POLICY     MODEL           FIRMWARE             SOURCE      VLAN  INTERFACE  ADDRESSES   FIRST SEEN  LAST SEEN\n"
			"00:40:8c:00:00:03  Axis Communications AB !Hikvision  axis       DS-2CD2143G0-I  V5.5.82build 190909  sadp/onvif     -  cam0       192.0.2.13  a           b\n"
			"44:19:b6:00:00:01  Hikvision                          hikvision  -               -                    -              -  cam0       -           a           b\n"),
	      "cameras --wide:\n%s", s);
	free(s);

	s = render_table(CG_CMD_CAMERAS,
		"{\"summary\":[{\"vendor\":\"Hikvision\",\"model\":\"DS-2CD2143G0-I\",\"count\":12},"
		"{\"vendor\":\"Dahua\",\"model\":\"\",\"count\":3},{\"vendor\":\"\",\"model\":\"X\",\"count\":1}],"
		"\"devices\":16,\"mismatched\":1}", &rc);
	CHECK(rc == 0 &&
	      strstr(s, "VENDOR     MODEL            COUNT\n"
			"Hikvision  DS-2CD2143G0-I      12\n"
			"Dahua      (not announced)      3\n"
			"(unknown)  X                    1\n") &&
	      strstr(s, "16 devices, 3 vendor/model combinations, 1 announcing another manufacturer"),
	      "summary table:\n%s", s);
	free(s);


	/* The request argument round trip. */
	struct cg_request req = { .command = CG_CMD_CAMERAS, .summary = true }, back;
	struct cg_proto_error err;
	size_t l;
	char *line = protocol_build_request(&req, &l);
	CHECK(line && protocol_parse_request(line, l - 1, &back, &err) == 0 && back.summary,
	      "summary argument: %s", line);
	free(line);
	static const char bad[] = "{\"command\":\"cameras\",\"arguments\":{\"summary\":1}}";
	CHECK(protocol_parse_request(bad, strlen(bad), &back, &err) == -EINVAL, "summary must be bool");
}


/* ---- whole datagrams: what real devices write, fragments, reassembly ------------- */

/* A 2 KB ProbeMatch the way cameras write it: a BOM, a standalone
 * declaration, CRLF, tabs, its own namespace prefixes, and Scopes past byte
 * 1,024 with line breaks and runs of spaces between the items. */
static size_t real_probematch(char *buf, size_t len)
{
	int n = snprintf(buf, len,
		"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
		"<env:Envelope xmlns:env=\"http://www.w3.org/2003/05/soap-envelope\"\r\n"
		"\txmlns:wsadis=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\"\r\n"
		"\txmlns:wsdd=\"http://schemas.xmlsoap.org/ws/2005/04/discovery\"\r\n"
		"\txmlns:tdn=\"http://www.onvif.org/ver10/network/wsdl\">\r\n"
		"<env:Header>\r\n\t<wsadis:MessageID>urn:uuid:1419d68a-1dd2-11b2-a105-ACCC8E000004</wsadis:MessageID>\r\n"
		"\t<wsadis:RelatesTo>urn:uuid:0a6dc791-2be6-4991-9af1-454778a1917a</wsadis:RelatesTo>\r\n"
		"\t<wsadis:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsadis:To>\r\n"
		"\t<wsadis:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsadis:Action>\r\n"
		"\t<wsdd:AppSequence InstanceId=\"1700000000\" MessageNumber=\"7\"/>\r\n"
		"</env:Header>\r\n<env:Body>\r\n<wsdd:ProbeMatches>\r\n<wsdd:ProbeMatch>\r\n"
		"\t<wsadis:EndpointReference><wsadis:Address>urn:uuid:1419d68a-1dd2-11b2-a105-ACCC8E000004</wsadis:Address>"
		"<wsadis:ReferenceProperties></wsadis:ReferenceProperties><wsadis:PortType>ttl</wsadis:PortType>"
		"</wsadis:EndpointReference>\r\n"
		"\t<wsdd:Types>tdn:NetworkVideoTransmitter tds:Device</wsdd:Types>\r\n"
		"<!-- %0400d -->\r\n"
		"\t<wsdd:Scopes MatchBy=\"http://schemas.xmlsoap.org/ws/2005/04/discovery/rfc3986\">\r\n"
		"\t\tonvif://www.onvif.org/type/video_encoder\r\n"
		"\t\tonvif://www.onvif.org/Profile/Streaming   onvif://www.onvif.org/Profile/G\r\n"
		"\t\tonvif://www.onvif.org/hardware/Q1615-LE%%20Mk%%20III\r\n"
		"\t\tonvif://www.onvif.org/name/AXIS%%20Q1615-LE%%20Mk%%20III\r\n"
		"\t\tonvif://www.onvif.org/location/country/sweden\r\n"
		"\t\tonvif://www.onvif.org/mfr/AXIS\r\n"
		"\t\tonvif://www.onvif.org/firmware/11.8.64\r\n"
		"\t</wsdd:Scopes>\r\n"
		"\t<wsdd:XAddrs>http://192.0.2.31/onvif/device_service http://[2001:db8::31]/onvif/device_service</wsdd:XAddrs>\r\n"
		"\t<wsdd:MetadataVersion>1</wsdd:MetadataVersion>\r\n"
		"</wsdd:ProbeMatch>\r\n</wsdd:ProbeMatches>\r\n</env:Body>\r\n</env:Envelope>\r\n", 0);
	return (size_t)n;
}

static size_t udp_datagram(uint8_t *u, uint16_t sport, uint16_t dport, const void *pl, size_t n)
{
	u[0] = (uint8_t)(sport >> 8), u[1] = (uint8_t)sport;
	u[2] = (uint8_t)(dport >> 8), u[3] = (uint8_t)dport;
	u[4] = (uint8_t)((n + 8) >> 8), u[5] = (uint8_t)(n + 8);
	u[6] = u[7] = 0;
	memcpy(u + 8, pl, n);
	return n + 8;
}

/* One fragment of datagram d (its UDP header and payload) as an IPv4 or
 * IPv6 frame from the camera's MAC, wrapped in a ring buffer record. */
static size_t frag_event(struct cg_disc_event *e, const uint8_t mac[6], bool v6, uint32_t id,
			 const uint8_t *d, size_t off, size_t n, bool more)
{
	uint8_t *f = e->data;
	size_t o = 14;

	memset(e, 0, offsetof(struct cg_disc_event, data));
	e->hdr.type = CG_EV_DISCOVERY;
	memcpy(e->hdr.mac, mac, 6);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	if (v6) {
		f[12] = 0x86, f[13] = 0xdd;
		memset(f + o, 0, 48);
		f[o] = 0x60;
		f[o + 4] = (uint8_t)((n + 8) >> 8), f[o + 5] = (uint8_t)(n + 8);
		f[o + 6] = 44, f[o + 7] = 1;
		f[o + 8] = 0xfe, f[o + 9] = 0x80, f[o + 23] = 0x31;
		f[o + 24] = 0xff, f[o + 25] = 0x02, f[o + 39] = 0x0c;
		f[o + 40] = 17;
		f[o + 42] = (uint8_t)(off >> 8), f[o + 43] = (uint8_t)((off & 0xfff8) | more);
		f[o + 44] = (uint8_t)(id >> 24), f[o + 45] = (uint8_t)(id >> 16);
		f[o + 46] = (uint8_t)(id >> 8), f[o + 47] = (uint8_t)id;
		o += 48;
	} else {
		f[12] = 0x08, f[13] = 0x00;
		memset(f + o, 0, 20);
		f[o] = 0x45;
		f[o + 2] = (uint8_t)((n + 20) >> 8), f[o + 3] = (uint8_t)(n + 20);
		f[o + 4] = (uint8_t)(id >> 8), f[o + 5] = (uint8_t)id;
		uint16_t fo = (uint16_t)(off / 8) | (more ? 0x2000 : 0);
		f[o + 6] = (uint8_t)(fo >> 8), f[o + 7] = (uint8_t)fo;
		f[o + 8] = 64, f[o + 9] = 17;
		f[o + 12] = 192, f[o + 13] = 0, f[o + 14] = 2, f[o + 15] = 31;
		f[o + 16] = 239, f[o + 17] = 255, f[o + 18] = 255, f[o + 19] = 250;
		o += 20;
	}
	memcpy(f + o, d + off, n);
	e->caplen = e->len = (uint16_t)(o + n);
	return offsetof(struct cg_disc_event, data) + o + n;
}

/* Sends datagram d as fragments of at most mtu_data bytes, in order. */
static int send_frags(struct cg_reasm *r, struct cg_disc_event *e, const uint8_t mac[6], bool v6,
		      uint32_t id, const uint8_t *d, size_t len, size_t step, struct cg_disc_info *i)
{
	int rc = -EINPROGRESS;
	for (size_t off = 0; off < len; off += step) {
		size_t n = len - off < step ? len - off : step;
		size_t rl = frag_event(e, mac, v6, id, d, off, n, off + n < len);
		rc = reasm_read_event(e, rl, r, 1000, i);
	}
	return rc;
}

static void test_real_shapes(void)
{
	static const uint8_t mac[6] = { 0x00, 0x40, 0x8c, 0x00, 0x00, 0x31 };
	struct cg_disc_event *e = calloc(1, sizeof(*e));
	struct cg_reasm *r = reasm_new();
	struct cg_disc_info i;
	char pm[4096];
	uint8_t u[8192];
	int rc;

	size_t n = real_probematch(pm, sizeof(pm));
	CHECK(n > 2000 && n < 2600, "probematch size %zu", n);
	const char *sc = strstr(pm, "Scopes");
	CHECK(sc && sc - pm > 1024, "Scopes at %td", sc ? sc - pm : -1);
	rc = discovery_parse_wsd((const uint8_t *)pm, n, &i);
	CHECK(rc == 0, "real probematch rc %d", rc);
	CHECK_STR(i.model, "Q1615-LE Mk III");
	CHECK_STR(i.firmware, "11.8.64");
	CHECK_STR(i.manufacturer, "AXIS");
	CHECK_STR(i.name, "AXIS Q1615-LE Mk III");
	CHECK_STR(i.url, "http://192.0.2.31/onvif/device_service");

	/* A unicast reply: from 3702 to the prober's ephemeral port. */
	size_t ul = udp_datagram(u, 3702, 51234, pm, n);
	rc = discovery_parse_udp(u, ul, &i);
	CHECK(rc == 0 && !strcmp(i.model, "Q1615-LE Mk III"), "reply from 3702: %d", rc);
	/* ... and the probe a VMS sends is not an announcement, either way. */
	ul = udp_datagram(u, 51234, 3702, wsd_probe, strlen(wsd_probe));
	CHECK(discovery_parse_udp(u, ul, &i) == -ENOMSG, "probe");

	/* Fragmented over a 1500 MTU (1480 data bytes), IPv4 and IPv6. */
	ul = udp_datagram(u, 3702, 51234, pm, n);
	rc = send_frags(r, e, mac, false, 0x1234, u, ul, 1480, &i);
	CHECK(rc == 0 && !strcmp(i.model, "Q1615-LE Mk III") && !strcmp(i.firmware, "11.8.64"),
	      "v4 fragments: %d %s", rc, i.model);
	rc = send_frags(r, e, mac, true, 0xdeadbeef, u, ul, 1448, &i);
	CHECK(rc == 0 && !strcmp(i.model, "Q1615-LE Mk III"), "v6 fragments: %d", rc);
	/* Out of order: last first. */
	size_t rl = frag_event(e, mac, false, 7, u, 1480, ul - 1480, false);
	CHECK(reasm_read_event(e, rl, r, 1000, &i) == -EINPROGRESS, "last first held");
	rl = frag_event(e, mac, false, 7, u, 0, 1480, true);
	rc = reasm_read_event(e, rl, r, 1000, &i);
	CHECK(rc == 0 && !strcmp(i.model, "Q1615-LE Mk III"), "out of order: %d", rc);

	/* A 1.6 KB SADP reply in two fragments, from 37020 to 37020. */
	char sadp[2048];
	int k = snprintf(sadp, sizeof(sadp), "%.*s<Padding>%01000d</Padding></ProbeMatch>",
			 (int)(strlen(sadp_xml) - strlen("</ProbeMatch>")), sadp_xml, 0);
	ul = udp_datagram(u, 37020, 37020, sadp, (size_t)k);
	CHECK(ul > 1500, "sadp size %zu", ul);
	rc = send_frags(r, e, mac, false, 0x4321, u, ul, 1480, &i);
	CHECK(rc == 0 && !strcmp(i.model, "DS-2CD2143G0-I") && !strcmp(i.firmware, "V5.5.82build 190909"),
	      "sadp fragments: %d %s", rc, i.model);

	/* DHCP vendor classes: Axis's layout, three fields, a plain brand. */
	uint8_t dh[600];
	n = build_dhcp(dh, 1, 1, "axis-accc8e000031", "AXIS,Network Camera,Q1615-LE Mk III,11.8.64");
	rc = discovery_parse_dhcp(dh, n, &i);
	CHECK(rc == 0 && i.source == CG_DISC_SRC_DHCP, "axis vendor class: %d", rc);
	CHECK_STR(i.model, "Q1615-LE Mk III");
	CHECK_STR(i.firmware, "11.8.64");
	CHECK_STR(i.manufacturer, "AXIS");
	n = build_dhcp(dh, 1, 3, NULL, "Hikvision,DS-2CD2143G0-I,V5.5.82");
	rc = discovery_parse_dhcp(dh, n, &i);
	CHECK(rc == 0 && !strcmp(i.model, "DS-2CD2143G0-I") && !strcmp(i.firmware, "V5.5.82"),
	      "three fields: %d %s", rc, i.model);
	n = build_dhcp(dh, 1, 3, NULL, "udhcp,1.19.4,x");
	CHECK(discovery_parse_dhcp(dh, n, &i) == -ENOMSG, "not a brand: no model");

	/* SSDP: the reply to an M-SEARCH. */
	static const char ok[] = "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\n"
				 "LOCATION: http://192.0.2.32:49152/rootDesc.xml\r\n"
				 "SERVER: Linux/4.9, UPnP/1.0, DH-IPC-HDW2431T-AS-S2/2.820\r\n"
				 "ST: upnp:rootdevice\r\n\r\n";
	ul = udp_datagram(u, 1900, 40000, ok, strlen(ok));
	rc = discovery_parse_udp(u, ul, &i);
	CHECK(rc == 0 && !strcmp(i.model, "DH-IPC-HDW2431T-AS-S2") && !strcmp(i.firmware, "2.820"),
	      "ssdp reply: %d %s", rc, i.model);
	reasm_free(r);
	free(e);
}

static void test_reasm(void)
{
	static const uint8_t a[6] = { 0x44, 0x19, 0xb6, 0, 0, 1 }, b[6] = { 0x44, 0x19, 0xb6, 0, 0, 2 };
	struct cg_reasm *r = reasm_new();
	struct cg_reasm_stats st;
	uint8_t d[9000];
	const uint8_t *out;
	size_t olen;

	for (size_t k = 0; k < sizeof(d); k++)
		d[k] = (uint8_t)k;
	d[4] = 3000 >> 8, d[5] = 3000 & 0xff;           /* UDP length 3000 */
	struct cg_reasm_frag f = { .family = 4, .proto = 17, .id = 1, .data = d };
	memcpy(f.mac, a, 6);

#define ADD(OFF, LEN, MORE, NOW) \
	(f.offset = (OFF), f.len = (LEN), f.more = (MORE), f.data = d + (OFF), \
	 reasm_add(r, &f, (NOW), &out, &olen))

	CHECK(ADD(0, 1480, true, 0) == 0, "first held");
	CHECK(ADD(1480, 1480, true, 0) == 0, "second held");
	int rc = ADD(2960, 40, false, 0);
	CHECK(rc == 1 && olen == 3000 && memcmp(out, d, 3000) == 0, "whole: %d %zu", rc, olen);

	/* Overlap: the datagram is dropped, the rest swallowed. */
	f.id = 2;
	CHECK(ADD(0, 1480, true, 0) == 0, "overlap: first");
	CHECK(ADD(1472, 1480, true, 0) == -EBADMSG, "overlap detected");
	CHECK(ADD(2952, 48, false, 0) == -ESTALE, "rest of a dropped datagram");
	/* An exact duplicate is an overlap too. */
	f.id = 3;
	ADD(0, 1480, true, 0);
	CHECK(ADD(0, 1480, true, 0) == -EBADMSG, "duplicate");
	/* Inconsistent: two different ends, a middle fragment not a multiple of 8,
	 * a UDP length that is not the sum. */
	uint64_t t = 0;
	f.id = 4;
	ADD(2960, 40, false, t);
	CHECK(ADD(2960, 48, false, t) == -EBADMSG, "two ends");
	f.id = 5, t += 3000;
	CHECK(ADD(0, 1001, true, t) == -EBADMSG, "odd middle fragment");
	f.id = 6, t += 3000;
	ADD(0, 1480, true, t);
	CHECK(ADD(1480, 520, false, t) == -EBADMSG, "UDP length 3000, fragments 2000");
	/* Past the end already known. */
	f.id = 7, t += 3000;
	ADD(1480, 40, false, t);
	CHECK(ADD(1520, 8, true, t) == -EBADMSG, "past the end");
	/* Oversize. */
	f.id = 8, t += 3000;
	CHECK(ADD(8192, 8, true, t) == -EFBIG, "oversize");
	reasm_stats(r, &st);
	CHECK(st.reassembled == 1 && st.overlaps == 2 && st.inconsistent == 4 && st.oversize == 1,
	      "counted: %lu %lu %lu %lu", (unsigned long)st.reassembled, (unsigned long)st.overlaps,
	      (unsigned long)st.inconsistent, (unsigned long)st.oversize);

	/* Another device's fragment with the same addresses and id does not
	 * complete this one. */
	reasm_expire(r, 10000);
	f.id = 9;
	ADD(0, 1480, true, 10000);
	memcpy(f.mac, b, 6);
	CHECK(ADD(1480, 1520, false, 10000) == 0, "foreign fragment held apart");
	memcpy(f.mac, a, 6);
	CHECK(ADD(1480, 1520, false, 10000) == 1, "own fragment completes");

	/* Bounds: CG_REASM_PER_DEVICE per device, CG_REASM_TOTAL in all,
	 * timeouts; 1,000 incomplete datagrams hold at most the bound. */
	reasm_expire(r, 20000);
	reasm_stats(r, &st);
	uint64_t to0 = st.timeouts, lim0 = st.limited;
	for (uint32_t k = 0; k < 1000; k++) {
		f.id = 1000 + k;
		f.mac[5] = (uint8_t)(k % 100);
		ADD(0, 1480, true, 20000);
	}
	reasm_stats(r, &st);
	CHECK(st.pending == CG_REASM_TOTAL, "pending %lu", (unsigned long)st.pending);
	CHECK(st.limited - lim0 == 1000 - CG_REASM_TOTAL, "limited %lu", (unsigned long)(st.limited - lim0));
	f.mac[5] = 200;
	for (uint32_t k = 0; k < 10; k++) {
		f.id = 5000 + k;
		ADD(0, 8, true, 30000);   /* the others time out first */
	}
	reasm_stats(r, &st);
	CHECK(st.pending == CG_REASM_PER_DEVICE, "per device: pending %lu", (unsigned long)st.pending);
	CHECK(st.timeouts - to0 == CG_REASM_TOTAL, "timeouts %lu", (unsigned long)(st.timeouts - to0));
	reasm_expire(r, 40000);
	reasm_stats(r, &st);
	CHECK(st.pending == 0, "all expired");
#undef ADD
	reasm_free(r);
}

int main(void)
{
	test_sadp();
	test_dhip();
	test_wsd();
	test_dhcp();
	test_ssdp();
	test_frames();
	test_event();
	test_real_shapes();
	test_reasm();
	test_random();
	test_brands();
	test_inventory();
	test_inventory_addrs();
	test_render();
	printf("%d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
