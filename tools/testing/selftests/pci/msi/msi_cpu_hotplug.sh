#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A CPU goes offline and online again while devices hold MSI vectors:
# every vector that may go to another online CPU leaves the dying one
# (its effective affinity, where the kernel shows it), the CPU comes
# back, and NVMe reads still complete afterwards (their managed queue
# vectors were shut down and started again).
#
# Taking a CPU away disturbs what runs on it: only the CPUs in
# MSI_TEST_CPUS (numbers separated by spaces, or "all") may go offline;
# the test takes the highest-numbered of them that can, and without one
# it is skipped. MSI_HOTPLUG_ROUNDS sets the offline/online cycles (5).
#
# With the QEMU edu device and its exerciser driver (the QEMU harness,
# msi_lib.sh) the test also pins the edu interrupt to that CPU before
# each offline while the device raises it from CPU 0 without pause: it
# must move off the CPU, keep arriving while the CPU is offline, and no
# burst may be lost. Without the exerciser those checks are skipped;
# MSI_EDU_REQUIRED=1 makes its absence a failure instead.

DIR=$(dirname "$0")
. "$DIR/../../kselftest/ktap_helpers.sh"
. "$DIR/msi_lib.sh"

ROUNDS=${MSI_HOTPLUG_ROUNDS:-5}
FLOOD_MAX=${MSI_FLOOD_MAX:-$FLOOD_MAX}

ktap_print_header
if [ -z "$MSI_TEST_CPUS" ]; then
	ktap_skip_all "MSI_TEST_CPUS names no CPU that may go offline"
	exit "$KSFT_SKIP"
fi
target=""
for c in "$CPU_SYSFS"/cpu[0-9]*; do
	c=${c##*/cpu}
	case " $MSI_TEST_CPUS " in
	" all "|*" $c "*) ;;
	*) continue ;;
	esac
	[ -w "$CPU_SYSFS/cpu$c/online" ] || continue
	[ "$(cat "$CPU_SYSFS/cpu$c/online")" = 1 ] || continue
	if [ -z "$target" ] || [ "$c" -gt "$target" ]; then
		target=$c
	fi
done
if [ -z "$target" ]; then
	ktap_skip_all "no CPU of MSI_TEST_CPUS is online and can go offline"
	exit "$KSFT_SKIP"
fi
on=$CPU_SYSFS/cpu$target/online
bdf=$(edu_first)

# edu_missing DESCRIPTION: the check needs the exerciser that is absent
edu_missing() {
	if [ "${MSI_EDU_REQUIRED:-0}" = 1 ]; then
		ktap_test_fail "$1: no edu device with the exerciser driver ($EDU_DEBUGFS)"
	else
		ktap_test_skip "$1: needs the QEMU edu device and its exerciser ($EDU_DEBUGFS)"
	fi
}

# stuck_vectors: "bdf:irq@cpus" of every MSI vector still delivered to
# the offline target CPU although its affinity allows an online CPU;
# counts the vectors looked at in $checked (kept in a file: the caller
# reads it after a subshell)
stuck_vectors() {
	local d irq eff aff online c n=0 other
	online=$(awk -F , '{
		for (i = 1; i <= NF; i++) {
			if (split($i, r, "-") == 1) r[2] = r[1]
			for (c = r[1]; c <= r[2]; c++) print c
		}
	}' "$CPU_SYSFS/online")
	for d in "$PCI_DEVICES"/*; do
		for irq in $(msi_irqs_of "${d##*/}"); do
			eff=$(effective_cpu "$irq")
			[ -n "$eff" ] || continue
			aff=$(cat "$PROC_IRQ/$irq/smp_affinity_list" 2>/dev/null)
			other=""
			for c in $online; do
				[ "$c" != "$target" ] && cpulist_has "$aff" "$c" &&
					other=$c && break
			done
			# A vector pinned to the target alone (the edu one) must
			# move too, unless it is a managed one that is shut down:
			# only the edu vector is known not to be managed.
			[ -n "$other" ] || [ "$irq" = "$edu_irq" ] || continue
			n=$((n + 1))
			cpulist_has "$eff" "$target" && echo "${d##*/}:$irq@$eff"
		done
	done
	echo "$n" >"$COUNT"
}

COUNT=$(mktemp)
trap '[ -z "$bdf" ] || flood_stop "$bdf" 2>/dev/null; echo 1 >"$on"; rm -f "$COUNT"' EXIT

plan=5
[ "$(uname -m)" != x86_64 ] || plan=$((plan + 1))
nvme=""
! ls /sys/block/nvme* >/dev/null 2>&1 || nvme=1
[ -z "$nvme" ] || plan=$((plan + 1))
ktap_set_plan "$plan"

edu_irq=""
if [ -n "$bdf" ]; then
	edu_irq=$(cat "$EDU_DEBUGFS/$bdf/irq")
	set_affinity "$edu_irq" "$target"
	echo 5 >"$EDU_DEBUGFS/$bdf/raise"
	before=$(irq_count "$edu_irq" "$target")
	echo 20 >"$EDU_DEBUGFS/$bdf/raise"
	after=$(irq_count "$edu_irq" "$target")
	effective_is "$edu_irq" "$target" && [ $((after - before)) -eq 20 ]
	msi_result "edu irq $edu_irq pinned to CPU $target first, \
$((after - before)) of 20 interrupts counted there" $?
else
	edu_missing "an interrupt pinned to CPU $target first"
fi

nh0=$(no_handler_count)
m0=$(msi_raw_stat moves) s0=$(msi_raw_stat split_moves) c0=$(msi_raw_stat caught)
r0=$(msi_raw_stat remote_moves)
flood=0
if [ -n "$bdf" ]; then
	flood_start "$bdf" 0 && flood=1
fi
rc=0 k=0 pinned=0 moved=0 stalls=0 checked=0 stuck=0 eff_off="" first=""
while [ $k -lt "$ROUNDS" ]; do
	if [ -n "$edu_irq" ]; then
		# Back to the CPU that goes away; the source's next
		# interrupt carries the move out.
		set_affinity "$edu_irq" "$target" 2>/dev/null
		sleep 0.1
		effective_is "$edu_irq" "$target" && pinned=$((pinned + 1))
	fi
	echo 0 >"$on" || rc=$((rc + 1))
	sleep 0.2
	list=$(stuck_vectors)
	checked=$((checked + $(cat "$COUNT")))
	if [ -n "$list" ]; then
		stuck=$((stuck + $(echo "$list" | wc -w)))
		first=${first:-$list}
	fi
	if [ -n "$edu_irq" ]; then
		eff=$(effective_cpu "$edu_irq")
		[ "$eff" = "$target" ] || moved=$((moved + 1))
		eff_off=${eff_off:-$eff}
		mid=$(edu_stat "$bdf" received)
		sleep 0.2
		late=$(edu_stat "$bdf" received)
		is_num "$mid" && is_num "$late" && [ "$late" -gt "$mid" ] ||
			stalls=$((stalls + 1))
	fi
	echo 1 >"$on" || rc=$((rc + 100))
	k=$((k + 1))
done
sleep 0.2
[ $flood = 0 ] || flood_stop "$bdf"

what="CPU $target offline and online again $ROUNDS times (status $rc), \
MSI vectors that may go elsewhere looked at $checked times while it was \
offline, on it $stuck times${first:+ ($first)}"
if [ -n "$edu_irq" ]; then
	[ $rc -eq 0 ] && [ $stuck -eq 0 ] && [ $moved -eq "$ROUNDS" ]
	msi_result "$what; edu irq $edu_irq on it before $pinned times, \
moved off it $moved times (first to CPU ${eff_off:-(not shown)})" $?
else
	[ $rc -eq 0 ] && [ $stuck -eq 0 ]
	msi_result "$what" $?
fi

if [ $flood = 1 ]; then
	[ $stalls -eq 0 ]
	msi_result "interrupts kept arriving with CPU $target offline, \
$stalls of $ROUNDS times they did not" $?
	bursts=$(edu_stat "$bdf" bursts)
	lost=$(edu_stat "$bdf" bursts_lost)
	is_num "$bursts" && [ "$bursts" -gt 0 ] && [ "$lost" = 0 ]
	rc=$?
	msi_result "across $ROUNDS offline and online: edu $bdf free-running: \
$bursts bursts of 1-$FLOOD_MAX raises ($(edu_stat "$bdf" raised) raised, \
$(edu_stat "$bdf" received) handler runs, $(edu_stat "$bdf" spurious) spurious), \
$lost whose last interrupt never arrived" $rc
elif [ -n "$bdf" ]; then
	ktap_test_fail "interrupts kept arriving with CPU $target offline: \
cannot start the free-running source of edu $bdf on CPU 0"
	ktap_test_fail "no burst lost across the offline and online: \
no free-running source"
else
	edu_missing "interrupts kept arriving with CPU $target offline"
	edu_missing "no burst of a free-running source lost across the offline and online"
fi

if [ "$(uname -m)" = x86_64 ]; then
	n=$(($(no_handler_count) - nh0))
	[ $n -eq 0 ] || ktap_print_msg "last: $(dmesg | grep 'No irq handler for' | tail -n 1)"
	[ $n -eq 0 ]
	msi_result "$n message(s) reached a vector with no handler \
('No irq handler for' in the kernel log)" $?
fi
# The move off a dying CPU runs in stop_machine, with interrupts off on
# every CPU: a source driven by a CPU cannot write then, so the raw
# backend has nothing to catch.
if is_num "$m0" && is_num "$(msi_raw_stat moves)"; then
	ktap_print_msg "raw backend: $(($(msi_raw_stat moves) - m0)) moves, \
$(($(msi_raw_stat split_moves) - s0)) in two steps \
($(($(msi_raw_stat remote_moves) - r0)) not on the old CPU), \
$(($(msi_raw_stat caught) - c0)) caught (none expected: the move off a dying \
CPU runs in stop_machine, where no CPU can raise)"
fi

[ "$(cat "$on")" = 1 ]
msi_result "CPU $target is online at the end" $?

# Managed vectors of that CPU (NVMe queues) were shut down and started
# again: I/O must still complete.
if [ -n "$nvme" ]; then
	failed=""
	for b in /sys/block/nvme*; do
		timeout 10 dd if="/dev/${b##*/}" of=/dev/null bs=64k count=16 \
			iflag=direct 2>/dev/null || failed="$failed ${b##*/}"
	done
	[ -z "$failed" ]
	msi_result "NVMe reads complete after the CPU came back${failed:+, failed on$failed}" $?
fi
ktap_finished
