"""Deterministic dev accounts. The keys are public on purpose: this is a local test network."""
from eth_account import Account
from eth_utils import keccak

# (role, label) in manifest order. The client is first among clients, providers answer tasks.
ROLES = [
    ("deployer", "deployer"),
    ("client", "client"),
    ("provider", "provider-1"),
    ("provider", "provider-2"),
]

FUNDING_WEI = 1_000_000 * 10**18


def dev_key(label: str) -> str:
    return "0x" + keccak(text=f"ogpu-devnet/{label}").hex()


def dev_accounts():
    out = []
    for role, label in ROLES:
        key = dev_key(label)
        out.append({"role": role, "label": label, "address": Account.from_key(key).address, "privateKey": key})
    return out


def by_label(label: str) -> dict:
    return next(a for a in dev_accounts() if a["label"] == label)
