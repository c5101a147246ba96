#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""
bypass.py — hostile frames for test-bypass.sh, crafted byte by byte (no
scapy), sent and counted on raw AF_PACKET sockets inside the test's network
namespaces. Every address is a documentation prefix of tests/lib/topology.sh.

  bypass.py sniff IFACE STOPFILE OUT.json
      count, until STOPFILE exists, the frames arriving on IFACE that belong
      to a probe (by tag, see below) and, for the fuzz runs, every IP frame
      that is not neighbour/multicast-listener housekeeping.
  bypass.py send-out IFACE SRC_MAC DST_MAC   probes a camera sends
  bypass.py send-in IFACE SRC_MAC DST_MAC    probes the outside host sends
  bypass.py poison IFACE DST_MAC             the learned-address poisoning frame
  bypass.py fuzz IFACE SRC_MAC DST_MAC N SEED
      N random layered frames (VLAN stacks, IPv4 options, fragments, IPv6
      extension headers, tunnels, odd lengths) from a camera towards outside
      addresses.

A probe is recognised at the receiver by its tag T (60000 + class number):
the payload marker b"CGPROBE%05d" % T, a TCP/UDP port T, the IPv4
identification T with a camera source, or the IPv6 flow label T. A frame
whose payload the kernel trimmed (length tricks) or replaced (RST, ICMP
errors quoting it) is still recognised.
"""
import json
import os
import random
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
CAM4, CAM6 = "192.0.2.11", "2001:db8:c::11"       # the Hikvision camera
CAM2_4, CAM2_6 = "192.0.2.12", "2001:db8:c::12"   # another camera's address
REC4, REC6 = "192.0.2.1", "2001:db8:c::1"
OUT4, OUT6 = "198.51.100.2", "2001:db8:f::2"
FAR4 = "203.0.113.10"
NTP4, NTP6 = "198.51.100.10", "2001:db8:f::10"    # hikvision: to udp/123
SITE4, SITE6 = "192.0.2.200", "2001:db8:c::200"   # enclave member behind the uplink
SPOOF_MAC = "00:40:8c:66:66:66"                   # an Axis OUI no camera has
TAG0 = 60000

# Probe classes: (number, name, direction, must be 0 under camguard?).
# Direction out: a camera sends, arrivals counted at the outside host;
# in: the outside host sends, arrivals counted at the camera.
CLASSES = [
    (1, "egress_udp", "out", True),
    (2, "lsrr_via_recorder", "out", True),
    (3, "ssrr_via_recorder", "out", True),
    (4, "reflect_echo", "out", True),
    (5, "reflect_udp_closed", "out", True),
    (6, "reflect_tcp_syn", "out", True),
    (7, "reflect_ttl1", "out", True),
    (8, "reflect_echo6", "out", True),
    (9, "reflect_hlim1_v6", "out", True),
    (10, "frag_later_port_rule", "out", True),
    (11, "frag_later_port_rule6", "out", True),
    (12, "ports_in_padding", "out", True),
    (13, "ports_in_padding6", "out", True),
    (14, "tunnel_ipip", "out", True),
    (15, "tunnel_gre", "out", True),
    (16, "tunnel_6in4", "out", True),
    (17, "ipv6_ext_headers", "out", True),
    (18, "ipv6_rh_segleft", "out", True),
    (19, "vlan_8021q", "out", True),
    (20, "vlan_qinq", "out", True),
    (21, "src_recorder_addr", "out", True),
    (22, "frag_first_then_later", "out", True),
    (30, "in_spoof_camera_src", "in", True),
    (31, "in_spoof_recorder_src", "in", True),
    (32, "in_spoof_tcp_syn", "in", True),
    (33, "in_spoof_camera_src6", "in", True),
    (34, "in_spoof_recorder_src6", "in", True),
    (35, "in_outside_udp", "in", True),
    (36, "in_lsrr_via_recorder", "in", True),
    (37, "in_frag_later_port_rule", "in", True),
    (38, "in_ports_in_padding", "in", True),
    (39, "in_poisoned_learned_addr", "in", True),
    (50, "allowed_site_server", "in", False),
    (51, "allowed_site_server6", "in", False),
    (52, "allowed_ntp_reply", "in", False),
    (53, "allowed_ntp_request", "out", False),
]


def tag(n):
    return TAG0 + n


def marker(n):
    return b"CGPROBE%05d" % tag(n)


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def a4(s):
    return socket.inet_pton(socket.AF_INET, s)


def a6(s):
    return socket.inet_pton(socket.AF_INET6, s)


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def eth(src, dst, etype, payload, tags=()):
    h = mac(dst) + mac(src)
    for tpid, vid in tags:
        h += struct.pack("!HH", tpid, vid)
    return h + struct.pack("!H", etype) + payload


def ipv4(src, dst, proto, payload, ttl=64, ident=0, frag=0, opts=b"", totlen=None):
    opts += b"\0" * ((4 - len(opts) % 4) % 4)
    ihl = 5 + len(opts) // 4
    tl = totlen if totlen is not None else 4 * ihl + len(payload)
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, tl, ident, frag, ttl, proto, 0, a4(src), a4(dst)) + opts
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def ipv6(src, dst, nh, payload, hlim=64, flow=0, plen=None):
    pl = plen if plen is not None else len(payload)
    return struct.pack("!IHBB16s16s", (6 << 28) | flow, pl, nh, hlim, a6(src), a6(dst)) + payload


def l4sum(fam, src, dst, proto, seg):
    if fam == 4:
        ph = a4(src) + a4(dst) + struct.pack("!BBH", 0, proto, len(seg))
    else:
        ph = a6(src) + a6(dst) + struct.pack("!IxxxB", len(seg), proto)
    return csum(ph + seg)


def udp(fam, src, dst, sport, dport, data):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    c = l4sum(fam, src, dst, 17, seg) or 0xFFFF
    return seg[:6] + struct.pack("!H", c) + seg[8:]


def tcp_syn(fam, src, dst, sport, dport):
    seg = struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 5 << 4, 0x02, 8192, 0, 0)
    c = l4sum(fam, src, dst, 6, seg)
    return seg[:16] + struct.pack("!H", c) + seg[18:]


def icmp_echo(data, v6=False, src=None, dst=None):
    t = 128 if v6 else 8
    m = struct.pack("!BBHHH", t, 0, 0, 0x4347, 1) + data
    c = l4sum(6, src, dst, 58, m) if v6 else csum(m)
    return m[:2] + struct.pack("!H", c) + m[4:]


def lsrr(hops, strict=False):
    route = b"".join(a4(h) for h in hops)
    return struct.pack("!BBB", 0x89 if strict else 0x83, 3 + len(route), 4) + route + b"\x01"


# ---- probes -------------------------------------------------------------------

def probes_out(smac, dmac):
    """The frames a camera (smac) sends to the recorder's port (dmac)."""
    f = []

    def e4(p, tags=()):
        f.append(eth(smac, dmac, 0x0800, p, tags))

    def e6(p):
        f.append(eth(smac, dmac, 0x86DD, p))

    def u4(n, src, dst, dport, **kw):
        return ipv4(src, dst, 17, udp(4, src, dst, tag(n), dport, marker(n)), ident=tag(n), **kw)

    def u6(n, src, dst, dport, **kw):
        return ipv6(src, dst, 17, udp(6, src, dst, tag(n), dport, marker(n)), flow=tag(n), **kw)

    e4(u4(1, CAM4, FAR4, 9))
    e4(u4(2, CAM4, REC4, 9, opts=lsrr([OUT4])))
    e4(u4(3, CAM4, REC4, 9, opts=lsrr([OUT4], strict=True)))
    e4(ipv4(OUT4, REC4, 1, icmp_echo(marker(4)), ident=tag(4)))
    e4(ipv4(OUT4, REC4, 17, udp(4, OUT4, REC4, tag(5), 33333, marker(5)), ident=tag(5)))
    e4(ipv4(OUT4, REC4, 6, tcp_syn(4, OUT4, REC4, tag(6), 33334), ident=tag(6)))
    e4(ipv4(OUT4, FAR4, 17, udp(4, OUT4, FAR4, tag(7), 9, marker(7)), ttl=1, ident=tag(7)))
    e6(ipv6(OUT6, REC6, 58, icmp_echo(marker(8), True, OUT6, REC6), flow=tag(8)))
    e6(ipv6(OUT6, "2001:db8:f::99", 17, udp(6, OUT6, "2001:db8:f::99", tag(9), 9, marker(9)), hlim=1, flow=tag(9)))
    # (3) a lone later fragment towards the host of a port rule (udp/123)
    e4(ipv4(CAM4, NTP4, 17, marker(10) + b"\0" * 21, ident=tag(10), frag=0x2000 | 4))
    frag6 = struct.pack("!BBHI", 17, 0, (4 << 3) | 1, tag(11))
    e6(ipv6(CAM6, NTP6, 44, frag6 + marker(11) + b"\0" * 21, flow=tag(11)))
    # (4) the IP length ends before the ports; the "ports" 123/123 sit in the padding
    pad = struct.pack("!HHHH", 123, 123, 8, 0) + marker(12)
    e4(ipv4(CAM4, NTP4, 17, pad, ident=tag(12), totlen=20))
    pad6 = struct.pack("!HHHH", 123, 123, 8, 0) + marker(13)
    e6(ipv6(CAM6, NTP6, 17, pad6, flow=tag(13), plen=2))
    # tunnels
    e4(ipv4(CAM4, FAR4, 4, u4(14, CAM4, FAR4, 9), ident=tag(14)))
    e4(ipv4(CAM4, FAR4, 47, struct.pack("!HH", 0, 0x0800) + u4(15, CAM4, FAR4, 9), ident=tag(15)))
    e4(ipv4(CAM4, FAR4, 41, u6(16, CAM6, OUT6, 9), ident=tag(16)))
    # IPv6 extension headers: hop-by-hop + destination options, then UDP
    hbh = struct.pack("!BB", 60, 0) + b"\x01\x04\0\0\0\0"
    dst = struct.pack("!BB", 17, 0) + b"\x01\x04\0\0\0\0"
    e6(ipv6(CAM6, OUT6, 0, hbh + dst + udp(6, CAM6, OUT6, tag(17), 9, marker(17)), flow=tag(17)))
    # routing header type 0 with a segment left that names the outside host
    rh = struct.pack("!BBBB", 17, 2, 0, 1) + b"\0" * 4 + a6(OUT6)
    e6(ipv6(CAM6, REC6, 43, rh + udp(6, CAM6, OUT6, tag(18), 9, marker(18)), flow=tag(18)))
    e4(u4(19, CAM4, FAR4, 9), tags=((0x8100, 20),))
    e4(u4(20, CAM4, FAR4, 9), tags=((0x88A8, 100), (0x8100, 20)))
    e4(u4(21, REC4, FAR4, 9))
    # a first fragment to a closed port of the rule host, then its later part
    first = udp(4, CAM4, NTP4, tag(22), 124, marker(22) + b"\0" * 32)
    e4(ipv4(CAM4, NTP4, 17, first[:24], ident=tag(22), frag=0x2000))
    e4(ipv4(CAM4, NTP4, 17, first[24:], ident=tag(22), frag=3))
    # allowed: the ntp request the policy opens
    e4(u4(53, CAM4, NTP4, 123))
    return f


def probes_in(smac, dmac):
    """The frames the outside host sends to the recorder's uplink (dmac)."""
    f = []

    def e4(p):
        f.append(eth(smac, dmac, 0x0800, p))

    def e6(p):
        f.append(eth(smac, dmac, 0x86DD, p))

    def u4(n, src, dst, sport, dport, **kw):
        return ipv4(src, dst, 17, udp(4, src, dst, sport, dport, marker(n)), ident=tag(n), **kw)

    def u6(n, src, dst, sport, dport, **kw):
        return ipv6(src, dst, 17, udp(6, src, dst, sport, dport, marker(n)), flow=tag(n), **kw)

    e4(u4(30, CAM2_4, CAM4, tag(30), 5000))
    e4(u4(31, REC4, CAM4, tag(31), 5000))
    e4(ipv4(CAM2_4, CAM4, 6, tcp_syn(4, CAM2_4, CAM4, tag(32), 80), ident=tag(32)))
    e6(u6(33, CAM2_6, CAM6, tag(33), 5000))
    e6(u6(34, REC6, CAM6, tag(34), 5000))
    e4(u4(35, OUT4, CAM4, tag(35), 5000))
    e4(u4(36, OUT4, REC4, tag(36), 5000, opts=lsrr([CAM4])))
    e4(ipv4(NTP4, CAM4, 17, marker(37) + b"\0" * 21, ident=tag(37), frag=0x2000 | 4))
    pad = struct.pack("!HHHH", 123, 40000, 8, 0) + marker(38)
    e4(ipv4(NTP4, CAM4, 17, pad, ident=tag(38), totlen=20))
    e4(u4(39, OUT4, CAM4, tag(39), 7777))
    e4(u4(50, SITE4, CAM4, tag(50), 5000))
    e6(u6(51, SITE6, CAM6, tag(51), 5000))
    e4(u4(52, NTP4, CAM4, 123, tag(52)))
    return f


def poison(dmac):
    """(6) One frame from an invented MAC with another vendor's OUI that
    claims the camera's address."""
    p = ipv4(CAM4, REC4, 17, udp(4, CAM4, REC4, 40000, 9, b"poison"))
    return [eth(SPOOF_MAC, dmac, 0x0800, p)]


# ---- fuzz ---------------------------------------------------------------------

FUZZ_DST4 = ["198.51.100.2", "198.51.100.50", "203.0.113.10", "203.0.113.77"]
FUZZ_DST6 = ["2001:db8:f::2", "2001:db8:f::77"]


def fuzz_frames(smac, dmac, n, seed):
    r = random.Random(seed)
    rb = lambda k: bytes(r.getrandbits(8) for _ in range(k))
    out = []
    for i in range(n):
        data = b"CGFUZZ" + rb(r.randrange(0, 40))
        v6 = r.random() < 0.35
        src4 = r.choice([CAM4, CAM4, CAM4, REC4, OUT4, "0.0.0.0", "192.0.2.99"])
        src6 = r.choice([CAM6, CAM6, CAM6, REC6, OUT6, "fe80::1"])
        dport = r.choice([9, 53, 80, 123, 443, 3478, 8000, r.randrange(65536)])
        proto = r.choice([17, 17, 6, 1, 58, 47, 4, 41, 132, r.randrange(256)])
        if v6:
            dst = r.choice(FUZZ_DST6)
            if proto == 17:
                l4 = udp(6, src6, dst, r.randrange(65536), dport, data)
            elif proto == 6:
                l4 = tcp_syn(6, src6, dst, r.randrange(65536), dport) + data
            elif proto == 58:
                l4 = icmp_echo(data, True, src6, dst)
            else:
                l4 = rb(r.randrange(0, 48))
            chain, nh = b"", proto
            for _ in range(r.choice([0, 0, 1, 2, 3])):
                kind = r.choice([0, 60, 43, 44, 51])
                if kind == 44:
                    h = struct.pack("!BBHI", nh, 0, r.choice([0, 1, (r.randrange(1, 8191) << 3) | r.randrange(2)]), r.getrandbits(32))
                elif kind == 51:
                    h = struct.pack("!BB", nh, 1) + rb(6)
                elif kind == 43:
                    h = struct.pack("!BBBB", nh, 2, r.choice([0, 4]), r.randrange(3)) + b"\0" * 4 + a6(r.choice(FUZZ_DST6))
                else:
                    h = struct.pack("!BB", nh, 0) + b"\x01\x04" + rb(4)
                chain, nh = h + chain, kind
            pkt = ipv6(src6, dst, nh, chain + l4, hlim=r.choice([1, 64, 255]),
                       plen=r.choice([None, None, None, r.randrange(0, 80)]))
            etype = 0x86DD
        else:
            dst = r.choice(FUZZ_DST4)
            if proto == 17:
                l4 = udp(4, src4, dst, r.randrange(65536), dport, data)
            elif proto == 6:
                l4 = tcp_syn(4, src4, dst, r.randrange(65536), dport) + data
            elif proto == 1:
                l4 = icmp_echo(data)
            elif proto == 4:
                l4 = ipv4(src4, dst, 17, udp(4, src4, dst, 1, dport, data))
            elif proto == 47:
                l4 = struct.pack("!HH", 0, 0x0800) + ipv4(CAM4, dst, 17, udp(4, CAM4, dst, 1, dport, data))
            else:
                l4 = rb(r.randrange(0, 48))
            opts = b""
            if r.random() < 0.25:
                opts = r.choice([lsrr([dst]), lsrr([dst], True), b"\x94\x04\0\0", b"\x01\x01\x01\x00",
                                 b"\x07\x07\x04" + b"\0" * 4, rb(r.randrange(1, 12))])
                if r.random() < 0.3:
                    dst = REC4   # source route through the recorder
            frag = r.choice([0, 0, 0, 0x4000, 0x2000, 0x2000 | r.randrange(1, 8191), r.randrange(1, 8191)])
            pkt = ipv4(src4, dst, proto, l4, ttl=r.choice([1, 2, 64]), frag=frag, opts=opts,
                       totlen=r.choice([None, None, None, r.randrange(0, 90)]))
            etype = 0x0800
        tags = ()
        k = r.random()
        if k < 0.15:
            tags = ((0x8100, r.randrange(4096)),)
        elif k < 0.22:
            tags = ((r.choice([0x88A8, 0x8100]), r.randrange(4096)), (0x8100, r.randrange(4096)))
        elif k < 0.25:
            tags = ((0x8100, 1), (0x8100, 2), (0x8100, 3))
        if r.random() < 0.05:
            pkt = pkt[: r.randrange(0, len(pkt) + 1)]
        out.append(eth(smac, dmac, etype, pkt, tags))
    return out


# ---- sending and counting ------------------------------------------------------

def send(iface, frames, gap=0.0):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    for fr in frames:
        if len(fr) < 60:
            fr = fr + b"\0" * (60 - len(fr))   # Ethernet padding, as on a wire
        while True:
            try:
                s.send(fr)
                break
            except BlockingIOError:
                time.sleep(0.001)
            except OSError:
                break
        if gap:
            time.sleep(gap)


PROBE_SRC4 = {a4(x) for x in (CAM4, CAM2_4, OUT4, NTP4, SITE4)}
HOUSEKEEPING6 = {130, 131, 132, 133, 134, 135, 136, 137, 143}


def classify(fr):
    """Tags found in a received frame, and whether it is an IP frame that
    is not housekeeping (ARP, ND, MLD, IGMP)."""
    found = set()
    for n, _, _, _ in CLASSES:
        if marker(n) in fr:
            found.add(n)
    off, etype = 12, struct.unpack("!H", fr[12:14])[0]
    while etype in (0x8100, 0x88A8) and len(fr) >= off + 6:
        off += 4
        etype = struct.unpack("!H", fr[off:off + 2])[0]
    ip = fr[off + 2:]
    data = False
    if etype == 0x0800 and len(ip) >= 20:
        ihl = (ip[0] & 15) * 4
        ident, proto, src = struct.unpack("!H", ip[4:6])[0], ip[9], ip[12:16]
        # the probes' own sources; never the recorder's (its packets carry
        # identifications of their own)
        if src in PROBE_SRC4 and ident - TAG0 in [c[0] for c in CLASSES]:
            found.add(ident - TAG0)
        if proto in (6, 17) and len(ip) >= ihl + 4:
            for port in struct.unpack("!HH", ip[ihl:ihl + 4]):
                if port - TAG0 in [c[0] for c in CLASSES]:
                    found.add(port - TAG0)
        data = proto != 2
    elif etype == 0x86DD and len(ip) >= 40:
        flow = struct.unpack("!I", ip[0:4])[0] & 0xFFFFF
        if flow - TAG0 in [c[0] for c in CLASSES]:
            found.add(flow - TAG0)
        nh = ip[6]
        if nh == 17 and len(ip) >= 44:
            for port in struct.unpack("!HH", ip[40:44]):
                if port - TAG0 in [c[0] for c in CLASSES]:
                    found.add(port - TAG0)
        data = not (nh == 58 and len(ip) > 40 and ip[40] in HOUSEKEEPING6) and nh != 0
        if nh == 0 and len(ip) >= 50:   # hop-by-hop: MLD reports carry one
            data = not (ip[40] == 58 and ip[48] in HOUSEKEEPING6)
    return found, data


def sniff(iface, stopfile, outfile):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.bind((iface, 0))
    s.settimeout(0.1)
    counts, data, fuzz = {}, 0, 0
    deadline = time.time() + 300
    while not os.path.exists(stopfile) and time.time() < deadline:
        try:
            fr, addr = s.recvfrom(65535)
        except socket.timeout:
            continue
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        found, is_data = classify(fr)
        for n in found:
            counts[str(n)] = counts.get(str(n), 0) + 1
        if is_data:
            data += 1
        if b"CGFUZZ" in fr:
            fuzz += 1
    with open(outfile, "w") as f:
        json.dump({"probes": counts, "ip_frames": data, "fuzz_marked": fuzz}, f)


def main():
    cmd = sys.argv[1]
    if cmd == "sniff":
        sniff(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == "send-out":
        send(sys.argv[2], probes_out(sys.argv[3], sys.argv[4]), 0.005)
    elif cmd == "send-in":
        send(sys.argv[2], probes_in(sys.argv[3], sys.argv[4]), 0.005)
    elif cmd == "poison":
        send(sys.argv[2], poison(sys.argv[3]))
    elif cmd == "fuzz":
        send(sys.argv[2], fuzz_frames(sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6])))
    elif cmd == "classes":
        for n, name, d, denied in CLASSES:
            print(n, name, d, "denied" if denied else "allowed")
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
