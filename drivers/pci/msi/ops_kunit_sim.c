// SPDX-License-Identifier: GPL-2.0
/*
 * A simulated PCI device for the KUnit tests of the PCI MSI core
 *
 * Each test puts the device on a root bus of its own: a host bridge
 * whose config accessors are backed by an array that holds an MSI
 * capability (64-bit, maskable, 32 vectors unless the test asks for
 * fewer or for no mask) and an MSI-X capability (8 entries, table in
 * BAR0), and that log every config write. The MSI-X table lives in RAM,
 * handed to the core through the static stubs of msix_map_region() and
 * msix_unmap_region(). The bridge carries the backend under test, so
 * the device never sees the platform's own MSI backend unless a test
 * puts it there (no backend: the platform's default serves it). A test
 * may ask for more functions, eight to a slot, each with config space
 * and table of its own.
 *
 * A function raises its interrupts the way hardware does: it reads the
 * message from its own registers (MSI capability or MSI-X table,
 * honouring enable and mask bits; the vector number in the data's low
 * bits that Multiple Message Enable hands the device) and gives it to
 * the test's ->deliver, which plays the platform. It can also raise its
 * MSI right after the config write that next changes the message, as a
 * device does that sends between the two writes of a message update.
 *
 * Creating a root bus needs arch sysdata that pci_domain_nr() and
 * pcibus_to_node() understand: struct pci_sysdata on x86, a struct
 * pci_controller of the test's own on powerpc (no device tree node, not
 * on the hose list), a synthetic PBM from arch/sparc/kernel/pci_kunit.c
 * on sparc64 (the sysdata of every sparc64 PCI bus is its controller's
 * PBM), nothing on architectures with generic PCI domains.
 *
 * Copyright (C) 2026 msi-ops maintainers
 */

#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/irq.h>
#include <linux/msi.h>
#include <linux/msi_ops.h>
#include <linux/msi_ops_kunit.h>
#include <linux/pci.h>
#include <linux/slab.h>

#ifdef CONFIG_SPARC64
#include <asm/pci_kunit.h>
#endif

#include "../pci.h"
#include "msi.h"
#include "ops_kunit_sim.h"

const char * const ops_sim_cb_names[] = {
	[SIM_CB_NONE]		= "none",
	[SIM_CB_CHECK]		= "check",
	[SIM_CB_ALLOC]		= "alloc",
	[SIM_CB_FREE]		= "free",
	[SIM_CB_RESTORE]	= "restore",
	[SIM_CB_ALLOC_AT]	= "alloc_at",
	[SIM_CB_FREE_AT]	= "free_at",
};

/* The private area of the simulated host bridge: its functions */
struct ops_sim_bus {
	unsigned int	nr_fns;
	struct ops_sim	**fns;
};

/* Function @devfn of the bus, NULL when the bus has no such function */
static struct ops_sim *sim_of_bus(struct pci_bus *bus, unsigned int devfn)
{
	struct ops_sim_bus *sb = pci_host_bridge_priv(pci_find_host_bridge(bus));
	unsigned int nr = PCI_SLOT(devfn) * 8 + PCI_FUNC(devfn);

	if (bus->number || nr >= sb->nr_fns)
		return NULL;
	return sb->fns[nr];
}

struct ops_sim *ops_sim_of_dev(struct pci_dev *dev)
{
	return sim_of_bus(dev->bus, dev->devfn);
}

/* Function @fn of the bus that @sim is on, NULL beyond the last */
struct ops_sim *ops_sim_fn(struct ops_sim *sim, unsigned int fn)
{
	struct ops_sim_bus *sb = pci_host_bridge_priv(sim->bridge);

	return fn < sb->nr_fns ? sb->fns[fn] : NULL;
}

/* Simulated config space */

static int sim_cfg_read(struct pci_bus *bus, unsigned int devfn, int where,
			int size, u32 *val)
{
	struct ops_sim *sim = sim_of_bus(bus, devfn);
	int i;

	if (!sim || where < 0 || where + size > PCI_CFG_SPACE_EXP_SIZE) {
		PCI_SET_ERROR_RESPONSE(val);
		return PCIBIOS_DEVICE_NOT_FOUND;
	}
	*val = 0;
	for (i = 0; i < size; i++)
		*val |= (u32)sim->cfg[where + i] << (8 * i);
	return PCIBIOS_SUCCESSFUL;
}

static int sim_cfg_write(struct pci_bus *bus, unsigned int devfn, int where,
			 int size, u32 val)
{
	int first = SIM_MSI_CAP + PCI_MSI_ADDRESS_LO;
	int end = SIM_MSI_CAP + PCI_MSI_DATA_64 + 2;
	struct ops_sim *sim = sim_of_bus(bus, devfn);
	bool changed = false;
	u8 b, m, old;
	int i;

	if (!sim || where < 0 || where + size > PCI_CFG_SPACE_EXP_SIZE)
		return PCIBIOS_DEVICE_NOT_FOUND;

	/* Called under pci_lock: no locking of our own */
	if (sim->nr_writes < SIM_MAX_WRITES) {
		sim->writes[sim->nr_writes].where = where;
		sim->writes[sim->nr_writes].size = size;
		sim->writes[sim->nr_writes].val = val;
		sim->nr_writes++;
	} else {
		sim->writes_lost = true;
	}

	for (i = 0; i < size; i++) {
		b = val >> (8 * i);
		m = sim->wmask[where + i];
		old = sim->cfg[where + i];
		sim->cfg[where + i] = (old & ~m) | (b & m);
		if (where + i >= first && where + i < end &&
		    sim->cfg[where + i] != old)
			changed = true;
	}
	/* A device that sends between this write and the next */
	if (changed && sim->raise_on_change) {
		sim->raise_on_change = false;
		sim->raised = ops_sim_raise_msi(sim, 0);
		sim->nr_raised++;
	}
	return PCIBIOS_SUCCESSFUL;
}

static struct pci_ops sim_pci_ops = {
	.read	= sim_cfg_read,
	.write	= sim_cfg_write,
};

void ops_sim_set(struct ops_sim *sim, int where, int size, u32 val,
		 u32 wmask)
{
	int i;

	for (i = 0; i < size; i++) {
		sim->cfg[where + i] = val >> (8 * i);
		sim->wmask[where + i] = wmask >> (8 * i);
	}
}

u32 ops_sim_get(struct ops_sim *sim, int where, int size)
{
	u32 val = 0;
	int i;

	for (i = 0; i < size; i++)
		val |= (u32)sim->cfg[where + i] << (8 * i);
	return val;
}

static void sim_init_cfg(struct ops_sim *sim, const struct ops_sim_opts *opts)
{
	unsigned int vecs = opts->msi_vecs[sim->fn] ?: SIM_MSI_VECS;
	u16 msi_flags = PCI_MSI_FLAGS_64BIT |
		FIELD_PREP(PCI_MSI_FLAGS_QMASK, ilog2(vecs));
	int msi = SIM_MSI_CAP, msix = SIM_MSIX_CAP;

	ops_sim_set(sim, PCI_VENDOR_ID, 2, SIM_VENDOR, 0);
	ops_sim_set(sim, PCI_DEVICE_ID, 2, SIM_DEVICE, 0);
	ops_sim_set(sim, PCI_COMMAND, 2, 0,
		    PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
		PCI_COMMAND_PARITY | PCI_COMMAND_SERR |
		PCI_COMMAND_INTX_DISABLE);
	ops_sim_set(sim, PCI_STATUS, 2, PCI_STATUS_CAP_LIST, 0);
	/* Revision 1, class 0xff0000: a device that fits no class */
	ops_sim_set(sim, PCI_CLASS_REVISION, 4, 0xff000001, 0);
	ops_sim_set(sim, PCI_HEADER_TYPE, 1, PCI_HEADER_TYPE_NORMAL |
		    (sim->nr_fns > 1 ? PCI_HEADER_TYPE_MFD : 0), 0);
	/* BAR0: 4 KiB of 32-bit memory, MSI-X table at 0, PBA at 2 KiB */
	ops_sim_set(sim, PCI_BASE_ADDRESS_0, 4,
		    SIM_BAR0 | PCI_BASE_ADDRESS_MEM_TYPE_32, 0xfffff000);
	ops_sim_set(sim, PCI_CAPABILITY_LIST, 1, msi, 0);
	ops_sim_set(sim, PCI_INTERRUPT_LINE, 1, 0, 0xff);
	ops_sim_set(sim, PCI_INTERRUPT_PIN, 1, 0, 0);

	ops_sim_set(sim, msi + PCI_CAP_LIST_ID, 1, PCI_CAP_ID_MSI, 0);
	ops_sim_set(sim, msi + PCI_CAP_LIST_NEXT, 1, msix, 0);
	if (!opts->msi_nomask)
		msi_flags |= PCI_MSI_FLAGS_MASKBIT;
	ops_sim_set(sim, msi + PCI_MSI_FLAGS, 2, msi_flags,
		    PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE);
	ops_sim_set(sim, msi + PCI_MSI_ADDRESS_LO, 4, 0, 0xfffffffc);
	ops_sim_set(sim, msi + PCI_MSI_ADDRESS_HI, 4, 0, 0xffffffff);
	ops_sim_set(sim, msi + PCI_MSI_DATA_64, 2, 0, 0xffff);
	if (!opts->msi_nomask) {
		ops_sim_set(sim, msi + PCI_MSI_MASK_64, 4, 0,
			    vecs < 32 ? BIT(vecs) - 1 : 0xffffffff);
		ops_sim_set(sim, msi + PCI_MSI_PENDING_64, 4, 0, 0);
	}

	ops_sim_set(sim, msix + PCI_CAP_LIST_ID, 1, PCI_CAP_ID_MSIX, 0);
	ops_sim_set(sim, msix + PCI_CAP_LIST_NEXT, 1, 0, 0);
	ops_sim_set(sim, msix + PCI_MSIX_FLAGS, 2, SIM_MSIX_VECS - 1,
		    PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	ops_sim_set(sim, msix + PCI_MSIX_TABLE, 4, 0, 0);
	ops_sim_set(sim, msix + PCI_MSIX_PBA, 4, SIM_PBA_OFFSET, 0);
}

/* Reset state as hardware has it: address/data unknown, all masked */
void ops_sim_init_table(__le32 *table)
{
	int i;

	for (i = 0; i < SIM_MSIX_VECS; i++) {
		table[i * 4 + 0] = cpu_to_le32(SIM_POISON);
		table[i * 4 + 1] = cpu_to_le32(SIM_POISON);
		table[i * 4 + 2] = cpu_to_le32(SIM_POISON);
		table[i * 4 + 3] = cpu_to_le32(PCI_MSIX_ENTRY_CTRL_MASKBIT);
	}
}

/* A reset as the device sees it: enable bits and messages gone */
void ops_sim_reset(struct ops_sim *sim)
{
	int msi = SIM_MSI_CAP;

	ops_sim_set(sim, msi + PCI_MSI_FLAGS, 2,
		    ops_sim_get(sim, msi + PCI_MSI_FLAGS, 2) &
		    ~(PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE),
		    PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE);
	ops_sim_set(sim, msi + PCI_MSI_ADDRESS_LO, 4, 0, 0xfffffffc);
	ops_sim_set(sim, msi + PCI_MSI_ADDRESS_HI, 4, 0, 0xffffffff);
	ops_sim_set(sim, msi + PCI_MSI_DATA_64, 2, 0, 0xffff);
	ops_sim_set(sim, SIM_MSIX_CAP + PCI_MSIX_FLAGS, 2, SIM_MSIX_VECS - 1,
		    PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	ops_sim_init_table(sim->table);
}

u32 ops_sim_table(struct ops_sim *sim, int entry, int offset)
{
	return le32_to_cpu(sim->table[entry * 4 + offset / 4]);
}

bool ops_sim_msi_on(struct ops_sim *sim)
{
	return ops_sim_get(sim, SIM_MSI_CAP + PCI_MSI_FLAGS, 2) &
		PCI_MSI_FLAGS_ENABLE;
}

bool ops_sim_msix_on(struct ops_sim *sim)
{
	return ops_sim_get(sim, SIM_MSIX_CAP + PCI_MSIX_FLAGS, 2) &
		PCI_MSIX_FLAGS_ENABLE;
}

bool ops_sim_intx_off(struct ops_sim *sim)
{
	return ops_sim_get(sim, PCI_COMMAND, 2) & PCI_COMMAND_INTX_DISABLE;
}

/* Logged writes that touch the MSI capability's address or data */
unsigned int ops_sim_msi_msg_writes(struct ops_sim *sim)
{
	int first = SIM_MSI_CAP + PCI_MSI_ADDRESS_LO;
	int end = SIM_MSI_CAP + PCI_MSI_DATA_64 + 2;
	unsigned int i, n = 0;

	for (i = 0; i < sim->nr_writes; i++) {
		struct sim_write *w = &sim->writes[i];

		if (w->where < end && w->where + w->size > first)
			n++;
	}
	return n;
}

/* MSI-X entries whose address/data words are not the poison anymore */
unsigned int ops_sim_msix_msg_written(struct ops_sim *sim)
{
	unsigned int i, n = 0;

	for (i = 0; i < SIM_MSIX_VECS; i++) {
		if (ops_sim_table(sim, i, PCI_MSIX_ENTRY_LOWER_ADDR) != SIM_POISON ||
		    ops_sim_table(sim, i, PCI_MSIX_ENTRY_UPPER_ADDR) != SIM_POISON ||
		    ops_sim_table(sim, i, PCI_MSIX_ENTRY_DATA) != SIM_POISON)
			n++;
	}
	return n;
}

void ops_sim_msi_msg(struct ops_sim *sim, struct msi_msg *msg)
{
	msg->address_lo = ops_sim_get(sim, SIM_MSI_CAP + PCI_MSI_ADDRESS_LO, 4);
	msg->address_hi = ops_sim_get(sim, SIM_MSI_CAP + PCI_MSI_ADDRESS_HI, 4);
	msg->data = ops_sim_get(sim, SIM_MSI_CAP + PCI_MSI_DATA_64, 2);
}

/**
 * ops_sim_msi_vec_msg - The message the function sends for MSI vector @nr
 * @sim:	The function
 * @nr:		Vector, below the Multiple Message Enable
 * @msg:	The message: that of the capability, with @nr in the low
 *		bits of the data that Multiple Message Enable gives the
 *		device
 *
 * Return: 0; -ENODEV when MSI is off, @nr is beyond the enabled vectors
 * or masked.
 */
int ops_sim_msi_vec_msg(struct ops_sim *sim, unsigned int nr,
			struct msi_msg *msg)
{
	u16 flags = ops_sim_get(sim, SIM_MSI_CAP + PCI_MSI_FLAGS, 2);
	unsigned int nr_en = 1U << FIELD_GET(PCI_MSI_FLAGS_QSIZE, flags);

	if (!(flags & PCI_MSI_FLAGS_ENABLE) || nr >= nr_en)
		return -ENODEV;
	if (flags & PCI_MSI_FLAGS_MASKBIT &&
	    ops_sim_get(sim, SIM_MSI_CAP + PCI_MSI_MASK_64, 4) & BIT(nr))
		return -ENODEV;
	ops_sim_msi_msg(sim, msg);
	msg->data = (msg->data & ~(nr_en - 1)) | nr;
	return 0;
}

void ops_sim_msix_msg(struct ops_sim *sim, unsigned int entry,
		      struct msi_msg *msg)
{
	msg->address_lo = ops_sim_table(sim, entry, PCI_MSIX_ENTRY_LOWER_ADDR);
	msg->address_hi = ops_sim_table(sim, entry, PCI_MSIX_ENTRY_UPPER_ADDR);
	msg->data = ops_sim_table(sim, entry, PCI_MSIX_ENTRY_DATA);
}

static int sim_deliver(struct ops_sim *sim, const struct msi_msg *msg)
{
	return sim->deliver ? sim->deliver(sim, msg) : -EOPNOTSUPP;
}

/**
 * ops_sim_raise_msi - The function sends MSI vector @nr
 * @sim:	The function
 * @nr:		Vector, below the Multiple Message Enable
 *
 * Context: Any; ->deliver decides what more it needs.
 * Return: What ->deliver returned; -ENODEV as ops_sim_msi_vec_msg();
 * -EOPNOTSUPP without ->deliver.
 */
int ops_sim_raise_msi(struct ops_sim *sim, unsigned int nr)
{
	struct msi_msg msg;
	int ret = ops_sim_msi_vec_msg(sim, nr, &msg);

	return ret ? ret : sim_deliver(sim, &msg);
}

/**
 * ops_sim_raise_msix - The function sends MSI-X entry @entry
 * @sim:	The function
 * @entry:	Table entry
 *
 * Context: Any; ->deliver decides what more it needs.
 * Return: What ->deliver returned; -ENODEV when MSI-X is off, the
 * function or the entry is masked or @entry is beyond the table;
 * -EOPNOTSUPP without ->deliver.
 */
int ops_sim_raise_msix(struct ops_sim *sim, unsigned int entry)
{
	u16 flags = ops_sim_get(sim, SIM_MSIX_CAP + PCI_MSIX_FLAGS, 2);
	struct msi_msg msg;

	if (!(flags & PCI_MSIX_FLAGS_ENABLE) || flags & PCI_MSIX_FLAGS_MASKALL ||
	    entry >= SIM_MSIX_VECS ||
	    ops_sim_table(sim, entry, PCI_MSIX_ENTRY_VECTOR_CTRL) &
	    PCI_MSIX_ENTRY_CTRL_MASKBIT)
		return -ENODEV;
	ops_sim_msix_msg(sim, entry, &msg);
	return sim_deliver(sim, &msg);
}

/* request_irq() of a vector of @sim, undone at teardown if the test does not */
void ops_sim_request_irq(struct kunit *test, struct ops_sim *sim,
			 unsigned int irq, irq_handler_t handler, void *dev_id)
{
	int i;

	for (i = 0; i < SIM_MAX_IRQS && sim->irq[i]; i++)
		;
	KUNIT_ASSERT_LT(test, i, SIM_MAX_IRQS);
	KUNIT_ASSERT_EQ(test, request_irq(irq, handler, 0, "msi-kunit-sim", dev_id), 0);
	sim->irq[i] = irq;
	sim->irq_dev_id[i] = dev_id;
}

/* free_irq() of an interrupt requested through any function of the bus */
void ops_sim_free_irq(struct ops_sim *sim, unsigned int irq)
{
	struct ops_sim *fn;
	unsigned int f;
	int i;

	for (f = 0; (fn = ops_sim_fn(sim, f)); f++) {
		for (i = 0; i < SIM_MAX_IRQS; i++) {
			if (fn->irq[i] == irq) {
				free_irq(irq, fn->irq_dev_id[i]);
				fn->irq[i] = 0;
				return;
			}
		}
	}
}

/* Seams in the core: the MSI-X table in RAM instead of ioremap() */

static void __iomem *sim_msix_map_region(struct pci_dev *dev,
					 unsigned int nr_entries)
{
	struct ops_sim *sim = ops_sim_of_dev(dev);

	if (nr_entries > SIM_MSIX_VECS)
		return NULL;
	sim->nr_map++;
	return (void __iomem __force *)sim->table;
}

static void sim_msix_unmap_region(struct pci_dev *dev)
{
	ops_sim_of_dev(dev)->nr_unmap++;
}

/* The mock backends */

void ops_sim_record(struct ops_sim *sim, enum sim_cb cb, int type, int nvec)
{
	if (sim->nr_calls >= SIM_MAX_CALLS) {
		sim->calls_lost = true;
		return;
	}
	sim->calls[sim->nr_calls].cb = cb;
	sim->calls[sim->nr_calls].type = type;
	sim->calls[sim->nr_calls].nvec = nvec;
	sim->nr_calls++;
}

/* The callbacks so far as "check(X,8) alloc(X,3) free(X)" */
const char *ops_sim_calls(struct ops_sim *sim)
{
	size_t len = sizeof(sim->calls_str);
	unsigned int i;
	int n = 0;

	sim->calls_str[0] = '\0';
	for (i = 0; i < sim->nr_calls; i++) {
		struct sim_call *c = &sim->calls[i];
		char t = c->type == PCI_CAP_ID_MSIX ? 'X' :
			 c->type == PCI_CAP_ID_MSI ? 'M' : '?';

		if (c->cb == SIM_CB_CHECK || c->cb == SIM_CB_ALLOC ||
		    c->cb == SIM_CB_ALLOC_AT || c->cb == SIM_CB_FREE_AT)
			n += scnprintf(sim->calls_str + n, len - n, "%s%s(%c,%d)",
				       i ? " " : "", ops_sim_cb_names[c->cb], t,
				       c->nvec);
		else
			n += scnprintf(sim->calls_str + n, len - n, "%s%s(%c)",
				       i ? " " : "", ops_sim_cb_names[c->cb], t);
	}
	if (sim->calls_lost)
		scnprintf(sim->calls_str + n, len - n, " ...");
	return sim->calls_str;
}

/*
 * The mock backend's callbacks, for the core's suites to put together
 * into ops tables: Linux interrupts on the simulation's chip, and the
 * message written into the device (raw) or only noted as what firmware
 * programmed (when the device's backend has PCI_MSI_OPS_FW_OWNS_MSG).
 * Each records its call and obeys the simulation's knobs: a ->check()
 * quota, an ->alloc() grant, one failing callback. An injected ->alloc()
 * failure comes after all the work, so that the mock has to undo it.
 */

static void sim_mock_free_irqs(struct ops_sim *sim, struct pci_dev *dev)
{
	struct msi_desc *desc;
	unsigned int i;

	msi_for_each_desc(desc, &dev->dev, MSI_DESC_ASSOCIATED) {
		for (i = 0; i < desc->nvec_used; i++)
			irq_set_msi_desc(desc->irq + i, NULL);
		irq_free_descs(desc->irq, desc->nvec_used);
		sim->live_irqs -= desc->nvec_used;
		desc->irq = 0;
	}
}

/* Linux interrupts for @desc, requestable where new ones are not (powerpc) */
static int sim_mock_irq_new(struct ops_sim *sim, struct msi_desc *desc)
{
	unsigned int i;
	int virq;

	virq = irq_alloc_descs(-1, 1, desc->nvec_used, NUMA_NO_NODE);
	if (virq < 0)
		return virq;
	sim->live_irqs += desc->nvec_used;
	for (i = 0; i < desc->nvec_used; i++) {
		irq_set_chip_and_handler(virq + i, sim->chip, handle_simple_irq);
		irq_clear_status_flags(virq + i, IRQ_NOREQUEST);
		irq_set_msi_desc_off(virq, i, desc);
	}
	return virq;
}

static void sim_mock_program(struct pci_dev *dev, struct msi_desc *desc,
			     int virq)
{
	struct msi_msg msg;

	if (pci_msi_ops_supports(dev, PCI_MSI_OPS_FW_OWNS_MSG)) {
		desc->msg.address_lo = SIM_FW_ADDR_LO(desc->msi_index);
		desc->msg.address_hi = SIM_FW_ADDR_HI;
		desc->msg.data = SIM_FW_DATA(desc->msi_index);
		return;
	}
	msg.address_lo = SIM_RAW_ADDR_LO(desc->msi_index);
	msg.address_hi = SIM_RAW_ADDR_HI;
	msg.data = SIM_RAW_DATA(desc->msi_index);
	pci_write_msi_msg(virq, &msg);
}

int ops_sim_mock_check(struct pci_dev *dev, int type, int nvec)
{
	struct ops_sim *sim = ops_sim_of_dev(dev);

	ops_sim_record(sim, SIM_CB_CHECK, type, nvec);
	if (sim->fail_cb == SIM_CB_CHECK)
		return sim->fail_err;
	if (sim->quota && nvec > sim->quota)
		return sim->quota;
	return nvec;
}

int ops_sim_mock_alloc(struct pci_dev *dev, int type, int nvec)
{
	struct ops_sim *sim = ops_sim_of_dev(dev);
	struct msi_desc *desc;
	int virq;

	ops_sim_record(sim, SIM_CB_ALLOC, type, nvec);
	if (sim->grant && nvec > sim->grant)
		return sim->grant;
	msi_for_each_desc(desc, &dev->dev, MSI_DESC_NOTASSOCIATED) {
		virq = sim_mock_irq_new(sim, desc);
		if (virq < 0) {
			sim_mock_free_irqs(sim, dev);
			return virq;
		}
		sim_mock_program(dev, desc, virq);
	}
	if (sim->fail_cb == SIM_CB_ALLOC) {
		sim_mock_free_irqs(sim, dev);
		return sim->fail_err;
	}
	return 0;
}

void ops_sim_mock_free(struct pci_dev *dev, int type)
{
	struct ops_sim *sim = ops_sim_of_dev(dev);

	ops_sim_record(sim, SIM_CB_FREE, type, 0);
	sim_mock_free_irqs(sim, dev);
}

int ops_sim_mock_restore(struct pci_dev *dev, int type)
{
	struct ops_sim *sim = ops_sim_of_dev(dev);

	ops_sim_record(sim, SIM_CB_RESTORE, type, 0);
	if (sim->fail_cb == SIM_CB_RESTORE)
		return sim->fail_err;
	return sim->restore_ret;
}

/* Dynamic MSI-X: the core inserted @desc; recorded with its table index */
int ops_sim_mock_alloc_at(struct pci_dev *dev, struct msi_desc *desc)
{
	struct ops_sim *sim = ops_sim_of_dev(dev);
	int virq;

	ops_sim_record(sim, SIM_CB_ALLOC_AT, PCI_CAP_ID_MSIX, desc->msi_index);
	if (sim->fail_cb == SIM_CB_ALLOC_AT)
		return sim->fail_err;
	virq = sim_mock_irq_new(sim, desc);
	if (virq < 0)
		return virq;
	sim_mock_program(dev, desc, virq);
	return 0;
}

void ops_sim_mock_free_at(struct pci_dev *dev, struct msi_desc *desc)
{
	struct ops_sim *sim = ops_sim_of_dev(dev);

	ops_sim_record(sim, SIM_CB_FREE_AT, PCI_CAP_ID_MSIX, desc->msi_index);
	irq_set_msi_desc(desc->irq, NULL);
	irq_free_descs(desc->irq, 1);
	desc->irq = 0;
	sim->live_irqs--;
}

/*
 * The mock's interrupts: one-shot safe as every PCI MSI irq_chip must
 * be; mask and unmask do nothing, there is no interrupt controller.
 */
static void ops_sim_chip_noop(struct irq_data *d)
{
}

struct irq_chip ops_sim_chip = {
	.name		= "kunit-msi",
	.irq_mask	= ops_sim_chip_noop,
	.irq_unmask	= ops_sim_chip_noop,
	.flags		= IRQCHIP_ONESHOT_SAFE,
};

/* The simulated bus */

static void sim_destroy(void *data)
{
	struct ops_sim_bus *sb = data;
	struct ops_sim *sim = sb->fns[0];
	struct pci_host_bridge *bridge = sim->bridge;
	struct pci_bus *bus = sim->bus;
	unsigned int f;
	int i;

	/* A test that stopped half way may have left interrupts behind */
	for (f = 0; f < sb->nr_fns; f++) {
		sim = sb->fns[f];
		for (i = 0; i < SIM_MAX_IRQS; i++) {
			if (sim->irq[i])
				free_irq(sim->irq[i], sim->irq_dev_id[i]);
		}
		if (sim->pdev)
			pci_free_irq_vectors(sim->pdev);
	}

	pci_lock_rescan_remove();
	pci_stop_root_bus(bus);
	pci_remove_root_bus(bus);
	pci_unlock_rescan_remove();
	/* The last reference: frees the bridge; KUnit frees the functions */
	pci_free_host_bridge(bridge);
}

static struct ops_sim *sim_create(struct kunit *test,
				  const struct pci_msi_ops *ops, bool adapter,
				  const struct ops_sim_opts *opts)
{
	unsigned int nr_fns = opts->nr_fns ?: 1, f, vecs;
	struct pci_host_bridge *bridge;
	struct ops_sim **fns, *sim;
	struct ops_sim_bus *sb;
	struct pci_dev *pdev;
#ifdef CONFIG_SPARC64
	void *pbm;
#endif
	int ret;

	if (!IS_ENABLED(CONFIG_X86) && !IS_ENABLED(CONFIG_PPC) &&
	    !IS_ENABLED(CONFIG_SPARC64) &&
	    !IS_ENABLED(CONFIG_PCI_DOMAINS_GENERIC))
		kunit_skip(test, "no root bus without a firmware host controller on this arch");
	KUNIT_ASSERT_NULL_MSG(test, pci_find_bus(SIM_DOMAIN, 0),
			      "PCI domain %04x is taken", SIM_DOMAIN);
	KUNIT_ASSERT_LE(test, nr_fns, SIM_MAX_FNS);
	for (f = 0; f < nr_fns; f++) {
		vecs = opts->msi_vecs[f];
		KUNIT_ASSERT_TRUE_MSG(test, !vecs || (is_power_of_2(vecs) &&
						      vecs <= SIM_MSI_VECS),
				      "function %u: %u MSI vectors", f, vecs);
	}

	/*
	 * Functions, tables and stubs first: KUnit undoes in reverse
	 * order, and the bus must be gone before they are.
	 */
	fns = kunit_kcalloc(test, nr_fns, sizeof(*fns), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fns);
	for (f = 0; f < nr_fns; f++) {
		sim = kunit_kzalloc(test, sizeof(*sim), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, sim);
		sim->table = kunit_kzalloc(test, SIM_MSIX_VECS * PCI_MSIX_ENTRY_SIZE,
					   GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, sim->table);
		ops_sim_init_table(sim->table);
		sim->fn = f;
		sim->nr_fns = nr_fns;
		sim->chip = &ops_sim_chip;
		sim_init_cfg(sim, opts);
		fns[f] = sim;
	}
	sim = fns[0];
#ifdef CONFIG_SPARC64
	/* Before the bus, so that it outlives it */
	pbm = sparc_pci_kunit_sysdata(test, SIM_DOMAIN);
	KUNIT_ASSERT_NOT_NULL(test, pbm);
#endif
	kunit_activate_static_stub(test, msix_map_region, sim_msix_map_region);
	kunit_activate_static_stub(test, msix_unmap_region,
				   sim_msix_unmap_region);

	bridge = pci_alloc_host_bridge(sizeof(*sb));
	KUNIT_ASSERT_NOT_NULL(test, bridge);
	sb = pci_host_bridge_priv(bridge);
	sb->nr_fns = nr_fns;
	sb->fns = fns;
	for (f = 0; f < nr_fns; f++)
		fns[f]->bridge = bridge;

	bridge->ops = &sim_pci_ops;
	bridge->busnr = 0;
#ifdef CONFIG_X86
	sim->sysdata.domain = SIM_DOMAIN;
	sim->sysdata.node = NUMA_NO_NODE;
	bridge->sysdata = &sim->sysdata;
#elif defined(CONFIG_PPC)
	/*
	 * Static, as far as powerpc knows: pSeries releases the bridge
	 * through pcibios_free_controller(), which unlinks the controller
	 * (from itself here) and frees only dynamic ones.
	 */
	INIT_LIST_HEAD(&sim->hose.list_node);
	sim->hose.global_number = SIM_DOMAIN;
	sim->hose.node = NUMA_NO_NODE;
	sim->hose.is_dynamic = 0;
	bridge->sysdata = &sim->hose;
#elif defined(CONFIG_SPARC64)
	bridge->sysdata = pbm;
#else
	bridge->sysdata = sim;
	bridge->domain_nr = SIM_DOMAIN;
#endif
	/*
	 * The core's adapters cannot be registered (they skip what the
	 * core does for backends): they are put in place as the resolver
	 * would choose them. Without a backend the platform's default
	 * serves the device.
	 */
	if (adapter || !ops) {
		bridge->msi_ops = ops;
		ret = 0;
	} else {
		ret = pci_host_bridge_set_msi_ops(bridge, ops);
	}
	if (ret) {
		pci_free_host_bridge(bridge);
		KUNIT_FAIL_AND_ABORT(test, "pci_host_bridge_set_msi_ops: %d", ret);
	}

	pci_lock_rescan_remove();
	ret = pci_scan_root_bus_bridge(bridge);
	pci_unlock_rescan_remove();
	if (ret) {
		pci_free_host_bridge(bridge);
		KUNIT_FAIL_AND_ABORT(test, "pci_scan_root_bus_bridge: %d", ret);
	}
	for (f = 0; f < nr_fns; f++)
		fns[f]->bus = bridge->bus;
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, sim_destroy, sb), 0);

	for (f = 0; f < nr_fns; f++) {
		pdev = pci_get_slot(bridge->bus, PCI_DEVFN(f / 8, f % 8));
		KUNIT_ASSERT_NOT_NULL_MSG(test, pdev, "simulated function %u not found", f);
		/* The bus keeps it until sim_destroy() */
		pci_dev_put(pdev);
		fns[f]->pdev = pdev;

		/*
		 * No driver enables the device, which has no PM capability
		 * either: bring it to D0 as pci_enable_device() would.
		 */
		pci_set_power_state(pdev, PCI_D0);
		KUNIT_ASSERT_TRUE(test, pdev->current_state == PCI_D0);
		KUNIT_ASSERT_EQ(test, pdev->msi_cap, SIM_MSI_CAP);
		KUNIT_ASSERT_EQ(test, pdev->msix_cap, SIM_MSIX_CAP);
		/* Without a backend of its own, the platform's choice serves it */
		if (ops)
			KUNIT_ASSERT_PTR_EQ(test, pci_msi_dev_ops(pdev), ops);

		/* Only what the test does counts */
		fns[f]->nr_writes = 0;
	}
	return sim;
}

/**
 * ops_sim_create - A simulated device on a root bus whose bridge has @ops
 * @test:	The test, which owns the bus until it ends
 * @ops:	A backend, registered with pci_host_bridge_set_msi_ops()
 *
 * Return: The simulation; aborts the test on failure.
 */
struct ops_sim *ops_sim_create(struct kunit *test, const struct pci_msi_ops *ops)
{
	static const struct ops_sim_opts opts = {};

	return sim_create(test, ops, false, &opts);
}

/**
 * ops_sim_create_opts - A simulated device of the shape @opts asks for
 * @test:	The test, which owns the bus until it ends
 * @ops:	A backend, registered with pci_host_bridge_set_msi_ops(), or
 *		NULL: the backend the platform chooses serves the device
 * @opts:	Functions, their MSI vectors and mask (struct ops_sim_opts)
 *
 * Return: Function 0 (ops_sim_fn() gives the others); aborts the test
 * on failure.
 */
struct ops_sim *ops_sim_create_opts(struct kunit *test,
				    const struct pci_msi_ops *ops,
				    const struct ops_sim_opts *opts)
{
	return sim_create(test, ops, false, opts);
}

/**
 * ops_sim_create_adapter - The same, served by one of the core's adapters
 * @test:	The test, which owns the bus until it ends
 * @ops:	&pci_msi_irqdomain_ops or &pci_msi_legacy_ops
 *
 * Return: The simulation; aborts the test on failure.
 */
struct ops_sim *ops_sim_create_adapter(struct kunit *test,
				       const struct pci_msi_ops *ops)
{
	static const struct ops_sim_opts opts = {};

	return sim_create(test, ops, true, &opts);
}

/**
 * pci_msi_kunit_device - The simulated device, for a backend's own tests
 * @test:	The test, which owns the device until it ends
 * @ops:	The backend, registered with pci_host_bridge_set_msi_ops()
 *
 * Return: The device; aborts the test on failure.
 */
struct pci_dev *pci_msi_kunit_device(struct kunit *test,
				     const struct pci_msi_ops *ops)
{
	return ops_sim_create(test, ops)->pdev;
}

/**
 * pci_msi_kunit_device_reset - Reset the simulated device
 * @pdev:	A device from pci_msi_kunit_device() or the conformance suite
 */
void pci_msi_kunit_device_reset(struct pci_dev *pdev)
{
	ops_sim_reset(ops_sim_of_dev(pdev));
}

unsigned int ops_sim_nr_descs(struct pci_dev *pdev)
{
	struct msi_desc *desc;
	unsigned int n = 0;

	/* No device data: MSI was never tried, so no descriptors */
	if (!pdev->dev.msi.data)
		return 0;
	msi_lock_descs(&pdev->dev);
	msi_for_each_desc(desc, &pdev->dev, MSI_DESC_ALL)
		n++;
	msi_unlock_descs(&pdev->dev);
	return n;
}

/* Nothing of MSI or MSI-X is left, in the core, the device or the mock */
void ops_sim_expect_clean(struct kunit *test, struct ops_sim *sim,
			  bool intx_off)
{
	struct pci_dev *pdev = sim->pdev;

	KUNIT_EXPECT_EQ(test, ops_sim_nr_descs(pdev), 0);
	KUNIT_EXPECT_FALSE(test, pdev->msi_enabled);
	KUNIT_EXPECT_FALSE(test, pdev->msix_enabled);
	KUNIT_EXPECT_FALSE(test, ops_sim_msi_on(sim));
	KUNIT_EXPECT_FALSE(test, ops_sim_msix_on(sim));
	KUNIT_EXPECT_EQ(test, sim->live_irqs, 0);
	KUNIT_EXPECT_EQ(test, ops_sim_intx_off(sim), intx_off);
	KUNIT_EXPECT_NULL(test, pdev->msi_ops);
	KUNIT_EXPECT_TRUE(test, !pdev->msix_base);
	KUNIT_EXPECT_EQ(test, sim->nr_map, sim->nr_unmap);
	KUNIT_EXPECT_FALSE(test, sim->writes_lost);
}

struct msi_desc *ops_sim_desc(struct pci_dev *pdev, unsigned int nr)
{
	int irq = pci_irq_vector(pdev, nr);

	return irq > 0 ? irq_get_msi_desc(irq) : NULL;
}
