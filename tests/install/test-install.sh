#!/usr/bin/env bash
# Install into a DESTDIR and check the tree: binaries, unit, sysusers and
# tmpfiles entries, policies (an admin's edit survives a re-install), man
# pages, completion; the unit passes systemd-analyze verify and its exposure
# score is at most 2.5 (offline; the service suite checks the online one).
# Usage: test-install.sh BUILD_DIR
set -uo pipefail
BUILD="$(cd "${1:?usage: test-install.sh BUILD_DIR}" && pwd)"
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lib/check.sh
. "$HERE/../lib/check.sh"

DEST=$(mktemp -d /tmp/cg-install.XXXXXX)
trap 'rm -rf "$DEST"' EXIT
PREFIX=$(meson introspect "$BUILD" --buildoptions | python3 -c \
	'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"))')
ETC="$DEST$PREFIX/etc/camguard"
[ "$PREFIX" = /usr ] && ETC="$DEST/etc/camguard"

meson install -C "$BUILD" --destdir "$DEST" --no-rebuild --quiet >"$DEST.log" 2>&1
check_eq "meson install into DESTDIR succeeds" 0 $?
rm -f "$DEST.log"

for f in sbin/camguardd bin/camguardctl lib/systemd/system/camguardd.service \
	lib/sysusers.d/camguard.conf lib/tmpfiles.d/camguard.conf \
	share/camguard/camera-ouis.csv share/camguard/camguard.conf share/camguard/camguard-alerts.yml \
	share/man/man8/camguardd.8 share/man/man8/camguardctl.8 \
	share/man/man5/camguard.conf.5 share/man/man5/camguard.policy.5 \
	share/bash-completion/completions/camguardctl; do
	test -e "$DEST$PREFIX/$f"
	check_eq "installed $f" 0 $?
done
test -x "$DEST$PREFIX/sbin/camguardd"
check_eq "camguardd is executable" 0 $?
check_eq "shipped policies in policies.d" 9 "$(ls "$ETC/policies.d"/*.conf 2>/dev/null | wc -l)"
test -f "$ETC/camguard.conf"
check_eq "camguard.conf installed" 0 $?
check_grep "sysusers entry creates the camguard group" "^g camguard" "$DEST$PREFIX/lib/sysusers.d/camguard.conf"

# An admin's edit survives a re-install.
echo "# edited by the admin" >> "$ETC/policies.d/hikvision.conf"
meson install -C "$BUILD" --destdir "$DEST" --no-rebuild --quiet >/dev/null 2>&1
check_grep "re-install keeps an edited policy" "edited by the admin" "$ETC/policies.d/hikvision.conf"

# The installed files are valid as installed (policy_dir pointed into DESTDIR).
sed "s|^policy_dir = .*|policy_dir = \"$ETC/policies.d\";|" "$ETC/camguard.conf" > "$DEST/check.conf"
"$DEST$PREFIX/sbin/camguardd" --check -c "$DEST/check.conf" > "$DEST/check.out" 2>&1
check_eq "camguardd --check accepts the installed configuration" 0 $?

UNIT="$DEST$PREFIX/lib/systemd/system/camguardd.service"
check_grep "unit is Type=notify" "^Type=notify" "$UNIT"
check_grep "unit reloads over the socket, waiting for the result" "^ExecReload=$PREFIX/bin/camguardctl reload$" "$UNIT"
check_grep "unit mounts a bpffs outside its sandbox" "^ExecStartPre=+$PREFIX/sbin/camguardd --mount-bpffs" "$UNIT"
check_eq "the --check summary is logged once per start (no ExecStartPre --check)" 0 \
	"$(grep -c -- '^Exec.*--check' "$UNIT")"
check_grep "installed camguard.conf names the installed policies.d" \
	"^policy_dir = \"${ETC#"$DEST"}/policies.d\";" "$ETC/camguard.conf"
if command -v systemd-analyze >/dev/null; then
	# verify wants the executables where the unit says: point it at DESTDIR.
	sed -e "s|$PREFIX/sbin/camguardd|$DEST$PREFIX/sbin/camguardd|g" \
	    -e "s|$PREFIX/bin/camguardctl|$DEST$PREFIX/bin/camguardctl|g" "$UNIT" > "$DEST/camguardd.service"
	systemd-analyze verify --man=no "$DEST/camguardd.service" > "$DEST/verify.out" 2>&1
	rc=$?
	[ $rc -ne 0 ] && cat "$DEST/verify.out"
	check_eq "systemd-analyze verify" 0 $rc
	score=$(systemd-analyze security --offline=true "$DEST/camguardd.service" 2>/dev/null |
		sed -n 's/.*Overall exposure level for camguardd.service: \([0-9.]*\).*/\1/p')
	echo "# systemd-analyze security exposure: $score"
	check_eq "exposure score at most 2.5" yes "$(python3 -c "print('yes' if float('${score:-99}') <= 2.5 else 'no')")"
else
	fail "systemd-analyze not found (package systemd)"
fi
finish
