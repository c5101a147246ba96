// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd-stats.c — `stats`: the policy counters, and with "devices" the device
 * rows, from one pass over the counter array, one over the device map and
 * one over the inventory, so that `stats` with 10,000 devices stays a few
 * milliseconds of the event loop. Every reason and every direction is
 * listed, zero or not, so that a monitoring system sees stable series and
 * keys. "prometheus": the exposition of metrics.c instead.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/printbuf.h>

#include "advisory.h"
#include "array.h"
#include "cleanup.h"
#include "cmd.h"
#include "inventory.h"
#include "metrics.h"
#include "model.h"
#include "names.h"

_Static_assert(CG_PROTO_NAME_MAX == CG_NAME_MAX, "policy name limits differ");

/* What a monitor policy let through that isolate would have dropped, by
 * the reason it would have had (cg_pol_would; NULL: not readable). */
static void policy_would(json_object *o, const struct cg_policy_spec *p, const struct cg_counter *pw)
{
	json_object *wr = json_object_new_object();
	uint64_t packets = 0, bytes = 0;

	for (int r = 0; r < CG_REASON_MAX; r++) {
		uint64_t rp = 0;
		for (int dir = 0; pw && dir < CG_DIR_MAX; dir++) {
			const struct cg_counter *c = &pw[CG_POLSTAT_INDEX(p->id, dir, r)];
			rp += c->packets;
			bytes += c->bytes;
		}
		packets += rp;
		if (cg_reason_verdict(r) == CG_VERDICT_DROP)
			cmd_add_u64(wr, cg_reason_to_string(r), rp);
	}
	json_object_object_add(o, "would_drop", cmd_counter_json(packets, bytes));
	json_object_object_add(o, "would_drop_reasons", wr);
}

/* "action" is the one the data plane applies (enforce = "monitor" makes an
 * isolate policy monitor), "policy_action" the one its file states. */
static json_object *policy_stats(const struct cg_config *cf, const struct cg_policy_spec *p,
				 const struct cg_counter *pc, const struct cg_counter *pw,
				 uint64_t ndevices)
{
	json_object *o = json_object_new_object(), *dirs = json_object_new_object();
	json_object *dr = json_object_new_object(), *pr = json_object_new_object();
	uint64_t tot[CG_VERDICT_MAX][2] = {};
	uint64_t by_reason[CG_REASON_MAX] = {};

	for (int dir = 0; dir < CG_DIR_MAX; dir++) {
		json_object *dj = json_object_new_object();
		json_object *vj[CG_VERDICT_MAX], *rj[CG_VERDICT_MAX];
		uint64_t vt[CG_VERDICT_MAX][2] = {};

		for (int v = 0; v < CG_VERDICT_MAX; v++)
			rj[v] = json_object_new_object();
		for (int r = 0; r < CG_REASON_MAX; r++) {
			const struct cg_counter *c = &pc[CG_POLSTAT_INDEX(p->id, dir, r)];
			int v = cg_reason_verdict(r);
			json_object_object_add(rj[v], cg_reason_to_string(r),
					       cmd_counter_json(c->packets, c->bytes));
			vt[v][0] += c->packets;
			vt[v][1] += c->bytes;
			by_reason[r] += c->packets;
		}
		for (int v = 0; v < CG_VERDICT_MAX; v++) {
			vj[v] = cmd_counter_json(vt[v][0], vt[v][1]);
			json_object_object_add(vj[v], "reasons", rj[v]);
			json_object_object_add(dj, cg_verdict_to_string(v), vj[v]);
			tot[v][0] += vt[v][0];
			tot[v][1] += vt[v][1];
		}
		json_object_object_add(dirs, cg_dir_to_string(dir), dj);
	}
	for (int r = 0; r < CG_REASON_MAX; r++)
		cmd_add_u64(cg_reason_verdict(r) == CG_VERDICT_DROP ? dr : pr, cg_reason_to_string(r),
			by_reason[r]);

	cmd_add_str(o, "name", p->name);
	cmd_add_u64(o, "id", p->id);
	cmd_add_str(o, "action", cg_action_to_string(model_policy_action(cf, p->action)));
	cmd_add_str(o, "policy_action", cg_action_to_string(p->action));
	cmd_add_u64(o, "devices", ndevices);
	json_object_object_add(o, "pass", cmd_counter_json(tot[CG_VERDICT_PASS][0], tot[CG_VERDICT_PASS][1]));
	json_object_object_add(o, "drop", cmd_counter_json(tot[CG_VERDICT_DROP][0], tot[CG_VERDICT_DROP][1]));
	json_object_object_add(o, "drop_reasons", dr);
	json_object_object_add(o, "pass_reasons", pr);
	policy_would(o, p, pw);
	json_object_object_add(o, "directions", dirs);
	return o;
}
/*
 * The device lists of `stats` are the bulk of a large reply (10,000 devices:
 * some 300,000 JSON nodes if built as a tree, half a second of the event
 * loop). They are collected as flat rows and written straight into the
 * reply's text by a json-c serializer: the same JSON, a few milliseconds.
 */
/* Strings point into the inventory and the live model: the reply is
 * serialized by control.c right after the command returns, in the same turn
 * of the event loop, before anything can change them. */
struct dev_row {
	uint8_t mac[6];
	const char *vendor;
	const char *policy;
	const char *model;
	const char *firmware;
	struct cg_counter c[CG_DIR_MAX][CG_VERDICT_MAX];
	struct cg_counter would[CG_DIR_MAX];   /* monitor passed, isolate would drop */
};

struct dev_rows {
	struct dev_row *v;
	size_t n, cap;
	bool info;               /* device_info rows: mac, vendor, model, firmware, policy */
};

static struct dev_row *rows_add(struct dev_rows *r)
{
	if (!CG_GROW(r->v, r->cap, r->n + 1))
		return NULL;
	memset(&r->v[r->n], 0, sizeof(r->v[0]));
	return &r->v[r->n++];
}

static int row_cmp(const void *a, const void *b)
{
	return memcmp(((const struct dev_row *)a)->mac, ((const struct dev_row *)b)->mac, 6);
}

/* A JSON string literal: quotes, backslashes and control bytes escaped;
 * UTF-8 passes through as json-c would write it. */
static void pb_string(struct printbuf *pb, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s;

	printbuf_memappend(pb, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
			continue;
		printbuf_memappend(pb, run, (int)(s - run));
		char esc[7] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0 };
		if (c == '"' || c == '\\') {
			esc[1] = (char)c;
			esc[2] = 0;
		}
		printbuf_memappend(pb, esc, (int)strlen(esc));
		run = s + 1;
	}
	printbuf_memappend(pb, run, (int)(s - run));
	printbuf_memappend(pb, "\"", 1);
}

static void pb_str(struct printbuf *pb, const char *s)
{
	printbuf_memappend(pb, s, (int)strlen(s));
}

/* Decimal without printf: the device lists print 40,000 numbers a reply. */
static void pb_u64(struct printbuf *pb, uint64_t v)
{
	char buf[24], *p = buf + sizeof(buf);
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	printbuf_memappend(pb, p, (int)(buf + sizeof(buf) - p));
}

static void pb_counter(struct printbuf *pb, const char *key, uint64_t packets, uint64_t bytes)
{
	printbuf_memappend(pb, "\"", 1);
	pb_str(pb, key);
	printbuf_memappend(pb, "\":{\"packets\":", 13);
	pb_u64(pb, packets);
	printbuf_memappend(pb, ",\"bytes\":", 9);
	pb_u64(pb, bytes);
	printbuf_memappend(pb, "}", 1);
}

static int rows_serialize(json_object *o, struct printbuf *pb, int level, int flags)
{
	const struct dev_rows *r = json_object_get_userdata(o);
	char mac[18];

	printbuf_memappend(pb, "[", 1);
	for (size_t i = 0; i < r->n; i++) {
		const struct dev_row *d = &r->v[i];
		static const char hex[] = "0123456789abcdef";
		for (int k = 0; k < 6; k++) {
			mac[3 * k] = hex[d->mac[k] >> 4];
			mac[3 * k + 1] = hex[d->mac[k] & 15];
			mac[3 * k + 2] = k < 5 ? ':' : '\0';
		}
		pb_str(pb, i ? ",{\"mac\":\"" : "{\"mac\":\"");
		printbuf_memappend(pb, mac, 17);
		pb_str(pb, "\",\"vendor\":");
		pb_string(pb, d->vendor);
		if (r->info) {
			printbuf_memappend(pb, ",\"model\":", 9);
			pb_string(pb, d->model);
			printbuf_memappend(pb, ",\"firmware\":", 12);
			pb_string(pb, d->firmware);
		}
		printbuf_memappend(pb, ",\"policy\":", 10);
		pb_string(pb, d->policy);
		if (!r->info) {
			uint64_t t[CG_VERDICT_MAX][2] = {};
			for (int dir = 0; dir < CG_DIR_MAX; dir++)
				for (int v = 0; v < CG_VERDICT_MAX; v++) {
					t[v][0] += d->c[dir][v].packets;
					t[v][1] += d->c[dir][v].bytes;
				}
			for (int v = 0; v < CG_VERDICT_MAX; v++) {
				printbuf_memappend(pb, ",", 1);
				pb_counter(pb, cg_verdict_to_string(v), t[v][0], t[v][1]);
			}
			/* would_drop: beside drop, in the totals and per direction
			 * (the packets are also in pass: monitor let them through) */
			uint64_t w[2] = {};
			for (int dir = 0; dir < CG_DIR_MAX; dir++) {
				w[0] += d->would[dir].packets;
				w[1] += d->would[dir].bytes;
			}
			printbuf_memappend(pb, ",", 1);
			pb_counter(pb, "would_drop", w[0], w[1]);
			for (int dir = 0; dir < CG_DIR_MAX; dir++) {
				pb_str(pb, ",\"");
				pb_str(pb, cg_dir_to_string(dir));
				pb_str(pb, "\":{");
				for (int v = 0; v < CG_VERDICT_MAX; v++) {
					if (v)
						printbuf_memappend(pb, ",", 1);
					pb_counter(pb, cg_verdict_to_string(v), d->c[dir][v].packets,
						   d->c[dir][v].bytes);
				}
				printbuf_memappend(pb, ",", 1);
				pb_counter(pb, "would_drop", d->would[dir].packets, d->would[dir].bytes);
				printbuf_memappend(pb, "}", 1);
			}
		}
		printbuf_memappend(pb, "}", 1);
	}
	printbuf_memappend(pb, "]", 1);
	return 0;
}

static void rows_free(json_object *o, void *userdata)
{
	struct dev_rows *r = userdata;
	free(r->v);
	free(r);
}

/* Sorted by MAC, wrapped in a json object that serializes them. */
static json_object *rows_json(struct dev_rows *r)
{
	json_object *o = json_object_new_array();
	struct dev_rows *own = malloc(sizeof(*own));
	if (!o || !own) {
		json_object_put(o);
		free(own);
		free(r->v);
		return NULL;
	}
	qsort(r->v, r->n, sizeof(r->v[0]), row_cmp);
	*own = *r;
	json_object_set_serializer(o, rows_serialize, own, rows_free);
	return o;
}

struct devices_ctx {
	const struct cg_view *d;
	const struct cg_request *req;
	struct dev_rows rows;
	bool found;
	bool oom;
};

/* "unknown" for an id the live set does not name (as moves.c). */
static const char *policy_name(const struct cg_model *m, unsigned id)
{
	for (size_t i = 0; i < m->npolicies; i++)
		if (m->policies[i].id == id)
			return m->policies[i].name;
	return "unknown";
}

static void row_fill(struct dev_row *row, const uint8_t mac[6], const char *vendor,
		     const char *policy, const struct cg_dev_stats *s)
{
	memcpy(row->mac, mac, 6);
	row->vendor = vendor ? vendor : "";
	row->policy = policy ? policy : "";
	memcpy(row->c, s->c, sizeof(row->c));
	memcpy(row->would, s->ev.would, sizeof(row->would));
}

static int device_cb(const uint8_t mac[6], const struct cg_dev_stats *sum, void *ctx)
{
	struct devices_ctx *x = ctx;
	const struct cg_inv_device *inv;
	const char *policy;

	if (x->req->has_device && memcmp(mac, x->req->device, 6))
		return 0;
	/* The inventory follows reloads; the counter's cached policy id may be
	 * one generation old until the device sends again. */
	inv = x->d->inv ? inventory_find(x->d->inv, mac) : NULL;
	policy = inv && inv->policy[0] ? inv->policy : policy_name(x->d->model, sum->policy);
	if (x->req->policy[0] && strcmp(policy, x->req->policy))
		return 0;
	struct dev_row *row = rows_add(&x->rows);
	if (!row) {
		x->oom = true;
		return -ENOMEM;
	}
	row_fill(row, mac, inv ? inv->vendor : "", policy, sum);
	x->found = true;
	return 0;
}

/* One entry per inventory device, counted or not: what the operator has,
 * for camguard_device_info{mac,vendor,model,firmware,policy} 1. */
static json_object *device_info(const struct cg_view *d, const struct cg_request *req)
{
	struct dev_rows r = { .info = true };

	for (const struct cg_inv_device *v = d->inv ? inventory_first(d->inv) : NULL; v;
	     v = inventory_next(d->inv, v)) {
		if ((req->has_device && memcmp(v->mac, req->device, 6)) ||
		    (req->policy[0] && strcmp(v->policy, req->policy)))
			continue;
		struct dev_row *row = rows_add(&r);
		if (!row)
			break;
		memcpy(row->mac, v->mac, 6);
		row->vendor = v->vendor;
		row->policy = v->policy;
		row->model = v->facts[CG_INV_MODEL].value;
		row->firmware = v->facts[CG_INV_FIRMWARE].value;
	}
	return rows_json(&r);
}

/* {"exposition": "..."}: the same text the textfile gets (metrics.c). */
static int stats_prometheus(const struct cg_view *d, const struct cg_request *req, json_object **ret,
			    struct cg_proto_error *err)
{
	struct printbuf *pb;
	int rc;

	if (req->policy[0] || req->has_device)
		return protocol_error(err, "EINVAL",
				      "argument \"prometheus\": the exposition covers the whole host (no \"policy\" or \"device\")");
	pb = printbuf_new();
	if (!pb)
		return protocol_error(err, "ENOMEM", "out of memory");
	rc = metrics_render_now(d, pb);
	if (rc) {
		printbuf_free(pb);
		return protocol_error(err, protocol_errno_name(rc), "cannot read the counters: %s",
				      strerror(-rc));
	}
	*ret = json_object_new_object();
	json_object_object_add(*ret, "exposition", json_object_new_string_len(pb->buf, pb->bpos));
	printbuf_free(pb);
	return 0;
}

/* One entry per device and advisory it matches, any confidence: for
 * camguard_device_vulnerable{mac,cve,confidence} 1. */
static json_object *device_vulnerable(const struct cg_view *d, const struct cg_request *req)
{
	json_object *arr = json_object_new_array();
	char mac[18];

	for (const struct cg_inv_device *v = d->inv ? inventory_first(d->inv) : NULL; v;
	     v = inventory_next(d->inv, v)) {
		if ((req->has_device && memcmp(v->mac, req->device, 6)) ||
		    (req->policy[0] && strcmp(v->policy, req->policy)))
			continue;
		for (uint8_t i = 0; i < v->nadv; i++) {
			json_object *e = json_object_new_object();
			if (v->adv[i].advisory >= d->model->nadvisories) {
				json_object_put(e);
				continue;
			}
			addr_format_mac(v->mac, mac);
			cmd_add_str(e, "mac", mac);
			cmd_add_str(e, "cve", d->model->advisories[v->adv[i].advisory].cve);
			cmd_add_str(e, "confidence", advisory_confidence_to_string(v->adv[i].confidence));
			json_object_array_add(arr, e);
		}
	}
	return arr;
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Devices per policy (ndev[npolicies] = in no policy): one walk of the
 * inventory, whose entries lie far apart in memory — 10,000 of them were
 * most of a `stats` (a cache and TLB miss each). A monitoring system asks
 * every few seconds, a `--watch` every second: the counts are reused for up
 * to a second within one generation and inventory size.
 */
#define DEVICE_COUNTS_MAX_AGE_MS 1000
static void policy_device_counts(const struct cg_view *d, uint64_t *ndev)
{
	static struct {
		int64_t at;
		uint64_t gen;
		size_t npolicies, ndevices;
		uint64_t n[CG_MAX_POLICIES + 1];
	} cache = { .at = -DEVICE_COUNTS_MAX_AGE_MS };
	const struct cg_model *m = d->model;
	size_t count = d->inv ? inventory_count(d->inv) : 0;
	int64_t now = mono_ms();

	if (m->npolicies <= CG_MAX_POLICIES && now - cache.at < DEVICE_COUNTS_MAX_AGE_MS &&
	    cache.gen == cmd_generation(d) && cache.npolicies == m->npolicies && cache.ndevices == count) {
		memcpy(ndev, cache.n, (m->npolicies + 1) * sizeof(*ndev));
		return;
	}
	if (d->inv)
		for (const struct cg_inv_device *v = inventory_first(d->inv); v;
		     v = inventory_next(d->inv, v)) {
			int i = model_find_policy(m, v->policy);
			ndev[i < 0 ? m->npolicies : (size_t)i]++;
		}
	if (m->npolicies <= CG_MAX_POLICIES) {
		cache.at = now;
		cache.gen = cmd_generation(d);
		cache.npolicies = m->npolicies;
		cache.ndevices = count;
		memcpy(cache.n, ndev, (m->npolicies + 1) * sizeof(*ndev));
	}
}

/* "devices", "device_info" and "device_vulnerable" into res, or -errno
 * with err filled. */
static int stats_devices(const struct cg_view *d, const struct cg_request *req, json_object *res,
			 struct cg_proto_error *err)
{
	struct devices_ctx x = { .d = d, .req = req };
	int rc = d->ops->foreach_device(d->ctx, device_cb, &x);

	if (rc < 0) {
		free(x.rows.v);
		return protocol_error(err, protocol_errno_name(rc), "cannot read the device counters: %s",
				      strerror(-rc));
	}
	if (req->has_device && !x.found) {
		/* Known but never counted (counters evicted or reset): zeros. */
		const struct cg_inv_device *v = d->inv ? inventory_find(d->inv, req->device) : NULL;
		if (!v || (req->policy[0] && strcmp(v->policy, req->policy))) {
			char mac[18];
			free(x.rows.v);
			addr_format_mac(req->device, mac);
			return protocol_error(err, "ENOENT", "no device %s%s%s", mac,
					      req->policy[0] ? " in policy " : "", req->policy);
		}
		struct cg_dev_stats zero = {};
		struct dev_row *row = rows_add(&x.rows);
		if (row)
			row_fill(row, v->mac, v->vendor, v->policy, &zero);
	}
	json_object_object_add(res, "devices", rows_json(&x.rows));
	json_object_object_add(res, "device_info", device_info(d, req));
	json_object_object_add(res, "device_vulnerable", device_vulnerable(d, req));
	return 0;
}

int cmd_stats(const struct cg_view *d, const struct cg_request *req, json_object **ret,
	      struct cg_proto_error *err)
{
	const struct cg_model *m = d->model;
	_cleanup_free_ struct cg_counter *pc = NULL, *pw = NULL;
	_cleanup_free_ uint64_t *ndev = NULL;
	json_object *res, *pols;
	int rc;

	if (req->prometheus)
		return stats_prometheus(d, req, ret, err);
	if (req->policy[0] && model_find_policy(m, req->policy) < 0)
		return protocol_error(err, "ENOENT", "no policy \"%s\"", req->policy);
	pc = calloc(CG_POLSTAT_ENTRIES, sizeof(*pc));
	ndev = calloc(m->npolicies + 1, sizeof(*ndev));
	if (!pc || !ndev)
		return protocol_error(err, "ENOMEM", "out of memory");
	rc = d->ops->read_policy_stats(d->ctx, pc);
	if (rc)
		return protocol_error(err, protocol_errno_name(rc), "cannot read the policy counters: %s",
				      strerror(-rc));
	policy_device_counts(d, ndev);
	/* would-drops: zeros when the data plane cannot say (older maps) */
	pw = calloc(CG_POLSTAT_ENTRIES, sizeof(*pw));
	if (!pw)
		return protocol_error(err, "ENOMEM", "out of memory");
	if (d->ops->read_policy_would && d->ops->read_policy_would(d->ctx, pw))
		memset(pw, 0, CG_POLSTAT_ENTRIES * sizeof(*pw));

	res = json_object_new_object();
	pols = json_object_new_array();
	for (size_t i = 0; i < m->npolicies; i++) {
		if (req->policy[0] && strcmp(req->policy, m->policies[i].name))
			continue;
		json_object_array_add(pols, policy_stats(&m->config, &m->policies[i], pc, pw, ndev[i]));
	}
	cmd_add_str(res, "enforce", cg_enforce_to_string(m->config.enforce));
	json_object_object_add(res, "policies", pols);

	/* Device rows only when asked: the default reply stays a few kB at
	 * any device count (10,000 devices were 3.5 MB a request). */
	if ((req->devices || req->has_device) && (rc = stats_devices(d, req, res, err))) {
		json_object_put(res);
		return rc;
	}
	json_object_object_add(res, "nftables", cmd_nft_status(d));
	cmd_add_u64(res, "generation", cmd_generation(d));
	json_object *rel = json_object_new_object();
	cmd_add_u64(rel, "ok", d->counters->reloads_ok);
	cmd_add_u64(rel, "failed", d->counters->reloads_failed);
	json_object_object_add(res, "reloads", rel);
	*ret = res;
	return 0;
}
