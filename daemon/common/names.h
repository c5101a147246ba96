/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * names.h — the stable names of reasons, actions, directions, verdicts and
 * enforce modes.
 * Every printer (JSON, Prometheus, tables, logs) goes through these pairs so
 * that a name is spelled once.
 */
#ifndef CAMGUARD_NAMES_H
#define CAMGUARD_NAMES_H

#include "camguard.h"

const char *cg_reason_to_string(int reason);
int cg_reason_from_string(const char *s);        /* -EINVAL if unknown */
const char *cg_action_to_string(int action);
int cg_action_from_string(const char *s);
const char *cg_dir_to_string(int dir);
int cg_dir_from_string(const char *s);
const char *cg_verdict_to_string(int verdict);
int cg_verdict_from_string(const char *s);

/* camguard.conf `enforce`: "policy" follows each policy file's action,
 * "monitor" makes every isolate policy act as monitor (a site's roll-out:
 * count what would be dropped, drop nothing of it). Not a data-plane value:
 * the plan applies it to the actions both layers receive. */
enum cg_enforce {
	CG_ENFORCE_POLICY = 0,
	CG_ENFORCE_MONITOR = 1,
	CG_ENFORCE_MAX
};
const char *cg_enforce_to_string(int enforce);
int cg_enforce_from_string(const char *s);

/* The verdict a reason implies. */
static inline int cg_reason_verdict(int reason)
{
	return reason >= CG_REASON_FIRST_DROP ? CG_VERDICT_DROP : CG_VERDICT_PASS;
}

#endif
