#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) the debug guest kernel from Debian's linux-source-6.1 with the
# checkers the tests rely on: KASAN, lockdep, kmemleak, UBSAN. The tree is
# cached outside the checkout, keyed by the source version and the config
# fragments, so it is built once per machine and then reused.
#
# Usage: debug-kernel.sh CACHE_DIR   -> prints the build directory
set -euo pipefail

cache=${1:?usage: debug-kernel.sh CACHE_DIR}
top=$(cd "$(dirname "$0")/.." && pwd)
tarball=/usr/src/linux-source-6.1.tar.xz
[ -f "$tarball" ] || { echo "debug-kernel: $tarball missing (run make deps)" >&2; exit 1; }

srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
key=$(cat "$top/selftests/config" "$top/scripts/debug.config" | sha1sum | cut -c1-10)
src=$cache/linux-source-$srcver
out=$cache/debug-$srcver-$key

if [ -f "$out/.qlink-built" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$cache"
if [ ! -f "$src/.qlink-unpacked" ]; then
	echo "debug-kernel: unpacking linux-source $srcver" >&2
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	tar -xJf "$tarball" -C "$src.tmp" --strip-components=1
	touch "$src.tmp/.qlink-unpacked"
	mv "$src.tmp" "$src"
fi

echo "debug-kernel: configuring $out" >&2
rm -rf "$out"
mkdir -p "$out"
make -s -C "$src" O="$out" defconfig kvm_guest.config >&2
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
	"$top/selftests/config" "$top/scripts/debug.config" >/dev/null
make -s -C "$src" O="$out" olddefconfig >&2

# Fail early if a requested checker did not survive olddefconfig.
for opt in KASAN PROVE_LOCKING DEBUG_KMEMLEAK DEBUG_ATOMIC_SLEEP DEBUG_LIST \
	   UBSAN VETH NET_9P_VIRTIO 9P_FS USER_NS NET_NS; do
	grep -q "^CONFIG_$opt=y" "$out/.config" || {
		echo "debug-kernel: CONFIG_$opt did not end up =y" >&2
		exit 1
	}
done

echo "debug-kernel: building (about 10-15 minutes on 2 cores)" >&2
start=$(date +%s)
make -s -C "$src" O="$out" -j"$(nproc)" bzImage modules >&2
make -s -C "$src" O="$out" INSTALL_MOD_PATH="$out/modroot" modules_install >&2
echo "debug-kernel: built in $(( $(date +%s) - start )) s" >&2
touch "$out/.qlink-built"
echo "$out"
