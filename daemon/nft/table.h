/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * table.h — inside the nftables layer: what table.c (the table as a whole,
 * the public API), sets.c (sets and their elements), chains.c (chains and
 * rules) and status.c (reading the kernel's table back) share. Not for use
 * outside daemon/nft/.
 */
#ifndef CAMGUARD_NFT_TABLE_H
#define CAMGUARD_NFT_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "mnl.h"
#include "plan.h"

#define CG_NFT_TABLE       "camguard"
#define CG_NFT_PRIO        (-10)
#define CG_NFT_LEARN_MS    3600000ULL   /* learned address lifetime */
#define CG_NFT_LEARN_SIZE  65536
#define CG_NFT_UNLEARNED   "(unlearned)" /* not a valid policy name */

/* What a message or an element was built from (struct nlb_tag.kind), to
 * name it in an error; owner is the plan's policy index, idx the entry's
 * index in its plan list. */
enum tag_kind {
	TAG_NONE, TAG_TABLE, TAG_CHAIN, TAG_SET, TAG_RULE,
	TAG_IFACE, TAG_ENCLAVE, TAG_DEVICE, TAG_OUI, TAG_DENY, TAG_ALLOW, TAG_PROTECTED,
};

struct cg_nft {
	struct nl_conn conn;
	struct nlb last;        /* last batch that was applied */
	bool applied;
	uint64_t handle;        /* table handle after the last apply */
	unsigned repairs;
	uint64_t retired_drops; /* drop counters of tables this process replaced */
	uint64_t read_drops;    /* the live table's, as last read (a flushed table
				 * loses its counters: what was read is kept) */
};

/* table.c: the whole batch that replaces the table with plan p (no socket:
 * tests/unit/test-plan.c reads it back). 0 or -ENOMEM. */
int table_build(struct nlb *b, const struct cg_plan *p);

/* sets.c: every set of the table, then every element. */
void sets_declare(struct nlb *b, const struct cg_plan *p);
int sets_fill(struct nlb *b, const struct cg_plan *p);
/* Has p a rule of kind and family that spans every port (an element of the
 * address-level set <p>_to<fam>a / <p>_from<fam>a)? */
bool sets_any_port(const struct cg_plan_policy *p, uint8_t fam, uint8_t kind);

/* chains.c: every chain (before the sets: vmap elements name them), then
 * every rule. */
void chains_declare(struct nlb *b, const struct cg_plan *p);
int chains_fill(struct nlb *b, const struct cg_plan *p);

/* status.c: the handle of table inet camguard (0 when absent); 1 when the
 * kernel's table differs from nft->last. */
int table_handle(struct cg_nft *nft, uint64_t *ret);
int table_differs(struct cg_nft *nft);
/* The drop counters of the kernel's table now (0 when absent). */
int table_drop_packets(struct cg_nft *nft, uint64_t *ret);

#endif
