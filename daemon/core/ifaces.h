/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ifaces.h — the camera interfaces and the programs on them: which hooks an
 * interface's mode uses, attaching them, noticing and repairing a filter
 * that was removed (tamper), detaching at `on_exit = "unload"`.
 *
 * Knows the data plane only for its program fds; the daemon decides when to
 * sync (every tick, on rtnetlink link events, in the tamper check).
 */
#ifndef CAMGUARD_IFACES_H
#define CAMGUARD_IFACES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attach.h"

struct cg_dataplane;

/* One configured camera interface and where the programs sit on it. */
struct cg_iface {
	char name[16];
	uint8_t mode;              /* CG_IFMODE_* */
	int ifindex;               /* 0 while the interface is missing */
	bool attached[CG_HOOK_MAX];
	uint64_t attaches;         /* times (re-)attached */
	char error[160];           /* last attach problem, "" if none */
};

/* Does an interface of this mode carry hook? (TC egress always; XDP or TC
 * ingress by mode.) */
static inline bool ifaces_uses(uint8_t mode, enum cg_hook hook)
{
	if (hook == CG_HOOK_TC_EGRESS)
		return true;
	return (hook == CG_HOOK_XDP) == (mode == 1 /* CG_IFMODE_XDP */);
}

/* Makes every interface carry dp's programs; cheap when all is well (one
 * query per hook). Returns the number of hooks it had to (re)attach while
 * the interface existed and they were believed attached (tampering, when
 * count_tamper), describing the last one in last_tamper. */
int ifaces_sync(struct cg_iface *v, size_t n, const struct cg_dataplane *dp, bool count_tamper,
		char *last_tamper, size_t tamper_len);

/* Removes the hooks this mode uses from every interface that exists. */
void ifaces_detach(const struct cg_iface *v, size_t n);

#endif
