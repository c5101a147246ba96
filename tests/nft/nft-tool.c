/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nft-tool.c — drives the nftables layer (daemon/nft/) for tests/nft/nft.sh.
 *
 * Builds a fixed policy model in C (no policy files: the test is about the
 * nftables layer, not the parser) and reads commands from stdin, one per
 * line, answering one line each, so that one cg_nft handle (which remembers
 * the last apply) lives across the whole test:
 *
 *   apply [VARIANT]  -> "ok" | "error: <err>"   VARIANT: base (default), alt, bad,
 *                       open (no protected recorder addresses)
 *   check            -> "<nft_check_and_repair() result>"
 *   status           -> nft_status() as the daemon's JSON (control/nft-json.c)
 *   remove           -> "<nft_remove() result>"
 *   model            -> the model as JSON (what nft -j list must match)
 *
 * usage: nft-tool IFACE...
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nft-json.h"

#define NPOL 5

static struct cg_iface_spec ifaces[8];
static struct cg_prefix enclave[2] = {
	{ .family = 4, .len = 24, .addr = { 192, 0, 2, 0 } },
	{ .family = 6, .len = 64, .addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x0c } },
};

/* hikvision: isolate, OUI 44:19:B6, NTP to .10, https from .50, deny 203.0.113.128/25;
 * address-level rules (no ports: later fragments may pass) to .60, icmp to
 * .64/28, udp from .70, and IPv6 rules of each kind */
static struct cg_oui_spec hik_ouis[] = { { .bytes = { 0x44, 0x19, 0xb6 }, .bits = 24, .source = "policy" } };
static struct cg_device_spec hik_devs[] = { { .mac = { 0x44, 0x19, 0xb6, 0x00, 0x00, 0x01 } } };
static struct cg_rule_spec hik_rules[10];
static struct cg_rule_spec axis_rules[2];
static struct cg_prefix hik_deny[] = { { .family = 4, .len = 25, .addr = { 203, 0, 113, 128 } },
				       { .family = 4, .len = 26, .addr = { 203, 0, 113, 192 } },
				       { .family = 6, .len = 48, .addr = { 0x20, 0x01, 0x0d, 0xb8, 0xde, 0xad } } };
/* dahua: isolate, OUI 3C:EF:8C and a 28-bit one; an exact device that overrides hikvision's OUI */
static struct cg_oui_spec dah_ouis[] = { { .bytes = { 0x3c, 0xef, 0x8c }, .bits = 24 },
					 { .bytes = { 0x44, 0x19, 0xb6, 0x70 }, .bits = 28 } };
static struct cg_device_spec dah_devs[] = { { .mac = { 0x44, 0x19, 0xb6, 0x00, 0x00, 0x02 } } };
/* axis: monitor, OUI 00:40:8C and a 36-bit one; an address-level IPv6
 * from rule and a port rule */
static struct cg_oui_spec axis_ouis[] = { { .bytes = { 0x00, 0x40, 0x8c }, .bits = 24 },
					  { .bytes = { 0x70, 0xb3, 0xd5, 0x12, 0x30 }, .bits = 36 } };
/* trusted: allow, one exact device; deny 203.0.113.0/28 */
static struct cg_device_spec tr_devs[] = { { .mac = { 0x44, 0x19, 0xb6, 0x00, 0x00, 0x03 } } };
static struct cg_prefix tr_deny[] = { { .family = 4, .len = 28, .addr = { 203, 0, 113, 0 } } };

/* The recorder's protected addresses as the daemon would pass them: one
 * that the recorder's namespace does not hold, so that only the protected
 * set (not fib's "local" address type) can stop a camera using it. */
static const struct cg_prefix protected[] = {
	{ .family = 4, .len = 32, .addr = { 192, 0, 2, 2 } },
	{ .family = 6, .len = 128, .addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x0c, [15] = 2 } },
};

static struct cg_policy_spec pols[NPOL];
static struct cg_model model;

static void build_model(int nif, char **names, const char *variant)
{
	memset(pols, 0, sizeof(pols));
	memset(hik_rules, 0, sizeof(hik_rules));
	for (int i = 0; i < nif && i < 8; i++)
		snprintf(ifaces[i].name, sizeof(ifaces[i].name), "%s", names[i]);

	hik_rules[0] = (struct cg_rule_spec){ .kind = CG_RULE_TO, .enclave = true };
	hik_rules[1] = (struct cg_rule_spec){ .kind = CG_RULE_TO, .proto = 17, .nranges = 1,
		.prefix = { .family = 4, .len = 32, .addr = { 198, 51, 100, 10 } } };
	hik_rules[1].ranges[0] = (struct cg_port_range){ 123, 123 };
	hik_rules[2] = (struct cg_rule_spec){ .kind = CG_RULE_FROM, .proto = 6, .nranges = 2,
		.prefix = { .family = 4, .len = 32, .addr = { 198, 51, 100, 50 } } };
	hik_rules[2].ranges[0] = (struct cg_port_range){ 443, 443 };
	hik_rules[2].ranges[1] = (struct cg_port_range){ 8000, 8100 };
	hik_rules[3] = (struct cg_rule_spec){ .kind = CG_RULE_TO,
		.prefix = { .family = 4, .len = 32, .addr = { 198, 51, 100, 60 } } };
	hik_rules[4] = (struct cg_rule_spec){ .kind = CG_RULE_TO, .proto = 1,
		.prefix = { .family = 4, .len = 28, .addr = { 198, 51, 100, 64 } } };
	hik_rules[5] = (struct cg_rule_spec){ .kind = CG_RULE_FROM, .proto = 17,
		.prefix = { .family = 4, .len = 32, .addr = { 198, 51, 100, 70 } } };
	hik_rules[6] = (struct cg_rule_spec){ .kind = CG_RULE_TO,
		.prefix = { .family = 6, .len = 128, .addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x0f, [15] = 0x60 } } };
	hik_rules[7] = (struct cg_rule_spec){ .kind = CG_RULE_TO, .proto = 17, .nranges = 1,
		.prefix = { .family = 6, .len = 128, .addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x0f, [15] = 0x10 } } };
	hik_rules[7].ranges[0] = (struct cg_port_range){ 123, 123 };
	hik_rules[8] = (struct cg_rule_spec){ .kind = CG_RULE_FROM, .proto = 6, .nranges = 1,
		.prefix = { .family = 6, .len = 128, .addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x0f, [15] = 0x50 } } };
	hik_rules[8].ranges[0] = (struct cg_port_range){ 443, 443 };
	hik_rules[9] = (struct cg_rule_spec){ .kind = CG_RULE_FROM, .proto = 1,
		.prefix = { .family = 6, .len = 120, .addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x0f, [15] = 0 } } };
	axis_rules[0] = (struct cg_rule_spec){ .kind = CG_RULE_FROM,
		.prefix = { .family = 6, .len = 64, .addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x0e } } };
	axis_rules[1] = (struct cg_rule_spec){ .kind = CG_RULE_TO, .proto = 6, .nranges = 1,
		.prefix = { .family = 4, .len = 24, .addr = { 203, 0, 113, 0 } } };
	axis_rules[1].ranges[0] = (struct cg_port_range){ 554, 554 };

	strcpy(pols[0].name, "hikvision");
	pols[0].action = CG_ACTION_ISOLATE;
	pols[0].ouis = hik_ouis, pols[0].nouis = 1;
	pols[0].devices = hik_devs, pols[0].ndevices = 1;
	pols[0].rules = hik_rules, pols[0].nrules = 10;
	pols[0].deny = hik_deny, pols[0].ndeny = 3;
	strcpy(pols[1].name, "dahua");
	pols[1].action = CG_ACTION_ISOLATE;
	pols[1].ouis = dah_ouis, pols[1].nouis = 2;
	pols[1].devices = dah_devs, pols[1].ndevices = 1;
	strcpy(pols[2].name, "axis");
	pols[2].action = CG_ACTION_MONITOR;
	pols[2].ouis = axis_ouis, pols[2].nouis = 2;
	pols[2].rules = axis_rules, pols[2].nrules = 2;
	strcpy(pols[3].name, "trusted");
	pols[3].action = CG_ACTION_ALLOW;
	pols[3].devices = tr_devs, pols[3].ndevices = 1;
	pols[3].deny = tr_deny, pols[3].ndeny = 1;
	strcpy(pols[4].name, "unknown");
	pols[4].action = CG_ACTION_ISOLATE;
	for (int i = 0; i < NPOL; i++)
		pols[i].id = (uint16_t)i;

	if (variant && !strcmp(variant, "alt")) {
		/* hikvision loses its NTP rule: the stream test flips between the two */
		hik_rules[1].prefix.addr[3] = 11;
	}
	if (variant && !strcmp(variant, "bad")) {
		/* one MAC in two policies (the parser refuses it; here it reaches
		 * the kernel, which must refuse the batch and be named) */
		static struct cg_device_spec dup[] = { { .mac = { 0x44, 0x19, 0xb6, 0x00, 0x00, 0x01 },
							 .origin = { "dahua.conf", 7 } } };
		pols[1].devices = dup;
	}

	memset(&model, 0, sizeof(model));
	model.config.ifaces = ifaces;
	model.config.nifaces = (size_t)nif;
	model.config.enclave = enclave;
	model.config.nenclave = 2;
	model.policies = pols;
	model.npolicies = NPOL;
	model.default_index = 4;
	if (!variant || strcmp(variant, "open")) {
		model.protected = protected;
		model.nprotected = 2;
	}
}

static const char *action_name(uint8_t a)
{
	return a == CG_ACTION_ISOLATE ? "isolate" : a == CG_ACTION_MONITOR ? "monitor" : "allow";
}

static void print_model(void)
{
	json_object *o = json_object_new_object(), *ps = json_object_new_array();

	for (size_t i = 0; i < model.npolicies; i++) {
		const struct cg_policy_spec *p = &model.policies[i];
		json_object *j = json_object_new_object(), *d = json_object_new_array(), *u = json_object_new_array();
		char buf[32];

		json_object_object_add(j, "name", json_object_new_string(p->name));
		json_object_object_add(j, "action", json_object_new_string(action_name(p->action)));
		for (size_t k = 0; k < p->ndevices; k++) {
			const uint8_t *m = p->devices[k].mac;

			snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
			json_object_array_add(d, json_object_new_string(buf));
		}
		for (size_t k = 0; k < p->nouis; k++) {
			const uint8_t *m = p->ouis[k].bytes;

			snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:00/%u", m[0], m[1], m[2], m[3], m[4],
				 p->ouis[k].bits);
			json_object_array_add(u, json_object_new_string(buf));
		}
		json_object_object_add(j, "devices", d);
		json_object_object_add(j, "ouis", u);
		json_object_object_add(j, "ndeny", json_object_new_int((int)p->ndeny));
		json_object_array_add(ps, j);
	}
	json_object_object_add(o, "policies", ps);
	json_object_object_add(o, "default", json_object_new_string(model.policies[model.default_index].name));
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

int main(int argc, char **argv)
{
	struct cg_nft *nft;
	char line[256], err[512];
	int r;

	if (argc < 2) {
		fprintf(stderr, "usage: nft-tool IFACE...\n");
		return 2;
	}
	r = nft_open(&nft);
	if (r < 0) {
		fprintf(stderr, "nft-tool: nft_open: %s\n", strerror(-r));
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	build_model(argc - 1, argv + 1, NULL);
	while (fgets(line, sizeof(line), stdin)) {
		char cmd[32] = "", arg[32] = "";

		if (sscanf(line, "%31s %31s", cmd, arg) < 1)
			continue;
		if (!strcmp(cmd, "apply")) {
			build_model(argc - 1, argv + 1, arg[0] ? arg : NULL);
			r = nft_apply(nft, &model, err, sizeof(err));
			if (r < 0)
				printf("error: %s\n", err);
			else
				puts("ok");
		} else if (!strcmp(cmd, "check")) {
			printf("%d\n", nft_check_and_repair(nft));
		} else if (!strcmp(cmd, "remove")) {
			printf("%d\n", nft_remove(nft));
		} else if (!strcmp(cmd, "status")) {
			json_object *o = nft_status_json(nft);

			puts(o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN) : "null");
			json_object_put(o);
		} else if (!strcmp(cmd, "model")) {
			print_model();
		} else if (!strcmp(cmd, "quit")) {
			break;
		} else {
			printf("error: unknown command %s\n", cmd);
		}
	}
	nft_close(nft);
	return 0;
}
