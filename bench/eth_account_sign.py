"""Peer for `ogpu-bench sign`: eth-account signing the same EIP-1559 transaction.

Reads {"private_key", "tx", "seconds"} as JSON on stdin, signs (build + sign + serialize) in a loop
for about `seconds` of CPU time, and prints {"rate": signatures per CPU second, "raw": hex of the signed bytes} so the
caller can check both sides did the same work.
"""
import json
import sys
import time

from eth_account import Account


def main():
    job = json.load(sys.stdin)
    key = job["private_key"]
    tx = job["tx"]
    deadline = job["seconds"]
    signed = Account.sign_transaction(tx, key)  # warm-up, and the bytes we report
    count = 0
    start = time.process_time()
    while True:
        for _ in range(50):
            Account.sign_transaction(tx, key)
        count += 50
        elapsed = time.process_time() - start
        if elapsed >= deadline:
            break
    raw = signed.raw_transaction if hasattr(signed, "raw_transaction") else signed.rawTransaction
    print(json.dumps({"rate": count / elapsed, "raw": "0x" + bytes(raw).hex()}))


if __name__ == "__main__":
    main()
