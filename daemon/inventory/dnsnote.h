/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dnsnote.h — what the names store (dnsnames.h) and the cloud-domain table
 * (cloud.h) say about one denied flow of the evidence (evidence.h), for
 * `camguardctl blocked`:
 *
 *   name    the name the device asked for before it tried the remote
 *           address: the one confirmed most recently by the flow's last
 *           packet (a camera re-resolves and retries; names learned after
 *           the last attempt never explain it);
 *   asked   for a flow that is itself a DNS query (out, UDP or TCP, remote
 *           port 53): the names the device asked that resolver for while
 *           the flow lasted, newest first;
 *   cloud   the cloud-domain label of the name, else of the first asked
 *           name that has one ("Hikvision cloud").
 *
 * Flow times come from the data plane's coarse clock and name times from
 * the daemon's reading of the copy, so both windows are widened by
 * CG_NOTE_SLACK seconds. Pointers are into the store and the table: valid
 * until either changes.
 */
#ifndef CAMGUARD_DNSNOTE_H
#define CAMGUARD_DNSNOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "camguard.h"
#include "cloud.h"
#include "dnsnames.h"

#define CG_NOTE_ASKED 8      /* asked names listed per flow; the rest counted */
#define CG_NOTE_SLACK 2      /* seconds either side of a flow's [first, last] */

struct cg_dns_note {
	const char *name;                   /* NULL: no name known */
	const char *cloud;                  /* NULL: no label */
	const char *vendor;                 /* the label's vendor */
	const char *asked[CG_NOTE_ASKED];
	size_t nasked;                      /* in asked[] */
	size_t asked_total;                 /* in all (nasked or more) */
};

/* True for a flow that is a DNS query: out, UDP or TCP, remote port 53. */
bool dnsnote_is_query(const struct cg_flow_key *k);

/* Fills *ret for the flow (key, first and last seen, wall-clock seconds);
 * n or c may be NULL (nothing known then). */
void dnsnote_flow(const struct cg_names *n, const struct cg_cloud *c, const struct cg_flow_key *k,
		  int64_t first, int64_t last, struct cg_dns_note *ret);

#endif
