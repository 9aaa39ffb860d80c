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
 * This file holds what is in place so far: the parsing of the PBM's
 * firmware properties and the seam through which every hypervisor call
 * goes (struct sun4v_msi_hv_ops), so that KUnit can run the backend
 * against a simulated hypervisor under QEMU sun4u, where a hypervisor
 * trap is fatal. The backend is not installed on any PBM yet: PBMs keep
 * today's path through the arch-legacy adapter (pci_msi.c).
 *
 * Copyright (C) 2026 msi-ops maintainers
 */

#include <linux/errno.h>
#include <linux/log2.h>
#include <linux/mmzone.h>
#include <linux/of.h>
#include <linux/printk.h>
#include <linux/sizes.h>
#include <linux/types.h>
#include <asm/hypervisor.h>
#include <asm/irq.h>

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
};
