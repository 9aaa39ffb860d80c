// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test sample: kernel-doc -Wall must reject this file. The comment
 * documents a parameter @count that the function does not have and
 * leaves its real parameter @n undescribed.
 */
#include "selftest.h"

/**
 * bad_kdoc_sum() - add up an array of values
 * @vals: the values
 * @count: how many values @vals holds
 *
 * Return: the sum of the values.
 */
int bad_kdoc_sum(const u32 *vals, unsigned int n)
{
	unsigned int i;
	int sum = 0;

	for (i = 0; i < n; i++)
		sum += vals[i];
	return sum;
}
