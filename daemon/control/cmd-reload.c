// SPDX-License-Identifier: GPL-2.0-only
/*
 * cmd-reload.c — `reload` and `reload --dry-run`: asks the daemon through the
 * view's reload callback and writes its report (changes, errors with
 * file:line) as the reply.
 */
#include <errno.h>
#include <string.h>

#include "cleanup.h"
#include "cmd.h"
#include "diag.h"
#include "model.h"
#include "moves.h"

/* Every error of a refused load for the client that asked (bounded: a
 * broken 100,000-line file must not make a 100,000-line reply). */
static json_object *reload_errors(const struct cg_diag *diag, const char *single)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	char line[CG_DIAG_MSG_MAX + CG_PATH_MAX];
	size_t n = 0;

	for (size_t i = 0; i < diag->nentries; i++) {
		if (diag->entries[i].severity != CG_DIAG_ERROR)
			continue;
		if (n++ < CG_RELOAD_ERRORS_MAX) {
			diag_format(&diag->entries[i], line, sizeof(line));
			json_object_array_add(a, json_object_new_string(line));
		}
	}
	if (!n && single[0])
		json_object_array_add(a, json_object_new_string(single));
	json_object_object_add(o, "errors", a);
	json_object_object_add(o, "errors_total",
			       json_object_new_uint64(diag->nerrors > n ? diag->nerrors : n ? n : 1));
	return o;
}

/* [{"mac","vendor","from","to"[,"reason"]}]: "reason" on the moves an
 * advisory policy makes. */
static json_object *reload_changes(const struct cg_reload_report *r)
{
	json_object *a = moves_to_json(&r->changes);

	for (size_t i = 0; a && r->reasons && i < r->changes.n; i++)
		if (r->reasons[i][0])
			json_object_object_add(json_object_array_get_idx(a, i), "reason",
					       json_object_new_string(r->reasons[i]));
	return a;
}

int cmd_reload(const struct cg_view *d, const struct cg_request *req, json_object **ret,
	       struct cg_proto_error *err)
{
	_cleanup_(reload_report_free) struct cg_reload_report r;
	json_object *res;
	int rc;

	reload_report_init(&r);
	rc = d->ops->reload(d->ctx, req->dry_run, &r);
	if (rc < 0 && !req->dry_run) {
		/* the error reply carries the list (control.c adds it) */
		*ret = r.invalid ? reload_errors(&r.diag, r.message) : NULL;
		return protocol_error(err, protocol_errno_name(rc), "reload failed, the running policy is unchanged: %s",
				      r.message[0] ? r.message : strerror(-rc));
	}
	res = json_object_new_object();
	json_object_object_add(res, "dry_run", json_object_new_boolean(req->dry_run));
	json_object_object_add(res, "valid", json_object_new_boolean(rc >= 0));
	cmd_add_u64(res, "generation", cmd_generation(d));
	if (rc < 0) {
		cmd_add_str(res, "message", r.message[0] ? r.message : strerror(-rc));
		if (r.invalid) {
			json_object *errors = reload_errors(&r.diag, r.message);
			json_object_object_foreach(errors, key, val)
				json_object_object_add(res, key, json_object_get(val));
			json_object_put(errors);
		}
		json_object_object_add(res, "changes", json_object_new_array());
	} else {
		cmd_add_str(res, "message", r.message);
		json_object_object_add(res, "changes", reload_changes(&r));
	}
	*ret = res;
	return 0;
}
