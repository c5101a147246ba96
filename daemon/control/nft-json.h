/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nft-json.h — the nftables layer's status (struct cg_nft_status) as the
 * JSON object of `camguardctl status` and `stats` ("nftables"). The nft
 * layer returns plain structs; only the command layer writes JSON.
 */
#ifndef CAMGUARD_NFT_JSON_H
#define CAMGUARD_NFT_JSON_H

#include <json-c/json.h>

#include "nft.h"

/* {"present":bool, "chains":N, "rules":N, "sets":N, "repairs":N,
 *  "counters":[{"policy":P, "direction":"out"|"in", "packets":N, "bytes":N,
 *               "reasons":{"<reason>":{"packets":N,"bytes":N}, ...}}, ...]}
 * NULL on allocation failure. */
json_object *nft_status_to_json(const struct cg_nft_status *st);

/* nft_status() of nft as JSON: NULL (errno set) when the table cannot be
 * read. */
json_object *nft_status_json(struct cg_nft *nft);

#endif
