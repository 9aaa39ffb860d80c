// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the raw x86 MSI backend
 *
 * Included by msi_raw.c. The expected values are spelled out as raw
 * register contents from the Intel SDM's MSI address and data layout
 * (Vol. 3, "Message Signalled Interrupts"), independently of the
 * bitfield types the backend uses to build them.
 *
 * Copyright (C) 2026 msi-ops maintainers
 */

#include <kunit/test.h>
#include <linux/msi_ops_kunit.h>

/* Address register: 0xFEE in bits 31:20, destination ID in 19:12 */
#define SDM_MSI_ADDR(dest)	(0xfee00000u | ((u32)(dest) << 12))
#define SDM_MSI_ADDR_RH		BIT(3)	/* redirection hint */
#define SDM_MSI_ADDR_DM		BIT(2)	/* destination mode: logical */
/* Data register: vector in 7:0, delivery mode in 10:8, trigger in 15 */
#define SDM_MSI_DATA_DLVM	GENMASK(10, 8)
#define SDM_MSI_DATA_TRIGGER	BIT(15)

static void msi_raw_test_physical(struct kunit *test)
{
	struct msi_msg msg;

	KUNIT_ASSERT_EQ(test, msi_raw_compose(0x12, 0x45, false, &msg), 0);
	KUNIT_EXPECT_EQ(test, msg.address_lo, SDM_MSI_ADDR(0x12));
	KUNIT_EXPECT_EQ(test, msg.address_hi, 0u);
	KUNIT_EXPECT_EQ(test, msg.data, 0x45u);
}

static void msi_raw_test_logical(struct kunit *test)
{
	struct msi_msg msg;

	KUNIT_ASSERT_EQ(test, msi_raw_compose(0x08, 0x31, true, &msg), 0);
	KUNIT_EXPECT_EQ(test, msg.address_lo, SDM_MSI_ADDR(0x08) | SDM_MSI_ADDR_DM);
	KUNIT_EXPECT_EQ(test, msg.address_hi, 0u);
	KUNIT_EXPECT_EQ(test, msg.data, 0x31u);
}

/* The hint would let the chipset pick another CPU than the one named */
static void msi_raw_test_no_redirection_hint(struct kunit *test)
{
	struct msi_msg msg;
	bool logical;

	for (logical = false; ; logical = true) {
		KUNIT_ASSERT_EQ(test, msi_raw_compose(0xff, 0xef, logical, &msg), 0);
		KUNIT_EXPECT_EQ(test, msg.address_lo & SDM_MSI_ADDR_RH, 0u);
		if (logical)
			break;
	}
}

/* Every vector lands in the data's low byte, fixed delivery, edge */
static void msi_raw_test_vectors(struct kunit *test)
{
	struct msi_msg msg;
	unsigned int v;

	for (v = FIRST_EXTERNAL_VECTOR; v < NR_VECTORS; v++) {
		KUNIT_ASSERT_EQ(test, msi_raw_compose(0x3, v, false, &msg), 0);
		KUNIT_EXPECT_EQ(test, msg.data & 0xff, v);
		KUNIT_EXPECT_EQ(test, msg.data & SDM_MSI_DATA_DLVM, 0u);
		KUNIT_EXPECT_EQ(test, msg.data & SDM_MSI_DATA_TRIGGER, 0u);
		KUNIT_EXPECT_EQ(test, msg.address_lo, SDM_MSI_ADDR(0x3));
	}
}

/* Each destination ID shows up in bits 19:12 and nowhere else */
static void msi_raw_test_destinations(struct kunit *test)
{
	struct msi_msg msg;
	u32 dest;

	for (dest = 0; dest <= MSI_RAW_MAX_DEST; dest++) {
		KUNIT_ASSERT_EQ(test, msi_raw_compose(dest, 0x40, false, &msg), 0);
		KUNIT_EXPECT_EQ(test, msg.address_lo, SDM_MSI_ADDR(dest));
	}
}

/* Beyond 8 bits a message cannot name the CPU: refused, nothing half built */
static void msi_raw_test_unreachable(struct kunit *test)
{
	struct msi_msg msg = { .address_lo = 0xdead, .data = 0xbeef };

	KUNIT_EXPECT_EQ(test, msi_raw_compose(0x100, 0x40, false, &msg), -ERANGE);
	KUNIT_EXPECT_EQ(test, msg.address_lo, 0u);
	KUNIT_EXPECT_EQ(test, msg.data, 0u);
	KUNIT_EXPECT_EQ(test, msi_raw_compose(0xffffffff, 0x40, true, &msg), -ERANGE);
}

struct msi_raw_split_case {
	const char	*name;
	bool		started;
	bool		can_mask;
	struct irq_cfg	from;
	struct irq_cfg	to;
	bool		split;
};

static const struct msi_raw_split_case msi_raw_split_cases[] = {
	{ "both change, unmaskable", true, false, { 1, 0x30 }, { 2, 0x41 }, true },
	{ "both change, maskable", true, true, { 1, 0x30 }, { 2, 0x41 }, false },
	{ "both change, not started", false, false, { 1, 0x30 }, { 2, 0x41 }, false },
	{ "vector only", true, false, { 1, 0x30 }, { 1, 0x41 }, false },
	{ "destination only", true, false, { 1, 0x30 }, { 2, 0x30 }, false },
	{ "from the parking vector", true, false,
	  { 1, MANAGED_IRQ_SHUTDOWN_VECTOR }, { 2, 0x41 }, false },
	{ "nothing changes", true, false, { 1, 0x30 }, { 1, 0x30 }, false },
};

static void msi_raw_split_case_desc(const struct msi_raw_split_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(msi_raw_split, msi_raw_split_cases, msi_raw_split_case_desc);

/* Only a live, unmaskable vector changing CPU and vector needs two steps */
static void msi_raw_test_split_move(struct kunit *test)
{
	const struct msi_raw_split_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, msi_raw_split_move(c->started, c->can_mask,
						 &c->from, &c->to), c->split);
}

static struct kunit_case msi_raw_test_cases[] = {
	KUNIT_CASE(msi_raw_test_physical),
	KUNIT_CASE(msi_raw_test_logical),
	KUNIT_CASE(msi_raw_test_no_redirection_hint),
	KUNIT_CASE(msi_raw_test_vectors),
	KUNIT_CASE(msi_raw_test_destinations),
	KUNIT_CASE(msi_raw_test_unreachable),
	KUNIT_CASE_PARAM(msi_raw_test_split_move, msi_raw_split_gen_params),
	{}
};

static struct kunit_suite msi_raw_test_suite = {
	.name = "x86-msi-raw",
	.test_cases = msi_raw_test_cases,
};

kunit_test_suite(msi_raw_test_suite);

/* The raw backend under the PCI MSI conformance suite */
static int msi_raw_conf_setup(struct kunit *test, struct pci_dev *pdev)
{
	if (!msi_raw_domain)
		kunit_skip(test, "raw backend not registered in this boot");
	return 0;
}

static long msi_raw_conf_held(struct pci_dev *pdev)
{
	return atomic_long_read(&msi_raw_stats.vectors);
}

static struct pci_msi_conformance msi_raw_conformance = {
	.name	= "raw",
	.ops	= &msi_raw_ops,
	.setup	= msi_raw_conf_setup,
	.held	= msi_raw_conf_held,
	/* The vector domain, its parent, runs out */
	.limit	= pci_msi_conformance_limit_parent,
};

PCI_MSI_CONFORMANCE(msi_raw_conformance);
