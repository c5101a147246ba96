// SPDX-License-Identifier: GPL-2.0-only
/* prober.c — probe rounds (prober.h); the probes themselves are probe.c's. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "inventory.h"
#include "log.h"
#include "probe.h"
#include "prober.h"
#include "state.h"

void prober_close(struct cg_daemon *d)
{
	for (size_t i = 0; i < d->probe.nfds; i++)
		if (d->probe.fds[i] >= 0)
			close(d->probe.fds[i]);
	d->probe.nfds = 0;
}

static int mac_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 6);
}

/* What the inventory knew before: "gained a model" is measured against it
 * (sorted, for `probe --result` to search). */
static void remember_known(struct cg_daemon *d)
{
	struct cg_probe_state *p = &d->probe;

	free(p->known);
	p->known = calloc(inventory_count(d->inv) + 1, sizeof(*p->known));
	p->nknown = 0;
	for (const struct cg_inv_device *v = inventory_first(d->inv); v && p->known;
	     v = inventory_next(d->inv, v))
		if (v->facts[CG_INV_MODEL].value[0])
			memcpy(p->known[p->nknown++], v->mac, 6);
	qsort(p->known, p->nknown, 6, mac_cmp);
}

int prober_send(struct cg_daemon *d, const char *iface, struct cg_probe_iface *ret, size_t max,
		size_t *ret_n)
{
	struct cg_probe_state *p = &d->probe;
	size_t n = 0, k = 0;

	if (ret_n)
		*ret_n = 0;
	if (iface) {
		bool known = false;
		for (size_t i = 0; i < d->nifaces; i++)
			known |= strcmp(d->ifaces[i].name, iface) == 0;
		if (!known)
			return -ENODEV;
	}
	prober_close(d);
	free(p->fds);
	p->fds = calloc(d->nifaces * CG_PROBE_SOCKETS + 1, sizeof(int));
	remember_known(d);
	p->started = (int64_t)time(NULL);
	p->probes++;
	for (size_t i = 0; i < d->nifaces; i++) {
		struct cg_iface *f = &d->ifaces[i];
		int fds[CG_PROBE_SOCKETS], sent = 0, rc = -ENODEV;
		if (iface && strcmp(f->name, iface) != 0)
			continue;
		if (f->ifindex > 0)
			rc = probe_send(f->name, f->ifindex, fds, &sent);
		for (int s = 0; rc == 0 && p->fds && s < CG_PROBE_SOCKETS; s++)
			if (fds[s] >= 0)
				p->fds[p->nfds++] = fds[s];
		if (rc)
			log_warning("Probe on %s: %s", f->name, strerror(-rc));
		n += (size_t)sent;
		if (ret && k < max) {
			memcpy(ret[k].name, f->name, sizeof(ret[k].name));
			ret[k].sent = sent;
			ret[k++].error = rc;
		}
	}
	if (ret_n)
		*ret_n = k;
	p->close_ms = state_mono_ms() + CG_PROBE_LINGER_MS;
	log_info("Probe sent: %zu discovery probes on %s", n, iface ? iface : "every camera interface");
	return 0;
}
