"""A long `publish [drafts]` run at a terminal counts itself off on one stderr line per chunk of 16
(`publishing · sent 16/40` …), and the progress never reaches stdout when it is redirected."""
import subprocess

import pexpect
import pytest

from conftest import ROOT
from test_examples_devnet import devnet_env, network_client_available

SCRIPT = str(ROOT / "bench" / "publish" / "batch.ogpu")


def first_source(ogpu_bin, home):
    r = subprocess.run([ogpu_bin, "-e", "print network().sources.first_response"], capture_output=True, text=True,
                       env=devnet_env(home), timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def test_a_batch_publish_at_a_terminal_shows_its_progress(ogpu_bin, home):
    if not network_client_available(ogpu_bin, home):
        pytest.skip("no devnet is running (scripts/devnet start)")
    child = pexpect.spawn(ogpu_bin, [SCRIPT, "40", first_source(ogpu_bin, home)], env=devnet_env(home),
                          encoding="utf-8", timeout=120, dimensions=(40, 120))
    for sent in (16, 32, 40):
        child.expect_exact(f"publishing · sent {sent}/40")
    child.expect_exact("40")  # the script's own output: every task published
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_a_batch_publish_with_redirected_output_shows_no_progress(ogpu_bin, home):
    if not network_client_available(ogpu_bin, home):
        pytest.skip("no devnet is running (scripts/devnet start)")
    r = subprocess.run([ogpu_bin, SCRIPT, "20", first_source(ogpu_bin, home)], capture_output=True, text=True,
                       env=devnet_env(home), timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "20\n"
    assert "publishing" not in r.stderr
