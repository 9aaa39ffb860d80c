/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The conformance suite of PCI MSI backends (KUnit)
 *
 * drivers/pci/msi/conformance_kunit.c checks, once for every backend,
 * what include/linux/msi_ops.h promises to drivers: vector counts within
 * the driver's minimum and maximum, complete unwinding of every failure,
 * restore, teardown to zero, MSI/MSI-X exclusion, who writes the message,
 * one-shot safe chips and early activation. It runs on a simulated PCI
 * device whose host bridge carries the backend.
 *
 * A backend takes part by describing itself in its own KUnit code and
 * adding one line, PCI_MSI_CONFORMANCE(its_entry). The suite is built in
 * only, so the backend's ops table stays static.
 */
#ifndef _LINUX_MSI_OPS_KUNIT_H
#define _LINUX_MSI_OPS_KUNIT_H

#include <linux/errno.h>
#include <linux/init.h>
#include <linux/list.h>
#include <linux/types.h>

struct kunit;
struct pci_dev;
struct pci_msi_ops;

/**
 * struct pci_msi_conformance - A backend under the conformance suite
 * @name:	Name of the test parameter, e.g. "raw"
 * @ops:	The backend; the simulated device's host bridge carries it
 * @adapter:	@ops is one of the core's adapters, which cannot be
 *		registered: the bridge gets it as the resolver would choose it
 * @setup:	Optional. Makes the simulated device one that the backend
 *		can serve (firmware data, irq domains); called before any MSI
 *		call. May kunit_skip() when the backend is not active in this
 *		kernel. Returns 0 or a negative errno.
 * @held:	Optional. What the backend holds for all devices now (CPU
 *		vectors, firmware grants), compared before and after each
 *		test: nothing may be left.
 * @limit:	Optional. From now on until the test ends, the backend can
 *		have at most @n vectors live for the device, as when
 *		hardware or firmware runs out. Returns 0 or a negative errno.
 * @node:	Entry in the suite's list; the suite's business
 */
struct pci_msi_conformance {
	const char			*name;
	const struct pci_msi_ops	*ops;
	bool				adapter;
	int	(*setup)(struct kunit *test, struct pci_dev *pdev);
	long	(*held)(struct pci_dev *pdev);
	int	(*limit)(struct kunit *test, struct pci_dev *pdev, unsigned int n);
	struct list_head		node;
};

#if IS_ENABLED(CONFIG_PCI_MSI_OPS_KUNIT_TEST)
void pci_msi_conformance_add(struct pci_msi_conformance *c);
const struct pci_msi_conformance *
pci_msi_conformance_next(const struct pci_msi_conformance *prev);
int pci_msi_conformance_limit_parent(struct kunit *test, struct pci_dev *pdev,
				     unsigned int n);

/*
 * The suite's simulated device, for a backend's own tests: alone on a
 * root bus whose host bridge carries @ops, until @test ends; and a reset
 * as the device sees it (enable bits, messages and MSI-X mask bits back
 * to their reset values).
 */
struct pci_dev *pci_msi_kunit_device(struct kunit *test,
				     const struct pci_msi_ops *ops);
void pci_msi_kunit_device_reset(struct pci_dev *pdev);

/* Run the conformance suite against the backend @entry describes */
#define PCI_MSI_CONFORMANCE(entry)					\
	static int __init entry##_conformance_add(void)			\
	{								\
		pci_msi_conformance_add(&(entry));			\
		return 0;						\
	}								\
	late_initcall(entry##_conformance_add)
#else
static inline int pci_msi_conformance_limit_parent(struct kunit *test,
						   struct pci_dev *pdev,
						   unsigned int n)
{
	return -EOPNOTSUPP;
}

#define PCI_MSI_CONFORMANCE(entry)					\
	static struct pci_msi_conformance * const entry##_unused	\
	__maybe_unused = &(entry)
#endif

#endif /* _LINUX_MSI_OPS_KUNIT_H */
