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
 *   reset     (write) zero the counters
 *   raised    (read)  interrupts requested from the device
 *   received  (read)  interrupts handled (status was non-zero)
 *   lost      (read)  raises whose interrupt did not arrive in time
 *   spurious  (read)  handler invocations with an empty status
 *   irq       (read)  Linux interrupt number of the vector
 *   stats     (read)  all of the above on one line
 */

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#define EDU_VENDOR_ID		0x1234
#define EDU_DEVICE_ID		0x11e8

#define EDU_BAR			0
#define EDU_REG_IRQ_STATUS	0x24
#define EDU_REG_IRQ_RAISE	0x60
#define EDU_REG_IRQ_ACK		0x64

/* Status bit used for raising; the handler acknowledges whatever is set. */
#define EDU_IRQ_TEST		BIT(0)

/* Upper bound for a single write to the raise file. */
#define EDU_MSI_MAX_RAISE	10000000U

static unsigned int timeout_ms = 1000;
module_param(timeout_ms, uint, 0644);
MODULE_PARM_DESC(timeout_ms,
		 "Time to wait for each raised interrupt in ms (default: 1000)");

static struct dentry *edu_msi_debugfs_root;

/**
 * struct edu_msi - per device state
 * @pdev: the PCI device
 * @regs: mapping of BAR 0
 * @irq: Linux interrupt number of the single vector
 * @dir: debugfs directory of the device
 * @lock: serialises writers of the raise and reset files
 * @wait: woken by the interrupt handler and on removal
 * @stopping: set on removal to end a raise loop early
 * @raised: number of interrupts requested from the device
 * @received: number of interrupts handled
 * @lost: number of raises whose interrupt did not arrive within the timeout
 * @spurious: number of handler invocations that found no status bit set
 */
struct edu_msi {
	struct pci_dev *pdev;
	void __iomem *regs;
	u32 irq;
	struct dentry *dir;
	struct mutex lock;	/* serialises raise and reset writers */
	wait_queue_head_t wait;
	bool stopping;
	atomic64_t raised;
	atomic64_t received;
	atomic64_t lost;
	atomic64_t spurious;
};

static irqreturn_t edu_msi_irq_handler(int irq, void *data)
{
	struct edu_msi *edu = data;
	u32 status;

	status = readl(edu->regs + EDU_REG_IRQ_STATUS);
	if (!status) {
		atomic64_inc(&edu->spurious);
		return IRQ_NONE;
	}

	writel(status, edu->regs + EDU_REG_IRQ_ACK);
	atomic64_inc(&edu->received);
	wake_up(&edu->wait);

	return IRQ_HANDLED;
}

/**
 * edu_msi_raise_one() - raise one interrupt and wait for it
 * @edu: the device
 * @timeout: how long to wait, in jiffies
 *
 * Waits for the received counter to move rather than for a per-raise
 * event, so that an interrupt which arrives only after its wait timed out
 * is still counted as received by the handler; the wait itself is then
 * counted as lost.
 *
 * Context: Process context, with @edu->lock held.
 * Return: 0 when the interrupt arrived or the wait timed out, -EINTR on a
 * fatal signal, -ENODEV when the device is being removed.
 */
static int edu_msi_raise_one(struct edu_msi *edu, unsigned long timeout)
{
	s64 seen = atomic64_read(&edu->received);
	long ret;

	if (READ_ONCE(edu->stopping))
		return -ENODEV;

	atomic64_inc(&edu->raised);
	writel(EDU_IRQ_TEST, edu->regs + EDU_REG_IRQ_RAISE);

	ret = wait_event_killable_timeout(edu->wait,
					  atomic64_read(&edu->received) != seen ||
					  READ_ONCE(edu->stopping),
					  timeout);
	if (ret < 0)
		return -EINTR;
	if (READ_ONCE(edu->stopping))
		return -ENODEV;
	if (!ret)
		atomic64_inc(&edu->lost);

	return 0;
}

/**
 * edu_msi_raise() - raise interrupts one at a time
 * @edu: the device
 * @count: number of interrupts to raise
 *
 * The next interrupt is raised only once the previous one was handled (or
 * its wait timed out): a local APIC merges an edge into a vector that is
 * still pending, so raising back to back would lose interrupts by design.
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

	for (i = 0; i < count; i++) {
		ret = edu_msi_raise_one(edu, timeout);
		if (ret)
			break;
		cond_resched();
	}

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

	seq_printf(m, "raised=%lld received=%lld lost=%lld spurious=%lld irq=%u\n",
		   atomic64_read(&edu->raised), atomic64_read(&edu->received),
		   atomic64_read(&edu->lost), atomic64_read(&edu->spurious),
		   edu->irq);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(edu_msi_stats);

static void edu_msi_debugfs_init(struct edu_msi *edu)
{
	struct dentry *dir;

	dir = debugfs_create_dir(pci_name(edu->pdev), edu_msi_debugfs_root);
	edu->dir = dir;

	debugfs_create_file("raise", 0200, dir, edu, &edu_msi_raise_fops);
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

	pci_set_drvdata(pdev, edu);
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
	WRITE_ONCE(edu->stopping, true);
	wake_up_all(&edu->wait);
	debugfs_remove_recursive(edu->dir);

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
