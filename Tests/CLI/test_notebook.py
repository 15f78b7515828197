"""examples/tutorial.ipynb, executed headlessly by the real nbclient on the `ogpu` kernel against
the devnet (scripts/test starts it), with its outputs checked as a reader would look at them."""
import os
import subprocess

import pytest

from conftest import ROOT, base_env

nbclient = pytest.importorskip("nbclient")
import nbformat  # noqa: E402


def text_of(cell):
    parts = []
    for out in cell.outputs:
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type in ("execute_result", "display_data"):
            parts.append(out.data.get("text/plain", ""))
    return "".join(parts)


def html_of(cell):
    [result] = [o for o in cell.outputs if o.output_type == "execute_result"]
    return result.data["text/html"]


def cell_with(nb, source):
    [cell] = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith(source)]
    return cell


def test_the_tutorial_notebook_runs_on_the_devnet(ogpu_bin, tmp_path, home, monkeypatch):
    rpc = os.environ.get("OGPU_DEVNET_RPC")
    if not rpc:
        pytest.skip("no devnet (scripts/test starts one and exports OGPU_DEVNET_RPC)")
    prefix = tmp_path / "prefix"
    r = subprocess.run([ogpu_bin, "kernel", "install", "--prefix", str(prefix)], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    for key, value in base_env(home, OGPU_RPC_URL=rpc).items():
        monkeypatch.setenv(key, value)
    for key in ("CLIENT_PRIVATE_KEY", "OGPU_PASSWORD", "OGPU_NETWORK"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("JUPYTER_PATH", str(prefix / "share" / "jupyter"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(home / "runtime"))

    nb = nbformat.read(ROOT / "examples" / "tutorial.ipynb", as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")  # committed clean
    client = nbclient.NotebookClient(nb, kernel_name="ogpu", timeout=300, resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError on any error in a cell not tagged raises-exception

    assert text_of(cell_with(nb, "1 + 2 * 3")) == "7"
    assert text_of(cell_with(nb, "0.1 + 0.2")) == "true"
    assert text_of(cell_with(nb, "let who")) == '"hello notebook"'
    assert text_of(cell_with(nb, "fn double")) == "[2, 4, 6]"
    assert text_of(cell_with(nb, "ogpu(0.01) + gwei(5)")) == "0.010000005 OGPU"
    assert text_of(cell_with(nb, 'print "a task')) == "a task paying 0.01 OGPU and expiring after 1h\n"

    sources = html_of(cell_with(nb, "sources()"))
    assert "<th>address</th>" in sources and "<th>name</th>" in sources
    draft = html_of(cell_with(nb, "let source"))
    assert "Write a haiku about notebooks" in draft and "<table" in draft
    published = cell_with(nb, "let t = publish")
    assert "<caption>task</caption>" in html_of(published)
    # The first transaction says once who signs, as at the REPL.
    assert "signing with the devnet's funded client account" in text_of(published)

    waited = cell_with(nb, "let answer = wait")
    status = [o for o in waited.outputs if o.output_type == "display_data"]
    assert status and status[0].data["text/plain"].startswith("waited ")  # the live status, final state kept
    assert status[0].data["text/plain"].endswith("· task finalized")
    assert "<caption>response</caption>" in html_of(waited) and "confirmed" in html_of(waited)

    assert text_of(cell_with(nb, "answer.data.result")) == '"devnet reply to: Write a haiku about notebooks"'
    responses = html_of(cell_with(nb, "responses(t)"))
    assert "<th>provider</th>" in responses and "devnet reply to: Write a haiku about notebooks" in responses
    assert text_of(cell_with(nb, "t.status")) == '"finalized"'

    [error] = cell_with(nb, "t.colour").outputs
    assert error.output_type == "error" and error.ename == "name"
    assert any("^" in line for line in error.traceback)
    assert text_of(cell_with(nb, "try {")) == "caught a name error\n"
