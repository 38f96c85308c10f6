#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: gates, host tests, then the guest tests, in that order. Every
# stage prints TAP; the last line sums them: "N passed, N failed, N skipped".
# The guest stage fails if any test fails, the guest does not come back in
# time, or the guest's dmesg shows a kernel warning, oops or checker report.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
res=$BUILD/results
mkdir -p "$res"
rm -f "$res"/*.tap
start=$(date +%s)

stage() {	# stage NAME CMD...: run, keep its TAP, show it as it comes
	local name=$1 t0=$(date +%s)
	shift
	echo "== $name"
	"$@" 2>&1 | tee "$res/$name.tap" | grep -E -v '^#  +(RUN|OK)|^# Starting|^TAP version|^1\.\.'
	echo "== $name: $(( $(date +%s) - t0 ))s"
}

# Lines the run itself adds to a stage's TAP (not tests' own output).
add() { echo "$2" >> "$res/$1.tap"; echo "$2"; }

[ -z "$T" ] && stage gates "$top/scripts/gates.sh"
stage host "$top/scripts/host-tests.sh"
if [ -f "$top/selftests/fuzz/Makefile" ] && [ -z "$T" ]; then
	stage fuzz make -s --no-print-directory -C "$top/selftests/fuzz" \
		O="$BUILD/fuzz" run FUZZ_SECONDS="${FUZZ_SECONDS:-30}"
fi

echo "== guest ($KERNEL kernel)"
if make --no-print-directory -s -C "$top" modules userspace > "$res/guest-build.log" 2>&1 &&
   make --no-print-directory -s -C "$top" guest-run; then
	out=$BUILD/vm/$KERNEL/out
	cp "$out/results.tap" "$res/guest.tap"
	if "$top/scripts/dmesg-check.sh" "$out/dmesg.txt" "$out/kmemleak.txt"; then
		add guest "ok guest-dmesg-clean"
	else
		add guest "not ok guest-dmesg-clean (full log: $out/dmesg.txt)"
	fi
else
	add guest "not ok guest-run (see above; build log: $res/guest-build.log)"
fi

pass=$(cat "$res"/*.tap | grep -E -c '^ok ' )
skip=$(cat "$res"/*.tap | grep -E -c '^ok .*# *SKIP')
fail=$(cat "$res"/*.tap | grep -E -c '^not ok ')
pass=$((pass - skip))
echo "== total: $(( $(date +%s) - start ))s"
if [ "$fail" -ne 0 ]; then
	echo "failed:"
	cat "$res"/*.tap | grep -E '^not ok ' | sed 's/^/  /'
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
