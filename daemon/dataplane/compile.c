// SPDX-License-Identifier: GPL-2.0-only
/*
 * compile.c — policy model -> data-plane entries.
 *
 * The interesting part is the peer tables. For every policy and family the
 * compiler collects "facts": enclave prefixes (ENCLAVE, plus PASS when the
 * policy allows the enclave), deny-list prefixes (DENY) and rule prefixes
 * (RULES with their compiled rules). The kernel answers a lookup with the
 * single longest matching entry, so each entry must already carry everything
 * that every shorter covering prefix says. Sorting the facts by (address,
 * length) puts every prefix right after the prefixes that cover it; a stack
 * sweep then merges each fact with its nearest cover in O(n log n).
 *
 * Exact hosts (/32, /128) go to hash maps, the rest to LPM tries: a lookup
 * for a known host never walks a trie.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "array.h"
#include "compile.h"

struct fact {
	struct cg_prefix pfx;
	uint16_t flags;
	uint16_t nrules;
	struct cg_rule rules[CG_MAX_SET_RULES];
};

struct fact_list {
	struct fact *v;
	size_t n, cap;
};

static int errf(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* Grows a parallel key/value table by one slot. */
#define TABLE_PUSH(t, key, val)                                                  \
	({                                                                       \
		int _rc = 0;                                                     \
		if ((t)->n == (t)->cap) {                                        \
			size_t _cap = (t)->cap ? (t)->cap * 2 : 64;              \
			void *_k = realloc((t)->keys, _cap * sizeof(*(t)->keys));  \
			void *_v = _k ? realloc((t)->values, _cap * sizeof(*(t)->values)) : NULL; \
			if (_k)                                                  \
				(t)->keys = _k;                                  \
			if (_v)                                                  \
				(t)->values = _v;                                \
			if (!_k || !_v)                                          \
				_rc = -ENOMEM;                                   \
			else                                                     \
				(t)->cap = _cap;                                 \
		}                                                                \
		if (!_rc) {                                                      \
			(t)->keys[(t)->n] = (key);                               \
			(t)->values[(t)->n] = (val);                             \
			(t)->n++;                                                \
		}                                                                \
		_rc;                                                             \
	})

static int addr_bytes(uint8_t family)
{
	return family == 4 ? 4 : 16;
}

static void prefix_mask(struct cg_prefix *p)
{
	int n = addr_bytes(p->family);
	for (int i = 0; i < n; i++) {
		int bits = (int)p->len - i * 8;
		if (bits >= 8)
			continue;
		p->addr[i] &= bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
	}
}

static int fact_cmp(const void *x, const void *y)
{
	const struct fact *a = x, *b = y;
	int c = memcmp(a->pfx.addr, b->pfx.addr, addr_bytes(a->pfx.family));
	if (c)
		return c;
	return (int)a->pfx.len - (int)b->pfx.len;
}

static int rule_cmp(const void *x, const void *y)
{
	return memcmp(x, y, sizeof(struct cg_rule));
}

/* Adds rules to a fact, keeping the set sorted and free of duplicates. */
static int fact_add_rules(struct fact *f, const struct cg_rule *rules, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool dup = false;
		for (size_t j = 0; j < f->nrules && !dup; j++)
			dup = rule_cmp(&f->rules[j], &rules[i]) == 0;
		if (dup)
			continue;
		if (f->nrules == CG_MAX_SET_RULES)
			return -E2BIG;
		f->rules[f->nrules++] = rules[i];
	}
	qsort(f->rules, f->nrules, sizeof(f->rules[0]), rule_cmp);
	if (f->nrules)
		f->flags |= CG_PEER_RULES;
	return 0;
}

static int facts_push(struct fact_list *l, const struct cg_prefix *pfx, uint16_t flags,
		      const struct cg_rule *rules, size_t nrules)
{
	if (!CG_GROW(l->v, l->cap, l->n + 1))
		return -ENOMEM;
	struct fact *f = &l->v[l->n++];
	memset(f, 0, sizeof(*f));
	f->pfx = *pfx;
	prefix_mask(&f->pfx);
	f->flags = flags;
	return fact_add_rules(f, rules, nrules);
}

/* One plan rule as data-plane rules (one per port range). */
static size_t rule_compile(const struct cg_plan_rule *r, struct cg_rule out[CG_RULE_MAX_RANGES])
{
	if (r->nranges == 0) {
		out[0] = (struct cg_rule){ .proto = r->proto, .kind = r->kind, .lo = 0, .hi = 65535 };
		return 1;
	}
	for (size_t i = 0; i < r->nranges; i++)
		out[i] = (struct cg_rule){ .proto = r->proto, .kind = r->kind, .flags = CG_RULEF_PORTS,
					   .lo = r->ranges[i].lo, .hi = r->ranges[i].hi };
	return r->nranges;
}

/* Collects every fact of one policy for one family. */
static int collect_facts(const struct cg_plan *plan, const struct cg_plan_policy *p, uint8_t family,
			 struct fact_list *l, char *err, size_t errlen)
{
	struct cg_rule buf[CG_RULE_MAX_RANGES];
	uint16_t enclave_flags = CG_PEER_ENCLAVE | (p->enclave_pass ? CG_PEER_PASS : 0);
	char pbuf[64];
	int rc;

	for (size_t i = 0; i < plan->nenclave; i++) {
		const struct cg_prefix *e = &plan->enclave[i].pfx;
		if (e->family != family)
			continue;
		rc = facts_push(l, e, enclave_flags, NULL, 0);
		if (rc)
			return rc;
		/* to = "enclave" with a protocol or ports: rules on each enclave prefix. */
		for (size_t j = 0; j < p->nrules; j++) {
			const struct cg_plan_rule *r = &p->rules[j];
			if (!r->enclave || r->pfx.family != family)
				continue;
			size_t n = rule_compile(r, buf);
			rc = fact_add_rules(&l->v[l->n - 1], buf, n);
			if (rc)
				goto too_many;
		}
	}
	for (size_t i = 0; i < plan->nprotected; i++) {
		if (plan->protected[i].pfx.family != family)
			continue;
		rc = facts_push(l, &plan->protected[i].pfx, CG_PEER_PROTECTED, NULL, 0);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < p->ndeny; i++) {
		if (p->deny[i].pfx.family != family)
			continue;
		rc = facts_push(l, &p->deny[i].pfx, CG_PEER_DENY, NULL, 0);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < p->nrules; i++) {
		const struct cg_plan_rule *r = &p->rules[i];
		if (r->enclave || r->pfx.family != family)
			continue;
		size_t n = rule_compile(r, buf);
		rc = facts_push(l, &r->pfx, 0, buf, n);
		if (rc == -E2BIG)
			goto too_many;
		if (rc)
			return rc;
	}
	return 0;

too_many:
	addr_format_prefix(&l->v[l->n - 1].pfx, pbuf, sizeof(pbuf));
	return errf(err, errlen, -E2BIG, "policy %s: more than %d port ranges apply to %s",
		    p->name, CG_MAX_SET_RULES, pbuf);
}

/* Rule-set interning: identical sets share one cg_rules slot. */
struct ruleset_index {
	uint32_t *slots;   /* index + 1, 0 = empty */
	size_t cap;
};

static uint64_t ruleset_hash(const struct cg_ruleset *rs)
{
	const uint8_t *b = (const uint8_t *)rs;
	size_t n = offsetof(struct cg_ruleset, rule) + rs->count * sizeof(struct cg_rule);
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ULL;
	return h;
}

static int ruleset_intern(struct cg_compiled *c, struct ruleset_index *ix, const struct fact *f,
			  uint16_t *ret)
{
	struct cg_ruleset rs = { .count = f->nrules };
	memcpy(rs.rule, f->rules, f->nrules * sizeof(f->rules[0]));

	if (!ix->slots) {
		ix->cap = 2 * CG_MAX_RULESETS;
		ix->slots = calloc(ix->cap, sizeof(*ix->slots));
		if (!ix->slots)
			return -ENOMEM;
	}
	size_t h = ruleset_hash(&rs) % ix->cap;
	for (;; h = (h + 1) % ix->cap) {
		uint32_t s = ix->slots[h];
		if (!s)
			break;
		if (memcmp(&c->rulesets[s - 1], &rs, sizeof(rs)) == 0) {
			*ret = (uint16_t)(s - 1);
			return 0;
		}
	}
	if (c->nrulesets == CG_MAX_RULESETS)
		return -E2BIG;
	if (!CG_GROW(c->rulesets, c->cap_rulesets, c->nrulesets + 1))
		return -ENOMEM;
	c->rulesets[c->nrulesets] = rs;
	ix->slots[h] = (uint32_t)++c->nrulesets;
	*ret = (uint16_t)(c->nrulesets - 1);
	return 0;
}

static int emit_fact(struct cg_compiled *c, struct ruleset_index *ix, uint16_t policy,
		     const struct fact *f)
{
	struct cg_peer v = { .flags = f->flags };
	int rc;

	if (f->nrules) {
		rc = ruleset_intern(c, ix, f, &v.ruleset);
		if (rc)
			return rc;
	}
	if (f->pfx.family == 4) {
		if (f->pfx.len == 32) {
			struct cg_peer4_key k = { .policy = policy };
			memcpy(k.addr, f->pfx.addr, 4);
			return TABLE_PUSH(&c->peer4, k, v);
		}
		struct cg_lpm4_key k = { .prefixlen = 16u + f->pfx.len,
					 .policy = { policy >> 8, policy & 0xff } };
		memcpy(k.addr, f->pfx.addr, 4);
		return TABLE_PUSH(&c->lpm4, k, v);
	}
	if (f->pfx.len == 128) {
		struct cg_peer6_key k = { .policy = policy };
		memcpy(k.addr, f->pfx.addr, 16);
		return TABLE_PUSH(&c->peer6, k, v);
	}
	struct cg_lpm6_key k = { .prefixlen = 16u + f->pfx.len,
				 .policy = { policy >> 8, policy & 0xff } };
	memcpy(k.addr, f->pfx.addr, 16);
	return TABLE_PUSH(&c->lpm6, k, v);
}

/* Sort, merge duplicates, inherit from covers, emit. */
static int compile_facts(struct cg_compiled *c, struct ruleset_index *ix,
			 const struct cg_plan_policy *p, struct fact_list *l, char *err, size_t errlen)
{
	char pbuf[64];
	size_t n = 0;

	if (!l->n)
		return 0;
	qsort(l->v, l->n, sizeof(l->v[0]), fact_cmp);
	for (size_t i = 0; i < l->n; i++) {
		if (n && fact_cmp(&l->v[n - 1], &l->v[i]) == 0) {
			l->v[n - 1].flags |= l->v[i].flags;
			if (fact_add_rules(&l->v[n - 1], l->v[i].rules, l->v[i].nrules))
				goto too_many;
			continue;
		}
		l->v[n++] = l->v[i];
	}
	l->n = n;

	/* stack[] holds indexes of the chain of prefixes covering the current one. */
	size_t *stack = malloc(n * sizeof(*stack));
	size_t depth = 0;
	int rc = 0;
	if (!stack)
		return -ENOMEM;
	for (size_t i = 0; i < n && !rc; i++) {
		struct fact *f = &l->v[i];
		while (depth && !addr_prefix_contains(&l->v[stack[depth - 1]].pfx, &f->pfx))
			depth--;
		if (depth) {
			const struct fact *up = &l->v[stack[depth - 1]];
			f->flags |= up->flags;
			if (fact_add_rules(f, up->rules, up->nrules)) {
				free(stack);
				l->n = i + 1;
				goto too_many_at;
			}
		}
		stack[depth++] = i;
		rc = emit_fact(c, ix, p->id, f);
	}
	free(stack);
	if (rc == -E2BIG)
		return errf(err, errlen, rc, "more than %d distinct rule sets", CG_MAX_RULESETS);
	return rc;

too_many:
	l->n = n;
too_many_at:
	addr_format_prefix(&l->v[l->n - 1].pfx, pbuf, sizeof(pbuf));
	return errf(err, errlen, -E2BIG, "policy %s: more than %d port ranges apply to %s",
		    p->name, CG_MAX_SET_RULES, pbuf);
}

/* The BPF writer: one plan -> the keys and values of one policy slot. */
int compile_plan(const struct cg_plan *plan, struct cg_compiled *ret, char *err, size_t errlen)
{
	struct cg_compiled c = {};
	struct ruleset_index ix = {};
	struct fact_list facts = {};
	int rc = 0;

	if (plan->npolicies > CG_MAX_POLICIES)
		return errf(err, errlen, -E2BIG, "%zu policies, at most %d", plan->npolicies,
			    CG_MAX_POLICIES);

	c.conf.npolicies = (uint16_t)plan->npolicies;
	c.conf.default_policy = plan->policies[plan->default_index].id;

	for (size_t i = 0; i < plan->npolicies && !rc; i++) {
		const struct cg_plan_policy *p = &plan->policies[i];
		if (p->id >= CG_MAX_POLICIES) {
			rc = errf(err, errlen, -EINVAL, "policy %s: id %u out of range", p->name, p->id);
			break;
		}
		c.conf.action[p->id] = p->action;
		for (uint8_t family = 4; family <= 6 && !rc; family += 2) {
			facts.n = 0;
			rc = collect_facts(plan, p, family, &facts, err, errlen);
			if (!rc)
				rc = compile_facts(&c, &ix, p, &facts, err, errlen);
		}
	}
	for (size_t i = 0; i < plan->ndevices && !rc; i++) {
		struct cg_mac_key k = {};
		memcpy(k.addr, plan->devices[i].mac, 6);
		rc = TABLE_PUSH(&c.devs, k, ((struct cg_device){
			.policy = plan->policies[plan->devices[i].policy].id }));
	}
	for (size_t i = 0; i < plan->nouis && !rc; i++) {
		struct cg_oui_key k = { .prefixlen = plan->ouis[i].bits };
		memcpy(k.oui, plan->ouis[i].bytes, 5);
		rc = TABLE_PUSH(&c.ouis, k, ((struct cg_device){
			.policy = plan->policies[plan->ouis[i].policy].id }));
	}
	if (!rc && c.devs.n > CG_MAX_DEVICES)
		rc = errf(err, errlen, -E2BIG, "%zu devices, at most %d", c.devs.n, CG_MAX_DEVICES);
	if (!rc && c.ouis.n > CG_MAX_OUIS)
		rc = errf(err, errlen, -E2BIG, "%zu OUI prefixes, at most %d", c.ouis.n, CG_MAX_OUIS);
	if (!rc && (c.peer4.n + c.lpm4.n > CG_MAX_PEERS || c.peer6.n + c.lpm6.n > CG_MAX_PEERS))
		rc = errf(err, errlen, -E2BIG, "more than %d address entries per family",
			  CG_MAX_PEERS);
	if (rc == -ENOMEM)
		errf(err, errlen, rc, "out of memory");

	free(facts.v);
	free(ix.slots);
	if (rc) {
		compiled_free(&c);
		return rc;
	}
	*ret = c;
	return 0;
}

int compile_model(const struct cg_model *m, struct cg_compiled *ret, char *err, size_t errlen)
{
	struct cg_plan plan;
	int rc = plan_build(m, &plan);

	if (rc)
		return errf(err, errlen, rc, rc == -EINVAL ? "the model has no default policy" :
			    "out of memory");
	rc = compile_plan(&plan, ret, err, errlen);
	if (rc) {
		plan_free(&plan);
		return rc;
	}
	ret->plan = plan;
	return 0;
}

void compiled_free(struct cg_compiled *c)
{
	free(c->devs.keys);
	free(c->devs.values);
	free(c->ouis.keys);
	free(c->ouis.values);
	free(c->peer4.keys);
	free(c->peer4.values);
	free(c->peer6.keys);
	free(c->peer6.values);
	free(c->lpm4.keys);
	free(c->lpm4.values);
	free(c->lpm6.keys);
	free(c->lpm6.values);
	free(c->rulesets);
	plan_free(&c->plan);
	memset(c, 0, sizeof(*c));
}

static int mac_key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct cg_mac_key));
}

static int oui_key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct cg_oui_key));
}

struct dev_pair {
	struct cg_mac_key k;
	struct cg_device v;
};

struct oui_pair {
	struct cg_oui_key k;
	struct cg_device v;
};

/* Both tables: a reload asks about every inventory device, and a scan of
 * 10,000 OUI prefixes per device would cost seconds at 65,536 devices. */
int compiled_sort_devices(struct cg_compiled *c)
{
	struct dev_pair *p = malloc((c->devs.n ? c->devs.n : 1) * sizeof(*p));
	struct oui_pair *o = malloc((c->ouis.n ? c->ouis.n : 1) * sizeof(*o));
	if (!p || !o) {
		free(p);
		free(o);
		return -ENOMEM;
	}
	for (size_t i = 0; i < c->devs.n; i++)
		p[i] = (struct dev_pair){ c->devs.keys[i], c->devs.values[i] };
	qsort(p, c->devs.n, sizeof(*p), mac_key_cmp);
	for (size_t i = 0; i < c->devs.n; i++) {
		c->devs.keys[i] = p[i].k;
		c->devs.values[i] = p[i].v;
	}
	for (size_t i = 0; i < c->ouis.n; i++)
		o[i] = (struct oui_pair){ c->ouis.keys[i], c->ouis.values[i] };
	qsort(o, c->ouis.n, sizeof(*o), oui_key_cmp);
	for (size_t i = 0; i < c->ouis.n; i++) {
		c->ouis.keys[i] = o[i].k;
		c->ouis.values[i] = o[i].v;
	}
	free(p);
	free(o);
	c->devs_sorted = true;
	return 0;
}

unsigned compiled_policy_for(const struct cg_compiled *c, const uint8_t mac[6])
{
	struct cg_mac_key key = {};
	int best = -1;

	memcpy(key.addr, mac, 6);
	if (c->devs_sorted) {
		const struct cg_mac_key *k = bsearch(&key, c->devs.keys, c->devs.n,
						     sizeof(key), mac_key_cmp);
		if (k)
			return c->devs.values[k - c->devs.keys].policy;
	} else {
		for (size_t i = 0; i < c->devs.n; i++)
			if (memcmp(&c->devs.keys[i], &key, sizeof(key)) == 0)
				return c->devs.values[i].policy;
	}
	if (mac[0] & 0x02)
		return c->conf.default_policy;
	/* Sorted: one exact lookup per prefix length the policies can give
	 * (24, 28, 32, 36 bits, as the plan gives them), longest first. */
	for (int bits = 36; c->devs_sorted && bits >= 24; bits -= 4) {
		struct cg_oui_key ok = { .prefixlen = (__u32)bits };
		memcpy(ok.oui, mac, (size_t)(bits + 7) / 8);
		if (bits % 8)
			ok.oui[bits / 8] &= (uint8_t)(0xff << (8 - bits % 8));
		const struct cg_oui_key *k = bsearch(&ok, c->ouis.keys, c->ouis.n, sizeof(ok),
						     oui_key_cmp);
		if (k)
			return c->ouis.values[k - c->ouis.keys].policy;
	}
	if (c->devs_sorted)
		return c->conf.default_policy;
	for (size_t i = 0; i < c->ouis.n; i++) {
		const struct cg_oui_key *k = &c->ouis.keys[i];
		struct cg_prefix a = { .family = 6, .len = (uint8_t)k->prefixlen };
		struct cg_prefix b = { .family = 6, .len = 48 };
		memcpy(a.addr, k->oui, 5);
		memcpy(b.addr, mac, 6);
		if (addr_prefix_contains(&a, &b) && (best < 0 || k->prefixlen > c->ouis.keys[best].prefixlen))
			best = (int)i;
	}
	return best >= 0 ? c->ouis.values[best].policy : c->conf.default_policy;
}
