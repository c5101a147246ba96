/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * protocol.h — the control protocol, shared by camguardd and camguardctl.
 *
 * One JSON object per line on a stream socket. A request is
 *   {"command":"stats","arguments":{"policy":"hikvision"}}
 * and a reply is {"ok":true,"result":{...}} or
 *   {"ok":false,"error":{"code":"EPERM","message":"..."}}.
 *
 * Parsing is strict on purpose: an unknown member, an argument of the wrong
 * type or an argument another command takes is an error, not ignored, so
 * that a typo in a monitoring script is seen at once. This module has no
 * state and needs nothing but json-c and libc: the daemon, the CLI, the unit
 * tests and the fuzz harness link it alone.
 *
 * The client-side renderers (aligned tables) live here too: they take the daemon's result object, so tests feed them
 * fixed JSON without a daemon.
 */
#ifndef CAMGUARD_PROTOCOL_H
#define CAMGUARD_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <json-c/json.h>

#include "addr.h"

#define CG_CONTROL_SOCKET_DEFAULT "/run/camguard/camguard.sock"
#define CG_PROTO_MAX_REQUEST      (64 * 1024)      /* bytes in one request line, without '\n' */
#define CG_PROTO_MAX_REPLY        (256u << 20)     /* a reply line the client accepts */
#define CG_PROTO_MAX_DEPTH        8                /* JSON nesting in a request */
#define CG_PROTO_NAME_MAX         64               /* == CG_NAME_MAX (model.h) */

enum cg_command {
	CG_CMD_STATS = 0,
	CG_CMD_CAMERAS,
	CG_CMD_BLOCKED,
	CG_CMD_STATUS,
	CG_CMD_RELOAD,
	CG_CMD_ADVISORIES,
	CG_CMD_PROBE,
	CG_CMD_MAX
};

/* A validated request. */
struct cg_request {
	enum cg_command command;
	char policy[CG_PROTO_NAME_MAX];   /* stats, cameras: "" = every policy */
	bool has_device;                  /* stats: device given */
	uint8_t device[6];
	bool devices;                     /* stats: per-device rows too (implied by device) */
	bool dry_run;                     /* reload */
	bool summary;                     /* cameras: counts by vendor and model */
	bool prometheus;                  /* stats: {"exposition": text format 0.0.4} */
	char iface[16];                   /* probe: "" = every camera interface */
	bool result;                      /* probe: report on the last probe, send nothing */
	/* cameras filters: all given must hold */
	char vendor[CG_PROTO_NAME_MAX];   /* a word of the MAC's vendor or the announced one */
	bool unknown;                     /* devices without a vendor */
	bool mismatch;                    /* announcing another manufacturer than the MAC's */
	uint64_t since;                   /* seen in the last N seconds (0 = any) */
	bool vulnerable;                  /* cameras: only devices an advisory affects */
};

/* Why a request or a reply was refused: code is an errno name ("EINVAL"),
 * message one human-readable line. */
struct cg_proto_error {
	char code[32];
	char message[256];
};

const char *protocol_command_to_string(enum cg_command cmd);
int protocol_command_from_string(const char *s);      /* -EINVAL if unknown */
/* Commands that change state: root only. */
bool protocol_command_needs_root(const struct cg_request *req);

/* Fills err with code/message; returns the negative errno matching code. */
int protocol_error(struct cg_proto_error *err, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* errno -> "EPERM"; "EIO" for anything without a name. */
const char *protocol_errno_name(int err);

/* Parses one request line (without its '\n'). 0, or -EINVAL/-E2BIG/-ENOSYS
 * with err filled. Bytes after the object other than white space, an
 * embedded NUL or more than CG_PROTO_MAX_REQUEST bytes are errors. */
int protocol_parse_request(const char *line, size_t len, struct cg_request *ret,
			   struct cg_proto_error *err);

/* Builders: a malloc'ed line ending in '\n' (length in *ret_len), NULL on
 * allocation failure. reply_ok does not take the reference to result. */
char *protocol_reply_ok(json_object *result, size_t *ret_len);
char *protocol_reply_error(const char *code, const char *message, size_t *ret_len);
/* The same with the members of details (may be NULL) added to the error
 * object: a refused reload's {"errors":[...],"errors_total":N}. */
char *protocol_reply_error_details(const char *code, const char *message, json_object *details,
				   size_t *ret_len);
char *protocol_build_request(const struct cg_request *req, size_t *ret_len);

/* Client side: parses a reply line. 0 with *ret_result (a new reference) or
 * a negative errno with err filled — the daemon's code and message for an
 * {"ok":false} reply, EPROTO for a reply that is not one. */
int protocol_parse_reply(const char *line, size_t len, json_object **ret_result,
			 struct cg_proto_error *err);

/* ---- rendering (client side) ------------------------------------------ */

/* "999", "1.2k", "3.4M", "5.6G"... */
void protocol_human_count(uint64_t v, char *buf, size_t len);
/* "512 B", "1.2 kB", "3.4 MB"... (SI units) */
void protocol_human_bytes(uint64_t v, char *buf, size_t len);
/* cameras --csv: RFC 4180 (header row, CRLF, fields quoted where needed)
 * from a cameras result, with each device's drops from a stats result
 * (may be NULL: 0). host names the recorder on every line. 0 or -EINVAL. */
int protocol_render_cameras_csv(json_object *cameras, json_object *stats, const char *host,
				FILE *out);
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

/* Aligned human-readable tables of the result of cmd: 80 columns, default
 * options. 0 or -EINVAL. */
int protocol_render_table(enum cg_command cmd, json_object *result, FILE *out);
int protocol_render_table_opts(enum cg_command cmd, json_object *result,
			       const struct cg_render_opts *opts, FILE *out);

/* A short display name for an IEEE organisation name: "Zhejiang Dahua
 * Technology Co., Ltd." -> "Dahua" (a table of camera makers, else the first
 * word that is not a place or a company form). Writes into buf. */
const char *protocol_short_vendor(const char *org, char *buf, size_t len);

/* The "errors" list of a refused reload (an error reply's member, or a dry
 * run's result): one line each, then "... and N more". */
void protocol_render_errors(json_object *o, FILE *out);
/* The "error" object of an {"ok":false} reply line (new reference), NULL
 * when the line is not one. */
json_object *protocol_reply_error_object(const char *line, size_t len);

/* "10m", "2h", "1d", "90s", "300" (seconds): 0 and *ret seconds, or -EINVAL. */
int protocol_parse_duration(const char *s, uint64_t *ret);

#endif
