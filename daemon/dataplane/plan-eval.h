/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * plan-eval.h — the data plane's verdict, worked out in userland from a plan
 * (plan.h) for one denied flow as the evidence table keeps it (struct
 * cg_flow_key: device, direction, family, remote address, protocol, remote
 * port, and the reason it had).
 *
 * It answers "what would this plan do with that flow?" for `reload
 * --dry-run` (which flows of the last 24 h the new set would start or stop
 * dropping). It decides like bpf/camguard.bpf.c, from the same plan that
 * compile.c turns into the maps:
 *
 *   device -> policy: exact MAC (explicit, then moved by an advisory), else
 *     the longest vendor prefix (never for a locally administered MAC, nor
 *     for a group address), else the default (cg_resolve_policy);
 *   remote address -> facts: the union of every enclave, deny and rule
 *     prefix of the policy that contains it (what the compiler merges into
 *     the longest matching map entry); deny, then enclave pass, then rules,
 *     then egress/ingress (cg_decide_peer);
 *   the policy's action (cg_verdict): deny_list drops under every action,
 *     any other drop reason is a would-drop under monitor and a pass under
 *     allow.
 *
 * What the key does not hold is taken from the row's reason:
 *   - egress, ingress, port, fragment and deny_list rows are decided again
 *     from the address (fragment: a later fragment, which has no ports);
 *   - non_ip, vlan, malformed, rogue_service and spoof rows keep their
 *     reason (they do not depend on the policy's addresses; spoof depends on
 *     the camera's own address, which the key does not hold): only the new
 *     action decides;
 *   - a rule "from" with ports matches on the camera's port, which the key
 *     does not hold: when such a rule could have matched and no other rule
 *     did, the result is the no-match verdict with .uncertain set;
 *   - the link-local exemptions (DHCP, ND to an enclave address) are not
 *     re-evaluated: they need ICMP types, hop limits and source ports.
 */
#ifndef CAMGUARD_PLAN_EVAL_H
#define CAMGUARD_PLAN_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "camguard.h"
#include "plan.h"

enum cg_plan_verdict {
	CG_PV_PASS = 0,
	CG_PV_WOULD,      /* passed by monitor, counted as a would-drop */
	CG_PV_DROP,
};

struct cg_plan_result {
	size_t policy;    /* index into plan->policies */
	uint8_t reason;   /* the isolate reason (enum cg_reason) */
	uint8_t final;    /* the reason after the action */
	uint8_t verdict;  /* enum cg_plan_verdict */
	bool uncertain;   /* a "from" rule with ports might match (camera port unknown) */
};

/* Prefixes indexed like an LPM table: sorted by (family, length, masked
 * address), with the run of each (family, length); a lookup is one binary
 * search per length present, not a scan of every prefix (a dry run judges
 * up to 4 x evidence.max_flows rows twice). */
struct cg_plan_eval_ent {
	struct cg_prefix pfx;
	uint8_t what;                    /* CG_PE_ENCLAVE, CG_PE_DENY, CG_PE_RULE */
	uint32_t idx;                    /* the rule's index in its policy */
};
struct cg_plan_eval_run {
	uint8_t family, len;
	size_t start, end;
};
struct cg_plan_eval_index {
	struct cg_plan_eval_ent *v;
	size_t n;
	struct cg_plan_eval_run *runs;
	size_t nruns;
};

/* A plan with its devices and prefixes indexed for many lookups. Borrows
 * the plan. */
struct cg_plan_eval {
	const struct cg_plan *plan;
	struct cg_plan_device *devs;     /* sorted by MAC, one per MAC (the last wins, as in the map) */
	size_t ndevs;
	struct cg_plan_eval_index enclave;
	struct cg_plan_eval_index *pol;  /* per policy: deny prefixes and non-enclave rules */
};

/* 0 or -ENOMEM. */
int plan_eval_init(struct cg_plan_eval *e, const struct cg_plan *plan);
void plan_eval_free(struct cg_plan_eval *e);

/* The policy (index) the plan gives mac. */
size_t plan_eval_policy(const struct cg_plan_eval *e, const uint8_t mac[6]);

/* The verdict of the plan for a flow with this key (key->reason: the reason
 * it was denied with; key->would is not read). */
void plan_eval_flow(const struct cg_plan_eval *e, const struct cg_flow_key *key,
		    struct cg_plan_result *ret);

const char *plan_verdict_to_string(int verdict);

#endif
