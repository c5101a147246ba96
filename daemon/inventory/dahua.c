// SPDX-License-Identifier: GPL-2.0-only
/*
 * dahua.c — owns Dahua's discovery: DHIP (UDP 37810, a 32-byte header then
 * JSON, read through json-c with a depth limit) and the legacy binary form
 * on UDP 5050 (best effort: only a recognisable model name). See discovery.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <json-c/json.h>

#include "addr.h"
#include "discovery.h"
#include "scan.h"

#define DHIP_HEADER 32
#define DHIP_MAX_DEPTH 6

static json_object *jget(json_object *o, const char *key)
{
	json_object *v;
	return o && json_object_is_type(o, json_type_object) && json_object_object_get_ex(o, key, &v)
		       ? v : NULL;
}

static void jcopy(json_object *o, const char *key, char *dst, size_t dlen)
{
	json_object *v = jget(o, key);
	if (dst[0] || !v || !json_object_is_type(v, json_type_string))
		return;
	scan_copy(dst, dlen, (const uint8_t *)json_object_get_string(v),
		   (size_t)json_object_get_string_len(v));
}

int discovery_parse_dhip(const uint8_t *buf, size_t len, struct cg_disc_info *ret)
{
	static const uint8_t magic[8] = { 0x20, 0, 0, 0, 'D', 'H', 'I', 'P' };
	json_tokener *tok;
	json_object *root, *di;
	char vendor[CG_DISC_FIELD_MAX] = "", mac[32] = "";

	discovery_info_init(ret, CG_DISC_SRC_DHIP);
	if (!buf || len < DHIP_HEADER)
		return -EBADMSG;
	if (memcmp(buf, magic, sizeof(magic)) != 0)
		return -ENOMSG;
	uint32_t plen = (uint32_t)buf[16] | (uint32_t)buf[17] << 8 | (uint32_t)buf[18] << 16 |
			(uint32_t)buf[19] << 24;
	size_t n = len - DHIP_HEADER;
	if (plen && plen < n)
		n = plen;
	if (n < 2)
		return -EBADMSG;
	tok = json_tokener_new_ex(DHIP_MAX_DEPTH);
	if (!tok)
		return -ENOMEM;
	root = json_tokener_parse_ex(tok, (const char *)buf + DHIP_HEADER, (int)n);
	json_tokener_free(tok);
	if (!root)
		return -EBADMSG;
	di = jget(jget(root, "params"), "deviceInfo");
	if (!di)
		di = jget(root, "deviceInfo");
	if (di) {
		jcopy(di, "DeviceType", ret->model, sizeof(ret->model));
		jcopy(di, "DeviceClass", ret->model, sizeof(ret->model));
		jcopy(di, "SerialNo", ret->serial, sizeof(ret->serial));
		jcopy(di, "Version", ret->firmware, sizeof(ret->firmware));
		jcopy(di, "MachineName", ret->name, sizeof(ret->name));
		jcopy(di, "DeviceName", ret->name, sizeof(ret->name));
		jcopy(di, "Vendor", vendor, sizeof(vendor));
		jcopy(di, "Mac", mac, sizeof(mac));
		if (mac[0])
			ret->has_mac = addr_parse_mac(mac, ret->mac) == 0;
	}
	json_object_put(root);
	if (!ret->model[0] && !ret->serial[0] && !ret->firmware[0])
		return -ENOMSG;      /* a search from a client, or a reply without the device */
	/* "General" and "Private" are what unbranded Dahua firmware says. */
	if (vendor[0] && strcasecmp(vendor, "general") && strcasecmp(vendor, "private") &&
	    strcasecmp(vendor, "oem"))
		snprintf(ret->manufacturer, sizeof(ret->manufacturer), "%s", vendor);
	else
		scan_set(ret->manufacturer, sizeof(ret->manufacturer), "Dahua");
	return 0;
}

static void dahua_legacy_run(const uint8_t *s, size_t n, void *ctx)
{
	struct cg_disc_info *i = ctx;
	static const char *const prefixes[] = { "DH-", "IPC-", "DHI-", "HCVR", "NVR", "XVR", "SD" };
	for (size_t k = 0; k < sizeof(prefixes) / sizeof(prefixes[0]) && !i->model[0]; k++)
		if (n >= 6 && scan_has_prefix(s, n, prefixes[k]))
			scan_copy(i->model, sizeof(i->model), s, n);
	if (!i->firmware[0] && n >= 5 && s[0] == '2' && s[1] == '.' && memchr(s + 2, '.', n - 2))
		scan_copy(i->firmware, sizeof(i->firmware), s, n);
}

int discovery_parse_dahua_legacy(const uint8_t *buf, size_t len, struct cg_disc_info *ret)
{
	discovery_info_init(ret, CG_DISC_SRC_DHIP);
	/* Binary and unpublished: only a recognisable model name is taken. */
	if (!buf || len < 32)
		return -EBADMSG;
	scan_printable_runs(buf, len, 6, dahua_legacy_run, ret);
	if (!ret->model[0])
		return -ENOMSG;
	scan_set(ret->manufacturer, sizeof(ret->manufacturer), "Dahua");
	return 0;
}
