// SPDX-License-Identifier: GPL-2.0-only
/*
 * camguardctl — the operator CLI over camguardd's control socket: main(),
 * the options every command takes, the usage text and --help. The
 * commands are a table (cmds.c); the socket is client.c; the printers are
 * render*.c. See ctl.h for how the parts fit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

struct ctl_options ctl_opts = { .socket_path = CG_CONTROL_SOCKET_DEFAULT };

int ctl_common_opt(int c)
{
	switch (c) {
	case 'j': ctl_opts.json = true; return 1;
	case 'p': ctl_opts.json = ctl_opts.pretty = true; return 1;
	case 's': ctl_opts.socket_path = optarg; return 1;
	case 'w': ctl_opts.wide = true; return 1;
	case 'h': return -1;
	default: return 0;
	}
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: camguardctl [-s|--socket PATH] [-j|--json] [-p|--pretty] [-w|--wide] COMMAND [ARGS]\n"
		"       camguardctl COMMAND --help\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < ctl_commands_count; i++)
		fprintf(f, "  %-10s %s\n", ctl_commands[i].name, ctl_commands[i].summary);
	fprintf(f,
		"\n"
		"Options:\n"
		"  -s, --socket PATH  control socket (default %s)\n"
		"  -j, --json         print the daemon's JSON result unchanged\n"
		"  -p, --pretty       indented JSON (implies --json)\n"
		"  -w, --wide         every column; tables otherwise fit 80 columns (or the\n"
		"                     terminal's width)\n"
		"  -V, --version      print the version\n"
		"  -h, --help         this help\n"
		"\n"
		"Exit status: 0 ok, 1 error, 2 usage.\n", CG_CONTROL_SOCKET_DEFAULT);
}

int ctl_help(const char *name)
{
	const struct ctl_command *c;

	if (!name) {
		usage(stdout);
		return 0;
	}
	c = ctl_command_find(name);
	if (!c)
		return ctl_usage_error(NULL, "unknown command '%s'", name);
	printf("Usage: camguardctl [-s PATH] %s %s\n\n%s\n%s", c->name, c->args, c->summary,
	       c->help[0] ? "\n" : "");
	fputs(c->help, stdout);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		CTL_COMMON_OPTS,
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct ctl_command *cmd;
	int c;

	while ((c = getopt_long(argc, argv, "+jphs:wV", opts, NULL)) != -1) {
		int k = ctl_common_opt(c);
		if (k < 0) {
			usage(stdout);
			return 0;
		}
		if (k)
			continue;
		if (c == 'V') {
			printf("camguardctl %s\n", CAMGUARD_VERSION);
			return 0;
		}
		return ctl_usage_error(NULL, "unknown option");
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = ctl_command_find(argv[optind]);
	if (!cmd)
		return ctl_usage_error(NULL, "unknown command '%s'", argv[optind]);
	argc -= optind;
	argv += optind;
	optind = 0;    /* 0: re-initialise getopt for the command's own options */
	return cmd->handler(cmd, argc, argv);
}
