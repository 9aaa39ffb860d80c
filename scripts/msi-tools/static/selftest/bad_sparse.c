// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test sample: sparse must reject this file, while gcc, even with
 * W=1, has nothing to say about it. A user-space pointer is dereferenced
 * directly and stored in a kernel pointer (address-space mix).
 */
#include "selftest.h"

/**
 * bad_sparse_peek() - read an int the wrong way
 * @uptr: user-space address
 *
 * Return: the value at @uptr.
 */
int bad_sparse_peek(int __user *uptr)
{
	int *p = uptr;

	return *p + *uptr;
}
