// SPDX-License-Identifier: GPL-2.0-only
/// Check PCI MSI backends (struct pci_msi_ops, include/linux/msi_ops.h):
/// an ops table must be const; a table that sets PCI_MSI_OPS_FW_OWNS_MSG
/// must have ->restore() (the core refuses it otherwise, at run time);
/// the platform backend is registered once at boot, so
/// pci_msi_set_platform_ops() belongs in an __init function.
///
/// Tables in *_kunit.c files are left out: the KUnit tests of the core
/// build broken tables on purpose, to see them refused.
//
// Confidence: High
// Comments:
// Options: --no-includes --include-headers

virtual report
virtual org

@cst@
identifier I;
position p;
@@
const struct pci_msi_ops I@p = { ... };

@ncst depends on report || org@
identifier I;
position p != cst.p;
@@
struct pci_msi_ops I@p = { ... };

@script:python depends on report@
p << ncst.p;
I << ncst.I;
@@
if not p[0].file.endswith("_kunit.c"):
	coccilib.report.print_report(p[0], "struct pci_msi_ops %s is not const" % I)

@script:python depends on org@
p << ncst.p;
I << ncst.I;
@@
if not p[0].file.endswith("_kunit.c"):
	coccilib.org.print_todo(p[0], "struct pci_msi_ops %s is not const" % I)

@fw@
identifier I;
position p;
expression F;
@@
struct pci_msi_ops I@p = { ..., .flags = F, ... };

@script:python@
F << fw.F;
@@
if "PCI_MSI_OPS_FW_OWNS_MSG" not in F:
	cocci.include_match(False)

@restore@
identifier fw.I;
expression R;
@@
struct pci_msi_ops I = { ..., .restore = R, ... };

@script:python depends on report && !restore@
p << fw.p;
I << fw.I;
@@
if not p[0].file.endswith("_kunit.c"):
	coccilib.report.print_report(p[0], "%s sets PCI_MSI_OPS_FW_OWNS_MSG without ->restore" % I)

@script:python depends on org && !restore@
p << fw.p;
I << fw.I;
@@
if not p[0].file.endswith("_kunit.c"):
	coccilib.org.print_todo(p[0], "%s sets PCI_MSI_OPS_FW_OWNS_MSG without ->restore" % I)

@reg@
identifier f;
position p;
@@
f(...) { <+... pci_msi_set_platform_ops@p(...) ...+> }

@init@
identifier reg.f;
type T;
@@
T __init f(...) { ... }

@script:python depends on report && !init@
p << reg.p;
f << reg.f;
@@
if not p[0].file.endswith("_kunit.c"):
	coccilib.report.print_report(p[0], "%s() registers the platform MSI backend but is not __init" % f)

@script:python depends on org && !init@
p << reg.p;
f << reg.f;
@@
if not p[0].file.endswith("_kunit.c"):
	coccilib.org.print_todo(p[0], "%s() registers the platform MSI backend but is not __init" % f)
