/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * moves.h — devices that a compiled policy set puts under another policy
 * than the inventory shows.
 *
 * The data plane resolves a device's policy per packet, so a reload moves a
 * device the moment the generation flips; the inventory (and everything shown
 * from it: cameras, stats, blocked, the state file) must follow in the same
 * step. moves_compute() asks the compiled set, with the data plane's own
 * resolution (compiled_policy_for), about every inventory device. `reload
 * --dry-run` lists its result against the candidate set; the reload computes
 * it again, with the same function, against the set it made live and applies
 * that: what the preview lists is what the reload does. Anything else that
 * changes which policy a MAC resolves to computes and applies its moves the
 * same way (daemon_move_devices()).
 */
#ifndef CAMGUARD_MOVES_H
#define CAMGUARD_MOVES_H

#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

#include "compile.h"
#include "inventory.h"
#include "model.h"

struct cg_move {
	uint8_t mac[6];
	char vendor[96];
	char from[CG_NAME_MAX];
	char to[CG_NAME_MAX];
};

struct cg_moves {
	struct cg_move *v;         /* ordered by MAC */
	size_t n;
};

/* Every device of inv whose policy under c (compiled from m) differs from
 * the one the inventory shows. Sort c first (compiled_sort_devices) when the
 * inventory is large. 0 or -ENOMEM; ret is empty on error. */
int moves_compute(const struct cg_inventory *inv, const struct cg_compiled *c,
		  const struct cg_model *m, struct cg_moves *ret);
/* Writes each move's new policy into the inventory (marking it for saving). */
void moves_apply(struct cg_inventory *inv, const struct cg_moves *mv);
/* [{"mac","vendor","from","to"}], the list `reload` and `reload --dry-run` reply. */
json_object *moves_to_json(const struct cg_moves *mv);
void moves_free(struct cg_moves *mv);

#endif
