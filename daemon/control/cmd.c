// SPDX-License-Identifier: GPL-2.0-only
/* cmd.c — the helpers the command modules share (cmd.h). */
#include <errno.h>
#include <string.h>

#include "cmd.h"
#include "evidence.h"
#include "inventory.h"
#include "nft-json.h"

json_object *cmd_counter_json(uint64_t packets, uint64_t bytes)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "packets", json_object_new_uint64(packets));
	json_object_object_add(o, "bytes", json_object_new_uint64(bytes));
	return o;
}

void cmd_add_str(json_object *o, const char *key, const char *s)
{
	json_object_object_add(o, key, json_object_new_string(s ? s : ""));
}

void cmd_add_u64(json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

void cmd_add_time(json_object *o, const char *key, int64_t t)
{
	char buf[64];
	format_time(t, buf, sizeof(buf));
	cmd_add_str(o, key, buf);
}

int cmd_by_mac(const void *a, const void *b)
{
	json_object *const *x = a, *const *y = b;
	json_object *mx, *my;
	json_object_object_get_ex(*x, "mac", &mx);
	json_object_object_get_ex(*y, "mac", &my);
	return strcmp(json_object_get_string(mx), json_object_get_string(my));
}

uint32_t cmd_generation(const struct cg_view *v)
{
	return v->ops && v->ops->generation ? v->ops->generation(v->ctx) : 0;
}

json_object *cmd_nflog(const struct cg_view *v, const struct cg_evidence *ev)
{
	struct cg_evidence_nft t = { 0 };
	json_object *o;

	if (!v->nftables)
		return NULL;
	if (ev)
		evidence_nft_totals(ev, &t);
	o = json_object_new_object();
	cmd_add_u64(o, "group", CG_NFT_LOG_GROUP);
	cmd_add_u64(o, "drops", t.drops);
	cmd_add_u64(o, "logged", t.logged);
	cmd_add_u64(o, "rows", t.rows);
	cmd_add_u64(o, "unlogged", t.unlogged);
	cmd_add_u64(o, "no_device", t.no_device);
	cmd_add_u64(o, "malformed", t.malformed);
	cmd_add_u64(o, "enobufs", t.enobufs);
	cmd_add_u64(o, "seq_lost", t.seq_lost);
	return o;
}

json_object *cmd_nft_status(const struct cg_view *v)
{
	struct cg_nft_status st = {};
	json_object *o = NULL;
	int r = -ENOSYS;

	if (!v->nftables)
		return NULL;
	if (v->ops->nft_status)
		r = v->ops->nft_status(v->ctx, &st);
	if (!r)
		o = nft_status_to_json(&st);
	nft_status_free(&st);
	if (o && v->ops->evidence)
		json_object_object_add(o, "nflog", cmd_nflog(v, v->ops->evidence(v->ctx)));
	if (!o) {
		errno = r < 0 ? -r : ENOMEM;
		o = json_object_new_object();
		json_object_object_add(o, "present", json_object_new_boolean(0));
		cmd_add_str(o, "error", strerror(errno));
	}
	return o;
}
