"""The chain console's pure built-ins against the reference libraries: keccak and to_wei/from_wei
against eth-utils, abi_encode/abi_decode against eth-abi, verify_message against eth-account's
EIP-191 signatures. Cases are generated from a fixed seed; one ogpu script computes them all and
each line must equal the reference's."""
import json
import random
import subprocess

import pytest

from conftest import ROOT

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
