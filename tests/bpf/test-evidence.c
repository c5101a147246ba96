// SPDX-License-Identifier: GPL-2.0-only
/*
 * test-evidence.c — the data plane's evidence (bpf/flows.bpf.h) on crafted
 * frames through BPF_PROG_TEST_RUN:
 *
 *   1. N flows x M packets from several devices, through every entry point,
 *      isolate and monitor, IPv4 and IPv6, OUT and IN, plus passed frames
 *      as a control: each flow's row holds exactly its packets and bytes,
 *      would-drops are marked and counted per policy by their reason, and
 *      for every device rows + overflow == its drop / would-drop counters.
 *   2. The same with evidence.max_flows far below the number of flows: the
 *      table holds max_flows rows, the rest is each device's overflow, and
 *      the sums are still exact.
 *   3. Address learning under a drop flood: every address a device uses
 *      (IPv4, two global IPv6, its link-local one) reaches the ring buffer
 *      as CG_EV_ADDR although the drop samples' budget is spent, and an
 *      address put off by the address budget is reported by a later frame.
 *   4. A denied flow's last-seen time moves with the frames the fast path
 *      counts in its slot (through the per-CPU clock cache, cg_now): a frame
 *      sent 30 ms after the others stamps its slot with a time no earlier
 *      than the coarse clock read before it, while the row keeps its own.
 *
 * Output is TAP-like, closed by "N passed, N failed". Exit 77 when not root.
 */
#include <errno.h>
#include <stdbool.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "camguard.h"
#include "compile.h"
#include "dataplane.h"
#include "evidence.h"
#include "fixture.h"
#include "frames.h"

static int npassed, nfailed;

static void result(int ok, const char *name, const char *why)
{
	printf("%s - %s\n", ok ? "ok" : "not ok", name);
	if (!ok && why && why[0])
		printf("# %s\n", why);
	ok ? npassed++ : nfailed++;
}

static int mac_of(const char *s, uint8_t mac[6])
{
	unsigned b[6];
	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

static void pin_cpu(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static int load(uint32_t max_flows, struct cg_dataplane **ret)
{
	struct cg_dataplane_opts opts = { .max_flows = max_flows };
	struct cg_model m;
	struct cg_compiled c;
	char err[256];
	int rc = dataplane_load(&opts, ret);

	if (rc) {
		fprintf(stderr, "Failed to load the data plane: %s\n", strerror(-rc));
		return rc;
	}
	fixture_model(&m, 'A');
	rc = compile_model(&m, &c, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "Failed to compile the fixture: %s\n", err);
		return rc;
	}
	rc = dataplane_apply(*ret, &c);
	compiled_free(&c);
	return rc;
}

/* Runs one frame `repeat` times through prog; the return code of the last. */
static int run(struct cg_dataplane *dp, const char *prog, const struct frame *f, uint32_t repeat,
	       int *ret_len)
{
	uint8_t buf[FRAME_MAX];
	int len = frame_build(f, buf);

	if (len < 0)
		return len;
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = buf, .data_size_in = (uint32_t)len,
		    .repeat = repeat);
	if (bpf_prog_test_run_opts(dataplane_prog_fd(dp, prog), &t))
		return -errno;
	if (ret_len)
		*ret_len = len;
	return (int)t.retval;
}

struct flowspec {
	const char *prog;
	const char *cam;       /* the camera's MAC */
	int dir;
	int v6;
	int would;             /* monitor policy: passed, counted as would-drop */
	uint16_t policy;
	uint8_t reason;
};

/* Devices and how their denied flows go (fixture A: HIK and HIK2 isolate,
 * DAH monitor, UNK the isolating default). */
static const struct flowspec specs[] = {
	{ "cg_tc_ingress", HIK,  CG_DIR_OUT, 0, 0, P_HIK, CG_REASON_EGRESS },
	{ "cg_xdp",        HIK2, CG_DIR_OUT, 1, 0, P_HIK, CG_REASON_EGRESS },
	{ "cg_tc_ingress", DAH,  CG_DIR_OUT, 0, 1, P_DAHUA, CG_REASON_EGRESS },
	{ "cg_xdp",        DAH,  CG_DIR_OUT, 1, 1, P_DAHUA, CG_REASON_EGRESS },
	{ "cg_tc_egress",  DAH,  CG_DIR_IN,  0, 1, P_DAHUA, CG_REASON_INGRESS },
	{ "cg_tc_egress",  UNK,  CG_DIR_IN,  1, 0, P_DEFAULT, CG_REASON_INGRESS },
	{ "cg_tc_ingress", UNK,  CG_DIR_OUT, 1, 0, P_DEFAULT, CG_REASON_EGRESS },
};
#define NSPECS (sizeof(specs) / sizeof(specs[0]))

/* Flow i of a spec: a distinct remote address and port. */
static void flow_frame(const struct flowspec *s, int i, struct frame *f, char *addr, size_t len)
{
	memset(f, 0, sizeof(*f));
	if (s->v6)
		snprintf(addr, len, "2001:db8:ffff::%x", 0x100 + i);
	else
		snprintf(addr, len, "203.0.113.%d", 10 + i);
	f->l3 = s->v6 ? FR_V6 : FR_V4;
	f->proto = IPPROTO_UDP;
	f->payload = (uint16_t)(16 + i);
	if (s->dir == CG_DIR_OUT) {
		f->smac = s->cam;
		f->dmac = REC;
		f->src = s->v6 ? CAM6 : CAM4;
		f->dst = addr;
		f->sport = 40000;
		f->dport = (uint16_t)(7000 + i);
	} else {
		f->smac = REC;
		f->dmac = s->cam;
		f->src = addr;
		f->dst = s->v6 ? CAM6 : CAM4;
		f->sport = (uint16_t)(7000 + i);
		f->dport = 40000;
	}
}

/* Sends n flows x m packets for every spec; returns the frames' total
 * length per spec in bytes[]. */
static int send_flows(struct cg_dataplane *dp, int n, uint32_t m, uint64_t bytes[NSPECS],
		      char *why, size_t wlen)
{
	for (size_t s = 0; s < NSPECS; s++) {
		bytes[s] = 0;
		for (int i = 0; i < n; i++) {
			struct frame f;
			char addr[64];
			int len = 0;
			flow_frame(&specs[s], i, &f, addr, sizeof(addr));
			int rc = run(dp, specs[s].prog, &f, m, &len);
			int xdp = !strcmp(specs[s].prog, "cg_xdp");
			int want = specs[s].would ? (xdp ? XDP_PASS : TC_ACT_OK) :
						    (xdp ? XDP_DROP : TC_ACT_SHOT);
			if (rc != want) {
				snprintf(why, wlen, "%s %s flow %d: return %d, want %d", specs[s].prog,
					 specs[s].cam, i, rc, want);
				return -1;
			}
			bytes[s] += (uint64_t)len * m;
		}
	}
	return 0;
}

/* The next row of cg_flows after *k (the first when first is set) that
 * belongs to spec s, into *k and *v as stored (slots not folded). */
static bool spec_row_next(int fd, const struct flowspec *s, bool first, struct cg_flow_key *k,
			  struct cg_flow *v)
{
	struct cg_flow_key next;
	uint8_t mac[6];

	mac_of(s->cam, mac);
	while (bpf_map_get_next_key(fd, first ? NULL : k, &next) == 0) {
		*k = next;
		first = false;
		if (memcmp(k->mac, mac, 6) || k->dir != s->dir || k->family != (s->v6 ? 6 : 4) ||
		    bpf_map_lookup_elem(fd, k, v))
			continue;
		return true;
	}
	return false;
}

/* Sum of a spec's rows in cg_flows (with their cg_flow_ctrs slots, as the
 * daemon reads them): packets, bytes, rows, and how many rows had packets
 * counted in their slot (the fast path's way to them). */
static void spec_rows(struct cg_dataplane *dp, const struct flowspec *s, uint64_t *pk, uint64_t *by,
		      int *rows, int *bad_meta, int *slotted)
{
	int fd = dataplane_map_fd(dp, "cg_flows");
	struct cg_flow_key k;
	struct cg_flow v;

	*pk = *by = 0;
	*rows = *bad_meta = *slotted = 0;
	for (bool first = true; spec_row_next(fd, s, first, &k, &v); first = false) {
		uint64_t in_row = v.packets;
		if (dataplane_flow_ctrs_fold(dp, &v, 1))
			(*bad_meta)++;
		*slotted += v.packets > in_row;
		*pk += v.packets;
		*by += v.bytes;
		(*rows)++;
		if (k.would != s->would || k.reason != s->reason || k.proto != IPPROTO_UDP ||
		    v.policy != s->policy || !v.first_ns || v.last_ns < v.first_ns ||
		    k.port < 7000 || k.port >= 7000 + 1000)
			(*bad_meta)++;
	}
}

static int policy_would(struct cg_dataplane *dp, uint16_t policy, int dir, uint8_t reason,
			uint64_t *ret)
{
	static struct cg_counter w[CG_POLSTAT_ENTRIES];
	int rc = evidence_read_policy_would(dp, w);
	*ret = w[CG_POLSTAT_INDEX(policy, dir, reason)].packets;
	return rc;
}

static void test_exact(void)
{
	struct cg_dataplane *dp = NULL;
	uint64_t bytes[NSPECS];
	char why[512] = "";
	const int N = 24;
	const uint32_t M = 37;

	if (load(0, &dp)) {
		result(0, "exact: load", "");
		return;
	}
	/* Control: frames that pass make no row. */
	struct frame ok = { .smac = HIK, .dmac = REC, .l3 = FR_V4, .src = CAM4, .dst = REC4,
			    .proto = IPPROTO_UDP, .sport = 40000, .dport = 554, .payload = 16 };
	run(dp, "cg_tc_ingress", &ok, 50, NULL);
	uint64_t pk, by;
	int rows, bad, slotted, all_rows = 0, all_slotted = 0;
	if (send_flows(dp, N, M, bytes, why, sizeof(why)) < 0) {
		result(0, "exact: verdicts", why);
		goto out;
	}
	result(1, "exact: verdicts", "");
	for (size_t s = 0; s < NSPECS; s++) {
		char name[160];
		spec_rows(dp, &specs[s], &pk, &by, &rows, &bad, &slotted);
		all_rows += rows;
		all_slotted += slotted;
		snprintf(name, sizeof(name), "exact: %s %s %s IPv%d %s: %d rows of %u packets",
			 specs[s].prog, specs[s].cam, specs[s].dir == CG_DIR_OUT ? "out" : "in",
			 specs[s].v6 ? 6 : 4, specs[s].would ? "would-drop" : "dropped", N, M);
		snprintf(why, sizeof(why), "%d rows (%d with wrong fields), %llu packets, %llu bytes; "
			 "want %d, %llu, %llu", rows, bad, (unsigned long long)pk,
			 (unsigned long long)by, N, (unsigned long long)N * M,
			 (unsigned long long)bytes[s]);
		result(rows == N && !bad && pk == (uint64_t)N * M && by == bytes[s], name, why);
	}
	/* Control that the counts above went through both ways to a row: each
	 * flow's first frames look it up, the rest (same flow, in the device's
	 * flow cache) reach it by its slot. */
	snprintf(why, sizeof(why), "%d of %d rows counted through their slot", all_slotted, all_rows);
	result(all_rows > 0 && all_slotted == all_rows, "exact: the fast path counts by the row's slot",
	       why);
	/* Would-drops per policy by the reason isolate would have given. */
	uint64_t w_out = 0, w_in = 0;
	policy_would(dp, P_DAHUA, CG_DIR_OUT, CG_REASON_EGRESS, &w_out);
	policy_would(dp, P_DAHUA, CG_DIR_IN, CG_REASON_INGRESS, &w_in);
	snprintf(why, sizeof(why), "out/egress %llu, in/ingress %llu; want %llu, %llu",
		 (unsigned long long)w_out, (unsigned long long)w_in,
		 (unsigned long long)2 * N * M, (unsigned long long)N * M);
	result(w_out == 2ull * N * M && w_in == (uint64_t)N * M,
	       "exact: would-drops per policy by reason (monitor)", why);
	uint64_t w_hik = 1;
	policy_would(dp, P_HIK, CG_DIR_OUT, CG_REASON_EGRESS, &w_hik);
	result(w_hik == 0, "exact: isolate counts no would-drop", "");

	int rc = evidence_check_dataplane(dp, why, sizeof(why));
	result(rc == 0, "exact: rows + overflow == device counters, every device", why);
out:
	dataplane_free(dp);
}

struct over_ctx {
	uint64_t over[2], drops, woulds;
};

static int sum_over(const struct cg_evidence_dev *dev, void *ctx)
{
	struct over_ctx *o = ctx;
	o->over[0] += dev->flow_over[0];
	o->over[1] += dev->flow_over[1];
	for (int d = 0; d < CG_DIR_MAX; d++) {
		o->drops += dev->drop[d].packets;
		o->woulds += dev->would[d].packets;
	}
	return 0;
}

static void test_overflow(void)
{
	struct cg_dataplane *dp = NULL;
	uint64_t bytes[NSPECS];
	char why[512] = "";
	const int N = 30;
	const uint32_t M = 5, MAX = 16;

	if (load(MAX, &dp)) {
		result(0, "overflow: load with max_flows 16", "");
		return;
	}
	if (send_flows(dp, N, M, bytes, why, sizeof(why)) < 0) {
		result(0, "overflow: verdicts", why);
		goto out;
	}
	int fd = dataplane_map_fd(dp, "cg_flows"), rows = 0;
	uint64_t rowpk = 0;
	struct cg_flow_key k, next;
	const void *prev = NULL;
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		struct cg_flow v;
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(fd, &k, &v) == 0 && dataplane_flow_ctrs_fold(dp, &v, 1) == 0) {
			rows++;
			rowpk += v.packets;
		}
	}
	struct over_ctx o = {};
	evidence_foreach_device(dp, sum_over, &o);
	uint64_t total = (uint64_t)NSPECS * N * M;
	snprintf(why, sizeof(why), "%d rows with %llu packets, overflow %llu + %llu, "
		 "device counters %llu + %llu; sent %llu", rows, (unsigned long long)rowpk,
		 (unsigned long long)o.over[0], (unsigned long long)o.over[1],
		 (unsigned long long)o.drops, (unsigned long long)o.woulds,
		 (unsigned long long)total);
	result(rows == (int)MAX, "overflow: the table holds max_flows rows", why);
	result(rowpk + o.over[0] + o.over[1] == total && o.drops + o.woulds == total &&
	       o.over[0] + o.over[1] > 0, "overflow: rows + overflow == packets sent", why);
	int rc = evidence_check_dataplane(dp, why, sizeof(why));
	result(rc == 0, "overflow: rows + overflow == device counters, every device", why);
out:
	dataplane_free(dp);
}

/* ---- address learning -------------------------------------------------- */

struct addr_seen {
	int n;
	char addrs[64][INET6_ADDRSTRLEN];
};

static int on_event(void *ctx, void *data, size_t len)
{
	struct addr_seen *a = ctx;
	const struct cg_event *e = data;

	if (len < sizeof(*e) || e->type != CG_EV_ADDR || a->n >= 64)
		return 0;
	inet_ntop(e->family == 4 ? AF_INET : AF_INET6, e->cam_addr, a->addrs[a->n++],
		  INET6_ADDRSTRLEN);
	return 0;
}

static int seen(const struct addr_seen *a, const char *addr)
{
	for (int i = 0; i < a->n; i++)
		if (!strcmp(a->addrs[i], addr))
			return 1;
	return 0;
}

static void test_addresses(void)
{
	struct cg_dataplane *dp = NULL;
	struct addr_seen a = {};
	struct ring_buffer *rb = NULL;
	char why[512] = "";
	static const char *const addrs[] = { CAM4, "2001:db8:c::51", "2001:db8:c::52" };

	if (load(0, &dp)) {
		result(0, "addresses: load", "");
		return;
	}
	rb = ring_buffer__new(dataplane_map_fd(dp, "cg_events"), on_event, &a, NULL);
	if (!rb) {
		result(0, "addresses: ring buffer", strerror(errno));
		goto out;
	}
	/* A drop flood first: the drop samples' budget is spent. */
	for (int i = 0; i < 200; i++) {
		struct frame f = { .smac = HIK3, .dmac = REC, .l3 = FR_V4, .src = CAM4,
				   .dst = "203.0.113.5", .proto = IPPROTO_UDP, .sport = 40000,
				   .dport = (uint16_t)(1000 + i), .payload = 16 };
		run(dp, "cg_tc_ingress", &f, 1, NULL);
	}
	/* Then the device's other addresses, each under the flood. */
	for (int r = 0; r < 3; r++)
		for (size_t i = 1; i < 3; i++) {
			struct frame f = { .smac = HIK3, .dmac = REC, .l3 = FR_V6, .src = addrs[i],
					   .dst = OUT6, .proto = IPPROTO_UDP, .sport = 40000,
					   .dport = (uint16_t)(2000 + r), .payload = 16 };
			run(dp, "cg_tc_ingress", &f, 20, NULL);
		}
	/* Its link-local address, only ever in ND (passed as link_local). */
	struct frame ns = { .smac = HIK3, .dmac = "33:33:ff:00:00:01", .l3 = FR_V6, .src = LL6,
			    .dst = "ff02::1:ff00:1", .proto = IPPROTO_ICMPV6, .icmp_type = 135,
			    .ttl = 255, .payload = 16 };
	run(dp, "cg_tc_ingress", &ns, 3, NULL);
	ring_buffer__consume(rb);
	int all = seen(&a, LL6);
	for (size_t i = 0; i < 3; i++)
		all &= seen(&a, addrs[i]);
	snprintf(why, sizeof(why), "%d address events:%s%s%s%s%s%s%s%s", a.n,
		 a.n > 0 ? " " : "", a.n > 0 ? a.addrs[0] : "", a.n > 1 ? " " : "",
		 a.n > 1 ? a.addrs[1] : "", a.n > 2 ? " " : "", a.n > 2 ? a.addrs[2] : "",
		 a.n > 3 ? " " : "", a.n > 3 ? a.addrs[3] : "");
	result(all, "addresses: v4, two global v6 and link-local reported under a drop flood", why);
	result(a.n == 4, "addresses: each reported once", why);

	/* The address budget: more new addresses at once than its burst. The
	 * ones put off are reported by a later frame from the same address.
	 * The second round runs backwards: its first frame comes from the
	 * address the device's cache holds, put off in the first round; only
	 * the invalidated cache makes that frame retry. */
	a.n = 0;
	enum { MANY = CG_ADDR_BURST + 8 };
	char src[MANY][64];
	for (int r = 0; r < 2; r++) {
		for (int j = 0; j < MANY; j++) {
			int i = r ? MANY - 1 - j : j;
			snprintf(src[i], sizeof(src[i]), "2001:db8:c::1:%x", i + 1);
			struct frame f = { .smac = HIK2, .dmac = REC, .l3 = FR_V6, .src = src[i],
					   .dst = REC6, .proto = IPPROTO_UDP, .sport = 40000,
					   .dport = 554, .payload = 16 };
			run(dp, "cg_tc_ingress", &f, 1, NULL);
		}
		ring_buffer__consume(rb);
		if (r == 0) {
			snprintf(why, sizeof(why), "%d events for %d new addresses (burst %d)", a.n,
				 MANY, CG_ADDR_BURST);
			result(a.n >= CG_ADDR_BURST && a.n < MANY,
			       "addresses: the address budget bounds a burst", why);
			usleep((useconds_t)(CG_ADDR_INTERVAL_NS / 1000) * 10);
		}
	}
	int missing = 0, first = -1;
	for (int i = 0; i < MANY; i++)
		if (!seen(&a, src[i]) && missing++ == 0)
			first = i;
	snprintf(why, sizeof(why), "%d of %d addresses never reported (%d events), first %s",
		 missing, MANY, a.n, first >= 0 ? src[first] : "-");
	result(missing == 0 && a.n == MANY, "addresses: put-off addresses retried, none lost", why);
out:
	ring_buffer__free(rb);
	dataplane_free(dp);
}

/*
 * The slots run out (cg_flow_next past CG_FLOW_CTRS_MAX, as after 65,535
 * rows, or pins from before the slots existed): rows made then get no slot
 * and count every packet in themselves, through the row's hash lookup. The
 * totals must stay exact either way; the first rows still get the last
 * slots.
 */
static void test_slots_run_out(void)
{
	struct cg_dataplane *dp = NULL;
	uint64_t bytes[NSPECS];
	char why[512] = "";
	const int N = 6, LEFT = 5;
	const uint32_t M = 11;

	if (load(0, &dp)) {
		result(0, "no slots: load", "");
		return;
	}
	uint32_t zero = 0;
	uint64_t next = CG_FLOW_CTRS_MAX - LEFT;
	if (bpf_map_update_elem(dataplane_map_fd(dp, "cg_flow_next"), &zero, &next, BPF_ANY)) {
		result(0, "no slots: set cg_flow_next", strerror(errno));
		goto out;
	}
	if (send_flows(dp, N, M, bytes, why, sizeof(why)) < 0) {
		result(0, "no slots: verdicts", why);
		goto out;
	}
	int exact = 1, all_slotted = 0, all_rows = 0;
	for (size_t s = 0; s < NSPECS; s++) {
		uint64_t pk, by;
		int rows, bad, slotted;
		spec_rows(dp, &specs[s], &pk, &by, &rows, &bad, &slotted);
		all_rows += rows;
		all_slotted += slotted;
		if (rows != N || bad || pk != (uint64_t)N * M || by != bytes[s]) {
			if (exact)
				snprintf(why, sizeof(why), "%s %s: %d rows (%d bad), %llu packets; want %d, %llu",
					 specs[s].prog, specs[s].cam, rows, bad, (unsigned long long)pk, N,
					 (unsigned long long)N * M);
			exact = 0;
		}
	}
	result(exact, "no slots: every row exact without a slot", why);
	snprintf(why, sizeof(why), "%d of %d rows counted through a slot, want %d", all_slotted, all_rows,
		 LEFT);
	result(all_slotted == LEFT, "no slots: only the last slots were handed out", why);
	int rc = evidence_check_dataplane(dp, why, sizeof(why));
	result(rc == 0, "no slots: rows + overflow == device counters, every device", why);
out:
	dataplane_free(dp);
}

/* The latest last_ns of a spec's rows: as stored in the rows alone, and
 * with their cg_flow_ctrs slots folded in (as the daemon reads them). */
static int spec_last(struct cg_dataplane *dp, const struct flowspec *s, uint64_t *row_last,
		     uint64_t *folded_last)
{
	int fd = dataplane_map_fd(dp, "cg_flows"), rows = 0;
	struct cg_flow_key k;
	struct cg_flow v;

	*row_last = *folded_last = 0;
	for (bool first = true; spec_row_next(fd, s, first, &k, &v); first = false) {
		*row_last = v.last_ns > *row_last ? v.last_ns : *row_last;
		if (dataplane_flow_ctrs_fold(dp, &v, 1))
			return -1;
		*folded_last = v.last_ns > *folded_last ? v.last_ns : *folded_last;
		rows++;
	}
	return rows;
}

static uint64_t coarse_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void test_last_seen(void)
{
	struct cg_dataplane *dp = NULL;
	char why[512] = "", name[160];

	if (load(0, &dp)) {
		result(0, "last seen: load", "");
		return;
	}
	/* The isolate specs: TC ingress, XDP, TC egress. */
	static const size_t which[] = { 0, 1, 5 };
	for (size_t w = 0; w < sizeof(which) / sizeof(which[0]); w++) {
		const struct flowspec *s = &specs[which[w]];
		struct frame f;
		char addr[64];
		uint64_t row0 = 0, last0 = 0, row1 = 0, last1 = 0;

		flow_frame(s, 0, &f, addr, sizeof(addr));
		/* The first frame makes the row on the full path, the rest
		 * are the fast path's, counted in the row's slot. */
		int rc = run(dp, s->prog, &f, 5, NULL);
		int rows = spec_last(dp, s, &row0, &last0);
		usleep(30000);
		uint64_t before = coarse_now();
		rc = rc < 0 ? rc : run(dp, s->prog, &f, 3, NULL);
		rows = rows < 0 ? rows : spec_last(dp, s, &row1, &last1);
		snprintf(name, sizeof(name), "last seen: %s %s IPv%d: a later frame's time in the slot",
			 s->prog, s->cam, s->v6 ? 6 : 4);
		snprintf(why, sizeof(why),
			 "rc %d, %d rows; row %llu -> %llu, with slot %llu -> %llu; clock before the "
			 "later frame %llu", rc, rows, (unsigned long long)row0, (unsigned long long)row1,
			 (unsigned long long)last0, (unsigned long long)last1,
			 (unsigned long long)before);
		result(rc >= 0 && rows == 1 && row1 == row0 && last0 >= row0 && last1 >= before,
		       name, why);
	}
	dataplane_free(dp);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0) {
		printf("1..0 # SKIP BPF_PROG_TEST_RUN needs root (CAP_BPF, CAP_NET_ADMIN)\n");
		return 77;
	}
	/* One CPU: the per-CPU budgets then behave the same on every run. */
	pin_cpu(0);
	test_exact();
	test_overflow();
	test_slots_run_out();
	test_addresses();
	test_last_seen();
	printf("1..%d\n", npassed + nfailed);
	printf("%d passed, %d failed\n", npassed, nfailed);
	return nfailed ? 1 : 0;
}
