#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot one test kernel under QEMU and collect its results.
#
#   boot.sh ARCH [upstream]
#
# BUILD_VARIANT=debug boots the debug kernel (build.sh) of build/out/
# <ARCH>-debug instead, with results in build/results/<ARCH>-debug, more
# memory and longer timeouts; results.py fails it on any report of its
# checkers (KASAN, lockdep, SLUB, debug objects, kmemleak).
#
# BOOT_VARIANT=NAME boots the same kernel another way, with results in
# build/results/<ARCH>-NAME and KUnit off, since it ran in the main boot
# (xics runs it again):
#   x86_64 irqdomain   msi_raw=off: every device on the irqdomain adapter
#   ppc64le xics       -M pseries,ic-mode=xics instead of XIVE, with the
#                      KUnit run
#   x86_64|ppc64le bench  the benchmark machine (make bench, bench.sh):
#                      -icount shift=0, an nvme with 2048 MSI-X entries
#                      and edu only, the guest's "bench" group
#   x86_64|ppc64le load   the guest's "load" group: LOAD_SECONDS (300) of
#                      traffic, affinity moves and unbind/bind together
#   x86_64 plug        the plug machine: every MSI device on a PCIe root
#                      port with native hotplug and a QMP socket served
#                      by plughost.py; the guest's "unplug" group
#   x86_64 suspend     the devices of the main boot, S3 on, 2 CPUs, the
#                      QMP socket and plughost.py (it wakes the guest);
#                      the guest's "suspend" group. Not on the plug
#                      machine: after an S3 wakeup (a machine reset in
#                      QEMU) pciehp found the e1000e's slot empty and
#                      QEMU deleted the device.
#   x86_64 plug-irqdomain, suspend-irqdomain
#                      plug and suspend with msi_raw=off: every device
#                      on the core's irqdomain adapter (plug: 5 cycles
#                      per device)
#   ppc64le plug       the same devices as the main boot; the guest's
#                      "unplug" group removes and rescans them through
#                      sysfs (QEMU's pseries PCI unplug needs drmgr in
#                      the guest, which the initramfs does not have)
#
# The console goes to build/results/<ARCH>[-upstream][-debug][-VARIANT]/
# console.log; the KTAP of the KUnit suites and the TAP of the guest's
# boot tests are extracted from it next to it. Every run is bounded by
# a timeout, and one that ended, crashed or went silent is stopped early
# (its status in boot.status: exited, done, timeout, no-poweroff,
# crashed, silent).
# QEMU_EXTRA adds QEMU options (tracing, say); MSITEST_ARGS adds
# msitest.* options to the kernel command line. DRY_RUN=1 prints the
# QEMU command line and the timeout and boots nothing.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-$REPO/build}
T=$REPO/scripts/msi-tools
. "$T/arch.sh"

arch=$1
flavour=${2:-msi}
arch_setup "$arch"
if [ "$flavour" = upstream ]; then
	out=$B/out/$arch-upstream$VSUFFIX
	res=$B/results/$arch-upstream$VSUFFIX
else
	out=$B/out/$arch$VSUFFIX
	res=$B/results/$arch$VSUFFIX
fi
# The debug kernel: KASAN's shadow and SLUB's red zones want memory, and
# every check costs time.
# The random-sequence KUnit case runs 6,144 driver calls per mock
# backend, which on the debug kernel takes longer than the 60 s after
# which the hung-task detector reports the waiting KUnit runner: a
# quarter of the sequences there.
mem_extra=0
slow=1
debug_args=""
if [ -n "$VSUFFIX" ]; then
	mem_extra=512
	slow=$ARCH_DEBUG_SLOW
	debug_args="ops_kunit_random.sequences=16"
fi
variant=${BOOT_VARIANT:-}
vname=$variant
variant_args=""
plug_timeout=""
# plug-irqdomain, suspend-irqdomain: that x86_64 variant with every
# device on the core's irqdomain adapter (msi_raw=off) instead of the
# raw backend
adapter_args=""
case "$arch:$variant" in
x86_64:plug-irqdomain | x86_64:suspend-irqdomain)
	adapter_args="msi_raw=off msitest.backend=irqdomain"
	# The 20 cycles per device of the hot-unplug gate run on the raw
	# backend (plug); the adapter's teardown and setup paths are the
	# same every cycle, so 5 show them (MSITEST_ARGS=msitest.unplug=20
	# for more).
	[ "$vname" = plug-irqdomain ] && adapter_args="$adapter_args msitest.unplug=5"
	variant=${variant%-irqdomain} ;;
esac
case "$arch:$variant" in
*:) ;;
x86_64:irqdomain)
	variant_args="msi_raw=off msitest.backend=irqdomain msitest.rebind=20" ;;
ppc64le:xics)
	IC_MODE=xics ;;
x86_64:bench | ppc64le:bench)
	# Guest time proportional to guest instructions, so that the
	# figures repeat (QEMU: within a few percent).
	# -smp 8: the x86 vector space (about 200 per CPU) is what limits
	# how many vectors can be requested.
	QEMU_EXTRA="-icount shift=0 ${QEMU_EXTRA:-}"
	SMP=8
	variant_args="msitest.tests=bench" ;;
x86_64:load | ppc64le:load)
	load=${LOAD_SECONDS:-300}
	variant_args="msitest.tests=load,klog msitest.load=$load"
	variant_args="$variant_args msitest.timeout=$((load * slow + 600))"
	BOOT_TIMEOUT=${BOOT_TIMEOUT:-$((load * slow + 900))} ;;
x86_64:plug)
	# pciehp rather than QEMU's default ACPI hotplug on q35 root ports
	QEMU_EXTRA="-global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off
		    ${QEMU_EXTRA:-}"
	SMP=2
	# 20 cycles of each of 5 devices take minutes under TCG
	variant_args="msitest.tests=unplug,vectors,backend,devices,klog msitest.timeout=$((1500 * slow))"
	plug_timeout=$((1800 * slow)) ;;
x86_64:suspend)
	QEMU_EXTRA="-global ICH9-LPC.disable_s3=0 ${QEMU_EXTRA:-}"
	SMP=2
	variant_args="msitest.tests=suspend,vectors,backend,devices,klog" ;;
ppc64le:plug)
	variant_args="msitest.tests=unplug,vectors,backend,devices,klog msitest.timeout=$((1500 * slow))"
	plug_timeout=$((1800 * slow)) ;;
*)
	echo "error: no boot variant '$variant' for $arch" >&2
	exit 2 ;;
esac
# KUnit ran in the main boot; the XICS boot runs it again, since the
# RTAS backend replays and acknowledges interrupts differently there
# (msi_rtas.c: rtas_msi_irq_retrigger(), rtas_msi_irq_eoi()).
kunit_off="kunit.enable=0 "
[ "$arch:$variant" != ppc64le:xics ] || kunit_off=""
if [ -n "$variant" ]; then
	res=$res-$vname
	variant_args="$kunit_off$variant_args${adapter_args:+ $adapter_args}"
fi
rm -rf "$res"
mkdir -p "$res"
log=$res/console.log
kernel=$out/$IMAGE_PATH
[ -f "$kernel" ] || { echo "error: $kernel missing; build first" >&2; exit 1; }

# The devices every MSI test boots with. Each NIC has its own user-mode
# network so that DHCP on one does not depend on the other; nvme uses a
# null block backend so that several instances need no image file.
pci_devices() {
	if [ "$arch:$variant" = x86_64:plug ]; then
		python3 "$T/plughost.py" qemu-args
		return
	fi
	if [ "$variant" = bench ]; then
		echo "-drive file=null-co://,if=none,id=d0,format=raw"
		echo "-device nvme,drive=d0,serial=bench0,msix_qsize=2048"
		echo "$ARCH_EDU_DEVICE"
		return
	fi
	echo "-netdev user,id=n0 -device virtio-net-pci,netdev=n0"
	echo "-netdev user,id=n1 -device e1000e,netdev=n1"
	echo "-drive file=null-co://,if=none,id=d0,format=raw"
	echo "-device nvme,drive=d0,serial=msi0"
	echo "-device qemu-xhci,id=xhci -device usb-tablet,bus=xhci.0"
	echo "$ARCH_EDU_DEVICE"
}

cmdline="panic=-1 $debug_args $variant_args ${MSITEST_ARGS:-}"
cmdline="$(arch_cmdline "$slow" "$flavour") $cmdline"
qemu="$(arch_qemu)${ARCH_QEMU_SMP:+ -smp ${SMP:-$ARCH_QEMU_SMP}}
      -m $((ARCH_QEMU_MEM + mem_extra)) -kernel $kernel"
if [ "$ARCH_USER_SPACE" = 1 ]; then
	extra_devices=$ARCH_EXTRA_DEVICES
	[ "$variant" != bench ] || extra_devices=""
	qemu="$qemu -initrd $("$T/initramfs.sh" "$arch" "$out")
	      $(pci_devices) $extra_devices"
fi
timeout=${BOOT_TIMEOUT:-$((ARCH_BOOT_TIMEOUT * slow))}

[ -z "$plug_timeout" ] || timeout=${BOOT_TIMEOUT:-$plug_timeout}
# The plug machine's QMP socket (short path: sun_path has 108 bytes)
qmp=""
if [ "$arch:$variant" = x86_64:plug ] || [ "$variant" = suspend ]; then
	qmp=$(mktemp -u /tmp/msi-qmp.XXXXXX)
	QEMU_EXTRA="-qmp unix:$qmp,server=on,wait=off ${QEMU_EXTRA:-}"
fi
# DRY_RUN=1: print the QEMU command line, the kernel's and the timeout
# instead of booting (the initramfs is packed all the same)
if [ -n "${DRY_RUN:-}" ]; then
	# shellcheck disable=SC2086
	echo $qemu ${QEMU_EXTRA:-} -nographic -no-reboot -append "'$cmdline'"
	echo "timeout $timeout"
	exit 0
fi
# run_qemu: start QEMU and watch its console until it ends; sets
# status (how it ended) and qrc (its exit status)
run_qemu() {
	: >"$log"
	# shellcheck disable=SC2086
	$qemu ${QEMU_EXTRA:-} -nographic -no-reboot -append "$cmdline" \
		</dev/null >"$log" 2>&1 &
	qpid=$!
	hpid=""
	if [ -n "$qmp" ]; then
		python3 "$T/plughost.py" serve "$qmp" "$log" "$res/plughost.log" \
			>"$res/plughost.err" 2>&1 &
		hpid=$!
	fi
	start=$SECONDS
	status=timeout
	# A guest that closed its TAP stream powers off within seconds, and one
	# whose kernel crashed seldom gets that far: neither is waited for until
	# the timeout (a crashed boot fails its console check either way). Nor
	# is a console that stays silent for 15 minutes (45 on debug kernels).
	seen=""
	seen_at=$start
	since=$start
	size=-1
	next=$start
	while kill -0 $qpid 2>/dev/null; do
		now=$SECONDS
		if [ $((now - start)) -ge "$timeout" ]; then
			break
		fi
		# No user space (sparc64): done once the KUnit run is
		if [ "$ARCH_USER_SPACE" = 0 ] &&
		   python3 "$T/results.py" ktap-complete "$log"; then
			status=done
			break
		fi
		if [ "$now" -ge "$next" ]; then
			next=$((now + 10))
			state=$(python3 "$T/results.py" boot-state "$log")
			if [ "$state" != "$seen" ]; then
				seen=$state
				seen_at=$now
			fi
			case $seen in
			ended) [ $((now - seen_at)) -lt 120 ] || { status=no-poweroff; break; } ;;
			crashed) [ $((now - seen_at)) -lt $((240 * slow)) ] || { status=crashed; break; } ;;
			esac
			cur=$(stat -c %s "$log")
			if [ "$cur" != "$size" ]; then
				size=$cur
				since=$now
			elif [ $((now - since)) -ge $((900 * slow)) ]; then
				status=silent
				break
			fi
		fi
		sleep 1
	done
	if kill -0 $qpid 2>/dev/null; then
		kill $qpid 2>/dev/null || true
		sleep 1
		kill -9 $qpid 2>/dev/null || true
	else
		status=exited
	fi
	qrc=0
	wait $qpid 2>/dev/null || qrc=$?
	if [ -n "$hpid" ]; then
		# It ends with QEMU; bounded all the same
		for _ in 1 2 3 4 5; do
			kill -0 "$hpid" 2>/dev/null || break
			sleep 1
		done
		kill "$hpid" 2>/dev/null || true
		wait "$hpid" 2>/dev/null || true
		rm -f "$qmp"
	fi
}

run_qemu
# QEMU 7.2 itself crashes now and then (SIGSEGV) while the guest kernel
# still enumerates its devices: an emulator fault before any test ran,
# not a result. Such a boot starts once more and says so (its console
# is kept); a crash once the guest printed TAP counts as it is.
if [ "$status" = exited ] && [ "$qrc" -eq 139 ] &&
   ! grep -qE '^K?TAP version' "$log"; then
	cp "$log" "$res/qemu-crash.log"
	echo "boot.sh: $arch: QEMU crashed (SIGSEGV) before the guest's tests began" \
		"(console: $res/qemu-crash.log); starting it once more" >&2
	run_qemu
fi
echo "$status $((SECONDS - start))" > "$res/boot.status"
python3 "$T/results.py" extract "$arch" "$res"
