// SPDX-License-Identifier: GPL-2.0-only
/*
 * test-classifier.c — the data plane on crafted frames (BPF_PROG_TEST_RUN).
 *
 * One table row per case: a name, the direction, a frame, and what must
 * happen to it: the policy it is attributed to, the verdict and the reason.
 * Each row is run through every entry point of its direction (OUT:
 * cg_tc_ingress and cg_xdp, IN: cg_tc_egress) and each run asserts
 *   - the program's return code (TC_ACT_OK/SHOT, XDP_PASS/DROP),
 *   - that exactly one per-policy counter moved, the expected
 *     policy x direction x reason one, by one packet and the frame's bytes,
 *   - that the device counter c[dir][verdict] of the attributed MAC moved by
 *     one packet and the frame's bytes and no other device counter did (for
 *     a group MAC: that no device entry exists).
 * Running both OUT entry points against the same expectations is what makes
 * their verdicts and counter movements identical; running each row twice,
 * that the fast path (a flow cache hit, decided in line) agrees with the
 * full path.
 *
 * After the table, generation-flip tests apply variant B of the fixture and
 * back, checking that the very next frame is classified wholly by the new
 * set, including the per-device caches (policy, action, source address).
 *
 * Output is TAP, closed by "N passed, N failed". Exit 77 when not root.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "camguard.h"
#include "compile.h"
#include "dataplane.h"
#include "names.h"
#include "fixture.h"
#include "frames.h"

#define OUT  CG_DIR_OUT
#define IN   CG_DIR_IN
#define PASS CG_VERDICT_PASS
#define DROP CG_VERDICT_DROP
#define R(x) CG_REASON_##x

/*
 * Frame builders. The first argument is the camera's MAC: the source MAC of
 * an OUT frame, the destination MAC of an IN frame (the runner swaps).
 * Trailing arguments are further struct frame fields (.cut, .frag, ...).
 */
#define udp4(m, s, d, sp, dp, ...) { .smac = m, .l3 = FR_V4, .src = s, .dst = d, \
	.proto = IPPROTO_UDP, .sport = sp, .dport = dp, .payload = 16, __VA_ARGS__ }
#define tcp4(m, s, d, sp, dp, ...) { .smac = m, .l3 = FR_V4, .src = s, .dst = d, \
	.proto = IPPROTO_TCP, .sport = sp, .dport = dp, __VA_ARGS__ }
#define icmp4(m, s, d, t, ...) { .smac = m, .l3 = FR_V4, .src = s, .dst = d, \
	.proto = IPPROTO_ICMP, .icmp_type = t, .payload = 8, __VA_ARGS__ }
#define ip4(m, s, d, pr, ...) { .smac = m, .l3 = FR_V4, .src = s, .dst = d, \
	.proto = pr, .payload = 8, __VA_ARGS__ }
#define udp6(m, s, d, sp, dp, ...) { .smac = m, .l3 = FR_V6, .src = s, .dst = d, \
	.proto = IPPROTO_UDP, .sport = sp, .dport = dp, .payload = 16, __VA_ARGS__ }
#define tcp6(m, s, d, sp, dp, ...) { .smac = m, .l3 = FR_V6, .src = s, .dst = d, \
	.proto = IPPROTO_TCP, .sport = sp, .dport = dp, __VA_ARGS__ }
#define icmp6(m, s, d, t, ...) { .smac = m, .l3 = FR_V6, .src = s, .dst = d, \
	.proto = IPPROTO_ICMPV6, .icmp_type = t, .payload = 16, __VA_ARGS__ }
#define arp(m, spa, tpa, ...) { .smac = m, .l3 = FR_ARP, .src = spa, .dst = tpa, __VA_ARGS__ }
#define raw(m, et, ...) { .smac = m, .l3 = FR_RAW, .ethertype = et, .payload = 46, __VA_ARGS__ }

#define Q   0x8100
#define AD  0x88a8
#define HBH IPPROTO_HOPOPTS
#define DST IPPROTO_DSTOPTS
#define RTG IPPROTO_ROUTING
#define FRG IPPROTO_FRAGMENT
#define AH  IPPROTO_AH

#define BCAST "255.255.255.255"

/* The interface an IN frame arrived on (skb->ingress_ifindex), for the
 * reverse-path check: none (the recorder sent it), or one of the dummy
 * interfaces setup_routes() makes in the test's own network namespace. */
enum { IIF_LOCAL = 0, IIF_UP, IIF_CAM, IIF_MAX };

struct tcase {
	const char *name;
	uint8_t dir;
	struct frame f;
	uint16_t policy;
	uint8_t verdict;
	uint8_t reason;
};

/* Routes of setup_routes(): the uplink has 198.51.100.0/24, 2001:db8:5::/64
 * and the default routes; the camera side the enclave. A site server inside
 * the enclave prefixes sits behind the uplink (SITE4/SITE6, host routes). */
#define SITE4  "192.0.2.200"
#define SITE6  "2001:db8:c::200"
#define CAMX4  "192.0.2.77"           /* another camera's address */
#define CAMX6  "2001:db8:c::77"
#define LSRR(a, b, c, d) OPT(0x83, 7, 4, a, b, c, d)

static const struct tcase cases[] = {
	/* ---- isolate (P_HIK): the enclave, rules, outside --------------------------------------- */
	{ "udp to enclave",                  OUT, udp4(HIK, CAM4, REC4, 40000, 554),            P_HIK, PASS, R(ENCLAVE) },
	{ "tcp to enclave",                  OUT, tcp4(HIK, CAM4, REC4, 40001, 554),            P_HIK, PASS, R(ENCLAVE) },
	{ "icmp echo to enclave",            OUT, icmp4(HIK, CAM4, REC4, 8),                    P_HIK, PASS, R(ENCLAVE) },
	{ "udp to outside (STUN)",           OUT, udp4(HIK, CAM4, OUT4, 40000, 31007),          P_HIK, DROP, R(EGRESS) },
	{ "tcp to outside (Hik-Connect)",    OUT, tcp4(HIK, CAM4, OUT4, 40000, 8666),           P_HIK, DROP, R(EGRESS) },
	{ "icmp echo to outside",            OUT, icmp4(HIK, CAM4, OUT4, 8),                    P_HIK, DROP, R(EGRESS) },
	{ "dns to an outside resolver",      OUT, udp4(HIK, CAM4, "198.51.100.153", 40000, 53), P_HIK, DROP, R(EGRESS) },
	{ "rule udp/123 to ntp host",        OUT, udp4(HIK, CAM4, NTP4, 40000, 123),            P_HIK, PASS, R(RULE) },
	{ "udp/124 to ntp host",             OUT, udp4(HIK, CAM4, NTP4, 40000, 124),            P_HIK, DROP, R(PORT) },
	{ "tcp/123 to ntp host (proto)",     OUT, tcp4(HIK, CAM4, NTP4, 40000, 123),            P_HIK, DROP, R(PORT) },
	{ "rule /27 tcp/8005",               OUT, tcp4(HIK, CAM4, RNG4, 40000, 8005),           P_HIK, PASS, R(RULE) },
	{ "rule /27 tcp/8011",               OUT, tcp4(HIK, CAM4, RNG4, 40000, 8011),           P_HIK, DROP, R(PORT) },
	{ "from-rule reply (sport 443)",     OUT, tcp4(HIK, CAM4, MGMT4, 443, 50000),           P_HIK, PASS, R(RULE) },
	{ "from-rule host, sport 80",        OUT, tcp4(HIK, CAM4, MGMT4, 80, 50000),            P_HIK, DROP, R(PORT) },
	{ "from-rule host, dport 443",       OUT, tcp4(HIK, CAM4, MGMT4, 50000, 443),           P_HIK, DROP, R(PORT) },
	{ "deny list host",                  OUT, udp4(HIK, CAM4, DENY4, 40000, 123),           P_HIK, DROP, R(DENY_LIST) },
	{ "deny list inside the enclave",    OUT, udp4(HIK, CAM4, DENYENC4, 40000, 554),        P_HIK, DROP, R(DENY_LIST) },
	{ "ssdp to 239.255.255.250",         OUT, udp4(HIK, CAM4, "239.255.255.250", 1900, 1900), P_HIK, DROP, R(EGRESS) },
	{ "mdns to 224.0.0.251",             OUT, udp4(HIK, CAM4, "224.0.0.251", 5353, 5353),   P_HIK, PASS, R(LINK_LOCAL) },
	{ "igmp report to a group",          OUT, ip4(HIK, CAM4, "239.255.255.250", 2),         P_HIK, PASS, R(LINK_LOCAL) },
	{ "igmp to a unicast outside",       OUT, ip4(HIK, CAM4, OUT4, 2),                      P_HIK, DROP, R(EGRESS) },
	{ "other proto (gre) to outside",    OUT, ip4(HIK, CAM4, OUT4, 47),                     P_HIK, DROP, R(EGRESS) },
	{ "dhcp discover (client)",          OUT, udp4(HIK, "0.0.0.0", BCAST, 68, 67),          P_HIK, PASS, R(LINK_LOCAL) },
	{ "dhcp request to enclave server",  OUT, udp4(HIK, CAM4, REC4, 68, 67),                P_HIK, PASS, R(LINK_LOCAL) },
	{ "dhcp request to outside server",  OUT, udp4(HIK, CAM4, OUT4, 68, 67),                P_HIK, DROP, R(EGRESS) },
	{ "dhcp server reply from camera",   OUT, udp4(HIK, CAM4, BCAST, 67, 68),               P_HIK, DROP, R(ROGUE_SERVICE) },
	{ "source outside the enclave",      OUT, udp4(HIK, "203.0.113.50", REC4, 40000, 554),  P_HIK, DROP, R(SPOOF) },
	{ "source back in the enclave",      OUT, udp4(HIK, CAM4, REC4, 40000, 554),            P_HIK, PASS, R(ENCLAVE) },
	{ "spoofed source to deny host",     OUT, udp4(HIK, "203.0.113.50", DENY4, 1, 2),       P_HIK, DROP, R(SPOOF) },
	/* ---- ARP and layer-2 ------------------------------------------------------------------- */
	{ "arp request",                     OUT, arp(HIK, CAM4, REC4),                         P_HIK, PASS, R(LINK_LOCAL) },
	{ "arp probe (sender 0.0.0.0)",      OUT, arp(HIK, "0.0.0.0", CAM4),                    P_HIK, PASS, R(LINK_LOCAL) },
	{ "arp reply claiming outside addr", OUT, arp(HIK, "198.51.100.1", REC4, .arpop = 2),  P_HIK, DROP, R(SPOOF) },
	{ "arp reply claiming the recorder", OUT, arp(HIK, REC4, CAM4, .arpop = 2),           P_HIK, DROP, R(SPOOF) },
	{ "udp from the recorder's address", OUT, udp4(HIK, REC4, "192.0.2.7", 40000, 554),    P_HIK, DROP, R(SPOOF) },
	{ "udp6 from the recorder's address",OUT, udp6(HIK, REC6, "2001:db8:c::7", 40000, 554), P_HIK, DROP, R(SPOOF) },
	{ "arp truncated",                   OUT, arp(HIK, CAM4, REC4, .cut = ETH + 27),        P_HIK, DROP, R(MALFORMED) },
	{ "arp for ipx (ptype)",             OUT, raw(HIK, ETH_P_ARP, .dmac = "ff:ff:ff:ff:ff:ff"), P_HIK, DROP, R(MALFORMED) },
	{ "lldp to 01:80:c2:00:00:0e",       OUT, raw(HIK, 0x88cc, .dmac = "01:80:c2:00:00:0e"), P_HIK, PASS, R(LINK_LOCAL) },
	{ "eapol to 01:80:c2:00:00:03",      OUT, raw(HIK, 0x888e, .dmac = "01:80:c2:00:00:03"), P_HIK, PASS, R(LINK_LOCAL) },
	{ "stp (802.3 length) to :00",       OUT, raw(HIK, 0x0026, .dmac = "01:80:c2:00:00:00"), P_HIK, PASS, R(LINK_LOCAL) },
	{ "SADP 0x8033 broadcast",           OUT, raw(HIK, 0x8033, .dmac = "ff:ff:ff:ff:ff:ff"), P_HIK, DROP, R(NON_IP) },
	{ "vendor EtherType 0x88b5",         OUT, raw(HIK, 0x88b5),                             P_HIK, DROP, R(NON_IP) },
	{ "non-ip to 01:80:c2:00:00:10",     OUT, raw(HIK, 0x8033, .dmac = "01:80:c2:00:00:10"), P_HIK, DROP, R(NON_IP) },
	/* ---- VLAN ------------------------------------------------------------------------------ */
	{ "802.1Q udp to enclave",           OUT, udp4(HIK, CAM4, REC4, 40000, 554, TAG1(Q, 20)), P_HIK, PASS, R(ENCLAVE) },
	{ "802.1Q udp to outside",           OUT, udp4(HIK, CAM4, OUT4, 40000, 53, TAG1(Q, 20)), P_HIK, DROP, R(EGRESS) },
	{ "802.1Q priority tag (vid 0)",     OUT, udp4(HIK, CAM4, OUT4, 40000, 53, TAG1(Q, 0)), P_HIK, DROP, R(EGRESS) },
	{ "QinQ 88a8+8100 to enclave",       OUT, udp4(HIK, CAM4, REC4, 40000, 554, TAG2(AD, 100, Q, 20)), P_HIK, PASS, R(ENCLAVE) },
	{ "QinQ 88a8+8100 to outside",       OUT, udp4(HIK, CAM4, OUT4, 40000, 53, TAG2(AD, 100, Q, 20)), P_HIK, DROP, R(EGRESS) },
	{ "QinQ 8100+8100 to outside",       OUT, udp4(HIK, CAM4, OUT4, 40000, 53, TAG2(Q, 100, Q, 20)), P_HIK, DROP, R(EGRESS) },
	{ "three tags to enclave",           OUT, udp4(HIK, CAM4, REC4, 40000, 554, TAG3(AD, 1, Q, 2, Q, 3)), P_HIK, DROP, R(VLAN) },
	{ "802.1Q SADP",                     OUT, raw(HIK, 0x8033, TAG1(Q, 20)),                P_HIK, DROP, R(NON_IP) },
	{ "802.1Q ipv6 to outside",          OUT, udp6(HIK, CAM6, OUT6, 40000, 53, TAG1(Q, 20)), P_HIK, DROP, R(EGRESS) },
	{ "802.1Q arp",                      OUT, arp(HIK, CAM4, REC4, TAG1(Q, 20)),            P_HIK, PASS, R(LINK_LOCAL) },
	{ "vlan tag truncated",              OUT, udp4(HIK, CAM4, REC4, 40000, 554, TAG1(Q, 20), .cut = ETH + 2), P_HIK, DROP, R(MALFORMED) },
	{ "second tag truncated",            OUT, udp4(HIK, CAM4, REC4, 40000, 554, TAG2(AD, 1, Q, 2), .cut = ETH + VLAN + 3), P_HIK, DROP, R(MALFORMED) },
	/* ---- IPv4 fragments and header shapes --------------------------------------------------- */
	{ "v4 first fragment to outside",    OUT, udp4(HIK, CAM4, OUT4, 40000, 53, .frag = F4_FIRST), P_HIK, DROP, R(EGRESS) },
	{ "v4 first fragment to enclave",    OUT, udp4(HIK, CAM4, REC4, 40000, 554, .frag = F4_FIRST), P_HIK, PASS, R(ENCLAVE) },
	{ "v4 first fragment udp/123 rule",  OUT, udp4(HIK, CAM4, NTP4, 40000, 123, .frag = F4_FIRST), P_HIK, PASS, R(RULE) },
	{ "v4 later fragment to outside",    OUT, udp4(HIK, CAM4, OUT4, 0, 0, .frag = F4_LATER), P_HIK, DROP, R(FRAGMENT) },
	{ "v4 last fragment to outside",     OUT, udp4(HIK, CAM4, OUT4, 0, 0, .frag = F4_LAST), P_HIK, DROP, R(FRAGMENT) },
	{ "v4 later fragment to enclave",    OUT, udp4(HIK, CAM4, REC4, 0, 0, .frag = F4_LATER), P_HIK, PASS, R(ENCLAVE) },
	{ "v4 later udp fragment, udp rule", OUT, udp4(HIK, CAM4, NTP4, 0, 0, .frag = F4_LATER), P_HIK, DROP, R(FRAGMENT) },
	{ "v4 later tcp fragment, udp rule", OUT, tcp4(HIK, CAM4, NTP4, 0, 0, .frag = F4_LATER), P_HIK, DROP, R(FRAGMENT) },
	{ "v4 later fragment to deny host",  OUT, udp4(HIK, CAM4, DENY4, 0, 0, .frag = F4_LATER), P_HIK, DROP, R(DENY_LIST) },
	{ "v4 later fragment to 224.0.0.251",OUT, udp4(HIK, CAM4, "224.0.0.251", 0, 0, .frag = F4_LATER), P_HIK, DROP, R(FRAGMENT) },
	{ "v4 later fragment, spoofed src",  OUT, udp4(HIK, "203.0.113.50", REC4, 0, 0, .frag = F4_LATER), P_HIK, DROP, R(SPOOF) },
	{ "v4 DF only is no fragment",       OUT, udp4(HIK, CAM4, OUT4, 40000, 53, .frag = F4_DF), P_HIK, DROP, R(EGRESS) },
	{ "v4 options ihl=6, udp/123 rule",  OUT, udp4(HIK, CAM4, NTP4, 40000, 123, .ihl = 6),  P_HIK, PASS, R(RULE) },
	{ "v4 options ihl=15 to enclave",    OUT, udp4(HIK, CAM4, REC4, 40000, 554, .ihl = 15), P_HIK, PASS, R(ENCLAVE) },
	{ "v4 options ihl=15 to ntp udp/124",OUT, udp4(HIK, CAM4, NTP4, 40000, 124, .ihl = 15), P_HIK, DROP, R(PORT) },
	{ "v4 ihl=4",                        OUT, udp4(HIK, CAM4, REC4, 40000, 554, .ihl = 4),  P_HIK, DROP, R(MALFORMED) },
	{ "v4 ihl=0",                        OUT, udp4(HIK, CAM4, REC4, 40000, 554, .ihl = 0x10), P_HIK, DROP, R(MALFORMED) },
	{ "v4 tot_len < header",             OUT, udp4(HIK, CAM4, REC4, 40000, 554, .totlen = 10), P_HIK, DROP, R(MALFORMED) },
	{ "v4 version 6 in 0x0800",          OUT, udp4(HIK, CAM4, REC4, 40000, 554, .version = 6), P_HIK, DROP, R(MALFORMED) },
	/* ---- truncation at every IPv4 boundary: never a pass ----------------------------------- */
	{ "cut: ethernet only (v4)",         OUT, udp4(HIK, CAM4, REC4, 40000, 554, .cut = ETH), P_HIK, DROP, R(MALFORMED) },
	{ "cut: v4 header 19 bytes",         OUT, udp4(HIK, CAM4, REC4, 40000, 554, .cut = ETH + IP4 - 1), P_HIK, DROP, R(MALFORMED) },
	{ "cut: v4 options (ihl=15)",        OUT, udp4(HIK, CAM4, REC4, 40000, 554, .ihl = 15, .cut = ETH + 40), P_HIK, DROP, R(MALFORMED) },
	{ "cut: v4 options, ports missing",  OUT, udp4(HIK, CAM4, REC4, 40000, 554, .ihl = 15, .cut = ETH + 60 + 3), P_HIK, DROP, R(MALFORMED) },
	{ "cut: v4 end of header",           OUT, udp4(HIK, CAM4, REC4, 40000, 554, .cut = ETH + IP4), P_HIK, DROP, R(MALFORMED) },
	{ "cut: udp ports 3 bytes",          OUT, udp4(HIK, CAM4, REC4, 40000, 554, .cut = ETH + IP4 + 3), P_HIK, DROP, R(MALFORMED) },
	{ "cut: udp ports complete",         OUT, udp4(HIK, CAM4, REC4, 40000, 554, .cut = ETH + IP4 + 4), P_HIK, PASS, R(ENCLAVE) },
	{ "cut: tcp ports 2 bytes",          OUT, tcp4(HIK, CAM4, REC4, 40000, 554, .cut = ETH + IP4 + 2), P_HIK, DROP, R(MALFORMED) },
	{ "cut: icmp 3 bytes",               OUT, icmp4(HIK, CAM4, REC4, 8, .cut = ETH + IP4 + 3), P_HIK, DROP, R(MALFORMED) },
	{ "cut: udp to rule host",           OUT, udp4(HIK, CAM4, NTP4, 40000, 123, .cut = ETH + IP4 + 2), P_HIK, DROP, R(MALFORMED) },
	/* ---- IPv6 ------------------------------------------------------------------------------ */
	{ "v6 udp to enclave",               OUT, udp6(HIK, CAM6, REC6, 40000, 554),            P_HIK, PASS, R(ENCLAVE) },
	{ "v6 tcp to enclave",               OUT, tcp6(HIK, CAM6, REC6, 40000, 554),            P_HIK, PASS, R(ENCLAVE) },
	{ "v6 echo to enclave",              OUT, icmp6(HIK, CAM6, REC6, 128),                  P_HIK, PASS, R(ENCLAVE) },
	{ "v6 udp to outside",               OUT, udp6(HIK, CAM6, OUT6, 40000, 3478),           P_HIK, DROP, R(EGRESS) },
	{ "v6 echo to outside",              OUT, icmp6(HIK, CAM6, OUT6, 128),                  P_HIK, DROP, R(EGRESS) },
	{ "v6 rule udp/123",                 OUT, udp6(HIK, CAM6, NTP6, 40000, 123),            P_HIK, PASS, R(RULE) },
	{ "v6 udp/124 to ntp host",          OUT, udp6(HIK, CAM6, NTP6, 40000, 124),            P_HIK, DROP, R(PORT) },
	{ "v6 deny prefix",                  OUT, udp6(HIK, CAM6, DENY6, 40000, 443),           P_HIK, DROP, R(DENY_LIST) },
	{ "v6 source outside the enclave",   OUT, udp6(HIK, "2001:db8:dead::50", REC6, 40000, 554), P_HIK, DROP, R(SPOOF) },
	{ "v6 link-local unicast data",      OUT, udp6(HIK, LL6, LLR6, 40000, 80),              P_HIK, DROP, R(SPOOF) },
	{ "v6 source back in the enclave",   OUT, udp6(HIK, CAM6, REC6, 40000, 554),            P_HIK, PASS, R(ENCLAVE) },
	{ "v6 mdns to ff02::fb",             OUT, udp6(HIK, LL6, "ff02::fb", 5353, 5353),       P_HIK, PASS, R(LINK_LOCAL) },
	{ "v6 ssdp to ff05::c",              OUT, udp6(HIK, CAM6, "ff05::c", 1900, 1900),       P_HIK, DROP, R(EGRESS) },
	{ "NS to solicited-node group",      OUT, icmp6(HIK, CAM6, "ff02::1:ff00:1", 135, .ttl = 255), P_HIK, PASS, R(LINK_LOCAL) },
	{ "NS to link-local unicast",        OUT, icmp6(HIK, LL6, LLR6, 135, .ttl = 255),       P_HIK, PASS, R(LINK_LOCAL) },
	{ "NA to enclave",                   OUT, icmp6(HIK, CAM6, REC6, 136, .ttl = 255),      P_HIK, PASS, R(LINK_LOCAL) },
	{ "NA to outside",                   OUT, icmp6(HIK, CAM6, OUT6, 136, .ttl = 255),      P_HIK, DROP, R(EGRESS) },
	{ "NS to outside, hop limit 64",     OUT, icmp6(HIK, CAM6, OUT6, 135),                  P_HIK, DROP, R(EGRESS) },
	{ "RS to ff02::2",                   OUT, icmp6(HIK, LL6, "ff02::2", 133, .ttl = 255),  P_HIK, PASS, R(LINK_LOCAL) },
	{ "RA from camera",                  OUT, icmp6(HIK, LL6, "ff02::1", 134, .ttl = 255),  P_HIK, DROP, R(ROGUE_SERVICE) },
	{ "redirect from camera",            OUT, icmp6(HIK, LL6, LLR6, 137, .ttl = 255),       P_HIK, DROP, R(ROGUE_SERVICE) },
	{ "MLDv2 report to ff02::16",        OUT, icmp6(HIK, LL6, "ff02::16", 143, .ttl = 1, EXT(HBH)), P_HIK, PASS, R(LINK_LOCAL) },
	{ "MLD report to a unicast",         OUT, icmp6(HIK, CAM6, OUT6, 143),                  P_HIK, DROP, R(EGRESS) },
	{ "DHCPv6 solicit to ff02::1:2",     OUT, udp6(HIK, LL6, "ff02::1:2", 546, 547),        P_HIK, PASS, R(LINK_LOCAL) },
	{ "DHCPv6 to enclave server",        OUT, udp6(HIK, CAM6, REC6, 546, 547),              P_HIK, PASS, R(LINK_LOCAL) },
	{ "DHCPv6 to outside server",        OUT, udp6(HIK, CAM6, OUT6, 546, 547),              P_HIK, DROP, R(EGRESS) },
	{ "DHCPv6 server reply from camera", OUT, udp6(HIK, LL6, LLR6, 547, 546),               P_HIK, DROP, R(ROGUE_SERVICE) },
	/* ---- IPv6 extension headers and fragments ---------------------------------------------- */
	{ "hbh, udp to enclave",             OUT, udp6(HIK, CAM6, REC6, 40000, 554, EXT(HBH)),  P_HIK, PASS, R(ENCLAVE) },
	{ "hbh, udp to outside",             OUT, udp6(HIK, CAM6, OUT6, 40000, 53, EXT(HBH)),   P_HIK, DROP, R(EGRESS) },
	{ "dstopts, udp/123 rule",           OUT, udp6(HIK, CAM6, NTP6, 40000, 123, EXT(DST)),  P_HIK, PASS, R(RULE) },
	{ "dstopts, udp/124 to ntp host",    OUT, udp6(HIK, CAM6, NTP6, 40000, 124, EXT(DST)),  P_HIK, DROP, R(PORT) },
	{ "routing sl=0 to outside",         OUT, udp6(HIK, CAM6, OUT6, 40000, 53, EXT(RTG)),   P_HIK, DROP, R(EGRESS) },
	{ "routing sl=0 to enclave",         OUT, udp6(HIK, CAM6, REC6, 40000, 554, EXT(RTG)),  P_HIK, PASS, R(ENCLAVE) },
	{ "routing sl=1 to enclave",         OUT, udp6(HIK, CAM6, REC6, 40000, 554, EXT(RTG), .seg_left = 1), P_HIK, DROP, R(MALFORMED) },
	{ "ah, tcp to outside",              OUT, tcp6(HIK, CAM6, OUT6, 40000, 443, EXT(AH)),   P_HIK, DROP, R(EGRESS) },
	{ "ah, udp to enclave",              OUT, udp6(HIK, CAM6, REC6, 40000, 554, EXT(AH)),   P_HIK, PASS, R(ENCLAVE) },
	{ "hbh+dst+rtg+ah, udp/123 rule",    OUT, udp6(HIK, CAM6, NTP6, 40000, 123, EXT(HBH, DST, RTG, AH)), P_HIK, PASS, R(RULE) },
	{ "7 ext headers to enclave",        OUT, udp6(HIK, CAM6, REC6, 40000, 554, EXT(HBH, DST, DST, DST, DST, DST, DST)), P_HIK, PASS, R(ENCLAVE) },
	{ "7 ext headers to outside",        OUT, udp6(HIK, CAM6, OUT6, 40000, 53, EXT(HBH, DST, DST, DST, DST, DST, DST)), P_HIK, DROP, R(EGRESS) },
	/* CG_MAX_IPV6_EXT (8) extension headers are walked; a ninth is malformed */
	{ "8 ext headers to enclave",        OUT, udp6(HIK, CAM6, REC6, 40000, 554, EXT(HBH, DST, DST, DST, DST, DST, DST, DST)), P_HIK, PASS, R(ENCLAVE) },
	{ "8 ext headers to outside",        OUT, udp6(HIK, CAM6, OUT6, 40000, 53, EXT(HBH, DST, DST, DST, DST, DST, DST, DST)), P_HIK, DROP, R(EGRESS) },
	{ "9 ext headers: chain too long",   OUT, udp6(HIK, CAM6, REC6, 40000, 554, EXT(HBH, DST, DST, DST, DST, DST, DST, DST, DST)), P_HIK, DROP, R(MALFORMED) },
	{ "v6 atomic fragment to outside",   OUT, udp6(HIK, CAM6, OUT6, 40000, 53, EXT(FRG), .frag = F6_ATOMIC), P_HIK, DROP, R(EGRESS) },
	{ "v6 first fragment to outside",    OUT, udp6(HIK, CAM6, OUT6, 40000, 53, EXT(FRG), .frag = F6_FIRST), P_HIK, DROP, R(EGRESS) },
	{ "v6 first fragment to enclave",    OUT, udp6(HIK, CAM6, REC6, 40000, 554, EXT(FRG), .frag = F6_FIRST), P_HIK, PASS, R(ENCLAVE) },
	{ "v6 later fragment to outside",    OUT, udp6(HIK, CAM6, OUT6, 0, 0, EXT(FRG), .frag = F6_LATER), P_HIK, DROP, R(FRAGMENT) },
	{ "v6 later fragment to enclave",    OUT, udp6(HIK, CAM6, REC6, 0, 0, EXT(FRG), .frag = F6_LATER), P_HIK, PASS, R(ENCLAVE) },
	{ "v6 later udp fragment, udp rule", OUT, udp6(HIK, CAM6, NTP6, 0, 0, EXT(FRG), .frag = F6_LATER), P_HIK, DROP, R(FRAGMENT) },
	{ "v6 later tcp fragment, udp rule", OUT, tcp6(HIK, CAM6, NTP6, 0, 0, EXT(FRG), .frag = F6_LATER), P_HIK, DROP, R(FRAGMENT) },
	{ "v6 later fragment after hbh",     OUT, udp6(HIK, CAM6, OUT6, 0, 0, EXT(HBH, FRG), .frag = F6_LATER), P_HIK, DROP, R(FRAGMENT) },
	{ "v6 later fragment to ff02::1",    OUT, icmp6(HIK, CAM6, "ff02::1", 134, EXT(FRG), .frag = F6_LATER), P_HIK, DROP, R(FRAGMENT) },
	{ "v6 first fragment: RA",           OUT, icmp6(HIK, LL6, "ff02::1", 134, .ttl = 255, EXT(FRG), .frag = F6_FIRST), P_HIK, DROP, R(ROGUE_SERVICE) },
	{ "v6 first fragment: NS to group",  OUT, icmp6(HIK, LL6, "ff02::1:ff00:1", 135, .ttl = 255, EXT(FRG), .frag = F6_FIRST), P_HIK, DROP, R(SPOOF) },
	/* ---- truncation at every IPv6 boundary ------------------------------------------------- */
	{ "cut: ethernet only (v6)",         OUT, udp6(HIK, CAM6, REC6, 40000, 554, .cut = ETH), P_HIK, DROP, R(MALFORMED) },
	{ "cut: v6 header 39 bytes",         OUT, udp6(HIK, CAM6, REC6, 40000, 554, .cut = ETH + IP6 - 1), P_HIK, DROP, R(MALFORMED) },
	{ "cut: v6 end of header",           OUT, udp6(HIK, CAM6, REC6, 40000, 554, .cut = ETH + IP6), P_HIK, DROP, R(MALFORMED) },
	{ "cut: hbh 7 bytes",                OUT, udp6(HIK, CAM6, REC6, 40000, 554, EXT(HBH), .cut = ETH + IP6 + 7), P_HIK, DROP, R(MALFORMED) },
	{ "cut: after hbh",                  OUT, udp6(HIK, CAM6, REC6, 40000, 554, EXT(HBH), .cut = ETH + IP6 + 8), P_HIK, DROP, R(MALFORMED) },
	{ "cut: routing 7 bytes",            OUT, udp6(HIK, CAM6, REC6, 40000, 554, EXT(RTG), .cut = ETH + IP6 + 7), P_HIK, DROP, R(MALFORMED) },
	{ "cut: inside routing addresses",   OUT, udp6(HIK, CAM6, REC6, 40000, 554, EXT(RTG), .cut = ETH + IP6 + 20), P_HIK, DROP, R(MALFORMED) },
	{ "cut: fragment header 7 bytes",    OUT, udp6(HIK, CAM6, REC6, 40000, 554, EXT(FRG), .frag = F6_FIRST, .cut = ETH + IP6 + 7), P_HIK, DROP, R(MALFORMED) },
	{ "cut: ah 7 bytes",                 OUT, udp6(HIK, CAM6, REC6, 40000, 554, EXT(AH), .cut = ETH + IP6 + 7), P_HIK, DROP, R(MALFORMED) },
	{ "cut: inside ah icv",              OUT, udp6(HIK, CAM6, REC6, 40000, 554, EXT(AH), .cut = ETH + IP6 + 16), P_HIK, DROP, R(MALFORMED) },
	{ "cut: udp ports after dstopts",    OUT, udp6(HIK, CAM6, REC6, 40000, 554, EXT(DST), .cut = ETH + IP6 + 8 + 3), P_HIK, DROP, R(MALFORMED) },
	{ "cut: v6 udp ports 3 bytes",       OUT, udp6(HIK, CAM6, REC6, 40000, 554, .cut = ETH + IP6 + 3), P_HIK, DROP, R(MALFORMED) },
	{ "cut: v6 tcp ports 1 byte",        OUT, tcp6(HIK, CAM6, NTP6, 40000, 123, .cut = ETH + IP6 + 1), P_HIK, DROP, R(MALFORMED) },
	{ "cut: icmpv6 3 bytes (RA)",        OUT, icmp6(HIK, LL6, "ff02::1", 134, .ttl = 255, .cut = ETH + IP6 + 3), P_HIK, DROP, R(MALFORMED) },
	{ "cut: icmpv6 3 bytes (NS)",        OUT, icmp6(HIK, LL6, "ff02::1:ff00:1", 135, .ttl = 255, .cut = ETH + IP6 + 3), P_HIK, DROP, R(MALFORMED) },
	{ "v6 version 4 in 0x86dd",          OUT, udp6(HIK, CAM6, REC6, 40000, 554, .version = 4), P_HIK, DROP, R(MALFORMED) },
	/* ---- identification -------------------------------------------------------------------- */
	{ "unknown MAC -> default",          OUT, udp4(UNK, CAM4, OUT4, 40000, 53),             P_DEFAULT, DROP, R(EGRESS) },
	{ "unknown MAC to enclave",          OUT, udp4(UNK, CAM4, REC4, 40000, 554),            P_DEFAULT, PASS, R(ENCLAVE) },
	{ "MA-L 44:19:b6",                   OUT, udp4(HIK2, CAM4, OUT4, 40000, 53),            P_HIK, DROP, R(EGRESS) },
	{ "MA-M 44:19:b6:5 beats MA-L",      OUT, udp4(MAM, CAM4, OUT4, 40000, 53),             P_MAM, DROP, R(EGRESS) },
	{ "MA-S 44:19:b6:55:5 beats MA-M",   OUT, udp4(MAS, CAM4, OUT4, 40000, 53),             P_MAS, DROP, R(EGRESS) },
	{ "MA-M, just outside MA-S",         OUT, udp4(MAM2, CAM4, OUT4, 40000, 53),            P_MAM, DROP, R(EGRESS) },
	{ "exact MAC beats MA-S",            OUT, udp4(PIN, CAM4, OUT4, 40000, 53),             P_PIN, PASS, R(ALLOW_POLICY) },
	{ "exact MAC beats MA-L",            OUT, udp4(PIN2, CAM4, OUT4, 40000, 53),            P_PIN, PASS, R(ALLOW_POLICY) },
	{ "locally administered: no OUI",    OUT, udp4(LAA, CAM4, OUT4, 40000, 53),             P_DEFAULT, DROP, R(EGRESS) },
	{ "multicast source MAC",            OUT, udp4("01:00:5e:00:00:01", CAM4, REC4, 40000, 554), P_DEFAULT, DROP, R(MALFORMED) },
	{ "broadcast source MAC",            OUT, udp4("ff:ff:ff:ff:ff:ff", CAM4, REC4, 40000, 554), P_DEFAULT, DROP, R(MALFORMED) },
	{ "multicast source MAC, OUI bits",  OUT, udp4("45:19:b6:00:00:01", CAM4, REC4, 40000, 554), P_DEFAULT, DROP, R(MALFORMED) },
	{ "no enclave rule: enclave dropped",OUT, udp4(NOENC, CAM4, REC4, 40000, 554),          P_NOENC, DROP, R(EGRESS) },
	{ "no enclave rule: arp passes",     OUT, arp(NOENC, CAM4, REC4),                       P_NOENC, PASS, R(LINK_LOCAL) },
	{ "no enclave rule: spoof",          OUT, udp4(NOENC, "203.0.113.50", REC4, 1, 2),      P_NOENC, DROP, R(SPOOF) },
	/* ---- monitor (P_DAHUA): passes what isolate drops, counts `monitor` ------------------- */
	{ "monitor: to enclave",             OUT, udp4(DAH, CAM4, REC4, 40000, 37777),          P_DAHUA, PASS, R(ENCLAVE) },
	{ "monitor: to outside (P2P)",       OUT, udp4(DAH, CAM4, OUT4, 40000, 8800),           P_DAHUA, PASS, R(MONITOR) },
	{ "monitor: spoofed source",         OUT, udp4(DAH, "203.0.113.50", REC4, 1, 2),        P_DAHUA, PASS, R(MONITOR) },
	{ "monitor: non-ip",                 OUT, raw(DAH, 0x8033),                             P_DAHUA, PASS, R(MONITOR) },
	{ "monitor: three tags",             OUT, udp4(DAH, CAM4, REC4, 1, 2, TAG3(Q, 1, Q, 2, Q, 3)), P_DAHUA, PASS, R(MONITOR) },
	{ "monitor: truncated",              OUT, udp4(DAH, CAM4, REC4, 1, 2, .cut = ETH + IP4 + 1), P_DAHUA, PASS, R(MONITOR) },
	{ "monitor: later fragment",         OUT, udp6(DAH, CAM6, OUT6, 0, 0, EXT(FRG), .frag = F6_LATER), P_DAHUA, PASS, R(MONITOR) },
	{ "monitor: RA from camera",         OUT, icmp6(DAH, LL6, "ff02::1", 134, .ttl = 255),  P_DAHUA, PASS, R(MONITOR) },
	{ "monitor: arp",                    OUT, arp(DAH, CAM4, REC4),                         P_DAHUA, PASS, R(LINK_LOCAL) },
	{ "monitor: deny list still drops",  OUT, udp4(DAH, CAM4, DENY4, 40000, 53),            P_DAHUA, DROP, R(DENY_LIST) },
	{ "monitor: inbound from outside",   IN,  tcp4(DAH, OUT4, CAM4, 50000, 80),             P_DAHUA, PASS, R(MONITOR) },
	{ "monitor: inbound from deny host", IN,  tcp4(DAH, DENY4, CAM4, 50000, 80),            P_DAHUA, DROP, R(DENY_LIST) },
	/* ---- allow (P_AXIS): passes and counts `allow_policy`; deny lists apply ---------------- */
	{ "allow: to enclave",               OUT, tcp4(AXIS, CAM4, REC4, 40000, 554),           P_AXIS, PASS, R(ENCLAVE) },
	{ "allow: to outside",               OUT, tcp4(AXIS, CAM4, OUT4, 40000, 443),           P_AXIS, PASS, R(ALLOW_POLICY) },
	{ "allow: non-ip",                   OUT, raw(AXIS, 0x88b5),                            P_AXIS, PASS, R(ALLOW_POLICY) },
	{ "allow: malformed",                OUT, udp4(AXIS, CAM4, REC4, 1, 2, .ihl = 4),       P_AXIS, PASS, R(ALLOW_POLICY) },
	{ "allow: link-local stays",         OUT, arp(AXIS, CAM4, REC4),                        P_AXIS, PASS, R(LINK_LOCAL) },
	{ "allow: deny list drops",          OUT, tcp4(AXIS, CAM4, DENY4, 40000, 443),          P_AXIS, DROP, R(DENY_LIST) },
	{ "allow: inbound from outside",     IN,  tcp4(AXIS, OUT4, CAM4, 50000, 80),            P_AXIS, PASS, R(ALLOW_POLICY) },
	{ "allow: inbound from deny host",   IN,  tcp4(AXIS, DENY4, CAM4, 50000, 80),           P_AXIS, DROP, R(DENY_LIST) },
	/* ---- direction IN (cg_tc_egress, classified by destination MAC) ----------------------- */
	{ "in: enclave to camera",           IN,  tcp4(HIK, REC4, CAM4, 50000, 554),            P_HIK, PASS, R(ENCLAVE) },
	{ "in: outside to web ui",           IN,  tcp4(HIK, OUT4, CAM4, 50000, 80),             P_HIK, DROP, R(INGRESS) },
	{ "in: outside to sdk port",         IN,  tcp4(HIK, OUT4, CAM4, 50000, 8000),           P_HIK, DROP, R(INGRESS) },
	{ "in: mgmt from-rule tcp/443",      IN,  tcp4(HIK, MGMT4, CAM4, 50000, 443),           P_HIK, PASS, R(RULE) },
	{ "in: mgmt to port 80",             IN,  tcp4(HIK, MGMT4, CAM4, 50000, 80),            P_HIK, DROP, R(PORT) },
	{ "in: mgmt udp/443 (proto)",        IN,  udp4(HIK, MGMT4, CAM4, 50000, 443),           P_HIK, DROP, R(PORT) },
	{ "in: ntp reply (sport 123)",       IN,  udp4(HIK, NTP4, CAM4, 123, 40000),            P_HIK, PASS, R(RULE) },
	{ "in: ntp host sport 124",          IN,  udp4(HIK, NTP4, CAM4, 124, 40000),            P_HIK, DROP, R(PORT) },
	{ "in: ntp host to camera port 123", IN,  udp4(HIK, NTP4, CAM4, 40000, 123),            P_HIK, DROP, R(PORT) },
	{ "in: range reply sport 8005",      IN,  tcp4(HIK, RNG4, CAM4, 8005, 40000),           P_HIK, PASS, R(RULE) },
	{ "in: deny host",                   IN,  udp4(HIK, DENY4, CAM4, 123, 40000),           P_HIK, DROP, R(DENY_LIST) },
	{ "in: v6 enclave to camera",        IN,  tcp6(HIK, REC6, CAM6, 50000, 554),            P_HIK, PASS, R(ENCLAVE) },
	{ "in: v6 outside to camera",        IN,  tcp6(HIK, OUT6, CAM6, 50000, 80),             P_HIK, DROP, R(INGRESS) },
	{ "in: v6 ntp reply",                IN,  udp6(HIK, NTP6, CAM6, 123, 40000),            P_HIK, PASS, R(RULE) },
	{ "in: v4 later fragment, outside",  IN,  udp4(HIK, OUT4, CAM4, 0, 0, .frag = F4_LATER), P_HIK, DROP, R(FRAGMENT) },
	{ "in: v4 later fragment, enclave",  IN,  udp4(HIK, REC4, CAM4, 0, 0, .frag = F4_LATER), P_HIK, PASS, R(ENCLAVE) },
	{ "in: v6 later fragment, ntp host", IN,  udp6(HIK, NTP6, CAM6, 0, 0, EXT(FRG), .frag = F6_LATER), P_HIK, DROP, R(FRAGMENT) },
	{ "in: truncated udp",               IN,  udp4(HIK, REC4, CAM4, 1, 2, .cut = ETH + IP4 + 3), P_HIK, DROP, R(MALFORMED) },
	{ "in: non-ip",                      IN,  raw(HIK, 0x8033),                             P_HIK, DROP, R(NON_IP) },
	{ "in: three tags",                  IN,  udp4(HIK, REC4, CAM4, 1, 2, TAG3(AD, 1, Q, 2, Q, 3)), P_HIK, DROP, R(VLAN) },
	{ "in: QinQ from outside",           IN,  tcp4(HIK, OUT4, CAM4, 50000, 80, TAG2(AD, 1, Q, 2)), P_HIK, DROP, R(INGRESS) },
	{ "in: arp reply",                   IN,  arp(HIK, REC4, CAM4, .arpop = 2), P_HIK, PASS, R(LINK_LOCAL) },
	{ "in: dhcp offer from recorder",    IN,  udp4(HIK, REC4, CAM4, 67, 68),                P_HIK, PASS, R(ENCLAVE) },
	{ "in: dhcp offer from outside",     IN,  udp4(HIK, OUT4, CAM4, 67, 68),                P_HIK, DROP, R(INGRESS) },
	{ "in: RA to camera",                IN,  icmp6(HIK, LLR6, "ff02::1", 134, .ttl = 255), P_HIK, PASS, R(LINK_LOCAL) },
	{ "in: to a group MAC -> default",   IN,  udp4("01:00:5e:7f:ff:fa", OUT4, "239.255.255.250", 1900, 1900), P_DEFAULT, DROP, R(INGRESS) },
	{ "in: unknown MAC -> default",      IN,  tcp4(UNK, OUT4, CAM4, 50000, 80),             P_DEFAULT, DROP, R(INGRESS) },
	{ "in: LAA MAC -> default",          IN,  tcp4(LAA, REC4, CAM4, 50000, 80),             P_DEFAULT, PASS, R(ENCLAVE) },
	/* ---- issue 12 (1): IPv4 options that change the destination --------------------------- */
	{ "v4 LSRR via the recorder",        OUT, udp4(HIK, CAM4, REC4, 40000, 554, LSRR(203, 0, 113, 5)), P_HIK, DROP, R(MALFORMED) },
	{ "v4 SSRR via the recorder",        OUT, udp4(HIK, CAM4, REC4, 40000, 554, OPT(0x89, 7, 4, 203, 0, 113, 5)), P_HIK, DROP, R(MALFORMED) },
	{ "v4 NOP, NOP, LSRR",               OUT, icmp4(HIK, CAM4, REC4, 8, OPT(1, 1, 0x83, 7, 4, 203, 0, 113, 5)), P_HIK, DROP, R(MALFORMED) },
	{ "v4 router alert, then LSRR",      OUT, udp4(HIK, CAM4, REC4, 40000, 554, OPT(0x94, 4, 0, 0, 0x83, 7, 4, 203, 0, 113, 5)), P_HIK, DROP, R(MALFORMED) },
	{ "v4 LSRR to the ntp rule host",    OUT, udp4(HIK, CAM4, NTP4, 40000, 123, LSRR(203, 0, 113, 5)), P_HIK, DROP, R(MALFORMED) },
	{ "v4 LSRR later fragment",          OUT, udp4(HIK, CAM4, REC4, 0, 0, .frag = F4_LATER, LSRR(203, 0, 113, 5)), P_HIK, DROP, R(MALFORMED) },
	{ "v4 router alert (igmp) passes",   OUT, ip4(HIK, CAM4, "239.1.2.3", 2, OPT(0x94, 4, 0, 0)), P_HIK, PASS, R(LINK_LOCAL) },
	{ "v4 record route to enclave",      OUT, udp4(HIK, CAM4, REC4, 40000, 554, OPT(7, 7, 4, 0, 0, 0, 0)), P_HIK, PASS, R(ENCLAVE) },
	{ "v4 timestamp holding 0x83 bytes", OUT, udp4(HIK, CAM4, REC4, 40000, 554, OPT(68, 8, 5, 0, 0x83, 0x89, 7, 4)), P_HIK, PASS, R(ENCLAVE) },
	{ "v4 option length 1",              OUT, udp4(HIK, CAM4, REC4, 40000, 554, OPT(7, 1, 0, 0)), P_HIK, DROP, R(MALFORMED) },
	{ "v4 option past the header",       OUT, udp4(HIK, CAM4, REC4, 40000, 554, OPT(1, 1, 7, 9)), P_HIK, DROP, R(MALFORMED) },
	{ "v4 40 bytes of NOPs",             OUT, udp4(HIK, CAM4, REC4, 40000, 554, .ihl = 15), P_HIK, PASS, R(ENCLAVE) },
	{ "monitor: LSRR",                   OUT, udp4(DAH, CAM4, REC4, 40000, 554, LSRR(203, 0, 113, 5)), P_DAHUA, PASS, R(MONITOR) },
	{ "in: LSRR from outside",           IN,  udp4(HIK, OUT4, CAM4, 40000, 554, LSRR(192, 0, 2, 51)), P_HIK, DROP, R(MALFORMED) },
	{ "in: LSRR from the recorder",      IN,  udp4(HIK, REC4, CAM4, 40000, 554, LSRR(192, 0, 2, 51)), P_HIK, DROP, R(MALFORMED) },
	/* ---- (3) later fragments never match a port rule ---------------------------------------- */
	{ "v4 later fragment, addr-level rule", OUT, udp4(HIK, CAM4, HOST4, 0, 0, .frag = F4_LATER), P_HIK, PASS, R(RULE) },
	{ "v4 later tcp frag, addr-level udp",  OUT, tcp4(HIK, CAM4, HOST4, 0, 0, .frag = F4_LATER), P_HIK, DROP, R(FRAGMENT) },
	{ "v4 later fragment, port rule /27",   OUT, tcp4(HIK, CAM4, RNG4, 0, 0, .frag = F4_LATER), P_HIK, DROP, R(FRAGMENT) },
	{ "v4 first fragment, port rule",       OUT, udp4(HIK, CAM4, NTP4, 40000, 124, .frag = F4_FIRST), P_HIK, DROP, R(PORT) },
	{ "in: v4 later fragment, port rule",   IN,  udp4(HIK, NTP4, CAM4, 0, 0, .frag = F4_LATER), P_HIK, DROP, R(FRAGMENT) },
	{ "in: v4 later frag, from-rule host",  IN,  tcp4(HIK, MGMT4, CAM4, 0, 0, .frag = F4_LATER), P_HIK, DROP, R(FRAGMENT) },
	{ "in: v4 later fragment, addr-level",  IN,  udp4(HIK, HOST4, CAM4, 0, 0, .frag = F4_LATER), P_HIK, PASS, R(RULE) },
	/* ---- (4) L4 reads bounded by the IP length --------------------------------------------- */
	{ "v4 len=20, ports in the padding",  OUT, udp4(HIK, CAM4, NTP4, 40000, 123, .totlen = 20), P_HIK, DROP, R(MALFORMED) },
	{ "v4 len=22, half the ports",        OUT, udp4(HIK, CAM4, NTP4, 40000, 123, .totlen = 22), P_HIK, DROP, R(MALFORMED) },
	{ "v4 len=24, ports complete",        OUT, udp4(HIK, CAM4, NTP4, 40000, 123, .totlen = 24), P_HIK, PASS, R(RULE) },
	{ "v4 len=20 tcp to the /27 rule",    OUT, tcp4(HIK, CAM4, RNG4, 40000, 8005, .totlen = 20), P_HIK, DROP, R(MALFORMED) },
	{ "v4 len=20 icmp",                   OUT, icmp4(HIK, CAM4, REC4, 8, .totlen = 20), P_HIK, DROP, R(MALFORMED) },
	{ "v4 options, len ends in them",     OUT, udp4(HIK, CAM4, NTP4, 40000, 123, .ihl = 6, .totlen = 24), P_HIK, DROP, R(MALFORMED) },
	{ "v6 plen=2, ports in the padding",  OUT, udp6(HIK, CAM6, NTP6, 40000, 123, .plen = 2), P_HIK, DROP, R(MALFORMED) },
	{ "v6 plen ends inside hbh",          OUT, udp6(HIK, CAM6, NTP6, 40000, 123, EXT(HBH), .plen = 4), P_HIK, DROP, R(MALFORMED) },
	{ "v6 plen ends after hbh",           OUT, udp6(HIK, CAM6, NTP6, 40000, 123, EXT(HBH), .plen = 8), P_HIK, DROP, R(MALFORMED) },
	{ "v6 plen=4, ports complete",        OUT, udp6(HIK, CAM6, NTP6, 40000, 123, .plen = 4), P_HIK, PASS, R(RULE) },
	{ "v6 plen=2 icmpv6",                 OUT, icmp6(HIK, CAM6, REC6, 128, .plen = 2), P_HIK, DROP, R(MALFORMED) },
	{ "in: v4 len=20, padding sport 123", IN,  udp4(HIK, NTP4, CAM4, 123, 40000, .totlen = 20), P_HIK, DROP, R(MALFORMED) },
	{ "in: v6 plen=2, padding sport 123", IN,  udp6(HIK, NTP6, CAM6, 123, 40000, .plen = 2), P_HIK, DROP, R(MALFORMED) },
	/* ---- (2) IN: strict reverse path for forwarded frames ---------------------------------- */
	{ "rpf: outside via uplink",          IN,  tcp4(HIK, OUT4, CAM4, 50000, 80, .iif = IIF_UP),  P_HIK, DROP, R(INGRESS) },
	{ "rpf: ntp reply via uplink",        IN,  udp4(HIK, NTP4, CAM4, 123, 40000, .iif = IIF_UP), P_HIK, PASS, R(RULE) },
	{ "rpf: camera address via uplink",   IN,  udp4(HIK, CAMX4, CAM4, 40000, 554, .iif = IIF_UP), P_HIK, DROP, R(SPOOF) },
	{ "rpf: tcp syn, camera addr, uplink",IN,  tcp4(HIK, CAMX4, CAM4, 40000, 80, .iif = IIF_UP), P_HIK, DROP, R(SPOOF) },
	{ "rpf: recorder address via uplink", IN,  udp4(HIK, REC4, CAM4, 40000, 554, .iif = IIF_UP), P_HIK, DROP, R(SPOOF) },
	{ "rpf: site server behind uplink",   IN,  udp4(HIK, SITE4, CAM4, 123, 40000, .iif = IIF_UP), P_HIK, PASS, R(ENCLAVE) },
	{ "rpf: camera via camera iface",     IN,  udp4(HIK, CAMX4, CAM4, 40000, 554, .iif = IIF_CAM), P_HIK, PASS, R(ENCLAVE) },
	{ "rpf: outside via camera iface",    IN,  udp4(HIK, OUT4, CAM4, 40000, 554, .iif = IIF_CAM), P_HIK, DROP, R(SPOOF) },
	{ "rpf: recorder itself sends",       IN,  udp4(HIK, REC4, CAM4, 40000, 554, .iif = IIF_LOCAL), P_HIK, PASS, R(ENCLAVE) },
	{ "rpf: v6 camera address via uplink",IN,  udp6(HIK, CAMX6, CAM6, 40000, 554, .iif = IIF_UP), P_HIK, DROP, R(SPOOF) },
	{ "rpf: v6 recorder addr via uplink", IN,  udp6(HIK, REC6, CAM6, 40000, 554, .iif = IIF_UP), P_HIK, DROP, R(SPOOF) },
	{ "rpf: v6 outside via uplink",       IN,  tcp6(HIK, OUT6, CAM6, 50000, 80, .iif = IIF_UP),  P_HIK, DROP, R(INGRESS) },
	{ "rpf: v6 ntp reply via uplink",     IN,  udp6(HIK, NTP6, CAM6, 123, 40000, .iif = IIF_UP), P_HIK, PASS, R(RULE) },
	{ "rpf: v6 site server behind uplink",IN,  udp6(HIK, SITE6, CAM6, 123, 40000, .iif = IIF_UP), P_HIK, PASS, R(ENCLAVE) },
	{ "rpf: v6 later fragment, spoofed",  IN,  udp6(HIK, CAMX6, CAM6, 0, 0, EXT(FRG), .frag = F6_LATER, .iif = IIF_UP), P_HIK, DROP, R(SPOOF) },
	{ "rpf: monitor, spoofed source",     IN,  udp4(DAH, CAMX4, CAM4, 40000, 554, .iif = IIF_UP), P_DAHUA, PASS, R(MONITOR) },
	{ "rpf: allow, spoofed source",       IN,  udp4(AXIS, CAMX4, CAM4, 40000, 554, .iif = IIF_UP), P_AXIS, PASS, R(ALLOW_POLICY) },
	{ "rpf: deny host via uplink",        IN,  udp4(HIK, DENY4, CAM4, 123, 40000, .iif = IIF_UP), P_HIK, DROP, R(DENY_LIST) },
};

/* ---- harness -------------------------------------------------------------- */

static struct cg_dataplane *dp;
static int ntests, npassed, nfailed;
static int iif_index[IIF_MAX];   /* 0: not set up (the RPF rows are skipped) */
static struct cg_counter before[CG_POLSTAT_ENTRIES], after[CG_POLSTAT_ENTRIES];

struct entry {
	const char *prog;
	uint8_t dir;
	int pass_rc, drop_rc;
};

static const struct entry entries[] = {
	{ "cg_tc_ingress", OUT, TC_ACT_OK, TC_ACT_SHOT },
	{ "cg_xdp",        OUT, XDP_PASS, XDP_DROP },
	{ "cg_tc_egress",  IN,  TC_ACT_OK, TC_ACT_SHOT },
};

static void result(int ok, const char *name, const char *prog, const char *why)
{
	ntests++;
	if (ok) {
		npassed++;
		printf("ok %d - %s [%s]\n", ntests, name, prog);
	} else {
		nfailed++;
		printf("not ok %d - %s [%s]\n%s", ntests, name, prog, why);
	}
}

static int nskipped;

static void skip(const char *name, const char *prog, const char *why)
{
	ntests++;
	nskipped++;
	printf("ok %d - %s [%s] # SKIP %s\n", ntests, name, prog, why);
}

/* An IPv4/IPv6 frame cut inside its (first) IP header. */
static int short_ip(const struct frame *f, int len)
{
	int l3 = ETH + VLAN * f->ntags;
	if (f->l3 == FR_V4)
		return len < l3 + IP4;
	if (f->l3 == FR_V6)
		return len < l3 + IP6;
	return 0;
}

#define WHY(...) (off += snprintf(why + off, sizeof(why) > off ? sizeof(why) - off : 0, __VA_ARGS__))

static void polstat_name(uint32_t i, char *buf, size_t len)
{
	uint32_t reason = i % CG_REASON_MAX, dir = (i / CG_REASON_MAX) % CG_DIR_MAX;
	uint32_t policy = i / CG_REASON_MAX / CG_DIR_MAX;
	snprintf(buf, len, "policy %u %s %s", policy, cg_dir_to_string((int)dir),
		 cg_reason_to_string((int)reason));
}

static int mac_of(const char *s, uint8_t mac[6])
{
	unsigned b[6];
	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

/*
 * Runs one frame through one entry point and checks every expectation.
 * Returns 1 if all held. `ret_st` (optional) receives the device state after.
 */
static int run_one(const char *name, const struct entry *e, const struct frame *spec,
		   uint16_t policy, uint8_t verdict, uint8_t reason, struct cg_dev_stats *ret_st,
		   uint8_t iif)
{
	struct frame f = *spec;
	uint8_t buf[FRAME_MAX], mac[6];
	struct cg_dev_stats dev0 = {}, dev1 = {};
	char why[4096];
	size_t off = 0;
	int rc;

	why[0] = 0;
	if (e->dir == IN) {
		/* the builder's first argument is the camera: the destination here */
		f.dmac = spec->smac;
		f.smac = spec->dmac;
	}
	int len = frame_build(&f, buf);
	if (len < 0) {
		WHY("# frame_build: %s\n", strerror(-len));
		result(0, name, e->prog, why);
		return 0;
	}
	if (mac_of(e->dir == OUT ? (f.smac ? f.smac : REC) : (f.dmac ? f.dmac : REC), mac)) {
		WHY("# bad MAC\n");
		result(0, name, e->prog, why);
		return 0;
	}
	int group = mac[0] & 1;

	int have0 = dataplane_read_device(dp, mac, &dev0) == 0;
	if ((rc = dataplane_read_policy_stats(dp, before))) {
		WHY("# read policy stats: %s\n", strerror(-rc));
		result(0, name, e->prog, why);
		return 0;
	}

	if (iif && !iif_index[iif]) {
		skip(name, e->prog, "no test interfaces (setup_routes failed)");
		return 1;
	}
	struct __sk_buff ctx = { .ingress_ifindex = (uint32_t)iif_index[iif] };
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = buf, .data_size_in = (uint32_t)len,
		    .repeat = 1);
	if (iif) {
		t.ctx_in = &ctx;
		t.ctx_size_in = sizeof(ctx);
	}
	rc = bpf_prog_test_run_opts(dataplane_prog_fd(dp, e->prog), &t);
	if (rc && errno == EINVAL && e->pass_rc == TC_ACT_OK && short_ip(&f, len)) {
		/* The kernel's skb test_run refuses an IP EtherType without a
		 * whole IP header; cg_xdp runs the same frame, and netns.sh
		 * sends one over a real link. */
		skip(name, e->prog, "skb test_run needs a whole IP header");
		return 1;
	}
	if (rc) {
		WHY("# test_run: %s (frame %d bytes)\n", strerror(errno), len);
		result(0, name, e->prog, why);
		return 0;
	}

	int want_rc = verdict == PASS ? e->pass_rc : e->drop_rc;
	if ((int)t.retval != want_rc)
		WHY("# verdict: want %s (%d), got %d\n", cg_verdict_to_string(verdict), want_rc,
		    t.retval);
	if (cg_reason_verdict(reason) != verdict)
		WHY("# table: reason %s does not imply %s\n", cg_reason_to_string(reason),
		    cg_verdict_to_string(verdict));

	dataplane_read_policy_stats(dp, after);
	uint32_t want = CG_POLSTAT_INDEX(policy, e->dir, reason);
	for (uint32_t i = 0; i < CG_POLSTAT_ENTRIES; i++) {
		uint64_t dp_ = after[i].packets - before[i].packets;
		uint64_t db = after[i].bytes - before[i].bytes;
		uint64_t wp = i == want ? 1 : 0, wb = i == want ? (uint64_t)len : 0;
		char n[96];
		if (dp_ == wp && db == wb)
			continue;
		polstat_name(i, n, sizeof(n));
		WHY("# counter %s: want +%llu/%llu bytes, got +%llu/%llu bytes\n", n,
		    (unsigned long long)wp, (unsigned long long)wb, (unsigned long long)dp_,
		    (unsigned long long)db);
	}

	int rc1 = dataplane_read_device(dp, mac, &dev1), have1 = rc1 == 0;
	if (group) {
		if (have0 || have1)
			WHY("# a group MAC has a device entry\n");
	} else if (!have1) {
		WHY("# no device entry for %s: %s\n", e->dir == OUT ? f.smac : f.dmac, strerror(-rc1));
	} else {
		for (int d = 0; d < CG_DIR_MAX; d++)
			for (int v = 0; v < CG_VERDICT_MAX; v++) {
				int hit = d == e->dir && v == verdict;
				uint64_t dp_ = dev1.c[d][v].packets - dev0.c[d][v].packets;
				uint64_t db = dev1.c[d][v].bytes - dev0.c[d][v].bytes;
				if (dp_ == (uint64_t)hit && db == (hit ? (uint64_t)len : 0))
					continue;
				WHY("# device c[%s][%s]: want +%d/%d bytes, got +%llu/%llu bytes\n",
				    cg_dir_to_string(d), cg_verdict_to_string(v), hit, hit ? len : 0,
				    (unsigned long long)dp_, (unsigned long long)db);
			}
		if (dev1.policy != policy || dev1.gen != dp->gen)
			WHY("# device cache: want policy %u gen %u, got policy %u gen %u\n", policy,
			    dp->gen, dev1.policy, dev1.gen);
	}
	if (ret_st)
		*ret_st = dev1;

	result(off == 0, name, e->prog, why);
	return off == 0;
}

/* Every entry point of the case's direction. */
/* Each row runs twice per entry point: the second run of a TCP/UDP row
 * takes the fast path (cg_fast: the flow cache hit in line) where the frame
 * qualifies, and must be decided and counted exactly like the first. */
static void run_case(const struct tcase *c)
{
	char again[256];

	snprintf(again, sizeof(again), "%s (again)", c->name);
	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++)
		if (entries[i].dir == c->dir)
			for (int rep = 0; rep < 2; rep++)
				run_one(rep ? again : c->name, &entries[i], &c->f, c->policy,
					c->verdict, c->reason, NULL, c->f.iif);
}

static int apply(char variant)
{
	struct cg_model m;
	struct cg_compiled c;
	char err[256];
	int rc;

	fixture_model(&m, variant);
	rc = compile_model(&m, &c, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "Failed to compile fixture %c: %s\n", variant, err);
		return rc;
	}
	rc = dataplane_apply(dp, &c);
	compiled_free(&c);
	if (rc)
		fprintf(stderr, "Failed to apply fixture %c: %s\n", variant, strerror(-rc));
	return rc;
}

/* ---- generation flips ----------------------------------------------------- */

struct flip {
	const char *name;
	struct frame f;
	/* expected under A and under B */
	uint16_t policy_a; uint8_t verdict_a, reason_a;
	uint16_t policy_b; uint8_t verdict_b, reason_b;
};

static const struct flip flips[] = {
	{ "flip: rule added in B",      tcp4(HIK3, CAM4, CLOUD4, 40000, 8666),
	  P_HIK, DROP, R(EGRESS),       P_HIK, PASS, R(RULE) },
	{ "flip: device moves policy",  udp4(PIN2, CAM4, OUT4, 40000, 53),
	  P_PIN, PASS, R(ALLOW_POLICY), P_HIK, DROP, R(EGRESS) },
	{ "flip: enclave grows",        udp4(HIK3, B_ENC4, REC4, 40000, 554),
	  P_HIK, DROP, R(SPOOF),        P_HIK, PASS, R(ENCLAVE) },
	{ "flip: action allow->isolate",tcp4(AXIS, CAM4, OUT4, 40000, 443),
	  P_AXIS, PASS, R(ALLOW_POLICY), P_AXIS, DROP, R(EGRESS) },
};

/*
 * A -> B -> A. Before each flip every frame has been seen under the old
 * generation, so the device caches (policy, action, validated source) are
 * warm: the first frame after the flip must not be served from them.
 */
static void run_flips(void)
{
	const size_t n = sizeof(flips) / sizeof(flips[0]);
	char name[160];

	for (int round = 0; round < 3; round++) {
		char variant = round == 1 ? 'B' : 'A';
		if (round && apply(variant)) {
			result(0, "flip: apply", "-", "# apply failed\n");
			return;
		}
		for (size_t i = 0; i < n; i++) {
			const struct flip *fl = &flips[i];
			int b = variant == 'B';
			for (size_t e = 0; e < 2; e++) {   /* cg_tc_ingress, cg_xdp */
				/* twice per generation: the second run hits the cache */
				for (int rep = 0; rep < 2; rep++) {
					snprintf(name, sizeof(name), "%s: %c%s", fl->name, variant,
						 rep ? " (cached)" : "");
					run_one(name, &entries[e], &fl->f,
						b ? fl->policy_b : fl->policy_a,
						b ? fl->verdict_b : fl->verdict_a,
						b ? fl->reason_b : fl->reason_a, NULL, 0);
				}
			}
		}
	}
}

/*
 * The reverse-path rows need routes: the test runs in a network namespace
 * of its own (unshare), with two veth interfaces standing for the uplink
 * and a camera NIC. The FIB lookup of the data plane then sees these.
 */
static int setup_routes(void)
{
	static const char *const cmds[] = {
		"ip link add cgt-up type veth peer name cgt-up-p",
		"ip link add cgt-cam type veth peer name cgt-cam-p",
		"ip link set lo up",
		"ip link set cgt-up up",
		"ip link set cgt-up-p up",
		"ip link set cgt-cam up",
		"ip link set cgt-cam-p up",
		"sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1",
		"ip addr add 198.51.100.1/24 dev cgt-up",
		"ip addr add 2001:db8:5::1/64 dev cgt-up nodad",
		"ip addr add " REC4 "/24 dev cgt-cam",
		"ip addr add " REC6 "/64 dev cgt-cam nodad",
		"ip route add default via 198.51.100.2 dev cgt-up",
		"ip -6 route add default via 2001:db8:5::2 dev cgt-up",
		"ip route add " SITE4 "/32 via 198.51.100.3 dev cgt-up",
		"ip -6 route add " SITE6 "/128 via 2001:db8:5::3 dev cgt-up",
	};

	if (unshare(CLONE_NEWNET) < 0)
		return -errno;
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "%s >/dev/null 2>&1", cmds[i]);
		if (system(cmd) != 0) {
			fprintf(stderr, "setup_routes: '%s' failed\n", cmds[i]);
			return -EIO;
		}
	}
	iif_index[IIF_UP] = (int)if_nametoindex("cgt-up");
	iif_index[IIF_CAM] = (int)if_nametoindex("cgt-cam");
	return iif_index[IIF_UP] && iif_index[IIF_CAM] ? 0 : -ENODEV;
}

static int pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) < 0 ? -errno : 0;
}

/*
 * Device counters are per-CPU: a device first seen on one CPU and then on
 * another must be counted on both. test_run runs on the calling CPU, so
 * moving the thread moves the packet.
 */
static void run_cross_cpu(void)
{
	/* allow + non-IP: no sample and no new address, so the hot path alone
	 * touches the second CPU's copy of the entry */
	static const struct frame f = raw("00:40:8c:00:00:c0", 0x88b5);
	uint8_t mac[6], buf[FRAME_MAX];
	struct cg_dev_stats st = {};
	int ncpu = libbpf_num_possible_cpus(), len = frame_build(&f, buf), ran = 0;
	char why[256] = "";

	mac_of(f.smac, mac);
	for (int cpu = 0; cpu < ncpu && ran < 2; cpu++) {
		if (pin_cpu(cpu))
			continue;
		LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = buf, .data_size_in = (uint32_t)len,
			    .repeat = 1);
		if (bpf_prog_test_run_opts(dataplane_prog_fd(dp, "cg_tc_ingress"), &t) == 0)
			ran++;
	}
	pin_cpu(0);
	if (ran < 2) {
		skip("device counted on two CPUs", "cg_tc_ingress", "fewer than two usable CPUs");
		return;
	}
	int rc = dataplane_read_device(dp, mac, &st);
	if (rc || st.c[OUT][PASS].packets != 2 || st.c[OUT][PASS].bytes != 2 * (uint64_t)len)
		snprintf(why, sizeof(why),
			 "# dataplane_read_device: rc %d, c[out][pass] %llu packets/%llu bytes, "
			 "want 2/%d (one frame on each of two CPUs)\n", rc,
			 (unsigned long long)st.c[OUT][PASS].packets,
			 (unsigned long long)st.c[OUT][PASS].bytes, 2 * len);
	result(why[0] == 0, "device counted on two CPUs", "cg_tc_ingress", why);
}

int main(void)
{
	struct cg_dataplane_opts opts = {};
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0) {
		printf("1..0 # SKIP BPF_PROG_TEST_RUN needs root (CAP_BPF, CAP_NET_ADMIN)\n");
		return 77;
	}
	if (setup_routes() < 0) {
		printf("# no test network namespace: the reverse-path rows are skipped\n");
		iif_index[IIF_UP] = iif_index[IIF_CAM] = 0;
	}
	rc = dataplane_load(&opts, &dp);
	if (rc) {
		fprintf(stderr, "Failed to load the data plane: %s\n", strerror(-rc));
		return 1;
	}
	if (apply('A'))
		return 1;
	/* One CPU for the table: per-CPU state then behaves the same on every
	 * run; run_cross_cpu() tests the per-CPU side on purpose. */
	pin_cpu(0);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
	run_flips();
	run_cross_cpu();

	printf("1..%d\n", ntests);
	printf("# %zu table cases, %zu flip cases\n", sizeof(cases) / sizeof(cases[0]),
	       sizeof(flips) / sizeof(flips[0]));
	if (nskipped)
		printf("# %d runs skipped (counted as passed)\n", nskipped);
	printf("%d passed, %d failed\n", npassed + nskipped, nfailed);
	dataplane_free(dp);
	return nfailed ? 1 : 0;
}
