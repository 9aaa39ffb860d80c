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
}

# Fail when a fragment asks for an option the final .config does not
# have: a dependency we missed would otherwise silently drop a device.
check_fragments() {
	local cfg=$1 f line sym want bad=0
	shift
	for f in "$@"; do
		while read -r line; do
			case "$line" in
			CONFIG_*=n) sym=${line%%=*}; want="# $sym is not set" ;;
			CONFIG_*=*) sym=${line%%=*}; want=$line ;;
			*) continue ;;
			esac
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
