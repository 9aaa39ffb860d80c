#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Self-test of the kselftests that unbind devices (tools/testing/
# selftests/pci/msi/), on the host against a made-up sysfs: a driver
# whose unbind gives nothing back must fail msi_rebind.sh, and without
# MSI_TEST_DEVICES it must touch nothing and skip. TAP on stdout.
set -u
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
		busybox sh "$work/selftests/pci/msi/msi_rebind.sh" >"$work/out" 2>&1
}

echo "TAP version 13"
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
echo "1..$tap_n"
[ "$tap_failed" = 0 ]
