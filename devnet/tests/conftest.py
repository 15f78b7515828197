"""A private devnet for the suite: its own ports and state dir, so it runs beside a devnet that
scripts/test (or a developer) already started. Started once per session, stopped at the end."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

DEVNET_DIR = Path(__file__).resolve().parent.parent
REPO = DEVNET_DIR.parent
sys.path.insert(0, str(DEVNET_DIR))

from ogpu_devnet.ethclient import Client, RpcFailure, encode_call, topic  # noqa: E402
from ogpu_devnet.ports import free_port_pair  # noqa: E402

SHARED_ABI = REPO.parent / "shared" / "protocol" / "abi" / "testnet"
TASK_TUPLE = "(address,string,uint256,uint256)"
RESPONSE_TUPLE = "(address,address,string,uint256)"


class Devnet:
    def __init__(self, env: dict, state: Path):
        self.env, self.state = env, state
        self.m = json.loads((state / "manifest.json").read_text())
        self.c = Client(self.m["rpc"])
        self.accounts = self.m["accounts"]
        self.client = next(a for a in self.accounts if a["role"] == "client")
        self.deployer = next(a for a in self.accounts if a["role"] == "deployer")
        self.providers = [a for a in self.accounts if a["role"] == "provider"]
        self.k = self.m["contracts"]

    def script(self, *args, check=True):
        return subprocess.run([str(REPO / "scripts" / "devnet"), *args], env=self.env, capture_output=True,
                              text=True, timeout=120, check=check)

    def now(self) -> int:
        return int(self.c.rpc("eth_getBlockByNumber", "pending", False)["timestamp"], 16)

    def pin_json(self, obj) -> str:
        from ogpu_devnet.provider import pin
        return pin(self.m["ipfs"]["pin"], json.dumps(obj).encode())

    def publish(self, kind="first_response", data=None, function="text2text", payment=10**16, expiry_in=600,
                key=None, source=None):
        """Publishes a task as the client; returns (task address, receipt)."""
        data = data if data is not None else {"messages": [{"role": "user", "content": "hello devnet"}]}
        link = self.pin_json({"function_name": function, "data": data})
        params = (source or self.m["sources"][kind], link, self.now() + expiry_in, payment)
        r = self.c.send(key or self.client["privateKey"], self.k["CONTROLLER"], f"publishTask({TASK_TUPLE})", [params])
        assert r["status"] == "0x1"
        log = next(lg for lg in r["logs"] if lg["topics"][0] == topic("TaskPublished(address,address)"))
        assert log["address"].lower() == self.k["NEXUS"].lower()
        return "0x" + log["data"][26:66], r

    def status(self, task) -> int:
        return self.c.call(task, "getStatus()", returns=["uint8"])

    def wait_status(self, task, wanted, timeout=20.0) -> int:
        deadline = time.time() + timeout
        while time.time() < deadline:
            s = self.status(task)
            if s in wanted:
                return s
            time.sleep(0.05)
        raise AssertionError(f"task {task} stayed at status {self.status(task)}, wanted {wanted}")

    def responses(self, task) -> list:
        n = self.c.call(task, "getAttemptCount()", returns=["uint256"])
        if n == 0:
            return []
        return [r for r in self.c.call(task, "getResponsesOf(uint256,uint256)", [0, n - 1], ["address[]"])
                if int(r, 16) != 0]

    def vault(self, fn, who):
        return self.c.call(self.k["VAULT"], f"{fn}(address)", [who], ["uint256"])

    def revert_of(self, key, to, signature, args=(), value=0) -> dict:
        """The JSON-RPC error of a transaction the estimate rejects (nothing is sent)."""
        with pytest.raises(RpcFailure) as e:
            self.c.send(key, to, signature, args, value)
        return e.value.error

    def call_error(self, to, signature, args=()) -> dict:
        with pytest.raises(RpcFailure) as e:
            self.c.rpc("eth_call", {"to": to, "data": encode_call(signature, args)}, "latest")
        return e.value.error


def revert_reason(error: dict) -> str:
    from eth_abi import decode
    data = bytes.fromhex(error["data"][2:])
    assert data[:4] == bytes.fromhex("08c379a0"), error
    return decode(["string"], data[4:])[0]


@pytest.fixture(scope="session")
def devnet():
    port = free_port_pair()
    state = Path(tempfile.mkdtemp(prefix="ogpu-devnet-test-"))
    env = dict(os.environ, OGPU_DEVNET_PORT=str(port), OGPU_DEVNET_IPFS_PORT=str(port + 1),
               OGPU_DEVNET_STATE=str(state), OGPU_DEVNET_PARENT_PID=str(os.getpid()))
    subprocess.run([str(REPO / "scripts" / "devnet"), "start"], env=env, check=True, timeout=300,
                   stdout=subprocess.DEVNULL)
    try:
        yield Devnet(env, state)
    finally:
        subprocess.run([str(REPO / "scripts" / "devnet"), "stop"], env=env, timeout=60,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(state, ignore_errors=True)


@pytest.fixture
def quiet():
    """Task data that keeps the provider agent away, for lifecycles the test drives itself."""
    return {"messages": [{"role": "user", "content": "not for the agent"}], "devnet": {"respond": False}}
