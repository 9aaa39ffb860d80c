// SPDX-License-Identifier: GPL-2.0
/*
 * Synthetic PCI controllers for KUnit tests on sparc64
 *
 * The simulated PCI device of the PCI MSI tests (drivers/pci/msi/
 * ops_kunit_sim.c) lives on a root bus of its own, and on sparc64 the
 * sysdata of every PCI bus is the PBM of its controller. A synthetic
 * PBM carries only what the generic scan path reads from it: the
 * domain (pci_domain_nr()) and the NUMA node (pcibus_to_node()). It is
 * on no list of controllers, has no firmware node, no IOMMU and no MSI
 * queues, so nothing that walks the real PBMs ever sees it.
 *
 * Copyright (C) 2026 msi-ops maintainers
 */

#include <kunit/test.h>
#include <linux/numa.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <asm/pci_kunit.h>

#include "pci_impl.h"

/**
 * sparc_pci_kunit_sysdata - A synthetic PBM to be a root bus's sysdata
 * @test:	The test that owns it; freed when the test ends
 * @domain:	PCI domain of the bus, as pci_domain_nr() will report it
 *
 * Allocate it before the root bus is created, so that KUnit frees it
 * only after the bus is gone.
 *
 * Return: The PBM, as an opaque sysdata pointer, or NULL without memory.
 */
void *sparc_pci_kunit_sysdata(struct kunit *test, int domain)
{
	struct pci_pbm_info *pbm;

	pbm = kunit_kzalloc(test, sizeof(*pbm), GFP_KERNEL);
	if (!pbm)
		return NULL;
	pbm->index = domain;
	pbm->numa_node = NUMA_NO_NODE;
	pbm->name = "kunit";
	return pbm;
}
