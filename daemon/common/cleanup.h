/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cleanup.h - scope-bound release of resources (systemd's _cleanup_ idiom).
 *
 * A variable declared `_cleanup_free_ char *s = NULL;` is freed when it goes
 * out of scope, on every return path; TAKE_PTR() hands it on without freeing.
 * This keeps error paths short and impossible to get half right.
 */
#ifndef CG_CLEANUP_H
#define CG_CLEANUP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)

/* Declares type##_freep() for a destructor that takes the object pointer. */
#define CG_DEFINE_CLEANUP(type, func)                   \
	static inline void func##p(type **p)            \
	{                                               \
		if (*p)                                 \
			func(*p);                       \
	}

/* Returns the pointer and leaves NULL behind, so the cleanup does nothing. */
#define TAKE_PTR(p)                                     \
	({                                              \
		__typeof__(p) _tp = (p);                \
		(p) = NULL;                             \
		_tp;                                    \
	})

#define TAKE_FD(fd)                                     \
	({                                              \
		int _tf = (fd);                         \
		(fd) = -1;                              \
		_tf;                                    \
	})

#endif
