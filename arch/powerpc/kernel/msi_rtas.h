/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals of the pSeries RTAS MSI backend that its KUnit suite
 * (msi_rtas_kunit.c) drives directly. Without CONFIG_KUNIT they are
 * static to msi_rtas.c.
 */
#ifndef _POWERPC_KERNEL_MSI_RTAS_H
#define _POWERPC_KERNEL_MSI_RTAS_H

#include <linux/types.h>
#include <kunit/visibility.h>

struct device;
struct irq_affinity_desc;
struct irq_domain;

/* ibm,change-msi function codes (PAPR) */
#define RTAS_MSI_FN_LEGACY	1	/* MSI or MSI-X, firmware's choice */
#define RTAS_MSI_FN_MSI		3
#define RTAS_MSI_FN_MSIX	4
#define RTAS_MSI_FN_MSI32	5	/* 32-bit message address only */
#define RTAS_MSI_FN_MSIX32	6

/* Tries of one RTAS call that keeps answering busy or "delay" */
#define RTAS_MSI_MAX_TRIES	64

/**
 * struct rtas_msi_addr - A PCI function as RTAS names it
 * @config:	Configuration address (bus, devfn)
 * @buid:	Unit id of the PHB
 * @name:	Device name for log lines
 */
struct rtas_msi_addr {
	u32		config;
	u64		buid;
	const char	*name;
};

/**
 * struct rtas_msi_vec - One vector granted by firmware
 * @source:	Interrupt source number from firmware
 * @level:	Firmware reports the source as level triggered
 * @virq:	Linux interrupt, 0 while unmapped
 */
struct rtas_msi_vec {
	u32		source;
	bool		level;
	unsigned int	virq;
};

/**
 * struct rtas_msi_pe - MSI budget of a partitionable endpoint
 * @total:	Vectors of the PE (ibm,pe-total-#msi)
 * @ndev:	PCI functions of the PE, bridges excluded
 * @spare:	Vectors the other functions leave of their fair share
 * @over:	Other functions that want more than a fair share
 */
struct rtas_msi_pe {
	unsigned int	total;
	unsigned int	ndev;
	unsigned int	spare;
	unsigned int	over;
};

#if IS_ENABLED(CONFIG_KUNIT)
int rtas_msi_fw_change(const struct rtas_msi_addr *a, u32 func, u32 nvec,
		       u32 seq, int *out);
int rtas_msi_fw_query(const struct rtas_msi_addr *a, u32 index, int *out);
bool rtas_msi_busy_delay(int status);
int rtas_msi_errno(int status);
int rtas_msi_change(const struct rtas_msi_addr *a, u32 func,
		    unsigned int nvec);
int rtas_msi_release(const struct rtas_msi_addr *a, bool quiet);
int rtas_msi_query(const struct rtas_msi_addr *a, unsigned int index,
		   struct rtas_msi_vec *vec);
struct irq_domain *rtas_msi_domain_create(struct irq_domain *parent,
					  const char *name);
int rtas_msi_map(struct irq_domain *dom, struct rtas_msi_vec *vec,
		 unsigned int n, bool block,
		 const struct irq_affinity_desc *aff, int node);
void rtas_msi_unmap(struct rtas_msi_vec *vec, unsigned int n);
int rtas_msi_get(struct irq_domain *dom, const struct rtas_msi_addr *a,
		 u32 func, unsigned int ask, unsigned int nvec,
		 struct rtas_msi_vec *vec, const struct irq_affinity_desc *aff,
		 int node);
unsigned int rtas_msi_quota(const struct rtas_msi_pe *pe, unsigned int want);
void rtas_msi_chip_up(unsigned int virq, bool up);
int rtas_msi_follow(struct irq_domain *dom, unsigned int virq, u32 source,
		    struct device *owner);
#endif

#endif /* _POWERPC_KERNEL_MSI_RTAS_H */
