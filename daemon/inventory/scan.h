/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * scan.h — bounded text and XML scanning for the announcement parsers
 * (discovery.h). Every function reads only inside the range it is given and
 * writes at most the size it is given; none allocates. Independent of the
 * discovery types, so every protocol module can use it.
 */
#ifndef CAMGUARD_SCAN_H
#define CAMGUARD_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCAN_XML_TEXT_MAX 256    /* bytes of one element's decoded text (scan_xml_get) */

bool scan_is_space(uint8_t c);
bool scan_is_print(uint8_t c);
/* src (n bytes) into dst, trimmed, printable ASCII only ('?' for the rest):
 * the value ends up in JSON, a terminal table and a Prometheus label. */
void scan_copy(char *dst, size_t dlen, const uint8_t *src, size_t n);
void scan_set(char *dst, size_t dlen, const char *s);
bool scan_all_digits(const char *s);
int scan_hexval(uint8_t c);                      /* -1 if not a hex digit */
bool scan_has_prefix(const uint8_t *s, size_t n, const char *p);   /* case-insensitive */
/* fn sees each run of at least min printable, non-space bytes of b. */
void scan_printable_runs(const uint8_t *b, size_t len, size_t min,
			 void (*fn)(const uint8_t *s, size_t n, void *ctx), void *ctx);

/* The next element with this local name (any namespace prefix) from *pos:
 * true with [*ret_off, *ret_end) its text (up to the next '<'), *pos after
 * it. Text cut by the end of the copy is not returned. */
bool scan_xml_next(const uint8_t *b, size_t len, size_t *pos, const char *local,
		   size_t *ret_off, size_t *ret_end);
/* [off, end) with the predefined entities and numeric ASCII references
 * decoded, into out (at most olen bytes); returns the length. */
size_t scan_xml_text(const uint8_t *b, size_t off, size_t end, uint8_t *out, size_t olen);
/* The text of the first element with this local name into dst (scan_copy). */
bool scan_xml_get(const uint8_t *b, size_t len, const char *local, char *dst, size_t dlen);
bool scan_xml_has(const uint8_t *b, size_t len, const char *local);

#endif
