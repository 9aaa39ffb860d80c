#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Pack the guest initramfs for one architecture: Debian's busybox-static
# of that architecture plus scripts/msi-tools/guest/ and the kselftests
# of tools/testing/selftests/pci/msi/. Uses the kernel's
# own gen_init_cpio from the build, so no root rights or fakeroot are
# needed for /dev/console.
#
#   initramfs.sh ARCH OUTDIR  -> prints the path of the .cpio.gz
set -euo pipefail
# Our callers may be make: keep their variables (ARCH=ppc64le) out of
# the kernel's make.
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL

REPO=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-$REPO/build}
# shellcheck source=scripts/msi-tools/arch.sh
. "$REPO/scripts/msi-tools/arch.sh"
arch=$1
out=$2
work=$B/initramfs/$arch
mkdir -p "$work"
# Boots of one architecture may start together (make check's lanes):
# one packs at a time, and the archive appears whole, by a rename, so
# that a QEMU that is opening the previous one still reads all of it.
exec 9>"$work/.lock"
flock 9

arch_setup "$arch"
if [ "$ARCH_USER_SPACE" != 1 ]; then
	echo "error: no user space for $arch" >&2
	exit 2
fi
if [ "$ARCH_DEB_FETCHED" != 1 ]; then
	busybox=/bin/busybox
else
	# Debian's busybox-static of the guest's architecture, of which
	# install-deps.sh fetched only the .deb
	busybox=$work/busybox
	if [ ! -x "$busybox" ]; then
		deb=${BUSYBOX_PPC_DEB_DIR:-/var/cache/msi-ops}/busybox-static_$ARCH_DEB.deb
		rm -rf "$work/deb"
		dpkg-deb -x "$deb" "$work/deb"
		cp "$work/deb/bin/busybox" "$busybox"
		rm -rf "$work/deb"
	fi
fi

# The pristine tree's (assemble.sh unpacks it to build/base)
ktap=$REPO/build/base/tools/testing/selftests/kselftest/ktap_helpers.sh
[ -f "$ktap" ] || { echo "error: $ktap missing (make assemble)" >&2; exit 1; }

gen=$out/usr/gen_init_cpio
[ -x "$gen" ] || make -s -C "$out" usr/gen_init_cpio >/dev/null

list=$work/cpio.list
{
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "nod /dev/null 0666 0 0 c 1 3"
	echo "dir /bin 0755 0 0"
	echo "dir /sbin 0755 0 0"
	echo "dir /proc 0755 0 0"
	echo "dir /sys 0755 0 0"
	echo "dir /tmp 01777 0 0"
	echo "dir /msi 0755 0 0"
	echo "file /bin/busybox $busybox 0755 0 0"
	echo "slink /bin/sh busybox 0777 0 0"
	echo "file /init $REPO/scripts/msi-tools/guest/init 0755 0 0"
	for f in "$REPO"/scripts/msi-tools/guest/*; do
		[ "$(basename "$f")" = init ] && continue
		echo "file /msi/$(basename "$f") $f 0755 0 0"
	done
	# The harness's TAP writer, which /init sources
	echo "file /msi/tap.sh $REPO/scripts/msi-tools/tap.sh 0644 0 0"
	# The kselftests, laid out as an installed kselftest tree
	echo "dir /selftests 0755 0 0"
	echo "dir /selftests/kselftest 0755 0 0"
	echo "file /selftests/kselftest/ktap_helpers.sh $ktap 0644 0 0"
	echo "dir /selftests/pci 0755 0 0"
	echo "dir /selftests/pci/msi 0755 0 0"
	for f in "$REPO"/tools/testing/selftests/pci/msi/*.sh; do
		echo "file /selftests/pci/msi/$(basename "$f") $f 0755 0 0"
	done
} > "$list"
"$gen" "$list" | gzip -n -9 > "$work/initramfs.cpio.gz.new"
mv -f "$work/initramfs.cpio.gz.new" "$work/initramfs.cpio.gz"
echo "$work/initramfs.cpio.gz"
