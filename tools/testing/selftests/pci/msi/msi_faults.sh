#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Fault injection into the MSI core's calls of its backend
# (CONFIG_FAIL_PCI_MSI_OPS, debugfs fail_pci_msi_ops/) while real
# drivers probe. For every device and every way to fail, exactly one
# failure is injected into a bind of its driver. The driver must end in
# a defined state (bound with fewer vectors, with MSI instead of MSI-X,
# with INTx, or unbound after a failed probe), the failure must have
# been injected (the fault's "times" went from 1 to 0), an unbind must
# give back everything (no vector left on the device, and the vector
# usage of msi_rebind.sh as before the bind: msi_irqs/, interrupt
# descriptors, /proc/interrupts, the x86 vector matrix and the raw
# backend's count, firmware-held vectors on pSeries), and a bind
# without injection must get all the vectors again.
#
# The points failed: ->check() and ->alloc(), each failing and granting
# fewer; the core's step after ->alloc(); the core's own descriptor
# allocation, the first one and for MSI-X the second, so that an enable
# fails in the middle of the table; and ->restore() through a reset of
# an edu or e1000e device where the backend has a ->restore() (RTAS).
# ->alloc_at() is not failed here: the drivers of common devices do not
# allocate MSI-X vectors dynamically (the KUnit suites fail it).
#
# Unbinding takes a device away (the disk of the root file system, the
# network of a remote session): only the devices in MSI_TEST_DEVICES
# (BDFs separated by spaces, or "all") are touched; without it the test
# is skipped. Skipped too, with the reason, without fail_pci_msi_ops in
# debugfs (a kernel without the MSI series or without
# CONFIG_FAIL_PCI_MSI_OPS); MSI_FAULTS_REQUIRED=1 turns that into a
# failure on a kernel that has the series (msi_backend in sysfs).

DIR=$(dirname "$0")
. "$DIR/../../kselftest/ktap_helpers.sh"
. "$DIR/msi_lib.sh"

FAIL_DIR=${MSI_FAIL_DIR:-/sys/kernel/debug/fail_pci_msi_ops}
LIST=$(mktemp)
trap 'rm -f "$LIST"' EXIT

ktap_print_header
if [ ! -d "$FAIL_DIR" ] && [ -z "${MSI_FAIL_DIR:-}" ] &&
   ! grep -q ' /sys/kernel/debug debugfs ' /proc/mounts 2>/dev/null; then
	mount -t debugfs nodev /sys/kernel/debug 2>/dev/null
fi
if [ ! -d "$FAIL_DIR" ]; then
	if ! ls "$PCI_DEVICES"/*/msi_backend >/dev/null 2>&1; then
		ktap_skip_all "no $FAIL_DIR: this kernel lacks the MSI series \
(no msi_backend in sysfs)"
		exit "$KSFT_SKIP"
	fi
	why="no $FAIL_DIR in a kernel with MSI backends (CONFIG_FAIL_PCI_MSI_OPS, debugfs)"
	if [ "${MSI_FAULTS_REQUIRED:-0}" = 1 ]; then
		ktap_set_plan 1
		ktap_test_fail "$why"
		ktap_finished
	fi
	ktap_skip_all "$why"
	exit "$KSFT_SKIP"
fi
msi_opted_in_or_skip "$LIST"

problems=0
first=""
# fail WHAT: count a problem, remember the first
fail() {
	problems=$((problems + 1))
	[ -n "$first" ] || first=$1
}

# arm BDF POINTS FEWER [SKIP]: fail a step of POINTS for BDF once, after
# SKIP (0) such steps went through
arm() {
	echo "$1" >"$FAIL_DIR/device" &&
	echo "$2" >"$FAIL_DIR/points" &&
	echo "$3" >"$FAIL_DIR/fewer" &&
	echo $((${4:-0} + 1)) >"$FAIL_DIR/space" &&
	echo 0 >"$FAIL_DIR/verbose" &&
	echo 1 >"$FAIL_DIR/interval" &&
	echo 1 >"$FAIL_DIR/times" &&
	echo 100 >"$FAIL_DIR/probability"
}

disarm() {
	echo 0 >"$FAIL_DIR/probability"
	echo 0 >"$FAIL_DIR/times"
	echo 0 >"$FAIL_DIR/space"
	echo >"$FAIL_DIR/device"
}

# unbind BDF DRV: unbind; the device must keep no vector
unbind() {
	echo "$1" >"$2/unbind" 2>/dev/null
	msi_wait_vectors "$1" 0 ||
		fail "$1 kept $(msi_vec_count "$1") vectors after unbind"
}

# state BDF: what the driver ended with: "unbound", "intx" or
# "msi N" / "msix N"
state() {
	local n
	if [ ! -e "$PCI_DEVICES/$1/driver" ]; then
		echo unbound
		return
	fi
	n=$(msi_vec_count "$1")
	if [ "$n" -eq 0 ]; then
		echo intx
		return
	fi
	echo "$(cat "$PCI_DEVICES/$1/msi_irqs/$(msi_irqs_of "$1" | head -n 1)") $n"
}

# settle BDF N: some drivers (nvme) allocate their vectors after the
# bind returns, so the failure may come later too; wait until it was
# injected and BDF has N vectors or no driver, or 2 s passed (after an
# injected failure it may keep fewer)
settle() {
	local i=0
	while { [ "$(cat "$FAIL_DIR/times")" != 0 ] ||
		{ [ -e "$PCI_DEVICES/$1/driver" ] &&
		  [ "$(msi_vec_count "$1")" -ne "$2" ]; }; } && [ $i -lt 40 ]; do
		nap 0.05
		i=$((i + 1))
	done
}

rounds=0
hit=0
# round BDF DRV N NAME POINTS FEWER [SKIP]: one injected bind of BDF's
# driver DRV (N vectors), or for ->restore() (0x8) a reset of BDF, then
# an unbind and a clean bind; the usage of the device unbound and bound
# before is in $unbound and $bound
round() {
	local bdf="$1" drv="$2" n="$3" what="$1 $4" usage st left
	rounds=$((rounds + 1))
	if ! arm "$bdf" "$5" "$6" "${7:-0}"; then
		fail "$what: cannot arm $FAIL_DIR"
		return
	fi
	if [ "$5" = 0x8 ]; then
		echo 1 >"$PCI_DEVICES/$bdf/reset" 2>/dev/null
	else
		echo "$bdf" >"$drv/bind" 2>/dev/null
		settle "$bdf" "$n"
	fi
	left=$(cat "$FAIL_DIR/times")
	disarm
	st=$(state "$bdf")
	states="$states $4:$(echo "$st" | tr ' ' '=')"
	if [ "$left" = 0 ]; then
		hit=$((hit + 1))
	else
		fail "$what: no failure was injected (times $left)"
	fi
	case $st in
	unbound|intx|"msi "[0-9]*|"msix "[0-9]*) ;;
	*) fail "$what: undefined state '$st'" ;;
	esac

	# Everything back on unbind, everything again on a clean bind
	[ "$st" = unbound ] || unbind "$bdf" "$drv"
	usage=$(msi_usage)
	[ "$usage" = "$unbound" ] ||
		fail "$what: unbound usage '$usage' after '$st', before '$unbound'"
	echo "$bdf" >"$drv/bind" 2>/dev/null
	msi_wait_vectors "$bdf" "$n" ||
		fail "$what: $(msi_vec_count "$bdf") vectors on a clean bind, wanted $n"
	usage=$(msi_usage)
	[ "$usage" = "$bound" ] ||
		fail "$what: bound usage '$usage', before '$bound'"
}

ktap_set_plan 2
while read -r bdf drv n; do
	be=$(cat "$PCI_DEVICES/$bdf/msi_backend" 2>/dev/null)
	mode=$(msi_mode "$bdf")
	states=""
	unbind "$bdf" "$drv"
	unbound=$(msi_usage)
	echo "$bdf" >"$drv/bind" 2>/dev/null
	msi_wait_vectors "$bdf" "$n" ||
		fail "$bdf: $(msi_vec_count "$bdf") vectors on the first bind, wanted $n"
	bound=$(msi_usage)
	for r in "check 0x1 N" "check-fewer 0x1 Y" "alloc 0x2 N" "alloc-fewer 0x2 Y" \
		 "after-alloc 0x4 N" "desc 0x20 N"; do
		unbind "$bdf" "$drv"
		# shellcheck disable=SC2086 # name, points and fewer
		round "$bdf" "$drv" "$n" $r
	done
	if [ "$mode" = msix ] && [ "$n" -gt 1 ]; then
		unbind "$bdf" "$drv"
		round "$bdf" "$drv" "$n" desc-second 0x20 N 1
	fi
	# ->restore() through a reset of edu or e1000e (pSeries: edu has
	# no reset method), where the backend has one
	case $(pci_vd "$bdf") in
	"$EDU_ID"|8086:10d3)
		if [ "$be" = rtas ] && [ -s "$PCI_DEVICES/$bdf/reset_method" ]; then
			round "$bdf" "$drv" "$n" restore 0x8 N
		fi
		;;
	esac
	ktap_print_msg "$bdf ${drv##*/} ($n vectors, backend ${be:-?}) after one failure:$states"
done <"$LIST"

ktap_print_msg "injection points exercised: $hit of $rounds"
[ "$rounds" -gt 0 ] && [ "$hit" = "$rounds" ]
msi_result "$hit of $rounds injected failures reached the backend call they aim at" $?
[ "$problems" -eq 0 ]
rc=$?
msi_result "$rounds injected failures on $(grep -c . "$LIST") devices: defined state, \
nothing left after unbind, all vectors on a clean bind; \
$problems problem(s)${first:+, first: $first}" $rc
ktap_finished
