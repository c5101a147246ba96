// SPDX-License-Identifier: GPL-2.0-only
/*
 * nft-json.c — struct cg_nft_status -> the "nftables" JSON object of the
 * status and stats replies (field names are a contract: DESIGN §4).
 */
#include <errno.h>

#include "nft-json.h"

static json_object *pair(uint64_t packets, uint64_t bytes)
{
	json_object *o = json_object_new_object();

	if (o && (json_object_object_add(o, "packets", json_object_new_int64((int64_t)packets)) < 0 ||
		  json_object_object_add(o, "bytes", json_object_new_int64((int64_t)bytes)) < 0)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static json_object *counter_json(const struct cg_nft_counter *c)
{
	json_object *o = json_object_new_object(), *reasons = json_object_new_object();
	int bad = !o || !reasons;

	for (size_t i = 0; i < c->nreasons && !bad; i++) {
		json_object *r = pair(c->reasons[i].packets, c->reasons[i].bytes);

		bad = !r || json_object_object_add(reasons, c->reasons[i].name, r) < 0;
		if (bad)
			json_object_put(r);
	}
	if (bad ||
	    json_object_object_add(o, "policy", json_object_new_string(c->policy)) < 0 ||
	    json_object_object_add(o, "direction", json_object_new_string(c->direction)) < 0 ||
	    json_object_object_add(o, "packets", json_object_new_int64((int64_t)c->packets)) < 0 ||
	    json_object_object_add(o, "bytes", json_object_new_int64((int64_t)c->bytes)) < 0 ||
	    json_object_object_add(o, "reasons", reasons) < 0) {
		json_object_put(o);
		json_object_put(reasons);
		return NULL;
	}
	return o;
}

json_object *nft_status_to_json(const struct cg_nft_status *st)
{
	json_object *o = json_object_new_object(), *counters = json_object_new_array();
	int bad = !o || !counters;

	for (size_t i = 0; i < st->ncounters && !bad; i++) {
		json_object *c = counter_json(&st->counters[i]);

		bad = !c || json_object_array_add(counters, c) < 0;
		if (bad)
			json_object_put(c);
	}
	if (bad ||
	    json_object_object_add(o, "present", json_object_new_boolean(st->present)) < 0 ||
	    json_object_object_add(o, "chains", json_object_new_int64(st->chains)) < 0 ||
	    json_object_object_add(o, "rules", json_object_new_int64(st->rules)) < 0 ||
	    json_object_object_add(o, "sets", json_object_new_int64(st->sets)) < 0 ||
	    json_object_object_add(o, "repairs", json_object_new_int64(st->repairs)) < 0 ||
	    json_object_object_add(o, "counters", counters) < 0) {
		json_object_put(o);
		json_object_put(counters);
		return NULL;
	}
	return o;
}

json_object *nft_status_json(struct cg_nft *nft)
{
	struct cg_nft_status st;
	json_object *o = NULL;
	int r = nft_status(nft, &st);

	if (!r) {
		o = nft_status_to_json(&st);
		r = o ? 0 : -ENOMEM;
	}
	nft_status_free(&st);
	if (r)
		errno = -r;
	return o;
}
