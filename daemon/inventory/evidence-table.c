// SPDX-License-Identifier: GPL-2.0-only
/*
 * evidence-table.c — the daemon's table of denied flows. See evidence.h.
 *
 * The table is an array sorted by key (struct cg_flow_key, compared as
 * bytes): a sync looks every map row up by binary search and appends the new
 * ones, then sorts once. Overflow entries are a second array sorted by MAC.
 * Neither is touched by packets, only by the periodic sync, so a simple
 * structure beats a hash table here. The nftables layer's rows
 * (evidence_add_nft) wait in a short unsorted tail.
 *
 * This file: the table, merging, the bound, the nftables rows and the
 * queries; evidence-map.c reads the data plane, evidence-file.c keeps
 * evidence.bin.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "evidence-int.h"

int evidence_new(size_t limit, struct cg_evidence **ret)
{
	struct cg_evidence *ev = calloc(1, sizeof(*ev));

	if (!ev)
		return -ENOMEM;
	ev->limit = limit ? limit : 4 * (size_t)CG_FLOWS_DEFAULT;
	*ret = ev;
	return 0;
}

void evidence_free(struct cg_evidence *ev)
{
	if (!ev)
		return;
	free(ev->rows);
	free(ev->over);
	free(ev);
}

int ev_key_cmp(const void *a, const void *b)
{
	return memcmp(&((const struct cg_evidence_row *)a)->key,
		      &((const struct cg_evidence_row *)b)->key, sizeof(struct cg_flow_key));
}

int ev_over_cmp(const void *a, const void *b)
{
	return memcmp(((const struct cg_evidence_over *)a)->mac,
		      ((const struct cg_evidence_over *)b)->mac, 6);
}

void ev_sort_rows(struct cg_evidence *ev)
{
	if (ev->sorted != ev->n)
		qsort(ev->rows, ev->n, sizeof(*ev->rows), ev_key_cmp);
	ev->sorted = ev->n;
}

static struct cg_evidence_row *find_row(const struct cg_evidence *ev, const struct cg_flow_key *k)
{
	struct cg_evidence_row probe = { .key = *k };
	if (!ev->sorted)  /* rows is NULL then: bsearch must not see it */
		return NULL;
	return bsearch(&probe, ev->rows, ev->sorted, sizeof(*ev->rows), ev_key_cmp);
}

static struct cg_evidence_over *find_over(const struct cg_evidence *ev, const uint8_t mac[6])
{
	struct cg_evidence_over probe = {};
	memcpy(probe.mac, mac, 6);
	return !ev->nover ? NULL : bsearch(&probe, ev->over, ev->nover, sizeof(*ev->over), ev_over_cmp);
}

/* Many overflow updates at once (a sync under a MAC flood has one per
 * device, a bound may fold rows of as many): sorted once and merged with the
 * sorted table in one pass, where one insertion at a time would be quadratic
 * (struct over_upd in evidence-int.h). */
static int upd_cmp(const void *a, const void *b)
{
	return memcmp(((const struct over_upd *)a)->mac, ((const struct over_upd *)b)->mac, 6);
}

static void over_apply_one(struct cg_evidence *ev, struct cg_evidence_over *o,
			   const struct over_upd *u, bool from_map)
{
	for (int w = 0; w < 2; w++) {
		if (!from_map) {
			o->packets[w] += u->add[w];
			o->nft[w] += u->nft[w];
		} else if (u->add[w] != o->map[w]) {
			/* Less than before: the device's LRU entry was evicted
			 * and made anew, counting from zero. */
			o->packets[w] += u->add[w] >= o->map[w] ? u->add[w] - o->map[w] : u->add[w];
			o->map[w] = u->add[w];
		} else {
			continue;
		}
		ev->dirty = true;
	}
}

int ev_over_apply(struct cg_evidence *ev, struct over_upd *u, size_t n, bool from_map)
{
	if (!n)
		return 0;
	qsort(u, n, sizeof(*u), upd_cmp);
	struct cg_evidence_over *out = calloc(ev->nover + n, sizeof(*out));
	size_t i = 0, j = 0, k = 0;

	if (!out)
		return -ENOMEM;
	while (i < ev->nover || j < n) {
		int c = i == ev->nover ? 1 : j == n ? -1 : memcmp(ev->over[i].mac, u[j].mac, 6);
		if (c < 0) {
			out[k++] = ev->over[i++];
			continue;
		}
		if (c > 0) {
			if (!u[j].add[0] && !u[j].add[1]) {
				j++;        /* nothing to keep for a device without overflow */
				continue;
			}
			memset(&out[k], 0, sizeof(out[k]));
			memcpy(out[k].mac, u[j].mac, 6);
			k++;
		} else {
			out[k++] = ev->over[i++];
		}
		/* out[k - 1] is this MAC's entry; equal MACs in u (a walk that
		 * started over) apply to it in turn. */
		over_apply_one(ev, &out[k - 1], &u[j++], from_map);
		while (j < n && !memcmp(u[j].mac, out[k - 1].mac, 6))
			over_apply_one(ev, &out[k - 1], &u[j++], from_map);
	}
	free(ev->over);
	ev->over = out;
	ev->nover = k;
	ev->capover = ev->nover + n > 0 ? ev->nover + n : 1;
	return 0;
}

void evidence_set_instance(struct cg_evidence *ev, const char *instance)
{
	if (!strncmp(ev->instance, instance, sizeof(ev->instance) - 1))
		return;
	/* Another map instance: what the old one counted is history now. */
	for (size_t i = 0; i < ev->n; i++)
		ev->rows[i].map_packets = ev->rows[i].map_bytes = 0;
	for (size_t i = 0; i < ev->nover; i++)
		ev->over[i].map[0] = ev->over[i].map[1] = 0;
	snprintf(ev->instance, sizeof(ev->instance), "%s", instance);
	ev->dirty = true;
}

const char *evidence_instance(const struct cg_evidence *ev)
{
	return ev->instance;
}

/* Least recently seen first; rows of the current instance are not
 * candidates (the next sync would count them again). */
static int age_cmp(const void *a, const void *b)
{
	const struct cg_evidence_row *x = a, *y = b;
	if (!!x->map_packets != !!y->map_packets)
		return x->map_packets ? 1 : -1;
	return x->last < y->last ? -1 : x->last > y->last;
}

/* Over the limit: folds the oldest rows of earlier instances into their
 * device's overflow, which keeps rows + overflow exact. */
static int enforce_limit(struct cg_evidence *ev)
{
	if (ev->n <= ev->limit)
		return 0;
	size_t drop = ev->n - ev->limit, i;
	struct over_upd *u = calloc(drop, sizeof(*u));
	if (!u)
		return -ENOMEM;
	qsort(ev->rows, ev->n, sizeof(*ev->rows), age_cmp);
	for (i = 0; i < drop && !ev->rows[i].map_packets; i++) {
		memcpy(u[i].mac, ev->rows[i].key.mac, 6);
		u[i].add[ev->rows[i].key.would & 1] = ev->rows[i].packets;
		u[i].nft[ev->rows[i].key.would & 1] = ev->rows[i].nft_packets;
	}
	int rc = ev_over_apply(ev, u, i, false);
	free(u);
	if (rc) {
		ev->sorted = 0;
		ev_sort_rows(ev);
		return rc;
	}
	memmove(ev->rows, ev->rows + i, (ev->n - i) * sizeof(*ev->rows));
	ev->n -= i;
	ev->sorted = 0;
	ev_sort_rows(ev);
	return 0;
}

int evidence_merge_rows(struct cg_evidence *ev, const struct cg_flow_key *keys,
			const struct cg_flow *vals, size_t n, uint64_t mono_ns, time_t now)
{
	ev_sort_rows(ev);
	for (size_t i = 0; i < n; i++) {
		const struct cg_flow *v = &vals[i];
		int64_t first = now - (int64_t)((mono_ns > v->first_ns ? mono_ns - v->first_ns : 0) / 1000000000ull);
		int64_t last = now - (int64_t)((mono_ns > v->last_ns ? mono_ns - v->last_ns : 0) / 1000000000ull);
		struct cg_evidence_row *r = find_row(ev, &keys[i]);

		if (!r) {
			if (!CG_GROW(ev->rows, ev->cap, ev->n + 1))
				return -ENOMEM;
			r = &ev->rows[ev->n++];
			memset(r, 0, sizeof(*r));
			r->key = keys[i];
			r->first = first;
		}
		if (v->packets == r->map_packets && v->bytes == r->map_bytes)
			continue;
		if (v->packets >= r->map_packets && v->bytes >= r->map_bytes) {
			r->packets += v->packets - r->map_packets;
			r->bytes += v->bytes - r->map_bytes;
		} else {
			/* The row was made anew in the same map (it cannot be,
			 * rows are never deleted; but a count never goes back). */
			r->packets += v->packets;
			r->bytes += v->bytes;
		}
		r->map_packets = v->packets;
		r->map_bytes = v->bytes;
		if (first < r->first || !r->first)
			r->first = first;
		if (last > r->last)
			r->last = last;
		r->policy = v->policy;
		ev->dirty = true;
	}
	ev_sort_rows(ev);
	return enforce_limit(ev);
}

int evidence_merge_over(struct cg_evidence *ev, const uint8_t mac[6], const uint64_t over[2])
{
	struct over_upd u = { .add = { over[0], over[1] } };

	memcpy(u.mac, mac, 6);
	return ev_over_apply(ev, &u, 1, true);
}

/* ---- the nftables layer's drops (NFLOG) ----------------------------------- */

/* New rows wait unsorted at the end, at most this many, so that a packet
 * costs a binary search plus a short scan, and a flood of new flows one
 * sort per EV_TAIL_MAX of them. */
#define EV_TAIL_MAX 64

int evidence_add_nft(struct cg_evidence *ev, const struct cg_flow_key *key, uint64_t bytes,
		     uint16_t policy, time_t now)
{
	struct cg_evidence_row *r = find_row(ev, key);

	for (size_t i = ev->sorted; !r && i < ev->n; i++)
		if (!memcmp(&ev->rows[i].key, key, sizeof(*key)))
			r = &ev->rows[i];
	if (!r) {
		if (!CG_GROW(ev->rows, ev->cap, ev->n + 1))
			return -ENOMEM;
		r = &ev->rows[ev->n++];
		memset(r, 0, sizeof(*r));
		r->key = *key;
		r->first = now;
	}
	r->packets++;
	r->bytes += bytes;
	r->nft_packets++;
	r->nft_bytes += bytes;
	if (now > r->last)
		r->last = now;
	r->policy = policy;
	ev->nft_run.rows++;
	ev->dirty = true;
	if (ev->n - ev->sorted < EV_TAIL_MAX)
		return 0;
	ev_sort_rows(ev);
	return enforce_limit(ev);
}

struct cg_evidence_nft *evidence_nft_run(struct cg_evidence *ev)
{
	return &ev->nft_run;
}

void evidence_set_nft_drops(struct cg_evidence *ev, uint64_t drops)
{
	if (drops != ev->nft_run.drops)
		ev->dirty = true;
	ev->nft_run.drops = drops;
}

void evidence_nft_totals(const struct cg_evidence *ev, struct cg_evidence_nft *ret)
{
	const struct cg_evidence_nft *b = &ev->nft_base, *r = &ev->nft_run;

	ret->drops = b->drops + r->drops;
	ret->logged = b->logged + r->logged;
	ret->rows = b->rows + r->rows;
	ret->no_device = b->no_device + r->no_device;
	ret->malformed = b->malformed + r->malformed;
	ret->enobufs = b->enobufs + r->enobufs;
	ret->seq_lost = b->seq_lost + r->seq_lost;
	/* Of this run: a message still queued in the kernel (up to 0.1 s)
	 * reads as unlogged until it arrives; one logged after the counters
	 * were read as more than counted, hence the floor. */
	ret->unlogged = b->unlogged + (r->drops > r->logged ? r->drops - r->logged : 0);
}


/* ---- queries -------------------------------------------------------------- */

static bool row_matches(const struct cg_evidence_row *r, const struct cg_evidence_filter *f)
{
	if (!f)
		return true;
	if (f->mac && memcmp(r->key.mac, f->mac, 6))
		return false;
	if (f->policy >= 0 && r->policy != f->policy)
		return false;
	if (f->since && r->last < f->since)
		return false;
	if (f->would >= 0 && r->key.would != f->would)
		return false;
	return true;
}

static int by_packets(const void *a, const void *b)
{
	const struct cg_evidence_row *x = a, *y = b;
	if (x->packets != y->packets)
		return x->packets > y->packets ? -1 : 1;
	if (x->last != y->last)
		return x->last > y->last ? -1 : 1;
	return ev_key_cmp(a, b);
}

int evidence_query(const struct cg_evidence *ev, const struct cg_evidence_filter *f,
		   struct cg_evidence_row **ret, size_t *ret_n)
{
	size_t n = 0;

	*ret = NULL;
	*ret_n = 0;
	for (size_t i = 0; i < ev->n; i++)
		n += row_matches(&ev->rows[i], f);
	if (!n)
		return 0;
	struct cg_evidence_row *out = malloc(n * sizeof(*out));
	if (!out)
		return -ENOMEM;
	n = 0;
	for (size_t i = 0; i < ev->n; i++)
		if (row_matches(&ev->rows[i], f))
			out[n++] = ev->rows[i];
	qsort(out, n, sizeof(*out), by_packets);
	*ret = out;
	*ret_n = n;
	return 0;
}

size_t evidence_rows(const struct cg_evidence *ev)
{
	return ev->n;
}

const struct cg_evidence_over *evidence_overflows(const struct cg_evidence *ev, size_t *ret_n)
{
	*ret_n = ev->nover;
	return ev->over;
}

uint64_t evidence_overflow(const struct cg_evidence *ev, const uint8_t mac[6], int would)
{
	const struct cg_evidence_over *o = find_over(ev, mac);
	return o ? o->packets[would & 1] : 0;
}

void evidence_device_totals(const struct cg_evidence *ev, const uint8_t mac[6],
			    uint64_t ret_packets[2])
{
	ret_packets[0] = evidence_overflow(ev, mac, 0);
	ret_packets[1] = evidence_overflow(ev, mac, 1);
	/* Rows are sorted by key and the MAC leads the key: a device's rows
	 * are one run, found by binary search for its first one. */
	size_t lo = 0, hi = ev->sorted;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (memcmp(ev->rows[mid].key.mac, mac, 6) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < ev->sorted && !memcmp(ev->rows[i].key.mac, mac, 6); i++)
		ret_packets[ev->rows[i].key.would & 1] += ev->rows[i].packets;
}

