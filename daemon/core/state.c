// SPDX-License-Identifier: GPL-2.0-only
/*
 * state.c — the operations on the daemon's state that several core modules
 * share (state.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "compile.h"
#include "evidence.h"
#include "dataplane.h"
#include "filehash.h"
#include "inventory.h"
#include "log.h"
#include "nflog.h"
#include "nft.h"
#include "reload.h"
#include "sdnotify.h"
#include "state.h"

#define SAVE_COST_FACTOR 20   /* the inventory takes at most 1/20 of the time to save */

const char *state_policy_name(const struct cg_daemon *d, unsigned id)
{
	for (size_t i = 0; i < d->model.npolicies; i++)
		if (d->model.policies[i].id == id)
			return d->model.policies[i].name;
	return "unknown";
}

void state_notify(const struct cg_daemon *d)
{
	sd_notifyf("READY=1\nSTATUS=Enforcing %zu policies (generation %u)\n", d->model.npolicies,
		   d->dp->gen);
}

/* Saves soon after a change, so that a kill -9 loses at most a few seconds
 * of inventory; a huge inventory (MAC flood) is saved less often, so that
 * writing it never takes more than 1/SAVE_COST_FACTOR of the daemon's time. */
void state_save_inventory(struct cg_daemon *d, bool now)
{
	static uint64_t next_ms, cost_ms;
	char path[CG_PATH_MAX + 32];

	if (!inventory_dirty(d->inv) || (!now && state_mono_ms() < next_ms))
		return;
	snprintf(path, sizeof(path), "%s/inventory.json", d->model.config.state_dir);
	uint64_t t0 = state_mono_ms();
	int rc = inventory_save(d->inv, path);
	cost_ms = state_mono_ms() - t0;
	next_ms = state_mono_ms() + cost_ms * SAVE_COST_FACTOR;
	if (rc)
		log_err("Failed to save the inventory to %s: %s", path, strerror(-rc));
}

void state_sync_nflog(struct cg_daemon *d)
{
	uint64_t drops;

	if (!d->nft || !d->evidence)
		return;
	if (nft_drop_packets(d->nft, &drops) == 0)
		evidence_set_nft_drops(d->evidence, drops);
	if (d->nflog)
		nflog_read(d->nflog);
}

void state_save_evidence(struct cg_daemon *d, bool now)
{
	state_sync_nflog(d);
	int rc = d->evidence ? evidence_persist(d->evidence, d->dp, d->model.config.state_dir, now) : 0;
	if (rc)
		log_err("Failed to save the flow evidence in %s: %s", d->model.config.state_dir,
			strerror(-rc));
}

int state_move_devices(struct cg_daemon *d, const struct cg_compiled *c, const char *cause,
		       struct cg_moves *ret)
{
	struct cg_moves mv;
	char mac[18];
	int rc;

	if (ret)
		*ret = (struct cg_moves){};
	if (!d->inv)
		return 0;
	/* Events the data plane queued before the flip describe new devices
	 * with the old generation's policy: take them in first. */
	if (d->ringbuf)
		ring_buffer__consume(d->ringbuf);
	rc = moves_compute(d->inv, c, &d->model, &mv);
	if (rc)
		return rc;
	moves_apply(d->inv, &mv);
	for (size_t i = 0; i < mv.n; i++) {
		addr_format_mac(mv.v[i].mac, mac);
		snprintf(d->counters.last_move, sizeof(d->counters.last_move),
			 "%s: policy %s \u2192 %s (%s, generation %u)", mac, mv.v[i].from, mv.v[i].to,
			 cause, d->dp->gen);
		log_notice("%s", d->counters.last_move);
	}
	d->counters.moves += mv.n;
	if (mv.n)
		state_save_inventory(d, true);
	if (ret)
		*ret = mv;
	else
		moves_free(&mv);
	return 0;
}

/* Once per load: `status` shows these without reading the files again. */
void state_hash_files(struct cg_daemon *d)
{
	struct cg_file_hashes *h = &d->hashes;

	free(h->each);
	h->each = calloc(d->model.nfiles ? d->model.nfiles : 1, sizeof(*h->each));
	filehash_files((const char *const *)d->model.files, d->model.nfiles, h->each, h->all);
	/* The set without camguard.conf (files[0]), which differs per host. */
	filehash_set((const char *const *)d->model.files + 1, (const char (*)[65])h->each + 1,
		     d->model.nfiles ? d->model.nfiles - 1 : 0, h->policy_set);
}

void state_reload_target(struct cg_daemon *d, struct cg_reload_target *ret)
{
	*ret = (struct cg_reload_target){
		.conf_path = d->conf_path,
		.live = &d->model,
		.inv = d->inv,
		.protected = d->protected,
		.nprotected = d->nprotected,
		.dp = d->dp,
		.nft = d->nft,
	};
}
