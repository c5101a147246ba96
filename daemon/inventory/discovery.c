// SPDX-License-Identifier: GPL-2.0-only
/*
 * discovery.c — see discovery.h.
 *
 * The XML of SADP and WS-Discovery is read with a small scanner, not a
 * parser: we need the text of a handful of leaf elements, found by local
 * name (any namespace prefix), and nothing else. It never builds a tree,
 * never resolves an entity beyond the five predefined ones, never follows a
 * DTD, and each lookup is one linear pass over at most the copied frame —
 * so there is nothing for a hostile document to expand or to nest. DHIP's
 * JSON goes through json-c with a depth limit.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <json-c/json.h>

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

/* ---- bounded helpers ----------------------------------------------------- */

static bool is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_print(uint8_t c)
{
	return c >= 0x20 && c < 0x7f;
}

/* Copies src (n bytes) into dst, trimmed, printable ASCII only: the value
 * ends up in JSON, in a terminal table and in a Prometheus label. */
static void copy_field(char *dst, size_t dlen, const uint8_t *src, size_t n)
{
	size_t j = 0;

	while (n && is_space(src[0]))
		src++, n--;
	while (n && is_space(src[n - 1]))
		n--;
	for (size_t i = 0; i < n && j + 1 < dlen; i++)
		dst[j++] = is_print(src[i]) ? (char)src[i] : '?';
	dst[j] = 0;
}

static void set_str(char *dst, size_t dlen, const char *s)
{
	copy_field(dst, dlen, (const uint8_t *)s, strlen(s));
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "44-19-b6-00-00-01", "44:19:B6:00:00:01" or "4419b6000001". */
static bool parse_any_mac(const char *s, uint8_t mac[6])
{
	size_t k = 0;
	for (int i = 0; i < 6; i++) {
		int hi = hexval((uint8_t)s[k]), lo = hi < 0 ? -1 : hexval((uint8_t)s[k + 1]);
		if (hi < 0 || lo < 0)
			return false;
		mac[i] = (uint8_t)(hi << 4 | lo);
		k += 2;
		if (i < 5 && (s[k] == ':' || s[k] == '-'))
			k++;
	}
	return s[k] == 0;
}

static void info_init(struct cg_disc_info *ret, int src)
{
	memset(ret, 0, sizeof(*ret));
	ret->source = (uint8_t)src;
}

/* ---- brands -------------------------------------------------------------- */

static const struct {
	const char *word;
	const char *brand;     /* the key compared; OEM families folded */
	const char *display;
} brands[] = {
	{ "hikvision", "hikvision", "Hikvision" }, { "ezviz", "hikvision", "EZVIZ" },
	{ "annke", "hikvision", "ANNKE" },         { "hiwatch", "hikvision", "HiWatch" },
	{ "dahua", "dahua", "Dahua" },             { "imou", "dahua", "Imou" },
	{ "lechange", "dahua", "LeChange" },       { "amcrest", "dahua", "Amcrest" },
	{ "lorex", "dahua", "Lorex" },             { "axis", "axis", "AXIS" },
	{ "hanwha", "hanwha", "Hanwha" },          { "techwin", "hanwha", "Samsung Techwin" },
	{ "wisenet", "hanwha", "Wisenet" },        { "bosch", "bosch", "Bosch" },
	{ "uniview", "uniview", "Uniview" },       { "vivotek", "vivotek", "VIVOTEK" },
	{ "mobotix", "mobotix", "MOBOTIX" },       { "avigilon", "avigilon", "Avigilon" },
	{ "pelco", "pelco", "Pelco" },             { "panasonic", "panasonic", "Panasonic" },
	{ "sony", "sony", "Sony" },                { "honeywell", "honeywell", "Honeywell" },
	{ "reolink", "reolink", "Reolink" },       { "milesight", "milesight", "Milesight" },
	{ "tiandy", "tiandy", "Tiandy" },          { "tp-link", "tp-link", "TP-Link" },
	{ "foscam", "foscam", "Foscam" },          { "grandstream", "grandstream", "Grandstream" },
};

/* Words that say where or what kind of company, not which. */
static const char *const filler[] = {
	"hangzhou", "zhejiang", "shenzhen", "beijing", "shanghai", "guangzhou", "co", "co.",
	"ltd", "ltd.", "inc", "inc.", "corp", "corporation", "company", "technology",
	"technologies", "digital", "the", "gmbh", "ab", "llc", "limited", "electronics",
	"systems", "security",
};

/* The brands[] entry of the first brand word in s (words: letters, digits,
 * '-', '.'; compared lower-cased), else -1 with the first word that is not
 * filler in first. */
static int brand_index(const char *s, char *first, size_t flen)
{
	char w[32];
	size_t n = 0;

	if (first && flen)
		first[0] = 0;
	for (const char *p = s;; p++) {
		char c = *p;
		bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			    c == '-' || c == '.';
		if (word) {
			if (n + 1 < sizeof(w))
				w[n++] = (char)(c | ((c >= 'A' && c <= 'Z') ? 0x20 : 0));
			continue;
		}
		if (n) {
			w[n] = 0;
			while (n && w[n - 1] == '.')
				w[--n] = 0;
			/* "Hikvision-Webs": the part before a '-' names the brand too. */
			size_t dash = strcspn(w, "-");
			for (size_t i = 0; i < sizeof(brands) / sizeof(brands[0]); i++)
				if (strcmp(w, brands[i].word) == 0 ||
				    (w[dash] && strlen(brands[i].word) == dash &&
				     strncmp(w, brands[i].word, dash) == 0))
					return (int)i;
			bool fill = false;
			for (size_t i = 0; i < sizeof(filler) / sizeof(filler[0]); i++)
				fill |= strcmp(w, filler[i]) == 0;
			if (first && flen && !first[0] && !fill && n)
				snprintf(first, flen, "%s", w);
			n = 0;
		}
		if (!c)
			return -1;
	}
}

void discovery_brand(const char *s, char *buf, size_t len)
{
	char first[32];
	int i = brand_index(s ? s : "", first, sizeof(first));
	snprintf(buf, len, "%s", i >= 0 ? brands[i].brand : first);
}

bool discovery_vendor_mismatch(const char *mac_vendor, const char *manufacturer)
{
	if (!mac_vendor || !manufacturer || !*mac_vendor || !*manufacturer)
		return false;
	int a = brand_index(mac_vendor, NULL, 0), b = brand_index(manufacturer, NULL, 0);
	return a >= 0 && b >= 0 && strcmp(brands[a].brand, brands[b].brand) != 0;
}

/* The display name of a brand named in s, or NULL. */
static const char *brand_display(const char *s)
{
	int i = brand_index(s, NULL, 0);
	return i >= 0 ? brands[i].display : NULL;
}

/* ---- the XML scanner ------------------------------------------------------ */

static bool name_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.' || c == ':';
}

/* Where the start tag of the first element with this local name is, from
 * *pos on: true with [*ret_off, *ret_end) its text content (up to the next
 * '<'), *pos after it. An empty element gives an empty range; text that
 * is not followed by a '<' is not returned. */
static bool xml_next(const uint8_t *b, size_t len, size_t *pos, const char *local,
		     size_t *ret_off, size_t *ret_end)
{
	size_t ln = strlen(local);

	for (size_t i = *pos; i + 1 < len; i++) {
		if (b[i] != '<' || !name_char(b[i + 1]) || b[i + 1] == ':')
			continue;
		size_t s = i + 1, e = s, colon = s;
		while (e < len && name_char(b[e])) {
			if (b[e] == ':')
				colon = e + 1;
			e++;
		}
		if (e - colon != ln || strncasecmp((const char *)b + colon, local, ln) != 0)
			continue;
		if (e < len && b[e] != '>' && b[e] != '/' && !is_space(b[e]))
			continue;
		/* Skip the attributes; quoted values may hold '>'. */
		uint8_t q = 0;
		size_t k = e;
		for (; k < len; k++) {
			if (q) {
				if (b[k] == q)
					q = 0;
			} else if (b[k] == '"' || b[k] == '\'') {
				q = b[k];
			} else if (b[k] == '>') {
				break;
			}
		}
		if (k >= len)
			return false;
		if (b[k - 1] == '/') {            /* <x/> */
			*ret_off = *ret_end = k + 1;
			*pos = k + 1;
			return true;
		}
		size_t t = k + 1, te = t;
		while (te < len && b[te] != '<')
			te++;
		/* Text that runs to the end of the copy was cut (CG_DISC_MAX):
		 * half a value is not a value. */
		if (te >= len)
			return false;
		*ret_off = t;
		*ret_end = te;
		*pos = te;
		return true;
	}
	return false;
}

/* Decodes the five predefined entities and numeric ASCII references into
 * out (bounded); anything else is copied as is. */
static size_t xml_text(const uint8_t *b, size_t off, size_t end, uint8_t *out, size_t olen)
{
	static const struct { const char *ent; uint8_t c; } ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }, { "&apos;", '\'' },
	};
	size_t j = 0;

	for (size_t i = off; i < end && j < olen; i++) {
		uint8_t c = b[i];
		if (c == '&') {
			bool done = false;
			for (size_t k = 0; k < sizeof(ents) / sizeof(ents[0]) && !done; k++) {
				size_t n = strlen(ents[k].ent);
				if (end - i >= n && memcmp(b + i, ents[k].ent, n) == 0) {
					c = ents[k].c;
					i += n - 1;
					done = true;
				}
			}
			if (!done && end - i >= 4 && b[i + 1] == '#') {
				unsigned v = 0;
				size_t k = i + 2;
				while (k < end && k < i + 8 && b[k] >= '0' && b[k] <= '9')
					v = v * 10 + (unsigned)(b[k++] - '0');
				if (k < end && b[k] == ';' && k > i + 2) {
					c = v >= 0x20 && v < 0x7f ? (uint8_t)v : '?';
					i = k;
				}
			}
		}
		out[j++] = c;
	}
	return j;
}

/* The text of the first element with this local name into dst. */
static bool xml_get(const uint8_t *b, size_t len, const char *local, char *dst, size_t dlen)
{
	size_t pos = 0, off, end;
	uint8_t tmp[CG_DISC_URL_MAX * 2];

	if (!xml_next(b, len, &pos, local, &off, &end))
		return false;
	size_t n = xml_text(b, off, end, tmp, sizeof(tmp));
	copy_field(dst, dlen, tmp, n);
	return true;
}

static bool xml_has(const uint8_t *b, size_t len, const char *local)
{
	size_t pos = 0, off, end;
	return xml_next(b, len, &pos, local, &off, &end);
}

/* ---- Hikvision SADP -------------------------------------------------------- */

int discovery_parse_sadp_xml(const uint8_t *buf, size_t len, struct cg_disc_info *ret)
{
	char type[CG_DISC_FIELD_MAX] = "", mac[32] = "";

	info_init(ret, CG_DISC_SRC_SADP);
	if (!buf || len < 8)
		return -EBADMSG;
	/* A probe from a SADP client carries no device fields. */
	xml_get(buf, len, "DeviceDescription", ret->model, sizeof(ret->model));
	xml_get(buf, len, "DeviceType", type, sizeof(type));
	/* DeviceType is usually a numeric class code; a name is a model. */
	if (!ret->model[0] && type[0] && !all_digits(type))
		snprintf(ret->model, sizeof(ret->model), "%s", type);
	xml_get(buf, len, "SoftwareVersion", ret->firmware, sizeof(ret->firmware));
	xml_get(buf, len, "DeviceSN", ret->serial, sizeof(ret->serial));
	xml_get(buf, len, "DeviceName", ret->name, sizeof(ret->name));
	if (xml_get(buf, len, "MAC", mac, sizeof(mac)))
		ret->has_mac = parse_any_mac(mac, ret->mac);
	if (!ret->model[0] && !ret->firmware[0] && !ret->serial[0])
		return -ENOMSG;
	/* SADP is Hikvision's protocol: whoever speaks it runs its firmware. */
	set_str(ret->manufacturer, sizeof(ret->manufacturer), "Hikvision");
	return 0;
}

/* The printable runs of a binary payload, for the formats whose layout is
 * not published: fn sees each run of at least min bytes. */
static void printable_runs(const uint8_t *b, size_t len, size_t min,
			   void (*fn)(const uint8_t *s, size_t n, struct cg_disc_info *i),
			   struct cg_disc_info *info)
{
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && is_print(b[i]) && b[i] != ' ')
			continue;
		if (i - start >= min)
			fn(b + start, i - start, info);
		start = i + 1;
	}
}

static bool has_prefix(const uint8_t *s, size_t n, const char *p)
{
	size_t pl = strlen(p);
	return n >= pl && strncasecmp((const char *)s, p, pl) == 0;
}

/* "V5.5.82" / "v2.800.0000000.5.R": a version string. */
static bool looks_version(const uint8_t *s, size_t n)
{
	return n >= 4 && (s[0] == 'V' || s[0] == 'v') && s[1] >= '0' && s[1] <= '9' &&
	       memchr(s, '.', n);
}

static void sadp_raw_run(const uint8_t *s, size_t n, struct cg_disc_info *i)
{
	/* Hikvision serials start with the model: "DS-2CD2143G0-I2019...". */
	if (!i->serial[0] && n >= 9 && (has_prefix(s, n, "DS-") || has_prefix(s, n, "iDS-") ||
					has_prefix(s, n, "IDS-")))
		copy_field(i->serial, sizeof(i->serial), s, n);
	else if (!i->firmware[0] && looks_version(s, n))
		copy_field(i->firmware, sizeof(i->firmware), s, n);
}

int discovery_parse_sadp_raw(const uint8_t *buf, size_t len, struct cg_disc_info *ret)
{
	info_init(ret, CG_DISC_SRC_SADP);
	/* The binary form's layout is not published: only what is recognisable
	 * on its own (a serial, a version) is taken, never a field by offset. */
	if (!buf || len < 16)
		return -EBADMSG;
	printable_runs(buf, len, 4, sadp_raw_run, ret);
	if (!ret->serial[0])
		return -ENOMSG;
	set_str(ret->manufacturer, sizeof(ret->manufacturer), "Hikvision");
	return 0;
}

/* ---- Dahua DHIP ------------------------------------------------------------- */

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
	copy_field(dst, dlen, (const uint8_t *)json_object_get_string(v),
		   (size_t)json_object_get_string_len(v));
}

int discovery_parse_dhip(const uint8_t *buf, size_t len, struct cg_disc_info *ret)
{
	static const uint8_t magic[8] = { 0x20, 0, 0, 0, 'D', 'H', 'I', 'P' };
	json_tokener *tok;
	json_object *root, *di;
	char vendor[CG_DISC_FIELD_MAX] = "", mac[32] = "";

	info_init(ret, CG_DISC_SRC_DHIP);
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
			ret->has_mac = parse_any_mac(mac, ret->mac);
	}
	json_object_put(root);
	if (!ret->model[0] && !ret->serial[0] && !ret->firmware[0])
		return -ENOMSG;      /* a search from a client, or a reply without the device */
	/* "General" and "Private" are what unbranded Dahua firmware says. */
	if (vendor[0] && strcasecmp(vendor, "general") && strcasecmp(vendor, "private") &&
	    strcasecmp(vendor, "oem"))
		snprintf(ret->manufacturer, sizeof(ret->manufacturer), "%s", vendor);
	else
		set_str(ret->manufacturer, sizeof(ret->manufacturer), "Dahua");
	return 0;
}

static void dahua_legacy_run(const uint8_t *s, size_t n, struct cg_disc_info *i)
{
	static const char *const prefixes[] = { "DH-", "IPC-", "DHI-", "HCVR", "NVR", "XVR", "SD" };
	for (size_t k = 0; k < sizeof(prefixes) / sizeof(prefixes[0]) && !i->model[0]; k++)
		if (n >= 6 && has_prefix(s, n, prefixes[k]))
			copy_field(i->model, sizeof(i->model), s, n);
	if (!i->firmware[0] && n >= 5 && s[0] == '2' && s[1] == '.' && memchr(s + 2, '.', n - 2))
		copy_field(i->firmware, sizeof(i->firmware), s, n);
}

int discovery_parse_dahua_legacy(const uint8_t *buf, size_t len, struct cg_disc_info *ret)
{
	info_init(ret, CG_DISC_SRC_DHIP);
	/* Binary and unpublished: only a recognisable model name is taken. */
	if (!buf || len < 32)
		return -EBADMSG;
	printable_runs(buf, len, 6, dahua_legacy_run, ret);
	if (!ret->model[0])
		return -ENOMSG;
	set_str(ret->manufacturer, sizeof(ret->manufacturer), "Dahua");
	return 0;
}

/* ---- ONVIF WS-Discovery ------------------------------------------------------ */

/* Percent-decoding of one scope value into dst. */
static void scope_value(const uint8_t *s, size_t n, char *dst, size_t dlen)
{
	uint8_t tmp[CG_DISC_FIELD_MAX * 2];
	size_t j = 0;

	for (size_t i = 0; i < n && j < sizeof(tmp); i++) {
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			tmp[j++] = (uint8_t)(hexval(s[i + 1]) << 4 | hexval(s[i + 2]));
			i += 2;
		} else {
			tmp[j++] = s[i];
		}
	}
	if (!dst[0])
		copy_field(dst, dlen, tmp, j);
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

	info_init(ret, CG_DISC_SRC_ONVIF);
	if (!buf || len < 16)
		return -EBADMSG;
	/* A Probe is a client asking; Hello, ProbeMatch and ResolveMatch
	 * describe a device (the matches are its replies to a VMS). */
	if (!xml_has(buf, len, "Hello") && !xml_has(buf, len, "ProbeMatch") &&
	    !xml_has(buf, len, "ResolveMatch"))
		return -ENOMSG;
	/* Scopes is a whitespace-separated list: spaces, tabs and line breaks
	 * (CRLF too) between the items are all separators. */
	while (xml_next(buf, len, &pos, "Scopes", &off, &end)) {
		uint8_t text[CG_DISC_MAX];
		size_t n = xml_text(buf, off, end, text, sizeof(text));
		for (size_t i = 0; i < n;) {
			while (i < n && is_space(text[i]))
				i++;
			size_t s = i;
			while (i < n && !is_space(text[i]))
				i++;
			if (i > s)
				wsd_scope(text + s, i - s, ret, mfr, sizeof(mfr));
		}
	}
	pos = 0;
	if (xml_next(buf, len, &pos, "XAddrs", &off, &end)) {
		size_t s = off;
		while (s < end && is_space(buf[s]))
			s++;
		size_t e = s;
		while (e < end && !is_space(buf[e]))
			e++;
		uint8_t text[CG_DISC_URL_MAX];
		size_t n = xml_text(buf, s, e, text, sizeof(text));
		copy_field(ret->url, sizeof(ret->url), text, n);
	}
	if (mfr[0])
		snprintf(ret->manufacturer, sizeof(ret->manufacturer), "%s", mfr);
	else if (brand_display(ret->name))
		/* name/HIKVISION: the device name is the brand more often than not. */
		set_str(ret->manufacturer, sizeof(ret->manufacturer), brand_display(ret->name));
	if (!ret->model[0] && !ret->name[0] && !ret->firmware[0] && !ret->serial[0])
		return -ENOMSG;
	return 0;
}

/* ---- DHCP ----------------------------------------------------------------- */

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

	if (!brand_display(vc))
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
	copy_field(brand, sizeof(brand), (const uint8_t *)f[0], n[0]);
	if ((k != 3 && k != 4) || !brand_display(brand)) {
		snprintf(ret->manufacturer, sizeof(ret->manufacturer), "%s", vc);
		return;
	}
	snprintf(ret->manufacturer, sizeof(ret->manufacturer), "%s", brand);
	copy_field(ret->model, sizeof(ret->model), (const uint8_t *)f[k - 2], n[k - 2]);
	copy_field(ret->firmware, sizeof(ret->firmware), (const uint8_t *)f[k - 1], n[k - 1]);
}

int discovery_parse_dhcp(const uint8_t *buf, size_t len, struct cg_disc_info *ret)
{
	char vclass[256] = "";
	int msgtype = 0;

	info_init(ret, CG_DISC_SRC_DHCP);
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
			copy_field(ret->name, sizeof(ret->name), v, n);
		else if (code == 60)
			copy_field(vclass, sizeof(vclass), v, n);
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

/* ---- SSDP ----------------------------------------------------------------- */

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
		while (i < n && (is_space(s[i]) || s[i] == ','))
			i++;
		size_t st = i;
		while (i < n && !is_space(s[i]) && s[i] != ',')
			i++;
		if (i > st && !generic_token(s + st, i - st))
			best = s + st, blen = i - st;
	}
	copy_field(tmp, sizeof(tmp), s, n);
	if (brand_display(tmp))
		set_str(ret->manufacturer, sizeof(ret->manufacturer), brand_display(tmp));
	if (!best)
		return;
	const uint8_t *slash = memchr(best, '/', blen);
	size_t ml = slash ? (size_t)(slash - best) : blen;
	copy_field(ret->model, sizeof(ret->model), best, ml);
	if (slash)
		copy_field(ret->firmware, sizeof(ret->firmware), slash + 1, blen - ml - 1);
	if (!ret->manufacturer[0] && ml > 3 && strncasecmp((const char *)best, "DH-", 3) == 0)
		set_str(ret->manufacturer, sizeof(ret->manufacturer), "Dahua");
}

int discovery_parse_ssdp(const uint8_t *buf, size_t len, struct cg_disc_info *ret)
{
	info_init(ret, CG_DISC_SRC_SSDP);
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
			copy_field(ret->url, sizeof(ret->url), v, vl);
	}
	if (!ret->model[0] && !ret->manufacturer[0])
		return -ENOMSG;
	return 0;
}

/* ---- frames ---------------------------------------------------------------- */

#define ETH_P_SADP 0x8033

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
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
	if (et == 0x0800) {
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
	if (et == 0x86dd) {
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
	info_init(ret, CG_DISC_SRC_MAX);
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

	info_init(ret, CG_DISC_SRC_MAX);
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

	info_init(ret, CG_DISC_SRC_MAX);
	int rc = discovery_event_frame(rec, len, &f, &n);
	return rc < 0 ? rc : discovery_parse_frame(f, n, ret);
}
