# shellcheck shell=bash
# tests/lib/announce.sh — what cameras announce on the link, sent from a camera
# namespace (needs tests/lib/topology.sh): Hikvision SADP, Dahua DHIP, ONVIF
# WS-Discovery Hello, a DHCP request, SSDP NOTIFY. Used by the inventory test
# and tools/demo.

send_sadp() {   # NS MAC MODEL FIRMWARE SERIAL
	cg_exec "$1" python3 - "$2" "$3" "$4" "$5" <<'PY'
import socket, sys
mac, model, fw, sn = sys.argv[1:5]
x = ('<?xml version="1.0" encoding="utf-8"?><ProbeMatch><Uuid>8C3F1A2B-0000-4000-8000-000000000001</Uuid>'
     '<Types>inquiry</Types><DeviceType>139913</DeviceType><DeviceDescription>%s</DeviceDescription>'
     '<DeviceSN>%s</DeviceSN><CommandPort>8000</CommandPort><HttpPort>80</HttpPort><MAC>%s</MAC>'
     '<IPv4Address>192.0.2.11</IPv4Address><SoftwareVersion>%s</SoftwareVersion>'
     '<DSPVersion>V7.3 build 190909</DSPVersion><Activated>true</Activated></ProbeMatch>'
     % (model, sn, mac.replace(':', '-'), fw))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(x.encode(), ('239.255.255.250', 37020))
PY
}

send_dhip() {   # NS MAC MODEL FIRMWARE SERIAL
	cg_exec "$1" python3 - "$2" "$3" "$4" "$5" <<'PY'
import json, socket, struct, sys
mac, model, fw, sn = sys.argv[1:5]
body = json.dumps({"mac": mac, "method": "client.notifyDevInfo", "params": {"deviceInfo": {
    "DeviceClass": "IPC", "DeviceType": model, "HttpPort": 80, "Mac": mac,
    "MachineName": "gate-cam", "Port": 37777, "SerialNo": sn, "Vendor": "General",
    "Version": fw}}}).encode()
hdr = b'\x20\x00\x00\x00DHIP' + struct.pack('<IIIIII', 0, 0, len(body), 0, len(body), 0)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(hdr + body, ('239.255.255.251', 37810))
PY
}

send_hello() {  # NS SCOPES XADDR
	cg_exec "$1" python3 - "$2" "$3" <<'PY'
import socket, sys
scopes, xaddr = sys.argv[1:3]
x = ('<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope '
     'xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" '
     'xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
     'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" '
     'xmlns:dn="http://www.onvif.org/ver10/network/wsdl"><SOAP-ENV:Header>'
     '<wsa:MessageID>urn:uuid:0f7a1c2e-0000-4000-8000-000000000001</wsa:MessageID>'
     '<wsa:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</wsa:To>'
     '<wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Hello</wsa:Action>'
     '</SOAP-ENV:Header><SOAP-ENV:Body><d:Hello><wsa:EndpointReference><wsa:Address>'
     'urn:uuid:0f7a1c2e-0000-4000-8000-000000000001</wsa:Address></wsa:EndpointReference>'
     '<d:Types>dn:NetworkVideoTransmitter</d:Types><d:Scopes>%s</d:Scopes>'
     '<d:XAddrs>%s</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion></d:Hello>'
     '</SOAP-ENV:Body></SOAP-ENV:Envelope>' % (scopes, xaddr))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(x.encode(), ('239.255.255.250', 3702))
PY
}

# A DHCPREQUEST as a client without an address sends it: 0.0.0.0:68 ->
# 255.255.255.255:67, built whole and sent on a packet socket.
send_dhcp() {   # NS MAC HOSTNAME VENDOR_CLASS
	cg_exec "$1" python3 - "$2" "$3" "$4" <<'PY'
import socket, struct, sys
mac, host, vc = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
hw = bytes.fromhex(mac.replace(':', ''))
bootp = struct.pack('!BBBBIHH4s4s4s4s16s64s128s', 1, 1, 6, 0, 0x1234abcd, 0, 0x8000,
                    bytes(4), bytes(4), bytes(4), bytes(4), hw + bytes(10), bytes(64), bytes(128))
opts = (b'\x63\x82\x53\x63' + bytes([53, 1, 3]) + bytes([50, 4, 192, 0, 2, 12]) +
        bytes([12, len(host)]) + host + bytes([60, len(vc)]) + vc + bytes([55, 3, 1, 3, 6, 255]))
payload = bootp + opts
udp = struct.pack('!HHHH', 68, 67, 8 + len(payload), 0) + payload
def csum(b):
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, bytes(4), b'\xff' * 4)
ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
eth = b'\xff' * 6 + hw + b'\x08\x00'
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(('eth0', 0))
s.send(eth + ip + udp)
PY
}

send_ssdp() {   # NS SERVER LOCATION
	cg_exec "$1" python3 - "$2" "$3" <<'PY'
import socket, sys
server, loc = sys.argv[1:3]
m = ('NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=1800\r\n'
     'LOCATION: %s\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\nSERVER: %s\r\n'
     'USN: uuid:ab12cd34-0000-1000-8000-000000000002::upnp:rootdevice\r\n\r\n' % (loc, server))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(m.encode(), ('239.255.255.250', 1900))
PY
}


# ---- announcements of real size and layout (issue 14) ----------------------------
# Written the way cameras write them: BOMs, standalone declarations, CRLF,
# tabs, their own namespace prefixes, line breaks inside Scopes, padding
# elements that push the interesting values past byte 1,024. Larger than a
# 1500-byte MTU where the test says so: the camera's kernel fragments them.

# send_real NS KIND DST PORT SPORT MODEL FIRMWARE [PAD]: KIND is sadp, wsd (a
# ProbeMatch), hello (a WS-Discovery Hello) or ssdp-reply; DST may be IPv6
# (link-local multicast goes out eth0). PAD bytes of filler before the values.
send_real() {
	cg_exec "$1" python3 - "${@:2}" <<'PY'
import socket, sys
kind, dst, port, sport, model, fw = sys.argv[1:7]
port, sport = int(port), int(sport)
pad = int(sys.argv[7]) if len(sys.argv) > 7 else 0
filler = ''.join('\t<Reserved%d>%s</Reserved%d>\r\n' % (i, 'x' * 60, i) for i in range(pad // 80))
if kind == 'sadp':
    m = ('\ufeff<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<ProbeMatch>\r\n'
         '\t<Uuid>8C3F1A2B-0000-4000-8000-00000000000A</Uuid>\r\n\t<Types>inquiry</Types>\r\n'
         '\t<DeviceType>139913</DeviceType>\r\n' + filler +
         '\t<DeviceDescription>%s</DeviceDescription>\r\n'
         '\t<DeviceSN>%s20230101AAWRK12345678</DeviceSN>\r\n\t<CommandPort>8000</CommandPort>\r\n'
         '\t<HttpPort>80</HttpPort>\r\n\t<MAC>44-19-b6-00-00-01</MAC>\r\n'
         '\t<IPv4Address>192.0.2.11</IPv4Address>\r\n\t<IPv4SubnetMask>255.255.255.0</IPv4SubnetMask>\r\n'
         '\t<IPv4Gateway>192.0.2.1</IPv4Gateway>\r\n\t<IPv6Address>::</IPv6Address>\r\n'
         '\t<SoftwareVersion>%s</SoftwareVersion>\r\n\t<DSPVersion>V7.3 build 230207</DSPVersion>\r\n'
         '\t<BootTime>2026-11-30 04:00:00</BootTime>\r\n\t<Activated>true</Activated>\r\n'
         '\t<PasswordResetAbility>true</PasswordResetAbility>\r\n</ProbeMatch>\r\n') % (model, model, fw)
elif kind in ('wsd', 'hello'):
    body = 'ProbeMatches' if kind == 'wsd' else 'Hello'
    inner = ('<wsdd:ProbeMatch>' if kind == 'wsd' else '')
    inner_end = ('</wsdd:ProbeMatch>' if kind == 'wsd' else '')
    m = ('\ufeff<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
         '<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"\r\n'
         '\txmlns:wsadis="http://schemas.xmlsoap.org/ws/2004/08/addressing"\r\n'
         '\txmlns:wsdd="http://schemas.xmlsoap.org/ws/2005/04/discovery"\r\n'
         '\txmlns:tdn="http://www.onvif.org/ver10/network/wsdl">\r\n<env:Header>\r\n'
         '\t<wsadis:MessageID>urn:uuid:1419d68a-1dd2-11b2-a105-0000000000%02d</wsadis:MessageID>\r\n'
         '\t<wsadis:RelatesTo>urn:uuid:0a6dc791-2be6-4991-9af1-454778a1917a</wsadis:RelatesTo>\r\n'
         '\t<wsadis:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/%s</wsadis:Action>\r\n'
         '</env:Header>\r\n<env:Body>\r\n<wsdd:%s>%s\r\n' + filler +
         '\t<wsadis:EndpointReference><wsadis:Address>urn:uuid:1419d68a-1dd2-11b2-a105-0000000000%02d'
         '</wsadis:Address></wsadis:EndpointReference>\r\n'
         '\t<wsdd:Types>tdn:NetworkVideoTransmitter</wsdd:Types>\r\n'
         '\t<wsdd:Scopes>\r\n\t\tonvif://www.onvif.org/type/video_encoder\r\n'
         '\t\tonvif://www.onvif.org/Profile/Streaming    onvif://www.onvif.org/Profile/T\r\n'
         '\t\tonvif://www.onvif.org/hardware/%s\r\n\t\tonvif://www.onvif.org/name/%s\r\n'
         '\t\tonvif://www.onvif.org/firmware/%s\r\n'
         '\t\tonvif://www.onvif.org/location/country/china\r\n\t</wsdd:Scopes>\r\n'
         '\t<wsdd:XAddrs>http://192.0.2.99/onvif/device_service</wsdd:XAddrs>\r\n'
         '\t<wsdd:MetadataVersion>10</wsdd:MetadataVersion>\r\n%s</wsdd:%s>\r\n'
         '</env:Body>\r\n</env:Envelope>\r\n') % (sport % 100, body, body, inner, sport % 100,
                                                  model.replace(' ', '%20'),
                                                  model.split(' ')[0].replace(' ', '%20'),
                                                  fw, inner_end, body)
elif kind == 'ssdp-reply':
    m = ('HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\n'
         'LOCATION: http://192.0.2.99:49152/rootDesc.xml\r\n'
         'SERVER: Linux/4.9, UPnP/1.0, %s/%s\r\nST: upnp:rootdevice\r\n'
         'USN: uuid:ab12cd34-0000-1000-8000-000000000009::upnp:rootdevice\r\n\r\n') % (model, fw)
data = m.encode('utf-8')
fam = socket.AF_INET6 if ':' in dst else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('::' if fam == socket.AF_INET6 else '0.0.0.0', sport))
addr = (dst, port, 0, socket.if_nametoindex('eth0')) if fam == socket.AF_INET6 else (dst, port)
s.sendto(data, addr)
print(len(data))
PY
}

# send_frags NS SRC_MAC SRC_IP DST_IP ID SPEC...: IPv4 fragments written by
# hand on a packet socket (what a kernel never sends: overlaps, trains,
# orphans, another device's addresses). SPEC is OFFSET:LEN:MF[:HEX] with
# OFFSET in bytes (a multiple of 8); the data is HEX repeated, or for
# offset 0 a UDP header from 37020 to 37020 whose length says 2960, then a
# SADP reply naming model EVIL-MODEL.
send_frags() {
	cg_exec "$1" python3 - "${@:2}" <<'PY'
import socket, struct, sys
mac, src, dst, ident = sys.argv[1:5]
ident = int(ident)
def csum(b):
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
sock.bind(('eth0', 0))
head = (b'<?xml version="1.0"?><ProbeMatch><DeviceDescription>EVIL-MODEL</DeviceDescription>'
        b'<SoftwareVersion>V6.6.6</SoftwareVersion>')
for spec in sys.argv[5:]:
    parts = spec.split(':')
    off, ln, mf = int(parts[0]), int(parts[1]), int(parts[2])
    if off == 0 and len(parts) < 4:
        data = struct.pack('!HHHH', 37020, 37020, 2960, 0) + head
        data = (data + b' ' * ln)[:ln]
    else:
        fill = bytes.fromhex(parts[3]) if len(parts) > 3 else b'</ProbeMatch>  '
        data = (fill * (ln // len(fill) + 1))[:ln]
    fo = (off // 8) | (0x2000 if mf else 0)
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + ln, ident, fo, 64, 17, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    d = socket.inet_aton(dst)
    eth = bytes([1, 0, 0x5e, d[1] & 0x7f, d[2], d[3]]) + bytes.fromhex(mac.replace(':', '')) + b'\x08\x00'
    sock.send(eth + ip + data)
PY
}
