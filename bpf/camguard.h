/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * camguard.h — the one header shared by the BPF data plane and userland.
 *
 * Every map key and value, every enum that crosses the kernel/user boundary and
 * every limit lives here, with fixed-width fields and explicit padding so that
 * the BPF object and the daemon agree byte for byte.
 *
 * The data plane in one paragraph: each frame on a camera-facing interface is
 * attributed to one device (its MAC: source MAC for direction OUT, destination
 * MAC for direction IN), the device to one policy (exact MAC, else the longest
 * OUI prefix, else the default policy), and the peer address (destination for
 * OUT, source for IN) is looked up in that policy's peer tables. The result is
 * a verdict with a stable reason, counted per device and per policy.
 *
 * Policy state comes in two slots. Userland fills the inactive slot completely
 * (fresh inner maps for the hash/LPM tables, its half of the rule array, its
 * cg_conf entry) and then flips cg_active: one 32-bit store. A packet reads
 * the slot once, so it is classified wholly by the old or wholly by the new
 * policy set. cg_active holds slot | gen << 1 (gen: that slot's cg_conf.gen),
 * so that the fast path knows whether a device's caches are current from
 * that one read; readers of the slot mask bit 0.
 */
#ifndef CAMGUARD_H
#define CAMGUARD_H

#ifdef __BPF__
#include <linux/types.h>
#else
#include <linux/types.h>
#endif

/* ---- limits ------------------------------------------------------------ */

#define CG_MAX_POLICIES      64      /* policy ids 0..63, stable across reloads */
#define CG_POLICY_NONE       0xffff  /* "no policy" in a cache entry            */
#define CG_MAX_DEVICES       262144  /* exact MAC entries per generation        */
#define CG_MAX_OUIS          16384   /* OUI prefixes per generation             */
#define CG_MAX_PEERS         1048576 /* peer entries (hash + LPM) per family    */
#define CG_MAX_RULESETS      4096    /* distinct rule sets per generation       */
#define CG_MAX_SET_RULES     32      /* rules in one rule set (one peer entry)  */
#define CG_DEV_STATS_DEFAULT 65536   /* LRU device counter entries, upper default */
#define CG_RINGBUF_BYTES     (1 << 20)
#define CG_MAX_VLAN_TAGS     2       /* 802.1Q / 802.1ad tags parsed in-frame   */
#define CG_MAX_IPV6_EXT      8       /* extension headers walked before giving up */
#define CG_PULL_MAX          256     /* bytes pulled into the linear area (TC)  */
#define CG_SLOTS             2       /* policy generations held at once         */
#define CG_FLOWS_DEFAULT     65536   /* evidence.max_flows: denied-flow rows    */
#define CG_ADDR_SEEN_ENTRIES 65536   /* (device, address) pairs reported (LRU)  */
#define CG_ADDR_INTERVAL_NS  100000000ULL /* address events: 10/s per device ... */
#define CG_ADDR_BURST        16           /* ... after a burst of this many       */

/* OUI keys: MA-L 24 bit, MA-M 28 bit, MA-S 36 bit. */
#define CG_OUI_BITS_MAL      24
#define CG_OUI_BITS_MAM      28
#define CG_OUI_BITS_MAS      36

/* ---- enums --------------------------------------------------------------- */

/* Direction as seen from the camera. */
enum cg_dir {
	CG_DIR_OUT = 0,  /* camera -> peer: TC ingress / XDP, classified by source MAC */
	CG_DIR_IN  = 1,  /* peer -> camera: TC egress, classified by destination MAC   */
	CG_DIR_MAX
};

enum cg_verdict {
	CG_VERDICT_PASS = 0,
	CG_VERDICT_DROP = 1,
	CG_VERDICT_MAX
};

enum cg_action {
	CG_ACTION_ISOLATE = 0,  /* zero on purpose: an empty slot isolates (fail-closed) */
	CG_ACTION_MONITOR = 1,
	CG_ACTION_ALLOW   = 2,
	CG_ACTION_MAX
};

/* Stable reason names (see cg_reason_to_string in daemon/common/names.c). Pass
 * reasons come first so that "reason < CG_REASON_FIRST_DROP" is the verdict. */
enum cg_reason {
	CG_REASON_ENCLAVE = 0,
	CG_REASON_RULE,
	CG_REASON_LINK_LOCAL,
	CG_REASON_ALLOW_POLICY,
	CG_REASON_MONITOR,
	CG_REASON_EGRESS,          /* first drop reason */
	CG_REASON_INGRESS,
	CG_REASON_PORT,
	CG_REASON_NON_IP,
	CG_REASON_VLAN,
	CG_REASON_FRAGMENT,
	CG_REASON_MALFORMED,
	CG_REASON_ROGUE_SERVICE,
	CG_REASON_DENY_LIST,
	CG_REASON_SPOOF,
	CG_REASON_MAX
};
#define CG_REASON_FIRST_DROP CG_REASON_EGRESS

/* Rule kinds: which side of the flow the port range constrains. */
enum cg_rule_kind {
	CG_RULE_TO   = 0,  /* camera starts the flow: the peer's port is the service */
	CG_RULE_FROM = 1,  /* peer starts the flow: the camera's port is the service */
};

/* Flags of a peer table entry (struct cg_peer). */
#define CG_PEER_ENCLAVE   0x01  /* address lies in the enclave (global fact)       */
#define CG_PEER_PASS      0x02  /* the policy allows the whole enclave (to=enclave) */
#define CG_PEER_DENY      0x04  /* a deny list of the policy covers the address    */
#define CG_PEER_RULES     0x08  /* ruleset is valid: rules name this address       */
#define CG_PEER_PROTECTED 0x10  /* the recorder's own address: no camera may use it */

/* Event types on the ring buffer. */
enum cg_event_type {
	CG_EV_DEVICE = 1,  /* first frame of a device on this CPU */
	CG_EV_ADDR   = 2,  /* a device used a source address not seen before */
	CG_EV_DROP   = 3,  /* rate-limited sample of a drop (or a monitor would-drop) */
	CG_EV_DISCOVERY = 4, /* copy of a discovery/announcement frame (struct cg_disc_event) */
};

/* Discovery datagrams copied to userland for the model/firmware inventory:
 * to or from Hikvision SADP (UDP 37020, EtherType 0x8033), Dahua DHIP (UDP
 * 37810, 5050), ONVIF WS-Discovery (UDP 3702), DHCP (UDP 67/68) and SSDP (UDP
 * 1900), sent by a camera (direction OUT): announcements and the replies a
 * camera gives a VMS's probe alike. DNS (UDP 53) for the names store: a
 * camera's queries to any resolver (OUT) and the answers sent to it (IN,
 * from port 53), under the same per-device budget. A frame is copied whole
 * up to CG_DISC_MAX.
 * A fragmented datagram is decided by its first fragment (the one with the
 * ports); its later fragments are recognised in cg_disc_frags (same device,
 * addresses, protocol and IP id) and copied too, so that the daemon can
 * reassemble it. Copies are rate-limited per device (one token per datagram,
 * not per fragment); verdicts do not change. */
#define CG_DISC_MAX          8192    /* bytes of the frame copied, from the Ethernet header */
#define CG_ETH_P_SADP        0x8033
#define CG_DISC_INTERVAL_NS  1000000000ULL  /* one copy per second and device ... */
#define CG_DISC_BURST        8              /* ... after a burst of this many */
#define CG_DISC_FRAG_ENTRIES 1024           /* fragmented datagrams tracked at once (LRU) */
#define CG_DISC_FRAG_NS      2000000000ULL  /* a datagram's fragments come within 2 s */
#define CG_DISC_FRAG_MAX     64             /* later fragments copied per datagram */

#define CG_EVF_WOULD_DROP 0x01  /* CG_EV_DROP under monitor/allow: passed, would drop */
#define CG_EVF_SRC_ENCLAVE 0x02 /* CG_EV_ADDR: the address lies in the enclave */

/* ---- keys and values ---------------------------------------------------- */

/* A MAC address as a hash key (8 bytes: hashing is cheaper on aligned keys). */
struct cg_mac_key {
	__u8 addr[6];
	__u16 pad;
};

/* Value of the per-generation device table. */
struct cg_device {
	__u16 policy;
	__u16 pad;
};

/* OUI LPM key: up to 36 significant bits of the MAC, most significant first. */
struct cg_oui_key {
	__u32 prefixlen;
	__u8 oui[8];
};

/* Peer tables. The policy id is part of the key so that one table per family
 * holds every policy's view: the compiler merges, for each address, the
 * enclave, deny-list and rule facts of every covering prefix into one value,
 * so one lookup answers everything. Exact hosts (/32, /128) live in hash
 * maps; only real prefixes in the LPM tries. */
struct cg_peer4_key {
	__u16 policy;
	__u16 pad;
	__u8 addr[4];
};

struct cg_peer6_key {
	__u16 policy;
	__u16 pad;
	__u8 addr[16];
};

/* LPM keys: prefixlen counts the 16 policy bits plus the address bits. */
struct cg_lpm4_key {
	__u32 prefixlen;
	__u8 policy[2];  /* big-endian policy id */
	__u8 addr[4];
	__u8 pad[2];
};

struct cg_lpm6_key {
	__u32 prefixlen;
	__u8 policy[2];
	__u8 addr[16];
	__u8 pad[2];
};

struct cg_peer {
	__u16 flags;     /* CG_PEER_* */
	__u16 ruleset;   /* index into this slot's half of cg_rules */
};

/* One allow rule, compiled: protocol (0 = any) and an inclusive port range.
 * A rule without ports carries lo = 0, hi = 65535 and flags = 0. */
#define CG_RULEF_PORTS 0x01  /* ports are constrained: the frame must carry them */
struct cg_rule {
	__u8 proto;
	__u8 kind;   /* enum cg_rule_kind */
	__u8 flags;  /* CG_RULEF_* */
	__u8 pad;
	__u16 lo;
	__u16 hi;
};

struct cg_ruleset {
	__u32 count;
	__u32 pad;
	struct cg_rule rule[CG_MAX_SET_RULES];
};

/* Per-slot configuration (cg_conf[slot]). gen is a monotonically increasing
 * generation number; device cache entries compare it to know they are stale. */
struct cg_conf {
	__u32 gen;
	__u16 default_policy;
	__u16 npolicies;
	__u8 action[CG_MAX_POLICIES];  /* enum cg_action per policy id */
};

struct cg_counter {
	__u64 packets;
	__u64 bytes;
};

/* One-entry decision cache per device and direction: the last TCP/UDP flow
 * decided and the isolate reason it got. Cameras send one dominant stream
 * (RTP/RTSP to the recorder), so most frames skip the peer lookup. Valid only
 * for the generation in cg_dev_stats.gen. */
struct cg_flow_cache {
	__u8 cam[16];       /* the camera's address (v4 in the first 4 bytes) */
	__u8 peer[16];
	__u16 cam_port;
	__u16 peer_port;
	__u8 family;        /* 0: empty */
	__u8 proto;
	__u8 reason;
	__u8 flags;         /* CG_FLOWF_* */
};

#define CG_FLOWF_FULL 0x01  /* frames of this flow take the full path (discovery copies) */

/* A device's share of the evidence (bpf/flows.bpf.h), per CPU like the rest
 * of cg_dev_stats: what monitor passed that isolate would have dropped, by
 * direction, and the denied packets that found no row in cg_flows because
 * the table was full. For every device, at every instant between packets,
 *   sum(cg_flows rows of the device, would = 0) + flow_over[0]
 *     == sum over directions of c[dir][CG_VERDICT_DROP].packets
 *   sum(cg_flows rows of the device, would = 1) + flow_over[1]
 *     == sum over directions of would[dir].packets
 * (both sides are written by the same program run, the rows atomically). */
struct cg_dev_evidence {
	struct cg_counter would[CG_DIR_MAX];
	__u64 flow_over[2];  /* [0] dropped, [1] would-drop packets without a row */
	__u64 addr_tat;      /* token bucket for address events (CG_ADDR_*) */
};

/* Per-CPU, per-device state (LRU): counters by direction x verdict, first
 * seen, and caches that keep the hot path to one hash lookup: the policy
 * resolved for generation `gen`, the last source addresses the device used
 * with whether they lie in the enclave, and the last flow per direction.
 * last_ns is written on the slow path only (new device, new flow, sample):
 * the daemon derives "last seen" from counters that moved. */
struct cg_dev_stats {
	struct cg_counter c[CG_DIR_MAX][CG_VERDICT_MAX];
	__u64 first_ns;
	__u64 last_ns;
	__u64 sample_tat;   /* token bucket for drop samples (GCRA theoretical arrival time) */
	__u64 disc_tat;     /* token bucket for discovery copies */
	__u32 gen;          /* generation the caches below were filled for */
	__u16 policy;
	__u8 action;
	__u8 addr_flags;    /* CG_DEVF_* */
	__u32 ifindex;      /* interface the device was last seen on */
	__u16 vlan;         /* outermost VLAN id, 0 if untagged */
	__u16 pad;
	__u8 ip4[4];
	__u16 flow_ctr[CG_DIR_MAX];  /* flow[dir]'s evidence row's cg_flow_ctrs slot, 0: not
				      * known yet (bpf/flows.bpf.h); cleared with every store.
				      * Was padding: an entry pinned before reads 0. */
	__u8 ip6[16];
	struct cg_flow_cache flow[CG_DIR_MAX];
	struct cg_dev_evidence ev;
};

#define CG_DEVF_IP4_SEEN    0x01
#define CG_DEVF_IP4_ENCLAVE 0x02
#define CG_DEVF_IP6_SEEN    0x04
#define CG_DEVF_IP6_ENCLAVE 0x08
#define CG_DEVF_IFACE_NOTED 0x10  /* ifindex is in cg_cam_ifaces */

/* Index of the per-policy counters: policy x direction x reason. */
#define CG_POLSTAT_INDEX(policy, dir, reason) \
	(((policy) * CG_DIR_MAX + (dir)) * CG_REASON_MAX + (reason))
#define CG_POLSTAT_ENTRIES (CG_MAX_POLICIES * CG_DIR_MAX * CG_REASON_MAX)

/* Global data-plane health counters (per-CPU array, one entry each). */
enum cg_misc_counter {
	CG_MISC_EVENTS_LOST = 0,  /* ring buffer full */
	CG_MISC_DEV_INSERT_FAIL,  /* LRU insert failed: counted on the policy only */
	CG_MISC_PULLS,            /* bpf_skb_pull_data for non-linear headers */
	CG_MISC_DISC_COPIES,      /* discovery frames copied to userland */
	CG_MISC_DISC_LIMITED,     /* discovery frames not copied: device over its rate */
	CG_MISC_DISC_FRAGS,       /* later fragments of a discovery datagram copied */
	CG_MISC_DISC_FRAG_UNTRACKED, /* later UDP fragments of no tracked datagram (not copied) */
	CG_MISC_DISC_FRAG_OVERSIZE,  /* later fragments past CG_DISC_MAX or CG_DISC_FRAG_MAX */
	CG_MISC_FLOW_OVER_NODEV,  /* denied packets in no flow row and of no device entry */
	CG_MISC_ADDR_EVENTS,      /* new (device, address) events queued */
	CG_MISC_ADDR_DEFERRED,    /* address events put off (budget or ring full): retried */
	CG_MISC_MAX
};

struct cg_event {
	__u8 type;       /* enum cg_event_type */
	__u8 dir;
	__u8 reason;
	__u8 family;     /* 0, 4 or 6 */
	__u8 mac[6];
	__u16 vlan;
	__u16 policy;
	__u8 l4proto;
	__u8 flags;      /* CG_EVF_* */
	__u32 ifindex;
	__u16 peer_port;
	__u16 cam_port;
	__u64 ts_ns;
	__u8 cam_addr[16];   /* the camera's address (v4 in the first 4 bytes) */
	__u8 peer_addr[16];
};

/* A fragmented discovery datagram whose first fragment was copied. The MAC
 * is part of the key: fragments another device sends with a camera's
 * addresses and IP id are not this datagram's. */
struct cg_disc_frag_key {
	__u8 mac[6];
	__u8 family;
	__u8 proto;
	__u32 id;             /* IPv4 identification or IPv6 fragment id */
	__u8 saddr[16];
	__u8 daddr[16];
};

struct cg_disc_frag {
	__u64 expires_ns;
	__u32 frags;          /* later fragments copied so far */
	__u32 pad;
};

struct cg_disc_event {
	struct cg_event hdr;  /* type CG_EV_DISCOVERY, mac, dir, ifindex, vlan, policy, ts */
	__u16 len;            /* length of the frame on the wire */
	__u16 caplen;         /* bytes in data[] */
	__u32 pad;
	__u8 data[CG_DISC_MAX];
};

/* Evidence: one row per denied flow (cg_flows, a shared hash bounded by
 * evidence.max_flows, never evicted). A row counts every packet isolate
 * dropped (would = 0) or monitor passed that isolate would have dropped
 * (would = 1) for one device, direction, remote address, protocol, remote
 * port and reason. Reason and would are part of the key so that each row's
 * counts are exact for the reason it shows (a reload that turns monitor into
 * isolate starts new rows). For family 0 (non-IP frames) port holds the
 * EtherType and addr is zero. */
struct cg_flow_key {
	__u8 mac[6];
	__u16 port;      /* remote port (host order), EtherType for non-IP, else 0 */
	__u8 dir;        /* enum cg_dir */
	__u8 family;     /* 0, 4 or 6 */
	__u8 proto;      /* IP protocol */
	__u8 reason;     /* enum cg_reason: the drop reason (isolate's, under monitor) */
	__u8 would;      /* 1: passed under monitor */
	__u8 pad[3];
	__u8 addr[16];   /* remote address (v4 in the first 4 bytes) */
};

/* packets and bytes are added atomically (the map is shared by all CPUs);
 * first_ns is set once, when the row is made, last_ns by every packet.
 * Times are bpf_ktime_get_coarse_ns() (CLOCK_MONOTONIC).
 * A row's packets are counted in two places: here by the packets that
 * looked the row up, and in cg_flow_ctrs[ctr] (when ctr != 0) by the fast
 * path's packets, which reach the row by that index, kept in the device's
 * flow cache, instead of a hash lookup. The row's counts are the sums of
 * both, its last_ns the later one (dataplane_flow_ctrs_fold). */
struct cg_flow {
	__u64 packets;
	__u64 bytes;
	__u64 first_ns;
	__u64 last_ns;
	__u16 policy;    /* policy id of the last packet */
	__u16 pad;
	__u32 ctr;       /* slot in cg_flow_ctrs, set once by the row's maker; 0: none */
};

/* cg_flow_ctrs (a per-CPU array of min(evidence.max_flows, CG_FLOW_CTRS_MAX)
 * + 1 slots): the counts of the fast path's packets of one row, per CPU so
 * that they need no atomic operation. Slots are handed out by cg_flow_next
 * (a shared counter, one atomic add per new row) from 1 up and never reused
 * within the array, so a slot belongs to one row only; rows made when none
 * is left count every packet in themselves. */
#define CG_FLOW_CTRS_MAX 65535  /* slots fit cg_dev_stats.flow_ctr (16 bit) */
struct cg_flow_ctr {
	__u64 packets;
	__u64 bytes;
	__u64 last_ns;
};

/* An address a device used that reached userland (cg_addr_seen, LRU): a
 * (device, address) pair is marked only once its CG_EV_ADDR event was queued,
 * so an event lost to the budget or a full ring is sent again by a later
 * frame. Eviction only means the pair is reported once more. */
struct cg_addr_key {
	__u8 mac[6];
	__u8 family;
	__u8 pad;
	__u8 addr[16];
};

#endif /* CAMGUARD_H */
