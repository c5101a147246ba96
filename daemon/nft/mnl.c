// SPDX-License-Identifier: GPL-2.0-only
/*
 * mnl.c — the nf_tables netlink transport: socket, batch buffer, element
 * messages, send and acks, dumps. Camguard-agnostic (see mnl.h).
 *
 * Every message carries NLM_F_ACK; the socket has NETLINK_EXT_ACK and
 * NETLINK_CAP_ACK, so an error comes back with the offset of the attribute
 * that failed, which names the set element; nfnetlink processes a batch
 * inside sendmsg(), so every ack is queued when the send returns.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libnftnl/common.h>

#include "array.h"
#include "mnl.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

#define NLB_MSG_ROOM    (72 * 1024)  /* every message is built into this much free space */
#define NLB_ELEMS_BYTES 60000        /* nla_len is 16 bits: close element nests before */

/* ---- the socket ----------------------------------------------------------- */

int nl_open(struct nl_conn *c)
{
	int one = 1, e;

	c->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!c->nl)
		return -errno;
	if (mnl_socket_bind(c->nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_setsockopt(c->nl, NETLINK_EXT_ACK, &one, sizeof(one)) < 0 ||
	    mnl_socket_setsockopt(c->nl, NETLINK_CAP_ACK, &one, sizeof(one)) < 0) {
		e = -errno;
		mnl_socket_close(c->nl);
		c->nl = NULL;
		return e;
	}
	c->portid = mnl_socket_get_portid(c->nl);
	c->seq = (uint32_t)time(NULL);
	return 0;
}

void nl_close(struct nl_conn *c)
{
	if (c->nl)
		mnl_socket_close(c->nl);
	c->nl = NULL;
}

static int sock_buf(struct nl_conn *c, int force, int plain, size_t len)
{
	int fd = mnl_socket_get_fd(c->nl), v = len > INT32_MAX ? INT32_MAX : (int)len;

	if (setsockopt(fd, SOL_SOCKET, force, &v, sizeof(v)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, plain, &v, sizeof(v)) < 0)
		return -errno;
	return 0;
}

/* ---- the batch ------------------------------------------------------------ */

void nlb_free(struct nlb *b)
{
	free(b->buf);
	free(b->msgs);
	free(b->etags);
	free(b->eoffs);
	free(b->setcount);
	memset(b, 0, sizeof(*b));
}

/* Reserve room for one message and return where it starts. */
static char *nlb_room(struct nlb *b)
{
	if (b->oom || !CG_GROW(b->buf, b->cap, b->len + NLB_MSG_ROOM)) {
		b->oom = 1;
		return NULL;
	}
	return b->buf + b->len;
}

struct nlb_msg *nlb_record(struct nlb *b, struct nlmsghdr *nlh, struct nlb_tag t, const char *name)
{
	struct nlb_msg *r;

	if (!CG_GROW(b->msgs, b->capmsgs, b->nmsgs + 1)) {
		b->oom = 1;
		return NULL;
	}
	r = &b->msgs[b->nmsgs++];
	memset(r, 0, sizeof(*r));
	r->seq = nlh->nlmsg_seq;
	r->off = (uint32_t)((char *)nlh - b->buf);
	r->tag = t;
	snprintf(r->name, sizeof(r->name), "%s", name ? name : "");
	return r;
}

void nlb_commit(struct nlb *b, struct nlmsghdr *nlh)
{
	b->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

struct nlmsghdr *nlb_msg_start(struct nlb *b, uint16_t type, uint16_t flags)
{
	char *p = nlb_room(b);

	if (!p)
		return NULL;
	return nftnl_nlmsg_build_hdr(p, type, b->family, flags | NLM_F_ACK, b->seq++);
}

void nlb_begin(struct nlb *b)
{
	char *p = nlb_room(b);

	if (p)
		nlb_commit(b, nftnl_batch_begin(p, b->seq++));
}

void nlb_end(struct nlb *b)
{
	char *p = nlb_room(b);

	if (p)
		nlb_commit(b, nftnl_batch_end(p, b->seq++));
}

void nlb_put_obj(struct nlb *b, uint16_t type, uint16_t flags,
		 void (*payload)(struct nlmsghdr *nlh, void *obj), void *obj,
		 struct nlb_tag t, const char *name)
{
	struct nlmsghdr *nlh = nlb_msg_start(b, type, flags);

	if (!nlh)
		return;
	payload(nlh, obj);
	nlb_record(b, nlh, t, name);
	nlb_commit(b, nlh);
	b->nchains += type == NFT_MSG_NEWCHAIN;
	b->nsets += type == NFT_MSG_NEWSET;
	b->nrules += type == NFT_MSG_NEWRULE;
}

/* ---- set elements through libmnl ------------------------------------------ */

void nlb_elems_close(struct nlb *b)
{
	if (!b->cur)
		return;
	mnl_attr_nest_end(b->cur, b->nest);
	nlb_commit(b, b->cur);
	b->cur = NULL;
}

static int elems_open(struct nlb *b, const char *table, const char *set)
{
	struct nlb_msg *r;

	b->cur = nlb_msg_start(b, NFT_MSG_NEWSETELEM, NLM_F_CREATE | NLM_F_EXCL);
	if (!b->cur)
		return -ENOMEM;
	mnl_attr_put_strz(b->cur, NFTA_SET_ELEM_LIST_TABLE, table);
	mnl_attr_put_strz(b->cur, NFTA_SET_ELEM_LIST_SET, set);
	b->nest = mnl_attr_nest_start(b->cur, NFTA_SET_ELEM_LIST_ELEMENTS);
	r = nlb_record(b, b->cur, (struct nlb_tag){ 0 }, set);
	if (!r)
		return -ENOMEM;
	r->tag0 = (uint32_t)b->nelems;
	snprintf(b->curset, sizeof(b->curset), "%s", set);
	return 0;
}

static void count_elem(struct nlb *b, const char *set)
{
	if (b->nsetcount && !strcmp(b->setcount[b->nsetcount - 1].name, set)) {
		b->setcount[b->nsetcount - 1].n++;
		return;
	}
	for (size_t i = 0; i < b->nsetcount; i++)
		if (!strcmp(b->setcount[i].name, set)) {
			b->setcount[i].n++;
			return;
		}
	if (!CG_GROW(b->setcount, b->capsetcount, b->nsetcount + 1)) {
		b->oom = 1;
		return;
	}
	snprintf(b->setcount[b->nsetcount].name, sizeof(b->setcount[0].name), "%s", set);
	b->setcount[b->nsetcount++].n = 1;
}

static void put_data(struct nlmsghdr *nlh, uint16_t type, const void *d, size_t len)
{
	struct nlattr *n = mnl_attr_nest_start(nlh, type);

	mnl_attr_put(nlh, NFTA_DATA_VALUE, len, d);
	mnl_attr_nest_end(nlh, n);
}

/* Room for one more element label and offset (two parallel arrays). */
static int elem_slot(struct nlb *b)
{
	size_t cap = b->capelems;
	uint32_t *o;

	if (b->nelems < b->capelems)
		return 0;
	if (!CG_GROW(b->etags, cap, b->nelems + 1))
		return -ENOMEM;
	o = realloc(b->eoffs, cap * sizeof(*b->eoffs));
	if (!o)
		return -ENOMEM;
	b->eoffs = o;
	b->capelems = cap;
	return 0;
}

void nlb_add_elem(struct nlb *b, const char *table, const char *set, const void *key,
		  const void *kend, size_t klen, uint32_t flags, const char *chain, struct nlb_tag t)
{
	struct nlattr *e;

	if (b->oom)
		return;
	if (b->cur && (strcmp(b->curset, set) ||
		       (char *)mnl_nlmsg_get_payload_tail(b->cur) - (char *)b->nest > NLB_ELEMS_BYTES))
		nlb_elems_close(b);
	if ((!b->cur && elems_open(b, table, set) < 0) || elem_slot(b) < 0) {
		b->oom = 1;
		return;
	}
	b->etags[b->nelems] = t;
	b->eoffs[b->nelems] = (uint32_t)((char *)mnl_nlmsg_get_payload_tail(b->cur) - (char *)b->cur);
	b->nelems++;
	b->msgs[b->nmsgs - 1].ntags++;

	e = mnl_attr_nest_start(b->cur, NFTA_LIST_ELEM);
	put_data(b->cur, NFTA_SET_ELEM_KEY, key, klen);
	if (kend)
		put_data(b->cur, NFTA_SET_ELEM_KEY_END, kend, klen);
	if (flags)
		mnl_attr_put_u32(b->cur, NFTA_SET_ELEM_FLAGS, htonl(flags));
	if (chain) {
		struct nlattr *d = mnl_attr_nest_start(b->cur, NFTA_SET_ELEM_DATA);
		struct nlattr *v = mnl_attr_nest_start(b->cur, NFTA_DATA_VERDICT);

		mnl_attr_put_u32(b->cur, NFTA_VERDICT_CODE, htonl((uint32_t)NFT_GOTO));
		mnl_attr_put_strz(b->cur, NFTA_VERDICT_CHAIN, chain);
		mnl_attr_nest_end(b->cur, v);
		mnl_attr_nest_end(b->cur, d);
	}
	mnl_attr_nest_end(b->cur, e);
	if (!(flags & NFT_SET_ELEM_INTERVAL_END))
		count_elem(b, set);
}

/* ---- send and acks ---------------------------------------------------------- */

static struct nlb_msg *find_msg(struct nlb *b, uint32_t seq)
{
	size_t lo = 0, hi = b->nmsgs;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (b->msgs[mid].seq == seq)
			return &b->msgs[mid];
		if (b->msgs[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Renumber a kept batch so that its acks are told apart from older ones. */
static void renumber(struct nlb *b, uint32_t *seq)
{
	size_t off = 0, k = 0;

	while (off < b->len) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)(b->buf + off);

		if (k < b->nmsgs && b->msgs[k].off == off)
			b->msgs[k++].seq = *seq;
		nlh->nlmsg_seq = (*seq)++;
		off += NLMSG_ALIGN(nlh->nlmsg_len);
	}
}

static void ack_error(struct nlb *b, nlb_describe_fn describe, const void *ctx,
		      const struct nlmsghdr *nlh, const struct nlmsgerr *e, char *err, size_t errlen)
{
	size_t poff = sizeof(*e);
	const struct nlattr *a;
	const char *emsg = NULL;
	uint32_t offs = 0;
	struct nlb_msg *r;
	char what[384];
	struct nlb_tag t;

	if (!err)
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		poff += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		mnl_attr_for_each(a, nlh, poff) {
			if (mnl_attr_get_type(a) == NLMSGERR_ATTR_OFFS)
				offs = mnl_attr_get_u32(a);
			else if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG)
				emsg = mnl_attr_get_str(a);
		}
	r = find_msg(b, nlh->nlmsg_seq);
	if (!r || !describe || !ctx) {
		snprintf(err, errlen, "nftables: %s", strerror(-e->error));
		return;
	}
	t = r->tag;
	/* the element whose nest holds the failing attribute (or, without an
	 * offset, the message's first) */
	for (uint32_t i = 0; i < r->ntags; i++)
		if (b->eoffs[r->tag0 + i] <= offs || i == 0)
			t = b->etags[r->tag0 + i];
	describe(ctx, &t, r->name, what, sizeof(what));
	if (r->ntags)
		snprintf(err, errlen, "%s (set %s%s): %s%s%s", what, r->name, offs ? "" : ", first element",
			 strerror(-e->error), emsg ? ": " : "", emsg ? emsg : "");
	else
		snprintf(err, errlen, "%s: %s%s%s", what, strerror(-e->error), emsg ? ": " : "", emsg ? emsg : "");
}

/* Reads the acks of a sent batch: every one, or until the socket is empty
 * after an error (a failed batch may be cut short: only the error comes). */
static int read_acks(struct nl_conn *c, struct nlb *b, char *rbuf, size_t rlen,
		     nlb_describe_fn describe, const void *ctx, char *err, size_t errlen)
{
	int fd = mnl_socket_get_fd(c->nl), first = 0;
	size_t acked = 0;
	ssize_t n;

	while (acked < b->nmsgs) {
		int len;

		n = recv(fd, rbuf, rlen, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN && first)
			break;
		if (n < 0 && errno == EAGAIN) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };

			if (poll(&pfd, 1, 2000) > 0)
				continue;
			if (err)
				snprintf(err, errlen, "nftables: %zu of %zu acks missing", b->nmsgs - acked, b->nmsgs);
			return -ETIMEDOUT;
		}
		if (n <= 0) {
			first = n < 0 ? -errno : -EPIPE;
			if (err)
				snprintf(err, errlen, "reading nftables acks: %s", strerror(-first));
			return first;
		}
		len = (int)n;
		for (struct nlmsghdr *nlh = (struct nlmsghdr *)rbuf; mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct nlmsgerr *e;

			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			e = mnl_nlmsg_get_payload(nlh);
			acked++;
			if (e->error && !first) {
				first = e->error;
				ack_error(b, describe, ctx, nlh, e, err, errlen);
			}
		}
	}
	return first;
}

int nlb_send(struct nl_conn *c, struct nlb *b, nlb_describe_fn describe, const void *ctx,
	     char *err, size_t errlen)
{
	const size_t rlen = MNL_SOCKET_BUFFER_SIZE * 4;
	int fd = mnl_socket_get_fd(c->nl), r;
	char *rbuf;

	renumber(b, &c->seq);
	sock_buf(c, SO_SNDBUFFORCE, SO_SNDBUF, b->len + 4096);
	sock_buf(c, SO_RCVBUFFORCE, SO_RCVBUF, b->nmsgs * 2048 + (1 << 20));
	rbuf = malloc(rlen);
	if (!rbuf)
		return -ENOMEM;
	/* stale messages from an earlier, interrupted exchange */
	while (recv(fd, rbuf, rlen, MSG_DONTWAIT) > 0)
		;
	if (mnl_socket_sendto(c->nl, b->buf, b->len) < 0) {
		r = -errno;
		if (err)
			snprintf(err, errlen, "sending the nftables batch (%zu bytes): %s", b->len, strerror(-r));
	} else {
		r = read_acks(c, b, rbuf, rlen, describe, ctx, err, errlen);
	}
	free(rbuf);
	return r;
}

/* ---- dumps ------------------------------------------------------------------ */

int nl_dump(struct nl_conn *c, uint16_t type, uint16_t family, uint16_t flags,
	    void (*payload)(struct nlmsghdr *nlh, void *obj), void *obj, mnl_cb_t cb, void *data)
{
	char *buf = malloc(MNL_SOCKET_BUFFER_SIZE * 4);
	struct nlmsghdr *nlh;
	uint32_t seq = c->seq++;
	int r = 0;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	nlh = nftnl_nlmsg_build_hdr(buf, type, family, flags, seq);
	if (payload)
		payload(nlh, obj);
	if (mnl_socket_sendto(c->nl, nlh, nlh->nlmsg_len) < 0) {
		r = -errno;
		goto out;
	}
	while ((n = mnl_socket_recvfrom(c->nl, buf, MNL_SOCKET_BUFFER_SIZE * 4)) > 0) {
		r = mnl_cb_run(buf, (size_t)n, seq, c->portid, cb, data);
		if (r <= MNL_CB_STOP)
			break;
	}
	if (n < 0 || r < 0)
		r = -errno;
	else
		r = 0;
out:
	free(buf);
	return r;
}
