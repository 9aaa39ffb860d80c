#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Every MSI-capable PCI device with a bound driver has MSI or MSI-X
# vectors (msi_irqs/ in sysfs), its config space shows the capability
# they come from, and it took interrupts on them. Make the devices work
# (a network exchange, a disk read) before running this.

DIR=$(dirname "$0")
. "$DIR/../../kselftest/ktap_helpers.sh"
. "$DIR/msi_lib.sh"

ktap_print_header
if [ ! -d "$PCI_DEVICES" ]; then
	ktap_skip_all "no PCI bus ($PCI_DEVICES)"
	exit "$KSFT_SKIP"
fi

# The devices to check: those with vectors, and MSI-capable ones that
# have a driver (without one nothing asks for vectors).
list=""
for d in "$PCI_DEVICES"/*; do
	bdf=${d##*/}
	caps=$(msi_caps "$d/config")
	nvec=$(msi_irqs_of "$bdf" | wc -l)
	if [ "$nvec" -eq 0 ]; then
		[ "$(pci_driver "$bdf")" != - ] || continue
		case $caps in
		msi*) ;;
		*) continue ;;
		esac
	fi
	list="$list $bdf"
done
if [ -z "$list" ]; then
	ktap_skip_all "no MSI-capable PCI device with a bound driver"
	exit "$KSFT_SKIP"
fi

ktap_set_plan "$(echo $list | wc -w)"
for bdf in $list; do
	caps=$(msi_caps "$PCI_DEVICES/$bdf/config")
	nvec=$(msi_irqs_of "$bdf" | wc -l)
	mode=$(msi_mode "$bdf")
	count=$(msi_irq_total "$bdf")
	what="$bdf $(pci_vd "$bdf") $(pci_driver "$bdf")"
	if [ "$nvec" -eq 0 ]; then
		ktap_test_fail "$what: MSI-capable ($caps) but no MSI/MSI-X vectors allocated"
	elif [ "$caps" = no ]; then
		ktap_test_fail "$what: $nvec $mode vectors, no MSI/MSI-X capability in config space"
	elif [ "$count" -eq 0 ]; then
		ktap_test_fail "$what: $nvec $mode vectors but no interrupts received"
	else
		ktap_test_pass "$what: $nvec $mode vectors, $count interrupts"
	fi
done
ktap_finished
