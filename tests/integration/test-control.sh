#!/usr/bin/env bash
# Integration: the control socket and camguardctl against the real camguardd
# (issue 5). Through the real binary: `stats` equals the packets sent, per
# device and per policy; `stats --prometheus` passes `promtool check
# metrics`; a member of the control group can read and cannot reload, a user
# outside it gets a clear permission error. Robustness: 10,000 malformed
# requests, half-open, slow, pipelining and 40 concurrent clients
# (control-abuse.py) while a camera sends: the daemon stays up, answers, and
# the data plane counts stay exact.
#
# The two cameras used for exact counts are made silent: IPv6 off (no ND,
# MLD, router solicitations) and a permanent neighbour entry for the
# gateway (no ARP), so every packet the data plane sees from them is one
# this test sent. Test users and the group are created here and removed on
# exit, even on failure.
#
# Usage: test-control.sh BUILD_DIR
set -uo pipefail

BUILD="${1:?usage: test-control.sh BUILD_DIR}"
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lib/topology.sh
. "$HERE/../lib/topology.sh"
# shellcheck source=../lib/check.sh
. "$HERE/../lib/check.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root (network namespaces, BPF, test users)"
	exit 77
fi

WORK=$(mktemp -d /tmp/cg-ctl.XXXXXX)
# Traversable by the test users: only the socket's own mode decides.
chmod 0755 "$WORK"
CAMGUARDD="$BUILD/daemon/camguardd"
SOCK="$WORK/camguard.sock"
# A copy the test users can execute wherever the build tree lives.
mkdir -m 0755 "$WORK/bin"
install -m 0755 "$BUILD/daemon/camguardctl" "$WORK/bin/camguardctl"
CTL="$WORK/bin/camguardctl"
DPID=""
GROUP="cgctl$$"
INSIDE="cgin$$"
OUTSIDE="cgout$$"

cleanup() {
	[ -n "$DPID" ] && kill -9 "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
	cg_topology_destroy
	userdel "$INSIDE" 2>/dev/null
	userdel "$OUTSIDE" 2>/dev/null
	groupdel "$GROUP" 2>/dev/null
	if [ "${KEEP_WORK:-0}" = 1 ]; then echo "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

HIK=44:19:b6:00:00:01       # Hikvision MA-L 44:19:B6
UNKNOWN=02:00:5e:00:00:04   # locally administered: the default policy

write_policies() {
	mkdir -p "$WORK/policies"
	cat > "$WORK/policies/hikvision.conf" <<'EOF'
name = "hikvision";
action = "isolate";
match = { oui = [ "44:19:B6" ]; };
allow = ( { to = "enclave"; },
          { to = "198.51.100.10/32"; proto = "udp"; ports = "123"; note = "site NTP"; } );
EOF
	cat > "$WORK/policies/unknown.conf" <<'EOF'
name = "unknown";
action = "isolate";
allow = ( { to = "enclave"; } );
EOF
}

# silence NAME: no IPv6 and a permanent ARP entry for the gateway.
silence() {
	cg_exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
		net.ipv6.conf.eth0.disable_ipv6=1
	cg_exec "$1" ip neigh replace 192.0.2.1 lladdr 02:00:00:00:00:01 dev eth0 nud permanent
}

start_daemon() {
	# Not through cg_exec: $! must be the daemon itself for kill -9.
	ip netns exec "$(cg_ns rec)" "$CAMGUARDD" -c "$WORK/camguard.conf" >>"$WORK/daemon.log" 2>&1 &
	DPID=$!
	cg_wait_for test -S "$SOCK" && cg_wait_for "$CTL" -s "$SOCK" status
}

ctl() { "$CTL" -s "$SOCK" "$@"; }
stats() { ctl --json stats --devices > "$WORK/stats.json"; }
# as USER CMD...: run a command as USER with USER's groups.
as() { local u="$1"; shift; setpriv --reuid="$u" --regid="$u" --init-groups "$@"; }

# ---------------------------------------------------------------------------
groupadd -r "$GROUP" || { fail "groupadd $GROUP"; finish; exit 1; }
useradd -r -M -s /usr/sbin/nologin -d / -G "$GROUP" "$INSIDE" || fail "useradd $INSIDE"
useradd -r -M -s /usr/sbin/nologin -d / "$OUTSIDE" || fail "useradd $OUTSIDE"

cg_topology_create
cg_camera_add hik "$HIK" 1
cg_camera_add unk "$UNKNOWN" 4
silence hik
silence unk
cg_bpffs_mount "$WORK/bpffs"
write_policies
mkdir -p "$WORK/textfile"
# umask 077: the textfile must still come out 0644 for node_exporter
umask 077
cg_write_config "$WORK" "$WORK/policies" \
	"metrics = { textfile = \"$WORK/textfile/camguard.prom\"; interval = \"1s\"; };"
umask 022
sed -i "s|^control = .*|control = { socket = \"$SOCK\"; group = \"$GROUP\"; };|" "$WORK/camguard.conf"
start_daemon || { cat "$WORK/daemon.log"; fail "daemon did not start"; finish; exit 1; }

# The socket: 0660 root:GROUP.
check_eq "socket is 0660 root:$GROUP" "660 root:$GROUP" "$(stat -c '%a %U:%G' "$SOCK")"

# --- stats equals the packets sent, per device and per policy ----------------
# One packet from each camera so that both appear as devices, then quiet.
cg_flow out hik 203.0.113.10 9999 1 >/dev/null
cg_flow out unk 203.0.113.10 9999 1 >/dev/null
N=300   # allowed: udp/123 to the site NTP host
M=500   # dropped: egress to the internet
stats
dev_pass0=$(json_get "$WORK/stats.json" 'dev(d,"'$HIK'")["pass"]["packets"]')
dev_drop0=$(json_get "$WORK/stats.json" 'dev(d,"'$HIK'")["drop"]["packets"]')
rule0=$(json_get "$WORK/stats.json" 'policy(d,"hikvision")["pass_reasons"].get("rule",0)')
egress0=$(json_get "$WORK/stats.json" 'policy(d,"hikvision")["drop_reasons"].get("egress",0)')
pol_pass0=$(json_get "$WORK/stats.json" 'policy(d,"hikvision")["pass"]["packets"]')
pol_drop0=$(json_get "$WORK/stats.json" 'policy(d,"hikvision")["drop"]["packets"]')
check_eq "allowed udp/123: all $N arrive" $N "$(cg_flow out hik 198.51.100.10 123 $N 40123)"
check_eq "egress: none of $M arrive" 0 "$(cg_flow out hik 203.0.113.10 9999 $M)"
stats
check_eq "device pass packets rose by exactly $N" $((dev_pass0 + N)) \
	"$(json_get "$WORK/stats.json" 'dev(d,"'$HIK'")["pass"]["packets"]')"
check_eq "device drop packets rose by exactly $M" $((dev_drop0 + M)) \
	"$(json_get "$WORK/stats.json" 'dev(d,"'$HIK'")["drop"]["packets"]')"
check_eq "policy pass reason 'rule' rose by exactly $N" $((rule0 + N)) \
	"$(json_get "$WORK/stats.json" 'policy(d,"hikvision")["pass_reasons"].get("rule",0)')"
check_eq "policy drop reason 'egress' rose by exactly $M" $((egress0 + M)) \
	"$(json_get "$WORK/stats.json" 'policy(d,"hikvision")["drop_reasons"].get("egress",0)')"
check_eq "policy pass packets rose by exactly $N (silent camera)" $((pol_pass0 + N)) \
	"$(json_get "$WORK/stats.json" 'policy(d,"hikvision")["pass"]["packets"]')"
check_eq "policy drop packets rose by exactly $M (silent camera)" $((pol_drop0 + M)) \
	"$(json_get "$WORK/stats.json" 'policy(d,"hikvision")["drop"]["packets"]')"
check_eq "device bytes: $M dropped datagrams of known size" \
	"$(json_get "$WORK/stats.json" 'dev(d,"'$HIK'")["drop"]["bytes"] > 0')" True

ctl --json stats --device "$HIK" > "$WORK/stats-dev.json"
check_eq "stats --device: only that device" "1 $HIK" \
	"$(json_get "$WORK/stats-dev.json" '"%d %s" % (len(d["devices"]), d["devices"][0]["mac"])')"
ctl --json stats --policy unknown --devices > "$WORK/stats-pol.json"
check_eq "stats --policy: only that policy's devices" "$UNKNOWN" \
	"$(json_get "$WORK/stats-pol.json" '" ".join(x["mac"] for x in d["devices"])')"

# The human table has the device (with --devices) and the policy.
ctl stats --devices > "$WORK/stats.txt" 2>&1
check_eq "stats (table) exits 0" 0 $?
check_grep "stats table names the device" "$HIK" "$WORK/stats.txt"
check_grep "stats table names the policy" hikvision "$WORK/stats.txt"
check_grep "stats table: the exact pass count of the device" \
	" $(json_get "$WORK/stats.json" 'dev(d,"'$HIK'")["pass"]["packets"]')  " "$WORK/stats.txt"
check_eq "stats table fits 80 columns" 0 "$(awk 'length > 80' "$WORK/stats.txt" | wc -l)"

# --- issue 16: the default stats is small; --devices adds the rows --------------
ctl --json stats > "$WORK/stats-default.json"
check_eq "default stats: no device rows in the reply" "False False" \
	"$(json_get "$WORK/stats-default.json" '"%s %s" % ("devices" in d, "device_info" in d)')"
check_eq "default stats: policies and their device counts are there" "1 1" \
	"$(json_get "$WORK/stats-default.json" '"%d %d" % (policy(d,"hikvision")["devices"], policy(d,"unknown")["devices"])')"
check_le "default stats reply is small (bytes)" 20000 "$(wc -c < "$WORK/stats-default.json")"
check_eq "stats --devices: both devices" 2 "$(json_get "$WORK/stats.json" 'len(d["devices"])')"
ctl stats > "$WORK/stats-default.txt"
check_grep "default table: a total line" "^(total) " "$WORK/stats-default.txt"
check_grep "default table: says how to get device rows" "per device: --devices" "$WORK/stats-default.txt"
check_eq "default table has no device row" 0 "$(grep -c "$HIK" "$WORK/stats-default.txt")"
timeout 5 "$CTL" -s "$SOCK" stats --watch 1 > "$WORK/watch.txt" 2>&1
check_eq "stats --watch runs until stopped (timeout: 124)" 124 $?
check_ge "stats --watch printed at least 3 tables" 3 "$(grep -c '^POLICY ' "$WORK/watch.txt")"
check_grep "stats --watch has per-second rates" "PASS/S" "$WORK/watch.txt"

# --- issue 16: cameras filters and the 80-column table ----------------------------
cameras_macs() {
	ctl --json cameras "$@" |
		python3 -c 'import json,sys; print(" ".join(sorted(c["mac"] for c in json.load(sys.stdin)["cameras"])))'
}
check_eq "cameras: both" "$UNKNOWN $HIK" "$(cameras_macs)"
check_eq "cameras --policy hikvision" "$HIK" "$(cameras_macs --policy hikvision)"
check_eq "cameras --policy unknown" "$UNKNOWN" "$(cameras_macs --policy unknown)"
check_eq "cameras --vendor hikVISION (any case)" "$HIK" "$(cameras_macs --vendor hikVISION)"
check_eq "cameras --unknown (no registry vendor)" "$UNKNOWN" "$(cameras_macs --unknown)"
check_eq "cameras --since 1h" "$UNKNOWN $HIK" "$(cameras_macs --since 1h)"
check_eq "cameras --mismatch: none here" "" "$(cameras_macs --mismatch)"
check_eq "cameras --vendor dahua --policy hikvision: none" "" \
	"$(cameras_macs --vendor dahua --policy hikvision)"
ctl cameras --policy nosuch > "$WORK/cam-nosuch.out" 2>&1
check_eq "cameras --policy nosuch exits 1" 1 $?
check_grep "cameras --policy nosuch names it" 'no policy "nosuch"' "$WORK/cam-nosuch.out"
ctl cameras --since 5x > "$WORK/cam-since.out" 2>&1
check_eq "cameras --since 5x is a usage error (2)" 2 $?
ctl cameras > "$WORK/cameras.txt"
check_eq "cameras table fits 80 columns" 0 "$(awk 'length > 80' "$WORK/cameras.txt" | wc -l)"
check_grep "cameras table: short vendor name" "$HIK  Hikvision " "$WORK/cameras.txt"
ctl cameras --wide > "$WORK/cameras-wide.txt"
check_grep "cameras --wide: every column" "FIRST SEEN" "$WORK/cameras-wide.txt"
ctl help --help > "$WORK/help-help.out" 2>&1
check_eq "camguardctl help --help exits 0" 0 $?

# --- Prometheus ----------------------------------------------------------------
ctl stats --prometheus > "$WORK/metrics.prom" 2> "$WORK/metrics.err"
check_eq "stats --prometheus exits 0" 0 $?
if command -v promtool >/dev/null 2>&1; then
	promtool check metrics < "$WORK/metrics.prom" > "$WORK/promtool.out" 2>&1
	rc=$?
	[ $rc -ne 0 ] && cat "$WORK/promtool.out"
	check_eq "promtool check metrics accepts the output" 0 $rc
else
	echo "note: promtool not installed (Debian package prometheus; tools/deps installs it): check skipped"
fi
for m in camguard_packets_total camguard_bytes_total camguard_device_drops_total \
	camguard_devices camguard_reloads_total camguard_device_info camguard_device_last_seen_seconds \
	camguard_interface_attached camguard_tamper_events_total camguard_config_info \
	camguard_enforce_mode camguard_build_info; do
	check_grep "metric $m is present" "^$m{" "$WORK/metrics.prom"
done
# The same figure as the JSON, read back from the exposition text.
prom_egress=$(python3 - "$WORK/metrics.prom" <<'PY'
import re, sys
for line in open(sys.argv[1]):
    m = re.match(r'camguard_packets_total\{([^}]*)\} (\S+)', line)
    if not m:
        continue
    labels = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(1)))
    if labels.get("policy") == "hikvision" and labels.get("verdict") == "drop" \
       and labels.get("reason") == "egress" and labels.get("direction") == "out":
        print(int(float(m.group(2))))
PY
)
stats
check_eq "prometheus egress drops of hikvision equal the JSON" \
	"$(json_get "$WORK/stats.json" 'policy(d,"hikvision")["directions"]["out"]["drop"]["reasons"]["egress"]["packets"]')" \
	"$prom_egress"

# --- the textfile the daemon writes (metrics.textfile, every 1 s) --------------
TF="$WORK/textfile/camguard.prom"
cg_wait_for test -s "$TF"
check_eq "textfile written, mode 0644 despite umask 077" 644 "$(stat -c %a "$TF" 2>/dev/null)"
if command -v promtool >/dev/null 2>&1; then
	promtool check metrics < "$TF" > "$WORK/promtool-tf.out" 2>&1
	rc=$?
	[ $rc -ne 0 ] && cat "$WORK/promtool-tf.out"
	check_eq "promtool check metrics accepts the textfile" 0 $rc
fi
check_eq "textfile has the same families as stats --prometheus" \
	"$(grep '^# TYPE' "$WORK/metrics.prom")" "$(grep '^# TYPE' "$TF")"
m1=$(stat -c %Y.%y "$TF")
sleep 2.5
check_ne "textfile rewritten every interval" "$m1" "$(stat -c %Y.%y "$TF")"
check_eq "no temporary file left beside it" "camguard.prom" "$(ls "$WORK/textfile")"
check_eq "status counts the writes, no failure" 0 \
	"$(ctl --json status | python3 -c 'import json,sys; m=json.load(sys.stdin)["metrics"]; print(0 if m["written"] >= 2 and m["failed"] == 0 else m)')"

# --- permissions ---------------------------------------------------------------
for cmd in stats cameras status; do
	as "$INSIDE" "$CTL" -s "$SOCK" --json $cmd > "$WORK/in-$cmd.json" 2> "$WORK/in-$cmd.err"
	check_eq "group member: $cmd succeeds" 0 $?
done
check_eq "group member: stats is the same JSON shape" True \
	"$(json_get "$WORK/in-stats.json" '"policies" in d and "generation" in d')"
as "$INSIDE" "$CTL" -s "$SOCK" reload > "$WORK/in-reload.out" 2>&1
check_eq "group member: reload exits 1" 1 $?
check_grep "group member: reload says EPERM" "EPERM" "$WORK/in-reload.out"
check_grep "group member: reload says it needs root" "permission denied: reload needs root" \
	"$WORK/in-reload.out"
check_eq "group member: the message is one line" 1 "$(wc -l < "$WORK/in-reload.out")"
as "$INSIDE" "$CTL" -s "$SOCK" reload --dry-run > "$WORK/in-dry.out" 2>&1
check_eq "group member: reload --dry-run exits 1 (root only)" 1 $?
as "$INSIDE" "$CTL" -s "$SOCK" --json reload > "$WORK/in-reload.json" 2>/dev/null
check_eq "group member: reload --json gives the EPERM code" EPERM \
	"$(json_get "$WORK/in-reload.json" 'd["code"]')"
ctl --json status > "$WORK/status.json"
check_eq "the refused reload did not run" 0 \
	"$(json_get "$WORK/status.json" 'd["reloads"]["ok"] + d["reloads"]["failed"]')"

for cmd in stats status; do
	as "$OUTSIDE" "$CTL" -s "$SOCK" $cmd > "$WORK/out-$cmd.out" 2>&1
	check_eq "outside the group: $cmd exits 1" 1 $?
	check_grep "outside the group: $cmd says permission denied" "permission denied" "$WORK/out-$cmd.out"
	check_grep "outside the group: $cmd names the configured control group" "control group ($GROUP)" \
		"$WORK/out-$cmd.out"
	check_eq "outside the group: $cmd message is one line" 1 "$(wc -l < "$WORK/out-$cmd.out")"
done
# The second wall: with the socket's mode opened up, the daemon itself
# refuses a peer outside the group (SO_PEERCRED).
chmod 0666 "$SOCK"
as "$OUTSIDE" "$CTL" -s "$SOCK" stats > "$WORK/out-wall.out" 2>&1
check_eq "socket opened up: outside user still refused (exit 1)" 1 $?
check_grep "socket opened up: the daemon answers EPERM" "EPERM" "$WORK/out-wall.out"
chmod 0660 "$SOCK"

# --- robustness: abuse while a camera sends ---------------------------------------
F=3000
stats; u0=$(json_get "$WORK/stats.json" 'policy(d,"unknown")["drop_reasons"].get("egress",0)')
ud0=$(json_get "$WORK/stats.json" 'dev(d,"'$UNKNOWN'")["drop"]["packets"]')
cg_udp_recv out 203.0.113.10 9996 60 > "$WORK/abuse-recv" &
RPID=$!
sleep 0.3
# ~2 ms apart: the stream spans the abuse.
cg_udp_send unk 203.0.113.10 9996 $F 0 0.002 &
SPID=$!
t0=$(date +%s%N)
python3 "$HERE/control-abuse.py" "$SOCK" "$$" > "$WORK/abuse.json" 2> "$WORK/abuse.err"
arc=$?
abuse_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
wait $SPID
sleep 0.3
cg_udp_end 203.0.113.10 9996
wait $RPID
[ $arc -ne 0 ] && cat "$WORK/abuse.err"
check_eq "abuse client ran to the end" 0 $arc
echo "# abuse took ${abuse_ms} ms: $(head -c 600 "$WORK/abuse.json")"
A="$WORK/abuse.json"
check_eq "10,000 requests sent" 10000 "$(json_get "$A" 'd["requests"]')"
check_eq "every request got exactly one reply" 10000 "$(json_get "$A" 'd["replies"]')"
check_eq "no protocol violations" 0 "$(json_get "$A" 'd["violations"]')"
check_eq "(no violation examples)" "[]" "$(json_get "$A" 'd["examples"]')"
check_eq "every line > 64 KiB got E2BIG and a close" 20 "$(json_get "$A" 'd["e2big"]')"
check_eq "valid stats in between all answered" "$(json_get "$A" 'd["valid_sent"]')" \
	"$(json_get "$A" 'd["valid_ok"]')"
check_le "valid stats never waited behind a slow client (max ms)" 500 \
	"$(json_get "$A" 'int(d["valid_max_ms"])')"
check_eq "3 slow clients (1 byte / 100 ms) answered" 3 "$(json_get "$A" 'd["slow_ok"]')"
check_eq "a pipelining client gets every reply" 2000 "$(json_get "$A" 'd["pipelined_replies"]')"
check_eq "a client that never reads is throttled (its writes block)" True \
	"$(json_get "$A" 'd["never_reads_blocked"]')"
check_eq "16 half-open clients were told nothing" 16 "$(json_get "$A" 'd["halfopen_silent"]')"
check_eq "8 half lines, completed later, answered" 8 "$(json_get "$A" 'd["halfline_completed_ok"]')"
check_eq "40 concurrent clients: 32 served" 32 "$(json_get "$A" 'd["flood_ok"]')"
check_eq "40 concurrent clients: 8 told EBUSY" 8 "$(json_get "$A" 'd["flood_busy"]')"
check_eq "valid stats after the abuse" True "$(json_get "$A" 'd["after_ok"]')"

kill -0 "$DPID" 2>/dev/null
check_eq "daemon still running" 0 $?
stats
check_eq "camguardctl stats after the abuse" 0 $?
check_eq "stream during the abuse: nothing arrived" 0 "$(cat "$WORK/abuse-recv")"
check_eq "stream during the abuse: policy egress drops rose by exactly $F" $((u0 + F)) \
	"$(json_get "$WORK/stats.json" 'policy(d,"unknown")["drop_reasons"].get("egress",0)')"
check_eq "stream during the abuse: device drops rose by exactly $F" $((ud0 + F)) \
	"$(json_get "$WORK/stats.json" 'dev(d,"'$UNKNOWN'")["drop"]["packets"]')"
ctl status >/dev/null 2>&1
check_eq "status after the abuse" 0 $?
# --- issue 16: a refused reload lists every error -----------------------------------
# (the missing comma stops its file before libconfig: the other two in another)
printf '%s\n' 'name = "broken";' 'match = { oui = [ "04:03:12"' '                  "04:EE:CD" ]; };' \
	> "$WORK/policies/broken.conf"
printf '%s\n' 'name = "broken2";' '' '' \
	'allow = ( { to = "198.51.100.0/255.255.255.192"; } );' 'action = "isolat";' \
	> "$WORK/policies/broken2.conf"
ctl reload > "$WORK/reload-bad.out" 2>&1
check_eq "reload of a broken set exits 1" 1 $?
check_grep "reload: the missing comma (line 2)" "broken.conf:2: .*two values without a comma" "$WORK/reload-bad.out"
check_grep "reload: the netmask (line 4)" 'broken2.conf:4: .*a netmask: write "198.51.100.0/26"' \
	"$WORK/reload-bad.out"
check_grep "reload: the action (line 5)" "broken2.conf:5: 'action'" "$WORK/reload-bad.out"
ctl reload --dry-run > "$WORK/dry-bad.out" 2>&1
check_eq "reload --dry-run of a broken set exits 1" 1 $?
check_grep "dry run: 3 errors" "invalid: 3 errors" "$WORK/dry-bad.out"
check_eq "dry run: every error listed" 3 "$(grep -c 'broken2\?.conf:' "$WORK/dry-bad.out")"
ctl --json reload > "$WORK/reload-bad.json" 2>&1
check_eq "reload --json: errors and errors_total" "3 3" \
	"$(json_get "$WORK/reload-bad.json" '"%d %d" % (len(d["errors"]), d["errors_total"])')"
rm -f "$WORK/policies/broken.conf" "$WORK/policies/broken2.conf"
# a copied policy file: one error, not one per prefix
cp "$WORK/policies/hikvision.conf" "$WORK/policies/hikvision-old.conf"
ctl reload --dry-run > "$WORK/dry-copy.out" 2>&1
check_eq "dry run with a copied file exits 1" 1 $?
check_grep "the copy is named once" \
	"hikvision-old.conf:1: policy 'hikvision' has the same devices as .*hikvision.conf" "$WORK/dry-copy.out"
check_eq "the copy: one line of output" 1 "$(wc -l < "$WORK/dry-copy.out")"
rm -f "$WORK/policies/hikvision-old.conf"
ctl reload > "$WORK/reload-good.out" 2>&1
check_eq "reload after the fix succeeds" 0 $?

if grep -qiE 'assert|segfault|AddressSanitizer|abort' "$WORK/daemon.log"; then
	fail "daemon log has no crash report ($(grep -iE 'assert|segfault|AddressSanitizer|abort' "$WORK/daemon.log" | head -3))"
else
	pass "daemon log has no crash report"
fi

finish
