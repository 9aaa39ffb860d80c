#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Suspend and resume with every MSI device bound: after each resume
# every device takes interrupts again, the MSI messages in config space
# are the ones the kernel set up (x86), the vector usage (msi_usage) is
# what it was before the suspend, and with the ops core's x86 raw
# backend its ->restore() ran.
#
# Suspending a machine unasked is rude: nothing happens unless
# MSI_SUSPEND_MODES names the sleep states to try, in order ("freeze"
# for suspend to idle; "deep", "s2idle" or "shallow" for suspend to RAM
# with that mem_sleep; "standby"), MSI_SUSPEND_CYCLES times each (3).
# A state the machine does not offer is skipped.
#
# Wakeup: by default the RTC alarm (/sys/class/rtc/rtc0/wakealarm), set
# MSI_SUSPEND_WAKE_SECONDS (10) ahead. Where something else must wake
# the machine (a test harness, a BMC), MSI_SUSPEND_WAKE_CMD runs as
# "MSI_SUSPEND_WAKE_CMD MODE CYCLE" just before each suspend and as
# "MSI_SUSPEND_WAKE_CMD MODE CYCLE resumed" once the machine is back;
# the RTC alarm then only keeps a lost wakeup from hanging the test (30
# s). A suspend to idle that an early wakeup event aborts (the write to
# /sys/power/state fails) is tried again, up to 3 times.
#
# Interrupts after resume: the QEMU edu device's exerciser (msi_lib.sh)
# raises 50 and all must arrive; for other devices MSI_TRAFFIC_CMD,
# where set, runs as "MSI_TRAFFIC_CMD BDF" to make the device interrupt
# (as in msi_reset.sh) and must succeed with interrupts taken; without
# it the test waits a few seconds for interrupts and reports, but does
# not fail, the devices that took none. Bridges (PCIe ports) take
# interrupts only for events, and are left out of that check.
#
# MSI_BACKEND=raw (or a device served by the raw backend, msi_backend in
# sysfs) requires the raw backend's ->restore() count
# (/sys/kernel/debug/msi_raw/stats) to grow in every cycle.

DIR=$(dirname "$0")
. "$DIR/../../kselftest/ktap_helpers.sh"
. "$DIR/msi_lib.sh"

POWER=${MSI_SYS_POWER:-/sys/power}
WAKEALARM=${MSI_RTC_WAKEALARM:-/sys/class/rtc/rtc0/wakealarm}
IRQ_DEBUGFS=${MSI_IRQ_DEBUGFS:-/sys/kernel/debug/irq/irqs}
CPUINFO=${MSI_CPUINFO:-/proc/cpuinfo}
CYCLES=${MSI_SUSPEND_CYCLES:-3}
WAKE_S=${MSI_SUSPEND_WAKE_SECONDS:-10}

# alarm_set SECONDS: arm the RTC alarm SECONDS ahead (0: disarm)
alarm_set() {
	[ -w "$WAKEALARM" ] || return 0
	echo 0 >"$WAKEALARM" 2>/dev/null
	[ "$1" -eq 0 ] || echo "+$1" >"$WAKEALARM" 2>/dev/null
}

# mode_how MODE: "state" when MODE is written to /sys/power/state as it
# is, "mem" when it is a mem_sleep choice, nothing when neither
# (STATES and MEM_SLEEP: the files as the test found them)
mode_how() {
	[ "$1" != mem ] || return 0
	if echo "$STATES" | grep -qw -- "$1"; then
		echo state
	elif echo "$STATES" | grep -qw mem &&
	     echo "$MEM_SLEEP" | grep -qw -- "$1"; then
		echo mem
	fi
}

# sleep_once MODE: one write to /sys/power/state; its status
sleep_once() {
	if [ "$(mode_how "$1")" = mem ]; then
		echo "$1" >"$POWER/mem_sleep" && echo mem >"$POWER/state"
	else
		echo "$1" >"$POWER/state"
	fi
}

# wake_cmd ARGS: MSI_SUSPEND_WAKE_CMD ARGS, its output kept out of KTAP
wake_cmd() {
	[ -n "$MSI_SUSPEND_WAKE_CMD" ] || return 0
	# shellcheck disable=SC2086 # a command and its arguments
	$MSI_SUSPEND_WAKE_CMD "$@" >&2
}

# msi_devices: the devices whose vectors are MSI (not MSI-X: the MSI-X
# table is in a BAR, not in config space)
msi_devices() {
	local bdf
	msi_bound | while read -r bdf _ _; do
		[ "$(msi_mode "$bdf")" = msi ] && echo "$bdf"
	done
}

# msg_check BDF: the message in BDF's MSI capability is the one the
# kernel set up for its first vector: address 0xfeeXX000 with XX the
# APIC ID of its target CPU, data its vector (the vector domain's view
# in debugfs). Status 0 and nothing printed when it is; 1 and both
# printed when not; 4 and the reason when it cannot be told here. (Not
# the message of before the suspend: S3 takes the other CPUs offline,
# which moves their interrupts.)
msg_check() {
	local irq msg addr data vec cpu apic
	irq=$(msi_irqs_of "$1" | sort -n | head -n 1)
	if [ ! -r "$IRQ_DEBUGFS/$irq" ]; then
		echo "no $IRQ_DEBUGFS/$irq (CONFIG_GENERIC_IRQ_DEBUGFS, debugfs)"
		return 4
	fi
	vec=$(awk '$1 == "Vector:" && v == "" { v = $2 }
		$1 == "Target:" && t == "" { t = $2 }
		END { print v, t }' "$IRQ_DEBUGFS/$irq")
	cpu=${vec#* } vec=${vec% *}
	msg=$(msi_msg "$PCI_DEVICES/$1/config")
	addr=${msg% *} data=${msg#* }
	case "$vec.$cpu.$addr.$data" in
	*[!0-9.]* | *..* | .* | *.)
		echo "$1 irq $irq: no vector and CPU in debugfs ('$vec' '$cpu') \
or no MSI message in config space ('$msg')"
		return 4 ;;
	esac
	if [ $((addr & 0x10)) -ne 0 ]; then
		echo "$1 irq $irq: a message in interrupt remapping format"
		return 4
	fi
	apic=$(awk -v c="$cpu" '$1 == "processor" { p = $3 }
		$1 == "apicid" && p == c { print $3; exit }' "$CPUINFO")
	if [ -z "$apic" ] || [ "$apic" -gt 255 ]; then
		echo "$1 irq $irq: no APIC ID of 8 bits for CPU $cpu in $CPUINFO ('$apic')"
		return 4
	fi
	if [ $((addr & 0xfff00000)) -ne $((0xfee00000)) ] ||
	   [ $((data & 255)) -ne "$vec" ] || [ $(((addr >> 12) & 255)) -ne "$apic" ]; then
		echo "$1 irq $irq: MSI address $(printf %x "$addr") data \
$(printf %x "$data") in config space, the kernel has vector $vec on CPU \
$cpu (APIC ID $apic)"
		return 1
	fi
}

# fail WHAT: count a problem of the current mode, list the first five
fail() {
	FAILS=$((FAILS + 1))
	[ -n "$FIRST" ] || FIRST=$1
	[ "$FAILS" -gt 5 ] || ktap_print_msg "problem: $1"
}

# msgfail WHAT: the same for the MSI message check
msgfail() {
	MSGFAILS=$((MSGFAILS + 1))
	[ -n "$MSGFIRST" ] || MSGFIRST=$1
	[ "$MSGFAILS" -gt 5 ] || ktap_print_msg "problem: $1"
}

# cycle MODE N: one suspend and resume and the checks after it
cycle() {
	local mode=$1 c=$2 what="$1 $2" r0 r1 u0 u1 rc tries=0 t0 bdf err quiet t1
	r0=$(msi_raw_stat restores)
	u0=$(msi_usage)
	while :; do
		tries=$((tries + 1))
		if [ -n "$MSI_SUSPEND_WAKE_CMD" ]; then
			alarm_set 30
		else
			alarm_set "$WAKE_S"
		fi
		wake_cmd "$mode" "$c"
		t0=$(uptime_cs)
		sleep_once "$mode"
		rc=$?
		TIME=$((TIME + $(uptime_cs) - t0))
		wake_cmd "$mode" "$c" resumed
		alarm_set 0
		if [ $rc -eq 0 ] || [ "$mode" != freeze ] || [ $tries -ge 3 ]; then
			break
		fi
		RETRIES=$((RETRIES + 1))
	done
	[ $rc -eq 0 ] || fail "$what: the write to $POWER/state failed ($rc, $tries tries)"
	r1=$(msi_raw_stat restores)
	if [ -n "$RAW" ]; then
		case "$r0.$r1" in
		*[!0-9.]* | .* | *.) r1=- ;;
		esac
		if [ "$r1" = - ] || [ $((r1 - r0)) -lt 1 ]; then
			fail "$what: the raw backend's ->restore() did not run ($r0 -> $r1)"
		fi
		[ "$r1" = - ] || RESTORES="$RESTORES $((r1 - r0))"
	fi
	if [ -n "$MSGCHECK" ]; then
		for bdf in $(msi_devices); do
			err=$(msg_check "$bdf") || msgfail "$what: $err"
		done
	fi
	# Interrupts: every device that something here can make interrupt,
	# then a wait for the others
	: >"$QUIET"
	for bdf in $(msi_bound | cut -d ' ' -f 1); do
		t1=$(msi_irq_total "$bdf")
		err=$(msi_use_device "$bdf")
		case $? in
		0) ;;
		4) echo "$bdf $t1 $err" >>"$QUIET" ;;
		*) fail "$what: $err" ;;
		esac
	done
	quiet=$(quiet_wait)
	[ -z "$quiet" ] || NOIRQ="$quiet"
	u1=$(msi_usage)
	[ "$u0" = "$u1" ] ||
		fail "$what: usage after resume '$u1', before '$u0'"
	DONE=$((DONE + 1))
}

# quiet_wait: wait (5 s at most) for interrupts on the devices in
# $QUIET that are no bridge; print those that took none
quiet_wait() {
	local bdf t err i=0 left
	while :; do
		left=""
		while read -r bdf t err; do
			case $err in
			*bridge*) continue ;;
			esac
			[ "$(msi_irq_total "$bdf")" -gt "$t" ] || left="$left $bdf"
		done <"$QUIET"
		if [ -z "$left" ] || [ $i -ge 50 ]; then
			break
		fi
		sleep 0.1
		i=$((i + 1))
	done
	echo "${left# }"
}

ktap_print_header
if [ -z "$MSI_SUSPEND_MODES" ]; then
	ktap_skip_all "MSI_SUSPEND_MODES names no sleep state to try (e.g. \"freeze deep\")"
	exit "$KSFT_SKIP"
fi
if [ ! -w "$POWER/state" ]; then
	ktap_skip_all "$POWER/state is not writable (not root?)"
	exit "$KSFT_SKIP"
fi
if [ -z "$MSI_SUSPEND_WAKE_CMD" ] && [ ! -w "$WAKEALARM" ]; then
	ktap_skip_all "no RTC alarm to wake the machine ($WAKEALARM) and no MSI_SUSPEND_WAKE_CMD"
	exit "$KSFT_SKIP"
fi
STATES=$(cat "$POWER/state" 2>/dev/null)
MEM_SLEEP=$(cat "$POWER/mem_sleep" 2>/dev/null)
case $CYCLES in
'' | *[!0-9]*) CYCLES=3 ;;
esac
bound=$(msi_bound)
ndev=$(echo "$bound" | grep -c .)
if [ "$ndev" -eq 0 ]; then
	ktap_skip_all "no device has a driver and MSI vectors"
	exit "$KSFT_SKIP"
fi
QUIET=$(mktemp)
trap 'alarm_set 0; rm -f "$QUIET"' EXIT

RAW=""
[ "$MSI_BACKEND" != raw ] || RAW=1
for bdf in $(echo "$bound" | cut -d ' ' -f 1); do
	[ "$(cat "$PCI_DEVICES/$bdf/msi_backend" 2>/dev/null)" != raw ] ||
		[ ! -r "$MSI_RAW_STATS" ] || RAW=1
done
MSGCHECK="" why=""
case $(uname -m) in
x86_64 | i?86)
	if [ -z "$(msi_devices)" ]; then
		why="no bound device uses MSI (the MSI-X table is not in config space)"
	else
		MSGCHECK=1
	fi ;;
*) why="the MSI message layout is known here for x86 only ($(uname -m))" ;;
esac

list=$(echo "$bound" | while read -r bdf drv n; do
	printf '%s %s(%s) ' "$bdf" "${drv##*/}" "$n"
done)
ktap_print_msg "$ndev devices with MSI vectors: $list"
if [ -n "$MSGCHECK" ]; then
	for bdf in $(msi_devices); do
		err=$(msg_check "$bdf")
		case $? in
		0) err="message as the kernel set it up" ;;
		4) MSGCHECK="" why=$err ;;
		esac
		ktap_print_msg "MSI device $bdf before: $err"
	done
fi

n=0
for mode in $MSI_SUSPEND_MODES; do
	n=$((n + 2))
done
ktap_set_plan "$n"
for mode in $MSI_SUSPEND_MODES; do
	if [ -z "$(mode_how "$mode")" ]; then
		why_mode="$mode: not offered here (state: ${STATES:-?}; mem_sleep: ${MEM_SLEEP:-?})"
		ktap_test_skip "$why_mode"
		ktap_test_skip "$why_mode"
		continue
	fi
	FAILS=0 FIRST="" MSGFAILS=0 MSGFIRST="" DONE=0 TIME=0 RETRIES=0
	RESTORES="" NOIRQ=""
	c=0
	while [ $c -lt "$CYCLES" ]; do
		c=$((c + 1))
		cycle "$mode" "$c"
	done
	[ -z "$NOIRQ" ] ||
		ktap_print_msg "$mode: took no interrupts after a resume, with \
nothing to make them interrupt (set MSI_TRAFFIC_CMD): $NOIRQ"
	ktap_print_msg "figure: suspend $mode cycles: $DONE, $((TIME / 100)) s \
asleep and back, raw ->restore() calls per cycle:${RESTORES:- (no raw backend)}, \
retries of an aborted suspend: $RETRIES, problems: $((FAILS + MSGFAILS))"
	msi_result "$DONE cycles of $mode with $ndev MSI devices bound: every \
device works after resume, vector usage as before${RAW:+, ->restore() ran}; \
$FAILS problem(s)${FIRST:+, first: $FIRST}" "$FAILS"
	if [ -n "$MSGCHECK" ]; then
		msi_result "$mode: MSI messages in config space as the kernel set \
them up after each of $DONE resumes ($(msi_devices | grep -c .) MSI devices); \
$MSGFAILS problem(s)${MSGFIRST:+, first: $MSGFIRST}" "$MSGFAILS"
	else
		ktap_test_skip "$mode: MSI messages in config space not checked: $why"
	fi
done
ktap_finished
