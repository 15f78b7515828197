"""The agent's lean ABI codec and EIP-1559 signer, differentially against eth_abi/eth_account."""
import os

import eth_abi
import pytest
from eth_account import Account

from ogpu_devnet.abi import address_of, decode, encode, encode_call, sign_1559
from ogpu_devnet.provider import to_checksum_address

CASES = [
    (["(address,address,string,uint256)"], [("0x" + "11" * 20, "0x" + "22" * 20, "h\u00e9llo " * 40, 10**18)]),
    (["(address,string,uint256,uint256)"], [("0x" + "ab" * 20, "https://x/ipfs/bafk", 2**255, 0)]),
    (["address[]", "uint256[]"], [["0x" + "33" * 20, "0x" + "44" * 20], [1, 2, 3]]),
    (["uint8", "bool", "bytes32", "string", "bytes"], [255, True, b"\x01" * 32, "", b"\x00\xff"]),
    (["(address,string,uint8,uint256,uint256,uint256,bool,string,uint8,uint256)"],
     [("0x" + "55" * 20, "meta", 7, 1, 2, 3, False, "", 1, 1700000000)]),
]


@pytest.mark.parametrize("types,values", CASES)
def test_encode_decode_match_eth_abi(types, values):
    assert encode(types, values) == eth_abi.encode(types, values)
    ours = decode(types, eth_abi.encode(types, values))
    theirs = eth_abi.decode(types, eth_abi.encode(types, values))
    norm = lambda v: [norm(x) for x in v] if isinstance(v, (list, tuple)) else (v.lower() if isinstance(v, str) and v.startswith("0x") else v)  # noqa: E731
    assert norm(ours) == norm(theirs)


def test_selector():
    assert encode_call("publishTask((address,string,uint256,uint256))", [("0x" + "11" * 20, "u", 1, 2)])[:10] == "0x90d93b1d"


@pytest.mark.parametrize("seed", range(8))
def test_signing_matches_eth_account(seed):
    key = "0x" + os.urandom(32).hex()
    acct = Account.from_key(key)
    assert address_of(key) == acct.address.lower()
    assert to_checksum_address(acct.address.lower()) == acct.address
    tx = dict(chain_id=1337 + seed, nonce=seed * 1000, to=to_checksum_address("0x" + os.urandom(20).hex()), data="0x" + os.urandom(seed * 40).hex(),
              value=seed * 10**17, gas=21000 + seed, max_priority=10**9, max_fee=10**10 + seed)
    raw = sign_1559(key, tx["chain_id"], tx["nonce"], tx["to"], tx["data"], tx["value"], tx["gas"], tx["max_priority"], tx["max_fee"])
    ref = acct.sign_transaction({"type": 2, "chainId": tx["chain_id"], "nonce": tx["nonce"], "to": tx["to"], "data": tx["data"],
                                 "value": tx["value"], "gas": tx["gas"], "maxPriorityFeePerGas": tx["max_priority"],
                                 "maxFeePerGas": tx["max_fee"]})
    assert raw == "0x" + ref.raw_transaction.hex()
