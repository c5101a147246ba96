/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * control.h — the control socket: newline-delimited JSON requests
 * {"command":"stats","arguments":{...}} and replies {"ok":true,"result":{...}}
 * or {"ok":false,"error":{"code":"EPERM","message":"..."}} on a stream
 * socket, 0660 root:<group>. Peers are identified by SO_PEERCRED.
 *
 * Everything runs in the daemon's one event loop, non-blocking: a client
 * that sends slowly, never reads, or sends garbage costs one bounded slot
 * (CG_CONTROL_MAX_CLIENTS) for at most the idle timeout, never a stall.
 */
#ifndef CAMGUARD_CONTROL_H
#define CAMGUARD_CONTROL_H

#include <stdbool.h>
#include <stddef.h>

#include "protocol.h"

struct cg_control;
struct cg_event_loop;

/* One command's answer: 0 with *ret (a new reference), or -errno with err
 * filled (protocol_error) and *ret NULL or an object of members for the
 * error reply. ctx is control_open()'s. */
struct cg_control_handler {
	enum cg_command command;
	int (*run)(void *ctx, const struct cg_request *req, json_object **ret,
		   struct cg_proto_error *err);
};

#define CG_CONTROL_MAX_CLIENTS   32         /* more are accepted, told EBUSY and closed */
#define CG_CONTROL_IDLE_TIMEOUT  30         /* seconds without a request or reply progress */
#define CG_CONTROL_MAX_REPLY     (64u << 20) /* larger replies become an E2BIG error */

/* Creates the socket (umask before bind: never wider than 0660, owned by
 * root:group), registers it with the event loop. Each request is answered
 * by the handler of handlers[] for its command (ENOSYS when none), called
 * with ctx; the table must outlive the server. A stale socket
 * at path is replaced; a live one (another daemon answers) is -EADDRINUSE,
 * anything that is not a socket -EEXIST. The parent directory is created
 * (0755) when missing; when it is the unit's RuntimeDirectory
 * ($RUNTIME_DIRECTORY) it is made 0750 root:group so members reach the socket.
 *
 * When group is empty or does not exist the socket is made 0600 (root
 * only) and control_open() still returns 0: control_root_only() tells the
 * caller to warn. */
int control_open(struct cg_event_loop *loop, const char *path, const char *group,
		 const struct cg_control_handler *handlers, size_t nhandlers, void *ctx,
		 struct cg_control **ret);
void control_close(struct cg_control *c);

/* True when the control group was missing at open: socket 0600, root only. */
bool control_root_only(const struct cg_control *c);

/* Overrides the limits (tests): 0 keeps the current value. */
void control_set_limits(struct cg_control *c, unsigned max_clients, unsigned idle_timeout_s);

#endif
