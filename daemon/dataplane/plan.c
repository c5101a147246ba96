// SPDX-License-Identifier: GPL-2.0-only
/*
 * plan.c — policy model -> the layer-neutral plan (plan.h).
 *
 * Owns the decisions both enforcement layers share, so that the BPF maps and
 * table inet camguard are two translations of one list and cannot disagree.
 * Every array is sized from the model before it is filled: no growth, one
 * allocation per list.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

static void prefix_mask(struct cg_prefix *p)
{
	int n = p->family == 4 ? 4 : 16;

	for (int i = 0; i < n; i++) {
		int bits = (int)p->len - i * 8;

		if (bits >= 8)
			continue;
		p->addr[i] &= bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
	}
}

static struct cg_plan_prefix plan_prefix(const struct cg_prefix *p, const struct cg_origin *o)
{
	struct cg_plan_prefix v = { .pfx = *p, .origin = o };

	prefix_mask(&v.pfx);
	return v;
}

static bool rule_is_plain_enclave(const struct cg_rule_spec *r)
{
	return r->enclave && r->proto == 0 && r->nranges == 0;
}

static struct cg_plan_rule plan_rule(const struct cg_rule_spec *r, uint8_t family, uint32_t spec)
{
	struct cg_plan_rule v = {
		.kind = r->kind, .enclave = r->enclave, .proto = r->proto,
		.nranges = (uint16_t)r->nranges, .spec = spec, .origin = &r->origin,
	};

	if (!r->enclave)
		v.pfx = r->prefix;
	v.pfx.family = family;
	prefix_mask(&v.pfx);
	if (v.proto == IPPROTO_ICMP && family == 6)
		v.proto = IPPROTO_ICMPV6;
	memcpy(v.ranges, r->ranges, r->nranges * sizeof(r->ranges[0]));
	return v;
}

/* A policy's deny prefixes and allow rules, and its flags. Its action is
 * the one camguard.conf's enforce leaves it (model_policy_action): under
 * enforce = "monitor" an isolate policy is planned as monitor, so the BPF
 * maps (conf.action) and the nftables chains (counter, no drop) both pass
 * and count what it would drop. Its deny lists stay drops, as under a
 * monitor policy of its own: the site wrote them as "never", they are not
 * what a roll-out has to find out. */
static int plan_policy(const struct cg_config *c, const struct cg_policy_spec *s,
		       struct cg_plan_policy *p)
{
	*p = (struct cg_plan_policy){ .name = s->name, .id = s->id,
				      .action = model_policy_action(c, s->action),
				      .nspecs = s->nrules };
	p->deny = calloc(s->ndeny ? s->ndeny : 1, sizeof(*p->deny));
	/* an enclave rule becomes one rule per family */
	p->rules = calloc(s->nrules ? 2 * s->nrules : 1, sizeof(*p->rules));
	if (!p->deny || !p->rules)
		return -ENOMEM;
	for (size_t i = 0; i < s->ndeny; i++)
		p->deny[p->ndeny++] = plan_prefix(&s->deny[i], s->deny_origins ? &s->deny_origins[i] : NULL);
	for (size_t i = 0; i < s->nrules; i++) {
		const struct cg_rule_spec *r = &s->rules[i];

		if (rule_is_plain_enclave(r)) {
			p->enclave_pass = true;
			continue;
		}
		if (!r->enclave) {
			p->rules[p->nrules++] = plan_rule(r, r->prefix.family, (uint32_t)i);
			continue;
		}
		p->rules[p->nrules++] = plan_rule(r, 4, (uint32_t)i);
		p->rules[p->nrules++] = plan_rule(r, 6, (uint32_t)i);
	}
	return 0;
}

/* Explicit devices in file order, then the devices the advisories moved
 * (issue 18) unless an admin listed the MAC explicitly: that entry wins. */
static int plan_devices(const struct cg_model *m, struct cg_plan *p)
{
	size_t n = m->nmoved;

	for (size_t i = 0; i < m->npolicies; i++)
		n += m->policies[i].ndevices;
	p->devices = calloc(n ? n : 1, sizeof(*p->devices));
	if (!p->devices)
		return -ENOMEM;
	for (size_t i = 0; i < m->npolicies; i++)
		for (size_t j = 0; j < m->policies[i].ndevices; j++) {
			const struct cg_device_spec *d = &m->policies[i].devices[j];
			struct cg_plan_device *v = &p->devices[p->ndevices++];

			memcpy(v->mac, d->mac, 6);
			v->policy = (uint16_t)i;
			v->origin = &d->origin;
		}
	for (size_t k = 0; k < m->nmoved; k++) {
		const struct cg_moved_device *mv = &m->moved[k];
		bool listed = mv->policy >= m->npolicies;

		for (size_t i = 0; i < m->npolicies && !listed; i++)
			for (size_t j = 0; j < m->policies[i].ndevices && !listed; j++)
				listed = !memcmp(m->policies[i].devices[j].mac, mv->mac, 6);
		if (listed)
			continue;
		struct cg_plan_device *v = &p->devices[p->ndevices++];

		memcpy(v->mac, mv->mac, 6);
		v->policy = mv->policy;
		v->moved = true;
	}
	return 0;
}

/* Vendor prefixes grouped by length (24, 28, 36), masked to it. */
static int plan_ouis(const struct cg_model *m, struct cg_plan *p)
{
	static const uint8_t lengths[] = { 24, 28, 36 };
	size_t n = 0;

	for (size_t i = 0; i < m->npolicies; i++)
		n += m->policies[i].nouis;
	p->ouis = calloc(n ? n : 1, sizeof(*p->ouis));
	if (!p->ouis)
		return -ENOMEM;
	for (size_t l = 0; l < sizeof(lengths); l++)
		for (size_t i = 0; i < m->npolicies; i++)
			for (size_t j = 0; j < m->policies[i].nouis; j++) {
				const struct cg_oui_spec *u = &m->policies[i].ouis[j];
				struct cg_prefix pf = { .family = 6, .len = u->bits };

				if (u->bits != lengths[l])
					continue;
				memcpy(pf.addr, u->bytes, 5);
				prefix_mask(&pf);
				struct cg_plan_oui *v = &p->ouis[p->nouis++];

				memcpy(v->bytes, pf.addr, 5);
				v->bits = u->bits;
				v->policy = (uint16_t)i;
				v->origin = &u->origin;
			}
	return 0;
}

static int plan_addresses(const struct cg_model *m, struct cg_plan *p)
{
	const struct cg_config *c = &m->config;

	p->enclave = calloc(c->nenclave ? c->nenclave : 1, sizeof(*p->enclave));
	p->protected = calloc(m->nprotected ? m->nprotected : 1, sizeof(*p->protected));
	if (!p->enclave || !p->protected)
		return -ENOMEM;
	for (size_t i = 0; i < c->nenclave; i++)
		p->enclave[p->nenclave++] = plan_prefix(&c->enclave[i], NULL);
	for (size_t i = 0; i < m->nprotected; i++)
		p->protected[p->nprotected++] = plan_prefix(&m->protected[i], NULL);
	p->ifaces = c->ifaces;
	p->nifaces = c->nifaces;
	return 0;
}

int plan_build(const struct cg_model *m, struct cg_plan *ret)
{
	struct cg_plan p = { .default_index = m->default_index, .strictest = CG_ACTION_ALLOW };
	int rc;

	if (m->npolicies == 0 || m->default_index >= m->npolicies || m->npolicies > UINT16_MAX)
		return -EINVAL;
	p.policies = calloc(m->npolicies, sizeof(*p.policies));
	rc = p.policies ? 0 : -ENOMEM;
	for (size_t i = 0; i < m->npolicies && !rc; i++) {
		p.npolicies++;
		rc = plan_policy(&m->config, &m->policies[i], &p.policies[i]);
		if (p.policies[i].action < p.strictest)
			p.strictest = p.policies[i].action;
	}
	if (!rc)
		rc = plan_devices(m, &p);
	if (!rc)
		rc = plan_ouis(m, &p);
	if (!rc)
		rc = plan_addresses(m, &p);
	if (rc) {
		plan_free(&p);
		return rc;
	}
	*ret = p;
	return 0;
}

void plan_free(struct cg_plan *p)
{
	for (size_t i = 0; i < p->npolicies; i++) {
		free(p->policies[i].deny);
		free(p->policies[i].rules);
	}
	free(p->policies);
	free(p->devices);
	free(p->ouis);
	free(p->enclave);
	free(p->protected);
	memset(p, 0, sizeof(*p));
}

size_t plan_count_family(const struct cg_plan_prefix *v, size_t n, uint8_t family)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += v[i].pfx.family == family;
	return k;
}

size_t plan_count_rules(const struct cg_plan_policy *p, uint8_t family, uint8_t kind)
{
	size_t k = 0;

	for (size_t i = 0; i < p->nrules; i++)
		k += !p->rules[i].enclave && p->rules[i].kind == kind && p->rules[i].pfx.family == family;
	return k;
}
