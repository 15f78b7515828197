"""A small ABI codec and EIP-1559 signer for the provider agent and tests.

Why not eth_abi/eth_account: importing them costs ~3 s of CPU (py_ecc, pydantic), which the agent
would spend on every devnet start; this keeps the agent's start cheap. Covers the static types,
string/bytes, dynamic arrays and tuples the protocol uses.
"""
from Crypto.Hash import keccak as _keccak


def keccak(data: bytes) -> bytes:
    return _keccak.new(digest_bits=256, data=data).digest()


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


def _is_dynamic(t: str) -> bool:
    if t.endswith("[]") or t in ("string", "bytes"):
        return True
    if t.startswith("("):
        return any(_is_dynamic(x) for x in split_types(t[1:-1]))
    return False


def _encode_static(t: str, v) -> bytes:
    if t == "address":
        return bytes.fromhex(v[2:].rjust(64, "0")) if isinstance(v, str) else bytes(12) + bytes(v)
    if t == "bool":
        return int(bool(v)).to_bytes(32, "big")
    if t.startswith("uint"):
        return int(v).to_bytes(32, "big")
    if t.startswith("int"):
        return int(v).to_bytes(32, "big", signed=True)
    if t.startswith("bytes"):
        return bytes(v).ljust(32, b"\0")
    raise ValueError(f"unsupported ABI type {t}")


def encode(types: list, values) -> bytes:
    heads, tails = [], []
    head_size = 32 * len(types)
    for t, v in zip(types, values):
        if _is_dynamic(t):
            heads.append(None)
            tails.append(_encode_dynamic(t, v))
        else:
            heads.append(_encode_one(t, v))
            tails.append(b"")
    out, offset = b"", head_size
    for h, tl in zip(heads, tails):
        if h is None:
            out += offset.to_bytes(32, "big")
            offset += len(tl)
        else:
            out += h
    return out + b"".join(tails)


def _encode_one(t: str, v) -> bytes:
    if t.startswith("("):
        return encode(split_types(t[1:-1]), v)
    return _encode_static(t, v)


def _encode_dynamic(t: str, v) -> bytes:
    if t in ("string", "bytes"):
        raw = v.encode() if isinstance(v, str) else bytes(v)
        return len(raw).to_bytes(32, "big") + raw + b"\0" * (-len(raw) % 32)
    if t.endswith("[]"):
        return len(v).to_bytes(32, "big") + encode([t[:-2]] * len(v), v)
    return encode(split_types(t[1:-1]), v)  # dynamic tuple


def decode(types: list, data: bytes):
    out = []
    for i, t in enumerate(types):
        word = data[32 * i:32 * i + 32]
        if _is_dynamic(t):
            out.append(_decode_dynamic(t, data[int.from_bytes(word, "big"):]))
        elif t.startswith("("):
            inner = split_types(t[1:-1])
            out.append(tuple(decode(inner, data[32 * i:])))
        else:
            out.append(_decode_static(t, word))
    return tuple(out)


def _decode_static(t: str, word: bytes):
    if t == "address":
        return "0x" + word[12:].hex()
    if t == "bool":
        return word[-1] == 1
    if t.startswith("uint"):
        return int.from_bytes(word, "big")
    if t.startswith("int"):
        return int.from_bytes(word, "big", signed=True)
    if t.startswith("bytes"):
        return word[:int(t[5:])]
    raise ValueError(f"unsupported ABI type {t}")


def _decode_dynamic(t: str, data: bytes):
    if t in ("string", "bytes"):
        n = int.from_bytes(data[:32], "big")
        raw = data[32:32 + n]
        return raw.decode() if t == "string" else raw
    if t.endswith("[]"):
        n = int.from_bytes(data[:32], "big")
        return list(decode([t[:-2]] * n, data[32:]))
    return tuple(decode(split_types(t[1:-1]), data))


def selector(signature: str) -> bytes:
    return keccak(signature.encode())[:4]


def encode_call(signature: str, args=()) -> str:
    types = split_types(signature[signature.index("(") + 1:-1])
    return "0x" + (selector(signature) + encode(types, list(args))).hex()


# -- EIP-1559 transactions ---------------------------------------------------------------------

def _rlp(item) -> bytes:
    if isinstance(item, list):
        payload = b"".join(_rlp(x) for x in item)
        return _rlp_len(len(payload), 0xC0) + payload
    if isinstance(item, int):
        item = item.to_bytes((item.bit_length() + 7) // 8, "big") if item else b""
    if len(item) == 1 and item[0] < 0x80:
        return item
    return _rlp_len(len(item), 0x80) + item


def _rlp_len(n: int, offset: int) -> bytes:
    if n < 56:
        return bytes([offset + n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([offset + 55 + len(b)]) + b


def address_of(key: str) -> str:
    import coincurve
    pub = coincurve.PrivateKey(bytes.fromhex(key[2:] if key.startswith("0x") else key)).public_key.format(compressed=False)
    return "0x" + keccak(pub[1:])[12:].hex()


def sign_1559(key: str, chain_id: int, nonce: int, to: str, data: str, value: int, gas: int,
              max_priority: int, max_fee: int) -> str:
    """Returns the raw signed type-2 transaction as 0x-hex."""
    import coincurve
    fields = [chain_id, nonce, max_priority, max_fee, gas, bytes.fromhex(to[2:]), value,
              bytes.fromhex(data[2:]), []]
    digest = keccak(b"\x02" + _rlp(fields))
    sig = coincurve.PrivateKey(bytes.fromhex(key[2:] if key.startswith("0x") else key)).sign_recoverable(digest, hasher=None)
    r, s, v = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:64], "big"), sig[64]
    return "0x02" + _rlp(fields + [v, r, s]).hex()
