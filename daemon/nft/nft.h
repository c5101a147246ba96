/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nft.h — the nftables layer: table inet camguard, programmed through
 * libnftnl/libmnl in one netlink batch per apply.
 *
 * A second, independent enforcement layer: with the BPF programs detached,
 * no isolated camera's packet is forwarded out of the enclave and nothing from
 * outside is forwarded to it. It never touches another table and never
 * flushes the ruleset.
 */
#ifndef CAMGUARD_NFT_H
#define CAMGUARD_NFT_H

#include <stddef.h>
#include <json-c/json.h>

#include "model.h"

struct cg_nft;

int nft_open(struct cg_nft **ret);
void nft_close(struct cg_nft *nft);

/* Replaces the table with one built from m, atomically (one batch: the old
 * table is deleted and the new one added in the same transaction). On error
 * nothing changed; err names the policy element that caused it. */
int nft_apply(struct cg_nft *nft, const struct cg_model *m, char *err, size_t errlen);

/* Compares the kernel's table with the last applied one; restores it when it
 * was flushed, deleted or changed. >0: repaired, 0: intact, <0: -errno. */
int nft_check_and_repair(struct cg_nft *nft);

/* Deletes the table. -ENOENT when there is none. */
int nft_remove(struct cg_nft *nft);

/* The table's state and counters, for status and stats:
 * {"present":bool, "chains":N, "rules":N, "counters":[{"policy":P,"direction":"out"|"in",
 *   "packets":N,"bytes":N}, ...]}. NULL on error (errno set). */
json_object *nft_status(struct cg_nft *nft);

#endif
