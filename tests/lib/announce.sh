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

