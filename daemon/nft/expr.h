/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * expr.h — rule building blocks: one libnftnl rule being assembled (struct
 * rb) and the expressions camguard's rules are made of, each a one-line
 * table of attributes for one emitter (x_emit).
 *
 * Allocation failures are sticky (rb.oom) so that a rule is written as a
 * straight sequence of calls and checked once, at rule_end().
 */
#ifndef CAMGUARD_NFT_EXPR_H
#define CAMGUARD_NFT_EXPR_H

#include <stdbool.h>
#include <stdint.h>

#include <libnftnl/rule.h>

#include "mnl.h"

struct rb {
	struct nftnl_rule *r;
	int oom;
};

/* One expression attribute: an integer of a width, a string or bytes. */
enum xa_type { XA_U8, XA_U16, XA_U32, XA_U64, XA_STR, XA_DATA };

struct xa {
	uint16_t attr;
	uint8_t type;
	uint32_t len;          /* XA_DATA */
	uint64_t u;            /* XA_U8/U16/U32/U64 */
	const void *p;         /* XA_STR/XA_DATA */
};

#define XU8(a, v)       { .attr = (a), .type = XA_U8, .u = (v) }
#define XU16(a, v)      { .attr = (a), .type = XA_U16, .u = (v) }
#define XU32(a, v)      { .attr = (a), .type = XA_U32, .u = (v) }
#define XU64(a, v)      { .attr = (a), .type = XA_U64, .u = (v) }
#define XSTR(a, s)      { .attr = (a), .type = XA_STR, .p = (s) }
#define XDATA(a, d, l)  { .attr = (a), .type = XA_DATA, .p = (d), .len = (l) }

/* Adds expression `name` with attributes a[0..n) to the rule. */
void x_emit(struct rb *rb, const char *name, const struct xa *a, size_t n);

#define X(rb, name, ...)                                                       \
	x_emit(rb, name, (const struct xa[]){ __VA_ARGS__ },                   \
	       sizeof((const struct xa[]){ __VA_ARGS__ }) / sizeof(struct xa))

void x_meta(struct rb *rb, uint32_t key, uint32_t dreg);
void x_cmp(struct rb *rb, uint32_t sreg, uint32_t op, const void *d, uint32_t len);
void x_payload(struct rb *rb, uint32_t base, uint32_t off, uint32_t len, uint32_t dreg);
void x_bitwise(struct rb *rb, uint32_t reg, const void *mask, uint32_t len);
void x_lookup(struct rb *rb, uint32_t sreg, const char *set, bool vmap);
void x_lookup_inv(struct rb *rb, uint32_t sreg, const char *set);
void x_dynset(struct rb *rb, uint32_t sreg, const char *set, uint64_t timeout_ms);
void x_fib(struct rb *rb, uint32_t flags, uint32_t result);
void x_exthdr(struct rb *rb, uint32_t op, uint8_t type, uint32_t off, uint32_t len, bool present);
void x_log_limited(struct rb *rb, const char *prefix);
void x_log_group(struct rb *rb, const char *prefix, uint16_t group, uint32_t snaplen,
		 uint16_t qthreshold);
void x_counter(struct rb *rb);
void x_verdict(struct rb *rb, int verdict, const char *chain);

/* meta nfproto == fam */
void x_nfproto(struct rb *rb, uint8_t fam);
/* ether saddr into reg, after checking the interface is Ethernet with
 * check_reg (a register the caller's concatenation does not use). */
void x_ether_saddr(struct rb *rb, uint32_t check_reg, uint32_t reg);
/* ip/ip6 saddr (src) or daddr into NFT_REG32_00.. */
void x_addr(struct rb *rb, int fam, bool src);
/* a later fragment: ip frag-off & 0x1fff != 0 / exthdr frag frag-off != 0 */
void x_later_frag(struct rb *rb, int fam);

struct rb rule_start(const char *table, const char *chain);
/* Adds the rule (with its comment) to the batch and frees it. */
void rule_end(struct nlb *b, struct rb *rb, const char *comment, struct nlb_tag t);

#endif
