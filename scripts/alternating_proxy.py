#!/usr/bin/env python3
"""A tiny HTTP/1.1 reverse proxy sending each request to the next upstream in strict round-robin order.

Usage: alternating_proxy.py PORT UPSTREAM1 UPSTREAM2 [...]   (PORT 0 picks a free port;
upstreams like http://127.0.0.1:8001)

It stands for a load balancer that knows nothing of sessions: consecutive requests, even on one
keep-alive client connection, alternate between the upstreams. The method, the request target
(path and query), the body and every request header, Host included exactly as the client sent it
(SigV4 signatures cover it), are forwarded unchanged, except the hop-by-hop headers. The
upstream's status, headers (minus hop-by-hop) and body come back unchanged. Each request opens a
new upstream connection; if it fails the client gets a 502 and nothing is retried. It prints
`proxy listening on http://127.0.0.1:PORT` once listening, and on SIGTERM or SIGINT prints
`proxy: N1 requests to UPSTREAM1, N2 requests to UPSTREAM2` to stderr and exits 0.
Python standard library only.
"""
import http.client
import http.server
import signal
import sys
import threading
import urllib.parse

HOP_BY_HOP = {"connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade"}
UPSTREAM_TIMEOUT = 300  # seconds for connecting and for each read


def is_hop_by_hop(name, listed):
    name = name.lower()
    return name in HOP_BY_HOP or name.startswith("proxy-") or name in listed


def connection_listed(headers):
    """Header names a Connection header declares hop-by-hop (RFC 9110 section 7.6.1)."""
    return {token.strip().lower() for value in headers.get_all("Connection", []) for token in value.split(",")}


class Upstreams:
    def __init__(self, urls):
        self.urls = urls
        self.addresses = []
        for url in urls:
            parts = urllib.parse.urlsplit(url)
            if parts.scheme != "http" or not parts.hostname or parts.path not in ("", "/") or parts.query:
                raise SystemExit(f"alternating_proxy: upstream {url!r} is not like http://127.0.0.1:8001")
            self.addresses.append((parts.hostname, parts.port or 80))
        self.counts = [0] * len(urls)
        self.next = 0
        self.lock = threading.Lock()

    def pick(self):
        with self.lock:
            index = self.next
            self.next = (self.next + 1) % len(self.urls)
            self.counts[index] += 1
            return index

    def summary(self):
        with self.lock:
            return ", ".join(f"{n} requests to {url}" for n, url in zip(self.counts, self.urls))


class ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body are two writes: with Nagle's algorithm the body waits for the client's delayed ACK (40 ms).
    disable_nagle_algorithm = True
    upstreams = None  # set in main

    def __getattr__(self, name):
        # Every method (do_GET, do_POST, do_PROPFIND, ...) is proxied the same way.
        if name.startswith("do_"):
            return self.proxy
        raise AttributeError(name)

    def read_body(self):
        """The request body (de-chunked), and whether the request declared one."""
        encodings = [e.strip().lower() for v in self.headers.get_all("Transfer-Encoding", []) for e in v.split(",")]
        if encodings and encodings[-1] == "chunked":
            chunks = []
            while True:
                size_line = self.rfile.readline(65537)
                size = int(size_line.split(b";", 1)[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass  # trailer fields are dropped
                    return b"".join(chunks), True
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)  # the CRLF after the chunk
        length = self.headers.get("Content-Length")
        if length is not None:
            return self.rfile.read(int(length)), True
        return b"", False

    def proxy(self):
        try:
            body, has_body = self.read_body()
        except (ValueError, OSError) as error:
            self.close_connection = True
            self.reply(400, "Bad Request", [("Content-Type", "text/plain; charset=utf-8")],
                       f"alternating_proxy: unreadable request body: {error}\n".encode())
            return
        index = self.upstreams.pick()
        host, port = self.upstreams.addresses[index]
        listed = connection_listed(self.headers)
        connection = http.client.HTTPConnection(host, port, timeout=UPSTREAM_TIMEOUT)
        try:
            connection.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            chunked = "chunked" in (self.headers.get("Transfer-Encoding") or "").lower()
            for name, value in self.headers.items():
                if not is_hop_by_hop(name, listed) and not (chunked and name.lower() == "content-length"):
                    connection.putheader(name, value)
            if chunked:  # the body was de-chunked, so it is framed by length upstream
                connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body if has_body else None)
            response = connection.getresponse()
            response_body = response.read()
            status, reason = response.status, response.reason
            response_listed = connection_listed(response.msg)
            headers = [(n, v) for n, v in response.msg.items() if not is_hop_by_hop(n, response_listed)]
        except (OSError, http.client.HTTPException) as error:
            upstream = self.upstreams.urls[index]
            sys.stderr.write(f"alternating_proxy: {self.command} {self.path} to {upstream} failed: {error!r}\n")
            self.reply(502, "Bad Gateway", [("Content-Type", "text/plain; charset=utf-8")],
                       f"alternating_proxy: upstream {upstream} failed: {error}\n".encode())
            return
        finally:
            connection.close()
        self.reply(status, reason, headers, response_body)

    def reply(self, status, reason, headers, body):
        self.send_response_only(status, reason)
        bodiless = self.command == "HEAD" or status in (204, 304) or 100 <= status < 200
        has_length = False
        for name, value in headers:
            if name.lower() == "content-length":
                if has_length:
                    continue
                has_length = True
                if not bodiless:
                    value = str(len(body))  # what http.client read; equal to the upstream's value
            self.send_header(name, value)
        if not has_length and not (status in (204, 304) or 100 <= status < 200) and self.command != "HEAD":
            self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if not bodiless:
            self.wfile.write(body)
        self.wfile.flush()

    def log_request(self, code="-", size="-"):
        pass  # one line per request would drown the test's output; errors are still logged


def main(argv):
    if len(argv) < 3 or not argv[0].isdigit():
        sys.stderr.write("usage: alternating_proxy.py PORT UPSTREAM1 UPSTREAM2 [...]\n")
        return 2
    upstreams = Upstreams(argv[1:])
    ProxyHandler.upstreams = upstreams
    # Blocked here, SIGTERM and SIGINT stay blocked in every thread started below;
    # the main thread takes them with sigwait.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", int(argv[0])), ProxyHandler)
    server.daemon_threads = True
    server.block_on_close = False  # server_close must not wait for idle keep-alive client connections
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"proxy listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    sys.stderr.write(f"proxy: {upstreams.summary()}\n")
    sys.stderr.flush()
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
