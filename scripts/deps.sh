#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything qlink needs from Debian packages, idempotently and
# quietly when there is nothing to do:
#  - host packages (compilers, libnl, qemu, busybox, sparse, linux-source...)
#  - the guest kernel: linux-image-$ABI matching the installed headers,
#    unpacked with dpkg -x into BUILD/guest/$ABI (never installed on the host)
#  - kselftest headers and checkpatch.pl, extracted from linux-source-6.1
#  - the kernel's YNL tooling and netlink schemas, from linux-source-6.12
#    (scripts/ynl.sh)
#
# Usage: deps.sh BUILD_DIR CACHE_DIR
set -euo pipefail

build=${1:?usage: deps.sh BUILD_DIR CACHE_DIR}
cache=${2:?usage: deps.sh BUILD_DIR CACHE_DIR}
export DEBIAN_FRONTEND=noninteractive

pkgs="gcc make pkg-config cpio xz-utils kmod util-linux busybox-static
      qemu-system-x86 iproute2 libnl-3-dev libnl-genl-3-dev libnl-route-3-dev
      sparse linux-headers-amd64 linux-source-6.1 bc bison flex libelf-dev
      libssl-dev dwarves clang llvm libclang-rt-14-dev valgrind python3
      python3-yaml dpkg-dev patch libmnl-dev libcap-dev man-db groff-base
      bash-completion ent abigail-tools linux-source-6.12 python3-jsonschema"

updated=
apt_update() {
	[ -n "$updated" ] && return
	apt-get update -qq
	updated=1
}

missing=
for p in $pkgs; do
	s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$s" = installed ] || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "deps: installing$missing"
	apt_update
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# Guest kernel: the image must be the exact build of the installed headers.
hdrpkg=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 | sed 's/ .*//')
abi=${hdrpkg#linux-headers-}
hdrver=$(dpkg-query -W -f='${Version}' "$hdrpkg")
mkdir -p "$build" "$cache/debs"
guest=$build/guest/$abi
if [ ! -f "$guest/.unpacked" ]; then
	imgpkg=linux-image-$abi
	deb=$(ls "$cache/debs/${imgpkg}_${hdrver}_amd64.deb" 2>/dev/null || true)
	if [ -z "$deb" ]; then
		apt_update
		if ! (cd "$cache/debs" && apt-get download -qq "$imgpkg=$hdrver" >/dev/null 2>&1); then
			echo "deps: headers are $hdrpkg $hdrver but $imgpkg $hdrver cannot be" \
			     "downloaded; run 'apt-get update && apt-get install" \
			     "linux-headers-amd64' so both come from the same point release" >&2
			exit 1
		fi
		deb=$(ls "$cache/debs/${imgpkg}_"*"_amd64.deb" | grep -F "_${hdrver}_")
	fi
	echo "deps: unpacking guest kernel $imgpkg $hdrver"
	rm -rf "$guest"
	mkdir -p "$guest"
	dpkg -x "$deb" "$guest"
	[ -f "$guest/boot/vmlinuz-$abi" ] || { echo "deps: $deb has no vmlinuz-$abi" >&2; exit 1; }
	depmod -b "$guest" "$abi"
	touch "$guest/.unpacked"
fi
echo "$abi" > "$build/abi.tmp"
cmp -s "$build/abi.tmp" "$build/abi" 2>/dev/null && rm "$build/abi.tmp" || mv "$build/abi.tmp" "$build/abi"

# Kernel files we use but do not copy into the repository.
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
ksrc=$build/ksrc
if [ "$(cat "$ksrc/.version" 2>/dev/null)" != "$srcver" ]; then
	echo "deps: extracting kselftest harness and checkpatch from linux-source $srcver"
	rm -rf "$ksrc"
	mkdir -p "$ksrc"
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$ksrc" --strip-components=1 \
		linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.1/tools/testing/selftests/kselftest.h \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
	echo "$srcver" > "$ksrc/.version"
fi
"$(dirname "$0")/ynl.sh" deps "$build"
