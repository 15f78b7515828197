# Amounts in wei (int), durations in milliseconds (int): what a careful Python script does.
def run():
    spent = 0
    waited_ms = 0
    gwei = 10 ** 9
    base = 3 * gwei
    for i in range(120000):
        payment = (i % 1000) * gwei + base * 2
        spent = spent + payment
        waited_ms = waited_ms + 250 * (i % 4) + 1000
    avg = spent // 120000
    return f"{spent} {avg} {waited_ms // 1000} {'true' if spent > 10 ** 16 else 'false'}"
print(run())
