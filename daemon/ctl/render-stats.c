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

/* The action in effect; "monitor*" when enforce = "monitor" overrides the
 * file's isolate (the header line says so). */
static const char *policy_action(json_object *p, char *buf, size_t len)
{
	const char *file = get_str(p, "policy_action"), *now = get_str(p, "action");

	snprintf(buf, len, "%s%s", now, *file && strcmp(file, now) ? "*" : "");
	return buf;
}

/* A row per policy, and the total line when there are several. */
static int stats_policies(json_object *pols, const struct cg_render_opts *o, FILE *out)
{
	json_object *prev_pols = get_array(o->prev, "policies");
	uint64_t tot[5] = {};
	struct table t;
	struct numstr n;
	char ndev[24], reasons[352], pr[24], dr[24], action[24];

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
		if (get_u64(get(p, "would_drop"), "packets")) {
			/* monitor: what isolate would drop, beside what was dropped */
			char would[160];
			size_t off = strcmp(reasons, "-") ? strlen(reasons) : 0;
			top_reasons(get(p, "would_drop_reasons"), would, sizeof(would));
			snprintf(reasons + off, sizeof(reasons) - off, "%swould: %s", off ? "; " : "", would);
		}
		table_add(&t, get_str(p, "name"), policy_action(p, action, sizeof(action)),
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

/* stats --devices: a row per device. WOULD PKTS: what monitor passed that
 * isolate would have dropped (also counted in PASS PKTS), beside DROP PKTS. */
static int stats_devices(json_object *devs, const struct cg_render_opts *o, FILE *out)
{
	json_object *prev_devs = get_array(o->prev, "devices");
	struct table t;
	struct numstr n;
	char pr[24], dr[24], wp[24];

	table_init(&t, "lllrrrrrrr", "DEVICE", "VENDOR", "POLICY", "PASS PKTS", "PASS/S",
		   "PASS BYTES", "DROP PKTS", "DROP/S", "DROP BYTES", "WOULD PKTS");
	table_layout(&t, o, o->wide ? (o->prev ? "9999999999" : "9999-99-99")
				     : (o->prev ? "97999-99-8" : "9799--9--8"));
	for (size_t i = 0; i < array_len(devs); i++) {
		json_object *d = json_object_array_get_idx(devs, i);
		json_object *pd = find_by(prev_devs, "mac", get_str(d, "mac"));
		char vendor[64];
		fill_counts(d, &n);
		table_add(&t, get_str(d, "mac"),
			  o->wide ? get_str(d, "vendor")
				  : render_short_vendor(get_str(d, "vendor"), vendor, sizeof(vendor)),
			  get_str(d, "policy"), n.pp, rate(d, pd, "pass", o->interval, pr, sizeof(pr)),
			  n.pb, n.dp, rate(d, pd, "drop", o->interval, dr, sizeof(dr)), n.db,
			  num(get_u64(get(d, "would_drop"), "packets"), wp, sizeof(wp)));
	}
	return table_done(&t, out);
}

int render_stats(json_object *res, const struct cg_render_opts *o, FILE *out)
{
	json_object *pols = get_array(res, "policies"), *devs = get_array(res, "devices");
	int rc;

	if (!pols)
		return -EINVAL;
	if (!strcmp(get_str(res, "enforce"), "monitor"))
		fprintf(out, "enforce = monitor: isolate policies (monitor*) pass what they would drop\n\n");
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

	if (!*addr)  /* not IP: the port is the EtherType */
		snprintf(buf, len, "ether 0x%04llx", (unsigned long long)port);
	else if (!port)
		snprintf(buf, len, "%s", addr);
	else if (strchr(addr, ':'))
		snprintf(buf, len, "[%s]:%llu", addr, (unsigned long long)port);
	else
		snprintf(buf, len, "%s:%llu", addr, (unsigned long long)port);
}

/* What the names store said of the row: "asked for A, B +3 more" for a
 * blocked DNS query, else the name asked before the attempt; the cloud
 * label after either. "" when nothing is known. */
static void flow_name(json_object *b, char *buf, size_t len)
{
	json_object *asked = get_array(b, "asked");
	const char *cloud = get_str(b, "cloud");
	size_t n = array_len(asked), off = 0;
	uint64_t total = get_u64(b, "asked_total");

	buf[0] = 0;
#define PUT(...) (off += (size_t)snprintf(buf + off, off < len ? len - off : 0, __VA_ARGS__))
	for (size_t i = 0; i < n; i++) {
		json_object *s = json_object_array_get_idx(asked, i);
		PUT("%s%s", i ? ", " : "asked for ",
		    json_object_is_type(s, json_type_string) ? json_object_get_string(s) : "?");
	}
	if (n && total > n)
		PUT(" +%llu more", (unsigned long long)(total - n));
	if (!n)
		PUT("%s", get_str(b, "name"));
	if (*cloud)
		PUT("%s(%s)", off ? " " : "", cloud);
#undef PUT
}

/* The overflow footer: packets that found no row once the table was full. */
static void blocked_footer(json_object *res, FILE *out)
{
	json_object *ov = get(res, "overflow");
	uint64_t p = get_u64(ov, "packets") + get_u64(ov, "would_packets");

	if (ov && p)
		fprintf(out, "\n%llu packets of %llu devices beyond evidence.max_flows (%llu)\n",
			(unsigned long long)p, (unsigned long long)get_u64(ov, "devices"),
			(unsigned long long)get_u64(ov, "max_flows"));
	/* The nftables layer's drops reach the rows through NFLOG: what
	 * did not (lost, no device known, unreadable) is said, not hidden. */
	json_object *nf = get(res, "nftables");
	uint64_t lost = get_u64(nf, "unlogged"), nodev = get_u64(nf, "no_device"),
		 bad = get_u64(nf, "malformed");
	if (nf && (lost || nodev || bad))
		fprintf(out, "nftables: %llu drops, %llu not logged (NFLOG overrun), %llu for no known "
			"device, %llu unreadable\n", (unsigned long long)get_u64(nf, "drops"),
			(unsigned long long)lost, (unsigned long long)nodev, (unsigned long long)bad);
}

int render_blocked(json_object *res, const struct cg_render_opts *o, FILE *out)
{
	json_object *flows = get_array(res, "flows");
	struct table t;
	char peer[96], pkts[24], bytes[24], reason[48], first[32], last[32], name[600];
	bool names = false;
	int rc;

	if (!flows)
		return -EINVAL;
	/* NAME: the free text shortened first at 80 columns, after DIR, FIRST,
	 * PROTO (the port says most of it) and BYTES are left out; left out
	 * itself when no row has a name (a daemon from before, no DNS seen). */
	for (size_t i = 0; i < array_len(flows) && !names; i++) {
		flow_name(json_object_array_get_idx(flows, i), name, sizeof(name));
		names = name[0] != 0;
	}
	table_init(&t, "llllrrllll", "DEVICE", "DIR", "PEER", "PROTO", "PKTS", "BYTES", "REASON",
		   "FIRST", "LAST", "NAME");
	table_layout(&t, o, names ? "949494836e" : "949795836-");
	for (size_t i = 0; i < array_len(flows); i++) {
		json_object *b = json_object_array_get_idx(flows, i), *would = get(b, "would");
		peer_port(b, peer, sizeof(peer));
		flow_name(b, name, sizeof(name));
		snprintf(reason, sizeof(reason), "%s%s", get_str(b, "reason"),
			 would && json_object_get_boolean(would) ? " (would)" : "");
		table_add(&t, get_str(b, "mac"), get_str(b, "direction"), peer, get_str(b, "proto"),
			  num(get_u64(b, "packets"), pkts, sizeof(pkts)),
			  num(get_u64(b, "bytes"), bytes, sizeof(bytes)), reason,
			  render_age(get_str(b, "first"), o, first, sizeof(first)),
			  render_age(get_str(b, "last"), o, last, sizeof(last)), name);
	}
	if ((rc = table_done(&t, out)))
		return rc;
	blocked_footer(res, out);
	return 0;
}

int render_blocked_csv(json_object *res, FILE *out)
{
	static const char *const header[] = { "mac", "vendor", "policy", "direction", "address",
					      "proto", "port", "packets", "bytes", "first_seen",
					      "last_seen", "reason", "would", "name", "cloud", "asked" };
	json_object *flows = get_array(res, "flows");
	const size_t ncols = sizeof(header) / sizeof(header[0]);

	if (!flows)
		return -EINVAL;
	for (size_t i = 0; i < ncols; i++)
		render_csv_field(out, header[i], i + 1 == ncols);
	for (size_t i = 0; i < array_len(flows); i++) {
		json_object *b = json_object_array_get_idx(flows, i), *would = get(b, "would");
		char port[24], pkts[24], bytes[24], asked[600] = "";
		json_object *an = get_array(b, "asked");
		for (size_t k = 0, off = 0; k < array_len(an) && off < sizeof(asked); k++) {
			json_object *s = json_object_array_get_idx(an, k);
			/* names hold no space (dns.h): one field, space-separated */
			off += (size_t)snprintf(asked + off, sizeof(asked) - off, "%s%s", k ? " " : "",
						json_object_is_type(s, json_type_string) ?
						json_object_get_string(s) : "?");
		}
		snprintf(port, sizeof(port), "%llu", (unsigned long long)get_u64(b, "port"));
		snprintf(pkts, sizeof(pkts), "%llu", (unsigned long long)get_u64(b, "packets"));
		snprintf(bytes, sizeof(bytes), "%llu", (unsigned long long)get_u64(b, "bytes"));
		const char *row[] = { get_str(b, "mac"), get_str(b, "vendor"), get_str(b, "policy"),
				      get_str(b, "direction"), get_str(b, "address"), get_str(b, "proto"),
				      port, pkts, bytes, get_str(b, "first"), get_str(b, "last"),
				      get_str(b, "reason"),
				      would && json_object_get_boolean(would) ? "yes" : "no",
				      get_str(b, "name"), get_str(b, "cloud"), asked };
		for (size_t k = 0; k < ncols; k++)
			render_csv_field(out, row[k], k + 1 == ncols);
	}
	return 0;
}
