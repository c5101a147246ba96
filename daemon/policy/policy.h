/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * policy.h — one policies.d/NAME.conf file into a struct cg_policy_spec, and
 * the checks that need every policy at once.
 *
 * Keys: name, action, match { vendors, oui, devices ( { mac, note } ) },
 * allow ( { to | from, proto, ports, note } ), deny_lists, devices_file.
 * Deny-list and devices-file paths that are not absolute are relative to
 * the policy file's directory. A devices file is "MAC [note]" per line, '#'
 * comments, read without libconfig (100,000 lines in milliseconds); its
 * devices join match.devices.
 *
 * Conflicts between policies (policy_validate_all):
 *  - the same policy name twice: error;
 *  - the same exact MAC in two policies' devices: error;
 *  - the same OUI prefix listed explicitly (match.oui) by two policies: error;
 *  - a prefix that one policy's vendors resolve to and another lists
 *    explicitly: the explicit entry wins, a warning says so (registry names
 *    are broad and change; an explicit line is the admin's deliberate choice);
 *  - a prefix that the vendors of two policies both resolve to: error;
 *  - within one policy, repeats are warnings and are merged.
 * Nested prefixes (an MA-M inside another policy's MA-L) are not conflicts:
 * the longest prefix wins in the data plane, as documented.
 */
#ifndef CAMGUARD_POLICY_H
#define CAMGUARD_POLICY_H

#include "diag.h"
#include "model.h"
#include "registry.h"

/* Parse one policy file and append it to m->policies (unless it is too
 * broken to have a name). 0, -EINVAL (errors recorded) or -ENOMEM. */
int policy_parse_file(const char *path, struct cg_model *m, struct cg_diag *d);

/* Add the prefixes each policy's vendors resolve to (source = organisation). */
int policy_resolve_vendors(struct cg_model *m, const struct cg_registry *reg, struct cg_diag *d);

/* Cross-policy checks and limits (see above); merges and drops entries as
 * described. 0, -EINVAL or -ENOMEM. */
int policy_validate_all(struct cg_model *m, struct cg_diag *d);


#endif /* CAMGUARD_POLICY_H */
