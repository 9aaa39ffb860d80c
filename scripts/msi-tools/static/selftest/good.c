// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test sample for scripts/msi-tools/static/check.sh: every checker
 * (checkpatch, kernel-doc, sparse, W=1) must pass on this file, which
 * shows that a failure on a bad_*.c sample comes from its one defect and
 * not from the way check.sh runs the tool.
 */
#include "selftest.h"

/**
 * good_sum() - add up an array of values
 * @vals: the values
 * @n: how many values @vals holds
 *
 * Return: the sum of the first @n entries of @vals.
 */
int good_sum(const u32 *vals, unsigned int n)
{
	unsigned int i;
	int sum = 0;

	for (i = 0; i < n; i++)
		sum += vals[i];
	return sum;
}
