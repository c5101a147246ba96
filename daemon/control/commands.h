/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * commands.h — the control commands: the handler table the control server
 * dispatches from (control.h), each handler building its JSON result from
 * a read-only view of the daemon (view.h). control.c parses, authorizes
 * and frames; the command modules (cmd-*.c) only answer, so a benchmark or
 * test can call them without a socket or a daemon.
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
 *   status  see cmd_status() in cmd-status.c
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

#include <stddef.h>
#include <json-c/json.h>

#include "control.h"
#include "protocol.h"

struct cg_view;

/* Every command, for control_open() with a struct cg_view * as its ctx. */
extern const struct cg_control_handler commands_table[];
extern const size_t commands_count;

/* One request through the table (tests, benchmarks): as a handler,
 * 0 with *ret_result or -errno with err (and maybe error members). */
int commands_run(const struct cg_view *v, const struct cg_request *req, json_object **ret_result,
		 struct cg_proto_error *err);

#endif
