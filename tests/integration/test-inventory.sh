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
# shellcheck source=../lib/topology.sh
. "$HERE/../lib/topology.sh"
# shellcheck source=../lib/check.sh
. "$HERE/../lib/check.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root (network namespaces, BPF)"
	exit 77
fi

WORK=$(mktemp -d /tmp/cg-inv.XXXXXX)
CAMGUARDD="$BUILD/daemon/camguardd"
CTL="$BUILD/daemon/camguardctl"
SOCK="$WORK/camguard.sock"
DPID=""

cleanup() {
	[ -n "$DPID" ] && kill -9 "$DPID" 2>/dev/null
	cg_topology_destroy
	if [ "${KEEP_WORK:-0}" = 1 ]; then echo "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

HIK=44:19:b6:00:00:01       # Hikvision MA-L 44:19:B6: SADP + WS-Discovery
DAHUA=08:ed:ed:00:00:02     # Dahua MA-L 08:ED:ED: DHIP + DHCP + SSDP
FAKE=00:40:8c:00:00:03      # Axis MA-L 00:40:8C announcing a Hikvision model (SADP)
AXIS=00:40:8c:00:00:05      # Axis, announcing Axis (WS-Discovery)

write_policies() {
	mkdir -p "$WORK/policies"
	cat > "$WORK/policies/hikvision.conf" <<'EOF'
name = "hikvision";
action = "isolate";
match = { oui = [ "44:19:B6" ]; };
allow = ( { to = "enclave"; } );
EOF
	cat > "$WORK/policies/dahua.conf" <<'EOF'
name = "dahua";
action = "isolate";
match = { oui = [ "08:ED:ED" ]; };
allow = ( { to = "enclave"; } );
EOF
	cat > "$WORK/policies/axis.conf" <<'EOF'
name = "axis";
action = "monitor";
match = { oui = [ "00:40:8C" ]; };
allow = ( { to = "enclave"; } );
EOF
	cat > "$WORK/policies/unknown.conf" <<'EOF'
name = "unknown";
action = "isolate";
allow = ( { to = "enclave"; } );
EOF
}

start_daemon() {
	# Not through cg_exec: $! must be the daemon itself for kill -9 below.
	ip netns exec "$(cg_ns rec)" "$CAMGUARDD" -c "$WORK/camguard.conf" >>"$WORK/daemon.log" 2>&1 &
	DPID=$!
	cg_wait_for test -S "$SOCK" && cg_wait_for "$CTL" -s "$SOCK" status
}

ctl() { cg_exec rec "$CTL" -s "$SOCK" "$@"; }
cameras() { ctl --json cameras > "$WORK/cameras.json"; }
field() { json_get "$WORK/cameras.json" 'dev(d,"'"$1"'")["'"$2"'"]'; }

# has_model MAC MODEL: the inventory shows MODEL for MAC (for cg_wait_for).
has_model() {
	ctl --json cameras > "$WORK/poll.json" &&
		[ "$(json_get "$WORK/poll.json" 'dev(d,"'"$1"'")["model"]')" = "$2" ]
}

# --- the announcements, as the cameras send them ------------------------------

send_sadp() {   # NS MAC MODEL FIRMWARE SERIAL
	cg_exec "$1" python3 - "$2" "$3" "$4" "$5" <<'PY'
import socket, sys
mac, model, fw, sn = sys.argv[1:5]
x = ('<?xml version="1.0" encoding="utf-8"?><ProbeMatch><Uuid>8C3F1A2B-0000-4000-8000-000000000001</Uuid>'
     '<Types>inquiry</Types><DeviceType>139913</DeviceType><DeviceDescription>%s</DeviceDescription>'
     '<DeviceSN>%s</DeviceSN><CommandPort>8000</CommandPort><HttpPort>80</HttpPort><MAC>%s</MAC>'
     '<IPv4Address>192.0.2.11</IPv4Address><SoftwareVersion>%s</SoftwareVersion>'
     '<DSPVersion>V7.3 build 190909</DSPVersion><Activated>true</Activated></ProbeMatch>'
     % (model, sn, mac.replace(':', '-'), fw))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(x.encode(), ('239.255.255.250', 37020))
PY
}

send_dhip() {   # NS MAC MODEL FIRMWARE SERIAL
	cg_exec "$1" python3 - "$2" "$3" "$4" "$5" <<'PY'
import json, socket, struct, sys
mac, model, fw, sn = sys.argv[1:5]
body = json.dumps({"mac": mac, "method": "client.notifyDevInfo", "params": {"deviceInfo": {
    "DeviceClass": "IPC", "DeviceType": model, "HttpPort": 80, "Mac": mac,
    "MachineName": "gate-cam", "Port": 37777, "SerialNo": sn, "Vendor": "General",
    "Version": fw}}}).encode()
hdr = b'\x20\x00\x00\x00DHIP' + struct.pack('<IIIIII', 0, 0, len(body), 0, len(body), 0)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(hdr + body, ('239.255.255.251', 37810))
PY
}

send_hello() {  # NS SCOPES XADDR
	cg_exec "$1" python3 - "$2" "$3" <<'PY'
import socket, sys
scopes, xaddr = sys.argv[1:3]
x = ('<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope '
     'xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" '
     'xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
     'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" '
     'xmlns:dn="http://www.onvif.org/ver10/network/wsdl"><SOAP-ENV:Header>'
     '<wsa:MessageID>urn:uuid:0f7a1c2e-0000-4000-8000-000000000001</wsa:MessageID>'
     '<wsa:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</wsa:To>'
     '<wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Hello</wsa:Action>'
     '</SOAP-ENV:Header><SOAP-ENV:Body><d:Hello><wsa:EndpointReference><wsa:Address>'
     'urn:uuid:0f7a1c2e-0000-4000-8000-000000000001</wsa:Address></wsa:EndpointReference>'
     '<d:Types>dn:NetworkVideoTransmitter</d:Types><d:Scopes>%s</d:Scopes>'
     '<d:XAddrs>%s</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion></d:Hello>'
     '</SOAP-ENV:Body></SOAP-ENV:Envelope>' % (scopes, xaddr))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(x.encode(), ('239.255.255.250', 3702))
PY
}

# A DHCPREQUEST as a client without an address sends it: 0.0.0.0:68 ->
# 255.255.255.255:67, built whole and sent on a packet socket.
send_dhcp() {   # NS MAC HOSTNAME VENDOR_CLASS
	cg_exec "$1" python3 - "$2" "$3" "$4" <<'PY'
import socket, struct, sys
mac, host, vc = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
hw = bytes.fromhex(mac.replace(':', ''))
bootp = struct.pack('!BBBBIHH4s4s4s4s16s64s128s', 1, 1, 6, 0, 0x1234abcd, 0, 0x8000,
                    bytes(4), bytes(4), bytes(4), bytes(4), hw + bytes(10), bytes(64), bytes(128))
opts = (b'\x63\x82\x53\x63' + bytes([53, 1, 3]) + bytes([50, 4, 192, 0, 2, 12]) +
        bytes([12, len(host)]) + host + bytes([60, len(vc)]) + vc + bytes([55, 3, 1, 3, 6, 255]))
payload = bootp + opts
udp = struct.pack('!HHHH', 68, 67, 8 + len(payload), 0) + payload
def csum(b):
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, bytes(4), b'\xff' * 4)
ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
eth = b'\xff' * 6 + hw + b'\x08\x00'
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(('eth0', 0))
s.send(eth + ip + udp)
PY
}

send_ssdp() {   # NS SERVER LOCATION
	cg_exec "$1" python3 - "$2" "$3" <<'PY'
import socket, sys
server, loc = sys.argv[1:3]
m = ('NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=1800\r\n'
     'LOCATION: %s\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\nSERVER: %s\r\n'
     'USN: uuid:ab12cd34-0000-1000-8000-000000000002::upnp:rootdevice\r\n\r\n' % (loc, server))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(m.encode(), ('239.255.255.250', 1900))
PY
}

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
ctl cameras > "$WORK/cameras.txt"
check_grep "table: MODEL and FIRMWARE columns" "MODEL *FIRMWARE" "$WORK/cameras.txt"
check_grep "table: model and firmware of the Hikvision camera" "DS-2CD2143G0-I *V5.5.82build 190909" "$WORK/cameras.txt"
check_grep "table: mismatch marked" "^$FAKE .* ! " "$WORK/cameras.txt"

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
	"^camguard_device_info{mac=\"$HIK\",vendor=\"[^\"]*\",model=\"DS-2CD2143G0-I\",firmware=\"V5.5.82build 190909\",policy=\"hikvision\"} 1$" \
	"$WORK/prom.txt"
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
