/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * args.h — parsers of camguardctl's option values that have a grammar of
 * their own (the daemon only ever sees their result).
 */
#ifndef CAMGUARD_CTL_ARGS_H
#define CAMGUARD_CTL_ARGS_H

#include <stdint.h>

/* "10m", "2h", "1d", "1w", "90s", "300" (seconds), at most ten years:
 * 0 and *ret seconds, or -EINVAL. */
int args_parse_duration(const char *s, uint64_t *ret);

#endif
