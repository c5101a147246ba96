// SPDX-License-Identifier: GPL-2.0-only
/*
 * cg-attach.c — test helper for netns.sh: load the data plane with its maps
 * pinned in a test-owned bpffs directory, apply the bpf suite's fixture
 * (fixture.c, variant A) and attach it to one interface of the current
 * network namespace; later invocations read counters from the pinned maps.
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

/*
 * The readers open the pinned maps directly instead of loading the data
 * plane again: loading means verifying every program, seconds per call,
 * and netns.sh reads counters dozens of times.
 */
static int pinned(const char *pin_dir, const char *map)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", pin_dir, map);
	fd = bpf_obj_get(path);
	if (fd < 0)
		fprintf(stderr, "Error: failed to open %s: %s\n", path, strerror(errno));
	return fd;
}

/* Sums one per-CPU value made of n u64 words into out. */
static int read_percpu(int fd, const void *key, size_t words, uint64_t *out)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *per;

	if (ncpu <= 0)
		return -EINVAL;
	per = calloc((size_t)ncpu, words * sizeof(uint64_t));
	if (!per)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, key, per) < 0) {
		int rc = -errno;
		free(per);
		return rc;
	}
	memset(out, 0, words * sizeof(uint64_t));
	for (int c = 0; c < ncpu; c++)
		for (size_t w = 0; w < words; w++)
			out[w] += per[(size_t)c * words + w];
	free(per);
	return 0;
}

static int cmd_policy(const char *pin_dir, const char *policy, const char *dir, const char *reason)
{
	int d = cg_dir_from_string(dir), r = cg_reason_from_string(reason), fd, rc;
	long p = strtol(policy, NULL, 10);
	uint64_t v[2];

	if (d < 0 || r < 0 || p < 0 || p >= CG_MAX_POLICIES) {
		fprintf(stderr, "Error: bad counter %s %s %s\n", policy, dir, reason);
		return 1;
	}
	if ((fd = pinned(pin_dir, "cg_pol_stats")) < 0)
		return 1;
	uint32_t key = CG_POLSTAT_INDEX((uint32_t)p, (uint32_t)d, (uint32_t)r);
	rc = read_percpu(fd, &key, 2, v);
	close(fd);
	if (rc) {
		fprintf(stderr, "Error: failed to read policy counters: %s\n", strerror(-rc));
		return 1;
	}
	printf("%llu\n", (unsigned long long)v[0]);
	return 0;
}

static int cmd_device(const char *pin_dir, const char *mac)
{
	struct cg_mac_key key = {};
	int ncpu = libbpf_num_possible_cpus(), fd;
	uint64_t c[CG_DIR_MAX][CG_VERDICT_MAX] = {};
	unsigned b[6], vlan = 0;

	if (sscanf(mac, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6) {
		fprintf(stderr, "Error: bad MAC %s\n", mac);
		return 1;
	}
	for (int i = 0; i < 6; i++)
		key.addr[i] = (uint8_t)b[i];
	if (ncpu <= 0 || (fd = pinned(pin_dir, "cg_dev_stats")) < 0)
		return 1;
	struct cg_dev_stats *per = calloc((size_t)ncpu, sizeof(*per));
	if (!per) {
		close(fd);
		return 1;
	}
	if (bpf_map_lookup_elem(fd, &key, per) == 0) {
		for (int cpu = 0; cpu < ncpu; cpu++) {
			for (int d = 0; d < CG_DIR_MAX; d++)
				for (int v = 0; v < CG_VERDICT_MAX; v++)
					c[d][v] += per[cpu].c[d][v].packets;
			if (per[cpu].vlan)
				vlan = per[cpu].vlan;
		}
	}                       /* never seen: all zero */
	free(per);
	close(fd);
	printf("%llu %llu %llu %llu %u\n", (unsigned long long)c[CG_DIR_OUT][CG_VERDICT_PASS],
	       (unsigned long long)c[CG_DIR_OUT][CG_VERDICT_DROP],
	       (unsigned long long)c[CG_DIR_IN][CG_VERDICT_PASS],
	       (unsigned long long)c[CG_DIR_IN][CG_VERDICT_DROP], vlan);
	return 0;
}

static int cmd_misc(const char *pin_dir, const char *name)
{
	static const char *const names[CG_MISC_MAX] = {
		[CG_MISC_EVENTS_LOST] = "events_lost",
		[CG_MISC_DEV_INSERT_FAIL] = "insert_fail",
		[CG_MISC_PULLS] = "pulls",
		[CG_MISC_DISC_COPIES] = "disc_copies",
		[CG_MISC_DISC_LIMITED] = "disc_limited",
		[CG_MISC_DISC_FRAGS] = "disc_frags",
		[CG_MISC_DISC_FRAG_UNTRACKED] = "disc_frag_untracked",
		[CG_MISC_DISC_FRAG_OVERSIZE] = "disc_frag_oversize",
	};
	uint32_t which = CG_MISC_MAX;
	uint64_t v;
	int fd, rc;

	for (uint32_t i = 0; i < CG_MISC_MAX; i++)
		if (names[i] && strcmp(names[i], name) == 0)
			which = i;
	if (which == CG_MISC_MAX) {
		fprintf(stderr, "Error: unknown counter %s\n", name);
		return 1;
	}
	if ((fd = pinned(pin_dir, "cg_misc")) < 0)
		return 1;
	rc = read_percpu(fd, &which, 1, &v);
	close(fd);
	if (rc) {
		fprintf(stderr, "Error: failed to read misc counters: %s\n", strerror(-rc));
		return 1;
	}
	printf("%llu\n", (unsigned long long)v);
	return 0;
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
