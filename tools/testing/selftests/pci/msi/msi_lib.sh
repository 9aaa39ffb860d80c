# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the PCI MSI selftests, for busybox ash as well as bash.

PCI_DEVICES=${PCI_DEVICES:-/sys/bus/pci/devices}

# msi_caps CONFIG: the MSI capabilities found in a config space file:
# msi+msix, msi, msix, no, or ? when it cannot be read.
msi_caps() {
	od -A n -t u1 -v -N 256 "$1" 2>/dev/null | awk '
	{ for (i = 1; i <= NF; i++) b[n++] = $i + 0 }
	END {
		if (n < 64) { print "?"; exit }
		# Status register (0x06) bit 4: a capability list exists.
		if (int(b[6] / 16) % 2 == 0) { print "no"; exit }
		p = b[52] - b[52] % 4	# capability pointer at 0x34
		# Bounded walk: a broken list must not loop forever.
		for (hops = 0; p >= 64 && p < n - 1 && hops < 48; hops++) {
			if (b[p] == 5) msi = 1
			if (b[p] == 17) msix = 1
			p = b[p + 1] - b[p + 1] % 4
		}
		if (msi && msix) print "msi+msix"
		else if (msi) print "msi"
		else if (msix) print "msix"
		else print "no"
	}'
}

# msi_irqs_of BDF: the Linux interrupt numbers of BDF's MSI/MSI-X vectors
msi_irqs_of() {
	ls "$PCI_DEVICES/$1/msi_irqs" 2>/dev/null
}

# msi_mode BDF: msi, msix or - (the modes of BDF's vectors)
msi_mode() {
	cat "$PCI_DEVICES/$1"/msi_irqs/* 2>/dev/null | sort -u | tr '\n' + |
		sed 's/+$//;s/^$/-/'
}

# irq_table: per interrupt in /proc/interrupts, "irq total-over-CPUs
# chip"; the header has one column per online CPU, the chip name
# follows the counts.
irq_table() {
	awk 'NR == 1 { ncpu = NF; next }
	{
		irq = $1; sub(":$", "", irq)
		if (irq !~ /^[0-9]+$/) next
		s = 0
		for (i = 2; i <= ncpu + 1; i++) s += $i
		print irq, s, $(ncpu + 2)
	}' /proc/interrupts
}

# msi_irq_total BDF: interrupts taken so far on all of BDF's vectors
msi_irq_total() {
	irq_table | awk -v list=" $(msi_irqs_of "$1" | tr '\n' ' ') " '
		index(list, " " $1 " ") { s += $2 }
		END { print s + 0 }'
}

# pci_driver BDF: the bound driver's name, or -
pci_driver() {
	if [ -e "$PCI_DEVICES/$1/driver" ]; then
		basename "$(readlink "$PCI_DEVICES/$1/driver")"
	else
		echo -
	fi
}

# pci_vd BDF: vendor:device, e.g. 1af4:1041
pci_vd() {
	local v d
	read -r v <"$PCI_DEVICES/$1/vendor" && read -r d <"$PCI_DEVICES/$1/device" &&
		echo "${v#0x}:${d#0x}"
}
