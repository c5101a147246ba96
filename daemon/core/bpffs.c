// SPDX-License-Identifier: GPL-2.0-only
/* bpffs.c — the pin directory's file system (bpffs.h). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "bpffs.h"
#include "config.h"
#include "diag.h"
#include "model.h"

int bpffs_mkdir_p(const char *path, mode_t mode)
{
	char buf[CG_PATH_MAX];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int bpffs_ensure(const char *pin_dir)
{
	char parent[CG_PATH_MAX];
	struct statfs st;

	snprintf(parent, sizeof(parent), "%s", pin_dir);
	char *slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return -EINVAL;
	*slash = '\0';
	int rc = bpffs_mkdir_p(parent, 0700);
	if (rc)
		return rc;
	if (statfs(parent, &st) < 0)
		return -errno;
	bool mounted = st.f_type != BPF_FS_MAGIC;
	if (mounted && mount("bpf", parent, "bpf", 0, "mode=0700") < 0)
		return -errno;
	rc = bpffs_mkdir_p(pin_dir, 0700);
	return rc ? rc : mounted;
}

/*
 * systemd runs even an ExecStartPre=+ command in a mount namespace of the
 * unit's own when PrivateTmp= is on (252 does; the "+" only drops the rest
 * of the sandbox), a one-way copy of the host's: a bpffs mounted there
 * vanishes with it and the daemon gets none. The host's namespace is PID
 * 1's; a shell's is usually that one already.
 */
static int enter_host_mntns(void)
{
	struct stat host, self;

	if (stat("/proc/1/ns/mnt", &host) < 0 || stat("/proc/self/ns/mnt", &self) < 0)
		return -errno;
	if (host.st_dev == self.st_dev && host.st_ino == self.st_ino)
		return 0;
	int fd = open("/proc/1/ns/mnt", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int rc = setns(fd, CLONE_NEWNS) < 0 ? -errno : 0;
	close(fd);
	return rc;
}

int bpffs_mount_for(const char *conf_path)
{
	struct cg_model m = {};
	struct cg_diag diag;
	char parent[CG_PATH_MAX];

	/* Only pin_dir matters here: an invalid file is the daemon's to
	 * report (with every error), right after this. */
	diag_init(&diag);
	config_parse(conf_path, &m, &diag);
	diag_free(&diag);
	snprintf(parent, sizeof(parent), "%s", m.config.pin_dir);
	char *slash = strrchr(parent, '/');
	if (slash && slash != parent)
		*slash = '\0';
	int rc = enter_host_mntns();
	if (rc < 0)
		fprintf(stderr, "camguardd: cannot enter PID 1's mount namespace: %s\n", strerror(-rc));
	else
		rc = bpffs_ensure(m.config.pin_dir);
	if (rc < 0) {
		fprintf(stderr, "camguardd: cannot mount a bpffs at %s for %s: %s\n", parent,
			m.config.pin_dir, strerror(-rc));
		if (rc == -EROFS || rc == -EACCES || rc == -EPERM)
			fprintf(stderr, "camguardd: in a container, give it a bpffs (or an empty directory) at %s,\n"
				"camguardd: e.g. systemd-nspawn --tmpfs=%s, or set pin_dir to a bpffs it has\n",
				parent, parent);
	} else if (rc > 0) {
		printf("Mounted a bpffs at %s\n", parent);
	}
	model_free(&m);
	return rc < 0 ? 1 : 0;
}
