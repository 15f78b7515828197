"""Small shared pieces of the devnet's HTTP servers (stdlib only, 127.0.0.1 only)."""
import json
import os
import queue
import re
import selectors
import signal
import socket
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, HTTPServer

MAX_BODY = 16 * 1024 * 1024
# Requests handled at once. A connection holds a worker only while a request of its is read and
# answered; between requests (and before its first) it waits, with no thread, in `Server.parked`.
WORKERS = 16
# Seconds a connection may wait for its next request, and a started request for its next bytes,
# before it is closed.
IDLE_SECONDS = 15
# Connections kept waiting at most; more are closed at once (each costs a file descriptor).
MAX_PARKED = 512
CONTENT_LENGTH = re.compile(r"[0-9]{1,10}")  # ASCII digits only: str.isdigit() accepts "²"

# The devnet serves this machine only. A web page can still reach 127.0.0.1: through a
# cross-origin request (its Origin names the page) or DNS rebinding (its Host names the
# attacker's domain, resolved to 127.0.0.1). Both are refused: the Host must be a loopback
# name, and an Origin, when sent, a loopback origin.
LOOPBACK_HOST = re.compile(r"(127\.0\.0\.1|localhost|\[::1\])(:[0-9]{1,5})?", re.IGNORECASE)
LOOPBACK_ORIGIN = re.compile(r"https?://(127\.0\.0\.1|localhost|\[::1\])(:[0-9]{1,5})?", re.IGNORECASE)


_JSON_STRUCTURE = re.compile(rb'["\\\[\]{}]')


def json_nesting_exceeds(body: bytes, limit: int) -> bool:
    """True when `body`, read as JSON, opens more than `limit` arrays/objects inside each other.
    Checked before json.loads: py-evm raises the interpreter's recursion limit to 100,000, so
    json.loads on 200,000 `[` no longer stops with a RecursionError but overflows the thread's C
    stack (a segfault). Only the structural bytes are looked at (strings skipped)."""
    depth = 0
    in_string = False
    skip_before = 0  # the byte after a backslash inside a string is escaped
    for m in _JSON_STRUCTURE.finditer(body):
        i = m.start()
        if i < skip_before:
            continue
        c = body[i]
        if in_string:
            if c == 0x5C:  # backslash
                skip_before = i + 2
            elif c == 0x22:
                in_string = False
        elif c == 0x22:
            in_string = True
        elif c in (0x5B, 0x7B):
            depth += 1
            if depth > limit:
                return True
        elif c in (0x5D, 0x7D):
            depth -= 1
    return False


def allowed_host(host) -> bool:
    return host is None or bool(LOOPBACK_HOST.fullmatch(host.strip()))


def allowed_origin(origin) -> bool:
    return origin is None or bool(LOOPBACK_ORIGIN.fullmatch(origin.strip()))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ogpu-devnet"
    # Headers and body leave in two writes; with Nagle on, the body waits for the client's delayed
    # ACK of the headers (~40 ms on Linux) on every request of a kept-alive connection after the
    # first — a stall no real node has, which made every small JSON-RPC call cost ~40 ms.
    disable_nagle_algorithm = True

    timeout = IDLE_SECONDS
    # A request line that cannot be parsed is answered with a status line and headers too (the
    # default, HTTP/0.9, would send a bare body).
    default_request_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # access log off: the logs hold service events only
        pass

    def handle(self):
        # One request, then the connection goes back to the server to wait for its next one
        # without holding this worker (a kept-alive client's idle connection costs no thread).
        self.parked = False
        self.handle_one_request()
        while not self.close_connection:
            if not self._request_buffered():
                self.parked = self.server.park(self.connection, self.client_address)
                return
            self.handle_one_request()

    def _request_buffered(self) -> bool:
        """Whether bytes of a next request are already here (read with the last one); never waits."""
        self.connection.setblocking(False)
        try:
            return bool(self.rfile.peek(1))
        except OSError:
            return False
        finally:
            self.connection.settimeout(self.timeout)

    def parse_request(self):
        if not super().parse_request():
            return False
        if not allowed_host(self.headers.get("Host")):
            self.reject(403, "Host must be 127.0.0.1, localhost or [::1] (DNS rebinding refused)")
            return False
        if not allowed_origin(self.headers.get("Origin")):
            self.reject(403, "cross-origin requests are refused (the devnet serves this machine only)")
            return False
        return True

    def reject(self, status: int, message: str):
        """Answers a request that is refused before it is read, and closes the connection.
        JSON (`{"error": message}`); the chain service answers a JSON-RPC error object instead."""
        self.close_connection = True
        self.send_json(status, {"error": message})

    def send_error(self, code, message=None, explain=None):
        # http.server's own errors (bad request line, headers too long, unknown method) as JSON,
        # never its HTML page.
        self.close_connection = True
        if code >= 500:  # an unknown method (501) or HTTP version (505) is the client's error
            code = 405 if code == 501 else 400
        try:
            self.reject(code, message or self.responses.get(code, ("error",))[0])
        except OSError:
            pass

    def send_body(self, status: int, body: bytes, content_type="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, status: int, obj):
        self.send_body(status, json.dumps(obj).encode())

    def read_body(self):
        """Returns the request body, or None after answering 411/413 itself."""
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding") is not None:
            self.reject(411, "chunked bodies are not accepted; send Content-Length")
            return None
        if length is None or not CONTENT_LENGTH.fullmatch(length.strip()):
            self.reject(411, "Content-Length required (ASCII digits)")
            return None
        n = int(length)
        if n > MAX_BODY:
            self.reject(413, f"body larger than {MAX_BODY} bytes")
            return None
        body = self.rfile.read(n)
        if len(body) < n:
            self.close_connection = True
            return None  # the client hung up or went quiet mid-body: nobody to answer
        return body


class Server(HTTPServer):
    """Serves requests on a fixed pool of WORKERS daemon threads, never a thread per connection.
    Every connection waits in `parked` (one selector thread watches them all) until it has bytes
    to read, then goes to a worker for one request and comes back; a connection idle for
    IDLE_SECONDS is closed. So idle clients, kept-alive or fresh, hold no worker; a client that
    starts a request and stalls holds one for at most IDLE_SECONDS."""

    request_queue_size = 128  # the listen backlog

    def __init__(self, address, handler_cls):
        super().__init__(address, handler_cls)
        self.jobs = queue.SimpleQueue()
        self.parked = {}  # socket -> (client address, when it was parked)
        self.arrivals = queue.SimpleQueue()  # sockets to park, handed to the selector thread
        self.selector = selectors.DefaultSelector()
        self.wake_read, self.wake_write = socket.socketpair()
        self.wake_read.setblocking(False)
        self.selector.register(self.wake_read, selectors.EVENT_READ)
        threading.Thread(target=self._watch_parked, name="devnet-http-parked", daemon=True).start()
        for i in range(WORKERS):
            threading.Thread(target=self._worker, name=f"devnet-http-{i}", daemon=True).start()

    def process_request(self, request, client_address):
        if not self.park(request, client_address):
            self.shutdown_request(request)

    def park(self, sock, client_address) -> bool:
        """Hands a connection to the selector thread to wait for its next request."""
        if len(self.parked) + self.arrivals.qsize() >= MAX_PARKED:
            return False
        self.arrivals.put((sock, client_address))
        try:
            self.wake_write.send(b"\0")
        except OSError:
            pass
        return True

    def _watch_parked(self):
        while True:
            try:
                self._watch_once()
            except Exception:  # this thread must not die: every connection passes through it
                traceback.print_exc()
                time.sleep(0.1)

    def _watch_once(self):
        """Dispatches connections with bytes to read, parks new arrivals, closes idle ones."""
        for key, _ in self.selector.select(timeout=1.0):
            if key.fileobj is self.wake_read:
                try:
                    self.wake_read.recv(4096)
                except OSError:
                    pass
                continue
            sock = key.fileobj
            self.selector.unregister(sock)
            client_address, _ = self.parked.pop(sock)
            self.jobs.put((sock, client_address))
        while True:
            try:
                sock, client_address = self.arrivals.get_nowait()
            except queue.Empty:
                break
            try:
                self.selector.register(sock, selectors.EVENT_READ)
                self.parked[sock] = (client_address, time.monotonic())
            except (OSError, ValueError):  # closed meanwhile
                self.shutdown_request(sock)
        deadline = time.monotonic() - IDLE_SECONDS
        for sock, (_, since) in list(self.parked.items()):
            if since < deadline:
                self.selector.unregister(sock)
                del self.parked[sock]
                self.shutdown_request(sock)

    def _worker(self):
        while True:
            request, client_address = self.jobs.get()
            parked = False
            try:
                handler = self.RequestHandlerClass(request, client_address, self)
                parked = getattr(handler, "parked", False)
            except Exception:
                self.handle_error(request, client_address)
            finally:
                if not parked:
                    self.shutdown_request(request)

    def handle_error(self, request, client_address):
        # A client hanging up or going quiet is its business, not a server fault worth a traceback.
        if isinstance(sys.exc_info()[1], OSError):  # ConnectionError, TimeoutError included
            return
        super().handle_error(request, client_address)


def serve(handler_cls, port: int, name: str):
    server = Server(("127.0.0.1", port), handler_cls)

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    def watch_parent():
        from .config import parent_alive
        while parent_alive():
            time.sleep(1)
        print(f"{name}: parent process ended; stopping", file=sys.stderr, flush=True)
        stop()

    threading.Thread(target=watch_parent, daemon=True).start()
    print(f"{name}: listening on http://127.0.0.1:{port}", file=sys.stderr, flush=True)
    server.serve_forever(poll_interval=0.2)
    server.server_close()
    print(f"{name}: stopped", file=sys.stderr, flush=True)


def write_atomic(path: str, text: str):
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)
