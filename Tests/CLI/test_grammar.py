"""The TextMate grammar, applied to the examples as an editor would: every token class appears
and nothing is left unscoped."""
import pathlib

import pytest

from conftest import ROOT
from textmate import Grammar

GRAMMAR = Grammar(ROOT / "editors" / "vscode" / "syntaxes" / "ogpu.tmLanguage.json")
EXAMPLES = sorted((ROOT / "examples").glob("*.ogpu"))


def scopes_at(text, needle, line_contains=None):
    """The innermost scope of the first character of `needle` (on the first line containing it)."""
    for line, scopes in GRAMMAR.tokenize(text):
        if needle in line and (line_contains is None or line_contains in line):
            i = line.index(needle)
            return scopes[i]
    raise AssertionError(f"{needle!r} not found")


def test_there_are_examples():
    assert len(EXAMPLES) >= 15


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_nothing_in_an_example_is_left_unscoped(path):
    for number, (line, scopes) in enumerate(GRAMMAR.tokenize(path.read_text()), start=1):
        for col, (char, scope) in enumerate(zip(line, scopes), start=1):
            if not char.isspace():
                assert scope, f"{path.name}:{number}:{col}: {char!r} has no scope in: {line}"


def test_every_token_class_appears_in_the_examples():
    used = set()
    for path in EXAMPLES:
        for _, scopes in GRAMMAR.tokenize(path.read_text()):
            for s in scopes:
                used.update(s or [])
    missing = GRAMMAR.names() - used
    assert not missing, f"token classes no example shows: {sorted(missing)}"


@pytest.mark.parametrize("snippet, needle, scope", [
    ('#!/usr/bin/env ogpu\nlet x = 1', "#!", "comment.line.shebang.ogpu"),
    ("let x = 1 # note", "# note", "comment.line.number-sign.ogpu"),
    ("let x = 1", "let", "storage.type.ogpu"),
    ("fn double(x) { x * 2 }", "double", "entity.name.function.ogpu"),
    ("if a and not b { return }", "return", "keyword.control.ogpu"),
    ("if a and not b { return }", "not", "keyword.operator.logical.ogpu"),
    ('publish t |> wait |> print', "publish", "support.function.builtin.ogpu"),
    ('publish t |> wait', "|>", "keyword.operator.pipeline.ogpu"),
    ("task(fn: \"x\")", "fn", "variable.parameter.label.ogpu"),
    ("t.fn", "fn", "variable.other.member.ogpu"),
    ("t.status", "status", "variable.other.member.ogpu"),
    ("let a = 0x4F1477E0a1DA8340E964D01e32Dff302F3CB203A", "0x", "constant.numeric.address.ogpu"),
    ("let h = 0x2a", "0x", "constant.numeric.hex.ogpu"),
    ("wait(t, timeout: 1.5h)", "1.5h", "constant.numeric.duration.ogpu"),
    ("let p = 500ms", "500ms", "constant.numeric.duration.ogpu"),
    ("ogpu(0.01)", "0.01", "constant.numeric.decimal.ogpu"),
    ("let n = 1_000_000", "1_000", "constant.numeric.integer.ogpu"),
    ("for i in 0..=5 {}", "..=", "keyword.operator.range.ogpu"),
    ("x => x * 2", "=>", "keyword.operator.arrow.ogpu"),
    ('"hi {name}!"', "name", "variable.other.ogpu"),
    ('"hi {name}!"', "{", "punctuation.section.interpolation.begin.ogpu"),
    ('"a\\{b"', "\\{", "constant.character.escape.ogpu"),
    ('"a\\u{1F680}"', "\\u", "constant.character.escape.ogpu"),
    ('"""\ntext {x}\n"""', "text", "string.quoted.triple.ogpu"),
    ("let v = nil", "nil", "constant.language.ogpu"),
    ("a ? b : c", "?", "keyword.operator.ternary.ogpu"),
])
def test_tokens_get_the_expected_scope(snippet, needle, scope):
    assert scopes_at(snippet, needle)[-1] == scope


def test_interpolation_is_code_inside_a_string():
    s = scopes_at('print "total {a + 1} done"', "+")
    assert s[0] == "string.quoted.double.ogpu" and s[-1] == "keyword.operator.arithmetic.ogpu"
    assert scopes_at('print "total {a + 1} done"', "done") == ["string.quoted.double.ogpu"]


def test_the_builtin_list_is_the_interpreters(ogpu_bin):
    """The grammar colours exactly the built-ins the interpreter has (its own `help()` list), so
    a new built-in cannot be left out of the editor."""
    import re
    import subprocess
    out = subprocess.run([ogpu_bin, "-e", "help()"], capture_output=True, text=True, check=True).stdout
    interpreter = set(out.split("Built-ins: ", 1)[1].split("\n", 1)[0].split(", "))
    pattern = GRAMMAR.data["repository"]["builtin"]["match"]
    grammar = set(re.search(r"\(\?:([a-z_|]+)\)", pattern).group(1).split("|"))
    assert grammar == interpreter, f"missing: {sorted(interpreter - grammar)}, extra: {sorted(grammar - interpreter)}"
