"""Runs inside the SDK's venv: the official `ogpu` SDK drives the devnet as it would the real
network, with only its endpoints redirected. Prints one JSON line of findings for the test."""
import json
import sys
import time

manifest = json.load(open(sys.argv[1]))

import ogpu.ipfs.publish as ipfs_publish  # noqa: E402
from ogpu.chain.config import ChainConfig, ChainId  # noqa: E402
from ogpu.client import TaskInfo, TaskInput, cancel_task, confirm_response, publish_task  # noqa: E402
from ogpu.protocol.task import Task  # noqa: E402
from ogpu.types.errors import TaskAlreadyFinalizedError  # noqa: E402

ChainConfig.set_chain(ChainId.OGPU_TESTNET)
ChainConfig.CHAIN_CONTRACTS[ChainId.OGPU_TESTNET] = {k: manifest["contracts"][k] for k in ("NEXUS", "CONTROLLER", "TERMINAL", "VAULT")}
ChainConfig.set_rpc(manifest["rpc"])
ipfs_publish._IPFS_PUBLISH_URL = manifest["ipfs"]["pin"]
client_key = next(a["privateKey"] for a in manifest["accounts"] if a["role"] == "client")
out = {}


def wait(task: Task, wanted, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        s = task.get_status()
        if s.name in wanted:
            return s.name
        time.sleep(0.2)
    return task.get_status().name


def publish(kind: str, text: str) -> Task:
    now = int(time.time())  # as SDK users write it
    info = TaskInfo(source=manifest["sources"][kind],
                    config=TaskInput(function_name="text2text", data={"messages": [{"role": "user", "content": text}]}),
                    expiryTime=now + 600, payment=10**16)
    return publish_task(info, private_key=client_key)


# FIRST_RESPONSE: publish, the devnet provider answers, the task finalizes by itself.
task = publish("first_response", "Write a haiku about AI")
out["first_status"] = wait(task, {"FINALIZED"})
responses = task.get_responses()
out["first_responses"] = len(responses)
confirmed = task.get_confirmed_response()
out["first_confirmed"] = confirmed is not None and confirmed.is_confirmed()
out["first_answer"] = confirmed.fetch_data() if confirmed else None
out["first_winner"] = task.get_winning_provider()
out["first_config"] = task.get_metadata() if hasattr(task, "get_metadata") else None

# The SDK's revert decoding sees the devnet's revert strings.
try:
    cancel_task(task.address, private_key=client_key)
    out["cancel_finalized"] = "no error"
except TaskAlreadyFinalizedError:
    out["cancel_finalized"] = "TaskAlreadyFinalizedError"
except Exception as e:  # noqa: BLE001
    out["cancel_finalized"] = f"{type(e).__name__}: {e}"

# MANUAL_CONFIRMATION: answered, then the SDK confirms.
task = publish("manual_confirmation", "confirm me")
out["manual_before"] = wait(task, {"RESPONDED"})
resp = task.get_responses()[0]
out["manual_confirmed_before"] = resp.is_confirmed()
confirm_response(resp.address, private_key=client_key)
out["manual_after"] = task.get_status().name
out["manual_confirmed_after"] = resp.is_confirmed()
out["manual_answer"] = resp.fetch_data()
print(json.dumps(out))
