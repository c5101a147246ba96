#!/usr/bin/env bash
# Integration (issue 14): announcements of real size and layout reach the
# inventory whole — a 1.6 KB SADP reply fragmented over a 1500-byte MTU, a
# 2 KB ProbeMatch with Scopes past byte 1,024 and line breaks inside, a
# unicast ProbeMatch from 3702 to an ephemeral port, WS-Discovery over IPv6
# to ff02::c, a fragmented IPv6 announcement, a DHCP request with Axis's
# vendor class, an SSDP search reply — each with exact model and firmware.
# Then hostile fragments: overlaps, 1,000 incomplete datagrams, fragments
# without a first fragment, a 64 KiB train, fragments claiming another
# camera's source: counted, memory bounded (RSS before and after), inventory
# unchanged.
#
# Usage: test-announce.sh BUILD_DIR
set -uo pipefail

BUILD="${1:?usage: test-announce.sh BUILD_DIR}"
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lib/integration.sh
. "$HERE/../lib/integration.sh"
# shellcheck source=../lib/announce.sh
. "$HERE/../lib/announce.sh"


cg_integration_begin ann "network namespaces, BPF"

HIK=44:19:b6:00:00:01      # SADP reply, 1.6 KB, fragmented
AXIS=00:40:8c:00:00:02     # 2 KB ProbeMatch, fragmented, multicast
AXIS2=00:40:8c:00:00:03    # unicast ProbeMatch from 3702 to an ephemeral port
DAHUA=08:ed:ed:00:00:04    # WS-Discovery Hello over IPv6 to ff02::c
HANWHA=00:09:18:00:00:05   # 2 KB Hello over IPv6, fragmented
AXIS3=00:40:8c:00:00:06    # DHCP request, vendor class AXIS,Network Camera,...
DAHUA2=08:ed:ed:00:00:07   # SSDP reply from 1900 to an ephemeral port
EVIL=44:19:b6:00:00:09     # the hostile camera (and the MACs it invents)

mkdir -p "$WORK/policies"
cg_policy unknown isolate
cameras() { ctl --json cameras > "$WORK/cameras.json"; }
field() { json_get "$WORK/cameras.json" 'dev(d,"'"$1"'")["'"$2"'"]'; }
source_of() { json_get "$WORK/cameras.json" 'dev(d,"'"$1"'")["facts"]["'"$2"'"]["source"]'; }
has_model() {
	ctl --json cameras > "$WORK/poll.json" &&
		[ "$(json_get "$WORK/poll.json" 'dev(d,"'"$1"'")["model"]')" = "$2" ]
}
status() { ctl --json status > "$WORK/status.json"; }
frag() { json_get "$WORK/status.json" 'd["inventory"]["announcements"]["fragments"]["'"$1"'"]'; }
ann() { json_get "$WORK/status.json" 'd["inventory"]["announcements"]["'"$1"'"]'; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$DPID/status"; }

cg_topology_create
cg_camera_add hik "$HIK" 1
cg_camera_add axis "$AXIS" 2
cg_camera_add axis2 "$AXIS2" 3
cg_camera_add dahua "$DAHUA" 4
cg_camera_add hanwha "$HANWHA" 5
cg_camera_add axis3 "$AXIS3" 6
cg_camera_add dahua2 "$DAHUA2" 7
cg_camera_add evil "$EVIL" 9
cg_bpffs_mount "$WORK/bpffs"
cg_write_config "$WORK" "$WORK/policies"
start_daemon || { cat "$WORK/daemon.log"; fail "daemon did not start"; exit 1; }

# Control: the datagrams really leave the cameras as fragments (the switch
# side of the camera's link sees more frames than datagrams were sent).
cg_exec sw sh -c 'ip -s link show p-hik' > "$WORK/before-hik.txt"

# --- whole announcements ------------------------------------------------------------
n=$(send_real hik sadp 239.255.255.250 37020 37020 DS-2CD2386G2-IU "V5.7.15 build 230607" 760)
check_ge "SADP reply is bigger than the MTU" 1501 "$n"
check_le "SADP reply is about 1.6 KB" 1650 "$n"
check_ge "SADP reply is about 1.6 KB" 1550 "$n"
n=$(send_real axis wsd 239.255.255.250 3702 3702 "Q1615-LE Mk III" 11.8.64 1000)
check_ge "ProbeMatch is about 2 KB" 1900 "$n"
n=$(send_real axis2 wsd 192.0.2.1 51234 3702 M3106-L 10.12.199)
check_le "unicast ProbeMatch fits one frame" 1472 "$n"
send_real dahua hello ff02::c 3702 3702 IPC-HDW3841T-ZAS 2.840.0000000.5.R >/dev/null
n=$(send_real hanwha hello ff02::c 3702 3702 XNO-6080R 2.21.02_20230714 1000)
check_ge "IPv6 Hello is bigger than the MTU" 1453 "$n"
send_dhcp axis3 "$AXIS3" axis-accc8e000006 "AXIS,Network Camera,P3265-LVE,11.5.64"
send_real dahua2 ssdp-reply 192.0.2.1 40123 1900 DH-IPC-HFW2841T-ZAS 2.840 >/dev/null

cg_wait_for has_model "$HIK" DS-2CD2386G2-IU
cg_wait_for has_model "$AXIS" "Q1615-LE Mk III"
cg_wait_for has_model "$AXIS2" M3106-L
cg_wait_for has_model "$DAHUA" IPC-HDW3841T-ZAS
cg_wait_for has_model "$HANWHA" XNO-6080R
cg_wait_for has_model "$AXIS3" P3265-LVE
cg_wait_for has_model "$DAHUA2" DH-IPC-HFW2841T-ZAS
cameras
check_eq "SADP 1.6 KB, IPv4 fragments: model" DS-2CD2386G2-IU "$(field "$HIK" model)"
check_eq "SADP 1.6 KB, IPv4 fragments: firmware" "V5.7.15 build 230607" "$(field "$HIK" firmware)"
check_eq "SADP: source" sadp "$(source_of "$HIK" model)"
check_eq "ProbeMatch 2 KB, Scopes past 1,024: model" "Q1615-LE Mk III" "$(field "$AXIS" model)"
check_eq "ProbeMatch 2 KB: firmware" 11.8.64 "$(field "$AXIS" firmware)"
check_eq "ProbeMatch: source" onvif "$(source_of "$AXIS" model)"
check_eq "unicast ProbeMatch from 3702: model" M3106-L "$(field "$AXIS2" model)"
check_eq "unicast ProbeMatch from 3702: firmware" 10.12.199 "$(field "$AXIS2" firmware)"
check_eq "IPv6 Hello to ff02::c: model" IPC-HDW3841T-ZAS "$(field "$DAHUA" model)"
check_eq "IPv6 Hello to ff02::c: firmware" 2.840.0000000.5.R "$(field "$DAHUA" firmware)"
check_eq "IPv6 fragmented Hello: model" XNO-6080R "$(field "$HANWHA" model)"
check_eq "IPv6 fragmented Hello: firmware" 2.21.02_20230714 "$(field "$HANWHA" firmware)"
check_eq "DHCP vendor class: model" P3265-LVE "$(field "$AXIS3" model)"
check_eq "DHCP vendor class: firmware" 11.5.64 "$(field "$AXIS3" firmware)"
check_eq "DHCP vendor class: source" dhcp "$(source_of "$AXIS3" model)"
check_eq "DHCP vendor class: manufacturer" AXIS "$(field "$AXIS3" manufacturer)"
check_eq "SSDP reply from 1900: model" DH-IPC-HFW2841T-ZAS "$(field "$DAHUA2" model)"
check_eq "SSDP reply from 1900: firmware" 2.840 "$(field "$DAHUA2" firmware)"

status
check_ge "fragments copied by the data plane" 3 "$(frag copied)"
check_ge "datagrams reassembled (SADP, ProbeMatch, IPv6 Hello)" 3 "$(frag reassembled)"
check_eq "no fragment dropped so far: overlaps" 0 "$(frag overlaps)"
check_eq "no fragment dropped so far: inconsistent" 0 "$(frag inconsistent)"
check_eq "none malformed" 0 "$(ann malformed)"
cg_exec sw sh -c 'ip -s link show p-hik' > "$WORK/after-hik.txt"
rx() { awk '/RX:/ {getline; print $2; exit}' "$1"; }
check_ge "control: the SADP reply left the camera as 2+ frames" 2 \
	$(( $(rx "$WORK/after-hik.txt") - $(rx "$WORK/before-hik.txt") ))

cp "$WORK/cameras.json" "$WORK/cameras-before.json"
models() { json_get "$1" 'sorted((x["mac"], x.get("model",""), x.get("firmware","")) for x in d["cameras"] if x.get("model"))'; }

# --- hostile fragments ---------------------------------------------------------------
RSS0=$(rss_kb)
status; O0=$(frag overlaps); U0=$(frag untracked); B0=$(frag over_bounds); T0=$(frag timeouts)
L0=$(ann limited)

# Overlapping fragments (an invented MAC each case, so that no rate limit
# from another case hides it).
send_frags evil 44:19:b6:00:01:01 192.0.2.19 239.255.255.250 101 0:1480:1 1472:1480:0
# 1,000 incomplete datagrams: first fragments only.
specs=()
for i in $(seq 1 1000); do specs+=("0:1480:1"); done
cg_exec evil python3 - <<'PY'
import socket, struct
def csum(b):
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b)); s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW); s.bind(('eth0', 0))
data = struct.pack('!HHHH', 37020, 37020, 3000, 0) + b'<ProbeMatch><DeviceDescription>EVIL-MODEL'
data = data + b' ' * (1480 - len(data))
for i in range(1000):
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(data), 2000 + i, 0x2000, 64, 17, 0,
                     socket.inet_aton('192.0.2.19'), socket.inet_aton('239.255.255.250'))
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    s.send(bytes([1, 0, 0x5e, 0x7f, 0xff, 0xfa]) + bytes.fromhex('4419b6000102') + b'\x08\x00' + ip + data)
PY
# Later fragments without a first fragment.
orphans=()
for i in $(seq 1 100); do orphans+=("$((1480 + 8 * i)):8:1"); done
send_frags evil 44:19:b6:00:01:03 192.0.2.19 239.255.255.250 303 "${orphans[@]}"
# A 64 KiB train: a first fragment, then fragments up to offset 65,520.
train=("0:1480:1")
for off in $(seq 1480 1480 64000); do train+=("$off:1480:1"); done
train+=("65120:400:0")
send_frags evil 44:19:b6:00:01:04 192.0.2.19 239.255.255.250 404 "${train[@]}"
# Fragments claiming another camera's source: the hik camera sends the first
# fragment of a datagram; the hostile camera sends its rest, with the hik
# camera's address and IP id, from its own MAC. Not copied (another device),
# so the hik camera's datagram stays incomplete and times out.
send_frags hik "$HIK" 192.0.2.11 239.255.255.250 606 0:1480:1
send_frags evil "$EVIL" 192.0.2.11 239.255.255.250 606 1480:1480:0

sleep 2.5    # past the reassembly timeout
status
RSS1=$(rss_kb)
echo "# daemon RSS before the hostile cases: ${RSS0} kB, after: ${RSS1} kB"
check_ge "overlapping fragments: counted" $((O0 + 1)) "$(frag overlaps)"
check_ge "fragments without a first fragment, fragments from another MAC: counted untracked" \
	$((U0 + 101)) "$(frag untracked)"
check_ge "64 KiB train: fragments past 8 KiB counted" $((B0 + 30)) "$(frag over_bounds)"
check_ge "incomplete datagrams: rate-limited in the data plane" $((L0 + 900)) "$(ann limited)"
check_ge "incomplete datagrams: the daemon holds at most $((4)) per device" 4 "$(frag limited)"
check_ge "incomplete datagrams and the foreign rest: timed out" $((T0 + 5)) "$(frag timeouts)"
check_ge "64 KiB train: the datagram dropped as oversize in the daemon" 1 "$(frag oversize)"
check_eq "no fragment was inconsistent" 0 "$(frag inconsistent)"
check_eq "nothing left pending after the timeout" 0 "$(frag pending)"
check_le "memory bounded: RSS grew less than 4 MB" 4096 $((RSS1 - RSS0))
cameras
check_eq "inventory unchanged: every model and firmware as before" "$(models "$WORK/cameras-before.json")" \
	"$(models "$WORK/cameras.json")"
check_eq "no device holds the hostile model" 0 "$(grep -c EVIL-MODEL "$WORK/cameras.json")"
check_eq "daemon still running" 0 "$(kill -0 "$DPID"; echo $?)"
echo "# status fragments: $(json_get "$WORK/status.json" 'd["inventory"]["announcements"]')"

finish
