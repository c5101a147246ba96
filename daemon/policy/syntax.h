/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * syntax.h — value syntax shared by camguard.conf, policy files and deny
 * lists: MAC addresses, OUI prefixes, IP prefixes, port lists, names, UTF-8.
 *
 * Pure functions on NUL-terminated strings: no allocation, no diagnostics.
 * Each parser returns 0 or -EINVAL and, where the caller's message can say
 * more than "invalid", a short reason through ret_why (a static string).
 */
#ifndef CAMGUARD_SYNTAX_H
#define CAMGUARD_SYNTAX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* "44:19:b6:00:00:01" or "44-19-B6-00-00-01", any case. */
int syntax_parse_mac(const char *s, uint8_t ret_mac[6]);

/* "44:19:B6" (24 bit), "B0:B3:53:6" (28), "70:B3:D5:F2:F" (36); separators
 * ':' or '-' after each pair are optional ("4419B6" is fine). */
int syntax_parse_oui(const char *s, uint8_t ret_bytes[5], uint8_t *ret_bits);

/* "192.0.2.0/24", "2001:db8::/32"; a bare address is a host prefix.
 * -EINVAL for bad syntax; -EDOM when bits beyond the length are set
 * (ret still holds the parsed value, for the "did you mean" message). */
int syntax_parse_prefix(const char *s, struct cg_prefix *ret);

/* A hint for a prefix syntax_parse_prefix() refused: for a netmask after the
 * slash ("192.0.2.0/255.255.255.192") " (a netmask: write \"192.0.2.0/26\")";
 * "" when there is nothing to add. Writes into buf, returns it. */
const char *syntax_prefix_hint(const char *s, char *buf, size_t size);

/* "554,8000,49152-65535" into ranges; 1..65535, lo <= hi, at most max
 * ranges. On error ret_why says what, ret_token points at the bad token
 * (into a caller buffer of tokbuf_size bytes). */
int syntax_parse_ports(const char *s, struct cg_port_range *ret, size_t max, size_t *ret_n,
		       const char **ret_why, char *tokbuf, size_t tokbuf_size);

/* "30s", "5m", "1h", "1d" or plain seconds ("30") into seconds; one number
 * and at most one unit. */
int syntax_parse_duration(const char *s, int64_t *ret_seconds);

/* A Prometheus label name of our own choosing: [a-zA-Z_][a-zA-Z0-9_]*, not
 * starting with "__" (reserved by Prometheus). */
bool syntax_valid_label_name(const char *s);

/* Policy names: 1..CG_NAME_MAX-1 characters of [a-z0-9_-]. */
bool syntax_valid_name(const char *s);

bool syntax_valid_utf8(const char *s);

/* Formatting helpers for messages and --check. */
void syntax_format_mac(const uint8_t mac[6], char buf[18]);
void syntax_format_oui(const uint8_t bytes[5], uint8_t bits, char buf[16]);
void syntax_format_prefix(const struct cg_prefix *p, char *buf, size_t size);

#endif /* CAMGUARD_SYNTAX_H */
