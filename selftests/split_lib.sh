# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the shell selftests of links split across two netns
# (qlinksim_split.sh, peer_faults.sh), sourced by them after lib.sh: not
# a test itself. Needs $qlink (the tool), $na and $nb (the two
# netns, end qa in $na, qb in $nb).

# split_cleanup: the netns and $tmp go (split_netns's EXIT trap)
split_cleanup() {
	ip netns del $na 2>/dev/null
	ip netns del $nb 2>/dev/null
	[ -n "${tmp:-}" ] && rm -rf "$tmp"
}
# split_netns N: a scratch directory $tmp, and the netns $na and $nb,
# joined only by a veth pair va-vb with 10.N.0.1/24, fd00:N::1/64 in $na
# and .2, ::2 in $nb; all removed on exit
split_netns() {
	split_cleanup
	tmp=$(mktemp -d)
	trap split_cleanup EXIT
	ip netns add $na && ip netns add $nb
	ip -n $na link set lo up
	ip -n $nb link set lo up
	ip -n $na link add va type veth peer name vb netns $nb
	ip -n $na addr add 10.$1.0.1/24 dev va
	ip -n $nb addr add 10.$1.0.2/24 dev vb
	ip -n $na addr add fd00:$1::1/64 dev va nodad
	ip -n $nb addr add fd00:$1::2/64 dev vb nodad
	ip -n $na link set va up && ip -n $nb link set vb up
}

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
heralds() { json "$1" -s link show dev "$2" | python3 -c '
import json, sys
print(json.load(sys.stdin)["stats"]["heralds"])'; }
# peer_state NS DEV: the link protocol's state (QLINK_A_LINK_PEER)
peer_state() {
	json "$1" link show dev "$2" | python3 -c '
import json, sys
print(json.load(sys.stdin).get("peer", {}).get("state", ""))'
}
# wait_up: heralds at both ends within 60 s (wall time: a poll takes a
# good part of a second in the TCG guest), then both ends' protocol state
# up; else show the two ends
wait_up() {
	local end=$((SECONDS + 60)) sa sb ha hb

	while [ $SECONDS -lt $end ]; do
		ha=$(heralds $na qa)
		hb=$(heralds $nb qb)
		echo "# $((SECONDS + 60 - end)) s: heralds a $ha, b $hb"
		[ "$ha" -gt 0 ] && [ "$hb" -gt 0 ] && break
		sleep 0.5
	done
	sa=$(peer_state $na qa)
	sb=$(peer_state $nb qb)
	echo "# after $((SECONDS + 60 - end)) s: states a $sa, b $sb"
	[ "$sa" = up ] && [ "$sb" = up ] && return 0
	ip netns exec $na "$qlink" -s -d link show dev qa | sed 's/^/# /'
	ip netns exec $nb "$qlink" -s -d link show dev qb | sed 's/^/# /'
	return 1
}


# Both ends with the same physics and seed; the pair buffers hold the
# run (time tags), or 1024 attempts of it (herald events: memory slots
# are used round robin). PORT, ADDR_A, ADDR_B, KEY, then physics; end B
# also gets $b_extra (its clock offset, say).
make_ends() {
	local port=$1 addr_a=$2 addr_b=$3 key=$4
	shift 4
	ip -n $na link add qa type qlinksim end a seed 4242 max-pairs 65536 \
		"$@" peer "$addr_b:$port" key "$key" timeout 3000 \
		keepalive 500 &&
	ip -n $nb link add qb type qlinksim end b seed 4242 max-pairs 65536 \
		"$@" peer "$addr_a:$port" key "$key" timeout 3000 \
		keepalive 500 ${b_extra:-} &&
	ip -n $na link set qa up && ip -n $nb link set qb up
}

