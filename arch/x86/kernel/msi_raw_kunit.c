// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the raw x86 MSI backend
 *
 * Included by msi_raw.c. The expected values are spelled out as raw
 * register contents from the Intel SDM's MSI address and data layout
 * (Vol. 3, "Message Signalled Interrupts"), and for the extended
 * destination ID from KVM's description of it (address bits 11:5 hold
 * destination bits 14:8), independently of the bitfield types the
 * backend uses to build them.
 *
 * The tests of allocation, affinity and teardown run the PCI MSI core
 * and the backend on the simulated device of the PCI MSI core's tests
 * (drivers/pci/msi/ops_kunit_sim.c): two functions on a root bus of
 * their own, each with an MSI capability without per-vector masking
 * (one vector on function 0, eight on function 1) and an MSI-X
 * capability (8 entries, the table in RAM). The simulated device raises
 * an interrupt the way hardware does: it reads the message from its
 * registers, and here the local APIC of the CPU the message names takes
 * the vector, so that the tests see whether the message the backend
 * wrote reaches a handler, and on which CPU.
 *
 * Copyright (C) 2026 msi-ops maintainers
 */

#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/cpu.h>
#include <linux/delay.h>
#include <linux/device/driver.h>
#include <linux/interrupt.h>
#include <linux/irqdesc.h>
#include <linux/msi_ops_kunit.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include "../../../drivers/pci/msi/msi.h"
#include "../../../drivers/pci/msi/ops_kunit_sim.h"

/*
 * QEMU's edu device as a source of real MSI writes (a test driver of the
 * boot tests, not part of the kernel); without it the case that needs
 * one is skipped.
 */
#if IS_ENABLED(CONFIG_EDU_MSI_EXERCISER)
#include <linux/edu_msi.h>
#else
static inline struct pci_dev *edu_msi_dma_get(void)
{
	return NULL;
}

static inline int edu_msi_dma_write(struct pci_dev *pdev, u32 addr, u32 val)
{
	return -ENODEV;
}
#endif

/* Address register: 0xFEE in bits 31:20, destination ID in 19:12 */
#define SDM_MSI_BASE		0xfee00000u
#define SDM_MSI_BASE_MASK	0xfff00000u
#define SDM_MSI_ADDR(dest)	(SDM_MSI_BASE | ((u32)(dest) << 12))
#define SDM_MSI_ADDR_DEST	GENMASK(19, 12)
#define SDM_MSI_ADDR_EXT_DEST	GENMASK(11, 5)	/* destination bits 14:8 */
#define SDM_MSI_ADDR_RH		BIT(3)	/* redirection hint */
#define SDM_MSI_ADDR_DM		BIT(2)	/* destination mode: logical */
/* Data register: vector in 7:0, delivery mode in 10:8, trigger in 15 */
#define SDM_MSI_DATA_VECTOR	0xffu
#define SDM_MSI_DATA_DLVM	GENMASK(10, 8)
#define SDM_MSI_DATA_TRIGGER	BIT(15)

static void msi_raw_test_physical(struct kunit *test)
{
	struct msi_msg msg;

	KUNIT_ASSERT_EQ(test, msi_raw_compose(0x12, 0x45, false, false, &msg), 0);
	KUNIT_EXPECT_EQ(test, msg.address_lo, SDM_MSI_ADDR(0x12));
	KUNIT_EXPECT_EQ(test, msg.address_hi, 0u);
	KUNIT_EXPECT_EQ(test, msg.data, 0x45u);
}

static void msi_raw_test_logical(struct kunit *test)
{
	struct msi_msg msg;

	KUNIT_ASSERT_EQ(test, msi_raw_compose(0x08, 0x31, true, false, &msg), 0);
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
		KUNIT_ASSERT_EQ(test, msi_raw_compose(0xff, 0xef, logical, false, &msg), 0);
		KUNIT_EXPECT_EQ(test, msg.address_lo & SDM_MSI_ADDR_RH, 0u);
		KUNIT_ASSERT_EQ(test, msi_raw_compose(0xff, 0xef, logical, true, &msg), 0);
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
		KUNIT_ASSERT_EQ(test, msi_raw_compose(0x3, v, false, false, &msg), 0);
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
		KUNIT_ASSERT_EQ(test, msi_raw_compose(dest, 0x40, false, false, &msg), 0);
		KUNIT_EXPECT_EQ(test, msg.address_lo, SDM_MSI_ADDR(dest));
		/* The extended ID changes nothing for 8-bit destinations */
		KUNIT_ASSERT_EQ(test, msi_raw_compose(dest, 0x40, false, true, &msg), 0);
		KUNIT_EXPECT_EQ(test, msg.address_lo, SDM_MSI_ADDR(dest));
	}
}

/* Bits 14:8 of a physical destination in address bits 11:5, 7:0 as ever */
static void msi_raw_test_ext_dest(struct kunit *test)
{
	struct msi_msg msg;
	u32 dest;

	for (dest = 0x100; dest <= MSI_RAW_MAX_EXT_DEST; dest += 0x53) {
		KUNIT_ASSERT_EQ(test, msi_raw_compose(dest, 0x41, false, true, &msg), 0);
		KUNIT_EXPECT_EQ(test, msg.address_lo,
				SDM_MSI_ADDR(dest & 0xff) | ((dest >> 8) << 5));
		KUNIT_EXPECT_EQ(test, msg.address_hi, 0u);
		KUNIT_EXPECT_EQ(test, msg.data, 0x41u);
	}
	KUNIT_ASSERT_EQ(test, msi_raw_compose(0x7fff, 0x41, false, true, &msg), 0);
	KUNIT_EXPECT_EQ(test, msg.address_lo, SDM_MSI_BASE | 0xff000 | 0xfe0);
	/* 15 bits at most, and logical IDs are the 8 of the flat model */
	KUNIT_EXPECT_EQ(test, msi_raw_compose(0x8000, 0x41, false, true, &msg), -ERANGE);
	KUNIT_EXPECT_EQ(test, msg.address_lo, 0u);
	KUNIT_EXPECT_EQ(test, msi_raw_compose(0x100, 0x41, true, true, &msg), -ERANGE);
}

/* Beyond 8 bits a message cannot name the CPU: refused, nothing half built */
static void msi_raw_test_unreachable(struct kunit *test)
{
	struct msi_msg msg = { .address_lo = 0xdead, .data = 0xbeef };

	KUNIT_EXPECT_EQ(test, msi_raw_compose(0x100, 0x40, false, false, &msg), -ERANGE);
	KUNIT_EXPECT_EQ(test, msg.address_lo, 0u);
	KUNIT_EXPECT_EQ(test, msg.data, 0u);
	KUNIT_EXPECT_EQ(test, msi_raw_compose(0xffffffff, 0x40, true, false, &msg), -ERANGE);
	KUNIT_EXPECT_EQ(test, msi_raw_compose(0xffffffff, 0x40, false, true, &msg), -ERANGE);
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

/*
 * The simulated device: two functions of the PCI MSI tests' simulated
 * device (drivers/pci/msi/ops_kunit_sim.c), each with an MSI capability
 * without per-vector masking, so that moves need two steps (one vector
 * on function 0, eight on function 1, which sends vector k as the
 * message data with k in its low bits, as multi-MSI devices do), and an
 * MSI-X capability of 8 entries. No backend on the bridge: the platform
 * default serves them, as any device on q35. The device raises its
 * interrupts from its own registers; rsim_deliver() plays the platform.
 */
#define RSIM_FNS		2
#define RSIM_TIMEOUT		(2 * HZ)
/* Function 1 is multi-MSI capable: 2^RSIM_MSI_ORDER vectors */
#define RSIM_MSI_ORDER		3
#define RSIM_MSI_VECS		BIT(RSIM_MSI_ORDER)

static const struct ops_sim_opts rsim_opts = {
	.nr_fns		= RSIM_FNS,
	.msi_vecs	= { 1, RSIM_MSI_VECS },
	.msi_nomask	= true,
};

/* A handler's record: how often it ran, and on which CPU */
struct rsim_irq {
	atomic_t		count;
	atomic_t		*on_cpu;	/* nr_cpu_ids of them */
	wait_queue_head_t	wq;
};

/*
 * The CPU a message names, taken apart as the SDM lays it out. Return:
 * the CPU; -EINVAL for anything but a fixed, edge, physical MSI to an
 * external vector; -ENXIO when no online CPU has the APIC ID.
 */
static int rsim_msg_cpu(const struct msi_msg *msg)
{
	u32 dest = FIELD_GET(SDM_MSI_ADDR_DEST, msg->address_lo);
	u32 ext = FIELD_GET(SDM_MSI_ADDR_EXT_DEST, msg->address_lo);
	unsigned int cpu;

	if (msg->address_hi ||
	    (msg->address_lo & SDM_MSI_BASE_MASK) != SDM_MSI_BASE ||
	    msg->address_lo & (SDM_MSI_ADDR_RH | SDM_MSI_ADDR_DM) ||
	    msg->data & (SDM_MSI_DATA_DLVM | SDM_MSI_DATA_TRIGGER) ||
	    (msg->data & SDM_MSI_DATA_VECTOR) < FIRST_EXTERNAL_VECTOR ||
	    (ext && !msi_raw_ext_dest))
		return -EINVAL;
	dest |= ext << 8;
	for_each_online_cpu(cpu) {
		if (per_cpu(x86_cpu_to_apicid, cpu) == dest)
			return cpu;
	}
	return -ENXIO;
}

/*
 * What the platform does with a message a device writes: the CPU it
 * names takes the vector. Return: the CPU, -EAGAIN for the shutdown
 * vector, which the local APIC code absorbs, or rsim_msg_cpu()'s error.
 */
static int rsim_deliver(struct ops_sim *sim, const struct msi_msg *msg)
{
	int cpu = rsim_msg_cpu(msg);

	if (cpu < 0)
		return cpu;
	if ((msg->data & SDM_MSI_DATA_VECTOR) == MANAGED_IRQ_SHUTDOWN_VECTOR)
		return -EAGAIN;
	__apic_send_IPI(cpu, msg->data & SDM_MSI_DATA_VECTOR);
	return cpu;
}

/*
 * A simulated device of the shape @opts gives, the raw backend serving
 * every function: function 0, ops_sim_fn() gives the others.
 */
static struct ops_sim *rsim_create_opts(struct kunit *test,
					const struct ops_sim_opts *opts)
{
	struct ops_sim *sim, *fn;
	unsigned int i;

	if (!msi_raw_domain)
		kunit_skip(test, "the raw backend is not registered (see the boot log)");
	sim = ops_sim_create_opts(test, NULL, opts);
	for (i = 0; (fn = ops_sim_fn(sim, i)); i++) {
		fn->deliver = rsim_deliver;
		/* The platform default serves it, as any device on q35 */
		KUNIT_ASSERT_PTR_EQ(test, pci_msi_dev_ops(fn->pdev), &msi_raw_ops);
	}
	return sim;
}

static struct ops_sim *rsim_create(struct kunit *test)
{
	return rsim_create_opts(test, &rsim_opts);
}

static irqreturn_t rsim_handler(int irq, void *data)
{
	struct rsim_irq *ri = data;

	atomic_inc(&ri->on_cpu[raw_smp_processor_id()]);
	atomic_inc(&ri->count);
	wake_up(&ri->wq);
	return IRQ_HANDLED;
}

static struct rsim_irq *rsim_irq_alloc(struct kunit *test)
{
	struct rsim_irq *ri = kunit_kzalloc(test, sizeof(*ri), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ri);
	ri->on_cpu = kunit_kcalloc(test, nr_cpu_ids, sizeof(*ri->on_cpu), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ri->on_cpu);
	init_waitqueue_head(&ri->wq);
	return ri;
}

/* request_irq() that the simulation undoes if the test does not */
static void rsim_request(struct kunit *test, struct ops_sim *sim,
			 unsigned int irq, struct rsim_irq *ri)
{
	ops_sim_request_irq(test, sim, irq, rsim_handler, ri);
}

/*
 * Wait until the handler has run @n times in all and @irq is handled
 * no more: a new interrupt that arrives while the handler still runs
 * on one CPU is run again there by the edge flow, not where it arrived.
 */
static bool rsim_wait(unsigned int irq, struct rsim_irq *ri, int n)
{
	long left = wait_event_timeout(ri->wq, atomic_read(&ri->count) >= n,
				       RSIM_TIMEOUT);

	synchronize_irq(irq);
	return left > 0;
}

static unsigned int rsim_cpu_of(unsigned int irq)
{
	return cpumask_first(irq_data_get_effective_affinity_mask(irq_get_irq_data(irq)));
}

/* An online CPU other than @cpu, or nr_cpu_ids */
static unsigned int rsim_other_cpu(unsigned int cpu)
{
	unsigned int other;

	for_each_online_cpu(other) {
		if (other != cpu)
			return other;
	}
	return nr_cpu_ids;
}

/* CPU vectors that still point at @desc, on any CPU */
static unsigned int rsim_vectors_of(struct irq_desc *desc)
{
	unsigned int cpu, v, n = 0;
	unsigned long flags;

	/* Taken inside irq_desc locks, so never with interrupts on */
	local_irq_save(flags);
	lock_vector_lock();
	for_each_online_cpu(cpu) {
		for (v = FIRST_EXTERNAL_VECTOR; v < NR_VECTORS; v++) {
			if (per_cpu(vector_irq, cpu)[v] == desc)
				n++;
		}
	}
	unlock_vector_lock();
	local_irq_restore(flags);
	return n;
}

/* The vector matrix's global counts, from its debugfs view */
struct rsim_matrix {
	unsigned int	available;
	unsigned int	reserved;
	unsigned int	allocated;
};

static void rsim_matrix_field(struct kunit *test, const char *buf,
			      const char *name, unsigned int *val)
{
	const char *p = strstr(buf, name);
	int n;

	KUNIT_ASSERT_NOT_NULL_MSG(test, p, "no \"%s\" in the vector matrix", name);
	n = sscanf(p + strlen(name), " %u", val);
	KUNIT_ASSERT_EQ(test, n, 1);
}

static void rsim_matrix(struct kunit *test, struct rsim_matrix *mx)
{
#ifdef CONFIG_GENERIC_IRQ_DEBUGFS
	struct seq_file m = { .size = 2 * PAGE_SIZE };

	m.buf = kunit_kzalloc(test, m.size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m.buf);
	x86_vector_domain->ops->debug_show(&m, x86_vector_domain, NULL, 0);
	KUNIT_ASSERT_LT(test, m.count, m.size);
	rsim_matrix_field(test, m.buf, "Global available:", &mx->available);
	rsim_matrix_field(test, m.buf, "Global reserved:", &mx->reserved);
	rsim_matrix_field(test, m.buf, "Total allocated:", &mx->allocated);
#else
	memset(mx, 0, sizeof(*mx));
#endif
}

static void rsim_expect_matrix(struct kunit *test, const struct rsim_matrix *before)
{
	struct rsim_matrix now;

	rsim_matrix(test, &now);
	KUNIT_EXPECT_EQ_MSG(test, now.available, before->available, "global available");
	KUNIT_EXPECT_EQ_MSG(test, now.reserved, before->reserved, "global reserved");
	KUNIT_EXPECT_EQ_MSG(test, now.allocated, before->allocated, "allocated");
}

static struct irq_data *rsim_irqd(struct kunit *test, unsigned int irq)
{
	struct irq_data *d = irq_domain_get_irq_data(msi_raw_domain, irq);

	KUNIT_ASSERT_NOT_NULL_MSG(test, d, "irq %u is not in the raw domain", irq);
	return d;
}

/*
 * Allocation and teardown, MSI-X (maskable, reservation mode) and MSI
 * (unmaskable, fixed vector): the backend's count, the CPU vectors and
 * the vector matrix are back where they were once the vectors are
 * freed, after they were requested and freed again, too.
 */
static void msi_raw_test_alloc_free(struct kunit *test)
{
	struct ops_sim *sim = rsim_create(test);
	struct pci_dev *x = sim->pdev, *m = ops_sim_fn(sim, 1)->pdev;
	long vectors = atomic_long_read(&msi_raw_stats.vectors);
	struct irq_desc *descs[SIM_MSIX_VECS + 1];
	struct rsim_irq *ri = rsim_irq_alloc(test);
	struct rsim_matrix before;
	struct msi_desc *desc;
	int i, irq, n = 0;

	rsim_matrix(test, &before);
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(x, 4, 4, PCI_IRQ_MSIX), 4);
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(m, 1, 1, PCI_IRQ_MSI), 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.vectors), vectors + 5);

	for (i = 0; i < 5; i++) {
		irq = i < 4 ? pci_irq_vector(x, i) : pci_irq_vector(m, 0);
		KUNIT_ASSERT_GT(test, irq, 0);
		KUNIT_EXPECT_PTR_EQ(test, rsim_irqd(test, irq)->chip, &msi_raw_chip);
		descs[n++] = irq_to_desc(irq);
		/* Never requested, yet a message that names an online CPU */
		desc = irq_get_msi_desc(irq);
		KUNIT_EXPECT_GE(test, rsim_msg_cpu(&desc->msg), 0);
		rsim_request(test, sim, irq, ri);
		KUNIT_EXPECT_EQ(test, rsim_vectors_of(descs[i]), 1);
	}
	/* Each was written to the device: the handler sees it on its CPU */
	for (i = 0; i < 5; i++) {
		irq = i < 4 ? pci_irq_vector(x, i) : pci_irq_vector(m, 0);
		KUNIT_EXPECT_EQ(test, i < 4 ? ops_sim_raise_msix(sim, i) :
				ops_sim_raise_msi(ops_sim_fn(sim, 1), 0), (int)rsim_cpu_of(irq));
		KUNIT_EXPECT_TRUE(test, rsim_wait(irq, ri, i + 1));
	}
	for (i = 0; i < 5; i++)
		ops_sim_free_irq(sim, i < 4 ? pci_irq_vector(x, i) : pci_irq_vector(m, 0));
	pci_free_irq_vectors(x);
	pci_free_irq_vectors(m);

	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.vectors), vectors);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, rsim_vectors_of(descs[i]), 0, "vector %d", i);
	rsim_expect_matrix(test, &before);
}

/*
 * Dynamic MSI-X, as upstream x86 offers it: an entry added to an enabled
 * table gets its own raw interrupt, pci_irq_vector() knows it, its
 * message reaches its handler, and freeing it gives the vector back.
 */
static void msi_raw_test_msix_dyn(struct kunit *test)
{
	struct ops_sim *sim = rsim_create(test);
	struct pci_dev *x = sim->pdev;
	long vectors = atomic_long_read(&msi_raw_stats.vectors);
	struct rsim_irq *ri = rsim_irq_alloc(test);
	struct rsim_matrix before;
	struct msi_map map;

	rsim_matrix(test, &before);
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(x, 2, 2, PCI_IRQ_MSIX), 2);
	KUNIT_ASSERT_TRUE_MSG(test, pci_msix_can_alloc_dyn(x),
			      "the raw backend offers no dynamic MSI-X");
	map = pci_msix_alloc_irq_at(x, 5, NULL);
	KUNIT_ASSERT_EQ(test, map.index, 5);
	KUNIT_ASSERT_GT(test, map.virq, 0);
	KUNIT_EXPECT_EQ(test, pci_irq_vector(x, 5), map.virq);
	KUNIT_EXPECT_PTR_EQ(test, rsim_irqd(test, map.virq)->chip, &msi_raw_chip);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.vectors), vectors + 3);

	rsim_request(test, sim, map.virq, ri);
	KUNIT_EXPECT_GE(test, ops_sim_raise_msix(sim, 5), 0);
	KUNIT_EXPECT_TRUE(test, rsim_wait(map.virq, ri, 1));
	ops_sim_free_irq(sim, map.virq);

	pci_msix_free_irq(x, map);
	KUNIT_EXPECT_EQ(test, pci_irq_vector(x, 5), -EINVAL);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.vectors), vectors + 2);
	pci_free_irq_vectors(x);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.vectors), vectors);
	rsim_expect_matrix(test, &before);
}

struct rsim_batch_case {
	const char	*name;
	bool		refuse;		/* no allocation in one piece */
	bool		spread;		/* PCI_IRQ_AFFINITY */
};

static const struct rsim_batch_case rsim_batch_cases[] = {
	{ "one piece", false, false },
	{ "one piece, spread", false, true },
	{ "per vector", true, false },
	{ "per vector, spread", true, true },
};

KUNIT_ARRAY_PARAM_DESC(rsim_batch, rsim_batch_cases, name);

/*
 * A device's MSI-X vectors in one allocation (msi_raw_alloc_all()), and
 * one allocation per vector where that cannot be had: the driver sees
 * the same either way. Each vector has its own interrupt with the raw
 * chip and the descriptor of its index; with PCI_IRQ_AFFINITY the
 * affinity the core spread for that index, managed or not as spread;
 * its message reaches its handler on the CPU it names; and freeing
 * gives every vector back.
 */
static void msi_raw_test_msix_batch(struct kunit *test)
{
	const struct rsim_batch_case *c = test->param_value;
	unsigned int flags = PCI_IRQ_MSIX | (c->spread ? PCI_IRQ_AFFINITY : 0);
	long batches = atomic_long_read(&msi_raw_stats.batches);
	long vectors = atomic_long_read(&msi_raw_stats.vectors);
	struct ops_sim *sim = rsim_create(test);
	struct rsim_irq *ri = rsim_irq_alloc(test);
	struct pci_dev *x = sim->pdev;
	struct irq_affinity affd = { .pre_vectors = 1 };
	const struct cpumask *aff;
	struct rsim_matrix before;
	struct msi_desc *desc;
	struct irq_data *d;
	int i, n, irq;

	rsim_matrix(test, &before);
	/* Spread: a vector per possible CPU, after one that is not managed */
	WRITE_ONCE(msi_raw_test_no_batch, c->refuse);
	n = pci_alloc_irq_vectors_affinity(x, 3, SIM_MSIX_VECS, flags,
					   c->spread ? &affd : NULL);
	WRITE_ONCE(msi_raw_test_no_batch, false);
	KUNIT_ASSERT_EQ(test, n, c->spread ?
			min(SIM_MSIX_VECS, 1 + (int)num_possible_cpus()) :
			SIM_MSIX_VECS);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.batches),
			batches + !c->refuse);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.vectors),
			vectors + n);

	for (i = 0; i < n; i++) {
		irq = pci_irq_vector(x, i);
		KUNIT_ASSERT_GT(test, irq, 0);
		d = rsim_irqd(test, irq);
		KUNIT_EXPECT_PTR_EQ(test, d->chip, &msi_raw_chip);
		desc = irq_get_msi_desc(irq);
		KUNIT_ASSERT_NOT_NULL(test, desc);
		KUNIT_EXPECT_EQ(test, desc->msi_index, i);
		KUNIT_EXPECT_EQ(test, desc->irq, irq);
		if (c->spread) {
			KUNIT_ASSERT_NOT_NULL(test, desc->affinity);
			aff = irq_data_get_affinity_mask(d);
			KUNIT_EXPECT_TRUE_MSG(test, cpumask_equal(aff, &desc->affinity->mask),
					      "vector %d: affinity %*pbl, spread %*pbl", i,
					      cpumask_pr_args(aff),
					      cpumask_pr_args(&desc->affinity->mask));
			KUNIT_EXPECT_EQ(test, irqd_affinity_is_managed(d),
					(bool)desc->affinity->is_managed);
		}
		rsim_request(test, sim, irq, ri);
		KUNIT_EXPECT_EQ(test, ops_sim_raise_msix(sim, i), (int)rsim_cpu_of(irq));
		KUNIT_EXPECT_TRUE(test, rsim_wait(irq, ri, i + 1));
	}
	for (i = 0; i < n; i++)
		ops_sim_free_irq(sim, pci_irq_vector(x, i));
	pci_free_irq_vectors(x);

	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.vectors), vectors);
	rsim_expect_matrix(test, &before);
}

/*
 * Managed vectors (PCI_IRQ_AFFINITY) have no CPU vector until
 * request_irq(). Until then the device must be aimed at the shutdown
 * vector on an online CPU, like every other unstarted vector: never at
 * vector 0, which a message from a device without a mask would hit.
 */
static void msi_raw_test_managed_shutdown_vector(struct kunit *test)
{
	struct ops_sim *sim = rsim_create(test);
	struct ops_sim *fn = sim;
	struct pci_dev *pdev = fn->pdev;
	unsigned int flags = PCI_IRQ_MSIX | PCI_IRQ_AFFINITY;
	struct irq_affinity affd = { .pre_vectors = 1 };
	struct rsim_irq *ri = rsim_irq_alloc(test);
	struct rsim_matrix before;
	struct msi_msg msg;
	struct msi_desc *desc;
	int i, irq, cpu, nvec;

	/*
	 * One vector per possible CPU at most is spread (as upstream, the
	 * core asks irq_calc_affinity_vectors()): up to three managed
	 * vectors after the unmanaged one.
	 */
	nvec = 1 + min(3U, num_possible_cpus());
	rsim_matrix(test, &before);
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors_affinity(pdev, nvec, nvec,
							     flags, &affd), nvec);
	for (i = 0; i < nvec; i++) {
		irq = pci_irq_vector(pdev, i);
		desc = irq_get_msi_desc(irq);
		KUNIT_EXPECT_EQ(test, irqd_affinity_is_managed(rsim_irqd(test, irq)), i > 0);
		KUNIT_EXPECT_EQ_MSG(test, desc->msg.data & SDM_MSI_DATA_VECTOR,
				    MANAGED_IRQ_SHUTDOWN_VECTOR,
				    "vector %d: cached message %08x %08x %08x", i,
				    desc->msg.address_lo, desc->msg.address_hi,
				    desc->msg.data);
		KUNIT_EXPECT_GE_MSG(test, rsim_msg_cpu(&desc->msg), 0,
				    "vector %d names no online CPU", i);
		/* ... and the device holds that message */
		ops_sim_msix_msg(fn, i, &msg);
		KUNIT_EXPECT_EQ(test, msg.address_lo, desc->msg.address_lo);
		KUNIT_EXPECT_EQ(test, msg.address_hi, desc->msg.address_hi);
		KUNIT_EXPECT_EQ(test, msg.data, desc->msg.data);
	}

	/* Started, a managed vector works on a CPU of its mask */
	irq = pci_irq_vector(pdev, nvec - 1);
	rsim_request(test, sim, irq, ri);
	cpu = ops_sim_raise_msix(fn, nvec - 1);
	KUNIT_EXPECT_GE(test, cpu, 0);
	KUNIT_EXPECT_TRUE(test, rsim_wait(irq, ri, 1));
	if (cpu >= 0)
		KUNIT_EXPECT_TRUE(test, cpumask_test_cpu(cpu, irq_get_affinity_mask(irq)));
	ops_sim_free_irq(sim, irq);
	pci_free_irq_vectors(pdev);
	rsim_expect_matrix(test, &before);
}

/*
 * Move a requested vector to another CPU through the affinity API, the
 * way it happens: irq_set_affinity() leaves the move pending, the next
 * interrupt carries it out from its acknowledge on the old CPU, and
 * the one after reaches the new CPU. @msix: a maskable MSI-X entry,
 * else the MSI without a mask.
 */
struct rsim_move {
	struct ops_sim		*sim;
	struct ops_sim		*fn;
	struct rsim_irq		*ri;
	unsigned int		irq;
	bool			msix;
	unsigned int		from;
	struct irq_cfg		cfg;
};

static int rsim_raise(struct rsim_move *mv)
{
	return mv->msix ? ops_sim_raise_msix(mv->fn, 0) : ops_sim_raise_msi(mv->fn, 0);
}

static void rsim_move_setup(struct kunit *test, struct rsim_move *mv, bool msix)
{
	unsigned int flags;

	mv->sim = rsim_create(test);
	mv->fn = mv->sim;
	mv->ri = rsim_irq_alloc(test);
	mv->msix = msix;
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two online CPUs");

	flags = msix ? PCI_IRQ_MSIX : PCI_IRQ_MSI;
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(mv->fn->pdev, 1, 1, flags), 1);
	mv->irq = pci_irq_vector(mv->fn->pdev, 0);
	rsim_request(test, mv->sim, mv->irq, mv->ri);
	mv->from = rsim_cpu_of(mv->irq);
	mv->cfg = *irqd_cfg(rsim_irqd(test, mv->irq));

	/* The device reaches the handler on the CPU the vector is on */
	KUNIT_ASSERT_EQ(test, rsim_raise(mv), (int)mv->from);
	KUNIT_ASSERT_TRUE(test, rsim_wait(mv->irq, mv->ri, 1));
	KUNIT_ASSERT_EQ(test, atomic_read(&mv->ri->on_cpu[mv->from]), 1);
}

/* A maskable vector moves in one write, masked, and works on its new CPU */
static void msi_raw_test_move_maskable(struct kunit *test)
{
	struct rsim_move mv;
	unsigned int to;
	struct irq_cfg *cfg;
	struct msi_msg msg;
	long moves;

	rsim_move_setup(test, &mv, true);
	moves = atomic_long_read(&msi_raw_stats.moves);
	to = rsim_other_cpu(mv.from);
	KUNIT_ASSERT_EQ(test, irq_set_affinity(mv.irq, cpumask_of(to)), 0);
	/* Pending until the next interrupt, which still goes to the old CPU */
	KUNIT_EXPECT_EQ(test, rsim_raise(&mv), (int)mv.from);
	KUNIT_ASSERT_TRUE(test, rsim_wait(mv.irq, mv.ri, 2));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.moves), moves + 1);

	cfg = irqd_cfg(rsim_irqd(test, mv.irq));
	KUNIT_EXPECT_EQ(test, rsim_cpu_of(mv.irq), to);
	KUNIT_EXPECT_EQ(test, cfg->dest_apicid, per_cpu(x86_cpu_to_apicid, to));
	ops_sim_msix_msg(mv.fn, 0, &msg);
	KUNIT_EXPECT_EQ(test, msg.address_lo, SDM_MSI_ADDR(cfg->dest_apicid));
	KUNIT_EXPECT_EQ(test, msg.data, cfg->vector);
	KUNIT_EXPECT_EQ(test, rsim_raise(&mv), (int)to);
	KUNIT_ASSERT_TRUE(test, rsim_wait(mv.irq, mv.ri, 3));
	KUNIT_EXPECT_EQ(test, atomic_read(&mv.ri->on_cpu[to]), 1);
}

/* Vector domain interrupts that hold CPU vectors, and nothing else */
struct rsim_blockers {
	unsigned int	irq[NR_VECTORS];
	unsigned int	nr;
};

static void rsim_blockers_free(void *data)
{
	struct rsim_blockers *b = data;

	while (b->nr)
		irq_domain_free_irqs(b->irq[--b->nr], 1);
}

/*
 * Make sure that @vector is not to be had on @cpu. The vector domain
 * hands out the lowest free vector of a CPU; take them on @cpu until
 * one at or above @vector went.
 */
static void rsim_block_vector(struct kunit *test, unsigned int cpu,
			      unsigned int vector)
{
	struct rsim_blockers *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	struct irq_alloc_info info;
	int irq;

	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, rsim_blockers_free, b), 0);
	while (IS_ERR_OR_NULL(per_cpu(vector_irq, cpu)[vector])) {
		KUNIT_ASSERT_LT(test, b->nr, NR_VECTORS);
		init_irq_alloc_info(&info, cpumask_of(cpu));
		irq = irq_domain_alloc_irqs(x86_vector_domain, 1, NUMA_NO_NODE, &info);
		KUNIT_ASSERT_GT_MSG(test, irq, 0, "no vector left on CPU %u", cpu);
		b->irq[b->nr++] = irq;
		if (irq_cfg(irq)->vector >= vector)
			break;
	}
}

/*
 * An unmaskable vector whose move changes CPU and vector is rewritten
 * in two steps on its old CPU. The device raises it right after the
 * first write that changes its message: the interrupt must reach the
 * handler all the same, on the new CPU, through the backend's resend.
 */
static void msi_raw_test_move_unmaskable(struct kunit *test)
{
	long split, caught, remote;
	struct rsim_move mv;
	struct irq_cfg *cfg;
	struct msi_msg msg;
	unsigned int to;
	int on_to;

	rsim_move_setup(test, &mv, false);
	/* Two steps are needed when the vector number changes too */
	to = rsim_other_cpu(mv.from);
	rsim_block_vector(test, to, mv.cfg.vector);

	split = atomic_long_read(&msi_raw_stats.split_moves);
	caught = atomic_long_read(&msi_raw_stats.caught);
	remote = atomic_long_read(&msi_raw_stats.remote_moves);
	KUNIT_ASSERT_EQ(test, irq_set_affinity(mv.irq, cpumask_of(to)), 0);
	mv.fn->raise_on_change = true;
	KUNIT_EXPECT_EQ(test, rsim_raise(&mv), (int)mv.from);
	/*
	 * The interrupt that carried the move, and the one raised during
	 * it. That one is resent to the new CPU, which finds the handler
	 * still running on the old one; the edge flow then runs it again
	 * there. Either way it is not lost.
	 */
	KUNIT_EXPECT_TRUE(test, rsim_wait(mv.irq, mv.ri, 3));
	KUNIT_EXPECT_EQ(test, mv.fn->nr_raised, 1);
	KUNIT_EXPECT_EQ_MSG(test, mv.fn->raised, (int)mv.from,
			    "raised between the writes: not to the old CPU");
	KUNIT_EXPECT_EQ(test, atomic_read(&mv.ri->count), 3);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.split_moves), split + 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.caught), caught + 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.remote_moves), remote);

	cfg = irqd_cfg(rsim_irqd(test, mv.irq));
	KUNIT_EXPECT_EQ(test, rsim_cpu_of(mv.irq), to);
	KUNIT_EXPECT_NE(test, cfg->vector, mv.cfg.vector);
	ops_sim_msi_msg(mv.fn, &msg);
	KUNIT_EXPECT_EQ(test, msg.address_lo, SDM_MSI_ADDR(cfg->dest_apicid));
	KUNIT_EXPECT_EQ(test, msg.data, cfg->vector);
	on_to = atomic_read(&mv.ri->on_cpu[to]);
	KUNIT_EXPECT_EQ(test, rsim_raise(&mv), (int)to);
	KUNIT_EXPECT_TRUE(test, rsim_wait(mv.irq, mv.ri, 4));
	KUNIT_EXPECT_EQ(test, atomic_read(&mv.ri->on_cpu[to]), on_to + 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&mv.ri->count), 4);
}

static void rsim_beyond_reset(void *unused)
{
	WRITE_ONCE(msi_raw_test_beyond.cpus, NULL);
	WRITE_ONCE(msi_raw_test_beyond.irq, 0);
}

/*
 * A CPU that a message cannot name (here: one the test declares so, as
 * if its APIC ID were beyond reach) is refused before the vector domain
 * moves: the vector, the message and the handler's CPU stay as they
 * were. Of a mask with reachable CPUs, one of those is taken.
 */
static void msi_raw_test_move_unreachable(struct kunit *test)
{
	struct irq_desc *desc;
	struct cpumask *beyond, *mask;
	struct irq_cfg *cfg;
	struct msi_msg msg;
	struct rsim_move mv;
	unsigned long flags;
	unsigned int to;
	long moves;
	int ret;

	beyond = kunit_kzalloc(test, cpumask_size(), GFP_KERNEL);
	mask = kunit_kzalloc(test, cpumask_size(), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, beyond);
	KUNIT_ASSERT_NOT_NULL(test, mask);
	rsim_move_setup(test, &mv, true);
	moves = atomic_long_read(&msi_raw_stats.moves);
	to = rsim_other_cpu(mv.from);
	cpumask_set_cpu(to, beyond);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, rsim_beyond_reset, NULL), 0);
	WRITE_ONCE(msi_raw_test_beyond.irq, mv.irq);
	WRITE_ONCE(msi_raw_test_beyond.cpus, beyond);

	/* What irq_do_set_affinity() hands the chip, with its lock held */
	desc = irq_to_desc(mv.irq);
	raw_spin_lock_irqsave(&desc->lock, flags);
	ret = msi_raw_set_affinity(rsim_irqd(test, mv.irq), cpumask_of(to), false);
	raw_spin_unlock_irqrestore(&desc->lock, flags);
	KUNIT_EXPECT_EQ(test, ret, -ERANGE);

	/* The same through the affinity API and the next interrupt */
	KUNIT_ASSERT_EQ(test, irq_set_affinity(mv.irq, cpumask_of(to)), 0);
	KUNIT_EXPECT_EQ(test, rsim_raise(&mv), (int)mv.from);
	KUNIT_ASSERT_TRUE(test, rsim_wait(mv.irq, mv.ri, 2));

	cfg = irqd_cfg(rsim_irqd(test, mv.irq));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.moves), moves);
	KUNIT_EXPECT_EQ(test, rsim_cpu_of(mv.irq), mv.from);
	KUNIT_EXPECT_EQ(test, cfg->vector, mv.cfg.vector);
	KUNIT_EXPECT_EQ(test, cfg->dest_apicid, mv.cfg.dest_apicid);
	KUNIT_EXPECT_EQ(test, rsim_vectors_of(desc), 1);
	ops_sim_msix_msg(mv.fn, 0, &msg);
	KUNIT_EXPECT_EQ(test, msg.address_lo, SDM_MSI_ADDR(mv.cfg.dest_apicid));
	KUNIT_EXPECT_EQ(test, msg.data, mv.cfg.vector);
	KUNIT_EXPECT_EQ(test, rsim_raise(&mv), (int)mv.from);
	KUNIT_ASSERT_TRUE(test, rsim_wait(mv.irq, mv.ri, 3));
	KUNIT_EXPECT_EQ(test, atomic_read(&mv.ri->on_cpu[mv.from]), 3);

	/* With a reachable CPU in the mask, the move goes there */
	if (num_online_cpus() < 3)
		return;
	cpumask_andnot(mask, cpu_online_mask, cpumask_of(mv.from));
	KUNIT_ASSERT_EQ(test, irq_set_affinity(mv.irq, mask), 0);
	KUNIT_EXPECT_EQ(test, rsim_raise(&mv), (int)mv.from);
	KUNIT_ASSERT_TRUE(test, rsim_wait(mv.irq, mv.ri, 4));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.moves), moves + 1);
	KUNIT_EXPECT_NE(test, rsim_cpu_of(mv.irq), mv.from);
	KUNIT_EXPECT_NE(test, rsim_cpu_of(mv.irq), to);
}

/*
 * free_irq() of an MSI without a mask: its vector may go to someone
 * else once it is free, so the device is parked on the shutdown vector
 * of a CPU that exists before that.
 */
static void msi_raw_test_park(struct kunit *test)
{
	struct msi_msg msg;
	struct rsim_move mv;

	rsim_move_setup(test, &mv, false);
	ops_sim_free_irq(mv.sim, mv.irq);
	ops_sim_msi_msg(mv.fn, &msg);
	KUNIT_EXPECT_EQ_MSG(test, msg.data & SDM_MSI_DATA_VECTOR,
			    MANAGED_IRQ_SHUTDOWN_VECTOR, "message %08x %08x %08x",
			    msg.address_lo, msg.address_hi, msg.data);
	KUNIT_EXPECT_GE(test, rsim_msg_cpu(&msg), 0);
	KUNIT_EXPECT_EQ(test, rsim_raise(&mv), -EAGAIN);
	KUNIT_EXPECT_EQ(test, msg.data, irq_get_msi_desc(mv.irq)->msg.data);
}

/*
 * Hardware interrupt numbers are unique in the raw domain, also for
 * table indices and PCI segments that a packing of segment, requester
 * ID and index into one number would confuse: MSI-X index 2048
 * (PCI_IRQ_VIRTUAL goes that far) of function 0 against index 0 of
 * function 1. Each number maps back to its own interrupt.
 */
static void msi_raw_test_hwirq_unique(struct kunit *test)
{
	struct ops_sim *sim = rsim_create(test);
	struct pci_dev *f0 = sim->pdev, *f1 = ops_sim_fn(sim, 1)->pdev;
	struct irq_data *d0, *d1;
	struct msi_desc *desc;
	unsigned int irq1;

	KUNIT_ASSERT_EQ(test, pci_dev_id(f1), pci_dev_id(f0) + 1);
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(f1, 1, 1, PCI_IRQ_MSIX), 1);
	irq1 = pci_irq_vector(f1, 0);

	/* A virtual MSI-X vector beyond any table, as PCI_IRQ_VIRTUAL makes */
	desc = kunit_kzalloc(test, sizeof(*desc), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, desc);
	desc->dev = &f0->dev;
	desc->nvec_used = 1;
	desc->msi_index = 2048;
	desc->pci.msi_attrib.is_msix = 1;
	desc->pci.msi_attrib.is_virtual = 1;
	desc->pci.msi_attrib.can_mask = 1;
	KUNIT_ASSERT_EQ(test, msi_raw_alloc_desc(f0, desc, PCI_CAP_ID_MSIX), 0);

	d0 = rsim_irqd(test, desc->irq);
	d1 = rsim_irqd(test, irq1);
	KUNIT_EXPECT_NE(test, d0->hwirq, d1->hwirq);
	KUNIT_EXPECT_EQ(test, irq_find_mapping(msi_raw_domain, d0->hwirq), desc->irq);
	KUNIT_EXPECT_EQ(test, irq_find_mapping(msi_raw_domain, d1->hwirq), irq1);

	msi_raw_free_desc(desc);
	KUNIT_EXPECT_EQ(test, irq_find_mapping(msi_raw_domain, d1->hwirq), irq1);
	pci_free_irq_vectors(f1);
}

/* Multi-MSI blocks */

struct rsim_blk {
	struct ops_sim		*sim;
	struct ops_sim		*fn;
	struct pci_dev		*pdev;
	struct msi_raw_block	*blk;
	unsigned int		irq[SIM_MSI_VECS];
	struct rsim_irq		*ri[SIM_MSI_VECS];
	int			nvec;
	struct pci_dev		*edu;	/* sends the messages by DMA */
};

/*
 * Send vector @k of the block: return the CPU its message names, or a
 * negative errno.
 */
typedef int (*rsim_blk_raise_fn)(struct rsim_blk *b, unsigned int k);

/* The simulated device raises it */
static int rsim_blk_raise_sim(struct rsim_blk *b, unsigned int k)
{
	return ops_sim_raise_msi(b->fn, k);
}

/*
 * QEMU's edu device writes the data of vector @k to the address of the
 * message the backend gave the simulated device: a real MSI, through
 * QEMU's MSI window, of a real device.
 */
static int rsim_blk_raise_dma(struct rsim_blk *b, unsigned int k)
{
	struct msi_msg msg;
	int cpu, ret;

	ret = ops_sim_msi_vec_msg(b->fn, k, &msg);
	if (ret)
		return ret;
	cpu = rsim_msg_cpu(&msg);
	if (cpu < 0)
		return cpu;
	ret = edu_msi_dma_write(b->edu, msg.address_lo, msg.data);
	return ret ? ret : cpu;
}

/* The message the device holds names the block's CPU and first vector */
static void rsim_blk_expect_msg(struct kunit *test, struct rsim_blk *b)
{
	struct irq_cfg *cfg = irqd_cfg(rsim_irqd(test, b->irq[0]));
	struct msi_msg msg;

	ops_sim_msi_msg(b->fn, &msg);
	KUNIT_EXPECT_EQ(test, msg.address_lo, SDM_MSI_ADDR(cfg->dest_apicid));
	KUNIT_EXPECT_EQ(test, msg.data, cfg->vector);
	KUNIT_EXPECT_EQ(test, irq_get_msi_desc(b->irq[0])->msg.data, msg.data);
}

/*
 * Every interrupt of the block: vector base + i on one CPU, base
 * aligned to the block size. Return: the CPU.
 */
static unsigned int rsim_blk_expect_layout(struct kunit *test,
					   struct rsim_blk *b)
{
	unsigned int nr = 1U << b->blk->order, i, cpu, base;
	struct irq_cfg *cfg;

	cfg = irqd_cfg(rsim_irqd(test, b->blk->virq));
	base = cfg->vector;
	cpu = rsim_cpu_of(b->blk->virq);
	KUNIT_EXPECT_EQ_MSG(test, base & (nr - 1), 0, "base vector %#x", base);
	for (i = 0; i < nr; i++) {
		cfg = irqd_cfg(rsim_irqd(test, b->blk->virq + i));
		KUNIT_EXPECT_EQ_MSG(test, cfg->vector, base + i, "vector %u", i);
		KUNIT_EXPECT_EQ_MSG(test, rsim_cpu_of(b->blk->virq + i), cpu,
				    "vector %u", i);
		KUNIT_EXPECT_PTR_EQ(test, per_cpu(vector_irq, cpu)[base + i],
				    irq_to_desc(b->blk->virq + i));
	}
	return cpu;
}

/* Request the b->nvec vectors the driver got, and find their block */
static void rsim_blk_request(struct kunit *test, struct rsim_blk *b)
{
	int i;

	for (i = 0; i < b->nvec; i++) {
		b->irq[i] = pci_irq_vector(b->pdev, i);
		b->ri[i] = rsim_irq_alloc(test);
		rsim_request(test, b->fn, b->irq[i], b->ri[i]);
	}
	b->blk = msi_raw_block_of(rsim_irqd(test, b->irq[0]));
	KUNIT_ASSERT_NOT_NULL(test, b->blk);
}

static void rsim_blk_setup_opts(struct kunit *test, struct rsim_blk *b,
				const struct ops_sim_opts *opts, int minvec,
				int maxvec, int expect)
{
	b->sim = rsim_create_opts(test, opts);
	b->fn = ops_sim_fn(b->sim, 1);
	b->pdev = b->fn->pdev;
	b->nvec = pci_alloc_irq_vectors(b->pdev, minvec, maxvec, PCI_IRQ_MSI);
	KUNIT_ASSERT_EQ(test, b->nvec, expect);
	rsim_blk_request(test, b);
}

static void rsim_blk_setup(struct kunit *test, struct rsim_blk *b, int minvec,
			   int maxvec, int expect)
{
	rsim_blk_setup_opts(test, b, &rsim_opts, minvec, maxvec, expect);
}

/* Wait until @ctr reaches @n: the guard vectors have no wait queue */
static bool rsim_wait_ctr(atomic_long_t *ctr, long n)
{
	unsigned long end = jiffies + RSIM_TIMEOUT;

	while (atomic_long_read(ctr) < n) {
		if (time_after(jiffies, end))
			return false;
		usleep_range(1000, 2000);
	}
	return true;
}

/*
 * Raise every vector of the block, the driver's and the guards: the
 * driver's vector k runs handler k and no other, on the block's CPU
 * @cpu; a guard's counts as spurious on the block and runs no handler.
 * A device with per-vector mask bits cannot send a guard: nobody
 * unmasks it (a DMA write still can).
 */
static void rsim_blk_raise_all(struct kunit *test, struct rsim_blk *b,
			       unsigned int cpu, rsim_blk_raise_fn raise)
{
	unsigned int nr = 1U << b->blk->order, k, j;
	long spurious = atomic_long_read(&b->blk->spurious);
	int before[SIM_MSI_VECS], on_cpu[SIM_MSI_VECS];
	struct msi_msg msg;

	for (j = 0; j < b->nvec; j++) {
		before[j] = atomic_read(&b->ri[j]->count);
		on_cpu[j] = atomic_read(&b->ri[j]->on_cpu[cpu]);
	}
	for (k = 0; k < nr; k++) {
		if (k >= b->nvec && raise == rsim_blk_raise_sim &&
		    ops_sim_msi_vec_msg(b->fn, k, &msg) == -ENODEV) {
			KUNIT_EXPECT_EQ_MSG(test, raise(b, k), -ENODEV,
					    "masked guard %u", k);
			continue;
		}
		KUNIT_EXPECT_EQ_MSG(test, raise(b, k), (int)cpu, "vector %u", k);
		if (k < b->nvec) {
			KUNIT_EXPECT_TRUE_MSG(test, rsim_wait(b->irq[k], b->ri[k],
							      before[k] + 1),
					      "vector %u: no handler ran", k);
			for (j = 0; j < b->nvec; j++)
				KUNIT_EXPECT_EQ_MSG(test, atomic_read(&b->ri[j]->count),
						    before[j] + (j <= k),
						    "vector %u raised, handler %u", k, j);
			KUNIT_EXPECT_EQ(test, atomic_read(&b->ri[k]->on_cpu[cpu]),
					on_cpu[k] + 1);
			continue;
		}
		spurious++;
		KUNIT_EXPECT_TRUE_MSG(test, rsim_wait_ctr(&b->blk->spurious, spurious),
				      "guard vector %u not counted on its block", k);
		for (j = 0; j < b->nvec; j++)
			KUNIT_EXPECT_EQ_MSG(test, atomic_read(&b->ri[j]->count),
					    before[j] + 1, "guard %u, handler %u", k, j);
	}
}

/*
 * The block's CPU @cpu goes offline: the block moves to another CPU as
 * one, and every vector reaches its handler there. Return: that CPU.
 */
static unsigned int rsim_blk_offline(struct kunit *test, struct rsim_blk *b,
				     unsigned int cpu, rsim_blk_raise_fn raise)
{
	unsigned int to;
	int ret;

	ret = remove_cpu(cpu);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "CPU %u did not go offline", cpu);
	KUNIT_ASSERT_FALSE(test, cpu_online(cpu));
	to = rsim_blk_expect_layout(test, b);
	KUNIT_EXPECT_NE(test, to, cpu);
	KUNIT_EXPECT_TRUE(test, cpu_online(to));
	rsim_blk_expect_msg(test, b);
	rsim_blk_raise_all(test, b, to, raise);
	return to;
}

/*
 * A driver asking for 5 vectors of a device with 8 gets 5, on a block
 * of 8 (the Multiple Message Enable the core programs): vector k runs
 * handler k, vectors 5..7 are the block's own and count as spurious.
 * Teardown gives all 8 back.
 */
static void msi_raw_test_block_alloc_free(struct kunit *test)
{
	long vectors = atomic_long_read(&msi_raw_stats.vectors);
	long blocks = atomic_long_read(&msi_raw_stats.blocks);
	long guards = atomic_long_read(&msi_raw_stats.guards);
	long spurious = atomic_long_read(&msi_raw_stats.spurious);
	struct irq_desc *descs[RSIM_MSI_VECS];
	struct rsim_matrix before;
	struct rsim_blk b;
	unsigned int cpu, i;
	u16 flags;

	rsim_matrix(test, &before);
	rsim_blk_setup(test, &b, 1, 5, 5);
	flags = ops_sim_get(b.fn, SIM_MSI_CAP + PCI_MSI_FLAGS, 2);
	KUNIT_EXPECT_EQ(test, FIELD_GET(PCI_MSI_FLAGS_QSIZE, flags), 3);
	KUNIT_EXPECT_EQ(test, b.blk->order, 3);
	KUNIT_EXPECT_EQ(test, b.blk->nvec_used, 5);
	KUNIT_EXPECT_EQ(test, b.blk->virq, b.irq[0]);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.vectors), vectors + 5);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.guards), guards + 3);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.blocks), blocks + 1);
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_EQ(test, b.irq[i], b.irq[0] + i);
	for (i = 0; i < RSIM_MSI_VECS; i++) {
		descs[i] = irq_to_desc(b.blk->virq + i);
		KUNIT_EXPECT_EQ(test, rsim_vectors_of(descs[i]), 1);
	}
	cpu = rsim_blk_expect_layout(test, &b);
	rsim_blk_expect_msg(test, &b);
	rsim_blk_raise_all(test, &b, cpu, rsim_blk_raise_sim);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&b.blk->spurious), 3);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.spurious), spurious + 3);

	for (i = 0; i < 5; i++)
		ops_sim_free_irq(b.sim, b.irq[i]);
	pci_free_irq_vectors(b.pdev);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.vectors), vectors);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.guards), guards);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.blocks), blocks);
	for (i = 0; i < RSIM_MSI_VECS; i++)
		KUNIT_EXPECT_EQ_MSG(test, rsim_vectors_of(descs[i]), 0, "vector %u", i);
	rsim_expect_matrix(test, &before);
}

/*
 * An affinity change of one vector moves the whole block to one CPU.
 * The block's first vector is taken on the new CPU, so the move takes
 * two steps; the device raises vector 0 between the two writes: it
 * reaches handler 0 on the new CPU. After the move every vector reaches
 * its own handler there, guards included, and the old vectors are
 * released. @opts: the device, with or without per-vector mask bits.
 */
static void rsim_blk_move(struct kunit *test, const struct ops_sim_opts *opts)
{
	long split, caught, bmoves;
	unsigned int from, to, i, old_base;
	struct rsim_blk b;
	int count0;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two online CPUs");
	rsim_blk_setup_opts(test, &b, opts, 6, 6, 6);
	from = rsim_blk_expect_layout(test, &b);
	old_base = irqd_cfg(rsim_irqd(test, b.irq[0]))->vector;
	rsim_blk_raise_all(test, &b, from, rsim_blk_raise_sim);

	to = rsim_other_cpu(from);
	/* The same base vector is not to be had on @to: two steps */
	rsim_block_vector(test, to, old_base);
	split = atomic_long_read(&msi_raw_stats.split_moves);
	caught = atomic_long_read(&msi_raw_stats.caught);
	bmoves = atomic_long_read(&msi_raw_stats.block_moves);

	/* Vector 3's affinity: pending until vector 3 next arrives */
	KUNIT_ASSERT_EQ(test, irq_set_affinity(b.irq[3], cpumask_of(to)), 0);
	KUNIT_EXPECT_EQ(test, rsim_blk_expect_layout(test, &b), from);
	count0 = atomic_read(&b.ri[0]->count);
	b.fn->raise_on_change = true;
	KUNIT_EXPECT_EQ(test, ops_sim_raise_msi(b.fn, 3), (int)from);
	KUNIT_EXPECT_TRUE(test, rsim_wait(b.irq[3], b.ri[3], 2));
	KUNIT_EXPECT_TRUE(test, rsim_wait(b.irq[0], b.ri[0], count0 + 1));
	KUNIT_EXPECT_EQ(test, b.fn->nr_raised, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&b.ri[0]->count), count0 + 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.block_moves), bmoves + 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.split_moves), split + 1);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.caught), caught + 1);

	KUNIT_EXPECT_EQ(test, rsim_blk_expect_layout(test, &b), to);
	KUNIT_EXPECT_NE(test, irqd_cfg(rsim_irqd(test, b.irq[0]))->vector, old_base);
	rsim_blk_expect_msg(test, &b);
	rsim_blk_raise_all(test, &b, to, rsim_blk_raise_sim);

	/* The old block is released once the old CPU has nothing pending */
	msleep(50);
	for (i = 0; i < RSIM_MSI_VECS; i++)
		KUNIT_EXPECT_EQ_MSG(test, rsim_vectors_of(irq_to_desc(b.blk->virq + i)),
				    1, "vector %u", i);
}

/*
 * Multi-MSI with spread affinity (PCI_IRQ_AFFINITY), as an NVMe
 * controller without MSI-X asks for it: the block is granted, on one
 * CPU, and its interrupts are not managed (the block moves as one; see
 * msi_raw_alloc_block()); every vector reaches its own handler.
 */
static void msi_raw_test_block_affinity(struct kunit *test)
{
	struct irq_affinity affd = { .pre_vectors = 1 };
	long vectors = atomic_long_read(&msi_raw_stats.vectors);
	struct rsim_matrix before;
	struct rsim_blk b;
	unsigned int cpu;
	int i;

	rsim_matrix(test, &before);
	b.sim = rsim_create(test);
	b.fn = ops_sim_fn(b.sim, 1);
	b.pdev = b.fn->pdev;
	b.nvec = pci_alloc_irq_vectors_affinity(b.pdev, 4, 4,
						PCI_IRQ_MSI | PCI_IRQ_AFFINITY,
						&affd);
	KUNIT_ASSERT_EQ(test, b.nvec, 4);
	rsim_blk_request(test, &b);
	KUNIT_EXPECT_EQ(test, b.blk->order, 2);
	for (i = 0; i < b.nvec; i++)
		KUNIT_EXPECT_FALSE_MSG(test,
				       irqd_affinity_is_managed(rsim_irqd(test, b.irq[i])),
				       "vector %d is managed", i);
	cpu = rsim_blk_expect_layout(test, &b);
	rsim_blk_expect_msg(test, &b);
	rsim_blk_raise_all(test, &b, cpu, rsim_blk_raise_sim);

	for (i = 0; i < b.nvec; i++)
		ops_sim_free_irq(b.sim, b.irq[i]);
	pci_free_irq_vectors(b.pdev);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.vectors), vectors);
	rsim_expect_matrix(test, &before);
}

/* A device without per-vector mask bits */
static void msi_raw_test_block_move(struct kunit *test)
{
	rsim_blk_move(test, &rsim_opts);
}

/*
 * A device with per-vector mask bits: genirq masks only the vector whose
 * move it carries out, while the message is the whole block's. Vector
 * 0, not masked, may fire in the middle of the rewrite: the block moves
 * in two steps all the same.
 */
static void msi_raw_test_block_move_maskable(struct kunit *test)
{
	static const struct ops_sim_opts opts = {
		.nr_fns		= RSIM_FNS,
		.msi_vecs	= { 1, RSIM_MSI_VECS },
	};

	rsim_blk_move(test, &opts);
}

/* Vector domain interrupts that fill a CPU, then give back some */
static void rsim_fill_cpu(struct kunit *test, unsigned int cpu,
			  struct rsim_blockers *b)
{
	struct irq_alloc_info info;
	int irq;

	for (;;) {
		KUNIT_ASSERT_LT(test, b->nr, NR_VECTORS);
		init_irq_alloc_info(&info, cpumask_of(cpu));
		irq = irq_domain_alloc_irqs(x86_vector_domain, 1, NUMA_NO_NODE, &info);
		if (irq <= 0)
			break;
		b->irq[b->nr++] = irq;
	}
	KUNIT_ASSERT_GT(test, b->nr, 0);
}

/*
 * No block of 8 on any CPU a message may name, but blocks of 4: a
 * driver that accepts 4 gets 4 on a block of 4; one that needs 5 gets
 * -ENOSPC, and nothing is left allocated either way.
 */
static void msi_raw_test_block_fallback(struct kunit *test)
{
	struct rsim_blockers *bl = kunit_kzalloc(test, sizeof(*bl), GFP_KERNEL);
	long vectors = atomic_long_read(&msi_raw_stats.vectors);
	struct cpumask *beyond;
	struct rsim_matrix before;
	struct rsim_blk b;
	unsigned int cpu, i, n;

	KUNIT_ASSERT_NOT_NULL(test, bl);
	beyond = kunit_kzalloc(test, cpumask_size(), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, beyond);
	b.sim = rsim_create(test);
	b.fn = ops_sim_fn(b.sim, 1);
	b.pdev = b.fn->pdev;

	/* Only @cpu can be named: every other CPU is "beyond reach" */
	cpu = cpumask_first(cpu_online_mask);
	cpumask_andnot(beyond, cpu_possible_mask, cpumask_of(cpu));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, rsim_beyond_reset, NULL), 0);
	WRITE_ONCE(msi_raw_test_beyond.irq, 0);
	WRITE_ONCE(msi_raw_test_beyond.cpus, beyond);

	/* Fill @cpu, then free the vectors 4..7 of every 8 */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, rsim_blockers_free, bl), 0);
	rsim_fill_cpu(test, cpu, bl);
	for (i = 0, n = 0; i < bl->nr; i++) {
		if (irq_cfg(bl->irq[i])->vector & 4)
			irq_domain_free_irqs(bl->irq[i], 1);
		else
			bl->irq[n++] = bl->irq[i];
	}
	KUNIT_ASSERT_LT(test, n, bl->nr);
	bl->nr = n;
	rsim_matrix(test, &before);

	KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(b.pdev, 5, 8, PCI_IRQ_MSI), -ENOSPC);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.vectors), vectors);
	rsim_expect_matrix(test, &before);
	KUNIT_EXPECT_FALSE(test, b.pdev->msi_enabled);

	b.nvec = pci_alloc_irq_vectors(b.pdev, 2, 8, PCI_IRQ_MSI);
	KUNIT_ASSERT_EQ(test, b.nvec, 4);
	rsim_blk_request(test, &b);
	KUNIT_EXPECT_EQ(test, b.blk->order, 2);
	KUNIT_EXPECT_EQ(test, rsim_blk_expect_layout(test, &b), cpu);
	KUNIT_EXPECT_EQ(test, irqd_cfg(rsim_irqd(test, b.irq[0]))->vector & 7, 4);
	rsim_blk_expect_msg(test, &b);
	rsim_blk_raise_all(test, &b, cpu, rsim_blk_raise_sim);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.vectors), vectors + 4);

	for (i = 0; i < b.nvec; i++)
		ops_sim_free_irq(b.sim, b.irq[i]);
	pci_free_irq_vectors(b.pdev);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.vectors), vectors);
	rsim_expect_matrix(test, &before);
}

/*
 * The block's CPU goes offline: the block moves to another CPU as one,
 * every vector reaching its handler there, and when the CPU is back the
 * vector matrix is where it was.
 */
static void msi_raw_test_block_cpu_offline(struct kunit *test)
{
	unsigned int from, to, boot;
	struct rsim_blk b;
	int ret;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two online CPUs");
	rsim_blk_setup(test, &b, 8, 8, 8);
	/* Not the boot CPU, which does not go offline */
	boot = cpumask_first(cpu_online_mask);
	if (rsim_cpu_of(b.irq[0]) == boot) {
		to = rsim_other_cpu(boot);
		KUNIT_ASSERT_EQ(test, irq_set_affinity(b.irq[2], cpumask_of(to)), 0);
		KUNIT_EXPECT_EQ(test, ops_sim_raise_msi(b.fn, 2), (int)boot);
		KUNIT_ASSERT_TRUE(test, rsim_wait(b.irq[2], b.ri[2], 1));
	}
	from = rsim_blk_expect_layout(test, &b);
	KUNIT_ASSERT_NE(test, from, boot);
	rsim_blk_raise_all(test, &b, from, rsim_blk_raise_sim);

	to = rsim_blk_offline(test, &b, from, rsim_blk_raise_sim);
	ret = add_cpu(from);
	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "CPU %u did not come back", from);
	rsim_blk_raise_all(test, &b, rsim_blk_expect_layout(test, &b),
			   rsim_blk_raise_sim);
}

/*
 * After a reset the device has lost its message and its Multiple
 * Message Enable; pci_restore_msi_state() gives it back the block's
 * message and the whole block's enable, and every vector works again,
 * with no vector more or less.
 */
static void msi_raw_test_block_restore(struct kunit *test)
{
	long vectors, guards;
	struct rsim_blk b;
	unsigned int cpu;
	u16 flags;

	rsim_blk_setup(test, &b, 5, 5, 5);
	cpu = rsim_blk_expect_layout(test, &b);
	vectors = atomic_long_read(&msi_raw_stats.vectors);
	guards = atomic_long_read(&msi_raw_stats.guards);

	/* The reset, as the function sees it: message and enables gone */
	ops_sim_reset(b.fn);
	KUNIT_ASSERT_EQ(test, ops_sim_raise_msi(b.fn, 0), -ENODEV);

	pci_restore_msi_state(b.pdev);
	flags = ops_sim_get(b.fn, SIM_MSI_CAP + PCI_MSI_FLAGS, 2);
	KUNIT_EXPECT_TRUE(test, flags & PCI_MSI_FLAGS_ENABLE);
	KUNIT_EXPECT_EQ(test, FIELD_GET(PCI_MSI_FLAGS_QSIZE, flags), 3);
	rsim_blk_expect_msg(test, &b);
	KUNIT_EXPECT_EQ(test, rsim_blk_expect_layout(test, &b), cpu);
	rsim_blk_raise_all(test, &b, cpu, rsim_blk_raise_sim);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.vectors), vectors);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.guards), guards);
}

static void rsim_pci_dev_put(void *data)
{
	pci_dev_put(data);
}

/* An online CPU that is neither @a nor @b, or nr_cpu_ids */
static unsigned int rsim_third_cpu(unsigned int a, unsigned int b)
{
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		if (cpu != a && cpu != b)
			return cpu;
	}
	return nr_cpu_ids;
}

/*
 * Real messages on every vector: QEMU's edu device sends, by DMA, the
 * data of vector k (data | k) to the address of the simulated device's
 * block, for every k of the block: handler k runs and no other, a guard
 * vector counts as spurious on its own block. Before and after an
 * affinity move (carried out by a DMA-sent message), and after the
 * block's CPU went offline. Finally the limit of programming messages
 * without remapping: the data word of another device, sent by edu,
 * reaches that device's handler; nothing tells a forged message from a
 * real one.
 */
static void msi_raw_test_block_dma(struct kunit *test)
{
	struct pci_dev *edu = edu_msi_dma_get();
	unsigned int from, to, boot;
	struct rsim_irq *ri0;
	struct msi_msg msg;
	struct rsim_blk b;
	int irq0, i, ret;

	if (!edu)
		kunit_skip(test, "no edu DMA to the MSI window (edu,dma_mask=0xffffffff)");
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, rsim_pci_dev_put, edu), 0);
	if (num_online_cpus() < 3)
		kunit_skip(test, "needs three online CPUs");

	rsim_blk_setup(test, &b, 6, 6, 6);
	b.edu = edu;
	from = rsim_blk_expect_layout(test, &b);
	rsim_blk_raise_all(test, &b, from, rsim_blk_raise_dma);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&b.blk->spurious), 2);

	/* Affinity of vector 4, carried out by its next (DMA) message */
	boot = cpumask_first(cpu_online_mask);
	to = rsim_third_cpu(from, boot);
	KUNIT_ASSERT_LT(test, to, nr_cpu_ids);
	KUNIT_ASSERT_EQ(test, irq_set_affinity(b.irq[4], cpumask_of(to)), 0);
	KUNIT_EXPECT_EQ(test, rsim_blk_raise_dma(&b, 4), (int)from);
	KUNIT_EXPECT_TRUE(test, rsim_wait(b.irq[4], b.ri[4], 2));
	KUNIT_ASSERT_EQ(test, rsim_blk_expect_layout(test, &b), to);
	rsim_blk_expect_msg(test, &b);
	rsim_blk_raise_all(test, &b, to, rsim_blk_raise_dma);

	/* The block's CPU goes offline */
	rsim_blk_offline(test, &b, to, rsim_blk_raise_dma);
	ret = add_cpu(to);
	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "CPU %u did not come back", to);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&b.blk->spurious), 6);

	/* Another device's message: delivered, the isolation limit */
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(b.sim->pdev, 1, 1,
						    PCI_IRQ_MSI), 1);
	irq0 = pci_irq_vector(b.sim->pdev, 0);
	ri0 = rsim_irq_alloc(test);
	rsim_request(test, b.sim, irq0, ri0);
	ops_sim_msi_msg(b.sim, &msg);
	KUNIT_EXPECT_EQ(test, edu_msi_dma_write(edu, msg.address_lo, msg.data), 0);
	KUNIT_EXPECT_TRUE(test, rsim_wait(irq0, ri0, 1));
	for (i = 0; i < b.nvec; i++)
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&b.ri[i]->count), 3 + (i == 4),
				    "handler %d", i);
}

/*
 * Vector exhaustion and CPU hotplug with blocks held: every function of
 * a bus of RSIM_STRESS_FNS multi-MSI functions (32 vectors each, no
 * mask) asks for RSIM_STRESS_MIN..24 or ..32 vectors, until no block of
 * RSIM_STRESS_MIN is left on any CPU.
 */
#define RSIM_STRESS_FNS		SIM_MAX_FNS
#define RSIM_STRESS_MIN		4
#define RSIM_STRESS_ROUNDS	3

struct rsim_stress {
	struct ops_sim		*sim;
	struct rsim_blk		b[RSIM_STRESS_FNS];
	bool			held[RSIM_STRESS_FNS];
	/* What the allocations gave: the block asked for, a smaller one, none */
	unsigned int		full;
	unsigned int		fallback;
	unsigned int		enospc;
};

static int rsim_stress_maxvec(unsigned int f)
{
	/* Odd functions use 24 of a block of 32: 8 guards */
	return f & 1 ? 24 : SIM_MSI_VECS;
}

/* Function @f allocates: true when it got a block */
static bool rsim_stress_alloc(struct kunit *test, struct rsim_stress *st,
			      unsigned int f)
{
	struct rsim_blk *b = &st->b[f];
	int maxvec = rsim_stress_maxvec(f);

	b->fn = ops_sim_fn(st->sim, f);
	b->sim = b->fn;
	b->pdev = b->fn->pdev;
	b->nvec = pci_alloc_irq_vectors(b->pdev, RSIM_STRESS_MIN, maxvec,
					PCI_IRQ_MSI);
	if (b->nvec == -ENOSPC) {
		st->enospc++;
		KUNIT_EXPECT_FALSE(test, b->pdev->msi_enabled);
		return false;
	}
	KUNIT_ASSERT_GE_MSG(test, b->nvec, RSIM_STRESS_MIN, "function %u", f);
	KUNIT_ASSERT_LE_MSG(test, b->nvec, maxvec, "function %u", f);
	rsim_blk_request(test, b);
	KUNIT_EXPECT_EQ(test, b->blk->nvec_used, b->nvec);
	KUNIT_EXPECT_EQ(test, 1U << b->blk->order, roundup_pow_of_two(b->nvec));
	if (b->nvec < maxvec)
		st->fallback++;
	else
		st->full++;
	st->held[f] = true;
	return true;
}

static void rsim_stress_free(struct rsim_stress *st, unsigned int f)
{
	struct rsim_blk *b = &st->b[f];
	int i;

	for (i = 0; i < b->nvec; i++)
		ops_sim_free_irq(b->sim, b->irq[i]);
	pci_free_irq_vectors(b->pdev);
	st->held[f] = false;
}

/*
 * Every block held: contiguous, aligned, on one online CPU, the message
 * naming it. Return: how many blocks are on @cpu.
 */
static unsigned int rsim_stress_check(struct kunit *test, struct rsim_stress *st,
				      unsigned int cpu)
{
	unsigned int f, on, n = 0;

	for (f = 0; f < RSIM_STRESS_FNS; f++) {
		if (!st->held[f])
			continue;
		on = rsim_blk_expect_layout(test, &st->b[f]);
		KUNIT_EXPECT_TRUE_MSG(test, cpu_online(on), "function %u: CPU %u", f, on);
		rsim_blk_expect_msg(test, &st->b[f]);
		n += on == cpu;
	}
	return n;
}

/*
 * Every function without a block asks for one, until one gets -ENOSPC;
 * after each, every block is checked.
 */
static void rsim_stress_fill(struct kunit *test, struct rsim_stress *st)
{
	unsigned int f, enospc = st->enospc;

	for (f = 0; f < RSIM_STRESS_FNS; f++) {
		if (st->held[f])
			continue;
		if (!rsim_stress_alloc(test, st, f))
			break;
		rsim_stress_check(test, st, nr_cpu_ids);
	}
	KUNIT_ASSERT_EQ_MSG(test, st->enospc, enospc + 1,
			    "%u functions did not use up the vectors", RSIM_STRESS_FNS);
}

/*
 * Room elsewhere for the blocks of @cpu: free blocks on other CPUs,
 * the largest first, until they give back twice the vectors of those
 * on @cpu and two blocks more, for other devices' interrupts that
 * leave @cpu too. Return: the blocks left on @cpu.
 */
static unsigned int rsim_stress_make_room(struct kunit *test,
					  struct rsim_stress *st, unsigned int cpu)
{
	unsigned int f, order, need = 2 * SIM_MSI_VECS, freed = 0, n = 0;

	for (f = 0; f < RSIM_STRESS_FNS; f++) {
		if (st->held[f] && rsim_cpu_of(st->b[f].irq[0]) == cpu) {
			need += 2U << st->b[f].blk->order;
			n++;
		}
	}
	for (order = ilog2(SIM_MSI_VECS) + 1; order-- > 0 && freed < need;) {
		for (f = 0; f < RSIM_STRESS_FNS && freed < need; f++) {
			if (!st->held[f] || st->b[f].blk->order != order ||
			    rsim_cpu_of(st->b[f].irq[0]) == cpu)
				continue;
			freed += 1U << order;
			rsim_stress_free(st, f);
		}
	}
	/* Too few CPUs to take them all: @cpu gives back some of its own */
	for (f = RSIM_STRESS_FNS; f-- > 0 && freed < need;) {
		if (!st->held[f])
			continue;
		need -= 2U << st->b[f].blk->order;
		rsim_stress_free(st, f);
		n--;
	}
	return n;
}

/* Bring back the CPUs of @data that a test left offline */
static void rsim_cpus_up(void *data)
{
	unsigned int cpu;

	for_each_cpu(cpu, (const struct cpumask *)data) {
		if (!cpu_online(cpu) && add_cpu(cpu))
			pr_err("msi_raw_kunit: CPU %u stays offline\n", cpu);
	}
}

/*
 * Blocks until the vectors run out, while CPUs go offline and come back
 * with blocks on them. In each round the functions allocate until one
 * gets -ENOSPC (the others got their maximum or, by the driver's
 * minimum, a smaller block); a CPU other than the boot CPU goes offline
 * once the other CPUs have room for its blocks, which move as a whole
 * and work there; the functions allocate until -ENOSPC again, and the
 * CPU comes back. After every step each block is contiguous, aligned,
 * on one online CPU, and its message names it. At the end the block
 * moves (the backend's counter), the fallbacks and the -ENOSPC are
 * shown, and once all is freed the backend's counts and the vector
 * matrix are exactly where they were.
 */
static void msi_raw_test_block_stress(struct kunit *test)
{
	long vectors = atomic_long_read(&msi_raw_stats.vectors);
	long blocks = atomic_long_read(&msi_raw_stats.blocks);
	long guards = atomic_long_read(&msi_raw_stats.guards);
	long bmoves, moved_total = 0;
	struct ops_sim_opts *opts;
	struct rsim_stress *st;
	struct rsim_matrix before;
	struct cpumask *online;
	unsigned int boot, cpu, f, on, moved, rounds = 0;
	int ret;

	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two online CPUs");
	st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	opts = kunit_kzalloc(test, sizeof(*opts), GFP_KERNEL);
	online = kunit_kzalloc(test, cpumask_size(), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, st);
	KUNIT_ASSERT_NOT_NULL(test, opts);
	KUNIT_ASSERT_NOT_NULL(test, online);
	cpumask_copy(online, cpu_online_mask);
	/* After the simulation is gone, should the test stop half way */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, rsim_cpus_up, online), 0);
	opts->nr_fns = RSIM_STRESS_FNS;
	opts->msi_nomask = true;
	for (f = 0; f < RSIM_STRESS_FNS; f++)
		opts->msi_vecs[f] = SIM_MSI_VECS;
	rsim_matrix(test, &before);
	st->sim = rsim_create_opts(test, opts);
	boot = cpumask_first(cpu_online_mask);

	for_each_online_cpu(cpu) {
		if (cpu == boot)
			continue;
		if (rounds == RSIM_STRESS_ROUNDS)
			break;
		rounds++;
		rsim_stress_fill(test, st);
		rsim_stress_check(test, st, cpu);

		/* @cpu goes offline with blocks on it: they move, whole */
		rsim_stress_make_room(test, st, cpu);
		rsim_stress_check(test, st, cpu);
		bmoves = atomic_long_read(&msi_raw_stats.block_moves);
		moved = 0;
		for (f = 0; f < RSIM_STRESS_FNS; f++)
			moved += st->held[f] && rsim_cpu_of(st->b[f].irq[0]) == cpu;
		ret = remove_cpu(cpu);
		KUNIT_ASSERT_EQ_MSG(test, ret, 0, "CPU %u did not go offline", cpu);
		/* No block may stay behind: their vectors would be lost */
		KUNIT_ASSERT_EQ(test, rsim_stress_check(test, st, cpu), 0);
		KUNIT_EXPECT_GE(test, atomic_long_read(&msi_raw_stats.block_moves),
				bmoves + moved);
		moved_total += atomic_long_read(&msi_raw_stats.block_moves) - bmoves;
		for (f = 0; f < RSIM_STRESS_FNS; f++) {
			if (!st->held[f])
				continue;
			on = rsim_cpu_of(st->b[f].irq[0]);
			rsim_blk_raise_all(test, &st->b[f], on, rsim_blk_raise_sim);
		}

		/* Exhausted again while @cpu is away, then @cpu is back */
		rsim_stress_fill(test, st);
		KUNIT_EXPECT_EQ(test, rsim_stress_check(test, st, cpu), 0);
		ret = add_cpu(cpu);
		KUNIT_ASSERT_EQ_MSG(test, ret, 0, "CPU %u did not come back", cpu);
		rsim_stress_check(test, st, cpu);
	}

	/* All CPUs back: exhausted once more, every vector of every block works */
	rsim_stress_fill(test, st);
	rsim_stress_check(test, st, nr_cpu_ids);
	for (f = 0; f < RSIM_STRESS_FNS; f++) {
		if (!st->held[f])
			continue;
		on = rsim_cpu_of(st->b[f].irq[0]);
		rsim_blk_raise_all(test, &st->b[f], on, rsim_blk_raise_sim);
	}
	kunit_info(test, "%u CPU(s) offline in turn: %ld block moves; allocations: %u full, %u fell back, %u -ENOSPC\n",
		   rounds,
		   moved_total, st->full, st->fallback, st->enospc);
	KUNIT_EXPECT_GT(test, moved_total, 0);
	KUNIT_EXPECT_GT(test, st->fallback, 0);

	for (f = 0; f < RSIM_STRESS_FNS; f++) {
		if (st->held[f])
			rsim_stress_free(st, f);
	}
	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.vectors), vectors);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.guards), guards);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&msi_raw_stats.blocks), blocks);
	/* The old vectors of moved blocks go once their CPU had its cleanup */
	msleep(50);
	rsim_expect_matrix(test, &before);
}

/* Other drivers' probes must not allocate vectors while the suite counts */
static int msi_raw_suite_init(struct kunit_suite *suite)
{
	wait_for_device_probe();
	return 0;
}

static struct kunit_case msi_raw_test_cases[] = {
	KUNIT_CASE(msi_raw_test_physical),
	KUNIT_CASE(msi_raw_test_logical),
	KUNIT_CASE(msi_raw_test_no_redirection_hint),
	KUNIT_CASE(msi_raw_test_vectors),
	KUNIT_CASE(msi_raw_test_destinations),
	KUNIT_CASE(msi_raw_test_ext_dest),
	KUNIT_CASE(msi_raw_test_unreachable),
	KUNIT_CASE_PARAM(msi_raw_test_split_move, msi_raw_split_gen_params),
	KUNIT_CASE(msi_raw_test_alloc_free),
	KUNIT_CASE(msi_raw_test_managed_shutdown_vector),
	KUNIT_CASE(msi_raw_test_msix_dyn),
	KUNIT_CASE_PARAM(msi_raw_test_msix_batch, rsim_batch_gen_params),
	KUNIT_CASE(msi_raw_test_move_maskable),
	KUNIT_CASE(msi_raw_test_move_unmaskable),
	KUNIT_CASE(msi_raw_test_move_unreachable),
	KUNIT_CASE(msi_raw_test_park),
	KUNIT_CASE(msi_raw_test_hwirq_unique),
	KUNIT_CASE(msi_raw_test_block_alloc_free),
	KUNIT_CASE(msi_raw_test_block_affinity),
	KUNIT_CASE(msi_raw_test_block_move),
	KUNIT_CASE(msi_raw_test_block_move_maskable),
	KUNIT_CASE(msi_raw_test_block_fallback),
	KUNIT_CASE(msi_raw_test_block_cpu_offline),
	KUNIT_CASE(msi_raw_test_block_restore),
	KUNIT_CASE_SLOW(msi_raw_test_block_dma),
	KUNIT_CASE_SLOW(msi_raw_test_block_stress),
	{}
};

static struct kunit_suite msi_raw_test_suite = {
	.name = "x86-msi-raw",
	.suite_init = msi_raw_suite_init,
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
