"""A small JSON-RPC client for the provider agent (and tests): calls, signed EIP-1559 sends."""
import json
import threading
import urllib.request

from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_account import Account
from eth_utils import function_signature_to_4byte_selector, keccak


class RpcFailure(Exception):
    def __init__(self, error: dict):
        super().__init__(error.get("message", str(error)))
        self.error = error


def selector(signature: str) -> bytes:
    return function_signature_to_4byte_selector(signature)


def topic(signature: str) -> str:
    return "0x" + keccak(text=signature).hex()


def encode_call(signature: str, args=()) -> str:
    types = signature[signature.index("(") + 1:-1]
    type_list = split_types(types)
    return "0x" + (selector(signature) + abi_encode(type_list, list(args))).hex()


def split_types(types: str) -> list:
    out, depth, cur = [], 0, ""
    for ch in types:
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    if cur:
        out.append(cur)
    return out


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
        account = Account.from_key(key)
        data = encode_call(signature, args)
        with self._lock_for(account.address):
            for attempt in range(3):
                tx = {"from": account.address, "to": to, "data": data, "value": hex(value)}
                gas = int(self.rpc("eth_estimateGas", tx), 16)
                nonce = int(self.rpc("eth_getTransactionCount", account.address, "pending"), 16)
                tip = int(self.rpc("eth_maxPriorityFeePerGas"), 16)
                base = int(self.rpc("eth_getBlockByNumber", "latest", False)["baseFeePerGas"], 16)
                chain_id = int(self.rpc("eth_chainId"), 16)
                signed = account.sign_transaction({
                    "type": 2, "chainId": chain_id, "nonce": nonce, "to": to, "data": data, "value": value,
                    "gas": gas, "maxPriorityFeePerGas": tip, "maxFeePerGas": 2 * base + tip})
                try:
                    tx_hash = self.rpc("eth_sendRawTransaction", "0x" + signed.raw_transaction.hex())
                except RpcFailure as e:
                    if attempt < 2 and ("nonce too low" in str(e) or "already known" in str(e)):
                        continue
                    raise
                return self.rpc("eth_getTransactionReceipt", tx_hash)
        raise RuntimeError("unreachable")
