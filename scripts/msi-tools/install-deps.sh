#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what the project needs on a Debian 12 machine. Idempotent:
# packages already present are not touched, so a warm machine pays only
# the dpkg-query.
set -euo pipefail

PKGS="linux-source-6.12 build-essential bc bison flex libelf-dev libssl-dev
      cpio kmod rsync quilt ccache sparse coccinelle python3 perl
      gcc-powerpc64le-linux-gnu gcc-sparc64-linux-gnu
      qemu-system-x86 qemu-system-ppc qemu-system-sparc qemu-utils
      busybox-static xz-utils gnuplot-nox linux-config-6.12"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done

need_ppc_debs=0
[ -f "${BUSYBOX_PPC_DEB_DIR:-/var/cache/msi-ops}/busybox-static_ppc64el.deb" ] ||
	need_ppc_debs=1
# Debian's ppc64el kernel config (make check-distro), from the ppc64el
# build of linux-config-6.12: only its .deb is fetched, like busybox's
[ -f "${LINUX_CONFIG_PPC_DEB_DIR:-/var/cache/msi-ops}/linux-config-6.12_ppc64el.deb" ] ||
	need_ppc_debs=1

if [ -z "$missing" ] && [ $need_ppc_debs = 0 ]; then
	exit 0
fi

SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

if [ -n "$missing" ]; then
	echo "  INSTALL$missing"
	$SUDO apt-get update -qq || true
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if [ $need_ppc_debs = 1 ]; then
	# The ppc64le initramfs uses Debian's ppc64el busybox-static; only
	# its .deb is fetched, nothing of ppc64el gets installed.
	dir=${BUSYBOX_PPC_DEB_DIR:-/var/cache/msi-ops}
	$SUDO mkdir -p "$dir"
	if ! dpkg --print-foreign-architectures | grep -qx ppc64el; then
		$SUDO dpkg --add-architecture ppc64el
	fi
	$SUDO apt-get update -qq || true
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -qq busybox-static:ppc64el)
	$SUDO mv "$tmp"/busybox-static_*_ppc64el.deb "$dir/busybox-static_ppc64el.deb"
	dir=${LINUX_CONFIG_PPC_DEB_DIR:-/var/cache/msi-ops}
	$SUDO mkdir -p "$dir"
	(cd "$tmp" && apt-get download -qq linux-config-6.12:ppc64el)
	$SUDO mv "$tmp"/linux-config-6.12_*_ppc64el.deb "$dir/linux-config-6.12_ppc64el.deb"
	rmdir "$tmp"
fi
