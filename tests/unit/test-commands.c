// SPDX-License-Identifier: GPL-2.0-only
/*
 * test-commands — the command layer (daemon/control/cmd-*.c) against a fake
 * read-only view (view.h): a model and an inventory built in memory, fake
 * counter callbacks, a fake reload and probe. No root, no socket, no BPF:
 * what each command replies is decided by the view alone.
 *
 * stats (policies, counters, device rows, filters and their errors),
 * cameras (filters, order), blocked, status (counters, interfaces, hashes),
 * advisories, reload (the reply built from a reload report: changes with
 * reasons, refused sets with errors capped at 50, dry runs) and probe.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "daemon/inventory/evidence.h"
#include "inventory.h"
#include "metrics.h"
#include "model.h"
#include "names.h"
#include "protocol.h"
#include "plan-eval.h"
#include "view.h"

#include "test-check.h"

int log_verbose;

static const uint8_t mac_a[6] = { 0x44, 0x19, 0xb6, 0x00, 0x00, 0x01 };
static const uint8_t mac_b[6] = { 0x08, 0xed, 0xed, 0x00, 0x00, 0x02 };
static const uint8_t mac_c[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x03 };

/* ---- the fake daemon behind the view ------------------------------------------ */

struct fake {
	struct cg_view v;
	struct cg_model model;
	struct cg_inventory *inv;
	struct cg_evidence *ev;
	struct cg_counters counters;
	struct cg_file_hashes hashes;
	struct cg_probe_state probe;
	struct cg_metrics_writer metrics;
	struct cg_iface ifaces[2];
	char *files[2];
	/* what the fake reload answers */
	int reload_rc;
	bool reload_invalid;
	size_t reload_errors;
	int reloads, probes;
	bool last_dry_run;
};

static uint32_t fake_generation(void *ctx)
{
	return 5;
}

/* Policy id p, direction d, reason r: p*100 + d*10 + r packets. */
static int fake_policy_stats(void *ctx, struct cg_counter out[CG_POLSTAT_ENTRIES])
{
	memset(out, 0, sizeof(struct cg_counter) * CG_POLSTAT_ENTRIES);
	for (unsigned p = 0; p < 2; p++)
		for (int d = 0; d < CG_DIR_MAX; d++)
			for (int r = 0; r < CG_REASON_MAX; r++) {
				uint64_t n = p * 100 + (uint64_t)d * 10 + (uint64_t)r;
				out[CG_POLSTAT_INDEX(p, d, r)] = (struct cg_counter){ n, n * 100 };
			}
	return 0;
}

/* Would-drops: the monitor policy (id 1) only, out/port 12 packets, in/egress 3. */
static int fake_policy_would(void *ctx, struct cg_counter out[CG_POLSTAT_ENTRIES])
{
	memset(out, 0, sizeof(struct cg_counter) * CG_POLSTAT_ENTRIES);
	out[CG_POLSTAT_INDEX(1, CG_DIR_OUT, CG_REASON_PORT)] = (struct cg_counter){ 12, 1200 };
	out[CG_POLSTAT_INDEX(1, CG_DIR_IN, CG_REASON_EGRESS)] = (struct cg_counter){ 3, 300 };
	return 0;
}

/* Two counted devices: a (in the inventory) and c (not in it, policy id 1). */
static int fake_foreach_device(void *ctx, cg_view_device_fn fn, void *arg)
{
	struct cg_dev_stats s = {};
	int rc;

	s.c[CG_DIR_OUT][CG_VERDICT_PASS] = (struct cg_counter){ 7, 700 };
	s.c[CG_DIR_IN][CG_VERDICT_DROP] = (struct cg_counter){ 2, 200 };
	s.ev.would[CG_DIR_OUT] = (struct cg_counter){ 5, 500 };
	s.policy = 0;
	if ((rc = fn(mac_a, &s, arg)))
		return rc;
	s.policy = 1;
	return fn(mac_c, &s, arg);
}

static int fake_misc(void *ctx, uint64_t out[CG_MISC_MAX])
{
	for (int i = 0; i < CG_MISC_MAX; i++)
		out[i] = (uint64_t)i + 1;
	return 0;
}

static int fake_reload(void *ctx, bool dry_run, struct cg_reload_report *r)
{
	struct fake *f = ctx;

	f->reloads++;
	f->last_dry_run = dry_run;
	if (f->reload_invalid) {
		r->invalid = true;
		for (size_t i = 0; i < f->reload_errors; i++)
			diag_error(&r->diag, "/etc/camguard/policies.d/a.conf", (int)i + 1, "bad %zu", i);
		diag_warning(&r->diag, "/etc/camguard/policies.d/b.conf", 3, "a warning");
		snprintf(r->message, sizeof(r->message), "/etc/camguard/policies.d/a.conf:1: bad 0");
		return -EINVAL;
	}
	if (f->reload_rc) {
		snprintf(r->message, sizeof(r->message), "writing the BPF maps failed: boom");
		return f->reload_rc;
	}
	r->changes.v = calloc(2, sizeof(*r->changes.v));
	r->reasons = calloc(2, sizeof(*r->reasons));
	if (!r->changes.v || !r->reasons)
		return -ENOMEM;
	r->changes.n = 2;
	memcpy(r->changes.v[0].mac, mac_b, 6);
	snprintf(r->changes.v[0].from, CG_NAME_MAX, "dahua");
	snprintf(r->changes.v[0].to, CG_NAME_MAX, "quarantine");
	snprintf(r->reasons[0], sizeof(r->reasons[0]), "advisory CVE-2021-33044 (exact)");
	memcpy(r->changes.v[1].mac, mac_a, 6);
	snprintf(r->changes.v[1].vendor, sizeof(r->changes.v[1].vendor), "Hikvision");
	snprintf(r->changes.v[1].from, CG_NAME_MAX, "hikvision");
	snprintf(r->changes.v[1].to, CG_NAME_MAX, "dahua");
	snprintf(r->message, sizeof(r->message), dry_run ? "valid: 2 policies" : "2 policies, generation 5");
	if (dry_run) {
		/* issue 15: one flow that would start being dropped, one that
		 * would stop; the totals count more than the lists hold */
		struct cg_reload_flows *fl = &r->flows;
		fl->present = true;
		fl->since = 1700000000;
		fl->examined = 9;
		fl->start.v = calloc(1, sizeof(*fl->start.v));
		fl->stop.v = calloc(1, sizeof(*fl->stop.v));
		if (!fl->start.v || !fl->stop.v)
			return -ENOMEM;
		fl->start.n = fl->stop.n = 1;
		fl->start.flows = 300, fl->start.devices = 12, fl->start.packets = 4000;
		fl->stop.flows = 1, fl->stop.devices = 1, fl->stop.packets = 7;
		struct cg_reload_flow *a = &fl->start.v[0], *b = &fl->stop.v[0];
		memcpy(a->key.mac, mac_a, 6);
		a->key.family = 6;
		a->key.addr[0] = 0x20, a->key.addr[1] = 0x01, a->key.addr[2] = 0x0d, a->key.addr[3] = 0xb8;
		a->key.addr[15] = 2;
		a->key.proto = 17, a->key.port = 9003, a->key.reason = CG_REASON_EGRESS;
		a->now = CG_PV_WOULD, a->next = CG_PV_DROP, a->packets = 10, a->last = 1700000100;
		snprintf(a->policy, sizeof(a->policy), "hikvision");
		memcpy(b->key.mac, mac_b, 6);
		b->key.dir = CG_DIR_IN, b->key.family = 4, b->key.proto = 6, b->key.port = 50000;
		b->key.addr[0] = 203, b->key.addr[1] = 0, b->key.addr[2] = 113, b->key.addr[3] = 7;
		b->key.reason = CG_REASON_PORT;
		b->now = CG_PV_DROP, b->next = CG_PV_WOULD, b->uncertain = true, b->packets = 7;
		snprintf(b->policy, sizeof(b->policy), "dahua");
		fl->uncertain = 1;
	}
	return 0;
}

static int fake_probe(void *ctx, const char *iface, struct cg_probe_iface *ret, size_t max,
		      size_t *ret_n)
{
	struct fake *f = ctx;
	size_t n = 0;

	if (iface && strcmp(iface, "cam0") && strcmp(iface, "cam1"))
		return -ENODEV;
	f->probes++;
	f->probe.started = 1700000500;
	for (size_t i = 0; i < 2 && n < max; i++) {
		if (iface && strcmp(iface, f->ifaces[i].name))
			continue;
		snprintf(ret[n].name, sizeof(ret[n].name), "%s", f->ifaces[i].name);
		ret[n].sent = i ? 0 : 5;
		ret[n++].error = i ? -ENETDOWN : 0;
	}
	*ret_n = n;
	return 0;
}

static const struct cg_evidence *fake_evidence(void *ctx)
{
	struct fake *f = ctx;
	return f->ev;
}

static const struct cg_view_ops fake_ops = {
	.evidence = fake_evidence,
	.read_policy_would = fake_policy_would,
	.generation = fake_generation,
	.read_policy_stats = fake_policy_stats,
	.foreach_device = fake_foreach_device,
	.read_misc = fake_misc,
	.reload = fake_reload,
	.probe = fake_probe,
};

static struct cg_inv_device *add_device(struct fake *f, const uint8_t mac[6], const char *vendor,
					const char *policy, const char *model)
{
	bool created;
	struct cg_inv_device *x = inventory_touch(f->inv, mac, 1700000000, &created);

	if (!x)
		return NULL;
	snprintf(x->vendor, sizeof(x->vendor), "%s", vendor);
	snprintf(x->policy, sizeof(x->policy), "%s", policy);
	snprintf(x->facts[CG_INV_MODEL].value, sizeof(x->facts[CG_INV_MODEL].value), "%s", model);
	return x;
}

static int fake_init(struct fake *f)
{
	static const char *const names[] = { "hikvision", "dahua" };

	memset(f, 0, sizeof(*f));
	f->model.policies = calloc(2, sizeof(*f->model.policies));
	if (!f->model.policies || inventory_new(64, &f->inv))
		return -ENOMEM;
	f->model.npolicies = 2;
	for (int i = 0; i < 2; i++) {
		snprintf(f->model.policies[i].name, CG_NAME_MAX, "%s", names[i]);
		f->model.policies[i].id = (uint16_t)i;
		f->model.policies[i].action = i ? CG_ACTION_MONITOR : CG_ACTION_ISOLATE;
	}
	f->files[0] = "/etc/camguard/camguard.conf";
	f->files[1] = "/etc/camguard/policies.d/hikvision.conf";
	f->model.files = f->files;
	f->model.nfiles = 2;
	f->hashes.each = calloc(2, sizeof(*f->hashes.each));
	if (!f->hashes.each)
		return -ENOMEM;
	memset(f->hashes.each[0], 'a', 64);
	memset(f->hashes.each[1], 'b', 64);
	memset(f->hashes.all, 'c', 64);
	memset(f->hashes.policy_set, 'd', 64);
	struct cg_inv_device *a = add_device(f, mac_a, "Hangzhou Hikvision", "hikvision", "DS-2CD2143G0-I");
	struct cg_inv_device *b = add_device(f, mac_b, "Zhejiang Dahua", "dahua", "");
	if (!a || !b)
		return -ENOMEM;
	struct cg_inv_blocked bl = { .family = 4, .proto = 6, .dir = CG_DIR_OUT, .port = 443,
				     .count = 3, .last = 1700000100, .reason = CG_REASON_EGRESS,
				     .addr = { 203, 0, 113, 7 } };
	inventory_add_blocked(a, &bl);
	bl.count = 2;
	inventory_add_blocked(b, &bl);
	/* the evidence: a's 3 flows (one would-drop, one old), b's 1, and
	 * overflow for a (5 dropped) and b (7 would) */
	if (evidence_new(0, &f->ev))
		return -ENOMEM;
	struct cg_flow_key keys[4] = {
		{ .dir = CG_DIR_OUT, .family = 4, .proto = 6, .port = 443, .reason = CG_REASON_EGRESS,
		  .addr = { 203, 0, 113, 7 } },
		{ .dir = CG_DIR_OUT, .family = 4, .proto = 17, .port = 8666, .reason = CG_REASON_EGRESS,
		  .would = 1, .addr = { 203, 0, 113, 10 } },
		{ .dir = CG_DIR_IN, .family = 6, .proto = 6, .port = 23, .reason = CG_REASON_PORT,
		  .addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } },
		{ .dir = CG_DIR_OUT, .family = 0, .port = 0x8033, .reason = CG_REASON_NON_IP },
	};
	uint16_t hik = f->model.policies[model_find_policy(&f->model, "hikvision")].id;
	uint16_t dah = f->model.policies[model_find_policy(&f->model, "dahua")].id;
	struct cg_flow vals[4] = {
		{ .packets = 50, .bytes = 3000, .first_ns = 900e9, .last_ns = 990e9, .policy = hik },
		{ .packets = 70, .bytes = 7000, .first_ns = 900e9, .last_ns = 995e9, .policy = hik },
		{ .packets = 9, .bytes = 540, .first_ns = 10e9, .last_ns = 20e9, .policy = hik },
		{ .packets = 4, .bytes = 240, .first_ns = 900e9, .last_ns = 999e9, .policy = dah },
	};
	for (int i = 0; i < 3; i++)
		memcpy(keys[i].mac, mac_a, 6);
	memcpy(keys[3].mac, mac_b, 6);
	if (evidence_merge_rows(f->ev, keys, vals, 4, 1000e9, time(NULL)) ||
	    evidence_merge_over(f->ev, mac_a, (uint64_t[2]){ 5, 0 }) ||
	    evidence_merge_over(f->ev, mac_b, (uint64_t[2]){ 0, 7 }))
		return -ENOMEM;
	snprintf(f->ifaces[0].name, sizeof(f->ifaces[0].name), "cam0");
	f->ifaces[0].ifindex = 4;
	f->ifaces[0].attached[CG_HOOK_TC_INGRESS] = f->ifaces[0].attached[CG_HOOK_TC_EGRESS] = true;
	snprintf(f->ifaces[1].name, sizeof(f->ifaces[1].name), "cam1");
	f->ifaces[1].mode = CG_IFMODE_XDP;
	snprintf(f->ifaces[1].error, sizeof(f->ifaces[1].error), "interface missing");
	f->counters.reloads_ok = 4;
	f->counters.reloads_failed = 1;
	f->counters.last_reload = (struct cg_reload_result){ .ok = true, .when = 1700000200,
							     .message = "2 policies, generation 5",
							     .generation = 5 };
	f->counters.tamper_events = 2;
	snprintf(f->counters.last_tamper, sizeof(f->counters.last_tamper), "pins re-pinned");
	f->counters.moves = 1;
	f->counters.events_seen = 99;
	f->metrics.written = 8;
	f->v = (struct cg_view){
		.ops = &fake_ops, .ctx = f, .conf_path = "/etc/camguard/camguard.conf",
		.started = 1700000000, .model = &f->model, .inv = f->inv, .ifaces = f->ifaces,
		.nifaces = 2, .counters = &f->counters, .hashes = &f->hashes, .probe = &f->probe,
		.metrics = &f->metrics,
	};
	return 0;
}

static void fake_free(struct fake *f)
{
	free(f->model.policies);
	free(f->hashes.each);
	free(f->probe.known);
	inventory_free(f->inv);
	evidence_free(f->ev);
}

/* ---- running a request --------------------------------------------------------- */

struct reply {
	int rc;
	json_object *res;          /* reparsed: what the client would read */
	struct cg_proto_error err;
};

static struct reply run(struct fake *f, const char *request)
{
	struct reply r = {};
	struct cg_request req;
	json_object *res = NULL;

	r.rc = protocol_parse_request(request, strlen(request), &req, &r.err);
	CHECK(r.rc == 0, "%s: %s", request, r.err.message);
	if (r.rc)
		return r;
	r.rc = commands_run(&f->v, &req, &res, &r.err);
	/* Through the text, as control.c sends it (the device rows have their
	 * own serializer). */
	if (res)
		r.res = json_tokener_parse(json_object_to_json_string_ext(res, JSON_C_TO_STRING_PLAIN));
	json_object_put(res);
	return r;
}

static json_object *at(json_object *o, const char *path)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, ".", &save); o && k; k = strtok_r(NULL, ".", &save)) {
		char *end;
		long i = strtol(k, &end, 10);
		if (!*end && json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, (size_t)i);
		else if (!json_object_object_get_ex(o, k, &o))
			return NULL;
	}
	return o;
}

static const char *str_at(json_object *o, const char *path)
{
	json_object *v = at(o, path);
	return v ? json_object_get_string(v) : "(missing)";
}

static int64_t int_at(json_object *o, const char *path)
{
	json_object *v = at(o, path);
	return v ? json_object_get_int64(v) : -1;
}

static size_t len_at(json_object *o, const char *path)
{
	json_object *v = at(o, path);
	return v && json_object_is_type(v, json_type_array) ? json_object_array_length(v) : (size_t)-1;
}

/* ---- the commands -------------------------------------------------------------- */

static void test_stats(struct fake *f)
{
	struct reply r = run(f, "{\"command\":\"stats\"}");
	uint64_t pass = 0;

	CHECK(r.rc == 0 && r.res, "stats: %s", r.err.message);
	CHECK(len_at(r.res, "policies") == 2, "two policies");
	CHECK(!strcmp(str_at(r.res, "policies.0.name"), "hikvision") &&
	      !strcmp(str_at(r.res, "policies.0.action"), "isolate") &&
	      !strcmp(str_at(r.res, "policies.1.action"), "monitor"), "names and actions");
	CHECK(!strcmp(str_at(r.res, "enforce"), "policy") &&
	      !strcmp(str_at(r.res, "policies.0.policy_action"), "isolate"), "enforce policy");
	/* enforce = "monitor": isolate reads monitor in effect, the file's action beside it */
	f->model.config.enforce = CG_ENFORCE_MONITOR;
	struct reply rm = run(f, "{\"command\":\"stats\"}");
	CHECK(rm.rc == 0 && !strcmp(str_at(rm.res, "enforce"), "monitor") &&
	      !strcmp(str_at(rm.res, "policies.0.action"), "monitor") &&
	      !strcmp(str_at(rm.res, "policies.0.policy_action"), "isolate") &&
	      !strcmp(str_at(rm.res, "policies.1.action"), "monitor"), "enforce monitor in stats");
	json_object_put(rm.res);
	struct reply rs = run(f, "{\"command\":\"status\"}");
	CHECK(rs.rc == 0 && !strcmp(str_at(rs.res, "enforce"), "monitor"), "enforce monitor in status");
	json_object_put(rs.res);
	f->model.config.enforce = CG_ENFORCE_POLICY;
	CHECK(int_at(r.res, "policies.0.devices") == 1 && int_at(r.res, "policies.1.devices") == 1,
	      "devices per policy from the inventory");
	/* policy 1, direction out, every pass reason: 100 + 0*10 + r */
	for (int rs = 0; rs < CG_REASON_MAX; rs++)
		if (cg_reason_verdict(rs) == CG_VERDICT_PASS)
			pass += 100 + (uint64_t)rs + 110 + (uint64_t)rs;
	CHECK((uint64_t)int_at(r.res, "policies.1.pass.packets") == pass, "pass packets %lld, expected %llu",
	      (long long)int_at(r.res, "policies.1.pass.packets"), (unsigned long long)pass);
	CHECK(int_at(r.res, "generation") == 5 && int_at(r.res, "reloads.ok") == 4 &&
	      int_at(r.res, "reloads.failed") == 1, "generation and reloads");
	json_object *nft = (json_object *)1;
	CHECK(json_object_object_get_ex(r.res, "nftables", &nft) && !nft, "no nftables layer: null");
	CHECK(!at(r.res, "devices"), "no device rows unless asked");
	CHECK(int_at(r.res, "policies.1.would_drop.packets") == 15 &&
	      int_at(r.res, "policies.1.would_drop.bytes") == 1500 &&
	      int_at(r.res, "policies.1.would_drop_reasons.port") == 12 &&
	      int_at(r.res, "policies.1.would_drop_reasons.egress") == 3 &&
	      int_at(r.res, "policies.0.would_drop.packets") == 0, "would-drops: %s",
	      json_object_to_json_string(at(r.res, "policies.1")));
	json_object_put(r.res);

	r = run(f, "{\"command\":\"stats\",\"arguments\":{\"prometheus\":true}}");
	const char *x = r.rc == 0 ? str_at(r.res, "exposition") : "";
	CHECK(x && strstr(x, "camguard_packets_total{policy=\"dahua\",direction=\"out\",verdict=\"would_drop\",reason=\"port\"} 12\n") &&
	      strstr(x, "camguard_bytes_total{policy=\"dahua\",direction=\"in\",verdict=\"would_drop\",reason=\"egress\"} 300\n") &&
	      strstr(x, "camguard_packets_total{policy=\"hikvision\",direction=\"out\",verdict=\"would_drop\",reason=\"port\"} 0\n"),
	      "would_drop series: %s", r.rc ? r.err.message : "missing");
	json_object_put(r.res);

	r = run(f, "{\"command\":\"stats\",\"arguments\":{\"devices\":true}}");
	CHECK(r.rc == 0 && len_at(r.res, "devices") == 2, "device rows: %s", r.err.message);
	/* sorted by MAC: 02:... (not in the inventory: policy by id) before 44:... */
	CHECK(!strcmp(str_at(r.res, "devices.0.mac"), "02:00:00:00:00:03") &&
	      !strcmp(str_at(r.res, "devices.0.policy"), "dahua") &&
	      !strcmp(str_at(r.res, "devices.0.vendor"), ""), "uncatalogued row: %s",
	      json_object_to_json_string(at(r.res, "devices.0")));
	CHECK(!strcmp(str_at(r.res, "devices.1.vendor"), "Hangzhou Hikvision") &&
	      int_at(r.res, "devices.1.pass.packets") == 7 && int_at(r.res, "devices.1.in.drop.bytes") == 200 &&
	      int_at(r.res, "devices.1.would_drop.packets") == 5 &&
	      int_at(r.res, "devices.1.out.would_drop.bytes") == 500 &&
	      int_at(r.res, "devices.1.in.would_drop.packets") == 0,
	      "inventory row: %s", json_object_to_json_string(at(r.res, "devices.1")));
	CHECK(len_at(r.res, "device_info") == 2 && len_at(r.res, "device_vulnerable") == 0, "info rows");
	json_object_put(r.res);

	r = run(f, "{\"command\":\"stats\",\"arguments\":{\"device\":\"08:ed:ed:00:00:02\"}}");
	CHECK(r.rc == 0 && len_at(r.res, "devices") == 1 && int_at(r.res, "devices.0.drop.packets") == 0,
	      "known, never counted: zeros (%s)", r.err.message);
	json_object_put(r.res);

	r = run(f, "{\"command\":\"stats\",\"arguments\":{\"device\":\"08:ed:ed:00:00:09\"}}");
	CHECK(r.rc < 0 && !strcmp(r.err.code, "ENOENT") && strstr(r.err.message, "no device 08:ed:ed:00:00:09"),
	      "unknown device: %s", r.err.message);
	r = run(f, "{\"command\":\"stats\",\"arguments\":{\"policy\":\"nope\"}}");
	CHECK(r.rc < 0 && !strcmp(r.err.code, "ENOENT") && strstr(r.err.message, "no policy \"nope\""),
	      "unknown policy: %s", r.err.message);
	r = run(f, "{\"command\":\"stats\",\"arguments\":{\"policy\":\"dahua\",\"devices\":true}}");
	CHECK(r.rc == 0 && len_at(r.res, "policies") == 1 && len_at(r.res, "devices") == 1,
	      "policy filter: %s", r.err.message);
	json_object_put(r.res);
}

static void test_cameras(struct fake *f)
{
	struct reply r = run(f, "{\"command\":\"cameras\"}");

	CHECK(r.rc == 0 && len_at(r.res, "cameras") == 2 && int_at(r.res, "count") == 2,
	      "cameras: %s", r.err.message);
	CHECK(!strcmp(str_at(r.res, "cameras.0.mac"), "08:ed:ed:00:00:02") &&
	      !strcmp(str_at(r.res, "cameras.1.policy"), "hikvision"), "by MAC");
	CHECK(len_at(r.res, "cameras.0.advisories") == 0 &&
	      json_object_get_boolean(at(r.res, "cameras.0.vulnerable")) == 0, "no advisories");
	/* drops and would-drops beside them; zeros for a device never counted */
	CHECK(int_at(r.res, "cameras.1.drop.packets") == 2 && int_at(r.res, "cameras.1.drop.bytes") == 200 &&
	      int_at(r.res, "cameras.1.would_drop.packets") == 5 &&
	      int_at(r.res, "cameras.0.drop.packets") == 0 && int_at(r.res, "cameras.0.would_drop.packets") == 0,
	      "denied counts: %s", json_object_to_json_string(r.res));
	json_object_put(r.res);
	r = run(f, "{\"command\":\"cameras\",\"arguments\":{\"vendor\":\"hikvision\"}}");
	CHECK(r.rc == 0 && len_at(r.res, "cameras") == 1, "vendor filter, any case");
	json_object_put(r.res);
	r = run(f, "{\"command\":\"cameras\",\"arguments\":{\"summary\":true}}");
	CHECK(r.rc == 0 && len_at(r.res, "summary") == 2 && int_at(r.res, "not_announced") == 1 &&
	      !strcmp(str_at(r.res, "last_probe"), ""), "summary: %s",
	      r.res ? json_object_to_json_string(r.res) : r.err.message);
	json_object_put(r.res);
}

static void test_blocked(struct fake *f)
{
	struct reply r = run(f, "{\"command\":\"blocked\"}");

	/* every flow, most packets first, overflow beside */
	CHECK(r.rc == 0 && len_at(r.res, "flows") == 4 && len_at(r.res, "devices") == 2,
	      "blocked: %s", r.rc ? r.err.message : json_object_to_json_string(r.res));
	CHECK(int_at(r.res, "flows.0.packets") == 70 && int_at(r.res, "flows.0.count") == 70 &&
	      json_object_get_boolean(at(r.res, "flows.0.would")) &&
	      !strcmp(str_at(r.res, "flows.0.address"), "203.0.113.10") &&
	      int_at(r.res, "flows.0.port") == 8666 && !strcmp(str_at(r.res, "flows.0.proto"), "udp") &&
	      !strcmp(str_at(r.res, "flows.0.policy"), "hikvision") &&
	      !strcmp(str_at(r.res, "flows.0.mac"), "44:19:b6:00:00:01") &&
	      int_at(r.res, "flows.1.packets") == 50 && int_at(r.res, "flows.1.bytes") == 3000 &&
	      !strcmp(str_at(r.res, "flows.1.reason"), "egress") &&
	      int_at(r.res, "flows.2.packets") == 9 && !strcmp(str_at(r.res, "flows.2.address"), "2001:db8::1") &&
	      !strcmp(str_at(r.res, "flows.2.direction"), "in") &&
	      !strcmp(str_at(r.res, "flows.3.proto"), "ether") && int_at(r.res, "flows.3.port") == 0x8033 &&
	      !strcmp(str_at(r.res, "flows.3.policy"), "dahua"), "rows: %s",
	      json_object_to_json_string(at(r.res, "flows")));
	CHECK(int_at(r.res, "overflow.packets") == 5 && int_at(r.res, "overflow.would_packets") == 7 &&
	      int_at(r.res, "overflow.devices") == 2 && len_at(r.res, "overflow.per_device") == 2,
	      "overflow: %s", json_object_to_json_string(at(r.res, "overflow")));
	CHECK(!strcmp(str_at(r.res, "devices.1.policy"), "hikvision") &&
	      len_at(r.res, "devices.1.blocked") == 3, "per device: %s",
	      json_object_to_json_string(at(r.res, "devices")));
	json_object_put(r.res);

	/* filters: device, would, policy, since */
	r = run(f, "{\"command\":\"blocked\",\"arguments\":{\"device\":\"08:ed:ed:00:00:02\"}}");
	CHECK(r.rc == 0 && len_at(r.res, "flows") == 1 && int_at(r.res, "overflow.packets") == 0 &&
	      int_at(r.res, "overflow.would_packets") == 7, "--device: %s",
	      r.rc ? r.err.message : json_object_to_json_string(r.res));
	json_object_put(r.res);
	r = run(f, "{\"command\":\"blocked\",\"arguments\":{\"would\":true}}");
	CHECK(r.rc == 0 && len_at(r.res, "flows") == 1 && int_at(r.res, "flows.0.packets") == 70 &&
	      int_at(r.res, "overflow.packets") == 0 && int_at(r.res, "overflow.would_packets") == 7,
	      "--would: %s", r.rc ? r.err.message : json_object_to_json_string(r.res));
	json_object_put(r.res);
	r = run(f, "{\"command\":\"blocked\",\"arguments\":{\"policy\":\"dahua\"}}");
	CHECK(r.rc == 0 && len_at(r.res, "flows") == 1 && int_at(r.res, "flows.0.packets") == 4,
	      "--policy: %s", r.rc ? r.err.message : json_object_to_json_string(r.res));
	json_object_put(r.res);
	r = run(f, "{\"command\":\"blocked\",\"arguments\":{\"policy\":\"nosuch\"}}");
	CHECK(r.rc < 0 && !strcmp(r.err.code, "ENOENT"), "--policy unknown: %d %s", r.rc, r.err.code);
	json_object_put(r.res);
	r = run(f, "{\"command\":\"blocked\",\"arguments\":{\"since\":600}}");
	CHECK(r.rc == 0 && len_at(r.res, "flows") == 3, "--since 10m (the old row is left out): %s",
	      r.rc ? r.err.message : json_object_to_json_string(r.res));
	json_object_put(r.res);
}

static void test_status(struct fake *f)
{
	struct reply r = run(f, "{\"command\":\"status\"}");

	CHECK(r.rc == 0 && r.res, "status: %s", r.err.message);
	CHECK(int_at(r.res, "generation") == 5 && int_at(r.res, "policies") == 2 &&
	      !strcmp(str_at(r.res, "config"), "/etc/camguard/camguard.conf"), "top");
	CHECK(len_at(r.res, "files") == 2 && str_at(r.res, "files.1.sha256")[0] == 'b' &&
	      str_at(r.res, "policy_set_hash")[0] == 'd', "hashes");
	CHECK(len_at(r.res, "interfaces") == 2 &&
	      json_object_get_boolean(at(r.res, "interfaces.0.hooks.tc-ingress")) &&
	      !strcmp(str_at(r.res, "interfaces.1.mode"), "xdp") &&
	      len_at(r.res, "interfaces.1.expected") == 2 &&
	      !strcmp(str_at(r.res, "interfaces.1.error"), "interface missing"), "interfaces: %s",
	      json_object_to_json_string(at(r.res, "interfaces")));
	CHECK(int_at(r.res, "reloads.ok") == 4 &&
	      !strcmp(str_at(r.res, "reloads.last.message"), "2 policies, generation 5") &&
	      int_at(r.res, "tamper.events") == 2 && int_at(r.res, "moves.total") == 1, "counters");
	CHECK(int_at(r.res, "inventory.devices") == 2 &&
	      int_at(r.res, "inventory.announcements.copies") == CG_MISC_DISC_COPIES + 1 &&
	      int_at(r.res, "events.seen") == 99 && int_at(r.res, "metrics.written") == 8,
	      "inventory, misc counters, metrics: %s", json_object_to_json_string(r.res));
	/* the evidence counters: the table's rows, its bound, the overflow
	 * (the fake table: 5 dropped of mac_a, 7 would of mac_b), cg_misc */
	CHECK(int_at(r.res, "evidence.rows") == 4 && int_at(r.res, "evidence.overflow_packets") == 5 &&
	      int_at(r.res, "evidence.overflow_would_packets") == 7 &&
	      int_at(r.res, "evidence.overflow_devices") == 2 &&
	      int_at(r.res, "evidence.flow_over_nodev") == CG_MISC_FLOW_OVER_NODEV + 1 &&
	      int_at(r.res, "evidence.addr_events") == CG_MISC_ADDR_EVENTS + 1 &&
	      int_at(r.res, "evidence.addr_deferred") == CG_MISC_ADDR_DEFERRED + 1 &&
	      at(r.res, "evidence.max_flows"), "evidence: %s", json_object_to_json_string(at(r.res, "evidence")));
	json_object_put(r.res);
}

static void test_reload(struct fake *f)
{
	struct reply r = run(f, "{\"command\":\"reload\"}");

	CHECK(r.rc == 0 && f->reloads == 1 && !f->last_dry_run, "reload: %s", r.err.message);
	CHECK(json_object_get_boolean(at(r.res, "valid")) && !json_object_get_boolean(at(r.res, "dry_run")) &&
	      int_at(r.res, "generation") == 5 && !strcmp(str_at(r.res, "message"), "2 policies, generation 5"),
	      "reply: %s", json_object_to_json_string(r.res));
	CHECK(len_at(r.res, "changes") == 2 && !strcmp(str_at(r.res, "changes.0.mac"), "08:ed:ed:00:00:02") &&
	      !strcmp(str_at(r.res, "changes.0.reason"), "advisory CVE-2021-33044 (exact)") &&
	      !strcmp(str_at(r.res, "changes.1.to"), "dahua") && !at(r.res, "changes.1.reason"),
	      "changes: %s", json_object_to_json_string(at(r.res, "changes")));
	json_object_put(r.res);

	r = run(f, "{\"command\":\"reload\",\"arguments\":{\"dry_run\":true}}");
	CHECK(r.rc == 0 && f->last_dry_run && json_object_get_boolean(at(r.res, "dry_run")) &&
	      !strcmp(str_at(r.res, "message"), "valid: 2 policies"), "dry run");
	/* issue 15: the flows it would start / stop dropping, with totals */
	CHECK(len_at(r.res, "flows.start_drop") == 1 && len_at(r.res, "flows.stop_drop") == 1 &&
	      !strcmp(str_at(r.res, "flows.start_drop.0.address"), "2001:db8::2") &&
	      !strcmp(str_at(r.res, "flows.start_drop.0.proto"), "udp") &&
	      int_at(r.res, "flows.start_drop.0.port") == 9003 &&
	      !strcmp(str_at(r.res, "flows.start_drop.0.now"), "would_drop") &&
	      !strcmp(str_at(r.res, "flows.start_drop.0.after"), "drop") &&
	      !strcmp(str_at(r.res, "flows.start_drop.0.policy"), "hikvision") &&
	      !strcmp(str_at(r.res, "flows.stop_drop.0.direction"), "in") &&
	      !strcmp(str_at(r.res, "flows.stop_drop.0.address"), "203.0.113.7") &&
	      !strcmp(str_at(r.res, "flows.stop_drop.0.reason"), "port") &&
	      json_object_get_boolean(at(r.res, "flows.stop_drop.0.uncertain")) &&
	      int_at(r.res, "flows.totals.start_drop.flows") == 300 &&
	      int_at(r.res, "flows.totals.start_drop.devices") == 12 &&
	      int_at(r.res, "flows.totals.start_drop.left_out") == 299 &&
	      int_at(r.res, "flows.totals.stop_drop.packets") == 7 &&
	      int_at(r.res, "flows.totals.uncertain") == 1 && int_at(r.res, "flows.examined") == 9,
	      "dry run flows: %s", json_object_to_json_string(at(r.res, "flows")));
	json_object_put(r.res);
	r = run(f, "{\"command\":\"reload\"}");
	CHECK(r.rc == 0 && !at(r.res, "flows"), "a real reload has no flow list");
	json_object_put(r.res);

	/* refused: an error reply carrying the first 50 errors and the total */
	f->reload_invalid = true;
	f->reload_errors = 60;
	r = run(f, "{\"command\":\"reload\"}");
	CHECK(r.rc < 0 && !strcmp(r.err.code, "EINVAL") &&
	      strstr(r.err.message, "reload failed, the running policy is unchanged: /etc/camguard/policies.d/a.conf:1: bad 0"),
	      "refused: %s %s", r.err.code, r.err.message);
	CHECK(len_at(r.res, "errors") == 50 && int_at(r.res, "errors_total") == 60 &&
	      !strcmp(str_at(r.res, "errors.49"), "/etc/camguard/policies.d/a.conf:50: bad 49"),
	      "error members: %s", r.res ? json_object_to_json_string(r.res) : "(none)");
	json_object_put(r.res);

	/* a refused dry run is a reply: valid false, the errors, no changes */
	f->reload_errors = 1;
	r = run(f, "{\"command\":\"reload\",\"arguments\":{\"dry_run\":true}}");
	CHECK(r.rc == 0 && !json_object_get_boolean(at(r.res, "valid")) &&
	      len_at(r.res, "errors") == 1 && int_at(r.res, "errors_total") == 1 &&
	      len_at(r.res, "changes") == 0, "refused dry run: %s", r.res ? json_object_to_json_string(r.res) : "");
	json_object_put(r.res);
	f->reload_invalid = false;

	/* applying failed (valid set): an error without error members */
	f->reload_rc = -EIO;
	r = run(f, "{\"command\":\"reload\"}");
	CHECK(r.rc < 0 && !strcmp(r.err.code, "EIO") && !r.res &&
	      strstr(r.err.message, "writing the BPF maps failed: boom"), "apply failure: %s", r.err.message);
	f->reload_rc = 0;
}

static void test_probe(struct fake *f)
{
	struct reply r = run(f, "{\"command\":\"probe\",\"arguments\":{\"result\":true}}");

	CHECK(r.rc < 0 && !strcmp(r.err.code, "ENOENT"), "no probe yet: %s", r.err.message);
	r = run(f, "{\"command\":\"probe\"}");
	CHECK(r.rc == 0 && f->probes == 1 && len_at(r.res, "interfaces") == 2 &&
	      int_at(r.res, "interfaces.0.sent") == 5 && !strcmp(str_at(r.res, "interfaces.0.error"), "") &&
	      !strcmp(str_at(r.res, "interfaces.1.error"), strerror(ENETDOWN)),
	      "probe: %s", r.res ? json_object_to_json_string(r.res) : r.err.message);
	json_object_put(r.res);
	r = run(f, "{\"command\":\"probe\",\"arguments\":{\"interface\":\"eth9\"}}");
	CHECK(r.rc < 0 && !strcmp(r.err.code, "ENODEV") && strstr(r.err.message, "eth9 is not a camera interface"),
	      "foreign interface: %s", r.err.message);
	r = run(f, "{\"command\":\"probe\",\"arguments\":{\"result\":true}}");
	/* nobody announced since; a has a model and was not known before */
	CHECK(r.rc == 0 && len_at(r.res, "answered") == 0 && len_at(r.res, "gained") == 1 &&
	      int_at(r.res, "not_announced") == 1, "result: %s",
	      r.res ? json_object_to_json_string(r.res) : r.err.message);
	json_object_put(r.res);
}

static void test_advisories(struct fake *f)
{
	struct reply r = run(f, "{\"command\":\"advisories\"}");

	CHECK(r.rc == 0 && len_at(r.res, "advisories") == 0 && int_at(r.res, "count") == 0 &&
	      int_at(r.res, "affected_devices") == 0, "advisories: %s", r.err.message);
	json_object_put(r.res);
}

int main(void)
{
	struct fake f;

	if (fake_init(&f)) {
		fprintf(stderr, "fixture: out of memory\n");
		return 1;
	}
	test_stats(&f);
	test_cameras(&f);
	test_blocked(&f);
	test_status(&f);
	test_reload(&f);
	test_probe(&f);
	test_advisories(&f);
	fake_free(&f);
	printf("%d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
