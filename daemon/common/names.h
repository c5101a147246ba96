/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * names.h — the stable names of reasons, actions, directions and verdicts.
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

/* The verdict a reason implies. */
static inline int cg_reason_verdict(int reason)
{
	return reason >= CG_REASON_FIRST_DROP ? CG_VERDICT_DROP : CG_VERDICT_PASS;
}

#endif
