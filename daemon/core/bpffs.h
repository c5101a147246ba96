/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bpffs.h — the pin directory's file system: directories created as
 * needed, a bpffs mounted at pin_dir's parent when there is none, and
 * `camguardd --mount-bpffs` (the unit's ExecStartPre=+).
 */
#ifndef CAMGUARD_BPFFS_H
#define CAMGUARD_BPFFS_H

#include <sys/types.h>

/* mkdir -p. 0 or -errno. */
int bpffs_mkdir_p(const char *path, mode_t mode);

/* The pin directory must be on a bpffs: mounts one at its parent if not.
 * 1 when it mounted one, 0 when there was one, -errno. */
int bpffs_ensure(const char *pin_dir);

/* camguardd --mount-bpffs: mount a bpffs at pin_dir's parent when it is not
 * one, in PID 1's mount namespace. The process exit code. */
int bpffs_mount_for(const char *conf_path);

#endif
