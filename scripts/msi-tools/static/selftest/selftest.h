/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prototypes of the self-test samples of scripts/msi-tools/static/check.sh,
 * so that no sample needs a prototype of its own in a .c file (which
 * checkpatch questions) or lacks one (which gcc and sparse flag).
 */
#ifndef MSI_STATIC_SELFTEST_H
#define MSI_STATIC_SELFTEST_H

#include <linux/compiler.h>
#include <linux/types.h>

int good_sum(const u32 *vals, unsigned int n);
int bad_style_max(int a, int b);
int bad_kdoc_sum(const u32 *vals, unsigned int n);
int bad_sparse_peek(int __user *uptr);
int bad_w1_count(const u32 *vals, unsigned int n);

#endif /* MSI_STATIC_SELFTEST_H */
