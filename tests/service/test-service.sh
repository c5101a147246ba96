#!/usr/bin/env bash
# The service under a real systemd: boot systemd (252, Debian's) as PID 1 in
# a container made from this machine's own root — an overlay of / with a
# tmpfs on top, so nothing reaches the host — with systemd-nspawn, all
# capabilities and a private network. Inside: `meson install` (as an admin
# would), `systemctl enable --now camguardd`, a camera namespace behind a
# veth, and then what an admin relies on:
#   active and READY, StatusText; the --check summary logged once per start;
#   the bpffs mounted where a shell sees it (the container's /sys/fs/bpf is
#   an empty tmpfs, as in containers that have no bpffs);
#   `stats` as a member of the camguard group works, `reload` as that member
#   is refused, a user outside the group gets nothing;
#   `systemctl reload` of a good policy succeeds, of a broken one fails;
#   StatusText follows an address change;
#   `camguardd --unload` refuses while the daemon runs;
#   `stop` with on_exit = "keep" keeps enforcing (probes from the camera);
#   `start`/`restart` adopt the pins and the counters continue;
#   `kill -9` is restarted by systemd; `systemd-analyze security` <= 2.6;
#   `camguardd --unload` from a shell after the stop removes everything.
# The container is torn down on exit, also on failure.
#
# Usage: test-service.sh BUILD_DIR
set -uo pipefail
BUILD="$(cd "${1:?usage: test-service.sh BUILD_DIR}" && pwd)"
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lib/check.sh
. "$HERE/../lib/check.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root (a container with systemd as PID 1)"
	exit 77
fi
if ! command -v systemd-nspawn >/dev/null; then
	echo "not ok - systemd-nspawn not found (tools/deps installs systemd-container)"
	exit 1
fi
# Every mount below (tmpfs, overlay) lives in a mount namespace of its own
# and vanishes with it, whatever happens to this script.
if [ -z "${CG_SERVICE_MNTNS:-}" ]; then
	CG_SERVICE_MNTNS=1 exec unshare -m --propagation private "$0" "$@"
fi

T0=$(date +%s)
T=$(mktemp -d /tmp/cg-service.XXXXXX)
MACHINE="cgsvc$$"
NSPAWN_PID=""
LEADER=""

# Every process whose root is the container's (PID 1 first).
container_pids() {
	local p
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/root" 2>/dev/null)" = "$T/root" ] && echo "${p#/proc/}"
	done
}
teardown() {
	if [ -n "$NSPAWN_PID" ] && kill -0 "$NSPAWN_PID" 2>/dev/null; then
		# nspawn asks the container's systemd to power off.
		kill -TERM "$NSPAWN_PID" 2>/dev/null
		for _ in $(seq 40); do kill -0 "$NSPAWN_PID" 2>/dev/null || break; sleep 0.25; done
		kill -KILL "$NSPAWN_PID" 2>/dev/null
		wait "$NSPAWN_PID" 2>/dev/null
	fi
	# Without a systemd on the host to own its scope, the container can
	# outlive nspawn: killing its PID 1 ends its whole PID namespace, and
	# whatever else runs from its root goes too.
	[ -n "$LEADER" ] && kill -KILL "$LEADER" 2>/dev/null
	container_pids | xargs -r kill -KILL 2>/dev/null
	if [ "$CG_FAILED" -ne 0 ] && [ -f "$T/console.log" ]; then
		echo "# container console (last lines):"
		tail -n 30 "$T/console.log" | sed 's/^/#   /'
	fi
	umount -l "$T/root" 2>/dev/null
	umount -l "$T" 2>/dev/null
	rmdir "$T" 2>/dev/null
	# nspawn leaves these on a /run that is not a tmpfs.
	rmdir "/run/systemd/nspawn/propagate/$MACHINE" "/run/systemd/nspawn/unix-export/$MACHINE" 2>/dev/null
	true
}
trap teardown EXIT

mount -t tmpfs -o mode=0700 tmpfs "$T"
mkdir "$T/upper" "$T/work" "$T/root"
if ! mount -t overlay overlay -o "lowerdir=/,upperdir=$T/upper,workdir=$T/work" "$T/root" 2>"$T/mount.err"; then
	echo "SKIP: the kernel cannot mount an overlay of / ($(cat "$T/mount.err"))"
	exit 77
fi

PREFIX=$(meson introspect "$BUILD" --buildoptions | python3 -c \
	'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"))')
ETC="$PREFIX/etc/camguard"
[ "$PREFIX" = /usr ] && ETC=/etc/camguard
CONF="$ETC/camguard.conf"

# The container starts as a machine that never had camguard: its own
# machine id, no camguard group, config or state left by anyone.
R="$T/root"
systemd-id128 new > "$R/etc/machine-id"
rm -rf "$R/etc/camguard" "$R$ETC" "$R/var/lib/camguard"
if grep -q '^camguard:' "$R/etc/group"; then
	groupdel -R "$R" camguard 2>/dev/null || sed -i '/^camguard:/d' "$R/etc/group" "$R/etc/gshadow"
fi

# basic.target: systemd, journald, udev-less sysinit, no getty or the
# machine's own services (databases, exporters) that multi-user would start.
# /sys/fs/bpf: an empty directory, not a bpffs, as in containers without one.
# bpf(2): nspawn's own seccomp filter refuses it unless told.
systemd-nspawn --directory="$R" --machine="$MACHINE" --capability=all --private-network \
	--register=no --keep-unit --link-journal=no --console=pipe --tmpfs=/sys/fs/bpf \
	--system-call-filter=bpf \
	--boot -- --unit=basic.target >"$T/console.log" 2>&1 </dev/null &
NSPAWN_PID=$!

# The container's PID 1: nspawn's child once it runs systemd (before that
# the child is nspawn's own set-up process, in other namespaces).
for _ in $(seq 100); do
	LEADER=$(pgrep -P "$NSPAWN_PID" -x systemd | head -n 1)
	[ -n "$LEADER" ] && break
	sleep 0.1
done
if [ -z "$LEADER" ]; then
	fail "systemd-nspawn started a container"
	exit 1
fi
# A command in the container: its namespaces, root and working directory.
ct() { nsenter --target "$LEADER" --mount --uts --ipc --net --pid --root --wd -- "$@"; }
# PID 1 listens on its private bus socket once it has set itself up.
for _ in $(seq 200); do ct test -S /run/systemd/private && break; sleep 0.1; done
state=$(ct timeout 60 systemctl is-system-running --wait 2>&1)
case "$state" in
running) pass "systemd booted in the container (running)" ;;
*) fail "systemd booted in the container (state '$state')"
   ct systemctl --failed --no-pager --no-legend | sed 's/^/#   /'
   [ "$state" = degraded ] || exit 1 ;;
esac
echo "# $(ct systemctl --version | head -n 1), booted in $(( $(date +%s) - T0 )) s"

# ---- install, as an admin would ---------------------------------------------
ct meson install -C "$BUILD" --no-rebuild --quiet > "$T/install.log" 2>&1
rc=$?
[ $rc -ne 0 ] && sed 's/^/#   /' "$T/install.log"
check_eq "meson install in the container" 0 $rc
check_ne "meson install created the camguard group (systemd-sysusers)" "" "$(ct getent group camguard)"
check_eq "meson install created /run/camguard (systemd-tmpfiles)" "750 root camguard" \
	"$(ct stat -c '%a %U %G' /run/camguard 2>&1)"

# ---- the recorder (the container) and a camera -------------------------------
#   camera ns cgcam: eth0 192.0.2.11/24, Hikvision MAC -- cg-cam0 192.0.2.1/24 [container]
#   outside ns cgout: eth0 198.51.100.2/24, 203.0.113.10/32 -- cg-up0 198.51.100.1/24 [container]
ct sh -e -c '
	sysctl -qw net.ipv4.ip_forward=1
	ip netns add cgcam; ip netns add cgout
	ip -n cgcam link set lo up; ip -n cgout link set lo up
	ip link add cg-cam0 type veth peer name eth0 netns cgcam
	ip link add cg-up0 type veth peer name eth0 netns cgout
	ip addr add 192.0.2.1/24 dev cg-cam0; ip link set cg-cam0 up
	ip addr add 198.51.100.1/24 dev cg-up0; ip link set cg-up0 up
	ip -n cgcam link set eth0 address 44:19:b6:00:00:01
	ip -n cgcam addr add 192.0.2.11/24 dev eth0; ip -n cgcam link set eth0 up
	ip -n cgcam route add default via 192.0.2.1
	ip -n cgout addr add 198.51.100.2/24 dev eth0; ip -n cgout link set eth0 up
	ip -n cgout addr add 203.0.113.10/32 dev lo
	ip -n cgout route add 192.0.2.0/24 via 198.51.100.1
	ip route add 203.0.113.0/24 via 198.51.100.2
' > "$T/net.log" 2>&1
check_eq "camera and outside namespaces in the container" 0 $?

# probe DEST: echo replies the camera gets for 5 requests.
probe() {
	ct ip netns exec cgcam ping -n -q -c 5 -i 0.2 -W 1 "$1" 2>/dev/null |
		sed -n 's/.* \([0-9]*\) received.*/\1/p'
}
check_eq "control: without camguard the camera reaches 203.0.113.10" 5 "$(probe 203.0.113.10)"

ct sed -i 's/name = "cam0"/name = "cg-cam0"/' "$CONF"
ct camguardd --check -c "$CONF" > "$T/check1.out" 2>&1
check_eq "camguardd --check accepts the installed configuration" 0 $?
check_grep "--check: pin_dir is not on a bpffs yet (warning)" "warning: pin_dir .* is not on a bpffs" "$T/check1.out"
check_eq "--check: no warning for the interface or the group, which exist" 0 \
	"$(grep -c 'warning: \(interface\|control group\)' "$T/check1.out")"

# ---- enable --now -------------------------------------------------------------
ct systemctl enable --now camguardd > "$T/enable.log" 2>&1
rc=$?
[ $rc -ne 0 ] && { sed 's/^/#   /' "$T/enable.log"; ct journalctl -u camguardd --no-pager | tail -n 30 | sed 's/^/#   /'; }
check_eq "systemctl enable --now camguardd" 0 $rc

show() { ct systemctl show -p "$1" --value camguardd; }
status_json() {   # the live generation
	ct camguardctl --json status > "$T/status.json" 2>/dev/null &&
		json_get "$T/status.json" "d['generation']"
}
drops() {   # dropped packets over every policy, from the counters
	ct camguardctl --json stats > "$T/stats.json" 2>/dev/null &&
		json_get "$T/stats.json" "sum(p['drop']['packets'] for p in d['policies'])"
}
journal_of() {   # journal lines of the current invocation
	ct journalctl --sync 2>/dev/null
	ct journalctl --no-pager -o cat _SYSTEMD_INVOCATION_ID="$(show InvocationID)"
}

check_eq "active (running): READY=1 arrived" "active running" "$(show ActiveState) $(show SubState)"
gen=$(status_json)
check_eq "StatusText" "Enforcing 9 policies (generation $gen)" "$(show StatusText)"
journal_of > "$T/journal1.log"
check_eq "the --check summary is logged once per start" 1 "$(grep -c '^policy_dir: ' "$T/journal1.log")"
check_eq "ExecStartPre=+ mounted the bpffs where a shell sees it" bpf_fs "$(ct stat -f -c %T /sys/fs/bpf)"
check_ge "pins visible from a shell" 1 "$(ct ls /sys/fs/bpf/camguard | wc -l)"
check_eq "/run/camguard handed to the control group" "750 root camguard" "$(ct stat -c '%a %U %G' /run/camguard)"
check_eq "control socket" "660 root camguard" "$(ct stat -c '%a %U %G' /run/camguard/camguard.sock)"
ct camguardd --check -c "$CONF" > "$T/check2.out" 2>&1
check_eq "--check on the running host: no warnings" 0 "$(grep -c 'warning:' "$T/check2.out")"

# ---- who may do what ----------------------------------------------------------
ct useradd -M -N -G camguard cgview
ct useradd -M -N cgother
ct runuser -u cgview -- camguardctl stats > "$T/member.out" 2>&1
check_eq "camguardctl stats as a member of the camguard group" 0 $?
ct runuser -u cgview -- camguardctl reload > "$T/member-reload.out" 2>&1
check_eq "camguardctl reload as a member is refused" 1 $?
check_grep "  ... with a permission error" "ermission" "$T/member-reload.out"
ct runuser -u cgother -- camguardctl stats > "$T/other.out" 2>&1
check_ne "control: camguardctl stats outside the group fails" 0 $?

# ---- enforcement --------------------------------------------------------------
check_eq "the camera reaches the recorder (enclave)" 5 "$(probe 192.0.2.1)"
d0=$(drops)
check_eq "the camera does not reach 203.0.113.10" 0 "$(probe 203.0.113.10)"
d1=$(drops)
check_ge "  ... and the 5 drops are counted" 5 $((d1 - d0))

# ---- reload -------------------------------------------------------------------
POL="$ETC/policies.d/hikvision.conf"
ct cp "$POL" /root/hikvision.conf.orig
ct sh -c "printf '\n# reviewed\n' >> '$POL'"
ct systemctl reload camguardd > "$T/reload1.log" 2>&1
check_eq "systemctl reload of a good policy succeeds" 0 $?
gen2=$(status_json)
check_eq "  ... the generation moved on" $((gen + 1)) "$gen2"
check_eq "  ... StatusText follows" "Enforcing 9 policies (generation $gen2)" "$(show StatusText)"
ct sh -c "printf 'allow = ( { to = \"nowhere\"; } );\n' >> '$POL'"
ct systemctl reload camguardd > "$T/reload2.log" 2>&1
check_ne "systemctl reload of a broken policy fails" 0 $?
check_eq "  ... the service stays active" active "$(show ActiveState)"
check_eq "  ... the live generation stays" "$gen2" "$(status_json)"
check_eq "  ... and the camera is still isolated" 0 "$(probe 203.0.113.10)"
ct cp /root/hikvision.conf.orig "$POL"

# The recorder's addresses are protected: a new one raises the generation.
ct ip addr add 192.0.2.2/24 dev cg-cam0
gen3=$gen2
for _ in $(seq 20); do gen3=$(status_json); [ "$gen3" != "$gen2" ] && break; sleep 0.2; done
check_eq "an address change raises the generation" $((gen2 + 1)) "$gen3"
check_eq "  ... and StatusText follows it" "Enforcing 9 policies (generation $gen3)" "$(show StatusText)"

# ---- --unload under a running daemon -----------------------------------------
ct camguardd --unload -c "$CONF" > "$T/unload1.out" 2>&1
check_eq "camguardd --unload refuses while the daemon runs" 1 $?
check_grep "  ... and says why" "refusing to unload: camguardd (pid [0-9]*) is running" "$T/unload1.out"
check_ge "  ... the filters stay" 1 "$(ct tc filter show dev cg-cam0 ingress | grep -c bpf)"
ct camguardd --unload --force -c "$CONF" > "$T/unload-force.out" 2>&1
check_eq "camguardd --unload --force unloads under the running daemon" 0 $?
check_grep "  ... and says what follows" "it will re-attach its programs" "$T/unload-force.out"
back=0
for _ in $(seq 30); do
	if ct tc filter show dev cg-cam0 ingress | grep -q bpf && ct test -e /sys/fs/bpf/camguard/cg_conf; then
		back=1; break
	fi
	sleep 0.2
done
check_eq "  ... and the daemon puts filters and pins back (tamper)" 1 "$back"
check_eq "  ... the camera is isolated again" 0 "$(probe 203.0.113.10)"

# ---- stop with on_exit = "keep" ----------------------------------------------
d2=$(drops)
ct systemctl stop camguardd
check_eq "systemctl stop" inactive "$(show ActiveState)"
check_eq "stopped: the camera still does not reach 203.0.113.10" 0 "$(probe 203.0.113.10)"
check_eq "stopped: the camera still reaches the recorder" 5 "$(probe 192.0.2.1)"
check_eq "stopped: the bpffs is still mounted" bpf_fs "$(ct stat -f -c %T /sys/fs/bpf)"
check_ge "stopped: the pins are still there" 1 "$(ct ls /sys/fs/bpf/camguard | wc -l)"

# ---- start and restart adopt, counters continue -------------------------------
ct systemctl start camguardd
journal_of > "$T/journal2.log"
check_grep "start adopts the pinned state" "Adopted pinned state" "$T/journal2.log"
d3=$(drops)
check_ge "  ... the drops made while stopped are counted" $((d2 + 5)) "$d3"
ct systemctl restart camguardd
journal_of > "$T/journal3.log"
check_grep "restart adopts the pinned state" "Adopted pinned state" "$T/journal3.log"
check_eq "  ... the summary once in this start too" 1 "$(grep -c '^policy_dir: ' "$T/journal3.log")"
probe 203.0.113.10 > /dev/null
d4=$(drops)
check_ge "  ... counters continue" $((d3 + 5)) "$d4"

# ---- kill -9 --------------------------------------------------------------------
pid=$(show MainPID)
restarts=$(show NRestarts)
# Only ever a real process id: kill -9 0 or -1 would hit far more.
case "$pid" in ''|0|1|*[!0-9]*) pid="";; esac
[ -n "$pid" ] && ct kill -KILL "$pid"
newpid=$pid
for _ in $(seq 50); do
	sleep 0.2
	newpid=$(show MainPID)
	[ "$(show ActiveState)" = active ] && [ "$newpid" != "$pid" ] && [ "$newpid" != 0 ] && break
done
check_ne "kill -9: systemd restarted the daemon" "$pid" "$newpid"
check_eq "  ... active again" active "$(show ActiveState)"
check_eq "  ... NRestarts counted it" $((restarts + 1)) "$(show NRestarts)"
check_eq "  ... and it still enforces" 0 "$(probe 203.0.113.10)"

# ---- hardening ------------------------------------------------------------------
score=$(ct systemd-analyze security --no-pager camguardd 2>/dev/null |
	sed -n 's/.*Overall exposure level for camguardd.service: \([0-9.]*\).*/\1/p')
echo "# systemd-analyze security camguardd (online): $score"
check_eq "exposure score at most 2.6" yes "$(python3 -c "print('yes' if float('${score:-99}') <= 2.6 else 'no')")"

# ---- stop, then --unload from a shell ---------------------------------------------
ct systemctl stop camguardd
ct camguardd --unload -c "$CONF" > "$T/unload2.out" 2>&1
rc=$?
[ $rc -ne 0 ] && sed 's/^/#   /' "$T/unload2.out"
check_eq "camguardd --unload from a shell after the stop" 0 $rc
check_grep "  ... removed the pins the daemon left" "Removed pinned maps in /sys/fs/bpf/camguard" "$T/unload2.out"
check_eq "  ... and the camera reaches 203.0.113.10 again" 5 "$(probe 203.0.113.10)"

echo "# service test: $(( $(date +%s) - T0 )) s"
finish
