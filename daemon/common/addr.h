/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * addr.h — the one parser and formatter for MAC addresses, OUI prefixes, IP
 * addresses and IP prefixes, used by the daemon (policy files, the control
 * protocol, discovery, state files), camguardctl and the tests.
 *
 * One grammar (README "Address syntax", camguard.policy(5)):
 *
 *   mac    = octet 5(":" octet) / octet 5("-" octet) / 6octet
 *                                         "44:19:b6:00:00:01", "44-19-B6-00-00-01",
 *                                         "4419b6000001"; one separator throughout
 *   octet  = 2HEXDIG                      either case; exactly two digits
 *   sep    = ":" / "-"
 *   oui    = 6, 7 or 9 HEXDIG (24, 28, 36 bits), a sep allowed after any pair
 *            but not first or last       "44:19:B6", "B0:B3:53:6", "70B3D5F2F"
 *   prefix = address [ "/" len ]          "192.0.2.0/24", "2001:db8::/32",
 *                                         "::ffff:192.0.2.0/120"; a bare address
 *                                         is a host prefix (/32, /128)
 *   address: inet_pton(3) for AF_INET, then AF_INET6 (dotted quad only, no
 *            "0x", octal or short IPv4 forms)
 *   len    = 1*3DIGIT, no sign, no leading zero, at most 32 or 128; no bit
 *            set beyond len
 *
 * Nothing around a value is skipped: leading or trailing blanks, a seventh
 * octet or any other junk is an error, so a typo never widens a rule.
 *
 * Formatters write one canonical form each: MACs in lower case with ':',
 * OUIs in upper case with ':' (the IEEE registry's spelling), addresses and
 * prefixes as inet_ntop(3) writes them (RFC 5952 for IPv6).
 *
 * Pure functions: no allocation, no logging; parsers return 0 or -EINVAL
 * (-EDOM for a prefix with host bits set).
 */
#ifndef CAMGUARD_ADDR_H
#define CAMGUARD_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An address prefix: family 4 or 6, address in network order. */
struct cg_prefix {
	uint8_t family;
	uint8_t len;        /* prefix length in bits */
	uint8_t addr[16];
};

/* Buffer sizes for the formatters, NUL included. */
#define ADDR_MAC_STRLEN    18   /* "44:19:b6:00:00:01" */
#define ADDR_OUI_STRLEN    16   /* "70:B3:D5:F2:F" */
#define ADDR_IP_STRLEN     46   /* INET6_ADDRSTRLEN */
#define ADDR_PREFIX_STRLEN 50   /* address, "/128" */

int addr_parse_mac(const char *s, uint8_t ret_mac[6]);

/* addr_parse_mac(), and octets of one digit between ':' ("0:1b:2:3:4:5",
 * as ether_ntoa(3) writes them). Only for reading back the daemon's own
 * state files (inventory, moves), whose earlier reader took that form. */
int addr_parse_mac_relaxed(const char *s, uint8_t ret_mac[6]);

void addr_format_mac(const uint8_t mac[6], char buf[ADDR_MAC_STRLEN]);

int addr_parse_oui(const char *s, uint8_t ret_bytes[5], uint8_t *ret_bits);
void addr_format_oui(const uint8_t bytes[5], uint8_t bits, char buf[ADDR_OUI_STRLEN]);

/* -EINVAL for bad syntax; -EDOM when bits beyond the length are set (ret
 * still holds the parsed value, for a "did you mean" message). */
int addr_parse_prefix(const char *s, struct cg_prefix *ret);
void addr_format_prefix(const struct cg_prefix *p, char *buf, size_t size);

/* One address of family 4 or 6 (4 or 16 bytes); "?" if it cannot be written. */
void addr_format_ip(uint8_t family, const uint8_t *addr, char *buf, size_t size);

/* Whether prefix a covers prefix b (same family, a no longer than b). */
bool addr_prefix_contains(const struct cg_prefix *a, const struct cg_prefix *b);

/* Bytes of a family's address (4 or 6) in its 16-byte field. */
static inline size_t addr_family_len(uint8_t family)
{
	return family == 4 ? 4 : 16;
}

/* FNV-1a over n bytes, continued from h (begin with ADDR_FNV_BASIS): the
 * hash of the daemon's tables keyed by MACs and addresses. */
#define ADDR_FNV_BASIS 2166136261u
static inline uint32_t addr_fnv(uint32_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

#endif /* CAMGUARD_ADDR_H */
