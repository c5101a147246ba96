# shellcheck shell=bash
# veth-pair.sh — the smallest network for a data-plane test: two namespaces,
# TAG-$$-cam and TAG-$$-rec, joined by one veth (cam0 with $CAM_MAC, rec0 with
# $REC_MAC: the caller sets both), IPv6 off (no RS, MLD or DAD chatter: the
# tests count frames exactly), and a private bpffs with the pin dir $PIN.
# Everything is removed on exit, also on INT/TERM/HUP. Used by tests/bpf/netns.sh
# and tests/integration/test-dns-copy.sh (the daemon tests use topology.sh).
#
#   cg_pair_begin TAG      sets CAM, REC, TMP (a work dir) and PIN

# Its callers live in tests/<suite>/ (POSIX sh: no way to find this file's
# own directory).
# shellcheck source=tests/lib/sweep.sh
. "$(dirname "$0")/../lib/sweep.sh"

cg_pair_cleanup() {
	ip netns del "$CAM" 2>/dev/null || true
	ip netns del "$REC" 2>/dev/null || true
	umount "$TMP/bpffs" 2>/dev/null || true
	rm -rf "$TMP"
}

cg_pair_begin() {
	CAM=$1-$$-cam
	REC=$1-$$-rec
	TMP=$(mktemp -d "/tmp/$1.XXXXXX")
	PIN=$TMP/bpffs/cg
	trap cg_pair_cleanup EXIT
	trap 'exit 1' INT TERM HUP

	cg_sweep_orphans
	mkdir "$TMP/bpffs"
	mount -t bpf bpf "$TMP/bpffs"
	mkdir "$PIN"
	ip netns add "$CAM"
	ip netns add "$REC"
	for ns in "$CAM" "$REC"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
		ip -n "$ns" link set lo up
	done
	ip -n "$CAM" link add name cam0 address "$CAM_MAC" type veth peer name rec0 netns "$REC" \
		address "$REC_MAC"
	ip -n "$CAM" link set cam0 up
	ip -n "$REC" link set rec0 up
}
