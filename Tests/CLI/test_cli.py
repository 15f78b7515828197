"""The command line as scripts and CI use it: exit codes (docs/language.md §7), stdin, shebang, flags."""
import os
import signal
import subprocess
import time

import pexpect

from conftest import base_env

KEY = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"


def run(ogpu_bin, home, *args, input=None, **env):
    return subprocess.run([ogpu_bin, *args], input=input, capture_output=True, text=True,
                          env=base_env(home, **env), timeout=30)


def test_script_runs_with_args(ogpu_bin, home, tmp_path):
    script = tmp_path / "hello.ogpu"
    script.write_text('print "hi", args\n')
    r = run(ogpu_bin, home, str(script), "one", "--two")
    assert r.returncode == 0, r.stderr
    assert r.stdout == 'hi ["one", "--two"]\n'


def test_flags_before_the_file_are_ours_and_after_it_the_scripts(ogpu_bin, home, tmp_path):
    script = tmp_path / "a.ogpu"
    script.write_text("print len(args)\n")
    r = run(ogpu_bin, home, "--network", "testnet", str(script), "--network", "x")
    assert r.returncode == 0 and r.stdout == "2\n"


def test_eval_option(ogpu_bin, home):
    r = run(ogpu_bin, home, "-e", "print 6 * 7")
    assert (r.returncode, r.stdout) == (0, "42\n")


def test_script_from_stdin_when_not_a_terminal(ogpu_bin, home):
    r = run(ogpu_bin, home, input='let x = 2\nprint x ** 10\n')
    assert (r.returncode, r.stdout) == (0, "1024\n")
    r = run(ogpu_bin, home, "-", "arg", input="print args\n")
    assert r.stdout == '["arg"]\n'


def test_shebang_script_runs_as_a_program(ogpu_bin, home, tmp_path):
    script = tmp_path / "tool"
    script.write_text('#!/usr/bin/env ogpu\nprint "from shebang", args[0]\n')
    script.chmod(0o755)
    path = os.path.dirname(ogpu_bin) + os.pathsep + os.environ["PATH"]
    r = subprocess.run([str(script), "x"], capture_output=True, text=True, env=base_env(home, PATH=path), timeout=30)
    assert (r.returncode, r.stdout) == (0, "from shebang x\n")


def test_exit_code_64_on_usage_errors(ogpu_bin, home):
    for args in (["--bogus"], ["--network", "moon"], ["--rpc-url", "ftp://x"], ["-e"]):
        r = run(ogpu_bin, home, *args)
        assert r.returncode == 64, (args, r.stderr)
        assert r.stderr.strip()


def test_exit_code_65_reports_every_syntax_error_and_runs_nothing(ogpu_bin, home, tmp_path):
    script = tmp_path / "bad.ogpu"
    script.write_text('print "should not run"\nlet = 1\nlet y = (2\n')
    r = run(ogpu_bin, home, str(script))
    assert r.returncode == 65
    assert r.stdout == ""
    assert r.stderr.count("error[") >= 2
    assert f"{script}:2:" in r.stderr


def test_exit_code_66_when_the_file_is_missing(ogpu_bin, home, tmp_path):
    r = run(ogpu_bin, home, str(tmp_path / "nope.ogpu"))
    assert r.returncode == 66 and "nope.ogpu" in r.stderr
    r = run(ogpu_bin, home, str(tmp_path))   # a directory is not a script
    assert r.returncode == 66
    r = run(ogpu_bin, home, "chek", "x.ogpu")
    assert r.returncode == 66 and "did you mean `ogpu check`" in r.stderr


def test_exit_code_70_on_an_uncaught_error_with_location(ogpu_bin, home, tmp_path):
    script = tmp_path / "boom.ogpu"
    script.write_text('print "before"\nthrow "boom"\n')
    r = run(ogpu_bin, home, str(script))
    assert r.returncode == 70
    assert r.stdout == "before\n"
    assert "error[user]: boom" in r.stderr and f"{script}:2:" in r.stderr


def test_exit_code_130_when_interrupted(ogpu_bin, home):
    # In a pty so that "looping" arrives at once: by then the script runs and handles Ctrl-C.
    child = pexpect.spawn(ogpu_bin, ["-e", 'print "looping"\nwhile true { }'], env=base_env(home),
                          encoding="utf-8", timeout=30)
    child.expect_exact("looping")
    os.kill(child.pid, signal.SIGINT)
    child.expect("error\\[interrupted\\]")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


def test_check_command(ogpu_bin, home, tmp_path):
    good = tmp_path / "good.ogpu"
    good.write_text("let x = 1\nprint x\n")
    bad = tmp_path / "bad.ogpu"
    bad.write_text("let = 1\nx = = 2\n")
    assert run(ogpu_bin, home, "check", str(good)).returncode == 0
    r = run(ogpu_bin, home, "check", str(good), str(bad))
    assert r.returncode == 65 and r.stderr.count("error[") == 2
    assert run(ogpu_bin, home, "check", str(tmp_path / "missing.ogpu")).returncode == 66
    assert run(ogpu_bin, home, "check").returncode == 64


def test_every_subcommand_takes_the_global_options_before_or_after_its_name(ogpu_bin, home, tmp_path):
    good = tmp_path / "good.ogpu"
    good.write_text("print 1\n")
    journal = str(tmp_path / "journal.jsonl")
    for args in (["--no-color", "--network", "testnet", "check", str(good)],
                 ["check", "--network", "testnet", "--no-color", str(good)],
                 ["--network", "local", "--no-color", "journal", "--journal", journal],
                 ["journal", "--network", "local", "--json", "--journal", journal]):
        r = run(ogpu_bin, home, *args)
        assert r.returncode == 0, (args, r.stderr)
    # The same validation everywhere: a bad --network is a usage error for a subcommand too.
    for args in (["--network", "moon", "journal", "--check"], ["journal", "--check", "--network", "moon"]):
        r = run(ogpu_bin, home, *args)
        assert r.returncode == 64 and "unknown network 'moon'" in r.stderr, (args, r.stderr)
    # A script named like a subcommand's argument is still a script.
    script = tmp_path / "a.ogpu"
    script.write_text("print args\n")
    r = run(ogpu_bin, home, "--no-color", str(script), "check")
    assert (r.returncode, r.stdout) == (0, '["check"]\n')


def test_help_has_usage_examples_and_exit_codes(ogpu_bin, home):
    r = run(ogpu_bin, home, "--help")
    assert r.returncode == 0
    for text in ("EXAMPLES", "ogpu examples/haiku.ogpu", "--network", "--keystore", "--dry-run",
                 "--json", "--no-color", "check", "CLIENT_PRIVATE_KEY", "130 interrupted"):
        assert text in r.stdout
    assert "USAGE: ogpu check" in run(ogpu_bin, home, "help", "check").stdout


def test_completion_scripts(ogpu_bin, home):
    for shell, marker in (("bash", "complete"), ("zsh", "#compdef ogpu"), ("fish", "complete -c 'ogpu'")):
        r = run(ogpu_bin, home, "--generate-completion-script", shell)
        assert r.returncode == 0 and marker in r.stdout and "network" in r.stdout
        assert "keystore" in r.stdout and "check" in r.stdout


def test_bad_private_key_is_a_usage_error_that_never_shows_the_key(ogpu_bin, home):
    short = KEY[:60]
    r = run(ogpu_bin, home, "--private-key", short, "-e", "1")
    assert r.returncode == 64 and short not in r.stderr + r.stdout
    r = run(ogpu_bin, home, "-e", "1", CLIENT_PRIVATE_KEY=short)
    assert r.returncode == 64 and short not in r.stderr and "CLIENT_PRIVATE_KEY" in r.stderr


def test_private_key_on_the_command_line_warns_without_echoing(ogpu_bin, home):
    r = run(ogpu_bin, home, "--private-key", KEY, "-e", 'print "ok"')
    assert r.returncode == 0 and r.stdout == "ok\n"
    assert "visible to other users" in r.stderr and KEY not in r.stderr


def test_missing_keystore_is_66(ogpu_bin, home, tmp_path):
    r = run(ogpu_bin, home, "--keystore", str(tmp_path / "none.json"), "-e", "1")
    assert r.returncode == 66


def test_keystore_password_prompt_does_not_echo(ogpu_bin, home, tmp_path):
    keystore = tmp_path / "key.json"
    keystore.write_text("{}")
    child = pexpect.spawn(ogpu_bin, ["--keystore", str(keystore), "-e", 'print "after"'],
                          env=base_env(home), encoding="utf-8", timeout=30)
    child.expect_exact("Password for key.json: ")
    child.sendline("s3cret-pass")
    child.expect_exact("after")
    child.expect(pexpect.EOF)
    assert "s3cret-pass" not in child.before + child.after if isinstance(child.after, str) else True
    child.close()
    assert child.exitstatus == 0


def test_keystore_password_from_environment_or_usage_error_without_terminal(ogpu_bin, home, tmp_path):
    keystore = tmp_path / "key.json"
    keystore.write_text("{}")
    r = run(ogpu_bin, home, "--keystore", str(keystore), "-e", 'print "ok"', OGPU_PASSWORD="pw")
    assert (r.returncode, r.stdout) == (0, "ok\n")
    r = subprocess.run([ogpu_bin, "--keystore", str(keystore), "-e", "1"], capture_output=True, text=True,
                       env=base_env(home), timeout=30, start_new_session=True, stdin=subprocess.DEVNULL)
    assert r.returncode == 64 and "OGPU_PASSWORD" in r.stderr


def test_environment_network_is_validated(ogpu_bin, home):
    assert run(ogpu_bin, home, "-e", "1", OGPU_NETWORK="moon").returncode == 64
    assert run(ogpu_bin, home, "-e", "1", OGPU_NETWORK="testnet").returncode == 0
    assert run(ogpu_bin, home, "-e", "1", OGPU_RPC_URL="not a url").returncode == 64


def test_json_mode_writes_the_result_and_errors_as_json_lines(ogpu_bin, home):
    import json
    r = run(ogpu_bin, home, "--json", "-e", 'print "plain"\nlet m = {a: ogpu(1), b: [1, 2.5], c: 0x0000000000000000000000000000000000000001}\nm')
    assert r.returncode == 0
    lines = r.stdout.strip().split("\n")
    assert lines[0] == "plain"
    assert json.loads(lines[1]) == {"value": {"a": "1000000000000000000", "b": [1, 2.5],
                                              "c": "0x0000000000000000000000000000000000000001"}}
    r = run(ogpu_bin, home, "--json", "-e", 'throw "bad \\"x\\""')
    assert r.returncode == 70
    assert json.loads(r.stderr) == {"error": {"kind": "user", "message": 'bad "x"', "file": "<-e>", "line": 1, "column": 7}}
    r = run(ogpu_bin, home, "--json", "-e", "let = 1\n)")
    assert r.returncode == 65
    errors = [json.loads(l)["error"] for l in r.stderr.strip().split("\n")]
    assert [(e["kind"], e["line"]) for e in errors] == [("syntax", 1), ("syntax", 2)]


def test_without_json_a_script_prints_only_what_it_prints(ogpu_bin, home):
    r = run(ogpu_bin, home, "-e", "1 + 1")
    assert (r.returncode, r.stdout) == (0, "")


def test_a_valid_key_is_not_echoed_by_usage_errors(ogpu_bin, home):
    r = run(ogpu_bin, home, "--private-key", KEY, "--bogus")
    assert r.returncode == 64 and KEY not in r.stderr + r.stdout
    r = run(ogpu_bin, home, "--private-key", "0x" + KEY, "--network", "moon")
    assert r.returncode == 64 and KEY not in r.stderr + r.stdout


# `ogpu FILE [ARGS...]` and `ogpu -e CODE [ARGS...]` without options start without ArgumentParser
# (Sources/OGPUCommand/CLI/PlainCommandLine.swift); a line with any option of ours goes through it. The
# tests below pin that both readings agree and that the plain one keeps docs/language.md §7-§8.

def test_plain_command_lines_read_as_argument_parser_reads_them(ogpu_bin, home, tmp_path):
    # A leading --no-color sends the same line through ArgumentParser and changes nothing here:
    # the output is a pipe and NO_COLOR is set.
    show = tmp_path / "show.ogpu"
    show.write_text('print "args", args\n')
    boom = tmp_path / "boom.ogpu"
    boom.write_text('print "before"\nthrow "boom"\n')
    code = 'print "code", args'
    lines = [
        ["-e", code], ["-e", code, "a", "b"], ["-e", code, "a", "--json", "-e", "1", "--help"],
        ["-e", code, "help"], ["-e", code, "check", "x"], ["-e", code, "journal"], ["-e", code, "-"],
        ["-e", code, "--json"], ["-e", code, "a", "--", "--help", "---x"], ["-e", ""], ["-e", "-1"],
        [str(show)], [str(show), "--network", "moon", "-h", "--version", "-vh", "-1", "--", "-x"],
        [str(show), "help"], [str(show), "check", str(show)], [str(show), "-", ""],
        # ArgumentParser splits every word up to `--`, even the script's: it rejects these two...
        [str(show), "---x"], ["-e", code, "a", "-=x"],
        # ...and acts on this one wherever it stands.
        [str(show), "--generate-completion-script", "bash"],
        [str(boom), "x"], [str(tmp_path / "nope.ogpu"), "x"], [str(tmp_path)],
        ["-e", 'print "before"\nthrow "boom"'], ["-e", "let = 1"],
    ]
    for args in lines:
        plain = run(ogpu_bin, home, *args)
        parsed = run(ogpu_bin, home, "--no-color", *args)
        assert (plain.returncode, plain.stdout, plain.stderr) == (parsed.returncode, parsed.stdout, parsed.stderr), args
    for env in ({"OGPU_NETWORK": "moon"}, {"OGPU_RPC_URL": "ftp://x"}, {"CLIENT_PRIVATE_KEY": KEY[:10]}):
        for args in (["-e", code, "a"], [str(show), "a"]):
            plain = run(ogpu_bin, home, *args, **env)
            parsed = run(ogpu_bin, home, "--no-color", *args, **env)
            assert (plain.returncode, plain.stderr) == (parsed.returncode, parsed.stderr) != (0, ""), (env, args)


def test_eval_passes_every_later_word_to_the_script(ogpu_bin, home):
    r = run(ogpu_bin, home, "-e", "print args", "a", "--json", "-e", "1", "--", "-h")
    assert (r.returncode, r.stdout, r.stderr) == (0, '["a", "--json", "-e", "1", "--", "-h"]\n', "")
    r = run(ogpu_bin, home, "-e", "print args", "--json", "a")   # right after CODE, an option is ours
    assert (r.returncode, r.stdout) == (0, '["a"]\n')


def test_script_arguments_that_look_like_our_flags_stay_the_scripts(ogpu_bin, home, tmp_path):
    script = tmp_path / "a.ogpu"
    script.write_text("print args\n")
    r = run(ogpu_bin, home, str(script), "--help", "-h", "-e", "1", "--network", "moon", "check")
    assert (r.returncode, r.stdout, r.stderr) == (0, '["--help", "-h", "-e", "1", "--network", "moon", "check"]\n', "")


def test_network_from_the_environment_without_flags(ogpu_bin, home, tmp_path):
    script = tmp_path / "net.ogpu"
    script.write_text("print network().name, network().rpc, args\n")
    env = dict(OGPU_NETWORK="testnet", OGPU_RPC_URL="http://127.0.0.1:1")
    r = run(ogpu_bin, home, str(script), "x", **env)
    assert (r.returncode, r.stdout, r.stderr) == (0, 'testnet http://127.0.0.1:1 ["x"]\n', "")
    r = run(ogpu_bin, home, "-e", "print network().name, network().rpc", **env)
    assert (r.returncode, r.stdout) == (0, "testnet http://127.0.0.1:1\n")
    r = run(ogpu_bin, home, "--network", "mainnet", "-e", "print network().name", **env)   # the flag wins
    assert (r.returncode, r.stdout) == (0, "mainnet\n")


def test_bad_environment_is_a_usage_error_before_anything_runs(ogpu_bin, home, tmp_path):
    script = tmp_path / "a.ogpu"
    script.write_text('print "ran"\n')
    for args in ([str(script)], ["-e", 'print "ran"']):
        r = run(ogpu_bin, home, *args, OGPU_NETWORK="moon")
        assert (r.returncode, r.stdout) == (64, "")
        assert r.stderr == "ogpu: unknown network 'moon': use mainnet, testnet, local, or an http(s):// RPC URL\n"
        r = run(ogpu_bin, home, *args, CLIENT_PRIVATE_KEY=KEY[:60])
        assert (r.returncode, r.stdout) == (64, "")
        assert "CLIENT_PRIVATE_KEY" in r.stderr and KEY[:60] not in r.stderr


def test_no_color_from_the_environment_without_flags(ogpu_bin, home, tmp_path):
    # In a terminal errors are colored unless NO_COLOR is set or --no-color given.
    script = tmp_path / "boom.ogpu"
    script.write_text('throw "boom"\n')

    def shown(args, **env):
        child = pexpect.spawn(ogpu_bin, args, env=base_env(home, **env), encoding="utf-8", timeout=30)
        child.expect(pexpect.EOF)
        child.close()
        return child.exitstatus, child.before

    for args in ([str(script)], ["-e", 'throw "boom"']):
        status, out = shown(args, NO_COLOR=None)
        assert status == 70 and "\x1b[" in out and "boom" in out
        status, out = shown(args, NO_COLOR="1")
        assert status == 70 and "\x1b[" not in out and "error[user]: boom" in out
        status, out = shown(["--no-color", *args], NO_COLOR=None)
        assert status == 70 and "\x1b[" not in out and "error[user]: boom" in out


def test_eval_errors_exit_with_the_language_codes(ogpu_bin, home):
    r = run(ogpu_bin, home, "-e", 'print "before"\nthrow "boom"', "arg")
    assert (r.returncode, r.stdout) == (70, "before\n")
    assert "error[user]: boom" in r.stderr and "<-e>:2:7" in r.stderr
    r = run(ogpu_bin, home, "-e", 'print "never"\nlet = 1\nlet y = (2', "arg")
    assert (r.returncode, r.stdout) == (65, "")
    assert r.stderr.count("error[syntax]") == 2 and "<-e>:2:5" in r.stderr


def test_missing_script_with_arguments_is_66(ogpu_bin, home, tmp_path):
    missing = tmp_path / "nope.ogpu"
    r = run(ogpu_bin, home, str(missing), "a", "--json")
    assert (r.returncode, r.stdout) == (66, "")
    assert r.stderr == f"ogpu: cannot open '{missing}': no such readable file\n"
