def run():
    xs = []
    x = 12345
    for i in range(200000):
        x = (x * 1103515245 + 12345) % 2147483648
        xs.append(x % 1000000)
    s = sorted(xs)
    recs = []
    for i in range(50000):
        recs.append({"id": i, "score": xs[i] % 1000, "name": f"n{i}"})
    by = sorted(recs, key=lambda r: r["score"] * 100000 + r["id"])
    return f"{s[0]} {s[100000]} {s[-1]} {by[0]['name']} {by[-1]['name']}"
print(run())
