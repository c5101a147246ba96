/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * daemon.h — camguardd: start, run the event loop, stop.
 *
 * One thread, one event loop (event.h). Every source (signals, the tick
 * timer, the ring buffer, rtnetlink, the control socket and its clients)
 * is a watch with a handler. Nothing blocks: the data plane enforces on
 * its own, the daemon only feeds it policy and reads what it counted.
 */
#ifndef CAMGUARD_DAEMON_H
#define CAMGUARD_DAEMON_H

/* The whole daemon: returns the process exit code. */
int daemon_main(const char *conf_path);

#endif
