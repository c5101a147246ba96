#!/usr/bin/env bash
# tools/bench stats — `stats` round trip on the control socket with 10,000
# devices known to the data plane, idle (the baseline) and while a packet
# flood runs through the data plane (issue 5; target p99 <= 20 ms).
#
# Topology (tests/lib/topology.sh): the real camguardd in the recorder
# namespace, one sender namespace on the switch bridge. 10,000 devices are
# made by sending one frame from each of 10,000 source MACs 02:cb:00:00:A:B
# (A, B = 0..99; AF_PACKET from python, IPv4/UDP to 203.0.113.10 with valid
# checksums: the default policy drops them as egress). The flood is trafgen
# (-P 1: one process, pinned by trafgen to one CPU) cycling through 9,900 of
# the same MACs (two dinc() bytes of periods 100 and 99), so it adds no
# device while it runs ("devices" in the flood line says so).
#
# What is timed is the default `stats` (policies and totals: since issue 16
# the daemon builds per-device rows only for --devices, so the reply no
# longer grows with the device count; the device count above is read with
# "devices":true). Clients timed, one request at a time, each its own
# connection:
#   "camguardctl" — the real binary, `camguardctl --json stats` (fork + exec
#                   + connect + request + the whole reply parsed and printed
#                   to /dev/null): what an operator or a scraper pays;
#   "socket"      — python speaking the protocol on the socket directly
#                   (connect, {"command":"stats"}, read the reply line);
#   "exec"        — `camguardctl --version`: no socket at all, the cost of
#                   starting the program, the floor under "camguardctl".
# Prints one JSON line per client and condition; "ratio" = p99 under flood /
# p99 idle. Usage: tools/bench stats [DEVICES] [REQUESTS]
# (CG_BENCH_BUDGET: seconds per series, default 40; CG_BUILD: build dir.)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BUILD="${CG_BUILD:-$ROOT/build}"
DEVICES="${1:-10000}"
REQUESTS="${2:-200}"
# Seconds per client and condition: a slow daemon ends a series early (the
# line says how many requests were timed).
BUDGET="${CG_BENCH_BUDGET:-40}"
[ "$(id -u)" -eq 0 ] || { echo "tools/bench stats: needs root (namespaces, BPF)" >&2; exit 1; }
if [ "$DEVICES" -gt 10000 ] || [ "$DEVICES" -lt 200 ] || [ $((DEVICES % 100)) -ne 0 ]; then
	echo "tools/bench stats: DEVICES must be a multiple of 100 from 200 to 10000 (a 100-wide MAC grid)" >&2
	exit 2
fi

export CG_NS="cgbs$$"
# shellcheck source=../lib/topology.sh
. tests/lib/topology.sh
WORK=$(mktemp -d /tmp/cg-bench-stats.XXXXXX)
DPID=""
TPID=""
cleanup() {
	[ -n "$TPID" ] && stop_flood
	[ -n "$DPID" ] && kill "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
	cg_topology_destroy
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

cg_topology_create
cg_camera_add src 02:00:5e:00:00:04 1
cg_bpffs_mount "$WORK/bpffs"
mkdir -p "$WORK/policies"
cat > "$WORK/policies/unknown.conf" <<'EOF'
name = "unknown";
action = "isolate";
allow = ( { to = "enclave"; } );
EOF
cg_write_config "$WORK" "$WORK/policies"
SOCK="$WORK/camguard.sock"
CTL="$BUILD/daemon/camguardctl"

ip netns exec "$(cg_ns rec)" "$BUILD/daemon/camguardd" -c "$WORK/camguard.conf" >"$WORK/daemon.log" 2>&1 &
DPID=$!
cg_wait_for test -S "$SOCK" && cg_wait_for "$CTL" -s "$SOCK" status \
	|| { cat "$WORK/daemon.log" >&2; echo "tools/bench stats: daemon did not start" >&2; exit 1; }

# --- 10,000 devices ----------------------------------------------------------
cg_exec src python3 - "$DEVICES" <<'PY'
import socket, struct, sys, time
n = int(sys.argv[1])

def csum(b):
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff

s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(('eth0', 0))
dst = bytes.fromhex('020000000001')          # the recorder's cam0
for i in range(n):
    a, b = divmod(i, 100)
    src = bytes([0x02, 0xcb, 0, 0, a, b])
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 28, i & 0xffff, 0, 64, 17, 0,
                     bytes([192, 0, 2, 100 + i % 100]), bytes([203, 0, 113, 10]))
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    udp = struct.pack('!HHHH', 40000, 9, 8, 0)
    frame = dst + src + b'\x08\x00' + ip + udp
    while True:
        try:
            s.send(frame)
            break
        except BlockingIOError:
            time.sleep(0.001)
    if i % 500 == 499:
        time.sleep(0.005)    # let the backlog drain: every frame reaches the filter
PY
devices_seen() {
	python3 - "$SOCK" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(b'{"command":"stats","arguments":{"devices":true}}\n')
buf = b''
while not buf.endswith(b'\n'):
    c = s.recv(1 << 20)
    if not c:
        break
    buf += c
print(len(json.loads(buf)['result']['devices']))
PY
}
for _ in $(seq 1 50); do
	[ "$(devices_seen)" -ge "$DEVICES" ] && break
	sleep 0.2
done
seen=$(devices_seen)
[ "$seen" -ge "$DEVICES" ] || echo "tools/bench stats: only $seen of $DEVICES devices seen" >&2

# --- the flood ---------------------------------------------------------------
# Byte A counts 0..DEVICES/100-1, byte B 0..98: every (A, B) is a device
# made above, so the flood adds none.
cat > "$WORK/flood.trafgen" <<EOF
{
  0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
  0x02, 0xcb, 0x00, 0x00, dinc(0, $((DEVICES / 100 - 1)), 1), dinc(0, 98, 1),
  0x08, 0x00,
  0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, csumip(14, 33),
  192, 0, 2, 99,   203, 0, 113, 10,
  0x9c, 0x40, 0x00, 0x09, 0x00, 0x08, 0x00, 0x00,
}
EOF
start_flood() {
	# exec'ed by ip netns: $! is trafgen itself.
	ip netns exec "$(cg_ns src)" trafgen --dev eth0 --conf "$WORK/flood.trafgen" \
		-n 2000000000 -P 1 -q >"$WORK/trafgen.log" 2>&1 &
	TPID=$!
	sleep 1
	kill -0 "$TPID" 2>/dev/null || { cat "$WORK/trafgen.log" >&2; echo "trafgen failed" >&2; exit 1; }
}
stop_flood() {
	# trafgen -P 1 forks its worker: stop the worker by id, then the parent.
	local kids
	kids=$(ps -o pid= --ppid "$TPID" 2>/dev/null || true)
	# shellcheck disable=SC2086
	[ -n "$kids" ] && kill $kids 2>/dev/null
	kill "$TPID" 2>/dev/null || true
	wait "$TPID" 2>/dev/null || true
	TPID=""
}

# --- the measurement ------------------------------------------------------------
measure() {    # $1 = flood (true/false)
	python3 - "$SOCK" "$CTL" "$REQUESTS" "$DEVICES" "$1" "$BUDGET" <<'PY'
import json, socket, subprocess, sys, time
sock, ctl, n, devices, flood = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == 'true'
budget = float(sys.argv[6])

def raw(req=b'{"command":"stats"}\n'):
    t0 = time.perf_counter()
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock)
    s.sendall(req)
    buf = b''
    while not buf.endswith(b'\n'):
        c = s.recv(1 << 20)
        if not c:
            break
        buf += c
    s.close()
    return (time.perf_counter() - t0) * 1000, buf

def drops():
    # the default reply (what is timed) and, asked for separately, the
    # device rows the data plane counts
    r = json.loads(raw()[1])['result']
    rows = json.loads(raw(b'{"command":"stats","arguments":{"devices":true}}\n')[1])['result']
    return sum(p['drop']['packets'] for p in r['policies']), len(rows['devices']), raw()[1]

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]

d0, _, _ = drops()
t0 = time.perf_counter()
res = {}
for client in ('camguardctl', 'socket', 'exec'):
    lat = []
    t1 = time.perf_counter()
    for _ in range(n):
        if time.perf_counter() - t1 > budget:
            break
        if client == 'socket':
            ms, buf = raw()
            if not json.loads(buf).get('ok'):
                sys.exit('stats failed: %r' % buf[:200])
        elif client == 'exec':
            # the floor of the camguardctl figures: starting the program
            t = time.perf_counter()
            subprocess.run([ctl, '--version'], stdout=subprocess.DEVNULL, check=True)
            ms = (time.perf_counter() - t) * 1000
        else:
            t = time.perf_counter()
            subprocess.run([ctl, '-s', sock, '--json', 'stats'], stdout=subprocess.DEVNULL, check=True)
            ms = (time.perf_counter() - t) * 1000
        lat.append(ms)
    res[client] = lat
secs = time.perf_counter() - t0
d1, ndev, last = drops()
for client, lat in res.items():
    print(json.dumps({"bench": "stats", "client": client, "devices": ndev, "flood": flood,
                      "requests": len(lat), "p50_ms": round(pct(lat, 50), 2), "p99_ms": round(pct(lat, 99), 2),
                      "max_ms": round(max(lat), 2), "reply_bytes": len(last),
                      "flood_pps": round((d1 - d0) / secs)}))
PY
}

measure false > "$WORK/idle.json"
start_flood
measure true > "$WORK/flood.json"
stop_flood

python3 - "$WORK/idle.json" "$WORK/flood.json" <<'PY'
import json, sys
idle = {j["client"]: j for j in map(json.loads, open(sys.argv[1]))}
for line in open(sys.argv[2]):
    j = json.loads(line)
    i = idle[j["client"]]
    print(json.dumps(i))
    j["idle_p99_ms"] = i["p99_ms"]
    j["ratio"] = round(j["p99_ms"] / i["p99_ms"], 2) if i["p99_ms"] else None
    j["target_p99_ms"] = 20
    print(json.dumps(j))
PY
