// SPDX-License-Identifier: GPL-2.0-only
/*
 * event.c — the event loop (event.h): epoll for readiness, timerfd for
 * periodic work. Level-triggered throughout: a handler that leaves data
 * unread is called again on the next turn, after the other ready sources,
 * which is how a busy client cannot starve the rest.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "event.h"

#define EVENT_BATCH 16

struct cg_event_loop {
	int epfd;
};

int event_loop_new(struct cg_event_loop **ret)
{
	struct cg_event_loop *l = calloc(1, sizeof(*l));

	*ret = NULL;
	if (!l)
		return -ENOMEM;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		int rc = -errno;
		free(l);
		return rc;
	}
	*ret = l;
	return 0;
}

void event_loop_free(struct cg_event_loop *l)
{
	if (!l)
		return;
	close(l->epfd);
	free(l);
}

int event_add(struct cg_event_loop *l, struct cg_watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };
	return epoll_ctl(l->epfd, EPOLL_CTL_ADD, w->fd, &ev) < 0 ? -errno : 0;
}

int event_mod(struct cg_event_loop *l, struct cg_watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };
	return epoll_ctl(l->epfd, EPOLL_CTL_MOD, w->fd, &ev) < 0 ? -errno : 0;
}

void event_del(struct cg_event_loop *l, struct cg_watch *w)
{
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, w->fd, NULL);
}

int event_dispatch(struct cg_event_loop *l, int timeout_ms)
{
	struct epoll_event evs[EVENT_BATCH];
	int n = epoll_wait(l->epfd, evs, EVENT_BATCH, timeout_ms);

	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n; i++) {
		struct cg_watch *w = evs[i].data.ptr;
		w->fn(w, evs[i].events);
	}
	return n;
}

int event_timer_open(struct cg_watch *w, cg_watch_fn fn, void *data)
{
	*w = (struct cg_watch){ .fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK),
				.fn = fn, .data = data };
	return w->fd < 0 ? -errno : 0;
}

int event_timer_set(struct cg_watch *w, unsigned interval_ms)
{
	struct itimerspec its = {};

	its.it_interval.tv_sec = interval_ms / 1000;
	its.it_interval.tv_nsec = (long)(interval_ms % 1000) * 1000000L;
	its.it_value = its.it_interval;
	return timerfd_settime(w->fd, 0, &its, NULL) < 0 ? -errno : 0;
}

int64_t event_timer_read(struct cg_watch *w)
{
	uint64_t expirations;

	if (read(w->fd, &expirations, sizeof(expirations)) < 0)
		return -errno;
	return (int64_t)expirations;
}
