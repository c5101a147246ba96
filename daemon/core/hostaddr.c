// SPDX-License-Identifier: GPL-2.0-only
/* hostaddr.c — the recorder's own addresses (hostaddr.h), from getifaddrs(). */
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "array.h"
#include "hostaddr.h"
#include "model.h"

static int prefix_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct cg_prefix));
}

static void host_prefix(const struct sockaddr *sa, struct cg_prefix *p)
{
	memset(p, 0, sizeof(*p));
	if (sa->sa_family == AF_INET) {
		p->family = 4;
		p->len = 32;
		memcpy(p->addr, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	} else {
		p->family = 6;
		p->len = 128;
		memcpy(p->addr, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
	}
}

int hostaddr_refresh(struct cg_prefix **cur, size_t *ncur)
{
	struct ifaddrs *ifa, *i;
	struct cg_prefix *v = NULL;
	size_t n = 0, cap = 0;

	if (getifaddrs(&ifa) < 0)
		return -errno;
	for (i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || (i->ifa_addr->sa_family != AF_INET && i->ifa_addr->sa_family != AF_INET6))
			continue;
		if (!CG_GROW(v, cap, n + 1)) {
			free(v);
			freeifaddrs(ifa);
			return -ENOMEM;
		}
		host_prefix(i->ifa_addr, &v[n++]);
	}
	freeifaddrs(ifa);
	if (n)
		qsort(v, n, sizeof(*v), prefix_cmp);
	if (n == *ncur && (!n || memcmp(v, *cur, n * sizeof(*v)) == 0)) {
		free(v);
		return 0;
	}
	free(*cur);
	*cur = v;
	*ncur = n;
	return 1;
}
