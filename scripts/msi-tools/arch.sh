# SPDX-License-Identifier: GPL-2.0
# Per-architecture settings shared by the build and boot scripts.

arch_setup() {
	case "$1" in
	x86_64)
		KARCH=x86_64
		CROSS=""
		BASECONFIG=tinyconfig
		FRAGMENTS="kernel/configs/msi_test.config arch/x86/configs/msi_test_x86_64.config"
		IMAGE=bzImage
		IMAGE_PATH=arch/x86/boot/bzImage
		;;
	ppc64le)
		KARCH=powerpc
		CROSS=powerpc64le-linux-gnu-
		BASECONFIG=tinyconfig
		FRAGMENTS="kernel/configs/msi_test.config arch/powerpc/configs/msi_test_pseries.config"
		IMAGE=vmlinux
		IMAGE_PATH=vmlinux
		;;
	sparc64)
		KARCH=sparc64
		CROSS=sparc64-linux-gnu-
		BASECONFIG=sparc64_defconfig
		FRAGMENTS="arch/sparc/configs/msi_test_sparc64.config"
		IMAGE=vmlinux
		IMAGE_PATH=vmlinux
		;;
	*)
		echo "error: unknown ARCH '$1' (x86_64, ppc64le or sparc64)" >&2
		exit 2
		;;
	esac
	# BUILD_VARIANT=debug: the same kernel with the checkers of
	# kernel/configs/msi_test_debug.config, in build/out/<ARCH>-debug.
	VSUFFIX=""
	case "${BUILD_VARIANT:-}" in
	"") ;;
	debug)
		FRAGMENTS="$FRAGMENTS kernel/configs/msi_test_debug.config"
		# What the arch's debug kernel needs on top (reasons there)
		[ "$1" != ppc64le ] ||
			FRAGMENTS="$FRAGMENTS arch/powerpc/configs/msi_test_pseries_debug.config"
		VSUFFIX=-debug
		;;
	*)
		echo "error: unknown BUILD_VARIANT '$BUILD_VARIANT' (debug)" >&2
		exit 2
		;;
	esac
}

# Fail when a fragment asks for an option the final .config does not
# have: a dependency we missed would otherwise silently drop a device.
# A later fragment overrides an earlier one (merge_config.sh does the
# same), so only the last assignment of each option is checked.
check_fragments() {
	local cfg=$1 f line sym want bad=0 i
	local -A last=()
	shift
	i=0
	for f in "$@"; do
		i=$((i + 1))
		while read -r line; do
			case "$line" in
			CONFIG_*=*) last[${line%%=*}]=$i ;;
			esac
		done < "$f"
	done
	i=0
	for f in "$@"; do
		i=$((i + 1))
		while read -r line; do
			case "$line" in
			CONFIG_*=n) sym=${line%%=*}; want="# $sym is not set" ;;
			CONFIG_*=*) sym=${line%%=*}; want=$line ;;
			*) continue ;;
			esac
			[ "${last[$sym]}" = "$i" ] || continue
			if [ "$want" = "# $sym is not set" ]; then
				grep -q "^$sym=" "$cfg" || continue
			else
				grep -qx "$want" "$cfg" && continue
			fi
			echo "warning: $(basename "$f"): $line did not stick" >&2
			bad=1
		done < "$f"
	done
	return $bad
}

# The environment of every kernel make in build/out: the build and the
# static checks must agree, or Kbuild sees a changed command line (or
# compile.h) and rebuilds.
kbuild_env() {
	unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL KBUILD_VERBOSE
	# Outside build/ so that a fresh clone on the same machine (CI)
	# finds the cache warm; paths are relative to build/ for the same
	# reason.
	export CCACHE_DIR=${CCACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/msi-ops-ccache}
	export CCACHE_BASEDIR=$B
	export CCACHE_NOHASHDIR=1
	export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
	export KBUILD_BUILD_TIMESTAMP="Thu Jan  1 00:00:00 UTC 2026"
	export KBUILD_BUILD_USER=msi-ops KBUILD_BUILD_HOST=qemu
}
