import json
def run():
    recs = []
    for i in range(20000):
        recs.append({"id": i, "name": f"user{i}", "score": i * 37 % 1000, "tags": ["a", f"b{i % 10}"],
                     "active": i % 2 == 0, "ratio": 0.5, "note": f"line\tbreak \"q\" {i}"})
    text = json.dumps(recs, separators=(",", ":"), ensure_ascii=False)
    back = json.loads(text)
    total = 0
    for r in back:
        total += r["score"] + len(r["tags"])
    return f"{len(text)} {total} {back[-1]['note']}"
print(run())
