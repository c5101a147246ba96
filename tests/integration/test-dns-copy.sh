#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# test-dns-copy.sh — the data plane copies DNS on camera interfaces to the
# daemon (issue 15): a camera's query to an outside resolver (copied although
# the policy drops it), an answer sent to a camera (TC egress, direction IN,
# from port 53), both families' shape over IPv4; and what it must not copy:
# UDP to or from another port either way (the controls), and a burst past
# the per-device budget (8 copies, then one per second).
#
# Topology (namespaces this script creates, nothing in the root namespace):
#   cgd-PID-cam: cam0 44:19:b6:00:10:01 (Hikvision MA-L: fixture policy 1)
#        | veth
#   cgd-PID-rec: rec0, clsact with cg_tc_ingress / cg_tc_egress (bpf suite
#                fixture, tests/bpf/cg-attach)
# Frames are written whole with AF_PACKET (python3), from one CPU (the
# budget is per device and CPU). Copies are read from the cg_misc counters
# (disc_copies, disc_limited). Only documentation addresses are used.
#
# usage: test-dns-copy.sh PATH/TO/cg-attach     (TAP, exit 77 if it cannot run)
set -eu

CG_ATTACH=${1:-}
if [ -z "$CG_ATTACH" ] || [ ! -x "$CG_ATTACH" ]; then
	echo "usage: test-dns-copy.sh PATH/TO/cg-attach" >&2
	exit 2
fi
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root (network namespaces, bpffs, tc)"
	exit 77
fi
for tool in ip python3 unshare mount taskset; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "1..0 # SKIP $tool is not installed"
		exit 77
	fi
done
if [ -z "${CGD_PRIVATE:-}" ]; then
	CGD_PRIVATE=1 exec unshare --mount --propagation private "$0" "$@"
fi

CAM_MAC=44:19:b6:00:10:01
REC_MAC=02:00:00:00:00:fe
. "$(dirname "$0")/../lib/veth-pair.sh"
cg_pair_begin cgd-dns
ip netns exec "$REC" "$CG_ATTACH" attach "$PIN" rec0

# send NS DEV COUNT SRC_MAC DST_MAC SRC_IP SPORT DST_IP DPORT: COUNT DNS-shaped
# datagrams (a query for litedev.hik-connect.com) through AF_PACKET.
cat > "$TMP/send.py" <<'EOF'
import socket, struct, sys
dev, count, smac, dmac, sip, sport, dip, dport = sys.argv[1:9]
def mac(s): return bytes(int(x, 16) for x in s.split(':'))
def csum(b):
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
name = b''.join(bytes([len(l)]) + l for l in b'litedev.hik-connect.com'.split(b'.')) + b'\0'
dns = struct.pack('!6H', 0x1a2b, 0x0100, 1, 0, 0, 0) + name + struct.pack('!HH', 1, 1)
udp = struct.pack('!4H', int(sport), int(dport), 8 + len(dns), 0) + dns
ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                 socket.inet_aton(sip), socket.inet_aton(dip))
ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
frame = mac(dmac) + mac(smac) + b'\x08\x00' + ip + udp
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((dev, 0))
for _ in range(int(count)):
    try:
        s.send(frame)
    except OSError:
        pass    # dropped at TC egress (ENOBUFS): the program saw it all the same
EOF
send() {   # send NS DEV COUNT SRC_MAC DST_MAC SRC_IP SPORT DST_IP DPORT
	ns=$1; shift
	ip netns exec "$ns" taskset -c 0 python3 "$TMP/send.py" "$@"
}
misc() { "$CG_ATTACH" misc "$PIN" "$1"; }

T=0
FAILED=0
ok() {   # ok NAME WANT GOT
	T=$((T + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $T - $1"
	else
		echo "not ok $T - $1"
		echo "# want $2, got $3"
		FAILED=$((FAILED + 1))
	fi
}
copied() {   # copied NAME WANT  SEND-ARGS...: copies made by sending
	name=$1 want=$2; shift 2
	c0=$(misc disc_copies)
	send "$@"
	sleep 0.2
	ok "$name" "$want" $(( $(misc disc_copies) - c0 ))
}

# Controls first: the same datagram on another port is not copied, either way.
copied "camera -> 203.0.113.53:5300 (control, not DNS)" 0 \
	"$CAM" cam0 1 $CAM_MAC 02:00:00:00:01:01 192.0.2.50 40000 203.0.113.53 5300
copied "192.0.2.1:5300 -> camera (control, not DNS)" 0 \
	"$REC" rec0 1 $REC_MAC $CAM_MAC 192.0.2.1 5300 192.0.2.50 40000
# A query to an outside resolver: dropped by the policy, copied all the same.
copied "camera -> 203.0.113.53:53 query (dropped, copied)" 1 \
	"$CAM" cam0 1 $CAM_MAC 02:00:00:00:01:01 192.0.2.50 40000 203.0.113.53 53
# A query to the enclave's resolver.
copied "camera -> 192.0.2.1:53 query" 1 \
	"$CAM" cam0 1 $CAM_MAC 02:00:00:00:01:01 192.0.2.50 40001 192.0.2.1 53
# The answer reaching the camera (TC egress, direction IN).
copied "192.0.2.1:53 -> camera answer (IN)" 1 \
	"$REC" rec0 1 $REC_MAC $CAM_MAC 192.0.2.1 53 192.0.2.50 40001
# A query *to* the camera's port 53 from outside is not an answer: not copied.
copied "203.0.113.9 -> camera:53 (IN, not from port 53)" 0 \
	"$REC" rec0 1 $REC_MAC $CAM_MAC 203.0.113.9 40000 192.0.2.50 53

# The budget: a burst of 40 queries gets at most the burst (8; the cases
# above may have used some, on this CPU's copy of the device's state, and
# the seconds since refilled them); the rest is counted.
l0=$(misc disc_limited)
c0=$(misc disc_copies)
send "$CAM" cam0 40 $CAM_MAC 02:00:00:00:01:01 192.0.2.50 40002 192.0.2.1 53
sleep 0.2
c=$(( $(misc disc_copies) - c0 ))
l=$(( $(misc disc_limited) - l0 ))
ok "burst of 40: copies within the budget ($c)" yes "$( [ "$c" -ge 1 ] && [ "$c" -le 8 ] && echo yes || echo no)"
ok "burst of 40: the rest counted as limited ($l)" 40 $((c + l))

echo "1..$T"
[ "$FAILED" = 0 ]
