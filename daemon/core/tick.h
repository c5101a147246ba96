/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tick.h — the daemon's periodic work, on one 250 ms timer: interfaces
 * kept attached, tamper checks (hooks, pins, the nftables table), last-seen
 * from the counters, the metrics textfile, saving the inventory, probe
 * rounds, the drop summary in the log.
 */
#ifndef CAMGUARD_TICK_H
#define CAMGUARD_TICK_H

#include <stdint.h>

#define CG_TICK_MS 250   /* interface sync: re-attach within a second */

struct cg_watch;

/* The timer watch's handler (w->data: the daemon). */
void tick_run(struct cg_watch *w, uint32_t events);

#endif
