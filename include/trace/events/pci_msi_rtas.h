/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints of the pSeries RTAS MSI backend: every firmware call it
 * makes, busy retries included. Defined in arch/powerpc/kernel/msi_rtas.c;
 * they belong to the pci_msi system, with the core's backend calls
 * (trace/events/pci_msi.h), so that enabling pci_msi shows both.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM pci_msi
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE pci_msi_rtas

#if !defined(_TRACE_PCI_MSI_RTAS_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_PCI_MSI_RTAS_H

#include <linux/tracepoint.h>
#include <linux/types.h>

/* ibm,change-msi function codes (PAPR) */
#define show_rtas_msi_func(func)				\
	__print_symbolic(func,					\
			 { 1,	"legacy" },			\
			 { 3,	"MSI" },			\
			 { 4,	"MSI-X" },			\
			 { 5,	"MSI32" },			\
			 { 6,	"MSI-X32" })

/*
 * One ibm,change-msi call for the PCI function @dev: @func, @asked
 * vectors (0 releases them all), sequence number @seq; @status is the
 * RTAS status (busy and extended delay statuses included), @granted the
 * first output, the number of vectors firmware holds for the function,
 * meaningful only when @status is 0.
 */
TRACE_EVENT(pci_msi_rtas_change,
	    TP_PROTO(const char *dev, u32 func, u32 asked, u32 seq,
		     int status, int granted),
	    TP_ARGS(dev, func, asked, seq, status, granted),
	    TP_STRUCT__entry(__string(dev, dev)
			     __field(u32, func)
			     __field(u32, asked)
			     __field(u32, seq)
			     __field(int, status)
			     __field(int, granted)),
	    TP_fast_assign(__assign_str(dev);
			   __entry->func = func;
			   __entry->asked = asked;
			   __entry->seq = seq;
			   __entry->status = status;
			   __entry->granted = granted;),
	    TP_printk("%s func=%s asked=%u seq=%u status=%d granted=%d",
		      __get_str(dev), show_rtas_msi_func(__entry->func),
		      __entry->asked, __entry->seq, __entry->status,
		      __entry->granted)
);

/*
 * One ibm,query-interrupt-source-number call for vector @index of @dev;
 * @status is the RTAS status, @source and @edge (trigger type, 1 for
 * edge) the outputs, meaningful only when @status is 0.
 */
TRACE_EVENT(pci_msi_rtas_query,
	    TP_PROTO(const char *dev, u32 index, int status, u32 source,
		     int edge),
	    TP_ARGS(dev, index, status, source, edge),
	    TP_STRUCT__entry(__string(dev, dev)
			     __field(u32, index)
			     __field(int, status)
			     __field(u32, source)
			     __field(int, edge)),
	    TP_fast_assign(__assign_str(dev);
			   __entry->index = index;
			   __entry->status = status;
			   __entry->source = source;
			   __entry->edge = edge;),
	    TP_printk("%s index=%u status=%d source=%#x edge=%d",
		      __get_str(dev), __entry->index, __entry->status,
		      __entry->source, __entry->edge)
);

#endif /* _TRACE_PCI_MSI_RTAS_H */

/* This part must be outside protection */
#include <trace/define_trace.h>
