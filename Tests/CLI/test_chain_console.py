"""The chain console's pure built-ins against the reference libraries: keccak and to_wei/from_wei
against eth-utils, abi_encode/abi_decode against eth-abi, verify_message against eth-account's
EIP-191 signatures. Cases are generated from a fixed seed; one ogpu script computes them all and
each line must equal the reference's. Also sign_message (the session key, offline) and wallet_new
against eth-account, and the REPL's completion and help for the signing built-ins; their sends on
the devnet are in test_chain_console_sends.py."""
import io
import json
import random
import subprocess

import pytest

from conftest import ROOT, base_env, repl  # noqa: F401 (a fixture)

PEER = r'''
import json, random, sys
from decimal import Decimal
from eth_abi import encode, decode
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import keccak, to_wei, from_wei, function_signature_to_4byte_selector, to_checksum_address

rng = random.Random(int(sys.argv[1]))
cases = []          # (ogpu expression, expected printed line)

def hexs(b): return "0x" + b.hex()
def addr(): return to_checksum_address("0x" + rng.randbytes(20).hex())
def text():
    return "".join(rng.choice("abcXYZ 019é€\n\t\"{}") for _ in range(rng.randrange(0, 40)))
def q(s): return json.dumps(s, ensure_ascii=False).replace("{", "\\{")

for _ in range(40):
    t = text()
    cases.append((f"keccak({q(t)}, text: true)", hexs(keccak(text=t))))
    b = rng.randbytes(rng.randrange(0, 80))
    cases.append((f'keccak("{hexs(b)}")', hexs(keccak(b))))

types = ["uint256", "uint8", "int256", "int32", "address", "bool", "string", "bytes", "bytes32", "bytes4",
         "uint256[]", "address[2]", "(uint256,string)", "(bool,bytes)[]"]
def gen(t):
    if t.endswith("[]"): return [gen(t[:-2]) for _ in range(rng.randrange(0, 4))]
    if t.endswith("]"):
        base, n = t[:t.rindex("[")], int(t[t.rindex("[") + 1:-1]); return [gen(base) for _ in range(n)]
    if t.startswith("("): return tuple(gen(x) for x in t[1:-1].split(","))
    if t.startswith("uint"): return rng.randrange(0, 2 ** int(t[4:] or 256))
    if t.startswith("int"):
        bits = int(t[3:] or 256); return rng.randrange(-2 ** (bits - 1), 2 ** (bits - 1))
    if t == "address": return addr()
    if t == "bool": return rng.random() < 0.5
    if t == "string": return text()
    if t == "bytes": return rng.randbytes(rng.randrange(0, 70))
    if t.startswith("bytes"): return rng.randbytes(int(t[5:]))
def lit(v):   # the value as an ogpu literal
    if isinstance(v, bool): return "true" if v else "false"
    if isinstance(v, int): return str(v)
    if isinstance(v, bytes): return f'"{hexs(v)}"'
    if isinstance(v, (list, tuple)): return "[" + ", ".join(lit(x) for x in v) + "]"
    if isinstance(v, str) and v.startswith("0x") and len(v) == 42: return v
    return q(v)
def shown(v, t):   # how ogpu prints the decoded value
    if t.endswith("]") or t.startswith("("):
        inner = t[:t.rindex("[")] if t.endswith("]") else None
        parts = t[1:-1].split(",") if inner is None else [inner] * len(v)
        return "[" + ", ".join(shown(x, pt) for x, pt in zip(v, parts)) + "]"
    if isinstance(v, bool): return "true" if v else "false"
    if isinstance(v, int): return str(v)
    if isinstance(v, bytes): return json.dumps(hexs(v))
    if t == "address": return to_checksum_address(v)
    return json.dumps(v, ensure_ascii=False).replace("\\u00e9", "é").replace("\\u20ac", "€")

for _ in range(60):
    ts = rng.sample(types, rng.randrange(1, 4))
    vals = [gen(t) for t in ts]
    sig = "(" + ",".join(ts) + ")"
    data = encode(ts, vals)
    cases.append((f'abi_encode("{sig}", ' + ", ".join(lit(v) for v in vals) + ")", hexs(data)))
    fsig = f"f{rng.randrange(1000)}" + sig
    cases.append((f'abi_encode("{fsig}", ' + ", ".join(lit(v) for v in vals) + ")",
                  hexs(function_signature_to_4byte_selector(fsig) + data)))
    cases.append((f'abi_decode("{sig}", "{hexs(data)}")', "[" + ", ".join(shown(v, t) for v, t in zip(decode(ts, data), ts)) + "]"))

for _ in range(20):
    unit = rng.choice(["wei", "gwei", "szabo", "finney", "ether"])
    n = rng.randrange(0, 10 ** 27)   # eth-utils computes in 28 significant digits; ogpu is exact at any size
    cases.append((f'from_wei({n}, "{unit}")', format(Decimal(from_wei(n, unit)).normalize(), 'f') if n else "0"))
    amount = Decimal(rng.randrange(0, 10 ** 12)) / Decimal(10 ** rng.randrange(0, 9))
    cases.append((f'to_wei({amount}, "{unit}")' if unit != "wei" else f'to_wei({int(amount)}, "wei")',
                  str(to_wei(amount if unit != "wei" else int(amount), unit))))

for _ in range(15):
    acct = Account.from_key(rng.randbytes(32))
    msg = text()
    sig = Account.sign_message(encode_defunct(text=msg), acct.key).signature
    other = addr()
    cases.append((f'verify_message({q(msg)}, "{hexs(sig)}", {acct.address})', "true"))
    cases.append((f'verify_message({q(msg)}, "{hexs(sig)}", {other})', "false"))

json.dump(cases, sys.stdout)
'''


def peer_cases(seed):
    venv = subprocess.run([str(ROOT / "scripts" / "eth-account-venv")], capture_output=True, text=True, timeout=900)
    assert venv.returncode == 0, venv.stderr
    r = subprocess.run([venv.stdout.strip() + "/bin/python", "-c", PEER, str(seed)], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


@pytest.mark.parametrize("seed", [1, 2])
def test_chain_console_builtins_agree_with_the_reference_libraries(ogpu_bin, home, seed):
    cases = peer_cases(seed)
    assert len(cases) > 300
    script = home / "cases.ogpu"
    script.write_text("".join(f"print {expr}\n" for expr, _ in cases), encoding="utf-8")
    r = subprocess.run([ogpu_bin, str(script)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    got = r.stdout.split("\n")
    # print writes multi-line strings as they are: compare case by case on the printed text.
    expected = "\n".join(e for _, e in cases) + "\n"
    if r.stdout != expected:
        for (expr, want), line in zip(cases, got):
            assert line == want, f"{expr}\n  ogpu:      {line}\n  reference: {want}"
        assert r.stdout == expected


def test_abi_errors_name_the_signature_and_the_value(ogpu_bin):
    for code, kind, text in [
        ('abi_encode("f(uint256)", "x")', "type", 'an ABI uint256 cannot be made from string "x"'),
        ('abi_encode("f(uint256,bool)", 1)', "value", "takes 2 arguments, got 1"),
        ('abi_encode("f(uint8)", 256)', "value", "`f(uint8)`"),
        ('abi_decode("(uint256)", "0x12")', "value", "`(uint256)`"),
        ('abi_decode("(uint256)", "12")', "value", "must be \"0x\""),
        ('to_wei(1.5, "wei")', "value", "finer than 1 wei"),
        ('to_wei(1, "eth")', "value", "unknown unit `eth`"),
    ]:
        r = subprocess.run([ogpu_bin, "-e", code], capture_output=True, text=True, timeout=30)
        assert r.returncode == 70, (code, r.stdout, r.stderr)
        assert f"error[{kind}]" in r.stderr and text in r.stderr, (code, r.stderr)


# -- Signing with the session's key, and sending ----------------------------------------------

SIGN_PEER = r'''
import json, random, sys
from eth_account import Account
from eth_account.messages import encode_defunct
rng = random.Random(int(sys.argv[1]))
def text():
    return "".join(rng.choice("abcXYZ 019é€\n\t\"") for _ in range(rng.randrange(0, 40)))
out = []
for _ in range(3):
    key = rng.randbytes(32)
    cases = []
    for _ in range(12):
        if rng.random() < 0.3:
            b = rng.randbytes(rng.randrange(0, 50))
            cases.append(['"0x' + b.hex() + '"', "0x" + Account.sign_message(encode_defunct(primitive=b), key).signature.hex()])
        else:
            t = text()
            lit = json.dumps(t, ensure_ascii=False).replace("{", "\\{")
            cases.append([lit, "0x" + Account.sign_message(encode_defunct(text=t), key).signature.hex()])
    out.append({"key": "0x" + key.hex(), "address": Account.from_key(key).address, "cases": cases})
json.dump(out, sys.stdout)
'''


def eth_account_python():
    venv = subprocess.run([str(ROOT / "scripts" / "eth-account-venv")], capture_output=True, text=True, timeout=900)
    assert venv.returncode == 0, venv.stderr
    return venv.stdout.strip() + "/bin/python"


def reference(code, *args):
    r = subprocess.run([eth_account_python(), "-c", code, *args], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_sign_message_equals_eth_account_and_never_shows_the_key(ogpu_bin, home):
    """EIP-191 personal_sign with the session's key, offline (nothing answers at the RPC URL):
    byte-for-byte eth-account's signature for text and 0x-hex messages, verify_message accepts
    it, and the key appears nowhere in what ogpu prints."""
    for account in json.loads(reference(SIGN_PEER, "7")):
        script = "".join(f"print sign_message({lit})\n" for lit, _ in account["cases"])
        script += f'print verify_message("hi", sign_message("hi"), {account["address"]})\n'
        r = subprocess.run([ogpu_bin, "-e", script], capture_output=True, text=True, timeout=60,
                           env=base_env(home, CLIENT_PRIVATE_KEY=account["key"], OGPU_RPC_URL="http://127.0.0.1:9"))
        assert r.returncode == 0, r.stderr
        assert r.stdout.splitlines() == [sig for _, sig in account["cases"]] + ["true"]
        assert account["key"][2:] not in (r.stdout + r.stderr).lower()


def test_signing_built_ins_refuse_bad_arguments_before_anything_is_signed(ogpu_bin, home):
    env = base_env(home, CLIENT_PRIVATE_KEY="0x" + "11" * 32, OGPU_RPC_URL="http://127.0.0.1:9")
    for code, kind, text in [
        ("sign_message(1)", "type", "sign_message() expects a string"),
        ('tx("0x12")', "value", "must be a transaction hash"),
        ('speed_up("nope")', "value", "must be a transaction hash"),
        ('transfer(0x000000000000000000000000000000000000dEaD, 5)', "type", "an amount like ogpu(1)"),
        ('transfer(0x000000000000000000000000000000000000dEaD, ogpu(0))', "value", "amount must be greater than 0"),
        ('transfer(0x000000000000000000000000000000000000dEaD, ogpu(1), max_fee: gwei(1), max_priority_fee: gwei(2))',
         "value", "max_priority_fee (2 gwei) cannot exceed max_fee (1 gwei)"),
        ('deposit(ogpu(1), max_fee: gwei(0))', "value", "max_fee must be greater than 0"),
        ('deposit(ogpu(1), gas: 20000)', "value", "gas must be at least 21000"),
        ('deposit(ogpu(1), gas: -1)', "value", "gas must be greater than 0"),
        ('cancel(0x000000000000000000000000000000000000dEaD, max_fee: 5)', "type", "an amount per gas like gwei(30)"),
        ('send(0x000000000000000000000000000000000000dEaD, "f(uint256)")', "value", "takes 1 argument, got 0"),
        ('send(0x000000000000000000000000000000000000dEaD, "f(uint256)", 1, value: 3)', "type", "an amount like ogpu(1)"),
        ('wallet_new("")', "value", "`path` is empty"),
    ]:
        r = subprocess.run([ogpu_bin, "-e", code], capture_output=True, text=True, timeout=30, env=env)
        assert r.returncode == 70, (code, r.stdout, r.stderr)
        assert f"error[{kind}]" in r.stderr and text in r.stderr, (code, r.stderr)
    assert not (home / ".ogpu" / "journal.jsonl").exists(), "nothing was signed"


# -- wallet_new ---------------------------------------------------------------------------------

DECRYPT = r'''
import json, sys
from eth_account import Account
key = Account.decrypt(json.load(open(sys.argv[1])), sys.argv[2])
print(Account.from_key(key).address)
'''

RECOVER = r'''
import sys
from eth_account import Account
from eth_account.messages import encode_defunct
print(Account.recover_message(encode_defunct(text=sys.argv[1]), signature=sys.argv[2]))
'''


def test_wallet_new_writes_a_keystore_eth_account_decrypts(ogpu_bin, home, tmp_path):
    """The password comes from OGPU_PASSWORD (as for --keystore); the script gets the address
    only; the file is mode 0600, scrypt, decrypted by eth-account to the same address, usable with
    --keystore; an existing file is never overwritten."""
    path = tmp_path / "new.json"
    env = base_env(home, OGPU_PASSWORD="correct horse", OGPU_RPC_URL="http://127.0.0.1:9")
    r = subprocess.run([ogpu_bin, "-e", f'let a = wallet_new("{path}")\nprint type(a), a'], capture_output=True, text=True,
                       env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    kind, address = r.stdout.split()
    assert kind == "address"
    assert path.stat().st_mode & 0o777 == 0o600
    keystore = json.loads(path.read_text())
    assert keystore["version"] == 3 and keystore["crypto"]["kdf"] == "scrypt"
    assert reference(DECRYPT, str(path), "correct horse").strip() == address
    assert "correct horse" not in r.stdout + r.stderr
    # The new keystore signs: eth-account recovers its address from the signature.
    r = subprocess.run([ogpu_bin, "--keystore", str(path), "-e", 'print sign_message("from the new wallet")'],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert reference(RECOVER, "from the new wallet", r.stdout.strip()).strip() == address
    before = path.read_bytes()
    r = subprocess.run([ogpu_bin, "-e", f'wallet_new("{path}")'], capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 70 and "error[io]" in r.stderr and "never overwritten" in r.stderr, r.stderr
    assert path.read_bytes() == before


def test_wallet_new_asks_twice_without_echo_and_needs_a_terminal(ogpu_bin, home, tmp_path):
    import pexpect
    path = tmp_path / "asked.json"
    child = pexpect.spawn(ogpu_bin, ["-e", f'print "address", wallet_new("{path}")'], encoding="utf-8", timeout=120,
                          env=base_env(home, OGPU_RPC_URL="http://127.0.0.1:9"))
    shown = io.StringIO()
    child.logfile_read = shown  # everything the terminal displayed
    child.expect_exact("Password for the new keystore asked.json: ")
    child.sendline("s3cret pass")
    child.expect_exact("Repeat the password: ")
    child.sendline("s3cret pass")
    child.expect(r"address (0x[0-9a-fA-F]{40})")
    address = child.match.group(1)
    child.expect(pexpect.EOF)
    assert "s3cret" not in shown.getvalue(), "the password was echoed"
    assert reference(DECRYPT, str(path), "s3cret pass").strip() == address
    # Two different passwords: nothing is written.
    other = tmp_path / "mismatch.json"
    child = pexpect.spawn(ogpu_bin, ["-e", f'wallet_new("{other}")'], encoding="utf-8", timeout=60,
                          env=base_env(home, OGPU_RPC_URL="http://127.0.0.1:9"))
    child.expect_exact("Password for the new keystore")
    child.sendline("one")
    child.expect_exact("Repeat the password: ")
    child.sendline("two")
    child.expect(pexpect.EOF)
    assert "error[key]" in child.before and "the two passwords differ" in child.before
    assert not other.exists()
    # No terminal and no OGPU_PASSWORD: refused, nothing written.
    r = subprocess.run([ogpu_bin, "-e", f'wallet_new("{other}")'], capture_output=True, text=True, timeout=60,
                       env=base_env(home, OGPU_RPC_URL="http://127.0.0.1:9"), stdin=subprocess.DEVNULL, start_new_session=True)
    assert r.returncode == 70 and "error[key]" in r.stderr and "set OGPU_PASSWORD" in r.stderr, r.stderr
    assert not other.exists()
    # OGPU_PASSWORD unlocking --keystore is that keystore's, never reused for a new one.
    r = subprocess.run([ogpu_bin, "--keystore", str(path), "-e", f'wallet_new("{other}")'], capture_output=True, text=True,
                       timeout=60, env=base_env(home, OGPU_PASSWORD="s3cret pass", OGPU_RPC_URL="http://127.0.0.1:9"),
                       stdin=subprocess.DEVNULL, start_new_session=True)
    assert r.returncode == 70 and "error[key]" in r.stderr and "never reused" in r.stderr, r.stderr
    assert not other.exists()


def test_the_repl_completes_and_documents_the_signing_built_ins(repl, tmp_path):
    """Completion and :help come from the built-in table: the new built-ins need no list of their
    own. At the prompt, wallet_new asks for its password on the terminal, without echo."""
    r = repl(OGPU_PASSWORD=None, OGPU_RPC_URL="http://127.0.0.1:9")
    r.send(f'wallet_new("{tmp_path / "repl.json"}")\r')
    r.child.expect_exact("Password for the new keystore repl.json: ")
    r.send("typed at the prompt\r")
    r.child.expect_exact("Repeat the password: ")
    r.send("typed at the prompt\r")
    out = r.prompt()
    assert "0x" in out and "typed at" not in out, out
    assert reference(DECRYPT, str(tmp_path / "repl.json"), "typed at the prompt").strip() in out
    r.send('str(wallet_n\t)\r')   # wallet_n<Tab> → wallet_new
    out = r.prompt()
    assert "<fn wallet_new>" in out and "error" not in out, out
    for name, words in [("speed_up", "at least 10% higher"), ("cancel_tx", "0-value transfer to yourself"),
                        ("send", "human-readable signature"), ("transfer", "native OGPU"), ("tx", "looks a transaction up"),
                        ("sign_message", "EIP-191"), ("wallet_new", "never overwritten")]:
        shown = " ".join(r.run(f":help {name}").split())
        assert shown.startswith(name) and words in shown, shown
        assert words in " ".join(r.run(f'help("{name}")').split())
