/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * log.c — libbpf's own messages into the daemon's log. libbpf writes them
 * to stderr unprefixed by default, where journald would file a verifier
 * complaint at the unit's default priority; through here its warnings keep
 * warning priority and its info/debug chatter shows only with -v, one
 * "libbpf: " line per line of the message.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "log.h"

static int log_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	int prio = level == LIBBPF_WARN ? 4 : 7;
	char *msg = NULL, *line, *save = NULL;

	if (prio == 7 && !log_verbose)
		return 0;
	if (vasprintf(&msg, fmt, args) < 0)
		return 0;
	for (line = strtok_r(msg, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		fprintf(stderr, "<%d>libbpf: %s\n", prio, line);
	free(msg);
	return 0;
}

void log_setup_libbpf(void)
{
	libbpf_set_print(log_libbpf_print);
}
