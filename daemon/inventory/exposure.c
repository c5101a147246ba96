// SPDX-License-Identifier: GPL-2.0-only
/*
 * exposure.c — owns applying the advisories to the inventory: which devices
 * each advisory affects, and with what confidence. See exposure.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "exposure.h"

static int match(const struct cg_advisory *a, const struct cg_inv_device *d)
{
	return advisory_match(a, d->vendor, d->facts[CG_INV_MANUFACTURER].value,
			      d->facts[CG_INV_MODEL].value, d->facts[CG_INV_FIRMWARE].value);
}

bool exposure_match_device(const struct cg_model *m, struct cg_inv_device *d)
{
	struct cg_inv_adv v[CG_INV_ADV];
	uint8_t n = 0;

	/* Strongest first, then file order; beyond CG_INV_ADV the weakest go. */
	for (int conf = CG_ADV_EXACT; conf >= CG_ADV_UNKNOWN; conf--)
		for (size_t i = 0; i < m->nadvisories && n < CG_INV_ADV; i++)
			if (match(&m->advisories[i], d) == conf)
				v[n++] = (struct cg_inv_adv){ .advisory = (uint16_t)i,
							      .confidence = (uint8_t)conf };
	bool changed = n != d->nadv || (n && memcmp(v, d->adv, n * sizeof(*v)));
	memcpy(d->adv, v, n * sizeof(*v));
	d->nadv = n;
	return changed;
}

int exposure_worst(const struct cg_inv_device *d)
{
	return d->nadv ? d->adv[0].confidence : CG_ADV_NONE;
}

static bool listed_explicitly(const struct cg_model *m, const uint8_t mac[6])
{
	for (size_t i = 0; i < m->npolicies; i++)
		for (size_t j = 0; j < m->policies[i].ndevices; j++)
			if (!memcmp(m->policies[i].devices[j].mac, mac, 6))
				return true;
	return false;
}

/* The strongest advisory (exact before likely) policy p selects for d. */
static int selected(const struct cg_model *m, const struct cg_policy_spec *p,
		    const struct cg_inv_device *d, int *ret_adv)
{
	int best = CG_ADV_NONE;

	for (size_t i = 0; i < m->nadvisories; i++) {
		const struct cg_advisory *a = &m->advisories[i];
		bool named = p->vulnerable;

		for (size_t j = 0; j < p->nadvisories && !named; j++)
			named = !strcasecmp(p->advisories[j], a->cve);
		if (!named)
			continue;
		int c = match(a, d);
		if (c >= CG_ADV_LIKELY && c > best) {
			best = c;
			*ret_adv = (int)i;
		}
	}
	return best;
}

static int moved_cmp(const void *a, const void *b)
{
	return memcmp(((const struct cg_moved_device *)a)->mac, ((const struct cg_moved_device *)b)->mac, 6);
}

int exposure_moves(const struct cg_model *m, const struct cg_inventory *inv,
		   struct cg_moved_device **ret, size_t *ret_n)
{
	struct cg_moved_device *v = NULL;
	size_t n = 0;
	bool any = false;

	*ret = NULL;
	*ret_n = 0;
	for (size_t i = 0; i < m->npolicies; i++)
		any |= m->policies[i].vulnerable || m->policies[i].nadvisories;
	if (!any || !m->nadvisories || !inv)
		return 0;
	for (const struct cg_inv_device *d = inventory_first(inv); d; d = inventory_next(inv, d)) {
		for (size_t i = 0; i < m->npolicies; i++) {
			const struct cg_policy_spec *p = &m->policies[i];
			int adv = -1, c;

			if (!p->vulnerable && !p->nadvisories)
				continue;
			c = selected(m, p, d, &adv);
			if (c < CG_ADV_LIKELY)
				continue;
			if (listed_explicitly(m, d->mac))
				break;
			if (model_array_grow((void **)&v, n, sizeof(*v)) < 0) {
				free(v);
				return -ENOMEM;
			}
			memset(&v[n], 0, sizeof(*v));   /* the set is compared with memcmp */
			memcpy(v[n].mac, d->mac, 6);
			v[n].policy = (uint16_t)i;
			v[n].advisory = adv;
			v[n].confidence = (uint8_t)c;
			n++;
			break;   /* the first policy in load order takes it */
		}
	}
	if (n)
		qsort(v, n, sizeof(*v), moved_cmp);
	*ret = v;
	*ret_n = n;
	return 0;
}

const struct cg_moved_device *exposure_find_move(const struct cg_moved_device *v, size_t n,
						 const uint8_t mac[6])
{
	struct cg_moved_device key;

	if (!n)
		return NULL;
	memcpy(key.mac, mac, 6);
	return bsearch(&key, v, n, sizeof(*v), moved_cmp);
}
