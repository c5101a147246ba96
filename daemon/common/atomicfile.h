/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * atomicfile.h — a file replaced whole or not at all, for the daemon's state
 * (inventory.json, evidence.bin, policy ids) and the metrics textfile: the
 * content goes to PATH.tmp, is fsync'ed and renamed over PATH, so a crash or
 * a full disk leaves the previous file, never half of the new one.
 *
 *	char tmp[...];
 *	int fd = atomicfile_open(path, 0640, tmp, sizeof(tmp));
 *	if (fd < 0)
 *		return fd;
 *	rc = atomicfile_write(fd, buf, len);
 *	return atomicfile_commit(fd, tmp, path, rc);
 */
#ifndef CAMGUARD_ATOMICFILE_H
#define CAMGUARD_ATOMICFILE_H

#include <stddef.h>
#include <sys/types.h>

/* Creates (truncates) PATH.tmp, never through a symlink; its name goes to
 * tmp. Returns the fd, -ENAMETOOLONG or -errno. */
int atomicfile_open(const char *path, mode_t mode, char *tmp, size_t tmplen);
/* Writes all of buf (EINTR retried): 0, -errno, or -EIO for a 0-byte write. */
int atomicfile_write(int fd, const void *buf, size_t len);
/* Ends the file: with rc == 0 (no error so far) fsync, close, rename over
 * path; otherwise, or when one of those fails, closes and removes the
 * temporary file. Returns the first error, 0 when path holds the new file. */
int atomicfile_commit(int fd, const char *tmp, const char *path, int rc);

#endif
