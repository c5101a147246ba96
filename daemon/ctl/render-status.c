// SPDX-License-Identifier: GPL-2.0-only
/*
 * render-status.c — the plain printers of the daemon's own state and of
 * what the operator asks it to do: `camguardctl status` (the summary
 * lines, attach points, policy files), `camguardctl reload` (applied or
 * dry run, the devices that change policy, every error of a refused set)
 * and `camguardctl probe` (probes sent, then what the answers taught).
 */
#include <errno.h>
#include <string.h>

#include "render.h"
#include "render-util.h"
#include "table.h"

/* ---- status ----------------------------------------------------------------- */

static void human_duration(uint64_t s, char *buf, size_t len)
{
	if (s >= 86400)
		snprintf(buf, len, "%llud %lluh", (unsigned long long)(s / 86400),
			 (unsigned long long)(s % 86400 / 3600));
	else if (s >= 3600)
		snprintf(buf, len, "%lluh %llum", (unsigned long long)(s / 3600),
			 (unsigned long long)(s % 3600 / 60));
	else if (s >= 60)
		snprintf(buf, len, "%llum %llus", (unsigned long long)(s / 60),
			 (unsigned long long)(s % 60));
	else
		snprintf(buf, len, "%llus", (unsigned long long)s);
}

/* The "name:  value" lines: the daemon, its policies, reloads and state. */
static void status_lines(json_object *res, FILE *out)
{
	json_object *reg = get(res, "registry"), *nft = get(res, "nftables");
	json_object *rel = get(res, "reloads"), *last = get(rel, "last"), *tam = get(res, "tamper");
	json_object *inv = get(res, "inventory");
	char up[32];

	human_duration(get_u64(res, "uptime"), up, sizeof(up));
	fprintf(out, "version:     %s\n", get_str(res, "version"));
	fprintf(out, "uptime:      %s (since %s)\n", up, get_str(res, "started"));
	fprintf(out, "generation:  %llu\n", (unsigned long long)get_u64(res, "generation"));
	fprintf(out, "policies:    %llu from %s, files sha256 %.16s\n",
		(unsigned long long)get_u64(res, "policies"), get_str(res, "config"),
		get_str(res, "files_hash"));
	if (*get_str(res, "enforce"))
		fprintf(out, "enforce:     %s\n", strcmp(get_str(res, "enforce"), "monitor") ? get_str(res, "enforce")
			: "monitor (isolate policies only count what they would drop)");
	if (reg)
		fprintf(out, "registry:    %s%s%s%s\n",
			get_bool(reg, "read") ? get_str(reg, "path") : "not read (no policy names vendors)",
			*get_str(reg, "date") ? " (" : "", get_str(reg, "date"),
			*get_str(reg, "date") ? ")" : "");
	if (!nft || json_object_is_type(nft, json_type_null))
		fprintf(out, "nftables:    disabled\n");
	else
		fprintf(out, "nftables:    table inet camguard %s, %llu chains, %llu rules\n",
			get_bool(nft, "present") ? "present" : "MISSING",
			(unsigned long long)get_u64(nft, "chains"),
			(unsigned long long)get_u64(nft, "rules"));
	json_object *nfl = nft ? get(nft, "nflog") : NULL;
	if (nfl)
		fprintf(out, "nft drops:   %llu, %llu logged to NFLOG group %llu, %llu unlogged, "
			"%llu overruns\n", (unsigned long long)get_u64(nfl, "drops"),
			(unsigned long long)get_u64(nfl, "logged"), (unsigned long long)get_u64(nfl, "group"),
			(unsigned long long)get_u64(nfl, "unlogged"), (unsigned long long)get_u64(nfl, "enobufs"));
	if (last) {
		/* The daemon's message of a good reload names the generation
		 * itself ("9 policies, generation 2"): say it once. */
		const char *msg = get_str(last, "message");
		fprintf(out, "last reload: %s at %s", get_bool(last, "ok") ? "ok" : "FAILED",
			get_str(last, "time"));
		if (!strstr(msg, "generation"))
			fprintf(out, ", generation %llu", (unsigned long long)get_u64(last, "generation"));
		fprintf(out, ": %s\n", msg);
	}
	fprintf(out, "reloads:     %llu ok, %llu failed\n", (unsigned long long)get_u64(rel, "ok"),
		(unsigned long long)get_u64(rel, "failed"));
	fprintf(out, "tamper:      %llu events%s%s\n", (unsigned long long)get_u64(tam, "events"),
		*get_str(tam, "last") ? ", last: " : "", get_str(tam, "last"));
	json_object *mv = get(res, "moves");
	if (mv)
		fprintf(out, "moves:       %llu devices moved to another policy%s%s\n",
			(unsigned long long)get_u64(mv, "total"),
			*get_str(mv, "last") ? ", last: " : "", get_str(mv, "last"));
	fprintf(out, "inventory:   %llu devices, %llu evicted",
		(unsigned long long)get_u64(inv, "devices"),
		(unsigned long long)get_u64(inv, "evicted"));
	if (get(inv, "mismatched"))
		fprintf(out, ", %llu announce another manufacturer",
			(unsigned long long)get_u64(inv, "mismatched"));
	fputc('\n', out);
	json_object *adv = get(res, "advisories");
	if (adv)
		fprintf(out, "advisories:  %llu loaded, %llu devices affected, %llu under advisory policies\n",
			(unsigned long long)get_u64(adv, "entries"),
			(unsigned long long)get_u64(adv, "affected_devices"),
			(unsigned long long)get_u64(adv, "moved_devices"));
	json_object *ev = get(res, "evidence");
	if (ev) {
		/* the flow table's fill, what found no row, address learning */
		fprintf(out, "evidence:    %llu flow rows (max_flows %llu), %llu packets beyond it",
			(unsigned long long)get_u64(ev, "rows"),
			(unsigned long long)get_u64(ev, "max_flows"),
			(unsigned long long)(get_u64(ev, "overflow_packets") +
					     get_u64(ev, "overflow_would_packets")));
		if (get_u64(ev, "flow_over_nodev"))
			fprintf(out, " (+%llu of no device)",
				(unsigned long long)get_u64(ev, "flow_over_nodev"));
		fputc('\n', out);
		fprintf(out, "addresses:   %llu reported, %llu put off and retried\n",
			(unsigned long long)get_u64(ev, "addr_events"),
			(unsigned long long)get_u64(ev, "addr_deferred"));
	}
	json_object *ann = get(inv, "announcements");
	if (ann)
		fprintf(out, "announced:   %llu frames copied (%llu rate-limited), %llu read, "
			"%llu ignored, %llu malformed\n",
			(unsigned long long)get_u64(ann, "copies"),
			(unsigned long long)get_u64(ann, "limited"),
			(unsigned long long)get_u64(ann, "parsed"),
			(unsigned long long)get_u64(ann, "ignored"),
			(unsigned long long)get_u64(ann, "malformed"));
}

/* Attach points: per interface what is attached, what should be. */
static int status_interfaces(json_object *ifs, const struct cg_render_opts *o, FILE *out)
{
	struct table t;

	table_init(&t, "llrllrl", "INTERFACE", "MODE", "IFINDEX", "ATTACHED", "EXPECTED",
		   "ATTACHES", "ERROR");
	table_layout(&t, o, "994935e");
	for (size_t i = 0; i < array_len(ifs); i++) {
		json_object *f = json_object_array_get_idx(ifs, i), *hooks = get(f, "hooks");
		json_object *exp = get_array(f, "expected");
		char idx[16], att[96] = "", ex[96] = "", n[16];
		size_t off = 0;

		if (hooks && json_object_is_type(hooks, json_type_object)) {
			json_object_object_foreach(hooks, key, val)
				if (json_object_get_boolean(val))
					off += (size_t)snprintf(att + off, off < sizeof(att) ? sizeof(att) - off : 0,
								"%s%s", off ? "," : "", key);
		}
		off = 0;
		render_join(exp, ex, sizeof(ex), &off);
		snprintf(idx, sizeof(idx), "%llu", (unsigned long long)get_u64(f, "ifindex"));
		snprintf(n, sizeof(n), "%llu", (unsigned long long)get_u64(f, "attaches"));
		table_add(&t, get_str(f, "name"), get_str(f, "mode"),
			  get_u64(f, "ifindex") ? idx : "-", att[0] ? att : "-", ex[0] ? ex : "-", n,
			  *get_str(f, "error") ? get_str(f, "error") : "-");
	}
	return table_done(&t, out);
}

/* The policy files and their SHA-256. */
static int status_files(json_object *files, const struct cg_render_opts *o, FILE *out)
{
	struct table t;

	table_init(&t, "ll", "FILE", "SHA256");
	table_layout(&t, o, "99");
	for (size_t i = 0; i < array_len(files); i++) {
		json_object *f = json_object_array_get_idx(files, i);
		char h[20];
		/* 16 hex digits tell files apart; --wide or --json for all 64. */
		snprintf(h, sizeof(h), "%.16s", get_str(f, "sha256"));
		table_add(&t, get_str(f, "path"), o->wide ? get_str(f, "sha256") : h);
	}
	return table_done(&t, out);
}

int render_status(json_object *res, const struct cg_render_opts *o, FILE *out)
{
	int rc;

	if (!get(res, "version"))
		return -EINVAL;
	status_lines(res, out);
	fputc('\n', out);
	if ((rc = status_interfaces(get_array(res, "interfaces"), o, out)))
		return rc;
	fputc('\n', out);
	return status_files(get_array(res, "files"), o, out);
}

/* ---- reload ----------------------------------------------------------------- */

void render_errors(json_object *o, FILE *out)
{
	json_object *errs = get_array(o, "errors");
	uint64_t total = get_u64(o, "errors_total");

	for (size_t i = 0; i < array_len(errs); i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(errs, i));
		fputs("  ", out);
		for (; s && *s; s++)
			fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, out);
		fputc('\n', out);
	}
	if (total > array_len(errs))
		fprintf(out, "  ... and %llu more (camguardd --check lists every one)\n",
			(unsigned long long)(total - array_len(errs)));
}

int render_reload(json_object *res, const struct cg_render_opts *o, FILE *out)
{
	json_object *changes = get_array(res, "changes");
	bool dry = get_bool(res, "dry_run");
	struct table t;

	if (!get(res, "valid"))
		return -EINVAL;
	if (!get_bool(res, "valid")) {
		uint64_t n = get_u64(res, "errors_total");
		if (n > 1) {
			fprintf(out, "%s: the policy set is invalid: %llu errors\n",
				dry ? "dry run" : "reload", (unsigned long long)n);
			render_errors(res, out);
		} else {
			fprintf(out, "%s: the policy set is invalid: %s\n", dry ? "dry run" : "reload",
				get_str(res, "message"));
		}
		return 0;
	}
	if (dry)
		fprintf(out, "dry run: the policy set is valid; %zu device%s would change policy\n",
			array_len(changes), array_len(changes) == 1 ? "" : "s");
	else
		fprintf(out, "reloaded: generation %llu; %zu device%s changed policy\n",
			(unsigned long long)get_u64(res, "generation"), array_len(changes),
			array_len(changes) == 1 ? "" : "s");
	/* camguard.conf's enforce switching: the daemon's message ends with it */
	const char *enforce = strstr(get_str(res, "message"), "; enforce ");
	if (enforce)
		fprintf(out, "%s\n", enforce + 2);
	if (!array_len(changes))
		return dry ? render_reload_flows(get(res, "flows"), o, out) : 0;
	fputc('\n', out);
	/* A WHY column only when an advisory moves a device (issue 18). */
	bool why = false;
	for (size_t i = 0; i < array_len(changes); i++)
		why |= *get_str(json_object_array_get_idx(changes, i), "reason") != 0;
	if (why)
		table_init(&t, "lllll", "DEVICE", "VENDOR", "FROM", "TO", "WHY");
	else
		table_init(&t, "llll", "DEVICE", "VENDOR", "FROM", "TO");
	table_layout(&t, o, "9999e");
	for (size_t i = 0; i < array_len(changes); i++) {
		json_object *c = json_object_array_get_idx(changes, i);
		char v[64];
		table_add(&t, get_str(c, "mac"),
			  o->wide ? get_str(c, "vendor") : render_short_vendor(get_str(c, "vendor"), v, sizeof(v)),
			  get_str(c, "from"), get_str(c, "to"),
			  *get_str(c, "reason") ? get_str(c, "reason") : "policy files");
	}
	int rc = table_done(&t, out);
	return rc || !dry ? rc : render_reload_flows(get(res, "flows"), o, out);
}

/* probe: {"started","interfaces":[{"name","sent","error"}]} when sent;
 * {"started","answered":[mac],"gained":[{"mac","model","firmware","source"}],
 *  "not_announced":N} for the result. */
int render_probe(json_object *res, const struct cg_render_opts *o, FILE *out)
{
	json_object *ifs = get_array(res, "interfaces"), *ans = get_array(res, "answered");
	json_object *gained = get_array(res, "gained");

	if (ifs) {
		for (size_t i = 0; i < array_len(ifs); i++) {
			json_object *f = json_object_array_get_idx(ifs, i);
			if (*get_str(f, "error"))
				fprintf(out, "%s: not probed: %s\n", get_str(f, "name"), get_str(f, "error"));
			else
				fprintf(out, "%s: %llu probes sent\n", get_str(f, "name"),
					(unsigned long long)get_u64(f, "sent"));
		}
		return 0;
	}
	if (!ans)
		return -EINVAL;
	fprintf(out, "%zu device%s answered, %zu gained a model\n", array_len(ans),
		array_len(ans) == 1 ? "" : "s", array_len(gained));
	for (size_t i = 0; i < array_len(gained); i++) {
		json_object *g = json_object_array_get_idx(gained, i);
		fprintf(out, "  %s  %s%s%s  (%s)\n", get_str(g, "mac"), get_str(g, "model"),
			*get_str(g, "firmware") ? " " : "", get_str(g, "firmware"), get_str(g, "source"));
	}
	if (get_u64(res, "not_announced"))
		fprintf(out, "%llu device%s still not announced a model\n",
			(unsigned long long)get_u64(res, "not_announced"),
			get_u64(res, "not_announced") == 1 ? " has" : "s have");
	return 0;
}
