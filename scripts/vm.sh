#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the guest kernel in QEMU (TCG) and run MODE inside it:
#   run    the selftests; results in $BUILD/vm/$KERNEL/out
#   demo   scripts/demo.sh
#   bench  tools/bench/guest-bench.sh
#   shell  an interactive shell
# The host's / is shared read-only over virtio-9p and becomes the guest's
# userspace, so the guest runs the binaries we just built in place.
#
# Environment: BUILD, KERNEL (debian|debug), KDIR, KMOD_DIR, T, VM_TIMEOUT.
set -euo pipefail

mode=${1:?usage: vm.sh run|demo|bench|shell}
top=$(cd "$(dirname "$0")/.." && pwd)
: "${BUILD:=$top/build}" "${KERNEL:=debian}" "${KMOD_DIR:=$top}" "${T:=}"

case $KERNEL in
debian)
	abi=$(cat "$BUILD/abi")
	guest=$BUILD/guest/$abi
	kimage=$guest/boot/vmlinuz-$abi
	modroot=$guest
	kver=$abi
	# virtio, 9p and their dependencies are modules in Debian's kernel.
	initmods="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev
		  virtio_pci netfs fscache 9pnet 9pnet_virtio 9p"
	: "${VM_TIMEOUT:=1500}"
	;;
debug)
	kimage=$KDIR/arch/x86/boot/bzImage
	modroot=$KDIR/modroot
	kver=$(cat "$KDIR/include/config/kernel.release")
	initmods=""
	# KASAN and lockdep make everything several times slower.
	: "${VM_TIMEOUT:=3300}"
	;;
*)
	echo "vm: KERNEL must be debian or debug" >&2
	exit 2
	;;
esac

# Build the initramfs: busybox, /init, and the modules that reach 9p.
vmdir=$BUILD/vm/$KERNEL
initrd=$vmdir/initramfs.cpio.gz
rm -rf "$vmdir/initramfs"
mkdir -p "$vmdir/initramfs"/{bin,dev,proc,sys,modules,newroot}
cp /bin/busybox "$vmdir/initramfs/bin/busybox"
cp "$top/scripts/vm-init" "$vmdir/initramfs/init"
: > "$vmdir/initramfs/modules.list"
for m in $initmods; do
	f=$(find "$modroot/lib/modules/$kver/kernel" -name "$m.ko*" | head -1)
	[ -n "$f" ] || { echo "vm: module $m not found for $kver" >&2; exit 1; }
	case $f in
	*.ko.xz) xz -dc "$f" > "$vmdir/initramfs/modules/$m.ko" ;;
	*) cp "$f" "$vmdir/initramfs/modules/$m.ko" ;;
	esac
	echo "$m" >> "$vmdir/initramfs/modules.list"
done
(cd "$vmdir/initramfs" && find . | cpio -o -H newc --quiet | gzip -1) > "$initrd"

out=$vmdir/out
rm -rf "$out"
mkdir -p "$out"
# qlinktest.ko is loaded by its own test only.
modules=$(cd "$KMOD_DIR" && find kernel -name '*.ko' ! -name qlinktest.ko | sort -r |
	sed 's|^|'"$KMOD_DIR"'/|')
# Load order: the core first, then drivers (sort -r puts kernel/core first).
modules=$(echo "$modules" | grep /core/; echo "$modules" | grep -v /core/ || true)
cat > "$out/env" <<ENV
QLINK_MODE=$mode
QLINK_TOP=$top
QLINK_BUILD=$BUILD
QLINK_KERNEL=$KERNEL
QLINK_MODROOT=$modroot
QLINK_MODULES="$(echo $modules)"
QLINK_T="$T"
ENV

qemu=(qemu-system-x86_64 -accel tcg -m 2G -smp 2 -nographic -no-reboot -nic none
      -kernel "$kimage" -initrd "$initrd"
      -append "console=ttyS0 panic=-1 oops=panic quiet qlink_out=$out"
      -virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
      -virtfs "local,path=$out,mount_tag=qlinkout,security_model=none,multidevs=remap")

if [ "$mode" = shell ]; then
	exec "${qemu[@]}"
fi

start=$(date +%s)
set +e
timeout --foreground -k 10 "$VM_TIMEOUT" "${qemu[@]}" < /dev/null 2>&1 |
	tee "$out/console.log" | sed -u 's/\x1b\[[0-9;?]*[a-zA-Z]//g; s/\x1bc//g' |
	grep --line-buffered -v -e '^\[ *[0-9.]*\]' -e '^$' -e '^Booting from ROM' -e '^SeaBIOS '
status=${PIPESTATUS[0]}
set -e
secs=$(( $(date +%s) - start ))
echo "$secs" > "$out/seconds"
if [ ! -f "$out/done" ]; then
	if [ "$status" = 124 ] || [ "$status" = 137 ]; then
		echo "vm: guest did not finish within ${VM_TIMEOUT}s: killed (console: $out/console.log)" >&2
	else
		echo "vm: guest stopped early (qemu status $status; console: $out/console.log)" >&2
	fi
	exit 1
fi
echo "vm: guest ($KERNEL kernel $kver) ran for ${secs}s" >&2
