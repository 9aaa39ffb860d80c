// SPDX-License-Identifier: GPL-2.0
/*
 * pSeries MSI backend: vectors from firmware through RTAS
 *
 * In a pSeries logical partition the hypervisor owns the MSI address and
 * data registers of every PCI function. The partition asks for vectors
 * with the RTAS call ibm,change-msi, which programs the device and may
 * grant fewer than asked, learns the interrupt source number behind each
 * vector with ibm,query-interrupt-source-number, and hands those numbers
 * to the platform interrupt controller (XIVE or XICS) like any other
 * source. The kernel never writes an MSI address or data register here
 * (PCI_MSI_OPS_FW_OWNS_MSG): the core skips those writes at setup, restore
 * and affinity changes alike.
 *
 * The vectors' Linux interrupts live in the "RTAS-MSI" irq domain, a
 * child of the XIVE or XICS domain, whose chip hands every operation down
 * to the interrupt controller and, like upstream's PCI/MSI chips, is
 * one-shot safe: an MSI is an edge, so a threaded handler needs no mask
 * of the source while it runs. Masking happens at the interrupt source,
 * in the XIVE or XICS; the device's own per-vector mask bits are the
 * core's, which opens the MSI-X entries once firmware has set them up
 * and leaves them alone afterwards (PCI_MSI_OPS_NO_MASK).
 *
 * The firmware calls sit behind two small functions that the KUnit suite
 * replaces with an RTAS simulator (msi_rtas_kunit.c).
 */
#define pr_fmt(fmt) "rtas-msi: " fmt

#include <linux/bitfield.h>
#include <linux/cache.h>
#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/irqnr.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/msi.h>
#include <linux/msi_ops.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <kunit/static_stub.h>

#include <asm/machdep.h>
#include <asm/pci-bridge.h>
#include <asm/ppc-pci.h>
#include <asm/rtas.h>
#include <asm/xive.h>

#define CREATE_TRACE_POINTS
#include <trace/events/pci_msi_rtas.h>

/* ibm,change-msi function codes (PAPR) */
#define RTAS_MSI_FN_LEGACY	1	/* MSI or MSI-X, firmware's choice */
#define RTAS_MSI_FN_MSI		3
#define RTAS_MSI_FN_MSIX	4
#define RTAS_MSI_FN_MSI32	5	/* 32-bit message address only */
#define RTAS_MSI_FN_MSIX32	6

/* How long one RTAS operation may keep answering busy or "delay" */
#define RTAS_MSI_BUSY_TIMEOUT_MS	10000

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
 * @edge:	Firmware reports the source as edge triggered, as an MSI is
 * @virq:	Linux interrupt, 0 while unmapped
 */
struct rtas_msi_vec {
	u32		source;
	bool		edge;
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

/* Status of RTAS calls that a partition is not allowed to make */
#define RTAS_MSI_NOT_AUTHORIZED	-9002

/* The RTAS-MSI irq domain, over the XIVE or XICS domain */
static struct irq_domain *rtas_msi_domain __ro_after_init;
static s32 rtas_msi_change_token __ro_after_init = RTAS_UNKNOWN_SERVICE;
static s32 rtas_msi_query_token __ro_after_init = RTAS_UNKNOWN_SERVICE;

/*
 * The seam: one raw call of each RTAS function, and the busy wait. The
 * KUnit suite redirects these to its simulator.
 */

/**
 * rtas_msi_fw_change - One raw ibm,change-msi call
 * @a:		The PCI function
 * @func:	Function code, RTAS_MSI_FN_*
 * @nvec:	Vectors wanted, 0 to release them all
 * @seq:	Sequence number, 1 on the first call
 * @out:	Three outputs: vectors granted, next sequence number and
 *		interrupt type (the legacy function code sets the first two)
 *
 * Return: The RTAS status.
 */
static int rtas_msi_fw_change(const struct rtas_msi_addr *a, u32 func,
			      u32 nvec, u32 seq, int *out)
{
	KUNIT_STATIC_STUB_REDIRECT(rtas_msi_fw_change, a, func, nvec, seq, out);

	return rtas_call(rtas_msi_change_token, 6,
			 func == RTAS_MSI_FN_LEGACY ? 3 : 4, out, a->config,
			 BUID_HI(a->buid), BUID_LO(a->buid), func, nvec, seq);
}

/**
 * rtas_msi_fw_query - One raw ibm,query-interrupt-source-number call
 * @a:		The PCI function
 * @index:	Vector index (MSI-X table entry, or MSI vector)
 * @out:	Two outputs: interrupt source number and trigger type
 *
 * Return: The RTAS status.
 */
static int rtas_msi_fw_query(const struct rtas_msi_addr *a, u32 index,
			     int *out)
{
	KUNIT_STATIC_STUB_REDIRECT(rtas_msi_fw_query, a, index, out);

	return rtas_call(rtas_msi_query_token, 4, 3, out, a->config,
			 BUID_HI(a->buid), BUID_LO(a->buid), index);
}

/**
 * rtas_msi_busy_delay - Wait as an RTAS busy status asks
 * @status:	RTAS status of the last call
 *
 * Return: True when @status asked to call again (after the wait).
 */
static bool rtas_msi_busy_delay(int status)
{
	KUNIT_STATIC_STUB_REDIRECT(rtas_msi_busy_delay, status);

	return rtas_busy_delay(status);
}

/**
 * rtas_msi_now - The clock that bounds busy retries
 *
 * Return: ktime_get(); the KUnit suite runs a clock of its own.
 */
static ktime_t rtas_msi_now(void)
{
	KUNIT_STATIC_STUB_REDIRECT(rtas_msi_now);

	return ktime_get();
}

/**
 * rtas_msi_irq_domain - The RTAS-MSI irq domain the backend maps into
 *
 * Return: rtas_msi_domain; the KUnit suite's simulated interrupt
 * controller has one of its own.
 */
static struct irq_domain *rtas_msi_irq_domain(void)
{
	KUNIT_STATIC_STUB_REDIRECT(rtas_msi_irq_domain);

	return rtas_msi_domain;
}

static bool rtas_msi_is_busy(int status)
{
	return status == RTAS_BUSY ||
	       (status >= RTAS_EXTENDED_DELAY_MIN &&
		status <= RTAS_EXTENDED_DELAY_MAX);
}

/*
 * Whether to call firmware again after @status. A plain busy status
 * costs no more than a cond_resched(), so a number of tries says
 * nothing about how long firmware had: the retries of one operation
 * are bounded by RTAS_MSI_BUSY_TIMEOUT_MS from @deadline on.
 */
static bool rtas_msi_retry(int status, ktime_t deadline)
{
	if (!rtas_msi_is_busy(status) || ktime_after(rtas_msi_now(), deadline))
		return false;
	rtas_msi_busy_delay(status);
	return true;
}

static ktime_t rtas_msi_deadline(void)
{
	return ktime_add_ms(rtas_msi_now(), RTAS_MSI_BUSY_TIMEOUT_MS);
}

/**
 * rtas_msi_errno - Translate an RTAS failure status
 * @status:	Non-zero status of ibm,change-msi or
 *		ibm,query-interrupt-source-number
 *
 * Return: The negative errno for @status; -ETIMEDOUT for a busy status,
 * which is final only once the retries ran out of time.
 */
static int rtas_msi_errno(int status)
{
	switch (status) {
	case RTAS_HARDWARE_ERROR:
		return -EIO;
	case RTAS_INVALID_PARAMETER:
		return -EINVAL;
	case RTAS_ML_ISOLATION_ERROR:
		return -ENXIO;
	case RTAS_MSI_NOT_AUTHORIZED:
		return -EPERM;
	default:
		return rtas_msi_is_busy(status) ? -ETIMEDOUT : -EIO;
	}
}

static int rtas_msi_release(const struct rtas_msi_addr *a, bool quiet);
static int rtas_msi_query_seq(const struct rtas_msi_addr *a,
			      unsigned int index, struct rtas_msi_vec *vec);

/*
 * What the backend knows of a PCI function, worked out once: what
 * firmware holds for it, as the backend's calls left it (debugfs
 * rtas_msi/held shows it, so that a leak of firmware vectors shows),
 * with the function code of the grant, which restore asks for again;
 * and the request that ->check() found firmware would grant, which
 * ->alloc() makes. One record per function that ever asked, found by
 * its RTAS address, never freed: a function that comes back after a
 * hot unplug finds its record again.
 */
struct rtas_msi_fn {
	struct list_head	node;
	u64			buid;
	u32			config;
	char			name[32];
	unsigned int		held;
	u32			func;
	int			offer_type;
	unsigned int		offer_nvec;
	unsigned int		offer_ask;
};

static LIST_HEAD(rtas_msi_fn_list);
static DEFINE_MUTEX(rtas_msi_fn_lock);

/* The record of @a, created with @create; call with rtas_msi_fn_lock */
static struct rtas_msi_fn *rtas_msi_fn_find(const struct rtas_msi_addr *a,
					    bool create)
{
	struct rtas_msi_fn *fn;

	lockdep_assert_held(&rtas_msi_fn_lock);
	list_for_each_entry(fn, &rtas_msi_fn_list, node) {
		if (fn->buid == a->buid && fn->config == a->config)
			goto found;
	}
	if (!create)
		return NULL;
	fn = kzalloc(sizeof(*fn), GFP_KERNEL);
	if (!fn)
		return NULL;
	fn->buid = a->buid;
	fn->config = a->config;
	list_add_tail(&fn->node, &rtas_msi_fn_list);
found:
	/* The name of a function that went away must not dangle */
	strscpy(fn->name, a->name, sizeof(fn->name));
	return fn;
}

/*
 * Firmware holds @n vectors for @a, granted with function code @func
 * (0: a release, or unknown); with @at_least, at least @n. Without
 * memory for a record nothing is kept: restore then asks for the
 * vectors in use with the function code of their type.
 */
static void rtas_msi_account(const struct rtas_msi_addr *a, unsigned int n,
			     u32 func, bool at_least)
{
	struct rtas_msi_fn *fn;

	mutex_lock(&rtas_msi_fn_lock);
	fn = rtas_msi_fn_find(a, n);
	if (fn) {
		fn->held = at_least ? max(fn->held, n) : n;
		if (func)
			fn->func = func;
	}
	mutex_unlock(&rtas_msi_fn_lock);
}

/*
 * One ibm,change-msi sequence: firmware answers busy with the sequence
 * number to continue with, until it is done or the time is up.
 */
static int rtas_msi_change_seq(const struct rtas_msi_addr *a, u32 func,
			       unsigned int nvec)
{
	ktime_t deadline = rtas_msi_deadline();
	int out[3] = { 0 };
	u32 seq = 1;
	int rc;

	for (;;) {
		rc = rtas_msi_fw_change(a, func, nvec, seq, out);
		trace_pci_msi_rtas_change(a->name, func, nvec, seq, rc, out[0]);
		/* Firmware tells how to continue an interrupted change */
		if (rtas_msi_is_busy(rc) && out[1])
			seq = out[1];
		if (!rtas_msi_retry(rc, deadline))
			break;
	}
	if (rtas_msi_is_busy(rc)) {
		pr_err("%s: ibm,change-msi for %u vectors still busy (%d) after %u ms, abandoned\n",
		       a->name, nvec, rc, RTAS_MSI_BUSY_TIMEOUT_MS);
		return -ETIMEDOUT;
	}
	if (rc)
		return rtas_msi_errno(rc);
	if (out[0] < 0) {
		pr_err("%s: ibm,change-msi granted %d vectors\n", a->name, out[0]);
		return -EIO;
	}
	rtas_msi_account(a, out[0], nvec ? func : 0, false);
	return out[0];
}

/**
 * rtas_msi_change - Ask firmware for a number of vectors
 * @a:		The PCI function
 * @func:	Function code, RTAS_MSI_FN_*
 * @nvec:	Vectors wanted, 0 to release them all
 *
 * Calls again while firmware answers busy, for up to
 * RTAS_MSI_BUSY_TIMEOUT_MS. A request for vectors that fails, or is
 * abandoned half way because firmware stayed busy, may have left
 * firmware holding some: they are released (rtas_msi_release(), with
 * retries of its own) before the error is returned. The caller logs
 * failures, it knows what was asked for.
 *
 * Return: The number of vectors firmware granted, which may be fewer
 * than @nvec, or a negative errno (-ETIMEDOUT when firmware stayed
 * busy), with firmware holding nothing for the function.
 */
static int rtas_msi_change(const struct rtas_msi_addr *a, u32 func,
			   unsigned int nvec)
{
	int ret;

	ret = rtas_msi_change_seq(a, func, nvec);
	if (ret < 0 && nvec)
		rtas_msi_release(a, true);
	return ret;
}

/**
 * rtas_msi_release - Give all vectors of a function back to firmware
 * @a:		The PCI function
 * @quiet:	Failure is expected (nothing may be allocated): no log line
 *
 * A 0-vector ibm,change-msi with the explicit MSI function code releases
 * MSI and MSI-X vectors alike. When that fails for any reason but
 * firmware staying busy, the legacy function code is tried, as firmware
 * that lacks the explicit one knows only that.
 *
 * Return: 0, or a negative errno when firmware kept the vectors, or
 * held none (firmware may answer either way then).
 */
static int rtas_msi_release(const struct rtas_msi_addr *a, bool quiet)
{
	int rc;

	rc = rtas_msi_change_seq(a, RTAS_MSI_FN_MSI, 0);
	if (rc < 0 && rc != -ETIMEDOUT)
		rc = rtas_msi_change_seq(a, RTAS_MSI_FN_LEGACY, 0);
	if (rc > 0) {
		pr_err("%s: firmware kept %d vectors on release\n", a->name, rc);
		return -EIO;
	}
	if (rc < 0) {
		struct rtas_msi_vec v;

		/* A failed release of nothing, or vectors left behind? */
		if (rtas_msi_query_seq(a, 0, &v))
			rtas_msi_account(a, 0, 0, false);
		else
			rtas_msi_account(a, 1, 0, true);
		if (!quiet)
			pr_err("%s: firmware refused to release the vectors: %d\n",
			       a->name, rc);
	}
	return rc;
}

/*
 * ibm,query-interrupt-source-number for vector @index, retried while
 * firmware is busy. Fails when firmware holds no vector @index for the
 * function. No log line.
 */
static int rtas_msi_query_seq(const struct rtas_msi_addr *a,
			      unsigned int index, struct rtas_msi_vec *vec)
{
	ktime_t deadline = rtas_msi_deadline();
	int out[2] = { 0 };
	int rc;

	do {
		rc = rtas_msi_fw_query(a, index, out);
		trace_pci_msi_rtas_query(a->name, index, rc, out[0], out[1]);
	} while (rtas_msi_retry(rc, deadline));
	if (rc)
		return rtas_msi_errno(rc);
	vec->source = out[0];
	/* Trigger type: 1 edge, 0 level (PAPR) */
	vec->edge = out[1] != 0;
	return 0;
}

/**
 * rtas_msi_query - Learn the interrupt source of one vector
 * @a:		The PCI function
 * @index:	Vector index
 * @vec:	Filled with the source number and trigger type
 *
 * Return: 0, or a negative errno (logged).
 */
static int rtas_msi_query(const struct rtas_msi_addr *a,
			  unsigned int index, struct rtas_msi_vec *vec)
{
	int rc;

	rc = rtas_msi_query_seq(a, index, vec);
	if (rc)
		pr_err("%s: no interrupt source for vector %u: %d\n", a->name,
		       index, rc);
	return rc;
}

/**
 * rtas_msi_unmap - Dispose of the Linux interrupts of vectors
 * @vec:	The vectors; those with a Linux interrupt lose it
 * @n:		Number of vectors
 */
static void rtas_msi_unmap(struct rtas_msi_vec *vec, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (!vec[i].virq)
			continue;
		irq_dispose_mapping(vec[i].virq);
		vec[i].virq = 0;
	}
}

/*
 * The RTAS-MSI irq domain and chip. The chip passes everything on to the
 * interrupt controller's: the callbacks that genirq walks the hierarchy
 * for itself (interrupt chip state, vCPU affinity) need no entry here.
 */
static unsigned int rtas_msi_irq_startup(struct irq_data *d)
{
	struct irq_data *parent = d->parent_data;

	if (parent->chip->irq_startup)
		return parent->chip->irq_startup(parent);
	parent->chip->irq_unmask(parent);
	return 0;
}

static void rtas_msi_irq_shutdown(struct irq_data *d)
{
	struct irq_data *parent = d->parent_data;

	/* genirq masks only when the top chip has no irq_shutdown */
	if (parent->chip->irq_shutdown)
		parent->chip->irq_shutdown(parent);
	else
		parent->chip->irq_mask(parent);
}

/*
 * Replaying an MSI that arrived while its handler ran on another CPU
 * (IRQD_RESEND_WHEN_IN_PROGRESS). XIVE retriggers the source in
 * hardware. XICS cannot, and genirq replays the interrupt in software,
 * from a tasklet that may run on any CPU: xics_retrigger() pushes a
 * dummy CPPR on this CPU for the EOI of the replay, which then pops the
 * CPPR stack of whichever CPU runs the tasklet (an underflow WARN in
 * icp_hv_eoi(), a stale priority here). A software replay was never
 * taken from the presentation controller, so it has nothing to EOI
 * there: neither push nor pop.
 */
static int rtas_msi_irq_retrigger(struct irq_data *d)
{
	if (xive_enabled())
		return irq_chip_retrigger_hierarchy(d);
	return 0;
}

static void rtas_msi_irq_eoi(struct irq_data *d)
{
	/* Interrupts taken from XICS are handled in hard interrupt context */
	if (!xive_enabled() && !in_hardirq())
		return;
	irq_chip_eoi_parent(d);
}

static struct irq_chip rtas_msi_chip = {
	.name			= "RTAS-MSI",
	.irq_startup		= rtas_msi_irq_startup,
	.irq_shutdown		= rtas_msi_irq_shutdown,
	.irq_mask		= irq_chip_mask_parent,
	.irq_unmask		= irq_chip_unmask_parent,
	.irq_eoi		= rtas_msi_irq_eoi,
	.irq_set_affinity	= irq_chip_set_affinity_parent,
	.irq_set_type		= irq_chip_set_type_parent,
	.irq_retrigger		= rtas_msi_irq_retrigger,
	/*
	 * No IRQCHIP_SKIP_SET_WAKE: a partition cannot arm a wakeup, and
	 * enable_irq_wake() says so (-ENXIO) as it does upstream.
	 */
	.flags			= IRQCHIP_ONESHOT_SAFE,
};

/* One vector (@arg, a struct rtas_msi_vec) at a time */
static int rtas_msi_domain_alloc(struct irq_domain *dom, unsigned int virq,
				 unsigned int nr_irqs, void *arg)
{
	const struct rtas_msi_vec *vec = arg;
	struct irq_fwspec fwspec = {
		.fwnode		= dom->parent->fwnode,
		.param_count	= 2,
		/* Interrupt specifier cells: source, sense (0: edge) */
		.param		= { vec->source, 0 },
	};
	int ret;

	if (nr_irqs != 1)
		return -EINVAL;
	ret = irq_domain_alloc_irqs_parent(dom, virq, 1, &fwspec);
	if (ret)
		return ret;
	irq_domain_set_hwirq_and_chip(dom, virq, vec->source, &rtas_msi_chip,
				      NULL);
	/*
	 * XICS and XIVE use the fasteoi flow, which drops an interrupt
	 * arriving on the new CPU of an affinity change while the old CPU
	 * still runs the handler: have the core replay it instead.
	 */
	irqd_set_resend_when_in_progress(irq_get_irq_data(virq));
	return 0;
}

static const struct irq_domain_ops rtas_msi_domain_ops = {
	.alloc	= rtas_msi_domain_alloc,
	/* The controller's free releases its per-source data (XIVE) */
	.free	= irq_domain_free_irqs_common,
};

/**
 * rtas_msi_domain_create - Create an RTAS-MSI irq domain
 * @parent:	Domain of the interrupt controller
 * @name:	Name of the domain
 *
 * Return: The domain, or NULL (logged).
 */
static struct irq_domain *rtas_msi_domain_create(struct irq_domain *parent,
						 const char *name)
{
	struct fwnode_handle *fwnode;
	struct irq_domain *dom;

	fwnode = irq_domain_alloc_named_fwnode(name);
	dom = fwnode ? irq_domain_create_hierarchy(parent, 0, 0, fwnode,
						   &rtas_msi_domain_ops, NULL) :
		       NULL;
	if (!dom) {
		pr_err("cannot create the %s irq domain\n", name);
		irq_domain_free_fwnode(fwnode);
	}
	return dom;
}

/**
 * rtas_msi_map - Give firmware's interrupt sources Linux interrupts
 * @dom:	The RTAS-MSI domain, a child of the domain of the interrupt
 *		controller the sources belong to
 * @vec:	The vectors, with their source numbers
 * @n:		Number of vectors
 * @block:	Consecutive Linux interrupts are needed (multi-MSI)
 * @aff:	Optional affinity, one entry per vector
 * @node:	NUMA node of the device
 *
 * A source number that already has a Linux interrupt, in this domain or
 * straight in the interrupt controller's, is refused: it belongs to
 * someone else, or firmware handed it out twice.
 *
 * Return: 0 with a Linux interrupt in every vector, or a negative errno
 * (logged) with none.
 */
static int rtas_msi_map(struct irq_domain *dom,
			struct rtas_msi_vec *vec, unsigned int n,
			bool block, const struct irq_affinity_desc *aff,
			int node)
{
	unsigned int i, taken;
	int base = 0, virq, ret;

	/*
	 * Linux interrupt numbers from the lowest free one up, as every
	 * MSI irq domain gets them, not near firmware's source numbers:
	 * those scatter the numbers over the sparse interrupt tree, whose
	 * every insertion and removal then costs more.
	 */
	if (block) {
		base = irq_domain_alloc_descs(-1, n, 0, node, aff);
		if (base < 0)
			return base;
	}

	for (i = 0; i < n; i++) {
		taken = irq_find_mapping(dom->parent, vec[i].source);
		if (taken) {
			pr_err("source %#x of vector %u is irq %u already\n",
			       vec[i].source, i, taken);
			ret = -EBUSY;
			goto undo;
		}
		if (block) {
			virq = base + i;
		} else {
			virq = irq_domain_alloc_descs(-1, 1, 0, node,
						      aff ? &aff[i] : NULL);
			if (virq < 0) {
				ret = virq;
				goto undo;
			}
		}
		ret = __irq_domain_alloc_irqs(dom, virq, 1, node, &vec[i], true,
					      NULL);
		if (ret < 0) {
			pr_err("source %#x of vector %u refused by the interrupt controller: %d\n",
			       vec[i].source, i, ret);
			/* The irq domain code freed the descriptor */
			i++;
			goto undo_descs;
		}
		vec[i].virq = virq;
	}
	return 0;

undo:
	/* In a block, the descriptor of vector i is still allocated */
undo_descs:
	if (block && i < n)
		irq_free_descs(base + i, n - i);
	rtas_msi_unmap(vec, n);
	return ret;
}

static const char *rtas_msi_fn_name(u32 func)
{
	switch (func) {
	case RTAS_MSI_FN_MSIX:
	case RTAS_MSI_FN_MSIX32:
		return "MSI-X";
	case RTAS_MSI_FN_LEGACY:
		return "MSI (legacy call)";
	default:
		return "MSI";
	}
}

/**
 * rtas_msi_get - Obtain and map a function's vectors
 * @dom:	The RTAS-MSI domain
 * @a:		The PCI function
 * @func:	Function code, RTAS_MSI_FN_*
 * @ask:	Vectors to ask firmware for, at least @nvec
 * @nvec:	Vectors to map
 * @vec:	@nvec entries, filled in on success
 * @aff:	Optional affinity, @nvec entries
 * @node:	NUMA node of the device
 *
 * Some firmware only grants powers of two: @ask may round @nvec up, and
 * when firmware refuses @ask or grants fewer, @nvec is asked for. When
 * firmware grants fewer than @nvec, whatever it granted is released: the
 * caller retries with that number.
 *
 * Return: 0, the positive number of vectors firmware can grant, or a
 * negative errno. Firmware holds nothing for the function unless 0 is
 * returned.
 */
static int rtas_msi_get(struct irq_domain *dom,
			const struct rtas_msi_addr *a, u32 func,
			unsigned int ask, unsigned int nvec,
			struct rtas_msi_vec *vec,
			const struct irq_affinity_desc *aff, int node)
{
	bool block = func != RTAS_MSI_FN_MSIX && func != RTAS_MSI_FN_MSIX32;
	unsigned int i;
	int got, ret;

	got = rtas_msi_change(a, func, ask);
	/* Old firmware knows only the legacy code: any failure but a timeout */
	if (got < 0 && got != -ETIMEDOUT && func == RTAS_MSI_FN_MSI) {
		pr_info("%s: ibm,change-msi for MSI failed (%d), trying the legacy function code\n",
			a->name, got);
		func = RTAS_MSI_FN_LEGACY;
		got = rtas_msi_change(a, func, ask);
	}
	/*
	 * The power of two refused, or answered with fewer (QEMU answers a
	 * function's limit and holds nothing): ask for @nvec, which
	 * replaces whatever firmware holds for the function.
	 */
	if (got < (int)ask && ask != nvec)
		got = rtas_msi_change(a, func, nvec);
	if (got < 0) {
		pr_err("%s: ibm,change-msi for %u %s vectors failed: %d\n",
		       a->name, nvec, rtas_msi_fn_name(func), got);
		return got;
	}
	if (got < nvec) {
		/* Firmware may hold the smaller number, or nothing */
		rtas_msi_release(a, true);
		if (!got) {
			pr_warn("%s: firmware has no %s vectors left\n",
				a->name, rtas_msi_fn_name(func));
			return -ENOSPC;
		}
		pr_info("%s: firmware grants %d of %u %s vectors\n",
			a->name, got, nvec, rtas_msi_fn_name(func));
		return got;
	}

	for (i = 0; i < nvec; i++) {
		vec[i].virq = 0;
		ret = rtas_msi_query(a, i, &vec[i]);
		if (ret)
			goto release;
		/* A message is an edge whatever firmware says; used as one */
		if (!vec[i].edge)
			pr_warn_once("%s: firmware reports MSI source %#x as level triggered, used as an edge\n",
				     a->name, vec[i].source);
	}
	ret = rtas_msi_map(dom, vec, nvec, block, aff, node);
	if (ret)
		goto release;
	return 0;

release:
	pr_err("%s: setting up %u %s vectors failed: %d\n", a->name, nvec,
	       rtas_msi_fn_name(func), ret);
	rtas_msi_release(a, false);
	return ret;
}

/**
 * rtas_msi_quota - A function's share of its PE's vectors
 * @pe:		Budget of the PE
 * @want:	Vectors the function asks for
 *
 * Every function of the PE is entitled to an equal share; what the
 * others leave of theirs, and the remainder of the division, goes in
 * equal parts to the functions that want more than a share.
 *
 * Return: The number of vectors the function may have, at most @want.
 */
static unsigned int rtas_msi_quota(const struct rtas_msi_pe *pe,
				   unsigned int want)
{
	unsigned int share, extra;

	if (!pe->ndev)
		return want;
	share = pe->total / pe->ndev;
	if (want <= share)
		return want;
	extra = (pe->spare + pe->total % pe->ndev) / (pe->over + 1);
	return min(want, share + extra);
}

/* Device tree side of the quota */

struct rtas_msi_count {
	struct device_node	*self;
	unsigned int		share;
	struct rtas_msi_pe	pe;
};

static unsigned int rtas_msi_dt_want(struct device_node *dn)
{
	u32 msi = 0, msix = 0;

	of_property_read_u32(dn, "ibm,req#msi", &msi);
	of_property_read_u32(dn, "ibm,req#msi-x", &msix);
	return max(msi, msix);
}

static bool rtas_msi_dt_is_bridge(struct device_node *dn)
{
	u32 class = 0;

	of_property_read_u32(dn, "class-code", &class);
	return (class >> 8) == PCI_CLASS_BRIDGE_PCI;
}

static void *rtas_msi_count_dev(struct device_node *dn, void *data)
{
	struct rtas_msi_count *c = data;

	if (!rtas_msi_dt_is_bridge(dn))
		c->pe.ndev++;
	return NULL;
}

static void *rtas_msi_count_spare(struct device_node *dn, void *data)
{
	struct rtas_msi_count *c = data;
	unsigned int want;

	if (dn == c->self || rtas_msi_dt_is_bridge(dn))
		return NULL;
	want = rtas_msi_dt_want(dn);
	if (want < c->share)
		c->pe.spare += c->share - want;
	else if (want > c->share)
		c->pe.over++;
	return NULL;
}

/* PE budget of firmware that predates ibm,pe-total-#msi, as upstream */
#define RTAS_MSI_PE_DEFAULT_TOTAL	8

/*
 * The budget of the function's PE, in one walk of the device tree. The
 * PE is the nearest node up the tree with ibm,pe-total-#msi. Old
 * firmware has none: the PE is then taken to be the function's parent
 * node, with RTAS_MSI_PE_DEFAULT_TOTAL vectors. Without either, @pe
 * counts no functions, and rtas_msi_quota() applies no budget.
 */
static void rtas_msi_dev_pe(struct pci_dev *pdev, struct rtas_msi_pe *pe)
{
	struct device_node *dn = pci_device_to_OF_node(pdev);
	struct rtas_msi_count c = { .self = dn };
	struct device_node *node;
	u32 total;

	memset(pe, 0, sizeof(*pe));
	for (node = of_node_get(dn); node; node = of_get_next_parent(node)) {
		if (!of_property_read_u32(node, "ibm,pe-total-#msi", &total))
			break;
	}
	if (!node) {
		node = dn ? of_get_parent(dn) : NULL;
		if (!node)
			return;
		total = RTAS_MSI_PE_DEFAULT_TOTAL;
	}

	c.pe.total = total;
	pci_traverse_device_nodes(node, rtas_msi_count_dev, &c);
	if (c.pe.ndev) {
		c.share = total / c.pe.ndev;
		pci_traverse_device_nodes(node, rtas_msi_count_spare, &c);
	}
	pci_dbg(pdev, "PE %pOF: %u vectors for %u functions, %u spare, %u want more\n",
		node, total, c.pe.ndev, c.pe.spare, c.pe.over);
	of_node_put(node);
	*pe = c.pe;
}

/* The backend */

static int rtas_msi_dev_addr(struct pci_dev *pdev, struct rtas_msi_addr *a)
{
	struct pci_dn *pdn = pci_get_pdn(pdev);

	if (!pdn || !pdn->phb)
		return -ENODEV;
	a->config = rtas_config_addr(pdn->busno, pdn->devfn, 0);
	a->buid = pdn->phb->buid;
	a->name = pci_name(pdev);
	return 0;
}

static const char *rtas_msi_req_prop(int type)
{
	return type == PCI_CAP_ID_MSIX ? "ibm,req#msi-x" : "ibm,req#msi";
}

static bool rtas_msi_match(struct pci_dev *pdev)
{
	struct pci_dn *pdn = pci_get_pdn(pdev);

	return pdn && pdn->phb;
}

/*
 * What firmware offers: the function's request property, then its share
 * of the PE, worked out once per attempt. Some firmware grants MSI-X in
 * powers of two only: the count is rounded up when the table, the
 * request property and the quota allow it, and ->alloc() asks for that.
 */
static int rtas_msi_check(struct pci_dev *pdev, int type, int nvec)
{
	const char *kind = type == PCI_CAP_ID_MSIX ? "MSI-X" : "MSI";
	struct device_node *dn = pci_device_to_OF_node(pdev);
	unsigned int limit, ask, up;
	struct rtas_msi_addr a;
	struct rtas_msi_fn *fn;
	struct rtas_msi_pe pe;
	u32 req;

	if (!dn || of_property_read_u32(dn, rtas_msi_req_prop(type), &req)) {
		pci_dbg(pdev, "firmware offers no %s (no %s)\n", kind,
			rtas_msi_req_prop(type));
		return -ENODEV;
	}
	rtas_msi_dev_pe(pdev, &pe);
	limit = rtas_msi_quota(&pe, min_t(unsigned int, nvec, req));
	if (!limit) {
		pci_info(pdev, "no %s vectors: %s is %u, quota exhausted?\n",
			 kind, rtas_msi_req_prop(type), req);
		return -ENOSPC;
	}
	if (limit < nvec)
		pci_dbg(pdev, "%s limited to %u of %d vectors by firmware\n",
			kind, limit, nvec);

	ask = limit;
	up = roundup_pow_of_two(limit);
	if (type == PCI_CAP_ID_MSIX && up != limit && up <= req &&
	    up <= pci_msix_vec_count(pdev) && rtas_msi_quota(&pe, up) == up)
		ask = up;
	if (!rtas_msi_dev_addr(pdev, &a)) {
		mutex_lock(&rtas_msi_fn_lock);
		fn = rtas_msi_fn_find(&a, true);
		if (fn) {
			fn->offer_type = type;
			fn->offer_nvec = limit;
			fn->offer_ask = ask;
		}
		mutex_unlock(&rtas_msi_fn_lock);
	}
	return limit;
}

static u32 rtas_msi_func(struct pci_dev *pdev, int type)
{
	if (type == PCI_CAP_ID_MSIX)
		return pdev->no_64bit_msi ? RTAS_MSI_FN_MSIX32 : RTAS_MSI_FN_MSIX;
	return pdev->no_64bit_msi ? RTAS_MSI_FN_MSI32 : RTAS_MSI_FN_MSI;
}

/*
 * Firmware's message, for introspection only: the cache is what the
 * core would write back, and it never does for this backend.
 */
static void rtas_msi_read_msgs(struct pci_dev *pdev)
{
	struct msi_desc *desc;

	msi_for_each_desc(desc, &pdev->dev, MSI_DESC_ASSOCIATED) {
		if (!desc->pci.msi_attrib.is_virtual)
			__pci_read_msi_msg(desc, &desc->msg);
	}
}

static int rtas_msi_attach(struct pci_dev *pdev, int type,
			   struct rtas_msi_vec *vec, unsigned int nvec)
{
	struct msi_desc *desc;
	unsigned int i;
	int ret;

	if (type == PCI_CAP_ID_MSI) {
		desc = msi_first_desc(&pdev->dev, MSI_DESC_ALL);
		for (i = 0; i < nvec; i++) {
			ret = irq_set_msi_desc_off(vec[0].virq, i, desc);
			if (ret)
				return ret;
		}
		return 0;
	}

	msi_for_each_desc(desc, &pdev->dev, MSI_DESC_NOTASSOCIATED) {
		if (desc->msi_index >= nvec) {
			pci_err(pdev, "MSI-X entry %u beyond the %u granted\n",
				desc->msi_index, nvec);
			return -EINVAL;
		}
		ret = irq_set_msi_desc(vec[desc->msi_index].virq, desc);
		if (ret)
			return ret;
	}
	return 0;
}

static void rtas_msi_detach(struct pci_dev *pdev)
{
	struct msi_desc *desc;
	unsigned int i;

	msi_for_each_desc(desc, &pdev->dev, MSI_DESC_ASSOCIATED) {
		for (i = 0; i < desc->nvec_used; i++)
			irq_set_msi_desc(desc->irq + i, NULL);
		desc->irq = 0;
	}
}

/* Affinity of the vectors in one array, as rtas_msi_map() wants it */
static struct irq_affinity_desc *rtas_msi_affinity(struct pci_dev *pdev,
						   int type, unsigned int nvec,
						   bool *copied)
{
	struct irq_affinity_desc *aff;
	struct msi_desc *desc;

	*copied = false;
	if (type == PCI_CAP_ID_MSI) {
		desc = msi_first_desc(&pdev->dev, MSI_DESC_ALL);
		return desc ? desc->affinity : NULL;
	}

	msi_for_each_desc(desc, &pdev->dev, MSI_DESC_ALL) {
		if (desc->affinity)
			break;
	}
	if (!desc)
		return NULL;
	aff = kcalloc(nvec, sizeof(*aff), GFP_KERNEL);
	if (!aff)
		return ERR_PTR(-ENOMEM);
	msi_for_each_desc(desc, &pdev->dev, MSI_DESC_ALL) {
		if (desc->affinity && desc->msi_index < nvec)
			aff[desc->msi_index] = *desc->affinity;
	}
	*copied = true;
	return aff;
}

/* What ->check() found to ask firmware for, for @nvec vectors */
static unsigned int rtas_msi_ask(const struct rtas_msi_addr *a, int type,
				 unsigned int nvec)
{
	struct rtas_msi_fn *fn;
	unsigned int ask = nvec;

	mutex_lock(&rtas_msi_fn_lock);
	fn = rtas_msi_fn_find(a, false);
	if (fn && fn->offer_type == type && fn->offer_nvec == nvec)
		ask = fn->offer_ask;
	mutex_unlock(&rtas_msi_fn_lock);
	return ask;
}

static int rtas_msi_alloc(struct pci_dev *pdev, int type, int nvec)
{
	struct irq_domain *dom = rtas_msi_irq_domain();
	struct irq_affinity_desc *aff;
	struct rtas_msi_vec *vec;
	struct rtas_msi_addr a;
	bool copied;
	int ret;

	if (!dom || rtas_msi_dev_addr(pdev, &a))
		return -ENODEV;

	vec = kcalloc(nvec, sizeof(*vec), GFP_KERNEL);
	if (!vec)
		return -ENOMEM;
	aff = rtas_msi_affinity(pdev, type, nvec, &copied);
	if (IS_ERR(aff)) {
		ret = PTR_ERR(aff);
		goto out;
	}

	ret = rtas_msi_get(dom, &a, rtas_msi_func(pdev, type),
			   rtas_msi_ask(&a, type, nvec), nvec, vec, aff,
			   dev_to_node(&pdev->dev));
	if (ret)
		goto out;

	ret = rtas_msi_attach(pdev, type, vec, nvec);
	if (ret) {
		rtas_msi_detach(pdev);
		rtas_msi_unmap(vec, nvec);
		rtas_msi_release(&a, false);
		goto out;
	}
	rtas_msi_read_msgs(pdev);
	pci_dbg(pdev, "%d %s vectors from firmware, first source %#x, irq %u\n",
		nvec, type == PCI_CAP_ID_MSIX ? "MSI-X" : "MSI", vec[0].source,
		vec[0].virq);
out:
	if (copied)
		kfree(aff);
	kfree(vec);
	return ret;
}

static void rtas_msi_free(struct pci_dev *pdev, int type)
{
	struct rtas_msi_addr a;
	struct msi_desc *desc;
	unsigned int i, virq;

	msi_for_each_desc(desc, &pdev->dev, MSI_DESC_ASSOCIATED) {
		for (i = 0; i < desc->nvec_used; i++) {
			virq = desc->irq + i;
			irq_set_msi_desc(virq, NULL);
			irq_dispose_mapping(virq);
		}
		desc->irq = 0;
	}
	/* Linux let go of the vectors whatever firmware says */
	if (!rtas_msi_dev_addr(pdev, &a))
		rtas_msi_release(&a, false);
}

/**
 * rtas_msi_follow() - Move a Linux interrupt to the source firmware gave it
 * @dom:	The RTAS-MSI domain
 * @virq:	Linux interrupt of the vector, shut down at its chip
 *		(pci_msi_quiesce_vectors()) if it was requested
 * @source:	Interrupt source the vector has now
 * @owner:	Device of the vector; only its interrupts may give way
 *
 * A source that is mapped already must belong to another RTAS vector of
 * @owner (firmware handed the device's sources out in another order):
 * the two Linux interrupts exchange sources. Otherwise the source is
 * mapped to a spare Linux interrupt, the two are exchanged and the
 * spare is unmapped, taking the old source along. Either way the
 * requested interrupt keeps its number, handler and affinity.
 *
 * Return: 0 or a negative errno (logged); @virq is unchanged on error.
 */
static int rtas_msi_follow(struct irq_domain *dom,
			   unsigned int virq, u32 source,
			   struct device *owner)
{
	struct rtas_msi_vec spare = { .source = source };
	struct msi_desc *other;
	unsigned int taken;
	int ret;

	/* Whoever has the source, an RTAS vector or not */
	taken = irq_find_mapping(dom->parent, source);
	if (taken) {
		other = irq_get_msi_desc(taken);
		if (!irq_domain_get_irq_data(dom, taken) || !other ||
		    other->dev != owner) {
			pr_err("source %#x for irq %u is irq %u of another device\n",
			       source, virq, taken);
			return -EBUSY;
		}
		ret = irq_domain_swap_hwirqs(dom, virq, taken);
	} else {
		ret = rtas_msi_map(dom, &spare, 1, false, NULL,
				   irq_data_get_node(irq_get_irq_data(virq)));
		if (ret)
			return ret;
		ret = irq_domain_swap_hwirqs(dom, virq, spare.virq);
		rtas_msi_unmap(&spare, 1);
	}
	if (ret)
		pr_err("cannot move irq %u to source %#x: %d\n", virq, source, ret);
	return ret;
}

/*
 * Does firmware still hold the @n vectors of @vec for the function,
 * with the sources Linux has for them, and @ask vectors in all (@ask
 * may be a power of two above @n)? Asks ibm,query-interrupt-source-number
 * for each; a vector firmware does not hold fails the query.
 */
static bool rtas_msi_fw_holds(const struct rtas_msi_addr *a,
			      const struct rtas_msi_vec *vec, unsigned int n,
			      unsigned int ask)
{
	struct rtas_msi_vec v;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (rtas_msi_query_seq(a, i, &v) ||
		    v.source != irqd_to_hwirq(irq_get_irq_data(vec[i].virq)))
			return false;
	}
	if (ask > n && rtas_msi_query_seq(a, ask - 1, &v))
		return false;
	/* Not more than that either */
	return rtas_msi_query_seq(a, ask, &v) != 0;
}

/**
 * rtas_msi_reclaim - Have the vectors of a function in place again
 * @dom:	The RTAS-MSI domain
 * @a:		The PCI function
 * @func:	Function code, RTAS_MSI_FN_*
 * @ask:	Vectors the function asked firmware for, at least @n
 * @vec:	The vectors in use, with their Linux interrupts
 * @n:		Number of vectors in use
 * @msgs_ok:	The device still holds the messages firmware programmed
 * @pdev:	The PCI device of the vectors
 *
 * Restore runs for every pci_restore_state(), after a reset or none.
 * When firmware still holds the function's vectors, with the same
 * sources, and the device still has their messages, nothing is asked
 * of firmware. Otherwise firmware is asked for @ask vectors again, in
 * one ibm,change-msi that replaces whatever it holds for the function:
 * the vectors are never released on the way, so no other function of
 * the PE can take them in between. Firmware may hand out other sources
 * (QEMU allocates the new ones before it frees the old): the Linux
 * interrupts follow them, and keep their numbers, handlers and affinity.
 * Meanwhile the core keeps the requested ones shut down at their chips
 * (pci_msi_quiesce_vectors()): firmware that hands a source out anew may
 * reset its state in the interrupt controller (QEMU leaves a re-claimed
 * XIVE source masked until it is configured again), and an interrupt
 * must end at the source that raised it.
 *
 * Context: Process context, the device's descriptor lock held.
 * Return: 0 when nothing had to be done, 1 when firmware programmed
 * the device again, or a negative errno (logged).
 */
static int rtas_msi_reclaim(struct irq_domain *dom,
			    const struct rtas_msi_addr *a, u32 func,
			    unsigned int ask, struct rtas_msi_vec *vec,
			    unsigned int n, bool msgs_ok, struct pci_dev *pdev)
{
	struct rtas_msi_vec v;
	unsigned int i, moved = 0;
	int ret;

	if (rtas_msi_fw_holds(a, vec, n, ask)) {
		if (msgs_ok)
			return 0;
		pr_info("%s: device lost the messages of its %u vectors, firmware programs them again\n",
			a->name, n);
	} else {
		pr_info("%s: firmware no longer holds the %u vectors, asking again\n",
			a->name, n);
	}

	pci_msi_quiesce_vectors(pdev);

	ret = rtas_msi_change(a, func, ask);
	if (ret >= 0 && ret < n) {
		/* Firmware may hold the smaller number */
		rtas_msi_release(a, true);
		ret = -ENOSPC;
	}
	if (ret < 0) {
		pr_err("%s: firmware did not restore %u vectors: %d\n",
		       a->name, n, ret);
		goto up;
	}

	ret = 0;
	for (i = 0; i < n && !ret; i++) {
		ret = rtas_msi_query(a, i, &v);
		if (ret || irqd_to_hwirq(irq_get_irq_data(vec[i].virq)) ==
			   v.source)
			continue;
		ret = rtas_msi_follow(dom, vec[i].virq, v.source, &pdev->dev);
		moved++;
	}
	if (ret)
		pr_err("%s: vectors not restored: %d\n", a->name, ret);
	else if (moved)
		pr_info("%s: firmware moved %u of %u vectors to other sources, irqs follow\n",
			a->name, moved, n);
up:
	/* Whatever happened: genirq counts the requested ones as started */
	pci_msi_reactivate_vectors(pdev);
	return ret ?: 1;
}

/*
 * Does the device still hold the messages firmware programmed, which
 * rtas_msi_read_msgs() cached? A reset clears them (and MSI's Multiple
 * Message Enable with them). Reading is all the kernel does with them.
 */
static bool rtas_msi_msgs_intact(struct pci_dev *pdev)
{
	struct msi_desc *desc;
	struct msi_msg msg;
	u16 flags;

	msi_for_each_desc(desc, &pdev->dev, MSI_DESC_ASSOCIATED) {
		if (desc->pci.msi_attrib.is_virtual)
			continue;
		if (!desc->msg.address_lo && !desc->msg.address_hi)
			return false;
		__pci_read_msi_msg(desc, &msg);
		if (msg.address_lo != desc->msg.address_lo ||
		    msg.address_hi != desc->msg.address_hi ||
		    msg.data != desc->msg.data)
			return false;
		if (desc->pci.msi_attrib.is_msix)
			continue;
		pci_read_config_word(pdev, pdev->msi_cap + PCI_MSI_FLAGS, &flags);
		if (FIELD_GET(PCI_MSI_FLAGS_QSIZE, flags) <
		    order_base_2(desc->nvec_used))
			return false;
	}
	return true;
}

/*
 * Restore after a reset, or after a resume or error recovery without
 * one: see rtas_msi_reclaim(). On failure the core leaves MSI disabled
 * and logs that; the line here says why.
 */
static int rtas_msi_restore(struct pci_dev *pdev, int type)
{
	struct irq_domain *dom = rtas_msi_irq_domain();
	unsigned int i, n = 0, ask;
	struct rtas_msi_vec *vec;
	struct rtas_msi_addr a;
	struct rtas_msi_fn *fn;
	struct msi_desc *desc;
	u32 func;
	int ret;

	ret = rtas_msi_dev_addr(pdev, &a);
	if (ret)
		return ret;
	if (!dom)
		return -ENODEV;

	msi_lock_descs_assert(&pdev->dev);
	msi_for_each_desc(desc, &pdev->dev, MSI_DESC_ASSOCIATED)
		n += desc->nvec_used;
	if (!n)
		return 0;
	vec = kcalloc(n, sizeof(*vec), GFP_KERNEL);
	if (!vec)
		return -ENOMEM;
	/* MSI-X entries are contiguous from 0 (PCI_MSI_OPS_MSIX_CONTIGUOUS) */
	msi_for_each_desc(desc, &pdev->dev, MSI_DESC_ASSOCIATED) {
		for (i = 0; i < desc->nvec_used; i++) {
			if (WARN_ON_ONCE(desc->msi_index + i >= n)) {
				ret = -EINVAL;
				goto out;
			}
			vec[desc->msi_index + i].virq = desc->irq + i;
		}
	}

	/* What firmware granted at ->alloc(), function code and count */
	func = rtas_msi_func(pdev, type);
	ask = n;
	mutex_lock(&rtas_msi_fn_lock);
	fn = rtas_msi_fn_find(&a, false);
	if (fn && fn->held >= n) {
		ask = fn->held;
		func = fn->func ?: func;
	}
	mutex_unlock(&rtas_msi_fn_lock);

	ret = rtas_msi_reclaim(dom, &a, func, ask, vec, n,
			       rtas_msi_msgs_intact(pdev), pdev);
	if (ret < 0) {
		pci_err(pdev, "MSI%s vectors not restored (%d): the device's interrupts stay off until its driver enables them again\n",
			type == PCI_CAP_ID_MSIX ? "-X" : "", ret);
		goto out;
	}
	if (ret)
		rtas_msi_read_msgs(pdev);
	ret = 0;
out:
	kfree(vec);
	return ret;
}

static const struct pci_msi_ops rtas_msi_ops = {
	.name		= "rtas",
	.flags		= PCI_MSI_OPS_FW_OWNS_MSG | PCI_MSI_OPS_MULTI_MSI |
			  PCI_MSI_OPS_MSIX | PCI_MSI_OPS_MSIX_CONTIGUOUS |
			  PCI_MSI_OPS_NO_MASK,
	.match		= rtas_msi_match,
	.check		= rtas_msi_check,
	.alloc		= rtas_msi_alloc,
	.free		= rtas_msi_free,
	.restore	= rtas_msi_restore,
};

/*
 * A function with an INTx pin for which firmware (or the kernel before
 * a kexec) holds MSIs goes back to INTx: its driver may not ask for MSIs
 * at all, and interrupts would then go nowhere. The MSI and MSI-X enable
 * bits were cleared already when the function was found (pci_msi_init(),
 * pci_msix_init()); the vectors firmware holds are released here. Only
 * functions that firmware offers MSIs to can have any.
 */
static void rtas_msi_lsi_fixup(struct pci_dev *pdev)
{
	struct device_node *dn = pci_device_to_OF_node(pdev);
	struct rtas_msi_vec v;
	struct rtas_msi_addr a;
	bool held;
	u16 ctrl;

	if (!dn || (!of_property_present(dn, "ibm,req#msi") &&
		    !of_property_present(dn, "ibm,req#msi-x")))
		return;
	if (rtas_msi_dev_addr(pdev, &a))
		return;
	/*
	 * Firmware names a source for vector 0 only if it holds vectors.
	 * Release either way, as upstream does: some firmware answers a
	 * release of nothing with success, some with an error, so only the
	 * query tells whether there was something to release.
	 */
	held = !rtas_msi_query_seq(&a, 0, &v);
	if (rtas_msi_release(&a, !held) || !held)
		return;

	pci_info(pdev, "firmware held MSIs for it, released: INTx until a driver asks for MSIs\n");
	if (pdev->msi_cap) {
		pci_read_config_word(pdev, pdev->msi_cap + PCI_MSI_FLAGS, &ctrl);
		if (ctrl & PCI_MSI_FLAGS_ENABLE)
			pci_write_config_word(pdev, pdev->msi_cap + PCI_MSI_FLAGS,
					      ctrl & ~PCI_MSI_FLAGS_ENABLE);
	}
	if (pdev->msix_cap) {
		pci_read_config_word(pdev, pdev->msix_cap + PCI_MSIX_FLAGS, &ctrl);
		if (ctrl & PCI_MSIX_FLAGS_ENABLE)
			pci_write_config_word(pdev, pdev->msix_cap + PCI_MSIX_FLAGS,
					      ctrl & ~PCI_MSIX_FLAGS_ENABLE);
	}
	pci_intx(pdev, 1);
}

/*
 * Run for every PCI function before a driver can bind to it. Without
 * the pSeries MSI domains the OF lookup of a PHB's MSI domain ends at
 * the interrupt controller's domain; the MSI core takes only MSI
 * domains for MSI domains, so the device is left as it was found.
 */
static void rtas_msi_pci_fixup(struct pci_dev *pdev)
{
	if (pdev->irq && rtas_msi_match(pdev))
		rtas_msi_lsi_fixup(pdev);
}

/*
 * Early, before PCI devices are probed. The pSeries MSI irq domains are
 * not built with this backend (a Kconfig choice), so nothing else claims
 * the devices' MSIs.
 */
static int __init rtas_msi_backend_init(void)
{
	struct fwnode_handle *fwnode;
	int ret;

	rtas_msi_change_token = rtas_function_token(RTAS_FN_IBM_CHANGE_MSI);
	rtas_msi_query_token =
		rtas_function_token(RTAS_FN_IBM_QUERY_INTERRUPT_SOURCE_NUMBER);
	if (rtas_msi_change_token == RTAS_UNKNOWN_SERVICE ||
	    rtas_msi_query_token == RTAS_UNKNOWN_SERVICE) {
		pr_info("firmware lacks ibm,change-msi or ibm,query-interrupt-source-number, not registered\n");
		return 0;
	}
	if (!irq_get_default_host()) {
		pr_err("no interrupt controller domain, not registered\n");
		return -ENODEV;
	}
	rtas_msi_domain = rtas_msi_domain_create(irq_get_default_host(),
						 "RTAS-MSI");
	if (!rtas_msi_domain)
		return -ENOMEM;

	ret = pci_msi_set_platform_ops(&rtas_msi_ops);
	if (ret) {
		fwnode = rtas_msi_domain->fwnode;
		irq_domain_remove(rtas_msi_domain);
		irq_domain_free_fwnode(fwnode);
		rtas_msi_domain = NULL;
		return ret;
	}

	if (ppc_md.pci_irq_fixup)
		pr_warn("platform has a PCI irq fixup already, PCI functions left as they are\n");
	else
		ppc_md.pci_irq_fixup = rtas_msi_pci_fixup;
	return 0;
}
machine_early_initcall(pseries, rtas_msi_backend_init);

#ifdef CONFIG_DEBUG_FS
/* rtas_msi/held: the vectors firmware holds, per function and in all */
static int rtas_msi_held_show(struct seq_file *m, void *v)
{
	struct rtas_msi_fn *fn;
	unsigned int total = 0;

	seq_puts(m, "# function buid config vectors\n");
	mutex_lock(&rtas_msi_fn_lock);
	list_for_each_entry(fn, &rtas_msi_fn_list, node) {
		if (!fn->held)
			continue;
		seq_printf(m, "%s %#llx %#x %u\n", fn->name, fn->buid,
			   fn->config, fn->held);
		total += fn->held;
	}
	mutex_unlock(&rtas_msi_fn_lock);
	seq_printf(m, "total %u\n", total);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(rtas_msi_held);

static int __init rtas_msi_debugfs_init(void)
{
	struct dentry *dir;

	if (!rtas_msi_domain)
		return 0;
	dir = debugfs_create_dir("rtas_msi", NULL);
	debugfs_create_file("held", 0444, dir, NULL, &rtas_msi_held_fops);
	return 0;
}
machine_late_initcall(pseries, rtas_msi_debugfs_init);
#endif

#ifdef CONFIG_PPC_PSERIES_MSI_RTAS_KUNIT_TEST
#include "msi_rtas_kunit.c"
#endif
