/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * view.h — what the command layer and the metrics exposition may see of
 * the daemon: a read-only view. Const pointers into the daemon's state
 * (set once, when the daemon has started: they stay valid while it runs),
 * accessor callbacks for what lives in the kernel (counters) or in the
 * nftables layer, and the two commands that change something (reload,
 * probe) as explicit callbacks.
 *
 * Nothing here names struct cg_daemon: a test fills a view with a model and
 * an inventory built in memory and fake callbacks (tests/unit/test-commands.c),
 * and the commands cannot reach past it into the daemon's fields.
 */
#ifndef CAMGUARD_VIEW_H
#define CAMGUARD_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "camguard.h"
#include "diag.h"
#include "dns.h"
#include "ifaces.h"
#include "moves.h"
#include "nft.h"
#include "reasm.h"

struct cg_cloud;
struct cg_evidence;
struct cg_inventory;
struct cg_metrics_writer;
struct cg_model;
struct cg_names;
struct json_object;

/* What a tamper event restored (camguard_tamper_events_total{kind}). */
enum cg_tamper_kind {
	CG_TAMPER_HOOK = 0,      /* a filter was removed from an interface */
	CG_TAMPER_PIN,           /* pinned maps were removed */
	CG_TAMPER_NFTABLES,      /* table inet camguard was flushed, deleted or changed */
	CG_TAMPER_MAX
};

struct cg_reload_result {
	bool ok;
	time_t when;
	char message[512];         /* first error, or a summary */
	uint32_t generation;
};

/* The daemon's own counters and last events (status, metrics). */
struct cg_counters {
	uint64_t reloads_ok, reloads_failed;
	struct cg_reload_result last_reload;
	time_t last_reload_ok;     /* when the enforced policy set was loaded */
	uint64_t tamper_events;
	uint64_t tamper_by_kind[CG_TAMPER_MAX];
	char last_tamper[256];
	bool nft_up;               /* table inet camguard as last applied (tamper check) */
	uint64_t moves;            /* devices put under another policy */
	char last_move[256];       /* its log line, "" if none */
	uint64_t events_seen;
	uint64_t drop_samples;
};

/* sha256 of the live model's files, computed once per load. */
struct cg_file_hashes {
	char (*each)[65];          /* as model.files; "" if unreadable */
	char all[65];              /* over every file */
	char policy_set[65];       /* the policies.d files only, by base name */
};

/* Active discovery (probe.h): the last probe round. */
struct cg_probe_state {
	int64_t started;           /* unix seconds; 0 = never probed */
	uint64_t probes;           /* probe rounds sent */
	uint8_t (*known)[6];       /* devices that had a model when it started, sorted */
	size_t nknown;
	int *fds;                  /* its sockets, closed CG_PROBE_LINGER_MS later */
	size_t nfds;
	uint64_t close_ms;
	uint64_t next_ms;
};

#define CG_PROBE_LINGER_MS 10000

/* One interface of a probe round. */
struct cg_probe_iface {
	char name[16];
	int sent;
	int error;                 /* 0 or -errno */
};

/* reload --dry-run (issue 15): one denied flow of the last 24 h whose fate
 * the new set changes. now/next: enum cg_plan_verdict (plan-eval.h) under
 * the enforced set and under the new one. */
struct cg_reload_flow {
	struct cg_flow_key key;    /* the row's key; reason: the new set's isolate reason */
	char policy[64];           /* the device's policy in the new set */
	uint8_t now, next;
	bool uncertain;            /* a "from" rule with ports might match (camera port unknown) */
	uint64_t packets;          /* every row of the flow, as `blocked` counts them */
	int64_t last;              /* wall-clock seconds */
};

#define CG_RELOAD_FLOWS_MAX 256    /* entries per list in the reply; the totals count all */

/* One list: start (flows the new set would drop, dropped by none now) or
 * stop (dropped now, not by the new set). v holds the CG_RELOAD_FLOWS_MAX
 * flows with most packets, by device. */
struct cg_reload_flow_list {
	struct cg_reload_flow *v;
	size_t n;
	size_t flows, devices;     /* every flow of the list */
	uint64_t packets;
};

struct cg_reload_flows {
	bool present;              /* the evidence table was read */
	int64_t since;             /* rows last seen then or later (wall clock) */
	size_t examined;           /* distinct flows seen since then */
	size_t uncertain;          /* of start + stop, those with .uncertain */
	struct cg_reload_flow_list start, stop;
};

/* What a reload did or would do: plain data, the command layer writes the
 * reply. */
struct cg_reload_report {
	bool invalid;              /* the set was refused (load or compile): diag says why */
	char message[512];         /* the first error, or a summary */
	struct cg_diag diag;       /* every problem of the load, "FILE:LINE: ..." */
	struct cg_moves changes;   /* devices whose policy changes (dry run: would change) */
	char (*reasons)[96];       /* per change: "advisory CVE-... (likely)" or "" */
	struct cg_reload_flows flows; /* dry run: flows that would start/stop being dropped */
};

void reload_report_init(struct cg_reload_report *r);
void reload_report_free(struct cg_reload_report *r);

/* Names (issue 15): the DNS messages the data plane copied, the names store
 * they fed and the vendors' cloud-domain table (core/dnsfeed.c). */
struct cg_view_dns {
	const struct cg_names *names;       /* NULL: none */
	const struct cg_cloud *cloud;       /* NULL: none loaded */
	struct cg_dns_stats msgs;           /* parsed, ignored, rejected by kind */
	uint64_t wrong_way;                 /* a response from a camera, a query to one */
	size_t cloud_domains, cloud_files;
	uint64_t cloud_failed;              /* loads refused (the table before kept) */
	const char *cloud_error;            /* the first "FILE:LINE: ..." error of the last read, or "" */
};

typedef int (*cg_view_device_fn)(const uint8_t mac[6], const struct cg_dev_stats *sum, void *arg);

struct cg_view_ops {
	uint32_t (*generation)(void *ctx);
	/* Sums of the per-CPU counters (dataplane_read_policy_stats). */
	int (*read_policy_stats)(void *ctx, struct cg_counter out[CG_POLSTAT_ENTRIES]);
	/* Every device of the counter map, as dataplane_foreach_device. */
	int (*foreach_device)(void *ctx, cg_view_device_fn fn, void *arg);
	int (*read_misc)(void *ctx, uint64_t out[CG_MISC_MAX]);
	/* The denied-flow table (daemon/inventory/evidence.h), brought up to
	 * date with the data plane first; NULL when there is none. */
	const struct cg_evidence *(*evidence)(void *ctx);
	/* Would-drops per policy x direction x reason (cg_pol_would). */
	int (*read_policy_would)(void *ctx, struct cg_counter out[CG_POLSTAT_ENTRIES]);
	/* Fragments of announcements being reassembled (old ones expired first). */
	void (*reasm_stats)(void *ctx, struct cg_reasm_stats *ret);
	/* The names store, cloud table and DNS counters (old names expired
	 * first); NULL op: none. */
	void (*dns)(void *ctx, struct cg_view_dns *ret);
	/* The nftables layer's status (struct; the command layer writes JSON). */
	int (*nft_status)(void *ctx, struct cg_nft_status *ret);  /* 0 or -errno; nft_status_free() */

	/* The commands that change the daemon. reload: 0 (applied, or valid
	 * for a dry run) or -errno, ret filled either way. probe: iface NULL
	 * for every camera interface; ret[] gets one entry per interface
	 * (at most max), -ENODEV when iface is not a camera interface. */
	int (*reload)(void *ctx, bool dry_run, struct cg_reload_report *ret);
	int (*probe)(void *ctx, const char *iface, struct cg_probe_iface *ret, size_t max,
		     size_t *ret_n);
};

struct cg_view {
	const struct cg_view_ops *ops;
	void *ctx;                          /* handed to every op */
	const char *conf_path;
	time_t started;
	struct timespec started_mono;
	bool nftables;                      /* an nftables layer runs (nft_status answers) */
	const struct cg_model *model;       /* the live policy set */
	const struct cg_inventory *inv;     /* may be NULL */
	const struct cg_iface *ifaces;
	size_t nifaces;
	const struct cg_counters *counters;
	const struct cg_file_hashes *hashes;
	const struct cg_probe_state *probe;
	const struct cg_metrics_writer *metrics;
};

#endif
