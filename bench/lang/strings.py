def run():
    s = ""
    n = 0
    for i in range(200000):
        piece = f"item {i}, "
        s = piece + "x"
        n += len(s)
    return n
print(run())
