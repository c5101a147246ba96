// SPDX-License-Identifier: GPL-2.0-only
/*
 * table.c — camguardctl's aligned-table engine (see table.h): column
 * widths in terminal cells, leaving out and shortening columns to fit a
 * width, and printing without trailing blanks.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

/* align: one 'l' or 'r' per column. */
void table_init(struct table *t, const char *align, ...)
{
	va_list ap;

	size_t n = strlen(align);

	/* More columns than the engine holds is a renderer's bug: show the
	 * first TABLE_MAX_COLS (this also bounds every loop over them). */
	if (n > TABLE_MAX_COLS)
		n = TABLE_MAX_COLS;
	*t = (struct table){ .ncols = (int)n };
	va_start(ap, align);
	for (size_t i = 0; i < n; i++) {
		t->head[i] = va_arg(ap, const char *);
		t->right[i] = align[i] == 'r';
		t->prio[i] = '9';
	}
	va_end(ap);
}

/* The layout: prio holds one digit per column (see struct table); wide
 * keeps every column. */
void table_layout(struct table *t, const struct cg_render_opts *o, const char *prio)
{
	t->width = o->wide ? 0 : o->width;
	for (int i = 0; i < t->ncols && prio[i]; i++)
		t->prio[i] = prio[i];
}

void table_add(struct table *t, ...)
{
	va_list ap;

	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char **c = realloc(t->cells, cap * (size_t)t->ncols * sizeof(*c));
		if (!c) {
			t->oom = true;
			return;
		}
		t->cells = c;
		t->cap = cap;
	}
	va_start(ap, t);
	for (int i = 0; i < t->ncols; i++) {
		const char *s = va_arg(ap, const char *);
		char *dup = strdup(s ? s : "");
		if (!dup)
			t->oom = true;
		/* Names come from the network (vendor strings, policy files):
		 * no control characters reach the terminal. */
		for (char *p = dup; p && *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
		t->cells[t->nrows * (size_t)t->ncols + (size_t)i] = dup;
	}
	va_end(ap);
	t->nrows++;
}

/* Columns in terminal cells: UTF-8 continuation bytes take none. */
static size_t width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

/* Writes s in w cells; a longer s is cut and ends in '~'. */
static void cell(FILE *out, const char *s, size_t w, bool right, bool last)
{
	size_t sw = width(s);

	if (sw > w) {
		size_t cells = 0, i = 0;
		for (; s[i]; i++) {
			if (((unsigned char)s[i] & 0xc0) != 0x80 && ++cells > w - 1)
				break;
		}
		fwrite(s, 1, i, out);
		fputc('~', out);
		return;
	}
	if (right)
		fprintf(out, "%*s", (int)(w - sw), "");
	fputs(s, out);
	if (!right && !last)
		fprintf(out, "%*s", (int)(w - sw), "");
}

static size_t row_width(const size_t *w, const bool *shown, int n)
{
	size_t total = 0;
	int k = 0;
	for (int i = 0; i < n; i++)
		if (shown[i])
			total += w[i] + (k++ ? 2 : 0);
	return total;
}

static bool table_shrink(struct table *t, size_t *w, const bool *shown, bool elastic_only)
{
	size_t total = row_width(w, shown, t->ncols);
	int cut = -1;

	if (total <= t->width)
		return false;
	for (int i = 1; i < t->ncols; i++) {
		size_t min = width(t->head[i]) > 8 ? width(t->head[i]) : 8;
		if (shown[i] && !t->right[i] && w[i] > min && (!elastic_only || t->prio[i] == 'e') &&
		    (cut < 0 || w[i] > w[cut]))
			cut = i;
	}
	if (cut < 0)
		return false;
	size_t min = width(t->head[cut]) > 8 ? width(t->head[cut]) : 8;
	w[cut] = w[cut] - min > total - t->width ? w[cut] - (total - t->width) : min;
	return true;
}

/* Leaves out the column of lowest priority below limit (the rightmost of
 * equals); false when there is none. */
static bool table_drop(struct table *t, const size_t *w, bool *shown, char limit)
{
	int drop = -1;

	if (row_width(w, shown, t->ncols) <= t->width)
		return false;
	for (int i = 0; i < t->ncols; i++)
		if (shown[i] && t->prio[i] < limit && (drop < 0 || t->prio[i] <= t->prio[drop]))
			drop = i;
	if (drop < 0)
		return false;
	shown[drop] = false;
	return true;
}

/* Fits the table into t->width: leaves out the minor columns (priority
 * below 5), shortens the free-text column marked 'e' (addresses, reasons),
 * leaves out the other optional columns, then shortens the widest
 * left-aligned column. Nothing is shortened below its heading or 8 cells. */
static void table_fit(struct table *t, size_t *w, bool *shown)
{
	for (int i = 0; i < t->ncols; i++)
		if (t->prio[i] == '-')
			shown[i] = false;
	if (!t->width)
		return;
	while (table_drop(t, w, shown, '5'))
		;
	while (table_shrink(t, w, shown, true))
		;
	while (table_drop(t, w, shown, '9'))
		;
	while (table_shrink(t, w, shown, false))
		;
}

static void table_print(struct table *t, FILE *out)
{
	size_t w[TABLE_MAX_COLS];
	bool shown[TABLE_MAX_COLS];
	int last = 0;

	for (int i = 0; i < t->ncols; i++) {
		w[i] = width(t->head[i]);
		shown[i] = true;
	}
	for (size_t r = 0; r < t->nrows; r++)
		for (int i = 0; i < t->ncols; i++) {
			const char *s = t->cells[r * (size_t)t->ncols + (size_t)i];
			if (s && width(s) > w[i])
				w[i] = width(s);
		}
	table_fit(t, w, shown);
	for (int i = 0; i < t->ncols; i++)
		if (shown[i])
			last = i;
	for (size_t r = 0; r <= t->nrows; r++) {
		bool first = true;
		for (int i = 0; i < t->ncols; i++) {
			if (!shown[i])
				continue;
			const char *s = r ? t->cells[(r - 1) * (size_t)t->ncols + (size_t)i] : t->head[i];
			if (i == last && !t->right[i] && !(s && *s))
				break;     /* no trailing blanks */
			if (!first)
				fputs("  ", out);
			cell(out, s ? s : "", w[i], t->right[i], i == last);
			first = false;
		}
		fputc('\n', out);
	}
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->nrows * (size_t)t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
}

int table_done(struct table *t, FILE *out)
{
	int rc = t->oom ? -ENOMEM : 0;
	if (!rc)
		table_print(t, out);
	table_free(t);
	return rc;
}
