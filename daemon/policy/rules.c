/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rules.c — owns a policy's allow list: which peer (a prefix, or the
 * enclave), which direction starts the flow (to: the camera, from: the
 * peer), protocol and port ranges. Every rule is checked on its own and
 * reported with file:line; a rule with any error is dropped whole, never
 * half applied (a rule without its port limit would allow more).
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "cfgfile.h"
#include "rules.h"
#include "syntax.h"

static const char *const rule_keys[] = { "to", "from", "proto", "ports", "note", NULL };

/* One rule's string keys as written, with the line of each and the result
 * of reading it (0, -ENOENT or -EINVAL). */
struct rule_keys {
	char to[80], from[80], proto[16], ports[1024];
	int rt, rf, rp, rpt;
	int tl, fl, pl, ptl;
};

/* The peer: to/from = "enclave" or a prefix. */
static bool rule_peer(struct cg_rule_spec *rule, const struct rule_keys *k, const char *ctx,
		      const char *file, struct cg_diag *d)
{
	const char *peer = k->rt == 0 ? k->to : k->from;
	char kn[48];
	int r;

	rule->kind = k->rt == 0 ? CG_RULE_TO : CG_RULE_FROM;
	snprintf(kn, sizeof(kn), "%s.%s", ctx, k->rt == 0 ? "to" : "from");
	if (strcmp(peer, "enclave")) {
		r = addr_parse_prefix(peer, &rule->prefix);
		if (r < 0)
			cfg_prefix_error(d, file, k->rt == 0 ? k->tl : k->fl, kn, peer, r, &rule->prefix);
		return r == 0;
	}
	rule->enclave = true;
	if (rule->kind == CG_RULE_FROM) {
		diag_error(d, file, k->fl, "'%s': from = \"enclave\" is not supported; to = \"enclave\" already covers both directions",
			   kn);
		return false;
	}
	if (k->rp == 0 || k->rpt == 0) {
		diag_error(d, file, k->rp == 0 ? k->pl : k->ptl,
			   "'%s': to = \"enclave\" allows all traffic within the enclave and takes no proto or ports",
			   ctx);
		return false;
	}
	return true;
}

/* proto and ports; ok says whether the rule is still valid so far (ports
 * are only checked against a valid rule, as before the split). */
static bool rule_proto_ports(struct cg_rule_spec *rule, const struct rule_keys *k, bool ok,
			     const char *ctx, const char *file, struct cg_diag *d)
{
	const char *why;
	char tok[64];

	if (k->rp == 0) {
		if (!strcmp(k->proto, "tcp"))
			rule->proto = IPPROTO_TCP;
		else if (!strcmp(k->proto, "udp"))
			rule->proto = IPPROTO_UDP;
		else if (!strcmp(k->proto, "icmp"))
			rule->proto = IPPROTO_ICMP;
		else {
			diag_error(d, file, k->pl, "'%s.proto': invalid value \"%s\" (expected \"tcp\", \"udp\" or \"icmp\")",
				   ctx, k->proto);
			ok = false;
		}
	}
	if (k->rpt != 0 || !ok || rule->enclave)
		return ok;
	if (rule->proto != IPPROTO_TCP && rule->proto != IPPROTO_UDP) {
		diag_error(d, file, k->ptl, "'%s.ports' needs proto \"tcp\" or \"udp\"", ctx);
		return false;
	}
	if (syntax_parse_ports(k->ports, rule->ranges, CG_RULE_MAX_RANGES, &rule->nranges, &why, tok,
			       sizeof(tok)) < 0) {
		diag_error(d, file, k->ptl, "'%s.ports': invalid port list \"%.64s\": \"%s\": %s",
			   ctx, k->ports, tok, why);
		return false;
	}
	return true;
}

/* One allow[i] group into rule: true when it is valid. */
static bool rule_parse(const config_setting_t *g, const char *ctx, struct cg_rule_spec *rule,
		       const char *file, struct cg_diag *d)
{
	struct rule_keys k = { .to = "" };
	int line = cfg_line(g);
	bool ok = true;

	memset(rule, 0, sizeof(*rule));
	k.tl = k.fl = k.pl = k.ptl = line;
	cfg_check_keys(g, ctx, rule_keys, file, d);
	k.rt = cfg_get_string(g, ctx, "to", file, d, k.to, sizeof(k.to), &k.tl);
	k.rf = cfg_get_string(g, ctx, "from", file, d, k.from, sizeof(k.from), &k.fl);
	k.rp = cfg_get_string(g, ctx, "proto", file, d, k.proto, sizeof(k.proto), &k.pl);
	k.rpt = cfg_get_string(g, ctx, "ports", file, d, k.ports, sizeof(k.ports), &k.ptl);
	if (cfg_get_string(g, ctx, "note", file, d, rule->note, sizeof(rule->note), NULL) == -EINVAL)
		ok = false;
	if (k.rt == -EINVAL || k.rf == -EINVAL || k.rp == -EINVAL || k.rpt == -EINVAL)
		ok = false;
	if (k.rt == 0 && k.rf == 0) {
		diag_error(d, file, line, "'%s': give either 'to' or 'from', not both", ctx);
		ok = false;
	} else if (k.rt == -ENOENT && k.rf == -ENOENT) {
		diag_error(d, file, line, "'%s': needs 'to' (a flow the camera starts) or 'from' (a flow the peer starts)",
			   ctx);
		ok = false;
	}
	if (!ok)
		return false;
	ok = rule_peer(rule, &k, ctx, file, d);
	if (!rule_proto_ports(rule, &k, ok, ctx, file, d))
		return false;
	rule->origin = (struct cg_origin){ .file = file, .line = line };
	return true;
}

int rules_parse(const config_setting_t *root, struct cg_policy_spec *p, const char *file,
		struct cg_diag *d)
{
	config_setting_t *list;
	size_t errs = diag_errors(d);
	int n, r;

	r = cfg_get_group_list(root, "", "allow", file, d, &list);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	r = cfg_list_alloc(list, NULL, CG_MAX_POLICY_RULES, sizeof(*p->rules), "allow rules", file, d,
			   (void **)&p->rules, &n);
	if (r < 0)
		return r;
	for (int i = 0; i < n; i++) {
		char ctx[32];

		snprintf(ctx, sizeof(ctx), "allow[%d]", i);
		if (rule_parse(config_setting_get_elem(list, (unsigned)i), ctx, &p->rules[p->nrules],
			       file, d))
			p->nrules++;
	}
	return diag_errors(d) > errs ? -EINVAL : 0;
}
