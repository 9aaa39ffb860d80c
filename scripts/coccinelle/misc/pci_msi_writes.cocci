// SPDX-License-Identifier: GPL-2.0-only
/// Find writes of a PCI device's MSI message outside drivers/pci/msi/:
/// config writes at the address/data offsets of the MSI capability and
/// MMIO writes of an MSI-X table entry's address/data. Such code bypasses
/// the PCI MSI core and its backend (include/linux/msi_ops.h), and breaks
/// the promise of PCI_MSI_OPS_FW_OWNS_MSG that only firmware writes the
/// message. Some are legitimate (endpoint controllers filling their own
/// function's table, vfio's virtual config space, quirks): each hit is
/// for a reviewer to judge.
//
// Confidence: Moderate
// Comments:
// Options: --no-includes --include-headers

virtual report
virtual org

@w@
identifier fn =~ "write";
expression list es;
position p;
@@
fn@p(es, <+... \(PCI_MSI_ADDRESS_LO\|PCI_MSI_ADDRESS_HI\|PCI_MSI_DATA_32\|PCI_MSI_DATA_64\|PCI_MSIX_ENTRY_LOWER_ADDR\|PCI_MSIX_ENTRY_UPPER_ADDR\|PCI_MSIX_ENTRY_DATA\) ...+>, ...)

// The offset kept in a variable first
@wv@
identifier fn =~ "write";
idexpression off;
expression list es;
position p != w.p;
@@
off = \(PCI_MSI_ADDRESS_LO\|PCI_MSI_ADDRESS_HI\|PCI_MSI_DATA_32\|PCI_MSI_DATA_64\|PCI_MSIX_ENTRY_LOWER_ADDR\|PCI_MSIX_ENTRY_UPPER_ADDR\|PCI_MSIX_ENTRY_DATA\);
... when exists
fn@p(es, <+... off ...+>, ...)

@script:python depends on report@
p << w.p;
@@
import re
if not re.search(r"(^|/)drivers/pci/msi/", p[0].file):
	coccilib.report.print_report(p[0], "MSI address/data write outside drivers/pci/msi/ in %s()" % p[0].current_element)

@script:python depends on org@
p << w.p;
@@
import re
if not re.search(r"(^|/)drivers/pci/msi/", p[0].file):
	coccilib.org.print_todo(p[0], "MSI address/data write outside drivers/pci/msi/ in %s()" % p[0].current_element)

@script:python depends on report@
p << wv.p;
@@
import re
if not re.search(r"(^|/)drivers/pci/msi/", p[0].file):
	coccilib.report.print_report(p[0], "MSI address/data write outside drivers/pci/msi/ in %s()" % p[0].current_element)

@script:python depends on org@
p << wv.p;
@@
import re
if not re.search(r"(^|/)drivers/pci/msi/", p[0].file):
	coccilib.org.print_todo(p[0], "MSI address/data write outside drivers/pci/msi/ in %s()" % p[0].current_element)
