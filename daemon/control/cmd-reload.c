// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd-reload.c — `reload` and `reload --dry-run`: asks the daemon through the
 * view's reload callback and writes its report (changes, errors with
 * file:line) as the reply.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "cmd.h"
#include "diag.h"
#include "model.h"
#include "moves.h"
#include "names.h"
#include "plan-eval.h"

/* Every error of a refused load for the client that asked (bounded: a
 * broken 100,000-line file must not make a 100,000-line reply). */
static json_object *reload_errors(const struct cg_diag *diag, const char *single)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	char line[CG_DIAG_MSG_MAX + CG_PATH_MAX];
	size_t n = 0;

	for (size_t i = 0; i < diag->nentries; i++) {
		if (diag->entries[i].severity != CG_DIAG_ERROR)
			continue;
		if (n++ < CG_RELOAD_ERRORS_MAX) {
			diag_format(&diag->entries[i], line, sizeof(line));
			json_object_array_add(a, json_object_new_string(line));
		}
	}
	if (!n && single[0])
		json_object_array_add(a, json_object_new_string(single));
	json_object_object_add(o, "errors", a);
	json_object_object_add(o, "errors_total",
			       json_object_new_uint64(diag->nerrors > n ? diag->nerrors : n ? n : 1));
	return o;
}

/* [{"mac","vendor","from","to"[,"reason"]}]: "reason" on the moves an
 * advisory policy makes. */
static json_object *reload_changes(const struct cg_reload_report *r)
{
	json_object *a = moves_to_json(&r->changes);

	for (size_t i = 0; a && r->reasons && i < r->changes.n; i++)
		if (r->reasons[i][0])
			json_object_object_add(json_object_array_get_idx(a, i), "reason",
					       json_object_new_string(r->reasons[i]));
	return a;
}

static const char *flow_proto(const struct cg_flow_key *k, char buf[8])
{
	if (!k->family)
		return "ether";   /* port is the EtherType */
	switch (k->proto) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_ICMP: return "icmp";
	case IPPROTO_ICMPV6: return "icmpv6";
	default:
		snprintf(buf, 8, "%u", k->proto);
		return buf;
	}
}

/* One flow of the dry run's lists: the device, its policy in the new set,
 * the remote side as `blocked` shows it, the verdict now and after. */
static json_object *flow_json(const struct cg_reload_flow *f)
{
	json_object *o = json_object_new_object();
	char mac[18], addr[64] = "", pb[8];

	addr_format_mac(f->key.mac, mac);
	if (f->key.family)
		addr_format_ip(f->key.family, f->key.addr, addr, sizeof(addr));
	cmd_add_str(o, "mac", mac);
	cmd_add_str(o, "policy", f->policy);
	cmd_add_str(o, "direction", cg_dir_to_string(f->key.dir));
	cmd_add_u64(o, "family", f->key.family);
	cmd_add_str(o, "address", addr);
	cmd_add_str(o, "proto", flow_proto(&f->key, pb));
	cmd_add_u64(o, "port", f->key.port);
	cmd_add_u64(o, "packets", f->packets);
	cmd_add_time(o, "last", f->last);
	cmd_add_str(o, "now", plan_verdict_to_string(f->now));
	cmd_add_str(o, "after", plan_verdict_to_string(f->next));
	cmd_add_str(o, "reason", cg_reason_to_string(f->key.reason));
	json_object_object_add(o, "uncertain", json_object_new_boolean(f->uncertain));
	return o;
}

static json_object *flow_list_json(const struct cg_reload_flow_list *l, json_object *totals,
				   const char *name)
{
	json_object *a = json_object_new_array(), *t = json_object_new_object();

	for (size_t i = 0; i < l->n; i++)
		json_object_array_add(a, flow_json(&l->v[i]));
	cmd_add_u64(t, "flows", l->flows);
	cmd_add_u64(t, "devices", l->devices);
	cmd_add_u64(t, "packets", l->packets);
	cmd_add_u64(t, "left_out", l->flows - l->n);
	json_object_object_add(totals, name, t);
	return a;
}

/* {"since","examined","start_drop":[...],"stop_drop":[...],"totals":{...}} */
static json_object *reload_flows_json(const struct cg_reload_flows *f)
{
	json_object *o = json_object_new_object(), *totals = json_object_new_object();

	cmd_add_time(o, "since", f->since);
	cmd_add_u64(o, "examined", f->examined);
	json_object_object_add(o, "start_drop", flow_list_json(&f->start, totals, "start_drop"));
	json_object_object_add(o, "stop_drop", flow_list_json(&f->stop, totals, "stop_drop"));
	cmd_add_u64(totals, "uncertain", f->uncertain);
	cmd_add_u64(totals, "max_listed", CG_RELOAD_FLOWS_MAX);
	json_object_object_add(o, "totals", totals);
	return o;
}

int cmd_reload(const struct cg_view *d, const struct cg_request *req, json_object **ret,
	       struct cg_proto_error *err)
{
	_cleanup_(reload_report_free) struct cg_reload_report r;
	json_object *res;
	int rc;

	reload_report_init(&r);
	rc = d->ops->reload(d->ctx, req->dry_run, &r);
	if (rc < 0 && !req->dry_run) {
		/* the error reply carries the list (control.c adds it) */
		*ret = r.invalid ? reload_errors(&r.diag, r.message) : NULL;
		return protocol_error(err, protocol_errno_name(rc), "reload failed, the running policy is unchanged: %s",
				      r.message[0] ? r.message : strerror(-rc));
	}
	res = json_object_new_object();
	json_object_object_add(res, "dry_run", json_object_new_boolean(req->dry_run));
	json_object_object_add(res, "valid", json_object_new_boolean(rc >= 0));
	cmd_add_u64(res, "generation", cmd_generation(d));
	if (rc < 0) {
		cmd_add_str(res, "message", r.message[0] ? r.message : strerror(-rc));
		if (r.invalid) {
			json_object *errors = reload_errors(&r.diag, r.message);
			json_object_object_foreach(errors, key, val)
				json_object_object_add(res, key, json_object_get(val));
			json_object_put(errors);
		}
		json_object_object_add(res, "changes", json_object_new_array());
	} else {
		cmd_add_str(res, "message", r.message);
		json_object_object_add(res, "changes", reload_changes(&r));
		if (req->dry_run && r.flows.present)
			json_object_object_add(res, "flows", reload_flows_json(&r.flows));
	}
	*ret = res;
	return 0;
}
