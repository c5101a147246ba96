# shellcheck shell=sh
# sweep.sh — remove what earlier test runs left behind when they were killed
# too hard for their EXIT trap to run (meson's timeout kills the process
# group; kill -9).
#
# Every test namespace is named "cg<tag><PID>-<role>", PID being the shell
# that made it ($$): cgt1234-rec (topology.sh), cgd-dns-1234-cam
# (veth-pair.sh), cgn-1234-out (tests/nft), cgf1234-h2-rec (tests/fleet).
# cg_sweep_orphans deletes those whose PID is no longer alive, after killing
# what still runs inside them (a daemon a killed test left). A namespace of a
# live run, and any namespace not named this way, is never touched.

cg_sweep_orphans() {
	for _cg_ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
		_cg_pid=$(echo "$_cg_ns" | sed -n 's/^cg[a-z-]*\([0-9][0-9]*\)-.*/\1/p')
		[ -n "$_cg_pid" ] || continue
		kill -0 "$_cg_pid" 2>/dev/null && continue
		echo "# sweeping namespace $_cg_ns (its test run, pid $_cg_pid, is gone)" >&2
		ip netns pids "$_cg_ns" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
		ip netns del "$_cg_ns" 2>/dev/null || true
	done
}
