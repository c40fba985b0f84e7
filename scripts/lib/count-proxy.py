#!/usr/bin/env python3
"""count-proxy.py LISTEN_PORT UPSTREAM_PORT STATS_FILE

A transparent HTTP/1.1 relay on 127.0.0.1 that counts what crosses it: requests (parsed from the
request framing: headers + Content-Length or chunked body), bytes from clients and bytes to clients.
Every 100 ms and after every request it rewrites STATS_FILE as 'requests up_bytes down_bytes'.
Used by scripts/bench-remotes.sh to put every tool's traffic on the same meter.
"""
import signal, socket, sys, threading

listen_port, upstream_port, stats_file = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
lock = threading.Lock()
stats = {"requests": 0, "up": 0, "down": 0}


def save():
    with lock:
        line = f"{stats['requests']} {stats['up']} {stats['down']}\n"
    import os
    tmp = f"{stats_file}.{threading.get_ident()}.tmp"  # the saver and a SIGTERM may save at once
    with open(tmp, "w") as f:
        f.write(line)
    os.replace(tmp, stats_file)


def add(key, n):
    with lock:
        stats[key] += n


class Reader:
    def __init__(self, sock):
        self.sock, self.buf = sock, b""

    def fill(self):
        data = self.sock.recv(1 << 16)
        if not data:
            raise EOFError
        self.buf += data

    def line(self):
        while b"\r\n" not in self.buf:
            self.fill()
        i = self.buf.index(b"\r\n") + 2
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def exact(self, n):
        out = b""
        while n > 0:
            if not self.buf:
                self.fill()
            take = self.buf[:n]
            self.buf = self.buf[len(take):]
            out += take
            n -= len(take)
        return out


def pump_down(src, dst):
    try:
        while True:
            data = src.recv(1 << 16)
            if not data:
                break
            dst.sendall(data)
            add("down", len(data))
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(client):
    upstream = socket.create_connection(("127.0.0.1", upstream_port))
    threading.Thread(target=pump_down, args=(upstream, client), daemon=True).start()
    r = Reader(client)
    try:
        while True:
            head = b""
            while True:
                ln = r.line()
                head += ln
                if ln == b"\r\n":
                    break
            add("requests", 1)
            upstream.sendall(head)
            sent = len(head)
            lower = head.lower()
            if b"transfer-encoding: chunked" in lower:
                while True:
                    size_line = r.line()
                    upstream.sendall(size_line)
                    sent += len(size_line)
                    size = int(size_line.split(b";")[0].strip(), 16)
                    body = r.exact(size + 2)
                    upstream.sendall(body)
                    sent += len(body)
                    if size == 0:
                        break
            else:
                length = 0
                for h in head.split(b"\r\n"):
                    if h.lower().startswith(b"content-length:"):
                        length = int(h.split(b":", 1)[1].strip())
                left = length
                while left > 0:
                    chunk = r.exact(min(left, 1 << 20))
                    upstream.sendall(chunk)
                    left -= len(chunk)
                sent += length
            add("up", sent)
            save()
    except (EOFError, OSError, ValueError):
        pass
    finally:
        for s in (client, upstream):
            try:
                s.close()
            except OSError:
                pass


def saver():
    import time
    while True:
        time.sleep(0.1)
        try:
            save()
        except OSError:
            pass  # the folder is being removed at exit


def main():
    threading.Thread(target=saver, daemon=True).start()
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", listen_port))
    server.listen(64)
    signal.signal(signal.SIGTERM, lambda *a: (save(), sys.exit(0)))
    save()
    while True:
        c, _ = server.accept()
        threading.Thread(target=serve, args=(c,), daemon=True).start()


main()
