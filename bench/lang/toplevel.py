# Top-level code: every name is a module global.
total = 0
i = 0
while i < 3000000:
    total = (total + i * 3) % 1000003
    i += 1
print(total)
