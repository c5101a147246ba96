// SPDX-License-Identifier: GPL-2.0-only
/*
 * expr.c — libnftnl expressions and rules (expr.h). Each expression is a
 * table of attributes handed to the one emitter, x_emit(): what the rule
 * matches reads as data, and the allocate/set/add dance is written once.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <net/if_arp.h>
#include <string.h>

#include <libnftnl/expr.h>
#include <libnftnl/udata.h>

#include "expr.h"

void x_emit(struct rb *rb, const char *name, const struct xa *a, size_t n)
{
	struct nftnl_expr *e = nftnl_expr_alloc(name);

	if (!e) {
		rb->oom = 1;
		return;
	}
	for (size_t i = 0; i < n; i++)
		switch (a[i].type) {
		case XA_U8:
			nftnl_expr_set_u8(e, a[i].attr, (uint8_t)a[i].u);
			break;
		case XA_U16:
			nftnl_expr_set_u16(e, a[i].attr, (uint16_t)a[i].u);
			break;
		case XA_U32:
			nftnl_expr_set_u32(e, a[i].attr, (uint32_t)a[i].u);
			break;
		case XA_U64:
			nftnl_expr_set_u64(e, a[i].attr, a[i].u);
			break;
		case XA_STR:
			nftnl_expr_set_str(e, a[i].attr, a[i].p);
			break;
		case XA_DATA:
			nftnl_expr_set_data(e, a[i].attr, a[i].p, a[i].len);
			break;
		}
	nftnl_rule_add_expr(rb->r, e);
}

void x_meta(struct rb *rb, uint32_t key, uint32_t dreg)
{
	X(rb, "meta", XU32(NFTNL_EXPR_META_KEY, key), XU32(NFTNL_EXPR_META_DREG, dreg));
}

void x_cmp(struct rb *rb, uint32_t sreg, uint32_t op, const void *d, uint32_t len)
{
	X(rb, "cmp", XU32(NFTNL_EXPR_CMP_SREG, sreg), XU32(NFTNL_EXPR_CMP_OP, op),
	  XDATA(NFTNL_EXPR_CMP_DATA, d, len));
}

void x_payload(struct rb *rb, uint32_t base, uint32_t off, uint32_t len, uint32_t dreg)
{
	X(rb, "payload", XU32(NFTNL_EXPR_PAYLOAD_BASE, base), XU32(NFTNL_EXPR_PAYLOAD_OFFSET, off),
	  XU32(NFTNL_EXPR_PAYLOAD_LEN, len), XU32(NFTNL_EXPR_PAYLOAD_DREG, dreg));
}

void x_bitwise(struct rb *rb, uint32_t reg, const void *mask, uint32_t len)
{
	static const uint8_t zero[16];

	X(rb, "bitwise", XU32(NFTNL_EXPR_BITWISE_SREG, reg), XU32(NFTNL_EXPR_BITWISE_DREG, reg),
	  XU32(NFTNL_EXPR_BITWISE_LEN, len), XDATA(NFTNL_EXPR_BITWISE_MASK, mask, len),
	  XDATA(NFTNL_EXPR_BITWISE_XOR, zero, len));
}

void x_lookup(struct rb *rb, uint32_t sreg, const char *set, bool vmap)
{
	if (vmap)
		X(rb, "lookup", XU32(NFTNL_EXPR_LOOKUP_SREG, sreg), XSTR(NFTNL_EXPR_LOOKUP_SET, set),
		  XU32(NFTNL_EXPR_LOOKUP_DREG, NFT_REG_VERDICT));
	else
		X(rb, "lookup", XU32(NFTNL_EXPR_LOOKUP_SREG, sreg), XSTR(NFTNL_EXPR_LOOKUP_SET, set));
}

/* A lookup that matches when the key is NOT in the set. */
void x_lookup_inv(struct rb *rb, uint32_t sreg, const char *set)
{
	X(rb, "lookup", XU32(NFTNL_EXPR_LOOKUP_SREG, sreg), XSTR(NFTNL_EXPR_LOOKUP_SET, set),
	  XU32(NFTNL_EXPR_LOOKUP_FLAGS, NFT_LOOKUP_F_INV));
}

void x_dynset(struct rb *rb, uint32_t sreg, const char *set, uint64_t timeout_ms)
{
	X(rb, "dynset", XU32(NFTNL_EXPR_DYNSET_SREG_KEY, sreg), XU32(NFTNL_EXPR_DYNSET_OP, NFT_DYNSET_OP_UPDATE),
	  XSTR(NFTNL_EXPR_DYNSET_SET_NAME, set), XU64(NFTNL_EXPR_DYNSET_TIMEOUT, timeout_ms));
}

/* `fib <flags> <result>` into NFT_REG_1. */
void x_fib(struct rb *rb, uint32_t flags, uint32_t result)
{
	X(rb, "fib", XU32(NFTNL_EXPR_FIB_FLAGS, flags), XU32(NFTNL_EXPR_FIB_RESULT, result),
	  XU32(NFTNL_EXPR_FIB_DREG, NFT_REG_1));
}

/* An extension header or IPv4 option field into NFT_REG_1 (present: 1 byte, 0/1). */
void x_exthdr(struct rb *rb, uint32_t op, uint8_t type, uint32_t off, uint32_t len, bool present)
{
	if (present)
		X(rb, "exthdr", XU32(NFTNL_EXPR_EXTHDR_OP, op), XU8(NFTNL_EXPR_EXTHDR_TYPE, type),
		  XU32(NFTNL_EXPR_EXTHDR_OFFSET, off), XU32(NFTNL_EXPR_EXTHDR_LEN, len),
		  XU32(NFTNL_EXPR_EXTHDR_DREG, NFT_REG_1), XU32(NFTNL_EXPR_EXTHDR_FLAGS, NFT_EXTHDR_F_PRESENT));
	else
		X(rb, "exthdr", XU32(NFTNL_EXPR_EXTHDR_OP, op), XU8(NFTNL_EXPR_EXTHDR_TYPE, type),
		  XU32(NFTNL_EXPR_EXTHDR_OFFSET, off), XU32(NFTNL_EXPR_EXTHDR_LEN, len),
		  XU32(NFTNL_EXPR_EXTHDR_DREG, NFT_REG_1));
}

void x_log_limited(struct rb *rb, const char *prefix)
{
	X(rb, "limit", XU64(NFTNL_EXPR_LIMIT_RATE, 10), XU64(NFTNL_EXPR_LIMIT_UNIT, 60),
	  XU32(NFTNL_EXPR_LIMIT_BURST, 5), XU32(NFTNL_EXPR_LIMIT_TYPE, NFT_LIMIT_PKTS));
	X(rb, "log", XSTR(NFTNL_EXPR_LOG_PREFIX, prefix));
}

/* `log prefix P group G snaplen S queue-threshold Q`: the packet goes to
 * NFLOG group G (the daemon's evidence reader, nflog.c), its first S bytes
 * of network header and payload, sent in batches of at most Q. */
void x_log_group(struct rb *rb, const char *prefix, uint16_t group, uint32_t snaplen, uint16_t qthreshold)
{
	X(rb, "log", XSTR(NFTNL_EXPR_LOG_PREFIX, prefix), XU16(NFTNL_EXPR_LOG_GROUP, group),
	  XU32(NFTNL_EXPR_LOG_SNAPLEN, snaplen), XU16(NFTNL_EXPR_LOG_QTHRESHOLD, qthreshold));
}

void x_counter(struct rb *rb)
{
	x_emit(rb, "counter", NULL, 0);
}

void x_verdict(struct rb *rb, int verdict, const char *chain)
{
	if (chain)
		X(rb, "immediate", XU32(NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT),
		  XU32(NFTNL_EXPR_IMM_VERDICT, (uint32_t)verdict), XSTR(NFTNL_EXPR_IMM_CHAIN, chain));
	else
		X(rb, "immediate", XU32(NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT),
		  XU32(NFTNL_EXPR_IMM_VERDICT, (uint32_t)verdict));
}

void x_nfproto(struct rb *rb, uint8_t fam)
{
	x_meta(rb, NFT_META_NFPROTO, NFT_REG_1);
	x_cmp(rb, NFT_REG_1, NFT_CMP_EQ, &fam, 1);
}

void x_ether_saddr(struct rb *rb, uint32_t check_reg, uint32_t reg)
{
	uint16_t ether = ARPHRD_ETHER;

	x_meta(rb, NFT_META_IIFTYPE, check_reg);
	x_cmp(rb, check_reg, NFT_CMP_EQ, &ether, sizeof(ether));
	x_payload(rb, NFT_PAYLOAD_LL_HEADER, 6, 6, reg);
}

void x_addr(struct rb *rb, int fam, bool src)
{
	x_nfproto(rb, fam == 4 ? NFPROTO_IPV4 : NFPROTO_IPV6);
	if (fam == 4)
		x_payload(rb, NFT_PAYLOAD_NETWORK_HEADER, src ? 12 : 16, 4, NFT_REG32_00);
	else
		x_payload(rb, NFT_PAYLOAD_NETWORK_HEADER, src ? 8 : 24, 16, NFT_REG32_00);
}

void x_later_frag(struct rb *rb, int fam)
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

struct rb rule_start(const char *table, const char *chain)
{
	struct rb rb = { .r = nftnl_rule_alloc() };

	if (!rb.r) {
		rb.oom = 1;
		return rb;
	}
	nftnl_rule_set_str(rb.r, NFTNL_RULE_TABLE, table);
	nftnl_rule_set_str(rb.r, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u32(rb.r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	return rb;
}

static void rule_payload(struct nlmsghdr *nlh, void *r)
{
	nftnl_rule_nlmsg_build_payload(nlh, r);
}

void rule_end(struct nlb *b, struct rb *rb, const char *comment, struct nlb_tag t)
{
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
	if (rb->oom)
		b->oom = 1;
	else
		nlb_put_obj(b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, rule_payload, rb->r, t,
			    nftnl_rule_get_str(rb->r, NFTNL_RULE_CHAIN));
	nftnl_rule_free(rb->r);
}
