// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd-advisories.c — `advisories`: the advisories loaded and how many
 * inventory devices each one matches, by confidence.
 */
#include <stdlib.h>

#include "advisory.h"
#include "cmd.h"
#include "exposure.h"
#include "inventory.h"
#include "model.h"

/* {"advisories":[{"cve","vendor","models":[],"affected","fixed","severity","kev",
 *   "source":{"id","url"},"note","file","line","devices":{"exact","likely","unknown"}}],
 *  "count":N,"affected_devices":N} */
int cmd_advisories(const struct cg_view *d, const struct cg_request *req, json_object **ret,
	           struct cg_proto_error *err)
{
	const struct cg_model *m = d->model;
	uint64_t (*count)[CG_ADV_EXACT + 1] = calloc(m->nadvisories + 1, sizeof(*count));
	uint64_t affected = 0;

	if (!count)
		return protocol_error(err, "ENOMEM", "out of memory");
	for (const struct cg_inv_device *v = d->inv ? inventory_first(d->inv) : NULL; v;
	     v = inventory_next(d->inv, v)) {
		affected += exposure_worst(v) >= CG_ADV_LIKELY;
		for (uint8_t i = 0; i < v->nadv; i++)
			if (v->adv[i].advisory < m->nadvisories && v->adv[i].confidence <= CG_ADV_EXACT)
				count[v->adv[i].advisory][v->adv[i].confidence]++;
	}
	json_object *res = json_object_new_object(), *arr = json_object_new_array();
	for (size_t i = 0; i < m->nadvisories; i++) {
		const struct cg_advisory *a = &m->advisories[i];
		json_object *o = json_object_new_object(), *models = json_object_new_array();
		json_object *src = json_object_new_object(), *dev = json_object_new_object();

		cmd_add_str(o, "cve", a->cve);
		cmd_add_str(o, "vendor", a->vendor);
		for (size_t j = 0; j < a->nmodels; j++)
			json_object_array_add(models, json_object_new_string(a->models[j]));
		json_object_object_add(o, "models", models);
		cmd_add_str(o, "affected", a->range);
		cmd_add_str(o, "fixed", a->fixed);
		cmd_add_str(o, "severity", advisory_severity_to_string(a->severity));
		json_object_object_add(o, "kev", json_object_new_boolean(a->kev));
		cmd_add_str(src, "id", a->source_id);
		cmd_add_str(src, "url", a->source_url);
		json_object_object_add(o, "source", src);
		cmd_add_str(o, "note", a->note);
		cmd_add_str(o, "file", a->origin.file);
		cmd_add_u64(o, "line", (uint64_t)a->origin.line);
		for (int c = CG_ADV_UNKNOWN; c <= CG_ADV_EXACT; c++)
			cmd_add_u64(dev, advisory_confidence_to_string(c), count[i][c]);
		json_object_object_add(o, "devices", dev);
		json_object_array_add(arr, o);
	}
	free(count);
	json_object_object_add(res, "advisories", arr);
	cmd_add_u64(res, "count", m->nadvisories);
	cmd_add_u64(res, "affected_devices", affected);
	*ret = res;
	return 0;
}
