// SPDX-License-Identifier: GPL-2.0-only
/*
 * ref.bpf.c — the yardsticks tools/bench classifier measures camguard against
 * (issue 19), built with the benchmark and never shipped.
 *
 *   cg_ref_tc / cg_ref_xdp  a minimal classifier: the essential work of the
 *       job and nothing else. Ethernet + IPv4 (no VLAN tags, options or
 *       fragments), exact source MAC in a hash -> policy id, {policy, peer
 *       /32} in a hash -> allowed port range, one per-CPU array counter per
 *       policy and verdict. No generations, no per-device state, no events.
 *   cg_ref_ev_tc / cg_ref_ev_xdp  the same minimal classifier keeping the
 *       evidence camguard keeps of a denied frame, in the simplest exact way:
 *       a per-CPU hash keyed by the flow (camguard's row key) -> packets,
 *       bytes and the coarse clock of the last one, made on a flow's first
 *       frame. Passed frames cost what they cost in cg_ref_tc.
 *   cg_ref_bare / cg_ref_bare_xdp  programs that only pass: the cost of
 *       running any program at all, subtracted from the classifiers.
 *
 * camguard's figure is read as ratio_min = (camguard - bare) / (minimal -
 * bare), and ratio_min_ev against cg_ref_ev, every term measured in the
 * same run on the same frames.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "camguard.h"

char LICENSE[] SEC("license") = "GPL";

/* Value of cg_ref_peers: the ports allowed to that peer (0-65535: any). */
struct cg_ref_peer {
	__u16 lo;
	__u16 hi;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, CG_MAX_DEVICES);
	__type(key, struct cg_mac_key);
	__type(value, __u32);
} cg_ref_devs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, struct cg_peer4_key);
	__type(value, struct cg_ref_peer);
} cg_ref_peers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, CG_MAX_POLICIES * 2);
	__type(key, __u32);
	__type(value, struct cg_counter);
} cg_ref_count SEC(".maps");

struct cg_ref_flow {
	__u64 packets;
	__u64 bytes;
	__u64 last_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct cg_flow_key);
	__type(value, struct cg_ref_flow);
} cg_ref_flows SEC(".maps");

/* The denied frame's row: made on the flow's first frame, then counted. */
static __always_inline void cg_ref_evidence(const struct ethhdr *eth, const struct iphdr *ip,
					    __u16 port, __u64 bytes)
{
	static const struct cg_ref_flow fresh;
	struct cg_flow_key k = { .dir = CG_DIR_OUT, .family = 4, .proto = ip->protocol,
				 .reason = CG_REASON_EGRESS, .port = port };

	__builtin_memcpy(k.mac, eth->h_source, 6);
	__builtin_memcpy(k.addr, &ip->daddr, 4);
	struct cg_ref_flow *f = bpf_map_lookup_elem(&cg_ref_flows, &k);
	if (!f) {
		bpf_map_update_elem(&cg_ref_flows, &k, &fresh, BPF_NOEXIST);
		f = bpf_map_lookup_elem(&cg_ref_flows, &k);
		if (!f)
			return;
	}
	f->packets += 1;
	f->bytes += bytes;
	f->last_ns = bpf_ktime_get_coarse_ns();
}

/* 1 to pass, 0 to drop; `evidence`: count a dropped frame's flow. */
static __always_inline int cg_ref(void *data, void *data_end, __u64 bytes, int evidence)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	__be16 *ports = (void *)(ip + 1);

	if ((void *)(ports + 2) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5)
		return 0;

	struct cg_mac_key mk = {};
	__builtin_memcpy(mk.addr, eth->h_source, 6);
	__u32 *pol = bpf_map_lookup_elem(&cg_ref_devs, &mk);
	__u32 policy = pol ? *pol & (CG_MAX_POLICIES - 1) : 0;

	struct cg_peer4_key pk = { .policy = policy };
	__builtin_memcpy(pk.addr, &ip->daddr, 4);
	struct cg_ref_peer *peer = bpf_map_lookup_elem(&cg_ref_peers, &pk);
	__u16 port = bpf_ntohs(ports[1]);
	int pass = peer && port >= peer->lo && port <= peer->hi;

	if (evidence && !pass)
		cg_ref_evidence(eth, ip, port, bytes);
	__u32 idx = policy * 2 + !pass;
	struct cg_counter *c = bpf_map_lookup_elem(&cg_ref_count, &idx);
	if (c) {
		c->packets += 1;
		c->bytes += bytes;
	}
	return pass;
}

SEC("tc")
int cg_ref_tc(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *data_end = (void *)(long)skb->data_end;

	return cg_ref(data, data_end, skb->len, 0) ? TC_ACT_OK : TC_ACT_SHOT;
}

SEC("xdp")
int cg_ref_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;

	return cg_ref(data, data_end, data_end - data, 0) ? XDP_PASS : XDP_DROP;
}

SEC("tc")
int cg_ref_ev_tc(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *data_end = (void *)(long)skb->data_end;

	return cg_ref(data, data_end, skb->len, 1) ? TC_ACT_OK : TC_ACT_SHOT;
}

SEC("xdp")
int cg_ref_ev_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;

	return cg_ref(data, data_end, data_end - data, 1) ? XDP_PASS : XDP_DROP;
}

SEC("tc")
int cg_ref_bare(struct __sk_buff *skb)
{
	return TC_ACT_OK;
}

SEC("xdp")
int cg_ref_bare_xdp(struct xdp_md *ctx)
{
	return XDP_PASS;
}
