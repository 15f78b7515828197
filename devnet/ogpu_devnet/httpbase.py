"""Small shared pieces of the devnet's HTTP servers (stdlib only, 127.0.0.1 only)."""
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 16 * 1024 * 1024


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ogpu-devnet"
    # Headers and body leave in two writes; with Nagle on, the body waits for the client's delayed
    # ACK of the headers (~40 ms on Linux) on every request of a kept-alive connection after the
    # first — a stall no real node has, which made every small JSON-RPC call cost ~40 ms.
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):  # access log off: the logs hold service events only
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
        if length is None or not length.isdigit():
            self.send_json(411, {"error": "Content-Length required"})
            return None
        n = int(length)
        if n > MAX_BODY:
            self.send_json(413, {"error": f"body larger than {MAX_BODY} bytes"})
            self.close_connection = True
            return None
        return self.rfile.read(n)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client hanging up mid-answer is its business, not a server fault worth a traceback.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def serve(handler_cls, port: int, name: str):
    server = Server(("127.0.0.1", port), handler_cls)
    server.daemon_threads = True

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
