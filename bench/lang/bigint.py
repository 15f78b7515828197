import sys
if hasattr(sys, "set_int_max_str_digits"): sys.set_int_max_str_digits(0)
def run():
    f = 1
    for i in range(1, 1501):
        f *= i
    digits = 0
    for c in str(f):
        digits += int(c)
    x = 3
    m = 2 ** 3000 - 1
    for i in range(300):
        x = (x * x + i) % m
    return f"{len(str(f))} {digits} {x % 1000000007}"
print(run())
