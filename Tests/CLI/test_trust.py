"""Trust boundaries through the real binary (docs/security.md): a node that claims mainnet, fee
and cost caps, the mainnet confirmation, plain-http endpoints, secrets kept from scripts, files
and the screen, and the terminal restored after the password prompt."""
import json
import os
import re
import stat
import subprocess
import time

import pexpect
import pytest

from conftest import Repl, base_env
from hostile_node import (ATTACKER, GWEI, MAINNET_CHAIN_ID, MAINNET_CONTROLLER, TEST_KEY, TESTNET_CHAIN_ID,
                          HostileNode)

DRAFT = 'task(0x' + 'ef' * 20 + ', "text2text", {messages: [{role: "user", content: "hi"}]}, payment: ogpu(0.01))'


def run(ogpu_bin, home, *args, input=None, **env):
    return subprocess.run([ogpu_bin, *args], capture_output=True, text=True, input=input,
                          env=base_env(home, **env), timeout=60)


@pytest.fixture
def node():
    started = []

    def start(**kw):
        n = HostileNode(**kw)
        started.append(n)
        return n

    yield start
    for n in started:
        n.stop()


# --- 1. The network's identity is ours, not the node's ---------------------------------------

def test_a_node_claiming_mainnet_is_named_mainnet_everywhere(ogpu_bin, home, node):
    n = node(chain_id=MAINNET_CHAIN_ID)  # with a manifest naming its own contracts
    for flags in (["--rpc-url", n.url], ["--network", n.url]):
        r = run(ogpu_bin, home, *flags, "-e", 'print(network().name, network().chain_id)')
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip() == "mainnet 1071"
        r = run(ogpu_bin, home, *flags, "--json", "-e", "network()")
        assert json.loads(r.stdout)["value"]["name"] == "mainnet"
    assert n.asked("ogpu_manifest") == 0, "a node on mainnet's chain id is never asked for a manifest"


def test_a_node_claiming_mainnet_gets_nothing_signed_unless_mainnet_was_chosen(ogpu_bin, home, node):
    n = node(chain_id=MAINNET_CHAIN_ID)
    for code in (f"publish({DRAFT}, dry_run: true)", "deposit(ogpu(1))"):
        for key in (None, TEST_KEY):  # the manifest's dev key, or the user's own
            r = run(ogpu_bin, home, "--rpc-url", n.url, "--yes", "-e", code, CLIENT_PRIVATE_KEY=key)
            assert r.returncode == 70
            assert "error[key]" in r.stderr and "--network mainnet" in r.stderr, r.stderr
            assert "raw" not in r.stdout
    assert n.asked("eth_estimateGas") == 0 and n.asked("eth_sendRawTransaction") == 0


def test_chosen_mainnet_signs_for_the_built_in_contracts_whatever_the_node_says(ogpu_bin, home, node):
    n = node(chain_id=MAINNET_CHAIN_ID)
    code = f"let t = publish({DRAFT}, dry_run: true)\nprint(t.to, t.chain_id)"
    r = run(ogpu_bin, home, "--network", "mainnet", "--rpc-url", n.url, "--yes", "-e", code, CLIENT_PRIVATE_KEY=TEST_KEY)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [MAINNET_CONTROLLER, str(MAINNET_CHAIN_ID)]
    assert ATTACKER.lower() not in r.stdout.lower()
    assert n.asked("ogpu_manifest") == 0


def test_testnet_chain_id_also_uses_the_built_in_contracts(ogpu_bin, home, node):
    n = node(chain_id=TESTNET_CHAIN_ID)
    r = run(ogpu_bin, home, "--rpc-url", n.url, "-e", f"print(network().name)\nprint(publish({DRAFT}, dry_run: true).to)")
    assert r.returncode == 70  # no key: a public network has no dev account, whatever its manifest says
    assert r.stdout.strip() == "testnet" and "error[key]" in r.stderr
    r = run(ogpu_bin, home, "--rpc-url", n.url, "-e", f"print(publish({DRAFT}, dry_run: true).to)",
            CLIENT_PRIVATE_KEY=TEST_KEY)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "0x9fb6022074Fd7Bdb429de0776eb693cA0CB55E09"


def test_a_devnet_manifest_cannot_borrow_a_public_network_name(ogpu_bin, home, node):
    n = node(chain_id=1337)  # its manifest says name "mainnet"
    r = run(ogpu_bin, home, "--rpc-url", n.url, "-e", "print(network().name)")
    assert r.stdout.strip() == "local", r.stderr


def test_the_prompt_names_mainnet_once_local_turns_out_to_be_mainnet(repl, node):
    n = node(chain_id=MAINNET_CHAIN_ID)
    r = repl("--rpc-url", n.url)
    r.run("network().chain_id", prompt="ogpu(mainnet)> ")
    out = r.run(":network", prompt="ogpu(mainnet)> ")
    assert "network mainnet (chain id 1071)" in out


# --- 2. Spending guards ---------------------------------------------------------------------

def test_fee_per_gas_cap_refuses_before_signing_and_every_override_raises_it(ogpu_bin, home, node):
    n = node(chain_id=1337, base_fee=5000 * GWEI)  # max fee = 2 × base + 1 gwei = 10001 gwei
    sign = f"print(publish({DRAFT}, dry_run: true).max_fee)"
    r = run(ogpu_bin, home, "--rpc-url", n.url, "-e", sign)
    assert r.returncode == 70
    assert "error[value]" in r.stderr and "10001 gwei" in r.stderr and "cap of 1000 gwei" in r.stderr
    assert "--max-fee-per-gas" in r.stderr and "OGPU_MAX_FEE_PER_GAS" in r.stderr and "max_fee_per_gas:" in r.stderr
    for flags, env, code in ((["--max-fee-per-gas", "20000"], {}, sign),
                             ([], {"OGPU_MAX_FEE_PER_GAS": "10001"}, sign),
                             ([], {}, f"print(publish({DRAFT}, dry_run: true, max_fee_per_gas: gwei(10001)).max_fee)")):
        r = run(ogpu_bin, home, "--rpc-url", n.url, *flags, "-e", code, **env)
        assert r.returncode == 0, (flags, env, r.stderr)
        assert r.stdout.strip() == "0.000010001 OGPU"  # 10001 gwei per gas
    # A named cap lasts for its own call only.
    r = run(ogpu_bin, home, "--rpc-url", n.url, "-e",
            f"publish({DRAFT}, dry_run: true, max_fee_per_gas: gwei(20000))\n{sign}")
    assert r.returncode == 70 and "cap of 1000 gwei" in r.stderr


def test_total_cost_cap_counts_gas_and_value(ogpu_bin, home, node):
    n = node(chain_id=1337)
    r = run(ogpu_bin, home, "--rpc-url", n.url, "--dry-run", "-e", "deposit(ogpu(150))")
    assert r.returncode == 70 and "dry run, not sent" not in r.stdout
    assert "may cost up to 150.00072 OGPU" in r.stderr and "cap of 100 OGPU" in r.stderr and "--max-tx-cost" in r.stderr
    for flags, env, code in ((["--max-tx-cost", "200"], {}, "deposit(ogpu(150))"),
                             ([], {"OGPU_MAX_TX_COST": "150.5"}, "deposit(ogpu(150))"),
                             ([], {}, "deposit(ogpu(150), max_cost: ogpu(151))")):
        r = run(ogpu_bin, home, "--rpc-url", n.url, "--dry-run", *flags, "-e", code, **env)
        assert "dry run, not sent: Vault.deposit" in r.stdout, (flags, env, r.stderr)
    # A node inflating the gas estimate meets the same cap.
    greedy = node(chain_id=1337, gas_estimate=50_000_000_000)
    r = run(ogpu_bin, home, "--rpc-url", greedy.url, "-e", f"publish({DRAFT}, dry_run: true)")
    assert r.returncode == 70 and "cap of 100 OGPU" in r.stderr


def test_bad_cap_values_are_usage_errors(ogpu_bin, home):
    for flag, value in (("--max-fee-per-gas", "lots"), ("--max-tx-cost", "-1"), ("--max-fee-per-gas", "0.0000000001")):
        r = run(ogpu_bin, home, flag, value, "-e", "1")
        assert r.returncode == 64 and flag in r.stderr


def test_mainnet_from_a_script_needs_yes(ogpu_bin, home, node):
    n = node(chain_id=MAINNET_CHAIN_ID)
    r = run(ogpu_bin, home, "--network", "mainnet", "--rpc-url", n.url, "-e", f"publish({DRAFT}, dry_run: true)",
            CLIENT_PRIVATE_KEY=TEST_KEY)
    assert r.returncode == 70 and "error[value]" in r.stderr and "--yes" in r.stderr
    assert n.asked("eth_sendRawTransaction") == 0


def test_mainnet_at_a_terminal_shows_the_transaction_and_asks(repl, node):
    n = node(chain_id=MAINNET_CHAIN_ID)
    r = repl("--network", "mainnet", "--rpc-url", n.url, expect_prompt="ogpu(mainnet)> ", CLIENT_PRIVATE_KEY=TEST_KEY)
    prompt = "ogpu(mainnet)> "
    r.child.sendline(f"let t = publish({DRAFT}, dry_run: true)")
    r.child.expect_exact("[y/N] ")
    shown = r.child.before
    for text in ("on mainnet (chain id 1071)", "Controller.publishTask", MAINNET_CONTROLLER,
                 "payment   0.01 OGPU", "value     0 OGPU", "max fee   0.00072 OGPU (gas limit 240000 × at most 3 gwei)"):
        assert text in shown, (text, shown)
    r.child.sendline("")  # Enter declines
    r.child.expect_exact(prompt)
    assert "declined at the confirmation prompt" in r.child.before
    r.child.sendline(f"let t = publish({DRAFT}, dry_run: true)")
    r.child.expect_exact("[y/N] ")
    r.child.sendline("y")
    r.child.expect_exact(prompt)
    assert r.run("t.chain_id", prompt=prompt).strip() == "1071"
    # Ctrl-C at the question declines and interrupts.
    r.child.sendline("deposit(ogpu(1))")
    r.child.expect_exact("[y/N] ")
    r.child.sendintr()
    r.child.expect_exact(prompt)
    assert "interrupted" in r.child.before or "declined" in r.child.before
    assert n.asked("eth_sendRawTransaction") == 0


def test_plain_http_to_another_machine_is_refused_before_any_request(ogpu_bin, home):
    start = time.monotonic()
    r = run(ogpu_bin, home, "--network", "mainnet", "--rpc-url", "http://user:pw@192.0.2.1:8545/v3/KEY123", "--yes",
            "-e", "deposit(ogpu(1))", CLIENT_PRIVATE_KEY=TEST_KEY)
    assert r.returncode == 70 and "--allow-insecure-rpc" in r.stderr and "plain http://" in r.stderr
    assert "KEY123" not in r.stderr and "pw" not in r.stderr.replace("plain", "")
    assert time.monotonic() - start < 5, "refused before trying to connect (192.0.2.1 never answers)"


# --- 3. Secrets stay secret -----------------------------------------------------------------

@pytest.mark.parametrize("name", ["CLIENT_PRIVATE_KEY", "OGPU_PASSWORD", "client_private_key", "MY_WALLET_PASSWORD"])
def test_env_refuses_variables_holding_keys_or_passwords(ogpu_bin, home, name):
    r = run(ogpu_bin, home, "-e", f'env("{name}")', **{name: TEST_KEY[2:]})
    assert r.returncode == 70 and "error[key]" in r.stderr and "refused" in r.stderr
    assert TEST_KEY[2:] not in r.stdout + r.stderr
    r = run(ogpu_bin, home, "-e", f'try {{ env("{name}") }} catch e {{ print(e.kind) }}')
    assert r.stdout.strip() == "key"


def test_env_still_reads_ordinary_variables(ogpu_bin, home):
    r = run(ogpu_bin, home, "-e", 'print(env("OGPU_TEST_PLAIN"), env("OGPU_NOT_SET_ANYWHERE"))', OGPU_TEST_PLAIN="x y")
    assert r.stdout.strip() == "x y nil"


def test_the_key_leaves_the_environment_and_core_dumps_are_off(ogpu_bin, home):
    child = subprocess.Popen([ogpu_bin, "-e", "sleep(3s)"], env=base_env(home, CLIENT_PRIVATE_KEY=TEST_KEY),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        time.sleep(1.0)
        proc = f"/proc/{child.pid}"
        environ = open(f"{proc}/environ", "rb").read()  # readable here: the tests run as root
        assert TEST_KEY[2:].encode() not in environ and b"CLIENT_PRIVATE_KEY" not in environ.split(b"\0")[0]
        limits = open(f"{proc}/limits").read()
        core = next(line for line in limits.splitlines() if line.startswith("Max core file size"))
        assert core.split()[4:6] == ["0", "0"], core
        owner = os.stat(f"{proc}/mem").st_uid
        assert owner == 0, "not dumpable: /proc/PID/mem belongs to root, not to the user"
    finally:
        child.wait(timeout=20)


def test_a_private_key_flag_is_overwritten_in_the_process_arguments(ogpu_bin, home):
    child = subprocess.Popen([ogpu_bin, "--private-key", TEST_KEY, "-e", "sleep(3s)"], env=base_env(home),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.0)
        cmdline = open(f"/proc/{child.pid}/cmdline", "rb").read().split(b"\0")
        assert TEST_KEY.encode() not in cmdline and TEST_KEY[2:].encode() not in b"".join(cmdline)
        assert cmdline[2] == b"x" * len(TEST_KEY)
    finally:
        _, err = child.communicate(timeout=20)
    assert "visible to other users" in err and TEST_KEY[2:] not in err


def test_the_key_survives_reset_after_its_secret_is_wiped(repl, node):
    n = node(chain_id=1337)
    r = repl("--rpc-url", n.url, CLIENT_PRIVATE_KEY=TEST_KEY)
    first = r.run("me()").strip()
    assert first.startswith("0x") and len(first) == 42
    r.run(":reset")
    assert r.run("me()").strip() == first  # the loaded key is kept; its hex text was wiped


def test_save_writes_owner_only_and_leaves_out_what_history_refuses(repl, home, tmp_path):
    r = repl()
    r.run("let a = 1")
    r.run(" let hidden = 2")  # a leading space marks a line private
    r.run('let password = "hunter2"')
    r.run("a + 1")
    target = tmp_path / "session.ogpu"
    target.write_text("old\n")
    os.chmod(target, 0o644)
    out = r.run(f":save {target}")
    assert "saved 2 inputs" in out and "2 left out" in out
    mode = stat.S_IMODE(os.stat(target).st_mode)
    assert mode == 0o600, oct(mode)
    text = target.read_text()
    assert "let a = 1" in text and "a + 1" in text
    assert "hidden" not in text and "hunter2" not in text


def test_rpc_credentials_never_show(repl, node, ogpu_bin, home):
    n = node(chain_id=1337)
    secret_url = n.url.replace("http://", "http://alice:s3cretpw@") + "/v3/APIKEY0123"
    r = repl("--rpc-url", secret_url)
    out = r.run(":network")
    assert "APIKEY0123" not in out and "s3cretpw" not in out and "alice" not in out
    assert "not contacted yet" in out
    r.run("network().chain_id")
    out = r.run(":network")
    assert "chain id 1337" in out and "APIKEY0123" not in out and "s3cretpw" not in out
    out = r.run(f':network {secret_url.replace(str(n.server.server_address[1]), "1")}')
    assert "error[rpc]" in out and "APIKEY0123" not in out and "s3cretpw" not in out
    r.quit()
    history = (home / ".ogpu_history").read_text() if (home / ".ogpu_history").exists() else ""
    assert "s3cretpw" not in history
    # Prompt and --json too.
    r2 = repl("--network", secret_url, expect_prompt=f"ogpu(127.0.0.1:{n.server.server_address[1]})> ")
    r2.close()
    res = run(ogpu_bin, home, "--network", secret_url, "--json", "-e", "network()")
    assert "APIKEY0123" not in res.stdout and "s3cretpw" not in res.stdout
    assert json.loads(res.stdout)["value"]["rpc"].startswith("http://127.0.0.1:")


def stty_shows_echo(text):
    settings = text.split("rc=", 1)[1]
    return re.search(r"(?<![-\w])echo(?![\w])", settings) is not None and " -icanon" not in settings


@pytest.mark.parametrize("key", ["\x03", "\x04", "\x1c"])  # Ctrl-C, Ctrl-D, Ctrl-\
def test_every_way_out_of_the_password_prompt_restores_the_terminal(ogpu_bin, home, tmp_path, key):
    keystore = tmp_path / "key.json"
    keystore.write_text("{}")
    child = pexpect.spawn("/bin/sh", ["-c", f"'{ogpu_bin}' --keystore '{keystore}' -e 1; echo rc=$?; stty -a"],
                          env=base_env(home), encoding="utf-8", timeout=20)
    child.expect_exact("Password for key.json: ")
    if key != "\x04":  # Ctrl-D ends the input only on an empty line (else it is Enter)
        child.send("abc")
    child.send(key)
    child.expect(pexpect.EOF)
    out = child.before
    assert "abc" not in out.split("rc=")[0], "the password was echoed"
    assert stty_shows_echo(out), out
    assert ("rc=130" if key != "\x04" else "rc=64") in out


def test_sigterm_at_the_password_prompt_restores_the_terminal(ogpu_bin, home, tmp_path):
    keystore = tmp_path / "key.json"
    keystore.write_text("{}")
    child = pexpect.spawn("/bin/sh", ["-c", f"'{ogpu_bin}' --keystore '{keystore}' -e 1 & echo pid=$!; wait $!; echo rc=$?; stty -a"],
                          env=base_env(home), encoding="utf-8", timeout=20)
    child.expect(r"pid=(\d+)")
    pid = int(child.match.group(1))
    child.expect_exact("Password for key.json: ")
    os.kill(pid, 15)
    child.expect(pexpect.EOF)
    assert stty_shows_echo(child.before), child.before


def test_backspace_at_the_password_prompt_edits_the_password(ogpu_bin, home, tmp_path, node):
    # A reference keystore (../shared/vectors) whose password is "pässwörd 🚀": typed with a wrong
    # emoji rubbed out by one Backspace (four UTF-8 bytes), it must still decrypt.
    from conftest import ROOT
    cases = json.loads((ROOT.parent / "shared/vectors/reference/keystores.json").read_text())["cases"]
    case = next(c for c in cases if c["password"] == "pässwörd 🚀" and "scrypt" in json.dumps(c["keystore"]))
    n = node(chain_id=1337)
    keystore = tmp_path / "key.json"
    keystore.write_text(json.dumps(case["keystore"]))
    child = pexpect.spawn(ogpu_bin, ["--keystore", str(keystore), "--rpc-url", n.url, "-e", "print(me())"],
                          env=base_env(home), encoding="utf-8", timeout=30)
    child.expect_exact("Password for key.json: ")
    child.send("pässwör🚀\x7fd 🚀\r")
    child.expect(pexpect.EOF)
    assert case["address"] in child.before, child.before
