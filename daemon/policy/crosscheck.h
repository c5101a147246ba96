/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * crosscheck.h — what needs every policy at once (see crosscheck.c).
 *
 * Conflicts between policies (crosscheck_validate):
 *  - the same policy name twice: error;
 *  - the same exact MAC in two policies' devices: error;
 *  - the same OUI prefix listed explicitly (match.oui) by two policies: error;
 *  - a prefix that one policy's vendors resolve to and another lists
 *    explicitly: the explicit entry wins, a warning says so (registry names
 *    are broad and change; an explicit line is the admin's deliberate choice);
 *  - a prefix that the vendors of two policies both resolve to: error;
 *  - within one policy, repeats are warnings and are merged;
 *  - a policy file copied beside its original (same match): one error.
 * Nested prefixes (an MA-M inside another policy's MA-L) are not conflicts:
 * the longest prefix wins in the data plane, as documented.
 */
#ifndef CAMGUARD_CROSSCHECK_H
#define CAMGUARD_CROSSCHECK_H

#include "diag.h"
#include "model.h"
#include "registry.h"

/* Add the prefixes each policy's vendors resolve to (source = organisation).
 * 0, -EINVAL (a vendor over the prefix limit, recorded) or -ENOMEM. */
int crosscheck_resolve_vendors(struct cg_model *m, const struct cg_registry *reg, struct cg_diag *d);

/* Cross-policy checks and limits (see above); merges and drops entries as
 * described. 0, -EINVAL or -ENOMEM. */
int crosscheck_validate(struct cg_model *m, struct cg_diag *d);

#endif /* CAMGUARD_CROSSCHECK_H */
