/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * event.h — the event loop: one epoll set, file descriptors watched with a
 * handler each, and periodic timers (timerfd). It knows nothing of camguard:
 * the daemon, the control server and the tests drive their sources through
 * it the same way.
 *
 * One thread: a handler runs to completion before the next one is called,
 * so a handler may change anything the others read without a lock. Nothing
 * may block in a handler.
 */
#ifndef CAMGUARD_EVENT_H
#define CAMGUARD_EVENT_H

#include <stdint.h>

struct cg_event_loop;
struct cg_watch;

typedef void (*cg_watch_fn)(struct cg_watch *w, uint32_t events);

/* A watched descriptor; its owner keeps it alive while it is registered
 * (the loop stores the pointer) and reaches its own state through data. */
struct cg_watch {
	int fd;
	cg_watch_fn fn;
	void *data;
};

int event_loop_new(struct cg_event_loop **ret);
void event_loop_free(struct cg_event_loop *l);

/* EPOLLIN, EPOLLOUT...: 0 or -errno. */
int event_add(struct cg_event_loop *l, struct cg_watch *w, uint32_t events);
int event_mod(struct cg_event_loop *l, struct cg_watch *w, uint32_t events);
void event_del(struct cg_event_loop *l, struct cg_watch *w);

/* Waits up to timeout_ms (-1: until something happens) and calls the
 * handler of every ready watch. Returns how many ran (0 on a timeout or a
 * signal), or -errno when the wait itself failed. */
int event_dispatch(struct cg_event_loop *l, int timeout_ms);

/* A timer watch: w->fd becomes a non-blocking timerfd (CLOCK_MONOTONIC),
 * not yet armed nor registered. 0 or -errno. */
int event_timer_open(struct cg_watch *w, cg_watch_fn fn, void *data);
/* Fires every interval_ms from now; 0 disarms it. */
int event_timer_set(struct cg_watch *w, unsigned interval_ms);
/* In the timer's handler: the expirations since the last read (>= 1), or
 * -EAGAIN when none, -errno. */
int64_t event_timer_read(struct cg_watch *w);

#endif
