// SPDX-License-Identifier: GPL-2.0-only
/*
 * status.c — reading table inet camguard back from the kernel: its handle,
 * how many chains, rules and sets it has, the counters of the rules that
 * carry a "<policy> <direction> <reason>" comment (nft_status()), and the
 * comparison with the last applied batch that the tamper check repairs on
 * (table_differs()).
 */
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "array.h"
#include "nft.h"
#include "table.h"

static void table_payload(struct nlmsghdr *nlh, void *o) { nftnl_table_nlmsg_build_payload(nlh, o); }
static void rule_payload(struct nlmsghdr *nlh, void *o) { nftnl_rule_nlmsg_build_payload(nlh, o); }
static void set_payload(struct nlmsghdr *nlh, void *o) { nftnl_set_nlmsg_build_payload(nlh, o); }
static void elem_payload(struct nlmsghdr *nlh, void *o) { nftnl_set_elems_nlmsg_build_payload(nlh, o); }

static int table_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_table *t = nftnl_table_alloc();

	if (!t)
		return MNL_CB_ERROR;
	if (nftnl_table_nlmsg_parse(nlh, t) == 0 && nftnl_table_is_set(t, NFTNL_TABLE_HANDLE))
		*(uint64_t *)data = nftnl_table_get_u64(t, NFTNL_TABLE_HANDLE);
	nftnl_table_free(t);
	return MNL_CB_OK;
}

int table_handle(struct cg_nft *nft, uint64_t *ret)
{
	struct nftnl_table *t = nftnl_table_alloc();
	int r;

	if (!t)
		return -ENOMEM;
	*ret = 0;
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, CG_NFT_TABLE);
	r = nl_dump(&nft->conn, NFT_MSG_GETTABLE, NFPROTO_INET, NLM_F_ACK, table_payload, t, table_cb, ret);
	nftnl_table_free(t);
	return r == -ENOENT ? 0 : r;
}

struct reader {
	struct cg_nft_status *st;
	bool counters;   /* false: only count */
	int oom;
};

static int chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct reader *rd = data;

	if (!c)
		return MNL_CB_ERROR;
	if (nftnl_chain_nlmsg_parse(nlh, c) == 0 &&
	    !strcmp(nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE) ?: "", CG_NFT_TABLE))
		rd->st->chains++;
	nftnl_chain_free(c);
	return MNL_CB_OK;
}

static int set_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct reader *rd = data;

	if (!s)
		return MNL_CB_ERROR;
	if (nftnl_set_nlmsg_parse(nlh, s) == 0 &&
	    !strcmp(nftnl_set_get_str(s, NFTNL_SET_TABLE) ?: "", CG_NFT_TABLE))
		rd->st->sets++;
	nftnl_set_free(s);
	return MNL_CB_OK;
}

static int comment_cb(const struct nftnl_udata *a, void *data)
{
	if (nftnl_udata_type(a) == NFTNL_UDATA_RULE_COMMENT)
		*(const char **)data = nftnl_udata_get(a);
	return 0;
}

struct ctr { uint64_t pk, by; };

static int expr_cb(struct nftnl_expr *e, void *data)
{
	struct ctr *c = data;

	if (!strcmp(nftnl_expr_get_str(e, NFTNL_EXPR_NAME), "counter")) {
		c->pk += nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_PACKETS);
		c->by += nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_BYTES);
	}
	return 0;
}

static struct cg_nft_counter *find_counter(struct cg_nft_status *st, const char *pol, const char *dir)
{
	struct cg_nft_counter *e;

	for (size_t i = 0; i < st->ncounters; i++)
		if (!strcmp(st->counters[i].policy, pol) && !strcmp(st->counters[i].direction, dir))
			return &st->counters[i];
	if (!CG_GROW(st->counters, st->capcounters, st->ncounters + 1))
		return NULL;
	e = &st->counters[st->ncounters++];
	memset(e, 0, sizeof(*e));
	snprintf(e->policy, sizeof(e->policy), "%s", pol);
	snprintf(e->direction, sizeof(e->direction), "%s", dir);
	return e;
}

/* One reason, possibly several rules (IPv4 and IPv6): summed. */
static int add_counter(struct cg_nft_status *st, const char *comment, const struct ctr *c)
{
	char pol[CG_NAME_MAX + 16], dir[8], reason[32];
	struct cg_nft_counter *e;
	struct cg_nft_reason *r = NULL;

	if (sscanf(comment, "%79s %7s %31s", pol, dir, reason) != 3)
		return 0;
	e = find_counter(st, pol, dir);
	if (!e)
		return -ENOMEM;
	e->packets += c->pk;
	e->bytes += c->by;
	for (size_t i = 0; i < e->nreasons && !r; i++)
		if (!strcmp(e->reasons[i].name, reason))
			r = &e->reasons[i];
	if (!r) {
		if (!CG_GROW(e->reasons, e->capreasons, e->nreasons + 1))
			return -ENOMEM;
		r = &e->reasons[e->nreasons++];
		memset(r, 0, sizeof(*r));
		snprintf(r->name, sizeof(r->name), "%s", reason);
	}
	r->packets += c->pk;
	r->bytes += c->by;
	return 0;
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct reader *rd = data;

	if (!r)
		return MNL_CB_ERROR;
	if (nftnl_rule_nlmsg_parse(nlh, r) == 0 &&
	    !strcmp(nftnl_rule_get_str(r, NFTNL_RULE_TABLE) ?: "", CG_NFT_TABLE)) {
		rd->st->rules++;
		if (rd->counters && nftnl_rule_is_set(r, NFTNL_RULE_USERDATA)) {
			uint32_t len;
			const void *u = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len);
			const char *comment = NULL;
			struct ctr c = { 0 };

			nftnl_udata_parse(u, len, comment_cb, &comment);
			nftnl_expr_foreach(r, expr_cb, &c);
			if (comment && add_counter(rd->st, comment, &c) < 0)
				rd->oom = 1;
		}
	}
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

static int read_table(struct cg_nft *nft, struct reader *rd)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_set *s = nftnl_set_alloc();
	int e;

	if (!r || !s) {
		nftnl_rule_free(r);
		nftnl_set_free(s);
		return -ENOMEM;
	}
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, CG_NFT_TABLE);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	nftnl_set_set_str(s, NFTNL_SET_TABLE, CG_NFT_TABLE);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	e = nl_dump(&nft->conn, NFT_MSG_GETCHAIN, NFPROTO_INET, NLM_F_DUMP, NULL, NULL, chain_cb, rd);
	if (!e)
		e = nl_dump(&nft->conn, NFT_MSG_GETRULE, NFPROTO_INET, NLM_F_DUMP, rule_payload, r, rule_cb, rd);
	if (!e)
		e = nl_dump(&nft->conn, NFT_MSG_GETSET, NFPROTO_INET, NLM_F_DUMP, set_payload, s, set_cb, rd);
	nftnl_rule_free(r);
	nftnl_set_free(s);
	return e ? e : rd->oom ? -ENOMEM : 0;
}

static int elem_count_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elems_iter *it;
	struct nftnl_set_elem *e;

	if (!s)
		return MNL_CB_ERROR;
	if (nftnl_set_elems_nlmsg_parse(nlh, s) == 0 && (it = nftnl_set_elems_iter_create(s))) {
		while ((e = nftnl_set_elems_iter_next(it)))
			if (!nftnl_set_elem_is_set(e, NFTNL_SET_ELEM_FLAGS) ||
			    !(nftnl_set_elem_get_u32(e, NFTNL_SET_ELEM_FLAGS) & NFT_SET_ELEM_INTERVAL_END))
				(*(uint32_t *)data)++;
		nftnl_set_elems_iter_destroy(it);
	}
	nftnl_set_free(s);
	return MNL_CB_OK;
}

static int count_elems(struct cg_nft *nft, const char *set, uint32_t *ret)
{
	struct nftnl_set *s = nftnl_set_alloc();
	int e;

	if (!s)
		return -ENOMEM;
	*ret = 0;
	nftnl_set_set_str(s, NFTNL_SET_TABLE, CG_NFT_TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, set);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	e = nl_dump(&nft->conn, NFT_MSG_GETSETELEM, NFPROTO_INET, NLM_F_DUMP, elem_payload, s,
		    elem_count_cb, ret);
	nftnl_set_free(s);
	return e;
}

int table_differs(struct cg_nft *nft)
{
	struct cg_nft_status st = { 0 };
	struct reader rd = { .st = &st };
	uint64_t h;
	int r = table_handle(nft, &h);

	if (r < 0)
		return r;
	if (!h || h != nft->handle)
		return 1;
	r = read_table(nft, &rd);
	nft_status_free(&st);
	if (r < 0)
		return r;
	if (st.chains != nft->last.nchains || st.rules != nft->last.nrules || st.sets != nft->last.nsets)
		return 1;
	for (size_t i = 0; i < nft->last.nsetcount; i++) {
		uint32_t n;

		r = count_elems(nft, nft->last.setcount[i].name, &n);
		if (r == -ENOENT)
			return 1;
		if (r < 0)
			return r;
		if (n != nft->last.setcount[i].n)
			return 1;
	}
	return 0;
}

int nft_status(struct cg_nft *nft, struct cg_nft_status *ret)
{
	struct reader rd = { .st = ret, .counters = true };
	uint64_t h;
	int r;

	memset(ret, 0, sizeof(*ret));
	r = table_handle(nft, &h);
	if (r < 0)
		return r;
	ret->present = h != 0;
	ret->repairs = nft->repairs;
	return h ? read_table(nft, &rd) : 0;
}

void nft_status_free(struct cg_nft_status *st)
{
	for (size_t i = 0; i < st->ncounters; i++)
		free(st->counters[i].reasons);
	free(st->counters);
	st->counters = NULL;
	st->ncounters = st->capcounters = 0;
}

int table_drop_packets(struct cg_nft *nft, uint64_t *ret)
{
	struct cg_nft_status st;
	int r = nft_status(nft, &st);

	*ret = 0;
	for (size_t i = 0; !r && i < st.ncounters; i++)
		for (size_t k = 0; k < st.counters[i].nreasons; k++)
			if (strcmp(st.counters[i].reasons[k].name, "monitor"))
				*ret += st.counters[i].reasons[k].packets;
	nft_status_free(&st);
	/* Counters only grow, unless someone flushed or deleted the table. */
	if (*ret > nft->read_drops)
		nft->read_drops = *ret;
	*ret = nft->read_drops;
	return r;
}

int nft_drop_packets(struct cg_nft *nft, uint64_t *ret)
{
	int r = table_drop_packets(nft, ret);

	*ret += nft->retired_drops;
	return r;
}
