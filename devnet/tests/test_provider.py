"""The provider agent: answer shapes and the per-task `devnet` controls."""
import json
import time
import urllib.error
import urllib.request

import pytest

from conftest import RESPONSE_TUPLE


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read()


def answer_of(devnet, response):
    data = devnet.c.call(response, "getResponseParams()", returns=[RESPONSE_TUPLE])[2]
    assert data.startswith(devnet.m["ipfs"]["gateway"])
    return json.loads(fetch(data))


def test_text2text_reply_is_deterministic_and_documented(devnet):
    msgs = [{"role": "system", "content": "be brief"}, {"role": "user", "content": "Write a haiku about AI"}]
    task, _ = devnet.publish("first_response", data={"messages": msgs})
    devnet.wait_status(task, {5})
    [resp] = devnet.responses(task)
    provider = devnet.c.call(resp, "getResponseParams()", returns=[RESPONSE_TUPLE])[1]
    answer = answer_of(devnet, resp)
    assert list(answer) == ["function_name", "result", "model", "provider", "task"]
    assert answer["result"] == "devnet reply to: Write a haiku about AI"
    assert answer["function_name"] == "text2text" and answer["model"] == "ogpu-devnet"
    assert answer["provider"].lower() == provider.lower() and answer["task"].lower() == task.lower()


@pytest.mark.parametrize("function", ["inference", "something-else"])
def test_other_functions_get_an_echo(devnet, function):
    data = {"prompt": "a cat", "steps": 3, "devnet": {"delay": 0}}
    task, _ = devnet.publish("first_response", data=data, function=function)
    devnet.wait_status(task, {5})
    answer = answer_of(devnet, devnet.responses(task)[0])
    assert answer["function_name"] == function
    assert answer["echo"] == {"prompt": "a cat", "steps": 3}


def test_respond_false_leaves_the_task_alone(devnet):
    task, _ = devnet.publish("first_response", data={"messages": [], "devnet": {"respond": False}})
    time.sleep(1.5)
    assert devnet.status(task) == 0 and devnet.c.call(task, "getAttemptCount()", returns=["uint256"]) == 0


def test_delay(devnet):
    t0 = time.time()
    task, _ = devnet.publish("first_response", data={"messages": [{"role": "user", "content": "x"}], "devnet": {"delay": 2}})
    time.sleep(1.0)
    assert devnet.status(task) == 0
    devnet.wait_status(task, {5}, timeout=15)
    assert time.time() - t0 >= 2


def test_two_responses_on_manual_confirmation(devnet):
    task, _ = devnet.publish("manual_confirmation", data={"messages": [{"role": "user", "content": "two"}], "devnet": {"responses": 2}})
    deadline = time.time() + 20
    while len(devnet.responses(task)) < 2 and time.time() < deadline:
        time.sleep(0.1)
    responses = devnet.responses(task)
    assert len(responses) == 2 and devnet.status(task) == 2
    providers = {answer_of(devnet, r)["provider"].lower() for r in responses}
    assert providers == {p["address"].lower() for p in devnet.providers}
    devnet.c.send(devnet.client["privateKey"], devnet.k["CONTROLLER"], "confirmResponse(address)", [responses[1]])
    assert devnet.status(task) == 5


def test_two_responders_on_first_response_only_one_lands(devnet):
    task, _ = devnet.publish("first_response", data={"messages": [], "devnet": {"responses": 2}})
    devnet.wait_status(task, {5})
    time.sleep(1.0)
    assert devnet.c.call(task, "getAttemptCount()", returns=["uint256"]) == 2
    assert len(devnet.responses(task)) == 1


def test_fail_revert_leaves_task_attempted(devnet):
    task, _ = devnet.publish("first_response", data={"messages": [], "devnet": {"fail": "revert"}})
    devnet.wait_status(task, {1})
    deadline, line = time.time() + 20, ""
    while time.time() < deadline and not line:
        log = (devnet.state / "logs" / "provider.log").read_text().lower()
        line = next((x for x in log.splitlines() if task.lower() in x and "mined with status" in x), "")
        time.sleep(0.1)
    assert line.endswith("mined with status 0x0"), line
    assert devnet.status(task) == 1 and devnet.responses(task) == []


def test_fail_error_answers_an_error_document(devnet):
    task, _ = devnet.publish("first_response", data={"messages": [], "devnet": {"fail": "error"}})
    devnet.wait_status(task, {5})
    answer = answer_of(devnet, devnet.responses(task)[0])
    assert answer["error"] == "devnet: requested failure" and "result" not in answer


def test_fail_missing_links_unpinned_content(devnet):
    task, _ = devnet.publish("first_response", data={"messages": [], "devnet": {"fail": "missing"}})
    devnet.wait_status(task, {5})
    data = devnet.c.call(devnet.responses(task)[0], "getResponseParams()", returns=[RESPONSE_TUPLE])[2]
    with pytest.raises(urllib.error.HTTPError) as e:
        fetch(data)
    assert e.value.code == 404


def test_fail_malformed_pins_non_json(devnet):
    task, _ = devnet.publish("first_response", data={"messages": [], "devnet": {"fail": "malformed"}})
    devnet.wait_status(task, {5})
    data = devnet.c.call(devnet.responses(task)[0], "getResponseParams()", returns=[RESPONSE_TUPLE])[2]
    with pytest.raises(ValueError):
        json.loads(fetch(data))


def test_controls_as_top_level_extra(devnet):
    link = devnet.pin_json({"function_name": "text2text", "data": {"messages": []}, "devnet": {"respond": False}})
    params = (devnet.m["sources"]["first_response"], link, devnet.now() + 600, 10**16)
    devnet.c.send(devnet.client["privateKey"], devnet.k["CONTROLLER"], "publishTask((address,string,uint256,uint256))", [params])
    src = devnet.m["sources"]["first_response"]
    n = devnet.c.call(src, "getTaskCount()", returns=["uint256"])
    task = devnet.c.call(src, "getTasks(uint256,uint256)", [0, n - 1], ["address[]"])[-1]
    time.sleep(1.5)
    assert devnet.status(task) == 0


def test_agent_follows_the_chain_back_after_evm_revert(devnet):
    snap = devnet.c.rpc("evm_snapshot")
    first, _ = devnet.publish("first_response", data={"messages": [{"role": "user", "content": "before"}]})
    devnet.wait_status(first, {5})
    assert devnet.c.rpc("evm_revert", snap)
    # the same Controller nonce: the next task reuses the reverted task's address
    again, _ = devnet.publish("first_response", data={"messages": [{"role": "user", "content": "after"}]})
    assert again == first
    devnet.wait_status(again, {5})
    assert answer_of(devnet, devnet.responses(again)[0])["result"] == "devnet reply to: after"
