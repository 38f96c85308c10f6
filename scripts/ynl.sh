#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The generic netlink family is described once, in uapi/qlink.yaml; the
# kernel's own YNL tooling (tools/net/ynl and the Documentation/netlink
# schemas of Debian's linux-source-6.12, never copied into the repository)
# validates it and generates from it:
#   uapi/linux/qlink_genl.h      the family's uapi header (ynl-gen-c --mode uapi)
#   kernel/core/genl-policy.h    the kernel's request policies with their
#                                ranges, in the form a 6.1 kernel compiles
#   uapi/qlink_attrs.h           per attribute set: name, number, type and
#                                range of each attribute, for userspace
# The generated files are committed (module and package builds need neither
# linux-source-6.12 nor python); `check` fails when they are stale.
#
# Usage: ynl.sh deps BUILD_DIR   extract the tooling (from deps.sh)
#        ynl.sh gen              validate the spec, regenerate the files
#        ynl.sh check            validate, fail if a generated file is stale
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
spec=uapi/qlink.yaml

deps() {
	local build=$1 ynl=$1/ynl ver
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
	[ "$(cat "$ynl/.version" 2>/dev/null)" = "$ver" ] && return
	echo "deps: extracting YNL from linux-source $ver"
	rm -rf "$ynl"
	mkdir -p "$ynl"
	tar -xJf /usr/src/linux-source-6.12.tar.xz -C "$ynl" --strip-components=1 \
		linux-source-6.12/tools/net/ynl linux-source-6.12/Documentation/netlink
	# the guest's / is read-only: it could not cache the bytecode itself
	python3 -m compileall -q "$ynl/tools/net/ynl"
	echo "$ver" > "$ynl/.version"
}

# ynl-gen-c.py expects a spec inside a kernel tree: it finds the schema at
# the spec's grandparent directory and the tree's root by walking up to a
# MAINTAINERS file, forever when there is none (os.path.dirname("/") is
# "/"). The spec is generated from a stage that has both.
stage() {
	local st=$1
	mkdir -p "$st/uapi"
	: > "$st/MAINTAINERS"
	ln -sf "$ynl"/Documentation/netlink/*.yaml "$st/"
	cp "$top/$spec" "$st/$spec"
}

generate() {	# generate OUT_DIR: every generated file under OUT_DIR
	local out=$1 st=$1/.stage gen=$ynl/tools/net/ynl/ynl-gen-c.py
	stage "$st"
	mkdir -p "$out/uapi/linux" "$out/kernel/core"
	python3 "$gen" --mode uapi --header --spec "$st/$spec" \
		-o "$out/uapi/linux/qlink_genl.h" >/dev/null
	python3 "$top/scripts/ynl_gen.py" policy "$ynl" "$st/$spec" \
		> "$out/kernel/core/genl-policy.h"
	python3 "$top/scripts/ynl_gen.py" attrs "$ynl" "$st/$spec" \
		> "$out/uapi/qlink_attrs.h"
	rm -rf "$st"
}

files="uapi/linux/qlink_genl.h kernel/core/genl-policy.h uapi/qlink_attrs.h"

: "${BUILD:=$top/build}"
ynl=$BUILD/ynl
case ${1:-} in
deps)
	deps "${2:?usage: ynl.sh deps BUILD_DIR}"
	;;
gen|check)
	[ -f "$ynl/.version" ] || { echo "ynl: run 'make deps' first" >&2; exit 1; }
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	python3 "$top/scripts/ynl_gen.py" validate "$ynl" "$top/$spec"
	generate "$tmp"
	for f in $files; do
		cmp -s "$tmp/$f" "$top/$f" && continue
		if [ "$1" = gen ]; then
			cp "$tmp/$f" "$top/$f"
			echo "ynl: wrote $f"
		else
			diff -u "$top/$f" "$tmp/$f" | head -20
			echo "ynl: $f is stale: run 'make ynl' and commit it" >&2
			exit 1
		fi
	done
	;;
*)
	sed -n '16,18p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 1
	;;
esac
