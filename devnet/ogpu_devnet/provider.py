"""The provider agent: answers every task published to a source its providers are registered
to. Watches Nexus `TaskPublished` logs, attempts the task, computes the answer, pins it on the
devnet IPFS service and submits the response link.

Answers (the JSON pinned and linked from `ResponseParams.data`; key order as listed):
  text2text  {"function_name": "text2text", "result": "devnet reply to: <last user message>",
              "model": "ogpu-devnet", "provider": <address>, "task": <address>}
  otherwise  {"function_name": <name>, "echo": <task data without "devnet">,
              "model": "ogpu-devnet", "provider": <address>, "task": <address>}

Per-task controls, read from `data.devnet` (or a top-level `devnet` extra) of the task config:
  delay      seconds to wait before attempting (default 0)
  respond    false: ignore the task entirely (default true)
  responses  how many of the devnet providers answer (default 1, at most the number of providers)
  fail       "revert": attempt, then send a submitResponse that reverts on chain (no answer lands);
             "error": answer {"error": "devnet: requested failure", ...} instead of a result;
             "missing": submit a link to content that is not pinned (the gateway answers 404);
             "malformed": pin and submit a payload that is not JSON.
"""
import json
import sys
import threading
import time
import traceback
import queue
import urllib.error
import urllib.parse
import urllib.request

from . import config
from .abi import keccak
from .ethclient import Client, RpcFailure, topic

TASK_PUBLISHED = topic("TaskPublished(address,address)")
RESPONSE_TUPLE = "(address,address,string,uint256)"
POLL_SECONDS = 0.2


def to_checksum_address(addr: str) -> str:
    """EIP-55."""
    a = addr.lower().removeprefix("0x")
    h = keccak(a.encode()).hex()
    return "0x" + "".join(c.upper() if int(h[i], 16) >= 8 else c for i, c in enumerate(a))


def log(msg: str):
    print(f"provider: {msg}", file=sys.stderr, flush=True)


def last_user_message(messages) -> str:
    if not isinstance(messages, list):
        return ""
    for m in reversed(messages):
        if isinstance(m, dict) and m.get("role") == "user":
            return str(m.get("content", ""))
    return str(messages[-1].get("content", "")) if messages and isinstance(messages[-1], dict) else ""


def compute_answer(task_input: dict, provider: str, task: str) -> dict:
    name = task_input.get("function_name")
    data = task_input.get("data")
    if name == "text2text":
        messages = data.get("messages") if isinstance(data, dict) else None
        return {"function_name": "text2text", "result": "devnet reply to: " + last_user_message(messages),
                "model": "ogpu-devnet", "provider": provider, "task": task}
    echo = {k: v for k, v in data.items() if k != "devnet"} if isinstance(data, dict) else data
    return {"function_name": name, "echo": echo, "model": "ogpu-devnet", "provider": provider, "task": task}


def controls_of(task_input: dict) -> dict:
    data = task_input.get("data")
    ctl = data.get("devnet") if isinstance(data, dict) else None
    if not isinstance(ctl, dict):
        ctl = task_input.get("devnet") if isinstance(task_input.get("devnet"), dict) else {}
    return ctl


MAX_CONFIG_BYTES = 8 << 20
# Tasks handled at once; later ones wait their turn (a task may sleep for its `delay`).
WORKERS = 32


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urllib.parse.urlsplit(newurl).scheme not in ("http", "https"):
            raise urllib.error.URLError(f"redirect to a non-HTTP URL refused: {newurl[:120]!r}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


# Only http(s): urllib's default opener would also read file:// (a task config URL naming a
# local file, e.g. the devnet's own keys) and ftp://.
_OPENER = urllib.request.OpenerDirector()
for _h in (urllib.request.HTTPHandler(), urllib.request.HTTPSHandler(), _HttpOnlyRedirects(),
           urllib.request.HTTPErrorProcessor(), urllib.request.HTTPDefaultErrorHandler()):
    _OPENER.add_handler(_h)


def http_get(url: str, timeout=10, limit=MAX_CONFIG_BYTES) -> bytes:
    """GETs an http(s) URL (never file:// or another scheme), at most `limit` bytes."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"not an http(s) URL: {url[:120]!r}")
    with _OPENER.open(url, timeout=timeout) as resp:
        data = resp.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"larger than {limit} bytes")
    return data


def pin(pin_url: str, body: bytes, filename="response.json") -> str:
    boundary = "ogpudevnetboundary7e1f"
    payload = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
               f"Content-Type: application/json\r\n\r\n").encode() + body + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(pin_url, payload, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())["link"]


class Agent:
    def __init__(self, manifest: dict):
        self.m = manifest
        self.client = Client(manifest["rpc"])
        self.nexus = manifest["contracts"]["NEXUS"]
        self.providers = [a for a in manifest["accounts"] if a["role"] == "provider"]
        self.seen = set()
        self.next_block = 0
        self.scanned_hash = None  # hash of block next_block - 1, to notice evm_revert
        self.tasks = queue.SimpleQueue()
        for i in range(WORKERS):
            threading.Thread(target=self._work, name=f"provider-{i}", daemon=True).start()

    def _work(self):
        while True:
            self.handle(*self.tasks.get())

    def registered(self, source: str, provider: str) -> bool:
        try:
            n = self.client.call(source, "getRegistrantCount()", returns=["uint256"])
            if n == 0:
                return False
            i = self.client.call(source, "getRegistrantId(address)", [provider], ["uint256"])
            return i < n and self.client.call(source, "registrants(uint256)", [i], ["address"]).lower() == provider.lower()
        except RpcFailure:
            return False

    def poll(self):
        if self.next_block > 0:
            last = self.client.rpc("eth_getBlockByNumber", hex(self.next_block - 1), False)
            if last is None or last["hash"] != self.scanned_hash:
                # The chain went back (evm_revert): task addresses get reused, so start over.
                log("chain reverted; rescanning tasks from block 0")
                self.seen.clear()
                self.next_block = 0
        head = self.client.rpc("eth_getBlockByNumber", "latest", False)
        latest = int(head["number"], 16)
        if latest < self.next_block:
            return
        logs = self.client.rpc("eth_getLogs", {"address": self.nexus, "topics": [TASK_PUBLISHED],
                                               "fromBlock": hex(self.next_block), "toBlock": hex(latest)})
        self.next_block = latest + 1
        self.scanned_hash = head["hash"]
        for lg in logs:
            data = lg["data"][2:]
            task = to_checksum_address("0x" + data[24:64])
            source = to_checksum_address("0x" + data[88:128])
            if task in self.seen:
                continue
            self.seen.add(task)
            self.tasks.put((task, source))

    def handle(self, task: str, source: str):
        try:
            self._handle(task, source)
        except Exception as e:
            log(f"task {task}: gave up: {type(e).__name__}: {e}")
            if not isinstance(e, (RpcFailure, OSError, ValueError)):
                traceback.print_exc()

    def _handle(self, task: str, source: str):
        c = self.client
        if c.call(task, "getSource()", returns=["address"]).lower() != source.lower():
            return log(f"task {task}: TaskPublished source does not match the task; ignored")
        if c.call(task, "getStatus()", returns=["uint8"]) not in (0, 1):  # only NEW or ATTEMPTED
            return
        _, config_url, _, payment = c.call(task, "taskParams()", returns=["address", "string", "uint256", "uint256"])
        try:
            task_input = json.loads(http_get(config_url))
            if not isinstance(task_input, dict):
                raise ValueError("task config is not a JSON object")
        except Exception as e:
            return log(f"task {task}: cannot read its config {config_url}: {e}")
        ctl = controls_of(task_input)
        if ctl.get("respond", True) is False:
            return log(f"task {task}: devnet.respond=false, not answering")
        delay = ctl.get("delay", 0)
        if isinstance(delay, (int, float)) and delay > 0:
            time.sleep(min(float(delay), 3600))
        wanted = ctl.get("responses", 1)
        wanted = max(1, min(int(wanted) if isinstance(wanted, (int, float)) else 1, len(self.providers)))
        answering = [p for p in self.providers if self.registered(source, p["address"])][:wanted]
        if not answering:
            return log(f"task {task}: none of our providers is registered to {source}")
        fail = ctl.get("fail")
        attempted = []
        for p in answering:
            try:
                c.send(p["privateKey"], self.nexus, "attempt(address,address,uint256)", [task, p["address"], payment])
                attempted.append(p)
                log(f"task {task}: attempted by {p['address']}")
            except RpcFailure as e:
                log(f"task {task}: attempt by {p['address']} refused: {e}")
        for p in attempted:
            self.respond(task, p, task_input, payment, fail)

    def respond(self, task, p, task_input, payment, fail):
        c = self.client
        answer = compute_answer(task_input, p["address"], task)
        pin_url = self.m["ipfs"]["pin"]
        if fail == "error":
            answer = {"error": "devnet: requested failure", "model": "ogpu-devnet", "provider": p["address"], "task": task}
        if fail == "missing":
            link = self.m["ipfs"]["gateway"] + "bafkreiaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        elif fail == "malformed":
            link = pin(pin_url, f"devnet malformed answer from {p['address']} for {task}".encode(), "response.txt")
        else:
            link = pin(pin_url, json.dumps(answer).encode())
        params = (task, p["address"], link, payment)
        if fail == "revert":
            # Submitted without an estimate, with a provider that never attempted: mined, reverted.
            return self.send_reverting(task, p, link, payment)
        try:
            receipt = c.send(p["privateKey"], self.nexus, f"submitResponse({RESPONSE_TUPLE})", [params])
            log(f"task {task}: response by {p['address']} in block {int(receipt['blockNumber'], 16)} -> {link}")
        except RpcFailure as e:
            log(f"task {task}: submitResponse by {p['address']} refused: {e}")

    def send_reverting(self, task, p, link, payment):
        from .abi import encode_call
        c = self.client
        data = encode_call(f"submitResponse({RESPONSE_TUPLE})", [(task, self.nexus, link, payment)])
        with c._lock_for(p["address"]):
            raw = c.sign(p["privateKey"], p["address"], self.nexus, data, 0, 500_000)
            tx_hash = c.rpc("eth_sendRawTransaction", raw)
        status = c.rpc("eth_getTransactionReceipt", tx_hash)["status"]
        log(f"task {task}: devnet.fail=revert, submitResponse {tx_hash} mined with status {status}")


def wait_for_manifest(timeout=120) -> dict:
    path = config.state_dir() / "manifest.json"
    deadline = time.time() + timeout
    while time.time() < deadline:
        if path.exists():
            try:
                return json.loads(path.read_text())
            except ValueError:
                pass
        time.sleep(0.05)
    raise SystemExit("provider: no manifest.json after %ds; is the chain service running?" % timeout)


def main():
    import signal
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    agent = Agent(wait_for_manifest())
    ready = config.state_dir() / "provider.ready"
    log(f"watching {agent.nexus} for tasks with {len(agent.providers)} providers")
    errors = 0
    while not stop.is_set():
        if not config.parent_alive():
            log("parent process ended; stopping")
            break
        try:
            agent.poll()
            errors = 0
            if not ready.exists():
                ready.write_text("ok\n")
        except Exception as e:  # the chain may be restarting; keep trying, quietly
            errors += 1
            if errors in (1, 10) or errors % 100 == 0:
                log(f"poll failed ({errors}x): {type(e).__name__}: {e}")
        stop.wait(POLL_SECONDS)
    log("stopped")


if __name__ == "__main__":
    main()
