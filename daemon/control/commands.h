/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * commands.h — the control commands: build a JSON result from the daemon's
 * state (counters read from the data plane, the inventory, the model, the
 * nftables layer). control.c parses, authorizes and frames; this module only
 * answers, so a benchmark or test can call it without a socket.
 *
 * The result objects are the contract of `camguardctl --json` (DESIGN §4):
 *   stats   {"policies":[{"name","id","action","devices","pass":{"packets","bytes"},
 *            "drop":{...},"drop_reasons":{"<reason>":packets},"pass_reasons":{...},
 *            "directions":{"out":{"pass":{"packets","bytes","reasons":{"<reason>":
 *            {"packets","bytes"}}},"drop":{...}},"in":{...}}}],
 *            "devices":[{"mac","vendor","policy","pass","drop","out":{"pass","drop"},"in":{...}}],
 *            "device_info":[{"mac","vendor","model","firmware","policy"}] (every inventory device),
 *            "nftables":{...}|null, "generation":N, "reloads":{"ok":N,"failed":N}}
 *   cameras {"cameras":[{"mac","vendor","policy","ipv4":[],"ipv6":[],"vlan","interface",
 *            "first_seen","last_seen","model","firmware","serial","name","manufacturer","url",
 *            "sources":{"<source>":time},"facts":{"<field>":{"value","source","time"}},
 *            "mismatch":bool, "advisories":[{"cve","confidence","severity","kev","fixed",
 *            "source"}], "vulnerable":bool}], "count":N, "evicted":N, "mismatched":N,
 *            "vulnerable":N, "only_vulnerable":bool}   ({"vulnerable":true}: affected only)
 *   cameras {"summary":true} -> {"summary":[{"vendor","model","count"}],"devices":N,
 *            "mismatched":N}
 *   blocked {"devices":[{"mac","vendor","policy","blocked":[{"address","port","proto",
 *            "direction","reason","count","last","would"}]}],
 *            "policies":[{"name","blocked":[{..., "devices":N}]}]}
 *   status  see commands_status() in commands.c
 *   advisories {"advisories":[{"cve","vendor","models":[],"affected","fixed","severity","kev",
 *            "source":{"id","url"},"note","file","line","devices":{"exact","likely","unknown"}}],
 *            "count":N,"affected_devices":N}
 *   stats with "devices" also has "device_vulnerable":[{"mac","cve","confidence"}]; status has
 *            "advisories":{"entries","file","affected_devices","moved_devices"}
 *   reload  {"dry_run":bool,"valid":bool,"generation":N,"changes":[{"mac","vendor","from","to",
 *            "reason" (advisory moves only)}],
 *            "message":"...", invalid: "errors":["FILE:LINE: ..."] (first 50),"errors_total":N}
 *           a refused reload (not a dry run) is an error reply with the same two members
 */
#ifndef CAMGUARD_COMMANDS_H
#define CAMGUARD_COMMANDS_H

#include <json-c/json.h>

#include "protocol.h"

struct cg_daemon;

#define CG_BLOCKED_TOP 10   /* destinations listed per policy */

/* 0 with *ret_result (a new reference), or -errno with err filled and
 * *ret_result NULL or an object of members for the error reply (a refused
 * reload's "errors" and "errors_total"). */
int commands_run(struct cg_daemon *d, const struct cg_request *req, json_object **ret_result,
		 struct cg_proto_error *err);

#endif
