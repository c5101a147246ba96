/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * compile.h — the BPF writer: plan (plan.h) -> data-plane entries.
 *
 * The compiler is pure: it reads the generation's plan and produces the exact
 * keys and values that dataplane.c writes into one policy slot; the nftables
 * writer (daemon/nft/) reads the same plan. Keeping it free of
 * syscalls lets the unit tests check it entry by entry and lets --check and
 * reload --dry-run run it without touching the kernel.
 */
#ifndef CAMGUARD_COMPILE_H
#define CAMGUARD_COMPILE_H

#include <stdbool.h>
#include <stddef.h>

#include "camguard.h"
#include "model.h"
#include "plan.h"

/* Parallel key/value arrays: the layout bpf_map_update_batch() takes. */
#define CG_TABLE(name, ktype, vtype) \
	struct name { ktype *keys; vtype *values; size_t n, cap; }

CG_TABLE(cg_tab_dev, struct cg_mac_key, struct cg_device);
CG_TABLE(cg_tab_oui, struct cg_oui_key, struct cg_device);
CG_TABLE(cg_tab_peer4, struct cg_peer4_key, struct cg_peer);
CG_TABLE(cg_tab_peer6, struct cg_peer6_key, struct cg_peer);
CG_TABLE(cg_tab_lpm4, struct cg_lpm4_key, struct cg_peer);
CG_TABLE(cg_tab_lpm6, struct cg_lpm6_key, struct cg_peer);

struct cg_compiled {
	struct cg_conf conf;           /* gen is set by dataplane_apply() */
	struct cg_tab_dev devs;
	struct cg_tab_oui ouis;
	struct cg_tab_peer4 peer4;     /* exact IPv4 hosts */
	struct cg_tab_peer6 peer6;     /* exact IPv6 hosts */
	struct cg_tab_lpm4 lpm4;       /* IPv4 prefixes shorter than /32 */
	struct cg_tab_lpm6 lpm6;
	struct cg_ruleset *rulesets;
	size_t nrulesets, cap_rulesets;
	bool devs_sorted;              /* devs and ouis ordered by key (compiled_sort_devices) */
	struct cg_plan plan;           /* compile_model(): the plan these entries came from,
					* for the nftables writer (nft_apply_plan) */
};

/* Writes the map entries of plan into ret (ret->plan stays empty). Errors as
 * compile_model(). */
int compile_plan(const struct cg_plan *plan, struct cg_compiled *ret, char *err, size_t errlen);

/*
 * Builds the plan of m (policy ids must be assigned) and compiles it into
 * ret, which then owns the plan (ret->plan). On error returns a
 * negative errno and writes a one-line reason naming the policy and prefix
 * to err (errlen bytes).
 */
int compile_model(const struct cg_model *m, struct cg_compiled *ret, char *err, size_t errlen);
void compiled_free(struct cg_compiled *c);

/* Orders the device and OUI tables by key so that compiled_policy_for() is
 * a few binary searches: for asking about many devices (a reload asks about
 * every inventory device). The map contents are the same in any order. */
int compiled_sort_devices(struct cg_compiled *c);

/* The policy id c assigns to mac: exact device, else the longest OUI
 * prefix (never for a locally administered MAC), else the default. The
 * same resolution as the data plane's, for moves.c. */
unsigned compiled_policy_for(const struct cg_compiled *c, const uint8_t mac[6]);

#endif
