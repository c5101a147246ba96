// SPDX-License-Identifier: GPL-2.0-only
/*
 * test-plan — one plan, two writers: the BPF writer (compile_plan(), map
 * entries) and the nftables writer (table_build(), the netlink batch, read
 * back through libnftnl) are fed the same plan, and every device, vendor
 * prefix, deny prefix, allow rule, enclave and protected address, action
 * and the default must be present in both. No privileges: nothing reaches
 * the kernel.
 *
 * Two models: a small one written out (ICMP under IPv6, 28/36-bit OUIs, a
 * device moved by an advisory, an enclave rule with ports, overlapping deny
 * prefixes) and a generated one at a field-like size.
 */
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/udata.h>

#include "compile.h"
#include "table.h"
#include "test-check.h"

/* ---- the nftables batch, read back ---------------------------------------- */

struct elem {
	char set[64], chain[96];
	uint8_t key[40], kend[40];
	uint32_t klen, flags;
	bool has_end;
};

struct nrule {
	char chain[96], comment[128], target[96];
	char sets[4][64];   /* sets the rule looks up */
	int nsets;
	bool drop;          /* ends in verdict drop */
};

struct readback {
	struct elem *e;
	size_t ne;
	struct nrule *r;
	size_t nr;
};

static void read_elems(struct readback *rb, const struct nlmsghdr *nlh)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elems_iter *it;
	struct nftnl_set_elem *x;

	if (nftnl_set_elems_nlmsg_parse(nlh, s) < 0 || !(it = nftnl_set_elems_iter_create(s))) {
		CHECK(0, "an element message libnftnl cannot parse");
		nftnl_set_free(s);
		return;
	}
	while ((x = nftnl_set_elems_iter_next(it))) {
		struct elem *e;
		uint32_t len = 0;
		const void *d;

		rb->e = realloc(rb->e, (rb->ne + 1) * sizeof(*rb->e));
		e = memset(&rb->e[rb->ne++], 0, sizeof(*e));
		snprintf(e->set, sizeof(e->set), "%s", nftnl_set_get_str(s, NFTNL_SET_NAME));
		d = nftnl_set_elem_get(x, NFTNL_SET_ELEM_KEY, &len);
		e->klen = len;
		memcpy(e->key, d, len < sizeof(e->key) ? len : sizeof(e->key));
		if (nftnl_set_elem_is_set(x, NFTNL_SET_ELEM_KEY_END)) {
			d = nftnl_set_elem_get(x, NFTNL_SET_ELEM_KEY_END, &len);
			memcpy(e->kend, d, len < sizeof(e->kend) ? len : sizeof(e->kend));
			e->has_end = true;
		}
		if (nftnl_set_elem_is_set(x, NFTNL_SET_ELEM_FLAGS))
			e->flags = nftnl_set_elem_get_u32(x, NFTNL_SET_ELEM_FLAGS);
		if (nftnl_set_elem_is_set(x, NFTNL_SET_ELEM_CHAIN))
			snprintf(e->chain, sizeof(e->chain), "%s", nftnl_set_elem_get_str(x, NFTNL_SET_ELEM_CHAIN));
	}
	nftnl_set_elems_iter_destroy(it);
	nftnl_set_free(s);
}

static int comment_cb(const struct nftnl_udata *a, void *data)
{
	if (nftnl_udata_type(a) == NFTNL_UDATA_RULE_COMMENT)
		snprintf(data, 128, "%s", (const char *)nftnl_udata_get(a));
	return 0;
}

static int expr_cb(struct nftnl_expr *e, void *data)
{
	struct nrule *r = data;
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

	if (!strcmp(name, "immediate") && nftnl_expr_is_set(e, NFTNL_EXPR_IMM_CHAIN))
		snprintf(r->target, sizeof(r->target), "%s", nftnl_expr_get_str(e, NFTNL_EXPR_IMM_CHAIN));
	if (!strcmp(name, "immediate") && nftnl_expr_is_set(e, NFTNL_EXPR_IMM_VERDICT) &&
	    (int)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT) == NF_DROP)
		r->drop = true;
	if (!strcmp(name, "lookup") && r->nsets < 4)
		snprintf(r->sets[r->nsets++], sizeof(r->sets[0]), "%s", nftnl_expr_get_str(e, NFTNL_EXPR_LOOKUP_SET));
	return 0;
}

static void read_rule(struct readback *rb, const struct nlmsghdr *nlh)
{
	struct nftnl_rule *x = nftnl_rule_alloc();
	struct nrule *r;

	rb->r = realloc(rb->r, (rb->nr + 1) * sizeof(*rb->r));
	r = memset(&rb->r[rb->nr++], 0, sizeof(*r));
	CHECK(nftnl_rule_nlmsg_parse(nlh, x) == 0, "a rule libnftnl cannot parse");
	snprintf(r->chain, sizeof(r->chain), "%s", nftnl_rule_get_str(x, NFTNL_RULE_CHAIN));
	if (nftnl_rule_is_set(x, NFTNL_RULE_USERDATA)) {
		uint32_t len;
		const void *u = nftnl_rule_get_data(x, NFTNL_RULE_USERDATA, &len);

		nftnl_udata_parse(u, len, comment_cb, r->comment);
	}
	nftnl_expr_foreach(x, expr_cb, r);
	nftnl_rule_free(x);
}

static void read_batch(const struct nlb *b, struct readback *rb)
{
	for (size_t off = 0; off < b->len;) {
		const struct nlmsghdr *nlh = (const void *)(b->buf + off);

		if (NFNL_SUBSYS_ID(nlh->nlmsg_type) == NFNL_SUBSYS_NFTABLES) {
			if (NFNL_MSG_TYPE(nlh->nlmsg_type) == NFT_MSG_NEWSETELEM)
				read_elems(rb, nlh);
			else if (NFNL_MSG_TYPE(nlh->nlmsg_type) == NFT_MSG_NEWRULE)
				read_rule(rb, nlh);
		}
		off += NLMSG_ALIGN(nlh->nlmsg_len);
	}
}

static const struct elem *nft_elem(const struct readback *rb, const char *set, const void *key,
				   size_t klen, const char *chain)
{
	for (size_t i = 0; i < rb->ne; i++)
		if (!strcmp(rb->e[i].set, set) && rb->e[i].klen == klen && !memcmp(rb->e[i].key, key, klen) &&
		    (!chain || !strcmp(rb->e[i].chain, chain)))
			return &rb->e[i];
	return NULL;
}

static size_t nft_count(const struct readback *rb, const char *set)
{
	size_t n = 0;

	for (size_t i = 0; i < rb->ne; i++)
		n += !strcmp(rb->e[i].set, set) && !(rb->e[i].flags & NFT_SET_ELEM_INTERVAL_END);
	return n;
}

/* Does an interval of set (start element, then its end) cover pfx? */
static bool nft_covers(const struct readback *rb, const char *set, const struct cg_prefix *pfx)
{
	size_t alen = pfx->family == 4 ? 4 : 16;
	uint8_t lo[16] = { 0 }, hi[16] = { 0 };

	for (size_t i = 0; i < alen; i++) {
		int bits = (int)pfx->len - (int)(8 * i);
		uint8_t m = bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));

		lo[i] = pfx->addr[i] & m;
		hi[i] = lo[i] | (uint8_t)~m;
	}
	for (size_t i = 0; i < rb->ne; i++) {
		const struct elem *s = &rb->e[i], *e = i + 1 < rb->ne ? &rb->e[i + 1] : NULL;

		if (strcmp(s->set, set) || (s->flags & NFT_SET_ELEM_INTERVAL_END) || s->klen != alen)
			continue;
		if (memcmp(s->key, lo, alen) > 0)
			continue;
		/* no end element: the interval runs to the top of the space */
		if (!e || strcmp(e->set, set) || !(e->flags & NFT_SET_ELEM_INTERVAL_END) ||
		    memcmp(hi, e->key, alen) < 0)
			return true;
	}
	return false;
}

static const struct nrule *nft_rule(const struct readback *rb, const char *chain, const char *comment)
{
	for (size_t i = 0; i < rb->nr; i++)
		if (!strcmp(rb->r[i].chain, chain) && !strcmp(rb->r[i].comment, comment))
			return &rb->r[i];
	return NULL;
}

/* ---- the BPF entries ------------------------------------------------------- */

static int bpf_device(const struct cg_compiled *c, const uint8_t mac[6])
{
	for (size_t i = 0; i < c->devs.n; i++)
		if (!memcmp(c->devs.keys[i].addr, mac, 6))
			return c->devs.values[i].policy;
	return -1;
}

static int bpf_oui(const struct cg_compiled *c, const struct cg_plan_oui *o)
{
	for (size_t i = 0; i < c->ouis.n; i++)
		if (c->ouis.keys[i].prefixlen == o->bits && !memcmp(c->ouis.keys[i].oui, o->bytes, 5))
			return c->ouis.values[i].policy;
	return -1;
}

/* The entry the compiler wrote for exactly this prefix of policy id. */
static const struct cg_peer *bpf_peer(const struct cg_compiled *c, uint16_t id, const struct cg_prefix *p)
{
	uint8_t pol[2] = { id >> 8, id & 0xff };

	if (p->family == 4 && p->len == 32) {
		for (size_t i = 0; i < c->peer4.n; i++)
			if (c->peer4.keys[i].policy == id && !memcmp(c->peer4.keys[i].addr, p->addr, 4))
				return &c->peer4.values[i];
	} else if (p->family == 4) {
		for (size_t i = 0; i < c->lpm4.n; i++)
			if (c->lpm4.keys[i].prefixlen == 16u + p->len && !memcmp(c->lpm4.keys[i].policy, pol, 2) &&
			    !memcmp(c->lpm4.keys[i].addr, p->addr, 4))
				return &c->lpm4.values[i];
	} else if (p->len == 128) {
		for (size_t i = 0; i < c->peer6.n; i++)
			if (c->peer6.keys[i].policy == id && !memcmp(c->peer6.keys[i].addr, p->addr, 16))
				return &c->peer6.values[i];
	} else {
		for (size_t i = 0; i < c->lpm6.n; i++)
			if (c->lpm6.keys[i].prefixlen == 16u + p->len && !memcmp(c->lpm6.keys[i].policy, pol, 2) &&
			    !memcmp(c->lpm6.keys[i].addr, p->addr, 16))
				return &c->lpm6.values[i];
	}
	return NULL;
}

static bool bpf_has_rule(const struct cg_compiled *c, const struct cg_peer *v, const struct cg_rule *want)
{
	const struct cg_ruleset *rs;

	if (!v || !(v->flags & CG_PEER_RULES) || v->ruleset >= c->nrulesets)
		return false;
	rs = &c->rulesets[v->ruleset];
	for (uint32_t i = 0; i < rs->count; i++)
		if (!memcmp(&rs->rule[i], want, sizeof(*want)))
			return true;
	return false;
}

/* ---- the two writers against the plan ------------------------------------------ */

static void check_devices(const struct cg_plan *p, const struct cg_compiled *c, const struct readback *rb)
{
	char chain[96];

	for (size_t i = 0; i < p->ndevices; i++) {
		const struct cg_plan_device *d = &p->devices[i];
		const struct cg_plan_policy *pol = &p->policies[d->policy];

		CHECK(bpf_device(c, d->mac) == pol->id, "device %zu: BPF policy %d, plan %u", i,
		      bpf_device(c, d->mac), pol->id);
		snprintf(chain, sizeof(chain), "out_%s", pol->name);
		CHECK(nft_elem(rb, "dev_out", d->mac, 6, chain), "device %zu not in dev_out -> %s", i, chain);
		snprintf(chain, sizeof(chain), "lrn_%s", pol->name);
		CHECK(nft_elem(rb, "dev_lrn", d->mac, 6, chain), "device %zu not in dev_lrn -> %s", i, chain);
	}
	CHECK(c->devs.n == p->ndevices && nft_count(rb, "dev_out") == p->ndevices,
	      "devices: plan %zu, BPF %zu, nft %zu", p->ndevices, c->devs.n, nft_count(rb, "dev_out"));
	for (size_t i = 0; i < p->nouis; i++) {
		const struct cg_plan_oui *o = &p->ouis[i];
		const struct cg_plan_policy *pol = &p->policies[o->policy];
		uint8_t mac[6] = { 0 };
		char set[32];

		memcpy(mac, o->bytes, 5);
		CHECK(bpf_oui(c, o) == pol->id, "oui %zu/%u: BPF policy %d, plan %u", i, o->bits, bpf_oui(c, o), pol->id);
		snprintf(set, sizeof(set), "oui%u_out", o->bits);
		snprintf(chain, sizeof(chain), "out_%s", pol->name);
		CHECK(nft_elem(rb, set, mac, 6, chain), "oui %zu not in %s -> %s", i, set, chain);
	}
	CHECK(c->ouis.n == p->nouis, "ouis: plan %zu, BPF %zu", p->nouis, c->ouis.n);
}

/* One plan rule: its BPF rules on the prefix, its nft elements in <p>_to/from<f>. */
static void check_rule(const struct cg_plan *p, const struct cg_plan_policy *pol, const struct cg_plan_rule *r,
		       const struct cg_compiled *c, const struct readback *rb)
{
	size_t alen = r->pfx.family == 4 ? 4 : 16, nr = r->nranges ? r->nranges : 1;
	const struct cg_peer *v = bpf_peer(c, pol->id, &r->pfx);
	char set[96];

	snprintf(set, sizeof(set), "%s_%s%u", pol->name, r->kind == CG_RULE_TO ? "to" : "from", r->pfx.family);
	for (size_t k = 0; k < nr; k++) {
		struct cg_rule want = { .proto = r->proto, .kind = r->kind, .lo = 0, .hi = 65535 };
		uint8_t key[40] = { 0 };
		uint8_t proto = r->proto == 0 && r->nranges ? IPPROTO_TCP : r->proto;
		uint16_t port = htons(r->nranges && (proto == IPPROTO_TCP || proto == IPPROTO_UDP) ?
				      r->ranges[k].lo : 0);

		if (r->nranges)
			want = (struct cg_rule){ .proto = r->proto, .kind = r->kind, .flags = CG_RULEF_PORTS,
						 .lo = r->ranges[k].lo, .hi = r->ranges[k].hi };
		CHECK(bpf_has_rule(c, v, &want), "policy %s rule %u range %zu: not in the BPF entry",
		      pol->name, r->spec, k);
		memcpy(key, r->pfx.addr, alen);
		key[alen] = proto;
		memcpy(key + alen + 4, &port, 2);
		CHECK(nft_elem(rb, set, key, alen + 8, NULL), "policy %s rule %u range %zu: not in %s",
		      pol->name, r->spec, k, set);
	}
	/* a rule that spans every port is also addr . proto in <set>a, which
	 * the later-fragment rule of out_<p> looks up (no constant port in a
	 * concatenation: nft 1.0.6 could not read that back) */
	if (!r->nranges || (r->proto && r->proto != IPPROTO_TCP && r->proto != IPPROTO_UDP)) {
		uint8_t key[24] = { 0 };
		char aset[100], chain[96];
		bool looked_up = false;

		memcpy(key, r->pfx.addr, alen);
		key[alen] = r->proto;
		snprintf(aset, sizeof(aset), "%sa", set);
		CHECK(nft_elem(rb, aset, key, alen + 4, NULL), "policy %s rule %u: address-level, not in %s",
		      pol->name, r->spec, aset);
		snprintf(chain, sizeof(chain), "out_%s", pol->name);
		for (size_t i = 0; i < rb->nr; i++)
			looked_up |= !strcmp(rb->r[i].chain, chain) && rb->r[i].nsets == 1 &&
				     !strcmp(rb->r[i].sets[0], aset);
		CHECK(looked_up == (pol->action != CG_ACTION_ALLOW), "policy %s: %s %s by a rule of %s",
		      pol->name, aset, looked_up ? "looked up" : "not looked up", chain);
	}
}

static void check_policy(const struct cg_plan *p, size_t pi, const struct cg_compiled *c,
			 const struct readback *rb)
{
	const struct cg_plan_policy *pol = &p->policies[pi];
	static const char *const tails[] = { "egress", "monitor", NULL };
	char set[96], chain[96], comment[160];

	CHECK(c->conf.action[pol->id] == pol->action, "policy %s: BPF action %u, plan %u", pol->name,
	      c->conf.action[pol->id], pol->action);
	snprintf(chain, sizeof(chain), "out_%s", pol->name);
	snprintf(comment, sizeof(comment), "%s out %s", pol->name, tails[pol->action] ? tails[pol->action] : "");
	CHECK(!!nft_rule(rb, chain, comment) == !!tails[pol->action], "policy %s: tail rule '%s' %s",
	      pol->name, comment, tails[pol->action] ? "missing" : "present");
	for (size_t i = 0; i < pol->ndeny; i++) {
		const struct cg_peer *v = bpf_peer(c, pol->id, &pol->deny[i].pfx);

		snprintf(set, sizeof(set), "%s_deny%u", pol->name, pol->deny[i].pfx.family);
		CHECK(v && (v->flags & CG_PEER_DENY), "policy %s deny %zu: no BPF deny entry", pol->name, i);
		CHECK(nft_covers(rb, set, &pol->deny[i].pfx), "policy %s deny %zu: not in %s", pol->name, i, set);
	}
	for (size_t i = 0; i < pol->nrules; i++)
		if (!pol->rules[i].enclave)
			check_rule(p, pol, &pol->rules[i], c, rb);
	for (size_t i = 0; i < p->nenclave; i++) {
		const struct cg_peer *v = bpf_peer(c, pol->id, &p->enclave[i].pfx);
		uint16_t want = CG_PEER_ENCLAVE | (pol->enclave_pass ? CG_PEER_PASS : 0);

		CHECK(v && (v->flags & (CG_PEER_ENCLAVE | CG_PEER_PASS)) == want,
		      "policy %s enclave %zu: BPF flags %#x", pol->name, i, v ? v->flags : 0);
	}
	for (size_t i = 0; i < p->nprotected; i++) {
		const struct cg_peer *v = bpf_peer(c, pol->id, &p->protected[i].pfx);

		CHECK(v && (v->flags & CG_PEER_PROTECTED), "policy %s protected %zu: no BPF entry", pol->name, i);
	}
	/* the nft protected guard, in the chain that sees a camera's source */
	snprintf(chain, sizeof(chain), "lrn_%s", pol->name);
	snprintf(comment, sizeof(comment), "%s out %s", pol->name,
		 pol->action == CG_ACTION_ISOLATE ? "spoof" : "monitor");
	bool guarded = false;
	for (size_t i = 0; i < rb->nr; i++)
		if (!strcmp(rb->r[i].chain, chain) && !strcmp(rb->r[i].comment, comment) &&
		    rb->r[i].nsets == 1 && !strcmp(rb->r[i].sets[0], "protected4"))
			guarded = true;
	CHECK(guarded == (pol->action != CG_ACTION_ALLOW), "policy %s: protected4 guard %s", pol->name,
	      guarded ? "present" : "missing");
}

static void check_writers(const char *what, const struct cg_model *m)
{
	struct cg_compiled c;
	struct cg_plan p;
	struct nlb b = { 0 };
	struct readback rb = { 0 };
	char err[256] = "", chain[96];

	CHECK(plan_build(m, &p) == 0, "%s: plan_build", what);
	CHECK(compile_plan(&p, &c, err, sizeof(err)) == 0, "%s: compile_plan: %s", what, err);
	CHECK(table_build(&b, &p) == 0, "%s: table_build", what);
	read_batch(&b, &rb);

	check_devices(&p, &c, &rb);
	for (size_t i = 0; i < p.npolicies; i++)
		check_policy(&p, i, &c, &rb);
	for (size_t i = 0; i < p.nenclave; i++)
		CHECK(nft_covers(&rb, p.enclave[i].pfx.family == 4 ? "enclave4" : "enclave6", &p.enclave[i].pfx),
		      "%s: enclave %zu not in the nft set", what, i);
	for (size_t i = 0; i < p.nprotected; i++)
		CHECK(nft_covers(&rb, p.protected[i].pfx.family == 4 ? "protected4" : "protected6",
				 &p.protected[i].pfx), "%s: protected %zu not in the nft set", what, i);
	/* the default: BPF's conf, nft's last rule of out */
	CHECK(c.conf.default_policy == p.policies[p.default_index].id, "%s: BPF default %u", what,
	      c.conf.default_policy);
	snprintf(chain, sizeof(chain), "out_%s", p.policies[p.default_index].name);
	const struct nrule *last = NULL;
	for (size_t i = 0; i < rb.nr; i++)
		if (!strcmp(rb.r[i].chain, "out"))
			last = &rb.r[i];
	CHECK(last && !strcmp(last->target, chain), "%s: out ends in goto %s", what, last ? last->target : "-");
	CHECK(!!nft_rule(&rb, "in", "(unlearned) in ingress") == (p.strictest == CG_ACTION_ISOLATE),
	      "%s: unlearned path against the strictest action %u", what, p.strictest);
	/* control: a MAC the plan does not hold is in neither */
	static const uint8_t stranger[6] = { 0x02, 0xde, 0xad, 0xbe, 0xef, 0x01 };
	CHECK(bpf_device(&c, stranger) < 0 && !nft_elem(&rb, "dev_out", stranger, 6, NULL),
	      "%s: a MAC outside the plan is found", what);

	free(rb.e);
	free(rb.r);
	nlb_free(&b);
	compiled_free(&c);
	plan_free(&p);
}

/* Under enforce = "monitor" the only nftables drops are the deny lists'
 * (and BPF's actions are monitor or allow): nothing isolate would drop for
 * another reason is dropped by either layer. */
static void check_only_deny_drops(const char *what, const struct cg_model *m)
{
	struct cg_compiled c;
	struct cg_plan p;
	struct nlb b = { 0 };
	struct readback rb = { 0 };
	char err[256] = "";
	size_t ndrop = 0, ndeny = 0;

	CHECK(plan_build(m, &p) == 0, "%s: plan_build", what);
	CHECK(compile_plan(&p, &c, err, sizeof(err)) == 0, "%s: compile_plan: %s", what, err);
	CHECK(table_build(&b, &p) == 0, "%s: table_build", what);
	read_batch(&b, &rb);
	for (size_t i = 0; i < rb.nr; i++) {
		size_t n = strlen(rb.r[i].comment);
		bool deny = n > 9 && !strcmp(rb.r[i].comment + n - 9, "deny_list");

		if (!rb.r[i].drop)
			continue;
		ndrop++;
		ndeny += deny;
		CHECK(deny, "%s: a drop that is no deny list: chain %s, '%s'", what, rb.r[i].chain,
		      rb.r[i].comment);
	}
	/* hikvision's v4 and v6 deny sets, out and in */
	CHECK(ndeny == 4 && ndrop == ndeny, "%s: %zu drop rules, %zu deny-list drops", what, ndrop, ndeny);
	for (size_t i = 0; i < p.npolicies; i++)
		CHECK(c.conf.action[p.policies[i].id] != CG_ACTION_ISOLATE, "%s: BPF isolates policy %s",
		      what, p.policies[i].name);
	free(rb.e);
	free(rb.r);
	nlb_free(&b);
	compiled_free(&c);
	plan_free(&p);
}

/* ---- the models ------------------------------------------------------------------ */

static struct cg_prefix pfx(const char *a, int len)
{
	struct cg_prefix p = { .family = strchr(a, ':') ? 6 : 4, .len = (uint8_t)len };

	inet_pton(p.family == 4 ? AF_INET : AF_INET6, a, p.addr);
	return p;
}

static struct cg_rule_spec rule(uint8_t kind, const char *a, int len, uint8_t proto, int lo, int hi)
{
	struct cg_rule_spec r = { .kind = kind, .proto = proto };

	if (a)
		r.prefix = pfx(a, len);
	else
		r.enclave = true;
	if (lo >= 0) {
		r.nranges = 1;
		r.ranges[0] = (struct cg_port_range){ (uint16_t)lo, (uint16_t)hi };
	}
	return r;
}

static void small_model(void)
{
	static struct cg_iface_spec ifaces[] = { { .name = "cam0" } };
	static struct cg_prefix enclave[2], prot[2], hik_deny[3];
	static struct cg_oui_spec hik_ouis[] = { { .bytes = { 0x44, 0x19, 0xb6 }, .bits = 24 } };
	static struct cg_oui_spec dah_ouis[] = { { .bytes = { 0x3c, 0xef, 0x8c }, .bits = 24 },
						 { .bytes = { 0x44, 0x19, 0xb6, 0x7f }, .bits = 28 } };
	static struct cg_oui_spec axis_ouis[] = { { .bytes = { 0x70, 0xb3, 0xd5, 0x12, 0x3f }, .bits = 36 } };
	static struct cg_device_spec hik_devs[] = { { .mac = { 0x44, 0x19, 0xb6, 0, 0, 1 } } };
	static struct cg_device_spec tr_devs[] = { { .mac = { 0x44, 0x19, 0xb6, 0, 0, 3 } } };
	static struct cg_moved_device moved[] = { { .mac = { 0x3c, 0xef, 0x8c, 0, 0, 9 }, .policy = 0 },
						  { .mac = { 0x44, 0x19, 0xb6, 0, 0, 3 }, .policy = 0 } };
	static struct cg_rule_spec hik_rules[6];
	static struct cg_policy_spec pols[4];
	struct cg_model m = { 0 };

	enclave[0] = pfx("192.0.2.0", 24), enclave[1] = pfx("2001:db8:c::", 64);
	prot[0] = pfx("192.0.2.1", 32), prot[1] = pfx("2001:db8:c::1", 128);
	hik_deny[0] = pfx("203.0.113.128", 25), hik_deny[1] = pfx("203.0.113.192", 26);
	hik_deny[2] = pfx("2001:db8:dead::", 48);
	hik_rules[0] = rule(CG_RULE_TO, NULL, 0, 0, -1, -1);
	hik_rules[1] = rule(CG_RULE_TO, "198.51.100.10", 32, IPPROTO_UDP, 123, 123);
	hik_rules[2] = rule(CG_RULE_FROM, "198.51.100.50", 32, IPPROTO_TCP, 8000, 8100);
	hik_rules[3] = rule(CG_RULE_TO, "2001:db8:1::", 48, IPPROTO_ICMP, -1, -1);
	hik_rules[4] = rule(CG_RULE_TO, "198.51.100.0", 24, 0, 554, 554);
	hik_rules[5] = rule(CG_RULE_TO, NULL, 0, IPPROTO_TCP, 22, 22);
	pols[0] = (struct cg_policy_spec){ .name = "hikvision", .action = CG_ACTION_ISOLATE, .id = 3,
		.ouis = hik_ouis, .nouis = 1, .devices = hik_devs, .ndevices = 1,
		.rules = hik_rules, .nrules = 6, .deny = hik_deny, .ndeny = 3 };
	pols[1] = (struct cg_policy_spec){ .name = "dahua", .action = CG_ACTION_ISOLATE, .id = 0,
		.ouis = dah_ouis, .nouis = 2 };
	pols[2] = (struct cg_policy_spec){ .name = "axis", .action = CG_ACTION_MONITOR, .id = 1,
		.ouis = axis_ouis, .nouis = 1 };
	pols[3] = (struct cg_policy_spec){ .name = "trusted", .action = CG_ACTION_ALLOW, .id = 2,
		.devices = tr_devs, .ndevices = 1 };
	m.config.ifaces = ifaces, m.config.nifaces = 1;
	m.config.enclave = enclave, m.config.nenclave = 2;
	m.policies = pols, m.npolicies = 4, m.default_index = 1;
	m.protected = prot, m.nprotected = 2;
	m.moved = moved, m.nmoved = 2;

	struct cg_plan p;
	CHECK(plan_build(&m, &p) == 0, "small: plan_build");
	/* the shared decisions, once */
	CHECK(p.ndevices == 3, "explicit devices plus one moved (the listed MAC keeps its policy): %zu",
	      p.ndevices);
	CHECK(p.strictest == CG_ACTION_ISOLATE, "strictest %u", p.strictest);
	CHECK(p.policies[0].enclave_pass, "plain to = enclave passes the enclave");
	bool icmp6 = false;
	for (size_t i = 0; i < p.policies[0].nrules; i++)
		icmp6 |= p.policies[0].rules[i].pfx.family == 6 && p.policies[0].rules[i].proto == IPPROTO_ICMPV6;
	CHECK(icmp6, "ICMP under IPv6 is ICMPv6 in the plan");
	plan_free(&p);
	check_writers("small", &m);

	/* monitor and allow only: no unlearned drop */
	pols[0].action = pols[1].action = CG_ACTION_MONITOR;
	check_writers("monitor-only", &m);

	/* enforce = "monitor" (issue 15): the files say isolate, both layers
	 * get monitor; allow stays allow; deny lists and the protected
	 * addresses stay in both layers (deny drops, spoof counts as would). */
	pols[0].action = pols[1].action = CG_ACTION_ISOLATE;
	m.config.enforce = CG_ENFORCE_MONITOR;
	CHECK(plan_build(&m, &p) == 0, "enforce monitor: plan_build");
	CHECK(p.policies[0].action == CG_ACTION_MONITOR && p.policies[1].action == CG_ACTION_MONITOR &&
	      p.policies[2].action == CG_ACTION_MONITOR && p.policies[3].action == CG_ACTION_ALLOW,
	      "enforce monitor: actions %u %u %u %u", p.policies[0].action, p.policies[1].action,
	      p.policies[2].action, p.policies[3].action);
	CHECK(p.strictest == CG_ACTION_MONITOR, "enforce monitor: strictest %u", p.strictest);
	CHECK(p.policies[0].ndeny == 3 && p.nprotected == 2, "enforce monitor: deny %zu, protected %zu",
	      p.policies[0].ndeny, p.nprotected);
	CHECK(pols[0].action == CG_ACTION_ISOLATE, "enforce monitor: the model keeps the file's action");
	plan_free(&p);
	check_writers("enforce-monitor", &m);
	check_only_deny_drops("enforce-monitor", &m);
	/* control: the same files under enforce = "policy" drop again */
	m.config.enforce = CG_ENFORCE_POLICY;
	CHECK(plan_build(&m, &p) == 0 && p.policies[0].action == CG_ACTION_ISOLATE &&
	      p.strictest == CG_ACTION_ISOLATE, "enforce policy: isolate as written");
	plan_free(&p);
	check_writers("enforce-policy", &m);
}

/* A field-like set: 12 policies, 3,000 devices, 300 OUIs of all lengths,
 * deny lists and rules in both families. */
static void generated_model(void)
{
	enum { NP = 12, ND = 250, NO = 25, NR = 8, NDENY = 40 };
	static struct cg_policy_spec pols[NP];
	static struct cg_device_spec devs[NP][ND];
	static struct cg_oui_spec ouis[NP][NO];
	static struct cg_rule_spec rules[NP][NR];
	static struct cg_prefix deny[NP][NDENY], enclave[2];
	static char names[NP][16];
	struct cg_model m = { 0 };

	enclave[0] = pfx("192.0.2.0", 24), enclave[1] = pfx("2001:db8:c::", 64);
	for (int i = 0; i < NP; i++) {
		for (int j = 0; j < ND; j++)
			devs[i][j] = (struct cg_device_spec){ .mac = { 0x00, 0x40, 0x8c, (uint8_t)i, (uint8_t)(j >> 8),
								       (uint8_t)j } };
		for (int j = 0; j < NO; j++) {
			int bits = (int[]){ 24, 28, 36 }[j % 3];

			ouis[i][j] = (struct cg_oui_spec){ .bytes = { 0x10, (uint8_t)i, (uint8_t)j,
				      bits > 24 ? 0x50 : 0, bits > 28 ? 0x60 : 0 }, .bits = (uint8_t)bits };
		}
		for (int j = 0; j < NR; j++) {
			char a[64];

			if (j % 2)
				snprintf(a, sizeof(a), "2001:db8:%x:%x::", i + 1, j);
			else
				snprintf(a, sizeof(a), "198.51.%d.%d", i, j * 8);
			rules[i][j] = rule(j % 3 ? CG_RULE_TO : CG_RULE_FROM, a, j % 2 ? 64 : 29,
					   (uint8_t[]){ 0, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP }[j % 4],
					   j % 4 == 3 ? -1 : 1000 + j, 1000 + 10 * j);
		}
		for (int j = 0; j < NDENY; j++) {
			char a[64];

			snprintf(a, sizeof(a), j % 2 ? "2001:db8:f%x:%x::" : "203.0.%d.%d", j % 2 ? i + 1 : 113, j * 4);
			deny[i][j] = pfx(a, j % 2 ? 56 : 30);
		}
		snprintf(names[i], sizeof(names[i]), "vendor%02d", i);
		pols[i] = (struct cg_policy_spec){ .action = (uint8_t)(i % 3), .id = (uint16_t)(NP - 1 - i),
			.devices = devs[i], .ndevices = ND, .ouis = ouis[i], .nouis = NO,
			.rules = rules[i], .nrules = NR, .deny = deny[i], .ndeny = NDENY };
		memcpy(pols[i].name, names[i], sizeof(names[i]));
	}
	m.config.enclave = enclave, m.config.nenclave = 2;
	m.policies = pols, m.npolicies = NP, m.default_index = NP - 1;
	check_writers("generated", &m);
}

int main(void)
{
	small_model();
	generated_model();
	printf("%d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
