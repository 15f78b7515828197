# The same script in Python: drafts as dicts (amounts in wei, durations in seconds), validated as
# the SDK's TaskInfo would be, configs serialised with json.
import json

SOURCE = "0x4F1477E0a1DA8340E964D01e32Dff302F3CB203A"
GWEI, OGPU = 10 ** 9, 10 ** 18
TIERS = {"short": 500 * GWEI, "medium": 100000 * GWEI, "long": OGPU // 1000}

def tier(prompt):
    n = len(prompt)
    return "short" if n < 42 else "medium" if n < 46 else "long"

def task(source, fn, data, payment, expiry, **extra):
    if not (isinstance(source, str) and source.startswith("0x") and len(source) == 42):
        raise ValueError("source must be an address")
    if not fn:
        raise ValueError("fn must not be empty")
    if not isinstance(data, dict) or not data:
        raise ValueError("data must be a non-empty map")
    if payment <= 0:
        raise ValueError("payment must be greater than 0")
    if expiry <= 0:
        raise ValueError("expiry must be in the future")
    d = {"source": source, "fn": fn, "data": data, "payment": payment, "expiry": expiry}
    d.update(extra)
    return d

def valid(d):
    return d["payment"] > 0 and len(d["data"]["messages"]) > 0 and d["expiry"] >= 600

def run():
    drafts = []
    rejected = 0
    for i in range(6000):
        prompt = f"Question {i}: " + ("summarise the report in one line" if i % 3 == 0 else f"what is {i} squared, and why?")
        t = tier(prompt)
        d = task(SOURCE, "text2text", {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": prompt}]},
                 payment=TIERS[t] + i, expiry=300 if i % 50 == 0 else 3600, max_tokens=64 + i % 64)
        if valid(d):
            drafts.append(d)
        else:
            rejected += 1
    total = 0
    by_tier = {}
    nbytes = 0
    for d in drafts:
        total += d["payment"]
        nbytes += len(json.dumps(d["data"], separators=(",", ":"), ensure_ascii=False))
        t = tier(d["data"]["messages"][1]["content"])
        by_tier[t] = by_tier.get(t, 0) + 1
    return f"{len(drafts)} {rejected} {total} {by_tier.get('short')} {by_tier.get('medium')} {by_tier.get('long')} {nbytes}"
print(run())
