// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz-discovery — libFuzzer harness over the announcement parsers
 * (clang -fsanitize=fuzzer,address,undefined). The first byte picks the
 * parser (the whole-frame entry, SADP XML and binary, DHIP, Dahua legacy,
 * WS-Discovery, DHCP, SSDP), the rest is its input, copied to a buffer of
 * exactly that size so that any overread is caught. Whatever the bytes, a
 * parser returns 0, -ENOMSG or -EBADMSG and leaves only NUL-terminated
 * printable ASCII in the fields.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "discovery.h"

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int (*const fns[])(const uint8_t *, size_t, struct cg_disc_info *) = {
		discovery_parse_frame, discovery_parse_sadp_xml, discovery_parse_sadp_raw,
		discovery_parse_dhip, discovery_parse_dahua_legacy, discovery_parse_wsd,
		discovery_parse_dhcp, discovery_parse_ssdp,
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
	check_field(info.model, sizeof(info.model));
	check_field(info.firmware, sizeof(info.firmware));
	check_field(info.serial, sizeof(info.serial));
	check_field(info.name, sizeof(info.name));
	check_field(info.manufacturer, sizeof(info.manufacturer));
	check_field(info.url, sizeof(info.url));

	/* The brand matcher sees announced strings too. */
	char b[32];
	discovery_brand(info.manufacturer, b, sizeof(b));
	(void)discovery_vendor_mismatch(info.name, info.manufacturer);
	free(buf);
	return 0;
}
