/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * filehash.h — SHA-256 of policy files, so that `camguardctl status` can
 * show which exact files are enforced (compare with sha256sum).
 */
#ifndef CAMGUARD_FILEHASH_H
#define CAMGUARD_FILEHASH_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len;
	uint8_t buf[64];
	size_t nbuf;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_hex(struct sha256 *s, char out[65]);

/* The hash of one file's contents (as sha256sum prints it). */
int filehash_file(const char *path, char out[65]);
/* One hash over a set: SHA-256 of "HASH  PATH\n" lines, as `sha256sum FILES`
 * prints them; unreadable files hash as 64 zeros. ret_each (n entries, may
 * be NULL) receives every file's own hash, "" for an unreadable one. */
void filehash_files(const char *const *paths, size_t n, char (*ret_each)[65], char out[65]);

/* The hash of a policy set that does not depend on where it is installed:
 * SHA-256 of "HASH  BASENAME\n" lines of already computed hashes (each[i]
 * for paths[i]; "" hashes as 64 zeros). Hosts with the same files in
 * policy directories at different paths get the same value. */
void filehash_set(const char *const *paths, const char (*each)[65], size_t n, char out[65]);

#endif
