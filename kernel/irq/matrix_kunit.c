// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the irq matrix allocator's naturally aligned blocks
 *
 * Included by kernel/irq/matrix.c, so that the tests can look at the
 * per-CPU maps. Every test works on a private matrix shaped like the
 * x86 vector space (256 bits, allocation from 32 up to 236), never on
 * the one the system runs on. Its CPUs are brought online and offline
 * in the matrix on the CPU itself, as the hotplug code does, with
 * smp_call_function_single(); the CPUs themselves stay online.
 *
 * irq_alloc_matrix() is __init, so the suite runs from the init
 * section, at boot.
 *
 * Copyright (C) 2026 msi-ops maintainers
 */
#include <kunit/test.h>
#include <linux/smp.h>

#define MT_BITS		256
#define MT_START	32
#define MT_END		236
#define MT_CPUS		3

struct matrix_test {
	struct irq_matrix	*m;
	unsigned int		cpu[MT_CPUS];
};

static void matrix_test_online_fn(void *m)
{
	irq_matrix_online(m);
}

static void matrix_test_offline_fn(void *m)
{
	irq_matrix_offline(m);
}

static void matrix_test_set_online(struct kunit *test, struct irq_matrix *m,
				   unsigned int cpu, bool online)
{
	int ret;

	ret = smp_call_function_single(cpu, online ? matrix_test_online_fn :
					    matrix_test_offline_fn, m, true);
	KUNIT_ASSERT_EQ(test, ret, 0);
}

static void matrix_test_free(struct irq_matrix *m)
{
	free_percpu(m->maps);
	kfree(m);
}

static void matrix_test_release(void *data)
{
	matrix_test_free(data);
}

/*
 * A private matrix, optionally with one system bit, online on the first
 * MT_CPUS online CPUs (fewer where fewer are online). A test that needs
 * @ncpus of them is skipped on a machine with fewer.
 */
static void __init matrix_test_init(struct kunit *test, struct matrix_test *t,
				    unsigned int ncpus, int system_bit)
{
	unsigned int cpu, i = 0;
	int ret;

	if (num_online_cpus() < ncpus)
		kunit_skip(test, "needs %u online CPUs, %u online", ncpus,
			   num_online_cpus());
	t->m = irq_alloc_matrix(MT_BITS, MT_START, MT_END);
	KUNIT_ASSERT_NOT_NULL(test, t->m);
	ret = kunit_add_action_or_reset(test, matrix_test_release, t->m);
	KUNIT_ASSERT_EQ(test, ret, 0);

	/* System bits are assigned before any CPU is online, as at boot */
	if (system_bit >= 0)
		irq_matrix_assign_system(t->m, system_bit, false);

	for_each_online_cpu(cpu) {
		if (i == MT_CPUS)
			break;
		t->cpu[i++] = cpu;
		matrix_test_set_online(test, t->m, cpu, true);
	}
}

static struct cpumap *mt_cm(struct matrix_test *t, unsigned int i)
{
	return per_cpu_ptr(t->m->maps, t->cpu[i]);
}

/* Are bits [base, base + num) allocated on CPU @i? */
static bool mt_block_set(struct matrix_test *t, unsigned int i,
			 unsigned int base, unsigned int num)
{
	return find_next_zero_bit(mt_cm(t, i)->alloc_map, base + num, base) >=
	       base + num;
}

/* Blocks are naturally aligned, whatever the first free bit is */
static void __init matrix_block_alignment(struct kunit *test)
{
	static const int expect[] = { 33, 34, 36, 40, 48, 64 };
	struct matrix_test t;
	unsigned int cpu, order;
	int bit;

	matrix_test_init(test, &t, 1, -1);

	/* One single bit first: the lowest free bit is then 33 */
	bit = irq_matrix_alloc(t.m, cpumask_of(t.cpu[0]), false, &cpu);
	KUNIT_ASSERT_EQ(test, bit, MT_START);

	for (order = 0; order < ARRAY_SIZE(expect); order++) {
		bit = irq_matrix_alloc_block(t.m, cpumask_of(t.cpu[0]), order,
					     false, &cpu);
		KUNIT_EXPECT_EQ_MSG(test, bit, expect[order], "order %u", order);
		KUNIT_EXPECT_EQ(test, bit & ((1 << order) - 1), 0);
		KUNIT_EXPECT_EQ(test, cpu, t.cpu[0]);
		if (bit > 0)
			KUNIT_EXPECT_TRUE(test, mt_block_set(&t, 0, bit, 1 << order));
	}

	/* 64 aligned: 64 is taken, 128..191 is free */
	bit = irq_matrix_alloc_block(t.m, cpumask_of(t.cpu[0]), 6, false, &cpu);
	KUNIT_EXPECT_EQ(test, bit, 128);
	/* 128 aligned: 0 is below the allocation range, 128..255 beyond */
	bit = irq_matrix_alloc_block(t.m, cpumask_of(t.cpu[0]), 7, false, &cpu);
	KUNIT_EXPECT_EQ(test, bit, -ENOSPC);
	/* Larger than the allocation range, or no CPU at all */
	bit = irq_matrix_alloc_block(t.m, cpumask_of(t.cpu[0]), 8, false, &cpu);
	KUNIT_EXPECT_EQ(test, bit, -EINVAL);
	bit = irq_matrix_alloc_block(t.m, cpu_none_mask, 0, false, &cpu);
	KUNIT_EXPECT_EQ(test, bit, -EINVAL);
}

/*
 * Enough free bits, but no aligned run of them: the block is refused,
 * a smaller one found; system bits are never part of a block.
 */
static void __init matrix_block_fragmentation(struct kunit *test)
{
	unsigned int cpu, bit, nfree = 0, avail;
	struct matrix_test t;
	struct cpumask msk;
	int ret;

	/* System bit 40 breaks the second 8-aligned run */
	matrix_test_init(test, &t, 2, 40);
	ret = irq_matrix_alloc_block(t.m, cpumask_of(t.cpu[0]), 3, false, &cpu);
	KUNIT_EXPECT_EQ(test, ret, 32);
	ret = irq_matrix_alloc_block(t.m, cpumask_of(t.cpu[0]), 3, false, &cpu);
	KUNIT_EXPECT_EQ(test, ret, 48);
	irq_matrix_free_block(t.m, t.cpu[0], 32, 3, false);
	irq_matrix_free_block(t.m, t.cpu[0], 48, 3, false);

	/* Fill CPU 0, then free bits 2..5 of every 8-aligned run */
	while (irq_matrix_alloc(t.m, cpumask_of(t.cpu[0]), false, &cpu) >= 0)
		;
	KUNIT_ASSERT_EQ(test, mt_cm(&t, 0)->available, 0);
	for (bit = MT_START; bit < MT_END; bit++) {
		if (bit == 40 || bit % 8 < 2 || bit % 8 > 5)
			continue;
		irq_matrix_free(t.m, t.cpu[0], bit, false);
		nfree++;
	}
	avail = mt_cm(&t, 0)->available;
	KUNIT_EXPECT_EQ(test, avail, nfree);

	/* Free runs are 2..5 mod 8: no 4-aligned run of 4 */
	ret = irq_matrix_alloc_block(t.m, cpumask_of(t.cpu[0]), 2, false, &cpu);
	KUNIT_EXPECT_EQ(test, ret, -ENOSPC);
	KUNIT_EXPECT_EQ(test, mt_cm(&t, 0)->available, avail);
	/* 2-aligned pairs exist: 34..35 first */
	ret = irq_matrix_alloc_block(t.m, cpumask_of(t.cpu[0]), 1, false, &cpu);
	KUNIT_EXPECT_EQ(test, ret, 34);
	ret = irq_matrix_alloc_block(t.m, cpumask_of(t.cpu[0]), 1, false, &cpu);
	KUNIT_EXPECT_EQ(test, ret, 36);
	KUNIT_EXPECT_EQ(test, mt_cm(&t, 0)->available, avail - 4);

	/* A mask with another CPU: the block goes there */
	cpumask_clear(&msk);
	cpumask_set_cpu(t.cpu[0], &msk);
	cpumask_set_cpu(t.cpu[1], &msk);
	ret = irq_matrix_alloc_block(t.m, &msk, 2, false, &cpu);
	KUNIT_EXPECT_EQ(test, ret, 32);
	KUNIT_EXPECT_EQ(test, cpu, t.cpu[1]);
}

/*
 * Blocks until none fits, on the CPU with the most available bits; the
 * accounting is back to where it was after the blocks are freed, whole
 * or bit by bit.
 */
static void __init matrix_block_exhaustion(struct kunit *test)
{
	unsigned int cpu, i, n = 0, per_cpu_n[2] = { 0, 0 };
	unsigned int avail, total;
	struct { unsigned int cpu, base; } blk[16];
	struct matrix_test t;
	struct cpumask msk;
	int ret;

	matrix_test_init(test, &t, 3, -1);
	cpumask_clear(&msk);
	cpumask_set_cpu(t.cpu[0], &msk);
	cpumask_set_cpu(t.cpu[1], &msk);
	avail = t.m->global_available;
	total = t.m->total_allocated;

	/* 32-aligned runs of 32 in 32..235: 32, 64, ..., 192 per CPU */
	for (;;) {
		ret = irq_matrix_alloc_block(t.m, &msk, 5, false, &cpu);
		if (ret < 0)
			break;
		KUNIT_ASSERT_LT(test, n, ARRAY_SIZE(blk));
		KUNIT_EXPECT_EQ(test, ret & 31, 0);
		blk[n].cpu = cpu;
		blk[n].base = ret;
		per_cpu_n[cpu == t.cpu[1]]++;
		n++;
	}
	KUNIT_EXPECT_EQ(test, ret, -ENOSPC);
	KUNIT_EXPECT_EQ(test, n, 12);
	/* Most available first: the CPUs take turns */
	KUNIT_EXPECT_EQ(test, per_cpu_n[0], 6);
	KUNIT_EXPECT_EQ(test, per_cpu_n[1], 6);
	KUNIT_EXPECT_EQ(test, t.m->global_available, avail - n * 32);
	KUNIT_EXPECT_EQ(test, t.m->total_allocated, total + n * 32);

	/* 224..235 are left: three blocks of 4 per CPU, then none */
	for (i = 0; i < 6; i++) {
		ret = irq_matrix_alloc_block(t.m, &msk, 2, false, &cpu);
		KUNIT_EXPECT_GE(test, ret, 224);
	}
	ret = irq_matrix_alloc_block(t.m, &msk, 2, false, &cpu);
	KUNIT_EXPECT_EQ(test, ret, -ENOSPC);
	/* Single bits are gone too */
	ret = irq_matrix_alloc(t.m, &msk, false, &cpu);
	KUNIT_EXPECT_EQ(test, ret, -ENOSPC);
	KUNIT_EXPECT_EQ(test, mt_cm(&t, 0)->available, 0);
	KUNIT_EXPECT_EQ(test, mt_cm(&t, 1)->available, 0);
	/* The third CPU is outside the mask and untouched */
	KUNIT_EXPECT_EQ(test, mt_cm(&t, 2)->allocated, 0);

	for (i = 224; i < MT_END; i += 4) {
		irq_matrix_free_block(t.m, t.cpu[0], i, 2, false);
		irq_matrix_free_block(t.m, t.cpu[1], i, 2, false);
	}
	/* Half of the blocks whole, half bit by bit */
	for (i = 0; i < n; i++) {
		unsigned int b;

		if (i & 1) {
			irq_matrix_free_block(t.m, blk[i].cpu, blk[i].base, 5, false);
			continue;
		}
		for (b = 0; b < 32; b++)
			irq_matrix_free(t.m, blk[i].cpu, blk[i].base + b, false);
	}
	KUNIT_EXPECT_EQ(test, t.m->global_available, avail);
	KUNIT_EXPECT_EQ(test, t.m->total_allocated, total);
	KUNIT_EXPECT_EQ(test, mt_cm(&t, 0)->allocated, 0);
	KUNIT_EXPECT_EQ(test, mt_cm(&t, 1)->allocated, 0);
	KUNIT_EXPECT_EQ(test, bitmap_weight(mt_cm(&t, 0)->alloc_map, MT_BITS), 0);
}

/* A managed block is a managed reservation and allocation in one */
static void __init matrix_block_managed(struct kunit *test)
{
	unsigned int cpu, avail, total, cpu_avail;
	struct matrix_test t;
	struct cpumap *cm;
	int base, ret;

	matrix_test_init(test, &t, 2, -1);
	cm = mt_cm(&t, 1);
	avail = t.m->global_available;
	total = t.m->total_allocated;
	cpu_avail = cm->available;

	base = irq_matrix_alloc_block(t.m, cpumask_of(t.cpu[1]), 3, true, &cpu);
	KUNIT_ASSERT_EQ(test, base, 32);
	KUNIT_EXPECT_EQ(test, cpu, t.cpu[1]);
	KUNIT_EXPECT_EQ(test, cm->managed, 8);
	KUNIT_EXPECT_EQ(test, cm->managed_allocated, 8);
	KUNIT_EXPECT_EQ(test, cm->allocated, 8);
	KUNIT_EXPECT_EQ(test, cm->available, cpu_avail - 8);
	KUNIT_EXPECT_EQ(test, t.m->global_available, avail - 8);
	KUNIT_EXPECT_EQ(test, t.m->total_allocated, total + 8);
	KUNIT_EXPECT_EQ(test, bitmap_weight(cm->managed_map, MT_BITS), 8);

	/* No managed reservation is left to allocate from the block */
	ret = irq_matrix_alloc_managed(t.m, cpumask_of(t.cpu[1]), &cpu);
	KUNIT_EXPECT_EQ(test, ret, -ENOSPC);
	/* Regular allocations go around it */
	ret = irq_matrix_alloc(t.m, cpumask_of(t.cpu[1]), false, &cpu);
	KUNIT_EXPECT_EQ(test, ret, 40);
	irq_matrix_free(t.m, t.cpu[1], 40, false);

	/* A managed reservation elsewhere does not feed the block's bits */
	ret = irq_matrix_reserve_managed(t.m, cpumask_of(t.cpu[1]));
	KUNIT_EXPECT_EQ(test, ret, 0);
	ret = irq_matrix_alloc_managed(t.m, cpumask_of(t.cpu[1]), &cpu);
	KUNIT_EXPECT_EQ(test, ret, 40);
	irq_matrix_free(t.m, t.cpu[1], 40, true);
	irq_matrix_remove_managed(t.m, cpumask_of(t.cpu[1]));

	irq_matrix_free_block(t.m, t.cpu[1], base, 3, true);
	KUNIT_EXPECT_EQ(test, cm->managed, 0);
	KUNIT_EXPECT_EQ(test, cm->managed_allocated, 0);
	KUNIT_EXPECT_EQ(test, cm->allocated, 0);
	KUNIT_EXPECT_EQ(test, cm->available, cpu_avail);
	KUNIT_EXPECT_EQ(test, t.m->global_available, avail);
	KUNIT_EXPECT_EQ(test, t.m->total_allocated, total);
	KUNIT_EXPECT_EQ(test, bitmap_weight(cm->managed_map, MT_BITS), 0);
}

/*
 * Offline CPUs get no block; a block freed while its CPU is offline
 * comes back to the global count when the CPU is online again.
 */
static void __init matrix_block_cpu_offline(struct kunit *test)
{
	unsigned int cpu, avail, cpu_avail;
	struct matrix_test t;
	struct cpumask msk;
	int base, ret;

	matrix_test_init(test, &t, 3, -1);
	avail = t.m->global_available;
	cpu_avail = mt_cm(&t, 1)->available;

	matrix_test_set_online(test, t.m, t.cpu[1], false);
	KUNIT_EXPECT_EQ(test, t.m->global_available, avail - cpu_avail);
	ret = irq_matrix_alloc_block(t.m, cpumask_of(t.cpu[1]), 2, false, &cpu);
	KUNIT_EXPECT_EQ(test, ret, -ENOSPC);

	/* CPU 0 is busier than CPU 2, but CPU 1 is offline: CPU 2 */
	ret = irq_matrix_alloc_block(t.m, cpumask_of(t.cpu[0]), 4, false, &cpu);
	KUNIT_EXPECT_EQ(test, ret, 32);
	cpumask_clear(&msk);
	cpumask_set_cpu(t.cpu[0], &msk);
	cpumask_set_cpu(t.cpu[1], &msk);
	cpumask_set_cpu(t.cpu[2], &msk);
	base = irq_matrix_alloc_block(t.m, &msk, 2, false, &cpu);
	KUNIT_EXPECT_EQ(test, base, 32);
	KUNIT_EXPECT_EQ(test, cpu, t.cpu[2]);
	irq_matrix_free_block(t.m, t.cpu[0], 32, 4, false);

	/* The block's CPU goes offline while the block is held */
	matrix_test_set_online(test, t.m, t.cpu[2], false);
	KUNIT_EXPECT_EQ(test, t.m->global_available,
			avail - 2 * cpu_avail);
	irq_matrix_free_block(t.m, t.cpu[2], base, 2, false);
	KUNIT_EXPECT_EQ(test, mt_cm(&t, 2)->available, cpu_avail);
	KUNIT_EXPECT_EQ(test, t.m->global_available, avail - 2 * cpu_avail);
	ret = irq_matrix_alloc_block(t.m, &msk, 2, false, &cpu);
	KUNIT_EXPECT_EQ(test, cpu, t.cpu[0]);
	irq_matrix_free_block(t.m, t.cpu[0], ret, 2, false);

	matrix_test_set_online(test, t.m, t.cpu[1], true);
	matrix_test_set_online(test, t.m, t.cpu[2], true);
	KUNIT_EXPECT_EQ(test, t.m->global_available, avail);
	KUNIT_EXPECT_EQ(test, mt_cm(&t, 2)->allocated, 0);
}

static struct kunit_case __refdata matrix_block_cases[] = {
	KUNIT_CASE(matrix_block_alignment),
	KUNIT_CASE(matrix_block_fragmentation),
	KUNIT_CASE(matrix_block_exhaustion),
	KUNIT_CASE(matrix_block_managed),
	KUNIT_CASE(matrix_block_cpu_offline),
	{}
};

static struct kunit_suite matrix_block_suite = {
	.name		= "irq_matrix_block",
	.test_cases	= matrix_block_cases,
};
kunit_test_init_section_suites(&matrix_block_suite);
