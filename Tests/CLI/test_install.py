"""scripts/install from a fresh clone into a temporary prefix, used as a person would afterwards:
the binary runs and names its commit, `man -l` shows the page generated from its help, and the
bash completion completes its flags, Jupyter starts the kernel from the installed kernelspec, and
`ogpu mcp` answers an MCP client through the installed ogpu-mcp.
One release build from scratch (several minutes)."""
import json
import os
import pathlib
import shutil
import subprocess

import pytest

from conftest import ROOT


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=kw.pop("timeout", 120), **kw)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    work = tmp_path_factory.mktemp("install")
    clone, prefix = work / "ogpu", work / "prefix"
    r = run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)])
    assert r.returncode == 0, r.stderr
    head = run(["git", "-C", str(clone), "rev-parse", "--short=12", "HEAD"]).stdout.strip()
    r = run([str(clone / "scripts" / "install"), str(prefix)], timeout=2400)
    assert r.returncode == 0, r.stdout + r.stderr
    yield {"prefix": prefix, "head": head, "stdout": r.stdout}
    shutil.rmtree(clone / ".build", ignore_errors=True)


def test_the_installed_binary_runs_and_names_the_commit_it_was_built_from(installed):
    ogpu = installed["prefix"] / "bin" / "ogpu"
    r = run([str(ogpu), "-e", "print 1 + 2"])
    assert (r.returncode, r.stdout) == (0, "3\n"), r.stderr
    version = run([str(ogpu), "--version"]).stdout.strip()
    assert version.startswith("ogpu ") and f"(commit {installed['head']})" in version, version
    assert f"installed {version} in {installed['prefix']}" in installed["stdout"]


def test_the_man_page_is_generated_from_the_commands_own_help(installed):
    page = installed["prefix"] / "share" / "man" / "man1" / "ogpu.1"
    r = run(["man", "-l", str(page)], env={**{k: v for k, v in os.environ.items() if k != "MAN_KEEP_FORMATTING"}, "MANWIDTH": "100"})
    assert r.returncode == 0, r.stderr
    assert "warning" not in r.stderr, r.stderr
    text = r.stdout.replace("\u2010\n", "").replace("\u2010", "-")
    assert "OpenGPU network" in text
    # Every long option of `ogpu --help` is in the page.
    help_text = run([str(installed["prefix"] / "bin" / "ogpu"), "--help"]).stdout
    options = {w.rstrip(",") for w in help_text.split() if w.startswith("--") and len(w) > 3}
    assert options, help_text
    missing = [o for o in options if o not in text]
    assert not missing, f"options in --help but not in the man page: {missing}"


def test_bash_completion_completes_the_flags(installed):
    script = installed["prefix"] / "share" / "bash-completion" / "completions" / "ogpu"
    # What bash does on `ogpu --net<Tab>`: call the registered function with the line split into words.
    probe = f"""
        source {script}
        fn=$(complete -p ogpu | sed -E 's/.*-F ([^ ]+).*/\\1/')
        COMP_WORDS=(ogpu --net); COMP_CWORD=1; COMP_LINE="ogpu --net"; COMP_POINT=${{#COMP_LINE}}
        "$fn" ogpu --net ogpu
        printf '%s\\n' "${{COMPREPLY[@]}}"
    """
    r = run(["bash", "-c", probe])
    assert r.returncode == 0, r.stderr
    assert "--network" in r.stdout.split(), r.stdout + r.stderr


def test_zsh_and_fish_completions_are_installed_where_those_shells_look(installed):
    share = installed["prefix"] / "share"
    zsh = (share / "zsh" / "site-functions" / "_ogpu").read_text()
    fish = (share / "fish" / "vendor_completions.d" / "ogpu.fish").read_text()
    assert zsh.startswith("#compdef ogpu"), zsh[:80]
    assert "'--network[" in zsh
    assert "complete -c 'ogpu'" in fish and "-l 'network'" in fish


def test_jupyter_runs_the_installed_kernel(installed, tmp_path, monkeypatch):
    jupyter_client = pytest.importorskip("jupyter_client")
    share = installed["prefix"] / "share" / "jupyter"
    spec = json.loads((share / "kernels" / "ogpu" / "kernel.json").read_text())
    assert spec["argv"][0] == str(installed["prefix"] / "bin" / "ogpu")
    monkeypatch.setenv("JUPYTER_PATH", str(share))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    km = jupyter_client.KernelManager(kernel_name="ogpu")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        results = []
        reply = kc.execute_interactive("let x = 20\nx + 22", timeout=60,
                                       output_hook=lambda m: results.append(m) if m["msg_type"] == "execute_result" else None)
        assert reply["content"]["status"] == "ok"
        assert [m["content"]["data"]["text/plain"] for m in results] == ["42"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel()


def test_ogpu_mcp_runs_the_installed_server_beside_it(installed, tmp_path):
    """`ogpu mcp` execs the ogpu-mcp installed beside ogpu (not one on PATH): an MCP initialize and
    an eval call through the installed binary, with a PATH that has no ogpu-mcp on it."""
    ogpu = installed["prefix"] / "bin" / "ogpu"
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "install", "version": "1"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "eval", "arguments": {"code": "20 + 22"}}},
    ]
    home = tmp_path / "home"
    home.mkdir()
    r = run([str(ogpu), "mcp"], input="".join(json.dumps(m) + "\n" for m in messages),
            env={"PATH": "/usr/bin:/bin", "HOME": str(home)})
    assert r.returncode == 0, r.stderr
    # Answers come in the order they finish, which need not be the requests' order: by id.
    answers = {a["id"]: a for a in map(json.loads, r.stdout.splitlines())}
    assert answers[1]["result"]["serverInfo"]["name"] == "ogpu"
    assert answers[2]["result"]["structuredContent"]["value"] == "42", answers


def test_the_installed_binary_stays_small_and_loads_no_curl_or_icu(installed):
    # The full Foundation brings ICU's ~30 MB of data and FoundationNetworking brings libcurl and
    # ~30 shared libraries into every start (README, "Start-up and binary size"); one plain
    # `import Foundation` using Thread or NSLock is enough. The stripped binary without them is
    # ~23 MB; with them it is ~67 MB.
    ogpu = installed["prefix"] / "bin" / "ogpu"
    size = ogpu.stat().st_size
    assert size <= 25 * 1024 * 1024, f"installed ogpu is {size / 2**20:.1f} MiB (full Foundation linked in?)"
    libraries = run(["ldd", str(ogpu)]).stdout
    assert "libcurl" not in libraries and "libicu" not in libraries, libraries
