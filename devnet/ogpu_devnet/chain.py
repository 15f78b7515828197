"""The EVM: eth-tester over py-evm, with chain time that follows the wall clock (plus the offset
`evm_increaseTime` adds) and raw revert data for calls, gas estimates and mined transactions."""
import threading
import time

from eth.exceptions import TransactionNotFound as IndexMiss
from eth_abi import decode as abi_decode
from eth_tester import EthereumTester, PyEVMBackend
from eth_utils import to_canonical_address

from .accounts import FUNDING_WEI, dev_accounts

CHAIN_ID = 1337
ERROR_SELECTOR = bytes.fromhex("08c379a0")


class Reverted(Exception):
    """An execution that reverted. `data` is the raw revert data (may be empty)."""

    def __init__(self, data: bytes, message: str):
        super().__init__(message)
        self.data = data
        self.message = message


def revert_message(data: bytes) -> str:
    if data[:4] == ERROR_SELECTOR:
        try:
            return "execution reverted: " + abi_decode(["string"], data[4:])[0]
        except Exception:
            pass
    return "execution reverted"


class Chain:
    """One in-memory chain. Every method takes the lock: py-evm is not thread-safe."""

    def __init__(self):
        genesis_state = {
            to_canonical_address(a["address"]): {"balance": FUNDING_WEI, "nonce": 0, "code": b"", "storage": {}}
            for a in dev_accounts()
        }
        self.backend = PyEVMBackend(genesis_state=genesis_state)
        type(self.backend.chain).chain_id = CHAIN_ID
        self.tester = EthereumTester(backend=self.backend)
        self.lock = threading.RLock()
        self.time_offset = 0
        self._sync_pending_time()

    # -- time ------------------------------------------------------------------------------------

    def _latest_timestamp(self) -> int:
        return self.tester.get_block_by_number("latest")["timestamp"]

    def _sync_pending_time(self):
        """Sets the pending block's timestamp to now (+ offset) so block.timestamp tracks real time."""
        chain = self.backend.chain
        target = max(int(time.time()) + self.time_offset, self._latest_timestamp() + 1)
        if chain.header.timestamp != target:
            chain.header = chain.header.copy(timestamp=target)

    def increase_time(self, seconds: int) -> int:
        """Moves chain time `seconds` past the pending block's time (which may already run ahead
        of the wall clock: one block per transaction, each at least a second after its parent)."""
        with self.lock:
            self._sync_pending_time()
            target = self.backend.chain.header.timestamp + int(seconds)
            self.time_offset = target - int(time.time())
            self._sync_pending_time()
            return int(seconds)

    def mine(self, timestamp=None):
        with self.lock:
            if timestamp is not None:
                self.time_offset = max(0, int(timestamp) - int(time.time()))
            self._sync_pending_time()
            self.tester.mine_blocks(1)
            self._sync_pending_time()

    # -- execution -------------------------------------------------------------------------------

    def _execute(self, tx: dict, block="latest"):
        """Runs tx on the state of `block` without committing; returns (computation, intrinsic gas).

        Like geth's eth_call, the sender pays no fee: the state copy is credited with gas x base
        fee first, so unfunded senders and default gas limits work.
        """
        from eth_tester.backends.pyevm.main import EVMSpoofTransaction, _get_vm_for_block_number

        backend = self.backend
        vm = _get_vm_for_block_number(backend.chain, block)
        base_fee = vm.get_header().base_fee_per_gas or 0
        call_tx = dict(tx)
        call_tx.setdefault("gas", vm.get_header().gas_limit)
        call_tx.setdefault("value", 0)
        call_tx.setdefault("data", "0x")
        call_tx["max_fee_per_gas"] = base_fee
        call_tx["max_priority_fee_per_gas"] = 0
        inbound = self.tester.normalizer.normalize_inbound_transaction(call_tx)
        unsigned = backend._get_normalized_and_unsigned_evm_transaction(inbound, block)
        spoof = EVMSpoofTransaction(unsigned, from_=inbound["from"])
        state = vm.state
        snapshot = state.snapshot()
        try:
            sender = inbound["from"]
            state.set_balance(sender, state.get_balance(sender) + call_tx["gas"] * base_fee)
            computation = state.apply_transaction(spoof)
        finally:
            state.revert(snapshot)
        return computation, unsigned.intrinsic_gas

    @staticmethod
    def _raise_if_failed(computation):
        if computation.is_error:
            err = computation._error
            data = err.args[0] if err.args and isinstance(err.args[0], (bytes, bytearray)) else b""
            if type(err).__name__ != "Revert":
                raise Reverted(b"", f"execution failed: {type(err).__name__}")
            raise Reverted(bytes(data), revert_message(bytes(data)))

    def _evm_call(self, tx: dict, block="latest") -> bytes:
        """Runs tx without committing. Returns output or raises Reverted with the raw data."""
        computation, _ = self._execute(tx, block)
        self._raise_if_failed(computation)
        return bytes(computation.output)

    def call(self, tx: dict, block="latest") -> bytes:
        # "latest" runs on top of the newest block with the current time, as a geth node would.
        with self.lock:
            self._sync_pending_time()
            return self._evm_call(tx, _exec_block(block))

    def estimate_gas(self, tx: dict, block="latest") -> int:
        """The smallest gas limit with which tx succeeds (reverts raise Reverted, as in geth)."""
        with self.lock:
            self._sync_pending_time()
            block = _exec_block(block)
            probe = {k: v for k, v in tx.items() if k != "gas"}
            cap = tx.get("gas") or self.backend.chain.header.gas_limit
            computation, intrinsic = self._execute({**probe, "gas": cap}, block)
            self._raise_if_failed(computation)

            def ok(gas):
                return not self._execute({**probe, "gas": gas}, block)[0].is_error

            guess = computation.get_gas_used() + intrinsic
            if ok(guess):
                return guess
            lo, hi = guess, min(cap, guess * 65 // 63 + 5000)
            if not ok(hi):
                lo, hi = hi, cap
            while hi - lo > max(500, lo // 200):
                mid = (lo + hi) // 2
                lo, hi = (lo, mid) if ok(mid) else (mid, hi)
            return hi

    def send_raw(self, raw_hex: str) -> str:
        with self.lock:
            self._sync_pending_time()
            tx_hash = self.tester.send_raw_transaction(raw_hex)
            self._sync_pending_time()
            return tx_hash

    def knows_transaction(self, tx_hash: str) -> bool:
        """Whether the chain holds tx_hash (pending block or canonical chain), in O(1).

        eth-tester's own lookup walks every block from the head down, so asking about a hash the
        chain does not have — what "already known?" does before every send — cost time growing with
        the chain (~0.5 ms per block: 100 ms after 200 blocks). py-evm keeps a hash → (block, index)
        index; an entry is confirmed against the canonical block at or below the head, so one left
        behind by `evm_revert` cannot answer yes. The index can also miss a transaction re-mined with identical bytes after
        `evm_revert`, so a "no" here is only good enough to let a send go on to the node's own
        checks; receipts and lookups by hash still use eth-tester's full search.
        """
        h = bytes.fromhex(tx_hash[2:] if tx_hash.startswith("0x") else tx_hash)
        with self.lock:
            chain = self.backend.chain
            if any(t.hash == h for t in chain.get_block().transactions):
                return True
            try:
                number, index = chain.chaindb.get_transaction_index(h)
                # After evm_revert the old blocks above the head stay in the number → block map.
                if number > chain.chaindb.get_canonical_head().block_number:
                    return False
                block = chain.get_canonical_block_by_number(number)
            except (IndexMiss, LookupError, ValueError):
                return False
            except Exception:  # e.g. a block index past a reverted head
                return False
            return index < len(block.transactions) and block.transactions[index].hash == h

    def revert_data_of(self, tx_hash: str) -> bytes:
        """Replays a mined, failed transaction on its parent state to recover its revert data."""
        with self.lock:
            tx = self.tester.get_transaction_by_hash(tx_hash)
            call = {"from": tx["from"], "to": tx["to"] or None, "data": tx["input"], "value": tx["value"],
                    "gas": tx["gas"]}
            if call["to"] is None:
                del call["to"]
            try:
                self._evm_call(call, max(0, tx["block_number"] - 1))
            except Reverted as r:
                return r.data
            return b""


def _exec_block(block):
    return "pending" if block in ("latest", "pending", "safe", "finalized") else block
