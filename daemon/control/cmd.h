/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cmd.h — what the command modules (cmd-*.c) share: the handler of each
 * command and the small JSON helpers every reply uses. Each handler reads
 * the daemon through a read-only view (view.h) and builds its reply itself;
 * commands.c puts them in the table the control server dispatches from.
 */
#ifndef CAMGUARD_CMD_H
#define CAMGUARD_CMD_H

#include <stdint.h>
#include <json-c/json.h>

#include "protocol.h"
#include "view.h"

#define CG_BLOCKED_TOP 10          /* destinations listed per policy */
#define CG_RELOAD_ERRORS_MAX 50    /* errors of a refused reload listed in the reply */

typedef int cg_cmd_fn(const struct cg_view *v, const struct cg_request *req, json_object **ret,
		      struct cg_proto_error *err);

cg_cmd_fn cmd_stats, cmd_cameras, cmd_blocked, cmd_status, cmd_reload, cmd_advisories, cmd_probe;

json_object *cmd_counter_json(uint64_t packets, uint64_t bytes);
void cmd_add_str(json_object *o, const char *key, const char *s);
void cmd_add_u64(json_object *o, const char *key, uint64_t v);
void cmd_add_time(json_object *o, const char *key, int64_t t);
/* json_object_array_sort() order of objects by their "mac". */
int cmd_by_mac(const void *a, const void *b);
/* The live generation (0 before the data plane runs). */
uint32_t cmd_generation(const struct cg_view *v);
/* The nftables layer's status object for a reply, null without the layer. */
/* The nftables layer's drops and what NFLOG delivered of them
 * (struct cg_evidence_nft): {"group", "drops", "logged", "rows",
 * "unlogged", "no_device", "malformed", "enobufs", "seq_lost"}; NULL
 * without the layer. */
struct cg_evidence;
json_object *cmd_nflog(const struct cg_view *v, const struct cg_evidence *ev);
json_object *cmd_nft_status(const struct cg_view *v);
/* status's "dns": DNS copies read, rejected by kind, names held, cloud table (cmd-blocked.c). */
json_object *cmd_dns_json(const struct cg_view *v);

#endif
