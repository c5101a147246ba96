/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test-atomicfile.c — common/atomicfile.c, the one way the daemon replaces
 * its state files (inventory.json, evidence.bin, policy-ids) and the metrics
 * textfile: the new content or the old file, never a mix, never a
 * temporary left behind, never written through a symlink.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "test-check.h"

static char dir[] = "/tmp/cg-atomicfile.XXXXXX";

static int save(const char *path, const char *text, int fail)
{
	char tmp[512];
	int fd = atomicfile_open(path, 0640, tmp, sizeof(tmp));

	if (fd < 0)
		return fd;
	return atomicfile_commit(fd, tmp, path, fail ? fail : atomicfile_write(fd, text, strlen(text)));
}

static void read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, len - 1);

	buf[n < 0 ? 0 : n] = 0;
	if (fd >= 0)
		close(fd);
}

int main(void)
{
	char path[256], tmp[300], buf[4096], big[3000];
	struct stat st;

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/state.json", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);

	CHECK(save(path, "one\n", 0) == 0, "first save");
	read_file(path, buf, sizeof(buf));
	CHECK(!strcmp(buf, "one\n"), "content \"%s\"", buf);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == (0640 & ~umask(022)), "mode %o",
	      st.st_mode & 0777);
	CHECK(access(tmp, F_OK) < 0, "no temporary left");

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	CHECK(save(path, big, 0) == 0, "replace with a larger file");
	read_file(path, buf, sizeof(buf));
	CHECK(strlen(buf) == sizeof(big) - 1, "replaced whole (%zu bytes)", strlen(buf));

	/* an error before the commit (a failed write) keeps the old file */
	CHECK(save(path, "two\n", -ENOSPC) == -ENOSPC, "the earlier error is returned");
	read_file(path, buf, sizeof(buf));
	CHECK(strlen(buf) == sizeof(big) - 1, "old file kept after a failed write");
	CHECK(access(tmp, F_OK) < 0, "temporary removed after a failed write");

	/* a symlink planted at the temporary's name is not followed */
	char target[300];
	snprintf(target, sizeof(target), "%s/elsewhere", dir);
	CHECK(symlink(target, tmp) == 0, "symlink planted");
	CHECK(save(path, "three\n", 0) == -ELOOP, "open through a symlink refused");
	CHECK(access(target, F_OK) < 0, "nothing written through the symlink");
	unlink(tmp);

	/* a directory that does not exist: an error, nothing created */
	char nodir[300];
	snprintf(nodir, sizeof(nodir), "%s/missing/state.json", dir);
	CHECK(save(nodir, "four\n", 0) == -ENOENT, "missing directory: -ENOENT");

	/* a name too long for the caller's buffer */
	char small[8];
	CHECK(atomicfile_open(path, 0640, small, sizeof(small)) == -ENAMETOOLONG, "name too long");

	/* a write that fails reports its errno */
	CHECK(atomicfile_write(-1, "x", 1) == -EBADF, "write error returned");
	unlink(path);
	rmdir(dir);
	printf("%s: %d checks passed, %d failed\n", failures ? "FAIL" : "PASS", checks - failures,
	       failures);
	return failures ? 1 : 0;
}
