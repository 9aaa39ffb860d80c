// SPDX-License-Identifier: GPL-2.0
/*
 * Per-bus MSI vector spaces: allocation of hardware MSI vectors and their
 * mapping to Linux interrupts. See include/linux/msi_vecspace.h.
 *
 * Copyright (C) 2026 msi-ops maintainers
 */

#include <linux/bitmap.h>
#include <linux/bug.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/limits.h>
#include <linux/lockdep.h>
#include <linux/log2.h>
#include <linux/msi_vecspace.h>
#include <linux/numa.h>
#include <linux/spinlock.h>

/* Is [hwvec, hwvec + nr) a non-empty part of the vector space? */
static bool vecspace_contains(const struct msi_vecspace *vs, u32 hwvec,
			      unsigned int nr)
{
	return hwvec >= vs->base && nr && nr <= vs->count &&
	       hwvec - vs->base <= vs->count - nr;
}

/* Is any vector of [idx, idx + nr) set in @bitmap? */
static bool vecspace_any(const unsigned long *bitmap, unsigned int idx,
			 unsigned int nr)
{
	return find_next_bit(bitmap, idx + nr, idx) < idx + nr;
}

/* Are all vectors of [idx, idx + nr) set in @bitmap? */
static bool vecspace_all(const unsigned long *bitmap, unsigned int idx,
			 unsigned int nr)
{
	return find_next_zero_bit(bitmap, idx + nr, idx) >= idx + nr;
}

/* Are vectors allocated (not reserved) or mapped? */
static bool vecspace_busy(struct msi_vecspace *vs)
{
	lockdep_assert_held(&vs->lock);

	return bitmap_weight_andnot(vs->map, vs->reserved, vs->count) ||
	       READ_ONCE(vs->domain->mapcount);
}

/*
 * Check that [hwvec, hwvec + nvec rounded up) is a block that
 * msi_vecspace_alloc() returned and that none of its vectors is mapped.
 * Returns 0 if so, -EINVAL if the block is out of range or not aligned,
 * -ENOENT if it is not allocated and -EBUSY if it is still mapped.
 */
static int vecspace_check_free(struct msi_vecspace *vs, u32 hwvec,
			       unsigned int nvec)
{
	unsigned int idx, nr, i;

	lockdep_assert_held(&vs->lock);

	if (!nvec || nvec > MSI_VECSPACE_MAX_BLOCK)
		return -EINVAL;
	nr = roundup_pow_of_two(nvec);
	if (!vecspace_contains(vs, hwvec, nr) || !IS_ALIGNED(hwvec, nr))
		return -EINVAL;

	idx = hwvec - vs->base;
	if (!vecspace_all(vs->map, idx, nr) ||
	    vecspace_any(vs->reserved, idx, nr))
		return -ENOENT;

	for (i = idx; i < idx + nr; i++) {
		if (irq_find_mapping(vs->domain, i))
			return -EBUSY;
	}
	return 0;
}

/**
 * msi_vecspace_init() - Set up a vector space and its irq_domain
 * @vs:		The vector space to initialise
 * @fwnode:	Firmware node of the irq_domain, may be NULL
 * @base:	First hardware vector of the range
 * @count:	Number of hardware vectors, at least one. The range must end
 *		at or below INT_MAX.
 * @ops:	Callbacks of the irq_domain; ->map() sets up the chip and
 *		the flow handler of each new mapping
 * @host_data:	Private data of the irq_domain, for @ops
 *
 * Initialise @vs with all vectors free and create a linear irq_domain of
 * @count interrupts for it, whose hwirqs are relative to @base.
 *
 * Context: Process context. May sleep.
 * Return: 0 on success, -EINVAL if the range or @ops is invalid, -ENOMEM
 * if memory or the irq_domain could not be allocated.
 */
int msi_vecspace_init(struct msi_vecspace *vs, struct fwnode_handle *fwnode,
		      u32 base, u32 count, const struct irq_domain_ops *ops,
		      void *host_data)
{
	/* The allocator returns vectors as a non-negative int */
	if (!ops || !count || base > INT_MAX || count - 1 > INT_MAX - base)
		return -EINVAL;

	vs->map = bitmap_zalloc(count, GFP_KERNEL);
	vs->reserved = bitmap_zalloc(count, GFP_KERNEL);
	if (!vs->map || !vs->reserved)
		goto err_free;

	vs->domain = irq_domain_create_linear(fwnode, count, ops, host_data);
	if (!vs->domain)
		goto err_free;

	spin_lock_init(&vs->lock);
	vs->base = base;
	vs->count = count;
	return 0;

err_free:
	bitmap_free(vs->reserved);
	bitmap_free(vs->map);
	return -ENOMEM;
}

/**
 * msi_vecspace_destroy() - Tear down a vector space
 * @vs:		The vector space
 *
 * Remove the irq_domain of @vs and free its bitmaps. Reserved vectors
 * may remain, but all allocated vectors must have been unmapped and
 * freed: tearing down the domain under live interrupts would leave them
 * pointing to freed memory. If any remain, warn and leave @vs intact.
 * The fwnode given to msi_vecspace_init() stays the caller's to free.
 *
 * Context: Process context. May sleep.
 * Return: 0 on success, -EBUSY if vectors are still allocated or mapped.
 */
int msi_vecspace_destroy(struct msi_vecspace *vs)
{
	bool busy;

	spin_lock(&vs->lock);
	busy = vecspace_busy(vs);
	spin_unlock(&vs->lock);
	if (WARN(busy, "msi_vecspace: destroying busy [%u, %u)\n",
		 vs->base, vs->base + vs->count))
		return -EBUSY;

	irq_domain_remove(vs->domain);
	vs->domain = NULL;
	bitmap_free(vs->reserved);
	bitmap_free(vs->map);
	vs->reserved = NULL;
	vs->map = NULL;
	return 0;
}

/**
 * msi_vecspace_reserve() - Take vectors that are not the kernel's to give
 * @vs:		The vector space
 * @hwvec:	First hardware vector to reserve
 * @nr:		Number of vectors, at least one
 *
 * Mark [@hwvec, @hwvec + @nr) as in use for the lifetime of @vs, for
 * vectors that firmware or other hardware already owns. Reserved vectors
 * are never allocated, mapped or freed, and do not keep
 * msi_vecspace_destroy() from succeeding.
 *
 * Context: Process context, does not sleep. Takes @vs->lock.
 * Return: 0 on success, -EINVAL if the range is not within @vs, -EBUSY if
 * any of its vectors is already in use; nothing is reserved then.
 */
int msi_vecspace_reserve(struct msi_vecspace *vs, u32 hwvec, unsigned int nr)
{
	unsigned int idx;
	bool busy;

	if (!vecspace_contains(vs, hwvec, nr))
		return -EINVAL;
	idx = hwvec - vs->base;

	spin_lock(&vs->lock);
	busy = vecspace_any(vs->map, idx, nr);
	if (!busy) {
		bitmap_set(vs->map, idx, nr);
		bitmap_set(vs->reserved, idx, nr);
	}
	spin_unlock(&vs->lock);

	return busy ? -EBUSY : 0;
}

/**
 * msi_vecspace_alloc() - Allocate a block of hardware vectors
 * @vs:		The vector space
 * @nvec:	Number of vectors, 1 to %MSI_VECSPACE_MAX_BLOCK
 *
 * Allocate a block of roundup_pow_of_two(@nvec) free vectors whose first
 * vector number is a multiple of the block size, as multi-MSI requires.
 * The lowest such block is taken. MSI-X, where every vector has its own
 * message, allocates its vectors one at a time.
 *
 * Context: Process context, does not sleep. Takes @vs->lock.
 * Return: The first hardware vector of the block on success, -EINVAL if
 * @nvec is out of bounds, -ENOSPC if no free block is large enough; the
 * vector space is not changed then.
 */
int msi_vecspace_alloc(struct msi_vecspace *vs, unsigned int nvec)
{
	unsigned long idx;
	unsigned int nr;

	if (!nvec || nvec > MSI_VECSPACE_MAX_BLOCK)
		return -EINVAL;
	nr = roundup_pow_of_two(nvec);

	spin_lock(&vs->lock);
	/* Align vs->base + idx, the absolute number, not idx */
	idx = bitmap_find_next_zero_area_off(vs->map, vs->count, 0, nr,
					     nr - 1, vs->base & (nr - 1));
	if (idx < vs->count)
		bitmap_set(vs->map, idx, nr);
	spin_unlock(&vs->lock);

	if (idx >= vs->count)
		return -ENOSPC;
	return vs->base + idx;
}

/**
 * msi_vecspace_free() - Free a block of hardware vectors
 * @vs:		The vector space
 * @hwvec:	First hardware vector of the block
 * @nvec:	Number of vectors, as passed to msi_vecspace_alloc()
 *
 * Free a block that msi_vecspace_alloc() returned. Its vectors must have
 * been unmapped. Freeing anything else is a bug: warn once and leave the
 * vector space unchanged.
 *
 * Context: Process context, does not sleep. Takes @vs->lock.
 */
void msi_vecspace_free(struct msi_vecspace *vs, u32 hwvec, unsigned int nvec)
{
	int err;

	spin_lock(&vs->lock);
	err = vecspace_check_free(vs, hwvec, nvec);
	if (!err)
		bitmap_clear(vs->map, hwvec - vs->base,
			     roundup_pow_of_two(nvec));
	spin_unlock(&vs->lock);

	WARN_ONCE(err, "msi_vecspace: bad free of %u at %u: %pe\n",
		  nvec, hwvec, ERR_PTR(err));
}

/**
 * msi_vecspace_retire() - Take an allocated block out of use for good
 * @vs:		The vector space
 * @hwvec:	First hardware vector of the block
 * @nvec:	Number of vectors, as passed to msi_vecspace_alloc()
 *
 * For a block the caller cannot free because the hardware may still
 * deliver on it (the platform refused to disable it): its vectors
 * become reserved, as if msi_vecspace_reserve() had taken them, so that
 * no other device ever gets them and msi_vecspace_destroy() is not kept
 * from succeeding. Its vectors must have been unmapped. Retiring
 * anything else is a bug: warn once and leave the vector space
 * unchanged.
 *
 * Context: Process context, does not sleep. Takes @vs->lock.
 */
void msi_vecspace_retire(struct msi_vecspace *vs, u32 hwvec, unsigned int nvec)
{
	int err;

	spin_lock(&vs->lock);
	err = vecspace_check_free(vs, hwvec, nvec);
	if (!err)
		bitmap_set(vs->reserved, hwvec - vs->base,
			   roundup_pow_of_two(nvec));
	spin_unlock(&vs->lock);

	WARN_ONCE(err, "msi_vecspace: bad retire of %u at %u: %pe\n",
		  nvec, hwvec, ERR_PTR(err));
}

/* Is @hwvec allocated by msi_vecspace_alloc()? */
static bool vecspace_allocated(struct msi_vecspace *vs, u32 hwvec)
{
	unsigned int idx = hwvec - vs->base;
	bool ret;

	spin_lock(&vs->lock);
	ret = test_bit(idx, vs->map) && !test_bit(idx, vs->reserved);
	spin_unlock(&vs->lock);
	return ret;
}

/**
 * msi_vecspace_map() - Map an allocated hardware vector to a Linux interrupt
 * @vs:		The vector space
 * @hwvec:	Hardware vector, allocated and not mapped yet
 *
 * Allocate a Linux interrupt for @hwvec in @vs->domain, which calls the
 * domain's ->map() callback with the hwirq @hwvec - @vs->base.
 *
 * Context: Process context. May sleep.
 * Return: The Linux interrupt number (> 0) on success, -EINVAL if @hwvec
 * is out of range, -ENOENT if it is not allocated, -EBUSY if it is mapped
 * already, -ENOMEM if no interrupt could be set up.
 */
int msi_vecspace_map(struct msi_vecspace *vs, u32 hwvec)
{
	unsigned int virq;

	if (!vecspace_contains(vs, hwvec, 1))
		return -EINVAL;
	if (!vecspace_allocated(vs, hwvec))
		return -ENOENT;
	if (msi_vecspace_find(vs, hwvec))
		return -EBUSY;

	virq = irq_create_mapping(vs->domain, hwvec - vs->base);
	if (!virq)
		return -ENOMEM;
	return virq;
}

/**
 * msi_vecspace_map_block() - Map a block of vectors to consecutive interrupts
 * @vs:		The vector space
 * @hwvec:	First hardware vector of the block
 * @nr:		Number of vectors, at least one
 *
 * Multi-MSI: a device's MSI descriptor names the Linux interrupts of its
 * messages as one base and an offset, so that the vectors of a block,
 * each allocated and not mapped, need consecutive Linux interrupts.
 * Allocate @nr of them and map each vector of [@hwvec, @hwvec + @nr) to
 * its own; msi_vecspace_unmap() takes them back one by one.
 *
 * Context: Process context. May sleep.
 * Return: The first Linux interrupt (> 0) on success, -EINVAL if the
 * block is out of range, -ENOENT if a vector is not allocated, -EBUSY if
 * one is mapped already, -ENOMEM if no interrupts could be set up;
 * nothing is mapped then.
 */
int msi_vecspace_map_block(struct msi_vecspace *vs, u32 hwvec, unsigned int nr)
{
	unsigned int i, j;
	int virq, ret;

	if (!vecspace_contains(vs, hwvec, nr))
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		if (!vecspace_allocated(vs, hwvec + i))
			return -ENOENT;
		if (msi_vecspace_find(vs, hwvec + i))
			return -EBUSY;
	}

	virq = irq_domain_alloc_descs(-1, nr, hwvec - vs->base,
				      NUMA_NO_NODE, NULL);
	if (virq <= 0)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		ret = irq_domain_associate(vs->domain, virq + i,
					   hwvec - vs->base + i);
		if (ret)
			goto undo;
	}
	return virq;

undo:
	/* Disposing of a mapping frees its descriptor too */
	for (j = 0; j < i; j++)
		irq_dispose_mapping(virq + j);
	irq_free_descs(virq + i, nr - i);
	return -ENOMEM;
}

/**
 * msi_vecspace_unmap() - Unmap a hardware vector
 * @vs:		The vector space
 * @hwvec:	Hardware vector
 *
 * Dispose of the Linux interrupt mapped to @hwvec, which must have been
 * freed with free_irq(). Nothing happens if @hwvec is not mapped, so that
 * error paths may unmap a whole block. The vector stays allocated.
 *
 * Context: Process context. May sleep.
 */
void msi_vecspace_unmap(struct msi_vecspace *vs, u32 hwvec)
{
	unsigned int virq;

	if (WARN_ONCE(!vecspace_contains(vs, hwvec, 1),
		      "msi_vecspace: unmapping %u out of range\n", hwvec))
		return;

	virq = msi_vecspace_find(vs, hwvec);
	if (virq)
		irq_dispose_mapping(virq);
}

#if IS_ENABLED(CONFIG_PCI_MSI_VECSPACE_KUNIT_TEST)
#include "vecspace_kunit.c"
#endif
