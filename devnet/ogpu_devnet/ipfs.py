"""The IPFS service: the pinning API the SDK posts to (`POST /file/create`, multipart field `file`,
answering `{"link": URL}`) and a read-only gateway (`GET /ipfs/<cid>`). Content is stored under
the state dir by its CIDv1 (raw, sha2-256, base32), so a link is valid across restarts."""
import json
import re
import threading

from . import config
from .cid import cid_v1_raw, is_cid
from .httpbase import Handler, json_nesting_exceeds, serve
from .unixfs import unixfs_cids

ANY_CID = re.compile(r"^(b[a-z2-7]{58}|Qm[1-9A-HJ-NP-Za-km-z]{44})$")


def multipart_field(content_type: str, body: bytes, field: str):
    """Returns (filename, content_type, bytes) of the named form-data part, or None."""
    m = re.search(r'boundary="?([^";]+)"?', content_type or "")
    if not m or not content_type.lower().startswith("multipart/form-data"):
        return None
    delimiter = b"--" + m.group(1).encode()
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        part = part[2:] if part.startswith(b"\r\n") else part
        head, sep, content = part.partition(b"\r\n\r\n")
        if not sep:
            continue
        headers = {}
        for line in head.decode("latin-1").split("\r\n"):
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        disposition = headers.get("content-disposition", "")
        name = re.search(r'\bname="([^"]*)"', disposition)
        if name and name.group(1) == field:
            filename = re.search(r'filename="([^"]*)"', disposition)
            if content.endswith(b"\r\n"):
                content = content[:-2]
            return (filename.group(1) if filename else None, headers.get("content-type"), content)
    return None


def store(data: bytes) -> str:
    """Pins data under its raw CIDv1; its `ipfs add` CIDs (v0 and v1 dag-pb) become aliases."""
    cid = cid_v1_raw(data)
    root = config.ipfs_store()
    path = root / cid
    if not path.exists():
        tmp = path.with_suffix(f".tmp{threading.get_ident()}")
        tmp.write_bytes(data)
        tmp.replace(path)
        aliases = root / "aliases"
        aliases.mkdir(exist_ok=True)
        for alias in unixfs_cids(data).values():
            (aliases / alias).write_text(cid)
    return cid


def resolve(cid: str):
    """The stored file for a raw CIDv1 or one of its aliases, or None."""
    root = config.ipfs_store()
    f = root / cid
    if is_cid(cid) and f.is_file():
        return f
    alias = root / "aliases" / cid
    if alias.is_file():
        f = root / alias.read_text().strip()
        return f if f.is_file() else None
    return None


def content_type_of(data: bytes) -> str:
    if json_nesting_exceeds(data, 512):
        return "application/octet-stream"  # not parsed: see json_nesting_exceeds
    try:
        json.loads(data)
        return "application/json"
    except (ValueError, UnicodeDecodeError, RecursionError):
        return "application/octet-stream"


class IpfsHandler(Handler):
    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path in ("/health", "/healthz"):
            return self.send_json(200, {"ok": True})
        m = re.fullmatch(r"/ipfs/([^/]+)/?", path)
        if not m:
            return self.send_json(404, {"error": "not found; the gateway serves /ipfs/<cid>"})
        cid = m.group(1)
        if not ANY_CID.match(cid):
            return self.send_json(400, {"error": f"invalid CID {cid!r}: expected CIDv1 base32 (b...) or CIDv0 (Qm...)"})
        f = resolve(cid)
        if f is None:
            return self.send_json(404, {"error": f"{cid} is not pinned on this devnet"})
        data = f.read_bytes()
        self.send_body(200, data, content_type_of(data))

    do_HEAD = do_GET

    def do_POST(self):
        if self.path.split("?", 1)[0] != "/file/create":
            return self.send_json(404, {"error": "not found; pin with POST /file/create"})
        body = self.read_body()
        if body is None:
            return
        part = multipart_field(self.headers.get("Content-Type", ""), body, "file")
        if part is None:
            return self.send_json(400, {"error": "expected multipart/form-data with a part named 'file'"})
        _, _, data = part
        cid = store(data)
        self.send_json(200, {"link": f"{config.ipfs_base()}/ipfs/{cid}", "cid": cid, "size": len(data),
                             "unixfs": unixfs_cids(data)})


def main():
    config.ipfs_store()
    serve(IpfsHandler, config.ipfs_port(), "ipfs")


if __name__ == "__main__":
    main()
