"""Publishes N tasks with the official Python SDK (`ogpu` from PyPI) against the devnet, the way an
SDK user does (one `publish_task` after another), and prints one JSON line: wall and CPU seconds.
Only the SDK's endpoints are redirected (contracts, RPC, pinning URL), as in devnet/tests/sdk_interop.py.
Each HTTP round trip is timed by wrapping the SDK's two HTTP entry points (web3's HTTPProvider for JSON-RPC,
`requests.post` for the IPFS pin), so the JSON line also carries a per-phase breakdown.
Usage: python sdk_publish.py RPC_URL N"""
import json
import sys
import time
import urllib.request

rpc, n = sys.argv[1], int(sys.argv[2])


def devnet_rpc(method):
    req = urllib.request.Request(rpc, data=json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": []}).encode(),
                                 headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req, timeout=10)).get("result")


manifest = devnet_rpc("ogpu_manifest")

import ogpu.ipfs.publish as ipfs_publish  # noqa: E402
from web3.providers.rpc import HTTPProvider  # noqa: E402

phases = {}


def timed(name, fn, *args, **kwargs):
    t = time.perf_counter()
    try:
        return fn(*args, **kwargs)
    finally:
        n, s = phases.get(name, (0, 0.0))
        phases[name] = (n + 1, s + time.perf_counter() - t)


_make_request = HTTPProvider.make_request
HTTPProvider.make_request = lambda self, method, params: timed(str(method), _make_request, self, method, params)
_post = ipfs_publish.requests.post  # the pin; web3 posts through its own session, not this function
ipfs_publish.requests.post = lambda *args, **kwargs: timed("ipfs upload", _post, *args, **kwargs)
from ogpu.chain.config import ChainConfig, ChainId  # noqa: E402
from ogpu.client import TaskInfo, TaskInput, publish_task  # noqa: E402

ChainConfig.set_chain(ChainId.OGPU_TESTNET)
ChainConfig.CHAIN_CONTRACTS[ChainId.OGPU_TESTNET] = {k: manifest["contracts"][k] for k in ("NEXUS", "CONTROLLER", "TERMINAL", "VAULT")}
ChainConfig.set_rpc(rpc)
ipfs_publish._IPFS_PUBLISH_URL = manifest["ipfs"]["pin"]
key = next(a["privateKey"] for a in manifest["accounts"] if a["role"] == "client")
source = manifest["sources"]["first_response"]

devnet_rpc("ogpu_timings")  # the devnet's per-method timings (OGPU_DEVNET_TIMING=1), reset here, read after
t0, c0 = time.perf_counter(), time.process_time()
tasks = []
for i in range(n):
    config = TaskInput(function_name="text2text", data={"messages": [{"role": "user", "content": f"bench {i}"}]},
                       devnet={"respond": False})
    info = TaskInfo(source=source, config=config, expiryTime=int(time.time()) + 3600, payment=10**15)
    tasks.append(publish_task(info, private_key=key).address)
wall, cpu = time.perf_counter() - t0, time.process_time() - c0
assert len(set(tasks)) == n
chain = devnet_rpc("ogpu_timings") or {}
print(json.dumps({"n": n, "wall": wall, "cpu": cpu, "phases": {k: {"calls": c, "seconds": round(t, 6)} for k, (c, t) in sorted(phases.items())},
                  "chain": chain}))
