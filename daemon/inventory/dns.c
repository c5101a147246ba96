// SPDX-License-Identifier: GPL-2.0-only
/*
 * dns.c — see dns.h.
 *
 * One pass over the message: the header, the one question, then the answer
 * records (authority and additional are never read: nothing in them says
 * what a camera asked for, and an answer's counts past ANCOUNT cannot hurt
 * what was read). Every read goes through need(), which checks the offset
 * against the end before any byte is touched; sizes are size_t and never
 * wrap because each is compared with what is left, not added to an offset
 * first.
 */
#include <errno.h>
#include <string.h>

#include "dns.h"

static const char *const error_names[CG_DNS_ERR_MAX] = {
	[CG_DNS_OK] = "ok",
	[CG_DNS_ERR_TRUNCATED] = "truncated",
	[CG_DNS_ERR_POINTER] = "pointer",
	[CG_DNS_ERR_NAME_LONG] = "name_length",
	[CG_DNS_ERR_LABEL] = "label_type",
	[CG_DNS_ERR_COUNT] = "count",
	[CG_DNS_ERR_LENGTH] = "length",
	[CG_DNS_ERR_OVERSIZE] = "oversize",
};

const char *dns_error_to_string(int kind)
{
	return kind >= 0 && kind < CG_DNS_ERR_MAX ? error_names[kind] : "unknown";
}

int dns_error_from_string(const char *s)
{
	for (int k = 0; s && k < CG_DNS_ERR_MAX; k++)
		if (!strcmp(s, error_names[k]))
			return k;
	return -EINVAL;
}

struct rd {
	const uint8_t *b;
	size_t len;
	size_t off;
	int kind;           /* the first fault */
};

static bool fail(struct rd *r, int kind)
{
	if (!r->kind)
		r->kind = kind;
	return false;
}

static bool need(struct rd *r, size_t n)
{
	return n <= r->len - r->off || fail(r, CG_DNS_ERR_TRUNCATED);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static char name_char(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return (char)(c - 'A' + 'a');
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')
		return (char)c;
	return '?';
}

/*
 * Reads the name at r->off into out (CG_DNS_NAME_MAX) and moves r->off past
 * it (past the first pointer when compressed). A pointer must go below the
 * offset it was read at: positions strictly decrease along the jumps, so
 * the walk ends even without the jump bound, which only caps the work.
 * wire counts the uncompressed octets, length bytes and root included
 * (RFC 1035: 255 at most); the presentation form of 255 octets is 253
 * characters, so out never overflows.
 */
static bool read_name(struct rd *r, char *out)
{
	size_t p = r->off, wire = 0, o = 0, after = 0;
	int jumps = 0;

	for (;;) {
		if (p >= r->len)
			return fail(r, CG_DNS_ERR_TRUNCATED);
		uint8_t l = r->b[p];
		if ((l & 0xc0) == 0xc0) {
			if (p + 1 >= r->len)
				return fail(r, CG_DNS_ERR_TRUNCATED);
			size_t target = (size_t)(l & 0x3f) << 8 | r->b[p + 1];
			if (target >= p || ++jumps > CG_DNS_MAX_JUMPS)
				return fail(r, CG_DNS_ERR_POINTER);
			if (!after)
				after = p + 2;
			p = target;
			continue;
		}
		if (l & 0xc0)
			return fail(r, CG_DNS_ERR_LABEL);
		/* A label must leave room for the root's octet. */
		wire += 1u + l;
		if (wire + (l ? 1 : 0) > 255)
			return fail(r, CG_DNS_ERR_NAME_LONG);
		if (l == 0)
			break;
		if (l > r->len - p - 1)
			return fail(r, CG_DNS_ERR_TRUNCATED);
		if (o)
			out[o++] = '.';
		for (size_t i = 0; i < l; i++)
			out[o++] = name_char(r->b[p + 1 + i]);
		p += 1u + l;
	}
	out[o] = 0;
	r->off = after ? after : p + 1;
	return true;
}

/* One answer record; kept in m when of a kept type and class IN. */
static bool read_rr(struct rd *r, struct cg_dns_msg *m)
{
	struct cg_dns_rr rr;

	if (!read_name(r, rr.name) || !need(r, 10))
		return false;
	const uint8_t *h = r->b + r->off;
	uint16_t type = get16(h), class = get16(h + 2), rdlen = get16(h + 8);
	uint32_t ttl = get32(h + 4);
	r->off += 10;
	if (rdlen > r->len - r->off)
		return fail(r, CG_DNS_ERR_LENGTH);
	size_t end = r->off + rdlen;

	rr.type = type;
	rr.family = 0;
	rr.ttl = ttl & 0x80000000u ? 0 : ttl;
	rr.target[0] = 0;
	bool keep = class == 1;
	switch (type) {
	case CG_DNS_TYPE_A:
	case CG_DNS_TYPE_AAAA: {
		size_t alen = type == CG_DNS_TYPE_A ? 4 : 16;
		if (rdlen != alen)
			return fail(r, CG_DNS_ERR_LENGTH);
		memset(rr.addr, 0, sizeof(rr.addr));
		memcpy(rr.addr, r->b + r->off, alen);
		rr.family = type == CG_DNS_TYPE_A ? 4 : 6;
		break;
	}
	case CG_DNS_TYPE_CNAME: {
		/* The target must fill the rdata exactly: a name running past
		 * it reads another record's bytes. */
		struct rd sub = { .b = r->b, .len = end, .off = r->off };
		if (!read_name(&sub, rr.target))
			return fail(r, sub.kind == CG_DNS_ERR_TRUNCATED ? CG_DNS_ERR_LENGTH : sub.kind);
		if (sub.off != end)
			return fail(r, CG_DNS_ERR_LENGTH);
		break;
	}
	default:
		keep = false;
	}
	r->off = end;
	if (keep && m->nanswers < CG_DNS_MAX_ANSWERS)
		m->answers[m->nanswers++] = rr;
	else
		m->skipped++;
	return true;
}

static int parse(struct rd *r, struct cg_dns_msg *ret)
{
	memset(ret, 0, offsetof(struct cg_dns_msg, answers));
	if (r->len > CG_DNS_MSG_MAX)
		return fail(r, CG_DNS_ERR_OVERSIZE), -EBADMSG;
	if (!need(r, 12))
		return -EBADMSG;
	const uint8_t *h = r->b;
	uint16_t flags = get16(h + 2), qd = get16(h + 4), an = get16(h + 6);
	ret->id = get16(h);
	ret->response = flags & 0x8000;
	ret->opcode = (flags >> 11) & 0x0f;
	ret->tc = flags & 0x0200;
	ret->rcode = flags & 0x000f;
	r->off = 12;
	/* Every resolver and stub sends exactly one question (RFC 9619);
	 * a query's answer count is 0. */
	if (qd != 1 || (!ret->response && an))
		return fail(r, CG_DNS_ERR_COUNT), -EBADMSG;
	if (an > CG_DNS_MAX_RECORDS)
		return fail(r, CG_DNS_ERR_OVERSIZE), -EBADMSG;
	if (!read_name(r, ret->qname) || !need(r, 4))
		return -EBADMSG;
	ret->qtype = get16(r->b + r->off);
	ret->qclass = get16(r->b + r->off + 2);
	r->off += 4;
	for (size_t i = 0; i < an; i++) {
		/* A record that is not there at all: the count lies. */
		if (r->off == r->len)
			return fail(r, CG_DNS_ERR_COUNT), -EBADMSG;
		if (!read_rr(r, ret))
			return -EBADMSG;
	}
	if (ret->opcode != 0 || ret->qclass != 1)
		return -ENOMSG;
	return 0;
}

int dns_parse(const uint8_t *buf, size_t len, struct cg_dns_msg *ret, int *ret_kind)
{
	struct rd r = { .b = buf, .len = buf ? len : 0 };
	int rc = parse(&r, ret);

	if (rc < 0)
		ret->nanswers = 0;
	if (ret_kind)
		*ret_kind = rc == -EBADMSG ? r.kind : CG_DNS_OK;
	return rc;
}

void dns_count(struct cg_dns_stats *st, int rc, int kind)
{
	if (rc == 0)
		st->parsed++;
	else if (rc == -ENOMSG)
		st->ignored++;
	else
		st->rejected[kind > CG_DNS_OK && kind < CG_DNS_ERR_MAX ? kind : CG_DNS_ERR_TRUNCATED]++;
}

bool dns_is_udp53(const uint8_t *udp, size_t len)
{
	return udp && len >= 8 && (get16(udp) == CG_DNS_PORT || get16(udp + 2) == CG_DNS_PORT);
}

static int reject(struct cg_dns_msg *ret, int *ret_kind, int kind)
{
	memset(ret, 0, offsetof(struct cg_dns_msg, answers));
	if (ret_kind)
		*ret_kind = kind;
	return -EBADMSG;
}

int dns_parse_udp(const uint8_t *udp, size_t len, struct cg_dns_msg *ret, int *ret_kind)
{
	if (!udp || len < 8)
		return reject(ret, ret_kind, CG_DNS_ERR_TRUNCATED);
	if (!dns_is_udp53(udp, len)) {
		memset(ret, 0, offsetof(struct cg_dns_msg, answers));
		if (ret_kind)
			*ret_kind = CG_DNS_OK;
		return -ENOMSG;
	}
	size_t ulen = get16(udp + 4);
	if (ulen < 8)
		return reject(ret, ret_kind, CG_DNS_ERR_LENGTH);
	/* A copy shorter than the UDP length lost the message's end. */
	if (ulen > len)
		return reject(ret, ret_kind, CG_DNS_ERR_TRUNCATED);
	return dns_parse(udp + 8, ulen - 8, ret, ret_kind);
}

int dns_parse_tcp(const uint8_t *buf, size_t len, struct cg_dns_msg *ret, int *ret_kind)
{
	if (!buf || len < 2)
		return reject(ret, ret_kind, CG_DNS_ERR_TRUNCATED);
	size_t mlen = get16(buf);
	if (mlen > len - 2)
		return reject(ret, ret_kind, CG_DNS_ERR_TRUNCATED);
	if (mlen < len - 2)
		return reject(ret, ret_kind, CG_DNS_ERR_LENGTH);
	return dns_parse(buf + 2, mlen, ret, ret_kind);
}

/* Names compare as parsed: lower-cased, so equal names are equal strings. */
static bool same_name(const char *a, const char *b)
{
	return !strcmp(a, b);
}

size_t dns_answer_addrs(const struct cg_dns_msg *m, dns_addr_fn fn, void *ctx)
{
	const char *owner = m->qname;
	uint32_t ttl = UINT32_MAX;
	size_t n = 0;

	if (!m->response || m->rcode != 0)
		return 0;
	/* Follow the chain: each step takes the CNAME whose owner is the
	 * current name; at most nanswers steps, so a loop ends. */
	for (size_t step = 0; step <= m->nanswers; step++) {
		const struct cg_dns_rr *next = NULL;
		for (size_t i = 0; i < m->nanswers; i++) {
			const struct cg_dns_rr *rr = &m->answers[i];
			if (!same_name(rr->name, owner))
				continue;
			if (rr->family) {
				if (fn)
					fn(ctx, m->qname, rr->family, rr->addr,
					   rr->ttl < ttl ? rr->ttl : ttl);
				n++;
			} else if (rr->type == CG_DNS_TYPE_CNAME && !next) {
				next = rr;
			}
		}
		if (!next || n)
			break;
		if (next->ttl < ttl)
			ttl = next->ttl;
		owner = next->target;
	}
	return n;
}

/* ---- the discovery dispatcher's hook ------------------------------------- */

static dns_sink_fn sink_fn;
static void *sink_ctx;

void dns_set_sink(dns_sink_fn fn, void *ctx)
{
	sink_fn = fn;
	sink_ctx = ctx;
}

int dns_parse_disc(const uint8_t *payload, size_t len, struct cg_disc_info *ret)
{
	struct cg_dns_msg m;
	int kind;
	int rc = dns_parse(payload, len, &m, &kind);

	(void)ret;
	if (sink_fn)
		sink_fn(sink_ctx, rc, kind, rc == 0 ? &m : NULL);
	return -ENOMSG;
}
