// SPDX-License-Identifier: GPL-2.0
/*
 * Random sequences of driver calls against the PCI MSI core (KUnit)
 *
 * Each case puts the simulated device of ops_kunit_sim.c behind one
 * backend and runs many short sequences of driver API calls chosen by a
 * seeded pseudo-random generator: pci_alloc_irq_vectors_affinity() with
 * random minimum, maximum, types and affinity, pci_free_irq_vectors(),
 * pci_disable_msi() and pci_disable_msix(), pci_msix_alloc_irq_at() and
 * pci_msix_free_irq(), a device reset followed by pci_restore_msi_state(),
 * and calls that a driver must not make but that must fail cleanly (a
 * second enable of the other type, a taken or out of range table index).
 * Before a call the backend may be told to misbehave: ->check() refuses
 * or limits, ->alloc() grants fewer or fails after doing its work,
 * ->restore() or ->alloc_at() fail.
 *
 * The mock backends (ops_kunit_sim.c's callbacks) misbehave through
 * their knobs. Every other backend registered with the conformance suite
 * (PCI_MSI_CONFORMANCE(): raw, the irq domain adapter, RTAS behind its
 * simulated firmware, sun4v, arch-legacy) runs the same sequences with
 * its own setup, and faults come from the core's fault points
 * (CONFIG_FAIL_PCI_MSI_OPS's), armed for the test's device and thread
 * only: ->check() or ->alloc() fail or grant half, the core fails after
 * ->alloc() or adding a descriptor, ->restore() or ->alloc_at() fail.
 * Nothing the backend holds (its ->held() hook: CPU vectors, firmware
 * grants) may change in a call that changed nothing, and it is back at
 * its start whenever the device has no vectors.
 *
 * A model of what the driver API promises predicts every answer, and
 * after every step the test compares the model with the core (enable
 * state, descriptors, pci_irq_vector()), the device (enable bits in
 * config space, messages in config space and in the MSI-X table), the
 * backend (interrupts it holds) and the system (active Linux interrupts,
 * msi_irqs/ entries in sysfs). Every sequence ends with everything
 * freed and nothing left anywhere.
 *
 * The run is reproducible: the sequences of one seed are always the
 * same. Without parameters the fixed seeds below run; the kernel command
 * line parameters ops_kunit_random.seed=N (one seed), .sequences= and
 * .steps= change that. A failure names the seed, sequence and step and
 * lists the calls of the sequence so far.
 *
 * Copyright (C) 2026 msi-ops maintainers
 */

#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/bitmap.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/kernfs.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/moduleparam.h>
#include <linux/msi.h>
#include <linux/msi_ops.h>
#include <linux/msi_ops_kunit.h>
#include <linux/pci.h>
#include <linux/prandom.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>

#include "msi.h"
#include "ops_kunit_sim.h"

static unsigned long long seed;
module_param(seed, ullong, 0444);
MODULE_PARM_DESC(seed, "Run this seed only (0: the fixed seeds)");

static uint sequences = 64;
module_param(sequences, uint, 0444);
MODULE_PARM_DESC(sequences, "Sequences per seed and backend");

static uint steps = 24;
module_param(steps, uint, 0444);
MODULE_PARM_DESC(steps, "Driver calls per sequence");

static const u64 rnd_fixed_seeds[] = { 1, 2, 0x5eed, 0xdecafbad };

/* Linux interrupts seen in a sequence, checked for leftovers */
#define RND_MAX_SEEN		256
#define RND_LOG_SIZE		4096

enum rnd_mode { RND_NONE, RND_MSI, RND_MSIX };

/* A backend under test and what it promises */
struct rnd_backend {
	const char			*name;
	const struct pci_msi_ops	*ops;
};

/* The expected state of the device, and the run's bookkeeping */
struct rnd {
	struct kunit		*test;
	struct ops_sim		*sim;
	struct pci_dev		*pdev;
	const struct pci_msi_ops *ops;
	/* A backend of the conformance suite, faults by the core; or NULL */
	const struct pci_msi_conformance *c;
	long			held0;		/* c->held() at the start */
	long			held_step;	/* and before this step */
	unsigned int		cap[2];		/* most it grants: MSI, MSI-X */
	struct rnd_state	rs;
	u64			seed;
	unsigned int		seq, step;
	/* The model */
	enum rnd_mode		mode;
	unsigned int		nvec;		/* MSI: vectors */
	DECLARE_BITMAP(entries, SIM_MSIX_VECS);	/* MSI-X: table entries */
	bool			hw_on;		/* enable bit expected set */
	/* Baselines and leftovers */
	unsigned int		irqs0;
	unsigned int		seen[RND_MAX_SEEN];
	unsigned int		nr_seen;
	/* Counters, for the summary */
	unsigned long		nr_steps, nr_faults, nr_ok, nr_refused;
	unsigned long		nr_checked;	/* real backends: held checks */
	/* The calls of the current sequence, for the failure report */
	struct seq_buf		log;
	char			*logbuf;
	bool			failed;
};

/* The mock backends: ops_kunit_sim.c's callbacks, with its fault knobs */

/* Raw programming, dynamic MSI-X, no ->restore(): the core rewrites */
static const struct pci_msi_ops rnd_raw_ops = {
	.name		= "kunit-rnd-raw",
	.flags		= PCI_MSI_OPS_MULTI_MSI | PCI_MSI_OPS_MSIX |
			  PCI_MSI_OPS_MSIX_ALLOC_DYN,
	.check		= ops_sim_mock_check,
	.alloc		= ops_sim_mock_alloc,
	.free		= ops_sim_mock_free,
	.alloc_at	= ops_sim_mock_alloc_at,
	.free_at	= ops_sim_mock_free_at,
};

/* Raw programming with a ->restore() that can fail */
static const struct pci_msi_ops rnd_raw_restore_ops = {
	.name		= "kunit-rnd-raw-restore",
	.flags		= PCI_MSI_OPS_MULTI_MSI | PCI_MSI_OPS_MSIX,
	.check		= ops_sim_mock_check,
	.alloc		= ops_sim_mock_alloc,
	.free		= ops_sim_mock_free,
	.restore	= ops_sim_mock_restore,
};

/* Firmware owns the messages; the interrupt controller masks */
static const struct pci_msi_ops rnd_fw_ops = {
	.name		= "kunit-rnd-fw",
	.flags		= PCI_MSI_OPS_FW_OWNS_MSG | PCI_MSI_OPS_MULTI_MSI |
			  PCI_MSI_OPS_MSIX | PCI_MSI_OPS_MSIX_ALLOC_DYN |
			  PCI_MSI_OPS_NO_MASK,
	.check		= ops_sim_mock_check,
	.alloc		= ops_sim_mock_alloc,
	.free		= ops_sim_mock_free,
	.restore	= ops_sim_mock_restore,
	.alloc_at	= ops_sim_mock_alloc_at,
	.free_at	= ops_sim_mock_free_at,
};

/* One MSI vector only, no dynamic MSI-X */
static const struct pci_msi_ops rnd_single_ops = {
	.name		= "kunit-rnd-single",
	.flags		= PCI_MSI_OPS_MSIX,
	.check		= ops_sim_mock_check,
	.alloc		= ops_sim_mock_alloc,
	.free		= ops_sim_mock_free,
};

static const struct rnd_backend rnd_backends[] = {
	{ "raw", &rnd_raw_ops },
	{ "raw-restore", &rnd_raw_restore_ops },
	{ "fw", &rnd_fw_ops },
	{ "single", &rnd_single_ops },
};

static void rnd_backend_desc(const struct rnd_backend *b, char *desc)
{
	strscpy(desc, b->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rnd_backend, rnd_backends, rnd_backend_desc);

/* Helpers */

static u32 rnd_below(struct rnd *r, u32 n)
{
	return n ? prandom_u32_state(&r->rs) % n : 0;
}

static bool rnd_chance(struct rnd *r, u32 percent)
{
	return rnd_below(r, 100) < percent;
}

static bool rnd_has(struct rnd *r, unsigned int flag)
{
	/* What the core makes of a real backend (adapters, ->features()) */
	if (r->c)
		return pci_msi_ops_supports(r->pdev, flag);
	return r->ops->flags & flag;
}

/* What the backend declares, not what the core makes of it */
static bool rnd_fw_owns_msg(struct rnd *r)
{
	const struct pci_msi_ops *ops = r->ops;
	unsigned int flags = ops->features ? ops->features(r->pdev) : ops->flags;

	return flags & PCI_MSI_OPS_FW_OWNS_MSG;
}

static long rnd_held(struct rnd *r)
{
	return r->c && r->c->held ? r->c->held(r->pdev) : 0;
}

static unsigned int rnd_expected_irqs(struct rnd *r)
{
	switch (r->mode) {
	case RND_MSI:
		return r->nvec;
	case RND_MSIX:
		return bitmap_weight(r->entries, SIM_MSIX_VECS);
	default:
		return 0;
	}
}

static unsigned int rnd_active_irqs(void)
{
	unsigned int irq, n = 0;

	for_each_active_irq(irq)
		n++;
	return n;
}

static void rnd_seen(struct rnd *r, int virq)
{
	unsigned int i;

	if (virq <= 0)
		return;
	for (i = 0; i < r->nr_seen; i++) {
		if (r->seen[i] == virq)
			return;
	}
	if (r->nr_seen < RND_MAX_SEEN)
		r->seen[r->nr_seen++] = virq;
}

static bool rnd_sysfs_has(struct pci_dev *pdev, unsigned int virq)
{
	struct kernfs_node *dir, *kn;
	char name[16];

	if (!pdev->dev.kobj.sd)
		return false;
	dir = kernfs_find_and_get(pdev->dev.kobj.sd, "msi_irqs");
	if (!dir)
		return false;
	snprintf(name, sizeof(name), "%u", virq);
	kn = kernfs_find_and_get(dir, name);
	kernfs_put(kn);
	kernfs_put(dir);
	return kn;
}

static __printf(2, 3) void rnd_log(struct rnd *r, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	seq_buf_vprintf(&r->log, fmt, args);
	va_end(args);
}

/* Report the first mismatch of a sequence with everything to replay it */
static __printf(2, 3) bool rnd_fail(struct rnd *r, const char *fmt, ...)
{
	char *buf, *line, why[160];
	va_list args;

	if (r->failed)
		return false;
	r->failed = true;
	va_start(args, fmt);
	vscnprintf(why, sizeof(why), fmt, args);
	va_end(args);
	KUNIT_FAIL(r->test, "seed %llu sequence %u step %u: %s",
		   r->seed, r->seq, r->step, why);
	/* Again with the replay: KUnit's own line may not reach the KTAP */
	kunit_err(r->test, "backend %s, seed %llu sequence %u step %u: %s\n",
		  r->ops->name, r->seed, r->seq, r->step, why);
	kunit_err(r->test, "calls of the sequence (replay: ops_kunit_random.seed=%llu):\n",
		  r->seed);
	/* Line by line: a kernel log record has a size limit */
	buf = r->logbuf;
	seq_buf_str(&r->log);
	while ((line = strsep(&buf, "\n")) && *line)
		kunit_err(r->test, "%s\n", line);
	return false;
}

/*
 * A real backend's messages, where the kernel owns them: the device
 * holds, for every vector, the message the core cached; MSI enables as
 * many vectors as it has.
 */
static bool rnd_verify_msgs(struct rnd *r)
{
	struct msi_desc *desc;
	struct msi_msg dev;
	bool ok = true;
	u32 qsize;

	msi_lock_descs(&r->pdev->dev);
	msi_for_each_desc(desc, &r->pdev->dev, MSI_DESC_ASSOCIATED) {
		if (desc->pci.msi_attrib.is_msix)
			ops_sim_msix_msg(r->sim, desc->msi_index, &dev);
		else
			ops_sim_msi_msg(r->sim, &dev);
		if (dev.address_lo != desc->msg.address_lo ||
		    dev.address_hi != desc->msg.address_hi ||
		    dev.data != desc->msg.data) {
			ok = rnd_fail(r, "%s %u holds %08x%08x/%08x, the core has %08x%08x/%08x",
				      desc->pci.msi_attrib.is_msix ? "MSI-X entry" : "MSI vector",
				      desc->msi_index, dev.address_hi, dev.address_lo,
				      dev.data, desc->msg.address_hi,
				      desc->msg.address_lo, desc->msg.data);
			break;
		}
	}
	msi_unlock_descs(&r->pdev->dev);
	if (!ok || r->mode != RND_MSI)
		return ok;
	qsize = FIELD_GET(PCI_MSI_FLAGS_QSIZE,
			  ops_sim_get(r->sim, SIM_MSI_CAP + PCI_MSI_FLAGS, 2));
	if (qsize != order_base_2(r->nvec))
		return rnd_fail(r, "MSI multiple message enable %u for %u vectors",
				qsize, r->nvec);
	return true;
}

/* Compare core, device, backend and system with the model */
static bool rnd_verify(struct rnd *r)
{
	struct ops_sim *sim = r->sim;
	struct pci_dev *pdev = r->pdev;
	unsigned int expect = rnd_expected_irqs(r), descs, i, want, n;
	bool fw = rnd_fw_owns_msg(r);
	bool msi = r->mode == RND_MSI, msix = r->mode == RND_MSIX, got;
	long held;
	int virq;

	if (pdev->msi_enabled != msi || pdev->msix_enabled != msix)
		return rnd_fail(r, "core: msi_enabled %d msix_enabled %d, expected mode %d",
				pdev->msi_enabled, pdev->msix_enabled, r->mode);
	if (ops_sim_msi_on(sim) != (msi && r->hw_on) ||
	    ops_sim_msix_on(sim) != (msix && r->hw_on))
		return rnd_fail(r, "device: MSI enable %d MSI-X enable %d, expected mode %d on %d",
				ops_sim_msi_on(sim), ops_sim_msix_on(sim),
				r->mode, r->hw_on);
	if (r->mode == RND_NONE && pdev->msi_ops)
		return rnd_fail(r, "core: backend still bound without vectors");

	descs = ops_sim_nr_descs(pdev);
	want = r->mode == RND_MSI ? 1 : r->mode == RND_MSIX ? expect : 0;
	if (descs != want)
		return rnd_fail(r, "core: %u descriptors, expected %u", descs, want);
	if (!r->c && sim->live_irqs != expect)
		return rnd_fail(r, "backend holds %d interrupts, expected %u",
				sim->live_irqs, expect);
	held = rnd_held(r);
	if (r->c && r->mode == RND_NONE && held != r->held0)
		return rnd_fail(r, "%s holds %ld without vectors, %ld at the start",
				r->c->name, held, r->held0);
	n = rnd_active_irqs();
	/*
	 * A real backend may give multi-MSI the whole block of 2^k that
	 * the device can address, the vectors beyond the driver's without
	 * a handler (the x86 raw backend's guards)
	 */
	if (n != r->irqs0 + expect &&
	    !(r->c && msi && n == r->irqs0 + roundup_pow_of_two(expect)))
		return rnd_fail(r, "%u active Linux interrupts, expected %u",
				n, r->irqs0 + expect);

	/* pci_irq_vector() for every index the driver could ask about */
	for (i = 0; i <= SIM_MSI_VECS; i++) {
		bool valid = r->mode == RND_MSI ? i < r->nvec :
			     r->mode == RND_MSIX ? (i < SIM_MSIX_VECS &&
						    test_bit(i, r->entries)) :
			     false;

		virq = pci_irq_vector(pdev, i);
		got = virq > 0;
		if (valid != got)
			return rnd_fail(r, "pci_irq_vector(%u) = %d, expected %s",
					i, virq, valid ? "a vector" : "an error");
		if (!valid)
			continue;
		rnd_seen(r, virq);
		if (!rnd_sysfs_has(pdev, virq))
			return rnd_fail(r, "no msi_irqs/%d in sysfs", virq);
		if (r->mode == RND_MSIX && !fw && r->hw_on && !r->c &&
		    (ops_sim_table(sim, i, PCI_MSIX_ENTRY_DATA) != SIM_RAW_DATA(i) ||
		     ops_sim_table(sim, i, PCI_MSIX_ENTRY_LOWER_ADDR) != SIM_RAW_ADDR_LO(i)))
			return rnd_fail(r, "MSI-X entry %u holds %08x/%08x, not the message",
					i, ops_sim_table(sim, i, PCI_MSIX_ENTRY_LOWER_ADDR),
					ops_sim_table(sim, i, PCI_MSIX_ENTRY_DATA));
	}
	/* Interrupts of this sequence that are gone must be gone everywhere */
	for (i = 0; i < r->nr_seen; i++) {
		struct msi_desc *desc = irq_get_msi_desc(r->seen[i]);

		if (desc && desc->dev == &pdev->dev)
			continue;
		if (rnd_sysfs_has(pdev, r->seen[i]))
			return rnd_fail(r, "msi_irqs/%u left in sysfs", r->seen[i]);
	}
	if (r->c && !fw && r->hw_on && !rnd_verify_msgs(r))
		return false;
	if (r->mode == RND_MSI && !fw && r->hw_on && !r->c) {
		u32 lo = ops_sim_get(sim, SIM_MSI_CAP + PCI_MSI_ADDRESS_LO, 4);
		u32 data = ops_sim_get(sim, SIM_MSI_CAP + PCI_MSI_DATA_64, 2);
		u32 qsize = FIELD_GET(PCI_MSI_FLAGS_QSIZE,
				      ops_sim_get(sim, SIM_MSI_CAP + PCI_MSI_FLAGS, 2));

		if (lo != SIM_RAW_ADDR_LO(0) || data != SIM_RAW_DATA(0))
			return rnd_fail(r, "MSI holds %08x/%04x, not the backend's message",
					lo, data);
		if (qsize != order_base_2(r->nvec))
			return rnd_fail(r, "MSI multiple message enable %u for %u vectors",
					qsize, r->nvec);
	}
	/* Firmware owns the messages: the core never writes one */
	if (fw && (ops_sim_msi_msg_writes(sim) || ops_sim_msix_msg_written(sim)))
		return rnd_fail(r, "the core wrote messages firmware owns: %u MSI, %u MSI-X",
				ops_sim_msi_msg_writes(sim),
				ops_sim_msix_msg_written(sim));
	return true;
}

/* Backend faults for the next call; the model needs to know them */
struct rnd_faults {
	int	check_err;	/* ->check() refuses */
	int	quota;		/* ->check() allows at most */
	int	grant;		/* ->alloc() grants at most */
	int	alloc_err;	/* ->alloc() fails after its work */
	int	restore_err;	/* ->restore() fails */
	int	alloc_at_err;	/* ->alloc_at() fails */
	u32	points;		/* real backends: the core's fault points */
	bool	fewer;		/* which grant half where they can */
};

static const int rnd_errnos[] = { -ENOSPC, -ENOMEM, -EIO, -EBUSY, -ENODEV };

/* The core's fault points, one at a time, as the knobs of the mocks */
static void rnd_pick_points(struct rnd *r, struct rnd_faults *f)
{
	static const u32 points[] = {
		PCI_MSI_FAIL_CHECK, PCI_MSI_FAIL_CHECK, PCI_MSI_FAIL_ALLOC,
		PCI_MSI_FAIL_ALLOC, PCI_MSI_FAIL_AFTER, PCI_MSI_FAIL_RESTORE,
		PCI_MSI_FAIL_ALLOC_AT, PCI_MSI_FAIL_DESC,
	};
	unsigned int i = rnd_below(r, ARRAY_SIZE(points));

	f->points = points[i];
	/* The second ->check() and ->alloc() grant half */
	f->fewer = i == 1 || i == 3;
}

static void rnd_pick_faults(struct rnd *r, struct rnd_faults *f)
{
	int err = rnd_errnos[rnd_below(r, ARRAY_SIZE(rnd_errnos))];

	memset(f, 0, sizeof(*f));
	if (!rnd_chance(r, 35))
		return;
	r->nr_faults++;
	if (r->c) {
		rnd_pick_points(r, f);
		return;
	}
	switch (rnd_below(r, 6)) {
	case 0:
		f->check_err = err;
		break;
	case 1:
		f->quota = 1 + rnd_below(r, 8);
		break;
	case 2:
		f->grant = 1 + rnd_below(r, 8);
		break;
	case 3:
		f->alloc_err = err;
		break;
	case 4:
		f->restore_err = err;
		break;
	default:
		f->alloc_at_err = err;
		break;
	}
}

/*
 * Only one knob of the sim at a time: ->check() and ->alloc() failures
 * share fail_cb, so a case with several faults would need more knobs.
 */
static void rnd_arm(struct rnd *r, const struct rnd_faults *f)
{
	struct ops_sim *sim = r->sim;

	if (r->c) {
		pci_msi_kunit_arm_faults(f->points ? r->pdev : NULL, f->points,
					 f->fewer);
		return;
	}
	sim->quota = f->quota;
	sim->grant = f->grant;
	sim->fail_cb = SIM_CB_NONE;
	sim->fail_err = 0;
	sim->restore_ret = PCI_MSI_RESTORE_REWRITE;
	if (f->check_err) {
		sim->fail_cb = SIM_CB_CHECK;
		sim->fail_err = f->check_err;
	} else if (f->alloc_err) {
		sim->fail_cb = SIM_CB_ALLOC;
		sim->fail_err = f->alloc_err;
	} else if (f->restore_err) {
		sim->fail_cb = SIM_CB_RESTORE;
		sim->fail_err = f->restore_err;
	} else if (f->alloc_at_err) {
		sim->fail_cb = SIM_CB_ALLOC_AT;
		sim->fail_err = f->alloc_at_err;
	}
}

/*
 * The model of one type's attempt, as the driver API documents it: the
 * device's and the backend's limits, affinity, the backend's answers.
 * Returns the vectors granted or 0 when the attempt must fail.
 */
static unsigned int rnd_predict(struct rnd *r, int type, unsigned int min,
				unsigned int max, struct irq_affinity *affd,
				const struct rnd_faults *f)
{
	unsigned int n;

	if (max < 1 || max < min)
		return 0;
	if (type == PCI_CAP_ID_MSIX) {
		if (!rnd_has(r, PCI_MSI_OPS_MSIX))
			return 0;
		n = min_t(unsigned int, max, SIM_MSIX_VECS);
	} else {
		n = min_t(unsigned int, max, SIM_MSI_VECS);
	}
	if (n < min)
		return 0;
	if (affd) {
		n = irq_calc_affinity_vectors(min, n, affd);
		if (n < min)
			return 0;
	}
	if (f->check_err)
		return 0;
	if (f->quota && n > f->quota)
		n = f->quota;
	if (type == PCI_CAP_ID_MSI && !rnd_has(r, PCI_MSI_OPS_MULTI_MSI))
		n = 1;
	if (f->grant && n > f->grant)
		n = f->grant;
	if (n < min || f->alloc_err)
		return 0;
	return n;
}

/*
 * The same for a real backend under the core's fault points: the core's
 * enable loop step by step (msi.c: msi_enable_range() and
 * msix_enable_range()), with the backend granting what the device asks
 * for up to what it gave when asked for all at the start (firmware's
 * or the CPUs' limit: ->alloc() answers it, and the core tries again).
 * @affd is the model's copy, which the core's affinity masks change as
 * they change the driver's.
 */
static unsigned int rnd_predict_core(struct rnd *r, int type, unsigned int min,
				     unsigned int max, struct irq_affinity *affd,
				     const struct rnd_faults *f)
{
	bool msix = type == PCI_CAP_ID_MSIX;
	struct irq_affinity_desc *masks;
	unsigned int n;

	if (max < 1 || max < min)
		return 0;
	if (msix && !rnd_has(r, PCI_MSI_OPS_MSIX))
		return 0;
	n = min_t(unsigned int, max, msix ? SIM_MSIX_VECS : SIM_MSI_VECS);
	if (n < min)
		return 0;
	for (;;) {
		if (affd) {
			n = irq_calc_affinity_vectors(min, n, affd);
			if (n < min)
				return 0;
		}
		if (f->points & PCI_MSI_FAIL_CHECK) {
			if (!f->fewer || n < 2)
				return 0;
			n /= 2;
		}
		if (n < min)
			return 0;
		/* msi_capability_init(): one vector where multi-MSI is not had */
		if (!msix && n > 1 && !rnd_has(r, PCI_MSI_OPS_MULTI_MSI)) {
			if (min > 1)
				return 0;
			n = 1;
			continue;
		}
		/* The core's masks set the driver's calc_sets: so the model's */
		if (affd) {
			masks = irq_create_affinity_masks(n, affd);
			kfree(masks);
		}
		if (f->points & PCI_MSI_FAIL_DESC)
			return 0;
		if (f->points & PCI_MSI_FAIL_ALLOC) {
			if (!f->fewer || n < 2 || n / 2 < min)
				return 0;
			n /= 2;
			continue;
		}
		if (n > r->cap[msix]) {
			if (r->cap[msix] < min)
				return 0;
			n = r->cap[msix];
			continue;
		}
		if (f->points & PCI_MSI_FAIL_AFTER)
			return 0;
		return n;
	}
}

static unsigned int rnd_predict_any(struct rnd *r, int type, unsigned int min,
				    unsigned int max, struct irq_affinity *affd,
				    const struct rnd_faults *f)
{
	return r->c ? rnd_predict_core(r, type, min, max, affd, f) :
		      rnd_predict(r, type, min, max, affd, f);
}

static void rnd_op_alloc(struct rnd *r, const struct rnd_faults *f)
{
	struct irq_affinity affd = { }, model_affd;
	unsigned int min, max, flags = 0, want_x = 0, want_m = 0;
	bool use_affd;
	int ret;

	/*
	 * Mostly sensible requests, sometimes too big, upside down or for
	 * nothing (a minimum of 0 with a maximum is the bad-call suite's)
	 */
	min = rnd_chance(r, 85) ? 1 + rnd_below(r, 4) : 1 + rnd_below(r, 40);
	max = rnd_chance(r, 90) ? min + rnd_below(r, 36) : rnd_below(r, 8);
	if (rnd_chance(r, 2)) {
		min = 0;
		max = 0;
	}
	if (rnd_chance(r, 70))
		flags |= PCI_IRQ_MSIX;
	if (!flags || rnd_chance(r, 60))
		flags |= PCI_IRQ_MSI;
	/* A second enable of the same type is a WARN: see ops_kunit.c */
	if (r->mode == RND_MSI)
		flags = PCI_IRQ_MSIX;
	else if (r->mode == RND_MSIX)
		flags = PCI_IRQ_MSI;
	use_affd = rnd_chance(r, 30);
	if (use_affd) {
		/*
		 * One type only: a failed MSI-X attempt leaves calc_sets
		 * filled in, so that the MSI attempt no longer limits the
		 * vectors to the CPUs and group_cpus_evenly() warns (as in
		 * 6.12 upstream).
		 */
		if ((flags & PCI_IRQ_MSIX) && (flags & PCI_IRQ_MSI))
			flags &= rnd_chance(r, 50) ? ~PCI_IRQ_MSI : ~PCI_IRQ_MSIX;
		flags |= PCI_IRQ_AFFINITY;
		affd.pre_vectors = rnd_below(r, 3);
		affd.post_vectors = rnd_below(r, 2);
	}

	rnd_log(r, "  %u: alloc(%u, %u,%s%s%s pre %u post %u)", r->step, min, max,
		flags & PCI_IRQ_MSIX ? " MSIX" : "", flags & PCI_IRQ_MSI ? " MSI" : "",
		use_affd ? " AFFINITY" : "", affd.pre_vectors, affd.post_vectors);
	/*
	 * The model first: the core fills in affd->calc_sets, which
	 * changes what irq_calc_affinity_vectors() answers afterwards.
	 */
	model_affd = affd;
	if (r->mode == RND_NONE && (flags & PCI_IRQ_MSIX))
		want_x = rnd_predict_any(r, PCI_CAP_ID_MSIX, min, max,
					 use_affd ? &model_affd : NULL, f);
	if (r->mode == RND_NONE && !want_x && (flags & PCI_IRQ_MSI))
		want_m = rnd_predict_any(r, PCI_CAP_ID_MSI, min, max,
					 use_affd ? &model_affd : NULL, f);

	ret = pci_alloc_irq_vectors_affinity(r->pdev, min, max, flags,
					     use_affd ? &affd : NULL);
	rnd_log(r, " = %d\n", ret);

	if (r->mode != RND_NONE) {
		/* The range is checked first for MSI-X */
		if (ret != -EINVAL && !(ret == -ERANGE && max < min))
			rnd_fail(r, "a second enable returned %d, not -EINVAL", ret);
		r->nr_refused++;
		return;
	}
	if (want_x) {
		if (ret != want_x)
			rnd_fail(r, "MSI-X: got %d, expected %u", ret, want_x);
		r->mode = RND_MSIX;
		bitmap_zero(r->entries, SIM_MSIX_VECS);
		bitmap_set(r->entries, 0, want_x);
	} else if (want_m) {
		if (ret != want_m)
			rnd_fail(r, "MSI: got %d, expected %u", ret, want_m);
		r->mode = RND_MSI;
		r->nvec = want_m;
	} else {
		if (ret >= 0)
			rnd_fail(r, "got %d, expected a failure", ret);
		r->nr_refused++;
		return;
	}
	r->hw_on = true;
	r->nr_ok++;
}

static void rnd_model_off(struct rnd *r)
{
	r->mode = RND_NONE;
	r->nvec = 0;
	bitmap_zero(r->entries, SIM_MSIX_VECS);
	r->hw_on = false;
}

static void rnd_op_free(struct rnd *r)
{
	switch (rnd_below(r, 3)) {
	case 0:
		rnd_log(r, "  %u: pci_free_irq_vectors()\n", r->step);
		pci_free_irq_vectors(r->pdev);
		rnd_model_off(r);
		break;
	case 1:
		rnd_log(r, "  %u: pci_disable_msi()\n", r->step);
		pci_disable_msi(r->pdev);
		if (r->mode == RND_MSI)
			rnd_model_off(r);
		break;
	default:
		rnd_log(r, "  %u: pci_disable_msix()\n", r->step);
		pci_disable_msix(r->pdev);
		if (r->mode == RND_MSIX)
			rnd_model_off(r);
		break;
	}
}

static void rnd_op_alloc_at(struct rnd *r, const struct rnd_faults *f)
{
	unsigned int index, expect;
	struct msi_map map;
	int err = 0;

	/* Any index, a table index, or one past the table */
	index = rnd_chance(r, 30) ? MSI_ANY_INDEX : rnd_below(r, SIM_MSIX_VECS + 1);
	rnd_log(r, "  %u: pci_msix_alloc_irq_at(%d)", r->step, (int)index);
	map = pci_msix_alloc_irq_at(r->pdev, index, NULL);
	rnd_log(r, " = %d/%d\n", map.index, map.virq);

	expect = index;
	if (r->mode != RND_MSIX || !rnd_has(r, PCI_MSI_OPS_MSIX_ALLOC_DYN)) {
		err = -ENOTSUPP;
	} else if (f->points & PCI_MSI_FAIL_ALLOC_AT) {
		err = -ENOSPC;
	} else if (index == MSI_ANY_INDEX) {
		expect = find_first_zero_bit(r->entries, SIM_MSIX_VECS);
		if (expect == SIM_MSIX_VECS)
			err = -EBUSY;
	} else if (index >= SIM_MSIX_VECS) {
		err = -ERANGE;
	} else if (test_bit(index, r->entries)) {
		err = -EBUSY;
	}
	if (!err && f->alloc_at_err)
		err = f->alloc_at_err;
	/* MSI domains add the descriptor themselves */
	if (!err && (f->points & PCI_MSI_FAIL_DESC) &&
	    !rnd_has(r, PCI_MSI_OPS_MSI_DOMAIN))
		err = -ENOMEM;

	if (err) {
		if (map.index != err || map.virq)
			rnd_fail(r, "alloc_at: got %d/%d, expected %d", map.index,
				 map.virq, err);
		r->nr_refused++;
		return;
	}
	if (map.index != expect || map.virq <= 0) {
		rnd_fail(r, "alloc_at: got %d/%d, expected index %u", map.index,
			 map.virq, expect);
		return;
	}
	set_bit(expect, r->entries);
	r->nr_ok++;
}

static void rnd_op_free_irq(struct rnd *r)
{
	unsigned int n = bitmap_weight(r->entries, SIM_MSIX_VECS), i, pick;
	struct msi_map map;

	/* Only what a driver may free: a vector it has, dynamic MSI-X */
	if (r->mode != RND_MSIX || !rnd_has(r, PCI_MSI_OPS_MSIX_ALLOC_DYN) || !n)
		return;
	pick = rnd_below(r, n);
	for_each_set_bit(i, r->entries, SIM_MSIX_VECS) {
		if (!pick--)
			break;
	}
	map.index = i;
	map.virq = pci_irq_vector(r->pdev, i);
	rnd_log(r, "  %u: pci_msix_free_irq(%u/%d)\n", r->step, i, map.virq);
	if (map.virq <= 0) {
		rnd_fail(r, "no vector at MSI-X index %u", i);
		return;
	}
	pci_msix_free_irq(r->pdev, map);
	clear_bit(i, r->entries);
}

/* A reset as the device sees it, then the driver's restore */
static void rnd_op_restore(struct rnd *r, const struct rnd_faults *f)
{
	bool reset = rnd_chance(r, 70);

	rnd_log(r, "  %u: %spci_restore_msi_state()\n", r->step,
		reset ? "reset, " : "");
	if (reset)
		ops_sim_reset(r->sim);
	pci_restore_msi_state(r->pdev);
	if (r->mode == RND_NONE)
		return;
	/* A failed ->restore() leaves the device disabled, not misrouted */
	r->hw_on = !((f->restore_err || (f->points & PCI_MSI_FAIL_RESTORE)) &&
		     r->pdev->msi_ops && r->pdev->msi_ops->restore);
}

static void rnd_step(struct rnd *r)
{
	DECLARE_BITMAP(entries, SIM_MSIX_VECS);
	struct rnd_faults f;
	enum rnd_mode mode;
	unsigned int nvec;
	long held;
	u32 op;

	rnd_pick_faults(r, &f);
	if (f.check_err || f.quota || f.grant || f.alloc_err || f.restore_err ||
	    f.alloc_at_err)
		rnd_log(r, "  %u: faults: check %d quota %d grant %d alloc %d restore %d at %d\n",
			r->step, f.check_err, f.quota, f.grant, f.alloc_err,
			f.restore_err, f.alloc_at_err);
	if (f.points)
		rnd_log(r, "  %u: fault points %#x%s\n", r->step, f.points,
			f.fewer ? " (fewer)" : "");
	rnd_arm(r, &f);
	/* Only what this step does counts */
	r->sim->nr_writes = 0;
	r->sim->writes_lost = false;
	mode = r->mode;
	nvec = r->nvec;
	bitmap_copy(entries, r->entries, SIM_MSIX_VECS);
	r->held_step = rnd_held(r);

	op = rnd_below(r, 100);
	if (op < 35)
		rnd_op_alloc(r, &f);
	else if (op < 50)
		rnd_op_free(r);
	else if (op < 70)
		rnd_op_alloc_at(r, &f);
	else if (op < 82)
		rnd_op_free_irq(r);
	else
		rnd_op_restore(r, &f);

	rnd_arm(r, &(struct rnd_faults){ });
	r->nr_steps++;
	if (!rnd_verify(r) || !r->c)
		return;
	/* A call that changed nothing took nothing and gave nothing back */
	if (mode == r->mode && nvec == r->nvec &&
	    bitmap_equal(entries, r->entries, SIM_MSIX_VECS)) {
		held = rnd_held(r);
		if (held != r->held_step)
			rnd_fail(r, "%s holds %ld after a call that changed nothing, %ld before",
				 r->c->name, held, r->held_step);
		r->nr_checked++;
	}
}

static void rnd_sequence(struct rnd *r)
{
	/* Each sequence its own stream, so that it can be told apart */
	prandom_seed_state(&r->rs, r->seed * 1000003ULL + r->seq);
	seq_buf_init(&r->log, r->logbuf, RND_LOG_SIZE);
	rnd_model_off(r);
	r->nr_seen = 0;
	r->failed = false;

	for (r->step = 0; r->step < steps && !r->failed; r->step++)
		rnd_step(r);

	if (r->failed)
		return;
	/* The end: everything freed, nothing left */
	rnd_log(r, "  end: pci_free_irq_vectors()\n");
	pci_free_irq_vectors(r->pdev);
	rnd_model_off(r);
	if (!rnd_verify(r))
		return;
	if (r->sim->nr_map != r->sim->nr_unmap)
		rnd_fail(r, "MSI-X table mapped %u times, unmapped %u times",
			 r->sim->nr_map, r->sim->nr_unmap);
	/* Back to the reset state for the next sequence */
	ops_sim_reset(r->sim);
}

static struct rnd *rnd_alloc(struct kunit *test)
{
	struct rnd *r;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	r->logbuf = kunit_kzalloc(test, RND_LOG_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r->logbuf);
	r->test = test;
	return r;
}

/* What a real backend gives of all the device has, without faults */
static void rnd_probe_caps(struct kunit *test, struct rnd *r)
{
	int n;

	r->cap[0] = SIM_MSI_VECS;
	r->cap[1] = SIM_MSIX_VECS;
	n = pci_alloc_irq_vectors(r->pdev, 1, SIM_MSI_VECS, PCI_IRQ_MSI);
	KUNIT_ASSERT_GE_MSG(test, n, 1, "%s: MSI", r->c->name);
	pci_free_irq_vectors(r->pdev);
	r->cap[0] = n;
	if (!rnd_has(r, PCI_MSI_OPS_MSIX))
		return;
	n = pci_alloc_irq_vectors(r->pdev, 1, SIM_MSIX_VECS, PCI_IRQ_MSIX);
	KUNIT_ASSERT_GE_MSG(test, n, 1, "%s: MSI-X", r->c->name);
	pci_free_irq_vectors(r->pdev);
	r->cap[1] = n;
}

/* The seeds' sequences on the device of @r, then a summary */
static void rnd_run(struct kunit *test, struct rnd *r, const char *name)
{
	const u64 *seeds = rnd_fixed_seeds;
	unsigned int nr_seeds = ARRAY_SIZE(rnd_fixed_seeds), i;
	ktime_t start = ktime_get();

	r->pdev = r->sim->pdev;
	/* The device's MSI data and msi_irqs/ group, as at first use */
	KUNIT_ASSERT_EQ(test, msi_setup_device_data(&r->pdev->dev), 0);
	if (r->c)
		rnd_probe_caps(test, r);
	r->irqs0 = rnd_active_irqs();
	r->held0 = rnd_held(r);
	if (seed) {
		seeds = &seed;
		nr_seeds = 1;
	}

	for (i = 0; i < nr_seeds; i++) {
		r->seed = seeds[i];
		for (r->seq = 0; r->seq < sequences; r->seq++) {
			rnd_sequence(r);
			if (r->failed)
				return;
		}
	}
	kunit_info(test, "%s: %u seed(s), %lu steps, %lu backend faults, %lu calls granted, %lu refused",
		   name, nr_seeds, r->nr_steps, r->nr_faults, r->nr_ok,
		   r->nr_refused);
	if (r->c)
		kunit_info(test, "%s: gives at most %u MSI and %u MSI-X vectors of %u and %u",
			   name, r->cap[0], r->cap[1], SIM_MSI_VECS, SIM_MSIX_VECS);
	if (r->c && r->c->held)
		kunit_info(test, "%s: what it holds checked unchanged after %lu calls, back to the start after %u sequences",
			   name, r->nr_checked, nr_seeds * sequences);
	else if (r->c)
		kunit_info(test, "%s: no ->held() hook, Linux interrupts checked only",
			   name);
	kunit_info(test, "%s: %lld ms", name,
		   ktime_ms_delta(ktime_get(), start));
	KUNIT_EXPECT_GT(test, r->nr_ok, 0);
	KUNIT_EXPECT_GT(test, r->nr_refused, 0);
}

static void rnd_test_sequences(struct kunit *test)
{
	const struct rnd_backend *b = test->param_value;
	struct rnd *r = rnd_alloc(test);

	r->ops = b->ops;
	r->sim = ops_sim_create(test, b->ops);
	rnd_run(test, r, b->name);
}

/*
 * The backends of the conformance suite but its mocks, which run above
 * with their knobs
 */
static const void *rnd_real_gen_params(const void *prev, char *desc)
{
	const struct pci_msi_conformance *c = prev;

	do {
		c = pci_msi_conformance_next(c);
	} while (c && c->ops->alloc == ops_sim_mock_alloc);
	if (c)
		strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
	return c;
}

static void rnd_disarm(void *unused)
{
	pci_msi_kunit_arm_faults(NULL, 0, false);
}

static void rnd_test_real(struct kunit *test)
{
	const struct pci_msi_conformance *c = test->param_value;
	struct rnd *r = rnd_alloc(test);

	KUNIT_ASSERT_NOT_NULL(test, c);
	r->c = c;
	r->ops = c->ops;
	/* As the conformance suite sets the backend up */
	r->sim = c->adapter ? ops_sim_create_adapter(test, c->ops) :
			      ops_sim_create(test, c->ops);
	if (c->setup)
		KUNIT_ASSERT_EQ(test, c->setup(test, r->sim->pdev), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, rnd_disarm, NULL), 0);
	rnd_run(test, r, c->name);
}

static int rnd_suite_init(struct kunit_suite *suite)
{
	/* Drivers that probe asynchronously allocate vectors too */
	wait_for_device_probe();
	return 0;
}

static struct kunit_case rnd_test_cases[] = {
	KUNIT_CASE_PARAM_ATTR(rnd_test_sequences, rnd_backend_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	KUNIT_CASE_PARAM_ATTR(rnd_test_real, rnd_real_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	{}
};

static struct kunit_suite rnd_test_suite = {
	.name		= "pci_msi_random",
	.suite_init	= rnd_suite_init,
	.test_cases	= rnd_test_cases,
};

kunit_test_suite(rnd_test_suite);
