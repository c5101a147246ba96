#!/usr/bin/env bash
# Integration (issue 18): cameras in namespaces announce firmware (Hikvision
# SADP, Dahua DHIP); the real camguardd matches them against the shipped
# policies/advisories.conf plus an advisories.d/ entry; `cameras
# --vulnerable`, `advisories`, camguard_device_vulnerable; a policy with
# match.advisory takes the affected cameras (reload --dry-run shows the
# move first), traffic shows its stricter rules enforced (counted at the
# destination, with an unaffected camera as control), and a "firmware
# update" announcement moves each camera back.
#
# Usage: test-advisory.sh BUILD_DIR
set -uo pipefail

BUILD="${1:?usage: test-advisory.sh BUILD_DIR}"
HERE="$(cd "$(dirname "$0")" && pwd)"
SRC="$(cd "$HERE/../.." && pwd)"
# shellcheck source=../lib/integration.sh
. "$HERE/../lib/integration.sh"
# shellcheck source=../lib/announce.sh
. "$HERE/../lib/announce.sh"


cg_integration_begin adv "network namespaces, BPF"

HIK=44:19:b6:00:00:11     # DS-2CD2142F-I, V5.4.0 build 160530: CVE-2017-7921 (ICSA-17-124-01)
HIK2=44:19:b6:00:00:12    # DS-2CD2143G0-I, V5.7.3 build 220112: nothing (the control)
DAHUA=08:ed:ed:00:00:13   # IPC-HFW3241E-SA, 2.800.0000000.13.R: the local entry; 33044 unknown
HIK_FW_OLD="V5.4.0 build 160530"
HIK_FW_FIXED="V5.4.5 build 170123"
DAHUA_FW_OLD=2.800.0000000.13.R
DAHUA_FW_FIXED=2.800.0000000.25.R
OUTSIDE=198.51.100.10      # a server outside the enclave the vendor policies allow (UDP 9000)

write_policies() {
	mkdir -p "$WORK/policies" "$WORK/etc/advisories.d"
	for v in hikvision:44:19:B6 dahua:08:ED:ED; do
		cat > "$WORK/policies/${v%%:*}.conf" <<EOP
name = "${v%%:*}";
action = "isolate";
match = { oui = [ "${v#*:}" ]; };
allow = ( { to = "enclave"; }, { to = "$OUTSIDE/32"; proto = "udp"; ports = "9000"; } );
EOP
	done
	cg_policy unknown isolate
	cp "$SRC/policies/advisories.conf" "$WORK/etc/advisories.conf"
	# An admin's own entry beside the shipped list: a version range for
	# the Dahua camera (the shipped Dahua entries are by build date).
	cat > "$WORK/etc/advisories.d/local.conf" <<'EOP'
advisories = (
  { cve = "CVE-2099-0002"; vendor = "Dahua"; models = [ "IPC-HFW3241E*" ];
    affected = { from = "2.800.0000000.0.R"; before = "2.800.0000000.25.R"; };
    fixed = "2.800.0000000.25.R"; severity = "high";
    source = { id = "TEST-LOCAL"; url = "https://example.invalid/advisory"; }; }
);
EOP
}

# The stricter policy: only the enclave, no outside server.
write_exposed() {
	cat > "$WORK/policies/exposed.conf" <<'EOP'
name = "exposed";
action = "isolate";
match = { advisory = [ "CVE-2017-7921", "CVE-2099-0002" ]; };
allow = ( { to = "enclave"; note = "recorder only until patched"; } );
EOP
}

cameras() { ctl --json cameras > "$WORK/cameras.json"; }
field() { json_get "$WORK/cameras.json" 'dev(d,"'"$1"'")["'"$2"'"]'; }
is_policy() { ctl --json cameras > "$WORK/poll.json" && [ "$(json_get "$WORK/poll.json" 'dev(d,"'"$1"'")["policy"]')" = "$2" ]; }
has_fw() { ctl --json cameras > "$WORK/poll.json" && [ "$(json_get "$WORK/poll.json" 'dev(d,"'"$1"'")["firmware"]')" = "$2" ]; }
# out_flow CAMERA: datagrams from CAMERA to the outside server that arrive there.
out_flow() { cg_flow out "$1" "$OUTSIDE" 9000 20; }

# ---------------------------------------------------------------------------
cg_topology_create
cg_camera_add hik "$HIK" 1
cg_camera_add hik2 "$HIK2" 2
cg_camera_add dahua "$DAHUA" 3
cg_bpffs_mount "$WORK/bpffs"
write_policies
cg_write_config "$WORK" "$WORK/policies" "advisories = \"$WORK/etc/advisories.conf\";"
"$BUILD/daemon/camguardd" --check -c "$WORK/camguard.conf" > "$WORK/check.txt" 2>&1
check_grep "--check: advisories loaded (11 shipped + 1 local)" "^advisories: 12 entries (11 on CISA KEV)" "$WORK/check.txt"
start_daemon || { cat "$WORK/daemon.log"; fail "daemon did not start"; exit 1; }

# Baseline: the vendor policy lets each camera reach the outside server.
check_eq "before: $HIK reaches $OUTSIDE:9000 (hikvision policy)" 20 "$(out_flow hik)"
check_eq "before: $DAHUA reaches $OUTSIDE:9000 (dahua policy)" 20 "$(out_flow dahua)"

send_sadp hik "$HIK" DS-2CD2142F-I "$HIK_FW_OLD" DS-2CD2142F-I20160601AAWR500000001
send_sadp hik2 "$HIK2" DS-2CD2143G0-I "V5.7.3 build 220112" DS-2CD2143G0-I20220101AAWRC0000002
send_dhip dahua "$DAHUA" IPC-HFW3241E-SA "$DAHUA_FW_OLD" 6G0B1C2PAZ00013
cg_wait_for has_fw "$HIK" "$HIK_FW_OLD"
cg_wait_for has_fw "$HIK2" "V5.7.3 build 220112"
cg_wait_for has_fw "$DAHUA" "$DAHUA_FW_OLD"

# --- matches -------------------------------------------------------------------------
cameras
check_eq "hik: vulnerable" True "$(field "$HIK" vulnerable)"
check_eq "hik: CVE-2017-7921 exact" exact \
	"$(json_get "$WORK/cameras.json" '[a["confidence"] for a in dev(d,"'$HIK'")["advisories"] if a["cve"]=="CVE-2017-7921"][0]')"
check_eq "hik: fixed version of its series" "$HIK_FW_FIXED" \
	"$(json_get "$WORK/cameras.json" '[a["fixed"] for a in dev(d,"'$HIK'")["advisories"] if a["cve"]=="CVE-2017-7921"][0]')"
check_eq "hik: on CISA KEV" True \
	"$(json_get "$WORK/cameras.json" '[a["kev"] for a in dev(d,"'$HIK'")["advisories"] if a["cve"]=="CVE-2017-7921"][0]')"
check_eq "hik: CVE-2021-36260 likely (build before the advisory, no model list)" likely \
	"$(json_get "$WORK/cameras.json" '[a["confidence"] for a in dev(d,"'$HIK'")["advisories"] if a["cve"]=="CVE-2021-36260"][0]')"
check_eq "hik2 (2022 build): not vulnerable" False "$(field "$HIK2" vulnerable)"
check_eq "hik2: no advisory" 0 "$(json_get "$WORK/cameras.json" 'len(dev(d,"'$HIK2'")["advisories"])')"
check_eq "dahua: local advisory exact" exact \
	"$(json_get "$WORK/cameras.json" '[a["confidence"] for a in dev(d,"'$DAHUA'")["advisories"] if a["cve"]=="CVE-2099-0002"][0]')"
check_eq "dahua: CVE-2021-33044 unknown (build-date range, version without a date)" unknown \
	"$(json_get "$WORK/cameras.json" '[a["confidence"] for a in dev(d,"'$DAHUA'")["advisories"] if a["cve"]=="CVE-2021-33044"][0]')"
check_eq "cameras: vulnerable count" 2 "$(json_get "$WORK/cameras.json" 'd["vulnerable"]')"
check_eq "no advisory policy yet: hik stays in hikvision" hikvision "$(field "$HIK" policy)"

ctl cameras > "$WORK/cameras.txt"
# 80 columns (stdout is no terminal): the firmware column is left out, so
# the '*' goes after the MAC, which every width shows.
check_grep "cameras: '*' after the affected device's MAC" "^$HIK \*  " "$WORK/cameras.txt"
check_grep "cameras: no '*' for hik2" "^$HIK2  " "$WORK/cameras.txt"
check_eq "cameras: table within 80 columns" 0 "$(awk 'length > 80' "$WORK/cameras.txt" | wc -l)"
check_grep "cameras: footer" "2 devices run firmware with a known vulnerability" "$WORK/cameras.txt"
ctl cameras --vulnerable > "$WORK/vuln80.txt"
check_grep "cameras --vulnerable, 80 columns: CVE, confidence" "^$HIK .*CVE-2017-7921  *exact" "$WORK/vuln80.txt"
check_eq "cameras --vulnerable: table within 80 columns" 0 "$(awk 'length > 80' "$WORK/vuln80.txt" | wc -l)"
ctl cameras --vulnerable --wide > "$WORK/vuln.txt"
check_grep "cameras --vulnerable --wide: CVE, confidence, KEV, fixed" \
	"^$HIK  *DS-2CD2142F-I  *$HIK_FW_OLD  *CVE-2017-7921  *exact  *yes  *$HIK_FW_FIXED" "$WORK/vuln.txt"
check_grep "cameras --vulnerable: the Dahua camera" "^$DAHUA .*CVE-2099-0002  *exact" "$WORK/vuln.txt"
if grep -q "$HIK2" "$WORK/vuln.txt"; then fail "cameras --vulnerable: hik2 not listed"; else pass "cameras --vulnerable: hik2 not listed"; fi
ctl --json cameras --vulnerable > "$WORK/vuln.json"
check_eq "cameras --vulnerable --json: two devices" 2 "$(json_get "$WORK/vuln.json" 'len(d["cameras"])')"
# --vulnerable combines with the other filters (all must hold)
ctl --json cameras --vulnerable --vendor dahua > "$WORK/vuln-dahua.json"
check_eq "cameras --vulnerable --vendor dahua: the Dahua camera only" "$DAHUA" \
	"$(json_get "$WORK/vuln-dahua.json" '" ".join(c["mac"] for c in d["cameras"])')"
ctl --json cameras --vulnerable --policy dahua > "$WORK/vuln-pol.json"
check_eq "cameras --vulnerable --policy dahua: the Dahua camera only" "$DAHUA" \
	"$(json_get "$WORK/vuln-pol.json" '" ".join(c["mac"] for c in d["cameras"])')"

ctl stats --prometheus > "$WORK/prom.txt"
check_grep "metric: exact" "^camguard_device_vulnerable{mac=\"$HIK\",cve=\"CVE-2017-7921\",confidence=\"exact\"} 1$" "$WORK/prom.txt"
check_grep "metric: likely" "^camguard_device_vulnerable{mac=\"$HIK\",cve=\"CVE-2021-36260\",confidence=\"likely\"} 1$" "$WORK/prom.txt"
check_grep "metric: unknown" "^camguard_device_vulnerable{mac=\"$DAHUA\",cve=\"CVE-2021-33044\",confidence=\"unknown\"} 1$" "$WORK/prom.txt"
check_eq "metric: none for hik2" 0 "$(grep -c "^camguard_device_vulnerable{mac=\"$HIK2\"" "$WORK/prom.txt")"

ctl --json advisories > "$WORK/adv.json"
check_eq "advisories: 12 loaded" 12 "$(json_get "$WORK/adv.json" 'd["count"]')"
check_eq "advisories: DS-2CD2xx2F-I entry matches 1 device exactly" 1 \
	"$(json_get "$WORK/adv.json" '[a["devices"]["exact"] for a in d["advisories"] if "DS-2CD2??2F-I*" in a["models"]][0]')"
check_eq "advisories: source of the ICSA entries" ICSA-17-124-01 \
	"$(json_get "$WORK/adv.json" '[a["source"]["id"] for a in d["advisories"] if a["cve"]=="CVE-2017-7921"][0]')"
ctl advisories --wide > "$WORK/adv.txt"
check_grep "advisories table" "^CVE-2099-0002  *Dahua  *IPC-HFW3241E\*  *from 2.800.0000000.0.R, before 2.800.0000000.25.R  *2.800.0000000.25.R  *no  *1  *0  *0$" "$WORK/adv.txt"

# --- the policy hook: dry run first, then the reload ---------------------------------
write_exposed
ctl --json reload --dry-run > "$WORK/dry.json"
check_eq "dry run: valid" True "$(json_get "$WORK/dry.json" 'd["valid"]')"
check_eq "dry run: hik would move to exposed" "hikvision exposed advisory CVE-2017-7921 (exact)" \
	"$(json_get "$WORK/dry.json" '" ".join([(c["from"], c["to"], c.get("reason","")) for c in d["changes"] if c["mac"]=="'$HIK'"][0])')"
check_eq "dry run: dahua would move to exposed" "dahua exposed" \
	"$(json_get "$WORK/dry.json" '" ".join([(c["from"], c["to"]) for c in d["changes"] if c["mac"]=="'$DAHUA'"][0])')"
check_eq "dry run: hik2 stays" 0 "$(json_get "$WORK/dry.json" 'len([c for c in d["changes"] if c["mac"]=="'$HIK2'"])')"
ctl reload --dry-run --wide > "$WORK/dry.txt"
check_grep "dry run table: WHY" "^$HIK .*hikvision  exposed  advisory CVE-2017-7921 (exact)" "$WORK/dry.txt"
check_eq "dry run changed nothing" 20 "$(out_flow hik)"

ctl reload > /dev/null || fail "reload"
cg_wait_for is_policy "$HIK" exposed
cameras
check_eq "reload: hik in exposed" exposed "$(field "$HIK" policy)"
check_eq "reload: dahua in exposed" exposed "$(field "$DAHUA" policy)"
check_eq "reload: hik2 stays in hikvision" hikvision "$(field "$HIK2" policy)"
check_eq "exposed: $HIK no longer reaches $OUTSIDE (counted there)" 0 "$(out_flow hik)"
check_eq "exposed: $DAHUA no longer reaches $OUTSIDE" 0 "$(out_flow dahua)"
check_eq "control: $HIK2 (unaffected) still reaches $OUTSIDE" 20 "$(out_flow hik2)"
check_eq "exposed: the recorder (enclave) is still reachable" 20 "$(cg_flow rec hik 192.0.2.1 9001 20)"
ctl --json stats --policy exposed > "$WORK/stats.json"
check_ge "stats: exposed policy counted the drops" 40 "$(json_get "$WORK/stats.json" 'policy(d,"exposed")["drop"]["packets"]')"
if [ "${CG_NFTABLES:-false}" = true ]; then
	cg_exec rec nft list map inet camguard dev_out > "$WORK/nft.txt" 2>&1
	check_grep "nftables: the moved camera is a device entry of exposed" "$HIK : goto out_exposed" "$WORK/nft.txt"
fi
grep -q "$HIK: policy hikvision → exposed (reload" "$WORK/daemon.log" &&
	pass "log: the move" || fail "log: the move"
grep -q "Device $HIK goes under policy exposed: CVE-2017-7921 (exact)" "$WORK/daemon.log" &&
	pass "log: the move's reason" || fail "log: the move's reason"

# --- the firmware update: each camera moves back --------------------------------------
send_sadp hik "$HIK" DS-2CD2142F-I "$HIK_FW_FIXED" DS-2CD2142F-I20160601AAWR500000001
cg_wait_for is_policy "$HIK" hikvision
cameras
check_eq "update: hik firmware" "$HIK_FW_FIXED" "$(field "$HIK" firmware)"
check_eq "update: hik back in hikvision" hikvision "$(field "$HIK" policy)"
check_eq "update: CVE-2017-7921 gone" 0 \
	"$(json_get "$WORK/cameras.json" 'len([a for a in dev(d,"'$HIK'")["advisories"] if a["cve"]=="CVE-2017-7921"])')"
check_eq "update: dahua still exposed" exposed "$(field "$DAHUA" policy)"
check_eq "update: $HIK reaches $OUTSIDE again" 20 "$(out_flow hik)"
grep -q "$HIK: policy exposed → hikvision (advisory" "$WORK/daemon.log" &&
	pass "log: the move back" || fail "log: the move back"
grep -q "Device $HIK leaves its advisory policy: firmware \"$HIK_FW_FIXED\"" "$WORK/daemon.log" &&
	pass "log: the move back's reason" || fail "log: the move back's reason"

send_dhip dahua "$DAHUA" IPC-HFW3241E-SA "$DAHUA_FW_FIXED" 6G0B1C2PAZ00013
cg_wait_for is_policy "$DAHUA" dahua
cameras
check_eq "update: dahua back in dahua" dahua "$(field "$DAHUA" policy)"
check_eq "update: $DAHUA reaches $OUTSIDE again" 20 "$(out_flow dahua)"
ctl stats --prometheus > "$WORK/prom2.txt"
check_eq "metric: CVE-2017-7921 series gone" 0 "$(grep -c 'cve="CVE-2017-7921"' "$WORK/prom2.txt")"

ctl --json status > "$WORK/status.json"
check_eq "status: 4 moves (2 in by the reload, 2 back by announcements)" 4 "$(json_get "$WORK/status.json" 'd["moves"]["total"]')"
check_eq "status: none moved now" 0 "$(json_get "$WORK/status.json" 'd["advisories"]["moved_devices"]')"

# --- a bad advisory file: reload refused with file:line, the running set stays -------
printf 'advisories = ( { cve = "CVE-2021-1"; vendor = "Dahua";\n  affected = { before = "1.0"; }; source = { id = "X"; }; } );\n' \
	> "$WORK/etc/advisories.d/broken.conf"
ctl reload > "$WORK/bad.txt" 2>&1
check_grep "bad advisory: file:line" "broken.conf:1: 'advisories\[0\].cve': invalid CVE id" "$WORK/bad.txt"
ctl --json advisories > "$WORK/adv2.json"
check_eq "bad advisory: still 12 loaded" 12 "$(json_get "$WORK/adv2.json" 'd["count"]')"

finish
