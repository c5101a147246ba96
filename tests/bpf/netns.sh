#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# netns.sh — the data plane on real traffic, for what BPF_PROG_TEST_RUN
# cannot build:
#   - non-linear skbs: trafgen sends from a packet mmap ring, and the kernel
#     builds those skbs with only the Ethernet header in the linear area
#     (tpacket_fill_skb), so every IP/UDP header lies outside data_end;
#   - the offloaded VLAN tag: a tagged frame arriving on rec0 reaches TC
#     ingress with its outer tag already in skb->vlan_tci (the receive path
#     untags before TC), so the tag is not in the frame the program reads;
#   - frames cut inside the IP header on a real link (the skb test_run
#     refuses them);
#   - direction IN through TC egress, again non-linear (trafgen through the
#     qdisc path, since PACKET_QDISC_BYPASS skips TC egress).
#
# Topology (all in namespaces this script creates; nothing in the root
# namespace is configured):
#
#   cgt-PID-cam: cam0 44:19:b6:00:10:01 (Hikvision MA-L: fixture policy 1)
#        | veth
#   cgt-PID-rec: rec0 02:00:00:00:00:fe, clsact: cg_tc_ingress (OUT) and
#                cg_tc_egress (IN) with the bpf suite's fixture (variant A)
#
# What got through is counted by nftables netdev ingress chains, which run
# after TC ingress: each case sends to its own destination MAC (OUT; the
# classifier reads only the source MAC) or from its own source MAC (IN), and
# one counter per MAC counts, then drops, what arrived. Nothing else is on the
# link (IPv6 off, no replies), so the data-plane counters are exact.
#
# Only documentation addresses are used (192.0.2.0/24, 198.51.100.0/24,
# 203.0.113.0/24); frames never leave the two namespaces. Everything is
# removed on exit, also on failure; the bpffs lives in a private mount
# namespace and goes with it.
#
# usage: netns.sh PATH/TO/cg-attach        (TAP output, exit 77 if it cannot run)

set -eu

CG_ATTACH=${1:-}
if [ -z "$CG_ATTACH" ] || [ ! -x "$CG_ATTACH" ]; then
	echo "usage: netns.sh PATH/TO/cg-attach" >&2
	exit 2
fi
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root (network namespaces, bpffs, tc)"
	exit 77
fi
for tool in ip trafgen nft unshare mount taskset; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "1..0 # SKIP $tool is not installed"
		exit 77
	fi
done

# A private mount namespace: the bpffs mount and the netns bind mounts are
# never visible outside and vanish with this process whatever happens.
if [ -z "${CGT_PRIVATE:-}" ]; then
	CGT_PRIVATE=1 exec unshare --mount --propagation private "$0" "$@"
fi

N=40                                    # frames per case
CAM_MAC=44:19:b6:00:10:01
REC_MAC=02:00:00:00:00:fe
P_HIK=1
. "$(dirname "$0")/../lib/veth-pair.sh"
cg_pair_begin cgt-netns

# One counter per case, keyed by MAC (see the header).
{
	echo "table netdev cgt {"
	for k in 01 02 03 04 05 06 07 08 09; do echo "	counter c$k {}"; done
	echo "	chain in { type filter hook ingress device \"rec0\" priority 0; policy drop;"
	for k in 01 02 03 04 05 06 07 08 09; do
		echo "		ether daddr 02:00:00:00:01:$k counter name c$k drop"
	done
	echo "	}"; echo "}"
} | ip netns exec "$REC" nft -f -
{
	echo "table netdev cgt {"
	for k in 01 02; do echo "	counter c$k {}"; done
	echo "	chain in { type filter hook ingress device \"cam0\" priority 0; policy drop;"
	for k in 01 02; do echo "		ether saddr 02:00:00:00:02:$k counter name c$k drop"; done
	echo "	}"; echo "}"
} | ip netns exec "$CAM" nft -f -

ip netns exec "$REC" "$CG_ATTACH" attach "$PIN" rec0

# ---- helpers ----------------------------------------------------------------

T=0
FAILED=0
ok() {   # ok NAME WANT GOT
	T=$((T + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $T - $1"
	else
		echo "not ok $T - $1"
		echo "# want $2, got $3"
		FAILED=$((FAILED + 1))
	fi
}

arrived() {   # arrived NS COUNTER
	ip netns exec "$1" nft list counter netdev cgt "$2" |
		sed -n 's/.*packets \([0-9]*\) bytes.*/\1/p'
}

pol() { "$CG_ATTACH" policy "$PIN" "$@"; }
misc() { "$CG_ATTACH" misc "$PIN" "$1"; }

# send NS DEV FRAME [trafgen options]: N copies of FRAME from a packet mmap
# ring, one process pinned to CPU 0 (per-CPU device counters stay on one
# CPU), socket memory limits left alone.
send() {
	ns=$1 dev=$2
	printf '%s\n' "$3" >"$TMP/frame.cfg"
	shift 3
	ip netns exec "$ns" taskset -c 0 trafgen --dev "$dev" --conf "$TMP/frame.cfg" -n $N -P 1 \
		--no-sock-mem "$@" >>"$TMP/trafgen.log" 2>&1
	sleep 0.3
}

# from_cam K [VLAN...] -- SRC DST DPORT: a camera frame to 02:00:00:00:01:K
from_cam() {
	k=$1
	shift
	tags=""
	while [ "$1" != "--" ]; do tags="$tags $1,"; shift; done
	shift
	echo "{ eth(da=02:00:00:00:01:$k, sa=$CAM_MAC),$tags ipv4(saddr=$1, daddr=$2, ttl=64), udp(sp=40000, dp=$3), fill(0x41, 64) }"
}

# to_cam K SRC DPORT: a frame to the camera from 02:00:00:00:02:K
to_cam() {
	echo "{ eth(da=$CAM_MAC, sa=02:00:00:00:02:$1), ipv4(saddr=$2, daddr=192.0.2.50, ttl=64), udp(sp=40000, dp=$3), fill(0x41, 64) }"
}

# ---- cases ----------------------------------------------------------------

# (a) non-linear, allowed: every frame arrives
p0=$(misc pulls); e0=$(pol $P_HIK out enclave)
send "$CAM" cam0 "$(from_cam 01 -- 192.0.2.50 192.0.2.1 5555)"
ok "non-linear udp to enclave: all $N arrived" $N "$(arrived "$REC" c01)"
ok "non-linear udp to enclave: counted as enclave" $N $(( $(pol $P_HIK out enclave) - e0 ))
pulls=$(( $(misc pulls) - p0 ))
# The flow's first frame takes the full path, which pulls the headers in;
# the rest repeat the flow and the fast path reads a copy of their headers
# (bpf_skb_load_bytes) without pulling: the ports read outside the linear
# area are what the rule/port cases below decide by.
ok "non-linear frames: the first pulled, the rest read by copy" yes \
	"$([ $pulls -ge 1 ] && [ $pulls -lt $N ] && echo yes || echo "no ($pulls pulls)")"

# (a) non-linear, disallowed: none arrives, each counted as egress
e0=$(pol $P_HIK out egress)
send "$CAM" cam0 "$(from_cam 02 -- 192.0.2.50 203.0.113.5 5555)"
ok "non-linear udp to outside: none arrived" 0 "$(arrived "$REC" c02)"
ok "non-linear udp to outside: counted as egress" $N $(( $(pol $P_HIK out egress) - e0 ))

# (a) ports outside the linear area decide a rule
r0=$(pol $P_HIK out rule)
send "$CAM" cam0 "$(from_cam 03 -- 192.0.2.50 198.51.100.10 123)"
ok "non-linear udp/123 (rule): all arrived" $N "$(arrived "$REC" c03)"
ok "non-linear udp/123 (rule): counted as rule" $N $(( $(pol $P_HIK out rule) - r0 ))
r0=$(pol $P_HIK out port)
send "$CAM" cam0 "$(from_cam 04 -- 192.0.2.50 198.51.100.10 124)"
ok "non-linear udp/124: none arrived" 0 "$(arrived "$REC" c04)"
ok "non-linear udp/124: counted as port" $N $(( $(pol $P_HIK out port) - r0 ))

# truncated inside the IPv4 header, on a real link
m0=$(pol $P_HIK out malformed)
send "$CAM" cam0 "{ eth(da=02:00:00:00:01:05, sa=$CAM_MAC, type=0x0800), 0x45, 0x00, 0x00, 0x3c, 0x12, 0x34, 0x00, 0x00, 0x40, 0x11 }"
ok "frame cut inside the IPv4 header: none arrived" 0 "$(arrived "$REC" c05)"
ok "frame cut inside the IPv4 header: counted as malformed" $N $(( $(pol $P_HIK out malformed) - m0 ))

# (b) offloaded VLAN tag: the same verdicts as untagged
e0=$(pol $P_HIK out enclave)
send "$CAM" cam0 "$(from_cam 06 'vlan(id=20)' -- 192.0.2.50 192.0.2.1 5555)"
ok "802.1Q (tag offloaded at TC) to enclave: all arrived" $N "$(arrived "$REC" c06)"
ok "802.1Q (tag offloaded at TC) to enclave: counted as enclave" $N $(( $(pol $P_HIK out enclave) - e0 ))
ok "device saw vlan 20" 20 "$("$CG_ATTACH" device "$PIN" $CAM_MAC | cut -d' ' -f5)"
e0=$(pol $P_HIK out egress)
send "$CAM" cam0 "$(from_cam 07 'vlan(id=20)' -- 192.0.2.50 203.0.113.5 5555)"
ok "802.1Q (tag offloaded at TC) to outside: none arrived" 0 "$(arrived "$REC" c07)"
ok "802.1Q (tag offloaded at TC) to outside: counted as egress" $N $(( $(pol $P_HIK out egress) - e0 ))
# QinQ: the outer tag offloaded, the inner one in the frame: two tags, allowed
e0=$(pol $P_HIK out enclave)
send "$CAM" cam0 "$(from_cam 08 'vlan(tpid=0x88a8, id=100)' 'vlan(id=20)' -- 192.0.2.50 192.0.2.1 5555)"
ok "QinQ (outer tag offloaded) to enclave: all arrived" $N "$(arrived "$REC" c08)"
ok "QinQ (outer tag offloaded) to enclave: counted as enclave" $N $(( $(pol $P_HIK out enclave) - e0 ))
# three tags: the offloaded one counts toward the limit
v0=$(pol $P_HIK out vlan)
send "$CAM" cam0 "$(from_cam 09 'vlan(tpid=0x88a8, id=100)' 'vlan(id=20)' 'vlan(id=30)' -- 192.0.2.50 192.0.2.1 5555)"
ok "three tags (one offloaded): none arrived" 0 "$(arrived "$REC" c09)"
ok "three tags (one offloaded): counted as vlan" $N $(( $(pol $P_HIK out vlan) - v0 ))

# direction IN: TC egress of rec0, non-linear (qdisc path)
i0=$(pol $P_HIK in enclave)
send "$REC" rec0 "$(to_cam 01 192.0.2.1 5556)" --qdisc-path
ok "in: recorder to camera: all arrived" $N "$(arrived "$CAM" c01)"
ok "in: recorder to camera: counted as enclave" $N $(( $(pol $P_HIK in enclave) - i0 ))
# A drop at TC egress fails the send, and AF_PACKET hands the ring slot
# back to trafgen, which sends it again: at least N drops, not exactly N.
i0=$(pol $P_HIK in ingress); e0=$(pol $P_HIK in enclave)
send "$REC" rec0 "$(to_cam 02 203.0.113.5 80)" --qdisc-path
ok "in: outside to camera: none arrived" 0 "$(arrived "$CAM" c02)"
in_drops=$(( $(pol $P_HIK in ingress) - i0 ))
ok "in: outside to camera: counted as ingress" yes "$([ $in_drops -ge $N ] && echo yes || echo "no ($in_drops)")"
ok "in: outside to camera: nothing counted as enclave" 0 $(( $(pol $P_HIK in enclave) - e0 ))

# the camera's device counters: every frame above, by direction and verdict
ok "device counters (out pass, out drop, in pass, in drop)" \
	"$((4 * N)) $((5 * N)) $N $in_drops" \
	"$("$CG_ATTACH" device "$PIN" $CAM_MAC | cut -d' ' -f1-4)"

echo "1..$T"
echo "$((T - FAILED)) passed, $FAILED failed"
if [ $FAILED -ne 0 ]; then
	echo "# trafgen log (tail):"
	tail -20 "$TMP/trafgen.log" | sed 's/^/# /'
	exit 1
fi
exit 0
