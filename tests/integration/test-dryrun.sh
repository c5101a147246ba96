#!/usr/bin/env bash
# Integration (issue 15): `reload --dry-run` lists the flows of the last 24 h
# that the new policy set would start or stop dropping, and the reload then
# drops exactly those.
#
# A Hikvision camera under a monitor policy sends UDP to the outside host on
# four ports (IPv4 9000, 9001, 9002; IPv6 9003): all arrive, counted as
# would-drops. A Dahua camera under an isolating policy sends on 9100 and
# 9101: both dropped. The policies are then edited: hikvision isolates with
# one allow rule (udp 9000), dahua gains an allow rule (udp 9100). The dry
# run must list 9001, 9002 and 9003 as flows that would start being dropped
# (not 9000, the allowed one), and 9100 as a flow no longer dropped (not
# 9101, still dropped); the plain output must say so in its totals lines.
# After the real reload the same flows are sent again: what arrives, and the
# rows `blocked --json` shows as really dropped that were not dropped before,
# must be exactly what the dry run listed.
#
# Usage: test-dryrun.sh BUILD_DIR
set -uo pipefail

BUILD="${1:?usage: test-dryrun.sh BUILD_DIR}"
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lib/integration.sh
. "$HERE/../lib/integration.sh"

cg_integration_begin dryrun "network namespaces, BPF"

HIK=44:19:b6:00:00:01       # Hikvision MA-L 44:19:B6
DAHUA=08:ed:ed:00:00:03     # Dahua MA-L 08:ED:ED
OUT4=203.0.113.10
OUT6=2001:db8:f::2
N=10

# write_policies PHASE: 1 = hikvision monitors, dahua isolates with no
# outside rule; 2 = hikvision isolates with udp 9000 allowed, dahua gains
# udp 9100.
write_policies() {
	local hik_action=monitor hik_rule="" dahua_rule=""
	if [ "$1" = 2 ]; then
		hik_action=isolate
		hik_rule=", { to = \"$OUT4/32\"; proto = \"udp\"; ports = \"9000\"; note = \"the allowed flow\"; }"
		dahua_rule=", { to = \"$OUT4/32\"; proto = \"udp\"; ports = \"9100\"; }"
	fi
	mkdir -p "$WORK/policies"
	cat > "$WORK/policies/hikvision.conf" <<EOF2
name = "hikvision";
action = "$hik_action";
match = { oui = [ "44:19:B6" ]; };
allow = ( { to = "enclave"; } $hik_rule );
EOF2
	cat > "$WORK/policies/dahua.conf" <<EOF2
name = "dahua";
action = "isolate";
match = { oui = [ "08:ED:ED" ]; };
allow = ( { to = "enclave"; } $dahua_rule );
EOF2
	cg_policy unknown isolate
}

# arrives CAMERA DST PORT: datagrams of $N that reach the outside host.
arrives() { cg_flow out "$1" "$2" "$3" "$N"; }

# tuples FILE EXPR: the flows of a reply as sorted "mac dir address proto port"
# lines; EXPR selects the list (d: the reply).
tuples() {
	python3 - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rows = eval(sys.argv[2])
print(" | ".join(sorted("%s %s %s %s %s" % (r["mac"], r["direction"], r["address"], r["proto"], r["port"])
                        for r in rows)))
PY
}

# ---------------------------------------------------------------------------
cg_topology_create
cg_camera_add hik "$HIK" 1
cg_camera_add dahua "$DAHUA" 2
cg_bpffs_mount "$WORK/bpffs"
write_policies 1
cg_write_config "$WORK" "$WORK/policies"
start_daemon || { cat "$WORK/daemon.log"; fail "daemon did not start"; exit 1; }

# --- monitor: everything of the Hikvision camera arrives ---------------------
for p in 9000 9001 9002; do
	check_eq "monitor: udp $p arrives" $N "$(arrives hik "$OUT4" $p)"
done
check_eq "monitor: IPv6 udp 9003 arrives" $N "$(arrives hik "$OUT6" 9003)"
check_eq "isolate: dahua udp 9100 dropped" 0 "$(arrives dahua "$OUT4" 9100)"
check_eq "isolate: dahua udp 9101 dropped" 0 "$(arrives dahua "$OUT4" 9101)"
ctl --json blocked > "$WORK/before.json"
check_eq "blocked: the four monitored flows as would-drops" 4 \
	"$(json_get "$WORK/before.json" 'len([r for r in d["flows"] if r["mac"] == "'$HIK'" and r["would"] and r["proto"] == "udp" and r["port"] >= 9000])')"

# --- the new set, previewed ----------------------------------------------------
write_policies 2
ctl --json reload --dry-run > "$WORK/dry.json"
ctl reload --dry-run > "$WORK/dry.txt"
check_eq "dry run: valid" True "$(json_get "$WORK/dry.json" 'd["valid"]')"
check_eq "dry run: would start dropping 9001, 9002, [v6]:9003" \
	"$HIK out $OUT6 udp 9003 | $HIK out $OUT4 udp 9001 | $HIK out $OUT4 udp 9002" \
	"$(tuples "$WORK/dry.json" '[r for r in d["flows"]["start_drop"] if r["proto"] == "udp"]')"
check_eq "dry run: would stop dropping dahua 9100" "$DAHUA out $OUT4 udp 9100" \
	"$(tuples "$WORK/dry.json" '[r for r in d["flows"]["stop_drop"] if r["proto"] == "udp"]')"
check_eq "dry run: the allowed flow is not in the list" "[]" \
	"$(json_get "$WORK/dry.json" '[r for r in d["flows"]["start_drop"] + d["flows"]["stop_drop"] if r["port"] in (9000, 9101)]')"
check_eq "dry run: start_drop entries are policy hikvision, now would_drop, after drop" "hikvision would_drop drop" \
	"$(json_get "$WORK/dry.json" '" ".join(sorted(set("%s %s %s" % (r["policy"], r["now"], r["after"]) for r in d["flows"]["start_drop"] if r["proto"] == "udp")))')"
check_eq "dry run: the stop_drop entry passes after, by its rule" "dahua drop pass rule" \
	"$(json_get "$WORK/dry.json" '" ".join("%s %s %s %s" % (r["policy"], r["now"], r["after"], r["reason"]) for r in d["flows"]["stop_drop"])')"
start_n=$(json_get "$WORK/dry.json" 'd["flows"]["totals"]["start_drop"]["flows"]')
start_d=$(json_get "$WORK/dry.json" 'd["flows"]["totals"]["start_drop"]["devices"]')
check_ge "dry run: totals count the three flows" 3 "$start_n"
check_grep "plain: the start totals line" "^$start_n flows from $start_d camera" "$WORK/dry.txt"
check_grep "plain: the stop totals line" "^1 flow from 1 camera would no longer be dropped" "$WORK/dry.txt"
check_grep "plain: the IPv6 flow in the list" "\[$OUT6\]:9003" "$WORK/dry.txt"
ctl --json status > "$WORK/status.json"
check_eq "dry run: nothing applied (generation unchanged)" \
	"$(json_get "$WORK/dry.json" 'd["generation"]')" "$(json_get "$WORK/status.json" 'd["generation"]')"
check_eq "dry run: still monitoring, 9001 still arrives" $N "$(arrives hik "$OUT4" 9001)"

# --- the reload, and the same flows again --------------------------------------
ctl --json reload > "$WORK/reload.json"
check_eq "reload: valid" True "$(json_get "$WORK/reload.json" 'd["valid"]')"
check_eq "after: the allowed flow 9000 arrives" $N "$(arrives hik "$OUT4" 9000)"
check_eq "after: 9001 dropped" 0 "$(arrives hik "$OUT4" 9001)"
check_eq "after: 9002 dropped" 0 "$(arrives hik "$OUT4" 9002)"
check_eq "after: IPv6 9003 dropped" 0 "$(arrives hik "$OUT6" 9003)"
check_eq "after: dahua 9100 arrives" $N "$(arrives dahua "$OUT4" 9100)"
check_eq "after: dahua 9101 still dropped" 0 "$(arrives dahua "$OUT4" 9101)"
ctl --json blocked > "$WORK/after.json"
# really dropped now and not before, by tuple: what the dry run said
newly=$(python3 - "$WORK/before.json" "$WORK/after.json" <<'PY'
import json, sys
def dropped(f):
    return {(r["mac"], r["direction"], r["address"], r["proto"], r["port"])
            for r in json.load(open(f))["flows"] if not r["would"]}
new = dropped(sys.argv[2]) - dropped(sys.argv[1])
print(" | ".join(sorted("%s %s %s %s %s" % t for t in new if t[3] == "udp")))
PY
)
check_eq "blocked after the reload: the newly dropped flows are the dry run's list" \
	"$(tuples "$WORK/dry.json" '[r for r in d["flows"]["start_drop"] if r["proto"] == "udp"]')" "$newly"
check_eq "blocked after the reload: no new packets on dahua 9100's dropped row" \
	"$(json_get "$WORK/before.json" 'sum(r["packets"] for r in d["flows"] if r["port"] == 9100 and not r["would"])')" \
	"$(json_get "$WORK/after.json" 'sum(r["packets"] for r in d["flows"] if r["port"] == 9100 and not r["would"])')"

# --- the same dry run once applied: nothing left to change ---------------------
ctl --json reload --dry-run > "$WORK/dry2.json"
check_eq "dry run after the reload: nothing would start being dropped" 0 \
	"$(json_get "$WORK/dry2.json" 'd["flows"]["totals"]["start_drop"]["flows"]')"
check_eq "dry run after the reload: nothing would stop" 0 \
	"$(json_get "$WORK/dry2.json" 'd["flows"]["totals"]["stop_drop"]["flows"]')"

finish
