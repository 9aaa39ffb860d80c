/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The simulated PCI device of the PCI MSI KUnit tests (ops_kunit_sim.c),
 * shared by the dispatch tests (ops_kunit.c), the backend conformance
 * suite (conformance_kunit.c) and the backends' own tests.
 */
#ifndef _PCI_MSI_OPS_KUNIT_SIM_H
#define _PCI_MSI_OPS_KUNIT_SIM_H

#include <kunit/test.h>
#include <linux/interrupt.h>
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
/* Functions of one bus: 8 slots of 8 functions */
#define SIM_MAX_FNS		64
/* Interrupts a function can have requested through ops_sim_request_irq() */
#define SIM_MAX_IRQS		SIM_MSI_VECS

/* The MSI-X table's address/data words until somebody writes them */
#define SIM_POISON		0xa5a5a5a5

/* What the mock backend writes (raw), and what "firmware" programmed */
#define SIM_RAW_ADDR_LO(i)	(0xfee00000 | ((i) << 4))
#define SIM_RAW_ADDR_HI		0x0000cafe
#define SIM_RAW_DATA(i)		(0x4d00 + (i))
#define SIM_FW_ADDR_LO(i)	(0xf1f00000 | ((i) << 4))
#define SIM_FW_ADDR_HI		0
#define SIM_FW_DATA(i)		(0xf000 + (i))

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

/**
 * struct ops_sim_opts - The shape of the simulated device
 * @nr_fns:	Functions 0..@nr_fns-1 (at most SIM_MAX_FNS), eight to a
 *		slot; 0 means 1
 * @msi_vecs:	Vectors of each function's MSI capability (a power of 2
 *		up to SIM_MSI_VECS); 0: SIM_MSI_VECS
 * @msi_nomask:	The MSI capabilities have no per-vector mask
 */
struct ops_sim_opts {
	unsigned int	nr_fns;
	u8		msi_vecs[SIM_MAX_FNS];
	bool		msi_nomask;
};

struct msi_msg;
struct ops_sim;

/*
 * What the platform does with a message the device sends: returns a
 * value of the test's choosing (say, the CPU that took it), or an errno.
 */
typedef int (*ops_sim_deliver_t)(struct ops_sim *sim, const struct msi_msg *msg);

/*
 * One function of the simulated device. The host bridge's private area
 * holds the function table (struct ops_sim_bus in ops_kunit_sim.c).
 */
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
	/* The function's number on the bus, and how many the bus has */
	unsigned int		fn;
	unsigned int		nr_fns;
	/* Raising interrupts from the function's own registers */
	ops_sim_deliver_t	deliver;
	bool			raise_on_change; /* at the next MSI msg change */
	int			raised;		/* what that raise returned */
	unsigned int		nr_raised;
	/* Interrupts requested through ops_sim_request_irq() */
	unsigned int		irq[SIM_MAX_IRQS];
	void			*irq_dev_id[SIM_MAX_IRQS];
};

struct ops_sim *ops_sim_create(struct kunit *test, const struct pci_msi_ops *ops);
struct ops_sim *ops_sim_create_adapter(struct kunit *test,
				       const struct pci_msi_ops *ops);
struct ops_sim *ops_sim_create_opts(struct kunit *test,
				    const struct pci_msi_ops *ops,
				    const struct ops_sim_opts *opts);
struct ops_sim *ops_sim_of_dev(struct pci_dev *dev);
struct ops_sim *ops_sim_fn(struct ops_sim *sim, unsigned int fn);

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

/* The messages the function holds, and sending them through ->deliver */
void ops_sim_msi_msg(struct ops_sim *sim, struct msi_msg *msg);
int ops_sim_msi_vec_msg(struct ops_sim *sim, unsigned int nr,
			struct msi_msg *msg);
void ops_sim_msix_msg(struct ops_sim *sim, unsigned int entry,
		      struct msi_msg *msg);
int ops_sim_raise_msi(struct ops_sim *sim, unsigned int nr);
int ops_sim_raise_msix(struct ops_sim *sim, unsigned int entry);

/* request_irq()/free_irq() whose leftovers the simulation frees */
void ops_sim_request_irq(struct kunit *test, struct ops_sim *sim,
			 unsigned int irq, irq_handler_t handler, void *dev_id);
void ops_sim_free_irq(struct ops_sim *sim, unsigned int irq);

/* The record of the mock backends' callbacks */
extern const char * const ops_sim_cb_names[];
void ops_sim_record(struct ops_sim *sim, enum sim_cb cb, int type, int nvec);
const char *ops_sim_calls(struct ops_sim *sim);

/* The mock backend's callbacks (see ops_kunit_sim.c) */
int ops_sim_mock_check(struct pci_dev *dev, int type, int nvec);
int ops_sim_mock_alloc(struct pci_dev *dev, int type, int nvec);
void ops_sim_mock_free(struct pci_dev *dev, int type);
int ops_sim_mock_restore(struct pci_dev *dev, int type);
int ops_sim_mock_alloc_at(struct pci_dev *dev, struct msi_desc *desc);
void ops_sim_mock_free_at(struct pci_dev *dev, struct msi_desc *desc);

/* The mock backends' one-shot safe interrupt chip */
extern struct irq_chip ops_sim_chip;

unsigned int ops_sim_nr_descs(struct pci_dev *pdev);
void ops_sim_expect_clean(struct kunit *test, struct ops_sim *sim, bool intx_off);
struct msi_desc *ops_sim_desc(struct pci_dev *pdev, unsigned int nr);

#endif /* _PCI_MSI_OPS_KUNIT_SIM_H */
