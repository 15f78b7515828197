"""Every example parses and resolves (`ogpu check`), runs the examples that need no network, and
names only functions the language defines. Running the networked ones on the devnet and checking
their output is waiting on the network built-ins."""
import re
import subprocess

import pytest

from conftest import ROOT, base_env

EXAMPLES = sorted((ROOT / "examples").glob("*.ogpu"))


def test_the_flows_of_the_seed_docs_are_all_there():
    names = {p.stem for p in EXAMPLES}
    for flow in ("haiku", "basic_publish", "text_generation", "conversation", "custom_parameters",
                 "payment_and_expiry", "check_status", "monitor_timeout", "validation", "robust_publish",
                 "retry_backoff", "payment_estimation", "batch_publish", "confirm_cancel", "vault"):
        assert flow in names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_checks_clean(ogpu_bin, home, path):
    r = subprocess.run([ogpu_bin, "check", "--no-color", str(path)], capture_output=True, text=True,
                       env=base_env(home), timeout=30)
    assert r.returncode == 0, r.stderr
    assert "error[" not in r.stderr
    assert "warning[" not in r.stderr, r.stderr     # every name is defined: no typos


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_is_an_executable_script(path):
    assert path.read_text().startswith("#!/usr/bin/env ogpu\n")
    assert path.stat().st_mode & 0o111


def test_validation_example_runs_offline_and_names_each_bad_field(ogpu_bin, home):
    r = subprocess.run([ogpu_bin, "--no-color", str(ROOT / "examples" / "validation.ogpu")], capture_output=True,
                       text=True, env=base_env(home), timeout=30)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().split("\n")
    assert len(lines) == 6
    for line, field in zip(lines, ("source", "fn", "data", "payment", "expiry")):
        assert "error[value]" in line and field in line.split("error[value]")[1], line
    assert lines[-1] == "valid draft for text2text paying 0.01 OGPU"


@pytest.mark.parametrize("network", ["testnet", "mainnet"])
@pytest.mark.parametrize("name", ["haiku.ogpu", "confirm_cancel.ogpu", "check_status.ogpu", "batch_publish.ogpu"])
def test_examples_never_pick_a_strangers_source_on_a_public_network(ogpu_bin, home, network, name):
    # Without an argument only the network's own config may name the source; testnet and mainnet
    # name none, so the example stops before anything is signed (no node is contacted either).
    r = subprocess.run([ogpu_bin, "--no-color", "--network", network, str(ROOT / "examples" / name)],
                       capture_output=True, text=True, env=base_env(home), timeout=60)
    assert r.returncode == 70, r.stderr
    assert "error[value]: no source given" in r.stderr
    assert f"{network} names no" in r.stderr and "as the first argument" in r.stderr
    assert r.stdout == ""
