// SPDX-License-Identifier: GPL-2.0-only
/*
 * camguardd — the camguard daemon. Options, then one of three modes:
 * run (default), --check, --unload, --mount-bpffs. See camguardd(8).
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpffs.h"
#include "check.h"
#include "cloud.h"
#include "daemon.h"
#include "load.h"
#include "log.h"
#include "unload.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: camguardd [-c FILE] [-v]        run the daemon (foreground)\n"
		"       camguardd --check [-c FILE]     validate the configuration and policies\n"
		"       camguardd --unload [--force] [-c FILE]\n"
		"                                       remove every filter, pin and table camguard created;\n"
		"                                       refused while a daemon runs, unless --force (the\n"
		"                                       daemon then re-attaches everything within seconds)\n"
		"       camguardd --mount-bpffs [-c FILE]\n"
		"                                       mount a bpffs at pin_dir's parent if it is not one\n"
		"       camguardd --version\n"
		"\n"
		"  -c, --config FILE   main configuration (default %s)\n"
		"  -v, --verbose       debug logging\n",
		CG_DEFAULT_CONF);
}

int main(int argc, char **argv)
{
	enum { RUN, CHECK, UNLOAD, MOUNT_BPFFS } mode = RUN;
	const char *conf = CG_DEFAULT_CONF;
	bool force = false;
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'C' },
		{ "unload", no_argument, NULL, 'U' },
		{ "force", no_argument, NULL, 'F' },
		{ "mount-bpffs", no_argument, NULL, 'M' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c;

	while ((c = getopt_long(argc, argv, "c:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': conf = optarg; break;
		case 'C': mode = CHECK; break;
		case 'U': mode = UNLOAD; break;
		case 'F': force = true; break;
		case 'M': mode = MOUNT_BPFFS; break;
		case 'v': log_verbose = 1; break;
		case 'V': printf("camguardd %s\n", CAMGUARD_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (force && mode != UNLOAD) {
		fprintf(stderr, "camguardd: --force goes with --unload only\n");
		return 2;
	}
	if (optind < argc) {
		fprintf(stderr, "camguardd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	/* journald adds time stamps; line buffering keeps lines whole. */
	setvbuf(stderr, NULL, _IOLBF, 0);

	switch (mode) {
	case CHECK:
		return check_main_with(conf, stdout, cloud_check);
	case UNLOAD:
		if (geteuid() != 0) {
			fprintf(stderr, "camguardd: --unload needs root\n");
			return 1;
		}
		return unload_run(conf, force);
	case MOUNT_BPFFS:
		if (geteuid() != 0) {
			fprintf(stderr, "camguardd: --mount-bpffs needs root\n");
			return 1;
		}
		return bpffs_mount_for(conf);
	default:
		if (geteuid() != 0) {
			fprintf(stderr, "camguardd: must run as root (BPF and netlink need CAP_BPF, CAP_NET_ADMIN)\n");
			return 1;
		}
		return daemon_main(conf);
	}
}
