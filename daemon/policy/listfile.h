/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * listfile.h — a policy's deny_lists and devices_file keys, and the line
 * files they name (see listfile.c). Paths that are not absolute are relative
 * to the policy file's directory.
 */
#ifndef CAMGUARD_LISTFILE_H
#define CAMGUARD_LISTFILE_H

#include <libconfig.h>

#include "diag.h"
#include "model.h"

/* deny_lists = [ "lists/cloud.cidr" ]: the prefixes of every file into
 * p->deny (with their origins). 0, -EINVAL (errors recorded with file:line)
 * or -ENOMEM (d->oom set). */
int listfile_parse_deny_lists(struct cg_model *m, const config_setting_t *root,
			      struct cg_policy_spec *p, const char *file, struct cg_diag *d);

/* devices_file = "NAME.macs": its devices join p->devices (match.devices
 * first). Same returns. */
int listfile_parse_devices_file(struct cg_model *m, const config_setting_t *root,
				struct cg_policy_spec *p, const char *file, struct cg_diag *d);

#endif
