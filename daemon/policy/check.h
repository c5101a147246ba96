/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check.h — `camguardd --check [-c FILE]`: load everything, print either a
 * summary (interfaces, enclave, registry, each policy's action, prefixes,
 * devices, rules, deny lists) or every error, plus warnings.
 */
#ifndef CAMGUARD_CHECK_H
#define CAMGUARD_CHECK_H

#include <stdio.h>

#include "diag.h"
#include "model.h"

/* Returns the exit code: 0 valid, 1 invalid. conf_path NULL: the default. */
int check_main(const char *conf_path, FILE *out);

/* A further file set the daemon reads beside the configuration (the cloud
 * domains): its problems go into d; on success it may fill summary with one
 * line. Returns 0 or a negative errno. */
typedef int (*cg_check_extra_fn)(const char *conf_path, struct cg_diag *d, char *summary,
				 size_t len);

/* check_main, with extra's files checked too (camguardd passes the cloud
 * domains; the policy library does not know them). */
int check_main_with(const char *conf_path, FILE *out, cg_check_extra_fn extra);

/* What the configuration needs from the host it runs on, as warnings in d
 * (things may still appear before the daemon starts): the interfaces, the
 * control group, a bpffs under pin_dir, a readable OUI registry. */
void check_host(const struct cg_model *m, struct cg_diag *d);

/* The summary part alone, for a loaded model (the daemon logs it at start). */
void check_print_summary(const struct cg_model *m, FILE *out);

#endif /* CAMGUARD_CHECK_H */
