# SPDX-License-Identifier: GPL-2.0
#
# TAP helpers of the shell selftests (qkd.sh, module_unload.sh,
# link_register.sh), sourced by them: not a test itself (not executable,
# so run-tests.sh skips it).
# $n counts the tests, $failed is 1 once one failed (the exit status).
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n $1"; }
nok() { n=$((n + 1)); echo "not ok $n $1"; failed=1; }
check() {	# check NAME CMD...
	local name=$1
	shift
	if "$@"; then ok "$name"; else nok "$name"; fi
}

# find_ko PATH: the .ko built for the running kernel, PATH relative to the
# tree: the Debian build lives in the tree, the debug-kernel build in
# build/kmod-debug. Needs $top and $build.
find_ko() {
	local f
	for f in "$top/$1" "$build/kmod-debug/$1"; do
		[ -f "$f" ] || continue
		[ "$(modinfo -F vermagic "$f" | cut -d' ' -f1)" = "$(uname -r)" ] &&
			{ echo "$f"; return 0; }
	done
	return 1
}
