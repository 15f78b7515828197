"""Ethereum JSON-RPC methods over the devnet Chain, answering as geth does (hex quantities,
camelCase fields, revert data in `error.data` with code 3)."""
import re
import threading
import time

from eth_tester.exceptions import BlockNotFound, FilterNotFound, TransactionNotFound, ValidationError
from eth_utils import keccak

from .chain import CHAIN_ID, Reverted
from .rpc_values import (TAGS, RpcError, address, block_id, block_number_of, call_tx, data_hex, format_block,
                         format_log, format_receipt, format_tx, invalid, quantity)

CLIENT_VERSION = "ogpu-devnet/0.1 (eth-tester 0.14/py-evm 0.12)"
PRIORITY_FEE = 10**9


# -- methods -----------------------------------------------------------------------------------

class Methods:
    def __init__(self, chain, manifest_fn):
        self.chain = chain
        self.manifest_fn = manifest_fn
        self.snapshot_offsets = {}
        # Seconds the last dispatch on this thread spent holding the chain lock (for timings).
        self.held = threading.local()
        self.table = {
            "web3_clientVersion": lambda: CLIENT_VERSION,
            "web3_sha3": lambda d: "0x" + keccak(hexstr=data_hex(d)).hex(),
            "net_version": lambda: str(CHAIN_ID),
            "net_listening": lambda: True,
            "net_peerCount": lambda: "0x0",
            "eth_chainId": lambda: hex(CHAIN_ID),
            "eth_syncing": lambda: False,
            "eth_mining": lambda: False,
            "eth_accounts": lambda: [],
            "eth_blockNumber": self.block_number,
            "eth_getBalance": self.get_balance,
            "eth_getTransactionCount": self.get_nonce,
            "eth_getCode": self.get_code,
            "eth_getStorageAt": self.get_storage_at,
            "eth_gasPrice": self.gas_price,
            "eth_maxPriorityFeePerGas": lambda: hex(PRIORITY_FEE),
            "eth_feeHistory": self.fee_history,
            "eth_estimateGas": self.estimate_gas,
            "eth_call": self.call,
            "eth_sendRawTransaction": self.send_raw,
            "eth_getTransactionReceipt": self.get_receipt,
            "eth_getTransactionByHash": self.get_transaction,
            "eth_getBlockByNumber": self.get_block_by_number,
            "eth_getBlockByHash": self.get_block_by_hash,
            "eth_getLogs": self.get_logs,
            "eth_newFilter": self.new_filter,
            "eth_newBlockFilter": lambda: hex(self.chain.tester.create_block_filter()),
            "eth_getFilterChanges": self.filter_changes,
            "eth_getFilterLogs": self.filter_logs,
            "eth_uninstallFilter": self.uninstall_filter,
            "evm_increaseTime": self.increase_time,
            "evm_mine": self.mine,
            "evm_snapshot": self.snapshot,
            "evm_revert": self.revert,
            "ogpu_manifest": lambda: self.manifest_fn(),
        }

    def dispatch(self, method, params):
        fn = self.table.get(method)
        if fn is None:
            raise RpcError(-32601, f"the method {method} does not exist/is not available")
        if params is None:
            params = []
        if not isinstance(params, list):
            raise RpcError(-32602, "params must be an array")
        try:
            with self.chain.lock:
                started = time.perf_counter()
                try:
                    return fn(*params)
                finally:
                    self.held.seconds = time.perf_counter() - started
        except TypeError as e:
            if "positional argument" in str(e):
                raise RpcError(-32602, f"wrong number of params for {method}")
            raise
        except Reverted as r:
            if r.data:
                raise RpcError(3, r.message, "0x" + r.data.hex())
            raise RpcError(-32000, r.message)
        except (BlockNotFound, TransactionNotFound):
            if method.startswith(("eth_getBlockBy", "eth_getTransactionBy", "eth_getTransactionReceipt")):
                return None
            raise RpcError(-32000, "header not found")
        except FilterNotFound:
            raise RpcError(-32000, "filter not found")
        except ValidationError as e:
            raise RpcError(-32602, f"invalid argument: {e}")

    def block_number(self):
        return hex(self.chain.tester.get_block_by_number("latest")["number"])

    def get_balance(self, addr, block="latest"):
        return hex(self.chain.tester.get_balance(address(addr), block_id(self.chain, block)))

    def get_nonce(self, addr, block="latest"):
        return hex(self.chain.tester.get_nonce(address(addr), block_id(self.chain, block)))

    def get_code(self, addr, block="latest"):
        return self.chain.tester.get_code(address(addr), block_id(self.chain, block))

    def get_storage_at(self, addr, slot, block="latest"):
        v = self.chain.tester.get_storage_at(address(addr), quantity(slot, "slot"), block_id(self.chain, block))
        return v if isinstance(v, str) else "0x" + bytes(v).hex()

    def _base_fee(self) -> int:
        return self.chain.backend.chain.header.base_fee_per_gas or 0

    def gas_price(self):
        return hex(self._base_fee() + PRIORITY_FEE)

    def fee_history(self, count, newest="latest", percentiles=None):
        n = count if isinstance(count, int) and not isinstance(count, bool) else quantity(count, "blockCount")
        latest = block_number_of(self.chain, "latest")
        last = latest if block_id(self.chain, newest) in TAGS else min(block_number_of(self.chain, newest), latest)
        n = max(1, min(n, 1024, last + 1))
        pct = percentiles or []
        if not isinstance(pct, list) or any(not isinstance(p, (int, float)) or not 0 <= p <= 100 for p in pct):
            raise invalid("rewardPercentiles must be numbers between 0 and 100")
        chain = self.chain.backend.chain
        base, ratio, reward = [], [], []
        for num in range(last - n + 1, last + 1):
            block = chain.get_canonical_block_by_number(num)
            h = block.header
            base.append(hex(h.base_fee_per_gas or 0))
            ratio.append(h.gas_used / h.gas_limit if h.gas_limit else 0.0)
            if pct:
                tips = sorted(min(getattr(t, "max_priority_fee_per_gas", None) or t.gas_price,
                                  (getattr(t, "max_fee_per_gas", None) or t.gas_price) - (h.base_fee_per_gas or 0))
                              for t in block.transactions)
                reward.append([hex(tips[min(len(tips) - 1, int(len(tips) * p / 100))] if tips else 0) for p in pct])
        following = chain.header if last == latest else chain.get_canonical_block_by_number(last + 1).header
        base.append(hex(following.base_fee_per_gas or 0))
        out = {"oldestBlock": hex(last - n + 1), "baseFeePerGas": base, "gasUsedRatio": ratio}
        if pct:
            out["reward"] = reward
        return out

    def estimate_gas(self, tx, block="latest"):
        return hex(self.chain.estimate_gas(call_tx(tx), block_id(self.chain, block)))

    def call(self, tx, block="latest", *_overrides):
        return "0x" + self.chain.call(call_tx(tx), block_id(self.chain, block)).hex()

    def send_raw(self, raw):
        raw = data_hex(raw, "raw transaction")
        if len(raw) < 4:
            raise invalid("empty transaction")
        signed_chain = chain_id_of_raw(bytes.fromhex(raw[2:]))
        if signed_chain is not None and signed_chain != CHAIN_ID:
            raise RpcError(-32000, f"invalid chain id for signer: have {signed_chain} want {CHAIN_ID}")
        tx_hash = "0x" + keccak(hexstr=raw).hex()
        # O(1) (eth-tester's lookup of a hash it lacks walks every block). A transaction the index
        # misses but the chain holds can only be re-sent with a used nonce: refused as "nonce too low".
        if self.chain.knows_transaction(tx_hash):
            raise RpcError(-32000, "already known")
        try:
            return self.chain.send_raw(raw)
        except RpcError:
            raise
        except Exception as e:  # py-evm/rlp validation: answer like geth, keep serving
            raise RpcError(-32000, geth_tx_error(str(e)))

    def get_receipt(self, tx_hash):
        r = self.chain.tester.get_transaction_receipt(data_hex(tx_hash, "hash"))
        if r is None or r.get("block_number") is None:
            return None
        return format_receipt(r)

    def get_transaction(self, tx_hash):
        return format_tx(self.chain.tester.get_transaction_by_hash(data_hex(tx_hash, "hash")))

    def get_block_by_number(self, number="latest", full=False):
        b = block_id(self.chain, number)
        if isinstance(b, int) and b > block_number_of(self.chain, "latest"):
            return None
        return format_block(self.chain.tester.get_block_by_number(b, bool(full)))

    def get_block_by_hash(self, block_hash, full=False):
        return format_block(self.chain.tester.get_block_by_hash(data_hex(block_hash, "hash"), bool(full)))

    def _filter_args(self, flt):
        if not isinstance(flt, dict):
            raise invalid("filter must be an object")
        if flt.get("blockHash"):
            n = self.chain.tester.get_block_by_hash(data_hex(flt["blockHash"], "blockHash"))["number"]
            frm = to = n
        else:
            frm = block_number_of(self.chain, flt.get("fromBlock", "latest"))
            to = block_number_of(self.chain, flt.get("toBlock", "latest"))
        addr = flt.get("address")
        if isinstance(addr, list):
            addr = [address(a) for a in addr]
        elif addr is not None:
            addr = address(addr)
        topics = flt.get("topics")
        if topics is not None:
            if not isinstance(topics, list):
                raise invalid("topics must be an array")
            topics = [t if t is None else ([data_hex(x, "topic") for x in t] if isinstance(t, list) else data_hex(t, "topic"))
                      for t in topics]
        return frm, to, addr, topics

    def get_logs(self, flt):
        frm, to, addr, topics = self._filter_args(flt)
        if to < frm:
            return []
        fid = self.chain.tester.create_log_filter(from_block=frm, to_block=to, address=addr, topics=topics)
        try:
            return [format_log(lg) for lg in self.chain.tester.get_all_filter_logs(fid)]
        finally:
            self.chain.tester.delete_filter(fid)

    def new_filter(self, flt):
        frm, to, addr, topics = self._filter_args(flt)
        if flt.get("fromBlock", "latest") in ("latest", "pending"):
            frm += 1  # like geth: a filter from "latest" reports only logs of blocks mined after it
        to_block = None if flt.get("toBlock", "latest") in TAGS else to
        return hex(self.chain.tester.create_log_filter(from_block=frm, to_block=to_block, address=addr, topics=topics))

    def filter_changes(self, fid):
        out = self.chain.tester.get_only_filter_changes(quantity(fid, "filter id"))
        return [format_log(x) if isinstance(x, dict) else x for x in out]

    def filter_logs(self, fid):
        return [format_log(x) for x in self.chain.tester.get_all_filter_logs(quantity(fid, "filter id"))]

    def uninstall_filter(self, fid):
        try:
            self.chain.tester.delete_filter(quantity(fid, "filter id"))
            return True
        except FilterNotFound:
            return False

    def increase_time(self, seconds):
        s = seconds if isinstance(seconds, int) and not isinstance(seconds, bool) else quantity(seconds, "seconds")
        return self.chain.increase_time(s)

    def mine(self, timestamp=None):
        if timestamp is not None and not isinstance(timestamp, int):
            timestamp = quantity(timestamp, "timestamp")
        self.chain.mine(timestamp)
        return "0x0"

    def snapshot(self):
        sid = self.chain.tester.take_snapshot()
        self.snapshot_offsets[sid] = self.chain.time_offset
        return hex(sid)

    def revert(self, snap_id):
        """Back to the snapshot's state and clock, as hardhat and anvil do."""
        sid = quantity(snap_id, "snapshot id")
        try:
            self.chain.tester.revert_to_snapshot(sid)
        except Exception:
            return False
        self.chain.time_offset = self.snapshot_offsets.get(sid, self.chain.time_offset)
        self.chain.backend.chain.header = self.chain.backend.chain.header.copy(
            timestamp=self.chain._latest_timestamp() + 1)
        self.chain._sync_pending_time()
        return True


def chain_id_of_raw(raw: bytes):
    """The chain id a raw transaction was signed for; None for pre-EIP-155 legacy ones."""
    import rlp
    try:
        if raw[0] >= 0xC0:  # legacy: v = 35 + 2 * chainId (+1)
            v = int.from_bytes(rlp.decode(raw)[6], "big")
            return (v - 35) // 2 if v >= 35 else None
        fields = rlp.decode(raw[1:])
        return int.from_bytes(fields[0], "big")
    except Exception:
        raise RpcError(-32000, "rlp: cannot decode the transaction")


def geth_tx_error(msg: str) -> str:
    low = msg.lower()
    m = re.search(r"expected (\d+), but got (\d+)", low)
    if "nonce" in low and m:
        expected, got = int(m.group(1)), int(m.group(2))
        return f"nonce too {'low' if got < expected else 'high'}: next nonce {expected}, tx nonce {got}"
    if "balance" in low or "insufficient" in low:
        return "insufficient funds for gas * price + value"
    if "chain" in low and "id" in low:
        return f"invalid chain id: {msg}"
    if "base fee" in low or "max fee" in low:
        return f"max fee per gas less than block base fee: {msg}"
    if "gas" in low and ("intrinsic" in low or "limit" in low):
        return f"intrinsic gas too low: {msg}"
    return f"invalid transaction: {msg}"
