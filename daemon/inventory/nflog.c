// SPDX-License-Identifier: GPL-2.0-only
/*
 * nflog.c — the nftables layer's drops into the denied-flow table. See
 * nflog.h.
 *
 * Everything in a message is checked before it is believed: netlink and
 * attribute lengths (libmnl), the prefix is NUL-terminated inside its
 * attribute and names a known direction and drop reason, the IP header's
 * version, lengths and extension-header chain stay inside the snapped
 * payload. A fault counts the message as malformed and nothing else.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>

#include "camguard.h"
#include "evidence.h"
#include "names.h"
#include "nflog.h"

#define NFLOG_RCVBUF     (8 << 20)   /* a burst of ~50,000 messages */
#define NFLOG_BUF        (128 << 10) /* larger than any batch the kernel sends */
#define NFLOG_TIMEOUT    10          /* flush a partial batch after 0.1 s */
#define NFLOG_READS_MAX  64          /* per call: the loop must keep answering */
#define NFLOG_CACHE      256         /* camera-side address -> device */
#define NFLOG_CACHE_S    5           /* seconds an address lookup is trusted */

struct addr_cache {
	uint8_t family;
	uint8_t addr[16];
	uint8_t mac[6];
	int policy;
	bool found;
	time_t until;
};

struct cg_nflog {
	int fd;
	uint16_t group;
	struct cg_evidence *ev;
	struct cg_nflog_ops ops;
	bool have_seq;
	uint32_t next_seq;
	struct addr_cache cache[NFLOG_CACHE];
	uint8_t *buf;
};

/* ---- parsing --------------------------------------------------------------- */

struct attrs {
	const struct nlattr *a[NFULA_MAX + 1];
};

static int attr_cb(const struct nlattr *attr, void *data)
{
	struct attrs *t = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, NFULA_MAX) < 0)
		return MNL_CB_OK;   /* a newer kernel's attribute */
	t->a[type] = attr;
	return MNL_CB_OK;
}

int nflog_parse_msg(const struct nlmsghdr *nlh, struct cg_nflog_pkt *ret)
{
	struct attrs t = { 0 };
	const struct nfgenmsg *g;

	memset(ret, 0, sizeof(*ret));
	if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_ULOG ||
	    NFNL_MSG_TYPE(nlh->nlmsg_type) != NFULNL_MSG_PACKET)
		return -ENOMSG;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*g))
		return -EBADMSG;
	g = mnl_nlmsg_get_payload(nlh);
	ret->nfproto = g->nfgen_family;
	if (mnl_attr_parse(nlh, sizeof(*g), attr_cb, &t) < 0)
		return -EBADMSG;
	if (t.a[NFULA_PREFIX]) {
		const char *p = mnl_attr_get_payload(t.a[NFULA_PREFIX]);
		uint16_t n = mnl_attr_get_payload_len(t.a[NFULA_PREFIX]);

		if (!n || !memchr(p, 0, n))
			return -EBADMSG;
		ret->prefix = p;
	}
	if (t.a[NFULA_PAYLOAD]) {
		ret->payload = mnl_attr_get_payload(t.a[NFULA_PAYLOAD]);
		ret->len = mnl_attr_get_payload_len(t.a[NFULA_PAYLOAD]);
	}
	if (t.a[NFULA_HWADDR]) {
		const struct nfulnl_msg_packet_hw *hw;

		if (mnl_attr_get_payload_len(t.a[NFULA_HWADDR]) < sizeof(*hw))
			return -EBADMSG;
		hw = mnl_attr_get_payload(t.a[NFULA_HWADDR]);
		if (ntohs(hw->hw_addrlen) == 6) {
			ret->has_hw = true;
			memcpy(ret->hw, hw->hw_addr, 6);
		}
	}
	if (t.a[NFULA_SEQ]) {
		if (mnl_attr_validate(t.a[NFULA_SEQ], MNL_TYPE_U32) < 0)
			return -EBADMSG;
		ret->has_seq = true;
		ret->seq = ntohl(mnl_attr_get_u32(t.a[NFULA_SEQ]));
	}
	return 0;
}

static bool ports_of(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP || proto == IPPROTO_UDPLITE ||
	       proto == IPPROTO_SCTP;
}

int nflog_parse_ip(const uint8_t *p, size_t len, struct cg_nflog_ip *ret)
{
	size_t off;
	bool later = false;

	memset(ret, 0, sizeof(*ret));
	if (!p || len < 1)
		return -EBADMSG;
	if (p[0] >> 4 == 4) {
		size_t ihl = (size_t)(p[0] & 0x0f) * 4;

		if (len < 20 || ihl < 20 || ihl > len)
			return -EBADMSG;
		ret->family = 4;
		ret->length = (uint32_t)p[2] << 8 | p[3];
		if (ret->length < ihl)
			return -EBADMSG;
		ret->proto = p[9];
		memcpy(ret->src, p + 12, 4);
		memcpy(ret->dst, p + 16, 4);
		later = ((p[6] & 0x1f) << 8 | p[7]) != 0;
		off = ihl;
	} else if (p[0] >> 4 == 6) {
		uint8_t nh;

		if (len < 40)
			return -EBADMSG;
		ret->family = 6;
		ret->length = 40 + ((uint32_t)p[4] << 8 | p[5]);
		memcpy(ret->src, p + 8, 16);
		memcpy(ret->dst, p + 24, 16);
		nh = p[6];
		off = 40;
		/* The extension headers, as far as the snapped bytes go: a
		 * chain cut short leaves the protocol and ports unknown. */
		for (int i = 0; i < 8; i++) {
			if (nh != 0 && nh != 43 && nh != 60 && nh != 44 && nh != 51)
				break;
			if (off + 8 > len) {
				nh = 255;   /* unknown: IPPROTO_RAW */
				break;
			}
			uint8_t next = p[off];
			size_t hl = nh == 44 ? 8 : nh == 51 ? ((size_t)p[off + 1] + 2) * 4
					   : ((size_t)p[off + 1] + 1) * 8;
			if (nh == 44 && ((p[off + 2] << 8 | p[off + 3]) & 0xfff8))
				later = true;
			nh = next;
			off += hl;
			if (later)
				break;
		}
		if (nh == 0 || nh == 43 || nh == 60 || nh == 44 || nh == 51)
			nh = 255;   /* more than 8 extension headers: hostile */
		ret->proto = nh;
	} else {
		return -EBADMSG;
	}
	if (!later && ports_of(ret->proto) && off + 4 <= len) {
		ret->sport = (uint16_t)(p[off] << 8 | p[off + 1]);
		ret->dport = (uint16_t)(p[off + 2] << 8 | p[off + 3]);
	}
	return 0;
}

int nflog_parse_prefix(const char *s, struct cg_nflog_prefix *ret)
{
	char dir[8], reason[32], extra;
	int r, d;

	memset(ret, 0, sizeof(*ret));
	if (!s || sscanf(s, "%79s %7s %31s %c", ret->policy, dir, reason, &extra) != 3)
		return -EBADMSG;
	d = cg_dir_from_string(dir);
	r = cg_reason_from_string(reason);
	if (d < 0 || r < CG_REASON_FIRST_DROP || r >= CG_REASON_MAX)
		return -EBADMSG;
	ret->dir = (uint8_t)d;
	ret->reason = (uint8_t)r;
	return 0;
}

/* ---- accounting -------------------------------------------------------------- */

static int device_of(struct cg_nflog *nl, uint8_t family, const uint8_t *addr, uint8_t mac[6],
		     int *policy, time_t now)
{
	size_t alen = family == 4 ? 4 : 16;
	uint32_t h = family;

	for (size_t i = 0; i < alen; i++)
		h = h * 31 + addr[i];
	struct addr_cache *c = &nl->cache[h % NFLOG_CACHE];
	if (c->family != family || memcmp(c->addr, addr, alen) || now >= c->until) {
		c->family = family;
		memset(c->addr, 0, sizeof(c->addr));
		memcpy(c->addr, addr, alen);
		c->policy = -1;
		c->found = nl->ops.device_of &&
			   nl->ops.device_of(nl->ops.ctx, family, addr, c->mac, &c->policy) == 0;
		c->until = now + NFLOG_CACHE_S;
	}
	if (!c->found)
		return -ENOENT;
	memcpy(mac, c->mac, 6);
	*policy = c->policy;
	return 0;
}

static void account(struct cg_nflog *nl, const struct nlmsghdr *nlh, time_t now)
{
	struct cg_evidence_nft *st = evidence_nft_run(nl->ev);
	struct cg_nflog_pkt pkt;
	struct cg_nflog_prefix pre;
	struct cg_nflog_ip ip;
	struct cg_flow_key k = { 0 };
	int policy = -1, r = nflog_parse_msg(nlh, &pkt);

	if (r == -ENOMSG)
		return;
	st->logged++;
	if (r == 0 && pkt.has_seq) {
		if (nl->have_seq && pkt.seq != nl->next_seq)
			st->seq_lost += (uint32_t)(pkt.seq - nl->next_seq);
		nl->have_seq = true;
		nl->next_seq = pkt.seq + 1;
	}
	if (r || nflog_parse_prefix(pkt.prefix, &pre) || nflog_parse_ip(pkt.payload, pkt.len, &ip)) {
		st->malformed++;
		return;
	}
	bool out = pre.dir == CG_DIR_OUT;
	const uint8_t *cam = out ? ip.src : ip.dst, *peer = out ? ip.dst : ip.src;
	int dev_policy = -1;

	/* Outbound: the hook had the camera's frame, its source MAC is the
	 * device; inbound: the frame towards it is not built yet. */
	if (out && pkt.has_hw)
		memcpy(k.mac, pkt.hw, 6);
	else if (device_of(nl, ip.family, cam, k.mac, &dev_policy, now)) {
		st->no_device++;
		return;
	}
	if (nl->ops.policy_id)
		policy = nl->ops.policy_id(nl->ops.ctx, pre.policy);
	if (policy < 0 && !(out && pkt.has_hw))
		policy = dev_policy;
	k.dir = pre.dir;
	k.family = ip.family;
	k.proto = ip.proto;
	k.reason = pre.reason;
	k.would = 0;
	k.port = out ? ip.dport : ip.sport;
	memcpy(k.addr, peer, ip.family == 4 ? 4 : 16);
	if (evidence_add_nft(nl->ev, &k, ip.length, (uint16_t)(policy < 0 ? 0 : policy), now))
		st->no_device++;   /* no memory for the row: counted, not lost silently */
}

void nflog_feed(struct cg_nflog *nl, const void *buf, size_t len, time_t now)
{
	const struct nlmsghdr *nlh = buf;
	int n = (int)(len > INT32_MAX ? INT32_MAX : len);

	while (mnl_nlmsg_ok(nlh, n)) {
		if (nlh->nlmsg_type >= NLMSG_MIN_TYPE)
			account(nl, nlh, now);
		nlh = mnl_nlmsg_next(nlh, &n);
	}
	if (n > 0)   /* a trailing part no message header covers */
		evidence_nft_run(nl->ev)->malformed++;
}

/* ---- the socket -------------------------------------------------------------- */

/* One NFULNL_MSG_CONFIG with an ack. */
static int config(struct cg_nflog *nl, uint8_t family, uint16_t group, uint16_t attr, const void *data,
		  size_t len, uint32_t seq)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *g;
	ssize_t n;

	nlh->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_CONFIG;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = family;
	g->version = NFNETLINK_V0;
	g->res_id = htons(group);
	mnl_attr_put(nlh, attr, len, data);
	if (send(nl->fd, nlh, nlh->nlmsg_len, 0) < 0)
		return -errno;
	/* The ack (the socket is still blocking). Once bound, packets may
	 * come first (default copy mode): they are accounted, not skipped. */
	for (;;) {
		int rest;

		n = recv(nl->fd, buf, sizeof(buf), 0);
		if (n < 0)
			return -errno;
		rest = (int)n;
		for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, rest); nlh = mnl_nlmsg_next(nlh, &rest)) {
			if (nlh->nlmsg_type == NLMSG_ERROR && nlh->nlmsg_seq == seq) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
				if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
					return -EBADMSG;
				return e->error;
			}
			if (nlh->nlmsg_type >= NLMSG_MIN_TYPE)
				account(nl, nlh, time(NULL));
		}
	}
}

int nflog_new_detached(struct cg_evidence *ev, const struct cg_nflog_ops *ops, struct cg_nflog **ret)
{
	struct cg_nflog *nl = calloc(1, sizeof(*nl));

	if (!nl)
		return -ENOMEM;
	nl->fd = -1;
	nl->ev = ev;
	if (ops)
		nl->ops = *ops;
	*ret = nl;
	return 0;
}

int nflog_open(uint16_t group, struct cg_evidence *ev, const struct cg_nflog_ops *ops,
	       struct cg_nflog **ret)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct nfulnl_msg_config_cmd cmd;
	struct nfulnl_msg_config_mode mode = { .copy_range = htonl(0xffff), .copy_mode = NFULNL_COPY_PACKET };
	uint16_t flags = htons(NFULNL_CFG_F_SEQ);
	uint32_t timeout = htonl(NFLOG_TIMEOUT);
	int size = NFLOG_RCVBUF, rc;
	struct cg_nflog *nl;

	rc = nflog_new_detached(ev, ops, &nl);
	if (rc)
		return rc;
	nl->group = group;
	nl->buf = malloc(NFLOG_BUF);
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
	if (!nl->buf || nl->fd < 0 || bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = nl->buf ? -errno : -ENOMEM;
		goto fail;
	}
	/* FORCE passes net.core.rmem_max (we have CAP_NET_ADMIN); else as
	 * much as the limit allows. */
	if (setsockopt(nl->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(nl->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	/* Kernels before 3.17 want the protocol families (re)bound to
	 * nfnetlink_log; later ones ignore these two. */
	for (int i = 0; i < 2; i++) {
		uint8_t fam = i ? AF_INET6 : AF_INET;
		cmd.command = NFULNL_CFG_CMD_PF_UNBIND;
		config(nl, fam, 0, NFULA_CFG_CMD, &cmd, sizeof(cmd), 1);
		cmd.command = NFULNL_CFG_CMD_PF_BIND;
		config(nl, fam, 0, NFULA_CFG_CMD, &cmd, sizeof(cmd), 2);
	}
	cmd.command = NFULNL_CFG_CMD_BIND;
	rc = config(nl, AF_UNSPEC, group, NFULA_CFG_CMD, &cmd, sizeof(cmd), 3);
	if (!rc)
		rc = config(nl, AF_UNSPEC, group, NFULA_CFG_MODE, &mode, sizeof(mode), 4);
	if (!rc)
		rc = config(nl, AF_UNSPEC, group, NFULA_CFG_FLAGS, &flags, sizeof(flags), 5);
	if (!rc)
		rc = config(nl, AF_UNSPEC, group, NFULA_CFG_TIMEOUT, &timeout, sizeof(timeout), 6);
	if (rc)
		goto fail;
	if (fcntl(nl->fd, F_SETFL, fcntl(nl->fd, F_GETFL) | O_NONBLOCK) < 0) {
		rc = -errno;
		goto fail;
	}
	*ret = nl;
	return 0;
fail:
	nflog_close(nl);
	return rc;
}

void nflog_close(struct cg_nflog *nl)
{
	if (!nl)
		return;
	if (nl->fd >= 0)
		close(nl->fd);
	free(nl->buf);
	free(nl);
}

int nflog_fd(const struct cg_nflog *nl)
{
	return nl ? nl->fd : -1;
}

int nflog_read(struct cg_nflog *nl)
{
	for (int i = 0; i < NFLOG_READS_MAX; i++) {
		ssize_t n = recv(nl->fd, nl->buf, NFLOG_BUF, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			/* Messages were lost: the sequence gap tells how
			 * many, the counters' difference how many packets. */
			evidence_nft_run(nl->ev)->enobufs++;
			continue;
		}
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		nflog_feed(nl, nl->buf, (size_t)n, time(NULL));
	}
	return 0;
}
