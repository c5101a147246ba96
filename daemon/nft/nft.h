/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nft.h — the nftables layer: table inet camguard, programmed through
 * libnftnl/libmnl in one netlink batch per apply.
 *
 * A second, independent enforcement layer: with the BPF programs detached,
 * no isolated camera's packet is forwarded out of the enclave and nothing from
 * outside is forwarded to it. It never touches another table and never
 * flushes the ruleset. It is written from the same plan (plan.h) as the BPF
 * maps.
 *
 * Files: mnl.c (netlink transport, camguard-agnostic), expr.c (rule building
 * blocks), sets.c and chains.c (the plan as sets, chains and rules),
 * table.c (the batch, errors named after the plan, this API), status.c
 * (reading the table back: status, tamper check).
 */
#ifndef CAMGUARD_NFT_H
#define CAMGUARD_NFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "plan.h"

struct cg_nft;

/* Every drop rule of the table logs the packet to this NFLOG group (prefix:
 * the rule's "<policy> <direction> <reason>"), snapped to 128 bytes, queued
 * by at most 8 (daemon/inventory/nflog.c reads it). A fixed number: one
 * group per host, documented in camguardd(8). */
#define CG_NFT_LOG_GROUP       25447
#define CG_NFT_LOG_SNAPLEN     128
#define CG_NFT_LOG_QTHRESHOLD  8

int nft_open(struct cg_nft **ret);
void nft_close(struct cg_nft *nft);

/* Replaces the table with one built from plan, atomically (one batch: the
 * old table is deleted and the new one added in the same transaction). On
 * error nothing changed; err names the policy element that caused it. */
int nft_apply_plan(struct cg_nft *nft, const struct cg_plan *plan, char *err, size_t errlen);

/* nft_apply_plan() of m's plan (plan_build()). */
int nft_apply(struct cg_nft *nft, const struct cg_model *m, char *err, size_t errlen);

/* Compares the kernel's table with the last applied one; restores it when it
 * was flushed, deleted or changed. >0: repaired, 0: intact, <0: -errno. */
int nft_check_and_repair(struct cg_nft *nft);

/* Deletes the table. -ENOENT when there is none. */
int nft_remove(struct cg_nft *nft);

/* Counters of one reason, from the rules whose comment is
 * "<policy> <direction> <reason>". */
struct cg_nft_reason {
	char name[32];
	uint64_t packets, bytes;
};

/* One policy and direction ("out" | "in"): the sum of its reasons. */
struct cg_nft_counter {
	char policy[CG_NAME_MAX + 16];
	char direction[8];
	uint64_t packets, bytes;
	struct cg_nft_reason *reasons;
	size_t nreasons, capreasons;
};

/* The table's state and counters, for status and stats (JSON written by the
 * command layer: control/nft-json.c). */
struct cg_nft_status {
	bool present;
	unsigned chains, rules, sets, repairs;
	struct cg_nft_counter *counters;   /* in the order the rules list them */
	size_t ncounters, capcounters;
};

/* Packets the table's drop rules counted (every reason but "monitor")
 * since this process first applied it, tables it replaced since included:
 * what NFLOG should have delivered. 0 or -errno. */
int nft_drop_packets(struct cg_nft *nft, uint64_t *ret);

/* Fills ret (nft_status_free() it, also after an error). 0 or -errno. */
int nft_status(struct cg_nft *nft, struct cg_nft_status *ret);
void nft_status_free(struct cg_nft_status *st);

#endif
