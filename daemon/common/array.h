/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * array.h - one growable-array helper instead of a hand-written realloc per list.
 *
 *   struct thing *v = NULL; size_t n = 0, cap = 0;
 *   if (!CG_GROW(v, cap, n + 1)) return -ENOMEM;
 *   v[n++] = x;
 *
 * Capacity doubles (at least 16 elements), the multiplication is checked for
 * overflow, and on failure the array is left as it was.
 */
#ifndef CG_ARRAY_H
#define CG_ARRAY_H

#include <stdbool.h>
#include <stddef.h>

/* Ensures room for `need` elements of `elem` bytes at *arr; false on ENOMEM. */
bool cg_grow(void **arr, size_t *cap, size_t need, size_t elem);

#define CG_GROW(arr, cap, need) \
	cg_grow((void **)&(arr), &(cap), (need), sizeof(*(arr)))

#endif
