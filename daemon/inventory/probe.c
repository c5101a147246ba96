// SPDX-License-Identifier: GPL-2.0-only
/*
 * probe.c — owns active discovery: the probes that ask the cameras on one
 * interface to announce themselves. See probe.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probe.h"

static void uuid4(char buf[37])
{
	uint8_t r[16] = { 0 };

	if (getrandom(r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
		for (size_t i = 0; i < sizeof(r); i++)
			r[i] = (uint8_t)rand();
	r[6] = (r[6] & 0x0f) | 0x40;
	r[8] = (r[8] & 0x3f) | 0x80;
	snprintf(buf, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
		 r[13], r[14], r[15]);
}

/* A UDP socket that can only send on ifname, one hop. */
static int probe_socket(int family, const char *ifname, int ifindex)
{
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), one = 1, zero = 0;

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname) + 1) < 0)
		goto fail;
	if (family == AF_INET) {
		struct ip_mreqn mr = { .imr_ifindex = ifindex };
		if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mr, sizeof(mr)) < 0 ||
		    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &one, sizeof(one)) < 0 ||
		    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &zero, sizeof(zero)) < 0)
			goto fail;
	} else {
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex, sizeof(ifindex)) < 0 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &one, sizeof(one)) < 0 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero, sizeof(zero)) < 0)
			goto fail;
	}
	return fd;
fail:;
	int err = -errno;
	close(fd);
	return err;
}

static int send4(int fd, const char *group, uint16_t port, const void *buf, size_t len)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	inet_pton(AF_INET, group, &sa.sin_addr);
	return sendto(fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa)) == (ssize_t)len;
}

int probe_send(const char *ifname, int ifindex, int fds[CG_PROBE_SOCKETS], int *ret_sent)
{
	char msg[1536], uuid[37];
	int n, sent = 0, err = 0;

	fds[0] = probe_socket(AF_INET, ifname, ifindex);
	fds[1] = probe_socket(AF_INET6, ifname, ifindex);

	uuid4(uuid);
	n = snprintf(msg, sizeof(msg),
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
		"<e:Envelope xmlns:e=\"http://www.w3.org/2003/05/soap-envelope\" "
		"xmlns:w=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" "
		"xmlns:d=\"http://schemas.xmlsoap.org/ws/2005/04/discovery\" "
		"xmlns:dn=\"http://www.onvif.org/ver10/network/wsdl\">"
		"<e:Header><w:MessageID>urn:uuid:%s</w:MessageID>"
		"<w:To e:mustUnderstand=\"true\">urn:schemas-xmlsoap-org:ws:2005:04:discovery</w:To>"
		"<w:Action e:mustUnderstand=\"true\">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</w:Action>"
		"</e:Header><e:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe>"
		"</e:Body></e:Envelope>", uuid);
	if (fds[0] >= 0)
		sent += send4(fds[0], "239.255.255.250", 3702, msg, (size_t)n);
	if (fds[1] >= 0) {
		struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(3702),
					   .sin6_scope_id = (uint32_t)ifindex };
		inet_pton(AF_INET6, "ff02::c", &sa.sin6_addr);
		sent += sendto(fds[1], msg, (size_t)n, 0, (struct sockaddr *)&sa, sizeof(sa)) == n;
	}
	if (fds[0] >= 0) {
		/* SADP inquiry: what Hikvision's SADP tool multicasts. */
		uuid4(uuid);
		n = snprintf(msg, sizeof(msg),
			     "<?xml version=\"1.0\" encoding=\"utf-8\"?><Probe><Uuid>%s</Uuid>"
			     "<Types>inquiry</Types></Probe>", uuid);
		sent += send4(fds[0], "239.255.255.250", 37020, msg, (size_t)n);

		/* DHIP search: a 32-byte header ("DHIP", body length at 16 and
		 * 24, little endian) and the JSON of DHDiscover.search. */
		static const char body[] = "{\"method\":\"DHDiscover.search\",\"params\":{\"mac\":\"\",\"uni\":1}}";
		uint32_t bl = sizeof(body) - 1;
		memset(msg, 0, 32);
		memcpy(msg, "\x20\x00\x00\x00" "DHIP", 8);
		for (int k = 0; k < 4; k++)
			msg[16 + k] = msg[24 + k] = (char)(bl >> (8 * k));
		memcpy(msg + 32, body, bl);
		sent += send4(fds[0], "239.255.255.251", 37810, msg, 32 + bl);

		n = snprintf(msg, sizeof(msg),
			     "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"
			     "MAN: \"ssdp:discover\"\r\nMX: 1\r\nST: upnp:rootdevice\r\n\r\n");
		sent += send4(fds[0], "239.255.255.250", 1900, msg, (size_t)n);
	}
	if (!sent)
		err = fds[0] < 0 ? fds[0] : fds[1] < 0 ? fds[1] : -errno;
	for (int k = 0; k < CG_PROBE_SOCKETS; k++)
		if (fds[k] < 0 || !sent) {
			if (fds[k] >= 0)
				close(fds[k]);
			fds[k] = -1;
		}
	*ret_sent = sent;
	return sent ? 0 : (err ? err : -EIO);
}
