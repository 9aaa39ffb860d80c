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
#include <linux/irq.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/of.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/hypervisor.h>

#include "msi_sun4v.h"

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
#define HVSIM_LOG		64

struct hvsim_eq {
	unsigned long	ra;
	unsigned long	nentries;
	unsigned long	valid;
	unsigned long	state;
	unsigned long	head;
	unsigned long	tail;
	unsigned int	irq;
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
		unsigned int irq = eq->irq;

		memset(eq, 0, sizeof(*eq));
		eq->irq = irq;
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

static struct kunit_case sun4v_msi_test_cases[] = {
	KUNIT_CASE(hvsim_test_msiq_conf),
	KUNIT_CASE(hvsim_test_msi_log_fault),
	KUNIT_CASE(sun4v_msi_test_parse),
	KUNIT_CASE_PARAM(sun4v_msi_test_parse_missing, hvsim_prop_gen_params),
	KUNIT_CASE_PARAM(sun4v_msi_test_parse_malformed, hvsim_bad_gen_params),
	{}
};

static struct kunit_suite sun4v_msi_test_suite = {
	.name		= "sun4v-msi",
	.test_cases	= sun4v_msi_test_cases,
};

kunit_test_suite(sun4v_msi_test_suite);
