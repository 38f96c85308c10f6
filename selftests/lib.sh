# SPDX-License-Identifier: GPL-2.0
#
# TAP helpers of the shell selftests (qkd.sh, module_unload.sh), sourced
# by them: not a test itself (not executable, so run-tests.sh skips it).
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
