"""The proof that the devnet speaks the real protocol: the official Python SDK (`ogpu` from PyPI)
publishes, waits, reads and confirms against it, with only its endpoints redirected."""
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def sdk_venv() -> Path:
    req = HERE / "requirements-sdk.txt"
    key = hashlib.sha256(req.read_bytes() + sys.version.encode()).hexdigest()[:16]
    base = Path(os.environ.get("OGPU_CACHE") or Path.home() / ".cache" / "ogpu")
    venv = base / f"venv-devnet-sdk-{key}"
    if not (venv / "bin" / "python").exists():
        tmp = Path(f"{venv}.tmp")
        subprocess.run(["rm", "-rf", str(tmp)], check=True)
        subprocess.run(["python3", "-m", "venv", str(tmp)], check=True, timeout=120)
        subprocess.run([str(tmp / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                        "-r", str(req)], check=True, timeout=600)
        tmp.rename(venv)
    return venv


@pytest.fixture(scope="module")
def sdk_run(devnet):
    py = sdk_venv() / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if not k.endswith("_PRIVATE_KEY")}
    env["HOME"] = str(devnet.state)  # the SDK loads ~/.env; keep it to ours
    proc = subprocess.run([str(py), str(HERE / "sdk_interop.py"), str(devnet.state / "manifest.json")],
                          capture_output=True, text=True, timeout=240, cwd=str(devnet.state), env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_sdk_first_response_task_finalizes_with_the_agents_answer(sdk_run, devnet):
    assert sdk_run["first_status"] == "FINALIZED"
    assert sdk_run["first_responses"] == 1 and sdk_run["first_confirmed"] is True
    assert sdk_run["first_answer"]["result"] == "devnet reply to: Write a haiku about AI"
    assert sdk_run["first_winner"].lower() in {p["address"].lower() for p in devnet.providers}


def test_sdk_task_config_round_trips_through_devnet_ipfs(sdk_run):
    cfg = sdk_run["first_config"]
    assert cfg == {"function_name": "text2text", "data": {"messages": [{"role": "user", "content": "Write a haiku about AI"}]}}


def test_sdk_maps_devnet_revert_string_to_its_typed_error(sdk_run):
    assert sdk_run["cancel_finalized"] == "TaskAlreadyFinalizedError"


def test_sdk_manual_confirmation(sdk_run):
    assert sdk_run["manual_before"] == "RESPONDED" and sdk_run["manual_confirmed_before"] is False
    assert sdk_run["manual_after"] == "FINALIZED" and sdk_run["manual_confirmed_after"] is True
    assert sdk_run["manual_answer"]["result"] == "devnet reply to: confirm me"
