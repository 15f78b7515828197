"""The CIDs `ipfs add` gives a file (UnixFS, dag-pb, 256 KiB chunks, balanced DAG of up to 174
links per node, no raw leaves): CIDv0 `Qm…` and CIDv1 dag-pb `bafy…`. The devnet's links use the
raw CIDv1 of the bytes (cid.py); the gateway answers to these as well, so a link copied from a
real IPFS node resolves here too. Checked against Debian's `ipfs_cid` tool in the tests."""
import base64
import hashlib

CHUNK = 256 * 1024
MAX_LINKS = 174
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(no: int, payload: bytes) -> bytes:  # length-delimited (wire type 2)
    return _varint(no << 3 | 2) + _varint(len(payload)) + payload


def _uint(no: int, value: int) -> bytes:  # varint (wire type 0)
    return _varint(no << 3) + _varint(value)


def _unixfs_file(data: bytes, filesize: int, blocksizes=()) -> bytes:
    out = _uint(1, 2)  # Type = File
    if data:
        out += _field(2, data)
    out += _uint(3, filesize)
    for b in blocksizes:
        out += _uint(4, b)
    return out


def _multihash(block: bytes) -> bytes:
    return b"\x12\x20" + hashlib.sha256(block).digest()


def _node(links, unixfs: bytes) -> bytes:
    out = b""
    for mh, tsize in links:
        out += _field(2, _field(1, mh) + _field(2, b"") + _uint(3, tsize))
    return out + _field(1, unixfs)


def root_multihash(data: bytes) -> bytes:
    # level entries: (multihash, cumulative size of the subtree's blocks, file bytes covered)
    chunks = [data[i:i + CHUNK] for i in range(0, len(data), CHUNK)] or [b""]
    level = []
    for c in chunks:
        block = _node([], _unixfs_file(c, len(c)))
        level.append((_multihash(block), len(block), len(c)))
    while len(level) > 1:
        parents = []
        for i in range(0, len(level), MAX_LINKS):
            group = level[i:i + MAX_LINKS]
            unixfs = _unixfs_file(b"", sum(g[2] for g in group), [g[2] for g in group])
            block = _node([(g[0], g[1]) for g in group], unixfs)
            parents.append((_multihash(block), len(block) + sum(g[1] for g in group), sum(g[2] for g in group)))
        level = parents
    return level[0][0]


def b58encode(raw: bytes) -> str:
    n = int.from_bytes(raw, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + out


def unixfs_cids(data: bytes) -> dict:
    mh = root_multihash(data)
    return {"CIDv0": b58encode(mh), "CIDv1": "b" + base64.b32encode(b"\x01\x70" + mh).decode().lower().rstrip("=")}
