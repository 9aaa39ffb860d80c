/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DMA writes of QEMU's edu device, for tests that need a device to send
 * an arbitrary MSI message (drivers/misc/edu_msi_exerciser.c).
 */
#ifndef _LINUX_EDU_MSI_H
#define _LINUX_EDU_MSI_H

#include <linux/errno.h>
#include <linux/kconfig.h>
#include <linux/types.h>

struct pci_dev;

#if IS_REACHABLE(CONFIG_EDU_MSI_EXERCISER)
struct pci_dev *edu_msi_dma_get(void);
int edu_msi_dma_write(struct pci_dev *pdev, u32 addr, u32 val);
#else
static inline struct pci_dev *edu_msi_dma_get(void)
{
	return NULL;
}

static inline int edu_msi_dma_write(struct pci_dev *pdev, u32 addr, u32 val)
{
	return -ENODEV;
}
#endif

#endif /* _LINUX_EDU_MSI_H */
