// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test sample: a W=1 build must reject this file, while the default
 * warning level and sparse accept it. A variable is set but never read
 * and a static const table is never used; 6.12 turns both warnings off
 * unless W=1 is given (-Wmissing-prototypes is on by default since 6.8,
 * so it no longer tells W=1 apart).
 */
#include "selftest.h"

static const u32 bad_w1_unused_table[] = { 1, 2, 3 };

/**
 * bad_w1_count() - count the non-zero values of an array
 * @vals: the values
 * @n: how many values @vals holds
 *
 * Return: the number of non-zero entries.
 */
int bad_w1_count(const u32 *vals, unsigned int n)
{
	unsigned int i, last = 0;
	int count = 0;

	for (i = 0; i < n; i++) {
		if (vals[i]) {
			count++;
			last = i;
		}
	}
	return count;
}
