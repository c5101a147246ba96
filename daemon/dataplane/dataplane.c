// SPDX-License-Identifier: GPL-2.0-only
/*
 * dataplane.c — load the embedded BPF object, fill policy slots, read counters.
 *
 * Slot protocol (the reason a reload has no window): the kernel programs read
 * cg_active once per packet and use that slot for every lookup. We build the
 * inactive slot completely — fresh inner hash/LPM maps sized to the set, its
 * half of cg_rules, its cg_conf — and only then store the slot number in
 * cg_active. The inner maps of the old set stay referenced by the outer maps
 * until the next reload replaces them, so a packet still running on the old
 * set never sees freed state.
 *
 * With a pin directory, every map except .rodata is pinned there and reused
 * by the next load: counters, device caches and the live policy survive a
 * daemon restart.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dataplane.h"
#include "camguard.skel.h"

#define PIN_MAPS(X) \
	X(cg_active) X(cg_conf) X(cg_rules) X(cg_devs) X(cg_oui) X(cg_peer4) X(cg_peer6) \
	X(cg_lpm4) X(cg_lpm6) X(cg_dev_stats) X(cg_pol_stats) X(cg_misc) X(cg_events) \
	X(cg_cam_ifaces) X(cg_flows) X(cg_flow_ctrs) X(cg_flow_next) X(cg_pol_would) X(cg_addr_seen)

static int ncpus(void)
{
	int n = libbpf_num_possible_cpus();
	return n > 0 ? n : 1;
}

static int set_pin_paths(struct camguard *skel, const char *dir)
{
	char path[4096];

#define SET_PIN(m)                                                               \
	if (snprintf(path, sizeof(path), "%s/%s", dir, #m) >= (int)sizeof(path))  \
		return -ENAMETOOLONG;                                             \
	if (bpf_map__set_pin_path(skel->maps.m, path))                            \
		return -errno;
	PIN_MAPS(SET_PIN)
#undef SET_PIN
	return 0;
}

int dataplane_unpin(const char *dir)
{
	char path[4096];
	int rc = 0;

#define UNPIN(m)                                                   \
	snprintf(path, sizeof(path), "%s/%s", dir, #m);            \
	if (unlink(path) < 0 && errno != ENOENT && !rc)            \
		rc = -errno;
	PIN_MAPS(UNPIN)
#undef UNPIN
	return rc;
}

/* A pinned map keeps the size it was made with: libbpf refuses to reuse a
 * pin of another size, which would stop the daemon from starting after a
 * size was changed in camguard.conf. The new size applies to a new map
 * (after `camguardd --unload`). */
static uint32_t pinned_max_entries(const char *dir, const char *name, uint32_t want)
{
	struct bpf_map_info info = {};
	uint32_t len = sizeof(info);
	char path[4096];

	if (!dir || snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return want;
	int fd = bpf_obj_get(path);
	if (fd < 0)
		return want;
	if (bpf_obj_get_info_by_fd(fd, &info, &len) == 0 && info.max_entries)
		want = info.max_entries;
	close(fd);
	return want;
}

static bool pin_exists(const char *dir, const char *name)
{
	char path[4096];

	if (!dir || snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return false;
	return access(path, F_OK) == 0;
}

/* cg_flow_ctrs or cg_flow_next made anew beside a pinned cg_flows whose
 * rows name slots already: hand out no more slots, or a new row could share
 * one with an old row (new rows then count in themselves; the old rows'
 * devices keep counting into their slots, which stay theirs). */
static int flow_ctrs_close(struct cg_dataplane *dp)
{
	uint32_t zero = 0;
	uint64_t spent = UINT32_MAX;

	if (bpf_map_update_elem(bpf_map__fd(dp->skel->maps.cg_flow_next), &zero, &spent, BPF_ANY))
		return -errno;
	return 0;
}

/* Reads the live slot and generation (a fresh map reads 0/0). */
static int read_generation(struct cg_dataplane *dp)
{
	uint32_t zero = 0, slot = 0;
	struct cg_conf conf;

	if (bpf_map_lookup_elem(bpf_map__fd(dp->skel->maps.cg_active), &zero, &slot))
		return -errno;
	dp->slot = slot & 1;
	if (bpf_map_lookup_elem(bpf_map__fd(dp->skel->maps.cg_conf), &dp->slot, &conf))
		return -errno;
	dp->gen = conf.gen;
	dp->adopted = conf.gen != 0;
	return 0;
}

int dataplane_load(const struct cg_dataplane_opts *opts, struct cg_dataplane **ret)
{
	struct cg_dataplane *dp = calloc(1, sizeof(*dp));
	int rc;

	if (!dp)
		return -ENOMEM;
	dp->skel = camguard__open();
	if (!dp->skel) {
		rc = -errno;
		goto fail;
	}
	if (opts->sample_interval_ns)
		dp->skel->rodata->cg_sample_interval_ns = opts->sample_interval_ns;
	if (opts->sample_burst)
		dp->skel->rodata->cg_sample_burst = opts->sample_burst;
	if (opts->max_devices) {
		rc = bpf_map__set_max_entries(dp->skel->maps.cg_dev_stats, opts->max_devices);
		if (rc)
			goto fail;
	}
	if (opts->max_flows) {
		rc = bpf_map__set_max_entries(dp->skel->maps.cg_flows,
					      pinned_max_entries(opts->pin_dir, "cg_flows",
								 opts->max_flows));
		if (rc)
			goto fail;
	}
	/* A per-CPU slot for each of the first CG_FLOW_CTRS_MAX rows (slot 0
	 * unused): the rest count in themselves, as every row did before. */
	bool orphan_rows = pin_exists(opts->pin_dir, "cg_flows") &&
			   !(pin_exists(opts->pin_dir, "cg_flow_ctrs") &&
			     pin_exists(opts->pin_dir, "cg_flow_next"));
	uint32_t slots = bpf_map__max_entries(dp->skel->maps.cg_flows);
	slots = slots < CG_FLOW_CTRS_MAX ? slots : CG_FLOW_CTRS_MAX;
	rc = bpf_map__set_max_entries(dp->skel->maps.cg_flow_ctrs,
				      pinned_max_entries(opts->pin_dir, "cg_flow_ctrs", slots + 1));
	if (rc)
		goto fail;
	if (opts->pin_dir) {
		rc = set_pin_paths(dp->skel, opts->pin_dir);
		if (rc)
			goto fail;
	}
	/* Each program is verified on its own (a third of the load time
	 * each): XDP only when an interface uses it. Interfaces are fixed at
	 * start, so it is never needed later; its fd stays -1. */
	if (opts->skip_xdp) {
		rc = bpf_program__set_autoload(dp->skel->progs.cg_xdp, false);
		if (rc)
			goto fail;
	} else {
		/* 1: supported; 0 or -errno (older kernels): the XDP mode
		 * does not copy discovery frames (the verifier drops the
		 * call as dead code). */
		dp->skel->rodata->cg_have_xdp_load_bytes =
			libbpf_probe_bpf_helper(BPF_PROG_TYPE_XDP, BPF_FUNC_xdp_load_bytes, NULL) == 1;
	}
	rc = camguard__load(dp->skel);
	if (rc)
		goto fail;
	if (orphan_rows && (rc = flow_ctrs_close(dp)))
		goto fail;
	rc = read_generation(dp);
	if (rc)
		goto fail;
	*ret = dp;
	return 0;
fail:
	dataplane_free(dp);
	return rc < 0 ? rc : -EINVAL;
}

void dataplane_free(struct cg_dataplane *dp)
{
	if (!dp)
		return;
	camguard__destroy(dp->skel);
	free(dp);
}

/* A fresh inner map holding n entries. Hash maps are filled in one batch;
 * LPM tries have no batch operations, so they take one call per prefix. */
static int inner_create(enum bpf_map_type type, const char *name, size_t key_size,
			size_t value_size, const void *keys, const void *values, size_t n)
{
	LIBBPF_OPTS(bpf_map_create_opts, copts);
	LIBBPF_OPTS(bpf_map_batch_opts, bopts);
	uint32_t max = n ? (uint32_t)n : 1;
	int fd, rc = 0;

	if (type == BPF_MAP_TYPE_LPM_TRIE)
		copts.map_flags = BPF_F_NO_PREALLOC;
	fd = bpf_map_create(type, name, key_size, value_size, max, &copts);
	if (fd < 0)
		return -errno;

	if (type == BPF_MAP_TYPE_HASH && n) {
		uint32_t count = (uint32_t)n;
		if (bpf_map_update_batch(fd, keys, values, &count, &bopts) < 0)
			rc = -errno;
	} else {
		for (size_t i = 0; i < n && !rc; i++)
			if (bpf_map_update_elem(fd, (const char *)keys + i * key_size,
						(const char *)values + i * value_size, BPF_ANY) < 0)
				rc = -errno;
	}
	if (rc) {
		close(fd);
		return rc;
	}
	return fd;
}

int dataplane_inner_prepare(const struct cg_compiled *c, struct cg_inner_maps *ret)
{
	const struct {
		enum bpf_map_type type;
		const char *name;
	} kinds[CG_INNER_MAPS] = {
		{ BPF_MAP_TYPE_HASH, "cg_devs_i" }, { BPF_MAP_TYPE_LPM_TRIE, "cg_oui_i" },
		{ BPF_MAP_TYPE_HASH, "cg_peer4_i" }, { BPF_MAP_TYPE_HASH, "cg_peer6_i" },
		{ BPF_MAP_TYPE_LPM_TRIE, "cg_lpm4_i" }, { BPF_MAP_TYPE_LPM_TRIE, "cg_lpm6_i" },
	};
	int rc = 0;

#define INNER_OF(i, tab) \
	inner_create(kinds[i].type, kinds[i].name, sizeof(*(tab).keys), sizeof(*(tab).values), \
		     (tab).keys, (tab).values, (tab).n)
	ret->fd[0] = INNER_OF(0, c->devs);
	ret->fd[1] = INNER_OF(1, c->ouis);
	ret->fd[2] = INNER_OF(2, c->peer4);
	ret->fd[3] = INNER_OF(3, c->peer6);
	ret->fd[4] = INNER_OF(4, c->lpm4);
	ret->fd[5] = INNER_OF(5, c->lpm6);
#undef INNER_OF
	for (size_t i = 0; i < CG_INNER_MAPS && !rc; i++)
		if (ret->fd[i] < 0)
			rc = ret->fd[i];
	if (rc)
		dataplane_inner_close(ret);
	return rc;
}

void dataplane_inner_close(struct cg_inner_maps *m)
{
	for (size_t i = 0; i < CG_INNER_MAPS; i++) {
		if (m->fd[i] >= 0)
			close(m->fd[i]);
		m->fd[i] = -1;
	}
}

int dataplane_apply(struct cg_dataplane *dp, const struct cg_compiled *c)
{
	struct cg_inner_maps inner;
	int rc = dataplane_inner_prepare(c, &inner);

	if (rc)
		return rc;
	rc = dataplane_apply_inner(dp, c, &inner);
	dataplane_inner_close(&inner);
	return rc;
}

int dataplane_apply_inner(struct cg_dataplane *dp, const struct cg_compiled *c,
			  const struct cg_inner_maps *inner)
{
	struct camguard *s = dp->skel;
	uint32_t next = dp->slot ^ 1, zero = 0;
	/* in the order of dataplane_inner_prepare() */
	struct bpf_map *outer[CG_INNER_MAPS] = { s->maps.cg_devs, s->maps.cg_oui, s->maps.cg_peer4,
						 s->maps.cg_peer6, s->maps.cg_lpm4, s->maps.cg_lpm6 };
	struct cg_conf conf = c->conf;
	int rc = 0;

	for (size_t i = 0; i < CG_INNER_MAPS && !rc; i++)
		if (bpf_map_update_elem(bpf_map__fd(outer[i]), &next, &inner->fd[i], BPF_ANY) < 0)
			rc = -errno;

	if (!rc && c->nrulesets) {
		LIBBPF_OPTS(bpf_map_batch_opts, bopts);
		uint32_t count = (uint32_t)c->nrulesets;
		uint32_t *keys = malloc(count * sizeof(*keys));
		if (!keys)
			rc = -ENOMEM;
		for (uint32_t i = 0; keys && i < count; i++)
			keys[i] = next * CG_MAX_RULESETS + i;
		if (keys && bpf_map_update_batch(bpf_map__fd(s->maps.cg_rules), keys, c->rulesets,
						 &count, &bopts) < 0)
			rc = -errno;
		free(keys);
	}

	conf.gen = dp->gen + 1;
	if (!rc && bpf_map_update_elem(bpf_map__fd(s->maps.cg_conf), &next, &conf, BPF_ANY) < 0)
		rc = -errno;
	/* The flip. Nothing above was visible to a packet until this store.
	 * The slot's generation rides above the slot bit: the fast path
	 * checks a device's caches against it without reading cg_conf. */
	uint32_t active = next | conf.gen << 1;
	if (!rc && bpf_map_update_elem(bpf_map__fd(s->maps.cg_active), &zero, &active, BPF_ANY) < 0)
		rc = -errno;

	if (rc)
		return rc;
	dp->slot = next;
	dp->gen = conf.gen;
	return 0;
}

int dataplane_flip_to(struct cg_dataplane *dp, uint32_t slot)
{
	uint32_t zero = 0;
	struct cg_conf conf;

	slot &= 1;
	if (bpf_map_lookup_elem(bpf_map__fd(dp->skel->maps.cg_conf), &slot, &conf) < 0)
		return -errno;
	uint32_t active = slot | conf.gen << 1;   /* as in dataplane_apply */
	if (bpf_map_update_elem(bpf_map__fd(dp->skel->maps.cg_active), &zero, &active, BPF_ANY) < 0)
		return -errno;
	dp->slot = slot;
	dp->gen = conf.gen;
	return 0;
}

int dataplane_reset_policy(struct cg_dataplane *dp, unsigned id)
{
	int fd = bpf_map__fd(dp->skel->maps.cg_pol_stats);
	struct cg_counter *zeros = calloc(ncpus(), sizeof(*zeros));
	int rc = 0;

	if (!zeros)
		return -ENOMEM;
	for (int dir = 0; dir < CG_DIR_MAX && !rc; dir++)
		for (int r = 0; r < CG_REASON_MAX && !rc; r++) {
			uint32_t k = CG_POLSTAT_INDEX(id, dir, r);
			if (bpf_map_update_elem(fd, &k, zeros, BPF_ANY) < 0)
				rc = -errno;
		}
	free(zeros);
	return rc;
}

int dataplane_repin(struct cg_dataplane *dp, const char *pin_dir)
{
	struct bpf_map *m;
	int repaired = 0;

	if (!pin_dir)
		return 0;
	bpf_object__for_each_map(m, dp->skel->obj) {
		const char *path = bpf_map__pin_path(m);
		struct bpf_map_info want = {}, have = {};
		uint32_t len = sizeof(want);

		if (!path)
			continue;
		if (bpf_obj_get_info_by_fd(bpf_map__fd(m), &want, &len))
			return -errno;
		int fd = bpf_obj_get(path);
		if (fd >= 0) {
			len = sizeof(have);
			int ok = bpf_obj_get_info_by_fd(fd, &have, &len) == 0 && have.id == want.id;
			close(fd);
			if (ok)
				continue;
			unlink(path);   /* something else sits at our path */
		}
		if (bpf_obj_pin(bpf_map__fd(m), path))
			return -errno;
		repaired++;
	}
	return repaired;
}

int dataplane_prog_fd(const struct cg_dataplane *dp, const char *name)
{
	struct bpf_program *p = bpf_object__find_program_by_name(dp->skel->obj, name);
	return p ? bpf_program__fd(p) : -ENOENT;
}

int dataplane_map_fd(const struct cg_dataplane *dp, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(dp->skel->obj, name);
	return m ? bpf_map__fd(m) : -ENOENT;
}

/* The whole per-CPU counter array in one BPF_MAP_LOOKUP_BATCH (kernel 5.6):
 * one lookup per entry is 2,048 system calls a `stats`, tens of
 * milliseconds on a busy host. -errno when batches are not supported. */
static int read_policy_stats_batch(int fd, int n, struct cg_counter out[CG_POLSTAT_ENTRIES])
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	struct cg_counter *vals = calloc((size_t)CG_POLSTAT_ENTRIES * (size_t)n, sizeof(*vals));
	uint32_t *keys = calloc(CG_POLSTAT_ENTRIES, sizeof(*keys));
	uint32_t out_batch = 0, done = 0;
	int rc = 0;

	if (!vals || !keys) {
		rc = -ENOMEM;
		goto out;
	}
	while (done < CG_POLSTAT_ENTRIES) {
		uint32_t count = CG_POLSTAT_ENTRIES - done;
		int r = bpf_map_lookup_batch(fd, done ? &out_batch : NULL, &out_batch, keys + done,
					     vals + (size_t)done * (size_t)n, &count, &opts);
		done += count;
		if (r < 0 && errno == ENOENT)
			break;     /* the end of the array */
		if (r < 0) {
			rc = -errno;
			goto out;
		}
	}
	if (done != CG_POLSTAT_ENTRIES) {
		rc = -EIO;
		goto out;
	}
	for (uint32_t i = 0; i < done; i++) {
		struct cg_counter sum = {};
		for (int c = 0; c < n; c++) {
			sum.packets += vals[(size_t)i * (size_t)n + (size_t)c].packets;
			sum.bytes += vals[(size_t)i * (size_t)n + (size_t)c].bytes;
		}
		if (keys[i] < CG_POLSTAT_ENTRIES)
			out[keys[i]] = sum;
	}
out:
	free(vals);
	free(keys);
	return rc;
}

int dataplane_read_policy_stats(const struct cg_dataplane *dp,
				struct cg_counter out[CG_POLSTAT_ENTRIES])
{
	return dataplane_read_polstat_map(dp, "cg_pol_stats", out);
}

int dataplane_read_polstat_map(const struct cg_dataplane *dp, const char *name,
			       struct cg_counter out[CG_POLSTAT_ENTRIES])
{
	int n = ncpus(), fd = dataplane_map_fd(dp, name);
	struct cg_counter *per;
	int rc = fd < 0 ? fd : read_policy_stats_batch(fd, n, out);

	if (fd < 0 || rc == 0 || rc == -ENOMEM)
		return rc;
	per = calloc(n, sizeof(*per));
	rc = 0;
	if (!per)
		return -ENOMEM;
	for (uint32_t k = 0; k < CG_POLSTAT_ENTRIES; k++) {
		if (bpf_map_lookup_elem(fd, &k, per) < 0) {
			rc = -errno;
			break;
		}
		out[k] = (struct cg_counter){};
		for (int c = 0; c < n; c++) {
			out[k].packets += per[c].packets;
			out[k].bytes += per[c].bytes;
		}
	}
	free(per);
	return rc;
}

/* Sums one device's per-CPU values; false if no CPU ever saw it. */
static bool sum_device(const struct cg_dev_stats *per, int n, struct cg_dev_stats *ret)
{
	struct cg_dev_stats sum = {};
	bool any = false;

	for (int c = 0; c < n; c++) {
		const struct cg_dev_stats *s = &per[c];
		uint64_t pkts = 0;
		/* A CPU that only found the entry another CPU created has no
		 * first_ns of its own: its counters still count. */
		for (int d = 0; d < CG_DIR_MAX; d++)
			for (int v = 0; v < CG_VERDICT_MAX; v++) {
				sum.c[d][v].packets += s->c[d][v].packets;
				sum.c[d][v].bytes += s->c[d][v].bytes;
				pkts += s->c[d][v].packets;
			}
		/* would-drops and flow overflow (issue 15): stats --devices and
		 * cameras show them beside the drops */
		for (int d = 0; d < CG_DIR_MAX; d++) {
			sum.ev.would[d].packets += s->ev.would[d].packets;
			sum.ev.would[d].bytes += s->ev.would[d].bytes;
		}
		sum.ev.flow_over[0] += s->ev.flow_over[0];
		sum.ev.flow_over[1] += s->ev.flow_over[1];
		if (!pkts && !s->first_ns)
			continue;   /* this CPU never saw the device */
		if (s->first_ns && (!sum.first_ns || s->first_ns < sum.first_ns))
			sum.first_ns = s->first_ns;
		if (!any || s->last_ns > sum.last_ns) {
			sum.last_ns = s->last_ns;
			sum.ifindex = s->ifindex;
			sum.vlan = s->vlan;
			sum.gen = s->gen;
			sum.policy = s->policy;
			sum.action = s->action;
		}
		sum.addr_flags |= s->addr_flags;
		if (s->addr_flags & CG_DEVF_IP4_SEEN)
			memcpy(sum.ip4, s->ip4, 4);
		if (s->addr_flags & CG_DEVF_IP6_SEEN)
			memcpy(sum.ip6, s->ip6, 16);
		any = true;
	}
	*ret = sum;
	return any;
}

int dataplane_read_device(const struct cg_dataplane *dp, const uint8_t mac[6],
			  struct cg_dev_stats *ret)
{
	int n = ncpus(), fd = bpf_map__fd(dp->skel->maps.cg_dev_stats);
	struct cg_dev_stats *per = calloc(n, sizeof(*per));
	struct cg_mac_key key = {};
	int rc = 0;

	if (!per)
		return -ENOMEM;
	memcpy(key.addr, mac, 6);
	if (bpf_map_lookup_elem(fd, &key, per) < 0)
		rc = -errno;
	else if (!sum_device(per, n, ret))
		rc = -ENOENT;
	free(per);
	return rc;
}

/* Batch reads: one syscall per chunk of devices instead of two per device. */
#define DEV_BATCH 1024

int dataplane_foreach_device(const struct cg_dataplane *dp,
			     int (*cb)(const uint8_t mac[6], const struct cg_dev_stats *sum, void *ctx),
			     void *ctx)
{
	int n = ncpus(), fd = bpf_map__fd(dp->skel->maps.cg_dev_stats);
	struct cg_mac_key *keys = calloc(DEV_BATCH, sizeof(*keys));
	struct cg_dev_stats *vals = calloc((size_t)DEV_BATCH * n, sizeof(*vals));
	struct cg_mac_key in_batch, out_batch;
	bool first = true;
	int rc = 0;

	if (!keys || !vals) {
		rc = -ENOMEM;
		goto out;
	}
	for (;;) {
		LIBBPF_OPTS(bpf_map_batch_opts, o);
		uint32_t count = DEV_BATCH;
		int err = bpf_map_lookup_batch(fd, first ? NULL : &in_batch, &out_batch, keys, vals,
					       &count, &o);
		if (err < 0 && errno != ENOENT) {
			rc = -errno;
			break;
		}
		for (uint32_t i = 0; i < count && !rc; i++) {
			struct cg_dev_stats sum;
			if (sum_device(&vals[(size_t)i * n], n, &sum))
				rc = cb(keys[i].addr, &sum, ctx);
		}
		if (rc || err < 0)   /* ENOENT: that was the last chunk */
			break;
		in_batch = out_batch;
		first = false;
	}
out:
	free(keys);
	free(vals);
	return rc;
}

int dataplane_read_misc(const struct cg_dataplane *dp, uint64_t out[CG_MISC_MAX])
{
	int n = ncpus(), fd = bpf_map__fd(dp->skel->maps.cg_misc);
	uint64_t *per = calloc(n, sizeof(*per));
	int rc = 0;

	if (!per)
		return -ENOMEM;
	for (uint32_t k = 0; k < CG_MISC_MAX; k++) {
		if (bpf_map_lookup_elem(fd, &k, per) < 0) {
			rc = -errno;
			break;
		}
		out[k] = 0;
		for (int c = 0; c < n; c++)
			out[k] += per[c];
	}
	free(per);
	return rc;
}

/* Zeroes the counters by rewriting every entry: the per-CPU arrays cannot be
 * deleted from, and the device LRU is simply emptied. */
int dataplane_reset_counters(struct cg_dataplane *dp)
{
	int n = ncpus();
	int pfd = bpf_map__fd(dp->skel->maps.cg_pol_stats);
	int mfd = bpf_map__fd(dp->skel->maps.cg_misc);
	int dfd = bpf_map__fd(dp->skel->maps.cg_dev_stats);
	void *zeros = calloc(n, sizeof(struct cg_counter));
	struct cg_mac_key key, next;
	int rc = 0;

	if (!zeros)
		return -ENOMEM;
	for (uint32_t k = 0; k < CG_POLSTAT_ENTRIES && !rc; k++)
		if (bpf_map_update_elem(pfd, &k, zeros, BPF_ANY) < 0)
			rc = -errno;
	for (uint32_t k = 0; k < CG_MISC_MAX && !rc; k++)
		if (bpf_map_update_elem(mfd, &k, zeros, BPF_ANY) < 0)
			rc = -errno;
	free(zeros);
	while (!rc && bpf_map_get_next_key(dfd, NULL, &next) == 0) {
		key = next;
		if (bpf_map_delete_elem(dfd, &key) < 0)
			rc = -errno;
	}
	return rc;
}

int dataplane_flow_ctrs_fold(const struct cg_dataplane *dp, struct cg_flow *vals, size_t n)
{
	int fd = bpf_map__fd(dp->skel->maps.cg_flow_ctrs), nc = ncpus();
	uint32_t top = 0;

	for (size_t i = 0; i < n; i++)
		top = vals[i].ctr > top ? vals[i].ctr : top;
	if (!top)
		return 0;
	uint32_t want = top + 1, got = 0;
	uint32_t *keys = calloc(want, sizeof(*keys));
	struct cg_flow_ctr *ctr = calloc((size_t)want * nc, sizeof(*ctr));
	int rc = 0;

	if (!keys || !ctr) {
		rc = -ENOMEM;
		goto out;
	}
	/* Slots 0..top in batches (arrays: kernel 5.6), else row by row;
	 * per-CPU values come nc to a slot. */
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	uint32_t next = 0;
	bool batched = true;
	while (got < want) {
		uint32_t count = want - got;
		int r = bpf_map_lookup_batch(fd, got ? &next : NULL, &next, keys + got,
					     ctr + (size_t)got * nc, &count, &opts);
		got += count;
		if (r < 0 && errno == ENOENT)
			break;
		if (r < 0) {
			batched = false;
			break;
		}
	}
	struct cg_flow_ctr *one = calloc((size_t)nc, sizeof(*one));
	if (!one) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const struct cg_flow_ctr *c = one;
		uint32_t k = vals[i].ctr;

		if (!k)
			continue;
		if (batched && k < got && keys[k] == k)
			c = &ctr[(size_t)k * nc];
		else if (bpf_map_lookup_elem(fd, &k, one) < 0)
			continue;   /* a slot past the array (made before a resize) */
		for (int cpu = 0; cpu < nc; cpu++) {
			vals[i].packets += c[cpu].packets;
			vals[i].bytes += c[cpu].bytes;
			if (c[cpu].last_ns > vals[i].last_ns)
				vals[i].last_ns = c[cpu].last_ns;
		}
	}
	free(one);
out:
	free(keys);
	free(ctr);
	return rc;
}
