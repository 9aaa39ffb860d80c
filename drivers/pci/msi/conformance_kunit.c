// SPDX-License-Identifier: GPL-2.0
/*
 * The conformance suite of PCI MSI backends
 *
 * What include/linux/msi_ops.h promises, checked once for every backend
 * the kernel has: each case below runs once per backend that registered
 * with PCI_MSI_CONFORMANCE() (include/linux/msi_ops_kunit.h), on the
 * simulated device of ops_kunit_sim.c with the backend on its host
 * bridge. The core's two adapters are described here; a backend
 * describes itself in its own KUnit code.
 *
 * Nothing a backend does is taken on its word: vectors are counted as
 * Linux interrupts in the system, msi_irqs/ entries in sysfs, enable bits
 * and messages in the simulated config space and MSI-X table, and what
 * the backend says it holds through its ->held() hook. Every case ends
 * with all of it back where it was.
 *
 * Copyright (C) 2026 msi-ops maintainers
 */

#include <kunit/test.h>
#include <linux/device.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/irqnr.h>
#include <linux/kernfs.h>
#include <linux/list.h>
#include <linux/msi.h>
#include <linux/msi_ops.h>
#include <linux/msi_ops_kunit.h>
#include <linux/pci.h>
#include <linux/sysfs.h>

#include "../pci.h"
#include "msi.h"
#include "ops_kunit_sim.h"

/* Filled by initcalls, read by the suite after all of them ran */
static LIST_HEAD(conf_backends);

/**
 * pci_msi_conformance_add - Have the conformance suite run on a backend
 * @c:	Its description; must live as long as the kernel
 *
 * Use PCI_MSI_CONFORMANCE(), which calls this from an initcall.
 */
void pci_msi_conformance_add(struct pci_msi_conformance *c)
{
	list_add_tail(&c->node, &conf_backends);
}

/**
 * pci_msi_conformance_next - The backends under the conformance suite
 * @prev:	The previous one, or NULL for the first
 *
 * For other suites that run on every backend (ops_kunit_random.c), once
 * all initcalls ran.
 *
 * Return: The backend registered after @prev, in the order they
 * registered, or NULL after the last.
 */
const struct pci_msi_conformance *
pci_msi_conformance_next(const struct pci_msi_conformance *prev)
{
	const struct list_head *next = prev ? prev->node.next : conf_backends.next;

	if (next == &conf_backends)
		return NULL;
	return list_entry(next, struct pci_msi_conformance, node);
}

/* One parameter per backend, in the order they registered */
static const void *conf_gen_params(const void *prev, char *desc)
{
	const struct pci_msi_conformance *c = pci_msi_conformance_next(prev);

	if (c)
		strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
	return c;
}

/*
 * Limiting an MSI parent domain: for the backends whose vectors come
 * from the device's MSI parent (x86: the vector domain), the parent's
 * ->alloc() fails with -ENOSPC once the test thread holds @n interrupts
 * from it, as when the CPUs run out of vectors. Other threads go to the
 * real domain unchanged.
 */
static struct {
	struct irq_domain		*domain;
	const struct irq_domain_ops	*real;
	struct task_struct		*task;
	unsigned int			max;
	unsigned int			live;
} conf_lim;

static int conf_lim_alloc(struct irq_domain *d, unsigned int virq,
			  unsigned int nr_irqs, void *arg)
{
	int ret;

	if (current != conf_lim.task)
		return conf_lim.real->alloc(d, virq, nr_irqs, arg);
	if (conf_lim.live + nr_irqs > conf_lim.max)
		return -ENOSPC;
	ret = conf_lim.real->alloc(d, virq, nr_irqs, arg);
	if (!ret)
		conf_lim.live += nr_irqs;
	return ret;
}

static void conf_lim_free(struct irq_domain *d, unsigned int virq,
			  unsigned int nr_irqs)
{
	conf_lim.real->free(d, virq, nr_irqs);
	if (current == conf_lim.task)
		conf_lim.live -= min(conf_lim.live, nr_irqs);
}

static int conf_lim_activate(struct irq_domain *d, struct irq_data *irqd,
			     bool reserve)
{
	return conf_lim.real->activate ?
	       conf_lim.real->activate(d, irqd, reserve) : 0;
}

static void conf_lim_deactivate(struct irq_domain *d, struct irq_data *irqd)
{
	if (conf_lim.real->deactivate)
		conf_lim.real->deactivate(d, irqd);
}

static int conf_lim_select(struct irq_domain *d, struct irq_fwspec *fwspec,
			   enum irq_domain_bus_token bus_token)
{
	return conf_lim.real->select(d, fwspec, bus_token);
}

/* The parent's operations, forwarded, with alloc and free counting */
static const struct irq_domain_ops conf_lim_ops = {
	.select		= conf_lim_select,
	.alloc		= conf_lim_alloc,
	.free		= conf_lim_free,
	.activate	= conf_lim_activate,
	.deactivate	= conf_lim_deactivate,
};

static void conf_lim_undo(void *unused)
{
	WRITE_ONCE(conf_lim.domain->ops, conf_lim.real);
	conf_lim.domain = NULL;
}

/**
 * pci_msi_conformance_limit_parent - &pci_msi_conformance.limit for
 *	backends that allocate from the device's MSI parent domain
 * @test:	The running test; the limit ends with it
 * @pdev:	The simulated device
 * @n:		Interrupts the test may hold from the parent
 *
 * Return: 0, -EOPNOTSUPP when @pdev has no MSI domain whose operations
 * can be stood in for, or -EBUSY when another limit is in place.
 */
int pci_msi_conformance_limit_parent(struct kunit *test, struct pci_dev *pdev,
				     unsigned int n)
{
	struct irq_domain *d = dev_get_msi_domain(&pdev->dev);
	const struct irq_domain_ops *ops = d ? d->ops : NULL;

	/* A hierarchy domain that needs no more than conf_lim_ops forwards */
	if (!ops || !ops->alloc || !ops->free || !ops->select ||
	    ops->match || ops->map || ops->unmap || ops->xlate ||
	    ops->translate)
		return -EOPNOTSUPP;
	if (conf_lim.domain)
		return -EBUSY;
	conf_lim.real = ops;
	conf_lim.task = current;
	conf_lim.max = n;
	conf_lim.live = 0;
	conf_lim.domain = d;
	WRITE_ONCE(d->ops, &conf_lim_ops);
	return kunit_add_action_or_reset(test, conf_lim_undo, NULL);
}

/* The state of one test */
struct conf {
	const struct pci_msi_conformance	*c;
	struct ops_sim				*sim;
	struct pci_dev				*pdev;
	unsigned int				irqs;	/* in the system before */
	long					held;	/* by the backend before */
};

static unsigned int conf_nr_irqs(void)
{
	unsigned int irq, n = 0;

	for_each_active_irq(irq)
		n++;
	return n;
}

/* The device's msi_irqs/ directory in sysfs, with a reference */
static struct kernfs_node *conf_msi_irqs_dir(struct pci_dev *pdev)
{
	return pdev->dev.kobj.sd ?
	       kernfs_find_and_get(pdev->dev.kobj.sd, "msi_irqs") : NULL;
}

static bool conf_sysfs_has(struct kernfs_node *dir, unsigned int irq)
{
	struct kernfs_node *kn;
	char name[16];

	snprintf(name, sizeof(name), "%u", irq);
	kn = kernfs_find_and_get(dir, name);
	kernfs_put(kn);
	return kn;
}

/* Entries in msi_irqs/, whatever interrupt they name */
static unsigned int conf_sysfs_entries(struct pci_dev *pdev)
{
	struct kernfs_node *dir = conf_msi_irqs_dir(pdev);
	unsigned int irq, n = 0;

	if (!dir)
		return 0;
	for (irq = 0; irq < nr_irqs; irq++)
		n += conf_sysfs_has(dir, irq);
	kernfs_put(dir);
	return n;
}

static long conf_held(struct conf *t)
{
	return t->c->held ? t->c->held(t->pdev) : 0;
}

static struct conf *conf_start(struct kunit *test)
{
	const struct pci_msi_conformance *c = test->param_value;
	struct conf *t;

	KUNIT_ASSERT_NOT_NULL(test, c);
	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t->c = c;
	t->sim = c->adapter ? ops_sim_create_adapter(test, c->ops) :
			      ops_sim_create(test, c->ops);
	t->pdev = t->sim->pdev;
	if (c->setup)
		KUNIT_ASSERT_EQ(test, c->setup(test, t->pdev), 0);
	/* The device's MSI data and its msi_irqs/ group, as at first use */
	KUNIT_ASSERT_EQ(test, msi_setup_device_data(&t->pdev->dev), 0);
	t->irqs = conf_nr_irqs();
	t->held = conf_held(t);
	t->sim->nr_writes = 0;
	return t;
}

/* Teardown to zero: nothing of MSI or MSI-X is left anywhere */
static void conf_expect_clean(struct kunit *test, struct conf *t)
{
	struct pci_dev *pdev = t->pdev;

	KUNIT_EXPECT_EQ(test, ops_sim_nr_descs(pdev), 0);
	KUNIT_EXPECT_EQ(test, conf_nr_irqs(), t->irqs);
	KUNIT_EXPECT_EQ(test, conf_held(t), t->held);
	KUNIT_EXPECT_EQ(test, conf_sysfs_entries(pdev), 0);
	KUNIT_EXPECT_FALSE(test, pdev->msi_enabled);
	KUNIT_EXPECT_FALSE(test, pdev->msix_enabled);
	KUNIT_EXPECT_FALSE(test, ops_sim_msi_on(t->sim));
	KUNIT_EXPECT_FALSE(test, ops_sim_msix_on(t->sim));
	KUNIT_EXPECT_FALSE(test, ops_sim_intx_off(t->sim));
	KUNIT_EXPECT_NULL(test, pdev->msi_ops);
	KUNIT_EXPECT_TRUE(test, !pdev->msix_base);
	KUNIT_EXPECT_EQ(test, t->sim->nr_map, t->sim->nr_unmap);
}

static bool conf_has(struct conf *t, unsigned int flags)
{
	return pci_msi_ops_supports(t->pdev, flags);
}

/* Vectors @type can have on the simulated device, as the backend says */
static int conf_max(struct conf *t, int type)
{
	if (type == PCI_CAP_ID_MSIX)
		return SIM_MSIX_VECS;
	return conf_has(t, PCI_MSI_OPS_MULTI_MSI) ? 4 : 1;
}

static unsigned int conf_irq_flag(int type)
{
	return type == PCI_CAP_ID_MSIX ? PCI_IRQ_MSIX : PCI_IRQ_MSI;
}

static const char *conf_type_name(int type)
{
	return type == PCI_CAP_ID_MSIX ? "MSI-X" : "MSI";
}

/* What the device holds for vector @nr (MSI: the one message) */
static void conf_dev_msg(struct conf *t, struct msi_desc *desc,
			 struct msi_msg *msg)
{
	int cap = SIM_MSI_CAP;

	if (desc->pci.msi_attrib.is_msix) {
		msg->address_lo = ops_sim_table(t->sim, desc->msi_index,
						PCI_MSIX_ENTRY_LOWER_ADDR);
		msg->address_hi = ops_sim_table(t->sim, desc->msi_index,
						PCI_MSIX_ENTRY_UPPER_ADDR);
		msg->data = ops_sim_table(t->sim, desc->msi_index,
					  PCI_MSIX_ENTRY_DATA);
		return;
	}
	msg->address_lo = ops_sim_get(t->sim, cap + PCI_MSI_ADDRESS_LO, 4);
	msg->address_hi = ops_sim_get(t->sim, cap + PCI_MSI_ADDRESS_HI, 4);
	msg->data = ops_sim_get(t->sim, cap + PCI_MSI_DATA_64, 2);
}

/* What the backend declares, not what the core makes of it */
static bool conf_fw_owns_msg(struct conf *t)
{
	const struct pci_msi_ops *ops = t->c->ops;
	unsigned int flags = ops->features ? ops->features(t->pdev) : ops->flags;

	return flags & PCI_MSI_OPS_FW_OWNS_MSG;
}

/*
 * Message ownership. Firmware's: the core and the backend never wrote an
 * address or data word of the device. The kernel's: the device holds,
 * for every vector, the message the backend composed, which is what the
 * core cached and, while the vector is active (@live), what the
 * interrupt's chips compose now where they can (a backend without
 * irq_compose_msi_msg() only has the cache). A vector deactivated by
 * free_irq() may hold a stale message behind its mask, or none.
 */
static void conf_expect_msgs(struct kunit *test, struct conf *t, bool live)
{
	struct msi_desc *desc;
	struct msi_msg dev, composed;
	int ret;

	if (conf_fw_owns_msg(t)) {
		KUNIT_EXPECT_EQ(test, ops_sim_msi_msg_writes(t->sim), 0);
		KUNIT_EXPECT_EQ(test, ops_sim_msix_msg_written(t->sim), 0);
		return;
	}

	msi_lock_descs(&t->pdev->dev);
	msi_for_each_desc(desc, &t->pdev->dev, MSI_DESC_ASSOCIATED) {
		conf_dev_msg(t, desc, &dev);
		if (!desc->pci.msi_attrib.is_msix)
			KUNIT_EXPECT_GT(test, ops_sim_msi_msg_writes(t->sim), 0);
		KUNIT_EXPECT_EQ_MSG(test, dev.address_lo, desc->msg.address_lo,
				    "index %u", desc->msi_index);
		KUNIT_EXPECT_EQ_MSG(test, dev.address_hi, desc->msg.address_hi,
				    "index %u", desc->msi_index);
		KUNIT_EXPECT_EQ_MSG(test, dev.data, desc->msg.data,
				    "index %u", desc->msi_index);
		if (!live)
			continue;
		ret = irq_chip_compose_msi_msg(irq_get_irq_data(desc->irq),
					       &composed);
		if (ret)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, dev.address_lo, composed.address_lo,
				    "index %u", desc->msi_index);
		KUNIT_EXPECT_EQ_MSG(test, dev.address_hi, composed.address_hi,
				    "index %u", desc->msi_index);
		KUNIT_EXPECT_EQ_MSG(test, dev.data, composed.data,
				    "index %u", desc->msi_index);
	}
	msi_unlock_descs(&t->pdev->dev);
}

/*
 * Every vector is activated before MSI is enabled, as PCI/MSI irq domains
 * do it. Where the device masks it and the architecture has reservation
 * mode, it is activated on a reserved vector and marked for activation
 * again at request_irq(), so it does not count as activated; the device
 * holds a message all the same (conf_expect_msgs()). The arch-legacy
 * adapter's chips are exempt.
 */
static void conf_expect_activated(struct kunit *test, struct conf *t,
				  unsigned int irq)
{
	struct irq_data *d = irq_get_irq_data(irq);
	struct msi_desc *desc = irq_get_msi_desc(irq);
	bool reserve;

	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_ASSERT_NOT_NULL(test, desc);
	if (t->pdev->msi_ops_flags & PCI_MSI_OPS_ARCH_CHIPS)
		return;
	reserve = IS_ENABLED(CONFIG_GENERIC_IRQ_RESERVATION_MODE) &&
		  !(t->pdev->msi_ops_flags & PCI_MSI_OPS_NO_MASK) &&
		  (desc->pci.msi_attrib.is_msix || desc->pci.msi_attrib.can_mask);
	KUNIT_EXPECT_EQ_MSG(test, irqd_is_activated(d), !reserve,
			    "irq %u, reservation mode %d", irq, reserve);
}

/*
 * A vector can fire. Where firmware owns the message and the core does
 * not mask at the device (%PCI_MSI_OPS_NO_MASK), masking is the interrupt
 * controller's and the MSI-X entry itself must be open; the core's
 * adapters leave the entries to whoever owns them (Xen).
 */
static void conf_expect_open(struct kunit *test, struct conf *t,
			     struct msi_desc *desc)
{
	unsigned int need = PCI_MSI_OPS_FW_OWNS_MSG | PCI_MSI_OPS_NO_MASK;
	unsigned int flags = t->pdev->msi_ops_flags;

	if (!desc->pci.msi_attrib.is_msix || (flags & need) != need ||
	    (flags & PCI_MSI_OPS_ADAPTER_MASK))
		return;
	KUNIT_EXPECT_FALSE_MSG(test,
			       ops_sim_table(t->sim, desc->msi_index,
					     PCI_MSIX_ENTRY_VECTOR_CTRL) &
			       PCI_MSIX_ENTRY_CTRL_MASKBIT,
			       "MSI-X entry %u masked", desc->msi_index);
}

/* What a driver sees of @n vectors of @type, and what the system has */
static void conf_expect_vectors(struct kunit *test, struct conf *t, int type,
				int n)
{
	struct pci_dev *pdev = t->pdev;
	struct kernfs_node *dir;
	struct msi_desc *desc;
	int i, irq, prev = 0;

	KUNIT_EXPECT_EQ(test, type == PCI_CAP_ID_MSIX ? pdev->msix_enabled :
				pdev->msi_enabled, true);
	KUNIT_EXPECT_EQ(test, ops_sim_msix_on(t->sim), type == PCI_CAP_ID_MSIX);
	KUNIT_EXPECT_EQ(test, ops_sim_msi_on(t->sim), type == PCI_CAP_ID_MSI);
	KUNIT_EXPECT_TRUE(test, ops_sim_intx_off(t->sim));
	KUNIT_EXPECT_EQ(test, conf_nr_irqs(), t->irqs + n);
	KUNIT_EXPECT_EQ(test, pci_irq_vector(pdev, n), -EINVAL);

	dir = conf_msi_irqs_dir(pdev);
	KUNIT_EXPECT_NOT_NULL(test, dir);
	for (i = 0; i < n; i++) {
		irq = pci_irq_vector(pdev, i);
		KUNIT_ASSERT_GT_MSG(test, irq, 0, "vector %d", i);
		KUNIT_EXPECT_NE(test, irq, prev);
		prev = irq;
		desc = irq_get_msi_desc(irq);
		KUNIT_ASSERT_NOT_NULL_MSG(test, desc, "irq %d", irq);
		KUNIT_EXPECT_PTR_EQ(test, desc->dev, &pdev->dev);
		if (dir)
			KUNIT_EXPECT_TRUE_MSG(test, conf_sysfs_has(dir, irq),
					      "no msi_irqs/%d", irq);
		conf_expect_activated(test, t, irq);
		conf_expect_open(test, t, desc);
	}
	kernfs_put(dir);
	KUNIT_EXPECT_EQ(test, conf_sysfs_entries(pdev), n);
	conf_expect_msgs(test, t, true);
}

static const int conf_types[] = { PCI_CAP_ID_MSI, PCI_CAP_ID_MSIX };

/* Enable, the vectors a driver gets, teardown to zero, for both types */
static void conf_test_enable_free(struct kunit *test)
{
	struct conf *t = conf_start(test);
	int i, type, max, n;

	for (i = 0; i < ARRAY_SIZE(conf_types); i++) {
		type = conf_types[i];
		if (type == PCI_CAP_ID_MSIX && !conf_has(t, PCI_MSI_OPS_MSIX))
			continue;
		max = conf_max(t, type);
		n = pci_alloc_irq_vectors(t->pdev, 1, max, conf_irq_flag(type));
		KUNIT_ASSERT_GE_MSG(test, n, 1, "%s", conf_type_name(type));
		KUNIT_EXPECT_LE(test, n, max);
		conf_expect_vectors(test, t, type, n);
		pci_free_irq_vectors(t->pdev);
		conf_expect_clean(test, t);
	}
}

/*
 * The driver's minimum and maximum: never more than the maximum, never
 * fewer than the minimum, -ENOSPC when the minimum cannot be had, and
 * nothing left after a refusal.
 */
static void conf_test_min_max(struct kunit *test)
{
	struct conf *t = conf_start(test);
	struct pci_dev *pdev = t->pdev;
	int i, type, n, hw;
	unsigned int flag;

	for (i = 0; i < ARRAY_SIZE(conf_types); i++) {
		type = conf_types[i];
		if (type == PCI_CAP_ID_MSIX && !conf_has(t, PCI_MSI_OPS_MSIX))
			continue;
		flag = conf_irq_flag(type);
		hw = type == PCI_CAP_ID_MSIX ? SIM_MSIX_VECS : SIM_MSI_VECS;

		/* More than the device has */
		KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(pdev, hw + 1, hw + 4, flag),
				-ENOSPC);
		conf_expect_clean(test, t);

		/* All the backend gives of what the device has */
		n = pci_alloc_irq_vectors(pdev, 1, hw, flag);
		KUNIT_ASSERT_GE(test, n, 1);
		KUNIT_EXPECT_LE(test, n, hw);
		pci_free_irq_vectors(pdev);
		conf_expect_clean(test, t);
		KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, n, n, flag), n);
		conf_expect_vectors(test, t, type, n);
		pci_free_irq_vectors(pdev);
		conf_expect_clean(test, t);

		/* One more than it gives, as the minimum */
		if (n < hw) {
			KUNIT_EXPECT_EQ_MSG(test,
					    pci_alloc_irq_vectors(pdev, n + 1, n + 1, flag),
					    -ENOSPC, "%s", conf_type_name(type));
			pci_free_irq_vectors(pdev);
			conf_expect_clean(test, t);
		}
	}
}

/*
 * Partial grants: when only 2 vectors can be had, a driver that takes 1
 * to 4 gets 2 (or an error, for backends that do not offer less than
 * asked), one that needs 3 gets an error, and nothing is left either way.
 */
static void conf_test_partial(struct kunit *test)
{
	struct conf *t = conf_start(test);
	struct pci_dev *pdev = t->pdev;
	int i, type, n;
	unsigned int flag;

	if (!t->c->limit)
		kunit_skip(test, "%s: no way to make it run out", t->c->name);
	KUNIT_ASSERT_EQ(test, t->c->limit(test, pdev, 2), 0);

	for (i = 0; i < ARRAY_SIZE(conf_types); i++) {
		type = conf_types[i];
		if (conf_max(t, type) < 4 ||
		    (type == PCI_CAP_ID_MSIX && !conf_has(t, PCI_MSI_OPS_MSIX)))
			continue;
		flag = conf_irq_flag(type);

		n = pci_alloc_irq_vectors(pdev, 1, 4, flag);
		KUNIT_EXPECT_TRUE_MSG(test, n == 2 || n < 0, "%s: got %d of 2",
				      conf_type_name(type), n);
		if (n > 0)
			conf_expect_vectors(test, t, type, n);
		pci_free_irq_vectors(pdev);
		conf_expect_clean(test, t);

		n = pci_alloc_irq_vectors(pdev, 3, 4, flag);
		KUNIT_EXPECT_LT_MSG(test, n, 0, "%s", conf_type_name(type));
		pci_free_irq_vectors(pdev);
		conf_expect_clean(test, t);
	}
}

/* An empty msi_irqs group, to give the device back what the test took */
static struct attribute *conf_no_attrs[] = { NULL };

static const struct attribute_group conf_msi_irqs_group = {
	.name	= "msi_irqs",
	.attrs	= conf_no_attrs,
};

static void conf_restore_msi_irqs(void *data)
{
	struct kobject *kobj = data;

	/* Removed with the device's MSI data, which expects it there */
	WARN_ON(sysfs_create_group(kobj, &conf_msi_irqs_group));
}

/*
 * Unwinding after the backend succeeded: the msi_irqs/ entries cannot be
 * made (their directory is gone), so the enable fails after ->alloc()
 * and everything allocated must be given back.
 */
static void conf_test_unwind(struct kunit *test)
{
	struct conf *t = conf_start(test);
	struct pci_dev *pdev = t->pdev;
	int i, type, n;

	KUNIT_ASSERT_NOT_NULL(test, pdev->dev.kobj.sd);
	kernfs_remove_by_name(pdev->dev.kobj.sd, "msi_irqs");
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, conf_restore_msi_irqs,
							&pdev->dev.kobj), 0);

	for (i = 0; i < ARRAY_SIZE(conf_types); i++) {
		type = conf_types[i];
		if (type == PCI_CAP_ID_MSIX && !conf_has(t, PCI_MSI_OPS_MSIX))
			continue;
		n = pci_alloc_irq_vectors(pdev, 1, conf_max(t, type),
					  conf_irq_flag(type));
		KUNIT_EXPECT_LT_MSG(test, n, 0, "%s", conf_type_name(type));
		pci_free_irq_vectors(pdev);
		conf_expect_clean(test, t);
	}
}

/*
 * Restore after a reset: the same vectors, enabled again, the device
 * holding the messages again (or, where firmware owns them, the core
 * and the backend having written none).
 */
static void conf_test_restore(struct kunit *test)
{
	struct conf *t = conf_start(test);
	struct pci_dev *pdev = t->pdev;
	int i, j, type, n, irqs[SIM_MSIX_VECS];

	for (i = 0; i < ARRAY_SIZE(conf_types); i++) {
		type = conf_types[i];
		if (type == PCI_CAP_ID_MSIX && !conf_has(t, PCI_MSI_OPS_MSIX))
			continue;
		n = pci_alloc_irq_vectors(pdev, 1, conf_max(t, type),
					  conf_irq_flag(type));
		KUNIT_ASSERT_GE(test, n, 1);
		for (j = 0; j < n; j++)
			irqs[j] = pci_irq_vector(pdev, j);

		ops_sim_reset(t->sim);
		t->sim->nr_writes = 0;
		pci_restore_msi_state(pdev);
		for (j = 0; j < n; j++)
			KUNIT_EXPECT_EQ(test, pci_irq_vector(pdev, j), irqs[j]);
		conf_expect_vectors(test, t, type, n);

		pci_free_irq_vectors(pdev);
		conf_expect_clean(test, t);
	}
}

/* MSI and MSI-X exclude each other; the refused one changes nothing */
static void conf_test_exclusive(struct kunit *test)
{
	struct conf *t = conf_start(test);
	struct pci_dev *pdev = t->pdev;
	long held;
	int n;

	if (!conf_has(t, PCI_MSI_OPS_MSIX))
		kunit_skip(test, "%s: no MSI-X", t->c->name);

	n = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI);
	KUNIT_ASSERT_EQ(test, n, 1);
	held = conf_held(t);
	KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 2, PCI_IRQ_MSIX),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, conf_held(t), held);
	conf_expect_vectors(test, t, PCI_CAP_ID_MSI, 1);
	pci_free_irq_vectors(pdev);
	conf_expect_clean(test, t);

	n = pci_alloc_irq_vectors(pdev, 2, 2, PCI_IRQ_MSIX);
	KUNIT_ASSERT_EQ(test, n, 2);
	held = conf_held(t);
	KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, pci_enable_msi(pdev), -EINVAL);
	KUNIT_EXPECT_EQ(test, conf_held(t), held);
	conf_expect_vectors(test, t, PCI_CAP_ID_MSIX, 2);
	pci_free_irq_vectors(pdev);
	conf_expect_clean(test, t);
}

static irqreturn_t conf_thread(int irq, void *data)
{
	return IRQ_HANDLED;
}

/*
 * Message ownership while the interrupts are used: requested (the real
 * vector replaces a reserved one), written by somebody else through the
 * core, freed again.
 */
static void conf_test_msg_owner(struct kunit *test)
{
	struct conf *t = conf_start(test);
	struct pci_dev *pdev = t->pdev;
	struct msi_desc *desc;
	struct msi_msg msg;
	int i, n, irq;
	int type = conf_has(t, PCI_MSI_OPS_MSIX) ? PCI_CAP_ID_MSIX :
						   PCI_CAP_ID_MSI;

	n = pci_alloc_irq_vectors(pdev, 1, 2, conf_irq_flag(type));
	KUNIT_ASSERT_GE(test, n, 1);
	conf_expect_msgs(test, t, true);

	for (i = 0; i < n; i++) {
		irq = pci_irq_vector(pdev, i);
		KUNIT_ASSERT_EQ(test, request_threaded_irq(irq, NULL, conf_thread,
							   IRQF_ONESHOT, "msi-conf", t), 0);
	}
	conf_expect_msgs(test, t, true);

	/* Somebody rewrites the first message through the core */
	irq = pci_irq_vector(pdev, 0);
	desc = irq_get_msi_desc(irq);
	KUNIT_ASSERT_NOT_NULL(test, desc);
	msg = desc->msg;
	pci_write_msi_msg(irq, &msg);
	conf_expect_msgs(test, t, true);

	for (i = 0; i < n; i++)
		free_irq(pci_irq_vector(pdev, i), t);
	conf_expect_msgs(test, t, false);
	pci_free_irq_vectors(pdev);
	conf_expect_clean(test, t);
}

/*
 * One-shot safety: a threaded handler without a primary one and without
 * IRQF_ONESHOT, as drivers request it, works on every vector.
 */
static void conf_test_oneshot(struct kunit *test)
{
	struct conf *t = conf_start(test);
	struct pci_dev *pdev = t->pdev;
	struct irq_chip *chip;
	int i, j, n, irq, type, ret;

	for (i = 0; i < ARRAY_SIZE(conf_types); i++) {
		type = conf_types[i];
		if (type == PCI_CAP_ID_MSIX && !conf_has(t, PCI_MSI_OPS_MSIX))
			continue;
		n = pci_alloc_irq_vectors(pdev, 1, conf_max(t, type),
					  conf_irq_flag(type));
		KUNIT_ASSERT_GE(test, n, 1);
		if (pdev->msi_ops_flags & PCI_MSI_OPS_ARCH_CHIPS) {
			pci_free_irq_vectors(pdev);
			kunit_skip(test, "%s: the architecture's chips, exempt",
				   t->c->name);
		}
		for (j = 0; j < n; j++) {
			irq = pci_irq_vector(pdev, j);
			chip = irq_get_chip(irq);
			KUNIT_ASSERT_NOT_NULL(test, chip);
			KUNIT_EXPECT_TRUE_MSG(test, chip->flags & IRQCHIP_ONESHOT_SAFE,
					      "%s", chip->name);
			ret = request_threaded_irq(irq, NULL, conf_thread, 0,
						   "msi-conf", t);
			KUNIT_EXPECT_EQ_MSG(test, ret, 0, "irq %d", irq);
			if (!ret)
				free_irq(irq, t);
		}
		pci_free_irq_vectors(pdev);
		conf_expect_clean(test, t);
	}
}

/*
 * Dynamic MSI-X, where the backend offers it: the new vector is found by
 * its index, activated, in sysfs, with its message in place; freeing it
 * leaves the others alone.
 */
static void conf_test_dyn(struct kunit *test)
{
	struct conf *t = conf_start(test);
	struct pci_dev *pdev = t->pdev;
	struct kernfs_node *dir;
	struct msi_map map;

	if (!pci_msix_can_alloc_dyn(pdev))
		kunit_skip(test, "%s: no dynamic MSI-X", t->c->name);

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 2, 2, PCI_IRQ_MSIX), 2);
	map = pci_msix_alloc_irq_at(pdev, 5, NULL);
	KUNIT_ASSERT_EQ(test, map.index, 5);
	KUNIT_EXPECT_GT(test, map.virq, 0);
	KUNIT_EXPECT_EQ(test, pci_irq_vector(pdev, 5), map.virq);
	KUNIT_EXPECT_EQ(test, conf_nr_irqs(), t->irqs + 3);
	KUNIT_EXPECT_EQ(test, conf_sysfs_entries(pdev), 3);
	conf_expect_activated(test, t, map.virq);
	conf_expect_msgs(test, t, true);

	pci_msix_free_irq(pdev, map);
	KUNIT_EXPECT_EQ(test, pci_irq_vector(pdev, 5), -EINVAL);
	KUNIT_EXPECT_GT(test, pci_irq_vector(pdev, 1), 0);
	KUNIT_EXPECT_EQ(test, conf_nr_irqs(), t->irqs + 2);
	dir = conf_msi_irqs_dir(pdev);
	KUNIT_EXPECT_NOT_NULL(test, dir);
	if (dir)
		KUNIT_EXPECT_FALSE(test, conf_sysfs_has(dir, map.virq));
	kernfs_put(dir);
	KUNIT_EXPECT_EQ(test, conf_sysfs_entries(pdev), 2);

	pci_free_irq_vectors(pdev);
	conf_expect_clean(test, t);
}

/*
 * Bad calls from drivers. Each must give what upstream 6.12 gives on a
 * platform with per-device MSI domains (x86, arm64), whichever backend
 * serves the device, and leave the device as it was: the same vectors,
 * enable bits, interrupts, msi_irqs/ entries and backend holdings.
 */
enum conf_bad_held {
	HELD_NONE,
	HELD_MSI,		/* one MSI vector */
	HELD_MSIX,		/* MSI-X entries 0 and 1 */
	HELD_MSIX_ALL,		/* the whole MSI-X table */
};

enum conf_bad_dev {
	DEV_OK,
	DEV_D3,			/* not in D0 */
	DEV_NO_MSI,		/* pci_dev::no_msi, as quirks set it */
	DEV_BUS_NO_MSI,		/* behind a bridge that does not route MSIs */
};

enum conf_bad_op {
	OP_ALLOC,		/* pci_alloc_irq_vectors_affinity(a, b, flags) */
	OP_ENTRIES,		/* pci_enable_msix_range({ a, b }, 1, 2) */
	OP_ENTRIES_RANGE,	/* pci_enable_msix_range({ 0, 1 }, a, b) */
	OP_ENABLE_MSI,		/* pci_enable_msi() */
	OP_VECTOR,		/* pci_irq_vector(a) */
	OP_ALLOC_AT,		/* pci_msix_alloc_irq_at(a).index */
	OP_FREE,		/* pci_free_irq_vectors() */
	OP_FREE_TWICE,		/* the same, twice: nothing left */
	OP_DISABLE_MSI,		/* pci_disable_msi() */
	OP_DISABLE_MSIX,	/* pci_disable_msix() */
	OP_RESTORE,		/* pci_restore_msi_state() */
};

struct conf_bad {
	const char		*what;
	enum conf_bad_held	held;
	enum conf_bad_dev	dev;
	enum conf_bad_op	op;
	unsigned int		a, b, flags;
	int			ret;
	int			ret_contig;	/* instead, under MSIX_CONTIGUOUS */
	bool			msix;	/* needs MSI-X from the backend */
	bool			dyn;	/* needs dynamic MSI-X */
	bool			smp;	/* needs CONFIG_SMP */
};

#define BAD_AFFINITY	(PCI_IRQ_MSI | PCI_IRQ_MSIX | PCI_IRQ_AFFINITY)

static const struct conf_bad conf_bad_calls[] = {
	{ "MSI, 0 vectors", .a = 0, .b = 0, .flags = PCI_IRQ_MSI, .ret = -EINVAL },
	{ "MSI-X, 0 vectors", .a = 0, .b = 0, .flags = PCI_IRQ_MSIX,
	  .ret = -EINVAL, .msix = true },
	{ "MSI, minimum 0", .a = 0, .b = 4, .flags = PCI_IRQ_MSI, .ret = -EINVAL },
	{ "MSI, min > max", .a = 2, .b = 1, .flags = PCI_IRQ_MSI, .ret = -ERANGE },
	{ "MSI-X, min > max", .a = 2, .b = 1, .flags = PCI_IRQ_MSIX, .ret = -ERANGE },
	{ "any type, min > max", .a = 2, .b = 1, .flags = PCI_IRQ_ALL_TYPES,
	  .ret = -ERANGE },
	{ "MSI, max negative as int", .a = 1, .b = UINT_MAX, .flags = PCI_IRQ_MSI,
	  .ret = -ERANGE },
	{ "MSI-X, max negative as int", .a = 1, .b = UINT_MAX,
	  .flags = PCI_IRQ_MSIX, .ret = -ERANGE },
	{ "MSI, above 32", .a = 33, .b = 64, .flags = PCI_IRQ_MSI, .ret = -ENOSPC },
	{ "MSI-X, above the table", .a = SIM_MSIX_VECS + 1, .b = 2 * SIM_MSIX_VECS,
	  .flags = PCI_IRQ_MSIX, .ret = -ENOSPC, .msix = true },
	{ "no interrupt type", .a = 1, .b = 4, .flags = 0, .ret = -ENOSPC },
	{ "INTx, 2 vectors", .a = 2, .b = 2, .flags = PCI_IRQ_INTX, .ret = -ENOSPC },
	{ "INTx, no pin", .a = 1, .b = 1, .flags = PCI_IRQ_INTX, .ret = -ENOSPC },
	/* Without SMP, irq_calc_affinity_vectors() grants the maximum */
	{ "affinity reserves more than the minimum", .a = 4, .b = 8,
	  .flags = BAD_AFFINITY, .ret = -ENOSPC, .smp = true },
	{ "MSI, not in D0", .dev = DEV_D3, .a = 1, .b = 1, .flags = PCI_IRQ_MSI,
	  .ret = -EINVAL },
	{ "MSI-X, not in D0", .dev = DEV_D3, .a = 1, .b = 1, .flags = PCI_IRQ_MSIX,
	  .ret = -EINVAL, .msix = true },
	{ "MSI, device quirked no_msi", .dev = DEV_NO_MSI, .a = 1, .b = 1,
	  .flags = PCI_IRQ_MSI, .ret = -EINVAL },
	{ "MSI-X, device quirked no_msi", .dev = DEV_NO_MSI, .a = 1, .b = 1,
	  .flags = PCI_IRQ_MSIX, .ret = -EINVAL, .msix = true },
	{ "MSI, bus without MSI", .dev = DEV_BUS_NO_MSI, .a = 1, .b = 1,
	  .flags = PCI_IRQ_MSI, .ret = -EINVAL },
	{ "MSI-X, bus without MSI", .dev = DEV_BUS_NO_MSI, .a = 1, .b = 1,
	  .flags = PCI_IRQ_MSIX, .ret = -EINVAL, .msix = true },
	{ "MSI-X, duplicate entries", .op = OP_ENTRIES, .a = 1, .b = 1,
	  .ret = -EINVAL, .msix = true },
	{ "MSI-X, entry beyond the table", .op = OP_ENTRIES, .a = 0,
	  .b = SIM_MSIX_VECS, .ret = -ERANGE, .ret_contig = -EINVAL,
	  .msix = true },
	{ "MSI-X entries, min > max", .op = OP_ENTRIES_RANGE, .a = 2, .b = 1,
	  .ret = -ERANGE },
	{ "vector 1 without MSI", .op = OP_VECTOR, .a = 1, .ret = -EINVAL },
	{ "vector 0 without MSI is INTx's", .op = OP_VECTOR, .a = 0, .ret = 0 },
	{ "alloc_at without MSI-X", .op = OP_ALLOC_AT, .a = 0, .ret = -ENOTSUPP },
	{ "free without alloc", .op = OP_FREE },
	{ "disable MSI without MSI", .op = OP_DISABLE_MSI },
	{ "disable MSI-X without MSI-X", .op = OP_DISABLE_MSIX },
	{ "restore without MSI", .op = OP_RESTORE },
	{ "MSI-X while MSI is on", .held = HELD_MSI, .a = 1, .b = 2,
	  .flags = PCI_IRQ_MSIX, .ret = -EINVAL },
	{ "vector 1 of one MSI", .held = HELD_MSI, .op = OP_VECTOR, .a = 1,
	  .ret = -EINVAL },
	{ "alloc_at while MSI is on", .held = HELD_MSI, .op = OP_ALLOC_AT,
	  .a = 0, .ret = -ENOTSUPP },
	{ "disable MSI-X while MSI is on", .held = HELD_MSI, .op = OP_DISABLE_MSIX },
	{ "double free, MSI", .held = HELD_MSI, .op = OP_FREE_TWICE },
	{ "pci_enable_msi while MSI-X is on", .held = HELD_MSIX,
	  .op = OP_ENABLE_MSI, .ret = -EINVAL, .msix = true },
	{ "MSI while MSI-X is on", .held = HELD_MSIX, .a = 1, .b = 1,
	  .flags = PCI_IRQ_MSI, .ret = -EINVAL, .msix = true },
	{ "vector past those allocated", .held = HELD_MSIX, .op = OP_VECTOR,
	  .a = 2, .ret = -EINVAL, .msix = true },
	{ "vector MSI_MAX_INDEX", .held = HELD_MSIX, .op = OP_VECTOR,
	  .a = MSI_MAX_INDEX, .ret = -EINVAL, .msix = true },
	{ "disable MSI while MSI-X is on", .held = HELD_MSIX,
	  .op = OP_DISABLE_MSI, .msix = true },
	{ "double free, MSI-X", .held = HELD_MSIX, .op = OP_FREE_TWICE,
	  .msix = true },
	{ "alloc_at an entry in use", .held = HELD_MSIX, .op = OP_ALLOC_AT,
	  .a = 1, .ret = -EBUSY, .msix = true, .dyn = true },
	{ "alloc_at beyond the table", .held = HELD_MSIX, .op = OP_ALLOC_AT,
	  .a = SIM_MSIX_VECS, .ret = -ERANGE, .msix = true, .dyn = true },
	{ "alloc_at any entry of a full table", .held = HELD_MSIX_ALL,
	  .op = OP_ALLOC_AT, .a = MSI_ANY_INDEX, .ret = -EBUSY, .msix = true,
	  .dyn = true },
};

/* What a driver and the system can see of the device's MSI state */
struct conf_snap {
	bool		msi, msix, msi_on, msix_on, intx_off;
	unsigned int	irqs, sysfs, descs;
	long		held;
	int		vec[SIM_MSIX_VECS + 1];
};

static void conf_snap(struct conf *t, struct conf_snap *s)
{
	struct pci_dev *pdev = t->pdev;
	int i;

	s->msi = pdev->msi_enabled;
	s->msix = pdev->msix_enabled;
	s->msi_on = ops_sim_msi_on(t->sim);
	s->msix_on = ops_sim_msix_on(t->sim);
	s->intx_off = ops_sim_intx_off(t->sim);
	s->irqs = conf_nr_irqs();
	s->sysfs = conf_sysfs_entries(pdev);
	s->descs = ops_sim_nr_descs(pdev);
	s->held = conf_held(t);
	for (i = 0; i < ARRAY_SIZE(s->vec); i++)
		s->vec[i] = pci_irq_vector(pdev, i);
}

static void conf_expect_snap(struct kunit *test, const char *what,
			     const struct conf_snap *a, const struct conf_snap *b)
{
	int i;

	KUNIT_EXPECT_EQ_MSG(test, a->msi, b->msi, "%s: msi_enabled", what);
	KUNIT_EXPECT_EQ_MSG(test, a->msix, b->msix, "%s: msix_enabled", what);
	KUNIT_EXPECT_EQ_MSG(test, a->msi_on, b->msi_on, "%s: MSI enable", what);
	KUNIT_EXPECT_EQ_MSG(test, a->msix_on, b->msix_on, "%s: MSI-X enable", what);
	KUNIT_EXPECT_EQ_MSG(test, a->intx_off, b->intx_off, "%s: INTx", what);
	KUNIT_EXPECT_EQ_MSG(test, a->irqs, b->irqs, "%s: interrupts", what);
	KUNIT_EXPECT_EQ_MSG(test, a->sysfs, b->sysfs, "%s: msi_irqs/", what);
	KUNIT_EXPECT_EQ_MSG(test, a->descs, b->descs, "%s: descriptors", what);
	KUNIT_EXPECT_EQ_MSG(test, a->held, b->held, "%s: backend holds", what);
	for (i = 0; i < ARRAY_SIZE(a->vec); i++)
		KUNIT_EXPECT_EQ_MSG(test, a->vec[i], b->vec[i], "%s: vector %d",
				    what, i);
}

static int conf_bad_hold(struct conf *t, enum conf_bad_held held)
{
	switch (held) {
	case HELD_MSI:
		return pci_alloc_irq_vectors(t->pdev, 1, 1, PCI_IRQ_MSI);
	case HELD_MSIX:
		return pci_alloc_irq_vectors(t->pdev, 2, 2, PCI_IRQ_MSIX);
	case HELD_MSIX_ALL:
		return pci_alloc_irq_vectors(t->pdev, SIM_MSIX_VECS,
					     SIM_MSIX_VECS, PCI_IRQ_MSIX);
	default:
		return 0;
	}
}

/* Put the device into @dev's state, or (@set false) back to normal */
static void conf_bad_dev(struct conf *t, enum conf_bad_dev dev, bool set)
{
	struct pci_dev *pdev = t->pdev;

	switch (dev) {
	case DEV_D3:
		pdev->current_state = set ? PCI_D3hot : PCI_D0;
		break;
	case DEV_NO_MSI:
		pdev->no_msi = set;
		break;
	case DEV_BUS_NO_MSI:
		if (set)
			pdev->bus->bus_flags |= PCI_BUS_FLAGS_NO_MSI;
		else
			pdev->bus->bus_flags &= ~PCI_BUS_FLAGS_NO_MSI;
		break;
	default:
		break;
	}
}

static int conf_bad_call(struct conf *t, const struct conf_bad *b)
{
	struct irq_affinity affd = { .pre_vectors = 3, .post_vectors = 2 };
	struct msix_entry entries[2] = { { .entry = 0 }, { .entry = 1 } };
	struct pci_dev *pdev = t->pdev;

	switch (b->op) {
	case OP_ALLOC:
		return pci_alloc_irq_vectors_affinity(pdev, b->a, b->b, b->flags,
						      b->flags & PCI_IRQ_AFFINITY ?
						      &affd : NULL);
	case OP_ENTRIES:
		entries[0].entry = b->a;
		entries[1].entry = b->b;
		return pci_enable_msix_range(pdev, entries, 1, 2);
	case OP_ENTRIES_RANGE:
		return pci_enable_msix_range(pdev, entries, b->a, b->b);
	case OP_ENABLE_MSI:
		return pci_enable_msi(pdev);
	case OP_VECTOR:
		return pci_irq_vector(pdev, b->a);
	case OP_ALLOC_AT:
		return pci_msix_alloc_irq_at(pdev, b->a, NULL).index;
	case OP_FREE_TWICE:
		pci_free_irq_vectors(pdev);
		fallthrough;
	case OP_FREE:
		pci_free_irq_vectors(pdev);
		return 0;
	case OP_DISABLE_MSI:
		pci_disable_msi(pdev);
		return 0;
	case OP_DISABLE_MSIX:
		pci_disable_msix(pdev);
		return 0;
	case OP_RESTORE:
		pci_restore_msi_state(pdev);
		return 0;
	}
	return -EINVAL;
}

static void conf_test_bad_calls(struct kunit *test)
{
	struct conf *t = conf_start(test);
	struct conf_snap before, after;
	unsigned int i, ran = 0;
	int ret, want;

	for (i = 0; i < ARRAY_SIZE(conf_bad_calls); i++) {
		const struct conf_bad *b = &conf_bad_calls[i];

		if ((b->msix && !conf_has(t, PCI_MSI_OPS_MSIX)) ||
		    (b->smp && !IS_ENABLED(CONFIG_SMP)))
			continue;
		ret = conf_bad_hold(t, b->held);
		KUNIT_ASSERT_GE_MSG(test, ret, 0, "%s: setup", b->what);
		if (b->dyn && !pci_msix_can_alloc_dyn(t->pdev)) {
			pci_free_irq_vectors(t->pdev);
			continue;
		}
		conf_snap(t, &before);
		conf_bad_dev(t, b->dev, true);
		ret = conf_bad_call(t, b);
		conf_bad_dev(t, b->dev, false);
		/* A gap in the entries is refused first where they must not have any */
		want = b->ret_contig && conf_has(t, PCI_MSI_OPS_MSIX_CONTIGUOUS) ?
		       b->ret_contig : b->ret;
		KUNIT_EXPECT_EQ_MSG(test, ret, want, "%s", b->what);
		if (ret > 0 && b->op != OP_VECTOR)
			pci_free_irq_vectors(t->pdev);
		if (b->op != OP_FREE_TWICE) {
			conf_snap(t, &after);
			conf_expect_snap(test, b->what, &before, &after);
		}
		pci_free_irq_vectors(t->pdev);
		conf_expect_clean(test, t);
		ran++;
	}
	kunit_info(test, "%s: %u of %zu bad calls apply\n", t->c->name, ran,
		   ARRAY_SIZE(conf_bad_calls));
}

/* The irq domain adapter, over the MSI domain the platform gave the device */
static int conf_irqdomain_setup(struct kunit *test, struct pci_dev *pdev)
{
	struct irq_domain *d = dev_get_msi_domain(&pdev->dev);

	if (!d || !irq_domain_is_hierarchy(d) ||
	    !(irq_domain_is_msi_parent(d) || irq_domain_is_msi(d)))
		kunit_skip(test, "the platform gives PCI devices no MSI domain");
	return 0;
}

static struct pci_msi_conformance conf_irqdomain = {
	.name		= "irqdomain",
	.ops		= &pci_msi_irqdomain_ops,
	.adapter	= true,
	.setup		= conf_irqdomain_setup,
	.limit		= pci_msi_conformance_limit_parent,
};

PCI_MSI_CONFORMANCE(conf_irqdomain);

static int conf_suite_init(struct kunit_suite *suite)
{
	/* Drivers that probe asynchronously allocate vectors too */
	wait_for_device_probe();
	return 0;
}

static struct kunit_case conf_test_cases[] = {
	KUNIT_CASE_PARAM(conf_test_enable_free, conf_gen_params),
	KUNIT_CASE_PARAM(conf_test_min_max, conf_gen_params),
	KUNIT_CASE_PARAM(conf_test_partial, conf_gen_params),
	KUNIT_CASE_PARAM(conf_test_unwind, conf_gen_params),
	KUNIT_CASE_PARAM(conf_test_restore, conf_gen_params),
	KUNIT_CASE_PARAM(conf_test_exclusive, conf_gen_params),
	KUNIT_CASE_PARAM(conf_test_msg_owner, conf_gen_params),
	KUNIT_CASE_PARAM(conf_test_oneshot, conf_gen_params),
	KUNIT_CASE_PARAM(conf_test_dyn, conf_gen_params),
	KUNIT_CASE_PARAM(conf_test_bad_calls, conf_gen_params),
	{}
};

static struct kunit_suite conf_test_suite = {
	.name		= "pci-msi-conformance",
	.suite_init	= conf_suite_init,
	.test_cases	= conf_test_cases,
};

kunit_test_suite(conf_test_suite);
