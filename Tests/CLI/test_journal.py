"""`ogpu journal`: the send journal listed offline, settled with --check, and the one-line hint a
session prints when the journal holds unresolved transactions. The recovery test runs on the
devnet scripts/test starts (skipped only when none answers)."""
import json
import os
import subprocess
import time
import urllib.request

import pytest

from conftest import base_env
from test_examples_devnet import devnet_env, network_client_available

CLIENT = "0xACB05E85390984F539BaaFd7d051d8D3a8280118"
TASK = "0x7eF252331a4D91cBdcA7464efB974cc60C38CEc3"
MINED = "0x" + "11" * 32
OPEN = "0x" + "22" * 32
REJECTED = "0x" + "33" * 32


def run(ogpu_bin, home, *args, env=None, **extra):
    return subprocess.run([ogpu_bin, *args], capture_output=True, text=True,
                          env=env or base_env(home, **extra), timeout=120)


def journal_path(home):
    return home / ".ogpu" / "journal.jsonl"


def write_journal(home, records):
    p = journal_path(home)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text("".join(json.dumps(r) + "\n" for r in records))


def signed(h, nonce, t, chain="1337", raw="0x00"):
    return {"v": 1, "t": t, "state": "signed", "hash": h, "chainId": chain, "from": CLIENT, "nonce": str(nonce),
            "to": None, "label": "Controller.publishTask", "raw": raw}


def sample(home, age=600):
    t = time.time() - age
    write_journal(home, [
        signed(MINED, 4, t),
        {"v": 1, "t": t, "state": "sent", "hash": MINED},
        {"v": 1, "t": t, "state": "mined", "hash": MINED, "block": 12},
        {"v": 1, "t": t, "state": "mined", "hash": MINED, "task": TASK},
        signed(REJECTED, 5, t),
        {"v": 1, "t": t, "state": "rejected", "hash": REJECTED, "reason": "insufficient funds"},
        signed(OPEN, 5, t),
    ])


def test_list_shows_each_transaction_with_its_state_and_task(ogpu_bin, home):
    sample(home)
    r = run(ogpu_bin, home, "journal")
    assert r.returncode == 1, "unresolved transactions remain: exit 1"
    lines = r.stdout.splitlines()
    assert lines[0] == f"send journal {journal_path(home)}: 3 transactions, 1 unresolved"
    mined = next(line for line in lines if MINED in line)
    assert "chain 1337" in mined and "nonce 4" in mined and "Controller.publishTask" in mined
    assert mined.endswith(f"mined in block 12  task {TASK}")
    assert next(line for line in lines if REJECTED in line).endswith("rejected (insufficient funds)")
    assert next(line for line in lines if OPEN in line).endswith("signed, not known to be sent")
    assert "`ogpu journal --check` looks them up by hash" in r.stdout


def test_list_of_a_settled_or_missing_journal_exits_0(ogpu_bin, home):
    r = run(ogpu_bin, home, "journal")
    assert (r.returncode, r.stdout) == (0, f"send journal {journal_path(home)}: 0 transactions, 0 unresolved\n")
    t = time.time() - 600
    write_journal(home, [signed(MINED, 1, t), {"v": 1, "t": t, "state": "mined", "hash": MINED, "block": 3}])
    r = run(ogpu_bin, home, "journal")
    assert r.returncode == 0 and "1 transaction, 0 unresolved" in r.stdout


def test_list_shows_unresolved_and_recent_only_unless_all(ogpu_bin, home):
    t = time.time() - 600
    records = [signed(OPEN, 0, t)]
    for i in range(1, 15):
        h = "0x" + f"{i:064x}"
        records += [signed(h, i, t), {"v": 1, "t": t, "state": "mined", "hash": h, "block": i}]
    write_journal(home, records)
    short = run(ogpu_bin, home, "journal").stdout
    assert OPEN in short, "an unresolved transaction is always listed, however old"
    assert "0x" + f"{1:064x}" not in short and "0x" + f"{14:064x}" in short
    assert "(4 older resolved transactions not shown; --all lists them)" in short
    assert "0x" + f"{1:064x}" in run(ogpu_bin, home, "journal", "--all").stdout


def test_journal_option_and_damaged_lines(ogpu_bin, home, tmp_path):
    other = tmp_path / "elsewhere.jsonl"
    other.write_text(json.dumps(signed(OPEN, 0, time.time() - 600)) + "\n{not json\n")
    r = run(ogpu_bin, home, "journal", "--journal", str(other))
    assert r.returncode == 1 and OPEN in r.stdout
    assert f"{other}:2: unreadable journal line (skipped)" in r.stderr


def test_rebroadcast_needs_check_and_an_unreachable_node_is_a_clear_error(ogpu_bin, home):
    r = run(ogpu_bin, home, "journal", "--rebroadcast")
    assert r.returncode == 64 and "--rebroadcast only works with --check" in r.stderr
    sample(home)
    r = run(ogpu_bin, home, "journal", "--check", "--rpc-url", "http://127.0.0.1:9")
    assert r.returncode == 70 and r.stderr.startswith("ogpu: ")
    assert "Traceback" not in r.stderr and r.stdout == ""


def test_help_names_the_command(ogpu_bin, home):
    r = run(ogpu_bin, home, "help", "journal")
    assert r.returncode == 0 and "--rebroadcast" in r.stdout and "same signed bytes" in r.stdout
    assert "ogpu [options] journal [--check]" in run(ogpu_bin, home, "--help").stdout


def test_a_session_hints_at_unresolved_transactions_of_its_network(ogpu_bin, home):
    sample(home)
    r = run(ogpu_bin, home, "-e", "print 1")
    assert r.stdout == "1\n"
    assert r.stderr == ("ogpu: the send journal has 1 transaction from an earlier session with no known outcome "
                        "on this network (publishing the same draft settles it instead of sending again); "
                        "`ogpu journal --check` looks it up\n")
    # Another chain's transactions are not this network's business.
    assert run(ogpu_bin, home, "--network", "testnet", "-e", "print 1").stderr == ""


def test_the_hint_comes_at_once_after_an_interrupted_session(ogpu_bin, home):
    # Ctrl-C and an immediate re-run is when a second publish would happen: no grace period.
    sample(home, age=1)
    assert "1 transaction from an earlier session" in run(ogpu_bin, home, "-e", "print 1").stderr


def rpc(url, method, params=()):
    req = urllib.request.Request(url, data=json.dumps({"jsonrpc": "2.0", "id": 1, "method": method,
                                                       "params": list(params)}).encode(),
                                 headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req, timeout=30))["result"]


def test_an_interrupted_publish_is_found_rebroadcast_and_its_task_named(ogpu_bin, home):
    if not network_client_available(ogpu_bin, home):
        pytest.skip("no devnet is running (scripts/devnet start), or this build has no network client")
    env = devnet_env(home)
    url = env.get("OGPU_RPC_URL") or "http://127.0.0.1:8545"
    client = next(a["address"] for a in rpc(url, "ogpu_manifest")["accounts"] if a["role"] == "client")
    # A publish signed but never sent — what the journal holds after a crash between the two.
    r = run(ogpu_bin, home, "-e", 'print json(publish(task(sources()[0].address, "text2text", '
            '{messages: [{role: "user", content: "interrupted"}], devnet: {respond: false}}), dry_run: true))', env=env)
    assert r.returncode == 0, r.stderr
    tx = json.loads(r.stdout.strip().splitlines()[-1])
    record = signed(tx["hash"], tx["nonce"], time.time() - 600, raw=tx["raw"])
    record["from"] = client
    write_journal(home, [record])

    r = run(ogpu_bin, home, "journal", "--check", env=env)
    assert r.returncode == 1, r.stderr
    assert f"{tx['hash']}  Controller.publishTask  nonce {tx['nonce']}  unknown:" in r.stdout
    assert rpc(url, "eth_getTransactionByHash", [tx["hash"]]) is None, "--check alone sends nothing"

    r = run(ogpu_bin, home, "journal", "--check", "--rebroadcast", env=env)
    assert "rebroadcast: sent again as the same signed bytes" in r.stdout, r.stdout + r.stderr

    r = run(ogpu_bin, home, "journal", "--check", env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"{tx['hash']}  Controller.publishTask  nonce {tx['nonce']}  mined in block" in r.stdout
    task = r.stdout.split(", task ")[1].split()[0]
    receipt = rpc(url, "eth_getTransactionReceipt", [tx["hash"]])
    assert receipt["status"] == "0x1" and task.lower()[2:] in json.dumps(receipt["logs"]).lower()

    listed = run(ogpu_bin, home, "journal", env=env)
    assert listed.returncode == 0 and listed.stdout.rstrip().endswith(f"task {task}")
    # The task is on chain, once: a further check finds nothing left to do.
    r = run(ogpu_bin, home, "journal", "--check", "--rebroadcast", env=env)
    assert r.returncode == 0 and "nothing unresolved on chain 1337" in r.stdout
    shown = run(ogpu_bin, home, "-e", f'print task_at("{task}").status', env=env)
    assert shown.returncode == 0 and shown.stdout.strip() != "", shown.stderr
