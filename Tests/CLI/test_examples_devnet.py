"""The examples run against the local devnet (scripts/test starts it and exports OGPU_DEVNET_RPC).
Skipped only when no devnet answers."""
import os
import subprocess

import pytest

from conftest import ROOT, base_env

# Examples that need arguments or change shared state in ways other examples rely on are run
# with what they need; `check_status` publishes its own task when given none.
EXPECTED = {
    "haiku.ogpu": ["devnet reply to: Write a haiku about AI"],
    "basic_publish.ogpu": ["task: 0x", "status:"],
    "text_generation.ogpu": ["answer: devnet reply to: Explain proof of stake"],
    "conversation.ogpu": ["[3] How do they relate?", "conversation of 7 messages"],
    "custom_parameters.ogpu": ["sending data:", '"seed":42'],
    "payment_and_expiry.ogpu": ["estimated: pays 0.01 OGPU", "published 0x"],
    "check_status.ogpu": ["task:", "status:"],
    "monitor_timeout.ogpu": ["watching 0x"],
    "robust_publish.ogpu": ["published 0x", "answer:"],
    "retry_backoff.ogpu": ["attempt 1", "after 1 attempt(s)", "devnet reply to: Say hello"],
    "payment_estimation.ogpu": ["simple: 0.001 OGPU per task", "medium tasks"],
    "batch_publish.ogpu": ["rivers: 0x", "oceans: 0x", "devnet reply to: One line about rivers"],
    "confirm_cancel.ogpu": ["confirmed in 0x", "canceling 0x"],
    "vault.ogpu": ["start: balance", "after withdraw"],
    "chain_console.ogpu": ["signature checks out: true", "transfer success in block", "done"],
}


def devnet_env(home):
    """The devnet scripts/test started (OGPU_DEVNET_RPC), else the default local one."""
    return base_env(home, OGPU_RPC_URL=os.environ.get("OGPU_DEVNET_RPC") or None)


def network_client_available(ogpu_bin, home):
    r = subprocess.run([ogpu_bin, "-e", "network()"], capture_output=True, text=True, env=devnet_env(home), timeout=60)
    return "no network client available" not in r.stderr and "no local devnet is answering" not in r.stderr


def test_every_networked_example_has_expectations():
    # provider.ogpu needs the devnet's own provider agent off: test_provider_side.py runs it.
    names = {p.name for p in (ROOT / "examples").glob("*.ogpu")} - {"validation.ogpu", "provider.ogpu"}
    assert names == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_runs_on_the_devnet(ogpu_bin, home, name):
    if not network_client_available(ogpu_bin, home):
        pytest.skip("no devnet is running (scripts/devnet start), or this build has no network client")
    r = subprocess.run([ogpu_bin, "--no-color", str(ROOT / "examples" / name)], capture_output=True, text=True,
                       env=devnet_env(home), timeout=600)
    assert r.returncode == 0, r.stderr
    for text in EXPECTED[name]:
        assert text in r.stdout, f"{name}: {text!r} missing from:\n{r.stdout}"
