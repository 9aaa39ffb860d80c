#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Self-test of the kselftests that unbind devices (tools/testing/
# selftests/pci/msi/), on the host against a made-up sysfs: a driver
# whose unbind gives nothing back must fail msi_rebind.sh, a vector that
# stays on an offline CPU msi_cpu_hotplug.sh, a managed vector delivered
# to another CPU than its own msi_affinity.sh, a vector lost or a
# capability left disabled by a reset msi_reset.sh, an edu interrupt
# lost msi_edu.sh, a refused threaded request or an interrupt its thread
# missed msi_threaded.sh, a vector left behind by a probe that an
# injected fault failed msi_faults.sh, a device that comes back with
# fewer vectors or leaves one behind when it goes msi_unplug.sh; without
# the opt-in variables they must touch nothing and skip, without the edu
# exerciser msi_edu.sh and msi_threaded.sh skip (fail with
# MSI_EDU_REQUIRED=1). TAP on stdout.
#
# KSFT_SHELL (default "busybox sh", the guest's) is the shell that runs
# the tests; make check runs the self-test once more with bash, the
# /bin/sh of some distributions, whose "$?" after a command substitution
# in the same command differs.
set -u
KSFT_SHELL=${KSFT_SHELL:-busybox sh}
REPO=$(cd "$(dirname "$0")/../../.." && pwd)
B=${B:-$REPO/build}
# shellcheck source=scripts/msi-tools/tap.sh
. "$REPO/scripts/msi-tools/tap.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/selftests/kselftest" "$work/selftests/pci"
cp "$B/base/tools/testing/selftests/kselftest/ktap_helpers.sh" "$work/selftests/kselftest/"
cp -r "$REPO/tools/testing/selftests/pci/msi" "$work/selftests/pci/"
sys=$work/sys
mkdir -p "$sys/devices/0000:00:01.0/msi_irqs" "$sys/drivers/stuck"
echo msix >"$sys/devices/0000:00:01.0/msi_irqs/24"
ln -s "$sys/drivers/stuck" "$sys/devices/0000:00:01.0/driver"
: >"$sys/drivers/stuck/bind"
run() {
	: >"$sys/drivers/stuck/unbind"
	PCI_DEVICES=$sys/devices MSI_REBIND_ROUNDS=2 "$@" \
		$KSFT_SHELL "$work/selftests/pci/msi/msi_rebind.sh" >"$work/out" 2>&1
}

tap_header
run env MSI_TEST_DEVICES=all
rc=$?
[ $rc = 1 ] && grep -q '^not ok 1 .*kept 1 vectors after unbind' "$work/out"
tap_result $? "msi_rebind.sh fails on a driver that keeps its vector after unbind (exit $rc)" "$work/out"
run env -u MSI_TEST_DEVICES
rc=$?
[ $rc = 4 ] && grep -q '^1\.\.0 # SKIP MSI_TEST_DEVICES' "$work/out" &&
	[ "$(stat -c %s "$sys/drivers/stuck/unbind")" = 0 ]
tap_result $? "msi_rebind.sh without MSI_TEST_DEVICES skips and unbinds nothing (exit $rc)" "$work/out"
run env MSI_TEST_DEVICES=0000:00:09.0
rc=$?
[ $rc = 4 ] && [ "$(stat -c %s "$sys/drivers/stuck/unbind")" = 0 ]
tap_result $? "msi_rebind.sh unbinds no device outside MSI_TEST_DEVICES (exit $rc)" "$work/out"

# msi_cpu_hotplug.sh: CPU 1 "goes offline" (a plain file takes the
# write), and vector 24, whose affinity allows CPU 0, stays on CPU 1
cpu=$work/cpu
irq=$work/irq
mkdir -p "$cpu/cpu0" "$cpu/cpu1" "$irq/24"
echo 0-1 >"$cpu/online"
echo 0-1 >"$irq/24/smp_affinity_list"
printf '0x1234\n' >"$sys/devices/0000:00:01.0/vendor"
printf '0x5678\n' >"$sys/devices/0000:00:01.0/device"
hotplug() {
	echo 1 >"$cpu/cpu1/online"
	touch -d @1000000000 "$cpu/cpu1/online"
	PCI_DEVICES=$sys/devices MSI_CPU_SYSFS=$cpu MSI_PROC_IRQ=$irq \
		MSI_EDU_DEBUGFS=$work/no-edu MSI_HOTPLUG_ROUNDS=2 "$@" \
		$KSFT_SHELL "$work/selftests/pci/msi/msi_cpu_hotplug.sh" >"$work/out" 2>&1
}
echo 1 >"$irq/24/effective_affinity_list"
hotplug env MSI_TEST_CPUS=all
rc=$?
[ $rc = 1 ] && grep -q '^not ok 2 .*on it 2 times (0000:00:01.0:24@1)' "$work/out"
tap_result $? "msi_cpu_hotplug.sh fails on a vector that stays on the offline CPU (exit $rc)" "$work/out"
echo 0 >"$irq/24/effective_affinity_list"
hotplug env MSI_TEST_CPUS=1
rc=$?
grep -q '^ok 2 .*looked at 2 times while it was offline, on it 0 times' "$work/out" &&
	grep -q '^ok 1 .*# SKIP' "$work/out" && ! grep -q '^not ok' "$work/out" && [ $rc = 0 ]
tap_result $? "msi_cpu_hotplug.sh passes when the vector left CPU 1, skips the edu checks (exit $rc)" "$work/out"
hotplug env -u MSI_TEST_CPUS
rc=$?
[ $rc = 4 ] && grep -q '^1\.\.0 # SKIP MSI_TEST_CPUS' "$work/out" &&
	[ "$(stat -c %Y "$cpu/cpu1/online")" = 1000000000 ]
tap_result $? "msi_cpu_hotplug.sh without MSI_TEST_CPUS skips and takes no CPU offline (exit $rc)" "$work/out"
hotplug env MSI_TEST_CPUS=0
rc=$?
[ $rc = 4 ] && [ "$(stat -c %Y "$cpu/cpu1/online")" = 1000000000 ]
tap_result $? "msi_cpu_hotplug.sh takes no CPU offline outside MSI_TEST_CPUS (exit $rc)" "$work/out"

# msi_reset.sh: a device with two MSI-X vectors and a reset method; its
# config space has an MSI-X capability at 0x40, enabled or not
dev=$sys/devices/0000:00:01.0
echo msix >"$dev/msi_irqs/25"
# config BYTE: 256 bytes of config space, MSI-X Message Control's high
# byte BYTE (0x80: enabled)
config() {
	python3 -c 'import sys
b = bytearray(256)
b[6] = 0x10; b[0x34] = 0x40; b[0x40] = 0x11; b[0x43] = int(sys.argv[1], 0)
sys.stdout.buffer.write(b)' "$1" >"$dev/config"
}
# reset [lose]: run msi_reset.sh; "lose" makes the reset take vector 25
# away: the helper removes it once the test reads reset_method, which
# it does after the reset and before looking at the vectors again
reset() {
	local helper=""
	: >"$dev/reset"
	touch -d @1000000000 "$dev/reset"
	rm -f "$dev/reset_method"
	if [ "${1:-}" = lose ]; then
		mkfifo "$dev/reset_method"
		( exec 3>"$dev/reset_method"; rm "$dev/msi_irqs/25"; echo flr >&3 ) &
		helper=$!
		shift
	else
		echo flr >"$dev/reset_method"
	fi
	PCI_DEVICES=$dev/.. MSI_EDU_DEBUGFS=$work/no-edu MSI_TRAFFIC_CMD=false "$@" \
		$KSFT_SHELL "$work/selftests/pci/msi/msi_reset.sh" >"$work/out" 2>&1
	rc=$?
	[ -z "$helper" ] || { kill "$helper" 2>/dev/null; wait "$helper" 2>/dev/null; }
	echo msix >"$dev/msi_irqs/25"
	return $rc
}
config 0x80
# A made-up /proc/interrupts whose counts for irqs 24 and 25 grow when
# the traffic command runs, as a device's do after an intact reset
interrupts() {
	printf '           CPU0       CPU1\n'
	printf ' 24:  %8d          0  PCI-MSIX-0000:00:01.0  0-edge  t\n' "$1"
	printf ' 25:  %8d          0  PCI-MSIX-0000:00:01.0  1-edge  t\n' "$1"
}
interrupts 3 >"$work/interrupts"
printf '#!/bin/sh\nprintf "%%s\\n" "$(cat %s)" >%s\n' "$work/interrupts.after" \
	"$work/interrupts" >"$work/traffic"
chmod +x "$work/traffic"
interrupts 10 >"$work/interrupts.after"
reset env MSI_TEST_DEVICES=0000:00:01.0 MSI_PROC_INTERRUPTS="$work/interrupts" \
	MSI_TRAFFIC_CMD="$work/traffic"
rc=$?
[ $rc = 0 ] && grep -q '^ok 1 .*reset through sysfs (flr)' "$work/out" &&
	grep -q '^ok 2 .*msix vectors 24 25 (before: 24 25), enabled in config space: msix' "$work/out" &&
	grep -q '^ok 3 .*took 14 interrupts after the reset' "$work/out"
tap_result $? "msi_reset.sh passes an intact reset: vectors, capability, interrupts (exit $rc)" "$work/out"
reset lose env MSI_TEST_DEVICES=0000:00:01.0
rc=$?
[ $rc = 1 ] && grep -q '^not ok 2 .*msix vectors 24 (before: 24 25)' "$work/out"
tap_result $? "msi_reset.sh fails on a reset that loses a vector (exit $rc)" "$work/out"
config 0x00
reset env MSI_RESET_DEVICES=0000:00:01.0
rc=$?
[ $rc = 1 ] && grep -q '^not ok 2 .*enabled in config space: -$' "$work/out"
tap_result $? "msi_reset.sh fails on a reset that leaves MSI-X disabled (exit $rc)" "$work/out"
reset env -u MSI_TEST_DEVICES -u MSI_RESET_DEVICES
rc=$?
[ $rc = 4 ] && grep -q '^1\.\.0 # SKIP MSI_RESET_DEVICES' "$work/out" &&
	[ "$(stat -c %Y "$dev/reset")" = 1000000000 ]
tap_result $? "msi_reset.sh without MSI_RESET_DEVICES or MSI_TEST_DEVICES skips and resets nothing (exit $rc)" "$work/out"
reset env MSI_TEST_DEVICES=0000:00:09.0
rc=$?
[ $rc = 4 ] && [ "$(stat -c %Y "$dev/reset")" = 1000000000 ]
tap_result $? "msi_reset.sh resets no device outside MSI_TEST_DEVICES (exit $rc)" "$work/out"

# msi_affinity.sh: an NVMe controller with an admin and two I/O queue
# vectors spread to CPUs 0 and 1, the second delivered to CPU 0
nv=$sys/devices/0000:00:02.0
mkdir -p "$nv/msi_irqs" "$sys/drivers/nvme" "$irq/30" "$irq/31" "$irq/32"
ln -s "$sys/drivers/nvme" "$nv/driver"
printf '0x1b36\n' >"$nv/vendor"
printf '0x0010\n' >"$nv/device"
for i in 30 31 32; do echo msix >"$nv/msi_irqs/$i"; done
echo 0-1 >"$irq/30/smp_affinity_list"
echo 0 >"$irq/31/smp_affinity_list"
echo 1 >"$irq/32/smp_affinity_list"
echo 0 >"$irq/30/effective_affinity_list"
echo 0 >"$irq/31/effective_affinity_list"
# affinity EFFECTIVE-OF-32 INTERRUPTS-OF-32: run msi_affinity.sh
affinity() {
	echo "$1" >"$irq/32/effective_affinity_list"
	printf '           CPU0       CPU1\n 30:  1  0  PCI-MSIX\n 31:  9  0  PCI-MSIX\n 32:  %s  PCI-MSIX\n' \
		"$2" >"$work/interrupts"
	PCI_DEVICES=$sys/devices MSI_CPU_SYSFS=$cpu MSI_PROC_IRQ=$irq \
		MSI_PROC_INTERRUPTS=$work/interrupts MSI_EDU_DEBUGFS=$work/no-edu \
		$KSFT_SHELL "$work/selftests/pci/msi/msi_affinity.sh" >"$work/out" 2>&1
}
affinity 0 "7  0"
rc=$?
[ $rc = 1 ] && grep -q '^not ok [0-9]* NVMe 0000:00:02.0 managed vectors on CPUs 0 1 .*, 1 delivered elsewhere' "$work/out"
tap_result $? "msi_affinity.sh fails on a managed vector delivered to another CPU than its own (exit $rc)" "$work/out"
affinity 1 "0  7"
rc=$?
[ $rc = 0 ] && grep -q '^ok [0-9]* NVMe 0000:00:02.0 managed vectors on CPUs 0 1 (2 distinct of 2 CPUs, 2 I/O queues), 0 delivered elsewhere' "$work/out" &&
	grep -q '^ok 1 .*# SKIP' "$work/out"
tap_result $? "msi_affinity.sh passes managed vectors on their CPUs and skips the edu checks (exit $rc)" "$work/out"
# msi_edu.sh and msi_threaded.sh: an edu device at 00:03.0 whose made-up
# exerciser takes every write, with the counters given in its stats
eb=0000:00:03.0
efs=$work/edu
mkdir -p "$sys/devices/$eb" "$efs/$eb"
printf '0x1234\n' >"$sys/devices/$eb/vendor"
printf '0x11e8\n' >"$sys/devices/$eb/device"
echo 40 >"$efs/$eb/irq"
# edu STATS [env...]: run msi_edu.sh with the exerciser's stats STATS
edu() {
	: >"$efs/$eb/reset"
	: >"$efs/$eb/raise"
	echo "$1" >"$efs/$eb/stats"
	shift
	PCI_DEVICES=$sys/devices MSI_EDU_DEBUGFS=$efs MSI_EDU_RAISES=5 "$@" \
		$KSFT_SHELL "$work/selftests/pci/msi/msi_edu.sh" >"$work/out" 2>&1
}
edu "raised=5 received=5 lost=0 spurious=0" env
rc=$?
[ $rc = 0 ] && grep -q '^ok 1 edu 0000:00:03.0 received 5 of 5 raised$' "$work/out" &&
	[ "$(cat "$efs/$eb/raise")" = 5 ]
tap_result $? "msi_edu.sh passes when all 5 raised interrupts arrive (exit $rc)" "$work/out"
edu "raised=5 received=4 lost=1 spurious=0" env
rc=$?
[ $rc = 1 ] && grep -q '^not ok 1 edu 0000:00:03.0 received 4 of 5 raised (wanted 5, lost 1' "$work/out"
tap_result $? "msi_edu.sh fails on a lost interrupt (exit $rc)" "$work/out"
edu "" env MSI_EDU_DEBUGFS="$work/no-edu"
rc=$?
[ $rc = 4 ] && grep -q '^1\.\.0 # SKIP no edu device has the exerciser' "$work/out"
tap_result $? "msi_edu.sh skips an edu device without the exerciser (exit $rc)" "$work/out"
edu "" env MSI_EDU_DEBUGFS="$work/no-edu" MSI_EDU_REQUIRED=1
rc=$?
[ $rc = 1 ] && grep -q '^not ok 1 edu 0000:00:03.0: no .*no-edu/0000:00:03.0' "$work/out"
tap_result $? "msi_edu.sh with MSI_EDU_REQUIRED=1 fails without the exerciser (exit $rc)" "$work/out"
# threaded RESULT STATS [env...]: run msi_threaded.sh; a helper takes
# its write to the threaded file (a FIFO) and answers RESULT to the read
threaded() {
	local helper
	rm -f "$efs/$eb/threaded"
	mkfifo "$efs/$eb/threaded"
	( read -r _ <"$efs/$eb/threaded"; echo "$1" >"$efs/$eb/threaded" ) &
	helper=$!
	: >"$efs/$eb/raise"
	echo "$2" >"$efs/$eb/stats"
	shift 2
	PCI_DEVICES=$sys/devices MSI_EDU_DEBUGFS=$efs "$@" \
		$KSFT_SHELL "$work/selftests/pci/msi/msi_threaded.sh" >"$work/out" 2>&1
	rc=$?
	kill "$helper" 2>/dev/null
	wait "$helper" 2>/dev/null
	return $rc
}
threaded "request=0 raised=100 handled=100 lost=0" "raised=100 received=100 lost=0" env
rc=$?
[ $rc = 0 ] && grep -c '^ok [123] ' "$work/out" | grep -qx 3
tap_result $? "msi_threaded.sh passes a threaded request that handled all 100 (exit $rc)" "$work/out"
threaded "request=-22 raised=0 handled=0 lost=0" "raised=100 received=100 lost=0" env
rc=$?
[ $rc = 1 ] && grep -q '^not ok 1 request_threaded_irq() .* returned -22' "$work/out" &&
	grep -q '^not ok 2 no interrupt raised' "$work/out" && grep -q '^ok 3 ' "$work/out"
tap_result $? "msi_threaded.sh fails on a refused threaded request (exit $rc)" "$work/out"
threaded "request=0 raised=100 handled=99 lost=1" "raised=100 received=99 lost=1" env
rc=$?
[ $rc = 1 ] && grep -q '^not ok 2 the thread function handled 99 of 100' "$work/out" &&
	grep -q '^not ok 3 normal handler back: edu 0000:00:03.0 received 99 of 100 raised, lost 1' "$work/out"
tap_result $? "msi_threaded.sh fails on interrupts lost by the thread or the normal handler (exit $rc)" "$work/out"
PCI_DEVICES=$sys/devices MSI_EDU_DEBUGFS="$work/no-edu" \
	$KSFT_SHELL "$work/selftests/pci/msi/msi_threaded.sh" >"$work/out" 2>&1
rc=$?
[ $rc = 4 ] && grep -q '^1\.\.0 # SKIP needs the QEMU edu device' "$work/out"
tap_result $? "msi_threaded.sh skips without the exerciser (exit $rc)" "$work/out"
rm -rf "$sys/devices/$eb"
edu "" env
rc=$?
[ $rc = 4 ] && grep -q '^1\.\.0 # SKIP no QEMU edu device (1234:11e8) on the PCI bus' "$work/out"
tap_result $? "msi_edu.sh skips without an edu device (exit $rc)" "$work/out"
edu "" env MSI_EDU_REQUIRED=1
rc=$?
[ $rc = 1 ] && grep -q '^not ok 1 no QEMU edu device' "$work/out"
tap_result $? "msi_edu.sh with MSI_EDU_REQUIRED=1 fails without an edu device (exit $rc)" "$work/out"
# msi_trace.sh: a device at 00:04.0 with one MSI vector of the raw
# backend, a made-up tracefs, and a driver whose unbind and bind are
# FIFOs: a helper writes the trace TRACE once the unbind arrived
tb=0000:00:04.0
tfs=$work/tracing
mkdir -p "$sys/devices/$tb/msi_irqs" "$sys/drivers/tdrv" "$tfs/events/pci_msi"
echo msi >"$sys/devices/$tb/msi_irqs/50"
echo raw >"$sys/devices/$tb/msi_backend"
ln -s "$sys/drivers/tdrv" "$sys/devices/$tb/driver"
: >"$tfs/tracing_on"
: >"$tfs/events/pci_msi/enable"
# trace TRACE [env...]: run msi_trace.sh with TRACE as the trace of the
# unbind and bind
trace() {
	local helper
	rm -f "$sys/drivers/tdrv/unbind" "$sys/drivers/tdrv/bind"
	mkfifo "$sys/drivers/tdrv/unbind" "$sys/drivers/tdrv/bind"
	: >"$tfs/trace"
	( read -r _ <"$sys/drivers/tdrv/unbind"; printf '%b' "$1" >"$tfs/trace"
	  read -r _ <"$sys/drivers/tdrv/bind" ) &
	helper=$!
	shift
	PCI_DEVICES=$sys/devices MSI_TRACEFS=$tfs "$@" \
		$KSFT_SHELL "$work/selftests/pci/msi/msi_trace.sh" >"$work/out" 2>&1
	rc=$?
	kill "$helper" 2>/dev/null
	wait "$helper" 2>/dev/null
	return $rc
}
ev() {
	printf ' sh-99 [000] ..... 1.%03d: pci_msi_%s: %s backend=raw %s\\n' "$1" "$2" "$tb" "$3"
}
good=$(ev 1 free "type=MSI nvec=1"; ev 2 resolve "flags=0x0 ret=0"
	ev 3 check "type=MSI asked=1 granted=1 ret=0"; ev 4 alloc "type=MSI asked=1 granted=1 ret=0")
trace "$good" env MSI_TEST_DEVICES=$tb
rc=$?
[ $rc = 0 ] && grep -q '^ok 1 0000:00:04.0 tdrv unbind and bind traced in order, backend raw, 1 vectors: free(nvec=1) resolve(ret=0) check(granted=1 ret=0) alloc(granted=1 ret=0)$' "$work/out"
tap_result $? "msi_trace.sh passes free, resolve, check and alloc in order (exit $rc)" "$work/out"
bad=$(ev 1 resolve "flags=0x0 ret=0"; ev 2 check "type=MSI asked=1 granted=1 ret=0"
	ev 3 alloc "type=MSI asked=1 granted=1 ret=0")
trace "$bad" env MSI_TEST_DEVICES=$tb
rc=$?
[ $rc = 1 ] && grep -q '^not ok 1 .*event 1 (resolve): resolve while the device has vectors' "$work/out"
tap_result $? "msi_trace.sh fails on a bind traced without the unbind's ->free() (exit $rc)" "$work/out"
trace "$good" env -u MSI_TEST_DEVICES
rc=$?
[ $rc = 4 ] && grep -q '^1\.\.0 # SKIP MSI_TEST_DEVICES' "$work/out" &&
	[ -p "$sys/drivers/tdrv/unbind" ] && ! grep -q . "$tfs/trace"
tap_result $? "msi_trace.sh without MSI_TEST_DEVICES skips and unbinds nothing (exit $rc)" "$work/out"
rm "$sys/devices/$tb/msi_backend"
rm -r "$tfs/events/pci_msi"
trace "$good" env MSI_TEST_DEVICES=all
rc=$?
[ $rc = 4 ] && grep -q '^1\.\.0 # SKIP no pci_msi trace events: this kernel lacks the MSI series' "$work/out"
tap_result $? "msi_trace.sh skips on a kernel without the series (exit $rc)" "$work/out"
# msi_faults.sh: a device at 00:08.0 with one MSI vector, a made-up
# fail_pci_msi_ops/ and a driver whose bind and unbind are one FIFO
# that a helper serves in order, as the kernel would: an unbind takes
# the driver and the vector away, a bind gives both, and a bind while
# "times" is 1 is the injected failure: "times" becomes 0 and the probe
# fails (no driver), leaving the vector behind ("leak") or not
# ("clean")
fb=0000:00:08.0
fd=$work/fail
fdev=$sys/devices/$fb
mkdir -p "$fdev/msi_irqs" "$sys/drivers/fdrv" "$fd"
printf '0x8086\n' >"$fdev/vendor"
printf '0x1000\n' >"$fdev/device"
# faults MODE [env...]: run msi_faults.sh against the driver of MODE
faults() {
	local helper mode=$1
	rm -f "$sys/drivers/fdrv/bind" "$sys/drivers/fdrv/unbind" "$fdev/driver"
	mkfifo "$sys/drivers/fdrv/bind"
	ln -s bind "$sys/drivers/fdrv/unbind"
	ln -s "$sys/drivers/fdrv" "$fdev/driver"
	echo msi >"$fdev/msi_irqs/60"
	echo 0 >"$fd/times"
	: >"$work/fdrv.log"
	(
		while read -r _ <"$sys/drivers/fdrv/bind"; do
			if [ -e "$fdev/driver" ]; then
				echo unbind >>"$work/fdrv.log"
				rm -f "$fdev/driver" "$fdev/msi_irqs/60"
			elif [ "$(cat "$fd/times")" = 1 ]; then
				echo injected >>"$work/fdrv.log"
				[ "$mode" != leak ] || echo msi >"$fdev/msi_irqs/60"
				echo 0 >"$fd/times"
			else
				echo bind >>"$work/fdrv.log"
				ln -s "$sys/drivers/fdrv" "$fdev/driver"
				echo msi >"$fdev/msi_irqs/60"
			fi
		done
	) &
	helper=$!
	shift
	PCI_DEVICES=$sys/devices MSI_FAIL_DIR=$fd "$@" \
		$KSFT_SHELL "$work/selftests/pci/msi/msi_faults.sh" >"$work/out" 2>&1
	rc=$?
	kill "$helper" 2>/dev/null
	wait "$helper" 2>/dev/null
	rm -rf "$fdev/driver" "$fdev/msi_irqs/60"
	return $rc
}
faults leak env MSI_TEST_DEVICES=$fb
rc=$?
[ $rc = 1 ] && grep -q '^ok 1 6 of 6 injected failures reached' "$work/out" &&
	grep -q "^not ok 2 6 injected failures on 1 devices: .*; 6 problem(s), first: $fb check: unbound usage 'msi=[0-9]* .*' after 'unbound', before" "$work/out"
tap_result $? "msi_faults.sh fails on a failed probe that leaves its vector behind (exit $rc)" "$work/out"
faults clean env MSI_TEST_DEVICES=$fb
rc=$?
[ $rc = 0 ] && grep -q '^ok 1 6 of 6 injected failures reached' "$work/out" &&
	grep -q '^ok 2 6 injected failures on 1 devices: .*; 0 problem(s)$' "$work/out" &&
	grep -q "^# $fb fdrv (1 vectors, backend ?) after one failure: check:unbound .* desc:unbound$" "$work/out"
tap_result $? "msi_faults.sh passes failed probes that leave nothing behind (exit $rc)" "$work/out"
faults leak env -u MSI_TEST_DEVICES
rc=$?
[ $rc = 4 ] && grep -q '^1\.\.0 # SKIP MSI_TEST_DEVICES' "$work/out" && ! grep -q . "$work/fdrv.log"
tap_result $? "msi_faults.sh without MSI_TEST_DEVICES skips and unbinds nothing (exit $rc)" "$work/out"
faults leak env MSI_TEST_DEVICES=all MSI_FAIL_DIR="$work/no-fail"
rc=$?
[ $rc = 4 ] && grep -q '^1\.\.0 # SKIP no .*no-fail: this kernel lacks the MSI series' "$work/out" &&
	! grep -q . "$work/fdrv.log"
tap_result $? "msi_faults.sh skips on a kernel without the series (exit $rc)" "$work/out"
echo rtas >"$fdev/msi_backend"
faults leak env MSI_TEST_DEVICES=all MSI_FAIL_DIR="$work/no-fail"
rc=$?
[ $rc = 4 ] && grep -q '^1\.\.0 # SKIP no .*no-fail in a kernel with MSI backends' "$work/out"
tap_result $? "msi_faults.sh skips on a kernel with the series but without fault injection (exit $rc)" "$work/out"
faults leak env MSI_TEST_DEVICES=all MSI_FAIL_DIR="$work/no-fail" MSI_FAULTS_REQUIRED=1
rc=$?
[ $rc = 1 ] && grep -q '^not ok 1 no .*no-fail in a kernel with MSI backends' "$work/out"
tap_result $? "msi_faults.sh with MSI_FAULTS_REQUIRED=1 fails there (exit $rc)" "$work/out"
rm "$fdev/msi_backend"
# msi_unplug.sh: device 0000:00:05.0 with vectors 40 and 41 (interrupt
# descriptors in a made-up /sys/kernel/irq) goes and comes back through
# hooks that move its sysfs folder away and back; the traffic command
# counts interrupts on both vectors
u=$work/usys
ud=$u/devices/0000:00:05.0
mkdir -p "$ud/msi_irqs" "$u/drivers/udrv" "$u/stash" "$work/kirq/1" "$work/noslots"
echo msix >"$ud/msi_irqs/40"
echo msix >"$ud/msi_irqs/41"
printf '0x1af4\n' >"$ud/vendor"
printf '0x1000\n' >"$ud/device"
printf '0x020000\n' >"$ud/class"
ln -s "$u/drivers/udrv" "$ud/driver"
echo IO-APIC >"$work/kirq/1/chip_name"
cat >"$work/utraffic" <<'EOT'
#!/bin/sh
# DEAF: the device takes no interrupt once it is back
[ -n "${DEAF:-}" ] && [ -e "$U/replugged" ] && exit 0
n=$(($(cat "$U/count" 2>/dev/null || echo 0) + 1))
echo "$n" >"$U/count"
printf '      CPU0\n 40: %d PCI-MSIX-0000:00:05.0 0-edge\n 41: %d PCI-MSIX-0000:00:05.0 1-edge\n' "$n" "$n" >"$U/interrupts.new"
mv "$U/interrupts.new" "$U/interrupts"
EOT
cat >"$work/uunplug" <<'EOT'
#!/bin/sh
echo "unplug $*" >>"$U/hooks.log"
mv "$U/devices/$1" "$U/stash/"
rm -rf "$KIRQ/40"
[ -n "$LEAK" ] || rm -rf "$KIRQ/41"
EOT
cat >"$work/ureplug" <<'EOT'
#!/bin/sh
echo "replug $*" >>"$U/hooks.log"
: >"$U/replugged"
mv "$U/stash/$1" "$U/devices/"
mkdir -p "$KIRQ/40" "$KIRQ/41"
echo PCI-MSIX >"$KIRQ/40/chip_name"
echo PCI-MSIX >"$KIRQ/41/chip_name"
[ -z "$FEWER" ] || rm -f "$U/devices/$1/msi_irqs/41"
EOT
chmod +x "$work/utraffic" "$work/uunplug" "$work/ureplug"
unplug() {
	rm -f "$u/replugged"
	: >"$ud/remove"
	: >"$u/rescan"
	: >"$u/hooks.log"
	mkdir -p "$work/kirq/40" "$work/kirq/41"
	echo PCI-MSIX >"$work/kirq/40/chip_name"
	echo PCI-MSIX >"$work/kirq/41/chip_name"
	[ -e "$ud/msi_irqs/41" ] || echo msix >"$ud/msi_irqs/41"
	U=$u KIRQ=$work/kirq PCI_DEVICES=$u/devices MSI_PCI_RESCAN=$u/rescan \
		MSI_PCI_SLOTS=$work/noslots MSI_SYS_KERNEL_IRQ=$work/kirq \
		MSI_PROC_INTERRUPTS=$u/interrupts MSI_EDU_DEBUGFS=$work/no-edu \
		MSI_RAW_STATS=$work/none MSI_RTAS_HELD=$work/none \
		MSI_VECTOR_DOMAIN=$work/none MSI_UNPLUG_CYCLES=2 \
		MSI_TRAFFIC_CMD=$work/utraffic "$@" \
		$KSFT_SHELL "$work/selftests/pci/msi/msi_unplug.sh" >"$work/out" 2>&1
}
"$work/utraffic"
hooks="MSI_UNPLUG_CMD=$work/uunplug MSI_REPLUG_CMD=$work/ureplug"
# shellcheck disable=SC2086 # the hook assignments
unplug env -u MSI_UNPLUG_DEVICES $hooks
rc=$?
[ $rc = 4 ] && grep -q '^1\.\.0 # SKIP MSI_UNPLUG_DEVICES' "$work/out" &&
	[ ! -s "$ud/remove" ] && [ ! -s "$u/rescan" ] && [ ! -s "$u/hooks.log" ]
tap_result $? "msi_unplug.sh without MSI_UNPLUG_DEVICES skips and removes nothing (exit $rc)" "$work/out"
unplug env MSI_UNPLUG_DEVICES=0000:00:09.0
rc=$?
[ $rc = 4 ] && [ ! -s "$ud/remove" ] && [ ! -s "$u/rescan" ]
tap_result $? "msi_unplug.sh removes no device outside MSI_UNPLUG_DEVICES (exit $rc)" "$work/out"
unplug env MSI_UNPLUG_DEVICES=all MSI_UNPLUG_WAIT=2
rc=$?
[ $rc = 1 ] && [ "$(cat "$ud/remove")" = 1 ] && [ ! -s "$u/rescan" ] &&
	grep -q '^not ok 1 0000:00:05.0 udrv: 1 of 2 cycles' "$work/out" &&
	grep -q 'first: 0000:00:05.0 cycle 1: still on the bus after the unplug' "$work/out"
tap_result $? "msi_unplug.sh removes through sysfs and fails when the device stays (exit $rc)" "$work/out"
# shellcheck disable=SC2086 # the hook assignments
unplug env MSI_UNPLUG_DEVICES=all $hooks
rc=$?
[ $rc = 0 ] && grep -q '^ok 1 0000:00:05.0 udrv: 2 of 2 cycles .*back with 2 and working every time' "$work/out" &&
	grep -q '^ok 3 2 cycles on 1 devices, 0 problem(s)$' "$work/out" &&
	grep -q '^# figure: hot-unplug cycles: 2 on 1 devices, leaks: 0' "$work/out" &&
	[ "$(cat "$u/hooks.log")" = "unplug 0000:00:05.0 - 1
replug 0000:00:05.0 - 1
unplug 0000:00:05.0 - 2
replug 0000:00:05.0 - 2" ] && [ ! -s "$ud/remove" ]
tap_result $? "msi_unplug.sh passes a device that goes and comes back with its vectors through the hooks (exit $rc)" "$work/out"
# shellcheck disable=SC2086 # the hook assignments
unplug env MSI_UNPLUG_DEVICES=0000:00:05.0 FEWER=1 MSI_UNPLUG_WAIT=2 $hooks
rc=$?
[ $rc = 1 ] && grep -q '^not ok 1 0000:00:05.0 udrv: 1 of 2 cycles' "$work/out" &&
	grep -q '^not ok 3 .*first: 0000:00:05.0 cycle 1: not back with 2 vectors (1, driver udrv)' "$work/out"
tap_result $? "msi_unplug.sh fails on a device that comes back with fewer vectors (exit $rc)" "$work/out"
# shellcheck disable=SC2086 # the hook assignments
unplug env MSI_UNPLUG_DEVICES=all LEAK=1 $hooks
rc=$?
[ $rc = 1 ] && grep -q '^not ok 1 0000:00:05.0 udrv: 2 of 2 cycles' "$work/out" &&
	grep -q '^not ok 3 .*first: 0000:00:05.0 cycle 1: its 2 vectors did not all go with it (descriptors 2 -> 1)' "$work/out"
tap_result $? "msi_unplug.sh fails on a device that leaves a vector behind (exit $rc)" "$work/out"
# shellcheck disable=SC2086 # the hook assignments
unplug env MSI_UNPLUG_DEVICES=all DEAF=1 $hooks
rc=$?
[ $rc = 1 ] && grep -q '^not ok 1 0000:00:05.0 udrv: ' "$work/out" &&
	grep -q '^not ok 3 .*first: 0000:00:05.0 cycle 1: 0000:00:05.0 .*no interrupt (' "$work/out"
tap_result $? "msi_unplug.sh fails on a device that takes no interrupt once it is back (exit $rc)" "$work/out"

# msi_suspend.sh: a sysfs of its own with an NVMe-like device with two
# MSI-X vectors (70, 71) and one with an MSI vector (72) whose message
# (address 0xfee01000, data 0x41) is what the made-up vector domain
# says (vector 65 on CPU 1, APIC ID 1); /sys/power takes any write. The
# wake command, run before each suspend, is where the made-up "suspend"
# does its harm: it removes vector 71 or rewrites the MSI message
ss=$work/ssys
sp=$work/power
sd1=$ss/devices/0000:00:05.0
sd2=$ss/devices/0000:00:06.0
mkdir -p "$sd1/msi_irqs" "$sd2/msi_irqs" "$ss/drivers/sdrv" "$sp" "$work/sirq/72"
for d in "$sd1" "$sd2"; do
	ln -s "$ss/drivers/sdrv" "$d/driver"
	printf '0x1b36\n0x0010\n0x010802\n' | { read -r v; read -r dv; read -r c
		echo "$v" >"$d/vendor"; echo "$dv" >"$d/device"; echo "$c" >"$d/class"; }
done
printf 'Vector:    65\nTarget:     1\n' >"$work/sirq/72/irq"
mv "$work/sirq/72/irq" "$work/sirq/72.tmp" && rmdir "$work/sirq/72" && mv "$work/sirq/72.tmp" "$work/sirq/72"
printf 'processor\t: 0\napicid\t\t: 0\n\nprocessor\t: 1\napicid\t\t: 1\n' >"$work/scpuinfo"
# sconfig DATA: config space of 00:06.0, a 32-bit MSI capability at
# 0x50, enabled, address 0xfee01000, data DATA
sconfig() {
	python3 -c 'import sys
b = bytearray(256)
b[6] = 0x10; b[0x34] = 0x50; b[0x50] = 0x05; b[0x52] = 0x01
b[0x54:0x58] = (0xfee01000).to_bytes(4, "little")
b[0x58:0x5a] = int(sys.argv[1], 0).to_bytes(2, "little")
sys.stdout.buffer.write(b)' "$1" >"$sd2/config"
}
# The traffic command: one more interrupt on every vector
printf '           CPU0       CPU1\n 70:  1  0  PCI-MSIX\n 71:  1  0  PCI-MSIX\n 72:  1  0  PCI-MSI\n' >"$work/sints"
cat >"$work/straffic" <<EOS
#!/bin/sh
awk 'NR > 1 { \$2++ } { print }' "$work/sints" >"$work/sints.new" && mv "$work/sints.new" "$work/sints"
EOS
# The wake command: logs its calls; HARM (lose, msg) in the second
# freeze cycle
cat >"$work/swake" <<EOS
#!/bin/sh
echo "\$*" >>"$work/swake.log"
[ "\$1 \$2 \${3:-}" = "freeze 2 " ] || exit 0
case "\$(cat "$work/sharm")" in
lose) rm -f "$sd1/msi_irqs/71" ;;
msg) python3 -c 'import sys
f = open(sys.argv[1], "r+b"); f.seek(0x58); f.write(bytes([0x42, 0]))' "$sd2/config" ;;
esac
EOS
chmod +x "$work/straffic" "$work/swake"
# suspend HARM [env...]: run msi_suspend.sh
suspend() {
	echo "$1" >"$work/sharm"
	shift
	echo msix >"$sd1/msi_irqs/70"
	echo msix >"$sd1/msi_irqs/71"
	echo msi >"$sd2/msi_irqs/72"
	sconfig 0x41
	printf 'freeze mem\n' >"$sp/state"
	printf 's2idle [deep]\n' >"$sp/mem_sleep"
	touch -d @1000000000 "$sp/state"
	echo 0 >"$work/swakealarm"
	: >"$work/swake.log"
	PCI_DEVICES=$ss/devices MSI_SYS_POWER=$sp MSI_RTC_WAKEALARM=$work/swakealarm \
		MSI_IRQ_DEBUGFS=$work/sirq MSI_CPUINFO=$work/scpuinfo \
		MSI_PROC_INTERRUPTS=$work/sints MSI_TRAFFIC_CMD=$work/straffic \
		MSI_RAW_STATS=$work/no-raw MSI_VECTOR_DOMAIN=$work/no-vector \
		MSI_RTAS_HELD=$work/no-rtas MSI_EDU_DEBUGFS=$work/no-edu \
		MSI_SUSPEND_WAKE_CMD=$work/swake MSI_SUSPEND_CYCLES=2 "$@" \
		$KSFT_SHELL "$work/selftests/pci/msi/msi_suspend.sh" >"$work/out" 2>&1
}
suspend none env -u MSI_SUSPEND_MODES
rc=$?
[ $rc = 4 ] && grep -q '^1\.\.0 # SKIP MSI_SUSPEND_MODES' "$work/out" &&
	[ "$(stat -c %Y "$sp/state")" = 1000000000 ] && ! grep -q . "$work/swake.log"
tap_result $? "msi_suspend.sh without MSI_SUSPEND_MODES skips and writes nothing to /sys/power/state (exit $rc)" "$work/out"
x86=""
case $(uname -m) in x86_64 | i?86) x86=1 ;; esac
suspend none env MSI_SUSPEND_MODES="freeze deep shallow"
rc=$?
[ $rc = 0 ] && grep -q '^ok 1 2 cycles of freeze with 2 MSI devices bound: every device works after resume, vector usage as before; 0 problem(s)$' "$work/out" &&
	grep -q '^ok 3 2 cycles of deep with 2 MSI devices bound' "$work/out" &&
	grep -q '^ok 5 shallow: not offered here .*# SKIP' "$work/out" &&
	grep -q '^# figure: suspend deep cycles: 2, ' "$work/out" &&
	[ "$(cat "$sp/state")" = mem ] && [ "$(cat "$sp/mem_sleep")" = deep ] &&
	[ "$(cat "$work/swakealarm")" = 0 ] &&
	[ "$(tr '\n' ' ' <"$work/swake.log")" = "freeze 1 freeze 1 resumed freeze 2 freeze 2 resumed deep 1 deep 1 resumed deep 2 deep 2 resumed " ] &&
	{ [ -z "$x86" ] || grep -q '^ok 2 freeze: MSI messages in config space as the kernel set them up after each of 2 resumes (1 MSI devices); 0 problem(s)$' "$work/out"; }
tap_result $? "msi_suspend.sh passes cycles that leave vectors and messages as they were, skips a state not offered (exit $rc)" "$work/out"
suspend lose env MSI_SUSPEND_MODES="freeze"
rc=$?
[ $rc = 1 ] && grep -q "^not ok 1 2 cycles of freeze .*; 1 problem(s), first: freeze 2: usage after resume 'msi=2 .*', before 'msi=3 " "$work/out"
tap_result $? "msi_suspend.sh fails on a cycle after which a device has lost a vector (exit $rc)" "$work/out"
if [ -n "$x86" ]; then
	suspend msg env MSI_SUSPEND_MODES="freeze"
	rc=$?
	[ $rc = 1 ] && grep -q '^ok 1 2 cycles of freeze' "$work/out" &&
		grep -q '^not ok 2 freeze: MSI messages .*; 1 problem(s), first: freeze 2: 0000:00:06.0 irq 72: MSI address fee01000 data 42 in config space, the kernel has vector 65 on CPU 1 (APIC ID 1)' "$work/out"
	tap_result $? "msi_suspend.sh fails on a resume that leaves another MSI message in config space (exit $rc)" "$work/out"
fi
# msi_load.sh against a sysfs of its own: a device of driver ldrv
# (vector 24), an edu device with a made-up exerciser (vector 40), and a
# device without driver where the made-up traffic command can leave a
# vector behind (a leak the usage comparison must see)
ls=$work/lsys
lirq=$work/lirq
mkdir -p "$ls/devices/0000:00:01.0/msi_irqs" "$ls/devices/$eb/msi_irqs" \
	"$ls/devices/0000:00:07.0/msi_irqs" "$ls/drivers/ldrv" \
	"$ls/drivers/edu_msi_exerciser" "$lirq/24" "$lirq/40" "$work/lblock" \
	"$work/ledu/$eb"
echo msix >"$ls/devices/0000:00:01.0/msi_irqs/24"
echo msi >"$ls/devices/$eb/msi_irqs/40"
printf '0x1234\n' >"$ls/devices/$eb/vendor"
printf '0x11e8\n' >"$ls/devices/$eb/device"
ln -s "$ls/drivers/ldrv" "$ls/devices/0000:00:01.0/driver"
ln -s "$ls/drivers/edu_msi_exerciser" "$ls/devices/$eb/driver"
for d in 0000:00:01.0 0000:00:07.0; do
	printf '0x8086\n' >"$ls/devices/$d/vendor"
	printf '0x10d3\n' >"$ls/devices/$d/device"
done
echo 1 >"$lirq/24/smp_affinity"
echo 1 >"$lirq/40/smp_affinity"
printf '           CPU0\n 24:  5  PCI-MSIX\n 40:  9  PCI-MSI\n' >"$work/linterrupts"
cat >"$work/ltraffic" <<EOT
#!/bin/sh
[ ! -e "$work/leak" ] || echo msi >"$ls/devices/0000:00:07.0/msi_irqs/99"
EOT
chmod +x "$work/ltraffic"
# load STATS [env...]: run msi_load.sh for 2 s with the exerciser's stats
load() {
	local d
	for d in ldrv edu_msi_exerciser; do
		: >"$ls/drivers/$d/unbind"
		: >"$ls/drivers/$d/bind"
	done
	rm -f "$ls/devices/0000:00:07.0/msi_irqs/99" "$work/leak"
	echo "$1" >"$work/ledu/$eb/stats"
	: >"$work/ledu/$eb/reset"
	shift
	PCI_DEVICES=$ls/devices MSI_PROC_IRQ=$lirq MSI_PROC_INTERRUPTS=$work/linterrupts \
		MSI_EDU_DEBUGFS=$work/ledu MSI_SYS_BLOCK=$work/lblock \
		MSI_VECTOR_DOMAIN=$work/no-domain MSI_RAW_STATS=$work/no-raw \
		MSI_TRAFFIC_CMD=$work/ltraffic MSI_LOAD_SECONDS=2 "$@" \
		$KSFT_SHELL "$work/selftests/pci/msi/msi_load.sh" >"$work/out" 2>&1
}
# unbinds: the drivers whose unbind file was written
unbinds() {
	for d in ldrv edu_msi_exerciser; do
		[ ! -s "$ls/drivers/$d/unbind" ] || echo "$d"
	done | grep -c .
}
lstats="bursts=20 bursts_lost=0 raised=100 received=90 spurious=0"
load "$lstats" env -u MSI_TEST_DEVICES -u MSI_LOAD_UNBIND
rc=$?
[ $rc = 0 ] && [ "$(unbinds)" = 0 ] && grep -q '^ok 1 ran [0-9]* s (wanted 2)' "$work/out" &&
	grep -q '^ok 2 edu 0000:00:03.0 free-running: 20 bursts of .* 0 whose last interrupt never arrived' "$work/out" &&
	grep -q '^ok [0-9]* 0000:00:01.0 (ldrv): [1-9][0-9]* traffic runs, 0 failed' "$work/out" &&
	grep -q '^ok [0-9]* [1-9][0-9]* affinity moves of the 2 interrupts' "$work/out" &&
	grep -q '^ok [0-9]* vector usage not compared: .* # SKIP' "$work/out" &&
	[ "$(cat "$lirq/24/smp_affinity")" = 1 ] && [ "$(cat "$work/ledu/$eb/flood")" = stop ]
tap_result $? "msi_load.sh without MSI_TEST_DEVICES and MSI_LOAD_UNBIND loads, unbinds nothing, restores affinities (exit $rc)" "$work/out"
load "bursts=20 bursts_lost=1 raised=100 received=90 spurious=0" env -u MSI_TEST_DEVICES -u MSI_LOAD_UNBIND
rc=$?
[ $rc = 1 ] && grep -q '^not ok 2 edu 0000:00:03.0 free-running: 20 bursts .* 1 whose last interrupt never arrived' "$work/out"
tap_result $? "msi_load.sh fails on a lost edu burst (exit $rc)" "$work/out"
load "$lstats" env -u MSI_TEST_DEVICES MSI_LOAD_UNBIND=all
rc=$?
[ $rc = 0 ] && [ "$(unbinds)" = 2 ] &&
	grep -q "^ok [0-9]* vector usage with every device unbound after the run 'msi=2 .*', before it 'msi=2 " "$work/out"
tap_result $? "msi_load.sh with MSI_LOAD_UNBIND=all compares the usage, the same after the run (exit $rc)" "$work/out"
load "$lstats" env -u MSI_TEST_DEVICES MSI_LOAD_UNBIND=all sh -c ': >"$1"; shift; exec "$@"' sh "$work/leak"
rc=$?
[ $rc = 1 ] && grep -q "^not ok [0-9]* vector usage with every device unbound after the run 'msi=3 .*', before it 'msi=2 " "$work/out"
tap_result $? "msi_load.sh fails on a vector left behind during the load (exit $rc)" "$work/out"
load "$lstats" env -u MSI_LOAD_UNBIND MSI_TEST_DEVICES=0000:00:01.0
rc=$?
[ $rc = 1 ] && [ "$(unbinds)" = 1 ] && [ -s "$ls/drivers/ldrv/unbind" ] &&
	grep -q '^not ok [0-9]* [1-9][0-9]* rounds of unbind and bind of 0000:00:01.0, .* [1-9][0-9]* problem(s), first: 0000:00:01.0 kept vectors after unbind' "$work/out"
tap_result $? "msi_load.sh churns only MSI_TEST_DEVICES and fails on a driver that keeps its vector (exit $rc)" "$work/out"
tap_plan
[ "$tap_failed" = 0 ]
