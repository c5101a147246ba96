// SPDX-License-Identifier: GPL-2.0-only
/*
 * tick.c — the periodic work (tick.h). Each job runs every N ticks; all
 * of them are cheap when nothing changed (a query per hook, a stat of the
 * pins, one netlink dump of the table), so enforcement that was removed
 * comes back within about two seconds.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bpffs.h"
#include "dataplane.h"
#include "dnsfeed.h"
#include "event.h"
#include "log.h"
#include "names.h"
#include "nft.h"
#include "observe.h"
#include "prober.h"
#include "state.h"
#include "tick.h"

#define TAMPER_EVERY       8     /* ticks: 2 s */
#define COUNTERS_EVERY     20    /* ticks: 5 s, last-seen from counters */
#define SAVE_EVERY         8     /* ticks: 2 s, inventory to disk if changed */
#define DROP_SUMMARY_EVERY 240   /* ticks: 60 s */

/* Pins that vanished are put back: they are what a restart adopts. */
static int repair_pins(struct cg_daemon *d)
{
	/* `camguardd --unload --force` removes the directory as well. */
	bpffs_mkdir_p(d->model.config.pin_dir, 0700);
	int repaired = dataplane_repin(d->dp, d->model.config.pin_dir);
	if (repaired > 0) {
		snprintf(d->counters.last_tamper, sizeof(d->counters.last_tamper),
			 "%d pinned map(s) under %.180s were removed; re-pinned", repaired,
			 d->model.config.pin_dir);
		log_warning("Tamper: %s", d->counters.last_tamper);
	}
	return repaired > 0 ? repaired : 0;
}

static int sync_ifaces(struct cg_daemon *d, bool count_tamper)
{
	return ifaces_sync(d->ifaces, d->nifaces, d->dp, count_tamper, d->counters.last_tamper,
			   sizeof(d->counters.last_tamper));
}

static void tamper_check(struct cg_daemon *d)
{
	struct cg_counters *k = &d->counters;
	int hooks = sync_ifaces(d, true), pins = repair_pins(d), n = hooks + pins;

	k->tamper_by_kind[CG_TAMPER_HOOK] += (uint64_t)hooks;
	k->tamper_by_kind[CG_TAMPER_PIN] += (uint64_t)pins;
	if (d->nft) {
		int rc = nft_check_and_repair(d->nft);
		k->nft_up = rc >= 0;
		if (rc > 0) {
			k->tamper_by_kind[CG_TAMPER_NFTABLES]++;
			snprintf(k->last_tamper, sizeof(k->last_tamper),
				 "nftables table inet camguard was changed; restored");
			log_warning("Tamper: %s", k->last_tamper);
			n++;
		} else if (rc < 0) {
			log_err("Failed to check the nftables table: %s", strerror(-rc));
		}
	}
	k->tamper_events += (uint64_t)n;
}

static uint64_t drops_total(struct cg_daemon *d)
{
	static struct cg_counter st[CG_POLSTAT_ENTRIES];
	uint64_t sum = 0;
	if (dataplane_read_policy_stats(d->dp, st))
		return 0;
	for (unsigned i = 0; i < CG_POLSTAT_ENTRIES; i++)
		if (cg_reason_verdict((int)(i % CG_REASON_MAX)) == CG_VERDICT_DROP)
			sum += st[i].packets;
	return sum;
}

/* The first round soon after the start, then every probe_interval. */
static void probe_due(struct cg_daemon *d)
{
	uint32_t every = d->model.config.probe_interval_s;

	if (d->probe.nfds && state_mono_ms() >= d->probe.close_ms)
		prober_close(d);
	if (!every || state_mono_ms() < d->probe.next_ms)
		return;
	if (d->probe.next_ms)
		prober_send(d, NULL, NULL, 0, NULL);
	d->probe.next_ms = state_mono_ms() + (d->probe.next_ms ? every * 1000ull : 5000);
}

void tick_run(struct cg_watch *w, uint32_t events)
{
	static uint64_t last_drops;
	struct cg_daemon *d = w->data;

	if (event_timer_read(w) < 0)
		return;
	d->ticks++;
	int hooks = sync_ifaces(d, true);
	d->counters.tamper_events += (uint64_t)hooks;
	d->counters.tamper_by_kind[CG_TAMPER_HOOK] += (uint64_t)hooks;
	if (d->ticks % TAMPER_EVERY == 0)
		tamper_check(d);
	if (d->ticks % COUNTERS_EVERY == 0)
		observe_counters(d);
	int mrc = metrics_tick(&d->view, &d->metrics);
	if (mrc < 0)
		log_err("Failed to write the metrics textfile %s: %s", d->model.config.metrics_textfile,
			strerror(-mrc));
	if (d->ticks % SAVE_EVERY == 0) {
		state_save_inventory(d, false);
		state_save_evidence(d, false);
	}
	probe_due(d);
	dnsfeed_tick(d->dns);
	if (d->ticks % DROP_SUMMARY_EVERY == 0) {
		uint64_t now = drops_total(d);
		if (now > last_drops && last_drops)
			log_notice("Dropped %llu packets in the last minute",
				   (unsigned long long)(now - last_drops));
		last_drops = now;
	}
}
