// SPDX-License-Identifier: GPL-2.0
/*
 * MSI exerciser for QEMU's "edu" PCI device
 *
 * The edu device (PCI 1234:11e8) is a teaching device built into QEMU.
 * Besides some DMA and arithmetic helpers it can raise an interrupt on
 * request: a write to its raise register sets bits in an interrupt status
 * register and, with MSI enabled, sends one MSI message per write. That
 * makes it a convenient, fully software controlled source of MSIs for
 * testing the PCI MSI core in a virtual machine.
 *
 * The driver allocates a single MSI (or MSI-X) vector through the normal
 * driver API and offers a debugfs interface to raise interrupts and to
 * count what arrived, under /sys/kernel/debug/edu-msi/<pci device>/:
 *
 *   raise     (write) raise N interrupts, one after the other
 *   flood     (write) "CPU MAX": start a free-running source, a kernel
 *                     thread on CPU that raises bursts of 1 to MAX
 *                     interrupts back to back, of every order of
 *                     magnitude alike; "stop": stop it
 *   threaded  (write) re-request the vector as a threaded interrupt with
 *                     no primary handler and no IRQF_ONESHOT, raise N
 *                     interrupts one after the other, then go back to
 *                     the normal handler
 *             (read)  the outcome of the last such run
 *   rtt       (write) measure N round trips, each raise, delivery,
 *                     handler with its acknowledgment and return, on one
 *                     CPU that the interrupt is aimed at, in guest ns
 *             (read)  "count= min= median= max= lost=" of the last run
 *   reset     (write) zero the counters
 *   raised    (read)  interrupts requested from the device
 *   received  (read)  interrupts handled (status was non-zero)
 *   lost      (read)  raises whose interrupt did not arrive in time
 *   spurious  (read)  handler invocations with an empty status
 *   irq       (read)  Linux interrupt number of the vector
 *   stats     (read)  all of the above on one line, plus the bursts of
 *                     the free-running source and those of them whose
 *                     last interrupt never arrived
 *   dma_write (write) "ADDR DATA": with dma_msi=1 only, have the device
 *                     write the 32-bit DATA at bus address ADDR with its
 *                     DMA engine (see below)
 *   claim     (write) "BDF": put a counting handler of this driver on
 *                     every MSI/MSI-X vector of PCI device BDF that has
 *                     no handler, so that /proc/interrupts counts what
 *                     DMA writes send to them; "-": free them again
 *
 * A device's MSI is nothing but a memory write of the message data to
 * the message address, so the edu DMA engine can send any message, to
 * any vector: edu_msi_dma_write() copies the data word into the
 * device's buffer and has the device write it to the address, which is
 * how the tests of multi-MSI raise vector k of a block (data | k). The
 * device must be started with dma_mask=0xffffffff: by default QEMU
 * clamps its DMA addresses to 28 bits, and a write meant for the MSI
 * window at 0xfee00000 would land in RAM at 0x0ee00000. Since that
 * cannot be detected from inside the guest, it is off unless the
 * parameter dma_msi says the device was started so.
 *
 * The free-running source does not wait for each interrupt, so device
 * writes keep landing while the interrupt is being moved between CPUs.
 * The device ORs every raise into its status register, and the local
 * APIC merges an edge into a vector that is still pending, so one
 * handler run may stand for several raises; that is allowed. What is
 * not allowed is a raise that no handler ever sees: after each burst
 * the source waits until the status register reads zero, which only
 * the handler's acknowledgment makes it do, and counts the burst as
 * lost when that does not happen within timeout_ms.
 */

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/edu_msi.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#define EDU_VENDOR_ID		0x1234
#define EDU_DEVICE_ID		0x11e8

#define EDU_BAR			0
#define EDU_REG_IRQ_STATUS	0x24
#define EDU_REG_IRQ_RAISE	0x60
#define EDU_REG_IRQ_ACK		0x64

/* DMA engine: source, destination, count, command; the device's buffer */
#define EDU_REG_DMA_SRC		0x80
#define EDU_REG_DMA_DST		0x88
#define EDU_REG_DMA_COUNT	0x90
#define EDU_REG_DMA_CMD		0x98
#define EDU_DMA_START		BIT(0)
#define EDU_DMA_TO_RAM		BIT(1)
#define EDU_DMA_BUF		0x40000
/* QEMU runs one DMA transfer 100 ms (virtual) after the command */
#define EDU_DMA_TIMEOUT_MS	2000

/* Status bit used for raising; the handler acknowledges whatever is set. */
#define EDU_IRQ_TEST		BIT(0)

/* Upper bound for a single write to the raise or threaded file. */
#define EDU_MSI_MAX_RAISE	10000000U

/* Upper bound for a single write to the rtt file. */
#define EDU_MSI_MAX_RTT		100000U

/* Upper bound for the burst length of the free-running source. */
#define EDU_MSI_MAX_BURST	65536U

/* Vectors of another device the claim file can put handlers on */
#define EDU_MSI_MAX_CLAIM	32

static unsigned int timeout_ms = 1000;
module_param(timeout_ms, uint, 0644);
MODULE_PARM_DESC(timeout_ms,
		 "Time to wait for each raised interrupt in ms (default: 1000)");

static bool dma_msi;
module_param(dma_msi, bool, 0444);
MODULE_PARM_DESC(dma_msi,
		 "The edu devices run with dma_mask=0xffffffff: allow DMA writes of MSI messages (default: off)");

static struct dentry *edu_msi_debugfs_root;

static struct pci_driver edu_msi_driver;

/* The first bound device that can send DMA writes, for edu_msi_dma_get() */
static DEFINE_MUTEX(edu_msi_dma_lock);
static struct pci_dev *edu_msi_dma_dev;

/**
 * struct edu_msi - per device state
 * @pdev: the PCI device
 * @regs: mapping of BAR 0
 * @irq: Linux interrupt number of the single vector
 * @irq_requested: the normal handler is installed on @irq
 * @dir: debugfs directory of the device
 * @lock: serialises the writers of the debugfs files
 * @wait: woken by the interrupt handlers and on removal
 * @stopping: set on removal to end a raise loop early
 * @flood: the free-running source's thread, NULL when it is not running
 * @flood_max: longest burst of the free-running source
 * @raised: number of interrupts requested from the device
 * @received: number of interrupts handled
 * @lost: number of raises whose interrupt did not arrive within the timeout
 * @spurious: number of handler invocations that found no status bit set
 * @bursts: bursts of the free-running source
 * @bursts_lost: bursts whose last raise no handler acknowledged in time
 * @threaded: interrupts handled by the threaded handler
 * @thr_ret: return value of the last threaded request_threaded_irq()
 * @thr_raised: interrupts raised in the last threaded run
 * @thr_handled: of those, handled by the thread function
 * @thr_lost: of those, not handled within the timeout
 * @dma_buf: one word of coherent memory, the source of DMA writes
 * @dma_handle: its bus address
 * @dma_writes: DMA writes the device carried out
 * @rtt_count: round trips measured in the last rtt run
 * @rtt_min: the shortest of them, in ns
 * @rtt_median: their median, in ns
 * @rtt_max: the longest of them, in ns
 * @rtt_lost: raises of the last rtt run whose interrupt did not arrive
 * @claimed: the device whose vectors carry the claim file's handlers
 * @claim_irqs: those vectors' Linux interrupt numbers, 0 where unclaimed
 */
struct edu_msi {
	struct pci_dev *pdev;
	void __iomem *regs;
	u32 irq;
	bool irq_requested;
	struct dentry *dir;
	struct mutex lock;	/* serialises debugfs writers */
	wait_queue_head_t wait;
	bool stopping;
	struct task_struct *flood;
	unsigned int flood_max;
	atomic64_t raised;
	atomic64_t received;
	atomic64_t lost;
	atomic64_t spurious;
	atomic64_t bursts;
	atomic64_t bursts_lost;
	atomic64_t threaded;
	int thr_ret;
	unsigned int thr_raised;
	unsigned int thr_handled;
	unsigned int thr_lost;
	__le32 *dma_buf;
	dma_addr_t dma_handle;
	atomic64_t dma_writes;
	unsigned int rtt_count;
	u64 rtt_min;
	u64 rtt_median;
	u64 rtt_max;
	unsigned int rtt_lost;
	struct pci_dev *claimed;
	unsigned int claim_irqs[EDU_MSI_MAX_CLAIM];
};

/*
 * Acknowledge whatever the device has pending and count it in @handled.
 * Shared by the normal handler and the thread function.
 */
static irqreturn_t edu_msi_ack(struct edu_msi *edu, atomic64_t *handled)
{
	u32 status;

	status = readl(edu->regs + EDU_REG_IRQ_STATUS);
	if (!status) {
		atomic64_inc(&edu->spurious);
		return IRQ_NONE;
	}

	writel(status, edu->regs + EDU_REG_IRQ_ACK);
	atomic64_inc(handled);
	wake_up(&edu->wait);

	return IRQ_HANDLED;
}

static irqreturn_t edu_msi_irq_handler(int irq, void *data)
{
	struct edu_msi *edu = data;

	return edu_msi_ack(edu, &edu->received);
}

static irqreturn_t edu_msi_irq_thread(int irq, void *data)
{
	struct edu_msi *edu = data;

	return edu_msi_ack(edu, &edu->threaded);
}

/**
 * edu_msi_raise_one() - raise one interrupt and wait for it
 * @edu: the device
 * @handled: the counter of the handler installed now
 * @timeout: how long to wait, in jiffies
 *
 * Waits for @handled to move rather than for a per-raise event, so that
 * an interrupt which arrives only after its wait timed out is still
 * counted as handled by the handler; the wait itself is then reported
 * as lost.
 *
 * Context: Process context, with @edu->lock held.
 * Return: 1 when the interrupt arrived, 0 when the wait timed out,
 * -EINTR on a fatal signal, -ENODEV when the device is being removed.
 */
static int edu_msi_raise_one(struct edu_msi *edu, atomic64_t *handled,
			     unsigned long timeout)
{
	s64 seen = atomic64_read(handled);
	long ret;

	if (READ_ONCE(edu->stopping))
		return -ENODEV;

	atomic64_inc(&edu->raised);
	writel(EDU_IRQ_TEST, edu->regs + EDU_REG_IRQ_RAISE);

	ret = wait_event_killable_timeout(edu->wait,
					  atomic64_read(handled) != seen ||
					  READ_ONCE(edu->stopping),
					  timeout);
	if (ret < 0)
		return -EINTR;
	if (READ_ONCE(edu->stopping))
		return -ENODEV;

	return ret ? 1 : 0;
}

/**
 * edu_msi_raise() - raise interrupts one at a time
 * @edu: the device
 * @count: number of interrupts to raise
 *
 * The next interrupt is raised only once the previous one was handled (or
 * its wait timed out): a local APIC merges an edge into a vector that is
 * still pending, so raising back to back would make the count of
 * received interrupts meaningless.
 *
 * Return: 0 on success or a negative error code.
 */
static int edu_msi_raise(struct edu_msi *edu, unsigned int count)
{
	unsigned long timeout = msecs_to_jiffies(READ_ONCE(timeout_ms));
	unsigned int i;
	int ret = 0;

	if (mutex_lock_killable(&edu->lock))
		return -EINTR;

	if (edu->flood || !edu->irq_requested) {
		ret = -EBUSY;
		goto out;
	}

	for (i = 0; i < count; i++) {
		ret = edu_msi_raise_one(edu, &edu->received, timeout);
		if (ret < 0)
			break;
		if (!ret)
			atomic64_inc(&edu->lost);
		ret = 0;
		cond_resched();
	}
out:
	mutex_unlock(&edu->lock);
	return ret;
}

static ssize_t edu_msi_raise_write(struct file *file, const char __user *buf,
				   size_t len, loff_t *ppos)
{
	struct edu_msi *edu = file->private_data;
	unsigned int count;
	int ret;

	ret = kstrtouint_from_user(buf, len, 10, &count);
	if (ret)
		return ret;
	if (!count || count > EDU_MSI_MAX_RAISE)
		return -EINVAL;

	ret = edu_msi_raise(edu, count);
	return ret ? ret : len;
}

static const struct file_operations edu_msi_raise_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= edu_msi_raise_write,
	.llseek	= noop_llseek,
};

/**
 * edu_msi_wait_acked() - wait until the device has nothing pending
 * @edu: the device
 * @timeout: how long to wait, in jiffies
 *
 * Only the interrupt handler clears the status register, so a status of
 * zero read after the last raise of a burst proves that a handler ran
 * after that raise had set its bit: the burst's last interrupt arrived,
 * possibly merged with earlier ones.
 *
 * Context: The free-running source's thread.
 * Return: 1 when the status read zero in time, 0 when it did not, -EINTR
 * when the thread is being stopped.
 */
static int edu_msi_wait_acked(struct edu_msi *edu, unsigned long timeout)
{
	unsigned long end = jiffies + timeout;
	long left;
	s64 seen;

	for (;;) {
		/* Read the counter first: a handler run after it wakes us */
		seen = atomic64_read(&edu->received);
		if (!readl(edu->regs + EDU_REG_IRQ_STATUS))
			return 1;
		if (kthread_should_stop())
			return -EINTR;
		left = (long)(end - jiffies);
		if (left <= 0)
			return 0;
		wait_event_timeout(edu->wait,
				   atomic64_read(&edu->received) != seen ||
				   kthread_should_stop(),
				   left);
	}
}

/*
 * Length of the next burst: a power of two up to @max is picked first,
 * then a length up to it, so that short bursts (their last raise lands
 * anywhere relative to what the handler's CPU is doing) are as frequent
 * as long ones (still raising when that CPU gets to the interrupt).
 */
static unsigned int edu_msi_burst_len(unsigned int max)
{
	unsigned int span = 1U << get_random_u32_below(ilog2(max) + 1);

	return 1 + get_random_u32_below(span);
}

/*
 * The free-running source: bursts of raises, each raise written without
 * waiting for its interrupt, until stopped.
 */
static int edu_msi_flood_fn(void *data)
{
	struct edu_msi *edu = data;
	unsigned long timeout = msecs_to_jiffies(READ_ONCE(timeout_ms));
	unsigned int i, n;
	int ret;

	while (!kthread_should_stop()) {
		n = edu_msi_burst_len(edu->flood_max);
		for (i = 0; i < n; i++) {
			writel(EDU_IRQ_TEST, edu->regs + EDU_REG_IRQ_RAISE);
			if (i % 1024 == 1023)
				cond_resched();
		}
		atomic64_add(n, &edu->raised);
		atomic64_inc(&edu->bursts);

		ret = edu_msi_wait_acked(edu, timeout);
		if (ret < 0)
			break;
		if (!ret) {
			atomic64_inc(&edu->bursts_lost);
			dev_warn_ratelimited(&edu->pdev->dev,
					     "flood: no handler acknowledged a burst of %u within %u ms\n",
					     n, jiffies_to_msecs(timeout));
		}
		cond_resched();
	}
	return 0;
}

/* Stop the free-running source, if it runs; with @edu->lock held */
static void edu_msi_flood_stop(struct edu_msi *edu)
{
	if (!edu->flood)
		return;
	kthread_stop(edu->flood);
	edu->flood = NULL;
}

static int edu_msi_flood_start(struct edu_msi *edu, unsigned int cpu,
			       unsigned int max)
{
	struct task_struct *t;

	if (edu->flood || !edu->irq_requested || READ_ONCE(edu->stopping))
		return -EBUSY;
	if (cpu >= nr_cpu_ids || !cpu_online(cpu) || !max ||
	    max > EDU_MSI_MAX_BURST)
		return -EINVAL;

	t = kthread_create(edu_msi_flood_fn, edu, "edu-msi-flood/%u", cpu);
	if (IS_ERR(t))
		return PTR_ERR(t);
	kthread_bind(t, cpu);
	edu->flood_max = max;
	edu->flood = t;
	wake_up_process(t);
	return 0;
}

static ssize_t edu_msi_flood_write(struct file *file, const char __user *buf,
				   size_t len, loff_t *ppos)
{
	struct edu_msi *edu = file->private_data;
	unsigned int cpu, max;
	char cmd[32];
	int ret = 0;

	if (len >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, buf, len))
		return -EFAULT;
	cmd[len] = '\0';

	if (mutex_lock_killable(&edu->lock))
		return -EINTR;
	if (sysfs_streq(cmd, "stop"))
		edu_msi_flood_stop(edu);
	else if (sscanf(cmd, "%u %u", &cpu, &max) == 2)
		ret = edu_msi_flood_start(edu, cpu, max);
	else
		ret = -EINVAL;
	mutex_unlock(&edu->lock);

	return ret ? ret : len;
}

static const struct file_operations edu_msi_flood_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= edu_msi_flood_write,
	.llseek	= noop_llseek,
};

/**
 * edu_msi_threaded() - serve the vector by a thread function alone
 * @edu: the device
 * @count: number of interrupts to raise
 *
 * Replaces the normal handler by request_threaded_irq() with no primary
 * handler and no IRQF_ONESHOT, which every PCI/MSI interrupt upstream
 * accepts (its irq_chip is one-shot safe), raises @count interrupts one
 * at a time, then installs the normal handler again. The outcome is
 * kept for reading the threaded file.
 *
 * Return: 0 when the normal handler is back, whatever the threaded
 * request returned; a negative error code otherwise.
 */
static int edu_msi_threaded(struct edu_msi *edu, unsigned int count)
{
	unsigned long timeout = msecs_to_jiffies(READ_ONCE(timeout_ms));
	s64 before;
	unsigned int i;
	int ret;

	if (mutex_lock_killable(&edu->lock))
		return -EINTR;

	if (edu->flood || !edu->irq_requested) {
		ret = -EBUSY;
		goto out;
	}

	free_irq(edu->irq, edu);
	edu->irq_requested = false;

	edu->thr_raised = 0;
	edu->thr_handled = 0;
	edu->thr_lost = 0;
	edu->thr_ret = request_threaded_irq(edu->irq, NULL, edu_msi_irq_thread,
					    0, KBUILD_MODNAME "-threaded", edu);
	if (!edu->thr_ret) {
		before = atomic64_read(&edu->threaded);
		for (i = 0; i < count; i++) {
			ret = edu_msi_raise_one(edu, &edu->threaded, timeout);
			if (ret < 0)
				break;
			edu->thr_raised++;
			if (!ret)
				edu->thr_lost++;
			cond_resched();
		}
		edu->thr_handled = atomic64_read(&edu->threaded) - before;
		free_irq(edu->irq, edu);
	}

	ret = request_irq(edu->irq, edu_msi_irq_handler, 0, KBUILD_MODNAME, edu);
	if (ret)
		dev_err(&edu->pdev->dev, "cannot request irq %u again: %d\n",
			edu->irq, ret);
	else
		edu->irq_requested = true;
out:
	mutex_unlock(&edu->lock);
	return ret;
}

static ssize_t edu_msi_threaded_write(struct file *file,
				      const char __user *buf, size_t len,
				      loff_t *ppos)
{
	struct seq_file *m = file->private_data;	/* single_open() */
	struct edu_msi *edu = m->private;
	unsigned int count;
	int ret;

	ret = kstrtouint_from_user(buf, len, 10, &count);
	if (ret)
		return ret;
	if (!count || count > EDU_MSI_MAX_RAISE)
		return -EINVAL;

	ret = edu_msi_threaded(edu, count);
	return ret ? ret : len;
}

static int edu_msi_threaded_show(struct seq_file *m, void *unused)
{
	struct edu_msi *edu = m->private;

	if (mutex_lock_killable(&edu->lock))
		return -EINTR;
	seq_printf(m, "request=%d raised=%u handled=%u lost=%u\n",
		   edu->thr_ret, edu->thr_raised, edu->thr_handled,
		   edu->thr_lost);
	mutex_unlock(&edu->lock);
	return 0;
}

static int edu_msi_threaded_open(struct inode *inode, struct file *file)
{
	return single_open(file, edu_msi_threaded_show, inode->i_private);
}

static const struct file_operations edu_msi_threaded_fops = {
	.owner		= THIS_MODULE,
	.open		= edu_msi_threaded_open,
	.read		= seq_read,
	.write		= edu_msi_threaded_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

/**
 * struct edu_msi_rtt - one round-trip measurement
 * @edu: the device
 * @count: round trips to make
 * @ns: their times
 * @done: round trips that completed
 * @lost: raises whose interrupt did not arrive within the timeout
 */
struct edu_msi_rtt {
	struct edu_msi *edu;
	unsigned int count;
	u64 *ns;
	unsigned int done;
	unsigned int lost;
};

/*
 * Runs on the CPU the interrupt is aimed at, with preemption off and
 * interrupts on: from the raise to the moment the handler's count moves
 * is the device write, the delivery, the handler with its reads and its
 * acknowledgment, and the return to this loop.
 */
static long edu_msi_rtt_fn(void *data)
{
	struct edu_msi_rtt *r = data;
	struct edu_msi *edu = r->edu;
	u64 limit = (u64)READ_ONCE(timeout_ms) * NSEC_PER_MSEC;
	u64 t0, t;
	unsigned int i;
	s64 seen;

	for (i = 0; i < r->count && !READ_ONCE(edu->stopping); i++) {
		atomic64_inc(&edu->raised);
		preempt_disable();
		seen = atomic64_read(&edu->received);
		t0 = ktime_get_ns();
		writel(EDU_IRQ_TEST, edu->regs + EDU_REG_IRQ_RAISE);
		do {
			t = ktime_get_ns() - t0;
			if (atomic64_read(&edu->received) != seen)
				break;
			cpu_relax();
		} while (t < limit);
		preempt_enable();
		if (atomic64_read(&edu->received) == seen) {
			atomic64_inc(&edu->lost);
			r->lost++;
		} else {
			r->ns[r->done++] = t;
		}
		cond_resched();
	}
	return 0;
}

static int edu_msi_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/* Aim the interrupt at the first online CPU and time @count round trips */
static int edu_msi_rtt(struct edu_msi *edu, unsigned int count)
{
	struct edu_msi_rtt r = { .edu = edu, .count = count };
	unsigned int cpu = cpumask_first(cpu_online_mask);
	int ret;

	r.ns = kvmalloc_array(count, sizeof(*r.ns), GFP_KERNEL);
	if (!r.ns)
		return -ENOMEM;
	if (mutex_lock_killable(&edu->lock)) {
		kvfree(r.ns);
		return -EINTR;
	}
	if (edu->flood || !edu->irq_requested) {
		ret = -EBUSY;
		goto out;
	}
	ret = irq_set_affinity(edu->irq, cpumask_of(cpu));
	if (ret) {
		dev_err(&edu->pdev->dev, "rtt: cannot aim irq %u at CPU %u: %d\n",
			edu->irq, cpu, ret);
		goto out;
	}
	/* A few round trips first: the move completes with an interrupt */
	r.count = min(count, 16U);
	work_on_cpu(cpu, edu_msi_rtt_fn, &r);
	r.count = count;
	r.done = 0;
	r.lost = 0;
	work_on_cpu(cpu, edu_msi_rtt_fn, &r);

	edu->rtt_count = r.done;
	edu->rtt_lost = r.lost;
	edu->rtt_min = 0;
	edu->rtt_median = 0;
	edu->rtt_max = 0;
	if (r.done) {
		sort(r.ns, r.done, sizeof(*r.ns), edu_msi_cmp_u64, NULL);
		edu->rtt_min = r.ns[0];
		edu->rtt_median = r.ns[r.done / 2];
		edu->rtt_max = r.ns[r.done - 1];
	}
	ret = 0;
out:
	mutex_unlock(&edu->lock);
	kvfree(r.ns);
	return ret;
}

static ssize_t edu_msi_rtt_write(struct file *file, const char __user *buf,
				 size_t len, loff_t *ppos)
{
	struct seq_file *m = file->private_data;	/* single_open() */
	struct edu_msi *edu = m->private;
	unsigned int count;
	int ret;

	ret = kstrtouint_from_user(buf, len, 10, &count);
	if (ret)
		return ret;
	if (!count || count > EDU_MSI_MAX_RTT)
		return -EINVAL;

	ret = edu_msi_rtt(edu, count);
	return ret ? ret : len;
}

static int edu_msi_rtt_show(struct seq_file *m, void *unused)
{
	struct edu_msi *edu = m->private;

	if (mutex_lock_killable(&edu->lock))
		return -EINTR;
	seq_printf(m, "count=%u min=%llu median=%llu max=%llu lost=%u\n",
		   edu->rtt_count, edu->rtt_min, edu->rtt_median, edu->rtt_max,
		   edu->rtt_lost);
	mutex_unlock(&edu->lock);
	return 0;
}

static int edu_msi_rtt_open(struct inode *inode, struct file *file)
{
	return single_open(file, edu_msi_rtt_show, inode->i_private);
}

static const struct file_operations edu_msi_rtt_fops = {
	.owner		= THIS_MODULE,
	.open		= edu_msi_rtt_open,
	.read		= seq_read,
	.write		= edu_msi_rtt_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

static ssize_t edu_msi_reset_write(struct file *file, const char __user *buf,
				   size_t len, loff_t *ppos)
{
	struct edu_msi *edu = file->private_data;

	if (mutex_lock_killable(&edu->lock))
		return -EINTR;

	atomic64_set(&edu->raised, 0);
	atomic64_set(&edu->received, 0);
	atomic64_set(&edu->lost, 0);
	atomic64_set(&edu->spurious, 0);
	atomic64_set(&edu->bursts, 0);
	atomic64_set(&edu->bursts_lost, 0);
	atomic64_set(&edu->threaded, 0);

	mutex_unlock(&edu->lock);
	return len;
}

static const struct file_operations edu_msi_reset_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= edu_msi_reset_write,
	.llseek	= noop_llseek,
};

static int edu_msi_counter_get(void *data, u64 *val)
{
	*val = atomic64_read(data);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(edu_msi_counter_fops, edu_msi_counter_get, NULL,
			 "%llu\n");

static int edu_msi_stats_show(struct seq_file *m, void *unused)
{
	struct edu_msi *edu = m->private;

	seq_printf(m, "raised=%lld received=%lld lost=%lld spurious=%lld irq=%u bursts=%lld bursts_lost=%lld threaded=%lld\n",
		   atomic64_read(&edu->raised), atomic64_read(&edu->received),
		   atomic64_read(&edu->lost), atomic64_read(&edu->spurious),
		   edu->irq, atomic64_read(&edu->bursts),
		   atomic64_read(&edu->bursts_lost),
		   atomic64_read(&edu->threaded));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(edu_msi_stats);

/* Run one DMA transfer and wait until the device reports it done */
static int edu_msi_dma_run(struct edu_msi *edu, u64 src, u64 dst, u32 cmd)
{
	unsigned int waited = 0;

	writeq(src, edu->regs + EDU_REG_DMA_SRC);
	writeq(dst, edu->regs + EDU_REG_DMA_DST);
	writeq(sizeof(*edu->dma_buf), edu->regs + EDU_REG_DMA_COUNT);
	writeq(cmd | EDU_DMA_START, edu->regs + EDU_REG_DMA_CMD);
	while (readq(edu->regs + EDU_REG_DMA_CMD) & EDU_DMA_START) {
		if (waited >= EDU_DMA_TIMEOUT_MS || READ_ONCE(edu->stopping))
			return -ETIMEDOUT;
		usleep_range(5000, 10000);
		waited += 5;
	}
	return 0;
}

/**
 * edu_msi_dma_write() - have an edu device write one word by DMA
 * @pdev: an edu device bound to this driver with dma_msi set
 * @addr: bus address to write, e.g. an MSI message address
 * @val: the 32-bit word, e.g. an MSI message's data
 *
 * The word goes from memory into the device's buffer and from there to
 * @addr, as two transfers of the device's DMA engine; the second is a
 * memory write of the device like any other, so a message address and
 * data make it an MSI.
 *
 * Context: Process context; sleeps for the transfers (about 200 ms).
 * Return: 0 once the device wrote @val, -ENODEV when @pdev cannot do
 * this, -ETIMEDOUT when a transfer did not complete.
 */
int edu_msi_dma_write(struct pci_dev *pdev, u32 addr, u32 val)
{
	struct edu_msi *edu;
	int ret;

	if (!pdev || pdev->driver != &edu_msi_driver)
		return -ENODEV;
	edu = pci_get_drvdata(pdev);
	if (!edu || !edu->dma_buf)
		return -ENODEV;

	if (mutex_lock_killable(&edu->lock))
		return -EINTR;
	WRITE_ONCE(*edu->dma_buf, cpu_to_le32(val));
	ret = edu_msi_dma_run(edu, edu->dma_handle, EDU_DMA_BUF, 0);
	if (!ret)
		ret = edu_msi_dma_run(edu, EDU_DMA_BUF, addr, EDU_DMA_TO_RAM);
	if (!ret)
		atomic64_inc(&edu->dma_writes);
	else
		dev_err(&pdev->dev, "DMA write of %#x to %#x: %d\n", val, addr, ret);
	mutex_unlock(&edu->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(edu_msi_dma_write);

/**
 * edu_msi_dma_get() - an edu device that can send DMA writes
 *
 * Return: A referenced device for edu_msi_dma_write(), to be put with
 * pci_dev_put(), or NULL when none is bound or dma_msi is off.
 */
struct pci_dev *edu_msi_dma_get(void)
{
	struct pci_dev *pdev;

	mutex_lock(&edu_msi_dma_lock);
	pdev = pci_dev_get(edu_msi_dma_dev);
	mutex_unlock(&edu_msi_dma_lock);
	return pdev;
}
EXPORT_SYMBOL_GPL(edu_msi_dma_get);

static ssize_t edu_msi_dma_write_write(struct file *file,
				       const char __user *buf, size_t len,
				       loff_t *ppos)
{
	struct edu_msi *edu = file->private_data;
	char kbuf[32];
	u32 addr, val;
	int ret;

	if (len >= sizeof(kbuf))
		return -EINVAL;
	if (copy_from_user(kbuf, buf, len))
		return -EFAULT;
	kbuf[len] = '\0';
	if (sscanf(kbuf, "%x %x", &addr, &val) != 2)
		return -EINVAL;
	ret = edu_msi_dma_write(edu->pdev, addr, val);
	return ret ? ret : len;
}

static const struct file_operations edu_msi_dma_write_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= edu_msi_dma_write_write,
	.llseek	= noop_llseek,
};

/*
 * The claim file. A driver may allocate more vectors than it requests
 * (xhci allocates one per interrupter and requests only the first); a
 * message sent to such a vector reaches an interrupt without handler,
 * which the kernel neither counts nor shows. Claiming puts a handler on
 * each of them, so that a test can see which vector a message reached.
 */
static irqreturn_t edu_msi_claim_handler(int irq, void *data)
{
	return IRQ_HANDLED;
}

/* Free the claim handlers */
static void edu_msi_release(struct edu_msi *edu)
{
	unsigned int i;

	lockdep_assert_held(&edu->lock);
	for (i = 0; i < EDU_MSI_MAX_CLAIM; i++) {
		if (edu->claim_irqs[i])
			free_irq(edu->claim_irqs[i], &edu->claim_irqs[i]);
		edu->claim_irqs[i] = 0;
	}
	pci_dev_put(edu->claimed);
	edu->claimed = NULL;
}

/* Claim every vector of @target without a handler */
static int edu_msi_claim(struct edu_msi *edu, struct pci_dev *target)
{
	unsigned int i;
	int irq, ret;

	lockdep_assert_held(&edu->lock);
	edu->claimed = pci_dev_get(target);
	for (i = 0; i < EDU_MSI_MAX_CLAIM; i++) {
		irq = pci_irq_vector(target, i);
		if (irq < 0)
			break;
		if (irq_has_action(irq))
			continue;
		ret = request_irq(irq, edu_msi_claim_handler, 0, "edu-claim",
				  &edu->claim_irqs[i]);
		if (ret) {
			edu_msi_release(edu);
			return ret;
		}
		edu->claim_irqs[i] = irq;
	}
	return 0;
}

static ssize_t edu_msi_claim_write(struct file *file, const char __user *buf,
				   size_t len, loff_t *ppos)
{
	struct edu_msi *edu = file->private_data;
	unsigned int domain, bus, slot, fn;
	struct pci_dev *target = NULL;
	char kbuf[32];
	int ret = 0;

	if (len >= sizeof(kbuf))
		return -EINVAL;
	if (copy_from_user(kbuf, buf, len))
		return -EFAULT;
	kbuf[len] = '\0';
	strim(kbuf);
	if (strcmp(kbuf, "-")) {
		if (sscanf(kbuf, "%x:%x:%x.%x", &domain, &bus, &slot, &fn) != 4)
			return -EINVAL;
		target = pci_get_domain_bus_and_slot(domain, bus,
						     PCI_DEVFN(slot, fn));
		if (!target)
			return -ENODEV;
	}

	if (mutex_lock_killable(&edu->lock)) {
		pci_dev_put(target);
		return -EINTR;
	}
	edu_msi_release(edu);
	if (target)
		ret = edu_msi_claim(edu, target);
	mutex_unlock(&edu->lock);
	pci_dev_put(target);
	return ret ? ret : len;
}

static const struct file_operations edu_msi_claim_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= edu_msi_claim_write,
	.llseek	= noop_llseek,
};

/* With dma_msi: 32-bit DMA and the word it writes from */
static void edu_msi_dma_init(struct edu_msi *edu)
{
	struct device *dev = &edu->pdev->dev;

	if (!dma_msi)
		return;
	if (dma_set_mask_and_coherent(dev, DMA_BIT_MASK(32))) {
		dev_warn(dev, "no 32-bit DMA: no DMA writes\n");
		return;
	}
	edu->dma_buf = dmam_alloc_coherent(dev, sizeof(*edu->dma_buf),
					   &edu->dma_handle, GFP_KERNEL);
	if (!edu->dma_buf) {
		dev_warn(dev, "no DMA buffer: no DMA writes\n");
		return;
	}
	mutex_lock(&edu_msi_dma_lock);
	if (!edu_msi_dma_dev)
		edu_msi_dma_dev = edu->pdev;
	mutex_unlock(&edu_msi_dma_lock);
}

static void edu_msi_dma_exit(struct edu_msi *edu)
{
	mutex_lock(&edu_msi_dma_lock);
	if (edu_msi_dma_dev == edu->pdev)
		edu_msi_dma_dev = NULL;
	mutex_unlock(&edu_msi_dma_lock);
}

static void edu_msi_debugfs_init(struct edu_msi *edu)
{
	struct dentry *dir;

	dir = debugfs_create_dir(pci_name(edu->pdev), edu_msi_debugfs_root);
	edu->dir = dir;

	debugfs_create_file("raise", 0200, dir, edu, &edu_msi_raise_fops);
	debugfs_create_file("flood", 0200, dir, edu, &edu_msi_flood_fops);
	debugfs_create_file("threaded", 0600, dir, edu, &edu_msi_threaded_fops);
	debugfs_create_file("rtt", 0600, dir, edu, &edu_msi_rtt_fops);
	debugfs_create_file("reset", 0200, dir, edu, &edu_msi_reset_fops);
	debugfs_create_file_unsafe("raised", 0444, dir, &edu->raised,
				   &edu_msi_counter_fops);
	debugfs_create_file_unsafe("received", 0444, dir, &edu->received,
				   &edu_msi_counter_fops);
	debugfs_create_file_unsafe("lost", 0444, dir, &edu->lost,
				   &edu_msi_counter_fops);
	debugfs_create_file_unsafe("spurious", 0444, dir, &edu->spurious,
				   &edu_msi_counter_fops);
	debugfs_create_u32("irq", 0444, dir, &edu->irq);
	debugfs_create_file("stats", 0444, dir, edu, &edu_msi_stats_fops);
	if (edu->dma_buf) {
		debugfs_create_file("dma_write", 0200, dir, edu,
				    &edu_msi_dma_write_fops);
		debugfs_create_file_unsafe("dma_writes", 0444, dir,
					   &edu->dma_writes,
					   &edu_msi_counter_fops);
		debugfs_create_file("claim", 0200, dir, edu,
				    &edu_msi_claim_fops);
	}
}

static int edu_msi_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	struct edu_msi *edu;
	int ret;

	edu = devm_kzalloc(dev, sizeof(*edu), GFP_KERNEL);
	if (!edu)
		return -ENOMEM;

	edu->pdev = pdev;
	init_waitqueue_head(&edu->wait);
	ret = devm_mutex_init(dev, &edu->lock);
	if (ret)
		return ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return dev_err_probe(dev, ret, "cannot enable device\n");

	edu->regs = pcim_iomap_region(pdev, EDU_BAR, KBUILD_MODNAME);
	if (IS_ERR(edu->regs))
		return dev_err_probe(dev, PTR_ERR(edu->regs),
				     "cannot map BAR %d\n", EDU_BAR);

	pci_set_master(pdev);

	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI | PCI_IRQ_MSIX);
	if (ret < 0) {
		dev_err(dev, "no MSI or MSI-X vector available: %d\n", ret);
		return ret;
	}
	edu->irq = pci_irq_vector(pdev, 0);

	ret = request_irq(edu->irq, edu_msi_irq_handler, 0, KBUILD_MODNAME, edu);
	if (ret) {
		dev_err(dev, "cannot request irq %u: %d\n", edu->irq, ret);
		goto err_free_vectors;
	}
	edu->irq_requested = true;

	pci_set_drvdata(pdev, edu);
	edu_msi_dma_init(edu);
	edu_msi_debugfs_init(edu);

	dev_info(dev, "%s vector on irq %u\n",
		 pdev->msix_enabled ? "MSI-X" : "MSI", edu->irq);
	return 0;

err_free_vectors:
	pci_free_irq_vectors(pdev);
	return ret;
}

static void edu_msi_remove(struct pci_dev *pdev)
{
	struct edu_msi *edu = pci_get_drvdata(pdev);

	/* End a running raise loop; debugfs removal waits for it to return. */
	edu_msi_dma_exit(edu);
	WRITE_ONCE(edu->stopping, true);
	wake_up_all(&edu->wait);
	debugfs_remove_recursive(edu->dir);

	/* No debugfs writer is left: nothing takes the lock any more */
	edu_msi_flood_stop(edu);
	mutex_lock(&edu->lock);
	edu_msi_release(edu);
	mutex_unlock(&edu->lock);
	if (edu->irq_requested)
		free_irq(edu->irq, edu);
	pci_free_irq_vectors(pdev);
}

static const struct pci_device_id edu_msi_ids[] = {
	{ PCI_DEVICE(EDU_VENDOR_ID, EDU_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, edu_msi_ids);

static struct pci_driver edu_msi_driver = {
	.name		= KBUILD_MODNAME,
	.id_table	= edu_msi_ids,
	.probe		= edu_msi_probe,
	.remove		= edu_msi_remove,
};

static int __init edu_msi_init(void)
{
	int ret;

	edu_msi_debugfs_root = debugfs_create_dir("edu-msi", NULL);

	ret = pci_register_driver(&edu_msi_driver);
	if (ret)
		debugfs_remove(edu_msi_debugfs_root);

	return ret;
}
module_init(edu_msi_init);

static void __exit edu_msi_exit(void)
{
	pci_unregister_driver(&edu_msi_driver);
	debugfs_remove(edu_msi_debugfs_root);
}
module_exit(edu_msi_exit);

MODULE_DESCRIPTION("MSI exerciser for QEMU's edu PCI device");
MODULE_LICENSE("GPL");
