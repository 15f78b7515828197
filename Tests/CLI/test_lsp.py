"""`ogpu lsp` driven by a real LSP client (pygls's): diagnostics on open and on change, completion,
hover, go to definition, document symbols and signature help, and a clean shutdown."""
import asyncio

import pytest
from lsprotocol import types as t
from pygls.lsp.client import BaseLanguageClient

URI = "file:///tmp/lsp_test.ogpu"
SCRIPT = """let source = 0x4F1477E0a1DA8340E964D01e32Dff302F3CB203A
fn greet(name, greeting = "hello") {
  let text = "{greeting}, {name}"
  text
}
var count = 0
print greet("Ada"), count, lenn(1)
"""


class Client(BaseLanguageClient):
    def __init__(self):
        super().__init__("ogpu-test", "1")
        self.diagnostics = asyncio.Queue()

        @self.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params):
            self.diagnostics.put_nowait(params)


async def session(ogpu_bin, body):
    client = Client()
    await client.start_io(ogpu_bin, "lsp")
    try:
        init = await client.initialize_async(t.InitializeParams(capabilities=t.ClientCapabilities(), root_uri=None))
        client.initialized(t.InitializedParams())
        await body(client, init)
        await client.shutdown_async(None)
        client.exit(None)
        rc = await asyncio.wait_for(client._server.wait(), 10)
        assert rc == 0, "the server ends with 0 after shutdown and exit"
    finally:
        if client._server.returncode is None:
            client._server.kill()
        await client.stop()


def run(ogpu_bin, body):
    asyncio.run(asyncio.wait_for(session(ogpu_bin, body), 60))


def open_doc(client, text=SCRIPT, uri=URI):
    client.text_document_did_open(t.DidOpenTextDocumentParams(
        text_document=t.TextDocumentItem(uri=uri, language_id="ogpu", version=1, text=text)))


def at(line, character):
    return t.Position(line=line, character=character)


def test_diagnostics_on_open_and_on_change(ogpu_bin):
    async def body(client, init):
        assert init.capabilities.hover_provider and init.capabilities.definition_provider
        open_doc(client)
        d = await asyncio.wait_for(client.diagnostics.get(), 10)
        # An unknown name is a warning with its range and a did-you-mean.
        [w] = d.diagnostics
        assert w.severity == t.DiagnosticSeverity.Warning and "lenn" in w.message and "len" in w.message
        assert (w.range.start.line, w.range.start.character) == (6, 27)
        # A change that breaks the syntax: an error where the parser sees it.
        client.text_document_did_change(t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=URI, version=2),
            content_changes=[t.TextDocumentContentChangeEvent_Type2(text="let x = (1 +\nprint x\n")]))
        d = await asyncio.wait_for(client.diagnostics.get(), 10)
        assert d.diagnostics and d.diagnostics[0].severity == t.DiagnosticSeverity.Error
        assert d.diagnostics[0].code == "syntax"
        # Fixed: no diagnostics left.
        client.text_document_did_change(t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=URI, version=3),
            content_changes=[t.TextDocumentContentChangeEvent_Type2(text="let x = 1\nprint x\n")]))
        d = await asyncio.wait_for(client.diagnostics.get(), 10)
        assert d.diagnostics == []
    run(ogpu_bin, body)


def test_completion_hover_definition_symbols_and_signature_help(ogpu_bin):
    async def body(client, init):
        open_doc(client)
        await asyncio.wait_for(client.diagnostics.get(), 10)
        doc = t.TextDocumentIdentifier(uri=URI)

        items = await client.text_document_completion_async(t.CompletionParams(text_document=doc, position=at(6, 0)))
        labels = {i.label: i for i in items.items}
        assert {"publish", "wait", "fn", "while", "greet", "count", "source"} <= labels.keys()
        assert "IPFS" in (labels["publish"].documentation or "")

        hover = await client.text_document_hover_async(t.HoverParams(text_document=doc, position=at(6, 2)))
        assert "print" in hover.contents.value and "built-in" in hover.contents.value
        hover = await client.text_document_hover_async(t.HoverParams(text_document=doc, position=at(6, 8)))
        assert "fn greet(name, greeting = …)" in hover.contents.value

        # greet("Ada") on line 7 → its fn on line 2; `text` inside the body → its let.
        found = await client.text_document_definition_async(t.DefinitionParams(text_document=doc, position=at(6, 8)))
        assert found.range.start.line == 1
        found = await client.text_document_definition_async(t.DefinitionParams(text_document=doc, position=at(3, 3)))
        assert (found.range.start.line, found.range.start.character) == (2, 6)
        # A parameter used inside the body.
        found = await client.text_document_definition_async(t.DefinitionParams(text_document=doc, position=at(2, 28)))
        assert found.range.start.line == 1

        symbols = await client.text_document_document_symbol_async(t.DocumentSymbolParams(text_document=doc))
        names = [(s.name, s.kind) for s in symbols]
        assert names == [("source", t.SymbolKind.Constant), ("greet", t.SymbolKind.Function), ("count", t.SymbolKind.Variable)]
        greet = symbols[1]
        assert [c.name for c in greet.children] == ["name", "greeting", "text"]

        help_ = await client.text_document_signature_help_async(t.SignatureHelpParams(
            text_document=doc, position=at(6, 12)))
        assert help_.signatures[0].label == "fn greet(name, greeting = …)" and help_.active_parameter == 0
        other = "file:///tmp/lsp_other.ogpu"
        open_doc(client, 'print join(["a", "b"], "-")\n', other)
        await asyncio.wait_for(client.diagnostics.get(), 10)
        help_ = await client.text_document_signature_help_async(t.SignatureHelpParams(
            text_document=t.TextDocumentIdentifier(uri=other), position=at(0, 23)))
        assert help_.signatures[0].label.startswith("join(") and help_.active_parameter == 1
    run(ogpu_bin, body)


def test_malformed_framing_ends_the_server_with_an_error(ogpu_bin):
    import subprocess
    r = subprocess.run([ogpu_bin, "lsp"], input=b"Content-Length: x\r\n\r\n{}", capture_output=True, timeout=10)
    assert r.returncode == 1 and b"Content-Length" in r.stderr
    r = subprocess.run([ogpu_bin, "lsp"], input=b"", capture_output=True, timeout=10)
    assert r.returncode == 1, "end of input without shutdown is an error exit, as LSP says"


def test_the_vscode_extension_names_its_files_and_starts_ogpu_lsp():
    import json
    from conftest import ROOT
    ext = ROOT / "editors" / "vscode"
    manifest = json.loads((ext / "package.json").read_text())
    [language] = manifest["contributes"]["languages"]
    [grammar] = manifest["contributes"]["grammars"]
    assert language["id"] == grammar["language"] == "ogpu" and ".ogpu" in language["extensions"]
    assert json.loads((ext / grammar["path"]).read_text())["scopeName"] == grammar["scopeName"]
    config = json.loads((ext / language["configuration"]).read_text())
    assert config["comments"]["lineComment"] == "#"
    main = (ext / manifest["main"]).read_text()
    assert 'args: ["lsp"]' in main and "vscode-languageclient" in manifest["dependencies"]
