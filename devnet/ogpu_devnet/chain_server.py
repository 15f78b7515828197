"""The chain service: boots a fresh devnet chain (contracts, sources, funded accounts), writes the
manifest, then serves JSON-RPC 2.0 over HTTP on 127.0.0.1."""
import json
import os
import sys
import threading
import time
import traceback

from . import config
from .accounts import dev_accounts
from .chain import CHAIN_ID, Chain
from . import ipfs
from .compile import compile_all
from .deploy import blueprint_addresses, deploy
from .httpbase import Handler, json_nesting_exceeds, serve, write_atomic
from .rpc import Methods, RpcError

SOURCE_METADATA = {
    "first_response": {"name": "devnet text2text (first response)",
                       "description": "Devnet stand-in source; the first answer is accepted and paid at once."},
    "manual_confirmation": {"name": "devnet text2text (manual confirmation)",
                            "description": "Devnet stand-in source; the client confirms one answer."},
}


def pin_locally(obj) -> str:
    """Stores a JSON document in the IPFS service's store and returns its gateway URL."""
    return f"{config.ipfs_base()}/ipfs/{ipfs.store(json.dumps(obj).encode())}"


def build_manifest(deployed: dict) -> dict:
    return {
        "chainId": CHAIN_ID,
        "rpc": config.rpc_url(),
        "contracts": deployed["contracts"],
        "ipfs": {"pin": f"{config.ipfs_base()}/file/create", "gateway": f"{config.ipfs_base()}/ipfs/"},
        "sources": deployed["sources"],
        "accounts": [{"role": a["role"], "address": a["address"], "privateKey": a["privateKey"], "label": a["label"]}
                     for a in dev_accounts()],
        "blueprints": deployed["blueprints"],
        "functions": {"first_response": "text2text", "manual_confirmation": "text2text"},
    }


# No JSON-RPC request nests anywhere near this deep.
MAX_JSON_DEPTH = 128


class MethodTimings:
    """Per-method call counts, seconds in dispatch (waiting for the chain lock included) and seconds
    holding the chain lock (the method's own work), kept only when OGPU_DEVNET_TIMING=1: benchmarks
    read and reset them with `ogpu_timings`, to see where a client's wall time goes on the chain side."""

    def __init__(self):
        self.lock = threading.Lock()
        self.by_method = {}

    def add(self, method: str, seconds: float, held: float):
        with self.lock:
            n, t, h = self.by_method.get(method, (0, 0.0, 0.0))
            self.by_method[method] = (n + 1, t + seconds, h + held)

    def take(self):
        with self.lock:
            out, self.by_method = self.by_method, {}
        return {m: {"calls": n, "seconds": round(t, 6), "held": round(h, 6)} for m, (n, t, h) in sorted(out.items())}


class RpcHandler(Handler):
    methods: Methods = None
    timings: MethodTimings = None

    def do_GET(self):
        if self.path in ("/health", "/healthz"):
            return self.send_json(200, {"ok": True})
        self.reject(405, "JSON-RPC wants POST")

    def reject(self, status: int, message: str):
        # Every refusal is a JSON-RPC error object, as a client library expects.
        self.close_connection = True
        self.send_json(status, error_obj(None, -32600, message))

    def do_POST(self):
        body = self.read_body()
        if body is None:
            return
        if json_nesting_exceeds(body, MAX_JSON_DEPTH):
            return self.send_json(200, error_obj(None, -32700, f"parse error: nested deeper than {MAX_JSON_DEPTH}"))
        try:
            request = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return self.send_json(200, error_obj(None, -32700, "parse error"))
        try:
            self.answer_request(request)
        except Exception as e:  # never a traceback or a 500 for the client
            print(f"rpc: request failed:\n{traceback.format_exc()}", file=sys.stderr, flush=True)
            self.send_json(200, error_obj(None, -32603, f"internal error: {type(e).__name__}"))

    def answer_request(self, request):
        if isinstance(request, list):
            if not request:
                return self.send_json(200, error_obj(None, -32600, "empty batch"))
            answers = [a for a in (self.answer(r) for r in request[:1000]) if a is not None]
            if len(request) > 1000:
                answers.append(error_obj(None, -32600, "batch larger than 1000 requests"))
            if not answers:
                return self.send_body(200, b"")
            return self.send_json(200, answers)
        answer = self.answer(request)
        if answer is None:
            return self.send_body(200, b"")
        self.send_json(200, answer)

    def answer(self, req):
        if not isinstance(req, dict) or req.get("jsonrpc") != "2.0" or not isinstance(req.get("method"), str):
            rid = req.get("id") if isinstance(req, dict) else None
            return error_obj(rid if isinstance(rid, (str, int)) else None, -32600, "invalid request")
        is_notification = "id" not in req
        rid = req.get("id")
        if req["method"] == "ogpu_timings" and self.timings is not None:
            return None if is_notification else {"jsonrpc": "2.0", "id": rid, "result": self.timings.take()}
        started = time.perf_counter()
        self.methods.held.seconds = 0.0
        try:
            result = self.methods.dispatch(req["method"], req.get("params"))
            out = {"jsonrpc": "2.0", "id": rid, "result": result}
        except RpcError as e:
            out = error_obj(rid, e.code, e.message, e.data)
        except Exception as e:
            print(f"rpc: {req.get('method')} failed:\n{traceback.format_exc()}", file=sys.stderr, flush=True)
            out = error_obj(rid, -32603, f"internal error: {type(e).__name__}: {e}")
        if self.timings is not None:
            self.timings.add(req["method"], time.perf_counter() - started, self.methods.held.seconds)
        return None if is_notification else out


def error_obj(rid, code, message, data=None):
    err = {"code": code, "message": message}
    if data is not None:
        err["data"] = data
    return {"jsonrpc": "2.0", "id": rid, "error": err}


def main():
    t0 = time.time()
    chain = Chain()
    compiled = compile_all(blueprint_addresses())
    gateway = f"{config.ipfs_base()}/ipfs/"
    deployed = deploy(chain, compiled, gateway, metadata_url=lambda key: pin_locally(
        {"cpu": "", "nvidia": "", "amd": "", "logoUrl": "", **SOURCE_METADATA[key]}))
    manifest = build_manifest(deployed)
    state = config.state_dir()
    write_atomic(str(state / "abi.json"), json.dumps({n: c["abi"] for n, c in compiled.items()}))
    write_atomic(str(state / "manifest.json"), json.dumps(manifest, indent=2) + "\n")
    print(f"chain: bootstrapped in {time.time() - t0:.2f}s (chainId {CHAIN_ID})", file=sys.stderr, flush=True)
    RpcHandler.methods = Methods(chain, lambda: manifest)
    if os.environ.get("OGPU_DEVNET_TIMING") == "1":
        RpcHandler.timings = MethodTimings()
    serve(RpcHandler, config.rpc_port(), "chain")


if __name__ == "__main__":
    main()
