#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Everything at once, for MSI_LOAD_SECONDS (30) seconds: every device
# carries traffic (direct reads of every NVMe namespace, the free-running
# source of the QEMU edu exerciser where bound, "MSI_TRAFFIC_CMD BDF" in a
# loop for the other devices where set) while another loop moves all
# their interrupts round the CPUs and a third unbinds and binds the
# devices of MSI_TEST_DEVICES. Nothing may be lost where the protocol
# tells: the last edu interrupt of every burst arrives, no NVMe read
# fails or times out, no device's traffic stalls (two failed runs of
# MSI_TRAFFIC_CMD in a row or a failed last one; single failures are
# counted and the first one's output shown), every bind gets its vectors
# (and a USB controller its USB device) back, no message reaches a vector
# without a handler (x86), and the vector usage after the run is the
# usage before it.
#
# Unbinding takes a device away: only the devices in MSI_TEST_DEVICES
# (BDFs separated by spaces, or "all") are unbound and bound in a loop,
# and only those in MSI_LOAD_UNBIND (BDFs or "all") around the usage
# readings before and after the run. Bound, the vector domain keeps the
# old vector of an interrupt that was moved and has not fired since, so
# the usage is only compared when MSI_LOAD_UNBIND names every device
# under load; otherwise that check is skipped. Interrupt affinities are
# restored at the end. Without NVMe, edu exerciser, MSI_TRAFFIC_CMD and
# MSI_TEST_DEVICES there is nothing to load and the test is skipped;
# MSI_EDU_REQUIRED=1 (the QEMU harness) makes a missing exerciser fail.
# The kselftest runner's timeout (settings) covers MSI_LOAD_SECONDS up
# to about 200; beyond, raise it (run_kselftest.sh --override-timeout).

DIR=$(dirname "$0")
. "$DIR/../../kselftest/ktap_helpers.sh"
. "$DIR/msi_lib.sh"

LOAD_S=${MSI_LOAD_SECONDS:-30}
FLOOD_MAX=${MSI_FLOOD_MAX:-$FLOOD_MAX}
UNBIND=${MSI_LOAD_UNBIND:-}
SYS_BLOCK=${MSI_SYS_BLOCK:-/sys/block}
T=$(mktemp -d)
# nap without a process where the shell's read has a fractional timeout
if [ -n "${BASH_VERSION:-}" ] || readlink "/proc/$$/exe" | grep -q busybox; then
	NAP_FIFO=$T/nap
	mkfifo "$NAP_FIFO"	# before the loops that share it
fi
edu=""
cleanup() {
	: >"$T/stop"
	wait
	[ -z "$edu" ] || flood_stop "$edu" 2>/dev/null
	# restore the affinities the moves changed
	[ ! -s "$T/affinity" ] || while read -r irq mask; do
		echo "$mask" >"$PROC_IRQ/$irq/smp_affinity" 2>/dev/null
	done <"$T/affinity"
	rm -rf "$T"
}
trap cleanup EXIT

stopped() {
	[ -e "$T/stop" ]
}

# listed LIST BDF: LIST (BDFs, or "all") names BDF
listed() {
	case " $1 " in
	" all "|*" $2 "*) return 0 ;;
	esac
	return 1
}

# field FILE N: field N of a loop's result, "?" without one
field() {
	local v
	v=$(cut -d ' ' -f "$2" "$1" 2>/dev/null)
	echo "${v:-?}"
}

nvme_timeouts() {
	dmesg 2>/dev/null | grep -c 'nvme.*timeout'
}

# usb_children BDF: USB devices (not root hubs, not interfaces) below
# the controller BDF
usb_children() {
	local d
	for d in "$PCI_DEVICES/$1"/usb*/[0-9]*-*; do
		case ${d##*/} in
		*:*) continue ;;
		esac
		[ -e "$d" ] && echo "${d##*/}"
	done
}

# usb_wait BDF: wait (bounded, 20 s) for a USB device below BDF
usb_wait() {
	local i=0
	while [ -z "$(usb_children "$1")" ]; do
		[ $i -ge 200 ] && return 1
		nap 0.1
		i=$((i + 1))
	done
}

# nvme_loop: direct reads at moving offsets of every NVMe namespace;
# "reads failures" to $T/nvme
nvme_loop() {
	local b reads=0 fails=0 skip=0
	while ! stopped; do
		for b in "$SYS_BLOCK"/nvme*; do
			[ -e "$b" ] || continue
			if timeout 60 dd if="/dev/${b##*/}" of=/dev/null bs=4k \
				count=32 skip=$skip iflag=direct 2>/dev/null; then
				reads=$((reads + 1))
			else
				fails=$((fails + 1))
			fi
		done
		skip=$(((skip + 4099) % 65536))
	done
	echo "$reads $fails" >"$T/nvme"
}

# traffic_loop BDF: MSI_TRAFFIC_CMD BDF over and over; "runs failures
# longest-run-of-failures last-failed" to $T/traffic.BDF, the output of
# the first failed run to $T/fail.BDF
traffic_loop() {
	local n=0 fails=0 run=0 longest=0 last=0
	while ! stopped; do
		if $MSI_TRAFFIC_CMD "$1" >"$T/out.$1" 2>&1; then
			n=$((n + 1))
			run=0 last=0
		else
			fails=$((fails + 1))
			run=$((run + 1)) last=1
			[ $run -le $longest ] || longest=$run
			[ -e "$T/fail.$1" ] || cp "$T/out.$1" "$T/fail.$1"
		fi
	done
	echo "$n $fails $longest $last" >"$T/traffic.$1"
}

# moves_loop IRQ...: move the interrupts round the CPUs; "moves
# refused" to $T/moves (managed interrupts refuse, -EIO)
moves_loop() {
	local ncpu irq i=0 moves=0 refused=0
	ncpu=$(nproc)
	while ! stopped; do
		for irq in "$@"; do
			if set_affinity "$irq" $(((i + irq) % ncpu)) 2>/dev/null; then
				moves=$((moves + 1))
			else
				refused=$((refused + 1))
			fi
		done
		i=$((i + 1))
		nap 0.005
	done
	echo "$moves $refused" >"$T/moves"
}

# rebind_loop: unbind and bind the devices of $T/churn; "rounds
# problems first-problem" to $T/rebind
rebind_loop() {
	local rounds=0 fails=0 first="" bdf drv n usb
	while ! stopped; do
		while read -r bdf drv n usb; do
			echo "$bdf" >"$drv/unbind" 2>/dev/null
			if [ "$(msi_vec_count "$bdf")" -ne 0 ]; then
				fails=$((fails + 1))
				first=${first:-"$bdf kept vectors after unbind"}
			fi
			echo "$bdf" >"$drv/bind" 2>/dev/null
			if ! msi_wait_vectors "$bdf" "$n"; then
				fails=$((fails + 1))
				first=${first:-"$bdf: $(msi_vec_count "$bdf") vectors after bind, \
wanted $n"}
			elif [ "$usb" = usb ] && ! usb_wait "$bdf"; then
				fails=$((fails + 1))
				first=${first:-"$bdf: no USB device within 20 s of the bind"}
			fi
		done <"$T/churn"
		rounds=$((rounds + 1))
	done
	echo "$rounds $fails $first" >"$T/rebind"
}

# total: interrupts so far of all MSI vectors of the devices with traffic
total() {
	local bdf s=0
	for bdf in $bdfs; do
		s=$((s + $(msi_irq_total "$bdf")))
	done
	echo $s
}

# usage: msi_usage with the devices of $T/unbind unbound, then bound
# again (network interfaces up again)
usage() {
	local bdf drv n nif i
	while read -r bdf drv n; do
		echo "$bdf" >"$drv/unbind" 2>/dev/null
	done <"$T/unbind"
	msi_usage
	while read -r bdf drv n; do
		echo "$bdf" >"$drv/bind" 2>/dev/null
		msi_wait_vectors "$bdf" "$n"
	done <"$T/unbind"
	while read -r bdf drv n; do
		nif=$(netif_of "$bdf")
		[ -n "$nif" ] || continue
		ip link set dev "$nif" up 2>/dev/null
		i=0
		while [ "$(cat "/sys/class/net/$nif/carrier" 2>/dev/null)" != 1 ] &&
		      [ $i -lt 50 ]; do
			nap 0.1
			i=$((i + 1))
		done
	done <"$T/unbind"
}

ktap_print_header

msi_bound >"$T/bound"
# The devices that churn, with "usb" for USB controllers with a device
: >"$T/churn"
if [ -n "${MSI_TEST_DEVICES:-}" ]; then
	msi_opted_in | while read -r bdf drv n; do
		u=-
		[ -z "$(usb_children "$bdf")" ] || u=usb
		echo "$bdf $drv $n $u"
	done >"$T/churn"
fi
# The others carry traffic and move (their interrupts are listed after
# the usage reading, which unbinds and binds them)
bdfs="" cmd_bdfs=""
while read -r bdf drv n; do
	[ "$(awk -v b="$bdf" '$1 == b' "$T/churn")" = "" ] || continue
	bdfs="$bdfs $bdf"
	case ${drv##*/} in
	nvme | edu_msi_exerciser) ;;
	*) [ -z "${MSI_TRAFFIC_CMD:-}" ] || cmd_bdfs="$cmd_bdfs $bdf" ;;
	esac
done <"$T/bound"
edu=$(edu_first)
nvme=""
! ls "$SYS_BLOCK"/nvme* >/dev/null 2>&1 || nvme=1
if [ -z "$edu" ] && [ -z "$nvme" ] && [ -z "$cmd_bdfs" ] && [ ! -s "$T/churn" ]; then
	ktap_skip_all "nothing to load: no NVMe namespace, no edu exerciser, \
no device for MSI_TRAFFIC_CMD, none in MSI_TEST_DEVICES"
	exit "$KSFT_SKIP"
fi

# Usage is compared when every device under load is unbound for it
ucover=1
while read -r bdf drv n; do
	if listed "$UNBIND" "$bdf"; then
		echo "$bdf $drv $n" >>"$T/unbind"
	else
		ucover=""
	fi
done <"$T/bound"
: >>"$T/unbind"
[ -z "$ucover" ] || usage0=$(usage)
irqs=""
for bdf in $bdfs; do
	irqs="$irqs $(msi_irqs_of "$bdf" | tr '\n' ' ')"
done

# A probe run of MSI_TRAFFIC_CMD: a device it cannot make interrupt
# carries none
list=""
for bdf in $cmd_bdfs; do
	$MSI_TRAFFIC_CMD "$bdf" >"$T/out.$bdf" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		list="$list $bdf"
	else
		ktap_print_msg "MSI_TRAFFIC_CMD $bdf failed before the load (status $rc, \
$(tail -n 1 "$T/out.$bdf")): no traffic on it"
	fi
done
cmd_bdfs=$list

plan=3
[ -z "$nvme" ] || plan=$((plan + 1))
plan=$((plan + $(echo "$cmd_bdfs" | wc -w)))
[ ! -s "$T/churn" ] || plan=$((plan + 1))
[ "$(uname -m)" != x86_64 ] || plan=$((plan + 1))
[ -z "$irqs" ] || plan=$((plan + 1))
ktap_set_plan "$plan"

for irq in $irqs; do
	echo "$irq $(cat "$PROC_IRQ/$irq/smp_affinity" 2>/dev/null)"
done >"$T/affinity"
nh0=$(no_handler_count)
to0=$(nvme_timeouts)
m0=$(msi_raw_stat moves) s0=$(msi_raw_stat split_moves) c0=$(msi_raw_stat caught)
total0=$(total)
t0=$(uptime_cs)

flood=""
if [ -n "$edu" ] && flood_start "$edu" 0; then
	flood=1
fi
[ -z "$nvme" ] || nvme_loop &
for bdf in $cmd_bdfs; do
	traffic_loop "$bdf" &
done
# shellcheck disable=SC2086 # a list of interrupt numbers
[ -z "$irqs" ] || moves_loop $irqs &
[ ! -s "$T/churn" ] || rebind_loop &

next=6000
while :; do
	nap 1
	now=$(($(uptime_cs) - t0))
	[ $now -lt $((LOAD_S * 100)) ] || break
	if [ $now -ge $next ]; then
		e=""
		[ -z "$edu" ] || e=" edu raised $(edu_stat "$edu" raised), \
received $(edu_stat "$edu" received);"
		ktap_print_msg "$((now / 100)) s:$e $(($(total) - total0)) interrupts"
		next=$((next + 6000))
	fi
done
: >"$T/stop"
[ -z "$flood" ] || flood_stop "$edu"
wait
t=$((($(uptime_cs) - t0) / 100))

ktap_print_msg "$t s; devices with traffic:$bdfs; churned by unbind/bind: \
$(awk '{ printf "%s ", $1 }' "$T/churn")"
raw=$(msi_raw_stat moves)
if is_num "$m0" && is_num "$raw"; then
	raw="; raw backend moves, two-step moves, caught between the steps: \
$((raw - m0)) $(($(msi_raw_stat split_moves) - s0)) $(($(msi_raw_stat caught) - c0))"
else
	raw=""
fi
ktap_print_msg "$(($(total) - total0)) interrupts delivered to the devices with traffic$raw"

[ $t -ge "$LOAD_S" ]
rc=$?
msi_result "ran $t s (wanted $LOAD_S)" "$rc"

if [ -n "$edu" ]; then
	bursts=$(edu_stat "$edu" bursts)
	lost=$(edu_stat "$edu" bursts_lost)
	what=$bursts
	[ -n "$flood" ] || what="$bursts (the source did not start)"
	[ -n "$flood" ] && is_num "$bursts" && [ "$bursts" -gt 0 ] && [ "$lost" = 0 ]
	rc=$?
	msi_result "edu $edu free-running: $what bursts of \
1-$FLOOD_MAX raises ($(edu_stat "$edu" raised) raised, $(edu_stat "$edu" received) \
handler runs, $(edu_stat "$edu" spurious) spurious), $lost whose last interrupt never arrived" "$rc"
elif [ "${MSI_EDU_REQUIRED:-0}" = 1 ]; then
	ktap_test_fail "no edu device with the exerciser ($EDU_DEBUGFS)"
else
	ktap_test_skip "no edu device with the exerciser ($EDU_DEBUGFS)"
fi

# Restore the affinities before the interrupts change with the unbinding
[ ! -s "$T/affinity" ] || while read -r irq mask; do
	echo "$mask" >"$PROC_IRQ/$irq/smp_affinity" 2>/dev/null
done <"$T/affinity"
: >"$T/affinity"
# Unbinding resets the counters above: read them first
[ -z "$ucover" ] || usage1=$(usage)

if [ -n "$nvme" ]; then
	reads=$(field "$T/nvme" 1) fails=$(field "$T/nvme" 2)
	n=$(($(nvme_timeouts) - to0))
	is_num "$reads" && [ "$reads" -gt 0 ] && [ "$fails" = 0 ] && [ $n -eq 0 ]
	rc=$?
	msi_result "nvme: $reads direct reads, $fails failed, $n timeout(s) in the \
kernel log" "$rc"
fi

# A device that lost an interrupt for good stalls: no run after it
# succeeds. A single failed run followed by good ones is the traffic's
# own (a DHCP exchange starved of CPU), not a lost interrupt: counted
# and shown, and a failure only when two come in a row or the last one
# failed.
for bdf in $cmd_bdfs; do
	f=$T/traffic.$bdf
	n=$(field "$f" 1) fails=$(field "$f" 2)
	run=$(field "$f" 3) last=$(field "$f" 4)
	nif=$(netif_of "$bdf")
	is_num "$n" && [ "$n" -gt 0 ] && [ "$run" -le 1 ] && [ "$last" = 0 ]
	rc=$?
	msi_result "$bdf (${nif:-$(pci_driver "$bdf")}): $n traffic runs, $fails failed, \
never two in a row nor the last (longest run $run)" "$rc"
	[ -s "$T/fail.$bdf" ] || continue
	while read -r line; do
		ktap_print_msg "$bdf first failed run: $line"
	done <"$T/fail.$bdf"
done

if [ -n "$irqs" ]; then
	n=$(field "$T/moves" 1)
	is_num "$n" && [ "$n" -gt 0 ]
	rc=$?
	msi_result "$n affinity moves of the $(echo "$irqs" | wc -w) interrupts with \
traffic ($(field "$T/moves" 2) refused: managed)" "$rc"
fi

if [ -s "$T/churn" ]; then
	n=$(field "$T/rebind" 1) fails=$(field "$T/rebind" 2)
	first=""
	[ "$fails" = 0 ] || first=", first: $(cut -d ' ' -f 3- "$T/rebind")"
	is_num "$n" && [ "$n" -gt 0 ] && [ "$fails" = 0 ]
	rc=$?
	msi_result "$n rounds of unbind and bind of \
$(awk '{ printf "%s%s", s, $1; s = " " }' "$T/churn"), each with its vectors \
(and USB device) back, $fails problem(s)$first" "$rc"
fi

if [ "$(uname -m)" = x86_64 ]; then
	n=$(($(no_handler_count) - nh0))
	[ $n -eq 0 ] || ktap_print_msg "last: $(dmesg | grep 'No irq handler for' | tail -n 1)"
	[ $n -eq 0 ]
	rc=$?
	msi_result "$n message(s) reached a vector with no handler ('No irq handler \
for' in the kernel log)" "$rc"
fi

if [ -n "$ucover" ]; then
	[ "$usage1" = "$usage0" ]
	rc=$?
	msi_result "vector usage with every device unbound after the run '$usage1', \
before it '$usage0'" "$rc"
else
	ktap_test_skip "vector usage not compared: MSI_LOAD_UNBIND does not name \
every device under load (BDFs or all)"
fi
ktap_finished
