/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the PCI MSI core: every call it makes into a backend
 * (&struct pci_msi_ops), so that a trace shows which backend did what
 * for which device. Defined in drivers/pci/msi/ops.c.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM pci_msi

#if !defined(_TRACE_PCI_MSI_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_PCI_MSI_H

#include <linux/msi_ops.h>
#include <linux/pci.h>
#include <linux/tracepoint.h>

#define show_pci_msi_type(type)					\
	__print_symbolic(type,					\
			 { PCI_CAP_ID_MSI,	"MSI" },	\
			 { PCI_CAP_ID_MSIX,	"MSI-X" })

/*
 * pci_msi_resolve - The core chose the backend for an enable
 * @ops is NULL when no backend serves @dev; @flags are the backend's
 * properties for @dev (->features() or ->flags); @ret is what the bind
 * returns: 0, -ENOTSUPP without a backend, -EINVAL for a backend whose
 * properties the core refuses.
 */
TRACE_EVENT(pci_msi_resolve,
	    TP_PROTO(struct pci_dev *dev, const struct pci_msi_ops *ops,
		     unsigned int flags, int ret),
	    TP_ARGS(dev, ops, flags, ret),
	    TP_STRUCT__entry(__string(dev, pci_name(dev))
			     __string(backend, ops ? ops->name : "none")
			     __field(unsigned int, flags)
			     __field(int, ret)),
	    TP_fast_assign(__assign_str(dev);
			   __assign_str(backend);
			   __entry->flags = flags;
			   __entry->ret = ret;),
	    TP_printk("%s backend=%s flags=%#x ret=%d",
		      __get_str(dev), __get_str(backend), __entry->flags,
		      __entry->ret)
);

/*
 * ->check() and ->alloc(): @asked vectors of @type; @granted is what the
 * backend gave (->check(): its answer; ->alloc(): @asked on success, 0
 * otherwise); @ret is the callback's return value (for ->alloc() a
 * positive count of vectors that can be had).
 */
DECLARE_EVENT_CLASS(pci_msi_vectors,
		    TP_PROTO(struct pci_dev *dev,
			     const struct pci_msi_ops *ops, int type,
			     int asked, int granted, int ret),
		    TP_ARGS(dev, ops, type, asked, granted, ret),
		    TP_STRUCT__entry(__string(dev, pci_name(dev))
				     __string(backend, ops->name)
				     __field(int, type)
				     __field(int, asked)
				     __field(int, granted)
				     __field(int, ret)),
		    TP_fast_assign(__assign_str(dev);
				   __assign_str(backend);
				   __entry->type = type;
				   __entry->asked = asked;
				   __entry->granted = granted;
				   __entry->ret = ret;),
		    TP_printk("%s backend=%s type=%s asked=%d granted=%d ret=%d",
			      __get_str(dev), __get_str(backend),
			      show_pci_msi_type(__entry->type),
			      __entry->asked, __entry->granted, __entry->ret)
);

DEFINE_EVENT(pci_msi_vectors, pci_msi_check,
	     TP_PROTO(struct pci_dev *dev, const struct pci_msi_ops *ops,
		      int type, int asked, int granted, int ret),
	     TP_ARGS(dev, ops, type, asked, granted, ret)
);

DEFINE_EVENT(pci_msi_vectors, pci_msi_alloc,
	     TP_PROTO(struct pci_dev *dev, const struct pci_msi_ops *ops,
		      int type, int asked, int granted, int ret),
	     TP_ARGS(dev, ops, type, asked, granted, ret)
);

/* ->free(): the @nvec vectors of @type that the backend released */
TRACE_EVENT(pci_msi_free,
	    TP_PROTO(struct pci_dev *dev, const struct pci_msi_ops *ops,
		     int type, int nvec),
	    TP_ARGS(dev, ops, type, nvec),
	    TP_STRUCT__entry(__string(dev, pci_name(dev))
			     __string(backend, ops->name)
			     __field(int, type)
			     __field(int, nvec)),
	    TP_fast_assign(__assign_str(dev);
			   __assign_str(backend);
			   __entry->type = type;
			   __entry->nvec = nvec;),
	    TP_printk("%s backend=%s type=%s nvec=%d",
		      __get_str(dev), __get_str(backend),
		      show_pci_msi_type(__entry->type), __entry->nvec)
);

/*
 * ->restore(): @ret is 0, 1 (PCI_MSI_RESTORE_REWRITE: the core rewrites
 * the cached messages) or a negative errno
 */
TRACE_EVENT(pci_msi_restore,
	    TP_PROTO(struct pci_dev *dev, const struct pci_msi_ops *ops,
		     int type, int ret),
	    TP_ARGS(dev, ops, type, ret),
	    TP_STRUCT__entry(__string(dev, pci_name(dev))
			     __string(backend, ops->name)
			     __field(int, type)
			     __field(int, ret)),
	    TP_fast_assign(__assign_str(dev);
			   __assign_str(backend);
			   __entry->type = type;
			   __entry->ret = ret;),
	    TP_printk("%s backend=%s type=%s ret=%d",
		      __get_str(dev), __get_str(backend),
		      show_pci_msi_type(__entry->type), __entry->ret)
);

/*
 * ->alloc_at() and ->free_at(): one MSI-X vector at table @index, Linux
 * interrupt @irq (0 when ->alloc_at() failed); @ret is 0 for ->free_at()
 */
DECLARE_EVENT_CLASS(pci_msi_vector,
		    TP_PROTO(struct pci_dev *dev,
			     const struct pci_msi_ops *ops,
			     unsigned int index, unsigned int irq, int ret),
		    TP_ARGS(dev, ops, index, irq, ret),
		    TP_STRUCT__entry(__string(dev, pci_name(dev))
				     __string(backend, ops->name)
				     __field(unsigned int, index)
				     __field(unsigned int, irq)
				     __field(int, ret)),
		    TP_fast_assign(__assign_str(dev);
				   __assign_str(backend);
				   __entry->index = index;
				   __entry->irq = irq;
				   __entry->ret = ret;),
		    TP_printk("%s backend=%s index=%u irq=%u ret=%d",
			      __get_str(dev), __get_str(backend),
			      __entry->index, __entry->irq, __entry->ret)
);

DEFINE_EVENT(pci_msi_vector, pci_msi_alloc_at,
	     TP_PROTO(struct pci_dev *dev, const struct pci_msi_ops *ops,
		      unsigned int index, unsigned int irq, int ret),
	     TP_ARGS(dev, ops, index, irq, ret)
);

DEFINE_EVENT(pci_msi_vector, pci_msi_free_at,
	     TP_PROTO(struct pci_dev *dev, const struct pci_msi_ops *ops,
		      unsigned int index, unsigned int irq, int ret),
	     TP_ARGS(dev, ops, index, irq, ret)
);

#endif /* _TRACE_PCI_MSI_H */

/* This part must be outside protection */
#include <trace/define_trace.h>
