// SPDX-License-Identifier: GPL-2.0-only
/*
 * advmoves.c — the advisory policies at run time (advmoves.h). A reload
 * computes the same set for its candidate (reload.c); this module keeps
 * the live set in step when devices announce new firmware.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "advisory.h"
#include "advmoves.h"
#include "compile.h"
#include "dataplane.h"
#include "exposure.h"
#include "inventory.h"
#include "log.h"
#include "reload.h"
#include "state.h"

void advmoves_log(const struct cg_daemon *d, const struct cg_moved_device *old, size_t nold)
{
	char mac[18];

	for (size_t i = 0; i < d->nmoved; i++) {
		const struct cg_moved_device *mv = &d->moved[i];
		const struct cg_inv_device *dev = d->inv ? inventory_find(d->inv, mv->mac) : NULL;
		const struct cg_advisory *a;

		if (exposure_find_move(old, nold, mv->mac) || mv->advisory < 0 ||
		    (size_t)mv->advisory >= d->model.nadvisories || mv->policy >= d->model.npolicies)
			continue;
		a = &d->model.advisories[mv->advisory];
		addr_format_mac(mv->mac, mac);
		log_notice("Device %s goes under policy %s: %s (%s), firmware \"%s\", fixed in %s", mac,
			   d->model.policies[mv->policy].name, a->cve,
			   advisory_confidence_to_string(mv->confidence),
			   dev ? dev->facts[CG_INV_FIRMWARE].value : "", a->fixed[0] ? a->fixed : "(see advisory)");
	}
	for (size_t i = 0; i < nold; i++) {
		const struct cg_inv_device *dev = d->inv ? inventory_find(d->inv, old[i].mac) : NULL;

		if (exposure_find_move(d->moved, d->nmoved, old[i].mac))
			continue;
		addr_format_mac(old[i].mac, mac);
		log_notice("Device %s leaves its advisory policy: firmware \"%s\" is no longer in an advisory's range",
			   mac, dev ? dev->facts[CG_INV_FIRMWARE].value : "");
	}
}

bool advmoves_match(struct cg_daemon *d, struct cg_inv_device *dev)
{
	int before = exposure_worst(dev);

	if (!exposure_match_device(&d->model, dev))
		return false;
	if (exposure_worst(dev) >= CG_ADV_LIKELY && exposure_worst(dev) != before) {
		char mac[18];
		addr_format_mac(dev->mac, mac);
		for (uint8_t i = 0; i < dev->nadv && dev->adv[i].confidence >= CG_ADV_LIKELY; i++) {
			const struct cg_advisory *a = &d->model.advisories[dev->adv[i].advisory];
			log_notice("Device %s (%s, firmware \"%s\") is affected by %s (%s%s, %s), fixed in %s",
				   mac, dev->facts[CG_INV_MODEL].value[0] ? dev->facts[CG_INV_MODEL].value : "model unknown",
				   dev->facts[CG_INV_FIRMWARE].value, a->cve,
				   advisory_confidence_to_string(dev->adv[i].confidence),
				   a->kev ? ", CISA KEV" : "", a->source_id,
				   a->fixed[0] ? a->fixed : "(see advisory)");
		}
	}
	return true;
}

/* The live model with moved devices v, compiled and applied to both layers. */
static int apply_moved(struct cg_daemon *d, struct cg_moved_device *v, size_t n,
		       struct cg_compiled *c, char *err, size_t errlen)
{
	struct cg_reload_target t;
	bool rolled_back;
	int rc;

	d->model.moved = v;
	d->model.nmoved = n;
	rc = reload_compile(&d->model, c, err, errlen);
	if (rc)
		return rc;
	state_reload_target(d, &t);
	rc = reload_apply(&t, &d->model, c, &rolled_back, err, errlen);
	if (rc)
		compiled_free(c);
	return rc;
}

void advmoves_refresh(struct cg_daemon *d)
{
	struct cg_moved_device *v, *old;
	struct cg_compiled c;
	size_t n, nold;
	char err[512];

	if (exposure_moves(&d->model, d->inv, &v, &n) < 0) {
		log_err("Failed to match the inventory against the advisories: out of memory");
		return;
	}
	if (n == d->nmoved && (!n || !memcmp(v, d->moved, n * sizeof(*v)))) {
		free(v);
		return;
	}
	if (apply_moved(d, v, n, &c, err, sizeof(err))) {
		log_err("Failed to apply the advisory policy moves, the previous set stays: %s", err);
		d->model.moved = d->moved;
		d->model.nmoved = d->nmoved;
		free(v);
		return;
	}
	old = d->moved;
	nold = d->nmoved;
	d->moved = v;
	d->nmoved = n;
	advmoves_log(d, old, nold);
	compiled_sort_devices(&c);
	if (state_move_devices(d, &c, "advisory", NULL))
		log_err("Failed to move devices to their advisory policies: out of memory");
	compiled_free(&c);
	free(old);
	log_info("Advisory policies hold %zu device%s (generation %u)", n, n == 1 ? "" : "s",
		 d->dp->gen);
}
