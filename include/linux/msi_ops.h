/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI MSI backend operations
 *
 * The PCI MSI core (drivers/pci/msi/) owns everything a driver sees;
 * how a vector is obtained and how the device learns where to send it
 * is delegated to a backend, a const table of the operations below,
 * bound to a device when a driver enables MSI or MSI-X.
 *
 * Documentation/PCI/msi-ops.rst describes the models (raw programming,
 * firmware-owned messages, per-bus vector spaces), how a backend is
 * chosen and the backends that exist. This header is the contract.
 */
#ifndef _LINUX_MSI_OPS_H
#define _LINUX_MSI_OPS_H

#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/types.h>

struct msi_desc;
struct pci_dev;
struct pci_host_bridge;

/**
 * enum pci_msi_ops_flags - Properties of an MSI backend
 * @PCI_MSI_OPS_FW_OWNS_MSG:	Firmware programs the MSI address/data
 *				registers. The core never writes them; it
 *				only caches what the backend reports.
 * @PCI_MSI_OPS_MULTI_MSI:	More than one vector with plain MSI.
 * @PCI_MSI_OPS_MSIX:		MSI-X is supported.
 * @PCI_MSI_OPS_MSIX_CONTIGUOUS: MSI-X entries must be allocated from
 *				index 0 without gaps.
 * @PCI_MSI_OPS_MSIX_ALLOC_DYN: MSI-X vectors can be added after MSI-X was
 *				enabled; needs ->alloc_at() and ->free_at().
 * @PCI_MSI_OPS_NO_MASK:	The core must not use the per-vector mask
 *				bits of the device. With
 *				%PCI_MSI_OPS_FW_OWNS_MSG the core opens the
 *				MSI-X entries in use instead (clears their
 *				mask bits, after ->alloc(), ->alloc_at() and
 *				->restore()) and never masks them: masking is
 *				the interrupt controller's.
 * @PCI_MSI_OPS_MSI_DOMAIN:	Core adapters only: the vectors come from an
 *				MSI irq domain, which activates them, creates
 *				their sysfs entries and frees the descriptors.
 * @PCI_MSI_OPS_ARCH_CHIPS:	Core adapters only: the vectors come from
 *				arch_setup_msi_irqs() with the architecture's
 *				irq chips as they are: not required to be
 *				one-shot safe, not activated early.
 *
 * Backends cannot register with the adapter flags: the core activates
 * every backend's vectors and requires their irq chips to be one-shot
 * safe (see &struct pci_msi_ops).
 */
enum pci_msi_ops_flags {
	PCI_MSI_OPS_FW_OWNS_MSG		= BIT(0),
	PCI_MSI_OPS_MULTI_MSI		= BIT(1),
	PCI_MSI_OPS_MSIX		= BIT(2),
	PCI_MSI_OPS_MSIX_CONTIGUOUS	= BIT(3),
	PCI_MSI_OPS_MSIX_ALLOC_DYN	= BIT(4),
	PCI_MSI_OPS_NO_MASK		= BIT(5),
	PCI_MSI_OPS_MSI_DOMAIN		= BIT(6),
	PCI_MSI_OPS_ARCH_CHIPS		= BIT(7),
};

#define PCI_MSI_OPS_ADAPTER_MASK	(PCI_MSI_OPS_MSI_DOMAIN | \
					 PCI_MSI_OPS_ARCH_CHIPS)

/* pci_msi_ops::restore() return value: rewrite the cached messages */
#define PCI_MSI_RESTORE_REWRITE	1

/**
 * struct pci_msi_ops - Operations of a PCI MSI backend
 * @name:	Short name for logs and sysfs (``msi_backend``), e.g. "rtas".
 * @flags:	&enum pci_msi_ops_flags that hold for every device.
 * @features:	Optional. Flags for one device when they depend on it.
 * @match:	Optional. Does this backend serve the device?
 * @check:	Optional. Validate and limit a request.
 * @alloc:	Required. Allocate and program the vectors.
 * @free:	Required. Undo ->alloc().
 * @restore:	Optional. Re-establish vectors after reset or resume.
 * @alloc_at:	Optional. Add one MSI-X vector to an enabled device.
 * @free_at:	Optional. Remove one MSI-X vector from an enabled device.
 *
 * In all callbacks @type is %PCI_CAP_ID_MSI or %PCI_CAP_ID_MSIX.
 * All callbacks run in process context and may sleep. ->alloc(),
 * ->free(), ->restore(), ->alloc_at() and ->free_at() are called with
 * the device's descriptor lock held (msi_lock_descs()); ->features(),
 * ->match() and ->check() without it.
 *
 * unsigned int (*features)(struct pci_dev *dev);
 *	Returns the flags that hold for @dev, overriding @flags. Used when
 *	the answer depends on the device, as for the irq domain adapter,
 *	which reports the capabilities of the device's MSI domain. Called
 *	once when the backend is bound for an enable, and the answer is
 *	kept until it is unbound; also when somebody asks before an enable
 *	(pci_msix_can_alloc_dyn()). Must not change its answer while @dev
 *	has vectors.
 *
 * bool (*match)(struct pci_dev *dev);
 *	Only for platform defaults. Returns false to leave @dev to the next
 *	candidate, e.g. when an IOMMU's interrupt remapping or a hypervisor
 *	owns the device's MSIs. Called when a driver enables MSI and when
 *	sysfs asks which backend serves @dev; must be cheap and must not
 *	change its answer while @dev has vectors allocated.
 *
 * int (*check)(struct pci_dev *dev, int type, int nvec);
 *	Called before descriptors are created, without the descriptor lock,
 *	once per attempt. @nvec is within what the device can do. Returns
 *	the number of vectors the backend is willing to try, between 1 and
 *	@nvec (quotas, firmware request properties), or a negative errno to
 *	refuse. When it returns fewer than the driver's minimum, the core
 *	fails the request with -ENOSPC and nothing was allocated.
 *
 * int (*alloc)(struct pci_dev *dev, int type, int nvec);
 *	Called with the descriptor lock held once the core has created the
 *	descriptors (one for MSI with ->nvec_used = @nvec, @nvec for MSI-X)
 *	and masked every vector. Must give each descriptor its Linux
 *	interrupt (irq_set_msi_desc() / msi_desc->irq) and make the device
 *	able to deliver the message: a raw backend composes the message and
 *	writes it with pci_write_msi_msg(); a firmware backend asks firmware
 *	to program the device and stores what firmware did in
 *	msi_desc->msg only for introspection. The MSI or MSI-X enable bit is
 *	the core's business and is still clear.
 *	Returns 0 on success. Returns a positive count when only that many
 *	vectors can be had (the core frees everything and retries with that
 *	count if the driver accepts it), or a negative errno. On any
 *	non-zero return the backend must have undone its own work: the core
 *	calls ->free() only after a successful ->alloc(), and forgets the
 *	interrupt numbers left in the descriptors after a failed one.
 *
 *	After a successful ->alloc() the core does what PCI/MSI irq domains
 *	do for their interrupts, so that no backend has to: it refuses
 *	(-EINVAL, logged) a vector whose irq_chip lacks
 *	%IRQCHIP_ONESHOT_SAFE, activates every vector before the enable bit
 *	is set (msi_activate_early(): the irq domain's ->activate() writes
 *	the message; a vector the device can mask may stay on a reserved
 *	vector until request_irq()), and creates the msi_irqs/ sysfs
 *	entries. Before ->free() it removes the entries and deactivates the
 *	vectors.
 *
 * void (*free)(struct pci_dev *dev, int type);
 *	Called with the descriptor lock held, after the core cleared the
 *	enable bit (when the device is reachable). Releases every vector of the
 *	device: Linux interrupts, hardware vectors, firmware resources. The
 *	core deletes the descriptors afterwards. Must not fail; when
 *	firmware refuses to release, log it and drop the Linux side anyway.
 *
 * int (*restore)(struct pci_dev *dev, int type);
 *	Called from pci_restore_msi_state() after a reset or resume, in
 *	process context, with the descriptor lock held. For MSI the enable
 *	bit is clear; for MSI-X the enable and function mask bits are both
 *	set, so that the table is reachable while every vector is masked.
 *	Returns 0 when the device's messages are in place again,
 *	%PCI_MSI_RESTORE_REWRITE to have the core rewrite the cached
 *	messages, or a negative errno.
 *	NULL stands for %PCI_MSI_RESTORE_REWRITE, which is what a raw
 *	backend wants; a backend for which %PCI_MSI_OPS_FW_OWNS_MSG holds
 *	must provide ->restore() and ask firmware to program the device
 *	again (the core refuses to register it, or to bind it to a device
 *	for which ->features() reports the flag, otherwise). Firmware that
 *	programs the device again may move the vectors to other interrupt
 *	sources: the backend brackets that with pci_msi_quiesce_vectors()
 *	and pci_msi_reactivate_vectors(), which stop and start the
 *	requested vectors at their irq chips; it does not call irq chip
 *	callbacks itself, and skips both when firmware still holds
 *	everything and nothing is asked of it (a shut-down source may drop
 *	an edge). On error the
 *	core leaves MSI disabled and logs it: the driver's interrupts stop,
 *	but nothing is misrouted.
 *
 * int (*alloc_at)(struct pci_dev *dev, struct msi_desc *desc);
 *	Backs pci_msix_alloc_irq_at() for backends with
 *	%PCI_MSI_OPS_MSIX_ALLOC_DYN: ->alloc() for one more MSI-X vector of
 *	an enabled table. Called after the
 *	core has inserted @desc at its table index, with the caller's
 *	affinity, and masked the vector. Gives @desc its Linux interrupt
 *	and programs the message; the core then starts the vector as after
 *	->alloc(). Returns 0 or a negative errno, with its work undone.
 *
 * void (*free_at)(struct pci_dev *dev, struct msi_desc *desc);
 *	Releases the vector of one MSI-X descriptor while the table stays
 *	enabled (pci_msix_free_irq()), whether ->alloc() or ->alloc_at()
 *	allocated it. The core has deactivated the vector and deletes @desc
 *	afterwards.
 *
 * What is not here, and why: masking a single vector, composing its
 * message and moving it to another CPU happen per interrupt, in the
 * irq_chip that ->alloc() installs; a raw backend implements them there
 * and calls pci_write_msi_msg(), which the core turns into a cache-only
 * update for %PCI_MSI_OPS_FW_OWNS_MSG backends. Per-vector mask bits
 * (MSI mask register, MSI-X vector control) are not address/data and
 * stay available to every backend through pci_msi_mask_irq() and
 * pci_msi_unmask_irq().
 */
struct pci_msi_ops {
	const char	*name;
	unsigned int	flags;

	unsigned int	(*features)(struct pci_dev *dev);
	bool		(*match)(struct pci_dev *dev);
	int		(*check)(struct pci_dev *dev, int type, int nvec);
	int		(*alloc)(struct pci_dev *dev, int type, int nvec);
	void		(*free)(struct pci_dev *dev, int type);
	int		(*restore)(struct pci_dev *dev, int type);
	int		(*alloc_at)(struct pci_dev *dev, struct msi_desc *desc);
	void		(*free_at)(struct pci_dev *dev, struct msi_desc *desc);
};

#ifdef CONFIG_PCI_MSI
int pci_msi_set_platform_ops(const struct pci_msi_ops *ops);
int pci_host_bridge_set_msi_ops(struct pci_host_bridge *bridge,
				const struct pci_msi_ops *ops);
const struct pci_msi_ops *pci_msi_dev_ops(struct pci_dev *dev);
void pci_msi_quiesce_vectors(struct pci_dev *dev);
void pci_msi_reactivate_vectors(struct pci_dev *dev);
#else
static inline int pci_msi_set_platform_ops(const struct pci_msi_ops *ops)
{
	return -ENODEV;
}

static inline int pci_host_bridge_set_msi_ops(struct pci_host_bridge *bridge,
					      const struct pci_msi_ops *ops)
{
	return -ENODEV;
}

static inline const struct pci_msi_ops *pci_msi_dev_ops(struct pci_dev *dev)
{
	return NULL;
}

static inline void pci_msi_quiesce_vectors(struct pci_dev *dev)
{
}

static inline void pci_msi_reactivate_vectors(struct pci_dev *dev)
{
}
#endif

#endif /* _LINUX_MSI_OPS_H */
