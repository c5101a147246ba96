/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * table.h — camguardctl's aligned-table engine: the 80-column default and
 * --wide layout of every table the CLI prints.
 *
 * A renderer declares its columns (heading, left or right alignment, a
 * priority digit per column), adds rows of strings, and table_done() lays
 * them out: at a limited width the columns of low priority are left out
 * and the free-text columns shortened (ending in '~') until every row
 * fits; --wide shows every column in full. Cells are copied, and control
 * characters in them (names come from the network) are printed as '?'.
 * The engine knows nothing of camguard's replies: the render-*.c files do.
 */
#ifndef CAMGUARD_CTL_TABLE_H
#define CAMGUARD_CTL_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "render.h"

#define TABLE_MAX_COLS 12

struct table {
	int ncols;
	const char *head[TABLE_MAX_COLS];
	bool right[TABLE_MAX_COLS];
	/* '9' always shown, lower digits left out first when the width is
	 * short, 'e' always shown but shortened first, '-' never shown */
	char prio[TABLE_MAX_COLS];
	char **cells;            /* nrows * ncols */
	size_t nrows, cap;
	unsigned width;          /* 0: unlimited */
	bool oom;
};


/* align: one 'l' or 'r' per column, then one heading per column. */
void table_init(struct table *t, const char *align, ...);
/* The layout: prio holds one digit per column (see struct table); o->wide
 * keeps every column, else the table fits o->width cells. */
void table_layout(struct table *t, const struct cg_render_opts *o, const char *prio);
/* One row: one string per column (NULL = ""). Out of memory is reported
 * by table_done(). */
void table_add(struct table *t, ...);
/* Prints the table and frees its rows: 0, or -ENOMEM (nothing printed). */
int table_done(struct table *t, FILE *out);

#endif
