/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hostaddr.h — the recorder's own addresses, as host prefixes. The
 * compiler marks them protected: a camera that sends from one or claims one
 * in ARP is spoofing the recorder.
 */
#ifndef CAMGUARD_HOSTADDR_H
#define CAMGUARD_HOSTADDR_H

#include <stddef.h>

struct cg_prefix;

/* Every address of this host (its network namespace), sorted. When the set
 * differs from *v (n entries) it replaces it (the old array is freed) and
 * 1 is returned; 0 when it is the same, -errno on failure. */
int hostaddr_refresh(struct cg_prefix **v, size_t *n);

#endif
