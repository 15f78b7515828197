"""Exactly once, through the language: ogpu *scripts* run by the real binary against the devnet
behind a fault proxy, one cell per {fault} x {action}. Each cell checks, on chain, exactly one
effect per intended action (the account's mined transaction count), that the send journal accounts
for every signed transaction (mined ones have a successful receipt, rejected ones none, nothing
left open once the user did what ogpu told them), and that the user was told what happened.

Runs on the devnet scripts/test starts (OGPU_DEVNET_RPC); skipped only when none answers. Each
cell uses a fresh account, so cells never share nonces, journals or Vault balances."""
import json
import os
import signal
import subprocess
import time
import urllib.request

import pytest

from conftest import ROOT, base_env
from faultproxy import FaultProxy
from test_examples_devnet import devnet_env, network_client_available

ACTIONS = ["publish", "batch", "retry_publish", "confirm", "deposit", "send", "transfer"]
FAULTS = ["send_answer_dropped", "receipt_never_arrives", "send_5xx", "send_malformed",
          "nonce_too_low_lagging_index", "killed_between_sign_and_send", "two_processes_one_key"]

PROMPT = '{messages: [{role: "user", content: "exactly once"}], devnet: {respond: false}}'
SCRIPTS = {
    "publish": f'let t = publish task(sources()[0].address, "text2text", {PROMPT})\nprint "task", t.address',
    "batch": ('let ds = [task(sources()[0].address, "text2text", ' + PROMPT + '), '
              'task(sources()[0].address, "text2text", {messages: [{role: "user", content: "twice"}], devnet: {respond: false}})]\n'
              'for r in publish(ds) {\n'
              '    if type(r) == "error" { print "error", r.kind, r.data.tx } else { print "task", r.address }\n'
              '}'),
    "retry_publish": ('var runs = 0\n'
                      f'let t = retry(3, backoff: 10ms) {{ runs += 1; publish task(sources()[0].address, "text2text", {PROMPT}) }}\n'
                      'print "task", t.address, "runs", runs'),
    "confirm": 'print "confirmed", confirm(args[0])',
    "deposit": 'print "deposited", deposit(ogpu(1))',
    # The chain console's sends: a contract call by signature (args[0] is the Vault) and a native transfer.
    "send": 'print "sent", send(args[0], "deposit(address)", me(), value: ogpu(1))',
    "transfer": 'print "sent", transfer(0x000000000000000000000000000000000000dEaD, ogpu(1))',
}
# Mined transactions each action intends (a batch publishes two tasks).
INTENDED = {"publish": 1, "batch": 2, "retry_publish": 1, "confirm": 1, "deposit": 1, "send": 1, "transfer": 1}
LABEL = {"publish": "Controller.publishTask", "batch": "Controller.publishTask", "retry_publish": "Controller.publishTask",
         "confirm": "Controller.confirmResponse", "deposit": "Vault.deposit", "send": "deposit(address)", "transfer": "transfer"}

FUND = r'''
import json, sys, time, urllib.request
from eth_account import Account
url, key = sys.argv[1], sys.argv[2]
def rpc(m, p):
    r = urllib.request.Request(url, data=json.dumps({"jsonrpc": "2.0", "id": 1, "method": m, "params": p}).encode(),
                               headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(r, timeout=30))
new = Account.create()
funder = Account.from_key(key)
chain = int(rpc("eth_chainId", [])["result"], 16)
for attempt in range(20):
    nonce = int(rpc("eth_getTransactionCount", [funder.address, "pending"])["result"], 16)
    price = int(rpc("eth_gasPrice", [])["result"], 16) * 2
    signed = Account.sign_transaction({"to": new.address, "value": 50 * 10**18, "gas": 21000, "gasPrice": price,
                                       "nonce": nonce, "chainId": chain}, key)
    raw = getattr(signed, "raw_transaction", None) or signed.rawTransaction
    r = rpc("eth_sendRawTransaction", ["0x" + bytes(raw).hex()])
    if "result" in r:
        for _ in range(100):
            if rpc("eth_getTransactionReceipt", [r["result"]]).get("result"):
                print(json.dumps({"key": "0x" + bytes(new.key).hex(), "address": new.address}))
                sys.exit(0)
            time.sleep(0.05)
    time.sleep(0.2)
sys.exit("funding failed: " + json.dumps(r))
'''


def rpc(url, method, params=()):
    req = urllib.request.Request(url, data=json.dumps({"jsonrpc": "2.0", "id": 1, "method": method,
                                                       "params": list(params)}).encode(),
                                 headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req, timeout=30)).get("result")


class Cell:
    """One fresh funded account with its own HOME (journal), talking to the devnet directly or
    through the proxy."""

    def __init__(self, ogpu_bin, home, url):
        self.ogpu, self.home, self.url = ogpu_bin, home, url
        manifest = rpc(url, "ogpu_manifest")
        deployer = next(a["privateKey"] for a in manifest["accounts"] if a["role"] == "deployer")
        devnet_python = subprocess.run([str(ROOT / "scripts" / "devnet"), "venv"], capture_output=True, text=True,
                                       check=True).stdout.strip().splitlines()[-1] + "/bin/python"
        out = subprocess.run([devnet_python, "-c", FUND, url, deployer], capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        acct = json.loads(out.stdout)
        self.key, self.address = acct["key"], acct["address"]
        self.manual_source = manifest["sources"]["manual_confirmation"]
        self.proxy = FaultProxy(url)
        self.before = set()  # transactions signed while preparing, not by the action under test

    def env(self, via_proxy=True, **extra):
        settings = {"OGPU_RECEIPT_TIMEOUT": "4", **extra}
        return base_env(self.home, OGPU_RPC_URL=self.proxy.url if via_proxy else self.url, CLIENT_PRIVATE_KEY=self.key,
                        **settings)

    def run(self, script, *args, via_proxy=True, timeout=120):
        return subprocess.run([self.ogpu, "-e", script, *args], capture_output=True, text=True,
                              env=self.env(via_proxy), timeout=timeout)

    def start(self, script, *args):
        return subprocess.Popen([self.ogpu, "-e", script, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=self.env())

    def journal_cmd(self, *flags):
        return subprocess.run([self.ogpu, "journal", *flags], capture_output=True, text=True,
                              env=self.env(via_proxy=False), timeout=120)

    def mined_count(self):
        return int(rpc(self.url, "eth_getTransactionCount", [self.address, "latest"]), 16)

    def journal(self):
        p = self.home / ".ogpu" / "journal.jsonl"
        if not p.exists():
            return {}
        signed, latest = {}, {}
        for line in p.read_text().splitlines():
            r = json.loads(line)
            if r["state"] == "signed":
                signed.setdefault(r["hash"], r)
            latest[r["hash"]] = r
        return {h: (signed[h], latest[h]["state"]) for h in signed}

    def assert_journal_accounts_for_everything(self):
        for h, (signed, state) in self.journal().items():
            receipt = rpc(self.url, "eth_getTransactionReceipt", [h])
            if state == "mined":
                assert receipt and receipt["status"] == "0x1", f"journal says mined: {h}"
            elif state == "rejected":
                assert receipt is None, f"journal says rejected but it was mined: {h}"
            else:
                pytest.fail(f"journal leaves {signed['label']} {h} {state}")

    def signed_hashes(self, label):
        return [h for h, (s, _) in self.journal().items() if s["label"] == label and h not in self.before]

    def wait_for_signed(self, label, n=1, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if len(self.signed_hashes(label)) >= n:
                return
            time.sleep(0.05)
        pytest.fail(f"no {label} was signed within {timeout}s")


def prepare(cell, action):
    """What the action needs, set up without faults: Vault money; for confirm, a response."""
    r = cell.run('deposit(ogpu(3))', via_proxy=False)
    assert r.returncode == 0, r.stderr
    if action == "send":
        return [rpc(cell.url, "ogpu_manifest")["contracts"]["VAULT"]]
    if action != "confirm":
        return []
    r = cell.run(f'let t = publish task(address("{cell.manual_source}"), "text2text", '
                 '{messages: [{role: "user", content: "confirm me"}]})\n'
                 'print wait(t, until: "response", timeout: 60s).address', via_proxy=False)
    assert r.returncode == 0, r.stderr
    return [r.stdout.split()[-1]]


def inject(proxy, fault):
    if fault == "send_answer_dropped":
        proxy.inject("eth_sendRawTransaction", ["drop"])
    elif fault == "receipt_never_arrives":
        proxy.always_for("eth_getTransactionReceipt", "null")
    elif fault == "send_5xx":
        proxy.inject("eth_sendRawTransaction", ["5xx"])
    elif fault == "send_malformed":
        proxy.inject("eth_sendRawTransaction", ["malformed"])
    elif fault == "nonce_too_low_lagging_index":
        # The first answer is lost; the re-send is refused as "nonce too low" (our own transaction
        # was mined) while the node's receipt and transaction indexes lag behind.
        proxy.inject("eth_sendRawTransaction", ["drop", "nonce_low"])
        proxy.inject("eth_getTransactionReceipt", ["null"] * 4)
        proxy.inject("eth_getTransactionByHash", ["null"] * 4)
    elif fault == "killed_between_sign_and_send":
        proxy.inject("eth_sendRawTransaction", ["hold"])
    elif fault == "two_processes_one_key":
        proxy.inject("eth_sendRawTransaction", [("delay", 2)])


@pytest.fixture
def devnet_url(ogpu_bin, home):
    if not network_client_available(ogpu_bin, home):
        pytest.skip("no devnet is running (scripts/devnet start), or this build has no network client")
    return devnet_env(home).get("OGPU_RPC_URL") or "http://127.0.0.1:8545"


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("action", ACTIONS)
def test_exactly_once(ogpu_bin, home, devnet_url, action, fault):
    cell = Cell(ogpu_bin, home, devnet_url)
    try:
        args = prepare(cell, action)
        before = cell.mined_count()
        cell.before = set(cell.journal())
        inject(cell.proxy, fault)
        script = SCRIPTS[action]
        expected = INTENDED[action]

        if fault == "killed_between_sign_and_send":
            p = cell.start(script, *args)
            cell.wait_for_signed(LABEL[action])
            p.send_signal(signal.SIGKILL)
            p.wait(timeout=30)
            cell.proxy.clear()
            journaled = cell.signed_hashes(LABEL[action])
            assert rpc(cell.url, "eth_getTransactionByHash", [journaled[0]]) is None, "never reached the node"
            # The next session says so at once.
            r = cell.run('print 1')
            assert "with no known outcome" in r.stderr, r.stderr
            if LABEL[action] == "Controller.publishTask":
                # Re-running the script settles the journaled publish instead of signing another.
                r = cell.run(script, *args)
                assert r.returncode == 0, r.stderr
                assert "already published in transaction " + journaled[0] in r.stderr
                assert rpc(cell.url, "eth_getTransactionReceipt", [journaled[0]])["status"] == "0x1"
            else:
                # Not idempotent by identity: the user settles the journal, as the hint says.
                r = cell.journal_cmd("--check", "--rebroadcast")
                assert "rebroadcast" in r.stdout, r.stdout + r.stderr
                r = cell.journal_cmd("--check")
                assert r.returncode == 0 and "mined in block" in r.stdout, r.stdout + r.stderr

        elif fault == "two_processes_one_key":
            second_script = script.replace("exactly once", "the other process").replace("twice", "the other twice")
            if action == "confirm":
                second_script = 'print "deposited", deposit(ogpu(1))'  # the other process does its own thing
            a = cell.start(script, *args)
            time.sleep(0.7)
            b = cell.start(second_script, *args)
            out_a, err_a = a.communicate(timeout=120)
            out_b, err_b = b.communicate(timeout=120)
            assert a.returncode == 0, err_a
            assert b.returncode == 0, err_b
            assert f"account {cell.address}" in err_b and "is in use by another ogpu process (pid" in err_b, err_b
            expected *= 2 if action != "confirm" else 1
            if action == "confirm":
                expected = 2  # the confirm and the other process's deposit

        else:
            r = cell.run(script, *args)
            if fault == "receipt_never_arrives":
                # The outcome is unknown: said so, with the hash and what to do; never retried.
                hashes = cell.signed_hashes(LABEL[action])
                assert hashes
                if action == "batch":
                    assert r.returncode == 0, r.stderr
                    assert r.stdout.count("error pending 0x") == 2, r.stdout
                else:
                    assert r.returncode == 70, r.stdout + r.stderr
                    assert "outcome unknown" in r.stderr and hashes[0] in r.stderr, r.stderr
                    assert "ogpu journal --check" in r.stderr
                assert len(hashes) == expected, "nothing was sent twice (retry did not re-run)"
                cell.proxy.clear()
                if LABEL[action] == "Controller.publishTask":
                    # What the message says: run the same publish again — it settles, signs nothing.
                    r = cell.run(script, *args)
                    assert r.returncode == 0, r.stderr
                    assert "already published in transaction" in r.stderr
                    assert r.stdout.count("task 0x") == expected
                else:
                    r = cell.journal_cmd("--check")
                    assert r.returncode == 0 and "mined in block" in r.stdout, r.stdout + r.stderr
            else:
                assert r.returncode == 0, r.stderr
                if action in ("publish", "batch", "retry_publish"):
                    assert r.stdout.count("task 0x") == expected, r.stdout
                if action == "retry_publish":
                    assert "runs 1" in r.stdout, r.stdout
                assert len(cell.signed_hashes(LABEL[action])) == expected, "one signed transaction per action"

        assert cell.mined_count() - before == expected, "exactly one on-chain effect per intended action"
        cell.assert_journal_accounts_for_everything()
    finally:
        cell.proxy.stop()


def test_ctrl_c_after_broadcast_names_the_transaction_and_a_rerun_settles_it(ogpu_bin, home, devnet_url):
    """Ctrl-C while waiting for a publish's receipt: the script stops ("interrupted", exit 130),
    the message names the transaction and how to resume; the re-run signs nothing new."""
    cell = Cell(ogpu_bin, home, devnet_url)
    try:
        prepare(cell, "publish")
        before = cell.mined_count()
        cell.before = set(cell.journal())
        cell.proxy.always_for("eth_getTransactionReceipt", "null")
        p = subprocess.Popen([ogpu_bin, "-e", SCRIPTS["publish"]], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=cell.env(OGPU_RECEIPT_TIMEOUT="60"))
        cell.wait_for_signed("Controller.publishTask")
        tx = cell.signed_hashes("Controller.publishTask")[0]
        deadline = time.time() + 30
        while rpc(cell.url, "eth_getTransactionReceipt", [tx]) is None and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=30)
        assert p.returncode == 130, err
        assert "error[interrupted]" in err and tx in err and "run the same publish again" in err, err
        cell.proxy.clear()
        r = cell.run(SCRIPTS["publish"])
        assert r.returncode == 0 and "already published in transaction " + tx in r.stderr, r.stderr
        assert cell.mined_count() - before == 1
        assert cell.signed_hashes("Controller.publishTask") == [tx]
        cell.assert_journal_accounts_for_everything()
    finally:
        cell.proxy.stop()
