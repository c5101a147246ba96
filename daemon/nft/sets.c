// SPDX-License-Identifier: GPL-2.0-only
/*
 * sets.c — the sets of table inet camguard and their elements, from the plan.
 *
 *   cam_ifaces            ifname: the camera-facing interfaces
 *   enclave4 / enclave6   interval sets of the enclave
 *   protected4 / 6        the recorder's own addresses (interval): no camera
 *                         may send from one (as the data plane's
 *                         CG_PEER_PROTECTED)
 *   dev_out, oui24_out, oui28_out, oui36_out
 *                         verdict maps ether_addr -> goto out_<policy>
 *   dev_lrn, oui24_lrn, oui28_lrn, oui36_lrn
 *                         the same keys -> goto lrn_<policy>
 *   <p>_deny4/6           a policy's deny prefixes (interval)
 *   <p>_to4/6, <p>_from4/6
 *                         a policy's allow rules as concatenated intervals
 *                         addr . inet_proto . inet_service
 *   <p>_to4a/6a, <p>_from4a/6a
 *                         the same sets' address-level elements (a rule
 *                         without ports: port field 0-65535) as addr .
 *                         inet_proto, for the later-fragment rules (a later
 *                         fragment has no ports); only when there are some.
 *                         A set rather than a constant port in the
 *                         concatenation: nft 1.0.6 lists such a constant as
 *                         "0x0 [invalid type]" and cannot read it back.
 *   <p>_a4 / <p>_a6       addresses learned from the policy's cameras
 *                         (dynamic, timeout 1h)
 *   owned4/6, pair4/6     which MAC each learned address is bound to
 *
 * The kernel refuses overlapping intervals and identical elements: prefix
 * sets are merged, allow elements deduplicated, before they are emitted.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdlib.h>
#include <string.h>

#include <libnftnl/set.h>
#include <libnftnl/udata.h>

#include "array.h"
#include "table.h"

/* nft's datatype ids (nftables src/datatype.h), for `nft list` to print keys. */
#define NFT_TYPE_IPADDR     7
#define NFT_TYPE_IP6ADDR    8
#define NFT_TYPE_ETHERADDR  9
#define NFT_TYPE_INET_PROTO 12
#define NFT_TYPE_INET_SERV  13
#define NFT_TYPE_IFNAME     41
#define NFT_TYPE_BITS       6

enum set_kind { SK_PLAIN, SK_INTERVAL, SK_CONCAT, SK_VMAP, SK_LEARN };

static void set_payload(struct nlmsghdr *nlh, void *s)
{
	nftnl_set_nlmsg_build_payload(nlh, s);
}

/* strings are host-order keys for nft: without this it prints them reversed */
static void set_host_order(struct nlb *b, struct nftnl_set *s)
{
	struct nftnl_udata_buf *u = nftnl_udata_buf_alloc(64);

	if (!u || !nftnl_udata_put_u32(u, NFTNL_UDATA_SET_KEYBYTEORDER, 1 /* BYTEORDER_HOST_ENDIAN */))
		b->oom = 1;
	else
		nftnl_set_set_data(s, NFTNL_SET_USERDATA, nftnl_udata_buf_data(u), nftnl_udata_buf_len(u));
	nftnl_udata_buf_free(u);
}

static uint32_t set_flags(struct nftnl_set *s, enum set_kind kind)
{
	switch (kind) {
	case SK_INTERVAL:
		return NFT_SET_INTERVAL;
	case SK_CONCAT:
		return NFT_SET_INTERVAL | NFT_SET_CONCAT;
	case SK_VMAP:
		nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE, NFT_DATA_VERDICT);
		nftnl_set_set_u32(s, NFTNL_SET_DATA_LEN, 0);
		return NFT_SET_MAP;
	case SK_LEARN:
		nftnl_set_set_u64(s, NFTNL_SET_TIMEOUT, CG_NFT_LEARN_MS);
		nftnl_set_set_u32(s, NFTNL_SET_DESC_SIZE, CG_NFT_LEARN_SIZE);
		return NFT_SET_TIMEOUT | NFT_SET_EVAL;
	default:
		return 0;
	}
}

static void add_set(struct nlb *b, const char *name, enum set_kind kind, uint32_t keytype,
		    uint32_t keylen, const uint8_t *fields, size_t nfields)
{
	struct nftnl_set *s = nftnl_set_alloc();
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
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, set_flags(s, kind));
	if (keytype == NFT_TYPE_IFNAME)
		set_host_order(b, s);
	if (nfields) {
		uint8_t f[NFT_REG32_COUNT] = { 0 };

		memcpy(f, fields, nfields);
		nftnl_set_set_data(s, NFTNL_SET_DESC_CONCAT, f, (uint32_t)nfields);
	}
	nlb_put_obj(b, NFT_MSG_NEWSET, NLM_F_CREATE | NLM_F_EXCL, set_payload, s,
		    (struct nlb_tag){ .kind = TAG_SET }, name);
	nftnl_set_free(s);
}

/* Does a rule span every port (no ports, or a protocol without a port
 * field: rule_ranges() gives it the port range 0-65535)? */
static bool rule_any_port(const struct cg_plan_rule *rs)
{
	return !rs->nranges || (rs->proto != 0 && rs->proto != IPPROTO_TCP && rs->proto != IPPROTO_UDP);
}

bool sets_any_port(const struct cg_plan_policy *p, uint8_t fam, uint8_t kind)
{
	for (size_t i = 0; i < p->nrules; i++) {
		const struct cg_plan_rule *rs = &p->rules[i];

		if (!rs->enclave && rs->kind == kind && rs->pfx.family == fam && rule_any_port(rs))
			return true;
	}
	return false;
}

/* <p>_to<fam> / <p>_from<fam> and, with address-level rules, its "a" set. */
static void allow_sets(struct nlb *b, const struct cg_plan_policy *p, uint8_t fam, uint8_t kind)
{
	static const uint8_t f4[] = { 4, 1, 2 }, f6[] = { 16, 1, 2 };
	uint32_t at = fam == 4 ? NFT_TYPE_IPADDR : NFT_TYPE_IP6ADDR, alen = fam == 4 ? 4 : 16;
	uint32_t at_proto = (at << NFT_TYPE_BITS) | NFT_TYPE_INET_PROTO;
	char name[96];

	if (!plan_count_rules(p, fam, kind))
		return;
	snprintf(name, sizeof(name), "%s_%s%d", p->name, kind == CG_RULE_TO ? "to" : "from", fam);
	add_set(b, name, SK_CONCAT, (at_proto << NFT_TYPE_BITS) | NFT_TYPE_INET_SERV, alen + 8,
		fam == 4 ? f4 : f6, 3);
	if (sets_any_port(p, fam, kind)) {
		strcat(name, "a");
		add_set(b, name, SK_CONCAT, at_proto, alen + 4, fam == 4 ? f4 : f6, 2);
	}
}

/* The sets of one policy: learned addresses, deny lists, allow rules. */
static void policy_sets(struct nlb *b, const struct cg_plan_policy *p)
{
	char name[96];

	for (uint8_t fam = 4; fam <= 6; fam += 2) {
		uint32_t at = fam == 4 ? NFT_TYPE_IPADDR : NFT_TYPE_IP6ADDR, alen = fam == 4 ? 4 : 16;

		snprintf(name, sizeof(name), "%s_a%d", p->name, fam);
		add_set(b, name, SK_LEARN, at, alen, NULL, 0);
		if (plan_count_family(p->deny, p->ndeny, fam)) {
			snprintf(name, sizeof(name), "%s_deny%d", p->name, fam);
			add_set(b, name, SK_INTERVAL, at, alen, NULL, 0);
		}
		allow_sets(b, p, fam, CG_RULE_TO);
		allow_sets(b, p, fam, CG_RULE_FROM);
	}
}

void sets_declare(struct nlb *b, const struct cg_plan *p)
{
	char name[96];

	add_set(b, "cam_ifaces", SK_PLAIN, NFT_TYPE_IFNAME, 16, NULL, 0);
	add_set(b, "enclave4", SK_INTERVAL, NFT_TYPE_IPADDR, 4, NULL, 0);
	add_set(b, "enclave6", SK_INTERVAL, NFT_TYPE_IP6ADDR, 16, NULL, 0);
	add_set(b, "protected4", SK_INTERVAL, NFT_TYPE_IPADDR, 4, NULL, 0);
	add_set(b, "protected6", SK_INTERVAL, NFT_TYPE_IP6ADDR, 16, NULL, 0);
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
	for (size_t i = 0; i < p->npolicies; i++)
		policy_sets(b, &p->policies[i]);
}

/* ---- elements ----------------------------------------------------------- */

struct range {
	uint8_t lo[24], hi[24];  /* inclusive; addr . proto . port packed for concat (16 + 4 + 4) */
	struct nlb_tag tag;
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

static void add(struct nlb *b, const char *set, const void *key, const void *kend, size_t klen,
		uint32_t flags, const char *chain, struct nlb_tag t)
{
	nlb_add_elem(b, CG_NFT_TABLE, set, key, kend, klen, flags, chain, t);
}

/* A plain interval set: sort, merge overlaps (the kernel refuses them), emit
 * start and end+1 elements. */
static void emit_intervals(struct nlb *b, const char *set, struct range *r, size_t n, size_t alen)
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
		add(b, set, cur.lo, NULL, alen, 0, NULL, cur.tag);
		memcpy(end, cur.hi, alen);
		if (incr(end, alen))
			add(b, set, end, NULL, alen, NFT_SET_ELEM_INTERVAL_END, NULL, cur.tag);
	}
}

static int emit_prefix_set(struct nlb *b, const char *set, const struct cg_plan_prefix *p, size_t n,
			   uint8_t fam, uint8_t kind, uint16_t pol)
{
	struct range *r = calloc(n ? n : 1, sizeof(*r));
	size_t k = 0;

	if (!r)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		if (p[i].pfx.family != fam)
			continue;
		prefix_range(&p[i].pfx, r[k].lo, r[k].hi);
		r[k++].tag = (struct nlb_tag){ .kind = kind, .owner = pol, .idx = (uint32_t)i };
	}
	emit_intervals(b, set, r, k, fam == 4 ? 4 : 16);
	free(r);
	return 0;
}

/* The elements of one plan rule: proto any with ports is tcp and udp; a
 * protocol without ports (or with no port field) spans every port. */
static int rule_ranges(const struct cg_plan_rule *rs, uint32_t idx, uint16_t pol,
		       struct range **r, size_t *n, size_t *cap)
{
	size_t alen = rs->pfx.family == 4 ? 4 : 16;
	uint8_t protos[2], lo[16], hi[16];
	size_t np = 0;

	if (rs->proto == 0 && rs->nranges)
		protos[np++] = IPPROTO_TCP, protos[np++] = IPPROTO_UDP;
	else
		protos[np++] = rs->proto;
	prefix_range(&rs->pfx, lo, hi);
	for (size_t j = 0; j < np; j++) {
		bool ports = rs->nranges && (protos[j] == IPPROTO_TCP || protos[j] == IPPROTO_UDP);
		size_t nr = ports ? rs->nranges : 1;

		for (size_t k = 0; k < nr; k++) {
			uint16_t plo = ports ? htons(rs->ranges[k].lo) : 0;
			uint16_t phi = ports ? htons(rs->ranges[k].hi) : 0xffff;
			struct range *e;

			if (!CG_GROW(*r, *cap, *n + 1))
				return -ENOMEM;
			e = &(*r)[(*n)++];
			memset(e, 0, sizeof(*e));
			memcpy(e->lo, lo, alen);
			memcpy(e->hi, hi, alen);
			e->lo[alen] = protos[j];
			e->hi[alen] = protos[j] ? protos[j] : 0xff;
			memcpy(e->lo + alen + 4, &plo, 2);
			memcpy(e->hi + alen + 4, &phi, 2);
			e->tag = (struct nlb_tag){ .kind = TAG_ALLOW, .owner = pol, .idx = idx };
		}
	}
	return 0;
}

/* Concatenated allow elements of one policy: kind CG_RULE_TO or _FROM; the
 * address-level ones (port field 0-65535) also into the set named
 * <set>a as addr . proto, in the same order (sorted, no duplicates: two
 * elements that differ only in their ports are never both address-level). */
static int emit_allow(struct nlb *b, const char *set, const struct cg_plan_policy *p, uint16_t pol,
		      uint8_t fam, uint8_t kind)
{
	size_t klen = (fam == 4 ? 4 : 16) + 8, n = 0, cap = 0, u = 0;
	struct range *r = NULL;
	char aset[100];

	for (size_t i = 0; i < p->nrules; i++) {
		const struct cg_plan_rule *rs = &p->rules[i];

		if (rs->enclave || rs->kind != kind || rs->pfx.family != fam)
			continue;
		if (rule_ranges(rs, (uint32_t)i, pol, &r, &n, &cap) < 0) {
			free(r);
			return -ENOMEM;
		}
	}
	/* identical elements are refused by the kernel: keep one */
	if (n)
		qsort(r, n, sizeof(*r), range_cmp);
	for (size_t i = 0; i < n; i++) {
		if (u && !memcmp(r[u - 1].lo, r[i].lo, sizeof(r->lo)) &&
		    !memcmp(r[u - 1].hi, r[i].hi, sizeof(r->hi)))
			continue;
		r[u++] = r[i];
	}
	for (size_t i = 0; i < u; i++)
		add(b, set, r[i].lo, r[i].hi, klen, 0, NULL, r[i].tag);
	snprintf(aset, sizeof(aset), "%sa", set);
	for (size_t i = 0; i < u; i++)
		if (!r[i].lo[klen - 4] && !r[i].lo[klen - 3])   /* port 0: 0-65535 */
			add(b, aset, r[i].lo, r[i].hi, klen - 4, 0, NULL, r[i].tag);
	free(r);
	return 0;
}

/* dev_<suf> and oui<bits>_<suf>: exact MACs and vendor prefixes, each a
 * goto to the chain of its policy (fmt: "out_%s" or "lrn_%s"). */
static void emit_classify(struct nlb *b, const struct cg_plan *p, const char *suf, const char *fmt)
{
	char set[32], chain[96];

	snprintf(set, sizeof(set), "dev_%s", suf);
	for (size_t i = 0; i < p->ndevices; i++) {
		const struct cg_plan_device *d = &p->devices[i];

		snprintf(chain, sizeof(chain), fmt, p->policies[d->policy].name);
		add(b, set, d->mac, NULL, 6, 0, chain,
		    (struct nlb_tag){ .kind = TAG_DEVICE, .owner = d->policy, .idx = (uint32_t)i });
	}
	for (size_t i = 0; i < p->nouis; i++) {
		const struct cg_plan_oui *o = &p->ouis[i];
		uint8_t mac[6] = { 0 };

		memcpy(mac, o->bytes, 5);
		snprintf(set, sizeof(set), "oui%u_%s", o->bits, suf);
		snprintf(chain, sizeof(chain), fmt, p->policies[o->policy].name);
		add(b, set, mac, NULL, 6, 0, chain,
		    (struct nlb_tag){ .kind = TAG_OUI, .owner = o->policy, .idx = (uint32_t)i });
	}
}

static int policy_elems(struct nlb *b, const struct cg_plan_policy *p, uint16_t pol)
{
	char name[96];

	for (uint8_t fam = 4; fam <= 6; fam += 2) {
		snprintf(name, sizeof(name), "%s_deny%d", p->name, fam);
		if (emit_prefix_set(b, name, p->deny, p->ndeny, fam, TAG_DENY, pol) < 0)
			return -ENOMEM;
		snprintf(name, sizeof(name), "%s_to%d", p->name, fam);
		if (emit_allow(b, name, p, pol, fam, CG_RULE_TO) < 0)
			return -ENOMEM;
		snprintf(name, sizeof(name), "%s_from%d", p->name, fam);
		if (emit_allow(b, name, p, pol, fam, CG_RULE_FROM) < 0)
			return -ENOMEM;
	}
	return 0;
}

int sets_fill(struct nlb *b, const struct cg_plan *p)
{
	for (size_t i = 0; i < p->nifaces; i++) {
		char ifn[16] = { 0 };

		snprintf(ifn, sizeof(ifn), "%s", p->ifaces[i].name);
		add(b, "cam_ifaces", ifn, NULL, 16, 0, NULL,
		    (struct nlb_tag){ .kind = TAG_IFACE, .idx = (uint32_t)i });
	}
	if (emit_prefix_set(b, "enclave4", p->enclave, p->nenclave, 4, TAG_ENCLAVE, 0) < 0 ||
	    emit_prefix_set(b, "enclave6", p->enclave, p->nenclave, 6, TAG_ENCLAVE, 0) < 0 ||
	    emit_prefix_set(b, "protected4", p->protected, p->nprotected, 4, TAG_PROTECTED, 0) < 0 ||
	    emit_prefix_set(b, "protected6", p->protected, p->nprotected, 6, TAG_PROTECTED, 0) < 0)
		return -ENOMEM;
	emit_classify(b, p, "out", "out_%s");
	emit_classify(b, p, "lrn", "lrn_%s");
	for (size_t i = 0; i < p->npolicies; i++)
		if (policy_elems(b, &p->policies[i], (uint16_t)i) < 0)
			return -ENOMEM;
	nlb_elems_close(b);
	return 0;
}
