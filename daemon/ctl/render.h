/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * render.h — camguardctl's plain printers: a daemon result (the "result"
 * member of a reply, see protocol.h) as aligned tables, CSV or the
 * Prometheus text, for the operator.
 *
 * Every printer is a pure function of the JSON it is given and the layout
 * options, so the unit tests (tests/unit/test-render.c) feed them fixed
 * JSON without a daemon. A result of the wrong shape is -EINVAL, never a
 * crash: the fuzz harness renders arbitrary replies. The JSON printer is
 * the daemon's result unchanged (ctl.h). camguardd links none of this.
 */
#ifndef CAMGUARD_CTL_RENDER_H
#define CAMGUARD_CTL_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <json-c/json.h>

#include "protocol.h"

/* How a table is laid out. width: the columns available (0 = unlimited);
 * columns of lower priority are left out, then the widest free-text column
 * is shortened, until a row fits. wide: every column, nothing shortened.
 * now: the time ages ("5m") are computed against (0 = time(NULL)).
 * prev/interval: an earlier stats result and the seconds between the two,
 * for per-second rates (stats --watch). */
struct cg_render_opts {
	unsigned width;
	bool wide;
	int64_t now;
	json_object *prev;
	double interval;
};
#define CG_RENDER_WIDTH_DEFAULT 80

/* A plain printer: the result of one command on out. 0 or -EINVAL (a
 * result of another shape), -ENOMEM. */
typedef int (*render_fn)(json_object *result, const struct cg_render_opts *o, FILE *out);

/* The tables of each command (render-stats.c, render-cameras.c,
 * render-status.c). */
int render_stats(json_object *result, const struct cg_render_opts *o, FILE *out);
int render_blocked(json_object *result, const struct cg_render_opts *o, FILE *out);
/* blocked --csv: RFC 4180 like cameras --csv, one row per flow. */
int render_blocked_csv(json_object *result, FILE *out);
/* One RFC 4180 field, then ',' or CRLF after the last. */
void render_csv_field(FILE *out, const char *s, bool last);
int render_cameras(json_object *result, const struct cg_render_opts *o, FILE *out);
int render_advisories(json_object *result, const struct cg_render_opts *o, FILE *out);
int render_status(json_object *result, const struct cg_render_opts *o, FILE *out);
int render_reload(json_object *result, const struct cg_render_opts *o, FILE *out);
/* reload --dry-run's "flows" (render-dryrun.c); nothing when flows is NULL. */
int render_reload_flows(json_object *flows, const struct cg_render_opts *o, FILE *out);
int render_probe(json_object *result, const struct cg_render_opts *o, FILE *out);

/* Aligned human-readable tables of the result of cmd: the printer above
 * for cmd, with opts (NULL: 80 columns, default options). 0 or -EINVAL. */
int render_command(enum cg_command cmd, json_object *result, const struct cg_render_opts *opts,
		   FILE *out);

/* stats --prometheus: the daemon's text exposition ("exposition") as it
 * is; -EINVAL when the result has none. */
int render_stats_prometheus(json_object *result, FILE *out);

/* cameras --csv: RFC 4180 (header row, CRLF, fields quoted where needed)
 * from a cameras result, with each device's drops from a stats result
 * (may be NULL: 0). host names the recorder on every line. 0 or -EINVAL. */
int render_cameras_csv(json_object *cameras, json_object *stats, const char *host, FILE *out);

/* The "errors" list of a refused reload (an error reply's member, or a dry
 * run's result): one line each, then "... and N more". */
void render_errors(json_object *o, FILE *out);

/* "999", "1.2k", "3.4M", "5.6G"... */
void render_human_count(uint64_t v, char *buf, size_t len);
/* "512 B", "1.2 kB", "3.4 MB"... (SI units) */
void render_human_bytes(uint64_t v, char *buf, size_t len);

/* A short display name for an IEEE organisation name: "Zhejiang Dahua
 * Technology Co., Ltd." -> "Dahua" (a table of camera makers, else the first
 * word that is not a place or a company form). Writes into buf. */
const char *render_short_vendor(const char *org, char *buf, size_t len);

#endif
