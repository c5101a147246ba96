/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bench-policy.c — `tools/bench policy`: load + validate (+ compile) a
 * policy set of 100,000 devices and 10,000 OUI prefixes (plus a deny list
 * of 10,000 CIDRs), print one JSON line.
 *
 *   bench-policy [--devices N] [--prefixes N] [--deny N] [--runs N]
 *
 * The inputs are generated into a temporary directory first (not timed).
 * Figures: "ms" is the best of --runs full loads (model_load: libconfig
 * parse of every file, validation, cross-policy checks, and compile_model()
 * when built with CG_BENCH_COMPILE); "parse_ms" is the baseline measured
 * in the same run: libconfig alone reading the same files; "ratio" =
 * ms / parse_ms; "rss_kib" is the peak RSS of the process (getrusage).
 * Targets: < 300 ms and < 64 MiB.
 */
#include <errno.h>
#include <ftw.h>
#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "load.h"
#include "model.h"

#ifdef CG_BENCH_COMPILE
#include "compile.h"
#endif

#define NPOLICIES 10

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int rm_cb(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(p);
}

static FILE *xopen(const char *dir, const char *name)
{
	char p[512];
	FILE *f;

	if (snprintf(p, sizeof(p), "%s/%s", dir, name) >= (int)sizeof(p)) {
		fprintf(stderr, "bench-policy: %s/%s: path too long\n", dir, name);
		exit(1);
	}
	f = fopen(p, "we");
	if (!f) {
		fprintf(stderr, "bench-policy: %s: %s\n", p, strerror(errno));
		exit(1);
	}
	return f;
}

static void generate(const char *dir, long ndev, long npref, long ndeny)
{
	char pd[512], name[64];
	FILE *f;

	snprintf(pd, sizeof(pd), "%s/policies.d", dir);
	mkdir(pd, 0755);
	f = xopen(dir, "camguard.conf");
	fprintf(f, "interfaces = ( { name = \"cam0\"; } );\n"
		   "enclave = [ \"192.0.2.0/24\", \"2001:db8:c::/64\" ];\n"
		   "policy_dir = \"policies.d\";\n"
		   "default_policy = \"unknown\";\n");
	fclose(f);
	f = xopen(dir, "deny.cidr");
	fprintf(f, "# generated\n");
	for (long i = 0; i < ndeny; i++)
		fprintf(f, "%ld.%ld.%ld.0/24\n", 10 + (i >> 16) % 200, (i >> 8) & 0xff, i & 0xff);
	fclose(f);
	f = xopen(pd, "unknown.conf");
	fprintf(f, "name = \"unknown\";\nallow = ( { to = \"enclave\"; } );\n");
	fclose(f);
	for (int p = 0; p < NPOLICIES; p++) {
		long d0 = ndev * p / NPOLICIES, d1 = ndev * (p + 1) / NPOLICIES;
		long o0 = npref * p / NPOLICIES, o1 = npref * (p + 1) / NPOLICIES;

		snprintf(name, sizeof(name), "vendor%02d.conf", p);
		f = xopen(pd, name);
		fprintf(f, "name = \"vendor%02d\";\naction = \"isolate\";\nmatch = {\n  oui = [\n", p);
		/* 28-bit prefixes under 00:xx:xx: unique, never locally administered */
		for (long o = o0; o < o1; o++)
			fprintf(f, "    \"00:%02lX:%02lX:%lX\"%s\n", (o >> 12) & 0xff, (o >> 4) & 0xff, o & 0xf,
				o + 1 < o1 ? "," : "");
		fprintf(f, "  ];\n  devices = (\n");
		for (long d = d0; d < d1; d++)
			fprintf(f, "    { mac = \"04:%02lx:%02lx:%02lx:%02lx:01\"; note = \"camera %ld\"; }%s\n",
				(d >> 24) & 0xff, (d >> 16) & 0xff, (d >> 8) & 0xff, d & 0xff, d,
				d + 1 < d1 ? "," : "");
		fprintf(f, "  );\n};\nallow = (\n"
			   "  { to = \"enclave\"; },\n"
			   "  { to = \"239.255.255.250/32\"; proto = \"udp\"; ports = \"3702,37020\"; },\n"
			   "  { to = \"198.51.100.10/32\"; proto = \"udp\"; ports = \"123\"; },\n"
			   "  { from = \"198.51.100.50/32\"; proto = \"tcp\"; ports = \"443,8000-8010\"; }\n);\n");
		if (p == 0 && ndeny)
			fprintf(f, "deny_lists = [ \"../deny.cidr\" ];\n");
		fclose(f);
	}
}

/* The baseline: libconfig alone on the same files. */
static double parse_only(const char *dir)
{
	char p[512];
	double t0 = now_ms();
	config_t cf;

	snprintf(p, sizeof(p), "%s/camguard.conf", dir);
	config_init(&cf);
	config_read_file(&cf, p);
	config_destroy(&cf);
	for (int i = 0; i < NPOLICIES; i++) {
		snprintf(p, sizeof(p), "%s/policies.d/vendor%02d.conf", dir, i);
		config_init(&cf);
		if (!config_read_file(&cf, p)) {
			fprintf(stderr, "bench-policy: %s:%d: %s\n", p, config_error_line(&cf), config_error_text(&cf));
			exit(1);
		}
		config_destroy(&cf);
	}
	return now_ms() - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	long ndev = 100000, npref = 10000, ndeny = 10000, runs = 5;
	char dir[] = "/tmp/cg-bench-policy-XXXXXX", conf[128];
	double best_parse = 1e99, t[64];
	struct rusage ru;
	bool compiled = false;

	for (int i = 1; i + 1 < argc; i += 2) {
		long v = atol(argv[i + 1]);

		if (!strcmp(argv[i], "--devices"))
			ndev = v;
		else if (!strcmp(argv[i], "--prefixes"))
			npref = v;
		else if (!strcmp(argv[i], "--deny"))
			ndeny = v;
		else if (!strcmp(argv[i], "--runs"))
			runs = v < 1 ? 1 : v > 64 ? 64 : v;
	}
	if (!mkdtemp(dir)) {
		fprintf(stderr, "bench-policy: mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	generate(dir, ndev, npref, ndeny);
	snprintf(conf, sizeof(conf), "%s/camguard.conf", dir);

	for (long r = 0; r < runs; r++) {
		double p = parse_only(dir);
		if (p < best_parse)
			best_parse = p;
	}
	for (long r = 0; r < runs; r++) {
		struct cg_model m;
		struct cg_diag d;
		double t0 = now_ms();
		int k;

		diag_init(&d);
		k = model_load(conf, &m, &d);
		if (k < 0) {
			diag_print(&d, stderr);
			fprintf(stderr, "bench-policy: load failed: %s\n", strerror(-k));
			return 1;
		}
#ifdef CG_BENCH_COMPILE
		/* ---- compile hook (daemon/dataplane/compile.c) ---- */
		{
			struct cg_compiled c;
			char err[512];

			if (compile_model(&m, &c, err, sizeof(err)) < 0) {
				fprintf(stderr, "bench-policy: compile failed: %s\n", err);
				return 1;
			}
			compiled_free(&c);
			compiled = true;
		}
#endif
		t[r] = now_ms() - t0;
		model_free(&m);
		diag_free(&d);
	}
	qsort(t, (size_t)runs, sizeof(double), cmp_double);
	getrusage(RUSAGE_SELF, &ru);
	printf("{\"bench\":\"policy\",\"devices\":%ld,\"prefixes\":%ld,\"deny_prefixes\":%ld,\"policies\":%d,"
	       "\"compile\":%s,\"runs\":%ld,\"ms\":%.1f,\"median_ms\":%.1f,\"parse_ms\":%.1f,\"ratio\":%.2f,"
	       "\"rss_kib\":%ld}\n",
	       ndev, npref, ndeny, NPOLICIES + 1, compiled ? "true" : "false", runs, t[0], t[runs / 2],
	       best_parse, best_parse > 0 ? t[0] / best_parse : 0.0, ru.ru_maxrss);
	nftw(dir, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}
