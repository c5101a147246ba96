/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * policy.h — one policies.d/NAME.conf file into a struct cg_policy_spec.
 *
 * Keys: name, action, match { vendors, oui, devices ( { mac, note } ) },
 * allow ( { to | from, proto, ports, note } ), deny_lists, devices_file.
 * Deny-list and devices-file paths that are not absolute are relative to
 * the policy file's directory. A devices file is "MAC [note]" per line, '#'
 * comments, read without libconfig (100,000 lines in milliseconds); its
 * devices join match.devices.
 *
 * What needs every policy at once (vendor resolution, conflicts between
 * policies) is crosscheck.h; a whole load is load.h.
 */
#ifndef CAMGUARD_POLICY_H
#define CAMGUARD_POLICY_H

#include "diag.h"
#include "model.h"

/* Parse one policy file and append it to m->policies (unless it is too
 * broken to have a name). 0, -EINVAL (errors recorded) or -ENOMEM. */
int policy_parse_file(const char *path, struct cg_model *m, struct cg_diag *d);

#endif /* CAMGUARD_POLICY_H */
