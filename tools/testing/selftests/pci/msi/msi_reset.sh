#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A function reset (sysfs "reset") of a device whose driver holds MSI or
# MSI-X vectors: the reset succeeds, the device has the same vectors
# afterwards with its capability enabled again in config space, and it
# takes interrupts on them.
#
# A reset disturbs the device's driver: only the devices in
# MSI_RESET_DEVICES (BDFs separated by spaces, or "all"; by default
# MSI_TEST_DEVICES) are reset; without one the test is skipped.
#
# Interrupts after the reset: with the QEMU edu device and its exerciser
# driver (msi_lib.sh) the exerciser raises 100 before and 1000 after the
# reset and all must arrive; otherwise MSI_TRAFFIC_CMD, where set, runs
# as "MSI_TRAFFIC_CMD BDF" after the reset to make the device interrupt
# (a DHCP exchange, a disk read) and must succeed; without it the test
# waits a few seconds for interrupts and skips that check when none come.
#
# pSeries: firmware allocates interrupt sources first-fit. With the ops
# core's RTAS backend the reset must not give the device's sources back:
# the test unbinds the other devices of MSI_TEST_DEVICES so that lower
# sources are free, resets the device, and requires it to keep its
# sources (or, where the reset lost the messages, firmware to program
# them again without a release, as the backend logs). Upstream's
# pSeries code releases and asks again: skipped without msi_backend.

DIR=$(dirname "$0")
. "$DIR/../../kselftest/ktap_helpers.sh"
. "$DIR/msi_lib.sh"

RESET_DEVICES=${MSI_RESET_DEVICES:-$MSI_TEST_DEVICES}

# listed LIST BDF: true when BDF is in LIST (or LIST is "all")
listed() {
	case " $1 " in
	" all "|*" $2 "*) return 0 ;;
	esac
	return 1
}

ktap_print_header
if [ -z "$RESET_DEVICES" ]; then
	ktap_skip_all "MSI_RESET_DEVICES and MSI_TEST_DEVICES name no device that may be reset"
	exit "$KSFT_SKIP"
fi
list=""
for d in "$PCI_DEVICES"/*; do
	bdf=${d##*/}
	listed "$RESET_DEVICES" "$bdf" && [ -w "$d/reset" ] &&
		[ -e "$d/driver" ] && [ -n "$(msi_irqs_of "$bdf")" ] &&
		list="$list $bdf"
done
if [ -z "$list" ]; then
	ktap_skip_all "no device of '$RESET_DEVICES' has a driver, MSI vectors and a reset method"
	exit "$KSFT_SKIP"
fi
pseries=""
! grep -q '^platform.*pSeries' /proc/cpuinfo 2>/dev/null || pseries=1
edu=$(edu_first)

# The kept-vectors check rebinds the other devices: bind them back on
# every exit
OTHERS=$(mktemp)
trap 'others_bind bind; rm -f "$OTHERS"' EXIT

# others_bind bind|unbind: (un)bind the devices listed in $OTHERS
others_bind() {
	local bdf drv n
	while read -r bdf drv n; do
		echo "$bdf" >"$drv/$1" 2>/dev/null
		[ "$1" = unbind ] || msi_wait_vectors "$bdf" "$n"
	done <"$OTHERS"
}

# traffic_verdict BDF WHAT: BDF takes interrupts after a reset
traffic_verdict() {
	local bdf="$1" before after n i rc=0 how
	if [ "$bdf" = "$edu" ]; then
		echo 1000 >"$EDU_DEBUGFS/$bdf/raise"
		raised=$(edu_stat "$bdf" raised)
		received=$(edu_stat "$bdf" received)
		lost=$(edu_stat "$bdf" lost)
		[ "$raised" != "?" ] && [ "$raised" -gt 0 ] &&
			[ "$received" = "$raised" ] && [ "$lost" = 0 ]
		msi_result "$2: 100 before and 1000 after the reset: edu \
received $received of $raised raised, lost $lost" $?
		return
	fi
	before=$(msi_irq_total "$bdf")
	# A NIC's driver requests its vectors when the interface goes up
	n=$(netif_of "$bdf")
	[ -z "$n" ] || ip link set dev "$n" up 2>/dev/null
	if [ -n "$MSI_TRAFFIC_CMD" ]; then
		# shellcheck disable=SC2086 # a command and its arguments
		$MSI_TRAFFIC_CMD "$bdf" >/dev/null 2>&1
		rc=$?
		how="MSI_TRAFFIC_CMD status $rc"
	else
		i=0
		while [ $i -lt 50 ] && [ "$(msi_irq_total "$bdf")" -le "$before" ]; do
			sleep 0.1
			i=$((i + 1))
		done
		how="no traffic generator, waited $((i / 10)).$((i % 10)) s"
	fi
	after=$(msi_irq_total "$bdf")
	if [ -z "$MSI_TRAFFIC_CMD" ] && [ "$after" -eq "$before" ]; then
		ktap_test_skip "$2${n:+ ($n)} took no interrupts after the reset \
($how; set MSI_TRAFFIC_CMD)"
		return
	fi
	[ "$after" -gt "$before" ] && [ $rc -eq 0 ]
	msi_result "$2${n:+ ($n)} took $((after - before)) interrupts after the reset, $how" $?
}

# klog_count BDF WHAT: lines of the kernel log about BDF saying WHAT
klog_count() {
	dmesg | grep -c "$1: $2"
}

# kept_check BDF: on pSeries, the reset leaves BDF's interrupt sources
# with it while lower ones are free
kept_check() {
	local bdf="$1" drv n old new lost forgot moved how
	drv=$(readlink -f "$PCI_DEVICES/$bdf/driver")
	n=$(msi_vec_count "$bdf")
	msi_bound "$bdf" | while read -r b dr nv; do
		! listed "$MSI_TEST_DEVICES" "$b" || echo "$b $dr $nv"
	done >"$OTHERS"
	# Have BDF's sources sit above those of the others, then free
	# those below
	others_bind unbind
	echo "$bdf" >"$drv/unbind"
	others_bind bind
	echo "$bdf" >"$drv/bind"
	msi_wait_vectors "$bdf" "$n"
	[ -z "$(netif_of "$bdf")" ] || ip link set dev "$(netif_of "$bdf")" up
	others_bind unbind
	old=$(hwirqs_of "$bdf")
	lost=$(klog_count "$bdf" "device lost the messages")
	forgot=$(klog_count "$bdf" "firmware no longer holds")
	moved=$(klog_count "$bdf" "firmware moved")
	echo 1 >"$PCI_DEVICES/$bdf/reset"
	new=$(hwirqs_of "$bdf")
	lost=$(($(klog_count "$bdf" "device lost the messages") - lost))
	forgot=$(($(klog_count "$bdf" "firmware no longer holds") - forgot))
	moved=$(($(klog_count "$bdf" "firmware moved") - moved))
	if [ "$lost" -gt 0 ]; then
		how="messages lost, reprogrammed without a release"
	else
		how="messages intact, firmware not called"
	fi
	what="with the $(wc -l <"$OTHERS") other devices unbound, $bdf"
	if [ ! -e "$PCI_DEVICES/$bdf/msi_backend" ]; then
		ktap_test_skip "$what keeping its sources (${old:-none}-> ${new:-none}): \
only the RTAS backend of the ops core keeps them, a kernel without MSI \
backend ops (no msi_backend in sysfs)"
	else
		[ -n "$old" ] && [ "$forgot" -eq 0 ] &&
			{ [ "$lost" -gt 0 ] || { [ "$old" = "$new" ] && [ "$moved" -eq 0 ]; }; }
		msi_result "$what kept its sources: $how (${old:-none}-> ${new:-none})" $?
	fi
	traffic_verdict "$bdf" "$bdf with its sources kept"
	others_bind bind
	: >"$OTHERS"
}

plan=0
for bdf in $list; do
	plan=$((plan + 3))
	[ -z "$pseries" ] || plan=$((plan + 2))
done
ktap_set_plan "$plan"

for bdf in $list; do
	what="$bdf $(pci_vd "$bdf") $(pci_driver "$bdf")"
	irqs=$(msi_irqs_of "$bdf" | tr '\n' ' ')
	irqs=${irqs% }
	mode=$(msi_mode "$bdf")
	if [ "$bdf" = "$edu" ]; then
		echo 1 >"$EDU_DEBUGFS/$bdf/reset"
		echo 100 >"$EDU_DEBUGFS/$bdf/raise"
	fi
	echo 1 >"$PCI_DEVICES/$bdf/reset"
	rc=$?
	method=$(cat "$PCI_DEVICES/$bdf/reset_method" 2>/dev/null)
	msi_result "$what reset through sysfs ($method)" $rc
	now=$(msi_irqs_of "$bdf" | tr '\n' ' ')
	now=${now% }
	enabled=$(msi_enabled "$bdf")
	[ "$now" = "$irqs" ] && [ "$enabled" = "$mode" ]
	msi_result "$bdf after the reset: $mode vectors ${now:-none} (before: \
${irqs:-none}), enabled in config space: $enabled" $?
	traffic_verdict "$bdf" "$bdf"
	[ -z "$pseries" ] || kept_check "$bdf"
done
ktap_finished
