#!/usr/bin/env python3
"""Memory an instant server lets hostile clients take, whether it comes back, and what the
other clients' latency is meanwhile.

Usage: bench/server/hostile.py SERVER [SCENARIO...]
  SERVER    path to the `instant` executable or instant.dll (run with `dotnet`)
  SCENARIO  any of: pingflood bigbroadcast partial static who (default: all)

Each scenario starts a fresh server on 127.0.0.1 (a free port), records its resident set
(VmRSS) before, at the peak (VmHWM) and a few seconds after the clients have gone, and
prints one line per scenario. Meanwhile two well-behaved participants post every 50 ms and
time each `response` from when the post was due (so a stall counts in every post it holds
up); the line ends with their 99th percentile. Clients are raw sockets with hand-made frames
(mask key 0, so payloads need no masking work here).

  pingflood     one client sends 125-byte WebSocket pings for 15 s and never reads
  bigbroadcast  400 clients that never read; one 3.9 MB broadcast into their room
  partial       200 clients each send all but the last byte of a 4 MB message and wait
  static        10 concurrent GETs of a 200 MB file under --webroot
  who           2,000 members in a room that never read; three of them send 10,000 `who`
                each in one burst (the posting participants are in that room)
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

KEY = "dGhlIHNhbXBsZSBub25jZQ=="


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def start(server, port, webroot):
    cmd = ["dotnet", server] if server.endswith(".dll") else [server]
    cmd += ["-h", "127.0.0.1", "--http-log", "/dev/null", "--debug-log", "/dev/null", "-r", webroot, str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("server did not start")


def frame(opcode, payload, fin=True):
    n = len(payload)
    head = bytes([(0x80 if fin else 0) | opcode])
    if n < 126:
        head += bytes([0x80 | n])
    elif n < 65536:
        head += bytes([0x80 | 126]) + n.to_bytes(2, "big")
    else:
        head += bytes([0x80 | 127]) + n.to_bytes(8, "big")
    return head + b"\0\0\0\0" + payload  # mask key 0: the payload goes as is


def connect(port, path, rcvbuf=None):
    s = socket.socket()
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.connect(("127.0.0.1", port))
    s.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        head += s.recv(1)
    assert head.startswith(b"HTTP/1.1 101"), head[:40]
    return s


def pingflood(port, _webroot):
    s = connect(port, "/api/ws", rcvbuf=4096)
    batch = frame(0x9, b"p" * 125) * 512
    end = time.time() + 15
    try:
        while time.time() < end:
            s.sendall(batch)
    except OSError:
        pass  # closed by the server: what a fixed server does
    return [s]


def bigbroadcast(port, _webroot):
    readers = [connect(port, "/room/big/ws", rcvbuf=4096) for _ in range(400)]
    sender = connect(port, "/room/big/ws")
    text = b'{"type":"broadcast","seq":1,"data":"' + b"b" * (3_900_000) + b'"}'
    sender.sendall(frame(0x1, text))
    time.sleep(5)
    return readers + [sender]


def partial(port, _webroot):
    clients = []
    body = b'{"type":"broadcast","data":"' + b"q" * (4 * 1024 * 1024 - 32)
    for _ in range(200):
        c = connect(port, "/api/ws")
        try:
            c.sendall(frame(0x1, body, fin=False))
        except OSError:
            pass  # refused over the budget
        clients.append(c)
    time.sleep(3)
    return clients


def static(port, webroot):
    def get():
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"GET /static/big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        time.sleep(0.2)
        while s.recv(1 << 20):
            time.sleep(0.001)  # a slowish reader
        s.close()

    threads = [threading.Thread(target=get) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return []


def who(port, _webroot):
    crowd = [connect(port, "/room/crowd/ws") for _ in range(2000)]
    askers = [connect(port, "/room/crowd/ws") for _ in range(3)]
    burst = b"".join(frame(0x1, b'{"type":"who","seq":%d}' % i) for i in range(10_000))
    drains = [threading.Thread(target=drain, args=(a,), daemon=True) for a in askers]
    for t in drains:
        t.start()
    for a in askers:
        a.sendall(burst)
    time.sleep(10)
    return crowd + askers


def drain(s):
    try:
        while s.recv(1 << 16):
            pass
    except OSError:
        pass


def read_frame(s, buffer):
    """One server frame's payload from s (unmasked), with buffer holding bytes read ahead; None at the end."""
    def need(n):
        while len(buffer) < n:
            chunk = s.recv(1 << 16)
            if not chunk:
                raise EOFError
            buffer.extend(chunk)
    try:
        need(2)
        n, at = buffer[1] & 0x7F, 2
        if n == 126:
            need(4)
            n, at = int.from_bytes(buffer[2:4], "big"), 4
        elif n == 127:
            need(10)
            n, at = int.from_bytes(buffer[2:10], "big"), 10
        need(at + n)
        payload = bytes(buffer[at:at + n])
        del buffer[:at + n]
        return payload
    except (EOFError, OSError):
        return None


class Posters:
    """Participants that post every 50 ms, open loop, and time each response from when it was due."""

    def __init__(self, port, room, count=2):
        self.latencies, self.pending, self.lock = [], {}, threading.Lock()
        self.running = True
        self.sockets = [connect(port, f"/room/{room}/ws") for _ in range(count)]
        self.threads = []
        for i, s in enumerate(self.sockets):
            self.threads += [threading.Thread(target=self.post, args=(i, s), daemon=True),
                             threading.Thread(target=self.read, args=(i, s), daemon=True)]
        for t in self.threads:
            t.start()

    def reset(self):
        with self.lock:
            self.latencies.clear()

    def post(self, i, s):
        seq = 0
        while self.running:
            seq += 1
            with self.lock:
                self.pending[(i, seq)] = time.monotonic()
            try:
                s.sendall(frame(0x1, b'{"type":"broadcast","seq":%d,"data":{"probe":%d}}' % (seq, seq)))
            except OSError:
                return
            time.sleep(0.05)

    def read(self, i, s):
        buffer = bytearray()
        while self.running:
            payload = read_frame(s, buffer)
            if payload is None:
                return
            if b'"type":"response"' not in payload:
                continue
            seq = json.loads(payload).get("seq")
            with self.lock:
                sent = self.pending.pop((i, seq), None)
                if sent is not None:
                    self.latencies.append(time.monotonic() - sent)

    def p99_ms(self):
        """The 99th percentile since the last reset; posts not yet answered count as they stand."""
        now = time.monotonic()
        with self.lock:
            values = sorted(self.latencies + [now - t for t in self.pending.values()])
        return values[max(0, -(-len(values) * 99 // 100) - 1)] * 1000 if values else float("nan")

    def close(self):
        self.running = False
        for s in self.sockets:
            s.close()


SCENARIOS = {"pingflood": pingflood, "bigbroadcast": bigbroadcast, "partial": partial, "static": static, "who": who}


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    server = sys.argv[1]
    names = sys.argv[2:] or list(SCENARIOS)
    with tempfile.TemporaryDirectory() as webroot:
        os.makedirs(f"{webroot}/static")
        with open(f"{webroot}/static/big.bin", "wb") as f:
            f.truncate(200 * 1024 * 1024)
        for name in names:
            port = free_port()
            proc = start(server, port, webroot)
            try:
                posters = Posters(port, "crowd" if name == "who" else "calm")
                time.sleep(2)
                before = rss_kb(proc.pid)
                posters.reset()
                sockets = SCENARIOS[name](port, webroot)
                during = rss_kb(proc.pid)
                p99 = posters.p99_ms()
                posters.close()
                for s in sockets:
                    s.close()
                time.sleep(5)
                after = rss_kb(proc.pid)
                peak = rss_kb(proc.pid, "VmHWM")
                print(f"{name:13s} before {before / 1024:7.0f} MB  end of load {during / 1024:7.0f} MB  "
                      f"peak {peak / 1024:7.0f} MB  5 s after the clients left {after / 1024:7.0f} MB  "
                      f"others' p99 {p99:6.0f} ms", flush=True)
            finally:
                proc.terminate()
                proc.wait(timeout=15)


if __name__ == "__main__":
    main()
