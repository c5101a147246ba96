// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd-blocked.c — `blocked`: the destinations each device was refused, and
 * per policy the most refused ones across its devices.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "inventory.h"
#include "model.h"
#include "names.h"

static const char *proto_name(uint8_t p, char buf[8])
{
	switch (p) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_ICMP: return "icmp";
	case IPPROTO_ICMPV6: return "icmpv6";
	default:
		snprintf(buf, 8, "%u", p);
		return buf;
	}
}

static json_object *blocked_json(const struct cg_inv_blocked *b)
{
	json_object *o = json_object_new_object();
	char addr[64], pb[8];

	addr_format_ip(b->family, b->addr, addr, sizeof(addr));
	cmd_add_str(o, "address", addr);
	cmd_add_u64(o, "port", b->port);
	cmd_add_str(o, "proto", proto_name(b->proto, pb));
	cmd_add_str(o, "direction", cg_dir_to_string(b->dir));
	cmd_add_str(o, "reason", cg_reason_to_string(b->reason));
	cmd_add_u64(o, "count", b->count);
	cmd_add_time(o, "last", b->last);
	json_object_object_add(o, "would", json_object_new_boolean(b->would));
	return o;
}

/* One blocked destination of one device, tagged with its policy, for the
 * per-policy aggregation: sorted by (policy, destination), then merged. */
struct agg {
	int policy;
	const struct cg_inv_blocked *b;
	uint64_t count;
	uint64_t devices;
};

static int agg_key_cmp(const struct agg *x, const struct agg *y)
{
	if (x->policy != y->policy)
		return x->policy < y->policy ? -1 : 1;
	if (x->b->family != y->b->family)
		return x->b->family - y->b->family;
	int c = memcmp(x->b->addr, y->b->addr, 16);
	if (c)
		return c;
	if (x->b->port != y->b->port)
		return x->b->port - y->b->port;
	if (x->b->proto != y->b->proto)
		return x->b->proto - y->b->proto;
	if (x->b->dir != y->b->dir)
		return x->b->dir - y->b->dir;
	return x->b->reason - y->b->reason;
}

static int agg_cmp(const void *a, const void *b)
{
	return agg_key_cmp(a, b);
}

static int agg_count_cmp(const void *a, const void *b)
{
	const struct agg *x = a, *y = b;
	if (x->policy != y->policy)
		return x->policy < y->policy ? -1 : 1;
	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

static int blocked_count_cmp(const void *a, const void *b)
{
	json_object *const *x = a, *const *y = b;
	json_object *cx, *cy;
	json_object_object_get_ex(*x, "count", &cx);
	json_object_object_get_ex(*y, "count", &cy);
	uint64_t nx = json_object_get_uint64(cx), ny = json_object_get_uint64(cy);
	return nx < ny ? 1 : nx > ny ? -1 : 0;
}

int cmd_blocked(const struct cg_view *d, const struct cg_request *req, json_object **ret,
	        struct cg_proto_error *err)
{
	const struct cg_model *m = d->model;
	size_t cap = d->inv ? inventory_count(d->inv) * CG_INV_BLOCKED : 0, n = 0;
	struct agg *all = cap ? calloc(cap, sizeof(*all)) : NULL;
	json_object *res, *devs, *pols;

	if (cap && !all)
		return protocol_error(err, "ENOMEM", "out of memory");
	res = json_object_new_object();
	devs = json_object_new_array();
	for (const struct cg_inv_device *v = d->inv ? inventory_first(d->inv) : NULL; v;
	     v = inventory_next(d->inv, v)) {
		json_object *bl = NULL;
		int pi = model_find_policy(m, v->policy);
		for (int i = 0; i < CG_INV_BLOCKED; i++) {
			const struct cg_inv_blocked *b = &v->blocked[i];
			if (!b->family)
				continue;
			if (!bl)
				bl = json_object_new_array();
			json_object_array_add(bl, blocked_json(b));
			if (n < cap)
				all[n++] = (struct agg){ .policy = pi, .b = b, .count = b->count,
							 .devices = 1 };
		}
		if (!bl)
			continue;
		json_object_array_sort(bl, blocked_count_cmp);
		json_object *o = json_object_new_object();
		char mac[18];
		addr_format_mac(v->mac, mac);
		cmd_add_str(o, "mac", mac);
		cmd_add_str(o, "vendor", v->vendor);
		cmd_add_str(o, "policy", v->policy);
		json_object_object_add(o, "blocked", bl);
		json_object_array_add(devs, o);
	}
	json_object_array_sort(devs, cmd_by_mac);
	json_object_object_add(res, "devices", devs);

	/* Merge equal destinations within a policy, then keep the top ones. */
	if (n)
		qsort(all, n, sizeof(*all), agg_cmp);
	size_t w = 0;
	for (size_t i = 0; i < n; i++) {
		if (w && agg_key_cmp(&all[w - 1], &all[i]) == 0) {
			all[w - 1].count += all[i].count;
			all[w - 1].devices++;
		} else {
			all[w++] = all[i];
		}
	}
	if (w)
		qsort(all, w, sizeof(*all), agg_count_cmp);
	pols = json_object_new_array();
	for (size_t i = 0; i < m->npolicies; i++) {
		json_object *o = json_object_new_object(), *bl = json_object_new_array();
		size_t shown = 0;
		cmd_add_str(o, "name", m->policies[i].name);
		for (size_t k = 0; k < w; k++) {
			if (all[k].policy != (int)i || shown >= CG_BLOCKED_TOP)
				continue;
			json_object *b = blocked_json(all[k].b);
			json_object_object_del(b, "last");
			json_object_object_del(b, "would");
			json_object_object_add(b, "count", json_object_new_uint64(all[k].count));
			cmd_add_u64(b, "devices", all[k].devices);
			json_object_array_add(bl, b);
			shown++;
		}
		json_object_object_add(o, "blocked", bl);
		json_object_array_add(pols, o);
	}
	json_object_object_add(res, "policies", pols);
	free(all);
	*ret = res;
	return 0;
}
