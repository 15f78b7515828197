"""The IPFS service: pinning API as the SDK calls it, gateway, and real CIDs (checked against
Debian's ipfs_cid, the tool `apt install ipfs-cid` ships)."""
import base64
import hashlib
import json
import os
import shutil
import subprocess
import urllib.error
import urllib.request

import pytest

from ogpu_devnet.provider import pin
from ogpu_devnet.unixfs import unixfs_cids

IPFS_CID = shutil.which("ipfs_cid") or shutil.which("ipfs-cid")

PAYLOADS = {
    "empty": b"",
    "hello": b"hello",
    "task-json": json.dumps({"function_name": "text2text", "data": {"messages": [{"role": "user", "content": "h\u00e9llo"}]}}).encode(),
    "binary": bytes(range(256)) * 7,
    "one-chunk": os.urandom(256 * 1024),
    "two-chunks": os.urandom(256 * 1024 + 1),
    "five-chunks": os.urandom(1_200_000),
}


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read(), r.headers.get("Content-Type")
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers.get("Content-Type")


def multipart(parts, boundary="b0undary"):
    body = b""
    for name, filename, data in parts:
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n"
                 f"Content-Type: application/json\r\n\r\n").encode() + data + b"\r\n"
    return body + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def post(url, body, content_type):
    req = urllib.request.Request(url, body, {"Content-Type": content_type})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def raw_cid_digest(cid: str) -> bytes:
    assert cid.startswith("b")
    b = base64.b32decode(cid[1:].upper() + "=" * (-len(cid[1:]) % 8))
    assert b[:4] == bytes([0x01, 0x55, 0x12, 0x20]), "CIDv1, raw codec, sha2-256, 32 bytes"
    return b[4:]


@pytest.mark.parametrize("name", PAYLOADS)
def test_pin_then_fetch_by_raw_cid(devnet, name):
    data = PAYLOADS[name]
    link = pin(devnet.m["ipfs"]["pin"], data)
    assert link.startswith(devnet.m["ipfs"]["gateway"])
    cid = link[len(devnet.m["ipfs"]["gateway"]):]
    assert raw_cid_digest(cid) == hashlib.sha256(data).digest()
    status, body, _ = get(link)
    assert status == 200 and body == data


@pytest.mark.skipif(IPFS_CID is None, reason="Debian's ipfs-cid is installed by scripts/setup")
@pytest.mark.parametrize("name", PAYLOADS)
def test_unixfs_cids_equal_ipfs_cid_tool_and_resolve(devnet, tmp_path, name):
    data = PAYLOADS[name]
    f = tmp_path / "payload"
    f.write_bytes(data)
    out = subprocess.run([IPFS_CID, str(f)], capture_output=True, text=True, timeout=60, check=True).stdout
    tool = json.loads(next(line for line in out.splitlines() if line.startswith("{")))
    assert unixfs_cids(data) == {"CIDv0": tool["CIDv0"], "CIDv1": tool["CIDv1"]}
    link = pin(devnet.m["ipfs"]["pin"], data)
    for cid in (tool["CIDv0"], tool["CIDv1"]):  # a link from a real IPFS node resolves here too
        status, body, _ = get(devnet.m["ipfs"]["gateway"] + cid)
        assert status == 200 and body == data
    assert link.endswith(get_raw_alias(data))


def get_raw_alias(data):
    from ogpu_devnet.cid import cid_v1_raw
    return cid_v1_raw(data)


def test_sdk_style_upload_answers_link_and_json_content_type(devnet):
    doc = {"function_name": "predict", "data": {"x": 1}}
    body, ct = multipart([("file", "taskConfig.json", json.dumps(doc).encode())])
    status, answer = post(devnet.m["ipfs"]["pin"], body, ct)
    assert status == 200 and set(answer) >= {"link"}
    status, fetched, content_type = get(answer["link"])
    assert json.loads(fetched) == doc and content_type == "application/json"


def test_pin_is_idempotent_and_filename_does_not_matter(devnet):
    a, _ = multipart([("file", "a.json", b'{"same": true}')])
    b, ct = multipart([("file", "other-name.txt", b'{"same": true}')], boundary="b0undary")
    assert post(devnet.m["ipfs"]["pin"], a, ct)[1]["link"] == post(devnet.m["ipfs"]["pin"], b, ct)[1]["link"]


@pytest.mark.parametrize("body,content_type", [
    (b"just bytes", "application/octet-stream"),
    (multipart([("notfile", "x.json", b"{}")])[0], "multipart/form-data; boundary=b0undary"),
    (b"--b0undary\r\nbroken", "multipart/form-data; boundary=b0undary"),
    (b"", "multipart/form-data"),
])
def test_bad_uploads_are_400(devnet, body, content_type):
    status, answer = post(devnet.m["ipfs"]["pin"], body, content_type)
    assert status == 400 and "error" in answer


def test_gateway_errors(devnet):
    gw = devnet.m["ipfs"]["gateway"]
    assert get(gw + "bafkrei" + "a" * 52)[0] == 404  # well-formed, never pinned
    assert get(gw + "not-a-cid")[0] == 400
    assert get(gw + "../../etc/passwd")[0] in (400, 404)
    assert get(gw.rsplit("/ipfs/", 1)[0] + "/elsewhere")[0] == 404
