"""Trust boundaries of the output (issue 14): values nested a million deep never crash the REPL echo,
`--json` or a script, and text from outside (node, gateway, files, scripts) reaches the terminal
with its control characters escaped, through every path the real binary prints."""
import http.server
import json
import os
import subprocess
import sys
import threading
import urllib.request

import pytest

from conftest import PROMPT, ROOT, base_env

sys.path.insert(0, str(ROOT / "devnet"))
from ogpu_devnet.cid import cid_v1_raw  # noqa: E402

DEEP = "var x = []\nfor i in 0..1000000 { x = [x] }\n"

# An OSC title change, a screen clear, an OSC 8 hyperlink, a one-byte C1 CSI, a lone CR that would
# overwrite the line, DEL and a right-to-left override.
HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x1b]8;;http://evil.example\x07click\x1b]8;;\x07\x9b31m\rspoof\x7f\u202egnp.exe"
RAW_CONTROLS = ["\x1b", "\x07", "\x9b", "\r", "\x7f", "\u202e"]


def run(ogpu_bin, home, *args, input=None, timeout=120, **env):
    return subprocess.run([ogpu_bin, *args], input=input, capture_output=True, text=True,
                          env=base_env(home, **env), timeout=timeout)


def literal(text: str) -> str:
    """An ogpu string literal of `text` with every non-printable character as `\\u{…}`."""
    out = ""
    for c in text:
        if c in '"\\{':
            out += "\\" + c
        elif ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f or ord(c) > 0x2000:
            out += "\\u{%X}" % ord(c)
        else:
            out += c
    return '"' + out + '"'


def assert_inert(text: str):
    for c in RAW_CONTROLS:
        assert c not in text.replace("\r\n", "\n"), (c, text[-400:])


# ---- values nested a million deep ------------------------------------------------------------

def test_repl_echo_of_a_million_deep_list(repl):
    r = repl()
    r.run("var x = []")
    r.child.timeout = 300
    r.run("for i in 0..1000000 { x = [x] }")
    out = r.run("x")  # used to be SIGSEGV: the echo recursed on the main thread's stack
    assert out.startswith("[\n  [\n    [") and "[[[[[[[[" in out
    r.run("fn deep(n) { var v = []; for i in 0..n { v = [v] }; v }")
    assert r.run("deep(1000000)").startswith("[\n  [")  # the echo held the only reference
    assert r.run("len(deep(1000000))").strip() == "1"
    r.run("x = nil")
    assert r.run("1 + 1").strip() == "2"
    assert r.quit() == 0


def test_json_output_of_a_million_deep_list(ogpu_bin, home):
    r = run(ogpu_bin, home, "--json", "-e", DEEP + "x")
    assert r.returncode == 0, r.stderr[-2000:]
    line = r.stdout.strip()
    assert line == '{"value":' + "[" * 1_000_001 + "]" * 1_000_001 + "}"


def test_script_prints_encodes_compares_and_frees_a_million_deep_list(ogpu_bin, home, tmp_path):
    script = tmp_path / "deep.ogpu"
    script.write_text(DEEP + "var y = []\nfor i in 0..1000000 { y = [y] }\n"
                      "print(len(str(x)), len(json(x)), x == y, x != [y], str(x) == str(y))\n"
                      "print(len(\"{x}\"))\nx = nil\ny = nil\nprint(\"freed\")\n")
    r = run(ogpu_bin, home, str(script))
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.splitlines() == ["2000002 2000002 true true true", "2000002", "freed"]


def test_parse_json_of_deep_input_is_a_clean_value_error(ogpu_bin, home):
    r = run(ogpu_bin, home, "-e", 'var s = "["\nfor i in 0..18 { s = s + s }\nparse_json(s)')
    assert r.returncode == 70 and "error[value]" in r.stderr and "nested deeper" in r.stderr


# ---- hostile text ----------------------------------------------------------------------------

def test_print_escapes_control_characters_but_keeps_line_breaks(ogpu_bin, home):
    r = run(ogpu_bin, home, "-e", f'print({literal(HOSTILE)})')
    assert r.returncode == 0
    assert_inert(r.stdout)
    assert "\\u{1B}]0;pwned\\u{7}" in r.stdout and "\\u{9B}31m\\u{D}spoof\\u{7F}\\u{202E}gnp.exe" in r.stdout
    raw = subprocess.run([ogpu_bin, "-e", 'print("a\\tb\\nc\\r\\nd")'], capture_output=True, env=base_env(home))
    assert raw.stdout == b"a\tb\nc\r\nd\n"  # tabs, newlines and CRLF are printed as they are


def test_uncaught_error_messages_are_escaped(ogpu_bin, home, tmp_path):
    r = run(ogpu_bin, home, "-e", f"throw {literal(HOSTILE)}")
    assert r.returncode == 70 and "error[user]" in r.stderr
    assert_inert(r.stderr)
    assert "\\u{1B}[2J" in r.stderr


def test_source_text_in_diagnostics_is_escaped(ogpu_bin, home, tmp_path):
    script = tmp_path / "shared.ogpu"
    script.write_text('let a = "\x1b]0;pwned\x07" +\nlet \x1b[2J = 1\n')
    for args in ([str(script)], ["check", str(script)]):
        r = run(ogpu_bin, home, *args)
        assert r.returncode == 65 and "error[syntax]" in r.stderr + r.stdout
        assert_inert(r.stderr + r.stdout)


def test_repl_echo_escapes_strings_keys_and_errors(repl):
    r = repl()
    out = r.run("{" + literal(HOSTILE) + ": " + literal(HOSTILE) + ", e: error(\"value\", " + literal(HOSTILE) + ")}")
    assert_inert(out)
    assert out.count("\\u{1B}]0;pwned") == 3
    out = r.run(f"print({literal(HOSTILE)})")
    assert_inert(out)
    out = r.run(f"throw {literal(HOSTILE)}")
    assert "error[user]" in out
    assert_inert(out)


def test_json_output_escapes_c1_del_and_bidi(ogpu_bin, home):
    r = run(ogpu_bin, home, "--json", "-e", literal(HOSTILE))
    assert r.returncode == 0
    assert_inert(r.stdout)
    assert json.loads(r.stdout)["value"] == HOSTILE  # same text once decoded
    r = run(ogpu_bin, home, "--json", "-e", f"throw {literal(HOSTILE)}")
    assert_inert(r.stderr)
    assert json.loads(r.stderr)["error"]["message"] == HOSTILE


# ---- hostile node and gateway (needs the devnet) -----------------------------------------------

def devnet_rpc():
    return os.environ.get("OGPU_DEVNET_RPC") or "http://127.0.0.1:8545"


def devnet_manifest():
    try:
        req = urllib.request.Request(devnet_rpc(), json.dumps({"jsonrpc": "2.0", "id": 1, "method": "ogpu_manifest"}).encode(),
                                     {"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=5) as resp:
            return json.loads(resp.read())["result"]
    except OSError:
        return None


@pytest.fixture
def manifest():
    m = devnet_manifest()
    if m is None:
        pytest.skip("no devnet answering at " + devnet_rpc())
    return m


def revert_data(reason: str) -> str:
    raw = reason.encode()
    padded = raw + b"\0" * (-len(raw) % 32)
    return "0x08c379a0" + (32).to_bytes(32, "big").hex() + len(raw).to_bytes(32, "big").hex() + padded.hex()


class FaultProxy(http.server.BaseHTTPRequestHandler):
    """A node that forwards to the devnet but answers the methods in `faults` with an error."""
    upstream = ""
    faults = {}

    def log_message(self, *args):
        pass

    def answer(self, req):
        if isinstance(req, dict) and req.get("method") in self.faults:
            return {"jsonrpc": "2.0", "id": req.get("id"), "error": self.faults[req["method"]]}
        forward = urllib.request.Request(self.upstream, json.dumps(req).encode(), {"Content-Type": "application/json"})
        with urllib.request.urlopen(forward, timeout=30) as resp:
            return json.loads(resp.read())

    def do_POST(self):
        req = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        out = [self.answer(r) for r in req] if isinstance(req, list) else self.answer(req)
        body = json.dumps(out).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def fault_proxy(manifest):
    FaultProxy.upstream = devnet_rpc()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FaultProxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_rpc_error_message_from_the_node_is_escaped(ogpu_bin, home, fault_proxy):
    FaultProxy.faults = {"eth_getBalance": {"code": -32000, "message": HOSTILE}}
    r = run(ogpu_bin, home, "-e", "balance(0x0000000000000000000000000000000000000001)", OGPU_RPC_URL=fault_proxy)
    assert r.returncode == 70 and "error[rpc]" in r.stderr, r.stderr
    assert_inert(r.stderr)
    assert "\\u{1B}]0;pwned" in r.stderr


def test_revert_reason_from_the_node_is_escaped(ogpu_bin, home, fault_proxy, manifest):
    revert = {"code": 3, "message": "execution reverted: " + HOSTILE, "data": revert_data(HOSTILE)}
    FaultProxy.faults = {"eth_estimateGas": revert, "eth_call": revert}
    code = ('publish_source(name: "n", description: "d", cpu: "https://example.com/compose.yml", '
            "min_payment: ogpu(0.001))")
    r = run(ogpu_bin, home, "-e", code, OGPU_RPC_URL=fault_proxy)
    assert r.returncode == 70 and "error[revert]" in r.stderr, r.stderr
    assert_inert(r.stderr)
    assert "\\u{1B}]0;pwned" in r.stderr
    r = run(ogpu_bin, home, "-e", f"try {{ {code} }} catch e {{ print(e.message); print(e); print([e.data]) }}",
            OGPU_RPC_URL=fault_proxy)
    assert_inert(r.stdout + r.stderr)
    assert r.stdout.count("\\u{1B}]0;pwned") >= 2


def test_content_from_the_gateway_is_escaped(ogpu_bin, home, manifest, repl):
    body = json.dumps({"answer": HOSTILE, HOSTILE: 1}).encode()
    pin = manifest["ipfs"]["pin"]
    req = urllib.request.Request(pin, b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\n"
                                 + body + b"\r\n--b--\r\n", {"Content-Type": "multipart/form-data; boundary=b"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        link = json.loads(resp.read())["link"]
    assert link.endswith(cid_v1_raw(body))
    r = run(ogpu_bin, home, "-e", f'let d = ipfs_get("{link}")\nprint(d.answer)\nprint(d)',
            OGPU_RPC_URL=devnet_rpc())
    assert r.returncode == 0, r.stderr
    assert_inert(r.stdout)
    assert r.stdout.count("\\u{1B}]0;pwned") == 3
    session = repl(OGPU_RPC_URL=devnet_rpc())
    out = session.run(f'ipfs_get("{link}")')
    assert_inert(out)
    assert "answer" in out


def test_source_metadata_is_escaped(ogpu_bin, home, manifest):
    name = "\x1b]0;pwned\x07evil\u202e"
    code = (f"let s = publish_source(name: {literal(name)}, description: {literal(HOSTILE)}, "
            'cpu: "https://example.com/compose.yml", min_payment: ogpu(0.001))\n'
            "print(s)\nprint(s.name)\nlet again = source_at(s.address)\nprint(again.description)\nprint([again])")
    r = run(ogpu_bin, home, "-e", code, OGPU_RPC_URL=devnet_rpc())
    assert r.returncode == 0, r.stderr
    assert_inert(r.stdout + r.stderr)
    assert r.stdout.count("\\u{1B}]0;pwned") >= 4


def test_journal_fields_from_the_file_are_escaped(ogpu_bin, home):
    import time
    from test_journal import REJECTED, signed, write_journal
    record = signed(REJECTED, 5, time.time() - 60)
    record["label"] = HOSTILE
    write_journal(home, [record, {"v": 1, "t": time.time(), "state": "rejected", "hash": REJECTED, "reason": HOSTILE}])
    r = run(ogpu_bin, home, "journal", "--all")
    assert r.returncode == 0, r.stderr
    assert_inert(r.stdout + r.stderr)
    assert r.stdout.count("\\u{1B}]0;pwned") == 2
