def check(i):
    if i % 3 == 0:
        raise ValueError(f"bad {i}")
    return i
def run():
    ok = 0
    bad = 0
    last = ""
    for i in range(100000):
        try:
            ok += check(i)
        except ValueError as e:
            bad += 1
            last = str(e)
    return f"{ok} {bad} {last}"
print(run())
