/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dns.h — the DNS messages cameras send and receive, read passively from the
 * copies the data plane makes of UDP port 53 on camera interfaces (queries a
 * camera sends to any resolver, answers that reach a camera; bpf/camguard.h,
 * CG_EV_DISCOVERY). What the names store (dnsnames.h) keeps comes from here.
 *
 * Every message is hostile: a camera writes its own queries and anything on
 * the path can write the answers it gets. The parser reads only inside
 * [buf, buf+len), allocates nothing and recurses nowhere. A name may use
 * compression pointers only to an earlier offset than the pointer itself
 * (RFC 1035 4.1.4: "a prior occurrence"), so a loop or a forward pointer is
 * impossible by construction and is reported as CG_DNS_ERR_POINTER; at most
 * CG_DNS_MAX_JUMPS jumps per name and 255 octets of name (RFC 1035 2.3.4)
 * bound the work per name, CG_DNS_MAX_RECORDS the records read per message.
 * A message with anything wrong is rejected whole (never half-used) with the
 * kind of fault, which the caller counts (dns_error_to_string names it).
 *
 * Names come out in presentation form, lower case, without the final dot;
 * a byte that is not a letter, digit, '-' or '_' becomes '?', so a name is
 * safe in JSON, a table and a Prometheus label, and a label holding a '.'
 * can never pass for two labels.
 */
#ifndef CAMGUARD_DNS_H
#define CAMGUARD_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CG_DNS_PORT         53
#define CG_DNS_NAME_MAX     254    /* 253 characters of presentation form and the NUL */
#define CG_DNS_MAX_JUMPS    16     /* compression pointers followed per name */
#define CG_DNS_MAX_ANSWERS  32     /* A/AAAA/CNAME answers kept per message */
#define CG_DNS_MAX_RECORDS  512    /* answer records read per message (a 64 KiB answer) */
#define CG_DNS_MSG_MAX      65535  /* the largest message (TCP length prefix) */

#define CG_DNS_TYPE_A     1
#define CG_DNS_TYPE_CNAME 5
#define CG_DNS_TYPE_AAAA  28

/* Why a message was rejected: counted per kind, stable names. */
enum cg_dns_error {
	CG_DNS_OK = 0,
	CG_DNS_ERR_TRUNCATED,   /* the message ends inside the header, a name or a record */
	CG_DNS_ERR_POINTER,     /* compression pointer not to an earlier offset, or too many */
	CG_DNS_ERR_NAME_LONG,   /* a name over 255 octets (a 255-label name is one) */
	CG_DNS_ERR_LABEL,       /* a label type other than 00 (extended 01, reserved 10) */
	CG_DNS_ERR_COUNT,       /* counts the message cannot hold: questions != 1, records missing */
	CG_DNS_ERR_LENGTH,      /* rdlength that disagrees with the type, UDP or TCP length */
	CG_DNS_ERR_OVERSIZE,    /* more than CG_DNS_MAX_RECORDS records or CG_DNS_MSG_MAX bytes */
	CG_DNS_ERR_MAX
};

const char *dns_error_to_string(int kind);
int dns_error_from_string(const char *s);       /* -EINVAL if unknown */

/* One answer record of a kept type. */
struct cg_dns_rr {
	char name[CG_DNS_NAME_MAX];     /* owner */
	uint16_t type;                  /* CG_DNS_TYPE_A, _AAAA or _CNAME */
	uint8_t family;                 /* 4 or 6 for A/AAAA, else 0 */
	uint32_t ttl;                   /* seconds, as sent (RFC 2181 8: top bit set reads as 0) */
	uint8_t addr[16];               /* A: first 4 bytes */
	char target[CG_DNS_NAME_MAX];   /* CNAME */
};

struct cg_dns_msg {
	uint16_t id;
	bool response;                  /* QR */
	bool tc;                        /* truncated by the server: the rest came over TCP */
	uint8_t opcode;
	uint8_t rcode;                  /* 3: NXDOMAIN */
	char qname[CG_DNS_NAME_MAX];
	uint16_t qtype;
	uint16_t qclass;
	size_t nanswers;                /* kept in answers[] */
	size_t skipped;                 /* answers of other types/classes, or past CG_DNS_MAX_ANSWERS */
	struct cg_dns_rr answers[CG_DNS_MAX_ANSWERS];
};

/* A DNS message (from the header on). 0 with *ret filled; -EBADMSG with
 * *ret_kind the enum cg_dns_error for a hostile or broken one; -ENOMSG for
 * a well-formed message that is not a standard query or its answer (opcode
 * other than QUERY, class other than IN). ret_kind may be NULL. */
int dns_parse(const uint8_t *buf, size_t len, struct cg_dns_msg *ret, int *ret_kind);

/* A UDP datagram (header and payload) to or from port 53: the UDP length
 * bounds the message, a copy cut short is CG_DNS_ERR_TRUNCATED. -ENOMSG
 * for a datagram of another port. Same returns as dns_parse(). */
int dns_parse_udp(const uint8_t *udp, size_t len, struct cg_dns_msg *ret, int *ret_kind);

/* DNS over TCP (RFC 1035 4.2.2): the 2-byte length prefix, then one
 * message of exactly that length within buf. */
int dns_parse_tcp(const uint8_t *buf, size_t len, struct cg_dns_msg *ret, int *ret_kind);

/* What the daemon counts per message (status, metrics): a rejected one by
 * its kind, so that an operator sees "pointer: 312" and not just "bad". */
struct cg_dns_stats {
	uint64_t parsed;                      /* used */
	uint64_t ignored;                     /* well formed, not a standard query or its answer */
	uint64_t rejected[CG_DNS_ERR_MAX];    /* hostile or broken, by enum cg_dns_error ([0] unused) */
};
/* Counts one result of dns_parse*() (rc and kind as they returned). */
void dns_count(struct cg_dns_stats *st, int rc, int kind);

/* True when a UDP header names port 53 on either side. */
bool dns_is_udp53(const uint8_t *udp, size_t len);

/* The addresses an answer gives for the name asked (qname): the A/AAAA
 * records whose owner is the qname or is reached from it through the
 * message's CNAME records (at most CG_DNS_MAX_ANSWERS steps, so a CNAME
 * loop ends), the TTL the smallest along the chain. Records for owners the
 * chain does not reach are never returned: an answer cannot attach an
 * address to a name the camera did not ask for. Calls fn for each; returns
 * how many. */
typedef void (*dns_addr_fn)(void *ctx, const char *qname, uint8_t family,
			    const uint8_t *addr, uint32_t ttl);
size_t dns_answer_addrs(const struct cg_dns_msg *m, dns_addr_fn fn, void *ctx);

/*
 * Discovery's dispatcher hands every whole UDP datagram to or from port 53
 * here (discovery.c, udp_parser), fragments already put back together by the
 * reassembly: its signature carries no context, so the daemon registers
 * where a parsed message goes (one sink, set once, the daemon has one
 * thread). The sink gets the parse result and the message (NULL when
 * rejected, with kind the reason). The datagram never yields inventory
 * facts: the dispatcher's return is -ENOMSG whatever the message.
 */
struct cg_disc_info;
typedef void (*dns_sink_fn)(void *ctx, int rc, int kind, const struct cg_dns_msg *m);
void dns_set_sink(dns_sink_fn fn, void *ctx);
int dns_parse_disc(const uint8_t *payload, size_t len, struct cg_disc_info *ret);

#endif
