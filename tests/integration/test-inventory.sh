#!/usr/bin/env bash
# Integration (issue 8): the inventory learns model and firmware from what
# simulated cameras announce — Hikvision SADP, Dahua DHIP, ONVIF
# WS-Discovery Hello, a DHCP request, SSDP NOTIFY — with the real camguardd
# and the real data plane copying the frames; a camera with an Axis MAC
# announcing a Hikvision model is flagged; everything survives a kill -9 and
# a restart.
#
# Usage: test-inventory.sh BUILD_DIR
set -uo pipefail

BUILD="${1:?usage: test-inventory.sh BUILD_DIR}"
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lib/integration.sh
. "$HERE/../lib/integration.sh"
# shellcheck source=../lib/announce.sh
. "$HERE/../lib/announce.sh"


cg_integration_begin inv "network namespaces, BPF"

HIK=44:19:b6:00:00:01       # Hikvision MA-L 44:19:B6: SADP + WS-Discovery
DAHUA=08:ed:ed:00:00:02     # Dahua MA-L 08:ED:ED: DHIP + DHCP + SSDP
FAKE=00:40:8c:00:00:03      # Axis MA-L 00:40:8C announcing a Hikvision model (SADP)
AXIS=00:40:8c:00:00:05      # Axis, announcing Axis (WS-Discovery)

write_policies() {
	cg_policy hikvision isolate 44:19:B6
	cg_policy dahua isolate 08:ED:ED
	cg_policy axis monitor 00:40:8C
	cg_policy unknown isolate
}

cameras() { ctl --json cameras > "$WORK/cameras.json"; }
field() { json_get "$WORK/cameras.json" 'dev(d,"'"$1"'")["'"$2"'"]'; }

# has_model MAC MODEL: the inventory shows MODEL for MAC (for cg_wait_for).
has_model() {
	ctl --json cameras > "$WORK/poll.json" &&
		[ "$(json_get "$WORK/poll.json" 'dev(d,"'"$1"'")["model"]')" = "$2" ]
}

# The announcements, as the cameras send them: tests/lib/announce.sh.

# ---------------------------------------------------------------------------
cg_topology_create
cg_camera_add hik "$HIK" 1
cg_camera_add dahua "$DAHUA" 2
cg_camera_add fake "$FAKE" 3
cg_camera_add axis "$AXIS" 4
cg_bpffs_mount "$WORK/bpffs"
write_policies
cg_write_config "$WORK" "$WORK/policies"
start_daemon || { cat "$WORK/daemon.log"; fail "daemon did not start"; exit 1; }

send_sadp hik "$HIK" DS-2CD2143G0-I "V5.5.82build 190909" DS-2CD2143G0-I20190101AAWRC12345678
send_hello hik "onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/hardware/DS-2CD2143G0-I onvif://www.onvif.org/name/HIKVISION" \
	http://192.0.2.11/onvif/device_service
send_dhip dahua "$DAHUA" IPC-HFW2431S-S-S2 2.800.0000000.25.R 5J0A1B2PAZ12345
send_dhcp dahua "$DAHUA" dahua-gate Dahua
send_ssdp dahua "Linux/3.0, UPnP/1.0, DH-IPC-HFW2431S-S-S2/2.800" http://192.0.2.12:49152/rootDesc.xml
send_sadp fake "$FAKE" DS-2CD2T47G2-L V5.7.3 DS-2CD2T47G2-L20210101AAWRJ00000007
send_hello axis "onvif://www.onvif.org/mfr/AXIS onvif://www.onvif.org/hardware/P3245-LVE onvif://www.onvif.org/name/AXIS%20P3245-LVE onvif://www.onvif.org/firmware/10.12.114" \
	http://192.0.2.14/onvif/device_service

cg_wait_for has_model "$HIK" DS-2CD2143G0-I
cg_wait_for has_model "$DAHUA" IPC-HFW2431S-S-S2
cg_wait_for has_model "$FAKE" DS-2CD2T47G2-L
cg_wait_for has_model "$AXIS" P3245-LVE
# The DHCP name arrives separately from the DHIP model.
for _ in $(seq 1 50); do
	cameras
	[ "$(field "$DAHUA" name)" = gate-cam ] || [ "$(field "$DAHUA" name)" = dahua-gate ] && break
	sleep 0.1
done

# --- cameras --json ---------------------------------------------------------------
cameras
check_eq "SADP: model" DS-2CD2143G0-I "$(field "$HIK" model)"
check_eq "SADP: firmware" "V5.5.82build 190909" "$(field "$HIK" firmware)"
check_eq "SADP: serial" DS-2CD2143G0-I20190101AAWRC12345678 "$(field "$HIK" serial)"
check_eq "SADP: manufacturer" Hikvision "$(field "$HIK" manufacturer)"
check_eq "WS-Discovery: name" HIKVISION "$(field "$HIK" name)"
check_eq "WS-Discovery: XAddrs" http://192.0.2.11/onvif/device_service "$(field "$HIK" url)"
check_eq "hik: sources" "['onvif', 'sadp']" "$(json_get "$WORK/cameras.json" 'sorted(dev(d,"'$HIK'")["sources"])')"
check_eq "hik: model from sadp" sadp "$(json_get "$WORK/cameras.json" 'dev(d,"'$HIK'")["facts"]["model"]["source"]')"
check_eq "hik: no mismatch" False "$(field "$HIK" mismatch)"

check_eq "DHIP: model" IPC-HFW2431S-S-S2 "$(field "$DAHUA" model)"
check_eq "DHIP: firmware" 2.800.0000000.25.R "$(field "$DAHUA" firmware)"
check_eq "DHIP: serial" 5J0A1B2PAZ12345 "$(field "$DAHUA" serial)"
check_eq "DHIP: manufacturer (Vendor General is Dahua)" Dahua "$(field "$DAHUA" manufacturer)"
check_eq "DHIP: name (MachineName outranks the DHCP hostname)" gate-cam "$(field "$DAHUA" name)"
check_eq "dahua: sources" "['dhcp', 'dhip', 'ssdp']" "$(json_get "$WORK/cameras.json" 'sorted(dev(d,"'$DAHUA'")["sources"])')"
check_eq "SSDP: LOCATION" http://192.0.2.12:49152/rootDesc.xml "$(field "$DAHUA" url)"
check_eq "dahua: no mismatch" False "$(field "$DAHUA" mismatch)"

check_eq "Axis MAC, Hikvision model: model" DS-2CD2T47G2-L "$(field "$FAKE" model)"
check_eq "Axis MAC, Hikvision model: flagged" True "$(field "$FAKE" mismatch)"
check_eq "WS-Discovery: model" P3245-LVE "$(field "$AXIS" model)"
check_eq "WS-Discovery: firmware" 10.12.114 "$(field "$AXIS" firmware)"
check_eq "WS-Discovery: manufacturer" AXIS "$(field "$AXIS" manufacturer)"
check_eq "Axis MAC announcing Axis: not flagged" False "$(field "$AXIS" mismatch)"
check_eq "cameras: mismatched count" 1 "$(json_get "$WORK/cameras.json" 'd["mismatched"]')"

# A DHCP hostname alone (no vendor protocol) is recorded with its source.
send_dhcp axis "$AXIS" lobby-axis AXIS
for _ in $(seq 1 50); do
	cameras
	[ "$(json_get "$WORK/cameras.json" '"dhcp" in dev(d,"'$AXIS'")["sources"]')" = True ] && break
	sleep 0.1
done
check_eq "DHCP: recorded for the Axis camera" True \
	"$(json_get "$WORK/cameras.json" '"dhcp" in dev(d,"'$AXIS'")["sources"]')"
check_eq "DHCP: name (ONVIF name outranks the hostname)" "AXIS P3245-LVE" "$(field "$AXIS" name)"

# --- the table, the summary, status, Prometheus -------------------------------------
# 80 columns (stdout is a file) leave FIRMWARE out: --wide has every column
ctl cameras --wide > "$WORK/cameras.txt"
check_grep "table: MODEL and FIRMWARE columns" "MODEL *FIRMWARE" "$WORK/cameras.txt"
check_grep "table: model and firmware of the Hikvision camera" "DS-2CD2143G0-I *V5.5.82build 190909" "$WORK/cameras.txt"
check_grep "table: mismatch marked" "^$FAKE .* ![A-Za-z]" "$WORK/cameras.txt"
ctl cameras > "$WORK/cameras-80.txt"
check_grep "table at 80 columns: mismatch marked with the short vendor" "^$FAKE  *Axis ![A-Za-z]" "$WORK/cameras-80.txt"

ctl --json cameras --summary > "$WORK/summary.json"
check_eq "summary: devices" 4 "$(json_get "$WORK/summary.json" 'd["devices"]')"
check_eq "summary: one entry per vendor and model" 4 "$(json_get "$WORK/summary.json" 'len(d["summary"])')"
check_eq "summary: one DS-2CD2143G0-I" 1 \
	"$(json_get "$WORK/summary.json" 'sum(e["count"] for e in d["summary"] if e["model"] == "DS-2CD2143G0-I")')"
ctl cameras --summary > "$WORK/summary.txt"
check_grep "summary table" "IPC-HFW2431S-S-S2 *1$" "$WORK/summary.txt"

ctl --json status > "$WORK/status.json"
check_eq "status: mismatched" 1 "$(json_get "$WORK/status.json" 'd["inventory"]["mismatched"]')"
check_ge "status: announcements read" 8 "$(json_get "$WORK/status.json" 'd["inventory"]["announcements"]["parsed"]')"
check_ge "status: frames copied by the data plane" 8 "$(json_get "$WORK/status.json" 'd["inventory"]["announcements"]["copies"]')"
check_eq "status: none malformed" 0 "$(json_get "$WORK/status.json" 'd["inventory"]["announcements"]["malformed"]')"

ctl stats --prometheus > "$WORK/prom.txt"
check_grep "prometheus: camguard_device_info" \
	"^camguard_device_info{mac=\"$HIK\",vendor=\"[^\"]*\",policy=\"hikvision\",model=\"DS-2CD2143G0-I\",firmware=\"V5.5.82build 190909\",mismatch=\"false\"} 1$" \
	"$WORK/prom.txt"
check_grep "prometheus: the Axis MAC announcing a Hikvision model is a mismatch" \
	"^camguard_device_info{mac=\"$FAKE\",.*,mismatch=\"true\"} 1$" "$WORK/prom.txt"
check_eq "prometheus: one info series per device" 4 "$(grep -c '^camguard_device_info{' "$WORK/prom.txt")"

# --- hostile input does not hurt: garbage on every discovery port --------------------
cg_exec dahua python3 - <<'PY'
import os, socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for port in (37020, 37810, 5050, 3702, 1900):
    s.sendto(b'\x20\x00\x00\x00DHIP' + os.urandom(900), ('239.255.255.250', port))
    s.sendto(b'<ProbeMatch><DeviceDescription>' + b'A' * 1200, ('239.255.255.250', port))
PY
sleep 0.5
check_eq "garbage: daemon still answers" 0 "$(ctl status >/dev/null 2>&1; echo $?)"
cameras
check_eq "garbage: model unchanged" IPC-HFW2431S-S-S2 "$(field "$DAHUA" model)"

# --- restart: the announced facts are in the state file and come back -----------------
check_eq "state file has the model" True "$(cg_wait_for grep -q DS-2CD2T47G2-L "$WORK/state/inventory.json" && echo True)"
sleep 2.5     # the periodic save also covers the last announcement
kill -9 "$DPID"; wait "$DPID" 2>/dev/null; DPID=""
start_daemon || { cat "$WORK/daemon.log"; fail "restart failed"; exit 1; }
cameras
check_eq "restart: model" DS-2CD2143G0-I "$(field "$HIK" model)"
check_eq "restart: firmware" 2.800.0000000.25.R "$(field "$DAHUA" firmware)"
check_eq "restart: source and time kept" sadp "$(json_get "$WORK/cameras.json" 'dev(d,"'$HIK'")["facts"]["firmware"]["source"]')"
check_ne "restart: time kept" "" "$(json_get "$WORK/cameras.json" 'dev(d,"'$HIK'")["facts"]["firmware"]["time"]')"
check_eq "restart: still flagged" True "$(field "$FAKE" mismatch)"
check_eq "restart: DHCP source kept" True "$(json_get "$WORK/cameras.json" '"dhcp" in dev(d,"'$AXIS'")["sources"]')"

# Graceful stop and start again.
kill "$DPID"; wait "$DPID" 2>/dev/null; DPID=""
start_daemon || { cat "$WORK/daemon.log"; fail "second restart failed"; exit 1; }
cameras
check_eq "SIGTERM + start: model" P3245-LVE "$(field "$AXIS" model)"

grep -q "announces manufacturer \"Hikvision\" but its MAC belongs to" "$WORK/daemon.log" &&
	pass "log: the mismatch is logged" || fail "log: the mismatch is logged"

finish
