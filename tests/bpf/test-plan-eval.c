// SPDX-License-Identifier: GPL-2.0-only
/*
 * test-plan-eval.c — the userland evaluator of reload --dry-run
 * (daemon/dataplane/plan-eval.h) against the data plane itself.
 *
 * Three policy sets: the bpf suite's fixture A and B (B: a cloud rule for
 * P_HIK, PIN2 falls back to P_HIK's OUI, a larger enclave, P_AXIS from allow
 * to isolate) and C = B with P_DAHUA isolating and P_HIK in monitor. Each
 * case is one frame (device, direction, remote address, protocol, ports,
 * fragment or not IP) with the verdict each set must give it: pass, would
 * (monitor passes and counts it) or drop.
 *
 * As root (bpf suite), every case is run through BPF_PROG_TEST_RUN under
 * each set: the program's return code and the cg_flows row it makes must
 * give the expected verdict (so the table below is the data plane's
 * behaviour, not an opinion), and the row — the key the evidence table
 * keeps — is then handed to the evaluator with every set's plan: it must
 * give what the program gave under that set. That is exactly what the dry
 * run does: rows made under the enforced set, judged under the new one.
 *
 * With --no-bpf (unit suite, no privileges) the same table is checked
 * through the evaluator alone, from keys built as the data plane builds
 * them.
 *
 * Output is TAP-like, closed by "N passed, N failed". Exit 77 when the BPF
 * part is asked for without root.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "camguard.h"
#include "compile.h"
#include "dataplane.h"
#include "fixture.h"
#include "frames.h"
#include "plan-eval.h"

#define NVAR 3
#define NONIP 0x8033   /* Hikvision SADP */

static int npassed, nfailed;

static void result(int ok, const char *name, const char *why)
{
	printf("%s - %s\n", ok ? "ok" : "not ok", name);
	if (!ok && why && why[0])
		printf("# %s\n", why);
	ok ? npassed++ : nfailed++;
}

struct tcase {
	const char *name;
	const char *cam;
	int dir;
	const char *remote;     /* NULL: not IP (EtherType NONIP) */
	uint8_t proto;
	uint16_t rport, cport;
	int later;              /* a later fragment */
	const char *want;       /* verdict under A, B, C: p pass, w would, d drop */
};

static const struct tcase cases[] = {
	{ "hik cloud 8666 (B rule)",        HIK,  CG_DIR_OUT, CLOUD4, IPPROTO_TCP, 8666, 40000, 0, "dpp" },
	{ "hik cloud 8667 (port)",          HIK,  CG_DIR_OUT, CLOUD4, IPPROTO_TCP, 8667, 40000, 0, "ddw" },
	{ "hik ntp udp/124 (port)",         HIK,  CG_DIR_OUT, NTP4,   IPPROTO_UDP, 124,  40000, 0, "ddw" },
	{ "hik deny list",                  HIK,  CG_DIR_OUT, DENY4,  IPPROTO_UDP, 53,   40000, 0, "ddd" },
	{ "hik deny inside the enclave",    HIK,  CG_DIR_OUT, DENYENC4, IPPROTO_TCP, 80, 40000, 0, "ddd" },
	{ "hik to B's enclave",             HIK,  CG_DIR_OUT, B_ENC4, IPPROTO_TCP, 80,   40000, 0, "dpp" },
	{ "hik in from mgmt, port 444",     HIK,  CG_DIR_IN,  MGMT4,  IPPROTO_TCP, 50000, 444,  0, "ddw" },
	{ "pin2 leaves allow (B)",          PIN2, CG_DIR_OUT, OUT4,   IPPROTO_UDP, 9999, 40000, 0, "pdw" },
	{ "axis allow -> isolate",          AXIS, CG_DIR_OUT, OUT4,   IPPROTO_TCP, 443,  40000, 0, "pdd" },
	{ "axis deny list under allow",     AXIS, CG_DIR_OUT, DENY4,  IPPROTO_TCP, 443,  40000, 0, "ddd" },
	{ "dahua monitor -> isolate",       DAH,  CG_DIR_OUT, OUT4,   IPPROTO_UDP, 5000, 40000, 0, "wwd" },
	{ "dahua v6 monitor -> isolate",    DAH,  CG_DIR_OUT, OUT6,   IPPROTO_TCP, 443,  40000, 0, "wwd" },
	{ "dahua inbound",                  DAH,  CG_DIR_IN,  OUT4,   IPPROTO_TCP, 443,  40000, 0, "wwd" },
	{ "dahua to B's enclave",           DAH,  CG_DIR_OUT, B_ENC4, IPPROTO_TCP, 80,   40000, 0, "wpp" },
	{ "dahua in from B's enclave",      DAH,  CG_DIR_IN,  B_ENC4, IPPROTO_UDP, 9000, 40000, 0, "wpp" },
	{ "unknown v6 (default)",           UNK,  CG_DIR_OUT, OUT6,   IPPROTO_UDP, 7000, 40000, 0, "ddd" },
	{ "hik ntp v6 udp/124",             HIK,  CG_DIR_OUT, NTP6,   IPPROTO_UDP, 124,  40000, 0, "ddw" },
	{ "hik v6 deny prefix",             HIK,  CG_DIR_OUT, DENY6,  IPPROTO_TCP, 443,  40000, 0, "ddd" },
	{ "hik range tcp/8011",             HIK,  CG_DIR_OUT, RNG4,   IPPROTO_TCP, 8011, 40000, 0, "ddw" },
	{ "hik host rule is udp only",      HIK,  CG_DIR_OUT, HOST4,  IPPROTO_TCP, 80,   40000, 0, "ddw" },
	{ "locally administered (default)", LAA,  CG_DIR_OUT, OUT4,   IPPROTO_UDP, 1000, 40000, 0, "ddd" },
	{ "ma-m beats ma-l",                MAM,  CG_DIR_OUT, OUT4,   IPPROTO_TCP, 80,   40000, 0, "ddd" },
	{ "hik later fragment",             HIK,  CG_DIR_OUT, OUT4,   IPPROTO_UDP, 0,    0,     1, "ddw" },
	{ "hik later fragment to ntp",      HIK,  CG_DIR_OUT, NTP4,   IPPROTO_UDP, 0,    0,     1, "ddw" },
	{ "hik not IP (SADP)",              HIK,  CG_DIR_OUT, NULL,   0,           0,    0,     0, "ddw" },
	{ "dahua not IP (SADP)",            DAH,  CG_DIR_OUT, NULL,   0,           0,    0,     0, "wwd" },
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static int verdict_of(char c)
{
	return c == 'p' ? CG_PV_PASS : c == 'w' ? CG_PV_WOULD : CG_PV_DROP;
}

/* Variant v: A, B, or C (B with P_DAHUA isolating and P_HIK in monitor). */
static void variant_model(struct cg_model *m, int v)
{
	fixture_model(m, v == 0 ? 'A' : 'B');
	if (v == 2) {
		m->policies[P_DAHUA].action = CG_ACTION_ISOLATE;
		m->policies[P_HIK].action = CG_ACTION_MONITOR;
	}
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

/* The key the data plane makes for a denied frame of the case (the reason
 * only as the evaluator reads it: its class). */
static void case_key(const struct tcase *c, struct cg_flow_key *k)
{
	memset(k, 0, sizeof(*k));
	mac_of(c->cam, k->mac);
	k->dir = (uint8_t)c->dir;
	if (!c->remote) {
		k->port = NONIP;
		k->reason = CG_REASON_NON_IP;
		return;
	}
	k->family = strchr(c->remote, ':') ? 6 : 4;
	inet_pton(k->family == 4 ? AF_INET : AF_INET6, c->remote, k->addr);
	k->proto = c->proto;
	k->port = c->later ? 0 : c->rport;
	k->reason = c->later ? CG_REASON_FRAGMENT :
		    c->dir == CG_DIR_OUT ? CG_REASON_EGRESS : CG_REASON_INGRESS;
}

static void case_frame(const struct tcase *c, struct frame *f)
{
	int v6 = c->remote && strchr(c->remote, ':');

	memset(f, 0, sizeof(*f));
	f->smac = c->dir == CG_DIR_OUT ? c->cam : REC;
	f->dmac = c->dir == CG_DIR_OUT ? REC : c->cam;
	if (!c->remote) {
		f->l3 = FR_RAW;
		f->ethertype = NONIP;
		f->payload = 46;
		return;
	}
	f->l3 = v6 ? FR_V6 : FR_V4;
	f->proto = c->proto;
	f->payload = 64;
	f->src = c->dir == CG_DIR_OUT ? (v6 ? CAM6 : CAM4) : c->remote;
	f->dst = c->dir == CG_DIR_OUT ? c->remote : (v6 ? CAM6 : CAM4);
	f->sport = c->dir == CG_DIR_OUT ? c->cport : c->rport;
	f->dport = c->dir == CG_DIR_OUT ? c->rport : c->cport;
	if (c->later)
		f->frag = F4_LATER;
}

/* The evaluator alone: every case whose set v denies it (a row exists),
 * judged under every set w. */
static void check_evaluator(struct cg_plan_eval ev[NVAR])
{
	for (size_t i = 0; i < NCASES; i++) {
		const struct tcase *c = &cases[i];
		struct cg_flow_key k;
		char name[160], why[160];
		int bad = 0;

		case_key(c, &k);
		why[0] = 0;
		for (int w = 0; w < NVAR; w++) {
			struct cg_plan_result r;
			plan_eval_flow(&ev[w], &k, &r);
			if (r.verdict != verdict_of(c->want[w]) && !bad++)
				snprintf(why, sizeof(why), "set %c: %s, want %c", 'A' + w,
					 plan_verdict_to_string(r.verdict), c->want[w]);
		}
		snprintf(name, sizeof(name), "evaluator: %s", c->name);
		result(!bad, name, why);
	}
}

/* ---- through the data plane ------------------------------------------------- */

static void flows_clear(int fd)
{
	struct cg_flow_key k;

	while (bpf_map_get_next_key(fd, NULL, &k) == 0)
		if (bpf_map_delete_elem(fd, &k))
			break;
}

/* Runs case c once; its verdict from the return code and the row it made
 * (*ret_key, *ret_row set when there is one). */
static int run_case(struct cg_dataplane *dp, const struct tcase *c, struct cg_flow_key *ret_key,
		    int *ret_row)
{
	int fd = dataplane_map_fd(dp, "cg_flows"), rows = 0, would = -1;
	uint8_t buf[FRAME_MAX], mac[6];
	struct cg_flow_key k, next;
	const void *prev = NULL;
	struct frame f;

	flows_clear(fd);
	case_frame(c, &f);
	int len = frame_build(&f, buf);
	if (len < 0)
		return len;
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = buf, .data_size_in = (uint32_t)len, .repeat = 1);
	const char *prog = c->dir == CG_DIR_OUT ? "cg_tc_ingress" : "cg_tc_egress";
	if (bpf_prog_test_run_opts(dataplane_prog_fd(dp, prog), &t))
		return -errno;
	mac_of(c->cam, mac);
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		k = next;
		prev = &k;
		if (memcmp(k.mac, mac, 6))
			continue;
		rows++;
		*ret_key = k;
		would = k.would;
	}
	*ret_row = rows == 1;
	if (rows > 1)
		return -EEXIST;
	if (t.retval == TC_ACT_SHOT)
		return rows == 1 && !would ? CG_PV_DROP : -EBADMSG;
	if (!rows)
		return CG_PV_PASS;
	return would == 1 ? CG_PV_WOULD : -EBADMSG;
}

static void check_dataplane(struct cg_plan_eval ev[NVAR])
{
	struct cg_dataplane_opts opts = {};
	struct cg_dataplane *dp;
	struct cg_flow_key keys[NCASES][NVAR];
	int got[NCASES][NVAR], row[NCASES][NVAR];
	char err[256], name[160], why[320];
	int rc = dataplane_load(&opts, &dp);

	if (rc) {
		snprintf(why, sizeof(why), "load: %s", strerror(-rc));
		result(0, "data plane", why);
		return;
	}
	for (int v = 0; v < NVAR; v++) {
		struct cg_model m;
		struct cg_compiled c;

		variant_model(&m, v);
		rc = compile_model(&m, &c, err, sizeof(err));
		if (!rc)
			rc = dataplane_apply(dp, &c);
		compiled_free(&c);
		if (rc) {
			snprintf(why, sizeof(why), "set %c: %s", 'A' + v, err);
			result(0, "apply", why);
			goto out;
		}
		for (size_t i = 0; i < NCASES; i++)
			got[i][v] = run_case(dp, &cases[i], &keys[i][v], &row[i][v]);
	}
	/* 1. the table is the data plane's behaviour */
	for (size_t i = 0; i < NCASES; i++) {
		int bad = 0;
		why[0] = 0;
		for (int v = 0; v < NVAR; v++)
			if (got[i][v] != verdict_of(cases[i].want[v]) && !bad++)
				snprintf(why, sizeof(why), "set %c: %d (%s), want %c", 'A' + v, got[i][v],
					 got[i][v] >= 0 ? plan_verdict_to_string(got[i][v]) : strerror(-got[i][v]),
					 cases[i].want[v]);
		snprintf(name, sizeof(name), "data plane: %s", cases[i].name);
		result(!bad, name, why);
	}
	/* 2. rows made under set v, judged by the evaluator under set w, give
	 * what the program gave under w */
	for (size_t i = 0; i < NCASES; i++) {
		int bad = 0, n = 0;
		why[0] = 0;
		for (int v = 0; v < NVAR; v++) {
			if (!row[i][v])
				continue;
			for (int w = 0; w < NVAR; w++) {
				struct cg_plan_result r;
				plan_eval_flow(&ev[w], &keys[i][v], &r);
				n++;
				if ((int)r.verdict != got[i][w] && !bad++)
					snprintf(why, sizeof(why), "row of set %c (reason %u) under %c: %s, program %d",
						 'A' + v, keys[i][v].reason, 'A' + w,
						 plan_verdict_to_string(r.verdict), got[i][w]);
			}
		}
		snprintf(name, sizeof(name), "rows judged by the evaluator (%d): %s", n, cases[i].name);
		result(!bad && n > 0, name, why[0] ? why : "no row under any set");
	}
out:
	dataplane_free(dp);
}

int main(int argc, char **argv)
{
	bool bpf = !(argc > 1 && !strcmp(argv[1], "--no-bpf"));
	struct cg_model m[NVAR];
	struct cg_plan plan[NVAR];
	struct cg_plan_eval ev[NVAR];

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (bpf && geteuid() != 0) {
		printf("1..0 # SKIP BPF_PROG_TEST_RUN needs root (CAP_BPF, CAP_NET_ADMIN)\n");
		return 77;
	}
	/* The fixture's model lives in static storage: build each plan before
	 * the next variant overwrites it (plans copy what they decide on, but
	 * borrow names: only the evaluator's verdicts are read here). */
	for (int v = 0; v < NVAR; v++) {
		variant_model(&m[v], v);
		if (plan_build(&m[v], &plan[v]) || plan_eval_init(&ev[v], &plan[v])) {
			printf("Bail out! plan %c\n", 'A' + v);
			return 1;
		}
	}
	check_evaluator(ev);
	if (bpf)
		check_dataplane(ev);
	for (int v = 0; v < NVAR; v++) {
		plan_eval_free(&ev[v]);
		plan_free(&plan[v]);
	}
	printf("1..%d\n", npassed + nfailed);
	printf("%d passed, %d failed\n", npassed, nfailed);
	return nfailed ? 1 : 0;
}
