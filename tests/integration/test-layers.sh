#!/usr/bin/env bash
# Integration: the nftables layer under the real daemon. With the BPF filters
# gone (daemon killed, then `tc filter del`), an isolated camera still cannot
# reach the outside host in either direction, and the nft counters equal the
# packets sent; with the daemon running, a flushed or deleted table is
# restored and counted as tampering, and an admin's own table is untouched;
# enforce = "monitor" passes an isolated camera's traffic through both layers
# as would-drops until a reload sets enforce = "policy" again (issue 15). A
# start whose BPF load fails leaves the table it programmed (issue 19).
# Usage: test-layers.sh BUILD_DIR
set -uo pipefail

BUILD="${1:?usage: test-layers.sh BUILD_DIR}"
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lib/integration.sh
. "$HERE/../lib/integration.sh"

cg_integration_begin layers "network namespaces, BPF, nftables"
HIK=44:19:b6:00:00:01
mkdir -p "$WORK/policies"
cg_policy hikvision isolate 44:19:B6
cg_policy unknown isolate

cg_topology_create
cg_camera_add hik "$HIK" 1
cg_bpffs_mount "$WORK/bpffs"
# An admin's own table, as on a host that already had a firewall.
cg_exec rec nft -f - <<'EOF'
table inet filter {
	chain forward {
		type filter hook forward priority 0; policy drop;
		ct state established,related accept
		iifname "cam0" oifname "up0" accept
		iifname "up0" oifname "cam0" accept
	}
}
EOF
cg_exec rec nft list table inet filter > "$WORK/admin.before"
CG_NFTABLES=true cg_write_config "$WORK" "$WORK/policies"
start_daemon || { cat "$WORK/daemon.log"; fail "daemon did not start"; finish; exit 1; }

cg_exec rec nft list table inet camguard >/dev/null 2>&1
check_eq "the daemon programmed table inet camguard" 0 $?
ctl --json status > "$WORK/status.json"
check_eq "status shows the nftables table" True "$(json_get "$WORK/status.json" 'd["nftables"]["present"]')"

# The camera speaks once so that both layers know it (nft learns its address).
cg_exec hik ping -c1 -W1 192.0.2.1 >/dev/null 2>&1
cg_flow out hik 203.0.113.10 9999 5 >/dev/null

# --- BPF gone: nftables alone ----------------------------------------------
kill -9 "$DPID"; wait "$DPID" 2>/dev/null; DPID=""
cg_exec rec tc filter del dev cam0 ingress
cg_exec rec tc filter del dev cam0 egress
cg_exec rec tc filter show dev cam0 ingress | grep cg_ >/dev/null
check_ne "BPF filters removed" 0 $?
N=200
out0=$(nft_counter "hikvision out egress")
check_eq "nft alone: camera -> internet reaches nothing" 0 "$(cg_flow out hik 203.0.113.10 9999 $N)"
check_eq "nft alone: out counter equals packets sent" $((out0 + N)) "$(nft_counter "hikvision out egress")"
in0=$(nft_counter "hikvision in ingress")
check_eq "nft alone: internet -> camera reaches nothing" 0 "$(cg_flow hik out 192.0.2.11 8080 $N)"
check_eq "nft alone: in counter equals packets sent" $((in0 + N)) "$(nft_counter "hikvision in ingress")"
check_eq "nft alone: camera -> recorder (enclave) still works" $N "$(cg_flow rec hik 192.0.2.1 5554 $N)"

# --- daemon back: tampering with the table is repaired and counted ---------
start_daemon || fail "restart failed"
ctl --json status > "$WORK/status.json"
t0=$(json_get "$WORK/status.json" 'd["tamper"]["events"]')
cg_exec rec nft flush table inet camguard
sleep 3
cg_exec rec nft list table inet camguard | grep "hikvision out egress" >/dev/null
check_eq "flushed table restored" 0 $?
cg_exec rec nft delete table inet camguard
sleep 3
cg_exec rec nft list table inet camguard >/dev/null 2>&1
check_eq "deleted table restored" 0 $?
ctl --json status > "$WORK/status.json"
check_ge "both counted as tampering" $((t0 + 2)) "$(json_get "$WORK/status.json" 'd["tamper"]["events"]')"

cg_exec rec nft list table inet filter > "$WORK/admin.after"
cmp -s "$WORK/admin.before" "$WORK/admin.after"
check_eq "the admin's table is unchanged" 0 $?
check_eq "isolation holds with the admin's table present" 0 "$(cg_flow out hik 203.0.113.10 9999 50)"

# --- enforce = "monitor" (issue 15): one camguard.conf line turns the isolate
# policy into monitor in both layers at once (a packet arrives only if the
# BPF programs and the nftables forward chain both pass it), counted as a
# would-drop; a bad value is refused and changes nothing; a reload back to
# "policy" drops again. ---------------------------------------------------------
stats() { ctl --json stats > "$WORK/stats.json"; }
hik() { json_get "$WORK/stats.json" "policy(d,\"hikvision\")$1"; }
stats; w0=$(hik '["would_drop_reasons"]["egress"]'); e0=$(hik '["drop_reasons"]["egress"]')
nm0=$(nft_counter "hikvision out monitor")
CG_NFTABLES=true cg_write_config "$WORK" "$WORK/policies" 'enforce = "monitor";'
ctl reload --dry-run > "$WORK/dry.out" 2>&1
check_grep "dry run: the mode would change" "enforce would change from policy to monitor" "$WORK/dry.out"
ctl reload > "$WORK/reload.out" 2>&1
check_eq "reload into enforce = monitor" 0 $?
check_grep "the reload says the mode changed" "enforce changed from policy to monitor" "$WORK/reload.out"
cg_exec hik ping -c1 -W1 192.0.2.1 >/dev/null 2>&1
check_eq "enforce monitor: camera -> internet passes both layers" $N "$(cg_flow out hik 203.0.113.10 9996 $N)"
check_eq "enforce monitor: internet -> camera passes both layers" $N "$(cg_flow hik out 192.0.2.11 8081 $N)"
stats
check_eq "enforce monitor: counted as would-drop egress" $((w0 + N)) "$(hik '["would_drop_reasons"]["egress"]')"
check_eq "enforce monitor: no egress drop" "$e0" "$(hik '["drop_reasons"]["egress"]')"
check_eq "enforce monitor: nftables counted it as monitor" $((nm0 + N)) "$(nft_counter "hikvision out monitor")"
check_eq "stats: enforce and the action in effect" "monitor monitor isolate" \
	"$(json_get "$WORK/stats.json" 'd["enforce"]+" "+policy(d,"hikvision")["action"]+" "+policy(d,"hikvision")["policy_action"]')"
ctl stats > "$WORK/stats.txt"
check_grep "stats: the header line" "^enforce = monitor: isolate policies (monitor\*)" "$WORK/stats.txt"
check_grep "stats: the policy reads monitor*" "^hikvision  *monitor\*" "$WORK/stats.txt"
ctl --json status > "$WORK/status.json"
check_eq "status: enforce" monitor "$(json_get "$WORK/status.json" 'd["enforce"]')"
ctl --json blocked --would > "$WORK/blocked.json"
check_eq "blocked --would: the flow, every packet" $N \
	"$(json_get "$WORK/blocked.json" "sum(f['packets'] for f in d['flows'] if f['mac']=='$HIK' and f['port']==9996 and f['would'])")"
ctl stats --prometheus > "$WORK/metrics.txt"
echo "# the series of this run (for tests/monitoring):"
grep -E '^camguard_enforce_mode|^camguard_packets_total\{policy="hikvision",direction="out",verdict="(would_)?drop",reason="(egress|non_ip|port)"' \
	"$WORK/metrics.txt" | sed 's/^/#   /'
check_grep "metrics: enforce mode monitor 1" '^camguard_enforce_mode{mode="monitor"} 1$' "$WORK/metrics.txt"
check_grep "metrics: enforce mode policy 0" '^camguard_enforce_mode{mode="policy"} 0$' "$WORK/metrics.txt"
check_grep "metrics: would_drop egress per policy" \
	"^camguard_packets_total{policy=\"hikvision\",direction=\"out\",verdict=\"would_drop\",reason=\"egress\"} $((w0 + N))\$" \
	"$WORK/metrics.txt"

# a bad value: refused with file:line, still monitor
CG_NFTABLES=true cg_write_config "$WORK" "$WORK/policies" 'enforce = "isolate";'
line=$(grep -n '^enforce' "$WORK/camguard.conf" | cut -d: -f1)
ctl reload > "$WORK/reload.out" 2>&1
check_ne "enforce = \"isolate\" is refused" 0 $?
check_grep "the error names file and line" "camguard.conf:$line: 'enforce': invalid value \"isolate\"" "$WORK/reload.out"
stats; w2=$(hik '["would_drop_reasons"]["egress"]')
check_eq "after the refused reload: still monitor" $N "$(cg_flow out hik 203.0.113.10 9996 $N)"
stats
check_eq "after the refused reload: still counted as would-drops" $((w2 + N)) "$(hik '["would_drop_reasons"]["egress"]')"

# back to "policy": dropped again by both layers, counted as drops
CG_NFTABLES=true cg_write_config "$WORK" "$WORK/policies" 'enforce = "policy";'
ctl reload > "$WORK/reload.out" 2>&1
check_eq "reload back to enforce = policy" 0 $?
stats; w1=$(hik '["would_drop_reasons"]["egress"]'); e1=$(hik '["drop_reasons"]["egress"]')
check_eq "enforce policy: camera -> internet dropped again" 0 "$(cg_flow out hik 203.0.113.10 9996 $N)"
check_eq "enforce policy: internet -> camera dropped again" 0 "$(cg_flow hik out 192.0.2.11 8081 $N)"
stats
check_eq "enforce policy: counted as egress drops" $((e1 + N)) "$(hik '["drop_reasons"]["egress"]')"
check_eq "enforce policy: no new would-drops" "$w1" "$(hik '["would_drop_reasons"]["egress"]')"
check_eq "stats: back to isolate" "policy isolate" \
	"$(json_get "$WORK/stats.json" 'd["enforce"]+" "+policy(d,"hikvision")["action"]')"

# --- --unload removes what camguard made, and nothing else -----------------
kill "$DPID"; wait "$DPID" 2>/dev/null; DPID=""
cg_exec rec "$CAMGUARDD" --unload -c "$WORK/camguard.conf" > "$WORK/unload.out" 2>&1
check_eq "camguardd --unload succeeds" 0 $?
cg_exec rec nft list table inet camguard >/dev/null 2>&1
check_ne "--unload removed table inet camguard" 0 $?
cg_exec rec tc filter show dev cam0 ingress | grep cg_ >/dev/null
check_ne "--unload removed the filters" 0 $?
test -e "$CG_BPFFS/camguard/cg_pol_stats"
check_ne "--unload removed the pins" 0 $?
cg_exec rec nft list table inet filter > "$WORK/admin.after"
cmp -s "$WORK/admin.before" "$WORK/admin.after"
check_eq "--unload left the admin's table alone" 0 $?

# --- a start whose BPF load fails (issue 19): the table is programmed beside
# the load, so it exists when the load fails; the start fails and leaves it,
# enforcing alone, as a start that failed after the table always did (fail-
# closed). The load is made to fail by a pinned cg_conf of another shape
# (libbpf refuses to reuse it). ------------------------------------------------
cg_exec hik ping -c1 -W1 192.0.2.1 >/dev/null 2>&1
check_eq "unloaded: camera -> internet passes (control)" 50 "$(cg_flow out hik 203.0.113.10 9997 50)"
mkdir -p "$CG_BPFFS/camguard"
bpftool map create "$CG_BPFFS/camguard/cg_conf" type array key 4 value 4 entries 1 name cg_conf
check_eq "an incompatible cg_conf pinned" 0 $?
cg_exec rec timeout 120 "$CAMGUARDD" -v -c "$WORK/camguard.conf" > "$WORK/failed-start.log" 2>&1
rc=$?
check_eq "the start fails (exit 1, not the timeout)" 1 "$rc"
check_grep "the BPF load failed" "Failed to load the BPF programs" "$WORK/failed-start.log"
check_grep "the table was programmed beside it" "nftables table inet camguard programmed" "$WORK/failed-start.log"
cg_exec rec nft list table inet camguard | grep "hikvision out egress" >/dev/null
check_eq "failed start: the table stays" 0 $?
cg_exec hik ping -c1 -W1 192.0.2.1 >/dev/null 2>&1
check_eq "failed start: camera -> internet reaches nothing" 0 "$(cg_flow out hik 203.0.113.10 9997 50)"
cg_exec rec "$CAMGUARDD" --unload -c "$WORK/camguard.conf" > "$WORK/unload.out" 2>&1
cg_exec rec nft list table inet camguard >/dev/null 2>&1
check_ne "--unload removes it" 0 $?
finish
