"""The REPL driven through a pseudo-terminal as a person would use it."""
import os
import re
import time

import pexpect
import pytest

from conftest import PROMPT, base_env

KEY = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"


def history_text(home):
    path = home / ".ogpu_history"
    return path.read_text() if path.exists() else ""


def test_expression_value_is_echoed_and_statements_are_not(repl):
    r = repl()
    assert r.run("1 + 2 * 3").strip() == "7"
    assert r.run("let xs = [1, 2]").strip() == ""
    assert r.run('xs + ["a"]').strip() == '[1, 2, "a"]'
    assert r.run('print "hello"').strip() == "hello"   # print's output only, no `nil` echo
    assert r.quit() == 0


def test_names_persist_between_inputs(repl):
    r = repl()
    r.run("var total = 10")
    r.run("total += 5")
    assert r.run("total").strip() == "15"


def test_syntax_and_runtime_errors_are_reported_and_the_session_goes_on(repl):
    r = repl()
    out = r.run("let = 3")
    assert "error[syntax]" in out and "<repl>:1:5" in out
    out = r.run("nosuch + 1")
    assert "error[name]" in out
    assert r.run("40 + 2").strip() == "42"


def test_tab_completes_builtins_keywords_and_defined_names(repl):
    r = repl()
    r.send('pri\t "done"\r')           # pri<Tab> → print
    out = r.prompt()
    assert "done" in out and "error" not in out
    r.run("let unusually_long_name = 99")
    r.send("unusually_l\t\r")
    assert "99" in r.prompt()
    r.run("var i = 0")
    r.send("whi\t i < 3 { i += 1 }\r")     # whi<Tab> → while (a keyword)
    r.prompt()
    assert r.run("i").strip() == "3"


def test_tab_completes_map_keys_after_a_dot(repl):
    r = repl()
    r.run('let settings = {alpha_value: 1, beta: {inner_key: "deep"}}')
    r.send("settings.alp\t\r")
    assert r.prompt().strip().endswith("1")
    r.send("settings.beta.inn\t\r")
    assert '"deep"' in r.prompt()


def test_tab_with_several_candidates_lists_them(repl):
    r = repl()
    r.run("let cand_one = 1")
    r.run("let cand_two = 2")
    r.send("cand_\t")
    r.child.expect("cand_one +cand_two")
    r.send("\x15")   # Ctrl-U: kill the line
    r.send("\r")
    r.prompt()


def test_tab_completes_meta_commands(repl):
    r = repl()
    r.send(":he\t\r")
    assert ":vars" in r.prompt()


def test_multi_line_input_continues_with_dots(repl):
    r = repl()
    r.child.sendline("let nums = [1,")
    r.child.expect_exact("... ")
    r.child.sendline("  2,")
    r.child.expect_exact("... ")
    r.child.sendline("  3]")
    r.prompt()
    r.child.sendline("fn double(x) {")
    r.child.expect_exact("... ")
    r.child.sendline("  x * 2")
    r.child.expect_exact("... ")
    r.child.sendline("}")
    r.prompt()
    assert r.run("map(nums, double)").strip() == "[2, 4, 6]"
    r.child.sendline('"""first')
    r.child.expect_exact("... ")
    r.child.sendline('second"""')
    out = r.prompt()
    assert "first" in out and "second" in out


def test_ctrl_c_discards_the_line_and_a_pending_continuation(repl, home):
    r = repl()
    r.send('print "discarded"')
    r.send("\x03")
    r.prompt()
    r.child.sendline("[1,")
    r.child.expect_exact("... ")
    r.send("\x03")
    r.prompt()
    out = r.run('print "kept"')
    assert "kept" in out and "discarded" not in out
    assert "discarded" not in history_text(home)


def test_ctrl_c_interrupts_a_running_evaluation(repl):
    r = repl()
    r.child.sendline("var n = 0; while true { n += 1 }")
    time.sleep(0.5)
    r.send("\x03")
    r.child.expect("error\\[interrupted\\]")
    r.prompt()
    assert int(r.run("n").strip()) > 0      # the session and its names survive
    assert r.run("1 + 1").strip() == "2"


def test_ctrl_d_on_empty_line_exits_cleanly(repl):
    r = repl()
    assert r.quit() == 0


def test_quit_command_exits(repl):
    r = repl()
    r.child.sendline(":quit")
    r.child.expect(pexpect.EOF)
    r.child.close()
    assert r.child.exitstatus == 0


def test_help_lists_commands_and_documents_builtins(repl):
    r = repl()
    out = r.run(":help")
    for command in (":help", ":vars", ":load", ":save", ":reset", ":network", ":quit"):
        assert command in out
    assert "Ctrl-R" in out
    out = r.run(":help len")
    assert out.startswith("len:") and len(out) > 10
    assert "no help for 'zzz'" in r.run(":help zzz")


def test_unknown_meta_command_names_the_closest(repl):
    r = repl()
    assert "did you mean :vars?" in r.run(":vras")
    assert "did you mean :save?" in r.run(":sav")


def test_vars_lists_defined_names_not_builtins(repl):
    r = repl()
    r.run('let greeting = "hi"')
    r.run("var count = 3")
    out = r.run(":vars")
    assert 'greeting = "hi"' in out and "count = 3" in out
    assert "print" not in out


def test_save_reset_load_round_trip_without_secrets(repl, home, tmp_path):
    r = repl()
    r.run("let a = 20")
    r.run("let b = a + 22")
    r.run("nosuch")                                   # failed inputs are not saved
    r.run(f'let key_text = "{KEY}"')                  # secrets are not saved
    target = tmp_path / "session.ogpu"
    out = r.run(f":save {target}")
    assert "saved 2 inputs" in out and "1 left out" in out
    saved = target.read_text()
    assert "let b = a + 22" in saved and "nosuch" not in saved and KEY[2:] not in saved
    assert "forgotten" in r.run(":reset")
    assert "error[name]" in r.run("b")
    r.run(f":load {target}")
    assert r.run("b").strip() == "42"


def test_history_persists_and_up_arrow_recalls(repl, home):
    r = repl()
    r.run("40 + 2")
    assert r.quit() == 0
    assert "40\\040+\\0402" in history_text(home) or "40 + 2" in history_text(home)
    r2 = repl()
    r2.send("\x1b[A\r")          # Up, Enter
    assert r2.prompt().strip().endswith("42")


def test_ctrl_r_searches_history(repl, home):
    r = repl()
    r.run("300 + 33")
    r.run("1 + 1")
    r.send("\x12")               # Ctrl-R
    r.send("300")
    r.send("\r")
    time.sleep(0.3)
    r.send("\r")
    r.child.expect("333")


def test_history_never_stores_keys_passwords_or_space_prefixed_lines(repl, home):
    r = repl()
    r.run(f'let k = "{KEY}"')
    r.run(f'let k2 = "{KEY[2:]}"')
    r.run('let password = "hunter2"')
    r.run(' let hidden = "spaced"')
    r.run('let visible = "ok"')
    r.quit()
    text = history_text(home)
    assert "visible" in text
    for leaked in (KEY[2:], "hunter2", "spaced"):
        assert leaked not in text
    assert oct((home / ".ogpu_history").stat().st_mode & 0o777) == "0o600"


def test_history_is_size_limited(repl, home):
    r = repl(OGPU_HISTORY_SIZE="3")
    for i in range(6):
        r.run(f"{i} + 1000")
    r.quit()
    entries = [l for l in history_text(home).splitlines() if not l.startswith("_HiStOrY")]
    assert len(entries) == 3 and "5" in entries[-1]


def test_history_path_can_be_moved(repl, home, tmp_path):
    elsewhere = tmp_path / "hist"
    r = repl(OGPU_HISTORY=str(elsewhere))
    r.run("7 * 6")
    r.quit()
    assert elsewhere.exists() and not (home / ".ogpu_history").exists()


def test_ogpurc_runs_before_the_first_prompt_and_prelude_replaces_it(repl, home, tmp_path):
    (home / ".ogpurc").write_text('let from_rc = "rc"\n')
    r = repl()
    assert r.run("from_rc").strip() == '"rc"'
    prelude = tmp_path / "prelude.ogpu"
    prelude.write_text("let from_prelude = 5\n")
    r2 = repl("--prelude", str(prelude))
    assert r2.run("from_prelude").strip() == "5"
    assert "error[name]" in r2.run("from_rc")


def devnet_on_default_port():
    import socket
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", 8545)) == 0


def test_network_flag_and_meta_command_change_the_prompt(repl):
    r = repl("--network", "testnet", expect_prompt="ogpu(testnet)> ")
    if not devnet_on_default_port():
        # `:network` asks the chain: without a devnet it says how to start one and stays put.
        r.child.sendline(":network local")
        r.child.expect_exact("start it with scripts/devnet start")
        r.prompt("ogpu(testnet)> ")
        r.child.sendline(":network nowhere")
        r.child.expect("unknown network 'nowhere'")
        r.prompt("ogpu(testnet)> ")
        return
    r.child.sendline(":network local")
    r.prompt("ogpu(local)> ")
    r.child.sendline(":network http://127.0.0.1:8545")
    r.prompt("ogpu(127.0.0.1:8545)> ")
    r.child.sendline(":network nowhere")
    r.child.expect("unknown network 'nowhere'")
    r.prompt("ogpu(127.0.0.1:8545)> ")


def test_no_color_means_no_escape_codes_and_color_is_on_otherwise(repl):
    plain = repl()
    out = plain.run("nosuch")
    assert "error[name]" in out and "\x1b[" not in out
    colored = repl(NO_COLOR=None)
    out = colored.run("nosuch")
    assert "\x1b[" in out
    flagged = repl("--no-color", NO_COLOR=None)
    assert "\x1b[" not in flagged.run("nosuch")


def test_long_values_open_up_and_short_ones_stay_on_one_line(repl):
    r = repl()
    assert r.run("[1, 2, 3]").strip() == "[1, 2, 3]"
    r.run('let big = {name: "' + "x" * 60 + '", items: [1, 2, 3], nested: {deep: "' + "y" * 130 + '"}}')
    out = r.run("big")
    lines = [l for l in out.strip().split("\n")]
    assert lines[0] == "{" and lines[-1] == "}"
    assert lines[1].startswith('  name: "xxx') and any(l.startswith("    deep: ") for l in lines)


def test_echo_colors_amounts_and_addresses_unless_no_color(repl):
    colored = repl(NO_COLOR=None)
    out = colored.run("ogpu(0.5)")
    assert "\x1b[32m0.5 OGPU\x1b[0m" in out
    plain = repl()
    assert plain.run("ogpu(0.5)").strip() == "0.5 OGPU"


def test_a_task_draft_completes_its_fields_after_a_dot(repl):
    r = repl()
    r.run('let draft = task(0x0000000000000000000000000000000000000001, "text2text", {a: 1}, payment: ogpu(0.02))')
    r.send("draft.pay\t\r")
    assert r.prompt().strip().endswith("0.02 OGPU")


def test_vars_hides_the_predefined_args(repl):
    r = repl()
    assert "no names defined yet" in r.run(":vars")
    r.run("let mine = 1")
    out = r.run(":vars")
    assert "mine = 1" in out and "args" not in out


def test_help_for_a_meta_command(repl):
    r = repl()
    out = r.run(":help save")
    assert out.startswith(":save FILE") and "script" in out
    assert r.run(":help :reset").startswith(":reset")


def test_load_completes_file_names(repl, tmp_path):
    script = tmp_path / "loadable_script.ogpu"
    script.write_text("let loaded_value = 321\n")
    r = repl()
    r.send(f":load {tmp_path}/loadable_s\t\r")
    r.prompt()
    assert r.run("loaded_value").strip() == "321"


def test_a_multi_line_input_is_recalled_whole(repl, home):
    r = repl()
    r.child.sendline("[10,")
    r.child.expect_exact("... ")
    r.child.sendline("20]")
    r.prompt()
    r.send("\x1b[A\r")
    assert "[10, 20]" in r.prompt()


def test_tab_at_the_start_of_a_line_indents_instead_of_completing(repl):
    r = repl()
    r.send("\tlet indented = 5\r")
    r.prompt()
    assert r.run("indented").strip() == "5"


def test_ctrl_c_interrupts_a_blocking_call(repl):
    r = repl()
    r.child.sendline("sleep(1h)")
    time.sleep(0.5)
    started = time.time()
    r.send("\x03")
    r.child.expect("error\\[interrupted\\]")
    r.prompt()
    assert time.time() - started < 20       # long before the hour is up, even on a loaded machine
    assert r.run("2 + 2").strip() == "4"


def test_json_mode_echoes_values_as_json(repl):
    r = repl("--json")
    r.run("let m = {a: 1, b: ogpu(0.5)}")
    assert r.run("m").strip() == '{"value":{"a":1,"b":"500000000000000000"}}'


def test_ctrl_z_suspends_and_fg_resumes_the_same_line(ogpu_bin, home):
    from conftest import base_env
    env = base_env(home, PS1="SHELL$ ")
    shell = pexpect.spawn("bash", ["--norc", "--noprofile", "-i"], env=env, encoding="utf-8", timeout=30)
    try:
        shell.expect_exact("SHELL$ ")
        shell.sendline(ogpu_bin)
        shell.expect_exact(PROMPT)
        shell.send("40 +")
        shell.send("\x1a")
        shell.expect("Stopped")
        shell.expect_exact("SHELL$ ")
        shell.sendline("fg")
        time.sleep(0.5)
        shell.send(" 2\r")
        shell.expect_exact("42")
        shell.expect_exact(PROMPT)
        shell.sendcontrol("d")
        shell.expect_exact("SHELL$ ")
    finally:
        shell.terminate(force=True)


def test_transaction_hash_is_shown_when_sent_before_the_receipt(repl):
    import os
    import pytest
    rpc = os.environ.get("OGPU_DEVNET_RPC")
    if not rpc and not devnet_on_default_port():
        pytest.skip("no devnet running")
    r = repl(OGPU_RPC_URL=rpc)
    r.child.sendline('let t = publish task(sources()[0].address, "text2text", {messages: [{role: "user", content: "x"}]}, '
                     'devnet: {respond: false})')
    r.child.expect(r"sent Controller\.publishTask (0x[0-9a-f]{64}), waiting for its receipt")
    sent = r.child.match.group(1)
    r.prompt()
    assert r.run("t.tx").strip() == '"%s"' % sent  # the hash shown is the task's publishing transaction
    r.run("cancel(t)")
    # A batch counts itself off on one line as it is sent (not a line per transaction).
    r.child.sendline('let ts = publish(map([1, 2], n => task(sources()[0].address, "text2text", '
                     '{messages: [{role: "user", content: "n{n}"}]}, devnet: {respond: false})))')
    r.child.expect(r"publishing · sent 2/2")
    r.prompt()
    r.run("for x in ts { cancel(x) }")


def test_ctrl_c_interrupts_a_wait_on_the_devnet(repl):
    import os
    import pytest
    rpc = os.environ.get("OGPU_DEVNET_RPC")
    if not rpc and not devnet_on_default_port():
        pytest.skip("no devnet running")
    r = repl(OGPU_RPC_URL=rpc)
    # A task the devnet provider is asked not to answer, so the wait can only end by Ctrl-C.
    r.run('let t = publish task(sources()[0].address, "text2text", {messages: [{role: "user", content: "x"}]}, '
          'devnet: {respond: false})')
    r.child.sendline("wait(t, timeout: 1h)")
    time.sleep(2)
    r.send("\x03")
    r.child.expect("error\\[interrupted\\]")
    r.child.expect_exact("resume with `wait(task_at(")  # says how to go on, not to re-publish
    r.prompt()
    assert r.run("t.status").strip() == '"new"'  # the task is still there to wait on again


def libedit_paths():
    import subprocess
    out = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    return sorted({line.split("=>")[1].strip() for line in out.splitlines() if "libedit.so" in line})


def test_without_libedit_scripts_run_and_the_repl_reads_plain_lines(ogpu_bin, home):
    """libedit is opened when the REPL starts, not linked: on a machine without it `ogpu FILE`
    still runs, and the REPL says editing is off and reads plain lines. libedit is hidden by
    bind-mounting an empty file over it in a private mount namespace (needs root)."""
    import shutil
    import subprocess
    if os.geteuid() != 0 or not shutil.which("unshare"):
        pytest.skip("hiding libedit needs root and unshare")
    hide = " && ".join(f"mount --bind /dev/null {p}" for p in libedit_paths())
    if not hide:
        pytest.skip("libedit is not installed here")
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("no private mount namespaces here")
    script = f"{hide} && {ogpu_bin} -e 'print 6 * 7' && exec script -qec {ogpu_bin} /dev/null"
    proc = subprocess.run(["unshare", "-m", "sh", "-c", script], input="let a = 2\na * 21\n",
                          capture_output=True, text=True, env=base_env(home), timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.replace("\r\n", "\n")
    assert out.startswith("42\n")
    assert "line editing and history are off: libedit could not be opened" in out
    assert "install libedit2" in out
    assert PROMPT + "42" in out.replace(PROMPT + PROMPT, PROMPT)
    assert not (home / ".ogpu_history").exists()
