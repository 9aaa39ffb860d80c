// SPDX-License-Identifier: GPL-2.0
/*
 * sun4v PCI MSI backend
 *
 * On sun4v the MSIs of a PCIe root complex are numbered per root
 * complex. The OS composes a device's message itself (the address from
 * the PBM's MSI window, the data the MSI number) and writes it into the
 * device; the hypervisor owns the routing: which event queue (EQ) an MSI
 * number goes to, whether it is valid, and the EQs themselves. An EQ
 * interrupts on a devino, which sun4v_build_irq() turns into a Linux
 * interrupt.
 *
 * Per PBM the backend holds:
 *
 * - a &struct msi_vecspace over the PBM's ``msi-ranges``: MSI numbers
 *   are allocated from it and each maps to a Linux interrupt of its
 *   linear irq domain, whose reverse map is the O(1) lookup of the EQ
 *   interrupt handler;
 * - its EQs: one block of queue memory, each EQ configured at the
 *   hypervisor, made valid and idle, and its devino built into a Linux
 *   interrupt whose handler walks the queue. Bring-up is undone
 *   completely on any error, and queue memory that the hypervisor may
 *   still point at is never freed;
 * - the routing of each allocated MSI number: bound to an EQ (MSI32 or
 *   MSI64 by the message address), idle, valid.
 *
 * The queue walk consumes every record between head and tail: a record
 * that is not an MSI, an MSI number that is not the PBM's or has no
 * Linux interrupt is counted, logged (rate-limited) and cleared, never
 * left to jam the queue; an EQ in the ERROR (overflow) state is drained
 * and set idle again. When a number is released its MSI is made invalid
 * first and records still queued for it are quarantined (their type set
 * to the software-reserved 0xff), so that its next owner never sees
 * them.
 *
 * Every hypervisor call goes through the seam (struct sun4v_msi_hv_ops),
 * so that KUnit can run the backend against a simulated hypervisor
 * under QEMU sun4u, where a hypervisor trap is fatal.
 *
 * pci_sun4v.c brings the backend up on each sun4v PBM whose properties
 * describe MSI (sun4v_msi_pbm_init()) and pci_scan_one_pbm() installs
 * it on the PBM's host bridge before the bus is scanned. PBMs where
 * that fails, and sun4u PBMs (Fire, Oberon, Psycho, Sabre, Schizo),
 * keep the path through the arch-legacy adapter (pci_msi.c).
 *
 * Copyright (C) 2026 msi-ops maintainers
 */

#include <linux/debugfs.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/log2.h>
#include <linux/mmzone.h>
#include <linux/msi.h>
#include <linux/of.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/printk.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/types.h>
#include <asm/hypervisor.h>
#include <asm/irq.h>
#include <asm/page.h>

#include "pci_impl.h"
#include "pci_sun4v.h"
#include "msi_sun4v.h"

/* The property @prop of @dp, exactly @len bytes long */
static const u32 *sun4v_msi_prop(struct device_node *dp, const char *name,
				 const char *prop, int len, int *err)
{
	const u32 *val;
	int got;

	val = of_get_property(dp, prop, &got);
	if (!val) {
		pr_info("%s: no MSI: no %s property\n", name, prop);
		*err = -ENODEV;
		return NULL;
	}
	if (got != len) {
		pr_info("%s: no MSI: %s has %d bytes, not %d\n", name, prop,
			got, len);
		*err = -EINVAL;
		return NULL;
	}
	return val;
}

static int sun4v_msi_bad(const char *name, const char *what)
{
	pr_info("%s: no MSI: %s\n", name, what);
	return -EINVAL;
}

/**
 * sun4v_msi_parse - Read the MSI properties of a sun4v PBM
 * @dp:		The PBM's firmware node
 * @name:	The PBM's name, for log lines
 * @p:		Filled in on success
 *
 * Every property must be there with its exact length and a value the
 * backend can use; otherwise the PBM gets no MSI from this backend and
 * one line at info level says why.
 *
 * Return: 0, -ENODEV when a property is missing, -EINVAL when one is
 * malformed.
 */
int sun4v_msi_parse(struct device_node *dp, const char *name,
		    struct sun4v_msi_props *p)
{
	const u32 *val;
	u64 eq_bytes;
	int err = 0;

	val = sun4v_msi_prop(dp, name, "#msi-eqs", 4, &err);
	if (!val)
		return err;
	p->msiq_num = val[0];

	val = sun4v_msi_prop(dp, name, "msi-eq-size", 4, &err);
	if (!val)
		return err;
	p->msiq_ent_count = val[0];

	/* Older firmware names it msi-eq-devino */
	if (of_find_property(dp, "msi-eq-to-devino", NULL))
		val = sun4v_msi_prop(dp, name, "msi-eq-to-devino", 12, &err);
	else
		val = sun4v_msi_prop(dp, name, "msi-eq-devino", 12, &err);
	if (!val)
		return err;
	/* {first EQ, number of EQs, first devino} */
	p->msiq_first = val[0];
	p->msiq_first_devino = val[2];
	if (val[1] < p->msiq_num)
		return sun4v_msi_bad(name, "fewer EQs with a devino than #msi-eqs");

	val = sun4v_msi_prop(dp, name, "#msi", 4, &err);
	if (!val)
		return err;
	p->msi_total = val[0];

	val = sun4v_msi_prop(dp, name, "msi-ranges", 8, &err);
	if (!val)
		return err;
	p->msi_first = val[0];
	p->msi_num = val[1];

	val = sun4v_msi_prop(dp, name, "msi-data-mask", 4, &err);
	if (!val)
		return err;
	p->msi_data_mask = val[0];

	val = sun4v_msi_prop(dp, name, "msix-data-width", 4, &err);
	if (!val)
		return err;
	p->msix_data_width = val[0];

	val = sun4v_msi_prop(dp, name, "msi-address-ranges", 24, &err);
	if (!val)
		return err;
	/* {32-bit hi, lo, len, 64-bit hi, lo, len} */
	p->msi32_start = ((u64)val[0] << 32) | val[1];
	p->msi32_len = val[2];
	p->msi64_start = ((u64)val[3] << 32) | val[4];
	p->msi64_len = val[5];

	if (!p->msiq_num)
		return sun4v_msi_bad(name, "#msi-eqs is 0");
	if (p->msiq_first + p->msiq_num < p->msiq_first ||
	    p->msiq_first_devino + p->msiq_num < p->msiq_first_devino)
		return sun4v_msi_bad(name, "EQ ids or devinos wrap around");
	/* Each EQ is aligned to its size, in one block of pages for all */
	if (!is_power_of_2(p->msiq_ent_count))
		return sun4v_msi_bad(name, "msi-eq-size is not a power of two");
	eq_bytes = (u64)p->msiq_num * p->msiq_ent_count * SUN4V_MSIQ_REC_SIZE;
	if (eq_bytes > (PAGE_SIZE << MAX_PAGE_ORDER))
		return sun4v_msi_bad(name, "the EQs do not fit in one allocation");
	if (!p->msi_num || p->msi_first + p->msi_num < p->msi_first)
		return sun4v_msi_bad(name, "msi-ranges is empty or wraps around");
	/* The data of a message is its MSI number */
	if ((p->msi_first + p->msi_num - 1) & ~p->msi_data_mask)
		return sun4v_msi_bad(name, "msi-data-mask cannot carry every MSI number");
	if (p->msix_data_width != 16 && p->msix_data_width != 32)
		return sun4v_msi_bad(name, "msix-data-width is neither 16 nor 32");
	/* A 32-bit message address must be below 4 GiB */
	if (!p->msi32_len || p->msi32_start + p->msi32_len > SZ_4G)
		return sun4v_msi_bad(name, "no 32-bit MSI window below 4 GiB");
	if (p->msi64_start + p->msi64_len < p->msi64_start)
		return sun4v_msi_bad(name, "the 64-bit MSI window wraps around");

	return 0;
}

/* The real hypervisor: the VPCI calls of pci_sun4v_asm.S */

static unsigned long hv_msiq_conf(struct sun4v_msi *m, unsigned long msiqid,
				  unsigned long ra, unsigned long nentries)
{
	return pci_sun4v_msiq_conf(m->devhandle, msiqid, ra, nentries);
}

static unsigned long hv_msiq_info(struct sun4v_msi *m, unsigned long msiqid,
				  unsigned long *ra, unsigned long *nentries)
{
	return pci_sun4v_msiq_info(m->devhandle, msiqid, ra, nentries);
}

static unsigned long hv_msiq_getvalid(struct sun4v_msi *m,
				      unsigned long msiqid,
				      unsigned long *valid)
{
	return pci_sun4v_msiq_getvalid(m->devhandle, msiqid, valid);
}

static unsigned long hv_msiq_setvalid(struct sun4v_msi *m,
				      unsigned long msiqid,
				      unsigned long valid)
{
	return pci_sun4v_msiq_setvalid(m->devhandle, msiqid, valid);
}

static unsigned long hv_msiq_getstate(struct sun4v_msi *m,
				      unsigned long msiqid,
				      unsigned long *state)
{
	return pci_sun4v_msiq_getstate(m->devhandle, msiqid, state);
}

static unsigned long hv_msiq_setstate(struct sun4v_msi *m,
				      unsigned long msiqid,
				      unsigned long state)
{
	return pci_sun4v_msiq_setstate(m->devhandle, msiqid, state);
}

static unsigned long hv_msiq_gethead(struct sun4v_msi *m,
				     unsigned long msiqid,
				     unsigned long *head)
{
	return pci_sun4v_msiq_gethead(m->devhandle, msiqid, head);
}

static unsigned long hv_msiq_sethead(struct sun4v_msi *m,
				     unsigned long msiqid,
				     unsigned long head)
{
	return pci_sun4v_msiq_sethead(m->devhandle, msiqid, head);
}

static unsigned long hv_msiq_gettail(struct sun4v_msi *m,
				     unsigned long msiqid,
				     unsigned long *tail)
{
	return pci_sun4v_msiq_gettail(m->devhandle, msiqid, tail);
}

static unsigned long hv_msi_getvalid(struct sun4v_msi *m,
				     unsigned long msinum,
				     unsigned long *valid)
{
	return pci_sun4v_msi_getvalid(m->devhandle, msinum, valid);
}

static unsigned long hv_msi_setvalid(struct sun4v_msi *m,
				     unsigned long msinum,
				     unsigned long valid)
{
	return pci_sun4v_msi_setvalid(m->devhandle, msinum, valid);
}

static unsigned long hv_msi_getmsiq(struct sun4v_msi *m,
				    unsigned long msinum,
				    unsigned long *msiqid)
{
	return pci_sun4v_msi_getmsiq(m->devhandle, msinum, msiqid);
}

/* The assembler takes msinum in %o1, msiqid in %o2, msitype in %o3 */
static unsigned long hv_msi_setmsiq(struct sun4v_msi *m,
				    unsigned long msinum,
				    unsigned long msiqid,
				    unsigned long msitype)
{
	return pci_sun4v_msi_setmsiq(m->devhandle, msinum, msiqid, msitype);
}

static unsigned long hv_msi_getstate(struct sun4v_msi *m,
				     unsigned long msinum,
				     unsigned long *state)
{
	return pci_sun4v_msi_getstate(m->devhandle, msinum, state);
}

static unsigned long hv_msi_setstate(struct sun4v_msi *m,
				     unsigned long msinum,
				     unsigned long state)
{
	return pci_sun4v_msi_setstate(m->devhandle, msinum, state);
}

static unsigned int hv_build_irq(struct sun4v_msi *m, unsigned int devino)
{
	return sun4v_build_irq(m->devhandle, devino);
}

/* sparc64's irq layer targets one CPU of the devino interrupt's affinity */
static const struct cpumask *hv_devino_affinity(struct sun4v_msi *m,
						unsigned int irq)
{
	struct irq_data *d = irq_get_irq_data(irq);

	return d ? irq_data_get_affinity_mask(d) : NULL;
}

const struct sun4v_msi_hv_ops sun4v_msi_hv = {
	.msiq_conf	= hv_msiq_conf,
	.msiq_info	= hv_msiq_info,
	.msiq_getvalid	= hv_msiq_getvalid,
	.msiq_setvalid	= hv_msiq_setvalid,
	.msiq_getstate	= hv_msiq_getstate,
	.msiq_setstate	= hv_msiq_setstate,
	.msiq_gethead	= hv_msiq_gethead,
	.msiq_sethead	= hv_msiq_sethead,
	.msiq_gettail	= hv_msiq_gettail,
	.msi_getvalid	= hv_msi_getvalid,
	.msi_setvalid	= hv_msi_setvalid,
	.msi_getmsiq	= hv_msi_getmsiq,
	.msi_setmsiq	= hv_msi_setmsiq,
	.msi_getstate	= hv_msi_getstate,
	.msi_setstate	= hv_msi_setstate,
	.build_irq	= hv_build_irq,
	.devino_affinity = hv_devino_affinity,
};

/* The backend */

/* How far the bring-up of an EQ got */
enum {
	SUN4V_EQ_DOWN,
	SUN4V_EQ_CONF,		/* configured at the hypervisor */
	SUN4V_EQ_VALID,		/* made valid (and maybe idle) */
	SUN4V_EQ_UP,		/* its devino's interrupt requested */
};

static int sun4v_msi_hverr(struct sun4v_msi *m, const char *call,
			   unsigned long arg, unsigned long err)
{
	pr_err("%s: MSI: hypervisor %s(%lu) failed: %lu\n", m->name, call,
	       arg, err);
	return -EIO;
}

static unsigned long sun4v_msi_qbytes(const struct sun4v_msi *m)
{
	return (unsigned long)m->props.msiq_ent_count * SUN4V_MSIQ_REC_SIZE;
}

/* Configure EQ @eq, check it, build its devino and request the interrupt */
static int sun4v_msi_eq_up(struct sun4v_msi *m, struct sun4v_msi_eq *eq)
{
	const struct sun4v_msi_hv_ops *hv = m->hv;
	unsigned long nent = m->props.msiq_ent_count, ra = __pa(eq->recs);
	unsigned long got_ra, got_n, err;
	int ret;

	err = hv->msiq_conf(m, eq->msiqid, ra, nent);
	if (err)
		return sun4v_msi_hverr(m, "MSIQ_CONF", eq->msiqid, err);
	eq->state = SUN4V_EQ_CONF;

	err = hv->msiq_info(m, eq->msiqid, &got_ra, &got_n);
	if (err)
		return sun4v_msi_hverr(m, "MSIQ_INFO", eq->msiqid, err);
	if (got_ra != ra || got_n != nent) {
		pr_err("%s: MSI: EQ %u is at %#lx with %lu records, not %#lx with %lu\n",
		       m->name, eq->msiqid, got_ra, got_n, ra, nent);
		return -EIO;
	}

	eq->irq = hv->build_irq(m, eq->devino);
	if (!eq->irq) {
		pr_err("%s: MSI: no interrupt for devino %u of EQ %u\n",
		       m->name, eq->devino, eq->msiqid);
		return -EIO;
	}

	err = hv->msiq_setvalid(m, eq->msiqid, HV_MSIQ_VALID);
	if (err)
		return sun4v_msi_hverr(m, "MSIQ_SETVALID", eq->msiqid, err);
	eq->state = SUN4V_EQ_VALID;
	err = hv->msiq_setstate(m, eq->msiqid, HV_MSIQSTATE_IDLE);
	if (err)
		return sun4v_msi_hverr(m, "MSIQ_SETSTATE", eq->msiqid, err);

	ret = request_irq(eq->irq, sun4v_msi_eq_interrupt, 0, "MSIQ", eq);
	if (ret) {
		pr_err("%s: MSI: cannot request irq %u of EQ %u: %d\n",
		       m->name, eq->irq, eq->msiqid, ret);
		return ret;
	}
	eq->state = SUN4V_EQ_UP;
	return 0;
}

/*
 * Undo sun4v_msi_eq_up() as far as it got. Return: false when the
 * hypervisor refused to unconfigure the EQ, which may then still write
 * into its queue memory.
 */
static bool sun4v_msi_eq_down(struct sun4v_msi *m, struct sun4v_msi_eq *eq)
{
	const struct sun4v_msi_hv_ops *hv = m->hv;
	unsigned long err;

	if (eq->state >= SUN4V_EQ_UP)
		free_irq(eq->irq, eq);
	if (eq->state >= SUN4V_EQ_VALID) {
		err = hv->msiq_setvalid(m, eq->msiqid, HV_MSIQ_INVALID);
		if (err)
			sun4v_msi_hverr(m, "MSIQ_SETVALID", eq->msiqid, err);
	}
	if (eq->state >= SUN4V_EQ_CONF) {
		err = hv->msiq_conf(m, eq->msiqid, 0, 0);
		if (err) {
			sun4v_msi_hverr(m, "MSIQ_CONF", eq->msiqid, err);
			eq->state = SUN4V_EQ_CONF;
			return false;
		}
	}
	eq->state = SUN4V_EQ_DOWN;
	return true;
}

/* Take all EQs down; the queue memory goes only when no EQ points at it */
static void sun4v_msi_eqs_down(struct sun4v_msi *m)
{
	bool all = true;
	u32 i;

	for (i = 0; i < m->props.msiq_num; i++)
		all &= sun4v_msi_eq_down(m, &m->eqs[i]);
	if (all) {
		free_pages((unsigned long)m->queues, m->queues_order);
	} else {
		pr_err("%s: MSI: queue memory left to the hypervisor (%lu bytes)\n",
		       m->name, PAGE_SIZE << m->queues_order);
	}
	m->queues = NULL;
}

static struct sun4v_msi_vec *sun4v_msi_vec(struct sun4v_msi *m, u32 msi)
{
	return &m->vecs[msi - m->props.msi_first];
}

/* Is every CPU that EQ @eq's devino may interrupt in @mask? */
static bool sun4v_msi_eq_serves(struct sun4v_msi *m, struct sun4v_msi_eq *eq,
				const struct cpumask *mask)
{
	const struct cpumask *target = m->hv->devino_affinity(m, eq->irq);

	return target && !cpumask_empty(target) &&
	       cpumask_subset(target, mask);
}

/*
 * Affinity of an MSI: an MSI interrupts where its EQ's devino does, so
 * moving it means binding it to an EQ whose devino targets only CPUs of
 * @mask (the least used one), with MSI_SETMSIQ on the live MSI. Records
 * it already queued stay in the old EQ, whose handler still walks them:
 * none is lost, and the old EQ's walk makes the MSI idle as usual.
 *
 * Context: irq_desc::lock held, interrupts off.
 */
static int sun4v_msi_set_affinity(struct irq_data *d,
				  const struct cpumask *mask, bool force)
{
	struct sun4v_msi *m = irq_data_get_irq_chip_data(d);
	u32 msi = msi_vecspace_hwirq_to_vec(&m->vs, irqd_to_hwirq(d));
	struct sun4v_msi_vec *vec = sun4v_msi_vec(m, msi);
	unsigned int i, best = UINT_MAX;
	const struct cpumask *target;
	int least = INT_MAX, used;
	unsigned long err;

	if (!vec->live)
		return -EINVAL;
	if (sun4v_msi_eq_serves(m, &m->eqs[vec->eq], mask))
		best = vec->eq;
	for (i = 0; best == UINT_MAX && i < m->props.msiq_num; i++) {
		if (!sun4v_msi_eq_serves(m, &m->eqs[i], mask))
			continue;
		used = atomic_read(&m->eqs[i].nr_msis);
		if (used < least) {
			least = used;
			best = i;
		}
	}
	if (best == UINT_MAX) {
		pr_warn_ratelimited("%s: MSI %u: no EQ interrupts on CPUs %*pbl only, affinity unchanged\n",
				    m->name, msi, cpumask_pr_args(mask));
		return -EINVAL;
	}

	if (best != vec->eq) {
		err = m->hv->msi_setmsiq(m, msi, m->eqs[best].msiqid,
					 vec->msi64 ? HV_MSITYPE_MSI64 :
						      HV_MSITYPE_MSI32);
		if (err)
			return sun4v_msi_hverr(m, "MSI_SETMSIQ", msi, err);
		atomic_dec(&m->eqs[vec->eq].nr_msis);
		atomic_inc(&m->eqs[best].nr_msis);
		vec->eq = best;
	}
	target = m->hv->devino_affinity(m, m->eqs[best].irq);
	irq_data_update_effective_affinity(d, target);
	return IRQ_SET_MASK_OK;
}

static struct irq_chip sun4v_msi_chip = {
	.name			= "sun4v-MSI",
	.irq_mask		= pci_msi_mask_irq,
	.irq_unmask		= pci_msi_unmask_irq,
	.irq_set_affinity	= sun4v_msi_set_affinity,
	.flags			= IRQCHIP_SKIP_SET_WAKE | IRQCHIP_ONESHOT_SAFE,
};

static int sun4v_msi_domain_map(struct irq_domain *d, unsigned int virq,
				irq_hw_number_t hwirq)
{
	irq_set_chip_and_handler_name(virq, &sun4v_msi_chip, handle_simple_irq,
				      "MSI");
	irq_set_chip_data(virq, d->host_data);
	return 0;
}

static void sun4v_msi_domain_unmap(struct irq_domain *d, unsigned int virq)
{
	irq_set_chip_and_handler(virq, NULL, NULL);
	irq_set_chip_data(virq, NULL);
}

static const struct irq_domain_ops sun4v_msi_domain_ops = {
	.map	= sun4v_msi_domain_map,
	.unmap	= sun4v_msi_domain_unmap,
};

/* The EQ for a new MSI: the least used one, ties taken round robin */
static unsigned int sun4v_msi_pick_eq(struct sun4v_msi *m)
{
	u32 n = m->props.msiq_num, start, i, best;
	int least = INT_MAX, used;

	start = (u32)atomic_inc_return(&m->rotor) % n;
	best = start;
	for (i = 0; i < n; i++) {
		used = atomic_read(&m->eqs[(start + i) % n].nr_msis);
		if (used < least) {
			least = used;
			best = (start + i) % n;
		}
	}
	return best;
}

/*
 * Route @msi to EQ @eqi at the hypervisor: bind it (MSI_SETMSIQ: msinum,
 * msiqid, msitype), make it idle, then valid, so that no state it was
 * left in can deliver before it is bound and idle.
 */
static int sun4v_msi_route(struct sun4v_msi *m, u32 msi, unsigned int eqi,
			   bool msi64)
{
	const struct sun4v_msi_hv_ops *hv = m->hv;
	struct sun4v_msi_eq *eq = &m->eqs[eqi];
	struct sun4v_msi_vec *vec = sun4v_msi_vec(m, msi);
	unsigned long err;

	err = hv->msi_setmsiq(m, msi, eq->msiqid,
			      msi64 ? HV_MSITYPE_MSI64 : HV_MSITYPE_MSI32);
	if (err)
		return sun4v_msi_hverr(m, "MSI_SETMSIQ", msi, err);
	err = hv->msi_setstate(m, msi, HV_MSISTATE_IDLE);
	if (err)
		return sun4v_msi_hverr(m, "MSI_SETSTATE", msi, err);
	err = hv->msi_setvalid(m, msi, HV_MSIVALID_VALID);
	if (err)
		return sun4v_msi_hverr(m, "MSI_SETVALID", msi, err);

	vec->eq = eqi;
	vec->msi64 = msi64;
	vec->live = true;
	atomic_inc(&eq->nr_msis);
	return 0;
}

/**
 * sun4v_msi_quarantine - Take queued records of an MSI number out of play
 * @m:		The PBM
 * @msi:	An MSI number of @m, routed to an EQ and already made
 *		invalid at the hypervisor, so that no new record comes
 *		for it
 *
 * Records for @msi still in its EQ would reach whoever gets the number
 * next. Their type becomes %SUN4V_MSIQ_TYPE_STALE, which the queue walk
 * consumes and counts without dispatching. Every ring is scanned, since
 * an affinity change may have left records in an EQ the number was
 * bound to before, each under its EQ's lock: consumed slots have type 0
 * and are skipped.
 *
 * Context: Process context; takes the EQs' locks with interrupts off.
 * Return: The number of records quarantined.
 */
unsigned int sun4v_msi_quarantine(struct sun4v_msi *m, u32 msi)
{
	u32 i, q, n = m->props.msiq_ent_count;
	struct sun4v_msi_eq *eq;
	unsigned int nr = 0;
	unsigned long flags;
	u64 type;

	for (q = 0; q < m->props.msiq_num; q++) {
		eq = &m->eqs[q];
		raw_spin_lock_irqsave(&eq->lock, flags);
		for (i = 0; i < n; i++) {
			type = READ_ONCE(eq->recs[i].type);
			if ((type & 0xff) != SUN4V_MSIQ_TYPE_MSI32 &&
			    (type & 0xff) != SUN4V_MSIQ_TYPE_MSI64)
				continue;
			if ((u32)READ_ONCE(eq->recs[i].data) != msi)
				continue;
			WRITE_ONCE(eq->recs[i].type, SUN4V_MSIQ_TYPE_STALE);
			nr++;
		}
		raw_spin_unlock_irqrestore(&eq->lock, flags);
	}
	return nr;
}

/*
 * Undo sun4v_msi_route(): invalid first, then the queued records
 * quarantined, then idle. Return: false when the hypervisor refused to
 * make the MSI invalid, so that it may still deliver.
 */
static bool sun4v_msi_unroute(struct sun4v_msi *m, u32 msi)
{
	const struct sun4v_msi_hv_ops *hv = m->hv;
	struct sun4v_msi_vec *vec = sun4v_msi_vec(m, msi);
	unsigned long err;
	unsigned int nr;

	err = hv->msi_setvalid(m, msi, HV_MSIVALID_INVALID);
	if (err) {
		sun4v_msi_hverr(m, "MSI_SETVALID", msi, err);
		return false;
	}
	nr = sun4v_msi_quarantine(m, msi);
	if (nr)
		pr_debug("%s: MSI %u: %u queued records quarantined\n",
			 m->name, msi, nr);
	err = hv->msi_setstate(m, msi, HV_MSISTATE_IDLE);
	if (err)
		sun4v_msi_hverr(m, "MSI_SETSTATE", msi, err);

	vec->live = false;
	atomic_dec(&m->eqs[vec->eq].nr_msis);
	return true;
}

/*
 * Give the block of @n MSI numbers from @msi back, as
 * msi_vecspace_alloc() gave it. When the hypervisor still routes one of
 * them, the block is retired instead: no other device may get it.
 */
static void sun4v_msi_put(struct sun4v_msi *m, u32 msi, unsigned int n)
{
	bool ok = true;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (sun4v_msi_vec(m, msi + i)->live)
			ok &= sun4v_msi_unroute(m, msi + i);
		msi_vecspace_unmap(&m->vs, msi + i);
	}
	if (ok) {
		msi_vecspace_free(&m->vs, msi, n);
		return;
	}
	pr_err("%s: MSIs %u..%u still valid at the hypervisor: not used again\n",
	       m->name, msi, msi + n - 1);
	msi_vecspace_retire(&m->vs, msi, n);
}

static struct sun4v_msi *sun4v_msi_of(struct pci_dev *dev)
{
	return container_of(pci_msi_dev_ops(dev), struct sun4v_msi, ops);
}

/*
 * The MSI numbers of one descriptor (a block for multi-MSI, aligned to
 * its size rounded up to a power of two, all of which is reserved so
 * that the device cannot reach a neighbour's number), their consecutive
 * interrupts, their routing and the message.
 */
static int sun4v_msi_alloc_desc(struct sun4v_msi *m, struct pci_dev *dev,
				struct msi_desc *desc)
{
	bool msi64 = m->props.msi64_len && !dev->no_64bit_msi &&
		     (desc->pci.msi_attrib.is_msix || desc->pci.msi_attrib.is_64);
	unsigned int i, n = desc->nvec_used;
	struct msi_msg msg = { };
	int hw, virq, ret;
	u64 addr;

	hw = msi_vecspace_alloc(&m->vs, n);
	if (hw < 0)
		return hw;
	virq = msi_vecspace_map_block(&m->vs, hw, n);
	if (virq < 0) {
		msi_vecspace_free(&m->vs, hw, n);
		return virq;
	}
	for (i = 0; i < n; i++) {
		ret = sun4v_msi_route(m, hw + i, sun4v_msi_pick_eq(m), msi64);
		if (ret) {
			sun4v_msi_put(m, hw, n);
			return ret;
		}
	}

	for (i = 0; i < n; i++)
		irq_set_msi_desc_off(virq, i, desc);
	/* The OS's message: the PBM's MSI window, the MSI number as data */
	addr = msi64 ? m->props.msi64_start : m->props.msi32_start;
	msg.address_hi = upper_32_bits(addr);
	msg.address_lo = lower_32_bits(addr);
	msg.data = hw & m->props.msi_data_mask;
	pci_write_msi_msg(virq, &msg);
	return 0;
}

/**
 * sun4v_msi_free - Release a device's MSI numbers (&pci_msi_ops.free)
 * @dev:	The PCI device
 * @type:	%PCI_CAP_ID_MSI or %PCI_CAP_ID_MSIX
 *
 * Per vector: the MSI made invalid at the hypervisor, its queued
 * records quarantined, made idle, the interrupt unmapped and the number
 * freed. A number the hypervisor refuses to invalidate is retired.
 *
 * Context: Process context, descriptor lock held.
 */
void sun4v_msi_free(struct pci_dev *dev, int type)
{
	struct msi_desc *desc;

	msi_for_each_desc(desc, &dev->dev, MSI_DESC_ASSOCIATED)
		sun4v_msi_free_at(dev, desc);
}

/**
 * sun4v_msi_free_at - Release one descriptor's MSIs (&pci_msi_ops.free_at)
 * @dev:	The PCI device
 * @desc:	The descriptor, with its interrupts deactivated
 *
 * As sun4v_msi_free() for one descriptor, also while MSI-X stays on.
 *
 * Context: Process context, descriptor lock held.
 */
void sun4v_msi_free_at(struct pci_dev *dev, struct msi_desc *desc)
{
	struct sun4v_msi *m = sun4v_msi_of(dev);
	unsigned int virq = desc->irq, i;
	struct irq_data *d;

	d = irq_get_irq_data(virq);
	if (WARN_ON_ONCE(!d || irq_data_get_irq_chip(d) != &sun4v_msi_chip))
		return;
	for (i = 0; i < desc->nvec_used; i++)
		irq_set_msi_desc_off(virq, i, NULL);
	desc->irq = 0;
	sun4v_msi_put(m, msi_vecspace_hwirq_to_vec(&m->vs, irqd_to_hwirq(d)),
		      desc->nvec_used);
}

/**
 * sun4v_msi_alloc_at - One more MSI-X vector (&pci_msi_ops.alloc_at)
 * @dev:	The PCI device, MSI-X enabled
 * @desc:	The new descriptor, masked
 *
 * Context: Process context, descriptor lock held.
 * Return: 0, or a negative errno with nothing left allocated.
 */
int sun4v_msi_alloc_at(struct pci_dev *dev, struct msi_desc *desc)
{
	return sun4v_msi_alloc_desc(sun4v_msi_of(dev), dev, desc);
}

/**
 * sun4v_msi_alloc - Allocate and program a device's MSIs (&pci_msi_ops.alloc)
 * @dev:	The PCI device, its descriptors created and masked
 * @type:	%PCI_CAP_ID_MSI or %PCI_CAP_ID_MSIX
 * @nvec:	Number of vectors
 *
 * Per descriptor an MSI number from the PBM's vector space, its Linux
 * interrupt, its routing to an EQ at the hypervisor and the message,
 * composed here and written into the device.
 *
 * Context: Process context, descriptor lock held.
 * Return: 0; for MSI-X the number of vectors that could be had when the
 * MSI numbers ran out after some; or a negative errno. Nothing is left
 * allocated or routed on a non-zero return.
 */
int sun4v_msi_alloc(struct pci_dev *dev, int type, int nvec)
{
	struct sun4v_msi *m = sun4v_msi_of(dev);
	struct msi_desc *desc;
	int done = 0, ret = 0;

	msi_for_each_desc(desc, &dev->dev, MSI_DESC_NOTASSOCIATED) {
		ret = sun4v_msi_alloc_desc(m, dev, desc);
		if (ret)
			break;
		done++;
	}
	if (!ret)
		return 0;

	pci_dbg(dev, "sun4v: got %d of %d MSIs (%d)\n", done, nvec, ret);
	sun4v_msi_free(dev, type);
	if (ret == -ENOSPC && type == PCI_CAP_ID_MSIX && done)
		return done;
	return ret;
}

/**
 * sun4v_msi_check - Limit a request (&pci_msi_ops.check)
 * @dev:	The PCI device
 * @type:	%PCI_CAP_ID_MSI or %PCI_CAP_ID_MSIX
 * @nvec:	Vectors asked for
 *
 * Multi-MSI gets its block from the vector space, at most
 * %MSI_VECSPACE_MAX_BLOCK numbers (a function has at most 32 messages).
 *
 * Return: @nvec, -EOPNOTSUPP for MSI-X when the PBM's MSI-X data is 16
 * bits wide.
 */
int sun4v_msi_check(struct pci_dev *dev, int type, int nvec)
{
	struct sun4v_msi *m = sun4v_msi_of(dev);

	if (type == PCI_CAP_ID_MSIX) {
		if (m->props.msix_data_width != 32)
			return -EOPNOTSUPP;
		return nvec;
	}
	return min(nvec, MSI_VECSPACE_MAX_BLOCK);
}

static void sun4v_msi_log_rec(struct sun4v_msi *m, struct sun4v_msi_eq *eq,
			      const char *what, u64 type, u64 data)
{
	pr_warn_ratelimited("%s: MSI: EQ %u: %s (type %#llx data %#llx), consumed\n",
			    m->name, eq->msiqid, what, type, data);
}

/* Consume one record and dispatch it if it is a mapped MSI of the PBM */
static void sun4v_msi_consume(struct sun4v_msi *m, struct sun4v_msi_eq *eq,
			      struct sun4v_msiq_rec *rec)
{
	u64 type = READ_ONCE(rec->type), data = READ_ONCE(rec->data);
	unsigned long err;
	unsigned int virq;
	u32 msi;

	WRITE_ONCE(rec->type, SUN4V_MSIQ_TYPE_NONE);

	if (type == SUN4V_MSIQ_TYPE_STALE) {
		atomic_long_inc(&m->stats.stale);
		return;
	}
	if (type != SUN4V_MSIQ_TYPE_MSI32 && type != SUN4V_MSIQ_TYPE_MSI64) {
		atomic_long_inc(&m->stats.bad_type);
		sun4v_msi_log_rec(m, eq, "not an MSI", type, data);
		return;
	}
	msi = (u32)data;
	if (msi - m->props.msi_first >= m->props.msi_num) {
		atomic_long_inc(&m->stats.bad_range);
		sun4v_msi_log_rec(m, eq, "MSI number out of range", type, data);
		return;
	}
	err = m->hv->msi_setstate(m, msi, HV_MSISTATE_IDLE);
	if (err)
		atomic_long_inc(&m->stats.hv_errors);
	virq = msi_vecspace_find(&m->vs, msi);
	if (!virq) {
		atomic_long_inc(&m->stats.unmapped);
		sun4v_msi_log_rec(m, eq, "MSI number not allocated", type, data);
		return;
	}
	atomic_long_inc(&m->stats.dispatched);
	generic_handle_irq(virq);
}

static irqreturn_t sun4v_msi_eq_hverr(struct sun4v_msi *m,
				      struct sun4v_msi_eq *eq,
				      const char *call, unsigned long err)
{
	atomic_long_inc(&m->stats.hv_errors);
	pr_err_ratelimited("%s: MSI: EQ %u: hypervisor %s failed: %lu\n",
			   m->name, eq->msiqid, call, err);
	return IRQ_NONE;
}

/**
 * sun4v_msi_eq_interrupt - The interrupt handler of an EQ's devino
 * @irq:	The devino's interrupt
 * @data:	The EQ
 *
 * Walks the queue from head to tail, consuming every record, moves the
 * head, and reads the tail again, so that a record that arrived during
 * the walk is handled now. At most twice the queue's size of records
 * per call: the devino stays pending while the queue is not empty. An
 * EQ in the ERROR state (it overflowed, and the hypervisor dropped
 * records) is drained and set idle again.
 *
 * Context: Hard interrupt context.
 * Return: IRQ_HANDLED when a record was consumed or the EQ recovered.
 */
irqreturn_t sun4v_msi_eq_interrupt(int irq, void *data)
{
	struct sun4v_msi_eq *eq = data;
	struct sun4v_msi *m = eq->m;
	const struct sun4v_msi_hv_ops *hv = m->hv;
	unsigned long qbytes = sun4v_msi_qbytes(m), head, tail, state, err;
	unsigned int done = 0, budget = 2 * m->props.msiq_ent_count;
	irqreturn_t ret = IRQ_HANDLED;
	bool overflow;

	raw_spin_lock(&eq->lock);
	err = hv->msiq_getstate(m, eq->msiqid, &state);
	if (err) {
		ret = sun4v_msi_eq_hverr(m, eq, "MSIQ_GETSTATE", err);
		goto out;
	}
	overflow = state == HV_MSIQSTATE_ERROR;
	if (overflow) {
		atomic_long_inc(&m->stats.overflows);
		pr_warn_ratelimited("%s: MSI: EQ %u overflowed, MSIs were lost\n",
				    m->name, eq->msiqid);
	}

	err = hv->msiq_gethead(m, eq->msiqid, &head);
	if (err) {
		ret = sun4v_msi_eq_hverr(m, eq, "MSIQ_GETHEAD", err);
		goto out;
	}
	for (;;) {
		err = hv->msiq_gettail(m, eq->msiqid, &tail);
		if (err) {
			ret = sun4v_msi_eq_hverr(m, eq, "MSIQ_GETTAIL", err);
			goto out;
		}
		if (head >= qbytes || tail >= qbytes ||
		    (head | tail) % SUN4V_MSIQ_REC_SIZE) {
			atomic_long_inc(&m->stats.hv_errors);
			pr_err_ratelimited("%s: MSI: EQ %u: head %lu or tail %lu outside the queue\n",
					   m->name, eq->msiqid, head, tail);
			ret = IRQ_NONE;
			goto out;
		}
		if (head == tail || done >= budget)
			break;
		while (head != tail && done < budget) {
			sun4v_msi_consume(m, eq,
					  &eq->recs[head / SUN4V_MSIQ_REC_SIZE]);
			head = (head + SUN4V_MSIQ_REC_SIZE) & (qbytes - 1);
			done++;
		}
		err = hv->msiq_sethead(m, eq->msiqid, head);
		if (err) {
			ret = sun4v_msi_eq_hverr(m, eq, "MSIQ_SETHEAD", err);
			goto out;
		}
	}

	if (overflow) {
		err = hv->msiq_setstate(m, eq->msiqid, HV_MSIQSTATE_IDLE);
		if (err)
			ret = sun4v_msi_eq_hverr(m, eq, "MSIQ_SETSTATE", err);
	} else if (!done) {
		ret = IRQ_NONE;
	}
out:
	raw_spin_unlock(&eq->lock);
	return ret;
}

/**
 * sun4v_msi_init - Bring up the MSI of a PBM whose properties are parsed
 * @m:		The PBM, with @name, @devhandle, @hv and @props filled in
 *
 * Sets up the vector space over the PBM's MSI numbers, the queue memory
 * and every EQ (configured, checked, devino built, valid, idle, its
 * interrupt requested), and fills in @m->ops. On failure everything is
 * undone; queue memory an EQ may still point at is not freed.
 *
 * Context: Process context.
 * Return: 0, or a negative errno.
 */
int sun4v_msi_init(struct sun4v_msi *m)
{
	struct sun4v_msi_props *p = &m->props;
	unsigned long qbytes = sun4v_msi_qbytes(m);
	unsigned int flags = PCI_MSI_OPS_MULTI_MSI;
	int ret;
	u32 i;

	if (p->msix_data_width == 32)
		flags |= PCI_MSI_OPS_MSIX | PCI_MSI_OPS_MSIX_ALLOC_DYN;
	m->ops = (struct pci_msi_ops) {
		.name	= "sun4v",
		.flags	= flags,
		.check	= sun4v_msi_check,
		.alloc	= sun4v_msi_alloc,
		.free	= sun4v_msi_free,
		/* ->restore: none, the core rewrites the messages */
		.alloc_at = sun4v_msi_alloc_at,
		.free_at = sun4v_msi_free_at,
	};
	memset(&m->stats, 0, sizeof(m->stats));
	atomic_set(&m->rotor, -1);

	m->vecs = kcalloc(p->msi_num, sizeof(*m->vecs), GFP_KERNEL);
	m->eqs = kcalloc(p->msiq_num, sizeof(*m->eqs), GFP_KERNEL);
	if (!m->vecs || !m->eqs) {
		ret = -ENOMEM;
		goto err_free;
	}
	ret = msi_vecspace_init(&m->vs, NULL, p->msi_first, p->msi_num,
				&sun4v_msi_domain_ops, m);
	if (ret)
		goto err_free;

	/* Each EQ aligned to its size: the block is aligned to its order */
	m->queues_order = get_order(qbytes * p->msiq_num);
	m->queues = (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO,
					     m->queues_order);
	if (!m->queues) {
		ret = -ENOMEM;
		goto err_vs;
	}
	for (i = 0; i < p->msiq_num; i++) {
		struct sun4v_msi_eq *eq = &m->eqs[i];

		eq->m = m;
		eq->msiqid = p->msiq_first + i;
		eq->devino = p->msiq_first_devino + i;
		eq->recs = m->queues + i * qbytes;
		raw_spin_lock_init(&eq->lock);
	}
	for (i = 0; i < p->msiq_num; i++) {
		ret = sun4v_msi_eq_up(m, &m->eqs[i]);
		if (ret)
			goto err_eqs;
	}
	pr_info("%s: MSI: %u numbers from %u, %u EQs of %u records, devinos %u..%u%s\n",
		m->name, p->msi_num, p->msi_first, p->msiq_num,
		p->msiq_ent_count, p->msiq_first_devino,
		p->msiq_first_devino + p->msiq_num - 1,
		flags & PCI_MSI_OPS_MSIX ? ", MSI-X" : "");
	return 0;

err_eqs:
	sun4v_msi_eqs_down(m);
err_vs:
	msi_vecspace_destroy(&m->vs);
err_free:
	kfree(m->eqs);
	kfree(m->vecs);
	m->eqs = NULL;
	m->vecs = NULL;
	return ret;
}

/**
 * sun4v_msi_exit - Take down the MSI of a PBM
 * @m:		The PBM, after a successful sun4v_msi_init()
 *
 * No device may have MSIs of @m any more.
 *
 * Context: Process context.
 * Return: 0, or -EBUSY when MSI numbers are still in use; nothing is
 * taken down then.
 */
int sun4v_msi_exit(struct sun4v_msi *m)
{
	u32 i, msi;

	for (i = 0; i < m->props.msi_num; i++) {
		msi = m->props.msi_first + i;
		if (WARN(msi_vecspace_find(&m->vs, msi),
			 "%s: MSI %u still in use\n", m->name, msi))
			return -EBUSY;
	}
	/* Numbers retired because the hypervisor kept them valid: try again */
	for (i = 0; i < m->props.msi_num; i++) {
		msi = m->props.msi_first + i;
		if (m->vecs[i].live && !sun4v_msi_unroute(m, msi))
			return -EBUSY;
	}
	sun4v_msi_eqs_down(m);
	msi_vecspace_destroy(&m->vs);
	kfree(m->eqs);
	kfree(m->vecs);
	m->eqs = NULL;
	m->vecs = NULL;
	return 0;
}

/**
 * sun4v_msi_vectors_show - The MSI numbers in use, for debugfs
 * @s:		The seq_file; its private data is the PBM's &struct sun4v_msi
 * @unused:	Unused
 *
 * One line per MSI number that has a Linux interrupt or is routed at
 * the hypervisor: the number, its EQ, the EQ's devino, the Linux
 * interrupt (0 for a number retired because the hypervisor kept it
 * valid) and the devino's Linux interrupt.
 *
 * Return: 0.
 */
int sun4v_msi_vectors_show(struct seq_file *s, void *unused)
{
	struct sun4v_msi *m = s->private;
	struct sun4v_msi_vec *vec;
	struct sun4v_msi_eq *eq;
	unsigned int virq;
	u32 i, msi;

	seq_puts(s, "msi eq devino irq eq_irq\n");
	for (i = 0; i < m->props.msi_num; i++) {
		msi = m->props.msi_first + i;
		vec = &m->vecs[i];
		virq = msi_vecspace_find(&m->vs, msi);
		if (!vec->live)
			continue;
		eq = &m->eqs[vec->eq];
		seq_printf(s, "%u %u %u %u %u\n", msi, eq->msiqid, eq->devino,
			   virq, eq->irq);
	}
	return 0;
}

/**
 * sun4v_msi_stats_show - What the EQ interrupt handlers saw, for debugfs
 * @s:		The seq_file; its private data is the PBM's &struct sun4v_msi
 * @unused:	Unused
 *
 * Return: 0.
 */
int sun4v_msi_stats_show(struct seq_file *s, void *unused)
{
	struct sun4v_msi *m = s->private;
	struct sun4v_msi_stats *st = &m->stats;

	seq_printf(s, "dispatched %ld\nbad_type %ld\nbad_range %ld\nunmapped %ld\nstale %ld\noverflows %ld\nhv_errors %ld\n",
		   atomic_long_read(&st->dispatched),
		   atomic_long_read(&st->bad_type),
		   atomic_long_read(&st->bad_range),
		   atomic_long_read(&st->unmapped),
		   atomic_long_read(&st->stale),
		   atomic_long_read(&st->overflows),
		   atomic_long_read(&st->hv_errors));
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(sun4v_msi_vectors);
DEFINE_SHOW_ATTRIBUTE(sun4v_msi_stats);

/* /sys/kernel/debug/sun4v_msi/<PBM>/{vectors,stats} */
static void sun4v_msi_debugfs(struct sun4v_msi *m)
{
	static struct dentry *root;
	struct dentry *dir;

	if (!root)
		root = debugfs_create_dir("sun4v_msi", NULL);
	dir = debugfs_create_dir(m->name, root);
	debugfs_create_file("vectors", 0444, dir, m, &sun4v_msi_vectors_fops);
	debugfs_create_file("stats", 0444, dir, m, &sun4v_msi_stats_fops);
}

/**
 * sun4v_msi_pbm_init - Bring the backend up on a sun4v PBM
 * @pbm:	The PBM, its devhandle and firmware node set
 *
 * When the PBM's properties describe MSI and its EQs come up, the
 * backend is ready to be installed on the PBM's host bridge.
 *
 * Context: Process context, at PBM probe.
 * Return: The PBM's backend, or NULL to keep the arch-legacy path.
 */
const struct pci_msi_ops *sun4v_msi_pbm_init(struct pci_pbm_info *pbm)
{
	struct sun4v_msi *m = kzalloc(sizeof(*m), GFP_KERNEL);

	if (!m)
		return NULL;
	m->name = pbm->name;
	m->devhandle = pbm->devhandle;
	m->hv = &sun4v_msi_hv;
	if (sun4v_msi_parse(pbm->op->dev.of_node, pbm->name, &m->props) ||
	    sun4v_msi_init(m)) {
		kfree(m);
		return NULL;
	}
	sun4v_msi_debugfs(m);
	return &m->ops;
}
