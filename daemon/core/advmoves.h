/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * advmoves.h — the advisory policies at run time (issue 18): which
 * advisories each inventory device matches, and the devices the advisory
 * policies take, compiled into a new generation when that set changes.
 */
#ifndef CAMGUARD_ADVMOVES_H
#define CAMGUARD_ADVMOVES_H

#include <stdbool.h>
#include <stddef.h>

struct cg_daemon;
struct cg_inv_device;
struct cg_moved_device;

/* A device's advisory matches, logged when they rise to likely or exact.
 * True when they changed. */
bool advmoves_match(struct cg_daemon *d, struct cg_inv_device *dev);

/* The advisory policies' device set, recomputed after an inventory change;
 * a new set is compiled into a new generation (BPF and nftables). */
void advmoves_refresh(struct cg_daemon *d);

/* Why an advisory policy took or released a device (old: the set before),
 * beside the move's own line and count. */
void advmoves_log(const struct cg_daemon *d, const struct cg_moved_device *old, size_t nold);

#endif
