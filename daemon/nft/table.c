// SPDX-License-Identifier: GPL-2.0-only
/*
 * table.c — table inet camguard as a whole: the batch that replaces it
 * (built by sets.c and chains.c from the plan), the errors the kernel
 * returns named after the plan entry they came from, and the public API
 * (nft.h): apply, tamper check and repair, remove.
 *
 * Atomicity: one batch "add table; delete table; add table ...; rules" is a
 * single nf_tables transaction, so a packet sees the old table or the new
 * one, never none. The last batch is kept: nft_check_and_repair() compares
 * the kernel's table (handle, chains, rules, sets, elements of the static
 * sets) with what it holds and resends the batch when anything differs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libnftnl/table.h>

#include "nft.h"
#include "table.h"

static void table_payload(struct nlmsghdr *nlh, void *t)
{
	nftnl_table_nlmsg_build_payload(nlh, t);
}

static void add_table(struct nlb *b, uint16_t type, uint16_t flags)
{
	struct nftnl_table *t = nftnl_table_alloc();

	if (!t) {
		b->oom = 1;
		return;
	}
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, CG_NFT_TABLE);
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	nlb_put_obj(b, type, flags, table_payload, t, (struct nlb_tag){ .kind = TAG_TABLE }, CG_NFT_TABLE);
	nftnl_table_free(t);
}

int table_build(struct nlb *b, const struct cg_plan *p)
{
	int r;

	b->family = NFPROTO_INET;
	nlb_begin(b);
	/* "add table" never fails, so the delete always finds a table: an
	 * absent table and a present one are replaced alike. */
	add_table(b, NFT_MSG_NEWTABLE, NLM_F_CREATE);
	add_table(b, NFT_MSG_DELTABLE, 0);
	add_table(b, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL);
	/* chains first: the vmaps' elements name them */
	chains_declare(b, p);
	sets_declare(b, p);
	r = sets_fill(b, p);
	if (!r)
		r = chains_fill(b, p);
	nlb_end(b);
	return r < 0 ? r : b->oom ? -ENOMEM : 0;
}

/* ---- errors back to the plan -------------------------------------------- */

/* The entry of the plan a tag names: "what" and where it came from. */
static const struct cg_origin *tag_entry(const struct cg_plan *p, const struct nlb_tag *t,
					 const struct cg_plan_policy *pol, char *what, size_t len)
{
	switch (t->kind) {
	case TAG_IFACE:
		if (t->idx >= p->nifaces)
			return NULL;
		snprintf(what, len, "interface %s", p->ifaces[t->idx].name);
		return &p->ifaces[t->idx].origin;
	case TAG_ENCLAVE:
	case TAG_PROTECTED: {
		const struct cg_plan_prefix *v = t->kind == TAG_ENCLAVE ? p->enclave : p->protected;
		size_t n = t->kind == TAG_ENCLAVE ? p->nenclave : p->nprotected;
		char a[64];

		if (t->idx >= n)
			return NULL;
		addr_format_prefix(&v[t->idx].pfx, a, sizeof(a));
		snprintf(what, len, "%s %s", t->kind == TAG_ENCLAVE ? "enclave" : "recorder address", a);
		return v[t->idx].origin;
	}
	case TAG_DEVICE: {
		const uint8_t *m;

		if (t->idx >= p->ndevices)
			return NULL;
		m = p->devices[t->idx].mac;
		snprintf(what, len, "device %02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
		return p->devices[t->idx].origin;
	}
	case TAG_OUI: {
		const struct cg_plan_oui *u;

		if (t->idx >= p->nouis)
			return NULL;
		u = &p->ouis[t->idx];
		snprintf(what, len, "oui %02x:%02x:%02x:%02x:%02x/%u", u->bytes[0], u->bytes[1],
			 u->bytes[2], u->bytes[3], u->bytes[4], u->bits);
		return u->origin;
	}
	case TAG_DENY:
	case TAG_ALLOW: {
		const struct cg_plan_prefix *d = t->kind == TAG_DENY && pol && t->idx < pol->ndeny ?
						 &pol->deny[t->idx] : NULL;
		const struct cg_plan_rule *r = t->kind == TAG_ALLOW && pol && t->idx < pol->nrules ?
					       &pol->rules[t->idx] : NULL;
		char a[64];

		if (!d && !r)
			return NULL;
		addr_format_prefix(d ? &d->pfx : &r->pfx, a, sizeof(a));
		snprintf(what, len, "%s%s", d ? "deny " : "allow rule ", a);
		return d ? d->origin : r->origin;
	}
	default:
		return NULL;
	}
}

static void describe(const void *ctx, const struct nlb_tag *t, const char *name, char *err, size_t errlen)
{
	const struct cg_plan *p = ctx;
	const struct cg_plan_policy *pol = t->owner < p->npolicies ? &p->policies[t->owner] : NULL;
	const struct cg_origin *o = NULL;
	char what[160] = "";
	bool in_policy = t->kind >= TAG_DEVICE && t->kind <= TAG_ALLOW;

	if (t->kind == TAG_RULE)
		snprintf(what, sizeof(what), "rule in chain %s", name);
	else if (t->kind >= TAG_IFACE)
		o = tag_entry(p, t, pol, what, sizeof(what));
	else if (t->kind != TAG_NONE)
		snprintf(what, sizeof(what), "%s %s", t->kind == TAG_TABLE ? "table" :
			 t->kind == TAG_CHAIN ? "chain" : "set", name);
	if (!what[0])
		snprintf(what, sizeof(what), "set %s", name);
	if (pol && in_policy)
		snprintf(err, errlen, "policy %s: %s", pol->name, what);
	else
		snprintf(err, errlen, "%s", what);
	if (o && o->file) {
		size_t l = strlen(err);

		snprintf(err + l, errlen - l, " (%s:%d)", o->file, o->line);
	}
}

/* ---- API ------------------------------------------------------------------ */

int nft_open(struct cg_nft **ret)
{
	struct cg_nft *nft = calloc(1, sizeof(*nft));
	int r;

	if (!nft)
		return -ENOMEM;
	r = nl_open(&nft->conn);
	if (r < 0) {
		free(nft);
		return r;
	}
	*ret = nft;
	return 0;
}

void nft_close(struct cg_nft *nft)
{
	if (!nft)
		return;
	nl_close(&nft->conn);
	nlb_free(&nft->last);
	free(nft);
}

int nft_apply_plan(struct cg_nft *nft, const struct cg_plan *plan, char *err, size_t errlen)
{
	struct nlb b = { 0 };
	int r;

	if (err && errlen)
		err[0] = 0;
	r = table_build(&b, plan);
	if (r < 0) {
		if (err)
			snprintf(err, errlen, "nftables: out of memory building the batch");
		nlb_free(&b);
		return r;
	}
	/* The replacement resets the rule counters: keep what the old table
	 * (ours, not a previous process's) counted, for nft_drop_packets(). */
	uint64_t old = 0;
	if (nft->applied)
		table_drop_packets(nft, &old);   /* at least what was read before */
	r = nlb_send(&nft->conn, &b, describe, plan, err, errlen);
	if (r < 0) {
		nlb_free(&b);
		return r;
	}
	nft->retired_drops += old;
	nft->read_drops = 0;
	nlb_free(&nft->last);
	nft->last = b;
	nft->applied = true;
	return table_handle(nft, &nft->handle);
}

int nft_apply(struct cg_nft *nft, const struct cg_model *m, char *err, size_t errlen)
{
	struct cg_plan plan;
	int r = plan_build(m, &plan);

	if (r < 0) {
		if (err)
			snprintf(err, errlen, r == -EINVAL ? "nftables: the model has no default policy" :
				 "nftables: out of memory building the batch");
		return r;
	}
	r = nft_apply_plan(nft, &plan, err, errlen);
	plan_free(&plan);
	return r;
}

int nft_check_and_repair(struct cg_nft *nft)
{
	int r;

	if (!nft->applied)
		return 0;
	r = table_differs(nft);
	if (r <= 0)
		return r;
	uint64_t old = 0;
	table_drop_packets(nft, &old);   /* at least what was read before */
	r = nlb_send(&nft->conn, &nft->last, NULL, NULL, NULL, 0);
	if (r < 0)
		return r;
	nft->retired_drops += old;
	nft->read_drops = 0;
	nft->repairs++;
	r = table_handle(nft, &nft->handle);
	return r < 0 ? r : 1;
}

int nft_remove(struct cg_nft *nft)
{
	struct nlb b = { .family = NFPROTO_INET };
	int r;

	nlb_begin(&b);
	add_table(&b, NFT_MSG_DELTABLE, 0);
	nlb_end(&b);
	if (b.oom) {
		nlb_free(&b);
		return -ENOMEM;
	}
	r = nlb_send(&nft->conn, &b, NULL, NULL, NULL, 0);
	nlb_free(&b);
	if (r == 0 || r == -ENOENT)
		nft->applied = false;
	return r;
}
