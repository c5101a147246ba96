/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * log.c — libbpf's own messages into the daemon's log. libbpf writes them
 * to stderr unprefixed by default, where journald would file a verifier
 * complaint at the unit's default priority; through here its warnings keep
 * warning priority and its info/debug chatter shows only with -v, every
 * line of a message (a verifier log has many) starting "libbpf: ".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "log.h"

static int log_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	/* "Kernel error message:" is the netlink extack of an error libbpf also
	 * returns, and callers handle some of those (the second
	 * bpf_tc_hook_create() on an interface gets EEXIST every start): the
	 * caller logs what matters, the text itself is detail for -v. */
	int prio = level == LIBBPF_WARN && !strstr(fmt, "Kernel error message") ? 4 : 7;
	char *msg = NULL, *line, *save = NULL;

	if (prio == 7 && !log_verbose)
		return 0;
	if (vasprintf(&msg, fmt, args) < 0)
		return 0;
	for (line = strtok_r(msg, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		fprintf(stderr, "<%d>%s%s\n", prio, strncmp(line, "libbpf: ", 8) ? "libbpf: " : "", line);
	free(msg);
	return 0;
}

void log_setup_libbpf(void)
{
	libbpf_set_print(log_libbpf_print);
}
