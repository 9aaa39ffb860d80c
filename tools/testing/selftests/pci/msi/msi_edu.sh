#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# MSI delivery one interrupt at a time: on every QEMU edu device the
# exerciser driver (the QEMU harness, msi_lib.sh) raises MSI_EDU_RAISES
# (1000) interrupts, each only after the previous one was handled, and
# every one must arrive: as many received as raised, none lost.
#
# Without an edu device, or with edu devices but no exerciser bound to
# them, the test is skipped; MSI_EDU_REQUIRED=1 (the QEMU harness, which
# always has both) makes their absence a failure instead.

DIR=$(dirname "$0")
. "$DIR/../../kselftest/ktap_helpers.sh"
. "$DIR/msi_lib.sh"

N=${MSI_EDU_RAISES:-1000}
ERR=$(mktemp)
trap 'rm -f "$ERR"' EXIT

devices=$(edu_devices)
ktap_print_header
if [ "${MSI_EDU_REQUIRED:-0}" != 1 ]; then
	if [ -z "$devices" ]; then
		ktap_skip_all "no QEMU edu device ($EDU_ID) on the PCI bus"
		exit "$KSFT_SKIP"
	fi
	if [ -z "$(edu_first)" ]; then
		ktap_skip_all "no edu device has the exerciser driver ($EDU_DEBUGFS)"
		exit "$KSFT_SKIP"
	fi
fi
if [ -z "$devices" ]; then
	ktap_set_plan 1
	ktap_test_fail "no QEMU edu device ($EDU_ID) on the PCI bus"
	ktap_finished
fi
ktap_set_plan "$(echo "$devices" | grep -c .)"

# A lost interrupt costs the driver its timeout (1 s by default): allow
# some time per interrupt, and kill a write that hangs all the same.
t=$((10 + N / 50))
for bdf in $devices; do
	dir=$EDU_DEBUGFS/$bdf
	if [ ! -d "$dir" ]; then
		if [ "${MSI_EDU_REQUIRED:-0}" = 1 ]; then
			ktap_test_fail "edu $bdf: no $dir (exerciser not built in or not bound)"
		else
			ktap_test_skip "edu $bdf: no $dir (exerciser not built in or not bound)"
		fi
		continue
	fi
	echo 1 >"$dir/reset" 2>"$ERR"
	# shellcheck disable=SC2016 # the inner shell expands them
	timeout -s KILL "$t" sh -c 'echo "$1" >"$2"' sh "$N" "$dir/raise" 2>>"$ERR"
	rc=$?
	[ "$rc" -ne 137 ] || echo "raise timed out after ${t}s" >>"$ERR"
	stats=$(cat "$dir/stats" 2>>"$ERR")
	err=$(tr '\n' ' ' <"$ERR" | sed 's/ $//')
	raised=$(msi_kv raised "$stats")
	received=$(msi_kv received "$stats")
	lost=$(msi_kv lost "$stats")
	spurious=$(msi_kv spurious "$stats")
	ktap_print_msg "edu $bdf: wrote $N to raise (exit $rc${err:+, $err}), stats: ${stats:-none}"
	if ! is_num "$raised" || ! is_num "$received" || ! is_num "$lost"; then
		ktap_test_fail "edu $bdf: unreadable stats '$stats'${err:+ ($err)}"
	elif [ "$raised" -eq "$N" ] && [ "$received" -eq "$N" ] && [ "$lost" -eq 0 ]; then
		ktap_test_pass "edu $bdf received $received of $raised raised"
	else
		ktap_test_fail "edu $bdf received $received of $raised raised (wanted $N, \
lost $lost, spurious ${spurious:-?})"
	fi
done
ktap_finished
