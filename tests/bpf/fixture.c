// SPDX-License-Identifier: GPL-2.0-only
/*
 * fixture.c — the bpf suite's policy set, built from model structs.
 *
 * Variant B differs from A in exactly four ways, each visible to one flip test:
 *   - P_HIK gains { to = 203.0.113.99; proto = tcp; ports = 8666; }
 *   - 44:19:b6:00:00:42 leaves P_PIN's device list (falls back to P_HIK's OUI)
 *   - the enclave gains 203.0.113.128/25
 *   - P_AXIS turns from allow into isolate
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

#define MAXN 8

struct pol {
	struct cg_oui_spec ouis[MAXN];
	struct cg_device_spec devs[MAXN];
	struct cg_rule_spec rules[MAXN];
	struct cg_prefix deny[MAXN];
};

static struct pol store[P_COUNT];
static struct cg_policy_spec specs[P_COUNT];
static struct cg_prefix enclave[4];
static struct cg_prefix recorder[2];   /* the recorder's own addresses: protected */

static void die(const char *what, const char *s)
{
	fprintf(stderr, "fixture: bad %s '%s'\n", what, s);
	exit(1);
}

static struct cg_prefix pfx(const char *s)
{
	struct cg_prefix p = {};
	char buf[64];
	const char *slash = strchr(s, '/');

	snprintf(buf, sizeof(buf), "%.*s", slash ? (int)(slash - s) : (int)strlen(s), s);
	if (inet_pton(AF_INET, buf, p.addr) == 1)
		p.family = 4, p.len = 32;
	else if (inet_pton(AF_INET6, buf, p.addr) == 1)
		p.family = 6, p.len = 128;
	else
		die("prefix", s);
	if (slash)
		p.len = (uint8_t)atoi(slash + 1);
	return p;
}

static struct cg_policy_spec *pol(int id, const char *name, int action)
{
	struct cg_policy_spec *p = &specs[id];

	memset(&store[id], 0, sizeof(store[id]));
	*p = (struct cg_policy_spec){ .action = (uint8_t)action, .id = (uint16_t)id };
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->ouis = store[id].ouis;
	p->devices = store[id].devs;
	p->rules = store[id].rules;
	p->deny = store[id].deny;
	return p;
}

/* "44:19:b6:5" -> 28-bit prefix: one hex digit per nibble, colons ignored. */
static void oui(struct cg_policy_spec *p, const char *s)
{
	struct cg_oui_spec *o = &p->ouis[p->nouis++];
	int nib = 0;

	*o = (struct cg_oui_spec){ .vendor = -1 };
	snprintf(o->source, sizeof(o->source), "policy");
	for (const char *c = s; *c; c++) {
		if (*c == ':')
			continue;
		unsigned v;
		if (sscanf((char[]){ *c, 0 }, "%1x", &v) != 1 || nib >= 10)
			die("oui", s);
		o->bytes[nib / 2] |= (uint8_t)(nib % 2 ? v : v << 4);
		nib++;
	}
	o->bits = (uint8_t)(nib * 4);
	if (o->bits != 24 && o->bits != 28 && o->bits != 36)
		die("oui length", s);
}

static void device(struct cg_policy_spec *p, const char *mac)
{
	struct cg_device_spec *d = &p->devices[p->ndevices++];
	unsigned b[6];

	*d = (struct cg_device_spec){};
	if (sscanf(mac, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		die("mac", mac);
	for (int i = 0; i < 6; i++)
		d->mac[i] = (uint8_t)b[i];
}

static void to_enclave(struct cg_policy_spec *p)
{
	p->rules[p->nrules++] = (struct cg_rule_spec){ .kind = CG_RULE_TO, .enclave = true };
}

static void rule(struct cg_policy_spec *p, int kind, const char *prefix, int proto, int lo, int hi)
{
	struct cg_rule_spec *r = &p->rules[p->nrules++];

	*r = (struct cg_rule_spec){ .kind = (uint8_t)kind, .prefix = pfx(prefix),
				    .proto = (uint8_t)proto };
	if (lo >= 0) {
		r->nranges = 1;
		r->ranges[0] = (struct cg_port_range){ (uint16_t)lo, (uint16_t)hi };
	}
}

static void deny(struct cg_policy_spec *p, const char *prefix)
{
	p->deny[p->ndeny++] = pfx(prefix);
}

void fixture_model(struct cg_model *m, char variant)
{
	int b = variant == 'B';
	struct cg_policy_spec *p;

	*m = (struct cg_model){};
	enclave[0] = pfx("192.0.2.0/24");
	enclave[1] = pfx("2001:db8:c::/64");
	enclave[2] = pfx("203.0.113.128/25");
	m->config.enclave = enclave;
	m->config.nenclave = b ? 3 : 2;
	recorder[0] = pfx(REC4 "/32");
	recorder[1] = pfx(REC6 "/128");
	m->protected = recorder;
	m->nprotected = 2;

	p = pol(P_DEFAULT, "default", CG_ACTION_ISOLATE);
	to_enclave(p);

	p = pol(P_HIK, "hikvision", CG_ACTION_ISOLATE);
	oui(p, "44:19:b6");
	to_enclave(p);
	rule(p, CG_RULE_TO, NTP4 "/32", IPPROTO_UDP, 123, 123);
	rule(p, CG_RULE_TO, NTP6 "/128", IPPROTO_UDP, 123, 123);
	rule(p, CG_RULE_FROM, MGMT4 "/32", IPPROTO_TCP, 443, 443);
	rule(p, CG_RULE_TO, "198.51.100.32/27", IPPROTO_TCP, 8000, 8010);
	rule(p, CG_RULE_TO, HOST4 "/32", IPPROTO_UDP, -1, -1);   /* address level: no ports */
	if (b)
		rule(p, CG_RULE_TO, CLOUD4 "/32", IPPROTO_TCP, 8666, 8666);
	deny(p, DENY4 "/32");
	deny(p, DENYENC4 "/32");
	deny(p, "2001:db8:bad::/48");

	p = pol(P_DAHUA, "dahua", CG_ACTION_MONITOR);
	oui(p, "3c:ef:8c");
	oui(p, "46:19:b6");     /* a trap: only a locally administered MAC falls in it */
	to_enclave(p);
	deny(p, DENY4 "/32");

	p = pol(P_AXIS, "axis", b ? CG_ACTION_ISOLATE : CG_ACTION_ALLOW);
	oui(p, "00:40:8c");
	to_enclave(p);
	deny(p, DENY4 "/32");

	p = pol(P_MAM, "ma-m", CG_ACTION_ISOLATE);
	oui(p, "44:19:b6:5");
	to_enclave(p);

	p = pol(P_MAS, "ma-s", CG_ACTION_ISOLATE);
	oui(p, "44:19:b6:55:5");
	to_enclave(p);

	p = pol(P_PIN, "pinned", CG_ACTION_ALLOW);
	device(p, PIN);
	if (!b)
		device(p, PIN2);
	to_enclave(p);

	p = pol(P_NOENC, "no-enclave", CG_ACTION_ISOLATE);
	device(p, NOENC);

	m->policies = specs;
	m->npolicies = P_COUNT;
	m->default_index = P_DEFAULT;
}
