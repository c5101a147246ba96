// SPDX-License-Identifier: GPL-2.0-only
/*
 * commands.c — answers to the control commands, built from the daemon's
 * state. Each handler reads what it needs once (one pass over the policy
 * counter array, one over the device map, one over the inventory) so that
 * `stats` with 10,000 devices stays a few milliseconds of the event loop.
 * Every reason and every direction is listed, zero or not, so that a
 * monitoring system sees stable series and keys.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/printbuf.h>

#include "advisory.h"
#include "commands.h"
#include "daemon.h"
#include "filehash.h"
#include "exposure.h"
#include "inventory.h"
#include "metrics.h"
#include "names.h"
#include "nft.h"
#include "reasm.h"

_Static_assert(CG_PROTO_NAME_MAX == CG_NAME_MAX, "policy name limits differ");

static json_object *counter_json(uint64_t packets, uint64_t bytes)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "packets", json_object_new_uint64(packets));
	json_object_object_add(o, "bytes", json_object_new_uint64(bytes));
	return o;
}

static void add_str(json_object *o, const char *key, const char *s)
{
	json_object_object_add(o, key, json_object_new_string(s ? s : ""));
}

static void add_u64(json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

static void add_time(json_object *o, const char *key, int64_t t)
{
	char buf[64];
	format_time(t, buf, sizeof(buf));
	add_str(o, key, buf);
}

/* ---- stats ------------------------------------------------------------- */

static json_object *policy_stats(const struct cg_policy_spec *p, const struct cg_counter *pc,
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
					       counter_json(c->packets, c->bytes));
			vt[v][0] += c->packets;
			vt[v][1] += c->bytes;
			by_reason[r] += c->packets;
		}
		for (int v = 0; v < CG_VERDICT_MAX; v++) {
			vj[v] = counter_json(vt[v][0], vt[v][1]);
			json_object_object_add(vj[v], "reasons", rj[v]);
			json_object_object_add(dj, cg_verdict_to_string(v), vj[v]);
			tot[v][0] += vt[v][0];
			tot[v][1] += vt[v][1];
		}
		json_object_object_add(dirs, cg_dir_to_string(dir), dj);
	}
	for (int r = 0; r < CG_REASON_MAX; r++)
		add_u64(cg_reason_verdict(r) == CG_VERDICT_DROP ? dr : pr, cg_reason_to_string(r),
			by_reason[r]);

	add_str(o, "name", p->name);
	add_u64(o, "id", p->id);
	add_str(o, "action", cg_action_to_string(p->action));
	add_u64(o, "devices", ndevices);
	json_object_object_add(o, "pass", counter_json(tot[CG_VERDICT_PASS][0], tot[CG_VERDICT_PASS][1]));
	json_object_object_add(o, "drop", counter_json(tot[CG_VERDICT_DROP][0], tot[CG_VERDICT_DROP][1]));
	json_object_object_add(o, "drop_reasons", dr);
	json_object_object_add(o, "pass_reasons", pr);
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
};

struct dev_rows {
	struct dev_row *v;
	size_t n, cap;
	bool info;               /* device_info rows: mac, vendor, model, firmware, policy */
};

static struct dev_row *rows_add(struct dev_rows *r)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct dev_row *v = realloc(r->v, cap * sizeof(*v));
		if (!v)
			return NULL;
		r->v = v;
		r->cap = cap;
	}
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

static int by_mac(const void *a, const void *b)
{
	json_object *const *x = a, *const *y = b;
	json_object *mx, *my;
	json_object_object_get_ex(*x, "mac", &mx);
	json_object_object_get_ex(*y, "mac", &my);
	return strcmp(json_object_get_string(mx), json_object_get_string(my));
}

struct devices_ctx {
	struct cg_daemon *d;
	const struct cg_request *req;
	struct dev_rows rows;
	bool found;
	bool oom;
};

static void row_fill(struct dev_row *row, const uint8_t mac[6], const char *vendor,
		     const char *policy, const struct cg_dev_stats *s)
{
	memcpy(row->mac, mac, 6);
	row->vendor = vendor ? vendor : "";
	row->policy = policy ? policy : "";
	memcpy(row->c, s->c, sizeof(row->c));
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
	policy = inv && inv->policy[0] ? inv->policy : daemon_policy_name(x->d, sum->policy);
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
static json_object *device_info(struct cg_daemon *d, const struct cg_request *req)
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
static int stats_prometheus(struct cg_daemon *d, const struct cg_request *req, json_object **ret,
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
static json_object *device_vulnerable(struct cg_daemon *d, const struct cg_request *req)
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
			if (v->adv[i].advisory >= d->model.nadvisories) {
				json_object_put(e);
				continue;
			}
			addr_format_mac(v->mac, mac);
			add_str(e, "mac", mac);
			add_str(e, "cve", d->model.advisories[v->adv[i].advisory].cve);
			add_str(e, "confidence", advisory_confidence_to_string(v->adv[i].confidence));
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
static void policy_device_counts(struct cg_daemon *d, uint64_t *ndev)
{
	static struct {
		int64_t at;
		uint64_t gen;
		size_t npolicies, ndevices;
		uint64_t n[CG_MAX_POLICIES + 1];
	} cache = { .at = -DEVICE_COUNTS_MAX_AGE_MS };
	const struct cg_model *m = &d->model;
	size_t count = d->inv ? inventory_count(d->inv) : 0;
	int64_t now = mono_ms();

	if (m->npolicies <= CG_MAX_POLICIES && now - cache.at < DEVICE_COUNTS_MAX_AGE_MS &&
	    cache.gen == d->dp->gen && cache.npolicies == m->npolicies && cache.ndevices == count) {
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
		cache.gen = d->dp->gen;
		cache.npolicies = m->npolicies;
		cache.ndevices = count;
		memcpy(cache.n, ndev, (m->npolicies + 1) * sizeof(*ndev));
	}
}

static int cmd_stats(struct cg_daemon *d, const struct cg_request *req, json_object **ret,
		     struct cg_proto_error *err)
{
	const struct cg_model *m = &d->model;
	struct cg_counter *pc = NULL;
	uint64_t *ndev = NULL;
	json_object *res = NULL, *pols, *nft;
	struct devices_ctx x = { .d = d, .req = req };
	int rc;

	if (req->prometheus)
		return stats_prometheus(d, req, ret, err);
	if (req->policy[0] && model_find_policy(m, req->policy) < 0)
		return protocol_error(err, "ENOENT", "no policy \"%s\"", req->policy);
	pc = calloc(CG_POLSTAT_ENTRIES, sizeof(*pc));
	ndev = calloc(m->npolicies + 1, sizeof(*ndev));
	if (!pc || !ndev) {
		rc = protocol_error(err, "ENOMEM", "out of memory");
		goto out;
	}
	rc = dataplane_read_policy_stats(d->dp, pc);
	if (rc) {
		rc = protocol_error(err, protocol_errno_name(rc), "cannot read the policy counters: %s",
				    strerror(-rc));
		goto out;
	}
	policy_device_counts(d, ndev);

	res = json_object_new_object();
	pols = json_object_new_array();
	for (size_t i = 0; i < m->npolicies; i++) {
		if (req->policy[0] && strcmp(req->policy, m->policies[i].name))
			continue;
		json_object_array_add(pols, policy_stats(&m->policies[i], pc, ndev[i]));
	}
	json_object_object_add(res, "policies", pols);

	/* Device rows only when asked: the default reply stays a few kB at
	 * any device count (10,000 devices were 3.5 MB a request). */
	if (!req->devices && !req->has_device)
		goto tail;
	rc = dataplane_foreach_device(d->dp, device_cb, &x);
	if (rc < 0) {
		free(x.rows.v);
		rc = protocol_error(err, protocol_errno_name(rc), "cannot read the device counters: %s",
				    strerror(-rc));
		goto out;
	}
	if (req->has_device && !x.found) {
		/* Known but never counted (counters evicted or reset): zeros. */
		const struct cg_inv_device *v = d->inv ? inventory_find(d->inv, req->device) : NULL;
		if (!v || (req->policy[0] && strcmp(v->policy, req->policy))) {
			char mac[18];
			free(x.rows.v);
			addr_format_mac(req->device, mac);
			rc = protocol_error(err, "ENOENT", "no device %s%s%s", mac,
					    req->policy[0] ? " in policy " : "", req->policy);
			goto out;
		}
		struct cg_dev_stats zero = {};
		struct dev_row *row = rows_add(&x.rows);
		if (row)
			row_fill(row, v->mac, v->vendor, v->policy, &zero);
	}
	json_object_object_add(res, "devices", rows_json(&x.rows));
	json_object_object_add(res, "device_info", device_info(d, req));
	json_object_object_add(res, "device_vulnerable", device_vulnerable(d, req));
tail:
	nft = d->nft ? nft_status(d->nft) : NULL;
	if (d->nft && !nft) {
		nft = json_object_new_object();
		json_object_object_add(nft, "present", json_object_new_boolean(0));
		add_str(nft, "error", strerror(errno));
	}
	json_object_object_add(res, "nftables", nft);
	add_u64(res, "generation", d->dp->gen);
	json_object *rel = json_object_new_object();
	add_u64(rel, "ok", d->reloads_ok);
	add_u64(rel, "failed", d->reloads_failed);
	json_object_object_add(res, "reloads", rel);
	*ret = res;
	res = NULL;
	rc = 0;
out:
	json_object_put(res);
	free(pc);
	free(ndev);
	return rc;
}

/* ---- cameras ----------------------------------------------------------- */

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
static int cameras_summary(struct cg_daemon *d, json_object **ret, struct cg_proto_error *err)
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
		add_str(o, "vendor", summary_vendor(v[i]));
		add_str(o, "model", v[i]->facts[CG_INV_MODEL].value);
		add_u64(o, "count", j - i);
		json_object_array_add(arr, o);
		i = j;
	}
	json_object_array_sort(arr, count_cmp);
	free(v);
	json_object_object_add(res, "summary", arr);
	add_u64(res, "devices", k);
	add_u64(res, "mismatched", mismatched);
	add_u64(res, "not_announced", silent);
	if (d->probe_started)
		add_time(res, "last_probe", d->probe_started);
	else
		add_str(res, "last_probe", "");
	*ret = res;
	return 0;
}

/* "advisories":[{"cve","confidence","severity","kev","fixed","source"}] and
 * "vulnerable": an advisory affects it (exact or likely). */
static void add_advisories(struct cg_daemon *d, json_object *o, const struct cg_inv_device *v)
{
	json_object *arr = json_object_new_array();

	for (uint8_t i = 0; i < v->nadv; i++) {
		const struct cg_advisory *a;
		json_object *e;

		if (v->adv[i].advisory >= d->model.nadvisories)
			continue;
		a = &d->model.advisories[v->adv[i].advisory];
		e = json_object_new_object();
		add_str(e, "cve", a->cve);
		add_str(e, "confidence", advisory_confidence_to_string(v->adv[i].confidence));
		add_str(e, "severity", advisory_severity_to_string(a->severity));
		json_object_object_add(e, "kev", json_object_new_boolean(a->kev));
		add_str(e, "fixed", a->fixed);
		add_str(e, "source", a->source_id);
		json_object_array_add(arr, e);
	}
	json_object_object_add(o, "advisories", arr);
	json_object_object_add(o, "vulnerable", json_object_new_boolean(exposure_worst(v) >= CG_ADV_LIKELY));
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

static int cmd_cameras(struct cg_daemon *d, const struct cg_request *req, json_object **ret,
		       struct cg_proto_error *err)
{
	json_object *res, *arr;
	uint64_t mismatched = 0, vulnerable = 0;
	int64_t now = time(NULL);

	if (req->summary)
		return cameras_summary(d, ret, err);
	if (req->policy[0] && model_find_policy(&d->model, req->policy) < 0)
		return protocol_error(err, "ENOENT", "no policy \"%s\"", req->policy);
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
			json_object_array_add(arr, o);
		}
	json_object_array_sort(arr, by_mac);
	json_object_object_add(res, "cameras", arr);
	add_u64(res, "count", d->inv ? inventory_count(d->inv) : 0);
	add_u64(res, "evicted", d->inv ? inventory_evicted(d->inv) : 0);
	add_u64(res, "mismatched", mismatched);
	add_u64(res, "vulnerable", vulnerable);
	json_object_object_add(res, "only_vulnerable", json_object_new_boolean(req->vulnerable));
	*ret = res;
	return 0;
}

/* ---- blocked ------------------------------------------------------------ */

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
	add_str(o, "address", addr);
	add_u64(o, "port", b->port);
	add_str(o, "proto", proto_name(b->proto, pb));
	add_str(o, "direction", cg_dir_to_string(b->dir));
	add_str(o, "reason", cg_reason_to_string(b->reason));
	add_u64(o, "count", b->count);
	add_time(o, "last", b->last);
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

static int cmd_blocked(struct cg_daemon *d, const struct cg_request *req, json_object **ret,
		       struct cg_proto_error *err)
{
	const struct cg_model *m = &d->model;
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
		add_str(o, "mac", mac);
		add_str(o, "vendor", v->vendor);
		add_str(o, "policy", v->policy);
		json_object_object_add(o, "blocked", bl);
		json_object_array_add(devs, o);
	}
	json_object_array_sort(devs, by_mac);
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
		add_str(o, "name", m->policies[i].name);
		for (size_t k = 0; k < w; k++) {
			if (all[k].policy != (int)i || shown >= CG_BLOCKED_TOP)
				continue;
			json_object *b = blocked_json(all[k].b);
			json_object_object_del(b, "last");
			json_object_object_del(b, "would");
			json_object_object_add(b, "count", json_object_new_uint64(all[k].count));
			add_u64(b, "devices", all[k].devices);
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

/* ---- status ------------------------------------------------------------ */

/* {"version","pid","started","uptime","generation","config","policies",
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
 *  "events":{"seen","drop_samples","lost","device_insert_failed"}} */
static int cmd_status(struct cg_daemon *d, const struct cg_request *req, json_object **ret,
		      struct cg_proto_error *err)
{
	const struct cg_model *m = &d->model;
	json_object *res = json_object_new_object(), *a, *o;
	struct timespec now;
	uint64_t misc[CG_MISC_MAX] = {};

	clock_gettime(CLOCK_MONOTONIC, &now);
	add_str(res, "version", CAMGUARD_VERSION);
	add_u64(res, "pid", (uint64_t)getpid());
	add_time(res, "started", d->started);
	add_u64(res, "uptime", (uint64_t)(now.tv_sec - d->started_mono.tv_sec));
	add_u64(res, "generation", d->dp->gen);
	add_str(res, "config", d->conf_path);
	add_u64(res, "policies", m->npolicies);

	a = json_object_new_array();
	for (size_t i = 0; i < m->nfiles; i++) {
		o = json_object_new_object();
		add_str(o, "path", m->files[i]);
		add_str(o, "sha256", d->file_hashes ? d->file_hashes[i] : "");
		json_object_array_add(a, o);
	}
	json_object_object_add(res, "files", a);
	add_str(res, "files_hash", d->files_hash);
	add_str(res, "policy_set_hash", d->policy_set_hash);
	o = json_object_new_object();
	add_str(o, "textfile", d->model.config.metrics_textfile);
	add_u64(o, "interval", d->model.config.metrics_interval);
	add_u64(o, "max_devices", d->model.config.metrics_max_devices);
	add_u64(o, "written", d->metrics.written);
	add_u64(o, "failed", d->metrics.failed);
	add_u64(o, "skipped", d->metrics.skipped);
	json_object_object_add(res, "metrics", o);

	o = json_object_new_object();
	add_str(o, "path", m->registry_used);
	add_str(o, "date", m->registry_date);
	json_object_object_add(o, "read", json_object_new_boolean(m->registry_read));
	add_u64(o, "entries", m->registry_entries);
	json_object_object_add(res, "registry", o);

	a = json_object_new_array();
	for (size_t i = 0; i < d->nifaces; i++) {
		const struct cg_iface *f = &d->ifaces[i];
		json_object *hooks = json_object_new_object(), *exp = json_object_new_array();
		o = json_object_new_object();
		add_str(o, "name", f->name);
		add_str(o, "mode", f->mode == CG_IFMODE_XDP ? "xdp" : "tc");
		add_u64(o, "ifindex", f->ifindex > 0 ? (uint64_t)f->ifindex : 0);
		for (int h = 0; h < CG_HOOK_MAX; h++) {
			json_object_object_add(hooks, cg_hook_to_string(h),
					       json_object_new_boolean(f->attached[h]));
			/* TC egress always; XDP or TC ingress by mode. */
			if (h == CG_HOOK_TC_EGRESS ||
			    (h == CG_HOOK_XDP) == (f->mode == CG_IFMODE_XDP))
				json_object_array_add(exp, json_object_new_string(cg_hook_to_string(h)));
		}
		json_object_object_add(o, "hooks", hooks);
		json_object_object_add(o, "expected", exp);
		add_u64(o, "attaches", f->attaches);
		add_str(o, "error", f->error);
		json_object_array_add(a, o);
	}
	json_object_object_add(res, "interfaces", a);

	o = d->nft ? nft_status(d->nft) : NULL;
	if (d->nft && !o) {
		o = json_object_new_object();
		json_object_object_add(o, "present", json_object_new_boolean(0));
		add_str(o, "error", strerror(errno));
	}
	json_object_object_add(res, "nftables", o);

	o = json_object_new_object();
	add_u64(o, "ok", d->reloads_ok);
	add_u64(o, "failed", d->reloads_failed);
	json_object *last = json_object_new_object();
	json_object_object_add(last, "ok", json_object_new_boolean(d->last_reload.ok));
	add_time(last, "time", d->last_reload.when);
	add_str(last, "message", d->last_reload.message);
	add_u64(last, "generation", d->last_reload.generation);
	json_object_object_add(o, "last", last);
	json_object_object_add(res, "reloads", o);

	o = json_object_new_object();
	add_u64(o, "events", d->tamper_events);
	add_str(o, "last", d->last_tamper);
	json_object_object_add(res, "tamper", o);

	o = json_object_new_object();
	add_u64(o, "total", d->moves);
	add_str(o, "last", d->last_move);
	json_object_object_add(res, "moves", o);

	dataplane_read_misc(d->dp, misc);
	o = json_object_new_object();
	add_u64(o, "devices", d->inv ? inventory_count(d->inv) : 0);
	add_u64(o, "evicted", d->inv ? inventory_evicted(d->inv) : 0);
	uint64_t mismatched = 0;
	struct cg_inv_disc_stats ds = {};
	if (d->inv) {
		for (const struct cg_inv_device *v = inventory_first(d->inv); v;
		     v = inventory_next(d->inv, v))
			mismatched += inventory_mismatch(v);
		inventory_discovery_stats(d->inv, &ds);
	}
	add_u64(o, "mismatched", mismatched);
	json_object *ann = json_object_new_object();
	add_u64(ann, "copies", misc[CG_MISC_DISC_COPIES]);
	add_u64(ann, "limited", misc[CG_MISC_DISC_LIMITED]);
	add_u64(ann, "parsed", ds.parsed);
	add_u64(ann, "ignored", ds.ignored);
	add_u64(ann, "malformed", ds.malformed);
	struct cg_reasm_stats rs = {};
	if (d->reasm) {
		reasm_expire(d->reasm, (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000);
		reasm_stats(d->reasm, &rs);
	}
	json_object *fr = json_object_new_object();
	add_u64(fr, "copied", misc[CG_MISC_DISC_FRAGS]);
	add_u64(fr, "untracked", misc[CG_MISC_DISC_FRAG_UNTRACKED]);
	add_u64(fr, "over_bounds", misc[CG_MISC_DISC_FRAG_OVERSIZE]);
	add_u64(fr, "received", rs.fragments);
	add_u64(fr, "reassembled", rs.reassembled);
	add_u64(fr, "pending", rs.pending);
	add_u64(fr, "timeouts", rs.timeouts);
	add_u64(fr, "overlaps", rs.overlaps);
	add_u64(fr, "inconsistent", rs.inconsistent);
	add_u64(fr, "oversize", rs.oversize);
	add_u64(fr, "limited", rs.limited);
	json_object_object_add(ann, "fragments", fr);
	json_object_object_add(o, "announcements", ann);
	json_object_object_add(res, "inventory", o);

	o = json_object_new_object();
	uint64_t affected = 0;
	for (const struct cg_inv_device *v = d->inv ? inventory_first(d->inv) : NULL; v;
	     v = inventory_next(d->inv, v))
		affected += exposure_worst(v) >= CG_ADV_LIKELY;
	add_u64(o, "entries", m->nadvisories);
	add_str(o, "file", m->config.advisories);
	add_u64(o, "affected_devices", affected);
	add_u64(o, "moved_devices", d->nmoved);
	json_object_object_add(res, "advisories", o);

	o = json_object_new_object();
	add_u64(o, "seen", d->events_seen);
	add_u64(o, "drop_samples", d->drop_samples);
	add_u64(o, "lost", misc[CG_MISC_EVENTS_LOST]);
	add_u64(o, "device_insert_failed", misc[CG_MISC_DEV_INSERT_FAIL]);
	json_object_object_add(res, "events", o);

	*ret = res;
	return 0;
}

/* ---- reload ------------------------------------------------------------ */

static int cmd_reload(struct cg_daemon *d, const struct cg_request *req, json_object **ret,
		      struct cg_proto_error *err)
{
	json_object *changes = NULL, *errors = NULL, *res;
	char msg[512] = "";
	int rc;

	rc = daemon_reload(d, req->dry_run, &changes, &errors, msg, sizeof(msg));
	if (rc < 0 && !req->dry_run) {
		json_object_put(changes);
		/* the error reply carries the list (control.c adds it) */
		*ret = errors;
		return protocol_error(err, protocol_errno_name(rc), "reload failed, the running policy is unchanged: %s",
				      msg[0] ? msg : strerror(-rc));
	}
	res = json_object_new_object();
	json_object_object_add(res, "dry_run", json_object_new_boolean(req->dry_run));
	json_object_object_add(res, "valid", json_object_new_boolean(rc >= 0));
	add_u64(res, "generation", d->dp->gen);
	if (rc < 0) {
		json_object_put(changes);
		changes = NULL;
		add_str(res, "message", msg[0] ? msg : strerror(-rc));
		if (errors) {
			json_object_object_foreach(errors, key, val)
				json_object_object_add(res, key, json_object_get(val));
		}
	} else {
		add_str(res, "message", msg);
	}
	json_object_object_add(res, "changes", changes ? changes : json_object_new_array());
	json_object_put(errors);
	*ret = res;
	return 0;
}

/* ---- advisories -------------------------------------------------------- */

/* {"advisories":[{"cve","vendor","models":[],"affected","fixed","severity","kev",
 *   "source":{"id","url"},"note","file","line","devices":{"exact","likely","unknown"}}],
 *  "count":N,"affected_devices":N} */
static int cmd_advisories(struct cg_daemon *d, const struct cg_request *req, json_object **ret,
			  struct cg_proto_error *err)
{
	const struct cg_model *m = &d->model;
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

		add_str(o, "cve", a->cve);
		add_str(o, "vendor", a->vendor);
		for (size_t j = 0; j < a->nmodels; j++)
			json_object_array_add(models, json_object_new_string(a->models[j]));
		json_object_object_add(o, "models", models);
		add_str(o, "affected", a->range);
		add_str(o, "fixed", a->fixed);
		add_str(o, "severity", advisory_severity_to_string(a->severity));
		json_object_object_add(o, "kev", json_object_new_boolean(a->kev));
		add_str(src, "id", a->source_id);
		add_str(src, "url", a->source_url);
		json_object_object_add(o, "source", src);
		add_str(o, "note", a->note);
		add_str(o, "file", a->origin.file);
		add_u64(o, "line", (uint64_t)a->origin.line);
		for (int c = CG_ADV_UNKNOWN; c <= CG_ADV_EXACT; c++)
			add_u64(dev, advisory_confidence_to_string(c), count[i][c]);
		json_object_object_add(o, "devices", dev);
		json_object_array_add(arr, o);
	}
	free(count);
	json_object_object_add(res, "advisories", arr);
	add_u64(res, "count", m->nadvisories);
	add_u64(res, "affected_devices", affected);
	*ret = res;
	return 0;
}

/* ---- probe ---------------------------------------------------------------- */

static int mac_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 6);
}

/* Sent: {"started","interfaces":[{"name","sent","error"}]}.
 * Result of the last probe: {"started","answered":[mac],"gained":[{"mac",
 * "model","firmware","source"}],"not_announced":N}: who announced anything
 * since it started, who has a model now and had none then. */
static int cmd_probe(struct cg_daemon *d, const struct cg_request *req, json_object **ret,
		     struct cg_proto_error *err)
{
	json_object *res, *a, *g;
	char mac[18];

	if (!req->result) {
		a = json_object_new_array();
		int rc = daemon_probe(d, req->iface[0] ? req->iface : NULL, a);
		if (rc) {
			json_object_put(a);
			return protocol_error(err, "ENODEV", "%s is not a camera interface", req->iface);
		}
		res = json_object_new_object();
		add_time(res, "started", d->probe_started);
		json_object_object_add(res, "interfaces", a);
		*ret = res;
		return 0;
	}
	if (!d->probe_started)
		return protocol_error(err, "ENOENT", "no probe was sent yet");
	qsort(d->probe_known, d->nprobe_known, 6, mac_cmp);
	res = json_object_new_object();
	a = json_object_new_array();
	g = json_object_new_array();
	uint64_t silent = 0;
	for (const struct cg_inv_device *v = inventory_first(d->inv); v; v = inventory_next(d->inv, v)) {
		const struct cg_inv_fact *m = &v->facts[CG_INV_MODEL];
		bool answered = false;
		for (int s = 0; s < CG_DISC_SRC_MAX; s++)
			answered |= v->announced[s] >= d->probe_started;
		silent += !m->value[0];
		addr_format_mac(v->mac, mac);
		if (answered)
			json_object_array_add(a, json_object_new_string(mac));
		if (m->value[0] && !bsearch(v->mac, d->probe_known, d->nprobe_known, 6, mac_cmp)) {
			json_object *o = json_object_new_object();
			add_str(o, "mac", mac);
			add_str(o, "model", m->value);
			add_str(o, "firmware", v->facts[CG_INV_FIRMWARE].value);
			add_str(o, "source", discovery_source_to_string(m->source));
			json_object_array_add(g, o);
		}
	}
	add_time(res, "started", d->probe_started);
	json_object_object_add(res, "answered", a);
	json_object_object_add(res, "gained", g);
	add_u64(res, "not_announced", silent);
	*ret = res;
	return 0;
}

/* ---- dispatch ----------------------------------------------------------- */

static const struct {
	enum cg_command cmd;
	int (*handler)(struct cg_daemon *d, const struct cg_request *req, json_object **ret,
		       struct cg_proto_error *err);
} handlers[] = {
	{ CG_CMD_STATS, cmd_stats },
	{ CG_CMD_CAMERAS, cmd_cameras },
	{ CG_CMD_BLOCKED, cmd_blocked },
	{ CG_CMD_STATUS, cmd_status },
	{ CG_CMD_RELOAD, cmd_reload },
	{ CG_CMD_ADVISORIES, cmd_advisories },
	{ CG_CMD_PROBE, cmd_probe },
};

int commands_run(struct cg_daemon *d, const struct cg_request *req, json_object **ret_result,
		 struct cg_proto_error *err)
{
	*ret_result = NULL;
	for (size_t i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		if (handlers[i].cmd == req->command)
			return handlers[i].handler(d, req, ret_result, err);
	return protocol_error(err, "ENOSYS", "unknown command");
}
