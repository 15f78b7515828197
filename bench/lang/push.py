from functools import reduce
def run():
    rows = []
    for i in range(150000):
        row = []
        row.append(i)
        row.append(i % 7)
        rows.append(row)
    evens = list(filter(lambda r: r[1] % 2 == 0, rows))
    firsts = list(map(lambda r: r[0], evens))
    total = reduce(lambda a, b: a + b, firsts, 0)
    return f"{len(rows)} {len(evens)} {total}"
print(run())
