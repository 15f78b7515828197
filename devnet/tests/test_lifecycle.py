"""Every task lifecycle of PROTOCOL.md §7 on the reference contracts, money included, and the
revert strings of §11.3."""
from eth_account import Account

from conftest import RESPONSE_TUPLE, TASK_TUPLE, revert_reason


def provider_submit(devnet, task, p, data="https://example.invalid/answer.json", payment=10**16):
    return devnet.c.send(p["privateKey"], devnet.k["NEXUS"], f"submitResponse({RESPONSE_TUPLE})",
                         [(task, p["address"], data, payment)])


def attempt(devnet, task, p, payment=10**16):
    return devnet.c.send(p["privateKey"], devnet.k["NEXUS"], "attempt(address,address,uint256)", [task, p["address"], payment])


def test_first_response_finalizes_on_submit_and_pays(devnet):
    c = devnet.client["address"]
    before_balance, before_frozen = devnet.vault("balanceOf", c), devnet.vault("frozenPayment", c)
    earnings = {p["address"]: devnet.vault("totalEarningsOf", p["address"]) for p in devnet.providers}
    task, _ = devnet.publish("first_response", payment=3 * 10**16)
    assert devnet.vault("balanceOf", c) == before_balance - 3 * 10**16  # escrowed at publish
    assert devnet.vault("frozenPayment", c) == before_frozen + 3 * 10**16
    assert devnet.wait_status(task, {5}) == 5  # the agent answers; FINALIZED without a confirm
    [resp] = devnet.responses(task)
    assert devnet.c.call(resp, "confirmedFinal()", returns=["bool"]) is True
    assert devnet.c.call(resp, "getStatus()", returns=["uint8"]) == 1
    winner = devnet.c.call(task, "winningProvider()", returns=["address"])
    assert devnet.vault("totalEarningsOf", winner) == earnings[next(a for a in earnings if a.lower() == winner.lower())] + 3 * 10**16
    assert devnet.vault("frozenPayment", c) == before_frozen
    err = devnet.revert_of(devnet.client["privateKey"], devnet.k["CONTROLLER"], "confirmResponse(address)", [resp])
    assert revert_reason(err) == "AlreadyConfirmed"
    err = devnet.revert_of(devnet.client["privateKey"], devnet.k["CONTROLLER"], "cancelTask(address)", [task])
    assert revert_reason(err) == "AlreadyFinalized"


def test_manual_confirmation_waits_for_confirm(devnet, quiet):
    task, _ = devnet.publish("manual_confirmation", data=quiet)
    p1, p2 = devnet.providers
    assert devnet.status(task) == 0
    attempt(devnet, task, p1)
    assert devnet.status(task) == 1
    attempt(devnet, task, p2)
    assert revert_reason(devnet.revert_of(p1["privateKey"], devnet.k["NEXUS"], "attempt(address,address,uint256)",
                                          [task, p1["address"], 1])) == "AlreadyAttempted"
    provider_submit(devnet, task, p2, "https://example.invalid/p2.json")
    assert devnet.status(task) == 2  # RESPONDED
    # responses are indexed like the attempters; p1 has not answered yet
    assert devnet.c.call(task, "getResponsesOf(uint256,uint256)", [0, 1], ["address[]"])[0] == "0x" + "00" * 20
    provider_submit(devnet, task, p1, "https://example.invalid/p1.json")
    r1 = devnet.c.call(task, "responseOf(address)", [p1["address"]], ["address"])
    r2 = devnet.c.call(task, "responseOf(address)", [p2["address"]], ["address"])
    assert devnet.c.call(r1, "confirmedFinal()", returns=["bool"]) is False
    # only the task's client may confirm
    err = devnet.revert_of(p1["privateKey"], devnet.k["CONTROLLER"], "confirmResponse(address)", [r1])
    assert revert_reason(err) == "NotOwner"
    earned = devnet.vault("totalEarningsOf", p1["address"])
    devnet.c.send(devnet.client["privateKey"], devnet.k["CONTROLLER"], "confirmResponse(address)", [r1])
    assert devnet.status(task) == 5
    assert devnet.c.call(task, "winningProvider()", returns=["address"]).lower() == p1["address"].lower()
    assert devnet.vault("totalEarningsOf", p1["address"]) == earned + 10**16
    params = devnet.c.call(r1, "getResponseParams()", returns=[RESPONSE_TUPLE])
    assert params[2] == "https://example.invalid/p1.json" and params[1].lower() == p1["address"].lower()
    assert revert_reason(devnet.revert_of(devnet.client["privateKey"], devnet.k["CONTROLLER"], "confirmResponse(address)", [r1])) == "AlreadyConfirmed"
    assert revert_reason(devnet.revert_of(devnet.client["privateKey"], devnet.k["CONTROLLER"], "confirmResponse(address)", [r2])) == "AlreadyFinalized"


def test_cancel_before_attempt_refunds(devnet, quiet):
    c = devnet.client["address"]
    before = devnet.vault("balanceOf", c)
    task, _ = devnet.publish("manual_confirmation", data=quiet, payment=5 * 10**16)
    assert devnet.vault("balanceOf", c) == before - 5 * 10**16
    p = devnet.providers[0]
    assert revert_reason(devnet.revert_of(p["privateKey"], devnet.k["CONTROLLER"], "cancelTask(address)", [task])) == "NotOwner"
    devnet.c.send(devnet.client["privateKey"], devnet.k["CONTROLLER"], "cancelTask(address)", [task])
    assert devnet.status(task) == 3
    assert devnet.vault("balanceOf", c) == before
    assert revert_reason(devnet.revert_of(p["privateKey"], devnet.k["NEXUS"], "attempt(address,address,uint256)",
                                          [task, p["address"], 0])) == "AlreadyFinalized"


def test_cancel_after_attempt_is_refused(devnet, quiet):
    task, _ = devnet.publish("manual_confirmation", data=quiet)
    attempt(devnet, task, devnet.providers[0])
    err = devnet.revert_of(devnet.client["privateKey"], devnet.k["CONTROLLER"], "cancelTask(address)", [task])
    assert revert_reason(err) == "AlreadyAttempted"


def test_expiry(devnet, quiet):
    c = devnet.client["address"]
    before = devnet.vault("balanceOf", c)
    task, _ = devnet.publish("manual_confirmation", data=quiet, expiry_in=120)
    p1, p2 = devnet.providers
    attempt(devnet, task, p1)
    snap = devnet.c.rpc("evm_snapshot")
    try:
        devnet.c.rpc("evm_increaseTime", 121)
        devnet.c.rpc("evm_mine")
        # attempting or answering an expired task reverts with "Expired"
        assert revert_reason(devnet.revert_of(p2["privateKey"], devnet.k["NEXUS"], "attempt(address,address,uint256)",
                                              [task, p2["address"], 0])) == "Expired"
        err = devnet.revert_of(p1["privateKey"], devnet.k["NEXUS"], f"submitResponse({RESPONSE_TUPLE})",
                               [(task, p1["address"], "x", 0)])
        assert revert_reason(err) == "Expired"
        # the client takes the escrow of an expired, unanswered task back; it becomes EXPIRED
        devnet.c.send(devnet.client["privateKey"], devnet.k["CONTROLLER"], "cancelTask(address)", [task])
        assert devnet.status(task) == 4
        assert devnet.vault("balanceOf", c) == before
    finally:
        assert devnet.c.rpc("evm_revert", snap)


def test_publish_reverts(devnet, quiet):
    k, c = devnet.k, devnet.client
    link = devnet.pin_json({"function_name": "text2text", "data": quiet})
    src = devnet.m["sources"]["first_response"]
    now = devnet.now()
    sig = f"publishTask({TASK_TUPLE})"
    poor = Account.create()
    devnet.c.send(devnet.deployer["privateKey"], k["VAULT"], "deposit(address)", [poor.address], 10**15)
    # an account with gas but a vault balance below the payment
    from test_rpc import fund
    fund(devnet, poor.address, 10**18)
    assert "InsufficientBalance" == revert_reason(devnet.revert_of(poor.key.hex(), k["CONTROLLER"], sig, [(src, link, now + 600, 10**16)]))
    assert "Expired" == revert_reason(devnet.revert_of(c["privateKey"], k["CONTROLLER"], sig, [(src, link, now - 1, 10**16)]))
    assert "ExpiryTooLong" == revert_reason(devnet.revert_of(c["privateKey"], k["CONTROLLER"], sig, [(src, link, now + 30 * 86400, 10**16)]))
    assert "PaymentBelowMinimum" == revert_reason(devnet.revert_of(c["privateKey"], k["CONTROLLER"], sig, [(src, link, now + 600, 1)]))
    assert "UnknownSource" == revert_reason(devnet.revert_of(c["privateKey"], k["CONTROLLER"], sig, [(k["VAULT"], link, now + 600, 10**16)]))


def test_source_publish_inactivate_and_sourceinactive(devnet):
    k, c = devnet.k, devnet.client
    src_tuple = "(address,string,uint8,uint256,uint256,uint256,bool,string,uint8,uint256)"
    params = (c["address"], "https://example.invalid/meta.json", 1, 0, 0, 3600, False, "", 1, devnet.now())
    n = devnet.c.call(k["NEXUS"], "getSourceCount()", returns=["uint256"])
    r = devnet.c.send(c["privateKey"], k["NEXUS"], f"publishSource({src_tuple})", [params])
    source = "0x" + r["logs"][-1]["data"][-40:]
    assert devnet.c.call(k["NEXUS"], "getSourceCount()", returns=["uint256"]) == n + 1
    assert devnet.c.call(k["NEXUS"], "sources(uint256)", [n], ["address"]).lower() == source
    assert devnet.c.call(source, "getClient()", returns=["address"]).lower() == c["address"].lower()
    assert devnet.c.call(source, "getSourceParams()", returns=[src_tuple])[1] == "https://example.invalid/meta.json"
    p = devnet.providers[0]
    devnet.c.send(p["privateKey"], k["NEXUS"], "register(address,address,uint8)", [source, p["address"], 2])
    assert devnet.c.call(source, "getRegistrants(uint256,uint256)", [0, 0], ["address[]"])[0].lower() == p["address"].lower()
    assert devnet.c.call(source, "preferredEnvironmentOf(address)", [p["address"]], ["uint8"]) == 2
    stranger = Account.create()
    err = devnet.revert_of(p["privateKey"], k["NEXUS"], "inactivateSource(address)", [source])
    assert revert_reason(err) == "NotOwner"
    err = devnet.revert_of(p["privateKey"], k["NEXUS"], "register(address,address,uint8)", [source, stranger.address, 1])
    assert revert_reason(err) == "NotProvider"
    active = devnet.c.call(k["NEXUS"], "getActiveSourceCount(address)", [c["address"]], ["uint256"])
    devnet.c.send(c["privateKey"], k["NEXUS"], "inactivateSource(address)", [source])
    assert devnet.c.call(source, "getStatus()", returns=["uint8"]) == 1
    assert devnet.c.call(k["NEXUS"], "getActiveSourceCount(address)", [c["address"]], ["uint256"]) == active - 1
    link = devnet.pin_json({"function_name": "text2text", "data": {}})
    err = devnet.revert_of(c["privateKey"], k["CONTROLLER"], f"publishTask({TASK_TUPLE})", [(source, link, devnet.now() + 60, 10**16)])
    assert revert_reason(err) == "SourceInactive"


def test_register_needs_lockup(devnet):
    newbie = Account.create()
    from test_rpc import fund
    fund(devnet, newbie.address, 10**19)
    src = devnet.m["sources"]["first_response"]
    err = devnet.revert_of(newbie.key.hex(), devnet.k["NEXUS"], "register(address,address,uint8)", [src, newbie.address, 1])
    assert revert_reason(err) == "InsufficientLockup"
    devnet.c.send(newbie.key.hex(), devnet.k["VAULT"], "deposit(address)", [newbie.address], 2 * 10**18)
    devnet.c.send(newbie.key.hex(), devnet.k["VAULT"], "lock(uint256)", [2 * 10**18])
    r = devnet.c.send(newbie.key.hex(), devnet.k["NEXUS"], "register(address,address,uint8)", [src, newbie.address, 1])
    assert r["status"] == "0x1"


def test_vault_deposit_lock_unbond_claim_withdraw(devnet):
    a = Account.create()
    key, v = a.key.hex(), devnet.k["VAULT"]
    from test_rpc import fund
    fund(devnet, a.address, 10**19)
    devnet.c.send(key, v, "deposit(address)", [a.address], 3 * 10**18)
    assert devnet.vault("balanceOf", a.address) == 3 * 10**18
    assert revert_reason(devnet.revert_of(key, v, "withdraw(uint256)", [4 * 10**18])) == "InsufficientBalance"
    devnet.c.send(key, v, "lock(uint256)", [2 * 10**18])
    assert devnet.vault("lockupOf", a.address) == 2 * 10**18
    assert devnet.c.call(v, "isEligible(address)", [a.address], ["bool"]) is True
    assert revert_reason(devnet.revert_of(key, v, "unbond(uint256)", [3 * 10**18])) == "InsufficientLockup"
    devnet.c.send(key, v, "unbond(uint256)", [2 * 10**18])
    assert devnet.vault("unbondingOf", a.address) == 2 * 10**18
    assert revert_reason(devnet.revert_of(key, v, "claim()")) == "UnbondingNotElapsed"
    snap = devnet.c.rpc("evm_snapshot")
    try:
        period = devnet.c.call(v, "UNBONDING_PERIOD()", returns=["uint256"])
        devnet.c.rpc("evm_increaseTime", period + 1)
        devnet.c.rpc("evm_mine")
        devnet.c.send(key, v, "claim()")
        assert devnet.vault("balanceOf", a.address) == 3 * 10**18
        wallet = int(devnet.c.rpc("eth_getBalance", a.address, "latest"), 16)
        devnet.c.send(key, v, "withdraw(uint256)", [3 * 10**18])
        assert devnet.vault("balanceOf", a.address) == 0
        assert int(devnet.c.rpc("eth_getBalance", a.address, "latest"), 16) > wallet + 29 * 10**17
    finally:
        devnet.c.rpc("evm_revert", snap)


def test_list_bounds_are_inclusive_and_panic_past_the_end(devnet, quiet):
    task, _ = devnet.publish("manual_confirmation", data=quiet)
    for p in devnet.providers:
        attempt(devnet, task, p)
    both = devnet.c.call(task, "getAttempters(uint256,uint256)", [0, 1], ["address[]"])
    assert [a.lower() for a in both] == [p["address"].lower() for p in devnet.providers]
    assert len(devnet.c.call(task, "getAttemptTimestamps(uint256,uint256)", [1, 1], ["uint256[]"])) == 1
    err = devnet.call_error(task, "getResponsesOf(uint256,uint256)", [0, 2])
    assert err["data"] == "0x4e487b71" + "%064x" % 0x32  # Panic(0x32), like the deployed contract
    src = devnet.m["sources"]["manual_confirmation"]
    n = devnet.c.call(src, "getTaskCount()", returns=["uint256"])
    assert len(devnet.c.call(src, "getTasks(uint256,uint256)", [0, n - 1], ["address[]"])) == n
    err = devnet.call_error(src, "getTasks(uint256,uint256)", [1, n - 1])  # the lower>0 trap (§9.1)
    assert err["data"] == "0x4e487b71" + "%064x" % 0x32


def test_terminal_pairing_and_agent(devnet):
    master, provider, agent = Account.create(), Account.create(), Account.create()
    from test_rpc import fund
    for a in (master, provider, agent):
        fund(devnet, a.address, 10**19)
    t = devnet.k["TERMINAL"]
    devnet.c.send(master.key.hex(), t, "announceProvider(address,uint256)", [provider.address, 2 * 10**18], 2 * 10**18)
    assert devnet.vault("lockupOf", provider.address) == 2 * 10**18  # the value is the provider's stake
    devnet.c.send(provider.key.hex(), t, "announceMaster(address)", [master.address])
    assert devnet.c.call(t, "masterOf(address)", [provider.address], ["address"]).lower() == master.address.lower()
    assert devnet.c.call(t, "isProvider(address)", [provider.address], ["bool"]) is True
    devnet.c.send(master.key.hex(), t, "setAgent(address,bool)", [agent.address, True])
    assert devnet.c.call(t, "isAgentOf(address,address)", [master.address, agent.address], ["bool"]) is True
    # the master's agent registers the master's provider
    src = devnet.m["sources"]["manual_confirmation"]
    devnet.c.send(agent.key.hex(), devnet.k["NEXUS"], "register(address,address,uint8)", [src, provider.address, 1])
    rid = devnet.c.call(src, "getRegistrantId(address)", [provider.address], ["uint256"])
    assert devnet.c.call(src, "registrants(uint256)", [rid], ["address"]).lower() == provider.address.lower()


SOURCE_TUPLE = "(address,string,uint8,uint256,uint256,uint256,bool,string,uint8,uint256)"


def test_update_source_and_unregister(devnet):
    from ogpu_devnet.abi import decode
    from ogpu_devnet.ethclient import topic
    k, c, p = devnet.k, devnet.client, devnet.providers[0]
    params = (c["address"], "https://example.invalid/v1.json", 1, 0, 0, 3600, False, "", 0, devnet.now())
    r = devnet.c.send(c["privateKey"], k["NEXUS"], f"publishSource({SOURCE_TUPLE})", [params])
    source = "0x" + r["logs"][-1]["data"][-40:]
    new = (c["address"], "https://example.invalid/v2.json", 3, 5, 0, 7200, False, "opt", 1, devnet.now())
    assert revert_reason(devnet.revert_of(p["privateKey"], k["NEXUS"], f"updateSource(address,{SOURCE_TUPLE})", [source, new])) == "NotOwner"
    r = devnet.c.send(c["privateKey"], k["NEXUS"], f"updateSource(address,{SOURCE_TUPLE})", [source, new])
    [log] = [lg for lg in r["logs"] if lg["topics"][0] == topic(f"SourceUpdated(address,{SOURCE_TUPLE})")]
    emitted_source, emitted = decode(["address", SOURCE_TUPLE], bytes.fromhex(log["data"][2:]))
    assert emitted_source == source and emitted[1] == "https://example.invalid/v2.json" and emitted[8] == 1
    assert devnet.c.call(source, "getSourceParams()", returns=[SOURCE_TUPLE])[3] == 5
    devnet.c.send(p["privateKey"], k["NEXUS"], "register(address,address,uint8)", [source, p["address"], 1])
    assert devnet.c.call(source, "getRegistrantCount()", returns=["uint256"]) == 1
    devnet.c.send(p["privateKey"], k["NEXUS"], "unregister(address,address)", [source, p["address"]])
    assert devnet.c.call(source, "getRegistrantCount()", returns=["uint256"]) == 0
    assert revert_reason(devnet.revert_of(p["privateKey"], k["NEXUS"], "unregister(address,address)", [source, p["address"]])) == "NotRegistered"


def test_roles_guard_admin_functions(devnet):
    k, p = devnet.k, devnet.providers[0]
    judge = keccak_text("JUDGE")
    err = devnet.revert_of(p["privateKey"], k["MANAGER"], "grantRole(bytes32,address)", [judge, p["address"]])
    # AccessControlUnauthorizedAccount(account, DEFAULT_ADMIN_ROLE)
    assert err["data"] == "0xe2517d3f" + "00" * 12 + p["address"][2:].lower() + "00" * 32
    assert devnet.c.call(k["MANAGER"], "hasRole(bytes32,address)", [judge, devnet.deployer["address"]], ["bool"]) is True
    assert revert_reason(devnet.revert_of(p["privateKey"], k["VAULT"], "freezePayment(address,address,uint256)",
                                          [p["address"], p["address"], 1])) == "NotController"
    # the judge sanctions and waives a provider's stake
    before = devnet.vault("lockupOf", p["address"])
    devnet.c.send(devnet.deployer["privateKey"], k["VAULT"], "sanction(address,uint256)", [p["address"], 10**17])
    assert devnet.vault("lockupOf", p["address"]) == before - 10**17 and devnet.vault("sanctionOf", p["address"]) == 10**17
    assert devnet.c.call(k["VAULT"], "isEligible(address)", [p["address"]], ["bool"]) is False
    devnet.c.send(devnet.deployer["privateKey"], k["VAULT"], "waive(address,uint256)", [p["address"], 10**17])
    assert devnet.vault("lockupOf", p["address"]) == before and devnet.vault("sanctionOf", p["address"]) == 0


def keccak_text(s: str) -> bytes:
    from ogpu_devnet.abi import keccak
    return keccak(s.encode())
