/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * plan.h — the layer-neutral plan: what one generation enforces, worked out
 * once from the policy model and consumed by both writers (compile.c turns it
 * into BPF map entries, daemon/nft/ into table inet camguard).
 *
 * Every decision that both layers must take alike is taken here and only
 * here: which policy an exact MAC belongs to (explicit devices, then the
 * devices the advisories moved unless an admin listed them), the OUI
 * prefixes masked to their length, the protocol each rule means in each
 * family (ICMP is ICMPv6 under IPv6), whether a policy passes the whole
 * enclave, the recorder's protected addresses, the action each policy takes
 * (camguard.conf's enforce = "monitor" turns isolate into monitor here, for
 * both layers at once), the strictest action present.
 * The writers only translate. Entries keep a pointer to where they came from
 * (file:line) so that a writer's error can name the policy element.
 *
 * The plan borrows strings and origins from the model it was built from:
 * it is valid while that model is.
 */
#ifndef CAMGUARD_PLAN_H
#define CAMGUARD_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* An exact MAC and the policy (index into cg_plan.policies) it belongs to. */
struct cg_plan_device {
	uint8_t mac[6];
	uint16_t policy;
	bool moved;                      /* placed there by an advisory */
	const struct cg_origin *origin;  /* NULL for moved devices */
};

/* A vendor prefix of 24, 28 or 36 bits, the bits beyond its length zero. */
struct cg_plan_oui {
	uint8_t bytes[5];
	uint8_t bits;
	uint16_t policy;
	const struct cg_origin *origin;
};

/* A prefix (host bits cleared) and its origin. */
struct cg_plan_prefix {
	struct cg_prefix pfx;
	const struct cg_origin *origin;
};

/* One allow-list entry. proto is already the protocol of the prefix's family
 * (ICMP under IPv6 is ICMPv6); 0 means any. An enclave rule (to = "enclave"
 * with a protocol or ports) holds one copy per family, pfx.family set and
 * pfx.len 0: it applies to every enclave prefix of that family. */
struct cg_plan_rule {
	struct cg_prefix pfx;
	uint8_t kind;                    /* CG_RULE_TO or CG_RULE_FROM */
	bool enclave;
	uint8_t proto;
	uint16_t nranges;                /* 0: any port */
	struct cg_port_range ranges[CG_RULE_MAX_RANGES];
	uint32_t spec;                   /* index of the rule in the policy file */
	const struct cg_origin *origin;
};

struct cg_plan_policy {
	const char *name;
	uint16_t id;                     /* stable id: the BPF policy slot */
	uint8_t action;                  /* enum cg_action, after enforce */
	bool enclave_pass;               /* a plain to = "enclave": the enclave passes */
	size_t nspecs;                   /* allow entries in the file (strictness tie-break) */
	struct cg_plan_prefix *deny;     /* both families */
	size_t ndeny;
	struct cg_plan_rule *rules;      /* both families */
	size_t nrules;
};

struct cg_plan {
	struct cg_plan_policy *policies; /* parallel to the model's policies */
	size_t npolicies;
	size_t default_index;
	uint8_t strictest;               /* the strictest action of any policy */
	struct cg_plan_device *devices;  /* explicit devices, then moved ones */
	size_t ndevices;
	struct cg_plan_oui *ouis;        /* ordered by length, then policy */
	size_t nouis;
	struct cg_plan_prefix *enclave;  /* both families */
	size_t nenclave;
	struct cg_plan_prefix *protected;/* the recorder's own addresses */
	size_t nprotected;
	const struct cg_iface_spec *ifaces;
	size_t nifaces;
};

/* Builds the plan of m. 0, -EINVAL (no default policy), -ENOMEM. */
int plan_build(const struct cg_model *m, struct cg_plan *ret);
void plan_free(struct cg_plan *p);

/* How many of n prefixes are of family (4 or 6). */
size_t plan_count_family(const struct cg_plan_prefix *v, size_t n, uint8_t family);

/* How many non-enclave rules of p have this kind and family. */
size_t plan_count_rules(const struct cg_plan_policy *p, uint8_t family, uint8_t kind);

#endif
