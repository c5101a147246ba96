/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * metrics.h — the Prometheus text exposition of a host (issue 17), rendered
 * by the daemon from its own state: the same text for the node_exporter
 * textfile (metrics.textfile in camguard.conf) and `camguardctl stats
 * --prometheus`.
 *
 * The textfile is written by a short-lived child process: fork() gives it a
 * copy-on-write snapshot of the inventory and model, so the event loop pays
 * only for the fork (well under a millisecond) and never waits for the
 * render, the disk or fsync. The child reads the counters, renders into
 * memory, writes a temporary file next to the target, fsyncs and renames it
 * over the target (mode 0644): node_exporter never sees half a file.
 *
 * Series per device (camguard_device_info, _first_seen_seconds,
 * _last_seen_seconds, _drops_total x2) are capped by metrics.max_devices
 * (lowest MACs first, so that the set is stable between writes); the rest
 * is counted in camguard_metrics_devices_omitted.
 */
#ifndef CAMGUARD_METRICS_H
#define CAMGUARD_METRICS_H

#include <stdint.h>
#include <json-c/printbuf.h>

#include "camguard.h"

struct cg_view;

/* The textfile writer's state, kept by the daemon between ticks. */
struct cg_metrics_writer {
	int pid;                   /* the writing child, 0 if none */
	uint64_t due_ms;           /* CLOCK_MONOTONIC of the next write */
	uint64_t written, failed, skipped;
};

/* Drop counters of one device, from the data plane's device map. */
struct cg_metrics_dev {
	uint8_t mac[6];
	uint64_t drops[CG_DIR_MAX];                     /* c[dir][CG_VERDICT_DROP].packets */
	struct cg_counter c[CG_DIR_MAX][CG_VERDICT_MAX]; /* summed over CPUs */
};

/* What the exposition needs from the data plane, read once per render. */
struct cg_metrics_counts {
	struct cg_counter *policy;     /* CG_POLSTAT_ENTRIES */
	struct cg_counter *would;      /* CG_POLSTAT_ENTRIES: monitor's would-drops (cg_pol_would) */
	struct cg_metrics_dev *devs;   /* sorted by MAC */
	size_t ndevs, cap;
};

const char *metrics_tamper_to_string(int kind);

/* Through the view's counter callbacks. */
int metrics_read_counts(const struct cg_view *v, struct cg_metrics_counts *ret);
void metrics_counts_free(struct cg_metrics_counts *c);

/* Appends the whole exposition (format 0.0.4) to pb. 0 or -ENOMEM. */
int metrics_render(const struct cg_view *v, const struct cg_metrics_counts *c, struct printbuf *pb);

/* Reads the counters and renders: what `stats --prometheus` answers. */
int metrics_render_now(const struct cg_view *v, struct printbuf *pb);

/* Writes buf to path atomically (path.tmp, fsync, rename), mode 0644. */
int metrics_write_file(const char *path, const char *buf, size_t len);

/* Called on every timer tick: reaps a finished writer (returns its result:
 * 1 written, 0 nothing finished, -errno failed) and starts the next one
 * when metrics.interval has passed. */
int metrics_tick(const struct cg_view *v, struct cg_metrics_writer *w);

#endif
