/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * probe.h — active discovery: ask the cameras on one camera interface to
 * announce themselves (camguardctl probe, discovery.probe_interval).
 *
 * Sends a WS-Discovery Probe (239.255.255.250 and ff02::c, port 3702), a
 * Hikvision SADP inquiry (239.255.255.250:37020), a Dahua DHIP search
 * (239.255.255.251:37810) and an SSDP M-SEARCH (239.255.255.250:1900), from
 * sockets bound to the interface (SO_BINDTODEVICE) with a hop limit of 1:
 * they cannot leave on any other interface or past the camera segment. The
 * source address is the recorder's own on that interface. The answers are
 * not read here: the data plane copies them like any announcement (they come
 * from the discovery ports) and the inventory records them.
 */
#ifndef CAMGUARD_PROBE_H
#define CAMGUARD_PROBE_H

#include <stddef.h>

#define CG_PROBE_SOCKETS 2     /* per interface: IPv4 and IPv6 */

/* Sends the probes on ifname. 0 or more probes sent (*ret_sent), with the
 * sockets left open in fds[] (-1 where none) so that unicast answers find
 * a port rather than provoking ICMP errors; the caller closes them a few
 * seconds later. -errno when nothing could be sent. */
int probe_send(const char *ifname, int ifindex, int fds[CG_PROBE_SOCKETS], int *ret_sent);

#endif
