def run():
    counts = {}
    for i in range(400000):
        w = f"w{i * 7919 % 5003}"
        counts[w] = counts.get(w, 0) + 1
    pairs = [[k, v] for k, v in counts.items()]
    top = sorted(pairs, key=lambda p: -p[1] * 100000 + int(p[0][1:]))
    return f"{len(counts)} {top[0][0]}={top[0][1]} {top[1][0]}={top[1][1]} {top[-1][0]}={top[-1][1]}"
print(run())
