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
: >"$sys/drivers/stuck/unbind"
run() {
	: >"$sys/drivers/stuck/unbind"
	PCI_DEVICES=$sys/devices MSI_REBIND_ROUNDS=2 "$@" \
		busybox sh "$work/selftests/pci/msi/msi_rebind.sh" >"$work/out" 2>&1
}

n=0
t() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		sed 's/^/# /' "$work/out"
	fi
}

echo "TAP version 13"
run env MSI_TEST_DEVICES=all
rc=$?
[ $rc = 1 ] && grep -q '^not ok 1 .*kept 1 vectors after unbind' "$work/out"
t $? "msi_rebind.sh fails on a driver that keeps its vector after unbind (exit $rc)"
run env -u MSI_TEST_DEVICES
rc=$?
[ $rc = 4 ] && grep -q '^1\.\.0 # SKIP MSI_TEST_DEVICES' "$work/out" &&
	[ "$(stat -c %s "$sys/drivers/stuck/unbind")" = 0 ]
t $? "msi_rebind.sh without MSI_TEST_DEVICES skips and unbinds nothing (exit $rc)"
run env MSI_TEST_DEVICES=0000:00:09.0
rc=$?
[ $rc = 4 ] && [ "$(stat -c %s "$sys/drivers/stuck/unbind")" = 0 ]
t $? "msi_rebind.sh unbinds no device outside MSI_TEST_DEVICES (exit $rc)"
echo "1..$n"
