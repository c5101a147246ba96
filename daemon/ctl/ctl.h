/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ctl.h — how camguardctl's parts fit together.
 *
 * bpftool-style: camguardctl.c parses the options every command takes and
 * finds the command in a table (cmds.c) of {name, handler, plain printer,
 * JSON printer, help}. The handler parses the command's own options,
 * builds a request, sends it through client.c (one request, one reply
 * line on the control socket) and hands the result to the command's
 * printers: the plain one (render.h: tables fitted to the terminal) or
 * the JSON one (the daemon's result unchanged). Errors are {"error": ...}
 * on stdout in JSON mode and "Error: ..." on stderr otherwise. Exit codes:
 * 0 ok, 1 error, 2 usage.
 */
#ifndef CAMGUARD_CTL_H
#define CAMGUARD_CTL_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>

#include "protocol.h"
#include "render.h"

#define EXIT_USAGE 2

/* The options every command takes (camguardctl.c). */
struct ctl_options {
	const char *socket_path;
	bool json;       /* --json: errors as JSON too */
	bool pretty;     /* --pretty: indented JSON */
	bool wide;       /* --wide: every column */
};
extern struct ctl_options ctl_opts;

#define CTL_COMMON_OPTS { "json", no_argument, NULL, 'j' }, { "pretty", no_argument, NULL, 'p' }, \
			{ "help", no_argument, NULL, 'h' }, { "socket", required_argument, NULL, 's' }, \
			{ "wide", no_argument, NULL, 'w' }
/* Handles an option of CTL_COMMON_OPTS: 1 if handled, 0 if not one of
 * them, -1 for --help. */
int ctl_common_opt(int c);
/* The help of command name (NULL: of camguardctl), on stdout. */
int ctl_help(const char *name);

/* ---- client.c: the socket and the error convention ---------------------- */

/* Prints an error the way the output mode wants it; EXIT_FAILURE. */
int ctl_error(const char *code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same for a command line error, with a pointer to cmd's --help;
 * EXIT_USAGE. */
int ctl_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sends req, returns the result (new reference) or NULL after printing the
 * error. */
json_object *ctl_call(const struct cg_request *req);
/* Tables fit 80 columns, or the terminal's width when stdout is one;
 * --wide: every column. */
struct cg_render_opts ctl_render_opts(void);
/* The JSON printer of every command: the daemon's result unchanged
 * (--pretty: indented). */
int ctl_print_json(json_object *res, const struct cg_render_opts *o, FILE *out);

/* ---- cmds.c: the command table ------------------------------------------ */

struct ctl_command {
	const char *name;
	enum cg_command request;     /* what the handler asks (CG_CMD_MAX: nothing) */
	int (*handler)(const struct ctl_command *cmd, int argc, char **argv);
	render_fn print_plain;       /* the result for a person */
	render_fn print_json;        /* the result for a program */
	const char *args;            /* the usage line */
	const char *summary;         /* one line in the command list */
	const char *help;            /* the rest of --help */
};

extern const struct ctl_command ctl_commands[];
extern const size_t ctl_commands_count;
const struct ctl_command *ctl_command_find(const char *name);
/* res through cmd's JSON or plain printer, as the options say; 0 or
 * EXIT_FAILURE (a result the plain printer cannot read). */
int ctl_print(const struct ctl_command *cmd, json_object *res, const struct cg_render_opts *o);

#endif
