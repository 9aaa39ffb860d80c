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
	/* Only the core's adapters may skip what the core does for backends */
	if (ops->flags & PCI_MSI_OPS_ADAPTER_MASK)
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
 * @bridge:	The host bridge, not registered yet, or registered with a
 *		root bus that has no devices yet
 * @ops:	The backend; must outlive the bridge
 *
 * For host bridges whose MSIs work differently from the rest of the
 * platform. Must be called before any device below the bridge is
 * added, so that none can have vectors from another backend: before the
 * bridge is registered, or, for platforms that create the root bus with
 * pci_create_root_bus() and scan it themselves (sparc64 scans the
 * firmware tree), between the two.
 *
 * Context: Process context, by the code that scans the bridge.
 * Return: 0 on success, -EINVAL if @ops is incomplete, -EBUSY if the
 * bridge has devices already.
 */
int pci_host_bridge_set_msi_ops(struct pci_host_bridge *bridge,
				const struct pci_msi_ops *ops)
{
	if (!pci_msi_ops_valid(ops))
		return -EINVAL;
	if (bridge->bus && !list_empty(&bridge->bus->devices))
		return -EBUSY;
	bridge->msi_ops = ops;
	return 0;
}
EXPORT_SYMBOL_GPL(pci_host_bridge_set_msi_ops);

/* One of the core's adapters over the mechanisms that predate backends? */
static bool pci_msi_ops_is_adapter(const struct pci_msi_ops *ops)
{
	return ops == &pci_msi_irqdomain_ops ||
	       (IS_ENABLED(CONFIG_PCI_MSI_ARCH_FALLBACKS) &&
		ops == &pci_msi_legacy_ops);
}

/* The properties of @ops for @dev: ->features() overrides ->flags */
static unsigned int pci_msi_ops_flags_of(const struct pci_msi_ops *ops,
					 struct pci_dev *dev)
{
	return ops->features ? ops->features(dev) : ops->flags;
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

	/*
	 * Only an MSI domain, global or parent of per device domains, can
	 * allocate the device's interrupts; the OF lookup may hand out the
	 * interrupt controller's own domain where firmware is the MSI
	 * controller.
	 */
	domain = dev_get_msi_domain(&dev->dev);
	if (domain && irq_domain_is_hierarchy(domain) &&
	    (irq_domain_is_msi(domain) || irq_domain_is_msi_parent(domain)))
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
 * pci_msi_ops_bind - Choose the backend for an enable of MSI or MSI-X
 * @dev:	The PCI device, with neither enabled
 *
 * Resolves the backend once per enable and records it, with its
 * properties for @dev, until pci_msi_ops_unbind(): every question the
 * core asks during the enable, and for as long as vectors exist, goes
 * to the same backend and gets the same answer.
 *
 * Context: Process context.
 * Return: 0, -ENOTSUPP when no backend serves @dev (what drivers got
 * before backends existed), or -EINVAL when the backend claims the
 * message for @dev but cannot restore it.
 */
int pci_msi_ops_bind(struct pci_dev *dev)
{
	const struct pci_msi_ops *ops;
	unsigned int flags;

	if (WARN_ON_ONCE(dev->msi_ops))
		return -EBUSY;
	ops = pci_msi_resolve_ops(dev);
	if (!ops)
		return -ENOTSUPP;

	flags = pci_msi_ops_flags_of(ops, dev);
	/* ->features() must not claim what only the core's adapters may */
	if ((flags & PCI_MSI_OPS_ADAPTER_MASK) && !pci_msi_ops_is_adapter(ops)) {
		pci_err(dev, "%s: reports adapter-only properties %#x, MSI refused\n",
			ops->name, flags & PCI_MSI_OPS_ADAPTER_MASK);
		return -EINVAL;
	}
	/* ->features() may claim the message per device: same rule */
	if ((flags & PCI_MSI_OPS_FW_OWNS_MSG) && !ops->restore) {
		pci_err(dev, "%s: firmware owns the message but no ->restore(), MSI refused\n",
			ops->name);
		return -EINVAL;
	}
	dev->msi_ops_flags = flags;
	dev->msi_ops = ops;
	return 0;
}

/**
 * pci_msi_ops_unbind - Forget the backend of a device
 * @dev:	The PCI device, with no vectors left
 */
void pci_msi_ops_unbind(struct pci_dev *dev)
{
	dev->msi_ops = NULL;
	dev->msi_ops_flags = 0;
}

/**
 * pci_msi_ops_supports - Check a backend property for a device
 * @dev:	The PCI device
 * @flags:	&enum pci_msi_ops_flags, all of which must hold
 *
 * The one accessor of backend properties: those recorded when the
 * backend was bound, else those of the backend that would be bound now.
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
	have = dev->msi_ops ? dev->msi_ops_flags : pci_msi_ops_flags_of(ops, dev);
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
	const struct pci_msi_ops *ops = dev->msi_ops;
	int ret;

	if (WARN_ON_ONCE(!ops))
		return -ENODEV;
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

static int pci_msi_desc_type(struct msi_desc *desc)
{
	return desc->pci.msi_attrib.is_msix ? PCI_CAP_ID_MSIX : PCI_CAP_ID_MSI;
}

/*
 * Reservation mode (see msi_activate_early()) needs a vector that the
 * core masks at the device while it sits on the reserved vector.
 */
static bool pci_msi_can_reserve(struct pci_dev *dev, struct msi_desc *desc)
{
	if (!IS_ENABLED(CONFIG_GENERIC_IRQ_RESERVATION_MODE) ||
	    (dev->msi_ops_flags & PCI_MSI_OPS_NO_MASK))
		return false;
	return desc->pci.msi_attrib.is_msix || desc->pci.msi_attrib.can_mask;
}

/* Undo pci_msi_start_desc() for @desc's vectors */
static void pci_msi_stop_desc(struct msi_desc *desc)
{
	struct irq_data *d;
	unsigned int i;

	for (i = 0; i < desc->nvec_used; i++) {
		d = irq_get_irq_data(desc->irq + i);
		if (d && irqd_is_activated(d))
			irq_domain_deactivate_irq(d);
	}
}

/*
 * What the PCI/MSI irq domains give every interrupt, for the vectors a
 * backend allocated: a one-shot safe irq_chip, since an MSI is an edge
 * that the device sends again only when it has a new event, so that a
 * threaded handler needs no mask/unmask dance; and activation before
 * MSI is enabled, so that the device holds a valid message from the
 * start (the shutdown vector of a managed or reserved interrupt, never
 * whatever an irq_cfg held before activation).
 */
static int pci_msi_start_desc(struct pci_dev *dev, struct msi_desc *desc)
{
	const char *name = dev->msi_ops->name;
	bool reserve = pci_msi_can_reserve(dev, desc);
	struct irq_chip *chip;
	struct irq_data *d;
	unsigned int i;
	int ret;

	for (i = 0; i < desc->nvec_used; i++) {
		d = irq_get_irq_data(desc->irq + i);
		chip = d ? irq_data_get_irq_chip(d) : NULL;
		if (!chip || !(chip->flags & IRQCHIP_ONESHOT_SAFE)) {
			pci_err(dev, "%s: irq %u: irq_chip %s is not one-shot safe, MSI refused\n",
				name, desc->irq + i, chip ? chip->name : "(none)");
			ret = -EINVAL;
			goto fail;
		}
		ret = msi_activate_early(d, reserve);
		if (ret) {
			pci_err(dev, "%s: irq %u: activation failed (%d)\n",
				name, desc->irq + i, ret);
			goto fail;
		}
	}
	return 0;

fail:
	pci_msi_stop_desc(desc);
	return ret;
}

static void pci_msi_stop_all(struct pci_dev *dev)
{
	struct msi_desc *desc;

	msi_for_each_desc(desc, &dev->dev, MSI_DESC_ASSOCIATED)
		pci_msi_stop_desc(desc);
}

static int pci_msi_start_all(struct pci_dev *dev)
{
	struct msi_desc *desc;
	int ret;

	msi_for_each_desc(desc, &dev->dev, MSI_DESC_ASSOCIATED) {
		ret = pci_msi_start_desc(dev, desc);
		if (ret) {
			pci_msi_stop_all(dev);
			return ret;
		}
	}
	return 0;
}

/*
 * A backend undid its work but may have left the interrupt numbers in
 * the descriptors (the arch_setup_msi_irqs() fallbacks do): they are
 * stale, and a descriptor that still names an interrupt is not freed.
 */
static void pci_msi_forget_irqs(struct pci_dev *dev)
{
	struct msi_desc *desc;

	msi_for_each_desc(desc, &dev->dev, MSI_DESC_ASSOCIATED)
		desc->irq = 0;
}

/* Give back everything ->alloc() and pci_msi_setup_msi_irqs() set up */
static void pci_msi_release(struct pci_dev *dev, int type)
{
	const struct pci_msi_ops *ops = dev->msi_ops;

	if (!(dev->msi_ops_flags & PCI_MSI_OPS_MSI_DOMAIN)) {
		msi_device_destroy_sysfs(&dev->dev);
		if (!(dev->msi_ops_flags & PCI_MSI_OPS_ARCH_CHIPS))
			pci_msi_stop_all(dev);
	}
	ops->free(dev, type);
	pci_msi_forget_irqs(dev);
}

/**
 * pci_msi_setup_msi_irqs - Have the backend allocate a device's vectors
 * @dev:	The PCI device, bound, with its descriptors created
 * @type:	%PCI_CAP_ID_MSI or %PCI_CAP_ID_MSIX
 * @nvec:	Number of vectors
 *
 * After the backend's ->alloc(), the core checks and activates the
 * vectors (see pci_msi_start_desc()) and creates their msi_irqs/ sysfs
 * entries, unless an MSI irq domain did all that already.
 *
 * Context: Descriptor lock held.
 * Return: 0, a positive count of vectors that can be had, or a negative
 * errno; on non-zero nothing is left allocated.
 */
int pci_msi_setup_msi_irqs(struct pci_dev *dev, int type, int nvec)
{
	const struct pci_msi_ops *ops = dev->msi_ops;
	unsigned int flags = dev->msi_ops_flags;
	int ret;

	msi_lock_descs_assert(&dev->dev);
	if (WARN_ON_ONCE(!ops))
		return -ENODEV;

	ret = ops->alloc(dev, type, nvec);
	if (ret) {
		pci_msi_forget_irqs(dev);
		return ret;
	}
	if (flags & PCI_MSI_OPS_MSI_DOMAIN)
		return 0;

	if (!(flags & PCI_MSI_OPS_ARCH_CHIPS)) {
		ret = pci_msi_start_all(dev);
		if (ret)
			goto free;
	}
	ret = msi_device_populate_sysfs(&dev->dev);
	if (!ret)
		return 0;
free:
	pci_msi_release(dev, type);
	return ret;
}

/**
 * pci_msi_teardown_msi_irqs - Release all vectors of a device
 * @dev:	The PCI device
 *
 * Calls the backend's ->free() if it allocated anything, then deletes
 * whatever descriptors are left. The backend stays bound: an enable
 * that failed may try again with fewer vectors.
 *
 * Context: Descriptor lock held.
 */
void pci_msi_teardown_msi_irqs(struct pci_dev *dev)
{
	unsigned int last = 0;
	struct msi_desc *desc;
	bool left = false;

	msi_lock_descs_assert(&dev->dev);

	/* msi(x)_enabled may be clear already: ask the descriptors */
	desc = msi_first_desc(&dev->dev, MSI_DESC_ASSOCIATED);
	if (desc && !WARN_ON_ONCE(!dev->msi_ops))
		pci_msi_release(dev, pci_msi_desc_type(desc));

	/*
	 * MSI domains delete the descriptors with the interrupts. For the
	 * other backends they are the core's. Free the range in use: a per
	 * device MSI domain that an earlier backend of the device left
	 * refuses ranges beyond its size.
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

	msi_lock_descs(&dev->dev);
	ret = ops->restore(dev, type);
	msi_unlock_descs(&dev->dev);
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
	return dev->msi_ops && (dev->msi_ops_flags & PCI_MSI_OPS_FW_OWNS_MSG);
}

/* The descriptor at table index @index, if any */
static struct msi_desc *pci_msix_desc_at(struct pci_dev *dev,
					 unsigned int index)
{
	struct msi_desc *desc;

	msi_for_each_desc(desc, &dev->dev, MSI_DESC_ALL) {
		if (desc->msi_index == index)
			return desc;
	}
	return NULL;
}

/*
 * Insert and prepare the descriptor of a vector added to an enabled
 * MSI-X table, as msix_setup_msi_descs() does at enable: at @index, or
 * at the first free entry of the table for %MSI_ANY_INDEX.
 */
static struct msi_desc *pci_msix_add_desc(struct pci_dev *dev,
					  unsigned int index,
					  const struct irq_affinity_desc *affdesc)
{
	int tsize = pci_msix_vec_count(dev);
	struct msi_desc desc = { };
	int ret;

	if (tsize < 0)
		return ERR_PTR(tsize);
	if (index == MSI_ANY_INDEX) {
		for (index = 0; index < tsize; index++) {
			if (!pci_msix_desc_at(dev, index))
				break;
		}
	}
	if (index >= tsize)
		return ERR_PTR(-ENOSPC);
	if (pci_msix_desc_at(dev, index))
		return ERR_PTR(-EBUSY);

	desc.msi_index = index;
	desc.affinity = (struct irq_affinity_desc *)affdesc;
	msix_prepare_msi_desc(dev, &desc);
	ret = msi_insert_msi_desc(&dev->dev, &desc);
	if (ret)
		return ERR_PTR(ret);
	return pci_msix_desc_at(dev, index);
}

/* Give back what ->alloc_at() and pci_msi_start_desc() set up for @desc */
static void pci_msix_release_desc(struct pci_dev *dev, struct msi_desc *desc)
{
	msi_desc_destroy_sysfs(&dev->dev, desc);
	pci_msi_stop_desc(desc);
	dev->msi_ops->free_at(dev, desc);
	desc->irq = 0;
}

/**
 * pci_msi_ops_alloc_at - Dynamic MSI-X allocation through the backend
 * @dev:	The PCI device, with MSI-X enabled
 * @index:	Table index or %MSI_ANY_INDEX
 * @affdesc:	Optional affinity
 *
 * The core adds the descriptor, the backend's ->alloc_at() gives it its
 * interrupt, and the core starts the vector and adds its sysfs entry,
 * as at enable. MSI domains do all of it themselves.
 *
 * Return: The new vector, or a negative errno in msi_map::index.
 */
struct msi_map pci_msi_ops_alloc_at(struct pci_dev *dev, unsigned int index,
				    const struct irq_affinity_desc *affdesc)
{
	const struct pci_msi_ops *ops = dev->msi_ops;
	struct msi_map map = { .index = -EOPNOTSUPP };
	struct msi_desc *desc;
	int ret;

	if (WARN_ON_ONCE(!ops))
		return map;
	if (dev->msi_ops_flags & PCI_MSI_OPS_MSI_DOMAIN)
		return msi_domain_alloc_irq_at(&dev->dev, MSI_DEFAULT_DOMAIN,
					       index, affdesc, NULL);

	msi_lock_descs(&dev->dev);
	desc = pci_msix_add_desc(dev, index, affdesc);
	if (IS_ERR(desc)) {
		map.index = PTR_ERR(desc);
		goto unlock;
	}
	ret = ops->alloc_at(dev, desc);
	if (ret) {
		desc->irq = 0;
		goto free_desc;
	}
	ret = pci_msi_start_desc(dev, desc);
	if (!ret)
		ret = msi_device_populate_sysfs(&dev->dev);
	if (!ret) {
		map.index = desc->msi_index;
		map.virq = desc->irq;
		goto unlock;
	}
	pci_msix_release_desc(dev, desc);
free_desc:
	map.index = ret;
	msi_free_msi_descs_range(&dev->dev, desc->msi_index, desc->msi_index);
unlock:
	msi_unlock_descs(&dev->dev);
	return map;
}

/**
 * pci_msi_ops_free_at - Release one MSI-X vector of an enabled table
 * @dev:	The PCI device
 * @map:	The vector to free
 */
void pci_msi_ops_free_at(struct pci_dev *dev, struct msi_map map)
{
	struct msi_desc *desc;

	if (WARN_ON_ONCE(!dev->msi_ops))
		return;
	if (dev->msi_ops_flags & PCI_MSI_OPS_MSI_DOMAIN) {
		msi_domain_free_irqs_range(&dev->dev, MSI_DEFAULT_DOMAIN,
					   map.index, map.index);
		return;
	}

	msi_lock_descs(&dev->dev);
	desc = pci_msix_desc_at(dev, map.index);
	if (!WARN_ON_ONCE(!desc || desc->irq != map.virq)) {
		pci_msix_release_desc(dev, desc);
		msi_free_msi_descs_range(&dev->dev, map.index, map.index);
	}
	msi_unlock_descs(&dev->dev);
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
		/*
		 * An unbind frees the descriptors and, through devres, the
		 * device's MSI data with its lock: only the device lock,
		 * which the driver core holds across unbind, keeps both.
		 */
		device_lock(&pdev->dev);
		if (pdev->dev.msi.data &&
		    (pdev->msi_enabled || pdev->msix_enabled))
			pci_msi_show_dev(m, pdev);
		device_unlock(&pdev->dev);
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
