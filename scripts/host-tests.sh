#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host unit tests of the shared pure-C core and the QKD post-processing,
# built with ASan and UBSan, and the host-side scripts of selftests/host
# (a 1 MB QKD key from simulated pairs).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out=$BUILD/host
if [ ! -f "$top/selftests/host/Makefile" ]; then
	exit 0
fi
if ! make -s --no-print-directory -C "$top/selftests/host" O="$out" \
	KSFT_DIR="$BUILD/ksrc/tools/testing/selftests" > "$BUILD/host-build.log" 2>&1; then
	echo "not ok host-tests-build (log: $BUILD/host-build.log)"
	tail -40 "$BUILD/host-build.log" | sed 's/^/#   /'
	exit 0
fi
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	"$top/scripts/run-tests.sh" "$out" "$top/selftests/host"
