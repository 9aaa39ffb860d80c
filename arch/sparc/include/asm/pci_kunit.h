/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Synthetic PCI controllers for KUnit tests on sparc64
 *
 * A root bus on sparc64 needs a PCI bus module (struct pci_pbm_info) as
 * its sysdata: pci_domain_nr() and pcibus_to_node() read it. The PBM is
 * private to arch/sparc/kernel; tests elsewhere get an opaque one here.
 */
#ifndef _ASM_SPARC_PCI_KUNIT_H
#define _ASM_SPARC_PCI_KUNIT_H

struct kunit;

#if IS_ENABLED(CONFIG_PCI_MSI_OPS_KUNIT_TEST) && defined(CONFIG_SPARC64_PCI)
void *sparc_pci_kunit_sysdata(struct kunit *test, int domain);
#else
static inline void *sparc_pci_kunit_sysdata(struct kunit *test, int domain)
{
	return NULL;
}
#endif

#endif /* _ASM_SPARC_PCI_KUNIT_H */
