// SPDX-License-Identifier: GPL-2.0-only
/*
 * dnsnames.c — see dnsnames.h.
 *
 * All memory is taken at names_new(): an entry pool and a device pool of
 * `total` slots each (a device holds at least one entry), each with a
 * chained hash by index. Entries hash by (device, kind, address), so a
 * lookup walks only the names one device learned for one address. Eviction
 * scans the pool: it runs only when a bound is hit, and the data plane
 * rate-limits the copies that feed the store (one per second per device
 * after a burst), so the scan is paid at most that often.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "dnsnames.h"

#define NONE UINT32_MAX

struct entry {
	bool used;
	uint8_t kind;
	uint8_t family;
	uint8_t mac[6];
	uint8_t addr[16];
	int64_t first;         /* first learned */
	int64_t last;          /* last confirmed */
	int64_t expires;
	uint32_t next;         /* hash chain */
	char name[CG_DNS_NAME_MAX];
};

struct device {
	bool used;
	uint8_t mac[6];
	uint32_t count;
	uint32_t next;
};

struct cg_names {
	size_t per_device, total, nbuckets;
	struct entry *e;
	struct device *dev;
	uint32_t *ebucket, *dbucket;
	uint32_t efree, dfree;         /* first unused slot hint */
	struct cg_names_stats st;
};

static size_t dev_hash(const struct cg_names *n, const uint8_t mac[6])
{
	return addr_fnv(ADDR_FNV_BASIS, mac, 6) & (n->nbuckets - 1);
}

static size_t entry_hash(const struct cg_names *n, const uint8_t mac[6], uint8_t kind,
			 uint8_t family, const uint8_t *addr)
{
	uint8_t kf[2] = { kind, family };
	uint32_t h = addr_fnv(addr_fnv(addr_fnv(ADDR_FNV_BASIS, mac, 6), kf, 2), addr,
			      addr_family_len(family));
	return h & (n->nbuckets - 1);
}

struct cg_names *names_new(size_t per_device, size_t total)
{
	per_device = per_device ? per_device : CG_NAMES_PER_DEVICE;
	total = total ? total : CG_NAMES_TOTAL;
	if (per_device > total || total >= NONE)
		return NULL;
	struct cg_names *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->per_device = per_device;
	n->total = total;
	n->nbuckets = 16;
	while (n->nbuckets < total)
		n->nbuckets *= 2;
	n->e = calloc(total, sizeof(*n->e));
	n->dev = calloc(total, sizeof(*n->dev));
	n->ebucket = malloc(n->nbuckets * sizeof(uint32_t));
	n->dbucket = malloc(n->nbuckets * sizeof(uint32_t));
	if (!n->e || !n->dev || !n->ebucket || !n->dbucket) {
		names_free(n);
		return NULL;
	}
	memset(n->ebucket, 0xff, n->nbuckets * sizeof(uint32_t));
	memset(n->dbucket, 0xff, n->nbuckets * sizeof(uint32_t));
	return n;
}

void names_free(struct cg_names *n)
{
	if (!n)
		return;
	free(n->e);
	free(n->dev);
	free(n->ebucket);
	free(n->dbucket);
	free(n);
}

static struct device *dev_find(const struct cg_names *n, const uint8_t mac[6])
{
	for (uint32_t i = n->dbucket[dev_hash(n, mac)]; i != NONE; i = n->dev[i].next)
		if (!memcmp(n->dev[i].mac, mac, 6))
			return &n->dev[i];
	return NULL;
}

/* A free slot of a pool with `total` slots; hint speeds the common case. */
#define FIND_FREE(pool, total, hint) ({                                  \
	uint32_t _r = NONE;                                              \
	for (size_t _k = 0; _k < (total) && _r == NONE; _k++) {          \
		uint32_t _i = (uint32_t)(((hint) + _k) % (total));       \
		if (!(pool)[_i].used)                                    \
			_r = _i;                                         \
	}                                                                \
	_r; })

static struct device *dev_get(struct cg_names *n, const uint8_t mac[6])
{
	struct device *d = dev_find(n, mac);
	if (d)
		return d;
	/* A device holds an entry, so with `total` slots one is free. */
	uint32_t i = FIND_FREE(n->dev, n->total, n->dfree);
	if (i == NONE)
		return NULL;
	size_t b = dev_hash(n, mac);
	d = &n->dev[i];
	memset(d, 0, sizeof(*d));
	d->used = true;
	memcpy(d->mac, mac, 6);
	d->next = n->dbucket[b];
	n->dbucket[b] = i;
	n->dfree = i + 1;
	n->st.devices++;
	return d;
}

static void dev_put(struct cg_names *n, struct device *d)
{
	if (--d->count)
		return;
	uint32_t idx = (uint32_t)(d - n->dev);
	for (uint32_t *p = &n->dbucket[dev_hash(n, d->mac)]; *p != NONE; p = &n->dev[*p].next)
		if (*p == idx) {
			*p = d->next;
			break;
		}
	d->used = false;
	n->st.devices--;
}

static void entry_remove(struct cg_names *n, uint32_t idx)
{
	struct entry *e = &n->e[idx];
	for (uint32_t *p = &n->ebucket[entry_hash(n, e->mac, e->kind, e->family, e->addr)];
	     *p != NONE; p = &n->e[*p].next)
		if (*p == idx) {
			*p = e->next;
			break;
		}
	struct device *d = dev_find(n, e->mac);
	if (d)
		dev_put(n, d);
	e->used = false;
	n->efree = idx;
	n->st.entries--;
}

/* The entry to give up: of one device (mac) or of all (NULL). An expired
 * one first, the earliest to expire; else the least recently confirmed. */
static void evict(struct cg_names *n, const uint8_t *mac, int64_t now)
{
	uint32_t best = NONE;
	bool best_expired = false;

	for (uint32_t i = 0; i < n->total; i++) {
		const struct entry *e = &n->e[i];
		if (!e->used || (mac && memcmp(e->mac, mac, 6)))
			continue;
		bool expired = e->expires <= now;
		if (best == NONE || (expired && !best_expired) ||
		    (expired == best_expired &&
		     (expired ? e->expires < n->e[best].expires : e->last < n->e[best].last))) {
			best = i;
			best_expired = expired;
		}
	}
	if (best == NONE)
		return;
	if (best_expired)
		n->st.evicted_expired++;
	else
		n->st.evicted_oldest++;
	entry_remove(n, best);
}

int names_add(struct cg_names *n, const uint8_t mac[6], int kind, const char *name,
	      uint8_t family, const uint8_t *addr, uint32_t ttl, int64_t now)
{
	uint8_t a[16] = { 0 };

	if (!n || !mac || !name || !name[0] || strlen(name) >= CG_DNS_NAME_MAX ||
	    (family != 4 && family != 6) || !addr || (kind != CG_NAMES_ANSWER && kind != CG_NAMES_QUERY))
		return -EINVAL;
	memcpy(a, addr, addr_family_len(family));
	if (kind == CG_NAMES_QUERY)
		ttl = CG_NAMES_QUERY_KEEP;
	else if (ttl > CG_NAMES_TTL_MAX)
		ttl = CG_NAMES_TTL_MAX;
	if (kind == CG_NAMES_QUERY)
		n->st.queries++;
	else
		n->st.answers++;

	size_t b = entry_hash(n, mac, (uint8_t)kind, family, a);
	for (uint32_t i = n->ebucket[b]; i != NONE; i = n->e[i].next) {
		struct entry *e = &n->e[i];
		if (e->kind == kind && e->family == family && !memcmp(e->mac, mac, 6) &&
		    !memcmp(e->addr, a, 16) && !strcmp(e->name, name)) {
			if (now > e->last)
				e->last = now;
			if (now + (int64_t)ttl > e->expires)
				e->expires = now + (int64_t)ttl;
			return 0;
		}
	}

	struct device *d = dev_find(n, mac);
	if (d && d->count >= n->per_device)
		evict(n, mac, now);
	if (n->st.entries >= n->total)
		evict(n, NULL, now);
	d = dev_get(n, mac);
	uint32_t i = FIND_FREE(n->e, n->total, n->efree);
	if (!d || i == NONE)
		return -ENOMEM;     /* not reached: eviction made room */
	struct entry *e = &n->e[i];
	memset(e, 0, offsetof(struct entry, name));
	e->used = true;
	e->kind = (uint8_t)kind;
	e->family = family;
	memcpy(e->mac, mac, 6);
	memcpy(e->addr, a, 16);
	e->first = e->last = now;
	e->expires = now + (int64_t)ttl;
	snprintf(e->name, sizeof(e->name), "%s", name);
	/* The hash chain may have lost an entry to the eviction: link now. */
	e->next = n->ebucket[b];
	n->ebucket[b] = i;
	n->efree = i + 1;
	d->count++;
	n->st.entries++;
	return 0;
}

struct msg_ctx {
	struct cg_names *n;
	const uint8_t *mac;
	int64_t now;
	int added;
};

static void on_addr(void *ctx, const char *qname, uint8_t family, const uint8_t *addr, uint32_t ttl)
{
	struct msg_ctx *c = ctx;
	if (names_add(c->n, c->mac, CG_NAMES_ANSWER, qname, family, addr, ttl, c->now) == 0)
		c->added++;
}

int names_add_msg(struct cg_names *n, const uint8_t mac[6], const struct cg_dns_msg *m,
		  uint8_t peer_family, const uint8_t *peer, int64_t now)
{
	struct msg_ctx c = { .n = n, .mac = mac, .now = now };

	if (!n || !m || !m->qname[0])
		return -EINVAL;
	if (peer && names_add(n, mac, CG_NAMES_QUERY, m->qname, peer_family, peer, 0, now) == 0)
		c.added++;
	if (m->response)
		dns_answer_addrs(m, on_addr, &c);
	return c.added;
}

static const char *lookup(const struct cg_names *n, const uint8_t mac[6], int kind,
			  uint8_t family, const uint8_t *addr, int64_t when)
{
	uint8_t a[16] = { 0 };
	const struct entry *best = NULL;
	int64_t best_t = 0;

	if (!n || !mac || !addr || (family != 4 && family != 6))
		return NULL;
	memcpy(a, addr, addr_family_len(family));
	for (uint32_t i = n->ebucket[entry_hash(n, mac, (uint8_t)kind, family, a)]; i != NONE;
	     i = n->e[i].next) {
		const struct entry *e = &n->e[i];
		if (e->kind != kind || e->family != family || memcmp(e->mac, mac, 6) ||
		    memcmp(e->addr, a, 16) || (when && e->first > when))
			continue;
		/* Confirmed most recently as of `when`. */
		int64_t t = when && e->last > when ? when : e->last;
		if (!best || t > best_t || (t == best_t && e->first > best->first)) {
			best = e;
			best_t = t;
		}
	}
	return best ? best->name : NULL;
}

const char *names_lookup_addr(const struct cg_names *n, const uint8_t mac[6], uint8_t family,
			      const uint8_t *addr, int64_t when)
{
	return lookup(n, mac, CG_NAMES_ANSWER, family, addr, when);
}

const char *names_lookup_query(const struct cg_names *n, const uint8_t mac[6], uint8_t family,
			       const uint8_t *resolver, int64_t when)
{
	return lookup(n, mac, CG_NAMES_QUERY, family, resolver, when);
}

#define ASKED_KEEP 64   /* names sorted for names_asked(); the rest only counted */

size_t names_asked(const struct cg_names *n, const uint8_t mac[6], uint8_t family,
		   const uint8_t *resolver, int64_t from, int64_t to, const char **ret, size_t max)
{
	uint8_t a[16] = { 0 };
	const struct entry *hit[ASKED_KEEP];
	size_t nhit = 0, total = 0;

	if (!n || !mac || !resolver || (family != 4 && family != 6))
		return 0;
	memcpy(a, resolver, addr_family_len(family));
	for (uint32_t i = n->ebucket[entry_hash(n, mac, CG_NAMES_QUERY, family, a)]; i != NONE;
	     i = n->e[i].next) {
		const struct entry *e = &n->e[i];
		if (e->kind != CG_NAMES_QUERY || e->family != family || memcmp(e->mac, mac, 6) ||
		    memcmp(e->addr, a, 16) || (to && e->first > to) || (from && e->last < from))
			continue;
		/* One entry per (device, resolver, name): names are distinct.
		 * The newest ASKED_KEEP are kept sorted by last, newest first. */
		total++;
		size_t k;
		if (nhit < ASKED_KEEP)
			k = nhit++;
		else if (e->last > hit[ASKED_KEEP - 1]->last)
			k = ASKED_KEEP - 1;
		else
			continue;
		for (; k > 0 && (hit[k - 1]->last < e->last ||
				 (hit[k - 1]->last == e->last && strcmp(hit[k - 1]->name, e->name) > 0)); k--)
			hit[k] = hit[k - 1];
		hit[k] = e;
	}
	for (size_t i = 0; i < nhit && i < max; i++)
		ret[i] = hit[i]->name;
	return total;
}

void names_expire(struct cg_names *n, int64_t now)
{
	for (uint32_t i = 0; n && i < n->total; i++)
		if (n->e[i].used && n->e[i].expires + CG_NAMES_GRACE < now) {
			entry_remove(n, i);
			n->st.expired++;
		}
}

void names_stats(const struct cg_names *n, struct cg_names_stats *ret)
{
	*ret = n->st;
}
