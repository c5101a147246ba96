#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# nft.sh — the nftables layer (daemon/nft/) on real forwarded traffic, with
# no BPF program attached anywhere: table inet camguard alone must isolate.
#
# Topology (namespaces this script creates, removed on exit even on failure;
# nothing is configured in the root namespace):
#
#   cgn-PID-cam   eth0 44:19:b6:00:10:01 (Hikvision MA-L -> policy hikvision,
#                 isolate) 192.0.2.10/24, default via 192.0.2.1
#        | veth
#   cgn-PID-rec   cam0 192.0.2.1/24 | up0 198.51.100.1/24 203.0.113.1/24,
#                 forwarding on; runs nft-tool (nft_apply on a model built
#                 in C) and holds an admin table inet filter (policy drop,
#                 docker-style forward rules) that must stay untouched
#        | veth
#   cgn-PID-out   eth0 198.51.100.10 (NTP, allowed udp/123), .20 (not
#                 allowed), 203.0.113.130 (hikvision deny list)
#
# Receivers count with named nft counters in their own namespaces and drop
# what they count, so no ICMP error ever travels back. IPv6 is off on every
# link: only the packets a case sends are on the wire, and the camguard
# counters must equal them exactly (until the last two sections).
#
# The last sections: the table (and `nft list ruleset` with the admin table)
# read back by nft itself (`nft -c -f`, `nft -f`: every rule must be
# re-readable by nft 1.0.6), then lone later fragments (IPv4 and IPv6, IPv6
# turned on for them, the admin table and its conntrack gone so that the
# recorder forwards fragments as they come) against the address-level and
# port rules: without camguard (control), with the table nft-tool applied,
# and with that table reloaded from its own listing.
#
# usage: nft.sh PATH/TO/nft-tool     (TAP; exit 77 when not root)

set -u

TOOL=${1:-}
if [ -z "$TOOL" ] || [ ! -x "$TOOL" ]; then
	echo "usage: nft.sh PATH/TO/nft-tool" >&2
	exit 2
fi
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root (network namespaces, nftables)"
	exit 77
fi
for t in ip nft python3; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "1..0 # SKIP $t is not installed"
		exit 77
	fi
done

# shellcheck source=tests/lib/sweep.sh
. "$(dirname "$0")/../lib/sweep.sh"
cg_sweep_orphans
P=cgn-$$
CAM=$P-cam REC=$P-rec OUT=$P-out
TMP=$(mktemp -d /tmp/cgn.XXXXXX)
TOOL_PID=

cleanup() {
	if [ -n "$TOOL_PID" ]; then
		exec {TO}>&- {FROM}<&- 2>/dev/null
		kill "$TOOL_PID" 2>/dev/null
		wait "$TOOL_PID" 2>/dev/null
	fi
	for n in "$CAM" "$REC" "$OUT"; do
		ip netns del "$n" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# ---- topology ---------------------------------------------------------------
set -e
for ns in "$CAM" "$REC" "$OUT"; do
	ip netns add "$ns"
	in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	in_ns "$ns" ip link set lo up
done
ip link add cam0 netns "$REC" type veth peer name eth0 netns "$CAM"
ip link add up0 netns "$REC" type veth peer name eth0 netns "$OUT"
in_ns "$CAM" ip link set eth0 address 44:19:b6:00:10:01
in_ns "$CAM" ip addr add 192.0.2.10/24 dev eth0
in_ns "$CAM" ip link set eth0 up
in_ns "$CAM" ip route add default via 192.0.2.1
in_ns "$REC" ip addr add 192.0.2.1/24 dev cam0
in_ns "$REC" ip addr add 198.51.100.1/24 dev up0
in_ns "$REC" ip addr add 203.0.113.1/24 dev up0
in_ns "$REC" ip link set cam0 up
in_ns "$REC" ip link set up0 up
in_ns "$REC" sysctl -qw net.ipv4.ip_forward=1
for a in 198.51.100.10/24 198.51.100.20/24 198.51.100.50/24 198.51.100.60/24 198.51.100.66/24 \
	198.51.100.70/24 203.0.113.130/24; do
	in_ns "$OUT" ip addr add "$a" dev eth0
done
in_ns "$OUT" ip link set eth0 up
in_ns "$OUT" ip route add 192.0.2.0/24 via 198.51.100.1

# receivers: named counters, counted packets are dropped (no ICMP back)
in_ns "$OUT" nft -f - <<'EOF'
table inet cnt {
	counter c9999 { }
	counter c123 { }
	counter cdeny { }
	chain in {
		type filter hook input priority 0; policy accept;
		ip daddr 203.0.113.130 udp dport 9999 counter name cdeny drop
		udp dport 9999 counter name c9999 drop
		udp dport 123 counter name c123 drop
	}
}
EOF
in_ns "$CAM" nft -f - <<'EOF'
table inet cnt {
	counter c9999 { }
	counter c123 { }
	chain in {
		type filter hook input priority 0; policy accept;
		udp dport 9999 counter name c9999 drop
		udp sport 123 counter name c123 drop
	}
}
EOF

# the admin's own table: policy drop, docker-style forward rules
in_ns "$REC" nft -f - <<'EOF'
table inet filter {
	chain DOCKER-USER {
		return
	}
	chain forward {
		type filter hook forward priority 0; policy drop;
		jump DOCKER-USER
		ct state established,related accept
		iifname "cam0" oifname "up0" accept
		iifname "up0" oifname "cam0" accept
	}
}
EOF
in_ns "$REC" nft list table inet filter >"$TMP/admin.before"
set +e

cat >"$TMP/send.py" <<'EOF'
import socket, sys, time
# send.py SRC DST DPORT COUNT [SPORT] [PPS]
src, dst, dport, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
sport = int(sys.argv[5]) if len(sys.argv) > 5 else 0
pps = float(sys.argv[6]) if len(sys.argv) > 6 else 0
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, sport))
for i in range(count):
    s.sendto(b"camguard-nft-test", (dst, dport))
    if pps:
        time.sleep(1.0 / pps)
    elif i % 32 == 31:
        time.sleep(0.001)   # never overrun the veth backlog
EOF
send() { local ns=$1; shift; in_ns "$ns" python3 "$TMP/send.py" "$@"; }
counter() { in_ns "$1" nft -j list counter inet cnt "$2" |
	python3 -c 'import json,sys; print([o["counter"]["packets"] for o in json.load(sys.stdin)["nftables"] if "counter" in o][0])'; }
reset_counters() { in_ns "$1" nft reset counters table inet cnt >/dev/null; }

# ---- the tool, one handle for the whole run ------------------------------------
coproc TOOLP { ip netns exec "$REC" "$TOOL" cam0; }
TOOL_PID=$TOOLP_PID
exec {TO}>&"${TOOLP[1]}" {FROM}<&"${TOOLP[0]}"
cmd() { echo "$*" >&"$TO"; local line; IFS= read -r -t 60 line <&"$FROM"; echo "$line"; }
status_field() {  # status_field POLICY DIR -> packets
	cmd status | python3 -c '
import json, sys
s = json.load(sys.stdin)
print(sum(c["packets"] for c in s["counters"] if c["policy"] == sys.argv[1] and c["direction"] == sys.argv[2]))' "$1" "$2"
}
reason_field() {  # reason_field POLICY DIR REASON -> packets
	cmd status | python3 -c '
import json, sys
s = json.load(sys.stdin)
print(sum(c["reasons"].get(sys.argv[3], {}).get("packets", 0) for c in s["counters"]
          if c["policy"] == sys.argv[1] and c["direction"] == sys.argv[2]))' "$1" "$2" "$3"
}

echo "1..37"
r=$(cmd apply)
check "nft_apply: $r" [ "$r" = ok ]
check "table inet camguard present" eval 'in_ns "$REC" nft list table inet camguard >/dev/null'

# 1. outside -> camera before the camera has spoken: unlearned, dropped
send "$OUT" 198.51.100.20 192.0.2.10 9999 20
check "outside cannot reach an unlearned camera (0 of 20 received)" [ "$(counter "$CAM" c9999)" = 0 ]
check "counter (unlearned) in = 20" [ "$(status_field '(unlearned)' in)" = 20 ]

# 2. camera -> outside, not allowed
send "$CAM" 192.0.2.10 198.51.100.20 9999 50
check "isolated camera cannot reach 198.51.100.20 (0 of 50 received)" [ "$(counter "$OUT" c9999)" = 0 ]
check "counter hikvision out egress = 50" [ "$(reason_field hikvision out egress)" = 50 ]

# 3. outside -> camera, now learned as hikvision
send "$OUT" 198.51.100.20 192.0.2.10 9999 40
check "outside cannot reach the camera (0 of 40 received)" [ "$(counter "$CAM" c9999)" = 0 ]
check "counter hikvision in ingress = 40" [ "$(reason_field hikvision in ingress)" = 40 ]

# 4. the allow rule: udp/123 to 198.51.100.10 and its replies
send "$CAM" 192.0.2.10 198.51.100.10 123 30
check "allowed udp/123 to 198.51.100.10 passes (30 of 30)" [ "$(counter "$OUT" c123)" = 30 ]
send "$OUT" 198.51.100.10 192.0.2.10 40000 30 123
check "replies from 198.51.100.10:123 pass (30 of 30)" [ "$(counter "$CAM" c123)" = 30 ]
send "$OUT" 198.51.100.20 192.0.2.10 40000 10 123
check "sport 123 from another host is dropped" [ "$(counter "$CAM" c123)" = 30 ]

# 5. deny list (dropped before anything else)
send "$CAM" 192.0.2.10 203.0.113.130 9999 10
c1=$(counter "$OUT" cdeny) c2=$(reason_field hikvision out deny_list)
check "deny list: $c1 of 10 received, counter deny_list = $c2" eval '[ "$c1" = 0 ] && [ "$c2" = 10 ]'
check "egress counter unchanged by the deny drops (50)" [ "$(reason_field hikvision out egress)" = 50 ]

# 6. reload under a continuous stream in both directions: zero leaked
reset_counters "$OUT"; reset_counters "$CAM"
send "$CAM" 192.0.2.10 198.51.100.20 9999 3000 0 1500 & s1=$!
send "$OUT" 198.51.100.20 192.0.2.10 9999 3000 0 1500 & s2=$!
reloads=0 rerr=0
while kill -0 $s1 2>/dev/null || kill -0 $s2 2>/dev/null; do
	v=base; [ $((reloads % 2)) = 1 ] && v=alt
	[ "$(cmd apply $v)" = ok ] || rerr=$((rerr + 1))
	reloads=$((reloads + 1))
done
wait $s1 $s2
check "$reloads reloads under a 2x1500 pps stream, none failed" eval '[ "$rerr" = 0 ] && [ "$reloads" -ge 10 ]'
check "zero leaked out (received $(counter "$OUT" c9999))" [ "$(counter "$OUT" c9999)" = 0 ]
check "zero leaked in (received $(counter "$CAM" c9999))" [ "$(counter "$CAM" c9999)" = 0 ]
cmd apply >/dev/null

# 7. tamper: flush, delete, a flushed set; repaired and counted
check "intact table: check = 0" [ "$(cmd check)" = 0 ]
in_ns "$REC" nft flush table inet camguard
check "nft flush table: repaired (check = 1)" [ "$(cmd check)" = 1 ]
in_ns "$REC" nft delete table inet camguard
check "nft delete table: repaired (check = 1)" [ "$(cmd check)" = 1 ]
in_ns "$REC" nft flush map inet camguard oui24_out
r1=$(cmd check) r2=$(cmd check)
check "nft flush map oui24_out: repaired, then intact ($r1 $r2)" eval '[ "$r1" = 1 ] && [ "$r2" = 0 ]'
reset_counters "$OUT"
send "$CAM" 192.0.2.10 198.51.100.20 9999 10
check "enforcing after the repairs (0 of 10 received)" [ "$(counter "$OUT" c9999)" = 0 ]
check "status counts 3 repairs" [ "$(cmd status | python3 -c 'import json,sys; print(json.load(sys.stdin)["repairs"])')" = 3 ]

# 8. the kernel's view against the model
cmd model >"$TMP/model.json"
in_ns "$REC" nft -j list table inet camguard >"$TMP/table.json"
python3 - "$TMP/model.json" "$TMP/table.json" >"$TMP/compare.out" 2>&1 <<'EOF'
import json, sys
model = json.load(open(sys.argv[1]))
nft = json.load(open(sys.argv[2]))["nftables"]
sets = {o["set"]["name"]: o["set"] for o in nft if "set" in o}
maps = {o["map"]["name"]: o["map"] for o in nft if "map" in o}
chains = {o["chain"]["name"]: o["chain"] for o in nft if "chain" in o}
rules = [o["rule"] for o in nft if "rule" in o]
def elems(m):
    out = {}
    for e in m.get("elem", []):
        k, v = e
        out[k] = v["goto"]["target"]
    return out
errors = []
for suffix in ("out", "lrn"):
    want = {}
    for p in model["policies"]:
        for d in p["devices"]:
            want[d] = f"{suffix}_{p['name']}"
    got = elems(maps[f"dev_{suffix}"])
    if got != want:
        errors.append(f"dev_{suffix}: {got} != {want}")
    for bits in (24, 28, 36):
        want = {o.split("/")[0]: f"{suffix}_{p['name']}" for p in model["policies"] for o in p["ouis"]
                if o.endswith(f"/{bits}")}
        got = elems(maps[f"oui{bits}_{suffix}"])
        if got != want:
            errors.append(f"oui{bits}_{suffix}: {got} != {want}")
comments = {r.get("comment") for r in rules}
for p in model["policies"]:
    for c in ("out_", "in_", "lrn_"):
        if c + p["name"] not in chains:
            errors.append(f"chain {c}{p['name']} missing")
    tail = {"isolate": ("egress", "ingress"), "monitor": ("monitor", "monitor"), "allow": None}[p["action"]]
    if tail:
        for d, r in zip(("out", "in"), tail):
            if f"{p['name']} {d} {r}" not in comments:
                errors.append(f"comment '{p['name']} {d} {r}' missing")
    if p["ndeny"] and f"{p['name']} out deny_list" not in comments:
        errors.append(f"deny rule of {p['name']} missing")
    if p["action"] == "allow" and any(c and c.startswith(p["name"] + " ") and c.split()[2] != "deny_list"
                                      for c in comments):
        errors.append(f"allow policy {p['name']} has a drop rule")
for name, hook in (("forward", "forward"), ("prerouting", "prerouting")):
    c = chains.get(name, {})
    if c.get("hook") != hook or c.get("prio") != -10:
        errors.append(f"base chain {name}: {c}")
if set(sets["cam_ifaces"].get("elem", [])) != {"cam0"}:
    errors.append(f"cam_ifaces: {sets['cam_ifaces'].get('elem')}")
for r in rules:
    if "drop" in json.dumps(r["expr"]) and not any("counter" in e for e in r["expr"]):
        errors.append(f"drop rule without counter in {r['chain']}")
print("\n".join(errors) or "match")
sys.exit(1 if errors else 0)
EOF
check "nft -j list table inet camguard matches the policy set ($(head -c 300 "$TMP/compare.out"))" \
	[ "$(cat "$TMP/compare.out")" = match ]

# 9. an error names the policy element; nothing changed
r=$(cmd apply bad)
check "a refused batch names the element: $r" eval '[[ "$r" == "error: policy dahua: device 44:19:b6:00:00:01 (dahua.conf:7)"* ]]'
check "after the refused batch the table is intact (check = 0)" [ "$(cmd check)" = 0 ]

# 10. the recorder's protected addresses (the plan's, as the data plane's
# CG_PEER_PROTECTED): nft-tool protects 192.0.2.2, which the recorder's
# namespace does not hold, so only protected4 can stop a camera sending from
# it. Control: the same allowed udp/123 flow under a plan without them passes.
in_ns "$CAM" ip addr add 192.0.2.2/24 dev eth0
c0=$(counter "$OUT" c123)
r=$(cmd apply open)
send "$CAM" 192.0.2.2 198.51.100.10 123 10
c1=$(counter "$OUT" c123)
check "control: without protected addresses udp/123 from 192.0.2.2 passes ($r, $((c1 - c0)) of 10)" \
	eval '[ "$r" = ok ] && [ "$((c1 - c0))" = 10 ]'
r=$(cmd apply)
send "$CAM" 192.0.2.2 198.51.100.10 123 10
c2=$(counter "$OUT" c123) sp=$(reason_field hikvision out spoof)
check "a camera sending from a protected recorder address is spoof ($r, $((c2 - c1)) of 10 received, spoof = $sp)" \
	eval '[ "$r" = ok ] && [ "$c2" = "$c1" ] && [ "$sp" = 10 ]'

# 11. the admin's table, remove
in_ns "$REC" nft list table inet filter >"$TMP/admin.after"
check "admin table inet filter unchanged" cmp -s "$TMP/admin.before" "$TMP/admin.after"
r1=$(cmd remove) r2=$(cmd remove)
check "nft_remove: 0, then -ENOENT ($r1 $r2), admin table still unchanged" eval '[ "$r1" = 0 ] && [ "$r2" = -2 ] &&
	! in_ns "$REC" nft list table inet camguard >/dev/null 2>&1 &&
	in_ns "$REC" nft list table inet filter | cmp -s - "$TMP/admin.before"'

# 12. nft reads the table back: its listing (`nft -c -f`, without the table)
# and a `nft list ruleset` backup with the admin table (`nft -f` after a
# flush gives the same listing). Learned addresses and counters are in it.
# nft 1.0.6 listed the later-fragment rules' constant port as "0x0 [invalid
# type]" and refused it.
norm() { sed -E 's/ expires [0-9hms]+//'; }
r=$(cmd apply)
send "$CAM" 192.0.2.10 198.51.100.10 123 3
in_ns "$REC" nft list table inet camguard >"$TMP/table.nft"
in_ns "$REC" nft list ruleset >"$TMP/ruleset.nft"
bad=$(grep -c 'invalid' "$TMP/table.nft")
check "nft list table inet camguard: every rule in nft's syntax ($r, $bad lines 'invalid')" \
	eval '[ "$r" = ok ] && [ "$bad" = 0 ] && grep -q "_to6a\\|_from6a" "$TMP/table.nft" && grep -q "_to4a" "$TMP/table.nft"'
in_ns "$REC" nft delete table inet camguard
in_ns "$REC" nft -c -f "$TMP/table.nft" >"$TMP/check.out" 2>&1
check "nft -c -f of the listing, without the table ($(head -c 300 "$TMP/check.out"))" [ ! -s "$TMP/check.out" ]
in_ns "$REC" nft flush ruleset
in_ns "$REC" nft -f "$TMP/ruleset.nft" >"$TMP/restore.out" 2>&1
rc=$?
in_ns "$REC" nft list ruleset | norm >"$TMP/ruleset.again"
check "nft list ruleset > backup; nft flush ruleset; nft -f backup: same ruleset (rc $rc, $(head -c 300 "$TMP/restore.out"))" \
	eval '[ "$rc" = 0 ] && norm <"$TMP/ruleset.nft" | cmp -s - "$TMP/ruleset.again"'
in_ns "$REC" nft list table inet filter >"$TMP/admin.restored"
check "admin table restored as it was" cmp -s "$TMP/admin.before" "$TMP/admin.restored"

# 13. Lone later fragments (no transport header) against the allow rules:
# only an address-level rule (no ports) may pass one, matching its
# protocol; a port rule never does. IPv6 on for this section; the admin
# table (ct state: conntrack and defragmentation) goes, so that the recorder
# forwards fragments one by one. The receivers note, before any defrag,
# each later fragment's saddr . daddr . l4proto in a set.
in_ns "$REC" nft delete table inet filter
for ns in "$CAM" "$REC" "$OUT"; do
	in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0
done
in_ns "$CAM" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=0
in_ns "$OUT" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=0
in_ns "$REC" sysctl -qw net.ipv6.conf.cam0.disable_ipv6=0 net.ipv6.conf.up0.disable_ipv6=0 \
	net.ipv6.conf.all.forwarding=1
in_ns "$CAM" ip addr add 2001:db8:c::10/64 dev eth0 nodad
in_ns "$REC" ip addr add 2001:db8:c::1/64 dev cam0 nodad
in_ns "$REC" ip addr add 2001:db8:f::1/64 dev up0 nodad
for a in 10 60 5; do in_ns "$OUT" ip addr add "2001:db8:f::$a/64" dev eth0 nodad; done
in_ns "$OUT" ip -6 route add 2001:db8:c::/64 via 2001:db8:f::1
for ns in "$CAM" "$OUT"; do
	in_ns "$ns" nft -f - <<'EOF2'
table inet fcnt {
	set f4 { type ipv4_addr . ipv4_addr . inet_proto; flags dynamic; }
	set f6 { type ipv6_addr . ipv6_addr . inet_proto; flags dynamic; }
	chain pre {
		type filter hook prerouting priority -450; policy accept;
		ip frag-off & 0x1fff != 0 add @f4 { ip saddr . ip daddr . meta l4proto } drop
		frag frag-off != 0 add @f6 { ip6 saddr . ip6 daddr . meta l4proto } drop
	}
}
EOF2
done
cat >"$TMP/frag.py" <<'EOF2'
import socket, struct, sys
# frag.py IFACE DSTMAC SRC DST PROTO COUNT: lone later fragments (offset 32)
ifc, mac, src, dst, proto, count = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
data = b"camguard-later-fragment-" + b"\0" * 16
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff
s = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM)
for i in range(count):
    if ":" in src:
        fh = struct.pack("!BBHI", proto, 0, 4 << 3, 0x5000 + i)
        pkt = struct.pack("!IHBB16s16s", 6 << 28, len(fh) + len(data), 44, 64,
                          socket.inet_pton(socket.AF_INET6, src), socket.inet_pton(socket.AF_INET6, dst)) + fh + data
        eth = 0x86dd
    else:
        h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(data), 0x5000 + i, 4, 64, proto, 0,
                        socket.inet_aton(src), socket.inet_aton(dst))
        pkt = h[:10] + struct.pack("!H", csum(h)) + h[12:] + data
        eth = 0x0800
    s.sendto(pkt, (ifc, eth, 0, 0, bytes.fromhex(mac.replace(":", ""))))
EOF2
REC_CAM_MAC=$(in_ns "$REC" cat /sys/class/net/cam0/address)
REC_UP_MAC=$(in_ns "$REC" cat /sys/class/net/up0/address)
# probes: "out|in SRC DST PROTO"; the result of each is "pass" or "drop"
PROBES=(
	"out 192.0.2.10 198.51.100.60 17"      # to .60, any proto: address-level
	"out 192.0.2.10 198.51.100.60 6"
	"out 192.0.2.10 198.51.100.66 1"       # to .64/28 icmp: address-level, icmp only
	"out 192.0.2.10 198.51.100.66 17"
	"out 192.0.2.10 198.51.100.70 17"      # from .70 udp: address-level, udp only
	"out 192.0.2.10 198.51.100.70 6"
	"out 192.0.2.10 198.51.100.10 17"      # to .10 udp/123: port rule
	"out 192.0.2.10 198.51.100.20 17"      # no rule
	"out 2001:db8:c::10 2001:db8:f::60 17" # to f::60: address-level
	"out 2001:db8:c::10 2001:db8:f::5 58"  # from f::/120 icmp: address-level, ICMPv6
	"out 2001:db8:c::10 2001:db8:f::5 17"
	"out 2001:db8:c::10 2001:db8:f::10 17" # to f::10 udp/123: port rule
	"in 198.51.100.60 192.0.2.10 17"
	"in 198.51.100.70 192.0.2.10 17"
	"in 198.51.100.10 192.0.2.10 17"
	"in 2001:db8:f::60 2001:db8:c::10 17"
	"in 2001:db8:f::10 2001:db8:c::10 17"
)
WANT="pass pass pass drop pass drop drop drop pass pass drop drop pass pass drop pass drop"
frag_probes() {
	local res="" dir src dst proto ns from mac set
	for ns in "$CAM" "$OUT"; do in_ns "$ns" nft flush set inet fcnt f4; in_ns "$ns" nft flush set inet fcnt f6; done
	# neighbours first (the recorder resolves them for forwarding), and the
	# camera's addresses learned by the table
	in_ns "$CAM" ping -c1 -W1 192.0.2.1 >/dev/null 2>&1
	in_ns "$CAM" ping -6 -c1 -W1 2001:db8:c::1 >/dev/null 2>&1
	for p in "${PROBES[@]}"; do
		read -r dir src dst proto <<<"$p"
		if [ "$dir" = out ]; then ns=$OUT from=$CAM mac=$REC_CAM_MAC; else ns=$CAM from=$OUT mac=$REC_UP_MAC; fi
		set=f4; [[ "$src" == *:* ]] && set=f6
		in_ns "$from" python3 "$TMP/frag.py" eth0 "$mac" "$src" "$dst" "$proto" 3
		sleep 0.3
		if in_ns "$ns" nft get element inet fcnt "$set" "{ $src . $dst . $proto }" >/dev/null 2>&1; then
			res+="pass "
		else
			res+="drop "
		fi
	done
	echo "${res% }"
}
in_ns "$REC" nft delete table inet camguard
in_ns "$REC" nft list tables >"$TMP/tables"
r=$(frag_probes)
check "control, no table in the recorder ($(tr '\n' ' ' <"$TMP/tables")): every later fragment arrives ($r)" \
	eval '[ "$r" = "$(echo "$WANT" | sed "s/drop/pass/g")" ]'
a=$(cmd apply)
r=$(frag_probes)
check "table applied ($a): later fragments pass only on address-level rules of their protocol ($r)" \
	[ "$r" = "$WANT" ]
in_ns "$REC" nft list table inet camguard >"$TMP/frag.nft"
in_ns "$REC" nft delete table inet camguard
in_ns "$REC" nft -f "$TMP/frag.nft" >"$TMP/reload.out" 2>&1
rc=$?
in_ns "$REC" nft list table inet camguard | norm | sed -E 's/packets [0-9]+ bytes [0-9]+//' >"$TMP/frag.again"
check "table reloaded from its own listing: same listing (rc $rc, $(head -c 200 "$TMP/reload.out"))" \
	eval '[ "$rc" = 0 ] && norm <"$TMP/frag.nft" | sed -E "s/packets [0-9]+ bytes [0-9]+//" | cmp -s - "$TMP/frag.again"'
r=$(frag_probes)
check "reloaded table: the same later-fragment verdicts ($r)" [ "$r" = "$WANT" ]

[ "$failed" = 0 ]
