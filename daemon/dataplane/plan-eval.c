// SPDX-License-Identifier: GPL-2.0-only
/*
 * plan-eval.c — the data plane's verdict from a plan, for denied flows
 * (plan-eval.h). Each step names the BPF function it mirrors; a change there
 * must be made here too (tests/bpf/test-plan-eval.c runs the same tuples
 * through both and fails when they disagree).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "plan-eval.h"

static int dev_cmp(const void *x, const void *y)
{
	const struct cg_plan_device *a = x, *b = y;
	return memcmp(a->mac, b->mac, 6);
}

int plan_eval_init(struct cg_plan_eval *e, const struct cg_plan *plan)
{
	*e = (struct cg_plan_eval){ .plan = plan };
	e->devs = calloc(plan->ndevices ? plan->ndevices : 1, sizeof(*e->devs));
	if (!e->devs)
		return -ENOMEM;
	/* The map takes the entries in plan order: a MAC listed twice ends
	 * with the later entry. Reversed, a stable pass keeps that one. */
	for (size_t i = 0; i < plan->ndevices; i++)
		e->devs[i] = plan->devices[plan->ndevices - 1 - i];
	qsort(e->devs, plan->ndevices, sizeof(*e->devs), dev_cmp);
	size_t n = 0;
	for (size_t i = 0; i < plan->ndevices; i++) {
		if (n && !dev_cmp(&e->devs[n - 1], &e->devs[i]))
			continue;
		e->devs[n++] = e->devs[i];
	}
	e->ndevs = n;
	return 0;
}

void plan_eval_free(struct cg_plan_eval *e)
{
	free(e->devs);
	*e = (struct cg_plan_eval){};
}

static bool oui_match(const struct cg_plan_oui *o, const uint8_t mac[6])
{
	for (int bit = 0; bit < o->bits; bit += 8) {
		int left = o->bits - bit;
		uint8_t mask = left >= 8 ? 0xff : (uint8_t)(0xff << (8 - left));
		if ((mac[bit / 8] & mask) != o->bytes[bit / 8])
			return false;
	}
	return true;
}

/* cg_resolve_policy (group addresses: cg_classify's default). */
size_t plan_eval_policy(const struct cg_plan_eval *e, const uint8_t mac[6])
{
	const struct cg_plan *p = e->plan;
	struct cg_plan_device want = {};
	const struct cg_plan_device *d;
	size_t best = p->default_index;
	int bits = 0;

	if (mac[0] & 0x01)
		return p->default_index;
	memcpy(want.mac, mac, 6);
	d = bsearch(&want, e->devs, e->ndevs, sizeof(want), dev_cmp);
	if (d)
		return d->policy;
	if (mac[0] & 0x02)
		return p->default_index;
	/* ordered by length: the last match of the longest length, as the
	 * LPM map holds the last entry written for a key */
	for (size_t i = 0; i < p->nouis; i++)
		if (p->ouis[i].bits >= bits && oui_match(&p->ouis[i], mac)) {
			bits = p->ouis[i].bits;
			best = p->ouis[i].policy;
		}
	return best;
}

static bool contains(const struct cg_prefix *pfx, uint8_t family, const uint8_t *addr)
{
	struct cg_prefix a = { .family = family, .len = family == 4 ? 32 : 128 };

	if (pfx->family != family)
		return false;
	memcpy(a.addr, addr, family == 4 ? 4 : 16);
	return addr_prefix_contains(pfx, &a);
}

static bool has_ports(const struct cg_flow_key *k)
{
	if (k->reason == CG_REASON_FRAGMENT)   /* a later fragment: no ports */
		return false;
	return k->proto == IPPROTO_TCP || k->proto == IPPROTO_UDP ||
	       k->proto == IPPROTO_UDPLITE || k->proto == IPPROTO_SCTP;
}

/* cg_rules_match for one plan rule: 1 match, 0 no match, -1 it depends on
 * the camera's port (a "from" rule with ports). */
static int rule_match(const struct cg_plan_rule *r, const struct cg_flow_key *k)
{
	if (r->proto && r->proto != k->proto)
		return 0;
	if (!r->nranges)
		return 1;
	if (!has_ports(k))
		return 0;
	if (r->kind != CG_RULE_TO)
		return -1;
	for (size_t i = 0; i < r->nranges; i++)
		if (k->port >= r->ranges[i].lo && k->port <= r->ranges[i].hi)
			return 1;
	return 0;
}

/* cg_peer_lookup + cg_decide_peer, without the link-local and source checks
 * (see plan-eval.h). */
static uint8_t decide_peer(const struct cg_plan *plan, const struct cg_plan_policy *pol,
			   const struct cg_flow_key *k, bool *uncertain)
{
	bool enclave = false, deny = false, rules = false, match = false, maybe = false;

	for (size_t i = 0; i < plan->nenclave && !enclave; i++)
		enclave = contains(&plan->enclave[i].pfx, k->family, k->addr);
	for (size_t i = 0; i < pol->ndeny && !deny; i++)
		deny = contains(&pol->deny[i].pfx, k->family, k->addr);
	if (deny)
		return CG_REASON_DENY_LIST;
	if (enclave && pol->enclave_pass)
		return CG_REASON_ENCLAVE;
	for (size_t i = 0; i < pol->nrules && !match; i++) {
		const struct cg_plan_rule *r = &pol->rules[i];

		if (r->pfx.family != k->family || (r->enclave ? !enclave : !contains(&r->pfx, k->family, k->addr)))
			continue;
		rules = true;
		int m = rule_match(r, k);
		match = m > 0;
		maybe |= m < 0;
	}
	if (rules) {
		if (match)
			return CG_REASON_RULE;
		*uncertain = maybe;
		return k->reason == CG_REASON_FRAGMENT ? CG_REASON_FRAGMENT : CG_REASON_PORT;
	}
	if (k->reason == CG_REASON_FRAGMENT)
		return CG_REASON_FRAGMENT;
	return k->dir == CG_DIR_OUT ? CG_REASON_EGRESS : CG_REASON_INGRESS;
}

static bool address_reason(uint8_t reason)
{
	switch (reason) {
	case CG_REASON_EGRESS:
	case CG_REASON_INGRESS:
	case CG_REASON_PORT:
	case CG_REASON_FRAGMENT:
	case CG_REASON_DENY_LIST:
		return true;
	default:
		return false;
	}
}

void plan_eval_flow(const struct cg_plan_eval *e, const struct cg_flow_key *k,
		    struct cg_plan_result *ret)
{
	const struct cg_plan *plan = e->plan;
	const struct cg_plan_policy *pol;

	*ret = (struct cg_plan_result){ .policy = plan_eval_policy(e, k->mac) };
	pol = &plan->policies[ret->policy];
	ret->reason = k->reason;
	if ((k->family == 4 || k->family == 6) && address_reason(k->reason))
		ret->reason = decide_peer(plan, pol, k, &ret->uncertain);

	/* cg_verdict */
	ret->final = ret->reason;
	if (ret->reason >= CG_REASON_FIRST_DROP && ret->reason != CG_REASON_DENY_LIST) {
		if (pol->action == CG_ACTION_MONITOR)
			ret->final = CG_REASON_MONITOR;
		else if (pol->action == CG_ACTION_ALLOW)
			ret->final = CG_REASON_ALLOW_POLICY;
	}
	if (ret->final >= CG_REASON_FIRST_DROP)
		ret->verdict = CG_PV_DROP;
	else if (ret->final == CG_REASON_MONITOR)
		ret->verdict = CG_PV_WOULD;
	else
		ret->verdict = CG_PV_PASS;
}

const char *plan_verdict_to_string(int verdict)
{
	switch (verdict) {
	case CG_PV_PASS: return "pass";
	case CG_PV_WOULD: return "would_drop";
	case CG_PV_DROP: return "drop";
	default: return "?";
	}
}
