#!/usr/bin/env bash
# Integration: the nftables layer under the real daemon. With the BPF filters
# gone (daemon killed, then `tc filter del`), an isolated camera still cannot
# reach the outside host in either direction, and the nft counters equal the
# packets sent; with the daemon running, a flushed or deleted table is
# restored and counted as tampering, and an admin's own table is untouched.
# Usage: test-layers.sh BUILD_DIR
set -uo pipefail

BUILD="${1:?usage: test-layers.sh BUILD_DIR}"
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lib/integration.sh
. "$HERE/../lib/integration.sh"

cg_integration_begin layers "network namespaces, BPF, nftables"
HIK=44:19:b6:00:00:01
mkdir -p "$WORK/policies"
cat > "$WORK/policies/hikvision.conf" <<'EOF'
name = "hikvision";
action = "isolate";
match = { oui = [ "44:19:B6" ]; };
allow = ( { to = "enclave"; } );
EOF
cat > "$WORK/policies/unknown.conf" <<'EOF'
name = "unknown";
action = "isolate";
allow = ( { to = "enclave"; } );
EOF

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
finish
