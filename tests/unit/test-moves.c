// SPDX-License-Identifier: GPL-2.0-only
/*
 * test-moves — which inventory devices a policy set moves (moves.c): a MAC
 * claimed by a `devices` entry of another policy, an OUI claimed by another
 * policy, a longer prefix, the default, and back; applying a list makes the
 * next computation empty; the JSON reply; and the resolution it relies on:
 * compiled_policy_for() answers the same with sorted tables (binary
 * searches) as with the scan, for random MACs under 24-, 28- and 36-bit
 * prefixes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "moves.h"

static int passed, failed;

#define CHECK(cond, ...)                                  \
	do {                                              \
		if (cond) {                               \
			passed++;                         \
		} else {                                  \
			failed++;                         \
			printf("not ok - ");              \
			printf(__VA_ARGS__);              \
			printf(" (%s:%d)\n", __FILE__, __LINE__); \
		}                                         \
	} while (0)

static const uint8_t HIK1[6] = { 0x44, 0x19, 0xb6, 0x00, 0x00, 0x01 };
static const uint8_t HIK2[6] = { 0x44, 0x19, 0xb6, 0x00, 0x00, 0x02 };
static const uint8_t DAHUA[6] = { 0x08, 0xed, 0xed, 0x00, 0x00, 0x03 };
static const uint8_t AXIS[6] = { 0x00, 0x40, 0x8c, 0x00, 0x00, 0x04 };
static const uint8_t LOCAL[6] = { 0x46, 0x19, 0xb6, 0x00, 0x00, 0x05 };

/* The policy set in its variants: which policy claims what. */
struct variant {
	bool hik1_quarantined;     /* devices entry for HIK1 in quarantine */
	bool dahua_oui_to_hik;     /* 08:ED:ED listed by hikvision instead of dahua */
	bool axis_mas;             /* a 36-bit 00:40:8C:00:0 prefix in quarantine */
};

static int compile_variant(const struct variant *v, struct cg_model *m, struct cg_compiled *c)
{
	static struct cg_oui_spec hik_oui[2], dah_oui[1], q_oui[1];
	static struct cg_device_spec q_dev[1];
	static struct cg_policy_spec pols[4];
	static struct cg_prefix enclave = { .family = 4, .len = 24, .addr = { 192, 0, 2, 0 } };
	char err[256];

	memset(pols, 0, sizeof(pols));
	hik_oui[0] = (struct cg_oui_spec){ .bytes = { 0x44, 0x19, 0xb6 }, .bits = 24 };
	hik_oui[1] = (struct cg_oui_spec){ .bytes = { 0x08, 0xed, 0xed }, .bits = 24 };
	dah_oui[0] = hik_oui[1];
	q_oui[0] = (struct cg_oui_spec){ .bytes = { 0x00, 0x40, 0x8c, 0x00, 0x00 }, .bits = 36 };
	memcpy(q_dev[0].mac, HIK1, 6);
	pols[0] = (struct cg_policy_spec){ .name = "hikvision", .id = 0, .action = CG_ACTION_ISOLATE,
					   .ouis = hik_oui, .nouis = v->dahua_oui_to_hik ? 2 : 1 };
	pols[1] = (struct cg_policy_spec){ .name = "dahua", .id = 1, .action = CG_ACTION_ISOLATE,
					   .ouis = dah_oui, .nouis = v->dahua_oui_to_hik ? 0 : 1 };
	pols[2] = (struct cg_policy_spec){ .name = "quarantine", .id = 2, .action = CG_ACTION_ISOLATE,
					   .devices = q_dev, .ndevices = v->hik1_quarantined,
					   .ouis = q_oui, .nouis = v->axis_mas };
	pols[3] = (struct cg_policy_spec){ .name = "unknown", .id = 7, .action = CG_ACTION_ISOLATE };
	*m = (struct cg_model){ .policies = pols, .npolicies = 4, .default_index = 3 };
	m->config.enclave = &enclave;
	m->config.nenclave = 1;
	int rc = compile_model(m, c, err, sizeof(err));
	if (rc)
		printf("compile_model: %s\n", err);
	return rc;
}

/* "from>to" per move, space separated, MAC order (the order moves_compute gives). */
static void summary(const struct cg_moves *mv, char *buf, size_t len)
{
	size_t off = 0;
	buf[0] = 0;
	for (size_t i = 0; i < mv->n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%02x:%s>%s", i ? " " : "",
					mv->v[i].mac[5], mv->v[i].from, mv->v[i].to);
}

/* Computes against variant v (sorted or not), checks the list, applies it. */
static void step(struct cg_inventory *inv, const struct variant *v, bool sorted, const char *want,
		 const char *what)
{
	struct cg_model m;
	struct cg_compiled c;
	struct cg_moves mv;
	char got[512];

	if (compile_variant(v, &m, &c)) {
		CHECK(0, "%s: compiles", what);
		return;
	}
	if (sorted)
		CHECK(compiled_sort_devices(&c) == 0, "%s: sort", what);
	CHECK(moves_compute(inv, &c, &m, &mv) == 0, "%s: moves_compute", what);
	summary(&mv, got, sizeof(got));
	CHECK(strcmp(got, want) == 0, "%s: moves \"%s\", want \"%s\"", what, got, want);

	/* The list is the reply, in the same order. */
	json_object *j = moves_to_json(&mv);
	CHECK(j && json_object_array_length(j) == mv.n, "%s: one JSON entry per move", what);
	if (j && mv.n) {
		json_object *o = json_object_array_get_idx(j, 0), *f;
		char mac[18];
		addr_format_mac(mv.v[0].mac, mac);
		CHECK(json_object_object_get_ex(o, "mac", &f) && !strcmp(json_object_get_string(f), mac) &&
		      json_object_object_get_ex(o, "to", &f) &&
		      !strcmp(json_object_get_string(f), mv.v[0].to) &&
		      json_object_object_get_ex(o, "from", &f) &&
		      !strcmp(json_object_get_string(f), mv.v[0].from) &&
		      json_object_object_get_ex(o, "vendor", &f),
		      "%s: JSON fields mac, vendor, from, to", what);
	}
	json_object_put(j);

	moves_apply(inv, &mv);
	moves_free(&mv);
	CHECK(inventory_dirty(inv), "%s: the inventory is marked for saving", what);
	CHECK(moves_compute(inv, &c, &m, &mv) == 0 && mv.n == 0, "%s: applied, nothing left to move",
	      what);
	moves_free(&mv);
	compiled_free(&c);
}

static const char *policy_of(const struct cg_inventory *inv, const uint8_t mac[6])
{
	const struct cg_inv_device *d = inventory_find(inv, mac);
	return d ? d->policy : "(none)";
}

/* Sorted tables answer as the scan does: random MACs near and under the
 * prefixes of every length, plus 2,000 random OUIs in three policies. */
static void sorted_equals_scan(void)
{
	enum { NOUI = 2000, NQ = 20000 };
	struct cg_oui_spec *o = calloc(NOUI, sizeof(*o));
	struct cg_policy_spec pols[4] = {
		{ .name = "a", .id = 0 }, { .name = "b", .id = 1 }, { .name = "c", .id = 2 },
		{ .name = "d", .id = 3 },
	};
	struct cg_model m = { .policies = pols, .npolicies = 4, .default_index = 3 };
	struct cg_compiled c1, c2;
	char err[256];
	size_t per = NOUI / 3;

	srand(20);
	/* A small first octet space so that 24-, 28- and 36-bit prefixes nest. */
	for (size_t i = 0; i < NOUI; i++) {
		static const uint8_t bits[] = { 24, 28, 36 };
		o[i].bits = bits[i % 3];
		o[i].bytes[0] = (uint8_t)((rand() % 4) << 2);
		o[i].bytes[1] = (uint8_t)(rand() % 8);
		o[i].bytes[2] = (uint8_t)(rand() % 64);
		o[i].bytes[3] = o[i].bits > 24 ? (uint8_t)(rand() & 0xf0) : 0;
		o[i].bytes[4] = o[i].bits > 32 ? (uint8_t)(rand() & 0xf0) : 0;
		if (o[i].bits == 36)
			o[i].bytes[3] = (uint8_t)rand();
	}
	/* Duplicates would be a compile-time conflict: keep the first. */
	size_t n = 0;
	for (size_t i = 0; i < NOUI; i++) {
		bool dup = false;
		for (size_t k = 0; k < n && !dup; k++)
			dup = o[k].bits == o[i].bits && !memcmp(o[k].bytes, o[i].bytes, 5);
		if (!dup)
			o[n++] = o[i];
	}
	per = n / 3;
	pols[0].ouis = o;
	pols[0].nouis = per;
	pols[1].ouis = o + per;
	pols[1].nouis = per;
	pols[2].ouis = o + 2 * per;
	pols[2].nouis = n - 2 * per;
	if (compile_model(&m, &c1, err, sizeof(err)) || compile_model(&m, &c2, err, sizeof(err))) {
		CHECK(0, "random OUIs compile: %s", err);
		free(o);
		return;
	}
	CHECK(compiled_sort_devices(&c2) == 0, "sort random OUIs");
	size_t differ = 0, hits = 0;
	for (int q = 0; q < NQ; q++) {
		uint8_t mac[6];
		const struct cg_oui_spec *base = &o[(size_t)rand() % n];
		memcpy(mac, base->bytes, 5);
		mac[5] = (uint8_t)rand();
		/* Half under a known prefix, half with random low bits. */
		if (q & 1)
			for (int k = 2; k < 6; k++)
				mac[k] = (uint8_t)rand();
		else if (base->bits == 24)
			mac[3] = (uint8_t)rand(), mac[4] = (uint8_t)rand();
		else if (base->bits == 28)
			mac[3] = (uint8_t)((mac[3] & 0xf0) | (rand() & 0x0f)), mac[4] = (uint8_t)rand();
		else
			mac[4] = (uint8_t)((mac[4] & 0xf0) | (rand() & 0x0f));
		unsigned a = compiled_policy_for(&c1, mac), b = compiled_policy_for(&c2, mac);
		differ += a != b;
		hits += a != 3;
	}
	CHECK(differ == 0, "sorted and scanned resolution agree (%zu of %d differ)", differ, NQ);
	CHECK(hits > NQ / 2, "most queries hit a prefix (%zu of %d)", hits, NQ);
	compiled_free(&c1);
	compiled_free(&c2);
	free(o);
}

int main(void)
{
	struct cg_inventory *inv;
	static const struct { const uint8_t *mac; const char *policy; } devs[] = {
		{ HIK1, "hikvision" }, { HIK2, "hikvision" }, { DAHUA, "dahua" },
		{ AXIS, "unknown" }, { LOCAL, "unknown" },
	};

	CHECK(inventory_new(16, &inv) == 0, "inventory_new");
	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		struct cg_inv_device *d = inventory_touch(inv, devs[i].mac, 1000 + (int64_t)i, NULL);
		snprintf(d->policy, sizeof(d->policy), "%s", devs[i].policy);
	}

	for (int sorted = 0; sorted < 2; sorted++) {
		const char *how = sorted ? "sorted" : "scan";
		char what[64];
		struct variant base = {}, q1 = { .hik1_quarantined = true },
			       oui = { .hik1_quarantined = true, .dahua_oui_to_hik = true },
			       mas = { .dahua_oui_to_hik = true, .axis_mas = true };

		snprintf(what, sizeof(what), "%s: unchanged set", how);
		step(inv, &base, sorted, "", what);
		snprintf(what, sizeof(what), "%s: devices entry", how);
		step(inv, &q1, sorted, "01:hikvision>quarantine", what);
		CHECK(!strcmp(policy_of(inv, HIK1), "quarantine"), "%s: HIK1 now quarantine", how);
		CHECK(!strcmp(policy_of(inv, HIK2), "hikvision"), "%s: HIK2 stays (same OUI)", how);
		snprintf(what, sizeof(what), "%s: OUI claimed by another policy", how);
		step(inv, &oui, sorted, "03:dahua>hikvision", what);
		snprintf(what, sizeof(what), "%s: back, and a 36-bit prefix", how);
		/* MAC order: 00:40:8c… before 08:ed:ed… before 44:19:b6… */
		step(inv, &mas, sorted, "04:unknown>quarantine 01:quarantine>hikvision", what);
		CHECK(!strcmp(policy_of(inv, LOCAL), "unknown"),
		      "%s: a locally administered MAC never matches an OUI", how);
		snprintf(what, sizeof(what), "%s: all back", how);
		step(inv, &base, sorted, "04:quarantine>unknown 03:hikvision>dahua", what);
	}

	/* An empty inventory, and none at all. */
	struct cg_inventory *empty;
	struct cg_model m;
	struct cg_compiled c;
	struct cg_moves mv;
	struct variant base = {};
	CHECK(inventory_new(4, &empty) == 0, "inventory_new (empty)");
	if (compile_variant(&base, &m, &c) == 0) {
		CHECK(moves_compute(empty, &c, &m, &mv) == 0 && mv.n == 0, "empty inventory: no moves");
		moves_free(&mv);
		CHECK(moves_compute(NULL, &c, &m, &mv) == 0 && mv.n == 0, "no inventory: no moves");
		moves_free(&mv);
		compiled_free(&c);
	}
	inventory_free(empty);
	inventory_free(inv);

	sorted_equals_scan();

	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
