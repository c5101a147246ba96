// SPDX-License-Identifier: GPL-2.0-only
/*
 * test-compile — the policy compiler, entry by entry, for a small policy set:
 * what goes to the hash maps and what to the LPM tries, how covering prefixes
 * are merged into each entry, rule-set sharing, and the device -> policy
 * resolution that reload --dry-run uses (sorted and unsorted).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "compile.h"

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

static struct cg_prefix pfx4(const char *a, int len)
{
	struct cg_prefix p = { .family = 4, .len = (uint8_t)len };
	inet_pton(AF_INET, a, p.addr);
	return p;
}

/* The peer entry for policy/address in the exact-host table, or NULL. */
static const struct cg_peer *host4(const struct cg_compiled *c, uint16_t policy, const char *a)
{
	struct cg_peer4_key k = { .policy = policy };
	inet_pton(AF_INET, a, k.addr);
	for (size_t i = 0; i < c->peer4.n; i++)
		if (!memcmp(&c->peer4.keys[i], &k, sizeof(k)))
			return &c->peer4.values[i];
	return NULL;
}

static const struct cg_peer *lpm4(const struct cg_compiled *c, uint16_t policy, const char *a,
				  int len)
{
	struct cg_lpm4_key k = { .prefixlen = 16u + (unsigned)len,
				 .policy = { policy >> 8, policy & 0xff } };
	inet_pton(AF_INET, a, k.addr);
	for (size_t i = 0; i < c->lpm4.n; i++)
		if (!memcmp(&c->lpm4.keys[i], &k, sizeof(k)))
			return &c->lpm4.values[i];
	return NULL;
}

int main(void)
{
	struct cg_prefix enclave = pfx4("192.0.2.0", 24);
	struct cg_prefix deny[] = { pfx4("203.0.113.0", 24) };
	struct cg_prefix protected[] = { pfx4("192.0.2.1", 32) };
	struct cg_rule_spec hik_rules[] = {
		{ .kind = CG_RULE_TO, .enclave = true },
		{ .kind = CG_RULE_TO, .prefix = pfx4("198.51.100.10", 32), .proto = 17,
		  .nranges = 1, .ranges = { { 123, 123 } } },
		{ .kind = CG_RULE_FROM, .prefix = pfx4("198.51.100.0", 24), .proto = 6,
		  .nranges = 2, .ranges = { { 443, 443 }, { 8000, 8010 } } },
	};
	struct cg_rule_spec dah_rules[] = {
		{ .kind = CG_RULE_TO, .prefix = pfx4("198.51.100.10", 32), .proto = 17,
		  .nranges = 1, .ranges = { { 123, 123 } } },
	};
	struct cg_device_spec devs[] = { { .mac = { 0x44, 0x19, 0xb6, 0, 0, 1 } } };
	struct cg_oui_spec hik_oui[] = { { .bytes = { 0x44, 0x19, 0xb6 }, .bits = 24 } };
	struct cg_oui_spec dah_oui[] = { { .bytes = { 0x44, 0x19, 0xb6, 0x50 }, .bits = 28 } };
	struct cg_policy_spec pols[] = {
		{ .name = "hikvision", .id = 0, .action = CG_ACTION_ISOLATE, .rules = hik_rules,
		  .nrules = 3, .ouis = hik_oui, .nouis = 1, .deny = deny, .ndeny = 1 },
		{ .name = "dahua", .id = 1, .action = CG_ACTION_MONITOR, .rules = dah_rules,
		  .nrules = 1, .ouis = dah_oui, .nouis = 1, .devices = devs, .ndevices = 1 },
		{ .name = "unknown", .id = 5, .action = CG_ACTION_ISOLATE },
	};
	struct cg_model m = { .policies = pols, .npolicies = 3, .default_index = 2,
			      .protected = protected, .nprotected = 1 };
	struct cg_compiled c;
	char err[256] = "";
	const struct cg_peer *v;

	m.config.enclave = &enclave;
	m.config.nenclave = 1;
	int rc = compile_model(&m, &c, err, sizeof(err));
	CHECK(rc == 0, "compile_model: %d %s", rc, err);
	if (rc)
		return 1;

	/* configuration */
	CHECK(c.conf.default_policy == 5, "default policy id 5, got %u", c.conf.default_policy);
	CHECK(c.conf.action[0] == CG_ACTION_ISOLATE && c.conf.action[1] == CG_ACTION_MONITOR &&
	      c.conf.action[5] == CG_ACTION_ISOLATE, "actions by id");

	/* devices and OUIs */
	CHECK(c.devs.n == 1 && c.devs.values[0].policy == 1, "one exact device, policy dahua");
	CHECK(c.ouis.n == 2, "two OUI prefixes, got %zu", c.ouis.n);
	for (size_t i = 0; i < c.ouis.n; i++)
		CHECK((c.ouis.keys[i].prefixlen == 24 && c.ouis.values[i].policy == 0) ||
		      (c.ouis.keys[i].prefixlen == 28 && c.ouis.values[i].policy == 1),
		      "OUI %zu: prefixlen %u -> policy %u", i, c.ouis.keys[i].prefixlen,
		      c.ouis.values[i].policy);

	/* hikvision: the enclave passes, the recorder is protected and inherits it */
	v = lpm4(&c, 0, "192.0.2.0", 24);
	CHECK(v && v->flags == (CG_PEER_ENCLAVE | CG_PEER_PASS), "hik enclave /24 in the LPM");
	v = host4(&c, 0, "192.0.2.1");
	CHECK(v && v->flags == (CG_PEER_ENCLAVE | CG_PEER_PASS | CG_PEER_PROTECTED),
	      "hik recorder /32 in the hash, merged with the enclave (flags %#x)", v ? v->flags : 0);
	/* the NTP host: a /32 rule inside a /24 'from' rule: both rule sets merged */
	v = host4(&c, 0, "198.51.100.10");
	CHECK(v && (v->flags & CG_PEER_RULES), "hik NTP host has rules");
	if (v && (v->flags & CG_PEER_RULES)) {
		const struct cg_ruleset *rs = &c.rulesets[v->ruleset];
		CHECK(rs->count == 3, "NTP host: udp/123 + tcp/443 + tcp/8000-8010, got %u rules",
		      rs->count);
	}
	v = lpm4(&c, 0, "198.51.100.0", 24);
	CHECK(v && (v->flags & CG_PEER_RULES) && c.rulesets[v->ruleset].count == 2,
	      "hik /24 from-rule: two port ranges");
	v = lpm4(&c, 0, "203.0.113.0", 24);
	CHECK(v && v->flags == CG_PEER_DENY, "hik deny list /24");
	CHECK(!lpm4(&c, 1, "203.0.113.0", 24), "deny list stays in its own policy");

	/* dahua: no enclave rule, so the enclave is known (spoof check) but not passed */
	v = lpm4(&c, 1, "192.0.2.0", 24);
	CHECK(v && v->flags == CG_PEER_ENCLAVE, "dahua enclave without PASS (flags %#x)",
	      v ? v->flags : 0);
	/* the same udp/123 rule set is shared, not stored twice */
	const struct cg_peer *a = host4(&c, 1, "198.51.100.10");
	CHECK(a && (a->flags & CG_PEER_RULES) && c.rulesets[a->ruleset].count == 1,
	      "dahua NTP host: one rule");
	/* unknown: only the enclave facts and the protected recorder */
	v = host4(&c, 5, "192.0.2.1");
	CHECK(v && (v->flags & CG_PEER_PROTECTED) && !(v->flags & CG_PEER_PASS),
	      "unknown: recorder protected, enclave not passed");

	/* device -> policy, as the data plane resolves it, before and after sorting */
	static const struct { uint8_t mac[6]; unsigned want; const char *what; } q[] = {
		{ { 0x44, 0x19, 0xb6, 0x00, 0x00, 0x01 }, 1, "exact MAC beats the OUI" },
		{ { 0x44, 0x19, 0xb6, 0x50, 0x00, 0x02 }, 1, "MA-M beats MA-L" },
		{ { 0x44, 0x19, 0xb6, 0x60, 0x00, 0x02 }, 0, "MA-L" },
		{ { 0x46, 0x19, 0xb6, 0x50, 0x00, 0x02 }, 5, "locally administered: default" },
		{ { 0x00, 0x40, 0x8c, 0x00, 0x00, 0x03 }, 5, "unknown prefix: default" },
	};
	for (int pass = 0; pass < 2; pass++) {
		if (pass)
			CHECK(compiled_sort_devices(&c) == 0 && c.devs_sorted, "sort devices");
		for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++)
			CHECK(compiled_policy_for(&c, q[i].mac) == q[i].want, "%s (%s)", q[i].what,
			      pass ? "sorted" : "unsorted");
	}

	compiled_free(&c);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
