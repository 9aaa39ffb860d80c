// SPDX-License-Identifier: GPL-2.0
/*
 * PCI MSI backend selection and dispatch
 *
 * Which backend serves a device is decided here, and every call from
 * the MSI core into a backend goes through the helpers below, so that
 * the rules of include/linux/msi_ops.h are enforced in one place.
 */
#define pr_fmt(fmt) "PCI/MSI: " fmt

#include <kunit/visibility.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/fault-inject.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdesc.h>
#include <linux/irqdomain.h>
#include <linux/jiffies.h>
#include <linux/msi_ops.h>
#include <linux/seq_file.h>

#include "../pci.h"
#include "msi.h"

#define CREATE_TRACE_POINTS
#include <trace/events/pci_msi.h>

static const struct pci_msi_ops *pci_msi_platform_ops __ro_after_init;

#ifdef CONFIG_FAIL_PCI_MSI_OPS
/*
 * The generic fault_attr controls decide how often; "points" which
 * steps, "fewer" whether ->check() and ->alloc() grant half the vectors
 * instead of failing, and "device" (domain:bus:dev.fn) limits it to one
 * device.
 */
static DECLARE_FAULT_ATTR(fail_pci_msi_ops);
static u32 fail_pci_msi_points = PCI_MSI_FAIL_POINTS;
static bool fail_pci_msi_fewer;
static u64 fail_pci_msi_dev;		/* pci_msi_fail_id(), 0: any */

static u64 pci_msi_fail_id(int domain, int bus, int devfn)
{
	return BIT_ULL(40) | (u64)domain << 16 | bus << 8 | devfn;
}

static bool pci_msi_attr_should_fail(struct pci_dev *dev, unsigned int point)
{
	u64 only = READ_ONCE(fail_pci_msi_dev);

	if (!(READ_ONCE(fail_pci_msi_points) & point))
		return false;
	if (only && only != pci_msi_fail_id(pci_domain_nr(dev->bus),
					    dev->bus->number, dev->devfn))
		return false;
	return should_fail(&fail_pci_msi_ops, 1);
}

static bool pci_msi_attr_fewer(void)
{
	return READ_ONCE(fail_pci_msi_fewer);
}

static ssize_t fail_pci_msi_dev_read(struct file *file, char __user *ubuf,
				     size_t count, loff_t *ppos)
{
	u64 id = READ_ONCE(fail_pci_msi_dev);
	unsigned int devfn = id & 0xff;
	char buf[24] = "\n";

	if (id)
		snprintf(buf, sizeof(buf), "%04x:%02x:%02x.%u\n",
			 (unsigned int)(id >> 16) & 0xffff,
			 (unsigned int)(id >> 8) & 0xff,
			 PCI_SLOT(devfn), PCI_FUNC(devfn));
	return simple_read_from_buffer(ubuf, count, ppos, buf, strlen(buf));
}

/* "domain:bus:dev.fn" limits injection to that device, "" lifts it */
static ssize_t fail_pci_msi_dev_write(struct file *file,
				      const char __user *ubuf, size_t count,
				      loff_t *ppos)
{
	unsigned int domain, bus, slot, fn;
	char buf[24] = { };

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	if (!strim(buf)[0]) {
		WRITE_ONCE(fail_pci_msi_dev, 0);
		return count;
	}
	if (sscanf(strim(buf), "%x:%x:%x.%x", &domain, &bus, &slot, &fn) != 4 ||
	    domain > 0xffff || bus > 0xff || slot > 0x1f || fn > 7)
		return -EINVAL;
	WRITE_ONCE(fail_pci_msi_dev,
		   pci_msi_fail_id(domain, bus, PCI_DEVFN(slot, fn)));
	return count;
}

static const struct file_operations fail_pci_msi_dev_fops = {
	.owner	= THIS_MODULE,
	.read	= fail_pci_msi_dev_read,
	.write	= fail_pci_msi_dev_write,
	.llseek	= default_llseek,
};

static int __init fail_pci_msi_ops_debugfs(void)
{
	struct dentry *dir;

	dir = fault_create_debugfs_attr("fail_pci_msi_ops", NULL,
					&fail_pci_msi_ops);
	if (IS_ERR(dir))
		return PTR_ERR(dir);
	debugfs_create_x32("points", 0600, dir, &fail_pci_msi_points);
	debugfs_create_bool("fewer", 0600, dir, &fail_pci_msi_fewer);
	debugfs_create_file("device", 0600, dir, NULL, &fail_pci_msi_dev_fops);
	return 0;
}
late_initcall(fail_pci_msi_ops_debugfs);
#else
static inline bool pci_msi_attr_should_fail(struct pci_dev *dev,
					    unsigned int point)
{
	return false;
}

static inline bool pci_msi_attr_fewer(void)
{
	return false;
}
#endif

#if IS_ENABLED(CONFIG_PCI_MSI_OPS_KUNIT_TEST)
/*
 * The same points armed by a KUnit test for one device and the test's
 * own thread: every call through an armed point fails, without the
 * fault_attr's rate, its reports or its debugfs settings, so that the
 * test knows each answer beforehand (ops_kunit_random.c).
 */
static struct {
	struct pci_dev		*dev;
	struct task_struct	*task;
	u32			points;
	bool			fewer;
} pci_msi_kunit_faults;

/**
 * pci_msi_kunit_arm_faults - Fail fault points for a KUnit test
 * @dev:	The test's device; NULL disarms
 * @points:	%PCI_MSI_FAIL_* bits
 * @fewer:	->check() and ->alloc() grant half instead of failing
 *
 * Until the next call, every call through one of @points for @dev from
 * the calling thread fails as fault injection would make it fail.
 */
void pci_msi_kunit_arm_faults(struct pci_dev *dev, u32 points, bool fewer)
{
	pci_msi_kunit_faults.points = dev ? points : 0;
	pci_msi_kunit_faults.fewer = fewer;
	pci_msi_kunit_faults.task = current;
	WRITE_ONCE(pci_msi_kunit_faults.dev, dev);
}

static bool pci_msi_kunit_armed(struct pci_dev *dev)
{
	return dev == READ_ONCE(pci_msi_kunit_faults.dev) &&
	       current == pci_msi_kunit_faults.task;
}

static bool pci_msi_kunit_should_fail(struct pci_dev *dev, unsigned int point)
{
	return pci_msi_kunit_armed(dev) && (pci_msi_kunit_faults.points & point);
}
#else
static inline bool pci_msi_kunit_armed(struct pci_dev *dev)
{
	return false;
}

static inline bool pci_msi_kunit_should_fail(struct pci_dev *dev,
					     unsigned int point)
{
	return false;
}
#endif

static bool pci_msi_should_fail(struct pci_dev *dev, unsigned int point)
{
	return pci_msi_kunit_should_fail(dev, point) ||
	       pci_msi_attr_should_fail(dev, point);
}

/* What an injected failure of ->check() or ->alloc() answers */
static int pci_msi_injected(struct pci_dev *dev, int nvec)
{
	bool fewer;

#if IS_ENABLED(CONFIG_PCI_MSI_OPS_KUNIT_TEST)
	if (pci_msi_kunit_armed(dev))
		fewer = pci_msi_kunit_faults.fewer;
	else
#endif
		fewer = pci_msi_attr_fewer();
	return fewer && nvec > 1 ? nvec / 2 : -ENOSPC;
}

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
	if (!ops) {
		trace_pci_msi_resolve(dev, NULL, 0, -ENOTSUPP);
		return -ENOTSUPP;
	}

	flags = pci_msi_ops_flags_of(ops, dev);
	/* ->features() must not claim what only the core's adapters may */
	if ((flags & PCI_MSI_OPS_ADAPTER_MASK) && !pci_msi_ops_is_adapter(ops)) {
		pci_err(dev, "%s: reports adapter-only properties %#x, MSI refused\n",
			ops->name, flags & PCI_MSI_OPS_ADAPTER_MASK);
		trace_pci_msi_resolve(dev, ops, flags, -EINVAL);
		return -EINVAL;
	}
	/* ->features() may claim the message per device: same rule */
	if ((flags & PCI_MSI_OPS_FW_OWNS_MSG) && !ops->restore) {
		pci_err(dev, "%s: firmware owns the message but no ->restore(), MSI refused\n",
			ops->name);
		trace_pci_msi_resolve(dev, ops, flags, -EINVAL);
		return -EINVAL;
	}
	dev->msi_ops_flags = flags;
	dev->msi_ops = ops;
	trace_pci_msi_resolve(dev, ops, flags, 0);
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
 * pci_msi_insert_desc - Add an MSI descriptor to a device
 * @dev:	The PCI device
 * @desc:	The descriptor's initial contents
 *
 * The one place where the core adds descriptors, at enable and for
 * dynamic MSI-X, so that fault injection can fail their allocation as
 * the allocator would (fail_pci_msi_ops, point %PCI_MSI_FAIL_DESC).
 *
 * Context: Descriptor lock held.
 * Return: 0 or a negative errno (-ENOMEM when the allocation failed).
 */
int pci_msi_insert_desc(struct pci_dev *dev, struct msi_desc *desc)
{
	if (pci_msi_should_fail(dev, PCI_MSI_FAIL_DESC))
		return -ENOMEM;
	return msi_insert_msi_desc(&dev->dev, desc);
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
	if (pci_msi_should_fail(dev, PCI_MSI_FAIL_CHECK))
		return pci_msi_injected(dev, nvec);
	if (!ops->check)
		return nvec;

	ret = ops->check(dev, type, nvec);
	trace_pci_msi_check(dev, ops, type, nvec, max(ret, 0), min(ret, 0));
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

/*
 * A firmware backend that leaves the device's mask bits alone
 * (%PCI_MSI_OPS_FW_OWNS_MSG with %PCI_MSI_OPS_NO_MASK) masks at the
 * interrupt controller; firmware programs address and data but not the
 * vector control word, and a reset sets its mask bit. Nobody else
 * clears it: the core opens the entries in use, once they are set up
 * and after a restore, and never masks them.
 */
static bool pci_msi_opens_msix(struct pci_dev *dev)
{
	unsigned int need = PCI_MSI_OPS_FW_OWNS_MSG | PCI_MSI_OPS_NO_MASK;

	return dev->msix_enabled && dev->msi_ops &&
	       (dev->msi_ops_flags & need) == need &&
	       !(dev->msi_ops_flags & PCI_MSI_OPS_ADAPTER_MASK);
}

/* Clear the per-vector mask bit of @desc's entry, nothing else */
static void pci_msix_open_entry(struct msi_desc *desc)
{
	void __iomem *ctrl;
	u32 val;

	if (!desc->pci.msi_attrib.is_msix || desc->pci.msi_attrib.is_virtual ||
	    !desc->pci.mask_base)
		return;
	ctrl = pci_msix_desc_addr(desc) + PCI_MSIX_ENTRY_VECTOR_CTRL;
	val = readl(ctrl);
	if (val & PCI_MSIX_ENTRY_CTRL_MASKBIT)
		writel(val & ~PCI_MSIX_ENTRY_CTRL_MASKBIT, ctrl);
	desc->pci.msix_ctrl = val & ~PCI_MSIX_ENTRY_CTRL_MASKBIT;
}

static void pci_msix_open_entries(struct pci_dev *dev)
{
	struct msi_desc *desc;

	if (!pci_msi_opens_msix(dev))
		return;
	msi_for_each_desc(desc, &dev->dev, MSI_DESC_ASSOCIATED)
		pci_msix_open_entry(desc);
}

/* Give back everything ->alloc() and pci_msi_setup_msi_irqs() set up */
static void pci_msi_release(struct pci_dev *dev, int type)
{
	const struct pci_msi_ops *ops = dev->msi_ops;
	struct msi_desc *desc;
	int nvec = 0;

	if (!(dev->msi_ops_flags & PCI_MSI_OPS_MSI_DOMAIN)) {
		msi_device_destroy_sysfs(&dev->dev);
		if (!(dev->msi_ops_flags & PCI_MSI_OPS_ARCH_CHIPS))
			pci_msi_stop_all(dev);
	}
	if (trace_pci_msi_free_enabled()) {
		msi_for_each_desc(desc, &dev->dev, MSI_DESC_ASSOCIATED)
			nvec += desc->nvec_used;
	}
	ops->free(dev, type);
	trace_pci_msi_free(dev, ops, type, nvec);
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

	if (pci_msi_should_fail(dev, PCI_MSI_FAIL_ALLOC))
		return pci_msi_injected(dev, nvec);
	ret = ops->alloc(dev, type, nvec);
	trace_pci_msi_alloc(dev, ops, type, nvec, ret ? 0 : nvec, ret);
	if (ret) {
		pci_msi_forget_irqs(dev);
		return ret;
	}
	if (pci_msi_should_fail(dev, PCI_MSI_FAIL_AFTER)) {
		ret = -ENOMEM;
		goto free;
	}
	if (flags & PCI_MSI_OPS_MSI_DOMAIN)
		return 0;

	if (!(flags & PCI_MSI_OPS_ARCH_CHIPS)) {
		ret = pci_msi_start_all(dev);
		if (ret)
			goto free;
	}
	ret = msi_device_populate_sysfs(&dev->dev);
	if (!ret) {
		pci_msix_open_entries(dev);
		return 0;
	}
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
	if (pci_msi_should_fail(dev, PCI_MSI_FAIL_RESTORE)) {
		ret = -EIO;
	} else {
		ret = ops->restore(dev, type);
		trace_pci_msi_restore(dev, ops, type, ret);
	}
	/* A reset masked the entries that the core keeps open */
	if (ret >= 0 && type == PCI_CAP_ID_MSIX)
		pci_msix_open_entries(dev);
	msi_unlock_descs(&dev->dev);
	if (ret < 0)
		pci_err(dev, "%s: restoring %s failed (%d), left disabled\n",
			ops->name, type == PCI_CAP_ID_MSIX ? "MSI-X" : "MSI", ret);
	return ret;
}

/*
 * Wait until no hard handler of @virq runs any more and the interrupt
 * controller has no interrupt of it on the way to a CPU (XIVE: in a
 * CPU's event queue). Unlike synchronize_irq(), threaded handlers are not
 * waited for: the chips of backends are one-shot safe, so they never
 * touch them, and they may need the descriptor lock that ->restore()
 * holds. An interrupt still reported after a second was dropped (its
 * CPU went offline) and will not be handled any more.
 */
static void pci_msi_irq_wait_idle(unsigned int virq)
{
	unsigned long end = jiffies + HZ;
	bool active;

	for (;;) {
		synchronize_hardirq(virq);
		if (irq_get_irqchip_state(virq, IRQCHIP_STATE_ACTIVE, &active) ||
		    !active)
			return;
		if (time_after(jiffies, end))
			break;
		usleep_range(100, 1000);
	}
	pr_warn("irq %u: the interrupt controller still has one in flight, moving on\n",
		virq);
}

/*
 * Shut a requested vector down at its chip, or start it up again, as
 * free_irq() and request_irq() would, without genirq forgetting that it
 * is requested: its handler, affinity, disable depth and mask state stay.
 * A vector nobody requested is left alone; its chip learns of it at
 * request_irq().
 */
static void pci_msi_irq_chip_up(unsigned int virq, bool up)
{
	struct irq_data *d = irq_get_irq_data(virq);
	struct irq_chip *chip = d ? d->chip : NULL;
	unsigned long flags;
	bool started;

	if (!chip)
		return;
	raw_spin_lock_irqsave(&irq_data_to_desc(d)->lock, flags);
	started = irqd_is_started(d);
	if (started && !up) {
		if (chip->irq_shutdown)
			chip->irq_shutdown(d);
		else if (chip->irq_mask)
			chip->irq_mask(d);
	} else if (started) {
		if (chip->irq_startup)
			chip->irq_startup(d);
		else if (chip->irq_unmask)
			chip->irq_unmask(d);
		if (irqd_irq_masked(d) && chip->irq_mask)
			chip->irq_mask(d);
	}
	raw_spin_unlock_irqrestore(&irq_data_to_desc(d)->lock, flags);
	if (started && !up)
		pci_msi_irq_wait_idle(virq);
}

static void pci_msi_chip_up_all(struct pci_dev *dev, bool up)
{
	struct msi_desc *desc;
	unsigned int i;

	msi_lock_descs_assert(&dev->dev);
	msi_for_each_desc(desc, &dev->dev, MSI_DESC_ASSOCIATED) {
		for (i = 0; i < desc->nvec_used; i++)
			pci_msi_irq_chip_up(desc->irq + i, up);
	}
}

/**
 * pci_msi_quiesce_vectors - Stop a device's vectors before firmware
 *	programs it again
 * @dev:	The PCI device, in its backend's ->restore()
 *
 * Firmware that programs a device again may hand its vectors other
 * interrupt sources, or reset the sources' state in the interrupt
 * controller. A backend whose ->restore() asks that of firmware calls
 * this first: every requested vector of @dev is shut down at its irq
 * chip, and the call returns once no hard handler of them runs and the
 * interrupt controller reports none in flight (at most a second per
 * vector, then a warning), so that the end of an interrupt reaches the
 * source that raised it. pci_msi_reactivate_vectors() undoes it.
 *
 * Context: Process context, from ->restore(): descriptor lock held.
 */
void pci_msi_quiesce_vectors(struct pci_dev *dev)
{
	pci_msi_chip_up_all(dev, false);
}
EXPORT_SYMBOL_GPL(pci_msi_quiesce_vectors);

/**
 * pci_msi_reactivate_vectors - Start a device's vectors up again
 * @dev:	The PCI device, after pci_msi_quiesce_vectors()
 *
 * Every requested vector of @dev is started up at its irq chip, on
 * whatever interrupt source it has now: target, priority and mask are
 * set up afresh, and a vector that was masked stays masked. Call it
 * whether or not firmware succeeded: genirq counts the vectors as
 * started and shuts them down at free_irq().
 *
 * Context: Process context, from ->restore(): descriptor lock held.
 */
void pci_msi_reactivate_vectors(struct pci_dev *dev)
{
	pci_msi_chip_up_all(dev, true);
}
EXPORT_SYMBOL_GPL(pci_msi_reactivate_vectors);

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
	/* The errors of msi_insert_desc() under a per-device MSI domain */
	if (index == MSI_ANY_INDEX) {
		for (index = 0; index < tsize; index++) {
			if (!pci_msix_desc_at(dev, index))
				break;
		}
		if (index == tsize)
			return ERR_PTR(-EBUSY);
	}
	if (index >= tsize)
		return ERR_PTR(-ERANGE);
	if (pci_msix_desc_at(dev, index))
		return ERR_PTR(-EBUSY);

	desc.msi_index = index;
	desc.affinity = (struct irq_affinity_desc *)affdesc;
	msix_prepare_msi_desc(dev, &desc);
	ret = pci_msi_insert_desc(dev, &desc);
	if (ret)
		return ERR_PTR(ret);
	return pci_msix_desc_at(dev, index);
}

/* Give back what ->alloc_at() and pci_msi_start_desc() set up for @desc */
static void pci_msix_release_desc(struct pci_dev *dev, struct msi_desc *desc)
{
	unsigned int irq = desc->irq;

	msi_desc_destroy_sysfs(&dev->dev, desc);
	pci_msi_stop_desc(desc);
	dev->msi_ops->free_at(dev, desc);
	trace_pci_msi_free_at(dev, dev->msi_ops, desc->msi_index, irq, 0);
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
	if (pci_msi_should_fail(dev, PCI_MSI_FAIL_ALLOC_AT)) {
		map.index = -ENOSPC;
		return map;
	}
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
	trace_pci_msi_alloc_at(dev, ops, desc->msi_index, ret ? 0 : desc->irq,
			       ret);
	if (ret) {
		desc->irq = 0;
		goto free_desc;
	}
	ret = pci_msi_start_desc(dev, desc);
	if (!ret)
		ret = msi_device_populate_sysfs(&dev->dev);
	if (!ret) {
		if (pci_msi_opens_msix(dev))
			pci_msix_open_entry(desc);
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

VISIBLE_IF_KUNIT int pci_msi_vectors_show(struct seq_file *m, void *v)
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
