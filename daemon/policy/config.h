/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * config.h — camguard.conf into struct cg_config.
 *
 * Keys (DESIGN.md §3): interfaces, enclave, default_policy, policy_dir,
 * nftables, on_exit, control { socket, group }, pin_dir, state_dir,
 * oui_registry, max_devices, advisories, metrics, discovery, evidence,
 * enforce. Anything else is an error. Relative
 * policy_dir and oui_registry are taken relative to the directory of
 * camguard.conf; the run-time paths (control.socket, pin_dir, state_dir)
 * must be absolute.
 */
#ifndef CAMGUARD_CONFIG_H
#define CAMGUARD_CONFIG_H

#include "diag.h"
#include "model.h"

#define CG_DEFAULT_POLICY_DIR "/etc/camguard/policies.d"
#define CG_DEFAULT_SOCKET     "/run/camguard/camguard.sock"
#define CG_DEFAULT_GROUP      "camguard"
#define CG_DEFAULT_PIN_DIR    "/sys/fs/bpf/camguard"
#define CG_DEFAULT_STATE_DIR  "/var/lib/camguard"
#define CG_DEFAULT_POLICY     "unknown"
#define CG_DEFAULT_ADVISORIES "advisories.conf"   /* beside camguard.conf */

/* Fill c with the defaults of every key. */
void config_defaults(struct cg_config *c);

/* Parse path into m->config (defaults first). Errors go to d; returns 0,
 * -EINVAL (errors recorded), -EBADMSG (the file could not be read or is
 * not valid libconfig: nothing in it is known) or -ENOMEM. Even on -EINVAL, m->config holds
 * what could be read (policy_dir in particular), so the load goes on and
 * reports the policies' errors too. */
int config_parse(const char *path, struct cg_model *m, struct cg_diag *d);

/* Resolve a path relative to the directory of base (when not absolute). */
int config_resolve_path(const char *base, const char *path, char *buf, size_t size);

#endif /* CAMGUARD_CONFIG_H */
