#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest benchmarks, run inside the guest with the qlink modules loaded
# (the guest runner's "bench" mode): the heralding path's ingest
# throughput from qlinksim at rising source rates up to its maximum.
# Figures under TCG are only meaningful against baselines of the same run.
#
# Usage: guest-bench.sh [BUILD dir]   (binaries in $BUILD/bench)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-${BUILD:-$top/build}}
bin=$build/bench/guest_ingest
if [ ! -x "$bin" ]; then
	echo "guest-bench: $bin missing (make -C tools/bench guest)" >&2
	exit 1
fi
echo "# guest ingest throughput ($(uname -r), $(nproc) cpus)"
"$bin" -t "${GUEST_BENCH_SECS:-3}"
