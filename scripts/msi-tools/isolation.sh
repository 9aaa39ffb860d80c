#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Isolation check from outside the guest: boot one test kernel with the
# normal boot tests (boot.sh) under QEMU tracing of every guest PCI
# config access and MMIO write, then look for guest writes to MSI
# address/data registers (msi_writes.py).
#
#   isolation.sh ARCH [none|some]
#
# "none" (the default on ppc64le, where firmware owns the messages)
# fails on any such write; "some" (the default on x86_64, where the raw
# backend writes them) fails when there are none, which shows that the
# check sees them. The run has its own build folder (build/isolation/,
# with out/ linked to the real build), so the normal results stay. The
# TAP goes to stdout and to build/isolation/results/ARCH/isolation.tap.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
B=${B:-$REPO/build}
T=$REPO/scripts/msi-tools

# shellcheck source=scripts/msi-tools/arch.sh
. "$T/arch.sh"
arch=$1
arch_setup "$arch"
expect=${2:-$ARCH_MSI_WRITES}

iso=$B/isolation
mkdir -p "$iso/out"
ln -sfn "$B/out/$arch" "$iso/out/$arch"
res=$iso/results/$arch
trace=$iso/$arch-qemu-trace.log
rm -f "$trace"

events="-trace enable=pci_cfg_read -trace enable=pci_cfg_write"
events="$events -trace enable=memory_region_ops_write"
events="$events${ARCH_TRACE_EVENTS:+ $ARCH_TRACE_EVENTS}"
B=$iso QEMU_EXTRA="$events -D $trace ${QEMU_EXTRA:-}" "$T/boot.sh" "$arch"

status=0
python3 "$T/msi_writes.py" --label "$arch${IC_MODE:+ ($IC_MODE)}" \
	--expect "$expect" "$trace" >"$res/isolation.tap" || status=$?
cat "$res/isolation.tap"
# The boot itself must have run to its end for the trace to mean much
grep -q "^ok 1 " "$res/health.tap" 2>/dev/null || {
	echo "# boot did not run to its end, see $res/console.log"
	status=1
}
exit $status
