#!/usr/bin/env python3
# control-abuse.py SOCKET [SEED] — misbehaving clients against a live camguardd.
#
# Used by test-control.sh. Speaks the control protocol directly (one JSON
# object per line) and prints one JSON object with what it observed; the
# shell test compares the figures. Phases, in this order:
#
#   1. hold       16 half-open clients: 8 connect and never send, 8 send half
#                 a request line and stop. They keep their slots until phase 4.
#   2. malformed  10,000 requests on a few connections (a new one every 50):
#                 random bytes, truncated JSON, byte-flipped requests, wrong
#                 types, unknown commands and members, deep nesting, NUL
#                 bytes, invalid UTF-8, lines longer than 64 KiB (E2BIG, and
#                 the daemon closes the connection), with a valid `stats`
#                 every 100th request whose latency is recorded. Meanwhile
#                 3 slow clients send a valid `stats` one byte per 100 ms, one
#                 client pipelines 2,000 requests (reading in parallel) and
#                 one writes requests and never reads (until it blocks).
#   3. check      the half-open clients got no reply; the half lines are
#                 completed and answered.
#   4. flood      the held clients close; 40 clients connect at once (the
#                 daemon serves 32, the others are told EBUSY and closed).
#   5. after      one valid `stats`.
#
# Every request of phase 2 must get exactly one reply line that parses as
# JSON with an "ok" member; a malformed one must be ok:false with an error
# code. Anything else is counted in "violations" (with the first few kept in
# "examples").
import json
import os
import random
import socket
import sys
import threading
import time

SOCK = sys.argv[1]
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else 1
MAX_REQUEST = 64 * 1024
TOTAL = 10000
rnd = random.Random(SEED)

out = {
    "requests": 0, "replies": 0, "errors": 0, "ok_replies": 0, "e2big": 0,
    "valid_ok": 0, "valid_sent": 0, "valid_max_ms": 0.0,
    "violations": 0, "examples": [],
    "slow_ok": 0, "pipelined_replies": 0, "never_reads_blocked": False,
    "halfopen_silent": 0, "halfline_completed_ok": 0,
    "flood_ok": 0, "flood_busy": 0, "flood_other": 0,
    "after_ok": False,
}
lock = threading.Lock()


def violation(what):
    with lock:
        out["violations"] += 1
        # one example per kind of violation
        if len(out["examples"]) < 8 and not any(e[:40] == what[:40] for e in out["examples"]):
            out["examples"].append(what[:300])


def connect(timeout=10.0):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(SOCK)
    return s


class Conn:
    """A client with its own line buffer (replies may come in pieces)."""

    def __init__(self):
        self.s = connect()
        self.buf = b""

    def line(self):
        while b"\n" not in self.buf:
            chunk = self.s.recv(1 << 20)
            if not chunk:
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line

    def close(self):
        self.s.close()


VALID = [
    b'{"command":"stats"}',
    b'{"command":"stats","arguments":{}}',
    b'{"command":"stats","arguments":{"policy":"hikvision"}}',
    b'{"command":"stats","arguments":{"device":"44:19:b6:00:00:01"}}',
    b'{"command":"cameras"}',
    b'{"command":"blocked"}',
    b'{"command":"status","arguments":{}}',
    b'{"command":"reload","arguments":{"dry_run":true}}',
]
WRONG = [
    b'{"command":1}', b'{"command":null}', b'{"command":true}', b'{"command":[]}',
    b'{"command":{}}', b'{"command":"stats","arguments":"x"}',
    b'{"command":"stats","arguments":[]}', b'{"command":"stats","arguments":1}',
    b'{"command":"stats","arguments":{"policy":1}}',
    b'{"command":"stats","arguments":{"policy":""}}',
    b'{"command":"stats","arguments":{"policy":"' + b"p" * 300 + b'"}}',
    b'{"command":"stats","arguments":{"policy":"a\\u0001b"}}',
    b'{"command":"stats","arguments":{"device":12}}',
    b'{"command":"stats","arguments":{"device":"44:19:b6:00:00"}}',
    b'{"command":"stats","arguments":{"device":"44:19:b6:00:00:01\\u0000x"}}',
    b'{"command":"stats","arguments":{"device":"zz:19:b6:00:00:01"}}',
    b'{"command":"stats","arguments":{"bogus":1}}',
    b'{"command":"reload","arguments":{"dry_run":"yes"}}',
    b'{"command":"reload","arguments":{"dry_run":1}}',
    b'{"command":"reload","arguments":{"force":true}}',
    b'{"command":"cameras","arguments":{"x":1}}',
    b'{"command":"stats","extra":1}', b'{"arguments":{}}', b'{}', b'[]', b'"stats"', b'42',
    b'null', b'true', b'stats', b'{"command":"STATS"}', b'{"command":"stats "}',
    b'{"command":"stats"}{"command":"stats"}',
    b'{"command":"stats"} x', b'{"command":"\xff\xfe"}', b'{"command":"st\x00ats"}',
    b'{"command":"stats","arguments":{"policy":"\xc3\x28"}}', b'   ', b'\t',
    b'{"command":"stats","arguments":{"policy":"hik' + b"\\ud800" + b'"}}',
    b'{"command":1e999}', b'{"command":-0.0e-99999}', b'{"command":"stats",}',
]
UNKNOWN = [b"delete", b"shutdown", b"exec", b"", b"stats\\n", b"../../etc/passwd", b"%s%n",
           b"reload;rm", b"\\u0000"]


def malformed():
    """One request line (without '\\n') and whether it may be valid."""
    k = rnd.random()
    if k < 0.25:
        n = rnd.randint(1, 300)
        return bytes(rnd.getrandbits(8) for _ in range(n)).replace(b"\n", b" "), False
    if k < 0.45:
        v = rnd.choice(VALID)
        return v[:rnd.randint(1, len(v) - 1)], False
    if k < 0.60:
        v = bytearray(rnd.choice(VALID))
        for _ in range(rnd.randint(1, 3)):
            i = rnd.randrange(len(v))
            v[i] = rnd.choice([c for c in range(256) if c != 10])
        return bytes(v), True           # a flip may leave it valid
    if k < 0.80:
        return rnd.choice(WRONG), False
    if k < 0.90:
        return b'{"command":"' + rnd.choice(UNKNOWN) + b'"}', False
    if k < 0.95:
        d = rnd.choice([9, 10, 50, 1000, 20000])
        return b'{"command":"stats","arguments":' + b'[' * d + b']' * d + b'}', False
    # numbers, long strings and keys that stay under the limit
    return rnd.choice([
        b'{"command":"stats","arguments":{"policy":"' + b"x" * 60000 + b'"}}',
        b'{"' + b"k" * 50000 + b'":1}',
        b'{"command":' + b"9" * 5000 + b'}',
        b'{"command":"stats","arguments":{' + b','.join(b'"a%d":1' % i for i in range(3000)) + b'}}',
    ]), False


def check_reply(req, line, may_be_valid):
    try:
        r = json.loads(line)
    except Exception:
        violation("reply is not JSON: %r -> %r" % (req[:80], line[:200]))
        return None
    if not isinstance(r, dict) or "ok" not in r:
        violation("reply without ok: %r -> %r" % (req[:80], line[:200]))
        return None
    if r["ok"]:
        out["ok_replies"] += 1
        if not may_be_valid:
            violation("malformed request accepted: %r -> %r" % (req[:120], line[:200]))
    else:
        code = r.get("error", {}).get("code")
        if not code or not r["error"].get("message"):
            violation("error without code/message: %r -> %r" % (req[:80], line[:200]))
        out["errors"] += 1
    return r


def phase_malformed(stop_slow):
    conn = Conn()
    per_conn = 0
    for i in range(TOTAL):
        if per_conn >= 50:
            conn.close()
            conn, per_conn = Conn(), 0
        per_conn += 1
        out["requests"] += 1
        if i % 100 == 50:
            out["valid_sent"] += 1
            t0 = time.perf_counter()
            conn.s.sendall(b'{"command":"stats"}\n')
            line = conn.line()
            ms = (time.perf_counter() - t0) * 1000
            out["valid_max_ms"] = max(out["valid_max_ms"], round(ms, 2))
            if line is None:
                violation("connection closed on a valid stats")
                conn, per_conn = Conn(), 0
                continue
            out["replies"] += 1
            r = check_reply(b"stats", line, True)
            if r and r["ok"] and "policies" in r.get("result", {}):
                out["valid_ok"] += 1
            continue
        if i % 500 == 275:
            # A line past the limit: E2BIG, then the daemon closes.
            huge = b'{"command":"stats","arguments":{"policy":"' + b"A" * (MAX_REQUEST + rnd.randint(1, 200000))
            try:
                conn.s.sendall(huge + b'"}}\n')
            except (BrokenPipeError, ConnectionResetError):
                pass
            try:
                line = conn.line()
            except (ConnectionResetError, socket.timeout):
                line = None
            if line is None:
                violation("no E2BIG reply to a %d-byte line" % len(huge))
            else:
                out["replies"] += 1
                r = check_reply(b"huge", line, False)
                if r and not r["ok"] and r["error"].get("code") == "E2BIG":
                    out["e2big"] += 1
                else:
                    violation("huge line answered %r" % line[:200])
                try:
                    if conn.line() is not None:
                        violation("connection still open after E2BIG")
                except (ConnectionResetError, socket.timeout):
                    pass
            conn.close()
            conn, per_conn = Conn(), 0
            continue
        req, may_be_valid = malformed()
        try:
            conn.s.sendall(req + b"\n")
            line = conn.line()
        except (BrokenPipeError, ConnectionResetError, socket.timeout) as e:
            violation("%s on %r" % (type(e).__name__, req[:80]))
            conn, per_conn = Conn(), 0
            continue
        if line is None:
            violation("connection closed after %r" % req[:80])
            conn, per_conn = Conn(), 0
            continue
        out["replies"] += 1
        check_reply(req, line, may_be_valid)
    conn.close()
    stop_slow.set()


def slow_client():
    try:
        c = Conn()
        for b in b'{"command":"stats"}\n':
            c.s.sendall(bytes([b]))
            time.sleep(0.1)
        line = c.line()
        r = json.loads(line) if line else {}
        if r.get("ok"):
            with lock:
                out["slow_ok"] += 1
        else:
            violation("slow client got %r" % (line or b"")[:200])
        c.close()
    except Exception as e:
        violation("slow client: %r" % e)


def pipeliner():
    """2,000 requests written without waiting for replies (a writer thread),
    read back on the same connection: every one is answered, in order."""
    try:
        c = Conn()

        def writer():
            for _ in range(2000):
                c.s.sendall(b'{"command":"status"}\n')

        w = threading.Thread(target=writer)
        w.start()
        n = 0
        while n < 2000:
            line = c.line()
            if line is None or not json.loads(line).get("ok"):
                violation("pipelined reply %d: %r" % (n, (line or b"")[:200]))
                break
            n += 1
        w.join()
        with lock:
            out["pipelined_replies"] = n
        c.close()
    except Exception as e:
        violation("pipelining client: %r" % e)


def never_reads():
    """Writes requests and never reads: the daemon stops reading it once
    the replies fill the socket (one reply in flight), so the writer blocks;
    the others are served meanwhile (valid_max_ms)."""
    try:
        s = connect(timeout=2)
        try:
            for _ in range(100000):
                s.sendall(b'{"command":"status"}\n')
        except socket.timeout:
            with lock:
                out["never_reads_blocked"] = True
        time.sleep(1)
        s.close()
    except Exception as e:
        violation("never-reading client: %r" % e)


def main():
    # 1. hold
    silent = [connect() for _ in range(8)]
    halves = []
    for _ in range(8):
        s = connect()
        s.sendall(b'{"command":"sta')
        halves.append(s)

    # 2. malformed, with slow clients and a pipeliner alongside
    stop = threading.Event()
    threads = [threading.Thread(target=slow_client) for _ in range(3)]
    threads.append(threading.Thread(target=pipeliner))
    threads.append(threading.Thread(target=never_reads))
    for t in threads:
        t.start()
    phase_malformed(stop)
    for t in threads:
        t.join()

    # 3. the held clients: nothing was said to them; the half lines finish
    for s in silent + halves:
        s.setblocking(False)
        try:
            if s.recv(4096):
                violation("a half-open client got a reply")
                continue
        except BlockingIOError:
            pass
        out["halfopen_silent"] += 1
        s.settimeout(10)
    for s in halves:
        s.sendall(b'ts"}\n')
        buf = b""
        while not buf.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
        try:
            if json.loads(buf).get("ok"):
                out["halfline_completed_ok"] += 1
        except ValueError:
            violation("half line completed: %r" % buf[:200])
    for s in silent + halves:
        s.close()
    time.sleep(0.5)     # the daemon sees the closes and frees the slots

    # 4. 40 clients at once
    clients = [Conn() for _ in range(40)]
    for c in clients:
        try:
            c.s.sendall(b'{"command":"stats"}\n')
        except (BrokenPipeError, ConnectionResetError):
            pass
    for c in clients:
        try:
            line = c.line()
        except ConnectionResetError:
            line = None
        r = {}
        try:
            r = json.loads(line) if line else {}
        except ValueError:
            pass
        if r.get("ok"):
            out["flood_ok"] += 1
        elif r.get("error", {}).get("code") == "EBUSY":
            out["flood_busy"] += 1
        else:
            out["flood_other"] += 1
    for c in clients:
        c.close()
    time.sleep(0.5)

    # 5. after
    c = Conn()
    c.s.sendall(b'{"command":"stats"}\n')
    line = c.line()
    out["after_ok"] = bool(line and json.loads(line).get("ok"))
    c.close()
    print(json.dumps(out))


main()
