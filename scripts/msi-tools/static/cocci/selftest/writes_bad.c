// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test sample for scripts/coccinelle/misc/pci_msi_writes.cocci: the
 * rule must report exactly the lines that carry a marker comment. Reads,
 * mask bits and flags are not the message and must not be reported.
 */
static void sample_write_msi(struct pci_dev *dev, void __iomem *base,
			     u32 lo, u32 hi, u16 data)
{
	int pos = dev->msi_cap;
	int off;
	u32 v;

	pci_read_config_dword(dev, pos + PCI_MSI_ADDRESS_LO, &v);
	pci_write_config_dword(dev, pos + PCI_MSI_ADDRESS_LO, lo);	/* BAD */
	pci_write_config_dword(dev, pos + PCI_MSI_ADDRESS_HI, hi);	/* BAD */
	pci_write_config_word(dev, pos + PCI_MSI_DATA_64, data);	/* BAD */
	pci_write_config_word(dev, pos + PCI_MSI_FLAGS, 0);
	off = PCI_MSI_DATA_32;
	if (v & 1)
		off = PCI_MSI_DATA_64;
	pci_write_config_word(dev, pos + off, data);	/* BAD */
}

static void sample_write_msix(void __iomem *table, unsigned int i, u32 lo, u32 data)
{
	void __iomem *entry = table + i * PCI_MSIX_ENTRY_SIZE;

	writel(lo, entry + PCI_MSIX_ENTRY_LOWER_ADDR);	/* BAD */
	iowrite32(data, table + i * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_DATA);	/* BAD */
	writel(0, entry + PCI_MSIX_ENTRY_VECTOR_CTRL);
	data = readl(entry + PCI_MSIX_ENTRY_DATA);
}
