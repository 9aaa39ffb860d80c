// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test sample for scripts/coccinelle/api/pci_msi_ops.cocci: the rule
 * must report exactly the lines that carry a marker comment.
 */
static struct pci_msi_ops sample_nonconst_ops = {	/* BAD: not const */
	.name = "nonconst",
	.alloc = sample_alloc,
	.free = sample_free,
};

static const struct pci_msi_ops sample_fw_norestore_ops = {	/* BAD: no ->restore */
	.name = "fw-norestore",
	.flags = PCI_MSI_OPS_MSIX | PCI_MSI_OPS_FW_OWNS_MSG,
	.alloc = sample_alloc,
	.free = sample_free,
};

static const struct pci_msi_ops sample_fw_ops = {
	.name = "fw",
	.flags = PCI_MSI_OPS_FW_OWNS_MSG,
	.alloc = sample_alloc,
	.free = sample_free,
	.restore = sample_restore,
};

static int sample_late_register(void)
{
	return pci_msi_set_platform_ops(&sample_fw_ops);	/* BAD: not __init */
}

static int __init sample_init(void)
{
	return pci_msi_set_platform_ops(&sample_fw_ops);
}
