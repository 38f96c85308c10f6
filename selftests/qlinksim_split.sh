#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# qlinksim split mode: the two ends of one link in two network
# namespaces joined only by a veth pair (its addresses inside them), each
# end made on its own (`end a` in one, `end b` in the other) and reaching
# the other through the link protocol. The creation's refusals first;
# then the time-tag model over IPv4 (end b's clock 5 us ahead) and the
# herald-event model over IPv6: the protocol comes up at both ends, both
# herald, they hold the same pairs (sequence numbers, pair link id, Bell
# index), the true herald rate is within 3 sigma of the calibration's
# (the paired mode's expectation for the same physics), and the
# protocol's counters show that the heralds crossed it. About 90 s in
# the TCG guest. Helpers shared with peer_faults.sh: split_lib.sh.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
qlink=$build/tools/qlink
export IP_LIB_DIR=$build/iproute-plugin
na=qsplit_a
nb=qsplit_b
. "$top/selftests/lib.sh"
. "$top/selftests/split_lib.sh"

echo "TAP version 13"
echo "1..22"

if [ ! -x "$qlink" ] || [ ! -f "$IP_LIB_DIR/link_qlinksim.so" ]; then
	echo "# $qlink or the qlinksim plugin not built"
	exit 4
fi
if ! grep -q "^qlinksim " /proc/modules; then
	echo "# qlinksim not loaded"
	exit 4
fi
# The protocol's paths run on the debug kernel in peer_proto and
# peer_faults (ten minutes there); this test adds the driver's split
# creation and the event model, on Debian's kernel.
if [ -e /proc/lockdep ] && [ -z "${QLINK_SPLIT_DEBUG:-}" ]; then
	echo "# debug kernel: runs on Debian's kernel (QLINK_SPLIT_DEBUG=1 forces it)"
	exit 4
fi

split_netns 78
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$tmp/key"
echo >> "$tmp/key"
head -c 32 /dev/urandom > "$tmp/key.raw"

# refused NAME WORDS ARGS...: creation in $na fails, stderr has WORDS
refused() {
	local words=$1
	shift
	! ip -n $na link add qx type qlinksim "$@" 2> "$tmp/err" &&
		grep -q -- "$words" "$tmp/err" &&
		! ip -n $na link show qx > /dev/null 2>&1
}
check "split-end-needs-link-peer" refused "LINK_PEER" end a seed 1
check "split-end-needs-seed" refused "SEED" \
	end a peer 10.78.0.2:4747 key "$tmp/key"
check "split-end-has-no-peer-device" refused "no peer device" \
	end b seed 1 peer name qy
check "clock-offset-is-for-split-ends" refused "split end" \
	clock-offset 5 peer name qy
check "plugin-wants-key" refused "key FILE" \
	end a seed 1 peer 10.78.0.2:4747

# run MODEL: the checks of one model on the running ends qa and qb
run() {
	local m=$1
	check "$m-peer-up" wait_up
	sleep 1
	json $na -s -d link show dev qa > "$tmp/a1"
	json $nb -s link show dev qb > "$tmp/b1"
	sleep 5
	json $na -s -d link show dev qa > "$tmp/a2"
	json $nb -s link show dev qb > "$tmp/b2"
	# end B first: records reach it after end A stores them
	json $nb pair show dev qb > "$tmp/pb"
	json $na pair show dev qa > "$tmp/pa"

	check "$m-heralds-at-both-ends" python3 -c "
import json
s = [json.load(open('$tmp/' + f))['stats'] for f in ('a1', 'a2', 'b1', 'b2')]
h = [x['heralds'] for x in s]
print('# heralds: a %d, b %d in 5 s' % (h[1] - h[0], h[3] - h[2]))
exit(not (h[1] > h[0] and h[3] > h[2]))"
	# true heralds at end A over its covered link time, against the
	# calibration's rate: Poisson, 3 sigma
	check "$m-herald-rate-3-sigma" python3 -c "
import json, math
a1, a2 = (json.load(open('$tmp/' + f)) for f in ('a1', 'a2'))
s1, s2 = a1['stats'], a2['stats']
t = (s2['covered_time'] - s1['covered_time']) / 1e12
n = (s2['heralds'] - s2['accidentals']) - (s1['heralds'] - s1['accidentals'])
exp = a2['calib']['herald_rate'] / 1e3 * t
print('# %.3f s covered: %d true heralds, expected %.1f' % (t, n, exp))
exit(not (t > 1 and abs(n - exp) < 3 * math.sqrt(exp)))"
	# Over the sequence numbers both buffers span: the pairs both hold
	# are the same (pair link id, Bell index); the few only one holds
	# are records in flight or lost and not yet dropped by end A (LOST)
	check "$m-same-pairs-both-ends" python3 -c "
import json
pa, pb = (json.load(open('$tmp/' + f)) for f in ('pa', 'pb'))
a = {p['seq']: (p['link_id'], p['bell_index']) for p in pa}
b = {p['seq']: (p['link_id'], p['bell_index']) for p in pb}
lo, hi = max(min(a), min(b)), min(max(a), max(b))
ra = {k: v for k, v in a.items() if lo <= k <= hi}
rb = {k: v for k, v in b.items() if lo <= k <= hi}
both = ra.keys() & rb.keys()
differ = [k for k in both if ra[k] != rb[k]]
only = len(ra) + len(rb) - 2 * len(both)
print('# pairs in [%d, %d]: %d at both, %d differ, %d only at a, %d only at b'
      % (lo, hi, len(both), len(differ), len(ra) - len(both),
         len(rb) - len(both)))
exit(not (len(both) >= 100 and not differ and only <= len(both) // 20))"
	check "$m-proto-counters" python3 -c "
import json
a, b = (json.load(open('$tmp/' + f))['stats'] for f in ('a2', 'b2'))
ok = all(x['proto_tx'] > 0 and x['proto_rx'] > 0 for x in (a, b))
ok = ok and a['heralds_sent'] > 0 and b['heralds_received'] > 0
if '$m' == 'tags':
    ok = ok and b['tags_sent'] > 0 and a['tags_received'] > 0
print('# a: tx %d rx %d heralds-sent %d; b: tx %d rx %d heralds-received %d' %
      (a['proto_tx'], a['proto_rx'], a['heralds_sent'], b['proto_tx'],
       b['proto_rx'], b['heralds_received']))
exit(not ok)"
	# end B makes no heralds of its own: each came over the protocol
	check "$m-b-heralds-crossed" python3 -c "
import json
b = json.load(open('$tmp/b2'))['stats']
exit(not (0 < b['heralds'] <= b['heralds_received']))"
}

# Time tags over IPv4, keys as hex.
b_extra="clock-offset 5000000"
check "tags-create" make_ends 4747 10.78.0.1 10.78.0.2 "$tmp/key" rate 1k
check "tags-show-end-a" bash -c "ip -n $na -d link show qa | grep -q 'end a '"
check "tags-show-end-b-offset" bash -c \
	"ip -n $nb -d link show qb | grep -q 'end b clock-offset 5000000'"
check "clock-offset-not-while-up" bash -c \
	"! ip -n $nb link set qb type qlinksim clock-offset 7 2> /dev/null"
run tags
ip -n $na link del qa
ip -n $nb link del qb

# Herald events over IPv6, a raw key: end A generates, end B none.
check "events-create" make_ends 4748 "[fd00:78::1]" "[fd00:78::2]" \
	"$tmp/key.raw" herald events rate 50 dark-rate 0
run events

exit $failed
