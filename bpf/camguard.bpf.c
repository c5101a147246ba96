// SPDX-License-Identifier: GPL-2.0-only
/*
 * camguard.bpf.c — the camera isolation data plane.
 *
 * Three entry points share one classifier (cg_fast, then cg_classify):
 *   cg_tc_ingress  TC ingress on a camera interface, direction OUT
 *   cg_tc_egress   TC egress on a camera interface, direction IN
 *   cg_xdp         XDP on a camera interface, direction OUT (mode = "xdp")
 *
 * Per frame: parse (parse.h), attribute the frame to a device and the device
 * to a policy, look the peer address up in the policy's peer tables, decide,
 * count. Two paths lead to one verdict point (cg_verdict):
 *   - the fast path (cg_fast, in line in the entry point): a plain TCP/UDP
 *     frame of a known device that repeats the flow last decided for it.
 *     One per-CPU LRU lookup for the device (its state caches the policy,
 *     the validated source addresses and the last flow per direction for
 *     the current generation), the flow compare, two counter updates. No
 *     BPF-to-BPF call: on this host (retpolines; SRSO "safe RET" on others)
 *     every call and return is dear.
 *   - the full path for everything else: the parser (a global function),
 *     cg_classify with cg_decide_frame (global), one peer lookup (hash for
 *     exact hosts, LPM only for real prefixes), rules, events, discovery
 *     copies. It fills the caches the fast path reads.
 *
 * See camguard.h for the two-slot generation scheme that makes a reload
 * atomic.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "camguard.h"
#include "parse.h"

char LICENSE[] SEC("license") = "GPL";

/* Tunables, set by the loader before load. */
const volatile __u64 cg_sample_interval_ns = 100000000ULL;  /* 10 drop samples/s */
const volatile __u64 cg_sample_burst = 10;
/* The kernel has bpf_xdp_load_bytes() (5.18): set by dataplane_load() from
 * a probe. A CO-RE check (bpf_core_enum_value_exists) made libbpf parse the
 * kernel's whole BTF at every load, a quarter of the start's load time. */
const volatile __u32 cg_have_xdp_load_bytes = 0;

/* ---- policy state, two slots -------------------------------------------- */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);           /* the active slot */
} cg_active SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CG_SLOTS);
	__type(key, __u32);
	__type(value, struct cg_conf);
} cg_conf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CG_SLOTS * CG_MAX_RULESETS);
	__type(key, __u32);
	__type(value, struct cg_ruleset);
} cg_rules SEC(".maps");

/* Inner map templates (key/value by size: clang emits only forward
 * declarations for types reached through these never-instantiated structs).
 * Userland creates a fresh inner map per generation
 * (sized to what it holds) and stores it in the inactive slot. */
struct cg_devs_inner {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(struct cg_mac_key));
	__uint(value_size, sizeof(struct cg_device));
};

struct cg_oui_inner {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(key_size, sizeof(struct cg_oui_key));
	__uint(value_size, sizeof(struct cg_device));
};

struct cg_peer4_inner {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(struct cg_peer4_key));
	__uint(value_size, sizeof(struct cg_peer));
};

struct cg_peer6_inner {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(struct cg_peer6_key));
	__uint(value_size, sizeof(struct cg_peer));
};

struct cg_lpm4_inner {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(key_size, sizeof(struct cg_lpm4_key));
	__uint(value_size, sizeof(struct cg_peer));
};

struct cg_lpm6_inner {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(key_size, sizeof(struct cg_lpm6_key));
	__uint(value_size, sizeof(struct cg_peer));
};

#define CG_OUTER(name, inner)                              \
	struct {                                           \
		__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);  \
		__uint(max_entries, CG_SLOTS);             \
		__type(key, __u32);                        \
		__array(values, struct inner);             \
	} name SEC(".maps")

CG_OUTER(cg_devs, cg_devs_inner);
CG_OUTER(cg_oui, cg_oui_inner);
CG_OUTER(cg_peer4, cg_peer4_inner);
CG_OUTER(cg_peer6, cg_peer6_inner);
CG_OUTER(cg_lpm4, cg_lpm4_inner);
CG_OUTER(cg_lpm6, cg_lpm6_inner);

/* ---- counters and events ------------------------------------------------ */

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, CG_DEV_STATS_DEFAULT);
	__type(key, struct cg_mac_key);
	__type(value, struct cg_dev_stats);
} cg_dev_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, CG_POLSTAT_ENTRIES);
	__type(key, __u32);
	__type(value, struct cg_counter);
} cg_pol_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, CG_MISC_MAX);
	__type(key, __u32);
	__type(value, __u64);
} cg_misc SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, CG_RINGBUF_BYTES);
} cg_events SEC(".maps");

/* Interfaces the OUT programs run on (ifindex -> 1), filled by those
 * programs themselves when a device shows up on an interface: a frame that
 * arrived on one of them was source-checked on the way in, so the IN
 * reverse-path check (cg_rpf_check) leaves it alone. That keeps frames a
 * bridge forwards between camera member ports, whose route back leaves
 * through the bridge and not the port, from looking spoofed. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u32);
} cg_cam_ifaces SEC(".maps");

/* Fragmented discovery datagrams whose later fragments are copied too. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, CG_DISC_FRAG_ENTRIES);
	__type(key, struct cg_disc_frag_key);
	__type(value, struct cg_disc_frag);
} cg_disc_frags SEC(".maps");

/* Where a discovery copy is assembled before bpf_ringbuf_output(): 8 KiB is
 * too much for the stack, and a fixed-size ring reservation would spend
 * CG_DISC_MAX of the ring on every 300-byte announcement. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cg_disc_event);
} cg_disc_buf SEC(".maps");

static const struct cg_dev_stats cg_dev_zero;

/* ---- helpers ------------------------------------------------------------ */

static __always_inline void cg_misc_inc(__u32 which)
{
	__u64 *v = bpf_map_lookup_elem(&cg_misc, &which);
	if (v)
		*v += 1;
}

static __always_inline int cg_is_drop(__u32 reason)
{
	return reason >= CG_REASON_FIRST_DROP;
}

/* Device -> policy: exact MAC, else the longest OUI prefix (never for a
 * locally administered MAC), else the default. */
static __always_inline __u16 cg_resolve_policy(__u32 slot, const struct cg_conf *conf,
					       const struct cg_mac_key *key)
{
	void *devs = bpf_map_lookup_elem(&cg_devs, &slot);
	if (devs) {
		struct cg_device *d = bpf_map_lookup_elem(devs, key);
		if (d)
			return d->policy;
	}
	if (!(key->addr[0] & 0x02)) {
		void *ouis = bpf_map_lookup_elem(&cg_oui, &slot);
		if (ouis) {
			struct cg_oui_key ok = { .prefixlen = CG_OUI_BITS_MAS };
			ok.oui[0] = key->addr[0];
			ok.oui[1] = key->addr[1];
			ok.oui[2] = key->addr[2];
			ok.oui[3] = key->addr[3];
			ok.oui[4] = key->addr[4] & 0xf0;
			struct cg_device *d = bpf_map_lookup_elem(ouis, &ok);
			if (d)
				return d->policy;
		}
	}
	return conf->default_policy;
}

/* Peer address -> what the policy says of it. Exact hosts first (hash), then
 * real prefixes (LPM). The compiler has merged covering prefixes into each
 * entry, so the first hit is the whole answer. */
static __always_inline struct cg_peer cg_peer_lookup(__u32 slot, __u16 policy, __u8 family,
						     const __u8 *addr)
{
	struct cg_peer none = {};
	struct cg_peer *v;

	if (family == 4) {
		struct cg_peer4_key hk = { .policy = policy };
		__builtin_memcpy(hk.addr, addr, 4);
		void *h = bpf_map_lookup_elem(&cg_peer4, &slot);
		if (h && (v = bpf_map_lookup_elem(h, &hk)))
			return *v;
		struct cg_lpm4_key lk = { .prefixlen = 16 + 32 };
		lk.policy[0] = policy >> 8;
		lk.policy[1] = policy & 0xff;
		__builtin_memcpy(lk.addr, addr, 4);
		void *l = bpf_map_lookup_elem(&cg_lpm4, &slot);
		if (l && (v = bpf_map_lookup_elem(l, &lk)))
			return *v;
	} else {
		struct cg_peer6_key hk = { .policy = policy };
		__builtin_memcpy(hk.addr, addr, 16);
		void *h = bpf_map_lookup_elem(&cg_peer6, &slot);
		if (h && (v = bpf_map_lookup_elem(h, &hk)))
			return *v;
		struct cg_lpm6_key lk = { .prefixlen = 16 + 128 };
		lk.policy[0] = policy >> 8;
		lk.policy[1] = policy & 0xff;
		__builtin_memcpy(lk.addr, addr, 16);
		void *l = bpf_map_lookup_elem(&cg_lpm6, &slot);
		if (l && (v = bpf_map_lookup_elem(l, &lk)))
			return *v;
	}
	return none;
}


/* Does a rule of the peer's rule set allow this frame? Returns 1 on a match.
 * Non-first fragments carry no ports: only a rule without ports (an
 * address-level allow) can match them; a port rule never does, whatever its
 * protocol, or a later fragment would pass on any port. */
static __always_inline int cg_rules_match(__u32 idx, const struct cg_pkt *p, __u8 dir)
{
	struct cg_ruleset *rs = bpf_map_lookup_elem(&cg_rules, &idx);
	if (!rs)
		return 0;

	__u16 peer_port = dir == CG_DIR_OUT ? p->dport : p->sport;
	__u16 cam_port = dir == CG_DIR_OUT ? p->sport : p->dport;
	__u32 n = rs->count;

	for (__u32 i = 0; i < CG_MAX_SET_RULES; i++) {
		if (i >= n)
			break;
		const struct cg_rule *r = &rs->rule[i];
		if (r->proto && r->proto != p->l4proto)
			continue;
		if (!(r->flags & CG_RULEF_PORTS))
			return 1;
		if (!(p->flags & CG_PKT_PORTS))
			continue;
		__u16 port = r->kind == CG_RULE_TO ? peer_port : cam_port;
		if (port >= r->lo && port <= r->hi)
			return 1;
	}
	return 0;
}

/* Global: the rule loop is verified once, not once per way into it. idx is
 * the ruleset's index in cg_rules (slot half included). */
__noinline int cg_rules_frame(const struct cg_pkt *p, __u32 idx, __u32 dir)
{
	if (!p)
		return 0;
	return cg_rules_match(idx, p, dir & 1);
}

/* Address tests read whole words: byte-wise tests on stack addresses let
 * clang turn "base + 2" into "base | 2", which the verifier rejects. */
static __always_inline __u32 cg_word0(const __u8 *a)
{
	return bpf_ntohl(*(const __u32 *)a);
}

static __always_inline int cg_is_mcast(const struct cg_pkt *p, const __u8 *a)
{
	return p->family == 4 ? (cg_word0(a) & 0xf0000000) == 0xe0000000 :
				(cg_word0(a) & 0xff000000) == 0xff000000;
}

/* 224.0.0.0/24 and ff02::/16: link-scope multicast, never routed. */
static __always_inline int cg_is_link_mcast(const struct cg_pkt *p, const __u8 *a)
{
	if (p->family == 4)
		return (cg_word0(a) & 0xffffff00) == 0xe0000000;
	return (cg_word0(a) & 0xffff0000) == 0xff020000;
}

static __always_inline int cg_is_v6_linklocal(const __u8 *a)
{
	return (cg_word0(a) & 0xffc00000) == 0xfe800000;
}

/* Rogue services: a camera acting as router or DHCP server. */
static __always_inline int cg_is_rogue(const struct cg_pkt *p)
{
	if (p->l4proto == IPPROTO_ICMPV6 && p->family == 6 && !(p->flags & CG_PKT_FRAG_LATER))
		return p->icmp_type == 134 || p->icmp_type == 137;  /* RA, redirect */
	if (p->l4proto == IPPROTO_UDP && (p->flags & CG_PKT_PORTS)) {
		if (p->family == 4)
			return p->sport == 67 && p->dport == 68;
		return p->sport == 547 && p->dport == 546;
	}
	return 0;
}

/* Link-local control traffic that always passes (DESIGN §2.4), each kind
 * bound to where it may go so that it cannot carry data out of the enclave:
 * IGMP/MLD only to multicast groups, ND only with hop limit 255 to multicast,
 * link-local or enclave addresses, DHCP client->server only to broadcast or
 * the enclave. `far` is the non-camera address, `far_enclave` its enclave
 * fact. */
static __always_inline int cg_is_link_local(const struct cg_pkt *p, __u8 dir,
					    const __u8 *far, int far_enclave)
{
	const __u8 *dst = p->daddr;

	if (p->flags & CG_PKT_FRAG)
		return 0;
	if (p->family == 4) {
		if (p->l4proto == 2)                      /* IGMP */
			return cg_is_mcast(p, dst);
		if (dir == CG_DIR_OUT && p->l4proto == IPPROTO_UDP &&
		    p->sport == 68 && p->dport == 67)
			return far_enclave || cg_word0(dst) == 0xffffffff;
		return 0;
	}
	if (p->l4proto == IPPROTO_ICMPV6) {
		__u8 t = p->icmp_type;
		if (t == 130 || t == 131 || t == 132 || t == 143)   /* MLD */
			return cg_is_mcast(p, dst);
		if (t >= 133 && t <= 137)                           /* ND */
			return p->hop_limit == 255 &&
			       (cg_is_mcast(p, dst) || cg_is_v6_linklocal(far) || far_enclave);
		return 0;
	}
	if (dir == CG_DIR_OUT && p->l4proto == IPPROTO_UDP && p->sport == 546 && p->dport == 547)
		return far_enclave;
	return 0;
}

/* Address compare without memcmp (no BPF builtin); both sides 4-byte aligned. */
static __always_inline int cg_addr_eq(const __u8 *a, const __u8 *b, int words)
{
	const __u32 *x = (const __u32 *)a, *y = (const __u32 *)b;
	__u32 diff = x[0] ^ y[0];
	if (words == 4)
		diff |= (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]);
	return diff == 0;
}

/* The per-device state for this frame: found, or created (ret_new set). */
static __always_inline struct cg_dev_stats *cg_device(const struct cg_mac_key *key, int *ret_new)
{
	struct cg_dev_stats *st = bpf_map_lookup_elem(&cg_dev_stats, key);
	if (st)
		return st;

	/* The template comes from .rodata: the entry is too large for the
	 * 512-byte BPF stack next to the rest of the classifier. EEXIST is
	 * fine: another CPU created it between lookup and update. */
	bpf_map_update_elem(&cg_dev_stats, key, &cg_dev_zero, BPF_NOEXIST);
	st = bpf_map_lookup_elem(&cg_dev_stats, key);
	if (!st) {
		cg_misc_inc(CG_MISC_DEV_INSERT_FAIL);
		return 0;
	}
	if (!st->first_ns) {
		st->first_ns = bpf_ktime_get_coarse_ns();
		st->policy = CG_POLICY_NONE;
	}
	*ret_new = 1;
	return st;
}

/* GCRA token bucket: at most cg_sample_burst samples at once, then one per
 * cg_sample_interval_ns, per device and CPU. */
static __always_inline int cg_sample_ok(struct cg_dev_stats *st, __u64 now)
{
	__u64 tat = st->sample_tat > now ? st->sample_tat : now;
	if (tat - now > cg_sample_interval_ns * (cg_sample_burst - 1))
		return 0;
	st->sample_tat = tat + cg_sample_interval_ns;
	return 1;
}

/* A camera's own address must lie in the enclave and must not be one of the
 * recorder's (ARP or IP spoofing of the host every camera talks to). */
static __always_inline int cg_valid_src(const struct cg_peer *v)
{
	return (v->flags & (CG_PEER_ENCLAVE | CG_PEER_PROTECTED)) == CG_PEER_ENCLAVE;
}

/*
 * Is the camera's source address (direction OUT) inside the enclave? Cached
 * per device and generation: cameras keep their addresses, so the lookup
 * runs once per new address, which is also when the inventory hears of it.
 * ARP passes its sender address here too.
 */
static __always_inline int cg_src_in_enclave(struct cg_dev_stats *st, __u32 slot, __u16 policy,
					     const struct cg_pkt *p, int *ret_new)
{
	struct cg_peer v;

	if (!st) {
		v = cg_peer_lookup(slot, policy, p->family, p->saddr);
		return cg_valid_src(&v);
	}
	if (p->family == 4) {
		if ((st->addr_flags & CG_DEVF_IP4_SEEN) && cg_addr_eq(st->ip4, p->saddr, 1))
			return !!(st->addr_flags & CG_DEVF_IP4_ENCLAVE);
		v = cg_peer_lookup(slot, policy, 4, p->saddr);
		__builtin_memcpy(st->ip4, p->saddr, 4);
		st->addr_flags &= ~CG_DEVF_IP4_ENCLAVE;
		st->addr_flags |= CG_DEVF_IP4_SEEN | (cg_valid_src(&v) ? CG_DEVF_IP4_ENCLAVE : 0);
	} else {
		if ((st->addr_flags & CG_DEVF_IP6_SEEN) && cg_addr_eq(st->ip6, p->saddr, 4))
			return !!(st->addr_flags & CG_DEVF_IP6_ENCLAVE);
		v = cg_peer_lookup(slot, policy, 6, p->saddr);
		__builtin_memcpy(st->ip6, p->saddr, 16);
		st->addr_flags &= ~CG_DEVF_IP6_ENCLAVE;
		st->addr_flags |= CG_DEVF_IP6_SEEN | (cg_valid_src(&v) ? CG_DEVF_IP6_ENCLAVE : 0);
	}
	*ret_new = 1;
	return cg_valid_src(&v);
}

#include "flows.bpf.h"

/* ---- the classifier ----------------------------------------------------- */

/* The part of the decision that needs table lookups, for an IP frame. */
static __always_inline __u32 cg_decide_peer(struct cg_pkt *p, __u8 dir, __u32 slot, __u16 policy,
					    struct cg_dev_stats *st, int *ret_new_addr)
{
	const __u8 *far = dir == CG_DIR_OUT ? p->daddr : p->saddr;
	struct cg_peer peer = cg_peer_lookup(slot, policy, p->family, far);

	if (cg_is_link_local(p, dir, far, peer.flags & CG_PEER_ENCLAVE))
		return CG_REASON_LINK_LOCAL;
	if (dir == CG_DIR_OUT && !cg_src_in_enclave(st, slot, policy, p, ret_new_addr))
		return CG_REASON_SPOOF;
	if (peer.flags & CG_PEER_DENY)
		return CG_REASON_DENY_LIST;
	if (peer.flags & CG_PEER_PASS)
		return CG_REASON_ENCLAVE;
	if (peer.flags & CG_PEER_RULES) {
		if (cg_rules_frame(p, slot * CG_MAX_RULESETS + (peer.ruleset & (CG_MAX_RULESETS - 1)),
				   dir))
			return CG_REASON_RULE;
		return (p->flags & CG_PKT_FRAG_LATER) ? CG_REASON_FRAGMENT : CG_REASON_PORT;
	}
	if (p->flags & CG_PKT_FRAG_LATER)
		return CG_REASON_FRAGMENT;
	return dir == CG_DIR_OUT ? CG_REASON_EGRESS : CG_REASON_INGRESS;
}

/*
 * The flow cache covers whole TCP/UDP frames (not fragments): their decision
 * depends only on the generation, the policy, both addresses, the protocol and
 * both ports, which is exactly the cache key. Everything with more inputs
 * (ICMP types, hop limits, fragments) always takes the full path.
 */
static __always_inline int cg_flow_cacheable(const struct cg_pkt *p)
{
	return (p->flags & (CG_PKT_PORTS | CG_PKT_FRAG)) == CG_PKT_PORTS &&
	       (p->l4proto == IPPROTO_TCP || p->l4proto == IPPROTO_UDP);
}

static __always_inline int cg_flow_hit(const struct cg_flow_cache *f, const struct cg_pkt *p,
				       __u8 dir)
{
	const __u8 *cam = dir == CG_DIR_OUT ? p->saddr : p->daddr;
	const __u8 *peer = dir == CG_DIR_OUT ? p->daddr : p->saddr;
	__u16 cam_port = dir == CG_DIR_OUT ? p->sport : p->dport;
	__u16 peer_port = dir == CG_DIR_OUT ? p->dport : p->sport;
	int words = p->family == 4 ? 1 : 4;

	return f->family == p->family && f->proto == p->l4proto && f->cam_port == cam_port &&
	       f->peer_port == peer_port && cg_addr_eq(f->cam, cam, words) &&
	       cg_addr_eq(f->peer, peer, words);
}

/* The flow a frame belongs to, seen from the camera. Only IP flows are
 * cached (cg_flow_store); for the evidence key at the verdict point an ARP
 * frame gives its addresses (family 4, no ports) and a frame without an IP
 * family (non-IP, or too broken to have one) its EtherType in peer_port. */
static __always_inline void cg_flow_of(struct cg_flow_cache *f, const struct cg_pkt *p, __u8 dir)
{
	if (!p->family || (p->kind != CG_KIND_IP && p->kind != CG_KIND_ARP)) {
		f->peer_port = p->ethertype;
		return;
	}
	__builtin_memcpy(f->cam, dir == CG_DIR_OUT ? p->saddr : p->daddr, 16);
	__builtin_memcpy(f->peer, dir == CG_DIR_OUT ? p->daddr : p->saddr, 16);
	f->cam_port = dir == CG_DIR_OUT ? p->sport : p->dport;
	f->peer_port = dir == CG_DIR_OUT ? p->dport : p->sport;
	f->family = p->family;
	f->proto = p->l4proto;
}

static __always_inline int cg_disc_port(__u16 port);

static __always_inline void cg_flow_store(struct cg_flow_cache *f, const struct cg_pkt *p,
					  __u8 dir, __u32 reason)
{
	cg_flow_of(f, p, dir);
	f->reason = reason;
	/* Discovery datagrams are copied by the full path: the fast path
	 * leaves their flows alone (a flag here instead of two port switches
	 * on every frame there). */
	f->flags = p->l4proto == IPPROTO_UDP && (cg_disc_port(p->sport) || cg_disc_port(p->dport)) ?
		   CG_FLOWF_FULL : 0;
}

/*
 * THE verdict point of every program (fast path and full path alike): the
 * policy's action applied to the isolate reason, then counted per policy and
 * per device. Past the first lines the verdict is final: the frame is
 * dropped when cg_is_drop(final), and it is a would-drop (monitor) when
 * cg_is_drop(reason) but not cg_is_drop(final). `key` is the device's MAC,
 * `flow` the frame's flow seen from the camera (family 0 for non-IP
 * frames), `st` the device's state (0 for a group address or a full device
 * table). Denied flows are counted right after `final` is set
 * (cg_evidence_count, bpf/flows.bpf.h); `ctr_cache` is the fast path's
 * flow cache entry's evidence slot (0 on the full path). Returns the final
 * reason.
 */
static __always_inline __u32 cg_verdict(struct cg_dev_stats *st, const struct cg_mac_key *key,
					__u32 policy, __u8 action, __u8 dir, __u32 reason,
					__u64 bytes, const struct cg_flow_cache *flow,
					__u16 *ctr_cache)
{
	__u32 final = reason;

	if (cg_is_drop(reason) && reason != CG_REASON_DENY_LIST) {
		if (action == CG_ACTION_MONITOR)
			final = CG_REASON_MONITOR;
		else if (action == CG_ACTION_ALLOW)
			final = CG_REASON_ALLOW_POLICY;
	}
	/* Every denied frame on either path, in the same run as the device
	 * counters below: rows + overflow == drops (would-drops) exactly. */
	if (cg_is_drop(reason))
		cg_evidence_count(st, flow, key, dir, policy, action, reason, cg_is_drop(final),
				  bytes, ctr_cache);

	__u32 idx = CG_POLSTAT_INDEX(policy & (CG_MAX_POLICIES - 1), dir & 1, final);
	struct cg_counter *pc = bpf_map_lookup_elem(&cg_pol_stats, &idx);
	if (pc) {
		pc->packets += 1;
		pc->bytes += bytes;
	}
	if (st) {
		struct cg_counter *dc = &st->c[dir & 1][cg_is_drop(final)];
		dc->packets += 1;
		dc->bytes += bytes;
	}
	return final;
}

/*
 * The isolate decision for a parsed frame: a pass reason or the drop reason
 * isolate would apply. The policy's action is applied by the caller.
 */
static __always_inline __u32 cg_decide(struct cg_pkt *p, __u8 dir, __u32 slot, __u16 policy,
				       struct cg_dev_stats *st, int *ret_new_addr, int *ret_hit)
{
	switch (p->kind) {
	case CG_KIND_L2_LOCAL:
		return CG_REASON_LINK_LOCAL;
	case CG_KIND_NON_IP:
		return CG_REASON_NON_IP;
	case CG_KIND_ARP:
		/* A camera may announce only its own enclave addresses (or probe
		 * with 0): never one outside, never the recorder's. */
		if (dir == CG_DIR_OUT && cg_word0(p->saddr) &&
		    !cg_src_in_enclave(st, slot, policy, p, ret_new_addr))
			return CG_REASON_SPOOF;
		return CG_REASON_LINK_LOCAL;
	default:
		break;
	}

	/* Before the flow cache: a spoofed frame may repeat a cached flow. */
	if (p->flags & CG_PKT_RPF_FAIL)
		return CG_REASON_SPOOF;
	if (dir == CG_DIR_OUT && cg_is_rogue(p))
		return CG_REASON_ROGUE_SERVICE;
	if (cg_is_link_mcast(p, p->daddr) && !(p->flags & CG_PKT_FRAG))
		return CG_REASON_LINK_LOCAL;

	if (st && cg_flow_cacheable(p)) {
		struct cg_flow_cache *f = &st->flow[dir & 1];
		if (cg_flow_hit(f, p, dir)) {
			*ret_hit = 1;
			return f->reason;
		}
		__u32 reason = cg_decide_peer(p, dir, slot, policy, st, ret_new_addr);
		cg_flow_store(f, p, dir, reason);
		st->flow_ctr[dir & 1] = 0;   /* another flow: its evidence row is not known yet */
		return reason;
	}
	return cg_decide_peer(p, dir, slot, policy, st, ret_new_addr);
}

/*
 * cg_decide as a global function: the verifier checks it once, on its own,
 * instead of once for every path into it, and the code after it once
 * instead of once per reason it can return (each a different constant on
 * its own path). Only the full path pays the call; the fast path never gets
 * here. Returns the reason with CG_DECIDE_* flags.
 */
#define CG_DECIDE_REASON   0xff
#define CG_DECIDE_NEW_ADDR 0x100
#define CG_DECIDE_HIT      0x200

__noinline int cg_decide_frame(struct cg_pkt *p, struct cg_dev_stats *st, __u32 dir, __u32 slot,
			       __u32 policy)
{
	int new_addr = 0, hit = 0;

	if (!p)
		return CG_REASON_MALFORMED;
	__u32 r = cg_decide(p, dir & 1, slot & 1, policy & (CG_MAX_POLICIES - 1), st, &new_addr,
			    &hit);
	return (r & CG_DECIDE_REASON) | (new_addr ? CG_DECIDE_NEW_ADDR : 0) |
	       (hit ? CG_DECIDE_HIT : 0);
}

/* The slow path after a decision: announce a new device or address, sample
 * a drop. Rare by construction, so it may read the clock. */
static __always_inline void cg_report(struct cg_dev_stats *st, const struct cg_pkt *p,
				 const struct cg_mac_key *key, __u32 dir, __u32 reason,
				 __u32 policy, __u32 ifindex, __u32 flags)
{
	struct cg_event ev = {};
	__u64 now = bpf_ktime_get_coarse_ns();

	st->last_ns = now;
	if (flags & 1) {
		ev.type = CG_EV_DEVICE;
	} else {
		/* Drop samples only: new addresses have their own events
		 * and budget (cg_addr_learn). */
		if (!cg_sample_ok(st, now))
			return;
		ev.type = (flags & 2) ? CG_EV_DROP : CG_EV_ADDR;
	}
	__builtin_memcpy(ev.mac, key->addr, 6);
	ev.dir = dir;
	ev.reason = reason;
	ev.vlan = p->vlan;
	ev.policy = policy;
	ev.ifindex = ifindex;
	ev.ts_ns = now;
	ev.flags = (flags & 4) ? CG_EVF_WOULD_DROP : 0;
	if (p->kind == CG_KIND_IP || p->kind == CG_KIND_ARP) {
		ev.family = p->family;
		ev.l4proto = p->l4proto;
		if (dir == CG_DIR_OUT) {
			__builtin_memcpy(ev.cam_addr, p->saddr, 16);
			__builtin_memcpy(ev.peer_addr, p->daddr, 16);
			ev.peer_port = p->dport;
			ev.cam_port = p->sport;
		} else {
			__builtin_memcpy(ev.cam_addr, p->daddr, 16);
			__builtin_memcpy(ev.peer_addr, p->saddr, 16);
			ev.peer_port = p->sport;
			ev.cam_port = p->dport;
		}
		if (ev.type == CG_EV_ADDR && dir == CG_DIR_OUT &&
		    (st->addr_flags & (p->family == 4 ? CG_DEVF_IP4_ENCLAVE : CG_DEVF_IP6_ENCLAVE)))
			ev.flags |= CG_EVF_SRC_ENCLAVE;
	}
	if (bpf_ringbuf_output(&cg_events, &ev, sizeof(ev), 0))
		cg_misc_inc(CG_MISC_EVENTS_LOST);
}

/* cg_report as a global function: its event lives on a stack frame of its
 * own (the entry point's frame plus cg_decide_frame's is near the 512-byte
 * limit) and it is verified once. BPF calls take five arguments: direction,
 * reason, policy and flags travel packed in one. */
#define CG_REPORT_ARGS(dir, reason, policy, flags) \
	(((dir) & 1) | ((reason) & 0xff) << 1 | ((policy) & (CG_MAX_POLICIES - 1)) << 9 | (flags) << 16)

__noinline int cg_report_frame(struct cg_dev_stats *st, const struct cg_pkt *p,
			       const struct cg_mac_key *key, __u32 args, __u32 ifindex)
{
	if (!st || !p || !key)
		return 0;
	cg_report(st, p, key, args & 1, (args >> 1) & 0xff, (args >> 9) & (CG_MAX_POLICIES - 1),
		  ifindex, args >> 16);
	return 0;
}

/* cg_addr_learn as a global function, for the same reasons as
 * cg_report_frame: its event and key stay off the entry point's frame
 * (entry + cg_decide_frame + cg_rules_frame must fit in 512 bytes), and it
 * runs only for a new source address or a link_local verdict. Arguments
 * packed like cg_report_frame's, flags = new_addr. */
__noinline int cg_addr_learn_frame(struct cg_dev_stats *st, const struct cg_pkt *p,
				   const struct cg_mac_key *key, __u32 args, __u32 ifindex)
{
	if (!st || !p || !key)
		return 0;
	cg_addr_learn(st, p, key, args & 1, (args >> 9) & (CG_MAX_POLICIES - 1), ifindex,
		      (args >> 1) & 0xff, args >> 16);
	return 0;
}

/* UDP ports of the discovery protocols, either side of the datagram: an
 * announcement goes to the port, a reply to a VMS's probe comes from it. */
static __always_inline int cg_disc_port(__u16 port)
{
	switch (port) {
	case 37020:   /* Hikvision SADP */
	case 37810:   /* Dahua DHIP */
	case 5050:    /* Dahua legacy discovery */
	case 3702:    /* ONVIF WS-Discovery */
	case 67:      /* DHCP: hostname, vendor class */
	case 68:
	case 1900:    /* SSDP NOTIFY and M-SEARCH replies: SERVER header */
	case 53:      /* DNS: the names cameras ask for (daemon/inventory/dns.h) */
		return 1;
	default:
		return 0;
	}
}

/* Takes one copy token from the device's bucket (one per datagram). */
static __always_inline int cg_disc_budget(struct cg_dev_stats *st, __u64 now)
{
	__u64 tat = st->disc_tat > now ? st->disc_tat : now;

	if (tat - now > CG_DISC_INTERVAL_NS * (CG_DISC_BURST - 1)) {
		cg_misc_inc(CG_MISC_DISC_LIMITED);
		return 0;
	}
	st->disc_tat = tat + CG_DISC_INTERVAL_NS;
	return 1;
}

static __always_inline void cg_disc_frag_key(struct cg_disc_frag_key *k,
					     const struct cg_mac_key *key, const struct cg_pkt *p)
{
	__builtin_memcpy(k->mac, key->addr, 6);
	k->family = p->family;
	k->proto = p->l4proto;
	k->id = p->frag_id;
	__builtin_memcpy(k->saddr, p->saddr, 16);
	__builtin_memcpy(k->daddr, p->daddr, 16);
}

/* A later fragment: copied when its datagram's first fragment was, within
 * CG_DISC_FRAG_NS, up to CG_DISC_MAX bytes and CG_DISC_FRAG_MAX fragments.
 * A train past those bounds stops being copied (the daemon times the
 * partial datagram out). */
static __always_inline int cg_disc_frag_later(const struct cg_mac_key *key,
					      const struct cg_pkt *p, __u64 now)
{
	struct cg_disc_frag_key k = {};

	cg_disc_frag_key(&k, key, p);
	struct cg_disc_frag *f = bpf_map_lookup_elem(&cg_disc_frags, &k);
	if (!f || f->expires_ns < now) {
		cg_misc_inc(CG_MISC_DISC_FRAG_UNTRACKED);
		return 0;
	}
	if (p->frag_off >= CG_DISC_MAX || f->frags >= CG_DISC_FRAG_MAX) {
		cg_misc_inc(CG_MISC_DISC_FRAG_OVERSIZE);
		return 0;
	}
	f->frags++;
	cg_misc_inc(CG_MISC_DISC_FRAGS);
	return 1;
}

/* Should this frame from a camera be copied? SADP's EtherType, a UDP
 * datagram to or from a discovery port (its first fragment opens a
 * cg_disc_frags entry), or a later fragment of such a datagram. For the
 * common frame this costs the protocol test and two port switches. */
static __always_inline int cg_disc_want(struct cg_dev_stats *st, const struct cg_mac_key *key,
					const struct cg_pkt *p)
{
	if (p->kind == CG_KIND_NON_IP)
		return p->ethertype == CG_ETH_P_SADP &&
		       cg_disc_budget(st, bpf_ktime_get_coarse_ns());
	if (p->kind != CG_KIND_IP || p->l4proto != IPPROTO_UDP)
		return 0;
	if (p->flags & CG_PKT_FRAG_LATER)
		return cg_disc_frag_later(key, p, bpf_ktime_get_coarse_ns());
	if (!(p->flags & CG_PKT_PORTS) || !(cg_disc_port(p->dport) || cg_disc_port(p->sport)))
		return 0;
	__u64 now = bpf_ktime_get_coarse_ns();
	if (!cg_disc_budget(st, now))
		return 0;
	if (p->flags & CG_PKT_FRAG) {
		struct cg_disc_frag_key k = {};
		struct cg_disc_frag v = { .expires_ns = now + CG_DISC_FRAG_NS };
		cg_disc_frag_key(&k, key, p);
		bpf_map_update_elem(&cg_disc_frags, &k, &v, BPF_ANY);
	}
	return 1;
}

/* The per-CPU scratch record for a frame to copy, its header filled; the
 * entry point loads the frame into data[] and outputs header + caplen
 * bytes, so that the ring buffer holds what was copied, not CG_DISC_MAX. */
static __always_inline struct cg_disc_event *cg_disc_start(const struct cg_mac_key *key,
							   const struct cg_pkt *p, __u32 policy,
							   __u32 ifindex, __u8 dir)
{
	int out = dir == CG_DIR_OUT;

	__u32 zero = 0;
	struct cg_disc_event *e = bpf_map_lookup_elem(&cg_disc_buf, &zero);
	if (!e)
		return 0;
	__builtin_memset(&e->hdr, 0, sizeof(e->hdr));
	e->hdr.type = CG_EV_DISCOVERY;
	__builtin_memcpy(e->hdr.mac, key->addr, 6);
	e->hdr.dir = dir;
	e->hdr.vlan = p->vlan;
	e->hdr.policy = policy;
	e->hdr.ifindex = ifindex;
	e->hdr.ts_ns = bpf_ktime_get_coarse_ns();
	e->hdr.family = p->family;
	e->hdr.l4proto = p->l4proto;
	e->hdr.cam_port = out ? p->sport : p->dport;
	e->hdr.peer_port = out ? p->dport : p->sport;
	__builtin_memcpy(e->hdr.cam_addr, out ? p->saddr : p->daddr, 16);
	__builtin_memcpy(e->hdr.peer_addr, out ? p->daddr : p->saddr, 16);
	return e;
}

/* Outputs a filled scratch record: header and cap bytes of the frame. */
static __always_inline void cg_disc_submit(struct cg_disc_event *e, __u64 len, __u64 cap)
{
	e->len = len > 0xffff ? 0xffff : len;
	e->caplen = cap;
	if (bpf_ringbuf_output(&cg_events, e, __builtin_offsetof(struct cg_disc_event, data) + cap, 0)) {
		cg_misc_inc(CG_MISC_EVENTS_LOST);
		return;
	}
	cg_misc_inc(CG_MISC_DISC_COPIES);
}

/*
 * Classifies one frame, counts it and returns 1 to pass, 0 to drop.
 * parse_rc is the parser's result for the frame in p. For a discovery frame
 * from a camera, *ret_disc receives the scratch record (cg_disc_start) that
 * the caller fills with the frame and submits.
 */
static __always_inline int cg_classify(struct cg_pkt *p, int parse_rc, __u8 dir,
				       __u32 ifindex, __u64 bytes, struct cg_disc_event **ret_disc)
{
	__u32 zero = 0;
	__u32 *active = bpf_map_lookup_elem(&cg_active, &zero);
	__u32 slot = active ? (*active & 1) : 0;
	struct cg_conf *conf = bpf_map_lookup_elem(&cg_conf, &slot);
	if (!conf)
		return 0;

	struct cg_mac_key key = {};
	__builtin_memcpy(key.addr, dir == CG_DIR_OUT ? p->smac : p->dmac, 6);

	/* A group address is not a device: a multicast source MAC is invalid,
	 * a frame to a group (IN) is classified by the default policy. */
	int group = key.addr[0] & 0x01;
	int new_dev = 0;
	struct cg_dev_stats *st = group ? 0 : cg_device(&key, &new_dev);

	__u16 policy;
	__u8 action;
	if (st && st->gen == conf->gen && st->policy != CG_POLICY_NONE) {
		policy = st->policy;
		action = st->action;
	} else {
		policy = group ? conf->default_policy : cg_resolve_policy(slot, conf, &key);
		policy &= CG_MAX_POLICIES - 1;
		action = conf->action[policy];
		if (st) {
			/* A new generation: every cache of the device is stale. */
			st->gen = conf->gen;
			st->policy = policy;
			st->action = action;
			st->addr_flags = 0;
			st->flow[0].family = 0;
			st->flow[1].family = 0;
		}
	}
	policy &= CG_MAX_POLICIES - 1;

	__u32 reason;
	int new_addr = 0, hit = 0;
	if (parse_rc == CG_PARSE_VLAN) {
		reason = CG_REASON_VLAN;
	} else if (parse_rc != CG_PARSE_OK || (group && dir == CG_DIR_OUT)) {
		reason = CG_REASON_MALFORMED;
	} else {
		__u32 d = cg_decide_frame(p, st, dir, slot, policy);
		reason = d & CG_DECIDE_REASON;
		new_addr = !!(d & CG_DECIDE_NEW_ADDR);
		hit = !!(d & CG_DECIDE_HIT);
	}

	__u32 would = reason;
	struct cg_flow_cache flow = {};
	cg_flow_of(&flow, p, dir);
	reason = cg_verdict(st, &key, policy, action, dir, reason, bytes, &flow, 0);
	int drop = cg_is_drop(reason);
	if (!st)
		return !drop;

	if (dir == CG_DIR_OUT && (st->ifindex != ifindex || !(st->addr_flags & CG_DEVF_IFACE_NOTED))) {
		__u32 one = 1;
		bpf_map_update_elem(&cg_cam_ifaces, &ifindex, &one, BPF_ANY);
		st->addr_flags |= CG_DEVF_IFACE_NOTED;
	}
	st->ifindex = ifindex;
	st->vlan = p->vlan;

	/* Samples: real drops, and what monitor would drop (allow is trusted).
	 * A frame decided from the flow cache repeats the flow just sampled:
	 * skipping it keeps the clock read off the drop path of a flood. */
	int sample = cg_is_drop(would) && action != CG_ACTION_ALLOW && !hit;
	if (new_addr | (reason == CG_REASON_LINK_LOCAL))
		cg_addr_learn_frame(st, p, &key, CG_REPORT_ARGS(dir, reason, policy, new_addr),
				    ifindex);
	if (new_dev | sample)
		cg_report_frame(st, p, &key, CG_REPORT_ARGS(dir, would, policy,
			  (new_dev ? 1 : 0) | (sample ? 2 : 0) | (sample && !drop ? 4 : 0)), ifindex);
	/* To a camera, only DNS answers (and their later fragments) are
	 * copied: the addresses the names it asked for resolved to. */
	if (parse_rc == CG_PARSE_OK &&
	    (dir == CG_DIR_OUT || (p->flags & CG_PKT_FRAG_LATER) ||
	     ((p->flags & CG_PKT_PORTS) && p->sport == 53)) &&
	    cg_disc_want(st, &key, p))
		*ret_disc = cg_disc_start(&key, p, policy, ifindex, dir);
	return !drop;
}

/* ---- the fast path -------------------------------------------------------- */

/*
 * The common frame of a known device, decided in line with the entry point
 * (issue 19): an untagged IPv4 (no options, not a fragment) or IPv6 (no
 * extension header) TCP or UDP frame, unicast both ways, of a device whose
 * state is current for this generation, that repeats the flow last decided
 * for it in this direction. That is one device lookup and no BPF-to-BPF
 * call: the parsers and the classifier (verified once, as global functions
 * and along the full path) only run for what this does not recognise.
 *
 * Everything it skips is implied by the flow cache hit: the cache key is
 * the generation, the device, both addresses, the protocol and both ports,
 * which is every input of the full path's decision for such a frame (rogue
 * service, link-local multicast and the source check are functions of them;
 * cg_decide stores a flow only once they have been checked). Frames with
 * more inputs fall through: discovery ports (copies), in-frame VLAN tags,
 * group addresses, a device seen on another interface, and on TC egress
 * every forwarded frame (the reverse-path check, cg_rpf_check).
 *
 * Returns 1 to pass, 0 to drop, -1 to take the full path, CG_FAST_SHORT
 * when the headers it reads run past data_end (see cg_fast_tc).
 */
#define CG_FAST_SHORT -2
#define CG_FAST_HDR   58  /* Ethernet + IPv6 + ports: the most cg_fast reads */

static __always_inline int cg_fast(void *data, void *data_end, __u8 dir, __u32 ifindex,
				   __u32 vlan_present, __u32 vlan_tci, __u64 bytes)
{
	struct ethhdr *eth = data;
	void *l3 = eth + 1;
	__be16 *ports;
	__u8 family, proto;

	if (l3 > data_end)
		return CG_FAST_SHORT;
	if ((eth->h_dest[0] | eth->h_source[0]) & 0x01)
		return -1;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = l3;
		ports = (void *)(ip + 1);
		if ((void *)(ports + 2) > data_end)
			return CG_FAST_SHORT;
		/* version 4, ihl 5; neither MF nor an offset; room for the ports */
		if (*(__u8 *)ip != 0x45 || (ip->frag_off & bpf_htons(0x3fff)) ||
		    bpf_ntohs(ip->tot_len) < sizeof(*ip) + 4)
			return -1;
		family = 4;
		proto = ip->protocol;
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = l3;
		ports = (void *)(ip6 + 1);
		if ((void *)(ports + 2) > data_end)
			return CG_FAST_SHORT;
		if (ip6->version != 6 || bpf_ntohs(ip6->payload_len) < 4)
			return -1;
		family = 6;
		proto = ip6->nexthdr;
	} else {
		return -1;
	}
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return -1;

	/* cg_active holds the slot and, above it, the slot's generation
	 * (dataplane.c): one lookup tells whether the device's caches are
	 * current. The packet is read again only after the lookups, so that
	 * nothing of it waits on the stack across the calls. */
	__u32 zero = 0;
	__u32 *active = bpf_map_lookup_elem(&cg_active, &zero);
	if (!active)
		return -1;
	__u32 act = *active;

	/* The MAC in three 16-bit loads rather than six byte loads (memcpy
	 * from struct ethhdr, which clang takes for unaligned); 16-bit is the
	 * alignment both MACs have in the header copy of cg_fast_tc. */
	const __u16 *mac = (const __u16 *)(dir == CG_DIR_OUT ? eth->h_source : eth->h_dest);
	struct cg_mac_key key = {};
	__u16 *k = (__u16 *)key.addr;
	k[0] = mac[0];
	k[1] = mac[1];
	k[2] = mac[2];
	struct cg_dev_stats *st = bpf_map_lookup_elem(&cg_dev_stats, &key);
	if (!st || (st->gen << 1 | (act & 1)) != act || st->policy == CG_POLICY_NONE)
		return -1;
	if (dir == CG_DIR_OUT && (st->ifindex != ifindex || !(st->addr_flags & CG_DEVF_IFACE_NOTED)))
		return -1;

	struct cg_flow_cache *f = &st->flow[dir & 1];
	if (f->family != family || f->proto != proto || (f->flags & CG_FLOWF_FULL))
		return -1;
	__u16 sport = bpf_ntohs(ports[0]), dport = bpf_ntohs(ports[1]);
	if (f->cam_port != (dir == CG_DIR_OUT ? sport : dport) ||
	    f->peer_port != (dir == CG_DIR_OUT ? dport : sport))
		return -1;
	const __u32 *fc = (const __u32 *)f->cam, *fp = (const __u32 *)f->peer;
	__u32 diff;
	if (family == 4) {
		struct iphdr *ip = l3;
		diff = ((dir == CG_DIR_OUT ? ip->saddr : ip->daddr) ^ fc[0]) |
		       ((dir == CG_DIR_OUT ? ip->daddr : ip->saddr) ^ fp[0]);
	} else {
		struct ipv6hdr *ip6 = l3;
		const __u32 *src = ip6->saddr.in6_u.u6_addr32, *dst = ip6->daddr.in6_u.u6_addr32;
		const __u32 *c = dir == CG_DIR_OUT ? src : dst, *r = dir == CG_DIR_OUT ? dst : src;
		diff = (c[0] ^ fc[0]) | (c[1] ^ fc[1]) | (c[2] ^ fc[2]) | (c[3] ^ fc[3]) |
		       (r[0] ^ fp[0]) | (r[1] ^ fp[1]) | (r[2] ^ fp[2]) | (r[3] ^ fp[3]);
	}
	if (diff)
		return -1;

	st->ifindex = ifindex;
	st->vlan = vlan_present ? vlan_tci & 0x0fff : 0;
	__u32 final = cg_verdict(st, &key, st->policy, st->action, dir, f->reason, bytes, f,
				 &st->flow_ctr[dir & 1]);
	return !cg_is_drop(final);
}

/*
 * Headers outside the linear area (trafgen's and many drivers' skbs carry
 * only the Ethernet header there): the fast path reads a copy of them
 * (bpf_skb_load_bytes) instead of pulling them in, which would rewrite the
 * skb's head on every such frame.
 */
struct cg_fast_buf {
	__u64 w[8];
};

static __always_inline int cg_fast_tc(struct __sk_buff *skb, __u8 dir)
{
	int fast = cg_fast((void *)(long)skb->data, (void *)(long)skb->data_end, dir,
			   skb->ifindex, skb->vlan_present, skb->vlan_tci, skb->len);
	if (fast != CG_FAST_SHORT || skb->len < CG_FAST_HDR)
		return fast;

	/* 2 bytes in: the IP header lands 4-byte aligned (the verifier allows
	 * no misaligned stack access) */
	struct cg_fast_buf hdr;
	__u8 *b = (__u8 *)hdr.w + 2;
	if (bpf_skb_load_bytes(skb, 0, b, CG_FAST_HDR))
		return -1;
	fast = cg_fast(b, b + CG_FAST_HDR, dir, skb->ifindex, skb->vlan_present, skb->vlan_tci,
		       skb->len);
	return fast == CG_FAST_SHORT ? -1 : fast;
}

/* ---- entry points ------------------------------------------------------- */

/*
 * The parsers are global functions: the verifier checks each once, on its
 * own, instead of once per path through the classifier that follows. That
 * keeps the programs far below the verifier's limits on every kernel since
 * 5.15; the price is one BPF-to-BPF call per frame.
 */
/* One parse of the skb's linear area (a global function of its own, so that
 * cg_parse_skb's two parses are verified once). */
__noinline int cg_parse_linear(struct __sk_buff *skb, struct cg_pkt *p)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;

	if (!p)
		return CG_PARSE_MALFORMED;
	__builtin_memset(p, 0, sizeof(*p));
	return cg_parse(p, data, data_end, skb->vlan_present, skb->vlan_tci);
}

__noinline int cg_parse_skb(struct __sk_buff *skb, struct cg_pkt *p)
{
	if (!p)
		return CG_PARSE_MALFORMED;
	int rc = cg_parse_linear(skb, p);
	if (rc == CG_PARSE_SHORT && skb->len > skb->data_end - skb->data) {
		/* Headers outside the linear area: pull them in and read again.
		 * Never taken for frames whose headers are linear, so a cloned
		 * skb (TCP) is not copied on the hot path. */
		__u32 want = skb->len < CG_PULL_MAX ? skb->len : CG_PULL_MAX;
		cg_misc_inc(CG_MISC_PULLS);
		if (bpf_skb_pull_data(skb, want) == 0)
			rc = cg_parse_linear(skb, p);
	}
	return rc;
}

__noinline int cg_parse_xdp(struct xdp_md *ctx, struct cg_pkt *p)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;

	if (!p)
		return CG_PARSE_MALFORMED;
	__builtin_memset(p, 0, sizeof(*p));
	return cg_parse(p, data, data_end, 0, 0);
}

/*
 * Direction IN, strict reverse path: a frame the host forwards towards a
 * camera must have arrived on the interface the route back to its source
 * leaves by, or its source is forged (a camera-subnet or recorder address
 * from the uplink; rp_filter does this for IPv4 only, when enabled). Frames
 * the recorder sends itself (ingress_ifindex 0) and frames from a camera
 * interface (checked by the OUT program) are not looked up, so the cost
 * stays on forwarded inbound traffic. On 5.15 the lookup fills ifindex
 * before resolving the neighbour, so NO_NEIGH (and FRAG_NEEDED, from the
 * MTU check after a successful lookup) still name the egress interface.
 * Everything else (no route, blackhole, a local address: NOT_FWDED) fails.
 */
static __always_inline void cg_rpf_check(struct __sk_buff *skb, struct cg_pkt *p)
{
	__u32 iif = skb->ingress_ifindex;
	struct bpf_fib_lookup fib = {};

	if (!iif || p->kind != CG_KIND_IP || bpf_map_lookup_elem(&cg_cam_ifaces, &iif))
		return;
	fib.ifindex = iif;
	if (p->family == 4) {
		fib.family = 2;   /* AF_INET */
		__builtin_memcpy(&fib.ipv4_dst, p->saddr, 4);
		__builtin_memcpy(&fib.ipv4_src, p->daddr, 4);
	} else {
		fib.family = 10;  /* AF_INET6 */
		__builtin_memcpy(fib.ipv6_dst, p->saddr, 16);
		__builtin_memcpy(fib.ipv6_src, p->daddr, 16);
	}
	long rc = bpf_fib_lookup(skb, &fib, sizeof(fib), 0);
	if ((rc != BPF_FIB_LKUP_RET_SUCCESS && rc != BPF_FIB_LKUP_RET_NO_NEIGH &&
	     rc != BPF_FIB_LKUP_RET_FRAG_NEEDED) || fib.ifindex != iif)
		p->flags |= CG_PKT_RPF_FAIL;
}

/* IPv4 options, copied and scanned (cg_scan_ipv4_opts). Global functions:
 * verified once, on their own, like the parsers; the scan gets a function of
 * its own so that it is verified once for every way the copy can end. */
struct cg_optbuf {
	__u8 b[64];
};

__noinline int cg_ipopts_scan(struct cg_optbuf *o, __u32 len)
{
	if (!o)
		return CG_PARSE_MALFORMED;
	return cg_scan_ipv4_opts(o->b, len);
}

__noinline int cg_ipopts_skb(struct __sk_buff *skb, __u32 off, __u32 len)
{
	struct cg_optbuf o = {};
	__u8 *buf = o.b;

	if (len < 1 || len > 40)
		return CG_PARSE_MALFORMED;
	/* The same 1..40, in a form the verifier can bound on every kernel
	 * (the barrier keeps clang from dropping the mask it cannot see). */
	__u64 n = len - 1;
	asm volatile("" : "+r"(n));
	n = (n & 0x3f) + 1;
	if (bpf_skb_load_bytes(skb, off, buf, n))
		return CG_PARSE_MALFORMED;
	return cg_ipopts_scan(&o, len);
}

__noinline int cg_ipopts_xdp(struct xdp_md *ctx, __u32 off, __u32 len)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct cg_optbuf ob = {};
	__u8 *buf = ob.b;

	if (len < 1 || len > 40 || off > 64)
		return CG_PARSE_MALFORMED;
	__u64 o_off = off;
	asm volatile("" : "+r"(o_off));   /* keep the mask for the verifier */
	__u8 *o = data + (o_off & 0x7f);
	for (int i = 0; i < 40; i++) {
		if (i >= len)
			break;
		if ((void *)(o + i + 1) > data_end)
			return CG_PARSE_MALFORMED;
		buf[i] = o[i];
	}
	return cg_ipopts_scan(&ob, len);
}

static __always_inline int cg_tc(struct __sk_buff *skb, __u8 dir)
{
	/* IN: a forwarded frame (ingress_ifindex set) needs the reverse-path
	 * check, which only the full path makes. */
	if (dir == CG_DIR_OUT || !skb->ingress_ifindex) {
		int fast = cg_fast_tc(skb, dir);
		if (fast >= 0)
			return fast ? TC_ACT_OK : TC_ACT_SHOT;
	}

	struct cg_pkt p;
	int rc = cg_parse_skb(skb, &p);

	if (rc == CG_PARSE_OK && p.opt_len)
		rc = cg_ipopts_skb(skb, p.opt_off, p.opt_len);
	if (dir == CG_DIR_IN && rc == CG_PARSE_OK)
		cg_rpf_check(skb, &p);

	struct cg_disc_event *disc = 0;
	int pass = cg_classify(&p, rc, dir, skb->ifindex, skb->len, &disc);
	if (disc) {
		__u64 cap = skb->len;
		if (cap > CG_DISC_MAX)
			cap = CG_DISC_MAX;
		if (cap >= 14 && cap <= CG_DISC_MAX &&
		    bpf_skb_load_bytes(skb, 0, disc->data, cap) == 0)
			cg_disc_submit(disc, skb->len, cap);
	}
	return pass ? TC_ACT_OK : TC_ACT_SHOT;
}

SEC("tc")
int cg_tc_ingress(struct __sk_buff *skb)
{
	return cg_tc(skb, CG_DIR_OUT);
}

SEC("tc")
int cg_tc_egress(struct __sk_buff *skb)
{
	return cg_tc(skb, CG_DIR_IN);
}

SEC("xdp")
int cg_xdp(struct xdp_md *ctx)
{
	int fast = cg_fast((void *)(long)ctx->data, (void *)(long)ctx->data_end, CG_DIR_OUT,
			   ctx->ingress_ifindex, 0, 0, ctx->data_end - ctx->data);
	if (fast >= 0)
		return fast ? XDP_PASS : XDP_DROP;

	struct cg_pkt p;
	int rc = cg_parse_xdp(ctx, &p);
	if (rc == CG_PARSE_OK && p.opt_len)
		rc = cg_ipopts_xdp(ctx, p.opt_off, p.opt_len);
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct cg_disc_event *disc = 0;
	int pass = cg_classify(&p, rc, CG_DIR_OUT, ctx->ingress_ifindex, data_end - data, &disc);
	if (disc) {
		/* bpf_xdp_load_bytes() arrived in 5.18; on older kernels the
		 * XDP mode cannot copy, and the announcement is not recorded. */
		__u64 len = data_end - data;
		__u64 cap = len > CG_DISC_MAX ? CG_DISC_MAX : len;
		if (cg_have_xdp_load_bytes &&
		    cap >= 14 && cap <= CG_DISC_MAX &&
		    bpf_xdp_load_bytes(ctx, 0, disc->data, cap) == 0)
			cg_disc_submit(disc, len, cap);
	}
	return pass ? XDP_PASS : XDP_DROP;
}
