/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * prober.h — probe rounds (camguardctl probe, discovery.probe_interval):
 * which interfaces, what the inventory knew before (to tell who gained a
 * model), and the sockets kept open a while for unicast answers.
 */
#ifndef CAMGUARD_PROBER_H
#define CAMGUARD_PROBER_H

#include <stddef.h>

struct cg_daemon;
struct cg_probe_iface;

/* Sends a probe round on iface (NULL: every camera interface); one entry
 * per interface in ret (at most max; ret may be NULL). 0, or -ENODEV when
 * iface is not a camera interface. */
int prober_send(struct cg_daemon *d, const char *iface, struct cg_probe_iface *ret, size_t max,
		size_t *ret_n);

/* Closes the last round's sockets. */
void prober_close(struct cg_daemon *d);

#endif
