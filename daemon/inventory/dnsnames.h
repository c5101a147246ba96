/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dnsnames.h — which names each camera asked for, and what the answers gave.
 *
 * Fed from the DNS messages the data plane copies (dns.h): a query a camera
 * sends records "device asked resolver R for NAME"; an answer reaching a
 * camera records, for every address the answer gives for the name asked
 * (CNAME chains followed, dns_answer_addrs), "device learned ADDR for NAME"
 * with the answer's TTL. The two lookups the evidence needs:
 *
 *   names_lookup_addr   which name did this device ask for before it tried
 *                       address X (the latest name learned for X at or
 *                       before the flow began);
 *   names_lookup_query  a query to resolver R that was itself blocked:
 *                       "asked for NAME".
 *
 * Bounded per device and in total (names_new); when a bound is hit, an
 * entry is evicted: an expired one first (the earliest to expire), else the
 * oldest (least recently confirmed). Expired entries still answer lookups
 * until evicted or past CG_NAMES_GRACE: cameras keep using addresses after
 * the TTL, and the flows they explain are read later (camguardctl blocked).
 * TTLs are clamped to CG_NAMES_TTL_MAX so an answer cannot pin an entry.
 * Times are seconds on one clock of the caller's choosing.
 */
#ifndef CAMGUARD_DNSNAMES_H
#define CAMGUARD_DNSNAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns.h"

#define CG_NAMES_PER_DEVICE  256     /* default entries per device */
#define CG_NAMES_TOTAL       8192    /* default entries in all */
#define CG_NAMES_TTL_MAX     86400   /* seconds an answer is believed at most */
#define CG_NAMES_QUERY_KEEP  3600    /* seconds a query counts as fresh */
#define CG_NAMES_GRACE       86400   /* seconds an expired entry still answers */

enum cg_names_kind {
	CG_NAMES_ANSWER = 0,   /* addr: an address the answer gave for the name */
	CG_NAMES_QUERY,        /* addr: the resolver the query went to */
};

struct cg_names_stats {
	uint64_t answers;        /* address entries added or refreshed */
	uint64_t queries;        /* query entries added or refreshed */
	uint64_t evicted_expired;
	uint64_t evicted_oldest; /* a bound was hit and nothing had expired */
	uint64_t expired;        /* removed by names_expire() */
	uint64_t entries;        /* held now */
	uint64_t devices;        /* devices with an entry now */
};

struct cg_names;

/* 0 for a bound takes the default. NULL on ENOMEM or a per-device bound
 * above the total. */
struct cg_names *names_new(size_t per_device, size_t total);
void names_free(struct cg_names *n);

/* Records one entry (refreshing an equal one). 0, -EINVAL for an empty
 * name or a family other than 4/6, -ENOMEM never after names_new(). */
int names_add(struct cg_names *n, const uint8_t mac[6], int kind, const char *name,
	      uint8_t family, const uint8_t *addr, uint32_t ttl, int64_t now);

/* A parsed message seen on device mac's interface: peer is the resolver
 * (the query's destination, the answer's source). A query records
 * CG_NAMES_QUERY; an answer records the query too (its copy may have been
 * rate-limited) and each address for the name asked. Returns the number of
 * entries added or refreshed, or -EINVAL. */
int names_add_msg(struct cg_names *n, const uint8_t mac[6], const struct cg_dns_msg *m,
		  uint8_t peer_family, const uint8_t *peer, int64_t now);

/* The name device mac learned addr for, among entries first seen at or
 * before `when` (0: any time): the one confirmed most recently by then.
 * NULL when none. The string lives until the store changes. */
const char *names_lookup_addr(const struct cg_names *n, const uint8_t mac[6], uint8_t family,
			      const uint8_t *addr, int64_t when);
/* The name device mac last asked resolver for, by `when` (0: any time). */
const char *names_lookup_query(const struct cg_names *n, const uint8_t mac[6], uint8_t family,
			       const uint8_t *resolver, int64_t when);

/* Every name device mac asked resolver for while a flow to it lasted:
 * query entries whose [first, last] meets [from, to] (either 0: open),
 * most recently asked first, distinct. Up to max (at most 64) in ret[] (valid
 * until the store changes); returns how many names there are in all, so a
 * caller shows "and N more". A blocked query is re-sent by the camera, so
 * the same resolver usually holds several names. */
size_t names_asked(const struct cg_names *n, const uint8_t mac[6], uint8_t family,
		   const uint8_t *resolver, int64_t from, int64_t to, const char **ret, size_t max);

/* Removes entries expired for longer than CG_NAMES_GRACE. */
void names_expire(struct cg_names *n, int64_t now);
void names_stats(const struct cg_names *n, struct cg_names_stats *ret);

#endif
