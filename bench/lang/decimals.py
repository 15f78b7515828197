from decimal import Decimal, getcontext
getcontext().prec = 60
def run():
    total = Decimal(0)
    fees = Decimal(0)
    price = Decimal("1.25")
    a, b, c, d = Decimal("0.01"), Decimal("1.05"), Decimal("0.0005"), Decimal("0.015")
    for i in range(200000):
        price = price + a
        total += price * b - c
        if i % 3 == 0:
            fees += price * d
    return f"{int(total * 10000)} {int(fees * 100000)} {'true' if total > fees else 'false'}"
print(run())
