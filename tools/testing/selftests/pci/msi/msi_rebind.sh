#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Unbinding a driver gives back every MSI/MSI-X vector it held, binding
# it again gets as many as before, and the usage of the allocators
# (msi_irqs/ entries, interrupt descriptors, /proc/interrupts lines, the
# x86 vector domain, and what the backend holds where debugfs shows it)
# is the same in every round, bound and unbound alike. No driver state
# survives an unbind, so the rounds are compared with each other.
#
# Unbinding takes a device away (the disk of the root file system, the
# network of a remote session): only the devices in MSI_TEST_DEVICES
# (BDFs separated by spaces, or "all") are touched; without it the test
# is skipped. MSI_REBIND_ROUNDS sets the number of rounds (3).

DIR=$(dirname "$0")
. "$DIR/../../kselftest/ktap_helpers.sh"
. "$DIR/msi_lib.sh"

ROUNDS=${MSI_REBIND_ROUNDS:-3}
LIST=$(mktemp)
trap 'rm -f "$LIST"' EXIT

ktap_print_header
msi_opted_in_or_skip "$LIST"

# The backend's own count applies when it serves every device here
backend=""
while read -r bdf drv n; do
	b=$(cat "$PCI_DEVICES/$bdf/msi_backend" 2>/dev/null)
	[ -z "$backend" ] || [ "$backend" = "$b" ] || b=mixed
	backend=$b
done <"$LIST"

problems=0
first=""
fail() {
	problems=$((problems + 1))
	[ -n "$first" ] || first="round $round: $1"
}

round=1
bound=""
unbound=""
while [ "$round" -le "$ROUNDS" ]; do
	while read -r bdf drv n; do
		echo "$bdf" >"$drv/unbind" 2>/dev/null
		left=$(msi_vec_count "$bdf")
		[ "$left" -eq 0 ] || fail "$bdf kept $left vectors after unbind"
	done <"$LIST"
	usage=$(msi_usage)
	unbound=${unbound:-$usage}
	[ "$usage" = "$unbound" ] || fail "unbound usage '$usage', in round 1 '$unbound'"
	while read -r bdf drv n; do
		echo "$bdf" >"$drv/bind" 2>/dev/null
		msi_wait_vectors "$bdf" "$n" ||
			fail "$bdf has $(msi_vec_count "$bdf") vectors after bind, wanted $n"
	done <"$LIST"
	usage=$(msi_usage)
	bound=${bound:-$usage}
	[ "$usage" = "$bound" ] || fail "bound usage '$usage', in round 1 '$bound'"
	round=$((round + 1))
done

total=$(awk '{ s += $3 } END { print s }' "$LIST")
get() {
	msi_usage_get "$1" "$2"
}

# result DESCRIPTION STATUS: pass when STATUS is 0
result() {
	if [ "$2" -eq 0 ]; then
		ktap_test_pass "$1"
	else
		ktap_test_fail "$1"
	fi
}

devices=$(awk '{ n = $2; sub(".*/", "", n); printf "%s %s(%d) ", $1, n, $3 }' "$LIST")
ktap_print_msg "devices: $devices"
ktap_print_msg "usage bound: $bound; unbound: $unbound"
plan=3
[ ! -r "$MSI_RTAS_HELD" ] || plan=$((plan + 1))
[ "$backend" != raw ] || plan=$((plan + 2))
ktap_set_plan "$plan"

[ "$problems" -eq 0 ]
result "$ROUNDS rounds of unbind and bind of the $total vectors above, \
same usage every round, $problems problem(s)${first:+, first: $first}" $?

[ "$(get "$unbound" msi)" = 0 ] && [ "$(get "$bound" msi)" = "$total" ]
rc=$?
result "sysfs lists $(get "$bound" msi) vectors bound (wanted $total) \
and $(get "$unbound" msi) unbound (wanted 0)" $rc

# Every vector has its descriptor, and so has every guard vector of a
# raw multi-MSI block (beyond what the driver uses)
guards=$(get "$bound" guards)
guards=${guards:-0}
more=$(($(get "$bound" descs) - $(get "$unbound" descs)))
[ "$more" -eq $((total + guards)) ]
rc=$?
result "$more more interrupt descriptors bound than unbound (wanted $total \
+ $guards guard vectors of multi-MSI blocks), $(get "$unbound" descs) unbound every round" $rc

if [ -r "$MSI_RTAS_HELD" ]; then
	[ "$(get "$unbound" fw)" = 0 ] && [ "$(get "$bound" fw)" -ge "$total" ]
	rc=$?
	result "firmware holds $(get "$bound" fw) vectors bound (wanted at least \
$total) and $(get "$unbound" fw) unbound (wanted 0)" $rc
fi
if [ "$backend" = raw ]; then
	[ "$(get "$unbound" raw)" = 0 ] && [ "$(get "$bound" raw)" = "$total" ]
	rc=$?
	result "the raw backend holds $(get "$bound" raw) vectors bound (wanted \
$total) and $(get "$unbound" raw) unbound (wanted 0)" $rc
	[ "$(get "$unbound" guards)" = 0 ]
	rc=$?
	result "the raw backend holds $(get "$unbound" guards) guard vectors of \
multi-MSI blocks unbound (wanted 0), $guards bound" $rc
fi
ktap_finished
