/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dataplane.h — the BPF object in userland: load (or adopt pinned maps),
 * write a compiled policy set into the inactive slot and flip, read counters.
 *
 * Attaching to interfaces is attach.c's job; this module never touches a
 * network device, so tests can drive it with BPF_PROG_TEST_RUN alone.
 */
#ifndef CAMGUARD_DATAPLANE_H
#define CAMGUARD_DATAPLANE_H

#include <stdbool.h>
#include <stdint.h>

#include "camguard.h"
#include "compile.h"

struct camguard;

struct cg_dataplane_opts {
	const char *pin_dir;          /* NULL: nothing pinned (tests, benchmarks) */
	uint32_t max_devices;         /* LRU device counter entries; 0 = default */
	uint32_t max_flows;           /* cg_flows rows (evidence.max_flows); 0 = default */
	uint64_t sample_interval_ns;  /* 0 = default */
	uint64_t sample_burst;        /* 0 = default */
	bool skip_xdp;                /* do not load (verify) cg_xdp: no interface uses XDP */
};

struct cg_dataplane {
	struct camguard *skel;
	uint32_t slot;                /* active slot */
	uint32_t gen;                 /* generation live in the active slot */
	bool adopted;                 /* maps came from pin_dir with state in them */
};

int dataplane_load(const struct cg_dataplane_opts *opts, struct cg_dataplane **ret);
void dataplane_free(struct cg_dataplane *dp);

/* Writes c into the inactive slot and makes it active: one 32-bit store, so
 * a packet sees the old or the new set, never a mix. */
int dataplane_apply(struct cg_dataplane *dp, const struct cg_compiled *c);

/* dataplane_apply() in two steps. The inner maps (devices, OUIs, peers,
 * prefixes: the bulk of the work at 100,000 devices) need no loaded
 * object, so the start fills them while the object is still being
 * verified; dataplane_apply_inner() then puts them in the inactive slot
 * and flips. The caller closes them (dataplane_inner_close) either way:
 * the outer maps hold their own references. */
#define CG_INNER_MAPS 6
struct cg_inner_maps {
	int fd[CG_INNER_MAPS];
};
int dataplane_inner_prepare(const struct cg_compiled *c, struct cg_inner_maps *ret);
int dataplane_apply_inner(struct cg_dataplane *dp, const struct cg_compiled *c,
			  const struct cg_inner_maps *inner);
void dataplane_inner_close(struct cg_inner_maps *m);

/* Makes `slot` the active one again (rolling back a flip whose second layer
 * failed); the slot must still hold the previous set, as it does until the
 * next apply. */
int dataplane_flip_to(struct cg_dataplane *dp, uint32_t slot);

/* Zeroes the counters of one policy id (an id that now names another policy). */
int dataplane_reset_policy(struct cg_dataplane *dp, unsigned id);

/* Puts back pins that were removed or replaced under pin_dir; returns how
 * many it repaired, or -errno. */
int dataplane_repin(struct cg_dataplane *dp, const char *pin_dir);

/* Calls cb for every device in the counter map with its per-CPU sums (as
 * dataplane_read_device). Stops early when cb returns non-zero. */
int dataplane_foreach_device(const struct cg_dataplane *dp,
			     int (*cb)(const uint8_t mac[6], const struct cg_dev_stats *sum, void *ctx),
			     void *ctx);

/* Removes the pinned maps (after the programs were detached). */
int dataplane_unpin(const char *pin_dir);

int dataplane_prog_fd(const struct cg_dataplane *dp, const char *name);

/* Sums of the per-CPU counters. */
int dataplane_read_policy_stats(const struct cg_dataplane *dp,
				struct cg_counter out[CG_POLSTAT_ENTRIES]);
/* The same for another per-CPU array laid out like cg_pol_stats
 * (CG_POLSTAT_INDEX), e.g. cg_pol_would. */
int dataplane_read_polstat_map(const struct cg_dataplane *dp, const char *name,
			       struct cg_counter out[CG_POLSTAT_ENTRIES]);
/* -ENOENT if the device has no counters. Per-CPU fields are summed; first
 * seen is the minimum, last seen the maximum, caches from any CPU. */
int dataplane_read_device(const struct cg_dataplane *dp, const uint8_t mac[6],
			  struct cg_dev_stats *ret);
int dataplane_read_misc(const struct cg_dataplane *dp, uint64_t out[CG_MISC_MAX]);

/* Adds to n rows as read from cg_flows the counts their cg_flow_ctrs slots
 * hold (struct cg_flow): packets and bytes summed, last_ns the later one.
 * Read cg_flows first, then fold: a slot only grows, so a row's sum never
 * goes back between two reads. */
int dataplane_flow_ctrs_fold(const struct cg_dataplane *dp, struct cg_flow *vals, size_t n);

/* Forgets all device counters (tests). */
int dataplane_reset_counters(struct cg_dataplane *dp);

int dataplane_map_fd(const struct cg_dataplane *dp, const char *name);

#endif
