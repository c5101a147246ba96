// SPDX-License-Identifier: GPL-2.0-only
/*
 * dnsfeed.c — see dnsfeed.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "camguard.h"
#include "cloud.h"
#include "dnsfeed.h"
#include "dnsnames.h"
#include "log.h"
#include "state.h"

#define EXPIRE_EVERY_S 60

struct cg_dnsfeed {
	struct cg_names *names;
	struct cg_cloud *cloud;
	struct cg_dns_stats msgs;
	uint64_t wrong_way;
	size_t cloud_files;
	uint64_t cloud_failed;
	char cloud_error[CG_DIAG_MSG_MAX + CG_PATH_MAX];
	const struct cg_event *cur;
	int64_t last_expire;
};

/* Wall-clock seconds of an event's coarse monotonic stamp: the name's time
 * is when the camera got it, not when the daemon read it. */
static int64_t event_wall(const struct cg_event *e)
{
	struct timespec mono;
	int64_t now = (int64_t)time(NULL);

	if (!e->ts_ns || clock_gettime(CLOCK_MONOTONIC, &mono) < 0)
		return now;
	uint64_t m = (uint64_t)mono.tv_sec * 1000000000ull + (uint64_t)mono.tv_nsec;
	return m > e->ts_ns ? now - (int64_t)((m - e->ts_ns) / 1000000000ull) : now;
}

static void on_dns(void *ctx, int rc, int kind, const struct cg_dns_msg *m)
{
	struct cg_dnsfeed *f = ctx;
	const struct cg_event *e = f->cur;

	dns_count(&f->msgs, rc, kind);
	if (rc || !m || !e || (e->family != 4 && e->family != 6))
		return;
	/* A camera's own query out, or the answer it is sent: anything else
	 * (a camera running a resolver) says nothing of where it goes. */
	if (m->response != (e->dir == CG_DIR_IN)) {
		f->wrong_way++;
		return;
	}
	names_add_msg(f->names, e->mac, m, e->family, e->peer_addr, event_wall(e));
}

void dnsfeed_event(struct cg_dnsfeed *f, const struct cg_event *e)
{
	if (f)
		f->cur = e;
}

/* Every problem in the log; the first error kept for status. */
static void cloud_report(struct cg_dnsfeed *f, const struct cg_diag *d, const char *what)
{
	char line[sizeof(f->cloud_error)];

	f->cloud_error[0] = 0;
	for (size_t i = 0; i < d->nentries; i++) {
		diag_format(&d->entries[i], line, sizeof(line));
		if (d->entries[i].severity == CG_DIAG_ERROR) {
			log_err("Cloud domains: %s (%s)", line, what);
			if (!f->cloud_error[0])
				snprintf(f->cloud_error, sizeof(f->cloud_error), "%s", line);
		} else {
			log_warning("Cloud domains: %s", line);
		}
	}
}

int dnsfeed_reload_cloud(struct cg_daemon *d)
{
	struct cg_dnsfeed *f = d->dns;
	struct cg_cloud *c = NULL;
	struct cg_diag diag;
	size_t files = 0;
	bool first = !f->cloud;

	diag_init(&diag);
	int rc = cloud_load_beside(d->conf_path, &c, &files, &diag);
	if (rc == -ENOMEM) {
		diag_free(&diag);
		log_err("Failed to read the cloud domains: %s", strerror(-rc));
		return rc;
	}
	cloud_report(f, &diag, first ? "that file adds nothing" : "the table before is kept");
	diag_free(&diag);
	/* At start the files without errors are better than nothing; on a
	 * reload the table that worked stays whole. */
	if (rc && !first) {
		f->cloud_failed++;
		cloud_free(c);
		return rc;
	}
	if (rc)
		f->cloud_failed++;
	cloud_free(f->cloud);
	f->cloud = c;
	f->cloud_files = files;
	if (!rc)
		log_info("Cloud domains: %zu from %zu files", cloud_count(c), files);
	return rc;
}

int dnsfeed_open(struct cg_daemon *d)
{
	struct cg_dnsfeed *f = calloc(1, sizeof(*f));

	if (!f || !(f->names = names_new(0, 0))) {
		free(f);
		log_err("Failed to start the names store: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	d->dns = f;
	int rc = dnsfeed_reload_cloud(d);
	if (rc == -ENOMEM)
		return rc;
	dns_set_sink(on_dns, f);
	return 0;
}

void dnsfeed_free(struct cg_dnsfeed *f)
{
	if (!f)
		return;
	dns_set_sink(NULL, NULL);
	names_free(f->names);
	cloud_free(f->cloud);
	free(f);
}

void dnsfeed_tick(struct cg_dnsfeed *f)
{
	int64_t now = (int64_t)time(NULL);

	if (!f || now - f->last_expire < EXPIRE_EVERY_S)
		return;
	f->last_expire = now;
	names_expire(f->names, now);
}

void dnsfeed_view(struct cg_dnsfeed *f, struct cg_view_dns *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (!f)
		return;
	dnsfeed_tick(f);
	ret->names = f->names;
	ret->cloud = f->cloud;
	ret->msgs = f->msgs;
	ret->wrong_way = f->wrong_way;
	ret->cloud_domains = cloud_count(f->cloud);
	ret->cloud_files = f->cloud_files;
	ret->cloud_failed = f->cloud_failed;
	ret->cloud_error = f->cloud_error;
}
