#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Instructions per timestamp of the qcore matcher and of the plain merge,
# and per call of the cross-correlation, from one callgrind run of the
# benchmark's callgrind mode (-c), which calls each candidate once in its
# own noinline function.
#
#   callgrind.sh <bench binary> <tags per channel> <callgrind out file>
set -u
bin=$1
n=$2
out=$3

if ! command -v valgrind > /dev/null 2>&1; then
	echo "# callgrind: valgrind not installed, skipped"
	exit 0
fi
if ! valgrind --tool=callgrind --callgrind-out-file="$out" \
	"$bin" -c -n "$n" > "$out.log" 2>&1; then
	echo "# callgrind: run failed, see $out.log"
	exit 1
fi

# Inclusive Ir of one function, commas dropped.
ir() {
	callgrind_annotate --inclusive=yes "$out" 2>/dev/null |
		awk -v f="$1" '$0 ~ ":" f "(\\.[a-z0-9.]+)? " && $1 ~ /^[0-9,]+$/ {
			gsub(",", "", $1); print $1; exit }'
}

m=$(ir bench_run_matcher)
p=$(ir bench_run_merge)
v=$(ir bench_run_validate)
x=$(ir bench_run_xcorr)
awk -v m="$m" -v p="$p" -v v="$v" -v x="$x" -v n="$n" 'BEGIN {
	ts = 2 * n
	printf "# instructions per timestamp (callgrind, 2 x %d tags)\n", n
	printf "%-34s %9.2f\n", "qcore matcher, total", m / ts
	printf "%-34s %9.2f\n", "  of which order/range validation", 2 * v / ts
	printf "%-34s %9.2f\n", "  of which merge, matches, carry", (m - 2 * v) / ts
	printf "%-34s %9.2f\n", "plain 2-cursor merge (baseline)", p / ts
	printf "%-34s %8s (merge alone: %s)\n", "goal <= 10 per timestamp",
		m / ts <= 10 ? "met" : "NOT met",
		(m - 2 * v) / ts <= 10 ? "met" : "not met"
	printf "%-34s %9.2f M (%.1f per tag)\n",
		"xcorr, one call (2 x 1e5 tags)", x / 1e6, x / 2e5
}'
