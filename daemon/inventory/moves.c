// SPDX-License-Identifier: GPL-2.0-only
/*
 * moves.c — owns the devices a compiled policy set puts under another
 * policy than the inventory shows (advisory moves). See moves.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "moves.h"

static int move_cmp(const void *a, const void *b)
{
	return memcmp(((const struct cg_move *)a)->mac, ((const struct cg_move *)b)->mac, 6);
}

int moves_compute(const struct cg_inventory *inv, const struct cg_compiled *c,
		  const struct cg_model *m, struct cg_moves *ret)
{
	const char *names[CG_MAX_POLICIES] = {};
	struct cg_move *v = NULL;
	size_t n = 0, cap = 0;

	*ret = (struct cg_moves){};
	for (size_t i = 0; i < m->npolicies; i++)
		if (m->policies[i].id < CG_MAX_POLICIES)
			names[m->policies[i].id] = m->policies[i].name;
	for (const struct cg_inv_device *d = inv ? inventory_first(inv) : NULL; d;
	     d = inventory_next(inv, d)) {
		unsigned id = compiled_policy_for(c, d->mac);
		/* "unknown" as daemon_policy_name(): an id the set does not name. */
		const char *to = id < CG_MAX_POLICIES && names[id] ? names[id] : "unknown";
		if (strcmp(to, d->policy) == 0)
			continue;
		if (!CG_GROW(v, cap, n + 1)) {
			free(v);
			return -ENOMEM;
		}
		struct cg_move *mv = &v[n++];
		memcpy(mv->mac, d->mac, 6);
		snprintf(mv->vendor, sizeof(mv->vendor), "%s", d->vendor);
		snprintf(mv->from, sizeof(mv->from), "%s", d->policy);
		snprintf(mv->to, sizeof(mv->to), "%s", to);
	}
	if (n)
		qsort(v, n, sizeof(*v), move_cmp);
	*ret = (struct cg_moves){ .v = v, .n = n };
	return 0;
}

void moves_apply(struct cg_inventory *inv, const struct cg_moves *mv)
{
	for (size_t i = 0; i < mv->n; i++) {
		struct cg_inv_device *d = inventory_find(inv, mv->v[i].mac);
		if (d)
			inventory_set_policy(inv, d, mv->v[i].to);
	}
}

json_object *moves_to_json(const struct cg_moves *mv)
{
	json_object *arr = json_object_new_array();
	char mac[18];

	for (size_t i = 0; arr && i < mv->n; i++) {
		json_object *o = json_object_new_object();
		addr_format_mac(mv->v[i].mac, mac);
		json_object_object_add(o, "mac", json_object_new_string(mac));
		json_object_object_add(o, "vendor", json_object_new_string(mv->v[i].vendor));
		json_object_object_add(o, "from", json_object_new_string(mv->v[i].from));
		json_object_object_add(o, "to", json_object_new_string(mv->v[i].to));
		json_object_array_add(arr, o);
	}
	return arr;
}

void moves_free(struct cg_moves *mv)
{
	free(mv->v);
	*mv = (struct cg_moves){};
}
