"""The devnet is a local service a web page can reach: it must refuse cross-origin and DNS-rebinding
requests, answer every malformed request with a JSON(-RPC) error (never a traceback, a 500 or an
HTML page), bound its threads and time out idle clients; the provider must never read file:// URLs."""
import http.server
import json
import socket
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from ogpu_devnet import httpbase, provider


def raw(port: int, request: bytes, timeout=10) -> tuple:
    """Sends `request` as is on a fresh connection; returns (status, parsed JSON body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(request)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            head, sep, body = data.partition(b"\r\n\r\n")
            if sep:
                length = [int(line.split(b":")[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:")]
                if length and len(body) >= length[0]:
                    break
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1])
    return status, json.loads(body)


def rpc_port(devnet) -> int:
    return int(devnet.m["rpc"].rsplit(":", 1)[1])


def ipfs_port(devnet) -> int:
    return rpc_port(devnet) + 1


def post(port, body: bytes, headers=b"", host=b"127.0.0.1"):
    return raw(port, b"POST / HTTP/1.1\r\nHost: " + host + b"\r\nContent-Type: application/json\r\n" + headers
               + b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)


CHAIN_ID = b'{"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"}'


def test_deeply_nested_body_is_a_parse_error(devnet):
    status, out = post(rpc_port(devnet), b"[" * 200_000)
    assert status == 200 and out["error"]["code"] == -32700, out
    status, out = post(rpc_port(devnet), b'{"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": '
                       + b"[" * 100_000 + b"]" * 100_000 + b"}")
    assert status == 200 and out["error"]["code"] == -32700, out
    assert devnet.c.rpc("eth_chainId")


@pytest.mark.parametrize("length", ["²", "1²", "+52", "-1", "0x34", "1_0", "٥٢", "99999999999"])
def test_content_length_must_be_ascii_digits_within_the_bound(devnet, length):
    request = (b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + length.encode("utf-8")
               + b"\r\n\r\n" + CHAIN_ID)
    status, out = raw(rpc_port(devnet), request)
    assert status in (411, 413) and out["jsonrpc"] == "2.0" and out["error"]["code"] == -32600, out
    assert devnet.c.rpc("eth_chainId")


@pytest.mark.parametrize("host", [b"evil.example", b"evil.example:8545", b"127.0.0.1.nip.io", b"localhost.evil.example",
                                  b"10.0.0.1", b"0.0.0.0"])
def test_dns_rebinding_hosts_are_refused(devnet, host):
    for port in (rpc_port(devnet), ipfs_port(devnet)):
        status, out = post(port, CHAIN_ID, host=host)
        assert status == 403, out
        assert "result" not in out
    status, out = post(rpc_port(devnet), CHAIN_ID, host=host)
    assert out["error"]["code"] == -32600 and "Host" in out["error"]["message"]


@pytest.mark.parametrize("host", [b"127.0.0.1", b"localhost", b"LOCALHOST:1", b"[::1]:8545"])
def test_loopback_hosts_are_served(devnet, host):
    status, out = post(rpc_port(devnet), CHAIN_ID, host=host)
    assert status == 200 and out["result"] == hex(devnet.m["chainId"])


@pytest.mark.parametrize("origin", [b"https://evil.example", b"null", b"http://127.0.0.1.evil.example",
                                    b"http://localhost.evil.example:80"])
def test_cross_origin_browser_requests_are_refused(devnet, origin):
    # A web page's fetch("http://127.0.0.1:8545", {method: "POST", body: ...}) carries its Origin.
    body = b'{"jsonrpc": "2.0", "id": 1, "method": "evm_snapshot"}'
    status, out = post(rpc_port(devnet), body, headers=b"Origin: " + origin + b"\r\n")
    assert status == 403 and "result" not in out and out["error"]["code"] == -32600, out
    status, out = raw(ipfs_port(devnet), b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: " + origin
                      + b"\r\nConnection: close\r\n\r\n")
    assert status == 403 and "ok" not in out


def test_a_loopback_origin_is_served(devnet):
    status, out = post(rpc_port(devnet), CHAIN_ID, headers=b"Origin: http://localhost:3000\r\n")
    assert status == 200 and out["result"]


@pytest.mark.parametrize("request_bytes", [
    b"GARBAGE\r\n\r\n",
    b"PUT / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n",
])
def test_malformed_http_gets_a_jsonrpc_error_not_html(devnet, request_bytes):
    status, out = raw(rpc_port(devnet), request_bytes)
    assert 400 <= status < 500, (status, out)
    assert out["jsonrpc"] == "2.0" and out["id"] is None and isinstance(out["error"]["message"], str)
    assert "Traceback" not in json.dumps(out)
    assert devnet.c.rpc("eth_chainId")


@pytest.mark.parametrize("body", [
    b'{"jsonrpc": "2.0", "id": ' + b"[" * 5000 + b"]" * 5000 + b', "method": "eth_chainId"}',
    b'[' + b','.join([b'{"jsonrpc": "2.0", "id": 1, "method": "eth_getBalance", "params": [{"x": ' + b"[" * 900
                      + b"]" * 900 + b'}, "latest"]}'] * 3) + b']',
    b'{"jsonrpc": "2.0", "id": 1, "method": "eth_getBalance", "params": [' + b"9" * 5000 + b', "latest"]}',
])
def test_odd_but_valid_json_gets_a_jsonrpc_answer(devnet, body):
    status, out = post(rpc_port(devnet), body)
    assert status == 200
    for answer in (out if isinstance(out, list) else [out]):
        assert answer["jsonrpc"] == "2.0" and ("error" in answer or "result" in answer)
        assert "Traceback" not in json.dumps(answer)


def server_pid(devnet, name) -> int:
    return int((Path(devnet.env["OGPU_DEVNET_STATE"]) / "pids" / f"{name}.pid").read_text())


def thread_count(pid) -> int:
    return len(list(Path(f"/proc/{pid}/task").iterdir()))


def test_threads_are_bounded_and_idle_clients_time_out(devnet):
    pid = server_pid(devnet, "chain")
    before = thread_count(pid)
    idle = [socket.create_connection(("127.0.0.1", rpc_port(devnet)), timeout=5) for _ in range(100)]
    kept_alive = urllib.request.Request(devnet.m["rpc"], CHAIN_ID, {"Content-Type": "application/json"})
    try:
        time.sleep(0.5)
        # A thread per connection would have made 100 more.
        assert thread_count(pid) <= max(before, httpbase.WORKERS + 5)
        # Idle connections hold no worker: a request is answered at once (well within a timeout
        # shorter than the one that frees idle connections).
        with urllib.request.urlopen(kept_alive, timeout=httpbase.IDLE_SECONDS / 3) as resp:
            assert json.loads(resp.read())["result"]
        # Connections that send nothing are closed after IDLE_SECONDS.
        closed = 0
        for s in idle:
            s.settimeout(httpbase.IDLE_SECONDS + 10)
            try:
                closed += s.recv(1) == b""
            except OSError:
                closed += 1
        assert closed == len(idle)
    finally:
        for s in idle:
            s.close()
    assert devnet.c.rpc("eth_chainId")
    assert thread_count(pid) <= max(before, httpbase.WORKERS + 5)


def test_a_kept_alive_connection_serves_many_requests_and_pipelined_ones(devnet):
    with socket.create_connection(("127.0.0.1", rpc_port(devnet)), timeout=10) as s:
        one = (b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
               + str(len(CHAIN_ID)).encode() + b"\r\n\r\n" + CHAIN_ID)
        answers = b""
        for _ in range(3):  # one at a time, the connection parked in between
            s.sendall(one)
            time.sleep(0.2)
            answers += s.recv(65536)
        s.sendall(one * 3)  # pipelined: the next requests are already buffered
        deadline = time.time() + 10
        while answers.count(b'"result"') < 6 and time.time() < deadline:
            answers += s.recv(65536)
    assert answers.count(b"HTTP/1.1 200") == 6 and answers.count(b'"result"') == 6


def test_provider_reads_http_only(tmp_path):
    secret = tmp_path / "secret.json"
    secret.write_text('{"key": "0xsecret"}')
    for url in (secret.as_uri(), "ftp://127.0.0.1/x", "data:application/json,{}", "/etc/passwd"):
        with pytest.raises((ValueError, OSError)):
            provider.http_get(url)


class Redirector(http.server.BaseHTTPRequestHandler):
    target = ""

    def do_GET(self):
        self.send_response(302)
        self.send_header("Location", self.target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_provider_follows_no_redirect_to_a_file(tmp_path):
    secret = tmp_path / "secret.json"
    secret.write_text('{"key": "0xsecret"}')
    Redirector.target = secret.as_uri()
    server = http.server.HTTPServer(("127.0.0.1", 0), Redirector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(OSError) as e:
            provider.http_get(f"http://127.0.0.1:{server.server_address[1]}/config.json")
        assert "0xsecret" not in str(e.value)
    finally:
        server.shutdown()
        server.server_close()


def test_provider_config_size_is_bounded(devnet):
    big = devnet.pin_json({"pad": "x" * (provider.MAX_CONFIG_BYTES + 10)}).encode()
    with pytest.raises(ValueError):
        provider.http_get(big.decode())


def test_provider_ignores_a_task_whose_config_is_a_file_url(devnet, quiet):
    from conftest import TASK_TUPLE
    secret = Path(devnet.env["OGPU_DEVNET_STATE"]) / "manifest.json"  # holds the dev keys
    params = (devnet.m["sources"]["first_response"], secret.as_uri(), devnet.now() + 600, 10**16)
    r = devnet.c.send(devnet.client["privateKey"], devnet.k["CONTROLLER"], f"publishTask({TASK_TUPLE})", [params])
    assert r["status"] == "0x1"
    log = Path(devnet.env["OGPU_DEVNET_STATE"]) / "logs" / "provider.log"
    deadline = time.time() + 20
    while time.time() < deadline and "file://" not in log.read_text():
        time.sleep(0.1)
    text = log.read_text()
    assert "cannot read its config file://" in text and "not an http(s) URL" in text, text[-2000:]


def test_provider_handles_tasks_on_a_fixed_pool(monkeypatch):
    """100 tasks published at once cost the provider no thread each: they wait for its workers."""
    release = threading.Event()
    handled = []

    class Chain:
        def rpc(self, method, *params):
            if method == "eth_getBlockByNumber":
                return {"number": "0x5", "hash": "0xh"}
            logs = []
            for i in range(100):
                task, source = f"{i + 1:040x}", "ab" * 20
                logs.append({"data": "0x" + "0" * 24 + task + "0" * 24 + source})
            return logs

    def slow_handle(self, task, source):
        release.wait(10)
        handled.append(task)

    monkeypatch.setattr(provider.Agent, "handle", slow_handle)
    monkeypatch.setattr(provider, "Client", lambda url: Chain())
    before = threading.active_count()
    agent = provider.Agent({"rpc": "http://127.0.0.1:1", "contracts": {"NEXUS": "0x" + "00" * 20}, "accounts": []})
    agent.poll()
    time.sleep(0.2)
    assert threading.active_count() - before == provider.WORKERS
    release.set()
    deadline = time.time() + 10
    while len(handled) < 100 and time.time() < deadline:
        time.sleep(0.05)
    assert len(handled) == 100 and len(set(handled)) == 100
