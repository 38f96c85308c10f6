#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Static gates: the family's spec valid and its generated files current,
# W=1 module build, sparse, checkpatch --strict, the userspace build with
# -Werror and libqlink's ABI against its baseline. Prints one TAP line per
# gate.
# Environment: everything the top Makefile exports (BUILD, KERNEL...).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
log=$BUILD/gates
mkdir -p "$log"
make_q() { make --no-print-directory -C "$top" "$@"; }

gate() {
	local name=$1 file=$log/$1.log
	shift
	if "$@" > "$file" 2>&1; then
		echo "ok gate-$name"
	else
		echo "not ok gate-$name (log: $file)"
		sed 's/^/#   /' "$file" | tail -40
	fi
}

no_warnings() {	# run a build, fail if it fails or says warning/error
	"$@" 2>&1 | tee /dev/stderr | grep -q -E 'warning:|error:' && return 1
	return "${PIPESTATUS[0]}"
}

gate ynl "$top/scripts/ynl.sh" check
gate w1 no_warnings make_q modules
gate sparse no_warnings make_q sparse
gate checkpatch make_q checkpatch
gate userspace no_warnings make_q userspace
gate abi make_q abi-check
