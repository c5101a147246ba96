// SPDX-License-Identifier: GPL-2.0-only
/*
 * args.c — command-line values camguardctl turns into request fields
 * (see args.h). Not part of the wire protocol: the daemon sees seconds.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

int args_parse_duration(const char *s, uint64_t *ret)
{
	char *end;
	unsigned long long v;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || v == 0)
		return -EINVAL;
	uint64_t mul = !*end ? 1 : !strcmp(end, "s") ? 1 : !strcmp(end, "m") ? 60
		     : !strcmp(end, "h") ? 3600 : !strcmp(end, "d") ? 86400
		     : !strcmp(end, "w") ? 7 * 86400 : 0;
	if (!mul || v > 10ull * 366 * 86400 / mul)
		return -EINVAL;
	*ret = v * mul;
	return 0;
}
