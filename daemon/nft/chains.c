// SPDX-License-Identifier: GPL-2.0-only
/*
 * chains.c — the chains of table inet camguard and their rules, from the plan.
 *
 *   prerouting (hook prerouting, priority -10): frames from a camera
 *     interface are classified by source MAC (exact MAC, else the longest
 *     OUI, locally administered MACs never match an OUI, else the default
 *     policy) into lrn_<p>: the source guards (LSRR/SSRR malformed; after
 *     the link-local exemptions, a source outside the enclave, one of the
 *     recorder's protected addresses or local to the host is spoof), then
 *     the source address is added to that policy's learned set unless
 *     another MAC holds it (learn_chain()). Guards drop here, before
 *     routing, so that the layer alone stops reflection through the
 *     recorder (echo, ICMP errors, TTL 1).
 *   forward (hook forward, priority -10, before the usual filter 0):
 *     iifname @cam_ifaces -> out: the same MAC classification, goto
 *       out_<policy>; peer = destination address.
 *     oifname @cam_ifaces -> in: peer = source address.
 *
 * The inbound direction. In the forward hook a packet routed toward a camera
 * has no destination MAC yet (the neighbour is resolved after postrouting),
 * so the camera cannot be identified the way the BPF egress program does it.
 * We identify it by its IP address instead: every IP packet a camera sends
 * passes prerouting, where its MAC is classified and its source address
 * learned into <policy>_a4/_a6. The `in` chain looks the destination
 * address up in those sets, strictest policy first: an address claimed by
 * several cameras (a spoofer) gets the strictest policy, so spoofing can
 * only make things stricter. A destination no camera has used yet (a silent
 * camera, or right after a reload, which starts with empty learned sets) is
 * treated with the plan's strictest action and no allow rules: with any
 * isolate policy loaded, outside -> unknown camera is dropped (fail closed,
 * counter "(unlearned) in ingress"); a monitor-only roll-out only counts
 * it; the enclave always passes.
 *
 * The in_<p> chains (and the unlearned path) start with LSRR/SSRR and a
 * strict reverse-path check, `fib saddr . iif oif missing` (spoof); every
 * policy chain ends with a later-fragment rule (fragment) after the
 * address-level allow lookups that may still pass a fragment (addr .
 * l4proto in <p>_to4a etc.: every rule of the table reads back through
 * `nft list` / `nft -f`).
 *
 * Rules are stateless and symmetric like the data plane's (DESIGN §2.6):
 * `to X proto P ports N` is element X . P . N of <p>_to4, matched as
 * daddr . l4proto . dport on out and saddr . l4proto . sport on in; `from`
 * rules the other way round. The enclave always passes (the layer enforces
 * "nothing leaves the enclave"); deny lists drop first, also under monitor
 * and allow. Every drop (and every monitor would-drop) has a counter and a
 * comment "<policy> <out|in> <reason>", read back by nft_status(); every
 * drop is also logged to NFLOG group CG_NFT_LOG_GROUP with that comment as
 * prefix, for the daemon's denied-flow table (x_drop()).
 */
#include <netinet/in.h>
#include <netinet/ip.h>
#include <stdio.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

#include <libnftnl/chain.h>

#include "expr.h"
#include "nft.h"
#include "table.h"

static const uint8_t mask_la[6] = { 0x02, 0, 0, 0, 0, 0 };
static const uint8_t mask24[6]  = { 0xff, 0xff, 0xff, 0, 0, 0 };
static const uint8_t mask28[6]  = { 0xff, 0xff, 0xff, 0xf0, 0, 0 };
static const uint8_t mask36[6]  = { 0xff, 0xff, 0xff, 0xff, 0xf0, 0 };

static struct rb rstart(const char *chain)
{
	return rule_start(CG_NFT_TABLE, chain);
}

static void chain_payload(struct nlmsghdr *nlh, void *c)
{
	nftnl_chain_nlmsg_build_payload(nlh, c);
}

static void add_chain(struct nlb *b, const char *name, int hook, int prio)
{
	struct nftnl_chain *c = nftnl_chain_alloc();

	if (!c) {
		b->oom = 1;
		return;
	}
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, CG_NFT_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	if (hook >= 0) {
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, (uint32_t)hook);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter");
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	}
	nlb_put_obj(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE | NLM_F_EXCL, chain_payload, c,
		    (struct nlb_tag){ .kind = TAG_CHAIN }, name);
	nftnl_chain_free(c);
}

void chains_declare(struct nlb *b, const struct cg_plan *p)
{
	static const char *const per_policy[] = { "lrn_%s", "out_%s", "in_%s" };
	char name[96];

	add_chain(b, "prerouting", NF_INET_PRE_ROUTING, CG_NFT_PRIO);
	add_chain(b, "forward", NF_INET_FORWARD, CG_NFT_PRIO);
	add_chain(b, "learn", -1, 0);
	add_chain(b, "out", -1, 0);
	add_chain(b, "in", -1, 0);
	for (size_t i = 0; i < p->npolicies; i++)
		for (size_t k = 0; k < 3; k++) {
			snprintf(name, sizeof(name), per_policy[k], p->policies[i].name);
			add_chain(b, name, -1, 0);
		}
}

/*
 * Every drop is counted and logged to the daemon's NFLOG group with its
 * comment as prefix (the daemon puts it into the denied-flow table: a
 * packet towards a camera dropped here never reaches the BPF egress
 * program that would have counted it). The counter comes first, so that
 * counter minus logged is what NFLOG lost (nflog.c).
 */
static void x_drop(struct rb *rb, const char *comment)
{
	x_counter(rb);
	x_log_group(rb, comment, CG_NFT_LOG_GROUP, CG_NFT_LOG_SNAPLEN, CG_NFT_LOG_QTHRESHOLD);
	x_verdict(rb, NF_DROP, NULL);
}

/* lookup rule: [nfproto] load -> lookup @set -> [counter] verdict */
static void rule_addr_set(struct nlb *b, const char *chain, int fam, bool src, const char *set,
			  int verdict, const char *target, const char *comment, struct nlb_tag t)
{
	struct rb rb = rstart(chain);

	x_addr(&rb, fam, src);
	x_lookup(&rb, NFT_REG32_00, set, false);
	if (comment && verdict == NF_DROP) {
		x_drop(&rb, comment);
	} else {
		if (comment)
			x_counter(&rb);
		x_verdict(&rb, verdict, target);
	}
	rule_end(b, &rb, comment, t);
}

/* addr . l4proto . port @set return; a later fragment (no ports) only on an
 * address-level element (port field 0-65535), looked up as addr . l4proto in
 * set <set>a (sets.c) when the policy has one: a constant port 0 in the
 * concatenation would match the same, but nft 1.0.6 lists it as
 * "0x0 [invalid type]" and cannot read the table back. */
static void rule_allow(struct nlb *b, const char *chain, int fam, bool src, bool sport,
		       const char *set, bool any_port, struct nlb_tag t)
{
	uint32_t preg = fam == 4 ? NFT_REG32_01 : NFT_REG32_04, oreg = fam == 4 ? NFT_REG32_02 : NFT_REG32_05;
	char aset[100];

	for (int frag = 0; frag < 1 + any_port; frag++) {
		struct rb rb = rstart(chain);

		if (frag)
			x_later_frag(&rb, fam);
		x_addr(&rb, fam, src);
		x_meta(&rb, NFT_META_L4PROTO, preg);
		if (!frag)
			x_payload(&rb, NFT_PAYLOAD_TRANSPORT_HEADER, sport ? 0 : 2, 2, oreg);
		snprintf(aset, sizeof(aset), "%s%s", set, frag ? "a" : "");
		x_lookup(&rb, NFT_REG32_00, aset, false);
		x_verdict(&rb, NFT_RETURN, NULL);
		rule_end(b, &rb, NULL, t);
	}
}

static void rule_tail(struct nlb *b, const char *chain, uint8_t action, const char *pol, bool out)
{
	char comment[128];
	struct rb rb = rstart(chain);

	snprintf(comment, sizeof(comment), "%s %s %s", pol, out ? "out" : "in",
		 action == CG_ACTION_ISOLATE ? (out ? "egress" : "ingress") : "monitor");
	if (action == CG_ACTION_ISOLATE)
		x_drop(&rb, comment);
	else
		x_counter(&rb);
	rule_end(b, &rb, comment, (struct nlb_tag){ .kind = TAG_RULE });
}

/*
 * Guards: drops with a reason of their own, ahead of the address decision.
 * Each is one rule "match; counter; drop" under isolate, "match; counter;
 * return" under monitor (a would-drop that passes, counted as `monitor`, as
 * the data plane does). Allow policies get none: they pass what isolate
 * would drop, deny lists aside.
 */
enum guard {
	G_LSRR, G_SSRR,         /* IPv4 source routes: the forward hook sees the wrong daddr */
	G_SRC4, G_SRC6,         /* a camera's source outside the enclave */
	G_PROT4, G_PROT6,       /* a camera's source one of the recorder's protected addresses */
	G_SRC_LOCAL,            /* a camera using one of the recorder's addresses */
	G_RPF,                  /* in: the route back to the source leaves elsewhere */
	G_FRAG4, G_FRAG6,       /* a later fragment no address-level rule allowed */
};

/* The match of guard g; returns its reason. */
static const char *guard_match(struct rb *rb, enum guard g)
{
	static const uint8_t one = 1;
	static const uint32_t local = RTN_LOCAL, none = 0;

	switch (g) {
	case G_LSRR:
	case G_SSRR:
		x_nfproto(rb, NFPROTO_IPV4);
		x_exthdr(rb, NFT_EXTHDR_OP_IPV4, g == G_LSRR ? IPOPT_LSRR : IPOPT_SSRR, 0, 1, true);
		x_cmp(rb, NFT_REG_1, NFT_CMP_EQ, &one, 1);
		return "malformed";
	case G_SRC4:
	case G_SRC6:
		x_addr(rb, g == G_SRC4 ? 4 : 6, true);
		x_lookup_inv(rb, NFT_REG32_00, g == G_SRC4 ? "enclave4" : "enclave6");
		return "spoof";
	case G_PROT4:
	case G_PROT6:
		x_addr(rb, g == G_PROT4 ? 4 : 6, true);
		x_lookup(rb, NFT_REG32_00, g == G_PROT4 ? "protected4" : "protected6", false);
		return "spoof";
	case G_SRC_LOCAL:
		x_fib(rb, NFTA_FIB_F_SADDR, NFT_FIB_RESULT_ADDRTYPE);
		x_cmp(rb, NFT_REG_1, NFT_CMP_EQ, &local, sizeof(local));
		return "spoof";
	case G_RPF:
		/* fib saddr . iif oif missing */
		x_fib(rb, NFTA_FIB_F_SADDR | NFTA_FIB_F_IIF, NFT_FIB_RESULT_OIF);
		x_cmp(rb, NFT_REG_1, NFT_CMP_EQ, &none, sizeof(none));
		return "spoof";
	case G_FRAG4:
	case G_FRAG6:
		x_later_frag(rb, g == G_FRAG4 ? 4 : 6);
		return "fragment";
	}
	return "malformed";
}

static void rule_guard(struct nlb *b, const char *chain, enum guard g, uint8_t action, const char *pol,
		       bool out, struct nlb_tag t)
{
	char comment[128];
	struct rb rb = rstart(chain);
	const char *reason = guard_match(&rb, g);

	snprintf(comment, sizeof(comment), "%s %s %s", pol, out ? "out" : "in",
		 action == CG_ACTION_ISOLATE ? reason : "monitor");
	if (action == CG_ACTION_ISOLATE) {
		x_drop(&rb, comment);
	} else {
		x_counter(&rb);
		x_verdict(&rb, NFT_RETURN, NULL);
	}
	rule_end(b, &rb, comment, t);
}

static void rule_guards(struct nlb *b, const char *chain, const enum guard *g, size_t n,
			uint8_t action, const char *pol, bool out, struct nlb_tag t)
{
	for (size_t i = 0; i < n; i++)
		rule_guard(b, chain, g[i], action, pol, out, t);
}

/*
 * Link-local control traffic a camera sends with an address outside the
 * enclave (DHCP from 0.0.0.0, ND/MLD/mDNS from fe80::): passes before the
 * source guards, as in the data plane (cg_is_link_local), bound to where it
 * may go: 224.0.0.0/24 and ff02::/16, DHCP client to server ports, ND with
 * hop limit 255. Nothing of it is forwarded.
 */
static void link_local_returns(struct nlb *b, const char *chain, struct nlb_tag t)
{
	static const uint8_t mc4[3] = { 224, 0, 0 }, mc6[2] = { 0xff, 0x02 };
	static const uint8_t dhcp4[4] = { 0, 68, 0, 67 }, dhcp6[4] = { 0x02, 0x22, 0x02, 0x23 };
	static const uint8_t udp = IPPROTO_UDP, icmp6 = IPPROTO_ICMPV6, nd_lo = 133, nd_hi = 137, hl = 255;
	struct rb rb;

	for (int fam = 4; fam <= 6; fam += 2) {
		rb = rstart(chain);
		x_nfproto(&rb, fam == 4 ? NFPROTO_IPV4 : NFPROTO_IPV6);
		x_payload(&rb, NFT_PAYLOAD_NETWORK_HEADER, fam == 4 ? 16 : 24, fam == 4 ? 3 : 2, NFT_REG_1);
		x_cmp(&rb, NFT_REG_1, NFT_CMP_EQ, fam == 4 ? mc4 : mc6, fam == 4 ? 3 : 2);
		x_verdict(&rb, NFT_RETURN, NULL);
		rule_end(b, &rb, NULL, t);
	}
	for (int fam = 4; fam <= 6; fam += 2) {
		rb = rstart(chain);
		x_nfproto(&rb, fam == 4 ? NFPROTO_IPV4 : NFPROTO_IPV6);
		x_meta(&rb, NFT_META_L4PROTO, NFT_REG_1);
		x_cmp(&rb, NFT_REG_1, NFT_CMP_EQ, &udp, 1);
		x_payload(&rb, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 4, NFT_REG_1);
		x_cmp(&rb, NFT_REG_1, NFT_CMP_EQ, fam == 4 ? dhcp4 : dhcp6, 4);
		x_verdict(&rb, NFT_RETURN, NULL);
		rule_end(b, &rb, NULL, t);
	}
	rb = rstart(chain);
	x_nfproto(&rb, NFPROTO_IPV6);
	x_meta(&rb, NFT_META_L4PROTO, NFT_REG_1);
	x_cmp(&rb, NFT_REG_1, NFT_CMP_EQ, &icmp6, 1);
	x_payload(&rb, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1, NFT_REG_1);
	x_cmp(&rb, NFT_REG_1, NFT_CMP_GTE, &nd_lo, 1);
	x_cmp(&rb, NFT_REG_1, NFT_CMP_LTE, &nd_hi, 1);
	x_payload(&rb, NFT_PAYLOAD_NETWORK_HEADER, 7, 1, NFT_REG_1);
	x_cmp(&rb, NFT_REG_1, NFT_CMP_EQ, &hl, 1);
	x_verdict(&rb, NFT_RETURN, NULL);
	rule_end(b, &rb, NULL, t);
}

static void policy_chain(struct nlb *b, const struct cg_plan_policy *p, uint16_t pi, bool out)
{
	static const enum guard in_guards[] = { G_LSRR, G_SSRR, G_RPF }, frag[] = { G_FRAG4, G_FRAG6 };
	char chain[96], set[96], comment[128];
	struct nlb_tag t = { .kind = TAG_RULE, .owner = pi };

	snprintf(chain, sizeof(chain), out ? "out_%s" : "in_%s", p->name);
	for (uint8_t fam = 4; fam <= 6; fam += 2) {
		if (!plan_count_family(p->deny, p->ndeny, fam))
			continue;
		snprintf(set, sizeof(set), "%s_deny%d", p->name, fam);
		snprintf(comment, sizeof(comment), "%s %s deny_list", p->name, out ? "out" : "in");
		rule_addr_set(b, chain, fam, !out, set, NF_DROP, NULL, comment, t);
	}
	if (p->action == CG_ACTION_ALLOW)
		return;
	/* out: the same guards ran in prerouting (lrn_<policy>) */
	if (!out)
		rule_guards(b, chain, in_guards, 3, p->action, p->name, out, t);
	rule_addr_set(b, chain, 4, !out, "enclave4", NFT_RETURN, NULL, NULL, t);
	rule_addr_set(b, chain, 6, !out, "enclave6", NFT_RETURN, NULL, NULL, t);
	for (uint8_t fam = 4; fam <= 6; fam += 2) {
		if (plan_count_rules(p, fam, CG_RULE_TO)) {
			snprintf(set, sizeof(set), "%s_to%d", p->name, fam);
			/* to: out dport, in sport */
			rule_allow(b, chain, fam, !out, !out, set, sets_any_port(p, fam, CG_RULE_TO), t);
		}
		if (plan_count_rules(p, fam, CG_RULE_FROM)) {
			snprintf(set, sizeof(set), "%s_from%d", p->name, fam);
			rule_allow(b, chain, fam, !out, out, set, sets_any_port(p, fam, CG_RULE_FROM), t);
		}
	}
	rule_guards(b, chain, frag, 2, p->action, p->name, out, t);
	rule_tail(b, chain, p->action, p->name, out);
}

/* The MAC classification shared by out and learn: vmaps with goto. */
static void classify_rules(struct nlb *b, const char *chain, const char *suffix, const char *defchain)
{
	static const struct { const char *set; const uint8_t *mask; } ouis[] = {
		{ "oui36", mask36 }, { "oui28", mask28 }, { "oui24", mask24 },
	};
	struct nlb_tag t = { .kind = TAG_RULE };
	char set[32];
	struct rb rb;

	rb = rstart(chain);
	x_ether_saddr(&rb, NFT_REG_1, NFT_REG_1);
	snprintf(set, sizeof(set), "dev_%s", suffix);
	x_lookup(&rb, NFT_REG_1, set, true);
	rule_end(b, &rb, NULL, t);

	/* locally administered: never an OUI */
	rb = rstart(chain);
	x_ether_saddr(&rb, NFT_REG_1, NFT_REG_1);
	x_bitwise(&rb, NFT_REG_1, mask_la, 6);
	x_cmp(&rb, NFT_REG_1, NFT_CMP_NEQ, (const uint8_t[6]){ 0 }, 6);
	x_verdict(&rb, NFT_GOTO, defchain);
	rule_end(b, &rb, NULL, t);

	for (size_t i = 0; i < 3; i++) {
		rb = rstart(chain);
		x_ether_saddr(&rb, NFT_REG_1, NFT_REG_1);
		x_bitwise(&rb, NFT_REG_1, ouis[i].mask, 6);
		snprintf(set, sizeof(set), "%s_%s", ouis[i].set, suffix);
		x_lookup(&rb, NFT_REG_1, set, true);
		rule_end(b, &rb, NULL, t);
	}
	rb = rstart(chain);
	x_verdict(&rb, NFT_GOTO, defchain);
	rule_end(b, &rb, NULL, t);
}

static void rule_iface(struct nlb *b, const char *chain, uint32_t key, const char *target)
{
	struct rb rb = rstart(chain);

	x_meta(&rb, key, NFT_REG_1);
	x_lookup(&rb, NFT_REG_1, "cam_ifaces", false);
	x_verdict(&rb, NFT_JUMP, target);
	rule_end(b, &rb, NULL, (struct nlb_tag){ .kind = TAG_RULE });
}

/* An address claimed by a MAC other than the one it is bound to: logged
 * (rate-limited), then counted and left unlearned. */
static void learn_conflict(struct nlb *b, const char *chain, const char *pol, int fam, struct nlb_tag t)
{
	uint32_t mac_reg = fam == 4 ? NFT_REG32_01 : NFT_REG32_04;
	char comment[128];

	for (int r = 0; r < 2; r++) {
		struct rb rb = rstart(chain);

		x_addr(&rb, fam, true);
		x_lookup(&rb, NFT_REG32_00, fam == 4 ? "owned4" : "owned6", false);
		/* NFT_REG32_15: a register the address and the MAC do not use */
		x_ether_saddr(&rb, NFT_REG32_15, mac_reg);
		x_lookup_inv(&rb, NFT_REG32_00, fam == 4 ? "pair4" : "pair6");
		if (r == 0) {
			snprintf(comment, sizeof(comment), "camguard: address conflict (%s): ", pol);
			x_log_limited(&rb, comment);
			rule_end(b, &rb, NULL, t);
		} else {
			/* one word: not a "<policy> <dir> <reason>" counter */
			snprintf(comment, sizeof(comment), "address_conflict:%s", pol);
			x_counter(&rb);
			x_verdict(&rb, NFT_RETURN, NULL);
			rule_end(b, &rb, comment, t);
		}
	}
}

/*
 * lrn_<policy>, in prerouting for every frame from a camera interface: the
 * source guards (the nftables layer alone must stop reflection through the
 * recorder and TTL-1 tricks, which never reach the forward hook), then the
 * learning. An address is bound to the first MAC that claimed it
 * (owned4/6, pair4/6, refreshed with the policy's learned set): a claim by
 * another MAC is evidence of spoofing, counted and logged, and moves
 * nothing until the binding ages out.
 */
static void learn_chain(struct nlb *b, const char *chain, const struct cg_plan_policy *p, struct nlb_tag t)
{
	static const enum guard route[] = { G_LSRR, G_SSRR };
	static const enum guard src[] = { G_SRC4, G_SRC6, G_PROT4, G_PROT6, G_SRC_LOCAL };
	char set[96];

	if (p->action != CG_ACTION_ALLOW) {
		rule_guards(b, chain, route, 2, p->action, p->name, true, t);
		link_local_returns(b, chain, t);
		rule_guards(b, chain, src, 5, p->action, p->name, true, t);
	}
	for (int fam = 4; fam <= 6; fam += 2) {
		struct rb rb;

		learn_conflict(b, chain, p->name, fam, t);
		rb = rstart(chain);
		snprintf(set, sizeof(set), "%s_a%d", p->name, fam);
		x_addr(&rb, fam, true);
		x_dynset(&rb, NFT_REG32_00, fam == 4 ? "owned4" : "owned6", CG_NFT_LEARN_MS);
		x_dynset(&rb, NFT_REG32_00, set, CG_NFT_LEARN_MS);
		x_ether_saddr(&rb, NFT_REG32_15, fam == 4 ? NFT_REG32_01 : NFT_REG32_04);
		x_dynset(&rb, NFT_REG32_00, fam == 4 ? "pair4" : "pair6", CG_NFT_LEARN_MS);
		rule_end(b, &rb, NULL, t);
	}
}

/* The in chain tries the learned sets strictest first: isolate, monitor,
 * allow, and within one action the policy with fewer allow rules first, so
 * that an address in two sets (a binding that aged out and was claimed
 * again) gets the stricter treatment, whatever the file order. */
static const struct cg_plan *order_plan;

static int strictness_cmp(const void *a, const void *b)
{
	const struct cg_plan_policy *x = &order_plan->policies[*(const size_t *)a];
	const struct cg_plan_policy *y = &order_plan->policies[*(const size_t *)b];

	if (x->action != y->action)
		return x->action < y->action ? -1 : 1;
	if (x->nspecs != y->nspecs)
		return x->nspecs < y->nspecs ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static int in_chain(struct nlb *b, const struct cg_plan *p)
{
	static const enum guard in_guards[] = { G_LSRR, G_SSRR, G_RPF };
	struct nlb_tag t = { .kind = TAG_RULE };
	size_t *order = calloc(p->npolicies, sizeof(*order));
	char set[96], chain[96];

	if (!order)
		return -ENOMEM;
	for (size_t i = 0; i < p->npolicies; i++)
		order[i] = i;
	order_plan = p;
	qsort(order, p->npolicies, sizeof(*order), strictness_cmp);
	for (size_t k = 0; k < p->npolicies; k++) {
		const struct cg_plan_policy *pp = &p->policies[order[k]];

		snprintf(chain, sizeof(chain), "in_%s", pp->name);
		for (int fam = 4; fam <= 6; fam += 2) {
			snprintf(set, sizeof(set), "%s_a%d", pp->name, fam);
			rule_addr_set(b, "in", fam, false, set, NFT_GOTO, chain, NULL,
				      (struct nlb_tag){ .kind = TAG_RULE, .owner = (uint16_t)order[k] });
		}
	}
	free(order);
	if (p->strictest == CG_ACTION_ALLOW)
		return 0;
	rule_guards(b, "in", in_guards, 3, p->strictest, CG_NFT_UNLEARNED, false, t);
	rule_addr_set(b, "in", 4, true, "enclave4", NFT_RETURN, NULL, NULL, t);
	rule_addr_set(b, "in", 6, true, "enclave6", NFT_RETURN, NULL, NULL, t);
	rule_tail(b, "in", p->strictest, CG_NFT_UNLEARNED, false);
	return 0;
}

int chains_fill(struct nlb *b, const struct cg_plan *p)
{
	char name[96];
	int r;

	rule_iface(b, "prerouting", NFT_META_IIFNAME, "learn");
	rule_iface(b, "forward", NFT_META_IIFNAME, "out");
	rule_iface(b, "forward", NFT_META_OIFNAME, "in");
	snprintf(name, sizeof(name), "lrn_%s", p->policies[p->default_index].name);
	classify_rules(b, "learn", "lrn", name);
	snprintf(name, sizeof(name), "out_%s", p->policies[p->default_index].name);
	classify_rules(b, "out", "out", name);
	r = in_chain(b, p);
	if (r < 0)
		return r;
	for (size_t i = 0; i < p->npolicies; i++) {
		const struct cg_plan_policy *pp = &p->policies[i];
		struct nlb_tag t = { .kind = TAG_RULE, .owner = (uint16_t)i };

		snprintf(name, sizeof(name), "lrn_%s", pp->name);
		learn_chain(b, name, pp, t);
		policy_chain(b, pp, (uint16_t)i, true);
		policy_chain(b, pp, (uint16_t)i, false);
	}
	return 0;
}
