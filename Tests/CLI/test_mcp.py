"""`ogpu mcp` driven by the official MCP Python client (the `mcp` package from PyPI) over stdio:
the tools and resources it lists, the eval tool's persistent session, errors, the output bound and
the per-call timeout, publish and wait through the typed tools on the devnet, and the guards:
mainnet sends refused unless the server was started with --allow-mainnet, keys never shown, and
nothing but protocol messages on stdout."""
import asyncio
import json
import os
import pathlib
import subprocess
import time

import anyio
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from conftest import ROOT, base_env
from hostile_node import MAINNET_CHAIN_ID, TEST_KEY, HostileNode
from test_examples_devnet import devnet_env, network_client_available

TOOLS = {"eval", "publish_task", "wait_task", "task_status", "task_responses", "estimate_payment", "balance", "vault"}


def serve(ogpu_bin, home, body, *args, env=None):
    """Starts `ogpu mcp ARGS`, initializes a client session and runs `body(session)`; returns its
    result and what the server wrote on stderr."""
    errlog_path = home / "mcp-stderr.txt"

    async def main():
        with open(errlog_path, "w") as errlog:
            params = StdioServerParameters(command=ogpu_bin, args=["mcp", *args], env=env or base_env(home))
            async with stdio_client(params, errlog=errlog) as (read, write):
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    return await body(session)

    result = asyncio.run(asyncio.wait_for(main(), 300))
    return result, errlog_path.read_text()


def text(result):
    return "".join(c.text for c in result.content if c.type == "text")


# --- what the server offers ------------------------------------------------------------------

def test_lists_its_tools_with_schemas_and_serves_this_builds_docs(ogpu_bin, home):
    async def body(s):
        tools = (await s.list_tools()).tools
        resources = (await s.list_resources()).resources
        docs = {r.uri: (await s.read_resource(r.uri)).contents[0].text for r in resources}
        return tools, resources, docs

    (tools, resources, docs), _ = serve(ogpu_bin, home, body)
    assert {t.name for t in tools} == TOOLS
    for t in tools:
        assert t.input_schema["type"] == "object" and t.description, t.name
    publish = next(t for t in tools if t.name == "publish_task")
    assert set(publish.input_schema["required"]) == {"source", "function", "data"}
    assert publish.annotations.destructive_hint is True
    # The documents are the repository's, byte for byte (compiled in by Plugins/BundledDocs).
    assert docs["ogpu://docs/language.md"] == (ROOT / "docs" / "language.md").read_text()
    assert docs["ogpu://docs/errors.md"] == (ROOT / "docs" / "errors.md").read_text()
    assert "- `publish`: publish(draft)" in docs["ogpu://docs/builtins"]
    assert {r.mime_type for r in resources if r.uri.endswith(".md")} == {"text/markdown"}


# --- the eval tool -----------------------------------------------------------------------------

def test_eval_keeps_names_across_calls_and_captures_print(ogpu_bin, home):
    async def body(s):
        first = await s.call_tool("eval", {"code": 'let base = 40\nfn add(x) { x + base }\nprint "defined", base\nadd(1)'})
        second = await s.call_tool("eval", {"code": "add(2)"})
        return first, second

    (first, second), stderr = serve(ogpu_bin, home, body)
    assert not first.is_error and first.structured_content["output"] == "defined 40\n"
    assert first.structured_content["value"] == "41"
    assert text(first) == "defined 40\n41\n"
    assert not second.is_error and second.structured_content["value"] == "42"
    assert "defined 40" not in stderr


def test_errors_are_error_results_with_the_kind_and_the_caret(ogpu_bin, home):
    async def body(s):
        syntax = await s.call_tool("eval", {"code": "let x = [1, 2"})
        runtime = await s.call_tool("eval", {"code": 'let xs = [1, 2]\nassert len(xs) == 3, "three wanted"'})
        after = await s.call_tool("eval", {"code": "xs"})
        bad_argument = await s.call_tool("eval", {"code": 1})
        misspelled = await s.call_tool("publish_task", {"source": "0x" + "ef" * 20, "function": "f", "data": {"a": 1}, "expiry": 60})
        return syntax, runtime, after, bad_argument, misspelled

    (syntax, runtime, after, bad_argument, misspelled), _ = serve(ogpu_bin, home, body)
    assert misspelled.is_error and misspelled.structured_content["error"]["kind"] == "name"
    assert "no argument `expiry`" in text(misspelled) and "expiry_seconds" in text(misspelled)
    assert syntax.is_error and syntax.structured_content["error"]["kind"] == "syntax"
    assert "error[syntax]" in text(syntax) and "--> <repl>:1:" in text(syntax) and "^" in text(syntax)
    assert runtime.is_error and runtime.structured_content["error"]["kind"] == "assert"
    assert "three wanted" in text(runtime) and "^" in text(runtime)
    # A failed input keeps what ran before the error, as at the REPL.
    assert not after.is_error and after.structured_content["value"] == "[1, 2]"
    assert bad_argument.is_error and bad_argument.structured_content["error"]["kind"] == "type"


def test_printed_output_is_bounded(ogpu_bin, home):
    async def body(s):
        flood = await s.call_tool("eval", {"code": 'for i in 0..20000 { print "0123456789" }\n"done"'})
        after = await s.call_tool("eval", {"code": '"still here"'})
        return flood, after

    (flood, after), _ = serve(ogpu_bin, home, body, "--max-output", "4096")
    assert not flood.is_error
    assert len(flood.structured_content["output"]) <= 4096
    assert flood.structured_content["truncated_bytes"] == 20000 * 11 - len(flood.structured_content["output"])
    assert "output truncated" in text(flood) and text(flood).rstrip().endswith('"done"')
    assert after.structured_content["value"] == '"still here"'


def test_a_long_eval_stops_at_its_timeout_and_the_session_goes_on(ogpu_bin, home):
    async def body(s):
        await s.call_tool("eval", {"code": "let kept = 7"})
        started = time.monotonic()
        slow = await s.call_tool("eval", {"code": "sleep(60s)\n1", "timeout_seconds": 1})
        elapsed = time.monotonic() - started
        after = await s.call_tool("eval", {"code": "kept * 6"})
        return slow, elapsed, after

    (slow, elapsed, after), _ = serve(ogpu_bin, home, body)
    assert slow.is_error and slow.structured_content["error"]["kind"] == "interrupted"
    assert "timeout of 1 s" in text(slow)
    assert elapsed < 50, "the sleep was interrupted, not waited out"
    assert not after.is_error and after.structured_content["value"] == "42"


def test_a_cancelled_call_is_interrupted_and_the_next_one_runs(ogpu_bin, home):
    """The client gives up on a call (its request is cancelled): the evaluation is interrupted
    rather than left to hold the session, so the next call is answered at once."""
    async def body(s):
        started = time.monotonic()
        with anyio.move_on_after(1):
            await s.call_tool("eval", {"code": "sleep(60s)"})
        after = await s.call_tool("eval", {"code": "1 + 1"})
        return after, time.monotonic() - started

    (after, elapsed), _ = serve(ogpu_bin, home, body)
    assert not after.is_error and after.structured_content["value"] == "2"
    assert elapsed < 50, "the cancelled sleep did not hold the session"


def test_stdout_carries_only_protocol_messages(ogpu_bin, home):
    """Raw JSON-RPC, no client library: every line the server writes on stdout is a JSON-RPC message,
    even when the code prints, warns and fails."""
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
         "params": {"name": "eval", "arguments": {"code": 'print "to the result"\nassert false, "no"'}}},
        {"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": "no_such_tool", "arguments": {}}},
    ]
    proc = subprocess.Popen([ogpu_bin, "mcp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=base_env(home), text=True)
    answers = []
    for m in messages:
        proc.stdin.write(json.dumps(m) + "\n")
        proc.stdin.flush()
        if "id" in m:
            answers.append(json.loads(proc.stdout.readline()))
    proc.stdin.close()
    rest = proc.stdout.read()
    assert proc.wait(timeout=30) == 0
    assert rest == "", "nothing but answers on stdout"
    assert [a["id"] for a in answers] == [1, 2, 3]
    call = answers[1]["result"]
    assert call["isError"] and call["structuredContent"]["output"] == "to the result\n"
    assert call["content"][0]["text"].startswith("to the result\nerror[assert]: no")
    assert answers[2]["error"]["code"] == -32602 and "no_such_tool" in answers[2]["error"]["message"]


def test_yes_is_refused_in_favour_of_allow_mainnet(ogpu_bin, home):
    r = subprocess.run([ogpu_bin, "mcp", "--yes"], capture_output=True, text=True, env=base_env(home), timeout=30,
                       stdin=subprocess.DEVNULL)
    assert r.returncode == 64 and "--allow-mainnet" in r.stderr and r.stdout == ""


# --- ogpu mcp is the ogpu-mcp program beside ogpu ------------------------------------------------

def start_raw(command, home, **env):
    return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=base_env(home, **env), text=True)


def initialize(proc):
    """One raw initialize through the process's stdio; returns the server's name."""
    proc.stdin.write(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}}) + "\n")
    proc.stdin.flush()
    answer = json.loads(proc.stdout.readline())
    proc.stdin.close()
    assert proc.wait(timeout=30) == 0
    return answer["result"]["serverInfo"]["name"]


def test_ogpu_mcp_becomes_the_server_program_in_the_same_process(ogpu_bin, home):
    """exec, not a child: the process `ogpu mcp` started is ogpu-mcp itself, so the client's stdio
    and signals reach the server with nothing in between."""
    proc = start_raw([ogpu_bin, "mcp"], home)
    deadline = time.monotonic() + 30
    exe = os.readlink(f"/proc/{proc.pid}/exe")
    while not exe.endswith("/ogpu-mcp") and time.monotonic() < deadline:
        time.sleep(0.02)
        exe = os.readlink(f"/proc/{proc.pid}/exe")
    assert exe == os.path.realpath(ROOT / ".build" / "debug" / "ogpu-mcp")
    assert initialize(proc) == "ogpu"


def test_ogpu_itself_does_not_load_the_mcp_sdks_networking(ogpu_bin):
    """The MCP SDK brings FoundationNetworking (libcurl and ~30 more libraries at every start):
    only ogpu-mcp links it, so `ogpu -e 1` starts without them."""
    libraries = subprocess.run(["ldd", ogpu_bin], capture_output=True, text=True, check=True).stdout
    assert "FoundationNetworking" not in libraries and "libcurl" not in libraries
    assert "FoundationNetworking" in subprocess.run(["ldd", str(ROOT / ".build" / "debug" / "ogpu-mcp")],
                                                    capture_output=True, text=True, check=True).stdout


@pytest.fixture
def lone_ogpu(tmp_path, ogpu_bin):
    """A copy of ogpu in a directory without ogpu-mcp."""
    d = tmp_path / "bin"
    d.mkdir()
    (d / "ogpu").write_bytes(pathlib.Path(ogpu_bin).read_bytes())
    (d / "ogpu").chmod(0o755)
    return str(d / "ogpu")


def test_without_ogpu_mcp_beside_it_the_server_is_found_on_path(lone_ogpu, home):
    path = f"{ROOT / '.build' / 'debug'}:/usr/bin:/bin"
    assert initialize(start_raw([lone_ogpu, "mcp"], home, PATH=path)) == "ogpu"


def test_a_missing_server_program_is_a_clear_error_and_help_still_works(lone_ogpu, home):
    r = subprocess.run([lone_ogpu, "mcp"], capture_output=True, text=True, env=base_env(home, PATH="/usr/bin:/bin"),
                       timeout=30, stdin=subprocess.DEVNULL)
    assert r.returncode == 66 and r.stdout == ""
    assert "ogpu-mcp program, which is neither beside this ogpu" in r.stderr and "scripts/install" in r.stderr
    helped = subprocess.run([lone_ogpu, "help", "mcp"], capture_output=True, text=True,
                            env=base_env(home, PATH="/usr/bin:/bin"), timeout=30)
    assert helped.returncode == 0 and "--allow-mainnet" in helped.stdout and "--max-output" in helped.stdout


# --- guards -----------------------------------------------------------------------------------

@pytest.fixture
def mainnet_node():
    n = HostileNode(chain_id=MAINNET_CHAIN_ID)
    yield n
    n.stop()


DRAFT = {"source": "0x" + "ef" * 20, "function": "text2text", "data": {"messages": [{"role": "user", "content": "hi"}]},
         "payment": "0.01", "dry_run": True}


def test_mainnet_sends_are_refused_without_the_allowance_flag(ogpu_bin, home, mainnet_node):
    async def body(s):
        typed = await s.call_tool("publish_task", DRAFT)
        scripted = await s.call_tool("eval", {"code": 'publish(task(0x' + 'ef' * 20 + ', "text2text", {q: 1}), dry_run: true)'})
        key = await s.call_tool("eval", {"code": 'env("CLIENT_PRIVATE_KEY")'})
        return typed, scripted, key

    env = base_env(home, CLIENT_PRIVATE_KEY=TEST_KEY)
    (typed, scripted, key), stderr = serve(ogpu_bin, home, body, "--network", "mainnet", "--rpc-url", mainnet_node.url, env=env)
    for refused in (typed, scripted):
        assert refused.is_error and refused.structured_content["error"]["kind"] == "value"
        assert "not signed" in text(refused) and "--allow-mainnet" in text(refused)
    assert mainnet_node.asked("eth_sendRawTransaction") == 0
    assert key.is_error
    everything = stderr + "".join(text(r) + json.dumps(r.structured_content) for r in (typed, scripted, key))
    assert TEST_KEY[2:] not in everything.lower()


def test_the_allowance_flag_lets_a_mainnet_transaction_be_signed(ogpu_bin, home, mainnet_node):
    async def body(s):
        return await s.call_tool("publish_task", DRAFT)

    env = base_env(home, CLIENT_PRIVATE_KEY=TEST_KEY)
    signed, _ = serve(ogpu_bin, home, body, "--network", "mainnet", "--rpc-url", mainnet_node.url, "--allow-mainnet", env=env)
    assert not signed.is_error, text(signed)
    assert signed.structured_content["chain_id"] == MAINNET_CHAIN_ID
    assert signed.structured_content["to"] == "0x8661F4B9c30e07A04d795A192478dfD905625a1D"
    assert mainnet_node.asked("eth_sendRawTransaction") == 0, "a dry run sends nothing"


def test_the_spending_cap_of_the_command_line_holds_for_the_tools(ogpu_bin, home, mainnet_node):
    async def body(s):
        return await s.call_tool("publish_task", DRAFT)

    env = base_env(home, CLIENT_PRIVATE_KEY=TEST_KEY)
    capped, _ = serve(ogpu_bin, home, body, "--network", "mainnet", "--rpc-url", mainnet_node.url, "--allow-mainnet",
                      "--max-tx-cost", "0.000001", env=env)
    assert capped.is_error and capped.structured_content["error"]["kind"] == "value"
    assert "above the cap of 0.000001 OGPU" in text(capped)
    assert mainnet_node.asked("eth_sendRawTransaction") == 0


# --- the devnet ---------------------------------------------------------------------------------

@pytest.fixture
def devnet(ogpu_bin, home):
    if not network_client_available(ogpu_bin, home):
        pytest.skip("no devnet is running (scripts/devnet start)")
    return devnet_env(home)


def test_publish_and_wait_through_the_typed_tools(ogpu_bin, home, devnet):
    async def body(s):
        source = (await s.call_tool("eval", {"code": "sources()[0].address"})).structured_content["value"]
        estimate = await s.call_tool("estimate_payment", {"level": "simple"})
        vault = await s.call_tool("vault", {})
        published = await s.call_tool("publish_task", {
            "source": source, "function": "text2text", "payment": "0.002", "expiry_seconds": 600,
            "data": {"messages": [{"role": "user", "content": "hello from mcp"}]}})
        task = published.structured_content["address"]
        answer = await s.call_tool("wait_task", {"task": task, "timeout_seconds": 120})
        status = await s.call_tool("task_status", {"task": task})
        responses = await s.call_tool("task_responses", {"task": task})
        balance = await s.call_tool("balance", {})
        return estimate, vault, published, answer, status, responses, balance

    (estimate, vault, published, answer, status, responses, balance), _ = serve(ogpu_bin, home, body, env=devnet)
    assert estimate.structured_content == {"level": "simple", "payment": str(10**15)}
    assert not vault.is_error and set(vault.structured_content) >= {"balance", "lockup", "unbonding", "eligible", "address"}
    assert not published.is_error, text(published)
    assert published.structured_content["payment"] == str(2 * 10**15)
    assert published.structured_content["tx"].startswith("0x")
    assert "signing with the devnet's funded client account" in text(published)
    assert not answer.is_error, text(answer)
    assert answer.structured_content["data"]["result"] == "devnet reply to: hello from mcp"
    assert answer.structured_content["confirmed"] is True
    assert answer.structured_content["task"] == published.structured_content["address"]
    assert status.structured_content["status"] == "finalized"
    assert [r["address"] for r in responses.structured_content["items"]] == [answer.structured_content["address"]]
    assert balance.structured_content["address"] == vault.structured_content["address"]


def test_a_running_wait_stops_cleanly_at_the_calls_timeout(ogpu_bin, home, devnet):
    async def body(s):
        source = (await s.call_tool("eval", {"code": "sources()[0].address"})).structured_content["value"]
        published = await s.call_tool("publish_task", {
            "source": source, "function": "text2text",
            "data": {"messages": [{"role": "user", "content": "no answer"}], "devnet": {"respond": False}}})
        task = published.structured_content["address"]
        waited = await s.call_tool("eval", {"code": f"wait(task_at({task}))", "timeout_seconds": 2})
        after = await s.call_tool("task_status", {"task": task})
        return task, waited, after

    (task, waited, after), _ = serve(ogpu_bin, home, body, env=devnet)
    assert waited.is_error and waited.structured_content["error"]["kind"] == "interrupted"
    assert f"wait(task_at({task}))" in text(waited) and "publishing again would create a second task" in text(waited)
    assert not after.is_error and after.structured_content["status"] == "new"


def test_answers_every_request_read_before_stdin_closed(ogpu_bin, home):
    """A client that writes its requests and closes stdin (`printf … | ogpu mcp`) gets every answer:
    the server used to stop at the end of input while requests were still being handled, and lost
    0, 1 or 2 of the 2 answers from run to run."""
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "pipe", "version": "1"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "eval", "arguments": {"code": "20 + 22"}}},
    ]
    for _ in range(8):
        r = subprocess.run([str(ogpu_bin), "mcp"], input="".join(json.dumps(m) + "\n" for m in messages),
                           capture_output=True, text=True, timeout=60, env=base_env(home))
        assert r.returncode == 0, r.stderr
        answers = {a["id"]: a for a in map(json.loads, r.stdout.splitlines())}
        assert answers[1]["result"]["serverInfo"]["name"] == "ogpu"
        assert answers[2]["result"]["structuredContent"]["value"] == "42", answers
