/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * observe.h — what the data plane reports, into the inventory: ring buffer
 * events (a new device, its addresses, announcements, drops) and the
 * device counters (last seen).
 */
#ifndef CAMGUARD_OBSERVE_H
#define CAMGUARD_OBSERVE_H

#include <stddef.h>
#include <stdint.h>

struct cg_daemon;
struct cg_watch;

/* The ring buffer callback (ring_buffer__new's sample_cb), ctx the daemon. */
int observe_event(void *ctx, void *data, size_t len);

/* The ring buffer's watch handler (w->data: the daemon): drains it, then
 * applies the advisory moves the events called for. */
void observe_ringbuf(struct cg_watch *w, uint32_t events);

/* Last seen from the counters: a device whose packet total moved was seen. */
void observe_counters(struct cg_daemon *d);

#endif
