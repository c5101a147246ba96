// SPDX-License-Identifier: GPL-2.0-only
/*
 * render-dryrun.c — the flow list of `camguardctl reload --dry-run` (issue
 * 15): the totals lines ("37 flows from 12 cameras would be dropped") and,
 * per device, the flows of the last 24 h the new set would start or stop
 * dropping. The reply's "flows" object is written by control/cmd-reload.c.
 */
#include <stdio.h>
#include <string.h>

#include "render.h"
#include "render-util.h"
#include "table.h"

static void flow_peer(json_object *f, char *buf, size_t len)
{
	const char *addr = get_str(f, "address");
	unsigned long long port = (unsigned long long)get_u64(f, "port");

	if (!*addr)  /* not IP: the port is the EtherType */
		snprintf(buf, len, "ether 0x%04llx", port);
	else if (!port)
		snprintf(buf, len, "%s", addr);
	else
		snprintf(buf, len, strchr(addr, ':') ? "[%s]:%llu" : "%s:%llu", addr, port);
}

static void totals_line(json_object *t, const char *what, FILE *out)
{
	uint64_t n = get_u64(t, "flows"), d = get_u64(t, "devices");

	fprintf(out, "%llu flow%s from %llu camera%s %s\n", (unsigned long long)n, n == 1 ? "" : "s",
		(unsigned long long)d, d == 1 ? "" : "s", what);
}

/* One list as a table: DEVICE POLICY DIR PEER PROTO PKTS LAST and, for the
 * flows no longer dropped, what the new set does instead. */
static int flow_table(json_object *list, json_object *t, bool stop, const struct cg_render_opts *o,
		      FILE *out)
{
	struct table tb;
	char peer[96], pkts[24], last[32], reason[48];
	int rc;

	if (!array_len(list))
		return 0;
	fputc('\n', out);
	table_init(&tb, "lllllrll", "DEVICE", "POLICY", "DIR", "PEER", "PROTO", "PKTS", "LAST",
		   stop ? "AFTER" : "REASON");
	table_layout(&tb, o, "99299839");  /* DIR goes first: nearly always "out" */
	for (size_t i = 0; i < array_len(list); i++) {
		json_object *f = json_object_array_get_idx(list, i);
		bool maybe = get_bool(f, "uncertain");

		flow_peer(f, peer, sizeof(peer));
		snprintf(pkts, sizeof(pkts), "%llu", (unsigned long long)get_u64(f, "packets"));
		if (stop)
			snprintf(reason, sizeof(reason), "%s (%s)%s",
				 strcmp(get_str(f, "after"), "pass") ? "would drop" : "pass",
				 get_str(f, "reason"), maybe ? " ?" : "");
		else
			snprintf(reason, sizeof(reason), "%s%s", get_str(f, "reason"), maybe ? " ?" : "");
		table_add(&tb, get_str(f, "mac"), get_str(f, "policy"), get_str(f, "direction"), peer,
			  get_str(f, "proto"), pkts, render_age(get_str(f, "last"), o, last, sizeof(last)),
			  reason);
	}
	if ((rc = table_done(&tb, out)))
		return rc;
	if (get_u64(t, "left_out"))
		fprintf(out, "... and %llu more flows (listed: the %llu with most packets)\n",
			(unsigned long long)get_u64(t, "left_out"), (unsigned long long)array_len(list));
	return 0;
}

int render_reload_flows(json_object *flows, const struct cg_render_opts *o, FILE *out)
{
	json_object *totals = get(flows, "totals");
	json_object *start = get_array(flows, "start_drop"), *stop = get_array(flows, "stop_drop");
	int rc;

	if (!flows)
		return 0;
	fprintf(out, "\nflows seen in the last 24 h: %llu\n", (unsigned long long)get_u64(flows, "examined"));
	totals_line(get(totals, "start_drop"), "would be dropped", out);
	totals_line(get(totals, "stop_drop"), "would no longer be dropped", out);
	if ((rc = flow_table(start, get(totals, "start_drop"), false, o, out)))
		return rc;
	if ((rc = flow_table(stop, get(totals, "stop_drop"), true, o, out)))
		return rc;
	if (get_u64(totals, "uncertain"))
		fprintf(out, "\n?: a \"from\" rule with ports may match: that depends on the camera's\n"
			"   port, which the flow table does not keep\n");
	return 0;
}
