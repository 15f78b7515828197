"""The JSON-RPC surface a wallet uses, answered as geth does; malformed input never kills it."""
import json
import socket
import urllib.request

import pytest
from eth_account import Account
from eth_utils import keccak

from conftest import RpcFailure, revert_reason

FRESH = Account.from_key("0x" + keccak(text="rpc-test-fresh").hex())


def post(devnet, body: bytes, content_type="application/json"):
    req = urllib.request.Request(devnet.m["rpc"], body, {"Content-Type": content_type})
    with urllib.request.urlopen(req, timeout=10) as resp:
        raw = resp.read()
        return resp.status, (json.loads(raw) if raw else None)


def test_chain_identity(devnet):
    assert int(devnet.c.rpc("eth_chainId"), 16) == devnet.m["chainId"]
    assert devnet.c.rpc("net_version") == str(devnet.m["chainId"])
    assert devnet.c.rpc("web3_clientVersion").startswith("ogpu-devnet/")


def test_manifest_rpc_equals_file(devnet):
    assert devnet.c.rpc("ogpu_manifest") == devnet.m
    m = devnet.m
    assert set(m["contracts"]) >= {"NEXUS", "CONTROLLER", "TERMINAL", "VAULT", "MANAGER"}
    assert m["ipfs"]["pin"].endswith("/file/create") and m["ipfs"]["gateway"].endswith("/ipfs/")
    assert set(m["sources"]) == {"first_response", "manual_confirmation"}
    assert {a["role"] for a in m["accounts"]} == {"client", "provider", "deployer"}
    for a in m["accounts"]:
        assert Account.from_key(a["privateKey"]).address == a["address"]


def test_dev_accounts_are_funded_and_client_has_vault_deposit(devnet):
    for a in devnet.accounts:
        assert int(devnet.c.rpc("eth_getBalance", a["address"], "latest"), 16) > 10**20
    assert devnet.vault("balanceOf", devnet.client["address"]) >= 10**18
    for p in devnet.providers:
        assert devnet.vault("lockupOf", p["address"]) >= devnet.c.call(devnet.k["VAULT"], "MIN_LOCKUP_PER_SOURCE()", returns=["uint256"])


def test_manager_is_wired(devnet):
    for name in ("NEXUS", "TERMINAL", "VAULT"):
        assert devnet.c.call(devnet.k[name], "manager()", returns=["address"]).lower() == devnet.k["MANAGER"].lower()
    controller_role = devnet.c.call(devnet.k["NEXUS"], "CONTROLLER()", returns=["bytes32"])
    assert controller_role == keccak(text="CONTROLLER")
    assert devnet.c.call(devnet.k["NEXUS"], "checkController(address)", [devnet.k["CONTROLLER"]], ["bool"])


def fund(devnet, to, wei):
    d = devnet.deployer
    nonce = int(devnet.c.rpc("eth_getTransactionCount", d["address"], "pending"), 16)
    signed = Account.from_key(d["privateKey"]).sign_transaction(
        {"type": 2, "chainId": devnet.m["chainId"], "nonce": nonce, "to": to, "value": wei, "gas": 21000,
         "maxFeePerGas": 10**11, "maxPriorityFeePerGas": 10**9})
    return devnet.c.rpc("eth_sendRawTransaction", "0x" + signed.raw_transaction.hex())


@pytest.mark.parametrize("kind", ["legacy-eip155", "legacy-pre155", "eip1559"])
def test_send_raw_transaction_kinds(devnet, kind):
    acct = Account.create()
    fund(devnet, acct.address, 10**18)
    tx = {"nonce": 0, "to": FRESH.address, "value": 12345, "gas": 21000}
    if kind == "eip1559":
        tx.update(type=2, chainId=devnet.m["chainId"], maxFeePerGas=10**11, maxPriorityFeePerGas=10**9)
    else:
        tx.update(gasPrice=10**11)
        if kind == "legacy-eip155":
            tx["chainId"] = devnet.m["chainId"]
    signed = acct.sign_transaction(tx)
    h = devnet.c.rpc("eth_sendRawTransaction", "0x" + signed.raw_transaction.hex())
    assert h == "0x" + signed.hash.hex()
    r = devnet.c.rpc("eth_getTransactionReceipt", h)
    assert r["status"] == "0x1" and r["transactionHash"] == h and r["from"].lower() == acct.address.lower()
    t = devnet.c.rpc("eth_getTransactionByHash", h)
    assert int(t["value"], 16) == 12345 and int(t["nonce"], 16) == 0
    assert int(devnet.c.rpc("eth_getTransactionCount", acct.address, "pending"), 16) == 1
    # the same bytes again: geth says "already known"
    with pytest.raises(RpcFailure, match="already known"):
        devnet.c.rpc("eth_sendRawTransaction", "0x" + signed.raw_transaction.hex())


def test_nonce_too_low_and_wrong_chain_are_errors_not_crashes(devnet):
    acct = Account.create()
    fund(devnet, acct.address, 10**18)
    base = {"to": FRESH.address, "value": 1, "gas": 21000, "type": 2, "maxFeePerGas": 10**11,
            "maxPriorityFeePerGas": 10**9, "chainId": devnet.m["chainId"]}
    devnet.c.rpc("eth_sendRawTransaction", "0x" + acct.sign_transaction({**base, "nonce": 0}).raw_transaction.hex())
    stale = acct.sign_transaction({**base, "nonce": 0, "value": 2})
    with pytest.raises(RpcFailure, match="nonce too low"):
        devnet.c.rpc("eth_sendRawTransaction", "0x" + stale.raw_transaction.hex())
    other_chain = acct.sign_transaction({**base, "nonce": 1, "chainId": 1})
    with pytest.raises(RpcFailure) as e:
        devnet.c.rpc("eth_sendRawTransaction", "0x" + other_chain.raw_transaction.hex())
    assert e.value.error["code"] == -32000
    poor = Account.create().sign_transaction({**base, "nonce": 0})
    with pytest.raises(RpcFailure, match="insufficient funds"):
        devnet.c.rpc("eth_sendRawTransaction", "0x" + poor.raw_transaction.hex())
    assert devnet.c.rpc("eth_blockNumber")  # still serving


def test_revert_comes_back_as_error_string_data_code_3(devnet):
    err = devnet.call_error(devnet.k["CONTROLLER"], "cancelTask(address)", ["0x" + "11" * 20])
    assert err["code"] == 3
    assert err["message"] == "execution reverted: UnknownTask"
    assert err["data"].startswith("0x08c379a0")
    assert revert_reason(err) == "UnknownTask"


def test_custom_error_revert_data_is_passed_through(devnet):
    # OZ Ownable's custom error from a non-owner: OwnableUnauthorizedAccount(address)
    with pytest.raises(RpcFailure) as e:
        devnet.c.rpc("eth_estimateGas", {"from": devnet.client["address"], "to": devnet.k["NEXUS"],
                                         "data": "0xf2fde38b" + "00" * 31 + "01"})
    assert e.value.error["code"] == 3
    assert e.value.error["data"] == "0x118cdaa7" + "00" * 12 + devnet.client["address"][2:].lower()


def test_estimate_gas_is_enough_and_not_absurd(devnet):
    tx = {"from": devnet.client["address"], "to": devnet.k["VAULT"], "value": hex(10**15),
          "data": "0xf340fa01" + "00" * 12 + devnet.client["address"][2:]}
    gas = int(devnet.c.rpc("eth_estimateGas", tx), 16)
    assert 21000 < gas < 200_000
    r = devnet.c.send(devnet.client["privateKey"], devnet.k["VAULT"], "deposit(address)", [devnet.client["address"]], 10**15)
    assert int(r["gasUsed"], 16) <= gas


def test_fee_methods(devnet):
    latest = devnet.c.rpc("eth_getBlockByNumber", "latest", False)
    base = int(latest["baseFeePerGas"], 16)
    assert int(devnet.c.rpc("eth_gasPrice"), 16) >= 1
    assert int(devnet.c.rpc("eth_maxPriorityFeePerGas"), 16) == 10**9
    fh = devnet.c.rpc("eth_feeHistory", "0x3", "latest", [5, 50])
    n = int(latest["number"], 16)
    assert int(fh["oldestBlock"], 16) == n - 2
    assert len(fh["baseFeePerGas"]) == 4 and int(fh["baseFeePerGas"][2], 16) == base
    assert len(fh["gasUsedRatio"]) == 3 and len(fh["reward"]) == 3 and len(fh["reward"][0]) == 2


def test_blocks_and_logs(devnet):
    b = devnet.c.rpc("eth_getBlockByNumber", "latest", True)
    assert b["number"] == devnet.c.rpc("eth_blockNumber")
    assert devnet.c.rpc("eth_getBlockByHash", b["hash"], False)["hash"] == b["hash"]
    assert devnet.c.rpc("eth_getBlockByNumber", hex(int(b["number"], 16) + 100), False) is None
    assert devnet.c.rpc("eth_getTransactionReceipt", "0x" + "ab" * 32) is None
    assert devnet.c.rpc("eth_getTransactionByHash", "0x" + "ab" * 32) is None
    published = "0x" + keccak(text="SourcePublished(address)").hex()
    logs = devnet.c.rpc("eth_getLogs", {"address": devnet.k["NEXUS"], "topics": [published], "fromBlock": "0x0", "toBlock": "latest"})
    found = {"0x" + lg["data"][-40:] for lg in logs}
    assert {s.lower() for s in devnet.m["sources"].values()} <= found
    assert all(lg["topics"] == [published] for lg in logs)
    assert len(devnet.c.rpc("eth_getCode", devnet.k["NEXUS"], "latest")) > 1000


def test_evm_time_snapshot_revert(devnet):
    snap = devnet.c.rpc("evm_snapshot")
    before = devnet.now()
    devnet.c.rpc("evm_increaseTime", 3600)
    devnet.c.rpc("evm_mine")
    after = int(devnet.c.rpc("eth_getBlockByNumber", "latest", False)["timestamp"], 16)
    assert after >= before + 3600
    n = devnet.c.rpc("eth_blockNumber")
    fund(devnet, FRESH.address, 1)
    assert devnet.c.rpc("evm_revert", snap) is True
    assert int(devnet.c.rpc("eth_blockNumber"), 16) < int(n, 16)
    assert devnet.now() < before + 600  # the clock came back too


def test_batch(devnet):
    status, out = post(devnet, json.dumps([
        {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"},
        {"jsonrpc": "2.0", "id": "b", "method": "eth_blockNumber"},
        {"jsonrpc": "2.0", "id": 3, "method": "no_such_method"},
        {"jsonrpc": "2.0", "method": "eth_chainId"},  # notification: no answer
        42,
    ]).encode())
    assert status == 200
    by_id = {a["id"]: a for a in out if a["id"] is not None}
    assert by_id[1]["result"] == hex(devnet.m["chainId"])
    assert by_id["b"]["result"].startswith("0x")
    assert by_id[3]["error"]["code"] == -32601
    assert [a["error"]["code"] for a in out if a["id"] is None] == [-32600]
    assert len(out) == 4


@pytest.mark.parametrize("body,code", [
    (b"{not json", -32700),
    (b"[]", -32600),
    (b'"just a string"', -32600),
    (b'{"jsonrpc": "1.0", "id": 1, "method": "eth_chainId"}', -32600),
    (b'{"jsonrpc": "2.0", "id": 1, "method": 7}', -32600),
    (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_getBalance", "params": ["0xnothex", "latest"]}', -32602),
    (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_getBalance", "params": {"a": 1}}', -32602),
    (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_getBalance", "params": []}', -32602),
    (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_sendRawTransaction", "params": ["0xdeadbeef"]}', -32000),
    (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_call", "params": [{"to": "0x12"}, "latest"]}', -32602),
    (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_getLogs", "params": [{"fromBlock": "yesterday"}]}', -32602),
    (b'\xff\xfe\x00garbage', -32700),
])
def test_malformed_requests_get_jsonrpc_errors(devnet, body, code):
    status, out = post(devnet, body)
    assert status == 200 and out["error"]["code"] == code, out
    assert devnet.c.rpc("eth_chainId")  # and the server is still there


def test_http_level_abuse_does_not_kill_the_server(devnet):
    port = int(devnet.m["rpc"].rsplit(":", 1)[1])
    for payload in (b"GARBAGE\r\n\r\n", b"POST / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n",
                    b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nab", b""):
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(payload)
            s.shutdown(socket.SHUT_WR)
            try:
                s.recv(1000)
            except OSError:
                pass
    assert devnet.c.rpc("eth_chainId") == hex(devnet.m["chainId"])


def test_geth_field_names(devnet):
    b = devnet.c.rpc("eth_getBlockByNumber", "0x1", True)
    assert {"number", "hash", "parentHash", "miner", "timestamp", "baseFeePerGas", "gasLimit", "gasUsed"} <= set(b)
    tx = b["transactions"][0]
    assert tx["input"].startswith("0x") and tx["type"] == "0x2" and tx["to"] is None
    r = devnet.c.rpc("eth_getTransactionReceipt", tx["hash"])
    assert {"status", "contractAddress", "effectiveGasPrice", "gasUsed", "cumulativeGasUsed", "logsBloom"} <= set(r)
    assert "stateRoot" not in r and r["contractAddress"].lower() == devnet.m["blueprints"]["Task"].lower()


def test_state_at_unknown_block_is_an_error_and_past_blocks_work(devnet):
    with pytest.raises(RpcFailure, match="header not found"):
        devnet.c.rpc("eth_getBalance", devnet.client["address"], "0xffffff")
    with pytest.raises(RpcFailure, match="header not found"):
        devnet.c.rpc("eth_call", {"to": devnet.k["VAULT"], "data": "0x"}, "0xffffff")
    # the client's vault deposit did not exist at genesis
    data = "0x70a08231" + "00" * 12 + devnet.client["address"][2:]
    assert int(devnet.c.rpc("eth_call", {"to": devnet.k["VAULT"], "data": data}, "latest"), 16) > 0
    assert devnet.c.rpc("eth_getCode", devnet.k["VAULT"], "0x0") == "0x"


def test_log_filter_reports_only_new_logs(devnet):
    deposited = "0x" + keccak(text="Deposited(address,uint256)").hex()
    fid = devnet.c.rpc("eth_newFilter", {"address": devnet.k["VAULT"], "topics": [deposited]})
    assert devnet.c.rpc("eth_getFilterChanges", fid) == []
    devnet.c.send(devnet.client["privateKey"], devnet.k["VAULT"], "deposit(address)", [devnet.client["address"]], 7)
    changes = devnet.c.rpc("eth_getFilterChanges", fid)
    assert len(changes) == 1 and int(changes[0]["data"][-64:], 16) == 7
    assert devnet.c.rpc("eth_getFilterChanges", fid) == []
    assert devnet.c.rpc("eth_uninstallFilter", fid) is True
    assert devnet.c.rpc("eth_uninstallFilter", fid) is False
