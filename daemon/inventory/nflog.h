/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * nflog.h — the nftables layer's drops into the denied-flow table.
 *
 * Every drop rule of table inet camguard logs the packet to one NFLOG group
 * (daemon/nft/chains.c), its prefix the rule's "<policy> <out|in> <reason>",
 * the first 128 bytes of the packet from its network header. A packet
 * routed towards a camera is dropped there, in the forward hook, before
 * the BPF egress program on the camera interface could count it: this
 * reader is how such attempts reach `camguardctl blocked`.
 *
 * The reader is a non-blocking NETLINK_NETFILTER socket bound to the group
 * (copy-packet mode, sequence numbers on). Each message becomes one packet
 * of a row (evidence_add_nft): the camera is the destination of an inbound
 * packet and the source of an outbound one (its MAC from the link-layer
 * header when the hook had one, else from the inventory by address); the
 * remote address, protocol and port come from the IP header. What cannot be
 * read (hostile or truncated payloads, unknown prefixes) or has no device is
 * counted (struct cg_evidence_nft) and dropped from the table, never guessed.
 *
 * Losses are counted, not hidden: ENOBUFS (the socket's buffer overran),
 * gaps in the sequence numbers, and — the total the rest is checked
 * against — the table's drop counters minus the messages received
 * (evidence_nft_totals: unlogged).
 */
#ifndef CAMGUARD_NFLOG_H
#define CAMGUARD_NFLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <linux/netlink.h>

struct cg_evidence;

/* One NFLOG packet message, pointing into the message. */
struct cg_nflog_pkt {
	uint8_t nfproto;             /* nfgen_family */
	const char *prefix;          /* NUL-terminated inside the attribute; NULL: none */
	const uint8_t *payload;      /* from the network header; NULL: none */
	uint32_t len;
	bool has_hw;                 /* the link-layer source address (hooks that had one) */
	uint8_t hw[6];
	bool has_seq;
	uint32_t seq;
};

/* What the IP header (and the transport's first bytes) say. */
struct cg_nflog_ip {
	uint8_t family;              /* 4 or 6 */
	uint8_t proto;               /* the upper-layer protocol */
	uint8_t src[16], dst[16];    /* v4 in the first 4 bytes */
	uint16_t sport, dport;       /* TCP, UDP, SCTP, UDP-Lite; 0 else or a later fragment */
	uint32_t length;             /* the packet's IP length (header and payload) */
};

/* The rule's prefix, "<policy> <out|in> <reason>" (a drop reason). */
struct cg_nflog_prefix {
	char policy[80];
	uint8_t dir;                 /* enum cg_dir */
	uint8_t reason;              /* enum cg_reason, a drop reason */
};

/* 0, -ENOMSG (not an NFLOG packet message: skip it), -EBADMSG (malformed). */
int nflog_parse_msg(const struct nlmsghdr *nlh, struct cg_nflog_pkt *ret);
/* 0 or -EBADMSG: not IPv4/IPv6, header cut short or inconsistent. */
int nflog_parse_ip(const uint8_t *p, size_t len, struct cg_nflog_ip *ret);
/* 0 or -EBADMSG. */
int nflog_parse_prefix(const char *s, struct cg_nflog_prefix *ret);

/* What the reader asks of the rest of the daemon. */
struct cg_nflog_ops {
	/* The device using address addr (family 4/6): its MAC and policy id
	 * (-1: unknown). 0 or -ENOENT. */
	int (*device_of)(void *ctx, uint8_t family, const uint8_t *addr, uint8_t mac[6], int *policy);
	/* The id of the policy called name, or -ENOENT. */
	int (*policy_id)(void *ctx, const char *name);
	void *ctx;
};

struct cg_nflog;

/* A reader of group for ev (socket, bind, copy mode, sequence numbers). */
int nflog_open(uint16_t group, struct cg_evidence *ev, const struct cg_nflog_ops *ops,
	       struct cg_nflog **ret);
void nflog_close(struct cg_nflog *nl);
int nflog_fd(const struct cg_nflog *nl);

/* Reads what is queued (bounded per call, the event loop calls again) and
 * accounts it. 0 or -errno (other than EAGAIN/ENOBUFS, which are normal). */
int nflog_read(struct cg_nflog *nl);

/* Accounts a buffer of netlink messages as read from the socket (the unit
 * tests feed it directly; nl may come from nflog_new_detached). */
void nflog_feed(struct cg_nflog *nl, const void *buf, size_t len, time_t now);

/* A reader without a socket, for tests. */
int nflog_new_detached(struct cg_evidence *ev, const struct cg_nflog_ops *ops, struct cg_nflog **ret);

#endif
