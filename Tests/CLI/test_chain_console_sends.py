"""The chain console's sends on the devnet (a fresh funded account per test, from
test_exactly_once's Cell): send/transfer/tx against the node's own answers and eth-abi's calldata,
the fee and gas overrides on every sending built-in, speed_up/cancel_tx of a transaction the fault
proxy swallowed, and the network-identity and mainnet guards they share with publish."""
import json
import re
import subprocess

import pytest

from conftest import base_env, repl  # noqa: F401 (a fixture)
from test_chain_console import reference

DEAD = "0x000000000000000000000000000000000000dEaD"

RECOVER_KEY_SIGN = r'''
import sys
from eth_account import Account
from eth_account.messages import encode_defunct
print("0x" + Account.sign_message(encode_defunct(text=sys.argv[2]), sys.argv[1]).signature.hex())
'''


@pytest.fixture
def cell(ogpu_bin, home):
    from test_examples_devnet import network_client_available, devnet_env
    from test_exactly_once import Cell
    if not network_client_available(ogpu_bin, home):
        pytest.skip("no devnet is running (scripts/devnet start), or this build has no network client")
    c = Cell(ogpu_bin, home, devnet_env(home).get("OGPU_RPC_URL") or "http://127.0.0.1:8545")
    yield c
    c.proxy.stop()


def node_tx(cell, h):
    from test_exactly_once import rpc
    return rpc(cell.url, "eth_getTransactionByHash", [h])


def assert_same_transaction(ours, node):
    """tx(h) as json() against the node's own eth_getTransactionByHash answer."""
    assert ours["hash"] == node["hash"]
    assert ours["from"].lower() == node["from"].lower() and ours["to"].lower() == node["to"].lower()
    assert int(ours["value"]) == int(node["value"], 16)
    assert ours["nonce"] == int(node["nonce"], 16) and ours["gas"] == int(node["gas"], 16)
    assert int(ours["max_fee"]) == int(node["maxFeePerGas"], 16)
    assert int(ours["max_priority_fee"]) == int(node["maxPriorityFeePerGas"], 16)
    assert ours["input"] == node["input"] and ours["type"] == int(node["type"], 16)
    assert ours["block"] == int(node["blockNumber"], 16) and ours["status"] == "success"


def test_send_and_transfer_go_through_the_journal_and_tx_reads_them_back(cell):
    """send by signature carries eth-abi's calldata, transfer moves exactly the amount, tx(h)
    agrees with the node field by field, both are journaled and mined, and a revert is reported
    with its decoded reason before anything is signed."""
    from test_exactly_once import rpc
    vault = rpc(cell.url, "ogpu_manifest")["contracts"]["VAULT"]
    dead_before = int(rpc(cell.url, "eth_getBalance", [DEAD, "latest"]), 16)
    r = cell.run(f'''
let h1 = transfer({DEAD}, ogpu(0.25))
let h2 = send({vault}, "deposit(address)", me(), value: ogpu(2))
print json(tx(h1))
print json(tx(h2))
print call({vault}, "balanceOf(address)(uint256)", me())
try {{ send({vault}, "withdraw(uint256)", to_wei(10000)) }} catch e {{ print e.kind, e.message }}
print tx("0x{"ab" * 32}")
''', via_proxy=False)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    t1, t2 = json.loads(lines[0]), json.loads(lines[1])
    assert_same_transaction(t1, node_tx(cell, t1["hash"]))
    assert_same_transaction(t2, node_tx(cell, t2["hash"]))
    calldata = reference('import sys\nfrom eth_abi import encode\nfrom eth_utils import function_signature_to_4byte_selector as s\n'
                         'print("0x" + (s("deposit(address)") + encode(["address"], [sys.argv[1]])).hex())', cell.address).strip()
    assert t2["input"] == calldata and int(t2["value"]) == 2 * 10**18 and t2["to"].lower() == vault.lower()
    assert t1["input"] == "0x" and int(t1["value"]) == 25 * 10**16
    assert int(rpc(cell.url, "eth_getBalance", [DEAD, "latest"]), 16) - dead_before == 25 * 10**16
    assert lines[2] == str(2 * 10**18)
    assert lines[3].startswith("revert InsufficientBalance: withdraw(uint256) reverted (before sending)"), lines[3]
    assert lines[4] == "nil"
    journal = cell.journal()
    assert sorted(s["label"] for s, _ in journal.values()) == ["deposit(address)", "transfer"], "the revert signed nothing"
    assert {state for _, state in journal.values()} == {"mined"}
    cell.assert_journal_accounts_for_everything()


def test_fee_and_gas_overrides_reach_every_sending_built_in_and_caps_still_hold(cell):
    """max_fee:, max_priority_fee: and gas: are what the node receives, for deposit, transfer,
    send, publish (a dry run signs it), cancel; the cost cap counts the worst case they allow;
    a refused override signs nothing."""
    from test_exactly_once import rpc
    vault = rpc(cell.url, "ogpu_manifest")["contracts"]["VAULT"]
    o = "max_fee: gwei(41), max_priority_fee: gwei(3), gas: 150000"
    r = cell.run(f'''
let hs = [deposit(ogpu(2), {o}), transfer({DEAD}, wei(5), {o}), send({vault}, "deposit(address)", me(), value: wei(9), {o})]
for h in hs {{ print json(tx(h)) }}
let d = task(sources()[0].address, "text2text", {{messages: [{{role: "user", content: "overrides"}}], devnet: {{respond: false}}}})
let s = publish(d, dry_run: true, max_fee: gwei(41), max_priority_fee: gwei(3), gas: 1600000)
print s.max_fee, s.max_priority_fee, s.gas
let t = publish(d)
print json(tx(cancel(t, max_fee: gwei(43))))
print json(tx(transfer({DEAD}, wei(1), max_priority_fee: gwei(2))))
try {{ transfer({DEAD}, ogpu(1), gas: 1000000, max_fee: gwei(900), max_cost: ogpu(1.5)) }} catch e {{ print e.kind, e.message }}
try {{ transfer({DEAD}, ogpu(1), max_fee: gwei(2000)) }} catch e {{ print e.kind, e.message }}
print transfer({DEAD}, wei(1), max_fee: gwei(2000), max_fee_per_gas: gwei(2000)) != nil
''', via_proxy=False)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    for line in lines[:3]:
        t = json.loads(line)
        assert (int(t["max_fee"]), int(t["max_priority_fee"]), t["gas"]) == (41 * 10**9, 3 * 10**9, 150000), t
        assert_same_transaction(t, node_tx(cell, t["hash"]))
    assert lines[3] == "0.000000041 OGPU 0.000000003 OGPU 1600000"
    cancel = json.loads(lines[4])
    assert int(cancel["max_fee"]) == 43 * 10**9 and int(cancel["max_priority_fee"]) <= 43 * 10**9
    tip_only = json.loads(lines[5])
    assert int(tip_only["max_priority_fee"]) == 2 * 10**9 and int(tip_only["max_fee"]) > 2 * 10**9
    assert lines[6].startswith("value transfer: not signed: it may cost up to 1.9 OGPU"), lines[6]
    assert lines[7].startswith("value max_fee: 2000 gwei is above the cap of 1000 gwei per gas; nothing was signed"), lines[7]
    assert lines[8] == "true"
    labels = [s["label"] for s, _ in cell.journal().values()]
    assert labels.count("transfer") == 3, "the refused transfers signed nothing"
    cell.assert_journal_accounts_for_everything()


def stuck_transfer(cell, amount="ogpu(1)"):
    """A transfer the node never received although it answered "already known" (the proxy
    swallowed it): the send gives up waiting with a "pending" error naming it."""
    cell.proxy.inject("eth_sendRawTransaction", ["swallow"])
    r = cell.run(f'try {{ transfer({DEAD}, {amount}) }} catch e {{ print e.kind, e.data.tx }}')
    assert r.returncode == 0, r.stderr
    kind, h = r.stdout.split()
    assert kind == "pending" and node_tx(cell, h) is None
    return h


@pytest.mark.parametrize("how", ["speed_up", "cancel_tx"])
def test_a_stuck_transaction_is_replaced_at_its_nonce_and_the_journal_settles_both(cell, how):
    """speed_up re-sends the same transfer, cancel_tx a 0-value transfer to oneself, at the
    stuck one's nonce with both fees at least 10% higher; exactly one of the two is mined (the
    other is recorded as rejected), the effect happens once (speed_up) or never (cancel_tx), and
    `ogpu journal --check` leaves nothing unresolved."""
    from test_exactly_once import rpc
    dead_before = int(rpc(cell.url, "eth_getBalance", [DEAD, "latest"]), 16)
    stuck = stuck_transfer(cell)
    original = next(s for h, (s, _) in cell.journal().items() if h == stuck)
    r = cell.run(f'let h = {how}("{stuck}")\nprint h\nprint json(tx(h))')
    assert r.returncode == 0, r.stderr
    h, replacement = r.stdout.splitlines()[0], json.loads(r.stdout.splitlines()[1])
    assert h != stuck and replacement["status"] == "success" and replacement["nonce"] == int(original["nonce"])
    raw = reference('import sys\nfrom eth_account import Account\nfrom eth_account.typed_transactions import TypedTransaction\n'
                    'import json\nfrom hexbytes import HexBytes\nt = TypedTransaction.from_bytes(HexBytes(sys.argv[1])).as_dict()\n'
                    'print(json.dumps({"maxFee": t["maxFeePerGas"], "tip": t["maxPriorityFeePerGas"]}))', original["raw"])
    old = json.loads(raw)
    assert int(replacement["max_fee"]) >= old["maxFee"] * 11 // 10 and int(replacement["max_priority_fee"]) >= old["tip"] * 11 // 10
    moved = int(rpc(cell.url, "eth_getBalance", [DEAD, "latest"]), 16) - dead_before
    if how == "speed_up":
        assert replacement["to"].lower() == DEAD.lower() and int(replacement["value"]) == 10**18 and moved == 10**18
    else:
        assert replacement["to"].lower() == cell.address.lower() and int(replacement["value"]) == 0 and moved == 0
    states = {hh: state for hh, (_, state) in cell.journal().items()}
    assert states[stuck] == "rejected" and states[h] == "mined"
    assert next(s for hh, (s, _) in cell.journal().items() if hh == h)["meta"]["replaces"] == stuck
    check = cell.journal_cmd("--check")
    assert check.returncode == 0, check.stdout + check.stderr
    cell.assert_journal_accounts_for_everything()
    # The stuck one can never land now: its nonce is used.
    again = cell.run(f'try {{ speed_up("{stuck}") }} catch e {{ print e.kind, e.message }}')
    assert again.stdout.startswith(f"value transaction {stuck} cannot be replaced"), again.stdout + again.stderr


def test_replacing_refuses_what_cannot_be_replaced_and_fees_below_the_bump(cell):
    """A replacement of a mined transaction, of an unknown one, or with a fee under the +10% bump
    is refused before anything is signed; the error value of a send names what to replace."""
    stuck = stuck_transfer(cell, "wei(3)")
    r = cell.run(f'''
try {{ speed_up("{stuck}", max_fee: wei(1), max_priority_fee: wei(1)) }} catch e {{ print e.kind, e.message }}
try {{ cancel_tx("0x{"12" * 32}") }} catch e {{ print e.kind, e.message }}
''')
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith(f"value the replacement of {stuck} was not signed: max_priority_fee"), lines[0]
    assert "10% above the original's" in lines[0]
    assert lines[1] == f"value transaction 0x{'12' * 32} cannot be replaced: neither the send journal nor the node knows it"
    # Settled the other way: the same signed bytes are rebroadcast and mined; then there is nothing to replace.
    assert cell.journal_cmd("--check", "--rebroadcast").returncode in (0, 1)
    for _ in range(50):
        if cell.journal_cmd("--check").returncode == 0:
            break
    r = cell.run(f'try {{ cancel_tx("{stuck}") }} catch e {{ print e.kind, e.message }}')
    assert r.stdout.startswith(f"value transaction {stuck} cannot be replaced: it was already mined"), r.stdout + r.stderr
    assert [s["label"] for s, _ in cell.journal().values()] == ["transfer"], "no replacement was signed"
    cell.assert_journal_accounts_for_everything()


# -- The same guards as a publish -------------------------------------------------------------

def test_console_sends_meet_the_network_identity_check_and_the_mainnet_confirmation(ogpu_bin, home, repl):
    """A node answering mainnet's chain id gets nothing signed unless mainnet was chosen by name;
    chosen from a script, transfer and send need --yes; at a terminal the transfer is shown and
    Enter declines it. The node never receives a transaction."""
    from hostile_node import MAINNET_CHAIN_ID, TEST_KEY, HostileNode
    n = HostileNode(chain_id=MAINNET_CHAIN_ID)
    try:
        sends = [f"transfer({DEAD}, ogpu(1))", f'send({DEAD}, "ping(uint256)", 1, max_fee: gwei(2))',
                 f'speed_up("0x{"ab" * 32}")']
        for code in sends:
            r = subprocess.run([ogpu_bin, "--rpc-url", n.url, "--yes", "-e", code], capture_output=True, text=True, timeout=60,
                               env=base_env(home, CLIENT_PRIVATE_KEY=TEST_KEY))
            assert r.returncode == 70 and "error[key]" in r.stderr and "--network mainnet" in r.stderr, (code, r.stderr)
        for code in sends[:2]:
            r = subprocess.run([ogpu_bin, "--network", "mainnet", "--rpc-url", n.url, "-e", code], capture_output=True, text=True,
                               timeout=60, env=base_env(home, CLIENT_PRIVATE_KEY=TEST_KEY), stdin=subprocess.DEVNULL)
            assert r.returncode == 70 and "error[value]" in r.stderr and "--yes" in r.stderr, (code, r.stderr)
        prompt = "ogpu(mainnet)> "
        r = repl("--network", "mainnet", "--rpc-url", n.url, expect_prompt=prompt, CLIENT_PRIVATE_KEY=TEST_KEY)
        r.child.sendline(f"transfer({DEAD}, ogpu(1.5))")
        r.child.expect_exact("[y/N] ")
        shown = r.child.before
        for text in ("send on mainnet (chain id 1071)", "call      transfer", "value     1.5 OGPU", DEAD):
            assert text in shown, (text, shown)
        r.child.sendline("")
        r.child.expect_exact(prompt)
        assert "declined at the confirmation prompt" in r.child.before
        assert n.asked("eth_sendRawTransaction") == 0
        # A message signed with the mainnet key is shown and confirmed too (escaped: it is the script's text).
        r.child.sendline('sign_message("log in to example.org\\u{1b}[2J")')
        r.child.expect_exact("[y/N] ")
        assert "sign a message on mainnet (chain id 1071)" in r.child.before
        assert "log in to example.org\\u{1b}[2J" in r.child.before and "\x1b[2J" not in r.child.before
        r.child.sendline("")
        r.child.expect_exact(prompt)
        assert "declined at the confirmation prompt" in r.child.before
        r.child.sendline('sign_message("yes please")')
        r.child.expect_exact("[y/N] ")
        r.child.sendline("y")
        r.child.expect_exact(prompt)
        signature = re.search(r"0x[0-9a-f]{130}", r.child.before).group(0)
        expected = reference(RECOVER_KEY_SIGN, TEST_KEY, "yes please").strip()
        assert signature == expected
        # From a script: refused without --yes, signed with it.
        for flags, ok in ([], False), (["--yes"], True):
            r = subprocess.run([ogpu_bin, "--network", "mainnet", "--rpc-url", n.url, *flags, "-e", 'print sign_message("yes please")'],
                               capture_output=True, text=True, timeout=60, env=base_env(home, CLIENT_PRIVATE_KEY=TEST_KEY),
                               stdin=subprocess.DEVNULL)
            if ok:
                assert r.returncode == 0 and r.stdout.strip() == expected, r.stderr
            else:
                assert r.returncode == 70 and "error[value]" in r.stderr and "--yes" in r.stderr, r.stderr
    finally:
        n.stop()


def test_the_pending_error_of_a_send_is_what_cancel_tx_takes(cell):
    """In one script: a transfer comes back "pending" (the proxy swallowed it); its error value is
    handed to cancel_tx, which settles it; the money never moves."""
    from test_exactly_once import rpc
    dead_before = int(rpc(cell.url, "eth_getBalance", [DEAD, "latest"]), 16)
    cell.proxy.inject("eth_sendRawTransaction", ["swallow"])
    r = cell.run(f'''
var stuck = nil
try {{ transfer({DEAD}, ogpu(2)) }} catch e {{ stuck = e }}
print stuck.kind, contains(stuck.message, "replace it at its nonce with speed_up(e) or cancel_tx(e)")
let h = cancel_tx(stuck)
print h != stuck.data.tx, tx(h).to == me(), tx(h).value, tx(h).status
''')
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["pending true", "true true 0 OGPU success"]
    assert int(rpc(cell.url, "eth_getBalance", [DEAD, "latest"]), 16) == dead_before
    assert cell.journal_cmd("--check").returncode == 0
    cell.assert_journal_accounts_for_everything()
