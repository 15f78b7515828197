"""Peer for `ogpu-bench abi`: eth-abi doing the same work as the Swift side.

Reads {"seconds", "selector", "publish": [source, config, expiryTime, payment], "corpus": path} as JSON on
stdin and measures, each for about `seconds`:
  • encode: publishTask((address,string,uint256,uint256)) calldata (selector + eth_abi.encode);
  • decode: every case of ethers/abi.json (1,024 nested tuple/array values), eth_abi.decode([type], data).
Prints {"encode_rate": calls/s, "calldata": hex, "decode_rate": cases/s, "decoded": cases per pass} so the
caller can check both sides produced the same bytes and decoded the same cases.
"""
import json
import sys
import time

from eth_abi import decode, encode


def rate(seconds, body, per_call=1):
    body()  # warm-up
    count = 0
    start = time.perf_counter()
    while True:
        body()
        count += per_call
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return count / elapsed


def main():
    job = json.load(sys.stdin)
    seconds = job["seconds"]
    selector = bytes.fromhex(job["selector"][2:])
    source, config, expiry, payment = job["publish"]
    args = [(source, config, int(expiry), int(payment))]
    types = ["(address,string,uint256,uint256)"]

    def encode_call():
        return selector + encode(types, args)

    def encode_batch():
        for _ in range(100):
            encode_call()

    with open(job["corpus"]) as f:
        cases = [(c["type"], bytes.fromhex(c["encoded"][2:])) for c in json.load(f)]

    def decode_all():
        for type_, data in cases:
            decode([type_], data)

    result = {
        "encode_rate": rate(seconds, encode_batch, 100),
        "calldata": "0x" + encode_call().hex(),
        "decode_rate": rate(seconds, decode_all, len(cases)),
        "decoded": len(cases),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
