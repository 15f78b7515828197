"""The devnet's own ceiling for publishing (scripts/bench publish-scale): N `Controller.publishTask`
transactions like the ones bench/publish/batch.ogpu sends — each with its own pinned config, the
same source, payment and expiry — pinned, built and signed with eth-account before the clock starts,
then sent with `eth_sendRawTransaction` one after another (consecutive nonces; the devnet mines each
on arrival and refuses a nonce gap) as fast as the node takes them, until the last receipt is there;
the source's task count then shows every one of them published a task.
Prints one JSON line: n, wall seconds of the sends, tasks per second.
Runs with the devnet's venv (eth-account, eth-abi). Usage: python ceiling.py RPC_URL N"""
import http.client
import json
import sys
import time
import urllib.parse
import urllib.request
import uuid

from eth_abi import encode
from eth_account import Account
from eth_utils import keccak

rpc, n = sys.argv[1], int(sys.argv[2])
url = urllib.parse.urlsplit(rpc)
conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)  # one kept-alive connection, as a client would
next_id = 0


def call(method, params=()):
    global next_id
    next_id += 1
    conn.request("POST", url.path or "/", json.dumps({"jsonrpc": "2.0", "id": next_id, "method": method, "params": list(params)}),
                 {"Content-Type": "application/json"})
    reply = json.loads(conn.getresponse().read())
    if "error" in reply:
        raise RuntimeError(f"{method}: {reply['error']}")
    return reply["result"]


def pin(config: bytes, pin_url: str) -> str:
    boundary = uuid.uuid4().hex
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="taskConfig.json"\r\n'
            f"Content-Type: application/json\r\n\r\n").encode() + config + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(pin_url, data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    return json.load(urllib.request.urlopen(req, timeout=30))["link"]


manifest = call("ogpu_manifest")
key = next(a["privateKey"] for a in manifest["accounts"] if a["role"] == "client")
sender = Account.from_key(key).address
controller, source = manifest["contracts"]["CONTROLLER"], manifest["sources"]["first_response"]
selector = keccak(text="publishTask((address,string,uint256,uint256))")[:4]
expiry = int(time.time()) + 3600
calldata = []
for i in range(n):
    config = json.dumps({"function_name": "text2text", "data": {"messages": [{"role": "user", "content": f"ceiling {i}"}]},
                         "devnet": {"respond": False}}).encode()
    calldata.append(selector + encode(["(address,string,uint256,uint256)"], [(source, pin(config, manifest["ipfs"]["pin"]), expiry, 10**15)]))
gas = int(int(call("eth_estimateGas", [{"from": sender, "to": controller, "data": "0x" + calldata[0].hex()}]), 16) * 1.2)
base_fee = int(call("eth_getBlockByNumber", ["latest", False])["baseFeePerGas"], 16)
nonce = int(call("eth_getTransactionCount", [sender, "pending"]), 16)
raws = ["0x" + Account.sign_transaction({"chainId": manifest["chainId"], "type": 2, "nonce": nonce + i, "to": controller, "value": 0,
                                         "data": data, "gas": gas, "maxFeePerGas": 2 * base_fee + 10**9,
                                         "maxPriorityFeePerGas": 10**9}, key).raw_transaction.hex()
        for i, data in enumerate(calldata)]

def task_count():
    out = call("eth_call", [{"to": source, "data": "0x" + keccak(text="getTaskCount()")[:4].hex()}, "latest"])
    return int(out, 16)


tasks_before = task_count()
t0 = time.perf_counter()
hashes = [call("eth_sendRawTransaction", [raw]) for raw in raws]
while call("eth_getTransactionReceipt", [hashes[-1]]) is None:
    time.sleep(0.005)
wall = time.perf_counter() - t0
# Every one published a task (the source's count, not 1,000 receipts: the devnet finds an old receipt slowly).
assert task_count() - tasks_before == n, f"{n - (task_count() - tasks_before)} ceiling transactions published no task"
print(json.dumps({"n": n, "wall": wall, "rate": n / wall}))
