"""A loopback JSON-RPC proxy in front of the devnet that breaks chosen methods the ways real
networks do (the Python twin of Tests/OGPUKitTests/RPC/FaultProxy.swift, for driving the `ogpu`
binary). 127.0.0.1 only; daemon threads; every held connection is released within 60 s."""
import json
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Faults, applied to the next requests naming a method:
#   "drop"       forward, then close the connection without answering (the node acted)
#   "5xx"        forward, then answer 503
#   "malformed"  forward, then answer garbage
#   "nonce_low"  forward, then answer the error a node gives for a used nonce
#   "null"       do not forward; answer `null` (a lagging index: receipt / transaction not found)
#   "hold"       do not forward; keep the connection open (the process gets killed meanwhile)
#   "swallow"    do not forward; answer "already known" (the node lost it: a transaction stuck
#                nowhere, which only a replacement at its nonce or a rebroadcast moves)
#   ("delay", s) wait s seconds, then forward


class FaultProxy:
    def __init__(self, upstream, port=0):
        self.upstream = upstream
        self.lock = threading.Lock()
        self.rules = []          # [method, [faults]] in order
        self.always = {}         # method -> fault applied to every request
        self.applied = []        # (method, fault)
        self.stopped = False
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes: without this, Nagle's algorithm and
            # delayed ACKs add ~40 ms to every request.
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if proxy.stopped:  # a kept-alive connection outliving stop(): gone, as with a dead node
                    self.close_connection = True
                    return
                proxy.handle(self, body)

        # `port`: listen where an earlier proxy listened (a node coming back after a restart).
        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def inject(self, method, faults):
        with self.lock:
            self.rules.append([method, list(faults)])

    def always_for(self, method, fault):
        with self.lock:
            self.always[method] = fault

    def clear(self):
        with self.lock:
            self.rules.clear()
            self.always.clear()

    def stop(self):
        self.stopped = True
        self.server.shutdown()
        self.server.server_close()

    def count(self, method):
        with self.lock:
            return sum(1 for m, _ in self.applied if m == method)

    def _take(self, methods):
        with self.lock:
            for m in methods:
                if m in self.always:
                    self.applied.append((m, self.always[m]))
                    return self.always[m]
            for rule in self.rules:
                if rule[0] in methods and rule[1]:
                    f = rule[1].pop(0)
                    self.applied.append((rule[0], f))
                    return f
        return None

    def _forward(self, body):
        req = urllib.request.Request(self.upstream, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.read()

    def _reply(self, h, status, payload):
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(payload)))
        h.end_headers()
        h.wfile.write(payload)

    def handle(self, h, body):
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = {}
        items = parsed if isinstance(parsed, list) else [parsed]
        fault = self._take([i.get("method") for i in items if isinstance(i, dict)])
        if fault == "hold":
            time.sleep(60)
            h.close_connection = True
            return
        if fault == "swallow":
            err = {"jsonrpc": "2.0", "id": items[0].get("id"), "error": {"code": -32000, "message": "already known"}}
            self._reply(h, 200, json.dumps(err).encode())
            return
        if fault == "null":
            answers = [{"jsonrpc": "2.0", "id": i.get("id"), "result": None} for i in items]
            self._reply(h, 200, json.dumps(answers if isinstance(parsed, list) else answers[0]).encode())
            return
        if isinstance(fault, tuple) and fault[0] == "delay":
            time.sleep(fault[1])
        answer = self._forward(body)
        if fault == "drop":
            h.close_connection = True
            return
        if fault == "5xx":
            self._reply(h, 503, b"service unavailable")
        elif fault == "malformed":
            self._reply(h, 200, b'{"jsonrpc":"2.0","id":<html>oops')
        elif fault == "nonce_low":
            err = {"jsonrpc": "2.0", "id": items[0].get("id"), "error": {"code": -32000, "message": "nonce too low"}}
            self._reply(h, 200, json.dumps(err).encode())
        else:
            self._reply(h, 200, answer)
