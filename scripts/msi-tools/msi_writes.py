#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Find guest writes to MSI address/data registers in a QEMU trace log.

    msi_writes.py --label NAME --expect none|some TRACE_LOG

The trace must hold the QEMU events pci_cfg_read, pci_cfg_write and
memory_region_ops_write (and, for information, spapr_pci_msi_setup).
Every guest access to PCI configuration space goes through the first
two; MSI-X table accesses show up as writes to the "msix-table" memory
region. QEMU's own writes (pSeries firmware programming a device from
ibm,change-msi) go around them.

Each device's MSI capability is found from the guest's own reads of the
capability list (0x34, then each capability header), so no knowledge of
the devices is built in. A write is an address/data write when it hits
the message address or data of an MSI capability, or bytes 0-11 of an
MSI-X table entry; the enable bits, the MSI mask bits and the MSI-X
vector control word are not address/data and are allowed.

With --expect none (a firmware-owned platform) any such write fails;
with --expect some (a raw backend that programs devices itself) their
absence fails, which shows that the check can see them. Prints TAP.
"""
import argparse
import re
import sys

CFG = re.compile(r"pci_cfg_(read|write) (\S+) ([0-9a-f]{2}):([0-9a-f]{2})\.(\d)"
                 r" @0x([0-9a-f]+) (?:->|<-) 0x([0-9a-f]+)")
MRW = re.compile(r"memory_region_ops_write .*addr 0x([0-9a-f]+) value 0x([0-9a-f]+)"
                 r" size (\d+) name '([^']*)'")
FW = re.compile(r"spapr_pci_msi_setup")

PCI_CAP_ID_MSI = 0x05
# The trace gives table addresses, not offsets in the table; QEMU puts
# MSI-X tables at 16-byte (in fact page) aligned places, so the address
# modulo the entry size is the offset in the entry.
MSIX_ENTRY = 16
MSIX_CTRL = 12


def msi_ranges(reads):
    """Byte ranges [lo, hi) of MSI address/data in one device's config."""
    ranges = []
    ptr = reads.get(0x34, 0) & 0xfc
    seen = set()
    while ptr and ptr not in seen and ptr in reads:
        seen.add(ptr)
        hdr = reads[ptr]
        if hdr & 0xff == PCI_CAP_ID_MSI:
            ctrl = reads.get(ptr + 2)
            is64 = ctrl is None or ctrl & 0x80
            ranges.append((ptr + 4, ptr + (0x0e if is64 else 0x0a)))
        ptr = (hdr >> 8) & 0xfc
    return ranges


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", required=True)
    ap.add_argument("--expect", choices=("none", "some"), required=True)
    ap.add_argument("trace")
    args = ap.parse_args()

    reads = {}      # device -> {offset: value}
    writes = []     # (device, offset, value)
    table = []      # (offset, value, size) MSI-X table writes
    fw = 0
    with open(args.trace, errors="replace") as f:
        for line in f:
            m = CFG.search(line)
            if m:
                kind, name, _bus, slot, fn, off, val = m.groups()
                dev = f"{name} {slot}.{fn}"
                off, val = int(off, 16), int(val, 16)
                if kind == "read":
                    reads.setdefault(dev, {})[off] = val
                else:
                    writes.append((dev, off, val))
                continue
            m = MRW.search(line)
            if m and m.group(4) == "msix-table":
                table.append((int(m.group(1), 16), int(m.group(2), 16),
                              int(m.group(3))))
                continue
            if FW.search(line):
                fw += 1

    bad = []
    for dev, off, val in writes:
        for lo, hi in msi_ranges(reads.get(dev, {})):
            if lo <= off < hi:
                bad.append(f"config write {dev} @{off:#x} <- {val:#x}"
                           f" (MSI address/data {lo:#x}-{hi - 1:#x})")
    for off, val, size in table:
        if any((b % MSIX_ENTRY) < MSIX_CTRL for b in range(off, off + size)):
            bad.append(f"MSI-X table write @{off:#x} (entry word"
                       f" +{off % MSIX_ENTRY:#x}) <- {val:#x} ({size} bytes)")

    devs = sum(1 for d in reads if msi_ranges(reads[d]))
    what = (f"{len(writes)} config writes, {len(table)} MSI-X table writes,"
            f" {devs} devices with MSI found, {fw} firmware MSI setups")
    if not reads:
        passed = False
        desc = f"trace has no config reads ({args.trace})"
    elif args.expect == "none":
        passed = not bad
        desc = f"guest wrote no MSI address/data ({what})"
    else:
        passed = bool(bad)
        desc = f"guest MSI address/data writes seen: {len(bad)} ({what})"
    print("TAP version 13")
    print(f"{'ok' if passed else 'not ok'} 1 - {args.label}: {desc}")
    for b in bad[:20]:
        print(f"# {b}")
    if len(bad) > 20:
        print(f"# ... {len(bad) - 20} more")
    print("1..1")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
