/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * exposure.h — the advisories applied to the inventory (issue 18).
 *
 * exposure_match_device() fills a device's advisory matches from what it
 * announced (advisory.h explains the confidences); exposure_moves() works
 * out which devices policies with match.advisory / match.vulnerable take
 * while they are affected (exact or likely). The daemon compiles that set
 * into the next generation: a moved device is an exact-MAC entry of the
 * stricter policy, and leaves it when a new announcement shows firmware
 * outside the range. Pure functions of the model and the inventory, so
 * reload --dry-run computes the moves of the next model without touching
 * the live state.
 */
#ifndef CAMGUARD_EXPOSURE_H
#define CAMGUARD_EXPOSURE_H

#include <stdbool.h>
#include <stddef.h>

#include "advisory.h"
#include "inventory.h"
#include "model.h"

/* Recompute d->adv against m. True if the matches changed. */
bool exposure_match_device(const struct cg_model *m, struct cg_inv_device *d);

/* The strongest confidence among d's matches (CG_ADV_NONE if none). */
int exposure_worst(const struct cg_inv_device *d);

/* Devices of inv that m's advisory policies take, sorted by MAC, computed
 * from the devices' facts (not their stored matches). *ret is malloc'ed
 * (NULL when empty). 0 or -ENOMEM. */
int exposure_moves(const struct cg_model *m, const struct cg_inventory *inv,
		   struct cg_moved_device **ret, size_t *ret_n);

/* The move of mac in a sorted set, or NULL. */
const struct cg_moved_device *exposure_find_move(const struct cg_moved_device *v, size_t n,
						 const uint8_t mac[6]);

#endif
