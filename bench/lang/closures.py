def make_adder(k):
    return lambda x: x + k
def run():
    total = 0
    for i in range(300000):
        add = make_adder(i)
        total = add(total) % 1000003
    return total
print(run())
