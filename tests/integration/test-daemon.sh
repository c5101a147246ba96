#!/usr/bin/env bash
# Integration: the real camguardd in a recorder namespace, real traffic from
# camera namespaces to an outside namespace. Every check sends a known number
# of packets and compares exact counts at the receiver and in the counters.
#
# Usage: test-daemon.sh BUILD_DIR
set -uo pipefail

BUILD="${1:?usage: test-daemon.sh BUILD_DIR}"
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lib/integration.sh
. "$HERE/../lib/integration.sh"

cg_integration_begin int "network namespaces, BPF"

HIK=44:19:b6:00:00:01       # Hikvision MA-L 44:19:B6
DAHUA=08:ed:ed:00:00:02     # Dahua MA-L 08:ED:ED
AXIS=00:40:8c:00:00:03      # Axis MA-L 00:40:8C
UNKNOWN=02:00:5e:00:00:04   # locally administered: never an OUI match

write_policies() {         # $1 = action of the hikvision policy
	mkdir -p "$WORK/policies"
	cat > "$WORK/policies/hikvision.conf" <<EOF
name = "hikvision";
action = "${1:-isolate}";
match = { oui = [ "44:19:B6" ]; };
allow = ( { to = "enclave"; },
          { to = "198.51.100.10/32"; proto = "udp"; ports = "123"; note = "site NTP"; },
          { from = "198.51.100.50/32"; proto = "udp"; ports = "8443"; note = "VMS client"; } );
EOF
	cg_policy dahua isolate 08:ED:ED
	cg_policy axis monitor 00:40:8C
	cg_policy unknown isolate
}

stats() { ctl --json stats > "$WORK/stats.json"; }

# ---------------------------------------------------------------------------
cg_topology_create
cg_camera_add hik "$HIK" 1
cg_camera_add dahua "$DAHUA" 2
cg_camera_add axis "$AXIS" 3
cg_camera_add unk "$UNKNOWN" 4
cg_bpffs_mount "$WORK/bpffs"
write_policies isolate
cg_write_config "$WORK" "$WORK/policies"
# Short-lived flows in these tests must not be throttled by the sampler.
start_daemon || { cat "$WORK/daemon.log"; fail "daemon did not start"; exit 1; }

# Warm up ARP/ND so that the counts below are data packets only.
for c in hik dahua axis unk; do cg_exec "$c" ping -c1 -W1 192.0.2.1 >/dev/null 2>&1; done
cg_exec out ping -c1 -W1 198.51.100.1 >/dev/null 2>&1

# --- isolation, out --------------------------------------------------------
N=200
stats; before_egress=$(json_get "$WORK/stats.json" 'policy(d,"hikvision")["drop_reasons"]["egress"]')
check_eq "isolate: camera -> internet reaches nothing" 0 "$(cg_flow out hik 203.0.113.10 9999 $N)"
stats
check_eq "isolate: every packet counted as egress drop" $((before_egress + N)) \
	"$(json_get "$WORK/stats.json" 'policy(d,"hikvision")["drop_reasons"]["egress"]')"

# --- allow rule -------------------------------------------------------------
check_eq "allow udp/123 to the NTP host: all arrive" $N "$(cg_flow out hik 198.51.100.10 123 $N 40123)"
check_eq "udp/124 to the NTP host: none arrive" 0 "$(cg_flow out hik 198.51.100.10 124 $N)"
stats
check_ge "udp/124 counted as port drop" $N \
	"$(json_get "$WORK/stats.json" 'policy(d,"hikvision")["drop_reasons"]["port"]')"

# --- isolation, in ----------------------------------------------------------
check_eq "isolate: outside -> camera reaches nothing" 0 "$(cg_flow hik out 192.0.2.11 80 $N)"
cg_udp_recv hik 192.0.2.11 8443 30 > "$WORK/recv" &
RPID=$!
sleep 0.3
cg_exec out python3 -c "
import socket; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(('198.51.100.50',0))
[s.sendto(b'x',('192.0.2.11',8443)) for _ in range($N)]"
sleep 0.3
cg_udp_end 192.0.2.11 8443
wait $RPID
check_eq "from-rule: VMS client -> camera udp/8443 arrives" $N "$(cat "$WORK/recv")"

# --- monitor passes and counts ---------------------------------------------
stats; before_mon=$(json_get "$WORK/stats.json" 'policy(d,"axis")["pass_reasons"].get("monitor",0)')
check_eq "monitor: camera -> internet passes" $N "$(cg_flow out axis 203.0.113.10 9998 $N)"
stats
check_eq "monitor: counted as monitor" $((before_mon + N)) \
	"$(json_get "$WORK/stats.json" 'policy(d,"axis")["pass_reasons"].get("monitor",0)')"

# --- evidence: every denied flow counted exactly (issue 15) -----------------
ctl --json blocked > "$WORK/blocked.json"
ctl --json stats --devices > "$WORK/sdev.json"
flows() { json_get "$WORK/blocked.json" "sum(f['packets'] for f in d['flows'] if $1)"; }
check_eq "evidence: isolate flow to 203.0.113.10:9999, every packet" $N \
	"$(flows "f['mac']=='$HIK' and f['address']=='203.0.113.10' and f['port']==9999 and not f['would']")"
check_eq "evidence: monitor flow to 203.0.113.10:9998, every packet as would-drop" $N \
	"$(flows "f['mac']=='$AXIS' and f['address']=='203.0.113.10' and f['port']==9998 and f['would']")"
check_eq "evidence: $HIK flow rows + overflow == its drop counter" \
	"$(json_get "$WORK/sdev.json" "[x['drop']['packets'] for x in d['devices'] if x['mac']=='$HIK'][0]")" \
	"$(json_get "$WORK/blocked.json" "sum(f['packets'] for f in d['flows'] if f['mac']=='$HIK' and not f['would']) + sum(o['packets'] for o in d['overflow']['per_device'] if o['mac']=='$HIK')")"

# --- inventory ---------------------------------------------------------------
sleep 0.5
ctl --json cameras > "$WORK/cameras.json"
check_eq "inventory lists the hikvision camera under its policy" hikvision \
	"$(json_get "$WORK/cameras.json" 'dev(d,"'$HIK'")["policy"]')"
check_eq "inventory has the camera's address" 192.0.2.11 \
	"$(json_get "$WORK/cameras.json" 'dev(d,"'$HIK'")["ipv4"][0]')"
check_eq "a locally administered MAC gets the default policy" unknown \
	"$(json_get "$WORK/cameras.json" 'dev(d,"'$UNKNOWN'")["policy"]')"

# --- invalid policy on reload: old one keeps enforcing ----------------------
cp "$WORK/policies/hikvision.conf" "$WORK/hik.good"
printf 'name = "hikvision";\naction = "isolate";\nmatch = { oui = [ "44:19:B6" ]; };\nallow = ( { to = "enclave"; }, { to = "203.0.113.0/33"; } );\n' \
	> "$WORK/policies/hikvision.conf"
ctl reload > "$WORK/reload.out" 2>&1
check_ne "reload of an invalid policy fails" 0 $?
check_grep "the error names file and line" "hikvision.conf:4" "$WORK/reload.out"
check_eq "after a failed reload the old policy still drops" 0 "$(cg_flow out hik 203.0.113.10 9999 50)"
ctl --json status > "$WORK/status.json"
check_eq "status shows the failed reload" False \
	"$(json_get "$WORK/status.json" 'd["reloads"]["last"]["ok"]')"
cp "$WORK/hik.good" "$WORK/policies/hikvision.conf"

# --- reload under a continuous stream: no packet classified half-way -------
# Hikvision flips isolate <-> monitor 100 times while a camera streams. Each
# packet is either counted `monitor` (passed) or `egress` (dropped); the
# outside host must receive exactly the `monitor` ones.
stats
m0=$(json_get "$WORK/stats.json" 'policy(d,"hikvision")["pass_reasons"].get("monitor",0)')
e0=$(json_get "$WORK/stats.json" 'policy(d,"hikvision")["drop_reasons"]["egress"]')
cg_udp_recv out 203.0.113.10 9997 60 > "$WORK/recv" &
RPID=$!
sleep 0.3
cg_udp_send hik 203.0.113.10 9997 4000 0 0.002 &
SPID=$!
for i in $(seq 1 50); do
	write_policies monitor; ctl reload >/dev/null || fail "reload $i (monitor) failed"
	write_policies isolate; ctl reload >/dev/null || fail "reload $i (isolate) failed"
done
wait $SPID
sleep 0.5
cg_udp_end 203.0.113.10 9997
wait $RPID
stats
m1=$(json_get "$WORK/stats.json" 'policy(d,"hikvision")["pass_reasons"].get("monitor",0)')
e1=$(json_get "$WORK/stats.json" 'policy(d,"hikvision")["drop_reasons"]["egress"]')
check_eq "100 reloads: every packet counted once" 4000 $(( (m1 - m0) + (e1 - e0) ))
check_eq "100 reloads: the outside host got exactly the monitor-passed packets" \
	$((m1 - m0)) "$(cat "$WORK/recv" 2>/dev/null || echo missing)"

# --- kill -9: still enforcing; restart: counters continue -------------------
stats; e_before=$(json_get "$WORK/stats.json" 'policy(d,"hikvision")["drop_reasons"]["egress"]')
kill -9 "$DPID"; wait "$DPID" 2>/dev/null; DPID=""
check_eq "daemon killed: camera -> internet still dropped" 0 "$(cg_flow out hik 203.0.113.10 9999 $N)"
start_daemon || fail "restart failed"
stats
check_eq "restart: counters continue (kill -9 window counted)" $((e_before + N)) \
	"$(json_get "$WORK/stats.json" 'policy(d,"hikvision")["drop_reasons"]["egress"]')"
ctl --json cameras > "$WORK/cameras.json"
check_eq "restart: inventory intact" 192.0.2.11 \
	"$(json_get "$WORK/cameras.json" 'dev(d,"'$HIK'")["ipv4"][0]')"

# --- interface deleted and re-created: back within a second -----------------
ip -n "$(cg_ns sw)" link del rec0
ip -n "$(cg_ns sw)" link add rec0 type veth peer name cam0 netns "$(cg_ns rec)"
ip -n "$(cg_ns sw)" link set rec0 master br0 up
ip -n "$(cg_ns rec)" addr add 192.0.2.1/24 dev cam0
ip -n "$(cg_ns rec)" link set cam0 up
has_filter() { cg_exec rec tc filter show dev cam0 ingress | grep cg_tc_ingress >/dev/null; }
t0=$(date +%s%N)
cg_wait_for has_filter
attached_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "# filter back on the re-created cam0 after ${attached_ms} ms"
has_filter
check_eq "re-created interface gets the filter back" 0 $?
check_le "re-attached within 1000 ms" 1000 "$attached_ms"
cg_exec hik ping -c1 -W1 192.0.2.1 >/dev/null 2>&1
check_eq "re-created interface: isolation enforced" 0 "$(cg_flow out hik 203.0.113.10 9999 $N)"

# --- tampering ----------------------------------------------------------------
ctl --json status > "$WORK/status.json"
t_before=$(json_get "$WORK/status.json" 'd["tamper"]["events"]')
cg_exec rec tc filter del dev cam0 ingress
rm -f "$CG_BPFFS/camguard/cg_pol_stats"
# The tick repairs the filter within 250 ms, the tamper check the pin within
# 2 s; give a loaded machine up to 10 s before reading the count.
tampered() {
	ctl --json status > "$WORK/status.json"
	[ "$(json_get "$WORK/status.json" 'd["tamper"]["events"]')" -ge $((t_before + 2)) ] 2>/dev/null
}
cg_wait_for tampered
ctl --json status > "$WORK/status.json"
check_ge "tc filter del and a deleted pin are counted" $((t_before + 2)) \
	"$(json_get "$WORK/status.json" 'd["tamper"]["events"]')"
cg_exec rec tc filter show dev cam0 ingress | grep cg_tc_ingress >/dev/null
check_eq "the deleted filter is back" 0 $?
test -e "$CG_BPFFS/camguard/cg_pol_stats"
check_eq "the deleted pin is back" 0 $?

# --- MAC flood: daemon healthy, policy totals exact -------------------------
FLOOD=100000
stats; u0=$(json_get "$WORK/stats.json" 'policy(d,"unknown")["drop_reasons"]["egress"]')
cat > "$WORK/flood.trafgen" <<'EOF'
{
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
  0x02, drnd(5),
  0x08, 0x00,
  0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, csumip(14, 33),
  192, 0, 2, 99,   203, 0, 113, 10,
  0x30, 0x39, 0x27, 0x0f, 0x00, 0x08, 0x00, 0x00,
}
EOF
cg_exec unk trafgen --dev eth0 --conf "$WORK/flood.trafgen" -n $FLOOD -P 1 -q >"$WORK/trafgen.log" 2>&1 \
	|| { cat "$WORK/trafgen.log"; fail "trafgen failed"; }
sleep 1
stats
check_eq "MAC flood: every frame counted on the default policy" $((u0 + FLOOD)) \
	"$(json_get "$WORK/stats.json" 'policy(d,"unknown")["drop_reasons"]["egress"]')"
ctl status >/dev/null
check_eq "MAC flood: daemon still answers" 0 $?
kill -0 "$DPID"
check_eq "MAC flood: daemon still running" 0 $?

finish
