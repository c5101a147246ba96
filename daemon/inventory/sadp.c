// SPDX-License-Identifier: GPL-2.0-only
/*
 * sadp.c — owns Hikvision SADP: the XML form (UDP 37020) and the binary
 * EtherType 0x8033 form, whose layout is not published (only what is
 * recognisable on its own is taken). See discovery.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "discovery.h"
#include "scan.h"

int discovery_parse_sadp_xml(const uint8_t *buf, size_t len, struct cg_disc_info *ret)
{
	char type[CG_DISC_FIELD_MAX] = "", mac[32] = "";

	discovery_info_init(ret, CG_DISC_SRC_SADP);
	if (!buf || len < 8)
		return -EBADMSG;
	/* A probe from a SADP client carries no device fields. */
	scan_xml_get(buf, len, "DeviceDescription", ret->model, sizeof(ret->model));
	scan_xml_get(buf, len, "DeviceType", type, sizeof(type));
	/* DeviceType is usually a numeric class code; a name is a model. */
	if (!ret->model[0] && type[0] && !scan_all_digits(type))
		snprintf(ret->model, sizeof(ret->model), "%s", type);
	scan_xml_get(buf, len, "SoftwareVersion", ret->firmware, sizeof(ret->firmware));
	scan_xml_get(buf, len, "DeviceSN", ret->serial, sizeof(ret->serial));
	scan_xml_get(buf, len, "DeviceName", ret->name, sizeof(ret->name));
	if (scan_xml_get(buf, len, "MAC", mac, sizeof(mac)))
		ret->has_mac = addr_parse_mac(mac, ret->mac) == 0;
	if (!ret->model[0] && !ret->firmware[0] && !ret->serial[0])
		return -ENOMSG;
	/* SADP is Hikvision's protocol: whoever speaks it runs its firmware. */
	scan_set(ret->manufacturer, sizeof(ret->manufacturer), "Hikvision");
	return 0;
}

/* "V5.5.82" / "v2.800.0000000.5.R": a version string. */
static bool looks_version(const uint8_t *s, size_t n)
{
	return n >= 4 && (s[0] == 'V' || s[0] == 'v') && s[1] >= '0' && s[1] <= '9' &&
	       memchr(s, '.', n);
}

static void sadp_raw_run(const uint8_t *s, size_t n, void *ctx)
{
	struct cg_disc_info *i = ctx;

	/* Hikvision serials start with the model: "DS-2CD2143G0-I2019...". */
	if (!i->serial[0] && n >= 9 && (scan_has_prefix(s, n, "DS-") || scan_has_prefix(s, n, "iDS-") ||
					scan_has_prefix(s, n, "IDS-")))
		scan_copy(i->serial, sizeof(i->serial), s, n);
	else if (!i->firmware[0] && looks_version(s, n))
		scan_copy(i->firmware, sizeof(i->firmware), s, n);
}

int discovery_parse_sadp_raw(const uint8_t *buf, size_t len, struct cg_disc_info *ret)
{
	discovery_info_init(ret, CG_DISC_SRC_SADP);
	/* The binary form's layout is not published: only what is recognisable
	 * on its own (a serial, a version) is taken, never a field by offset. */
	if (!buf || len < 16)
		return -EBADMSG;
	scan_printable_runs(buf, len, 4, sadp_raw_run, ret);
	if (!ret->serial[0])
		return -ENOMSG;
	scan_set(ret->manufacturer, sizeof(ret->manufacturer), "Hikvision");
	return 0;
}
