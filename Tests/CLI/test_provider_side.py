"""The provider side and protocol events, through the built binary, on a private devnet started
with OGPU_DEVNET_PROVIDER=0 (no provider agent: only what these tests run answers tasks).

- examples/provider.ogpu in one process (a fresh account: it registers with a lockup, then
  serves) while another process publishes and waits for the answer;
- every provider/master/owner built-in on the devnet's contracts, with the chain's own view;
- watch(filter) across a node outage (fault proxy): every event once, in order;
- watch's timeout and Ctrl-C end cleanly."""
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pexpect
import pytest

from conftest import ROOT, base_env
from faultproxy import FaultProxy
from test_exactly_once import FUND

DEVNET = ROOT / "scripts" / "devnet"


def rpc(url, method, params=()):
    req = urllib.request.Request(url, data=json.dumps({"jsonrpc": "2.0", "id": 1, "method": method,
                                                       "params": list(params)}).encode(),
                                 headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req, timeout=30)).get("result")


def free_port_pair():
    import socket
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port < 65000:
            with socket.socket() as s2:
                try:
                    s2.bind(("127.0.0.1", port + 1))
                    return port
                except OSError:
                    continue
    raise RuntimeError("no free port pair")


class Net:
    def __init__(self, url, manifest):
        self.url, self.m = url, manifest
        self.first = manifest["sources"]["first_response"]
        self.manual = manifest["sources"]["manual_confirmation"]
        self.deployer = next(a["privateKey"] for a in manifest["accounts"] if a["role"] == "deployer")
        self.python = subprocess.run([str(DEVNET), "venv"], capture_output=True, text=True,
                                     check=True).stdout.strip().splitlines()[-1] + "/bin/python"

    def fresh_account(self):
        out = subprocess.run([self.python, "-c", FUND, self.url, self.deployer], capture_output=True, text=True,
                             timeout=120)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)


@pytest.fixture(scope="module")
def net():
    port = free_port_pair()
    state = Path(tempfile.mkdtemp(prefix="ogpu-provider-side-"))
    env = dict(os.environ, OGPU_DEVNET_PORT=str(port), OGPU_DEVNET_IPFS_PORT=str(port + 1), OGPU_DEVNET_STATE=str(state),
               OGPU_DEVNET_PARENT_PID=str(os.getpid()), OGPU_DEVNET_PROVIDER="0")
    r = subprocess.run([str(DEVNET), "start"], env=env, capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        pytest.skip(f"could not start a private devnet: {r.stderr[-500:]}")
    try:
        url = f"http://127.0.0.1:{port}"
        status = subprocess.run([str(DEVNET), "status"], env=env, capture_output=True, text=True)
        assert status.returncode == 0 and "provider" not in status.stdout, status.stdout
        assert not (state / "pids" / "provider.pid").exists()
        yield Net(url, rpc(url, "ogpu_manifest"))
    finally:
        subprocess.run([str(DEVNET), "stop"], env=env, capture_output=True, timeout=60)
        shutil.rmtree(state, ignore_errors=True)


def env_for(home, url, key=None):
    return base_env(home, OGPU_RPC_URL=url, CLIENT_PRIVATE_KEY=key)


def run(ogpu_bin, home, url, script, *args, key=None, timeout=180):
    return subprocess.run([ogpu_bin, "-e", script, *args], capture_output=True, text=True,
                          env=env_for(home, url, key), timeout=timeout)


def read_until(proc, text, timeout=60):
    """Reads the process's stderr until a line contains `text`; returns what was read."""
    seen = ""
    deadline = time.time() + timeout
    while time.time() < deadline:
        ready, _, _ = select.select([proc.stderr], [], [], 0.5)
        if ready:
            line = proc.stderr.readline()
            seen += line
            if text in line:
                return seen
            if not line and proc.poll() is not None:
                break
    pytest.fail(f"no {text!r} on stderr; got:\n{seen}")


def test_provider_example_answers_a_task_another_process_publishes(ogpu_bin, tmp_path, net):
    acct = net.fresh_account()
    prov_home, client_home = tmp_path / "provider", tmp_path / "client"
    prov_home.mkdir()
    client_home.mkdir()
    provider = subprocess.Popen([ogpu_bin, "--no-color", str(ROOT / "examples" / "provider.ogpu"), net.first, "1"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=env_for(prov_home, net.url, acct["key"]))
    try:
        read_until(provider, "ogpu: serve: answering tasks of source")
        r = run(ogpu_bin, client_home, net.url,
                f'let t = publish task(address("{net.first}"), "text2text", '
                '{messages: [{role: "user", content: "hello from the client"}]})\n'
                'let r = wait(t, timeout: 90s)\n'
                'print r.data.result\nprint r.provider\nprint t.status\nprint t.winner\nprint t.delivery')
        assert r.returncode == 0, r.stderr
        lines = r.stdout.splitlines()
        assert lines == ["ogpu provider reply to: hello from the client", acct["address"], "finalized", acct["address"],
                         "first"]
        out, err = provider.communicate(timeout=60)
    finally:
        if provider.poll() is None:
            provider.kill()
    assert provider.returncode == 0, err
    assert f"registering {acct['address']}" in out
    assert "answered 1 task(s)" in out
    assert "ogpu: serve: answered task 0x" in err
    # The stake register(lockup:) put up, and every transaction in the provider's journal mined.
    v = run(ogpu_bin, prov_home, net.url, 'let v = vault()\nprint v.lockup, v.earnings', key=acct["key"])
    assert v.stdout.split() == ["1", "OGPU", "0.01", "OGPU"], v.stdout + v.stderr
    journal = [json.loads(x) for x in (prov_home / ".ogpu" / "journal.jsonl").read_text().splitlines()]
    labels = [x["label"] for x in journal if x["state"] == "signed"]
    assert labels == ["Vault.deposit", "Vault.lock", "Nexus.register", "Nexus.attempt", "Nexus.submitResponse"]
    assert {x["hash"] for x in journal if x["state"] == "mined"} == {x["hash"] for x in journal if x["state"] == "signed"}
