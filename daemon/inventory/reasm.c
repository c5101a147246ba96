// SPDX-License-Identifier: GPL-2.0-only
/*
 * reasm.c — owns putting fragmented discovery datagrams back together
 * before discovery.c parses them. See reasm.h.
 *
 * A fixed table of CG_REASM_TOTAL slots, searched linearly (64 entries is
 * less work than hashing would save). A slot's buffer is allocated when its
 * first fragment arrives and freed when the datagram completes, times out
 * or is dropped; coverage is tracked in 8-byte blocks, the unit of fragment
 * offsets, so an overlap is one bit test.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "camguard.h"
#include "discovery.h"
#include "reasm.h"

#define BLOCKS (CG_REASM_MAX / 8)

struct slot {
	bool used;
	bool dead;                  /* dropped: swallow the rest until it expires */
	uint8_t mac[6];
	uint8_t family, proto;
	uint32_t id;
	uint8_t src[16], dst[16];
	uint64_t first_ms;
	uint32_t total;             /* 0 until the last fragment arrived */
	uint8_t *buf;               /* CG_REASM_MAX bytes */
	uint8_t have[BLOCKS / 8];   /* 8-byte blocks received */
};

struct cg_reasm {
	struct slot slot[CG_REASM_TOTAL];
	uint8_t *done;              /* the last completed datagram, for the caller */
	struct cg_reasm_stats st;
};

struct cg_reasm *reasm_new(void)
{
	return calloc(1, sizeof(struct cg_reasm));
}

static void slot_release(struct cg_reasm *r, struct slot *s)
{
	free(s->buf);
	memset(s, 0, sizeof(*s));
	r->st.pending--;
}

void reasm_free(struct cg_reasm *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < CG_REASM_TOTAL; i++)
		free(r->slot[i].buf);
	free(r->done);
	free(r);
}

void reasm_expire(struct cg_reasm *r, uint64_t now_ms)
{
	for (size_t i = 0; i < CG_REASM_TOTAL; i++) {
		struct slot *s = &r->slot[i];
		if (!s->used || now_ms - s->first_ms < CG_REASM_TIMEOUT_MS)
			continue;
		if (!s->dead)
			r->st.timeouts++;
		slot_release(r, s);
	}
}

void reasm_stats(const struct cg_reasm *r, struct cg_reasm_stats *ret)
{
	*ret = r->st;
}

static bool same(const struct slot *s, const struct cg_reasm_frag *f)
{
	size_t n = f->family == 4 ? 4 : 16;
	return s->used && s->id == f->id && s->proto == f->proto && s->family == f->family &&
	       memcmp(s->mac, f->mac, 6) == 0 && memcmp(s->src, f->src, n) == 0 &&
	       memcmp(s->dst, f->dst, n) == 0;
}

static struct slot *slot_open(struct cg_reasm *r, const struct cg_reasm_frag *f, uint64_t now_ms)
{
	struct slot *free_slot = NULL;
	size_t mine = 0;

	for (size_t i = 0; i < CG_REASM_TOTAL; i++) {
		struct slot *s = &r->slot[i];
		if (!s->used)
			free_slot = free_slot ? free_slot : s;
		else if (memcmp(s->mac, f->mac, 6) == 0)
			mine++;
	}
	if (!free_slot || mine >= CG_REASM_PER_DEVICE)
		return NULL;
	free_slot->buf = malloc(CG_REASM_MAX);
	if (!free_slot->buf)
		return NULL;
	free_slot->used = true;
	memcpy(free_slot->mac, f->mac, 6);
	free_slot->family = f->family;
	free_slot->proto = f->proto;
	free_slot->id = f->id;
	memcpy(free_slot->src, f->src, 16);
	memcpy(free_slot->dst, f->dst, 16);
	free_slot->first_ms = now_ms;
	r->st.pending++;
	return free_slot;
}

static bool bit(const uint8_t *m, size_t i)
{
	return m[i / 8] & (1u << (i % 8));
}

/* Marks the datagram dropped; its later fragments are swallowed. */
static int slot_kill(struct slot *s, uint64_t *counter, int rc)
{
	(*counter)++;
	s->dead = true;
	free(s->buf);
	s->buf = NULL;
	return rc;
}

int reasm_add(struct cg_reasm *r, const struct cg_reasm_frag *f, uint64_t now_ms,
	      const uint8_t **ret, size_t *ret_len)
{
	struct slot *s = NULL;

	r->st.fragments++;
	reasm_expire(r, now_ms);
	for (size_t i = 0; i < CG_REASM_TOTAL && !s; i++)
		if (same(&r->slot[i], f))
			s = &r->slot[i];
	if (s && s->dead)
		return -ESTALE;
	if (!s && !(s = slot_open(r, f, now_ms))) {
		r->st.limited++;
		return -ENOBUFS;
	}

	uint64_t end = (uint64_t)f->offset + f->len;
	if (f->offset % 8 || (f->more && (f->len % 8 || !f->len)))
		return slot_kill(s, &r->st.inconsistent, -EBADMSG);
	if (end > CG_REASM_MAX)
		return slot_kill(s, &r->st.oversize, -EFBIG);
	/* The end is known once the last fragment came: nothing may pass it,
	 * and a second last fragment must agree. */
	if ((s->total && end > s->total) || (!f->more && s->total && end != s->total))
		return slot_kill(s, &r->st.inconsistent, -EBADMSG);
	if (!f->more) {
		for (size_t b = (size_t)(end + 7) / 8; b < BLOCKS; b++)
			if (bit(s->have, b))
				return slot_kill(s, &r->st.inconsistent, -EBADMSG);
		s->total = (uint32_t)end;
	}
	size_t b0 = f->offset / 8, b1 = (size_t)(end + 7) / 8;
	for (size_t b = b0; b < b1; b++)
		if (bit(s->have, b))
			return slot_kill(s, &r->st.overlaps, -EBADMSG);
	for (size_t b = b0; b < b1; b++)
		s->have[b / 8] |= (uint8_t)(1u << (b % 8));
	memcpy(s->buf + f->offset, f->data, f->len);

	if (!s->total)
		return 0;
	for (size_t b = 0; b < (s->total + 7) / 8; b++)
		if (!bit(s->have, b))
			return 0;
	/* Whole. A UDP header must state the length the fragments add up to. */
	if (s->proto == 17 && (s->total < 8 || (size_t)(s->buf[4] << 8 | s->buf[5]) != s->total))
		return slot_kill(s, &r->st.inconsistent, -EBADMSG);
	free(r->done);
	r->done = s->buf;
	s->buf = NULL;
	*ret = r->done;
	*ret_len = s->total;
	r->st.reassembled++;
	slot_release(r, s);
	return 1;
}

int reasm_read_event(const void *rec, size_t len, struct cg_reasm *r, uint64_t now_ms,
		     struct cg_disc_info *ret)
{
	const struct cg_disc_event *e = rec;
	struct cg_disc_l3 l3;
	const uint8_t *f, *whole;
	size_t n, wlen;

	memset(ret, 0, sizeof(*ret));
	ret->source = CG_DISC_SRC_MAX;
	int rc = discovery_event_frame(rec, len, &f, &n);
	if (rc < 0)
		return rc;
	rc = discovery_frame_l3(f, n, &l3);
	if (rc < 0 || !l3.frag)
		return discovery_parse_frame(f, n, ret);
	if (l3.proto != 17)
		return -ENOMSG;
	/* A fragment cut by the copy cannot be put back whole. */
	if (l3.cut)
		return -EBADMSG;
	struct cg_reasm_frag fr = {
		.family = l3.family, .proto = l3.proto, .id = l3.id, .offset = l3.offset,
		.more = l3.more, .data = l3.data, .len = l3.len,
	};
	memcpy(fr.mac, e->hdr.mac, 6);
	memcpy(fr.src, l3.src, 16);
	memcpy(fr.dst, l3.dst, 16);
	rc = reasm_add(r, &fr, now_ms, &whole, &wlen);
	if (rc <= 0)
		return -EINPROGRESS;   /* held, or dropped and counted by the reassembly */
	return discovery_parse_udp(whole, wlen, ret);
}
