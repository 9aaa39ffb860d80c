#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# With the ops-based MSI core (Documentation/PCI/msi-ops.rst), every PCI
# device with vectors names the backend that serves it in sysfs
# (msi_backend); MSI_BACKEND=NAME in the environment requires that
# backend for all of them (the QEMU harness: raw on q35, rtas on
# pseries). A kernel without the ops core has no msi_backend: skipped.

DIR=$(dirname "$0")
. "$DIR/../../kselftest/ktap_helpers.sh"
. "$DIR/msi_lib.sh"

ktap_print_header
list=""
for d in "$PCI_DEVICES"/*; do
	[ -e "$d" ] || continue
	[ -z "$(msi_irqs_of "${d##*/}")" ] || list="$list ${d##*/}"
done
if [ -z "$list" ]; then
	ktap_skip_all "no PCI device has MSI vectors"
	exit "$KSFT_SKIP"
fi
for bdf in $list; do
	[ -e "$PCI_DEVICES/$bdf/msi_backend" ] && break
	bdf=""
done
if [ -z "$bdf" ]; then
	ktap_skip_all "kernel without PCI MSI backend ops: no msi_backend in sysfs"
	exit "$KSFT_SKIP"
fi

ktap_set_plan "$(echo $list | wc -w)"
for bdf in $list; do
	backend=$(cat "$PCI_DEVICES/$bdf/msi_backend" 2>/dev/null)
	what="$bdf $(pci_vd "$bdf") $(pci_driver "$bdf"): $(msi_irqs_of "$bdf" | wc -l) vectors"
	if [ -z "$backend" ]; then
		ktap_test_fail "$what, but no backend named in msi_backend"
	elif [ -n "$MSI_BACKEND" ] && [ "$backend" != "$MSI_BACKEND" ]; then
		ktap_test_fail "$what from backend '$backend', wanted '$MSI_BACKEND'"
	else
		ktap_test_pass "$what from backend '$backend'"
	fi
done
ktap_finished
