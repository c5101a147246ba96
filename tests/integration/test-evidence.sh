#!/usr/bin/env bash
# Integration (issue 15): the evidence of denied flows through the real
# camguardd. Every check compares exact counts:
#
#   accounting  N flows x M packets from two isolated cameras and a monitored
#               one: each flow is one row of exactly M packets, and for every
#               camera `blocked` rows + overflow equal the drop (would-drop)
#               counter of `stats --devices`; `cameras` shows the same.
#   restart     a normal stop and a kill -9 (packets sent while no daemon
#               runs): the rows keep their totals and new packets add on top.
#   inventory   inventory.json removed between runs (pins kept): the
#               addresses the data plane had reported come back.
#   ipv6        a camera with a link-local and two global addresses under a
#               drop flood that spends its drop-sample budget: all three are
#               in `cameras` within a few seconds.
#   overflow    evidence.max_flows = 16 and more flows than that: rows +
#               overflow still equal the counters.
#
# Usage: test-evidence.sh BUILD_DIR
set -uo pipefail

BUILD="${1:?usage: test-evidence.sh BUILD_DIR}"
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lib/integration.sh
. "$HERE/../lib/integration.sh"

cg_integration_begin ev "network namespaces, BPF"

HIK=44:19:b6:00:00:01       # Hikvision MA-L 44:19:B6: isolate
DAHUA=08:ed:ed:00:00:02     # Dahua MA-L 08:ED:ED: isolate
AXIS=00:40:8c:00:00:03      # Axis MA-L 00:40:8C: monitor
V6CAM=44:19:b6:00:00:05     # Hikvision, three IPv6 addresses
FLOWS=12                    # flows per camera (remote ports)
PKTS=25                     # packets per flow

write_policies() {
	cg_policy hikvision isolate 44:19:B6
	cg_policy dahua isolate 08:ED:ED
	cg_policy axis monitor 00:40:8C
	cg_policy unknown isolate
}

# flows NS BASE_PORT COUNT PKTS [SRC]: COUNT flows (ports BASE..) of PKTS
# datagrams each to 203.0.113.10 (IPv4) or, with SRC, from that IPv6 address
# to 2001:db8:f::2. One process: a flow is a port, sent in one burst.
flows() {
	cg_exec "$1" python3 - "$2" "$3" "$4" "${5:-}" <<'PY'
import socket, sys, time
base, count, pkts, src = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
if src:
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.bind((src, 0))
    dst = '2001:db8:f::2'
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    dst = '203.0.113.10'
for p in range(base, base + count):
    for i in range(pkts):
        while True:
            try:
                s.sendto(b'camguard-evidence %d' % i, (dst, p))
                break
            except BlockingIOError:
                time.sleep(0.001)
            except OSError:
                break   # a drop at our own egress is not the sender's error
PY
}

# The snapshot's figures, one python run (a loaded CI machine starts python
# slowly): "key value" lines into V[]. Per camera MAC: drop.M, would.M
# (stats --devices counters), ev0.M, ev1.M (blocked rows + overflow,
# dropped / would-drop), rows0.M, rows1.M ("rows:min:max:sum" of the flows
# to 203.0.113.10 ports BASE..BASE+FLOWS-1), camdrop.M, camwould.M
# (cameras --json); same: 1 when the two stats reads agree.
cat > "$WORK/figures.py" <<'PY'
import json, sys
w = sys.argv[1]
base, nflows = int(sys.argv[2]), int(sys.argv[3])
s1, s2, b, c = (json.load(open(w + '/s.' + n)) for n in ('stats1', 'stats2', 'blocked', 'cameras'))
key = lambda d: sorted((x['mac'], x['drop']['packets'], x['would_drop']['packets']) for x in d['devices'])
print('same', int(key(s1) == key(s2)))
over = {o['mac']: o for o in b['overflow']['per_device']}
cams = {x['mac']: x for x in c['cameras']}
for x in s2['devices']:
    m = x['mac']
    print('drop.' + m, x['drop']['packets'])
    print('would.' + m, x['would_drop']['packets'])
    for wd in (0, 1):
        rows = [f['packets'] for f in b['flows'] if f['mac'] == m and f['would'] == bool(wd)]
        o = over.get(m, {}).get('would_packets' if wd else 'packets', 0)
        print('ev%d.%s' % (wd, m), sum(rows) + o)
        r = [f['packets'] for f in b['flows'] if f['mac'] == m and f['would'] == bool(wd)
             and f['address'] == '203.0.113.10' and base <= f['port'] < base + nflows]
        print('rows%d.%s' % (wd, m), '%d:%d:%d:%d' % (len(r), min(r or [0]), max(r or [0]), sum(r)))
    if m in cams:
        print('camdrop.' + m, cams[m].get('drop', {}).get('packets', 'missing'))
        print('camwould.' + m, cams[m].get('would_drop', {}).get('packets', 'missing'))
print('nrows', len(b['flows']))
print('overflow', b['overflow']['packets'] + b['overflow']['would_packets'])
print('testflows', sum(f['packets'] for f in b['flows'] if f['address'] == '203.0.113.10' and f['port'] >= base))
PY

# snapshot BASE: `stats --devices`, `blocked`, `cameras` and `stats
# --devices` again, until the two stats agree (nothing counted in between:
# background ND/MLD of the cameras must not make a check flaky); V[] filled.
declare -A V
snapshot() {
	local _ k v
	for _ in 1 2 3 4 5; do
		ctl --json stats --devices > "$WORK/s.stats1"
		ctl --json blocked > "$WORK/s.blocked"
		ctl --json cameras > "$WORK/s.cameras"
		ctl --json stats --devices > "$WORK/s.stats2"
		V=()
		while read -r k v; do V[$k]=$v; done < <(python3 "$WORK/figures.py" "$WORK" "$1" "$FLOWS")
		[ "${V[same]:-0}" = 1 ] && return 0
		sleep 0.3
	done
	echo "# counters kept moving over 5 snapshots"
}

# check_invariant TAG: for every camera, rows + overflow == its counters.
check_invariant() {
	local mac
	for mac in "$HIK" "$DAHUA" "$AXIS"; do
		check_eq "$1: $mac drop rows + overflow == stats --devices drop" \
			"${V[drop.$mac]:-missing}" "${V[ev0.$mac]:-missing}"
		check_eq "$1: $mac would-drop rows + overflow == stats --devices would_drop" \
			"${V[would.$mac]:-missing}" "${V[ev1.$mac]:-missing}"
	done
}

# check_rows TAG MAC WOULD(0|1) N: the camera's FLOWS flows, one row of N
# packets each.
check_rows() {
	check_eq "$1: $2 $FLOWS flows of $4 packets (would=$3)" "$FLOWS:$4:$4:$((FLOWS * $4))" \
		"${V[rows$3.$2]:-missing}"
}

send_all() {   # BASE PKTS
	flows hik "$1" "$FLOWS" "$2"
	flows dahua "$1" "$FLOWS" "$2"
	flows axis "$1" "$FLOWS" "$2"
}

stop_daemon() {
	kill -TERM "$DPID" 2>/dev/null
	wait "$DPID" 2>/dev/null
	DPID=""
}

# has_addr MAC ADDR: the inventory lists ADDR for MAC. A grep, not python:
# it runs in a wait loop (every address in this test is one camera's).
has_addr() {
	ctl --json cameras 2>/dev/null | tr '{' '\n' | grep -F "\"$1\"" | grep -qF "\"$2\""
}

# wait_addr MAC ADDR: has_addr within 10 s of wall-clock time (cg_wait_for
# counts tries, and a try is slow on a loaded machine).
wait_addr() {
	local end=$(( $(date +%s) + 10 ))
	until has_addr "$1" "$2"; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.2
	done
}

# ---------------------------------------------------------------------------
cg_topology_create
cg_camera_add hik "$HIK" 1
cg_camera_add dahua "$DAHUA" 2
cg_camera_add axis "$AXIS" 3
cg_bpffs_mount "$WORK/bpffs"
write_policies
cg_write_config "$WORK" "$WORK/policies"
start_daemon || { cat "$WORK/daemon.log"; fail "daemon did not start"; exit 1; }
for c in hik dahua axis; do cg_exec "$c" ping -c1 -W1 192.0.2.1 >/dev/null 2>&1; done

# Control: the monitored camera's flows really pass, the isolated one's do not.
check_eq "control: monitor camera -> 203.0.113.10:9000 arrives" 50 "$(cg_flow out axis 203.0.113.10 9000 50)"
check_eq "control: isolated camera -> 203.0.113.10:9000 dropped" 0 "$(cg_flow out hik 203.0.113.10 9000 50)"

# --- (a) exact accounting --------------------------------------------------
t0=$(date +%s%N)
send_all 20000 "$PKTS"
snapshot 20000
check_rows "accounting" "$HIK" 0 "$PKTS"
check_rows "accounting" "$DAHUA" 0 "$PKTS"
check_rows "accounting" "$AXIS" 1 "$PKTS"
check_eq "accounting: no would-drop rows of the isolated camera" "0:0:0:0" "${V[rows1.$HIK]:-missing}"
check_eq "accounting: no drop rows of the monitored camera" "0:0:0:0" "${V[rows0.$AXIS]:-missing}"
check_invariant "accounting"
check_eq "accounting: cameras --json drop == stats --devices drop ($HIK)" "${V[drop.$HIK]:-missing}" \
	"${V[camdrop.$HIK]:-missing}"
check_eq "accounting: cameras --json would_drop == stats --devices would_drop ($AXIS)" \
	"${V[would.$AXIS]:-missing}" "${V[camwould.$AXIS]:-missing}"
check_ge "accounting: the monitored camera's would-drops include every flow and the control" \
	$((FLOWS * PKTS + 50)) "${V[would.$AXIS]:-0}"
ctl cameras > "$WORK/cameras.txt"
check_grep "cameras table: the monitored camera's would-drops in DROPS" \
	"${V[would.$AXIS]} (would)" "$WORK/cameras.txt"
ctl stats --devices > "$WORK/stats.txt"
check_grep "stats --devices table: WOULD PKTS column" "WOULD PKTS" "$WORK/stats.txt"
ctl --json status > "$WORK/status.json"
check_eq "status: evidence rows, max_flows, address events" "True True True" \
	"$(json_get "$WORK/status.json" "' '.join(str(x) for x in (d['evidence']['rows'] == ${V[nrows]:-0}, d['evidence']['max_flows'] == 65536, d['evidence']['addr_events'] >= 3))")"
echo "# accounting: $(( ($(date +%s%N) - t0) / 1000000 )) ms"

# --- (b) restart: a normal stop, then kill -9 -------------------------------
t0=$(date +%s%N)
stop_daemon
flows hik 20000 "$FLOWS" 1          # while no daemon runs: the pinned maps count
start_daemon || { tail -20 "$WORK/daemon.log"; fail "restart failed"; exit 1; }
snapshot 20000
check_rows "restart: kept, +1 each sent while stopped" "$HIK" 0 $((PKTS + 1))
check_rows "restart: kept" "$DAHUA" 0 "$PKTS"
check_rows "restart: kept" "$AXIS" 1 "$PKTS"
check_invariant "restart"
send_all 20000 "$PKTS"
snapshot 20000
check_rows "restart: new packets on top" "$HIK" 0 $((2 * PKTS + 1))
check_rows "restart: new packets on top" "$AXIS" 1 $((2 * PKTS))

kill -9 "$DPID"; wait "$DPID" 2>/dev/null; DPID=""
send_all 20000 "$PKTS"              # counted by the data plane alone
start_daemon || { tail -20 "$WORK/daemon.log"; fail "start after kill -9 failed"; exit 1; }
snapshot 20000
check_rows "kill -9: kept, with what came while killed" "$HIK" 0 $((3 * PKTS + 1))
check_rows "kill -9: kept, with what came while killed" "$DAHUA" 0 $((3 * PKTS))
check_rows "kill -9: kept, with what came while killed" "$AXIS" 1 $((3 * PKTS))
check_invariant "kill -9"
send_all 20000 "$PKTS"
snapshot 20000
check_rows "kill -9: new packets on top" "$DAHUA" 0 $((4 * PKTS))
check_rows "kill -9: new packets on top" "$AXIS" 1 $((4 * PKTS))
check_invariant "after kill -9"
echo "# restart and kill -9: $(( ($(date +%s%N) - t0) / 1000000 )) ms"

# --- inventory.json lost, pins kept: the addresses come back -----------------
check_eq "inventory has $HIK's address before" 0 "$(has_addr "$HIK" 192.0.2.11; echo $?)"
stop_daemon
rm -f "$WORK/state/inventory.json"
start_daemon || { tail -20 "$WORK/daemon.log"; fail "start without inventory failed"; exit 1; }
# Traffic that passes (to the recorder): no drop sample, only the data
# plane's address report can name the address again.
for c in hik dahua axis; do cg_exec "$c" ping -c2 -i0.2 -W1 192.0.2.1 >/dev/null 2>&1; done
# a neighbor solicitation from the camera's link-local address
ip -n "$(cg_ns hik)" neigh flush dev eth0
cg_exec hik ping -6 -c1 -W1 "fe80::ff:fe00:1%eth0" >/dev/null 2>&1
wait_addr "$HIK" 192.0.2.11
check_eq "inventory lost: $HIK's IPv4 address reported again" 0 $?
wait_addr "$DAHUA" 192.0.2.12
check_eq "inventory lost: $DAHUA's IPv4 address reported again" 0 $?
wait_addr "$AXIS" 192.0.2.13
check_eq "inventory lost: $AXIS's IPv4 address reported again" 0 $?
wait_addr "$HIK" "fe80::4619:b6ff:fe00:1"
check_eq "inventory lost: $HIK's link-local address reported again" 0 $?
check_grep "the daemon says why" "reported device addresses will be reported again" "$WORK/daemon.log"

# --- (d) IPv6: link-local plus two global addresses under a drop flood -------
# Made here, not by cg_camera_add: no link-local address at link-up (its MLD
# would name it before any flood), so that the link-local appears only in
# the middle of the flood.
V6A=2001:db8:c::15
V6B=2001:db8:c::1:15
V6LL=fe80::4619:b6ff:fe00:5
ip netns add "$(cg_ns v6)"
ip -n "$(cg_ns v6)" link set lo up
ip -n "$(cg_ns sw)" link add p-v6 type veth peer name eth0 netns "$(cg_ns v6)"
ip -n "$(cg_ns sw)" link set p-v6 master br0 up
ip -n "$(cg_ns v6)" link set eth0 address "$V6CAM" addrgenmode none
ip -n "$(cg_ns v6)" addr add "$V6A/64" dev eth0 nodad
ip -n "$(cg_ns v6)" addr add "$V6B/64" dev eth0 nodad
ip -n "$(cg_ns v6)" link set eth0 up
ip -n "$(cg_ns v6)" -6 route add default via 2001:db8:c::1
flows v6 30000 1 400 "$V6A"                     # 400 drops: the sample budget is spent
has_addr "$V6CAM" "$V6LL"
check_ne "control: the link-local address is not known before it is used" 0 $?
t0=$(date +%s%N)
flows v6 30001 1 200 "$V6B" &                    # the second global address, flooding
FPID=$!
flows v6 30002 1 200 "$V6A" &
FPID2=$!
# the link-local address, now: its MLD report and ND (link_local frames)
ip -n "$(cg_ns v6)" addr add "$V6LL/64" dev eth0 nodad
cg_exec v6 ping -6 -c2 -i0.2 -W1 "fe80::ff:fe00:1%eth0" >/dev/null 2>&1
wait "$FPID" "$FPID2"
t1=$(date +%s%N)
for a in "$V6A" "$V6B" "$V6LL"; do
	wait_addr "$V6CAM" "$a"
	check_eq "IPv6 under a drop flood: $a listed in cameras" 0 $?
	echo "# $a listed $(( ($(date +%s%N) - t1) / 1000000 )) ms after the flood ended" \
		"($(( (t1 - t0) / 1000000 )) ms of flood and pings)"
done
snapshot 30000
check_eq "IPv6: the flood counted exactly (rows of $V6CAM to 2001:db8:f::2)" 800 \
	"$(json_get "$WORK/s.blocked" "sum(f['packets'] for f in d['flows'] if f['mac']=='$V6CAM' and f['address']=='2001:db8:f::2' and 30000 <= f['port'] <= 30002)")"
check_eq "IPv6: $V6CAM rows + overflow == drop counter" "${V[drop.$V6CAM]:-missing}" "${V[ev0.$V6CAM]:-missing}"

# --- (c) overflow: evidence.max_flows = 16, more flows than that -------------
stop_daemon
ip netns exec "$(cg_ns rec)" "$CAMGUARDD" --unload -c "$WORK/camguard.conf" >>"$WORK/daemon.log" 2>&1
check_eq "camguardd --unload (a new max_flows needs new maps)" 0 $?
rm -rf "$WORK/state"
cg_write_config "$WORK" "$WORK/policies" 'evidence = { max_flows = 16; };'
start_daemon || { tail -20 "$WORK/daemon.log"; fail "start with max_flows = 16 failed"; exit 1; }
for c in hik dahua axis; do cg_exec "$c" ping -c1 -W1 192.0.2.1 >/dev/null 2>&1; done
send_all 40000 "$PKTS"                 # 3 x 12 flows > 16 rows
flows hik 41000 20 3                   # and 20 more flows of one camera
snapshot 40000
check_le "overflow: at most 16 rows" 16 "${V[nrows]:-999}"
check_ge "overflow: some packets found no row" 1 "${V[overflow]:-0}"
check_eq "overflow: the bound is reported" 16 "$(json_get "$WORK/s.blocked" 'd["overflow"]["max_flows"]')"
check_invariant "overflow"
# Every packet sent is in a row or the overflow (which also holds the
# cameras' other denied packets, if any: at least, not exactly).
check_ge "overflow: no packet lost (rows of the flows + overflow >= sent)" $((3 * FLOWS * PKTS + 20 * 3)) \
	$(( ${V[testflows]:-0} + ${V[overflow]:-0} ))
ctl --json status > "$WORK/status.json"
check_eq "status: max_flows 16, the overflow" "16 ${V[overflow]:-missing}" \
	"$(json_get "$WORK/status.json" "'%d %d' % (d['evidence']['max_flows'], d['evidence']['overflow_packets'] + d['evidence']['overflow_would_packets'])")"
ctl status > "$WORK/status.txt"
check_grep "status text: the evidence line" "packets beyond it" "$WORK/status.txt"

finish
