/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rules.h — a policy's allow ( { to | from, proto, ports, note } ) list into
 * struct cg_rule_spec entries (see rules.c).
 */
#ifndef CAMGUARD_RULES_H
#define CAMGUARD_RULES_H

#include <libconfig.h>

#include "diag.h"
#include "model.h"

/* Fill p->rules from root's allow list. 0, -EINVAL (errors recorded with
 * file:line; a bad rule is dropped, the others kept) or -ENOMEM. */
int rules_parse(const config_setting_t *root, struct cg_policy_spec *p, const char *file,
		struct cg_diag *d);

#endif
