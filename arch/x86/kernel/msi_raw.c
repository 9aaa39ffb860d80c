// SPDX-License-Identifier: GPL-2.0
/*
 * Raw PCI MSI backend for x86
 *
 * The "raw programming" model of include/linux/msi_ops.h: the kernel
 * takes a vector from the x86 vector allocator, composes the message a
 * local APIC understands and writes it into the device's MSI capability
 * or MSI-X table. There is no per-device MSI irq domain in between:
 * one small hierarchy domain, child of the vector domain, carries all
 * vectors of all devices this backend serves, with an irq_chip of its
 * own that masks at the device, acknowledges at the local APIC and
 * rewrites the message when the vector moves.
 *
 * The backend serves a device when the device's MSI parent is the
 * vector domain itself, which is the case when neither interrupt
 * remapping nor a hypervisor (Xen, Hyper-V) nor VMD owns its MSIs.
 * Those devices stay on the core's irqdomain adapter. It does not
 * register at all when interrupt remapping is on, or when the kernel
 * may bring a CPU online that a message cannot name: 8 bits of
 * destination, 15 with the extended destination ID that some
 * hypervisors offer (KVM, Hyper-V, Xen HVM) when x2APIC runs without
 * remapping.
 *
 * Moving a vector that cannot be masked. An MSI message is address
 * (destination APIC) plus data (vector), written as separate dwords.
 * A device that raises its interrupt between the two writes of a move
 * that changes both sends a message that is neither the old nor the
 * new one. Masking at the device closes that window where the device
 * can mask; plain MSI without per-vector masking cannot. For those the
 * move runs on the old target CPU, in the interrupt's own flow
 * (irq_move_irq() from the acknowledge), with interrupts off:
 *
 *  1. the new vector is written first, with the old destination: a
 *     message sent now reaches this CPU on the new vector and waits in
 *     its local APIC's IRR, since interrupts are off;
 *  2. the new destination is written: the message is final;
 *  3. if step 1 caught a message, the interrupt is sent again to the
 *     new target, and the copy in this CPU's IRR is dropped by the
 *     vector's VECTOR_RETRIGGERED marker when interrupts come back on.
 *
 * No message is lost and none reaches a vector that nobody handles.
 *
 * Multi-MSI. A device with 2^k enabled MSI vectors sends the data of
 * its one message with the vector's number in the low k bits, so its
 * vectors must be 2^k consecutive CPU vectors, starting at a multiple
 * of 2^k, on one CPU. The backend allocates such a block for the whole
 * 2^k (x86_vector_block_assign()), also when the driver uses fewer
 * (nvec_used): the vectors beyond are "guards", interrupts without a
 * handler of the driver whose arrivals are counted as spurious on the
 * device's block, so that a vector number the device was not given
 * never reaches another device. Per-vector affinity cannot exist: an
 * affinity change of any vector moves the whole block to one CPU, with
 * the two-step sequence above applied to the block (new base vector,
 * then new destination, every vector of the block caught in between
 * resent), and CPU offline moves it likewise. When no CPU has a free
 * block of 2^k, ->alloc() reports the next smaller power of two and
 * the core retries with it if the driver's minimum allows.
 *
 * Copyright (C) 2026 msi-ops maintainers
 */
#define pr_fmt(fmt) "msi_raw: " fmt

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/init.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/msi.h>
#include <linux/msi_ops.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/smp.h>

#include <asm/apic.h>
#include <asm/hw_irq.h>
#include <asm/irq_remapping.h>
#include <asm/irq_vectors.h>
#include <asm/irqdomain.h>
#include <asm/msi.h>

/* Largest destination an MSI address names without remapping: 8 bits */
#define MSI_RAW_MAX_DEST	0xff
/* With the extended destination ID in address bits 11:5: 15 bits */
#define MSI_RAW_MAX_EXT_DEST	0x7fff

static struct irq_domain *msi_raw_domain __ro_after_init;
static bool msi_raw_off __initdata;
/* Messages carry destination bits 14:8 in address bits 11:5 */
static bool msi_raw_ext_dest __ro_after_init;

/*
 * Scratch mask for msi_raw_set_affinity(), which runs with interrupts
 * off and cannot allocate one.
 */
static DEFINE_RAW_SPINLOCK(msi_raw_mask_lock);
static struct cpumask msi_raw_mask;

/*
 * Counters for debugfs, so that tests can see what the backend did:
 * vectors that exist now (those of drivers; a block's guard vectors
 * and the blocks are counted apart), moves, moves that needed the two-step
 * sequence, messages that step 1 caught, and two-step moves that could
 * not run on the old target CPU; ->restore() calls (resume, reset);
 * MSI-X enables whose vectors were allocated in one piece.
 */
static struct {
	atomic_long_t	vectors;
	atomic_long_t	moves;
	atomic_long_t	split_moves;
	atomic_long_t	caught;
	atomic_long_t	remote_moves;
	atomic_long_t	blocks;
	atomic_long_t	guards;
	atomic_long_t	block_moves;
	atomic_long_t	spurious;
	atomic_long_t	restores;
	atomic_long_t	batches;
} msi_raw_stats;

#ifdef CONFIG_DEBUG_FS
/*
 * Pause between the two steps of a two-step move, in us (debugfs
 * split_delay_us, 0 by default, at most MSI_RAW_SPLIT_DELAY_MAX_US):
 * the window is two config writes wide and a device must write in
 * between for the catch-and-resend path to run. A test widens it so
 * that its device's writes land there often enough to be counted.
 */
#define MSI_RAW_SPLIT_DELAY_MAX_US	10000U
static u32 msi_raw_split_delay_us;

static void msi_raw_split_pause(void)
{
	u32 us = READ_ONCE(msi_raw_split_delay_us);

	if (us)
		udelay(min(us, MSI_RAW_SPLIT_DELAY_MAX_US));
}
#else
static inline void msi_raw_split_pause(void) { }
#endif

/**
 * struct msi_raw_block - The CPU vectors of a multi-MSI device
 * @virq:	First of the 2^@order consecutive Linux interrupts, one per
 *		CPU vector; the first @nvec_used carry the MSI descriptor
 * @order:	log2 of the block size: the Multiple Message Enable
 * @nvec_used:	Vectors the driver uses
 * @spurious:	Messages that arrived on a guard vector (@nvec_used and up)
 *
 * The chip data of every interrupt of the block in the raw domain.
 */
struct msi_raw_block {
	unsigned int	virq;
	unsigned int	order;
	unsigned int	nvec_used;
	atomic_long_t	spurious;
};

static struct msi_raw_block *msi_raw_block_of(struct irq_data *d)
{
	return irq_data_get_irq_chip_data(d);
}

/**
 * msi_raw_compose - Build the message of one vector
 * @dest:	Destination APIC ID (physical) or logical ID
 * @vector:	Vector on the destination CPU
 * @logical:	Logical destination mode, else physical
 * @ext_dest:	The extended destination ID is in use
 * @msg:	Filled in
 *
 * Fixed delivery, edge triggered, redirection hint clear: the message
 * goes to exactly the CPU (or logical set) named by @dest. A physical
 * destination above 8 bits goes, with @ext_dest, into the extended
 * destination ID: bits 14:8 of @dest in address bits 11:5, which the
 * architecture leaves reserved and hypervisors that offer it read.
 * Logical destinations are the 8-bit IDs of the xAPIC flat model.
 *
 * Return: 0, or -ERANGE when the message cannot name @dest; @msg is
 * then all zeroes.
 */
static int msi_raw_compose(u32 dest, u8 vector, bool logical, bool ext_dest,
			   struct msi_msg *msg)
{
	u32 max = !logical && ext_dest ? MSI_RAW_MAX_EXT_DEST : MSI_RAW_MAX_DEST;

	memset(msg, 0, sizeof(*msg));
	if (dest > max)
		return -ERANGE;

	msg->arch_addr_lo.base_address = X86_MSI_BASE_ADDRESS_LOW;
	msg->arch_addr_lo.dest_mode_logical = logical;
	msg->arch_addr_lo.redirect_hint = 0;
	msg->arch_addr_lo.destid_0_7 = dest & 0xff;
	msg->arch_addr_lo.virt_destid_8_14 = dest >> 8;
	msg->arch_data.vector = vector;
	msg->arch_data.delivery_mode = APIC_DELIVERY_MODE_FIXED;
	return 0;
}

static int msi_raw_compose_cfg(const struct irq_cfg *cfg, struct msi_msg *msg)
{
	return msi_raw_compose(cfg->dest_apicid, cfg->vector,
			       apic->dest_mode_logical, msi_raw_ext_dest, msg);
}

/*
 * Write the message for @cfg to the device; caches it in the descriptor.
 * For a vector of a block that is the block's message: its first vector,
 * written through the first interrupt, which holds the MSI descriptor.
 */
static void msi_raw_write(struct irq_data *d, const struct irq_cfg *cfg)
{
	struct msi_raw_block *blk = msi_raw_block_of(d);
	struct msi_desc *desc = irq_data_get_msi_desc(d);
	struct irq_cfg c = *cfg;
	struct msi_msg msg;

	/* A guard vector of a block has no descriptor: take the first's */
	if (blk) {
		desc = irq_get_msi_desc(blk->virq);
		c.vector &= ~((1U << blk->order) - 1);
	}
	/*
	 * Every CPU the kernel can bring online is a destination a message
	 * names (msi_raw_init()), and msi_raw_set_affinity() refuses others
	 * before the vector domain moves there.
	 */
	if (WARN_ON_ONCE(msi_raw_compose_cfg(&c, &msg)))
		return;
	__pci_write_msi_msg(desc, &msg);
}

#ifdef CONFIG_X86_MSI_RAW_KUNIT_TEST
/*
 * The KUnit tests cannot bring a CPU online whose APIC ID is beyond
 * reach; they name one interrupt (0: every interrupt of the backend,
 * for one that does not exist yet) and the CPUs it is to take for such.
 */
static struct {
	unsigned int		irq;
	const struct cpumask	*cpus;
} msi_raw_test_beyond;

static bool msi_raw_test_is_beyond(struct irq_data *d, unsigned int cpu)
{
	const struct cpumask *cpus = READ_ONCE(msi_raw_test_beyond.cpus);
	unsigned int irq = READ_ONCE(msi_raw_test_beyond.irq);

	return cpus && (!irq || d->irq == irq) &&
	       cpumask_test_cpu(cpu, cpus);
}

static bool msi_raw_test_any_beyond(void)
{
	return READ_ONCE(msi_raw_test_beyond.cpus);
}

/* KUnit: no allocation in one piece, so that the fallback runs */
static bool msi_raw_test_no_batch;

static bool msi_raw_test_batch_refused(void)
{
	return READ_ONCE(msi_raw_test_no_batch);
}
#else
static inline bool msi_raw_test_is_beyond(struct irq_data *d,
					  unsigned int cpu)
{
	return false;
}

static inline bool msi_raw_test_any_beyond(void)
{
	return false;
}

static inline bool msi_raw_test_batch_refused(void)
{
	return false;
}
#endif

/* Can a message of @d name @cpu, as the vector domain would target it? */
static bool msi_raw_cpu_reachable(struct irq_data *d, unsigned int cpu)
{
	struct msi_msg msg;

	if (msi_raw_test_is_beyond(d, cpu))
		return false;
	return !msi_raw_compose(apic->calc_dest_apicid(cpu), 0,
				apic->dest_mode_logical, msi_raw_ext_dest, &msg);
}

/*
 * The CPUs of @mask that a message can name go to @reach. Return: 0, or
 * -ERANGE when @mask has online CPUs but @reach has none.
 */
static int msi_raw_reachable(struct irq_data *d, const struct cpumask *mask,
			     struct cpumask *reach)
{
	unsigned int cpu;

	cpumask_clear(reach);
	for_each_cpu(cpu, mask) {
		if (msi_raw_cpu_reachable(d, cpu))
			cpumask_set_cpu(cpu, reach);
	}
	if (cpumask_intersects(reach, cpu_online_mask) ||
	    !cpumask_intersects(mask, cpu_online_mask))
		return 0;
	return -ERANGE;
}

static bool msi_raw_can_mask(struct irq_data *d)
{
	struct msi_raw_block *blk = msi_raw_block_of(d);
	struct msi_desc *desc;

	if (blk)
		d = irq_get_irq_data(blk->virq);
	desc = irq_data_get_msi_desc(d);

	return desc->pci.msi_attrib.is_msix || desc->pci.msi_attrib.can_mask;
}

/**
 * msi_raw_split_move - Does a move need the two-step sequence?
 * @started:	The interrupt is started up (a device may raise it)
 * @can_mask:	The core masks it at the device around the move
 * @from:	Configuration before the move
 * @to:		Configuration after the move
 *
 * Return: True when a device could send a message that is neither @from
 * nor @to while the message is rewritten: both address and data change
 * and nothing holds the device back.
 */
static bool msi_raw_split_move(bool started, bool can_mask,
			       const struct irq_cfg *from,
			       const struct irq_cfg *to)
{
	if (!started || can_mask)
		return false;
	/* Starting up from the parking vector: nothing to lose yet */
	if (from->vector == MANAGED_IRQ_SHUTDOWN_VECTOR)
		return false;
	return from->vector != to->vector && from->dest_apicid != to->dest_apicid;
}

/*
 * The two-step move described at the top of this file. @d's vector is
 * @to->vector; for a block, @from and @to are the first vectors and the
 * step covers every vector of the block, each caught one resent through
 * its own interrupt.
 */
static void msi_raw_move_split(struct irq_data *d, const struct irq_cfg *from,
			       const struct irq_cfg *to)
{
	struct msi_raw_block *blk = msi_raw_block_of(d);
	unsigned int i, nr = blk ? 1U << blk->order : 1;
	unsigned int irq = blk ? blk->virq : d->irq;
	struct irq_cfg step = { .dest_apicid = from->dest_apicid,
				.vector = to->vector };

	lockdep_assert_irqs_disabled();

	lock_vector_lock();
	for (i = 0; i < nr; i++) {
		if (IS_ERR_OR_NULL(this_cpu_read(vector_irq[to->vector + i])))
			this_cpu_write(vector_irq[to->vector + i], VECTOR_RETRIGGERED);
	}
	msi_raw_write(d, &step);
	msi_raw_split_pause();
	msi_raw_write(d, to);
	unlock_vector_lock();

	/* irq_desc::lock is held and interrupts are off: IRR is stable */
	for (i = 0; i < nr; i++) {
		if (!lapic_vector_set_in_irr(to->vector + i))
			continue;
		atomic_long_inc(&msi_raw_stats.caught);
		if (blk)
			irq_chip_retrigger_hierarchy(irq_domain_get_irq_data(msi_raw_domain,
									     irq + i));
		else
			irq_chip_retrigger_hierarchy(d);
	}
}

/* Is any vector of @blk started, i.e. may the device raise it? */
static bool msi_raw_block_started(struct msi_raw_block *blk)
{
	unsigned int i;

	for (i = 0; i < blk->nvec_used; i++) {
		if (irqd_is_started(irq_get_irq_data(blk->virq + i)))
			return true;
	}
	return false;
}

/*
 * The vectors of a block move together: whichever of them the affinity
 * change is for, the block goes to one CPU of @mask (of those a message
 * names), or stays when it is on one already. The old vectors are
 * released through the vector domain's cleanup, which waits for a
 * message still pending on the old CPU.
 *
 * Context: irq_desc::lock of @d held, interrupts off.
 */
static int msi_raw_block_set_affinity(struct irq_data *d,
				      const struct cpumask *mask)
{
	unsigned int cpu = cpumask_first(irq_data_get_effective_affinity_mask(d));
	struct msi_raw_block *blk = msi_raw_block_of(d);
	struct irq_data *first = irq_get_irq_data(blk->virq);
	struct irq_cfg from = *irqd_cfg(first), to;
	unsigned int i;
	bool moved;
	int ret;

	raw_spin_lock(&msi_raw_mask_lock);
	ret = msi_raw_reachable(d, mask, &msi_raw_mask);
	if (!ret)
		ret = x86_vector_block_assign(blk->virq, blk->order,
					      &msi_raw_mask, &moved);
	raw_spin_unlock(&msi_raw_mask_lock);
	if (ret == -ERANGE)
		pr_warn_ratelimited("irq %u: CPUs %*pbl: none has an APIC ID an MSI names without remapping, affinity unchanged\n",
				    d->irq, cpumask_pr_args(mask));
	if (ret)
		return ret;
	if (!moved)
		return IRQ_SET_MASK_OK;

	to = *irqd_cfg(first);
	atomic_long_inc(&msi_raw_stats.moves);
	atomic_long_inc(&msi_raw_stats.block_moves);
	/*
	 * Mask bits or not, the block is not held back: genirq masks the
	 * one vector whose move it carries out, and the message it rewrites
	 * is every vector's. Another vector may fire in the middle.
	 */
	if (!msi_raw_split_move(msi_raw_block_started(blk), false,
				&from, &to)) {
		msi_raw_write(d, &to);
	} else if (cpu != smp_processor_id()) {
		atomic_long_inc(&msi_raw_stats.split_moves);
		atomic_long_inc(&msi_raw_stats.remote_moves);
		pr_warn_ratelimited("irq %u (block of %u) moved from CPU %u while running on CPU %u\n",
				    d->irq, 1U << blk->order, cpu, smp_processor_id());
		msi_raw_write(d, &to);
	} else {
		atomic_long_inc(&msi_raw_stats.split_moves);
		msi_raw_move_split(d, &from, &to);
	}

	/*
	 * The message is final: the old vectors may go once the old CPU
	 * has no message pending on them. Vectors that rarely or never
	 * fire (guards) would otherwise hold them, and the block with them.
	 */
	for (i = 0; i < 1U << blk->order; i++)
		vector_schedule_cleanup(irq_cfg(blk->virq + i));
	return IRQ_SET_MASK_OK;
}

/*
 * Context: irq_desc::lock held, interrupts off. A CPU that a message
 * cannot name is left out before the vector domain commits to anything:
 * a move is carried out completely or not at all.
 */
static int msi_raw_set_affinity(struct irq_data *d, const struct cpumask *mask,
				bool force)
{
	unsigned int cpu = cpumask_first(irq_data_get_effective_affinity_mask(d));
	struct irq_cfg *cfg = irqd_cfg(d);
	struct irq_cfg from = *cfg;
	int ret;

	if (msi_raw_block_of(d))
		return msi_raw_block_set_affinity(d, mask);

	/*
	 * msi_raw_init() took every CPU the kernel may bring online to be
	 * one a message names; only the KUnit tests pretend otherwise.
	 * The vector domain gets @mask as it is then, and a request_irq()
	 * or an affinity change costs what it costs upstream.
	 */
	if (!msi_raw_test_any_beyond()) {
		ret = irq_chip_set_affinity_parent(d, mask, force);
	} else {
		raw_spin_lock(&msi_raw_mask_lock);
		ret = msi_raw_reachable(d, mask, &msi_raw_mask);
		if (!ret)
			ret = irq_chip_set_affinity_parent(d, &msi_raw_mask, force);
		raw_spin_unlock(&msi_raw_mask_lock);
	}
	if (ret == -ERANGE)
		pr_warn_ratelimited("irq %u: CPUs %*pbl: none has an APIC ID an MSI names without remapping, affinity unchanged\n",
				    d->irq, cpumask_pr_args(mask));
	if (ret < 0 || ret == IRQ_SET_MASK_OK_DONE)
		return ret;

	atomic_long_inc(&msi_raw_stats.moves);
	if (!msi_raw_split_move(irqd_is_started(d), msi_raw_can_mask(d), &from, cfg)) {
		msi_raw_write(d, cfg);
		return ret;
	}

	atomic_long_inc(&msi_raw_stats.split_moves);
	if (cpu != smp_processor_id()) {
		/*
		 * Deferred moves run on the old target; getting here means
		 * a caller moved a live, unmaskable vector from elsewhere.
		 */
		atomic_long_inc(&msi_raw_stats.remote_moves);
		pr_warn_ratelimited("irq %u moved from CPU %u while running on CPU %u\n",
				    d->irq, cpu, smp_processor_id());
		msi_raw_write(d, cfg);
		return ret;
	}
	msi_raw_move_split(d, &from, cfg);
	return ret;
}

/* A vector of a block composes the block's message: its first vector */
static void msi_raw_compose_msi_msg(struct irq_data *d, struct msi_msg *msg)
{
	struct msi_raw_block *blk = msi_raw_block_of(d);
	struct irq_cfg cfg = *irqd_cfg(d);

	if (blk)
		cfg.vector &= ~((1U << blk->order) - 1);
	msi_raw_compose_cfg(&cfg, msg);
}

/*
 * No IRQ_MOVE_PCNTXT: affinity changes are carried out by irq_move_irq()
 * when the interrupt next arrives, on its old target CPU, which is what
 * msi_raw_move_split() relies on.
 */
static struct irq_chip msi_raw_chip = {
	.name			= "RAW-MSI",
	.irq_ack		= irq_chip_ack_parent,
	.irq_mask		= pci_msi_mask_irq,
	.irq_unmask		= pci_msi_unmask_irq,
	.irq_retrigger		= irq_chip_retrigger_hierarchy,
	.irq_set_affinity	= msi_raw_set_affinity,
	.irq_compose_msi_msg	= msi_raw_compose_msi_msg,
	.flags			= IRQCHIP_SKIP_SET_WAKE |
				  IRQCHIP_AFFINITY_PRE_STARTUP |
				  IRQCHIP_ONESHOT_SAFE,
};

/*
 * A vector of a block beyond nvec_used: no driver handler, never
 * requested. A message that arrives on it is the device's own mistake,
 * counted on its block and acknowledged at the local APIC.
 */
static struct irq_chip msi_raw_guard_chip = {
	.name			= "RAW-MSI-GUARD",
	.irq_ack		= irq_chip_ack_parent,
	.irq_retrigger		= irq_chip_retrigger_hierarchy,
	.flags			= IRQCHIP_SKIP_SET_WAKE,
};

static void msi_raw_guard_flow(struct irq_desc *desc)
{
	struct irq_data *d = irq_desc_get_irq_data(desc);
	struct msi_raw_block *blk = msi_raw_block_of(d);

	raw_spin_lock(&desc->lock);
	atomic_long_inc(&blk->spurious);
	atomic_long_inc(&msi_raw_stats.spurious);
	d->chip->irq_ack(d);
	raw_spin_unlock(&desc->lock);
	pr_debug_ratelimited("irq %u: message on an unused vector of a block\n",
			     d->irq);
}

/*
 * @arg is the x86 irq_alloc_info, with ->desc set. The hardware number
 * is the Linux interrupt number, as in the vector domain: this domain
 * holds the vectors of all devices, and no packing of PCI segment,
 * requester ID and table index into an irq_hw_number_t is unique for
 * every segment and every index (PCI_IRQ_VIRTUAL goes beyond the 2048
 * entries of an MSI-X table), least of all in 32 bits.
 */
static int msi_raw_domain_alloc(struct irq_domain *domain, unsigned int virq,
				unsigned int nr_irqs, void *arg)
{
	struct irq_alloc_info *info = arg;
	struct msi_raw_block *blk = info->data;
	unsigned int i;
	int ret;

	/*
	 * Several interrupts: a block, whose vectors stay together, or the
	 * independent MSI-X vectors of one device (msi_raw_alloc_all()).
	 */
	if (blk && nr_irqs != 1U << blk->order)
		return -EINVAL;

	ret = irq_domain_alloc_irqs_parent(domain, virq, nr_irqs, arg);
	if (ret)
		return ret;
	for (i = 0; i < nr_irqs; i++) {
		if (blk && i >= blk->nvec_used) {
			irq_domain_set_info(domain, virq + i, virq + i,
					    &msi_raw_guard_chip, blk,
					    msi_raw_guard_flow, NULL, NULL);
			irq_set_status_flags(virq + i, IRQ_NOREQUEST |
					     IRQ_NOPROBE | IRQ_NOAUTOEN);
			continue;
		}
		irq_domain_set_info(domain, virq + i, virq + i, &msi_raw_chip,
				    blk, handle_edge_irq, NULL, "edge");
	}
	return 0;
}

/* The vector domain has just assigned the real vector: point the device at it */
static int msi_raw_domain_activate(struct irq_domain *domain,
				   struct irq_data *d, bool reserve)
{
	msi_raw_write(d, irqd_cfg(d));
	return 0;
}

/*
 * Called before the vector domain gives the vector up. A device that
 * can mask is masked by now. One that cannot is parked on the shutdown
 * vector, whose stray messages the local APIC code absorbs, instead of
 * leaving it aimed at a vector that may soon belong to someone else.
 */
static void msi_raw_domain_deactivate(struct irq_domain *domain,
				      struct irq_data *d)
{
	struct irq_cfg park = *irqd_cfg(d);

	/*
	 * A block keeps its vectors until it is freed, when the device is
	 * disabled: parking one vector would move the device's message.
	 */
	if (msi_raw_block_of(d) || msi_raw_can_mask(d))
		return;
	park.vector = MANAGED_IRQ_SHUTDOWN_VECTOR;
	msi_raw_write(d, &park);
}

static const struct irq_domain_ops msi_raw_domain_ops = {
	.alloc		= msi_raw_domain_alloc,
	.free		= irq_domain_free_irqs_common,
	.activate	= msi_raw_domain_activate,
	.deactivate	= msi_raw_domain_deactivate,
};

/* The core has deactivated the vector (parking it, see above) */
static void msi_raw_free_desc(struct msi_desc *desc)
{
	struct irq_data *d = irq_domain_get_irq_data(msi_raw_domain, desc->irq);
	struct msi_raw_block *blk = d ? msi_raw_block_of(d) : NULL;
	unsigned int virq = desc->irq, nr = blk ? 1U << blk->order : 1;

	desc->irq = 0;
	irq_domain_free_irqs(virq, nr);
	atomic_long_sub(desc->nvec_used, &msi_raw_stats.vectors);
	if (blk) {
		atomic_long_sub(nr - desc->nvec_used, &msi_raw_stats.guards);
		atomic_long_dec(&msi_raw_stats.blocks);
		kfree(blk);
	}
}

/*
 * Multi-MSI: the 2^k interrupts of the block, the first nvec_used with
 * the descriptor, put on one aligned block of CPU vectors. The block is
 * taken among the CPUs of the default affinity, else among all online
 * CPUs; always among those a message names.
 *
 * Return: 0; a smaller power of two when no CPU has a block of 2^k
 * free; or a negative errno (-ENOSPC when not even one vector is left).
 */
static int msi_raw_alloc_block(struct pci_dev *dev, struct msi_desc *desc)
{
	unsigned int order = desc->pci.msi_attrib.multiple, i;
	struct msi_raw_block *blk;
	struct irq_alloc_info info;
	cpumask_var_t mask, reach;
	struct irq_data *d;
	bool moved;
	int virq, ret;

	if (!zalloc_cpumask_var(&mask, GFP_KERNEL))
		return -ENOMEM;
	if (!zalloc_cpumask_var(&reach, GFP_KERNEL)) {
		free_cpumask_var(mask);
		return -ENOMEM;
	}
	blk = kzalloc(sizeof(*blk), GFP_KERNEL);
	if (!blk) {
		ret = -ENOMEM;
		goto out;
	}
	blk->order = order;
	blk->nvec_used = desc->nvec_used;
	atomic_long_set(&blk->spurious, 0);

	init_irq_alloc_info(&info, NULL);
	info.type = X86_IRQ_ALLOC_TYPE_PCI_MSI;
	info.desc = desc;
	info.data = blk;
	/*
	 * Not managed even when the driver asked for spread affinity: the
	 * block is on one CPU and moves as one, which a managed interrupt
	 * per vector cannot express.
	 */
	virq = __irq_domain_alloc_irqs(msi_raw_domain, -1, 1U << order,
				       dev_to_node(&dev->dev), &info, false,
				       NULL);
	if (virq < 0) {
		kfree(blk);
		ret = virq;
		goto out;
	}
	blk->virq = virq;
	d = irq_domain_get_irq_data(msi_raw_domain, virq);

#ifdef CONFIG_SMP
	cpumask_and(mask, irq_default_affinity, cpu_online_mask);
#else
	cpumask_copy(mask, cpu_online_mask);
#endif
	ret = msi_raw_reachable(d, mask, reach);
	if (!ret)
		ret = x86_vector_block_assign(virq, order, reach, &moved);
	if (ret) {
		ret = msi_raw_reachable(d, cpu_online_mask, reach);
		if (!ret)
			ret = x86_vector_block_assign(virq, order, reach, &moved);
	}
	if (ret) {
		pci_dbg(dev, "raw: no block of %u vectors (%d)\n", 1U << order, ret);
		irq_domain_free_irqs(virq, 1U << order);
		kfree(blk);
		if (ret == -ENOSPC && order)
			ret = 1 << (order - 1);
		goto out;
	}

	for (i = 0; i < desc->nvec_used; i++)
		irq_set_msi_desc_off(virq, i, desc);
	atomic_long_add(desc->nvec_used, &msi_raw_stats.vectors);
	atomic_long_add((1U << order) - desc->nvec_used, &msi_raw_stats.guards);
	atomic_long_inc(&msi_raw_stats.blocks);
	ret = 0;
out:
	free_cpumask_var(reach);
	free_cpumask_var(mask);
	return ret;
}

static int msi_raw_alloc_desc(struct pci_dev *dev, struct msi_desc *desc,
			      int type)
{
	struct irq_alloc_info info;
	int virq;

	init_irq_alloc_info(&info, NULL);
	info.type = type == PCI_CAP_ID_MSIX ? X86_IRQ_ALLOC_TYPE_PCI_MSIX :
					      X86_IRQ_ALLOC_TYPE_PCI_MSI;
	info.desc = desc;

	virq = __irq_domain_alloc_irqs(msi_raw_domain, -1, 1,
				       dev_to_node(&dev->dev), &info, false,
				       desc->affinity);
	if (virq < 0)
		return virq;

	atomic_long_inc(&msi_raw_stats.vectors);
	/*
	 * The core activates the vector next (msi_activate_early()), and
	 * msi_raw_domain_activate() writes the message: the shutdown vector
	 * while the interrupt sits on a reserved vector, which the core
	 * allows only behind a mask, else the real one.
	 */
	irq_set_msi_desc(virq, desc);
	return 0;
}

/*
 * The MSI-X vectors of a device in one allocation: the irq descriptors,
 * the hierarchy and the vector reservations are then set up with one
 * round trip through the irq core's locks per device instead of one per
 * vector. It needs as many consecutive free interrupt numbers as there
 * are descriptors, and spreading (managed affinity) on all of them or
 * on none; the caller falls back to one allocation per descriptor on
 * any failure, which also finds how many vectors could be had.
 */
static int msi_raw_alloc_all(struct pci_dev *dev)
{
	struct irq_affinity_desc *masks = NULL;
	unsigned int nr = 0, spread = 0, i = 0;
	struct irq_alloc_info info;
	struct msi_desc *desc;
	int virq;

	msi_for_each_desc(desc, &dev->dev, MSI_DESC_NOTASSOCIATED) {
		nr++;
		spread += !!desc->affinity;
	}
	if (nr < 2 || (spread && spread != nr))
		return -EINVAL;
	if (msi_raw_test_batch_refused())
		return -ENOSPC;
	if (spread) {
		/* A cpumask each: NR_CPUS bits, large for many vectors */
		masks = kvmalloc_array(nr, sizeof(*masks), GFP_KERNEL);
		if (!masks)
			return -ENOMEM;
		msi_for_each_desc(desc, &dev->dev, MSI_DESC_NOTASSOCIATED)
			masks[i++] = *desc->affinity;
	}

	init_irq_alloc_info(&info, NULL);
	info.type = X86_IRQ_ALLOC_TYPE_PCI_MSIX;
	virq = __irq_domain_alloc_irqs(msi_raw_domain, -1, nr,
				       dev_to_node(&dev->dev), &info, false,
				       masks);
	kvfree(masks);
	if (virq < 0)
		return virq;

	/* Activated next by the core, as in msi_raw_alloc_desc() */
	msi_for_each_desc(desc, &dev->dev, MSI_DESC_NOTASSOCIATED)
		irq_set_msi_desc(virq++, desc);
	atomic_long_add(nr, &msi_raw_stats.vectors);
	atomic_long_inc(&msi_raw_stats.batches);
	return 0;
}

/**
 * msi_raw_free - Release the vectors of a device (&pci_msi_ops.free)
 * @dev:	The PCI device
 * @type:	%PCI_CAP_ID_MSI or %PCI_CAP_ID_MSIX
 *
 * Context: Process context, descriptor lock held.
 */
static void msi_raw_free(struct pci_dev *dev, int type)
{
	struct msi_desc *desc;

	msi_for_each_desc(desc, &dev->dev, MSI_DESC_ASSOCIATED)
		msi_raw_free_desc(desc);
}

/**
 * msi_raw_alloc - Allocate and program a device's vectors (&pci_msi_ops.alloc)
 * @dev:	The PCI device, its descriptors created and masked
 * @type:	%PCI_CAP_ID_MSI or %PCI_CAP_ID_MSIX
 * @nvec:	Number of vectors
 *
 * One Linux interrupt and one CPU vector per descriptor; for MSI-X all
 * of them in one allocation when that can be had. Vectors the device
 * can mask are assigned lazily by the vector domain (at request_irq());
 * until then the core's early activation aims the device at the
 * shutdown vector.
 *
 * Context: Process context, descriptor lock held.
 * Return: 0; for MSI-X the number of vectors that could be had when the
 * vector space ran out after some; or a negative errno. Nothing is left
 * allocated on a non-zero return.
 */
static int msi_raw_alloc(struct pci_dev *dev, int type, int nvec)
{
	struct msi_desc *desc;
	int done = 0, ret = 0;

	if (type == PCI_CAP_ID_MSI && nvec > 1) {
		desc = msi_first_desc(&dev->dev, MSI_DESC_NOTASSOCIATED);
		if (!desc)
			return -EINVAL;
		return msi_raw_alloc_block(dev, desc);
	}

	if (type == PCI_CAP_ID_MSIX && !msi_raw_alloc_all(dev))
		return 0;

	msi_for_each_desc(desc, &dev->dev, MSI_DESC_NOTASSOCIATED) {
		ret = msi_raw_alloc_desc(dev, desc, type);
		if (ret)
			break;
		done++;
	}
	if (!ret)
		return 0;

	pci_dbg(dev, "raw: got %d of %d vectors (%d)\n", done, nvec, ret);
	msi_raw_free(dev, type);
	if (ret == -ENOSPC && type == PCI_CAP_ID_MSIX && done)
		return done;
	return ret;
}

/* One more MSI-X vector of an enabled table (&pci_msi_ops.alloc_at) */
static int msi_raw_alloc_at(struct pci_dev *dev, struct msi_desc *desc)
{
	return msi_raw_alloc_desc(dev, desc, PCI_CAP_ID_MSIX);
}

/* One MSI-X vector less (&pci_msi_ops.free_at) */
static void msi_raw_free_at(struct pci_dev *dev, struct msi_desc *desc)
{
	msi_raw_free_desc(desc);
}

static bool msi_raw_match(struct pci_dev *dev)
{
	return dev_get_msi_domain(&dev->dev) == x86_vector_domain;
}

/*
 * After a reset or on resume (&pci_msi_ops.restore): the vectors are
 * unchanged, so the core writes the cached messages back. Counted, so
 * that tests see that resume went through the backend.
 */
static int msi_raw_restore(struct pci_dev *dev, int type)
{
	atomic_long_inc(&msi_raw_stats.restores);
	return PCI_MSI_RESTORE_REWRITE;
}

static const struct pci_msi_ops msi_raw_ops = {
	.name		= "raw",
	.flags		= PCI_MSI_OPS_MULTI_MSI | PCI_MSI_OPS_MSIX |
			  PCI_MSI_OPS_MSIX_ALLOC_DYN,
	.match		= msi_raw_match,
	.alloc		= msi_raw_alloc,
	.free		= msi_raw_free,
	.restore	= msi_raw_restore,
	.alloc_at	= msi_raw_alloc_at,
	.free_at	= msi_raw_free_at,
};

#ifdef CONFIG_DEBUG_FS
static int msi_raw_stats_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "vectors %ld\nmoves %ld\nsplit_moves %ld\ncaught %ld\nremote_moves %ld\n",
		   atomic_long_read(&msi_raw_stats.vectors),
		   atomic_long_read(&msi_raw_stats.moves),
		   atomic_long_read(&msi_raw_stats.split_moves),
		   atomic_long_read(&msi_raw_stats.caught),
		   atomic_long_read(&msi_raw_stats.remote_moves));
	seq_printf(m, "blocks %ld\nguards %ld\nblock_moves %ld\nspurious %ld\nrestores %ld\n",
		   atomic_long_read(&msi_raw_stats.blocks),
		   atomic_long_read(&msi_raw_stats.guards),
		   atomic_long_read(&msi_raw_stats.block_moves),
		   atomic_long_read(&msi_raw_stats.spurious),
		   atomic_long_read(&msi_raw_stats.restores));
	seq_printf(m, "batches %ld\n", atomic_long_read(&msi_raw_stats.batches));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(msi_raw_stats);

static void __init msi_raw_debugfs_init(void)
{
	struct dentry *dir = debugfs_create_dir("msi_raw", NULL);

	debugfs_create_file("stats", 0444, dir, NULL, &msi_raw_stats_fops);
	debugfs_create_u32("split_delay_us", 0600, dir, &msi_raw_split_delay_us);
}
#else
static inline void msi_raw_debugfs_init(void) { }
#endif

static int __init msi_raw_setup(char *arg)
{
	if (arg && !strcmp(arg, "off"))
		msi_raw_off = true;
	return 0;
}
early_param("msi_raw", msi_raw_setup);

/*
 * Every CPU that may ever come online must be a destination a message
 * can name. The kernel refuses to register or boot a CPU whose APIC ID
 * exceeds apic->max_apic_id (apic_id_valid()), CPUs hot-added later
 * included, so that bound is what must fit: 0xfe for xAPIC, 255 or,
 * with the extended destination ID, 32767 for x2APIC without
 * remapping. With remapping, and in x2APIC cluster mode, whose logical
 * destinations are 32-bit cluster/member IDs, it is 2^32 - 1.
 */
static bool __init msi_raw_cpus_reachable(void)
{
	u32 max = msi_raw_ext_dest && !apic->dest_mode_logical ?
		  MSI_RAW_MAX_EXT_DEST : MSI_RAW_MAX_DEST;

	/*
	 * x2APIC runs in cluster mode only with remapping, but should it
	 * ever run without: its logical IDs are not those of the 8-bit
	 * flat model that msi_raw_compose() knows.
	 */
	if (x2apic_mode && apic->dest_mode_logical) {
		pr_info("x2APIC cluster mode: logical destinations are 32-bit cluster IDs no message names: not used\n");
		return false;
	}
	if (apic->max_apic_id > max) {
		pr_info("APIC %s allows APIC IDs up to %#x, a message names %s destinations up to %#x: not used\n",
			apic->name, apic->max_apic_id,
			apic->dest_mode_logical ? "logical" : "physical", max);
		return false;
	}
	return true;
}

/* Runs after pci_arch_init() has made the vector domain the PCI MSI parent */
static int __init msi_raw_init(void)
{
	struct fwnode_handle *fn;
	int ret;

	if (msi_raw_off) {
		pr_info("off (msi_raw=off): PCI MSIs stay on the irq domain path\n");
		return 0;
	}
	if (!x86_vector_domain || x86_pci_msi_default_domain != x86_vector_domain) {
		pr_info("the vector domain is not the PCI MSI parent: not used\n");
		return 0;
	}
	/*
	 * Remapping composes the messages of the devices in its scope. The
	 * few outside it (not in any unit's device scope) then take the
	 * irqdomain adapter's path to the vector domain, as upstream.
	 */
	if (irq_remapping_is_enabled()) {
		pr_info("interrupt remapping is on: PCI MSIs stay on the irq domain path\n");
		return 0;
	}
	msi_raw_ext_dest = x86_msi_ext_dest_id();
	if (!msi_raw_cpus_reachable())
		return 0;

	fn = irq_domain_alloc_named_fwnode("RAW-MSI");
	if (!fn)
		return -ENOMEM;
	msi_raw_domain = irq_domain_create_hierarchy(x86_vector_domain, 0, 0, fn,
						     &msi_raw_domain_ops, NULL);
	if (!msi_raw_domain) {
		irq_domain_free_fwnode(fn);
		return -ENOMEM;
	}

	ret = pci_msi_set_platform_ops(&msi_raw_ops);
	if (ret) {
		irq_domain_remove(msi_raw_domain);
		irq_domain_free_fwnode(fn);
		msi_raw_domain = NULL;
		return ret;
	}
	msi_raw_debugfs_init();
	pr_info("serving PCI devices whose MSI parent is the vector domain, APIC IDs up to %#x%s; multi-MSI in aligned vector blocks\n",
		apic->max_apic_id,
		msi_raw_ext_dest ? " (extended destination ID)" : "");
	return 0;
}
arch_initcall_sync(msi_raw_init);

#ifdef CONFIG_X86_MSI_RAW_KUNIT_TEST
#include "msi_raw_kunit.c"
#endif
