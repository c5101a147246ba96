// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz-dns — libFuzzer harness over the DNS message parser and the names
 * store (clang -fsanitize=fuzzer,address,undefined). The first byte picks
 * the entry: 0 a message (dns_parse), 1 a UDP datagram (dns_parse_udp), 2
 * DNS over TCP (dns_parse_tcp); the rest is the input, copied to a buffer of
 * exactly its size so that any overread is caught. Whatever the bytes, the
 * parser returns 0, -ENOMSG or -EBADMSG with a known kind, and every name it
 * gives is at most 253 bytes of [a-z0-9-_?.]. A parsed message then goes
 * into a small names store (2 entries per device, 8 in all, a clock that
 * moves), whose bounds must hold and whose lookups must find what the
 * message gave.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "dnsnames.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_name(const char *s)
{
	size_t n = strnlen(s, CG_DNS_NAME_MAX);
	if (n >= CG_DNS_NAME_MAX)
		abort();
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || strchr("-_?.", s[i])))
			abort();
}

static struct cg_names *names;
static int64_t clock_s;
static struct cg_dns_msg m;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!names && !(names = names_new(2, 8)))
		abort();
	if (size < 1)
		return 0;
	size_t n = size - 1;
	uint8_t *buf = malloc(n ? n : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, n);
	int kind = -1, rc;
	switch (data[0] % 3) {
	case 0: rc = dns_parse(buf, n, &m, &kind); break;
	case 1: rc = dns_parse_udp(buf, n, &m, &kind); break;
	default: rc = dns_parse_tcp(buf, n, &m, &kind); break;
	}
	if (rc != 0 && rc != -ENOMSG && rc != -EBADMSG)
		abort();
	if ((rc == -EBADMSG) != (kind > CG_DNS_OK && kind < CG_DNS_ERR_MAX))
		abort();
	free(buf);
	if (rc != 0)
		return 0;
	check_name(m.qname);
	if (m.nanswers > CG_DNS_MAX_ANSWERS)
		abort();
	for (size_t i = 0; i < m.nanswers; i++) {
		check_name(m.answers[i].name);
		check_name(m.answers[i].target);
	}

	static const uint8_t mac[6] = { 0x44, 0x19, 0xb6, 0, 0, 1 }, res[4] = { 192, 0, 2, 53 };
	clock_s += 7;
	if (m.qname[0]) {
		if (names_add_msg(names, mac, &m, 4, res, clock_s) < 1)
			abort();
		/* With no address to add, nothing can have evicted the query. */
		const char *q = names_lookup_query(names, mac, 4, res, clock_s);
		if (!m.nanswers && (!q || strcmp(q, m.qname)))
			abort();
	}
	struct cg_names_stats st;
	names_stats(names, &st);
	if (st.entries > 8 || st.devices > 1)
		abort();
	names_expire(names, clock_s);
	return 0;
}
