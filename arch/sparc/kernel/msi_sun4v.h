/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sun4v PCI MSI backend: what msi_sun4v.c shares with its KUnit tests
 *
 * Copyright (C) 2026 msi-ops maintainers
 */
#ifndef _SPARC64_MSI_SUN4V_H
#define _SPARC64_MSI_SUN4V_H

#include <linux/interrupt.h>
#include <linux/msi_ops.h>
#include <linux/msi_vecspace.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct cpumask;
struct device_node;
struct msi_desc;
struct pci_dev;
struct pci_pbm_info;
struct seq_file;
struct sun4v_msi;

/* Size of one event queue record */
#define SUN4V_MSIQ_REC_SIZE	64

/* Record types (bits 7:0 of the first word of a record) */
#define SUN4V_MSIQ_TYPE_NONE	0x00	/* consumed; reserved for software */
#define SUN4V_MSIQ_TYPE_MSG	0x01
#define SUN4V_MSIQ_TYPE_MSI32	0x02
#define SUN4V_MSIQ_TYPE_MSI64	0x03
#define SUN4V_MSIQ_TYPE_INTX	0x08
#define SUN4V_MSIQ_TYPE_STALE	0xff	/* quarantined; reserved for software */

/**
 * struct sun4v_msiq_rec - One 64-byte event queue record
 * @type:	Version in bits 63:32 (0), type in bits 7:0
 * @intx_sysino: Sysino of an INTx record
 * @rsvd0:	Reserved
 * @stick:	%stick when the record was written, or 0
 * @req_id:	Requester ID in bits 15:0
 * @addr:	MSI address
 * @data:	MSI data; the MSI number is in bits 15:0 (MSI) or 31:0 (MSI-X)
 * @rsvd1:	Reserved
 *
 * The hypervisor writes records at the tail, the OS consumes them at
 * the head and clears @type to %SUN4V_MSIQ_TYPE_NONE.
 */
struct sun4v_msiq_rec {
	u64	type;
	u64	intx_sysino;
	u64	rsvd0;
	u64	stick;
	u64	req_id;
	u64	addr;
	u64	data;
	u64	rsvd1;
};

/**
 * struct sun4v_msi_props - What a sun4v PBM's firmware node says about MSI
 * @msiq_num:		Event queues (EQs) the backend uses (``#msi-eqs``)
 * @msiq_ent_count:	Records per EQ (``msi-eq-size``), a power of two
 * @msiq_first:		First EQ id (``msi-eq-to-devino`` or ``msi-eq-devino``)
 * @msiq_first_devino:	Devino of the first EQ; EQ i interrupts on
 *			@msiq_first_devino + i
 * @msi_total:		MSIs of the root complex (``#msi``)
 * @msi_first:		First MSI number of the PBM (``msi-ranges``)
 * @msi_num:		MSI numbers of the PBM (``msi-ranges``)
 * @msi_data_mask:	Bits of the data that carry the MSI number
 *			(``msi-data-mask``)
 * @msix_data_width:	16 (MSI only) or 32 (MSI-X too) (``msix-data-width``)
 * @msi32_start:	Address of the 32-bit MSI window (``msi-address-ranges``)
 * @msi32_len:		Its length, not 0
 * @msi64_start:	Address of the 64-bit MSI window
 * @msi64_len:		Its length, 0 when there is none
 */
struct sun4v_msi_props {
	u32	msiq_num;
	u32	msiq_ent_count;
	u32	msiq_first;
	u32	msiq_first_devino;
	u32	msi_total;
	u32	msi_first;
	u32	msi_num;
	u32	msi_data_mask;
	u32	msix_data_width;
	u64	msi32_start;
	u64	msi32_len;
	u64	msi64_start;
	u64	msi64_len;
};

int sun4v_msi_parse(struct device_node *dp, const char *name,
		    struct sun4v_msi_props *p);

/**
 * struct sun4v_msi_hv_ops - The hypervisor as the backend sees it (the seam)
 *
 * Every hypervisor service the backend uses, and nothing else: under
 * QEMU sun4u, which has no hypervisor, any real hypervisor trap is
 * fatal, so the KUnit tests put a simulated hypervisor behind this
 * table. The calls return an HV_E* status and take the MSI numbers and
 * EQ ids of the VPCI API (group HV_GRP_PCI); head and tail are byte
 * offsets into the queue. @m identifies the PBM (its devhandle).
 *
 * @msiq_conf:		MSIQ_CONF: bind EQ @msiqid to @ra with @nentries
 *			records; @ra = 0, @nentries = 0 unconfigures it
 * @msiq_info:		MSIQ_INFO: where EQ @msiqid is and how big
 * @msiq_getvalid:	MSIQ_GETVALID
 * @msiq_setvalid:	MSIQ_SETVALID (HV_MSIQ_VALID or HV_MSIQ_INVALID)
 * @msiq_getstate:	MSIQ_GETSTATE (HV_MSIQSTATE_IDLE or _ERROR)
 * @msiq_setstate:	MSIQ_SETSTATE
 * @msiq_gethead:	MSIQ_GETHEAD
 * @msiq_sethead:	MSIQ_SETHEAD
 * @msiq_gettail:	MSIQ_GETTAIL
 * @msi_getvalid:	MSI_GETVALID
 * @msi_setvalid:	MSI_SETVALID (HV_MSIVALID_VALID or _INVALID)
 * @msi_getmsiq:	MSI_GETMSIQ: the EQ MSI @msinum is bound to
 * @msi_setmsiq:	MSI_SETMSIQ: bind @msinum to @msiqid as @msitype
 *			(HV_MSITYPE_MSI32 or _MSI64), in this order
 * @msi_getstate:	MSI_GETSTATE (HV_MSISTATE_IDLE or _DELIVERED)
 * @msi_setstate:	MSI_SETSTATE
 * @build_irq:		The Linux interrupt of devino @devino of the PBM
 *			(sun4v_build_irq(), which makes hypervisor calls
 *			of its own); 0 on failure. Building it again
 *			returns the same interrupt.
 * @devino_affinity:	The CPUs that the devino interrupt @irq may be
 *			delivered to (the hypervisor targets one of them);
 *			NULL or empty when unknown
 */
struct sun4v_msi_hv_ops {
	unsigned long (*msiq_conf)(struct sun4v_msi *m, unsigned long msiqid,
				   unsigned long ra, unsigned long nentries);
	unsigned long (*msiq_info)(struct sun4v_msi *m, unsigned long msiqid,
				   unsigned long *ra, unsigned long *nentries);
	unsigned long (*msiq_getvalid)(struct sun4v_msi *m,
				       unsigned long msiqid,
				       unsigned long *valid);
	unsigned long (*msiq_setvalid)(struct sun4v_msi *m,
				       unsigned long msiqid,
				       unsigned long valid);
	unsigned long (*msiq_getstate)(struct sun4v_msi *m,
				       unsigned long msiqid,
				       unsigned long *state);
	unsigned long (*msiq_setstate)(struct sun4v_msi *m,
				       unsigned long msiqid,
				       unsigned long state);
	unsigned long (*msiq_gethead)(struct sun4v_msi *m,
				      unsigned long msiqid,
				      unsigned long *head);
	unsigned long (*msiq_sethead)(struct sun4v_msi *m,
				      unsigned long msiqid,
				      unsigned long head);
	unsigned long (*msiq_gettail)(struct sun4v_msi *m,
				      unsigned long msiqid,
				      unsigned long *tail);
	unsigned long (*msi_getvalid)(struct sun4v_msi *m,
				      unsigned long msinum,
				      unsigned long *valid);
	unsigned long (*msi_setvalid)(struct sun4v_msi *m,
				      unsigned long msinum,
				      unsigned long valid);
	unsigned long (*msi_getmsiq)(struct sun4v_msi *m,
				     unsigned long msinum,
				     unsigned long *msiqid);
	unsigned long (*msi_setmsiq)(struct sun4v_msi *m,
				     unsigned long msinum,
				     unsigned long msiqid,
				     unsigned long msitype);
	unsigned long (*msi_getstate)(struct sun4v_msi *m,
				      unsigned long msinum,
				      unsigned long *state);
	unsigned long (*msi_setstate)(struct sun4v_msi *m,
				      unsigned long msinum,
				      unsigned long state);
	unsigned int (*build_irq)(struct sun4v_msi *m, unsigned int devino);
	const struct cpumask *(*devino_affinity)(struct sun4v_msi *m,
						 unsigned int irq);
};

/* The real hypervisor */
extern const struct sun4v_msi_hv_ops sun4v_msi_hv;

/**
 * struct sun4v_msi_stats - What the EQ interrupt handlers saw
 * @dispatched:	Records handed to a device's Linux interrupt
 * @bad_type:	Records of a type other than MSI32/MSI64, consumed
 * @bad_range:	MSI records whose number is not the PBM's, consumed
 * @unmapped:	MSI records of a number without a Linux interrupt, consumed
 * @stale:	Records quarantined by a teardown, consumed
 * @overflows:	Times an EQ was found in the ERROR (overflow) state
 * @hv_errors:	Hypervisor calls of the handlers that failed
 */
struct sun4v_msi_stats {
	atomic_long_t	dispatched;
	atomic_long_t	bad_type;
	atomic_long_t	bad_range;
	atomic_long_t	unmapped;
	atomic_long_t	stale;
	atomic_long_t	overflows;
	atomic_long_t	hv_errors;
};

/**
 * struct sun4v_msi_eq - One event queue of a PBM
 * @m:		The PBM
 * @msiqid:	The EQ id of the VPCI API
 * @devino:	The devino it interrupts on
 * @irq:	The devino's Linux interrupt
 * @recs:	The queue memory, @m->props.msiq_ent_count records
 * @lock:	Serialises the queue walk and the quarantine of records
 * @state:	How far bring-up got, for the rollback
 * @nr_msis:	MSIs bound to it, for choosing an EQ
 */
struct sun4v_msi_eq {
	struct sun4v_msi	*m;
	u32			msiqid;
	u32			devino;
	unsigned int		irq;
	struct sun4v_msiq_rec	*recs;
	raw_spinlock_t		lock;
	unsigned int		state;
	atomic_t		nr_msis;
};

/**
 * struct sun4v_msi_vec - Backend state of one MSI number
 * @eq:		Index of the EQ it is bound to
 * @live:	Routed at the hypervisor (bound, idle, valid)
 * @msi64:	Bound as HV_MSITYPE_MSI64, else MSI32
 */
struct sun4v_msi_vec {
	u16	eq;
	bool	live;
	bool	msi64;
};

/**
 * struct sun4v_msi - MSI state of one sun4v PBM
 * @name:	For log lines: the PBM's name
 * @devhandle:	The PBM's device handle, ARG0 of every VPCI call
 * @hv:		The hypervisor (&sun4v_msi_hv, or a simulation)
 * @hv_data:	Private to a simulated @hv
 * @props:	What the firmware node said
 * @ops:	The PBM's backend, installed on its host bridge
 * @vs:		The MSI numbers of @props.msi_ranges and their interrupts
 * @vecs:	Per MSI number, indexed by number - @props.msi_first
 * @eqs:	The EQs, @props.msiq_num of them
 * @queues:	The queue memory of all EQs, one block
 * @queues_order: Its page order
 * @rotor:	Round robin among the least used EQs
 * @stats:	Counters of the EQ interrupt handlers
 */
struct sun4v_msi {
	const char			*name;
	u32				devhandle;
	const struct sun4v_msi_hv_ops	*hv;
	void				*hv_data;
	struct sun4v_msi_props		props;
	struct pci_msi_ops		ops;
	struct msi_vecspace		vs;
	struct sun4v_msi_vec		*vecs;
	struct sun4v_msi_eq		*eqs;
	void				*queues;
	unsigned int			queues_order;
	atomic_t			rotor;
	struct sun4v_msi_stats		stats;
};

int sun4v_msi_init(struct sun4v_msi *m);
int sun4v_msi_check(struct pci_dev *dev, int type, int nvec);
int sun4v_msi_alloc(struct pci_dev *dev, int type, int nvec);
void sun4v_msi_free(struct pci_dev *dev, int type);
int sun4v_msi_alloc_at(struct pci_dev *dev, struct msi_desc *desc);
void sun4v_msi_free_at(struct pci_dev *dev, struct msi_desc *desc);
int sun4v_msi_exit(struct sun4v_msi *m);
irqreturn_t sun4v_msi_eq_interrupt(int irq, void *data);
unsigned int sun4v_msi_quarantine(struct sun4v_msi *m, u32 msi);
int sun4v_msi_vectors_show(struct seq_file *s, void *unused);
int sun4v_msi_stats_show(struct seq_file *s, void *unused);
const struct pci_msi_ops *sun4v_msi_pbm_init(struct pci_pbm_info *pbm);

#endif /* _SPARC64_MSI_SUN4V_H */
