// SPDX-License-Identifier: GPL-2.0-only
/*
 * test-metrics — the daemon's Prometheus exposition (daemon/control/metrics.c) on a
 * read-only view (view.h) of a state built in memory: no BPF, no socket.
 *
 * As the unit test: hostile label values (quotes, backslashes, newlines in
 * what cameras announce), policy labels on every device series ("" where a
 * policy has none), the metrics.max_devices cap and its overflow count, only
 * the hooks an interface's mode uses, the atomic textfile (mode 0644, no
 * temporary left), and `promtool check metrics` on the text when installed.
 *
 * Built with -DCG_BENCH_METRICS it is `tools/bench metrics`: exposition size
 * and render time at 650 and 10,000 devices (one JSON object per line, ratio
 * against 650 devices in the same run), plus what the event loop really pays
 * per write — one fork() of a process holding that inventory — and the
 * child's write of the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "inventory.h"
#include "metrics.h"
#include "model.h"
#include "view.h"

int log_verbose;

static int failures __attribute__((unused));
#define CHECK(cond, ...)                                                        \
	do {                                                                    \
		if (!(cond)) {                                                  \
			failures++;                                             \
			printf("not ok - line %d: ", __LINE__);                 \
			printf(__VA_ARGS__);                                    \
			printf("\n");                                           \
		}                                                               \
	} while (0)

static const struct { const char *name, *vendor, *risk; uint8_t oui[3]; } vendors[] = {
	{ "hikvision", "Hangzhou Hikvision Digital Technology Co.,Ltd.", "high", { 0x44, 0x19, 0xb6 } },
	{ "dahua", "Zhejiang Dahua Technology Co., Ltd.", "high", { 0x08, 0xed, 0xed } },
	{ "axis", "AXIS COMMUNICATIONS AB", NULL, { 0x00, 0x40, 0x8c } },
	{ "unknown", "", NULL, { 0x02, 0x00, 0x00 } },
};
#define NVENDORS (sizeof(vendors) / sizeof(vendors[0]))

static int memcmp6(const void *a, const void *b)
{
	return memcmp(a, b, 6);
}

struct fixture {
	struct cg_view v;
	struct cg_model model;
	struct cg_inventory *inv;
	struct cg_counters counters;
	struct cg_file_hashes hashes;
	struct cg_iface ifaces[2];
	struct cg_metrics_counts counts;
};

static uint32_t generation(void *ctx)
{
	return 7;
}

static const struct cg_view_ops ops = { .generation = generation };

/* n devices spread over the vendors; every 7th announces a model with
 * characters that must be escaped. */
static int fixture_init(struct fixture *f, size_t n, uint32_t max_devices)
{
	struct cg_model *m = &f->model;
	int rc;

	memset(f, 0, sizeof(*f));
	m->policies = calloc(NVENDORS, sizeof(*m->policies));
	if (!m->policies)
		return -ENOMEM;
	m->npolicies = NVENDORS;
	for (size_t i = 0; i < NVENDORS; i++) {
		struct cg_policy_spec *p = &m->policies[i];
		snprintf(p->name, sizeof(p->name), "%s", vendors[i].name);
		p->id = (uint16_t)i;
		if (vendors[i].risk) {
			snprintf(p->labels[0].key, CG_LABEL_KEY_MAX, "risk");
			snprintf(p->labels[0].value, CG_LABEL_VALUE_MAX, "%s", vendors[i].risk);
			p->nlabels = 1;
		}
	}
	m->policies[2].nlabels = 1;    /* axis: another label name, so the union has two */
	snprintf(m->policies[2].labels[0].key, CG_LABEL_KEY_MAX, "owner");
	snprintf(m->policies[2].labels[0].value, CG_LABEL_VALUE_MAX, "facilities \"B\"");
	m->config.nftables = true;
	m->config.metrics_max_devices = max_devices;

	rc = inventory_new(n + 16, &f->inv);
	if (rc)
		return rc;
	f->counts.policy = calloc(CG_POLSTAT_ENTRIES, sizeof(*f->counts.policy));
	f->counts.would = calloc(CG_POLSTAT_ENTRIES, sizeof(*f->counts.would));
	f->counts.devs = calloc(n ? n : 1, sizeof(*f->counts.devs));
	if (!f->counts.policy || !f->counts.would || !f->counts.devs)
		return -ENOMEM;
	for (size_t i = 0; i < CG_POLSTAT_ENTRIES; i++) {
		f->counts.policy[i] = (struct cg_counter){ .packets = i * 3, .bytes = i * 300 };
		f->counts.would[i] = (struct cg_counter){ .packets = i * 5, .bytes = i * 500 };
	}
	for (size_t i = 0; i < n; i++) {
		size_t v = i % NVENDORS;
		uint8_t mac[6] = { vendors[v].oui[0], vendors[v].oui[1], vendors[v].oui[2],
				   (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i };
		bool isnew;
		struct cg_inv_device *x = inventory_touch(f->inv, mac, 1700000000 + (int64_t)i, &isnew);
		if (!x)
			return -ENOMEM;
		x->first_seen = 1690000000 + (int64_t)i;
		snprintf(x->vendor, sizeof(x->vendor), "%s", vendors[v].vendor);
		snprintf(x->policy, sizeof(x->policy), "%s", vendors[v].name);
		snprintf(x->facts[CG_INV_MODEL].value, sizeof(x->facts[CG_INV_MODEL].value), "%s",
			 i % 7 == 3 ? "DS-2CD\"2143\"\\G0\nI" : "DS-2CD2143G0-I");
		snprintf(x->facts[CG_INV_FIRMWARE].value, sizeof(x->facts[CG_INV_FIRMWARE].value),
			 "V5.5.%zu build 190909", i % 100);
		/* counted devices, sorted by MAC as metrics_read_counts() leaves them */
		memcpy(f->counts.devs[i].mac, mac, 6);
		f->counts.devs[i].drops[CG_DIR_OUT] = i;
		f->counts.devs[i].drops[CG_DIR_IN] = 2 * i;
		f->counts.devs[i].c[CG_DIR_IN][CG_VERDICT_DROP] = (struct cg_counter){ 2 * i, 200 * i };
		f->counts.devs[i].c[CG_DIR_OUT][CG_VERDICT_PASS] = (struct cg_counter){ 10 * i, 1000 * i };
	}
	f->counts.ndevs = n;
	qsort(f->counts.devs, n, sizeof(*f->counts.devs),
	      memcmp6);
	snprintf(f->ifaces[0].name, sizeof(f->ifaces[0].name), "cam0");
	f->ifaces[0].mode = CG_IFMODE_TC;
	f->ifaces[0].attached[CG_HOOK_TC_INGRESS] = f->ifaces[0].attached[CG_HOOK_TC_EGRESS] = true;
	snprintf(f->ifaces[1].name, sizeof(f->ifaces[1].name), "eth0.20");
	f->ifaces[1].mode = CG_IFMODE_XDP;
	f->ifaces[1].attached[CG_HOOK_TC_EGRESS] = true;    /* XDP missing */
	f->counters.tamper_by_kind[CG_TAMPER_NFTABLES] = 2;
	f->counters.reloads_ok = 3;
	f->counters.reloads_failed = 1;
	f->counters.last_reload_ok = 1700000123;
	f->counters.nft_up = true;
	memset(f->hashes.policy_set, 'a', 64);
	f->v = (struct cg_view){ .ops = &ops, .model = &f->model, .inv = f->inv,
				 .ifaces = f->ifaces, .nifaces = 2, .counters = &f->counters,
				 .hashes = &f->hashes };
	return 0;
}

static void fixture_free(struct fixture *f)
{
	free(f->model.policies);
	inventory_free(f->inv);
	free(f->counts.policy);
	free(f->counts.would);
	free(f->counts.devs);
}

static char *render(struct fixture *f, size_t *ret_len)
{
	struct printbuf *pb = printbuf_new();
	char *s;

	if (!pb || metrics_render(&f->v, &f->counts, pb)) {
		printbuf_free(pb);
		return NULL;
	}
	s = strndup(pb->buf, (size_t)pb->bpos);
	*ret_len = (size_t)pb->bpos;
	printbuf_free(pb);
	return s;
}

static size_t count_lines(const char *s, const char *prefix)
{
	size_t n = 0, pl = strlen(prefix);
	for (const char *p = s; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		n += !strncmp(p, prefix, pl);
	return n;
}

static __attribute__((unused)) double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

#ifndef CG_BENCH_METRICS
static void promtool_check(const char *text)
{
	if (system("command -v promtool >/dev/null 2>&1") != 0) {
		printf("# promtool not installed: skipping `promtool check metrics`\n");
		return;
	}
	FILE *p = popen("promtool check metrics", "w");
	if (!p)
		return;
	fputs(text, p);
	int st = pclose(p);
	CHECK(st == 0, "promtool check metrics failed (status %d)", st);
}

int main(void)
{
	struct fixture f;
	size_t len;
	char *s;

	CHECK(fixture_init(&f, 10, 6) == 0, "fixture");
	s = render(&f, &len);
	CHECK(s, "render");
	if (!s)
		return 1;
	CHECK(strstr(s, "# TYPE camguard_device_info gauge\n"), "device_info family");
	/* every device series carries both policy label names, sorted */
	CHECK(strstr(s, "camguard_device_info{mac=\"00:40:8c:00:00:02\",vendor=\"AXIS COMMUNICATIONS AB\","
			"policy=\"axis\",model=\"DS-2CD2143G0-I\",firmware=\"V5.5.2 build 190909\","
			"mismatch=\"false\",owner=\"facilities \\\"B\\\"\",risk=\"\"} 1\n"),
	      "axis device_info:\n%s", s);
	CHECK(strstr(s, "camguard_device_info{mac=\"08:ed:ed:00:00:01\",vendor=\"Zhejiang Dahua Technology Co., Ltd.\","
			"policy=\"dahua\",model=\"DS-2CD2143G0-I\",firmware=\"V5.5.1 build 190909\","
			"mismatch=\"false\",owner=\"\",risk=\"high\"} 1\n"),
	      "dahua device_info");
	/* device 3 announces a model that needs escaping */
	CHECK(strstr(s, "model=\"DS-2CD\\\"2143\\\"\\\\G0\\nI\""), "escaped model");
	CHECK(count_lines(s, "camguard_device_info{") == 6, "capped at max_devices = 6");
	CHECK(count_lines(s, "camguard_device_drops_total{") == 12, "two drop series per shown device");
	CHECK(strstr(s, "camguard_metrics_devices_omitted 4\n"), "4 devices over the cap");
	CHECK(strstr(s, "camguard_device_drops_total{mac=\"00:40:8c:00:00:02\",direction=\"in\"} 4\n"),
	      "drops by MAC");
	CHECK(count_lines(s, "camguard_device_packets_total{") == 24 &&
	      count_lines(s, "camguard_device_bytes_total{") == 24,
	      "direction x verdict series per shown device (DESIGN.md section 4)");
	CHECK(strstr(s, "camguard_device_packets_total{mac=\"00:40:8c:00:00:02\",vendor=\"AXIS COMMUNICATIONS AB\","
			"policy=\"axis\",direction=\"in\",verdict=\"drop\"} 4\n") &&
	      strstr(s, "camguard_device_bytes_total{mac=\"00:40:8c:00:00:02\",vendor=\"AXIS COMMUNICATIONS AB\","
			"policy=\"axis\",direction=\"out\",verdict=\"pass\"} 2000\n"),
	      "device packets and bytes by direction and verdict:\n%s", strstr(s, "camguard_device_packets_total"));
	CHECK(strstr(s, "camguard_device_last_seen_seconds{mac=\"00:40:8c:00:00:02\"} 1700000002\n"),
	      "last seen");
	CHECK(strstr(s, "camguard_interface_attached{interface=\"cam0\",hook=\"tc-ingress\"} 1\n") &&
	      strstr(s, "camguard_interface_attached{interface=\"eth0.20\",hook=\"xdp\"} 0\n") &&
	      !strstr(s, "interface=\"eth0.20\",hook=\"tc-ingress\"") &&
	      !strstr(s, "interface=\"cam0\",hook=\"xdp\""),
	      "hooks by mode:\n%s", strstr(s, "camguard_interface_attached"));
	CHECK(strstr(s, "camguard_tamper_events_total{kind=\"nftables\"} 2\n") &&
	      strstr(s, "camguard_tamper_events_total{kind=\"hook\"} 0\n"), "tamper kinds");
	CHECK(strstr(s, "camguard_reloads_total{result=\"failed\"} 1\n") &&
	      strstr(s, "camguard_last_reload_success_timestamp_seconds 1700000123\n"), "reloads");
	CHECK(strstr(s, "camguard_config_info{sha256=\"aaaaaaaa"), "config_info");
	CHECK(strstr(s, "camguard_enforce_mode{mode=\"policy\"} 1\n") &&
	      strstr(s, "camguard_nftables_layer_up 1\n") && strstr(s, "camguard_build_info{version=\""),
	      "mode, nftables, build");
	CHECK(strstr(s, "camguard_enforce_mode{mode=\"monitor\"} 0\n"), "enforce: monitor 0");
	/* issue 15: monitor's would-drops per policy, direction and drop reason
	 * (never a pass reason), the figures of cg_pol_would */
	char want[256];
	snprintf(want, sizeof(want), "camguard_packets_total{policy=\"%s\",direction=\"out\",verdict=\"would_drop\","
		 "reason=\"egress\"} %zu\n", f.model.policies[1].name,
		 (size_t)CG_POLSTAT_INDEX(1, CG_DIR_OUT, CG_REASON_EGRESS) * 5);
	CHECK(strstr(s, want), "would_drop series: %s", want);
	snprintf(want, sizeof(want), "camguard_bytes_total{policy=\"%s\",direction=\"in\",verdict=\"would_drop\","
		 "reason=\"non_ip\"} %zu\n", f.model.policies[0].name,
		 (size_t)CG_POLSTAT_INDEX(0, CG_DIR_IN, CG_REASON_NON_IP) * 500);
	CHECK(strstr(s, want), "would_drop bytes: %s", want);
	CHECK(count_lines(s, "camguard_packets_total{") ==
		      (size_t)f.model.npolicies * CG_DIR_MAX * (CG_REASON_MAX + CG_REASON_MAX - CG_REASON_FIRST_DROP) &&
	      !strstr(s, "verdict=\"would_drop\",reason=\"monitor\""),
	      "every reason per policy and direction, would_drop for the drop reasons only");
	CHECK(count_lines(s, "# HELP ") == count_lines(s, "# TYPE "), "HELP and TYPE pairs");
	promtool_check(s);

	/* enforce = "monitor": the other series is 1, still one per mode */
	f.model.config.enforce = CG_ENFORCE_MONITOR;
	size_t mlen;
	char *sm = render(&f, &mlen);
	CHECK(sm && strstr(sm, "camguard_enforce_mode{mode=\"policy\"} 0\n") &&
	      strstr(sm, "camguard_enforce_mode{mode=\"monitor\"} 1\n") &&
	      count_lines(sm, "camguard_enforce_mode{") == 2, "enforce monitor series");
	free(sm);
	f.model.config.enforce = CG_ENFORCE_POLICY;

	/* the textfile: atomic, 0644 whatever the umask, no temporary left */
	char dir[] = "/tmp/cg-test-metrics.XXXXXX", path[64], tmp[80];
	struct stat st;
	CHECK(mkdtemp(dir), "mkdtemp");
	snprintf(path, sizeof(path), "%s/camguard.prom", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	mode_t old = umask(077);
	CHECK(metrics_write_file(path, s, len) == 0, "write");
	umask(old);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644 && (size_t)st.st_size == len,
	      "mode %o size %lld", st.st_mode & 0777, (long long)st.st_size);
	CHECK(access(tmp, F_OK) != 0, "temporary file left");
	CHECK(metrics_write_file("/nonexistent-dir/x.prom", s, len) == -ENOENT, "missing directory");
	unlink(path);
	rmdir(dir);
	free(s);
	fixture_free(&f);

	/* no devices, no labels: still every family */
	CHECK(fixture_init(&f, 0, 4096) == 0, "empty fixture");
	s = render(&f, &len);
	CHECK(s && strstr(s, "camguard_metrics_devices_omitted 0\n") &&
	      strstr(s, "# TYPE camguard_device_info gauge\n"), "empty");
	if (s)
		promtool_check(s);
	free(s);
	fixture_free(&f);

	printf("%s\n", failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}
#else
int main(int argc, char **argv)
{
	static const size_t sizes[] = { 650, 10000 };
	double base_ms = 0;
	int runs = argc > 1 ? atoi(argv[1]) : 20;

	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		struct fixture f;
		size_t len = 0;
		double best = 1e9, fork_best = 1e9, write_ms;
		char *s = NULL;

		if (fixture_init(&f, sizes[k], 1u << 24)) {
			fprintf(stderr, "bench-metrics: fixture failed\n");
			return 1;
		}
		for (int r = 0; r < runs; r++) {
			double t0 = now_ms();
			free(s);
			s = render(&f, &len);
			double t = now_ms() - t0;
			best = t < best ? t : best;
		}
		/* What the event loop pays per write: fork() of this process
		 * (holding the inventory) and reaping the child. */
		for (int r = 0; r < runs; r++) {
			double t0 = now_ms();
			pid_t pid = fork();
			if (pid == 0)
				_exit(0);
			double t = now_ms() - t0;
			waitpid(pid, NULL, 0);
			fork_best = t < fork_best ? t : fork_best;
		}
		char path[] = "/tmp/cg-bench-metrics.prom";
		double t0 = now_ms();
		metrics_write_file(path, s, len);
		write_ms = now_ms() - t0;
		unlink(path);
		if (k == 0)
			base_ms = best;
		printf("{\"bench\":\"metrics\",\"devices\":%zu,\"bytes\":%zu,\"lines\":%zu,"
		       "\"series_per_device\":%.1f,\"ms\":%.3f,\"fork_ms\":%.3f,\"write_ms\":%.3f,"
		       "\"ratio\":%.2f,\"baseline\":\"render at 650 devices\"}\n",
		       sizes[k], len, count_lines(s, "camguard_"),
		       (double)count_lines(s, "camguard_device_") / (double)sizes[k], best, fork_best,
		       write_ms, base_ms > 0 ? best / base_ms : 1.0);
		free(s);
		fixture_free(&f);
	}
	return 0;
}
#endif
