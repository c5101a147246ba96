/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * evidence-int.h — inside the denied-flow table: what evidence-table.c (the table,
 * merging, the nftables rows, queries), evidence-map.c (reading the data
 * plane, the invariant) and evidence-file.c (evidence.bin, the daemon's
 * calls) share. Not for use outside these three files.
 */
#ifndef CAMGUARD_EVIDENCE_INT_H
#define CAMGUARD_EVIDENCE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "evidence.h"

#define EV_INSTANCE_MAX 80

struct cg_evidence {
	struct cg_evidence_row *rows;
	size_t n, cap, limit;
	size_t sorted;                   /* rows[0..sorted) are in key order */
	struct cg_evidence_over *over;
	size_t nover, capover;
	char instance[EV_INSTANCE_MAX];
	struct cg_evidence_nft nft_base; /* earlier runs (from the file) */
	struct cg_evidence_nft nft_run;  /* this run */
	bool dirty;
	uint64_t next_ns;                /* evidence_persist: not before (CLOCK_MONOTONIC) */
};

/* Many overflow updates at once, sorted and merged in one pass (see
 * ev_over_apply in evidence-table.c). `from_map`: add[] is the device's current
 * flow_over (a delta is counted against map[]); else add[] is added to the
 * total (folded rows). */
struct over_upd {
	uint8_t mac[6];
	uint16_t pad;
	uint64_t add[2];
	uint64_t nft[2];   /* folded rows: their nftables part (in add too) */
};

int ev_key_cmp(const void *a, const void *b);      /* rows, by key bytes */
int ev_over_cmp(const void *a, const void *b);     /* overflow entries, by MAC */
void ev_sort_rows(struct cg_evidence *ev);
int ev_over_apply(struct cg_evidence *ev, struct over_upd *u, size_t n, bool from_map);
uint64_t ev_mono_ns(void);                          /* CLOCK_MONOTONIC */

#endif
