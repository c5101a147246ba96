/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * state.h — camguardd's state, one struct for the whole process, and the
 * few operations on it that several core modules share (moving devices to
 * the policy a generation gives them, saving the inventory, telling
 * systemd). The core modules (daemon, advmoves, observe, tick, prober,
 * start) work on it; the command layer never sees it, only the read-only
 * view in .view (view.h).
 */
#ifndef CAMGUARD_STATE_H
#define CAMGUARD_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "event.h"
#include "ifaces.h"
#include "metrics.h"
#include "model.h"
#include "moves.h"
#include "view.h"

struct cg_compiled;
struct cg_dnsfeed;
struct cg_evidence;
struct cg_nflog;
struct cg_reload_target;
struct ring_buffer;

struct cg_daemon {
	char conf_path[CG_PATH_MAX];
	struct cg_model model;     /* the live policy set */
	struct cg_dataplane *dp;
	struct cg_iface *ifaces;
	size_t nifaces;
	struct cg_inventory *inv;
	struct cg_evidence *evidence; /* denied flows (issue 15: blocked, stats) */
	struct cg_reasm *reasm;    /* fragmented announcements being put back together */
	struct cg_dnsfeed *dns;    /* DNS copies into the names store, cloud domains (issue 15) */
	struct cg_vendor_db *vendors;
	struct cg_control *control;
	struct cg_nft *nft;
	struct cg_nflog *nflog;    /* the nftables layer's drops (NFLOG) into evidence */

	struct cg_event_loop *loop;
	struct ring_buffer *ringbuf;
	struct cg_watch sig_watch, timer_watch, rb_watch, nl_watch, nflog_watch;
	bool stopping;
	time_t started;
	struct timespec started_mono;
	uint64_t ticks;
	bool advisories_dirty;     /* a device's advisory matches changed (observe.c) */

	struct cg_counters counters;
	struct cg_file_hashes hashes;
	struct cg_metrics_writer metrics;
	struct cg_probe_state probe;

	struct cg_prefix *protected;  /* the recorder's own addresses (host prefixes) */
	size_t nprotected;
	struct cg_moved_device *moved;  /* devices advisories moved (model.moved points here) */
	size_t nmoved;

	struct cg_view view;       /* what the commands and the metrics see */
};

static inline uint64_t state_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

const char *state_policy_name(const struct cg_daemon *d, unsigned id);

/*
 * Puts every inventory device under the policy that c — the compiled form of
 * the live model, already in the data plane — applies to it: the same
 * moves_compute() as reload --dry-run. Each move is logged once with its
 * cause ("reload", "start", ...) and the generation, counted, and the
 * inventory is saved at once, so that a crash right after keeps the moved
 * state. Sort c first (compiled_sort_devices). ret (may be NULL): the moves.
 */
int state_move_devices(struct cg_daemon *d, const struct cg_compiled *c, const char *cause,
		       struct cg_moves *ret);

/* Saves soon after a change (now: at once when dirty). */
void state_save_inventory(struct cg_daemon *d, bool now);
/* Copies the data plane's denied flows into the table and saves it when it
 * changed (now: at once, else spaced by its cost). */
void state_save_evidence(struct cg_daemon *d, bool now);

/* The nftables table's drop counters into the evidence, then what NFLOG
 * queued (the two sides of its unlogged count). */
void state_sync_nflog(struct cg_daemon *d);

/* The sha256 of every file of the live model, for status and metrics. */
void state_hash_files(struct cg_daemon *d);

/* The live set and the two layers, for the reload module. */
void state_reload_target(struct cg_daemon *d, struct cg_reload_target *ret);

/* systemd's StatusText, after every change of the live generation. */
void state_notify(const struct cg_daemon *d);

#endif
