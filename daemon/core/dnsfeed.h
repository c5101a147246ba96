/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dnsfeed.h — the daemon's names (issue 15): the DNS copies of the data
 * plane into the names store, and the vendors' cloud-domain table.
 *
 * dns.c hands every port-53 datagram discovery copied to one sink; this
 * module is that sink. The event being read (observe.c sets it around the
 * parse) says which device and which resolver: a query a camera sends
 * (out, not a response) records "asked resolver R for NAME", an answer
 * that reaches a camera (in, a response) records the addresses with their
 * TTL (dnsnames.h). A response a camera sends or a query sent to one is
 * counted as wrong_way and not believed: the names are what the camera
 * asked for. Rejected messages are counted by kind (dns.h) and ignored.
 *
 * The cloud table is cloud-domains.conf beside camguard.conf (optional)
 * and cloud-domains.d/ *.conf in name order, read at start and on every
 * successful reload. A file with an error is reported (log, status) with
 * file:line, and on a reload the table before stays whole; at start the
 * files without errors are used.
 */
#ifndef CAMGUARD_DNSFEED_H
#define CAMGUARD_DNSFEED_H

#include <stdbool.h>
#include <stdint.h>

#include "view.h"

struct cg_daemon;
struct cg_event;
struct cg_dnsfeed;

/* Creates the store, reads the cloud table, registers the sink. 0 or -ENOMEM. */
int dnsfeed_open(struct cg_daemon *d);
void dnsfeed_free(struct cg_dnsfeed *f);

/* The event whose frame is being parsed (NULL after it). */
void dnsfeed_event(struct cg_dnsfeed *f, const struct cg_event *e);

/* Reads the cloud table again (after a reload): 0, or -EINVAL with the
 * table before kept (every error logged with file:line), -ENOMEM. */
int dnsfeed_reload_cloud(struct cg_daemon *d);

/* Expires names past their TTL and grace (at most once a minute). */
void dnsfeed_tick(struct cg_dnsfeed *f);

void dnsfeed_view(struct cg_dnsfeed *f, struct cg_view_dns *ret);

#endif
