// SPDX-License-Identifier: GPL-2.0-only
/* view.c — the reload report's lifetime (view.h). */
#include <stdlib.h>

#include "view.h"

void reload_report_init(struct cg_reload_report *r)
{
	*r = (struct cg_reload_report){};
	diag_init(&r->diag);
}

void reload_report_free(struct cg_reload_report *r)
{
	diag_free(&r->diag);
	moves_free(&r->changes);
	free(r->reasons);
	r->reasons = NULL;
	free(r->flows.start.v);
	free(r->flows.stop.v);
	r->flows = (struct cg_reload_flows){};
}
