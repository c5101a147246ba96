// SPDX-License-Identifier: GPL-2.0-only
/*
 * unload.c — camguardd --unload (unload.h): detach the programs from the
 * configured interfaces, delete table inet camguard, remove the pins.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "attach.h"
#include "dataplane.h"
#include "diag.h"
#include "load.h"
#include "model.h"
#include "nft.h"
#include "unload.h"

/*
 * A running daemon puts back within seconds whatever --unload removes (it
 * is tampering, to it), so --unload takes the daemon's own lock first and
 * holds it while it works: no daemon runs meanwhile, and none can start.
 * Returns the lock fd (or -1: no state directory, nothing to hold), or
 * -EWOULDBLOCK (told on stderr) when a daemon holds it and force is off.
 */
static int unload_lock(const struct cg_config *c, bool force)
{
	char path[CG_PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/camguardd.lock", c->state_dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	char who[48] = "camguardd", buf[16] = "";
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	int pid = n > 0 ? atoi(buf) : 0;
	if (pid > 0)
		snprintf(who, sizeof(who), "camguardd (pid %d)", pid);
	if (force) {
		fprintf(stderr,
			"camguardd: --force: %s is running (it holds %s); unloading anyway.\n"
			"camguardd: it will re-attach its programs, re-pin its maps and restore table inet camguard\n"
			"camguardd: within about 2 seconds and count that as tampering. Stop it to unload for good.\n",
			who, path);
		close(fd);
		return -1;
	}
	fprintf(stderr,
		"camguardd: refusing to unload: %s is running (it holds %s) and would put\n"
		"camguardd: everything back within seconds. Stop it first (systemctl stop camguardd):\n"
		"camguardd: with on_exit = \"keep\" enforcement stays in place after the stop, for\n"
		"camguardd: --unload to remove. --force unloads anyway (the daemon re-attaches).\n",
		who, path);
	close(fd);
	return -EWOULDBLOCK;
}

/* Every hook camguard uses on the configured interfaces: the failures. */
static int detach_all(const struct cg_config *c)
{
	int rc, failures = 0;

	for (size_t i = 0; i < c->nifaces; i++) {
		int ifindex = (int)if_nametoindex(c->ifaces[i].name);
		if (!ifindex)
			continue;
		for (int h = 0; h < CG_HOOK_MAX; h++) {
			uint32_t id;
			if (attach_query(ifindex, h, &id))
				continue;
			/* XDP has no handle of ours: remove it only if it is our program. */
			if (h == CG_HOOK_XDP && !prog_is_camguard(id))
				continue;
			rc = attach_detach(ifindex, h);
			if (rc) {
				fprintf(stderr, "camguardd: failed to detach %s from %s: %s\n",
					cg_hook_to_string(h), c->ifaces[i].name, strerror(-rc));
				failures++;
			} else {
				printf("Detached %s from %s\n", cg_hook_to_string(h), c->ifaces[i].name);
			}
		}
	}
	return failures;
}

static int remove_table(void)
{
	struct cg_nft *nft;
	int rc, failures = 0;

	if (nft_open(&nft) == 0) {
		rc = nft_remove(nft);
		if (rc == 0)
			printf("Removed nftables table inet camguard\n");
		else if (rc != -ENOENT) {
			fprintf(stderr, "camguardd: failed to remove table inet camguard: %s\n",
				strerror(-rc));
			failures++;
		}
		nft_close(nft);
	}
	return failures;
}

int unload_run(const char *conf_path, bool force)
{
	struct cg_model m = {};
	struct cg_diag diag;
	int rc, failures = 0;

	diag_init(&diag);
	rc = model_load(conf_path, &m, &diag);
	if (rc) {
		diag_print(&diag, stderr);
		diag_free(&diag);
		fprintf(stderr, "camguardd: cannot read %s; nothing removed\n", conf_path);
		return 1;
	}
	diag_free(&diag);
	int lock_fd = unload_lock(&m.config, force);
	if (lock_fd == -EWOULDBLOCK) {
		model_free(&m);
		return 1;
	}

	failures += detach_all(&m.config);
	failures += remove_table();
	rc = dataplane_unpin(m.config.pin_dir);
	if (rc) {
		fprintf(stderr, "camguardd: failed to remove pins in %s: %s\n", m.config.pin_dir,
			strerror(-rc));
		failures++;
	} else {
		rmdir(m.config.pin_dir);
		printf("Removed pinned maps in %s\n", m.config.pin_dir);
	}
	model_free(&m);
	if (lock_fd >= 0)
		close(lock_fd);
	return failures ? 1 : 0;
}
