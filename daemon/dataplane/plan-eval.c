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

#include "plan-eval.h"

static int dev_cmp(const void *x, const void *y)
{
	const struct cg_plan_device *a = x, *b = y;
	return memcmp(a->mac, b->mac, 6);
}

enum { CG_PE_ENCLAVE, CG_PE_DENY, CG_PE_RULE };

static int ent_cmp(const void *x, const void *y)
{
	const struct cg_plan_eval_ent *a = x, *b = y;

	if (a->pfx.family != b->pfx.family)
		return a->pfx.family < b->pfx.family ? -1 : 1;
	if (a->pfx.len != b->pfx.len)
		return a->pfx.len < b->pfx.len ? -1 : 1;
	return memcmp(a->pfx.addr, b->pfx.addr, sizeof(a->pfx.addr));
}

/* Sorts the n entries of ix->v (prefixes already masked) and finds the
 * runs of each (family, length). */
static int index_finish(struct cg_plan_eval_index *ix)
{
	for (size_t i = 0; i < ix->n; i++)   /* nothing past an IPv4 address */
		if (ix->v[i].pfx.family == 4)
			memset(ix->v[i].pfx.addr + 4, 0, sizeof(ix->v[i].pfx.addr) - 4);
	qsort(ix->v, ix->n, sizeof(*ix->v), ent_cmp);
	ix->runs = calloc(ix->n ? ix->n : 1, sizeof(*ix->runs));
	if (!ix->runs)
		return -ENOMEM;
	for (size_t i = 0; i < ix->n; i++) {
		struct cg_plan_eval_run *r = ix->nruns ? &ix->runs[ix->nruns - 1] : NULL;

		if (r && r->family == ix->v[i].pfx.family && r->len == ix->v[i].pfx.len) {
			r->end = i + 1;
			continue;
		}
		ix->runs[ix->nruns++] = (struct cg_plan_eval_run){ .family = ix->v[i].pfx.family,
			.len = ix->v[i].pfx.len, .start = i, .end = i + 1 };
	}
	return 0;
}

static void index_free(struct cg_plan_eval_index *ix)
{
	free(ix->v);
	free(ix->runs);
	*ix = (struct cg_plan_eval_index){};
}

static int index_policy(const struct cg_plan_policy *p, struct cg_plan_eval_index *ix)
{
	ix->v = calloc(p->ndeny + p->nrules + 1, sizeof(*ix->v));
	if (!ix->v)
		return -ENOMEM;
	for (size_t i = 0; i < p->ndeny; i++)
		ix->v[ix->n++] = (struct cg_plan_eval_ent){ .pfx = p->deny[i].pfx, .what = CG_PE_DENY };
	for (size_t i = 0; i < p->nrules; i++)
		if (!p->rules[i].enclave)
			ix->v[ix->n++] = (struct cg_plan_eval_ent){ .pfx = p->rules[i].pfx, .what = CG_PE_RULE,
								    .idx = (uint32_t)i };
	return index_finish(ix);
}

void plan_eval_free(struct cg_plan_eval *e)
{
	for (size_t i = 0; e->pol && i < e->plan->npolicies; i++)
		index_free(&e->pol[i]);
	free(e->pol);
	index_free(&e->enclave);
	free(e->devs);
	*e = (struct cg_plan_eval){};
}

int plan_eval_init(struct cg_plan_eval *e, const struct cg_plan *plan)
{
	int rc = 0;

	*e = (struct cg_plan_eval){ .plan = plan };
	e->devs = calloc(plan->ndevices ? plan->ndevices : 1, sizeof(*e->devs));
	e->pol = calloc(plan->npolicies ? plan->npolicies : 1, sizeof(*e->pol));
	e->enclave.v = calloc(plan->nenclave ? plan->nenclave : 1, sizeof(*e->enclave.v));
	if (!e->devs || !e->pol || !e->enclave.v) {
		plan_eval_free(e);
		return -ENOMEM;
	}
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
	for (size_t i = 0; i < plan->nenclave; i++)
		e->enclave.v[e->enclave.n++] = (struct cg_plan_eval_ent){ .pfx = plan->enclave[i].pfx };
	rc = index_finish(&e->enclave);
	for (size_t i = 0; i < plan->npolicies && !rc; i++)
		rc = index_policy(&plan->policies[i], &e->pol[i]);
	if (rc)
		plan_eval_free(e);
	return rc;
}

/* Calls fn for every entry of ix whose prefix contains addr: per length
 * present, the address masked to it and a binary search. */
static void index_lookup(const struct cg_plan_eval_index *ix, uint8_t family, const uint8_t *addr,
			 void (*fn)(const struct cg_plan_eval_ent *ent, void *ctx), void *ctx)
{
	for (size_t r = 0; r < ix->nruns; r++) {
		const struct cg_plan_eval_run *run = &ix->runs[r];
		struct cg_plan_eval_ent want = { .pfx = { .family = family, .len = run->len } };
		int full = run->len / 8, rest = run->len % 8;

		if (run->family != family)
			continue;
		memcpy(want.pfx.addr, addr, (size_t)full);
		if (rest)
			want.pfx.addr[full] = addr[full] & (uint8_t)(0xff << (8 - rest));
		size_t lo = run->start, hi = run->end;
		while (lo < hi) {   /* the first entry not below want */
			size_t mid = lo + (hi - lo) / 2;
			if (ent_cmp(&ix->v[mid], &want) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < run->end && !ent_cmp(&ix->v[lo], &want); lo++)
			fn(&ix->v[lo], ctx);
	}
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

/* What the merged map entry for an address holds: every fact whose prefix
 * contains it (compile.c makes the longest entry inherit its covers). */
struct peer_facts {
	const struct cg_plan_policy *pol;
	const struct cg_flow_key *key;
	bool enclave, deny, rules, match, maybe;
};

static void on_enclave(const struct cg_plan_eval_ent *ent, void *ctx)
{
	((struct peer_facts *)ctx)->enclave = true;
}

static void on_fact(const struct cg_plan_eval_ent *ent, void *ctx)
{
	struct peer_facts *f = ctx;

	if (ent->what == CG_PE_DENY) {
		f->deny = true;
		return;
	}
	int m = rule_match(&f->pol->rules[ent->idx], f->key);
	f->rules = true;
	f->match |= m > 0;
	f->maybe |= m < 0;
}

/* cg_peer_lookup + cg_decide_peer, without the link-local and source checks
 * (see plan-eval.h). */
static uint8_t decide_peer(const struct cg_plan_eval *e, size_t policy, const struct cg_flow_key *k,
			   bool *uncertain)
{
	struct peer_facts f = { .pol = &e->plan->policies[policy], .key = k };

	index_lookup(&e->enclave, k->family, k->addr, on_enclave, &f);
	index_lookup(&e->pol[policy], k->family, k->addr, on_fact, &f);
	if (f.deny)
		return CG_REASON_DENY_LIST;
	if (f.enclave && f.pol->enclave_pass)
		return CG_REASON_ENCLAVE;
	/* to = "enclave" with a protocol or ports: rules of every enclave prefix */
	for (size_t i = 0; f.enclave && i < f.pol->nrules; i++) {
		const struct cg_plan_rule *r = &f.pol->rules[i];

		if (!r->enclave || r->pfx.family != k->family)
			continue;
		int m = rule_match(r, k);
		f.rules = true;
		f.match |= m > 0;
		f.maybe |= m < 0;
	}
	if (f.rules) {
		if (f.match)
			return CG_REASON_RULE;
		*uncertain = f.maybe;
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
		ret->reason = decide_peer(e, ret->policy, k, &ret->uncertain);

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
