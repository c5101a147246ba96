// SPDX-License-Identifier: GPL-2.0-only
/*
 * evidence.c — the daemon's table of denied flows. See evidence.h.
 *
 * The table is an array sorted by key (struct cg_flow_key, compared as
 * bytes): a sync looks every map row up by binary search and appends the new
 * ones, then sorts once. Overflow entries are a second array sorted by MAC.
 * Neither is touched by packets, only by the periodic sync, so a simple
 * structure beats a hash table here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "array.h"
#include "evidence.h"
#include "dataplane.h"

#define EV_MAGIC   "CGEVID1\n"
#define EV_VERSION 1
#define EV_INSTANCE_MAX 80
#define EV_FILE_MAX     (64u << 20)   /* rows or overflow entries a file may claim */

struct cg_evidence {
	struct cg_evidence_row *rows;
	size_t n, cap, limit;
	size_t sorted;                   /* rows[0..sorted) are in key order */
	struct cg_evidence_over *over;
	size_t nover, capover;
	char instance[EV_INSTANCE_MAX];
	bool dirty;
	uint64_t next_ns;                /* evidence_persist: not before (CLOCK_MONOTONIC) */
};

/* The file: this header, the rows, the overflow entries. Fixed-width
 * structs written as they are: the file is read back by the same build on
 * the same host (the version and sizes guard anything else). */
struct ev_file_header {
	char magic[8];
	uint32_t version;
	uint32_t row_size;
	uint32_t over_size;
	uint32_t pad;
	uint64_t nrows;
	uint64_t nover;
	char instance[EV_INSTANCE_MAX];
};

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

static int key_cmp(const void *a, const void *b)
{
	return memcmp(&((const struct cg_evidence_row *)a)->key,
		      &((const struct cg_evidence_row *)b)->key, sizeof(struct cg_flow_key));
}

static int over_cmp(const void *a, const void *b)
{
	return memcmp(((const struct cg_evidence_over *)a)->mac,
		      ((const struct cg_evidence_over *)b)->mac, 6);
}

static void sort_rows(struct cg_evidence *ev)
{
	if (ev->sorted != ev->n)
		qsort(ev->rows, ev->n, sizeof(*ev->rows), key_cmp);
	ev->sorted = ev->n;
}

static struct cg_evidence_row *find_row(const struct cg_evidence *ev, const struct cg_flow_key *k)
{
	struct cg_evidence_row probe = { .key = *k };
	if (!ev->sorted)  /* rows is NULL then: bsearch must not see it */
		return NULL;
	return bsearch(&probe, ev->rows, ev->sorted, sizeof(*ev->rows), key_cmp);
}

static struct cg_evidence_over *find_over(const struct cg_evidence *ev, const uint8_t mac[6])
{
	struct cg_evidence_over probe = {};
	memcpy(probe.mac, mac, 6);
	return !ev->nover ? NULL : bsearch(&probe, ev->over, ev->nover, sizeof(*ev->over), over_cmp);
}

/* Many overflow updates at once (a sync under a MAC flood has one per
 * device, a bound may fold rows of as many): sorted once and merged with the
 * sorted table in one pass, where one insertion at a time would be quadratic.
 * `from_map`: add[] is the device's current flow_over (a delta is counted
 * against map[]); else add[] is added to the total (folded rows). */
struct over_upd {
	uint8_t mac[6];
	uint16_t pad;
	uint64_t add[2];
};

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

static int over_apply(struct cg_evidence *ev, struct over_upd *u, size_t n, bool from_map)
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
	}
	int rc = over_apply(ev, u, i, false);
	free(u);
	if (rc) {
		ev->sorted = 0;
		sort_rows(ev);
		return rc;
	}
	memmove(ev->rows, ev->rows + i, (ev->n - i) * sizeof(*ev->rows));
	ev->n -= i;
	ev->sorted = 0;
	sort_rows(ev);
	return 0;
}

int evidence_merge_rows(struct cg_evidence *ev, const struct cg_flow_key *keys,
			const struct cg_flow *vals, size_t n, uint64_t mono_ns, time_t now)
{
	sort_rows(ev);
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
	sort_rows(ev);
	return enforce_limit(ev);
}

int evidence_merge_over(struct cg_evidence *ev, const uint8_t mac[6], const uint64_t over[2])
{
	struct over_upd u = { .add = { over[0], over[1] } };

	memcpy(u.mac, mac, 6);
	return over_apply(ev, &u, 1, true);
}

/* ---- reading the data plane --------------------------------------------- */

static int ncpus(void)
{
	int n = libbpf_num_possible_cpus();
	return n > 0 ? n : 1;
}

static uint64_t mono_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* "boot id/map id": map ids are unique within a boot only. */
static int read_instance(int fd, char *buf, size_t len)
{
	struct bpf_map_info info = {};
	uint32_t ilen = sizeof(info);
	char boot[64] = "";

	if (bpf_obj_get_info_by_fd(fd, &info, &ilen) < 0)
		return -errno;
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");
	if (f) {
		if (!fgets(boot, sizeof(boot), f))
			boot[0] = 0;
		fclose(f);
	}
	boot[strcspn(boot, "\n")] = 0;
	snprintf(buf, len, "%s/%u", boot, info.id);
	return 0;
}

/* Every row of cg_flows, in batches (kernel 5.6), else key by key. */
static int read_flows(int fd, struct cg_flow_key **ret_keys, struct cg_flow **ret_vals,
		      size_t *ret_n, size_t *ret_max)
{
	struct bpf_map_info info = {};
	uint32_t ilen = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &ilen) < 0)
		return -errno;
	size_t max = info.max_entries ? info.max_entries : 1;
	struct cg_flow_key *keys = calloc(max, sizeof(*keys));
	struct cg_flow *vals = calloc(max, sizeof(*vals));
	size_t n = 0;
	int rc = 0;

	if (!keys || !vals) {
		rc = -ENOMEM;
		goto fail;
	}
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	struct cg_flow_key out_batch;
	bool batched = true;
	for (bool first = true; n < max; first = false) {
		uint32_t count = (uint32_t)(max - n);
		int r = bpf_map_lookup_batch(fd, first ? NULL : &out_batch, &out_batch, keys + n,
					     vals + n, &count, &opts);
		n += count;
		if (r < 0 && errno == ENOENT)
			break;
		if (r < 0) {
			batched = false;
			break;
		}
	}
	if (!batched) {
		struct cg_flow_key k, next;
		const void *prev = NULL;
		n = 0;
		while (n < max && bpf_map_get_next_key(fd, prev, &next) == 0) {
			k = next;
			prev = &k;
			if (bpf_map_lookup_elem(fd, &k, &vals[n]) == 0)
				keys[n++] = k;
		}
	}
	*ret_keys = keys;
	*ret_vals = vals;
	*ret_n = n;
	if (ret_max)
		*ret_max = max;
	return 0;
fail:
	free(keys);
	free(vals);
	return rc;
}

int evidence_foreach_device(const struct cg_dataplane *dp,
			    int (*cb)(const struct cg_evidence_dev *dev, void *ctx), void *ctx)
{
	int fd = dataplane_map_fd(dp, "cg_dev_stats"), n = ncpus();
	struct cg_dev_stats *per = calloc((size_t)n, sizeof(*per));
	struct cg_mac_key k, next;
	const void *prev = NULL;
	int rc = 0;

	if (fd < 0) {
		free(per);
		return fd;
	}
	if (!per)
		return -ENOMEM;
	/* The map is an LRU: a key evicted under the walk makes get_next_key
	 * start over, so a MAC flood could keep it going; max_entries steps
	 * bound it (the next sync sees what this one missed). */
	struct bpf_map_info info = {};
	uint32_t ilen = sizeof(info), steps = 0;
	if (bpf_obj_get_info_by_fd(fd, &info, &ilen) < 0)
		info.max_entries = UINT32_MAX;
	while (steps++ < info.max_entries && bpf_map_get_next_key(fd, prev, &next) == 0) {
		struct cg_evidence_dev dev = {};
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(fd, &k, per) < 0)
			continue;   /* evicted in between */
		memcpy(dev.mac, k.addr, 6);
		for (int c = 0; c < n; c++) {
			for (int d = 0; d < CG_DIR_MAX; d++) {
				dev.drop[d].packets += per[c].c[d][CG_VERDICT_DROP].packets;
				dev.drop[d].bytes += per[c].c[d][CG_VERDICT_DROP].bytes;
				dev.would[d].packets += per[c].ev.would[d].packets;
				dev.would[d].bytes += per[c].ev.would[d].bytes;
			}
			dev.flow_over[0] += per[c].ev.flow_over[0];
			dev.flow_over[1] += per[c].ev.flow_over[1];
		}
		rc = cb(&dev, ctx);
		if (rc)
			break;
	}
	free(per);
	return rc < 0 ? rc : 0;
}

int evidence_read_policy_would(const struct cg_dataplane *dp,
			       struct cg_counter out[CG_POLSTAT_ENTRIES])
{
	return dataplane_read_polstat_map(dp, "cg_pol_would", out);
}

struct over_list {
	struct over_upd *u;
	size_t n, cap;
};

static int collect_over(const struct cg_evidence_dev *dev, void *ctx)
{
	struct over_list *l = ctx;

	if (!CG_GROW(l->u, l->cap, l->n + 1))
		return -ENOMEM;
	struct over_upd *u = &l->u[l->n++];
	memset(u, 0, sizeof(*u));
	memcpy(u->mac, dev->mac, 6);
	u->add[0] = dev->flow_over[0];
	u->add[1] = dev->flow_over[1];
	return 0;
}

int evidence_sync(struct cg_evidence *ev, const struct cg_dataplane *dp)
{
	int fd = dataplane_map_fd(dp, "cg_flows");
	struct cg_flow_key *keys = NULL;
	struct cg_flow *vals = NULL;
	char instance[EV_INSTANCE_MAX];
	size_t n = 0, max = 0;
	int rc;

	if (fd < 0)
		return fd;
	rc = read_instance(fd, instance, sizeof(instance));
	if (rc)
		return rc;
	evidence_set_instance(ev, instance);
	rc = read_flows(fd, &keys, &vals, &n, &max);
	if (!rc)
		rc = dataplane_flow_ctrs_fold(dp, vals, n);   /* the fast path's counts */
	if (rc) {
		free(keys);
		free(vals);
		return rc;
	}
	rc = evidence_merge_rows(ev, keys, vals, n, mono_now_ns(), time(NULL));
	free(keys);
	free(vals);
	if (rc)
		return rc;
	/* Rows are never deleted, so a table that is not full never was:
	 * no device of this instance has an overflow, and the walk over
	 * every device's per-CPU entry can wait until one can. */
	if (n < max)
		return 0;
	struct over_list l = {};
	rc = evidence_foreach_device(dp, collect_over, &l);
	if (!rc)
		rc = over_apply(ev, l.u, l.n, true);
	free(l.u);
	return rc;
}

/* ---- persistence --------------------------------------------------------- */

bool evidence_dirty(const struct cg_evidence *ev)
{
	return ev->dirty;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int evidence_save(struct cg_evidence *ev, const char *path)
{
	struct ev_file_header h = {
		.version = EV_VERSION,
		.row_size = sizeof(struct cg_evidence_row),
		.over_size = sizeof(struct cg_evidence_over),
		.nrows = ev->n,
		.nover = ev->nover,
	};
	char tmp[4096];
	int rc;

	memcpy(h.magic, EV_MAGIC, sizeof(h.magic));
	memcpy(h.instance, ev->instance, sizeof(h.instance));
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0)
		return -errno;
	rc = write_all(fd, &h, sizeof(h));
	if (!rc)
		rc = write_all(fd, ev->rows, ev->n * sizeof(*ev->rows));
	if (!rc)
		rc = write_all(fd, ev->over, ev->nover * sizeof(*ev->over));
	if (!rc && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path) < 0)
		rc = -errno;
	if (rc)
		unlink(tmp);
	else
		ev->dirty = false;
	return rc;
}

static int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	while (len) {
		ssize_t r = read(fd, p, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EINVAL;   /* short file */
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

int evidence_load(struct cg_evidence *ev, const char *path)
{
	struct ev_file_header h;
	struct cg_evidence_row *rows = NULL;
	struct cg_evidence_over *over = NULL;
	int rc;

	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = read_all(fd, &h, sizeof(h));
	if (!rc && (memcmp(h.magic, EV_MAGIC, sizeof(h.magic)) || h.version != EV_VERSION ||
		    h.row_size != sizeof(*rows) || h.over_size != sizeof(*over) ||
		    h.nrows > (uint64_t)EV_FILE_MAX || h.nover > (uint64_t)EV_FILE_MAX))
		rc = -EINVAL;
	if (!rc) {
		rows = calloc(h.nrows ? h.nrows : 1, sizeof(*rows));
		over = calloc(h.nover ? h.nover : 1, sizeof(*over));
		if (!rows || !over)
			rc = -ENOMEM;
	}
	if (!rc)
		rc = read_all(fd, rows, h.nrows * sizeof(*rows));
	if (!rc)
		rc = read_all(fd, over, h.nover * sizeof(*over));
	close(fd);
	/* Rows and overflow entries must be in order and unique: a sorted
	 * table is what the binary searches rely on. */
	for (uint64_t i = 1; !rc && i < h.nrows; i++)
		if (key_cmp(&rows[i - 1], &rows[i]) >= 0)
			rc = -EINVAL;
	for (uint64_t i = 1; !rc && i < h.nover; i++)
		if (over_cmp(&over[i - 1], &over[i]) >= 0)
			rc = -EINVAL;
	if (rc) {
		free(rows);
		free(over);
		return rc;
	}
	free(ev->rows);
	free(ev->over);
	ev->rows = rows;
	ev->n = ev->sorted = h.nrows;
	ev->cap = h.nrows ? h.nrows : 1;
	ev->over = over;
	ev->nover = h.nover;
	ev->capover = h.nover ? h.nover : 1;
	h.instance[sizeof(h.instance) - 1] = 0;
	snprintf(ev->instance, sizeof(ev->instance), "%s", h.instance);
	ev->dirty = false;
	return 0;
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
	return key_cmp(a, b);
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

/* ---- the invariant --------------------------------------------------------- */

struct check_ctx {
	struct cg_evidence *ev;
	char *why;
	size_t len;
	int bad;
};

static int check_one(const struct cg_evidence_dev *dev, void *ctx)
{
	struct check_ctx *c = ctx;
	uint64_t rows[2], want[2] = { dev->flow_over[0], dev->flow_over[1] };
	uint64_t ctr[2] = {};

	evidence_device_totals(c->ev, dev->mac, rows);
	for (int d = 0; d < CG_DIR_MAX; d++) {
		ctr[0] += dev->drop[d].packets;
		ctr[1] += dev->would[d].packets;
	}
	want[0] += rows[0];
	want[1] += rows[1];
	if (want[0] == ctr[0] && want[1] == ctr[1])
		return 0;
	if (!c->bad && c->why)
		snprintf(c->why, c->len,
			 "device %02x:%02x:%02x:%02x:%02x:%02x: rows + overflow = %llu dropped, "
			 "%llu would-drop; counters say %llu dropped, %llu would-drop",
			 dev->mac[0], dev->mac[1], dev->mac[2], dev->mac[3], dev->mac[4], dev->mac[5],
			 (unsigned long long)want[0], (unsigned long long)want[1],
			 (unsigned long long)ctr[0], (unsigned long long)ctr[1]);
	c->bad++;
	return 0;
}

int evidence_check_dataplane(const struct cg_dataplane *dp, char *why, size_t len)
{
	struct check_ctx c = { .why = why, .len = len };
	int fd = dataplane_map_fd(dp, "cg_flows");
	struct cg_flow_key *keys = NULL;
	struct cg_flow *vals = NULL;
	size_t n = 0;
	int rc;

	if (fd < 0)
		return fd;
	/* A table of this map instance alone: rows as the map holds them,
	 * the overflow compared separately (check_one adds flow_over). */
	rc = evidence_new(SIZE_MAX, &c.ev);
	if (rc)
		return rc;
	rc = read_flows(fd, &keys, &vals, &n, NULL);
	if (!rc)
		rc = dataplane_flow_ctrs_fold(dp, vals, n);   /* the fast path's counts */
	if (!rc)
		rc = evidence_merge_rows(c.ev, keys, vals, n, mono_now_ns(), time(NULL));
	free(keys);
	free(vals);
	if (!rc)
		rc = evidence_foreach_device(dp, check_one, &c);
	evidence_free(c.ev);
	if (rc)
		return rc;
	return c.bad ? -EBADMSG : 0;
}

/* ---- the daemon's calls ---------------------------------------------------- */

static int evidence_path(const char *state_dir, char *buf, size_t len)
{
	return snprintf(buf, len, "%s/evidence.bin", state_dir) >= (int)len ? -ENAMETOOLONG : 0;
}

int evidence_open(const char *state_dir, uint32_t max_flows, struct cg_evidence **ret)
{
	char path[4096];
	struct cg_evidence *ev;
	/* Room for the live map and as much again of earlier instances. */
	int rc = evidence_new(4 * (size_t)(max_flows ? max_flows : CG_FLOWS_DEFAULT), &ev);

	if (rc)
		return rc;
	*ret = ev;
	rc = evidence_path(state_dir, path, sizeof(path));
	if (!rc)
		rc = evidence_load(ev, path);
	return rc == -ENOENT ? 0 : rc;
}

/* A sync walks the whole map (and, once it is full, every device) and a save
 * writes the whole table: at 65,536 rows under a MAC flood that is a good
 * part of a second. Like the inventory's, the work is spaced so that it never
 * takes more than 1/EV_COST_FACTOR of the daemon's time (the event loop must
 * keep answering); `force` (at stop) does it now. */
#define EV_COST_FACTOR 20

int evidence_persist(struct cg_evidence *ev, const struct cg_dataplane *dp, const char *state_dir,
		     bool force)
{
	char path[4096];
	uint64_t t0 = mono_now_ns();
	int rc;

	if (!force && t0 < ev->next_ns)
		return 0;
	rc = evidence_sync(ev, dp);
	if (!rc && evidence_dirty(ev)) {
		rc = evidence_path(state_dir, path, sizeof(path));
		if (!rc)
			rc = evidence_save(ev, path);
	}
	uint64_t t1 = mono_now_ns();
	ev->next_ns = t1 + (t1 - t0) * EV_COST_FACTOR;
	return rc;
}
