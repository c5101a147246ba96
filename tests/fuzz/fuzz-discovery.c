// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz-discovery — libFuzzer harness over the announcement parsers
 * (clang -fsanitize=fuzzer,address,undefined). The first byte picks the
 * parser (the whole-frame entry, SADP XML and binary, DHIP, Dahua legacy,
 * WS-Discovery, DHCP, SSDP), the rest is its input, copied to a buffer of
 * exactly that size so that any overread is caught. Whatever the bytes, a
 * parser returns 0, -ENOMSG or -EBADMSG and leaves only NUL-terminated
 * printable ASCII in the fields.
 *
 * Whole datagrams (issue 14): selector 8 is a UDP datagram (header and
 * payload, dispatched by port); 9 is the same datagram cut into IPv4
 * fragments (size and order from the input), fed as ring buffer records
 * through the reassembly, which must give exactly what the whole datagram
 * gives; 10 is any frame as a record through the reassembly (hostile
 * fragment fields, overlaps, trains), with a clock that moves.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "camguard.h"
#include "discovery.h"
#include "reasm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_field(const char *s, size_t size)
{
	const char *nul = memchr(s, 0, size);
	if (!nul)
		abort();
	for (const char *p = s; p < nul; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			abort();
}

static void check_info(const struct cg_disc_info *info)
{
	check_field(info->model, sizeof(info->model));
	check_field(info->firmware, sizeof(info->firmware));
	check_field(info->serial, sizeof(info->serial));
	check_field(info->name, sizeof(info->name));
	check_field(info->manufacturer, sizeof(info->manufacturer));
	check_field(info->url, sizeof(info->url));
}

static struct cg_reasm *reasm;
static uint64_t clock_ms;
static struct cg_disc_event ev;

/* One IPv4 fragment of d as a record in ev: its length. */
static size_t frag_record(const uint8_t *d, size_t off, size_t n, bool more, uint16_t id)
{
	uint8_t *f = ev.data;

	memset(&ev, 0, offsetof(struct cg_disc_event, data));
	ev.hdr.type = CG_EV_DISCOVERY;
	memset(f, 0xff, 6);
	memcpy(f + 6, "\x44\x19\xb6\x00\x00\x01", 6);
	ev.hdr.mac[0] = 0x44;
	f[12] = 0x08, f[13] = 0;
	memset(f + 14, 0, 20);
	f[14] = 0x45;
	f[16] = (uint8_t)((n + 20) >> 8), f[17] = (uint8_t)(n + 20);
	f[18] = (uint8_t)(id >> 8), f[19] = (uint8_t)id;
	uint16_t fo = (uint16_t)(off / 8) | (more ? 0x2000 : 0);
	f[20] = (uint8_t)(fo >> 8), f[21] = (uint8_t)fo;
	f[23] = 17;
	f[26] = 192, f[27] = 0, f[28] = 2, f[29] = 11;
	f[30] = 239, f[31] = 255, f[32] = 255, f[33] = 250;
	memcpy(f + 34, d + off, n);
	ev.caplen = ev.len = (uint16_t)(34 + n);
	return offsetof(struct cg_disc_event, data) + 34 + n;
}

/* d (a UDP datagram) in fragments of step bytes, last first when reverse:
 * the reassembled result must be the whole datagram's. */
static void fragmented(const uint8_t *d, size_t n, size_t step, bool reverse)
{
	struct cg_disc_info whole, info;
	static uint16_t id;
	int want = discovery_parse_udp(d, n, &whole), rc = -EINPROGRESS;
	size_t nfr = (n + step - 1) / step;

	if (n < 8 || n > CG_REASM_MAX || nfr < 2 || (size_t)(d[4] << 8 | d[5]) != n)
		return;
	id++;
	for (size_t k = 0; k < nfr; k++) {
		size_t i = reverse ? nfr - 1 - k : k, off = i * step;
		size_t len = n - off < step ? n - off : step;
		rc = reasm_read_event(&ev, frag_record(d, off, len, i + 1 < nfr, id), reasm,
					 clock_ms, &info);
		if (k + 1 < nfr && rc != -EINPROGRESS)
			abort();
	}
	if (rc != want)
		abort();
	check_info(&info);
	if (rc == 0 && (strcmp(info.model, whole.model) || strcmp(info.firmware, whole.firmware)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!reasm && !(reasm = reasm_new()))
		abort();
	clock_ms += 100;
	if (size >= 2 && data[0] == 9) {
		fragmented(data + 2, size - 2, 8 * (size_t)(1 + data[1] % 190), data[1] & 0x80);
		return 0;
	}
	if (size >= 1 && data[0] == 10) {
		size_t n = size - 1 < CG_DISC_MAX ? size - 1 : CG_DISC_MAX;
		struct cg_disc_info info;
		memset(&ev, 0, offsetof(struct cg_disc_event, data));
		ev.hdr.type = CG_EV_DISCOVERY;
		memcpy(ev.data, data + 1, n);
		ev.caplen = ev.len = (uint16_t)n;
		int rc = reasm_read_event(&ev, offsetof(struct cg_disc_event, data) + n, reasm,
					      clock_ms, &info);
		if (rc != 0 && rc != -ENOMSG && rc != -EBADMSG && rc != -EINPROGRESS)
			abort();
		check_info(&info);
		return 0;
	}

	static int (*const fns[])(const uint8_t *, size_t, struct cg_disc_info *) = {
		discovery_parse_frame, discovery_parse_sadp_xml, discovery_parse_sadp_raw,
		discovery_parse_dhip, discovery_parse_dahua_legacy, discovery_parse_wsd,
		discovery_parse_dhcp, discovery_parse_ssdp, discovery_parse_udp,
	};
	struct cg_disc_info info;

	if (size < 1)
		return 0;
	size_t n = size - 1;
	uint8_t *buf = malloc(n ? n : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, n);
	memset(&info, 0x5a, sizeof(info));
	int rc = fns[data[0] % (sizeof(fns) / sizeof(fns[0]))](buf, n, &info);
	if (rc != 0 && rc != -ENOMSG && rc != -EBADMSG)
		abort();
	check_info(&info);

	/* The brand matcher sees announced strings too. */
	char b[32];
	discovery_brand(info.manufacturer, b, sizeof(b));
	(void)discovery_vendor_mismatch(info.name, info.manufacturer);
	free(buf);
	return 0;
}
