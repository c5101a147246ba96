/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * diag.c — see diag.h. A growable array of (severity, file, line, message).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "diag.h"

void diag_init(struct cg_diag *d)
{
	memset(d, 0, sizeof(*d));
}

void diag_free(struct cg_diag *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->nentries; i++) {
		free(d->entries[i].file);
		free(d->entries[i].message);
	}
	free(d->entries);
	diag_init(d);
}

static void diag_add(struct cg_diag *d, enum cg_severity sev, const char *file, int line,
		     const char *fmt, va_list ap)
{
	char buf[CG_DIAG_MSG_MAX];
	struct cg_diag_entry *e;

	if (sev == CG_DIAG_ERROR)
		d->nerrors++;
	else
		d->nwarnings++;

	if (d->nentries >= CG_DIAG_MAX_STORED) {
		d->dropped++;
		return;
	}
	if (!CG_GROW(d->entries, d->cap, d->nentries + 1)) {
		d->oom = true;
		return;
	}
	vsnprintf(buf, sizeof(buf), fmt, ap);
	e = &d->entries[d->nentries];
	e->severity = sev;
	e->line = line;
	e->file = file ? strdup(file) : NULL;
	e->message = strdup(buf);
	if ((file && !e->file) || !e->message) {
		free(e->file);
		free(e->message);
		d->oom = true;
		return;
	}
	d->nentries++;
}

void diag_error(struct cg_diag *d, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_add(d, CG_DIAG_ERROR, file, line, fmt, ap);
	va_end(ap);
}

void diag_warning(struct cg_diag *d, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_add(d, CG_DIAG_WARNING, file, line, fmt, ap);
	va_end(ap);
}

int diag_format(const struct cg_diag_entry *e, char *buf, size_t size)
{
	const char *sev = e->severity == CG_DIAG_WARNING ? "warning: " : "";

	if (e->file && e->line > 0)
		return snprintf(buf, size, "%s:%d: %s%s", e->file, e->line, sev, e->message);
	if (e->file)
		return snprintf(buf, size, "%s: %s%s", e->file, sev, e->message);
	return snprintf(buf, size, "%s%s", sev, e->message);
}

void diag_print(const struct cg_diag *d, FILE *out)
{
	char buf[CG_DIAG_MSG_MAX + 4096 + 32];

	for (size_t i = 0; i < d->nentries; i++) {
		diag_format(&d->entries[i], buf, sizeof(buf));
		fprintf(out, "%s\n", buf);
	}
	if (d->dropped)
		fprintf(out, "... and %zu more (not shown)\n", d->dropped);
	if (d->oom)
		fprintf(out, "out of memory while recording diagnostics; some are missing\n");
}
