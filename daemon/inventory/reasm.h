/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * reasm.h — reassembly of fragmented discovery datagrams.
 *
 * The data plane copies every fragment of a discovery datagram whose first
 * fragment it copied (bpf/camguard.h, cg_disc_frags); a 1.6 KB SADP reply
 * over a 1500-byte MTU arrives as two copies. This puts them back together,
 * bounded in every direction: a datagram up to CG_REASM_MAX bytes, at most
 * CG_REASM_PER_DEVICE datagrams in progress per device and CG_REASM_TOTAL in
 * all (so at most CG_REASM_TOTAL * CG_REASM_MAX bytes held), each for
 * CG_REASM_TIMEOUT_MS. Overlapping or inconsistent fragments drop the whole
 * datagram: a camera has no reason to send them, and the reassembly must not
 * have to choose which copy of a byte to believe. Each case is counted.
 *
 * Fragments are matched by the device's MAC, the addresses, the protocol and
 * the IP id: fragments another device sends with a camera's addresses never
 * join the camera's datagram.
 */
#ifndef CAMGUARD_REASM_H
#define CAMGUARD_REASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CG_REASM_MAX        8192   /* bytes of one datagram's fragmentable part */
#define CG_REASM_PER_DEVICE 4
#define CG_REASM_TOTAL      64
#define CG_REASM_TIMEOUT_MS 2000

/* One fragment, as read from a copied frame. */
struct cg_reasm_frag {
	uint8_t mac[6];
	uint8_t family;       /* 4 or 6 */
	uint8_t proto;
	uint32_t id;
	uint8_t src[16];
	uint8_t dst[16];
	uint32_t offset;      /* bytes */
	bool more;            /* more fragments follow */
	const uint8_t *data;
	size_t len;
};

struct cg_reasm_stats {
	uint64_t fragments;     /* fragments received */
	uint64_t reassembled;   /* datagrams completed */
	uint64_t timeouts;      /* incomplete after CG_REASM_TIMEOUT_MS */
	uint64_t overlaps;      /* a fragment overlapped one already held */
	uint64_t inconsistent;  /* lengths that disagree (end, UDP length, odd size) */
	uint64_t oversize;      /* past CG_REASM_MAX */
	uint64_t limited;       /* no room: CG_REASM_PER_DEVICE or CG_REASM_TOTAL */
	uint64_t pending;       /* datagrams in progress now */
};

struct cg_reasm;

struct cg_reasm *reasm_new(void);
void reasm_free(struct cg_reasm *r);

/* Adds a fragment at now_ms (monotonic). 1 with *ret, *ret_len the whole
 * datagram's fragmentable part (valid until the next call) when it completes
 * one; 0 when it is held; -EBADMSG (overlap, inconsistent), -EFBIG
 * (oversize), -ENOBUFS (no room) or -ESTALE (its datagram was dropped
 * already) when it is not. */
int reasm_add(struct cg_reasm *r, const struct cg_reasm_frag *f, uint64_t now_ms,
	      const uint8_t **ret, size_t *ret_len);
/* Drops datagrams older than CG_REASM_TIMEOUT_MS (counted as timeouts). */
void reasm_expire(struct cg_reasm *r, uint64_t now_ms);
void reasm_stats(const struct cg_reasm *r, struct cg_reasm_stats *ret);

struct cg_disc_info;
/* A ring buffer record of type CG_EV_DISCOVERY, as discovery_parse_event()
 * reads it, with fragments put back together in r: -EINPROGRESS for a
 * fragment that completed nothing (held, or dropped and counted in r's
 * statistics); a completed datagram is parsed whole. */
int reasm_read_event(const void *rec, size_t len, struct cg_reasm *r, uint64_t now_ms,
		     struct cg_disc_info *ret);

#endif
