def run():
    xs = []
    m = {}
    for i in range(100000):
        xs.append(i * 2)
        m[f"k{i}"] = i
    s = 0
    for x in xs:
        s += x
    for k, v in m.items():
        s += v
    return s
print(run())
