"""README stays true: its offline REPL transcripts give the output shown, and it opens with the
two commands."""
import re

from conftest import ROOT

README = (ROOT / "README.md").read_text()


def test_readme_opens_with_the_two_commands():
    first_block = README.split("```")[1]
    commands = [l.split("#")[0].strip() for l in first_block.strip().splitlines()]
    assert commands == ["scripts/demo", "scripts/test"]
    for script in commands:
        assert (ROOT / script).stat().st_mode & 0o111


def transcripts():
    """The tutorial's code blocks that need no network (no `me()`, `task`, `publish` …)."""
    section = README[README.index("## Ten minutes at the REPL"):README.index("## The language in one page")]
    blocks = section.split("```")[1::2]
    return [b for b in blocks if "ogpu(local)>" in b and not re.search(r"\b(me|balance|sources|task|publish)\(", b)]


def test_the_offline_tutorial_transcripts_are_what_the_repl_prints(repl):
    blocks = transcripts()
    assert len(blocks) >= 2
    r = repl()
    for block in blocks:
        lines = block.strip("\n").splitlines()
        i = 0
        while i < len(lines):
            line = lines[i]
            assert line.startswith("ogpu(local)> "), line
            entry = [line[len("ogpu(local)> "):]]
            i += 1
            while i < len(lines) and lines[i].startswith("... "):
                entry.append(lines[i][4:])
                i += 1
            expected = []
            while i < len(lines) and not lines[i].startswith("ogpu(local)> "):
                expected.append(lines[i])
                i += 1
            for continued in entry[:-1]:
                r.child.sendline(re.sub(r"\s+#.*$", "", continued))
                r.child.expect_exact("... ")
            out = r.run(re.sub(r"\s+#.*$", "", entry[-1]))
            assert out.strip().splitlines() == expected, entry
