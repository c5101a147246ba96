/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mnl.h — the nf_tables netlink transport (the part of nftables' src/mnl.c
 * that camguard needs): one socket, batches of messages built in memory, the
 * send with an ack per message, and dumps.
 *
 * It knows nothing of camguard. Each message, and each set element, carries
 * an opaque label (struct nlb_tag) chosen by the caller; when the kernel
 * refuses the batch, the transport finds the message and the element the
 * failing attribute belongs to (NETLINK_EXT_ACK offsets) and asks the
 * caller's describe function to name it.
 */
#ifndef CAMGUARD_NFT_MNL_H
#define CAMGUARD_NFT_MNL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

/* The caller's label of a message or element, handed back on an error. */
struct nlb_tag {
	uint8_t kind;
	uint16_t owner;
	uint32_t idx;
};

struct nlb_msg {
	uint32_t seq;
	uint32_t off;            /* of the nlmsghdr in the batch buffer */
	uint32_t tag0, ntags;    /* element messages: one tag (and offset) per element */
	struct nlb_tag tag;      /* the message itself */
	char name[64];           /* set or chain name */
};

/* What a batch makes the kernel hold, for a later comparison. */
struct nlb_setcount {
	char name[64];
	uint32_t n;
};

struct nlb {
	uint16_t family;         /* NFPROTO_* of every message */
	char *buf;
	size_t len, cap;
	struct nlb_msg *msgs;
	size_t nmsgs, capmsgs;
	struct nlb_tag *etags;   /* per element */
	uint32_t *eoffs;         /* per element: offset inside its message */
	size_t nelems, capelems;
	uint32_t seq;
	int oom;

	/* the element message being filled */
	struct nlmsghdr *cur;
	struct nlattr *nest;
	char curset[64];

	unsigned nchains, nrules, nsets;
	struct nlb_setcount *setcount;   /* elements per set (interval ends not counted) */
	size_t nsetcount, capsetcount;
};

struct nl_conn {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
};

int nl_open(struct nl_conn *c);
void nl_close(struct nl_conn *c);

void nlb_free(struct nlb *b);

/* Starts a message of type (NLM_F_ACK added) in room of its own; NULL and
 * b->oom on allocation failure. nlb_record() labels it, nlb_commit() ends it. */
struct nlmsghdr *nlb_msg_start(struct nlb *b, uint16_t type, uint16_t flags);
struct nlb_msg *nlb_record(struct nlb *b, struct nlmsghdr *nlh, struct nlb_tag t, const char *name);
void nlb_commit(struct nlb *b, struct nlmsghdr *nlh);

/* NFNL_MSG_BATCH_BEGIN / _END. */
void nlb_begin(struct nlb *b);
void nlb_end(struct nlb *b);

/* One object message (table, chain, set, rule) built by payload(nlh, obj);
 * counted by type (NEWCHAIN, NEWSET, NEWRULE) for nlb.nchains etc. */
void nlb_put_obj(struct nlb *b, uint16_t type, uint16_t flags,
		 void (*payload)(struct nlmsghdr *nlh, void *obj), void *obj,
		 struct nlb_tag t, const char *name);

/* One set element: key [key_end] [flags] [verdict goto chain]. Consecutive
 * elements of one set share messages (closed before nla_len overflows). */
void nlb_add_elem(struct nlb *b, const char *table, const char *set, const void *key,
		  const void *kend, size_t klen, uint32_t flags, const char *chain, struct nlb_tag t);
void nlb_elems_close(struct nlb *b);

/* Names the element or message t (name: its set or chain) in buf. */
typedef void (*nlb_describe_fn)(const void *ctx, const struct nlb_tag *t, const char *name,
				char *buf, size_t len);

/* Sends b (renumbered), reads every ack. 0, or the first error; err (may be
 * NULL) then says what failed, named through describe when ctx is given. */
int nlb_send(struct nl_conn *c, struct nlb *b, nlb_describe_fn describe, const void *ctx,
	     char *err, size_t errlen);

/* A GET request (payload(nlh, obj) when given) and its replies through cb. */
int nl_dump(struct nl_conn *c, uint16_t type, uint16_t family, uint16_t flags,
	    void (*payload)(struct nlmsghdr *nlh, void *obj), void *obj, mnl_cb_t cb, void *data);

#endif
