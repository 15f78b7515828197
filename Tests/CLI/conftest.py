"""Shared fixtures: the built `ogpu` binary, a private HOME per test, and a REPL in a pty."""
import os
import pathlib
import sys

import pexpect
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
OGPU = ROOT / ".build" / "debug" / "ogpu"
PROMPT = "ogpu(local)> "


@pytest.fixture(scope="session")
def ogpu_bin():
    if not OGPU.exists():
        pytest.fail(f"{OGPU} is missing: build first (scripts/test does)")
    return str(OGPU)


@pytest.fixture
def home(tmp_path):
    h = tmp_path / "home"
    h.mkdir()
    return h


def base_env(home, **extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("CLIENT_PRIVATE_KEY", "OGPU_PASSWORD", "OGPU_NETWORK", "OGPU_RPC_URL",
                        "OGPU_HISTORY", "OGPU_HISTORY_SIZE", "NO_COLOR")}
    env.update(HOME=str(home), TERM="xterm-256color", NO_COLOR="1")
    env.update({k: v for k, v in extra.items() if v is not None})
    for k, v in extra.items():
        if v is None:
            env.pop(k, None)
    return env


class Repl:
    """A person at the REPL: types lines, presses keys, reads what the terminal shows."""

    def __init__(self, ogpu_bin, home, args=(), cwd=None, **env):
        self.child = pexpect.spawn(ogpu_bin, list(args), env=base_env(home, **env), cwd=cwd,
                                   encoding="utf-8", timeout=30, dimensions=(40, 120))
        if os.environ.get("OGPU_TEST_VERBOSE"):
            self.child.logfile_read = sys.stdout

    def prompt(self, prompt=PROMPT):
        self.child.expect_exact(prompt)
        return self.child.before

    def run(self, line, prompt=PROMPT):
        """Types a line, returns everything shown before the next prompt (minus the echoed line)."""
        self.child.sendline(line)
        self.child.expect_exact(prompt)
        out = self.child.before.replace("\r\n", "\n")
        return out.split("\n", 1)[1] if "\n" in out else ""

    def send(self, keys):
        self.child.send(keys)

    def quit(self):
        self.child.sendcontrol("d")
        self.child.expect(pexpect.EOF)
        self.child.close()
        return self.child.exitstatus

    def close(self):
        if self.child.isalive():
            self.child.terminate(force=True)


@pytest.fixture
def repl(ogpu_bin, home):
    started = []

    def start(*args, expect_prompt=PROMPT, **env):
        r = Repl(ogpu_bin, home, args, **env)
        started.append(r)
        if expect_prompt:
            # Under heavy load, about one pty start in a few hundred shows no first prompt to
            # pexpect (the strace shows it written, then a stray NUL read from the pty) although
            # the REPL is waiting for input. Clear the line once and ask again before failing.
            try:
                r.child.expect_exact(expect_prompt, timeout=10)
            except pexpect.TIMEOUT:
                r.child.send(" \x15\r")
                r.prompt(expect_prompt)
        return r

    yield start
    for r in started:
        r.close()
