// SPDX-License-Identifier: GPL-2.0-only
/*
 * dhcp.c — owns what a DHCP client request says about the device (UDP
 * 67/68): the hardware address, the host name (option 12) and the vendor
 * class (option 60), which some brands fill with model and firmware. See
 * discovery.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "discovery.h"
#include "scan.h"

#define BOOTP_FIXED 236
#define DHCP_COOKIE 0x63825363u

/*
 * Option 60. "AXIS,Network Camera,P3245-LVE,10.12.114": brand, product
 * type, model, firmware — Axis's layout, taken from any known brand:
 * with four comma-separated fields the third is the model and the fourth
 * the firmware; with three ("<brand>,<model>,<firmware>") the second and
 * third. Otherwise a vendor class names the manufacturer only when it is a
 * brand: "udhcp 1.19.4" says which client, not which camera.
 */
static void dhcp_vendor_class(const char *vc, struct cg_disc_info *ret)
{
	const char *f[5];
	size_t n[5], k = 0;

	if (!discovery_brand_display(vc))
		return;
	for (const char *p = vc; k < 5;) {
		const char *c = strchr(p, ',');
		f[k] = p;
		n[k++] = c ? (size_t)(c - p) : strlen(p);
		if (!c)
			break;
		p = c + 1;
	}
	char brand[CG_DISC_FIELD_MAX];
	scan_copy(brand, sizeof(brand), (const uint8_t *)f[0], n[0]);
	if ((k != 3 && k != 4) || !discovery_brand_display(brand)) {
		/* cut to the field: the option may be 255 bytes */
		snprintf(ret->manufacturer, sizeof(ret->manufacturer), "%.*s",
			 (int)sizeof(ret->manufacturer) - 1, vc);
		return;
	}
	snprintf(ret->manufacturer, sizeof(ret->manufacturer), "%.*s",
		 (int)sizeof(ret->manufacturer) - 1, brand);
	scan_copy(ret->model, sizeof(ret->model), (const uint8_t *)f[k - 2], n[k - 2]);
	scan_copy(ret->firmware, sizeof(ret->firmware), (const uint8_t *)f[k - 1], n[k - 1]);
}

int discovery_parse_dhcp(const uint8_t *buf, size_t len, struct cg_disc_info *ret)
{
	char vclass[256] = "";
	int msgtype = 0;

	discovery_info_init(ret, CG_DISC_SRC_DHCP);
	if (!buf || len < BOOTP_FIXED + 4)
		return -EBADMSG;
	if (buf[0] != 1)                       /* BOOTREQUEST */
		return -ENOMSG;
	uint32_t cookie = (uint32_t)buf[236] << 24 | (uint32_t)buf[237] << 16 |
			  (uint32_t)buf[238] << 8 | buf[239];
	if (cookie != DHCP_COOKIE)
		return -ENOMSG;
	if (buf[1] == 1 && buf[2] == 6) {      /* Ethernet, 6-byte address */
		memcpy(ret->mac, buf + 28, 6);
		ret->has_mac = true;
	}
	for (size_t i = BOOTP_FIXED + 4; i < len;) {
		uint8_t code = buf[i];
		if (code == 0) {
			i++;
			continue;
		}
		if (code == 255)
			break;
		if (i + 1 >= len || i + 2 + buf[i + 1] > len)
			return -EBADMSG;
		const uint8_t *v = buf + i + 2;
		uint8_t n = buf[i + 1];
		if (code == 53 && n == 1)
			msgtype = v[0];
		else if (code == 12)
			scan_copy(ret->name, sizeof(ret->name), v, n);
		else if (code == 60)
			scan_copy(vclass, sizeof(vclass), v, n);
		i += 2 + (size_t)n;
	}
	/* DISCOVER, REQUEST, INFORM: what a client sends. */
	if (msgtype != 1 && msgtype != 3 && msgtype != 8)
		return -ENOMSG;
	dhcp_vendor_class(vclass, ret);
	if (!ret->name[0] && !ret->manufacturer[0])
		return -ENOMSG;
	return 0;
}
