# shellcheck shell=bash
# tests/lib/daemon.sh — camguardd in the recorder namespace of
# tests/lib/topology.sh. The caller sets BUILD and WORK; the daemon reads
# $WORK/camguard.conf (cg_write_config) and logs to $WORK/daemon.log.

CAMGUARDD="$BUILD/daemon/camguardd"
CTL="$BUILD/daemon/camguardctl"
SOCK="$WORK/camguard.sock"
DPID=""

# start_daemon: start camguardd and wait until it answers on its socket.
start_daemon() {
	# Not through cg_exec: a shell function in the background is a subshell,
	# and $! must be the daemon itself for kill -9.
	ip netns exec "$(cg_ns rec)" "$CAMGUARDD" -c "$WORK/camguard.conf" >>"$WORK/daemon.log" 2>&1 &
	DPID=$!
	cg_wait_for test -S "$SOCK" && cg_wait_for cg_exec rec "$CTL" -s "$SOCK" status
}

# ctl ARGS...: camguardctl against the daemon, from the recorder namespace.
ctl() { cg_exec rec "$CTL" -s "$SOCK" "$@"; }

# nft_counter "COMMENT": packets counted by the rules of table inet camguard
# that carry that comment (IPv4 and IPv6 rules of one reason are summed).
nft_counter() {
	cg_exec rec nft -j list table inet camguard > "$WORK/nft.json" 2>/dev/null
	python3 - "$WORK/nft.json" "$1" <<'PY'
import json, sys
n = 0
for item in json.load(open(sys.argv[1]))["nftables"]:
    r = item.get("rule")
    if r and r.get("comment") == sys.argv[2]:
        n += sum(e["counter"]["packets"] for e in r["expr"] if "counter" in e)
print(n)
PY
}
