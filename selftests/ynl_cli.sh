#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Python access to the qlink family with no code of ours: the kernel's own
# YNL CLI (tools/net/ynl/cli.py of linux-source-6.12, extracted by `make
# deps`) driven by uapi/qlink.yaml. In a netns of its own it dumps the
# links the test made, changes the coincidence window of one, reads it
# back, and sees an out-of-range window refused with the kernel's extended ACK.
# About 25 s in the TCG guest: each cli.py run parses the spec.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
ynl=$build/ynl
export IP_LIB_DIR=$build/iproute-plugin
ns=ynl_cli
# Where the coincidence window lives: its nest and attribute.
nest=link-config attr=window-full
. "$top/selftests/lib.sh"

echo "TAP version 13"
echo "1..6"

if [ ! -f "$ynl/tools/net/ynl/cli.py" ] || [ ! -f "$IP_LIB_DIR/link_qlinksim.so" ]; then
	echo "# YNL (make deps) or the qlinksim plugin not there"
	exit 4
fi
if ! grep -q "^qlinksim " /proc/modules; then
	echo "# qlinksim not loaded"
	exit 4
fi
# The CLI's own cost is userspace parsing the spec (about 140 s on the
# debug kernel); the requests it sends (LINK_GET dump, LINK_SET) run on
# the debug kernel in link_basic and qlink_fuzz. Once, on Debian's kernel.
if [ -e /proc/lockdep ] && [ -z "${QLINK_YNL_CLI_DEBUG:-}" ]; then
	echo "# debug kernel: runs on Debian's kernel (QLINK_YNL_CLI_DEBUG=1 forces it)"
	exit 4
fi

tmp=
cleanup() {
	ip netns del $ns 2>/dev/null
	[ -n "$tmp" ] && rm -rf "$tmp"
}
cleanup
tmp=$(mktemp -d)
trap cleanup EXIT

# cli OUT ARGS...: the CLI in the test's netns, its output to OUT (JSON,
# or the kernel's error), stderr to OUT.err. The spec is checked against
# the schema at build time (gate-ynl): jsonschema would take the guest
# most of a minute a call.
cli() {
	local out=$1 t0=$SECONDS rc
	shift
	ip netns exec $ns python3 "$ynl/tools/net/ynl/cli.py" --no-schema \
		--spec "$top/uapi/qlink.yaml" --output-json "$@" \
		> "$out" 2> "$out.err"
	rc=$?
	echo "# cli.py $*: $((SECONDS - t0))s"
	sed 's/^/# /' "$out.err"
	return $rc
}

# json FILE EXPR: evaluate Python EXPR on the JSON in FILE (as r)
json() {
	python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

ip netns add $ns
ip -n $ns link add qa type qlinksim peer name qb
check "setup-netns-link" ip netns exec $ns test -e /sys/class/net/qb

cli "$tmp/dump" --dump link-get
names=$(json "$tmp/dump" 'sorted((l["ifname"], l["link-kind"]) for l in r)')
echo "# dump: $names"
check "dump-lists-the-links" [ "$names" = "[('qa', 'qlinksim'), ('qb', 'qlinksim')]" ]
peer=$(json "$tmp/dump" '[l for l in r if l["ifname"] == "qa"][0]["link-peer-ifindex"]')
check "dump-has-the-peer" [ "$peer" = "$(ip netns exec $ns cat /sys/class/net/qb/ifindex)" ]

cli "$tmp/set" --do link-set --json "{\"ifname\": \"qa\", \"$nest\": {\"$attr\": 2345}}"
cli "$tmp/get" --do link-get --json '{"ifname": "qa"}'
got=$(json "$tmp/get" "r['$nest']['$attr']")
echo "# $attr after link-set: $got"
check "do-link-set-changes-$attr" [ "$got" = 2345 ]

cli "$tmp/bad" --do link-set --json "{\"ifname\": \"qa\", \"$nest\": {\"$attr\": 0}}"
rc=$?
sed 's/^/# /' "$tmp/bad"
check "do-link-set-out-of-range-refused" [ $rc = 1 ]
# the policy's message, the bad attribute (YNL names it) and its range
check "kernel-message-out-of-range" grep -q "out of range" "$tmp/bad"
check "extack-names-$attr" grep -q "$attr" "$tmp/bad"

exit $failed
