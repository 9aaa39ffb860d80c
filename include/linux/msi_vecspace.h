/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-bus MSI vector spaces
 *
 * Copyright (C) 2026 msi-ops maintainers
 */
#ifndef _LINUX_MSI_VECSPACE_H
#define _LINUX_MSI_VECSPACE_H

#include <linux/irqdomain.h>
#include <linux/spinlock_types.h>
#include <linux/types.h>

/**
 * DOC: MSI vector spaces
 *
 * Some platforms do not route MSIs through a CPU-wide vector space but
 * number them per bus: a host bridge owns a range of hardware MSI vectors
 * [base, base + count), a device's MSI data is one of those numbers, and
 * the interrupt handler of the bridge learns which vector fired. A
 * &struct msi_vecspace manages such a range: it allocates vectors to
 * devices and maps each of them to a Linux interrupt through a linear
 * irq_domain, which also provides the lock-free O(1) lookup that the
 * bridge's interrupt handler needs.
 *
 * Numbering: the API takes and returns absolute hardware vector numbers
 * (base <= hwvec < base + count). The hwirq of a vector in @domain is
 * relative to the base, hwirq = hwvec - base, so that the linear reverse
 * map has exactly @count entries whatever the base is. Domain callbacks
 * convert back with msi_vecspace_hwirq_to_vec().
 *
 * Alignment: multi-MSI blocks are naturally aligned on the absolute
 * vector number, not on the offset from the base. A device with multiple
 * MSI messages enabled modifies the low bits of its message data, and
 * the data is the hardware vector number, so it is the absolute number
 * that must have those bits clear. When the base itself is aligned to
 * the block size, both alignments agree.
 *
 * Contexts: allocation, freeing, mapping and unmapping happen in process
 * context when MSIs are set up and torn down. msi_vecspace_find() takes
 * no lock of the vector space and may be called from any context,
 * including hard interrupt context.
 */

/* Largest block multi-MSI can use: a function has at most 32 messages */
#define MSI_VECSPACE_MAX_BLOCK	32

/**
 * struct msi_vecspace - A per-bus range of hardware MSI vectors
 * @base:	First hardware vector of the range
 * @count:	Number of hardware vectors in the range
 * @domain:	Linear irq_domain mapping hwirq (hwvec - @base) to a Linux
 *		interrupt number, created by msi_vecspace_init()
 * @lock:	Protects @map and @reserved
 * @map:	Bitmap of the vectors in use, allocated or reserved
 * @reserved:	Bitmap of the vectors reserved by msi_vecspace_reserve(),
 *		a subset of @map
 *
 * @base, @count and @domain do not change between msi_vecspace_init()
 * and msi_vecspace_destroy(). The other members are private to the
 * helper.
 */
struct msi_vecspace {
	u32			base;
	u32			count;
	struct irq_domain	*domain;
	spinlock_t		lock;	/* Protects @map and @reserved */
	unsigned long		*map;
	unsigned long		*reserved;
};

int msi_vecspace_init(struct msi_vecspace *vs, struct fwnode_handle *fwnode,
		      u32 base, u32 count, const struct irq_domain_ops *ops,
		      void *host_data);
int msi_vecspace_destroy(struct msi_vecspace *vs);

int msi_vecspace_reserve(struct msi_vecspace *vs, u32 hwvec, unsigned int nr);
int msi_vecspace_alloc(struct msi_vecspace *vs, unsigned int nvec);
void msi_vecspace_free(struct msi_vecspace *vs, u32 hwvec, unsigned int nvec);
void msi_vecspace_retire(struct msi_vecspace *vs, u32 hwvec, unsigned int nvec);

int msi_vecspace_map(struct msi_vecspace *vs, u32 hwvec);
int msi_vecspace_map_block(struct msi_vecspace *vs, u32 hwvec, unsigned int nr);
void msi_vecspace_unmap(struct msi_vecspace *vs, u32 hwvec);

/**
 * msi_vecspace_hwirq_to_vec() - Hardware vector of a hwirq of the domain
 * @vs:		The vector space
 * @hwirq:	A hwirq of @vs->domain, as passed to its callbacks
 *
 * Context: Any context.
 * Return: The absolute hardware vector number of @hwirq.
 */
static inline u32 msi_vecspace_hwirq_to_vec(const struct msi_vecspace *vs,
					    irq_hw_number_t hwirq)
{
	return vs->base + hwirq;
}

/**
 * msi_vecspace_find() - Look up the Linux interrupt of a hardware vector
 * @vs:		The vector space
 * @hwvec:	Absolute hardware vector number, as reported by the hardware
 *
 * Meant for the interrupt path of the bridge: a range check and a lookup
 * in the linear reverse map of @vs->domain under RCU, O(1) and without
 * taking @vs->lock.
 *
 * Context: Any context, including hard interrupt context.
 * Return: The Linux interrupt number mapped to @hwvec, or 0 if @hwvec is
 * out of range or not mapped.
 */
static inline unsigned int msi_vecspace_find(struct msi_vecspace *vs,
					     u32 hwvec)
{
	u32 idx = hwvec - vs->base;

	/* Unsigned: a vector below the base wraps around to a large index */
	if (idx >= vs->count)
		return 0;
	return irq_find_mapping(vs->domain, idx);
}

#endif /* _LINUX_MSI_VECSPACE_H */
