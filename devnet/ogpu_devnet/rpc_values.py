"""JSON-RPC value shapes: eth-tester's python values out as geth's JSON, request params in."""
import re

from eth_utils import is_hex

from .chain import CHAIN_ID

TAGS = ("latest", "pending", "earliest", "safe", "finalized")


class RpcError(Exception):
    def __init__(self, code: int, message: str, data=None):
        super().__init__(message)
        self.code, self.message, self.data = code, message, data


def invalid(msg: str) -> RpcError:
    return RpcError(-32602, f"invalid argument: {msg}")


# -- output formatting -------------------------------------------------------------------------

def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)



def to_rpc(value):
    """eth-tester's snake_case python values → JSON-RPC (camelCase keys, hex quantities)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return hex(value)
    if isinstance(value, float):
        return value
    if isinstance(value, (bytes, bytearray)):
        return "0x" + bytes(value).hex()
    if isinstance(value, str):
        return value if value != "" else None
    if isinstance(value, dict):
        return {_camel(k): to_rpc(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_rpc(v) for v in value]
    return value


def format_tx(tx: dict) -> dict:
    out = to_rpc(tx)
    if "data" in out:  # geth names the calldata "input"
        out.setdefault("input", out["data"])
    if tx.get("type", 0) != 0 or "chain_id" in tx:
        out.setdefault("chainId", hex(CHAIN_ID))
    return out


def format_block(block: dict) -> dict:
    out = to_rpc(block)
    if block.get("transactions") and isinstance(block["transactions"][0], dict):
        out["transactions"] = [format_tx(t) for t in block["transactions"]]
    out.setdefault("uncles", [])
    out.setdefault("totalDifficulty", "0x0")
    if "coinbase" in out:
        out["miner"] = out.pop("coinbase")
    return out


def format_log(log: dict) -> dict:
    out = to_rpc({k: v for k, v in log.items() if k != "type"})
    out["removed"] = False
    return out


def format_receipt(receipt: dict) -> dict:
    # post-Byzantium receipts carry `status`, not a state root
    out = to_rpc({k: v for k, v in receipt.items() if k not in ("logs", "state_root")})
    out["logs"] = [format_log(lg) for lg in receipt["logs"]]
    out["logsBloom"] = out.get("logsBloom") or "0x" + "00" * 256
    return out


# -- input parsing -----------------------------------------------------------------------------

def quantity(value, name="quantity") -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and re.fullmatch(r"0x[0-9a-fA-F]{1,64}", value):
        return int(value, 16)
    raise invalid(f"{name} must be a hex quantity like 0x1a, got {value!r}")


def data_hex(value, name="data") -> str:
    if isinstance(value, str) and is_hex(value) and value.startswith("0x") and len(value) % 2 == 0:
        return value
    raise invalid(f"{name} must be 0x-prefixed hex bytes")


def address(value, name="address") -> str:
    if isinstance(value, str) and re.fullmatch(r"0x[0-9a-fA-F]{40}", value):
        return value
    raise invalid(f"{name} must be a 0x-prefixed 20-byte address")


def block_id(chain, value="latest"):
    if isinstance(value, dict):
        if "blockHash" in value:
            return chain.tester.get_block_by_hash(value["blockHash"])["number"]
        value = value.get("blockNumber", "latest")
    if value in TAGS:
        return value
    return quantity(value, "block number")


def block_number_of(chain, value) -> int:
    b = block_id(chain, value)
    if b == "earliest":
        return 0
    if isinstance(b, str):
        return chain.tester.get_block_by_number("latest")["number"]
    return b


def call_tx(obj) -> dict:
    if not isinstance(obj, dict):
        raise invalid("transaction must be an object")
    tx = {"from": address(obj.get("from") or "0x" + "00" * 20, "from")}
    if obj.get("to") is not None:
        tx["to"] = address(obj["to"], "to")
    data = obj.get("input", obj.get("data"))
    if data is not None:
        tx["data"] = data_hex(data)
    for src, dst in (("gas", "gas"), ("value", "value")):
        if obj.get(src) is not None:
            tx[dst] = quantity(obj[src], src)
    return tx
