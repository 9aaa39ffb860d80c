// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the sun4v PCI MSI backend, with a simulated hypervisor
 *
 * QEMU has no sun4v hypervisor, and under QEMU sun4u any hypervisor
 * trap is fatal. The backend makes every hypervisor call through its
 * seam (struct sun4v_msi_hv_ops); the tests put the simulation below
 * behind it. It models the VPCI MSI state of one root complex:
 *
 * - per EQ: real address, number of records, valid, state (IDLE or
 *   ERROR), head and tail as byte offsets into the queue;
 * - per MSI number: valid, state (IDLE or DELIVERED), the EQ it is bound
 *   to and its type;
 * - the devinos of the EQs, built into Linux interrupts of a simulated
 *   chip, freed when the test ends;
 * - a log of every call with its arguments and status, and fault
 *   injection: the n-th call of one function returns a given HV_E*.
 *
 * Copyright (C) 2026 msi-ops maintainers
 */

#include <kunit/test.h>
#include <kunit/test-bug.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/msi.h>
#include <linux/msi_ops_kunit.h>
#include <linux/of.h>
#include <linux/page_ref.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/hypervisor.h>

#include "msi_sun4v.h"
#include "../../../drivers/pci/msi/ops_kunit_sim.h"

enum hvsim_fn {
	HVSIM_MSIQ_CONF,
	HVSIM_MSIQ_INFO,
	HVSIM_MSIQ_GETVALID,
	HVSIM_MSIQ_SETVALID,
	HVSIM_MSIQ_GETSTATE,
	HVSIM_MSIQ_SETSTATE,
	HVSIM_MSIQ_GETHEAD,
	HVSIM_MSIQ_SETHEAD,
	HVSIM_MSIQ_GETTAIL,
	HVSIM_MSI_GETVALID,
	HVSIM_MSI_SETVALID,
	HVSIM_MSI_GETMSIQ,
	HVSIM_MSI_SETMSIQ,
	HVSIM_MSI_GETSTATE,
	HVSIM_MSI_SETSTATE,
	HVSIM_BUILD_IRQ,
	HVSIM_NR_FN,
};

static const char * const hvsim_fn_names[HVSIM_NR_FN] = {
	[HVSIM_MSIQ_CONF]	= "msiq_conf",
	[HVSIM_MSIQ_INFO]	= "msiq_info",
	[HVSIM_MSIQ_GETVALID]	= "msiq_getvalid",
	[HVSIM_MSIQ_SETVALID]	= "msiq_setvalid",
	[HVSIM_MSIQ_GETSTATE]	= "msiq_getstate",
	[HVSIM_MSIQ_SETSTATE]	= "msiq_setstate",
	[HVSIM_MSIQ_GETHEAD]	= "msiq_gethead",
	[HVSIM_MSIQ_SETHEAD]	= "msiq_sethead",
	[HVSIM_MSIQ_GETTAIL]	= "msiq_gettail",
	[HVSIM_MSI_GETVALID]	= "msi_getvalid",
	[HVSIM_MSI_SETVALID]	= "msi_setvalid",
	[HVSIM_MSI_GETMSIQ]	= "msi_getmsiq",
	[HVSIM_MSI_SETMSIQ]	= "msi_setmsiq",
	[HVSIM_MSI_GETSTATE]	= "msi_getstate",
	[HVSIM_MSI_SETSTATE]	= "msi_setstate",
	[HVSIM_BUILD_IRQ]	= "build_irq",
};

#define HVSIM_DEVHANDLE		0x7e5
#define HVSIM_EQ_FIRST		2
#define HVSIM_EQS		4
#define HVSIM_EQ_SIZE		8	/* records */
#define HVSIM_DEVINO_FIRST	24
#define HVSIM_MSI_FIRST		32
#define HVSIM_MSIS		64
#define HVSIM_LOG		256

struct hvsim_eq {
	unsigned long	ra;
	unsigned long	nentries;
	unsigned long	valid;
	unsigned long	state;
	unsigned long	head;
	unsigned long	tail;
	unsigned int	irq;
	/* Where the devino interrupts; NULL: CPU 0 */
	const struct cpumask *cpus;
};

struct hvsim_msi {
	unsigned long	valid;
	unsigned long	state;
	bool		bound;
	unsigned long	msiqid;
	unsigned long	type;
};

struct hvsim_call {
	enum hvsim_fn	fn;
	unsigned long	arg[3];
	unsigned long	ret;
};

struct hvsim {
	struct kunit		*test;
	struct sun4v_msi	m;
	struct hvsim_eq		eq[HVSIM_EQS];
	struct hvsim_msi	msi[HVSIM_MSIS];
	/* The call log, and how often each function was called */
	struct hvsim_call	log[HVSIM_LOG];
	unsigned int		nr_log;
	bool			log_lost;
	unsigned int		nr_calls[HVSIM_NR_FN];
	/* Fault injection: call @fault_nth (from 1) of @fault_fn fails */
	enum hvsim_fn		fault_fn;
	unsigned int		fault_nth;
	unsigned long		fault_err;
	/* MSIQ_INFO reports this many records more than configured */
	unsigned long		info_skew;
	unsigned int		nr_eoi;
	/* Devino interrupts raised, messages dropped by the root complex */
	unsigned int		nr_raise;
	unsigned int		nr_dropped;
};

static struct hvsim *hvsim_of(struct sun4v_msi *m)
{
	return m->hv_data;
}

/* Log the call, count it, and say whether it is the one that fails */
static unsigned long hvsim_enter(struct sun4v_msi *m, enum hvsim_fn fn,
				 unsigned long a0, unsigned long a1,
				 unsigned long a2)
{
	struct hvsim *sim = hvsim_of(m);
	unsigned long ret = HV_EOK;

	sim->nr_calls[fn]++;
	if (m->devhandle != HVSIM_DEVHANDLE)
		ret = HV_EINVAL;
	else if (sim->fault_nth && fn == sim->fault_fn &&
		 sim->nr_calls[fn] == sim->fault_nth)
		ret = sim->fault_err;

	if (sim->nr_log < HVSIM_LOG) {
		sim->log[sim->nr_log].fn = fn;
		sim->log[sim->nr_log].arg[0] = a0;
		sim->log[sim->nr_log].arg[1] = a1;
		sim->log[sim->nr_log].arg[2] = a2;
		sim->log[sim->nr_log].ret = ret;
		sim->nr_log++;
	} else {
		sim->log_lost = true;
	}
	return ret;
}

/* The status of the last logged call becomes the simulation's answer */
static unsigned long hvsim_ret(struct hvsim *sim, unsigned long ret)
{
	if (sim->nr_log && sim->nr_log <= HVSIM_LOG)
		sim->log[sim->nr_log - 1].ret = ret;
	return ret;
}

static struct hvsim_eq *hvsim_eq(struct hvsim *sim, unsigned long msiqid)
{
	if (msiqid < HVSIM_EQ_FIRST || msiqid >= HVSIM_EQ_FIRST + HVSIM_EQS)
		return NULL;
	return &sim->eq[msiqid - HVSIM_EQ_FIRST];
}

static struct hvsim_msi *hvsim_msi(struct hvsim *sim, unsigned long msinum)
{
	if (msinum < HVSIM_MSI_FIRST || msinum >= HVSIM_MSI_FIRST + HVSIM_MSIS)
		return NULL;
	return &sim->msi[msinum - HVSIM_MSI_FIRST];
}

static unsigned long sim_msiq_conf(struct sun4v_msi *m, unsigned long msiqid,
				   unsigned long ra, unsigned long nentries)
{
	unsigned long ret = hvsim_enter(m, HVSIM_MSIQ_CONF, msiqid, ra, nentries);
	struct hvsim *sim = hvsim_of(m);
	struct hvsim_eq *eq = hvsim_eq(sim, msiqid);

	if (ret)
		return ret;
	if (!eq)
		return hvsim_ret(sim, HV_EINVAL);
	if (!ra && !nentries) {
		const struct cpumask *cpus = eq->cpus;
		unsigned int irq = eq->irq;

		memset(eq, 0, sizeof(*eq));
		eq->irq = irq;
		eq->cpus = cpus;
		return HV_EOK;
	}
	if (nentries != HVSIM_EQ_SIZE)
		return hvsim_ret(sim, HV_EINVAL);
	if (!ra || !pfn_valid(PHYS_PFN(ra)))
		return hvsim_ret(sim, HV_ENORADDR);
	if (ra & (nentries * SUN4V_MSIQ_REC_SIZE - 1))
		return hvsim_ret(sim, HV_EBADALIGN);
	eq->ra = ra;
	eq->nentries = nentries;
	eq->state = HV_MSIQSTATE_IDLE;
	eq->head = 0;
	eq->tail = 0;
	return HV_EOK;
}

static unsigned long sim_msiq_info(struct sun4v_msi *m, unsigned long msiqid,
				   unsigned long *ra, unsigned long *nentries)
{
	unsigned long ret = hvsim_enter(m, HVSIM_MSIQ_INFO, msiqid, 0, 0);
	struct hvsim *sim = hvsim_of(m);
	struct hvsim_eq *eq = hvsim_eq(sim, msiqid);

	if (ret)
		return ret;
	if (!eq)
		return hvsim_ret(sim, HV_EINVAL);
	*ra = eq->ra;
	*nentries = eq->nentries ? eq->nentries + sim->info_skew : 0;
	return HV_EOK;
}

/* The EQ getters and setters of one field */
static unsigned long sim_msiq_get(struct sun4v_msi *m, enum hvsim_fn fn,
				  unsigned long msiqid, unsigned long *val)
{
	unsigned long ret = hvsim_enter(m, fn, msiqid, 0, 0);
	struct hvsim *sim = hvsim_of(m);
	struct hvsim_eq *eq = hvsim_eq(sim, msiqid);

	if (ret)
		return ret;
	if (!eq)
		return hvsim_ret(sim, HV_EINVAL);
	switch (fn) {
	case HVSIM_MSIQ_GETVALID:
		*val = eq->valid;
		break;
	case HVSIM_MSIQ_GETSTATE:
		*val = eq->state;
		break;
	case HVSIM_MSIQ_GETHEAD:
		*val = eq->head;
		break;
	default:
		*val = eq->tail;
		break;
	}
	return HV_EOK;
}

static unsigned long sim_msiq_set(struct sun4v_msi *m, enum hvsim_fn fn,
				  unsigned long msiqid, unsigned long val)
{
	unsigned long ret = hvsim_enter(m, fn, msiqid, val, 0);
	struct hvsim *sim = hvsim_of(m);
	struct hvsim_eq *eq = hvsim_eq(sim, msiqid);

	if (ret)
		return ret;
	/* Not on an unconfigured EQ */
	if (!eq || !eq->nentries)
		return hvsim_ret(sim, HV_EINVAL);
	switch (fn) {
	case HVSIM_MSIQ_SETVALID:
		if (val != HV_MSIQ_VALID && val != HV_MSIQ_INVALID)
			return hvsim_ret(sim, HV_EINVAL);
		eq->valid = val;
		break;
	case HVSIM_MSIQ_SETSTATE:
		if (val != HV_MSIQSTATE_IDLE && val != HV_MSIQSTATE_ERROR)
			return hvsim_ret(sim, HV_EINVAL);
		eq->state = val;
		break;
	default:
		if (val % SUN4V_MSIQ_REC_SIZE ||
		    val >= eq->nentries * SUN4V_MSIQ_REC_SIZE)
			return hvsim_ret(sim, HV_EINVAL);
		eq->head = val;
		break;
	}
	return HV_EOK;
}

static unsigned long sim_msiq_getvalid(struct sun4v_msi *m,
				       unsigned long msiqid,
				       unsigned long *valid)
{
	return sim_msiq_get(m, HVSIM_MSIQ_GETVALID, msiqid, valid);
}

static unsigned long sim_msiq_setvalid(struct sun4v_msi *m,
				       unsigned long msiqid,
				       unsigned long valid)
{
	return sim_msiq_set(m, HVSIM_MSIQ_SETVALID, msiqid, valid);
}

static unsigned long sim_msiq_getstate(struct sun4v_msi *m,
				       unsigned long msiqid,
				       unsigned long *state)
{
	return sim_msiq_get(m, HVSIM_MSIQ_GETSTATE, msiqid, state);
}

static unsigned long sim_msiq_setstate(struct sun4v_msi *m,
				       unsigned long msiqid,
				       unsigned long state)
{
	return sim_msiq_set(m, HVSIM_MSIQ_SETSTATE, msiqid, state);
}

static unsigned long sim_msiq_gethead(struct sun4v_msi *m,
				      unsigned long msiqid,
				      unsigned long *head)
{
	return sim_msiq_get(m, HVSIM_MSIQ_GETHEAD, msiqid, head);
}

static unsigned long sim_msiq_sethead(struct sun4v_msi *m,
				      unsigned long msiqid,
				      unsigned long head)
{
	return sim_msiq_set(m, HVSIM_MSIQ_SETHEAD, msiqid, head);
}

static unsigned long sim_msiq_gettail(struct sun4v_msi *m,
				      unsigned long msiqid,
				      unsigned long *tail)
{
	return sim_msiq_get(m, HVSIM_MSIQ_GETTAIL, msiqid, tail);
}

static unsigned long sim_msi_getvalid(struct sun4v_msi *m,
				      unsigned long msinum,
				      unsigned long *valid)
{
	unsigned long ret = hvsim_enter(m, HVSIM_MSI_GETVALID, msinum, 0, 0);
	struct hvsim *sim = hvsim_of(m);
	struct hvsim_msi *msi = hvsim_msi(sim, msinum);

	if (ret)
		return ret;
	if (!msi)
		return hvsim_ret(sim, HV_EINVAL);
	*valid = msi->valid;
	return HV_EOK;
}

static unsigned long sim_msi_setvalid(struct sun4v_msi *m,
				      unsigned long msinum,
				      unsigned long valid)
{
	unsigned long ret = hvsim_enter(m, HVSIM_MSI_SETVALID, msinum, valid, 0);
	struct hvsim *sim = hvsim_of(m);
	struct hvsim_msi *msi = hvsim_msi(sim, msinum);

	if (ret)
		return ret;
	if (!msi || (valid != HV_MSIVALID_VALID &&
		     valid != HV_MSIVALID_INVALID))
		return hvsim_ret(sim, HV_EINVAL);
	msi->valid = valid;
	return HV_EOK;
}

static unsigned long sim_msi_getmsiq(struct sun4v_msi *m,
				     unsigned long msinum,
				     unsigned long *msiqid)
{
	unsigned long ret = hvsim_enter(m, HVSIM_MSI_GETMSIQ, msinum, 0, 0);
	struct hvsim *sim = hvsim_of(m);
	struct hvsim_msi *msi = hvsim_msi(sim, msinum);

	if (ret)
		return ret;
	if (!msi || !msi->bound)
		return hvsim_ret(sim, HV_EINVAL);
	*msiqid = msi->msiqid;
	return HV_EOK;
}

static unsigned long sim_msi_setmsiq(struct sun4v_msi *m,
				     unsigned long msinum,
				     unsigned long msiqid,
				     unsigned long msitype)
{
	unsigned long ret = hvsim_enter(m, HVSIM_MSI_SETMSIQ, msinum, msiqid,
					msitype);
	struct hvsim *sim = hvsim_of(m);
	struct hvsim_msi *msi = hvsim_msi(sim, msinum);

	if (ret)
		return ret;
	if (!msi || !hvsim_eq(sim, msiqid) ||
	    (msitype != HV_MSITYPE_MSI32 && msitype != HV_MSITYPE_MSI64))
		return hvsim_ret(sim, HV_EINVAL);
	msi->bound = true;
	msi->msiqid = msiqid;
	msi->type = msitype;
	return HV_EOK;
}

static unsigned long sim_msi_getstate(struct sun4v_msi *m,
				      unsigned long msinum,
				      unsigned long *state)
{
	unsigned long ret = hvsim_enter(m, HVSIM_MSI_GETSTATE, msinum, 0, 0);
	struct hvsim *sim = hvsim_of(m);
	struct hvsim_msi *msi = hvsim_msi(sim, msinum);

	if (ret)
		return ret;
	if (!msi)
		return hvsim_ret(sim, HV_EINVAL);
	*state = msi->state;
	return HV_EOK;
}

static unsigned long sim_msi_setstate(struct sun4v_msi *m,
				      unsigned long msinum,
				      unsigned long state)
{
	unsigned long ret = hvsim_enter(m, HVSIM_MSI_SETSTATE, msinum, state, 0);
	struct hvsim *sim = hvsim_of(m);
	struct hvsim_msi *msi = hvsim_msi(sim, msinum);

	if (ret)
		return ret;
	if (!msi || (state != HV_MSISTATE_IDLE &&
		     state != HV_MSISTATE_DELIVERED))
		return hvsim_ret(sim, HV_EINVAL);
	msi->state = state;
	return HV_EOK;
}

/* The devinos' interrupts: a chip that counts EOIs */
static void hvsim_irq_eoi(struct irq_data *d)
{
	struct hvsim *sim = irq_data_get_irq_chip_data(d);

	sim->nr_eoi++;
}

static void hvsim_irq_noop(struct irq_data *d)
{
}

static struct irq_chip hvsim_irq_chip = {
	.name		= "sun4v-hvsim",
	.irq_mask	= hvsim_irq_noop,
	.irq_unmask	= hvsim_irq_noop,
	.irq_eoi	= hvsim_irq_eoi,
	.flags		= IRQCHIP_ONESHOT_SAFE,
};

static void hvsim_free_irq(void *data)
{
	unsigned int irq = (unsigned long)data;

	irq_set_chip_and_handler(irq, NULL, NULL);
	irq_set_chip_data(irq, NULL);
	irq_free_descs(irq, 1);
}

static unsigned int sim_build_irq(struct sun4v_msi *m, unsigned int devino)
{
	unsigned long ret = hvsim_enter(m, HVSIM_BUILD_IRQ, devino, 0, 0);
	struct hvsim *sim = hvsim_of(m);
	struct hvsim_eq *eq;
	int irq;

	if (ret)
		return 0;
	eq = hvsim_eq(sim, devino - HVSIM_DEVINO_FIRST + HVSIM_EQ_FIRST);
	if (devino < HVSIM_DEVINO_FIRST || !eq) {
		hvsim_ret(sim, HV_EINVAL);
		return 0;
	}
	/* As sun4v_build_irq(): a devino keeps its interrupt */
	if (eq->irq)
		return eq->irq;
	irq = irq_alloc_descs(-1, 1, 1, NUMA_NO_NODE);
	if (irq <= 0) {
		hvsim_ret(sim, HV_EIO);
		return 0;
	}
	irq_set_chip_and_handler(irq, &hvsim_irq_chip, handle_fasteoi_irq);
	irq_set_chip_data(irq, sim);
	if (kunit_add_action_or_reset(sim->test, hvsim_free_irq,
				      (void *)(unsigned long)irq)) {
		hvsim_ret(sim, HV_EIO);
		return 0;
	}
	eq->irq = irq;
	return irq;
}

static const struct cpumask *sim_devino_affinity(struct sun4v_msi *m,
						 unsigned int irq)
{
	struct hvsim *sim = hvsim_of(m);
	unsigned int i;

	for (i = 0; i < HVSIM_EQS; i++) {
		if (sim->eq[i].irq && sim->eq[i].irq == irq)
			return sim->eq[i].cpus ?: cpumask_of(0);
	}
	return NULL;
}

static const struct sun4v_msi_hv_ops hvsim_ops = {
	.msiq_conf	= sim_msiq_conf,
	.msiq_info	= sim_msiq_info,
	.msiq_getvalid	= sim_msiq_getvalid,
	.msiq_setvalid	= sim_msiq_setvalid,
	.msiq_getstate	= sim_msiq_getstate,
	.msiq_setstate	= sim_msiq_setstate,
	.msiq_gethead	= sim_msiq_gethead,
	.msiq_sethead	= sim_msiq_sethead,
	.msiq_gettail	= sim_msiq_gettail,
	.msi_getvalid	= sim_msi_getvalid,
	.msi_setvalid	= sim_msi_setvalid,
	.msi_getmsiq	= sim_msi_getmsiq,
	.msi_setmsiq	= sim_msi_setmsiq,
	.msi_getstate	= sim_msi_getstate,
	.msi_setstate	= sim_msi_setstate,
	.build_irq	= sim_build_irq,
	.devino_affinity = sim_devino_affinity,
};

static struct hvsim *hvsim_create(struct kunit *test)
{
	struct hvsim *sim = kunit_kzalloc(test, sizeof(*sim), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, sim);
	sim->test = test;
	sim->m.name = "kunit-sun4v";
	sim->m.devhandle = HVSIM_DEVHANDLE;
	sim->m.hv = &hvsim_ops;
	sim->m.hv_data = sim;
	return sim;
}

/* Queue memory as the backend allocates it: aligned to its size */
static unsigned long hvsim_queue_ra(struct kunit *test)
{
	void *q = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_ASSERT_TRUE(test, IS_ALIGNED((unsigned long)q, PAGE_SIZE));
	return __pa(q);
}

/* The simulation: EQ configuration as the hypervisor checks it */
static void hvsim_test_msiq_conf(struct kunit *test)
{
	struct hvsim *sim = hvsim_create(test);
	const struct sun4v_msi_hv_ops *hv = sim->m.hv;
	struct sun4v_msi *m = &sim->m;
	unsigned long ra = hvsim_queue_ra(test), got_ra, got_n, val;
	unsigned long qsize = HVSIM_EQ_SIZE * SUN4V_MSIQ_REC_SIZE;

	KUNIT_EXPECT_EQ(test, hv->msiq_conf(m, HVSIM_EQ_FIRST, 0, HVSIM_EQ_SIZE),
			HV_ENORADDR);
	KUNIT_EXPECT_EQ(test, hv->msiq_conf(m, HVSIM_EQ_FIRST, ra + 64,
					    HVSIM_EQ_SIZE), HV_EBADALIGN);
	KUNIT_EXPECT_EQ(test, hv->msiq_conf(m, HVSIM_EQ_FIRST, ra,
					    HVSIM_EQ_SIZE + 1), HV_EINVAL);
	KUNIT_EXPECT_EQ(test, hv->msiq_conf(m, HVSIM_EQ_FIRST - 1, ra,
					    HVSIM_EQ_SIZE), HV_EINVAL);
	/* Nothing on an unconfigured EQ */
	KUNIT_EXPECT_EQ(test, hv->msiq_setvalid(m, HVSIM_EQ_FIRST,
						HV_MSIQ_VALID), HV_EINVAL);

	KUNIT_ASSERT_EQ(test, hv->msiq_conf(m, HVSIM_EQ_FIRST, ra,
					    HVSIM_EQ_SIZE), HV_EOK);
	KUNIT_EXPECT_EQ(test, hv->msiq_info(m, HVSIM_EQ_FIRST, &got_ra, &got_n),
			HV_EOK);
	KUNIT_EXPECT_EQ(test, got_ra, ra);
	KUNIT_EXPECT_EQ(test, got_n, HVSIM_EQ_SIZE);
	KUNIT_EXPECT_EQ(test, hv->msiq_setvalid(m, HVSIM_EQ_FIRST, HV_MSIQ_VALID),
			HV_EOK);
	KUNIT_EXPECT_EQ(test, hv->msiq_getvalid(m, HVSIM_EQ_FIRST, &val), HV_EOK);
	KUNIT_EXPECT_EQ(test, val, HV_MSIQ_VALID);

	/* Head: a multiple of 64 inside the queue */
	KUNIT_EXPECT_EQ(test, hv->msiq_sethead(m, HVSIM_EQ_FIRST, 64), HV_EOK);
	KUNIT_EXPECT_EQ(test, hv->msiq_gethead(m, HVSIM_EQ_FIRST, &val), HV_EOK);
	KUNIT_EXPECT_EQ(test, val, 64);
	KUNIT_EXPECT_EQ(test, hv->msiq_sethead(m, HVSIM_EQ_FIRST, 65), HV_EINVAL);
	KUNIT_EXPECT_EQ(test, hv->msiq_sethead(m, HVSIM_EQ_FIRST, qsize),
			HV_EINVAL);
	KUNIT_EXPECT_EQ(test, hv->msiq_gettail(m, HVSIM_EQ_FIRST, &val), HV_EOK);
	KUNIT_EXPECT_EQ(test, val, 0);
	KUNIT_EXPECT_EQ(test, hv->msiq_setstate(m, HVSIM_EQ_FIRST, 2), HV_EINVAL);

	/* RA 0, 0 entries: unconfigured again */
	KUNIT_EXPECT_EQ(test, hv->msiq_conf(m, HVSIM_EQ_FIRST, 0, 0), HV_EOK);
	KUNIT_EXPECT_EQ(test, hv->msiq_info(m, HVSIM_EQ_FIRST, &got_ra, &got_n),
			HV_EOK);
	KUNIT_EXPECT_EQ(test, got_ra, 0);
	KUNIT_EXPECT_EQ(test, got_n, 0);
	KUNIT_EXPECT_EQ(test, sim->eq[0].valid, HV_MSIQ_INVALID);
}

/* The simulation: MSI routing, the call log and fault injection */
static void hvsim_test_msi_log_fault(struct kunit *test)
{
	struct hvsim *sim = hvsim_create(test);
	const struct sun4v_msi_hv_ops *hv = sim->m.hv;
	struct sun4v_msi *m = &sim->m;
	unsigned long msi = HVSIM_MSI_FIRST + 3, val;
	unsigned int irq;

	KUNIT_EXPECT_EQ(test, hv->msi_getmsiq(m, msi, &val), HV_EINVAL);
	KUNIT_EXPECT_EQ(test, hv->msi_setmsiq(m, msi, HVSIM_EQ_FIRST + 1,
					      HV_MSITYPE_MSI64), HV_EOK);
	KUNIT_EXPECT_EQ(test, hv->msi_getmsiq(m, msi, &val), HV_EOK);
	KUNIT_EXPECT_EQ(test, val, HVSIM_EQ_FIRST + 1);
	KUNIT_EXPECT_EQ(test, sim->msi[3].type, HV_MSITYPE_MSI64);
	/* msiqid and msitype in the order of the VPCI API */
	KUNIT_EXPECT_EQ(test, hv->msi_setmsiq(m, msi, HV_MSITYPE_MSI32,
					      HVSIM_EQ_FIRST), HV_EINVAL);
	KUNIT_EXPECT_EQ(test, hv->msi_setmsiq(m, HVSIM_MSI_FIRST - 1,
					      HVSIM_EQ_FIRST, 0), HV_EINVAL);
	KUNIT_EXPECT_EQ(test, hv->msi_setstate(m, msi, HV_MSISTATE_IDLE), HV_EOK);
	KUNIT_EXPECT_EQ(test, hv->msi_setvalid(m, msi, HV_MSIVALID_VALID), HV_EOK);
	KUNIT_EXPECT_EQ(test, hv->msi_getvalid(m, msi, &val), HV_EOK);
	KUNIT_EXPECT_EQ(test, val, HV_MSIVALID_VALID);
	KUNIT_EXPECT_EQ(test, hv->msi_getstate(m, msi, &val), HV_EOK);
	KUNIT_EXPECT_EQ(test, val, HV_MSISTATE_IDLE);

	/* The log holds every call, arguments in order, with its status */
	KUNIT_ASSERT_EQ(test, sim->nr_log, 9);
	KUNIT_EXPECT_STREQ(test, hvsim_fn_names[sim->log[1].fn], "msi_setmsiq");
	KUNIT_EXPECT_EQ(test, sim->log[1].arg[0], msi);
	KUNIT_EXPECT_EQ(test, sim->log[1].arg[1], HVSIM_EQ_FIRST + 1);
	KUNIT_EXPECT_EQ(test, sim->log[1].arg[2], HV_MSITYPE_MSI64);
	KUNIT_EXPECT_EQ(test, sim->log[0].ret, HV_EINVAL);
	KUNIT_EXPECT_EQ(test, sim->log[3].ret, HV_EINVAL);
	KUNIT_EXPECT_EQ(test, sim->nr_calls[HVSIM_MSI_SETMSIQ], 3);

	/* The 2nd SETVALID from now fails, once, and changes nothing */
	sim->fault_fn = HVSIM_MSI_SETVALID;
	sim->fault_nth = sim->nr_calls[HVSIM_MSI_SETVALID] + 2;
	sim->fault_err = HV_EIO;
	KUNIT_EXPECT_EQ(test, hv->msi_setvalid(m, msi, HV_MSIVALID_INVALID),
			HV_EOK);
	KUNIT_EXPECT_EQ(test, hv->msi_setvalid(m, msi, HV_MSIVALID_VALID),
			HV_EIO);
	KUNIT_EXPECT_EQ(test, sim->msi[3].valid, HV_MSIVALID_INVALID);
	KUNIT_EXPECT_EQ(test, hv->msi_setvalid(m, msi, HV_MSIVALID_VALID),
			HV_EOK);
	KUNIT_EXPECT_EQ(test, sim->log[sim->nr_log - 2].ret, HV_EIO);

	/* Devinos: built once, then found again; failures give 0 */
	irq = hv->build_irq(m, HVSIM_DEVINO_FIRST + 1);
	KUNIT_EXPECT_GT(test, irq, 0);
	KUNIT_EXPECT_EQ(test, hv->build_irq(m, HVSIM_DEVINO_FIRST + 1), irq);
	KUNIT_EXPECT_EQ(test, hv->build_irq(m, HVSIM_DEVINO_FIRST - 1), 0);
	KUNIT_EXPECT_EQ(test, hv->build_irq(m, HVSIM_DEVINO_FIRST + HVSIM_EQS),
			0);
	sim->fault_fn = HVSIM_BUILD_IRQ;
	sim->fault_nth = sim->nr_calls[HVSIM_BUILD_IRQ] + 1;
	sim->fault_err = HV_EINVAL;
	KUNIT_EXPECT_EQ(test, hv->build_irq(m, HVSIM_DEVINO_FIRST), 0);

	/* Another devhandle is another root complex */
	m->devhandle = HVSIM_DEVHANDLE + 1;
	KUNIT_EXPECT_EQ(test, hv->msi_getvalid(m, msi, &val), HV_EINVAL);
	KUNIT_EXPECT_FALSE(test, sim->log_lost);
}

/* Property parsing */

struct hvsim_props {
	u32		eqs;
	u32		eq_size;
	u32		eq_devino[3];
	u32		msi;
	u32		ranges[2];
	u32		mask;
	u32		width;
	u32		addr[6];
	struct property	prop[8];
	struct device_node np;
};

enum { P_EQS, P_EQ_SIZE, P_EQ_DEVINO, P_MSI, P_RANGES, P_MASK, P_WIDTH,
	P_ADDR, P_NR };

static const char * const hvsim_prop_names[P_NR] = {
	[P_EQS]		= "#msi-eqs",
	[P_EQ_SIZE]	= "msi-eq-size",
	[P_EQ_DEVINO]	= "msi-eq-to-devino",
	[P_MSI]		= "#msi",
	[P_RANGES]	= "msi-ranges",
	[P_MASK]	= "msi-data-mask",
	[P_WIDTH]	= "msix-data-width",
	[P_ADDR]	= "msi-address-ranges",
};

/* A firmware node as the simulated root complex's firmware has it */
static struct hvsim_props *hvsim_props(struct kunit *test)
{
	struct hvsim_props *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	void *vals[P_NR];
	int lens[P_NR], i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	p->eqs = HVSIM_EQS;
	p->eq_size = HVSIM_EQ_SIZE;
	p->eq_devino[0] = HVSIM_EQ_FIRST;
	p->eq_devino[1] = HVSIM_EQS;
	p->eq_devino[2] = HVSIM_DEVINO_FIRST;
	p->msi = 256;
	p->ranges[0] = HVSIM_MSI_FIRST;
	p->ranges[1] = HVSIM_MSIS;
	p->mask = 0xff;
	p->width = 32;
	p->addr[0] = 0;
	p->addr[1] = 0x7fff0000;
	p->addr[2] = 0x10000;
	p->addr[3] = 0x3;
	p->addr[4] = 0xffff0000;
	p->addr[5] = 0x10000;

	vals[P_EQS] = &p->eqs;
	lens[P_EQS] = 4;
	vals[P_EQ_SIZE] = &p->eq_size;
	lens[P_EQ_SIZE] = 4;
	vals[P_EQ_DEVINO] = p->eq_devino;
	lens[P_EQ_DEVINO] = 12;
	vals[P_MSI] = &p->msi;
	lens[P_MSI] = 4;
	vals[P_RANGES] = p->ranges;
	lens[P_RANGES] = 8;
	vals[P_MASK] = &p->mask;
	lens[P_MASK] = 4;
	vals[P_WIDTH] = &p->width;
	lens[P_WIDTH] = 4;
	vals[P_ADDR] = p->addr;
	lens[P_ADDR] = 24;
	for (i = 0; i < P_NR; i++) {
		p->prop[i].name = (char *)hvsim_prop_names[i];
		p->prop[i].value = vals[i];
		p->prop[i].length = lens[i];
		p->prop[i].next = i + 1 < P_NR ? &p->prop[i + 1] : NULL;
	}
	p->np.name = "pci";
	p->np.full_name = "pci@kunit";
	p->np.properties = &p->prop[0];
	return p;
}

static void hvsim_props_drop(struct hvsim_props *p, int which)
{
	struct property **pp;

	for (pp = &p->np.properties; *pp; pp = &(*pp)->next) {
		if (*pp == &p->prop[which]) {
			*pp = (*pp)->next;
			return;
		}
	}
}

static void sun4v_msi_test_parse(struct kunit *test)
{
	struct hvsim_props *p = hvsim_props(test);
	struct sun4v_msi_props got;

	KUNIT_ASSERT_EQ(test, sun4v_msi_parse(&p->np, "kunit", &got), 0);
	KUNIT_EXPECT_EQ(test, got.msiq_num, HVSIM_EQS);
	KUNIT_EXPECT_EQ(test, got.msiq_ent_count, HVSIM_EQ_SIZE);
	KUNIT_EXPECT_EQ(test, got.msiq_first, HVSIM_EQ_FIRST);
	KUNIT_EXPECT_EQ(test, got.msiq_first_devino, HVSIM_DEVINO_FIRST);
	KUNIT_EXPECT_EQ(test, got.msi_total, 256);
	KUNIT_EXPECT_EQ(test, got.msi_first, HVSIM_MSI_FIRST);
	KUNIT_EXPECT_EQ(test, got.msi_num, HVSIM_MSIS);
	KUNIT_EXPECT_EQ(test, got.msi_data_mask, 0xff);
	KUNIT_EXPECT_EQ(test, got.msix_data_width, 32);
	KUNIT_EXPECT_EQ(test, got.msi32_start, 0x7fff0000ULL);
	KUNIT_EXPECT_EQ(test, got.msi32_len, 0x10000ULL);
	KUNIT_EXPECT_EQ(test, got.msi64_start, 0x3ffff0000ULL);
	KUNIT_EXPECT_EQ(test, got.msi64_len, 0x10000ULL);

	/* The older name of msi-eq-to-devino */
	p->prop[P_EQ_DEVINO].name = "msi-eq-devino";
	KUNIT_EXPECT_EQ(test, sun4v_msi_parse(&p->np, "kunit", &got), 0);
	KUNIT_EXPECT_EQ(test, got.msiq_first_devino, HVSIM_DEVINO_FIRST);

	/* MSI only */
	p->width = 16;
	KUNIT_EXPECT_EQ(test, sun4v_msi_parse(&p->np, "kunit", &got), 0);
	KUNIT_EXPECT_EQ(test, got.msix_data_width, 16);
}

static void hvsim_prop_desc(const int *which, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", hvsim_prop_names[*which]);
}

static const int hvsim_prop_ids[] = {
	P_EQS, P_EQ_SIZE, P_EQ_DEVINO, P_MSI, P_RANGES, P_MASK, P_WIDTH, P_ADDR,
};

KUNIT_ARRAY_PARAM(hvsim_prop, hvsim_prop_ids, hvsim_prop_desc);

/* Each property missing, or one byte short or long: no MSI */
static void sun4v_msi_test_parse_missing(struct kunit *test)
{
	const int *which = test->param_value;
	struct hvsim_props *p = hvsim_props(test);
	struct sun4v_msi_props got;
	int len = p->prop[*which].length;

	p->prop[*which].length = len - 1;
	KUNIT_EXPECT_EQ(test, sun4v_msi_parse(&p->np, "kunit", &got), -EINVAL);
	p->prop[*which].length = len + 1;
	KUNIT_EXPECT_EQ(test, sun4v_msi_parse(&p->np, "kunit", &got), -EINVAL);
	p->prop[*which].length = len;
	KUNIT_EXPECT_EQ(test, sun4v_msi_parse(&p->np, "kunit", &got), 0);
	hvsim_props_drop(p, *which);
	KUNIT_EXPECT_EQ(test, sun4v_msi_parse(&p->np, "kunit", &got), -ENODEV);
}

struct hvsim_bad {
	const char	*desc;
	int		prop;
	int		word;
	u32		val;
};

/* Values of the right length that the backend cannot use */
static const struct hvsim_bad hvsim_bads[] = {
	{ "no EQs", P_EQS, 0, 0 },
	{ "EQ size 0", P_EQ_SIZE, 0, 0 },
	{ "EQ size 12", P_EQ_SIZE, 0, 12 },
	{ "EQs too big", P_EQ_SIZE, 0, 1U << 31 },
	{ "fewer devinos than EQs", P_EQ_DEVINO, 1, HVSIM_EQS - 1 },
	{ "devinos wrap", P_EQ_DEVINO, 2, 0xfffffffe },
	{ "no MSIs", P_RANGES, 1, 0 },
	{ "MSIs wrap", P_RANGES, 0, 0xffffffe0 },
	{ "mask too narrow", P_MASK, 0, 0x3f },
	{ "width 24", P_WIDTH, 0, 24 },
	{ "no 32-bit window", P_ADDR, 2, 0 },
	{ "32-bit window above 4G", P_ADDR, 0, 1 },
	{ "32-bit window crosses 4G", P_ADDR, 1, 0xffff8000 },
	{ "64-bit window wraps", P_ADDR, 3, 0xffffffff },
};

static void hvsim_bad_desc(const struct hvsim_bad *b, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", b->desc);
}

KUNIT_ARRAY_PARAM(hvsim_bad, hvsim_bads, hvsim_bad_desc);

static void sun4v_msi_test_parse_malformed(struct kunit *test)
{
	const struct hvsim_bad *b = test->param_value;
	struct hvsim_props *p = hvsim_props(test);
	struct sun4v_msi_props got;
	u32 *val = p->prop[b->prop].value;

	val[b->word] = b->val;
	KUNIT_EXPECT_EQ(test, sun4v_msi_parse(&p->np, "kunit", &got), -EINVAL);
}

/* The root complex: MSIs into the backend's own queue memory */

static unsigned long hvsim_qbytes(void)
{
	return HVSIM_EQ_SIZE * SUN4V_MSIQ_REC_SIZE;
}

static struct sun4v_msiq_rec *hvsim_rec(struct hvsim_eq *eq,
					unsigned long off)
{
	return (struct sun4v_msiq_rec *)__va(eq->ra + off);
}

/* Write a record at the tail as the root complex does; false when full */
static bool hvsim_put(struct hvsim_eq *eq, u64 type, u64 data, u64 addr)
{
	unsigned long next = (eq->tail + SUN4V_MSIQ_REC_SIZE) % hvsim_qbytes();
	struct sun4v_msiq_rec *rec;

	if (next == eq->head) {
		eq->state = HV_MSIQSTATE_ERROR;
		return false;
	}
	rec = hvsim_rec(eq, eq->tail);
	memset(rec, 0, sizeof(*rec));
	rec->req_id = 0x0100;
	rec->addr = addr;
	rec->data = data;
	rec->stick = 1;
	/* The type last: it is what makes the record valid */
	wmb();
	WRITE_ONCE(rec->type, type);
	eq->tail = next;
	return true;
}

/* The devino stays pending while the EQ holds records; a bound on loops */
static void hvsim_raise(struct hvsim *sim, struct hvsim_eq *eq)
{
	unsigned int i;

	for (i = 0; i < 4; i++) {
		sim->nr_raise++;
		KUNIT_EXPECT_EQ(sim->test, generic_handle_irq_safe(eq->irq), 0);
		if (eq->head == eq->tail && eq->state != HV_MSIQSTATE_ERROR)
			return;
	}
	KUNIT_FAIL(sim->test, "EQ still has records after %u interrupts", i);
}

/*
 * A device sends MSI @msinum: the root complex drops it unless the MSI
 * is valid, bound, idle and its EQ valid and not in ERROR; otherwise
 * it writes a record, marks the MSI delivered and, with @raise, raises
 * the EQ's devino. Return: the EQ, or NULL if the message was dropped.
 */
static struct hvsim_eq *hvsim_signal(struct hvsim *sim, u32 msinum, bool raise)
{
	struct hvsim_msi *msi = hvsim_msi(sim, msinum);
	struct hvsim_eq *eq;

	if (!msi || !msi->valid || !msi->bound ||
	    msi->state == HV_MSISTATE_DELIVERED)
		goto drop;
	eq = hvsim_eq(sim, msi->msiqid);
	if (!eq || !eq->valid || eq->state == HV_MSIQSTATE_ERROR)
		goto drop;
	if (!hvsim_put(eq, msi->type == HV_MSITYPE_MSI64 ?
		       SUN4V_MSIQ_TYPE_MSI64 : SUN4V_MSIQ_TYPE_MSI32, msinum, 0))
		goto drop;
	msi->state = HV_MSISTATE_DELIVERED;
	if (raise)
		hvsim_raise(sim, eq);
	return eq;
drop:
	sim->nr_dropped++;
	return NULL;
}

static void hvsim_log_reset(struct hvsim *sim)
{
	sim->nr_log = 0;
	sim->log_lost = false;
}

/* Is log entry @i the call @fn with these arguments? */
static void hvsim_expect_call(struct kunit *test, struct hvsim *sim,
			      unsigned int i, enum hvsim_fn fn,
			      unsigned long a0, unsigned long a1,
			      unsigned long a2)
{
	KUNIT_ASSERT_LT(test, i, sim->nr_log);
	KUNIT_EXPECT_STREQ_MSG(test, hvsim_fn_names[sim->log[i].fn],
			       hvsim_fn_names[fn], "call %u", i);
	KUNIT_EXPECT_EQ_MSG(test, sim->log[i].arg[0], a0, "call %u", i);
	KUNIT_EXPECT_EQ_MSG(test, sim->log[i].arg[1], a1, "call %u", i);
	KUNIT_EXPECT_EQ_MSG(test, sim->log[i].arg[2], a2, "call %u", i);
}

/* The backend on a simulated PBM */

struct sun4v_fix {
	struct hvsim		*sim;
	struct sun4v_msi	*m;
	struct ops_sim		*dev;
	struct sun4v_fix_vec {
		struct sun4v_fix	*fix;
		atomic_t		hits;
	} v[SIM_MSIX_VECS];
	/* Run once from the handler of vector 0, with vector 0's number */
	void			(*in_handler)(struct sun4v_fix *fix);
	u32			msi0;
};

static void sun4v_fix_exit(void *data)
{
	struct sun4v_msi *m = data;

	KUNIT_EXPECT_EQ(kunit_get_current_test(), sun4v_msi_exit(m), 0);
}

/* Bring the backend up on the simulated hypervisor; no device yet */
static struct hvsim *sun4v_sim_up(struct kunit *test)
{
	struct hvsim *sim = hvsim_create(test);
	struct hvsim_props *p = hvsim_props(test);

	KUNIT_ASSERT_EQ(test, sun4v_msi_parse(&p->np, "kunit", &sim->m.props), 0);
	KUNIT_ASSERT_EQ(test, sun4v_msi_init(&sim->m), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, sun4v_fix_exit,
							&sim->m), 0);
	return sim;
}

static struct sun4v_fix *sun4v_fix(struct kunit *test)
{
	struct sun4v_fix *fix = kunit_kzalloc(test, sizeof(*fix), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fix);
	fix->sim = sun4v_sim_up(test);
	fix->m = &fix->sim->m;
	fix->dev = ops_sim_create(test, &fix->m->ops);
	return fix;
}

static irqreturn_t sun4v_fix_handler(int irq, void *data)
{
	struct sun4v_fix_vec *v = data;
	struct sun4v_fix *fix = v->fix;

	atomic_inc(&v->hits);
	if (v == &fix->v[0] && fix->in_handler) {
		void (*fn)(struct sun4v_fix *fix) = fix->in_handler;

		fix->in_handler = NULL;
		fn(fix);
	}
	return IRQ_HANDLED;
}

/*
 * The device's handlers; vector i counts in v[i].hits. Freed by the test,
 * or at its end before the device goes.
 */
static void sun4v_fix_free_irqs(void *data)
{
	struct sun4v_fix *fix = data;
	struct pci_dev *pdev = fix->dev->pdev;
	int i, irq;

	for (i = 0; i < SIM_MSIX_VECS; i++) {
		irq = pci_irq_vector(pdev, i);
		if (irq > 0 && irq_has_action(irq))
			free_irq(irq, &fix->v[i]);
	}
}

static void sun4v_fix_request(struct kunit *test, struct sun4v_fix *fix,
			      int nvec)
{
	struct pci_dev *pdev = fix->dev->pdev;
	int i;

	for (i = 0; i < nvec; i++) {
		fix->v[i].fix = fix;
		atomic_set(&fix->v[i].hits, 0);
		KUNIT_ASSERT_EQ(test, request_irq(pci_irq_vector(pdev, i),
						  sun4v_fix_handler, 0,
						  "sun4v-kunit", &fix->v[i]),
				0);
	}
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, sun4v_fix_free_irqs,
							fix), 0);
}

/* The MSI number of vector @nr of the device */
static u32 sun4v_fix_msi(struct sun4v_fix *fix, int nr)
{
	struct irq_data *d = irq_get_irq_data(pci_irq_vector(fix->dev->pdev, nr));

	if (!d)
		return 0;
	return msi_vecspace_hwirq_to_vec(&fix->m->vs, irqd_to_hwirq(d));
}

static unsigned int hvsim_nr_valid_msis(struct hvsim *sim)
{
	unsigned int i, n = 0;

	for (i = 0; i < HVSIM_MSIS; i++)
		n += sim->msi[i].valid == HV_MSIVALID_VALID;
	return n;
}

/* Bring-up: every EQ configured, checked, valid, idle, its devino requested */
static void sun4v_msi_test_bringup(struct kunit *test)
{
	struct hvsim *sim = hvsim_create(test);
	struct hvsim_props *p = hvsim_props(test);
	struct sun4v_msi *m = &sim->m;
	unsigned long ra;
	unsigned int i, n;

	KUNIT_ASSERT_EQ(test, sun4v_msi_parse(&p->np, "kunit", &m->props), 0);
	KUNIT_ASSERT_EQ(test, sun4v_msi_init(m), 0);
	KUNIT_EXPECT_STREQ(test, m->ops.name, "sun4v");
	KUNIT_EXPECT_EQ(test, m->ops.flags,
			(unsigned int)(PCI_MSI_OPS_MSIX | PCI_MSI_OPS_MULTI_MSI |
				       PCI_MSI_OPS_MSIX_ALLOC_DYN));
	KUNIT_EXPECT_FALSE(test, m->ops.flags & PCI_MSI_OPS_FW_OWNS_MSG);

	KUNIT_EXPECT_EQ(test, sim->nr_log, 5 * HVSIM_EQS);
	for (i = 0; i < HVSIM_EQS; i++) {
		struct hvsim_eq *eq = &sim->eq[i];

		ra = __pa(m->eqs[i].recs);
		KUNIT_EXPECT_EQ(test, eq->ra, ra);
		KUNIT_EXPECT_EQ(test, ra % hvsim_qbytes(), 0);
		KUNIT_EXPECT_EQ(test, eq->nentries, HVSIM_EQ_SIZE);
		KUNIT_EXPECT_EQ(test, eq->valid, HV_MSIQ_VALID);
		KUNIT_EXPECT_EQ(test, eq->state, HV_MSIQSTATE_IDLE);
		KUNIT_EXPECT_EQ(test, m->eqs[i].irq, eq->irq);
		KUNIT_EXPECT_TRUE(test, irq_has_action(eq->irq));
		n = 5 * i;
		hvsim_expect_call(test, sim, n, HVSIM_MSIQ_CONF,
				  HVSIM_EQ_FIRST + i, ra, HVSIM_EQ_SIZE);
		hvsim_expect_call(test, sim, n + 1, HVSIM_MSIQ_INFO,
				  HVSIM_EQ_FIRST + i, 0, 0);
		hvsim_expect_call(test, sim, n + 2, HVSIM_BUILD_IRQ,
				  HVSIM_DEVINO_FIRST + i, 0, 0);
		hvsim_expect_call(test, sim, n + 3, HVSIM_MSIQ_SETVALID,
				  HVSIM_EQ_FIRST + i, HV_MSIQ_VALID, 0);
		hvsim_expect_call(test, sim, n + 4, HVSIM_MSIQ_SETSTATE,
				  HVSIM_EQ_FIRST + i, HV_MSIQSTATE_IDLE, 0);
	}

	KUNIT_EXPECT_EQ(test, sun4v_msi_exit(m), 0);
	for (i = 0; i < HVSIM_EQS; i++) {
		KUNIT_EXPECT_EQ(test, sim->eq[i].ra, 0);
		KUNIT_EXPECT_EQ(test, sim->eq[i].nentries, 0);
		KUNIT_EXPECT_EQ(test, sim->eq[i].valid, HV_MSIQ_INVALID);
		KUNIT_EXPECT_FALSE(test, irq_has_action(sim->eq[i].irq));
	}

	/* 16-bit MSI-X data: MSI only */
	p->width = 16;
	KUNIT_ASSERT_EQ(test, sun4v_msi_parse(&p->np, "kunit", &m->props), 0);
	KUNIT_ASSERT_EQ(test, sun4v_msi_init(m), 0);
	KUNIT_EXPECT_EQ(test, m->ops.flags, (unsigned int)PCI_MSI_OPS_MULTI_MSI);
	KUNIT_EXPECT_EQ(test, sun4v_msi_exit(m), 0);
}

struct hvsim_fault {
	const char	*desc;
	enum hvsim_fn	fn;
	unsigned int	nth;
};

static const struct hvsim_fault hvsim_up_faults[] = {
	{ "MSIQ_CONF of the 1st EQ", HVSIM_MSIQ_CONF, 1 },
	{ "MSIQ_CONF of the last EQ", HVSIM_MSIQ_CONF, HVSIM_EQS },
	{ "MSIQ_INFO of the 1st EQ", HVSIM_MSIQ_INFO, 1 },
	{ "MSIQ_INFO of the last EQ", HVSIM_MSIQ_INFO, HVSIM_EQS },
	{ "devino of the 1st EQ", HVSIM_BUILD_IRQ, 1 },
	{ "devino of the 3rd EQ", HVSIM_BUILD_IRQ, 3 },
	{ "MSIQ_SETVALID of the 2nd EQ", HVSIM_MSIQ_SETVALID, 2 },
	{ "MSIQ_SETVALID of the last EQ", HVSIM_MSIQ_SETVALID, HVSIM_EQS },
	{ "MSIQ_SETSTATE of the 1st EQ", HVSIM_MSIQ_SETSTATE, 1 },
	{ "MSIQ_SETSTATE of the last EQ", HVSIM_MSIQ_SETSTATE, HVSIM_EQS },
	{ "MSIQ_INFO wrong size", HVSIM_NR_FN, 0 },
};

static void hvsim_fault_desc(const struct hvsim_fault *f, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", f->desc);
}

KUNIT_ARRAY_PARAM(hvsim_up_fault, hvsim_up_faults, hvsim_fault_desc);

/* Every EQ taken down again: unconfigured, invalid, no handler */
static void hvsim_expect_eqs_down(struct kunit *test, struct hvsim *sim)
{
	unsigned int i;

	for (i = 0; i < HVSIM_EQS; i++) {
		KUNIT_EXPECT_EQ_MSG(test, sim->eq[i].ra, 0, "EQ %u", i);
		KUNIT_EXPECT_EQ_MSG(test, sim->eq[i].nentries, 0, "EQ %u", i);
		KUNIT_EXPECT_EQ_MSG(test, sim->eq[i].valid, HV_MSIQ_INVALID,
				    "EQ %u", i);
		if (sim->eq[i].irq)
			KUNIT_EXPECT_FALSE_MSG(test, irq_has_action(sim->eq[i].irq),
					       "EQ %u", i);
	}
}

/* Any hypervisor error during bring-up: everything undone */
static void sun4v_msi_test_bringup_fault(struct kunit *test)
{
	const struct hvsim_fault *f = test->param_value;
	struct hvsim *sim = hvsim_create(test);
	struct hvsim_props *p = hvsim_props(test);
	struct sun4v_msi *m = &sim->m;

	KUNIT_ASSERT_EQ(test, sun4v_msi_parse(&p->np, "kunit", &m->props), 0);
	if (f->fn == HVSIM_NR_FN) {
		sim->info_skew = 1;
	} else {
		sim->fault_fn = f->fn;
		sim->fault_nth = f->nth;
		sim->fault_err = HV_EIO;
	}
	KUNIT_EXPECT_LT(test, sun4v_msi_init(m), 0);
	KUNIT_EXPECT_NULL(test, m->eqs);
	KUNIT_EXPECT_NULL(test, m->queues);
	hvsim_expect_eqs_down(test, sim);

	/* And it comes up when the hypervisor behaves */
	sim->fault_nth = 0;
	sim->info_skew = 0;
	KUNIT_ASSERT_EQ(test, sun4v_msi_init(m), 0);
	KUNIT_EXPECT_EQ(test, sun4v_msi_exit(m), 0);
	hvsim_expect_eqs_down(test, sim);
}

/*
 * The hypervisor refuses to unconfigure an EQ during the rollback: its
 * queue memory must not be freed, since the EQ may still write there.
 */
static void sun4v_msi_test_bringup_stuck_eq(struct kunit *test)
{
	struct hvsim *sim = hvsim_create(test);
	struct hvsim_props *p = hvsim_props(test);
	struct sun4v_msi *m = &sim->m;
	unsigned long ra;

	KUNIT_ASSERT_EQ(test, sun4v_msi_parse(&p->np, "kunit", &m->props), 0);
	/* EQ 0 fails its check; CONF(0, 0), the 2nd CONF, fails too */
	sim->info_skew = 1;
	sim->fault_fn = HVSIM_MSIQ_CONF;
	sim->fault_nth = 2;
	sim->fault_err = HV_EIO;
	KUNIT_EXPECT_LT(test, sun4v_msi_init(m), 0);
	KUNIT_EXPECT_EQ(test, sim->nr_calls[HVSIM_MSIQ_CONF], 2);
	ra = sim->eq[0].ra;
	KUNIT_ASSERT_NE(test, ra, 0);
	KUNIT_EXPECT_FALSE(test, sim->eq[0].valid);
	/* Still allocated: nobody else gets the memory the EQ points at */
	KUNIT_EXPECT_GE(test, page_ref_count(virt_to_page(__va(ra))), 1);

	/* Clean up as the hypervisor would finally allow */
	sim->fault_nth = 0;
	KUNIT_EXPECT_EQ(test, m->hv->msiq_conf(m, HVSIM_EQ_FIRST, 0, 0), HV_EOK);
	free_pages((unsigned long)__va(ra),
		   get_order(HVSIM_EQS * hvsim_qbytes()));
}

/* Allocation: the exact hypervisor calls and the OS's message */
static void sun4v_msi_test_alloc_msix(struct kunit *test)
{
	struct sun4v_fix *fix = sun4v_fix(test);
	struct hvsim *sim = fix->sim;
	struct pci_dev *pdev = fix->dev->pdev;
	bool eq_used[HVSIM_EQS] = { };
	unsigned int i;
	u32 msi;

	hvsim_log_reset(sim);
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 4, 4, PCI_IRQ_MSIX), 4);
	KUNIT_EXPECT_EQ(test, sim->nr_log, 3 * 4);
	KUNIT_EXPECT_STREQ(test, pci_msi_dev_ops(pdev)->name, "sun4v");
	for (i = 0; i < 4; i++) {
		struct hvsim_msi *hm;

		msi = sun4v_fix_msi(fix, i);
		hm = hvsim_msi(sim, msi);
		KUNIT_ASSERT_NOT_NULL(test, hm);
		KUNIT_EXPECT_EQ(test, hm->valid, HV_MSIVALID_VALID);
		KUNIT_EXPECT_EQ(test, hm->state, HV_MSISTATE_IDLE);
		KUNIT_EXPECT_TRUE(test, hm->bound);
		KUNIT_EXPECT_EQ(test, hm->type, HV_MSITYPE_MSI64);
		KUNIT_ASSERT_NOT_NULL(test, hvsim_eq(sim, hm->msiqid));
		eq_used[hm->msiqid - HVSIM_EQ_FIRST] = true;
		hvsim_expect_call(test, sim, 3 * i, HVSIM_MSI_SETMSIQ, msi,
				  hm->msiqid, HV_MSITYPE_MSI64);
		hvsim_expect_call(test, sim, 3 * i + 1, HVSIM_MSI_SETSTATE, msi,
				  HV_MSISTATE_IDLE, 0);
		hvsim_expect_call(test, sim, 3 * i + 2, HVSIM_MSI_SETVALID, msi,
				  HV_MSIVALID_VALID, 0);
		/* The message: the 64-bit window, the MSI number as data */
		KUNIT_EXPECT_EQ(test, ops_sim_table(fix->dev, i,
						    PCI_MSIX_ENTRY_LOWER_ADDR),
				0xffff0000);
		KUNIT_EXPECT_EQ(test, ops_sim_table(fix->dev, i,
						    PCI_MSIX_ENTRY_UPPER_ADDR), 3);
		KUNIT_EXPECT_EQ(test, ops_sim_table(fix->dev, i,
						    PCI_MSIX_ENTRY_DATA), msi);
	}
	/* Spread over the EQs */
	for (i = 0; i < HVSIM_EQS; i++)
		KUNIT_EXPECT_TRUE_MSG(test, eq_used[i], "EQ %u", i);

	hvsim_log_reset(sim);
	pci_free_irq_vectors(pdev);
	KUNIT_EXPECT_EQ(test, hvsim_nr_valid_msis(sim), 0);
	for (i = 0; i < HVSIM_MSIS; i++)
		KUNIT_EXPECT_EQ(test, sim->msi[i].state, HV_MSISTATE_IDLE);
	for (i = 0; i < sim->nr_log; i += 2) {
		KUNIT_EXPECT_EQ(test, sim->log[i].fn, HVSIM_MSI_SETVALID);
		KUNIT_EXPECT_EQ(test, sim->log[i].arg[1], HV_MSIVALID_INVALID);
		KUNIT_EXPECT_EQ(test, sim->log[i + 1].fn, HVSIM_MSI_SETSTATE);
	}
	ops_sim_expect_clean(test, fix->dev, false);

	/* The numbers are free again: the lowest ones come back */
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSIX), 1);
	KUNIT_EXPECT_EQ(test, sun4v_fix_msi(fix, 0), HVSIM_MSI_FIRST);
	pci_free_irq_vectors(pdev);
}

/* MSI with a 32-bit and a 64-bit capability */
static void sun4v_msi_test_alloc_msi(struct kunit *test)
{
	struct sun4v_fix *fix = sun4v_fix(test);
	struct pci_dev *pdev = fix->dev->pdev;
	struct ops_sim *dev = fix->dev;
	u32 flags, msi;

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI), 1);
	msi = sun4v_fix_msi(fix, 0);
	KUNIT_EXPECT_EQ(test, hvsim_msi(fix->sim, msi)->type, HV_MSITYPE_MSI64);
	KUNIT_EXPECT_EQ(test, ops_sim_get(dev, SIM_MSI_CAP + PCI_MSI_ADDRESS_LO, 4),
			0xffff0000);
	KUNIT_EXPECT_EQ(test, ops_sim_get(dev, SIM_MSI_CAP + PCI_MSI_ADDRESS_HI, 4),
			3);
	KUNIT_EXPECT_EQ(test, ops_sim_get(dev, SIM_MSI_CAP + PCI_MSI_DATA_64, 2),
			msi);
	pci_free_irq_vectors(pdev);

	/* A 32-bit capability: the 32-bit window and MSI32 */
	flags = ops_sim_get(dev, SIM_MSI_CAP + PCI_MSI_FLAGS, 2);
	ops_sim_set(dev, SIM_MSI_CAP + PCI_MSI_FLAGS, 2,
		    flags & ~PCI_MSI_FLAGS_64BIT, 0xffff);
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI), 1);
	msi = sun4v_fix_msi(fix, 0);
	KUNIT_EXPECT_EQ(test, hvsim_msi(fix->sim, msi)->type, HV_MSITYPE_MSI32);
	KUNIT_EXPECT_EQ(test, ops_sim_get(dev, SIM_MSI_CAP + PCI_MSI_ADDRESS_LO, 4),
			0x7fff0000);
	KUNIT_EXPECT_EQ(test, ops_sim_get(dev, SIM_MSI_CAP + PCI_MSI_DATA_32, 2),
			msi);
	pci_free_irq_vectors(pdev);
	KUNIT_EXPECT_EQ(test, hvsim_nr_valid_msis(fix->sim), 0);
}

static const struct hvsim_fault hvsim_alloc_faults[] = {
	{ "MSI_SETMSIQ of the 1st MSI", HVSIM_MSI_SETMSIQ, 1 },
	{ "MSI_SETMSIQ of the 3rd MSI", HVSIM_MSI_SETMSIQ, 3 },
	{ "MSI_SETSTATE of the 1st MSI", HVSIM_MSI_SETSTATE, 1 },
	{ "MSI_SETSTATE of the 4th MSI", HVSIM_MSI_SETSTATE, 4 },
	{ "MSI_SETVALID of the 1st MSI", HVSIM_MSI_SETVALID, 1 },
	{ "MSI_SETVALID of the 2nd MSI", HVSIM_MSI_SETVALID, 2 },
};

KUNIT_ARRAY_PARAM(hvsim_alloc_fault, hvsim_alloc_faults, hvsim_fault_desc);

/* A hypervisor error on any MSI call of ->alloc(): nothing left routed */
static void sun4v_msi_test_alloc_fault(struct kunit *test)
{
	const struct hvsim_fault *f = test->param_value;
	struct sun4v_fix *fix = sun4v_fix(test);
	struct pci_dev *pdev = fix->dev->pdev;
	struct hvsim *sim = fix->sim;
	unsigned int i;

	memset(sim->nr_calls, 0, sizeof(sim->nr_calls));
	sim->fault_fn = f->fn;
	sim->fault_nth = f->nth;
	sim->fault_err = HV_EINVAL;
	KUNIT_EXPECT_LT(test, pci_alloc_irq_vectors(pdev, 4, 4, PCI_IRQ_MSIX), 0);
	KUNIT_EXPECT_EQ(test, hvsim_nr_valid_msis(sim), 0);
	ops_sim_expect_clean(test, fix->dev, false);
	for (i = 0; i < HVSIM_EQS; i++)
		KUNIT_EXPECT_EQ(test, atomic_read(&fix->m->eqs[i].nr_msis), 0);

	/* Every number free again */
	sim->fault_nth = 0;
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 4, 4, PCI_IRQ_MSIX), 4);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, sun4v_fix_msi(fix, i), HVSIM_MSI_FIRST + i);
	pci_free_irq_vectors(pdev);
}

/* ->free() when the hypervisor refuses to invalidate: the number retired */
static void sun4v_msi_test_free_fault(struct kunit *test)
{
	struct sun4v_fix *fix = sun4v_fix(test);
	struct pci_dev *pdev = fix->dev->pdev;
	struct hvsim *sim = fix->sim;

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSIX), 1);
	KUNIT_EXPECT_EQ(test, sun4v_fix_msi(fix, 0), HVSIM_MSI_FIRST);
	sim->fault_fn = HVSIM_MSI_SETVALID;
	sim->fault_nth = sim->nr_calls[HVSIM_MSI_SETVALID] + 1;
	sim->fault_err = HV_EIO;
	pci_free_irq_vectors(pdev);
	/* The Linux side is gone, the number is not given out again */
	ops_sim_expect_clean(test, fix->dev, false);
	KUNIT_EXPECT_EQ(test, hvsim_nr_valid_msis(sim), 1);
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSIX), 1);
	KUNIT_EXPECT_EQ(test, sun4v_fix_msi(fix, 0), HVSIM_MSI_FIRST + 1);
	pci_free_irq_vectors(pdev);
	/* The exit tries again and succeeds (checked by the fixture) */
}

/* MSI-X refused with 16-bit data */
static void sun4v_msi_test_msix_width16(struct kunit *test)
{
	struct hvsim *sim = hvsim_create(test);
	struct hvsim_props *p = hvsim_props(test);
	struct sun4v_msi *m = &sim->m;
	struct ops_sim *dev;

	p->width = 16;
	KUNIT_ASSERT_EQ(test, sun4v_msi_parse(&p->np, "kunit", &m->props), 0);
	KUNIT_ASSERT_EQ(test, sun4v_msi_init(m), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, sun4v_fix_exit, m),
			0);
	dev = ops_sim_create(test, &m->ops);
	hvsim_log_reset(sim);
	KUNIT_EXPECT_LT(test, pci_alloc_irq_vectors(dev->pdev, 1, 1,
						    PCI_IRQ_MSIX), 0);
	KUNIT_EXPECT_EQ(test, sim->nr_log, 0);
	KUNIT_EXPECT_EQ(test, pci_alloc_irq_vectors(dev->pdev, 1, 1,
						    PCI_IRQ_MSI), 1);
	pci_free_irq_vectors(dev->pdev);
}

/* Delivery: a real record in the backend's queue, the real walk */
static void sun4v_msi_test_deliver(struct kunit *test)
{
	struct sun4v_fix *fix = sun4v_fix(test);
	struct pci_dev *pdev = fix->dev->pdev;
	struct hvsim *sim = fix->sim;
	struct hvsim_eq *eq;
	unsigned int eoi;
	u32 msi;

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 2, 2, PCI_IRQ_MSIX), 2);
	sun4v_fix_request(test, fix, 2);
	msi = sun4v_fix_msi(fix, 1);
	eoi = sim->nr_eoi;

	eq = hvsim_signal(sim, msi, true);
	KUNIT_ASSERT_NOT_NULL(test, eq);
	KUNIT_EXPECT_EQ(test, atomic_read(&fix->v[1].hits), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&fix->v[0].hits), 0);
	KUNIT_EXPECT_EQ(test, sim->nr_raise, 1);
	KUNIT_EXPECT_EQ(test, sim->nr_eoi, eoi + 1);
	KUNIT_EXPECT_EQ(test, hvsim_rec(eq, 0)->type, SUN4V_MSIQ_TYPE_NONE);
	KUNIT_EXPECT_EQ(test, eq->head, SUN4V_MSIQ_REC_SIZE);
	KUNIT_EXPECT_EQ(test, eq->head, eq->tail);
	KUNIT_EXPECT_EQ(test, hvsim_msi(sim, msi)->state, HV_MSISTATE_IDLE);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&fix->m->stats.dispatched), 1);

	/* Again: idle, so it is delivered again */
	KUNIT_ASSERT_NOT_NULL(test, hvsim_signal(sim, msi, true));
	KUNIT_EXPECT_EQ(test, atomic_read(&fix->v[1].hits), 2);
	KUNIT_EXPECT_EQ(test, sim->nr_dropped, 0);
}

/* Ring wrap, several records per walk */
static void sun4v_msi_test_wrap(struct kunit *test)
{
	struct sun4v_fix *fix = sun4v_fix(test);
	struct pci_dev *pdev = fix->dev->pdev;
	struct hvsim *sim = fix->sim;
	struct hvsim_eq *eq = NULL;
	unsigned int i;
	u32 msi;

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSIX), 1);
	sun4v_fix_request(test, fix, 1);
	msi = sun4v_fix_msi(fix, 0);
	for (i = 0; i < 6; i++)
		eq = hvsim_signal(sim, msi, true);
	KUNIT_ASSERT_NOT_NULL(test, eq);
	KUNIT_EXPECT_EQ(test, eq->head, 6 * SUN4V_MSIQ_REC_SIZE);
	/* Records in slots 6, 7, 0, 1: the walk wraps */
	for (i = 0; i < 4; i++)
		KUNIT_ASSERT_TRUE(test, hvsim_put(eq, SUN4V_MSIQ_TYPE_MSI64, msi, 0));
	hvsim_raise(sim, eq);
	KUNIT_EXPECT_EQ(test, atomic_read(&fix->v[0].hits), 10);
	KUNIT_EXPECT_EQ(test, eq->head, 2 * SUN4V_MSIQ_REC_SIZE);
	KUNIT_EXPECT_EQ(test, eq->tail, eq->head);
	for (i = 0; i < HVSIM_EQ_SIZE; i++)
		KUNIT_EXPECT_EQ(test, hvsim_rec(eq, i * SUN4V_MSIQ_REC_SIZE)->type,
				SUN4V_MSIQ_TYPE_NONE);
	KUNIT_EXPECT_EQ(test, sim->nr_raise, 7);
}

/* Queue a record for vector 0 again while its handler runs */
static void sun4v_fix_requeue(struct sun4v_fix *fix)
{
	struct hvsim *sim = fix->sim;
	u32 msi = fix->msi0;

	hvsim_put(hvsim_eq(sim, hvsim_msi(sim, msi)->msiqid),
		  SUN4V_MSIQ_TYPE_MSI64, msi, 0);
}

/* A record that arrives during the walk is handled by the same walk */
static void sun4v_msi_test_arrival(struct kunit *test)
{
	struct sun4v_fix *fix = sun4v_fix(test);
	struct pci_dev *pdev = fix->dev->pdev;
	struct hvsim *sim = fix->sim;
	struct hvsim_eq *eq;

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSIX), 1);
	sun4v_fix_request(test, fix, 1);
	fix->msi0 = sun4v_fix_msi(fix, 0);
	fix->in_handler = sun4v_fix_requeue;
	eq = hvsim_signal(sim, fix->msi0, true);
	KUNIT_ASSERT_NOT_NULL(test, eq);
	KUNIT_EXPECT_NULL(test, fix->in_handler);
	KUNIT_EXPECT_EQ(test, atomic_read(&fix->v[0].hits), 2);
	/* One interrupt: the walk read the tail again */
	KUNIT_EXPECT_EQ(test, sim->nr_raise, 1);
	KUNIT_EXPECT_EQ(test, eq->head, 2 * SUN4V_MSIQ_REC_SIZE);
	KUNIT_EXPECT_EQ(test, eq->head, eq->tail);
}

struct hvsim_garbage {
	const char	*desc;
	u64		type;
	u64		data;	/* offset from HVSIM_MSI_FIRST */
	int		stat;
};

enum { G_BAD_TYPE, G_BAD_RANGE, G_UNMAPPED, G_STALE };

static const struct hvsim_garbage hvsim_garbages[] = {
	{ "type 0", SUN4V_MSIQ_TYPE_NONE, 0, G_BAD_TYPE },
	{ "type MSG", SUN4V_MSIQ_TYPE_MSG, 0, G_BAD_TYPE },
	{ "type INTx", SUN4V_MSIQ_TYPE_INTX, 0, G_BAD_TYPE },
	{ "type 0x7", 0x7, 0, G_BAD_TYPE },
	{ "version 1", (1ULL << 32) | SUN4V_MSIQ_TYPE_MSI32, 0, G_BAD_TYPE },
	{ "type 0xff", SUN4V_MSIQ_TYPE_STALE, 0, G_STALE },
	{ "MSI below the range", SUN4V_MSIQ_TYPE_MSI32, -1ULL, G_BAD_RANGE },
	{ "MSI above the range", SUN4V_MSIQ_TYPE_MSI64, HVSIM_MSIS, G_BAD_RANGE },
	{ "MSI 0xffffffff", SUN4V_MSIQ_TYPE_MSI64, 0xffffffffULL - HVSIM_MSI_FIRST,
	  G_BAD_RANGE },
	{ "MSI not allocated", SUN4V_MSIQ_TYPE_MSI32, HVSIM_MSIS - 1, G_UNMAPPED },
};

static void hvsim_garbage_desc(const struct hvsim_garbage *g, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", g->desc);
}

KUNIT_ARRAY_PARAM(hvsim_garbage, hvsim_garbages, hvsim_garbage_desc);

static long sun4v_stat(struct sun4v_msi *m, int which)
{
	switch (which) {
	case G_BAD_TYPE:
		return atomic_long_read(&m->stats.bad_type);
	case G_BAD_RANGE:
		return atomic_long_read(&m->stats.bad_range);
	case G_UNMAPPED:
		return atomic_long_read(&m->stats.unmapped);
	default:
		return atomic_long_read(&m->stats.stale);
	}
}

/*
 * A garbage record ahead of a real one: consumed, counted, not
 * dispatched, and the real one behind it still arrives.
 */
static void sun4v_msi_test_garbage(struct kunit *test)
{
	const struct hvsim_garbage *g = test->param_value;
	struct sun4v_fix *fix = sun4v_fix(test);
	struct pci_dev *pdev = fix->dev->pdev;
	struct hvsim *sim = fix->sim;
	struct sun4v_msi *m = fix->m;
	struct hvsim_eq *eq;
	unsigned int i;
	u32 msi;

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSIX), 1);
	sun4v_fix_request(test, fix, 1);
	msi = sun4v_fix_msi(fix, 0);
	eq = hvsim_eq(sim, hvsim_msi(sim, msi)->msiqid);
	KUNIT_ASSERT_NOT_NULL(test, eq);

	KUNIT_ASSERT_TRUE(test, hvsim_put(eq, g->type,
					  (u64)HVSIM_MSI_FIRST + g->data, 0));
	KUNIT_ASSERT_TRUE(test, hvsim_put(eq, g->type,
					  (u64)HVSIM_MSI_FIRST + g->data, 0));
	hvsim_log_reset(sim);
	KUNIT_ASSERT_NOT_NULL(test, hvsim_signal(sim, msi, true));
	KUNIT_EXPECT_EQ(test, atomic_read(&fix->v[0].hits), 1);
	KUNIT_EXPECT_EQ(test, sun4v_stat(m, g->stat), 2);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&m->stats.dispatched), 1);
	KUNIT_EXPECT_EQ(test, eq->head, 3 * SUN4V_MSIQ_REC_SIZE);
	KUNIT_EXPECT_EQ(test, eq->head, eq->tail);
	KUNIT_EXPECT_EQ(test, sim->nr_raise, 1);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, hvsim_rec(eq, i * SUN4V_MSIQ_REC_SIZE)->type,
				SUN4V_MSIQ_TYPE_NONE);
	/* No hypervisor call with a number that is not the PBM's */
	KUNIT_EXPECT_EQ(test, atomic_long_read(&m->stats.hv_errors), 0);
	for (i = 0; i < sim->nr_log; i++)
		KUNIT_EXPECT_EQ(test, sim->log[i].ret, HV_EOK);
}

/* Overflow: the EQ in ERROR is drained and idle again */
static void sun4v_msi_test_overflow(struct kunit *test)
{
	struct sun4v_fix *fix = sun4v_fix(test);
	struct pci_dev *pdev = fix->dev->pdev;
	struct hvsim *sim = fix->sim;
	struct hvsim_eq *eq;
	unsigned int i;
	u32 msi;

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSIX), 1);
	sun4v_fix_request(test, fix, 1);
	msi = sun4v_fix_msi(fix, 0);
	eq = hvsim_eq(sim, hvsim_msi(sim, msi)->msiqid);
	KUNIT_ASSERT_NOT_NULL(test, eq);

	/* A ring of 8 holds 7; the 8th message overflows it */
	for (i = 0; i < HVSIM_EQ_SIZE - 1; i++)
		KUNIT_ASSERT_TRUE(test, hvsim_put(eq, SUN4V_MSIQ_TYPE_MSI64, msi, 0));
	KUNIT_EXPECT_NULL(test, hvsim_signal(sim, msi, false));
	KUNIT_ASSERT_EQ(test, eq->state, HV_MSIQSTATE_ERROR);
	/* In ERROR the EQ takes nothing */
	KUNIT_EXPECT_NULL(test, hvsim_signal(sim, msi, false));

	hvsim_raise(sim, eq);
	KUNIT_EXPECT_EQ(test, atomic_read(&fix->v[0].hits), HVSIM_EQ_SIZE - 1);
	KUNIT_EXPECT_EQ(test, eq->state, HV_MSIQSTATE_IDLE);
	KUNIT_EXPECT_EQ(test, eq->head, eq->tail);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&fix->m->stats.overflows), 1);

	/* Working again */
	KUNIT_ASSERT_NOT_NULL(test, hvsim_signal(sim, msi, true));
	KUNIT_EXPECT_EQ(test, atomic_read(&fix->v[0].hits), HVSIM_EQ_SIZE);
}

/*
 * Teardown with records pending: the number's next owner never sees
 * them. The records of the first owner are queued but not yet walked
 * when it frees its vector; the number goes to a new vector (MSI now,
 * not MSI-X), and only the new owner's own message reaches it.
 */
static void sun4v_msi_test_teardown_pending(struct kunit *test)
{
	struct sun4v_fix *fix = sun4v_fix(test);
	struct pci_dev *pdev = fix->dev->pdev;
	struct hvsim *sim = fix->sim;
	struct hvsim_eq *eq;
	u32 msi;

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSIX), 1);
	msi = sun4v_fix_msi(fix, 0);
	eq = hvsim_signal(sim, msi, false);
	KUNIT_ASSERT_NOT_NULL(test, eq);
	KUNIT_ASSERT_TRUE(test, hvsim_put(eq, SUN4V_MSIQ_TYPE_MSI64, msi, 0));
	pci_free_irq_vectors(pdev);
	KUNIT_EXPECT_EQ(test, hvsim_msi(sim, msi)->valid, HV_MSIVALID_INVALID);
	KUNIT_EXPECT_EQ(test, hvsim_msi(sim, msi)->state, HV_MSISTATE_IDLE);
	/* Not delivered while invalid */
	KUNIT_EXPECT_NULL(test, hvsim_signal(sim, msi, false));

	/* The next owner of the number */
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI), 1);
	KUNIT_ASSERT_EQ(test, sun4v_fix_msi(fix, 0), msi);
	sun4v_fix_request(test, fix, 1);
	hvsim_raise(sim, eq);
	KUNIT_EXPECT_EQ(test, atomic_read(&fix->v[0].hits), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&fix->m->stats.stale), 2);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&fix->m->stats.dispatched), 0);
	KUNIT_EXPECT_EQ(test, eq->head, eq->tail);

	/* Its own message arrives, once */
	eq = hvsim_signal(sim, msi, true);
	KUNIT_ASSERT_NOT_NULL(test, eq);
	KUNIT_EXPECT_EQ(test, atomic_read(&fix->v[0].hits), 1);
}

/* Restore after reset: the core rewrites the messages, the routing stays */
static void sun4v_msi_test_restore(struct kunit *test)
{
	struct sun4v_fix *fix = sun4v_fix(test);
	struct pci_dev *pdev = fix->dev->pdev;
	struct hvsim *sim = fix->sim;
	unsigned int i;
	u32 msi;

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 2, 2, PCI_IRQ_MSIX), 2);
	/* A function reset clears the table */
	for (i = 0; i < 2; i++) {
		fix->dev->table[i * 4 + 0] = 0;
		fix->dev->table[i * 4 + 1] = 0;
		fix->dev->table[i * 4 + 2] = 0;
	}
	hvsim_log_reset(sim);
	pci_restore_msi_state(pdev);
	KUNIT_EXPECT_EQ(test, sim->nr_log, 0);
	for (i = 0; i < 2; i++) {
		msi = sun4v_fix_msi(fix, i);
		KUNIT_EXPECT_EQ(test, ops_sim_table(fix->dev, i,
						    PCI_MSIX_ENTRY_LOWER_ADDR),
				0xffff0000);
		KUNIT_EXPECT_EQ(test, ops_sim_table(fix->dev, i,
						    PCI_MSIX_ENTRY_UPPER_ADDR), 3);
		KUNIT_EXPECT_EQ(test, ops_sim_table(fix->dev, i,
						    PCI_MSIX_ENTRY_DATA), msi);
		KUNIT_EXPECT_EQ(test, hvsim_msi(sim, msi)->valid,
				HV_MSIVALID_VALID);
	}
	pci_free_irq_vectors(pdev);
}

/*
 * Multi-MSI: 3 messages take an aligned block of 4 numbers, on the
 * absolute number; the 4th is reserved but not routed, so that the
 * device cannot reach a neighbour; consecutive Linux interrupts.
 */
static void sun4v_msi_test_multi_msi(struct kunit *test)
{
	struct sun4v_fix *fix = sun4v_fix(test);
	struct pci_dev *pdev = fix->dev->pdev;
	struct ops_sim *dev = fix->dev;
	struct hvsim *sim = fix->sim;
	struct sun4v_msi *m = fix->m;
	int i, irq0, other[4];
	u32 msi;

	/* Another device holds the first number */
	other[0] = msi_vecspace_alloc(&m->vs, 1);
	KUNIT_ASSERT_EQ(test, other[0], HVSIM_MSI_FIRST);

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 3, 3, PCI_IRQ_MSI), 3);
	sun4v_fix_request(test, fix, 3);
	msi = sun4v_fix_msi(fix, 0);
	KUNIT_EXPECT_EQ(test, msi, HVSIM_MSI_FIRST + 4);
	KUNIT_EXPECT_EQ(test, ops_sim_get(dev, SIM_MSI_CAP + PCI_MSI_DATA_64, 2),
			msi);
	/* Multiple Message Enable: 4 */
	KUNIT_EXPECT_EQ(test, (ops_sim_get(dev, SIM_MSI_CAP + PCI_MSI_FLAGS, 2) &
			       PCI_MSI_FLAGS_QSIZE) >> 4, 2);
	irq0 = pci_irq_vector(pdev, 0);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, pci_irq_vector(pdev, i), irq0 + i);
		KUNIT_EXPECT_EQ(test, sun4v_fix_msi(fix, i), msi + i);
		KUNIT_EXPECT_EQ(test, hvsim_msi(sim, msi + i)->valid,
				HV_MSIVALID_VALID);
	}
	KUNIT_EXPECT_EQ(test, hvsim_msi(sim, msi + 3)->valid, HV_MSIVALID_INVALID);
	KUNIT_EXPECT_EQ(test, hvsim_nr_valid_msis(sim), 3);

	/* The 3rd message reaches the 3rd handler; the 4th number nothing */
	KUNIT_ASSERT_NOT_NULL(test, hvsim_signal(sim, msi + 2, true));
	KUNIT_EXPECT_EQ(test, atomic_read(&fix->v[2].hits), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&fix->v[0].hits), 0);
	KUNIT_EXPECT_NULL(test, hvsim_signal(sim, msi + 3, true));

	/* The whole block is taken: singles go around it */
	for (i = 1; i < 4; i++) {
		other[i] = msi_vecspace_alloc(&m->vs, 1);
		KUNIT_EXPECT_EQ(test, other[i], HVSIM_MSI_FIRST + i);
	}
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(&m->vs, 1), HVSIM_MSI_FIRST + 8);
	msi_vecspace_free(&m->vs, HVSIM_MSI_FIRST + 8, 1);

	sun4v_fix_free_irqs(fix);
	pci_free_irq_vectors(pdev);
	KUNIT_EXPECT_EQ(test, hvsim_nr_valid_msis(sim), 0);
	KUNIT_EXPECT_EQ(test, msi_vecspace_alloc(&m->vs, 4), msi);
	msi_vecspace_free(&m->vs, msi, 4);
	for (i = 0; i < 4; i++)
		msi_vecspace_free(&m->vs, other[i], 1);
}

/*
 * Affinity: the MSI moves to the EQ whose devino targets the wanted CPU,
 * with a record in flight on the old EQ, which is not lost; with no such
 * EQ nothing changes; a record left on the old EQ is still quarantined
 * at teardown.
 */
static void sun4v_msi_test_affinity(struct kunit *test)
{
	struct sun4v_fix *fix = sun4v_fix(test);
	struct pci_dev *pdev = fix->dev->pdev;
	struct hvsim *sim = fix->sim;
	struct sun4v_msi *m = fix->m;
	struct hvsim_eq *old, *eq;
	unsigned int i, target;
	int irq;
	u32 msi;

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSIX), 1);
	sun4v_fix_request(test, fix, 1);
	irq = pci_irq_vector(pdev, 0);
	msi = sun4v_fix_msi(fix, 0);
	old = hvsim_eq(sim, hvsim_msi(sim, msi)->msiqid);
	KUNIT_ASSERT_NOT_NULL(test, old);
	target = (old - sim->eq + 2) % HVSIM_EQS;

	/* In flight: queued on the old EQ, the MSI delivered */
	KUNIT_ASSERT_PTR_EQ(test, hvsim_signal(sim, msi, false), old);

	/* Only EQ "target" interrupts CPU 0, the others CPUs not asked for */
	for (i = 0; i < HVSIM_EQS; i++)
		sim->eq[i].cpus = i == target ? cpumask_of(0) : cpu_none_mask;
	hvsim_log_reset(sim);
	KUNIT_EXPECT_EQ(test, irq_set_affinity(irq, cpumask_of(0)), 0);
	KUNIT_ASSERT_EQ(test, sim->nr_log, 1);
	hvsim_expect_call(test, sim, 0, HVSIM_MSI_SETMSIQ, msi,
			  HVSIM_EQ_FIRST + target, HV_MSITYPE_MSI64);
	KUNIT_EXPECT_EQ(test, hvsim_msi(sim, msi)->msiqid, HVSIM_EQ_FIRST + target);
	KUNIT_EXPECT_EQ(test, hvsim_msi(sim, msi)->valid, HV_MSIVALID_VALID);
	KUNIT_EXPECT_EQ(test, atomic_read(&m->eqs[target].nr_msis), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&m->eqs[old - sim->eq].nr_msis), 0);

	/* The old EQ still delivers what it holds */
	KUNIT_EXPECT_EQ(test, atomic_read(&fix->v[0].hits), 0);
	hvsim_raise(sim, old);
	KUNIT_EXPECT_EQ(test, atomic_read(&fix->v[0].hits), 1);
	KUNIT_EXPECT_EQ(test, hvsim_msi(sim, msi)->state, HV_MSISTATE_IDLE);

	/* New messages go to the new EQ */
	eq = hvsim_signal(sim, msi, true);
	KUNIT_EXPECT_PTR_EQ(test, eq, &sim->eq[target]);
	KUNIT_EXPECT_EQ(test, atomic_read(&fix->v[0].hits), 2);

	/* No EQ interrupts CPU 0 only: refused, nothing changes */
	sim->eq[target].cpus = cpu_none_mask;
	hvsim_log_reset(sim);
	KUNIT_EXPECT_LT(test, irq_set_affinity(irq, cpumask_of(0)), 0);
	KUNIT_EXPECT_EQ(test, sim->nr_log, 0);
	KUNIT_EXPECT_EQ(test, hvsim_msi(sim, msi)->msiqid, HVSIM_EQ_FIRST + target);

	/* A record that reached the old EQ before the move: quarantined */
	KUNIT_ASSERT_TRUE(test, hvsim_put(old, SUN4V_MSIQ_TYPE_MSI64, msi, 0));
	sun4v_fix_free_irqs(fix);
	pci_free_irq_vectors(pdev);
	hvsim_raise(sim, old);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&m->stats.stale), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&fix->v[0].hits), 2);
}

/* Dynamic MSI-X: one more vector on an enabled table, and back */
static void sun4v_msi_test_msix_dyn(struct kunit *test)
{
	struct sun4v_fix *fix = sun4v_fix(test);
	struct pci_dev *pdev = fix->dev->pdev;
	struct hvsim *sim = fix->sim;
	struct msi_map map;
	u32 msi;

	KUNIT_ASSERT_TRUE(test, pci_msix_can_alloc_dyn(pdev));
	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSIX), 1);
	map = pci_msix_alloc_irq_at(pdev, MSI_ANY_INDEX, NULL);
	KUNIT_ASSERT_GT(test, map.virq, 0);
	KUNIT_EXPECT_EQ(test, map.index, 1);
	msi = sun4v_fix_msi(fix, 1);
	KUNIT_EXPECT_EQ(test, msi, HVSIM_MSI_FIRST + 1);
	KUNIT_EXPECT_EQ(test, hvsim_msi(sim, msi)->valid, HV_MSIVALID_VALID);
	KUNIT_EXPECT_EQ(test, ops_sim_table(fix->dev, 1, PCI_MSIX_ENTRY_DATA), msi);

	pci_msix_free_irq(pdev, map);
	KUNIT_EXPECT_EQ(test, hvsim_msi(sim, msi)->valid, HV_MSIVALID_INVALID);
	KUNIT_EXPECT_EQ(test, hvsim_nr_valid_msis(sim), 1);
	pci_free_irq_vectors(pdev);
	KUNIT_EXPECT_EQ(test, hvsim_nr_valid_msis(sim), 0);
}

/* debugfs: MSI number, EQ, devino and interrupts per vector; counters */
static void sun4v_msi_test_debugfs(struct kunit *test)
{
	struct sun4v_fix *fix = sun4v_fix(test);
	struct pci_dev *pdev = fix->dev->pdev;
	struct hvsim *sim = fix->sim;
	struct seq_file sf = { };
	char *buf, line[64];
	struct hvsim_msi *hm;
	unsigned int i;
	u32 msi;

	buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	sf.buf = buf;
	sf.size = PAGE_SIZE;
	sf.private = fix->m;

	KUNIT_ASSERT_EQ(test, pci_alloc_irq_vectors(pdev, 2, 2, PCI_IRQ_MSIX), 2);
	KUNIT_EXPECT_EQ(test, sun4v_msi_vectors_show(&sf, NULL), 0);
	KUNIT_EXPECT_EQ(test, strncmp(buf, "msi eq devino irq eq_irq\n", 25), 0);
	for (i = 0; i < 2; i++) {
		msi = sun4v_fix_msi(fix, i);
		hm = hvsim_msi(sim, msi);
		snprintf(line, sizeof(line), "\n%u %lu %lu %d %u\n", msi,
			 hm->msiqid,
			 hm->msiqid - HVSIM_EQ_FIRST + HVSIM_DEVINO_FIRST,
			 pci_irq_vector(pdev, i),
			 sim->eq[hm->msiqid - HVSIM_EQ_FIRST].irq);
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(buf, line), "%s in %s",
					  line, buf);
	}

	/* Freed numbers are gone */
	pci_free_irq_vectors(pdev);
	memset(buf, 0, PAGE_SIZE);
	sf.count = 0;
	KUNIT_EXPECT_EQ(test, sun4v_msi_vectors_show(&sf, NULL), 0);
	KUNIT_EXPECT_STREQ(test, buf, "msi eq devino irq eq_irq\n");

	memset(buf, 0, PAGE_SIZE);
	sf.count = 0;
	atomic_long_set(&fix->m->stats.stale, 3);
	KUNIT_EXPECT_EQ(test, sun4v_msi_stats_show(&sf, NULL), 0);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "\nstale 3\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "dispatched 0\n"));
}

/*
 * The backend under the core's conformance suite, on a simulated
 * hypervisor of its own: the suite's device is created with the ops of
 * this PBM before setup brings the PBM up.
 */
static struct hvsim sun4v_conf_sim = {
	.m.ops = {
		.name	= "sun4v",
		.flags	= PCI_MSI_OPS_MSIX | PCI_MSI_OPS_MULTI_MSI |
			  PCI_MSI_OPS_MSIX_ALLOC_DYN,
		.check	= sun4v_msi_check,
		.alloc	= sun4v_msi_alloc,
		.free	= sun4v_msi_free,
		.alloc_at = sun4v_msi_alloc_at,
		.free_at = sun4v_msi_free_at,
	},
};

static void sun4v_conf_exit(void *data)
{
	struct hvsim *sim = data;

	KUNIT_EXPECT_EQ(sim->test, sun4v_msi_exit(&sim->m), 0);
	sim->test = NULL;
}

static int sun4v_conf_setup(struct kunit *test, struct pci_dev *pdev)
{
	struct hvsim *sim = &sun4v_conf_sim;
	struct hvsim_props *p = hvsim_props(test);
	struct pci_msi_ops ops = sim->m.ops;
	int ret;

	if (sim->test)
		return -EBUSY;
	memset(sim, 0, sizeof(*sim));
	sim->m.ops = ops;
	sim->test = test;
	sim->m.name = "kunit-sun4v-conf";
	sim->m.devhandle = HVSIM_DEVHANDLE;
	sim->m.hv = &hvsim_ops;
	sim->m.hv_data = sim;
	ret = sun4v_msi_parse(&p->np, "kunit", &sim->m.props);
	if (!ret)
		ret = sun4v_msi_init(&sim->m);
	if (ret) {
		sim->test = NULL;
		return ret;
	}
	return kunit_add_action_or_reset(test, sun4v_conf_exit, sim);
}

static long sun4v_conf_held(struct pci_dev *pdev)
{
	struct hvsim *sim = &sun4v_conf_sim;

	return sim->test ? hvsim_nr_valid_msis(sim) : 0;
}

/* At most @n MSI numbers from now on: the others reserved */
static int sun4v_conf_limit(struct kunit *test, struct pci_dev *pdev,
			    unsigned int n)
{
	struct sun4v_msi *m = &sun4v_conf_sim.m;

	if (n >= HVSIM_MSIS)
		return 0;
	return msi_vecspace_reserve(&m->vs, HVSIM_MSI_FIRST + n,
				    HVSIM_MSIS - n);
}

static struct pci_msi_conformance sun4v_msi_conformance = {
	.name	= "sun4v",
	.ops	= &sun4v_conf_sim.m.ops,
	.setup	= sun4v_conf_setup,
	.held	= sun4v_conf_held,
	.limit	= sun4v_conf_limit,
};

PCI_MSI_CONFORMANCE(sun4v_msi_conformance);

static struct kunit_case sun4v_msi_test_cases[] = {
	KUNIT_CASE(hvsim_test_msiq_conf),
	KUNIT_CASE(hvsim_test_msi_log_fault),
	KUNIT_CASE(sun4v_msi_test_parse),
	KUNIT_CASE_PARAM(sun4v_msi_test_parse_missing, hvsim_prop_gen_params),
	KUNIT_CASE_PARAM(sun4v_msi_test_parse_malformed, hvsim_bad_gen_params),
	KUNIT_CASE(sun4v_msi_test_bringup),
	KUNIT_CASE_PARAM(sun4v_msi_test_bringup_fault, hvsim_up_fault_gen_params),
	KUNIT_CASE(sun4v_msi_test_bringup_stuck_eq),
	KUNIT_CASE(sun4v_msi_test_alloc_msix),
	KUNIT_CASE(sun4v_msi_test_alloc_msi),
	KUNIT_CASE_PARAM(sun4v_msi_test_alloc_fault, hvsim_alloc_fault_gen_params),
	KUNIT_CASE(sun4v_msi_test_free_fault),
	KUNIT_CASE(sun4v_msi_test_msix_width16),
	KUNIT_CASE(sun4v_msi_test_deliver),
	KUNIT_CASE(sun4v_msi_test_wrap),
	KUNIT_CASE(sun4v_msi_test_arrival),
	KUNIT_CASE_PARAM(sun4v_msi_test_garbage, hvsim_garbage_gen_params),
	KUNIT_CASE(sun4v_msi_test_overflow),
	KUNIT_CASE(sun4v_msi_test_teardown_pending),
	KUNIT_CASE(sun4v_msi_test_restore),
	KUNIT_CASE(sun4v_msi_test_debugfs),
	KUNIT_CASE(sun4v_msi_test_multi_msi),
	KUNIT_CASE(sun4v_msi_test_affinity),
	KUNIT_CASE(sun4v_msi_test_msix_dyn),
	{}
};

static struct kunit_suite sun4v_msi_test_suite = {
	.name		= "sun4v-msi",
	.test_cases	= sun4v_msi_test_cases,
};

kunit_test_suite(sun4v_msi_test_suite);
