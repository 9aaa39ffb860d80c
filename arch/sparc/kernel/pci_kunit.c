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
 * queues, so nothing that walks the real PBMs ever sees it. The
 * conformance suite's arch-legacy entry below gives it MSI hooks.
 *
 * Copyright (C) 2026 msi-ops maintainers
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/irq.h>
#include <linux/msi.h>
#include <linux/msi_ops.h>
#include <linux/msi_ops_kunit.h>
#include <linux/numa.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <asm/irq.h>
#include <asm/pci_kunit.h>

#include "../../../drivers/pci/msi/msi.h"
#include "pci_impl.h"

/* The name that tells the synthetic PBMs from real ones */
static const char pbm_kunit_name[] = "kunit";

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
	pbm->name = pbm_kunit_name;
	return pbm;
}

/*
 * The arch-legacy adapter under the PCI MSI conformance suite
 *
 * On sparc64 every PCI MSI goes through the arch-legacy adapter
 * (drivers/pci/msi/legacy.c): arch_setup_msi_irqs() with the generic
 * one-by-one loop, then arch_setup_msi_irq() and arch_teardown_msi_irq()
 * here in arch/sparc/kernel/pci.c, which call the PBM's
 * ->setup_msi_irq() and ->teardown_msi_irq(). The real ones program MSI
 * queues of Fire or sun4v hardware, which QEMU's sun4u does not have;
 * the synthetic PBM gets hooks of the same contract instead: a Linux
 * interrupt and an MSI number from the PBM's bitmap per vector, the
 * message (the PBM's MSI address, the number as data) written through
 * the core, everything given back at teardown. The suite thus drives
 * the adapter and sparc64's arch hooks for real, with only the MSI
 * queue hardware simulated.
 */
#define PBM_KUNIT_MSI_FIRST	0x100
#define PBM_KUNIT_MSI_NUM	64
#define PBM_KUNIT_MSI32		0x7fff0000UL
#define PBM_KUNIT_MSI64		0x3ff7fff0000UL

static struct irq_chip pbm_kunit_msi_chip = {
	.name		= "kunit-PBM-MSI",
	.irq_mask	= pci_msi_mask_irq,
	.irq_unmask	= pci_msi_unmask_irq,
	.irq_enable	= pci_msi_unmask_irq,
	.irq_disable	= pci_msi_mask_irq,
};

/* Vectors the test lets the PBM have at once; 0: as many as it has */
static unsigned int pbm_kunit_msi_max;

static int pbm_kunit_alloc_msi(struct pci_pbm_info *pbm)
{
	unsigned int i;

	if (pbm_kunit_msi_max &&
	    bitmap_weight(pbm->msi_bitmap, pbm->msi_num) >= pbm_kunit_msi_max)
		return -ENOSPC;
	for (i = 0; i < pbm->msi_num; i++) {
		if (!test_and_set_bit(i, pbm->msi_bitmap))
			return pbm->msi_first + i;
	}
	return -ENOSPC;
}

static int pbm_kunit_setup_msi_irq(unsigned int *irq_p, struct pci_dev *pdev,
				   struct msi_desc *desc)
{
	struct pci_pbm_info *pbm = pdev->dev.archdata.host_controller;
	struct msi_msg msg;
	int msi;

	msi = pbm_kunit_alloc_msi(pbm);
	if (msi < 0)
		return msi;
	*irq_p = irq_alloc(0, 0);
	if (!*irq_p) {
		clear_bit(msi - pbm->msi_first, pbm->msi_bitmap);
		return -ENOMEM;
	}
	irq_set_chip_and_handler_name(*irq_p, &pbm_kunit_msi_chip,
				      handle_simple_irq, "MSI");
	pbm->msi_irq_table[msi - pbm->msi_first] = *irq_p;

	if (desc->pci.msi_attrib.is_64) {
		msg.address_hi = upper_32_bits(pbm->msi64_start);
		msg.address_lo = lower_32_bits(pbm->msi64_start);
	} else {
		msg.address_hi = 0;
		msg.address_lo = pbm->msi32_start;
	}
	msg.data = msi;
	irq_set_msi_desc(*irq_p, desc);
	pci_write_msi_msg(*irq_p, &msg);
	return 0;
}

static void pbm_kunit_teardown_msi_irq(unsigned int irq, struct pci_dev *pdev)
{
	struct pci_pbm_info *pbm = pdev->dev.archdata.host_controller;
	unsigned int i;

	for (i = 0; i < pbm->msi_num; i++) {
		if (test_bit(i, pbm->msi_bitmap) && pbm->msi_irq_table[i] == irq)
			break;
	}
	if (i == pbm->msi_num) {
		pci_err(pdev, "%s: teardown of irq %u, which has no MSI\n",
			pbm->name, irq);
		return;
	}
	pbm->msi_irq_table[i] = 0;
	clear_bit(i, pbm->msi_bitmap);
	irq_set_chip(irq, NULL);
	irq_free(irq);
}

/* The device's PBM (its bus's sysdata) gets MSI, and the device its PBM */
static int pbm_kunit_legacy_setup(struct kunit *test, struct pci_dev *pdev)
{
	struct pci_pbm_info *pbm = pdev->bus->sysdata;

	if (!pbm || pbm->name != pbm_kunit_name)
		return -ENODEV;
	pbm->msi_bitmap = kunit_kcalloc(test, BITS_TO_LONGS(PBM_KUNIT_MSI_NUM),
					sizeof(long), GFP_KERNEL);
	pbm->msi_irq_table = kunit_kcalloc(test, PBM_KUNIT_MSI_NUM,
					   sizeof(unsigned int), GFP_KERNEL);
	if (!pbm->msi_bitmap || !pbm->msi_irq_table)
		return -ENOMEM;
	pbm->msi_first = PBM_KUNIT_MSI_FIRST;
	pbm->msi_num = PBM_KUNIT_MSI_NUM;
	pbm->msi32_start = PBM_KUNIT_MSI32;
	pbm->msi64_start = PBM_KUNIT_MSI64;
	pbm->setup_msi_irq = pbm_kunit_setup_msi_irq;
	pbm->teardown_msi_irq = pbm_kunit_teardown_msi_irq;
	pdev->dev.archdata.host_controller = pbm;
	return 0;
}

/* MSI numbers the device's PBM has handed out */
static long pbm_kunit_legacy_held(struct pci_dev *pdev)
{
	struct pci_pbm_info *pbm = pdev->dev.archdata.host_controller;

	return pbm ? bitmap_weight(pbm->msi_bitmap, pbm->msi_num) : 0;
}

static void pbm_kunit_unlimit(void *unused)
{
	pbm_kunit_msi_max = 0;
}

static int pbm_kunit_legacy_limit(struct kunit *test, struct pci_dev *pdev,
				  unsigned int n)
{
	pbm_kunit_msi_max = n;
	return kunit_add_action_or_reset(test, pbm_kunit_unlimit, NULL);
}

static struct pci_msi_conformance pbm_kunit_legacy_conformance = {
	.name		= "arch-legacy",
	.ops		= &pci_msi_legacy_ops,
	.adapter	= true,
	.setup		= pbm_kunit_legacy_setup,
	.held		= pbm_kunit_legacy_held,
	.limit		= pbm_kunit_legacy_limit,
};

PCI_MSI_CONFORMANCE(pbm_kunit_legacy_conformance);
