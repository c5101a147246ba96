// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd-probe.c — `probe`: send a probe round through the view's probe
 * callback; `probe --result`: who answered the last one and who gained a
 * model since.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cmd.h"
#include "discovery.h"
#include "inventory.h"

static int mac_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 6);
}

/* {"started","interfaces":[{"name","sent","error"}]} */
static int probe_send(const struct cg_view *d, const struct cg_request *req, json_object **ret,
		      struct cg_proto_error *err)
{
	_cleanup_free_ struct cg_probe_iface *f = calloc(d->nifaces + 1, sizeof(*f));
	json_object *res, *a;
	size_t n = 0;

	if (!f)
		return protocol_error(err, "ENOMEM", "out of memory");
	if (d->ops->probe(d->ctx, req->iface[0] ? req->iface : NULL, f, d->nifaces, &n))
		return protocol_error(err, "ENODEV", "%s is not a camera interface", req->iface);
	a = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_new_object();
		cmd_add_str(o, "name", f[i].name);
		json_object_object_add(o, "sent", json_object_new_int64(f[i].sent));
		cmd_add_str(o, "error", f[i].error ? strerror(-f[i].error) : "");
		json_object_array_add(a, o);
	}
	res = json_object_new_object();
	cmd_add_time(res, "started", d->probe->started);
	json_object_object_add(res, "interfaces", a);
	*ret = res;
	return 0;
}

/* Sent: {"started","interfaces":[{"name","sent","error"}]}.
 * Result of the last probe: {"started","answered":[mac],"gained":[{"mac",
 * "model","firmware","source"}],"not_announced":N}: who announced anything
 * since it started, who has a model now and had none then. */
int cmd_probe(const struct cg_view *d, const struct cg_request *req, json_object **ret,
	      struct cg_proto_error *err)
{
	json_object *res, *a, *g;
	char mac[18];

	if (!req->result)
		return probe_send(d, req, ret, err);
	if (!d->probe->started)
		return protocol_error(err, "ENOENT", "no probe was sent yet");
	res = json_object_new_object();
	a = json_object_new_array();
	g = json_object_new_array();
	uint64_t silent = 0;
	for (const struct cg_inv_device *v = inventory_first(d->inv); v; v = inventory_next(d->inv, v)) {
		const struct cg_inv_fact *m = &v->facts[CG_INV_MODEL];
		bool answered = false;
		for (int s = 0; s < CG_DISC_SRC_MAX; s++)
			answered |= v->announced[s] >= d->probe->started;
		silent += !m->value[0];
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", v->mac[0], v->mac[1],
			 v->mac[2], v->mac[3], v->mac[4], v->mac[5]);
		if (answered)
			json_object_array_add(a, json_object_new_string(mac));
		bool known = d->probe->nknown &&
			     bsearch(v->mac, d->probe->known, d->probe->nknown, 6, mac_cmp);
		if (m->value[0] && !known) {
			json_object *o = json_object_new_object();
			cmd_add_str(o, "mac", mac);
			cmd_add_str(o, "model", m->value);
			cmd_add_str(o, "firmware", v->facts[CG_INV_FIRMWARE].value);
			cmd_add_str(o, "source", discovery_source_to_string(m->source));
			json_object_array_add(g, o);
		}
	}
	cmd_add_time(res, "started", d->probe->started);
	json_object_object_add(res, "answered", a);
	json_object_object_add(res, "gained", g);
	cmd_add_u64(res, "not_announced", silent);
	*ret = res;
	return 0;
}
