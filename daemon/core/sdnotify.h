/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sdnotify.h — the sd_notify datagram protocol without libsystemd: one
 * datagram of "KEY=VALUE\n" lines to $NOTIFY_SOCKET (a path, or an abstract
 * name when it starts with '@'). A no-op when the variable is unset.
 */
#ifndef CAMGUARD_SDNOTIFY_H
#define CAMGUARD_SDNOTIFY_H

int sd_notifyf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
