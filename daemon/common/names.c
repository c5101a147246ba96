// SPDX-License-Identifier: GPL-2.0-only
/*
 * names.c — one table per enum; to_string and from_string read the same
 * table, so the two directions cannot disagree.
 */
#include <errno.h>
#include <string.h>

#include "names.h"

static const char *const reason_names[CG_REASON_MAX] = {
	[CG_REASON_ENCLAVE]       = "enclave",
	[CG_REASON_RULE]          = "rule",
	[CG_REASON_LINK_LOCAL]    = "link_local",
	[CG_REASON_ALLOW_POLICY]  = "allow_policy",
	[CG_REASON_MONITOR]       = "monitor",
	[CG_REASON_EGRESS]        = "egress",
	[CG_REASON_INGRESS]       = "ingress",
	[CG_REASON_PORT]          = "port",
	[CG_REASON_NON_IP]        = "non_ip",
	[CG_REASON_VLAN]          = "vlan",
	[CG_REASON_FRAGMENT]      = "fragment",
	[CG_REASON_MALFORMED]     = "malformed",
	[CG_REASON_ROGUE_SERVICE] = "rogue_service",
	[CG_REASON_DENY_LIST]     = "deny_list",
	[CG_REASON_SPOOF]         = "spoof",
};

static const char *const action_names[CG_ACTION_MAX] = {
	[CG_ACTION_ISOLATE] = "isolate",
	[CG_ACTION_MONITOR] = "monitor",
	[CG_ACTION_ALLOW]   = "allow",
};

static const char *const dir_names[CG_DIR_MAX] = {
	[CG_DIR_OUT] = "out",
	[CG_DIR_IN]  = "in",
};

static const char *const verdict_names[CG_VERDICT_MAX] = {
	[CG_VERDICT_PASS] = "pass",
	[CG_VERDICT_DROP] = "drop",
};

static const char *const enforce_names[CG_ENFORCE_MAX] = {
	[CG_ENFORCE_POLICY]  = "policy",
	[CG_ENFORCE_MONITOR] = "monitor",
};

static const char *name_of(const char *const *table, int n, int v)
{
	return v >= 0 && v < n && table[v] ? table[v] : "unknown";
}

static int value_of(const char *const *table, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (table[i] && strcmp(table[i], s) == 0)
			return i;
	return -EINVAL;
}

#define NAME_PAIR(kind, table)                                         \
	const char *cg_##kind##_to_string(int v)                       \
	{                                                              \
		return name_of(table, (int)(sizeof(table) / sizeof(table[0])), v); \
	}                                                              \
	int cg_##kind##_from_string(const char *s)                     \
	{                                                              \
		return value_of(table, (int)(sizeof(table) / sizeof(table[0])), s); \
	}

NAME_PAIR(reason, reason_names)
NAME_PAIR(action, action_names)
NAME_PAIR(dir, dir_names)
NAME_PAIR(verdict, verdict_names)
NAME_PAIR(enforce, enforce_names)
