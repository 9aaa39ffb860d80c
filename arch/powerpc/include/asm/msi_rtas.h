/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pSeries MSI backend of the PCI MSI core (arch/powerpc/kernel/msi_rtas.c)
 */
#ifndef _ASM_POWERPC_MSI_RTAS_H
#define _ASM_POWERPC_MSI_RTAS_H

#include <linux/types.h>

#ifdef CONFIG_PPC_PSERIES_MSI_RTAS
bool rtas_msi_backend_active(void);
#else
static inline bool rtas_msi_backend_active(void)
{
	return false;
}
#endif

#endif /* _ASM_POWERPC_MSI_RTAS_H */
