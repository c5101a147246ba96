// SPDX-License-Identifier: GPL-2.0-only
/*
 * ssdp.c — owns SSDP/UPnP announcements (UDP 1900): a NOTIFY or a search
 * reply, whose SERVER header names the product and LOCATION its
 * description URL. See discovery.h.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "discovery.h"
#include "scan.h"

/* Is this SERVER product token an OS or the UPnP version, not the product? */
static bool generic_token(const uint8_t *s, size_t n)
{
	static const char *const os[] = { "linux", "upnp", "unix", "windows", "posix", "dlnadoc",
					   "ipos", "freertos", "uclinux", "http" };
	size_t nl = 0;
	while (nl < n && s[nl] != '/')
		nl++;
	for (size_t k = 0; k < sizeof(os) / sizeof(os[0]); k++)
		if (nl == strlen(os[k]) && strncasecmp((const char *)s, os[k], nl) == 0)
			return true;
	return false;
}

static void ssdp_server(const uint8_t *s, size_t n, struct cg_disc_info *ret)
{
	const uint8_t *best = NULL;
	size_t blen = 0;
	char tmp[CG_DISC_URL_MAX];

	/* "Linux/3.0, UPnP/1.0, DH-IPC-HFW1230S/2.800": the last product
	 * token that is neither the OS nor UPnP is the device. */
	for (size_t i = 0; i < n;) {
		while (i < n && (scan_is_space(s[i]) || s[i] == ','))
			i++;
		size_t st = i;
		while (i < n && !scan_is_space(s[i]) && s[i] != ',')
			i++;
		if (i > st && !generic_token(s + st, i - st))
			best = s + st, blen = i - st;
	}
	scan_copy(tmp, sizeof(tmp), s, n);
	if (discovery_brand_display(tmp))
		scan_set(ret->manufacturer, sizeof(ret->manufacturer), discovery_brand_display(tmp));
	if (!best)
		return;
	const uint8_t *slash = memchr(best, '/', blen);
	size_t ml = slash ? (size_t)(slash - best) : blen;
	scan_copy(ret->model, sizeof(ret->model), best, ml);
	if (slash)
		scan_copy(ret->firmware, sizeof(ret->firmware), slash + 1, blen - ml - 1);
	if (!ret->manufacturer[0] && ml > 3 && strncasecmp((const char *)best, "DH-", 3) == 0)
		scan_set(ret->manufacturer, sizeof(ret->manufacturer), "Dahua");
}

int discovery_parse_ssdp(const uint8_t *buf, size_t len, struct cg_disc_info *ret)
{
	discovery_info_init(ret, CG_DISC_SRC_SSDP);
	if (!buf || len < 8)
		return -EBADMSG;
	/* NOTIFY is a device announcing itself, "HTTP/1.1 200 OK" its reply
	 * to a search; M-SEARCH is someone looking. */
	if (strncasecmp((const char *)buf, "NOTIFY ", 7) != 0 &&
	    strncasecmp((const char *)buf, "HTTP/1.", 7) != 0)
		return -ENOMSG;
	size_t i = 0;
	while (i < len && buf[i] != '\n')
		i++;
	while (i < len) {
		size_t s = ++i;
		while (i < len && buf[i] != '\n')
			i++;
		size_t e = i;
		if (e > s && buf[e - 1] == '\r')
			e--;
		if (e == s)
			break;                 /* end of the headers */
		const uint8_t *colon = memchr(buf + s, ':', e - s);
		if (!colon)
			continue;
		size_t nl = (size_t)(colon - (buf + s)), vs = nl + 1;
		const uint8_t *v = buf + s + vs;
		size_t vl = e - s - vs;
		if (nl == 6 && strncasecmp((const char *)buf + s, "SERVER", 6) == 0)
			ssdp_server(v, vl, ret);
		else if (nl == 8 && strncasecmp((const char *)buf + s, "LOCATION", 8) == 0)
			scan_copy(ret->url, sizeof(ret->url), v, vl);
	}
	if (!ret->model[0] && !ret->manufacturer[0])
		return -ENOMSG;
	return 0;
}
