// SPDX-License-Identifier: GPL-2.0-only
/*
 * render-stats.c — the plain printers of what the data plane counted:
 * `camguardctl stats` (per policy, per device, the total line, --watch
 * rates), `stats --prometheus` (the daemon's exposition, printed as it
 * is: the metrics are built by camguardd, daemon/control/metrics.c) and
 * `camguardctl blocked` (denied flows per device and per policy).
 */
#include <errno.h>
#include <string.h>

#include "render.h"
#include "render-util.h"
#include "table.h"

/* ---- stats ------------------------------------------------------------------ */

struct numstr {
	char pp[24], pb[24], dp[24], db[24];
};

static void fill_counts(json_object *o, struct numstr *n)
{
	num(get_u64(get(o, "pass"), "packets"), n->pp, sizeof(n->pp));
	num(get_u64(get(o, "pass"), "bytes"), n->pb, sizeof(n->pb));
	num(get_u64(get(o, "drop"), "packets"), n->dp, sizeof(n->dp));
	num(get_u64(get(o, "drop"), "bytes"), n->db, sizeof(n->db));
}

/* "egress 1200, port 17, +2": the non-zero reasons, largest first. */
static void top_reasons(json_object *reasons, char *buf, size_t len)
{
	struct {
		const char *name;
		uint64_t n;
	} r[32];
	size_t nr = 0, off = 0;

	buf[0] = 0;
	if (!reasons || !json_object_is_type(reasons, json_type_object))
		return;
	json_object_object_foreach(reasons, key, val) {
		uint64_t n = json_object_get_uint64(val);
		if (n && nr < 32)
			r[nr++].name = key, r[nr - 1].n = n;
	}
	for (size_t i = 1; i < nr; i++)          /* few entries: insertion sort */
		for (size_t j = i; j > 0 && r[j].n > r[j - 1].n; j--) {
			__typeof__(r[0]) tmp = r[j];
			r[j] = r[j - 1];
			r[j - 1] = tmp;
		}
	for (size_t i = 0; i < nr && i < 3; i++)
		off += (size_t)snprintf(buf + off, off < len ? len - off : 0, "%s%s %llu",
					i ? ", " : "", r[i].name, (unsigned long long)r[i].n);
	if (nr > 3 && off < len)
		snprintf(buf + off, len - off, ", +%zu", nr - 3);
	if (nr == 0)
		snprintf(buf, len, "-");
}

/* Per-second rate of o.verdict.packets against the same policy in prev. */
static const char *rate(json_object *o, json_object *prev, const char *verdict, double interval,
			char *buf, size_t len)
{
	uint64_t now = get_u64(get(o, verdict), "packets"), then = get_u64(get(prev, verdict), "packets");
	if (!prev || interval <= 0 || now < then)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.0f", (double)(now - then) / interval);
	return buf;
}

static json_object *find_by(json_object *arr, const char *key, const char *value)
{
	for (size_t i = 0; i < array_len(arr); i++) {
		json_object *e = json_object_array_get_idx(arr, i);
		if (strcmp(get_str(e, key), value) == 0)
			return e;
	}
	return NULL;
}

/* The "(total)" row: the sums tot[] (devices, pass packets, pass bytes,
 * drop packets, drop bytes) and, for --watch, their rates against the
 * sums of the previous result's policies. */
static void stats_total_row(struct table *t, const uint64_t tot[5], json_object *prev_pols,
			    double interval)
{
	json_object *sum = json_object_new_object(), *psum = NULL;
	struct numstr n;
	char ndev[24], pr[24], dr[24];

	for (int v = 0; v < 2; v++) {
		json_object *c = json_object_new_object();
		json_object_object_add(c, "packets", json_object_new_uint64(tot[1 + 2 * v]));
		json_object_object_add(sum, v ? "drop" : "pass", c);
	}
	if (prev_pols) {
		uint64_t pt[2] = {};
		psum = json_object_new_object();
		for (size_t i = 0; i < array_len(prev_pols); i++)
			for (int v = 0; v < 2; v++)
				pt[v] += get_u64(get(json_object_array_get_idx(prev_pols, i),
						     v ? "drop" : "pass"), "packets");
		for (int v = 0; v < 2; v++) {
			json_object *c = json_object_new_object();
			json_object_object_add(c, "packets", json_object_new_uint64(pt[v]));
			json_object_object_add(psum, v ? "drop" : "pass", c);
		}
	}
	num(tot[0], ndev, sizeof(ndev));
	num(tot[1], n.pp, sizeof(n.pp));
	num(tot[2], n.pb, sizeof(n.pb));
	num(tot[3], n.dp, sizeof(n.dp));
	num(tot[4], n.db, sizeof(n.db));
	table_add(t, "(total)", "", ndev, n.pp, rate(sum, psum, "pass", interval, pr, sizeof(pr)),
		  n.pb, n.dp, rate(sum, psum, "drop", interval, dr, sizeof(dr)), n.db, "");
	json_object_put(sum);
	json_object_put(psum);
}

/* A row per policy, and the total line when there are several. */
static int stats_policies(json_object *pols, const struct cg_render_opts *o, FILE *out)
{
	json_object *prev_pols = get_array(o->prev, "policies");
	uint64_t tot[5] = {};
	struct table t;
	struct numstr n;
	char ndev[24], reasons[160], pr[24], dr[24];

	table_init(&t, "llrrrrrrrl", "POLICY", "ACTION", "DEVICES", "PASS PKTS", "PASS/S",
		   "PASS BYTES", "DROP PKTS", "DROP/S", "DROP BYTES", "DROPPED FOR");
	/* bytes with --wide only: the default table is packets, exactly */
	table_layout(&t, o, o->wide ? (o->prev ? "9999999999" : "9999-99-99")
				     : (o->prev ? "99999-99-e" : "9999--9--e"));
	for (size_t i = 0; i < array_len(pols); i++) {
		json_object *p = json_object_array_get_idx(pols, i);
		json_object *pp = find_by(prev_pols, "name", get_str(p, "name"));
		fill_counts(p, &n);
		top_reasons(get(p, "drop_reasons"), reasons, sizeof(reasons));
		table_add(&t, get_str(p, "name"), get_str(p, "action"),
			  num(get_u64(p, "devices"), ndev, sizeof(ndev)), n.pp,
			  rate(p, pp, "pass", o->interval, pr, sizeof(pr)), n.pb, n.dp,
			  rate(p, pp, "drop", o->interval, dr, sizeof(dr)), n.db, reasons);
		tot[0] += get_u64(p, "devices");
		tot[1] += get_u64(get(p, "pass"), "packets");
		tot[2] += get_u64(get(p, "pass"), "bytes");
		tot[3] += get_u64(get(p, "drop"), "packets");
		tot[4] += get_u64(get(p, "drop"), "bytes");
	}
	if (array_len(pols) > 1)
		stats_total_row(&t, tot, prev_pols, o->interval);
	return table_done(&t, out);
}

/* stats --devices: a row per device. */
static int stats_devices(json_object *devs, const struct cg_render_opts *o, FILE *out)
{
	json_object *prev_devs = get_array(o->prev, "devices");
	struct table t;
	struct numstr n;
	char pr[24], dr[24];

	table_init(&t, "lllrrrrrr", "DEVICE", "VENDOR", "POLICY", "PASS PKTS", "PASS/S",
		   "PASS BYTES", "DROP PKTS", "DROP/S", "DROP BYTES");
	table_layout(&t, o, o->wide ? (o->prev ? "999999999" : "9999-99-9")
				     : (o->prev ? "97999-99-" : "9799--9--"));
	for (size_t i = 0; i < array_len(devs); i++) {
		json_object *d = json_object_array_get_idx(devs, i);
		json_object *pd = find_by(prev_devs, "mac", get_str(d, "mac"));
		char vendor[64];
		fill_counts(d, &n);
		table_add(&t, get_str(d, "mac"),
			  o->wide ? get_str(d, "vendor")
				  : render_short_vendor(get_str(d, "vendor"), vendor, sizeof(vendor)),
			  get_str(d, "policy"), n.pp, rate(d, pd, "pass", o->interval, pr, sizeof(pr)),
			  n.pb, n.dp, rate(d, pd, "drop", o->interval, dr, sizeof(dr)), n.db);
	}
	return table_done(&t, out);
}

int render_stats(json_object *res, const struct cg_render_opts *o, FILE *out)
{
	json_object *pols = get_array(res, "policies"), *devs = get_array(res, "devices");
	int rc;

	if (!pols)
		return -EINVAL;
	if ((rc = stats_policies(pols, o, out)))
		return rc;
	if (devs && array_len(devs)) {
		fputc('\n', out);
		if ((rc = stats_devices(devs, o, out)))
			return rc;
	}
	fprintf(out, "\ngeneration %llu", (unsigned long long)get_u64(res, "generation"));
	json_object *nft = get(res, "nftables");
	if (nft && json_object_is_type(nft, json_type_object)) {
		json_object *present = get(nft, "present");
		fprintf(out, ", nftables table inet camguard %s",
			present && json_object_get_boolean(present) ? "present" : "MISSING");
	}
	if (!devs)
		fprintf(out, "; per device: --devices");
	fputc('\n', out);
	return 0;
}


int render_stats_prometheus(json_object *res, FILE *out)
{
	json_object *text = get(res, "exposition");

	if (!text || !json_object_is_type(text, json_type_string))
		return -EINVAL;
	fputs(json_object_get_string(text), out);
	return 0;
}

/* ---- blocked ---------------------------------------------------------------- */

static void peer_port(json_object *b, char *buf, size_t len)
{
	const char *addr = get_str(b, "address");
	uint64_t port = get_u64(b, "port");

	if (!port)
		snprintf(buf, len, "%s", addr);
	else if (strchr(addr, ':'))
		snprintf(buf, len, "[%s]:%llu", addr, (unsigned long long)port);
	else
		snprintf(buf, len, "%s:%llu", addr, (unsigned long long)port);
}

int render_blocked(json_object *res, const struct cg_render_opts *o, FILE *out)
{
	json_object *devs = get_array(res, "devices"), *pols = get_array(res, "policies");
	struct table t;
	char peer[96], count[24], reason[48], last[32];
	int rc;

	if (!devs || !pols)
		return -EINVAL;
	table_init(&t, "llllllrl", "DEVICE", "POLICY", "DIR", "PEER", "PROTO", "REASON", "COUNT",
		   "LAST");
	table_layout(&t, o, "96498795");
	for (size_t i = 0; i < array_len(devs); i++) {
		json_object *d = json_object_array_get_idx(devs, i), *bl = get_array(d, "blocked");
		for (size_t j = 0; j < array_len(bl); j++) {
			json_object *b = json_object_array_get_idx(bl, j), *would = get(b, "would");
			peer_port(b, peer, sizeof(peer));
			snprintf(reason, sizeof(reason), "%s%s", get_str(b, "reason"),
				 would && json_object_get_boolean(would) ? " (would)" : "");
			table_add(&t, get_str(d, "mac"), get_str(d, "policy"), get_str(b, "direction"),
				  peer, get_str(b, "proto"), reason, num(get_u64(b, "count"), count, sizeof(count)),
				  render_age(get_str(b, "last"), o, last, sizeof(last)));
		}
	}
	if ((rc = table_done(&t, out)))
		return rc;
	fputc('\n', out);
	table_init(&t, "lllllrr", "POLICY", "DIR", "PEER", "PROTO", "REASON", "COUNT", "DEVICES");
	table_layout(&t, o, "9598797");
	for (size_t i = 0; i < array_len(pols); i++) {
		json_object *p = json_object_array_get_idx(pols, i), *bl = get_array(p, "blocked");
		for (size_t j = 0; j < array_len(bl); j++) {
			json_object *b = json_object_array_get_idx(bl, j);
			char ndev[24];
			peer_port(b, peer, sizeof(peer));
			table_add(&t, get_str(p, "name"), get_str(b, "direction"), peer,
				  get_str(b, "proto"), get_str(b, "reason"),
				  num(get_u64(b, "count"), count, sizeof(count)),
				  num(get_u64(b, "devices"), ndev, sizeof(ndev)));
		}
	}
	return table_done(&t, out);
}
