# shellcheck shell=bash
# tests/lib/integration.sh — the opening every daemon integration script
# shares: the topology and check libraries, the root check, a work directory,
# the daemon helpers (tests/lib/daemon.sh) and one cleanup, installed as the
# EXIT trap, that kills the daemon, removes every namespace and mount the test
# made and the work directory (kept with KEEP_WORK=1), also when the test
# fails. The caller sets BUILD and HERE; a script with more to stop defines
# cg_cleanup_extra, which runs first.

# shellcheck source=topology.sh
. "$HERE/../lib/topology.sh"
# shellcheck source=check.sh
. "$HERE/../lib/check.sh"

# cg_integration_begin TAG WHY: skip (exit 77, saying WHY) unless root; then
# WORK=/tmp/cg-TAG.XXXXXX, the daemon helpers and the cleanup trap.
cg_integration_begin() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "SKIP: needs root ($2)"
		exit 77
	fi
	WORK=$(mktemp -d "/tmp/cg-$1.XXXXXX")
	# shellcheck source=daemon.sh
	. "$HERE/../lib/daemon.sh"
	trap cg_integration_cleanup EXIT
}

cg_integration_cleanup() {
	if declare -F cg_cleanup_extra >/dev/null; then cg_cleanup_extra; fi
	[ -n "$DPID" ] && kill -9 "$DPID" 2>/dev/null
	cg_topology_destroy
	if [ "${KEEP_WORK:-0}" = 1 ]; then echo "work dir kept: $WORK"; else rm -rf "$WORK"; fi
}

# cg_policy NAME ACTION [OUI]: $WORK/policies/NAME.conf, the tests' standard
# policy: the vendor prefix OUI (none: the default policy) and the enclave
# allowed.
cg_policy() {
	mkdir -p "$WORK/policies"
	{
		printf 'name = "%s";\naction = "%s";\n' "$1" "$2"
		[ -z "${3:-}" ] || printf 'match = { oui = [ "%s" ]; };\n' "$3"
		printf 'allow = ( { to = "enclave"; } );\n'
	} > "$WORK/policies/$1.conf"
}
