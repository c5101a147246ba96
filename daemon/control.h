/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * control.h — the control socket: newline-delimited JSON requests
 * {"command":"stats","arguments":{...}} and replies {"ok":true,"result":{...}}
 * or {"ok":false,"error":{"code":"EPERM","message":"..."}} on a stream
 * socket, 0660 root:<group>. Peers are identified by SO_PEERCRED.
 */
#ifndef CAMGUARD_CONTROL_H
#define CAMGUARD_CONTROL_H

struct cg_daemon;
struct cg_control;

/* Creates the socket (umask before bind: never wider than 0660), registers
 * it with the daemon's event loop. */
int control_open(struct cg_daemon *d, const char *path, const char *group,
		 struct cg_control **ret);
void control_close(struct cg_control *c);

#endif
