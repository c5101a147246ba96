#!/usr/bin/env bash
# Integration: the nftables layer's drops reach `camguardctl blocked`
# (issue 15, "inbound too"). With both layers on, a packet routed from the
# outside towards an isolated camera is dropped in table inet camguard's
# forward hook, before the BPF egress program on the camera interface sees
# it: only the NFLOG group the drop rules log to carries it to the daemon.
#
# An outside host sends N UDP datagrams (IPv4 and IPv6) and M TCP SYNs to the
# camera through the recorder; `blocked --json` must list them as inbound
# rows of the camera with exactly N and M packets (nft_packets alike), the
# remote address and port of the sender, reason ingress; the nft counters of
# the rule say the same number (control: the packets were really dropped by
# nftables, not by BPF, whose counters for the device show no inbound drop);
# the daemon's totals (drops == logged, unlogged 0) and, after a restart,
# the rows are still there (evidence.bin). Without the change (no log
# expression or no reader) there are no inbound rows and the row checks fail.
# Usage: test-nflog.sh BUILD_DIR
set -uo pipefail

BUILD="${1:?usage: test-nflog.sh BUILD_DIR}"
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lib/integration.sh
. "$HERE/../lib/integration.sh"

cg_integration_begin nflog "network namespaces, BPF, nftables, NFLOG"
HIK=44:19:b6:00:00:01
CAM4=192.0.2.11
CAM6=2001:db8:c::11
cg_policy hikvision isolate 44:19:B6
cg_policy unknown isolate

blocked() { ctl --json blocked > "$WORK/blocked.json"; }
# inbound COND: packets of the camera's inbound rows matching COND (python).
inbound() {
	json_get "$WORK/blocked.json" \
		"sum(f['packets'] for f in d['flows'] if f['mac']=='$HIK' and f['direction']=='in' and ($1))"
}
nflog() { json_get "$WORK/blocked.json" "d['nftables']['$1']"; }
# tcp_syn NS DST PORT COUNT SPORT: COUNT connection attempts (one SYN each:
# the kernel's retransmissions are stopped by a short timeout and RST-free).
tcp_syn() {
	cg_exec "$1" python3 - "$2" "$3" "$4" "$5" <<'PY'
import socket, sys
dst, port, count, sport = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
for i in range(count):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_SYNCNT, 1)
    s.bind(('0.0.0.0', sport + i))
    s.setblocking(False)
    try:
        s.connect((dst, port))
    except BlockingIOError:
        pass
    s.close()   # before any retransmission: exactly one SYN
PY
}

cg_topology_create
cg_camera_add hik "$HIK" 1
cg_bpffs_mount "$WORK/bpffs"
CG_NFTABLES=true cg_write_config "$WORK" "$WORK/policies"
start_daemon || { cat "$WORK/daemon.log"; fail "daemon did not start"; finish; exit 1; }

cg_exec rec nft list table inet camguard > "$WORK/table.txt"
check_grep "the drop rules log to NFLOG group 25447" \
	'log prefix "hikvision in ingress" group 25447 snaplen 128 queue-threshold 8' "$WORK/table.txt"

# The camera speaks (both families) so that the inventory and the nft learned
# sets know its addresses.
cg_exec hik ping -c1 -W1 192.0.2.1 >/dev/null 2>&1
cg_exec hik ping -6 -c1 -W1 2001:db8:c::1 >/dev/null 2>&1
cg_wait_for sh -c "$(printf '%q ' cg_exec rec "$CTL" -s "$SOCK" --json cameras) | grep -q '$CAM6'"
ctl --json cameras > "$WORK/cameras.json"
check_grep "the inventory knows the camera's IPv6 address" "$CAM6" "$WORK/cameras.json"

blocked
check_eq "control: no inbound rows before the probe" 0 "$(inbound True)"
in0=$(nft_counter "hikvision in ingress")

N=137; N6=41; M=23
check_eq "outside -> camera udp/8080 is dropped" 0 "$(cg_flow hik out $CAM4 8080 $N 40001)"
check_eq "outside -> camera udp/8080 over IPv6 is dropped" 0 "$(cg_flow hik out $CAM6 8080 $N6 40002)"
tcp_syn out $CAM4 554 $M 41000
sleep 1
check_eq "nft counted every inbound packet (dropped there, not by BPF)" \
	$((in0 + N + N6 + M)) "$(nft_counter "hikvision in ingress")"
ctl --json stats --devices > "$WORK/stats.json"
check_eq "control: BPF saw no inbound drop of the camera" 0 \
	"$(json_get "$WORK/stats.json" "sum(x['drop']['packets'] for x in d['devices'] if x['mac']=='$HIK')")"

blocked
cp "$WORK/blocked.json" "$WORK/blocked.1.json"
unl=$(nflog unlogged)
check_eq "no NFLOG message lost" 0 "$unl"
check_eq "blocked: udp/8080 from 198.51.100.2:40001, $N packets" $N \
	"$(inbound "f['address']=='198.51.100.2' and f['proto']=='udp' and f['port']==40001 and f['reason']=='ingress' and not f['would']")"
check_eq "blocked: the same over IPv6, $N6 packets" $N6 \
	"$(inbound "f['address']=='2001:db8:f::2' and f['proto']=='udp' and f['port']==40002")"
check_eq "blocked: $M TCP SYNs, one row per source port" $M \
	"$(inbound "f['proto']=='tcp' and 41000 <= f['port'] < 41000 + $M")"
check_eq "blocked: every inbound packet came through nftables" $((N + N6 + M)) \
	"$(json_get "$WORK/blocked.json" "sum(f['nft_packets'] for f in d['flows'] if f['direction']=='in')")"
check_eq "blocked: the rows carry the policy" hikvision \
	"$(json_get "$WORK/blocked.json" "sorted({f['policy'] for f in d['flows'] if f['direction']=='in'})[0]")"
check_eq "blocked: bytes are the IP lengths (udp v4: 20+8+payload)" \
	"$(python3 -c "print(sum(28 + len(b'camguard-test %d' % i) for i in range($N)))")" \
	"$(json_get "$WORK/blocked.json" "sum(f['bytes'] for f in d['flows'] if f['direction']=='in' and f['port']==40001)")"
check_eq "totals: logged == nft drops" "$(nflog drops)" "$(nflog logged)"
check_eq "totals: nothing malformed, no unknown device" 0 "$(( $(nflog malformed) + $(nflog no_device) ))"
ctl blocked > "$WORK/blocked.txt"
check_grep "blocked (text) lists the inbound sender" "198.51.100.2:40001" "$WORK/blocked.txt"
ctl status > "$WORK/status.txt"
check_grep "status shows the nftables drops and unlogged" "unlogged" "$WORK/status.txt"

# A reload replaces the table (its counters start again): the totals go on.
kill -HUP "$DPID"; sleep 2
check_eq "after a reload: udp dropped" 0 "$(cg_flow hik out $CAM4 8080 10 40001)"
sleep 1
blocked
check_eq "after a reload: the row went on counting" $((N + 10)) "$(inbound "f['port']==40001")"
check_eq "after a reload: unlogged still 0" 0 "$(nflog unlogged)"
check_eq "after a reload: logged == drops" "$(nflog drops)" "$(nflog logged)"

# Restart: the rows and totals persist (evidence.bin).
kill "$DPID"; wait "$DPID" 2>/dev/null; DPID=""
start_daemon || fail "restart failed"
blocked
check_eq "after a restart: the inbound rows are kept" $((N + N6 + M + 10)) "$(inbound True)"
check_eq "after a restart: logged kept" $((N + N6 + M + 10)) "$(nflog logged)"
finish
