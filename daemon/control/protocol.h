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
 * Only the wire protocol lives here: what a result means to an operator
 * (tables, CSV) is camguardctl's, in daemon/ctl/render.h.
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
	bool would;                       /* blocked: would-drop rows only */
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

/* The "error" object of an {"ok":false} reply line (new reference), NULL
 * when the line is not one. */
json_object *protocol_reply_error_object(const char *line, size_t len);

#endif
