/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * evidence.h — the daemon's table of denied flows: what `camguardctl blocked`
 * lists and what stats adds up.
 *
 * The data plane counts every dropped and would-drop packet into cg_flows
 * (bpf/evidence.h): one row per device, direction, remote address, protocol,
 * remote port, reason and enforced/would, bounded by evidence.max_flows, with
 * a per-device overflow count (cg_dev_stats.ev.flow_over) for what found no
 * row. This module copies that state into a table of its own and keeps it:
 *
 *   - The pinned map survives the daemon (restart, kill -9): a row's total is
 *     what the map says plus what earlier map instances said. Each row keeps
 *     the part read from the current instance (map_packets); a new instance
 *     (a reboot, `camguardd --unload`: another boot id or map id) folds it
 *     into the total before the first read.
 *   - The file (state_dir/evidence.bin) survives a reboot. It is written like
 *     the inventory: temp file, fsync, rename.
 *   - The table is bounded (evidence_new's limit, at least twice max_flows):
 *     over it, the least recently seen rows of earlier instances are folded
 *     into their device's overflow, so that rows + overflow stay exact.
 *
 * The nftables layer's drops come another way: its drop rules log to NFLOG
 * (daemon/inventory/nflog.c), and each logged packet is added to its row by
 * evidence_add_nft(), outside the map-instance bookkeeping (a row's
 * nft_packets, never in map_packets). How many the table's counters saw and
 * how many NFLOG delivered is kept beside (struct cg_evidence_nft).
 *
 * evidence_check_dataplane() is the invariant the tests hold the data plane
 * to: for every device, its rows plus its overflow equal its drop and
 * would-drop counters exactly.
 */
#ifndef CAMGUARD_EVIDENCE_H
#define CAMGUARD_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "camguard.h"

struct cg_dataplane;

/* One denied flow. Times are wall-clock seconds. */
struct cg_evidence_row {
	struct cg_flow_key key;      /* mac, dir, family, proto, port, reason, would, addr */
	uint64_t packets;            /* total over every map instance */
	uint64_t bytes;
	uint64_t map_packets;        /* the part read from the current map instance */
	uint64_t map_bytes;
	int64_t first;
	int64_t last;
	uint16_t policy;             /* policy id of the last packet (ids are stable) */
	uint16_t pad[3];
	uint64_t nft_packets;        /* the part the nftables layer logged (in packets too) */
	uint64_t nft_bytes;          /* IP lengths: NFLOG has no link-layer header */
};

/* A device's denied packets that are in no row: [0] dropped, [1] would-drop. */
struct cg_evidence_over {
	uint8_t mac[6];
	uint16_t pad;
	uint64_t packets[2];         /* total, including rows folded by the table bound */
	uint64_t map[2];             /* the part read from the current cg_dev_stats entry */
	uint64_t nft[2];             /* the part folded from rows' nft_packets */
};

/* The nftables layer's drops and what NFLOG delivered of them, over every
 * run of the daemon (persisted). Exact: logged, rows, no_device, malformed,
 * enobufs, seq_lost (counted as they happen). drops and unlogged rest on
 * the table's rule counters, read at each sync: exact between packets while
 * one daemon runs; drops while no daemon runs are in neither. */
struct cg_evidence_nft {
	uint64_t drops;      /* the drop rules' counters (every reason but monitor) */
	uint64_t logged;     /* NFLOG messages of camguard's rules received */
	uint64_t rows;       /* of them, counted into a device's row */
	uint64_t no_device;  /* no device in the inventory has the camera-side address */
	uint64_t malformed;  /* prefix or payload not understood (hostile or truncated) */
	uint64_t unlogged;   /* drops - logged (never below 0): lost on the way */
	uint64_t enobufs;    /* receive-buffer overruns reported by the socket */
	uint64_t seq_lost;   /* gaps in NFLOG's sequence numbers: messages lost */
};

struct cg_evidence;

/* limit: rows the table keeps (0: 4 x CG_FLOWS_DEFAULT). */
int evidence_new(size_t limit, struct cg_evidence **ret);
void evidence_free(struct cg_evidence *ev);

/* The identity of the data plane's maps: "boot id/map id". A different
 * identity than the table's folds every row's map part into its total. */
void evidence_set_instance(struct cg_evidence *ev, const char *instance);
const char *evidence_instance(const struct cg_evidence *ev);

/* Merges n rows as read from cg_flows (mono_ns: CLOCK_MONOTONIC now, the
 * clock of the rows' times; now: wall clock). */
int evidence_merge_rows(struct cg_evidence *ev, const struct cg_flow_key *keys,
			const struct cg_flow *vals, size_t n, uint64_t mono_ns, time_t now);
/* Merges one device's overflow as read from cg_dev_stats (summed over CPUs). */
int evidence_merge_over(struct cg_evidence *ev, const uint8_t mac[6], const uint64_t over[2]);

/* One packet the nftables layer dropped and logged (key.would is 0), bytes
 * its IP length, at wall-clock now. */
int evidence_add_nft(struct cg_evidence *ev, const struct cg_flow_key *key, uint64_t bytes,
		     uint16_t policy, time_t now);
/* The counters of this run, added to earlier runs' (the reader's to count
 * into; drops is set by evidence_set_nft_drops). */
struct cg_evidence_nft *evidence_nft_run(struct cg_evidence *ev);
/* The table's drop counters as this run read them (nft_drop_packets). */
void evidence_set_nft_drops(struct cg_evidence *ev, uint64_t drops);
/* Earlier runs + this run, unlogged worked out. */
void evidence_nft_totals(const struct cg_evidence *ev, struct cg_evidence_nft *ret);

/* Reads the data plane's cg_flows and every device's overflow and merges
 * them (sets the instance first). */
int evidence_sync(struct cg_evidence *ev, const struct cg_dataplane *dp);

/* True when the table changed since the last save or load. */
bool evidence_dirty(const struct cg_evidence *ev);
int evidence_save(struct cg_evidence *ev, const char *path);
/* -ENOENT: no file; -EINVAL: not an evidence file (nothing loaded). */
int evidence_load(struct cg_evidence *ev, const char *path);

/* The daemon's calls. evidence_open: a table bounded for max_flows rows
 * per map instance, loaded from state_dir/evidence.bin when there is one
 * (*ret is set even when the file is unreadable: -EINVAL, start empty).
 * evidence_persist: sync from the data plane and save when changed, at most
 * 1/20 of the time (the last run's duration x 20 apart) unless forced. */
int evidence_open(const char *state_dir, uint32_t max_flows, struct cg_evidence **ret);
int evidence_persist(struct cg_evidence *ev, const struct cg_dataplane *dp, const char *state_dir,
		     bool force);

/* What `blocked` asks for. */
struct cg_evidence_filter {
	const uint8_t *mac;          /* NULL: every device */
	int policy;                  /* policy id, -1: every policy */
	int64_t since;               /* wall-clock seconds: rows last seen then or later; 0: all */
	int would;                   /* -1: both, 0: dropped only, 1: would-drop only */
};

/* The matching rows, most packets first (ties: most recent first). The
 * array is the caller's (free()); *ret_n may be 0 with *ret NULL. */
int evidence_query(const struct cg_evidence *ev, const struct cg_evidence_filter *f,
		   struct cg_evidence_row **ret, size_t *ret_n);

size_t evidence_rows(const struct cg_evidence *ev);
/* Every device with an overflow entry, in MAC order. */
const struct cg_evidence_over *evidence_overflows(const struct cg_evidence *ev, size_t *ret_n);
/* A device's overflow packets (0 when it has none). */
uint64_t evidence_overflow(const struct cg_evidence *ev, const uint8_t mac[6], int would);

/* Sums of a device in the table: rows (would = 0 / 1) plus overflow. */
void evidence_device_totals(const struct cg_evidence *ev, const uint8_t mac[6],
			    uint64_t ret_packets[2]);

/* A device's share of the data plane's evidence counters, summed over CPUs. */
struct cg_evidence_dev {
	uint8_t mac[6];
	struct cg_counter drop[CG_DIR_MAX];
	struct cg_counter would[CG_DIR_MAX];
	uint64_t flow_over[2];
};

/* Calls cb for every device in cg_dev_stats; stops when cb returns non-zero. */
int evidence_foreach_device(const struct cg_dataplane *dp,
			    int (*cb)(const struct cg_evidence_dev *dev, void *ctx), void *ctx);

/* Would-drops per policy x direction x reason (CG_POLSTAT_INDEX), summed
 * over CPUs: what stats shows beside the real drops. */
int evidence_read_policy_would(const struct cg_dataplane *dp,
			       struct cg_counter out[CG_POLSTAT_ENTRIES]);

/* The invariant, read straight from the data plane: for every device, its
 * cg_flows rows (would = 0, 1) plus flow_over equal its drop and would-drop
 * packet counters. 0 when it holds, -EBADMSG (why filled) when not, -errno
 * when the maps cannot be read. Meaningful while no packet is in flight. */
int evidence_check_dataplane(const struct cg_dataplane *dp, char *why, size_t len);

#endif
