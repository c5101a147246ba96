#!/usr/bin/env bash
# The programs build at every optimizer level a user or a packager may
# choose, with the project's -Werror: tools/build and README's `meson setup
# build` use debugoptimized (-O2, the project's default), Debian's packaging
# uses plain with its own CFLAGS, a developer debug (-O0), a release -O3.
# Some warnings depend on the optimizer (format truncation without range
# information at -O0, maybe-uninitialized and stringop-overflow after
# inlining at -O3 and -Os), so a tree that builds under tools/build may
# still fail elsewhere; here it fails the build suite instead. (Every
# target, tests and benchmarks too, at -O3 takes another two minutes; it
# passed when this was written: `meson setup B --buildtype=release &&
# meson compile -C B`.)
# Usage: test-buildtypes.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
SRC="$(cd "${1:?usage: test-buildtypes.sh SOURCE_DIR BUILD_DIR}" && pwd)"
BUILD="$(cd "${2:?usage: test-buildtypes.sh SOURCE_DIR BUILD_DIR}" && pwd)"
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../lib/check.sh
. "$HERE/../lib/check.sh"

mkdir -p "$BUILD/buildtypes"
for type in debug release minsize; do
	dir="$BUILD/buildtypes/$type"
	log="$BUILD/buildtypes/$type.log"
	: >"$log"
	# Kept between runs: a second run only rebuilds what changed.
	if [ -f "$dir/build.ninja" ] || meson setup "$dir" "$SRC" --buildtype="$type" >"$log" 2>&1; then
		meson compile -C "$dir" daemon/camguardd daemon/camguardctl >>"$log" 2>&1
		rc=$?
	else
		rc=1
	fi
	check_eq "buildtype $type: camguardd and camguardctl build" 0 "$rc"
	[ "$rc" -eq 0 ] || grep -m 20 -E "error:|^FAILED:|ERROR:" "$log" | sed 's/^/    /'
done
finish
