#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Interrupt affinity of MSI vectors. Managed vectors (NVMe I/O queues,
# PCI_IRQ_AFFINITY) are spread one CPU each over all CPUs and delivered
# only there.
#
# With the QEMU edu device and its exerciser driver (the QEMU harness,
# msi_lib.sh) the edu interrupt, plain MSI without a mask bit (the hard
# case), is moved over the CPUs while the device keeps raising it, and
# none may be lost: MSI_AFFINITY_MOVES (1000) moves under traffic one
# interrupt at a time, then MSI_FLOOD_MOVES (2000) moves under the
# exerciser's free-running source, so that device writes land between
# the config writes of a move; on x86 no message may reach a vector
# without a handler. Then it is pinned to one CPU and must arrive
# exactly there. MSI_BACKEND=raw (the x86 raw backend of the ops core)
# also requires that backend's counters to show the moves and messages
# caught between the two steps of a move (the race window was hit):
# the window is two config writes wide and few device writes land in
# it by chance, so MSI_FLOOD_WIDE_MOVES (600) more moves run with the
# backend's split_delay_us set to MSI_FLOOD_WIDEN_US (2000) between
# the two steps, and the same no-loss checks cover them. While none of
# them has caught a message, another MSI_FLOOD_WIDE_MOVES follow, up to
# MSI_FLOOD_WIDE_ROUNDS (4) batches in all.
# Without the exerciser those checks are skipped; MSI_EDU_REQUIRED=1
# makes its absence a failure instead.

DIR=$(dirname "$0")
. "$DIR/../../kselftest/ktap_helpers.sh"
. "$DIR/msi_lib.sh"

MOVES=${MSI_AFFINITY_MOVES:-1000}
FLOOD_MOVES=${MSI_FLOOD_MOVES:-2000}
FLOOD_MAX=${MSI_FLOOD_MAX:-$FLOOD_MAX}
WIDE_MOVES=${MSI_FLOOD_WIDE_MOVES:-600}
WIDEN_US=${MSI_FLOOD_WIDEN_US:-2000}
WIDE_ROUNDS=${MSI_FLOOD_WIDE_ROUNDS:-4}
# nap without a process where the shell's read has a fractional timeout
if [ -n "${BASH_VERSION:-}" ] || readlink "/proc/$$/exe" | grep -q busybox; then
	NAP_FIFO=$(mktemp -u)
fi
STOP=$(mktemp -u)
bdf=$(edu_first)
traffic=""
trap '[ -z "$traffic" ] || { : >"$STOP"; wait "$traffic"; }
	[ -z "$bdf" ] || flood_stop "$bdf" 2>/dev/null
	[ ! -w "$MSI_RAW_SPLIT_DELAY" ] || echo 0 >"$MSI_RAW_SPLIT_DELAY"
	rm -f "$STOP" ${NAP_FIFO:+"$NAP_FIFO"}' EXIT

ncpu=$(awk -F , '{
	for (i = 1; i <= NF; i++) n += split($i, r, "-") == 2 ? r[2] - r[1] + 1 : 1
} END { print n }' "$CPU_SYSFS/online")
nvme=""
for d in "$PCI_DEVICES"/*; do
	[ "$(pci_driver "${d##*/}")" = nvme ] && nvme=${d##*/} && break
done

ktap_print_header
if [ -z "$bdf" ] && [ -z "$nvme" ] && [ "${MSI_EDU_REQUIRED:-0}" != 1 ]; then
	ktap_skip_all "neither an NVMe controller nor the QEMU edu device with its exerciser"
	exit "$KSFT_SKIP"
fi
plan=6
[ "$MSI_BACKEND" != raw ] || plan=$((plan + 1))
[ "$(uname -m)" != x86_64 ] || plan=$((plan + 1))
[ -z "$nvme" ] || plan=$((plan + 1))
ktap_set_plan "$plan"

# edu_missing DESCRIPTION...: the checks that need the absent exerciser
edu_missing() {
	local d
	for d in "$@"; do
		if [ "${MSI_EDU_REQUIRED:-0}" = 1 ]; then
			ktap_test_fail "$d: no edu device with the exerciser driver ($EDU_DEBUGFS)"
		else
			ktap_test_skip "$d: needs the QEMU edu device and its exerciser"
		fi
	done
}

# edu_verdict WHAT: everything raised arrived, and something was
edu_verdict() {
	local raised received lost
	raised=$(edu_stat "$bdf" raised)
	received=$(edu_stat "$bdf" received)
	lost=$(edu_stat "$bdf" lost)
	is_num "$raised" && [ "$raised" -gt 0 ] &&
		[ "$received" = "$raised" ] && [ "$lost" = 0 ]
	msi_result "$1: edu $bdf received $received of $raised raised, lost $lost" $?
}

# flood: FLOOD_MOVES moves over CPUs 1 and up (all CPUs with fewer than
# 3) while the free-running source raises from CPU 0. On x86 a move of
# an MSI without a mask bit rewrites address and data one after the
# other, in the interrupt's flow on its old CPU; device writes keep
# coming in between, and a message made of the new address and the old
# data reaches a vector that is not this interrupt's. The raw backend
# rewrites the data first, catches what arrives in between on its own
# CPU, and counts it: that counter shows that the window was hit. With
# the raw backend's split_delay_us, WIDE_MOVES more moves follow with
# that window widened, so that the count does not depend on luck. A
# catch still needs a raise in flight when the move starts (the move
# runs in the acknowledge of edu's own interrupt, and the source waits
# for that interrupt after each burst), so on a loaded host further
# batches follow while none has caught.
flood() {
	local first=1 n i cpu bad=0 slow=0 nh0 u0 t0 be m0 s0 c0 r0 m s c r
	local wide=0 moves=$FLOOD_MOVES cw=0 sw=0
	[ "$ncpu" -ge 3 ] || first=0
	n=$((ncpu - first))
	nh0=$(no_handler_count)
	u0=$(unhandled_others "$irq")
	m0=$(msi_raw_stat moves) s0=$(msi_raw_stat split_moves) c0=$(msi_raw_stat caught)
	r0=$(msi_raw_stat remote_moves)
	if ! flood_start "$bdf" 0; then
		ktap_test_fail "free-running: cannot start the source of edu $bdf on CPU 0"
		ktap_test_fail "free-running: no source, no moves"
		[ "$(uname -m)" != x86_64 ] || ktap_test_fail "free-running: no source"
		ktap_test_fail "free-running: no source, no race window"
		return
	fi
	if [ "$MSI_BACKEND" = raw ] && [ "$WIDE_MOVES" -gt 0 ] &&
	   [ -w "$MSI_RAW_SPLIT_DELAY" ]; then
		wide=$WIDE_MOVES
		moves=$((FLOOD_MOVES + wide))
	fi
	t0=$(uptime_cs)
	i=0
	while [ $i -lt $moves ]; do
		if [ $i -eq "$FLOOD_MOVES" ]; then
			c=$(msi_raw_stat caught) s=$(msi_raw_stat split_moves)
			echo "$WIDEN_US" >"$MSI_RAW_SPLIT_DELAY"
		fi
		cpu=$((first + i % n))
		if ! set_affinity "$irq" $cpu 2>/dev/null; then
			bad=$((bad + 1))
		elif ! move_wait "$irq" $cpu; then
			slow=$((slow + 1))
		fi
		i=$((i + 1))
		if [ $i -eq $moves ] && [ $wide -gt 0 ] &&
		   [ $wide -lt $((WIDE_MOVES * WIDE_ROUNDS)) ] &&
		   [ "$(msi_raw_stat caught)" = "$c" ]; then
			wide=$((wide + WIDE_MOVES))
			moves=$((moves + WIDE_MOVES))
		fi
	done
	if [ $wide -gt 0 ]; then
		echo 0 >"$MSI_RAW_SPLIT_DELAY"
		cw=$(($(msi_raw_stat caught) - c)) sw=$(($(msi_raw_stat split_moves) - s))
	fi
	flood_stop "$bdf"
	t0=$(($(uptime_cs) - t0))
	msi_result "free-running: $moves writes to $PROC_IRQ/$irq/smp_affinity \
over CPUs $first-$((ncpu - 1)) in $((t0 / 100)).$((t0 / 10 % 10))s, source on \
CPU 0, $bad refused, $slow not carried out within 0.1s" $bad
	bursts=$(edu_stat "$bdf" bursts)
	lost=$(edu_stat "$bdf" bursts_lost)
	is_num "$bursts" && [ "$bursts" -gt 0 ] && [ "$lost" = 0 ]
	rc=$?
	msi_result "free-running: under $moves moves: edu $bdf free-running: \
$bursts bursts of 1-$FLOOD_MAX raises ($(edu_stat "$bdf" raised) raised, \
$(edu_stat "$bdf" received) handler runs, $(edu_stat "$bdf" spurious) spurious), \
$lost whose last interrupt never arrived" $rc
	if [ "$(uname -m)" = x86_64 ]; then
		n=$(($(no_handler_count) - nh0))
		[ $n -eq 0 ] ||
			ktap_print_msg "last: $(dmesg | grep 'No irq handler for' | tail -n 1)"
		[ $n -eq 0 ]
		msi_result "free-running: $n message(s) reached a vector with no \
handler ('No irq handler for' in the kernel log)" $?
	fi
	# x86 irqdomain (upstream): msi_set_affinity() rewrites in one
	# step when IRQD_CAN_RESERVE is clear
	ktap_print_msg "free-running: irq $irq: $(irq_debug "$irq")"
	ktap_print_msg "free-running: $(($(unhandled_others "$irq") - u0)) handler \
runs of other interrupts found nothing to do meanwhile"

	m=$(msi_raw_stat moves) s=$(msi_raw_stat split_moves) c=$(msi_raw_stat caught)
	r=$(msi_raw_stat remote_moves)
	if is_num "$m0" && is_num "$m"; then
		m=$((m - m0)) s=$((s - s0)) c=$((c - c0)) r=$((r - r0))
	else
		m=-
	fi
	if [ "$MSI_BACKEND" = raw ]; then
		[ "$m" != - ] && [ "$s" -gt 0 ] && [ "$c" -gt 0 ] && [ "$r" -eq 0 ] &&
			{ [ $wide -eq 0 ] || { [ $sw -gt 0 ] && [ $cw -gt 0 ]; }; }
		rc=$?
		be=""
		[ $wide -eq 0 ] || be=" ($cw of them in the last $wide moves, \
$sw in two steps, with $WIDEN_US us between the steps)"
		msi_result "free-running: the raw backend moved the vector $m times, \
$s in two steps ($r of them not on the old CPU), and caught $c message(s) \
between the steps$be (the race window was hit)" $rc
	else
		be=$(cat "$PCI_DEVICES/$bdf/msi_backend" 2>/dev/null)
		if [ -n "$be" ]; then
			be="backend $be"
		else
			be="a kernel without MSI backends (no msi_backend in sysfs)"
		fi
		[ "$m" = - ] || ktap_print_msg "free-running: raw backend: $m moves, \
$s in two steps, $c caught"
		ktap_test_skip "free-running: race window hits not counted: only the \
x86 raw backend counts them (msi_raw stats, MSI_BACKEND=raw), edu $bdf is \
served by $be"
	fi
}

if [ -n "$bdf" ]; then
	irq=$(cat "$EDU_DEBUGFS/$bdf/irq")
	m0=$(msi_raw_stat moves) s0=$(msi_raw_stat split_moves) c0=$(msi_raw_stat caught)

	# Traffic one interrupt at a time, a few raises per write
	rm -f "$STOP"
	echo 1 >"$EDU_DEBUGFS/$bdf/reset"
	(
		while [ ! -e "$STOP" ]; do
			echo 20 >"$EDU_DEBUGFS/$bdf/raise" 2>/dev/null || break
		done
	) &
	traffic=$!
	bad=0 i=0
	while [ $i -lt "$MOVES" ]; do
		set_affinity "$irq" $((i % ncpu)) 2>/dev/null || bad=$((bad + 1))
		i=$((i + 1))
	done
	: >"$STOP"
	wait "$traffic"
	traffic=""
	msi_result "$MOVES writes to $PROC_IRQ/$irq/smp_affinity over $ncpu CPUs, $bad refused" $bad
	edu_verdict "under $MOVES moves"
	if is_num "$m0"; then
		ktap_print_msg "raw backend moved vectors $(($(msi_raw_stat moves) - m0)) \
times, $(($(msi_raw_stat split_moves) - s0)) in two steps, \
$(($(msi_raw_stat caught) - c0)) messages caught in between"
	fi
	if [ "$MSI_BACKEND" = raw ]; then
		is_num "$m0" && [ "$(msi_raw_stat moves)" -gt "$m0" ]
		rc=$?
		msi_result "the raw backend carried out the moves \
(moves $m0 -> $(msi_raw_stat moves))" $rc
	fi

	flood

	# A move is carried out when the interrupt next arrives, and only
	# once the vector domain has cleaned up after the previous move
	# (until then each arrival tries again): raise until it is done,
	# where the kernel shows the effective affinity.
	last=$((ncpu - 1))
	set_affinity "$irq" $last
	echo 5 >"$EDU_DEBUGFS/$bdf/raise"
	i=0
	while ! effective_is "$irq" $last && [ $i -lt 200 ]; do
		echo 1 >"$EDU_DEBUGFS/$bdf/raise"
		i=$((i + 1))
	done
	[ $i -eq 0 ] || ktap_print_msg "the move to CPU $last took $i more interrupts"
	before=$(irq_count "$irq" $last)
	echo 100 >"$EDU_DEBUGFS/$bdf/raise"
	after=$(irq_count "$irq" $last)
	eff=$(effective_cpu "$irq")
	effective_is "$irq" $last && [ $((after - before)) -eq 100 ]
	msi_result "pinned to CPU $last, effective CPU ${eff:-not shown}, \
$((after - before)) of 100 interrupts counted there" $?
else
	set -- "moves under interrupts one at a time" "every interrupt arrives under those moves"
	[ "$MSI_BACKEND" != raw ] || set -- "$@" "the raw backend carries out the moves"
	set -- "$@" "moves under the free-running source" "no burst lost under those moves"
	[ "$(uname -m)" != x86_64 ] ||
		set -- "$@" "no message reaches a vector without a handler during those moves"
	set -- "$@" "race window hits counted" "a pinned interrupt arrives on its CPU only"
	edu_missing "$@"
fi

# Managed vectors: the NVMe driver asks for its I/O queue vectors with
# PCI_IRQ_AFFINITY; with at least as many queues as CPUs they are spread
# one CPU each over all CPUs, with fewer those spread to one CPU each
# have a CPU of their own, and all must be delivered there.
if [ -n "$nvme" ]; then
	cpus="" bad=0 k=0
	queues=$(($(msi_vec_count "$nvme") - 1))
	for irq in $(msi_irqs_of "$nvme"); do
		aff=$(cat "$PROC_IRQ/$irq/smp_affinity_list" 2>/dev/null)
		case $aff in
		'' | *[-,]*) continue ;;	# not spread to one CPU: admin queue
		esac
		if ! effective_is "$irq" "$aff" ||
		   [ "$(irq_count "$irq" "$aff" elsewhere)" -ne 0 ]; then
			bad=$((bad + 1))
		fi
		cpus="$cpus $aff"
		k=$((k + 1))
	done
	# shellcheck disable=SC2086 # one CPU a word
	n=$(printf '%s\n' $cpus | sort -u | grep -c .)
	want=$k
	[ "$queues" -lt "$ncpu" ] || want=$ncpu
	[ "$n" -eq "$want" ] && [ "$n" -eq "$k" ] && [ $bad -eq 0 ]
	msi_result "NVMe $nvme managed vectors on CPUs$cpus ($n distinct of \
$ncpu CPUs, $queues I/O queues), $bad delivered elsewhere" $?
fi
ktap_finished
