/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * flows.bpf.h — what the data plane keeps as evidence: every denied flow,
 * counted exactly, and every address a device uses, reported without loss
 * to a sampling budget.
 *
 * Included by camguard.bpf.c after its helpers. cg_evidence_count is called
 * from the verdict point (cg_verdict, in line on the fast and the full path
 * of every program) behind a test of the drop reason it already has, so a
 * pass costs one compare; cg_addr_learn from the full path's report point
 * behind a new source address or a link_local verdict (the fast path only
 * takes flows whose addresses the full path checked and learned).
 * (Userland's side is daemon/inventory/evidence.{c,h}.)
 *
 * Flow accounting. cg_flows is one hash shared by all CPUs (per-CPU values
 * would multiply its memory by the number of CPUs for a table that mostly
 * holds a handful of packets per row). A row is made with BPF_NOEXIST and
 * then looked up: two CPUs racing to make it both end up on the same element,
 * and packets and bytes are atomic adds on it, so no packet is counted twice
 * or lost. The map is a plain hash, not an LRU: a full table refuses the
 * insert instead of evicting someone's evidence, and the packet is counted
 * in its device's flow_over instead. The device counters and flow_over are
 * per-CPU fields of the same cg_dev_stats element written by the same
 * program run, so for every device rows + flow_over equals its drop (and
 * would-drop) counters exactly (see struct cg_dev_evidence).
 *
 * Address learning. A device's new source address (the per-CPU cache in
 * cg_dev_stats missed) is reported by its own CG_EV_ADDR event with its own
 * token bucket, never the drop samples'. cg_addr_seen marks a (device,
 * address) pair only after the event was queued; when the bucket is empty or
 * the ring full, the device's address and OUT flow caches are invalidated
 * instead, so the next frame from that address tries again. IPv6 link-local addresses never
 * reach the address cache (ND and MLD pass before it): they are learned from
 * the device's own ND/MLD frames, one lookup in cg_addr_seen each.
 */
#ifndef CAMGUARD_BPF_EVIDENCE_H
#define CAMGUARD_BPF_EVIDENCE_H

/* Sized at load from evidence.max_flows. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, CG_FLOWS_DEFAULT);
	__type(key, struct cg_flow_key);
	__type(value, struct cg_flow);
} cg_flows SEC(".maps");

/* The fast path's share of each row's counts (struct cg_flow_ctr), per CPU:
 * sized at load (min(cg_flows' size, CG_FLOW_CTRS_MAX) + 1; slot 0 unused). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, CG_FLOW_CTRS_MAX + 1);
	__type(key, __u32);
	__type(value, struct cg_flow_ctr);
} cg_flow_ctrs SEC(".maps");

/* The last cg_flow_ctrs slot handed out (shared; pinned with the rows). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} cg_flow_next SEC(".maps");

/* This CPU's coarse clock as of the jiffy it last read it (cg_now). */
struct cg_clock {
	__u64 jiffies;
	__u64 ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cg_clock);
} cg_clock SEC(".maps");

/*
 * bpf_ktime_get_coarse_ns() for the per-packet paths, read through a cache:
 * the coarse clock only moves when jiffies does (both advance at the tick),
 * so the helper is called once per jiffy and CPU and every other frame pays
 * two loads (the verifier inlines bpf_jiffies64 and the per-CPU array
 * lookup). Per dropped frame the call cost ~3.5 ns of the program's own
 * time in the real path (tools/bench e2e, prog ns; issue 19). A frame that
 * reads jiffies in the instant between their
 * update and the clock's may keep the previous tick's time for the rest of
 * that jiffy: a time stamp one tick early.
 */
static __always_inline __u64 cg_now(void)
{
	__u32 zero = 0;
	struct cg_clock *c = bpf_map_lookup_elem(&cg_clock, &zero);
	__u64 j = bpf_jiffies64();

	if (!c)
		return bpf_ktime_get_coarse_ns();
	if (c->jiffies != j) {
		c->ns = bpf_ktime_get_coarse_ns();
		c->jiffies = j;
	}
	return c->ns;
}

/* Would-drops per policy x direction x the reason isolate would have given
 * (CG_POLSTAT_INDEX): cg_pol_stats counts them under CG_REASON_MONITOR. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, CG_POLSTAT_ENTRIES);
	__type(key, __u32);
	__type(value, struct cg_counter);
} cg_pol_would SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, CG_ADDR_SEEN_ENTRIES);
	__type(key, struct cg_addr_key);
	__type(value, __u64);            /* when the event was queued */
} cg_addr_seen SEC(".maps");

/* One row's key for a denied frame: the remote side as the verdict saw it.
 * `flow` is cg_verdict's (cg_flow_of on the full path, the device's flow
 * cache entry on the fast path): for family 0 its peer_port holds the
 * frame's EtherType. */
static __always_inline void cg_flow_key_fill(struct cg_flow_key *k, const struct cg_flow_cache *flow,
					     const struct cg_mac_key *key, __u8 dir)
{
	__builtin_memcpy(k->mac, key->addr, 6);
	k->dir = dir;
	k->family = flow->family;
	k->proto = flow->proto;
	k->port = flow->peer_port;
	__builtin_memcpy(k->addr, flow->peer, 16);
}

/* A slot of cg_flow_ctrs for a row just made: 0 when none is left (the row
 * then counts every packet in itself). */
static __always_inline void cg_flow_ctr_alloc(struct cg_flow *f)
{
	__u32 zero = 0;
	__u64 *next = bpf_map_lookup_elem(&cg_flow_next, &zero);
	if (!next)
		return;
	__u64 slot = __sync_fetch_and_add(next, 1) + 1;
	__u32 idx = (__u32)slot;
	/* Past the array (whose size bounds slots to 16 bits): none left. */
	if (slot <= CG_FLOW_CTRS_MAX && bpf_map_lookup_elem(&cg_flow_ctrs, &idx))
		f->ctr = idx;
}

/*
 * Counts a denied frame in its row of cg_flows, made if need be. A global
 * function: its 40-byte key and the new row stay off the entry point's
 * stack frame (entry + cg_decide_frame + cg_rules_frame must fit in 512
 * bytes), and only a flow's first frames (per CPU) and the full path's
 * denied frames pay the call. BPF calls take five arguments: direction,
 * reason, policy and would travel packed in one (CG_ROW_ARGS). Returns the
 * row's cg_flow_ctrs slot (0: none), -1 when there is no row (table full).
 */
#define CG_ROW_ARGS(dir, reason, policy, would) \
	(((dir) & 1) | ((reason) & 0xff) << 1 | ((policy) & (CG_MAX_POLICIES - 1)) << 9 | \
	 ((would) & 1) << 16)

__noinline int cg_flow_row_frame(const struct cg_flow_cache *flow, const struct cg_mac_key *key,
				 __u32 args, __u64 bytes)
{
	if (!flow || !key)
		return -1;

	struct cg_flow_key k = {};
	cg_flow_key_fill(&k, flow, key, args & 1);
	k.reason = (args >> 1) & 0xff;
	k.would = (args >> 16) & 1;

	__u64 now = cg_now();
	struct cg_flow *f = bpf_map_lookup_elem(&cg_flows, &k);
	if (!f) {
		struct cg_flow fresh = { .first_ns = now };
		/* EEXIST: another CPU made the row in between; E2BIG: full. */
		int made = !bpf_map_update_elem(&cg_flows, &k, &fresh, BPF_NOEXIST);
		f = bpf_map_lookup_elem(&cg_flows, &k);
		/* Only the row's maker gives it a slot, once: packets other
		 * CPUs count in the row before that are summed with the slot's. */
		if (f && made)
			cg_flow_ctr_alloc(f);
	}
	if (!f)
		return -1;
	__sync_fetch_and_add(&f->packets, 1);
	__sync_fetch_and_add(&f->bytes, bytes);
	f->last_ns = now;
	f->policy = (args >> 9) & (CG_MAX_POLICIES - 1);
	return f->ctr <= CG_FLOW_CTRS_MAX ? f->ctr : 0;
}

/*
 * Counts one denied frame: `reason` is the drop reason isolate gives it,
 * `drop` whether it is really dropped (else monitor passes it). Called for
 * every frame whose isolate reason is a drop; allow policies trust their
 * devices, so what they pass is no evidence.
 *
 * `ctr_cache` (the fast path only) is the device's per-CPU flow_ctr[dir],
 * the slot of the row of the flow cache entry that `flow` is: the row's key
 * is a function of that entry (plus the device, the direction and the
 * action, all fixed while the entry lives: a stored flow clears flow_ctr, a
 * new generation empties the cache), so once the row's slot is known there,
 * the frame is counted in the slot: an array index instead of the 40-byte
 * hash lookup.
 */
static __always_inline void cg_evidence_count(struct cg_dev_stats *st,
					      const struct cg_flow_cache *flow,
					      const struct cg_mac_key *key, __u8 dir,
					      __u32 policy, __u8 action, __u32 reason, int drop,
					      __u64 bytes, __u16 *ctr_cache)
{
	if (!drop && action != CG_ACTION_MONITOR)
		return;

	int would = !drop;
	if (would) {
		__u32 idx = CG_POLSTAT_INDEX(policy, dir, reason);
		struct cg_counter *pc = bpf_map_lookup_elem(&cg_pol_would, &idx);
		if (pc) {
			pc->packets += 1;
			pc->bytes += bytes;
		}
		if (st) {
			st->ev.would[dir & 1].packets += 1;
			st->ev.would[dir & 1].bytes += bytes;
		}
	}

	if (ctr_cache && *ctr_cache) {
		__u32 idx = *ctr_cache;
		struct cg_flow_ctr *c = bpf_map_lookup_elem(&cg_flow_ctrs, &idx);
		if (c) {
			c->packets += 1;
			c->bytes += bytes;
			c->last_ns = cg_now();
			return;
		}
	}
	int ctr = cg_flow_row_frame(flow, key, CG_ROW_ARGS(dir, reason, policy, would), bytes);
	if (ctr < 0) {
		if (st)
			st->ev.flow_over[would] += 1;
		else
			cg_misc_inc(CG_MISC_FLOW_OVER_NODEV);
		return;
	}
	if (ctr_cache && ctr <= CG_FLOW_CTRS_MAX)
		*ctr_cache = ctr;
}

/* Takes one token of the device's address-event bucket (per CPU). */
static __always_inline int cg_addr_budget(struct cg_dev_stats *st, __u64 now)
{
	__u64 tat = st->ev.addr_tat > now ? st->ev.addr_tat : now;

	if (tat - now > CG_ADDR_INTERVAL_NS * (CG_ADDR_BURST - 1))
		return 0;
	st->ev.addr_tat = tat + CG_ADDR_INTERVAL_NS;
	return 1;
}

/* Reports the device's source address once: returns 0 when it was reported
 * (now or before), -1 when the event must be retried by a later frame. */
static __always_inline int cg_addr_report(struct cg_dev_stats *st, const struct cg_pkt *p,
					  const struct cg_mac_key *key, __u32 policy,
					  __u32 ifindex, int enclave)
{
	struct cg_addr_key ak = {};

	__builtin_memcpy(ak.mac, key->addr, 6);
	ak.family = p->family;
	__builtin_memcpy(ak.addr, p->saddr, 16);
	if (bpf_map_lookup_elem(&cg_addr_seen, &ak))
		return 0;

	__u64 now = bpf_ktime_get_coarse_ns();
	if (!cg_addr_budget(st, now)) {
		cg_misc_inc(CG_MISC_ADDR_DEFERRED);
		return -1;
	}
	struct cg_event ev = {
		.type = CG_EV_ADDR,
		.dir = CG_DIR_OUT,
		.family = p->family,
		.vlan = p->vlan,
		.policy = policy,
		.l4proto = p->l4proto,
		.flags = enclave ? CG_EVF_SRC_ENCLAVE : 0,
		.ifindex = ifindex,
		.ts_ns = now,
	};
	__builtin_memcpy(ev.mac, key->addr, 6);
	__builtin_memcpy(ev.cam_addr, p->saddr, 16);
	__builtin_memcpy(ev.peer_addr, p->daddr, 16);
	if (bpf_ringbuf_output(&cg_events, &ev, sizeof(ev), 0)) {
		cg_misc_inc(CG_MISC_EVENTS_LOST);
		cg_misc_inc(CG_MISC_ADDR_DEFERRED);
		return -1;
	}
	cg_misc_inc(CG_MISC_ADDR_EVENTS);
	bpf_map_update_elem(&cg_addr_seen, &ak, &now, BPF_ANY);
	return 0;
}

/*
 * Address learning at the verdict point. new_addr: the frame's source
 * address missed the device's per-CPU address cache (cg_src_in_enclave
 * filled it). A report that could not be queued empties that cache entry
 * and the OUT flow cache (which answers first), so the next frame from the
 * address misses them again and retries. `reason`
 * tells link-local ND/MLD frames apart: their fe80::/10 source is learned
 * here, with no cache in front of cg_addr_seen.
 */
static __always_inline void cg_addr_learn(struct cg_dev_stats *st, const struct cg_pkt *p,
					  const struct cg_mac_key *key, __u8 dir, __u32 policy,
					  __u32 ifindex, __u32 reason, int new_addr)
{
	if (!st || dir != CG_DIR_OUT || !p->family)
		return;
	if (new_addr) {
		int v4 = p->family == 4;
		if (!*(const __u32 *)p->saddr && (v4 || !(*(const __u32 *)(p->saddr + 4) |
							  *(const __u32 *)(p->saddr + 8) |
							  *(const __u32 *)(p->saddr + 12))))
			return;   /* 0.0.0.0 and :: are nobody's address */
		int enclave = st->addr_flags & (v4 ? CG_DEVF_IP4_ENCLAVE : CG_DEVF_IP6_ENCLAVE);
		if (cg_addr_report(st, p, key, policy, ifindex, enclave)) {
			/* The flow cache answers before the address cache is
			 * asked: empty both, or the same flow never retries. */
			st->addr_flags &= v4 ? ~CG_DEVF_IP4_SEEN : ~CG_DEVF_IP6_SEEN;
			st->flow[CG_DIR_OUT].family = 0;
		}
		return;
	}
	if (reason == CG_REASON_LINK_LOCAL && p->kind == CG_KIND_IP && p->family == 6 &&
	    p->l4proto == IPPROTO_ICMPV6 && cg_is_v6_linklocal(p->saddr))
		cg_addr_report(st, p, key, policy, ifindex, 0);
}

#endif /* CAMGUARD_BPF_EVIDENCE_H */
