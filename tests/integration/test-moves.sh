#!/usr/bin/env bash
# Integration (issue 20): a reload that moves a camera to another policy —
# by a `devices` entry, by an OUI now claimed by another policy, and back —
# shows the new policy in `cameras --json`, `stats --json`, `stats
# --prometheus` and `blocked` the moment the reload returns, and the traffic
# the outside host receives shows it enforced. `reload --dry-run` lists
# exactly the moves the reload then does; each move is logged once and
# counted in `status`; the device's counters keep their history. A kill -9
# right after a reload keeps the moved state, and a start after the files
# changed while no daemon ran moves the device then ("start").
#
# Usage: test-moves.sh BUILD_DIR
set -uo pipefail

BUILD="${1:?usage: test-moves.sh BUILD_DIR}"
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lib/integration.sh
. "$HERE/../lib/integration.sh"

cg_integration_begin moves "network namespaces, BPF"

HIK1=44:19:b6:00:00:01      # Hikvision MA-L 44:19:B6: the camera moved by a devices entry
HIK2=44:19:b6:00:00:02      # the same OUI, never moved: the control
DAHUA=08:ed:ed:00:00:03     # Dahua MA-L 08:ED:ED: moved by its OUI
OUTSIDE=203.0.113.10        # the outside host; hikvision may send to it on udp/9000
N=20

# write_policies Q DAHUA_OUI: Q=1 puts $HIK1 into quarantine by a devices
# entry; DAHUA_OUI names the policy that lists 08:ED:ED (dahua | hikvision).
write_policies() {
	local q="$1" dahua_oui="$2" hik_ouis='"44:19:B6"' dahua_match='match = { oui = [ "08:ED:ED" ]; };' qmatch=""
	if [ "$dahua_oui" = hikvision ]; then
		hik_ouis='"44:19:B6", "08:ED:ED"'
		dahua_match=""
	fi
	[ "$q" = 1 ] && qmatch="match = { devices = ( { mac = \"$HIK1\"; note = \"under investigation\"; } ); };"
	mkdir -p "$WORK/policies"
	cat > "$WORK/policies/hikvision.conf" <<EOF2
name = "hikvision";
action = "isolate";
match = { oui = [ $hik_ouis ]; };
allow = ( { to = "enclave"; },
          { to = "$OUTSIDE/32"; proto = "udp"; ports = "9000"; note = "the outside host"; } );
EOF2
	cat > "$WORK/policies/dahua.conf" <<EOF2
name = "dahua";
action = "isolate";
$dahua_match
allow = ( { to = "enclave"; } );
EOF2
	cat > "$WORK/policies/quarantine.conf" <<EOF2
name = "quarantine";
action = "isolate";
$qmatch
allow = ( { to = "enclave"; } );
EOF2
	cg_policy unknown isolate
}

# arrives CAMERA: datagrams of $N from CAMERA that reach the outside host.
# The receiver is bound before the first one leaves, so that 0 means dropped.
bound() { cg_exec out ss -Hlun "sport = :9000" | grep -q 9000; }
arrives() {
	local got="$WORK/arrived" rpid
	cg_udp_recv out "$OUTSIDE" 9000 30 > "$got" &
	rpid=$!
	cg_wait_for bound || echo "receiver did not bind" >&2
	cg_udp_send "$1" "$OUTSIDE" 9000 "$N"
	sleep 0.3
	cg_udp_end "$OUTSIDE" 9000
	wait "$rpid"
	cat "$got"
}

# views MAC: MAC's policy in cameras.json, stats.json devices[] and
# device_info[], on one line (one python start: they are slow on a busy host).
views() {
	python3 - "$WORK" "$1" <<'PY'
import json, sys
w, mac = sys.argv[1], sys.argv[2]
cam = json.load(open(w + "/cameras.json"))
st = json.load(open(w + "/stats.json"))
def pol(lst):
    return next((x["policy"] for x in lst if x["mac"] == mac), "(absent)")
print(pol(cam["cameras"]), pol(st["devices"]), pol(st["device_info"]))
PY
}

# shown LABEL MAC POLICY: every view shows MAC under POLICY — read at once,
# with no waiting, right after the reload returned.
shown() {
	local label="$1" mac="$2" want="$3" cam st info
	ctl --json cameras > "$WORK/cameras.json"
	ctl --json stats --devices > "$WORK/stats.json"
	ctl stats --prometheus > "$WORK/prom.txt"
	read -r cam st info <<< "$(views "$mac")"
	check_eq "$label: cameras --json" "$want" "$cam"
	check_eq "$label: stats --json devices[]" "$want" "$st"
	check_eq "$label: stats --json device_info[]" "$want" "$info"
	check_eq "$label: prometheus device series all under $want" \
		"$(grep -c "^camguard_device_packets_total{mac=\"$mac\"," "$WORK/prom.txt")" \
		"$(grep -c "^camguard_device_packets_total{mac=\"$mac\",vendor=\"[^\"]*\",policy=\"$want\"," "$WORK/prom.txt")"
	check_ge "$label: prometheus device series exist" 1 \
		"$(grep -c "^camguard_device_packets_total{mac=\"$mac\"," "$WORK/prom.txt")"
	check_eq "$label: prometheus device_info" 1 \
		"$(grep -c "^camguard_device_info{mac=\"$mac\",.*policy=\"$want\"[,}].* 1$" "$WORK/prom.txt")"
}

# reload_moves LABEL WANT: dry run, then the reload; both lists of moves
# ("mac:from>to" words, in reply order) must be WANT. Sets GEN.
reload_moves() {
	local label="$1" want="$2" out
	ctl --json reload --dry-run > "$WORK/dry.json"
	ctl --json reload > "$WORK/reload.json"
	mapfile -t out < <(python3 - "$WORK" <<'PY'
import json, sys
for f in ("dry", "reload"):
    d = json.load(open("%s/%s.json" % (sys.argv[1], f)))
    print(" ".join("%s:%s>%s" % (c["mac"], c["from"], c["to"]) for c in d["changes"]))
print(d["generation"])
PY
)
	check_eq "$label: dry run lists the moves" "$want" "${out[0]-}"
	check_eq "$label: the reload does the moves the dry run listed" "${out[0]-}" "${out[1]-}"
	GEN=${out[2]-}
}

# logged MAC FROM TO CAUSE: the move's log line, exactly once.
logged() {
	check_eq "log: $1 $2 -> $3 ($4) once" 1 \
		"$(grep -c -F "$1: policy $2 → $3 ($4, generation $GEN)" "$WORK/daemon.log")"
}

devpkts() { json_get "$WORK/stats.json" 'dev(d,"'"$1"'")["'"$2"'"]["packets"]'; }
poltotal() { json_get "$WORK/stats.json" 'total(policy(d,"'"$1"'"))'; }
known() { ctl --json cameras > "$WORK/poll.json" && [ "$(json_get "$WORK/poll.json" 'dev(d,"'"$1"'")["policy"]')" = "$2" ]; }

# ---------------------------------------------------------------------------
cg_topology_create
cg_camera_add hik1 "$HIK1" 1
cg_camera_add hik2 "$HIK2" 2
cg_camera_add dahua "$DAHUA" 3
cg_bpffs_mount "$WORK/bpffs"
write_policies 0 dahua
CG_NFTABLES=true cg_write_config "$WORK" "$WORK/policies"
start_daemon || { cat "$WORK/daemon.log"; fail "daemon did not start"; exit 1; }

# --- before any move: the controls -------------------------------------------
check_eq "hikvision camera reaches the outside host" $N "$(arrives hik1)"
check_eq "second hikvision camera reaches it" $N "$(arrives hik2)"
check_eq "dahua camera does not" 0 "$(arrives dahua)"
for m in "$HIK1 hikvision" "$HIK2 hikvision" "$DAHUA dahua"; do
	# shellcheck disable=SC2086
	cg_wait_for known $m || fail "inventory: $m"
done
reload_moves "no change" ""
ctl --json stats --devices > "$WORK/stats.json"
hik1_pass=$(devpkts "$HIK1" pass)
hik_total=$(poltotal hikvision)
check_ge "hik1 counted before the move" $N "$hik1_pass"

# --- move 1: a devices entry in another policy -------------------------------
write_policies 1 dahua
reload_moves "devices entry" "$HIK1:hikvision>quarantine"
shown "devices entry" "$HIK1" quarantine
shown "devices entry, control" "$HIK2" hikvision
# (>=: the camera's own ND and MLD frames keep counting)
check_ge "devices entry: counters keep their history" "$hik1_pass" "$(devpkts "$HIK1" pass)"
check_ge "devices entry: the old policy keeps the traffic it decided" "$hik_total" "$(poltotal hikvision)"
check_eq "devices entry: stats --policy quarantine lists the camera" "['$HIK1']" \
	"$(json_get <(ctl --json stats --policy quarantine --devices) '[x["mac"] for x in d["devices"]]')"
check_eq "devices entry: camguard_devices{policy=quarantine}" 1 \
	"$(sed -n 's/^camguard_devices{policy="quarantine"} //p' "$WORK/prom.txt")"
logged "$HIK1" hikvision quarantine reload
ctl --json status > "$WORK/status.json"
check_eq "status: moves" "1 $HIK1: policy hikvision → quarantine (reload, generation $GEN)" \
	"$(json_get "$WORK/status.json" '"%d %s" % (d["moves"]["total"], d["moves"]["last"])')"
check_eq "devices entry: enforced, nothing arrives" 0 "$(arrives hik1)"
check_eq "devices entry: the control still arrives" $N "$(arrives hik2)"
ctl --json stats --devices > "$WORK/stats.json"
check_ge "devices entry: pass history kept under the new policy" "$hik1_pass" "$(devpkts "$HIK1" pass)"
check_ge "devices entry: the drops are counted on the device" $N "$(devpkts "$HIK1" drop)"
check_ge "devices entry: ... and on quarantine" $N "$(poltotal quarantine)"
cg_wait_for sh -c "\"\$0\" -s \"\$1\" --json blocked | grep -q 9000" "$CTL" "$SOCK" ||
	true  # drop samples arrive through the ring buffer
check_eq "blocked: the camera under quarantine" quarantine \
	"$(json_get <(cg_exec rec "$CTL" -s "$SOCK" --json blocked) 'dev(d,"'"$HIK1"'")["policy"]')"

# --- move 2: the OUI is now claimed by another policy ------------------------
write_policies 1 hikvision
reload_moves "OUI" "$DAHUA:dahua>hikvision"
shown "OUI" "$DAHUA" hikvision
shown "OUI, the quarantined camera stays" "$HIK1" quarantine
logged "$DAHUA" dahua hikvision reload
check_eq "OUI: enforced, the dahua camera now arrives" $N "$(arrives dahua)"

# --- and back: both in one reload --------------------------------------------
write_policies 0 dahua
reload_moves "back" "$DAHUA:hikvision>dahua $HIK1:quarantine>hikvision"
shown "back" "$HIK1" hikvision
shown "back" "$DAHUA" dahua
check_eq "back: blocked shows the camera's policy now" hikvision \
	"$(json_get <(ctl --json blocked) 'dev(d,"'"$HIK1"'")["policy"]')"
logged "$HIK1" quarantine hikvision reload
logged "$DAHUA" hikvision dahua reload
check_eq "status: moves.total" 4 "$(json_get <(ctl --json status) 'd["moves"]["total"]')"
check_eq "back: hik1 arrives again" $N "$(arrives hik1)"
check_eq "back: dahua does not" 0 "$(arrives dahua)"
ctl --json stats --devices > "$WORK/stats.json"
check_ge "back: the device total keeps everything it sent" $((hik1_pass + N)) "$(devpkts "$HIK1" pass)"
reload_moves "nothing left to move" ""
ctl reload > "$WORK/reload.txt"
check_grep "reload table: no device changed" "0 devices changed policy" "$WORK/reload.txt"

# --- kill -9 right after a reload: the moved state is on disk ----------------
write_policies 1 dahua
# Killed the moment the reload returns: no periodic save can have run.
ctl --json reload > "$WORK/reload.json"
kill -9 "$DPID"; wait "$DPID" 2>/dev/null; DPID=""
check_eq "before kill -9: the reload moved the camera" "$HIK1:hikvision>quarantine" \
	"$(json_get "$WORK/reload.json" '" ".join("%s:%s>%s" % (c["mac"], c["from"], c["to"]) for c in d["changes"])')"
check_eq "state file: the moved policy" quarantine \
	"$(json_get "$WORK/state/inventory.json" 'dev(d,"'"$HIK1"'")["policy"]')"
start_daemon || { cat "$WORK/daemon.log"; fail "restart failed"; exit 1; }
shown "after kill -9" "$HIK1" quarantine
check_eq "after kill -9: no move at the start (the state was saved)" 0 \
	"$(grep -c -F "(start, generation" "$WORK/daemon.log")"
check_eq "after kill -9: enforced" 0 "$(arrives hik1)"
check_eq "after kill -9: control" $N "$(arrives hik2)"

# --- the files change while no daemon runs: the start moves the device -------
kill -9 "$DPID"; wait "$DPID" 2>/dev/null; DPID=""
write_policies 0 dahua
start_daemon || { cat "$WORK/daemon.log"; fail "restart failed"; exit 1; }
GEN=$(json_get <(ctl --json status) 'd["generation"]')
shown "changed while stopped" "$HIK1" hikvision
logged "$HIK1" quarantine hikvision start
check_eq "status after the start: moves.total" 1 "$(json_get <(ctl --json status) 'd["moves"]["total"]')"
check_eq "changed while stopped: enforced" $N "$(arrives hik1)"

ctl status > "$WORK/status.txt"
check_grep "status table: the moves line" "moves: *1 devices moved to another policy, last: $HIK1" "$WORK/status.txt"

finish
