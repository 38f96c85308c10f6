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
# protocol's counters show that the heralds crossed it. About 40 s in the
# TCG guest.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
qlink=$build/tools/qlink
export IP_LIB_DIR=$build/iproute-plugin
na=qsplit_a
nb=qsplit_b
. "$top/selftests/lib.sh"

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

tmp=
cleanup() {
	ip netns del $na 2>/dev/null
	ip netns del $nb 2>/dev/null
	[ -n "$tmp" ] && rm -rf "$tmp"
}
cleanup
tmp=$(mktemp -d)
trap cleanup EXIT

ip netns add $na && ip netns add $nb
ip -n $na link set lo up
ip -n $nb link set lo up
ip -n $na link add va type veth peer name vb netns $nb
ip -n $na addr add 10.78.0.1/24 dev va
ip -n $nb addr add 10.78.0.2/24 dev vb
ip -n $na addr add fd00:78::1/64 dev va nodad
ip -n $nb addr add fd00:78::2/64 dev vb nodad
ip -n $na link set va up && ip -n $nb link set vb up
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

# json NS ARGS...: qlink -j ARGS in NS, one object (a one-link list is
# unwrapped)
json() {
	local ns=$1
	shift
	ip netns exec "$ns" "$qlink" -j "$@" | python3 -c '
import json, sys
d = json.load(sys.stdin)
json.dump(d[0] if isinstance(d, list) and len(d) == 1 else d, sys.stdout)'
}
# get FILE EXPR: a Python expression of the object d in FILE
get() {
	python3 -c "import json; d = json.load(open('$1')); print($2)"
}
peer_state() { json "$1" link show dev "$2" | python3 -c '
import json, sys
print(json.load(sys.stdin).get("peer", {}).get("state", ""))'; }
# wait_up: both ends' protocol up within 60 s (wall time: a poll takes
# a good part of a second in the TCG guest); else show the two ends
wait_up() {
	local end=$((SECONDS + 60))

	while [ $SECONDS -lt $end ]; do
		[ "$(peer_state $na qa)" = up ] &&
			[ "$(peer_state $nb qb)" = up ] && return 0
		sleep 0.2
	done
	ip netns exec $na "$qlink" -s -d link show dev qa | sed 's/^/# /'
	ip netns exec $nb "$qlink" -s -d link show dev qb | sed 's/^/# /'
	return 1
}

# Both ends with the same physics and seed; the pair buffers hold the
# run (time tags), or a few seconds of it (herald events: 1024 memory
# slots). PORT, ADDR_A, ADDR_B, KEY, then physics.
make_ends() {
	local port=$1 addr_a=$2 addr_b=$3 key=$4
	shift 4
	ip -n $na link add qa type qlinksim end a seed 4242 max-pairs 65536 \
		"$@" peer "$addr_b:$port" key "$key" &&
	ip -n $nb link add qb type qlinksim end b seed 4242 max-pairs 65536 \
		"$@" peer "$addr_a:$port" key "$key" \
		timeout 2000 keepalive 200 clock-offset 5000000 &&
	ip -n $na link set qa up && ip -n $nb link set qb up
}

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
	json $na pair show dev qa > "$tmp/pa"
	json $nb pair show dev qb > "$tmp/pb"

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
t = (s2['covered-time'] - s1['covered-time']) / 1e12
n = (s2['heralds'] - s2['accidentals']) - (s1['heralds'] - s1['accidentals'])
exp = a2['calib']['herald_rate'] / 1e3 * t
print('# %.3f s covered: %d true heralds, expected %.1f' % (t, n, exp))
exit(not (t > 1 and abs(n - exp) < 3 * math.sqrt(exp)))"
	check "$m-same-pairs-both-ends" python3 -c "
import json
pa, pb = (json.load(open('$tmp/' + f)) for f in ('pa', 'pb'))
a = {p['seq']: (p['link_id'], p['bell_index']) for p in pa}
b = {p['seq']: (p['link_id'], p['bell_index']) for p in pb}
lo, hi = max(min(a), min(b)), min(max(a), max(b))
ra = {k: v for k, v in a.items() if lo <= k <= hi}
rb = {k: v for k, v in b.items() if lo <= k <= hi}
print('# pairs: a %d, b %d, %d in both ranges [%d, %d]' %
      (len(a), len(b), len(ra), lo, hi))
exit(not (len(ra) >= 100 and ra == rb))"
	check "$m-proto-counters" python3 -c "
import json
a, b = (json.load(open('$tmp/' + f))['stats'] for f in ('a2', 'b2'))
ok = all(x['proto-tx'] > 0 and x['proto-rx'] > 0 for x in (a, b))
ok = ok and a['heralds-sent'] > 0 and b['heralds-received'] > 0
if '$m' == 'tags':
    ok = ok and b['tags-sent'] > 0 and a['tags-received'] > 0
print('# a: tx %d rx %d heralds-sent %d; b: tx %d rx %d heralds-received %d' %
      (a['proto-tx'], a['proto-rx'], a['heralds-sent'], b['proto-tx'],
       b['proto-rx'], b['heralds-received']))
exit(not ok)"
	# end B makes no heralds of its own: each came over the protocol
	check "$m-b-heralds-crossed" python3 -c "
import json
b = json.load(open('$tmp/b2'))['stats']
exit(not (0 < b['heralds'] <= b['heralds-received']))"
}

# Time tags over IPv4, keys as hex.
check "tags-create" make_ends 4747 10.78.0.1 10.78.0.2 "$tmp/key" rate 2k
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
	"$tmp/key.raw" herald events rate 500 dark-rate 0
run events

exit $failed
