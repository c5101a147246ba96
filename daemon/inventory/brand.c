// SPDX-License-Identifier: GPL-2.0-only
/*
 * brand.c — owns the camera brands: which brand a registry organisation or
 * an announced manufacturer names (OEM families folded: EZVIZ is hikvision,
 * Imou is dahua), and whether the two disagree. See discovery.h.
 */
#include <stdio.h>
#include <string.h>

#include "discovery.h"

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
const char *discovery_brand_display(const char *s)
{
	int i = brand_index(s, NULL, 0);
	return i >= 0 ? brands[i].display : NULL;
}
