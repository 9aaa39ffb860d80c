// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the dispatch of the PCI MSI core through backend ops
 *
 * Each test puts the simulated PCI device of ops_kunit_sim.c on a root
 * bus whose host bridge carries one of the mock backends below, calls
 * the driver API (pci_alloc_irq_vectors() and friends) on it and checks
 * what the core asked of the backend and what it did to the device.
 * The mocks also take the backend conformance suite
 * (conformance_kunit.c).
 *
 * Copyright (C) 2026 msi-ops maintainers
 */

#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/completion.h>
#include <linux/device.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/msi.h>
#include <linux/msi_ops.h>
#include <linux/msi_ops_kunit.h>
#include <linux/kthread.h>
#include <linux/panic.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../pci.h"
#include "msi.h"
#include "ops_kunit_sim.h"

/* The mock backends: ops_kunit_sim.c's callbacks in every combination */

/* Raw programming: composes and writes the message, no ->restore() */
static const struct pci_msi_ops mock_raw_ops = {
	.name	= "kunit-raw",
	.flags	= PCI_MSI_OPS_MULTI_MSI | PCI_MSI_OPS_MSIX,
	.check	= ops_sim_mock_check,
	.alloc	= ops_sim_mock_alloc,
	.free	= ops_sim_mock_free,
};

/* Firmware owns the message; ->restore() asks firmware again */
static const struct pci_msi_ops mock_fw_ops = {
	.name	= "kunit-fw",
	.flags	= PCI_MSI_OPS_FW_OWNS_MSG | PCI_MSI_OPS_MULTI_MSI |
		  PCI_MSI_OPS_MSIX,
	.check	= ops_sim_mock_check,
	.alloc	= ops_sim_mock_alloc,
	.free	= ops_sim_mock_free,
	.restore = ops_sim_mock_restore,
};

/* Raw programming with every optional callback, for failure injection */
static const struct pci_msi_ops mock_rec_ops = {
	.name	= "kunit-rec",
	.flags	= PCI_MSI_OPS_MULTI_MSI | PCI_MSI_OPS_MSIX,
	.check	= ops_sim_mock_check,
	.alloc	= ops_sim_mock_alloc,
	.free	= ops_sim_mock_free,
	.restore = ops_sim_mock_restore,
};

/* Raw programming with MSI-X vectors added after enabling */
static const struct pci_msi_ops mock_dyn_ops = {
	.name	= "kunit-dyn",
	.flags	= PCI_MSI_OPS_MULTI_MSI | PCI_MSI_OPS_MSIX |
		  PCI_MSI_OPS_MSIX_ALLOC_DYN,
	.check	= ops_sim_mock_check,
	.alloc	= ops_sim_mock_alloc,
	.free	= ops_sim_mock_free,
	.alloc_at = ops_sim_mock_alloc_at,
	.free_at = ops_sim_mock_free_at,
};

/* Raw programming, a single MSI vector only */
static const struct pci_msi_ops mock_single_ops = {
	.name	= "kunit-single",
	.flags	= PCI_MSI_OPS_MSIX,
	.check	= ops_sim_mock_check,
	.alloc	= ops_sim_mock_alloc,
	.free	= ops_sim_mock_free,
};

/* Raw programming, no MSI-X */
static const struct pci_msi_ops mock_nomsix_ops = {
	.name	= "kunit-nomsix",
	.flags	= PCI_MSI_OPS_MULTI_MSI,
	.check	= ops_sim_mock_check,
	.alloc	= ops_sim_mock_alloc,
	.free	= ops_sim_mock_free,
};

static unsigned int mock_features_single(struct pci_dev *dev)
{
	return PCI_MSI_OPS_MSIX;
}

static unsigned int mock_features_multi(struct pci_dev *dev)
{
	return PCI_MSI_OPS_MULTI_MSI | PCI_MSI_OPS_MSIX;
}

/* ->flags promise multi-MSI, ->features() takes it back */
static const struct pci_msi_ops mock_feat_off_ops = {
	.name		= "kunit-feat-off",
	.flags		= PCI_MSI_OPS_MULTI_MSI | PCI_MSI_OPS_MSIX,
	.features	= mock_features_single,
	.check		= ops_sim_mock_check,
	.alloc		= ops_sim_mock_alloc,
	.free		= ops_sim_mock_free,
};

/* ->flags deny multi-MSI, ->features() grants it */
static const struct pci_msi_ops mock_feat_on_ops = {
	.name		= "kunit-feat-on",
	.flags		= PCI_MSI_OPS_MSIX,
	.features	= mock_features_multi,
	.check		= ops_sim_mock_check,
	.alloc		= ops_sim_mock_alloc,
	.free		= ops_sim_mock_free,
};

/* Raw programming where the device must not be masked */
static const struct pci_msi_ops mock_nomask_ops = {
	.name		= "kunit-nomask",
	.flags		= PCI_MSI_OPS_MULTI_MSI | PCI_MSI_OPS_MSIX |
			  PCI_MSI_OPS_NO_MASK,
	.check		= ops_sim_mock_check,
	.alloc		= ops_sim_mock_alloc,
	.free		= ops_sim_mock_free,
};

/*
 * Firmware owns the message and the interrupt controller masks, as on
 * pSeries: the device's mask bits are the core's to open
 */
static const struct pci_msi_ops mock_fw_nomask_ops = {
	.name		= "kunit-fw-nomask",
	.flags		= PCI_MSI_OPS_FW_OWNS_MSG | PCI_MSI_OPS_MULTI_MSI |
			  PCI_MSI_OPS_MSIX | PCI_MSI_OPS_NO_MASK,
	.check		= ops_sim_mock_check,
	.alloc		= ops_sim_mock_alloc,
	.free		= ops_sim_mock_free,
	.restore	= ops_sim_mock_restore,
};

static unsigned int mock_features_fw(struct pci_dev *dev)
{
	return PCI_MSI_OPS_FW_OWNS_MSG | PCI_MSI_OPS_MULTI_MSI |
	       PCI_MSI_OPS_MSIX;
}

/* Firmware owns the message of this device only, says ->features() */
static const struct pci_msi_ops mock_feat_fw_ops = {
	.name		= "kunit-feat-fw",
	.flags		= PCI_MSI_OPS_MULTI_MSI | PCI_MSI_OPS_MSIX,
	.features	= mock_features_fw,
	.check		= ops_sim_mock_check,
	.alloc		= ops_sim_mock_alloc,
	.free		= ops_sim_mock_free,
	.restore	= ops_sim_mock_restore,
};

/* The same without ->restore(): the core cannot keep its promise */
static const struct pci_msi_ops mock_feat_fw_norestore_ops = {
	.name		= "kunit-feat-fw-norestore",
	.flags		= PCI_MSI_OPS_MULTI_MSI | PCI_MSI_OPS_MSIX,
	.features	= mock_features_fw,
	.check		= ops_sim_mock_check,
	.alloc		= ops_sim_mock_alloc,
	.free		= ops_sim_mock_free,
};

static unsigned int mock_features_adapter(struct pci_dev *dev)
{
	return PCI_MSI_OPS_MSIX | PCI_MSI_OPS_MSI_DOMAIN;
}

/* ->features() claims what only the core's adapters may */
static const struct pci_msi_ops mock_feat_adapter_ops = {
	.name		= "kunit-feat-adapter",
	.flags		= PCI_MSI_OPS_MSIX,
	.features	= mock_features_adapter,
	.check		= ops_sim_mock_check,
	.alloc		= ops_sim_mock_alloc,
	.free		= ops_sim_mock_free,
};

/* The tests */

/* Raw MSI: check, alloc, free in order; the message is in the device */
static void ops_test_raw_msi(struct kunit *test)
{
	struct ops_sim *sim = ops_sim_create(test, &mock_raw_ops);
	struct pci_dev *pdev = sim->pdev;
	int msi = SIM_MSI_CAP;
	u16 flags;

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 4, PCI_IRQ_MSI), 4);
	KUNIT_EXPECT_STREQ(test, ops_sim_calls(sim), "check(M,4) alloc(M,4)");
	KUNIT_EXPECT_TRUE(test, pdev->msi_enabled);
	KUNIT_EXPECT_PTR_EQ(test, pdev->msi_ops, &mock_raw_ops);
	KUNIT_EXPECT_EQ(test, ops_sim_nr_descs(pdev), 1);
	KUNIT_EXPECT_EQ(test, sim->live_irqs, 4);
	KUNIT_EXPECT_GT(test, pci_irq_vector(pdev, 0), 0);
	KUNIT_EXPECT_EQ(test, pci_irq_vector(pdev, 3), pci_irq_vector(pdev, 0) + 3);

	flags = ops_sim_get(sim, msi + PCI_MSI_FLAGS, 2);
	KUNIT_EXPECT_TRUE(test, flags & PCI_MSI_FLAGS_ENABLE);
	KUNIT_EXPECT_EQ(test, FIELD_GET(PCI_MSI_FLAGS_QSIZE, flags), 2);
	KUNIT_EXPECT_TRUE(test, ops_sim_intx_off(sim));
	KUNIT_EXPECT_EQ(test, ops_sim_get(sim, msi + PCI_MSI_ADDRESS_LO, 4), SIM_RAW_ADDR_LO(0));
	KUNIT_EXPECT_EQ(test, ops_sim_get(sim, msi + PCI_MSI_ADDRESS_HI, 4), SIM_RAW_ADDR_HI);
	KUNIT_EXPECT_EQ(test, ops_sim_get(sim, msi + PCI_MSI_DATA_64, 2), SIM_RAW_DATA(0));
	/* The check of the firmware tests sees these writes */
	KUNIT_EXPECT_GT(test, ops_sim_msi_msg_writes(sim), 0);

	pci_free_irq_vectors(pdev);
	KUNIT_EXPECT_STREQ(test, ops_sim_calls(sim), "check(M,4) alloc(M,4) free(M)");
	ops_sim_expect_clean(test, sim, false);
}

/* Raw MSI-X: each table entry holds its own message */
static void ops_test_raw_msix(struct kunit *test)
{
	struct ops_sim *sim = ops_sim_create(test, &mock_raw_ops);
	struct pci_dev *pdev = sim->pdev;
	int i;

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 8, PCI_IRQ_MSIX), 8);
	KUNIT_EXPECT_STREQ(test, ops_sim_calls(sim), "check(X,8) alloc(X,8)");
	KUNIT_EXPECT_TRUE(test, pdev->msix_enabled);
	KUNIT_EXPECT_TRUE(test, ops_sim_msix_on(sim));
	KUNIT_EXPECT_FALSE(test, ops_sim_get(sim, SIM_MSIX_CAP + PCI_MSIX_FLAGS, 2) &
			   PCI_MSIX_FLAGS_MASKALL);
	KUNIT_EXPECT_EQ(test, ops_sim_nr_descs(pdev), 8);
	KUNIT_EXPECT_EQ(test, sim->live_irqs, 8);
	KUNIT_EXPECT_EQ(test, sim->nr_map, 1);
	for (i = 0; i < SIM_MSIX_VECS; i++) {
		KUNIT_EXPECT_EQ(test, ops_sim_table(sim, i, PCI_MSIX_ENTRY_LOWER_ADDR),
				SIM_RAW_ADDR_LO(i));
		KUNIT_EXPECT_EQ(test, ops_sim_table(sim, i, PCI_MSIX_ENTRY_UPPER_ADDR),
				SIM_RAW_ADDR_HI);
		KUNIT_EXPECT_EQ(test, ops_sim_table(sim, i, PCI_MSIX_ENTRY_DATA),
				SIM_RAW_DATA(i));
	}
	KUNIT_EXPECT_EQ(test, ops_sim_msix_msg_written(sim), SIM_MSIX_VECS);

	pci_free_irq_vectors(pdev);
	KUNIT_EXPECT_STREQ(test, ops_sim_calls(sim), "check(X,8) alloc(X,8) free(X)");
	KUNIT_EXPECT_EQ(test, sim->nr_unmap, 1);
	ops_sim_expect_clean(test, sim, false);
}

/* Raw model, no ->restore(): restore rewrites the cached messages */
static void ops_test_raw_restore(struct kunit *test)
{
	struct ops_sim *sim = ops_sim_create(test, &mock_raw_ops);
	struct pci_dev *pdev = sim->pdev;
	int msi = SIM_MSI_CAP, i;

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 2, 2, PCI_IRQ_MSI), 2);
	/* A reset: message and enable bit gone */
	ops_sim_set(sim, msi + PCI_MSI_FLAGS, 2,
		    ops_sim_get(sim, msi + PCI_MSI_FLAGS, 2) & ~PCI_MSI_FLAGS_ENABLE,
		PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE);
	ops_sim_set(sim, msi + PCI_MSI_ADDRESS_LO, 4, 0, 0xfffffffc);
	ops_sim_set(sim, msi + PCI_MSI_ADDRESS_HI, 4, 0, 0xffffffff);
	ops_sim_set(sim, msi + PCI_MSI_DATA_64, 2, 0, 0xffff);
	pci_restore_msi_state(pdev);
	KUNIT_EXPECT_TRUE(test, ops_sim_msi_on(sim));
	KUNIT_EXPECT_EQ(test, ops_sim_get(sim, msi + PCI_MSI_ADDRESS_LO, 4), SIM_RAW_ADDR_LO(0));
	KUNIT_EXPECT_EQ(test, ops_sim_get(sim, msi + PCI_MSI_ADDRESS_HI, 4), SIM_RAW_ADDR_HI);
	KUNIT_EXPECT_EQ(test, ops_sim_get(sim, msi + PCI_MSI_DATA_64, 2), SIM_RAW_DATA(0));
	pci_free_irq_vectors(pdev);

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 8, PCI_IRQ_MSIX), 8);
	ops_sim_init_table(sim->table);
	ops_sim_set(sim, SIM_MSIX_CAP + PCI_MSIX_FLAGS, 2, SIM_MSIX_VECS - 1,
		    PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	pci_restore_msi_state(pdev);
	KUNIT_EXPECT_TRUE(test, ops_sim_msix_on(sim));
	for (i = 0; i < SIM_MSIX_VECS; i++) {
		KUNIT_EXPECT_EQ(test, ops_sim_table(sim, i, PCI_MSIX_ENTRY_LOWER_ADDR),
				SIM_RAW_ADDR_LO(i));
		KUNIT_EXPECT_EQ(test, ops_sim_table(sim, i, PCI_MSIX_ENTRY_UPPER_ADDR),
				SIM_RAW_ADDR_HI);
		KUNIT_EXPECT_EQ(test, ops_sim_table(sim, i, PCI_MSIX_ENTRY_DATA),
				SIM_RAW_DATA(i));
	}
	pci_free_irq_vectors(pdev);

	/* No ->restore(), so the record has none */
	KUNIT_EXPECT_STREQ(test, ops_sim_calls(sim),
			   "check(M,2) alloc(M,2) free(M) check(X,8) alloc(X,8) free(X)");
	ops_sim_expect_clean(test, sim, false);
}

/* ->restore() returning 0 means the backend did it all: no rewrite */
static void ops_test_restore_no_rewrite(struct kunit *test)
{
	struct ops_sim *sim = ops_sim_create(test, &mock_rec_ops);
	struct pci_dev *pdev = sim->pdev;
	int msi = SIM_MSI_CAP;

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI), 1);
	ops_sim_set(sim, msi + PCI_MSI_ADDRESS_LO, 4, 0, 0xfffffffc);
	sim->restore_ret = 0;
	pci_restore_msi_state(pdev);
	KUNIT_EXPECT_EQ(test, ops_sim_get(sim, msi + PCI_MSI_ADDRESS_LO, 4), 0);
	KUNIT_EXPECT_TRUE(test, ops_sim_msi_on(sim));

	sim->restore_ret = PCI_MSI_RESTORE_REWRITE;
	pci_restore_msi_state(pdev);
	KUNIT_EXPECT_EQ(test, ops_sim_get(sim, msi + PCI_MSI_ADDRESS_LO, 4), SIM_RAW_ADDR_LO(0));
	KUNIT_EXPECT_TRUE(test, ops_sim_msi_on(sim));

	pci_free_irq_vectors(pdev);
	KUNIT_EXPECT_STREQ(test, ops_sim_calls(sim),
			   "check(M,1) alloc(M,1) restore(M) restore(M) free(M)");
	ops_sim_expect_clean(test, sim, false);
}

/*
 * Firmware MSI-X: ->check() sets a quota, ->alloc() grants fewer; the
 * core never touches the table's address/data, not at setup, restore
 * or a message write, but keeps its cache.
 */
static void ops_test_fw_msix(struct kunit *test)
{
	struct ops_sim *sim = ops_sim_create(test, &mock_fw_ops);
	struct pci_dev *pdev = sim->pdev;
	struct msi_msg msg = {
		.address_lo = SIM_RAW_ADDR_LO(7),
		.address_hi = SIM_RAW_ADDR_HI,
		.data = SIM_RAW_DATA(7),
	};
	struct msi_desc *desc;

	sim->quota = 3;
	sim->grant = 2;
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 8, PCI_IRQ_MSIX), 2);
	KUNIT_EXPECT_STREQ(test, ops_sim_calls(sim),
			   "check(X,8) alloc(X,3) check(X,2) alloc(X,2)");
	KUNIT_EXPECT_EQ(test, ops_sim_nr_descs(pdev), 2);
	KUNIT_EXPECT_EQ(test, sim->live_irqs, 2);
	KUNIT_EXPECT_TRUE(test, ops_sim_msix_on(sim));
	KUNIT_EXPECT_EQ(test, ops_sim_msix_msg_written(sim), 0);

	desc = ops_sim_desc(pdev, 1);
	KUNIT_ASSERT_NOT_NULL(test, desc);
	KUNIT_EXPECT_EQ(test, desc->msg.data, SIM_FW_DATA(1));
	pci_write_msi_msg(pci_irq_vector(pdev, 1), &msg);
	KUNIT_EXPECT_EQ(test, desc->msg.data, SIM_RAW_DATA(7));
	KUNIT_EXPECT_EQ(test, ops_sim_msix_msg_written(sim), 0);

	ops_sim_set(sim, SIM_MSIX_CAP + PCI_MSIX_FLAGS, 2, SIM_MSIX_VECS - 1,
		    PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	pci_restore_msi_state(pdev);
	KUNIT_EXPECT_TRUE(test, ops_sim_msix_on(sim));
	KUNIT_EXPECT_EQ(test, ops_sim_msix_msg_written(sim), 0);
	KUNIT_EXPECT_EQ(test, ops_sim_msi_msg_writes(sim), 0);

	pci_free_irq_vectors(pdev);
	KUNIT_EXPECT_STREQ(test, ops_sim_calls(sim),
			   "check(X,8) alloc(X,3) check(X,2) alloc(X,2) restore(X) free(X)");
	ops_sim_expect_clean(test, sim, false);
}

/* Firmware MSI: no config write to address or data, ever */
static void ops_test_fw_msi(struct kunit *test)
{
	struct ops_sim *sim = ops_sim_create(test, &mock_fw_ops);
	struct pci_dev *pdev = sim->pdev;
	u16 flags;
	struct msi_msg msg = {
		.address_lo = SIM_RAW_ADDR_LO(0),
		.address_hi = SIM_RAW_ADDR_HI,
		.data = SIM_RAW_DATA(0),
	};

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 4, PCI_IRQ_MSI), 4);
	KUNIT_EXPECT_TRUE(test, ops_sim_msi_on(sim));
	KUNIT_EXPECT_EQ(test, sim->live_irqs, 4);
	KUNIT_EXPECT_EQ(test, ops_sim_msi_msg_writes(sim), 0);

	pci_write_msi_msg(pci_irq_vector(pdev, 0), &msg);
	KUNIT_EXPECT_EQ(test, ops_sim_msi_msg_writes(sim), 0);
	KUNIT_EXPECT_EQ(test, ops_sim_desc(pdev, 0)->msg.data, SIM_RAW_DATA(0));

	/*
	 * Firmware programs Multiple Message Enable with the message, here
	 * for 8 vectors where the core would write 4: the core leaves it.
	 */
	flags = ops_sim_get(sim, SIM_MSI_CAP + PCI_MSI_FLAGS, 2);
	flags &= ~(PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE);
	flags |= FIELD_PREP(PCI_MSI_FLAGS_QSIZE, 3);
	ops_sim_set(sim, SIM_MSI_CAP + PCI_MSI_FLAGS, 2, flags,
		    PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE);
	pci_restore_msi_state(pdev);
	KUNIT_EXPECT_TRUE(test, ops_sim_msi_on(sim));
	KUNIT_EXPECT_EQ(test, ops_sim_msi_msg_writes(sim), 0);
	KUNIT_EXPECT_EQ(test, ops_sim_get(sim, SIM_MSI_CAP + PCI_MSI_ADDRESS_LO, 4), 0);
	flags = ops_sim_get(sim, SIM_MSI_CAP + PCI_MSI_FLAGS, 2);
	KUNIT_EXPECT_EQ(test, FIELD_GET(PCI_MSI_FLAGS_QSIZE, flags), 3);

	pci_free_irq_vectors(pdev);
	KUNIT_EXPECT_STREQ(test, ops_sim_calls(sim),
			   "check(M,4) alloc(M,4) restore(M) free(M)");
	KUNIT_EXPECT_EQ(test, ops_sim_msi_msg_writes(sim), 0);
	KUNIT_EXPECT_FALSE(test, sim->writes_lost);
	ops_sim_expect_clean(test, sim, false);
}

/* Partial grants below the driver's minimum fail and leave nothing */
static void ops_test_grant_below_min(struct kunit *test)
{
	struct ops_sim *sim = ops_sim_create(test, &mock_fw_ops);
	struct pci_dev *pdev = sim->pdev;

	/* ->alloc() grants 2 of 8, the driver needs 3 */
	sim->grant = 2;
	KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(pdev, 3, 8, PCI_IRQ_MSIX),
			-ENOSPC);
	KUNIT_EXPECT_STREQ(test, ops_sim_calls(sim), "check(X,8) alloc(X,8)");
	ops_sim_expect_clean(test, sim, false);

	/* ->check() allows 2, the driver needs 3: no ->alloc() at all */
	sim->nr_calls = 0;
	sim->grant = 0;
	sim->quota = 2;
	KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(pdev, 3, 4, PCI_IRQ_MSI),
			-ENOSPC);
	KUNIT_EXPECT_STREQ(test, ops_sim_calls(sim), "check(M,4)");
	ops_sim_expect_clean(test, sim, false);

	/* A grant at or above the minimum is retried and taken */
	sim->nr_calls = 0;
	sim->quota = 0;
	sim->grant = 2;
	KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(pdev, 2, 4, PCI_IRQ_MSI), 2);
	KUNIT_EXPECT_STREQ(test, ops_sim_calls(sim),
			   "check(M,4) alloc(M,4) check(M,2) alloc(M,2)");
	KUNIT_EXPECT_EQ(test, sim->live_irqs, 2);
	pci_free_irq_vectors(pdev);
	ops_sim_expect_clean(test, sim, false);
}

struct ops_fail_case {
	enum sim_cb	cb;
	int		type;
	int		err;
	const char	*calls;
};

static const struct ops_fail_case ops_fail_cases[] = {
	{ SIM_CB_CHECK, PCI_CAP_ID_MSI, -EBUSY, "check(M,4)" },
	{ SIM_CB_CHECK, PCI_CAP_ID_MSIX, -EBUSY, "check(X,4)" },
	{ SIM_CB_ALLOC, PCI_CAP_ID_MSI, -ENOMEM, "check(M,4) alloc(M,4)" },
	{ SIM_CB_ALLOC, PCI_CAP_ID_MSIX, -ENOMEM, "check(X,4) alloc(X,4)" },
	{ SIM_CB_RESTORE, PCI_CAP_ID_MSI, -EIO,
	  "check(M,4) alloc(M,4) restore(M) free(M)" },
	{ SIM_CB_RESTORE, PCI_CAP_ID_MSIX, -EIO,
	  "check(X,4) alloc(X,4) restore(X) free(X)" },
};

static void ops_fail_case_desc(const struct ops_fail_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s %s %d", ops_sim_cb_names[c->cb],
		 c->type == PCI_CAP_ID_MSIX ? "msix" : "msi", c->err);
}

KUNIT_ARRAY_PARAM(ops_fail, ops_fail_cases, ops_fail_case_desc);

/* An error from any callback unwinds completely */
static void ops_test_callback_error(struct kunit *test)
{
	const struct ops_fail_case *c = test->param_value;
	struct ops_sim *sim = ops_sim_create(test, &mock_rec_ops);
	struct pci_dev *pdev = sim->pdev;
	unsigned int flags = c->type == PCI_CAP_ID_MSIX ? PCI_IRQ_MSIX :
							  PCI_IRQ_MSI;
	bool intx_off = ops_sim_intx_off(sim);

	sim->fail_cb = c->cb;
	sim->fail_err = c->err;
	sim->restore_ret = PCI_MSI_RESTORE_REWRITE;

	if (c->cb != SIM_CB_RESTORE) {
		KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 4, flags),
				c->err);
		KUNIT_EXPECT_STREQ(test, ops_sim_calls(sim), c->calls);
		ops_sim_expect_clean(test, sim, intx_off);
		return;
	}

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 4, 4, flags), 4);
	pci_restore_msi_state(pdev);
	/* The backend could not restore: left disabled, not misrouted */
	if (c->type == PCI_CAP_ID_MSIX)
		KUNIT_EXPECT_FALSE(test, ops_sim_msix_on(sim));
	else
		KUNIT_EXPECT_FALSE(test, ops_sim_msi_on(sim));
	pci_free_irq_vectors(pdev);
	KUNIT_EXPECT_STREQ(test, ops_sim_calls(sim), c->calls);
	ops_sim_expect_clean(test, sim, intx_off);
}

/* MSI and MSI-X exclude each other, without asking the backend */
static void ops_test_exclusive(struct kunit *test)
{
	struct ops_sim *sim = ops_sim_create(test, &mock_raw_ops);
	struct pci_dev *pdev = sim->pdev;

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI), 1);
	KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 8, PCI_IRQ_MSIX),
			-EINVAL);
	KUNIT_EXPECT_STREQ(test, ops_sim_calls(sim), "check(M,1) alloc(M,1)");
	KUNIT_EXPECT_FALSE(test, pdev->msix_enabled);
	KUNIT_EXPECT_FALSE(test, ops_sim_msix_on(sim));
	KUNIT_EXPECT_EQ(test, sim->nr_map, 0);
	KUNIT_EXPECT_TRUE(test, ops_sim_msi_on(sim));
	pci_free_irq_vectors(pdev);

	sim->nr_calls = 0;
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 2, PCI_IRQ_MSIX), 2);
	KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, pci_enable_msi(pdev), -EINVAL);
	KUNIT_EXPECT_STREQ(test, ops_sim_calls(sim), "check(X,2) alloc(X,2)");
	KUNIT_EXPECT_FALSE(test, pdev->msi_enabled);
	KUNIT_EXPECT_FALSE(test, ops_sim_msi_on(sim));
	KUNIT_EXPECT_TRUE(test, ops_sim_msix_on(sim));
	pci_free_irq_vectors(pdev);
	ops_sim_expect_clean(test, sim, false);
}

/* Disabling what was never enabled does nothing at all */
static void ops_test_disable_unused(struct kunit *test)
{
	struct ops_sim *sim = ops_sim_create(test, &mock_raw_ops);
	struct pci_dev *pdev = sim->pdev;

	pci_disable_msi(pdev);
	pci_disable_msix(pdev);
	pci_free_irq_vectors(pdev);
	KUNIT_EXPECT_EQ(test, sim->nr_calls, 0);
	KUNIT_EXPECT_EQ(test, sim->nr_writes, 0);
	ops_sim_expect_clean(test, sim, false);

	/* Nor does disabling twice */
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI), 1);
	pci_disable_msi(pdev);
	sim->nr_writes = 0;
	pci_disable_msi(pdev);
	pci_free_irq_vectors(pdev);
	KUNIT_EXPECT_EQ(test, sim->nr_writes, 0);
	KUNIT_EXPECT_STREQ(test, ops_sim_calls(sim), "check(M,1) alloc(M,1) free(M)");
	ops_sim_expect_clean(test, sim, false);
}

/*
 * Enabling MSI or MSI-X a second time is a driver bug, and the core
 * WARNs about it (once per boot and call site). A test that provokes the
 * warning brackets it with these log lines, naming the function that
 * warns, so that whoever reads the log can tell an expected warning
 * from a real one: one of that function between them, and nothing else.
 */
static void ops_expect_warn(const char *func, bool begin)
{
	pr_info("msi-ops-kunit: %s expected WARNING in %s\n",
		begin ? "begin" : "end", func);
}

/* A second enable fails, leaves the first one alone and warns */
static void ops_test_double_enable(struct kunit *test)
{
	struct ops_sim *sim = ops_sim_create(test, &mock_raw_ops);
	struct pci_dev *pdev = sim->pdev;
	bool tainted = test_taint(TAINT_WARN);

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI), 1);
	sim->nr_calls = 0;
	sim->nr_writes = 0;
	ops_expect_warn("__pci_enable_msi_range", true);
	KUNIT_EXPECT_EQ(test, pci_enable_msi(pdev), -EINVAL);
	ops_expect_warn("__pci_enable_msi_range", false);
	KUNIT_EXPECT_EQ(test, sim->nr_calls, 0);
	KUNIT_EXPECT_EQ(test, sim->nr_writes, 0);
	KUNIT_EXPECT_TRUE(test, pdev->msi_enabled);
	KUNIT_EXPECT_TRUE(test, ops_sim_msi_on(sim));
	pci_free_irq_vectors(pdev);
	ops_sim_expect_clean(test, sim, false);

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 2, 2, PCI_IRQ_MSIX), 2);
	sim->nr_calls = 0;
	sim->nr_writes = 0;
	ops_expect_warn("__pci_enable_msix_range", true);
	KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSIX),
			-EINVAL);
	ops_expect_warn("__pci_enable_msix_range", false);
	KUNIT_EXPECT_EQ(test, sim->nr_calls, 0);
	KUNIT_EXPECT_EQ(test, sim->nr_writes, 0);
	KUNIT_EXPECT_TRUE(test, pdev->msix_enabled);
	KUNIT_EXPECT_TRUE(test, ops_sim_msix_on(sim));
	pci_free_irq_vectors(pdev);
	ops_sim_expect_clean(test, sim, false);

	/*
	 * The warnings were given; once the kernel had warned before, only
	 * the log can tell (see ops_expect_warn()).
	 */
	if (!tainted)
		KUNIT_EXPECT_TRUE(test, test_taint(TAINT_WARN));
}

/* Vector counts out of range never reach the backend, or are clamped */
static void ops_test_bad_nvec(struct kunit *test)
{
	struct ops_sim *sim = ops_sim_create(test, &mock_raw_ops);
	struct pci_dev *pdev = sim->pdev;
	struct msix_entry entries[1] = { { .entry = 0 } };

	KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(pdev, 0, 0, PCI_IRQ_MSI), -EINVAL);
	KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(pdev, 0, 0, PCI_IRQ_MSIX), -EINVAL);
	KUNIT_EXPECT_EQ(test, pci_enable_msix_range(pdev, entries, -1, -1), -EINVAL);
	KUNIT_EXPECT_EQ(test, pci_enable_msix_range(pdev, entries, 1, -1), -ERANGE);
	KUNIT_EXPECT_EQ(test, pci_enable_msix_range(pdev, entries, 0, 0), -EINVAL);
	/* More than the table has, or than MSI can do */
	KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(pdev, 9, 16, PCI_IRQ_MSIX), -ENOSPC);
	KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(pdev, 33, 64, PCI_IRQ_MSI), -ENOSPC);
	KUNIT_EXPECT_EQ(test, sim->nr_calls, 0);
	ops_sim_expect_clean(test, sim, false);

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 16, PCI_IRQ_MSIX), 8);
	pci_free_irq_vectors(pdev);
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 64, PCI_IRQ_MSI), 32);
	KUNIT_EXPECT_EQ(test, sim->live_irqs, 32);
	KUNIT_EXPECT_EQ(test, FIELD_GET(PCI_MSI_FLAGS_QSIZE,
					ops_sim_get(sim, SIM_MSI_CAP + PCI_MSI_FLAGS, 2)), 5);
	pci_free_irq_vectors(pdev);
	KUNIT_EXPECT_STREQ(test, ops_sim_calls(sim),
			   "check(X,8) alloc(X,8) free(X) check(M,32) alloc(M,32) free(M)");
	ops_sim_expect_clean(test, sim, false);
}

/* The bridge's backend serves the device, and binds it while vectors exist */
static void ops_test_resolve(struct kunit *test)
{
	struct ops_sim *sim = ops_sim_create(test, &mock_raw_ops);
	struct pci_dev *pdev = sim->pdev;

	KUNIT_EXPECT_PTR_EQ(test, pci_msi_dev_ops(pdev), &mock_raw_ops);
	KUNIT_EXPECT_NULL(test, pdev->msi_ops);

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 2, PCI_IRQ_MSI), 2);
	KUNIT_EXPECT_PTR_EQ(test, pdev->msi_ops, &mock_raw_ops);
	KUNIT_EXPECT_PTR_EQ(test, pci_msi_dev_ops(pdev), &mock_raw_ops);
	pci_free_irq_vectors(pdev);
	KUNIT_EXPECT_NULL(test, pdev->msi_ops);
	KUNIT_EXPECT_PTR_EQ(test, pci_msi_dev_ops(pdev), &mock_raw_ops);

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 2, PCI_IRQ_MSIX), 2);
	KUNIT_EXPECT_PTR_EQ(test, pdev->msi_ops, &mock_raw_ops);
	KUNIT_EXPECT_PTR_EQ(test, pci_msi_dev_ops(pdev), &mock_raw_ops);
	pci_free_irq_vectors(pdev);
	KUNIT_EXPECT_NULL(test, pdev->msi_ops);
	KUNIT_EXPECT_PTR_EQ(test, pci_msi_dev_ops(pdev), &mock_raw_ops);

	KUNIT_EXPECT_STREQ(test, ops_sim_calls(sim),
			   "check(M,2) alloc(M,2) free(M) check(X,2) alloc(X,2) free(X)");
	ops_sim_expect_clean(test, sim, false);
}

static const struct pci_msi_ops bad_no_alloc_ops = {
	.name	= "kunit-bad-no-alloc",
	.free	= ops_sim_mock_free,
};

static const struct pci_msi_ops bad_no_free_ops = {
	.name	= "kunit-bad-no-free",
	.alloc	= ops_sim_mock_alloc,
};

static const struct pci_msi_ops bad_fw_no_restore_ops = {
	.name	= "kunit-bad-fw",
	.flags	= PCI_MSI_OPS_FW_OWNS_MSG | PCI_MSI_OPS_MSIX,
	.alloc	= ops_sim_mock_alloc,
	.free	= ops_sim_mock_free,
};

static const struct pci_msi_ops bad_dyn_no_at_ops = {
	.name	= "kunit-bad-dyn",
	.flags	= PCI_MSI_OPS_MSIX | PCI_MSI_OPS_MSIX_ALLOC_DYN,
	.alloc	= ops_sim_mock_alloc,
	.free	= ops_sim_mock_free,
};

static const struct pci_msi_ops bad_dyn_no_free_at_ops = {
	.name	= "kunit-bad-dyn-free",
	.flags	= PCI_MSI_OPS_MSIX | PCI_MSI_OPS_MSIX_ALLOC_DYN,
	.alloc	= ops_sim_mock_alloc,
	.free	= ops_sim_mock_free,
	.alloc_at = ops_sim_mock_alloc_at,
};

static const struct pci_msi_ops bad_dyn_no_alloc_at_ops = {
	.name	= "kunit-bad-dyn-alloc",
	.flags	= PCI_MSI_OPS_MSIX | PCI_MSI_OPS_MSIX_ALLOC_DYN,
	.alloc	= ops_sim_mock_alloc,
	.free	= ops_sim_mock_free,
	.free_at = ops_sim_mock_free_at,
};

static void sim_free_bridge(void *data)
{
	pci_free_host_bridge(data);
}

/* Incomplete backends and bridges with devices are refused */
static void ops_test_set_bridge_ops(struct kunit *test)
{
	static const struct pci_msi_ops * const bad[] = {
		NULL,
		&bad_no_alloc_ops,
		&bad_no_free_ops,
		&bad_fw_no_restore_ops,
		&bad_dyn_no_at_ops,
		&bad_dyn_no_free_at_ops,
		&bad_dyn_no_alloc_at_ops,
	};
	struct pci_host_bridge *bridge;
	struct pci_bus *bus;
	struct ops_sim *sim;
	unsigned int i;

	bridge = pci_alloc_host_bridge(0);
	KUNIT_ASSERT_NOT_NULL(test, bridge);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, sim_free_bridge,
							bridge), 0);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, pci_host_bridge_set_msi_ops(bridge, bad[i]),
				    -EINVAL, "%s", bad[i] ? bad[i]->name : "NULL");
		KUNIT_EXPECT_NULL(test, bridge->msi_ops);
		/* Report each table on its own */
		bridge->msi_ops = NULL;
	}
	KUNIT_EXPECT_EQ(test, pci_host_bridge_set_msi_ops(bridge, &mock_dyn_ops), 0);
	KUNIT_EXPECT_PTR_EQ(test, bridge->msi_ops, &mock_dyn_ops);
	KUNIT_EXPECT_EQ(test, pci_host_bridge_set_msi_ops(bridge, &mock_fw_ops), 0);
	KUNIT_EXPECT_PTR_EQ(test, bridge->msi_ops, &mock_fw_ops);

	/* A root bus without devices yet: its scan has not started */
	bus = kunit_kzalloc(test, sizeof(*bus), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bus);
	INIT_LIST_HEAD(&bus->devices);
	bridge->bus = bus;
	KUNIT_EXPECT_EQ(test, pci_host_bridge_set_msi_ops(bridge, &mock_raw_ops), 0);
	KUNIT_EXPECT_PTR_EQ(test, bridge->msi_ops, &mock_raw_ops);
	bridge->bus = NULL;

	/* Registered: the devices below keep their backend */
	sim = ops_sim_create(test, &mock_raw_ops);
	KUNIT_EXPECT_EQ(test, pci_host_bridge_set_msi_ops(sim->bridge, &mock_fw_ops),
			-EBUSY);
	KUNIT_EXPECT_PTR_EQ(test, sim->bridge->msi_ops, &mock_raw_ops);
	KUNIT_EXPECT_PTR_EQ(test, pci_msi_dev_ops(sim->pdev), &mock_raw_ops);
	KUNIT_EXPECT_EQ(test, sim->nr_calls, 0);
	ops_sim_expect_clean(test, sim, false);
}

/* Without PCI_MSI_OPS_MULTI_MSI plain MSI gets one vector */
static void ops_test_no_multi_msi(struct kunit *test)
{
	struct ops_sim *sim = ops_sim_create(test, &mock_single_ops);
	struct pci_dev *pdev = sim->pdev;

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 4, PCI_IRQ_MSI), 1);
	KUNIT_EXPECT_STREQ(test, ops_sim_calls(sim), "check(M,4) check(M,1) alloc(M,1)");
	KUNIT_EXPECT_EQ(test, ops_sim_nr_descs(pdev), 1);
	KUNIT_EXPECT_EQ(test, sim->live_irqs, 1);
	KUNIT_EXPECT_TRUE(test, ops_sim_msi_on(sim));
	KUNIT_EXPECT_EQ(test, FIELD_GET(PCI_MSI_FLAGS_QSIZE,
					ops_sim_get(sim, SIM_MSI_CAP + PCI_MSI_FLAGS, 2)), 0);
	pci_free_irq_vectors(pdev);
	ops_sim_expect_clean(test, sim, false);

	/* The driver needs two: nothing is allocated */
	sim->nr_calls = 0;
	KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(pdev, 2, 4, PCI_IRQ_MSI),
			-ENOSPC);
	KUNIT_EXPECT_STREQ(test, ops_sim_calls(sim), "check(M,4)");
	ops_sim_expect_clean(test, sim, false);

	/* MSI-X is not limited by it */
	sim->nr_calls = 0;
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 4, PCI_IRQ_MSIX), 4);
	pci_free_irq_vectors(pdev);
	KUNIT_EXPECT_STREQ(test, ops_sim_calls(sim), "check(X,4) alloc(X,4) free(X)");
	ops_sim_expect_clean(test, sim, false);
}

/* Without PCI_MSI_OPS_MSIX, MSI-X fails early and MSI is the fallback */
static void ops_test_no_msix(struct kunit *test)
{
	struct ops_sim *sim = ops_sim_create(test, &mock_nomsix_ops);
	struct pci_dev *pdev = sim->pdev;

	KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 4, PCI_IRQ_MSIX),
			-ENOTSUPP);
	KUNIT_EXPECT_EQ(test, sim->nr_calls, 0);
	KUNIT_EXPECT_EQ(test, sim->nr_map, 0);
	KUNIT_EXPECT_FALSE(test, pci_msix_can_alloc_dyn(pdev));
	ops_sim_expect_clean(test, sim, false);

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 4,
						    PCI_IRQ_MSIX | PCI_IRQ_MSI), 4);
	KUNIT_EXPECT_TRUE(test, pdev->msi_enabled);
	KUNIT_EXPECT_FALSE(test, pdev->msix_enabled);
	KUNIT_EXPECT_TRUE(test, ops_sim_msi_on(sim));
	KUNIT_EXPECT_FALSE(test, ops_sim_msix_on(sim));
	KUNIT_EXPECT_EQ(test, sim->nr_map, 0);
	KUNIT_EXPECT_EQ(test, sim->live_irqs, 4);
	pci_free_irq_vectors(pdev);
	KUNIT_EXPECT_STREQ(test, ops_sim_calls(sim), "check(M,4) alloc(M,4) free(M)");
	ops_sim_expect_clean(test, sim, false);
}

/* ->features() overrides ->flags, both ways */
static void ops_test_features(struct kunit *test)
{
	struct ops_sim *sim = ops_sim_create(test, &mock_feat_off_ops);
	struct pci_dev *pdev = sim->pdev;

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 4, PCI_IRQ_MSI), 1);
	KUNIT_EXPECT_EQ(test, sim->live_irqs, 1);
	pci_free_irq_vectors(pdev);
	KUNIT_EXPECT_STREQ(test, ops_sim_calls(sim),
			   "check(M,4) check(M,1) alloc(M,1) free(M)");
	ops_sim_expect_clean(test, sim, false);
}

static void ops_test_features_grant(struct kunit *test)
{
	struct ops_sim *sim = ops_sim_create(test, &mock_feat_on_ops);
	struct pci_dev *pdev = sim->pdev;

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 4, PCI_IRQ_MSI), 4);
	KUNIT_EXPECT_EQ(test, sim->live_irqs, 4);
	pci_free_irq_vectors(pdev);
	KUNIT_EXPECT_STREQ(test, ops_sim_calls(sim), "check(M,4) alloc(M,4) free(M)");
	ops_sim_expect_clean(test, sim, false);
}

/*
 * Dynamic MSI-X goes to ->alloc_at() and ->free_at(), once enabled, with
 * a descriptor of the core's: the driver finds the vector by its index,
 * the table entry is masked until requested, and freeing it leaves the
 * others alone.
 */
static void ops_test_msix_dyn(struct kunit *test)
{
	struct ops_sim *sim = ops_sim_create(test, &mock_dyn_ops);
	struct pci_dev *pdev = sim->pdev;
	struct msi_map map, any;
	struct msi_desc *desc;

	KUNIT_EXPECT_TRUE(test, pci_msix_can_alloc_dyn(pdev));
	map = pci_msix_alloc_irq_at(pdev, 5, NULL);
	KUNIT_EXPECT_EQ(test, map.index, -ENOTSUPP);
	KUNIT_EXPECT_EQ(test, sim->nr_calls, 0);

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 2, 2, PCI_IRQ_MSIX), 2);
	map = pci_msix_alloc_irq_at(pdev, 5, NULL);
	KUNIT_ASSERT_EQ(test, map.index, 5);
	KUNIT_EXPECT_GT(test, map.virq, 0);
	KUNIT_EXPECT_EQ(test, pci_irq_vector(pdev, 5), map.virq);
	KUNIT_EXPECT_EQ(test, ops_sim_nr_descs(pdev), 3);
	KUNIT_EXPECT_EQ(test, sim->live_irqs, 3);
	desc = irq_get_msi_desc(map.virq);
	KUNIT_ASSERT_NOT_NULL(test, desc);
	KUNIT_EXPECT_EQ(test, desc->msi_index, 5);
	KUNIT_EXPECT_TRUE(test, desc->pci.msi_attrib.is_msix);
	KUNIT_EXPECT_TRUE(test, ops_sim_table(sim, 5, PCI_MSIX_ENTRY_VECTOR_CTRL) &
				PCI_MSIX_ENTRY_CTRL_MASKBIT);
	KUNIT_EXPECT_EQ(test, ops_sim_table(sim, 5, PCI_MSIX_ENTRY_DATA), SIM_RAW_DATA(5));

	/* A taken index is refused; any index takes the first free one */
	KUNIT_EXPECT_EQ(test, pci_msix_alloc_irq_at(pdev, 5, NULL).index, -EBUSY);
	any = pci_msix_alloc_irq_at(pdev, MSI_ANY_INDEX, NULL);
	KUNIT_EXPECT_EQ(test, any.index, 2);
	KUNIT_EXPECT_EQ(test, pci_irq_vector(pdev, 2), any.virq);

	pci_msix_free_irq(pdev, map);
	KUNIT_EXPECT_EQ(test, sim->live_irqs, 3);
	KUNIT_EXPECT_EQ(test, ops_sim_nr_descs(pdev), 3);
	KUNIT_EXPECT_EQ(test, pci_irq_vector(pdev, 5), -EINVAL);
	KUNIT_EXPECT_GT(test, pci_irq_vector(pdev, 1), 0);

	/* A failure comes back in msi_map::index, with no descriptor left */
	sim->fail_cb = SIM_CB_ALLOC_AT;
	sim->fail_err = -ENOSPC;
	map = pci_msix_alloc_irq_at(pdev, 6, NULL);
	KUNIT_EXPECT_EQ(test, map.index, -ENOSPC);
	KUNIT_EXPECT_EQ(test, map.virq, 0);
	KUNIT_EXPECT_EQ(test, ops_sim_nr_descs(pdev), 3);
	sim->fail_cb = SIM_CB_NONE;

	/* Beyond the table */
	map = pci_msix_alloc_irq_at(pdev, SIM_MSIX_VECS, NULL);
	KUNIT_EXPECT_EQ(test, map.index, -ERANGE);

	pci_free_irq_vectors(pdev);
	KUNIT_EXPECT_STREQ(test, ops_sim_calls(sim),
			   "check(X,2) alloc(X,2) alloc_at(X,5) alloc_at(X,2) free_at(X,5) alloc_at(X,6) free(X)");
	ops_sim_expect_clean(test, sim, false);
}

/* Without PCI_MSI_OPS_MSIX_ALLOC_DYN the backend is never asked */
static void ops_test_msix_no_dyn(struct kunit *test)
{
	struct ops_sim *sim = ops_sim_create(test, &mock_raw_ops);
	struct pci_dev *pdev = sim->pdev;
	struct msi_map map;

	KUNIT_EXPECT_FALSE(test, pci_msix_can_alloc_dyn(pdev));
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 2, 2, PCI_IRQ_MSIX), 2);
	KUNIT_EXPECT_FALSE(test, pci_msix_can_alloc_dyn(pdev));
	map = pci_msix_alloc_irq_at(pdev, 5, NULL);
	KUNIT_EXPECT_EQ(test, map.index, -ENOTSUPP);
	KUNIT_EXPECT_EQ(test, map.virq, 0);
	KUNIT_EXPECT_EQ(test, sim->live_irqs, 2);
	pci_free_irq_vectors(pdev);
	KUNIT_EXPECT_STREQ(test, ops_sim_calls(sim), "check(X,2) alloc(X,2) free(X)");
	ops_sim_expect_clean(test, sim, false);
}

/*
 * Every backend's interrupts must be one-shot safe, as those of the
 * PCI/MSI irq domains are: a threaded handler without a primary one is
 * what drivers request. A backend whose irq_chip is not gets no vector,
 * and what it allocated is given back.
 */
static void ops_test_oneshot_refused(struct kunit *test)
{
	struct ops_sim *sim = ops_sim_create(test, &mock_raw_ops);
	struct pci_dev *pdev = sim->pdev;

	sim->chip = &dummy_irq_chip;
	KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 2, PCI_IRQ_MSIX),
			-EINVAL);
	KUNIT_EXPECT_STREQ(test, ops_sim_calls(sim), "check(X,2) alloc(X,2) free(X)");
	ops_sim_expect_clean(test, sim, false);

	/* With a one-shot safe chip the same request works */
	sim->chip = &ops_sim_chip;
	sim->nr_calls = 0;
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 2, PCI_IRQ_MSIX), 2);
	pci_free_irq_vectors(pdev);
	ops_sim_expect_clean(test, sim, false);
}

/* What msi_activate_early() should have left for @virq */
static void ops_expect_activated(struct kunit *test, int virq, bool reserved)
{
	struct irq_data *d = irq_get_irq_data(virq);

	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_EXPECT_EQ_MSG(test, irqd_is_activated(d), !reserved, "irq %d", virq);
	if (!reserved)
		KUNIT_EXPECT_FALSE_MSG(test, irqd_can_reserve(d), "irq %d", virq);
}

/*
 * The core activates every vector before MSI is enabled: vectors the
 * core masks may stay reserved where the architecture has reservation
 * mode, the others are activated for good. Dynamic MSI-X too.
 */
static void ops_test_activate_early(struct kunit *test)
{
	bool rsv = IS_ENABLED(CONFIG_GENERIC_IRQ_RESERVATION_MODE);
	struct ops_sim *sim = ops_sim_create(test, &mock_dyn_ops);
	struct pci_dev *pdev = sim->pdev;
	struct msi_map map;

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 2, 2, PCI_IRQ_MSIX), 2);
	ops_expect_activated(test, pci_irq_vector(pdev, 0), rsv);
	ops_expect_activated(test, pci_irq_vector(pdev, 1), rsv);
	map = pci_msix_alloc_irq_at(pdev, 4, NULL);
	KUNIT_ASSERT_EQ(test, map.index, 4);
	ops_expect_activated(test, map.virq, rsv);
	pci_free_irq_vectors(pdev);
	ops_sim_expect_clean(test, sim, false);
}

/* Without per-vector masking nothing can wait on a reserved vector */
static void ops_test_activate_nomask(struct kunit *test)
{
	struct ops_sim *sim = ops_sim_create(test, &mock_nomask_ops);
	struct pci_dev *pdev = sim->pdev;

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 2, 2, PCI_IRQ_MSIX), 2);
	ops_expect_activated(test, pci_irq_vector(pdev, 0), false);
	ops_expect_activated(test, pci_irq_vector(pdev, 1), false);
	pci_free_irq_vectors(pdev);
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 4, 4, PCI_IRQ_MSI), 4);
	ops_expect_activated(test, pci_irq_vector(pdev, 0), false);
	ops_expect_activated(test, pci_irq_vector(pdev, 3), false);
	pci_free_irq_vectors(pdev);
	ops_sim_expect_clean(test, sim, false);
}

/* How many MSI-X entries have their mask bit clear */
static unsigned int ops_sim_msix_open(struct ops_sim *sim)
{
	unsigned int i, n = 0;

	for (i = 0; i < SIM_MSIX_VECS; i++)
		n += !(ops_sim_table(sim, i, PCI_MSIX_ENTRY_VECTOR_CTRL) &
		       PCI_MSIX_ENTRY_CTRL_MASKBIT);
	return n;
}

/*
 * Firmware programs address and data, the interrupt controller masks:
 * the core opens the MSI-X entries in use, and only those, after the
 * backend set them up and after every successful restore, and never
 * writes a message. A failed restore leaves them as the reset did.
 */
static void ops_test_fw_nomask_open(struct kunit *test)
{
	struct ops_sim *sim = ops_sim_create(test, &mock_fw_nomask_ops);
	struct pci_dev *pdev = sim->pdev;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 3, 3, PCI_IRQ_MSIX), 3);
	for (i = 0; i < SIM_MSIX_VECS; i++)
		KUNIT_EXPECT_EQ_MSG(test, ops_sim_table(sim, i,
							PCI_MSIX_ENTRY_VECTOR_CTRL),
				    i < 3 ? 0 : PCI_MSIX_ENTRY_CTRL_MASKBIT,
				    "entry %u", i);
	KUNIT_EXPECT_EQ(test, ops_sim_msix_msg_written(sim), 0);

	ops_sim_reset(sim);
	KUNIT_EXPECT_EQ(test, ops_sim_msix_open(sim), 0);
	pci_restore_msi_state(pdev);
	KUNIT_EXPECT_EQ(test, ops_sim_msix_open(sim), 3);
	KUNIT_EXPECT_TRUE(test, ops_sim_msix_on(sim));
	KUNIT_EXPECT_EQ(test, ops_sim_msix_msg_written(sim), 0);

	ops_sim_reset(sim);
	sim->fail_cb = SIM_CB_RESTORE;
	sim->fail_err = -EIO;
	pci_restore_msi_state(pdev);
	KUNIT_EXPECT_EQ(test, ops_sim_msix_open(sim), 0);
	KUNIT_EXPECT_FALSE(test, ops_sim_msix_on(sim));
	sim->fail_cb = SIM_CB_NONE;
	pci_free_irq_vectors(pdev);
	ops_sim_expect_clean(test, sim, false);

	/* MSI has no entries to open; nothing is written there either */
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 2, 2, PCI_IRQ_MSI), 2);
	KUNIT_EXPECT_EQ(test, ops_sim_msi_msg_writes(sim), 0);
	pci_free_irq_vectors(pdev);
	ops_sim_expect_clean(test, sim, false);
}

/*
 * Message ownership reported per device by ->features() binds the core
 * as ->flags does: no address/data write at setup, at restore or from
 * the irq_chip; and a backend that cannot restore such a device does
 * not get it.
 */
static void ops_test_features_fw(struct kunit *test)
{
	struct ops_sim *sim = ops_sim_create(test, &mock_feat_fw_ops);
	struct pci_dev *pdev = sim->pdev;
	struct msi_msg msg = {
		.address_lo = SIM_RAW_ADDR_LO(3),
		.address_hi = SIM_RAW_ADDR_HI,
		.data = SIM_RAW_DATA(3),
	};

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 2, 2, PCI_IRQ_MSIX), 2);
	pci_write_msi_msg(pci_irq_vector(pdev, 0), &msg);
	ops_sim_set(sim, SIM_MSIX_CAP + PCI_MSIX_FLAGS, 2, SIM_MSIX_VECS - 1,
		    PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	pci_restore_msi_state(pdev);
	KUNIT_EXPECT_EQ(test, ops_sim_msix_msg_written(sim), 0);
	pci_free_irq_vectors(pdev);

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI), 1);
	pci_write_msi_msg(pci_irq_vector(pdev, 0), &msg);
	KUNIT_EXPECT_EQ(test, ops_sim_msi_msg_writes(sim), 0);
	pci_free_irq_vectors(pdev);
	KUNIT_EXPECT_STREQ(test, ops_sim_calls(sim),
			   "check(X,2) alloc(X,2) restore(X) free(X) check(M,1) alloc(M,1) free(M)");
	ops_sim_expect_clean(test, sim, false);
}

static void ops_test_features_fw_norestore(struct kunit *test)
{
	struct ops_sim *sim = ops_sim_create(test, &mock_feat_fw_norestore_ops);
	struct pci_dev *pdev = sim->pdev;

	KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 2, PCI_IRQ_MSIX),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, sim->nr_calls, 0);
	KUNIT_EXPECT_EQ(test, ops_sim_msix_msg_written(sim), 0);
	ops_sim_expect_clean(test, sim, false);
}

/*
 * Adapter-only properties skip the core's checks and activation; a
 * backend cannot get them through ->features() either.
 */
static void ops_test_features_adapter(struct kunit *test)
{
	struct ops_sim *sim = ops_sim_create(test, &mock_feat_adapter_ops);
	struct pci_dev *pdev = sim->pdev;

	KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 2, PCI_IRQ_MSIX),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, sim->nr_calls, 0);
	ops_sim_expect_clean(test, sim, false);
}

/*
 * Sun NIU wants a write of the MSI-X data word before the vector
 * control word is read. Where firmware owns the message that write is
 * not the core's to make, whatever else the backend says.
 */
static void ops_test_niu_fw(struct kunit *test)
{
	struct ops_sim *sim = ops_sim_create(test, &mock_fw_ops);
	struct pci_dev *pdev = sim->pdev;

	pdev->dev_flags |= PCI_DEV_FLAGS_MSIX_TOUCH_ENTRY_DATA_FIRST;
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 3, 3, PCI_IRQ_MSIX), 3);
	KUNIT_EXPECT_EQ(test, ops_sim_msix_msg_written(sim), 0);
	KUNIT_EXPECT_EQ(test, ops_sim_table(sim, 0, PCI_MSIX_ENTRY_DATA), SIM_POISON);
	pci_free_irq_vectors(pdev);
	ops_sim_expect_clean(test, sim, false);
	pdev->dev_flags &= ~PCI_DEV_FLAGS_MSIX_TOUCH_ENTRY_DATA_FIRST;
}

/*
 * A device served by a backend may have an MSI domain all the same: the
 * platform's MSI parent, or whatever irq domain the firmware lookup
 * found. Its descriptors are the core's, and enable, free and enable
 * again must work, with nothing left behind.
 */
static int ops_test_domain_alloc(struct irq_domain *d, unsigned int virq,
				 unsigned int nr_irqs, void *arg)
{
	return -EINVAL;
}

static const struct irq_domain_ops ops_test_domain_ops = {
	.alloc	= ops_test_domain_alloc,
};

/* A per device domain below it could not be made: nor is one wanted */
static bool ops_test_init_dev_msi_info(struct device *dev,
				       struct irq_domain *domain,
				       struct irq_domain *msi_parent_domain,
				       struct msi_domain_info *msi_child_info)
{
	return false;
}

static const struct msi_parent_ops ops_test_parent_ops = {
	.prefix			= "kunit-",
	.init_dev_msi_info	= ops_test_init_dev_msi_info,
};

static void ops_clear_msi_domain(void *dev)
{
	dev_set_msi_domain(dev, NULL);
}

struct ops_domain_case {
	const char	*name;
	unsigned int	flags;
};

/*
 * The MSI domain a device may have while a backend that needs none
 * serves it: the platform's MSI parent (x86's vector domain), a global
 * PCI/MSI domain that is no parent (older MSI controller drivers), or
 * an interrupt controller's domain found through firmware that is no
 * MSI domain at all.
 */
static const struct ops_domain_case ops_domain_cases[] = {
	{ "msi-parent", IRQ_DOMAIN_FLAG_MSI_PARENT },
	{ "msi-global", IRQ_DOMAIN_FLAG_MSI },
	{ "not-msi", 0 },
};

static void ops_domain_case_desc(const struct ops_domain_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ops_domain, ops_domain_cases, ops_domain_case_desc);

static void ops_remove_domain(void *data)
{
	struct irq_domain *d = data;
	struct fwnode_handle *fn = d->fwnode;

	irq_domain_remove(d);
	irq_domain_free_fwnode(fn);
}

static void ops_test_device_domain(struct kunit *test)
{
	const struct ops_domain_case *c = test->param_value;
	struct ops_sim *sim;
	struct pci_dev *pdev;
	struct fwnode_handle *fn;
	struct irq_domain *d;
	/* Zeroes where a non-MSI domain is misread as an msi_domain_info */
	static struct msi_domain_info zero_info;
	/* A global MSI domain's, as msi_create_irq_domain() leaves it */
	static struct msi_domain_info global_info = {
		.hwsize	= MSI_MAX_INDEX + 1,
	};
	int i;

	/*
	 * The domain before the device, so that it goes after it (KUnit
	 * runs the actions backwards): a device's MSI data refers to a
	 * global MSI domain until the device is removed.
	 */
	fn = irq_domain_alloc_named_fwnode("kunit-msi-ops");
	KUNIT_ASSERT_NOT_NULL(test, fn);
	d = irq_domain_create_hierarchy(NULL, c->flags, 4, fn,
					&ops_test_domain_ops,
					c->flags & IRQ_DOMAIN_FLAG_MSI ?
					&global_info : &zero_info);
	if (!d)
		irq_domain_free_fwnode(fn);
	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ops_remove_domain, d), 0);
	sim = ops_sim_create(test, &mock_raw_ops);
	pdev = sim->pdev;
	if (c->flags & IRQ_DOMAIN_FLAG_MSI_PARENT)
		d->msi_parent_ops = &ops_test_parent_ops;
	dev_set_msi_domain(&pdev->dev, d);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, ops_clear_msi_domain,
							&pdev->dev), 0);

	for (i = 0; i < 2; i++) {
		KUNIT_ASSERT_EQ_MSG(test, pci_alloc_irq_vectors(pdev, 3, 3, PCI_IRQ_MSIX),
				    3, "round %d", i);
		pci_free_irq_vectors(pdev);
		ops_sim_expect_clean(test, sim, false);
		KUNIT_ASSERT_EQ_MSG(test, pci_alloc_irq_vectors(pdev, 2, 2, PCI_IRQ_MSI),
				    2, "round %d", i);
		pci_free_irq_vectors(pdev);
		ops_sim_expect_clean(test, sim, false);
	}
}

/*
 * The mocks under the conformance suite (conformance_kunit.c), each
 * running out of vectors its own way: ->alloc() grants fewer, ->check()
 * allows fewer, ->alloc() fails after allocating.
 */
static long mock_conf_held(struct pci_dev *pdev)
{
	return ops_sim_of_dev(pdev)->live_irqs;
}

static int mock_conf_grant(struct kunit *test, struct pci_dev *pdev,
			   unsigned int n)
{
	ops_sim_of_dev(pdev)->grant = n;
	return 0;
}

static int mock_conf_quota(struct kunit *test, struct pci_dev *pdev,
			   unsigned int n)
{
	ops_sim_of_dev(pdev)->quota = n;
	return 0;
}

static int mock_conf_fail(struct kunit *test, struct pci_dev *pdev,
			  unsigned int n)
{
	struct ops_sim *sim = ops_sim_of_dev(pdev);

	sim->fail_cb = SIM_CB_ALLOC;
	sim->fail_err = -ENOSPC;
	return 0;
}

static struct pci_msi_conformance mock_raw_conformance = {
	.name	= "kunit-raw",
	.ops	= &mock_raw_ops,
	.held	= mock_conf_held,
	.limit	= mock_conf_grant,
};

PCI_MSI_CONFORMANCE(mock_raw_conformance);

static struct pci_msi_conformance mock_fw_conformance = {
	.name	= "kunit-fw",
	.ops	= &mock_fw_ops,
	.held	= mock_conf_held,
	.limit	= mock_conf_quota,
};

PCI_MSI_CONFORMANCE(mock_fw_conformance);

static struct pci_msi_conformance mock_dyn_conformance = {
	.name	= "kunit-dyn",
	.ops	= &mock_dyn_ops,
	.held	= mock_conf_held,
	.limit	= mock_conf_fail,
};

PCI_MSI_CONFORMANCE(mock_dyn_conformance);

static struct pci_msi_conformance mock_fw_nomask_conformance = {
	.name	= "kunit-fw-nomask",
	.ops	= &mock_fw_nomask_ops,
	.held	= mock_conf_held,
	.limit	= mock_conf_grant,
};

PCI_MSI_CONFORMANCE(mock_fw_nomask_conformance);

#ifdef CONFIG_DEBUG_FS
/*
 * debugfs pci_msi/vectors against unbind. An unbind frees the vectors in
 * the driver's ->remove() and then, through devres, the device's MSI
 * data with the descriptor lock in it. A reader of the file on another
 * CPU must not touch either while that happens: the show function holds
 * the device lock, which the driver core holds across unbind. The reader
 * here calls the show function in a loop while this thread unbinds and
 * binds a driver of the simulated device; a read overlapped an unbind
 * when an unbind started before the read ended and had not ended before
 * the read started. A kernel without the device lock there touches freed
 * memory, which KASAN reports (debug kernels) or which crashes.
 */
#define RACE_ROUNDS	1000

struct race {
	struct pci_dev		*pdev;
	struct seq_file		m;
	atomic_t		unbinds_started;
	atomic_t		unbinds_done;
	unsigned long		reads;
	unsigned long		overlapped;
	unsigned long		listed;	/* reads that listed the device */
	bool			stop;
	struct completion	running;	/* the first read is done */
	struct completion	done;
};

static int race_reader(void *data)
{
	struct race *r = data;
	int done, started;

	while (!READ_ONCE(r->stop)) {
		done = atomic_read(&r->unbinds_done);
		r->m.count = 0;
		pci_msi_vectors_show(&r->m, NULL);
		started = atomic_read(&r->unbinds_started);
		r->reads++;
		if (started > done)
			r->overlapped++;
		if (strnstr(r->m.buf, pci_name(r->pdev), r->m.count))
			r->listed++;
		if (r->reads == 1)
			complete(&r->running);
		cond_resched();
	}
	complete(&r->done);
	return 0;
}

static int race_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	int n = pci_alloc_irq_vectors(pdev, 1, 4, PCI_IRQ_MSIX);

	return n < 0 ? n : 0;
}

static void race_remove(struct pci_dev *pdev)
{
	pci_free_irq_vectors(pdev);
}

static const struct pci_device_id race_ids[] = {
	{ PCI_DEVICE(SIM_VENDOR, SIM_DEVICE) },
	{}
};

static struct pci_driver race_driver = {
	.name		= "msi-kunit-race",
	.id_table	= race_ids,
	.probe		= race_probe,
	.remove		= race_remove,
};

static void race_unregister(void *unused)
{
	pci_unregister_driver(&race_driver);
}

static void race_stop(void *data)
{
	struct race *r = data;

	WRITE_ONCE(r->stop, true);
	wait_for_completion(&r->done);
}

static void ops_test_debugfs_unbind(struct kunit *test)
{
	struct ops_sim *sim = ops_sim_create(test, &mock_raw_ops);
	struct pci_dev *pdev = sim->pdev;
	struct task_struct *reader;
	unsigned int cpu, i;
	struct race *r;
	int ret;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two online CPUs");
	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	r->m.size = 4 * PAGE_SIZE;
	r->m.buf = kunit_kzalloc(test, r->m.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r->m.buf);
	r->pdev = pdev;
	init_completion(&r->running);
	init_completion(&r->done);

	/* Matchable by drivers, as pci_bus_add_device() would make it */
	pdev->match_driver = true;
	KUNIT_ASSERT_EQ(test, pci_register_driver(&race_driver), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, race_unregister, NULL), 0);
	KUNIT_ASSERT_PTR_EQ(test, pdev->dev.driver, &race_driver.driver);
	KUNIT_ASSERT_TRUE(test, pdev->msix_enabled);

	/* The reader on another CPU than this one */
	cpu = cpumask_any_but(cpu_online_mask, raw_smp_processor_id());
	reader = kthread_run_on_cpu(race_reader, r, cpu, "msi-race/%u");
	KUNIT_ASSERT_FALSE(test, IS_ERR(reader));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, race_stop, r), 0);
	/*
	 * On a loaded host the other vCPU may not run for a while: the
	 * unbinds start once the reader does (seen on a pSeries debug
	 * kernel: 1000 unbinds and not one read in between).
	 */
	KUNIT_ASSERT_NE_MSG(test, wait_for_completion_timeout(&r->running, 30 * HZ), 0,
			    "the reader did not run within 30 s");

	for (i = 0; i < RACE_ROUNDS; i++) {
		atomic_inc(&r->unbinds_started);
		device_release_driver(&pdev->dev);
		atomic_inc(&r->unbinds_done);
		KUNIT_ASSERT_FALSE(test, pdev->msix_enabled);
		KUNIT_ASSERT_NULL(test, pdev->dev.msi.data);
		ret = device_driver_attach(&race_driver.driver, &pdev->dev);
		KUNIT_ASSERT_EQ_MSG(test, ret, 0, "round %u", i);
		KUNIT_ASSERT_TRUE(test, pdev->msix_enabled);
	}
	kunit_release_action(test, race_stop, r);

	kunit_info(test, "%u unbinds, %lu reads, %lu overlapped an unbind, %lu listed the device\n",
		   RACE_ROUNDS, r->reads, r->overlapped, r->listed);
	KUNIT_EXPECT_GT(test, r->reads, 0);
	KUNIT_EXPECT_GT_MSG(test, r->overlapped, 0, "the race window was never hit");
	KUNIT_EXPECT_GT(test, r->listed, 0);

	device_release_driver(&pdev->dev);
	KUNIT_EXPECT_EQ(test, sim->live_irqs, 0);
	KUNIT_EXPECT_EQ(test, ops_sim_nr_descs(pdev), 0);
}
#endif /* CONFIG_DEBUG_FS */

static struct kunit_case ops_test_cases[] = {
	KUNIT_CASE(ops_test_raw_msi),
	KUNIT_CASE(ops_test_raw_msix),
	KUNIT_CASE(ops_test_raw_restore),
	KUNIT_CASE(ops_test_restore_no_rewrite),
	KUNIT_CASE(ops_test_fw_msix),
	KUNIT_CASE(ops_test_fw_msi),
	KUNIT_CASE(ops_test_grant_below_min),
	KUNIT_CASE_PARAM(ops_test_callback_error, ops_fail_gen_params),
	KUNIT_CASE(ops_test_exclusive),
	KUNIT_CASE(ops_test_disable_unused),
	KUNIT_CASE(ops_test_double_enable),
	KUNIT_CASE(ops_test_bad_nvec),
	KUNIT_CASE(ops_test_resolve),
	KUNIT_CASE(ops_test_set_bridge_ops),
	KUNIT_CASE(ops_test_no_multi_msi),
	KUNIT_CASE(ops_test_no_msix),
	KUNIT_CASE(ops_test_features),
	KUNIT_CASE(ops_test_features_grant),
	KUNIT_CASE(ops_test_msix_dyn),
	KUNIT_CASE(ops_test_msix_no_dyn),
	KUNIT_CASE(ops_test_oneshot_refused),
	KUNIT_CASE(ops_test_activate_early),
	KUNIT_CASE(ops_test_activate_nomask),
	KUNIT_CASE(ops_test_fw_nomask_open),
	KUNIT_CASE(ops_test_features_fw),
	KUNIT_CASE(ops_test_features_fw_norestore),
	KUNIT_CASE(ops_test_features_adapter),
	KUNIT_CASE(ops_test_niu_fw),
	KUNIT_CASE_PARAM(ops_test_device_domain, ops_domain_gen_params),
#ifdef CONFIG_DEBUG_FS
	KUNIT_CASE_SLOW(ops_test_debugfs_unbind),
#endif
	{}
};

static struct kunit_suite ops_test_suite = {
	.name		= "pci-msi-ops",
	.test_cases	= ops_test_cases,
};

kunit_test_suite(ops_test_suite);
