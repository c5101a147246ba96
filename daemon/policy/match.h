/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * match.h — a policy's match { vendors, oui, devices, advisory, vulnerable }
 * group into struct cg_policy_spec (see match.c).
 */
#ifndef CAMGUARD_MATCH_H
#define CAMGUARD_MATCH_H

#include <libconfig.h>

#include "diag.h"
#include "model.h"

/* Fill p's vendors, ouis, devices and advisory selectors from the group.
 * 0, -EINVAL (errors recorded with file:line; the valid entries are kept)
 * or -ENOMEM (d->oom set). */
int match_parse(const config_setting_t *match, struct cg_policy_spec *p, const char *file,
		struct cg_diag *d);

#endif
