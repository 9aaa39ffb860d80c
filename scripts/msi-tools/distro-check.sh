#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Compile the series' objects with a distribution's kernel configuration:
# Debian's own 6.12 configs (package linux-config-6.12: amd64_none_amd64,
# and ppc64el_none_powerpc64le from the ppc64el package), with the
# series' Kconfig options at their defaults (olddefconfig), under W=1 and
# sparse (C=1). Not the whole kernel: `make prepare`, then the
# directories and objects that the series changes or that include its
# changed headers most directly. A warning in a file of the series fails.
#
#   distro-check.sh [ARCH...]     x86_64 ppc64le (default: both); TAP
#
# Output in build/distro/<ARCH>/ (its own O= dir: the config differs
# from the test kernels'), logs in build/logs/distro-<ARCH>.log.
set -uo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-$REPO/build}
T=$REPO/scripts/msi-tools
SRC=$B/tree
CFGDIR=/usr/src/linux-config-6.12
# The ppc64el config ships in the ppc64el build of the package; only its
# .deb is fetched (install-deps.sh), nothing of ppc64el is installed.

. "$T/arch.sh"
. "$T/tap.sh"

# What to compile per architecture (arch.sh: ARCH_DISTRO_TARGETS) and
# Debian's config (ARCH_DEBIAN_CONFIG): from the installed package, or
# for ARCH_DEB_FETCHED from the .deb of ARCH_DEB's build.
config_of() {
	if [ "$ARCH_DEB_FETCHED" != 1 ]; then
		xz -dc "$CFGDIR/$ARCH_DEBIAN_CONFIG"
		return
	fi
	deb=${LINUX_CONFIG_PPC_DEB_DIR:-/var/cache/msi-ops}/linux-config-6.12_$ARCH_DEB.deb
	[ -f "$deb" ] || { echo "no $deb: run make deps" >&2; return 1; }
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xOf - "./usr/src/linux-config-6.12/$ARCH_DEBIAN_CONFIG" |
		xz -dc
}

# The files of the series: overlay files and those the patches change.
series_files() {
	cat "$B/overlay.list"
	sed -n "/^# MSI series/,\$p" "$REPO/patches/series" | sed 's/#.*//' |
		awk 'NF { print $1 }' | while read -r p; do
			sed -n 's#^+++ b/\([^ \t]*\).*#\1#p' "$REPO/patches/$p"
		done
}

# changed_lines FILE: the line numbers of build/tree/FILE that the series
# added or changed against the pristine base
changed_lines() {
	diff --unchanged-line-format= --old-line-format= \
		--new-line-format=$'%dn\n' "$B/base/$1" "$SRC/$1"
}

one() {
	local arch=$1 out=$B/distro/$1 log=$B/logs/distro-$1.log karch cross t0 s deb
	arch_setup "$arch"
	[ -n "$ARCH_DEBIAN_CONFIG" ] ||
		{ echo "error: no Debian config for ARCH $arch" >&2; return 2; }
	karch=$KARCH cross=$CROSS
	mkdir -p "$out" "$B/logs"
	kmake() {
		make -C "$SRC" O="$out" ARCH="$karch" CROSS_COMPILE="$cross" \
			CC="ccache ${cross}gcc" HOSTCC="ccache gcc" \
			-j"$(nproc)" "$@"
	}
	t0=$SECONDS
	{
		config_of "$arch" > "$out/.config.debian" || exit 1
		cmp -s "$out/.config.debian" "$out/.config.in" ||
			cp "$out/.config.debian" "$out/.config.in"
		cp "$out/.config.in" "$out/.config"
		# Debian signs with its own keys, which the source has not;
		# nothing built here is linked or signed.
		"$SRC/scripts/config" --file "$out/.config" \
			--set-str SYSTEM_TRUSTED_KEYS "" \
			--set-str SYSTEM_REVOCATION_KEYS "" \
			--disable DEBUG_INFO_BTF
		kmake -s olddefconfig
		kmake -s prepare
	} > "$log" 2>&1
	s=$?
	tap_result $s "distro $arch: Debian config, olddefconfig and make prepare ($((SECONDS - t0)) s)" "$log"
	[ $s = 0 ] || return 1
	grep -E '^CONFIG_(X86_MSI_RAW|PPC_PSERIES_MSI_[A-Z]+|PCI_MSI|FAIL_PCI_MSI_OPS|KUNIT)=' "$out/.config" |
		tap_diag

	t0=$SECONDS
	# Compile every target again, so that each run sees all warnings
	for t in $ARCH_DISTRO_TARGETS; do
		case $t in
		*/) [ ! -d "$out/$t" ] || find "$out/$t" -name '*.o' -delete ;;
		*) rm -f "$out/$t" ;;
		esac
	done
	# shellcheck disable=SC2086
	kmake W=1 C=1 $ARCH_DISTRO_TARGETS >> "$log" 2>&1
	s=$?
	tap_result $s "distro $arch: W=1 C=1 build of $(wc -w <<< "$ARCH_DISTRO_TARGETS") targets ($((SECONDS - t0)) s)" "$log"

	# Warnings (compiler and sparse) in the series' code: anywhere in a
	# file it adds, on a line it adds or changes in a file it patches
	# (upstream's own warnings in those files are not the series')
	series_files | sort -u > "$out/.series-files"
	sed -E -n "s#^(\.\./)*(tree/|$SRC/)?##; s#^([^ :]+):[0-9]+(:[0-9]+)?: (warning|error): .*#&#p" "$log" |
		awk -F: 'NR == FNR { f[$0] = 1; next } ($1 in f)' "$out/.series-files" - |
		sort -u | while IFS= read -r w; do
			f=${w%%:*}
			l=${w#*:}
			l=${l%%:*}
			if [ ! -e "$B/base/$f" ] ||
			   changed_lines "$f" | grep -qx "$l"; then
				echo "$w"
			fi
		done > "$out/.series-warnings"
	[ ! -s "$out/.series-warnings" ]
	tap_result $? "distro $arch: no W=1 or sparse warning in the series' files ($(grep -cE ': (warning|error): ' "$log") in all compiled files)" "$out/.series-warnings"
}

tap_header
for a in ${*:-x86_64 ppc64le}; do
	one "$a"
done
tap_plan
[ "$tap_failed" = 0 ]
