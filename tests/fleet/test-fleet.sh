#!/usr/bin/env bash
# Fleet (issue 17): a site of three recorder hosts seen through one
# Prometheus, with the real components — camguardd writing its textfile,
# Debian's prometheus-node-exporter reading it, Debian's prometheus scraping
# the three (target label site="town", instance = the host's name) and
# evaluating the shipped alert rules.
#
#   host N (namespaces cgfPID<N>-rec/-sw/-out, tests/lib/topology.sh): the
#   recorder with camguardd (nftables on) and node_exporter listening on its
#   management address 2001:db8:100:N::1 port 9100; cameras on the switch.
#   monitor (cgfPIDm): Prometheus on 127.0.0.1:9090 (its own loopback), one
#   veth to each recorder's mgmt0 (2001:db8:100:N::2).
#
# Asserted through Prometheus's HTTP API (python in the monitor namespace):
#   - cameras per vendor across the fleet equal the sum of the three
#     `camguardctl cameras --json`; the documented fleet table
#     (`promtool query instant`) has one line per camera;
#   - an unknown device plugged into host 2 fires CamguardUnknownDevice;
#   - a new Hikvision-prefix camera on host 1 fires CamguardHighRiskDeviceAppeared
#     naming host, MAC, vendor and model (not for the Axis cameras);
#   - a different policy set on host 3 fires CamguardPolicyDrift (not before);
#   - killing host 1's camguardd fires CamguardTextfileStale (not before)
#     while its cameras stay isolated: counted at host 1's outside host,
#     with the recorder's own packets arriving there as the control.
#
# The rules are the shipped file with shorter waits (a copy: every "for:" is
# 0s and the staleness threshold 10 s instead of 180 s, for 2 s textfile and
# scrape intervals); the expressions are the shipped ones.
#
# Usage: test-fleet.sh BUILD_DIR SOURCE_DIR
set -uo pipefail

BUILD="${1:?usage: test-fleet.sh BUILD_DIR SOURCE_DIR}"
SRC="${2:?usage: test-fleet.sh BUILD_DIR SOURCE_DIR}"
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lib/topology.sh
. "$HERE/../lib/topology.sh"
# shellcheck source=../lib/check.sh
. "$HERE/../lib/check.sh"
# shellcheck source=../lib/announce.sh
. "$HERE/../lib/announce.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root (network namespaces, BPF)"
	exit 77
fi
for p in prometheus prometheus-node-exporter promtool; do
	if ! command -v "$p" >/dev/null 2>&1; then
		echo "SKIP: $p not installed (Debian packages prometheus, prometheus-node-exporter; tools/deps installs them)"
		exit 77
	fi
done

CAMGUARDD="$BUILD/daemon/camguardd"
CTL="$BUILD/daemon/camguardctl"
WORK=$(mktemp -d /tmp/cg-fleet.XXXXXX)
BASE="cgf$$-h"
MON="${BASE}m"
declare -A DPID=() NEPID=()
PROMPID=""
MOUNTS=()

cleanup() {
	[ -n "$PROMPID" ] && kill "$PROMPID" 2>/dev/null && wait "$PROMPID" 2>/dev/null
	for h in "${!NEPID[@]}"; do kill "${NEPID[$h]}" 2>/dev/null; wait "${NEPID[$h]}" 2>/dev/null; done
	for h in "${!DPID[@]}"; do kill -9 "${DPID[$h]}" 2>/dev/null; wait "${DPID[$h]}" 2>/dev/null; done
	for h in 1 2 3; do
		CG_NS="$BASE$h" CG_BPFFS="" cg_topology_destroy
	done
	ip netns del "$MON" 2>/dev/null
	for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null; done
	if [ "${KEEP_WORK:-0}" = 1 ]; then echo "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

on() { local h="$1"; shift; CG_NS="$BASE$h" "$@"; }     # run a topology helper on host h
ctl() { local h="$1"; shift; ip netns exec "$BASE$h-rec" "$CTL" -s "$WORK/h$h/camguard.sock" "$@"; }

# --- policies: the shipped set; host 3 gets a changed copy later ------------
mkdir -p "$WORK/policies-site" "$WORK/policies-h3"
cp "$SRC"/policies/*.conf "$WORK/policies-site/"
rm -f "$WORK/policies-site/camguard.conf" "$WORK/policies-site/advisories.conf" \
	"$WORK/policies-site/cloud-domains.conf"
cp "$WORK/policies-site/"*.conf "$WORK/policies-h3/"

# --- three recorder hosts ------------------------------------------------------
ip netns add "$MON"
ip -n "$MON" link set lo up
for h in 1 2 3; do
	mkdir -p "$WORK/h$h/textfile"
	pol="$WORK/policies-site"
	[ "$h" = 3 ] && pol="$WORK/policies-h3"
	CG_NS="$BASE$h"
	CG_BPFFS=""
	cg_topology_create
	cg_bpffs_mount "$WORK/h$h/bpffs"
	MOUNTS+=("$WORK/h$h/bpffs")
	CG_NFTABLES=true cg_write_config "$WORK/h$h" "$pol" \
		"metrics = { textfile = \"$WORK/h$h/textfile/camguard.prom\"; interval = \"2s\"; };"
	# the management link to the monitor namespace
	ip -n "$MON" link add "m$h" type veth peer name mgmt0 netns "$BASE$h-rec"
	ip -n "$MON" addr add "2001:db8:100:$h::2/64" dev "m$h" nodad
	ip -n "$MON" link set "m$h" up
	ip -n "$BASE$h-rec" addr add "2001:db8:100:$h::1/64" dev mgmt0 nodad
	ip -n "$BASE$h-rec" link set mgmt0 up
	ip netns exec "$BASE$h-rec" "$CAMGUARDD" -c "$WORK/h$h/camguard.conf" >>"$WORK/h$h/daemon.log" 2>&1 &
	DPID[$h]=$!
	ip netns exec "$BASE$h-rec" prometheus-node-exporter \
		--web.listen-address="[2001:db8:100:$h::1]:9100" \
		--collector.disable-defaults --collector.textfile \
		--collector.textfile.directory="$WORK/h$h/textfile" >"$WORK/h$h/node_exporter.log" 2>&1 &
	NEPID[$h]=$!
done
CG_NS=""
# the three daemons start in parallel; wait for each
for h in 1 2 3; do
	up=0
	for _ in 1 2 3; do   # up to 30 s: three daemons load at once
		cg_wait_for test -S "$WORK/h$h/camguard.sock" && cg_wait_for ctl "$h" status && { up=1; break; }
	done
	if [ "$up" != 1 ]; then
		cat "$WORK/h$h/daemon.log"
		echo "FATAL: camguardd on host $h did not start"
		exit 1
	fi
done

# cameras: NAME MAC N (N: address 192.0.2.(10+N) on the host's camera subnet)
plug() {   # HOST NAME MAC N
	on "$1" cg_camera_add "$2" "$3" "$4"
	# a few packets into the enclave and one attempt to reach the outside,
	# as a camera does at boot (the latter is dropped: egress)
	ip netns exec "$BASE$1-$2" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for dst in (("192.0.2.1", 9), ("203.0.113.10", 8800)) * 3:
    s.sendto(b"boot", dst)'
}
plug 1 hik1 44:19:b6:00:01:01 1
plug 1 hik2 c0:56:e3:00:01:02 2
plug 1 axis1 00:40:8c:00:01:03 3
plug 2 dahua1 08:ed:ed:00:02:01 1
plug 2 axis2 00:40:8c:00:02:02 2
plug 3 hik3 44:19:b6:00:03:01 1
plug 3 dahua2 08:ed:ed:00:03:02 2
CG_NS="${BASE}1" send_sadp hik1 44:19:b6:00:01:01 DS-2CD2143G0-I "V5.5.82build 190909" DS-2CD2143G0-I0120190909AAWRD00000001
CG_NS="${BASE}2" send_dhip dahua1 08:ed:ed:00:02:01 IPC-HDW2431T "2.800.0000000.16.R" 5J0A1234567890

echo "# ${SECONDS}s: hosts and cameras up"
# --- Prometheus ------------------------------------------------------------------
sed -e 's/^\( *for: \).*/\10s/' -e 's/> 180$/> 10/' "$SRC/monitoring/camguard-alerts.yml" \
	> "$WORK/alerts.yml"
cat > "$WORK/prometheus.yml" <<EOF
global:
  scrape_interval: 2s
  evaluation_interval: 2s
rule_files: [ "$WORK/alerts.yml" ]
scrape_configs:
  - job_name: camguard
    static_configs:
      - targets: [ "[2001:db8:100:1::1]:9100" ]
        labels: { site: town, instance: rec1 }
      - targets: [ "[2001:db8:100:2::1]:9100" ]
        labels: { site: town, instance: rec2 }
      - targets: [ "[2001:db8:100:3::1]:9100" ]
        labels: { site: town, instance: rec3 }
EOF
promtool check config "$WORK/prometheus.yml" >"$WORK/promtool-config.log" 2>&1 \
	|| { cat "$WORK/promtool-config.log"; echo "FATAL: prometheus.yml"; exit 1; }
ip netns exec "$MON" prometheus --config.file="$WORK/prometheus.yml" \
	--storage.tsdb.path="$WORK/prom-data" --web.listen-address=127.0.0.1:9090 \
	>"$WORK/prometheus.log" 2>&1 &
PROMPID=$!
PROM=http://127.0.0.1:9090

# q EXPR [PYEXPR]: the instant query's result list r, printed through PYEXPR
q() {
	ip netns exec "$MON" python3 - "$PROM" "$1" "${2:-len(r)}" <<'PY'
import json, sys, urllib.parse, urllib.request
url = sys.argv[1] + "/api/v1/query?" + urllib.parse.urlencode({"query": sys.argv[2]})
try:
    r = json.load(urllib.request.urlopen(url, timeout=5))["data"]["result"]
except Exception as e:
    print("error: %s" % e)
    sys.exit(1)
print(eval(sys.argv[3]))
PY
}
firing() {   # ALERTNAME [LABEL=VALUE...]: how many alerts of that name fire
	local sel="alertname=\"$1\",alertstate=\"firing\""
	shift
	for kv in "$@"; do sel="$sel,${kv%%=*}=\"${kv#*=}\""; done
	q "ALERTS{$sel}"
}
wait_q() {   # SECONDS EXPECTED EXPR [PYEXPR]: poll until the query prints EXPECTED
	local secs="$1" want="$2" got i
	shift 2
	for i in $(seq 1 "$secs"); do
		got=$(q "$@")
		[ "$got" = "$want" ] && { echo "$got"; return 0; }
		sleep 1
	done
	echo "$got"
	return 1
}
wait_firing() {   # SECONDS ALERTNAME [LABEL=VALUE...]
	local secs="$1" i
	shift
	for i in $(seq 1 "$secs"); do
		[ "$(firing "$@")" -ge 1 ] 2>/dev/null && return 0
		sleep 1
	done
	return 1
}

echo "# ${SECONDS}s: Prometheus started"
# --- the three hosts are up in Prometheus --------------------------------------
got=$(wait_q 60 3 'up{job="camguard"} == 1')
check_eq "Prometheus scrapes the three node_exporters" 3 "$got"
got=$(wait_q 30 3 'count by (instance) (camguard_build_info)' 'len(r)')
check_eq "camguard metrics of three hosts" 3 "$got"

# --- cameras per vendor: Prometheus == the sum of the three inventories ------------
expected_vendors() {
	for h in 1 2 3; do ctl "$h" --json cameras; echo; done | python3 -c '
import json, sys, collections
c = collections.Counter()
for line in sys.stdin:
    if line.strip():
        for cam in json.loads(line)["cameras"]:
            c[cam["vendor"]] += 1
print(json.dumps(sorted(c.items())))'
}
want=$(expected_vendors)
got=$(wait_q 30 "$want" 'count by (vendor) (camguard_device_info)' \
	'json.dumps(sorted((x["metric"].get("vendor", ""), int(x["value"][1])) for x in r))')
check_eq "cameras per vendor across the fleet equal the three camguardctl cameras" "$want" "$got"
check_eq "seven cameras in the fleet" 7 "$(q 'camguard_device_info')"

# The documented fleet table (README "Fleet view"): one line per camera.
FLEET_QUERY='sort(max by (site, instance, mac, vendor, model, firmware, policy, risk) (camguard_device_info * on (instance, mac) group_left () camguard_device_last_seen_seconds))'
ip netns exec "$MON" promtool query instant "$PROM" "$FLEET_QUERY" > "$WORK/fleet-table.txt" 2>&1
echo "# fleet table:"
sed 's/^/#   /' "$WORK/fleet-table.txt"
check_eq "fleet table: one line per camera" 7 "$(grep -c '^{' "$WORK/fleet-table.txt")"
check_grep "fleet table: host, MAC, vendor and announced model in one line" \
	'instance="rec1", mac="44:19:b6:00:01:01", model="DS-2CD2143G0-I"' "$WORK/fleet-table.txt"
# each host with its own host name (a UTS namespace), headers after the first dropped
for h in 1 2 3; do
	ip netns exec "$BASE$h-rec" unshare --uts sh -c 'hostname "$0" && exec "$@"' "rec$h" \
		"$CTL" -s "$WORK/h$h/camguard.sock" cameras --csv
done | awk 'NR == 1 || !/^host,/' > "$WORK/fleet.csv"
check_eq "cameras --csv of the three hosts: a header and seven cameras" 8 "$(wc -l < "$WORK/fleet.csv")"
check_eq "cameras --csv: the host column names each host" "rec1 rec2 rec3" \
	"$(tail -n +2 "$WORK/fleet.csv" | cut -d, -f1 | sort -u | tr '\n' ' ' | sed 's/ $//')"
check_eq "cameras --csv: RFC 4180 (CRLF line ends, the vendor with a comma quoted; drops, would_drops last)" 1 \
	"$(grep -c $'^rec1,44:19:b6:00:01:01,"Hangzhou Hikvision Digital Technology Co.,Ltd.",DS-2CD2143G0-I,.*,3,[0-9][0-9]*\r$' "$WORK/fleet.csv")"

echo "# ${SECONDS}s: fleet counted"
# --- quiet before anything happens ---------------------------------------------------
check_eq "no unknown-device alert before one is plugged in" 0 "$(firing CamguardUnknownDevice)"
check_eq "no drift alert while the three hosts run the same policy set" 0 "$(firing CamguardPolicyDrift)"
check_eq "no staleness alert while the daemons write" 0 "$(firing CamguardTextfileStale)"
check_eq "no enforcement alert" 0 "$(( $(firing CamguardInterfaceNotAttached) + $(firing CamguardNftablesLayerDown) ))"
check_eq "one policy set hash across the site" 1 "$(q 'count by (sha256) (camguard_config_info)')"
check_eq "no procurement alert for the new hikvision camera before it exists" 0 \
	"$(firing CamguardHighRiskDeviceAppeared mac=44:19:b6:00:01:09)"

# --- an unknown device on host 2 ------------------------------------------------------
plug 2 laptop 02:5a:00:00:02:09 9
if wait_firing 40 CamguardUnknownDevice instance=rec2 mac=02:5a:00:00:02:09; then
	pass "an unknown device plugged into host 2 fires CamguardUnknownDevice"
else
	fail "an unknown device plugged into host 2 fires CamguardUnknownDevice"
fi
check_eq "... and only for it" 1 "$(firing CamguardUnknownDevice)"

echo "# ${SECONDS}s: unknown device"
# --- a new Hikvision-prefix camera on host 1 ------------------------------------------
plug 1 hiknew 44:19:b6:00:01:09 9
CG_NS="${BASE}1" send_sadp hiknew 44:19:b6:00:01:09 DS-2CD2387G2-LU "V5.7.3build 220112" DS-2CD2387G2-LU20220112AAWRJ00000009
if wait_firing 40 CamguardHighRiskDeviceAppeared instance=rec1 mac=44:19:b6:00:01:09 model=DS-2CD2387G2-LU; then
	pass "a new Hikvision-prefix camera on host 1 fires the procurement alert"
else
	fail "a new Hikvision-prefix camera on host 1 fires the procurement alert"
fi
desc=$(q 'ALERTS{alertname="CamguardHighRiskDeviceAppeared",mac="44:19:b6:00:01:09",model="DS-2CD2387G2-LU"}' \
	'",".join(sorted(x["metric"]["instance"] + "|" + x["metric"]["vendor"] + "|" + x["metric"]["risk"] for x in r))')
check_grep "procurement alert names host, vendor and risk" "rec1|.*Hikvision.*|high" <(echo "$desc")
check_eq "no procurement alert for Axis cameras (no risk label)" 0 \
	"$(q 'ALERTS{alertname="CamguardHighRiskDeviceAppeared",policy="axis"}')"

echo "# ${SECONDS}s: procurement"
# --- a different policy set on host 3 ----------------------------------------------------
sed -i 's/^action = "isolate";/action = "monitor";/' "$WORK/policies-h3/axis.conf"
grep -q '^action = "monitor";' "$WORK/policies-h3/axis.conf" \
	|| echo 'labels = { owner = "host3"; };' >> "$WORK/policies-h3/axis.conf"
ctl 3 reload > "$WORK/reload-h3.txt" 2>&1
check_eq "host 3 reloads its changed policy set" 0 $?
if wait_firing 40 CamguardPolicyDrift site=town; then
	pass "a different policy set on host 3 fires CamguardPolicyDrift"
else
	fail "a different policy set on host 3 fires CamguardPolicyDrift"
fi
check_eq "... with two sets in site town" 2 "$(q 'count by (site) (count by (site, sha256) (camguard_config_info))' 'r[0]["value"][1] if r else 0')"

echo "# ${SECONDS}s: drift"
# --- host 1's daemon killed: stale, yet still enforcing -----------------------------------
kill -9 "${DPID[1]}"
wait "${DPID[1]}" 2>/dev/null
unset 'DPID[1]'
if wait_firing 60 CamguardTextfileStale instance=rec1; then
	pass "killing host 1's daemon fires CamguardTextfileStale"
else
	fail "killing host 1's daemon fires CamguardTextfileStale"
fi
check_eq "... only for host 1" 1 "$(firing CamguardTextfileStale)"
# Enforcement stays: at host 1's outside host, nothing from its cameras
# arrives; the recorder's own packets do (the path works). One receiver
# counts both by source address.
CG_NS="${BASE}1"
cg_exec out python3 -c '
import collections, socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("203.0.113.10", 5000))
s.settimeout(20)
n = collections.Counter()
try:
    while True:
        data, (src, _) = s.recvfrom(2048)
        if data == b"END":
            break
        n[src] += 1
except socket.timeout:
    pass
print(n["192.0.2.11"], n["198.51.100.1"])
' > "$WORK/outside.txt" &
rpid=$!
cg_wait_for sh -c "ip netns exec ${BASE}1-out ss -Hlun 'sport = :5000' | grep -q 5000"
cg_udp_send hik1 203.0.113.10 5000 20
cg_udp_send rec 203.0.113.10 5000 20
sleep 0.3
cg_udp_end 203.0.113.10 5000
wait "$rpid"
CG_NS=""
read -r n_cam n_rec < "$WORK/outside.txt"
check_eq "host 1 still isolates its cameras with camguardd dead (packets at the outside host)" 0 "$n_cam"
check_eq "control: the recorder's own packets reach the outside host" 20 "$n_rec"

echo "# fleet query (cameras per vendor): $(q 'count by (vendor) (camguard_device_info)' \
	'", ".join("%s=%s" % (x["metric"].get("vendor", ""), x["value"][1]) for x in sorted(r, key=lambda x: x["metric"].get("vendor", "")))')"
echo "# alerts firing: $(q 'ALERTS{alertstate="firing"}' \
	'", ".join(sorted(set("%s(%s)" % (x["metric"]["alertname"], x["metric"].get("instance", x["metric"].get("site", ""))) for x in r)))')"
# CG_FLEET_OUT=DIR keeps the fleet table and the concatenated CSV.
[ -n "${CG_FLEET_OUT:-}" ] && cp "$WORK/fleet-table.txt" "$WORK/fleet.csv" "$CG_FLEET_OUT/"
finish
