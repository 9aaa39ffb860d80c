/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulated PCI device of the PCI MSI KUnit tests (ops_kunit_sim.c),
 * shared by the dispatch tests (ops_kunit.c) and the backend conformance
 * suite (conformance_kunit.c).
 */
#ifndef _PCI_MSI_OPS_KUNIT_SIM_H
#define _PCI_MSI_OPS_KUNIT_SIM_H

#include <kunit/test.h>
#include <linux/irq.h>
#include <linux/msi_ops.h>
#include <linux/pci.h>

#ifdef CONFIG_PPC
#include <asm/pci-bridge.h>
#endif

#define SIM_DOMAIN		0x7e57
#define SIM_VENDOR		0x7e57
#define SIM_DEVICE		0x0401
#define SIM_BAR0		0xc0de0000
#define SIM_MSI_CAP		0x40
#define SIM_MSIX_CAP		0x60
#define SIM_MSI_VECS		32
#define SIM_MSIX_VECS		8
#define SIM_PBA_OFFSET		0x800
#define SIM_MAX_WRITES		512
#define SIM_MAX_CALLS		16

/* The MSI-X table's address/data words until somebody writes them */
#define SIM_POISON		0xa5a5a5a5

enum sim_cb {
	SIM_CB_NONE,
	SIM_CB_CHECK,
	SIM_CB_ALLOC,
	SIM_CB_FREE,
	SIM_CB_RESTORE,
	SIM_CB_ALLOC_AT,
	SIM_CB_FREE_AT,
};

struct sim_write {
	u16	where;
	u8	size;
	u32	val;
};

struct sim_call {
	enum sim_cb	cb;
	int		type;
	int		nvec;
};

/* Lives in the private area of the simulated host bridge */
struct ops_sim {
	struct pci_host_bridge	*bridge;
	struct pci_bus		*bus;
	struct pci_dev		*pdev;
#ifdef CONFIG_X86
	struct pci_sysdata	sysdata;
#elif defined(CONFIG_PPC)
	struct pci_controller	hose;
#endif
	/* Config space, its writable bits and the log of writes */
	u8			cfg[PCI_CFG_SPACE_EXP_SIZE];
	u8			wmask[PCI_CFG_SPACE_EXP_SIZE];
	struct sim_write	writes[SIM_MAX_WRITES];
	unsigned int		nr_writes;
	bool			writes_lost;
	/* The MSI-X table and how often the core mapped/unmapped it */
	__le32			*table;
	unsigned int		nr_map;
	unsigned int		nr_unmap;
	/* The mock backend's record and its knobs */
	struct sim_call		calls[SIM_MAX_CALLS];
	unsigned int		nr_calls;
	bool			calls_lost;
	char			calls_str[256];
	int			live_irqs;
	int			quota;		/* ->check() limit, 0: none */
	int			grant;		/* ->alloc() limit, 0: none */
	enum sim_cb		fail_cb;	/* callback that fails */
	int			fail_err;	/* with this errno */
	int			restore_ret;	/* ->restore() success value */
	struct irq_chip		*chip;		/* of the mock's interrupts */
};

struct ops_sim *ops_sim_create(struct kunit *test, const struct pci_msi_ops *ops);
struct ops_sim *ops_sim_create_adapter(struct kunit *test,
				       const struct pci_msi_ops *ops);
struct ops_sim *ops_sim_of_dev(struct pci_dev *dev);

/* Config space and MSI-X table of the simulated device */
void ops_sim_set(struct ops_sim *sim, int where, int size, u32 val, u32 wmask);
u32 ops_sim_get(struct ops_sim *sim, int where, int size);
void ops_sim_init_table(__le32 *table);
void ops_sim_reset(struct ops_sim *sim);
u32 ops_sim_table(struct ops_sim *sim, int entry, int offset);
bool ops_sim_msi_on(struct ops_sim *sim);
bool ops_sim_msix_on(struct ops_sim *sim);
bool ops_sim_intx_off(struct ops_sim *sim);
unsigned int ops_sim_msi_msg_writes(struct ops_sim *sim);
unsigned int ops_sim_msix_msg_written(struct ops_sim *sim);

/* The record of the mock backends' callbacks */
extern const char * const ops_sim_cb_names[];
void ops_sim_record(struct ops_sim *sim, enum sim_cb cb, int type, int nvec);
const char *ops_sim_calls(struct ops_sim *sim);

/* The mock backends' one-shot safe interrupt chip */
extern struct irq_chip ops_sim_chip;

unsigned int ops_sim_nr_descs(struct pci_dev *pdev);
void ops_sim_expect_clean(struct kunit *test, struct ops_sim *sim, bool intx_off);
struct msi_desc *ops_sim_desc(struct pci_dev *pdev, unsigned int nr);

#endif /* _PCI_MSI_OPS_KUNIT_SIM_H */
