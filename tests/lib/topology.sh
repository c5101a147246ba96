# shellcheck shell=bash
# tests/lib/topology.sh — a recorder host with cameras, in network namespaces.
#
# Sourced by the integration tests, tools/demo and tools/bench e2e. Builds:
#
#   camera namespaces ($CG_NS-cN) --- switch ns ($CG_NS-sw, bridge br0) --- cam0 [recorder ns]
#                                                                            up0 --- eth0 [outside ns]
#
#   recorder ($CG_NS-rec): cam0 192.0.2.1/24 2001:db8:c::1/64, up0 198.51.100.1/24 2001:db8:f::1/64,
#                          forwarding on, route 203.0.113.0/24 via the outside host
#   outside  ($CG_NS-out): 198.51.100.2/24 (+ .10, .50), 203.0.113.10/32, 2001:db8:f::2/64
#   camera N:              192.0.2.(10+N)/24, 2001:db8:c::(10+N)/64, a vendor MAC
#
# Only documentation prefixes are used, nothing is configured in the root
# namespace, and cg_topology_destroy (installed as an EXIT trap by
# cg_topology_create unless the caller has one, which must call it) removes
# every namespace and mount it made.

# shellcheck source=tests/lib/sweep.sh
. "$(dirname "${BASH_SOURCE[0]}")/sweep.sh"

CG_NS="${CG_NS:-cgt$$}"
CG_CAMERAS=()          # "name mac" per camera, in creation order
CG_BPFFS=""

cg_ns() { echo "$CG_NS-$1"; }
cg_exec() { local ns="$1"; shift; ip netns exec "$(cg_ns "$ns")" "$@"; }

cg_topology_destroy() {
	local ns
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$CG_NS-" || true); do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
		ip netns del "$ns" 2>/dev/null || true
	done
	if [ -n "$CG_BPFFS" ] && mountpoint -q "$CG_BPFFS" 2>/dev/null; then
		umount "$CG_BPFFS" 2>/dev/null || true
	fi
}

# cg_topology_create: namespaces, links and addresses (no cameras yet).
cg_topology_create() {
	# A caller's own EXIT trap (which calls cg_topology_destroy and removes
	# its work dir, users, ...) must not be replaced.
	[ -n "$(trap -p EXIT)" ] || trap cg_topology_destroy EXIT
	cg_topology_destroy
	cg_sweep_orphans
	local rec sw out
	rec=$(cg_ns rec); sw=$(cg_ns sw); out=$(cg_ns out)
	ip netns add "$rec"; ip netns add "$sw"; ip netns add "$out"
	# The switch has no addresses: it must not appear as a device of its own.
	ip netns exec "$sw" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	for ns in "$rec" "$sw" "$out"; do ip -n "$ns" link set lo up; done

	# Nor may it send anything: with multicast snooping on, the bridge joins
	# 224.0.0.106 (all-snoopers, RFC 4286) and its IGMPv3 reports (repeated
	# for a few seconds after br0 comes up) reach cam0 from br0's MAC, a
	# device of its own for camguardd (seen as an unknown device when a
	# loaded host attached before the last report: the fleet test's flake).
	ip -n "$sw" link add br0 type bridge mcast_snooping 0
	ip -n "$sw" link set br0 up
	# A switch does not filter: without this, br_netfilter (when built in)
	# would hand bridged frames to the IP stack's checks.
	ip netns exec "$sw" sh -c 'for f in /proc/sys/net/bridge/bridge-nf-call-*; do [ -w "$f" ] && echo 0 > "$f"; done; true'
	ip -n "$sw" link add rec0 type veth peer name cam0 netns "$rec"
	ip -n "$sw" link set rec0 master br0 up

	ip -n "$rec" link set cam0 address 02:00:00:00:00:01
	ip -n "$rec" addr add 192.0.2.1/24 dev cam0
	ip -n "$rec" addr add 2001:db8:c::1/64 dev cam0 nodad
	ip -n "$rec" link set cam0 up
	ip -n "$rec" link add up0 type veth peer name eth0 netns "$out"
	ip -n "$rec" addr add 198.51.100.1/24 dev up0
	ip -n "$rec" addr add 2001:db8:f::1/64 dev up0 nodad
	ip -n "$rec" link set up0 up
	ip -n "$rec" route add 203.0.113.0/24 via 198.51.100.2
	ip netns exec "$rec" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1

	ip -n "$out" addr add 198.51.100.2/24 dev eth0
	ip -n "$out" addr add 198.51.100.10/24 dev eth0
	ip -n "$out" addr add 198.51.100.50/24 dev eth0
	ip -n "$out" addr add 203.0.113.10/32 dev lo
	ip -n "$out" addr add 2001:db8:f::2/64 dev eth0 nodad
	ip -n "$out" link set eth0 up
	ip -n "$out" route add 192.0.2.0/24 via 198.51.100.1
	ip -n "$out" -6 route add 2001:db8:c::/64 via 2001:db8:f::1
}

# cg_camera_add NAME MAC N: camera namespace $CG_NS-NAME at 192.0.2.(10+N).
cg_camera_add() {
	local name="$1" mac="$2" n="$3" ns sw
	ns=$(cg_ns "$name"); sw=$(cg_ns sw)
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	ip -n "$sw" link add "p-$name" type veth peer name eth0 netns "$ns"
	ip -n "$sw" link set "p-$name" master br0 up
	ip -n "$ns" link set eth0 address "$mac"
	ip -n "$ns" addr add "192.0.2.$((10 + n))/24" dev eth0
	ip -n "$ns" addr add "2001:db8:c::$((10 + n))/64" dev eth0 nodad
	ip -n "$ns" link set eth0 up
	ip -n "$ns" route add default via 192.0.2.1
	ip -n "$ns" -6 route add default via 2001:db8:c::1
	CG_CAMERAS+=("$name $mac")
}

# cg_bpffs_mount DIR: a private bpffs for this test's pins.
cg_bpffs_mount() {
	CG_BPFFS="$1"
	mkdir -p "$CG_BPFFS"
	mount -t bpf bpf "$CG_BPFFS"
}

# cg_write_config DIR POLICY_DIR [extra lines]: camguard.conf for the topology.
cg_write_config() {
	local dir="$1" policies="$2"; shift 2
	mkdir -p "$dir/state"
	cat > "$dir/camguard.conf" <<EOF
interfaces = ( { name = "cam0"; mode = "${CG_MODE:-tc}"; } );
enclave = [ "192.0.2.0/24", "2001:db8:c::/64" ];
default_policy = "unknown";
policy_dir = "$policies";
nftables = ${CG_NFTABLES:-false};
on_exit = "keep";
control = { socket = "$dir/camguard.sock"; group = "root"; };
pin_dir = "$CG_BPFFS/camguard";
state_dir = "$dir/state";
$(printf '%s\n' "$@")
EOF
}

# cg_udp_recv NS ADDR PORT SECONDS: count UDP datagrams arriving (prints the
# count) until SECONDS pass or a datagram "END" arrives (not counted).
# cg_udp_recv NS ADDR PORT SECS [READY_FILE]: count datagrams until END or
# SECS; READY_FILE is created once the socket is bound.
cg_udp_recv() {
	local ns="$1" addr="$2" port="$3" secs="$4" ready="${5:-}"
	cg_exec "$ns" python3 - "$addr" "$port" "$secs" "$ready" <<'PY'
import socket, sys, time
addr, port, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
fam = socket.AF_INET6 if ':' in addr else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
s.bind((addr, port))
if sys.argv[4]:
    open(sys.argv[4], 'w').close()
end = time.time() + secs
n = 0
while True:
    left = end - time.time()
    if left <= 0:
        break
    s.settimeout(left)
    try:
        if s.recv(65535) == b'END':
            break
        n += 1
    except socket.timeout:
        break
print(n)
PY
}

# cg_udp_send NS DST PORT COUNT [SPORT] [INTERVAL_S]: send COUNT datagrams.
cg_udp_send() {
	local ns="$1" dst="$2" port="$3" count="$4" sport="${5:-0}" gap="${6:-0}"
	cg_exec "$ns" python3 - "$dst" "$port" "$count" "$sport" "$gap" <<'PY'
import socket, sys, time
dst, port, count, sport, gap = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
fam = socket.AF_INET6 if ':' in dst else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
if sport:
    s.bind(('::' if fam == socket.AF_INET6 else '0.0.0.0', sport))
for i in range(count):
    while True:
        try:
            s.sendto(b'camguard-test %d' % i, (dst, port))
            break
        except (BlockingIOError, ConnectionRefusedError):
            time.sleep(0.001)
        except OSError:
            # a drop at our own egress is not an error for the sender
            break
    if gap:
        time.sleep(gap)
PY
}

# cg_flow RECV_NS SEND_NS DST PORT COUNT [SPORT]: send COUNT datagrams from
# SEND_NS to DST:PORT where RECV_NS listens; prints how many arrived. The
# receiver is stopped by an "END" datagram from the recorder namespace (whose
# own traffic camguard does not filter) once the sender is done.
cg_flow() {
	local rns="$1" sns="$2" dst="$3" port="$4" count="$5" sport="${6:-0}" out
	out=$(mktemp)
	# the sender starts once the receiver is bound: a python start on a
	# loaded host takes longer than any fixed sleep (a flow sent before
	# the bind arrived as 0 of 200, plus the ICMP errors it drew)
	rm -f "$out.ready"
	cg_udp_recv "$rns" "$dst" "$port" 30 "$out.ready" > "$out" &
	local rpid=$!
	local i
	for i in $(seq 1 200); do
		[ -e "$out.ready" ] && break
		sleep 0.05
	done
	cg_udp_send "$sns" "$dst" "$port" "$count" "$sport"
	sleep 0.3
	cg_udp_end "$dst" "$port"
	wait "$rpid"
	cat "$out"
	rm -f "$out" "$out.ready"
}

cg_udp_end() {
	cg_exec rec python3 -c "import socket,sys; a=sys.argv[1]; s=socket.socket(socket.AF_INET6 if ':' in a else socket.AF_INET, socket.SOCK_DGRAM); s.sendto(b'END', (a, int(sys.argv[2])))" "$1" "$2"
}

# cg_wait_for COND_CMD... : retry a command for up to 10 s.
cg_wait_for() {
	local i
	for i in $(seq 1 100); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}
