// SPDX-License-Identifier: GPL-2.0-only
/*
 * evidence-map.c — the denied-flow table (evidence.h) and the data plane:
 * the map instance, cg_flows and every device's overflow read into the
 * table (evidence_sync), the per-device and per-policy counters, and the
 * invariant the tests hold the data plane to (evidence_check_dataplane).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "array.h"
#include "dataplane.h"
#include "evidence-int.h"

/* ---- reading the data plane --------------------------------------------- */

static int ncpus(void)
{
	int n = libbpf_num_possible_cpus();
	return n > 0 ? n : 1;
}

uint64_t ev_mono_ns(void)
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
	rc = evidence_merge_rows(ev, keys, vals, n, ev_mono_ns(), time(NULL));
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
		rc = ev_over_apply(ev, l.u, l.n, true);
	free(l.u);
	return rc;
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
		rc = evidence_merge_rows(c.ev, keys, vals, n, ev_mono_ns(), time(NULL));
	free(keys);
	free(vals);
	if (!rc)
		rc = evidence_foreach_device(dp, check_one, &c);
	evidence_free(c.ev);
	if (rc)
		return rc;
	return c.bad ? -EBADMSG : 0;
}

