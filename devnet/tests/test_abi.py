"""The reference contracts expose exactly the testnet ABIs' functions and events: same
selectors/topics, same outputs and mutability, same indexed flags."""
import json

import pytest
from eth_utils import function_signature_to_4byte_selector, keccak

from conftest import SHARED_ABI

CONTRACTS = ["Controller", "Nexus", "Task", "Response", "Source", "Vault", "Terminal", "Manager"]


def canonical(param) -> str:
    t = param["type"]
    if t.startswith("tuple"):
        return "(" + ",".join(canonical(c) for c in param["components"]) + ")" + t[len("tuple"):]
    return t


def surface(abi) -> dict:
    """selector/topic → comparable description, for functions and events."""
    out = {}
    for e in abi:
        if e["type"] not in ("function", "event"):
            continue
        sig = f"{e['name']}({','.join(canonical(i) for i in e['inputs'])})"
        if e["type"] == "function":
            key = "0x" + function_signature_to_4byte_selector(sig).hex()
            out[key] = (sig, tuple(canonical(o) for o in e["outputs"]), e["stateMutability"])
        else:
            key = "0x" + keccak(text=sig).hex()
            out[key] = (sig, tuple(bool(i.get("indexed")) for i in e["inputs"]), bool(e.get("anonymous")))
    return out


@pytest.fixture(scope="module")
def compiled(devnet):
    return json.loads((devnet.state / "abi.json").read_text())


@pytest.mark.parametrize("name", CONTRACTS)
def test_functions_and_events_match_testnet_abi(compiled, name):
    expected = surface(json.loads((SHARED_ABI / f"{name}Abi.json").read_text()))
    actual = surface(compiled[name])
    missing = {k: v[0] for k, v in expected.items() if k not in actual}
    extra = {k: v[0] for k, v in actual.items() if k not in expected}
    assert not missing, f"{name} lacks {missing}"
    assert not extra, f"{name} has extra {extra}"
    for key, want in expected.items():
        assert actual[key] == want, f"{name} {want[0]}: ours {actual[key]}, testnet {want}"


@pytest.mark.parametrize("name", CONTRACTS)
def test_constructor_matches_testnet_abi(compiled, name):
    def ctor(abi):
        c = [e for e in abi if e["type"] == "constructor"]
        return tuple(canonical(i) for i in c[0]["inputs"]) if c else ()
    assert ctor(compiled[name]) == ctor(json.loads((SHARED_ABI / f"{name}Abi.json").read_text()))


def test_shared_abis_are_the_ones_compared():
    # Guards the comparison itself: the testnet files hold the protocol's known selectors.
    nexus = surface(json.loads((SHARED_ABI / "NexusAbi.json").read_text()))
    assert "0x2cbb753b" in nexus and "0x84895f34" in nexus
    controller = surface(json.loads((SHARED_ABI / "ControllerAbi.json").read_text()))
    assert controller["0x90d93b1d"][0] == "publishTask((address,string,uint256,uint256))"
