#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch Debian's iproute2 source (the version installed on the host, so that
# plugins match its struct layout), apply our patches from
# iproute-plugin/patches/ and build its lib/ and ip/. The source package is
# fetched through a private apt configuration that adds a deb-src entry for
# the system's own Debian mirror; the system's sources are never edited.
#
# The qlink patch compiles `ip qlink` from tools/qlink and links it with
# BUILD_DIR/libqlink/libqlink.a, which must be built first (make libqlink).
#
# Usage: iproute2.sh BUILD_DIR CACHE_DIR   -> builds BUILD_DIR/iproute2/ip/ip
set -euo pipefail

build=${1:?usage: iproute2.sh BUILD_DIR CACHE_DIR}
cache=${2:?usage: iproute2.sh BUILD_DIR CACHE_DIR}
top=$(cd "$(dirname "$0")/.." && pwd)
ver=$(dpkg-query -W -f='${source:Version}' iproute2)
upver=${ver%-*}
apt=$cache/apt-src
srcdir=$cache/iproute2-$ver

if [ ! -f "$srcdir/iproute2_$ver.dsc" ]; then
	mirror=$(apt-get indextargets --format '$(REPO_URI)' 'Created-By: Packages' |
		 grep -v security | head -1)
	[ -n "$mirror" ] || { echo "iproute2: no Debian mirror configured" >&2; exit 1; }
	mkdir -p "$apt/lists/partial" "$srcdir"
	echo "deb-src $mirror bookworm main" > "$apt/sources.list"
	opts=(-o "Dir::Etc::sourcelist=$apt/sources.list" -o Dir::Etc::sourceparts=-
	      -o "Dir::State::Lists=$apt/lists" -o APT::Sandbox::User=root -qq)
	echo "iproute2: fetching source $ver from $mirror"
	apt-get "${opts[@]}" update
	(cd "$srcdir" && apt-get "${opts[@]}" source --download-only "iproute2=$ver" >/dev/null)
fi

# Unpack afresh whenever our patches change.
key=$( (cat "$top"/iproute-plugin/patches/*.patch 2>/dev/null || true) | sha1sum | cut -c1-10)
tree=$build/iproute2
if [ "$(cat "$tree/.qlink-key" 2>/dev/null)" != "$ver-$key" ]; then
	rm -rf "$tree"
	dpkg-source --no-check -x "$srcdir/iproute2_$ver.dsc" "$tree" >/dev/null
	for p in "$top"/iproute-plugin/patches/*.patch; do
		[ -f "$p" ] || continue
		patch -s -d "$tree" -p1 < "$p"
	done
	(cd "$tree" && ./configure >/dev/null)
	echo "$ver-$key" > "$tree/.qlink-key"
fi
make -s -C "$tree" -j"$(nproc)" SUBDIRS="lib ip" \
	QLINK_TOP="$top" QLINK_LIB="$build/libqlink" >/dev/null
