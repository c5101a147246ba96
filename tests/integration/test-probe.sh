#!/usr/bin/env bash
# Integration (issue 14): `camguardctl probe` end to end. Responders in camera
# namespaces answer the way cameras do — a unicast ProbeMatch from 3702 (IPv4
# and IPv6), a SADP reply multicast from 37020 (1.6 KB: fragmented), a DHIP
# reply unicast from 37810, an SSDP 200 OK from 1900 — and each camera gains
# its model; a camera without a responder is "not announced". Nothing leaves
# on the uplink: the outside host counts discovery datagrams (0), with a
# control that a datagram sent out of the uplink is counted. Also the
# periodic probe (discovery.probe_interval) and a probe on a non-camera
# interface (refused).
#
# Usage: test-probe.sh BUILD_DIR
set -uo pipefail

BUILD="${1:?usage: test-probe.sh BUILD_DIR}"
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lib/integration.sh
. "$HERE/../lib/integration.sh"

cg_integration_begin probe "network namespaces, BPF"

RPIDS=()
cg_cleanup_extra() {
	for p in "${RPIDS[@]}"; do kill "$p" 2>/dev/null; done
}

AXIS=00:40:8c:00:00:01     # WS-Discovery responder (IPv4 and IPv6)
HIK=44:19:b6:00:00:02      # SADP responder
DAHUA=08:ed:ed:00:00:03    # DHIP responder
UNIVIEW=48:ea:63:00:00:04  # SSDP responder
SILENT=00:09:18:00:00:05   # answers nothing

mkdir -p "$WORK/policies"
cg_policy unknown isolate

# responder NS KIND MODEL FIRMWARE: answers probes like a camera would.
responder() {
	cg_exec "$1" python3 - "$2" "$3" "$4" "$WORK/ready-$1" <<'PY' &
import json, select, socket, struct, sys
kind, model, fw, ready = sys.argv[1:5]
socks = []
def v4(port, group):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('0.0.0.0', port))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                 socket.inet_aton(group) + socket.inet_aton('0.0.0.0'))
    socks.append(s)
def v6(port, group):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('::', port))
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP,
                 socket.inet_pton(socket.AF_INET6, group) + struct.pack('@I', socket.if_nametoindex('eth0')))
    socks.append(s)
if kind == 'wsd':
    v4(3702, '239.255.255.250'); v6(3702, 'ff02::c')
elif kind == 'sadp':
    v4(37020, '239.255.255.250')
elif kind == 'dhip':
    v4(37810, '239.255.255.251')
elif kind == 'ssdp':
    v4(1900, '239.255.255.250')
open(ready, 'w').close()
while True:
    r, _, _ = select.select(socks, [], [])
    for s in r:
        data, peer = s.recvfrom(65535)
        if kind == 'wsd' and b'Probe>' in data and b'ProbeMatch' not in data:
            m = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
                 '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" '
                 'xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
                 'xmlns:wsdd="http://schemas.xmlsoap.org/ws/2005/04/discovery">\r\n'
                 '<SOAP-ENV:Body><wsdd:ProbeMatches><wsdd:ProbeMatch>\r\n'
                 '<wsdd:Types>dn:NetworkVideoTransmitter</wsdd:Types>\r\n<wsdd:Scopes>\r\n'
                 '  onvif://www.onvif.org/hardware/%s\r\n  onvif://www.onvif.org/firmware/%s\r\n'
                 '  onvif://www.onvif.org/mfr/AXIS\r\n</wsdd:Scopes>\r\n'
                 '<wsdd:XAddrs>http://192.0.2.11/onvif/device_service</wsdd:XAddrs>\r\n'
                 '</wsdd:ProbeMatch></wsdd:ProbeMatches></SOAP-ENV:Body></SOAP-ENV:Envelope>\r\n') % (model, fw)
            s.sendto(m.encode(), peer)
        elif kind == 'sadp' and b'<Types>inquiry</Types>' in data and b'ProbeMatch' not in data:
            m = ('<?xml version="1.0" encoding="UTF-8"?>\r\n<ProbeMatch>\r\n' +
                 ''.join('\t<Reserved%d>%s</Reserved%d>\r\n' % (i, 'x' * 60, i) for i in range(18)) +
                 '\t<DeviceDescription>%s</DeviceDescription>\r\n\t<DeviceSN>%s20230101AAWRK1</DeviceSN>\r\n'
                 '\t<SoftwareVersion>%s</SoftwareVersion>\r\n</ProbeMatch>\r\n') % (model, model, fw)
            s.sendto(m.encode(), ('239.255.255.250', 37020))
        elif kind == 'dhip' and b'DHDiscover.search' in data:
            body = json.dumps({"mac": "08:ed:ed:00:00:03", "method": "client.notifyDevInfo",
                               "params": {"deviceInfo": {"DeviceType": model, "Version": fw,
                                                         "SerialNo": "5J0A1B2PAZ00003", "Vendor": "General"}}}).encode()
            s.sendto(b'\x20\x00\x00\x00DHIP' + struct.pack('<IIIIII', 0, 0, len(body), 0, len(body), 0) + body, peer)
        elif kind == 'ssdp' and data.startswith(b'M-SEARCH'):
            m = ('HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\n'
                 'LOCATION: http://192.0.2.14:49152/rootDesc.xml\r\n'
                 'SERVER: Linux/4.9, UPnP/1.0, %s/%s\r\nST: upnp:rootdevice\r\n\r\n') % (model, fw)
            s.sendto(m.encode(), peer)
PY
	RPIDS+=($!)
}

# uplink_count SECONDS: discovery datagrams seen on the outside host's link.
uplink_count() {
	cg_exec out python3 - "$1" <<'PY'
import socket, struct, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind(('eth0', 0))
end, n = time.time() + float(sys.argv[1]), 0
ports = {3702, 37020, 37810, 1900}
while time.time() < end:
    s.settimeout(max(0.01, end - time.time()))
    try:
        f, addr = s.recvfrom(65535)
    except socket.timeout:
        break
    if addr[2] == socket.PACKET_OUTGOING:
        continue
    et = struct.unpack('!H', f[12:14])[0]
    if et == 0x0800 and f[23] == 17:
        off = 14 + (f[14] & 15) * 4
    elif et == 0x86dd and f[20] == 17:
        off = 54
    else:
        continue
    if struct.unpack('!H', f[off + 2:off + 4])[0] in ports:
        n += 1
print(n)
PY
}

cameras() { ctl --json cameras > "$WORK/cameras.json"; }
field() { json_get "$WORK/cameras.json" 'dev(d,"'"$1"'")["'"$2"'"]'; }
source_of() { json_get "$WORK/cameras.json" 'dev(d,"'"$1"'")["facts"]["model"]["source"]'; }

cg_topology_create
cg_camera_add axis "$AXIS" 1
cg_camera_add hik "$HIK" 2
cg_camera_add dahua "$DAHUA" 3
cg_camera_add uniview "$UNIVIEW" 4
cg_camera_add silent "$SILENT" 5
cg_bpffs_mount "$WORK/bpffs"
cg_write_config "$WORK" "$WORK/policies"
start_daemon || { cat "$WORK/daemon.log"; fail "daemon did not start"; exit 1; }

responder axis wsd M3106-L 10.12.199
responder hik sadp DS-2CD2386G2-IU "V5.7.15 build 230607"
responder dahua dhip IPC-HDW3841T-ZAS 2.840.0000000.5.R
responder uniview ssdp IPC2124LE-ADF28KM-G V1.2.3
for ns in axis hik dahua uniview; do cg_wait_for test -e "$WORK/ready-$ns"; done
# Every camera says something first (a ping to the recorder), so that all
# five are in the inventory before the probe.
for ns in axis hik dahua uniview silent; do cg_exec "$ns" ping -c1 -W1 192.0.2.1 >/dev/null; done
cg_wait_for sh -c "[ \"\$(ip netns exec $(cg_ns rec) $CTL -s $SOCK --json cameras | python3 -c 'import json,sys; print(len(json.load(sys.stdin)[\"cameras\"]))')\" = 5 ]"

# Control for the uplink count: a datagram to 3702 sent out of the uplink is seen.
uplink_count 3 > "$WORK/uplink-control" &
UPID=$!
sleep 0.5
cg_exec rec python3 -c '
import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("198.51.100.1"))
s.sendto(b"control", ("239.255.255.250", 3702))'
wait "$UPID"
check_eq "control: a discovery datagram out of the uplink is counted" 1 "$(cat "$WORK/uplink-control")"

# --- the probe ---------------------------------------------------------------------------
uplink_count 6 > "$WORK/uplink" &
UPID=$!
sleep 0.5
ctl probe --wait 3 > "$WORK/probe.txt" 2>&1
echo "# $(tr '\n' '|' < "$WORK/probe.txt")"
ctl --json probe --wait 2 > "$WORK/probe.json" 2>&1
wait "$UPID"
check_eq "nothing left on the uplink during two probes" 0 "$(cat "$WORK/uplink")"
check_grep "probe: probes sent on cam0" "^cam0: [0-9]* probes sent" "$WORK/probe.txt"
check_grep "probe: five probes (WS-Discovery v4 and v6, SADP, DHIP, SSDP)" "^cam0: 5 probes sent" "$WORK/probe.txt"
check_grep "probe: four devices answered, four gained a model" "^4 devices answered, 4 gained a model" "$WORK/probe.txt"
check_grep "probe: the Hikvision camera gained its model (sadp)" "$HIK  DS-2CD2386G2-IU V5.7.15 build 230607  (sadp)" "$WORK/probe.txt"
check_grep "probe: one device still not announced" "^1 device has still not announced a model" "$WORK/probe.txt"
check_eq "second probe (JSON): four answered" 4 "$(json_get "$WORK/probe.json" 'len(d["answered"])')"
check_eq "second probe: nothing new gained" 0 "$(json_get "$WORK/probe.json" 'len(d["gained"])')"

cameras
check_eq "WS-Discovery ProbeMatch (unicast from 3702): model" M3106-L "$(field "$AXIS" model)"
check_eq "WS-Discovery: firmware" 10.12.199 "$(field "$AXIS" firmware)"
check_eq "WS-Discovery: source" onvif "$(source_of "$AXIS")"
check_eq "SADP reply (fragmented): model" DS-2CD2386G2-IU "$(field "$HIK" model)"
check_eq "SADP: firmware" "V5.7.15 build 230607" "$(field "$HIK" firmware)"
check_eq "DHIP reply: model" IPC-HDW3841T-ZAS "$(field "$DAHUA" model)"
check_eq "DHIP: firmware" 2.840.0000000.5.R "$(field "$DAHUA" firmware)"
check_eq "DHIP: source" dhip "$(source_of "$DAHUA")"
check_eq "SSDP 200 OK: model" IPC2124LE-ADF28KM-G "$(field "$UNIVIEW" model)"
check_eq "SSDP: firmware" V1.2.3 "$(field "$UNIVIEW" firmware)"
check_eq "SSDP: source" ssdp "$(source_of "$UNIVIEW")"
check_eq "silent camera: no model" "" "$(field "$SILENT" model)"

# SOURCE does not fit 80 columns (stdout is a file): --wide only
ctl cameras > "$WORK/cameras-80.txt"
check_eq "table at 80 columns: no SOURCE column" 0 "$(grep -c SOURCE "$WORK/cameras-80.txt")"
ctl cameras --wide > "$WORK/cameras.txt"
check_grep "table --wide: SOURCE column" "MODEL *FIRMWARE *SOURCE" "$WORK/cameras.txt"
check_grep "table: the source of the SADP facts" "DS-2CD2386G2-IU *V5.7.15 build 230607 *sadp" "$WORK/cameras.txt"
ctl cameras --summary > "$WORK/summary.txt"
check_grep "summary: the silent camera is not announced" "(not announced) *1$" "$WORK/summary.txt"
check_grep "summary: not announced after the probe" "^1 not announced: no model after the probe of" "$WORK/summary.txt"
ctl --json cameras --summary > "$WORK/summary.json"
check_eq "summary JSON: not_announced" 1 "$(json_get "$WORK/summary.json" 'd["not_announced"]')"

# --- refusals ------------------------------------------------------------------------------
ctl probe up0 > "$WORK/probe-up0.txt" 2>&1
check_eq "probe on the uplink: refused" 1 "$?"
check_grep "probe on the uplink: says why" "not a camera interface" "$WORK/probe-up0.txt"
ctl probe --wait 99 > /dev/null 2>&1
check_eq "probe --wait 99: usage error" 2 "$?"

# --- the periodic probe ----------------------------------------------------------------------
kill "$DPID"; wait "$DPID" 2>/dev/null; DPID=""
cg_write_config "$WORK" "$WORK/policies" 'discovery = { probe_interval = "1m"; };'
rm -f "$WORK/state/inventory.json"
start_daemon || { cat "$WORK/daemon.log"; fail "restart with probe_interval failed"; exit 1; }
cg_exec hik ping -c1 -W1 192.0.2.1 >/dev/null
for _ in $(seq 1 100); do
	ctl --json cameras > "$WORK/poll.json" 2>/dev/null &&
		[ "$(json_get "$WORK/poll.json" 'dev(d,"'$HIK'")["model"]')" = DS-2CD2386G2-IU ] && break
	sleep 0.1
done
check_eq "probe_interval: the first round learns the model" DS-2CD2386G2-IU \
	"$(json_get "$WORK/poll.json" 'dev(d,"'$HIK'")["model"]')"
check_grep "probe_interval: logged" "Probe sent" "$WORK/daemon.log"

# A bad interval is an error with file:line, and the running daemon keeps going.
cg_write_config "$WORK" "$WORK/policies" 'discovery = { probe_interval = "5s"; };'
ctl reload > "$WORK/reload.txt" 2>&1
check_ne "probe_interval 5s: reload refused" 0 "$?"
check_grep "probe_interval 5s: file and line" "camguard.conf:[0-9]*.*probe_interval" "$WORK/reload.txt"
check_eq "daemon still running" 0 "$(kill -0 "$DPID"; echo $?)"

finish
