// SPDX-License-Identifier: GPL-2.0-only
/*
 * onvif.c — owns ONVIF WS-Discovery (UDP 3702, SOAP): Hello, ProbeMatch and
 * ResolveMatch describe a device; its scopes (onvif://www.onvif.org/...)
 * name model, firmware, serial and manufacturer, XAddrs its address. See
 * discovery.h.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "camguard.h"
#include "discovery.h"
#include "scan.h"

_Static_assert(SCAN_XML_TEXT_MAX >= 2 * CG_DISC_URL_MAX, "scan_xml_get() holds a URL's escapes");

/* Percent-decoding of one scope value into dst. */
static void scope_value(const uint8_t *s, size_t n, char *dst, size_t dlen)
{
	uint8_t tmp[CG_DISC_FIELD_MAX * 2];
	size_t j = 0;

	for (size_t i = 0; i < n && j < sizeof(tmp); i++) {
		if (s[i] == '%' && i + 2 < n && scan_hexval(s[i + 1]) >= 0 && scan_hexval(s[i + 2]) >= 0) {
			tmp[j++] = (uint8_t)(scan_hexval(s[i + 1]) << 4 | scan_hexval(s[i + 2]));
			i += 2;
		} else {
			tmp[j++] = s[i];
		}
	}
	if (!dst[0])
		scan_copy(dst, dlen, tmp, j);
}

static void wsd_scope(const uint8_t *s, size_t n, struct cg_disc_info *ret, char *mfr, size_t mlen)
{
	static const char prefix[] = "onvif://www.onvif.org/";
	static const struct { const char *key; size_t off; size_t len; } keys[] = {
		{ "hardware/", offsetof(struct cg_disc_info, model), CG_DISC_FIELD_MAX },
		{ "model/", offsetof(struct cg_disc_info, model), CG_DISC_FIELD_MAX },
		{ "name/", offsetof(struct cg_disc_info, name), CG_DISC_FIELD_MAX },
		{ "firmware/", offsetof(struct cg_disc_info, firmware), CG_DISC_FIELD_MAX },
		{ "serial/", offsetof(struct cg_disc_info, serial), CG_DISC_FIELD_MAX },
	};
	size_t pl = sizeof(prefix) - 1;

	if (n <= pl || strncasecmp((const char *)s, prefix, pl) != 0)
		return;
	s += pl;
	n -= pl;
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		size_t kl = strlen(keys[k].key);
		if (n > kl && strncasecmp((const char *)s, keys[k].key, kl) == 0) {
			scope_value(s + kl, n - kl, (char *)ret + keys[k].off, keys[k].len);
			return;
		}
	}
	if (n > 4 && strncasecmp((const char *)s, "mfr/", 4) == 0)
		scope_value(s + 4, n - 4, mfr, mlen);
	else if (n > 13 && strncasecmp((const char *)s, "manufacturer/", 13) == 0)
		scope_value(s + 13, n - 13, mfr, mlen);
}

int discovery_parse_wsd(const uint8_t *buf, size_t len, struct cg_disc_info *ret)
{
	char mfr[CG_DISC_FIELD_MAX] = "";
	size_t pos = 0, off, end;

	discovery_info_init(ret, CG_DISC_SRC_ONVIF);
	if (!buf || len < 16)
		return -EBADMSG;
	/* A Probe is a client asking; Hello, ProbeMatch and ResolveMatch
	 * describe a device (the matches are its replies to a VMS). */
	if (!scan_xml_has(buf, len, "Hello") && !scan_xml_has(buf, len, "ProbeMatch") &&
	    !scan_xml_has(buf, len, "ResolveMatch"))
		return -ENOMSG;
	/* Scopes is a whitespace-separated list: spaces, tabs and line breaks
	 * (CRLF too) between the items are all separators. */
	while (scan_xml_next(buf, len, &pos, "Scopes", &off, &end)) {
		uint8_t text[CG_DISC_MAX];
		size_t n = scan_xml_text(buf, off, end, text, sizeof(text));
		for (size_t i = 0; i < n;) {
			while (i < n && scan_is_space(text[i]))
				i++;
			size_t s = i;
			while (i < n && !scan_is_space(text[i]))
				i++;
			if (i > s)
				wsd_scope(text + s, i - s, ret, mfr, sizeof(mfr));
		}
	}
	pos = 0;
	if (scan_xml_next(buf, len, &pos, "XAddrs", &off, &end)) {
		size_t s = off;
		while (s < end && scan_is_space(buf[s]))
			s++;
		size_t e = s;
		while (e < end && !scan_is_space(buf[e]))
			e++;
		uint8_t text[CG_DISC_URL_MAX];
		size_t n = scan_xml_text(buf, s, e, text, sizeof(text));
		scan_copy(ret->url, sizeof(ret->url), text, n);
	}
	if (mfr[0])
		snprintf(ret->manufacturer, sizeof(ret->manufacturer), "%s", mfr);
	else if (discovery_brand_display(ret->name))
		/* name/HIKVISION: the device name is the brand more often than not. */
		scan_set(ret->manufacturer, sizeof(ret->manufacturer), discovery_brand_display(ret->name));
	if (!ret->model[0] && !ret->name[0] && !ret->firmware[0] && !ret->serial[0])
		return -ENOMSG;
	return 0;
}
