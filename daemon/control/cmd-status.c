// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd-status.c — `status`: the daemon's health in one object: version and
 * uptime, the files it loaded, interfaces and hooks, the nftables layer,
 * reloads, tamper events, moves, the inventory and its announcements.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "advisory.h"
#include "cmd.h"
#include "daemon/inventory/evidence.h"
#include "exposure.h"
#include "inventory.h"
#include "metrics.h"
#include "model.h"
#include "names.h"

static void status_files(const struct cg_view *d, json_object *res)
{
	const struct cg_model *m = d->model;
	json_object *a = json_object_new_array(), *o;

	for (size_t i = 0; i < m->nfiles; i++) {
		o = json_object_new_object();
		cmd_add_str(o, "path", m->files[i]);
		cmd_add_str(o, "sha256", d->hashes->each ? d->hashes->each[i] : "");
		json_object_array_add(a, o);
	}
	json_object_object_add(res, "files", a);
	cmd_add_str(res, "files_hash", d->hashes->all);
	cmd_add_str(res, "policy_set_hash", d->hashes->policy_set);
	o = json_object_new_object();
	cmd_add_str(o, "textfile", m->config.metrics_textfile);
	cmd_add_u64(o, "interval", m->config.metrics_interval);
	cmd_add_u64(o, "max_devices", m->config.metrics_max_devices);
	cmd_add_u64(o, "written", d->metrics->written);
	cmd_add_u64(o, "failed", d->metrics->failed);
	cmd_add_u64(o, "skipped", d->metrics->skipped);
	json_object_object_add(res, "metrics", o);

	o = json_object_new_object();
	cmd_add_str(o, "path", m->registry_used);
	cmd_add_str(o, "date", m->registry_date);
	json_object_object_add(o, "read", json_object_new_boolean(m->registry_read));
	cmd_add_u64(o, "entries", m->registry_entries);
	json_object_object_add(res, "registry", o);
}

static json_object *status_interfaces(const struct cg_view *d)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < d->nifaces; i++) {
		const struct cg_iface *f = &d->ifaces[i];
		json_object *hooks = json_object_new_object(), *exp = json_object_new_array();
		json_object *o = json_object_new_object();
		cmd_add_str(o, "name", f->name);
		cmd_add_str(o, "mode", f->mode == CG_IFMODE_XDP ? "xdp" : "tc");
		cmd_add_u64(o, "ifindex", f->ifindex > 0 ? (uint64_t)f->ifindex : 0);
		for (int h = 0; h < CG_HOOK_MAX; h++) {
			json_object_object_add(hooks, cg_hook_to_string(h),
					       json_object_new_boolean(f->attached[h]));
			if (ifaces_uses(f->mode, h))
				json_object_array_add(exp, json_object_new_string(cg_hook_to_string(h)));
		}
		json_object_object_add(o, "hooks", hooks);
		json_object_object_add(o, "expected", exp);
		cmd_add_u64(o, "attaches", f->attaches);
		cmd_add_str(o, "error", f->error);
		json_object_array_add(a, o);
	}
	return a;
}

/* "reloads", "tamper" and "moves": the daemon's own counters. */
static void status_counters(const struct cg_view *d, json_object *res)
{
	const struct cg_counters *k = d->counters;
	json_object *o = json_object_new_object(), *last = json_object_new_object();

	cmd_add_u64(o, "ok", k->reloads_ok);
	cmd_add_u64(o, "failed", k->reloads_failed);
	json_object_object_add(last, "ok", json_object_new_boolean(k->last_reload.ok));
	cmd_add_time(last, "time", k->last_reload.when);
	cmd_add_str(last, "message", k->last_reload.message);
	cmd_add_u64(last, "generation", k->last_reload.generation);
	json_object_object_add(o, "last", last);
	json_object_object_add(res, "reloads", o);

	o = json_object_new_object();
	cmd_add_u64(o, "events", k->tamper_events);
	cmd_add_str(o, "last", k->last_tamper);
	json_object_object_add(res, "tamper", o);

	o = json_object_new_object();
	cmd_add_u64(o, "total", k->moves);
	cmd_add_str(o, "last", k->last_move);
	json_object_object_add(res, "moves", o);
}

static json_object *status_fragments(const struct cg_view *d, const uint64_t *misc)
{
	struct cg_reasm_stats rs = {};
	json_object *fr = json_object_new_object();

	if (d->ops->reasm_stats)
		d->ops->reasm_stats(d->ctx, &rs);
	cmd_add_u64(fr, "copied", misc[CG_MISC_DISC_FRAGS]);
	cmd_add_u64(fr, "untracked", misc[CG_MISC_DISC_FRAG_UNTRACKED]);
	cmd_add_u64(fr, "over_bounds", misc[CG_MISC_DISC_FRAG_OVERSIZE]);
	cmd_add_u64(fr, "received", rs.fragments);
	cmd_add_u64(fr, "reassembled", rs.reassembled);
	cmd_add_u64(fr, "pending", rs.pending);
	cmd_add_u64(fr, "timeouts", rs.timeouts);
	cmd_add_u64(fr, "overlaps", rs.overlaps);
	cmd_add_u64(fr, "inconsistent", rs.inconsistent);
	cmd_add_u64(fr, "oversize", rs.oversize);
	cmd_add_u64(fr, "limited", rs.limited);
	return fr;
}

static json_object *status_inventory(const struct cg_view *d, const uint64_t *misc)
{
	json_object *o = json_object_new_object(), *ann = json_object_new_object();
	struct cg_inv_disc_stats ds = {};
	uint64_t mismatched = 0;

	cmd_add_u64(o, "devices", d->inv ? inventory_count(d->inv) : 0);
	cmd_add_u64(o, "evicted", d->inv ? inventory_evicted(d->inv) : 0);
	if (d->inv) {
		for (const struct cg_inv_device *v = inventory_first(d->inv); v;
		     v = inventory_next(d->inv, v))
			mismatched += inventory_mismatch(v);
		inventory_discovery_stats(d->inv, &ds);
	}
	cmd_add_u64(o, "mismatched", mismatched);
	cmd_add_u64(ann, "copies", misc[CG_MISC_DISC_COPIES]);
	cmd_add_u64(ann, "limited", misc[CG_MISC_DISC_LIMITED]);
	cmd_add_u64(ann, "parsed", ds.parsed);
	cmd_add_u64(ann, "ignored", ds.ignored);
	cmd_add_u64(ann, "malformed", ds.malformed);
	json_object_object_add(ann, "fragments", status_fragments(d, misc));
	json_object_object_add(o, "announcements", ann);
	return o;
}

static json_object *status_advisories(const struct cg_view *d)
{
	json_object *o = json_object_new_object();
	uint64_t affected = 0;

	for (const struct cg_inv_device *v = d->inv ? inventory_first(d->inv) : NULL; v;
	     v = inventory_next(d->inv, v))
		affected += exposure_worst(v) >= CG_ADV_LIKELY;
	cmd_add_u64(o, "entries", d->model->nadvisories);
	cmd_add_str(o, "file", d->model->config.advisories);
	cmd_add_u64(o, "affected_devices", affected);
	cmd_add_u64(o, "moved_devices", d->model->nmoved);
	return o;
}

/* "evidence": the denied-flow table and the data plane's counters around it
 * (issue 15): rows of the table (every map instance's) against
 * evidence.max_flows (the bound of one instance), the packets that found no
 * row (per device, and of no device at all), address events reported and
 * put off (retried by a later frame). */
static json_object *status_evidence(const struct cg_view *d, const uint64_t *misc)
{
	const struct cg_evidence *ev = d->ops && d->ops->evidence ? d->ops->evidence(d->ctx) : NULL;
	json_object *o = json_object_new_object();
	uint64_t over[2] = {};
	size_t nover = 0;
	const struct cg_evidence_over *ov = ev ? evidence_overflows(ev, &nover) : NULL;

	for (size_t i = 0; ov && i < nover; i++) {
		over[0] += ov[i].packets[0];
		over[1] += ov[i].packets[1];
	}
	cmd_add_u64(o, "rows", ev ? evidence_rows(ev) : 0);
	cmd_add_u64(o, "max_flows", d->model->config.evidence_max_flows);
	cmd_add_u64(o, "overflow_packets", over[0]);
	cmd_add_u64(o, "overflow_would_packets", over[1]);
	cmd_add_u64(o, "overflow_devices", nover);
	cmd_add_u64(o, "flow_over_nodev", misc[CG_MISC_FLOW_OVER_NODEV]);
	cmd_add_u64(o, "addr_events", misc[CG_MISC_ADDR_EVENTS]);
	cmd_add_u64(o, "addr_deferred", misc[CG_MISC_ADDR_DEFERRED]);
	return o;
}

/* {"version","pid","started","uptime","generation","config","policies","enforce",
 *  "files":[{"path","sha256"}],"files_hash","policy_set_hash",
 *  "metrics":{"textfile","interval","max_devices","written","failed","skipped"},
 *  "registry":{"path","date","read","entries"},
 *  "interfaces":[{"name","mode","ifindex","hooks":{"tc-ingress":bool,...},
 *                 "expected":["tc-ingress",...],"attaches","error"}],
 *  "nftables":{...}|null, "reloads":{"ok","failed","last":{"ok","time","message","generation"}},
 *  "tamper":{"events","last"}, "moves":{"total","last"},
 *  "inventory":{"devices","evicted","mismatched",
 *  "announcements":{"copies","limited","parsed","ignored","malformed",
 *                   "fragments":{"copied","untracked","over_bounds","received","reassembled",
 *                                "pending","timeouts","overlaps","inconsistent","oversize",
 *                                "limited"}}},
 *  "events":{"seen","drop_samples","lost","device_insert_failed"},
 *  "dns":{"parsed","ignored","wrong_way","rejected","rejected_by":{KIND:n},
 *         "names":{"entries","devices","answers","queries","expired","evicted"},
 *         "cloud":{"domains","files","failed","error"}},
 *  "evidence":{"rows","max_flows","overflow_packets","overflow_would_packets",
 *              "overflow_devices","flow_over_nodev","addr_events","addr_deferred"}} */
int cmd_status(const struct cg_view *d, const struct cg_request *req, json_object **ret,
	       struct cg_proto_error *err)
{
	json_object *res = json_object_new_object(), *o;
	struct timespec now;
	uint64_t misc[CG_MISC_MAX] = {};

	clock_gettime(CLOCK_MONOTONIC, &now);
	cmd_add_str(res, "version", CAMGUARD_VERSION);
	cmd_add_u64(res, "pid", (uint64_t)getpid());
	cmd_add_time(res, "started", d->started);
	cmd_add_u64(res, "uptime", (uint64_t)(now.tv_sec - d->started_mono.tv_sec));
	cmd_add_u64(res, "generation", cmd_generation(d));
	cmd_add_str(res, "config", d->conf_path);
	cmd_add_u64(res, "policies", d->model->npolicies);
	cmd_add_str(res, "enforce", cg_enforce_to_string(d->model->config.enforce));
	status_files(d, res);
	json_object_object_add(res, "interfaces", status_interfaces(d));
	json_object_object_add(res, "nftables", cmd_nft_status(d));
	status_counters(d, res);
	if (d->ops->read_misc)
		d->ops->read_misc(d->ctx, misc);
	json_object_object_add(res, "inventory", status_inventory(d, misc));
	json_object_object_add(res, "advisories", status_advisories(d));
	json_object_object_add(res, "dns", cmd_dns_json(d));

	o = json_object_new_object();
	cmd_add_u64(o, "seen", d->counters->events_seen);
	cmd_add_u64(o, "drop_samples", d->counters->drop_samples);
	cmd_add_u64(o, "lost", misc[CG_MISC_EVENTS_LOST]);
	cmd_add_u64(o, "device_insert_failed", misc[CG_MISC_DEV_INSERT_FAIL]);
	json_object_object_add(res, "events", o);
	json_object_object_add(res, "evidence", status_evidence(d, misc));
	*ret = res;
	return 0;
}
