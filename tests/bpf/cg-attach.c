// SPDX-License-Identifier: GPL-2.0-only
/*
 * cg-attach.c — test helper for netns.sh: load the data plane with its maps
 * pinned in a test-owned bpffs directory, apply the bpf suite's fixture
 * (fixture.c, variant A) and attach it to one interface of the current
 * network namespace; later invocations adopt the pinned maps to read
 * counters.
 *
 *   cg-attach attach PIN_DIR IFNAME     clsact + cg_tc_ingress/cg_tc_egress (direct action)
 *   cg-attach policy PIN_DIR POLICY DIR REASON   packets of one policy counter
 *   cg-attach device PIN_DIR MAC        "out_pass out_drop in_pass in_drop vlan"
 *   cg-attach misc PIN_DIR NAME         pulls | insert_fail | events_lost
 *
 * Attaching uses bpf_tc_hook_create/bpf_tc_attach (libbpf 1.1, Debian 12):
 * the filter holds the programs after this process exits; deleting the
 * namespace removes it. Errors are printed once, here, as "Error: ...".
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "camguard.h"
#include "compile.h"
#include "dataplane.h"
#include "names.h"
#include "fixture.h"

static int open_dp(const char *pin_dir, struct cg_dataplane **ret)
{
	struct cg_dataplane_opts opts = { .pin_dir = pin_dir };
	int rc = dataplane_load(&opts, ret);
	if (rc)
		fprintf(stderr, "Error: failed to load the data plane: %s\n", strerror(-rc));
	return rc;
}

static int tc_attach(struct cg_dataplane *dp, int ifindex, enum bpf_tc_attach_point where,
		     const char *prog)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = where);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = 1, .priority = 1,
		    .prog_fd = dataplane_prog_fd(dp, prog));
	int rc = bpf_tc_hook_create(&hook);     /* the clsact qdisc, once */
	if (rc && rc != -EEXIST)
		return rc;
	return bpf_tc_attach(&hook, &opts);
}

static int cmd_attach(const char *pin_dir, const char *ifname)
{
	struct cg_dataplane *dp;
	struct cg_compiled c;
	struct cg_model m;
	char err[256];
	int ifindex = (int)if_nametoindex(ifname), rc;

	if (!ifindex) {
		fprintf(stderr, "Error: no interface %s\n", ifname);
		return 1;
	}
	if (open_dp(pin_dir, &dp))
		return 1;
	fixture_model(&m, 'A');
	rc = compile_model(&m, &c, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "Error: failed to compile the fixture: %s\n", err);
		goto out;
	}
	rc = dataplane_apply(dp, &c);
	compiled_free(&c);
	if (rc) {
		fprintf(stderr, "Error: failed to apply the fixture: %s\n", strerror(-rc));
		goto out;
	}
	rc = tc_attach(dp, ifindex, BPF_TC_INGRESS, "cg_tc_ingress");
	if (!rc)
		rc = tc_attach(dp, ifindex, BPF_TC_EGRESS, "cg_tc_egress");
	if (rc)
		fprintf(stderr, "Error: failed to attach to %s: %s\n", ifname, strerror(-rc));
out:
	dataplane_free(dp);
	return rc ? 1 : 0;
}

static int cmd_policy(const char *pin_dir, const char *policy, const char *dir, const char *reason)
{
	static struct cg_counter st[CG_POLSTAT_ENTRIES];
	struct cg_dataplane *dp;
	int d = cg_dir_from_string(dir), r = cg_reason_from_string(reason), rc;
	long p = strtol(policy, NULL, 10);

	if (d < 0 || r < 0 || p < 0 || p >= CG_MAX_POLICIES) {
		fprintf(stderr, "Error: bad counter %s %s %s\n", policy, dir, reason);
		return 1;
	}
	if (open_dp(pin_dir, &dp))
		return 1;
	rc = dataplane_read_policy_stats(dp, st);
	if (rc)
		fprintf(stderr, "Error: failed to read policy counters: %s\n", strerror(-rc));
	else
		printf("%llu\n", (unsigned long long)st[CG_POLSTAT_INDEX(p, d, r)].packets);
	dataplane_free(dp);
	return rc ? 1 : 0;
}

static int cmd_device(const char *pin_dir, const char *mac)
{
	struct cg_dataplane *dp;
	struct cg_dev_stats st = {};
	unsigned b[6];
	uint8_t addr[6];
	int rc;

	if (sscanf(mac, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6) {
		fprintf(stderr, "Error: bad MAC %s\n", mac);
		return 1;
	}
	for (int i = 0; i < 6; i++)
		addr[i] = (uint8_t)b[i];
	if (open_dp(pin_dir, &dp))
		return 1;
	rc = dataplane_read_device(dp, addr, &st);
	if (rc == -ENOENT)
		rc = 0;       /* never seen: all zero */
	if (rc)
		fprintf(stderr, "Error: failed to read device %s: %s\n", mac, strerror(-rc));
	else
		printf("%llu %llu %llu %llu %u\n",
		       (unsigned long long)st.c[CG_DIR_OUT][CG_VERDICT_PASS].packets,
		       (unsigned long long)st.c[CG_DIR_OUT][CG_VERDICT_DROP].packets,
		       (unsigned long long)st.c[CG_DIR_IN][CG_VERDICT_PASS].packets,
		       (unsigned long long)st.c[CG_DIR_IN][CG_VERDICT_DROP].packets, st.vlan);
	dataplane_free(dp);
	return rc ? 1 : 0;
}

static int cmd_misc(const char *pin_dir, const char *name)
{
	static const char *const names[CG_MISC_MAX] = {
		[CG_MISC_EVENTS_LOST] = "events_lost",
		[CG_MISC_DEV_INSERT_FAIL] = "insert_fail",
		[CG_MISC_PULLS] = "pulls",
	};
	uint64_t v[CG_MISC_MAX];
	struct cg_dataplane *dp;
	int which = -1, rc;

	for (int i = 0; i < CG_MISC_MAX; i++)
		if (names[i] && strcmp(names[i], name) == 0)
			which = i;
	if (which < 0) {
		fprintf(stderr, "Error: unknown counter %s\n", name);
		return 1;
	}
	if (open_dp(pin_dir, &dp))
		return 1;
	rc = dataplane_read_misc(dp, v);
	if (rc)
		fprintf(stderr, "Error: failed to read misc counters: %s\n", strerror(-rc));
	else
		printf("%llu\n", (unsigned long long)v[which]);
	dataplane_free(dp);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	libbpf_set_print(NULL);
	if (argc == 4 && strcmp(argv[1], "attach") == 0)
		return cmd_attach(argv[2], argv[3]);
	if (argc == 6 && strcmp(argv[1], "policy") == 0)
		return cmd_policy(argv[2], argv[3], argv[4], argv[5]);
	if (argc == 4 && strcmp(argv[1], "device") == 0)
		return cmd_device(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "misc") == 0)
		return cmd_misc(argv[2], argv[3]);
	fprintf(stderr, "usage: cg-attach attach PIN_DIR IFNAME | policy PIN_DIR ID DIR REASON |"
			" device PIN_DIR MAC | misc PIN_DIR NAME\n");
	return 2;
}
