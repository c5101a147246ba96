#!/usr/bin/env python3
"""tools/e2e/gen.py — inputs of tools/bench-e2e for one device count.

  gen.py policy DIR N CAMERA_MAC PASS_PORT IPERF_PORT
      DIR/bench.conf: one isolate policy listing N devices (CAMERA_MAC first)
      by exact MAC, allowing the enclave, udp/PASS_PORT and tcp/IPERF_PORT to
      203.0.113.10; DIR/unknown.conf: the default policy.
  gen.py nft FILE N CAMERA_MAC PASS_PORT IPERF_PORT HOOK
      The same isolation as an administrator would write it by hand in
      nftables: a set of the N camera MACs, sets of the enclave prefixes, the
      same allow rules; HOOK "ingress" (table netdev, ingress and egress
      chains on cam0) or "forward" (table inet, forward chain).

Devices are 44:19:b6:XX:XX:XX (Hikvision MA-L, universally administered),
numbered from CAMERA_MAC's last three bytes; documentation prefixes only.
"""
import sys

ENCLAVE4 = "192.0.2.0/24"
ENCLAVE6 = "2001:db8:c::/64"
OUTSIDE = "203.0.113.10"


def macs(n, first):
    b = [int(x, 16) for x in first.split(":")]
    base = (b[3] << 16) | (b[4] << 8) | b[5]
    prefix = ":".join("%02x" % x for x in b[:3])
    for i in range(n):
        v = (base + i) & 0xFFFFFF
        yield "%s:%02x:%02x:%02x" % (prefix, v >> 16, (v >> 8) & 0xFF, v & 0xFF)


def policy(d, n, cam, pport, iport):
    with open(d + "/bench.conf", "w") as f:
        f.write('name = "bench";\naction = "isolate";\nmatch = {\n  devices = (\n')
        f.write(",\n".join('    { mac = "%s"; }' % m for m in macs(n, cam)))
        f.write("\n  );\n};\n")
        f.write('allow = ( { to = "enclave"; },\n')
        f.write('          { to = "%s/32"; proto = "udp"; ports = "%d"; },\n' % (OUTSIDE, pport))
        f.write('          { to = "%s/32"; proto = "tcp"; ports = "%d"; } );\n' % (OUTSIDE, iport))
    with open(d + "/unknown.conf", "w") as f:
        f.write('name = "unknown";\naction = "isolate";\nallow = ( { to = "enclave"; } );\n')


def nft(path, n, cam, pport, iport, hook):
    elems = ",\n\t\t\t".join(
        ", ".join(chunk) for chunk in _chunks(list(macs(n, cam)), 8))
    out = []
    w = out.append
    if hook == "ingress":
        w("table netdev cameras {")
    else:
        w("table inet cameras {")
    w("\tset cams {\n\t\ttype ether_addr\n\t\telements = {\n\t\t\t%s\n\t\t}\n\t}" % elems)
    w("\tset enclave4 {\n\t\ttype ipv4_addr\n\t\tflags interval\n\t\telements = { %s }\n\t}" % ENCLAVE4)
    w("\tset enclave6 {\n\t\ttype ipv6_addr\n\t\tflags interval\n\t\telements = { %s }\n\t}" % ENCLAVE6)
    # camera -> anywhere
    w("\tchain from_camera {")
    if hook == "ingress":
        w("\t\tether type arp accept")
        w("\t\ticmpv6 type { nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert } accept")
    w("\t\tip daddr @enclave4 accept")
    w("\t\tip6 daddr @enclave6 accept")
    w("\t\tip daddr %s udp dport %d accept" % (OUTSIDE, pport))
    w("\t\tip daddr %s tcp dport %d accept" % (OUTSIDE, iport))
    w("\t\tdrop")
    w("\t}")
    # anywhere -> camera (stateless, like camguard's rules)
    w("\tchain to_camera {")
    if hook == "ingress":
        w("\t\tether type arp accept")
        w("\t\ticmpv6 type { nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert } accept")
    w("\t\tip saddr @enclave4 accept")
    w("\t\tip6 saddr @enclave6 accept")
    w("\t\tip saddr %s udp sport %d accept" % (OUTSIDE, pport))
    w("\t\tip saddr %s tcp sport %d accept" % (OUTSIDE, iport))
    w("\t\tdrop")
    w("\t}")
    if hook == "ingress":
        w('\tchain in {\n\t\ttype filter hook ingress device "cam0" priority 0; policy accept;')
        w("\t\tether saddr @cams jump from_camera")
        w("\t}")
        w('\tchain out {\n\t\ttype filter hook egress device "cam0" priority 0; policy accept;')
        w("\t\tether daddr @cams jump to_camera")
        w("\t}")
    else:
        w("\tchain forward {\n\t\ttype filter hook forward priority 0; policy accept;")
        w('\t\tiifname "cam0" ether saddr @cams jump from_camera')
        w('\t\toifname "cam0" jump to_camera')
        w("\t}")
    w("}")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def _chunks(lst, k):
    for i in range(0, len(lst), k):
        yield lst[i:i + k]


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "policy":
        policy(sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
    elif what == "nft":
        nft(sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6]), sys.argv[7])
    else:
        sys.exit("usage: gen.py policy|nft ...")
