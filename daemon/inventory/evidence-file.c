// SPDX-License-Identifier: GPL-2.0-only
/*
 * evidence-file.c — the denied-flow table (evidence.h) on disk:
 * state_dir/evidence.bin (header, rows, overflow entries; version 1 files
 * read), written like the inventory (temp file, fsync, rename), and the
 * daemon's calls (open at start, persist spaced by its cost).
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "evidence-int.h"

#define EV_MAGIC   "CGEVID1\n"
#define EV_VERSION 2   /* 2: rows and overflow entries carry the nftables part */
#define EV_FILE_MAX     (64u << 20)   /* rows or overflow entries a file may claim */

/* The file: this header, the rows, the overflow entries. Fixed-width
 * structs written as they are: the file is read back by the same build on
 * the same host (the version and sizes guard anything else). */
struct ev_file_header {
	char magic[8];
	uint32_t version;
	uint32_t row_size;
	uint32_t over_size;
	uint32_t pad;
	uint64_t nrows;
	uint64_t nover;
	char instance[EV_INSTANCE_MAX];
	struct cg_evidence_nft nft;      /* version 2 */
};

/* Version 1: the same without the nftables parts (converted on load). */
#define EV_HEADER_V1 offsetof(struct ev_file_header, nft)
#define EV_ROW_V1    offsetof(struct cg_evidence_row, nft_packets)
#define EV_OVER_V1   offsetof(struct cg_evidence_over, nft)

/* ---- persistence --------------------------------------------------------- */

bool evidence_dirty(const struct cg_evidence *ev)
{
	return ev->dirty;
}

int evidence_save(struct cg_evidence *ev, const char *path)
{
	ev_sort_rows(ev);   /* rows added by evidence_add_nft wait unsorted */
	struct ev_file_header h = {
		.version = EV_VERSION,
		.row_size = sizeof(struct cg_evidence_row),
		.over_size = sizeof(struct cg_evidence_over),
		.nrows = ev->n,
		.nover = ev->nover,
	};
	char tmp[4096];
	int rc;

	memcpy(h.magic, EV_MAGIC, sizeof(h.magic));
	memcpy(h.instance, ev->instance, sizeof(h.instance));
	evidence_nft_totals(ev, &h.nft);
	int fd = atomicfile_open(path, 0640, tmp, sizeof(tmp));
	if (fd < 0)
		return fd;
	rc = atomicfile_write(fd, &h, sizeof(h));
	if (!rc)
		rc = atomicfile_write(fd, ev->rows, ev->n * sizeof(*ev->rows));
	if (!rc)
		rc = atomicfile_write(fd, ev->over, ev->nover * sizeof(*ev->over));
	rc = atomicfile_commit(fd, tmp, path, rc);
	if (!rc)
		ev->dirty = false;
	return rc;
}

static int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	while (len) {
		ssize_t r = read(fd, p, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EINVAL;   /* short file */
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

int evidence_load(struct cg_evidence *ev, const char *path)
{
	struct ev_file_header h;
	struct cg_evidence_row *rows = NULL;
	struct cg_evidence_over *over = NULL;
	int rc;

	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	memset(&h, 0, sizeof(h));
	rc = read_all(fd, &h, EV_HEADER_V1);
	bool v1 = !rc && h.version == 1;
	size_t rsz = v1 ? EV_ROW_V1 : sizeof(*rows), osz = v1 ? EV_OVER_V1 : sizeof(*over);
	if (!rc && !v1 && h.version == EV_VERSION)
		rc = read_all(fd, (char *)&h + EV_HEADER_V1, sizeof(h) - EV_HEADER_V1);
	if (!rc && (memcmp(h.magic, EV_MAGIC, sizeof(h.magic)) || (!v1 && h.version != EV_VERSION) ||
		    h.row_size != rsz || h.over_size != osz ||
		    h.nrows > (uint64_t)EV_FILE_MAX || h.nover > (uint64_t)EV_FILE_MAX))
		rc = -EINVAL;
	if (!rc) {
		rows = calloc(h.nrows ? h.nrows : 1, sizeof(*rows));
		over = calloc(h.nover ? h.nover : 1, sizeof(*over));
		if (!rows || !over)
			rc = -ENOMEM;
	}
	/* Version 1 records are the leading part of today's: read each into
	 * place, the nftables part stays zero. */
	if (!rc && !v1)
		rc = read_all(fd, rows, h.nrows * sizeof(*rows));
	if (!rc && !v1)
		rc = read_all(fd, over, h.nover * sizeof(*over));
	for (uint64_t i = 0; !rc && v1 && i < h.nrows; i++)
		rc = read_all(fd, &rows[i], rsz);
	for (uint64_t i = 0; !rc && v1 && i < h.nover; i++)
		rc = read_all(fd, &over[i], osz);
	close(fd);
	/* Rows and overflow entries must be in order and unique: a sorted
	 * table is what the binary searches rely on. */
	for (uint64_t i = 1; !rc && i < h.nrows; i++)
		if (ev_key_cmp(&rows[i - 1], &rows[i]) >= 0)
			rc = -EINVAL;
	for (uint64_t i = 1; !rc && i < h.nover; i++)
		if (ev_over_cmp(&over[i - 1], &over[i]) >= 0)
			rc = -EINVAL;
	if (rc) {
		free(rows);
		free(over);
		return rc;
	}
	free(ev->rows);
	free(ev->over);
	ev->rows = rows;
	ev->n = ev->sorted = h.nrows;
	ev->cap = h.nrows ? h.nrows : 1;
	ev->over = over;
	ev->nover = h.nover;
	ev->capover = h.nover ? h.nover : 1;
	h.instance[sizeof(h.instance) - 1] = 0;
	snprintf(ev->instance, sizeof(ev->instance), "%s", h.instance);
	ev->nft_base = h.nft;
	memset(&ev->nft_run, 0, sizeof(ev->nft_run));
	ev->dirty = false;
	return 0;
}


/* ---- the daemon's calls ---------------------------------------------------- */

static int evidence_path(const char *state_dir, char *buf, size_t len)
{
	return snprintf(buf, len, "%s/evidence.bin", state_dir) >= (int)len ? -ENAMETOOLONG : 0;
}

int evidence_open(const char *state_dir, uint32_t max_flows, struct cg_evidence **ret)
{
	char path[4096];
	struct cg_evidence *ev;
	/* Room for the live map and as much again of earlier instances. */
	int rc = evidence_new(4 * (size_t)(max_flows ? max_flows : CG_FLOWS_DEFAULT), &ev);

	if (rc)
		return rc;
	*ret = ev;
	rc = evidence_path(state_dir, path, sizeof(path));
	if (!rc)
		rc = evidence_load(ev, path);
	return rc == -ENOENT ? 0 : rc;
}

/* A sync walks the whole map (and, once it is full, every device) and a save
 * writes the whole table: at 65,536 rows under a MAC flood that is a good
 * part of a second. Like the inventory's, the work is spaced so that it never
 * takes more than 1/EV_COST_FACTOR of the daemon's time (the event loop must
 * keep answering); `force` (at stop) does it now. */
#define EV_COST_FACTOR 20

int evidence_persist(struct cg_evidence *ev, const struct cg_dataplane *dp, const char *state_dir,
		     bool force)
{
	char path[4096];
	uint64_t t0 = ev_mono_ns();
	int rc;

	if (!force && t0 < ev->next_ns)
		return 0;
	rc = evidence_sync(ev, dp);
	if (!rc && evidence_dirty(ev)) {
		rc = evidence_path(state_dir, path, sizeof(path));
		if (!rc)
			rc = evidence_save(ev, path);
	}
	uint64_t t1 = ev_mono_ns();
	ev->next_ns = t1 + (t1 - t0) * EV_COST_FACTOR;
	return rc;
}

