// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test sample for the MSI Coccinelle rules: nothing here may be
 * reported, neither by pci_msi_ops.cocci nor by pci_msi_writes.cocci.
 */
static const struct pci_msi_ops sample_raw_ops = {
	.name = "raw",
	.flags = PCI_MSI_OPS_MSIX,
	.alloc = sample_alloc,
	.free = sample_free,
};

static const struct pci_msi_ops sample_fw_ops = {
	.name = "fw",
	.flags = PCI_MSI_OPS_MSIX | PCI_MSI_OPS_FW_OWNS_MSG,
	.alloc = sample_alloc,
	.free = sample_free,
	.restore = sample_restore,
};

static int __init sample_init(void)
{
	return pci_msi_set_platform_ops(&sample_raw_ops);
}

static void sample_reads(struct pci_dev *dev, void __iomem *base)
{
	u32 v;

	pci_read_config_dword(dev, dev->msi_cap + PCI_MSI_ADDRESS_LO, &v);
	v = readl(base + PCI_MSIX_ENTRY_DATA);
	writel(1, base + PCI_MSIX_ENTRY_VECTOR_CTRL);
	pci_write_config_word(dev, dev->msi_cap + PCI_MSI_FLAGS, 0);
}
