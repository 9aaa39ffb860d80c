// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test sample: checkpatch --strict must reject this file. It is
 * valid C; only its style is wrong (the opening brace of the function
 * on its first line, spaces instead of a tab, no spaces around '=').
 */
#include "selftest.h"

int bad_style_max(int a, int b) {
    int r=a;

	if (b > a)
		r = b;
	return r;
}
