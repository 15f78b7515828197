"""A small JSON-RPC client for the provider agent (and tests): calls, signed EIP-1559 sends."""
import json
import threading
import urllib.request

from .abi import address_of, decode as abi_decode, encode_call, keccak, sign_1559


class RpcFailure(Exception):
    def __init__(self, error: dict):
        super().__init__(error.get("message", str(error)))
        self.error = error


def topic(signature: str) -> str:
    return "0x" + keccak(signature.encode()).hex()


class Client:
    def __init__(self, url: str, timeout: float = 30):
        self.url, self.timeout = url, timeout
        self._id = 0
        self._locks = {}
        self._guard = threading.Lock()

    def rpc(self, method: str, *params):
        with self._guard:
            self._id += 1
            rid = self._id
        body = json.dumps({"jsonrpc": "2.0", "id": rid, "method": method, "params": list(params)}).encode()
        req = urllib.request.Request(self.url, body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=self.timeout) as resp:
            answer = json.loads(resp.read())
        if "error" in answer:
            raise RpcFailure(answer["error"])
        return answer["result"]

    def call(self, to: str, signature: str, args=(), returns=(), sender=None):
        tx = {"to": to, "data": encode_call(signature, args)}
        if sender:
            tx["from"] = sender
        out = bytes.fromhex(self.rpc("eth_call", tx, "latest")[2:])
        values = abi_decode(list(returns), out) if returns else ()
        return values[0] if len(returns) == 1 else values

    def _lock_for(self, address: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(address.lower(), threading.Lock())

    def send(self, key: str, to: str, signature: str, args=(), value: int = 0) -> dict:
        """Estimates, signs and sends one EIP-1559 transaction; returns its receipt.

        Raises RpcFailure when the estimate reverts (nothing is sent) or the node rejects it.
        Only retries when the node says the nonce was already used (another user of the key).
        """
        sender = address_of(key)
        data = encode_call(signature, args)
        with self._lock_for(sender):
            for attempt in range(3):
                tx = {"from": sender, "to": to, "data": data, "value": hex(value)}
                gas = int(self.rpc("eth_estimateGas", tx), 16)
                raw = self.sign(key, sender, to, data, value, gas)
                try:
                    tx_hash = self.rpc("eth_sendRawTransaction", raw)
                except RpcFailure as e:
                    if attempt < 2 and ("nonce too low" in str(e) or "already known" in str(e)):
                        continue
                    raise
                return self.rpc("eth_getTransactionReceipt", tx_hash)
        raise RuntimeError("unreachable")

    def sign(self, key: str, sender: str, to: str, data: str, value: int, gas: int) -> str:
        nonce = int(self.rpc("eth_getTransactionCount", sender, "pending"), 16)
        tip = int(self.rpc("eth_maxPriorityFeePerGas"), 16)
        base = int(self.rpc("eth_getBlockByNumber", "latest", False)["baseFeePerGas"], 16)
        chain_id = int(self.rpc("eth_chainId"), 16)
        return sign_1559(key, chain_id, nonce, to, data, value, gas, tip, 2 * base + tip)
