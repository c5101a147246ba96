/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nft.c — table inet camguard, the second enforcement layer, built through
 * libnftnl (tables, chains, sets, rules) and libmnl (set elements, batch,
 * acks) in one netlink transaction per apply.
 *
 * The table
 * ---------
 *   sets     cam_ifaces            ifname: the camera-facing interfaces
 *            enclave4 / enclave6   interval sets of the enclave
 *            dev_out, oui24_out, oui28_out, oui36_out
 *                                  verdict maps ether_addr -> goto out_<policy>
 *            dev_lrn, oui24_lrn, oui28_lrn, oui36_lrn
 *                                  the same keys -> goto lrn_<policy>
 *            <p>_deny4/6           a policy's deny prefixes (interval)
 *            <p>_to4/6, <p>_from4/6
 *                                  a policy's allow rules as concatenated
 *                                  intervals addr . inet_proto . inet_service
 *            <p>_a4 / <p>_a6       addresses learned from the policy's cameras
 *                                  (dynamic, timeout 1h)
 *            owned4/6, pair4/6     which MAC each learned address is bound to
 *   chains   prerouting (hook prerouting, priority -10): frames from a camera
 *              interface are classified by source MAC (exact MAC, else the
 *              longest OUI, locally administered MACs never match an OUI,
 *              else the default policy) into lrn_<p>: the source guards
 *              (LSRR/SSRR malformed; after the link-local exemptions, a
 *              source outside the enclave or local to the host is spoof),
 *              then the source address is added to that policy's learned
 *              set unless another MAC holds it (learn_chain()). Guards drop
 *              here, before routing, so that the layer alone stops
 *              reflection through the recorder (echo, ICMP errors, TTL 1).
 *            forward (hook forward, priority -10, before the usual filter 0):
 *              iifname @cam_ifaces -> out: the same MAC classification,
 *                 goto out_<policy>; peer = destination address.
 *              oifname @cam_ifaces -> in: peer = source address.
 *
 * The inbound direction. In the forward hook a packet routed toward a camera
 * has no destination MAC yet (the neighbour is resolved after postrouting),
 * so the camera cannot be identified the way the BPF egress program does it.
 * We identify it by its IP address instead: every IP packet a camera sends
 * (to the recorder itself or through it) passes prerouting, where its MAC
 * is classified and its source address learned into <policy>_a4/_a6. The
 * `in` chain looks the destination address up in those sets, isolate
 * policies first, then monitor, then allow: an address claimed by several
 * cameras (a spoofer) gets the strictest policy, so spoofing can only make
 * things stricter. A destination that no camera has used yet (a silent
 * camera, or right after a reload, which starts with empty learned sets)
 * is treated with the strictest action present in the model and no allow
 * rules: with any isolate policy loaded, outside -> unknown camera is
 * dropped (fail closed, counter "(unlearned) in ingress"); a monitor-only
 * roll-out only counts it; the enclave always passes.
 *
 * The in_<p> chains (and the unlearned path) start with LSRR/SSRR and a
 * strict reverse-path check, `fib saddr . iif oif missing` (spoof); every
 * policy chain ends with a later-fragment rule (fragment) after the
 * address-level allow lookups that may still pass a fragment.
 *
 * Rules are stateless and symmetric like the data plane's (DESIGN §2.6):
 * `to X proto P ports N` is element X . P . N of <p>_to4, matched as
 * daddr . l4proto . dport on out and saddr . l4proto . sport on in; `from`
 * rules the other way round. proto any is the range 0-255, no ports the
 * range 0-65535. The enclave always passes (the layer enforces "nothing
 * leaves the enclave"); deny lists drop first, also under monitor and allow.
 * Every drop (and every monitor would-drop) has a counter and a comment
 * "<policy> <out|in> <reason>", read back by nft_status().
 *
 * Atomicity: one batch "add table; delete table; add table ...; rules" is a
 * single nf_tables transaction, so a packet sees the old table or the new
 * one, never none. Every message carries NLM_F_ACK; the socket has
 * NETLINK_EXT_ACK and NETLINK_CAP_ACK, so an error comes back with the
 * offset of the attribute that failed, which names the set element, and we
 * map it to the policy item (device, OUI, prefix, rule) it was built from.
 *
 * The last batch is kept: nft_check_and_repair() compares the kernel's table
 * (handle, chains, rules, sets, elements of the static sets) with what it
 * holds and resends the batch when anything differs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if_arp.h>
#include <netinet/ip.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "nft.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

#define CG_NFT_TABLE       "camguard"
#define CG_NFT_PRIO        (-10)
#define CG_NFT_LEARN_MS    3600000ULL   /* learned address lifetime */
#define CG_NFT_LEARN_SIZE  65536
#define CG_NFT_MSG_ROOM    (72 * 1024)  /* every message is built into this much free space */
#define CG_NFT_ELEMS_BYTES 60000        /* nla_len is 16 bits: close element nests before */
#define CG_NFT_UNLEARNED   "(unlearned)" /* not a valid policy name */

/* nft's datatype ids (nftables src/datatype.h), for `nft list` to print keys. */
#define NFT_TYPE_IPADDR     7
#define NFT_TYPE_IP6ADDR    8
#define NFT_TYPE_ETHERADDR  9
#define NFT_TYPE_INET_PROTO 12
#define NFT_TYPE_INET_SERV  13
#define NFT_TYPE_IFNAME     41
#define NFT_TYPE_BITS       6

/* What a message or an element was built from, to name it in an error. */
enum tag_kind {
	TAG_NONE, TAG_TABLE, TAG_CHAIN, TAG_SET, TAG_RULE,
	TAG_IFACE, TAG_ENCLAVE, TAG_DEVICE, TAG_OUI, TAG_DENY, TAG_ALLOW,
};

struct tag {
	uint8_t kind;
	uint16_t pol;
	uint32_t idx;
};

struct msgrec {
	uint32_t seq;
	uint32_t off;        /* of the nlmsghdr in the batch buffer */
	uint32_t tag0, ntags;/* element messages: one tag (and offset) per element */
	struct tag tag;      /* the message itself */
	char name[64];       /* set or chain name */
};

struct batch {
	char *buf;
	size_t len, cap;
	struct msgrec *msgs;
	size_t nmsgs, capmsgs;
	struct tag *etags;        /* per element */
	uint32_t *eoffs;          /* per element: offset inside its message */
	size_t nelems, capelems;
	uint32_t seq;
	int oom;

	/* the element message being filled */
	struct nlmsghdr *cur;
	struct nlattr *nest;
	char curset[64];

	/* what the kernel should hold afterwards */
	unsigned nchains, nrules, nsets;
	struct { char name[64]; uint32_t n; } *setcount;
	size_t nsetcount;
};

struct cg_nft {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	struct batch last;      /* last batch that was applied */
	bool applied;
	uint64_t handle;        /* table handle after the last apply */
	unsigned repairs;
};

/* ---- small buffers ------------------------------------------------------ */

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t n;
	void *q;

	if (need <= *cap)
		return 0;
	n = *cap ? *cap : 16;
	while (n < need)
		n *= 2;
	q = realloc(*p, n * elem);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

static void batch_free(struct batch *b)
{
	free(b->buf);
	free(b->msgs);
	free(b->etags);
	free(b->eoffs);
	free(b->setcount);
	memset(b, 0, sizeof(*b));
}

/* Reserve room for one message and return where it starts. */
static char *batch_room(struct batch *b)
{
	if (b->oom || grow((void **)&b->buf, &b->cap, b->len + CG_NFT_MSG_ROOM, 1) < 0) {
		b->oom = 1;
		return NULL;
	}
	return b->buf + b->len;
}

static struct msgrec *batch_record(struct batch *b, struct nlmsghdr *nlh, struct tag t, const char *name)
{
	struct msgrec *r;

	if (grow((void **)&b->msgs, &b->capmsgs, b->nmsgs + 1, sizeof(*b->msgs)) < 0) {
		b->oom = 1;
		return NULL;
	}
	r = &b->msgs[b->nmsgs++];
	memset(r, 0, sizeof(*r));
	r->seq = nlh->nlmsg_seq;
	r->off = (uint32_t)((char *)nlh - b->buf);
	r->tag = t;
	snprintf(r->name, sizeof(r->name), "%s", name ? name : "");
	return r;
}

static void batch_commit(struct batch *b, struct nlmsghdr *nlh)
{
	b->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

static struct nlmsghdr *msg_start(struct batch *b, uint16_t type, uint16_t flags)
{
	char *p = batch_room(b);

	if (!p)
		return NULL;
	return nftnl_nlmsg_build_hdr(p, type, NFPROTO_INET, flags | NLM_F_ACK, b->seq++);
}

/* ---- objects through libnftnl ------------------------------------------ */

static void add_table(struct batch *b, uint16_t type, uint16_t flags)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	if (!t) {
		b->oom = 1;
		return;
	}
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, CG_NFT_TABLE);
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	nlh = msg_start(b, type, flags);
	if (nlh) {
		nftnl_table_nlmsg_build_payload(nlh, t);
		batch_record(b, nlh, (struct tag){ .kind = TAG_TABLE }, CG_NFT_TABLE);
		batch_commit(b, nlh);
	}
	nftnl_table_free(t);
}

static void add_chain(struct batch *b, const char *name, int hook, int prio)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

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
	nlh = msg_start(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE | NLM_F_EXCL);
	if (nlh) {
		nftnl_chain_nlmsg_build_payload(nlh, c);
		batch_record(b, nlh, (struct tag){ .kind = TAG_CHAIN }, name);
		batch_commit(b, nlh);
		b->nchains++;
	}
	nftnl_chain_free(c);
}

enum set_kind { SK_PLAIN, SK_INTERVAL, SK_CONCAT, SK_VMAP, SK_LEARN };

static void add_set(struct batch *b, const char *name, enum set_kind kind, uint32_t keytype,
		    uint32_t keylen, const uint8_t *fields, size_t nfields)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nlmsghdr *nlh;
	uint32_t flags = 0;
	static uint32_t setid;

	if (!s) {
		b->oom = 1;
		return;
	}
	nftnl_set_set_str(s, NFTNL_SET_TABLE, CG_NFT_TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, name);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, keytype);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, keylen);
	nftnl_set_set_u32(s, NFTNL_SET_ID, ++setid);
	switch (kind) {
	case SK_INTERVAL:
		flags = NFT_SET_INTERVAL;
		break;
	case SK_CONCAT:
		flags = NFT_SET_INTERVAL | NFT_SET_CONCAT;
		break;
	case SK_VMAP:
		flags = NFT_SET_MAP;
		nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE, NFT_DATA_VERDICT);
		nftnl_set_set_u32(s, NFTNL_SET_DATA_LEN, 0);
		break;
	case SK_LEARN:
		flags = NFT_SET_TIMEOUT | NFT_SET_EVAL;
		nftnl_set_set_u64(s, NFTNL_SET_TIMEOUT, CG_NFT_LEARN_MS);
		nftnl_set_set_u32(s, NFTNL_SET_DESC_SIZE, CG_NFT_LEARN_SIZE);
		break;
	default:
		break;
	}
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, flags);
	if (keytype == NFT_TYPE_IFNAME) {
		/* strings are host-order keys for nft: without this it prints them reversed */
		struct nftnl_udata_buf *u = nftnl_udata_buf_alloc(64);

		if (!u || !nftnl_udata_put_u32(u, NFTNL_UDATA_SET_KEYBYTEORDER, 1 /* BYTEORDER_HOST_ENDIAN */))
			b->oom = 1;
		else
			nftnl_set_set_data(s, NFTNL_SET_USERDATA, nftnl_udata_buf_data(u), nftnl_udata_buf_len(u));
		nftnl_udata_buf_free(u);
	}
	if (nfields) {
		uint8_t f[NFT_REG32_COUNT] = { 0 };

		memcpy(f, fields, nfields);
		nftnl_set_set_data(s, NFTNL_SET_DESC_CONCAT, f, (uint32_t)nfields);
	}
	nlh = msg_start(b, NFT_MSG_NEWSET, NLM_F_CREATE | NLM_F_EXCL);
	if (nlh) {
		nftnl_set_nlmsg_build_payload(nlh, s);
		batch_record(b, nlh, (struct tag){ .kind = TAG_SET }, name);
		batch_commit(b, nlh);
		b->nsets++;
	}
	nftnl_set_free(s);
}

/* ---- set elements through libmnl --------------------------------------- */

static void elems_close(struct batch *b)
{
	if (!b->cur)
		return;
	mnl_attr_nest_end(b->cur, b->nest);
	batch_commit(b, b->cur);
	b->cur = NULL;
}

static int elems_open(struct batch *b, const char *set)
{
	struct msgrec *r;

	b->cur = msg_start(b, NFT_MSG_NEWSETELEM, NLM_F_CREATE | NLM_F_EXCL);
	if (!b->cur)
		return -ENOMEM;
	mnl_attr_put_strz(b->cur, NFTA_SET_ELEM_LIST_TABLE, CG_NFT_TABLE);
	mnl_attr_put_strz(b->cur, NFTA_SET_ELEM_LIST_SET, set);
	b->nest = mnl_attr_nest_start(b->cur, NFTA_SET_ELEM_LIST_ELEMENTS);
	r = batch_record(b, b->cur, (struct tag){ .kind = TAG_SET }, set);
	if (!r)
		return -ENOMEM;
	r->tag0 = (uint32_t)b->nelems;
	snprintf(b->curset, sizeof(b->curset), "%s", set);
	return 0;
}

static void count_elem(struct batch *b, const char *set)
{
	if (b->nsetcount && !strcmp(b->setcount[b->nsetcount - 1].name, set)) {
		b->setcount[b->nsetcount - 1].n++;
		return;
	}
	for (size_t i = 0; i < b->nsetcount; i++)
		if (!strcmp(b->setcount[i].name, set)) {
			b->setcount[i].n++;
			return;
		}
	if (grow((void **)&b->setcount, &(size_t){ b->nsetcount }, b->nsetcount + 1, sizeof(*b->setcount)) < 0) {
		b->oom = 1;
		return;
	}
	snprintf(b->setcount[b->nsetcount].name, sizeof(b->setcount[0].name), "%s", set);
	b->setcount[b->nsetcount++].n = 1;
}

static void put_data(struct nlmsghdr *nlh, uint16_t type, const void *d, size_t len)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, type);

	mnl_attr_put(nlh, NFTA_DATA_VALUE, len, d);
	mnl_attr_nest_end(nlh, n);
}

/* One element: key [key_end] [flags] [verdict goto chain]. */
static void add_elem(struct batch *b, const char *set, const void *key, const void *kend, size_t klen,
		     uint32_t flags, const char *chain, struct tag t)
{
	struct nlattr *e;
	struct msgrec *r;

	if (b->oom)
		return;
	if (b->cur && (strcmp(b->curset, set) ||
		       (char *)mnl_nlmsg_get_payload_tail(b->cur) - (char *)b->nest > CG_NFT_ELEMS_BYTES))
		elems_close(b);
	if (!b->cur && elems_open(b, set) < 0) {
		b->oom = 1;
		return;
	}
	if (b->nelems + 1 > b->capelems) {
		size_t cap = b->capelems;
		uint32_t *o;

		if (grow((void **)&b->etags, &cap, b->nelems + 1, sizeof(*b->etags)) < 0 ||
		    !(o = realloc(b->eoffs, cap * sizeof(*b->eoffs)))) {
			b->oom = 1;
			return;
		}
		b->eoffs = o;
		b->capelems = cap;
	}
	r = &b->msgs[b->nmsgs - 1];
	b->etags[b->nelems] = t;
	b->eoffs[b->nelems] = (uint32_t)((char *)mnl_nlmsg_get_payload_tail(b->cur) - (char *)b->cur);
	b->nelems++;
	r->ntags++;

	e = mnl_attr_nest_start(b->cur, NFTA_LIST_ELEM);
	put_data(b->cur, NFTA_SET_ELEM_KEY, key, klen);
	if (kend)
		put_data(b->cur, NFTA_SET_ELEM_KEY_END, kend, klen);
	if (flags)
		mnl_attr_put_u32(b->cur, NFTA_SET_ELEM_FLAGS, htonl(flags));
	if (chain) {
		struct nlattr *d = mnl_attr_nest_start(b->cur, NFTA_SET_ELEM_DATA);
		struct nlattr *v = mnl_attr_nest_start(b->cur, NFTA_DATA_VERDICT);

		mnl_attr_put_u32(b->cur, NFTA_VERDICT_CODE, htonl((uint32_t)NFT_GOTO));
		mnl_attr_put_strz(b->cur, NFTA_VERDICT_CHAIN, chain);
		mnl_attr_nest_end(b->cur, v);
		mnl_attr_nest_end(b->cur, d);
	}
	mnl_attr_nest_end(b->cur, e);
	if (!(flags & NFT_SET_ELEM_INTERVAL_END))
		count_elem(b, set);
}

/* ---- rules -------------------------------------------------------------- */

struct rb {
	struct nftnl_rule *r;
	int oom;
};

static void rb_add(struct rb *rb, struct nftnl_expr *e)
{
	if (!e) {
		rb->oom = 1;
		return;
	}
	nftnl_rule_add_expr(rb->r, e);
}

static void x_meta(struct rb *rb, uint32_t key, uint32_t dreg)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, dreg);
	}
	rb_add(rb, e);
}

static void x_cmp(struct rb *rb, uint32_t sreg, uint32_t op, const void *d, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, sreg);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
		nftnl_expr_set_data(e, NFTNL_EXPR_CMP_DATA, d, len);
	}
	rb_add(rb, e);
}

static void x_payload(struct rb *rb, uint32_t base, uint32_t off, uint32_t len, uint32_t dreg)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, dreg);
	}
	rb_add(rb, e);
}

static void x_bitwise(struct rb *rb, uint32_t reg, const void *mask, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("bitwise");
	uint8_t zero[16] = { 0 };

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, reg);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, reg);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
		nftnl_expr_set_data(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
		nftnl_expr_set_data(e, NFTNL_EXPR_BITWISE_XOR, zero, len);
	}
	rb_add(rb, e);
}

static void x_lookup(struct rb *rb, uint32_t sreg, const char *set, bool vmap)
{
	struct nftnl_expr *e = nftnl_expr_alloc("lookup");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, sreg);
		nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set);
		if (vmap)
			nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_DREG, NFT_REG_VERDICT);
	}
	rb_add(rb, e);
}

static void x_dynset(struct rb *rb, uint32_t sreg, const char *set)
{
	struct nftnl_expr *e = nftnl_expr_alloc("dynset");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_DYNSET_SREG_KEY, sreg);
		nftnl_expr_set_u32(e, NFTNL_EXPR_DYNSET_OP, NFT_DYNSET_OP_UPDATE);
		nftnl_expr_set_str(e, NFTNL_EXPR_DYNSET_SET_NAME, set);
		nftnl_expr_set_u64(e, NFTNL_EXPR_DYNSET_TIMEOUT, CG_NFT_LEARN_MS);
	}
	rb_add(rb, e);
}

/* A lookup that matches when the key is NOT in the set. */
static void x_lookup_inv(struct rb *rb, uint32_t sreg, const char *set)
{
	struct nftnl_expr *e = nftnl_expr_alloc("lookup");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, sreg);
		nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set);
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_FLAGS, NFT_LOOKUP_F_INV);
	}
	rb_add(rb, e);
}

/* Constant data into a register (a port field of a concatenation). */
static void x_imm(struct rb *rb, uint32_t dreg, const void *d, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, dreg);
		nftnl_expr_set_data(e, NFTNL_EXPR_IMM_DATA, d, len);
	}
	rb_add(rb, e);
}

/* `fib <flags> <result>` into NFT_REG_1. */
static void x_fib(struct rb *rb, uint32_t flags, uint32_t result)
{
	struct nftnl_expr *e = nftnl_expr_alloc("fib");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, flags);
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, result);
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
	}
	rb_add(rb, e);
}

/* An extension header or IPv4 option field into NFT_REG_1 (present: 1 byte, 0/1). */
static void x_exthdr(struct rb *rb, uint32_t op, uint8_t type, uint32_t off, uint32_t len, bool present)
{
	struct nftnl_expr *e = nftnl_expr_alloc("exthdr");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_OP, op);
		nftnl_expr_set_u8(e, NFTNL_EXPR_EXTHDR_TYPE, type);
		nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_OFFSET, off);
		nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_LEN, len);
		nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_DREG, NFT_REG_1);
		if (present)
			nftnl_expr_set_u32(e, NFTNL_EXPR_EXTHDR_FLAGS, NFT_EXTHDR_F_PRESENT);
	}
	rb_add(rb, e);
}

static void x_log_limited(struct rb *rb, const char *prefix)
{
	struct nftnl_expr *l = nftnl_expr_alloc("limit"), *g;

	if (l) {
		nftnl_expr_set_u64(l, NFTNL_EXPR_LIMIT_RATE, 10);
		nftnl_expr_set_u64(l, NFTNL_EXPR_LIMIT_UNIT, 60);
		nftnl_expr_set_u32(l, NFTNL_EXPR_LIMIT_BURST, 5);
		nftnl_expr_set_u32(l, NFTNL_EXPR_LIMIT_TYPE, NFT_LIMIT_PKTS);
	}
	rb_add(rb, l);
	g = nftnl_expr_alloc("log");
	if (g)
		nftnl_expr_set_str(g, NFTNL_EXPR_LOG_PREFIX, prefix);
	rb_add(rb, g);
}

static void x_counter(struct rb *rb)
{
	rb_add(rb, nftnl_expr_alloc("counter"));
}

static void x_verdict(struct rb *rb, int verdict, const char *chain)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)verdict);
		if (chain)
			nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain);
	}
	rb_add(rb, e);
}

static void x_nfproto(struct rb *rb, uint8_t fam)
{
	x_meta(rb, NFT_META_NFPROTO, NFT_REG_1);
	x_cmp(rb, NFT_REG_1, NFT_CMP_EQ, &fam, 1);
}

static void x_ether_saddr(struct rb *rb)
{
	uint16_t ether = ARPHRD_ETHER;

	x_meta(rb, NFT_META_IIFTYPE, NFT_REG_1);
	x_cmp(rb, NFT_REG_1, NFT_CMP_EQ, &ether, sizeof(ether));
	x_payload(rb, NFT_PAYLOAD_LL_HEADER, 6, 6, NFT_REG_1);
}

/* ip saddr/daddr (fam 4) or ip6 saddr/daddr (6) into NFT_REG32_00.. */
static void x_addr(struct rb *rb, int fam, bool src)
{
	x_nfproto(rb, fam == 4 ? NFPROTO_IPV4 : NFPROTO_IPV6);
	if (fam == 4)
		x_payload(rb, NFT_PAYLOAD_NETWORK_HEADER, src ? 12 : 16, 4, NFT_REG32_00);
	else
		x_payload(rb, NFT_PAYLOAD_NETWORK_HEADER, src ? 8 : 24, 16, NFT_REG32_00);
}

static struct rb rule_start(const char *chain)
{
	struct rb rb = { .r = nftnl_rule_alloc() };

	if (!rb.r) {
		rb.oom = 1;
		return rb;
	}
	nftnl_rule_set_str(rb.r, NFTNL_RULE_TABLE, CG_NFT_TABLE);
	nftnl_rule_set_str(rb.r, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u32(rb.r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	return rb;
}

static void rule_end(struct batch *b, struct rb *rb, const char *comment, struct tag t)
{
	struct nlmsghdr *nlh;

	if (!rb->r) {
		b->oom = 1;
		return;
	}
	if (comment) {
		struct nftnl_udata_buf *u = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);

		if (!u || !nftnl_udata_put_strz(u, NFTNL_UDATA_RULE_COMMENT, comment))
			rb->oom = 1;
		else
			nftnl_rule_set_data(rb->r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(u),
					    nftnl_udata_buf_len(u));
		nftnl_udata_buf_free(u);
	}
	if (rb->oom) {
		b->oom = 1;
		nftnl_rule_free(rb->r);
		return;
	}
	nlh = msg_start(b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND);
	if (nlh) {
		nftnl_rule_nlmsg_build_payload(nlh, rb->r);
		batch_record(b, nlh, t, nftnl_rule_get_str(rb->r, NFTNL_RULE_CHAIN));
		batch_commit(b, nlh);
		b->nrules++;
	}
	nftnl_rule_free(rb->r);
}

/* ---- building the table from the model ---------------------------------- */

static const uint8_t mask_la[6]  = { 0x02, 0, 0, 0, 0, 0 };
static const uint8_t mask24[6]   = { 0xff, 0xff, 0xff, 0, 0, 0 };
static const uint8_t mask28[6]   = { 0xff, 0xff, 0xff, 0xf0, 0, 0 };
static const uint8_t mask36[6]   = { 0xff, 0xff, 0xff, 0xff, 0xf0, 0 };

struct range {
	uint8_t lo[24], hi[24];  /* inclusive; addr . proto . port packed for concat (16 + 4 + 4) */
	struct tag tag;
};

static int range_cmp(const void *a, const void *b)
{
	const struct range *x = a, *y = b;
	int c = memcmp(x->lo, y->lo, sizeof(x->lo));

	return c ? c : memcmp(x->hi, y->hi, sizeof(x->hi));
}

static void prefix_range(const struct cg_prefix *p, uint8_t lo[16], uint8_t hi[16])
{
	size_t n = p->family == 4 ? 4 : 16;

	memset(lo, 0, 16);
	memset(hi, 0, 16);
	for (size_t i = 0; i < n; i++) {
		int bits = (int)p->len - (int)(8 * i);
		uint8_t m = bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));

		lo[i] = p->addr[i] & m;
		hi[i] = (uint8_t)(lo[i] | (uint8_t)~m);
	}
}

static bool incr(uint8_t *a, size_t n)
{
	for (size_t i = n; i-- > 0;)
		if (++a[i])
			return true;
	return false;   /* wrapped: the range ended at the top of the space */
}

/* A plain interval set: sort, merge overlaps (the kernel refuses them), emit
 * start and end+1 elements. */
static int emit_intervals(struct batch *b, const char *set, struct range *r, size_t n, size_t alen)
{
	size_t i = 0;

	qsort(r, n, sizeof(*r), range_cmp);
	while (i < n) {
		struct range cur = r[i++];
		uint8_t end[16];

		while (i < n) {
			memcpy(end, cur.hi, alen);
			if (incr(end, alen) && memcmp(r[i].lo, end, alen) > 0)
				break;
			if (memcmp(r[i].hi, cur.hi, alen) > 0)
				memcpy(cur.hi, r[i].hi, alen);
			i++;
		}
		add_elem(b, set, cur.lo, NULL, alen, 0, NULL, cur.tag);
		memcpy(end, cur.hi, alen);
		if (incr(end, alen))
			add_elem(b, set, end, NULL, alen, NFT_SET_ELEM_INTERVAL_END, NULL, cur.tag);
	}
	return 0;
}

static int emit_prefix_set(struct batch *b, const char *set, const struct cg_prefix *p, size_t n, int fam,
			   uint8_t kind, uint16_t pol)
{
	struct range *r = calloc(n ? n : 1, sizeof(*r));
	size_t k = 0;

	if (!r)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (p[i].family != fam)
			continue;
		prefix_range(&p[i], r[k].lo, r[k].hi);
		r[k++].tag = (struct tag){ .kind = kind, .pol = pol, .idx = (uint32_t)i };
	}
	emit_intervals(b, set, r, k, fam == 4 ? 4 : 16);
	free(r);
	return 0;
}

static size_t count_family(const struct cg_prefix *p, size_t n, int fam)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += p[i].family == fam;
	return k;
}

/* Concatenated allow elements of one policy: kind CG_RULE_TO or _FROM. */
static int emit_allow(struct batch *b, const char *set, const struct cg_policy_spec *p, uint16_t pol,
		      int fam, int kind, size_t *ret_n)
{
	size_t alen = fam == 4 ? 4 : 16, klen = alen + 8, n = 0, cap = 0;
	struct range *r = NULL;

	for (size_t i = 0; i < p->nrules; i++) {
		const struct cg_rule_spec *rs = &p->rules[i];
		uint8_t protos[2];
		size_t np = 0;

		if (rs->enclave || rs->kind != kind || rs->prefix.family != fam)
			continue;
		if (rs->proto == 0 && rs->nranges)
			protos[np++] = IPPROTO_TCP, protos[np++] = IPPROTO_UDP;
		else
			protos[np++] = rs->proto;
		for (size_t j = 0; j < np; j++) {
			bool ports = rs->nranges && (protos[j] == IPPROTO_TCP || protos[j] == IPPROTO_UDP);
			size_t nr = ports ? rs->nranges : 1;

			for (size_t k = 0; k < nr; k++) {
				uint8_t lo[16], hi[16];
				struct range *e;
				uint16_t plo = ports ? htons(rs->ranges[k].lo) : 0;
				uint16_t phi = ports ? htons(rs->ranges[k].hi) : 0xffff;

				if (grow((void **)&r, &cap, n + 1, sizeof(*r)) < 0) {
					free(r);
					return -ENOMEM;
				}
				e = &r[n++];
				memset(e, 0, sizeof(*e));
				prefix_range(&rs->prefix, lo, hi);
				memcpy(e->lo, lo, alen);
				memcpy(e->hi, hi, alen);
				e->lo[alen] = protos[j];
				e->hi[alen] = protos[j] ? protos[j] : 0xff;
				memcpy(e->lo + alen + 4, &plo, 2);
				memcpy(e->hi + alen + 4, &phi, 2);
				e->tag = (struct tag){ .kind = TAG_ALLOW, .pol = pol, .idx = (uint32_t)i };
			}
		}
	}
	if (n) {
		/* identical elements are refused by the kernel: keep one */
		size_t u = 0;

		qsort(r, n, sizeof(*r), range_cmp);
		for (size_t i = 0; i < n; i++) {
			if (u && !memcmp(r[u - 1].lo, r[i].lo, sizeof(r->lo)) &&
			    !memcmp(r[u - 1].hi, r[i].hi, sizeof(r->hi)))
				continue;
			r[u++] = r[i];
		}
		if (ret_n)
			*ret_n = u;
		for (size_t i = 0; i < u; i++)
			add_elem(b, set, r[i].lo, r[i].hi, klen, 0, NULL, r[i].tag);
	} else if (ret_n) {
		*ret_n = 0;
	}
	free(r);
	return 0;
}

static size_t count_allow(const struct cg_policy_spec *p, int fam, int kind)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nrules; i++)
		n += !p->rules[i].enclave && p->rules[i].kind == kind && p->rules[i].prefix.family == fam;
	return n;
}

static void pname(char *buf, size_t len, const char *fmt, const struct cg_policy_spec *p)
{
	snprintf(buf, len, fmt, p->name);
}

/* lookup rule: [nfproto] load -> lookup @set -> verdict */
static void rule_addr_set(struct batch *b, const char *chain, int fam, bool src, const char *set,
			  int verdict, const char *target, bool counter, const char *comment, struct tag t)
{
	struct rb rb = rule_start(chain);

	x_addr(&rb, fam, src);
	x_lookup(&rb, NFT_REG32_00, set, false);
	if (counter)
		x_counter(&rb);
	x_verdict(&rb, verdict, target);
	rule_end(b, &rb, comment, t);
}

/* addr . l4proto . port @set return */
static void rule_allow(struct batch *b, const char *chain, int fam, bool src, bool sport, const char *set,
		       struct tag t)
{
	struct rb rb = rule_start(chain);

	x_addr(&rb, fam, src);
	x_meta(&rb, NFT_META_L4PROTO, fam == 4 ? NFT_REG32_01 : NFT_REG32_04);
	x_payload(&rb, NFT_PAYLOAD_TRANSPORT_HEADER, sport ? 0 : 2, 2, fam == 4 ? NFT_REG32_02 : NFT_REG32_05);
	x_lookup(&rb, NFT_REG32_00, set, false);
	x_verdict(&rb, NFT_RETURN, NULL);
	rule_end(b, &rb, NULL, t);
}

static void rule_tail(struct batch *b, const char *chain, uint8_t action, const char *pol, bool out)
{
	char comment[128];
	struct rb rb = rule_start(chain);

	snprintf(comment, sizeof(comment), "%s %s %s", pol, out ? "out" : "in",
		 action == CG_ACTION_ISOLATE ? (out ? "egress" : "ingress") : "monitor");
	x_counter(&rb);
	if (action == CG_ACTION_ISOLATE)
		x_verdict(&rb, NF_DROP, NULL);
	rule_end(b, &rb, comment, (struct tag){ .kind = TAG_RULE });
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
	G_SRC_LOCAL,            /* a camera using one of the recorder's addresses */
	G_RPF,                  /* in: the route back to the source leaves elsewhere */
	G_FRAG4, G_FRAG6,       /* a later fragment no address-level rule allowed */
};

/* ip frag-off & 0x1fff != 0 / exthdr frag frag-off != 0 */
static void x_later_frag(struct rb *rb, int fam)
{
	static const uint8_t zero[2] = { 0 }, m4[2] = { 0x1f, 0xff }, m6[2] = { 0xff, 0xf8 };

	x_nfproto(rb, fam == 4 ? NFPROTO_IPV4 : NFPROTO_IPV6);
	if (fam == 4)
		x_payload(rb, NFT_PAYLOAD_NETWORK_HEADER, 6, 2, NFT_REG_1);
	else
		x_exthdr(rb, NFT_EXTHDR_OP_IPV6, IPPROTO_FRAGMENT, 2, 2, false);
	x_bitwise(rb, NFT_REG_1, fam == 4 ? m4 : m6, 2);
	x_cmp(rb, NFT_REG_1, NFT_CMP_NEQ, zero, 2);
}

static void rule_guard(struct batch *b, const char *chain, enum guard g, uint8_t action, const char *pol,
		       bool out, struct tag t)
{
	static const uint8_t one = 1;
	static const uint32_t local = RTN_LOCAL, none = 0;
	char comment[128];
	const char *reason = "malformed";
	struct rb rb = rule_start(chain);

	switch (g) {
	case G_LSRR:
	case G_SSRR:
		x_nfproto(&rb, NFPROTO_IPV4);
		x_exthdr(&rb, NFT_EXTHDR_OP_IPV4, g == G_LSRR ? IPOPT_LSRR : IPOPT_SSRR, 0, 1, true);
		x_cmp(&rb, NFT_REG_1, NFT_CMP_EQ, &one, 1);
		break;
	case G_SRC4:
	case G_SRC6:
		x_addr(&rb, g == G_SRC4 ? 4 : 6, true);
		x_lookup_inv(&rb, NFT_REG32_00, g == G_SRC4 ? "enclave4" : "enclave6");
		reason = "spoof";
		break;
	case G_SRC_LOCAL:
		x_fib(&rb, NFTA_FIB_F_SADDR, NFT_FIB_RESULT_ADDRTYPE);
		x_cmp(&rb, NFT_REG_1, NFT_CMP_EQ, &local, sizeof(local));
		reason = "spoof";
		break;
	case G_RPF:
		/* fib saddr . iif oif missing */
		x_fib(&rb, NFTA_FIB_F_SADDR | NFTA_FIB_F_IIF, NFT_FIB_RESULT_OIF);
		x_cmp(&rb, NFT_REG_1, NFT_CMP_EQ, &none, sizeof(none));
		reason = "spoof";
		break;
	case G_FRAG4:
	case G_FRAG6:
		x_later_frag(&rb, g == G_FRAG4 ? 4 : 6);
		reason = "fragment";
		break;
	}
	snprintf(comment, sizeof(comment), "%s %s %s", pol, out ? "out" : "in",
		 action == CG_ACTION_ISOLATE ? reason : "monitor");
	x_counter(&rb);
	x_verdict(&rb, action == CG_ACTION_ISOLATE ? NF_DROP : NFT_RETURN, NULL);
	rule_end(b, &rb, comment, t);
}

/*
 * Link-local control traffic a camera sends with an address outside the
 * enclave (DHCP from 0.0.0.0, ND/MLD/mDNS from fe80::): passes before the
 * source guards, as in the data plane (cg_is_link_local), bound to where it
 * may go: 224.0.0.0/24 and ff02::/16, DHCP client to server ports, ND with
 * hop limit 255. Nothing of it is forwarded.
 */
static void link_local_returns(struct batch *b, const char *chain, struct tag t)
{
	static const uint8_t mc4[3] = { 224, 0, 0 }, mc6[2] = { 0xff, 0x02 };
	static const uint8_t dhcp4[4] = { 0, 68, 0, 67 }, dhcp6[4] = { 0x02, 0x22, 0x02, 0x23 };
	static const uint8_t udp = IPPROTO_UDP, icmp6 = IPPROTO_ICMPV6, nd_lo = 133, nd_hi = 137, hl = 255;
	struct rb rb;

	rb = rule_start(chain);
	x_nfproto(&rb, NFPROTO_IPV4);
	x_payload(&rb, NFT_PAYLOAD_NETWORK_HEADER, 16, 3, NFT_REG_1);
	x_cmp(&rb, NFT_REG_1, NFT_CMP_EQ, mc4, 3);
	x_verdict(&rb, NFT_RETURN, NULL);
	rule_end(b, &rb, NULL, t);

	rb = rule_start(chain);
	x_nfproto(&rb, NFPROTO_IPV6);
	x_payload(&rb, NFT_PAYLOAD_NETWORK_HEADER, 24, 2, NFT_REG_1);
	x_cmp(&rb, NFT_REG_1, NFT_CMP_EQ, mc6, 2);
	x_verdict(&rb, NFT_RETURN, NULL);
	rule_end(b, &rb, NULL, t);

	for (int fam = 4; fam <= 6; fam += 2) {
		rb = rule_start(chain);
		x_nfproto(&rb, fam == 4 ? NFPROTO_IPV4 : NFPROTO_IPV6);
		x_meta(&rb, NFT_META_L4PROTO, NFT_REG_1);
		x_cmp(&rb, NFT_REG_1, NFT_CMP_EQ, &udp, 1);
		x_payload(&rb, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 4, NFT_REG_1);
		x_cmp(&rb, NFT_REG_1, NFT_CMP_EQ, fam == 4 ? dhcp4 : dhcp6, 4);
		x_verdict(&rb, NFT_RETURN, NULL);
		rule_end(b, &rb, NULL, t);
	}

	rb = rule_start(chain);
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

/* A later fragment carries no ports: it may pass on an address-level rule
 * only (no ports: the port field of the element spans 0-65535, so port 0
 * stands for "any"), never on a port rule. */
static void rule_allow_frag(struct batch *b, const char *chain, int fam, bool src, const char *set,
			    struct tag t)
{
	static const uint8_t zero[2] = { 0 };
	struct rb rb = rule_start(chain);

	x_later_frag(&rb, fam);
	x_addr(&rb, fam, src);
	x_meta(&rb, NFT_META_L4PROTO, fam == 4 ? NFT_REG32_01 : NFT_REG32_04);
	x_imm(&rb, fam == 4 ? NFT_REG32_02 : NFT_REG32_05, zero, 2);
	x_lookup(&rb, NFT_REG32_00, set, false);
	x_verdict(&rb, NFT_RETURN, NULL);
	rule_end(b, &rb, NULL, t);
}

static void policy_chain(struct batch *b, const struct cg_policy_spec *p, uint16_t pi, bool out)
{
	char chain[96], set[96], comment[128];
	struct tag t = { .kind = TAG_RULE, .pol = pi };

	pname(chain, sizeof(chain), out ? "out_%s" : "in_%s", p);
	for (int fam = 4; fam <= 6; fam += 2) {
		if (!count_family(p->deny, p->ndeny, fam))
			continue;
		snprintf(set, sizeof(set), "%s_deny%d", p->name, fam);
		snprintf(comment, sizeof(comment), "%s %s deny_list", p->name, out ? "out" : "in");
		rule_addr_set(b, chain, fam, !out, set, NF_DROP, NULL, true, comment, t);
	}
	if (p->action == CG_ACTION_ALLOW)
		return;
	if (!out) {
		/* out: the same guards ran in prerouting (lrn_<policy>) */
		rule_guard(b, chain, G_LSRR, p->action, p->name, out, t);
		rule_guard(b, chain, G_SSRR, p->action, p->name, out, t);
		rule_guard(b, chain, G_RPF, p->action, p->name, out, t);
	}
	rule_addr_set(b, chain, 4, !out, "enclave4", NFT_RETURN, NULL, false, NULL, t);
	rule_addr_set(b, chain, 6, !out, "enclave6", NFT_RETURN, NULL, false, NULL, t);
	for (int fam = 4; fam <= 6; fam += 2) {
		if (count_allow(p, fam, CG_RULE_TO)) {
			snprintf(set, sizeof(set), "%s_to%d", p->name, fam);
			/* to: out dport, in sport */
			rule_allow(b, chain, fam, !out, !out, set, t);
			rule_allow_frag(b, chain, fam, !out, set, t);
		}
		if (count_allow(p, fam, CG_RULE_FROM)) {
			snprintf(set, sizeof(set), "%s_from%d", p->name, fam);
			rule_allow(b, chain, fam, !out, out, set, t);
			rule_allow_frag(b, chain, fam, !out, set, t);
		}
	}
	rule_guard(b, chain, G_FRAG4, p->action, p->name, out, t);
	rule_guard(b, chain, G_FRAG6, p->action, p->name, out, t);
	rule_tail(b, chain, p->action, p->name, out);
}

/* The MAC classification shared by out and learn: vmaps with goto. */
static void classify_rules(struct batch *b, const char *chain, const char *suffix, const char *defchain)
{
	static const struct { const char *set; const uint8_t *mask; } ouis[] = {
		{ "oui36", mask36 }, { "oui28", mask28 }, { "oui24", mask24 },
	};
	struct tag t = { .kind = TAG_RULE };
	char set[32];
	struct rb rb;

	rb = rule_start(chain);
	x_ether_saddr(&rb);
	snprintf(set, sizeof(set), "dev_%s", suffix);
	x_lookup(&rb, NFT_REG_1, set, true);
	rule_end(b, &rb, NULL, t);

	/* locally administered: never an OUI */
	rb = rule_start(chain);
	x_ether_saddr(&rb);
	x_bitwise(&rb, NFT_REG_1, mask_la, 6);
	x_cmp(&rb, NFT_REG_1, NFT_CMP_NEQ, (const uint8_t[6]){ 0 }, 6);
	x_verdict(&rb, NFT_GOTO, defchain);
	rule_end(b, &rb, NULL, t);

	for (size_t i = 0; i < 3; i++) {
		rb = rule_start(chain);
		x_ether_saddr(&rb);
		x_bitwise(&rb, NFT_REG_1, ouis[i].mask, 6);
		snprintf(set, sizeof(set), "%s_%s", ouis[i].set, suffix);
		x_lookup(&rb, NFT_REG_1, set, true);
		rule_end(b, &rb, NULL, t);
	}
	rb = rule_start(chain);
	x_verdict(&rb, NFT_GOTO, defchain);
	rule_end(b, &rb, NULL, t);
}

static void rule_iface(struct batch *b, const char *chain, uint32_t key, const char *target)
{
	struct rb rb = rule_start(chain);

	x_meta(&rb, key, NFT_REG_1);
	x_lookup(&rb, NFT_REG_1, "cam_ifaces", false);
	x_verdict(&rb, NFT_JUMP, target);
	rule_end(b, &rb, NULL, (struct tag){ .kind = TAG_RULE });
}

/* ether saddr into reg (after the address in a concatenation) */
static void x_ether_saddr_to(struct rb *rb, uint32_t reg)
{
	uint16_t ether = ARPHRD_ETHER;

	/* a register the address and the MAC do not use */
	x_meta(rb, NFT_META_IIFTYPE, NFT_REG32_15);
	x_cmp(rb, NFT_REG32_15, NFT_CMP_EQ, &ether, sizeof(ether));
	x_payload(rb, NFT_PAYLOAD_LL_HEADER, 6, 6, reg);
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
static void learn_chain(struct batch *b, const char *chain, const struct cg_policy_spec *p, struct tag t)
{
	char set[96], comment[128];

	if (p->action != CG_ACTION_ALLOW) {
		rule_guard(b, chain, G_LSRR, p->action, p->name, true, t);
		rule_guard(b, chain, G_SSRR, p->action, p->name, true, t);
		link_local_returns(b, chain, t);
		rule_guard(b, chain, G_SRC4, p->action, p->name, true, t);
		rule_guard(b, chain, G_SRC6, p->action, p->name, true, t);
		rule_guard(b, chain, G_SRC_LOCAL, p->action, p->name, true, t);
	}
	for (int fam = 4; fam <= 6; fam += 2) {
		uint32_t mac_reg = fam == 4 ? NFT_REG32_01 : NFT_REG32_04;
		const char *owned = fam == 4 ? "owned4" : "owned6", *pair = fam == 4 ? "pair4" : "pair6";

		for (int r = 0; r < 2; r++) {
			struct rb rb = rule_start(chain);

			x_addr(&rb, fam, true);
			x_lookup(&rb, NFT_REG32_00, owned, false);
			x_ether_saddr_to(&rb, mac_reg);
			x_lookup_inv(&rb, NFT_REG32_00, pair);
			if (r == 0) {
				snprintf(comment, sizeof(comment), "camguard: address conflict (%s): ", p->name);
				x_log_limited(&rb, comment);
				rule_end(b, &rb, NULL, t);
			} else {
				/* one word: not a "<policy> <dir> <reason>" counter */
				snprintf(comment, sizeof(comment), "address_conflict:%s", p->name);
				x_counter(&rb);
				x_verdict(&rb, NFT_RETURN, NULL);
				rule_end(b, &rb, comment, t);
			}
		}

		struct rb rb = rule_start(chain);

		snprintf(set, sizeof(set), "%s_a%d", p->name, fam);
		x_addr(&rb, fam, true);
		x_dynset(&rb, NFT_REG32_00, owned);
		x_dynset(&rb, NFT_REG32_00, set);
		x_ether_saddr_to(&rb, mac_reg);
		x_dynset(&rb, NFT_REG32_00, pair);
		rule_end(b, &rb, NULL, t);
	}
}

/* The in chain tries the learned sets strictest first: isolate, monitor,
 * allow, and within one action the policy with fewer allow rules first, so
 * that an address in two sets (a binding that aged out and was claimed
 * again) gets the stricter treatment, whatever the file order. */
static const struct cg_model *order_model;

static int strictness_cmp(const void *a, const void *b)
{
	const struct cg_policy_spec *x = &order_model->policies[*(const size_t *)a];
	const struct cg_policy_spec *y = &order_model->policies[*(const size_t *)b];

	if (x->action != y->action)
		return x->action < y->action ? -1 : 1;
	if (x->nrules != y->nrules)
		return x->nrules < y->nrules ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static int build(struct batch *b, const struct cg_model *m)
{
	const struct cg_policy_spec *def;
	uint8_t strictest = CG_ACTION_ALLOW;
	char name[96], name2[96];

	if (m->npolicies == 0 || m->default_index >= m->npolicies || m->npolicies > UINT16_MAX)
		return -EINVAL;
	def = &m->policies[m->default_index];

	{
		char *p = batch_room(b);
		struct nlmsghdr *nlh;

		if (!p)
			return -ENOMEM;
		nlh = nftnl_batch_begin(p, b->seq++);
		batch_commit(b, nlh);
	}
	/* "add table" never fails, so the delete always finds a table: an
	 * absent table and a present one are replaced alike. */
	add_table(b, NFT_MSG_NEWTABLE, NLM_F_CREATE);
	add_table(b, NFT_MSG_DELTABLE, 0);
	add_table(b, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL);
	b->nchains = b->nrules = b->nsets = 0;

	/* chains first: the vmaps' elements name them */
	add_chain(b, "prerouting", NF_INET_PRE_ROUTING, CG_NFT_PRIO);
	add_chain(b, "forward", NF_INET_FORWARD, CG_NFT_PRIO);
	add_chain(b, "learn", -1, 0);
	add_chain(b, "out", -1, 0);
	add_chain(b, "in", -1, 0);
	for (size_t i = 0; i < m->npolicies; i++) {
		const struct cg_policy_spec *p = &m->policies[i];

		pname(name, sizeof(name), "lrn_%s", p);
		add_chain(b, name, -1, 0);
		pname(name, sizeof(name), "out_%s", p);
		add_chain(b, name, -1, 0);
		pname(name, sizeof(name), "in_%s", p);
		add_chain(b, name, -1, 0);
		if (p->action < strictest)
			strictest = p->action;
	}

	/* sets */
	add_set(b, "cam_ifaces", SK_PLAIN, NFT_TYPE_IFNAME, 16, NULL, 0);
	add_set(b, "enclave4", SK_INTERVAL, NFT_TYPE_IPADDR, 4, NULL, 0);
	add_set(b, "enclave6", SK_INTERVAL, NFT_TYPE_IP6ADDR, 16, NULL, 0);
	add_set(b, "owned4", SK_LEARN, NFT_TYPE_IPADDR, 4, NULL, 0);
	add_set(b, "owned6", SK_LEARN, NFT_TYPE_IP6ADDR, 16, NULL, 0);
	add_set(b, "pair4", SK_LEARN, (NFT_TYPE_IPADDR << NFT_TYPE_BITS) | NFT_TYPE_ETHERADDR, 4 + 8, NULL, 0);
	add_set(b, "pair6", SK_LEARN, (NFT_TYPE_IP6ADDR << NFT_TYPE_BITS) | NFT_TYPE_ETHERADDR, 16 + 8, NULL, 0);
	for (int s = 0; s < 2; s++) {
		const char *suf = s ? "lrn" : "out";

		snprintf(name, sizeof(name), "dev_%s", suf);
		add_set(b, name, SK_VMAP, NFT_TYPE_ETHERADDR, 6, NULL, 0);
		for (int bits = 24; bits <= 36; bits += 4) {
			if (bits == 32)
				continue;
			snprintf(name, sizeof(name), "oui%d_%s", bits, suf);
			add_set(b, name, SK_VMAP, NFT_TYPE_ETHERADDR, 6, NULL, 0);
		}
	}
	for (size_t i = 0; i < m->npolicies; i++) {
		const struct cg_policy_spec *p = &m->policies[i];
		static const uint8_t f4[] = { 4, 1, 2 }, f6[] = { 16, 1, 2 };

		for (int fam = 4; fam <= 6; fam += 2) {
			uint32_t at = fam == 4 ? NFT_TYPE_IPADDR : NFT_TYPE_IP6ADDR, alen = fam == 4 ? 4 : 16;
			uint32_t ct = (((at << NFT_TYPE_BITS) | NFT_TYPE_INET_PROTO) << NFT_TYPE_BITS) |
				      NFT_TYPE_INET_SERV;

			snprintf(name, sizeof(name), "%s_a%d", p->name, fam);
			add_set(b, name, SK_LEARN, at, alen, NULL, 0);
			if (count_family(p->deny, p->ndeny, fam)) {
				snprintf(name, sizeof(name), "%s_deny%d", p->name, fam);
				add_set(b, name, SK_INTERVAL, at, alen, NULL, 0);
			}
			if (count_allow(p, fam, CG_RULE_TO)) {
				snprintf(name, sizeof(name), "%s_to%d", p->name, fam);
				add_set(b, name, SK_CONCAT, ct, alen + 8, fam == 4 ? f4 : f6, 3);
			}
			if (count_allow(p, fam, CG_RULE_FROM)) {
				snprintf(name, sizeof(name), "%s_from%d", p->name, fam);
				add_set(b, name, SK_CONCAT, ct, alen + 8, fam == 4 ? f4 : f6, 3);
			}
		}
	}

	/* elements */
	for (size_t i = 0; i < m->config.nifaces; i++) {
		char ifn[16] = { 0 };

		snprintf(ifn, sizeof(ifn), "%s", m->config.ifaces[i].name);
		add_elem(b, "cam_ifaces", ifn, NULL, 16, 0, NULL,
			 (struct tag){ .kind = TAG_IFACE, .idx = (uint32_t)i });
	}
	if (emit_prefix_set(b, "enclave4", m->config.enclave, m->config.nenclave, 4, TAG_ENCLAVE, 0) < 0 ||
	    emit_prefix_set(b, "enclave6", m->config.enclave, m->config.nenclave, 6, TAG_ENCLAVE, 0) < 0)
		return -ENOMEM;
	for (int s = 0; s < 2; s++) {
		const char *suf = s ? "lrn" : "out", *fmt = s ? "lrn_%s" : "out_%s";

		for (size_t i = 0; i < m->npolicies; i++) {
			const struct cg_policy_spec *p = &m->policies[i];

			pname(name2, sizeof(name2), fmt, p);
			snprintf(name, sizeof(name), "dev_%s", suf);
			for (size_t j = 0; j < p->ndevices; j++)
				add_elem(b, name, p->devices[j].mac, NULL, 6, 0, name2,
					 (struct tag){ .kind = TAG_DEVICE, .pol = (uint16_t)i, .idx = (uint32_t)j });
		}
		/* Devices the advisories moved (issue 18), as in compile_model():
		 * an explicitly listed MAC keeps its policy. */
		for (size_t k = 0; k < m->nmoved; k++) {
			const struct cg_moved_device *mv = &m->moved[k];
			bool listed = mv->policy >= m->npolicies;

			for (size_t i = 0; i < m->npolicies && !listed; i++)
				for (size_t j = 0; j < m->policies[i].ndevices && !listed; j++)
					listed = !memcmp(m->policies[i].devices[j].mac, mv->mac, 6);
			if (listed)
				continue;
			pname(name2, sizeof(name2), fmt, &m->policies[mv->policy]);
			snprintf(name, sizeof(name), "dev_%s", suf);
			add_elem(b, name, mv->mac, NULL, 6, 0, name2,
				 (struct tag){ .kind = TAG_DEVICE, .pol = mv->policy, .idx = UINT32_MAX });
		}
		for (int bits = 24; bits <= 36; bits += 4) {
			if (bits == 32)
				continue;
			snprintf(name, sizeof(name), "oui%d_%s", bits, suf);
			for (size_t i = 0; i < m->npolicies; i++) {
				const struct cg_policy_spec *p = &m->policies[i];

				pname(name2, sizeof(name2), fmt, p);
				for (size_t j = 0; j < p->nouis; j++) {
					uint8_t mac[6] = { 0 };

					if (p->ouis[j].bits != bits)
						continue;
					memcpy(mac, p->ouis[j].bytes, 5);
					for (int k = 0; k < 6; k++)
						mac[k] &= (bits == 24 ? mask24 : bits == 28 ? mask28 : mask36)[k];
					add_elem(b, name, mac, NULL, 6, 0, name2,
						 (struct tag){ .kind = TAG_OUI, .pol = (uint16_t)i, .idx = (uint32_t)j });
				}
			}
		}
	}
	for (size_t i = 0; i < m->npolicies; i++) {
		const struct cg_policy_spec *p = &m->policies[i];

		for (int fam = 4; fam <= 6; fam += 2) {
			snprintf(name, sizeof(name), "%s_deny%d", p->name, fam);
			if (count_family(p->deny, p->ndeny, fam) &&
			    emit_prefix_set(b, name, p->deny, p->ndeny, fam, TAG_DENY, (uint16_t)i) < 0)
				return -ENOMEM;
			snprintf(name, sizeof(name), "%s_to%d", p->name, fam);
			if (emit_allow(b, name, p, (uint16_t)i, fam, CG_RULE_TO, NULL) < 0)
				return -ENOMEM;
			snprintf(name, sizeof(name), "%s_from%d", p->name, fam);
			if (emit_allow(b, name, p, (uint16_t)i, fam, CG_RULE_FROM, NULL) < 0)
				return -ENOMEM;
		}
	}
	elems_close(b);

	/* rules */
	rule_iface(b, "prerouting", NFT_META_IIFNAME, "learn");
	rule_iface(b, "forward", NFT_META_IIFNAME, "out");
	rule_iface(b, "forward", NFT_META_OIFNAME, "in");
	pname(name, sizeof(name), "lrn_%s", def);
	classify_rules(b, "learn", "lrn", name);
	pname(name, sizeof(name), "out_%s", def);
	classify_rules(b, "out", "out", name);

	/* in: by learned address, strictest policy first */
	{
		size_t *order = calloc(m->npolicies, sizeof(*order));

		if (!order)
			return -ENOMEM;
		for (size_t i = 0; i < m->npolicies; i++)
			order[i] = i;
		order_model = m;
		qsort(order, m->npolicies, sizeof(*order), strictness_cmp);
		for (size_t k = 0; k < m->npolicies; k++) {
			size_t i = order[k];
			const struct cg_policy_spec *p = &m->policies[i];

			pname(name2, sizeof(name2), "in_%s", p);
			for (int fam = 4; fam <= 6; fam += 2) {
				snprintf(name, sizeof(name), "%s_a%d", p->name, fam);
				rule_addr_set(b, "in", fam, false, name, NFT_GOTO, name2, false, NULL,
					      (struct tag){ .kind = TAG_RULE, .pol = (uint16_t)i });
			}
		}
		free(order);
	}
	if (strictest != CG_ACTION_ALLOW) {
		struct tag t = { .kind = TAG_RULE };

		rule_guard(b, "in", G_LSRR, strictest, CG_NFT_UNLEARNED, false, t);
		rule_guard(b, "in", G_SSRR, strictest, CG_NFT_UNLEARNED, false, t);
		rule_guard(b, "in", G_RPF, strictest, CG_NFT_UNLEARNED, false, t);
		rule_addr_set(b, "in", 4, true, "enclave4", NFT_RETURN, NULL, false, NULL, (struct tag){ .kind = TAG_RULE });
		rule_addr_set(b, "in", 6, true, "enclave6", NFT_RETURN, NULL, false, NULL, (struct tag){ .kind = TAG_RULE });
		rule_tail(b, "in", strictest, CG_NFT_UNLEARNED, false);
	}

	for (size_t i = 0; i < m->npolicies; i++) {
		const struct cg_policy_spec *p = &m->policies[i];
		struct tag t = { .kind = TAG_RULE, .pol = (uint16_t)i };

		pname(name, sizeof(name), "lrn_%s", p);
		learn_chain(b, name, p, t);
		policy_chain(b, p, (uint16_t)i, true);
		policy_chain(b, p, (uint16_t)i, false);
	}

	{
		char *p = batch_room(b);
		struct nlmsghdr *nlh;

		if (!p)
			return -ENOMEM;
		nlh = nftnl_batch_end(p, b->seq++);
		batch_commit(b, nlh);
	}
	return b->oom ? -ENOMEM : 0;
}

/* ---- errors back to the model ------------------------------------------- */

static void describe(char *err, size_t errlen, const struct cg_model *m, const struct tag *t, const char *name)
{
	const struct cg_policy_spec *p = m && t->pol < m->npolicies ? &m->policies[t->pol] : NULL;
	const struct cg_origin *o = NULL;
	char what[128] = "", pre[16] = "";

	switch (t->kind) {
	case TAG_IFACE:
		if (m && t->idx < m->config.nifaces) {
			snprintf(what, sizeof(what), "interface %s", m->config.ifaces[t->idx].name);
			o = &m->config.ifaces[t->idx].origin;
		}
		p = NULL;
		break;
	case TAG_ENCLAVE:
		if (m && t->idx < m->config.nenclave) {
			strcpy(pre, "enclave ");
			addr_format_prefix(&m->config.enclave[t->idx], what, sizeof(what));
		}
		p = NULL;
		break;
	case TAG_DEVICE:
		if (p && t->idx < p->ndevices) {
			strcpy(pre, "device ");
			addr_format_mac(p->devices[t->idx].mac, what);
			o = &p->devices[t->idx].origin;
		}
		break;
	case TAG_OUI:
		if (p && t->idx < p->nouis) {
			const struct cg_oui_spec *u = &p->ouis[t->idx];

			snprintf(what, sizeof(what), "oui %02x:%02x:%02x:%02x:%02x/%u", u->bytes[0], u->bytes[1],
				 u->bytes[2], u->bytes[3], u->bytes[4], u->bits);
			o = &u->origin;
		}
		break;
	case TAG_DENY:
		if (p && t->idx < p->ndeny) {
			strcpy(pre, "deny ");
			addr_format_prefix(&p->deny[t->idx], what, sizeof(what));
			o = p->deny_origins ? &p->deny_origins[t->idx] : NULL;
		}
		break;
	case TAG_ALLOW:
		if (p && t->idx < p->nrules) {
			strcpy(pre, "allow rule ");
			addr_format_prefix(&p->rules[t->idx].prefix, what, sizeof(what));
			o = &p->rules[t->idx].origin;
		}
		break;
	case TAG_RULE:
		snprintf(what, sizeof(what), "rule in chain %s", name);
		break;
	default:
		snprintf(what, sizeof(what), "%s %s", t->kind == TAG_TABLE ? "table" :
			 t->kind == TAG_CHAIN ? "chain" : "set", name);
		p = NULL;
		break;
	}
	if (!what[0])
		snprintf(what, sizeof(what), "set %s", name);
	if (p && t->kind != TAG_RULE)
		snprintf(err, errlen, "policy %s: %s%s", p->name, pre, what);
	else
		snprintf(err, errlen, "%s%s", pre, what);
	if (o && o->file) {
		size_t l = strlen(err);

		snprintf(err + l, errlen - l, " (%s:%d)", o->file, o->line);
	}
}

/* ---- netlink -------------------------------------------------------------- */

static int sock_buf(struct cg_nft *nft, int force, int plain, size_t len)
{
	int fd = mnl_socket_get_fd(nft->nl), v = len > INT32_MAX ? INT32_MAX : (int)len;

	if (setsockopt(fd, SOL_SOCKET, force, &v, sizeof(v)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, plain, &v, sizeof(v)) < 0)
		return -errno;
	return 0;
}

int nft_open(struct cg_nft **ret)
{
	struct cg_nft *nft = calloc(1, sizeof(*nft));
	int one = 1;

	if (!nft)
		return -ENOMEM;
	nft->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!nft->nl) {
		int e = -errno;

		free(nft);
		return e;
	}
	if (mnl_socket_bind(nft->nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_setsockopt(nft->nl, NETLINK_EXT_ACK, &one, sizeof(one)) < 0 ||
	    mnl_socket_setsockopt(nft->nl, NETLINK_CAP_ACK, &one, sizeof(one)) < 0) {
		int e = -errno;

		mnl_socket_close(nft->nl);
		free(nft);
		return e;
	}
	nft->portid = mnl_socket_get_portid(nft->nl);
	nft->seq = (uint32_t)time(NULL);
	*ret = nft;
	return 0;
}

void nft_close(struct cg_nft *nft)
{
	if (!nft)
		return;
	mnl_socket_close(nft->nl);
	batch_free(&nft->last);
	free(nft);
}

static struct msgrec *find_msg(struct batch *b, uint32_t seq)
{
	size_t lo = 0, hi = b->nmsgs;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (b->msgs[mid].seq == seq)
			return &b->msgs[mid];
		if (b->msgs[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Renumber a kept batch so that its acks are told apart from older ones. */
static void renumber(struct batch *b, uint32_t *seq)
{
	size_t off = 0, k = 0;

	while (off < b->len) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)(b->buf + off);

		if (k < b->nmsgs && b->msgs[k].off == off)
			b->msgs[k++].seq = *seq;
		nlh->nlmsg_seq = (*seq)++;
		off += NLMSG_ALIGN(nlh->nlmsg_len);
	}
}

static void ack_error(struct batch *b, const struct cg_model *m, const struct nlmsghdr *nlh,
		      const struct nlmsgerr *e, char *err, size_t errlen)
{
	size_t poff = sizeof(*e);
	const struct nlattr *a;
	const char *emsg = NULL;
	uint32_t offs = 0;
	struct msgrec *r;
	char what[384];
	struct tag t;

	if (!err)
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		poff += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		mnl_attr_for_each(a, nlh, poff) {
			if (mnl_attr_get_type(a) == NLMSGERR_ATTR_OFFS)
				offs = mnl_attr_get_u32(a);
			else if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG)
				emsg = mnl_attr_get_str(a);
		}
	r = find_msg(b, nlh->nlmsg_seq);
	if (!r) {
		snprintf(err, errlen, "nftables: %s", strerror(-e->error));
		return;
	}
	t = r->tag;
	/* the element whose nest holds the failing attribute (or, without an
	 * offset, the message's first) */
	for (uint32_t i = 0; i < r->ntags; i++)
		if (b->eoffs[r->tag0 + i] <= offs || i == 0)
			t = b->etags[r->tag0 + i];
	describe(what, sizeof(what), m, &t, r->name);
	if (t.kind >= TAG_IFACE)
		snprintf(err, errlen, "%s (set %s%s): %s%s%s", what, r->name, offs ? "" : ", first element",
			 strerror(-e->error), emsg ? ": " : "", emsg ? emsg : "");
	else
		snprintf(err, errlen, "%s: %s%s%s", what, strerror(-e->error), emsg ? ": " : "", emsg ? emsg : "");
}

/* Send the batch, read every ack. 0, or the first error (described). */
static int batch_send(struct cg_nft *nft, struct batch *b, const struct cg_model *m, char *err, size_t errlen)
{
	const size_t rlen = MNL_SOCKET_BUFFER_SIZE * 4;
	int fd = mnl_socket_get_fd(nft->nl), first = 0;
	size_t acked = 0;
	char *rbuf;
	ssize_t n;

	renumber(b, &nft->seq);
	sock_buf(nft, SO_SNDBUFFORCE, SO_SNDBUF, b->len + 4096);
	sock_buf(nft, SO_RCVBUFFORCE, SO_RCVBUF, b->nmsgs * 2048 + (1 << 20));
	rbuf = malloc(rlen);
	if (!rbuf)
		return -ENOMEM;
	/* stale messages from an earlier, interrupted exchange */
	while (recv(fd, rbuf, rlen, MSG_DONTWAIT) > 0)
		;
	if (mnl_socket_sendto(nft->nl, b->buf, b->len) < 0) {
		first = -errno;
		if (err)
			snprintf(err, errlen, "sending the nftables batch (%zu bytes): %s", b->len, strerror(-first));
		goto out;
	}
	/* nfnetlink processes the whole batch inside sendmsg(): every ack is
	 * queued by now. A batch that failed may be cut short (only the error
	 * is reported), so "socket empty" ends the read, not the count. */
	while (acked < b->nmsgs) {
		int len;

		n = recv(fd, rbuf, rlen, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN && first)
			break;
		if (n < 0 && errno == EAGAIN) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };

			if (poll(&pfd, 1, 2000) > 0)
				continue;
			first = -ETIMEDOUT;
			if (err)
				snprintf(err, errlen, "nftables: %zu of %zu acks missing", b->nmsgs - acked, b->nmsgs);
			break;
		}
		if (n <= 0) {
			first = n < 0 ? -errno : -EPIPE;
			if (err)
				snprintf(err, errlen, "reading nftables acks: %s", strerror(-first));
			break;
		}
		len = (int)n;
		for (struct nlmsghdr *nlh = (struct nlmsghdr *)rbuf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct nlmsgerr *e;

			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			e = mnl_nlmsg_get_payload(nlh);
			acked++;
			if (e->error && !first) {
				first = e->error;
				ack_error(b, m, nlh, e, err, errlen);
			}
		}
	}
out:
	free(rbuf);
	return first;
}

/* ---- reading the kernel's table ------------------------------------------ */

struct dump {
	int (*cb)(const struct nlmsghdr *nlh, void *data);
	void *data;
};

static int dump(struct cg_nft *nft, uint16_t type, uint16_t flags, void (*payload)(struct nlmsghdr *, void *),
		void *obj, mnl_cb_t cb, void *data)
{
	char *buf = malloc(MNL_SOCKET_BUFFER_SIZE * 4);
	struct nlmsghdr *nlh;
	uint32_t seq = nft->seq++;
	int r = 0;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	nlh = nftnl_nlmsg_build_hdr(buf, type, NFPROTO_INET, flags, seq);
	if (payload)
		payload(nlh, obj);
	if (mnl_socket_sendto(nft->nl, nlh, nlh->nlmsg_len) < 0) {
		r = -errno;
		goto out;
	}
	while ((n = mnl_socket_recvfrom(nft->nl, buf, MNL_SOCKET_BUFFER_SIZE * 4)) > 0) {
		r = mnl_cb_run(buf, (size_t)n, seq, nft->portid, cb, data);
		if (r <= MNL_CB_STOP)
			break;
	}
	if (n < 0)
		r = -errno;
	else if (r < 0)
		r = -errno;
	else
		r = 0;
out:
	free(buf);
	return r;
}

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

/* handle of table inet camguard, 0 when absent */
static int get_handle(struct cg_nft *nft, uint64_t *ret)
{
	struct nftnl_table *t = nftnl_table_alloc();
	int r;

	if (!t)
		return -ENOMEM;
	*ret = 0;
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, CG_NFT_TABLE);
	r = dump(nft, NFT_MSG_GETTABLE, NLM_F_ACK, table_payload, t, table_cb, ret);
	nftnl_table_free(t);
	return r == -ENOENT ? 0 : r;
}

struct status {
	unsigned chains, rules, sets;
	json_object *counters;   /* NULL: only count */
	int oom;
};

static int chain_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct status *st = data;

	if (!c)
		return MNL_CB_ERROR;
	if (nftnl_chain_nlmsg_parse(nlh, c) == 0 &&
	    !strcmp(nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE) ?: "", CG_NFT_TABLE))
		st->chains++;
	nftnl_chain_free(c);
	return MNL_CB_OK;
}

static int set_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct status *st = data;

	if (!s)
		return MNL_CB_ERROR;
	if (nftnl_set_nlmsg_parse(nlh, s) == 0 &&
	    !strcmp(nftnl_set_get_str(s, NFTNL_SET_TABLE) ?: "", CG_NFT_TABLE))
		st->sets++;
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

static void add_counter(struct status *st, const char *comment, const struct ctr *c)
{
	char pol[CG_NAME_MAX + 16], dir[8], reason[32];
	json_object *e = NULL, *reasons, *rr;
	size_t n;

	if (sscanf(comment, "%79s %7s %31s", pol, dir, reason) != 3)
		return;
	n = json_object_array_length(st->counters);
	for (size_t i = 0; i < n; i++) {
		json_object *x = json_object_array_get_idx(st->counters, i), *v;

		if (json_object_object_get_ex(x, "policy", &v) && !strcmp(json_object_get_string(v), pol) &&
		    json_object_object_get_ex(x, "direction", &v) && !strcmp(json_object_get_string(v), dir)) {
			e = x;
			break;
		}
	}
	if (!e) {
		e = json_object_new_object();
		if (!e || json_object_array_add(st->counters, e) < 0) {
			json_object_put(e);
			st->oom = 1;
			return;
		}
		json_object_object_add(e, "policy", json_object_new_string(pol));
		json_object_object_add(e, "direction", json_object_new_string(dir));
		json_object_object_add(e, "packets", json_object_new_int64(0));
		json_object_object_add(e, "bytes", json_object_new_int64(0));
		json_object_object_add(e, "reasons", json_object_new_object());
	}
	{
		json_object *v;

		json_object_object_get_ex(e, "packets", &v);
		json_object_set_int64(v, json_object_get_int64(v) + (int64_t)c->pk);
		json_object_object_get_ex(e, "bytes", &v);
		json_object_set_int64(v, json_object_get_int64(v) + (int64_t)c->by);
	}
	json_object_object_get_ex(e, "reasons", &reasons);
	if (json_object_object_get_ex(reasons, reason, &rr)) {
		/* one reason, several rules (IPv4 and IPv6) */
		json_object *v;

		json_object_object_get_ex(rr, "packets", &v);
		json_object_set_int64(v, json_object_get_int64(v) + (int64_t)c->pk);
		json_object_object_get_ex(rr, "bytes", &v);
		json_object_set_int64(v, json_object_get_int64(v) + (int64_t)c->by);
		return;
	}
	rr = json_object_new_object();
	if (!rr || json_object_object_add(reasons, reason, rr) < 0) {
		json_object_put(rr);
		st->oom = 1;
		return;
	}
	json_object_object_add(rr, "packets", json_object_new_int64((int64_t)c->pk));
	json_object_object_add(rr, "bytes", json_object_new_int64((int64_t)c->by));
}

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct status *st = data;

	if (!r)
		return MNL_CB_ERROR;
	if (nftnl_rule_nlmsg_parse(nlh, r) == 0 &&
	    !strcmp(nftnl_rule_get_str(r, NFTNL_RULE_TABLE) ?: "", CG_NFT_TABLE)) {
		st->rules++;
		if (st->counters && nftnl_rule_is_set(r, NFTNL_RULE_USERDATA)) {
			uint32_t len;
			const void *u = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len);
			const char *comment = NULL;
			struct ctr c = { 0 };

			nftnl_udata_parse(u, len, comment_cb, &comment);
			nftnl_expr_foreach(r, expr_cb, &c);
			if (comment)
				add_counter(st, comment, &c);
		}
	}
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

static int read_table(struct cg_nft *nft, struct status *st)
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
	e = dump(nft, NFT_MSG_GETCHAIN, NLM_F_DUMP, NULL, NULL, chain_cb, st);
	if (!e)
		e = dump(nft, NFT_MSG_GETRULE, NLM_F_DUMP, rule_payload, r, rule_cb, st);
	if (!e)
		e = dump(nft, NFT_MSG_GETSET, NLM_F_DUMP, set_payload, s, set_cb, st);
	nftnl_rule_free(r);
	nftnl_set_free(s);
	return e ? e : st->oom ? -ENOMEM : 0;
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
	e = dump(nft, NFT_MSG_GETSETELEM, NLM_F_DUMP, elem_payload, s, elem_count_cb, ret);
	nftnl_set_free(s);
	return e;
}

/* ---- API ------------------------------------------------------------------ */

int nft_apply(struct cg_nft *nft, const struct cg_model *m, char *err, size_t errlen)
{
	struct batch b = { 0 };
	int r;

	if (err && errlen)
		err[0] = 0;
	r = build(&b, m);
	if (r < 0) {
		if (err)
			snprintf(err, errlen, r == -EINVAL ? "nftables: the model has no default policy" :
				 "nftables: out of memory building the batch");
		batch_free(&b);
		return r;
	}
	r = batch_send(nft, &b, m, err, errlen);
	if (r < 0) {
		batch_free(&b);
		return r;
	}
	batch_free(&nft->last);
	nft->last = b;
	nft->applied = true;
	return get_handle(nft, &nft->handle);
}

/* 1 when the kernel's table differs from the last applied one. */
static int differs(struct cg_nft *nft)
{
	struct status st = { 0 };
	uint64_t h;
	int r = get_handle(nft, &h);

	if (r < 0)
		return r;
	if (!h || h != nft->handle)
		return 1;
	r = read_table(nft, &st);
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

int nft_check_and_repair(struct cg_nft *nft)
{
	int r;

	if (!nft->applied)
		return 0;
	r = differs(nft);
	if (r <= 0)
		return r;
	r = batch_send(nft, &nft->last, NULL, NULL, 0);
	if (r < 0)
		return r;
	nft->repairs++;
	r = get_handle(nft, &nft->handle);
	return r < 0 ? r : 1;
}

int nft_remove(struct cg_nft *nft)
{
	struct batch b = { .seq = nft->seq };
	char *p;
	int r;

	p = batch_room(&b);
	if (!p)
		return -ENOMEM;
	batch_commit(&b, nftnl_batch_begin(p, b.seq++));
	add_table(&b, NFT_MSG_DELTABLE, 0);
	p = batch_room(&b);
	if (!p || b.oom) {
		batch_free(&b);
		return -ENOMEM;
	}
	batch_commit(&b, nftnl_batch_end(p, b.seq++));
	r = batch_send(nft, &b, NULL, NULL, 0);
	batch_free(&b);
	if (r == 0 || r == -ENOENT)
		nft->applied = false;
	return r;
}

json_object *nft_status(struct cg_nft *nft)
{
	struct status st = { 0 };
	json_object *o;
	uint64_t h;
	int r;

	r = get_handle(nft, &h);
	if (r < 0) {
		errno = -r;
		return NULL;
	}
	o = json_object_new_object();
	st.counters = json_object_new_array();
	if (!o || !st.counters)
		goto oom;
	if (h) {
		r = read_table(nft, &st);
		if (r < 0) {
			json_object_put(o);
			json_object_put(st.counters);
			errno = -r;
			return NULL;
		}
	}
	if (json_object_object_add(o, "present", json_object_new_boolean(h != 0)) < 0 ||
	    json_object_object_add(o, "chains", json_object_new_int64(st.chains)) < 0 ||
	    json_object_object_add(o, "rules", json_object_new_int64(st.rules)) < 0 ||
	    json_object_object_add(o, "sets", json_object_new_int64(st.sets)) < 0 ||
	    json_object_object_add(o, "repairs", json_object_new_int64(nft->repairs)) < 0 ||
	    json_object_object_add(o, "counters", st.counters) < 0)
		goto oom;
	return o;
oom:
	json_object_put(o);
	json_object_put(st.counters);
	errno = ENOMEM;
	return NULL;
}
