// SPDX-License-Identifier: GPL-2.0-only
/* array.c - the growable-array helper (array.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "array.h"

bool cg_grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	size_t n;
	void *p;

	if (need <= *cap)
		return true;
	n = *cap ? *cap : 16;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			goto nomem;
		n *= 2;
	}
	if (elem && n > SIZE_MAX / elem)
		goto nomem;
	p = realloc(*arr, n * elem);
	if (!p)
		goto nomem;
	*arr = p;
	*cap = n;
	return true;
nomem:
	errno = ENOMEM;
	return false;
}
