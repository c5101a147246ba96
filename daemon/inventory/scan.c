// SPDX-License-Identifier: GPL-2.0-only
/*
 * scan.c — owns the bounded text helpers every announcement parser uses:
 * copying a field as trimmed printable ASCII, hex and MAC digits, printable
 * runs of a binary payload, and the XML scanner for SADP and WS-Discovery.
 *
 * The XML is read with a small scanner, not a parser: we need the text of a
 * handful of leaf elements, found by local name (any namespace prefix), and
 * nothing else. It never builds a tree, never resolves an entity beyond the
 * five predefined ones, never follows a DTD, and each lookup is one linear
 * pass over at most the copied frame — so there is nothing for a hostile
 * document to expand or to nest. Nothing here allocates.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "scan.h"

bool scan_is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool scan_is_print(uint8_t c)
{
	return c >= 0x20 && c < 0x7f;
}

/* Copies src (n bytes) into dst, trimmed, printable ASCII only: the value
 * ends up in JSON, in a terminal table and in a Prometheus label. */
void scan_copy(char *dst, size_t dlen, const uint8_t *src, size_t n)
{
	size_t j = 0;

	while (n && scan_is_space(src[0]))
		src++, n--;
	while (n && scan_is_space(src[n - 1]))
		n--;
	for (size_t i = 0; i < n && j + 1 < dlen; i++)
		dst[j++] = scan_is_print(src[i]) ? (char)src[i] : '?';
	dst[j] = 0;
}

void scan_set(char *dst, size_t dlen, const char *s)
{
	scan_copy(dst, dlen, (const uint8_t *)s, strlen(s));
}

bool scan_all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

int scan_hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The printable runs of a binary payload, for the formats whose layout is
 * not published: fn sees each run of at least min bytes. */
void scan_printable_runs(const uint8_t *b, size_t len, size_t min,
			 void (*fn)(const uint8_t *s, size_t n, void *ctx), void *ctx)
{
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && scan_is_print(b[i]) && b[i] != ' ')
			continue;
		if (i - start >= min)
			fn(b + start, i - start, ctx);
		start = i + 1;
	}
}

bool scan_has_prefix(const uint8_t *s, size_t n, const char *p)
{
	size_t pl = strlen(p);
	return n >= pl && strncasecmp((const char *)s, p, pl) == 0;
}

/* ---- the XML scanner ------------------------------------------------------ */

static bool xml_name_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.' || c == ':';
}

/* Where the start tag of the first element with this local name is, from
 * *pos on: true with [*ret_off, *ret_end) its text content (up to the next
 * '<'), *pos after it. An empty element gives an empty range; text that
 * is not followed by a '<' is not returned. */
bool scan_xml_next(const uint8_t *b, size_t len, size_t *pos, const char *local,
		     size_t *ret_off, size_t *ret_end)
{
	size_t ln = strlen(local);

	for (size_t i = *pos; i + 1 < len; i++) {
		if (b[i] != '<' || !xml_name_char(b[i + 1]) || b[i + 1] == ':')
			continue;
		size_t s = i + 1, e = s, colon = s;
		while (e < len && xml_name_char(b[e])) {
			if (b[e] == ':')
				colon = e + 1;
			e++;
		}
		if (e - colon != ln || strncasecmp((const char *)b + colon, local, ln) != 0)
			continue;
		if (e < len && b[e] != '>' && b[e] != '/' && !scan_is_space(b[e]))
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
size_t scan_xml_text(const uint8_t *b, size_t off, size_t end, uint8_t *out, size_t olen)
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
bool scan_xml_get(const uint8_t *b, size_t len, const char *local, char *dst, size_t dlen)
{
	size_t pos = 0, off, end;
	uint8_t tmp[SCAN_XML_TEXT_MAX];

	if (!scan_xml_next(b, len, &pos, local, &off, &end))
		return false;
	size_t n = scan_xml_text(b, off, end, tmp, sizeof(tmp));
	scan_copy(dst, dlen, tmp, n);
	return true;
}

bool scan_xml_has(const uint8_t *b, size_t len, const char *local)
{
	size_t pos = 0, off, end;
	return scan_xml_next(b, len, &pos, local, &off, &end);
}

