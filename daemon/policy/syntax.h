/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * syntax.h — value syntax shared by camguard.conf, policy files and deny
 * lists: port lists, names, UTF-8, durations, hints on refused prefixes.
 * MAC addresses, OUI prefixes and IP prefixes are common/addr.h's.
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

/* A hint for a prefix addr_parse_prefix() refused: for a netmask after the
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

#endif /* CAMGUARD_SYNTAX_H */
