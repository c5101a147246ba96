// SPDX-License-Identifier: GPL-2.0-only
/*
 * test-evidence.c — the daemon's denied-flow table (daemon/inventory/evidence*.c)
 * without a data plane: rows as cg_flows would hold them are merged, saved,
 * loaded, folded at a new map instance and bounded, and after every step a
 * device's rows + overflow must equal what was counted for it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evidence.h"
#include "test-check.h"

#define NDEV 3
#define NFLOW 40

static const uint8_t macs[NDEV][6] = {
	{ 0x44, 0x19, 0xb6, 0, 0, 1 },
	{ 0x3c, 0xef, 0x8c, 0, 0, 1 },
	{ 0x00, 0x40, 0x8c, 0, 0, 1 },
};

/* What the "data plane" counted per device: [would]. */
static uint64_t counted[NDEV][2];

static void key_of(struct cg_flow_key *k, int dev, int flow, int would)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->mac, macs[dev], 6);
	k->dir = flow & 1;
	k->family = 4;
	k->proto = 17;
	k->port = (uint16_t)(1000 + flow);
	k->reason = CG_REASON_EGRESS;
	k->would = (uint8_t)would;
	k->addr[0] = 203;
	k->addr[1] = 0;
	k->addr[2] = 113;
	k->addr[3] = (uint8_t)flow;
}

/* A map's content: flow f of device d has (d + 1) * (f + 1) * scale packets. */
static void map_state(struct cg_flow_key *keys, struct cg_flow *vals, size_t *n, uint64_t scale,
		      int would)
{
	*n = 0;
	for (int d = 0; d < NDEV; d++)
		for (int f = 0; f < NFLOW; f++) {
			key_of(&keys[*n], d, f, would);
			vals[*n] = (struct cg_flow){
				.packets = (uint64_t)(d + 1) * (uint64_t)(f + 1) * scale,
				.bytes = (uint64_t)(d + 1) * (uint64_t)(f + 1) * scale * 100,
				.first_ns = 1000000000ull, .last_ns = 5000000000ull + (uint64_t)f * 1000000000ull,
				.policy = (uint16_t)d,
			};
			(*n)++;
		}
}

static uint64_t expected(int d, uint64_t scale)
{
	return (uint64_t)(d + 1) * scale * NFLOW * (NFLOW + 1) / 2;
}

static void check_totals(const struct cg_evidence *ev, const char *when)
{
	for (int d = 0; d < NDEV; d++) {
		uint64_t t[2];
		evidence_device_totals(ev, macs[d], t);
		CHECK(t[0] == counted[d][0] && t[1] == counted[d][1],
		      "%s: device %d: rows + overflow %llu/%llu, counted %llu/%llu", when, d,
		      (unsigned long long)t[0], (unsigned long long)t[1],
		      (unsigned long long)counted[d][0], (unsigned long long)counted[d][1]);
	}
}

int main(void)
{
	static struct cg_flow_key keys[NDEV * NFLOW];
	static struct cg_flow vals[NDEV * NFLOW];
	struct cg_evidence *ev, *ev2;
	char path[] = "/tmp/cg-test-evidence-XXXXXX";
	size_t n;

	int fd = mkstemp(path);
	CHECK(fd >= 0, "mkstemp: %s", strerror(errno));
	close(fd);

	CHECK(evidence_new(0, &ev) == 0, "evidence_new");
	evidence_set_instance(ev, "boot-a/1");

	/* 1. Merge, then merge the same map grown: totals follow the map. */
	map_state(keys, vals, &n, 1, 0);
	CHECK(evidence_merge_rows(ev, keys, vals, n, 10000000000ull, 1000000) == 0, "merge");
	for (int d = 0; d < NDEV; d++)
		counted[d][0] = expected(d, 1);
	check_totals(ev, "first merge");
	CHECK(evidence_rows(ev) == NDEV * NFLOW, "rows %zu", evidence_rows(ev));
	map_state(keys, vals, &n, 3, 0);
	CHECK(evidence_merge_rows(ev, keys, vals, n, 10000000000ull, 1000000) == 0, "merge");
	CHECK(evidence_merge_rows(ev, keys, vals, n, 10000000000ull, 1000000) == 0, "merge twice");
	for (int d = 0; d < NDEV; d++)
		counted[d][0] = expected(d, 3);
	check_totals(ev, "grown map, merged twice");

	/* would-drop rows and a device's overflow */
	map_state(keys, vals, &n, 2, 1);
	CHECK(evidence_merge_rows(ev, keys, vals, n, 10000000000ull, 1000000) == 0, "merge would");
	uint64_t over[2] = { 7, 11 };
	CHECK(evidence_merge_over(ev, macs[1], over) == 0, "merge over");
	CHECK(evidence_merge_over(ev, macs[1], over) == 0, "merge over twice");
	for (int d = 0; d < NDEV; d++)
		counted[d][1] = expected(d, 2);
	counted[1][0] += 7;
	counted[1][1] += 11;
	check_totals(ev, "would rows and overflow");
	CHECK(evidence_overflow(ev, macs[1], 1) == 11, "overflow would");

	/* Times: first 9 s before "now" (mono 10 s, row first 1 s). */
	struct cg_evidence_row *rows;
	size_t nr;
	struct cg_evidence_filter all = { .policy = -1, .would = -1 };
	CHECK(evidence_query(ev, &all, &rows, &nr) == 0 && nr == 2 * NDEV * NFLOW, "query all: %zu", nr);
	for (size_t i = 1; i < nr; i++)
		CHECK(rows[i - 1].packets >= rows[i].packets, "sorted by packets at %zu", i);
	CHECK(nr && rows[0].first == 1000000 - 9, "first %lld", nr ? (long long)rows[0].first : 0);
	free(rows);

	/* Filters: device, policy, would, since. */
	struct cg_evidence_filter f = { .mac = macs[2], .policy = -1, .would = 1 };
	CHECK(evidence_query(ev, &f, &rows, &nr) == 0 && nr == NFLOW, "query dev+would: %zu", nr);
	for (size_t i = 0; i < nr; i++)
		CHECK(rows[i].key.would == 1 && !memcmp(rows[i].key.mac, macs[2], 6), "filter row %zu", i);
	free(rows);
	f = (struct cg_evidence_filter){ .policy = 1, .would = 0 };
	CHECK(evidence_query(ev, &f, &rows, &nr) == 0 && nr == NFLOW, "query policy: %zu", nr);
	free(rows);
	/* last = now - (10 s - (5 + f) s): since now - 1 keeps flows 4..39 */
	f = (struct cg_evidence_filter){ .policy = -1, .would = 0, .since = 1000000 - 1 };
	CHECK(evidence_query(ev, &f, &rows, &nr) == 0 && nr == NDEV * (NFLOW - 4), "query since: %zu", nr);
	free(rows);

	/* 2. Save, load into a fresh table: the same totals, not dirty. */
	CHECK(evidence_dirty(ev), "dirty after merges");
	CHECK(evidence_save(ev, path) == 0, "save");
	CHECK(!evidence_dirty(ev), "clean after save");
	CHECK(evidence_new(0, &ev2) == 0, "evidence_new");
	CHECK(evidence_load(ev2, path) == 0, "load");
	check_totals(ev2, "loaded");
	CHECK(!strcmp(evidence_instance(ev2), "boot-a/1"), "instance %s", evidence_instance(ev2));

	/* 3. kill -9 and restart: the same map instance, grown meanwhile. */
	evidence_set_instance(ev2, "boot-a/1");
	map_state(keys, vals, &n, 5, 0);
	CHECK(evidence_merge_rows(ev2, keys, vals, n, 10000000000ull, 1000000) == 0, "merge");
	for (int d = 0; d < NDEV; d++)
		counted[d][0] = expected(d, 5) + (d == 1 ? 7 : 0);
	check_totals(ev2, "restart, same map");

	/* 4. Reboot: a new map instance counts from zero again; totals add. */
	evidence_set_instance(ev2, "boot-b/1");
	CHECK(evidence_dirty(ev2), "dirty after a new instance");
	map_state(keys, vals, &n, 1, 0);
	CHECK(evidence_merge_rows(ev2, keys, vals, n, 10000000000ull, 1000000) == 0, "merge");
	uint64_t over2[2] = { 3, 0 };
	CHECK(evidence_merge_over(ev2, macs[1], over2) == 0, "merge over");
	for (int d = 0; d < NDEV; d++)
		counted[d][0] += expected(d, 1);
	counted[1][0] += 3;
	check_totals(ev2, "after a reboot");
	/* An evicted and re-made device entry counts its overflow from zero. */
	uint64_t over3[2] = { 1, 0 };
	CHECK(evidence_merge_over(ev2, macs[1], over3) == 0, "merge over");
	counted[1][0] += 1;
	check_totals(ev2, "device entry made anew");

	uint64_t saved[NDEV][2];
	memcpy(saved, counted, sizeof(saved));

	/* 5. The bound: a table of 1.5 x NDEV x NFLOW rows given another
	 * instance's new flows folds the oldest rows into overflow, exactly. */
	evidence_free(ev);
	CHECK(evidence_new(NDEV * NFLOW + NDEV * NFLOW / 2, &ev) == 0, "evidence_new small");
	evidence_set_instance(ev, "boot-c/1");
	map_state(keys, vals, &n, 1, 0);
	CHECK(evidence_merge_rows(ev, keys, vals, n, 10000000000ull, 1000000) == 0, "merge");
	evidence_set_instance(ev, "boot-c/2");
	map_state(keys, vals, &n, 1, 1);     /* other keys: would rows */
	CHECK(evidence_merge_rows(ev, keys, vals, n, 10000000000ull, 1000000) == 0, "merge");
	CHECK(evidence_rows(ev) == NDEV * NFLOW + NDEV * NFLOW / 2, "bounded rows %zu", evidence_rows(ev));
	for (int d = 0; d < NDEV; d++)
		counted[d][0] = counted[d][1] = expected(d, 1);
	check_totals(ev, "bounded table");
	size_t no;
	evidence_overflows(ev, &no);
	CHECK(no > 0, "folded rows show as overflow");

	/* 6. Hostile files change nothing. */
	FILE *fp = fopen(path, "w");
	fputs("CGEVID1\nnot really", fp);
	fclose(fp);
	CHECK(evidence_load(ev2, path) == -EINVAL, "short file");
	memcpy(counted, saved, sizeof(saved));
	check_totals(ev2, "after a bad load");
	unlink(path);
	CHECK(evidence_load(ev2, path) == -ENOENT, "missing file");

	evidence_free(ev);
	evidence_free(ev2);
	printf("%d checks, %d failures\n", checks, failures);
	return failures ? 1 : 0;
}
