"""The provider side and protocol events, through the built binary, on a private devnet started
with OGPU_DEVNET_PROVIDER=0 (no provider agent: only what these tests run answers tasks).

- examples/provider.ogpu in one process (a fresh account: it registers with a lockup, then
  serves) while another process publishes and waits for the answer;
- every provider/master/owner built-in on the devnet's contracts, with the chain's own view;
- watch(filter) across a node outage (fault proxy): every event once, in order;
- watch's timeout and Ctrl-C end cleanly."""
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pexpect
import pytest

from conftest import ROOT, base_env
from faultproxy import FaultProxy
from test_exactly_once import FUND, rpc

DEVNET = ROOT / "scripts" / "devnet"
sys.path.insert(0, str(ROOT / "devnet"))
from ogpu_devnet.ports import free_port_pair  # noqa: E402


class Net:
    def __init__(self, url, manifest):
        self.url, self.m = url, manifest
        self.first = manifest["sources"]["first_response"]
        self.manual = manifest["sources"]["manual_confirmation"]
        self.deployer = next(a["privateKey"] for a in manifest["accounts"] if a["role"] == "deployer")
        self.python = subprocess.run([str(DEVNET), "venv"], capture_output=True, text=True,
                                     check=True).stdout.strip().splitlines()[-1] + "/bin/python"

    def fresh_account(self):
        out = subprocess.run([self.python, "-c", FUND, self.url, self.deployer], capture_output=True, text=True,
                             timeout=120)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)


@pytest.fixture(scope="module")
def net():
    port = free_port_pair()
    state = Path(tempfile.mkdtemp(prefix="ogpu-provider-side-"))
    env = dict(os.environ, OGPU_DEVNET_PORT=str(port), OGPU_DEVNET_IPFS_PORT=str(port + 1), OGPU_DEVNET_STATE=str(state),
               OGPU_DEVNET_PARENT_PID=str(os.getpid()), OGPU_DEVNET_PROVIDER="0")
    r = subprocess.run([str(DEVNET), "start"], env=env, capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        pytest.skip(f"could not start a private devnet: {r.stderr[-500:]}")
    try:
        url = f"http://127.0.0.1:{port}"
        status = subprocess.run([str(DEVNET), "status"], env=env, capture_output=True, text=True)
        assert status.returncode == 0 and "provider" not in status.stdout, status.stdout
        assert not (state / "pids" / "provider.pid").exists()
        yield Net(url, rpc(url, "ogpu_manifest"))
    finally:
        subprocess.run([str(DEVNET), "stop"], env=env, capture_output=True, timeout=60)
        shutil.rmtree(state, ignore_errors=True)


def env_for(home, url, key=None):
    return base_env(home, OGPU_RPC_URL=url, CLIENT_PRIVATE_KEY=key)


def run(ogpu_bin, home, url, script, *args, key=None, timeout=180):
    return subprocess.run([ogpu_bin, "-e", script, *args], capture_output=True, text=True,
                          env=env_for(home, url, key), timeout=timeout)


def read_until(proc, text, timeout=60):
    """Reads the process's stderr until a line contains `text`; returns what was read."""
    seen = ""
    deadline = time.time() + timeout
    while time.time() < deadline:
        ready, _, _ = select.select([proc.stderr], [], [], 0.5)
        if ready:
            line = proc.stderr.readline()
            seen += line
            if text in line:
                return seen
            if not line and proc.poll() is not None:
                break
    pytest.fail(f"no {text!r} on stderr; got:\n{seen}")


def test_provider_example_answers_a_task_another_process_publishes(ogpu_bin, tmp_path, net):
    acct = net.fresh_account()
    prov_home, client_home = tmp_path / "provider", tmp_path / "client"
    prov_home.mkdir()
    client_home.mkdir()
    provider = subprocess.Popen([ogpu_bin, "--no-color", str(ROOT / "examples" / "provider.ogpu"), net.first, "1"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=env_for(prov_home, net.url, acct["key"]))
    try:
        read_until(provider, "ogpu: serve: answering tasks of source")
        r = run(ogpu_bin, client_home, net.url,
                f'let t = publish task(address("{net.first}"), "text2text", '
                '{messages: [{role: "user", content: "hello from the client"}]})\n'
                'let r = wait(t, timeout: 90s)\n'
                'print r.data.result\nprint r.provider\nprint t.status\nprint t.winner\nprint t.delivery')
        assert r.returncode == 0, r.stderr
        lines = r.stdout.splitlines()
        assert lines == ["ogpu provider reply to: hello from the client", acct["address"], "finalized", acct["address"],
                         "first"]
        out, err = provider.communicate(timeout=60)
    finally:
        if provider.poll() is None:
            provider.kill()
    assert provider.returncode == 0, err
    assert f"registering {acct['address']}" in out
    assert "answered 1 task(s)" in out
    assert "ogpu: serve: answered task 0x" in err
    # The stake register(lockup:) put up, and every transaction in the provider's journal mined.
    v = run(ogpu_bin, prov_home, net.url, 'let v = vault()\nprint v.lockup, v.earnings', key=acct["key"])
    assert v.stdout.split() == ["1", "OGPU", "0.01", "OGPU"], v.stdout + v.stderr
    journal = [json.loads(x) for x in (prov_home / ".ogpu" / "journal.jsonl").read_text().splitlines()]
    labels = [x["label"] for x in journal if x["state"] == "signed"]
    assert labels == ["Vault.deposit", "Vault.lock", "Nexus.register", "Nexus.attempt", "Nexus.submitResponse"]
    assert {x["hash"] for x in journal if x["state"] == "mined"} == {x["hash"] for x in journal if x["state"] == "signed"}


def test_provider_master_and_owner_builtins_on_the_devnet_contracts(ogpu_bin, tmp_path, net):
    prov, master, agent = net.fresh_account(), net.fresh_account(), net.fresh_account()
    homes = {n: tmp_path / n for n in ("prov", "master", "client")}
    for h in homes.values():
        h.mkdir()
    # Pairing: the master announces with a lockup, the provider answers; the events say so.
    r = run(ogpu_bin, homes["master"], net.url,
            f'let b = block().number\nannounce_provider(address("{prov["address"]}"), ogpu(2))\n'
            f'set_agent(address("{agent["address"]}"))\nremove_agent(address("{agent["address"]}"))\n'
            'for e in events(from: b, contract: "Terminal") {\n'
            '    if e.event == "AgentSet" { print e.event, e.agent, e.value } else { print e.event, e.provider }\n}',
            key=master["key"])
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [f"ProviderAnnounced {prov['address']}", f"AgentSet {agent['address']} true",
                                     f"AgentSet {agent['address']} false"]
    # The provider: pairs, registers (the announced 2 OGPU is its lockup), takes a task the client
    # publishes, answers it, unregisters; cancel_unbonding is refused before signing on this chain.
    client = run(ogpu_bin, homes["client"], net.url,
                 f'print publish(task(address("{net.manual}"), "text2text", {{messages: [{{role: "user", content: "hi"}}]}})).address')
    assert client.returncode == 0, client.stderr
    task = client.stdout.split()[-1]
    r = run(ogpu_bin, homes["prov"], net.url, f'''
let src = address("{net.manual}")
announce_master(address("{master["address"]}"))
print pairing().master == address("{master["address"]}"), pairing(address("{master["address"]}")).provider == me()
print vault().lockup
register(src)
print contains(registrants(src), me())
attempt(task_at(address("{task}")))
let r = submit_response(task_at(address("{task}")), {{answer: 42}})
print r.data.answer, r.status, r.provider == me(), r.payment
print task_at(address("{task}")).status
for e in events(from: 0, task: address("{task}")) {{ print e.event }}
try {{ cancel_unbonding() }} catch e {{ print e.kind, e.message }}
''', key=prov["key"])
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    assert out[0] == "true true"
    out = out[1:]
    assert out[:6] == ["2 OGPU", "true", "42 submitted true 0.01 OGPU", "responded", "TaskPublished", "Attempted"]
    assert out[6:9] == ["TaskStatusChanged", "ResponseSubmitted", "TaskStatusChanged"]
    assert out[9].startswith("value Vault.cancelUnbonding does not exist on local")
    labels = [json.loads(x)["label"] for x in (homes["prov"] / ".ogpu" / "journal.jsonl").read_text().splitlines()
              if json.loads(x)["state"] == "signed"]
    assert labels == ["Terminal.announceMaster", "Nexus.register", "Nexus.attempt", "Nexus.submitResponse"]
    # The master acts for its provider (provider:): it unregisters it from the source.
    r = run(ogpu_bin, homes["master"], net.url,
            f'let p = address("{prov["address"]}")\nunregister(address("{net.manual}"), provider: p)\n'
            f'print contains(registrants(address("{net.manual}")), p)', key=master["key"])
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["false"]
    # The source owner: publish, update part of it, deactivate; publishing to it then reverts.
    r = run(ogpu_bin, homes["client"], net.url, '''
let s = publish_source(name: "mine", description: "d", cpu: "https://example.com/compose.yml", min_payment: ogpu(0.002))
update_source(s, name: "renamed", min_lockup: ogpu(3))
let u = source_at(s.address)
print u.name, u.description, u.min_payment, u.min_lockup, u.environments, u.status
deactivate_source(s)
print source_at(s.address).status
try { publish task(s.address, "text2text", {messages: [{role: "user", content: "x"}]}) } catch e { print e.kind, e.message }
let ev = events(from: 0, source: s.address, event: ["SourceUpdated", "SourceStatusChanged"])
print ev[0].source_params.min_lockup, ev[1].status
''')
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    assert out[0] == 'renamed d 0.002 OGPU 3 OGPU ["cpu"] active'
    assert out[1] == "inactive"
    assert out[2].startswith("revert SourceInactive")
    assert out[3] == "3 OGPU inactive"


def test_vault_state_says_when_claim_works(ogpu_bin, tmp_path, net):
    acct = net.fresh_account()
    r = run(ogpu_bin, tmp_path, net.url, '''
deposit(ogpu(2)); lock(ogpu(2)); unbond(ogpu(1))
let v = vault()
print v.lockup, v.unbonding, v.claimable, v.unbonding_until > now() + 23h, v.frozen, v.earnings
try { claim() } catch e { print e.kind }
''', key=acct["key"])
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["1 OGPU 1 OGPU false true 0 OGPU 0 OGPU", "revert"]
    rpc(net.url, "evm_increaseTime", [86_401])
    rpc(net.url, "evm_mine", [])
    r = run(ogpu_bin, tmp_path, net.url, 'print vault().claimable\nclaim()\nlet v = vault()\nprint v.claimable, v.unbonding, v.unbonding_until, v.balance',
            key=acct["key"])
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["true", "false 0 OGPU nil 1 OGPU"]


WATCH = '''
let seen = []
let n = watch(event: "TaskPublished", source: address(args[0]), from: int(args[1]), timeout: 120s, poll: 200ms) { ev =>
    print "ev", ev.task, ev.block
    if ev.block >= int(args[2]) { return false }
}
print "handed", n
'''


def publish_quiet(ogpu_bin, home, url, source, text):
    r = run(ogpu_bin, home, url, f'print publish(task(address("{source}"), "text2text", '
                                 f'{{messages: [{{role: "user", content: "{text}"}}]}})).address')
    assert r.returncode == 0, r.stderr
    return r.stdout.split()[-1]


def test_watch_rides_out_a_node_outage_and_restart_without_missing_or_repeating_an_event(ogpu_bin, tmp_path, net):
    client_home = tmp_path / "client"
    client_home.mkdir()
    start = int(rpc(net.url, "eth_blockNumber"), 16) + 1
    tasks = [publish_quiet(ogpu_bin, client_home, net.url, net.manual, "before 1"),
             publish_quiet(ogpu_bin, client_home, net.url, net.manual, "before 2")]
    proxy = FaultProxy(net.url)
    # The watcher ends at the block of the last task, published below; it learns it from args.
    watcher_args = [net.manual, str(start)]
    try:
        proxy.always_for("eth_blockNumber", "5xx")
        proxy.always_for("eth_getLogs", "drop")
        # The watcher starts while the node "is down": it must wait, not fail.
        tasks.append(publish_quiet(ogpu_bin, client_home, net.url, net.manual, "during 1"))
        last = publish_quiet(ogpu_bin, client_home, net.url, net.manual, "during 2")
        tasks.append(last)
        last_block = int(rpc(net.url, "eth_getTransactionReceipt",
                             [json.loads((client_home / ".ogpu" / "journal.jsonl").read_text().splitlines()[-1])["hash"]])
                         ["blockNumber"], 16)
        w = subprocess.Popen([ogpu_bin, "-e", WATCH, *watcher_args, str(last_block)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env_for(tmp_path, proxy.url))
        read_until(w, "retrying from block", timeout=60)
        time.sleep(2)
        # The node goes away entirely (connections refused), then comes back on the same port.
        port = proxy.server.server_address[1]
        proxy.stop()
        time.sleep(3)
        proxy = FaultProxy(net.url, port=port)
        out, err = w.communicate(timeout=120)
    finally:
        proxy.stop()
    assert w.returncode == 0, err
    seen = [line.split()[1] for line in out.splitlines() if line.startswith("ev ")]
    assert seen == tasks, out
    assert out.splitlines()[-1] == "handed 4"
    assert "answers again" in err


def test_watch_resumes_from_where_it_was_stopped_and_a_timeout_ends_it_quietly(ogpu_bin, tmp_path, net):
    home = tmp_path / "client"
    home.mkdir()
    start = int(rpc(net.url, "eth_blockNumber"), 16) + 1
    a = publish_quiet(ogpu_bin, home, net.url, net.first, "one")
    b = publish_quiet(ogpu_bin, home, net.url, net.first, "two")
    first = run(ogpu_bin, tmp_path, net.url,
                f'var last = 0\nwatch(event: "TaskPublished", source: address("{net.first}"), from: {start}, timeout: 5s) '
                '{ ev => print ev.task; last = ev.block; return false }\nprint last + 1')
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[0] == a
    resume = first.stdout.splitlines()[-1]
    second = run(ogpu_bin, tmp_path, net.url,
                 f'print watch(event: "TaskPublished", source: address("{net.first}"), from: {resume}, timeout: 3s) '
                 '{ ev => print ev.task }')
    assert second.returncode == 0, second.stderr
    assert second.stdout.splitlines() == [b, "1"]
    assert second.stderr == ""


def test_ctrl_c_stops_a_watch_and_names_the_block_to_resume_from(ogpu_bin, tmp_path, net):
    child = pexpect.spawn(ogpu_bin, ["-e", 'print "watching"\nwatch(event: "Attempted") { ev => print ev }'],
                          env=env_for(tmp_path, net.url), encoding="utf-8", timeout=30)
    child.expect_exact("watching")
    time.sleep(1.5)
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130, child.before
    assert re.search(r"error\[interrupted\]: watch interrupted after 0 event\(s\); every event before block \d+ was handled; "
                     r"resume with from: \d+", child.before.replace("\r\n", " ")), child.before


NEW_BUILTINS = ["events", "register", "unregister", "registrants", "attempt", "submit_response", "serve",
                "announce_provider", "announce_master", "set_agent", "remove_agent", "update_source",
                "deactivate_source", "cancel_unbonding", "pairing"]


def test_new_builtins_are_documented_helped_and_completed(repl):
    doc = (ROOT / "docs" / "language.md").read_text()
    for name in NEW_BUILTINS:
        assert f"`{name}(" in doc, f"docs/language.md has no entry for {name}"
    r = repl()
    for name in NEW_BUILTINS:
        out = r.run(f":help {name}")
        assert out.startswith(f"{name}:") and "(" in out, out
    for prefix, name in (("submit_re", "submit_response"), ("cancel_unb", "cancel_unbonding"), ("registra", "registrants")):
        r.send(prefix + "\t\r")  # Tab completes the name; the value shown is the built-in itself
        out = r.prompt()
        assert name in out and "error" not in out, out


def test_serve_timeout_ends_it_cleanly_and_an_unregistered_provider_is_refused(ogpu_bin, tmp_path, net):
    provider1 = next(a for a in net.m["accounts"] if a["role"] == "provider")  # registered to both sources
    r = run(ogpu_bin, tmp_path, net.url, f'print serve(address("{net.first}"), timeout: 2s) {{ t => 1 }}', key=provider1["privateKey"])
    assert r.returncode == 0, r.stderr
    assert r.stdout == "0\n"
    assert r.stderr.startswith("ogpu: serve: answering tasks of source") and r.stderr.count("\n") == 1
    stranger = net.fresh_account()
    r = run(ogpu_bin, tmp_path, net.url, f'serve(address("{net.first}")) {{ t => 1 }}', key=stranger["key"])
    assert r.returncode == 70
    assert "error[value]: serve(): provider" in r.stderr and "is not registered to source" in r.stderr
    assert not (tmp_path / ".ogpu" / "journal.jsonl").exists()  # nothing was signed by either run


def test_a_response_whose_outcome_is_unknown_is_not_signed_again(ogpu_bin, tmp_path, net):
    acct = net.fresh_account()
    prov_home, client_home = tmp_path / "prov", tmp_path / "client"
    prov_home.mkdir()
    client_home.mkdir()
    task = publish_quiet(ogpu_bin, client_home, net.url, net.manual, "answer me once")
    r = run(ogpu_bin, prov_home, net.url, f'register(address("{net.manual}"), lockup: ogpu(1))\nattempt(task_at(address("{task}")))',
            key=acct["key"])
    assert r.returncode == 0, r.stderr
    proxy = FaultProxy(net.url)
    try:
        proxy.always_for("eth_getTransactionReceipt", "null")  # the answer is mined, but its receipt never shows
        env = dict(env_for(prov_home, proxy.url, acct["key"]), OGPU_RECEIPT_TIMEOUT="3")
        submit = f'submit_response(task_at(address("{task}")), {{answer: 1}})'
        first = subprocess.run([ogpu_bin, "-e", submit], capture_output=True, text=True, env=env, timeout=120)
        assert first.returncode == 70 and "error[pending]" in first.stderr, first.stderr
        again = subprocess.run([ogpu_bin, "-e", submit], capture_output=True, text=True, env=env, timeout=120)
    finally:
        proxy.stop()
    assert again.returncode == 70 and "error[pending]" in again.stderr, again.stderr
    assert "was signed earlier and its outcome is unknown" in again.stderr and "ogpu journal --check" in again.stderr
    journal = [json.loads(x) for x in (prov_home / ".ogpu" / "journal.jsonl").read_text().splitlines()]
    submits = [x["hash"] for x in journal if x["state"] == "signed" and x["label"] == "Nexus.submitResponse"]
    assert len(submits) == 1 and submits[0] in again.stderr
    # Settled by hash, the response is on chain exactly once.
    check = subprocess.run([ogpu_bin, "journal", "--check"], capture_output=True, text=True,
                           env=env_for(prov_home, net.url, acct["key"]), timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    r = run(ogpu_bin, client_home, net.url, f'print len(responses(task_at(address("{task}"))))')
    assert r.stdout.split() == ["1"], r.stderr
