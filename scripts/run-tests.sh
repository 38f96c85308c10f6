#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run test programs and print their TAP. Every program's own "ok"/"not ok"
# lines are kept as they are; a program that dies without reporting a
# failure gets a "not ok" line of its own, so a crash is never a pass.
#
# Usage: run-tests.sh DIR...   (runs DIR/* executables and selftests/*.sh)
# T=name runs only the test programs called name.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
: "${T:=}" "${TEST_TIMEOUT:=900}"

run_one() {
	local prog=$1 name log status t0
	name=$(basename "$prog")
	name=${name%.sh}
	name=${name%.py}
	[ -n "$T" ] && [ "$T" != "$name" ] && return
	log=$(mktemp)
	echo "# selftest: $name"
	t0=$(date +%s)
	(cd "$(dirname "$prog")" && timeout -k 10 "$TEST_TIMEOUT" "$prog") 2>&1 | tee "$log"
	status=${PIPESTATUS[0]}
	echo "# selftest: $name took $(( $(date +%s) - t0 ))s"
	if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
		echo "not ok $name # timed out after ${TEST_TIMEOUT}s"
	elif [ "$status" -eq 4 ] && ! grep -q '^ok ' "$log"; then
		echo "ok $name # SKIP"
	elif [ "$status" -ne 0 ] && ! grep -q '^not ok ' "$log"; then
		echo "not ok $name # exited with status $status"
	elif [ "$status" -eq 0 ] && ! grep -q -e '^ok ' -e '^not ok ' "$log"; then
		echo "not ok $name # reported no test"
	fi
	rm -f "$log"
}

for dir in "$@"; do
	for prog in "$dir"/*; do
		[ -f "$prog" ] && [ -x "$prog" ] && run_one "$prog"
	done
done
# The TAP lines are the result; the loop's last test (a non-executable
# file) is not.
exit 0
