#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Hot-unplug with live vectors: each device of MSI_UNPLUG_DEVICES (BDFs
# separated by spaces, or "all": every device with a driver and MSI
# vectors but PCI bridges) is taken off the bus and put back
# MSI_UNPLUG_CYCLES times (3) while its driver holds its vectors and it
# interrupts. Every time the device must go with its vectors released
# (the interrupt descriptors and /proc/interrupts lines go with it, and
# the usage with the device gone is the same in every cycle), come back
# bound to the same driver with as many vectors, and work. After the
# last cycle the usage of the allocators (msi_irqs/ entries, interrupt
# descriptors, /proc/interrupts lines, the x86 vector matrix and what
# the backend holds where debugfs shows it) must be what it was before
# the first. Without MSI_UNPLUG_DEVICES the test is skipped: removing a
# device takes it away (the disk of the root file system, the network
# of a remote session).
#
# A device goes with "echo 1 >/sys/bus/pci/devices/BDF/remove" and
# comes back with "echo 1 >/sys/bus/pci/rescan"; MSI_UNPLUG_CMD and
# MSI_REPLUG_CMD, where set, do it instead (a hotplug slot's power, a
# hypervisor's device removal), run as "CMD BDF SLOT CYCLE" (SLOT: the
# name of the device's slot in /sys/bus/pci/slots, or -), and must exit
# with status 0; the test then waits for the device to leave, or to be
# back and bound.
#
# Interrupts: with the QEMU edu device and its exerciser driver
# (msi_lib.sh) the exerciser raises them, while the device goes and 50
# after it is back, all of which must arrive. Otherwise MSI_TRAFFIC_CMD,
# where set, runs as "MSI_TRAFFIC_CMD BDF" to make the device interrupt
# (a DHCP exchange, a disk read): in a loop while the device goes, and
# once after it is back, when it must succeed and the device take
# interrupts. Without either the test waits a few seconds for
# interrupts after each plug and skips that check when none come.

DIR=$(dirname "$0")
. "$DIR/../../kselftest/ktap_helpers.sh"
. "$DIR/msi_lib.sh"

CYCLES=${MSI_UNPLUG_CYCLES:-3}
PCI_SLOTS=${MSI_PCI_SLOTS:-/sys/bus/pci/slots}
PCI_RESCAN=${MSI_PCI_RESCAN:-/sys/bus/pci/rescan}
# How long a device may take to leave, or to be back and bound (tenths)
WAIT=${MSI_UNPLUG_WAIT:-200}
TMP=$(mktemp -d)
TRAFFIC_N=0
trap 'rm -rf "$TMP"' EXIT

ktap_print_header
if [ -z "${MSI_UNPLUG_DEVICES:-}" ]; then
	ktap_skip_all "MSI_UNPLUG_DEVICES names no device that may be removed"
	exit "$KSFT_SKIP"
fi
# "bdf driver-path vectors" of each device to cycle
msi_bound "" | while read -r bdf drv n; do
	case " $MSI_UNPLUG_DEVICES " in
	" all ")
		case $(cat "$PCI_DEVICES/$bdf/class" 2>/dev/null) in
		0x0604*) continue ;;	# a bridge takes what is below it along
		esac ;;
	*" $bdf "*) ;;
	*) continue ;;
	esac
	echo "$bdf $drv $n"
done >"$TMP/list"
if [ ! -s "$TMP/list" ]; then
	ktap_skip_all "no device of MSI_UNPLUG_DEVICES has a driver and MSI vectors"
	exit "$KSFT_SKIP"
fi
k=$(grep -c . "$TMP/list")
ktap_set_plan $((k + 2))

problems=0
first=""
# fail WHAT: count a problem, remember the first, show the first ten
fail() {
	problems=$((problems + 1))
	dev_problems=$((dev_problems + 1))
	[ -n "$first" ] || first=$1
	[ "$problems" -gt 10 ] || ktap_print_msg "problem: $1"
}

# slot_of BDF: the name of BDF's hotplug slot, or -
slot_of() {
	local s a
	for s in "$PCI_SLOTS"/*; do
		[ -e "$s/address" ] || continue
		read -r a <"$s/address"
		[ "$a.${1##*.}" = "$1" ] && { echo "${s##*/}"; return; }
	done
	echo -
}

# wait_gone BDF: wait (bounded) until BDF left the bus
wait_gone() {
	local i=0
	while [ -e "$PCI_DEVICES/$1" ]; do
		[ $i -ge "$WAIT" ] && return 1
		nap 0.1
		i=$((i + 1))
	done
}

# wait_bound BDF N: wait (bounded) until BDF is back with a driver and
# N vectors
wait_bound() {
	local i=0
	until [ -e "$PCI_DEVICES/$1/driver" ] &&
	      [ "$(msi_vec_count "$1")" -eq "$2" ]; do
		[ $i -ge "$WAIT" ] && return 1
		nap 0.1
		i=$((i + 1))
	done
}

# has_edu BDF: the edu exerciser drives BDF
has_edu() {
	[ "$(pci_vd "$1")" = "$EDU_ID" ] && [ -d "$EDU_DEBUGFS/$1" ]
}

# traffic_start BDF: interrupts that keep coming until the device goes
# or traffic_stop; status 1 when there is no way to make them. Each
# loop has its own stop and running files: the next cycle need not wait
# for the last loop's command (a DHCP exchange on an interface that has
# gone can take its whole timeout) to return.
traffic_start() {
	local bdf="$1" edu="" n
	TRAFFIC_N=$((TRAFFIC_N + 1))
	n=$TRAFFIC_N
	if has_edu "$bdf"; then
		edu=1
		echo 1 >"$EDU_DEBUGFS/$bdf/reset" 2>/dev/null
	elif [ -z "${MSI_TRAFFIC_CMD:-}" ]; then
		return 1
	fi
	: >"$TMP/running.$n"
	(
		while [ -d "$TMP" ] && [ ! -e "$TMP/stop.$n" ]; do
			if [ -n "$edu" ]; then
				echo 20 >"$EDU_DEBUGFS/$bdf/raise" 2>/dev/null || break
			else
				# shellcheck disable=SC2086 # a command and its arguments
				$MSI_TRAFFIC_CMD "$bdf" >/dev/null 2>&1 || break
			fi
		done
		rm -f "$TMP/running.$n"
	) &
}

traffic_stop() {
	: >"$TMP/stop.$TRAFFIC_N"
}

# traffic_wait: let every loop end (bounded)
traffic_wait() {
	local i=0
	while [ $i -lt 300 ]; do
		set -- "$TMP"/running.*
		[ -e "$1" ] || return 0
		nap 0.1
		i=$((i + 1))
	done
}

# use BDF: make BDF interrupt once after it came back (msi_use_device);
# prints what went wrong, or "none" when there is no way to make it
# interrupt and it took no interrupt of its own within 3 s
use() {
	local bdf="$1" before i=0 r
	# The driver link appears before the probe ran: the exerciser's
	# files come last
	while [ "$(pci_vd "$bdf")" = "$EDU_ID" ] && [ -d "$EDU_DEBUGFS" ] &&
	      [ ! -e "$EDU_DEBUGFS/$bdf/stats" ] && [ $i -lt 100 ]; do
		nap 0.1
		i=$((i + 1))
	done
	if has_edu "$bdf" || [ -n "${MSI_TRAFFIC_CMD:-}" ]; then
		r=$(msi_use_device "$bdf")
		case $? in
		0) ;;
		4) echo none ;;
		*) echo "$r" ;;
		esac
		return
	fi
	before=$(msi_irq_total "$bdf")
	i=0
	while [ $i -lt 30 ] && [ "$(msi_irq_total "$bdf")" -le "$before" ]; do
		nap 0.1
		i=$((i + 1))
	done
	[ "$(msi_irq_total "$bdf")" -gt "$before" ] || echo none
}

# dropped KEY N: the counter KEY of msi_usage fell by at least N from
# $pre to $gone
dropped() {
	[ $(($(msi_usage_get "$pre" "$1") - $(msi_usage_get "$gone" "$1"))) -ge "$2" ]
}

# cycle_device BDF DRIVER N: the cycles of one device
cycle_device() {
	local bdf="$1" drv="$2" n="$3" slot c=0 t0 i0 i w err live how gone0=""
	local pre gone now raw=0
	slot=$(slot_of "$bdf")
	# The raw x86 backend counts the vectors it holds
	[ "$(cat "$PCI_DEVICES/$bdf/msi_backend" 2>/dev/null)" != raw ] || raw=$n
	dev_problems=0
	t0=$(uptime_cs)
	while [ $c -lt "$CYCLES" ]; do
		c=$((c + 1))
		i0=$(msi_irq_total "$bdf")
		pre=$(msi_usage)
		live=0
		traffic_start "$bdf" && live=1
		# Interrupts must be flowing when the device goes
		w=0
		while [ $live = 1 ] && [ $w -lt 50 ] &&
		      [ "$(msi_irq_total "$bdf")" -le "$i0" ]; do
			nap 0.1
			w=$((w + 1))
		done
		[ $live = 0 ] || [ "$(msi_irq_total "$bdf")" -gt "$i0" ] ||
			fail "$bdf cycle $c: no interrupt before the unplug"
		if [ -n "${MSI_UNPLUG_CMD:-}" ]; then
			# shellcheck disable=SC2086 # a command and its arguments
			$MSI_UNPLUG_CMD "$bdf" "$slot" "$c" ||
				fail "$bdf cycle $c: MSI_UNPLUG_CMD exited with status $?"
		else
			echo 1 >"$PCI_DEVICES/$bdf/remove"
		fi
		if ! wait_gone "$bdf"; then
			traffic_stop
			fail "$bdf cycle $c: still on the bus after the unplug"
			break
		fi
		traffic_stop
		gone=$(msi_usage)
		gone0=${gone0:-$gone}
		# Each vector has a descriptor (not every one need be requested
		# and in /proc/interrupts)
		if ! dropped descs "$n" || { [ "$raw" != 0 ] && ! dropped raw "$raw"; }; then
			w=""
			[ "$raw" = 0 ] || w=", raw vectors \
$(msi_usage_get "$pre" raw) -> $(msi_usage_get "$gone" raw)"
			fail "$bdf cycle $c: its $n vectors did not all go with it \
(descriptors $(msi_usage_get "$pre" descs) -> $(msi_usage_get "$gone" descs)$w)"
		fi
		[ "$gone" = "$gone0" ] ||
			fail "$bdf cycle $c: usage without the device '$gone', \
in the first cycle '$gone0'"
		if [ -n "${MSI_REPLUG_CMD:-}" ]; then
			# shellcheck disable=SC2086 # a command and its arguments
			$MSI_REPLUG_CMD "$bdf" "$slot" "$c" ||
				fail "$bdf cycle $c: MSI_REPLUG_CMD exited with status $?"
		else
			echo 1 >"$PCI_RESCAN"
		fi
		if ! wait_bound "$bdf" "$n"; then
			fail "$bdf cycle $c: not back with $n vectors \
($(msi_vec_count "$bdf"), driver $(pci_driver "$bdf"))"
			break
		fi
		now=$(readlink -f "$PCI_DEVICES/$bdf/driver")
		[ "$now" = "$drv" ] ||
			fail "$bdf cycle $c: bound to $now, was $drv"
		err=$(use "$bdf")
		case $err in
		"") ;;
		none) : >"$TMP/idle.$bdf" ;;
		*) fail "$bdf cycle $c: $err" ;;
		esac
	done
	if [ -n "${MSI_UNPLUG_CMD:-}" ]; then
		how="slot $slot, MSI_UNPLUG_CMD/MSI_REPLUG_CMD"
	else
		how="sysfs remove/rescan"
	fi
	cycles=$((cycles + c))
	ktap_print_msg "figure: unplug $bdf (${drv##*/}, $n vectors, $how): \
$c cycles in $(( ($(uptime_cs) - t0) / 100 )) s, $dev_problems problem(s)"
	if [ -e "$TMP/idle.$bdf" ] && [ $dev_problems -eq 0 ] && [ "$c" -eq "$CYCLES" ]; then
		ktap_test_skip "$bdf ${drv##*/}: $c cycles of unplug and plug, \
back with $n vectors every time, took no interrupts after a plug (set MSI_TRAFFIC_CMD)"
		return
	fi
	[ $dev_problems -eq 0 ] && [ "$c" -eq "$CYCLES" ]
	msi_result "$bdf ${drv##*/}: $c of $CYCLES cycles of unplug and plug \
with live vectors, gone with its $n vectors released, back with $n and working every time" $?
}

cycles=0
t0=$(uptime_cs)
u0=$(msi_usage)
while read -r bdf drv n; do
	cycle_device "$bdf" "$drv" "$n" </dev/null
done <"$TMP/list"
traffic_stop
traffic_wait
u1=$(msi_usage)
ktap_print_msg "usage before: $u0"
ktap_print_msg "usage after: $u1"
get() {
	msi_usage_get "$1" "$2"
}
raw=""
[ -z "$(get "$u0" raw)" ] || raw=", raw vectors $(get "$u0" raw) -> $(get "$u1" raw)"
[ "$u0" = "$u1" ]
rc=$?
msi_result "vector usage after $cycles cycles as before the first \
(msi_irqs/ entries $(get "$u0" msi) -> $(get "$u1" msi), descriptors \
$(get "$u0" descs) -> $(get "$u1" descs), /proc/interrupts lines \
$(get "$u0" irqs) -> $(get "$u1" irqs)$raw)" $rc
ktap_print_msg "figure: hot-unplug cycles: $cycles on $k devices, leaks: \
$(msi_usage_diff "$u0" "$u1") usage counters changed, problems: $problems, \
$(( ($(uptime_cs) - t0) / 100 )) s"
[ "$problems" -eq 0 ]
msi_result "$cycles cycles on $k devices, $problems problem(s)${first:+, first: $first}" $?
ktap_finished
