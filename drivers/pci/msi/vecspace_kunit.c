// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for per-bus MSI vector spaces
 *
 * Included by vecspace.c, so that the tests can check the errors which
 * the API only reports with a warning, such as a bad free, without
 * triggering that warning.
 *
 * Copyright (C) 2026 msi-ops maintainers
 */

#include <kunit/test.h>
#include <linux/cpumask.h>
#include <linux/irq.h>
#include <linux/ktime.h>
#include <linux/smp.h>

struct vecspace_test {
	struct msi_vecspace	vs;
	struct fwnode_handle	*fwnode;
	bool			live;
	unsigned int		nr_map;
	unsigned int		nr_unmap;
};

static int vecspace_test_domain_map(struct irq_domain *d, unsigned int virq,
				    irq_hw_number_t hwirq)
{
	struct vecspace_test *t = d->host_data;

	t->nr_map++;
	irq_set_chip_and_handler(virq, &dummy_irq_chip, handle_simple_irq);
	return 0;
}

static void vecspace_test_domain_unmap(struct irq_domain *d, unsigned int virq)
{
	struct vecspace_test *t = d->host_data;

	t->nr_unmap++;
}

static const struct irq_domain_ops vecspace_test_domain_ops = {
	.map	= vecspace_test_domain_map,
	.unmap	= vecspace_test_domain_unmap,
};

/* A vector space [base, base + count) that the exit function tears down */
static struct msi_vecspace *vecspace_test_setup(struct kunit *test, u32 base,
						u32 count)
{
	struct vecspace_test *t;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	test->priv = t;

	t->fwnode = irq_domain_alloc_named_fwnode("msi-vecspace-test");
	KUNIT_ASSERT_NOT_NULL(test, t->fwnode);
	KUNIT_ASSERT_EQ(test, msi_vecspace_init(&t->vs, t->fwnode, base, count,
						&vecspace_test_domain_ops, t),
			0);
	t->live = true;
	return &t->vs;
}

/* Destroy the vector space after a test, freeing what a failed one left */
static void vecspace_test_exit(struct kunit *test)
{
	struct vecspace_test *t = test->priv;
	struct msi_vecspace *vs;
	u32 i;

	if (!t)
		return;
	vs = &t->vs;
	if (t->live) {
		for (i = 0; i < vs->count; i++)
			msi_vecspace_unmap(vs, vs->base + i);
		spin_lock(&vs->lock);
		bitmap_copy(vs->map, vs->reserved, vs->count);
		spin_unlock(&vs->lock);
		KUNIT_EXPECT_EQ(test, msi_vecspace_destroy(vs), 0);
	}
	if (t->fwnode)
		irq_domain_free_fwnode(t->fwnode);
}

static int vecspace_test_check_free(struct msi_vecspace *vs, u32 hwvec,
				    unsigned int nvec)
{
	int ret;

	spin_lock(&vs->lock);
	ret = vecspace_check_free(vs, hwvec, nvec);
	spin_unlock(&vs->lock);
	return ret;
}

static bool vecspace_test_busy(struct msi_vecspace *vs)
{
	bool ret;

	spin_lock(&vs->lock);
	ret = vecspace_busy(vs);
	spin_unlock(&vs->lock);
	return ret;
}

static void vecspace_test_alloc_single(struct kunit *test)
{
	struct msi_vecspace *vs = vecspace_test_setup(test, 64, 32);

	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 1), 64);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 1), 65);
	KUNIT_EXPECT_EQ(test, bitmap_weight(vs->map, vs->count), 2);

	msi_vecspace_free(vs, 64, 1);
	msi_vecspace_free(vs, 65, 1);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(vs->map, vs->count));
}

/* Blocks are aligned to their size; with an aligned base, relative too */
static void vecspace_test_alloc_aligned(struct kunit *test)
{
	struct msi_vecspace *vs = vecspace_test_setup(test, 64, 64);

	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 1), 64);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 4), 68);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 2), 66);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 8), 72);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 32), 96);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 16), 80);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 1), 65);
}

/*
 * With a base that is not aligned, blocks are aligned on the absolute
 * vector number, which is the MSI data whose low bits multi-MSI uses.
 * Relative alignment would put the block of 4 at 35 + 4 = 39.
 */
static void vecspace_test_alloc_aligned_absolute(struct kunit *test)
{
	struct msi_vecspace *vs = vecspace_test_setup(test, 35, 64);

	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 1), 35);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 4), 36);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 2), 40);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 8), 48);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 32), 64);
	/* [96, 99) is free, but too small for an aligned block of 32 */
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 32), -ENOSPC);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 4), 44);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 4), 56);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 4), 60);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 4), -ENOSPC);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 2), 42);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 2), 96);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 1), 98);
	KUNIT_EXPECT_TRUE(test, bitmap_full(vs->map, vs->count));
}

static void vecspace_test_alloc_round_up(struct kunit *test)
{
	struct msi_vecspace *vs = vecspace_test_setup(test, 0, 16);

	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 3), 0);
	KUNIT_EXPECT_EQ(test, bitmap_weight(vs->map, vs->count), 4);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 1), 4);

	/* Freeing with the same count frees the whole rounded-up block */
	msi_vecspace_free(vs, 0, 3);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 4), 0);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 5), 8);
	KUNIT_EXPECT_EQ(test, bitmap_weight(vs->map, vs->count), 13);
}

static void vecspace_test_alloc_exhaustion(struct kunit *test)
{
	struct msi_vecspace *vs = vecspace_test_setup(test, 16, 8);
	unsigned long *snap;

	snap = kunit_kzalloc(test, BITS_TO_LONGS(vs->count) * sizeof(long),
			     GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, snap);

	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 8), 16);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 1), -ENOSPC);
	KUNIT_EXPECT_TRUE(test, bitmap_full(vs->map, vs->count));
	msi_vecspace_free(vs, 16, 8);

	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 1), 16);
	bitmap_copy(snap, vs->map, vs->count);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 8), -ENOSPC);
	KUNIT_EXPECT_TRUE(test, bitmap_equal(snap, vs->map, vs->count));

	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 4), 20);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 4), -ENOSPC);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 2), 18);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 1), 17);
	bitmap_copy(snap, vs->map, vs->count);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 1), -ENOSPC);
	KUNIT_EXPECT_TRUE(test, bitmap_equal(snap, vs->map, vs->count));
	KUNIT_EXPECT_TRUE(test, bitmap_full(vs->map, vs->count));
}

static void vecspace_test_fragmentation(struct kunit *test)
{
	struct msi_vecspace *vs = vecspace_test_setup(test, 0, 16);

	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 4), 0);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 4), 4);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 4), 8);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 4), 12);

	/* A hole of 4 in the middle takes a block of 4, not of 8 */
	msi_vecspace_free(vs, 4, 4);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 8), -ENOSPC);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 4), 4);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 1), -ENOSPC);

	/* Smaller blocks fill the hole from its start */
	msi_vecspace_free(vs, 4, 4);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 2), 4);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 1), 6);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 2), -ENOSPC);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 1), 7);

	/* Two adjacent free vectors across an alignment boundary: no pair */
	msi_vecspace_free(vs, 8, 4);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 1), 8);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 1), 9);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 2), 10);
	msi_vecspace_free(vs, 7, 1);
	msi_vecspace_free(vs, 8, 1);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 2), -ENOSPC);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 1), 7);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 1), 8);
	KUNIT_EXPECT_TRUE(test, bitmap_full(vs->map, vs->count));
}

static void vecspace_test_free_realloc(struct kunit *test)
{
	struct msi_vecspace *vs = vecspace_test_setup(test, 32, 64);
	int i;

	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 1), 32);
	for (i = 0; i < 100; i++) {
		KUNIT_ASSERT_EQ(test, msi_vecspace_alloc(vs, 32), 64);
		msi_vecspace_free(vs, 64, 32);
		KUNIT_ASSERT_EQ(test, msi_vecspace_alloc(vs, 1), 33);
		msi_vecspace_free(vs, 33, 1);
	}
	KUNIT_EXPECT_EQ(test, bitmap_weight(vs->map, vs->count), 1);
}

static void vecspace_test_invalid_alloc(struct kunit *test)
{
	struct msi_vecspace *vs = vecspace_test_setup(test, 0, 64);
	const unsigned int max = MSI_VECSPACE_MAX_BLOCK;

	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, max + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, UINT_MAX), -EINVAL);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(vs->map, vs->count));
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, max), 0);
}

/* The checks msi_vecspace_free() warns about instead of freeing */
static void vecspace_test_invalid_free(struct kunit *test)
{
	struct msi_vecspace *vs = vecspace_test_setup(test, 64, 16);

	KUNIT_ASSERT_EQ(test, msi_vecspace_alloc(vs, 4), 64);
	KUNIT_ASSERT_EQ(test, msi_vecspace_alloc(vs, 1), 68);

	KUNIT_EXPECT_EQ(test, vecspace_test_check_free(vs, 64, 4), 0);
	KUNIT_EXPECT_EQ(test, vecspace_test_check_free(vs, 68, 1), 0);

	/* Out of range, in part or entirely */
	KUNIT_EXPECT_EQ(test, vecspace_test_check_free(vs, 0, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, vecspace_test_check_free(vs, 63, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, vecspace_test_check_free(vs, 80, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, vecspace_test_check_free(vs, 76, 8), -EINVAL);
	KUNIT_EXPECT_EQ(test, vecspace_test_check_free(vs, U32_MAX, 1),
			-EINVAL);
	/* Bad counts, or a block that cannot have been allocated */
	KUNIT_EXPECT_EQ(test, vecspace_test_check_free(vs, 64, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vecspace_test_check_free(vs, 64, 33), -EINVAL);
	KUNIT_EXPECT_EQ(test, vecspace_test_check_free(vs, 66, 4), -EINVAL);
	/* Not allocated, or not entirely */
	KUNIT_EXPECT_EQ(test, vecspace_test_check_free(vs, 69, 1), -ENOENT);
	KUNIT_EXPECT_EQ(test, vecspace_test_check_free(vs, 68, 4), -ENOENT);
	KUNIT_EXPECT_EQ(test, vecspace_test_check_free(vs, 64, 8), -ENOENT);

	/* A double free */
	msi_vecspace_free(vs, 68, 1);
	KUNIT_EXPECT_EQ(test, vecspace_test_check_free(vs, 68, 1), -ENOENT);
	KUNIT_EXPECT_EQ(test, bitmap_weight(vs->map, vs->count), 4);
}

static void vecspace_test_invalid_init(struct kunit *test)
{
	const struct irq_domain_ops *ops = &vecspace_test_domain_ops;
	struct msi_vecspace vs = { };

	KUNIT_EXPECT_EQ(test, msi_vecspace_init(&vs, NULL, 0, 0, ops, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, msi_vecspace_init(&vs, NULL, 0, 8, NULL, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, msi_vecspace_init(&vs, NULL, INT_MAX, 2, ops,
						NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, msi_vecspace_init(&vs, NULL, (u32)INT_MAX + 1, 1,
						ops, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, msi_vecspace_init(&vs, NULL, 1, U32_MAX, ops,
						NULL), -EINVAL);
	KUNIT_EXPECT_NULL(test, vs.domain);
	KUNIT_EXPECT_NULL(test, vs.map);
}

/* The last vector that fits an int */
static void vecspace_test_range_limit(struct kunit *test)
{
	struct msi_vecspace *vs = vecspace_test_setup(test, INT_MAX, 1);

	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 2), -ENOSPC);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 1), INT_MAX);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 1), -ENOSPC);
	KUNIT_EXPECT_EQ(test, vecspace_test_check_free(vs, INT_MAX, 1), 0);
	KUNIT_EXPECT_EQ(test, vecspace_test_check_free(vs, (u32)INT_MAX + 1,
						       1), -EINVAL);
	KUNIT_EXPECT_EQ(test, msi_vecspace_find(vs, (u32)INT_MAX + 1), 0);
}

static void vecspace_test_reserve(struct kunit *test)
{
	struct msi_vecspace *vs = vecspace_test_setup(test, 0, 8);

	KUNIT_EXPECT_EQ(test, msi_vecspace_reserve(vs, 1, 2), 0);
	KUNIT_EXPECT_EQ(test, msi_vecspace_reserve(vs, 2, 1), -EBUSY);
	KUNIT_EXPECT_EQ(test, msi_vecspace_reserve(vs, 0, 4), -EBUSY);
	KUNIT_EXPECT_EQ(test, msi_vecspace_reserve(vs, 7, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, msi_vecspace_reserve(vs, 8, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, msi_vecspace_reserve(vs, 4, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, bitmap_weight(vs->map, vs->count), 2);

	/* Allocations go around reserved vectors */
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 2), 4);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 1), 0);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 1), 3);
	KUNIT_EXPECT_EQ(test, msi_vecspace_reserve(vs, 3, 1), -EBUSY);

	/* Reserved vectors are neither freed nor mapped */
	KUNIT_EXPECT_EQ(test, vecspace_test_check_free(vs, 1, 1), -ENOENT);
	KUNIT_EXPECT_EQ(test, vecspace_test_check_free(vs, 0, 2), -ENOENT);
	KUNIT_EXPECT_EQ(test, msi_vecspace_map(vs, 2), -ENOENT);

	/* ... and do not keep the vector space busy */
	msi_vecspace_free(vs, 0, 1);
	msi_vecspace_free(vs, 3, 1);
	KUNIT_EXPECT_TRUE(test, vecspace_test_busy(vs));
	msi_vecspace_free(vs, 4, 2);
	KUNIT_EXPECT_FALSE(test, vecspace_test_busy(vs));
	KUNIT_EXPECT_EQ(test, bitmap_weight(vs->reserved, vs->count), 2);
}

static void vecspace_test_map_unmap(struct kunit *test)
{
	struct msi_vecspace *vs = vecspace_test_setup(test, 100, 8);
	struct vecspace_test *t = test->priv;
	unsigned int virq[4];
	struct irq_data *d;
	int i;

	KUNIT_ASSERT_EQ(test, msi_vecspace_alloc(vs, 4), 100);
	for (i = 0; i < 4; i++) {
		int ret = msi_vecspace_map(vs, 100 + i);

		KUNIT_ASSERT_GT(test, ret, 0);
		virq[i] = ret;
	}
	KUNIT_EXPECT_EQ(test, t->nr_map, 4);
	KUNIT_EXPECT_EQ(test, vs->domain->mapcount, 4);

	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_EQ(test, msi_vecspace_find(vs, 100 + i), virq[i]);
		KUNIT_EXPECT_NE(test, virq[i], virq[(i + 1) % 4]);

		/* The domain's hwirq is relative to the base */
		d = irq_get_irq_data(virq[i]);
		KUNIT_ASSERT_NOT_NULL(test, d);
		KUNIT_EXPECT_PTR_EQ(test, d->domain, vs->domain);
		KUNIT_EXPECT_EQ(test, d->hwirq, i);
		KUNIT_EXPECT_EQ(test, msi_vecspace_hwirq_to_vec(vs, d->hwirq),
				100 + i);
		KUNIT_EXPECT_PTR_EQ(test, irq_get_chip(virq[i]),
				    &dummy_irq_chip);
	}

	/* Mapped already, not allocated, out of range */
	KUNIT_EXPECT_EQ(test, msi_vecspace_map(vs, 101), -EBUSY);
	KUNIT_EXPECT_EQ(test, msi_vecspace_map(vs, 104), -ENOENT);
	KUNIT_EXPECT_EQ(test, msi_vecspace_map(vs, 99), -EINVAL);
	KUNIT_EXPECT_EQ(test, msi_vecspace_map(vs, 108), -EINVAL);
	KUNIT_EXPECT_EQ(test, t->nr_map, 4);

	/* Mapped vectors cannot be freed */
	KUNIT_EXPECT_EQ(test, vecspace_test_check_free(vs, 100, 4), -EBUSY);
	msi_vecspace_unmap(vs, 100);
	msi_vecspace_unmap(vs, 101);
	msi_vecspace_unmap(vs, 103);
	KUNIT_EXPECT_EQ(test, vecspace_test_check_free(vs, 100, 4), -EBUSY);
	msi_vecspace_unmap(vs, 102);
	KUNIT_EXPECT_EQ(test, vecspace_test_check_free(vs, 100, 4), 0);

	/* Unmapping twice is harmless */
	msi_vecspace_unmap(vs, 102);
	KUNIT_EXPECT_EQ(test, t->nr_unmap, 4);
	KUNIT_EXPECT_EQ(test, vs->domain->mapcount, 0);

	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_EQ(test, msi_vecspace_find(vs, 100 + i), 0);
		/* The interrupt descriptor is gone, or at least unmapped */
		d = irq_get_irq_data(virq[i]);
		if (IS_ENABLED(CONFIG_SPARSE_IRQ))
			KUNIT_EXPECT_NULL(test, d);
		else if (d)
			KUNIT_EXPECT_NULL(test, d->domain);
	}

	/* A vector can be mapped again after unmapping */
	virq[0] = msi_vecspace_map(vs, 102);
	KUNIT_EXPECT_GT(test, (int)virq[0], 0);
	KUNIT_EXPECT_EQ(test, msi_vecspace_find(vs, 102), virq[0]);
	msi_vecspace_unmap(vs, 102);

	msi_vecspace_free(vs, 100, 4);
	KUNIT_EXPECT_EQ(test, msi_vecspace_destroy(vs), 0);
	KUNIT_EXPECT_NULL(test, vs->domain);
	t->live = false;
}

static void vecspace_test_find_unmapped(struct kunit *test)
{
	struct msi_vecspace *vs = vecspace_test_setup(test, 100, 8);

	KUNIT_EXPECT_EQ(test, msi_vecspace_find(vs, 100), 0);
	KUNIT_ASSERT_EQ(test, msi_vecspace_alloc(vs, 1), 100);
	KUNIT_EXPECT_EQ(test, msi_vecspace_find(vs, 100), 0);
	KUNIT_EXPECT_EQ(test, msi_vecspace_find(vs, 0), 0);
	KUNIT_EXPECT_EQ(test, msi_vecspace_find(vs, 99), 0);
	KUNIT_EXPECT_EQ(test, msi_vecspace_find(vs, 108), 0);
	KUNIT_EXPECT_EQ(test, msi_vecspace_find(vs, U32_MAX), 0);
}

struct vecspace_test_lookup {
	struct msi_vecspace	*vs;
	u32			hwvec;
	unsigned int		virq;
	bool			hardirq;
	bool			done;
};

static void vecspace_test_lookup_ipi(void *info)
{
	struct vecspace_test_lookup *l = info;

	l->hardirq = in_hardirq();
	l->virq = msi_vecspace_find(l->vs, l->hwvec);
	/* Pairs with the acquires in the test: publish the results first */
	smp_store_release(&l->done, true);
}

/*
 * Look a vector up in hard interrupt context on another CPU while this
 * one holds the allocator lock: the lookup must not wait for the lock.
 */
static void vecspace_test_find_lockless(struct kunit *test)
{
	struct msi_vecspace *vs = vecspace_test_setup(test, 100, 8);
	struct vecspace_test_lookup l = { .vs = vs, .hwvec = 101 };
	bool done_locked;
	ktime_t timeout;
	int virq, cpu;

	KUNIT_ASSERT_EQ(test, msi_vecspace_alloc(vs, 2), 100);
	virq = msi_vecspace_map(vs, 101);
	KUNIT_ASSERT_GT(test, virq, 0);

	spin_lock(&vs->lock);
	cpu = cpumask_any_but(cpu_online_mask, smp_processor_id());
	if (cpu >= nr_cpu_ids) {
		spin_unlock(&vs->lock);
		kunit_skip(test, "needs a second CPU");
	}
	smp_call_function_single(cpu, vecspace_test_lookup_ipi, &l, 0);
	timeout = ktime_add_ms(ktime_get(), 1000);
	/* Acquire: the results of the lookup are valid once done is set */
	while (!smp_load_acquire(&l.done) && ktime_before(ktime_get(), timeout))
		cpu_relax();
	/* Acquire, as above */
	done_locked = smp_load_acquire(&l.done);
	spin_unlock(&vs->lock);

	/* @l is on the stack: let a lookup that did wait finish (acquire) */
	while (!smp_load_acquire(&l.done))
		cpu_relax();

	KUNIT_EXPECT_TRUE_MSG(test, done_locked,
			      "lookup waited for the allocator lock");
	KUNIT_EXPECT_TRUE(test, l.hardirq);
	KUNIT_EXPECT_EQ(test, l.virq, virq);
}

/* What keeps msi_vecspace_destroy() from tearing the domain down */
static void vecspace_test_destroy_busy(struct kunit *test)
{
	struct msi_vecspace *vs = vecspace_test_setup(test, 0, 8);
	struct vecspace_test *t = test->priv;
	unsigned int virq;

	KUNIT_EXPECT_FALSE(test, vecspace_test_busy(vs));
	KUNIT_EXPECT_EQ(test, msi_vecspace_reserve(vs, 0, 1), 0);
	KUNIT_EXPECT_FALSE(test, vecspace_test_busy(vs));

	KUNIT_ASSERT_EQ(test, msi_vecspace_alloc(vs, 1), 1);
	KUNIT_EXPECT_TRUE(test, vecspace_test_busy(vs));
	KUNIT_EXPECT_GT(test, msi_vecspace_map(vs, 1), 0);
	KUNIT_EXPECT_TRUE(test, vecspace_test_busy(vs));
	msi_vecspace_unmap(vs, 1);
	KUNIT_EXPECT_TRUE(test, vecspace_test_busy(vs));
	msi_vecspace_free(vs, 1, 1);
	KUNIT_EXPECT_FALSE(test, vecspace_test_busy(vs));

	/* A mapping made behind the allocator's back counts too */
	virq = irq_create_mapping(vs->domain, 5);
	KUNIT_ASSERT_GT(test, virq, 0);
	KUNIT_EXPECT_TRUE(test, vecspace_test_busy(vs));
	irq_dispose_mapping(virq);
	KUNIT_EXPECT_FALSE(test, vecspace_test_busy(vs));

	KUNIT_EXPECT_EQ(test, msi_vecspace_destroy(vs), 0);
	KUNIT_EXPECT_NULL(test, vs->domain);
	KUNIT_EXPECT_NULL(test, vs->map);
	t->live = false;
}

/* A retired block is never handed out again and does not keep it busy */
static void vecspace_test_retire(struct kunit *test)
{
	struct msi_vecspace *vs = vecspace_test_setup(test, 16, 8);
	int virq;

	KUNIT_ASSERT_EQ(test, msi_vecspace_alloc(vs, 2), 16);
	KUNIT_ASSERT_EQ(test, msi_vecspace_alloc(vs, 1), 18);
	KUNIT_EXPECT_TRUE(test, vecspace_test_busy(vs));

	/* Not while mapped */
	virq = msi_vecspace_map(vs, 18);
	KUNIT_ASSERT_GT(test, virq, 0);
	KUNIT_EXPECT_EQ(test, vecspace_test_check_free(vs, 18, 1), -EBUSY);
	msi_vecspace_unmap(vs, 18);

	msi_vecspace_retire(vs, 18, 1);
	msi_vecspace_retire(vs, 16, 2);
	KUNIT_EXPECT_FALSE(test, vecspace_test_busy(vs));
	KUNIT_EXPECT_EQ(test, bitmap_weight(vs->reserved, vs->count), 3);
	KUNIT_EXPECT_EQ(test, msi_vecspace_map(vs, 18), -ENOENT);
	/* Retired vectors are neither freed nor allocated again */
	KUNIT_EXPECT_EQ(test, vecspace_test_check_free(vs, 18, 1), -ENOENT);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 1), 19);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 4), 20);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(vs, 1), -ENOSPC);
	msi_vecspace_free(vs, 19, 1);
	msi_vecspace_free(vs, 20, 4);
	KUNIT_EXPECT_FALSE(test, vecspace_test_busy(vs));
}

/* A multi-MSI block on consecutive Linux interrupts */
static void vecspace_test_map_block(struct kunit *test)
{
	struct msi_vecspace *vs = vecspace_test_setup(test, 20, 16);
	struct vecspace_test *t = test->priv;
	unsigned int i;
	int hw, virq;

	hw = msi_vecspace_alloc(vs, 4);
	KUNIT_ASSERT_EQ(test, hw, 20);
	KUNIT_EXPECT_EQ(test, msi_vecspace_map_block(vs, hw, 5), -ENOENT);
	KUNIT_EXPECT_EQ(test, msi_vecspace_map_block(vs, 34, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, msi_vecspace_map_block(vs, hw, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, t->nr_map, 0);

	virq = msi_vecspace_map_block(vs, hw, 3);
	KUNIT_ASSERT_GT(test, virq, 0);
	KUNIT_EXPECT_EQ(test, t->nr_map, 3);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, msi_vecspace_find(vs, hw + i), virq + i);
		KUNIT_EXPECT_EQ(test, irqd_to_hwirq(irq_get_irq_data(virq + i)),
				hw - 20 + i);
	}
	KUNIT_EXPECT_EQ(test, msi_vecspace_find(vs, hw + 3), 0);
	KUNIT_EXPECT_EQ(test, msi_vecspace_map_block(vs, hw + 2, 2), -EBUSY);
	KUNIT_EXPECT_EQ(test, msi_vecspace_find(vs, hw + 3), 0);

	for (i = 0; i < 3; i++)
		msi_vecspace_unmap(vs, hw + i);
	KUNIT_EXPECT_EQ(test, t->nr_unmap, 3);
	KUNIT_EXPECT_EQ(test, msi_vecspace_find(vs, hw), 0);
	msi_vecspace_free(vs, hw, 4);
	KUNIT_EXPECT_FALSE(test, vecspace_test_busy(vs));
}

static struct kunit_case vecspace_test_cases[] = {
	KUNIT_CASE(vecspace_test_alloc_single),
	KUNIT_CASE(vecspace_test_alloc_aligned),
	KUNIT_CASE(vecspace_test_alloc_aligned_absolute),
	KUNIT_CASE(vecspace_test_alloc_round_up),
	KUNIT_CASE(vecspace_test_alloc_exhaustion),
	KUNIT_CASE(vecspace_test_fragmentation),
	KUNIT_CASE(vecspace_test_free_realloc),
	KUNIT_CASE(vecspace_test_invalid_alloc),
	KUNIT_CASE(vecspace_test_invalid_free),
	KUNIT_CASE(vecspace_test_invalid_init),
	KUNIT_CASE(vecspace_test_range_limit),
	KUNIT_CASE(vecspace_test_reserve),
	KUNIT_CASE(vecspace_test_retire),
	KUNIT_CASE(vecspace_test_map_unmap),
	KUNIT_CASE(vecspace_test_map_block),
	KUNIT_CASE(vecspace_test_find_unmapped),
	KUNIT_CASE(vecspace_test_find_lockless),
	KUNIT_CASE(vecspace_test_destroy_busy),
	{}
};

static struct kunit_suite vecspace_test_suite = {
	.name = "pci-msi-vecspace",
	.exit = vecspace_test_exit,
	.test_cases = vecspace_test_cases,
};

kunit_test_suite(vecspace_test_suite);
