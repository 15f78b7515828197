"""eth-abi as a differential peer for the ABI tests (Tests/OGPUKitTests/Encoding/ABI/ABIDifferentialTests.swift).

Reads one JSON job on stdin and writes one JSON answer on stdout:
  encode: [{types, values}] -> encoded: [hex]            eth-abi encodes the same values
  decode: [{types, data}]   -> decoded: [hex or null]    eth-abi decodes the bytes and re-encodes what it
                                                         read (null when it rejects them)
Values arrive typed by `types`: integers as decimal strings, bytes/bytesN as 0x-hex, addresses as hex,
tuples and arrays as JSON arrays.
"""
import json
import sys

from eth_abi import decode, encode
from eth_abi.grammar import TupleType, parse


def convert(abi_type, value):
    if abi_type.is_array:
        return [convert(abi_type.item_type, item) for item in value]
    if isinstance(abi_type, TupleType):
        return tuple(convert(c, item) for c, item in zip(abi_type.components, value))
    if abi_type.base in ("uint", "int"):
        return int(value)
    if abi_type.base == "bytes":
        return bytes.fromhex(value[2:])
    return value  # address, bool, string


def main():
    job = json.load(sys.stdin)
    answer = {"encoded": [], "decoded": []}
    for case in job.get("encode", []):
        values = [convert(parse(t), v) for t, v in zip(case["types"], case["values"])]
        answer["encoded"].append("0x" + encode(case["types"], values).hex())
    for case in job.get("decode", []):
        try:
            decoded = decode(case["types"], bytes.fromhex(case["data"][2:]))
            answer["decoded"].append("0x" + encode(case["types"], list(decoded)).hex())
        except Exception:
            answer["decoded"].append(None)
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
