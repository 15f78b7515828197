"""eth-account as a differential peer for the wallet tests (Tests/OGPUKitTests/Wallet/WalletDifferentialTests.swift).

Reads one JSON job on stdin and writes one JSON answer on stdout:
  transactions: [{key, tx}]   -> signed: [{raw, hash}]       eth-account signs the same fields
  raws: [hex]                 -> recovered: [address]        eth-account recovers the sender of our bytes
  decrypt: [{json, password}] -> decrypted: [key hex]        eth-account opens our keystores
  encrypt: [{key, password, kdf, work}] -> encrypted: [json] keystores for us to open
Integers arrive as 0x-hex strings so no JSON number limit applies.
"""
import json
import sys

from eth_account import Account

INT_FIELDS = {"nonce", "gas", "gasPrice", "maxFeePerGas", "maxPriorityFeePerGas", "value", "chainId", "type"}


def to_eth_account(tx):
    out = {}
    for name, value in tx.items():
        out[name] = int(value, 16) if name in INT_FIELDS else value
    return out


def main():
    job = json.load(sys.stdin)
    answer = {"signed": [], "recovered": [], "decrypted": [], "encrypted": []}
    for item in job.get("transactions", []):
        signed = Account.sign_transaction(to_eth_account(item["tx"]), item["key"])
        answer["signed"].append({"raw": "0x" + bytes(signed.raw_transaction).hex(), "hash": "0x" + bytes(signed.hash).hex()})
    for raw in job.get("raws", []):
        answer["recovered"].append(Account.recover_transaction(raw))
    for item in job.get("decrypt", []):
        answer["decrypted"].append("0x" + bytes(Account.decrypt(item["json"], item["password"])).hex())
    for item in job.get("encrypt", []):
        answer["encrypted"].append(json.dumps(Account.encrypt(item["key"], item["password"], kdf=item["kdf"], iterations=item["work"])))
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
