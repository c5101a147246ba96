// SPDX-License-Identifier: GPL-2.0-only
/*
 * ifaces.c — attaching the programs to the camera interfaces and keeping
 * them there (ifaces.h). An interface that disappears is waited for, one
 * that comes back (possibly with another ifindex) is attached again.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "dataplane.h"
#include "ifaces.h"
#include "log.h"
#include "model.h"

_Static_assert(CG_IFMODE_XDP == 1, "ifaces_uses() in ifaces.h");

static int hook_prog(const struct cg_dataplane *dp, enum cg_hook hook)
{
	static const char *const names[CG_HOOK_MAX] = { "cg_tc_ingress", "cg_tc_egress", "cg_xdp" };
	return dataplane_prog_fd(dp, names[hook]);
}

/* One hook of one present interface: 1 when a filter we had was put back. */
static int sync_hook(struct cg_iface *ifc, enum cg_hook h, const struct cg_dataplane *dp,
		     bool count_tamper, char *last_tamper, size_t tamper_len)
{
	int fd = hook_prog(dp, h);
	uint32_t want, have = 0;

	if (prog_id_of(fd, &want) == 0 && attach_query(ifc->ifindex, h, &have) == 0 && have == want) {
		ifc->attached[h] = true;
		return 0;
	}
	bool was = ifc->attached[h];
	int rc = attach_hook(ifc->ifindex, h, fd);
	if (rc) {
		ifc->attached[h] = false;
		snprintf(ifc->error, sizeof(ifc->error), "attach %s: %s", cg_hook_to_string(h),
			 strerror(-rc));
		log_err("Failed to attach %s to %s: %s", cg_hook_to_string(h), ifc->name, strerror(-rc));
		return 0;
	}
	ifc->attached[h] = true;
	ifc->attaches++;
	ifc->error[0] = '\0';
	if (was && count_tamper) {
		snprintf(last_tamper, tamper_len, "%s filter on %s was removed; re-attached",
			 cg_hook_to_string(h), ifc->name);
		log_warning("Tamper: %s", last_tamper);
		return 1;
	}
	log_info("Attached %s on %s", cg_hook_to_string(h), ifc->name);
	return 0;
}

int ifaces_sync(struct cg_iface *v, size_t n, const struct cg_dataplane *dp, bool count_tamper,
		char *last_tamper, size_t tamper_len)
{
	int repaired = 0;

	for (size_t i = 0; i < n; i++) {
		struct cg_iface *ifc = &v[i];
		int ifindex = (int)if_nametoindex(ifc->name);

		if (!ifindex) {
			if (ifc->ifindex)
				log_warning("Interface %s is gone; waiting for it to return", ifc->name);
			ifc->ifindex = 0;
			memset(ifc->attached, 0, sizeof(ifc->attached));
			snprintf(ifc->error, sizeof(ifc->error), "interface missing");
			continue;
		}
		if (ifindex != ifc->ifindex)
			memset(ifc->attached, 0, sizeof(ifc->attached));
		ifc->ifindex = ifindex;
		for (int h = 0; h < CG_HOOK_MAX; h++)
			if (ifaces_uses(ifc->mode, h))
				repaired += sync_hook(ifc, h, dp, count_tamper, last_tamper, tamper_len);
	}
	return repaired;
}

void ifaces_detach(const struct cg_iface *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int ifindex = (int)if_nametoindex(v[i].name);
		for (int h = 0; ifindex && h < CG_HOOK_MAX; h++)
			if (ifaces_uses(v[i].mode, h))
				attach_detach(ifindex, h);
	}
}
