// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd-cameras.c — `cameras`: the inventory with each device's advisories,
 * filtered; `cameras --summary`: how many of each model.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "advisory.h"
#include "array.h"
#include "cmd.h"
#include "exposure.h"
#include "inventory.h"
#include "model.h"

/* The vendor an operator counts by: the MAC's, else the announced one. */
static const char *summary_vendor(const struct cg_inv_device *v)
{
	return v->vendor[0] ? v->vendor : v->facts[CG_INV_MANUFACTURER].value;
}

static int summary_cmp(const void *a, const void *b)
{
	const struct cg_inv_device *const *x = a, *const *y = b;
	int c = strcmp(summary_vendor(*x), summary_vendor(*y));
	return c ? c : strcmp((*x)->facts[CG_INV_MODEL].value, (*y)->facts[CG_INV_MODEL].value);
}

/* Largest count first; ties by vendor, then model. */
static int count_cmp(const void *a, const void *b)
{
	json_object *const *x = a, *const *y = b;
	json_object *cx, *cy;
	json_object_object_get_ex(*x, "count", &cx);
	json_object_object_get_ex(*y, "count", &cy);
	uint64_t nx = json_object_get_uint64(cx), ny = json_object_get_uint64(cy);
	if (nx != ny)
		return nx < ny ? 1 : -1;
	static const char *const keys[] = { "vendor", "model" };
	for (int i = 0; i < 2; i++) {
		json_object_object_get_ex(*x, keys[i], &cx);
		json_object_object_get_ex(*y, keys[i], &cy);
		int c = strcmp(json_object_get_string(cx), json_object_get_string(cy));
		if (c)
			return c;
	}
	return 0;
}

/* {"summary":[{"vendor","model","count"}],"devices":N,"mismatched":N,
 *  "not_announced":N,"last_probe":time|""}: how many of each model across
 * the host, largest first; how many devices have no model (after a probe:
 * they did not answer it). */
static int cameras_summary(const struct cg_view *d, json_object **ret, struct cg_proto_error *err)
{
	size_t n = d->inv ? inventory_count(d->inv) : 0, k = 0;
	const struct cg_inv_device **v = calloc(n ? n : 1, sizeof(*v));
	uint64_t mismatched = 0, silent = 0;

	if (!v)
		return protocol_error(err, "ENOMEM", "out of memory");
	for (const struct cg_inv_device *x = n ? inventory_first(d->inv) : NULL; x && k < n;
	     x = inventory_next(d->inv, x)) {
		v[k++] = x;
		mismatched += inventory_mismatch(x);
		silent += !x->facts[CG_INV_MODEL].value[0];
	}
	qsort(v, k, sizeof(*v), summary_cmp);
	json_object *res = json_object_new_object(), *arr = json_object_new_array();
	for (size_t i = 0; i < k;) {
		size_t j = i + 1;
		while (j < k && summary_cmp(&v[i], &v[j]) == 0)
			j++;
		json_object *o = json_object_new_object();
		cmd_add_str(o, "vendor", summary_vendor(v[i]));
		cmd_add_str(o, "model", v[i]->facts[CG_INV_MODEL].value);
		cmd_add_u64(o, "count", j - i);
		json_object_array_add(arr, o);
		i = j;
	}
	json_object_array_sort(arr, count_cmp);
	free(v);
	json_object_object_add(res, "summary", arr);
	cmd_add_u64(res, "devices", k);
	cmd_add_u64(res, "mismatched", mismatched);
	cmd_add_u64(res, "not_announced", silent);
	if (d->probe->started)
		cmd_add_time(res, "last_probe", d->probe->started);
	else
		cmd_add_str(res, "last_probe", "");
	*ret = res;
	return 0;
}

/* "advisories":[{"cve","confidence","severity","kev","fixed","source"}] and
 * "vulnerable": an advisory affects it (exact or likely). */
static void add_advisories(const struct cg_view *d, json_object *o, const struct cg_inv_device *v)
{
	json_object *arr = json_object_new_array();

	for (uint8_t i = 0; i < v->nadv; i++) {
		const struct cg_advisory *a;
		json_object *e;

		if (v->adv[i].advisory >= d->model->nadvisories)
			continue;
		a = &d->model->advisories[v->adv[i].advisory];
		e = json_object_new_object();
		cmd_add_str(e, "cve", a->cve);
		cmd_add_str(e, "confidence", advisory_confidence_to_string(v->adv[i].confidence));
		cmd_add_str(e, "severity", advisory_severity_to_string(a->severity));
		json_object_object_add(e, "kev", json_object_new_boolean(a->kev));
		cmd_add_str(e, "fixed", a->fixed);
		cmd_add_str(e, "source", a->source_id);
		json_object_array_add(arr, e);
	}
	json_object_object_add(o, "advisories", arr);
	json_object_object_add(o, "vulnerable", json_object_new_boolean(exposure_worst(v) >= CG_ADV_LIKELY));
}

/* A device's denied packets: drop (isolate dropped them) and would_drop
 * (monitor passed them; isolate would have dropped them), summed over
 * directions, from one walk of the device counters per request. */
struct cam_denied {
	uint8_t mac[6];
	struct cg_counter drop, would;
};

struct cam_denied_list {
	struct cam_denied *v;
	size_t n, cap;
};

static int denied_add(const uint8_t mac[6], const struct cg_dev_stats *sum, void *arg)
{
	struct cam_denied_list *l = arg;
	struct cam_denied *e;

	if (!CG_GROW(l->v, l->cap, l->n + 1))
		return -ENOMEM;
	e = &l->v[l->n++];
	*e = (struct cam_denied){ 0 };
	memcpy(e->mac, mac, 6);
	for (int dir = 0; dir < CG_DIR_MAX; dir++) {
		e->drop.packets += sum->c[dir][CG_VERDICT_DROP].packets;
		e->drop.bytes += sum->c[dir][CG_VERDICT_DROP].bytes;
		e->would.packets += sum->ev.would[dir].packets;
		e->would.bytes += sum->ev.would[dir].bytes;
	}
	return 0;
}

static int denied_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 6);   /* mac is the first member */
}

/* "drop" and "would_drop" {packets, bytes}: zeros for a device the counters
 * no longer hold (evicted, reset) or when they cannot be read. */
static void add_denied(json_object *o, const struct cam_denied_list *l, const uint8_t mac[6])
{
	const struct cam_denied *e = l->n ? bsearch(mac, l->v, l->n, sizeof(*l->v), denied_cmp) : NULL;

	json_object_object_add(o, "drop", cmd_counter_json(e ? e->drop.packets : 0, e ? e->drop.bytes : 0));
	json_object_object_add(o, "would_drop",
			       cmd_counter_json(e ? e->would.packets : 0, e ? e->would.bytes : 0));
}

/* cameras filters: every one given must hold. The vendor matches any part
 * of the MAC's vendor or of the announced manufacturer, in any case. */
static bool camera_selected(const struct cg_inv_device *v, const struct cg_request *req,
			    int64_t now)
{
	if (req->vulnerable && exposure_worst(v) < CG_ADV_LIKELY)
		return false;
	if (req->policy[0] && strcmp(v->policy, req->policy))
		return false;
	if (req->unknown && v->vendor[0])
		return false;
	if (req->mismatch && !inventory_mismatch(v))
		return false;
	if (req->since && v->last_seen < now - (int64_t)req->since)
		return false;
	return !req->vendor[0] || strcasestr(v->vendor, req->vendor) ||
	       strcasestr(v->facts[CG_INV_MANUFACTURER].value, req->vendor);
}

int cmd_cameras(const struct cg_view *d, const struct cg_request *req, json_object **ret,
	        struct cg_proto_error *err)
{
	json_object *res, *arr;
	uint64_t mismatched = 0, vulnerable = 0;
	int64_t now = time(NULL);

	if (req->summary)
		return cameras_summary(d, ret, err);
	if (req->policy[0] && model_find_policy(d->model, req->policy) < 0)
		return protocol_error(err, "ENOENT", "no policy \"%s\"", req->policy);
	struct cam_denied_list denied = { 0 };
	if (d->ops && d->ops->foreach_device && d->ops->foreach_device(d->ctx, denied_add, &denied) < 0)
		denied.n = 0;   /* the inventory still answers, with zero counts */
	if (denied.n)
		qsort(denied.v, denied.n, sizeof(*denied.v), denied_cmp);
	res = json_object_new_object();
	arr = json_object_new_array();
	if (d->inv)
		for (const struct cg_inv_device *v = inventory_first(d->inv); v;
		     v = inventory_next(d->inv, v)) {
			mismatched += inventory_mismatch(v);
			vulnerable += exposure_worst(v) >= CG_ADV_LIKELY;
			if (!camera_selected(v, req, now))
				continue;
			json_object *o = inventory_device_to_json(v);
			add_advisories(d, o, v);
			add_denied(o, &denied, v->mac);
			json_object_array_add(arr, o);
		}
	free(denied.v);
	json_object_array_sort(arr, cmd_by_mac);
	json_object_object_add(res, "cameras", arr);
	cmd_add_u64(res, "count", d->inv ? inventory_count(d->inv) : 0);
	cmd_add_u64(res, "evicted", d->inv ? inventory_evicted(d->inv) : 0);
	cmd_add_u64(res, "mismatched", mismatched);
	cmd_add_u64(res, "vulnerable", vulnerable);
	json_object_object_add(res, "only_vulnerable", json_object_new_boolean(req->vulnerable));
	*ret = res;
	return 0;
}
