// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd-blocked.c — `blocked`: every denied flow of the evidence table
 * (daemon/inventory/evidence.h), most packets first, with each device's
 * overflow (packets that found no row once evidence.max_flows was reached),
 * so that rows + overflow add up to the drop counters exactly. Each row
 * carries what the names store says of its remote address (dnsnote.h):
 * "name" the camera asked for before trying it, the "cloud" label of that
 * name, and for a blocked DNS query the names "asked" of that resolver.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "daemon/inventory/evidence.h"
#include "dnsnote.h"
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

/* The policy called by the evidence's stable id, NULL when it is gone. */
static const char *policy_by_id(const struct cg_model *m, unsigned id)
{
	for (size_t i = 0; i < m->npolicies; i++)
		if (m->policies[i].id == id)
			return m->policies[i].name;
	return NULL;
}

/* "name", "cloud", "asked" (always there, empty when nothing is known, so
 * that a script reads every row alike). */
static void flow_names(json_object *o, const struct cg_view_dns *dns, const struct cg_evidence_row *r)
{
	struct cg_dns_note note;
	json_object *asked = json_object_new_array();

	dnsnote_flow(dns->names, dns->cloud, &r->key, r->first, r->last, &note);
	cmd_add_str(o, "name", note.name ? note.name : "");
	cmd_add_str(o, "cloud", note.cloud ? note.cloud : "");
	for (size_t i = 0; i < note.nasked; i++)
		json_object_array_add(asked, json_object_new_string(note.asked[i]));
	json_object_object_add(o, "asked", asked);
	cmd_add_u64(o, "asked_total", note.asked_total);
}

static json_object *flow_json(const struct cg_view *v, const struct cg_view_dns *dns,
			      const struct cg_evidence_row *r)
{
	json_object *o = json_object_new_object();
	const struct cg_inv_device *dev = v->inv ? inventory_find(v->inv, r->key.mac) : NULL;
	const char *pol = policy_by_id(v->model, r->policy);
	char addr[64] = "", pb[8], mac[18];

	addr_format_mac(r->key.mac, mac);
	cmd_add_str(o, "mac", mac);
	cmd_add_str(o, "vendor", dev ? dev->vendor : "");
	cmd_add_str(o, "policy", pol ? pol : "");
	cmd_add_str(o, "direction", cg_dir_to_string(r->key.dir));
	if (r->key.family)
		addr_format_ip(r->key.family, r->key.addr, addr, sizeof(addr));
	cmd_add_str(o, "address", addr);
	cmd_add_u64(o, "family", r->key.family);
	/* family 0: not IP, port is the EtherType (SADP 0x8033) */
	cmd_add_str(o, "proto", r->key.family ? proto_name(r->key.proto, pb) : "ether");
	cmd_add_u64(o, "port", r->key.port);
	cmd_add_str(o, "reason", cg_reason_to_string(r->key.reason));
	json_object_object_add(o, "would", json_object_new_boolean(r->key.would));
	cmd_add_u64(o, "count", r->packets);
	cmd_add_u64(o, "packets", r->packets);
	cmd_add_u64(o, "bytes", r->bytes);
	cmd_add_u64(o, "nft_packets", r->nft_packets);
	cmd_add_time(o, "first", r->first);
	cmd_add_time(o, "last", r->last);
	flow_names(o, dns, r);
	return o;
}

json_object *cmd_dns_json(const struct cg_view *v)
{
	struct cg_view_dns dns = { 0 };
	struct cg_names_stats ns = { 0 };
	json_object *o = json_object_new_object(), *rej = json_object_new_object(), *nm, *cl;
	uint64_t rejected = 0;

	if (v->ops && v->ops->dns)
		v->ops->dns(v->ctx, &dns);
	if (dns.names)
		names_stats(dns.names, &ns);
	for (int k = 1; k < CG_DNS_ERR_MAX; k++) {
		cmd_add_u64(rej, dns_error_to_string(k), dns.msgs.rejected[k]);
		rejected += dns.msgs.rejected[k];
	}
	cmd_add_u64(o, "parsed", dns.msgs.parsed);
	cmd_add_u64(o, "ignored", dns.msgs.ignored);
	cmd_add_u64(o, "wrong_way", dns.wrong_way);
	cmd_add_u64(o, "rejected", rejected);
	json_object_object_add(o, "rejected_by", rej);
	nm = json_object_new_object();
	cmd_add_u64(nm, "entries", ns.entries);
	cmd_add_u64(nm, "devices", ns.devices);
	cmd_add_u64(nm, "answers", ns.answers);
	cmd_add_u64(nm, "queries", ns.queries);
	cmd_add_u64(nm, "expired", ns.expired);
	cmd_add_u64(nm, "evicted", ns.evicted_expired + ns.evicted_oldest);
	json_object_object_add(o, "names", nm);
	cl = json_object_new_object();
	cmd_add_u64(cl, "domains", dns.cloud_domains);
	cmd_add_u64(cl, "files", dns.cloud_files);
	cmd_add_u64(cl, "failed", dns.cloud_failed);
	cmd_add_str(cl, "error", dns.cloud_error ? dns.cloud_error : "");
	json_object_object_add(o, "cloud", cl);
	return o;
}

static bool mac_wanted(const uint8_t *want, const uint8_t mac[6])
{
	return !want || memcmp(want, mac, 6) == 0;
}

int cmd_blocked(const struct cg_view *d, const struct cg_request *req, json_object **ret,
	        struct cg_proto_error *err)
{
	const struct cg_evidence *ev = d->ops && d->ops->evidence ? d->ops->evidence(d->ctx) : NULL;
	struct cg_evidence_filter f = { .mac = req->has_device ? req->device : NULL, .policy = -1,
					.would = req->would ? 1 : -1 };
	struct cg_evidence_row *rows = NULL;
	struct cg_view_dns dns = { 0 };
	size_t n = 0;
	json_object *res, *flows, *over, *per;
	uint64_t over_packets = 0, over_would = 0, over_devices = 0;
	int rc;

	if (req->policy[0]) {
		int pi = model_find_policy(d->model, req->policy);
		if (pi < 0)
			return protocol_error(err, "ENOENT", "no policy named '%s'", req->policy);
		f.policy = d->model->policies[pi].id;
	}
	if (req->since)
		f.since = (int64_t)time(NULL) - (int64_t)req->since;
	if (ev && (rc = evidence_query(ev, &f, &rows, &n)))
		return protocol_error(err, protocol_errno_name(-rc), "cannot read the flow evidence");

	if (d->ops && d->ops->dns)
		d->ops->dns(d->ctx, &dns);
	res = json_object_new_object();
	flows = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(flows, flow_json(d, &dns, &rows[i]));
	free(rows);
	json_object_object_add(res, "flows", flows);

	/* A device's overflow has no remote address or policy: it is listed for
	 * the device filter only (a policy or time filter cannot split it). */
	per = json_object_new_array();
	size_t no = 0;
	const struct cg_evidence_over *ov = ev ? evidence_overflows(ev, &no) : NULL;
	for (size_t i = 0; i < no; i++) {
		uint64_t dropped = req->would ? 0 : ov[i].packets[0], would = ov[i].packets[1];
		char mac[18];
		if (!mac_wanted(f.mac, ov[i].mac) || !(dropped + would))
			continue;
		json_object *o = json_object_new_object();
		addr_format_mac(ov[i].mac, mac);
		cmd_add_str(o, "mac", mac);
		cmd_add_u64(o, "packets", dropped);
		cmd_add_u64(o, "would_packets", would);
		cmd_add_u64(o, "nft_packets", req->would ? 0 : ov[i].nft[0]);
		json_object_array_add(per, o);
		over_packets += dropped;
		over_would += would;
		over_devices++;
	}
	over = json_object_new_object();
	cmd_add_u64(over, "packets", over_packets);
	cmd_add_u64(over, "would_packets", over_would);
	cmd_add_u64(over, "devices", over_devices);
	cmd_add_u64(over, "max_flows", d->model->config.evidence_max_flows);
	json_object_object_add(over, "per_device", per);
	json_object_object_add(res, "overflow", over);
	json_object_object_add(res, "nftables", cmd_nflog(d, ev));

	/* The earlier reply's per-device grouping: each device's rows. */
	json_object *devs = json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(flows); i++) {
		json_object *fl = json_object_array_get_idx(flows, i), *mo, *dv = NULL;
		json_object_object_get_ex(fl, "mac", &mo);
		for (size_t k = 0; k < json_object_array_length(devs) && !dv; k++) {
			json_object *c = json_object_array_get_idx(devs, k), *cm;
			json_object_object_get_ex(c, "mac", &cm);
			if (!strcmp(json_object_get_string(cm), json_object_get_string(mo)))
				dv = c;
		}
		if (!dv) {
			json_object *vo, *po;
			dv = json_object_new_object();
			json_object_object_get_ex(fl, "vendor", &vo);
			json_object_object_get_ex(fl, "policy", &po);
			json_object_object_add(dv, "mac", json_object_get(mo));
			json_object_object_add(dv, "vendor", json_object_get(vo));
			/* the device's policy now; a row's is that of its last packet */
			uint8_t m6[6];
			const struct cg_inv_device *iv = NULL;
			if (d->inv && addr_parse_mac(json_object_get_string(mo), m6) == 0)
				iv = inventory_find(d->inv, m6);
			if (iv)
				cmd_add_str(dv, "policy", iv->policy);
			else
				json_object_object_add(dv, "policy", json_object_get(po));
			json_object_object_add(dv, "blocked", json_object_new_array());
			json_object_array_add(devs, dv);
		}
		json_object *bl;
		json_object_object_get_ex(dv, "blocked", &bl);
		json_object_array_add(bl, json_object_get(fl));
	}
	json_object_array_sort(devs, cmd_by_mac);
	json_object_object_add(res, "devices", devs);
	*ret = res;
	return 0;
}
