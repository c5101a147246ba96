/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * load.h — one complete load: camguard.conf, every policies.d/NAME.conf, the
 * OUI registry, cross-file validation, stable ids.
 *
 * model_load() is what the daemon calls at start and on SIGHUP, what
 * `camguardd --check` calls, and what the tests call. It collects every
 * error and warning in diag ("FILE:LINE: message"); on success the model is
 * complete and valid (within every data-plane limit), on failure ret is
 * left zeroed and nothing needs freeing.
 */
#ifndef CAMGUARD_LOAD_H
#define CAMGUARD_LOAD_H

#include "diag.h"
#include "model.h"

#define CG_DEFAULT_CONF "/etc/camguard/camguard.conf"

struct cg_load_opts {
	const char *policy_dir;    /* overrides camguard.conf's policy_dir (tests, bench) */
	const char *oui_registry;  /* overrides oui_registry */
};

/* 0 on success; -EINVAL when diag holds errors; -ENOMEM. */
int model_load(const char *conf_path, struct cg_model *ret, struct cg_diag *diag);
int model_load_opts(const char *conf_path, const struct cg_load_opts *opts,
		    struct cg_model *ret, struct cg_diag *diag);

#endif /* CAMGUARD_LOAD_H */
