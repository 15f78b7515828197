"""CIDv1 for raw bytes: multibase base32 ('b'), multicodec raw (0x55), multihash sha2-256."""
import base64
import hashlib
import re

CID_RE = re.compile(r"^b[a-z2-7]{58}$")


def cid_v1_raw(data: bytes) -> str:
    digest = hashlib.sha256(data).digest()
    binary = bytes([0x01, 0x55, 0x12, 0x20]) + digest
    return "b" + base64.b32encode(binary).decode().lower().rstrip("=")


def is_cid(text: str) -> bool:
    return bool(CID_RE.match(text))
