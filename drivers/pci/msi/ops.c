// SPDX-License-Identifier: GPL-2.0
/*
 * PCI MSI backend selection and dispatch
 *
 * Which backend serves a device is decided here, and every call from
 * the MSI core into a backend goes through the helpers below, so that
 * the rules of include/linux/msi_ops.h are enforced in one place.
 */
#define pr_fmt(fmt) "PCI/MSI: " fmt

#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/init.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/msi_ops.h>
#include <linux/seq_file.h>

#include "../pci.h"
#include "msi.h"

static const struct pci_msi_ops *pci_msi_platform_ops __ro_after_init;

static bool pci_msi_ops_valid(const struct pci_msi_ops *ops)
{
	if (!ops || !ops->name || !ops->alloc || !ops->free)
		return false;
	/* A firmware backend must say how to re-establish its vectors */
	if ((ops->flags & PCI_MSI_OPS_FW_OWNS_MSG) && !ops->restore)
		return false;
	if ((ops->flags & PCI_MSI_OPS_MSIX_ALLOC_DYN) &&
	    (!ops->alloc_at || !ops->free_at))
		return false;
	return true;
}

/**
 * pci_msi_set_platform_ops - Register the platform's default MSI backend
 * @ops:	The backend; must live for the kernel's lifetime
 *
 * Architecture code calls this once during boot, before PCI devices are
 * probed. The backend serves every device whose host bridge has no
 * backend of its own and that @ops->match() accepts; the others fall
 * back to the irq domain or arch_setup_msi_irqs() adapters.
 *
 * Context: Boot, single threaded.
 * Return: 0 on success, -EINVAL if @ops is incomplete, -EBUSY if a
 * platform backend was registered already.
 */
int __init pci_msi_set_platform_ops(const struct pci_msi_ops *ops)
{
	if (!pci_msi_ops_valid(ops)) {
		pr_err("refusing incomplete backend %s\n",
		       ops && ops->name ? ops->name : "(unnamed)");
		return -EINVAL;
	}
	if (pci_msi_platform_ops) {
		pr_err("backend %s not registered, %s is the platform's already\n",
		       ops->name, pci_msi_platform_ops->name);
		return -EBUSY;
	}
	pci_msi_platform_ops = ops;
	pr_info("platform backend: %s\n", ops->name);
	return 0;
}

/**
 * pci_host_bridge_set_msi_ops - Give a host bridge its own MSI backend
 * @bridge:	The host bridge, not registered yet
 * @ops:	The backend; must outlive the bridge
 *
 * For host bridges whose MSIs work differently from the rest of the
 * platform. Must be called before the bridge is registered, so that no
 * device below it can have vectors from another backend.
 *
 * Context: Process context.
 * Return: 0 on success, -EINVAL if @ops is incomplete, -EBUSY if the
 * bridge is registered already.
 */
int pci_host_bridge_set_msi_ops(struct pci_host_bridge *bridge,
				const struct pci_msi_ops *ops)
{
	if (!pci_msi_ops_valid(ops))
		return -EINVAL;
	if (bridge->bus)
		return -EBUSY;
	bridge->msi_ops = ops;
	return 0;
}
EXPORT_SYMBOL_GPL(pci_host_bridge_set_msi_ops);

/*
 * The msi_irqs/ sysfs entries of a device come from its MSI irq domain
 * for the irqdomain adapter; for every other backend the core makes
 * them, so that backends need not care.
 */
static bool pci_msi_ops_own_sysfs(const struct pci_msi_ops *ops)
{
	return ops != &pci_msi_irqdomain_ops;
}

static const struct pci_msi_ops *pci_msi_resolve_ops(struct pci_dev *dev)
{
	struct pci_host_bridge *bridge = pci_find_host_bridge(dev->bus);
	const struct pci_msi_ops *ops = pci_msi_platform_ops;
	struct irq_domain *domain;

	if (bridge && bridge->msi_ops)
		return bridge->msi_ops;
	if (ops && (!ops->match || ops->match(dev)))
		return ops;

	domain = dev_get_msi_domain(&dev->dev);
	if (domain && irq_domain_is_hierarchy(domain))
		return &pci_msi_irqdomain_ops;
	if (IS_ENABLED(CONFIG_PCI_MSI_ARCH_FALLBACKS))
		return &pci_msi_legacy_ops;
	return NULL;
}

/**
 * pci_msi_dev_ops - The MSI backend that serves a device
 * @dev:	The PCI device
 *
 * While @dev has vectors this is the backend that allocated them;
 * otherwise it is the one that would be chosen now.
 *
 * Context: Process context.
 * Return: The backend, or NULL if no backend can serve @dev.
 */
const struct pci_msi_ops *pci_msi_dev_ops(struct pci_dev *dev)
{
	return dev->msi_ops ?: pci_msi_resolve_ops(dev);
}
EXPORT_SYMBOL_GPL(pci_msi_dev_ops);

/**
 * pci_msi_ops_supports - Check a backend property for a device
 * @dev:	The PCI device
 * @flags:	&enum pci_msi_ops_flags, all of which must hold
 *
 * Return: True when the backend serving @dev has all of @flags; false
 * too when no backend can serve @dev.
 */
bool pci_msi_ops_supports(struct pci_dev *dev, unsigned int flags)
{
	const struct pci_msi_ops *ops = pci_msi_dev_ops(dev);
	unsigned int have;

	if (!ops)
		return false;
	have = ops->features ? ops->features(dev) : ops->flags;
	return (have & flags) == flags;
}

/**
 * pci_msi_ops_check - Let the backend limit a request
 * @dev:	The PCI device
 * @type:	%PCI_CAP_ID_MSI or %PCI_CAP_ID_MSIX
 * @nvec:	Number of vectors the core is about to try
 *
 * Return: The number of vectors to try, at most @nvec, or a negative
 * errno. A backend answer outside [1, @nvec] is a backend bug and is
 * turned into -EINVAL.
 */
int pci_msi_ops_check(struct pci_dev *dev, int type, int nvec)
{
	const struct pci_msi_ops *ops = pci_msi_dev_ops(dev);
	int ret;

	if (!ops)
		return -ENOTSUPP;
	if (!ops->check)
		return nvec;

	ret = ops->check(dev, type, nvec);
	if (ret < 0)
		return ret;
	if (WARN_ONCE(ret < 1 || ret > nvec,
		      "%s: check() granted %d of %d vectors\n", ops->name, ret, nvec))
		return -EINVAL;
	return ret;
}

/**
 * pci_msi_setup_msi_irqs - Have the backend allocate a device's vectors
 * @dev:	The PCI device, with its descriptors created
 * @nvec:	Number of vectors
 * @type:	%PCI_CAP_ID_MSI or %PCI_CAP_ID_MSIX
 *
 * Binds @dev to its backend for as long as the vectors exist.
 *
 * Context: Descriptor lock held.
 * Return: 0, a positive count of vectors that can be had, or a negative
 * errno; on non-zero the backend has undone its work and @dev is
 * unbound again.
 */
int pci_msi_setup_msi_irqs(struct pci_dev *dev, int nvec, int type)
{
	const struct pci_msi_ops *ops;
	int ret;

	msi_lock_descs_assert(&dev->dev);

	ops = pci_msi_resolve_ops(dev);
	if (!ops)
		return -ENOTSUPP;

	dev->msi_ops = ops;
	ret = ops->alloc(dev, type, nvec);
	if (!ret && pci_msi_ops_own_sysfs(ops)) {
		ret = msi_device_populate_sysfs(&dev->dev);
		if (ret) {
			msi_device_destroy_sysfs(&dev->dev);
			ops->free(dev, type);
		}
	}
	if (ret)
		dev->msi_ops = NULL;
	return ret;
}

/**
 * pci_msi_teardown_msi_irqs - Release all vectors of a device
 * @dev:	The PCI device
 *
 * Calls the backend's ->free() if it allocated anything, then deletes
 * whatever descriptors are left.
 *
 * Context: Descriptor lock held.
 */
void pci_msi_teardown_msi_irqs(struct pci_dev *dev)
{
	const struct pci_msi_ops *ops = dev->msi_ops;
	unsigned int last = 0;
	struct msi_desc *desc;
	bool left = false;

	msi_lock_descs_assert(&dev->dev);

	if (ops) {
		/* msi(x)_enabled may be clear already: ask the descriptors */
		desc = msi_first_desc(&dev->dev, MSI_DESC_ALL);
		if (pci_msi_ops_own_sysfs(ops))
			msi_device_destroy_sysfs(&dev->dev);
		ops->free(dev, desc && desc->pci.msi_attrib.is_msix ?
			  PCI_CAP_ID_MSIX : PCI_CAP_ID_MSI);
		dev->msi_ops = NULL;
	}
	/*
	 * Irq domains with per device domains delete the descriptors with
	 * the interrupts. Other backends leave them to the core, and the
	 * per device domain that the core set up for the device may exist
	 * all the same: it refuses ranges beyond its size, such as the one
	 * msi_free_msi_descs() covers. Free the range that is in use.
	 */
	msi_for_each_desc(desc, &dev->dev, MSI_DESC_ALL) {
		last = max(last, desc->msi_index);
		left = true;
	}
	if (left)
		msi_free_msi_descs_range(&dev->dev, 0, last);
}

/**
 * pci_msi_ops_restore - Re-establish a device's vectors after a reset
 * @dev:	The PCI device, bound to a backend
 * @type:	%PCI_CAP_ID_MSI or %PCI_CAP_ID_MSIX
 *
 * Return: %PCI_MSI_RESTORE_REWRITE when the core must rewrite the cached
 * messages, 0 when the backend did all, or a negative errno (logged).
 */
int pci_msi_ops_restore(struct pci_dev *dev, int type)
{
	const struct pci_msi_ops *ops = dev->msi_ops;
	int ret;

	if (WARN_ON_ONCE(!ops))
		return -ENODEV;
	if (!ops->restore)
		return PCI_MSI_RESTORE_REWRITE;

	ret = ops->restore(dev, type);
	if (ret < 0)
		pci_err(dev, "%s: restoring %s failed (%d), left disabled\n",
			ops->name, type == PCI_CAP_ID_MSIX ? "MSI-X" : "MSI", ret);
	return ret;
}

/**
 * pci_msi_ops_fw_owns_msg - May the core write a device's MSI messages?
 * @dev:	The PCI device
 *
 * Return: True when firmware owns the address/data registers of @dev,
 * so that the core must not write them.
 */
bool pci_msi_ops_fw_owns_msg(struct pci_dev *dev)
{
	return dev->msi_ops && (dev->msi_ops->flags & PCI_MSI_OPS_FW_OWNS_MSG);
}

/**
 * pci_msi_ops_alloc_at - Dynamic MSI-X allocation through the backend
 * @dev:	The PCI device, with MSI-X enabled
 * @index:	Table index or %MSI_ANY_INDEX
 * @affdesc:	Optional affinity
 *
 * Return: The new vector, or a negative errno in msi_map::index.
 */
struct msi_map pci_msi_ops_alloc_at(struct pci_dev *dev, unsigned int index,
				    const struct irq_affinity_desc *affdesc)
{
	struct msi_map map = { .index = -ENOTSUPP };

	if (dev->msi_ops && dev->msi_ops->alloc_at)
		map = dev->msi_ops->alloc_at(dev, index, affdesc);
	return map;
}

/**
 * pci_msi_ops_free_at - Undo pci_msi_ops_alloc_at()
 * @dev:	The PCI device
 * @map:	The vector to free
 */
void pci_msi_ops_free_at(struct pci_dev *dev, struct msi_map map)
{
	if (!WARN_ON_ONCE(!dev->msi_ops || !dev->msi_ops->free_at))
		dev->msi_ops->free_at(dev, map);
}

/*
 * Introspection: which backend serves a device (sysfs), and where its
 * vectors go (debugfs).
 */
static ssize_t msi_backend_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	const struct pci_msi_ops *ops = pci_msi_dev_ops(to_pci_dev(dev));

	return sysfs_emit(buf, "%s\n", ops ? ops->name : "none");
}
static DEVICE_ATTR_RO(msi_backend);

static struct attribute *pci_msi_ops_attrs[] = {
	&dev_attr_msi_backend.attr,
	NULL
};

static umode_t pci_msi_ops_attr_visible(struct kobject *kobj,
					struct attribute *a, int n)
{
	struct pci_dev *pdev = to_pci_dev(kobj_to_dev(kobj));

	return pdev->msi_cap || pdev->msix_cap ? a->mode : 0;
}

const struct attribute_group pci_dev_msi_ops_attr_group = {
	.attrs		= pci_msi_ops_attrs,
	.is_visible	= pci_msi_ops_attr_visible,
};

#ifdef CONFIG_DEBUG_FS
static void pci_msi_show_dev(struct seq_file *m, struct pci_dev *pdev)
{
	struct msi_desc *desc;
	unsigned int i;

	msi_lock_descs(&pdev->dev);
	msi_for_each_desc(desc, &pdev->dev, MSI_DESC_ASSOCIATED) {
		for (i = 0; i < desc->nvec_used; i++) {
			unsigned int virq = desc->irq + i;
			struct irq_data *d = irq_get_irq_data(virq);
			const struct cpumask *eff;

			eff = d ? irq_data_get_effective_affinity_mask(d) : NULL;
			seq_printf(m, "%s %s %s %u %lu %u %d\n", pci_name(pdev),
				   pdev->msi_ops ? pdev->msi_ops->name : "-",
				   desc->pci.msi_attrib.is_msix ? "msix" : "msi",
				   desc->msi_index + i, d ? d->hwirq : 0, virq,
				   eff && !cpumask_empty(eff) ?
				   (int)cpumask_first(eff) : -1);
		}
	}
	msi_unlock_descs(&pdev->dev);
}

static int pci_msi_vectors_show(struct seq_file *m, void *v)
{
	struct pci_dev *pdev = NULL;

	seq_puts(m, "# device backend type index hwirq virq cpu\n");
	for_each_pci_dev(pdev) {
		if (pdev->msi_enabled || pdev->msix_enabled)
			pci_msi_show_dev(m, pdev);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(pci_msi_vectors);

static int __init pci_msi_debugfs_init(void)
{
	struct dentry *dir = debugfs_create_dir("pci_msi", NULL);

	debugfs_create_file("vectors", 0444, dir, NULL, &pci_msi_vectors_fops);
	return 0;
}
late_initcall(pci_msi_debugfs_init);
#endif
