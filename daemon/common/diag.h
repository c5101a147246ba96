/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * diag.h — collected diagnostics of one load.
 *
 * Loading camguard.conf and policies.d/ reports *every* problem it finds, not
 * just the first, and modules never log: they append "FILE:LINE: message"
 * entries here and the caller (camguardd, --check, the tests) prints them.
 * Storage is bounded (CG_DIAG_MAX_STORED entries, each message truncated to
 * CG_DIAG_MSG_MAX bytes) so that a file with a million bad lines cannot make
 * the load itself unbounded; the counters keep counting past that bound.
 */
#ifndef CAMGUARD_DIAG_H
#define CAMGUARD_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CG_DIAG_MSG_MAX    512
#define CG_DIAG_MAX_STORED 1000

enum cg_severity {
	CG_DIAG_ERROR = 0,
	CG_DIAG_WARNING = 1,
};

struct cg_diag_entry {
	enum cg_severity severity;
	char *file;          /* owned copy; NULL when the message is not about a file */
	int line;            /* 0: the file as a whole */
	char *message;       /* without the "FILE:LINE: " prefix */
};

struct cg_diag {
	struct cg_diag_entry *entries;
	size_t nentries, cap;
	size_t nerrors;      /* counted even beyond CG_DIAG_MAX_STORED */
	size_t nwarnings;
	size_t dropped;      /* entries not stored because of the bound */
	bool oom;            /* an allocation failed while recording */
};

void diag_init(struct cg_diag *d);
void diag_free(struct cg_diag *d);

/* Record an error or a warning. file may be NULL, line 0 for "the whole file".
 * These never fail: an allocation failure sets d->oom and the count still
 * goes up, so a load can never look clean because diagnostics ran out of memory. */
void diag_error(struct cg_diag *d, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void diag_warning(struct cg_diag *d, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static inline size_t diag_errors(const struct cg_diag *d) { return d->nerrors; }
static inline size_t diag_warnings(const struct cg_diag *d) { return d->nwarnings; }

/* Format one entry: "FILE:LINE: message", "FILE: message" (line 0),
 * "FILE:LINE: warning: message" for warnings. Returns what snprintf returns. */
int diag_format(const struct cg_diag_entry *e, char *buf, size_t size);

/* Print every entry, one per line, in the order recorded, then a line for
 * entries dropped by the storage bound. */
void diag_print(const struct cg_diag *d, FILE *out);

#endif /* CAMGUARD_DIAG_H */
