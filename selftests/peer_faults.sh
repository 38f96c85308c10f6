#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The link protocol under faults, with a qlinksim link split across two
# netns joined only by a veth pair (time tags; end b's clock 300 us off
# and drifting 0.1 ns/s against end a's):
#  - the deciding end finds the offset from an unknown start within its
#    stated uncertainty (the truth from the two link clocks' bases, both
#    CLOCK_MONOTONIC of this kernel) and follows the drift;
#  - netem loss 20%, duplication, reordering, 50 ms delay and corruption
#    both ways: no pair differs between the ends, duplicates fall to the
#    replay window, losses are counted, and the link recovers;
#  - a peer that falls silent: timeout, carrier off, its pairs dropped,
#    recovery; a peer that restarts (deleted and made again): a new
#    epoch, the old one's pairs dropped, recovery.
# About 2 min in the TCG guest.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
qlink=$build/tools/qlink
export IP_LIB_DIR=$build/iproute-plugin
na=qfault_a
nb=qfault_b
. "$top/selftests/lib.sh"
. "$top/selftests/split_lib.sh"

echo "TAP version 13"
echo "1..14"

if [ ! -x "$qlink" ] || [ ! -f "$IP_LIB_DIR/link_qlinksim.so" ]; then
	echo "# $qlink or the qlinksim plugin not built"
	exit 4
fi
if ! grep -q "^qlinksim " /proc/modules || ! modprobe sch_netem; then
	echo "# qlinksim not loaded, or no sch_netem"
	exit 4
fi

split_netns 79
(umask 077; "$qlink" genkey > "$tmp/key")
offset=300000000	# end b's clock offset, ps
drift=100		# F8: end b's delay drift, ps/s

# snap NAME: both ends' link and statistics (-d -s), and their pairs
snap() {
	json $na -s -d link show dev qa > "$tmp/$1.a"
	json $nb -s -d link show dev qb > "$tmp/$1.b"
	json $nb pair show dev qb > "$tmp/$1.pb"
	json $na pair show dev qa > "$tmp/$1.pa"
}
# py PROGRAM: python with the snapshots loaded by name: s['x.a'] ...
py() {
	python3 -c "
import glob, json, math, os
s = {os.path.basename(f): json.load(open(f)) for f in glob.glob('$tmp/*.[ab]')}
p = {os.path.basename(f): json.load(open(f)) for f in glob.glob('$tmp/*.p[ab]')}
$1"
}
# same_pairs NAME: the pairs both ends hold are the same ones
same_pairs() {
	py "
a = {x['seq']: (x['link_id'], x['bell_index']) for x in p['$1.pa']}
b = {x['seq']: (x['link_id'], x['bell_index']) for x in p['$1.pb']}
both = a.keys() & b.keys()
differ = [k for k in both if a[k] != b[k]]
print('# $1: %d pairs at both ends, %d differ' % (len(both), len(differ)))
exit(not (both and not differ))"
}
# rising: heralds grow at both ends over 3 s
rising() {
	local a0 b0
	a0=$(heralds $na qa)
	b0=$(heralds $nb qb)
	sleep 3
	[ "$(heralds $na qa)" -gt "$a0" ] && [ "$(heralds $nb qb)" -gt "$b0" ]
}
# state_is STATE: both ends' protocol state, within 15 s
state_is() {
	local end=$((SECONDS + 15))
	while [ $SECONDS -lt $end ]; do
		[ "$(peer_state $na qa)" = "$1" ] &&
			[ "$(peer_state $nb qb)" = "$1" ] && return 0
		sleep 0.3
	done
	return 1
}
# netem ARGS...: the same netem qdisc on both veth ends; netem off
netem() {
	if [ "$1" = off ]; then
		tc -n $na qdisc del dev va root
		tc -n $nb qdisc del dev vb root
	else
		tc -n $na qdisc replace dev va root netem "$@"
		tc -n $nb qdisc replace dev vb root netem "$@"
	fi
}
recovered() { state_is up && rising; }
carrier_off() {
	! ip -n $na link show qa | grep -q LOWER_UP &&
		! ip -n $nb link show qb | grep -q LOWER_UP
}

b_extra="clock-offset $offset"
check "create" make_ends 4749 10.79.0.1 10.79.0.2 "$tmp/key" rate 1k \
	offset-drift ${drift}ps/s
check "peer-up" wait_up
snap t0

# The offset: the peer's link clock minus ours, for the same photon pair:
# the bases' difference (ns; end b's clock offset moved its base) and the
# drift since b started; within 3 stated errors and half the window, and
# the drift of the last 2 s (the tracking's lag).
check "offset-found" py "
a, b = s['t0.a'], s['t0.b']
est, err = a['peer']['clock_offset'], a['peer']['clock_offset_error']
up = (a['stats']['link_time']) / 1e12
truth = (a['clock_base'] - b['clock_base']) * 1000 + $drift * up
tol = max(3 * err, a['config']['window_full'] / 2)
print('# clock offset %d +- %d ps, truth %d (%+d)' % (est, err, truth, est - truth))
exit(not abs(est - truth) <= tol + 2 * $drift)"
sleep 6
snap t1
check "drift-followed" py "
a0, a1 = s['t0.a'], s['t1.a']
d = a1['peer']['clock_offset'] - a0['peer']['clock_offset']
t = (a1['stats']['link_time'] - a0['stats']['link_time']) / 1e12
acc = (a1['stats']['accidentals'] - a0['stats']['accidentals'])
n = (a1['stats']['heralds'] - a0['stats']['heralds'])
print('# offset moved %d ps in %.1f s (drift %d ps): %d heralds, %d accidental'
      % (d, t, $drift * t, n, acc))
tol = max(a1['config']['window_full'], $drift * t / 4)
exit(not (abs(d - $drift * t) < tol and n > 100 and acc < n / 10))"
check "same-pairs" same_pairs t1

# Everything netem does, both ways, for 6 s.
netem loss 20% duplicate 10% delay 50ms 10ms reorder 25% 50% corrupt 2%
sleep 6
netem off
sleep 2
snap t2
check "faults-no-pair-differs" same_pairs t2
check "faults-counted" py "
a1, a2, b1, b2 = (s[k]['stats'] for k in ('t1.a', 't2.a', 't1.b', 't2.b'))
d = lambda x, y, k: y[k] - x[k]
rep = d(a1, a2, 'proto_rx_replayed') + d(b1, b2, 'proto_rx_replayed')
lost = d(b1, b2, 'heralds_lost') + d(a1, a2, 'tags_lost')
print('# replayed (duplicates) %d, heralds lost %d, tags lost %d' %
      (rep, d(b1, b2, 'heralds_lost'), d(a1, a2, 'tags_lost')))
exit(not (rep > 0 and lost > 0))"
check "faults-recovered" recovered

# Silence: every packet lost for longer than the timeout (3 s).
netem loss 100%
check "silent-peer-times-out" state_is connecting
check "silent-carrier-off" carrier_off
netem off
snap t3
check "silent-counted-and-dropped" py "
a, b = s['t3.a'], s['t3.b']
print('# timeouts a %d b %d, pairs a %d b %d, flushed a %d' %
      (a['stats']['peer_timeouts'], b['stats']['peer_timeouts'],
       a['stats']['pairs'], b['stats']['pairs'], a['stats']['flushed']))
exit(not (a['stats']['peer_timeouts'] >= 1 and b['stats']['peer_timeouts'] >= 1
          and a['stats']['flushed'] > 0))"
check "silent-recovered" recovered

# Restart: end b deleted and made again (a new epoch).
ip -n $nb link del qb
ip -n $nb link add qb type qlinksim end b seed 4242 max-pairs 65536 rate 1k \
	offset-drift ${drift}ps/s peer 10.79.0.1:4749 key "$tmp/key" \
	timeout 3000 keepalive 500 clock-offset $offset
ip -n $nb link set qb up
check "restart-recovered" wait_up
snap t4
check "restart-counted" py "
a3, a4 = s['t3.a'], s['t4.a']
print('# restarts %d, epochs %d -> %d' % (a4['stats']['peer_restarts'],
      a3['peer'].get('peer_epoch', 0), a4['peer']['peer_epoch']))
exit(not (a4['stats']['peer_restarts'] > a3['stats']['peer_restarts'] and
          a4['peer']['peer_epoch'] > a3['peer'].get('peer_epoch', 0)))"

exit $failed
