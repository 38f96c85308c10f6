#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fail if the guest kernel reported a problem: a warning, BUG, oops, KASAN,
# UBSAN or lockdep splat, a call trace, or a kmemleak leak. The taint lines
# for our unsigned out-of-tree modules are expected and do not match.
# Usage: dmesg-check.sh DMESG [KMEMLEAK]
dmesg=${1:?}
kmemleak=${2:-}
bad='WARNING:|BUG:|Oops|KASAN|UBSAN|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|Call Trace:|unreferenced object|suspected memory leak'
status=0
if [ ! -s "$dmesg" ]; then
	echo "# dmesg-check: no dmesg collected" >&2
	exit 1
fi
if grep -E -n "$bad" "$dmesg" > /dev/null; then
	echo "# dmesg-check: the guest kernel reported:"
	grep -E -n -A20 "$bad" "$dmesg" | head -60 | sed 's/^/#   /'
	status=1
fi
if [ -n "$kmemleak" ] && [ -s "$kmemleak" ]; then
	echo "# dmesg-check: kmemleak found leaks:"
	head -60 "$kmemleak" | sed 's/^/#   /'
	status=1
fi
exit $status
