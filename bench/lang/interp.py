def run():
    lines = []
    for i in range(60000):
        lines.append(f"row {i}: name=user{i % 97}, score={i * 7 % 1000}")
    text = "\n".join(lines)
    n = 0
    for line in text.split("\n"):
        parts = line.split(", ")
        n += len(parts[0].upper()) + len(parts[1])
    return f"{len(text)} {n}"
print(run())
