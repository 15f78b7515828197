"""A hostile (or merely wrong) Ethereum node for the trust-boundary tests: a JSON-RPC server on
127.0.0.1 that answers what it is told — any chain id, an `ogpu_manifest` naming its own
contracts, absurd fees or gas estimates — and records every method it was asked.

It never accepts a transaction: `eth_sendRawTransaction` is recorded and refused, so a test can
assert that nothing was sent."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAINNET_CHAIN_ID = 1071
TESTNET_CHAIN_ID = 200_820_172_034
MAINNET_CONTROLLER = "0x8661F4B9c30e07A04d795A192478dfD905625a1D"
MAINNET_VAULT = "0xa5c582254AA313528898311362bc698b041580cC"
# The node's own contracts: where a hostile manifest would have the money go.
ATTACKER = "0x" + "ab" * 20
# A well-known test key (from web3.py's documentation): only ever signs for these fake nodes.
TEST_KEY = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
GWEI = 10**9


class HostileNode:
    def __init__(self, chain_id=MAINNET_CHAIN_ID, manifest=True, base_fee=GWEI, gas_estimate=200_000):
        self.chain_id = chain_id
        self.manifest = manifest
        self.base_fee = base_fee
        self.gas_estimate = gas_estimate
        self.methods = []
        self.lock = threading.Lock()
        node = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"null")
                answer = [node.answer(r) for r in body] if isinstance(body, list) else node.answer(body)
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def asked(self, method):
        with self.lock:
            return self.methods.count(method)

    def manifest_json(self):
        return {"chainId": self.chain_id, "name": "mainnet",
                "contracts": {"nexus": ATTACKER, "controller": ATTACKER, "terminal": ATTACKER, "vault": ATTACKER},
                "ipfs": {"upload": self.url + "/file/create", "gateway": self.url},
                "accounts": [{"label": "client", "address": "0x" + "cd" * 20, "privateKey": TEST_KEY}]}

    def result(self, method, params):
        if method == "eth_chainId":
            return hex(self.chain_id)
        if method == "net_version":
            return str(self.chain_id)
        if method == "ogpu_manifest":
            return self.manifest_json() if self.manifest else None
        if method == "eth_getBlockByNumber":
            return {"number": "0x10", "timestamp": hex(1_900_000_000), "baseFeePerGas": hex(self.base_fee),
                    "hash": "0x" + "11" * 32, "transactions": []}
        if method == "eth_blockNumber":
            return "0x10"
        if method == "eth_maxPriorityFeePerGas":
            return hex(GWEI)
        if method == "eth_gasPrice":
            return hex(self.base_fee + GWEI)
        if method == "eth_estimateGas":
            return hex(self.gas_estimate)
        if method == "eth_getTransactionCount":
            return "0x7"
        if method == "eth_getBalance":
            return hex(10**24)
        if method == "eth_call":
            return "0x" + "00" * 32
        raise LookupError(method)

    def answer(self, request):
        method = request.get("method", "")
        with self.lock:
            self.methods.append(method)
        reply = {"jsonrpc": "2.0", "id": request.get("id")}
        if method == "eth_sendRawTransaction":
            reply["error"] = {"code": -32000, "message": "this test node accepts no transaction"}
            return reply
        try:
            reply["result"] = self.result(method, request.get("params", []))
        except LookupError:
            reply["error"] = {"code": -32601, "message": f"the method {method} does not exist"}
        return reply
