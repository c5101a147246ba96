/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bench-nft.c — `tools/bench nft`: time nft_apply() of a policy set with
 * 100,000 devices, 10,000 OUI prefixes and 10,000 deny prefixes (10
 * policies) next to `nft -f` of the same table, in the same run.
 *
 *   bench-nft [--devices N] [--prefixes N] [--runs N]
 *
 * Runs in a private network namespace (unshare(CLONE_NEWNET)): nothing of
 * the host's ruleset is touched. The nft script is the kernel's own
 * listing of the table nft_apply() built (`nft list table inet camguard`),
 * prefixed by "table inet camguard {}; delete table inet camguard" — the
 * same replace-in-one-transaction the library does — so both sides load
 * exactly the same sets, elements, chains and rules (every rule of the
 * table reads back through nft 1.0.6). Both replace an existing table.
 * "ms" and "nft_cli_ms" are the best of --runs; "ratio" =
 * ms / nft_cli_ms (target <= 1.0).
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nft.h"

#define NPOL 10

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	long ndev = 100000, npref = 10000, runs = 3;
	static struct cg_policy_spec pols[NPOL];
	struct cg_iface_spec iface = { .name = "cam0" };
	struct cg_prefix enclave[2] = {
		{ .family = 4, .len = 24, .addr = { 192, 0, 2, 0 } },
		{ .family = 6, .len = 64, .addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x0c } },
	};
	/* a port rule and an address-level one (its later-fragment rule and
	 * set <policy>_to4a are in both scripts too) */
	struct cg_rule_spec rule[2] = {
		{ .kind = CG_RULE_TO, .proto = 17, .nranges = 1,
		  .prefix = { .family = 4, .len = 32, .addr = { 198, 51, 100, 10 } } },
		{ .kind = CG_RULE_TO, .prefix = { .family = 4, .len = 24, .addr = { 203, 0, 113, 0 } } },
	};
	struct cg_model m = { 0 };
	struct cg_nft *nft;
	char err[512], script[] = "/tmp/bench-nft.XXXXXX", cmd[256];
	double best = 1e18, best_cli = 1e18;
	int r, fd;
	FILE *f, *p;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--devices") && i + 1 < argc)
			ndev = atol(argv[++i]);
		else if (!strcmp(argv[i], "--prefixes") && i + 1 < argc)
			npref = atol(argv[++i]);
		else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = atol(argv[++i]);
		else {
			fprintf(stderr, "usage: bench-nft [--devices N] [--prefixes N] [--runs N]\n");
			return 2;
		}
	}
	if (npref > 65536 || ndev > (1 << 24)) {
		fprintf(stderr, "bench-nft: at most 65536 prefixes and 2^24 devices\n");
		return 2;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		printf("{\"bench\":\"nft\",\"skipped\":\"unshare(CLONE_NEWNET): %s (needs root)\"}\n", strerror(errno));
		return 0;
	}

	/* 10 policies; devices, OUIs and deny prefixes spread over them */
	rule[0].ranges[0] = (struct cg_port_range){ 123, 123 };
	for (int i = 0; i < NPOL; i++) {
		struct cg_policy_spec *ps = &pols[i];

		snprintf(ps->name, sizeof(ps->name), "vendor%d", i);
		ps->id = (uint16_t)i;
		ps->action = i < 7 ? CG_ACTION_ISOLATE : i < 9 ? CG_ACTION_MONITOR : CG_ACTION_ALLOW;
		ps->devices = calloc((size_t)ndev / NPOL + 1, sizeof(*ps->devices));
		ps->ouis = calloc((size_t)npref / NPOL + 1, sizeof(*ps->ouis));
		ps->deny = calloc((size_t)npref / NPOL + 1, sizeof(*ps->deny));
		if (!ps->devices || !ps->ouis || !ps->deny) {
			fprintf(stderr, "bench-nft: out of memory\n");
			return 1;
		}
		ps->rules = rule;
		ps->nrules = 2;
	}
	for (long i = 0; i < ndev; i++) {
		struct cg_policy_spec *ps = &pols[i % NPOL];
		uint8_t *mac = ps->devices[ps->ndevices++].mac;

		mac[0] = 0x44, mac[1] = 0x19, mac[2] = (uint8_t)(i >> 24);
		mac[3] = (uint8_t)(i >> 16), mac[4] = (uint8_t)(i >> 8), mac[5] = (uint8_t)i;
	}
	for (long i = 0; i < npref; i++) {
		struct cg_policy_spec *ps = &pols[i % NPOL];
		struct cg_oui_spec *o = &ps->ouis[ps->nouis++];
		struct cg_prefix *d = &ps->deny[ps->ndeny++];

		o->bytes[0] = 0x00, o->bytes[1] = (uint8_t)(i >> 8), o->bytes[2] = (uint8_t)i;
		o->bits = 24;
		/* 2001:db8:XXXX::/48, documentation space */
		d->family = 6, d->len = 48;
		d->addr[0] = 0x20, d->addr[1] = 0x01, d->addr[2] = 0x0d, d->addr[3] = 0xb8;
		d->addr[4] = (uint8_t)(i >> 8), d->addr[5] = (uint8_t)i;
	}
	m.config.ifaces = &iface;
	m.config.nifaces = 1;
	m.config.enclave = enclave;
	m.config.nenclave = 2;
	m.policies = pols;
	m.npolicies = NPOL;
	m.default_index = NPOL - 1;

	r = nft_open(&nft);
	if (r < 0) {
		fprintf(stderr, "bench-nft: nft_open: %s\n", strerror(-r));
		return 1;
	}
	r = nft_apply(nft, &m, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "bench-nft: nft_apply: %s\n", err);
		return 1;
	}

	/* the same table as nft script text */
	fd = mkstemp(script);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		fprintf(stderr, "bench-nft: %s: %s\n", script, strerror(errno));
		return 1;
	}
	fputs("table inet camguard {}\ndelete table inet camguard\n", f);
	p = popen("nft list table inet camguard", "r");
	if (!p) {
		fprintf(stderr, "bench-nft: nft: %s\n", strerror(errno));
		return 1;
	}
	{
		char buf[65536];
		size_t n;

		while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
			fwrite(buf, 1, n, f);
	}
	if (pclose(p) != 0) {
		fprintf(stderr, "bench-nft: nft list table failed\n");
		return 1;
	}
	fclose(f);
	snprintf(cmd, sizeof(cmd), "nft -f %s", script);

	for (long i = 0; i < runs; i++) {
		double t0 = now_ms(), t1;

		r = nft_apply(nft, &m, err, sizeof(err));
		t1 = now_ms() - t0;
		if (r < 0) {
			fprintf(stderr, "bench-nft: nft_apply: %s\n", err);
			unlink(script);
			return 1;
		}
		if (t1 < best)
			best = t1;
		t0 = now_ms();
		r = system(cmd);
		t1 = now_ms() - t0;
		if (r != 0) {
			fprintf(stderr, "bench-nft: '%s' failed (%d)\n", cmd, r);
			unlink(script);
			return 1;
		}
		if (t1 < best_cli)
			best_cli = t1;
	}
	unlink(script);
	nft_close(nft);
	printf("{\"bench\":\"nft\",\"devices\":%ld,\"prefixes\":%ld,\"ouis\":%ld,\"policies\":%d,\"runs\":%ld,"
	       "\"ms\":%.1f,\"nft_cli_ms\":%.1f,\"ratio\":%.3f}\n",
	       ndev, npref, npref, NPOL, runs, best, best_cli, best / best_cli);
	return 0;
}
