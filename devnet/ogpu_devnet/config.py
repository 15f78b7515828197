"""Ports and paths, from the environment scripts/devnet exports."""
import os
from pathlib import Path

DEVNET_DIR = Path(__file__).resolve().parent.parent


def rpc_port() -> int:
    return int(os.environ.get("OGPU_DEVNET_PORT", "8545"))


def ipfs_port() -> int:
    return int(os.environ.get("OGPU_DEVNET_IPFS_PORT", str(rpc_port() + 1)))


def state_dir() -> Path:
    p = Path(os.environ.get("OGPU_DEVNET_STATE") or DEVNET_DIR / "state")
    p.mkdir(parents=True, exist_ok=True)
    return p


def ipfs_store() -> Path:
    p = state_dir() / "ipfs"
    p.mkdir(parents=True, exist_ok=True)
    return p


def rpc_url() -> str:
    return f"http://127.0.0.1:{rpc_port()}"


def ipfs_base() -> str:
    return f"http://127.0.0.1:{ipfs_port()}"


def parent_alive() -> bool:
    """False once the process named by OGPU_DEVNET_PARENT_PID (e.g. a test run) has ended: a
    devnet started for tests then stops itself even if its starter was killed."""
    pid = os.environ.get("OGPU_DEVNET_PARENT_PID")
    if not pid or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
