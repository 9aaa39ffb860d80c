# SPDX-License-Identifier: GPL-2.0
# Per-architecture knowledge of the harness, in one place: how to build
# (build.sh, static/check.sh, series.sh, kunit.sh, distro-check.sh), pack
# (initramfs.sh) and boot (boot.sh, isolation.sh, job.sh) each
# architecture. Source it and call arch_setup ARCH; the other scripts
# keep no per-architecture tables of their own.

# Every architecture the harness knows, in the order make check runs them
# shellcheck disable=SC2034 # for the sourcing scripts
ARCHES="x86_64 ppc64le sparc64"

# arch_setup ARCH: set, for ARCH
#   KARCH CROSS           the kernel's ARCH= and CROSS_COMPILE=
#   BASECONFIG FRAGMENTS  the base config and the fragments on top
#   IMAGE IMAGE_PATH      the make target and the image it leaves in O=
#   ARCH_DEBUG_FRAGMENTS  what BUILD_VARIANT=debug adds on top of
#                         kernel/configs/msi_test_debug.config
#   VSUFFIX               "-debug" for BUILD_VARIANT=debug, else ""
#   ARCH_SRC_DIR          the arch/ folder: a patch there is built there
#                         (series.sh)
#   ARCH_KUNIT            kunit.py's --arch (empty: not run there)
#   ARCH_DEB              the Debian architecture of the packages below
#   ARCH_DEB_FETCHED      1: its busybox-static and linux-config-6.12 are
#                         not installed but only their .debs fetched
#                         (install-deps.sh); 0: the host's own packages
#   ARCH_DEBIAN_CONFIG    Debian's kernel config for make check-distro
#                         (linux-config-6.12; empty: none)
#   ARCH_DISTRO_TARGETS   what make check-distro compiles
#   ARCH_USER_SPACE       1: the initramfs with busybox and the guest's
#                         tests; 0: none, the KUnit run at boot only
#   ARCH_QEMU_SMP ARCH_QEMU_MEM  CPUs (empty: no -smp) and MiB
#   ARCH_EDU_DEVICE ARCH_EXTRA_DEVICES  how the edu device is plugged,
#                         and the arch's devices beyond boot.sh's set
#   ARCH_CONSOLE          the console= of the serial console
#   ARCH_BACKEND          the MSI backend the series serves every device
#                         with (msitest.backend=; empty: no guest tests)
#   ARCH_BOOT_TIMEOUT     seconds a boot may take (times the slow factor)
#   ARCH_DEBUG_SLOW       the debug kernel's slow factor for the timeouts
#   ARCH_CHECK_VARIANTS   the boot.sh BOOT_VARIANTs make check boots
#   ARCH_CHECK_WAITING    those of them that mostly wait (hot-unplug
#                         handshakes, suspend, a fixed load time): make
#                         check boots them in a lane of their own, beside
#                         the builds and the other boots (job.sh)
#   ARCH_DEBUG_VARIANTS   the BOOT_VARIANTs make check-debug boots on the
#                         debug kernel after its whole boot (hot-unplug
#                         and suspend with live vectors)
#   ARCH_BENCH            1: make bench runs there
#   ARCH_MSI_WRITES       what isolation.sh expects of guest writes to
#                         MSI address/data: none or some
#   ARCH_TRACE_EVENTS     isolation.sh's QEMU trace events beyond the
#                         PCI config and MMIO writes
# See arch_qemu and arch_cmdline for the QEMU machine and the kernel
# command line.
# shellcheck disable=SC2034 # the variables are for the sourcing script
arch_setup() {
	ARCH_DEBUG_SLOW=3
	ARCH_QEMU_SMP=4
	ARCH_EXTRA_DEVICES=""
	ARCH_TRACE_EVENTS=""
	ARCH_DEBUG_FRAGMENTS=""
	case "$1" in
	x86_64)
		KARCH=x86_64
		CROSS=""
		BASECONFIG=tinyconfig
		FRAGMENTS="kernel/configs/msi_test.config arch/x86/configs/msi_test_x86_64.config"
		IMAGE=bzImage
		IMAGE_PATH=arch/x86/boot/bzImage
		ARCH_SRC_DIR=arch/x86
		ARCH_KUNIT=x86_64
		ARCH_DEB=amd64
		ARCH_DEB_FETCHED=0
		ARCH_DEBIAN_CONFIG=config.amd64_none_amd64.xz
		# The series' directories, the objects of its changed
		# headers' closest users, and the raw backend
		ARCH_DISTRO_TARGETS="drivers/pci/msi/ drivers/pci/pci.o
			drivers/pci/pci-sysfs.o drivers/pci/probe.o kernel/irq/
			arch/x86/kernel/apic/ arch/x86/kernel/msi_raw.o
			drivers/iommu/irq_remapping.o"
		ARCH_USER_SPACE=1
		ARCH_QEMU_MEM=512
		# edu alone behind a PCIe-to-PCI bridge: the bridge's secondary
		# bus reset gives it the reset method it lacks on the root
		# complex. dma_mask: its DMA engine reaches the MSI window at
		# 0xfee00000, so that tests can send any MSI message with it
		# (dma_msi=1 tells the exerciser, arch_cmdline; QEMU clamps to
		# 28 bits otherwise).
		ARCH_EDU_DEVICE="-device pcie-pci-bridge,id=br0
			-device edu,bus=br0,addr=1,dma_mask=0xffffffff"
		# A multi-MSI device (16 MSI vectors, no MSI-X) with a keyboard
		# on it, alone behind a bridge of its own for the secondary bus
		# reset (a PCI bridge: a root port would add a port driver's
		# vector that no test makes interrupt)
		ARCH_EXTRA_DEVICES="-device pcie-pci-bridge,id=br1
			-device nec-usb-xhci,id=xhci2,bus=br1,addr=1,msi=on,msix=off
			-device usb-kbd,bus=xhci2.0"
		ARCH_CONSOLE=ttyS0
		# The series serves every q35 device with the raw backend.
		ARCH_BACKEND=raw
		ARCH_BOOT_TIMEOUT=900
		ARCH_CHECK_VARIANTS="irqdomain plug suspend plug-irqdomain suspend-irqdomain load"
		ARCH_CHECK_WAITING="plug suspend plug-irqdomain suspend-irqdomain load"
		ARCH_DEBUG_VARIANTS="plug suspend"
		ARCH_BENCH=1
		# The raw backend writes the messages itself: the isolation
		# check must see some, which shows that it sees them.
		ARCH_MSI_WRITES=some
		;;
	ppc64le)
		KARCH=powerpc
		CROSS=powerpc64le-linux-gnu-
		BASECONFIG=tinyconfig
		FRAGMENTS="kernel/configs/msi_test.config arch/powerpc/configs/msi_test_pseries.config"
		ARCH_DEBUG_FRAGMENTS=arch/powerpc/configs/msi_test_pseries_debug.config
		IMAGE=vmlinux
		IMAGE_PATH=vmlinux
		ARCH_SRC_DIR=arch/powerpc
		ARCH_KUNIT=powerpc
		ARCH_DEB=ppc64el
		ARCH_DEB_FETCHED=1
		ARCH_DEBIAN_CONFIG=config.ppc64el_none_powerpc64le.xz
		ARCH_DISTRO_TARGETS="drivers/pci/msi/ drivers/pci/pci.o
			drivers/pci/pci-sysfs.o drivers/pci/probe.o kernel/irq/
			arch/powerpc/kernel/msi_rtas.o
			arch/powerpc/platforms/pseries/ arch/powerpc/sysdev/xive/"
		ARCH_USER_SPACE=1
		ARCH_QEMU_MEM=1024
		ARCH_EDU_DEVICE="-device edu"
		ARCH_CONSOLE=hvc0
		# The series serves every pSeries device with the RTAS backend.
		ARCH_BACKEND=rtas
		ARCH_BOOT_TIMEOUT=900
		# pSeries under TCG with KASAN and lockdep: the whole run did
		# not fit in 3 times (2026-12-02: the faults group, 108 s of
		# guest time on the plain kernel, had done 3 of its 6 devices
		# after 1,500 s when the 2,700 s boot timeout stopped it).
		ARCH_DEBUG_SLOW=6
		ARCH_CHECK_VARIANTS="xics plug load"
		ARCH_CHECK_WAITING="plug load"
		ARCH_DEBUG_VARIANTS="plug"
		ARCH_BENCH=1
		# Firmware (RTAS) owns the messages: none from the guest.
		ARCH_MSI_WRITES=none
		ARCH_TRACE_EVENTS="-trace enable=spapr_pci_msi_setup"
		;;
	sparc64)
		KARCH=sparc64
		CROSS=sparc64-linux-gnu-
		BASECONFIG=sparc64_defconfig
		FRAGMENTS="arch/sparc/configs/msi_test_sparc64.config"
		IMAGE=vmlinux
		IMAGE_PATH=vmlinux
		ARCH_SRC_DIR=arch/sparc
		ARCH_KUNIT=""
		ARCH_DEB=sparc64
		ARCH_DEB_FETCHED=0
		ARCH_DEBIAN_CONFIG=""
		ARCH_DISTRO_TARGETS=""
		# No user space: the KUnit suites run at boot, then the kernel
		# finds no root and panics; sun4u cannot reboot under QEMU, so
		# boot.sh stops it once the KTAP output is complete.
		ARCH_USER_SPACE=0
		ARCH_QEMU_SMP=""
		ARCH_QEMU_MEM=512
		ARCH_EDU_DEVICE=""
		ARCH_CONSOLE=ttyS0
		ARCH_BACKEND=""
		ARCH_BOOT_TIMEOUT=600
		ARCH_CHECK_VARIANTS=""
		ARCH_CHECK_WAITING=""
		ARCH_DEBUG_VARIANTS=""
		ARCH_BENCH=0
		ARCH_MSI_WRITES=some
		;;
	*)
		echo "error: unknown ARCH '$1' (x86_64, ppc64le or sparc64)" >&2
		exit 2
		;;
	esac
	ARCH_NAME=$1
	# BUILD_VARIANT=debug: the same kernel with the checkers of
	# kernel/configs/msi_test_debug.config, in build/out/<ARCH>-debug.
	VSUFFIX=""
	case "${BUILD_VARIANT:-}" in
	"") ;;
	debug)
		FRAGMENTS="$FRAGMENTS kernel/configs/msi_test_debug.config"
		# What the arch's debug kernel needs on top (reasons there)
		FRAGMENTS="$FRAGMENTS${ARCH_DEBUG_FRAGMENTS:+ $ARCH_DEBUG_FRAGMENTS}"
		VSUFFIX=-debug
		;;
	*)
		echo "error: unknown BUILD_VARIANT '$BUILD_VARIANT' (debug)" >&2
		exit 2
		;;
	esac
}

# arch_qemu: the QEMU binary and machine of ARCH_NAME (pSeries: the
# interrupt controller IC_MODE, xive by default, boot.sh's xics variant)
arch_qemu() {
	case $ARCH_NAME in
	x86_64) echo "qemu-system-x86_64 -M q35" ;;
	ppc64le) echo "qemu-system-ppc64 -M pseries,x-vof=on,ic-mode=${IC_MODE:-xive} -cpu power9" ;;
	sparc64) echo "qemu-system-sparc64 -M sun4u" ;;
	esac
}

# arch_cmdline SLOW FLAVOUR: the arch's part of the kernel command line
# (the console, the guest's watchdog msitest.timeout times SLOW, and for
# FLAVOUR msi the backend the series serves every device with)
arch_cmdline() {
	local slow=$1 backend=""
	[ "$2" = upstream ] || [ -z "$ARCH_BACKEND" ] ||
		backend="msitest.backend=$ARCH_BACKEND "
	case $ARCH_NAME in
	x86_64)
		echo "msitest.timeout=$((600 * slow)) ${backend}console=$ARCH_CONSOLE edu_msi_exerciser.dma_msi=1" ;;
	ppc64le)
		# TCG emulates POWER slower: fewer unbind/bind rounds. XICS and
		# XIVE drop an MSI racing an affinity change unless told to
		# replay it; 1000 moves showed that only now and then, 5000
		# nearly always.
		echo "${backend}msitest.timeout=$((800 * slow)) msitest.rebind=20 msitest.affinity=5000 console=$ARCH_CONSOLE" ;;
	sparc64)
		echo "console=$ARCH_CONSOLE" ;;
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
