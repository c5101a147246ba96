/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * unload.h — camguardd --unload: remove everything camguard attached,
 * pinned and added, without a running daemon.
 */
#ifndef CAMGUARD_UNLOAD_H
#define CAMGUARD_UNLOAD_H

#include <stdbool.h>

/* Refuses while a daemon holds state_dir/camguardd.lock, unless force.
 * The process exit code. */
int unload_run(const char *conf_path, bool force);

#endif
